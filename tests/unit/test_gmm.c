/*
 * test_gmm.c - colour mixtures (gmm.c): two well separated clusters are
 * found, each colour is likelier near its own cluster, the density is a
 * normalised Gaussian, the density is the best component's to the bit
 * (gmm.c computes colours in vectors), k-means' nearest centres
 * (taken over all the samples centre by centre, in vectors) are one loop
 * per sample's, the density of many colours at once is each one's, a
 * mixture of two densities adds them, and too few samples are refused.
 */
#include "check.h"
#include "segment.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng = 99u;

static double gauss(void)
{
    double s = 0;
    for (int k = 0; k < 12; k++) {
        rng = rng * 1664525u + 1013904223u;
        s += (rng >> 8) / 16777216.0;
    }
    return s - 6; /* ~N(0, 1) */
}

/* The density at one colour. */
static double nll1(const idp__gmm *g, const float x[3])
{
    double l;
    idp__gmm_nll_n(g, x, 1, &l);
    return l;
}

static void test_two_clusters(void)
{
    float x[2000 * 3], a[3] = {200, 60, 40}, b[3] = {30, 40, 160};
    float mid[3] = {115, 50, 100};
    idp__gmm g;
    for (int i = 0; i < 2000; i++)
        for (int c = 0; c < 3; c++)
            x[i * 3 + c] = (float)((i % 2 ? a[c] : b[c]) + 5 * gauss());
    CHECK_EQ_INT(idp__gmm_fit(&g, x, 2000, 2, 1.0), 0);
    CHECK_EQ_INT(g.k, 2);
    CHECK(fabs(g.part[IDP__GMM_MEAN][0] - a[0]) < 2 ||
          fabs(g.part[IDP__GMM_MEAN][1] - a[0]) < 2);
    CHECK(fabs(g.part[IDP__GMM_MEAN + 2][0] - b[2]) < 2 ||
          fabs(g.part[IDP__GMM_MEAN + 2][1] - b[2]) < 2);
    CHECK(nll1(&g, a) < nll1(&g, mid) - 20);
    CHECK(nll1(&g, b) < nll1(&g, mid) - 20);
    /* at a centre: -log(0.5 N(0; 26 I)) = log 2 + 1.5 log(2 pi 26) */
    CHECK_NEAR(nll1(&g, a), log(2) + 1.5 * log(2 * 3.14159265358979 * 26), 0.3);
}

/* The density as the components say, one at a time, in the order
 * gmm.c computes it (its vectors must give these doubles to the bit). */
static double nll_of(const idp__gmm *g, const float x[3])
{
    double best = -1e300;
    for (int j = 0; j < g->k; j++) {
        double m[3], s[6];
        for (int d = 0; d < 3; d++)
            m[d] = g->part[IDP__GMM_MEAN + d][j];
        for (int e = 0; e < 6; e++)
            s[e] = g->part[IDP__GMM_ICOV + e][j];
        double d0 = x[0] - m[0], d1 = x[1] - m[1], d2 = x[2] - m[2];
        double q = s[0] * d0 * d0 + s[3] * d1 * d1 + s[5] * d2 * d2 +
                   2 * (s[1] * d0 * d1 + s[2] * d0 * d2 + s[4] * d1 * d2);
        double l = g->part[IDP__GMM_LNORM][j] - 0.5 * q;
        best = l > best ? l : best;
    }
    return -best;
}

/* Correlated, unequal clusters (every entry of the inverse covariances
 * matters), k from 1 to 8: the density of any colour is its best
 * component's, exactly. */
static void test_components(void)
{
    static float x[3000 * 3];
    int same = 0, all = 0;
    for (int k = 1; k <= 8; k++) {
        idp__gmm g;
        for (int i = 0; i < 3000; i++) {
            int c = i % k;
            double u = 6 * gauss(), v = 3 * gauss();
            x[i * 3] = (float)(30 * c + u + 0.5 * v);
            x[i * 3 + 1] = (float)(200 - 20 * c + 0.8 * u - v);
            x[i * 3 + 2] = (float)(40 + 25 * c - 0.3 * u + 2 * gauss());
        }
        CHECK_EQ_INT(idp__gmm_fit(&g, x, 3000, k, 9.0), 0);
        for (int i = 0; i < 3000; i += 7) {
            float p[3] = {x[i * 3] + (float)(3 * gauss()), x[i * 3 + 1],
                          x[i * 3 + 2] - (float)(5 * gauss())};
            same += nll1(&g, p) == nll_of(&g, p);
            all++;
        }
    }
    CHECK_EQ_INT(same, all);
}

/* idp__gmm_nearest() against one loop per sample, on whole-number
 * colours and centres where equal distances are common (and a centre
 * given twice): the same centre (the first of equals), the same double. */
static void test_nearest(void)
{
    enum { N = 3001 };
    static float x[N * 3];
    static double bd[N];
    static int asg[N];
    double c[IDP__GMM_MAX][3];
    int off = 0, ties = 0;
    for (int t = 0; t < 40; t++) {
        int k = 1 + t % IDP__GMM_MAX;
        for (int j = 0; j < k; j++)
            for (int d = 0; d < 3; d++) {
                rng = rng * 1664525u + 1013904223u;
                c[j][d] = (double)((rng >> 16) % 9) * 2;
            }
        if (k > 2)
            memcpy(c[k - 1], c[1], sizeof c[1]); /* a centre twice */
        for (int i = 0; i < N * 3; i++) {
            rng = rng * 1664525u + 1013904223u;
            x[i] = (float)((rng >> 16) % 19);
        }
        idp__gmm_nearest(x, N, k, (const double(*)[3])c, bd, asg);
        for (int i = 0; i < N; i++) {
            double best = DBL_MAX;
            int at = 0, eq = 0;
            for (int j = 0; j < k; j++) {
                double d0 = x[i * 3] - c[j][0], d1 = x[i * 3 + 1] - c[j][1];
                double d2 = x[i * 3 + 2] - c[j][2];
                double d = d0 * d0 + d1 * d1 + d2 * d2;
                eq += d == best;
                if (d < best) {
                    best = d;
                    at = j;
                    eq = 0;
                }
            }
            ties += eq > 0;
            off += asg[i] != at || memcmp(&bd[i], &best, sizeof best) != 0;
        }
    }
    CHECK_EQ_INT(off, 0);
    CHECK(ties > 1000); /* the first of equals was put to the test */
}

/* idp__gmm_nll_n(): every count from 0 to 40 (whole vectors and the
 * tail) and a long run, each colour's density the best component's to
 * the bit, nothing written past n. */
static void test_many(void)
{
    static float x[700 * 3];
    static double out[701];
    idp__gmm g;
    int off = 0, all = 0;
    for (int i = 0; i < 700 * 3; i++)
        x[i] = (float)(128 + 40 * gauss());
    CHECK_EQ_INT(idp__gmm_fit(&g, x, 700, 5, 9.0), 0);
    for (size_t n = 0; n <= 41; n++) {
        size_t len = n == 41 ? 700 : n, at = n == 41 ? 0 : 3 * n;
        out[len] = 12345.0;
        idp__gmm_nll_n(&g, x + at, len, out);
        for (size_t i = 0; i < len; i++, all++)
            off += out[i] != nll_of(&g, x + at + 3 * i);
        off += out[len] != 12345.0;
    }
    CHECK_EQ_INT(off, 0);
    CHECK(all > 1000);
}

/* idp__nll_sum() is lo - log1p(exp(-|a - b|)) to the bit, also where it
 * skips the two calls (gaps past 50 nats), and by definition near. */
static void test_nll_sum(void)
{
    static const double lo[] = {-300, -41.5, -2,   -1e-3, 0,   1e-4,
                                2e-3, 0.75,  9.25, 33.3,  1e3, 7e5};
    static const double gap[] = {0,    1e-9, 0.5,  3,       17,   36,
                                 37.5, 45,   49.9, 50,      50.1, 60,
                                 200,  800,  1e6,  INFINITY};
    int off = 0;
    for (size_t i = 0; i < sizeof lo / sizeof lo[0]; i++)
        for (size_t k = 0; k < sizeof gap / sizeof gap[0]; k++) {
            double a = lo[i], b = lo[i] + gap[k];
            double want = a - log1p(exp(-gap[k]));
            off += idp__nll_sum(a, b) != want || idp__nll_sum(b, a) != want;
        }
    CHECK_EQ_INT(off, 0);
    CHECK_NEAR(idp__nll_sum(3, 5), -log(exp(-3.0) + exp(-5.0)), 1e-12);
    CHECK_NEAR(idp__nll_sum(7, 7), 7 - log(2.0), 1e-12);
    CHECK(isnan(idp__nll_sum(NAN, 2)));
}

static void test_too_few(void)
{
    float x[3 * 5] = {0};
    idp__gmm g;
    CHECK_EQ_INT(idp__gmm_fit(&g, x, 5, 4, 1.0), -1);
    CHECK_EQ_INT(idp__gmm_fit(&g, x, 5, 1, 1.0), 0); /* degenerate: floor */
    CHECK(isfinite(nll1(&g, x)));
}

int main(void)
{
    test_two_clusters();
    test_components();
    test_nearest();
    test_many();
    test_nll_sum();
    test_too_few();
    return CHECK_DONE();
}
