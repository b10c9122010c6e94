/*
 * check_light.c - rules about the light on the face: enough light
 * (face_exposure), not backlit (backlight), both halves lit alike
 * (face_lighting_even, 阴阳脸) and no deep shadows (face_shadow).
 * Luminance is linear relative luminance Y (OFIQ's convention,
 * quality-checks.md §0); thresholds come from the profile.
 */
#include "checks.h"
#include "face_zones.h"
#include "segment.h"

#include <math.h>
#include <stdlib.h>

/* Regions larger than this (px) are read at every other pixel each way. */
#define THIN_ABOVE 20000

/* Linear Y of the pixels of r inside the face outline (a malloc'ed array
 * of *n values; NULL when none). */
static float *collect_y(const idp__px *p, idp_rect r, const idp_point *lm,
                        size_t *n)
{
    int x0, y0, x1, y1;
    float *v;
    *n = 0;
    if (!idp__px_clip(p, r, &x0, &y0, &x1, &y1))
        return NULL;
    v = malloc((size_t)(x1 - x0) * (size_t)(y1 - y0) * sizeof *v);
    if (!v)
        return NULL;
    int step = idp__px_step(x0, y0, x1, y1, THIN_ABOVE);
    idp__poly_row row = IDP__POLY_ROW;
    for (int y = y0; y < y1; y += step)
        for (int x = x0; x < x1; x += step)
            if (idp__in_face_row(lm, x + 0.5, y + 0.5, &row))
                v[(*n)++] = (float)idp__px_y(p, idp__px_at(p, x, y));
    if (*n == 0) {
        free(v);
        return NULL;
    }
    return v;
}

static double median_y(const idp__px *p, idp_rect r, const idp_point *lm)
{
    size_t n;
    float *v = collect_y(p, r, lm, &n);
    double m = v ? idp__quantile(v, n, 0.5) : NAN;
    free(v);
    return m;
}

static double zone_y(const idp__px *p, const idp__face_geo *g, idp_rect z);

/* The median Y of the lower face (face_exposure, backlight) and of the
 * two cheeks (face_lighting_even, face_shadow): e->light's when the check
 * keeps one, measured by the first rule that asks; else the rule's own. */
static double face_y(const idp__check_env *e, const idp__px *p,
                     const idp__face_geo *g)
{
    idp__light_memo own = {0, 0, NAN, {NAN, NAN}},
                    *m = e->light ? e->light : &own;
    if (!m->face_done) {
        m->face = median_y(p, idp__zone_lower_face(g), g->lm);
        m->face_done = 1;
    }
    return m->face;
}

static void cheeks_y(const idp__check_env *e, const idp__px *p,
                     const idp__face_geo *g, double y[2])
{
    idp__light_memo own = {0, 0, NAN, {NAN, NAN}},
                    *m = e->light ? e->light : &own;
    if (!m->cheeks_done) {
        m->cheek[0] = zone_y(p, g, idp__zone_cheek(g, 0));
        m->cheek[1] = zone_y(p, g, idp__zone_cheek(g, 1));
        m->cheeks_done = 1;
    }
    y[0] = m->cheek[0];
    y[1] = m->cheek[1];
}

/* Common start: pixels and the subject's geometry, or a skip. */
static int start(const idp__check_env *e, idp_check_result *r, idp__px *p,
                 idp__face_geo *g)
{
    if (!idp__px_start(e, r, p))
        return 0;
    idp__face_geo_of(e->subject->landmarks, g);
    return 1;
}

static double lstar(double y)
{
    return y > 216.0 / 24389 ? 116 * idp__cbrt(y) - 16 : y * 24389.0 / 27;
}

void idp__check_face_exposure(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    idp__px p;
    idp__face_geo g;
    double v;
    if (!start(e, r, &p, &g))
        return;
    v = lstar(face_y(e, &p, &g));
    if (!isnan(v) && v > l->exposure_high_warn)
        idp__res(
            r, idp__grade_high(v, l->exposure_high_warn, l->exposure_high_fail),
            v, "L*");
    else
        idp__res(r,
                 idp__grade_low(v, l->exposure_low_warn, l->exposure_low_fail),
                 v, "L*");
    idp__res_limit(r, "%.0f-%.0f L*", l->exposure_low_warn,
                   l->exposure_high_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else if (v > l->exposure_high_warn)
        idp__res_msg(r, "脸部过亮（亮度 L* %.0f）：请减弱灯光或避免闪光直射",
                     "the face is too bright (L* %.0f): soften the light, "
                     "no direct flash",
                     v);
    else
        idp__res_msg(r, "脸部太暗（亮度 L* %.0f）：请在光线充足处重拍",
                     "the face is too dark (L* %.0f): retake in more light", v);
}

/* The wall's luminance: the median of the matte's wall field colour. */
static double wall_y(const idp__check_env *e, const idp__px *p)
{
    uint8_t c[3] = {e->matte->wall.r, e->matte->wall.g, e->matte->wall.b};
    return idp__px_y(p, c);
}

void idp__check_backlight(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    idp__px p;
    idp__face_geo g;
    double face, v;
    if (!start(e, r, &p, &g))
        return;
    if (!e->matte) {
        idp__res_skip(r, "没有背景分割，无法判断",
                      "no person matte: cannot judge");
        return;
    }
    face = face_y(e, &p, &g);
    v = face > 0 ? wall_y(e, &p) / face : NAN;
    idp__res(r, idp__grade_high(v, l->backlight_warn, l->backlight_fail), v,
             "ratio");
    /* a bright wall is only backlight when the face is dark too */
    if (r->status != IDP_PASS && lstar(face) >= l->exposure_low_warn)
        r->status = IDP_PASS;
    idp__res_limit(r, "<= %.1f", l->backlight_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r,
                     "逆光：背景比脸亮 %.1f 倍，请让光线照在脸上，"
                     "不要背对窗户或灯",
                     "backlit: the background is %.1f times brighter "
                     "than the face; light the face, not the wall behind",
                     v);
}

/* Median linear Y of a zone grown by half its size each way (a larger
 * sample than OFIQ's squares, still on the cheek). */
static double zone_y(const idp__px *p, const idp__face_geo *g, idp_rect z)
{
    z.x -= z.w / 4;
    z.y -= z.h / 4;
    z.w *= 1.5;
    z.h *= 1.5;
    return median_y(p, z, g->lm);
}

void idp__check_face_lighting_even(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    idp__px p;
    idp__face_geo g;
    double y[2], yl, yr, v;
    if (!start(e, r, &p, &g))
        return;
    cheeks_y(e, &p, &g, y);
    yl = y[0];
    yr = y[1];
    v = fmin(yl, yr) > 0 ? fmax(yl, yr) / fmin(yl, yr) : NAN;
    idp__res(r, idp__grade_high(v, l->lighting_warn, l->lighting_fail), v,
             "ratio");
    idp__res_limit(r, "<= %.1f", l->lighting_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else if (yl < yr)
        idp__res_msg(r,
                     "阴阳脸：左半边脸比右半边暗 %.1f 倍，请让光线均匀照在脸上",
                     "uneven light: the left half of the face is %.1f "
                     "times darker; light both sides evenly",
                     v);
    else
        idp__res_msg(r,
                     "阴阳脸：右半边脸比左半边暗 %.1f 倍，请让光线均匀照在脸上",
                     "uneven light: the right half of the face is %.1f "
                     "times darker; light both sides evenly",
                     v);
}

void idp__check_face_shadow(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    idp__px p;
    idp__face_geo g;
    double y[3], lo, hi, v;
    if (!start(e, r, &p, &g))
        return;
    cheeks_y(e, &p, &g, y);
    y[2] = median_y(&p, idp__zone_bridge(&g), g.lm);
    lo = fmin(y[0], fmin(y[1], y[2]));
    hi = fmax(y[0], fmax(y[1], y[2]));
    v = hi > 0 ? lo / hi : NAN;
    idp__res(r, idp__grade_low(v, l->shadow_warn, l->shadow_fail), v, "ratio");
    idp__res_limit(r, ">= %.2f", l->shadow_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r,
                     "脸上有阴影（最暗处只有最亮处的 %.0f%%）：请调整光线"
                     "避免阴影",
                     "shadows on the face (the darkest part has %.0f%% of "
                     "the light of the brightest): move the light so no "
                     "shadow falls on the face",
                     100 * v);
}

void idp__env_light(const idp__check_env *e)
{
    idp__px p;
    idp__face_geo g;
    double y[2];
    if (!e->light || !e->subject || idp__px_init(&p, e->img) != 0)
        return;
    idp__face_geo_of(e->subject->landmarks, &g);
    (void)face_y(e, &p, &g);
    cheeks_y(e, &p, &g, y);
}
