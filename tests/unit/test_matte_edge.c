/*
 * test_matte_edge.c - the dark ring along an outline (matte_render.c): a
 * sharpened photo leaves, just outside light hair on a coloured wall, a
 * band darker than both with the wall's hue. The cut takes it for the
 * person; the render must read it from its hue as wall, likewise wall
 * seen between strands just inside the cut, and must leave dark pixels
 * of the person's own hue (dark hair) alone.
 */
#include "check.h"
#include "segment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W    60
#define H    16
#define EDGE 30 /* person x < EDGE; the cut reaches EDGE + 2 */

static const float blonde[3] = {200, 150, 90}, wall[3] = {85, 117, 166};

static void test_hue_alpha(void)
{
    float o[3], grey[3] = {60, 60, 60}, white[3] = {250, 250, 250};
    float dark[3] = {20, 20, 20}, shade[3] = {30, 30, 30};
    for (int c = 0; c < 3; c++) /* 20 % blonde, then darkened by 40 % */
        o[c] = 0.6f * (0.2f * blonde[c] + 0.8f * wall[c]);
    CHECK_NEAR(idp__hue_alpha(o, wall, blonde, 1), 0.2, 0.02);
    CHECK_NEAR(idp__hue_alpha(o, wall, blonde, 0.1), 0.1, 1e-9);
    /* grey hair on a white wall: no hue to read */
    CHECK_NEAR(idp__hue_alpha(shade, white, grey, 0.8), 0.8, 1e-9);
    /* a dark neutral pixel: its hue is noise */
    CHECK_NEAR(idp__hue_alpha(dark, wall, blonde, 0.9), 0.9, 1e-9);
}

/* Soft alpha along a vertical edge: person (colour `p`) left of EDGE,
 * wall right of it, the two columns EDGE, EDGE + 1 coloured `ring`; the
 * cut (hard) includes them. Returns alpha at (x, middle row). */
static void render_edge(const float p[3], const float ring[2][3], float *alpha)
{
    static float rgb[W * H * 3], hard[W * H];
    double coef[18] = {0};
    idp__soft_in in;
    for (int c = 0; c < 3; c++)
        coef[6 * c] = wall[c];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            size_t i = (size_t)y * W + (size_t)x;
            const float *col = x < EDGE       ? p
                               : x < EDGE + 2 ? ring[x - EDGE]
                                              : wall;
            memcpy(rgb + 3 * i, col, 3 * sizeof *col);
            hard[i] = x < EDGE + 2 ? 1.0f : 0.0f;
        }
    memset(&in, 0, sizeof in);
    in.rgb = rgb;
    in.hard = hard;
    in.w = W;
    in.h = H;
    in.band = 4;
    in.outer = 4;
    in.coef = coef;
    in.du = 1.0 / W;
    in.dv = 1.0 / H;
    CHECK_EQ_INT(idp__soft_alpha(&in, alpha), 0);
}

static void test_ring(void)
{
    static float alpha[W * H];
    const float ring[2][3] = {{34, 47, 66}, {51, 70, 100}}; /* dark wall */
    const float brown[3] = {70, 45, 30};
    const float dark_hair[2][3] = {{40, 26, 17}, {50, 32, 21}};
    const float gap[2][3] = {{77.5f, 81, 98}, {77.5f, 81, 98}};
    size_t row = (H / 2) * (size_t)W;
    render_edge(blonde, ring, alpha);
    CHECK(alpha[row + EDGE - 3] > 0.99f); /* the person */
    CHECK(alpha[row + EDGE + 1] <= 0.3f); /* the ring: wall, but the */
    CHECK(alpha[row + EDGE] <= 0.55f);    /* depth ramp (din / band) */
    CHECK(alpha[row + EDGE + 4] < 0.01f); /* the wall */
    /* wall seen between strands of brown hair, a 50 % mix two pixels
     * inside the cut: the hue lifts the inside ramp (it was 1) */
    render_edge(brown, gap, alpha);
    CHECK(alpha[row + EDGE] <= 0.6f);
    CHECK(alpha[row + EDGE + 1] <= 0.6f);
    CHECK(alpha[row + EDGE - 3] > 0.99f);
    /* the person's own dark edge (dark hair) stays */
    render_edge(brown, dark_hair, alpha);
    CHECK(alpha[row + EDGE] > 0.99f);
    CHECK(alpha[row + EDGE + 1] > 0.99f);
}

int main(void)
{
    test_hue_alpha();
    test_ring();
    return CHECK_DONE();
}
