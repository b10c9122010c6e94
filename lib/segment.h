/*
 * segment.h - private interfaces of the segmentation modules (segment.c,
 * seg_prior.c, seg_cut.c, seg_image.c, matte_render.c, wall.c, gmm.c,
 * maxflow.c). Pure C. idp_internal.h declares the contract the rest of
 * the library uses (idp__matte, idp__segment, idp__matte_render).
 */
#ifndef IDP_SEGMENT_H
#define IDP_SEGMENT_H

#include "idp_internal.h"

#include <stddef.h>
#include <stdint.h>

/* ---- images and planes (seg_image.c) ---- */

/* A float RGB image, 3 interleaved values per pixel, 0..255. */
typedef struct idp__fimg {
    float *px;
    int w, h;
} idp__fimg;

/* Resample the region `src` (input px) of an 8-bit RGB image to ow x oh
 * floats: output pixel (x, y) covers input [src.x + x sx, src.x + (x+1) sx)
 * with sx = src.w / ow (likewise y). Shrinking averages up to 4 x 4 samples
 * spread over that footprint; enlarging interpolates bilinearly; outside
 * the image the edge pixels repeat. Rows split in two with threads >= 2
 * (the same floats). */
void idp__resample(const uint8_t *px, size_t stride, int iw, int ih,
                   idp_rect src, int ow, int oh, int threads, float *out);

/* The q-quantile (0..1, nearest rank) of n floats; reorders v. 0 when
 * n is 0. */
float idp__quantile(float *v, size_t n, double q);

/* idp__box_blur (seg_image.c) is declared in idp_internal.h: compositing
 * uses it too. */

/* Minimum over a (2r+1)^2 window (edges shrink it); tmp: w * h floats. */
void idp__min_filter(const float *in, float *out, int w, int h, int r,
                     float *tmp);

/* Binary dilation (op 1) or erosion (op 0) by a (2r+1)^2 square; values
 * are 0 / nonzero; out gets 0 / 1. tmp holds w * h ints. */
void idp__mask_morph(const uint8_t *in, uint8_t *out, int w, int h, int r,
                     int dilate, int *tmp);

/* Chamfer distance (px) from each pixel of the mask to the nearest pixel
 * outside it (0 outside); `tmp`: w x h ints of work. */
void idp__dist_inside(const uint8_t *mask, int w, int h, int32_t *tmp,
                      float *d);

/* Label the 8-connected components of the pixels where mask == value;
 * lab gets 0 elsewhere, 1..n on the components; returns n, or -1 out of
 * memory. */
int idp__components(const uint8_t *mask, uint8_t value, int w, int h, int *lab);

/* Normalised convolution: at any pixel, the mean of `val` (nc values per
 * pixel, interleaved) over the pixels of `mask` inside a box of radius r,
 * or of radius 4 r where the small box holds none, or `fallback` where
 * neither does. Built on a grid `step` times coarser than the image and
 * interpolated, so large radii cost little; sampled pixel by pixel. */
#define IDP__FILL_MAX 4
typedef struct idp__fill {
    float *g1, *g2; /* blurred sums (nc values + weight) at r and 4 r */
    int cw, ch, step, nc;
    float fallback[IDP__FILL_MAX];
} idp__fill;

/* Returns 0 or -1 (out of memory, or nc > IDP__FILL_MAX). */
int idp__fill_make(idp__fill *f, const float *val, int nc, const uint8_t *mask,
                   int w, int h, int r, const float *fallback);
void idp__fill_at(const idp__fill *f, int x, int y, float *out);
void idp__fill_free(idp__fill *f);

/* ---- the subject's geometry (seg_prior.c) ---- */

/* Face frame in some pixel grid: origin at the eye midpoint, axis u along
 * the eye line (towards image right), v perpendicular (down the face),
 * lengths in face widths. */
typedef struct idp__seg_geom {
    double ex, ey;         /* eye midpoint */
    double ux, uy;         /* unit eye-line direction */
    double fw;             /* face width (landmarks 0-16), px */
    double brow_t, chin_t; /* brow line and chin, v in face widths */
    double chin_x, chin_y; /* landmark 8, px */
    double hull[27][2];    /* jaw 0-16 then brows 26..17, px */
    double box[4];         /* the hull's bounding box x0 y0 x1 y1 */
} idp__seg_geom;

/* The geometry from 68 landmarks given in input pixels, mapped to a grid
 * scaled by (sx, sy). */
void idp__seg_geom_init(idp__seg_geom *g, const idp_point *lm, double sx,
                        double sy);

/* Face-frame coordinates (face widths) of pixel centre (x, y). */
void idp__seg_frame(const idp__seg_geom *g, double x, double y, double *s,
                    double *t);

/* Seed classes of a working pixel. */
enum {
    IDP__SEED_NONE = 0,
    IDP__SEED_FG = 1,  /* certainly the person: face, skull, neck, torso */
    IDP__SEED_BGC = 2, /* a background candidate (if it looks like wall) */
    IDP__SEED_FAR = 3  /* far from any person: background if wall-like */
};

/* Seed map (w x h) and the person prior (probability, w x h floats).
 * env_k (<= 1) shrinks the envelope where the image holds little
 * background outside it (a face filling the frame). */
void idp__seg_seeds(const idp__seg_geom *g, int w, int h, double env_k,
                    uint8_t *seed, float *prior);

/* 1 when a hole of the cut centred at (x, y) is part of the person
 * (inside the head or on the chest: a white shirt on a white wall). */
int idp__seg_fill_zone(const idp__seg_geom *g, double x, double y);

/* 1 inside the body envelope (below the chin, shoulders sloping out). */
int idp__seg_in_body(const idp__seg_geom *g, double x, double y);

/* ---- colour models (gmm.c) ---- */

#define IDP__GMM_MAX 8

/* Rows of idp__gmm.part: the mean (3), the inverse covariance (xx xy xz
 * yy yz zz) and log w - 1.5 log 2 pi - 0.5 log det. */
#define IDP__GMM_MEAN  0
#define IDP__GMM_ICOV  3
#define IDP__GMM_LNORM 9
#define IDP__GMM_PARTS 10

typedef struct idp__gmm {
    int k;
    /* part[row][j]: component j's parameters by part; 0 past k */
    double part[IDP__GMM_PARTS][IDP__GMM_MAX];
} idp__gmm;

/* k-means' step: each of n colour samples' nearest of k centres (the
 * first of equals) into asg, its squared distance into bd (n doubles). */
void idp__gmm_nearest(const float *x, size_t n, int k, const double (*c)[3],
                      double *bd, int *asg);

/* Fit k components (k <= IDP__GMM_MAX) to n colour samples (3 floats
 * each) by k-means and one covariance pass; var_floor is added to every
 * variance. Returns 0, or -1 with too few samples or out of memory. */
int idp__gmm_fit(idp__gmm *g, const float *x, size_t n, int k,
                 double var_floor);

/* -log of the density (the best component; nats) at each of n colours
 * (3 floats each) into out[0..n), in vectors: each colour's doubles are
 * those it gets alone. */
void idp__gmm_nll_n(const idp__gmm *g, const float *x, size_t n, double *out);

/* -log(exp(-a) + exp(-b)): the -log density of a mixture of two, from
 * each one's -log (nats), as lo - log1p(exp(-|a - b|)) gives it. */
double idp__nll_sum(double a, double b);

/* ---- the wall as a smooth field (wall.c) ---- */

/* The field's coefficients are 18 doubles, row-major [c][k] as in
 * idp__matte.wall_coef (pass &wall_coef[0][0]). */

/* Field value at normalised coordinates (u, v) for channel c. */
double idp__wall_eval(const double *coef, int c, double u, double v);

/* idp__wall_eval() of the 3 channels at n pixels (u[i], v), the same
 * doubles (the terms of v alone taken once), clamped to 0..255: 3 floats
 * per pixel into rgb. */
void idp__wall_eval_row(const double *coef, const double *u, int n, double v,
                        float *rgb);

/* The field along a row: n pixels at u = u0 + (x + 0.5) du, v; 3 floats
 * per pixel into out (not clamped). */
void idp__wall_row(const double *coef, double v, double u0, double du, int n,
                   float *out);

/* Robust quadratic fit to the pixels of `img` where use[i] != 0 (u, v of
 * pixel centres in 0..1): trimmed least squares with a ridge pull towards
 * a flat wall where the samples do not constrain the curvature. Sets coef
 * and *sigma (robust per-channel noise of the residuals). Returns the
 * number of samples kept (the fit subsamples), 0 with too few. */
int idp__wall_fit(const idp__fimg *img, const uint8_t *use, double coef[3][6],
                  double *sigma);
/* The same with its sums in AVX-512 lanes where the CPU has them (wide)
 * or one at a time: the same doubles (unit.wall). */
int idp__wall_fit_at(const idp__fimg *img, const uint8_t *use,
                     double coef[3][6], double *sigma, int wide);

/* Median field colour and the P90 CIE76 distance of the pixels where
 * use[i] != 0 from the field. */
void idp__wall_stats(const idp__fimg *img, const uint8_t *use,
                     const double *coef, idp_rgb *median, double *spread);

/* ---- graph cut (maxflow.c: Boykov-Kolmogorov on a pixel grid) ---- */

typedef struct idp__graph idp__graph;

/* The neighbours a pixel's weights in idp__graph_build() link it to, d =
 * 0..3: E, S, SE and SW (x + idp__graph_dx[d], y + idp__graph_dy[d]). */
extern const int idp__graph_dx[4], idp__graph_dy[4];

/* A pixel's label in idp__graph_build(): free, or fixed to a side. */
enum { IDP__GRAPH_FREE, IDP__GRAPH_SOURCE, IDP__GRAPH_SINK };

/* A graph for a grid of w x h pixels, each linked to its 8 neighbours.
 * NULL out of memory or when the grid is too large. */
idp__graph *idp__graph_new(int w, int h);
void idp__graph_free(idp__graph *g);
/* Replace the graph's capacities (pixel p = y w + x):
 * - data[2 p], data[2 p + 1]: from the source to p and from p to the sink;
 * - pw[4 p + d]: both ways between p and its neighbour towards the E, S,
 *   SE and SW (d = 0..3), 0 for none (read only inside the grid);
 * - fixed[p]: IDP__GRAPH_FREE, or the side p is fixed to. A fixed pixel
 *   is left out (its data is not read); its weights pull its free
 *   neighbours towards its side. */
void idp__graph_build(idp__graph *g, const int32_t *data, const int32_t *pw,
                      const uint8_t *fixed);
/* The maximum flow (= the minimum cut, less the weights of fixed pairs). */
int64_t idp__graph_maxflow(idp__graph *g);
/* After maxflow: 1 when free pixel (x, y) is on the source side of the
 * cut, the side reachable from the source in the residual graph: the
 * smallest source side of a minimum cut, whatever maximum flow was found.
 * 0 for a fixed pixel. */
int idp__graph_source_side(const idp__graph *g, int x, int y);

/* ---- the cut at the working resolution (seg_cut.c) ---- */

typedef struct idp__seg_work {
    idp__fimg img;      /* the image at the working resolution */
    idp__seg_geom geom; /* in working pixels */
    uint8_t *seed;      /* IDP__SEED_* */
    float *prior;       /* person prior */
    uint8_t *label;     /* 1 person, 0 background */
    double coef[3][6];  /* the wall field */
    double sigma;       /* wall noise per channel */
    int threads;        /* idp_ctx_set_threads: 2 splits the cut's steps */
} idp__seg_work;

/* Segment: models, two rounds of graph cut, holes and islands. Fills
 * w->label and w->coef. Returns IDP_OK or IDP_E_NOMEM. */
idp_status idp__seg_cut(idp__seg_work *w);

/* ---- soft alpha along the boundary (matte_render.c) ---- */

typedef struct idp__soft_in {
    const float *rgb;  /* the image on the grid, 3 per pixel */
    const float *hard; /* prior alpha on the grid, 0..1 */
    int w, h;
    int band;              /* band half-width, grid px */
    int outer;             /* strands are followed this many bands out */
    const double *coef;    /* wall field: 18 values, as wall_coef */
    double u0, du, v0, dv; /* u = u0 + (x + 0.5) du; likewise v */
    int threads;           /* 2: the grid's rows in two halves */
} idp__soft_in;

/* Alpha (0..1) on the grid: certain inside / outside, and along the
 * boundary of `hard` the known-background estimate. Returns 0 or -1. */
int idp__soft_alpha(const idp__soft_in *in, float *alpha);

/* The alpha of an edge pixel darker than both the person F and the wall
 * B (the dark ring sharpening leaves along an outline), read from its hue:
 * the a at which a F + (1 - a) B points the way the pixel does, blended
 * back to `a` as F and B share a hue; never above `a`. Colours 0..255. */
double idp__hue_alpha(const float *o, const float *bg, const float *fg,
                      double a);

#endif /* IDP_SEGMENT_H */
