/*
 * shape_predict.c - dlib's shape_predictor (Kazemi & Sullivan's cascade of
 * regression trees) in plain C over the compact model (shape_model.h).
 *
 * It repeats dlib 19.24's shape_predictor::operator() step by step, in the
 * same float and double arithmetic, so that the points are dlib's:
 * for each cascade level, the similarity transform from the initial
 * (mean) shape to the current estimate (Umeyama's least squares, solved in
 * closed form for 2-D: c R = [[a, -b], [b, a]] / var(from)), cast to float;
 * each feature pixel is its anchor point of the current shape plus that
 * transform times its stored delta, mapped from the unit face box to the
 * image and rounded (floor(x + 0.5)); a pixel outside the image reads 0.
 * Every tree of the level is walked on those pixel values (left when
 * p[idx1] - p[idx2] > thresh) and its leaf's vector added to the shape.
 * The final points are rounded to whole pixels, as dlib's point is.
 */
#include "shape_model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#define MAX_PARTS IDP_LANDMARKS

/* dlib's unnormalizing_tform(rect): the affine map of the unit square to
 * the face box, found by dlib as Q * pinv(P) with P the homogeneous unit
 * corners (0,0), (1,0), (1,1) and Q the box's top-left, top-right and
 * bottom-right corners. pinv(P) is computed by dlib's SVD and is not
 * exactly the true inverse (it carries errors of ~1e-16); these are its
 * values bit for bit (dlib 19.24 on Debian 12), so that the map, and
 * every rounding to a pixel, is dlib's. unit_tform() multiplies in dlib's
 * order. */
static const double pinv_p[3][3] = {
    {-0x1.0000000000001p+0, -0x1.8p-51, 0x1.0000000000002p+0},
    {0x1.ffffffffffffep-1, -0x1.ffffffffffffcp-1, 0x1p-53},
    {0x1p-54, 0x1.ffffffffffffep-1, 0x1p-54},
};

typedef struct affine {
    double m[2][3]; /* x' = m00 x + m01 y + m02, y' likewise */
} affine;

static affine unit_tform(const long rect[4])
{
    double q[2][3] = {{(double)rect[0], (double)rect[2], (double)rect[2]},
                      {(double)rect[1], (double)rect[1], (double)rect[3]}};
    affine a;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++) {
            double s = q[i][0] * pinv_p[0][j];
            s += q[i][1] * pinv_p[1][j];
            s += q[i][2] * pinv_p[2][j];
            a.m[i][j] = s;
        }
    return a;
}

/* dlib's point_transform_affine: m * p + b, in that order. */
static void apply(const affine *a, double x, double y, double *ox, double *oy)
{
    double u = a->m[0][0] * x, v = a->m[1][0] * x;
    u += a->m[0][1] * y;
    v += a->m[1][1] * y;
    *ox = u + a->m[0][2];
    *oy = v + a->m[1][2];
}

/* dlib's find_similarity_transform(from, to) as the float matrix
 * t = {t00, t01, t10, t11} (the translation is not needed). */
static void similarity(const float *from, const float *to, unsigned n,
                       float t[4])
{
    double mfx = 0, mfy = 0, mtx = 0, mty = 0, var = 0;
    double c00 = 0, c01 = 0, c10 = 0, c11 = 0;
    for (unsigned i = 0; i < n; i++) {
        mfx += from[2 * i];
        mfy += from[2 * i + 1];
        mtx += to[2 * i];
        mty += to[2 * i + 1];
    }
    mfx /= n;
    mfy /= n;
    mtx /= n;
    mty /= n;
    for (unsigned i = 0; i < n; i++) {
        double fx = from[2 * i] - mfx, fy = from[2 * i + 1] - mfy;
        double tx = to[2 * i] - mtx, ty = to[2 * i + 1] - mty;
        var += fx * fx + fy * fy;
        c00 += tx * fx;
        c01 += tx * fy;
        c10 += ty * fx;
        c11 += ty * fy;
    }
    var /= n;
    c00 /= n;
    c01 /= n;
    c10 /= n;
    c11 /= n;
    double a = c00 + c11, b = c10 - c01;
    if (var == 0)
        var = 1;
    t[0] = (float)(a / var);
    t[1] = (float)(-b / var);
    t[2] = (float)(b / var);
    t[3] = (float)(a / var);
}

/* Unit face box to image, rounded as dlib's point is; 0 when outside. */
static int to_pixel(const affine *r, float x, float y, int w, int h, long *px,
                    long *py)
{
    double fx, fy;
    apply(r, x, y, &fx, &fy);
    fx = floor(fx + 0.5);
    fy = floor(fy + 0.5);
    if (!(fx >= 0 && fx <= w - 1 && fy >= 0 && fy <= h - 1))
        return 0;
    *px = (long)fx;
    *py = (long)fy;
    return 1;
}

/* The pixel values of level c's features at the current shape. */
static void sample_pixels(const idp__shape_model *m, unsigned c,
                          const float *shape, const uint8_t *grey, int w, int h,
                          size_t stride, const affine *r, float *feat)
{
    float t[4];
    unsigned n = m->h.pixels;
    const uint32_t *anchor = m->anchors + (size_t)c * n;
    const float *delta = m->deltas + (size_t)c * n * 2;
    similarity(m->initial, shape, m->h.parts, t);
    for (unsigned i = 0; i < n; i++) {
        float dx = delta[2 * i], dy = delta[2 * i + 1];
        float x = t[0] * dx;
        float y = t[2] * dx;
        long px, py;
        x += t[1] * dy;
        y += t[3] * dy;
        x = x + shape[2 * anchor[i]];
        y = y + shape[2 * anchor[i] + 1];
        feat[i] = to_pixel(r, x, y, w, h, &px, &py)
                      ? (float)grey[(size_t)py * stride + (size_t)px]
                      : 0.0f;
    }
}

#define PREFETCH_AHEAD 4 /* leaves requested this many trees early */
#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* The leaf tree k of level c lands in. */
static const float *leaf_of(const idp__shape_model *m, unsigned c, unsigned k,
                            const float *feat)
{
    unsigned inner = m->leaves - 1, i = 0;
    size_t tree = (size_t)c * m->h.trees + k;
    const idp__model_split *s = m->splits + tree * inner;
    while (i < inner)
        i = feat[s[i].idx1] - feat[s[i].idx2] > s[i].thresh ? 2 * i + 1
                                                            : 2 * i + 2;
    return m->leaf_values + (tree * m->leaves + (i - inner)) * 2 * m->h.parts;
}

/* Walk every tree of level c and add its leaf to the shape, in tree
 * order. The leaves (544 bytes each, anywhere in 43 MB) are found a few
 * trees ahead and their memory requested then, so the adds do not wait
 * on it. */
static void apply_trees(const idp__shape_model *m, unsigned c,
                        const float *feat, float *shape)
{
    const float *ahead[PREFETCH_AHEAD];
    unsigned n = 2 * m->h.parts, trees = m->h.trees;
    for (unsigned k = 0; k < trees + PREFETCH_AHEAD; k++) {
        const float *leaf =
            k >= PREFETCH_AHEAD ? ahead[k % PREFETCH_AHEAD] : NULL;
        if (k < trees) {
            const float *next = leaf_of(m, c, k, feat);
            for (unsigned b = 0; b < n * sizeof *next; b += 64)
                PREFETCH((const char *)next + b);
            ahead[k % PREFETCH_AHEAD] = next;
        }
        for (unsigned j = 0; leaf && j < n; j++)
            shape[j] += leaf[j];
    }
}

void idp__face_rect(idp_rect box, long rect[4])
{
    rect[0] = lround(box.x);
    rect[1] = lround(box.y);
    rect[2] = lround(box.x + box.w) - 1;
    rect[3] = lround(box.y + box.h) - 1;
}

idp_status idp__shape_predict(const idp__shape_model *m, const uint8_t *grey,
                              int w, int h, size_t stride, const long rect[4],
                              idp_point *pts, char *err, size_t err_len)
{
    float shape[2 * MAX_PARTS];
    float feat[IDP__MODEL_MAX_PIXELS];
    affine r = unit_tform(rect);
    unsigned n = m->h.parts;
    if (n > MAX_PARTS || m->h.pixels > IDP__MODEL_MAX_PIXELS || w <= 0 ||
        h <= 0 || !grey) {
        snprintf(err, err_len, "landmark predictor: bad arguments");
        return IDP_E_INVALID_ARG;
    }
    for (unsigned j = 0; j < 2 * n; j++)
        shape[j] = m->initial[j];
    for (unsigned c = 0; c < m->h.cascades; c++) {
        sample_pixels(m, c, shape, grey, w, h, stride, &r, feat);
        apply_trees(m, c, feat, shape);
    }
    for (unsigned i = 0; i < n; i++) {
        apply(&r, shape[2 * i], shape[2 * i + 1], &pts[i].x, &pts[i].y);
        pts[i].x = floor(pts[i].x + 0.5);
        pts[i].y = floor(pts[i].y + 0.5);
        if (!isfinite(pts[i].x) || !isfinite(pts[i].y)) {
            snprintf(err, err_len,
                     "landmark predictor: point %u is not finite "
                     "(corrupt face model?)",
                     i);
            return IDP_E_MODEL;
        }
    }
    return IDP_OK;
}
