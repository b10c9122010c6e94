/* image.c - idp_image lifecycle and accessors. The pixel layout contract is
 * in idphoto.h: 8-bit sRGB, RGB interleaved, top-left origin. */
#include "idp_internal.h"

#include <stdlib.h>

void idp_image_free(idp_image *img)
{
    if (!img)
        return;
    free(img->pixels);
    free(img->name);
    free(img->path);
    free(img->bytes);
    free(img->grey);
    free(img);
}

int idp_image_width(const idp_image *img)
{
    return img ? img->width : 0;
}

int idp_image_height(const idp_image *img)
{
    return img ? img->height : 0;
}

const uint8_t *idp_image_pixels(const idp_image *img, size_t *stride)
{
    if (stride)
        *stride = img ? img->stride : 0;
    return img ? img->pixels : NULL;
}

const idp_image_info *idp_image_get_info(const idp_image *img)
{
    return img ? &img->info : NULL;
}

int idp_image_shrink(const idp_image *img)
{
    return img && img->info.shrink > 1 ? img->info.shrink : 1;
}

const char *idp_image_name(const idp_image *img)
{
    return img && img->name ? img->name : "";
}
