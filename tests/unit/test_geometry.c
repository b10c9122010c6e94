/* test_geometry.c - crop planning against the chsi bands. */
#include "check.h"
#include "idp_internal.h"

#include <string.h>

static idp_measurements head(double fw, double eye_y, double crown_y,
                             double chin_y, double cx)
{
    idp_measurements m;
    memset(&m, 0, sizeof m);
    m.has_face = 1;
    m.face_width = fw;
    m.eye_line_y = eye_y;
    m.head_top_y = crown_y;
    m.chin_y = chin_y;
    m.face_centre_x = cx;
    return m;
}

static void test_typical_capture(void)
{
    const idp_profile *p = idp_profile_find("chsi");
    idp_measurements m = head(800, 1800, 1200, 2600, 1500);
    idp__crop_plan plan;
    CHECK(p != NULL);
    if (!p)
        return;
    idp__plan_crop(p, &m, 0, 1, &plan);
    CHECK(plan.feasible);
    CHECK_NEAR(plan.k, 240.0 / 800, 1e-9); /* the face-width middle */
    CHECK(plan.eye_out >= 200 + 3.2 - 1e-9 && plan.eye_out <= 300 - 3.2);
    CHECK(plan.eye_out >= 200 && plan.eye_out <= 300);
    CHECK(plan.crown_out >= 50 && plan.crown_out <= 110);
    CHECK_NEAR(plan.crop.w, 480 / plan.k, 1e-9);
    CHECK_NEAR(plan.crop.h, 640 / plan.k, 1e-9);
    CHECK_NEAR(plan.crop.x + plan.crop.w / 2, 1500, 1e-9);
    /* the eye line lands where planned */
    CHECK_NEAR((m.eye_line_y - plan.crop.y) * plan.k, plan.eye_out, 1e-9);
}

static void test_tall_hair_shrinks_scale(void)
{
    const idp_profile *p = idp_profile_find("chsi");
    /* crown 1000 px above the eyes: at k = 0.3 the crown would be 300 px
     * above the eyes; eye <= 300 and crown >= 50 allow only 250 */
    idp_measurements m = head(800, 2000, 1000, 2800, 1500);
    idp__crop_plan plan;
    if (!p)
        return;
    idp__plan_crop(p, &m, 0, 1, &plan);
    CHECK(plan.feasible);
    CHECK(plan.k <= 250.0 / 1000 + 1e-9);
    CHECK(plan.k * 800 >= 180 * 1.015 - 1e-9); /* face width inside band */
}

static void test_infeasible(void)
{
    const idp_profile *p = idp_profile_find("chsi");
    /* a tiny face under a huge crown cannot meet face width and head top */
    idp_measurements m = head(100, 2000, 1000, 2100, 1500);
    idp__crop_plan plan;
    if (!p)
        return;
    idp__plan_crop(p, &m, 0, 1, &plan);
    CHECK(!plan.feasible);
    CHECK(plan.k > 0);
}

static void test_small_face_not_upscaled_past_the_band(void)
{
    const idp_profile *p = idp_profile_find("chsi");
    /* a 140 px face: the band needs >= 180 px, so k = 180/140, not the
     * band's middle (240/140) */
    idp_measurements m = head(140, 300, 200, 440, 300);
    idp__crop_plan plan;
    if (!p)
        return;
    idp__plan_crop(p, &m, 0, 1, &plan);
    CHECK(plan.feasible);
    CHECK_NEAR(plan.k, 180.0 * 1.015 / 140, 1e-9); /* inside the edge */
}

static void test_bottom_kept_inside_when_possible(void)
{
    const idp_profile *p = idp_profile_find("chsi");
    /* the photo ends 1250 px below the eyes: at k = 0.3 the middle eye
     * position (260) would need 380 / 0.3 = 1267 px below them */
    idp_measurements m = head(800, 1800, 1200, 2600, 1500);
    idp__crop_plan plan;
    if (!p)
        return;
    idp__plan_crop(p, &m, 1800 + 1250, 1, &plan);
    CHECK(plan.feasible);
    CHECK_NEAR(plan.crop.y + plan.crop.h, 3050, 1e-6); /* bottom at edge */
    CHECK_NEAR(plan.eye_out, 265, 1e-9);               /* 640 - 1250 x 0.3 */
    idp__plan_crop(p, &m, 10000, 1, &plan); /* plenty of room: the middle */
    CHECK_NEAR(plan.eye_out, 260, 1e-9);
}

static void test_well_framed_photo_stays(void)
{
    const idp_profile *p = idp_profile_find("chsi");
    /* a 480x640 photo already framed: eyes at 251, crown 56, face 206 */
    idp_measurements m = head(206, 251.4, 56.1, 420, 240);
    idp__crop_plan plan;
    if (!p)
        return;
    idp__plan_crop(p, &m, 640, 1, &plan);
    CHECK(plan.feasible);
    CHECK_NEAR(plan.k, 1.0, 1e-9);
    CHECK_NEAR(plan.crop.y, 0, 1e-9);
    CHECK_NEAR(plan.crop.x, 0, 1e-9);
}

int main(void)
{
    test_well_framed_photo_stays();
    test_bottom_kept_inside_when_possible();
    test_small_face_not_upscaled_past_the_band();
    test_typical_capture();
    test_tall_hair_shrinks_scale();
    test_infeasible();
    return CHECK_DONE();
}
