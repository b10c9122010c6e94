/*
 * check_background.c - rules about the wall and the clothes: plain
 * (background_uniform), of the profile's colour (background_colour), no
 * shadow of the person on it (background_shadow), and clothes distinct
 * from it (clothing_contrast). The person is the subject's matte
 * (segment.c); colours are CIELAB (D65), differences CIEDE2000.
 * Methods: quality-checks.md §7.G, H.
 */
#include "checks.h"
#include "face_zones.h"
#include "segment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PERSON 128 /* working alpha at or above: the person */

/* Wall masks of the matte: `far` eroded 0.02 H from the person, `ring`
 * the wall within 0.3 IED of the person (the soft edge left out). */
static int wall_masks(const idp__matte *mt, double ied, idp__wall_memo *w)
{
    size_t n = (size_t)mt->ww * (size_t)mt->wh;
    uint8_t *person = calloc(n, 1), *grown = malloc(n);
    int *tmp = malloc(n * sizeof *tmp);
    int gap = (int)ceil(0.02 * mt->wh),
        r = (int)ceil(0.3 * ied * mt->work_scale);
    int ok = person && grown && tmp;
    w->ww = mt->ww;
    w->wh = mt->wh;
    w->far = ok ? malloc(2 * n) : NULL;
    w->ring = w->far ? w->far + n : NULL;
    if (w->far) {
        for (size_t i = 0; i < n; i++)
            person[i] = mt->alpha[i] >= PERSON;
        idp__mask_morph(person, grown, mt->ww, mt->wh, gap, 1, tmp);
        for (size_t i = 0; i < n; i++)
            w->far[i] = !grown[i] && mt->alpha[i] == 0;
        idp__mask_morph(person, grown, mt->ww, mt->wh, r < 2 ? 2 : r, 1, tmp);
        for (size_t i = 0; i < n; i++)
            w->ring[i] = grown[i] && mt->alpha[i] == 0;
        idp__mask_morph(person, grown, mt->ww, mt->wh, 1, 1, tmp);
        for (size_t i = 0; i < n; i++)
            w->ring[i] &= !grown[i];
    }
    free(person);
    free(grown);
    free(tmp);
    return w->far != NULL;
}

/* Large working grids are read at every other cell each way: the medians
 * and shares change little, the cost by 4 (the 30 ms budget). */
#define THIN_ABOVE 40000

static int skipped(const idp__matte *mt, size_t i)
{
    size_t u = i % (size_t)mt->ww, v = i / (size_t)mt->ww;
    if ((size_t)mt->ww * (size_t)mt->wh < THIN_ABOVE)
        return 0;
    return ((u | v) & 1) != 0;
}

/* Image pixel under working pixel i. */
static const uint8_t *under(const idp__px *p, const idp__matte *mt, size_t i)
{
    int u = (int)(i % (size_t)mt->ww), v = (int)(i / (size_t)mt->ww);
    return idp__px_at(p, (int)((u + 0.5) / mt->work_scale),
                      (int)((v + 0.5) / mt->work_scale));
}

/* Lab of the far wall pixels (3 n floats, malloc'ed) and their median. */
static float *wall_labs(const idp__px *p, const idp__matte *mt,
                        const idp__wall_memo *w, size_t *n, double med[3])
{
    size_t all = (size_t)w->ww * (size_t)w->wh;
    float *v = malloc(6 * all * sizeof *v), *tmp;
    *n = 0;
    if (!v)
        return NULL;
    for (size_t i = 0; i < all; i++) {
        double lab[3];
        if (!w->far[i] || skipped(mt, i))
            continue;
        idp__px_lab(p, under(p, mt, i), lab);
        for (int k = 0; k < 3; k++)
            v[3 * *n + (size_t)k] = (float)lab[k];
        (*n)++;
    }
    tmp = v + 3 * all;
    for (int k = 0; k < 3; k++) {
        for (size_t i = 0; i < *n; i++)
            tmp[i] = v[3 * i + (size_t)k];
        med[k] = *n ? idp__quantile(tmp, *n, 0.5) : NAN;
    }
    return v;
}

void idp__wall_memo_free(idp__wall_memo *w)
{
    free(w->far);
    free(w->labs);
    memset(w, 0, sizeof *w);
}

/* The wall of e's matte: masks, Lab of the far pixels, their median.
 * 0 out of memory. */
static int wall_measure(const idp__check_env *e, const idp__px *p,
                        idp__wall_memo *w)
{
    memset(w, 0, sizeof *w);
    w->done = 1;
    if (!wall_masks(e->matte, e->m->eye_distance, w))
        return 0;
    w->labs = wall_labs(p, e->matte, w, &w->n, w->med);
    w->ok = w->labs != NULL;
    return w->ok;
}

/* What the background rules share: the pixels and the wall, e->wall's
 * when the check keeps one (measured by the first rule that asks), else
 * the rule's own. */
typedef struct bg_env {
    idp__px p;
    const idp__wall_memo *w;
    idp__wall_memo own;
} bg_env;

static void bg_free(bg_env *b)
{
    idp__wall_memo_free(&b->own);
}

static const idp__wall_memo *env_wall(const idp__check_env *e, bg_env *b)
{
    idp__wall_memo *m = e->wall ? e->wall : &b->own;
    if (!m->done)
        (void)wall_measure(e, &b->p, m);
    return m->ok ? m : NULL;
}

void idp__env_wall(const idp__check_env *e)
{
    bg_env b;
    memset(&b, 0, sizeof b);
    if (e->wall && e->matte && e->subject && idp__px_init(&b.p, e->img) == 0)
        (void)env_wall(e, &b);
}

/* 1 when the rule can run; else r says why (skip). */
static int bg_start(const idp__check_env *e, idp_check_result *r, bg_env *b,
                    int final_only)
{
    memset(b, 0, sizeof *b);
    if (final_only && e->mode == IDP_MODE_CAPTURE) {
        idp__res_skip(r, "制作时会换成新背景",
                      "making replaces the background");
        return 0;
    }
    if (idp__px_init(&b->p, e->img) != 0 || !e->matte) {
        idp__res_skip(r, "没有像素或人像分割，无法判断",
                      "no pixels or person matte: cannot judge");
        return 0;
    }
    b->w = env_wall(e, b);
    if (!b->w)
        return 0;
    if (b->w->n < 50) {
        bg_free(b);
        idp__res_look(r, "几乎看不到背景，需要人工查看",
                      "hardly any background visible: needs a person to look");
        return 0;
    }
    return 1;
}

void idp__check_background_uniform(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    bg_env b;
    float *d;
    double v;
    if (!bg_start(e, r, &b, 1))
        return;
    d = malloc(b.w->n * sizeof *d);
    for (size_t i = 0; d && i < b.w->n; i++)
        d[i] = (float)sqrt(pow(b.w->labs[3 * i] - b.w->med[0], 2) +
                           pow(b.w->labs[3 * i + 1] - b.w->med[1], 2) +
                           pow(b.w->labs[3 * i + 2] - b.w->med[2], 2));
    v = d ? idp__quantile(d, b.w->n, 0.9) : NAN;
    free(d);
    bg_free(&b);
    idp__res(r, idp__grade_high(v, l->bg_uniform_warn, l->bg_uniform_fail), v,
             "dE76");
    idp__res_limit(r, "<= %.0f", l->bg_uniform_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r,
                     "背景不够单一（色差 P90 %.0f）：请在纯色、无花纹、光线"
                     "均匀的墙前拍摄",
                     "the background is not plain (P90 dE %.0f): stand in "
                     "front of a plain, evenly lit wall",
                     v);
}

static void rgb_lab(idp_rgb c, double lab[3])
{
    double rgb[3] = {c.r, c.g, c.b};
    idp__srgb_to_lab(rgb, lab);
}

/* The profile's background nearest to lab; its index in *best. */
static double nearest_background(const idp_profile *pr, const double lab[3],
                                 int *best)
{
    double d = INFINITY;
    *best = 0;
    for (int i = 0; i < pr->n_backgrounds; i++) {
        double t[3], x;
        rgb_lab(pr->backgrounds[i].rgb, t);
        x = idp__de00(lab, t);
        if (x < d) {
            d = x;
            *best = i;
        }
    }
    return d;
}

void idp__check_background_colour(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    bg_env b;
    int k;
    double v;
    if (!bg_start(e, r, &b, 1))
        return;
    v = nearest_background(e->p, b.w->med, &k);
    bg_free(&b);
    idp__res(r, idp__grade_high(v, l->bg_colour_warn, l->bg_colour_fail), v,
             "dE00");
    idp__res_limit(r, "<= %.0f from %s", l->bg_colour_warn,
                   e->p->n_backgrounds ? e->p->backgrounds[k].name : "-");
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r,
                     "背景颜色不符合要求（与最接近的规定颜色相差 %.0f）："
                     "请换成规定的背景色",
                     "the background colour is %.0f dE00 from the nearest "
                     "allowed colour: use one of the profile's backgrounds",
                     v);
}

/* Shade keeps the hue (a darker wall of the same colour); chroma near 0
 * has no hue to keep. */
static int same_hue(const double a[3], const double b[3])
{
    double ca = hypot(a[1], a[2]), cb = hypot(b[1], b[2]), d;
    if (ca < 8 && cb < 8)
        return 1;
    d = fabs(atan2(a[2], a[1]) - atan2(b[2], b[1]));
    d = d > 3.14159265358979 ? 2 * 3.14159265358979 - d : d;
    return d < 15 * 3.14159265358979 / 180;
}

/* Share of the ring around the person that is clearly darker than the
 * wall's median but of the same hue: a cast shadow (Cucchiara et
 * al. 2003, in Lab). The median, not the wall's smooth field: the field
 * bends into a large shadow and would hide it. */
static double shadow_share(const bg_env *b, const idp__matte *mt)
{
    size_t n = 0, hit = 0, all = (size_t)b->w->ww * (size_t)b->w->wh;
    for (size_t i = 0; i < all; i++) {
        double lab[3];
        if (!b->w->ring[i] || skipped(mt, i))
            continue;
        idp__px_lab(&b->p, under(&b->p, mt, i), lab);
        n++;
        hit += b->w->med[0] - lab[0] > 10 && same_hue(lab, b->w->med);
    }
    return n ? (double)hit / (double)n : NAN;
}

void idp__check_background_shadow(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    bg_env b;
    double v;
    if (!bg_start(e, r, &b, 1))
        return;
    v = shadow_share(&b, e->matte);
    bg_free(&b);
    idp__res(r, idp__grade_high(v, l->bg_shadow_warn, l->bg_shadow_fail), v,
             "ratio");
    idp__res_limit(r, "<= %.2f", l->bg_shadow_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else if (r->status == IDP_WARN)
        idp__res_msg(r,
                     "背景上可能有人影（人像周围 %.0f%% 偏暗），需要人工查看",
                     "possibly a shadow on the wall (%.0f%% of the band "
                     "around the person is darker): needs a person to look",
                     100 * v);
    else
        idp__res_msg(r,
                     "背景上有人影（人像周围 %.0f%% 偏暗）：请离墙远一些，"
                     "从正面均匀打光",
                     "a shadow on the wall (%.0f%% of the band around the "
                     "person): step away from the wall, light from the front",
                     100 * v);
}

/* Median Lab of the clothes: the person below the neck, skin left out. */
static size_t clothing_lab(const idp__px *p, const idp__check_env *e,
                           double lab[3])
{
    const idp__matte *mt = e->matte;
    idp__face_geo g;
    double skin[3];
    size_t n = 0, all = (size_t)mt->ww * (size_t)mt->wh;
    float *v = malloc(3 * all * sizeof *v);
    idp__face_geo_of(e->subject->landmarks, &g);
    idp__env_skin(e, p, &g, skin);
    lab[0] = lab[1] = lab[2] = NAN;
    for (size_t i = 0; v && i < all; i++) {
        double c[3];
        double y = ((double)(i / (size_t)mt->ww) + 0.5) / mt->work_scale;
        if (mt->alpha[i] < 250 || y < g.lm[8].y + 0.35 * g.t || skipped(mt, i))
            continue;
        idp__px_lab(p, under(p, mt, i), c);
        if (!isnan(skin[0]) &&
            sqrt(pow(c[0] - skin[0], 2) + pow(c[1] - skin[1], 2) +
                 pow(c[2] - skin[2], 2)) < 15)
            continue;
        v[n] = (float)c[0];
        v[all + n] = (float)c[1];
        v[2 * all + n] = (float)c[2];
        n++;
    }
    for (int k = 0; n > 0 && k < 3; k++)
        lab[k] = idp__quantile(v + (size_t)k * all, n, 0.5);
    free(v);
    return n;
}

/* Capture: the best of the profile's backgrounds (the one making should
 * use); final: the wall in the photo. */
static double clothing_de(const idp__check_env *e, const bg_env *b,
                          const double cl[3], int *best, double *first)
{
    double d = -INFINITY, t[3];
    *best = -1;
    if (e->mode != IDP_MODE_CAPTURE) {
        *first = idp__de00(cl, b->w->med);
        return *first;
    }
    for (int i = 0; i < e->p->n_backgrounds; i++) {
        double x;
        rgb_lab(e->p->backgrounds[i].rgb, t);
        x = idp__de00(cl, t);
        if (i == 0)
            *first = x;
        if (x > d) {
            d = x;
            *best = i;
        }
    }
    return d;
}

void idp__check_clothing_contrast(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    bg_env b;
    double cl[3], v, first = NAN;
    int best;
    if (!bg_start(e, r, &b, 0))
        return;
    if (clothing_lab(&b.p, e, cl) < 30) {
        bg_free(&b);
        idp__res_skip(r, "画面中看不到衣服", "no clothes in the picture");
        return;
    }
    v = clothing_de(e, &b, cl, &best, &first);
    bg_free(&b);
    idp__res(r, idp__grade_low(v, l->clothing_warn, l->clothing_fail), v,
             "dE00");
    idp__res_limit(r, ">= %.0f", l->clothing_warn);
    if (r->status == IDP_PASS && best > 0 && first < l->clothing_fail) {
        r->status = IDP_WARN; /* the default background would clash */
        idp__res_msg(r,
                     "衣服颜色与默认背景太接近（色差 %.0f）：请选用其他背景色",
                     "the clothes are too close to the default background "
                     "(dE00 %.0f): choose another background colour",
                     first);
    } else if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r,
                     "衣服颜色与背景太接近（色差 %.0f）：请换一件与背景颜色"
                     "反差明显的衣服",
                     "the clothes are too close to the background colour "
                     "(dE00 %.0f): wear clothes that contrast with it",
                     v);
}
