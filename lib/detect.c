/*
 * detect.c - find every face and fit its landmarks.
 *
 * Detection runs on a grey copy whose long side is at most IDP__DETECT_LONG px
 * (a 12 MP photo is never searched at full size). A second pass on a 2x
 * upsampled copy runs when nothing was found or when a face of comparable
 * size to the subject could be below the HOG window (~80 px). Landmarks are
 * fitted on a crop around each face, scaled so the face is about
 * LANDMARK_FACE_PX wide (never upscaled), and mapped back to input pixels.
 */
#include "face_dlib.h"
#include "idp_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define UPSAMPLE_MAX_LONG 1000.0 /* upsample only images this small */
#define HOG_MIN_PX        80.0   /* smallest face HOG finds unscaled */
#define TINY_LONG         500.0  /* a 4x pass only below this long side */
#define LANDMARK_FACE_PX  300.0

static double long_side(double w, double h)
{
    return w > h ? w : h;
}

static int needs_upsample(const idp__detection *d, size_t n, int w, int h,
                          double ratio)
{
    if (long_side(w, h) > UPSAMPLE_MAX_LONG)
        return 0;
    if (n == 0)
        return 1;
    /* a counted 2nd face is >= ratio of the largest face's width */
    double widest = 0;
    for (size_t i = 0; i < n; i++)
        widest = d[i].box.w > widest ? d[i].box.w : widest;
    return widest * ratio < HOG_MIN_PX;
}

/* One HOG pass at 2^up times the working copy, merged into dets/n. */
static idp_status detect_pass(idp_ctx *ctx, struct idp__face_bridge *b,
                              const uint8_t *g, int w, int h, int up,
                              idp__detection *dets, size_t *n)
{
    idp__detection found[IDP__MAX_FACES];
    size_t m = 0;
    idp_status st =
        idp__bridge_detect(b, g, w, h, (size_t)w, up, 0.0, ctx->threads, found,
                           IDP__MAX_FACES, &m, ctx->error, sizeof ctx->error);
    if (st == IDP_OK)
        idp__detections_merge(dets, n, IDP__MAX_FACES, found, m);
    return st;
}

/* 2x where a counted face could hide below the HOG window; 4x for a
 * thumbnail-sized photo where nothing was found. Passes are merged: a
 * face one scale misses (a side-lit face at 2x) is kept from another. */
static idp_status detect_all(idp_ctx *ctx, struct idp__face_bridge *b,
                             const uint8_t *g, int w, int h, double ratio,
                             idp__detection *dets, size_t *n)
{
    idp_status st = detect_pass(ctx, b, g, w, h, 0, dets, n);
    if (st == IDP_OK && needs_upsample(dets, *n, w, h, ratio))
        st = detect_pass(ctx, b, g, w, h, 1, dets, n);
    if (st == IDP_OK && *n == 0 && long_side(w, h) <= TINY_LONG)
        st = detect_pass(ctx, b, g, w, h, 2, dets, n);
    return st;
}

static idp_status run_detector(idp_ctx *ctx, struct idp__face_bridge *b,
                               const idp_image *img, idp__grey_memo *memo,
                               double ratio, idp__detection *dets, size_t *n)
{
    double long_px = long_side(img->width, img->height);
    double scale =
        long_px > IDP__DETECT_LONG ? IDP__DETECT_LONG / long_px : 1.0;
    idp_rect all = {0, 0, img->width, img->height};
    uint8_t *g = NULL;
    int w = 0, h = 0;
    idp_status st = idp__image_grey(ctx, img, memo, all, scale, &g, &w, &h);
    *n = 0;
    if (st != IDP_OK)
        return st;
    st = detect_all(ctx, b, g, w, h, ratio, dets, n);
    free(g);
    for (size_t i = 0; st == IDP_OK && i < *n; i++) {
        dets[i].box.x /= scale;
        dets[i].box.y /= scale;
        dets[i].box.w /= scale;
        dets[i].box.h /= scale;
    }
    return st;
}

static idp_status fit_landmarks(idp_ctx *ctx, const idp_image *img,
                                idp__grey_memo *memo, idp_face *f)
{
    double s = fmin(1.0, LANDMARK_FACE_PX / fmax(1.0, f->box.w));
    idp_rect roi = {floor(f->box.x - f->box.w * 0.5),
                    floor(f->box.y - f->box.h * 0.5), 0, 0};
    idp_rect box;
    uint8_t *g = NULL;
    int w = 0, h = 0;
    idp_status st;
    roi.w = ceil(f->box.w * 2.0) + 1;
    roi.h = ceil(f->box.h * 2.0) + 1;
    roi.x = fmax(0, roi.x);
    roi.y = fmax(0, roi.y);
    st = idp__image_grey(ctx, img, memo, roi, s, &g, &w, &h);
    if (st != IDP_OK)
        return st;
    box.x = (f->box.x - roi.x) * s;
    box.y = (f->box.y - roi.y) * s;
    box.w = f->box.w * s;
    box.h = f->box.h * s;
    st = idp__ctx_landmarks(ctx, g, w, h, (size_t)w, box, f->landmarks);
    free(g);
    for (int i = 0; st == IDP_OK && i < IDP_LANDMARKS; i++) {
        f->landmarks[i].x = f->landmarks[i].x / s + roi.x;
        f->landmarks[i].y = f->landmarks[i].y / s + roi.y;
    }
    return st;
}

/* Milliseconds since *t0, which moves to now. */
static double lap(double *t0)
{
    double now = idp__now_ms(), ms = now - *t0;
    *t0 = now;
    return ms;
}

idp_status idp__detect_faces(idp_ctx *ctx, const idp_image *img,
                             const idp_thresholds *lim, idp_face *faces,
                             size_t *n_out, idp_timings *t)
{
    idp__detection dets[IDP__MAX_FACES];
    idp__grey_memo memo = {NULL, 0};
    struct idp__face_bridge *b = NULL;
    size_t n = 0, i;
    double t0, detect_ms, landmarks_ms;
    idp_status st = idp__ctx_face_bridge(ctx, &b); /* may load the model */
    *n_out = 0;
    t0 = idp__now_ms();
    if (st == IDP_OK)
        st = run_detector(ctx, b, img, &memo, lim->second_face_ratio, dets, &n);
    detect_ms = lap(&t0);
    for (i = 0; st == IDP_OK && i < n; i++) {
        memset(&faces[i], 0, sizeof faces[i]);
        faces[i].box = dets[i].box;
        faces[i].score = dets[i].score;
        st = fit_landmarks(ctx, img, &memo, &faces[i]);
    }
    landmarks_ms = lap(&t0);
    idp__grey_memo_free(&memo);
    if (st != IDP_OK)
        return st;
    if (t) {
        /* the first report of a context carries the model's load */
        t->model_load = ctx->model_timed ? 0.0 : ctx->model_load_ms;
        ctx->model_timed = 1;
        t->detect = detect_ms;
        t->landmarks = landmarks_ms;
    }
    idp__faces_classify(faces, n, lim->second_face_ratio);
    *n_out = n;
    return IDP_OK;
}
