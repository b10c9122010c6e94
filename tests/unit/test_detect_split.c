/*
 * test_detect_split.c - the face detector's own scan of the HOG pyramid
 * (face_dlib.cpp: levels in two runs, on one thread or two) against dlib's
 * object_detector on real photos: the same boxes, the same scores to the
 * last bit, in the same order, at 1x and 2x, at the detector's threshold
 * and (1x) far below it. The scan's separable filters are hog_filter.c's,
 * dlib's detector uses its own: this is their end-to-end comparison.
 *
 * Also: the grey copies detect.c cuts from one grey of the whole image
 * (idp__grey_memo) are the bytes idp__image_grey() makes from the colour
 * pixels, for the detector's copy and for regions at landmark scales.
 *
 * test_detect_split DIR...: every .jpg/.jpeg/.png/.webp file of each
 * folder that exists (samples/ always; ../shared/photos when present).
 * No model needed: the detector is dlib's built-in one.
 */
#include "check.h"
#include "face_dlib.h"
#include "idp_internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LONG_PX   800.0 /* as detect.c searches */
#define UP_MAX_PX 640   /* a 2x pass on images this small */
#define MAX_FOUND 64

/* Boxes down to this score are compared too (dlib's adjust_threshold):
 * many more scores, so the saliency images (hog_filter.c's sums) are
 * checked at many more places than at the detector's threshold 0. */
#define LOW_THRESHOLD -1.5

static int n_images, n_faces, n_split_faces, n_low_boxes, n_memo_cuts;

static int is_photo(const char *name)
{
    const char *dot = strrchr(name, '.');
    const char *ext[] = {".jpg", ".jpeg", ".png", ".webp"};
    if (!dot || strstr(name, ".mask.") || strstr(name, ".parsing."))
        return 0;
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (strcmp(dot, ext[i]) == 0)
            return 1;
    return 0;
}

static void same(const char *name, int up, const idp__detection *a, size_t na,
                 const idp__detection *b, size_t nb, int threads)
{
    int equal = na == nb;
    for (size_t i = 0; equal && i < na; i++)
        equal = a[i].score == b[i].score && a[i].box.x == b[i].box.x &&
                a[i].box.y == b[i].box.y && a[i].box.w == b[i].box.w &&
                a[i].box.h == b[i].box.h;
    CHECK(equal);
    if (!equal)
        fprintf(stderr, "%s (up %d, threads %d): %zu faces vs dlib's %zu\n",
                name, up, threads, nb, na);
}

static size_t compare(idp__face_bridge *b, const char *name, const uint8_t *g,
                      int w, int h, int up, double threshold)
{
    idp__detection ref[MAX_FOUND], got[MAX_FOUND];
    size_t n_ref = 0, n_got = 0;
    char err[256];
    CHECK(idp__bridge_detect(b, g, w, h, (size_t)w, up, threshold, 0, ref,
                             MAX_FOUND, &n_ref, err, sizeof err) == IDP_OK);
    for (int threads = 1; threads <= 2; threads++) {
        CHECK(idp__bridge_detect(b, g, w, h, (size_t)w, up, threshold, threads,
                                 got, MAX_FOUND, &n_got, err,
                                 sizeof err) == IDP_OK);
        same(name, up, ref, n_ref, got, n_got, threads);
    }
    return n_ref;
}

static void compare_all(idp__face_bridge *b, const char *name, const uint8_t *g,
                        int w, int h, int up)
{
    size_t n = compare(b, name, g, w, h, up, 0.0);
    n_faces += (int)n;
    if (w > 400) /* enough pyramid levels that the two runs both work */
        n_split_faces += (int)n;
    if (up == 0)
        n_low_boxes += (int)compare(b, name, g, w, h, up, LOW_THRESHOLD);
}

/* One region, from the colour pixels and from the memo: the same bytes. */
static void memo_cut(idp_ctx *ctx, const idp_image *img, idp__grey_memo *memo,
                     idp_rect roi, double scale, const char *path)
{
    uint8_t *a = NULL, *b = NULL;
    int aw = 0, ah = 0, bw = 0, bh = 0;
    CHECK(idp__image_grey(ctx, img, NULL, roi, scale, &a, &aw, &ah) == IDP_OK);
    CHECK(idp__image_grey(ctx, img, memo, roi, scale, &b, &bw, &bh) == IDP_OK);
    int equal = a && b && aw == bw && ah == bh &&
                memcmp(a, b, (size_t)aw * (size_t)ah) == 0;
    CHECK(equal);
    if (!equal)
        fprintf(stderr, "%s: grey of %gx%g+%g+%g at %g differs with the memo\n",
                path, roi.w, roi.h, roi.x, roi.y, scale);
    n_memo_cuts++;
    free(a);
    free(b);
}

/* The detector's copy, and regions as fit_landmarks() asks for them
 * (twice a face's box around it, partly outside the image). */
static void memo_cuts(idp_ctx *ctx, const idp_image *img, double scale,
                      const char *path)
{
    idp__grey_memo memo = {NULL, 0};
    idp_rect all = {0, 0, img->width, img->height};
    idp_rect mid = {img->width * 0.2, img->height * 0.1, img->width * 0.5,
                    img->height * 0.6};
    idp_rect edge = {-img->width * 0.1, img->height * 0.5, img->width * 0.4,
                     img->height * 0.7};
    memo_cut(ctx, img, &memo, all, scale, path);
    memo_cut(ctx, img, &memo, mid, 1.0, path);
    memo_cut(ctx, img, &memo, mid, 0.61, path);
    memo_cut(ctx, img, &memo, edge, 0.5, path);
    memo_cut(ctx, img, &memo, edge, 0.3, path); /* below: from the colour */
    idp__grey_memo_free(&memo);
}

static void one_photo(idp_ctx *ctx, idp__face_bridge *b, const char *path)
{
    idp_image *img = NULL;
    uint8_t *g = NULL;
    int w = 0, h = 0;
    if (idp_image_load(ctx, path, &img) != IDP_OK)
        return; /* the negatives of samples/ (not an image, truncated) */
    double long_px = img->width > img->height ? img->width : img->height;
    double scale = long_px > LONG_PX ? LONG_PX / long_px : 1.0;
    idp_rect all = {0, 0, img->width, img->height};
    CHECK(idp__image_grey(ctx, img, NULL, all, scale, &g, &w, &h) == IDP_OK);
    memo_cuts(ctx, img, scale, path);
    if (g) {
        n_images++;
        compare_all(b, path, g, w, h, 0);
        if (w <= UP_MAX_PX && h <= UP_MAX_PX)
            compare_all(b, path, g, w, h, 1);
    }
    free(g);
    idp_image_free(img);
}

static void one_folder(idp_ctx *ctx, idp__face_bridge *b, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];
    if (!d) {
        printf("%s: absent, skipped\n", dir);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (!is_photo(e->d_name))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        one_photo(ctx, b, path);
    }
    closedir(d);
}

/* A bad thread count is refused, not run. */
static void test_arguments(idp__face_bridge *b)
{
    uint8_t g[64 * 64] = {0};
    idp__detection d[1];
    size_t n = 7;
    char err[256] = "";
    CHECK(idp__bridge_detect(b, g, 64, 64, 64, 0, 0.0, -1, d, 1, &n, err,
                             sizeof err) == IDP_E_INVALID_ARG);
    CHECK(strstr(err, "threads -1") != NULL);
    CHECK(idp__bridge_detect(b, g, 64, 64, 64, 0, 0.0, 2, d, 1, &n, err,
                             sizeof err) == IDP_OK);
    CHECK_EQ_INT(n, 0);
}

int main(int argc, char **argv)
{
    idp_ctx *ctx = NULL;
    idp__face_bridge *b = NULL;
    char err[256];
    CHECK(idp_ctx_new(&ctx) == IDP_OK);
    CHECK(idp__bridge_new(NULL, 0, &b, err, sizeof err) == IDP_OK);
    if (!ctx || !b)
        return CHECK_DONE();
    test_arguments(b);
    for (int i = 1; i < argc; i++)
        one_folder(ctx, b, argv[i]);
    printf("%d images, %d faces (%d on images > 400 px wide)\n", n_images,
           n_faces, n_split_faces);
    CHECK(n_images >= 10);
    CHECK(n_split_faces >= 3); /* astronaut.png and its variants at least */
    printf("%d boxes scoring above %g\n", n_low_boxes, LOW_THRESHOLD);
    CHECK(n_low_boxes > 2 * n_faces);
    printf("%d grey regions cut from the memo\n", n_memo_cuts);
    CHECK(n_memo_cuts >= 50);
    idp__bridge_free(b);
    idp_ctx_free(ctx);
    return CHECK_DONE();
}
