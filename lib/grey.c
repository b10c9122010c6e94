/*
 * grey.c - libvips' sRGB -> B_W conversion of 8-bit pixels, the same
 * bytes, without its pipeline.
 *
 * The detector and the landmarks read a grey copy of every photo. libvips
 * 8.14 makes it per pixel as: each code through its sRGB -> linear table
 * (floats, v2Y), Y = 0.2 R + 0.7 G + 0.1 B in double, rounded to float,
 * times 255 (float), clipped to 0..255, then its linear -> sRGB table
 * (ints, lut) read between the two nearest entries in float and rounded
 * to nearest even. Through its pipeline (a float image between two
 * operations, a call per pixel) that cost ~6.5 ns a pixel, ~3 % of a
 * batch's CPU; this loop does the same operations in the same order.
 *
 * The tables are libvips' own, read from it at run time (image_io.c), and
 * image_io.c checks this loop against vips_colourspace() before using it:
 * another libvips that converts otherwise keeps its own pipeline.
 * Built with -ffp-contract=off so no product is fused. With AVX-512 (a
 * run-time check) 16 pixels go at once, their table entries gathered and
 * the same operations done lane by lane; with AVX-512 VBMI their codes
 * come from one load of their 48 bytes sorted by a byte permute instead
 * of three gathers (0.76 MP: 1.23 -> 0.84 ms). unit.grey's 2^24 colours
 * go through the widest loop, and random pixels through all three.
 */
#include "idp_internal.h"

#include <math.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define GREY_AVX512 1
#include <immintrin.h>
#else
#define GREY_AVX512 0
#endif

void idp__grey_prepare(idp__grey_tables *t)
{
    for (int i = 0; i < 256; i++) { /* the products libvips makes */
        t->w[0][i] = 0.2 * t->v2y[i];
        t->w[1][i] = 0.7 * t->v2y[i];
        t->w[2][i] = 0.1 * t->v2y[i];
        t->step[i] = (float)(t->lut[i + 1] - t->lut[i]);
        t->base[i] = (float)t->lut[i];
    }
}

static uint8_t grey_px(const idp__grey_tables *t, const uint8_t *p)
{
    float y = (float)(t->w[0][p[0]] + t->w[1][p[1]] + t->w[2][p[2]]);
    float yf = y * 255.0f, v;
    int yi;
    yf = yf < 0.0f ? 0.0f : yf > 255.0f ? 255.0f : yf;
    yi = (int)yf;
    v = t->step[yi] * (yf - (float)yi) + t->base[yi];
    /* to nearest, ties to even, as rintf(): adding 2^23 leaves no bits
     * below the units (what libvips' compiled rintf does) */
    v = v >= 0.0f && v < 8388608.0f ? (v + 8388608.0f) - 8388608.0f : rintf(v);
    return (uint8_t)(v < 0.0f ? 0 : v > 255.0f ? 255 : (int)v);
}

#if GREY_AVX512
#define AVX512 __attribute__((target("avx512f")))

/* The three codes of 16 pixels as ints: 4 bytes read at each, the low
 * one kept (the caller leaves 4 bytes past the last code read). */
static AVX512 __m512i codes(const uint8_t *rgb, int c)
{
    const __m512i at = _mm512_setr_epi32(0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30,
                                         33, 36, 39, 42, 45);
    return _mm512_and_si512(_mm512_i32gather_epi32(at, rgb + c, 1),
                            _mm512_set1_epi32(0xFF));
}

/* Y of 8 pixels: the three doubles added in grey_px()'s order, as float. */
static AVX512 __m256 y8(const idp__grey_tables *t, __m256i r, __m256i g,
                        __m256i b)
{
    __m512d y = _mm512_add_pd(_mm512_i32gather_pd(r, t->w[0], 8),
                              _mm512_i32gather_pd(g, t->w[1], 8));
    return _mm512_cvtpd_ps(
        _mm512_add_pd(y, _mm512_i32gather_pd(b, t->w[2], 8)));
}

/* grey_px() on 16 pixels at once from their codes: the same operations
 * lane by lane (no product fused, the float round to nearest even by
 * adding 2^23; the values never leave 0..255, so its other branch is
 * never taken). */
static AVX512 inline void grey16(const idp__grey_tables *t, __m512i r,
                                 __m512i g, __m512i b, uint8_t *out)
{
    __m256 lo = y8(t, _mm512_castsi512_si256(r), _mm512_castsi512_si256(g),
                   _mm512_castsi512_si256(b));
    __m256 hi =
        y8(t, _mm512_extracti64x4_epi64(r, 1), _mm512_extracti64x4_epi64(g, 1),
           _mm512_extracti64x4_epi64(b, 1));
    __m512 y = _mm512_castpd_ps(_mm512_insertf64x4(
        _mm512_castpd256_pd512(_mm256_castps_pd(lo)), _mm256_castps_pd(hi), 1));
    __m512 yf = _mm512_mul_ps(y, _mm512_set1_ps(255.0f)), v;
    __m512i yi;
    yf = _mm512_min_ps(_mm512_max_ps(yf, _mm512_setzero_ps()),
                       _mm512_set1_ps(255.0f));
    yi = _mm512_cvttps_epi32(yf);
    v = _mm512_mul_ps(_mm512_i32gather_ps(yi, t->step, 4),
                      _mm512_sub_ps(yf, _mm512_cvtepi32_ps(yi)));
    v = _mm512_add_ps(v, _mm512_i32gather_ps(yi, t->base, 4));
    v = _mm512_sub_ps(_mm512_add_ps(v, _mm512_set1_ps(8388608.0f)),
                      _mm512_set1_ps(8388608.0f));
    _mm_storeu_si128((__m128i *)(void *)out,
                     _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(v)));
}

/* Groups of 16 while a group's last 4-byte read stays inside the n
 * pixels; the rest one by one. */
static AVX512 size_t convert_wide(const idp__grey_tables *t, const uint8_t *rgb,
                                  size_t n, uint8_t *out)
{
    size_t i = 0;
    for (; i + 17 <= n; i += 16)
        grey16(t, codes(rgb + 3 * i, 0), codes(rgb + 3 * i, 1),
               codes(rgb + 3 * i, 2), out + i);
    return i;
}

#define VBMI __attribute__((target("avx512f,avx512bw,avx512vbmi")))

/* The byte of code c of pixel k at index 16 c + k: 3 k + c. */
static const uint8_t pick[64] = {
    0, 3, 6, 9,  12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45,
    1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 34, 37, 40, 43, 46,
    2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 32, 35, 38, 41, 44, 47,
    0, 0, 0, 0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0};

/* convert_wide() with each group's codes from one load of its 48 bytes,
 * sorted by a byte permute (no read past them). */
static VBMI size_t convert_vbmi(const idp__grey_tables *t, const uint8_t *rgb,
                                size_t n, uint8_t *out)
{
    const __m512i sort = _mm512_loadu_si512(pick);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512i v = _mm512_maskz_loadu_epi8(0xFFFFFFFFFFFFull, rgb + 3 * i);
        __m512i c = _mm512_permutexvar_epi8(sort, v);
        grey16(t, _mm512_cvtepu8_epi32(_mm512_castsi512_si128(c)),
               _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(c, 1)),
               _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(c, 2)), out + i);
    }
    return i;
}
#endif

void idp__grey_convert(const idp__grey_tables *t, const uint8_t *rgb, size_t n,
                       uint8_t *out)
{
    idp__grey_convert_at(t, rgb, n, out, 2);
}

void idp__grey_convert_at(const idp__grey_tables *t, const uint8_t *rgb,
                          size_t n, uint8_t *out, int wide)
{
    size_t i = 0;
#if GREY_AVX512
    if (wide >= 2 && __builtin_cpu_supports("avx512vbmi"))
        i = convert_vbmi(t, rgb, n, out);
    else if (wide >= 1 && __builtin_cpu_supports("avx512f"))
        i = convert_wide(t, rgb, n, out);
#else
    (void)wide;
#endif
    for (; i < n; i++)
        out[i] = grey_px(t, rgb + 3 * i);
}
