/*
 * hog_pyramid.h - one level of the HOG detector's image pyramid, dlib's
 * pyramid_down<6> redone (hog_pyramid.c), for face_dlib.cpp. Pure C, no
 * dlib type.
 */
#ifndef IDP_HOG_PYRAMID_H
#define IDP_HOG_PYRAMID_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* dlib's resize_image(in, out, interpolate_bilinear()) of 8-bit grey
 * images: in is rows x cols (rows `in_step` bytes apart), out out_rows x
 * out_cols (`out_step`); pyramid_down<6> calls it with out 5/6 of in
 * (integer division). The bytes dlib's call gives. 0 when done; -1 out
 * of memory or for bad sizes (the caller runs dlib's own). 16 columns at
 * once where the CPU has AVX-512. */
int idp__resize_bilinear(const uint8_t *in, long rows, long cols,
                         size_t in_step, uint8_t *out, long out_rows,
                         long out_cols, size_t out_step);

/* The same one column at a time (lanes 1) or 16 at once (lanes 16; -1
 * when the CPU has no AVX-512). For the tests, which compare both. */
int idp__resize_bilinear_at(const uint8_t *in, long rows, long cols,
                            size_t in_step, uint8_t *out, long out_rows,
                            long out_cols, size_t out_step, int lanes);

#ifdef __cplusplus
}
#endif

#endif
