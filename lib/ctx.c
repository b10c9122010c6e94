/* ctx.c - the context: settings, model search order, the lazy face bridge. */
#include "face_dlib.h"
#include "idp_internal.h"
#include "shape_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef IDP_MODEL_NAME
#define IDP_MODEL_NAME "shape_predictor_68_face_landmarks.dat"
#endif
#ifndef IDP_COMPACT_MODEL_NAME
#define IDP_COMPACT_MODEL_NAME "shape_predictor_68_face_landmarks.idp"
#endif
#ifndef IDP_INSTALL_DATADIR
#define IDP_INSTALL_DATADIR "/usr/local/share/idphoto"
#endif
#define DEBIAN_MODEL_DIR "/usr/share/dlib"
/* Where the build puts the compact model: tools run from a build tree
 * (scripts/setup.sh, the README's commands) find it without installing. */
#ifndef IDP_BUILD_MODEL_DIR
#define IDP_BUILD_MODEL_DIR ""
#endif

idp_status idp_ctx_new(idp_ctx **out)
{
    idp_ctx *ctx;
    if (!out)
        return IDP_E_INVALID_ARG;
    *out = NULL;
    ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return IDP_E_NOMEM;
    ctx->max_pixels = IDP_DEFAULT_MAX_PIXELS;
    ctx->threads = 1;
    *out = ctx;
    return IDP_OK;
}

void idp_ctx_free(idp_ctx *ctx)
{
    if (!ctx)
        return;
    idp__bridge_free(ctx->bridge);
    idp__shape_model_close(ctx->shape);
    free(ctx);
}

idp_status idp_ctx_set_max_pixels(idp_ctx *ctx, uint64_t max_pixels)
{
    if (!ctx)
        return IDP_E_INVALID_ARG;
    if (max_pixels == 0)
        return idp__fail(ctx, IDP_E_INVALID_ARG, "max pixels must be > 0");
    ctx->max_pixels = max_pixels;
    return IDP_OK;
}

idp_status idp_ctx_set_analysis_size(idp_ctx *ctx, int long_px)
{
    if (!ctx)
        return IDP_E_INVALID_ARG;
    if (long_px < 0)
        return idp__fail(ctx, IDP_E_INVALID_ARG,
                         "the analysis size must be >= 0 px");
    ctx->analysis_px = long_px;
    return IDP_OK;
}

idp_status idp_ctx_set_threads(idp_ctx *ctx, int threads)
{
    long cores;
    if (!ctx)
        return IDP_E_INVALID_ARG;
    if (threads < 0)
        return idp__fail(ctx, IDP_E_INVALID_ARG,
                         "the number of threads must be >= 0");
    cores = sysconf(_SC_NPROCESSORS_ONLN);
    ctx->threads = threads > 0 ? threads : cores > 1 ? (int)cores : 1;
    return IDP_OK;
}

idp_status idp_ctx_set_model(idp_ctx *ctx, const char *path)
{
    if (!ctx || !path || !*path)
        return idp__fail(ctx, IDP_E_INVALID_ARG, "model path is empty");
    if (ctx->bridge)
        return idp__fail(ctx, IDP_E_INVALID_ARG,
                         "model already loaded; set it before first use");
    idp__strlcpy(ctx->model_path, path, sizeof ctx->model_path);
    ctx->model_explicit = 1;
    return IDP_OK;
}

static int readable(const char *path)
{
    return path && *path && access(path, R_OK) == 0;
}

/* The search order documented in idphoto.h. */
static idp_status locate_model(idp_ctx *ctx)
{
    const char *env = getenv("IDP_MODEL");
    char cand[4][IDP__PATH_LEN];
    int i;
    if (ctx->model_explicit) {
        if (readable(ctx->model_path))
            return IDP_OK;
        return idp__fail(ctx, IDP_E_MODEL, "%s: cannot read face model",
                         ctx->model_path);
    }
    if (env && *env) {
        idp__strlcpy(ctx->model_path, env, sizeof ctx->model_path);
        if (readable(env))
            return IDP_OK;
        return idp__fail(ctx, IDP_E_MODEL,
                         "%s: cannot read face model (from IDP_MODEL)", env);
    }
    snprintf(cand[0], sizeof cand[0], "%s/models/%s", IDP_INSTALL_DATADIR,
             IDP_COMPACT_MODEL_NAME);
    snprintf(cand[1], sizeof cand[1], "%s/models/%s", IDP_INSTALL_DATADIR,
             IDP_MODEL_NAME);
    snprintf(cand[2], sizeof cand[2], "%s/%s", IDP_BUILD_MODEL_DIR,
             IDP_COMPACT_MODEL_NAME);
    snprintf(cand[3], sizeof cand[3], "%s/%s", DEBIAN_MODEL_DIR,
             IDP_MODEL_NAME);
    for (i = 0; i < 4; i++) {
        if (IDP_BUILD_MODEL_DIR[0] == '\0' && i == 2)
            continue;
        if (readable(cand[i])) {
            idp__strlcpy(ctx->model_path, cand[i], sizeof ctx->model_path);
            return IDP_OK;
        }
    }
    ctx->model_path[0] = '\0';
    return idp__fail(ctx, IDP_E_MODEL,
                     "face model not found (searched --model, IDP_MODEL, "
                     "%s, %s, %s; install Debian's libdlib-data)",
                     cand[0], cand[1], cand[3]);
}

idp_status idp_ctx_model_path(idp_ctx *ctx, const char **path)
{
    idp_status st;
    if (!ctx || !path)
        return IDP_E_INVALID_ARG;
    *path = NULL;
    st = locate_model(ctx);
    if (st == IDP_OK)
        *path = ctx->model_path;
    return st;
}

double idp__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* 1 when the file starts with the compact model's magic. */
static int is_compact(const char *path)
{
    uint8_t head[8];
    size_t n = 0;
    FILE *f = fopen(path, "rb");
    if (f) {
        n = fread(head, 1, sizeof head, f);
        fclose(f);
    }
    return idp__model_is_compact(head, n);
}

static idp_status load_compact(idp_ctx *ctx)
{
    idp_status st = idp__shape_model_open(ctx->model_path, &ctx->shape,
                                          ctx->error, sizeof ctx->error);
    if (st != IDP_OK)
        return st;
    return idp__bridge_new(ctx->shape->detector,
                           (size_t)ctx->shape->h.detector_bytes, &ctx->bridge,
                           ctx->error, sizeof ctx->error);
}

static idp_status load_dlib(idp_ctx *ctx)
{
    idp_status st =
        idp__bridge_new(NULL, 0, &ctx->bridge, ctx->error, sizeof ctx->error);
    if (st != IDP_OK)
        return st;
    return idp__bridge_read_dlib(ctx->bridge, ctx->model_path, ctx->error,
                                 sizeof ctx->error);
}

/* Load what the model path holds; nothing is kept when it fails. */
static idp_status load_model(idp_ctx *ctx)
{
    double t0 = idp__now_ms();
    idp_status st = locate_model(ctx);
    if (st == IDP_OK)
        st = is_compact(ctx->model_path) ? load_compact(ctx) : load_dlib(ctx);
    if (st != IDP_OK) {
        idp__bridge_free(ctx->bridge);
        idp__shape_model_close(ctx->shape);
        ctx->bridge = NULL;
        ctx->shape = NULL;
        return st;
    }
    ctx->model_load_ms = idp__now_ms() - t0;
    return IDP_OK;
}

static void warm_task(void *arg)
{
    load_model(arg); /* a failure leaves nothing: the first use reports */
}

/* fn(arg) and, on a second thread, the face model's load when it is not
 * loaded yet (once per context). The load runs on a copy of the context,
 * so that neither side writes what the other reads (fn may write the
 * error text); the copy's model is adopted after both finished. */
void idp__ctx_beside_model(idp_ctx *ctx, idp__task fn, void *arg)
{
    idp_ctx *copy;
    if (ctx->threads < 2 || ctx->bridge || ctx->model_warmed ||
        !(copy = malloc(sizeof *copy))) {
        fn(arg);
        return;
    }
    ctx->model_warmed = 1;
    *copy = *ctx;
    idp__par2(ctx->threads, fn, arg, warm_task, copy);
    if (copy->bridge && !ctx->bridge) {
        memcpy(ctx->model_path, copy->model_path, sizeof ctx->model_path);
        ctx->bridge = copy->bridge;
        ctx->shape = copy->shape;
        ctx->model_load_ms = copy->model_load_ms;
    }
    free(copy);
}

idp_status idp__ctx_face_bridge(idp_ctx *ctx, struct idp__face_bridge **out)
{
    idp_status st;
    *out = NULL;
    if (!ctx->bridge) {
        st = load_model(ctx);
        if (st != IDP_OK)
            return st;
    }
    *out = ctx->bridge;
    return IDP_OK;
}

idp_status idp__ctx_landmarks(idp_ctx *ctx, const uint8_t *grey, int w, int h,
                              size_t stride, idp_rect box,
                              idp_point pts[IDP_LANDMARKS])
{
    long rect[4];
    if (!ctx->shape)
        return idp__bridge_landmarks(ctx->bridge, grey, w, h, stride, box, pts,
                                     ctx->error, sizeof ctx->error);
    idp__face_rect(box, rect);
    return idp__shape_predict(ctx->shape, grey, w, h, stride, rect, pts,
                              ctx->error, sizeof ctx->error);
}
