/*
 * test_checks.c - every rule of the table on synthetic measurements: a
 * compliant CHSI photo passes; each defect fails the rule it should and
 * only that rule; capture mode skips the file rules.
 */
#include "check.h"
#include "idp_internal.h"
#include "synth.h"

#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    struct idp_image img;
    char name[32];
    idp_profile p;
    idp_face faces[3];
    idp_measurements m;
    idp__crop_plan plan;
    idp__check_env env;
    idp_report *r;
} fixture;

/* A compliant 480x640 CHSI photo: eyes at 250, face 240 wide, crown 80. */
static void setup(fixture *f)
{
    idp_check_options o = {NULL, IDP_MODE_FINAL};
    memset(f, 0, sizeof *f);
    f->p = *idp_profile_find("chsi");
    f->img.width = 480;
    f->img.height = 640;
    strcpy(f->name, "photo.jpg");
    f->img.name = f->name;
    f->img.info = (idp_image_info){.format = "jpeg",
                                   .width = 480,
                                   .height = 640,
                                   .file_bytes = 30000,
                                   .dpi_x = 300,
                                   .dpi_y = 300,
                                   .has_density = 1,
                                   .orientation = 1,
                                   .bands = 3,
                                   .bits = 8};
    f->faces[0].is_subject = f->faces[0].counted = 1;
    f->faces[0].score = 2;
    f->faces[0].box = (idp_rect){140, 150, 200, 200};
    synth_face(f->faces[0].landmarks, 240, 250, 240, 0.3, 0, 0);
    idp__measure_landmarks(f->faces[0].landmarks, &f->m);
    f->m.head_top_y = 80;
    f->m.head_top_method = IDP_CROWN_WALL;
    f->m.head_height = f->m.chin_y - 80;
    f->m.yaw_deg = 1;
    f->m.pitch_deg = -2;
    f->m.colourfulness = 30;
    f->m.hue_spread = 6;
    f->m.scale = 1;
    f->env = (idp__check_env){
        &f->img, &f->p, IDP_MODE_FINAL, f->faces, 1,    &f->faces[0], &f->m, 1,
        1,       NULL,  &f->plan,       1,        NULL, NULL,         NULL,  1};
    if (idp__report_new("photo.jpg", &o, &f->r) != IDP_OK)
        abort();
}

/* Run the rules as idp_check() does: the crop planned from the (possibly
 * changed) measurements first. */
static void run(fixture *f)
{
    idp__plan_crop(&f->p, &f->m, f->img.height, 1, &f->plan);
    idp__run_checks(&f->env, f->r);
}

static idp_check_status status_of(fixture *f, const char *id)
{
    const idp_check_result *c;
    run(f);
    c = idp_report_find_check(f->r, id);
    CHECK(c != NULL);
    return c ? c->status : IDP_SKIP;
}

/* English messages must not carry Chinese (each language formats its own
 * arguments); a pass reads "ok" / "符合要求". */
static void check_languages(const idp_report *r)
{
    for (size_t i = 0; i < idp_report_check_count(r); i++) {
        const idp_check_result *c = idp_report_check_at(r, i);
        int ascii = 1;
        for (const char *p = c->message_en; *p; p++)
            ascii &= (unsigned char)*p < 0x80;
        CHECK(ascii);
        CHECK(c->message_en[0] != '\0' && c->message_zh[0] != '\0');
        if (c->status == IDP_PASS) {
            CHECK_STR(c->message_en, "ok");
            CHECK_STR(c->message_zh, "符合要求");
        }
    }
}

/* Exactly the named rule fails; everything else passes or skips. */
static void expect_only(fixture *f, const char *id, idp_check_status want)
{
    run(f);
    for (size_t i = 0; i < idp_report_check_count(f->r); i++) {
        const idp_check_result *c = idp_report_check_at(f->r, i);
        idp_check_status exp = strcmp(c->id, id) == 0 ? want : IDP_PASS;
        if (c->status == IDP_SKIP && exp == IDP_PASS)
            continue;
        if (c->status != exp)
            fprintf(stderr, "  rule %s: %s (%s)\n", c->id,
                    idp_check_status_name(c->status), c->message_en);
        CHECK_EQ_INT(c->status, exp);
    }
    check_languages(f->r);
    idp_report_free(f->r);
    f->r = NULL;
}

static void test_compliant(void)
{
    fixture f;
    setup(&f);
    run(&f);
    CHECK_EQ_INT(idp_report_verdict(f.r), IDP_VERDICT_PASS);
    CHECK_EQ_INT(idp_report_check_count(f.r), idp_check_id_count());
    CHECK_EQ_INT(status_of(&f, "head_height"), IDP_SKIP); /* chsi: none */
    idp_report_free(f.r);
}

static void test_each_defect(void)
{
    fixture f;
    setup(&f);
    f.m.head_top_y = 30;
    expect_only(&f, "head_top", IDP_FAIL);
    setup(&f);
    f.m.head_top_y = 30;
    f.m.head_top_method =
        IDP_CROWN_LANDMARKS; /* an estimate only: a person looks */
    expect_only(&f, "head_top", IDP_WARN);
    setup(&f);
    f.m.eye_line_y = 320;
    expect_only(&f, "eye_line", IDP_FAIL);
    setup(&f);
    f.m.face_width = 160; /* too small, and too few pixels as well */
    CHECK_EQ_INT(status_of(&f, "face_width"), IDP_FAIL);
    CHECK_EQ_INT(status_of(&f, "face_resolution"), IDP_WARN);
    idp_report_free(f.r);
    setup(&f);
    f.m.face_width = 310;
    expect_only(&f, "face_width", IDP_FAIL);
    setup(&f);
    f.m.face_centre_x = 240 + 0.1 * 480;
    expect_only(&f, "face_centred", IDP_FAIL);
    setup(&f);
    f.m.roll_deg = 5;
    expect_only(&f, "head_roll", IDP_WARN);
    setup(&f);
    f.m.yaw_deg = -25;
    expect_only(&f, "head_yaw", IDP_FAIL);
    setup(&f);
    f.m.pitch_deg = 25;
    expect_only(&f, "head_pitch", IDP_FAIL);
    setup(&f);
    f.m.eye_open_left = 0.08;
    expect_only(&f, "eyes_open", IDP_FAIL);
    setup(&f);
    f.m.mouth_gap = 0.08;
    expect_only(&f, "mouth_closed", IDP_FAIL);
    setup(&f);
    f.m.colourfulness = 1;
    expect_only(&f, "colour_photo", IDP_FAIL);
    setup(&f);
    f.m.hue_spread = 0.3; /* colourful, but one tint throughout */
    expect_only(&f, "colour_photo", IDP_FAIL);
}

static void test_file_defects(void)
{
    fixture f;
    setup(&f);
    strcpy(f.img.info.format, "png");
    strcpy(f.name, "photo.png");
    expect_only(&f, "file_format", IDP_FAIL);
    setup(&f);
    strcpy(f.name, "photo.png"); /* a JPEG named .png */
    expect_only(&f, "file_format", IDP_FAIL);
    setup(&f);
    f.img.info.file_bytes = 90000;
    expect_only(&f, "file_size", IDP_FAIL);
    setup(&f);
    f.img.info.has_density = 0;
    expect_only(&f, "dpi", IDP_FAIL);
    setup(&f);
    f.img.info.dpi_x = f.img.info.dpi_y = 72;
    expect_only(&f, "dpi", IDP_FAIL);
}

static void test_faces(void)
{
    fixture f;
    setup(&f);
    f.faces[1] = f.faces[0];
    f.faces[1].is_subject = 0;
    f.env.n_faces = 2;
    expect_only(&f, "face_count", IDP_FAIL);
    setup(&f);
    f.env.n_faces = 0;
    f.env.subject = NULL;
    f.m.has_face = 0;
    CHECK_EQ_INT(status_of(&f, "face_count"), IDP_FAIL);
    CHECK_EQ_INT(status_of(&f, "eyes_open"), IDP_SKIP);
    CHECK_EQ_INT(status_of(&f, "dimensions"), IDP_PASS);
    idp_report_free(f.r);
}

static void test_scaled_and_capture(void)
{
    fixture f;
    setup(&f);
    /* the same photo at 960x1280: bands scale, pixels count doubles */
    f.img.width = f.img.info.width = 960;
    f.img.height = f.img.info.height = 1280;
    f.env.sx = f.env.sy = 2;
    f.m.head_top_y *= 2;
    f.m.eye_line_y *= 2;
    f.m.face_width *= 2;
    f.m.face_centre_x *= 2;
    f.m.chin_y *= 2;
    expect_only(&f, "dimensions", IDP_FAIL);
    setup(&f);
    f.env.mode = IDP_MODE_CAPTURE;
    f.img.info.file_bytes = 5000000;
    CHECK_EQ_INT(status_of(&f, "file_size"), IDP_SKIP);
    CHECK_EQ_INT(status_of(&f, "dimensions"), IDP_SKIP);
    CHECK_EQ_INT(status_of(&f, "dpi"), IDP_SKIP);
    CHECK_EQ_INT(status_of(&f, "eye_line"), IDP_PASS);
    CHECK_EQ_INT(status_of(&f, "face_resolution"), IDP_PASS);
    idp_report_free(f.r);
    setup(&f);
    f.env.mode = IDP_MODE_CAPTURE;
    f.m.face_width = 100; /* would need 2.4x upscaling */
    CHECK_EQ_INT(status_of(&f, "face_resolution"), IDP_FAIL);
    idp_report_free(f.r);
}

static void test_helpers(void)
{
    idp_band b = {50, 110, 1, 1};
    char buf[32];
    CHECK(idp__band_holds(b, 1, 50) && idp__band_holds(b, 1, 110));
    CHECK(!idp__band_holds(b, 1, 49.9) && !idp__band_holds(b, 1, NAN));
    CHECK(idp__band_holds(b, 2, 219));
    idp__band_text(b, 0.5, "px", buf, sizeof buf);
    CHECK_STR(buf, "25-55 px");
    CHECK_EQ_INT(idp__grade_high(3, 3, 5), IDP_PASS);
    CHECK_EQ_INT(idp__grade_high(4, 3, 5), IDP_WARN);
    CHECK_EQ_INT(idp__grade_high(NAN, 3, 5), IDP_FAIL);
    CHECK_EQ_INT(idp__grade_low(0.1, 0.2, 0.15), IDP_FAIL);
}

int main(void)
{
    test_compliant();
    test_each_defect();
    test_file_defects();
    test_faces();
    test_scaled_and_capture();
    test_helpers();
    return CHECK_DONE();
}
