/*
 * fuzz_image_load.c - decoding an untrusted file, and (optionally) the
 * detection entry: idp_image_load_buffer(), then idp_check() on what loads.
 *
 * The face model costs ~0.7 s to load, so detection runs only when
 * IDP_MODEL names a readable model file; otherwise this target loads only.
 * Images are capped at FUZZ_MAX_PIXELS (the tools allow 100 Mpx) so one
 * input cannot take seconds; idp_check runs on images up to
 * FUZZ_CHECK_PIXELS.
 *
 * Invariants (a break aborts; see fuzz.h):
 *   - loaded: a width and height >= 1 within the cap, stride >= 3 * width,
 *     each row readable, a format of the allow-list, the given name;
 *   - refused: IDP_E_DECODE, IDP_E_TOO_LARGE or IDP_E_NOMEM, never a crash
 *     or IDP_E_INTERNAL, with a one-line message that starts with the name;
 *   - checked: idp_check succeeds (or IDP_E_NOMEM) and its report turns
 *     into JSON that cJSON parses;
 *   - reduced (a second context asking for FUZZ_ANALYSIS_PX, the tools'
 *     reduced decode): what loads in full loads reduced too, by 1, 2, 4
 *     or 8, to that size within a pixel, with the same info.
 */
#include "fuzz.h"

#include <idphoto.h>

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZ_NAME         "fuzz.img"
#define FUZZ_MAX_PIXELS   (1024ULL * 1024ULL) /* 1 Mpx: 3 MB of RGB */
#define FUZZ_CHECK_PIXELS (512ULL * 512ULL)
#define FUZZ_ANALYSIS_PX  128

static idp_ctx *ctx, *reduced_ctx;
static int use_model;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *model = getenv("IDP_MODEL");
    (void)argc;
    (void)argv;
    /* one decode thread: reproducible, and no thread pool per input */
    setenv("VIPS_CONCURRENCY", "1", 0);
    FUZZ_CHECK(idp_ctx_new(&ctx) == IDP_OK);
    FUZZ_CHECK(idp_ctx_set_max_pixels(ctx, FUZZ_MAX_PIXELS) == IDP_OK);
    FUZZ_CHECK(idp_ctx_new(&reduced_ctx) == IDP_OK);
    FUZZ_CHECK(idp_ctx_set_max_pixels(reduced_ctx, FUZZ_MAX_PIXELS) == IDP_OK);
    FUZZ_CHECK(idp_ctx_set_analysis_size(reduced_ctx, FUZZ_ANALYSIS_PX) ==
               IDP_OK);
    if (model && *model && access(model, R_OK) == 0) {
        FUZZ_CHECK(idp_ctx_set_model(ctx, model) == IDP_OK);
        use_model = 1;
    }
    return 0;
}

static int allowed_format(const char *f)
{
    static const char *const ok[] = {"jpeg", "png",  "webp",
                                     "heif", "tiff", "gif"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(f, ok[i]) == 0)
            return 1;
    return 0;
}

static void check_message(void)
{
    const char *msg = idp_ctx_error(ctx);
    FUZZ_CHECK(strncmp(msg, FUZZ_NAME ": ", strlen(FUZZ_NAME ": ")) == 0);
    FUZZ_CHECK(strlen(msg) > strlen(FUZZ_NAME ": "));
    FUZZ_CHECK(strchr(msg, '\n') == NULL);
}

static void check_image(const idp_image *img)
{
    const idp_image_info *info = idp_image_get_info(img);
    int w = idp_image_width(img), h = idp_image_height(img);
    size_t stride = 0;
    const uint8_t *px = idp_image_pixels(img, &stride);
    volatile uint8_t touch;
    FUZZ_CHECK(w >= 1 && h >= 1);
    FUZZ_CHECK((uint64_t)w * (uint64_t)h <= FUZZ_MAX_PIXELS);
    FUZZ_CHECK(px != NULL && stride >= 3 * (size_t)w);
    /* the first and last byte of each row: a short or misplaced buffer
     * is an over-read AddressSanitizer reports (a loop over every byte
     * made the target ten times slower) */
    for (int y = 0; y < h; y++) {
        touch = px[(size_t)y * stride];
        touch = px[(size_t)y * stride + 3 * (size_t)w - 1];
    }
    (void)touch;
    FUZZ_CHECK(info != NULL && allowed_format(info->format));
    FUZZ_CHECK(info->width == w && info->height == h);
    FUZZ_CHECK(idp_image_shrink(img) == 1);
    FUZZ_CHECK(info->orientation >= 1 && info->orientation <= 8);
    FUZZ_CHECK(info->bands >= 1);
    FUZZ_CHECK(strcmp(idp_image_name(img), FUZZ_NAME) == 0);
}

/* The same bytes with the reduced decode; `full` loaded from them. */
static void check_reduced(const uint8_t *data, size_t size,
                          const idp_image *full)
{
    const idp_image_info *fi = idp_image_get_info(full), *ri;
    idp_image *img = NULL;
    int s, w, h;
    idp_status st =
        idp_image_load_buffer(reduced_ctx, data, size, FUZZ_NAME, &img);
    if (st == IDP_E_NOMEM)
        return;
    FUZZ_CHECK(st == IDP_OK && img != NULL);
    ri = idp_image_get_info(img);
    s = idp_image_shrink(img);
    w = idp_image_width(img);
    h = idp_image_height(img);
    FUZZ_CHECK(s == 1 || s == 2 || s == 4 || s == 8);
    FUZZ_CHECK(ri->shrink == s || (s == 1 && ri->shrink <= 1));
    FUZZ_CHECK(ri->width == fi->width && ri->height == fi->height);
    FUZZ_CHECK(strcmp(ri->format, fi->format) == 0);
    FUZZ_CHECK(w >= 1 && h >= 1);
    FUZZ_CHECK(abs(w * s - fi->width) < 2 * s &&
               abs(h * s - fi->height) < 2 * s);
    if (s > 1)
        FUZZ_CHECK((w > h ? w : h) >= FUZZ_ANALYSIS_PX);
    idp_image_free(img);
}

static void check_detection(const idp_image *img, idp_mode mode)
{
    idp_check_options opt = {idp_profile_default(), mode};
    idp_report *rep = NULL;
    char *json = NULL;
    cJSON *parsed;
    idp_status st = idp_check(ctx, img, &opt, &rep);
    if (st == IDP_E_NOMEM)
        return;
    FUZZ_CHECK(st == IDP_OK && rep != NULL);
    FUZZ_CHECK(idp_report_verdict(rep) != IDP_VERDICT_ERROR);
    st = idp_report_to_json(rep, &json);
    FUZZ_CHECK(st == IDP_OK || st == IDP_E_NOMEM);
    if (json) {
        parsed = cJSON_Parse(json);
        FUZZ_CHECK(parsed != NULL);
        cJSON_Delete(parsed);
    }
    idp_free(json);
    idp_report_free(rep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    idp_image *img = NULL;
    idp_status st;
    if (!ctx)
        LLVMFuzzerInitialize(NULL, NULL);
    st = idp_image_load_buffer(ctx, data, size, FUZZ_NAME, &img);
    if (st != IDP_OK) {
        FUZZ_CHECK(img == NULL);
        FUZZ_CHECK(st == IDP_E_DECODE || st == IDP_E_TOO_LARGE ||
                   st == IDP_E_NOMEM);
        check_message();
        return 0;
    }
    check_image(img);
    check_reduced(data, size, img);
    if (use_model &&
        (uint64_t)idp_image_width(img) * (uint64_t)idp_image_height(img) <=
            FUZZ_CHECK_PIXELS)
        check_detection(img, size % 2 ? IDP_MODE_CAPTURE : IDP_MODE_FINAL);
    idp_image_free(img);
    return 0;
}
