/*
 * face.c - measurements from the 68 iBUG landmarks (pure arithmetic, no
 * image, no dependency): eye centres, eye line, distances, roll, eye
 * aspect ratios, mouth gap and a landmark-only crown estimate.
 */
#include "idp_internal.h"

#include <math.h>
#include <stdlib.h>

/* Detections below this HOG confidence are reported but are not taken
 * for a real face (the astronaut sample's mission patch scores 0.06, its
 * face 1.48; the weakest true face in the dlib group photos 0.43). */
#define CONFIDENT_SCORE 0.3

#define PI 3.14159265358979323846

static idp_point mean_of(const idp_point *lm, int from, int to)
{
    idp_point c = {0, 0};
    for (int i = from; i <= to; i++) {
        c.x += lm[i].x;
        c.y += lm[i].y;
    }
    c.x /= (to - from + 1);
    c.y /= (to - from + 1);
    return c;
}

static double dist(idp_point a, idp_point b)
{
    return hypot(a.x - b.x, a.y - b.y);
}

/* Eye aspect ratio (Soukupova & Cech 2016) of the eye whose outer/inner
 * corners are c0/c3 and upper/lower lids (c1,c5), (c2,c4). */
static double ear(const idp_point *lm, int c0)
{
    double w = dist(lm[c0], lm[c0 + 3]);
    double h = dist(lm[c0 + 1], lm[c0 + 5]) + dist(lm[c0 + 2], lm[c0 + 4]);
    return w > 0 ? h / (2.0 * w) : NAN;
}

static double mouth_gap(const idp_point *lm, double t)
{
    double g = dist(lm[61], lm[67]);
    g = fmax(g, dist(lm[62], lm[66]));
    g = fmax(g, dist(lm[63], lm[65]));
    return t > 0 ? g / t : NAN;
}

/*
 * Yaw from the symmetry of the nose tip (p30) between the cheek contour
 * points p0 and p16 (the ear roots: CHSI's "ears symmetric"). A head
 * cross-section with contour points at (+-a, 0) and the nose tip at depth
 * d, turned by theta, projects to r = (dl - dr) / (dl + dr) = (d/a)
 * tan(theta), so theta = atan(r a/d); a/d = 0.8 (cheek half-width 70 mm,
 * nose tip ~88 mm in front of it). On ../shared/photos this reads ~11 deg
 * for a face a person sees turned by ~10 deg; the 6-point PnP fit reads
 * twice that, its generic nose being too shallow, so PnP only gives pitch.
 */
static double yaw_from_jaw(const idp_point *lm)
{
    double dl = lm[30].x - lm[0].x, dr = lm[16].x - lm[30].x;
    if (!(dl + dr > 0))
        return NAN;
    return atan(0.8 * (dl - dr) / (dl + dr)) * 180.0 / PI;
}

void idp__measure_landmarks(const idp_point lm[IDP_LANDMARKS],
                            idp_measurements *m)
{
    idp_point mid;
    m->has_face = 1;
    m->eye_left = mean_of(lm, 36, 41);
    m->eye_right = mean_of(lm, 42, 47);
    mid.x = (m->eye_left.x + m->eye_right.x) / 2;
    mid.y = (m->eye_left.y + m->eye_right.y) / 2;
    m->eye_line_y = mid.y;
    m->eye_distance = dist(m->eye_left, m->eye_right);
    m->face_width = dist(lm[0], lm[16]);
    m->face_centre_x = mid.x;
    m->chin_y = lm[8].y;
    m->roll_deg =
        atan2(m->eye_right.y - m->eye_left.y, m->eye_right.x - m->eye_left.x) *
        180.0 / PI;
    m->yaw_deg = yaw_from_jaw(lm);
    m->eye_open_left = ear(lm, 36);
    m->eye_open_right = ear(lm, 42);
    m->mouth_gap = mouth_gap(lm, dist(mid, lm[8]));
}

/* dpar39/ppp: D = IED + |eyemid - mouthmid|; the crown lies 0.8754 D from
 * the eye midpoint, away from the mouth (chin 0.8945 D towards it, crown
 * 1.7699 D back from the chin). Hair volume is not modelled. */
double idp__crown_from_landmarks(const idp_point lm[IDP_LANDMARKS])
{
    idp_point el = mean_of(lm, 36, 41), er = mean_of(lm, 42, 47);
    idp_point em = {(el.x + er.x) / 2, (el.y + er.y) / 2};
    idp_point mm = {(lm[48].x + lm[54].x) / 2, (lm[48].y + lm[54].y) / 2};
    double em_mm = dist(em, mm);
    double d = dist(el, er) + em_mm;
    double uy = em_mm > 0 ? (mm.y - em.y) / em_mm : 1.0;
    return em.y - (1.7699 - 0.8945) * d * uy;
}

static int by_area_desc(const void *a, const void *b)
{
    const idp_face *fa = a, *fb = b;
    double da = fa->box.w * fa->box.h, db = fb->box.w * fb->box.h;
    return (da < db) - (da > db);
}

/* The subject is the largest confident face; when no face is confident,
 * the surest one. `faces` must be sorted largest first. */
static size_t pick_subject(const idp_face *faces, size_t n)
{
    size_t best = 0, i;
    for (i = 0; i < n; i++)
        if (faces[i].score >= CONFIDENT_SCORE)
            return i;
    for (i = 1; i < n; i++)
        if (faces[i].score > faces[best].score)
            best = i;
    return best;
}

void idp__faces_classify(idp_face *faces, size_t n, double second_ratio)
{
    size_t subject, i;
    if (n == 0)
        return;
    qsort(faces, n, sizeof *faces, by_area_desc);
    subject = pick_subject(faces, n);
    for (i = 0; i < n; i++) {
        faces[i].is_subject = i == subject;
        faces[i].counted =
            i == subject ||
            (faces[i].score >= CONFIDENT_SCORE &&
             faces[i].box.w >= second_ratio * faces[subject].box.w);
    }
}

/* Overlap of two boxes as a fraction of the smaller one's area. */
static double overlap(idp_rect a, idp_rect b)
{
    double w = fmin(a.x + a.w, b.x + b.w) - fmax(a.x, b.x);
    double h = fmin(a.y + a.h, b.y + b.h) - fmax(a.y, b.y);
    double smaller = fmin(a.w * a.h, b.w * b.h);
    if (w <= 0 || h <= 0 || smaller <= 0)
        return 0;
    return w * h / smaller;
}

void idp__detections_merge(idp__detection *dets, size_t *n, size_t cap,
                           const idp__detection *add, size_t m)
{
    for (size_t j = 0; j < m; j++) {
        size_t i;
        for (i = 0; i < *n; i++)
            if (overlap(dets[i].box, add[j].box) > 0.5)
                break;
        if (i < *n) {
            if (add[j].score > dets[i].score)
                dets[i] = add[j]; /* the same face, surer at this scale */
        } else if (*n < cap) {
            dets[(*n)++] = add[j];
        }
    }
}
