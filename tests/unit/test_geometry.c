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
    idp__plan_crop(p, &m, &plan);
    CHECK(plan.feasible);
    CHECK_NEAR(plan.k, 240.0 / 800, 1e-9); /* the face-width middle */
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
    idp__plan_crop(p, &m, &plan);
    CHECK(plan.feasible);
    CHECK(plan.k <= 250.0 / 1000 + 1e-9);
    CHECK(plan.k * 800 >= 180 - 1e-9); /* face width still in band */
}

static void test_infeasible(void)
{
    const idp_profile *p = idp_profile_find("chsi");
    /* a tiny face under a huge crown cannot meet face width and head top */
    idp_measurements m = head(100, 2000, 1000, 2100, 1500);
    idp__crop_plan plan;
    if (!p)
        return;
    idp__plan_crop(p, &m, &plan);
    CHECK(!plan.feasible);
    CHECK(plan.k > 0);
}

int main(void)
{
    test_typical_capture();
    test_tall_hair_shrinks_scale();
    test_infeasible();
    return CHECK_DONE();
}
