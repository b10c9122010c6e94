/*
 * grey.c - libvips' sRGB -> B_W conversion of 8-bit pixels, the same
 * bytes, without its pipeline.
 *
 * The detector and the landmarks read a grey copy of every photo. libvips
 * 8.14 makes it per pixel as: each code through its sRGB -> linear table
 * (floats, v2Y), Y = 0.2 R + 0.7 G + 0.1 B in double, rounded to float,
 * times 255 (float), clipped to 0..255, then its linear -> sRGB table
 * (ints, lut) read between the two nearest entries in float and rounded
 * to nearest even. Through its pipeline (a float image between two
 * operations, a call per pixel) that cost ~6.5 ns a pixel, ~3 % of a
 * batch's CPU; this loop does the same operations in the same order.
 *
 * The tables are libvips' own, read from it at run time (image_io.c), and
 * image_io.c checks this loop against vips_colourspace() before using it:
 * another libvips that converts otherwise keeps its own pipeline.
 * Pure C; built with -ffp-contract=off so no product is fused.
 */
#include "idp_internal.h"

#include <math.h>

void idp__grey_prepare(idp__grey_tables *t)
{
    for (int i = 0; i < 256; i++) { /* the products libvips makes */
        t->w[0][i] = 0.2 * t->v2y[i];
        t->w[1][i] = 0.7 * t->v2y[i];
        t->w[2][i] = 0.1 * t->v2y[i];
        t->step[i] = (float)(t->lut[i + 1] - t->lut[i]);
        t->base[i] = (float)t->lut[i];
    }
}

static uint8_t grey_px(const idp__grey_tables *t, const uint8_t *p)
{
    float y = (float)(t->w[0][p[0]] + t->w[1][p[1]] + t->w[2][p[2]]);
    float yf = y * 255.0f, v;
    int yi;
    yf = yf < 0.0f ? 0.0f : yf > 255.0f ? 255.0f : yf;
    yi = (int)yf;
    v = t->step[yi] * (yf - (float)yi) + t->base[yi];
    /* to nearest, ties to even, as rintf(): adding 2^23 leaves no bits
     * below the units (what libvips' compiled rintf does) */
    v = v >= 0.0f && v < 8388608.0f ? (v + 8388608.0f) - 8388608.0f : rintf(v);
    return (uint8_t)(v < 0.0f ? 0 : v > 255.0f ? 255 : (int)v);
}

void idp__grey_convert(const idp__grey_tables *t, const uint8_t *rgb, size_t n,
                       uint8_t *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = grey_px(t, rgb + 3 * i);
}
