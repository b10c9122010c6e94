/* ctx.c - the context: settings, model search order, the lazy face bridge. */
#include "face_dlib.h"
#include "idp_internal.h"

#include <stdlib.h>
#include <unistd.h>

#ifndef IDP_MODEL_NAME
#define IDP_MODEL_NAME "shape_predictor_68_face_landmarks.dat"
#endif
#ifndef IDP_INSTALL_DATADIR
#define IDP_INSTALL_DATADIR "/usr/local/share/idphoto"
#endif
#define DEBIAN_MODEL_DIR "/usr/share/dlib"

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
    *out = ctx;
    return IDP_OK;
}

void idp_ctx_free(idp_ctx *ctx)
{
    if (!ctx)
        return;
    idp__bridge_free(ctx->bridge);
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
    char cand[2][IDP__PATH_LEN];
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
             IDP_MODEL_NAME);
    snprintf(cand[1], sizeof cand[1], "%s/%s", DEBIAN_MODEL_DIR,
             IDP_MODEL_NAME);
    for (i = 0; i < 2; i++) {
        if (readable(cand[i])) {
            idp__strlcpy(ctx->model_path, cand[i], sizeof ctx->model_path);
            return IDP_OK;
        }
    }
    ctx->model_path[0] = '\0';
    return idp__fail(ctx, IDP_E_MODEL,
                     "face model %s not found (searched --model, IDP_MODEL, "
                     "%s, %s; install Debian's libdlib-data)",
                     IDP_MODEL_NAME, cand[0], cand[1]);
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

idp_status idp__ctx_face_bridge(idp_ctx *ctx, struct idp__face_bridge **out)
{
    idp_status st;
    *out = NULL;
    if (!ctx->bridge) {
        st = locate_model(ctx);
        if (st != IDP_OK)
            return st;
        st = idp__bridge_new(ctx->model_path, &ctx->bridge, ctx->error,
                             sizeof ctx->error);
        if (st != IDP_OK)
            return st;
    }
    *out = ctx->bridge;
    return IDP_OK;
}
