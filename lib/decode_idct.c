/*
 * decode_idct.c - libjpeg-turbo's 2x2 reduced IDCT, sixteen blocks at
 * once: one block a lane, in two AVX2 vectors of eight, or the same lanes
 * in plain C.
 *
 * A 12 MP photo decoded at 1/4 goes through libjpeg-turbo's
 * jsimd_idct_2x2_sse2() half a million times, a block a call (with a
 * memset of the block and a call through a pointer around it). The same
 * arithmetic in lanes of blocks costs a fraction of that. It is the SSE2
 * routine's arithmetic, not the C jpeg_idct_2x2()'s, because that is the
 * one libjpeg-turbo runs on x86-64:
 *
 *   pass 1, columns 0, 1, 3, 5, 7 of rows 0, 1, 3, 5, 7:
 *     z     = coef * q, the low 16 bits (pmullw)
 *     tmp0  = z1 F362 - z3 F127 + z5 F085 - z7 F072, wrapping at 32 bits
 *     tmp10 = z0 << 15
 *     A, B  = (tmp10 +- tmp0 + 2^12) >> 13; columns 1-7 saturated to
 *             16 bits (packssdw), column 0 not;
 *   pass 2, for row A (and B alike):
 *     tmp0  = A1 F362 - A3 F127 + A5 F085 - A7 F072 (wrapping)
 *     tmp10 = A0 << 15 (wrapping)
 *     pixel = sat8((tmp10 +- tmp0 + 2^19) >> 20) + 128.
 * Each product of two 16-bit values is exact in 32 bits, and sums that
 * wrap are the same in any order, so lanes of int32 give its bits.
 * decode_rows.c checks at each decode that libjpeg's own 2x2 IDCT gives
 * these pixels on blocks where the C routine's would differ (built
 * without SIMD, or another libjpeg, it keeps libjpeg's).
 *
 * AVX2 and not AVX-512: in the middle of the Huffman decoding, the
 * 16-lane version (half the instructions) made the whole decode slower
 * than the 8-lane one (23.8 against 22.5 ms for a 12 MP photo at 1/4;
 * 25.0 with libjpeg's IDCT): the scalar Huffman loop around it pays for
 * the 512-bit multiplies.
 */
#include "decode_idct.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define IDCT_AVX2 1
#include <immintrin.h>
#else
#define IDCT_AVX2 0
#endif

#define L IDP__IDCT2_LANES

/* Constants of CONST_BITS 13 (jidctred.c) */
#define F072 5906  /* FIX(0.720959822) */
#define F085 6967  /* FIX(0.850430095) */
#define F127 10426 /* FIX(1.272758580) */
#define F362 29692 /* FIX(3.624509785) */

/* The odd rows' (and odd columns') weights: 1, 3, 5, 7. */
static const int32_t odd[5] = {0, F362, -F127, F085, -F072};

int idp__idct2_slot(int i)
{
    static const int8_t at[8] = {0, 1, -1, 2, -1, 3, -1, 4};
    int r = i >= 0 && i < 64 ? at[i / 8] : -1, c = r >= 0 ? at[i % 8] : -1;
    return c >= 0 ? 5 * r + c : -1;
}

/* pmullw: the low 16 bits of the product, signed. */
static inline int32_t deq(int16_t c, int16_t q)
{
    return (int16_t)(uint16_t)((uint32_t)(uint16_t)c * (uint16_t)q);
}

static inline int32_t sat16(int32_t v)
{
    return v < -32768 ? -32768 : v > 32767 ? 32767 : v;
}

static inline uint8_t pixel(int32_t v)
{
    return (uint8_t)((v < -128 ? -128 : v > 127 ? 127 : v) + 128);
}

/* Pass 1 of column col for every lane: rows A (out a) and B (out b). */
static void column(const int16_t *coef, size_t stride, const int16_t *q,
                   int col, int32_t *a, int32_t *b)
{
    const int16_t *z0 = coef + (size_t)col * stride;
    for (int k = 0; k < L; k++) {
        uint32_t t0 = 0, t10;
        for (int r = 1; r < 5; r++)
            t0 += (uint32_t)(deq(z0[(size_t)(5 * r) * stride + (size_t)k],
                                 q[5 * r + col]) *
                             odd[r]);
        t10 = (uint32_t)(deq(z0[k], q[col]) * 32768);
        a[k] = (int32_t)(t10 + t0 + 4096u) >> 13;
        b[k] = (int32_t)(t10 - t0 + 4096u) >> 13;
    }
}

/* Lane by lane, in plain C. */
static void idct2_plain(const int16_t *coef, size_t stride, const int16_t *q,
                        uint8_t *out0, uint8_t *out1)
{
    int32_t a0[L], b0[L], a[L], b[L];
    uint32_t ta[L] = {0}, tb[L] = {0};
    column(coef, stride, q, 0, a0, b0);
    for (int col = 1; col < 5; col++) {
        column(coef, stride, q, col, a, b);
        for (int k = 0; k < L; k++) {
            ta[k] += (uint32_t)(sat16(a[k]) * odd[col]);
            tb[k] += (uint32_t)(sat16(b[k]) * odd[col]);
        }
    }
    for (int k = 0; k < L; k++) {
        uint32_t ea = (uint32_t)a0[k] << 15, eb = (uint32_t)b0[k] << 15;
        out0[2 * k] = pixel((int32_t)(ea + ta[k] + (1u << 19)) >> 20);
        out0[2 * k + 1] = pixel((int32_t)(ea - ta[k] + (1u << 19)) >> 20);
        out1[2 * k] = pixel((int32_t)(eb + tb[k] + (1u << 19)) >> 20);
        out1[2 * k + 1] = pixel((int32_t)(eb - tb[k] + (1u << 19)) >> 20);
    }
}

#if IDCT_AVX2

#define AVX2 __attribute__((target("avx2")))

static AVX2 inline __m256i z8(const int16_t *coef, size_t stride,
                              const int16_t *q, int s)
{
    __m128i c = _mm_loadu_si128((const __m128i *)(coef + (size_t)s * stride));
    return _mm256_cvtepi16_epi32(_mm_mullo_epi16(c, _mm_set1_epi16(q[s])));
}

static AVX2 inline __m256i descale8(__m256i t10, __m256i t0, int minus,
                                    int shift)
{
    __m256i v = minus ? _mm256_sub_epi32(t10, t0) : _mm256_add_epi32(t10, t0);
    v = _mm256_add_epi32(v, _mm256_set1_epi32(1 << (shift - 1)));
    return _mm256_srai_epi32(v, shift);
}

static AVX2 inline __m256i sat16v8(__m256i v)
{
    return _mm256_max_epi32(_mm256_min_epi32(v, _mm256_set1_epi32(32767)),
                            _mm256_set1_epi32(-32768));
}

/* Pixels c, d of eight lanes, interleaved: c0 d0 c1 d1 ... */
static AVX2 inline __m128i pixels8(__m256i c, __m256i d)
{
    __m256i y =
        _mm256_packs_epi16(_mm256_packs_epi32(c, d), _mm256_setzero_si256());
    __m128i v = _mm_unpacklo_epi64(_mm256_castsi256_si128(y),
                                   _mm256_extracti128_si256(y, 1));
    v = _mm_shuffle_epi8(
        v, _mm_setr_epi8(0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15));
    return _mm_xor_si128(v, _mm_set1_epi8(-128));
}

static AVX2 void idct2_avx2_half(const int16_t *coef, size_t stride,
                                 const int16_t *q, uint8_t *out0, uint8_t *out1)
{
    __m256i a0 = _mm256_setzero_si256(), b0 = a0, ta = a0, tb = a0;
    for (int col = 0; col < 5; col++) {
        __m256i t0 = _mm256_setzero_si256(), t10, a, b;
        for (int r = 1; r < 5; r++)
            t0 = _mm256_add_epi32(
                t0, _mm256_mullo_epi32(z8(coef, stride, q, 5 * r + col),
                                       _mm256_set1_epi32(odd[r])));
        t10 = _mm256_slli_epi32(z8(coef, stride, q, col), 15);
        a = descale8(t10, t0, 0, 13);
        b = descale8(t10, t0, 1, 13);
        if (col == 0) {
            a0 = a;
            b0 = b;
            continue;
        }
        ta = _mm256_add_epi32(
            ta, _mm256_mullo_epi32(sat16v8(a), _mm256_set1_epi32(odd[col])));
        tb = _mm256_add_epi32(
            tb, _mm256_mullo_epi32(sat16v8(b), _mm256_set1_epi32(odd[col])));
    }
    a0 = _mm256_slli_epi32(a0, 15);
    b0 = _mm256_slli_epi32(b0, 15);
    _mm_storeu_si128((__m128i *)out0,
                     pixels8(descale8(a0, ta, 0, 20), descale8(a0, ta, 1, 20)));
    _mm_storeu_si128((__m128i *)out1,
                     pixels8(descale8(b0, tb, 0, 20), descale8(b0, tb, 1, 20)));
}

static AVX2 void idct2_avx2(const int16_t *coef, size_t stride,
                            const int16_t *q, uint8_t *out0, uint8_t *out1)
{
    idct2_avx2_half(coef, stride, q, out0, out1);
    idct2_avx2_half(coef + 8, stride, q, out0 + 16, out1 + 16);
}

#endif

int idp__idct2_vector(void)
{
#if IDCT_AVX2
    return __builtin_cpu_supports("avx2") != 0;
#else
    return 0;
#endif
}

void idp__idct2_at(const int16_t *coef, size_t stride, const int16_t *q,
                   uint8_t *out0, uint8_t *out1, int vector)
{
#if IDCT_AVX2
    if (vector && idp__idct2_vector()) {
        idct2_avx2(coef, stride, q, out0, out1);
        return;
    }
#endif
    (void)vector;
    idct2_plain(coef, stride, q, out0, out1);
}

void idp__idct2(const int16_t *coef, size_t stride, const int16_t *q,
                uint8_t *out0, uint8_t *out1)
{
    idp__idct2_at(coef, stride, q, out0, out1, 1);
}
