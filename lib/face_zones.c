/*
 * face_zones.c - regions of the face from the 68 landmarks and pixel
 * statistics over them (face_zones.h). Pure C.
 */
#include "face_zones.h"
#include "segment.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static idp_point mid(idp_point a, idp_point b)
{
    idp_point c = {(a.x + b.x) / 2, (a.y + b.y) / 2};
    return c;
}

static double dist(idp_point a, idp_point b)
{
    return hypot(a.x - b.x, a.y - b.y);
}

void idp__face_geo_of(const idp_point lm[IDP_LANDMARKS], idp__face_geo *g)
{
    idp_point em;
    g->lm = lm;
    g->eye[0] = mid(lm[36], lm[39]);
    g->eye[1] = mid(lm[42], lm[45]);
    g->eye_w[0] = dist(lm[36], lm[39]);
    g->eye_w[1] = dist(lm[42], lm[45]);
    g->ied = dist(g->eye[0], g->eye[1]);
    em = mid(g->eye[0], g->eye[1]);
    g->t = dist(em, lm[8]);
    g->fw = dist(lm[0], lm[16]);
    g->mouth_y = (lm[48].y + lm[54].y) / 2;
}

static idp_rect rect(double x0, double y0, double x1, double y1)
{
    idp_rect r = {x0, y0, x1 - x0, y1 - y0};
    return r;
}

idp_rect idp__zone_cheek(const idp__face_geo *g, int side)
{
    idp_point em = mid(g->eye[0], g->eye[1]);
    idp_point mc = mid(g->lm[62], g->lm[66]);
    double s = 0.3 * g->ied, y = g->eye[side].y + 0.3 * dist(em, mc);
    double x = side == 0 ? g->eye[0].x : g->eye[1].x - s;
    return rect(x, y, x + s, y + s);
}

idp_rect idp__zone_lens(const idp__face_geo *g, int side)
{
    double w = fmax(g->eye_w[side], 1), cx = g->eye[side].x;
    double brow = -INFINITY;
    for (int i = side == 0 ? 17 : 22, n = 0; n < 5; i++, n++)
        brow = fmax(brow, g->lm[i].y);
    brow = fmax(brow + 0.1 * w, g->eye[side].y - 0.6 * w);
    return rect(cx - 0.9 * w, brow, cx + 0.9 * w, g->eye[side].y + 0.6 * w);
}

idp_rect idp__zone_under_lens(const idp__face_geo *g, int side)
{
    double w = fmax(g->eye_w[side], 1), cx = g->eye[side].x;
    double y = g->eye[side].y;
    return rect(cx - 0.9 * w, y + 0.3 * w, cx + 0.9 * w, y + 0.6 * w);
}

idp_rect idp__zone_eye(const idp__face_geo *g, int side, double grow)
{
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    double e = grow * g->eye_w[side];
    for (int i = side == 0 ? 36 : 42, n = 0; n < 6; i++, n++) {
        x0 = fmin(x0, g->lm[i].x);
        x1 = fmax(x1, g->lm[i].x);
        y0 = fmin(y0, g->lm[i].y);
        y1 = fmax(y1, g->lm[i].y);
    }
    return rect(x0 - e, y0 - e, x1 + e, y1 + e);
}

idp_rect idp__zone_brow_band(const idp__face_geo *g)
{
    double top = INFINITY;
    for (int i = 17; i <= 26; i++)
        top = fmin(top, g->lm[i].y);
    return rect(g->lm[17].x, top - 0.25 * g->ied, g->lm[26].x,
                top - 0.05 * g->ied);
}

idp_rect idp__zone_ear(const idp__face_geo *g, int side)
{
    const idp_point *a = side == 0 ? &g->lm[0] : &g->lm[16];
    const idp_point *b = side == 0 ? &g->lm[2] : &g->lm[14];
    double in = 0.02 * g->fw, out = 0.1 * g->fw;
    double y0 = fmin(a->y, b->y) - 0.15 * g->fw, y1 = fmax(a->y, b->y);
    double x = side == 0 ? fmin(a->x, b->x) : fmax(a->x, b->x);
    if (side == 0)
        return rect(x - out, y0, x + in, y1);
    return rect(x - in, y0, x + out, y1);
}

idp_rect idp__zone_bridge(const idp__face_geo *g)
{
    return rect(g->lm[28].x - 0.15 * g->ied, g->lm[27].y,
                g->lm[28].x + 0.15 * g->ied, g->lm[29].y);
}

idp_rect idp__zone_lower_face(const idp__face_geo *g)
{
    double y0 = fmax(g->eye[0].y, g->eye[1].y) + 0.25 * g->eye_w[0];
    return rect(g->lm[2].x, y0, g->lm[14].x, g->mouth_y);
}

/* The x where each edge of the polygon that spans the line y crosses it. */
static void cross_row(const idp_point *pts, int n, double y, idp__poly_row *row)
{
    row->y = y;
    row->n = 0;
    for (int i = 0, j = n - 1; i < n && i < IDP__POLY_MAX; j = i++)
        if ((pts[i].y > y) != (pts[j].y > y))
            row->cross[row->n++] =
                (pts[j].x - pts[i].x) * (y - pts[i].y) / (pts[j].y - pts[i].y) +
                pts[i].x;
}

/* Even-odd: inside when x is left of an odd number of crossings. */
static int left_of_odd(const idp__poly_row *row, double x)
{
    int in = 0;
    for (int k = 0; k < row->n; k++)
        in ^= x < row->cross[k];
    return in;
}

int idp__in_polygon_row(const idp_point *pts, int n, double x, double y,
                        idp__poly_row *row)
{
    if (!(row->y == y))
        cross_row(pts, n, y, row);
    return left_of_odd(row, x);
}

int idp__in_polygon(const idp_point *pts, int n, double x, double y)
{
    idp__poly_row row = IDP__POLY_ROW;
    return idp__in_polygon_row(pts, n, x, y, &row);
}

/* The face outline as a polygon. */
static void face_outline(const idp_point lm[IDP_LANDMARKS], idp_point o[27])
{
    for (int i = 0; i <= 16; i++)
        o[i] = lm[i];
    for (int i = 0; i < 10; i++)
        o[17 + i] = lm[26 - i];
}

int idp__in_face_row(const idp_point lm[IDP_LANDMARKS], double x, double y,
                     idp__poly_row *row)
{
    if (!(row->y == y)) {
        idp_point o[27];
        face_outline(lm, o);
        cross_row(o, 27, y, row);
    }
    return left_of_odd(row, x);
}

int idp__in_face(const idp_point lm[IDP_LANDMARKS], double x, double y)
{
    idp__poly_row row = IDP__POLY_ROW;
    return idp__in_face_row(lm, x, y, &row);
}

int idp__in_eye_row(const idp_point lm[IDP_LANDMARKS], int side, double x,
                    double y, idp__poly_row *row)
{
    return idp__in_polygon_row(&lm[side == 0 ? 36 : 42], 6, x, y, row);
}

int idp__in_eye(const idp_point lm[IDP_LANDMARKS], int side, double x, double y)
{
    idp__poly_row row = IDP__POLY_ROW;
    return idp__in_eye_row(lm, side, x, y, &row);
}

/* sRGB code -> linear light, as float: one table for every image. */
static float lin_table[256];
static pthread_once_t lin_once = PTHREAD_ONCE_INIT;

static void lin_make(void)
{
    for (int i = 0; i < 256; i++)
        lin_table[i] = (float)idp__srgb_to_linear(i);
}

/* idp__px_lab's memo: the Lab of recent colours, one table per thread
 * (made on its first use, freed when the thread ends). A colour's Lab
 * depends on the colour alone (lin_table), so a hit gives exactly what
 * idp__linear_to_lab() would; walls and skin repeat their colours, and
 * cbrt() was ~2 % of a photo's CPU. */
#define LAB_BITS  12 /* 4096 slots, 128 KiB */
#define LAB_SLOTS (1 << LAB_BITS)
struct idp__lab_slot {
    uint32_t key; /* the colour | 1 << 24; 0: empty */
    double lab[3];
};
static pthread_key_t lab_key;
static pthread_once_t lab_once = PTHREAD_ONCE_INIT;
static int lab_key_ok;

static void lab_key_make(void)
{
    lab_key_ok = pthread_key_create(&lab_key, free) == 0;
}

static struct idp__lab_slot *lab_memo(void)
{
    struct idp__lab_slot *m;
    pthread_once(&lab_once, lab_key_make);
    if (!lab_key_ok)
        return NULL;
    m = pthread_getspecific(lab_key);
    if (!m && (m = calloc(LAB_SLOTS, sizeof *m)) != NULL &&
        pthread_setspecific(lab_key, m) != 0) {
        free(m);
        m = NULL;
    }
    return m;
}

int idp__px_init(idp__px *p, const idp_image *img)
{
    if (!img || !img->pixels || img->width < 1 || img->height < 1)
        return -1;
    pthread_once(&lin_once, lin_make);
    p->rgb = img->pixels;
    p->w = img->width;
    p->h = img->height;
    p->stride = img->stride;
    p->lin = lin_table;
    p->memo = lab_memo();
    return 0;
}

int idp__px_start(const idp__check_env *e, idp_check_result *r, idp__px *p)
{
    if (idp__px_init(p, e->img) == 0)
        return 1;
    idp__res_skip(r, "没有像素，无法判断", "no pixels: cannot judge");
    return 0;
}

const uint8_t *idp__px_at(const idp__px *p, int x, int y)
{
    x = x < 0 ? 0 : x >= p->w ? p->w - 1 : x;
    y = y < 0 ? 0 : y >= p->h ? p->h - 1 : y;
    return p->rgb + (size_t)y * p->stride + 3 * (size_t)x;
}

double idp__px_y(const idp__px *p, const uint8_t *c)
{
    return 0.2126 * p->lin[c[0]] + 0.7152 * p->lin[c[1]] +
           0.0722 * p->lin[c[2]];
}

void idp__px_lab(const idp__px *p, const uint8_t *c, double lab[3])
{
    uint32_t key = (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 |
                   (uint32_t)1 << 24;
    struct idp__lab_slot *s =
        p->memo ? &p->memo[(key * 2654435761u) >> (32 - LAB_BITS)] : NULL;
    double lin[3];
    if (s && s->key == key) {
        memcpy(lab, s->lab, sizeof s->lab);
        return;
    }
    lin[0] = p->lin[c[0]];
    lin[1] = p->lin[c[1]];
    lin[2] = p->lin[c[2]];
    idp__linear_to_lab(lin, lab);
    if (s) {
        s->key = key;
        memcpy(s->lab, lab, sizeof s->lab);
    }
}

int idp__px_clip(const idp__px *p, idp_rect r, int *x0, int *y0, int *x1,
                 int *y1)
{
    if (!(r.w > 0 && r.h > 0) || isnan(r.x) || isnan(r.y))
        return 0;
    *x0 = (int)fmax(0, floor(r.x));
    *y0 = (int)fmax(0, floor(r.y));
    *x1 = (int)fmin(p->w, ceil(r.x + r.w));
    *y1 = (int)fmin(p->h, ceil(r.y + r.h));
    return *x1 > *x0 && *y1 > *y0;
}

int idp__px_step(int x0, int y0, int x1, int y1, double budget)
{
    double area = (double)(x1 - x0) * (double)(y1 - y0);
    return area <= budget ? 1 : (int)ceil(sqrt(area / budget));
}

size_t idp__px_median_lab(const idp__px *p, idp_rect r, int step,
                          idp__px_keep keep, const void *ctx, double lab[3])
{
    int x0, y0, x1, y1;
    size_t n = 0, cap;
    float *v;
    lab[0] = lab[1] = lab[2] = NAN;
    if (!idp__px_clip(p, r, &x0, &y0, &x1, &y1))
        return 0;
    step = step < 1 ? 1 : step;
    cap = (size_t)((x1 - x0 + step - 1) / step) *
          (size_t)((y1 - y0 + step - 1) / step);
    v = malloc(3 * cap * sizeof *v);
    if (!v)
        return 0;
    for (int y = y0; y < y1; y += step)
        for (int x = x0; x < x1; x += step) {
            double c[3];
            if (keep && !keep(ctx, x, y))
                continue;
            idp__px_lab(p, idp__px_at(p, x, y), c);
            v[n] = (float)c[0];
            v[cap + n] = (float)c[1];
            v[2 * cap + n] = (float)c[2];
            n++;
        }
    for (int k = 0; n > 0 && k < 3; k++)
        lab[k] = idp__quantile(v + (size_t)k * cap, n, 0.5);
    free(v);
    return n;
}

/* The landmarks and a row of the face outline's crossings. */
typedef struct face_keep {
    const idp_point *lm;
    idp__poly_row *row;
} face_keep;

static int in_face_keep(const void *ctx, int x, int y)
{
    const face_keep *k = ctx;
    return idp__in_face_row(k->lm, x + 0.5, y + 0.5, k->row);
}

#define SKIN_SAMPLES 40000.0

size_t idp__skin_lab(const idp__px *p, const idp__face_geo *g, double lab[3])
{
    idp_rect a = idp__zone_cheek(g, 0), b = idp__zone_cheek(g, 1);
    idp_rect both =
        rect(fmin(a.x, b.x), fmin(a.y, b.y), fmax(a.x + a.w, b.x + b.w),
             fmax(a.y + a.h, b.y + b.h));
    /* eight rules ask for it: every pixel of a 480x640 photo's cheeks
     * (~10000), a grid of ~40000 on a 12 MP capture */
    int step = idp__px_step(0, 0, (int)both.w, (int)both.h, SKIN_SAMPLES);
    /* the nose between the zones is skin too */
    idp__poly_row row = IDP__POLY_ROW;
    face_keep k = {g->lm, &row};
    return idp__px_median_lab(p, both, step, in_face_keep, &k, lab);
}

size_t idp__env_skin(const idp__check_env *e, const idp__px *p,
                     const idp__face_geo *g, double lab[3])
{
    idp__skin_memo *m = e->skin;
    if (!m)
        return idp__skin_lab(p, g, lab);
    if (!m->done) {
        m->n = idp__skin_lab(p, g, m->lab);
        m->done = 1;
    }
    memcpy(lab, m->lab, sizeof m->lab);
    return m->n;
}

int idp__like_colour(const double skin[3], const double c[3])
{
    double cs = hypot(skin[1], skin[2]), cc = hypot(c[1], c[2]);
    if (cs < 6) /* a grey photo: lightness alone */
        return cc < 8 && fabs(c[0] - skin[0]) < 20;
    double dh = fabs(atan2(c[2], c[1]) - atan2(skin[2], skin[1]));
    dh = dh > 3.14159265358979 ? 2 * 3.14159265358979 - dh : dh;
    return dh < 20 * 3.14159265358979 / 180 && cc >= 0.6 * cs - 3 &&
           cc <= 1.5 * cs + 5 && c[0] > 15;
}

int idp__matte_alpha(const idp__matte *mt, double x, double y)
{
    int u, v;
    if (!mt || !mt->alpha)
        return 0;
    u = (int)floor(x * mt->work_scale);
    v = (int)floor(y * mt->work_scale);
    if (u < 0 || v < 0 || u >= mt->ww || v >= mt->wh)
        return 0;
    return mt->alpha[(size_t)v * (size_t)mt->ww + (size_t)u];
}
