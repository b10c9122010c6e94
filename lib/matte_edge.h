/*
 * matte_edge.h - the soft alpha of the pixels along the cut
 * (matte_edge.c), for matte_render.c and the unit tests.
 */
#ifndef IDP_MATTE_EDGE_H
#define IDP_MATTE_EDGE_H

#include "segment.h"

#include <stddef.h>
#include <stdint.h>

/* What the alpha of a grid pixel near the cut is made from (all arrays
 * w x h, row-major). */
typedef struct idp__edge {
    const float *rgb;        /* the image, 3 per pixel, 0..255 */
    const float *hard;       /* the working alpha upsampled, 0..1 */
    const float *din, *dout; /* distance inside / outside the cut */
    const uint8_t *hm;       /* inside the cut */
    const uint8_t *out;      /* within reach of the cut outside (or in) */
    const uint8_t *ero;      /* inside, beyond the band */
    const idp__fill *bg;     /* the wall's residual around the band */
    const idp__fill *fg;     /* the person's colour around the band */
    const double *coef;      /* the wall field, as idp__soft_in */
    double u0, du, v0, dv;
    int w, band, outer;
    double nu; /* the wall's noise */
} idp__edge;

/* |I - B| at pixel i: the pixel's distance from the wall there. */
double idp__edge_wall_diff(const idp__edge *z, size_t i);

/* Row y's alpha: the estimate where out && !ero, else hm (0 or 1).
 * wide: 1 eight pixels at a time where the CPU can (the same bits),
 * 0 one at a time. */
void idp__edge_row(const idp__edge *z, int y, float *alpha, int wide);

#endif /* IDP_MATTE_EDGE_H */
