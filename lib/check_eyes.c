/*
 * check_eyes.c - rules about the eyes: open (landmarks and pixels, each
 * eye on its own so a wink fails), looking ahead, no tinted lenses, no
 * glare on glasses, no red-eye, hair clear of the brows and eyes.
 * Methods: quality-checks.md §7.A, C, D, E, L. Thresholds: the profile.
 */
#include "checks.h"
#include "face_zones.h"
#include "segment.h"

#include <math.h>
#include <stdlib.h>

/* Below this eye width (px) the pixels of an eye say too little: Yale's
 * 22 px eyes read a lash line on open eyes in the shade. */
#define MIN_EYE_PX 24.0
/* Iris threshold needs this much L* between the darkest eye pixels and
 * the skin, else the eye is not judged from pixels. */
#define MIN_EYE_CONTRAST 15.0

typedef struct eye_px {
    double open_share; /* the more open of the two corner-row readings */
    double open_sure;  /* the less open of them */
    double iris_x;     /* 0..1 across the eye, corner to corner */
    double red;        /* red pixels / pupil area */
    int judged;        /* 0: too small or too little contrast */
} eye_px;

static double lstar_at(const idp__px *p, int x, int y, double lab[3])
{
    idp__px_lab(p, idp__px_at(p, x, y), lab);
    return lab[0];
}

/* The threshold between the darkest pixels of the eye's central box and
 * the skin; NAN when the contrast is too low to tell. */
static double iris_threshold(const idp__px *p, idp_rect box, double skin)
{
    int x0, y0, x1, y1;
    size_t n = 0;
    float *v;
    double lo, lab[3];
    if (!idp__px_clip(p, box, &x0, &y0, &x1, &y1))
        return NAN;
    v = malloc((size_t)(x1 - x0) * (size_t)(y1 - y0) * sizeof *v);
    if (!v)
        return NAN;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            v[n++] = (float)lstar_at(p, x, y, lab);
    lo = idp__quantile(v, n, 0.05);
    free(v);
    return skin - lo >= MIN_EYE_CONTRAST ? lo + 0.5 * (skin - lo) : NAN;
}

static int is_red(const uint8_t *c)
{
    int m = c[1] > c[2] ? c[1] : c[2];
    return c[0] > 100 && (c[0] - m) > 0.5 * c[0];
}

/* Share of the pixels of [xa, xb) on row y darker than the threshold. */
static double row_dark(const idp__px *p, int y, int xa, int xb, double thr)
{
    double lab[3];
    int n = 0;
    for (int x = xa; x < xb; x++)
        n += lstar_at(p, x, y, lab) < thr;
    return xb > xa ? (double)n / (double)(xb - xa) : 0;
}

/* Two readings of how open the eye looks on the rows within 0.1 eye
 * widths of the line of its corners (corner to corner, 0.1 in from each):
 * lash: 1 - the darkest row's dark share (a closed eye is one dark lash
 * line from corner to corner; an open one shows sclera beside the iris);
 * iris: the best row's min(dark share of the middle third, bright share
 * of each outer third), an iris between sclera (a closed eye's skin shows
 * no iris). Eye make-up's lash lines read closed on the first, a large
 * dark iris with little sclera on the second: an eye is read closed only
 * when both agree. 0, or -1 when the rows are outside the picture. */
static int corner_rows(const idp__px *p, const idp__face_geo *g, int side,
                       double thr, double *lash, double *iris)
{
    const idp_point *c0 = &g->lm[side == 0 ? 36 : 42];
    const idp_point *c3 = &g->lm[side == 0 ? 39 : 45];
    double w = g->eye_w[side], dark = 0, between = 0;
    int xa = (int)lround(c0->x + 0.1 * (c3->x - c0->x));
    int xb = (int)lround(c3->x - 0.1 * (c3->x - c0->x));
    int t1 = xa + (xb - xa) / 3, t2 = xb - (xb - xa) / 3;
    int dy = (int)lround(fmax(1.0, 0.1 * w)), cy = (int)lround(g->eye[side].y);
    if (t2 <= t1 || xa < 0 || xb > p->w || cy - dy < 0 || cy + dy >= p->h)
        return -1;
    for (int y = cy - dy; y <= cy + dy; y++) {
        double mid = row_dark(p, y, t1, t2, thr);
        double left = 1 - row_dark(p, y, xa, t1, thr);
        double right = 1 - row_dark(p, y, t2, xb, thr);
        dark = fmax(dark, row_dark(p, y, xa, xb, thr));
        between = fmax(between, fmin(mid, fmin(left, right)));
    }
    *lash = 1 - dark;
    *iris = between;
    return 0;
}

/* The central half of the eye, +-0.3 eye widths about its centre: the
 * iris (dark pixels) for the gaze, and red pixels for red-eye. */
static void measure_eye(const idp__px *p, const idp__face_geo *g, int side,
                        const double skin[3], eye_px *o)
{
    const idp_point *c0 = &g->lm[side == 0 ? 36 : 42];
    const idp_point *c3 = &g->lm[side == 0 ? 39 : 45];
    double w = g->eye_w[side], thr, lab[3], sx = 0, lash, iris;
    idp_rect box = {c0->x + 0.25 * (c3->x - c0->x), g->eye[side].y - 0.3 * w,
                    0.5 * (c3->x - c0->x), 0.6 * w};
    int x0, y0, x1, y1;
    size_t red = 0, in_eye = 0;
    o->judged = 0;
    o->open_share = o->open_sure = o->iris_x = o->red = NAN;
    if (w < MIN_EYE_PX || !idp__px_clip(p, box, &x0, &y0, &x1, &y1))
        return;
    thr = iris_threshold(p, box, skin[0]);
    if (isnan(thr))
        return;
    idp__poly_row row = IDP__POLY_ROW;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            int dk = lstar_at(p, x, y, lab) < thr;
            if (idp__in_eye_row(g->lm, side, x + 0.5, y + 0.5, &row)) {
                in_eye += (size_t)dk;
                sx += dk ? x + 0.5 : 0;
                red += (size_t)is_red(idp__px_at(p, x, y));
            }
        }
    if (corner_rows(p, g, side, thr, &lash, &iris) == 0) {
        o->open_share = fmax(lash, iris);
        o->open_sure = fmin(lash, iris);
        o->judged = 1;
    }
    o->iris_x = in_eye > 0 ? (sx / (double)in_eye - box.x) / box.w : NAN;
    o->red = fmin(1, (double)red / (3.14159265 * (0.15 * w) * (0.15 * w)));
}

static int eyes_measured(const idp__check_env *e, idp_check_result *r,
                         idp__px *p, idp__face_geo *g, eye_px o[2])
{
    double skin[3];
    if (!idp__px_start(e, r, p))
        return 0;
    idp__face_geo_of(e->subject->landmarks, g);
    idp__env_skin(e, p, g, skin);
    for (int s = 0; s < 2; s++)
        measure_eye(p, g, s, skin, &o[s]);
    return 1;
}

static void eyes_open_message(idp_check_result *r, double v, int by_pixels)
{
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else if (!by_pixels)
        idp__res_msg(r, "眼睛未自然睁开（开合度 %.2f）：请睁大双眼重拍",
                     "eyes not fully open (aspect ratio %.2f): open both "
                     "eyes naturally and retake",
                     v);
    else if (r->status == IDP_WARN)
        idp__res_msg(r,
                     "一只眼睛看起来像是闭着的（可见眼白 %.2f），需要人工"
                     "查看：请双眼自然睁开",
                     "an eye looks closed in the pixels (open share %.2f), "
                     "needs a person to look: open both eyes naturally",
                     v);
    else
        idp__res_msg(r, "眼睛闭合或眯眼（可见眼白 %.2f）：请双眼自然睁开重拍",
                     "an eye is closed or squinting (open share %.2f): open "
                     "both eyes naturally and retake",
                     v);
}

/* The pixel readings of each eye: its open share and the less open of
 * its two readings (NAN when it cannot be judged). */
static void eyes_pixel_open(const idp__check_env *e, double px[2],
                            double sure[2])
{
    idp__px p;
    idp__face_geo g;
    eye_px o[2];
    idp_check_result tmp;
    px[0] = px[1] = sure[0] = sure[1] = NAN;
    if (idp__px_init(&p, e->img) != 0 || !eyes_measured(e, &tmp, &p, &g, o))
        return;
    for (int s = 0; s < 2; s++)
        if (o[s].judged) {
            px[s] = o[s].open_share;
            sure[s] = o[s].open_sure;
        }
}

/* An open eye beside a closed one reads at least this on both readings. */
#define WINK_OTHER_OPEN 0.2

/* Landmarks (the smaller eye aspect ratio) grade the rule. dlib's lids
 * read open on some closed eyes, so the pixels of each eye are read too:
 * one eye closed (its corner line one dark lash line and no iris between
 * sclera) while both readings of the other show the eye is a wink and
 * fails; otherwise an eye reading closed while the lids read open warns
 * for a person to look (the pixels alone read some narrow, small or
 * shaded open eyes as closed, docs/checks.md). */
void idp__check_eyes_open(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    double ear = fmin(e->m->eye_open_left, e->m->eye_open_right), px[2];
    double sure[2], lo;
    idp_check_status se =
        idp__grade_low(ear, l->eye_open_warn, l->eye_open_fail);
    eyes_pixel_open(e, px, sure);
    lo = fmin(px[0], px[1]);
    if (se != IDP_FAIL && !isnan(lo) && lo <= l->eye_closed_share) {
        int shut = px[0] <= px[1] ? 0 : 1;
        int wink = sure[1 - shut] >= WINK_OTHER_OPEN;
        idp__res(r, wink ? IDP_FAIL : IDP_WARN, lo, "ratio");
        idp__res_limit(r, "> %.2f open share", l->eye_closed_share);
        eyes_open_message(r, lo, 1);
        return;
    }
    idp__res(r, se, ear, "ratio");
    idp__res_limit(r, ">= %.2f", l->eye_open_warn);
    eyes_open_message(r, ear, 0);
}

void idp__check_gaze_forward(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    idp__px p;
    idp__face_geo g;
    eye_px o[2];
    double v;
    if (!eyes_measured(e, r, &p, &g, o))
        return;
    v = (o[0].iris_x + o[1].iris_x) / 2 - 0.5;
    if (isnan(v)) {
        idp__res_look(r, "眼睛太小或对比度不足，视线需要人工查看",
                      "eyes too small or too low in contrast to read the "
                      "gaze: needs a person to look");
        return;
    }
    idp__res(r, idp__grade_high(fabs(v), l->gaze_warn, l->gaze_fail), v,
             "eye width");
    idp__res_limit(r, "|x| <= %.2f", l->gaze_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r, "眼睛没有平视镜头（偏移 %.2f 眼宽）：请直视镜头",
                     "the eyes look aside (%.2f of the eye width): look "
                     "straight into the lens",
                     v);
}

/* L* of the lens zones below the eyes: how much darker than the skin the
 * less dark of the two is (tinted lenses darken both). Dark eye make-up
 * and lash lines stay at the lids and brows, so the part of the lens
 * below the eye tells a lens from make-up (docs/checks.md). */
static int lens_darkening(const idp__check_env *e, const idp__px *p,
                          const idp__face_geo *g, double *v)
{
    double skin[3], lens[3], d = INFINITY;
    if (idp__env_skin(e, p, g, skin) == 0)
        return 0;
    for (int s = 0; s < 2; s++) {
        if (idp__px_median_lab(p, idp__zone_under_lens(g, s), 1, NULL, NULL,
                               lens) == 0)
            return 0;
        d = fmin(d, skin[0] - lens[0]);
    }
    *v = d;
    return 1;
}

void idp__check_tinted_glasses(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    idp__px p;
    idp__face_geo g;
    double v = NAN;
    if (!idp__px_start(e, r, &p))
        return;
    idp__face_geo_of(e->subject->landmarks, &g);
    if (!lens_darkening(e, &p, &g, &v)) {
        idp__res_look(r, "眼部不在画面内，需要人工查看",
                      "the eyes are outside the picture: needs a person to "
                      "look");
        return;
    }
    idp__res(r, idp__grade_high(v, l->tint_warn, l->tint_fail), v, "L*");
    idp__res_limit(r, "<= %.0f L* darker than skin", l->tint_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r,
                     "眼睛下方的镜片区比皮肤暗 %.0f（L*）：请摘下墨镜或有色"
                     "眼镜后重拍",
                     "the lenses below the eyes are %.0f L* darker than the "
                     "skin: take off sunglasses or tinted glasses and retake",
                     v);
}

typedef struct glare_pick {
    const idp__face_geo *g;
    int side;
} glare_pick;

static int is_specular(const uint8_t *c)
{
    int lo = c[0], hi = c[0];
    for (int k = 1; k < 3; k++) {
        lo = c[k] < lo ? c[k] : lo;
        hi = c[k] > hi ? c[k] : hi;
    }
    return lo >= 235 && hi - lo <= 25;
}

/* Near-white, colourless pixels of the lens zones outside the eyes
 * (catchlights in the eye are normal). */
static double glare_share(const idp__check_env *e, const idp__px *p,
                          const idp__face_geo *g)
{
    size_t n = 0, hit = 0;
    double skin[3], lab[3];
    if (idp__env_skin(e, p, g, skin) == 0)
        return NAN;
    for (int s = 0; s < 2; s++) {
        int x0, y0, x1, y1;
        idp__poly_row row = IDP__POLY_ROW;
        if (!idp__px_clip(p, idp__zone_lens(g, s), &x0, &y0, &x1, &y1))
            continue;
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++) {
                if (idp__in_eye_row(g->lm, s, x + 0.5, y + 0.5, &row) ||
                    (x + 0.5 > g->lm[39].x && x + 0.5 < g->lm[42].x))
                    continue; /* catchlights; the nose's highlight */
                n++;
                /* brighter than any skin of this face: a reflection */
                hit += (size_t)(is_specular(idp__px_at(p, x, y)) &&
                                lstar_at(p, x, y, lab) > skin[0] + 15);
            }
    }
    return n > 0 ? (double)hit / (double)n : NAN;
}

void idp__check_glasses_glare(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    idp__px p;
    idp__face_geo g;
    double v;
    if (!idp__px_start(e, r, &p))
        return;
    idp__face_geo_of(e->subject->landmarks, &g);
    v = glare_share(e, &p, &g);
    if (isnan(v)) {
        idp__res_look(r, "眼部不在画面内，需要人工查看",
                      "the eyes are outside the picture: needs a person to "
                      "look");
        return;
    }
    idp__res(r, idp__grade_high(v, l->glare_warn, l->glare_fail), v, "ratio");
    idp__res_limit(r, "<= %.3f", l->glare_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r,
                     "眼镜片反光（%.1f%% 的镜片区域）：请调整灯光角度或摘下"
                     "眼镜",
                     "glare on the glasses (%.1f%% of the lens area): move "
                     "the light or take the glasses off",
                     100 * v);
}

void idp__check_red_eye(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    idp__px p;
    idp__face_geo g;
    eye_px o[2];
    double v;
    if (!eyes_measured(e, r, &p, &g, o))
        return;
    v = fmax(o[0].judged ? o[0].red : NAN, o[1].judged ? o[1].red : NAN);
    if (isnan(v)) {
        idp__res_look(r, "眼睛太小，红眼需要人工查看",
                      "eyes too small to judge red-eye: needs a person to "
                      "look");
        return;
    }
    idp__res(r, idp__grade_high(v, l->red_eye_warn, l->red_eye_fail), v,
             "ratio");
    idp__res_limit(r, "<= %.2f of the pupil", l->red_eye_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r,
                     "红眼（瞳孔 %.0f%% 发红）：请关闭闪光灯或开启防红眼后重拍",
                     "red-eye (%.0f%% of the pupil): retake without flash "
                     "or with red-eye reduction",
                     100 * v);
}

/* Dark, colourless (hair-like) share of the band just above the brows. */
static double hair_share(const idp__check_env *e, const idp__px *p,
                         const idp__face_geo *g)
{
    double skin[3], lab[3];
    int x0, y0, x1, y1;
    size_t n = 0, hit = 0;
    if (idp__env_skin(e, p, g, skin) == 0 ||
        !idp__px_clip(p, idp__zone_brow_band(g), &x0, &y0, &x1, &y1))
        return NAN;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            idp__px_lab(p, idp__px_at(p, x, y), lab);
            n++;
            hit += lab[0] < skin[0] - 25 && hypot(lab[1], lab[2]) < 25;
        }
    return n > 0 ? (double)hit / (double)n : NAN;
}

void idp__check_hair_over_eyes(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    idp__px p;
    idp__face_geo g;
    double v;
    if (!idp__px_start(e, r, &p))
        return;
    idp__face_geo_of(e->subject->landmarks, &g);
    v = hair_share(e, &p, &g);
    if (isnan(v)) {
        idp__res_look(r, "眉毛上方不在画面内，需要人工查看",
                      "the forehead is outside the picture: needs a person "
                      "to look");
        return;
    }
    idp__res(r, idp__grade_high(v, l->hair_brows_warn, l->hair_brows_fail), v,
             "ratio");
    idp__res_limit(r, "<= %.2f", l->hair_brows_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else if (r->status == IDP_WARN)
        idp__res_msg(r,
                     "头发可能遮住眉毛（%.0f%%），需要人工查看：请露出眉毛和"
                     "眼睛",
                     "hair may cover the brows (%.0f%%), needs a person to "
                     "look: keep the brows and eyes clear",
                     100 * v);
    else
        idp__res_msg(r, "头发遮住眉毛（%.0f%%）：请把头发梳开，露出眉毛和眼睛",
                     "hair covers the brows (%.0f%%): comb it aside so the "
                     "brows and eyes show",
                     100 * v);
}
