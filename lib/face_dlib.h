/*
 * face_dlib.h - the C side of the dlib bridge (face_dlib.cpp).
 *
 * No dlib or C++ type appears here. Every function catches every exception
 * and reports it as a status plus a message copied into `err`. Buffers are
 * owned by the caller; nothing allocated here crosses the boundary except
 * the opaque bridge, released with idp__bridge_free().
 *
 * A bridge is used by one thread at a time (dlib's object_detector mutates
 * itself on every call).
 */
#ifndef IDP_FACE_DLIB_H
#define IDP_FACE_DLIB_H

#include "idp_internal.h"

#ifdef __cplusplus
#define IDP__NOEXCEPT noexcept
extern "C" {
#else
#define IDP__NOEXCEPT
#endif

typedef struct idp__face_bridge idp__face_bridge;

/* A bridge holding dlib's HOG frontal face detector, read from
 * `detector` (n bytes of dlib::serialize(frontal_face_detector), e.g. from
 * the compact model) or, when `detector` is NULL, dlib's built-in copy
 * (dlib::get_frontal_face_detector(), ~270 ms: it decompresses). A
 * corrupt detector is IDP_E_MODEL; IDP_E_NOMEM, IDP_E_INTERNAL. */
idp_status idp__bridge_new(const void *detector, size_t n,
                           idp__face_bridge **out, char *err,
                           size_t err_len) IDP__NOEXCEPT;

/* Read dlib's own 68-point shape predictor file (the .dat, ~0.5 s) into
 * the bridge, for idp__bridge_landmarks(). IDP_E_MODEL when the file is
 * missing or corrupt, IDP_E_NOMEM, IDP_E_INTERNAL. */
idp_status idp__bridge_read_dlib(idp__face_bridge *b, const char *model_path,
                                 char *err, size_t err_len) IDP__NOEXCEPT;

/* Convert dlib's .dat at `dat_path` into the compact model (shape_model.h)
 * written atomically at `out_path`, with dlib's built-in face detector
 * serialised into it. IDP_E_MODEL, IDP_E_NOMEM, IDP_E_INTERNAL. */
idp_status idp__bridge_convert(const char *dat_path, const char *out_path,
                               char *err, size_t err_len) IDP__NOEXCEPT;

void idp__bridge_free(idp__face_bridge *b) IDP__NOEXCEPT;

/* Detect faces in an 8-bit grey image (rows `stride` bytes apart).
 * `upsample` > 0 doubles the image that many times first (finds faces
 * down to ~40 px instead of ~80 px); boxes are returned in the coordinates
 * of the image given. Detections with confidence >= `threshold` are kept,
 * sorted by confidence (highest first); at most `max` are written and *n
 * receives how many were written. `threads` 1 scans the pyramid levels in
 * one run, 2 (or more) in two runs on two threads, with the same results;
 * 0 calls dlib's object_detector itself, the reference the runs are
 * tested against. */
idp_status idp__bridge_detect(idp__face_bridge *b, const uint8_t *grey, int w,
                              int h, size_t stride, int upsample,
                              double threshold, int threads,
                              idp__detection *dets, size_t max, size_t *n,
                              char *err, size_t err_len) IDP__NOEXCEPT;

/* Fit the 68 landmarks inside `box` (image coordinates) of an 8-bit grey
 * image with the dlib predictor read by idp__bridge_read_dlib() (else
 * IDP_E_INVALID_ARG). Points are written to pts[0..67] in image
 * coordinates. */
idp_status idp__bridge_landmarks(idp__face_bridge *b, const uint8_t *grey,
                                 int w, int h, size_t stride, idp_rect box,
                                 idp_point pts[IDP_LANDMARKS], char *err,
                                 size_t err_len) IDP__NOEXCEPT;

/* For tests: the FHOG features of an 8-bit grey image (rows `stride`
 * bytes apart, cells of `cell` px, filter padding `pad` both ways) made
 * from hog_cells.c's histograms (8 lanes, and 16 where the CPU has
 * AVX-512), and as the detector gets them, each against dlib's
 * extract_fhog_features(). The number of floats that
 * differ in any bit (*values: how many one comparison covers); -1 when
 * hog_cells.c does not make them here (no AVX2), -2 when dlib threw, -3
 * for bad arguments or too few cells for features. */
long idp__bridge_fhog_check(const uint8_t *grey, int w, int h, size_t stride,
                            int cell, int pad, size_t *values) IDP__NOEXCEPT;

/* For tests: hog_pyramid.c's resize of an 8-bit grey image (rows
 * `stride` bytes apart) to out_w x out_h (both < 0: pyramid_down<6>'s
 * size), one column at a time and 16 at once where the CPU has AVX-512,
 * each against dlib's resize_image() (pyramid_down<6>). The number of
 * bytes that differ (*values: how many were compared); -1 when
 * hog_pyramid.c refused, -2 when dlib threw, -3 for bad arguments. */
long idp__bridge_resize_check(const uint8_t *grey, int w, int h, size_t stride,
                              int out_w, int out_h,
                              size_t *values) IDP__NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* IDP_FACE_DLIB_H */
