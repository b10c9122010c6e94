/*
 * test_appearance.c - the appearance rules (check_eyes.c, check_light.c,
 * check_quality.c, check_background.c, check_person.c) on painted
 * synthetic photos: a plain face passes each rule, and the one defect
 * painted in fails (or warns) the rule that should see it. No model.
 */
#include "check.h"
#include "checks.h"
#include "face_zones.h"
#include "idp_internal.h"
#include "synth.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define W 480
#define H 640

static const uint8_t SKIN[3] = {205, 160, 135};
static const uint8_t WALL[3] = {100, 197, 255}; /* CHSI blue */
static const uint8_t SHIRT[3] = {40, 40, 50};
static const uint8_t HAIR[3] = {25, 20, 18};

typedef struct photo {
    struct idp_image img;
    char name[16];
    idp_face face;
    idp_measurements m;
    idp_profile p;
    idp__matte mt;
    idp__check_env env;
    idp_check_result r;
} photo;

static void put(photo *f, int x, int y, const uint8_t c[3])
{
    if (x < 0 || y < 0 || x >= W || y >= H)
        return;
    memcpy(f->img.pixels + (size_t)y * f->img.stride + 3 * (size_t)x, c, 3);
}

static void scale_px(photo *f, int x, int y, double k)
{
    uint8_t *p = f->img.pixels + (size_t)y * f->img.stride + 3 * (size_t)x;
    for (int c = 0; c < 3; c++)
        p[c] = (uint8_t)(p[c] * k);
}

static void fill_rect(photo *f, double x0, double y0, double x1, double y1,
                      const uint8_t c[3])
{
    for (int y = (int)y0; y < (int)y1; y++)
        for (int x = (int)x0; x < (int)x1; x++)
            put(f, x, y, c);
}

static void disc(photo *f, double cx, double cy, double r, const uint8_t c[3])
{
    for (int y = (int)(cy - r); y <= (int)(cy + r + 1); y++)
        for (int x = (int)(cx - r); x <= (int)(cx + r + 1); x++)
            if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
                put(f, x, y, c);
}

/* An open eye: white inside the lids, a dark iris and pupil. */
static void open_eye(photo *f, int side)
{
    static const uint8_t white[3] = {235, 235, 230}, iris[3] = {60, 40, 30};
    const idp_point *lm = f->face.landmarks;
    idp__face_geo g;
    idp__face_geo_of(lm, &g);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            if (idp__in_eye(lm, side, x + 0.5, y + 0.5))
                put(f, x, y, white);
    disc(f, g.eye[side].x, g.eye[side].y, 0.2 * g.eye_w[side], iris);
}

/* A closed eye: skin with one dark lash line from corner to corner. */
static void closed_eye(photo *f, int side)
{
    static const uint8_t lash[3] = {40, 30, 25};
    const idp_point *lm = f->face.landmarks;
    idp_point a = lm[side == 0 ? 36 : 42], b = lm[side == 0 ? 39 : 45];
    fill_rect(f, a.x, a.y - 1, b.x, a.y + 2, lash);
}

/* The person in the matte: the face outline and a torso below the chin,
 * working grid at half the image size. */
static void make_matte(photo *f)
{
    const idp_point *lm = f->face.landmarks;
    f->mt.ww = W / 2;
    f->mt.wh = H / 2;
    f->mt.work_scale = 0.5;
    f->mt.img_w = W;
    f->mt.img_h = H;
    f->mt.alpha = calloc((size_t)W * H / 4, 1);
    f->mt.wall = (idp_rgb){WALL[0], WALL[1], WALL[2]};
    f->mt.crown_y = 100;
    for (int v = 0; v < H / 2; v++)
        for (int u = 0; u < W / 2; u++) {
            double x = 2 * u + 1, y = 2 * v + 1;
            int torso = y > lm[8].y - 10 && x > 40 && x < W - 40;
            int head = (x - 240) * (x - 240) / (130.0 * 130) +
                           (y - 240) * (y - 240) / (150.0 * 150) <=
                       1;
            if (torso || head || idp__in_face(lm, x, y))
                f->mt.alpha[v * (W / 2) + u] = 255;
        }
}

/* A little sensor grain (uniform +-3, fixed seed): flat paint has no
 * texture for the noise and blockiness ratios to compare with. */
static void grain(photo *f)
{
    srand(1);
    for (size_t i = 0; i < (size_t)W * H * 3; i++) {
        int v = f->img.pixels[i] + rand() % 7 - 3;
        f->img.pixels[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

/* Wall, hair cap, skin face, eyes open, dark shirt; matte; the env. */
static int setup(photo *f)
{
    memset(f, 0, sizeof *f);
    f->img.width = W;
    f->img.height = H;
    f->img.stride = 3 * W;
    f->img.pixels = malloc((size_t)W * H * 3);
    strcpy(f->name, "synthetic.png");
    f->img.name = f->name;
    if (!f->img.pixels)
        return -1;
    synth_face(f->face.landmarks, 240, 250, 240, 0.3, 0, 0);
    f->face.is_subject = f->face.counted = 1;
    idp__measure_landmarks(f->face.landmarks, &f->m);
    f->m.head_top_y = 100;
    f->m.colourfulness = 30;
    f->p = *idp_profile_find("chsi");
    fill_rect(f, 0, 0, W, H, WALL);
    for (int y = 100; y < 175; y++) /* hair, well above the brows */
        for (int x = 110; x < 370; x++)
            if ((x - 240) * (x - 240) / (130.0 * 130) +
                    (y - 240) * (y - 240) / (150.0 * 150) <=
                1)
                put(f, x, y, HAIR);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            if (idp__in_face(f->face.landmarks, x + 0.5, y + 0.5))
                put(f, x, y, SKIN);
    fill_rect(f, 43, f->face.landmarks[8].y + 21, W - 43, H, SHIRT);
    grain(f);
    open_eye(f, 0);
    open_eye(f, 1);
    make_matte(f);
    f->env = (idp__check_env){
        &f->img, &f->p,  IDP_MODE_FINAL, &f->face, 1,    &f->face, &f->m, 1,
        1,       &f->mt, NULL,           1,        NULL, NULL,     NULL,  1};
    return 0;
}

static void teardown(photo *f)
{
    free(f->img.pixels);
    free(f->mt.alpha);
}

typedef void (*rule_fn)(const idp__check_env *, idp_check_result *);

static idp_check_status run(photo *f, rule_fn fn)
{
    memset(&f->r, 0, sizeof f->r);
    fn(&f->env, &f->r);
    return f->r.status;
}

/* Every appearance rule passes the plain synthetic photo. */
static void test_plain_passes(void)
{
    rule_fn all[] = {idp__check_eyes_open,
                     idp__check_tinted_glasses,
                     idp__check_glasses_glare,
                     idp__check_red_eye,
                     idp__check_hair_over_eyes,
                     idp__check_head_covering,
                     idp__check_face_exposure,
                     idp__check_backlight,
                     idp__check_face_lighting_even,
                     idp__check_face_shadow,
                     idp__check_compression,
                     idp__check_colour_natural,
                     idp__check_background_uniform,
                     idp__check_background_colour,
                     idp__check_background_shadow,
                     idp__check_clothing_contrast,
                     idp__check_shoulders_level,
                     idp__check_makeup,
                     idp__check_noise,
                     idp__check_gaze_forward};
    photo f;
    if (setup(&f) != 0) {
        CHECK(0);
        return;
    }
    f.m.eye_open_left = f.m.eye_open_right = 0.3;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        idp_check_status s = run(&f, all[i]);
        if (s != IDP_PASS)
            fprintf(stderr, "  rule %zu: %s (%s)\n", i,
                    idp_check_status_name(s), f.r.message_en);
        CHECK_EQ_INT(s, IDP_PASS);
    }
    teardown(&f);
}

/* One eye closed, the other open: a wink fails although the landmarks
 * read both open. */
static void test_wink(void)
{
    photo f;
    if (setup(&f) != 0)
        return;
    f.m.eye_open_left = f.m.eye_open_right = 0.3;
    fill_rect(&f, f.face.landmarks[42].x, f.face.landmarks[43].y - 2,
              f.face.landmarks[45].x + 1, f.face.landmarks[46].y + 3, SKIN);
    closed_eye(&f, 1);
    CHECK_EQ_INT(run(&f, idp__check_eyes_open), IDP_FAIL);
    CHECK(f.r.value <= f.p.limits.eye_closed_share);
    teardown(&f);
}

static void test_lighting(void)
{
    photo f;
    if (setup(&f) != 0)
        return;
    for (int y = 0; y < H; y++) /* the image-right half of the face */
        for (int x = 240; x < W; x++)
            if (idp__in_face(f.face.landmarks, x + 0.5, y + 0.5))
                scale_px(&f, x, y, 0.35);
    CHECK_EQ_INT(run(&f, idp__check_face_lighting_even), IDP_FAIL);
    CHECK(f.r.value > f.p.limits.lighting_fail);
    CHECK(strstr(f.r.message_en, "right half") != NULL);
    CHECK_EQ_INT(run(&f, idp__check_face_shadow), IDP_FAIL);
    teardown(&f);
    if (setup(&f) != 0)
        return;
    for (int y = 0; y < H; y++) /* the whole face in deep shade */
        for (int x = 0; x < W; x++)
            if (idp__in_face(f.face.landmarks, x + 0.5, y + 0.5))
                scale_px(&f, x, y, 0.2);
    CHECK_EQ_INT(run(&f, idp__check_face_exposure), IDP_FAIL);
    CHECK_EQ_INT(run(&f, idp__check_backlight), IDP_FAIL);
    CHECK_EQ_INT(run(&f, idp__check_face_lighting_even), IDP_PASS);
    teardown(&f);
}

static void test_glasses(void)
{
    static const uint8_t dark[3] = {30, 30, 35}, white[3] = {255, 255, 255};
    photo f;
    idp__face_geo g;
    if (setup(&f) != 0)
        return;
    idp__face_geo_of(f.face.landmarks, &g);
    for (int s = 0; s < 2; s++) {
        idp_rect z = idp__zone_lens(&g, s);
        fill_rect(&f, z.x, z.y, z.x + z.w, z.y + z.h, dark);
    }
    CHECK_EQ_INT(run(&f, idp__check_tinted_glasses), IDP_FAIL);
    teardown(&f);
    if (setup(&f) != 0)
        return;
    for (int s = 0; s < 2; s++) { /* a reflection on each lens */
        idp_rect z = idp__zone_lens(&g, s);
        double x = s == 0 ? z.x : z.x + z.w - 0.35 * z.w;
        fill_rect(&f, x, z.y + z.h * 0.6, x + 0.35 * z.w, z.y + z.h, white);
    }
    CHECK_EQ_INT(run(&f, idp__check_glasses_glare), IDP_FAIL);
    CHECK_EQ_INT(run(&f, idp__check_tinted_glasses), IDP_PASS);
    teardown(&f);
}

/* Dark eye make-up: shadow on the lids up to the brows and a dark lash
 * line along the lower lid. The eyes stay open and the lenses below the
 * eyes bare, as a person sees them. */
static void test_eye_makeup(void)
{
    static const uint8_t shadow[3] = {90, 60, 55}, liner[3] = {35, 25, 25};
    photo f;
    idp__face_geo g;
    if (setup(&f) != 0)
        return;
    f.m.eye_open_left = f.m.eye_open_right = 0.3;
    idp__face_geo_of(f.face.landmarks, &g);
    for (int s = 0; s < 2; s++) {
        const idp_point *lm = f.face.landmarks;
        idp_rect z = idp__zone_lens(&g, s);
        idp_point a = lm[s == 0 ? 36 : 42], b = lm[s == 0 ? 39 : 45];
        double up = lm[s == 0 ? 37 : 43].y, y = g.eye[s].y;
        fill_rect(&f, z.x, z.y, z.x + z.w, up - 1, shadow);
        fill_rect(&f, a.x, y + 0.06 * g.eye_w[s], b.x + 1,
                  y + 0.14 * g.eye_w[s], liner);
    }
    CHECK_EQ_INT(run(&f, idp__check_tinted_glasses), IDP_PASS);
    CHECK_EQ_INT(run(&f, idp__check_eyes_open), IDP_PASS);
    teardown(&f);
}

static void test_red_eye(void)
{
    static const uint8_t red[3] = {220, 30, 30};
    photo f;
    idp__face_geo g;
    if (setup(&f) != 0)
        return;
    idp__face_geo_of(f.face.landmarks, &g);
    for (int s = 0; s < 2; s++)
        disc(&f, g.eye[s].x, g.eye[s].y, 0.15 * g.eye_w[s], red);
    CHECK_EQ_INT(run(&f, idp__check_red_eye), IDP_FAIL);
    teardown(&f);
}

static void test_hair_and_hat(void)
{
    static const uint8_t hat[3] = {200, 30, 40};
    photo f;
    idp__face_geo g;
    if (setup(&f) != 0)
        return;
    idp__face_geo_of(f.face.landmarks, &g);
    idp_rect band = idp__zone_brow_band(&g);
    fill_rect(&f, band.x, band.y, band.x + band.w, band.y + band.h, HAIR);
    CHECK_EQ_INT(run(&f, idp__check_hair_over_eyes), IDP_FAIL);
    teardown(&f);
    if (setup(&f) != 0)
        return;
    fill_rect(&f, 100, 100, 380, f.face.landmarks[19].y - 8, hat);
    CHECK_EQ_INT(run(&f, idp__check_head_covering), IDP_FAIL);
    teardown(&f);
}

/* The crown at the top edge (a tight crop): a bare forehead only warns
 * (a hat may be out of the picture); a black cap, read as black hair above
 * the brows, fails by its peak over the forehead. */
static void test_cap_on_cut_crown(void)
{
    photo f;
    idp__face_geo g;
    double brow = H;
    if (setup(&f) != 0)
        return;
    idp__face_geo_of(f.face.landmarks, &g);
    for (int i = 17; i <= 26; i++)
        brow = brow < f.face.landmarks[i].y ? brow : f.face.landmarks[i].y;
    f.m.head_top_y = 0;
    fill_rect(&f, f.face.landmarks[17].x, brow - 0.6 * g.ied,
              f.face.landmarks[26].x + 1, brow, SKIN);
    CHECK_EQ_INT(run(&f, idp__check_head_covering), IDP_WARN);
    CHECK(f.r.value < f.p.limits.covering_warn);
    fill_rect(&f, 100, 0, 380, brow - 0.03 * g.ied, HAIR);
    CHECK_EQ_INT(run(&f, idp__check_head_covering), IDP_FAIL);
    CHECK(f.r.value > f.p.limits.covering_fail);
    CHECK(strstr(f.r.message_en, "forehead") != NULL);
    f.m.head_top_y = 100; /* crown in view: black above the brows is hair */
    CHECK_EQ_INT(run(&f, idp__check_head_covering), IDP_PASS);
    teardown(&f);
}

static void test_quality(void)
{
    photo f;
    if (setup(&f) != 0)
        return;
    srand(7);
    for (int y = 0; y < H; y += 8) /* 8x8 blocks of their own level */
        for (int x = 0; x < W; x += 8) {
            int d = rand() % 41 - 20;
            for (int j = 0; j < 8; j++)
                for (int i = 0; i < 8; i++) {
                    uint8_t *p = f.img.pixels + (size_t)(y + j) * f.img.stride +
                                 3 * (size_t)(x + i);
                    for (int c = 0; c < 3; c++)
                        p[c] = (uint8_t)(p[c] + d < 0     ? 0
                                         : p[c] + d > 255 ? 255
                                                          : p[c] + d);
                }
        }
    CHECK_EQ_INT(run(&f, idp__check_compression), IDP_FAIL);
    teardown(&f);
    if (setup(&f) != 0)
        return;
    for (size_t i = 0; i < (size_t)W * H * 3; i++) { /* noise, sigma ~17 */
        int v = f.img.pixels[i] + (rand() % 61 - 30);
        f.img.pixels[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
    CHECK_EQ_INT(run(&f, idp__check_noise), IDP_FAIL);
    CHECK(f.r.value > f.p.limits.noise_fail);
    teardown(&f);
    if (setup(&f) != 0)
        return;
    run(&f, idp__check_sharpness); /* flat painted face: no detail */
    CHECK_EQ_INT(f.r.status, IDP_FAIL);
    for (int y = 0; y < H; y++) /* fine texture on the skin */
        for (int x = 0; x < W; x++)
            if (idp__in_face(f.face.landmarks, x + 0.5, y + 0.5) &&
                ((x / 2 + y / 2) & 1))
                scale_px(&f, x, y, 0.8);
    CHECK_EQ_INT(run(&f, idp__check_sharpness), IDP_PASS);
    teardown(&f);
}

static void test_colour_natural(void)
{
    static const uint8_t green[3] = {120, 190, 110};
    photo f;
    if (setup(&f) != 0)
        return;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            if (idp__in_face(f.face.landmarks, x + 0.5, y + 0.5))
                put(&f, x, y, green);
    CHECK_EQ_INT(run(&f, idp__check_colour_natural), IDP_FAIL);
    f.m.colourfulness = 2; /* a grey photo: colour_photo's business */
    CHECK_EQ_INT(run(&f, idp__check_colour_natural), IDP_SKIP);
    teardown(&f);
}

/* A light-blue shirt: fails on the blue wall, passes on white; in
 * capture mode only warns (white is one of the profile's colours). */
static void test_clothing(void)
{
    static const uint8_t light_blue[3] = {150, 200, 240};
    static const uint8_t white[3] = {255, 255, 255};
    photo f;
    if (setup(&f) != 0)
        return;
    fill_rect(&f, 43, f.face.landmarks[8].y + 21, W - 43, H, light_blue);
    CHECK_EQ_INT(run(&f, idp__check_clothing_contrast), IDP_FAIL);
    CHECK(f.r.value < f.p.limits.clothing_fail);
    f.env.mode = IDP_MODE_CAPTURE;
    CHECK_EQ_INT(run(&f, idp__check_clothing_contrast), IDP_WARN);
    f.env.mode = IDP_MODE_FINAL;
    for (int v = 0; v < H / 2; v++) /* the same photo on white */
        for (int u = 0; u < W / 2; u++)
            if (f.mt.alpha[v * (W / 2) + u] == 0)
                fill_rect(&f, 2 * u, 2 * v, 2 * u + 2, 2 * v + 2, white);
    CHECK_EQ_INT(run(&f, idp__check_clothing_contrast), IDP_PASS);
    CHECK_EQ_INT(run(&f, idp__check_background_colour), IDP_PASS);
    teardown(&f);
}

static void test_background(void)
{
    static const uint8_t beige[3] = {220, 200, 160};
    photo f;
    if (setup(&f) != 0)
        return;
    for (int y = 0; y < H; y++) /* a wall of big stripes */
        for (int x = 0; x < W; x++)
            if (f.mt.alpha[(y / 2) * (W / 2) + x / 2] == 0 && (x / 40) % 2)
                put(&f, x, y, beige);
    CHECK_EQ_INT(run(&f, idp__check_background_uniform), IDP_FAIL);
    f.env.mode = IDP_MODE_CAPTURE; /* making replaces the wall */
    CHECK_EQ_INT(run(&f, idp__check_background_uniform), IDP_SKIP);
    teardown(&f);
    if (setup(&f) != 0)
        return;
    fill_rect(&f, 0, 0, W, H, beige); /* a beige wall, not CHSI's */
    CHECK_EQ_INT(run(&f, idp__check_background_colour), IDP_FAIL);
    teardown(&f);
    if (setup(&f) != 0)
        return;
    for (int y = 0; y < H; y++) /* the person's shadow on the right */
        for (int x = 0; x < W - 1; x++)
            if (f.mt.alpha[(y / 2) * (W / 2) + x / 2] == 0 && x > 240 &&
                x < 440 && y > 80)
                scale_px(&f, x, y, 0.55);
    CHECK(run(&f, idp__check_background_shadow) != IDP_PASS);
    teardown(&f);
}

/* The background rules read the wall from e->wall when the check keeps
 * one: the same results as each measuring its own, and measured once (the
 * memo ignores pixels painted after it). */
static void test_wall_memo(void)
{
    rule_fn bg[] = {idp__check_background_uniform, idp__check_background_colour,
                    idp__check_background_shadow, idp__check_clothing_contrast};
    idp_check_result own[4];
    idp__wall_memo wall;
    photo f;
    if (setup(&f) != 0)
        return;
    for (int y = 0; y < H; y++) /* a shadow on the right, as above */
        for (int x = 0; x < W - 1; x++)
            if (f.mt.alpha[(y / 2) * (W / 2) + x / 2] == 0 && x > 240 &&
                x < 440 && y > 80)
                scale_px(&f, x, y, 0.55);
    for (int i = 0; i < 4; i++) {
        run(&f, bg[i]);
        own[i] = f.r;
    }
    memset(&wall, 0, sizeof wall);
    f.env.wall = &wall;
    idp__env_wall(&f.env);
    CHECK(wall.done && wall.ok && wall.n >= 50);
    fill_rect(&f, 0, 0, W, 40, (const uint8_t[3]){0, 0, 0}); /* not seen */
    for (int i = 0; i < 4; i++) {
        CHECK_EQ_INT(run(&f, bg[i]), own[i].status);
        CHECK(f.r.value == own[i].value ||
              (isnan(f.r.value) && isnan(own[i].value)));
    }
    idp__wall_memo_free(&wall);
    teardown(&f);
}

/* The light rules read the face's light from e->light likewise: the
 * same results, measured once (a face painted dark afterwards is not
 * seen by the memoised measures). */
static void test_light_memo(void)
{
    rule_fn lit[] = {idp__check_face_exposure, idp__check_backlight,
                     idp__check_face_lighting_even, idp__check_face_shadow};
    idp_check_result own[4];
    idp__light_memo light = {0, 0, NAN, {NAN, NAN}};
    photo f;
    if (setup(&f) != 0)
        return;
    for (int y = 0; y < H; y++) /* the left half of the photo in shade */
        for (int x = 0; x < W / 2; x++)
            scale_px(&f, x, y, 0.6);
    for (int i = 0; i < 4; i++) {
        run(&f, lit[i]);
        own[i] = f.r;
    }
    f.env.light = &light;
    idp__env_light(&f.env);
    CHECK(light.face_done && light.cheeks_done && light.face > 0);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ_INT(run(&f, lit[i]), own[i].status);
        CHECK(f.r.value == own[i].value);
    }
    fill_rect(&f, 0, 0, W, H, (const uint8_t[3]){5, 5, 5});
    for (int i = 0; i < 3; i++) {
        CHECK_EQ_INT(run(&f, lit[i]), own[i].status);
        CHECK(f.r.value == own[i].value);
    }
    teardown(&f);
}

static void test_shoulders(void)
{
    photo f;
    if (setup(&f) != 0)
        return;
    for (int v = 0; v < H / 2; v++) /* the right shoulder much lower */
        for (int u = W / 4 + 40; u < W / 2; u++)
            if (v < (int)(f.face.landmarks[8].y / 2) + 60)
                f.mt.alpha[v * (W / 2) + u] = 0;
    CHECK_EQ_INT(run(&f, idp__check_shoulders_level), IDP_WARN);
    CHECK(fabs(f.r.value) > f.p.limits.shoulders_warn_deg);
    CHECK(strstr(f.r.message_en, "needs a person to look") != NULL);
    f.p.limits.shoulders_fail_deg = 12; /* a stricter registry */
    CHECK_EQ_INT(run(&f, idp__check_shoulders_level), IDP_FAIL);
    teardown(&f);
}

static void test_no_pixels_skip(void)
{
    photo f;
    if (setup(&f) != 0)
        return;
    free(f.img.pixels);
    f.img.pixels = NULL;
    CHECK_EQ_INT(run(&f, idp__check_sharpness), IDP_SKIP);
    CHECK_EQ_INT(run(&f, idp__check_tinted_glasses), IDP_SKIP);
    CHECK_EQ_INT(run(&f, idp__check_face_lighting_even), IDP_SKIP);
    teardown(&f);
}

/* Zone sampling: every pixel up to the budget, then the smallest whole
 * step keeping the grid near it. */
static void test_sampling_step(void)
{
    CHECK_EQ_INT(idp__px_step(0, 0, 100, 200, 20000), 1);
    CHECK_EQ_INT(idp__px_step(10, 10, 111, 210, 20000), 2);
    CHECK_EQ_INT(idp__px_step(0, 0, 200, 400, 20000), 2);
    CHECK_EQ_INT(idp__px_step(0, 0, 201, 400, 20000), 3);
    CHECK_EQ_INT(idp__px_step(0, 0, 1200, 600, 20000), 6);
}

/* The even-odd test as it was written for each point: the reference for
 * the row-at-a-time one. */
static int in_polygon_ref(const idp_point *pts, int n, double x, double y)
{
    int in = 0;
    for (int i = 0, j = n - 1; i < n; j = i++)
        if ((pts[i].y > y) != (pts[j].y > y) &&
            x < (pts[j].x - pts[i].x) * (y - pts[i].y) / (pts[j].y - pts[i].y) +
                    pts[i].x)
            in = !in;
    return in;
}

/* Polygons of 3 to IDP__POLY_MAX random points (self-crossing too, with
 * points on the rows and columns tested), scanned row after row with one
 * kept row, and point by point: the same answers; the face and eye
 * outlines too. */
static void test_polygon_rows(void)
{
    uint32_t s = 9;
    int bad = 0, inside = 0;
    for (int it = 0; it < 300; it++) {
        idp_point pts[IDP__POLY_MAX], lm[IDP_LANDMARKS];
        int n = 3 + it % (IDP__POLY_MAX - 2);
        idp__poly_row row = IDP__POLY_ROW, face = IDP__POLY_ROW,
                      eye = IDP__POLY_ROW;
        for (int i = 0; i < n; i++) {
            s = s * 1664525u + 1013904223u;
            pts[i].x = (s >> 8) % 41 * (it % 2 ? 0.5 : 0.77);
            s = s * 1664525u + 1013904223u;
            pts[i].y = (s >> 8) % 41 * (it % 3 ? 0.5 : 0.77);
        }
        for (int i = 0; i < IDP_LANDMARKS; i++)
            lm[i] = pts[i % n];
        for (int y = -1; y < 42; y++)
            for (int x = -1; x < 42; x++) {
                double px = x * 0.5, py = y * 0.5;
                int want = in_polygon_ref(pts, n, px, py);
                bad += idp__in_polygon_row(pts, n, px, py, &row) != want;
                bad += idp__in_polygon(pts, n, px, py) != want;
                inside += want;
                idp_point o[27];
                for (int i = 0; i <= 16; i++)
                    o[i] = lm[i];
                for (int i = 0; i < 10; i++)
                    o[17 + i] = lm[26 - i];
                bad += idp__in_face_row(lm, px, py, &face) !=
                       in_polygon_ref(o, 27, px, py);
                bad += idp__in_eye_row(lm, 1, px, py, &eye) !=
                       in_polygon_ref(&lm[42], 6, px, py);
            }
    }
    CHECK_EQ_INT(bad, 0);
    CHECK(inside > 1000);
}

int main(void)
{
    test_polygon_rows();
    test_sampling_step();
    test_plain_passes();
    test_wink();
    test_cap_on_cut_crown();
    test_lighting();
    test_glasses();
    test_eye_makeup();
    test_red_eye();
    test_hair_and_hat();
    test_quality();
    test_colour_natural();
    test_clothing();
    test_background();
    test_wall_memo();
    test_light_memo();
    test_shoulders();
    test_no_pixels_skip();
    return CHECK_DONE();
}
