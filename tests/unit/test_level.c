/* test_level.c - levelling a tilted head (level.c): when photo-make turns
 * the photo, and the crop it plans on the turned landmarks. */
#include "check.h"
#include "idp_internal.h"
#include "synth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A capture report of one face (file pixels) tilted by roll_deg about its
 * eye midpoint (1500, 1800), the crown 600 px above the eye line. */
static idp_report *tilted(double roll_deg)
{
    idp_check_options o = {idp_profile_find("1inch"), IDP_MODE_CAPTURE};
    idp_report *r = NULL;
    if (idp__report_new("tilted.jpg", &o, &r) != IDP_OK)
        abort();
    r->faces = calloc(1, sizeof *r->faces);
    if (!r->faces)
        abort();
    r->n_faces = 1;
    r->faces[0].is_subject = 1;
    synth_face(r->faces[0].landmarks, 1500, 1800, 800, 0.3, 0, roll_deg);
    idp__measure_landmarks(r->faces[0].landmarks, &r->m);
    r->m.head_top_y = r->m.eye_line_y - 600;
    r->m.head_height = r->m.chin_y - r->m.head_top_y;
    r->has_image = 1;
    r->info.width = 3024;
    r->info.height = 4032;
    return r;
}

static void test_when_to_turn(void)
{
    const idp_profile *print = idp_profile_find("1inch");
    const idp_profile *chsi = idp_profile_find("chsi");
    idp_report *r = tilted(6);
    CHECK(print && chsi && print->allow_rotation && !chsi->allow_rotation);
    if (!print || !chsi)
        return;
    CHECK_NEAR(r->m.roll_deg, 6, 1e-6);
    CHECK_NEAR(idp__level_turn(r, print), -6, 1e-6); /* anticlockwise */
    CHECK_NEAR(idp__level_turn(r, chsi), 0, 0);      /* reported only */
    idp_report_free(r);
    r = tilted(0.2); /* level enough: not resampled for nothing */
    CHECK_NEAR(idp__level_turn(r, print), 0, 0);
    idp_report_free(r);
    r = tilted(-20); /* beyond the most: left to head_roll to refuse */
    CHECK_NEAR(idp__level_turn(r, print), 0, 0);
    idp_report_free(r);
}

/* The crop planned on the turned landmarks is the crop of the same face
 * photographed level. */
static void test_plan_is_the_level_one(void)
{
    const idp_profile *p = idp_profile_find("1inch");
    idp_report *level = tilted(0), *r = tilted(-7);
    idp__crop_plan want, got;
    idp_point c = idp__level_centre(r);
    if (!p)
        return;
    CHECK_NEAR(c.x, 1500, 1e-6);
    CHECK_NEAR(c.y, 1800, 1e-6);
    idp__plan_crop(p, &level->m, 4032, 1, &want);
    idp__level_plan(r, p, idp__level_turn(r, p), &got);
    CHECK_NEAR(got.crop.x, want.crop.x, 1e-6);
    CHECK_NEAR(got.crop.y, want.crop.y, 1e-6);
    CHECK_NEAR(got.crop.w, want.crop.w, 1e-6);
    CHECK_NEAR(got.crop.h, want.crop.h, 1e-6);
    CHECK_NEAR(got.k, want.k, 1e-9);
    idp_report_free(level);
    idp_report_free(r);
}

int main(void)
{
    test_when_to_turn();
    test_plan_is_the_level_one();
    return CHECK_DONE();
}
