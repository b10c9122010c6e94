/*
 * test_wall.c - the wall field (wall.c): a known quadratic recovered
 * through noise and 25 % outliers, the row evaluator, the flat pull with
 * samples in one corner, and the statistics (median colour, CIE76 P90);
 * the fit's sums in vectors give the doubles of the plain ones.
 */
#include "check.h"
#include "segment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double truth[3][6] = {{230, -20, -10, 8, 4, -12},
                                   {220, -15, 5, 6, 0, -9},
                                   {200, 10, -20, 0, 3, 5}};
static uint32_t rng = 7u;

static double noise(double amp)
{
    rng = rng * 1664525u + 1013904223u;
    return ((rng >> 8) / 16777216.0 * 2 - 1) * amp;
}

/* A w x h wall from `truth` with +-2 noise; a quarter of the pixels of
 * the left half are outliers (hair: dark). */
static void make_wall(idp__fimg *img, uint8_t *use, int outliers)
{
    for (int y = 0; y < img->h; y++)
        for (int x = 0; x < img->w; x++) {
            size_t i = (size_t)y * (size_t)img->w + (size_t)x;
            double u = (x + 0.5) / img->w, v = (y + 0.5) / img->h;
            int out = outliers && x < img->w / 2 && noise(1) > 0.5;
            for (int c = 0; c < 3; c++)
                img->px[i * 3 + (size_t)c] =
                    (float)(out ? 40 + noise(10)
                                : idp__wall_eval(&truth[0][0], c, u, v) +
                                      noise(2));
            use[i] = 1;
        }
}

static void test_fit(void)
{
    idp__fimg img = {NULL, 120, 90};
    size_t n = 120 * 90;
    uint8_t *use = malloc(n);
    double coef[3][6], sigma, worst = 0;
    int kept;
    img.px = malloc(n * 3 * sizeof(float));
    make_wall(&img, use, 1);
    kept = idp__wall_fit(&img, use, coef, &sigma);
    CHECK(kept > 1000); /* samples, not pixels */
    CHECK(sigma > 0.5 && sigma < 2.0);
    for (int y = 0; y < 9; y++) /* the field matches everywhere */
        for (int x = 0; x < 9; x++)
            for (int c = 0; c < 3; c++) {
                double u = x / 8.0, v = y / 8.0;
                double e = fabs(idp__wall_eval(&coef[0][0], c, u, v) -
                                idp__wall_eval(&truth[0][0], c, u, v));
                worst = e > worst ? e : worst;
            }
    CHECK(worst < 1.5);
    {
        float row[3 * 120];
        idp__wall_row(&coef[0][0], 0.25, 0, 1.0 / 120, 120, row);
        CHECK_NEAR(row[3 * 60 + 1],
                   idp__wall_eval(&coef[0][0], 1, 60.5 / 120, 0.25), 1e-3);
    }
    free(use);
    free(img.px);
}

/* Samples only in the top-left corner: the field stays near their level
 * across the image instead of swinging. */
static void test_corner(void)
{
    idp__fimg img = {NULL, 100, 100};
    uint8_t *use = calloc(100 * 100, 1);
    double coef[3][6], sigma;
    img.px = malloc(100 * 100 * 3 * sizeof(float));
    for (int i = 0; i < 100 * 100; i++) {
        for (int c = 0; c < 3; c++)
            img.px[i * 3 + c] = (float)(200 + noise(3));
        use[i] = i % 100 < 12 && i / 100 < 12;
    }
    CHECK(idp__wall_fit(&img, use, coef, &sigma) > 0);
    CHECK_NEAR(idp__wall_eval(&coef[0][0], 0, 1, 1), 200, 25);
    CHECK_NEAR(idp__wall_eval(&coef[0][0], 0, 0.05, 0.05), 200, 2);
    free(use);
    free(img.px);
}

static void test_stats(void)
{
    idp__fimg img = {NULL, 60, 40};
    uint8_t *use = malloc(60 * 40);
    double coef[3][6], spread;
    idp_rgb med;
    img.px = malloc(60 * 40 * 3 * sizeof(float));
    make_wall(&img, use, 0);
    memcpy(coef, truth, sizeof coef);
    idp__wall_stats(&img, use, &coef[0][0], &med, &spread);
    CHECK(spread > 0 && spread < 3); /* noise of +-2 levels */
    CHECK_NEAR(med.r, idp__wall_eval(&truth[0][0], 0, 0.5, 0.5), 6);
    for (int i = 0; i < 60 * 40; i++) /* half the pixels far off */
        if (i % 2)
            img.px[i * 3] = 20;
    idp__wall_stats(&img, use, &coef[0][0], &med, &spread);
    CHECK(spread > 30);
    free(use);
    free(img.px);
}

/* The normal equations' sums in AVX-512 lanes or one at a time: the same
 * doubles, on walls with outliers, masks and sizes from few samples to
 * many (subsampled). */
static void test_wide(void)
{
    int differ = 0, fits = 0;
    for (int k = 0; k < 24; k++) {
        idp__fimg img = {NULL, 20 + 37 * k % 200, 15 + 53 * k % 150};
        size_t n = (size_t)img.w * (size_t)img.h;
        uint8_t *use = malloc(n);
        double c0[3][6], c1[3][6], s0, s1;
        int k0, k1;
        img.px = malloc(n * 3 * sizeof(float));
        make_wall(&img, use, k % 2);
        for (size_t i = 0; i < n; i++)
            use[i] = k % 3 ? noise(1) > -0.6 : 1;
        k0 = idp__wall_fit_at(&img, use, c0, &s0, 0);
        k1 = idp__wall_fit_at(&img, use, c1, &s1, 1);
        differ += k0 != k1 || s0 != s1 || memcmp(c0, c1, sizeof c0) != 0;
        fits += k0 > 0;
        free(use);
        free(img.px);
    }
    CHECK_EQ_INT(differ, 0);
    CHECK_EQ_INT(fits, 24);
}

/* The row evaluators (in vectors where the CPU has them) give each pixel
 * the field of the one-pixel formulas, to the bit: fields that leave
 * 0..255 on both sides, rows of any length. */
static void test_eval_row(void)
{
    int bad = 0;
    for (int k = 0; k < 40; k++) {
        double coef[18], u[300], v = noise(1.2);
        float rgb[900];
        int n = 1 + 7 * k % 300;
        for (int i = 0; i < 18; i++)
            coef[i] = noise(i % 6 ? 600 : 300) + (i % 6 ? 0 : 128);
        for (int i = 0; i < n; i++)
            u[i] = noise(1.5);
        idp__wall_eval_row(coef, u, n, v, rgb);
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 3; c++) {
                double f = idp__wall_eval(coef, c, u[i], v);
                float want = (float)(f < 0 ? 0 : f > 255 ? 255 : f);
                bad += memcmp(&want, &rgb[3 * i + c], sizeof want) != 0;
            }
        /* idp__wall_row(): the same row as a + u (b + k3 u), not clamped */
        idp__wall_row(coef, v, u[0], 1.0 / n, n, rgb);
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 3; c++) {
                const double *q = coef + 6 * c;
                double a = q[0] + q[2] * v + q[5] * v * v, b = q[1] + q[4] * v;
                double x = u[0] + (i + 0.5) * (1.0 / n);
                float want = (float)(a + x * (b + q[3] * x));
                bad += memcmp(&want, &rgb[3 * i + c], sizeof want) != 0;
            }
    }
    CHECK_EQ_INT(bad, 0);
}

int main(void)
{
    test_fit();
    test_corner();
    test_stats();
    test_wide();
    test_eval_row();
    return CHECK_DONE();
}
