/*
 * check_person.c - rules about what the person wears and how they stand:
 * no head covering (head_covering), ears visible (ears_visible, warn
 * only), shoulders level (shoulders_level), and the warn-only jewellery
 * and makeup flags. Methods: quality-checks.md §7.I, L, M, N. The rules
 * that cannot be judged reliably from pixels warn "needs a person to
 * look" rather than pass in silence.
 */
#include "checks.h"
#include "face_zones.h"

#include <math.h>
#include <stdlib.h>

#define PERSON  128 /* matte alpha at or above: the person */
#define SKIN_DE 20  /* CIE76 from the cheeks' median: skin */
#define PI      3.14159265358979323846

static double de76(const double a[3], const double b[3])
{
    return sqrt(pow(a[0] - b[0], 2) + pow(a[1] - b[1], 2) +
                pow(a[2] - b[2], 2));
}

typedef struct person_env {
    idp__px p;
    idp__face_geo g;
    double skin[3];
    const idp__matte *mt;
} person_env;

static int person_start(const idp__check_env *e, idp_check_result *r,
                        person_env *pe)
{
    if (!idp__px_start(e, r, &pe->p))
        return 0;
    idp__face_geo_of(e->subject->landmarks, &pe->g);
    pe->mt = e->matte;
    if (idp__env_skin(e, &pe->p, &pe->g, pe->skin) == 0) {
        idp__res_look(r, "看不到脸颊皮肤，需要人工查看",
                      "the cheeks are not visible: needs a person to look");
        return 0;
    }
    return 1;
}

static int is_person(const person_env *pe, int x, int y)
{
    return !pe->mt || idp__matte_alpha(pe->mt, x + 0.5, y + 0.5) >= PERSON;
}

static void warn_look(idp_check_result *r, const char *zh, const char *en,
                      double v)
{
    idp__res(r, IDP_WARN, v, "ratio");
    idp__res_msg(r, zh, en, 100 * v);
}

/* A test of one pixel's Lab colour; `ref` is the test's own (a colour). */
typedef int (*colour_test)(const person_env *pe, const double c[3],
                           const double *ref);

/* The pixels of zone z on a grid of at most `budget` (0: every pixel),
 * only the person's when `person_only`: *n counted, *hit passing `test`.
 * 0 when the zone is outside the picture. */
static int count_zone(const person_env *pe, idp_rect z, int person_only,
                      int budget, colour_test test, const double *ref,
                      size_t *n, size_t *hit)
{
    int x0, y0, x1, y1, step;
    if (!idp__px_clip(&pe->p, z, &x0, &y0, &x1, &y1))
        return 0;
    step = budget > 0 ? idp__px_step(x0, y0, x1, y1, budget) : 1;
    for (int y = y0; y < y1; y += step)
        for (int x = x0; x < x1; x += step) {
            double c[3];
            if (person_only && !is_person(pe, x, y))
                continue;
            idp__px_lab(&pe->p, idp__px_at(&pe->p, x, y), c);
            (*n)++;
            *hit += (size_t)(test(pe, c, ref) != 0);
        }
    return 1;
}

/* Hair colour: the person beside the temples (between brows and eyes,
 * just outside the face), skin left out; NAN when none shows. */
static void hair_lab(const person_env *pe, double lab[3])
{
    const idp_point *lm = pe->g.lm;
    double top = fmin(lm[19].y, lm[24].y), w = 0.15 * pe->g.fw;
    double n = 0, acc[3] = {0, 0, 0};
    for (int s = 0; s < 2; s++) {
        double x0 = s == 0 ? lm[0].x - w : lm[16].x;
        int ax, ay, bx, by;
        idp_rect z = {x0, top, w, lm[0].y - top};
        int step;
        if (!idp__px_clip(&pe->p, z, &ax, &ay, &bx, &by))
            continue;
        step = idp__px_step(ax, ay, bx, by, 20000);
        for (int y = ay; y < by; y += step)
            for (int x = ax; x < bx; x += step) {
                double c[3];
                idp__px_lab(&pe->p, idp__px_at(&pe->p, x, y), c);
                if (!is_person(pe, x, y) || idp__like_colour(pe->skin, c))
                    continue;
                for (int k = 0; k < 3; k++)
                    acc[k] += c[k];
                n++;
            }
    }
    for (int k = 0; k < 3; k++)
        lab[k] = n > 0 ? acc[k] / n : NAN;
}

/* Neither skin nor hair (black, grey or white hair is colourless; brown
 * hair matches `hair`, the temples' colour). */
static int not_skin_or_hair(const person_env *pe, const double c[3],
                            const double *hair)
{
    double chroma = hypot(c[1], c[2]);
    return !(idp__like_colour(pe->skin, c) || chroma < 12 ||
             (c[0] < 40 && chroma < 30) ||
             (!isnan(hair[0]) && idp__like_colour(hair, c)));
}

/* Share of the person above the brows that is neither skin nor hair: a
 * hat, cap or scarf (quality-checks.md §7.M). */
static double covering_share(const idp__check_env *e, const person_env *pe)
{
    const idp_point *lm = pe->g.lm;
    double hair[3], brow = INFINITY, top, xc = (lm[0].x + lm[16].x) / 2;
    size_t n = 0, other = 0;
    for (int i = 17; i <= 26; i++)
        brow = fmin(brow, lm[i].y);
    top = isnan(e->m->head_top_y) ? brow - pe->g.t : e->m->head_top_y;
    hair_lab(pe, hair);
    idp_rect z = {xc - 0.4 * pe->g.fw, top, 0.8 * pe->g.fw,
                  brow - 0.05 * pe->g.ied - top};
    if (!count_zone(pe, z, 1, 20000, not_skin_or_hair, hair, &n, &other))
        return NAN;
    return n > 0 ? (double)other / (double)n : NAN;
}

/* Is Lab colour c not the forehead's skin? Skin is its colour under any
 * light; on a grey photo anything from the cheeks' lightness - 20 up (a
 * forehead is often lit brighter than the cheeks). */
static int not_forehead_skin(const person_env *pe, const double c[3],
                             const double *unused)
{
    (void)unused;
    if (hypot(pe->skin[1], pe->skin[2]) < 6)
        return !(hypot(c[1], c[2]) < 8 && c[0] > pe->skin[0] - 20);
    return !idp__like_colour(pe->skin, c);
}

/* Share of the forehead (between the brow peaks p19 and p24, 0.05 to 0.4
 * IED above the highest brow point) that is not skin: a cap's peak or a
 * hat's brim sits on the brows. NAN when it is outside the picture. */
static double forehead_cover(const person_env *pe)
{
    const idp_point *lm = pe->g.lm;
    double brow = INFINITY;
    size_t n = 0, other = 0;
    for (int i = 17; i <= 26; i++)
        brow = fmin(brow, lm[i].y);
    idp_rect z = {lm[19].x, brow - 0.4 * pe->g.ied, lm[24].x - lm[19].x,
                  0.35 * pe->g.ied};
    if (!count_zone(pe, z, 0, 20000, not_forehead_skin, NULL, &n, &other))
        return NAN;
    return n > 0 ? (double)other / (double)n : NAN;
}

/* The covered share of the head: above the brows, the person that is
 * neither skin nor hair. When the crown touches the top edge a hat's crown
 * is outside the picture and a black cap reads as black hair, so what
 * shows of it counts too: its peak or brim over the forehead (*brim set).
 * NAN when nothing above the brows is in the picture. */
static double covered(const idp__check_env *e, const person_env *pe, int *brim)
{
    double v = covering_share(e, pe), f;
    *brim = 0;
    if (e->m->head_top_y >= 1)
        return v;
    f = forehead_cover(pe);
    if (f > v || (isnan(v) && !isnan(f))) {
        *brim = 1;
        return f;
    }
    return v;
}

static void covering_message(idp_check_result *r, double v, int brim)
{
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else if (brim)
        idp__res_msg(r,
                     "额头被遮住（%.0f%% 不是皮肤），可能戴着帽子，帽檐压在"
                     "眉上：请摘下帽子，露出额头后重拍",
                     "the forehead is covered (%.0f%% of it is not skin): a "
                     "cap's peak or a hat's brim over the brows? take off the "
                     "hat so the forehead shows and retake",
                     100 * v);
    else
        idp__res_msg(r,
                     "头上可能戴有帽子或头饰（%.0f%% 既非头发也非皮肤）："
                     "请摘下帽子后重拍",
                     "a hat or head covering (%.0f%% of the head is neither "
                     "hair nor skin): take off the hat and retake",
                     100 * v);
}

void idp__check_head_covering(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    person_env pe;
    double v;
    int brim;
    if (!person_start(e, r, &pe))
        return;
    v = covered(e, &pe, &brim);
    if (isnan(v)) {
        idp__res_look(r, "头顶不在画面内，需要人工查看",
                      "the top of the head is outside the picture: needs a "
                      "person to look");
        return;
    }
    idp__res(r, idp__grade_high(v, l->covering_warn, l->covering_fail), v,
             "ratio");
    idp__res_limit(r, "<= %.2f", l->covering_warn);
    if (r->status == IDP_PASS && !(e->m->head_top_y >= 1)) {
        /* the crown touches the top edge: a hat may be out of the picture
         * (the forehead, read too, is bare) */
        warn_look(r,
                  "头顶到达画面上边缘，无法判断是否戴帽（可见部分 %.0f%% "
                  "既非头发也非皮肤），需要人工查看",
                  "the head reaches the top edge, so a hat may be out of "
                  "the picture (%.0f%% of what shows is neither hair nor "
                  "skin): needs a person to look",
                  v);
        idp__res_limit(r, "<= %.2f", l->covering_warn);
    } else
        covering_message(r, v, brim);
}

static int like_skin(const person_env *pe, const double c[3],
                     const double *unused)
{
    (void)unused;
    return idp__like_colour(pe->skin, c);
}

static double skin_share(const person_env *pe, idp_rect z)
{
    size_t n = 0, hit = 0;
    if (!count_zone(pe, z, 1, 0, like_skin, NULL, &n, &hit))
        return NAN;
    return n > 0 ? (double)hit / (double)n : NAN;
}

void idp__check_ears_visible(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    person_env pe;
    double v, wall[3];
    if (!person_start(e, r, &pe))
        return;
    v = fmin(skin_share(&pe, idp__zone_ear(&pe.g, 0)),
             skin_share(&pe, idp__zone_ear(&pe.g, 1)));
    if (e->matte) {
        double rgb[3] = {e->matte->wall.r, e->matte->wall.g, e->matte->wall.b};
        idp__srgb_to_lab(rgb, wall);
    }
    if (isnan(v) || (e->matte && de76(wall, pe.skin) < SKIN_DE)) {
        warn_look(r, "耳朵区域无法判断（%.0f%%），需要人工查看",
                  "the ears cannot be told from the background (%.0f%%): "
                  "needs a person to look",
                  isnan(v) ? 0 : v);
        return;
    }
    idp__res(r, v < l->ears_warn ? IDP_WARN : IDP_PASS, v, "ratio");
    idp__res_limit(r, ">= %.2f", l->ears_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r,
                     "耳朵可能被头发遮住（可见皮肤 %.0f%%），需要人工查看："
                     "请把头发拢到耳后",
                     "the ears may be hidden (%.0f%% skin beside them), "
                     "needs a person to look: tuck the hair behind the ears",
                     100 * v);
}

/* Median first person row below the chin over the working columns of
 * [xa, xb) (input px, clipped to the image: a final photo's frame cuts
 * the shoulders); NAN when fewer than 3 columns remain or under half of
 * them reach the person. */
static double shoulder_y(const idp__matte *mt, double xa, double xb,
                         double chin)
{
    int u0 = (int)floor(fmax(0, xa) * mt->work_scale);
    int u1 = (int)ceil(fmin(mt->img_w, xb) * mt->work_scale);
    int v0 = (int)ceil(chin * mt->work_scale), cols = 0;
    double ys[64];
    int n = 0;
    if (u0 < 0 || u1 > mt->ww || u1 - u0 < 3)
        return NAN;
    for (int u = u0; u < u1 && n < 64; u++, cols++)
        for (int v = v0 < 0 ? 0 : v0; v < mt->wh; v++)
            if (mt->alpha[(size_t)v * (size_t)mt->ww + (size_t)u] >= PERSON) {
                ys[n++] = (v + 0.5) / mt->work_scale;
                break;
            }
    if (n * 2 < cols)
        return NAN;
    for (int i = 1; i < n; i++) /* insertion sort: n <= 64 */
        for (int j = i; j > 0 && ys[j] < ys[j - 1]; j--) {
            double t = ys[j];
            ys[j] = ys[j - 1];
            ys[j - 1] = t;
        }
    return ys[n / 2];
}

void idp__check_shoulders_level(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    const idp_point *lm = e->subject->landmarks;
    double fw = e->m->face_width, xc = e->m->face_centre_x, yl, yr, v;
    if (!e->matte) {
        idp__res_skip(r, "没有人像分割，无法判断",
                      "no person matte: cannot judge");
        return;
    }
    yl = shoulder_y(e->matte, xc - 1.1 * fw, xc - 0.6 * fw, lm[8].y);
    yr = shoulder_y(e->matte, xc + 0.6 * fw, xc + 1.1 * fw, lm[8].y);
    v = atan2(yr - yl, 1.7 * fw) * 180 / PI;
    if (isnan(v)) {
        idp__res(r, IDP_WARN, NAN, "deg");
        idp__res_msg(r, "看不到两侧肩膀，需要人工查看",
                     "both shoulders are not in view: needs a person to look");
        return;
    }
    idp__res(
        r,
        idp__grade_high(fabs(v), l->shoulders_warn_deg, l->shoulders_fail_deg),
        v, "deg");
    idp__res_limit(r, "|x| <= %.0f deg", l->shoulders_warn_deg);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else if (r->status == IDP_WARN)
        idp__res_msg(r,
                     "两肩可能不平（倾斜 %.1f°），需要人工查看：请坐正，双肩"
                     "放松保持水平",
                     "the shoulders may not be level (%.1f deg), needs a "
                     "person to look: sit straight with both shoulders level",
                     fabs(v));
    else
        idp__res_msg(r, "两肩不平（倾斜 %.1f°）：请坐正，双肩放松保持水平",
                     "the shoulders are not level (%.1f deg): sit straight "
                     "with both shoulders level",
                     fabs(v));
}

/* Bright metal or strongly coloured pixels of the person below the ear
 * lobes, beside the jaw (earrings), that are not skin. */
static int jewel_like(const person_env *pe, const double c[3],
                      const double *unused)
{
    (void)unused;
    return de76(c, pe->skin) > 25 && (c[0] > 85 || hypot(c[1], c[2]) > 45);
}

static double earring_share(const person_env *pe)
{
    const idp_point *lm = pe->g.lm;
    double w = 0.15 * pe->g.fw, h = lm[5].y - lm[3].y;
    size_t n = 0, hit = 0;
    for (int s = 0; s < 2; s++) {
        const idp_point *a = s == 0 ? &lm[3] : &lm[13];
        idp_rect z = {s == 0 ? a->x - w : a->x, a->y, w, h};
        count_zone(pe, z, 1, 0, jewel_like, NULL, &n, &hit);
    }
    return n > 0 ? (double)hit / (double)n : 0;
}

void idp__check_jewellery(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    person_env pe;
    double v;
    if (!person_start(e, r, &pe))
        return;
    v = earring_share(&pe);
    idp__res(r, v > l->jewellery_warn ? IDP_WARN : IDP_PASS, v, "ratio");
    idp__res_limit(r, "<= %.2f", l->jewellery_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r,
                     "耳旁可能有耳饰（%.0f%%），需要人工查看：请摘下耳环、"
                     "项链等饰品",
                     "possible earrings (%.0f%% beside the jaw), needs a "
                     "person to look: take off earrings and necklaces",
                     100 * v);
}

/* The landmarks and a row of each lip outline's crossings. */
typedef struct lips_keep {
    const idp_point *lm;
    idp__poly_row *outer, *inner;
} lips_keep;

static int on_lips(const void *ctx, int x, int y)
{
    const lips_keep *k = ctx;
    return idp__in_polygon_row(&k->lm[48], 12, x + 0.5, y + 0.5, k->outer) &&
           !idp__in_polygon_row(&k->lm[60], 8, x + 0.5, y + 0.5, k->inner);
}

void idp__check_makeup(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    person_env pe;
    const idp_point *lm;
    double lips[3], v;
    idp_rect box;
    idp__poly_row outer = IDP__POLY_ROW, inner = IDP__POLY_ROW;
    lips_keep k = {NULL, &outer, &inner};
    if (!person_start(e, r, &pe))
        return;
    lm = k.lm = pe.g.lm;
    box.x = lm[48].x;
    box.y = fmin(lm[50].y, lm[52].y);
    box.w = lm[54].x - lm[48].x;
    box.h = lm[57].y - box.y;
    if (idp__px_median_lab(&pe.p, box, 1, on_lips, &k, lips) == 0) {
        idp__res_skip(r, "看不到嘴唇", "the lips are not visible");
        return;
    }
    v = hypot(lips[1], lips[2]) - hypot(pe.skin[1], pe.skin[2]);
    idp__res(r, v > l->makeup_warn ? IDP_WARN : IDP_PASS, v, "C*");
    idp__res_limit(r, "<= %.0f C* above skin", l->makeup_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r,
                     "嘴唇颜色明显比肤色鲜艳（C* 高 %.0f），可能化了浓妆，"
                     "需要人工查看",
                     "the lips are much more colourful than the skin (C* "
                     "+%.0f): heavy make-up? needs a person to look",
                     v);
}
