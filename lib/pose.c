/*
 * pose.c - head pose (yaw, pitch, roll) from 68 landmarks. A generic 6-point
 * 3-D face model (LearnOpenCV; y up, z towards the viewer, arbitrary units)
 * is fitted with a pinhole camera by Levenberg-Marquardt on the reprojection
 * error, with an analytic Jacobian. Pure C.
 *
 * Frames. Head frame: x towards image right, y up, z towards the camera.
 * Camera frame (OpenCV): x right, y down, z away from the camera; the two
 * differ by B = diag(1, -1, -1). A model point X maps to the camera as
 * P = B Rh X + t with Rh = Rz(-roll) Ry(yaw) Rx(-pitch), so that
 *   yaw   > 0: turn about the head's up axis, nose towards image right;
 *   pitch > 0: nod about the ear-to-ear axis, chin up (nose points up);
 *   roll  > 0: clockwise in the image; the ear-to-ear axis depends on roll
 *              and yaw only, so roll is the eye-line angle.
 * The solver works on Rc = B Rh (a rotation: det B = 1) and t.
 */
#include "idp_internal.h"

#include <math.h>

#define NPTS     6
#define NPAR     6
#define MAX_ITER 200
#define PI       3.14159265358979323846
#define DEG      (180.0 / PI)

/* dlib indices and model coordinates of the 6 points. */
static const int pose_idx[NPTS] = {30, 8, 36, 45, 48, 54};
static const double pose_xyz[NPTS][3] = {
    {0.0, 0.0, 0.0},          /* nose tip */
    {0.0, -330.0, -65.0},     /* chin */
    {-225.0, 170.0, -135.0},  /* image-left eye, outer corner */
    {225.0, 170.0, -135.0},   /* image-right eye, outer corner */
    {-150.0, -150.0, -125.0}, /* image-left mouth corner */
    {150.0, -150.0, -125.0}}; /* image-right mouth corner */

typedef struct pose_obs {
    double uv[NPTS][2]; /* observed image points */
    double f, cx, cy;   /* camera */
} pose_obs;

/* r = A b for a row-major 3x3 A. */
static void mat3_vec(const double a[9], const double b[3], double r[3])
{
    for (int i = 0; i < 3; i++)
        r[i] = a[3 * i] * b[0] + a[3 * i + 1] * b[1] + a[3 * i + 2] * b[2];
}

/* r = A B, row-major 3x3; r may not alias. */
static void mat3_mul(const double a[9], const double b[9], double r[9])
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            r[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] +
                           a[3 * i + 2] * b[6 + j];
}

/* Rotation matrix of the rotation vector w (Rodrigues). */
static void rodrigues(const double w[3], double r[9])
{
    double th = sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
    double k[3] = {0.0, 0.0, 0.0};
    double s = sin(th), c = 1.0 - cos(th);

    if (th > 0.0) {
        k[0] = w[0] / th;
        k[1] = w[1] / th;
        k[2] = w[2] / th;
    }
    r[0] = 1.0 - c * (k[1] * k[1] + k[2] * k[2]);
    r[4] = 1.0 - c * (k[0] * k[0] + k[2] * k[2]);
    r[8] = 1.0 - c * (k[0] * k[0] + k[1] * k[1]);
    r[1] = -s * k[2] + c * k[0] * k[1];
    r[3] = s * k[2] + c * k[0] * k[1];
    r[2] = s * k[1] + c * k[0] * k[2];
    r[6] = -s * k[1] + c * k[0] * k[2];
    r[5] = -s * k[0] + c * k[1] * k[2];
    r[7] = s * k[0] + c * k[1] * k[2];
}

/*
 * Residuals of point i and, when jac is not NULL, their derivatives with
 * respect to (w, t), where the rotation is perturbed as Rc <- exp([w]x) Rc.
 * Returns -1 when the point is not in front of the camera.
 */
static int point_residual(const pose_obs *o, const double rc[9],
                          const double t[3], int i, double res[2],
                          double jac[2][NPAR])
{
    double q[3], p[3];

    mat3_vec(rc, pose_xyz[i], q);
    for (int k = 0; k < 3; k++)
        p[k] = q[k] + t[k];
    if (!(p[2] > 1e-9))
        return -1;
    res[0] = o->f * p[0] / p[2] + o->cx - o->uv[i][0];
    res[1] = o->f * p[1] / p[2] + o->cy - o->uv[i][1];
    if (!jac)
        return 0;
    for (int r = 0; r < 2; r++) {
        /* d(res)/dP = f/z (e_r - P_r / z e_z); dP/dw = -[q]x; dP/dt = I */
        double g[3] = {0.0, 0.0, -o->f * p[r] / (p[2] * p[2])};
        g[r] = o->f / p[2];
        jac[r][0] = g[2] * q[1] - g[1] * q[2];
        jac[r][1] = g[0] * q[2] - g[2] * q[0];
        jac[r][2] = g[1] * q[0] - g[0] * q[1];
        jac[r][3] = g[0];
        jac[r][4] = g[1];
        jac[r][5] = g[2];
    }
    return 0;
}

/* Sum of squared residuals; with jtj/jtr, the Gauss-Newton normal
 * equations J'J and J'r. Returns -1 when a point is behind the camera. */
static int pose_cost(const pose_obs *o, const double rc[9], const double t[3],
                     double *cost, double jtj[NPAR * NPAR], double jtr[NPAR])
{
    double jac[2][NPAR], res[2];

    *cost = 0.0;
    if (jtj) {
        for (int k = 0; k < NPAR * NPAR; k++)
            jtj[k] = 0.0;
        for (int k = 0; k < NPAR; k++)
            jtr[k] = 0.0;
    }
    for (int i = 0; i < NPTS; i++) {
        if (point_residual(o, rc, t, i, res, jtj ? jac : NULL) != 0)
            return -1;
        *cost += res[0] * res[0] + res[1] * res[1];
        if (!jtj)
            continue;
        for (int r = 0; r < 2; r++)
            for (int a = 0; a < NPAR; a++) {
                jtr[a] += jac[r][a] * res[r];
                for (int b = 0; b < NPAR; b++)
                    jtj[a * NPAR + b] += jac[r][a] * jac[r][b];
            }
    }
    return 0;
}

/* Solve A x = b (NPAR x NPAR, row-major; A and b are destroyed) by Gaussian
 * elimination with partial pivoting. Returns -1 when A is singular. */
static int solve6(double a[NPAR * NPAR], double b[NPAR], double x[NPAR])
{
    for (int c = 0; c < NPAR; c++) {
        int piv = c;
        for (int r = c + 1; r < NPAR; r++)
            if (fabs(a[r * NPAR + c]) > fabs(a[piv * NPAR + c]))
                piv = r;
        if (!(fabs(a[piv * NPAR + c]) > 1e-300))
            return -1;
        for (int k = 0; k < NPAR; k++) {
            double tmp = a[c * NPAR + k];
            a[c * NPAR + k] = a[piv * NPAR + k];
            a[piv * NPAR + k] = tmp;
        }
        double tb = b[c];
        b[c] = b[piv];
        b[piv] = tb;
        for (int r = c + 1; r < NPAR; r++) {
            double m = a[r * NPAR + c] / a[c * NPAR + c];
            for (int k = c; k < NPAR; k++)
                a[r * NPAR + k] -= m * a[c * NPAR + k];
            b[r] -= m * b[c];
        }
    }
    for (int r = NPAR - 1; r >= 0; r--) {
        double s = b[r];
        for (int k = r + 1; k < NPAR; k++)
            s -= a[r * NPAR + k] * x[k];
        x[r] = s / a[r * NPAR + r];
    }
    return 0;
}

/* One damped step from (rc, t): solve (J'J + lambda diag(J'J)) d = -J'r
 * and apply it into (rc2, t2). Returns the step length, or -1. */
static double lm_step(const double jtj[NPAR * NPAR], const double jtr[NPAR],
                      double lambda, const double rc[9], const double t[3],
                      double rc2[9], double t2[3])
{
    double a[NPAR * NPAR], b[NPAR], d[NPAR], dr[9];

    for (int k = 0; k < NPAR * NPAR; k++)
        a[k] = jtj[k];
    for (int k = 0; k < NPAR; k++) {
        a[k * NPAR + k] += lambda * a[k * NPAR + k] + 1e-12;
        b[k] = -jtr[k];
    }
    if (solve6(a, b, d) != 0)
        return -1.0;
    rodrigues(d, dr);
    mat3_mul(dr, rc, rc2);
    for (int k = 0; k < 3; k++)
        t2[k] = t[k] + d[3 + k];
    return sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) +
           sqrt(d[3] * d[3] + d[4] * d[4] + d[5] * d[5]) /
               (sqrt(t[0] * t[0] + t[1] * t[1] + t[2] * t[2]) + 1.0);
}

/* Levenberg-Marquardt from (rc, t), refined in place. Returns 0 when a
 * minimum is reached, -1 otherwise; *cost is the final squared error. */
static int pose_lm(const pose_obs *o, double rc[9], double t[3], double *cost)
{
    double jtj[NPAR * NPAR], jtr[NPAR], lambda = 1e-3;

    if (pose_cost(o, rc, t, cost, jtj, jtr) != 0)
        return -1;
    for (int it = 0; it < MAX_ITER; it++) {
        double rc2[9], t2[3], cost2 = HUGE_VAL;
        double len = lm_step(jtj, jtr, lambda, rc, t, rc2, t2);
        if (len >= 0.0 && pose_cost(o, rc2, t2, &cost2, NULL, NULL) != 0)
            cost2 = HUGE_VAL;
        if (!(cost2 < *cost)) {
            lambda *= 10.0;
            if (lambda > 1e10) /* no descent left: at the minimum */
                return 0;
            continue;
        }
        int done = len < 1e-12 || *cost - cost2 <= 1e-14 * *cost;
        for (int k = 0; k < 9; k++)
            rc[k] = rc2[k];
        for (int k = 0; k < 3; k++)
            t[k] = t2[k];
        *cost = cost2;
        if (done || *cost < 1e-20)
            return 0;
        lambda = lambda > 1e-9 ? lambda / 10.0 : lambda;
        if (pose_cost(o, rc, t, cost, jtj, jtr) != 0)
            return -1;
    }
    return -1;
}

/* Weak-perspective start: scale from the eye corners, translation from the
 * nose tip, roll from the eye line, yaw = pitch = 0. */
static void pose_init(const pose_obs *o, double rc[9], double t[3])
{
    double dx = o->uv[3][0] - o->uv[2][0], dy = o->uv[3][1] - o->uv[2][1];
    double eye = sqrt(dx * dx + dy * dy);
    double a = atan2(dy, dx); /* roll: Rh = Rz(-a), Rc = B Rh */
    double z = o->f * 450.0 / eye;

    rc[0] = cos(a);
    rc[1] = sin(a);
    rc[2] = 0.0;
    rc[3] = sin(a);
    rc[4] = -cos(a);
    rc[5] = 0.0;
    rc[6] = 0.0;
    rc[7] = 0.0;
    rc[8] = -1.0;
    t[0] = (o->uv[0][0] - o->cx) * z / o->f;
    t[1] = (o->uv[0][1] - o->cy) * z / o->f;
    t[2] = z;
}

/* Load the 6 observations; -1 when any is not finite, two coincide or the
 * eye corners are less than a pixel apart. Sets *extent to the largest
 * distance between two of them. */
static int pose_load(const idp_point lm[IDP_LANDMARKS], pose_obs *o,
                     double *extent)
{
    *extent = 0.0;
    for (int i = 0; i < NPTS; i++) {
        o->uv[i][0] = lm[pose_idx[i]].x;
        o->uv[i][1] = lm[pose_idx[i]].y;
        if (!isfinite(o->uv[i][0]) || !isfinite(o->uv[i][1]))
            return -1;
    }
    for (int i = 0; i < NPTS; i++)
        for (int j = i + 1; j < NPTS; j++) {
            double d =
                hypot(o->uv[i][0] - o->uv[j][0], o->uv[i][1] - o->uv[j][1]);
            if (!(d > 1e-6))
                return -1;
            *extent = d > *extent ? d : *extent;
        }
    if (!(hypot(o->uv[3][0] - o->uv[2][0], o->uv[3][1] - o->uv[2][1]) >= 1.0))
        return -1;
    return 0;
}

int idp__pose_estimate(const idp_point lm[IDP_LANDMARKS], int img_w, int img_h,
                       double focal, double *yaw, double *pitch, double *roll)
{
    pose_obs o;
    double rc[9], t[3], rh[9], cost, extent;
    static const double b[9] = {1, 0, 0, 0, -1, 0, 0, 0, -1};

    if (!lm || img_w <= 0 || img_h <= 0 || !isfinite(focal) || !(focal > 0))
        return -1;
    if (pose_load(lm, &o, &extent) != 0)
        return -1;
    o.f = focal;
    o.cx = img_w / 2.0;
    o.cy = img_h / 2.0;
    pose_init(&o, rc, t);
    if (pose_lm(&o, rc, t, &cost) != 0)
        return -1;
    /* A fit leaving an RMS error over 1/5 of the landmarks' extent did not
     * find a face the model explains. */
    if (!(sqrt(cost / NPTS) <= 0.2 * extent))
        return -1;
    mat3_mul(b, rc, rh); /* Rh = B Rc = Rz(-roll) Ry(yaw) Rx(-pitch) */
    double s = rh[6] < -1.0 ? -1.0 : (rh[6] > 1.0 ? 1.0 : rh[6]);
    double y = asin(-s) * DEG, p = -atan2(rh[7], rh[8]) * DEG;
    double r = -atan2(rh[3], rh[0]) * DEG;
    if (!isfinite(y) || !isfinite(p) || !isfinite(r))
        return -1;
    *yaw = y;
    *pitch = p;
    *roll = r;
    return 0;
}
