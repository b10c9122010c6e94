/*
 * test_matte_edge.c - the dark ring along an outline (matte_render.c): a
 * sharpened photo leaves, just outside light hair on a coloured wall, a
 * band darker than both with the wall's hue. The cut takes it for the
 * person; the render must read it from its hue as wall, likewise wall
 * seen between strands just inside the cut, and must leave dark pixels
 * of the person's own hue (dark hair) alone. And matte_edge.c's two
 * ways to a row's alpha, one pixel and eight at a time, give the same
 * bits.
 */
#include "check.h"
#include "matte_edge.h"
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

/* ---- one pixel or eight at a time ---- */

#define LW 45 /* not a multiple of 8: the last lanes of a row are off */
#define LH 13

static uint32_t rng = 12345;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static float uni(float lo, float hi)
{
    return lo + (hi - lo) * (float)(next() % 100001) / 100000.0f;
}

/* A pixel colour: anything, dark, near the wall or the person, a mix of
 * the two darkened (the dark ring), grey (no hue), black (no direction). */
static void colour(const float *bg, const float *fg, float *o)
{
    int kind = (int)(next() % 7);
    float a = uni(0, 1), s = uni(0.3f, 1);
    for (int c = 0; c < 3; c++) {
        float mix = a * fg[c] + (1 - a) * bg[c];
        o[c] = kind == 0   ? uni(0, 255)
               : kind == 1 ? uni(0, 40)
               : kind == 2 ? bg[c] + uni(-6, 6)
               : kind == 3 ? fg[c] + uni(-6, 6)
               : kind == 4 ? s * mix
                           : 128;
    }
    if (kind == 5)
        o[1] = o[2] = o[0] = uni(0, 255);
    if (kind == 6)
        o[0] = o[1] = o[2] = uni(0, 0.6f);
}

typedef struct lane_case {
    float rgb[LW * LH * 3], hard[LW * LH], din[LW * LH], dout[LW * LH];
    float res[LW * LH * 3];
    uint8_t hm[LW * LH], out[LW * LH], ero[LW * LH], mbg[LW * LH], mfg[LW * LH];
    double coef[18];
    idp__fill bg, fg;
} lane_case;

/* Random inputs; the fills sparse in places (their wide and fallback
 * reads) and the wall field past 0..255 in places; `black`: a black wall
 * (B too short to have a direction). */
static void lane_inputs(lane_case *t, int band, int black)
{
    const float person[3] = {uni(0, 255), uni(0, 255), uni(0, 255)};
    const float top = black ? 0 : 255;
    const float wallc[3] = {uni(0, top), uni(0, top), uni(0, top)};
    const float zero[3] = {0, 0, 0}, grey[3] = {90, 90, 90};
    for (int k = 0; k < 18; k++)
        t->coef[k] = black        ? (k % 6 == 0 ? -1 : 0)
                     : k % 6 == 0 ? wallc[k / 6] + uni(-80, 80)
                                  : uni(-400, 400);
    for (int i = 0; i < LW * LH; i++) {
        int x = i % LW;
        colour(wallc, person, t->rgb + 3 * i);
        for (int c = 0; c < 3; c++)
            t->res[3 * i + c] = black ? uni(0, 0.5f) : uni(-20, 20);
        t->hard[i] = next() % 4 ? uni(0, 1) : (float)(next() % 3) / 2;
        t->din[i] = uni(0, 2.0f * (float)band);
        t->dout[i] = uni(0, 5.0f * (float)band);
        t->hm[i] = next() % 2;
        t->out[i] = next() % 5 != 0;
        t->ero[i] = next() % 5 == 0;
        t->mbg[i] = x > LW / 2 && next() % 3 == 0;
        t->mfg[i] = x < 6 && next() % 4 == 0;
    }
    CHECK_EQ_INT(idp__fill_make(&t->bg, t->res, 3, t->mbg, LW, LH, band, zero),
                 0);
    CHECK_EQ_INT(
        idp__fill_make(&t->fg, t->rgb, 3, t->mfg, LW, LH, 2 * band, grey), 0);
}

static void test_lanes(void)
{
    static lane_case t;
    static float one[LW], eight[LW];
    int differ = 0, soft = 0, rows = 0;
    for (int round = 0; round < 60; round++) {
        int band = 2 + round % 5;
        idp__edge z = {t.rgb, t.hard, t.din,         t.dout, t.hm, t.out, t.ero,
                       &t.bg, &t.fg,  t.coef,        0,      0,    0,     0,
                       LW,    band,   1 + round % 4, 0};
        lane_inputs(&t, band, round % 4 == 3);
        z.u0 = uni(-0.5f, 0.5f);
        z.du = uni(0.001f, 0.05f);
        z.v0 = uni(-0.5f, 0.5f);
        z.dv = uni(0.001f, 0.05f);
        z.nu = round % 3 == 0 ? 2.0 : uni(2, 40);
        for (int y = 0; y < LH; y++, rows++) {
            idp__edge_row(&z, y, one, 0);
            idp__edge_row(&z, y, eight, 1);
            differ += memcmp(one, eight, sizeof one) != 0;
            for (int x = 0; x < LW; x++)
                soft += one[x] > 0 && one[x] < 1;
        }
        idp__fill_free(&t.fg);
        idp__fill_free(&t.bg);
    }
    CHECK_EQ_INT(differ, 0);
    CHECK(soft > rows * 5); /* the estimate, not only 0 and 1 */
}

int main(void)
{
    test_hue_alpha();
    test_ring();
    test_lanes();
    return CHECK_DONE();
}
