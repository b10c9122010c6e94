/*
 * test_profile.c - the built-in profiles, colours and JSON profile loading
 * (lib/profile.c, lib/profile_json.c). No models needed.
 *
 * Define IDP_SOURCE_DIR (the repository root) to also load
 * profiles/example-school.json.
 */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "idphoto.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const builtin_ids[] = {
    "chsi",  "id-card", "passport-cn", "cet",         "ncre",    "ntce",
    "1inch", "2inch",   "small-1inch", "large-1inch", "us-visa",
};
#define N_IDS (sizeof builtin_ids / sizeof builtin_ids[0])

static int terminated(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

/* Sides non-negative, min <= max, inside the nominal size. */
static int band_ok(idp_band b, int side)
{
    if (b.has_min && (b.min < 0 || b.min > side))
        return 0;
    if (b.has_max && (b.max < 0 || b.max > side))
        return 0;
    return !(b.has_min && b.has_max && b.min > b.max);
}

static void check_band(idp_band b, double min, double max)
{
    CHECK(b.has_min && b.has_max);
    CHECK_NEAR(b.min, min, 1e-9);
    CHECK_NEAR(b.max, max, 1e-9);
}

static void check_rgb(idp_rgb c, int r, int g, int b)
{
    CHECK_EQ_INT(c.r, r);
    CHECK_EQ_INT(c.g, g);
    CHECK_EQ_INT(c.b, b);
}

/* ---- built-ins ---- */

static void test_one_builtin(const idp_profile *p)
{
    idp_thresholds def;
    int i;
    idp_thresholds_default(&def);
    CHECK(terminated(p->id, sizeof p->id) && p->id[0]);
    CHECK(terminated(p->name_zh, sizeof p->name_zh) && p->name_zh[0]);
    CHECK(terminated(p->name_en, sizeof p->name_en) && p->name_en[0]);
    CHECK(terminated(p->source, sizeof p->source) && p->source[0]);
    CHECK(terminated(p->format, sizeof p->format));
    CHECK(!strcmp(p->format, "jpeg") || !strcmp(p->format, "png"));
    CHECK(p->width >= 16 && p->height >= 16);
    CHECK(p->max_width >= p->width);
    CHECK(p->dpi >= 0 && p->dpi <= 2400);
    CHECK(p->file_min_bytes >= 0 && p->file_max_bytes >= 0);
    CHECK(p->file_max_bytes == 0 || p->file_min_bytes <= p->file_max_bytes);
    CHECK(p->min_quality >= 0 && p->min_quality <= 100);
    CHECK(p->n_backgrounds >= 1 && p->n_backgrounds <= IDP_MAX_BACKGROUNDS);
    for (i = 0; i < p->n_backgrounds && i < IDP_MAX_BACKGROUNDS; i++) {
        idp_rgb c;
        CHECK(p->backgrounds[i].name[0] != '\0');
        CHECK(idp_colour_parse(p->backgrounds[i].name, &c) == IDP_OK);
    }
    CHECK(band_ok(p->head_top, p->height));
    CHECK(band_ok(p->eye_line, p->height));
    CHECK(band_ok(p->face_width, p->width));
    CHECK(band_ok(p->head_height, p->height));
    CHECK(band_ok(p->chin_bottom, p->height));
    /* face_resolution needs a face-width band in every built-in */
    CHECK(p->face_width.has_min && p->face_width.has_max);
    CHECK(memcmp(&p->limits, &def, sizeof def) == 0);
}

static void test_builtins(void)
{
    size_t i, j;
    CHECK_EQ_INT(idp_profile_count(), N_IDS);
    for (i = 0; i < N_IDS; i++) {
        const idp_profile *p = idp_profile_find(builtin_ids[i]);
        CHECK(p != NULL);
        CHECK(p == idp_profile_at(i));
        if (!p)
            continue;
        CHECK_STR(p->id, builtin_ids[i]);
        test_one_builtin(p);
        for (j = 0; j < i; j++)
            CHECK(strcmp(idp_profile_at(j)->id, p->id) != 0);
    }
    CHECK(idp_profile_at(N_IDS) == NULL);
    CHECK(idp_profile_default() == idp_profile_find("chsi"));
    CHECK(idp_profile_find("CHSI") == idp_profile_default());
    CHECK(idp_profile_find("nope") == NULL);
    CHECK(idp_profile_find("") == NULL);
    CHECK(idp_profile_find(NULL) == NULL);
}

static void test_chsi(void)
{
    const idp_profile *p = idp_profile_find("chsi");
    if (!p) {
        CHECK(p != NULL);
        return;
    }
    CHECK_EQ_INT(p->width, 480);
    CHECK_EQ_INT(p->height, 640);
    CHECK_EQ_INT(p->max_width, 480);
    CHECK_EQ_INT(p->dpi, 300);
    CHECK_EQ_INT(p->file_min_bytes, 20480);
    CHECK_EQ_INT(p->file_max_bytes, 40960);
    CHECK_EQ_INT(p->min_quality, 60);
    CHECK_STR(p->format, "jpeg");
    CHECK_EQ_INT(p->allow_rotation, 0);
    check_band(p->head_top, 50, 110);
    check_band(p->eye_line, 200, 300);
    check_band(p->face_width, 180, 300);
    CHECK_EQ_INT(p->n_backgrounds, 3);
    CHECK_STR(p->backgrounds[0].name, "blue");
    check_rgb(p->backgrounds[0].rgb, 100, 197, 255);
    CHECK_STR(p->backgrounds[1].name, "white");
    check_rgb(p->backgrounds[1].rgb, 255, 255, 255);
    CHECK_STR(p->backgrounds[2].name, "grey");
    check_rgb(p->backgrounds[2].rgb, 240, 240, 240);
}

static void test_other_numbers(void)
{
    const idp_profile *id = idp_profile_find("id-card");
    const idp_profile *pp = idp_profile_find("passport-cn");
    const idp_profile *us = idp_profile_find("us-visa");
    const idp_profile *cet = idp_profile_find("cet");
    CHECK(id && pp && us && cet);
    if (!id || !pp || !us || !cet)
        return;
    CHECK_EQ_INT(id->width, 358);
    CHECK_EQ_INT(id->height, 441);
    CHECK_EQ_INT(id->dpi, 350);
    CHECK_EQ_INT(id->file_min_bytes, 14 * 1024);
    CHECK_EQ_INT(id->file_max_bytes, 20 * 1024);
    check_band(id->face_width, 193, 221);
    check_band(id->head_top, 7, 21);
    CHECK(!id->eye_line.has_min && id->eye_line.has_max);
    CHECK_NEAR(id->eye_line.max, 234, 1e-9);
    CHECK_EQ_INT(pp->max_width, 480);
    check_band(pp->head_height, 273.76, 325.68);
    check_band(pp->head_top, 28.32, 47.2);
    CHECK(pp->chin_bottom.has_min && !pp->chin_bottom.has_max);
    check_band(us->eye_line, 186, 264);
    check_band(us->head_height, 300, 414);
    CHECK_EQ_INT(us->file_min_bytes, 54000);
    check_band(cet->head_top, 16, 48);
    check_band(cet->head_height, 192, 256);
    CHECK_EQ_INT(idp_profile_find("1inch")->allow_rotation, 1);
    CHECK_EQ_INT(idp_profile_find("us-visa")->allow_rotation, 0);
}

static void test_thresholds(void)
{
    idp_thresholds t;
    idp_thresholds_default(&t);
    CHECK_NEAR(t.roll_warn_deg, 4, 0);
    CHECK_NEAR(t.roll_fail_deg, 8, 0);
    CHECK_NEAR(t.yaw_warn_deg, 7, 0);
    CHECK_NEAR(t.yaw_fail_deg, 12, 0);
    CHECK_NEAR(t.pitch_warn_deg, 12, 0);
    CHECK_NEAR(t.pitch_fail_deg, 20, 0);
    CHECK_NEAR(t.eye_open_warn, 0.22, 0);
    CHECK_NEAR(t.eye_open_fail, 0.19, 0);
    CHECK_NEAR(t.mouth_gap_warn, 0.025, 0);
    CHECK_NEAR(t.mouth_gap_fail, 0.04, 0);
    CHECK_NEAR(t.centre_warn, 0.05, 0);
    CHECK_NEAR(t.centre_fail, 0.08, 0);
    CHECK_NEAR(t.resolution_warn, 1.0, 0);
    CHECK_NEAR(t.resolution_fail, 0.75, 0);
    CHECK_NEAR(t.colour_fail, 11.5, 0);
    CHECK_NEAR(t.second_face_ratio, 0.4, 0);
    idp_thresholds_default(NULL); /* no crash */
}

/* ---- colours ---- */

static void expect_colour(const char *text, int r, int g, int b)
{
    idp_rgb c = {1, 2, 3};
    CHECK_EQ_INT(idp_colour_parse(text, &c), IDP_OK);
    check_rgb(c, r, g, b);
}

static void expect_bad_colour(const char *text)
{
    idp_rgb c = {1, 2, 3};
    CHECK_EQ_INT(idp_colour_parse(text, &c), IDP_E_INVALID_ARG);
    check_rgb(c, 1, 2, 3); /* unchanged */
}

static void test_colours(void)
{
    idp_rgb c;
    expect_colour("blue", 100, 197, 255);
    expect_colour("Blue", 100, 197, 255);
    expect_colour("white", 255, 255, 255);
    expect_colour("grey", 240, 240, 240);
    expect_colour("GRAY", 240, 240, 240);
    expect_colour("red", 215, 69, 50);
    expect_colour("dark-blue", 75, 97, 144);
    expect_colour("#64C5FF", 100, 197, 255);
    expect_colour("#64c5ff", 100, 197, 255);
    expect_colour("#000000", 0, 0, 0);
    expect_bad_colour("#12345G");
    expect_bad_colour("#1234");
    expect_bad_colour("#1234567");
    expect_bad_colour("64C5FF");
    expect_bad_colour("#");
    expect_bad_colour("");
    expect_bad_colour("purple");
    expect_bad_colour("blue ");
    expect_bad_colour(NULL);
    CHECK_EQ_INT(idp_colour_parse("blue", NULL), IDP_E_INVALID_ARG);
    (void)c;
}

/* ---- JSON ---- */

/* Write `text` to a new temporary file; its path goes to `path`. */
static int write_temp(const char *text, size_t len, char path[64])
{
    FILE *f;
    int fd;
    snprintf(path, 64, "/tmp/idp-profile-XXXXXX");
    fd = mkstemp(path);
    if (fd < 0)
        return 0;
    f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        return 0;
    }
    if (fwrite(text, 1, len, f) != len) {
        fclose(f);
        return 0;
    }
    return fclose(f) == 0;
}

static idp_status load_text(idp_ctx *ctx, const char *text, idp_profile *out)
{
    char path[64];
    idp_status st;
    int written = write_temp(text, strlen(text), path);
    CHECK(written);
    if (!written)
        return IDP_E_IO;
    st = idp_profile_load_json(ctx, path, out);
    remove(path);
    return st;
}

/* Expect failure `code` with `needle` in the message and *out unchanged. */
static void expect_fail(idp_ctx *ctx, const char *text, idp_status code,
                        const char *needle)
{
    idp_profile p, before;
    idp_status st;
    memset(&p, 0xab, sizeof p);
    before = p;
    st = load_text(ctx, text, &p);
    CHECK_EQ_INT(st, code);
    CHECK(strstr(idp_ctx_error(ctx), needle) != NULL);
    CHECK(memcmp(&p, &before, sizeof p) == 0);
    if (st != code || !strstr(idp_ctx_error(ctx), needle))
        fprintf(stderr, "  case: %s\n  got %d: %s\n  wanted: %s\n", text,
                (int)st, idp_ctx_error(ctx), needle);
}

static const char full_json[] =
    "{\n"
    "  \"schema\": \"idphoto.profile/1\",\n"
    "  \"id\": \"school\",\n"
    "  \"name_zh\": \"某大学新生照片\",\n"
    "  \"name_en\": \"A university intake photo\",\n"
    "  \"source\": \"registry notice 2025\",\n"
    "  \"width\": 480, \"height\": 640, \"max_width\": 960,\n"
    "  \"dpi\": 300,\n"
    "  \"file_size\": {\"min\": 51200, \"max\": 102400},\n"
    "  \"min_quality\": 75,\n"
    "  \"format\": \"png\",\n"
    "  \"backgrounds\": [{\"name\": \"light-blue\", \"rgb\": \"#64C5FF\"},\n"
    "                  \"white\", \"#F0F0F0\"],\n"
    "  \"geometry\": {\n"
    "    \"head_top\": {\"min\": 40, \"max\": 100},\n"
    "    \"eye_line\": {\"min\": 210, \"max\": 290},\n"
    "    \"face_width\": {\"min\": 190, \"max\": 290},\n"
    "    \"head_height\": {\"min\": 300},\n"
    "    \"chin_bottom\": null\n"
    "  },\n"
    "  \"allow_rotation\": true,\n"
    "  \"limits\": {\"roll_warn_deg\": 2, \"roll_fail_deg\": 4,\n"
    "             \"second_face_ratio\": 0.5}\n"
    "}\n";

static void test_json_full(idp_ctx *ctx)
{
    idp_profile p;
    memset(&p, 0, sizeof p);
    CHECK_EQ_INT(load_text(ctx, full_json, &p), IDP_OK);
    CHECK_STR(p.id, "school");
    CHECK_STR(p.name_zh, "某大学新生照片");
    CHECK_STR(p.name_en, "A university intake photo");
    CHECK_STR(p.source, "registry notice 2025");
    CHECK_EQ_INT(p.width, 480);
    CHECK_EQ_INT(p.height, 640);
    CHECK_EQ_INT(p.max_width, 960);
    CHECK_EQ_INT(p.dpi, 300);
    CHECK_EQ_INT(p.file_min_bytes, 51200);
    CHECK_EQ_INT(p.file_max_bytes, 102400);
    CHECK_EQ_INT(p.min_quality, 75);
    CHECK_STR(p.format, "png");
    CHECK_EQ_INT(p.n_backgrounds, 3);
    CHECK_STR(p.backgrounds[0].name, "light-blue");
    check_rgb(p.backgrounds[0].rgb, 100, 197, 255);
    CHECK_STR(p.backgrounds[1].name, "white");
    CHECK_STR(p.backgrounds[2].name, "#F0F0F0");
    check_rgb(p.backgrounds[2].rgb, 240, 240, 240);
    check_band(p.head_top, 40, 100);
    check_band(p.eye_line, 210, 290);
    check_band(p.face_width, 190, 290);
    CHECK(p.head_height.has_min && !p.head_height.has_max);
    CHECK_NEAR(p.head_height.min, 300, 0);
    CHECK(!p.chin_bottom.has_min && !p.chin_bottom.has_max);
    CHECK_EQ_INT(p.allow_rotation, 1);
    CHECK_NEAR(p.limits.roll_warn_deg, 2, 0);
    CHECK_NEAR(p.limits.roll_fail_deg, 4, 0);
    CHECK_NEAR(p.limits.second_face_ratio, 0.5, 0);
    CHECK_NEAR(p.limits.yaw_fail_deg, 12, 0); /* default kept */
}

static void test_json_minimal(idp_ctx *ctx)
{
    idp_profile p;
    idp_thresholds def;
    idp_thresholds_default(&def);
    CHECK_EQ_INT(
        load_text(ctx, "{\"id\":\"m\",\"width\":300,\"height\":400}", &p),
        IDP_OK);
    CHECK_STR(p.id, "m");
    CHECK_EQ_INT(p.max_width, 300);
    CHECK_STR(p.format, "jpeg");
    CHECK_EQ_INT(p.n_backgrounds, 1);
    CHECK_STR(p.backgrounds[0].name, "white");
    CHECK(!p.head_top.has_min && !p.face_width.has_max);
    CHECK(memcmp(&p.limits, &def, sizeof def) == 0);
    /* a UTF-8 byte-order mark is skipped */
    CHECK_EQ_INT(load_text(ctx,
                           "\xEF\xBB\xBF{\"id\":\"m\",\"width\":300,"
                           "\"height\":400}",
                           &p),
                 IDP_OK);
}

static void test_json_base(idp_ctx *ctx)
{
    const idp_profile *chsi = idp_profile_find("chsi");
    idp_profile p;
    CHECK_EQ_INT(load_text(ctx,
                           "{\"file_size\": {\"min\": 51200, \"max\": 102400},"
                           " \"id\": \"school\", \"base\": \"chsi\"}",
                           &p),
                 IDP_OK);
    CHECK_STR(p.id, "school");
    CHECK_EQ_INT(p.width, 480);
    CHECK_EQ_INT(p.height, 640);
    CHECK_EQ_INT(p.file_min_bytes, 51200);
    CHECK_EQ_INT(p.file_max_bytes, 102400);
    CHECK_EQ_INT(p.min_quality, 60);
    CHECK_STR(p.name_zh, chsi->name_zh);
    CHECK(memcmp(&p.head_top, &chsi->head_top, sizeof p.head_top) == 0);
    CHECK(memcmp(p.backgrounds, chsi->backgrounds, sizeof p.backgrounds) == 0);
    /* without "id" the base's id is kept */
    CHECK_EQ_INT(load_text(ctx, "{\"base\": \"id-card\"}", &p), IDP_OK);
    CHECK_STR(p.id, "id-card");
    /* a new height scales the inherited bands, not the given ones */
    CHECK_EQ_INT(load_text(ctx,
                           "{\"base\": \"chsi\", \"width\": 240, \"height\": "
                           "320, \"geometry\": {\"eye_line\": {\"min\": 90,"
                           " \"max\": 160}}}",
                           &p),
                 IDP_OK);
    CHECK_EQ_INT(p.max_width, 240);
    check_band(p.head_top, 25, 55);
    check_band(p.face_width, 90, 150);
    check_band(p.eye_line, 90, 160);
    /* a band object replaces the inherited band */
    CHECK_EQ_INT(load_text(ctx,
                           "{\"base\": \"chsi\", \"geometry\": {\"head_top\":"
                           " {\"min\": 60}, \"face_width\": null}}",
                           &p),
                 IDP_OK);
    CHECK(p.head_top.has_min && !p.head_top.has_max);
    CHECK_NEAR(p.head_top.min, 60, 0);
    CHECK(!p.face_width.has_min && !p.face_width.has_max);
    check_band(p.eye_line, 200, 300);
}

static void test_json_errors(idp_ctx *ctx)
{
    expect_fail(ctx, "{\"id\":\"x\",\"height\":640}", IDP_E_PROFILE,
                "width: missing");
    expect_fail(ctx, "{\"width\":480,\"height\":640}", IDP_E_PROFILE,
                "id: missing");
    expect_fail(ctx, "{\"base\":\"chsi\",\"geometry\":{\"hed_top\":{}}}",
                IDP_E_PROFILE, "unknown key \"hed_top\" in geometry");
    expect_fail(ctx, "{\"base\":\"chsi\",\"colour\":\"blue\"}", IDP_E_PROFILE,
                "unknown key \"colour\"");
    expect_fail(ctx, "{\"base\":\"chsi\",\"dpi\":300,\"dpi\":350}",
                IDP_E_PROFILE, "duplicate key \"dpi\"");
    expect_fail(ctx,
                "{\"base\":\"chsi\",\"geometry\":{\"head_top\":"
                "{\"min\":\"50\"}}}",
                IDP_E_PROFILE, "geometry.head_top.min: must be a number");
    expect_fail(ctx, "{\"id\":\"x\",\"width\":480.5,\"height\":640}",
                IDP_E_PROFILE, "width: must be an integer 16..10000");
    expect_fail(ctx, "{\"id\":\"x\",\"width\":\"480\",\"height\":640}",
                IDP_E_PROFILE, "width: must be an integer");
    expect_fail(ctx, "{\"base\":\"chsi\",\"allow_rotation\":1}", IDP_E_PROFILE,
                "allow_rotation: must be true or false");
    expect_fail(ctx, "{\n  \"id\": \"x\",\n  \"width\": 480,,\n}\n",
                IDP_E_PROFILE, "line 3: invalid JSON");
    expect_fail(ctx, "{\"base\":\"chsi\"} x", IDP_E_PROFILE, "invalid JSON");
    expect_fail(ctx, "", IDP_E_PROFILE, "line 1: invalid JSON");
    expect_fail(ctx, "[]", IDP_E_PROFILE, "top level: must be an object");
    expect_fail(ctx, "{\"base\":\"xyz\"}", IDP_E_PROFILE,
                "base: unknown profile \"xyz\"");
    expect_fail(ctx, "{\"schema\":\"idphoto.profile/2\",\"base\":\"chsi\"}",
                IDP_E_PROFILE, "schema: must be");
    expect_fail(ctx,
                "{\"base\":\"chsi\",\"geometry\":{\"eye_line\":"
                "{\"min\":300,\"max\":200}}}",
                IDP_E_PROFILE, "geometry.eye_line: min must not exceed max");
    expect_fail(ctx,
                "{\"base\":\"chsi\",\"file_size\":{\"min\":9000,\"max\":10}}",
                IDP_E_PROFILE, "file_size: min must not exceed max");
    expect_fail(ctx,
                "{\"base\":\"chsi\",\"geometry\":{\"eye_line\":"
                "{\"max\":700}}}",
                IDP_E_PROFILE, "geometry.eye_line: must lie within");
    expect_fail(ctx, "{\"base\":\"chsi\",\"max_width\":400}", IDP_E_PROFILE,
                "max_width: must be 0 or at least width");
    expect_fail(ctx, "{\"base\":\"chsi\",\"dpi\":2401}", IDP_E_PROFILE,
                "dpi: must be an integer 0..2400");
    expect_fail(ctx, "{\"base\":\"chsi\",\"format\":\"jpg\"}", IDP_E_PROFILE,
                "format: must be");
    expect_fail(ctx, "{\"base\":\"chsi\",\"backgrounds\":[\"#12345G\"]}",
                IDP_E_PROFILE, "backgrounds[0]: unknown colour");
    expect_fail(ctx,
                "{\"base\":\"chsi\",\"backgrounds\":[\"blue\","
                "{\"name\":\"Blue\",\"rgb\":\"#000000\"}]}",
                IDP_E_PROFILE, "backgrounds[1]: duplicate colour name");
    expect_fail(ctx,
                "{\"base\":\"chsi\",\"backgrounds\":[{\"name\":\"x\","
                "\"rgb\":\"blue\"}]}",
                IDP_E_PROFILE, "backgrounds[0].rgb: must be \"#RRGGBB\"");
    expect_fail(ctx, "{\"base\":\"chsi\",\"backgrounds\":[]}", IDP_E_PROFILE,
                "backgrounds: must be an array of 1 to 8");
    expect_fail(ctx, "{\"base\":\"chsi\",\"limits\":{\"roll_warn_deg\":9}}",
                IDP_E_PROFILE, "limits.roll_warn_deg: must not be above");
    expect_fail(ctx, "{\"base\":\"chsi\",\"limits\":{\"eye_open_fail\":0.3}}",
                IDP_E_PROFILE, "limits.eye_open_warn: must not be below");
    expect_fail(ctx, "{\"base\":\"chsi\",\"limits\":{\"lighting_warn\":6}}",
                IDP_E_PROFILE, "limits.lighting_warn: must not be above");
    expect_fail(ctx, "{\"base\":\"chsi\",\"limits\":{\"clothing_fail\":25}}",
                IDP_E_PROFILE, "limits.clothing_warn: must not be below");
    expect_fail(ctx, "{\"base\":\"chsi\",\"limits\":{\"lighting_fail\":0.5}}",
                IDP_E_PROFILE, "limits.lighting_fail: must be a number");
    expect_fail(ctx, "{\"base\":\"chsi\",\"limits\":{\"roll\":3}}",
                IDP_E_PROFILE, "unknown key \"roll\" in limits");
    expect_fail(ctx, "{\"base\":\"chsi\",\"name_en\":\"bad \xff\"}",
                IDP_E_PROFILE, "name_en: must be a UTF-8 string");
    expect_fail(ctx, "{\"base\":\"chsi\",\"id\":\"has space\"}", IDP_E_PROFILE,
                "id: must be");
}

/* The appearance rules' limits load like the others. */
static void test_json_appearance_limits(idp_ctx *ctx)
{
    idp_profile p;
    idp_thresholds def;
    idp_thresholds_default(&def);
    memset(&p, 0, sizeof p);
    CHECK_EQ_INT(load_text(ctx,
                           "{\"base\":\"chsi\",\"limits\":{"
                           "\"lighting_fail\":4,\"clothing_fail\":12,"
                           "\"eye_closed_share\":0.1}}",
                           &p),
                 IDP_OK);
    CHECK_NEAR(p.limits.lighting_fail, 4, 0);
    CHECK_NEAR(p.limits.clothing_fail, 12, 0);
    CHECK_NEAR(p.limits.eye_closed_share, 0.1, 0);
    CHECK_NEAR(p.limits.tint_fail, def.tint_fail, 0); /* default kept */
}

static void test_json_files(idp_ctx *ctx)
{
    const char missing[] = "/tmp/idp-profile-does-not-exist.json";
    size_t big = 1024 * 1024 + 16;
    char path[64];
    char *text;
    idp_profile p;
    memset(&p, 0, sizeof p);
    CHECK_EQ_INT(idp_profile_load_json(ctx, missing, &p), IDP_E_IO);
    CHECK(strstr(idp_ctx_error(ctx), missing) != NULL);
    CHECK(strstr(idp_ctx_error(ctx), "cannot read") != NULL);
    CHECK_EQ_INT(idp_profile_load_json(ctx, "/tmp", &p), IDP_E_IO);
    CHECK_EQ_INT(idp_profile_load_json(ctx, NULL, &p), IDP_E_INVALID_ARG);
    CHECK_EQ_INT(idp_profile_load_json(ctx, missing, NULL), IDP_E_INVALID_ARG);
    CHECK_EQ_INT(idp_profile_load_json(NULL, missing, &p), IDP_E_INVALID_ARG);
    /* over 1 MiB: refused before parsing */
    text = malloc(big);
    if (!text)
        return;
    memset(text, ' ', big);
    memcpy(text + big - 2, "{}", 2);
    if (write_temp(text, big, path)) {
        CHECK_EQ_INT(idp_profile_load_json(ctx, path, &p), IDP_E_PROFILE);
        CHECK(strstr(idp_ctx_error(ctx), "too large") != NULL);
        remove(path);
    }
    /* a NUL byte inside the text */
    if (write_temp("{\"base\":\"chsi\"}\0x", 17, path)) {
        CHECK_EQ_INT(idp_profile_load_json(ctx, path, &p), IDP_E_PROFILE);
        CHECK(strstr(idp_ctx_error(ctx), "NUL byte") != NULL);
        remove(path);
    }
    free(text);
}

static void test_example_file(idp_ctx *ctx)
{
#ifdef IDP_SOURCE_DIR
    idp_profile p;
    idp_status st = idp_profile_load_json(
        ctx, IDP_SOURCE_DIR "/profiles/example-school.json", &p);
    CHECK_EQ_INT(st, IDP_OK);
    if (st != IDP_OK)
        fprintf(stderr, "  %s\n", idp_ctx_error(ctx));
    CHECK_EQ_INT(p.width, 480);
    CHECK_EQ_INT(p.height, 640);
    CHECK_EQ_INT(p.file_min_bytes, 50 * 1024);
    CHECK_EQ_INT(p.file_max_bytes, 100 * 1024);
    CHECK_STR(p.backgrounds[0].name, "blue");
#else
    (void)ctx;
#endif
}

int main(void)
{
    idp_ctx *ctx = NULL;
    idp_status st;
    test_builtins();
    test_chsi();
    test_other_numbers();
    test_thresholds();
    test_colours();
    st = idp_ctx_new(&ctx);
    CHECK_EQ_INT(st, IDP_OK);
    if (st != IDP_OK)
        return CHECK_DONE();
    test_json_full(ctx);
    test_json_minimal(ctx);
    test_json_base(ctx);
    test_json_errors(ctx);
    test_json_files(ctx);
    test_json_appearance_limits(ctx);
    test_example_file(ctx);
    idp_ctx_free(ctx);
    return CHECK_DONE();
}
