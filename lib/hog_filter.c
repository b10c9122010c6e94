/*
 * hog_filter.c - dlib's separable float filter, the same floats, faster.
 *
 * The HOG face detector slides each of its filters over the 31 feature
 * planes of every pyramid level as a sum of separable filters: for each
 * (row filter, column filter) pair, dlib's
 * float_spatially_filter_image_separable() (dlib/image_transforms/
 * spatial_filtering.h) filters the rows into a scratch image, then the
 * columns of that into the saliency image, adding to it after the first
 * pair. This file does each such call with the same arithmetic, lane for
 * lane, so the saliency images are equal to the bit:
 *
 * - the columns [first, last) are cut into blocks of 8 from the first;
 *   a block's value is three running sums over the taps n = 0, 3, 6...,
 *   1, 4, 7... and 2, 5, 8... (the taps past the last full triple go to
 *   the first sum), each started at 0 and added in tap order as
 *   sum + pixel * tap, then first + (second + third). dlib's simd8f does
 *   exactly this per lane, with AVX or as two SSE halves.
 * - the columns after the last full block (dlib's scalar loop): one sum
 *   from 0 over the taps in order.
 * - adding to the output is output + value (float addition commutes).
 *
 * Where it differs is in how the work is laid out: four blocks of a row
 * in flight at once instead of one, and the last columns of four rows in
 * one AVX register (a vector ending at the last column, only the tail's
 * lanes kept) instead of one column at a time, which was a third of
 * dlib's time on the detector's small planes. The products and sums are
 * not fused (no FMA: this file is built for AVX only, and with
 * -ffp-contract=off), so they round as dlib's do.
 *
 * With AVX-512 the blocks go two at a time: a 16-lane vector holds two
 * adjacent blocks of 8, each lane still the same sums of its own column
 * (no lane reads another), so the floats do not change; a last odd block
 * and the tails stay 8 lanes wide.
 *
 * Only with AVX, on x86-64 with GCC or Clang; elsewhere, and for planes
 * too small for a tail vector, idp__sep_filter() returns 1 and the
 * caller runs dlib's own function.
 */
#include "hog_filter.h"

#if (defined(__x86_64__) || defined(__i386__)) &&                              \
    (defined(__GNUC__) || defined(__clang__))
#define HOG_AVX 1
#include <immintrin.h>
#else
#define HOG_AVX 0
#endif

#if HOG_AVX

#define AVX    __attribute__((target("avx")))
#define AVX512 __attribute__((target("avx512f")))

/* Blocks of a row in flight at once, and rows whose tails share a pass. */
#define BLOCKS    4
#define TAIL_ROWS 4

/* The loops over them unrolled, so their sums stay in registers. */
#define UNROLL _Pragma("GCC unroll 4")

/* BLOCKS blocks of eight outputs, the taps outermost so that the blocks'
 * sums interleave: output k of block b reads tap n at p[8 b + k + n step].
 * Per lane the operations of dlib's simd8f block, in its order. */
static AVX inline void blocks(const float *p, long step, const float *f,
                              long taps, __m256 v[BLOCKS])
{
    __m256 t1[BLOCKS], t2[BLOCKS], t3[BLOCKS];
    long n = 0;
    UNROLL
    for (int b = 0; b < BLOCKS; b++)
        t1[b] = t2[b] = t3[b] = _mm256_setzero_ps();
    for (; n < taps - 2; n += 3) {
        const __m256 f1 = _mm256_set1_ps(f[n]);
        const __m256 f2 = _mm256_set1_ps(f[n + 1]);
        const __m256 f3 = _mm256_set1_ps(f[n + 2]);
        const float *q = p + n * step;
        UNROLL
        for (int b = 0; b < BLOCKS; b++) {
            __m256 a = _mm256_loadu_ps(q + 8 * b);
            __m256 c = _mm256_loadu_ps(q + step + 8 * b);
            __m256 d = _mm256_loadu_ps(q + 2 * step + 8 * b);
            t1[b] = _mm256_add_ps(t1[b], _mm256_mul_ps(a, f1));
            t2[b] = _mm256_add_ps(t2[b], _mm256_mul_ps(c, f2));
            t3[b] = _mm256_add_ps(t3[b], _mm256_mul_ps(d, f3));
        }
    }
    for (; n < taps; n++) {
        const __m256 f1 = _mm256_set1_ps(f[n]);
        UNROLL
        for (int b = 0; b < BLOCKS; b++) {
            __m256 a = _mm256_loadu_ps(p + n * step + 8 * b);
            t1[b] = _mm256_add_ps(t1[b], _mm256_mul_ps(a, f1));
        }
    }
    UNROLL
    for (int b = 0; b < BLOCKS; b++)
        v[b] = _mm256_add_ps(t1[b], _mm256_add_ps(t2[b], t3[b]));
}

/* One block alone (the last blocks of a row, fewer than BLOCKS). */
static AVX inline __m256 block(const float *p, long step, const float *f,
                               long taps)
{
    __m256 t1 = _mm256_setzero_ps(), t2 = t1, t3 = t1;
    long n = 0;
    for (; n < taps - 2; n += 3) {
        __m256 a = _mm256_loadu_ps(p + n * step);
        __m256 b = _mm256_loadu_ps(p + (n + 1) * step);
        __m256 c = _mm256_loadu_ps(p + (n + 2) * step);
        t1 = _mm256_add_ps(t1, _mm256_mul_ps(a, _mm256_set1_ps(f[n])));
        t2 = _mm256_add_ps(t2, _mm256_mul_ps(b, _mm256_set1_ps(f[n + 1])));
        t3 = _mm256_add_ps(t3, _mm256_mul_ps(c, _mm256_set1_ps(f[n + 2])));
    }
    for (; n < taps; n++) {
        __m256 a = _mm256_loadu_ps(p + n * step);
        t1 = _mm256_add_ps(t1, _mm256_mul_ps(a, _mm256_set1_ps(f[n])));
    }
    return _mm256_add_ps(t1, _mm256_add_ps(t2, t3));
}

/* The scalar loop's single sum for eight adjacent outputs of TAIL_ROWS
 * rows at once: row k's inputs at p + k * row_step. */
static AVX inline void singles(const float *p, long row_step, long step,
                               const float *f, long taps, __m256 v[TAIL_ROWS])
{
    UNROLL
    for (int k = 0; k < TAIL_ROWS; k++)
        v[k] = _mm256_setzero_ps();
    for (long n = 0; n < taps; n++) {
        const __m256 fn = _mm256_set1_ps(f[n]);
        UNROLL
        for (int k = 0; k < TAIL_ROWS; k++) {
            __m256 a = _mm256_loadu_ps(p + k * row_step + n * step);
            v[k] = _mm256_add_ps(v[k], _mm256_mul_ps(a, fn));
        }
    }
}

/* The same for one row. */
static AVX inline __m256 single(const float *p, long step, const float *f,
                                long taps)
{
    __m256 t = _mm256_setzero_ps();
    for (long n = 0; n < taps; n++) {
        __m256 a = _mm256_loadu_ps(p + n * step);
        t = _mm256_add_ps(t, _mm256_mul_ps(a, _mm256_set1_ps(f[n])));
    }
    return t;
}

static AVX inline void put(float *o, __m256 v, int add_to)
{
    if (add_to)
        v = _mm256_add_ps(v, _mm256_loadu_ps(o));
    _mm256_storeu_ps(o, v);
}

/* Lanes [keep, 8) of v to o[keep..8). */
static AVX inline void put_tail(float *o, __m256 v, int keep, int add_to)
{
    static const int on[16] = {0,  0,  0,  0,  0,  0,  0,  0,
                               -1, -1, -1, -1, -1, -1, -1, -1};
    __m256i mask = _mm256_loadu_si256((const __m256i *)(on + 8 - keep));
    if (add_to)
        v = _mm256_add_ps(v, _mm256_maskload_ps(o, mask));
    _mm256_maskstore_ps(o, mask, v);
}

/* The blocks of one output row: o[c] for c in [0, width - width % 8),
 * input of output c and tap n at p[c + n * step]. */
static AVX void blocks_row(const float *p, long step, const float *f, long taps,
                           float *o, long width, int add_to)
{
    long c = 0;
    for (; c + 8 * BLOCKS <= width; c += 8 * BLOCKS) {
        __m256 v[BLOCKS];
        blocks(p + c, step, f, taps, v);
        UNROLL
        for (int b = 0; b < BLOCKS; b++)
            put(o + c + 8 * b, v[b], add_to);
    }
    for (; c + 8 <= width; c += 8)
        put(o + c, block(p + c, step, f, taps), add_to);
}

/* blocks() sixteen lanes wide: each vector two adjacent blocks of 8. */
static AVX512 inline void pairs(const float *p, long step, const float *f,
                                long taps, __m512 v[BLOCKS])
{
    __m512 t1[BLOCKS], t2[BLOCKS], t3[BLOCKS];
    long n = 0;
    UNROLL
    for (int b = 0; b < BLOCKS; b++)
        t1[b] = t2[b] = t3[b] = _mm512_setzero_ps();
    for (; n < taps - 2; n += 3) {
        const __m512 f1 = _mm512_set1_ps(f[n]);
        const __m512 f2 = _mm512_set1_ps(f[n + 1]);
        const __m512 f3 = _mm512_set1_ps(f[n + 2]);
        const float *q = p + n * step;
        UNROLL
        for (int b = 0; b < BLOCKS; b++) {
            __m512 a = _mm512_loadu_ps(q + 16 * b);
            __m512 c = _mm512_loadu_ps(q + step + 16 * b);
            __m512 d = _mm512_loadu_ps(q + 2 * step + 16 * b);
            t1[b] = _mm512_add_ps(t1[b], _mm512_mul_ps(a, f1));
            t2[b] = _mm512_add_ps(t2[b], _mm512_mul_ps(c, f2));
            t3[b] = _mm512_add_ps(t3[b], _mm512_mul_ps(d, f3));
        }
    }
    for (; n < taps; n++) {
        const __m512 f1 = _mm512_set1_ps(f[n]);
        UNROLL
        for (int b = 0; b < BLOCKS; b++) {
            __m512 a = _mm512_loadu_ps(p + n * step + 16 * b);
            t1[b] = _mm512_add_ps(t1[b], _mm512_mul_ps(a, f1));
        }
    }
    UNROLL
    for (int b = 0; b < BLOCKS; b++)
        v[b] = _mm512_add_ps(t1[b], _mm512_add_ps(t2[b], t3[b]));
}

/* block() sixteen lanes wide. */
static AVX512 inline __m512 pair(const float *p, long step, const float *f,
                                 long taps)
{
    __m512 t1 = _mm512_setzero_ps(), t2 = t1, t3 = t1;
    long n = 0;
    for (; n < taps - 2; n += 3) {
        __m512 a = _mm512_loadu_ps(p + n * step);
        __m512 b = _mm512_loadu_ps(p + (n + 1) * step);
        __m512 c = _mm512_loadu_ps(p + (n + 2) * step);
        t1 = _mm512_add_ps(t1, _mm512_mul_ps(a, _mm512_set1_ps(f[n])));
        t2 = _mm512_add_ps(t2, _mm512_mul_ps(b, _mm512_set1_ps(f[n + 1])));
        t3 = _mm512_add_ps(t3, _mm512_mul_ps(c, _mm512_set1_ps(f[n + 2])));
    }
    for (; n < taps; n++) {
        __m512 a = _mm512_loadu_ps(p + n * step);
        t1 = _mm512_add_ps(t1, _mm512_mul_ps(a, _mm512_set1_ps(f[n])));
    }
    return _mm512_add_ps(t1, _mm512_add_ps(t2, t3));
}

static AVX512 inline void put16(float *o, __m512 v, int add_to)
{
    if (add_to)
        v = _mm512_add_ps(v, _mm512_loadu_ps(o));
    _mm512_storeu_ps(o, v);
}

/* blocks_row() with the blocks in pairs. */
static AVX512 void pairs_row(const float *p, long step, const float *f,
                             long taps, float *o, long width, int add_to)
{
    long c = 0;
    for (; c + 16 * BLOCKS <= width; c += 16 * BLOCKS) {
        __m512 v[BLOCKS];
        pairs(p + c, step, f, taps, v);
        UNROLL
        for (int b = 0; b < BLOCKS; b++)
            put16(o + c + 16 * b, v[b], add_to);
    }
    for (; c + 16 <= width; c += 16)
        put16(o + c, pair(p + c, step, f, taps), add_to);
    if (c + 8 <= width)
        put(o + c, block(p + c, step, f, taps), add_to);
}

/* The tails (outputs [width - width % 8, width)) of rows [0, rows):
 * input row r at in + r * in_stride, output row r at out + r * out_stride.
 * Needs width >= 8: the vector ends at the last output. */
static AVX void tails(const float *in, long in_stride, long step,
                      const float *f, long taps, float *out, long out_stride,
                      long rows, long width, int add_to)
{
    const long v0 = width - 8;
    const int keep = (int)(8 - width % 8);
    long r = 0;
    if (width % 8 == 0)
        return;
    for (; r + TAIL_ROWS <= rows; r += TAIL_ROWS) {
        __m256 v[TAIL_ROWS];
        singles(in + r * in_stride + v0, in_stride, step, f, taps, v);
        for (int k = 0; k < TAIL_ROWS; k++)
            put_tail(out + (r + k) * out_stride + v0, v[k], keep, add_to);
    }
    for (; r < rows; r++)
        put_tail(out + r * out_stride + v0,
                 single(in + r * in_stride + v0, step, f, taps), keep, add_to);
}

typedef void (*row_fn)(const float *p, long step, const float *f, long taps,
                       float *o, long width, int add_to);

static AVX void filter_avx(const idp__sep_call *s, row_fn row)
{
    const long fr = s->col_taps / 2, fc = s->row_taps / 2;
    const long lr = s->rows - (s->col_taps - 1) / 2;
    const long lc = s->cols - (s->row_taps - 1) / 2;
    const long width = lc - fc;
    const long stride = s->stride;

    /* rows: scratch[r][fc + c] from in[r][c + n] */
    for (long r = 0; r < s->rows; r++)
        row(s->in + r * stride, 1, s->row_filter, s->row_taps,
            s->scratch + r * stride + fc, width, 0);
    tails(s->in, stride, 1, s->row_filter, s->row_taps, s->scratch + fc, stride,
          s->rows, width, 0);
    /* columns: out[r][fc + c] from scratch[r - fr + m][fc + c] */
    for (long r = fr; r < lr; r++)
        row(s->scratch + (r - fr) * stride + fc, stride, s->col_filter,
            s->col_taps, s->out + r * stride + fc, width, s->add_to);
    tails(s->scratch + fc, stride, stride, s->col_filter, s->col_taps,
          s->out + fr * stride + fc, stride, lr - fr, width, s->add_to);
}

/* dlib's zero_border_pixels(out, non_border) for a non-empty inside. */
static void zero_border(const idp__sep_call *s)
{
    const long fr = s->col_taps / 2, fc = s->row_taps / 2;
    const long lr = s->rows - (s->col_taps - 1) / 2;
    const long lc = s->cols - (s->row_taps - 1) / 2;
    for (long r = 0; r < s->rows; r++) {
        float *o = s->out + r * s->stride;
        if (r < fr || r >= lr) {
            for (long c = 0; c < s->cols; c++)
                o[c] = 0.0f;
            continue;
        }
        for (long c = 0; c < fc; c++)
            o[c] = 0.0f;
        for (long c = lc; c < s->cols; c++)
            o[c] = 0.0f;
    }
}

int idp__sep_filter_at(const idp__sep_call *s, int lanes)
{
    /* libgcc's CPU model is filled in by its own constructor; reading it
     * is a load, and the answer checks that the OS saves the AVX (and
     * AVX-512) state. */
    int wide = lanes == 16;
    if ((lanes != 8 && lanes != 16) || !__builtin_cpu_supports("avx") ||
        (wide && !__builtin_cpu_supports("avx512f")) || s->row_taps < 1 ||
        s->col_taps < 1 || s->cols - s->row_taps + 1 < 8 ||
        s->rows - s->col_taps + 1 < 1 || s->stride < s->cols)
        return 1;
    if (!s->add_to)
        zero_border(s);
    filter_avx(s, wide ? pairs_row : blocks_row);
    return 0;
}

int idp__sep_filter(const idp__sep_call *s)
{
    return idp__sep_filter_at(s, __builtin_cpu_supports("avx512f") ? 16 : 8);
}

#else

int idp__sep_filter_at(const idp__sep_call *s, int lanes)
{
    (void)s;
    (void)lanes;
    return 1;
}

int idp__sep_filter(const idp__sep_call *s)
{
    return idp__sep_filter_at(s, 8);
}

#endif
