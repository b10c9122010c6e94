/*
 * encode_png.c - PNG in memory through libpng. The only file of the
 * library that uses libpng.
 *
 * Chunks written: IHDR (8-bit grey, RGB or RGBA, not interlaced), sRGB
 * (rendering intent perceptual), pHYs when dpi > 0 (round(dpi / 0.0254)
 * pixels per metre: 300 dpi is 11811), IDAT (zlib level 6, libpng's
 * adaptive filters), IEND. Nothing else: no tEXt, zTXt, iTXt, tIME, iCCP,
 * gAMA or cHRM.
 *
 * Why sRGB: every image of the library is 8-bit sRGB (idphoto.h), and the
 * 13-byte sRGB chunk says exactly that, so a reader does not have to
 * guess, without the weight of an ICC profile. It is a colour-space
 * statement, not metadata about the photo or its author. The gAMA and
 * cHRM chunks the PNG specification suggests alongside it for old
 * decoders are left out on purpose.
 *
 * libpng errors go to on_error, which keeps the message and longjmps
 * to the setjmp of write_all; warnings are dropped (the library never
 * prints).
 */
#include "idp_internal.h"

#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#define PNG_DIM_MAX   1000000 /* libpng's default user limit */
#define PNG_DPI_MAX   65535
#define PNG_SINK_INIT 65536
#define PNG_LEVEL     6

/* What the callbacks share: the growing output and the error message. */
typedef struct writer {
    uint8_t *data;
    size_t cap, len;
    int nomem; /* the failure was an allocation */
    char msg[160];
    const uint8_t *px;
    int w, h, channels, dpi;
    size_t stride;
} writer;

/* ---- libpng callbacks ---- */

static void on_error(png_structp png, png_const_charp msg)
{
    writer *job = png_get_error_ptr(png);
    idp__strlcpy(job->msg, msg ? msg : "error", sizeof job->msg);
    if (msg && strstr(msg, "memory"))
        job->nomem = 1;
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png; /* the library never prints */
    (void)msg;
}

static int reserve(writer *job, size_t more)
{
    size_t cap = job->cap ? job->cap : PNG_SINK_INIT;
    uint8_t *bigger;

    if (more > SIZE_MAX - job->len)
        return -1;
    while (cap < job->len + more) {
        if (cap > SIZE_MAX / 2)
            return -1;
        cap *= 2;
    }
    if (cap == job->cap)
        return 0;
    bigger = realloc(job->data, cap);
    if (!bigger)
        return -1;
    job->data = bigger;
    job->cap = cap;
    return 0;
}

static void on_write(png_structp png, png_bytep data, size_t len)
{
    writer *job = png_get_io_ptr(png);
    if (reserve(job, len) != 0) {
        job->nomem = 1;
        png_error(png, "out of memory for the output");
    }
    memcpy(job->data + job->len, data, len);
    job->len += len;
}

static void on_flush(png_structp png)
{
    (void)png; /* memory: nothing to flush (libpng's default is fflush) */
}

/* ---- encoding ---- */

static int colour_type(int channels)
{
    if (channels == 1)
        return PNG_COLOR_TYPE_GRAY;
    if (channels == 3)
        return PNG_COLOR_TYPE_RGB;
    return PNG_COLOR_TYPE_RGB_ALPHA;
}

/* Header, chunks and rows. Only parameters are read after the setjmp. */
static idp_status write_all(png_structp png, png_infop info, writer *job)
{
    if (setjmp(png_jmpbuf(png)))
        return job->nomem ? IDP_E_NOMEM : IDP_E_INTERNAL;
    png_set_write_fn(png, job, on_write, on_flush);
    png_set_compression_level(png, PNG_LEVEL);
    png_set_IHDR(png, info, (png_uint_32)job->w, (png_uint_32)job->h, 8,
                 colour_type(job->channels), PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_sRGB(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
    if (job->dpi > 0) {
        png_uint_32 ppm = (png_uint_32)lround(job->dpi / 0.0254);
        png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    }
    png_write_info(png, info);
    for (int y = 0; y < job->h; y++)
        png_write_row(png, job->px + (size_t)y * job->stride);
    png_write_end(png, NULL);
    return IDP_OK;
}

static idp_status check_args(idp_ctx *ctx, const uint8_t *px, int w, int h,
                             size_t stride, int channels, int dpi)
{
    if (!px)
        return idp__fail(ctx, IDP_E_INVALID_ARG, "png: pixels are NULL");
    if (channels != 1 && channels != 3 && channels != 4)
        return idp__fail(ctx, IDP_E_INVALID_ARG,
                         "png: %d channels (want 1, 3 or 4)", channels);
    if (w <= 0 || h <= 0 || w > PNG_DIM_MAX || h > PNG_DIM_MAX)
        return idp__fail(ctx, IDP_E_INVALID_ARG,
                         "png: size %dx%d out of range 1-%d", w, h,
                         PNG_DIM_MAX);
    if (stride < (size_t)channels * (size_t)w)
        return idp__fail(ctx, IDP_E_INVALID_ARG,
                         "png: stride %zu below %d x width %d", stride,
                         channels, w);
    if (dpi < 0 || dpi > PNG_DPI_MAX)
        return idp__fail(ctx, IDP_E_INVALID_ARG,
                         "png: dpi %d out of range 0-%d", dpi, PNG_DPI_MAX);
    return IDP_OK;
}

idp_status idp__encode_png(idp_ctx *ctx, const uint8_t *px, int w, int h,
                           size_t stride, int channels, int dpi,
                           idp__encoded *out)
{
    writer job = {.px = px, .w = w, .h = h, .stride = stride};
    png_structp png = NULL;
    png_infop info = NULL;
    idp_status st;

    if (!out)
        return idp__fail(ctx, IDP_E_INVALID_ARG, "png: out is NULL");
    memset(out, 0, sizeof *out);
    st = check_args(ctx, px, w, h, stride, channels, dpi);
    if (st != IDP_OK)
        return st;
    job.channels = channels;
    job.dpi = dpi;
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &job, on_error,
                                  on_warning);
    if (png)
        info = png_create_info_struct(png);
    if (!info) {
        st = idp__fail(ctx, IDP_E_NOMEM, "png: out of memory");
        goto done;
    }
    st = write_all(png, info, &job);
    if (st != IDP_OK) {
        st = idp__fail(ctx, st, "png encoder: %s", job.msg);
        goto done;
    }
    out->data = job.data;
    out->len = job.len;
    out->in_band = 1;
    job.data = NULL; /* handed out */
done:
    png_destroy_write_struct(&png, &info);
    free(job.data);
    return st;
}
