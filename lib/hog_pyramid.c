/*
 * hog_pyramid.c - dlib's bilinear resize of an 8-bit grey image (the
 * grey overload of resize_image() in dlib/image_transforms/interpolation.h,
 * which pyramid_down<6> calls for every level of the HOG detector's
 * pyramid) with its arithmetic, so the levels are the same bytes. Pure C.
 *
 * dlib walks an output row with 4 float lanes whose x positions it
 * advances by float additions of 4 x_scale (left column by truncation,
 * fractions in float), and does the columns past the last block whose
 * right neighbours stay inside the row with double x positions. Those
 * positions are the same on every row, so here they are worked out once
 * per image, as dlib's lanes reach them; each pixel then costs dlib's
 * float products and sums in dlib's order (-ffp-contract=off, like
 * hog_filter.c). Where the CPU has AVX-512, 16 columns go at once: their
 * pixels come from 32 bytes of the row through a two-table permute (no
 * gather), each lane doing one column's arithmetic, and the rounding to a
 * byte is dlib's, in double.
 */
#include "hog_pyramid.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PYR_AVX512 1
#include <immintrin.h>
#else
#define PYR_AVX512 0
#endif

#include <math.h>
#include <stdlib.h>

/* Where every output column reads: left (and right) input column and the
 * fraction towards the right one. Columns below `lanes` are dlib's 4-lane
 * blocks (right = left + 1, 1 - fraction kept as dlib rounds it), the
 * rest its double tail. */
typedef struct columns {
    long n, lanes;
    long wide; /* columns [0, wide): 16 at once (0 without AVX-512) */
    int32_t *left, *right;
    float *frac, *inv;
} columns;

static void columns_free(columns *k)
{
    free(k->left);
    free(k->frac);
}

static void lane_blocks(columns *k, double x_scale, long cols)
{
    double x = -4 * x_scale;
    float step = (float)(4 * x_scale);
    float v[4] = {(float)x, (float)(x + x_scale), (float)(x + 2 * x_scale),
                  (float)(x + 3 * x_scale)};
    long c;
    for (c = 0;; c += 4) {
        int32_t left[4];
        for (int j = 0; j < 4; j++) {
            v[j] += step;
            left[j] = (int32_t)v[j]; /* _mm_cvttps_epi32 */
        }
        if (left[3] + 1 >= cols || c + 4 > k->n)
            break;
        for (int j = 0; j < 4; j++) {
            float f = v[j] - (float)left[j];
            k->left[c + j] = left[j];
            k->right[c + j] = left[j] + 1;
            k->frac[c + j] = f;
            k->inv[c + j] = 1 - f;
        }
    }
    k->lanes = c;
}

#if PYR_AVX512
#define AVX512 __attribute__((target("avx512f")))

static int wide_cpu(void)
{
    return __builtin_cpu_supports("avx512f");
}

/* The leading blocks of 16 lane columns whose pixels lie in the 32 bytes
 * from their first left column, inside the row. */
static long wide_columns(const columns *k, long cols)
{
    long c = 0;
    while (c + 16 <= k->lanes && k->left[c] + 32 <= cols &&
           k->right[c + 15] - k->left[c] < 32)
        c += 16;
    return c;
}

/* Pixels left[c..c+15] and right[..] of one row as floats. */
static AVX512 void pair16(const uint8_t *row, __m512i rel, __m512i rel1,
                          __m512 *l, __m512 *r)
{
    __m512i lo = _mm512_cvtepu8_epi32(_mm_loadu_si128((const void *)row));
    __m512i hi =
        _mm512_cvtepu8_epi32(_mm_loadu_si128((const void *)(row + 16)));
    *l = _mm512_cvtepi32_ps(_mm512_permutex2var_epi32(lo, rel, hi));
    *r = _mm512_cvtepi32_ps(_mm512_permutex2var_epi32(lo, rel1, hi));
}

/* (uint8_t)((double)v + 0.5) of 8 lanes. */
static AVX512 __m256i round8(__m256 v)
{
    __m512d d = _mm512_add_pd(_mm512_cvtps_pd(v), _mm512_set1_pd(0.5));
    return _mm512_cvttpd_epi32(d);
}

static AVX512 void wide_row(const uint8_t *t, const uint8_t *b, float tb,
                            float itb, const columns *k, uint8_t *o)
{
    const __m512 vtb = _mm512_set1_ps(tb), vitb = _mm512_set1_ps(itb);
    for (long c = 0; c < k->wide; c += 16) {
        int32_t l0 = k->left[c];
        __m512i rel =
            _mm512_sub_epi32(_mm512_loadu_si512((const void *)(k->left + c)),
                             _mm512_set1_epi32(l0));
        __m512i rel1 = _mm512_add_epi32(rel, _mm512_set1_epi32(1));
        __m512 inv = _mm512_loadu_ps(k->inv + c),
               frac = _mm512_loadu_ps(k->frac + c), tl, tr, bl, br, v;
        pair16(t + l0, rel, rel1, &tl, &tr);
        pair16(b + l0, rel, rel1, &bl, &br);
        v = _mm512_add_ps(_mm512_mul_ps(_mm512_mul_ps(vitb, inv), tl),
                          _mm512_mul_ps(_mm512_mul_ps(vitb, frac), tr));
        v = _mm512_add_ps(v, _mm512_mul_ps(_mm512_mul_ps(vtb, inv), bl));
        v = _mm512_add_ps(v, _mm512_mul_ps(_mm512_mul_ps(vtb, frac), br));
        __m512i n = _mm512_inserti64x4(
            _mm512_castsi256_si512(round8(_mm512_castps512_ps256(v))),
            round8(_mm256_castpd_ps(
                _mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))),
            1);
        _mm_storeu_si128((void *)(o + c), _mm512_cvtepi32_epi8(n));
    }
}
#else
static int wide_cpu(void)
{
    return 0;
}

static long wide_columns(const columns *k, long cols)
{
    (void)k;
    (void)cols;
    return 0;
}
#endif

static int columns_of(columns *k, long cols, long out_cols, int lanes)
{
    double x_scale =
        (double)(cols - 1) / (double)(out_cols > 1 ? out_cols - 1 : 1);
    double x;
    size_t n = (size_t)out_cols;
    k->n = out_cols;
    k->left = malloc(2 * n * sizeof *k->left);
    k->frac = malloc(2 * n * sizeof *k->frac);
    if (!k->left || !k->frac) {
        columns_free(k);
        return -1;
    }
    k->right = k->left + n;
    k->inv = k->frac + n;
    lane_blocks(k, x_scale, cols);
    k->wide = lanes == 16 ? wide_columns(k, cols) : 0;
    x = -x_scale + (double)k->lanes * x_scale;
    for (long c = k->lanes; c < out_cols; c++) {
        long left;
        x += x_scale;
        left = (long)floor(x);
        k->left[c] = (int32_t)left;
        k->right[c] = (int32_t)(left + 1 < cols - 1 ? left + 1 : cols - 1);
        k->frac[c] = (float)(x - (double)left);
    }
    return 0;
}

/* dlib's assign_pixel() of a float to an 8-bit grey pixel. */
static uint8_t to_byte(float v)
{
    return v <= 255 ? (v >= 0 ? (uint8_t)v : 0) : 255;
}

static void one_row(const uint8_t *t, const uint8_t *b, double tb_frac,
                    const columns *k, uint8_t *o)
{
    float tb = (float)tb_frac, itb = (float)(1 - tb_frac);
#if PYR_AVX512
    if (k->wide > 0)
        wide_row(t, b, tb, itb, k, o);
#endif
    for (long c = k->wide; c < k->lanes; c++) {
        int32_t l = k->left[c];
        float tlf = itb * k->inv[c], trf = itb * k->frac[c],
              blf = tb * k->inv[c], brf = tb * k->frac[c];
        float v = tlf * (float)t[l] + trf * (float)t[l + 1];
        v = v + blf * (float)b[l];
        v = v + brf * (float)b[l + 1];
        o[c] = (uint8_t)((double)v + 0.5);
    }
    for (long c = k->lanes; c < k->n; c++) {
        float f = k->frac[c];
        float tl = t[k->left[c]], tr = t[k->right[c]], bl = b[k->left[c]],
              br = b[k->right[c]];
        float top = (1 - f) * tl + f * tr, bottom = (1 - f) * bl + f * br;
        o[c] = to_byte(
            (float)((1 - tb_frac) * (double)top + tb_frac * (double)bottom));
    }
}

int idp__resize_bilinear_at(const uint8_t *in, long rows, long cols,
                            size_t in_step, uint8_t *out, long out_rows,
                            long out_cols, size_t out_step, int lanes)
{
    columns k;
    double y_scale, y;
    if (rows < 0 || cols < 0 || out_rows < 0 || out_cols < 0 ||
        cols > INT32_MAX - 1 || (lanes != 1 && lanes != 16) ||
        (lanes == 16 && !wide_cpu()))
        return -1;
    if (rows == 0 || cols == 0 || out_rows == 0 || out_cols == 0)
        return 0;
    if (columns_of(&k, cols, out_cols, lanes) != 0)
        return -1;
    y_scale = (double)(rows - 1) / (double)(out_rows > 1 ? out_rows - 1 : 1);
    y = -y_scale;
    for (long r = 0; r < out_rows; r++) {
        long top, bottom;
        y += y_scale;
        top = (long)floor(y);
        bottom = top + 1 < rows - 1 ? top + 1 : rows - 1;
        one_row(in + (size_t)top * in_step, in + (size_t)bottom * in_step,
                y - (double)top, &k, out + (size_t)r * out_step);
    }
    columns_free(&k);
    return 0;
}

int idp__resize_bilinear(const uint8_t *in, long rows, long cols,
                         size_t in_step, uint8_t *out, long out_rows,
                         long out_cols, size_t out_step)
{
    return idp__resize_bilinear_at(in, rows, cols, in_step, out, out_rows,
                                   out_cols, out_step, wide_cpu() ? 16 : 1);
}
