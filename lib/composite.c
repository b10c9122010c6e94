/*
 * composite.c - put the person on the new background without a halo.
 *
 * At a soft edge the observed colour is I = a F + (1 - a) B: a mix of the
 * person F and the old wall B. Compositing I itself over the new colour T
 * keeps the old wall inside every hair strand (the white or blue fringe
 * users complain about). So F is estimated first: from the mix equation
 * with B taken from the wall field where a is large enough for that to be
 * stable, and from the colour of nearby solid person pixels where it is
 * not; then out = a F + (1 - a) T. Pure C, no image library.
 */
#include "idp_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SOLID       0.95 /* alpha at which a pixel is the person's own colour */
#define NEAR_RADIUS 6    /* px at output size: where edge colours come from */

/* Mean colour of the solid person pixels around each pixel: planes
 * near[0..2] (colour sums) and near[3] (weight), blurred. */
static int nearby_person(const uint8_t *rgb, const uint8_t *alpha, int w, int h,
                         float *near[4])
{
    size_t n = (size_t)w * (size_t)h;
    float *tmp = malloc(n * sizeof *tmp);
    if (!tmp)
        return -1;
    for (size_t i = 0; i < n; i++) {
        float m = alpha[i] >= SOLID * 255 ? 1.0f : 0.0f;
        for (int c = 0; c < 3; c++)
            near[c][i] = m * rgb[i * 3 + (size_t)c];
        near[3][i] = m;
    }
    for (int c = 0; c < 4; c++)
        idp__box_blur(near[c], w, h, NEAR_RADIUS, tmp);
    free(tmp);
    return 0;
}

static uint8_t clamp8(double v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : lround(v));
}

/* Foreground colour of one channel at a soft pixel. */
static double foreground(double i, double b, double a, float near_sum,
                         float near_w)
{
    double solved = (i - (1 - a) * b) / a;
    double local = near_w > 1e-3f ? near_sum / near_w : solved;
    solved = solved < 0 ? 0 : solved > 255 ? 255 : solved;
    /* trust the mix equation more the more of the pixel is person */
    return a * solved + (1 - a) * local;
}

int idp__composite(const uint8_t *rgb, const uint8_t *alpha, const float *wall,
                   int w, int h, idp_rgb target, uint8_t *out, uint8_t *fg)
{
    size_t n = (size_t)w * (size_t)h;
    float *near[4] = {NULL, NULL, NULL, NULL};
    const double t[3] = {target.r, target.g, target.b};
    int rc = -1;
    for (int c = 0; c < 4; c++)
        if (!(near[c] = malloc(n * sizeof(float))))
            goto done;
    if (nearby_person(rgb, alpha, w, h, near))
        goto done;
    for (size_t i = 0; i < n; i++) {
        double a = alpha[i] / 255.0;
        for (size_t c = 0; c < 3; c++) {
            double f = alpha[i] == 255 ? rgb[i * 3 + c]
                       : a > 0 ? foreground(rgb[i * 3 + c], wall[i * 3 + c], a,
                                            near[c][i], near[3][i])
                               : 0;
            out[i * 3 + c] = clamp8(a * f + (1 - a) * t[c]);
            if (fg)
                fg[i * 3 + c] = clamp8(f);
        }
    }
    rc = 0;
done:
    for (int c = 3; c >= 0; c--)
        free(near[c]);
    return rc;
}
