/*
 * decode_idct.h - libjpeg-turbo's 2x2 reduced IDCT (the DCT scaling of a
 * 1/4 decode) for sixteen blocks at once (decode_idct.c), for
 * decode_rows.c.
 */
#ifndef IDP_DECODE_IDCT_H
#define IDP_DECODE_IDCT_H

#include <stddef.h>
#include <stdint.h>

/* Blocks side by side, and the coefficients a 2x2 output reads: rows and
 * columns 0, 1, 3, 5 and 7 (slot 5 r + c of those), in that order. */
#define IDP__IDCT2_LANES 16
#define IDP__IDCT2_SLOTS 25

/* The slot of natural index i (8 row + column), -1 for one not read. */
int idp__idct2_slot(int i);

/* The 2x2 pixels of IDP__IDCT2_LANES blocks: the coefficient of slot s
 * of block b at coef[s * stride + b], q[s] its dequantisation (libjpeg's
 * ISLOW table); row 0 of block b to out0[2 b], out0[2 b + 1], row 1 to
 * out1 likewise. The arithmetic of jsimd_idct_2x2_sse2() to the bit:
 * 16-bit products, sums that wrap at 32 bits, the first pass's odd
 * columns saturated to 16 bits, the pixels saturated (libjpeg's C
 * jpeg_idct_2x2() differs only where those wrap or saturate). */
void idp__idct2(const int16_t *coef, size_t stride, const int16_t *q,
                uint8_t *out0, uint8_t *out1);
/* 1 when idp__idct2() runs in vectors (AVX2) on this CPU; in plain C it
 * is no faster than libjpeg's. */
int idp__idct2_vector(void);
/* idp__idct2() in vectors where the CPU has them (vector) or in plain C:
 * the same pixels (unit.decode_idct). */
void idp__idct2_at(const int16_t *coef, size_t stride, const int16_t *q,
                   uint8_t *out0, uint8_t *out1, int vector);

#endif
