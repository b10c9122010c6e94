/*
 * annotate.c - idp_report_annotate(): what a check measured, drawn on a
 * copy of the image, so a person can see why a photo failed. Bottom to
 * top: the profile's bands (translucent strips), the matte's outline, the
 * planned crop, the face boxes, the subject's lines and landmarks. The
 * drawing is pure C over draw.c; the PNG comes from encode_png.c.
 * The colours are documented in idphoto.h and the man pages.
 */
#include "face_zones.h"
#include "idp_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const idp_rgb SUBJECT = {0, 200, 0};
static const idp_rgb COUNTED = {255, 0, 0};
static const idp_rgb IGNORED = {160, 160, 160};
static const idp_rgb LANDMARK = {255, 255, 0};
static const idp_rgb EYE = {0, 255, 255};
static const idp_rgb CROWN = {255, 0, 255};
static const idp_rgb CHIN = {255, 140, 0};
static const idp_rgb WIDTH = {0, 90, 255};
static const idp_rgb MATTE = {150, 60, 255};
static const idp_rgb CROP = {255, 255, 255};
static const idp_rgb CROP_EDGE = {0, 0, 0};
static const idp_rgb LIGHT = {255, 200, 0};  /* lighting and shadow zones */
static const idp_rgb LENS = {0, 255, 160};   /* glasses and eye zones */
static const idp_rgb WALL = {120, 255, 120}; /* the wall the background
                                                rules read */

#define BAND_ALPHA 70  /* opacity of a band's strip, of 255 */
#define THICK_PER  450 /* 1 px of line width per this many px */
#define MATTE_CUT  128 /* alpha at or above: the person */
#define TICK       4.0 /* face-width end ticks, x line width, each side */
#define WALL_STEP  8   /* px between the dots marking the wall */

static int line_width(const idp__canvas *cv)
{
    int s = cv->w < cv->h ? cv->w : cv->h;
    return s / THICK_PER > 1 ? s / THICK_PER : 1;
}

/* The band b of the profile's height `ph` mapped to [y0, y0 + span) as a
 * strip from x0, w wide. A side that is unbounded runs to the edge. */
static void band_strip(const idp__canvas *cv, idp_band b, double ph, double x0,
                       double y0, double w, double span, idp_rgb c)
{
    double lo = b.has_min ? b.min : 0, hi = b.has_max ? b.max : ph;
    double s = span / ph;
    if ((!b.has_min && !b.has_max) || hi < lo)
        return;
    idp__draw_fill(cv, x0, y0 + lo * s, w, (hi - lo) * s, c, BAND_ALPHA);
}

static void draw_bands(const idp__canvas *cv, const idp_profile *p, double x0,
                       double y0, double w, double h)
{
    band_strip(cv, p->head_top, p->height, x0, y0, w, h, CROWN);
    band_strip(cv, p->eye_line, p->height, x0, y0, w, h, EYE);
}

/* The working alpha sampled bilinearly at input pixel (x, y). */
static double matte_at(const idp__matte *mt, int x, int y)
{
    double u = (x + 0.5) * mt->ww / mt->img_w - 0.5;
    double v = (y + 0.5) * mt->wh / mt->img_h - 0.5;
    int x0 = (int)floor(u), y0 = (int)floor(v);
    double fx = u - x0, fy = v - y0, a[4];
    for (int k = 0; k < 4; k++) {
        int xi = x0 + (k & 1), yi = y0 + (k >> 1);
        xi = xi < 0 ? 0 : xi >= mt->ww ? mt->ww - 1 : xi;
        yi = yi < 0 ? 0 : yi >= mt->wh ? mt->wh - 1 : yi;
        a[k] = mt->alpha[(size_t)yi * (size_t)mt->ww + (size_t)xi];
    }
    return (a[0] * (1 - fx) + a[1] * fx) * (1 - fy) +
           (a[2] * (1 - fx) + a[3] * fx) * fy;
}

/* Mark the pixels where the thresholded matte changes to the right or
 * below: the person's outline at the image's resolution. */
static void draw_matte(const idp__canvas *cv, const idp__matte *mt, int t)
{
    uint8_t *row = malloc((size_t)cv->w * 2);
    uint8_t *cur = row, *next = row ? row + cv->w : NULL;
    if (!row || mt->img_w != cv->w || mt->img_h != cv->h || mt->ww < 1 ||
        mt->wh < 1) {
        free(row);
        return;
    }
    for (int x = 0; x < cv->w; x++)
        cur[x] = matte_at(mt, x, 0) >= MATTE_CUT;
    for (int y = 0; y < cv->h; y++) {
        for (int x = 0; x < cv->w; x++)
            next[x] = y + 1 < cv->h && matte_at(mt, x, y + 1) >= MATTE_CUT;
        for (int x = 0; x < cv->w; x++)
            if ((x + 1 < cv->w && cur[x] != cur[x + 1]) ||
                (y + 1 < cv->h && cur[x] != next[x]))
                idp__draw_dot(cv, x, y, t / 2, MATTE);
        memcpy(cur, next, (size_t)cv->w);
    }
    free(row);
}

static void draw_crop(const idp__canvas *cv, const idp_report *r,
                      const idp_profile *p, int t)
{
    idp_rect c = r->plan.crop;
    if (!(c.w > 0) || !(c.h > 0))
        return;
    draw_bands(cv, p, c.x, c.y, c.w, c.h);
    idp__draw_box(cv, c, t + 2, CROP_EDGE);
    idp__draw_box(cv, c, t, CROP);
}

static void draw_faces(const idp__canvas *cv, const idp_report *r, int t)
{
    for (size_t i = r->n_faces; i-- > 0;) {
        const idp_face *f = &r->faces[i];
        idp_rgb c = f->is_subject ? SUBJECT : f->counted ? COUNTED : IGNORED;
        idp__draw_box(cv, f->box, t, c);
    }
}

/* A horizontal line at y across the face box. */
static void across(const idp__canvas *cv, const idp_face *f, double y, int t,
                   idp_rgb c)
{
    idp__draw_line(cv, f->box.x, y, f->box.x + f->box.w, y, t, c);
}

/* The line through the eye centres, across the face box. */
static void draw_eye_line(const idp__canvas *cv, const idp_face *f,
                          const idp_measurements *m, int t)
{
    double dx = m->eye_right.x - m->eye_left.x;
    double slope = dx != 0 ? (m->eye_right.y - m->eye_left.y) / dx : 0;
    double xa = f->box.x, xb = f->box.x + f->box.w;
    idp__draw_line(cv, xa, m->eye_left.y + (xa - m->eye_left.x) * slope, xb,
                   m->eye_left.y + (xb - m->eye_left.x) * slope, t, EYE);
}

static void draw_subject(const idp__canvas *cv, const idp_face *f,
                         const idp_measurements *m, int t)
{
    const idp_point *lm = f->landmarks;
    double tick = TICK * t;
    across(cv, f, m->head_top_y, t, CROWN);
    across(cv, f, m->chin_y, t, CHIN);
    draw_eye_line(cv, f, m, t);
    idp__draw_line(cv, lm[0].x, lm[0].y, lm[16].x, lm[16].y, t, WIDTH);
    idp__draw_line(cv, lm[0].x, lm[0].y - tick, lm[0].x, lm[0].y + tick, t,
                   WIDTH);
    idp__draw_line(cv, lm[16].x, lm[16].y - tick, lm[16].x, lm[16].y + tick, t,
                   WIDTH);
    for (int i = 0; i < IDP_LANDMARKS; i++)
        idp__draw_dot(cv, lm[i].x, lm[i].y, t, LANDMARK);
}

/* The regions the lighting and glasses rules read (face_zones.c). */
static void draw_zones(const idp__canvas *cv, const idp_face *f, int t)
{
    idp__face_geo g;
    idp__face_geo_of(f->landmarks, &g);
    for (int s = 0; s < 2; s++) {
        idp__draw_box(cv, idp__zone_cheek(&g, s), t, LIGHT);
        idp__draw_box(cv, idp__zone_lens(&g, s), t, LENS);
    }
    idp__draw_box(cv, idp__zone_bridge(&g), t, LIGHT);
    idp__draw_box(cv, idp__zone_brow_band(&g), t, LENS);
}

/* A dot every WALL_STEP px on the wall (matte 0): where the background
 * rules measured. */
static void draw_wall(const idp__canvas *cv, const idp__matte *mt)
{
    if (mt->img_w != cv->w || mt->img_h != cv->h)
        return;
    for (int y = WALL_STEP / 2; y < cv->h; y += WALL_STEP)
        for (int x = WALL_STEP / 2; x < cv->w; x += WALL_STEP)
            if (matte_at(mt, x, y) < 1)
                idp__draw_pixel(cv, x, y, WALL, 255);
}

void idp__annotate_draw(const idp_report *r, const idp_profile *p,
                        const idp__canvas *cv)
{
    const idp_face *subject = idp__report_subject(r);
    int t = line_width(cv);
    if (r->mode == IDP_MODE_FINAL && p->height > 0)
        draw_bands(cv, p, 0, 0, cv->w, cv->h);
    if (r->matte && r->mode == IDP_MODE_FINAL)
        draw_wall(cv, r->matte);
    if (r->matte)
        draw_matte(cv, r->matte, t);
    if (r->mode == IDP_MODE_CAPTURE && subject && p->height > 0)
        draw_crop(cv, r, p, t);
    draw_faces(cv, r, t);
    if (subject && r->m.has_face) {
        draw_zones(cv, subject, t);
        draw_subject(cv, subject, &r->m, t);
    }
}

/* Draw `r` (file pixels) on the canvas of `img`, a reduced decode when
 * idp_image_shrink(img) > 1: then on a copy of the report's geometry in
 * the image's pixels. */
static idp_status draw_on(const idp_report *r, const idp_image *img,
                          const idp_profile *p, const idp__canvas *cv)
{
    idp_report view = *r;
    int s = idp_image_shrink(img);
    if (s == 1) {
        idp__annotate_draw(r, p, cv);
        return IDP_OK;
    }
    view.faces = r->n_faces ? malloc(r->n_faces * sizeof *view.faces) : NULL;
    if (r->n_faces && !view.faces)
        return IDP_E_NOMEM;
    if (r->n_faces)
        memcpy(view.faces, r->faces, r->n_faces * sizeof *view.faces);
    idp__report_scale_geometry(&view, 1.0 / s);
    idp__annotate_draw(&view, p, cv);
    free(view.faces);
    return IDP_OK;
}

static const idp_profile *profile_for(const idp_report *r, const idp_profile *p)
{
    const idp_profile *named;
    if (p)
        return p;
    named = idp_profile_find(r->profile);
    return named ? named : idp_profile_default();
}

idp_status idp_report_annotate(idp_ctx *ctx, const idp_report *r,
                               const idp_image *img, const idp_profile *p,
                               uint8_t **png, size_t *len)
{
    idp__encoded e = {NULL, 0, 0, 0, 0};
    idp__canvas cv = {NULL, 0, 0, 0};
    idp_status st;
    if (!png || !len)
        return IDP_E_INVALID_ARG;
    *png = NULL;
    *len = 0;
    if (!r || !img)
        return idp__fail(ctx, IDP_E_INVALID_ARG, "no report or no image");
    if (!r->has_image || r->info.width != img->info.width ||
        r->info.height != img->info.height)
        return idp__fail(ctx, IDP_E_INVALID_ARG,
                         "%s: not the image the report is about",
                         idp_image_name(img));
    cv.w = img->width;
    cv.h = img->height;
    cv.stride = (size_t)cv.w * 3;
    cv.px = malloc(cv.stride * (size_t)cv.h);
    if (!cv.px)
        return idp__fail(ctx, IDP_E_NOMEM, "out of memory");
    for (int y = 0; y < cv.h; y++)
        memcpy(cv.px + (size_t)y * cv.stride,
               img->pixels + (size_t)y * img->stride, cv.stride);
    st = draw_on(r, img, profile_for(r, p), &cv);
    if (st == IDP_OK)
        st = idp__encode_png(ctx, cv.px, cv.w, cv.h, cv.stride, 3, 0, &e);
    else
        st = idp__fail(ctx, st, "out of memory");
    free(cv.px);
    *png = e.data;
    *len = e.len;
    return st;
}
