/*
 * fuzz_report_json.c - the report writer, idp_report_to_json(), on the text
 * the tools pass it unchecked: file names (any bytes but NUL: argv), error
 * messages (they quote file names and libvips' text) and output paths.
 *
 * Input layout: byte 0 the status code (0..15, so unknown codes too),
 * byte 1 flags (bit 0 capture mode, bit 1 set an output, bits 2-7 the
 * built-in profile), then the file name, the message and the output path
 * separated by NUL bytes, then (after a third NUL) the output's numbers.
 *
 * Invariants (a break aborts; see fuzz.h): the JSON is one line of valid
 * UTF-8 without control characters that cJSON parses, with the documented
 * keys; a valid-UTF-8 string comes back unchanged, an invalid one comes
 * back valid (each bad byte as U+FFFD).
 */
#include "fuzz.h"

#include <idphoto.h>

#include <cjson/cJSON.h>
#include <string.h>

/* The next NUL-terminated field of the input (or the rest of it). */
static char *field(const uint8_t **p, const uint8_t *end)
{
    const uint8_t *nul = memchr(*p, 0, (size_t)(end - *p));
    size_t n = nul ? (size_t)(nul - *p) : (size_t)(end - *p);
    char *s = malloc(n + 1);
    FUZZ_CHECK(s != NULL);
    memcpy(s, *p, n);
    s[n] = '\0';
    *p = nul ? nul + 1 : end;
    return s;
}

static int64_t number(const uint8_t **p, const uint8_t *end, size_t bytes)
{
    uint64_t v = 0;
    for (size_t i = 0; i < bytes && *p < end; i++, (*p)++)
        v = v << 8 | **p;
    return (int64_t)v;
}

static const cJSON *get(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    FUZZ_CHECK(v != NULL);
    return v;
}

/* A string value: as given when that was valid UTF-8, else valid. */
static void check_text(const cJSON *o, const char *key, const char *given)
{
    const cJSON *v = get(o, key);
    const char *s;
    FUZZ_CHECK(cJSON_IsString(v));
    s = v->valuestring;
    FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)s, strlen(s)));
    if (fuzz_utf8_valid((const unsigned char *)given, strlen(given)))
        FUZZ_CHECK(strcmp(s, given) == 0);
    else
        FUZZ_CHECK(strstr(s, "\xEF\xBF\xBD") != NULL);
}

static void check_json(const char *json, const char *file, const char *msg,
                       const char *out, idp_status code, idp_mode mode,
                       const idp_profile *profile)
{
    size_t n = strlen(json);
    const char *end = NULL;
    cJSON *o;
    const cJSON *err, *output;
    FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)json, n));
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK((unsigned char)json[i] >= 0x20);
    o = cJSON_ParseWithOpts(json, &end, 1);
    FUZZ_CHECK(o != NULL && cJSON_IsObject(o) && end == json + n);
    FUZZ_CHECK(strcmp(get(o, "schema")->valuestring, "idphoto.report/1") == 0);
    check_text(o, "file", file);
    FUZZ_CHECK(strcmp(get(o, "profile")->valuestring, profile->id) == 0);
    FUZZ_CHECK(strcmp(get(o, "mode")->valuestring,
                      mode == IDP_MODE_CAPTURE ? "capture" : "final") == 0);
    FUZZ_CHECK(strcmp(get(o, "verdict")->valuestring, "error") == 0);
    err = get(o, "error");
    FUZZ_CHECK(cJSON_IsObject(err));
    FUZZ_CHECK(strcmp(get(err, "code")->valuestring, idp_status_name(code)) ==
               0);
    check_text(err, "message", msg);
    FUZZ_CHECK(cJSON_IsNull(get(o, "image")));
    FUZZ_CHECK(cJSON_IsArray(get(o, "faces")));
    FUZZ_CHECK(cJSON_GetArraySize(get(o, "checks")) == 0);
    output = get(o, "output");
    if (out) {
        FUZZ_CHECK(cJSON_IsObject(output));
        check_text(output, "path", out);
    } else {
        FUZZ_CHECK(cJSON_IsNull(output));
    }
    cJSON_Delete(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    idp_status code;
    idp_check_options opt;
    idp_report *rep = NULL;
    char *file, *msg, *out, *json = NULL;
    int flags, set_output;
    int64_t bytes, w, h, q;
    if (size < 2)
        return 0;
    code = (idp_status)(data[0] & 15);
    flags = data[1];
    p += 2;
    opt.mode = flags & 1 ? IDP_MODE_CAPTURE : IDP_MODE_FINAL;
    opt.profile = idp_profile_at((size_t)(flags >> 2) % idp_profile_count());
    set_output = flags & 2;
    file = field(&p, end);
    msg = field(&p, end);
    out = field(&p, end);
    bytes = number(&p, end, 8);
    w = number(&p, end, 2);
    h = number(&p, end, 2);
    q = number(&p, end, 1);
    FUZZ_CHECK(idp_report_new_error(file, &opt, code, msg, &rep) == IDP_OK);
    if (set_output && idp_report_set_output(rep, out, bytes, (int)w, (int)h,
                                            (int)q) != IDP_OK)
        set_output = 0;
    FUZZ_CHECK(idp_report_verdict(rep) == IDP_VERDICT_ERROR);
    FUZZ_CHECK(idp_report_check_count(rep) == 0);
    FUZZ_CHECK(idp_report_to_json(rep, &json) == IDP_OK && json != NULL);
    check_json(json, file, msg, set_output ? out : NULL, code, opt.mode,
               opt.profile);
    idp_free(json);
    idp_report_free(rep);
    free(file);
    free(msg);
    free(out);
    return 0;
}
