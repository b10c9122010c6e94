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

/* Load the HOG frontal face detector and the 68-point shape predictor
 * stored at `model_path`. IDP_E_MODEL when the file is missing or corrupt,
 * IDP_E_NOMEM, IDP_E_INTERNAL. */
idp_status idp__bridge_new(const char *model_path, idp__face_bridge **out,
                           char *err, size_t err_len) IDP__NOEXCEPT;
void idp__bridge_free(idp__face_bridge *b) IDP__NOEXCEPT;

/* Detect faces in an 8-bit grey image (rows `stride` bytes apart).
 * `upsample` > 0 doubles the image that many times first (finds faces
 * down to ~40 px instead of ~80 px); boxes are returned in the coordinates
 * of the image given. Detections with confidence >= `threshold` are kept,
 * sorted by confidence (highest first); at most `max` are written and *n
 * receives how many were written. */
idp_status idp__bridge_detect(idp__face_bridge *b, const uint8_t *grey, int w,
                              int h, size_t stride, int upsample,
                              double threshold, idp__detection *dets,
                              size_t max, size_t *n, char *err,
                              size_t err_len) IDP__NOEXCEPT;

/* Fit the 68 landmarks inside `box` (image coordinates) of an 8-bit grey
 * image. Points are written to pts[0..67] in image coordinates. */
idp_status idp__bridge_landmarks(idp__face_bridge *b, const uint8_t *grey,
                                 int w, int h, size_t stride, idp_rect box,
                                 idp_point pts[IDP_LANDMARKS], char *err,
                                 size_t err_len) IDP__NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* IDP_FACE_DLIB_H */
