/*
 * image_io.c - decoding through libvips: format by content, a loader allow
 * list, the pixel limit, EXIF orientation and conversion of any colour
 * space, depth or alpha to 8-bit sRGB. The only file that calls libvips
 * for decoding. A plain JPEG (three 8-bit bands, no ICC profile, upright)
 * is decoded by libjpeg directly (decode_jpeg.c: the same bytes, 15 %
 * faster), with the grey plane the detector needs made beside it.
 */
#include "idp_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <gmodule.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vips/vips.h>

#include "vips_dl.h" /* after vips.h: libvips through its table */

#include "image_reduce.h"

static pthread_once_t vips_once = PTHREAD_ONCE_INIT;
static int vips_ok;
static char vips_why[512]; /* why libvips did not start */

/* libvips reports per-tile trouble through g_log; the library never
 * prints, and the failure itself comes back as an error. */
static void quiet_log(const gchar *domain, GLogLevelFlags level,
                      const gchar *message, gpointer data)
{
    (void)domain;
    (void)level;
    (void)message;
    (void)data;
}

static atomic_int vips_tried; /* 1 once vips_start() has run */

static void vips_start(void)
{
    if (idp__vips_open(vips_why, sizeof vips_why) != 0) {
        atomic_store(&vips_tried, 1);
        return;
    }
    vips_ok = VIPS_INIT("idphoto") == 0;
    if (!vips_ok) {
        snprintf(vips_why, sizeof vips_why, "vips_init failed");
        atomic_store(&vips_tried, 1);
        return;
    }
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE,
                      quiet_log, NULL);
    /* Refuse loaders libvips marks untrusted (e.g. matlab, openslide). */
    vips_block_untrusted_set(TRUE);
    /* Each photo is decoded once: the operation cache only holds memory. */
    vips_cache_set_max(0);
    atomic_store(&vips_tried, 1);
}

idp_status idp__vips_init(idp_ctx *ctx)
{
    pthread_once(&vips_once, vips_start);
    if (!vips_ok)
        return idp__fail(ctx, IDP_E_INTERNAL, "cannot start libvips: %s",
                         vips_why);
    return IDP_OK;
}

/* 1 when libvips was given one thread (idp_io_set_threads(1)): small
 * results are then computed on the calling thread (to_memory). */
static atomic_int vips_one_thread;

idp_status idp_io_set_threads(int threads)
{
    pthread_once(&vips_once, vips_start);
    if (!vips_ok)
        return IDP_E_INTERNAL;
    vips_concurrency_set(threads > 0 ? threads : 0);
    atomic_store(&vips_one_thread, threads == 1);
    return IDP_OK;
}

/* The 8-bit pixels of rectangle t of region r's image, computed
 * (vips_region_prepare) and copied into dst, which holds the whole image
 * with rows dst_row bytes apart; -1 when libvips fails. */
static int region_copy(VipsRegion *r, const VipsRect *t, uint8_t *dst,
                       size_t dst_row)
{
    size_t px = (size_t)r->im->Bands;
    if (vips_region_prepare(r, t) != 0)
        return -1;
    for (int y = t->top; y < t->top + t->height; y++)
        memcpy(dst + (size_t)y * dst_row + (size_t)t->left * px,
               VIPS_REGION_ADDR_TOPLEFT(r) +
                   (size_t)(y - r->valid.top) * (size_t)VIPS_REGION_LSKIP(r) +
                   (size_t)(t->left - r->valid.left) * px,
               (size_t)t->width * px);
    return 0;
}

/* An 8-bit image computed into a new buffer (g_free; *len bytes), as
 * vips_image_write_to_memory() does. With one libvips thread it is
 * computed here instead, in the tiles and the order that function's sink
 * uses (vips_get_tile_size(), left to right, top to bottom: a resize
 * computed in other tiles can differ in a few pixels): libvips would
 * hand each tile to its worker and wait, and photo-batch's workers, each
 * making several small images a photo, left their cores ~9 % idle so
 * (~1,600 futex calls a photo). */
static void *to_memory(VipsImage *im, size_t *len)
{
    VipsRect all = {0, 0, im->Xsize, im->Ysize};
    VipsRegion *r;
    size_t row = (size_t)im->Xsize * (size_t)im->Bands;
    size_t n = row * (size_t)im->Ysize;
    uint8_t *buf;
    int tw = 0, th = 0, lines = 0, rc = 0;
    if (!atomic_load(&vips_one_thread) || im->BandFmt != VIPS_FORMAT_UCHAR)
        return vips_image_write_to_memory(im, len);
    vips_get_tile_size(im, &tw, &th, &lines);
    if (tw < 1 || th < 1 || !(r = vips_region_new(im)))
        return NULL;
    buf = g_try_malloc(n ? n : 1);
    for (int y0 = 0; buf && rc == 0 && y0 < im->Ysize; y0 += th)
        for (int x0 = 0; rc == 0 && x0 < im->Xsize; x0 += tw) {
            VipsRect t = {x0, y0, tw, th};
            vips_rect_intersectrect(&t, &all, &t);
            rc = region_copy(r, &t, buf, row);
        }
    g_object_unref(r);
    if (rc != 0) {
        g_free(buf);
        return NULL;
    }
    if (buf)
        *len = n;
    return buf;
}

/* Loader class ("VipsForeignLoadJpegFile") -> format; others refused. */
static const char *format_of_loader(const char *loader)
{
    static const char *const map[][2] = {
        {"VipsForeignLoadJpeg", "jpeg"}, {"VipsForeignLoadPng", "png"},
        {"VipsForeignLoadWebp", "webp"}, {"VipsForeignLoadHeif", "heif"},
        {"VipsForeignLoadTiff", "tiff"}, {"VipsForeignLoadGif", "gif"},
        {"VipsForeignLoadNsgif", "gif"}, /* libvips >= 8.11's GIF loader */
    };
    size_t i;
    for (i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strncmp(loader, map[i][0], strlen(map[i][0])) == 0)
            return map[i][1];
    return NULL;
}

/* libvips keeps one error buffer per process: with several threads
 * loading, a failure's detail may carry another thread's line too (the
 * status and our own text are always the caller's). */
static idp_status vips_fail(idp_ctx *ctx, idp_status code, const char *name,
                            const char *what)
{
    char buf[IDP__ERROR_LEN];
    char *nl, *all = vips_error_buffer_copy(); /* copied and cleared under
                                                 libvips' lock */
    idp__strlcpy(buf, all ? all : "", sizeof buf);
    g_free(all);
    nl = strchr(buf, '\n');
    if (nl)
        *nl = '\0';
    if (buf[0])
        return idp__fail(ctx, code, "%s: %s (%s)", name, what, buf);
    return idp__fail(ctx, code, "%s: %s", name, what);
}

static void read_info(VipsImage *im, const char *format, int64_t bytes,
                      idp_image_info *info)
{
    VipsInterpretation in = vips_image_get_interpretation(im);
    memset(info, 0, sizeof *info);
    idp__strlcpy(info->format, format, sizeof info->format);
    info->file_bytes = bytes;
    /* libvips' default resolution is exactly 1 px/mm; WebP files with
     * EXIF get a resolution-unit but keep that default: not a density */
    info->has_density = vips_image_get_typeof(im, "resolution-unit") != 0 &&
                        !(im->Xres == 1.0 && im->Yres == 1.0);
    info->dpi_x = info->has_density ? im->Xres * 25.4 : 0;
    info->dpi_y = info->has_density ? im->Yres * 25.4 : 0;
    info->orientation = vips_image_get_orientation(im);
    info->bands = im->Bands;
    info->bits = (int)(vips_format_sizeof(im->BandFmt) * 8);
    info->has_alpha = vips_image_hasalpha(im);
    info->has_icc = vips_image_get_typeof(im, VIPS_META_ICC_NAME) != 0;
    info->has_exif = vips_image_get_typeof(im, VIPS_META_EXIF_NAME) != 0;
    idp__strlcpy(info->interpretation,
                 vips_enum_nick(VIPS_TYPE_INTERPRETATION, (int)in),
                 sizeof info->interpretation);
}

/* ICC-managed import where a profile is embedded, else colourspace. */
static int to_srgb(VipsImage *in, VipsImage **out)
{
    if (vips_image_get_typeof(in, VIPS_META_ICC_NAME) &&
        vips_icc_transform(in, out, "srgb", "embedded", TRUE, "intent",
                           VIPS_INTENT_PERCEPTUAL, NULL) == 0)
        return 0;
    g_free(vips_error_buffer_copy()); /* a bad profile: convert plainly */
    return vips_colourspace(in, out, VIPS_INTERPRETATION_sRGB, NULL);
}

/* autorot -> sRGB -> flatten alpha on white -> 3 bands of uchar. */
static int normalise(VipsImage *in, VipsImage **out)
{
    VipsImage *t[4] = {NULL, NULL, NULL, NULL};
    VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
    int rc = -1;
    if (vips_autorot(in, &t[0], NULL) || to_srgb(t[0], &t[1]))
        goto done;
    if (vips_image_hasalpha(t[1])) {
        if (vips_flatten(t[1], &t[2], "background", white, NULL))
            goto done;
    } else if (vips_copy(t[1], &t[2], NULL)) {
        goto done;
    }
    if (vips_extract_band(t[2], &t[3], 0, "n", 3, NULL) ||
        vips_cast(t[3], out, VIPS_FORMAT_UCHAR, "shift", FALSE, NULL))
        goto done;
    rc = 0;
done:
    for (int i = 3; i >= 0; i--)
        if (t[i])
            g_object_unref(t[i]);
    vips_area_unref(VIPS_AREA(white));
    return rc;
}

static idp_status check_size(idp_ctx *ctx, VipsImage *im, const char *name)
{
    uint64_t px = (uint64_t)im->Xsize * (uint64_t)im->Ysize;
    if (px > ctx->max_pixels)
        return idp__fail(ctx, IDP_E_TOO_LARGE,
                         "%s: %dx%d is more than the %llu pixels allowed", name,
                         im->Xsize, im->Ysize,
                         (unsigned long long)ctx->max_pixels);
    return IDP_OK;
}

/* Where the bytes are: a file, or memory. */
typedef struct source {
    const char *path; /* NULL: data/len */
    const void *data;
    size_t len;
    const char *name;
    const char *format;
    int64_t bytes;
} source;

/* Fail on decoder warnings too: a JPEG whose data stops short (a lying
 * header, a damaged upload) only warns, and would otherwise be judged as
 * a grey picture; every photo of ../shared/photos decodes without one.
 * jpeg_shrink > 1: libjpeg's DCT scaling decodes at 1/2, 1/4 or 1/8. */
static VipsImage *open_source(const source *s, int jpeg_shrink)
{
    const char *opt = jpeg_shrink > 1 ? "shrink" : NULL;
    if (s->path)
        return vips_image_new_from_file(
            s->path, "fail_on", VIPS_FAIL_ON_WARNING, opt, jpeg_shrink, NULL);
    return vips_image_new_from_buffer(s->data, s->len, "", "fail_on",
                                      VIPS_FAIL_ON_WARNING, opt, jpeg_shrink,
                                      NULL);
}

/* The largest of 1, 2, 4, 8 that keeps the long side >= long_px, and
 * the short side >= long_px / 4 (a strip is not a photo: left alone). */
static int pick_shrink(int w, int h, int long_px)
{
    int s = 1, side = w > h ? w : h, other = w > h ? h : w;
    while (long_px > 0 && s < 8 && side / (s * 2) >= long_px &&
           other / (s * 2) >= long_px / 4)
        s *= 2;
    return s;
}

/* normalise -> (box-average by `box` where the decoder could not) ->
 * 8-bit sRGB in memory. */
static idp_status to_image(idp_ctx *ctx, VipsImage *src, const char *name,
                           int box, idp_image *img)
{
    VipsImage *rgb = NULL, *small = NULL;
    size_t len = 0;
    if (normalise(src, &rgb))
        return vips_fail(ctx, IDP_E_DECODE, name, "cannot decode image");
    if (box > 1) {
        int rc = vips_shrink(rgb, &small, box, box, NULL);
        g_object_unref(rgb);
        if (rc)
            return vips_fail(ctx, IDP_E_DECODE, name, "cannot decode image");
        rgb = small;
    }
    img->pixels = vips_image_write_to_memory(rgb, &len);
    img->width = rgb->Xsize;
    img->height = rgb->Ysize;
    img->stride = (size_t)img->width * 3;
    g_object_unref(rgb);
    if (!img->pixels || len != img->stride * (size_t)img->height)
        return vips_fail(ctx, IDP_E_DECODE, name, "cannot decode image");
    return IDP_OK;
}

/* A reduced image keeps its source so idp_make can decode it finer. */
static idp_status keep_source(const source *s, idp_image *img)
{
    if (img->info.shrink <= 1)
        return IDP_OK;
    if (s->path)
        return (img->path = strdup(s->path)) ? IDP_OK : IDP_E_NOMEM;
    img->bytes = malloc(s->len);
    if (!img->bytes)
        return IDP_E_NOMEM;
    memcpy(img->bytes, s->data, s->len);
    img->n_bytes = s->len;
    return IDP_OK;
}

/* The file's size after EXIF orientation, from the header. */
static void oriented_size(VipsImage *hdr, idp_image_info *info)
{
    int swap = vips_image_get_orientation_swap(hdr);
    info->width = swap ? hdr->Ysize : hdr->Xsize;
    info->height = swap ? hdr->Xsize : hdr->Ysize;
}

/* ---- a plain JPEG through libjpeg, the grey plane beside ---- */

static VipsImage *wrap(const uint8_t *px, int w, int h, int bands);

/* What normalise() leaves as it is: three 8-bit sRGB bands, no profile,
 * upright. */
static int plain_jpeg(VipsImage *hdr)
{
    return hdr->Bands == 3 && hdr->BandFmt == VIPS_FORMAT_UCHAR &&
           hdr->Coding == VIPS_CODING_NONE &&
           vips_image_get_interpretation(hdr) == VIPS_INTERPRETATION_sRGB &&
           !vips_image_get_typeof(hdr, VIPS_META_ICC_NAME) &&
           vips_image_get_orientation(hdr) == 1;
}

/* The file's first `size` bytes (all of it, for its size from stat), or
 * NULL (a file shorter than that now). */
static void *read_file(const char *path, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    unsigned char *buf = fd >= 0 && size > 0 ? malloc(size) : NULL;
    size_t got = 0;
    ssize_t n = 1;
    while (buf && got < size && n > 0)
        if ((n = read(fd, buf + got, size - got)) > 0)
            got += (size_t)n;
    if (fd >= 0)
        close(fd);
    if (got != size) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* libvips' grey of rows y0..y1 into the plane `out`, through its
 * pipeline (the conversion is per pixel), on this thread. */
static int grey_rows_vips(const uint8_t *rgb, int w, int y0, int y1,
                          uint8_t *out)
{
    VipsImage *in = wrap(rgb + (size_t)y0 * (size_t)w * 3, w, y1 - y0, 3);
    VipsImage *g = NULL;
    VipsRegion *r = NULL;
    VipsRect all = {0, 0, w, y1 - y0};
    int rc = -1;
    if (in && vips_colourspace(in, &g, VIPS_INTERPRETATION_B_W, NULL) == 0 &&
        g->Bands == 1 && g->BandFmt == VIPS_FORMAT_UCHAR &&
        (r = vips_region_new(g)))
        rc = region_copy(r, &all, out + (size_t)y0 * (size_t)w, (size_t)w);
    if (r)
        g_object_unref(r);
    if (g)
        g_object_unref(g);
    if (in)
        g_object_unref(in);
    return rc;
}

/* ---- the grey without libvips' pipeline (grey.c) ---- */

static idp__grey_tables grey_tables;
static int grey_fast; /* 1: grey.c gives this libvips' bytes */
static pthread_once_t grey_once = PTHREAD_ONCE_INIT;

/* libvips' sRGB -> linear table: the scRGB of codes 0..255. */
static int read_v2y(float v2y[256])
{
    uint8_t ramp[256 * 3];
    VipsImage *in, *f = NULL;
    float *px = NULL;
    size_t len = 0;
    for (int i = 0; i < 256 * 3; i++)
        ramp[i] = (uint8_t)(i / 3);
    in = wrap(ramp, 256, 1, 3);
    if (in && vips_colourspace(in, &f, VIPS_INTERPRETATION_scRGB, NULL) == 0 &&
        f->Bands == 3 && f->BandFmt == VIPS_FORMAT_FLOAT)
        px = vips_image_write_to_memory(f, &len);
    if (px && len == 256 * 3 * sizeof(float))
        for (int i = 0; i < 256; i++)
            v2y[i] = px[3 * i];
    g_free(px);
    if (f)
        g_object_unref(f);
    if (in)
        g_object_unref(in);
    return len == 256 * 3 * sizeof(float) ? 0 : -1;
}

/* y moved by `ulps` floats up (> 0) or down. */
static float ulps_from(float y, int ulps)
{
    for (; ulps > 0; ulps--)
        y = nextafterf(y, 2.0f);
    for (; ulps < 0; ulps++)
        y = nextafterf(y, -1.0f);
    return y;
}

/* A grey y whose lookup lands exactly on entry i: y x 255 = i, and
 * 0.2 y + 0.7 y + 0.1 y = y. Tried from i / 255 outwards, 0, +1, -1, +2,
 * -2 ... floats; -1 when none of 8 is. */
static int exact_grey(int i, float *y)
{
    for (int k = 0; k < 8; k++) {
        float c = ulps_from((float)i / 255.0f, k % 2 ? (k + 1) / 2 : -k / 2);
        if (c * 255.0f == (float)i &&
            (float)(0.2 * c + 0.7 * c + 0.1 * c) == c) {
            *y = c;
            return 0;
        }
    }
    return -1;
}

/* libvips' linear -> sRGB table, entry i read where the lookup lands
 * exactly on it, so nothing is interpolated. */
static int read_lut(int lut[257])
{
    for (int i = 0; i < 256; i++) {
        float y = 0;
        int g = 0, og = 0;
        if (exact_grey(i, &y) != 0 ||
            vips_col_scRGB2BW_8(y, y, y, &g, &og) != 0)
            return -1;
        lut[i] = g;
    }
    lut[256] = lut[255];
    return 0;
}

/* Colours that tell another conversion apart: every level of each
 * primary and of grey, and a spread of others. */
static void probe_colours(uint8_t *rgb, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        int v = (int)(i % 256), kind = (int)(i / 256);
        h = (h ^ (uint32_t)i) * 16777619u;
        for (int c = 0; c < 3; c++) {
            uint32_t code = kind < 4
                                ? (uint32_t)(kind == 3 || kind == c ? v : 0)
                                : h >> (8 * c);
            rgb[3 * i + (size_t)c] = (uint8_t)(code & 255u);
        }
    }
}

#define GREY_PROBE 8192

static void grey_start(void)
{
    uint8_t *rgb = malloc(GREY_PROBE * 4), *want;
    uint8_t got[GREY_PROBE];
    if (!rgb)
        return;
    want = rgb + GREY_PROBE * 3;
    probe_colours(rgb, GREY_PROBE);
    if (read_v2y(grey_tables.v2y) == 0 && read_lut(grey_tables.lut) == 0 &&
        grey_rows_vips(rgb, GREY_PROBE, 0, 1, want) == 0) {
        idp__grey_prepare(&grey_tables);
        idp__grey_convert(&grey_tables, rgb, GREY_PROBE, got);
        grey_fast = memcmp(got, want, GREY_PROBE) == 0;
    }
    free(rgb);
}

/* 1 when grey.c may stand for libvips' conversion (libvips started). */
static int grey_is_fast(void)
{
    pthread_once(&grey_once, grey_start);
    return grey_fast;
}

int idp__grey_check_all(void)
{
    enum { ROWS = 256 }; /* 2^24 colours: 4096 x 4096, 256 rows a time */
    uint8_t *rgb = malloc(4096 * ROWS * 4), *want;
    uint8_t *got = malloc(4096 * ROWS);
    int bad = 0;
    pthread_once(&vips_once, vips_start);
    if (!rgb || !got || !vips_ok || !grey_is_fast()) {
        free(rgb);
        free(got);
        return -1;
    }
    want = rgb + 4096 * ROWS * 3;
    for (uint32_t c0 = 0; c0 < (1u << 24); c0 += 4096 * ROWS) {
        for (uint32_t i = 0; i < 4096 * ROWS; i++)
            for (int k = 0; k < 3; k++)
                rgb[3 * i + (uint32_t)k] = (uint8_t)((c0 + i) >> (8 * k));
        if (grey_rows_vips(rgb, 4096, 0, ROWS, want) != 0) {
            bad = -1;
            break;
        }
        idp__grey_convert(&grey_tables, rgb, 4096 * ROWS, got);
        for (uint32_t i = 0; i < 4096 * ROWS; i++)
            bad += got[i] != want[i];
    }
    free(rgb);
    free(got);
    return bad;
}

/* The grey of rows y0..y1 into the plane `out`, as memo_plane() makes
 * the whole plane, on this thread. */
static int grey_rows(const uint8_t *rgb, int w, int y0, int y1, uint8_t *out)
{
    if (!grey_is_fast())
        return grey_rows_vips(rgb, w, y0, y1, out);
    idp__grey_convert(&grey_tables, rgb + (size_t)y0 * (size_t)w * 3,
                      (size_t)w * (size_t)(y1 - y0),
                      out + (size_t)y0 * (size_t)w);
    return 0;
}

#define GREY_STRIP 64 /* rows of grey made at a time behind the decode */
/* Rows at most per conversion (its buffers), when the grey's thread
 * started late or not at all. */
#define GREY_MAX_ROWS 256

/* The decode on one thread tells the grey on the other how far it is. */
typedef struct grey_follow {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int rows, over; /* rows decoded; 1 once the decode has ended */
    int stop;       /* 1: the decode is not wanted (first_load) */
    const uint8_t *rgb;
    int w, h;
    uint8_t *grey;
    int failed;
} grey_follow;

static int rows_done(void *arg, int rows)
{
    grey_follow *f = arg;
    int stop;
    pthread_mutex_lock(&f->mu);
    f->rows = rows;
    stop = f->stop;
    pthread_cond_signal(&f->cv);
    pthread_mutex_unlock(&f->mu);
    return stop;
}

static void grey_task(void *arg)
{
    grey_follow *f = arg;
    int y0 = 0, y1, over;
    do {
        pthread_mutex_lock(&f->mu);
        while (!f->over && f->rows - y0 < GREY_STRIP && f->rows < f->h)
            pthread_cond_wait(&f->cv, &f->mu);
        y1 = f->rows;
        over = f->over;
        pthread_mutex_unlock(&f->mu);
        for (int y = y0; y < y1 && !f->failed; y += GREY_MAX_ROWS)
            f->failed =
                grey_rows(f->rgb, f->w, y,
                          y1 - y > GREY_MAX_ROWS ? y + GREY_MAX_ROWS : y1,
                          f->grey) != 0;
        y0 = y1 > y0 ? y1 : y0;
    } while (!over && y0 < f->h);
}

typedef struct direct_job {
    const void *data;
    size_t len;
    int shrink, w, h;
    uint8_t *px;
    grey_follow *follow; /* or NULL */
    int rc;
} direct_job;

static void direct_task(void *arg)
{
    direct_job *j = arg;
    j->rc = idp__jpeg_decode(j->data, j->len, j->shrink, j->w, j->h, j->px,
                             j->follow ? rows_done : NULL, j->follow);
    if (j->follow) {
        pthread_mutex_lock(&j->follow->mu);
        j->follow->over = 1;
        pthread_cond_signal(&j->follow->cv);
        pthread_mutex_unlock(&j->follow->mu);
    }
}

/* The decode, with `beside(arg)` on a second thread that reads its rows
 * through `f` (zeroed by the caller; the grey goes to `grey`). */
static void decode_beside(direct_job *j, grey_follow *f, uint8_t *grey,
                          idp__task beside, void *arg)
{
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    f->rgb = j->px;
    f->w = j->w;
    f->h = j->h;
    f->grey = grey;
    j->follow = f;
    idp__par2(2, direct_task, j, beside, arg);
    j->follow = NULL;
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
}

/* 1 when the grey could not be made (the decode's own result: j->rc). */
static int run_direct(direct_job *j, uint8_t *grey)
{
    grey_follow f;
    if (!grey) {
        direct_task(j);
        return 0;
    }
    memset(&f, 0, sizeof f);
    decode_beside(j, &f, grey, grey_task, &f);
    return f.failed;
}

/* Room for the decode's pixels (j->px, NULL out of memory) and, when
 * `grey` and the detector will cut its copy from it, for the grey plane
 * beside them (*plane, else NULL). */
static void direct_room(direct_job *j, int grey, uint8_t **plane)
{
    *plane = NULL;
    j->px = malloc((size_t)j->w * (size_t)j->h * 3);
    if (j->px && grey &&
        (j->w > j->h ? j->w : j->h) <= IDP__DETECT_LONG / IDP__GREY_FIRST)
        *plane = malloc((size_t)j->w * (size_t)j->h);
}

/* The decoded pixels (and grey plane, or NULL) handed to img. */
static void adopt_direct(idp_image *img, const direct_job *j, uint8_t *grey)
{
    img->pixels = j->px;
    img->width = j->w;
    img->height = j->h;
    img->stride = (size_t)j->w * 3;
    img->grey = grey;
}

/* A plain JPEG at 1/shrink into img (with img->grey when `grey` and the
 * detector will cut its copy from it): 0, or 1 when libvips is to decode
 * it. */
static int decode_direct(const source *s, VipsImage *hdr, int shrink, int grey,
                         idp_image *img)
{
    direct_job j = {
        s->data, s->len, shrink, hdr->Xsize / shrink, hdr->Ysize / shrink,
        NULL,    NULL,   1};
    void *file = NULL;
    uint8_t *g = NULL;
    if (!plain_jpeg(hdr) || j.w < 1 || j.h < 1)
        return 1;
    if (s->path) {
        j.len = (size_t)s->bytes;
        j.data = file = read_file(s->path, j.len);
    }
    if (j.data)
        direct_room(&j, grey, &g);
    if (j.px && run_direct(&j, g)) { /* the detector makes it later */
        g_free(vips_error_buffer_copy());
        free(g);
        g = NULL;
    }
    free(file);
    if (j.rc != 0) {
        free(g);
        free(j.px);
        return 1;
    }
    adopt_direct(img, &j, g);
    return 0;
}

/* Header -> limits -> shrink (`shrink` 0: pick by ctx->analysis_px, for
 * analysis: with the grey plane when it can be made beside) -> decode. */
static idp_status decode(idp_ctx *ctx, const source *s, VipsImage *hdr,
                         int shrink, idp_image *img)
{
    int jpeg = strcmp(s->format, "jpeg") == 0;
    VipsImage *dec = hdr;
    idp_status st = check_size(ctx, hdr, s->name);
    if (st != IDP_OK)
        return st;
    read_info(hdr, s->format, s->bytes, &img->info);
    oriented_size(hdr, &img->info);
    img->info.shrink =
        shrink > 0 ? shrink
                   : pick_shrink(hdr->Xsize, hdr->Ysize, ctx->analysis_px);
    if (jpeg && !ctx->vips_only &&
        decode_direct(s, hdr, img->info.shrink, shrink == 0 && ctx->threads > 1,
                      img) == 0) {
        st = IDP_OK;
    } else {
        if (jpeg && img->info.shrink > 1 &&
            !(dec = open_source(s, img->info.shrink)))
            return vips_fail(ctx, IDP_E_DECODE, s->name, "cannot read image");
        st = to_image(ctx, dec, s->name, jpeg ? 1 : img->info.shrink, img);
        if (dec != hdr)
            g_object_unref(dec);
    }
    if (st == IDP_OK && keep_source(s, img) != IDP_OK)
        st = idp__fail(ctx, IDP_E_NOMEM, "%s: out of memory", s->name);
    return st;
}

static idp_status load(idp_ctx *ctx, const source *s, int shrink,
                       idp_image **out)
{
    double t0 = idp__now_ms();
    idp_image *img = calloc(1, sizeof *img);
    VipsImage *hdr;
    idp_status st;
    if (!img || !(img->name = strdup(s->name))) {
        free(img);
        return idp__fail(ctx, IDP_E_NOMEM, "%s: out of memory", s->name);
    }
    hdr = open_source(s, 1);
    st = hdr ? decode(ctx, s, hdr, shrink, img)
             : vips_fail(ctx, IDP_E_DECODE, s->name, "cannot read image");
    if (hdr)
        g_object_unref(hdr);
    if (st != IDP_OK) {
        idp_image_free(img);
        return st;
    }
    img->decode_ms = idp__now_ms() - t0;
    *out = img;
    return IDP_OK;
}

static idp_status cut_short(idp_ctx *ctx, const char *name, const char *format)
{
    return idp__fail(ctx, IDP_E_DECODE,
                     "%s: cannot decode image (%s cut short: no %s)", name,
                     strcmp(format, "png") == 0 ? "PNG" : "JPEG",
                     strcmp(format, "png") == 0 ? "IEND" : "EOI");
}

/* libvips loads its modules (HEIF, JPEG XL, ImageMagick, PDF, OpenSlide)
 * when it starts, unless told to look elsewhere (the tools do: cli.c; it
 * is 17 ms of a 20 ms start). Of those, only HEIF is a format we read: its
 * module is loaded here the first time a file has no loader, from the
 * directory of the running libvips' version under the libdir it was built
 * in. Why it could not be loaded is kept for the error message. */
static GOnce heif_once = G_ONCE_INIT;
static char heif_why[256];

static gpointer heif_module(gpointer unused)
{
    char path[1024];
    (void)unused;
    if (g_type_from_name("VipsForeignLoadHeif") != 0)
        return NULL; /* built in, or loaded by libvips */
    snprintf(path, sizeof path, "%s/vips-modules-%d.%d/vips-heif.%s",
             IDP_VIPS_LIBDIR, vips_version(0), vips_version(1),
             G_MODULE_SUFFIX);
    if (!g_module_open(path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL))
        snprintf(heif_why, sizeof heif_why,
                 " (libvips' HEIF module did not load: %s)", g_module_error());
    return NULL;
}

/* After libvips found no loader: 1 when the HEIF module has just been
 * tried (ask libvips again), 0 when it was tried before. */
static int heif_tried_now(void)
{
    if (heif_once.status == G_ONCE_STATUS_READY)
        return 0;
    g_free(vips_error_buffer_copy());
    g_once(&heif_once, heif_module, NULL);
    return 1;
}

static const char *loader_of_file(const char *path)
{
    const char *l = vips_foreign_find_load(path);
    return l || !heif_tried_now() ? l : vips_foreign_find_load(path);
}

static const char *loader_of_bytes(const void *data, size_t len)
{
    const char *l = vips_foreign_find_load_buffer(data, len);
    return l || !heif_tried_now() ? l
                                  : vips_foreign_find_load_buffer(data, len);
}

/* The loader libvips picked by content, if it is one we accept. */
static idp_status sniff(idp_ctx *ctx, const char *loader, const char *name,
                        const char **format)
{
    *format = loader ? format_of_loader(loader) : NULL;
    if (!loader) /* drop "not a known file format" (ours says more) */
        g_free(vips_error_buffer_copy());
    if (!*format)
        return idp__fail(ctx, IDP_E_DECODE,
                         "%s: not a JPEG, PNG, WebP, HEIF, TIFF or GIF image%s",
                         name, heif_why);
    return IDP_OK;
}

/* stat, sniff and the completeness check of a file: fills `s`. */
static idp_status open_file(idp_ctx *ctx, const char *path, source *s)
{
    struct stat sb;
    idp_status st;
    if (stat(path, &sb) != 0)
        return idp__fail(ctx, IDP_E_IO, "%s: %s", path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return idp__fail(ctx, IDP_E_IO, "%s: not a regular file", path);
    if (sb.st_size == 0)
        return idp__fail(ctx, IDP_E_DECODE, "%s: empty file", path);
    st = sniff(ctx, loader_of_file(path), path, &s->format);
    if (st != IDP_OK)
        return st;
    if (!idp__file_complete(path, s->format))
        return cut_short(ctx, path, s->format);
    s->path = s->name = path;
    s->bytes = (int64_t)sb.st_size;
    return IDP_OK;
}

static idp_status load_path(idp_ctx *ctx, const char *path, int shrink,
                            idp_image **out)
{
    source s = {NULL, NULL, 0, NULL, NULL, 0};
    idp_status st = open_file(ctx, path, &s);
    return st == IDP_OK ? load(ctx, &s, shrink, out) : st;
}

static idp_status load_bytes(idp_ctx *ctx, const void *data, size_t len,
                             const char *name, int shrink, idp_image **out)
{
    source s = {NULL, data, len, name, NULL, (int64_t)len};
    idp_status st;
    if (len == 0)
        return idp__fail(ctx, IDP_E_DECODE, "%s: empty file", name);
    st = sniff(ctx, loader_of_bytes(data, len), name, &s.format);
    if (st != IDP_OK)
        return st;
    if (!idp__bytes_complete(data, len, s.format))
        return cut_short(ctx, name, s.format);
    return load(ctx, &s, shrink, out);
}

/* ---- the first photo of a process, decoded while libvips starts ----
 * Starting libvips (opening its ~100 libraries: vips_dl.c, then
 * vips_init) takes ~18 ms. When the first photo's own header looks plain
 * (idp__jpeg_probe), libjpeg decodes it meanwhile; libvips, once up, reads
 * the header as for any photo, and the decode is kept only if libvips
 * calls the file plain at the same size, so the pixels are those
 * decode_direct() gives. Otherwise the decode is stopped and the photo
 * loads the usual way. The grey plane follows the decode once libvips is
 * up (it converts with libvips). */
typedef struct first_job {
    idp_ctx ctx; /* a copy for libvips' side (its errors are dropped) */
    const char *path;
    int64_t bytes;
    int w, h; /* the probe's size of the file */
    int keep; /* libvips' header says plain, the same size */
    idp_image_info info;
    grey_follow f;
} first_job;

/* libvips' verdict on the file, as load() and decode() would see it. */
static void first_verdict(first_job *j)
{
    source s = {NULL, NULL, 0, NULL, NULL, 0};
    VipsImage *hdr = NULL;
    if (idp__vips_init(&j->ctx) != IDP_OK)
        return;
    if (open_file(&j->ctx, j->path, &s) == IDP_OK &&
        strcmp(s.format, "jpeg") == 0 && s.bytes == j->bytes &&
        (hdr = open_source(&s, 1)) != NULL &&
        check_size(&j->ctx, hdr, s.name) == IDP_OK && plain_jpeg(hdr) &&
        hdr->Xsize == j->w && hdr->Ysize == j->h) {
        read_info(hdr, s.format, s.bytes, &j->info);
        oriented_size(hdr, &j->info);
        j->keep = 1;
    }
    if (hdr)
        g_object_unref(hdr);
    if (!j->keep)
        g_free(vips_error_buffer_copy());
}

/* libvips' side: start it, judge, then follow the decode with the grey. */
static void first_vips_task(void *arg)
{
    first_job *j = arg;
    first_verdict(j);
    pthread_mutex_lock(&j->f.mu);
    j->f.stop = !j->keep;
    pthread_mutex_unlock(&j->f.mu);
    if (j->keep && j->f.grey)
        grey_task(&j->f);
}

/* The decode beside libvips' start; 0 with d->px (and j->f.grey) kept. */
static int first_decode(first_job *j, direct_job *d, uint8_t *grey)
{
    int ok;
    decode_beside(d, &j->f, grey, first_vips_task, j);
    ok = j->keep && d->rc == 0;
    if (ok && j->f.failed && grey) { /* the detector makes it later */
        g_free(vips_error_buffer_copy());
        j->f.grey = NULL;
    }
    return ok ? 0 : 1;
}

/* The photo as an image, or NULL (out of memory). */
static idp_image *first_image(const first_job *j, const direct_job *d,
                              double t0)
{
    source s = {j->path, NULL, 0, j->path, "jpeg", j->bytes};
    idp_image *img = calloc(1, sizeof *img);
    if (!img || !(img->name = strdup(j->path))) {
        free(img);
        return NULL;
    }
    img->info = j->info;
    img->info.shrink = d->shrink;
    adopt_direct(img, d, j->f.grey);
    if (keep_source(&s, img) != IDP_OK) {
        img->pixels = NULL;
        img->grey = NULL;
        idp_image_free(img);
        return NULL;
    }
    img->decode_ms = idp__now_ms() - t0;
    return img;
}

/* The first bytes of a file hold a JPEG's headers, EXIF and ICC included
 * (a header that runs on past them only makes the probe say no). */
#define PROBE_BYTES (128 * 1024)

/* The whole file (size bytes) when its headers, read first, look plain
 * (idp__jpeg_probe: the file's size in *w, *h); else NULL, and a PNG or a
 * phone photo with a profile is not read whole for nothing. */
static void *read_if_plain(const char *path, size_t size, int *w, int *h)
{
    size_t n = size < PROBE_BYTES ? size : PROBE_BYTES;
    void *head = read_file(path, n);
    int plain = head && idp__jpeg_probe(head, n, w, h);
    if (plain && n == size)
        return head;
    free(head);
    return plain ? read_file(path, size) : NULL;
}

/* 0 with *out loaded; 1 when the photo is to load the usual way. */
static int first_load(idp_ctx *ctx, const char *path, idp_image **out)
{
    double t0 = idp__now_ms();
    struct stat sb;
    first_job *j;
    direct_job d = {NULL, 0, 1, 0, 0, NULL, NULL, 1};
    uint8_t *grey = NULL;
    void *file = NULL;
    int w = 0, h = 0, rc = 1;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0 ||
        !(file = read_if_plain(path, (size_t)sb.st_size, &w, &h)) ||
        (uint64_t)w * (uint64_t)h > ctx->max_pixels ||
        !(j = calloc(1, sizeof *j))) {
        free(file);
        return 1;
    }
    j->ctx = *ctx;
    j->path = path;
    j->bytes = (int64_t)sb.st_size;
    j->w = w;
    j->h = h;
    d.data = file;
    d.len = (size_t)sb.st_size;
    d.shrink = pick_shrink(w, h, ctx->analysis_px);
    d.w = w / d.shrink;
    d.h = h / d.shrink;
    if (d.w > 0 && d.h > 0)
        direct_room(&d, 1, &grey);
    if (d.px && first_decode(j, &d, grey) == 0 &&
        (*out = first_image(j, &d, t0)) != NULL)
        rc = 0;
    if (rc != 0) {
        free(grey);
        free(d.px);
    } else if (!j->f.grey) {
        free(grey);
    }
    free(j);
    free(file);
    return rc;
}

/* One load, for idp__ctx_beside_model(): the face model may load beside
 * the first photo's decode. */
typedef struct load_job {
    idp_ctx *ctx;
    const char *path;
    const void *data;
    size_t len;
    const char *name;
    idp_image **out;
    idp_status st;
} load_job;

static void load_task(void *arg)
{
    load_job *j = arg;
    j->st = j->path ? load_path(j->ctx, j->path, 0, j->out)
                    : load_bytes(j->ctx, j->data, j->len, j->name, 0, j->out);
}

static atomic_int first_taken; /* for idp__image_first_taken() */

int idp__image_first_taken(void)
{
    return atomic_load(&first_taken);
}

/* load_task for the first photo of a process: first_load(), else the
 * usual way once libvips is up. */
static void first_task(void *arg)
{
    load_job *j = arg;
    if (first_load(j->ctx, j->path, j->out) == 0) {
        atomic_store(&first_taken, 1);
        j->st = IDP_OK;
        return;
    }
    j->st = idp__vips_init(j->ctx);
    if (j->st == IDP_OK)
        load_task(j);
}

static idp_status load_beside_model(load_job *j)
{
    idp_status st;
    if (j->path && j->ctx->threads > 1 && !j->ctx->vips_only &&
        !atomic_load(&vips_tried)) {
        idp__ctx_beside_model(j->ctx, first_task, j);
        return j->st;
    }
    st = idp__vips_init(j->ctx);
    if (st != IDP_OK)
        return st;
    idp__ctx_beside_model(j->ctx, load_task, j);
    return j->st;
}

idp_status idp_image_load(idp_ctx *ctx, const char *path, idp_image **out)
{
    load_job j = {ctx, path, NULL, 0, NULL, out, IDP_OK};
    if (!out)
        return IDP_E_INVALID_ARG;
    *out = NULL;
    if (!ctx || !path)
        return idp__fail(ctx, IDP_E_INVALID_ARG, "no path");
    return load_beside_model(&j);
}

idp_status idp_image_load_buffer(idp_ctx *ctx, const void *data, size_t len,
                                 const char *name, idp_image **out)
{
    load_job j = {ctx, NULL, data, len, name ? name : "(buffer)", out, IDP_OK};
    if (!out)
        return IDP_E_INVALID_ARG;
    *out = NULL;
    if (!ctx || (!data && len))
        return idp__fail(ctx, IDP_E_INVALID_ARG, "no data");
    return load_beside_model(&j);
}

idp_status idp__image_reload(idp_ctx *ctx, const idp_image *img, int shrink,
                             idp_image **out)
{
    idp_status st = idp__vips_init(ctx);
    *out = NULL;
    if (st != IDP_OK)
        return st;
    if (img->path)
        return load_path(ctx, img->path, shrink, out);
    if (img->bytes)
        return load_bytes(ctx, img->bytes, img->n_bytes, idp_image_name(img),
                          shrink, out);
    return idp__fail(ctx, IDP_E_INVALID_ARG, "%s: no source to decode again",
                     idp_image_name(img));
}

static idp_rect clamp_roi(const idp_image *img, idp_rect r)
{
    double x0 = fmax(0, floor(r.x)), y0 = fmax(0, floor(r.y));
    double x1 = fmin(img->width, ceil(r.x + r.w));
    double y1 = fmin(img->height, ceil(r.y + r.h));
    idp_rect c = {x0, y0, fmax(0, x1 - x0), fmax(0, y1 - y0)};
    return c;
}

/* Scale `in` by k (when k < 0.25: a box average by half the whole factor first,
 * then Lanczos for the 2-4x left). vips_resize() on a memory image alone
 * took 0.6 s for a 12 MP photo to 800 px, this 75 ms (a box over the
 * whole factor is slower again on crops: 22 ms instead of 7 for 1400 px
 * to 420). Lanczos by image_reduce.c: its rows by reduceh.c where that
 * can stand for libvips, the same bytes. */
static int scale_by(VipsImage *in, VipsImage **out, double k)
{
    VipsImage *box = NULL;
    double whole = floor(1.0 / k / 2.0);
    int rc;
    if (fabs(k - 1.0) < 1e-9)
        return vips_copy(in, out, NULL);
    if (whole < 2)
        return idp__resize_lanczos(in, out, k);
    if (vips_shrink(in, &box, whole, whole, NULL))
        return -1;
    rc = idp__resize_lanczos(box, out, k * whole);
    g_object_unref(box);
    return rc;
}

/* Packed 8-bit pixels in memory as a vips image (not copied: `px` must
 * outlive it); 3 bands are sRGB, 1 band grey. */
static VipsImage *wrap(const uint8_t *px, int w, int h, int bands)
{
    VipsImage *im =
        vips_image_new_from_memory(px, (size_t)w * (size_t)h * (size_t)bands, w,
                                   h, bands, VIPS_FORMAT_UCHAR);
    if (im)
        im->Type =
            bands == 3 ? VIPS_INTERPRETATION_sRGB : VIPS_INTERPRETATION_B_W;
    return im;
}

/* roi of a grey plane -> scaled by `scale`. */
static int plane_pipeline(const uint8_t *plane, int pw, int ph, idp_rect roi,
                          double scale, VipsImage **out)
{
    VipsImage *t[2] = {NULL, NULL};
    int rc = -1;
    t[0] = wrap(plane, pw, ph, 1);
    if (t[0] && vips_extract_area(t[0], &t[1], (int)roi.x, (int)roi.y,
                                  (int)roi.w, (int)roi.h, NULL) == 0)
        rc = scale_by(t[1], out, scale);
    for (int i = 1; i >= 0; i--)
        if (t[i])
            g_object_unref(t[i]);
    return rc;
}

void idp__grey_memo_free(idp__grey_memo *memo)
{
    if (!memo->borrowed)
        free(memo->plane);
    memo->plane = NULL;
    memo->borrowed = 0;
}

/* The whole image in grey, into memo->plane. */
static int memo_plane(const idp_image *img, idp__grey_memo *memo)
{
    size_t n = (size_t)img->width * (size_t)img->height;
    if (img->grey) { /* made during the decode */
        memo->plane = img->grey;
        memo->borrowed = 1;
        return 0;
    }
    memo->plane = malloc(n ? n : 1);
    if (memo->plane &&
        grey_rows(img->pixels, img->width, 0, img->height, memo->plane) == 0)
        return 0;
    free(memo->plane);
    memo->plane = NULL;
    return -1;
}

static int grey_pipeline(const idp_image *img, idp_rect roi, double scale,
                         VipsImage **out)
{
    VipsImage *t[3] = {NULL, NULL, NULL};
    int rc = -1;
    t[0] = wrap(img->pixels, img->width, img->height, 3);
    if (!t[0])
        return -1;
    if (vips_extract_area(t[0], &t[1], (int)roi.x, (int)roi.y, (int)roi.w,
                          (int)roi.h, NULL))
        goto done;
    /* The grey conversion goes through float linear light: on a large
     * reduction (a 12 MP photo to the detector's 800 px) shrink the RGB
     * first. Otherwise convert first, as the landmark thresholds were
     * calibrated with (the order moves eyelid points by ~1 px). */
    if (scale < IDP__GREY_FIRST) {
        rc = scale_by(t[1], &t[2], scale);
        if (rc == 0)
            rc = vips_colourspace(t[2], out, VIPS_INTERPRETATION_B_W, NULL);
    } else {
        rc = vips_colourspace(t[1], &t[2], VIPS_INTERPRETATION_B_W, NULL);
        if (rc == 0)
            rc = scale_by(t[2], out, scale);
    }
done:
    for (int i = 2; i >= 0; i--)
        if (t[i])
            g_object_unref(t[i]);
    return rc;
}

idp_status idp__image_grey(idp_ctx *ctx, const idp_image *img,
                           idp__grey_memo *memo, idp_rect roi, double scale,
                           uint8_t **out, int *w, int *h)
{
    VipsImage *g = NULL;
    size_t len = 0;
    int rc;
    idp_status st = idp__vips_init(ctx);
    *out = NULL;
    if (st != IDP_OK)
        return st;
    roi = clamp_roi(img, roi);
    if (roi.w < 1 || roi.h < 1 || !(scale > 0))
        return idp__fail(ctx, IDP_E_INVALID_ARG, "empty region");
    if (memo && scale >= IDP__GREY_FIRST) {
        rc = memo->plane || memo_plane(img, memo) == 0
                 ? plane_pipeline(memo->plane, img->width, img->height, roi,
                                  scale, &g)
                 : -1;
    } else {
        rc = grey_pipeline(img, roi, scale, &g);
    }
    if (rc)
        return vips_fail(ctx, IDP_E_INTERNAL, idp_image_name(img),
                         "cannot make grey copy");
    *out = to_memory(g, &len);
    *w = g->Xsize;
    *h = g->Ysize;
    g_object_unref(g);
    if (!*out)
        return idp__fail(ctx, IDP_E_NOMEM, "out of memory");
    return IDP_OK;
}

/* extract the part of `src` inside the image -> resize by k -> place it in
 * an out_w x out_h canvas (outside the image: the edge pixels repeated). */
static int region_pipeline(const idp_image *img, idp_rect src, int out_w,
                           int out_h, VipsImage **out)
{
    double k = out_w / src.w;
    idp_rect in = clamp_roi(img, src);
    VipsImage *t[3] = {NULL, NULL, NULL};
    int rc = -1;
    t[0] = wrap(img->pixels, img->width, img->height, 3);
    if (!t[0] || in.w < 1 || in.h < 1)
        goto done;
    if (vips_extract_area(t[0], &t[1], (int)in.x, (int)in.y, (int)in.w,
                          (int)in.h, NULL) ||
        scale_by(t[1], &t[2], k))
        goto done;
    rc = vips_embed(t[2], out, (int)lround((in.x - src.x) * k),
                    (int)lround((in.y - src.y) * k), out_w, out_h, "extend",
                    VIPS_EXTEND_COPY, NULL);
done:
    for (int i = 2; i >= 0; i--)
        if (t[i])
            g_object_unref(t[i]);
    return rc;
}

idp_status idp__image_region(idp_ctx *ctx, const idp_image *img, idp_rect src,
                             int out_w, int out_h, uint8_t *rgb)
{
    VipsImage *r = NULL;
    size_t len = 0;
    uint8_t *buf;
    idp_status st = idp__vips_init(ctx);
    if (st != IDP_OK)
        return st;
    if (out_w < 1 || out_h < 1 || !(src.w > 0) || !(src.h > 0))
        return idp__fail(ctx, IDP_E_INVALID_ARG, "empty region");
    if (region_pipeline(img, src, out_w, out_h, &r))
        return vips_fail(ctx, IDP_E_INTERNAL, idp_image_name(img),
                         "cannot resample the crop");
    buf = to_memory(r, &len);
    g_object_unref(r);
    if (!buf || len != (size_t)out_w * (size_t)out_h * 3) {
        g_free(buf);
        return idp__fail(ctx, IDP_E_NOMEM, "out of memory");
    }
    memcpy(rgb, buf, len);
    g_free(buf);
    return IDP_OK;
}

idp_status idp__plane_resize(idp_ctx *ctx, const uint8_t *plane, int w, int h,
                             int ow, int oh, uint8_t **out)
{
    VipsImage *in, *big = NULL;
    size_t len = 0;
    idp_status st = idp__vips_init(ctx);
    *out = NULL;
    if (st != IDP_OK)
        return st;
    in = wrap(plane, w, h, 1);
    if (!in || vips_resize(in, &big, (double)ow / w, "vscale", (double)oh / h,
                           "kernel", VIPS_KERNEL_LINEAR, NULL)) {
        if (in)
            g_object_unref(in);
        return vips_fail(ctx, IDP_E_INTERNAL, "matte", "cannot resize");
    }
    g_object_unref(in);
    if (big->Xsize == ow && big->Ysize == oh)
        *out = to_memory(big, &len);
    g_object_unref(big);
    if (!*out)
        return idp__fail(ctx, IDP_E_NOMEM, "matte: cannot resize");
    return IDP_OK;
}

/* `bands` x 8-bit pixels (w x h, packed) turned by `deg` (clockwise on
 * screen) about (cx, cy) into the same frame, bilinear; outside the
 * source the edge repeats. Into a buffer to free(). */
static idp_status rotate_pixels(idp_ctx *ctx, const uint8_t *px, int w, int h,
                                int bands, double deg, double cx, double cy,
                                uint8_t **out)
{
    double t = deg * 3.14159265358979323846 / 180.0;
    VipsArrayInt *area = vips_array_int_newv(4, 0, 0, w, h);
    VipsImage *in, *rot = NULL;
    size_t len = 0;
    int rc;
    *out = NULL;
    in = wrap(px, w, h, bands);
    rc = !in || vips_affine(in, &rot, cos(t), -sin(t), sin(t), cos(t), "idx",
                            -cx, "idy", -cy, "odx", cx, "ody", cy, "oarea",
                            area, "extend", VIPS_EXTEND_COPY, NULL);
    vips_area_unref(VIPS_AREA(area));
    if (in)
        g_object_unref(in);
    if (rc)
        return vips_fail(ctx, IDP_E_INTERNAL, "rotation", "cannot turn");
    if (rot->Xsize == w && rot->Ysize == h)
        *out = vips_image_write_to_memory(rot, &len);
    g_object_unref(rot);
    if (!*out || len != (size_t)w * (size_t)h * (size_t)bands) {
        free(*out);
        *out = NULL;
        return idp__fail(ctx, IDP_E_NOMEM, "rotation: out of memory");
    }
    return IDP_OK;
}

idp_status idp__image_rotate(idp_ctx *ctx, const idp_image *img, double deg,
                             double cx, double cy, idp_image **out)
{
    idp_image *r = calloc(1, sizeof *r);
    idp_status st = r ? idp__vips_init(ctx) : IDP_E_NOMEM;
    *out = NULL;
    if (st == IDP_OK && img->stride != (size_t)img->width * 3)
        st = IDP_E_INVALID_ARG;
    if (st == IDP_OK && !(r->name = strdup(idp_image_name(img))))
        st = IDP_E_NOMEM;
    if (st == IDP_OK)
        st = rotate_pixels(ctx, img->pixels, img->width, img->height, 3, deg,
                           cx, cy, &r->pixels);
    if (st != IDP_OK) {
        idp_image_free(r);
        return st == IDP_E_NOMEM ? idp__fail(ctx, st, "out of memory") : st;
    }
    r->width = img->width;
    r->height = img->height;
    r->stride = img->stride;
    r->info = img->info;
    r->decode_ms = img->decode_ms;
    *out = r;
    return IDP_OK;
}

idp_status idp__plane_rotate(idp_ctx *ctx, const uint8_t *plane, int w, int h,
                             double deg, double cx, double cy, uint8_t **out)
{
    idp_status st = idp__vips_init(ctx);
    *out = NULL;
    return st == IDP_OK ? rotate_pixels(ctx, plane, w, h, 1, deg, cx, cy, out)
                        : st;
}
