/*
 * composite.c - put the person on the new background without a halo.
 *
 * At a soft edge the observed colour is I = a F + (1 - a) B: a mix of the
 * person F and the old wall B. Compositing I itself over the new colour T
 * keeps the old wall inside every hair strand (the white or blue fringe
 * users complain about). So F is estimated first: from the mix equation
 * where a is large enough for that to be stable, and from the colour of
 * nearby solid person pixels where it is not; then out = a F + (1 - a) T.
 *
 * B is the wall field corrected by the wall actually seen nearby (the
 * pixels of alpha 0 within WALL_RADIUS: a field fitted to the whole wall
 * misses vignetting and soft shadows by a few levels, and at small alpha
 * the mix equation multiplies that error by 1 / a). The nearby person
 * colour comes from solid pixels away from the outline only, since the
 * outline's own solid pixels may still hold the old wall (the dark, wall
 * hued ring a sharpened photo has there, matte_render.c).
 * Pure C, no image library.
 */
#include "idp_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SOLID       0.95 /* alpha at which a pixel is the person's own colour */
#define NEAR_RADIUS 6    /* px at output size: where edge colours come from */
#define SOLID_DEPTH 2    /* person colours: solid this far around */
#define WALL_RADIUS 8    /* px at output size: the wall seen near the edge */

/* Normalised convolution: planes p[0..2] hold weighted values and p[3]
 * the weights; each plane becomes their sum around each pixel, whose
 * weighted mean mean_at() takes where it is read (the soft pixels
 * only). */
static void weighted_sums(float *p[4], int w, int h, int r, float *tmp)
{
    for (int c = 0; c < 4; c++)
        idp__box_blur(p[c], w, h, r, tmp);
}

/* The weighted mean of channel c at pixel i (0 where no weight). */
static float mean_at(float *const *p, int c, size_t i)
{
    return p[3][i] > 1e-4f ? p[c][i] / p[3][i] : 0;
}

/* Mean colour of the solid person pixels around each pixel, those at
 * least SOLID_DEPTH inside the outline: near[0..2] and its weight near[3]. */
static void nearby_person(const uint8_t *rgb, const uint8_t *alpha, int w,
                          int h, float *near[4], float *tmp)
{
    size_t n = (size_t)w * (size_t)h;
    for (size_t i = 0; i < n; i++)
        near[3][i] = alpha[i] >= SOLID * 255 ? 1.0f : 0.0f;
    memcpy(near[0], near[3], n * sizeof *near[0]);
    idp__box_blur(near[0], w, h, SOLID_DEPTH, tmp); /* 1: all around solid */
    for (size_t i = 0; i < n; i++) {
        float m = near[0][i] > 0.999f ? 1.0f : 0.0f;
        for (int c = 0; c < 3; c++)
            near[c][i] = m * rgb[i * 3 + (size_t)c];
        near[3][i] = m;
    }
    weighted_sums(near, w, h, NEAR_RADIUS, tmp);
}

/* The sums of the residuals from the field of the pixels of alpha 0
 * within WALL_RADIUS, and their weights (wall_at() reads them). */
static void nearby_wall(const uint8_t *rgb, const uint8_t *alpha,
                        const float *wall, int w, int h, float *bw[4],
                        float *tmp)
{
    size_t n = (size_t)w * (size_t)h;
    for (size_t i = 0; i < n; i++) {
        float m = alpha[i] == 0 ? 1.0f : 0.0f;
        for (int c = 0; c < 3; c++)
            bw[c][i] = m * (rgb[i * 3 + (size_t)c] - wall[i * 3 + (size_t)c]);
        bw[3][i] = m;
    }
    weighted_sums(bw, w, h, WALL_RADIUS, tmp);
}

/* The wall near pixel i, channel c: the field plus the mean residual
 * nearby (the field alone where none), clamped to 0..255. */
static float wall_at(const float *wall, float *const *bw, int c, size_t i)
{
    float v = wall[i * 3 + (size_t)c] + mean_at(bw, c, i);
    return v < 0 ? 0 : v > 255 ? 255 : v;
}

/* Rounded half away from zero, as lround() (v - t is exact here), without
 * the library call: six a pixel of the edge. */
static uint8_t clamp8(double v)
{
    long t;
    if (!(v > 0))
        return 0;
    if (v > 255)
        return 255;
    t = (long)v;
    return (uint8_t)(v - (double)t >= 0.5 ? t + 1 : t);
}

/* Foreground colour f of a soft pixel of colour i, alpha a, wall b, the
 * nearby person colour p (weight pw). */
static void edge_colour(const double i[3], const double b[3], double a,
                        const double p[3], double pw, double f[3])
{
    for (int c = 0; c < 3; c++) {
        double solved = (i[c] - (1 - a) * b[c]) / a;
        double local = pw > 1e-3 ? p[c] : solved;
        solved = solved < 0 ? 0 : solved > 255 ? 255 : solved;
        /* trust the mix equation more the more of the pixel is person */
        f[c] = a * solved + (1 - a) * local;
    }
}

/* What blend() reads and writes, for idp__par_rows. */
typedef struct blend_job {
    const uint8_t *rgb, *alpha;
    const float *wall;
    float *const *near, *const *bw;
    int w;
    idp_rgb target;
    uint8_t *out, *fg;
} blend_job;

/* The composite of rows y0..y1-1. A pixel all person (alpha 255) keeps
 * its colour and one all wall (0) takes the target: what
 * a F + (1 - a) T gives them (whole numbers, a = 1 or 0), without the
 * arithmetic; only the soft pixels are mixed. */
static void blend(void *arg, int y0, int y1)
{
    const blend_job *j = arg;
    const uint8_t *rgb = j->rgb, *alpha = j->alpha;
    float *const *near = j->near, *const *bw = j->bw;
    const double t[3] = {j->target.r, j->target.g, j->target.b};
    const uint8_t tb[3] = {j->target.r, j->target.g, j->target.b},
                  zero[3] = {0};
    uint8_t *out = j->out, *fg = j->fg;
    size_t end = (size_t)y1 * (size_t)j->w;
    for (size_t k = (size_t)y0 * (size_t)j->w; k < end; k++) {
        double a = alpha[k] / 255.0, i[3], b[3], p[3], f[3];
        if (alpha[k] == 255 || alpha[k] == 0) {
            const uint8_t *o = alpha[k] ? rgb + k * 3 : tb;
            memcpy(out + k * 3, o, 3);
            if (fg)
                memcpy(fg + k * 3, alpha[k] ? o : zero, 3);
            continue;
        }
        for (int c = 0; c < 3; c++) {
            i[c] = rgb[k * 3 + (size_t)c];
            b[c] = wall_at(j->wall, bw, c, k);
            p[c] = mean_at(near, c, k);
        }
        edge_colour(i, b, a, p, near[3][k], f);
        for (size_t c = 0; c < 3; c++) {
            out[k * 3 + c] = clamp8(a * f[c] + (1 - a) * t[c]);
            if (fg)
                fg[k * 3 + c] = clamp8(f[c]);
        }
    }
}

/* The two estimates' inputs and planes, for idp__par2. */
typedef struct nearby {
    const uint8_t *rgb, *alpha;
    const float *wall;
    int w, h;
    float *planes[4], *tmp;
} nearby;

static void person_task(void *p)
{
    nearby *j = p;
    nearby_person(j->rgb, j->alpha, j->w, j->h, j->planes, j->tmp);
}

static void wall_task(void *p)
{
    nearby *j = p;
    nearby_wall(j->rgb, j->alpha, j->wall, j->w, j->h, j->planes, j->tmp);
}

int idp__composite(const uint8_t *rgb, const uint8_t *alpha, const float *wall,
                   int w, int h, idp_rgb target, int threads, uint8_t *out,
                   uint8_t *fg)
{
    size_t n = (size_t)w * (size_t)h;
    float *buf = malloc(n * 10 * sizeof *buf);
    nearby near = {rgb, alpha, wall, w, h, {NULL}, NULL};
    nearby bw = {rgb, alpha, wall, w, h, {NULL}, NULL};
    blend_job bj = {rgb, alpha,  wall, near.planes, bw.planes,
                    w,   target, out,  fg};
    if (!buf)
        return -1;
    near.tmp = buf + 8 * n;
    bw.tmp = buf + 9 * n;
    for (int c = 0; c < 4; c++) {
        near.planes[c] = buf + (size_t)c * n;
        bw.planes[c] = buf + (size_t)(4 + c) * n;
    }
    idp__par2(threads, person_task, &near, wall_task, &bw);
    idp__par_rows(threads, h, blend, &bj);
    free(buf);
    return 0;
}
