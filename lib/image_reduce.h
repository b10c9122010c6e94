/*
 * image_reduce.h - vips_resize()'s Lanczos-3 reductions of 8-bit images,
 * their rows reduced by reduceh.c (image_reduce.c).
 *
 * Include after <vips/vips.h> and vips_dl.h. libvips must be started.
 */
#ifndef IDP_IMAGE_REDUCE_H
#define IDP_IMAGE_REDUCE_H

#include "idp_internal.h"

#include <vips/vips.h>

/* vips_resize(in, out, k, "kernel", VIPS_KERNEL_LANCZOS3) for k < 1, the
 * same pixels however *out is asked for: 0, or -1 when this cannot stand
 * for libvips (another libvips, another format, a reduction libvips
 * makes otherwise, an error); the caller then calls vips_resize(). */
int idp__reduce(VipsImage *in, VipsImage **out, double k);

#endif
