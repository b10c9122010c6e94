/*
 * profile_json.c - load a photo standard from a JSON file. The only file of
 * the profiles module that uses cJSON.
 *
 * Schema "idphoto.profile/1" (docs/profiles.md has a complete example):
 *
 *   {
 *     "schema": "idphoto.profile/1",   optional; if present, exactly this
 *     "base": "chsi",                  optional: start from a built-in
 *     "id": "school",                  1-31 of [A-Za-z0-9._-]
 *     "name_zh": "...", "name_en": "...", "source": "...",  UTF-8, < 96 B
 *     "width": 480, "height": 640,     integers 16..10000 (nominal size)
 *     "max_width": 480,                0 or >= width: accept any width up
 *                                      to this at the same aspect ratio
 *     "dpi": 300,                      0..2400 (0: none)
 *     "file_size": {"min": 51200, "max": 102400},  bytes, 0: unbounded
 *     "min_quality": 60,               JPEG quality floor 0..100
 *     "format": "jpeg",                "jpeg" or "png"
 *     "backgrounds": ["blue", {"name": "light-blue", "rgb": "#64C5FF"}],
 *                                      1-8 colours, the first is the
 *                                      default; a string is a common name
 *                                      or "#RRGGBB"
 *     "geometry": {                    pixels of the nominal size
 *       "head_top": {"min": 50, "max": 110}, "eye_line": {...},
 *       "face_width": {...}, "head_height": {...}, "chin_bottom": {...}
 *     },
 *     "allow_rotation": false,
 *     "limits": {"roll_warn_deg": 3, ...}  any idp_thresholds field by its
 *                                      C name
 *   }
 *
 * Rules:
 *   - Without "base", "id", "width" and "height" are required; the other
 *     fields default to none/0, format "jpeg", backgrounds ["white"], no
 *     rotation and idp_thresholds_default(). With "base", every field
 *     starts from that built-in (including its id).
 *   - An object value (file_size, a band) replaces the inherited value as
 *     a whole: a side it leaves out is unbounded ({"min": 60} gives a band
 *     with has_min only). A band may be null: no band. "limits" and
 *     "geometry" override only the members they name.
 *   - Setting "width" without "max_width" makes the size exact. When the
 *     height differs from the base's, the geometry bands inherited from
 *     the base are scaled by the new height / the base's height (the same
 *     rule that judges a photo of another size); bands the file gives are
 *     taken as written.
 *   - Unknown and duplicate keys, wrong types, fractions where an integer
 *     is due, out-of-range values, min > max and NUL bytes are errors; a
 *     UTF-8 byte-order mark is skipped. Files over 1 MiB are refused.
 *
 * Errors: IDP_E_IO ("PATH: cannot read: <strerror>") or IDP_E_PROFILE with
 * a message naming the file and the field, e.g.
 *   "school.json: geometry.head_top.min: must be a number 0..10000"
 *   "school.json: unknown key \"hed_top\" in geometry"
 *   "school.json: line 3: invalid JSON"
 * On any failure *out is left unchanged.
 */
#include "idp_internal.h"

#include <cjson/cJSON.h>

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA         "idphoto.profile/1"
#define MAX_FILE_BYTES ((size_t)1024 * 1024)
#define MIN_SIDE       16
#define MAX_SIDE       10000
#define MAX_DPI        2400
#define MAX_FILE_SIZE  1e9 /* bytes; a bound on file_size values */
#define MAX_BAND_PX    10000.0
#define N_BANDS        5
#define KEY_SHOWN      40 /* bytes of a bad key or value quoted in messages */

/* Fields the file set itself (parser.set). */
#define SET_ID        0x01u
#define SET_WIDTH     0x02u
#define SET_HEIGHT    0x04u
#define SET_MAX_WIDTH 0x08u
#define SET_BAND0     0x10u /* band i: SET_BAND0 << i */

typedef struct parser {
    idp_ctx *ctx;
    const char *file;
    idp_profile p;   /* the profile being built; copied to *out at the end */
    int base_height; /* the base's nominal height; 0 without a base */
    unsigned set;
} parser;

typedef idp_status (*field_fn)(parser *ps, const cJSON *v);

static const char *const band_keys[N_BANDS] = {
    "head_top", "eye_line", "face_width", "head_height", "chin_bottom"};

/* ---- small helpers ---- */

static idp_status bad(const parser *ps, const char *field, const char *what)
{
    return idp__fail(ps->ctx, IDP_E_PROFILE, "%s: %s: %s", ps->file, field,
                     what);
}

/* A copy of user text fit to quote in a message: clipped, no controls. */
static void shown(char *dst, size_t size, const char *src)
{
    size_t i;
    idp__strlcpy(dst, src, size);
    for (i = 0; dst[i]; i++) {
        if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f)
            dst[i] = '?';
    }
}

static int same_text(const char *a, const char *b)
{
    while (*a && *b) {
        int ca = (unsigned char)*a++;
        int cb = (unsigned char)*b++;
        if (ca >= 'A' && ca <= 'Z')
            ca += 'a' - 'A';
        if (cb >= 'A' && cb <= 'Z')
            cb += 'a' - 'A';
        if (ca != cb)
            return 0;
    }
    return *a == *b;
}

/* Valid UTF-8 without control characters. */
static int valid_text(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned long cp, min;
        size_t n, i;
        if (*p < 0x20 || *p == 0x7f)
            return 0;
        if (*p < 0x80) {
            p++;
            continue;
        }
        if (*p >= 0xc2 && *p <= 0xdf)
            n = 1;
        else if ((*p & 0xf0) == 0xe0)
            n = 2;
        else if (*p >= 0xf0 && *p <= 0xf4)
            n = 3;
        else
            return 0;
        cp = *p & (0x7fu >> (n + 1)); /* payload bits of the lead byte */
        min = n == 1 ? 0x80 : n == 2 ? 0x800 : 0x10000;
        for (i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3fu);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        p += n + 1;
    }
    return 1;
}

/* Every key of `obj` must be one of `keys` and appear once. `path` names
 * the object in messages ("" at the top level). */
static idp_status check_object(const parser *ps, const cJSON *obj,
                               const char *path, const char *const *keys,
                               size_t n)
{
    const cJSON *c, *d;
    char key[KEY_SHOWN];
    size_t i;
    if (!cJSON_IsObject(obj))
        return bad(ps, *path ? path : "top level", "must be an object");
    for (c = obj->child; c; c = c->next) {
        shown(key, sizeof key, c->string ? c->string : "");
        for (i = 0; i < n && strcmp(keys[i], c->string) != 0; i++)
            ;
        if (i == n)
            return idp__fail(ps->ctx, IDP_E_PROFILE,
                             "%s: unknown key \"%s\"%s%s", ps->file, key,
                             *path ? " in " : "", path);
        for (d = obj->child; d != c; d = d->next) {
            if (strcmp(d->string, c->string) == 0)
                return idp__fail(ps->ctx, IDP_E_PROFILE,
                                 "%s: duplicate key \"%s\"%s%s", ps->file, key,
                                 *path ? " in " : "", path);
        }
    }
    return IDP_OK;
}

/* "a" + "." + "b", or "b" alone when `a` is empty. */
static void join(char *dst, size_t size, const char *a, const char *b)
{
    snprintf(dst, size, "%s%s%s", a, *a ? "." : "", b);
}

static idp_status get_number(const parser *ps, const cJSON *v,
                             const char *field, double lo, double hi,
                             double *out)
{
    char what[64];
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
        v->valuedouble < lo || v->valuedouble > hi) {
        snprintf(what, sizeof what, "must be a number %g..%g", lo, hi);
        return bad(ps, field, what);
    }
    *out = v->valuedouble;
    return IDP_OK;
}

static idp_status get_whole(const parser *ps, const cJSON *v, const char *field,
                            double lo, double hi, double *out)
{
    char what[80];
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
        v->valuedouble < lo || v->valuedouble > hi ||
        (double)(int64_t)v->valuedouble != v->valuedouble) {
        snprintf(what, sizeof what, "must be an integer %.0f..%.0f", lo, hi);
        return bad(ps, field, what);
    }
    *out = v->valuedouble;
    return IDP_OK;
}

static idp_status get_int(const parser *ps, const cJSON *v, const char *field,
                          int lo, int hi, int *out)
{
    double d = 0;
    idp_status st = get_whole(ps, v, field, lo, hi, &d);
    if (st == IDP_OK)
        *out = (int)d;
    return st;
}

static idp_status get_text(const parser *ps, const cJSON *v, const char *field,
                           char *dst, size_t size)
{
    char what[80];
    if (!cJSON_IsString(v) || !valid_text(v->valuestring) ||
        strlen(v->valuestring) >= size) {
        snprintf(what, sizeof what,
                 "must be a UTF-8 string of at most %zu bytes", size - 1);
        return bad(ps, field, what);
    }
    idp__strlcpy(dst, v->valuestring, size);
    return IDP_OK;
}

/* ---- top-level fields, one function each ---- */

static idp_status f_schema(parser *ps, const cJSON *v)
{
    if (!cJSON_IsString(v) || strcmp(v->valuestring, SCHEMA) != 0)
        return bad(ps, "schema", "must be \"" SCHEMA "\"");
    return IDP_OK;
}

static idp_status f_base(parser *ps, const cJSON *v)
{
    const idp_profile *b;
    char name[KEY_SHOWN];
    if (!cJSON_IsString(v))
        return bad(ps, "base", "must be a string");
    b = idp_profile_find(v->valuestring);
    if (!b) {
        shown(name, sizeof name, v->valuestring);
        return idp__fail(ps->ctx, IDP_E_PROFILE,
                         "%s: base: unknown profile \"%s\"", ps->file, name);
    }
    ps->p = *b;
    ps->base_height = b->height;
    return IDP_OK;
}

static idp_status f_id(parser *ps, const cJSON *v)
{
    const char *s;
    if (cJSON_IsString(v)) {
        for (s = v->valuestring; *s; s++) {
            if (!strchr("abcdefghijklmnopqrstuvwxyz"
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
                        *s))
                break;
        }
        if (!*s && *v->valuestring &&
            strlen(v->valuestring) < sizeof ps->p.id) {
            idp__strlcpy(ps->p.id, v->valuestring, sizeof ps->p.id);
            ps->set |= SET_ID;
            return IDP_OK;
        }
    }
    return bad(ps, "id", "must be 1-31 characters of A-Z a-z 0-9 . _ -");
}

static idp_status f_name_zh(parser *ps, const cJSON *v)
{
    return get_text(ps, v, "name_zh", ps->p.name_zh, sizeof ps->p.name_zh);
}

static idp_status f_name_en(parser *ps, const cJSON *v)
{
    return get_text(ps, v, "name_en", ps->p.name_en, sizeof ps->p.name_en);
}

static idp_status f_source(parser *ps, const cJSON *v)
{
    return get_text(ps, v, "source", ps->p.source, sizeof ps->p.source);
}

static idp_status f_width(parser *ps, const cJSON *v)
{
    ps->set |= SET_WIDTH;
    return get_int(ps, v, "width", MIN_SIDE, MAX_SIDE, &ps->p.width);
}

static idp_status f_height(parser *ps, const cJSON *v)
{
    ps->set |= SET_HEIGHT;
    return get_int(ps, v, "height", MIN_SIDE, MAX_SIDE, &ps->p.height);
}

static idp_status f_max_width(parser *ps, const cJSON *v)
{
    ps->set |= SET_MAX_WIDTH;
    return get_int(ps, v, "max_width", 0, MAX_SIDE, &ps->p.max_width);
}

static idp_status f_dpi(parser *ps, const cJSON *v)
{
    return get_int(ps, v, "dpi", 0, MAX_DPI, &ps->p.dpi);
}

static idp_status f_min_quality(parser *ps, const cJSON *v)
{
    return get_int(ps, v, "min_quality", 0, 100, &ps->p.min_quality);
}

static idp_status f_file_size(parser *ps, const cJSON *v)
{
    static const char *const keys[] = {"min", "max"};
    const cJSON *lo = cJSON_GetObjectItemCaseSensitive(v, "min");
    const cJSON *hi = cJSON_GetObjectItemCaseSensitive(v, "max");
    double min = 0, max = 0;
    idp_status st = check_object(ps, v, "file_size", keys, 2);
    if (st == IDP_OK && lo)
        st = get_whole(ps, lo, "file_size.min", 0, MAX_FILE_SIZE, &min);
    if (st == IDP_OK && hi)
        st = get_whole(ps, hi, "file_size.max", 0, MAX_FILE_SIZE, &max);
    if (st != IDP_OK)
        return st;
    if (max > 0 && min > max)
        return bad(ps, "file_size", "min must not exceed max");
    ps->p.file_min_bytes = (int64_t)min;
    ps->p.file_max_bytes = (int64_t)max;
    return IDP_OK;
}

static idp_status f_format(parser *ps, const cJSON *v)
{
    if (!cJSON_IsString(v) || (strcmp(v->valuestring, "jpeg") != 0 &&
                               strcmp(v->valuestring, "png") != 0))
        return bad(ps, "format", "must be \"jpeg\" or \"png\"");
    idp__strlcpy(ps->p.format, v->valuestring, sizeof ps->p.format);
    return IDP_OK;
}

static idp_status f_allow_rotation(parser *ps, const cJSON *v)
{
    if (!cJSON_IsBool(v))
        return bad(ps, "allow_rotation", "must be true or false");
    ps->p.allow_rotation = cJSON_IsTrue(v) ? 1 : 0;
    return IDP_OK;
}

/* ---- backgrounds ---- */

static idp_status colour_object(const parser *ps, const cJSON *v,
                                const char *field, idp_named_colour *out)
{
    static const char *const keys[] = {"name", "rgb"};
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(v, "name");
    const cJSON *rgb = cJSON_GetObjectItemCaseSensitive(v, "rgb");
    char sub[48];
    idp_status st = check_object(ps, v, field, keys, 2);
    if (st != IDP_OK)
        return st;
    join(sub, sizeof sub, field, "name");
    if (!name || !cJSON_IsString(name) || !*name->valuestring)
        return bad(ps, sub, "must be a non-empty string");
    st = get_text(ps, name, sub, out->name, sizeof out->name);
    if (st != IDP_OK)
        return st;
    join(sub, sizeof sub, field, "rgb");
    if (!rgb || !cJSON_IsString(rgb) || rgb->valuestring[0] != '#' ||
        idp_colour_parse(rgb->valuestring, &out->rgb) != IDP_OK)
        return bad(ps, sub, "must be \"#RRGGBB\"");
    return IDP_OK;
}

static idp_status colour_item(const parser *ps, const cJSON *v,
                              const char *field, idp_named_colour *out)
{
    char text[KEY_SHOWN];
    if (cJSON_IsObject(v))
        return colour_object(ps, v, field, out);
    if (!cJSON_IsString(v))
        return bad(ps, field,
                   "must be a colour name, \"#RRGGBB\" or "
                   "{\"name\", \"rgb\"}");
    if (strlen(v->valuestring) < sizeof out->name &&
        idp_colour_parse(v->valuestring, &out->rgb) == IDP_OK) {
        idp__strlcpy(out->name, v->valuestring, sizeof out->name);
        return IDP_OK;
    }
    shown(text, sizeof text, v->valuestring);
    return idp__fail(ps->ctx, IDP_E_PROFILE,
                     "%s: %s: unknown colour \"%s\" (blue, white, grey, red, "
                     "dark-blue or #RRGGBB)",
                     ps->file, field, text);
}

static idp_status f_backgrounds(parser *ps, const cJSON *v)
{
    idp_named_colour list[IDP_MAX_BACKGROUNDS];
    const cJSON *c;
    char field[32];
    int n = 0, i;
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 1 ||
        cJSON_GetArraySize(v) > IDP_MAX_BACKGROUNDS)
        return bad(ps, "backgrounds", "must be an array of 1 to 8 colours");
    memset(list, 0, sizeof list);
    for (c = v->child; c; c = c->next, n++) {
        idp_status st;
        snprintf(field, sizeof field, "backgrounds[%d]", n);
        st = colour_item(ps, c, field, &list[n]);
        if (st != IDP_OK)
            return st;
        for (i = 0; i < n; i++) {
            if (same_text(list[i].name, list[n].name))
                return bad(ps, field, "duplicate colour name");
        }
    }
    memcpy(ps->p.backgrounds, list, sizeof list);
    ps->p.n_backgrounds = n;
    return IDP_OK;
}

/* ---- geometry ---- */

static void profile_bands(idp_profile *p, idp_band *b[N_BANDS])
{
    b[0] = &p->head_top;
    b[1] = &p->eye_line;
    b[2] = &p->face_width;
    b[3] = &p->head_height;
    b[4] = &p->chin_bottom;
}

static idp_status get_band(const parser *ps, const cJSON *v, const char *path,
                           idp_band *out)
{
    static const char *const keys[] = {"min", "max"};
    const cJSON *lo = cJSON_GetObjectItemCaseSensitive(v, "min");
    const cJSON *hi = cJSON_GetObjectItemCaseSensitive(v, "max");
    idp_band b = {0.0, 0.0, 0, 0};
    char sub[48];
    idp_status st = IDP_OK;
    if (!cJSON_IsNull(v))
        st = check_object(ps, v, path, keys, 2);
    join(sub, sizeof sub, path, "min");
    if (st == IDP_OK && lo) {
        b.has_min = 1;
        st = get_number(ps, lo, sub, 0, MAX_BAND_PX, &b.min);
    }
    join(sub, sizeof sub, path, "max");
    if (st == IDP_OK && hi) {
        b.has_max = 1;
        st = get_number(ps, hi, sub, 0, MAX_BAND_PX, &b.max);
    }
    if (st == IDP_OK && b.has_min && b.has_max && b.min > b.max)
        st = bad(ps, path, "min must not exceed max");
    if (st == IDP_OK)
        *out = b;
    return st;
}

static idp_status f_geometry(parser *ps, const cJSON *v)
{
    idp_band *bands[N_BANDS];
    char path[32];
    size_t i;
    idp_status st = check_object(ps, v, "geometry", band_keys, N_BANDS);
    profile_bands(&ps->p, bands);
    for (i = 0; st == IDP_OK && i < N_BANDS; i++) {
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(v, band_keys[i]);
        if (!b)
            continue;
        join(path, sizeof path, "geometry", band_keys[i]);
        st = get_band(ps, b, path, bands[i]);
        ps->set |= SET_BAND0 << i;
    }
    return st;
}

/* ---- limits ---- */

/* name, allowed range, order: +1 "warn <= next (fail)", -1 "warn >= next"
 * (a low value is the bad one), 0 none. */
#define LIMIT_FIELDS(X)                                                        \
    X(roll_warn_deg, 0, 90, 1)                                                 \
    X(roll_fail_deg, 0, 90, 0)                                                 \
    X(yaw_warn_deg, 0, 90, 1)                                                  \
    X(yaw_fail_deg, 0, 90, 0)                                                  \
    X(pitch_warn_deg, 0, 90, 1)                                                \
    X(pitch_fail_deg, 0, 90, 0)                                                \
    X(eye_open_warn, 0, 1, -1)                                                 \
    X(eye_open_fail, 0, 1, 0)                                                  \
    X(mouth_gap_warn, 0, 1, 1)                                                 \
    X(mouth_gap_fail, 0, 1, 0)                                                 \
    X(centre_warn, 0, 0.5, 1)                                                  \
    X(centre_fail, 0, 0.5, 0)                                                  \
    X(resolution_warn, 0, 10, -1)                                              \
    X(resolution_fail, 0, 10, 0)                                               \
    X(colour_fail, 0, 200, 0)                                                  \
    X(second_face_ratio, 0, 1, 0)                                              \
    X(eye_closed_share, 0, 1, 0)                                               \
    X(gaze_warn, 0, 0.5, 1)                                                    \
    X(gaze_fail, 0, 0.5, 0)                                                    \
    X(tint_warn, 0, 100, 1)                                                    \
    X(tint_fail, 0, 100, 0)                                                    \
    X(glare_warn, 0, 1, 1)                                                     \
    X(glare_fail, 0, 1, 0)                                                     \
    X(red_eye_warn, 0, 1, 1)                                                   \
    X(red_eye_fail, 0, 1, 0)                                                   \
    X(hair_brows_warn, 0, 1, 1)                                                \
    X(hair_brows_fail, 0, 1, 0)                                                \
    X(ears_warn, 0, 1, 0)                                                      \
    X(covering_warn, 0, 1, 1)                                                  \
    X(covering_fail, 0, 1, 0)                                                  \
    X(exposure_low_warn, 0, 100, -1)                                           \
    X(exposure_low_fail, 0, 100, 0)                                            \
    X(exposure_high_warn, 0, 100, 1)                                           \
    X(exposure_high_fail, 0, 100, 0)                                           \
    X(backlight_warn, 0, 100, 1)                                               \
    X(backlight_fail, 0, 100, 0)                                               \
    X(lighting_warn, 1, 100, 1)                                                \
    X(lighting_fail, 1, 100, 0)                                                \
    X(shadow_warn, 0, 1, -1)                                                   \
    X(shadow_fail, 0, 1, 0)                                                    \
    X(sharpness_warn, 0, 1000, -1)                                             \
    X(sharpness_fail, 0, 1000, 0)                                              \
    X(noise_warn, 0, 255, 1)                                                   \
    X(noise_fail, 0, 255, 0)                                                   \
    X(blockiness_warn, 0, 100, 1)                                              \
    X(blockiness_fail, 0, 100, 0)                                              \
    X(colour_natural_warn, 0, 200, 1)                                          \
    X(colour_natural_fail, 0, 200, 0)                                          \
    X(shoulders_warn_deg, 0, 90, 1)                                            \
    X(shoulders_fail_deg, 0, 90, 0)                                            \
    X(bg_uniform_warn, 0, 200, 1)                                              \
    X(bg_uniform_fail, 0, 200, 0)                                              \
    X(bg_colour_warn, 0, 200, 1)                                               \
    X(bg_colour_fail, 0, 200, 0)                                               \
    X(bg_shadow_warn, 0, 1, 1)                                                 \
    X(bg_shadow_fail, 0, 1, 0)                                                 \
    X(clothing_warn, 0, 200, -1)                                               \
    X(clothing_fail, 0, 200, 0)                                                \
    X(jewellery_warn, 0, 1, 0)                                                 \
    X(makeup_warn, 0, 200, 0)

#define LIMIT_KEY(name, lo, hi, order) #name,
#define LIMIT_SPEC(name, lo, hi, order)                                        \
    {offsetof(idp_thresholds, name), lo, hi, order},

static const char *const limit_keys[] = {LIMIT_FIELDS(LIMIT_KEY)};

static const struct limit_spec {
    size_t offset;
    double lo, hi;
    int order;
} limit_specs[] = {LIMIT_FIELDS(LIMIT_SPEC)};

#define N_LIMITS (sizeof limit_keys / sizeof limit_keys[0])

static double *limit_slot(idp_thresholds *t, size_t i)
{
    return (double *)(void *)((char *)t + limit_specs[i].offset);
}

static idp_status f_limits(parser *ps, const cJSON *v)
{
    char path[48];
    size_t i;
    idp_status st = check_object(ps, v, "limits", limit_keys, N_LIMITS);
    for (i = 0; st == IDP_OK && i < N_LIMITS; i++) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(v, limit_keys[i]);
        if (!x)
            continue;
        join(path, sizeof path, "limits", limit_keys[i]);
        st = get_number(ps, x, path, limit_specs[i].lo, limit_specs[i].hi,
                        limit_slot(&ps->p.limits, i));
    }
    return st;
}

/* Each warning level must come before its failure level. */
static idp_status check_limit_order(parser *ps)
{
    char path[48], what[80];
    size_t i;
    for (i = 0; i + 1 < N_LIMITS; i++) {
        double warn = *limit_slot(&ps->p.limits, i);
        double fail = *limit_slot(&ps->p.limits, i + 1);
        int order = limit_specs[i].order;
        if ((order > 0 && warn > fail) || (order < 0 && warn < fail)) {
            join(path, sizeof path, "limits", limit_keys[i]);
            snprintf(what, sizeof what, "must not be %s %s (%g)",
                     order > 0 ? "above" : "below", limit_keys[i + 1], fail);
            return bad(ps, path, what);
        }
    }
    return IDP_OK;
}

/* ---- the top level ---- */

#define TOP_FIELDS(X)                                                          \
    X(schema)                                                                  \
    X(base)                                                                    \
    X(id)                                                                      \
    X(name_zh)                                                                 \
    X(name_en)                                                                 \
    X(source)                                                                  \
    X(width)                                                                   \
    X(height)                                                                  \
    X(max_width)                                                               \
    X(dpi)                                                                     \
    X(file_size)                                                               \
    X(min_quality)                                                             \
    X(format)                                                                  \
    X(backgrounds)                                                             \
    X(geometry)                                                                \
    X(allow_rotation)                                                          \
    X(limits)

#define TOP_KEY(name) #name,
#define TOP_FN(name)  f_##name,

static const char *const top_keys[] = {TOP_FIELDS(TOP_KEY)};
static const field_fn top_fns[] = {TOP_FIELDS(TOP_FN)};

#define N_TOP (sizeof top_keys / sizeof top_keys[0])

/* "schema" and "base" come first in the table, so a base is copied before
 * any field overrides it, whatever the order in the file. */
static idp_status apply_fields(parser *ps, const cJSON *root)
{
    size_t i;
    idp_status st = check_object(ps, root, "", top_keys, N_TOP);
    for (i = 0; st == IDP_OK && i < N_TOP; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, top_keys[i]);
        if (v)
            st = top_fns[i](ps, v);
    }
    return st;
}

/* ---- after all fields: defaults, derived values, cross-field checks ---- */

static idp_status check_required(parser *ps)
{
    static const struct {
        unsigned bit;
        const char *key;
    } req[] = {{SET_ID, "id"}, {SET_WIDTH, "width"}, {SET_HEIGHT, "height"}};
    size_t i;
    if (ps->base_height)
        return IDP_OK;
    for (i = 0; i < sizeof req / sizeof req[0]; i++) {
        if (!(ps->set & req[i].bit))
            return bad(ps, req[i].key, "missing (required without \"base\")");
    }
    return IDP_OK;
}

static idp_status settle_size(parser *ps)
{
    idp_profile *p = &ps->p;
    char what[64];
    if (ps->set & SET_MAX_WIDTH) {
        if (p->max_width != 0 && p->max_width < p->width) {
            snprintf(what, sizeof what, "must be 0 or at least width (%d)",
                     p->width);
            return bad(ps, "max_width", what);
        }
    } else if ((ps->set & SET_WIDTH) || p->max_width < p->width) {
        p->max_width = 0;
    }
    if (p->max_width == 0)
        p->max_width = p->width;
    if (p->n_backgrounds == 0) {
        idp__strlcpy(p->backgrounds[0].name, "white",
                     sizeof p->backgrounds[0].name);
        p->backgrounds[0].rgb = (idp_rgb){255, 255, 255};
        p->n_backgrounds = 1;
    }
    return IDP_OK;
}

/* Scale the bands inherited from the base to a new nominal height, and
 * check that every band fits the nominal size. */
static idp_status settle_bands(parser *ps)
{
    idp_band *bands[N_BANDS];
    char path[48], what[64];
    size_t i;
    double k = 1.0;
    if (ps->base_height && ps->p.height != ps->base_height)
        k = (double)ps->p.height / (double)ps->base_height;
    profile_bands(&ps->p, bands);
    for (i = 0; i < N_BANDS; i++) {
        idp_band *b = bands[i];
        int side = (i == 2) ? ps->p.width : ps->p.height; /* 2: face_width */
        if (!(ps->set & (SET_BAND0 << i))) {
            b->min *= k;
            b->max *= k;
        }
        if ((b->has_min && b->min > side) || (b->has_max && b->max > side)) {
            join(path, sizeof path, "geometry", band_keys[i]);
            snprintf(what, sizeof what, "must lie within the %s (%d px)",
                     i == 2 ? "width" : "height", side);
            return bad(ps, path, what);
        }
    }
    return IDP_OK;
}

static idp_status finish(parser *ps)
{
    idp_status st = check_required(ps);
    if (st == IDP_OK)
        st = settle_size(ps);
    if (st == IDP_OK)
        st = settle_bands(ps);
    if (st == IDP_OK)
        st = check_limit_order(ps);
    return st;
}

/* ---- reading and parsing the file ---- */

static idp_status read_error(idp_ctx *ctx, const char *path, int err)
{
    return idp__fail(ctx, IDP_E_IO, "%s: cannot read: %s", path, strerror(err));
}

/* The whole file, NUL-terminated; at most MAX_FILE_BYTES. */
static idp_status read_file(idp_ctx *ctx, const char *path, char **out,
                            size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0, got = 1;
    idp_status st = IDP_OK;
    if (!f)
        return read_error(ctx, path, errno);
    while (st == IDP_OK && got > 0) {
        if (n == cap && cap > MAX_FILE_BYTES) {
            st = idp__fail(ctx, IDP_E_PROFILE,
                           "%s: file too large (over %zu bytes)", path,
                           MAX_FILE_BYTES);
        } else if (n == cap) {
            char *bigger;
            cap = cap ? cap * 2 : 16384;
            cap = cap > MAX_FILE_BYTES ? MAX_FILE_BYTES + 1 : cap;
            bigger = realloc(buf, cap + 1);
            if (!bigger)
                st = idp__fail(ctx, IDP_E_NOMEM, "%s: out of memory", path);
            else
                buf = bigger;
        }
        if (st == IDP_OK) {
            got = fread(buf + n, 1, cap - n, f);
            n += got;
        }
    }
    if (st == IDP_OK && ferror(f))
        st = read_error(ctx, path, errno);
    fclose(f);
    if (st != IDP_OK) {
        free(buf);
        return st;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return IDP_OK;
}

static size_t line_of(const char *text, size_t pos)
{
    size_t i, line = 1;
    for (i = 0; i < pos; i++) {
        if (text[i] == '\n')
            line++;
    }
    return line;
}

static idp_status parse_text(const parser *ps, const char *text, size_t len,
                             cJSON **out)
{
    const char *end = NULL;
    const char *nul = memchr(text, '\0', len);
    size_t skip = 0;
    if (nul)
        return idp__fail(ps->ctx, IDP_E_PROFILE, "%s: line %zu: NUL byte",
                         ps->file, line_of(text, (size_t)(nul - text)));
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        skip = 3; /* UTF-8 byte-order mark (Windows editors) */
    /* Length + 1 includes the terminator, which cJSON then requires right
     * after the value: trailing garbage is an error. The end pointer is the
     * per-call form of cJSON_GetErrorPtr() (which is a global). */
    *out = cJSON_ParseWithLengthOpts(text + skip, len - skip + 1, &end, 1);
    if (*out)
        return IDP_OK;
    if (!end || end < text + skip || end > text + len)
        end = text + len;
    if (end == text + len) { /* ran out of text: name the last line */
        while (end > text && strchr(" \t\r\n", end[-1]))
            end--;
    }
    return idp__fail(ps->ctx, IDP_E_PROFILE, "%s: line %zu: invalid JSON",
                     ps->file, line_of(text, (size_t)(end - text)));
}

idp_status idp_profile_load_json(idp_ctx *ctx, const char *path,
                                 idp_profile *out)
{
    parser ps;
    cJSON *root = NULL;
    char *text = NULL;
    size_t len = 0;
    idp_status st;
    if (!ctx)
        return IDP_E_INVALID_ARG;
    if (!path || !out)
        return idp__fail(ctx, IDP_E_INVALID_ARG,
                         "idp_profile_load_json: path and out are required");
    st = read_file(ctx, path, &text, &len);
    if (st != IDP_OK)
        return st;
    memset(&ps, 0, sizeof ps);
    ps.ctx = ctx;
    ps.file = path;
    idp__strlcpy(ps.p.format, "jpeg", sizeof ps.p.format);
    idp_thresholds_default(&ps.p.limits);
    st = parse_text(&ps, text, len, &root);
    if (st == IDP_OK)
        st = apply_fields(&ps, root);
    if (st == IDP_OK)
        st = finish(&ps);
    if (st == IDP_OK)
        *out = ps.p;
    cJSON_Delete(root);
    free(text);
    return st;
}
