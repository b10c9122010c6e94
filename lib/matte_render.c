/*
 * matte_render.c - the matte at any output size: the working alpha
 * upsampled, then refined along its edge against the image. Pure C.
 *
 * Known-background matting. At a soft edge the colour is
 * I = a F + (1 - a) B. On a plain wall B is known well: the smooth field
 * plus a local correction (the residual of the certain wall within a band
 * width, spread by normalised convolution, which follows soft shadows);
 * F is the mean colour of the certain person within two band widths.
 * Then
 *   a = (|I - B| - nu) / (|F - B| - nu)
 * with nu the wall's own noise, so plain wall gets 0 and a strand of hair
 * the share of the pixel it covers. Where F and B are too alike for that
 * to be stable (a white shirt on a white wall) the upsampled working
 * alpha is kept (blended by |F - B| between CONF_LO and CONF_HI).
 *
 * The pixel's alpha from these: matte_edge.c (its constants too).
 *
 * Zones, by distance from the cut (the working alpha's 0.5 contour):
 *   band    within BAND_WORK working px on either side: estimated;
 *   outside up to OUTER bands (1 on a wall that is not plain: there
 *           lines of the background would pass for strands): estimated
 *           too, faded out over the outer
 *           TAPER share, and kept only where joined to the person through
 *           pixels of at least LINK (strands, not specks on the wall);
 *   inside  beyond the band: 1. Within it, alpha may only fall near the
 *           edge: >= depth / band and >= 2 a_work - 1 (the latter not
 *           where the pixel's hue is nearer the wall's than the person's:
 *           wall between strands of hair). Deeper in, a wall-coloured
 *           pixel is the person's own (white flowers on a shirt), not
 *           wall seen through hair.
 *
 * Hue (idp__hue_alpha): the a at which a F + (1 - a) B points the way the
 * pixel's colour does, so a darkened mix s (a F + (1 - a) B) still reads
 * right. A sharpened photo has a ring darker than both hair and wall just
 * outside light hair; |I - B| calls it person (a navy line on blonde hair
 * made over white). There, darker than the mix and of the wall's hue, the
 * hue's alpha is taken. Hue says nothing where F and B share one (grey
 * hair on a white wall) or the pixel has none (dark neutral hair): then
 * it is left out.
 */
#include "matte_edge.h"
#include "segment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BAND_WORK 2.5 /* refined band half-width, working px */
#define NOISE_MUL 3.0 /* nu = this x the median wall residual */
#define NOISE_MIN 2.0
#define OUTER     4    /* strands are looked for up to OUTER x band out, */
#define PLAIN     10.0 /* (wall_spread up to this, else 1 x band) */
#define LINK      0.08 /* joined through pixels of at least this alpha; */

typedef struct soft_buf {
    uint8_t *hm, *dil, *ero, *m, *out; /* out: !hm, then the outer zone */
    int *tmp;
    int32_t *chamfer;        /* 2 x n: the distances' integer work */
    float *res, *din, *dout; /* distance inside / outside the cut */
    idp__fill bg, fg; /* wall residual and person colour around the band */
} soft_buf;

static void soft_free(soft_buf *b)
{
    idp__fill_free(&b->fg);
    idp__fill_free(&b->bg);
    free(b->dout);
    free(b->din);
    free(b->res);
    free(b->chamfer);
    free(b->tmp);
    free(b->out);
    free(b->m);
    free(b->ero);
    free(b->dil);
    free(b->hm);
}

static int soft_alloc(soft_buf *b, size_t n)
{
    memset(b, 0, sizeof *b);
    b->hm = calloc(n, 1);
    b->dil = malloc(n);
    b->ero = malloc(n);
    b->m = malloc(n);
    b->out = malloc(n);
    b->tmp = malloc(n * sizeof *b->tmp);
    b->chamfer = malloc(2 * n * sizeof *b->chamfer);
    b->res = malloc(n * 3 * sizeof *b->res);
    b->din = malloc(n * sizeof *b->din);
    b->dout = malloc(n * sizeof *b->dout);
    if (b->hm && b->dil && b->ero && b->m && b->out && b->tmp && b->chamfer &&
        b->res && b->din && b->dout)
        return 0;
    soft_free(b);
    return -1;
}

/* What matte_edge.c reads (nu: the wall's noise, once known). */
static idp__edge zone_of(const idp__soft_in *in, const soft_buf *b, double nu)
{
    idp__edge z = {in->rgb, in->hard, b->din, b->dout,  b->hm,     b->out,
                   b->ero,  &b->bg,   &b->fg, in->coef, in->u0,    in->du,
                   in->v0,  in->dv,   in->w,  in->band, in->outer, nu};
    return z;
}

/* Wall noise: the median |I - B| over (at most 2000) certain wall
 * pixels. */
static double wall_noise(const idp__soft_in *in, const soft_buf *b)
{
    size_t n = (size_t)in->w * (size_t)in->h, cnt = 0, k = 0, step;
    idp__edge z = zone_of(in, b, 0);
    float v[2001];
    for (size_t i = 0; i < n; i++)
        cnt += b->m[i] != 0;
    if (cnt == 0)
        return NOISE_MIN;
    step = cnt / 2000 + 1;
    cnt = 0;
    for (size_t i = 0; i < n && cnt < 2001; i++)
        if (b->m[i] && k++ % step == 0)
            v[cnt++] = (float)idp__edge_wall_diff(&z, i);
    return idp__quantile(v, cnt, 0.5);
}

/* One normalised fill (the wall residual, the person colour). */
typedef struct fill_job {
    idp__fill *f;
    const float *val;
    const uint8_t *mask;
    int w, h, r;
    const float *dflt;
    int rc;
} fill_job;

static void fill_task(void *p)
{
    fill_job *j = p;
    j->rc = idp__fill_make(j->f, j->val, 3, j->mask, j->w, j->h, j->r, j->dflt);
}

typedef struct residual_job {
    const idp__soft_in *in;
    float *res;
} residual_job;

/* The pixels' residual from the wall field, rows y0..y1-1. */
static void residual_rows(void *p, int y0, int y1)
{
    const residual_job *j = p;
    const idp__soft_in *in = j->in;
    for (int y = y0; y < y1; y++) {
        float *res = j->res + (size_t)y * (size_t)in->w * 3;
        idp__wall_row(in->coef, in->v0 + (y + 0.5) * in->dv, in->u0, in->du,
                      in->w, res);
        for (size_t x = 0; x < (size_t)in->w * 3; x++) {
            float f = res[x] < 0 ? 0 : res[x] > 255 ? 255 : res[x];
            res[x] = in->rgb[(size_t)y * (size_t)in->w * 3 + x] - f;
        }
    }
}

/* The wall B and the person F around the band (zones() first). */
static int estimate_bf(const idp__soft_in *in, soft_buf *b, double *noise)
{
    size_t n = (size_t)in->w * (size_t)in->h;
    int rb = in->band, rf = 2 * in->band; /* reach of the B and F means */
    float zero[3] = {0, 0, 0}, mean[3] = {0, 0, 0};
    double sum[3] = {0, 0, 0}, cnt = 0;
    residual_job rj = {in, b->res};
    idp__par_rows(in->threads, in->h, residual_rows, &rj);
    for (size_t i = 0; i < n; i++) {
        b->m[i] = !b->dil[i];
        if (b->ero[i]) {
            for (int c = 0; c < 3; c++)
                sum[c] += in->rgb[3 * i + (size_t)c];
            cnt++;
        }
    }
    for (int c = 0; c < 3 && cnt > 0; c++)
        mean[c] = (float)(sum[c] / cnt);
    fill_job bg = {&b->bg, b->res, b->m, in->w, in->h, rb, zero, 0};
    fill_job fg = {&b->fg, in->rgb, b->ero, in->w, in->h, rf, mean, 0};
    idp__par2(in->threads, fill_task, &bg, fill_task, &fg);
    if (bg.rc || fg.rc)
        return -1;
    *noise = fmax(NOISE_MUL * wall_noise(in, b), NOISE_MIN);
    return 0;
}

/* Outside the cut, keep only alpha joined to the person through pixels
 * of at least LINK: strands, not specks on the wall. */
static int keep_linked(const idp__soft_in *in, soft_buf *b, float *alpha)
{
    size_t n = (size_t)in->w * (size_t)in->h, qh = 0, qt = 0;
    int *q = b->tmp, w = in->w, h = in->h;
    uint8_t *seen = b->m;
    for (size_t i = 0; i < n; i++) { /* start beside the cut */
        seen[i] = !b->hm[i] && b->dout[i] < 1.5f && alpha[i] >= LINK;
        if (seen[i])
            q[qt++] = (int)i;
    }
    while (qh < qt) {
        int i = q[qh++], x = i % w, y = i / w;
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++) {
                int xx = x + dx, yy = y + dy, j = yy * w + xx;
                if (xx < 0 || yy < 0 || xx >= w || yy >= h || seen[j] ||
                    b->hm[j] || alpha[j] < LINK)
                    continue;
                seen[j] = 1;
                q[qt++] = j;
            }
    }
    for (size_t i = 0; i < n; i++)
        if (!b->hm[i] && !seen[i])
            alpha[i] = 0;
    return 0;
}

/* The cut, the distances inside and outside it, and the zones: the band
 * (within `band` of the cut), the certain person beyond it, the outer
 * zone (within in->outer bands outside). */
typedef struct dist_job {
    const uint8_t *mask;
    int w, h;
    int32_t *tmp;
    float *d;
} dist_job;

static void dist_task(void *p)
{
    dist_job *j = p;
    idp__dist_inside(j->mask, j->w, j->h, j->tmp, j->d);
}

static void zones(const idp__soft_in *in, soft_buf *b)
{
    size_t n = (size_t)in->w * (size_t)in->h;
    float band = (float)in->band, reach = (float)(in->outer * in->band);
    dist_job inside = {b->hm, in->w, in->h, b->chamfer, b->din};
    dist_job outside = {b->out, in->w, in->h, b->chamfer + n, b->dout};
    for (size_t i = 0; i < n; i++) {
        b->hm[i] = in->hard[i] >= 0.5f;
        b->out[i] = !b->hm[i];
    }
    idp__par2(in->threads, dist_task, &inside, dist_task, &outside);
    for (size_t i = 0; i < n; i++) {
        b->dil[i] = b->hm[i] || b->dout[i] <= band;
        b->ero[i] = b->din[i] > band;
        b->out[i] = b->dout[i] <= reach;
    }
}

typedef struct alpha_job {
    idp__edge z;
    float *alpha;
} alpha_job;

static void alpha_rows(void *p, int y0, int y1)
{
    alpha_job *j = p;
    for (int y = y0; y < y1; y++)
        idp__edge_row(&j->z, y, j->alpha + (size_t)y * (size_t)j->z.w, 1);
}

int idp__soft_alpha(const idp__soft_in *in, float *alpha)
{
    size_t n = (size_t)in->w * (size_t)in->h;
    soft_buf b;
    alpha_job aj;
    double nu;
    int rc;
    if (soft_alloc(&b, n))
        return -1;
    zones(in, &b);
    if (estimate_bf(in, &b, &nu)) {
        soft_free(&b);
        return -1;
    }
    aj = (alpha_job){zone_of(in, &b, nu), alpha};
    idp__par_rows(in->threads, in->h, alpha_rows, &aj);
    rc = keep_linked(in, &b, alpha);
    soft_free(&b);
    return rc;
}

void idp__matte_wall_cols(const idp__matte *mt, double x0, double sx, int n,
                          double *u)
{
    for (int i = 0; i < n; i++)
        u[i] = (x0 + (i + 0.5) * sx) / mt->img_w;
}

void idp__matte_wall_row(const idp__matte *mt, const double *u, int n, double y,
                         float *rgb)
{
    idp__wall_eval_row(&mt->wall_coef[0][0], u, n, y / mt->img_h, rgb);
}

/* Bilinear taps along one axis: output index o samples the working grid
 * (n cells over `size` input px) at input position p0 + (o + 0.5) step;
 * `in` is 0 where that position is outside the image. */
typedef struct axis {
    int *i0, *i1;
    float *f;
    uint8_t *in;
} axis;

static int axis_make(axis *a, int n_out, double p0, double step, int n,
                     double size)
{
    a->i0 = malloc((size_t)n_out * sizeof *a->i0);
    a->i1 = malloc((size_t)n_out * sizeof *a->i1);
    a->f = malloc((size_t)n_out * sizeof *a->f);
    a->in = malloc((size_t)n_out);
    if (!a->i0 || !a->i1 || !a->f || !a->in)
        return -1;
    for (int o = 0; o < n_out; o++) {
        double p = p0 + (o + 0.5) * step, g = p * n / size - 0.5;
        int k;
        a->in[o] = p >= 0 && p < size;
        g = g < 0 ? 0 : g > n - 1 ? n - 1 : g;
        k = (int)g;
        a->i0[o] = k;
        a->i1[o] = k + 1 < n ? k + 1 : n - 1;
        a->f[o] = (float)(g - k);
    }
    return 0;
}

static void axis_free(axis *a)
{
    free(a->in);
    free(a->f);
    free(a->i1);
    free(a->i0);
}

/* The working alpha (0..1) at every output pixel, bilinear; 0 where the
 * pixel centre is outside the image. */
static int upsample_alpha(const idp__matte *mt, idp_rect src, int ow, int oh,
                          float *hard)
{
    axis ax, ay;
    int rc = -1;
    memset(&ax, 0, sizeof ax);
    memset(&ay, 0, sizeof ay);
    if (axis_make(&ax, ow, src.x, src.w / ow, mt->ww, mt->img_w) == 0 &&
        axis_make(&ay, oh, src.y, src.h / oh, mt->wh, mt->img_h) == 0) {
        for (int y = 0; y < oh; y++) {
            const uint8_t *r0 = mt->alpha + (size_t)ay.i0[y] * (size_t)mt->ww;
            const uint8_t *r1 = mt->alpha + (size_t)ay.i1[y] * (size_t)mt->ww;
            float fy = ay.f[y], *o = hard + (size_t)y * (size_t)ow;
            for (int x = 0; x < ow; x++) {
                float fx = ax.f[x];
                float a = (1 - fx) * r0[ax.i0[x]] + fx * r0[ax.i1[x]];
                float b = (1 - fx) * r1[ax.i0[x]] + fx * r1[ax.i1[x]];
                o[x] = ax.in[x] && ay.in[y] ? ((1 - fy) * a + fy * b) / 255 : 0;
            }
        }
        rc = 0;
    }
    axis_free(&ay);
    axis_free(&ax);
    return rc;
}

/* Alpha to bytes; 0 where the pixel centre is outside the image. */
static void store(const idp__matte *mt, idp_rect src, int ow, int oh,
                  const float *alpha, uint8_t *out)
{
    double sx = src.w / ow, sy = src.h / oh;
    for (int y = 0; y < oh; y++) {
        double iy = src.y + (y + 0.5) * sy;
        for (int x = 0; x < ow; x++) {
            double ix = src.x + (x + 0.5) * sx;
            size_t i = (size_t)y * (size_t)ow + (size_t)x;
            int in = ix >= 0 && iy >= 0 && ix < mt->img_w && iy < mt->img_h;
            out[i] = in ? (uint8_t)(alpha[i] * 255 + 0.5f) : 0;
        }
    }
}

idp_status idp__matte_render(idp_ctx *ctx, const idp__matte *mt,
                             const idp_image *img, idp_rect src, int out_w,
                             int out_h, uint8_t *out)
{
    size_t n = (size_t)out_w * (size_t)out_h;
    float *rgb, *hard, *alpha;
    idp__soft_in in;
    idp_status st;
    double k;
    if (!mt || !img || !out || out_w <= 0 || out_h <= 0 || src.w <= 0 ||
        src.h <= 0)
        return idp__fail(ctx, IDP_E_INTERNAL, "matte render: bad arguments");
    rgb = malloc(n * 3 * sizeof *rgb);
    hard = malloc(n * sizeof *hard);
    alpha = malloc(n * sizeof *alpha);
    if (!rgb || !hard || !alpha) {
        free(alpha);
        free(hard);
        free(rgb);
        return idp__fail(ctx, IDP_E_NOMEM, "matte render: out of memory");
    }
    idp__resample(img->pixels, img->stride, img->width, img->height, src, out_w,
                  out_h, ctx ? ctx->threads : 1, rgb);
    if (upsample_alpha(mt, src, out_w, out_h, hard) != 0) {
        free(alpha);
        free(hard);
        free(rgb);
        return idp__fail(ctx, IDP_E_NOMEM, "matte render: out of memory");
    }
    k = out_w / src.w / mt->work_scale; /* output px per working px */
    in.rgb = rgb;
    in.hard = hard;
    in.w = out_w;
    in.h = out_h;
    in.band = (int)ceil(BAND_WORK * (k > 1 ? k : 1));
    in.outer = mt->wall_spread > PLAIN ? 1 : OUTER;
    in.coef = &mt->wall_coef[0][0];
    in.u0 = src.x / mt->img_w;
    in.du = src.w / out_w / mt->img_w;
    in.v0 = src.y / mt->img_h;
    in.dv = src.h / out_h / mt->img_h;
    in.threads = ctx ? ctx->threads : 1;
    st = idp__soft_alpha(&in, alpha) == 0 ? IDP_OK : IDP_E_NOMEM;
    if (st == IDP_OK)
        store(mt, src, out_w, out_h, alpha, out);
    free(alpha);
    free(hard);
    free(rgb);
    if (st != IDP_OK)
        return idp__fail(ctx, st, "matte render: out of memory");
    return IDP_OK;
}
