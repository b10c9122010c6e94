/*
 * seg_cut.c - person / wall labels at the working resolution: colour
 * models, a graph cut, then holes and islands. Pure C.
 *
 * 1. Seeds from the landmarks (seg_prior.c): certain person, background
 *    candidates, far background.
 * 2. Models: the wall as a smooth field fitted to the candidates
 *    (wall.c), with a noise sigma; Gaussian mixtures of the person (from
 *    the certain person, minus pixels that look like the wall: a white
 *    shirt must not teach the person model the wall's colour) and of the
 *    background (for clutter the field cannot explain).
 * 3. Energy: data term -log p(colour | label) - log prior, where the wall
 *    likelihood allows a shading factor (soft shadows, k >= SHADOW_MIN)
 *    and charges texture (a wall is flat; a patterned shirt is not);
 *    8-connected contrast-sensitive smoothness (GrabCut's
 *    GAMMA exp(-beta |dI|^2) / distance). Far pixels that look like the
 *    wall, and the certain person, are hard constraints and leave the
 *    graph (their edges become terminal weights of their neighbours).
 * 4. A second round refits every model on the first round's labels.
 * 5. Islands (person pieces not joined to a certain-person pixel) go;
 *    holes (background pieces enclosed by the person) are filled when
 *    small, or inside the head or on the chest, except above the chin
 *    where they look like the wall: a wall patch enclosed by long hair
 *    stays background.
 */
#include "segment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define K_FG        6    /* person mixture components */
#define K_BG        4    /* background mixture components */
#define GMM_SAMPLES 6000 /* fit each mixture on at most this many */
#define VAR_FLOOR   9.0  /* added to every colour variance */
#define WALL_W      0.7  /* weight of the wall field in the background */
#define SHADOW_MIN  0.6  /* darkest shading the wall field allows */
#define SHADOW_SIG  0.25 /* prior spread of the shading factor */
#define SIGMA_MIN   2.0  /* wall noise floor (JPEG) */
#define SIGMA_MAX   20.0
#define GAMMA       50.0 /* smoothness weight, nats */
#define QUANT       16.0 /* capacity units per nat */
#define MAX_NATS    30.0 /* cap of a data term difference */
#define HARD_SIGMAS 4.0  /* far pixels this close to the wall: hard */
#define HARD_MIN    10.0
#define LIKE_WALL   2.5  /* sigmas: a person sample this close is wall */
#define LIKE_SIGMA  4.0  /* ... with sigma at most this (clutter: none) */
#define MIN_CAND    0.04 /* share of candidates the envelope must leave */
#define PLAIN_SHARE 0.70 /* candidates fitting the field: a plain wall */
#define HOLE_SMALL  0.02 /* FW^2: holes smaller than this are filled, */
/* but not above the chin when this share of the hole looks like the wall
 * (a small hole's rim is mixed with the hair at the working size) */
#define HOLE_WALL   0.6
#define CHEST_HALF  1.0  /* FW: the bottom edge under the chin is chest */
#define CLOTHES_MIN 0.01 /* FW^2: a piece on the bottom edge kept */
#define TEX_SIGMAS  4.0  /* texture up to this x sigma is plain wall */
#define TEX_MIN     6.0
#define TEX_R       2 /* texture window radius, working px */
#define HARD_FG     IDP__GRAPH_SOURCE
#define HARD_BG     IDP__GRAPH_SINK
#define SQRT2       1.4142135623730951
#define NORM3       1.7 /* |residual| of 3 channels per unit sigma */

typedef struct cut_models {
    idp__gmm fg, bg;
    int has_fg, has_bg;
    double sigma;
    /* the terms of nll_wall() that are the same at every pixel */
    double wall_norm, log_wall_w, log_other_w;
    /* log of the person prior and of its complement, per pixel (the
     * prior does not change between rounds) */
    const double *log_pr, *log_not_pr;
    const float *tex; /* local texture (colour std), working px */
    float *wd;        /* distance from the shaded wall field */
    float *shade;     /* the shading factor of that fit */
} cut_models;

static size_t npix(const idp__seg_work *w)
{
    return (size_t)w->img.w * (size_t)w->img.h;
}

static void choose_seeds(idp__seg_work *w)
{
    static const double ks[] = {1.0, 0.85, 0.72, 0.6, 0.5};
    size_t n = npix(w);
    for (size_t j = 0; j < sizeof ks / sizeof ks[0]; j++) {
        size_t cnt = 0;
        idp__seg_seeds(&w->geom, w->img.w, w->img.h, ks[j], w->seed, w->prior);
        for (size_t i = 0; i < n; i++)
            cnt += w->seed[i] >= IDP__SEED_BGC;
        if ((double)cnt >= MIN_CAND * (double)n)
            break;
    }
}

/* Squared distance of p from the shaded field k f (k fitted, clamped to
 * [SHADOW_MIN, 1.05]); *k receives the shading. */
static double shaded_dist2(const float *p, const double f[3], double *k)
{
    double pf = p[0] * f[0] + p[1] * f[1] + p[2] * f[2];
    double ff = f[0] * f[0] + f[1] * f[1] + f[2] * f[2], e2 = 0;
    double s = ff > 1 ? pf / ff : 1;
    s = s < SHADOW_MIN ? SHADOW_MIN : s > 1.05 ? 1.05 : s;
    for (int c = 0; c < 3; c++) {
        double d = p[c] - s * f[c];
        e2 += d * d;
    }
    *k = s;
    return e2;
}

/* Distance of every pixel from the (possibly shaded) wall field, and its
 * shading, for the current field. */
static int wall_dists(const idp__seg_work *w, cut_models *m)
{
    int W = w->img.w, H = w->img.h;
    float *row = malloc((size_t)W * 3 * sizeof *row);
    if (!row)
        return -1;
    for (int y = 0; y < H; y++) {
        idp__wall_row(&w->coef[0][0], (y + 0.5) / H, 0, 1.0 / W, W, row);
        for (int x = 0; x < W; x++) {
            size_t i = (size_t)y * (size_t)W + (size_t)x;
            double f[3] = {row[3 * x], row[3 * x + 1], row[3 * x + 2]}, k;
            m->wd[i] = (float)sqrt(shaded_dist2(w->img.px + 3 * i, f, &k));
            m->shade[i] = (float)k;
        }
    }
    free(row);
    return 0;
}

/* Texture: the colour std over (2 TEX_R + 1)^2 windows, then the
 * smallest over the same neighbourhood, so a wall pixel beside an edge
 * still finds a flat window while a patterned shirt has none. */
static float *texture(const idp__seg_work *w)
{
    int W = w->img.w, H = w->img.h;
    size_t n = npix(w);
    float *p = malloc(n * 6 * sizeof *p), *out;
    if (!p)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const float *c = w->img.px + 3 * i;
        p[i] = c[0], p[n + i] = c[1], p[2 * n + i] = c[2];
        p[3 * n + i] = c[0] * c[0] + c[1] * c[1] + c[2] * c[2];
    }
    for (int k = 0; k < 4; k++)
        idp__box_blur(p + (size_t)k * n, W, H, TEX_R, p + 4 * n);
    for (size_t i = 0; i < n; i++) {
        double v = p[3 * n + i] - (double)p[i] * p[i] -
                   (double)p[n + i] * p[n + i] -
                   (double)p[2 * n + i] * p[2 * n + i];
        p[4 * n + i] = (float)sqrt(v > 0 ? v : 0);
    }
    out = malloc(n * sizeof *out);
    if (out)
        idp__min_filter(p + 4 * n, out, W, H, TEX_R, p);
    free(p);
    return out;
}

/* Up to GMM_SAMPLES colours of the pixels where sel[i]; fits g. */
static int fit_gmm(const idp__seg_work *w, const uint8_t *sel, int k,
                   idp__gmm *g, float *buf)
{
    size_t n = npix(w), cnt = 0, m = 0, step, seen = 0;
    for (size_t i = 0; i < n; i++)
        cnt += sel[i] != 0;
    step = cnt / GMM_SAMPLES + 1;
    for (size_t i = 0; i < n; i++)
        if (sel[i] && seen++ % step == 0)
            memcpy(buf + 3 * m++, w->img.px + 3 * i, 3 * sizeof *buf);
    return idp__gmm_fit(g, buf, m, k, VAR_FLOOR) == 0;
}

/* Round 0: candidates and seeds; round 1: the previous labels, kept
 * 2 px away from the cut. `use` and `fg` are scratch masks. */
static void model_masks(idp__seg_work *w, int round, uint8_t *use, uint8_t *fg,
                        int *tmp)
{
    size_t n = npix(w);
    if (round == 0) {
        for (size_t i = 0; i < n; i++) {
            use[i] = w->seed[i] >= IDP__SEED_BGC;
            fg[i] = w->seed[i] == IDP__SEED_FG;
        }
        return;
    }
    for (size_t i = 0; i < n; i++)
        fg[i] = !w->label[i];
    idp__mask_morph(fg, use, w->img.w, w->img.h, 2, 0, tmp);
    idp__mask_morph(w->label, fg, w->img.w, w->img.h, 1, 0, tmp);
    for (size_t i = 0; i < n; i++) {
        use[i] = use[i] && w->seed[i] != IDP__SEED_FG;
        fg[i] = fg[i] || w->seed[i] == IDP__SEED_FG;
    }
}

static void flat_wall(idp__seg_work *w, const uint8_t *use)
{
    double sum[3] = {0, 0, 0}, cnt = 0;
    size_t n = npix(w);
    for (size_t i = 0; i < n; i++)
        if (use[i] || n < 2) {
            for (int c = 0; c < 3; c++)
                sum[c] += w->img.px[i * 3 + (size_t)c];
            cnt++;
        }
    memset(w->coef, 0, sizeof w->coef);
    for (int c = 0; c < 3; c++)
        w->coef[c][0] = cnt > 0 ? sum[c] / cnt : 200;
    w->sigma = SIGMA_MAX;
}

/* On a plain wall (most samples fit the field) the background mixture
 * learns only the samples that fit: the others are hair or clothes in the
 * candidate zone. On clutter it learns them all. */
static void plain_only(const idp__seg_work *w, const cut_models *m,
                       uint8_t *use)
{
    size_t n = npix(w), all = 0, in = 0;
    double lim = fmax(HARD_SIGMAS * m->sigma * NORM3, HARD_MIN);
    for (size_t i = 0; i < n; i++)
        if (use[i]) {
            all++;
            in += m->wd[i] < lim;
        }
    if ((double)in < PLAIN_SHARE * (double)all)
        return;
    for (size_t i = 0; i < n; i++)
        if (use[i] && m->wd[i] >= lim)
            use[i] = 0;
}

/* One mixture fit (person or background), for idp__par2. */
typedef struct gmm_job {
    const idp__seg_work *w;
    const uint8_t *sel;
    int k;
    idp__gmm *g;
    float *buf;
    int ok;
} gmm_job;

static void gmm_task(void *p)
{
    gmm_job *j = p;
    j->ok = fit_gmm(j->w, j->sel, j->k, j->g, j->buf);
}

static int fit_models(idp__seg_work *w, int round, cut_models *m, uint8_t *use,
                      uint8_t *fg, int *tmp)
{
    gmm_job jf, jb;
    size_t n = npix(w);
    float *buf = malloc(GMM_SAMPLES * 3 * 2 * sizeof *buf);
    if (!buf)
        return -1;
    model_masks(w, round, use, fg, tmp);
    if (idp__wall_fit(&w->img, use, w->coef, &w->sigma) == 0)
        flat_wall(w, use);
    m->sigma = fmin(fmax(w->sigma, SIGMA_MIN), SIGMA_MAX);
    m->wall_norm = 1.5 * log(2 * 3.14159265358979 * m->sigma * m->sigma);
    m->log_wall_w = log(WALL_W);
    m->log_other_w = log(1 - WALL_W);
    if (wall_dists(w, m)) {
        free(buf);
        return -1;
    }
    for (size_t i = 0; i < n; i++) /* the person model never learns wall */
        if (fg[i] && m->wd[i] < LIKE_WALL * fmin(m->sigma, LIKE_SIGMA) * NORM3)
            fg[i] = 0;
    plain_only(w, m, use);
    jf = (gmm_job){w, fg, K_FG, &m->fg, buf, 0};
    jb = (gmm_job){w, use, K_BG, &m->bg, buf + GMM_SAMPLES * 3, 0};
    idp__par2(w->threads, gmm_task, &jf, gmm_task, &jb);
    m->has_fg = jf.ok;
    m->has_bg = jb.ok;
    free(buf);
    return 0;
}

/* Extra cost of calling a textured pixel wall (nats). */
static double tex_cost(const cut_models *m, size_t i)
{
    double st = fmax(TEX_SIGMAS * m->sigma, TEX_MIN), t;
    if (!m->tex)
        return 0;
    t = m->tex[i] / st;
    return t > 1 ? 0.5 * (t * t - 1) : 0;
}

/* -log p(colour | wall) at pixel i: the shaded field, mixed with the
 * background mixture (bg_nll: the mixture's -log density at the pixel,
 * read when m->has_bg). */
static double nll_wall(const cut_models *m, size_t i, double bg_nll)
{
    double s2 = m->sigma * m->sigma, a, b, k = m->shade[i];
    double sh = k < 1 ? (1 - k) / SHADOW_SIG : 0;
    a = (double)m->wd[i] * m->wd[i] / (2 * s2) + m->wall_norm + sh * sh / 2 -
        m->log_wall_w;
    if (!m->has_bg)
        return a + tex_cost(m, i);
    b = bg_nll - m->log_other_w;
    return idp__nll_sum(a, b) + tex_cost(m, i);
}

/* Hard labels: the certain person; far pixels that look like the wall. */
static void hard_labels(const idp__seg_work *w, const cut_models *m,
                        uint8_t *hard)
{
    size_t n = npix(w);
    double lim = fmax(HARD_SIGMAS * m->sigma * NORM3, HARD_MIN);
    for (size_t i = 0; i < n; i++) {
        hard[i] = 0;
        if (w->seed[i] == IDP__SEED_FG)
            hard[i] = HARD_FG;
        else if (w->seed[i] == IDP__SEED_FAR && m->wd[i] < lim)
            hard[i] = HARD_BG;
    }
}

/* Data term (nats) of labelling pixel i person minus wall, capped; fg_nll
 * and bg_nll: the mixtures' -log densities at the pixel (read when there
 * is a mixture). */
static double data_diff(const cut_models *m, size_t i, double fg_nll,
                        double bg_nll)
{
    double fg = m->has_fg ? fg_nll : 20, d;
    d = (fg - m->log_pr[i]) - (nll_wall(m, i, bg_nll) - m->log_not_pr[i]);
    return d > MAX_NATS ? MAX_NATS : d < -MAX_NATS ? -MAX_NATS : d;
}

static double colour_d2(const float *a, const float *b)
{
    double d0 = a[0] - b[0], d1 = a[1] - b[1], d2 = a[2] - b[2];
    return d0 * d0 + d1 * d1 + d2 * d2;
}

static double smooth_beta(const idp__seg_work *w)
{
    double sum = 0;
    size_t cnt = 0;
    int W = w->img.w, H = w->img.h;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const float *p =
                w->img.px + 3 * ((size_t)y * (size_t)W + (size_t)x);
            if (x + 1 < W)
                sum += colour_d2(p, p + 3), cnt++;
            if (y + 1 < H)
                sum += colour_d2(p, p + 3 * (size_t)W), cnt++;
        }
    return sum > 0 ? (double)cnt / (2 * sum) : 0;
}

#define EXP_BINS 1024 /* table of exp(-z) for z in [0, EXP_MAX) */
#define EXP_MAX  16.0

/* Pairwise weights (capacity units) of every pixel towards its E, S, SE
 * and SW neighbours, 0 where there is none. Computed once: the image does
 * not change between rounds. */
static int32_t *pair_weights(const idp__seg_work *w)
{
    int W = w->img.w, H = w->img.h;
    double beta = smooth_beta(w);
    int32_t *pw = malloc(npix(w) * 4 * sizeof *pw), q[2][EXP_BINS + 1];
    if (!pw)
        return NULL;
    for (int b = 0; b <= EXP_BINS; b++) /* straight and diagonal */
        for (int d = 0; d < 2; d++)
            q[d][b] = (int32_t)(GAMMA / (d ? SQRT2 : 1) *
                                    exp(-EXP_MAX * b / EXP_BINS) * QUANT +
                                0.5);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            size_t i = (size_t)y * (size_t)W + (size_t)x;
            for (int k = 0; k < 4; k++) {
                int xx = x + idp__graph_dx[k], yy = y + idp__graph_dy[k];
                size_t j = (size_t)yy * (size_t)W + (size_t)xx;
                double z;
                pw[i * 4 + (size_t)k] = 0;
                if (xx < 0 || xx >= W || yy >= H)
                    continue;
                z = beta * colour_d2(w->img.px + 3 * i, w->img.px + 3 * j);
                if (z < EXP_MAX)
                    pw[i * 4 + (size_t)k] =
                        q[k >= 2][(int)(z * (EXP_BINS / EXP_MAX) + 0.5)];
            }
        }
    return pw;
}

/* The data terms of rows y0..y1 as source and sink capacities: person
 * costs d more, so the sink (wall) side is paid d < 0. */
typedef struct data_job {
    const idp__seg_work *w;
    const cut_models *m;
    const uint8_t *hard;
    int32_t *cap; /* 2 per pixel */
} data_job;

/* The pixels in the graph go DATA_BATCH at a time: their colours
 * gathered, the mixtures' densities taken in vectors, then each pixel's
 * term. */
#define DATA_BATCH 64

static void data_rows(void *p, int y0, int y1)
{
    data_job *j = p;
    const cut_models *m = j->m;
    const float *px = j->w->img.px;
    size_t W = (size_t)j->w->img.w, i = (size_t)y0 * W, end = (size_t)y1 * W;
    size_t at[DATA_BATCH];
    float col[3 * DATA_BATCH];
    double fg[DATA_BATCH], bg[DATA_BATCH];
    while (i < end) {
        size_t n = 0;
        for (; i < end && n < DATA_BATCH; i++)
            if (!j->hard[i]) {
                memcpy(col + 3 * n, px + 3 * i, 3 * sizeof *col);
                at[n++] = i;
            }
        if (m->has_fg)
            idp__gmm_nll_n(&m->fg, col, n, fg);
        if (m->has_bg)
            idp__gmm_nll_n(&m->bg, col, n, bg);
        for (size_t k = 0; k < n; k++) {
            double d = data_diff(m, at[k], m->has_fg ? fg[k] : 0,
                                 m->has_bg ? bg[k] : 0) *
                       QUANT;
            j->cap[2 * at[k]] = d < 0 ? (int32_t)(-d + 0.5) : 0;
            j->cap[2 * at[k] + 1] = d > 0 ? (int32_t)(d + 0.5) : 0;
        }
    }
}

/* One cut on graph g (the working grid; reset here); `cap`: room for
 * two capacities a pixel. Hard pixels stay out of the graph. */
static void graph_cut(idp__seg_work *w, const cut_models *m,
                      const uint8_t *hard, const int32_t *pw, int32_t *cap,
                      idp__graph *g)
{
    int W = w->img.w, H = w->img.h;
    data_job dj = {w, m, hard, cap};
    idp__par_rows(w->threads, H, data_rows, &dj);
    idp__graph_build(g, cap, pw, hard);
    idp__graph_maxflow(g);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            size_t i = (size_t)y * (size_t)W + (size_t)x;
            w->label[i] = hard[i] ? hard[i] == HARD_FG
                                  : (uint8_t)idp__graph_source_side(g, x, y);
        }
}

typedef struct piece {
    double sx, sy, area;
    int seed, bottom;
} piece;

/* Keep the person pieces that hold a certain-person pixel, and clothes:
 * large pieces on the bottom edge inside the body envelope (a dark suit
 * cut off from the neck by a white collar on a white wall). */
static int drop_islands(idp__seg_work *w, int *lab)
{
    size_t n = npix(w);
    int nc = idp__components(w->label, 1, w->img.w, w->img.h, lab);
    double fw2 = w->geom.fw * w->geom.fw;
    piece *p;
    if (nc < 0 || !(p = calloc((size_t)nc + 1, sizeof *p)))
        return -1;
    for (size_t i = 0; i < n; i++) {
        piece *o = p + lab[i];
        o->sx += (double)(i % (size_t)w->img.w) + 0.5;
        o->sy += (double)(i / (size_t)w->img.w) + 0.5;
        o->area += 1;
        o->seed |= w->seed[i] == IDP__SEED_FG;
        o->bottom |= i / (size_t)w->img.w == (size_t)w->img.h - 1;
    }
    for (int k = 1; k <= nc; k++)
        p[k].seed |= p[k].bottom && p[k].area >= CLOTHES_MIN * fw2 &&
                     idp__seg_in_body(&w->geom, p[k].sx / p[k].area,
                                      p[k].sy / p[k].area);
    for (size_t i = 0; i < n; i++)
        w->label[i] = (uint8_t)(lab[i] && p[lab[i]].seed);
    free(p);
    return 0;
}

typedef struct hole {
    double sx, sy, area;
    double fit; /* pixels that look like the wall */
    int open;   /* touches the top, left or right edge */
    int bottom; /* touches the bottom edge away from the chest */
    int chest;  /* touches the bottom edge under the chin */
} hole;

static void border_flags(const idp__seg_work *w, int x, int y, hole *o)
{
    int W = w->img.w, H = w->img.h;
    if (x == 0 || y == 0 || x == W - 1)
        o->open = 1;
    if (y == H - 1) {
        if (fabs(x + 0.5 - w->geom.chin_x) > CHEST_HALF * w->geom.fw)
            o->bottom = 1;
        else
            o->chest = 1;
    }
}

/* A background piece is wall when it reaches the open border; one that
 * reaches the bottom edge only under the chin is the shirt; an enclosed
 * one is wall when its centre is above the chin and it looks like the
 * wall (a gap between locks of hair: what the person has above the chin
 * in the wall's colour, the eyes' whites and teeth, is certain person and
 * never a hole), else filled when small or inside the head or on the
 * chest. */
static int is_wall(const idp__seg_work *w, const hole *o)
{
    double fw2 = w->geom.fw * w->geom.fw;
    if (o->open || o->bottom)
        return 1;
    if (!o->chest && o->sy / o->area < w->geom.chin_y &&
        o->fit >= HOLE_WALL * o->area)
        return 1; /* wall between long hair and the head or neck */
    if (o->chest || o->area < HOLE_SMALL * fw2)
        return 0;
    return !idp__seg_fill_zone(&w->geom, o->sx / o->area, o->sy / o->area);
}

static int fill_holes(idp__seg_work *w, const cut_models *m, int *lab)
{
    float like = (float)(LIKE_WALL * fmin(m->sigma, LIKE_SIGMA) * NORM3);
    size_t n = npix(w);
    int nc = idp__components(w->label, 0, w->img.w, w->img.h, lab);
    hole *h;
    uint8_t *wall;
    if (nc < 0)
        return -1;
    h = calloc((size_t)nc + 1, sizeof *h);
    wall = malloc((size_t)nc + 1);
    if (!h || !wall) {
        free(wall);
        free(h);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        int x = (int)(i % (size_t)w->img.w), y = (int)(i / (size_t)w->img.w);
        hole *o = h + lab[i];
        if (!lab[i])
            continue;
        o->sx += x + 0.5, o->sy += y + 0.5, o->area += 1;
        o->fit += m->wd[i] < like;
        border_flags(w, x, y, o);
    }
    for (int k = 1; k <= nc; k++)
        wall[k] = (uint8_t)is_wall(w, h + k);
    for (size_t i = 0; i < n; i++)
        if (lab[i] && !wall[lab[i]])
            w->label[i] = 1;
    free(wall);
    free(h);
    return 0;
}

/* log(prior) and log(1 - prior) of rows y0..y1 (log_pr holds both). */
typedef struct prior_job {
    const float *prior;
    size_t n, w;
    double *log_pr;
} prior_job;

static void prior_rows(void *p, int y0, int y1)
{
    prior_job *j = p;
    for (size_t i = (size_t)y0 * j->w; i < (size_t)y1 * j->w; i++) {
        double pr = j->prior[i];
        j->log_pr[i] = log(pr);
        j->log_pr[j->n + i] = log(1 - pr);
    }
}

/* Texture and pairwise weights: both read only the image. */
typedef struct prep {
    const idp__seg_work *w;
    float *tex;
    int32_t *pw;
} prep;

static void texture_task(void *p)
{
    prep *q = p;
    q->tex = texture(q->w);
}

static void pair_task(void *p)
{
    prep *q = p;
    q->pw = pair_weights(q->w);
}

idp_status idp__seg_cut(idp__seg_work *w)
{
    size_t n = npix(w);
    uint8_t *use = malloc(n), *fg = malloc(n), *hard = malloc(n);
    int *tmp = malloc(n * sizeof *tmp);
    int32_t *cap = malloc(n * 2 * sizeof *cap);
    prep pr = {w, NULL, NULL};
    idp__par2(w->threads, texture_task, &pr, pair_task, &pr);
    float *tex = pr.tex;
    int32_t *pw = pr.pw;
    idp__graph *g = idp__graph_new(w->img.w, w->img.h);
    cut_models m;
    idp_status st = IDP_E_NOMEM;
    double *log_pr = malloc(n * 2 * sizeof *log_pr);
    prior_job pj = {w->prior, n, (size_t)w->img.w, log_pr};
    m.wd = malloc(n * sizeof *m.wd);
    m.shade = malloc(n * sizeof *m.shade);
    if (!use || !fg || !hard || !tmp || !cap || !tex || !pw || !g || !m.wd ||
        !m.shade || !log_pr)
        goto done;
    m.tex = tex;
    choose_seeds(w);
    idp__par_rows(w->threads, w->img.h, prior_rows, &pj);
    m.log_pr = log_pr;
    m.log_not_pr = log_pr + n;
    for (int round = 0; round < 2; round++) {
        if (fit_models(w, round, &m, use, fg, tmp) != 0)
            goto done;
        hard_labels(w, &m, hard);
        graph_cut(w, &m, hard, pw, cap, g);
    }
    if (drop_islands(w, tmp) != 0 || fill_holes(w, &m, tmp) != 0)
        goto done;
    w->sigma = m.sigma;
    st = IDP_OK;
done:
    idp__graph_free(g);
    free(log_pr);
    free(m.shade);
    free(m.wd);
    free(pw);
    free(tex);
    free(cap);
    free(tmp);
    free(hard);
    free(fg);
    free(use);
    return st;
}
