/*
 * consumer.c - a program built against an installed libidphoto, by the
 * install test (through pkg-config and through find_package). It pulls in
 * every dependency of the static library: libvips (decoding), dlib and the
 * C++ runtime (idp_check), cJSON (JSON profiles and reports). Needs no
 * model: IDP_MODEL is pointed at a missing file, so idp_check must fail
 * with IDP_E_MODEL. Prints "idphoto VERSION, N profiles" and exits 0 when
 * everything behaves.
 */
#include <idphoto.h>

#include <stdio.h>
#include <string.h>

/* A 1x1 grey PNG. */
static const unsigned char png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
    0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
    0x08, 0x00, 0x00, 0x00, 0x00, 0x3a, 0x7e, 0x9b, 0x55, 0x00, 0x00, 0x00,
    0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0x0f, 0x00, 0x01,
    0x01, 0x01, 0x00, 0xb1, 0x38, 0xf6, 0x14, 0x00, 0x00, 0x00, 0x00, 0x49,
    0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

static idp_ctx *ctx;

static int fails(const char *what, idp_status got, idp_status want)
{
    if (got == want)
        return 0;
    fprintf(stderr, "consumer: %s: got %s, want %s (%s)\n", what,
            idp_status_name(got), idp_status_name(want), idp_ctx_error(ctx));
    return 1;
}

int main(void)
{
    idp_image *img = NULL;
    idp_report *r = NULL;
    idp_profile p;
    char *json = NULL;
    int bad = 0;

    if (strcmp(idp_version(), IDP_VERSION_STRING) != 0 ||
        idp_profile_count() == 0 || !idp_profile_find("chsi")) {
        fprintf(stderr, "consumer: version or profiles wrong\n");
        return 1;
    }
    if (idp_ctx_new(&ctx) != IDP_OK)
        return 1;
    bad |= fails("load png",
                 idp_image_load_buffer(ctx, png, sizeof png, "1x1.png", &img),
                 IDP_OK);
    if (img) {
        bad |= fails("check without a model", idp_check(ctx, img, NULL, &r),
                     IDP_E_MODEL);
        idp_report_free(r);
        r = NULL;
    }
    bad |=
        fails("missing profile file",
              idp_profile_load_json(ctx, "/nonexistent/p.json", &p), IDP_E_IO);
    bad |= fails("error report",
                 idp_report_new_error("x.jpg", NULL, IDP_E_DECODE, "x", &r),
                 IDP_OK);
    bad |= fails("report json", idp_report_to_json(r, &json), IDP_OK);
    if (json && !strstr(json, "\"idphoto.report/1\""))
        bad |= fails("report schema", IDP_E_INTERNAL, IDP_OK);
    idp_free(json);
    idp_report_free(r);
    idp_image_free(img);
    idp_ctx_free(ctx);
    if (!bad)
        printf("idphoto %s, %zu profiles\n", idp_version(),
               idp_profile_count());
    return bad;
}
