/*
 * test_decode_jpeg.c - the direct JPEG decode (decode_jpeg.c, through
 * image_io.c) against libvips' own decode, on real photos: the same
 * bytes at 1/1, 1/2, 1/4 and 1/8; and the grey plane made beside the
 * decode against the grey libvips makes from the colour pixels.
 *
 * The first photo of a process is decoded while libvips starts (image_io.c:
 * first_load): each JPEG is loaded that way in a child process of its own
 * and compared with the usual load (pixels, header, grey plane). And the
 * header probe that picks those photos agrees with libvips' header.
 *
 * test_decode_jpeg DIR...: every .jpg/.jpeg file of each folder that
 * exists (samples/ always; ../shared/photos when present).
 */
#include "check.h"
#include "idp_internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int n_files, n_direct, n_loads, n_grey, n_first, n_probed;

static int is_jpeg(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (strcmp(dot, ".jpg") == 0 || strcmp(dot, ".jpeg") == 0);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *b = NULL;
    long n;
    *len = 0;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)n)) &&
        fread(b, 1, (size_t)n, f) == (size_t)n)
        *len = (size_t)n;
    fclose(f);
    if (*len == 0) {
        free(b);
        return NULL;
    }
    return b;
}

/* The file decoded at 1/shrink, as idp_make decodes it again finer. */
static idp_image *load_at(idp_ctx *ctx, char *path, int shrink)
{
    idp_image src, *out = NULL;
    memset(&src, 0, sizeof src);
    src.path = path;
    src.name = path;
    return idp__image_reload(ctx, &src, shrink, &out) == IDP_OK ? out : NULL;
}

static int same_pixels(const idp_image *a, const idp_image *b)
{
    return a->width == b->width && a->height == b->height &&
           a->stride == b->stride &&
           memcmp(a->pixels, b->pixels, a->stride * (size_t)a->height) == 0 &&
           memcmp(&a->info, &b->info, sizeof a->info) == 0;
}

/* Rows reported by the decode: never back, ending at the height. */
typedef struct progress {
    int last, calls, backwards;
} progress;

static int on_rows(void *arg, int rows)
{
    progress *p = arg;
    p->backwards += rows < p->last;
    p->last = rows;
    p->calls++;
    return 0;
}

/* Stops the decode at its first report. */
static int stop_rows(void *arg, int rows)
{
    (void)rows;
    ((progress *)arg)->calls++;
    return 1;
}

static void one_shrink(idp_ctx *direct, idp_ctx *vips, char *path,
                       const unsigned char *bytes, size_t len, int shrink)
{
    idp_image *ref = load_at(vips, path, shrink);
    idp_image *got = load_at(direct, path, shrink);
    CHECK((ref == NULL) == (got == NULL));
    if (ref && got) {
        uint8_t *px = malloc(ref->stride * (size_t)ref->height);
        progress p = {0, 0, 0};
        if (!same_pixels(ref, got))
            fprintf(stderr, "%s at 1/%d: not libvips' pixels\n", path, shrink);
        CHECK(same_pixels(ref, got));
        n_loads++;
        /* upright, no profile: decode_jpeg.c neither turns nor converts
         * (image_io.c sends the others to libvips) */
        if (px && ref->info.orientation <= 1 && !ref->info.has_icc &&
            idp__jpeg_decode(bytes, len, shrink, ref->width, ref->height, px,
                             on_rows, &p) == 0) {
            n_direct++;
            CHECK(memcmp(px, ref->pixels, ref->stride * (size_t)ref->height) ==
                  0);
            CHECK(p.last == ref->height && p.backwards == 0 && p.calls > 0);
        }
        free(px);
    }
    idp_image_free(got);
    idp_image_free(ref);
}

/* An analysis load on two threads: the grey plane made beside the decode
 * is the grey of the colour pixels. */
static void analysis_grey(idp_ctx *two, const char *path)
{
    idp_image *img = NULL;
    uint8_t *g = NULL;
    int w = 0, h = 0;
    if (idp_image_load(two, path, &img) != IDP_OK)
        return;
    idp_rect all = {0, 0, img->width, img->height};
    if (img->grey &&
        idp__image_grey(two, img, NULL, all, 1.0, &g, &w, &h) == IDP_OK) {
        n_grey++;
        CHECK(w == img->width && h == img->height);
        CHECK(memcmp(g, img->grey, (size_t)w * (size_t)h) == 0);
    }
    free(g);
    idp_image_free(img);
}

/* Broken data is refused (libvips then says why), never half-decoded;
 * a decode stopped by its caller fails too. */
static void broken(const unsigned char *bytes, size_t len, int w, int h)
{
    uint8_t *px = malloc((size_t)w * (size_t)h * 3);
    static const unsigned char junk[64] = {0xff, 0xd8, 0xff, 0xdb, 1, 2, 3};
    progress p = {0, 0, 0};
    if (!px)
        return;
    CHECK(idp__jpeg_decode(bytes, len, 1, w, h, px, stop_rows, &p) == 1);
    CHECK_EQ_INT(p.calls, 1);
    CHECK(idp__jpeg_decode(bytes, len / 2, 1, w, h, px, NULL, NULL) == 1);
    CHECK(idp__jpeg_decode(junk, sizeof junk, 1, w, h, px, NULL, NULL) == 1);
    CHECK(idp__jpeg_decode(bytes, len, 1, w + 1, h, px, NULL, NULL) == 1);
    CHECK(idp__jpeg_decode(NULL, 0, 1, w, h, px, NULL, NULL) == 1);
    free(px);
}

/* The probe's guess against libvips' header: never plain where libvips
 * sees a profile or a turn (a decode thrown away), the file's size when
 * plain. */
static void probe(idp_ctx *vips, char *path, const unsigned char *bytes,
                  size_t len)
{
    idp_image *img = load_at(vips, path, 1);
    int w = 0, h = 0, guess = idp__jpeg_probe(bytes, len, &w, &h);
    if (!img)
        return;
    int plain = img->info.orientation <= 1 && !img->info.has_icc &&
                img->info.bands == 3 && img->info.bits == 8 &&
                strcmp(img->info.interpretation, "srgb") == 0;
    if (guess != plain)
        fprintf(stderr, "%s: the probe guesses %d, libvips' header says %d\n",
                path, guess, plain);
    CHECK(guess == plain);
    if (guess)
        CHECK(w == img->width && h == img->height);
    n_probed++;
    idp_image_free(img);
}

static void one_file(idp_ctx *direct, idp_ctx *vips, idp_ctx *two, char *path)
{
    size_t len = 0;
    unsigned char *bytes = slurp(path, &len);
    idp_image *img = NULL;
    if (!bytes)
        return;
    n_files++;
    for (int s = 1; s <= 8; s *= 2)
        one_shrink(direct, vips, path, bytes, len, s);
    analysis_grey(two, path);
    probe(vips, path, bytes, len);
    if (n_files == 1 && idp_image_load(vips, path, &img) == IDP_OK)
        broken(bytes, len, img->width, img->height);
    idp_image_free(img);
    free(bytes);
}

/* In a child that has not started libvips: the file loaded as a tool's
 * first photo (two threads, reduced for analysis), against the usual
 * load. Exit 0: the same; 1: different; 2: not taken that way; 3: both
 * refused the file with the same message. */
static int first_child(const char *path)
{
    idp_ctx *a = NULL, *b = NULL;
    idp_image *first = NULL, *usual = NULL;
    uint8_t *g = NULL;
    int w = 0, h = 0, rc = 1;
    if (idp_ctx_new(&a) != IDP_OK || idp_ctx_new(&b) != IDP_OK ||
        idp_ctx_set_threads(a, 2) != IDP_OK ||
        idp_ctx_set_analysis_size(a, 300) != IDP_OK ||
        idp_ctx_set_analysis_size(b, 300) != IDP_OK)
        return 1;
    b->vips_only = 1;
    if (idp_image_load(a, path, &first) != IDP_OK) {
        /* refused: for the same reason, in the same words */
        idp_status st = idp_image_load(b, path, &usual);
        rc = st != IDP_OK && strcmp(idp_ctx_error(a), idp_ctx_error(b)) == 0
                 ? 3
                 : 1;
    } else if (!idp__image_first_taken()) {
        rc = 2;
    } else if (idp_image_load(b, path, &usual) == IDP_OK &&
               same_pixels(first, usual) &&
               (first->path == NULL) == (usual->path == NULL) &&
               (!first->path || strcmp(first->path, usual->path) == 0)) {
        idp_rect all = {0, 0, first->width, first->height};
        int side = first->width > first->height ? first->width : first->height;
        rc = 0;
        /* the grey plane is made beside the decode wherever the detector
         * cuts from it (as decode_direct() makes it with two threads) */
        if (!first->grey && side <= IDP__DETECT_LONG / IDP__GREY_FIRST)
            rc = 1;
        if (first->grey &&
            (idp__image_grey(b, usual, NULL, all, 1.0, &g, &w, &h) != IDP_OK ||
             memcmp(g, first->grey, (size_t)w * (size_t)h) != 0))
            rc = 1;
    }
    free(g);
    idp_image_free(usual);
    idp_image_free(first);
    idp_ctx_free(b);
    idp_ctx_free(a);
    return rc;
}

/* first_child() for each JPEG of dir, from a process that has not
 * started libvips either. */
static void first_loads(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];
    while (d && (e = readdir(d))) {
        int status = 0;
        pid_t pid;
        if (!is_jpeg(e->d_name))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        fflush(NULL);
        if ((pid = fork()) == 0)
            _exit(first_child(path));
        CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
              WEXITSTATUS(status) != 1);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
            fprintf(stderr, "%s: the first load differs\n", path);
        n_first += WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    if (d)
        closedir(d);
}

static void one_folder(idp_ctx *direct, idp_ctx *vips, idp_ctx *two,
                       const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];
    if (!d)
        return;
    while ((e = readdir(d))) {
        if (!is_jpeg(e->d_name))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        one_file(direct, vips, two, path);
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    idp_ctx *direct = NULL, *vips = NULL, *two = NULL;
    for (int i = 1; i < argc; i++) /* before this process starts libvips */
        first_loads(argv[i]);
    CHECK(idp_ctx_new(&direct) == IDP_OK);
    CHECK(idp_ctx_new(&vips) == IDP_OK);
    CHECK(idp_ctx_new(&two) == IDP_OK);
    if (!direct || !vips || !two)
        return CHECK_DONE();
    vips->vips_only = 1;
    CHECK(idp_ctx_set_threads(two, 2) == IDP_OK);
    /* photos of 600 px and more analysed at 1/2 or 1/4 */
    CHECK(idp_ctx_set_analysis_size(two, 300) == IDP_OK);
    for (int i = 1; i < argc; i++)
        one_folder(direct, vips, two, argv[i]);
    printf("%d files: %d loads the same, %d decoded by libjpeg directly, "
           "%d grey planes made beside the decode\n",
           n_files, n_loads, n_direct, n_grey);
    CHECK(n_files >= 5);
    CHECK(n_direct >= n_files); /* most, at every scale */
    CHECK(n_grey >= n_files / 2);
    printf("%d first loads decoded while libvips started, the same; %d "
           "probes agree with libvips\n",
           n_first, n_probed);
    CHECK(n_first >= n_files / 2);
    idp_ctx_free(two);
    idp_ctx_free(vips);
    idp_ctx_free(direct);
    return CHECK_DONE();
}
