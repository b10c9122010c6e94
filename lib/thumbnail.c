/*
 * thumbnail.c - idp_image_thumbnail_jpeg(): a small JPEG of an image, for
 * reports that show the photos (photo-batch's report.html).
 */
#include "idp_internal.h"

#include <math.h>
#include <stdlib.h>

idp_status idp_image_thumbnail_jpeg(idp_ctx *ctx, const idp_image *img,
                                    int max_side, int quality, uint8_t **data,
                                    size_t *len)
{
    int w, h, tw, th;
    double k;
    uint8_t *rgb;
    idp__encoded enc = {NULL, 0, 0, 0};
    idp__jpeg_target t = {0, 0, 0, quality, quality};
    idp_status st;
    *data = NULL;
    *len = 0;
    if (!img || max_side < 1 || quality < 1 || quality > 100)
        return idp__fail(ctx, IDP_E_INVALID_ARG, "thumbnail: bad arguments");
    w = idp_image_width(img);
    h = idp_image_height(img);
    k = (double)max_side / (w > h ? w : h);
    k = k < 1.0 ? k : 1.0;
    tw = (int)lround(w * k);
    th = (int)lround(h * k);
    tw = tw < 1 ? 1 : tw;
    th = th < 1 ? 1 : th;
    rgb = malloc((size_t)tw * (size_t)th * 3);
    if (!rgb)
        return idp__fail(ctx, IDP_E_NOMEM, "out of memory");
    st = idp__image_region(ctx, img, (idp_rect){0, 0, w, h}, tw, th, rgb);
    if (st == IDP_OK)
        st = idp__encode_jpeg(ctx, rgb, tw, th, (size_t)tw * 3, &t, &enc);
    free(rgb);
    if (st != IDP_OK)
        return st;
    *data = enc.data;
    *len = enc.len;
    return IDP_OK;
}
