/*
 * reduceh.c - libvips 8.14's horizontal Lanczos-3 reduction (reduceh) of
 * 8-bit pixels, the same bytes, without its per-pixel overhead.
 *
 * vips_resize() reduces the rows last, and that step was ~5 % of a batch
 * photo's CPU (the detector's grey copy, the landmarks' crops and the
 * output crop), spent on a double position, a format switch and a strided
 * tap loop per pixel and band. libvips 8.14 makes output pixel x of a
 * request whose first column is `left` as:
 *
 *   X = (left + 0.5) shrink - 0.5 - offset, then X += shrink per pixel;
 *   taps (int) X ... + n - 1 of the row embedded with ceil(n / 2) - 1
 *   copies of its first pixel on the left (and of its last on the right);
 *   coefficients: table (((int) (128 X)) & 127 + 1) >> 1 of 65, each
 *   Lanczos-3 mask made in double and truncated to 12 bits;
 *   (sum + 2048) >> 12, clipped to 0..255.
 *
 * The position restarts at every request, so a request's columns
 * (idp__reduceh_cols) are made from its first output column, as libvips
 * does; image_reduce.c serves libvips' requests with them and compares
 * the bytes with libvips' own resize before it uses this file (another
 * libvips keeps its own).
 *
 * With AVX-512 (a run-time check) 16 outputs go at once: their taps lie
 * within a window of 64 16-bit elements, and a permute of that window
 * and a multiply-add of 16-bit pairs do two taps of all 16 (the sums are
 * integers: the same in any order).
 *
 * Built with -ffp-contract=off: the masks' products are not fused.
 */
#include "idp_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define REDUCE_AVX512 1
#include <immintrin.h>
#else
#define REDUCE_AVX512 0
#endif

#define TABLES   64 /* VIPS_TRANSFORM_SCALE */
#define FIX      12 /* VIPS_INTERPOLATE_SHIFT */
#define LANCZOS  3  /* the kernel's a */
#define VIPS_PI  3.14159265358979323846
#define MAX_TAPS 2000 /* libvips' MAX_POINT */

/* calculate_coefficients_lanczos() of libvips, a = 3. */
static void lanczos_mask(double *c, int n, double shrink, double x)
{
    const double half = x + n / 2.0 - 1;
    double sum = 0;
    for (int i = 0; i < n; i++) {
        const double xp = (i - half) / shrink;
        double l;
        if (xp == 0.0)
            l = 1.0;
        else if (xp < -LANCZOS || xp > LANCZOS)
            l = 0.0;
        else
            l = (double)LANCZOS * sin(VIPS_PI * xp) *
                sin(VIPS_PI * xp / (double)LANCZOS) /
                (VIPS_PI * VIPS_PI * xp * xp);
        c[i] = l;
        sum += l;
    }
    for (int i = 0; i < n; i++)
        c[i] /= sum;
}

int idp__reduceh_plan(idp__reduceh *p, int in_w, double shrink)
{
    int out_w, n;
    double extra, *mask;
    memset(p, 0, sizeof *p);
    if (in_w < 1 || !(shrink > 1.0))
        return -1;
    out_w = (int)(in_w / shrink + 0.5); /* VIPS_ROUND_UINT */
    /* libvips' gap 2: a box shrink first when in_w / out_w >= 4 */
    if (out_w < 1 || (int)floor((double)in_w / out_w / 2.0) > 1)
        return -1;
    n = (int)(2 * rint(LANCZOS * shrink) + 1);
    if (n > MAX_TAPS)
        return -1;
    extra = out_w * shrink - in_w;
    p->in_w = in_w;
    p->out_w = out_w;
    p->taps = n;
    p->pad = (int)ceil(n / 2.0) - 1;
    p->shrink = shrink;
    p->offset = (1 + extra) / 2.0 - 1;
    p->coef = malloc((size_t)(TABLES + 1) * (size_t)n * sizeof *p->coef);
    mask = malloc((size_t)n * sizeof *mask);
    if (!p->coef || !mask) {
        free(mask);
        idp__reduceh_free(p);
        return -1;
    }
    for (int t = 0; t <= TABLES; t++) {
        lanczos_mask(mask, n, shrink, (float)t / TABLES);
        for (int i = 0; i < n; i++)
            p->coef[t * n + i] = (int32_t)(mask[i] * (1 << FIX));
    }
    free(mask);
    return 0;
}

void idp__reduceh_free(idp__reduceh *p)
{
    free(p->coef);
    p->coef = NULL;
}

/* The columns of one request: output [left, left + width), whose taps
 * read embedded columns [e0, e1) (input columns clamped to the row), each
 * output's first tap (from e0) and table; the vector plan; the row in
 * 16-bit elements with room for a window read past its end. */
#define WINDOW 64
struct idp__reduceh_cols {
    int left, width, bands, e0, e1;
    int *first, *table;
    int16_t *row;
    /* the vector plan: the output elements in groups of 16. A group reads
     * a window of WINDOW elements from base; per pair of taps, each lane's
     * two elements (indices into the window) and their coefficients, so
     * one permute and one multiply-add of pairs do a pair of taps for 16
     * outputs (the integer sum is the same in any order). A group whose
     * taps span more than the window (a larger reduction) goes one by one:
     * base -1. groups 0: no vector loop. */
    int groups, pairs;
    int *base;
    int16_t *idx, *cf; /* [group][pair][32] */
};

/* libvips' position, from the request's first column, step by step. */
static void columns(const idp__reduceh *p, idp__reduceh_cols *c)
{
    double X = (c->left + 0.5) * p->shrink - 0.5 - p->offset;
    for (int x = 0; x < c->width; x++) {
        const int sx = (int)(X * TABLES * 2);
        c->first[x] = (int)X;
        c->table[x] = ((sx & (TABLES * 2 - 1)) + 1) >> 1;
        X += p->shrink;
    }
    c->e0 = c->first[0];
    c->e1 = c->first[c->width - 1] + p->taps;
    for (int x = 0; x < c->width; x++)
        c->first[x] -= c->e0;
}

static uint8_t fixed_pixel(int32_t sum)
{
    sum = (sum + (1 << (FIX - 1))) >> FIX;
    return (uint8_t)(sum < 0 ? 0 : sum > 255 ? 255 : sum);
}

/* Output element e (pixel e / bands, band e % bands) of the row. */
static uint8_t reduce_one(const idp__reduceh *p, const idp__reduceh_cols *c,
                          int e)
{
    const int n = p->taps, x = e / c->bands;
    const int16_t *s =
        c->row + (size_t)c->first[x] * (size_t)c->bands + e % c->bands;
    const int32_t *k = p->coef + (size_t)c->table[x] * (size_t)n;
    int32_t sum = 0;
    for (int i = 0; i < n; i++)
        sum += k[i] * s[i * c->bands];
    return fixed_pixel(sum);
}

static void wide_group(const idp__reduceh *p, idp__reduceh_cols *c, int g)
{
    const int bands = c->bands, n_out = c->width * bands, e0 = 16 * g;
    int lo = -1, hi = -1;
    int16_t *idx = c->idx + (size_t)g * (size_t)c->pairs * 32;
    int16_t *cf = c->cf + (size_t)g * (size_t)c->pairs * 32;
    for (int e = e0; e < e0 + 16 && e < n_out; e++) {
        int at = c->first[e / bands] * bands + e % bands;
        int end = at + (p->taps - 1) * bands;
        lo = lo < 0 || at < lo ? at : lo;
        hi = end > hi ? end : hi;
    }
    c->base[g] = hi - lo < WINDOW ? lo : -1;
    for (int j = 0; j < c->pairs; j++)
        for (int k = 0; k < 32; k++) {
            int e = e0 + k / 2, i = 2 * j + k % 2, x = e / bands;
            int16_t *d = idx + (size_t)j * 32 + k, *f = cf + (size_t)j * 32 + k;
            *d = 0;
            *f = 0;
            if (e >= n_out || c->base[g] < 0)
                continue;
            /* a tap past the last (an odd count) reads the last, times 0 */
            *d = (int16_t)(c->first[x] * bands + e % bands +
                           (i < p->taps ? i : p->taps - 1) * bands - lo);
            if (i < p->taps)
                *f = (int16_t)p->coef[(size_t)c->table[x] * (size_t)p->taps +
                                      (size_t)i];
        }
}

/* The vector plan, when the coefficients fit 16 bits: 0, or -1 out of
 * memory. */
static int wide_make(const idp__reduceh *p, idp__reduceh_cols *c)
{
    size_t lanes;
    for (size_t i = 0; i < (size_t)(TABLES + 1) * (size_t)p->taps; i++)
        if (p->coef[i] < INT16_MIN || p->coef[i] > INT16_MAX)
            return 0;
    c->pairs = (p->taps + 1) / 2;
    lanes = (size_t)((c->width * c->bands + 15) / 16) * (size_t)c->pairs * 32;
    c->base =
        malloc((size_t)((c->width * c->bands + 15) / 16) * sizeof *c->base);
    c->idx = malloc(lanes * sizeof *c->idx);
    c->cf = malloc(lanes * sizeof *c->cf);
    if (!c->base || !c->idx || !c->cf)
        return -1;
    c->groups = (c->width * c->bands + 15) / 16;
    for (int g = 0; g < c->groups; g++)
        wide_group(p, c, g);
    return 0;
}

static int use_wide(void);

idp__reduceh_cols *idp__reduceh_cols_new(const idp__reduceh *p, int left,
                                         int width, int bands)
{
    idp__reduceh_cols *c = calloc(1, sizeof *c);
    if (!c || width < 1 || left < 0 || bands < 1) {
        free(c);
        return NULL;
    }
    c->left = left;
    c->width = width;
    c->bands = bands;
    c->first = malloc((size_t)width * 2 * sizeof *c->first);
    if (c->first) {
        c->table = c->first + width;
        columns(p, c);
        c->row = malloc(((size_t)(c->e1 - c->e0) * (size_t)bands + WINDOW) *
                        sizeof *c->row);
    }
    if (!c->first || !c->row ||
        (!p->plain && use_wide() && wide_make(p, c) != 0)) {
        idp__reduceh_cols_free(c);
        return NULL;
    }
    return c;
}

void idp__reduceh_cols_free(idp__reduceh_cols *c)
{
    if (!c)
        return;
    free(c->base);
    free(c->idx);
    free(c->cf);
    free(c->row);
    free(c->first);
    free(c);
}

int idp__reduceh_cols_match(const idp__reduceh_cols *c, int left, int width,
                            int bands)
{
    return c && c->left == left && c->width == width && c->bands == bands;
}

/* Input columns the request reads: [*x0, *x1). */
void idp__reduceh_cols_span(const idp__reduceh *p, const idp__reduceh_cols *c,
                            int *x0, int *x1)
{
    int a = c->e0 - p->pad, b = c->e1 - 1 - p->pad;
    a = a < 0 ? 0 : a >= p->in_w ? p->in_w - 1 : a;
    b = b < 0 ? 0 : b >= p->in_w ? p->in_w - 1 : b;
    *x0 = a;
    *x1 = b + 1;
}

/* `n` bytes widened to 16 bits. */
static void widen(const uint8_t *restrict s, size_t n, int16_t *restrict d)
{
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
}

/* The request's embedded columns in 16-bit elements: input column
 * e - pad, clamped to the row (libvips' embed repeats the edge pixels),
 * from `in`, which starts at input column x0; then WINDOW zeros. */
static void pad_row(const idp__reduceh *p, idp__reduceh_cols *c,
                    const uint8_t *in, int x0)
{
    size_t b = (size_t)c->bands;
    int16_t *d = c->row;
    int e = c->e0, mid = p->pad + p->in_w;       /* columns in the row: < mid */
    for (; e < c->e1 && e < p->pad; e++, d += b) /* left of the row */
        widen(in - (size_t)x0 * b, b, d);
    if (e < c->e1 && e < mid) {
        int end = c->e1 < mid ? c->e1 : mid;
        widen(in + (size_t)(e - p->pad - x0) * b, (size_t)(end - e) * b, d);
        d += (size_t)(end - e) * b;
        e = end;
    }
    for (; e < c->e1; e++, d += b) /* right of it */
        widen(in + (size_t)(p->in_w - 1 - x0) * b, b, d);
    memset(d, 0, WINDOW * sizeof *d);
}

#if REDUCE_AVX512
#define AVX512 __attribute__((target("avx512f,avx512bw")))

/* One group: 16 sums of pairs of 16-bit products (exact in 32 bits),
 * rounded and clipped as fixed_pixel() does. */
static AVX512 void wide16(const idp__reduceh_cols *c, int g, uint8_t *out,
                          __mmask16 keep)
{
    const int16_t *win = c->row + c->base[g];
    const __m512i lo = _mm512_loadu_si512((const void *)win);
    const __m512i hi = _mm512_loadu_si512((const void *)(win + 32));
    const int16_t *idx = c->idx + (size_t)g * (size_t)c->pairs * 32;
    const int16_t *cf = c->cf + (size_t)g * (size_t)c->pairs * 32;
    __m512i acc = _mm512_setzero_si512();
    for (int j = 0; j < c->pairs; j++) {
        __m512i d = _mm512_permutex2var_epi16(
            lo, _mm512_loadu_si512((const void *)(idx + 32 * j)), hi);
        acc = _mm512_add_epi32(
            acc, _mm512_madd_epi16(
                     d, _mm512_loadu_si512((const void *)(cf + 32 * j))));
    }
    acc = _mm512_srai_epi32(
        _mm512_add_epi32(acc, _mm512_set1_epi32(1 << (FIX - 1))), FIX);
    acc = _mm512_max_epi32(acc, _mm512_setzero_si512());
    _mm512_mask_cvtusepi32_storeu_epi8(out, keep, acc);
}

static AVX512 void wide_row(const idp__reduceh *p, const idp__reduceh_cols *c,
                            uint8_t *out)
{
    const int n_out = c->width * c->bands;
    for (int g = 0; g < c->groups; g++) {
        int e0 = 16 * g, left = n_out - e0;
        if (c->base[g] >= 0)
            wide16(c, g, out + e0,
                   (__mmask16)(left >= 16 ? 0xFFFFu : (1u << left) - 1u));
        else
            for (int e = e0; e < e0 + 16 && e < n_out; e++)
                out[e] = reduce_one(p, c, e);
    }
}
#endif

static int use_wide(void)
{
#if REDUCE_AVX512
    return __builtin_cpu_supports("avx512bw");
#else
    return 0;
#endif
}

void idp__reduceh_row(const idp__reduceh *p, idp__reduceh_cols *c,
                      const uint8_t *in, int x0, uint8_t *out)
{
    pad_row(p, c, in, x0);
#if REDUCE_AVX512
    if (c->groups > 0) {
        wide_row(p, c, out);
        return;
    }
#endif
    for (int e = 0; e < c->width * c->bands; e++)
        out[e] = reduce_one(p, c, e);
}
