/* status.c - status names, the context's error message, small helpers. */
#include "idp_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = {
    "ok",      "invalid-argument", "out-of-memory", "io",
    "decode",  "too-large",        "model",         "profile",
    "no-face", "internal",
};

const char *idp_status_name(idp_status s)
{
    size_t n = sizeof status_names / sizeof status_names[0];
    if ((size_t)s >= n)
        return "unknown";
    return status_names[s];
}

void idp_free(void *p)
{
    free(p);
}

void idp__strlcpy(char *dst, const char *src, size_t size)
{
    size_t n;
    if (!size)
        return;
    n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

idp_status idp__fail(idp_ctx *ctx, idp_status code, const char *fmt, ...)
{
    va_list ap;
    if (!ctx)
        return code;
    va_start(ap, fmt);
    vsnprintf(ctx->error, sizeof ctx->error, fmt, ap);
    va_end(ap);
    return code;
}

void idp__clear_error(idp_ctx *ctx)
{
    if (ctx)
        ctx->error[0] = '\0';
}

const char *idp_ctx_error(const idp_ctx *ctx)
{
    return ctx ? ctx->error : "no context";
}
