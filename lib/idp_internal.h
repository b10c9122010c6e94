/*
 * idp_internal.h - library-private types and helpers shared across lib/.
 * Never installed. Names that cross files use the idp__ prefix.
 */
#ifndef IDP_INTERNAL_H
#define IDP_INTERNAL_H

#include "idphoto.h"

#include <stdarg.h>
#include <stdio.h>

#if defined(__GNUC__)
#define IDP__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define IDP__PRINTF(f, a)
#endif

/* A loop over a fixed number of doubles or floats built also for wider
 * vectors, the CPU's picked at load time (an ifunc): the same operations
 * per element, so the same results (C11 mode contracts no product into a
 * fused multiply-add). Elsewhere the baseline build alone. */
#if defined(__x86_64__) && defined(__ELF__) &&                                 \
    (defined(__GNUC__) || defined(__clang__))
#define IDP__WIDE __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define IDP__WIDE
#endif

#define IDP__XSTR(x) #x
#define IDP__STR(x)  IDP__XSTR(x)

#define IDP__ERROR_LEN 512
#define IDP__PATH_LEN  4096

struct idp__face_bridge;
struct idp__matte;
struct idp__shape_model;

struct idp_ctx {
    char error[IDP__ERROR_LEN];
    char model_path[IDP__PATH_LEN]; /* resolved or explicitly set; "" */
    int model_explicit;             /* set by idp_ctx_set_model() */
    uint64_t max_pixels;
    int analysis_px;                 /* 0: decode at full size */
    int threads;                     /* >= 1 (idp_ctx_set_threads) */
    struct idp__face_bridge *bridge; /* loaded on first detection */
    struct idp__shape_model *shape;  /* the compact model, when used */
    double model_load_ms;            /* what the load took; 0 before */
    int model_timed;  /* model_load_ms went into a report's timings */
    int model_warmed; /* idp__ctx_beside_model() tried to load it */
    int vips_only;    /* 1: no direct JPEG decode (tests compare the two) */
};

struct idp_image {
    uint8_t *pixels; /* 8-bit sRGB, RGB interleaved */
    size_t stride;
    int width, height;
    idp_image_info info;
    char *name;
    double decode_ms; /* what loading it took; NAN when made in memory */
    /* A photo decoded reduced for analysis (info.shrink > 1; info.width
     * and height are the file's): where to decode it again finer
     * (idp__image_reload), the path or a copy of the bytes. */
    char *path;
    void *bytes;
    size_t n_bytes;
    /* The grey plane (width x height) when it was made during the
     * decode, or NULL (idp__image_grey makes it when asked). */
    uint8_t *grey;
};

/* decode_jpeg.c: a JPEG decoded by libjpeg into `out` (w x h RGB, the
 * size libvips gives at `shrink`), exactly as libvips would; `done` (may
 * be NULL) hears how many rows are complete as they come, from the
 * calling thread, and stops the decode by returning nonzero. 0: decoded;
 * 1: not one it decodes, broken, or stopped (the caller decodes through
 * libvips, which says what is wrong). */
typedef int (*idp__rows_done)(void *arg, int rows);
int idp__jpeg_decode(const void *data, size_t len, int shrink, int w, int h,
                     uint8_t *out, idp__rows_done done, void *arg);

/* decode_jpeg.c: 1 when the JPEG's own header suggests libvips will call
 * it plain (three components to RGB, 8-bit, no ICC profile, no EXIF
 * orientation but 1), with its size in *w, *h; else 0. A guess made
 * before libvips has started: only libvips' header decides. */
int idp__jpeg_probe(const void *data, size_t len, int *w, int *h);

/* Start libvips once per process (thread-safe). */
idp_status idp__vips_init(idp_ctx *ctx);

/* 1 when this process's first photo was decoded while libvips started
 * (image_io.c: first_load), for the tests. */
int idp__image_first_taken(void);

/* image_complete.c: 1 when the bytes (or the file) run to the end their
 * format declares (JPEG: markers walked from SOI to EOI; PNG: IEND near
 * the end); other formats (format as in idp_image_info) always 1. */
int idp__jpeg_complete(const unsigned char *d, size_t n);
int idp__png_complete(const unsigned char *d, size_t n);
int idp__bytes_complete(const void *data, size_t len, const char *format);
int idp__file_complete(const char *path, const char *format);

/* Set the context's message and return `code` (one line at each site:
 * return idp__fail(ctx, IDP_E_DECODE, "%s: not an image", path);). */
idp_status idp__fail(idp_ctx *ctx, idp_status code, const char *fmt, ...)
    IDP__PRINTF(3, 4);
void idp__clear_error(idp_ctx *ctx);

/* Bounded string copy that always terminates (truncates silently). */
void idp__strlcpy(char *dst, const char *src, size_t size);

/* grey.c: libvips' sRGB -> B_W of 8-bit RGB, from its own tables
 * (image_io.c reads them from libvips and checks the result first). */
typedef struct idp__grey_tables {
    float v2y[256]; /* sRGB code -> linear light */
    int lut[257];   /* linear light x 255 -> sRGB code (the last repeated) */
    /* made from those by idp__grey_prepare(): */
    double w[3][256];           /* 0.2, 0.7, 0.1 x v2y */
    float step[256], base[256]; /* lut[i + 1] - lut[i], lut[i] */
} idp__grey_tables;
void idp__grey_prepare(idp__grey_tables *t);
void idp__grey_convert(const idp__grey_tables *t, const uint8_t *rgb, size_t n,
                       uint8_t *out);
/* The same with at most the loop `wide`: 0 plain C, 1 AVX-512 (gathers),
 * 2 AVX-512 VBMI (one load of the codes), each where the CPU has it; the
 * same bytes (unit.grey). */
void idp__grey_convert_at(const idp__grey_tables *t, const uint8_t *rgb,
                          size_t n, uint8_t *out, int wide);
/* Test hook (image_io.c): how many of the 2^24 colours grey.c converts
 * otherwise than libvips' pipeline; -1 when it is not used here. */
int idp__grey_check_all(void);

/* reduceh.c: libvips 8.14's horizontal Lanczos-3 reduction of 8-bit
 * pixels (vips_reduceh(), gap 2), the same bytes. */
typedef struct idp__reduceh {
    int in_w, out_w; /* columns in and out */
    int taps, pad;   /* mask points; copies of the first pixel on the left */
    double shrink, offset;
    int32_t *coef; /* 65 tables of `taps` 12-bit coefficients */
    int plain;     /* 1: never the AVX-512 loop (tests compare the two) */
} idp__reduceh;
/* 0, or -1 when libvips would not reduce so (a box shrink first, too
 * many points) or out of memory. */
int idp__reduceh_plan(idp__reduceh *p, int in_w, double shrink);
void idp__reduceh_free(idp__reduceh *p);
/* The columns of one request, output [left, left + width) of pixels of
 * `bands` bytes (libvips places the taps from the request's first
 * column): NULL out of memory. Not shared between threads (it holds the
 * row being reduced). */
typedef struct idp__reduceh_cols idp__reduceh_cols;
idp__reduceh_cols *idp__reduceh_cols_new(const idp__reduceh *p, int left,
                                         int width, int bands);
void idp__reduceh_cols_free(idp__reduceh_cols *c);
int idp__reduceh_cols_match(const idp__reduceh_cols *c, int left, int width,
                            int bands);
/* The input columns a row of the request reads: [*x0, *x1). */
void idp__reduceh_cols_span(const idp__reduceh *p, const idp__reduceh_cols *c,
                            int *x0, int *x1);
/* One row: `in` holds the row's input columns from x0 (at least those
 * of idp__reduceh_cols_span()); `out` gets width x bands bytes. */
void idp__reduceh_row(const idp__reduceh *p, idp__reduceh_cols *c,
                      const uint8_t *in, int x0, uint8_t *out);

/* Test hook (image_reduce.c): of `cases` random 8-bit images reduced
 * by vips_resize() and by image_reduce.c's pipeline, how many differ
 * (*made: how many reduceh.c made); -1 when it is not used here. */
int idp__reduce_check(int cases, int *made);

/* The grey of a whole image, kept between idp__image_grey() calls on
 * one image (detection, then each face's landmarks): {NULL} to start,
 * idp__grey_memo_free() at the end. */
typedef struct idp__grey_memo {
    uint8_t *plane; /* width x height, or NULL before the first use */
    int borrowed;   /* plane is the image's own (idp_image.grey) */
} idp__grey_memo;
void idp__grey_memo_free(idp__grey_memo *memo);

/* Grey (8-bit luma) copy of the region `roi` of `img`, scaled by `scale`
 * (> 0; the output is round(roi.w * scale) x round(roi.h * scale)).
 * The buffer is malloc'ed, rows `*w` bytes apart; free with free().
 * `memo` (may be NULL): where the whole image's grey is kept; a scale of
 * IDP__GREY_FIRST or more is then cut from it (the same bytes: the grey
 * conversion is per pixel, and comes first at such scales). */
#define IDP__GREY_FIRST 0.5
/* The detector's grey copy has at most this long side (detect.c): it is
 * cut from the whole image's grey when the image's long side is at most
 * IDP__DETECT_LONG / IDP__GREY_FIRST. */
#define IDP__DETECT_LONG 800.0
idp_status idp__image_grey(idp_ctx *ctx, const idp_image *img,
                           idp__grey_memo *memo, idp_rect roi, double scale,
                           uint8_t **out, int *w, int *h);

/* The input region `src` (input px; may extend outside the image, where
 * the edge pixels repeat) resampled to out_w x out_h RGB into `rgb`
 * (3 * out_w * out_h bytes): Lanczos when shrinking. */
idp_status idp__image_region(idp_ctx *ctx, const idp_image *img, idp_rect src,
                             int out_w, int out_h, uint8_t *rgb);

/* One 8-bit channel (w x h, rows w bytes apart) resized to ow x oh
 * (bilinear) into a buffer to free(): the matte of a reduced decode at
 * the file's size. */
idp_status idp__plane_resize(idp_ctx *ctx, const uint8_t *plane, int w, int h,
                             int ow, int oh, uint8_t **out);

/* `img` turned by `deg` degrees (clockwise on screen) about (cx, cy), in
 * the same frame (what comes from outside repeats the edge): photo-make
 * levelling a tilted head. idp__plane_rotate: one 8-bit plane likewise,
 * into a buffer to free(). */
idp_status idp__image_rotate(idp_ctx *ctx, const idp_image *img, double deg,
                             double cx, double cy, idp_image **out);
idp_status idp__plane_rotate(idp_ctx *ctx, const uint8_t *plane, int w, int h,
                             double deg, double cx, double cy, uint8_t **out);

/* `img` decoded again from its file or bytes with `shrink` file pixels
 * per pixel (1, 2, 4 or 8; a power of two below info.shrink). */
idp_status idp__image_reload(idp_ctx *ctx, const idp_image *img, int shrink,
                             idp_image **out);

/* Make sure ctx->bridge is loaded (model search order, lazy load). */
idp_status idp__ctx_face_bridge(idp_ctx *ctx, struct idp__face_bridge **out);

/* The 68 landmarks in `box` of an 8-bit grey image, with the loaded model
 * (the compact one in C, or dlib's .dat through the bridge). */
idp_status idp__ctx_landmarks(idp_ctx *ctx, const uint8_t *grey, int w, int h,
                              size_t stride, idp_rect box,
                              idp_point pts[IDP_LANDMARKS]);

/* Milliseconds on a monotonic clock (for the report's timings). */
double idp__now_ms(void);

/* Detection result before landmarks, in detector-image coordinates. */
typedef struct idp__detection {
    idp_rect box;
    double score;
} idp__detection;

#define IDP__MAX_FACES 64

/* Detect every face of `img` and fit 68 landmarks to each; faces sorted by
 * box area, largest first; subject and "counted" flags set by
 * idp__faces_classify(). *n_out <= IDP__MAX_FACES. `t` (may be NULL)
 * receives the milliseconds of model_load (0 when already loaded), detect
 * and landmarks. */
idp_status idp__detect_faces(idp_ctx *ctx, const idp_image *img,
                             const idp_thresholds *lim, idp_face *faces,
                             size_t *n_out, idp_timings *t);

/* Add the detections `add` of another pass to dets (capacity cap): a box
 * overlapping one already there by more than half of the smaller box is
 * the same face, kept with the higher score (pure, testable). */
void idp__detections_merge(idp__detection *dets, size_t *n, size_t cap,
                           const idp__detection *add, size_t m);

/* Choose the subject and mark which other faces count (pure, testable). */
void idp__faces_classify(idp_face *faces, size_t n, double second_ratio);

/* Measurements from the subject's 68 landmarks (pure, testable). */
void idp__measure_landmarks(const idp_point lm[IDP_LANDMARKS],
                            idp_measurements *m);

/* Crown estimate from landmarks alone (hair not modelled). */
double idp__crown_from_landmarks(const idp_point lm[IDP_LANDMARKS]);

/* Crown (top of the hair) found in the pixels above the face: the first
 * row, scanning down, where most of the head's columns differ from the
 * background colour sampled along the top edge. Returns 1 and sets *y when
 * the background is plain enough to tell; 0 otherwise. Pure C. */
int idp__crown_from_pixels(const uint8_t *rgb, int w, int h, size_t stride,
                           const idp_point lm[IDP_LANDMARKS], double *y);

/*
 * Head pose from 68 landmarks by fitting a generic 3-D face model
 * (6 points: nose tip 30, chin 8, eye corners 36/45, mouth corners 48/54)
 * with a pinhole camera, focal length `focal` px, principal point at the
 * image centre. Angles in degrees: yaw > 0 when the face turns towards
 * image right, pitch > 0 when the chin goes up, roll > 0 clockwise in the
 * image. Returns 0 on success, -1 when the fit does not converge.
 */
int idp__pose_estimate(const idp_point lm[IDP_LANDMARKS], int img_w, int img_h,
                       double focal, double *yaw, double *pitch, double *roll);

/* Hasler & Suesstrunk (2003) colourfulness of an RGB image, sampled on a
 * grid of at most ~256k pixels. 0 for grey. */
double idp__colourfulness(const uint8_t *rgb, int w, int h, size_t stride);
/* sRGB (0..255) to linear light (0..1); linear sRGB or 8-bit sRGB values
 * to CIELAB (D65). The one colour conversion of the library (colour.c). */
double idp__srgb_to_linear(double c);
void idp__linear_to_lab(const double lin[3], double lab[3]);
void idp__srgb_to_lab(const double rgb[3], double lab[3]);
/* cbrt(x), the same bits as libm's (cbrt.c: glibc's own algorithm
 * inline once checked against it; libm's cbrt() otherwise). */
double idp__cbrt(double x);
/* 1 when idp__cbrt() takes the inline way (for the tests). */
int idp__cbrt_inline(void);
/* CIEDE2000 colour difference of two CIELAB colours (colour.c). */
double idp__de00(const double lab1[3], const double lab2[3]);

/* Both colourfulness and the hue spread (colour.c) in one pass. */
void idp__colour_stats(const uint8_t *rgb, int w, int h, size_t stride,
                       double *colourfulness, double *hue_spread);

/* ---- crop planning (pure geometry, shared with photo-make) ---- */

typedef struct idp__crop_plan {
    int feasible;   /* 0: no scale meets face width and the vertical bands */
    double k;       /* output px per input px */
    idp_rect crop;  /* in input pixels; may extend outside the image */
    double eye_out; /* eye line y in the output */
    double crown_out;
} idp__crop_plan;

/* The crop for the subject measured in `m`. With img_h > 0 (the photo's
 * height), the eye line is placed, within what the bands allow, so the
 * crop does not run below the photo (where the shoulders would end).
 * px: the file's pixels per pixel of `m` (a reduced decode: the output is
 * made from the file, so only k above px is upscaling). */
void idp__plan_crop(const idp_profile *p, const idp_measurements *m, int img_h,
                    double px, idp__crop_plan *plan);

/* ---- levelling a tilted head (level.c) ---- */

/* photo-make turns a photo whose eye line is off level by this much, up to
 * the most, where the profile allows it (allow_rotation). */
#define IDP__LEVEL_MIN_DEG 0.5
#define IDP__LEVEL_MAX_DEG 15.0

/* The turn (degrees, clockwise on screen) that levels the subject of the
 * capture report `r` (file pixels), or 0: not allowed, not needed, or a
 * tilt beyond IDP__LEVEL_MAX_DEG (left to head_roll to refuse). */
double idp__level_turn(const idp_report *r, const idp_profile *p);
/* The eye midpoint the turn is about (file pixels). */
idp_point idp__level_centre(const idp_report *r);
/* The crop for the subject turned by `deg` (file pixels, in the turned
 * frame). */
void idp__level_plan(const idp_report *r, const idp_profile *p, double deg,
                     idp__crop_plan *plan);
/* `img` and the working alpha of `mt` (bound to img) turned by `deg` about
 * `c` (img pixels): *turned and *alpha are the caller's to free; mt->alpha
 * then points at *alpha. */
idp_status idp__level_source(idp_ctx *ctx, double deg, idp_point c,
                             const idp_image *img, struct idp__matte *mt,
                             idp_image **turned, uint8_t **alpha);

/* ---- reports and the check framework ---- */

#define IDP__MAX_CHECKS 64

struct idp_report {
    char *file;
    char profile[IDP_ID_LEN];
    idp_mode mode;
    idp_verdict verdict;
    idp_status error_code; /* IDP_OK unless verdict is error */
    char *error_message;
    int has_image;
    idp_image_info info;
    idp_face *faces;
    size_t n_faces;
    idp_measurements m;
    idp_check_result checks[IDP__MAX_CHECKS];
    size_t n_checks;
    struct idp__matte *matte; /* the subject's matte, when segmented */
    idp__crop_plan plan;      /* the subject's crop (capture reports) */
    char *output_path;        /* photo-make's output, when set */
    int64_t output_bytes;
    int output_w, output_h, output_quality;
    idp_timings timings; /* ms per stage, NAN for a stage not run */
};

/* The face the photo is of (is_subject), or NULL. */
const idp_face *idp__report_subject(const idp_report *r);

/* Positions and lengths of faces, measurements and crop multiplied by f
 * (image pixels of a reduced decode -> the file's pixels, or back). */
void idp__report_scale_geometry(idp_report *r, double f);

/* Every stage of `t` NAN (not run). */
void idp__timings_clear(idp_timings *t);

/* An empty report (verdict pass, no checks) for `file`. */
idp_status idp__report_new(const char *file, const idp_check_options *opt,
                           idp_report **out);

/* What every rule reads. `subject` is NULL when no face was found; rules
 * marked needs_face in the table are then not called. */
typedef struct idp__check_env {
    const idp_image *img;
    const idp_profile *p;
    idp_mode mode;
    const idp_face *faces;
    size_t n_faces;
    const idp_face *subject;
    const idp_measurements *m;
    double sx, sy;                  /* image size / profile nominal size */
    const struct idp__matte *matte; /* the subject's; NULL without face */
    const idp__crop_plan *plan;     /* the subject's crop; NULL likewise */
    double px; /* file pixels per image pixel (idp_image_shrink): rules
                * work in image pixels, pixel values are reported in the
                * file's */
    struct idp__skin_memo *skin;   /* the subject's skin colour, measured by
                                      the first rule that asks; NULL: each
                                      asks anew (face_zones.h) */
    struct idp__wall_memo *wall;   /* the wall the background rules read,
                                      likewise (checks.h) */
    struct idp__light_memo *light; /* the face's light, likewise */
    int threads; /* 2: the rules run in two interleaved halves */
} idp__check_env;

/* idp_check() in two halves (idp_make runs the rules beside the render):
 * measure makes the report (faces, measurements, matte, crop plan in the
 * image's pixels); judge runs the rules, then scales the geometry to the
 * file's pixels. `o` has its profile set. */
idp_status idp__check_measure(idp_ctx *ctx, const idp_image *img,
                              const idp_check_options *o, idp_report **out);
void idp__check_judge(const idp_image *img, const idp_check_options *o,
                      int threads, idp_report *r);

/* The environment idp_check() gives the rules for report `r` of `img`. */
void idp__check_env_of(idp__check_env *env, const idp_image *img,
                       const idp_check_options *o, const idp_report *r);

typedef void (*idp__check_fn)(const idp__check_env *env, idp_check_result *r);

typedef struct idp__check_def {
    const char *id;
    idp__check_fn fn;
    int needs_face; /* run only when there is a subject; else skipped */
} idp__check_def;

/* Run every rule of the table in order; sets r->checks and the verdict. */
void idp__run_checks(const idp__check_env *env, idp_report *r);

/* Result helpers: status + value + unit; the limit text; the two
 * messages, both formatted from the same arguments (same order). */
void idp__res(idp_check_result *r, idp_check_status st, double value,
              const char *unit);
void idp__res_limit(idp_check_result *r, const char *fmt, ...)
    IDP__PRINTF(2, 3);
void idp__res_msg(idp_check_result *r, const char *zh, const char *en, ...);
/* The message of a passed rule ("符合要求" / "ok"). Both messages of one
 * idp__res_msg() call read the same arguments in the same order, so
 * anything language-specific goes through its own helper like this. */
void idp__res_pass(idp_check_result *r);
/* Skip with a reason (value NaN). */
void idp__res_skip(idp_check_result *r, const char *zh, const char *en);
/* Warn with no value: the rule cannot judge this photo and a person must
 * look (never a silent pass). */
void idp__res_look(idp_check_result *r, const char *zh, const char *en);

/* Grade v: pass at/below `warn`, warn up to `fail`, fail above. */
idp_check_status idp__grade_high(double v, double warn, double fail);
/* Grade v: pass at/above `warn`, warn down to `fail`, fail below. */
idp_check_status idp__grade_low(double v, double warn, double fail);

/* Is v inside band b scaled by s? (unbounded sides always hold) */
int idp__band_holds(idp_band b, double s, double v);
/* "50-110 px", ">= 50 px", "<= 234 px" for band b scaled by s. */
void idp__band_text(idp_band b, double s, const char *unit, char *buf,
                    size_t len);

/* ---- segmentation (segment.c and its helpers) ---- */

/*
 * A soft alpha matte of the subject (person: face, hair, neck, shoulders,
 * clothes) against the wall behind, for an image of W x H pixels.
 * The matte is computed at a working resolution (`alpha`, ww x wh, scale
 * `work_scale` = ww / W) and refined on demand at any output resolution
 * by idp__matte_render(), so hair and ear edges stay soft at the size the
 * output is made at. make.c's matte_copy() copies it (a new pointer
 * field needs a deep copy there).
 */
typedef struct idp__matte idp__matte;
struct idp__matte {
    uint8_t *alpha;    /* ww x wh, rows ww bytes apart, 255 = person */
    int ww, wh;        /* working size */
    double work_scale; /* ww / image width */
    int img_w, img_h;  /* the image it belongs to */
    /* The wall as a smooth field: colour at input pixel (x, y) is
     * wall_coef[c][0] + [1] u + [2] v + [3] u^2 + [4] u v + [5] v^2 with
     * u = x / img_w, v = y / img_h, c = R, G, B (0..255). */
    double wall_coef[3][6];
    idp_rgb wall;       /* the field's median colour over the background */
    double wall_spread; /* P90 colour distance (CIE76) of the certain
                           background from the field: how plain it is */
    double crown_y;     /* top of the person above the face (hair
                           included), input px; NAN when not found */
    int crown_cut;      /* 1: the person touches the top edge */
};

/* Segment the subject of `img` (face and landmarks in `subject`).
 * IDP_E_NOMEM / IDP_E_INTERNAL only; a poor matte on a cluttered wall is
 * still a matte (wall_spread says how far to trust it). */
idp_status idp__segment(idp_ctx *ctx, const idp_image *img,
                        const idp_face *subject, idp__matte **out);
void idp__matte_free(idp__matte *mt);

/* Alpha for the input region `src` (input px; may extend outside the
 * image: outside is background, 0) resampled to out_w x out_h and refined
 * there against the image (guided by its colours, so strands of hair get
 * fractional alpha). `out` has out_w x out_h bytes, rows out_w apart. */
idp_status idp__matte_render(idp_ctx *ctx, const idp__matte *mt,
                             const idp_image *img, idp_rect src, int out_w,
                             int out_h, uint8_t *out);

/* The wall field's colour along a row of input pixels, clamped to
 * 0..255: idp__matte_wall_cols() puts the field's column coordinate of
 * the pixels at x0 + (i + 0.5) sx (i < n) in u, once for every row;
 * idp__matte_wall_row() the colours of those pixels at input row y in
 * rgb (3 floats a pixel). */
void idp__matte_wall_cols(const idp__matte *mt, double x0, double sx, int n,
                          double *u);
void idp__matte_wall_row(const idp__matte *mt, const double *u, int n, double y,
                         float *rgb);

/* ---- two-way parallelism (parallel.c, pthreads) ---- */

typedef void (*idp__task)(void *arg);
typedef void (*idp__rows_fn)(void *arg, int y0, int y1);
/* fb(b) on a second thread while fa(a) runs on this one; both are done on
 * return. threads < 2 (or no thread could start): fa(a), then fb(b). */
void idp__par2(int threads, idp__task fa, void *a, idp__task fb, void *b);
/* fn(arg, 0, n / 2) and fn(arg, n / 2, n), likewise. */
void idp__par_rows(int threads, int n, idp__rows_fn fn, void *arg);
/* fn(arg), with the face model loaded beside it when it is not yet
 * (ctx.c): the tools decode their first photo meanwhile. */
void idp__ctx_beside_model(idp_ctx *ctx, idp__task fn, void *arg);

/* ---- compositing (composite.c, pure) ---- */

/* Mean over a (2r+1)^2 window of a float plane, the window shrinking at
 * the edges; in place, O(w h) whatever r. `tmp` holds w * h floats.
 * (seg_image.c) */
void idp__box_blur(float *p, int w, int h, int r, float *tmp);

/* Put the person on `target` without the old wall's colour at soft edges:
 * rgb (observed, 3 x w x h), alpha (w x h, 255 = person) and wall (the old
 * wall's colour at each pixel, 3 floats per pixel) of the same output-size
 * grid; writes 3 x w x h bytes to out and, when fg is not NULL, the
 * estimated colours of the person (for a cutout; 0 where alpha is 0).
 * On `threads` >= 2 the person and wall estimates run side by side.
 * Returns 0, or -1 out of memory. */
int idp__composite(const uint8_t *rgb, const uint8_t *alpha, const float *wall,
                   int w, int h, idp_rgb target, int threads, uint8_t *out,
                   uint8_t *fg);

/* The made photo's timings, writable through a const idp_made (the
 * encoders add theirs). */
idp_timings *idp__made_timings_slot(const idp_made *m);

/* What made_encode.c reads of a made photo (make.c owns the struct). */
idp_status idp__made_view(const idp_made *m, const idp_image **photo,
                          const uint8_t **alpha, const uint8_t **fg,
                          const idp_profile **p, const idp__matte **mt);

/* ---- encoding (encode_jpeg.c: libjpeg-turbo; encode_png.c: libpng) ---- */

typedef struct idp__jpeg_target {
    int dpi;           /* JFIF density, dots per inch; 0: none stated */
    int64_t min_bytes; /* 0: no lower bound */
    int64_t max_bytes; /* 0: no upper bound */
    int min_quality;   /* never encode below this (1..100) */
    int max_quality;   /* never above this (min_quality..100) */
} idp__jpeg_target;

typedef struct idp__encoded {
    uint8_t *data; /* malloc'ed; free() */
    size_t len;
    int quality; /* JPEG quality used (0 for PNG) */
    int in_band; /* 1: len inside [min_bytes, max_bytes] */
    int trials;  /* JPEG: encodes the search made */
} idp__encoded;

/* Baseline JPEG of 8-bit RGB (w x h, rows `stride` bytes apart) with a
 * JFIF APP0 stating `dpi` and no other metadata (no EXIF, no ICC, no
 * comment). Chooses the quality (and chroma subsampling) that lands the
 * size inside the target band, highest quality first, never below
 * min_quality and never by padding bytes. When no setting lands in the
 * band, returns the closest one with in_band 0 (the caller reports it). */
idp_status idp__encode_jpeg(idp_ctx *ctx, const uint8_t *rgb, int w, int h,
                            size_t stride, const idp__jpeg_target *t,
                            idp__encoded *out);

/* Test hook: `cases` small random images (sizes, qualities, chroma and
 * contents from a seed) encoded with encode_gather.c's statistics pass
 * (wide: its AVX-512 loop where the CPU has one) and with libjpeg's: the
 * number whose files differ, -1 if an encode failed. */
int idp__jpeg_gather_check(int cases, int wide);

/* PNG of 8-bit pixels with `channels` 1 (grey), 3 (RGB) or 4 (RGBA), a
 * pHYs chunk stating `dpi` (0: none) and no other metadata. */
idp_status idp__encode_png(idp_ctx *ctx, const uint8_t *px, int w, int h,
                           size_t stride, int channels, int dpi,
                           idp__encoded *out);

/* ---- drawing (draw.c, pure): an 8-bit RGB canvas ---- */

/* Every routine clips to the canvas and writes nothing outside it, for
 * any coordinates (NaN and infinities draw nothing). Opacity `a` is
 * 0..255 (255 replaces the pixel); `thick` is clamped to 1..64 px. */
typedef struct idp__canvas {
    uint8_t *px; /* RGB interleaved */
    int w, h;
    size_t stride; /* bytes between rows, >= 3 * w */
} idp__canvas;

void idp__draw_pixel(const idp__canvas *cv, int x, int y, idp_rgb c, int a);
/* The pixels [x, x + w) x [y, y + h) (rounded), blended with a. */
void idp__draw_fill(const idp__canvas *cv, double x, double y, double w,
                    double h, idp_rgb c, int a);
/* An opaque line (Bresenham) from (x0, y0) to (x1, y1); a thick line
 * stamps a thick x thick square at each step. */
void idp__draw_line(const idp__canvas *cv, double x0, double y0, double x1,
                    double y1, int thick, idp_rgb c);
/* The outline of r: its four edges as lines. */
void idp__draw_box(const idp__canvas *cv, idp_rect r, int thick, idp_rgb c);
/* A filled, opaque disc of `radius` px (0: one pixel) at (x, y). */
void idp__draw_dot(const idp__canvas *cv, double x, double y, int radius,
                   idp_rgb c);

/* ---- annotation (annotate.c, pure drawing) ---- */

/* Draw what report r measured on cv, a copy of the image r is about, for
 * profile p (colours and what is drawn: idp_report_annotate). */
void idp__annotate_draw(const idp_report *r, const idp_profile *p,
                        const idp__canvas *cv);

/* ---- print sheet (sheet.c, pure layout and drawing) ---- */

#define IDP__SHEET_DPI         300 /* every paper and copy, dots per inch */
#define IDP__SHEET_MARGIN      50  /* paper edge to a copy, at least, px */
#define IDP__SHEET_GAP         30  /* between neighbouring copies, px */
#define IDP__SHEET_MARK_OFFSET 4   /* a cut mark starts this far out */
#define IDP__SHEET_MARK_LEN    10  /* and is this long, px */

/* Copies on a sheet: `rows` x `cols` slots of slot_w x slot_h px (the
 * copy, turned 90 degrees clockwise when `rotated`), IDP__SHEET_GAP px
 * apart, the block centred on the paper. */
typedef struct idp__sheet_layout {
    int paper_w, paper_h;
    int copy_w, copy_h; /* the copy as printed, before any rotation */
    int rotated;
    int rows, cols, copies; /* copies = rows * cols; 0: none fits */
    int slot_w, slot_h;
    int x0, y0; /* top-left of the first slot */
} idp__sheet_layout;

/* The layout (normal or rotated) that holds the most copies of copy_w x
 * copy_h on paper_w x paper_h with the margins and gaps above; the
 * normal one on a tie. */
void idp__sheet_layout_fit(int paper_w, int paper_h, int copy_w, int copy_h,
                           idp__sheet_layout *l);
/* Top-left corner of copy i (0 .. copies - 1, row by row). */
void idp__sheet_slot(const idp__sheet_layout *l, int i, int *x, int *y);
/* A photo of w x h px meant for `dpi` (0: none stated, taken as 300) at
 * the sheet's 300 dpi: the same physical size. */
void idp__sheet_print_size(int w, int h, int dpi, int *pw, int *ph);
/* White paper (l->paper_w x l->paper_h), a copy of `photo` (copy_w x
 * copy_h, RGB) in each slot and grey cut marks at each copy's corners,
 * outside the copy: IDP__SHEET_MARK_LEN px long, on the lines just
 * outside its edges, IDP__SHEET_MARK_OFFSET px from the corner. */
void idp__sheet_draw(const idp__sheet_layout *l, const uint8_t *photo,
                     size_t stride, const idp__canvas *paper);

#endif /* IDP_INTERNAL_H */
