/*
 * seg_prior.c - where the person must be, may be and cannot be, from the
 * face's 68 landmarks. Pure C.
 *
 * Lengths are in face widths (FW, landmarks 0-16) in a face frame: origin
 * at the eye midpoint, s along the eye line, t down the face (so a rolled
 * head keeps its skull above its brows). The body hangs from the chin in
 * image coordinates (a tilted head sits on an upright torso).
 *
 *   certain person: the face hull (jaw and brows, shrunk by FACE_SHRINK),
 *     the skull above the brows (half ellipse SKULL_A x SKULL_B), the neck
 *     under the chin, and a torso trapezoid from TORSO_Y below the chin.
 *   envelope (scale k): where hair, ears and shoulders may reach; outside
 *     it is a background candidate. At k = FAR_K, outside is far from any
 *     person: background when it looks like the wall.
 *   prior: a smooth person probability, high in the envelope.
 *
 * Sizes: adult brow-to-crown is ~0.75-0.85 FW and the bideltoid width
 * ~3.4 FW, so the certain zones stay inside any head and torso; long or
 * curly hair can reach ~2 FW from the face centre, which only the colour
 * test keeps out of the background seeds.
 */
#include "segment.h"

#include <math.h>

#define FACE_SHRINK 0.85 /* face hull scaled about its centroid */
#define SKULL_A     0.36 /* half width of the certain skull */
#define SKULL_B     0.45 /* height of the certain skull above the brows */
#define NECK_HALF   0.15 /* half width of the certain neck */
#define NECK_LEN    0.40 /* certain neck below the chin */
#define TORSO_Y     0.60 /* certain torso starts so far below the chin */
#define TORSO_GROW  1.20 /* its half width grows so much per FW down */
#define TORSO_MAX   1.00 /* up to this half width */
#define ENV_A       0.95 /* envelope: head half width (k = 1) */
#define ENV_UP      1.20 /* envelope: reach above the brows (k = 1) */
#define ENV_BODY_Y  0.20 /* envelope: head zone so far below the chin */
#define ENV_NECK    0.50 /* envelope: body half width at the chin */
#define BODY_SLOPE  2.80 /* envelope: its growth per FW down */
#define FAR_K       1.60 /* envelope scale beyond which nothing is person */

void idp__seg_geom_init(idp__seg_geom *g, const idp_point *lm, double sx,
                        double sy)
{
    double l[2] = {0, 0}, r[2] = {0, 0}, dx, dy, len, bt = 0;
    for (int i = 0; i < 6; i++) {
        l[0] += lm[36 + i].x * sx / 6, l[1] += lm[36 + i].y * sy / 6;
        r[0] += lm[42 + i].x * sx / 6, r[1] += lm[42 + i].y * sy / 6;
    }
    g->ex = (l[0] + r[0]) / 2;
    g->ey = (l[1] + r[1]) / 2;
    dx = r[0] - l[0];
    dy = r[1] - l[1];
    len = hypot(dx, dy);
    g->ux = len > 0 ? dx / len : 1;
    g->uy = len > 0 ? dy / len : 0;
    g->fw = hypot((lm[16].x - lm[0].x) * sx, (lm[16].y - lm[0].y) * sy);
    if (g->fw < 1)
        g->fw = 1;
    for (int i = 0; i < 27; i++) {
        int k = i < 17 ? i : 26 - (i - 17); /* jaw 0-16, brows 26..17 */
        g->hull[i][0] = lm[k].x * sx;
        g->hull[i][1] = lm[k].y * sy;
    }
    for (int i = 17; i <= 26; i++) {
        double s, t;
        idp__seg_frame(g, lm[i].x * sx, lm[i].y * sy, &s, &t);
        bt += t / 10;
    }
    g->brow_t = bt;
    g->box[0] = g->box[1] = 1e30;
    g->box[2] = g->box[3] = -1e30;
    for (int i = 0; i < 27; i++) {
        g->box[0] = fmin(g->box[0], g->hull[i][0]);
        g->box[1] = fmin(g->box[1], g->hull[i][1]);
        g->box[2] = fmax(g->box[2], g->hull[i][0]);
        g->box[3] = fmax(g->box[3], g->hull[i][1]);
    }
    g->chin_x = lm[8].x * sx;
    g->chin_y = lm[8].y * sy;
    {
        double s;
        idp__seg_frame(g, g->chin_x, g->chin_y, &s, &g->chin_t);
    }
}

void idp__seg_frame(const idp__seg_geom *g, double x, double y, double *s,
                    double *t)
{
    double dx = x - g->ex, dy = y - g->ey;
    *s = (dx * g->ux + dy * g->uy) / g->fw;
    *t = (-dx * g->uy + dy * g->ux) / g->fw;
}

/* A pixel in the face frame (s, t) and relative to the chin in image
 * axes (dx = |x - chin x|, dy = y - chin y), all in face widths. */
typedef struct pt {
    double x, y, s, t, dx, dy;
} pt;

static void make_pt(const idp__seg_geom *g, double x, double y, pt *p)
{
    double inv = 1 / g->fw;
    p->x = x;
    p->y = y;
    idp__seg_frame(g, x, y, &p->s, &p->t);
    p->dx = fabs(x - g->chin_x) * inv;
    p->dy = (y - g->chin_y) * inv;
}

/* Crossing-number test against the face hull scaled about (cx, cy). */
static int in_hull(const idp__seg_geom *g, double x, double y, double cx,
                   double cy)
{
    int in = 0;
    x = cx + (x - cx) / FACE_SHRINK;
    y = cy + (y - cy) / FACE_SHRINK;
    if (x < g->box[0] || x > g->box[2] || y < g->box[1] || y > g->box[3])
        return 0;
    for (int i = 0, j = 26; i < 27; j = i++) {
        double xi = g->hull[i][0], yi = g->hull[i][1];
        double xj = g->hull[j][0], yj = g->hull[j][1];
        if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
            in = !in;
    }
    return in;
}

static int certain_person(const idp__seg_geom *g, const pt *p,
                          const double c[2])
{
    double e, u = p->s / SKULL_A, v = (p->t - g->brow_t) / SKULL_B;
    if (in_hull(g, p->x, p->y, c[0], c[1]))
        return 1;
    e = u * u + v * v;
    if (p->t <= g->brow_t + 0.1 && e <= 1)
        return 1;
    if (p->dy >= 0 && p->dy <= NECK_LEN && p->dx <= NECK_HALF)
        return 1;
    return p->dy >= TORSO_Y &&
           p->dx <= fmin(NECK_HALF + TORSO_GROW * (p->dy - TORSO_Y), TORSO_MAX);
}

/* Inside the envelope of scale k: head zone or body zone. The body zone
 * (shoulders slope out from the neck at ~BODY_SLOPE) shrinks only for
 * k > 1: a tight frame leaves little wall, but its shoulders are wide. */
static int in_envelope(const idp__seg_geom *g, const pt *p, double k)
{
    double a = ENV_A * k, b = ENV_UP * k, tc = g->brow_t, kb = fmax(k, 1);
    if (p->t <= tc) {
        double u = p->s / a, v = (p->t - tc) / b;
        if (u * u + v * v <= 1)
            return 1;
    } else if (p->t <= g->chin_t + ENV_BODY_Y && fabs(p->s) <= a) {
        return 1;
    }
    return p->dy >= 0 && p->dx <= kb * (ENV_NECK + BODY_SLOPE * p->dy);
}

static void hull_centre(const idp__seg_geom *g, double c[2])
{
    c[0] = c[1] = 0;
    for (int i = 0; i < 27; i++) {
        c[0] += g->hull[i][0] / 27;
        c[1] += g->hull[i][1] / 27;
    }
}

/* Seed and prior of a pixel that is not certain person. Below the chin
 * clothes may reach any edge, so nothing there is a mere candidate. */
static void zone(const idp__seg_geom *g, const pt *p, double env_k,
                 uint8_t *seed, float *prior)
{
    int below = p->dy >= 0;
    if (in_envelope(g, p, 1.0)) {
        *seed =
            below || in_envelope(g, p, env_k) ? IDP__SEED_NONE : IDP__SEED_BGC;
        *prior = 0.5f;
    } else if (in_envelope(g, p, FAR_K)) {
        *seed = below ? IDP__SEED_NONE : IDP__SEED_BGC;
        *prior = 0.3f;
    } else {
        *seed = IDP__SEED_FAR;
        *prior = 0.1f;
    }
}

void idp__seg_seeds(const idp__seg_geom *g, int w, int h, double env_k,
                    uint8_t *seed, float *prior)
{
    double c[2];
    hull_centre(g, c);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * (size_t)w + (size_t)x;
            pt p;
            make_pt(g, x + 0.5, y + 0.5, &p);
            if (certain_person(g, &p, c)) {
                seed[i] = IDP__SEED_FG;
                prior[i] = 0.9f;
            } else {
                zone(g, &p, env_k, seed + i, prior + i);
            }
        }
}

int idp__seg_fill_zone(const idp__seg_geom *g, double x, double y)
{
    double dx = fabs(x - g->chin_x) / g->fw, dy = (y - g->chin_y) / g->fw;
    double s, t;
    idp__seg_frame(g, x, y, &s, &t);
    if (t < g->chin_t &&
        (s / 0.55) * (s / 0.55) +
                ((t - g->brow_t) / 0.7) * ((t - g->brow_t) / 0.7) <=
            1)
        return 1; /* inside the head */
    return dy >= 0.3 && dx <= fmin(0.4 + 1.2 * (dy - 0.3), 1.3);
}

int idp__seg_in_body(const idp__seg_geom *g, double x, double y)
{
    double dx = fabs(x - g->chin_x) / g->fw, dy = (y - g->chin_y) / g->fw;
    return dy >= 0 && dx <= ENV_NECK + BODY_SLOPE * dy;
}
