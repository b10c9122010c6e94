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

/* vips_resize(in, out, k, "kernel", VIPS_KERNEL_LANCZOS3), the same
 * pixels however *out is asked for: a reduction (k < 1) of 8-bit pixels
 * with the rows by reduceh.c when it can stand for libvips' (libvips
 * 8.14, 1 or 3 bands, no box shrink inside), else libvips' own. 0, or
 * -1 as vips_resize() fails. */
int idp__resize_lanczos(VipsImage *in, VipsImage **out, double k);

#endif
