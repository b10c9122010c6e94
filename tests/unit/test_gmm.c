/*
 * test_gmm.c - colour mixtures (gmm.c): two well separated clusters are
 * found, each colour is likelier near its own cluster, the density is a
 * normalised Gaussian, and too few samples are refused.
 */
#include "check.h"
#include "segment.h"

#include <math.h>
#include <stdlib.h>

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
    CHECK(fabs(g.mean[0][0] - a[0]) < 2 || fabs(g.mean[1][0] - a[0]) < 2);
    CHECK(fabs(g.mean[0][2] - b[2]) < 2 || fabs(g.mean[1][2] - b[2]) < 2);
    CHECK(idp__gmm_nll(&g, a) < idp__gmm_nll(&g, mid) - 20);
    CHECK(idp__gmm_nll(&g, b) < idp__gmm_nll(&g, mid) - 20);
    /* at a centre: -log(0.5 N(0; 26 I)) = log 2 + 1.5 log(2 pi 26) */
    CHECK_NEAR(idp__gmm_nll(&g, a),
               log(2) + 1.5 * log(2 * 3.14159265358979 * 26), 0.3);
}

static void test_too_few(void)
{
    float x[3 * 5] = {0};
    idp__gmm g;
    CHECK_EQ_INT(idp__gmm_fit(&g, x, 5, 4, 1.0), -1);
    CHECK_EQ_INT(idp__gmm_fit(&g, x, 5, 1, 1.0), 0); /* degenerate: floor */
    CHECK(isfinite(idp__gmm_nll(&g, x)));
}

int main(void)
{
    test_two_clusters();
    test_too_few();
    return CHECK_DONE();
}
