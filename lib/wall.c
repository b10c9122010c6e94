/*
 * wall.c - the wall behind the person as a smooth colour field: a
 * quadratic in (u, v) per channel, since light falls off across a wall.
 * Fitted by trimmed least squares (outliers: hair or clothes among the
 * samples, objects on the wall) with a small ridge pull towards a flat
 * wall, so samples bunched in a corner do not make the field swing across
 * the rest of the image. Pure C.
 */
#include "segment.h"

#include "idp_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define WALL_AVX512 1
#include <immintrin.h>
#define AVX512 __attribute__((target("avx512f")))
#else
#define WALL_AVX512 0
#endif

#define WALL_SAMPLES 8000  /* fit on at most this many pixels */
#define STAT_SAMPLES 4000  /* CIE76 statistics on at most this many */
#define WALL_ROUNDS  4     /* trimmed refits */
#define RIDGE_LINEAR 1e-3  /* x n: pull of the linear terms */
#define RIDGE_QUAD   2e-4  /* x n: pull of the quadratic terms */
#define THRESH_MIN   6.0   /* residuals below this are always kept */
#define CHI3_MEDIAN  1.538 /* median of |N(0, I3)|: norm to sigma */

typedef struct wall_samples {
    float *col; /* 3 per sample */
    float *uv;  /* 2 per sample (centred: u - 0.5, v - 0.5) */
    float *res; /* residual norm */
    uint8_t *keep;
    size_t n;
} wall_samples;

double idp__wall_eval(const double *coef, int c, double u, double v)
{
    const double *k = coef + 6 * c;
    return k[0] + k[1] * u + k[2] * v + k[3] * u * u + k[4] * u * v +
           k[5] * v * v;
}

/* One channel of idp__wall_eval_row() for n <= EVAL_RUN pixels, into a
 * row of its own. */
#define EVAL_RUN 256
static void eval_run(const double *k, const double *u, int n, double v,
                     float *out)
{
    double kv = k[2] * v, kvv = k[5] * v * v; /* as in idp__wall_eval() */
    for (int i = 0; i < n; i++) {
        double f = k[0] + k[1] * u[i] + kv + k[3] * u[i] * u[i] +
                   k[4] * u[i] * v + kvv;
        out[i] = (float)(f < 0 ? 0 : f > 255 ? 255 : f);
    }
}

#if WALL_AVX512
/* eval_run() eight pixels at a time: each lane the same products and
 * sums in the same order, the clamp by compares (-0 stays -0). */
static AVX512 int eval_wide(const double *k, const double *u, int n, double v,
                            float *out)
{
    const __m512d k0 = _mm512_set1_pd(k[0]), k1 = _mm512_set1_pd(k[1]);
    const __m512d k3 = _mm512_set1_pd(k[3]), k4 = _mm512_set1_pd(k[4]);
    const __m512d kv = _mm512_set1_pd(k[2] * v), vv = _mm512_set1_pd(v);
    const __m512d kvv = _mm512_set1_pd(k[5] * v * v);
    const __m512d lo = _mm512_setzero_pd(), hi = _mm512_set1_pd(255);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m512d x = _mm512_loadu_pd(u + i), f;
        f = _mm512_add_pd(k0, _mm512_mul_pd(k1, x));
        f = _mm512_add_pd(f, kv);
        f = _mm512_add_pd(f, _mm512_mul_pd(_mm512_mul_pd(k3, x), x));
        f = _mm512_add_pd(f, _mm512_mul_pd(_mm512_mul_pd(k4, x), vv));
        f = _mm512_add_pd(f, kvv);
        f = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(f, lo, _CMP_LT_OQ), f, lo);
        f = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(f, hi, _CMP_GT_OQ), f, hi);
        _mm256_storeu_ps(out + i, _mm512_cvtpd_ps(f));
    }
    return i;
}
#endif

/* Channel c of m pixels from i0 of an RGB row, from their own row. */
static void put_channel(const float *run, int m, int i0, int c, float *rgb)
{
    for (int i = 0; i < m; i++)
        rgb[3 * (size_t)(i0 + i) + (size_t)c] = run[i];
}

void idp__wall_eval_row(const double *coef, const double *u, int n, double v,
                        float *rgb)
{
    float run[EVAL_RUN];
    for (int i0 = 0; i0 < n; i0 += EVAL_RUN) {
        int m = n - i0 < EVAL_RUN ? n - i0 : EVAL_RUN;
        for (int c = 0; c < 3; c++) {
            int done = 0;
#if WALL_AVX512
            if (__builtin_cpu_supports("avx512f"))
                done = eval_wide(coef + 6 * c, u + i0, m, v, run);
#endif
            eval_run(coef + 6 * c, u + i0 + done, m - done, v, run + done);
            put_channel(run, m, i0, c, rgb);
        }
    }
}

/* One channel of idp__wall_row() for n <= EVAL_RUN pixels from x0, into
 * a row of its own (contiguous: the compiler vectorises it). */
static IDP__WIDE void row_run(double a, double b, double k3, double u0,
                              double du, int x0, int n, float *out)
{
    for (int i = 0; i < n; i++) {
        double u = u0 + (x0 + i + 0.5) * du;
        out[i] = (float)(a + u * (b + k3 * u));
    }
}

void idp__wall_row(const double *coef, double v, double u0, double du, int n,
                   float *out)
{
    float run[EVAL_RUN];
    for (int x0 = 0; x0 < n; x0 += EVAL_RUN) {
        int m = n - x0 < EVAL_RUN ? n - x0 : EVAL_RUN;
        for (int c = 0; c < 3; c++) {
            const double *k = coef + 6 * c;
            /* f(u) = a + b u + k3 u^2 along the row */
            double a = k[0] + k[2] * v + k[5] * v * v, b = k[1] + k[4] * v;
            row_run(a, b, k[3], u0, du, x0, m, run);
            put_channel(run, m, x0, c, out);
        }
    }
}

/* The q-quantile of n floats, leaving v as it was (works on `tmp`). */
static float quantile(const float *v, size_t n, double q, float *tmp)
{
    memcpy(tmp, v, n * sizeof *tmp);
    return idp__quantile(tmp, n, q);
}

static int gather(const idp__fimg *img, const uint8_t *use, wall_samples *s)
{
    size_t npx = (size_t)img->w * (size_t)img->h, cnt = 0, step, k = 0;
    for (size_t i = 0; i < npx; i++)
        cnt += use[i] != 0;
    step = cnt / WALL_SAMPLES + 1;
    s->n = cnt / step + 1;
    s->col = malloc(s->n * 3 * sizeof(float));
    s->uv = malloc(s->n * 2 * sizeof(float));
    s->res = malloc(s->n * 3 * sizeof(float)); /* + 2 scratch */
    s->keep = malloc(s->n);
    if (!s->col || !s->uv || !s->res || !s->keep)
        return -1;
    s->n = 0;
    for (size_t i = 0; i < npx; i++) {
        if (!use[i] || k++ % step)
            continue;
        memcpy(s->col + s->n * 3, img->px + i * 3, 3 * sizeof(float));
        s->uv[s->n * 2] =
            (float)(((double)(i % (size_t)img->w) + 0.5) / img->w - 0.5);
        s->uv[s->n * 2 + 1] =
            (float)(((double)(i / (size_t)img->w) + 0.5) / img->h - 0.5);
        s->n++;
    }
    return 0;
}

static void basis(const float *uv, double b[6])
{
    double u = uv[0], v = uv[1];
    b[0] = 1, b[1] = u, b[2] = v, b[3] = u * u, b[4] = u * v, b[5] = v * v;
}

/* Solve the SPD system a x = r (6x6, in place by Cholesky) for 3 rhs. */
static int solve6(double a[6][6], double r[3][6], double x[3][6])
{
    for (int j = 0; j < 6; j++) {
        double d = a[j][j];
        for (int k = 0; k < j; k++)
            d -= a[j][k] * a[j][k];
        if (d <= 1e-12)
            return -1;
        a[j][j] = sqrt(d);
        for (int i = j + 1; i < 6; i++) {
            double s = a[i][j];
            for (int k = 0; k < j; k++)
                s -= a[i][k] * a[j][k];
            a[i][j] = s / a[j][j];
        }
    }
    for (int c = 0; c < 3; c++) {
        double y[6];
        for (int i = 0; i < 6; i++) {
            double s = r[c][i];
            for (int k = 0; k < i; k++)
                s -= a[i][k] * y[k];
            y[i] = s / a[i][i];
        }
        for (int i = 5; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < 6; k++)
                s -= a[k][i] * x[c][k];
            x[c][i] = s / a[i][i];
        }
    }
    return 0;
}

/* The normal equations' sums over the kept samples, one at a time in
 * sample order: a[j][k] (k <= j) += b[j] b[k], r[c][j] += b[j] col[c];
 * returns the samples kept. */
static size_t sums_plain(const wall_samples *s, double a[6][6], double r[3][6])
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        double b[6];
        if (!s->keep[i])
            continue;
        basis(s->uv + i * 2, b);
        for (int j = 0; j < 6; j++) {
            for (int k = 0; k <= j; k++)
                a[j][k] += b[j] * b[k];
            for (int c = 0; c < 3; c++)
                r[c][j] += b[j] * s->col[i * 3 + (size_t)c];
        }
        n++;
    }
    return n;
}

#if WALL_AVX512

/* sums_plain() with each sum a lane: row j of a is b[j] times the basis
 * (the products and the order of the additions per lane are the same;
 * the lanes above the diagonal are left out), row 6 + c of r the basis
 * times col[c]. */
static AVX512 size_t sums_wide(const wall_samples *s, double a[6][6],
                               double r[3][6])
{
    __m512d acc[9];
    size_t n = 0;
    for (int j = 0; j < 9; j++)
        acc[j] = _mm512_setzero_pd();
    for (size_t i = 0; i < s->n; i++) {
        double b[8] = {0};
        __m512d bv;
        if (!s->keep[i])
            continue;
        basis(s->uv + i * 2, b);
        bv = _mm512_loadu_pd(b);
        for (int j = 0; j < 6; j++)
            acc[j] =
                _mm512_add_pd(acc[j], _mm512_mul_pd(_mm512_set1_pd(b[j]), bv));
        for (int c = 0; c < 3; c++)
            acc[6 + c] = _mm512_add_pd(
                acc[6 + c],
                _mm512_mul_pd(bv, _mm512_set1_pd(s->col[i * 3 + (size_t)c])));
        n++;
    }
    for (int j = 0; j < 9; j++) {
        double v[8];
        _mm512_storeu_pd(v, acc[j]);
        for (int k = 0; k < 6; k++) {
            if (j < 6 && k <= j)
                a[j][k] = v[k];
            else if (j >= 6)
                r[j - 6][k] = v[k];
        }
    }
    return n;
}
#endif

/* Least squares on the kept samples (centred basis). */
static int fit_kept(const wall_samples *s, double cc[3][6], int wide)
{
    double a[6][6], r[3][6];
    size_t n;
    memset(a, 0, sizeof a);
    memset(r, 0, sizeof r);
#if WALL_AVX512
    if (wide && __builtin_cpu_supports("avx512f"))
        n = sums_wide(s, a, r);
    else
#endif
        n = sums_plain(s, a, r);
    (void)wide;
    if (n < 12)
        return -1;
    for (int j = 1; j < 6; j++)
        a[j][j] += (double)n * (j < 3 ? RIDGE_LINEAR : RIDGE_QUAD);
    return solve6(a, r, cc);
}

/* Residual norms of all samples from the centred field cc. */
static void residuals(wall_samples *s, double cc[3][6])
{
    for (size_t i = 0; i < s->n; i++) {
        double b[6], e2 = 0;
        basis(s->uv + i * 2, b);
        for (int c = 0; c < 3; c++) {
            double f = 0;
            for (int j = 0; j < 6; j++)
                f += cc[c][j] * b[j];
            f -= s->col[i * 3 + (size_t)c];
            e2 += f * f;
        }
        s->res[i] = (float)sqrt(e2);
    }
}

/* Start: the per-channel median colour as a flat field. */
static void start_flat(wall_samples *s, double cc[3][6])
{
    float *tmp = s->res + s->n, *ch = s->res;
    memset(cc, 0, sizeof(double) * 18);
    for (int c = 0; c < 3; c++) {
        for (size_t i = 0; i < s->n; i++)
            ch[i] = s->col[i * 3 + (size_t)c];
        cc[c][0] = quantile(ch, s->n, 0.5, tmp);
    }
}

/* Centred basis (u - 0.5, v - 0.5) to the contract's (u, v). */
static void uncentre(double a[3][6], double coef[3][6])
{
    for (int c = 0; c < 3; c++) {
        const double *k = a[c];
        coef[c][0] =
            k[0] - 0.5 * k[1] - 0.5 * k[2] + 0.25 * (k[3] + k[4] + k[5]);
        coef[c][1] = k[1] - k[3] - 0.5 * k[4];
        coef[c][2] = k[2] - 0.5 * k[4] - k[5];
        coef[c][3] = k[3];
        coef[c][4] = k[4];
        coef[c][5] = k[5];
    }
}

static int trimmed_fit(wall_samples *s, double cc[3][6], double *sigma,
                       int wide)
{
    float *tmp = s->res + s->n;
    double thr = 1e30;
    size_t kept = 0;
    start_flat(s, cc);
    for (int round = 0; round <= WALL_ROUNDS; round++) {
        double med;
        residuals(s, cc);
        med = quantile(s->res, s->n, 0.5, tmp);
        thr = fmin(thr, fmax(3.0 * med, THRESH_MIN));
        kept = 0;
        for (size_t i = 0; i < s->n; i++) {
            s->keep[i] = s->res[i] <= thr;
            kept += s->keep[i];
        }
        if (round == WALL_ROUNDS || fit_kept(s, cc, wide) != 0)
            break;
    }
    for (size_t i = 0, j = 0; i < s->n; i++)
        if (s->keep[i])
            tmp[j++] = s->res[i];
    *sigma = quantile(tmp, kept, 0.5, tmp + kept) / CHI3_MEDIAN;
    return (int)kept;
}

int idp__wall_fit(const idp__fimg *img, const uint8_t *use, double coef[3][6],
                  double *sigma)
{
    return idp__wall_fit_at(img, use, coef, sigma, 1);
}

int idp__wall_fit_at(const idp__fimg *img, const uint8_t *use,
                     double coef[3][6], double *sigma, int wide)
{
    wall_samples s;
    double cc[3][6];
    int kept = 0;
    memset(&s, 0, sizeof s);
    *sigma = 0;
    if (gather(img, use, &s) == 0 && s.n >= 12) {
        kept = trimmed_fit(&s, cc, sigma, wide);
        uncentre(cc, coef);
    }
    free(s.keep);
    free(s.res);
    free(s.uv);
    free(s.col);
    return kept;
}

static uint8_t to8(double v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : lround(v));
}

void idp__wall_stats(const idp__fimg *img, const uint8_t *use,
                     const double *coef, idp_rgb *median, double *spread)
{
    size_t npx = (size_t)img->w * (size_t)img->h, cnt = 0, n = 0, k = 0;
    size_t step;
    float *buf;
    for (size_t i = 0; i < npx; i++)
        cnt += use[i] != 0;
    step = cnt / STAT_SAMPLES + 1;
    buf = malloc((cnt / step + 1) * 6 * sizeof *buf);
    *spread = NAN;
    if (!buf || cnt == 0) {
        free(buf);
        return;
    }
    for (size_t i = 0; i < npx; i++) {
        double u = ((double)(i % (size_t)img->w) + 0.5) / img->w;
        double v = ((double)(i / (size_t)img->w) + 0.5) / img->h;
        double f[3], p[3], lf[3], lp[3];
        if (!use[i] || k++ % step)
            continue;
        for (int c = 0; c < 3; c++) {
            f[c] = idp__wall_eval(coef, c, u, v);
            p[c] = img->px[i * 3 + (size_t)c];
            buf[n * 4 + (size_t)c] = (float)f[c];
        }
        idp__srgb_to_lab(f, lf);
        idp__srgb_to_lab(p, lp);
        buf[n * 4 + 3] = (float)sqrt((lf[0] - lp[0]) * (lf[0] - lp[0]) +
                                     (lf[1] - lp[1]) * (lf[1] - lp[1]) +
                                     (lf[2] - lp[2]) * (lf[2] - lp[2]));
        n++;
    }
    {
        float *col = buf + n * 4, *tmp = col + n;
        uint8_t m[3];
        for (int c = 0; c < 4; c++) {
            double q;
            for (size_t i = 0; i < n; i++)
                col[i] = buf[i * 4 + (size_t)c];
            q = quantile(col, n, c < 3 ? 0.5 : 0.9, tmp);
            if (c < 3)
                m[c] = to8(q);
            else
                *spread = q;
        }
        median->r = m[0], median->g = m[1], median->b = m[2];
    }
    free(buf);
}
