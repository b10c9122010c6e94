/*
 * geometry.c - where the profile's bands put the face: the scale k (output
 * px per input px) and the crop rectangle that meet face width, eye line,
 * head top, head height and chin margin together. Pure arithmetic.
 *
 * With a = eye_y - crown_y (input px), the output has
 *   face width  fw*k          in FW,
 *   eye line    e             in E,
 *   crown       e - a*k       in T   =>  a*k in [Emin - Tmax, Emax - Tmin],
 *   head height hh*k          in HH,
 *   chin        e + c*k <= H - CB   (c = chin_y - eye_y).
 * k is the face-width target (the band's middle, but no upscaling beyond
 * what the bands force) clamped to the feasible interval; e is the middle
 * of its feasible range, moved as far as that range allows towards
 * keeping the crop inside the photo (a well-framed photo stays as it is).
 * Both aim slightly inside the bands' edges.
 */
#include "idp_internal.h"

#include <math.h>

typedef struct interval {
    double lo, hi;
} interval;

static interval band_or(idp_band b, double lo, double hi)
{
    interval i = {b.has_min ? b.min : lo, b.has_max ? b.max : hi};
    return i;
}

/* Aim this far inside a band's edges: a photo made exactly at an edge
 * measures a pixel outside it half the time (landmarks on the resampled
 * photo differ by about a pixel). */
#define FW_MARGIN  0.015 /* of the face-width band's edges, relative */
#define EYE_MARGIN 0.005 /* of the photo's height, for the eye line */

static interval inside(interval b, double rel)
{
    interval r = {b.lo * (1 + rel), b.hi * (1 - rel)};
    return r.lo <= r.hi ? r : b;
}

static void clip(interval *k, double lo, double hi)
{
    k->lo = fmax(k->lo, lo);
    k->hi = fmin(k->hi, hi);
}

static interval scale_range(const idp_profile *p, const idp_measurements *m,
                            double a)
{
    double hgt = p->height;
    interval k = {1e-6, 1e6};
    interval fw = inside(band_or(p->face_width, 0, p->width), FW_MARGIN);
    interval e = band_or(p->eye_line, 0, hgt);
    interval t = band_or(p->head_top, 0, hgt);
    interval hh = band_or(p->head_height, 0, hgt);
    double head = m->chin_y - m->head_top_y;
    if (m->face_width > 0)
        clip(&k, fw.lo / m->face_width, fw.hi / m->face_width);
    if (a > 0)
        clip(&k, (e.lo - t.hi) / a, (e.hi - t.lo) / a);
    if (head > 0)
        clip(&k, hh.lo / head, hh.hi / head);
    return k;
}

/* The middle of the face-width band; but never more upscaling than the
 * bands force: a small face is made as large as the band's lower edge,
 * not its middle (each upscale softens the face). Upscaling is k above
 * px, the file's pixels per measured pixel. */
static double pick_scale(const idp_profile *p, const idp_measurements *m,
                         interval k, double px)
{
    interval fw = band_or(p->face_width, 0, p->width);
    double target = (fw.lo + fw.hi) / 2 / fmax(1.0, m->face_width);
    if (target > px)
        target = px;
    if (k.lo > k.hi)
        return fmin(fmax(target, k.lo), fmax(k.lo, k.hi));
    return fmin(fmax(target, k.lo), k.hi);
}

/* The eye line closest to `want` that keeps the crop inside the photo:
 * its bottom first (the shoulders end there), then its top (background
 * added above the hair shows less). img_h 0: no photo to keep inside. */
static double inside_photo(const idp_measurements *m, double k, double hgt,
                           int img_h, double want)
{
    double bottom_in = hgt - (img_h - m->eye_line_y) * k; /* eye >= this */
    double top_in = m->eye_line_y * k;                    /* eye <= this */
    if (img_h <= 0)
        return want;
    if (bottom_in > top_in)
        return bottom_in;
    return fmin(fmax(want, bottom_in), top_in);
}

static double pick_eye(const idp_profile *p, const idp_measurements *m,
                       double k, double a, int img_h, int *ok)
{
    double hgt = p->height;
    interval e = band_or(p->eye_line, 0, hgt);
    interval t = band_or(p->head_top, 0, hgt);
    double cb = p->chin_bottom.has_min ? p->chin_bottom.min : 0;
    double c = m->chin_y - m->eye_line_y;
    interval r = {fmax(e.lo, t.lo + a * k), fmin(e.hi, t.hi + a * k)};
    double margin;
    r.hi = fmin(r.hi, hgt - cb - c * k);
    *ok = r.lo <= r.hi;
    if (!*ok)
        return (e.lo + e.hi) / 2;
    margin = fmin(EYE_MARGIN * hgt, (r.hi - r.lo) / 4);
    r.lo += margin;
    r.hi -= margin;
    return fmin(fmax(inside_photo(m, k, hgt, img_h, (r.lo + r.hi) / 2), r.lo),
                r.hi);
}

void idp__plan_crop(const idp_profile *p, const idp_measurements *m, int img_h,
                    double px, idp__crop_plan *plan)
{
    double a = m->eye_line_y - m->head_top_y;
    interval k = scale_range(p, m, a);
    int eye_ok = 0;
    plan->k = pick_scale(p, m, k, px);
    plan->eye_out = pick_eye(p, m, plan->k, a, img_h, &eye_ok);
    plan->feasible = k.lo <= k.hi && eye_ok;
    plan->crown_out = plan->eye_out - a * plan->k;
    plan->crop.w = p->width / plan->k;
    plan->crop.h = p->height / plan->k;
    plan->crop.x = m->face_centre_x - plan->crop.w / 2;
    plan->crop.y = m->eye_line_y - plan->eye_out / plan->k;
}
