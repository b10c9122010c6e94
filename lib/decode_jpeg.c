/*
 * decode_jpeg.c - the common JPEG decoded by libjpeg directly, without
 * libvips' pipeline around it: 7 of the 45 ms a 12 MP phone photo takes
 * at 1/4 (libvips hands libjpeg's rows through a sequential tile cache
 * and its worker threads), and the rows can be watched as they arrive
 * (image_io.c makes the grey plane beside the decode).
 *
 * Only what libvips would decode the same way, byte for byte: three
 * components that libjpeg outputs as RGB (YCbCr or RGB in the file; no
 * CMYK, no grey), with libjpeg's defaults (integer DCT, fancy
 * upsampling) and its DCT scaling at 1/shrink, cut to floor(size /
 * shrink) as libvips cuts it. The caller checks the rest on libvips'
 * header (8-bit, no ICC profile, upright) and gives the size.
 *
 * The scan's Huffman decoding is decode_huff.c's where it can take it
 * (the same coefficients, a quarter of the time less), and at 1/4 the
 * way from its coefficients to pixels decode_rows.c's (the same pixels).
 *
 * Anything else returns 1 and the caller decodes through libvips, which
 * then also gives the error of a broken file: libjpeg's warnings (data
 * cut short, a corrupt segment) end this decode like its errors do, as
 * libvips' fail_on warning ends its own. The library never prints: the
 * messages are dropped.
 */
#include "decode_huff.h"
#include "idp_internal.h"

#include <limits.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#define ROWS_AT_ONCE 16 /* scanlines asked of libjpeg per call */

typedef struct decode_error {
    struct jpeg_error_mgr pub; /* first: libjpeg sees only this */
    jmp_buf jump;
} decode_error;

static void on_error(j_common_ptr c)
{
    longjmp(((decode_error *)c->err)->jump, 1);
}

/* level < 0: a warning, which fails the decode; trace messages pass. */
static void on_message(j_common_ptr c, int level)
{
    if (level < 0)
        longjmp(((decode_error *)c->err)->jump, 1);
}

static void on_output(j_common_ptr c)
{
    (void)c;
}

/* Three components stored as YCbCr or RGB: what libjpeg turns into RGB
 * (no CMYK, no grey). */
static int three_components(const struct jpeg_decompress_struct *c)
{
    return c->num_components == 3 &&
           (c->jpeg_color_space == JCS_YCbCr || c->jpeg_color_space == JCS_RGB);
}

/* 1 when libjpeg will give the rows libvips would: RGB out of three
 * components at the caller's size. */
static int same_as_libvips(const struct jpeg_decompress_struct *c, int w, int h,
                           int shrink)
{
    return three_components(c) && c->out_color_space == JCS_RGB &&
           c->output_components == 3 &&
           (int)(c->image_width / (unsigned)shrink) == w &&
           (int)(c->image_height / (unsigned)shrink) == h &&
           (int)c->output_width >= w && (int)c->output_height >= h;
}

/* The first h scanlines into `out` (w x h, 3 bytes a pixel), as libvips
 * reads them (never the row libjpeg's rounding up adds, and no
 * jpeg_finish_decompress); a row wider than w goes through `spare`. The
 * caller's `done` may stop it early. */
static void read_rows(struct jpeg_decompress_struct *c, uint8_t *out, int w,
                      int h, uint8_t *spare, idp__rows_done done, void *arg)
{
    size_t row = (size_t)w * 3;
    int direct = (int)c->output_width == w;
    while ((int)c->output_scanline < h) {
        JSAMPROW rows[ROWS_AT_ONCE];
        int y = (int)c->output_scanline, n = 1, got;
        rows[0] = spare;
        if (direct)
            for (n = 0; n < ROWS_AT_ONCE && y + n < h; n++)
                rows[n] = out + (size_t)(y + n) * row;
        got = (int)jpeg_read_scanlines(c, rows, (JDIMENSION)n);
        if (got < 1)
            return; /* no data: libjpeg warned (and we jumped) before */
        if (!direct)
            memcpy(out + (size_t)y * row, spare, row);
        if (done && done(arg, y + got))
            return; /* stopped: short of h rows, the decode fails */
    }
}

/* Our error manager: errors and warnings jump, nothing is printed. */
static void quiet_errors(struct jpeg_decompress_struct *c, decode_error *err)
{
    memset(c, 0, sizeof *c);
    c->err = jpeg_std_error(&err->pub);
    err->pub.error_exit = on_error;
    err->pub.emit_message = on_message;
    err->pub.output_message = on_output;
}

int idp__jpeg_decode(const void *data, size_t len, int shrink, int w, int h,
                     uint8_t *out, idp__rows_done done, void *arg)
{
    struct jpeg_decompress_struct c;
    decode_error err;
    uint8_t *volatile spare = NULL;
    idp__huff *volatile huff = NULL;
    int got_all;
    if (!data || len == 0 || len > ULONG_MAX || w < 1 || h < 1 || shrink < 1 ||
        shrink > 8)
        return 1;
    quiet_errors(&c, &err);
    if (setjmp(err.jump)) { /* also from jpeg_create_decompress */
        jpeg_destroy_decompress(&c);
        idp__huff_free(huff);
        free(spare);
        return 1;
    }
    jpeg_create_decompress(&c);
    jpeg_mem_src(&c, (const unsigned char *)data, (unsigned long)len);
    jpeg_read_header(&c, TRUE);
    c.scale_num = 1;
    c.scale_denom = (unsigned)shrink;
    jpeg_calc_output_dimensions(&c);
    if (!same_as_libvips(&c, w, h, shrink) ||
        !(spare = malloc((size_t)c.output_width * 3))) {
        jpeg_destroy_decompress(&c);
        free(spare);
        return 1;
    }
    jpeg_start_decompress(&c);
    huff = idp__huff_take(&c); /* NULL: libjpeg's own */
    read_rows(&c, out, w, h, spare, done, arg);
    got_all = (int)c.output_scanline >= h;
    jpeg_destroy_decompress(&c);
    idp__huff_free(huff);
    free(spare);
    return got_all ? 0 : 1;
}

/* ---- the probe: a guess at libvips' header from the JPEG's own ---- */

#define EXIF_ORIENTATION 0x0112
#define TIFF_SHORT       3

static unsigned get16(const uint8_t *p, int big)
{
    return big ? (unsigned)(p[0] << 8 | p[1]) : (unsigned)(p[1] << 8 | p[0]);
}

static uint32_t get32(const uint8_t *p, int big)
{
    return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
                     (uint32_t)p[2] << 8 | p[3]
               : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
                     (uint32_t)p[1] << 8 | p[0];
}

/* The orientation in the first IFD of an APP1 Exif block: 1 when absent,
 * 0 when the block cannot be read (no guess then). */
static unsigned exif_orientation(const uint8_t *d, size_t n)
{
    const uint8_t *t = d + 6; /* after "Exif\0\0": the TIFF header */
    size_t tn = n - 6;
    int big;
    uint32_t ifd;
    unsigned count;
    if (n < 6 + 8 || memcmp(d, "Exif\0\0", 6) != 0)
        return 0;
    if (memcmp(t, "II*\0", 4) == 0)
        big = 0;
    else if (memcmp(t, "MM\0*", 4) == 0)
        big = 1;
    else
        return 0;
    ifd = get32(t + 4, big);
    if (ifd > tn - 2 || tn < 2)
        return 0;
    count = get16(t + ifd, big);
    if ((size_t)count * 12 > tn - ifd - 2)
        return 0;
    for (unsigned i = 0; i < count; i++) {
        const uint8_t *e = t + ifd + 2 + (size_t)i * 12;
        if (get16(e, big) != EXIF_ORIENTATION)
            continue;
        if (get16(e + 2, big) != TIFF_SHORT || get32(e + 4, big) != 1)
            return 0;
        return get16(e + 8, big);
    }
    return 1;
}

/* 1 when no saved marker rules the file out: an ICC profile (APP2
 * "ICC_PROFILE"), an EXIF orientation other than 1, or EXIF we cannot
 * read. */
static int markers_plain(const struct jpeg_decompress_struct *c)
{
    for (jpeg_saved_marker_ptr m = c->marker_list; m; m = m->next) {
        if (m->marker == JPEG_APP0 + 2 && m->data_length >= 12 &&
            memcmp(m->data, "ICC_PROFILE", 12) == 0)
            return 0;
        if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 &&
            memcmp(m->data, "Exif\0\0", 6) == 0 &&
            exif_orientation(m->data, m->data_length) != 1)
            return 0;
    }
    return 1;
}

int idp__jpeg_probe(const void *data, size_t len, int *w, int *h)
{
    struct jpeg_decompress_struct c;
    decode_error err;
    int plain;
    *w = *h = 0;
    if (!data || len < 4 || len > ULONG_MAX)
        return 0;
    quiet_errors(&c, &err);
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&c);
        return 0;
    }
    jpeg_create_decompress(&c);
    jpeg_mem_src(&c, (const unsigned char *)data, (unsigned long)len);
    jpeg_save_markers(&c, JPEG_APP0 + 1, 0xFFFF);
    jpeg_save_markers(&c, JPEG_APP0 + 2, 0xFFFF);
    jpeg_read_header(&c, TRUE);
    plain = three_components(&c) && c.data_precision == 8 &&
            c.image_width <= INT_MAX && c.image_height <= INT_MAX &&
            markers_plain(&c);
    if (plain) {
        *w = (int)c.image_width;
        *h = (int)c.image_height;
    }
    jpeg_destroy_decompress(&c);
    return plain;
}
