/*
 * segment.c - idp__segment(): a soft alpha matte of the subject, and the
 * crown (top of the hair) read from it. Pure C.
 *
 * The image is resampled to a working size where the face is FACE_WORK px
 * wide (at most WORK_MAX_PX pixels) and cut into person and wall there
 * (seg_cut.c); the labels are the working alpha. idp__matte_render() makes
 * the soft edges at whatever size the output is made (matte_render.c).
 *
 * Working grid: pixel (x, y) covers input [x W / ww, (x + 1) W / ww) and
 * likewise in y with H / wh, so its centre is at u = (x + 0.5) / ww,
 * v = (y + 0.5) / wh in the wall field's coordinates. work_scale = ww / W;
 * wh / H differs from it by the rounding of wh only.
 *
 * Crown: the first row, scanning down the working alpha, where at least
 * CROWN_SHARE of the columns x_c +- 0.35 FW are person; refined on a strip
 * rendered at CROWN_ZOOM times the working scale (at most 1:1).
 */
#include "segment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FACE_WORK    100.0  /* face width at the working size, px */
#define WORK_MAX_PX  100000 /* working pixels at most */
#define WORK_MIN     16     /* working side at least */
#define CERTAIN_BG   3      /* wall statistics this far from the person */
#define CROWN_HALF   0.35   /* crown columns: x_c +- this x FW */
#define CROWN_SHARE  0.05   /* of those columns must be person */
#define CROWN_ZOOM   4.0    /* refinement strip scale / working scale */
#define CROWN_MARGIN 8.0    /* strip half-height, working px */

void idp__matte_free(idp__matte *mt)
{
    if (!mt)
        return;
    free(mt->alpha);
    free(mt);
}

static void work_size(const idp_image *img, const idp_face *f, int *ww, int *wh)
{
    const idp_point *lm = f->landmarks;
    double fw = hypot(lm[16].x - lm[0].x, lm[16].y - lm[0].y);
    double area = (double)img->width * img->height;
    double s = fw > 1 ? FACE_WORK / fw : 1;
    if (s > 1)
        s = 1;
    if (area * s * s > WORK_MAX_PX)
        s = sqrt(WORK_MAX_PX / area);
    *ww = (int)lround(img->width * s);
    *wh = (int)lround(img->height * s);
    *ww =
        *ww < WORK_MIN ? (img->width < WORK_MIN ? img->width : WORK_MIN) : *ww;
    *wh = *wh < WORK_MIN ? (img->height < WORK_MIN ? img->height : WORK_MIN)
                         : *wh;
}

static void work_free(idp__seg_work *w)
{
    free(w->label);
    free(w->prior);
    free(w->seed);
    free(w->img.px);
}

static int work_alloc(idp__seg_work *w, int ww, int wh)
{
    size_t n = (size_t)ww * (size_t)wh;
    memset(w, 0, sizeof *w);
    w->img.w = ww;
    w->img.h = wh;
    w->img.px = malloc(n * 3 * sizeof *w->img.px);
    w->seed = malloc(n);
    w->prior = malloc(n * sizeof *w->prior);
    w->label = malloc(n);
    if (w->img.px && w->seed && w->prior && w->label)
        return 0;
    work_free(w);
    return -1;
}

/* The working alpha: the labels. Softness is made by idp__matte_render()
 * at the output size (a soft alpha here gained ~0.002 of band error on
 * the bench for 20 % of the time). */
static void working_alpha(const idp__seg_work *w, idp__matte *mt)
{
    size_t n = (size_t)w->img.w * (size_t)w->img.h;
    for (size_t i = 0; i < n; i++)
        mt->alpha[i] = w->label[i] ? 255 : 0;
}

/* Median wall colour and its spread over the certain background. */
static int wall_summary(const idp__seg_work *w, idp__matte *mt)
{
    size_t n = (size_t)w->img.w * (size_t)w->img.h;
    uint8_t *use = malloc(n);
    int *tmp = malloc(n * sizeof *tmp);
    if (!use || !tmp) {
        free(tmp);
        free(use);
        return -1;
    }
    idp__mask_morph(w->label, use, w->img.w, w->img.h, CERTAIN_BG, 1, tmp);
    for (size_t i = 0; i < n; i++)
        use[i] = !use[i];
    idp__wall_stats(&w->img, use, &w->coef[0][0], &mt->wall, &mt->wall_spread);
    free(tmp);
    free(use);
    return 0;
}

/* Crown columns at the working size: [*x0, *x1]; the brow row. */
static void crown_cols(const idp__matte *mt, const idp_point *lm, int *x0,
                       int *x1, int *brow)
{
    double sx = (double)mt->ww / mt->img_w, sy = (double)mt->wh / mt->img_h;
    double xc = 0, fw = hypot(lm[16].x - lm[0].x, lm[16].y - lm[0].y),
           by = 1e30;
    for (int i = 36; i <= 47; i++)
        xc += lm[i].x / 12;
    for (int i = 17; i <= 26; i++)
        by = fmin(by, lm[i].y);
    *x0 = (int)floor((xc - CROWN_HALF * fw) * sx);
    *x1 = (int)ceil((xc + CROWN_HALF * fw) * sx);
    *x0 = *x0 < 0 ? 0 : *x0;
    *x1 = *x1 >= mt->ww ? mt->ww - 1 : *x1;
    *brow = (int)(by * sy);
    *brow = *brow > mt->wh ? mt->wh : *brow;
}

/* First row of `a` (w wide, rows `rows`) with enough person columns in
 * [x0, x1]; -1 when none. */
static int first_row(const uint8_t *a, int w, int rows, int x0, int x1)
{
    int need = (int)ceil(CROWN_SHARE * (x1 - x0 + 1));
    need = need < 2 ? 2 : need;
    for (int y = 0; y < rows; y++) {
        int cnt = 0;
        for (int x = x0; x <= x1; x++)
            cnt += a[(size_t)y * (size_t)w + (size_t)x] > 127;
        if (cnt >= need)
            return y;
    }
    return -1;
}

/* Refine the crown row `row` (working) on a finer strip. */
static idp_status crown_refine(idp_ctx *ctx, const idp__matte *mt,
                               const idp_image *img, int x0, int x1, int row,
                               double *y)
{
    double ws = mt->work_scale, zs = fmin(CROWN_ZOOM * ws, 1.0);
    idp_rect r;
    int ow, oh, top;
    uint8_t *a;
    idp_status st;
    r.x = x0 / ws;
    r.w = (x1 + 1 - x0) / ws;
    r.y = (row - CROWN_MARGIN) * mt->img_h / mt->wh;
    r.h = 2 * CROWN_MARGIN * mt->img_h / mt->wh;
    ow = (int)ceil(r.w * zs);
    oh = (int)ceil(r.h * zs);
    if (!(a = malloc((size_t)ow * (size_t)oh)))
        return idp__fail(ctx, IDP_E_NOMEM, "crown: out of memory");
    st = idp__matte_render(ctx, mt, img, r, ow, oh, a);
    if (st == IDP_OK && (top = first_row(a, ow, oh, 0, ow - 1)) >= 0)
        *y = fmax(r.y + top * r.h / oh, 0);
    free(a);
    return st;
}

static idp_status find_crown(idp_ctx *ctx, idp__matte *mt, const idp_image *img,
                             const idp_face *f)
{
    int x0, x1, brow, row;
    mt->crown_y = NAN;
    mt->crown_cut = 0;
    crown_cols(mt, f->landmarks, &x0, &x1, &brow);
    if (x1 < x0 || brow <= 0)
        return IDP_OK;
    row = first_row(mt->alpha, mt->ww, brow, x0, x1);
    if (row < 0)
        return IDP_OK;
    if (row == 0) {
        mt->crown_y = 0;
        mt->crown_cut = 1;
        return IDP_OK;
    }
    mt->crown_y = (row + 0.5) * mt->img_h / mt->wh;
    return crown_refine(ctx, mt, img, x0, x1, row, &mt->crown_y);
}

static idp_status segment_work(idp_ctx *ctx, const idp_image *img,
                               const idp_face *f, idp__matte *mt)
{
    idp__seg_work w;
    idp_rect all = {0, 0, img->width, img->height};
    idp_status st = IDP_E_NOMEM;
    if (work_alloc(&w, mt->ww, mt->wh))
        return idp__fail(ctx, st, "segmentation: out of memory");
    w.threads = ctx->threads;
    idp__resample(img->pixels, img->stride, img->width, img->height, all,
                  mt->ww, mt->wh, w.threads, w.img.px);
    idp__seg_geom_init(&w.geom, f->landmarks, (double)mt->ww / img->width,
                       (double)mt->wh / img->height);
    if (idp__seg_cut(&w) == IDP_OK && wall_summary(&w, mt) == 0) {
        working_alpha(&w, mt);
        memcpy(mt->wall_coef, w.coef, sizeof w.coef);
        st = IDP_OK;
    }
    work_free(&w);
    if (st != IDP_OK)
        return idp__fail(ctx, st, "segmentation: out of memory");
    return find_crown(ctx, mt, img, f);
}

idp_status idp__segment(idp_ctx *ctx, const idp_image *img,
                        const idp_face *subject, idp__matte **out)
{
    idp__matte *mt;
    idp_status st;
    if (!out)
        return idp__fail(ctx, IDP_E_INTERNAL, "segmentation: no output");
    *out = NULL;
    if (!img || !subject || img->width <= 0 || img->height <= 0)
        return idp__fail(ctx, IDP_E_INTERNAL, "segmentation: no image");
    if (!(mt = calloc(1, sizeof *mt)))
        return idp__fail(ctx, IDP_E_NOMEM, "segmentation: out of memory");
    work_size(img, subject, &mt->ww, &mt->wh);
    mt->img_w = img->width;
    mt->img_h = img->height;
    mt->work_scale = (double)mt->ww / img->width;
    mt->alpha = malloc((size_t)mt->ww * (size_t)mt->wh);
    st = mt->alpha ? segment_work(ctx, img, subject, mt) : IDP_E_NOMEM;
    if (st != IDP_OK) {
        idp__matte_free(mt);
        if (st == IDP_E_NOMEM)
            return idp__fail(ctx, st, "segmentation: out of memory");
        return st;
    }
    *out = mt;
    return IDP_OK;
}
