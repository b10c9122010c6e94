/*
 * made_encode.c - the made photo as files: the JPEG a registry receives
 * (size searched into the profile's range), the transparent cutout and
 * the matte (PNG). The bytes go to the caller; writing files is the
 * tools' job.
 */
#include "idp_internal.h"

#include <stdlib.h>
#include <string.h>

/* Never below this JPEG quality when the profile sets no floor. */
#define DEFAULT_MIN_QUALITY 75
#define MAX_QUALITY         95

idp_status idp_made_jpeg(idp_ctx *ctx, const idp_made *m, uint8_t **data,
                         size_t *len, int *quality, int *in_band)
{
    const idp_image *photo;
    const uint8_t *alpha, *fg;
    const idp_profile *p;
    const idp__matte *mt;
    idp__jpeg_target t;
    idp__encoded e = {NULL, 0, 0, 0, 0};
    idp_status st;
    double t0 = idp__now_ms();
    if (!data || !len || !quality || !in_band)
        return IDP_E_INVALID_ARG;
    *data = NULL;
    if (idp__made_view(m, &photo, &alpha, &fg, &p, &mt) != IDP_OK)
        return idp__fail(ctx, IDP_E_INVALID_ARG, "nothing was made");
    t.dpi = p->dpi;
    t.min_bytes = p->file_min_bytes;
    t.max_bytes = p->file_max_bytes;
    t.min_quality = p->min_quality > 0 ? p->min_quality : DEFAULT_MIN_QUALITY;
    t.max_quality = t.min_quality > MAX_QUALITY ? t.min_quality : MAX_QUALITY;
    st = idp__encode_jpeg(ctx, photo->pixels, photo->width, photo->height,
                          photo->stride, &t, &e);
    if (st != IDP_OK)
        return st;
    idp__made_timings_slot(m)->encode = idp__now_ms() - t0;
    *data = e.data;
    *len = e.len;
    *quality = e.quality;
    *in_band = e.in_band;
    return IDP_OK;
}

idp_status idp_made_cutout_png(idp_ctx *ctx, const idp_made *m, uint8_t **data,
                               size_t *len)
{
    const idp_image *photo;
    const uint8_t *alpha, *fg;
    const idp_profile *p;
    const idp__matte *mt;
    idp__encoded e = {NULL, 0, 0, 0, 0};
    uint8_t *rgba;
    size_t n;
    idp_status st;
    if (!data || !len)
        return IDP_E_INVALID_ARG;
    *data = NULL;
    if (idp__made_view(m, &photo, &alpha, &fg, &p, &mt) != IDP_OK)
        return idp__fail(ctx, IDP_E_INVALID_ARG, "nothing was made");
    n = (size_t)photo->width * (size_t)photo->height;
    rgba = malloc(n * 4);
    if (!rgba)
        return idp__fail(ctx, IDP_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        memcpy(rgba + i * 4, fg + i * 3, 3);
        rgba[i * 4 + 3] = alpha[i];
    }
    st = idp__encode_png(ctx, rgba, photo->width, photo->height,
                         (size_t)photo->width * 4, 4, p->dpi, &e);
    free(rgba);
    *data = e.data;
    *len = e.len;
    return st;
}

idp_status idp_made_matte_png(idp_ctx *ctx, const idp_made *m,
                              const idp_image *img, uint8_t **data, size_t *len)
{
    const idp_image *photo;
    const uint8_t *alpha, *fg;
    const idp_profile *p;
    const idp__matte *mt;
    idp__encoded e = {NULL, 0, 0, 0, 0};
    idp_rect all;
    uint8_t *a;
    idp_status st;
    if (!data || !len || !img)
        return IDP_E_INVALID_ARG;
    *data = NULL;
    if (idp__made_view(m, &photo, &alpha, &fg, &p, &mt) != IDP_OK ||
        mt->img_w != img->width || mt->img_h != img->height)
        return idp__fail(ctx, IDP_E_INVALID_ARG,
                         "the image is not the one the photo was made from");
    a = malloc((size_t)img->width * (size_t)img->height);
    if (!a)
        return idp__fail(ctx, IDP_E_NOMEM, "out of memory");
    all.x = all.y = 0;
    all.w = img->width;
    all.h = img->height;
    st = idp__matte_render(ctx, mt, img, all, img->width, img->height, a);
    if (st == IDP_OK && idp_image_shrink(img) > 1) {
        uint8_t *full = NULL;
        st = idp__plane_resize(ctx, a, img->width, img->height, img->info.width,
                               img->info.height, &full);
        free(a);
        a = full;
    }
    if (st == IDP_OK)
        st = idp__encode_png(ctx, a, img->info.width, img->info.height,
                             (size_t)img->info.width, 1, 0, &e);
    free(a);
    *data = e.data;
    *len = e.len;
    return st;
}
