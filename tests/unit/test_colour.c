/*
 * test_colour.c - idp__colourfulness (Hasler & Suesstrunk 2003) on grey,
 * saturated and sepia-toned synthetic images; idp__cbrt() against
 * libm's cbrt().
 */
#include "check.h"
#include "idp_internal.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A w x h image whose pixel (x, y) is f(x, y), rows padded by 5 bytes. */
typedef void (*pixel_fn)(int x, int y, int w, int h, uint8_t out[3]);

/* Colourfulness of a generated image; its hue spread into *spread. */
static double stats_of(int w, int h, pixel_fn f, double *spread)
{
    size_t stride = 3 * (size_t)w + 5;
    uint8_t *img = calloc(stride * (size_t)h, 1);
    double m;

    if (!img)
        return NAN;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            f(x, y, w, h, img + (size_t)y * stride + 3 * (size_t)x);
    m = idp__colourfulness(img, w, h, stride);
    idp__colour_stats(img, w, h, stride, &m, spread);
    free(img);
    return m;
}

static double colourfulness_of(int w, int h, pixel_fn f)
{
    double spread;
    return stats_of(w, h, f, &spread);
}

/* A diagonal ramp 0..255. */
static double ramp(int x, int y, int w, int h)
{
    return 255.0 * (x + y) / (double)(w + h - 2);
}

static void grey(int x, int y, int w, int h, uint8_t out[3])
{
    uint8_t v = (uint8_t)lround(ramp(x, y, w, h));
    out[0] = out[1] = out[2] = v;
}

/* Four saturated quadrants: red, green, blue, yellow. */
static void saturated(int x, int y, int w, int h, uint8_t out[3])
{
    static const uint8_t c[4][3] = {
        {255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 0}};
    int q = (x >= w / 2) + 2 * (y >= h / 2);
    memcpy(out, c[q], 3);
}

/* Sepia: (R, G, B) = v (1.0, 0.85, 0.65), v a ramp over 0..255. */
static void sepia(int x, int y, int w, int h, uint8_t out[3])
{
    double v = ramp(x, y, w, h);
    out[0] = (uint8_t)lround(v);
    out[1] = (uint8_t)lround(0.85 * v);
    out[2] = (uint8_t)lround(0.65 * v);
}

/* Sepia over a portrait-like range, v in 60..220. */
static void sepia_mid(int x, int y, int w, int h, uint8_t out[3])
{
    double v = 60.0 + 160.0 / 255.0 * ramp(x, y, w, h);
    out[0] = (uint8_t)lround(v);
    out[1] = (uint8_t)lround(0.85 * v);
    out[2] = (uint8_t)lround(0.65 * v);
}

/* Soft natural colours: a skin-toned face-ish patch on a blue wall. */
static void portrait(int x, int y, int w, int h, uint8_t out[3])
{
    double u = (x - w / 2.0) / (0.25 * w), v = (y - h / 2.0) / (0.3 * h);
    static const uint8_t wall[3] = {100, 197, 255}, skin[3] = {225, 180, 150};
    memcpy(out, u * u + v * v <= 1.0 ? skin : wall, 3);
}

/* CIEDE2000 against Sharma, Wu & Dalal (2005), Table 1: pairs 1, 7, 17,
 * 19, 25 and 34 (hue wrap, grey, large and small differences). */
static void test_de00(void)
{
    static const double pairs[][7] = {
        {50, 2.6772, -79.7751, 50, 0, -82.7485, 2.0425},
        {50, 0, 0, 50, -1, 2, 2.3669},
        {50, 2.5, 0, 73, 25, -18, 27.1492},
        {50, 2.5, 0, 50, 3.1736, 0.5854, 1.0000},
        {60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644},
        {2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        CHECK_NEAR(idp__de00(pairs[i], pairs[i] + 3), pairs[i][6], 1e-4);
        CHECK_NEAR(idp__de00(pairs[i] + 3, pairs[i]), pairs[i][6], 1e-4);
    }
    CHECK_NEAR(idp__de00(pairs[0], pairs[0]), 0, 1e-12);
}

/* The same bits as libm's cbrt() for a million arguments of every size
 * (the Lab range densest), and the special ones. */
static void test_cbrt(void)
{
    const double special[] = {0.0,     -0.0,           -8.0,     DBL_MIN,
                              DBL_MAX, 4e-320,         INFINITY, -INFINITY,
                              1.0,     216.0 / 24389.0};
    uint64_t r = 88172645463325252u;
    int differ = 0;
    for (int i = 0; i < 1000000 + 10; i++) {
        double x, a, b;
        if (i < 10) {
            x = special[i];
        } else {
            uint64_t bits;
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            bits = i % 2 ? (r & 0x000FFFFFFFFFFFFFu) |
                               (uint64_t)(1016 + (r >> 60) % 9) << 52
                         : r & 0x7FFFFFFFFFFFFFFFu;
            memcpy(&x, &bits, sizeof x);
        }
        a = idp__cbrt(x);
        b = cbrt(x);
        differ += memcmp(&a, &b, sizeof a) != 0 && !(isnan(a) && isnan(b));
    }
    CHECK_EQ_INT(differ, 0);
    CHECK(isnan(idp__cbrt(NAN)));
#if defined(__GLIBC__) && defined(__x86_64__)
    CHECK(idp__cbrt_inline()); /* Debian's glibc: the inline way */
#endif
}

int main(void)
{
    test_de00();
    test_cbrt();
    double g = colourfulness_of(480, 640, grey);
    double s = colourfulness_of(480, 640, saturated);
    double sp = colourfulness_of(480, 640, sepia);
    double spm = colourfulness_of(480, 640, sepia_mid);
    double p = colourfulness_of(480, 640, portrait);
    double big = colourfulness_of(2000, 2000, saturated); /* grid step 4 */
    double thin = colourfulness_of(1, 400000, saturated);

    printf("grey %.3f, saturated %.1f, sepia 0..255 %.1f, sepia 60..220 "
           "%.1f, portrait %.1f, 2000x2000 %.1f, 1x400000 %.1f\n",
           g, s, sp, spm, p, big, thin);
    CHECK(g < 0.5);
    CHECK_NEAR(g, 0.0, 0.0); /* R = G = B: exactly 0 */
    CHECK(s > 30.0);
    CHECK_NEAR(big, s, 1.0); /* the grid sample agrees with every pixel */
    CHECK(thin > 30.0);
    CHECK(p > 30.0);
    /*
     * Sepia is not grey on this scale: rg = 0.15 v and yb = 0.275 v, so
     * M = 0.313 (sd(v) + 0.3 mean(v)). With the diagonal ramp (sd = 52,
     * mean 127.5) that is 28.5; for v over 60..220, 23.5: between
     * "slightly" (15) and "moderately" (33) colourful. A colourfulness
     * floor catches grey, not a uniform tint.
     */
    CHECK_NEAR(sp, 28.5, 0.5);
    CHECK_NEAR(spm, 23.5, 0.5);
    CHECK(sp < s / 2.0);
    CHECK_NEAR(idp__colourfulness(NULL, 10, 10, 30), 0.0, 0.0);
    /* the hue spread tells a tint (one hue) from a colour photo */
    {
        double sg, ss, st, sq;
        CHECK_NEAR(stats_of(480, 640, sepia, &ss), sp, 1e-9);
        stats_of(480, 640, grey, &sg);
        stats_of(480, 640, portrait, &sq);
        stats_of(480, 640, saturated, &st);
        printf("hue spread: grey %.2f, sepia %.2f, portrait %.2f, "
               "saturated %.1f\n",
               sg, ss, sq, st);
        CHECK_NEAR(sg, 0.0, 1e-9);
        CHECK(ss < 1.0); /* rounding to 8 bits only */
        /* two flat colours lie on one line: spread 0 like a tint. Real
         * photos have many hues (>= 2.3 on ../shared/photos); a flat
         * two-colour drawing would be taken for a tinted photo. */
        CHECK(sq < 1e-6);
        CHECK(st > 30.0);
    }
    return CHECK_DONE();
}
