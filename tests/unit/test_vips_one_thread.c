/*
 * test_vips_one_thread.c - with libvips given one thread (photo-batch's
 * workers: idp_io_set_threads(1)), image_io.c computes its small images
 * on the calling thread, tile by tile as libvips' own sink would
 * (to_memory). They must be the same bytes as libvips' threads make: a
 * resize computed in other tiles differs in a few pixels. On real
 * photos, at the scales the library uses: the detector's grey copy (from
 * the colour pixels, and from the grey plane), landmark crops from 0.2x to
 * 1x, crops resampled to 480x640 (also reaching past the edges, as
 * photo-make pads), and the matte's plane resize.
 *
 * test_vips_one_thread DIR...: every .jpg/.jpeg/.png file of each folder
 * that exists (samples/ always; ../shared/photos when present).
 */
#include "check.h"
#include "idp_internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OUT 24

typedef struct result {
    uint8_t *px;
    size_t len;
} result;

static int n_images, n_compared;

static int is_photo(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot &&
           (strcmp(dot, ".jpg") == 0 || strcmp(dot, ".jpeg") == 0 ||
            strcmp(dot, ".png") == 0) &&
           !strstr(name, ".mask.") && !strstr(name, ".parsing.") &&
           !strstr(name, ".alpha_pred.");
}

static void keep(result *out, int *n, uint8_t *px, size_t len)
{
    if (*n < MAX_OUT && px) {
        out[*n].px = px;
        out[*n].len = len;
        (*n)++;
    } else {
        free(px);
    }
}

static void grey(idp_ctx *ctx, const idp_image *img, idp__grey_memo *memo,
                 idp_rect roi, double scale, result *out, int *n)
{
    uint8_t *g = NULL;
    int w = 0, h = 0;
    if (idp__image_grey(ctx, img, memo, roi, scale, &g, &w, &h) == IDP_OK)
        keep(out, n, g, (size_t)w * (size_t)h);
}

static void region(idp_ctx *ctx, const idp_image *img, idp_rect src,
                   result *out, int *n)
{
    uint8_t *rgb = malloc(480 * 640 * 3);
    if (rgb && idp__image_region(ctx, img, src, 480, 640, rgb) == IDP_OK)
        keep(out, n, rgb, 480 * 640 * 3);
    else
        free(rgb);
}

/* Every image the library would ask libvips for, on `img`. */
static int all_ops(idp_ctx *ctx, const idp_image *img, result *out)
{
    static const double scales[] = {0.97, 0.6, 0.35, 0.2};
    int n = 0, W = img->width, H = img->height, side = W < H ? W : H;
    double detect = 800.0 / (W > H ? W : H);
    idp_rect all = {0, 0, W, H};
    idp__grey_memo memo = {NULL, 0};
    uint8_t *small = NULL;
    grey(ctx, img, NULL, all, detect < 1 ? detect : 1, out, &n);
    grey(ctx, img, &memo, all, detect < 1 ? detect : 1, out, &n);
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
        idp_rect roi = {W * 0.3, H * 0.15, side * 0.55, side * 0.6};
        grey(ctx, img, &memo, roi, scales[i], out, &n);
        grey(ctx, img, NULL, roi, scales[i], out, &n);
    }
    for (int k = 0; k < 3; k++) {
        double w = side * (0.5 + 0.3 * k);
        idp_rect src = {W / 2.0 - w / 2 + k * 7.3, H * 0.1 - k * 0.2 * w, w,
                        w * 4 / 3};
        region(ctx, img, src, out, &n);
    }
    if (memo.plane && idp__plane_resize(ctx, memo.plane, W, H, W * 7 / 10 + 1,
                                        H * 23 / 10, &small) == IDP_OK)
        keep(out, &n, small, (size_t)(W * 7 / 10 + 1) * (size_t)(H * 23 / 10));
    idp__grey_memo_free(&memo);
    return n;
}

static void one_photo(idp_ctx *ctx, const char *path)
{
    result a[MAX_OUT], b[MAX_OUT];
    idp_image *img = NULL;
    int na, nb;
    if (idp_image_load(ctx, path, &img) != IDP_OK)
        return; /* samples/ holds broken files on purpose */
    CHECK(idp_io_set_threads(0) == IDP_OK); /* libvips' threads */
    na = all_ops(ctx, img, a);
    CHECK(idp_io_set_threads(1) == IDP_OK); /* this thread, tile by tile */
    nb = all_ops(ctx, img, b);
    CHECK_EQ_INT(na, nb);
    for (int i = 0; i < na && i < nb; i++) {
        int same =
            a[i].len == b[i].len && memcmp(a[i].px, b[i].px, a[i].len) == 0;
        if (!same)
            fprintf(stderr, "%s: image %d differs\n", path, i);
        CHECK(same);
        n_compared++;
    }
    for (int i = 0; i < na; i++)
        free(a[i].px);
    for (int i = 0; i < nb; i++)
        free(b[i].px);
    idp_image_free(img);
    n_images++;
}

static void one_dir(idp_ctx *ctx, const char *dir)
{
    struct dirent **list = NULL;
    int n = scandir(dir, &list, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        char path[4096];
        if (is_photo(list[i]->d_name) &&
            snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name) <
                (int)sizeof path)
            one_photo(ctx, path);
        free(list[i]);
    }
    free(list);
}

int main(int argc, char **argv)
{
    idp_ctx *ctx = NULL;
    if (idp_ctx_new(&ctx) != IDP_OK || idp_ctx_set_threads(ctx, 1) != IDP_OK ||
        idp_ctx_set_analysis_size(ctx, IDP_ANALYSIS_PX) != IDP_OK) {
        fprintf(stderr, "no context\n");
        return 1;
    }
    for (int i = 1; i < argc; i++)
        one_dir(ctx, argv[i]);
    printf("%d images, %d results compared\n", n_images, n_compared);
    CHECK(n_images >= 10);
    idp_ctx_free(ctx);
    return CHECK_DONE();
}
