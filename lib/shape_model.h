/*
 * shape_model.h - the compact face model (file format and C interface).
 *
 * One file holds what a check needs from dlib: the 68-point shape
 * predictor as flat little-endian arrays that the C cascade (shape_predict.c)
 * reads in place from a read-only mapping, and dlib's HOG frontal face
 * detector in dlib's own (uncompressed) serialisation, which the bridge
 * (face_dlib.cpp) reads in about 2 ms instead of the ~270 ms that
 * dlib::get_frontal_face_detector() spends decompressing its built-in copy.
 * It is made once from Debian's shape_predictor_68_face_landmarks.dat by
 * idp-model-convert (models/README.md) and is derived data: same numbers,
 * other layout.
 *
 * Layout (all integers u32/u64 little-endian, floats IEEE-754 binary32
 * little-endian; offsets from the start of the file, every section starts
 * at a multiple of 8):
 *
 *   header        struct idp__model_header (IDP__MODEL_HEADER_SIZE bytes)
 *   initial shape float[2 * parts]           x0 y0 x1 y1 ... (dlib's
 *                                            normalised face box)
 *   anchors       u32[cascades * pixels]     landmark each pixel hangs on
 *   deltas        float[cascades * pixels * 2]  offset from the anchor
 *   splits        {u32 idx1, u32 idx2, float thresh}[cascades * trees *
 *                 (leaves - 1)]              breadth-first, dlib's order
 *   detector      detector_bytes of dlib::serialize(frontal_face_detector)
 *   leaves        float[cascades * trees * leaves * 2 * parts]
 *
 * meta_checksum (FNV-1a 64) covers the header with both checksum fields
 * zeroed and every byte before the leaves; it is verified on every load,
 * with the bounds of every index. leaf_checksum covers the leaves (65 MB,
 * which a check only samples: ~4 MB per face); it is verified by
 * `idp-model-convert --verify` and the model test, not on every load.
 */
#ifndef IDP_SHAPE_MODEL_H
#define IDP_SHAPE_MODEL_H

#include "idp_internal.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IDP__MODEL_MAGIC       "IDPFACE\x1a"
#define IDP__MODEL_VERSION     1u
#define IDP__MODEL_HEADER_SIZE 96u
#define IDP__MODEL_MAX_DEPTH   10u /* leaves per tree <= 1024 */
#define IDP__MODEL_MAX_COUNT   100000u
#define IDP__MODEL_MAX_PIXELS  4096u /* feature pixels per level */

/* The header as stored: 88 bytes (no padding on LP64 and ILP32), then
 * zeros up to IDP__MODEL_HEADER_SIZE. */
typedef struct idp__model_header {
    char magic[8];           /* IDP__MODEL_MAGIC */
    uint32_t version;        /* IDP__MODEL_VERSION */
    uint32_t header_size;    /* IDP__MODEL_HEADER_SIZE */
    uint32_t parts;          /* landmarks (68) */
    uint32_t cascades;       /* cascade levels (15) */
    uint32_t trees;          /* trees per level (500) */
    uint32_t depth;          /* every tree is full: 2^depth leaves (4) */
    uint32_t pixels;         /* feature pixels per level (400) */
    uint32_t reserved;       /* 0 */
    uint64_t detector_bytes; /* dlib-serialised HOG detector */
    uint64_t file_size;      /* the whole file */
    uint64_t meta_checksum;  /* FNV-1a 64, see above */
    uint64_t leaf_checksum;  /* FNV-1a 64 of the leaves */
    uint64_t source_size;    /* bytes of the .dat it was made from */
    uint64_t reserved2;      /* 0 */
} idp__model_header;

/* One split of a regression tree: go left when
 * pixel[idx1] - pixel[idx2] > thresh. */
typedef struct idp__model_split {
    uint32_t idx1, idx2;
    float thresh;
} idp__model_split;

/* Section offsets and sizes that follow from the header's counts. */
typedef struct idp__model_layout {
    uint64_t shape, anchors, deltas, splits, detector, leaves, end;
} idp__model_layout;

/* A mapped, validated model; the arrays point into the mapping. */
typedef struct idp__shape_model {
    const uint8_t *base;
    size_t size;
    idp__model_header h;
    unsigned leaves;                /* 2^depth */
    const float *initial;           /* [2 * parts] */
    const uint32_t *anchors;        /* [cascades * pixels] */
    const float *deltas;            /* [cascades * pixels * 2] */
    const idp__model_split *splits; /* [cascades * trees * (leaves - 1)] */
    const uint8_t *detector;        /* [detector_bytes] */
    const float *leaf_values;       /* [cascades * trees * leaves * 2 parts] */
} idp__shape_model;

/* FNV-1a 64 of `n` bytes continuing from `h` (start with
 * IDP__FNV_OFFSET). */
#define IDP__FNV_OFFSET 0xcbf29ce484222325ULL
uint64_t idp__fnv1a64(uint64_t h, const void *p, size_t n);

/* The layout for a header's counts; 0, or -1 when the counts are out of
 * range (zero, too large, or overflowing). */
int idp__model_layout_of(const idp__model_header *h, idp__model_layout *l);

/* The meta checksum of a complete file image (checksum fields read as 0). */
uint64_t idp__model_meta_checksum(const uint8_t *file,
                                  const idp__model_layout *l);

/* 1 when the first bytes of a file are the compact model's magic. */
int idp__model_is_compact(const uint8_t *head, size_t n);

/* Map and validate `path`: size, magic, version, counts, meta checksum,
 * every anchor and split index in range. IDP_E_MODEL with a message in
 * err when anything is off; IDP_E_NOMEM. */
idp_status idp__shape_model_open(const char *path, idp__shape_model **out,
                                 char *err, size_t err_len);
void idp__shape_model_close(idp__shape_model *m);

/* Check the leaf checksum (reads all 65 MB): IDP_OK or IDP_E_MODEL. */
idp_status idp__shape_model_verify_leaves(const idp__shape_model *m, char *err,
                                          size_t err_len);

/* Validate an in-memory model image (used by open); fills the pointers of
 * *m from `base`. */
idp_status idp__shape_model_bind(const uint8_t *base, size_t size,
                                 idp__shape_model *m, char *err,
                                 size_t err_len);

/* dlib's inclusive face rectangle {left, top, right, bottom} for a box:
 * the rounded edges, right and bottom minus one. */
void idp__face_rect(idp_rect box, long rect[4]);

/* dlib's shape_predictor cascade on an 8-bit grey image: the face box as
 * dlib's inclusive rectangle (left, top, right, bottom), points written to
 * pts[0..parts) in image pixels (dlib rounds them to whole pixels).
 * IDP_E_MODEL when a point is not finite (corrupt leaf values). */
idp_status idp__shape_predict(const idp__shape_model *m, const uint8_t *grey,
                              int w, int h, size_t stride, const long rect[4],
                              idp_point *pts, char *err, size_t err_len);

#ifdef __cplusplus
}
#endif

#endif /* IDP_SHAPE_MODEL_H */
