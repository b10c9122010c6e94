/* test_face.c - landmark measurements and the choice of subject. */
#include "check.h"
#include "idp_internal.h"
#include "synth.h"

#include <string.h>

static void test_measure_frontal(void)
{
    idp_point lm[IDP_LANDMARKS];
    idp_measurements m;
    memset(&m, 0, sizeof m);
    synth_face(lm, 240, 250, 240, 0.30, 0, 0);
    idp__measure_landmarks(lm, &m);
    CHECK(m.has_face);
    CHECK_NEAR(m.eye_line_y, 250, 1e-9);
    CHECK_NEAR(m.face_centre_x, 240, 1e-9);
    CHECK_NEAR(m.face_width, 240, 1e-9);
    CHECK_NEAR(m.roll_deg, 0, 1e-9);
    CHECK_NEAR(m.eye_open_left, 0.30, 1e-9);
    CHECK_NEAR(m.eye_open_right, 0.30, 1e-9);
    CHECK_NEAR(m.mouth_gap, 0, 1e-9);
    CHECK_NEAR(m.chin_y, 250 + 6.5 * 24, 1e-9);
    /* eye centres 1.5u + ew/2 = 36 + 21.6 px from the midline */
    CHECK_NEAR(m.eye_distance, 2 * (36 + 21.6), 1e-9);
}

static void test_measure_roll_and_eyes(void)
{
    idp_point lm[IDP_LANDMARKS];
    idp_measurements m;
    synth_face(lm, 300, 300, 200, 0.12, 10, 8);
    idp__measure_landmarks(lm, &m);
    CHECK_NEAR(m.roll_deg, 8, 1e-9); /* clockwise: image-right eye lower */
    CHECK(m.eye_right.y > m.eye_left.y);
    CHECK_NEAR(m.eye_open_left, 0.12, 1e-9); /* EAR is rotation-free */
    CHECK_NEAR(m.mouth_gap, 10 / (6.5 * 20), 1e-9);
    synth_face(lm, 300, 300, 200, 0.3, 0, -5);
    idp__measure_landmarks(lm, &m);
    CHECK_NEAR(m.roll_deg, -5, 1e-9);
}

static void test_crown_estimate(void)
{
    idp_point lm[IDP_LANDMARKS];
    double crown;
    synth_face(lm, 240, 250, 240, 0.3, 0, 0);
    crown = idp__crown_from_landmarks(lm);
    /* above the brows, below the top of a plausible head */
    CHECK(crown < lm[19].y);
    CHECK(crown > 250 - 240 * 1.2);
}

static idp_face face_at(double x, double w, double score)
{
    idp_face f;
    memset(&f, 0, sizeof f);
    f.box.x = x;
    f.box.y = 10;
    f.box.w = w;
    f.box.h = w;
    f.score = score;
    return f;
}

static void test_classify(void)
{
    idp_face f[4];
    /* the astronaut case: a larger low-confidence patch and the face */
    f[0] = face_at(123, 105, 0.06);
    f[1] = face_at(179, 88, 1.48);
    idp__faces_classify(f, 2, 0.4);
    CHECK(f[0].box.w == 105); /* sorted largest first */
    CHECK(!f[0].is_subject && !f[0].counted);
    CHECK(f[1].is_subject && f[1].counted);
    /* two real faces of comparable size, one small one in the back */
    f[0] = face_at(0, 50, 1.0);
    f[1] = face_at(100, 200, 2.0);
    f[2] = face_at(400, 150, 0.5);
    f[3] = face_at(600, 30, 2.5);
    idp__faces_classify(f, 4, 0.4);
    CHECK(f[0].box.w == 200 && f[0].is_subject && f[0].counted);
    CHECK(f[1].box.w == 150 && f[1].counted && !f[1].is_subject);
    CHECK(f[2].box.w == 50 && !f[2].counted);
    CHECK(f[3].box.w == 30 && !f[3].counted);
    /* nothing confident: the surest detection is the subject */
    f[0] = face_at(0, 100, 0.1);
    f[1] = face_at(0, 80, 0.2);
    idp__faces_classify(f, 2, 0.4);
    CHECK(f[1].is_subject && f[1].counted && !f[0].counted);
    idp__faces_classify(f, 0, 0.4); /* no faces: no crash */
}

static void test_merge(void)
{
    idp__detection d[3] = {{{10, 10, 100, 100}, 0.29}};
    idp__detection more[3] = {{{12, 14, 96, 96}, 1.2},  /* same face */
                              {{300, 10, 80, 80}, 0.8}, /* a new one */
                              {{500, 10, 50, 50}, 0.5}};
    idp__detection weaker = {{8, 8, 104, 104}, 0.1};
    size_t n = 1;
    idp__detections_merge(d, &n, 3, more, 3);
    CHECK_EQ_INT(n, 3);
    CHECK_NEAR(d[0].score, 1.2, 0); /* replaced by the surer pass */
    CHECK_NEAR(d[1].box.x, 300, 0);
    CHECK_NEAR(d[2].box.x, 500, 0);
    idp__detections_merge(d, &n, 3, &weaker, 1);
    CHECK_EQ_INT(n, 3);
    CHECK_NEAR(d[0].score, 1.2, 0); /* a weaker duplicate changes nothing */
    n = 0;
    idp__detections_merge(d, &n, 1, more, 3); /* capacity respected */
    CHECK_EQ_INT(n, 1);
}

int main(void)
{
    test_merge();
    test_measure_frontal();
    test_measure_roll_and_eyes();
    test_crown_estimate();
    test_classify();
    return CHECK_DONE();
}
