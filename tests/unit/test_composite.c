/* test_composite.c - soft edges lose the old wall's colour, also where the
 * wall field is a few levels off the wall actually seen near the edge. */
#include "check.h"
#include "idp_internal.h"

#include <stdlib.h>
#include <string.h>

#define W 64
#define H 8

/* Dark hair (F) fading into a white wall (B) over columns 16..47. */
static double alpha_at(int x)
{
    double a = (47 - x) / 31.0;
    return a < 0 ? 0 : a > 1 ? 1 : a;
}

static void test_no_halo(void)
{
    static uint8_t rgb[W * H * 3], alpha[W * H], out[W * H * 3];
    static float wall[W * H * 3];
    const double f[3] = {60, 40, 30}, b[3] = {250, 250, 250};
    const idp_rgb t = {100, 197, 255};
    double worst = 0, naive_worst = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            size_t i = (size_t)y * W + (size_t)x;
            double a = alpha_at(x);
            alpha[i] = (uint8_t)lround(a * 255);
            for (int c = 0; c < 3; c++) {
                rgb[i * 3 + (size_t)c] =
                    (uint8_t)lround(a * f[c] + (1 - a) * b[c]);
                wall[i * 3 + (size_t)c] = (float)b[c];
            }
        }
    static uint8_t fg[W * H * 3];
    CHECK_EQ_INT(idp__composite(rgb, alpha, wall, W, H, t, 1, out, fg), 0);
    /* the person's own colour is recovered along the edge (below alpha
     * 0.2 one 8-bit step of the mix is > 2 levels of F, and F hardly
     * shows there) */
    for (int x = 0; alpha_at(x) >= 0.2; x++)
        CHECK(abs(fg[(3 * W + x) * 3] - 60) <= 3);
    for (int x = 0; x < W; x++) {
        size_t i = 3 * (size_t)W + (size_t)x; /* a middle row */
        double a = alpha[i] / 255.0;
        for (int c = 0; c < 3; c++) {
            double want = a * f[c] + (1 - a) * (&t.r)[c];
            double naive = a * rgb[i * 3 + (size_t)c] + (1 - a) * (&t.r)[c];
            worst = fmax(worst, fabs(out[i * 3 + (size_t)c] - want));
            naive_worst = fmax(naive_worst, fabs(naive - want));
        }
    }
    printf("edge error: %.1f levels (compositing the observed colour: "
           "%.1f)\n",
           worst, naive_worst);
    CHECK(worst <= 3);
    CHECK(naive_worst > 40); /* the halo this removes */
    /* solid person: unchanged, its own colour the foreground; all wall:
     * exactly the target, no foreground */
    int solid = 0, off = 0;
    for (size_t i = 0; i < W * H; i++)
        for (size_t c = 0; c < 3 && (alpha[i] == 255 || alpha[i] == 0); c++) {
            int want = alpha[i] ? rgb[i * 3 + c] : (&t.r)[c];
            off += out[i * 3 + c] != want ||
                   fg[i * 3 + c] != (alpha[i] ? rgb[i * 3 + c] : 0);
            solid++;
        }
    CHECK_EQ_INT(off, 0);
    CHECK(solid >= 3 * H * 30);
    CHECK_EQ_INT(out[0], 60);
    CHECK_EQ_INT(out[(W - 1) * 3], 100);
}

/* The field passed in is 25 levels off the wall around the edge (a
 * vignette the quadratic misses): the wall seen beside the edge (alpha 0)
 * corrects it. With the field alone, F at alpha 0.25 is ~19 levels off. */
static void test_local_wall(void)
{
    static uint8_t rgb[W * H * 3], alpha[W * H], out[W * H * 3], fg[W * H * 3];
    static float wall[W * H * 3];
    const double f[3] = {200, 150, 90}, b[3] = {85, 117, 166};
    const idp_rgb t = {255, 255, 255};
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            size_t i = (size_t)y * W + (size_t)x;
            double a = x < 40 ? 1 : x >= 48 ? 0 : (48 - x) / 8.0;
            alpha[i] = (uint8_t)lround(a * 255);
            for (int c = 0; c < 3; c++) {
                rgb[i * 3 + (size_t)c] =
                    (uint8_t)lround(a * f[c] + (1 - a) * b[c]);
                wall[i * 3 + (size_t)c] = (float)(b[c] + 25);
            }
        }
    CHECK_EQ_INT(idp__composite(rgb, alpha, wall, W, H, t, 1, out, fg), 0);
    for (int x = 40; x < 48; x++) {
        size_t i = 3 * (size_t)W + (size_t)x;
        for (int c = 0; c < 3; c++)
            CHECK(fabs(fg[i * 3 + (size_t)c] - f[c]) <= 4);
    }
    /* on two threads: the same bytes */
    static uint8_t out2[W * H * 3], fg2[W * H * 3];
    CHECK_EQ_INT(idp__composite(rgb, alpha, wall, W, H, t, 2, out2, fg2), 0);
    CHECK(memcmp(out, out2, sizeof out) == 0);
    CHECK(memcmp(fg, fg2, sizeof fg) == 0);
}

int main(void)
{
    test_no_halo();
    test_local_wall();
    return CHECK_DONE();
}
