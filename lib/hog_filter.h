/*
 * hog_filter.h - dlib's separable float filter redone (hog_filter.c), for
 * the HOG detector in face_dlib.cpp. Pure C, no dlib type.
 */
#ifndef IDP_HOG_FILTER_H
#define IDP_HOG_FILTER_H

#ifdef __cplusplus
extern "C" {
#endif

/* One float_spatially_filter_image_separable(in, out, row_filter,
 * col_filter, scratch, add_to) of dlib on rows x cols planes that share a
 * row stride (in floats). out and scratch are allocated to that size;
 * scratch's contents are overwritten, out's border zeroed when !add_to. */
typedef struct idp__sep_call {
    const float *in;
    float *out;
    float *scratch;
    long rows, cols, stride;
    const float *row_filter, *col_filter;
    long row_taps, col_taps;
    int add_to;
} idp__sep_call;

/* 0 when done (the floats dlib's call gives, to the bit); 1 when not done
 * here (no AVX on this CPU or build, or a plane narrower than 8 outputs):
 * the caller runs dlib's own. */
int idp__sep_filter(const idp__sep_call *s);

/* The same with vectors of `lanes` floats: 8 (AVX) or 16 (AVX-512, two
 * blocks of 8 at once); 1 also when the CPU has no such vectors. For the
 * tests, which compare both; idp__sep_filter() takes the widest. */
int idp__sep_filter_at(const idp__sep_call *s, int lanes);

#ifdef __cplusplus
}
#endif

#endif
