/*
 * test_pose.c - idp__pose_estimate on landmarks synthesised by projecting
 * the generic model with a known pose, on hand-made sign cases and on
 * degenerate input.
 */
#include "check.h"
#include "idp_internal.h"

#include <math.h>
#include <stdlib.h>

#define PI    3.14159265358979323846
#define RAD   (PI / 180.0)
#define IMG_W 480
#define IMG_H 640
#define FOCAL 480.0

static const int idx[6] = {30, 8, 36, 45, 48, 54};
static const double xyz[6][3] = {{0, 0, 0},          {0, -330, -65},
                                 {-225, 170, -135},  {225, 170, -135},
                                 {-150, -150, -125}, {150, -150, -125}};

/* r = A B, row-major 3x3. */
static void mul3(const double a[9], const double b[9], double r[9])
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            r[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] +
                           a[3 * i + 2] * b[6 + j];
}

/* Head rotation Rh = Rz(-roll) Ry(yaw) Rx(-pitch), head frame y up. */
static void head_rotation(double yaw, double pitch, double roll, double r[9])
{
    double cz = cos(-roll * RAD), sz = sin(-roll * RAD);
    double cy = cos(yaw * RAD), sy = sin(yaw * RAD);
    double cx = cos(-pitch * RAD), sx = sin(-pitch * RAD);
    double rz[9] = {cz, -sz, 0, sz, cz, 0, 0, 0, 1};
    double ry[9] = {cy, 0, sy, 0, 1, 0, -sy, 0, cy};
    double rx[9] = {1, 0, 0, 0, cx, -sx, 0, sx, cx};
    double tmp[9];

    mul3(ry, rx, tmp);
    mul3(rz, tmp, r);
}

/* 68 landmarks: the 6 model points projected with the given pose and a
 * translation t (camera frame, model units); the others on a fixed grid. */
static void synth(double yaw, double pitch, double roll, const double t[3],
                  idp_point lm[IDP_LANDMARKS])
{
    double r[9];

    head_rotation(yaw, pitch, roll, r);
    for (int i = 0; i < IDP_LANDMARKS; i++) {
        lm[i].x = 100.0 + 3.0 * i;
        lm[i].y = 200.0 + (i % 7);
    }
    for (int i = 0; i < 6; i++) {
        double p[3];
        for (int k = 0; k < 3; k++)
            p[k] = r[3 * k] * xyz[i][0] + r[3 * k + 1] * xyz[i][1] +
                   r[3 * k + 2] * xyz[i][2];
        p[1] = -p[1]; /* head frame (y up, z to camera) -> camera frame */
        p[2] = -p[2];
        for (int k = 0; k < 3; k++)
            p[k] += t[k];
        lm[idx[i]].x = FOCAL * p[0] / p[2] + IMG_W / 2.0;
        lm[idx[i]].y = FOCAL * p[1] / p[2] + IMG_H / 2.0;
    }
}

static double worst_err;

static void check_pose(double yaw, double pitch, double roll, double tol)
{
    const double t[3] = {-120.0, 250.0, 2200.0};
    idp_point lm[IDP_LANDMARKS];
    double y = NAN, p = NAN, r = NAN;

    synth(yaw, pitch, roll, t, lm);
    CHECK_EQ_INT(idp__pose_estimate(lm, IMG_W, IMG_H, FOCAL, &y, &p, &r), 0);
    CHECK_NEAR(y, yaw, tol);
    CHECK_NEAR(p, pitch, tol);
    CHECK_NEAR(r, roll, tol);
    double e = fmax(fabs(y - yaw), fmax(fabs(p - pitch), fabs(r - roll)));
    worst_err = fmax(worst_err, isnan(e) ? INFINITY : e);
}

static void test_grid(void)
{
    static const double a[] = {-20.0, -10.0, 0.0, 10.0, 20.0};

    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++)
            for (int k = 0; k < 5; k++)
                check_pose(a[i], a[j], a[k], 0.5);
    printf("exact landmarks, 125 poses in [-20, 20] deg: worst error %.2e "
           "deg\n",
           worst_err);
    worst_err = 0.0;
    check_pose(35.0, -25.0, 15.0, 0.5);
    check_pose(-40.0, 25.0, -30.0, 0.5);
    printf("larger poses: worst error %.2e deg\n", worst_err);
}

/* With +-0.5 px landmark noise (eye corners ~100 px apart). */
static void test_noise(void)
{
    const double t[3] = {0.0, 0.0, 2200.0};
    double worst = 0.0;

    srand(7);
    for (int n = 0; n < 50; n++) {
        idp_point lm[IDP_LANDMARKS];
        double yaw = (n % 5) * 5.0 - 10.0, pitch = (n % 3) * 5.0 - 5.0;
        double y = NAN, p = NAN, r = NAN;
        synth(yaw, pitch, 3.0, t, lm);
        for (int i = 0; i < 6; i++) {
            lm[idx[i]].x += rand() / (double)RAND_MAX - 0.5;
            lm[idx[i]].y += rand() / (double)RAND_MAX - 0.5;
        }
        CHECK_EQ_INT(idp__pose_estimate(lm, IMG_W, IMG_H, FOCAL, &y, &p, &r),
                     0);
        worst = fmax(worst, fabs(y - yaw));
        worst = fmax(worst, fabs(p - pitch));
        worst = fmax(worst, fabs(r - 3.0));
    }
    printf("+-0.5 px noise, 50 poses: worst error %.2f deg\n", worst);
    CHECK(worst < 3.0);
}

/* The synthesis itself follows the header's wording. */
static void test_synth_signs(void)
{
    const double t[3] = {0.0, 0.0, 2200.0};
    idp_point f[IDP_LANDMARKS], l[IDP_LANDMARKS];

    synth(0, 0, 0, t, f);
    synth(15, 0, 0, t, l); /* nose moves to image right of the eyes */
    CHECK(l[30].x > (l[36].x + l[45].x) / 2.0 + 5.0);
    synth(0, 15, 0, t, l); /* chin up: the nose rises towards the eyes */
    CHECK(l[30].y - (l[36].y + l[45].y) / 2.0 <
          f[30].y - (f[36].y + f[45].y) / 2.0 - 5.0);
    synth(0, 0, 15, t, l); /* clockwise: the image-right eye is lower */
    CHECK(l[45].y > l[36].y + 10.0);
}

/* Hand-made frontal-ish landmarks, then moved the way each angle says. */
static void frontal(idp_point lm[IDP_LANDMARKS])
{
    for (int i = 0; i < IDP_LANDMARKS; i++) {
        lm[i].x = 240.0;
        lm[i].y = 300.0 + i;
    }
    lm[36] = (idp_point){190.0, 280.0};
    lm[45] = (idp_point){290.0, 280.0};
    lm[30] = (idp_point){240.0, 320.0};
    lm[48] = (idp_point){207.0, 354.0};
    lm[54] = (idp_point){273.0, 354.0};
    lm[8] = (idp_point){240.0, 395.0};
}

static void test_handmade_signs(void)
{
    idp_point lm[IDP_LANDMARKS];
    double y0, p0, r0, y, p, r;

    frontal(lm);
    CHECK_EQ_INT(idp__pose_estimate(lm, 480, 640, 480, &y0, &p0, &r0), 0);
    lm[30].x += 12.0; /* nose to image right */
    CHECK_EQ_INT(idp__pose_estimate(lm, 480, 640, 480, &y, &p, &r), 0);
    CHECK(y > y0 + 5.0);
    frontal(lm);
    lm[30].y -= 10.0; /* nose up towards the eyes: chin up */
    CHECK_EQ_INT(idp__pose_estimate(lm, 480, 640, 480, &y, &p, &r), 0);
    CHECK(p > p0 + 5.0);
    frontal(lm);
    lm[45].y += 10.0; /* image-right eye lower: clockwise */
    lm[54].y += 7.0;
    CHECK_EQ_INT(idp__pose_estimate(lm, 480, 640, 480, &y, &p, &r), 0);
    CHECK(r > r0 + 3.0);
}

static void test_degenerate(void)
{
    const double t[3] = {0.0, 0.0, 2200.0};
    idp_point lm[IDP_LANDMARKS];
    double y, p, r;

    synth(0, 0, 0, t, lm);
    lm[8].y = NAN;
    CHECK_EQ_INT(idp__pose_estimate(lm, IMG_W, IMG_H, FOCAL, &y, &p, &r), -1);
    synth(0, 0, 0, t, lm);
    lm[45] = lm[36];
    CHECK_EQ_INT(idp__pose_estimate(lm, IMG_W, IMG_H, FOCAL, &y, &p, &r), -1);
    for (int i = 0; i < IDP_LANDMARKS; i++)
        lm[i] = (idp_point){100.0, 100.0};
    CHECK_EQ_INT(idp__pose_estimate(lm, IMG_W, IMG_H, FOCAL, &y, &p, &r), -1);
    synth(0, 0, 0, t, lm);
    lm[30].x = INFINITY;
    CHECK_EQ_INT(idp__pose_estimate(lm, IMG_W, IMG_H, FOCAL, &y, &p, &r), -1);
    synth(0, 0, 0, t, lm);
    CHECK_EQ_INT(idp__pose_estimate(lm, IMG_W, IMG_H, 0.0, &y, &p, &r), -1);
    CHECK_EQ_INT(idp__pose_estimate(lm, 0, IMG_H, FOCAL, &y, &p, &r), -1);
    /* Not a face: the chin far above the eyes, mouth swapped. */
    synth(0, 0, 0, t, lm);
    lm[8].y -= 400.0;
    double tx = lm[48].x;
    lm[48].x = lm[54].x;
    lm[54].x = tx;
    int rc = idp__pose_estimate(lm, IMG_W, IMG_H, FOCAL, &y, &p, &r);
    printf("implausible landmarks: status %d\n", rc);
    CHECK_EQ_INT(rc, -1);
}

int main(void)
{
    test_grid();
    test_noise();
    test_synth_signs();
    test_handmade_signs();
    test_degenerate();
    return CHECK_DONE();
}
