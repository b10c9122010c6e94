/*
 * gmm.c - Gaussian mixtures of colours (3-D), fitted by k-means with a
 * deterministic farthest-point start, then one covariance pass per
 * cluster (as GrabCut does). The density of a colour is that of its best
 * component, which is cheap and close to the sum where components are
 * apart. Pure C.
 */
#include "segment.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define KMEANS_ITERS 8
#define LOG_2PI      1.8378770664093453

static double dist2(const float *x, const double *m)
{
    double d0 = x[0] - m[0], d1 = x[1] - m[1], d2 = x[2] - m[2];
    return d0 * d0 + d1 * d1 + d2 * d2;
}

/* Farthest-point start: the first centre is the sample nearest the mean,
 * each next one the sample farthest from the centres so far. */
static void start_centres(const float *x, size_t n, int k, double (*c)[3],
                          double *dmin)
{
    double mean[3] = {0, 0, 0}, best = DBL_MAX;
    size_t pick = 0;
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < 3; d++)
            mean[d] += x[i * 3 + (size_t)d] / (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = dist2(x + i * 3, mean);
        if (d < best) {
            best = d;
            pick = i;
        }
    }
    for (int j = 0; j < k; j++) {
        double far = -1;
        size_t next = 0;
        for (int d = 0; d < 3; d++)
            c[j][d] = x[pick * 3 + (size_t)d];
        for (size_t i = 0; i < n; i++) {
            double d = dist2(x + i * 3, c[j]);
            if (j == 0 || d < dmin[i])
                dmin[i] = d;
            if (dmin[i] > far) {
                far = dmin[i];
                next = i;
            }
        }
        pick = next;
    }
}

/* Centre by centre over all the samples, so that the samples go in
 * vectors; each sample still takes its distances in centre order and
 * keeps a new centre only when it is strictly nearer, as one loop per
 * sample would. */
IDP__WIDE void idp__gmm_nearest(const float *restrict x, size_t n, int k,
                                const double (*restrict c)[3],
                                double *restrict bd, int *restrict asg)
{
    for (size_t i = 0; i < n; i++) {
        bd[i] = DBL_MAX;
        asg[i] = 0;
    }
    for (int j = 0; j < k; j++) {
        const double m0 = c[j][0], m1 = c[j][1], m2 = c[j][2];
        for (size_t i = 0; i < n; i++) {
            double d0 = x[i * 3] - m0, d1 = x[i * 3 + 1] - m1;
            double d2 = x[i * 3 + 2] - m2, d = d0 * d0 + d1 * d1 + d2 * d2;
            asg[i] = d < bd[i] ? j : asg[i];
            bd[i] = d < bd[i] ? d : bd[i];
        }
    }
}

static void kmeans(const float *x, size_t n, int k, double (*c)[3], int *asg,
                   double *bd)
{
    for (int it = 0; it < KMEANS_ITERS; it++) {
        double sum[IDP__GMM_MAX][3];
        size_t cnt[IDP__GMM_MAX];
        memset(sum, 0, sizeof sum);
        memset(cnt, 0, sizeof cnt);
        idp__gmm_nearest(x, n, k, (const double(*)[3])c, bd, asg);
        for (size_t i = 0; i < n; i++) {
            int j = asg[i];
            cnt[j]++;
            for (int d = 0; d < 3; d++)
                sum[j][d] += x[i * 3 + (size_t)d];
        }
        for (int j = 0; j < k; j++)
            for (int d = 0; d < 3 && cnt[j]; d++)
                c[j][d] = sum[j][d] / (double)cnt[j];
    }
}

/* Invert a symmetric 3x3 (xx xy xz yy yz zz); returns the determinant. */
static double inv3(const double s[6], double o[6])
{
    double a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5];
    double A = d * f - e * e, B = c * e - b * f, C = b * e - c * d;
    double det = a * A + b * B + c * C;
    if (det <= 0)
        return 0;
    o[0] = A / det;
    o[1] = B / det;
    o[2] = C / det;
    o[3] = (a * f - c * c) / det;
    o[4] = (b * c - a * e) / det;
    o[5] = (a * d - b * b) / det;
    return det;
}

/* The components from the clusters (centres c, assignment asg): means,
 * inverse covariances and normalisers into g->part. */
static void finish(idp__gmm *g, const float *x, size_t n, const int *asg,
                   const double (*c)[3], double floor)
{
    double cov[IDP__GMM_MAX][6];
    size_t cnt[IDP__GMM_MAX];
    memset(cov, 0, sizeof cov);
    memset(cnt, 0, sizeof cnt);
    memset(g->part, 0, sizeof g->part);
    for (size_t i = 0; i < n; i++) {
        int j = asg[i];
        double d0 = x[i * 3] - c[j][0], d1 = x[i * 3 + 1] - c[j][1];
        double d2 = x[i * 3 + 2] - c[j][2];
        double *s = cov[j];
        s[0] += d0 * d0, s[1] += d0 * d1, s[2] += d0 * d2;
        s[3] += d1 * d1, s[4] += d1 * d2, s[5] += d2 * d2;
        cnt[j]++;
    }
    for (int j = 0; j < g->k; j++) {
        double m = cnt[j] ? (double)cnt[j] : 1, det, ic[6];
        double w = ((double)cnt[j] + 0.5) / ((double)n + 0.5 * g->k);
        for (int e = 0; e < 6; e++)
            cov[j][e] /= m;
        cov[j][0] += floor, cov[j][3] += floor, cov[j][5] += floor;
        det = inv3(cov[j], ic);
        if (det <= 0) { /* degenerate: isotropic with the floor */
            memset(ic, 0, sizeof ic);
            ic[0] = ic[3] = ic[5] = 1 / floor;
            det = floor * floor * floor;
        }
        for (int d = 0; d < 3; d++)
            g->part[IDP__GMM_MEAN + d][j] = c[j][d];
        for (int e = 0; e < 6; e++)
            g->part[IDP__GMM_ICOV + e][j] = ic[e];
        g->part[IDP__GMM_LNORM][j] = log(w) - 1.5 * LOG_2PI - 0.5 * log(det);
    }
}

int idp__gmm_fit(idp__gmm *g, const float *x, size_t n, int k, double var_floor)
{
    double centres[IDP__GMM_MAX][3], *dmin;
    int *asg;
    if (k > IDP__GMM_MAX)
        k = IDP__GMM_MAX;
    if (n < (size_t)k * 4 || k < 1)
        return -1;
    dmin = malloc(n * sizeof *dmin);
    asg = malloc(n * sizeof *asg);
    if (!dmin || !asg) {
        free(asg);
        free(dmin);
        return -1;
    }
    g->k = k;
    start_centres(x, n, k, centres, dmin);
    kmeans(x, n, k, centres, asg, dmin);
    finish(g, x, n, asg, (const double(*)[3])centres,
           var_floor > 1e-3 ? var_floor : 1e-3);
    free(asg);
    free(dmin);
    return 0;
}

/* -log of the density at NLL_LANES colours x (3 floats each) at once:
 * each lane a colour, the components in turn. Per colour and component
 * the operations, and their order, are those of one colour alone, and the
 * best is taken in component order, so the doubles are the same. */
#define NLL_LANES 16

static IDP__WIDE void nll_lanes(const idp__gmm *restrict g,
                                const float *restrict x, double *restrict out)
{
    double x0[NLL_LANES], x1[NLL_LANES], x2[NLL_LANES], best[NLL_LANES];
    for (int i = 0; i < NLL_LANES; i++) {
        x0[i] = x[3 * i];
        x1[i] = x[3 * i + 1];
        x2[i] = x[3 * i + 2];
        best[i] = -DBL_MAX;
    }
    for (int j = 0; j < g->k; j++) {
        const double m0 = g->part[IDP__GMM_MEAN][j];
        const double m1 = g->part[IDP__GMM_MEAN + 1][j];
        const double m2 = g->part[IDP__GMM_MEAN + 2][j];
        const double *s = &g->part[IDP__GMM_ICOV][j];
        const double s0 = s[0], s1 = s[IDP__GMM_MAX], s2 = s[2 * IDP__GMM_MAX];
        const double s3 = s[3 * IDP__GMM_MAX], s4 = s[4 * IDP__GMM_MAX];
        const double s5 = s[5 * IDP__GMM_MAX];
        const double lnorm = g->part[IDP__GMM_LNORM][j];
        for (int i = 0; i < NLL_LANES; i++) {
            double d0 = x0[i] - m0, d1 = x1[i] - m1, d2 = x2[i] - m2;
            double q = s0 * d0 * d0 + s3 * d1 * d1 + s5 * d2 * d2 +
                       2 * (s1 * d0 * d1 + s2 * d0 * d2 + s4 * d1 * d2);
            double l = lnorm - 0.5 * q;
            best[i] = l > best[i] ? l : best[i];
        }
    }
    for (int i = 0; i < NLL_LANES; i++)
        out[i] = -best[i];
}

void idp__gmm_nll_n(const idp__gmm *g, const float *x, size_t n, double *out)
{
    float pad[3 * NLL_LANES];
    double o[NLL_LANES];
    size_t i = 0;
    for (; i + NLL_LANES <= n; i += NLL_LANES)
        nll_lanes(g, x + 3 * i, out + i);
    if (i == n)
        return;
    memset(pad, 0, sizeof pad);
    memcpy(pad, x + 3 * i, 3 * (n - i) * sizeof *pad);
    nll_lanes(g, pad, o);
    memcpy(out + i, o, (n - i) * sizeof *o);
}

/* Past GAP_EXACT nats log1p(exp(-gap)) is below 2e-22, which no lo of
 * magnitude 1e-3 or more can notice (half its last place is 1e-19 or
 * more): lo is the answer without the two calls (about 40 % of the pixels
 * of a cut). */
#define GAP_EXACT 50.0

double idp__nll_sum(double a, double b)
{
    double lo = a < b ? a : b, gap = fabs(a - b);
    if (gap > GAP_EXACT && fabs(lo) > 1e-3)
        return lo;
    return lo - log1p(exp(-gap));
}
