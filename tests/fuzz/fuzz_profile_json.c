/*
 * fuzz_profile_json.c - the profile JSON parser, idp_profile_load_json().
 *
 * It reads a path, so each input is written to one in-memory file
 * (memfd_create) reached through /proc/self/fd/N: no disk I/O (a file in
 * /tmp made this 40 times slower) and nothing left behind, even after a
 * crash.
 *
 * Invariants (a break aborts; see fuzz.h):
 *   - refused: IDP_E_PROFILE (or IDP_E_IO, IDP_E_NOMEM), never a crash or
 *     another status; *out untouched; a one-line message naming the file;
 *   - loaded: every field inside the ranges profile_json.c documents
 *     (id of [A-Za-z0-9._-], sizes 16..10000, dpi 0..2400, 1-8
 *     backgrounds, format jpeg or png, bands with min <= max, finite
 *     thresholds), strings terminated and valid UTF-8; and a report made
 *     with the profile turns into JSON that cJSON parses, with the id;
 *   - with IDP_MODEL (a readable model) and IDP_FUZZ_PHOTO (an image with
 *     a face, e.g. corpus/image_load/seed-face.jpg) set: the photo is
 *     checked under the profile in both modes (IDP_OK, a verdict, JSON
 *     that parses) and, for profiles up to FUZZ_MAKE_PIXELS, made
 *     (idp_make: IDP_OK; when something is made, a photo of the profile's
 *     size and a JPEG of it that loads back at that size).
 */
#define _GNU_SOURCE /* memfd_create */
#include "fuzz.h"

#include <idphoto.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FUZZ_MAKE_PIXELS (640ULL * 640ULL)

static idp_ctx *ctx;
static int fd = -1;
static char path[64];
static idp_image *photo; /* IDP_FUZZ_PHOTO, with a model */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *model = getenv("IDP_MODEL");
    const char *photo_path = getenv("IDP_FUZZ_PHOTO");
    (void)argc;
    (void)argv;
    FUZZ_CHECK(idp_ctx_new(&ctx) == IDP_OK);
    fd = memfd_create("profile.json", MFD_CLOEXEC);
    FUZZ_CHECK(fd >= 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    if (model && *model && access(model, R_OK) == 0 && photo_path &&
        *photo_path) {
        FUZZ_CHECK(idp_ctx_set_model(ctx, model) == IDP_OK);
        FUZZ_CHECK(idp_image_load(ctx, photo_path, &photo) == IDP_OK);
    }
    return 0;
}

static void put(const uint8_t *data, size_t size)
{
    size_t done = 0;
    FUZZ_CHECK(ftruncate(fd, 0) == 0);
    while (done < size) {
        ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
        FUZZ_CHECK(n > 0);
        done += (size_t)n;
    }
}

static int terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

static int id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n < 1 || n > 31)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static int text_ok(const char *s, size_t cap)
{
    return terminated(s, cap) &&
           fuzz_utf8_valid((const unsigned char *)s, strlen(s));
}

static int band_ok(const idp_band *b)
{
    if (b->has_min && !isfinite(b->min))
        return 0;
    if (b->has_max && !isfinite(b->max))
        return 0;
    return !(b->has_min && b->has_max && b->min > b->max);
}

static void check_profile(const idp_profile *p)
{
    const double *lim = (const double *)&p->limits;
    FUZZ_CHECK(terminated(p->id, sizeof p->id) && id_ok(p->id));
    FUZZ_CHECK(text_ok(p->name_zh, sizeof p->name_zh));
    FUZZ_CHECK(text_ok(p->name_en, sizeof p->name_en));
    FUZZ_CHECK(text_ok(p->source, sizeof p->source));
    FUZZ_CHECK(p->width >= 16 && p->width <= 10000);
    FUZZ_CHECK(p->height >= 16 && p->height <= 10000);
    FUZZ_CHECK(p->max_width == 0 || p->max_width >= p->width);
    FUZZ_CHECK(p->dpi >= 0 && p->dpi <= 2400);
    FUZZ_CHECK(p->file_min_bytes >= 0 && p->file_max_bytes >= 0);
    FUZZ_CHECK(p->file_max_bytes == 0 ||
               p->file_min_bytes <= p->file_max_bytes);
    FUZZ_CHECK(p->min_quality >= 0 && p->min_quality <= 100);
    FUZZ_CHECK(strcmp(p->format, "jpeg") == 0 || strcmp(p->format, "png") == 0);
    FUZZ_CHECK(p->n_backgrounds >= 1 &&
               p->n_backgrounds <= IDP_MAX_BACKGROUNDS);
    for (int i = 0; i < p->n_backgrounds; i++)
        FUZZ_CHECK(
            terminated(p->backgrounds[i].name, sizeof p->backgrounds[i].name));
    FUZZ_CHECK(band_ok(&p->head_top) && band_ok(&p->eye_line) &&
               band_ok(&p->face_width) && band_ok(&p->head_height) &&
               band_ok(&p->chin_bottom));
    /* idp_thresholds is all doubles */
    for (size_t i = 0; i < sizeof p->limits / sizeof(double); i++)
        FUZZ_CHECK(isfinite(lim[i]));
}

/* The loaded profile in a report, as the tools print it. */
static void check_report(const idp_profile *p)
{
    idp_check_options opt = {p, IDP_MODE_FINAL};
    idp_report *rep = NULL;
    char *json = NULL;
    cJSON *parsed;
    const cJSON *id;
    if (idp_report_new_error("x.jpg", &opt, IDP_E_DECODE, "x.jpg: no", &rep) !=
        IDP_OK)
        return;
    if (idp_report_to_json(rep, &json) == IDP_OK) {
        parsed = cJSON_Parse(json);
        FUZZ_CHECK(parsed != NULL);
        id = cJSON_GetObjectItemCaseSensitive(parsed, "profile");
        FUZZ_CHECK(cJSON_IsString(id) && strcmp(id->valuestring, p->id) == 0);
        cJSON_Delete(parsed);
    }
    idp_free(json);
    idp_report_free(rep);
}

static void check_report_json(const idp_report *rep)
{
    char *json = NULL;
    idp_status st = idp_report_to_json(rep, &json);
    cJSON *parsed;
    FUZZ_CHECK(st == IDP_OK || st == IDP_E_NOMEM);
    if (!json)
        return;
    parsed = cJSON_Parse(json);
    FUZZ_CHECK(parsed != NULL);
    cJSON_Delete(parsed);
    idp_free(json);
}

static void check_made(const idp_profile *p, const idp_made *m)
{
    const idp_image *out = idp_made_photo(m);
    uint8_t *jpeg = NULL;
    size_t len = 0;
    int quality = 0, in_band = 0;
    idp_image *back = NULL;
    idp_status st;
    FUZZ_CHECK(out != NULL);
    FUZZ_CHECK(idp_image_width(out) == p->width &&
               idp_image_height(out) == p->height);
    st = idp_made_jpeg(ctx, m, &jpeg, &len, &quality, &in_band);
    if (st == IDP_E_NOMEM)
        return;
    FUZZ_CHECK(st == IDP_OK && jpeg != NULL && len > 0);
    FUZZ_CHECK(quality >= 1 && quality <= 100);
    st = idp_image_load_buffer(ctx, jpeg, len, "made.jpg", &back);
    FUZZ_CHECK(st == IDP_OK);
    FUZZ_CHECK(idp_image_width(back) == p->width &&
               idp_image_height(back) == p->height);
    idp_image_free(back);
    idp_free(jpeg);
}

/* The photo judged and made under the profile (with a model only). */
static void check_with_photo(const idp_profile *p)
{
    for (int mode = 0; mode < 2; mode++) {
        idp_check_options co = {p, mode ? IDP_MODE_CAPTURE : IDP_MODE_FINAL};
        idp_report *rep = NULL;
        idp_status st = idp_check(ctx, photo, &co, &rep);
        if (st == IDP_E_NOMEM)
            continue;
        FUZZ_CHECK(st == IDP_OK && rep != NULL);
        FUZZ_CHECK(idp_report_verdict(rep) != IDP_VERDICT_ERROR);
        check_report_json(rep);
        idp_report_free(rep);
    }
    if ((uint64_t)p->width * (uint64_t)p->height <= FUZZ_MAKE_PIXELS) {
        idp_make_options mo;
        idp_made *m = NULL;
        idp_report *rep = NULL;
        idp_status st;
        memset(&mo, 0, sizeof mo);
        mo.profile = p;
        st = idp_make(ctx, photo, &mo, &m, &rep);
        FUZZ_CHECK(st == IDP_OK || st == IDP_E_NOMEM);
        if (st == IDP_OK) {
            FUZZ_CHECK(rep != NULL);
            check_report_json(rep);
            if (m)
                check_made(p, m);
        }
        idp_made_free(m);
        idp_report_free(rep);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    idp_profile p, before;
    idp_status st;
    const char *msg;
    if (!ctx)
        LLVMFuzzerInitialize(NULL, NULL);
    put(data, size);
    memset(&p, 0xA5, sizeof p);
    memcpy(&before, &p, sizeof p); /* padding too */
    st = idp_profile_load_json(ctx, path, &p);
    if (st != IDP_OK) {
        FUZZ_CHECK(st == IDP_E_PROFILE || st == IDP_E_IO || st == IDP_E_NOMEM);
        FUZZ_CHECK(memcmp(&p, &before, sizeof p) == 0);
        msg = idp_ctx_error(ctx);
        FUZZ_CHECK(strncmp(msg, path, strlen(path)) == 0);
        FUZZ_CHECK(strchr(msg, '\n') == NULL);
        return 0;
    }
    check_profile(&p);
    check_report(&p);
    if (photo)
        check_with_photo(&p);
    return 0;
}
