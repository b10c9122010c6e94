/*
 * check_quality.c - rules about the image quality: sharp (sharpness),
 * clean (noise), not over-compressed (compression) and natural skin
 * colour (colour_natural). Methods: quality-checks.md §2 items 9-11.
 */
#include "checks.h"
#include "face_zones.h"
#include "segment.h"

#include <math.h>
#include <stdlib.h>

/* Sharpness is measured with the face resampled so the eyes are this far
 * apart: the same detail at any input size. */
#define SHARP_IED 64.0
/* The noise and blockiness sums visit at most about this many pixels
 * (rows and columns: a 480x640 photo every 3rd; the 30 ms budget). */
#define MAX_SAMPLES 60000

/* Mean |4-neighbour Laplacian| of the grey face box, IED = SHARP_IED. */
static double face_laplacian(const idp__check_env *e, const idp__face_geo *g)
{
    const idp_point *lm = g->lm;
    double k = SHARP_IED / fmax(g->ied, 1), sum = 0;
    idp_rect box = {lm[0].x, fmin(lm[19].y, lm[24].y), lm[16].x - lm[0].x, 0};
    int w, h;
    float *rgb, *grey;
    box.h = lm[8].y - box.y;
    w = (int)lround(box.w * k);
    h = (int)lround(box.h * k);
    if (w < 8 || h < 8 || w > 4096 || h > 4096)
        return NAN;
    rgb = malloc((size_t)w * (size_t)h * 4 * sizeof *rgb);
    if (!rgb)
        return NAN;
    grey = rgb + (size_t)w * (size_t)h * 3;
    idp__resample(e->img->pixels, e->img->stride, e->img->width, e->img->height,
                  box, w, h, 1, rgb);
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++)
        grey[i] = 0.299f * rgb[3 * i] + 0.587f * rgb[3 * i + 1] +
                  0.114f * rgb[3 * i + 2];
    for (int y = 1; y < h - 1; y++)
        for (int x = 1; x < w - 1; x++) {
            const float *c = grey + (size_t)y * (size_t)w + (size_t)x;
            sum += fabsf(4 * c[0] - c[-1] - c[1] - c[-w] - c[w]);
        }
    free(rgb);
    return sum / ((double)(w - 2) * (h - 2));
}

void idp__check_sharpness(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    idp__px p;
    idp__face_geo g;
    double v;
    if (!idp__px_start(e, r, &p))
        return;
    idp__face_geo_of(e->subject->landmarks, &g);
    v = face_laplacian(e, &g);
    idp__res(r, idp__grade_low(v, l->sharpness_warn, l->sharpness_fail), v,
             "grey/px");
    idp__res_limit(r, ">= %.1f", l->sharpness_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r,
                     "脸部不清晰（清晰度 %.1f）：请对焦在脸上，保持相机稳定后"
                     "重拍",
                     "the face is blurred (sharpness %.1f): focus on the "
                     "face, hold the camera still and retake",
                     v);
}

static double grey_of(const uint8_t *c)
{
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
}

static int sample_step(const idp__px *p)
{
    double n = (double)p->w * p->h;
    return n > MAX_SAMPLES ? (int)ceil(sqrt(n / MAX_SAMPLES)) : 1;
}

/* Immerkaer's fast noise estimate (CVIU 1996) over the flatter half of
 * the pixels (the smaller gradients), so edges do not count as noise. */
static double noise_sigma(const idp__px *p)
{
    int s = sample_step(p);
    size_t cap = (size_t)(p->w / s + 1) * (size_t)(p->h / s + 1), n = 0;
    float *resp = malloc(2 * cap * sizeof *resp), *grad;
    double sum = 0, gmid;
    size_t used = 0;
    if (!resp)
        return NAN;
    grad = resp + cap;
    for (int y = 1; y < p->h - 1; y += s) {
        const uint8_t *rows[3] = {idp__px_at(p, 0, y - 1), idp__px_at(p, 0, y),
                                  idp__px_at(p, 0, y + 1)};
        for (int x = 1; x < p->w - 1; x += s) {
            double a[9];
            for (int k = 0; k < 9; k++)
                a[k] = grey_of(rows[k / 3] + 3 * (x + k % 3 - 1));
            resp[n] = (float)fabs(a[0] - 2 * a[1] + a[2] - 2 * a[3] + 4 * a[4] -
                                  2 * a[5] + a[6] - 2 * a[7] + a[8]);
            grad[n++] = (float)(fabs(a[5] - a[3]) + fabs(a[7] - a[1]));
        }
    }
    if (n == 0) {
        free(resp);
        return NAN;
    }
    {
        float *tmp = malloc(n * sizeof *tmp);
        if (!tmp) {
            free(resp);
            return NAN;
        }
        for (size_t i = 0; i < n; i++)
            tmp[i] = grad[i];
        gmid = idp__quantile(tmp, n, 0.5);
        free(tmp);
    }
    for (size_t i = 0; i < n; i++)
        if (grad[i] <= gmid) {
            sum += resp[i];
            used++;
        }
    free(resp);
    return used ? sqrt(3.14159265358979 / 2) * sum / (double)used / 6 : NAN;
}

void idp__check_noise(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    idp__px p;
    double v;
    if (!idp__px_start(e, r, &p))
        return;
    v = noise_sigma(&p);
    idp__res(r, idp__grade_high(v, l->noise_warn, l->noise_fail), v, "grey");
    idp__res_limit(r, "<= %.1f", l->noise_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r, "照片噪点多（噪声 %.1f）：请在光线充足处拍摄，不要放大",
                     "the photo is noisy (sigma %.1f): take it in good light "
                     "and do not enlarge it",
                     v);
}

/* Mean step across the 8x8 JPEG block edges over the mean step between
 * other neighbours, horizontally and vertically (1: no blocks). */
static double blockiness(const idp__px *p)
{
    int s = sample_step(p);
    double edge = 0, other = 0;
    size_t ne = 0, no = 0;
    for (int y = 0; y < p->h - 1; y += s) {
        const uint8_t *c = idp__px_at(p, 0, y);
        double left = grey_of(c);
        for (int x = 0; x < p->w - 1; x++) {
            double right = grey_of(c + 3 * (x + 1)), dx = fabs(right - left);
            int at = (x & 7) == 7;
            edge += at ? dx : 0;
            ne += (size_t)at;
            other += at ? 0 : dx;
            no += !at;
            left = right;
        }
    }
    for (int x = 0; x < p->w; x += s) {
        const uint8_t *c = idp__px_at(p, x, 0);
        double up = grey_of(c);
        for (int y = 0; y < p->h - 1; y++) {
            double down = grey_of(c + (size_t)(y + 1) * p->stride);
            double dy = fabs(down - up);
            int at = (y & 7) == 7;
            edge += at ? dy : 0;
            ne += (size_t)at;
            other += at ? 0 : dy;
            no += !at;
            up = down;
        }
    }
    if (ne == 0 || no == 0 || other <= 0)
        return NAN;
    return (edge / (double)ne) / (other / (double)no);
}

void idp__check_compression(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    idp__px p;
    double v;
    if (!idp__px_start(e, r, &p))
        return;
    v = blockiness(&p);
    idp__res(r, idp__grade_high(v, l->blockiness_warn, l->blockiness_fail), v,
             "ratio");
    idp__res_limit(r, "<= %.2f", l->blockiness_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r,
                     "压缩过度，出现马赛克方块（%.2f）：请用原图，保存质量不"
                     "低于 60",
                     "over-compressed, with visible 8x8 blocks (%.2f): use "
                     "the original, saved at quality 60 or more",
                     v);
}

/* How far the skin's a*, b* lie outside OFIQ's natural box a* 5-25,
 * b* 5-35 (quality-checks.md §2 item 11). */
static double outside_skin_box(const double lab[3])
{
    double da = fmax(0, fmax(5 - lab[1], lab[1] - 25));
    double db = fmax(0, fmax(5 - lab[2], lab[2] - 35));
    return hypot(da, db);
}

void idp__check_colour_natural(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    idp__px p;
    idp__face_geo g;
    double lab[3], v;
    if (!idp__px_start(e, r, &p))
        return;
    if (!(e->m->colourfulness >= l->colour_fail)) {
        idp__res_skip(r, "不是彩色照片（见 colour_photo）",
                      "not a colour photo (see colour_photo)");
        return;
    }
    idp__face_geo_of(e->subject->landmarks, &g);
    v = idp__env_skin(e, &p, &g, lab) ? outside_skin_box(lab) : NAN;
    idp__res(r,
             idp__grade_high(v, l->colour_natural_warn, l->colour_natural_fail),
             v, "dE");
    idp__res_limit(r, "<= %.0f", l->colour_natural_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r,
                     "肤色不自然（偏离 %.0f）：请关闭滤镜和美颜，在白光下拍摄",
                     "unnatural skin colour (%.0f off): no filters or "
                     "beautification, take it in white light",
                     v);
}
