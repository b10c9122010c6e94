/*
 * test_decode_huff.c - decode_huff.c's Huffman decoding against libjpeg's
 * own. JPEGs made here by libjpeg: grey and three components; 4:4:4,
 * 4:2:2, 4:2:0 and 4:4:0; sizes from 1x1; qualities 25 to 100; standard
 * and optimised tables; restart intervals of 1 and 3 MCUs and of a row;
 * smooth pictures and noise (long codes, values longer than the fast
 * table); rows of up to 65 MCUs (decode_rows.c takes 16 at a time). Each
 * decoded at 1/1, 1/2, 1/4 and 1/8 with libjpeg's decoding and with
 * ours: ours taken for every sequential scan, the same pixels (at 1/4,
 * three components through decode_rows.c); a progressive file left to
 * libjpeg. Files written from coefficients at the ends of their ranges
 * (16-bit dequantisers), the same; and decode_rows.c declines when
 * libjpeg's 2x2 IDCT is its C routine.
 *
 * 0xFF fill bytes put in where libjpeg reads past them (before a stuffed
 * 0xFF 0x00, before each restart marker): ours decodes the file, and to
 * libjpeg's picture.
 *
 * Then the files damaged (bytes of the scan changed, the scan cut short,
 * a restart marker dropped, renumbered or preceded by a byte, 0xFF 0x00,
 * 0xFF 0xFF or a marker put in): ours may refuse what libjpeg decodes
 * (libjpeg-turbo's fast path reads a code that is no code as 0 without a
 * warning; a byte before a restart marker may go unreported), never the
 * reverse, and what it decodes is libjpeg's picture (libjpeg's warnings
 * refuse, as in decode_jpeg.c).
 */
#include "check.h"
#include "decode_huff.h"
#include "decode_idct.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include <jpegint.h>

typedef struct quiet {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
} quiet;

static void on_error(j_common_ptr c)
{
    longjmp(((quiet *)c->err)->jump, 1);
}

static void on_message(j_common_ptr c, int level)
{
    if (level < 0) /* a warning refuses, as in decode_jpeg.c */
        longjmp(((quiet *)c->err)->jump, 1);
}

static void on_output(j_common_ptr c)
{
    (void)c;
}

static uint32_t rng = 12345;

static unsigned rnd(unsigned n)
{
    rng = rng * 1664525u + 1013904223u;
    return (rng >> 8) % n;
}

typedef struct spec {
    int w, h, comps, hs, vs; /* luma sampling factors */
    int quality, optimise, restart, restart_rows, progressive, noise;
} spec;

/* A picture: a gradient and a disc, plus noise of amplitude s->noise. */
static uint8_t *picture(const spec *s)
{
    uint8_t *px = malloc((size_t)s->w * (size_t)s->h * (size_t)s->comps);
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++)
            for (int c = 0; c < s->comps; c++) {
                int dx = x - s->w / 2, dy = y - s->h / 3;
                int v = (x * 255) / (s->w > 1 ? s->w : 1) / (c + 1) +
                        (dx * dx + dy * dy < s->w * s->w / 9 ? 60 : 0);
                if (s->noise)
                    v += (int)rnd((unsigned)(2 * s->noise + 1)) - s->noise;
                px[((size_t)y * (size_t)s->w + (size_t)x) * (size_t)s->comps +
                   (size_t)c] = (uint8_t)(v < 0     ? 0
                                          : v > 255 ? 255
                                                    : v);
            }
    return px;
}

static unsigned char *encode(const spec *s, unsigned long *len)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    unsigned char *out = NULL;
    uint8_t *px = picture(s);
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &out, len);
    c.image_width = (JDIMENSION)s->w;
    c.image_height = (JDIMENSION)s->h;
    c.input_components = s->comps;
    c.in_color_space = s->comps == 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, s->quality, TRUE);
    c.comp_info[0].h_samp_factor = s->hs;
    c.comp_info[0].v_samp_factor = s->vs;
    c.optimize_coding = s->optimise;
    c.restart_interval = (unsigned)s->restart;
    c.restart_in_rows = s->restart_rows;
    if (s->progressive)
        jpeg_simple_progression(&c);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row =
            px + (size_t)c.next_scanline * (size_t)s->w * (size_t)s->comps;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(px);
    return out;
}

typedef struct decoded {
    uint8_t *px; /* NULL: refused */
    size_t n;
    int took; /* decode_huff.c decoded the scan */
    int rows; /* and decode_rows.c made the pixels */
} decoded;

/* A decompressor whose warnings and errors jump to err's setjmp. */
static void quiet_start(struct jpeg_decompress_struct *c, quiet *err)
{
    memset(c, 0, sizeof *c);
    c->err = jpeg_std_error(&err->pub);
    err->pub.error_exit = on_error;
    err->pub.emit_message = on_message;
    err->pub.output_message = on_output;
}

/* The file at 1/scale, every row, with ours when `ours`. */
static decoded decode(const unsigned char *d, unsigned long len, int scale,
                      int ours)
{
    struct jpeg_decompress_struct c;
    quiet err;
    decoded r = {NULL, 0, 0, 0};
    uint8_t *volatile px = NULL;
    idp__huff *volatile h = NULL;
    quiet_start(&c, &err);
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&c);
        idp__huff_free(h);
        free(px);
        return r;
    }
    jpeg_create_decompress(&c);
    jpeg_mem_src(&c, d, len);
    jpeg_read_header(&c, TRUE);
    c.scale_num = 1;
    c.scale_denom = (unsigned)scale;
    jpeg_start_decompress(&c);
    if (ours) {
        r.took = (h = idp__huff_take(&c)) != NULL;
        r.rows = h && idp__huff_rows(h) != NULL;
    }
    r.n = (size_t)c.output_width * (size_t)c.output_components *
          (size_t)c.output_height;
    px = malloc(r.n ? r.n : 1);
    while (c.output_scanline < c.output_height) {
        JSAMPROW row = px + (size_t)c.output_scanline * (size_t)c.output_width *
                                (size_t)c.output_components;
        jpeg_read_scanlines(&c, &row, 1);
    }
    jpeg_destroy_decompress(&c);
    idp__huff_free(h);
    r.px = px;
    return r;
}

static int same(const decoded *a, const decoded *b)
{
    return a->px && b->px && a->n == b->n && memcmp(a->px, b->px, a->n) == 0;
}

static int n_files, n_decodes, n_taken, n_rows;

/* Both decodes of a good file at every scale: the same, ours taken
 * unless progressive. */
static void check_good(const spec *s, const unsigned char *d, unsigned long len)
{
    for (int scale = 1; scale <= 8; scale *= 2) {
        decoded a = decode(d, len, scale, 0), b = decode(d, len, scale, 1);
        CHECK(a.px != NULL);
        CHECK(same(&a, &b));
        CHECK_EQ_INT(b.took, !s->progressive);
        CHECK_EQ_INT(b.rows, !s->progressive && s->comps == 3 && scale == 4 &&
                                 idp__idct2_vector());
        if (!same(&a, &b))
            fprintf(stderr,
                    "  %dx%d comps %d %dx%d q%d opt %d rst %d/%d "
                    "noise %d at 1/%d\n",
                    s->w, s->h, s->comps, s->hs, s->vs, s->quality, s->optimise,
                    s->restart, s->restart_rows, s->noise, scale);
        n_decodes++;
        n_taken += b.took;
        n_rows += b.rows;
        free(a.px);
        free(b.px);
    }
}

/* Where the scan's data start: after the SOS segment. */
static size_t scan_start(const unsigned char *d, unsigned long len)
{
    size_t i = 2;
    while (i + 4 <= len && d[i] == 0xFF) {
        size_t seg = (size_t)d[i + 2] << 8 | d[i + 3];
        if (d[i + 1] == 0xDA)
            return i + 2 + seg;
        i += 2 + seg;
    }
    return 0;
}

/* The positions of the restart markers (0xFF 0xD0..0xD7) in the scan. */
static int find_rst(const unsigned char *d, unsigned long len, size_t from,
                    size_t *at, int max)
{
    int n = 0;
    for (size_t i = from; i + 1 < len && n < max; i++)
        if (d[i] == 0xFF && d[i + 1] >= 0xD0 && d[i + 1] <= 0xD7)
            at[n++] = i;
    return n;
}

/* What follows an 0xFF put in: a stuffed zero, a fill byte, markers. */
static const unsigned char markers[] = {0x00, 0x00, 0xFF, 0xFF, 0x01,
                                        0xD0, 0xD3, 0xD9, 0xC4, 0xDA,
                                        0xDD, 0xE1, 0xFE};

/* One kind of damage to a copy of the file; its new length. */
static unsigned long damage(unsigned char *d, unsigned long len, int kind,
                            size_t from)
{
    size_t at[64], span = len - 2 - from, i = from + rnd((unsigned)span);
    int n_rst = find_rst(d, len, from, at, 64);
    switch (kind) {
    case 0: /* bytes of the scan changed */
        for (int k = 0; k < 1 + (int)rnd(3); k++)
            d[from + rnd((unsigned)span)] = (unsigned char)rnd(256);
        return len;
    case 1: /* cut short, then the EOI */
        d[i] = 0xFF;
        d[i + 1] = 0xD9;
        return (unsigned long)i + 2;
    case 2: /* 0xFF 0x00, 0xFF 0xFF or a marker put in */
        memmove(d + i + 2, d + i, len - i);
        d[i] = 0xFF;
        d[i + 1] = markers[rnd(sizeof markers)];
        return len + 2;
    case 3: /* a restart marker dropped */
        if (n_rst == 0)
            return len;
        i = at[rnd((unsigned)n_rst)];
        memmove(d + i, d + i + 2, len - i - 2);
        return len - 2;
    case 4: /* a restart marker renumbered */
        if (n_rst)
            d[at[rnd((unsigned)n_rst)] + 1] = (unsigned char)(0xD0 + rnd(8));
        return len;
    default: /* a byte before a restart marker */
        if (n_rst == 0)
            return len;
        i = at[rnd((unsigned)n_rst)];
        memmove(d + i + 1, d + i, len - i);
        d[i] = (unsigned char)rnd(255);
        return len + 1;
    }
}

/* The file with 0xFF fill bytes put in where they change nothing: one
 * more before a stuffed 0xFF 0x00 and before every restart marker
 * (libjpeg reads 0xFF 0xFF 0x00 as one 0xFF, 0xFF 0xFF 0xD0 as RST0). */
static unsigned long fill_bytes(const unsigned char *d, unsigned long len,
                                size_t from, unsigned char *out, int *added)
{
    unsigned long n = 0;
    int stuffed = 0;
    *added = 0;
    for (size_t i = 0; i < len; i++) {
        if (i >= from && i + 1 < len && d[i] == 0xFF &&
            ((d[i + 1] == 0x00 && !stuffed++) ||
             (d[i + 1] >= 0xD0 && d[i + 1] <= 0xD7))) {
            out[n++] = 0xFF;
            ++*added;
        }
        out[n++] = d[i];
    }
    return n;
}

static int n_filled;

/* Ours decodes the file with fill bytes as libjpeg decodes the file. */
static void check_fill(const unsigned char *d, unsigned long len)
{
    size_t from = scan_start(d, len);
    unsigned char *f = malloc(2 * len);
    int added;
    unsigned long n = fill_bytes(d, len, from, f, &added);
    if (from && added) {
        decoded a = decode(d, len, 1, 0), b = decode(f, n, 1, 1);
        CHECK(b.took);
        CHECK(same(&a, &b));
        n_filled++;
        free(a.px);
        free(b.px);
    }
    free(f);
}

static int n_damaged, n_both, n_lib_only, n_none;

/* Damaged copies: ours decodes only what libjpeg decodes, to the same
 * pixels. */
static void check_damaged(const unsigned char *d, unsigned long len, int tries)
{
    size_t from = scan_start(d, len);
    unsigned char *copy = malloc(len + 64);
    if (from == 0 || from + 8 >= len) {
        free(copy);
        return;
    }
    for (int t = 0; t < tries; t++) {
        unsigned long n;
        int scale = 1 << rnd(4);
        decoded a, b;
        memcpy(copy, d, len);
        n = damage(copy, len, (int)rnd(6), from);
        a = decode(copy, n, scale, 0);
        b = decode(copy, n, scale, 1);
        n_damaged++;
        if (b.px) {
            CHECK(same(&a, &b));
            n_both += a.px != NULL;
        } else {
            n_lib_only += a.px != NULL;
            n_none += a.px == NULL;
        }
        free(a.px);
        free(b.px);
    }
    free(copy);
}

static void one(const spec *s, int tries)
{
    unsigned long len = 0;
    unsigned char *d = encode(s, &len);
    n_files++;
    check_good(s, d, len);
    if (!s->progressive)
        check_fill(d, len);
    if (!s->progressive && tries > 0)
        check_damaged(d, len, tries);
    free(d);
}

/* ---- coefficients at the ends of their ranges ---- */

/* A file of w x h written from coefficients: ACs up to +-1023, DCs up to
 * +-1023 (differences within 11 bits), dequantisers up to 32767 (16-bit
 * tables, extended sequential): products past 16 bits and sums past 32,
 * what libjpeg-turbo's SSE2 2x2 IDCT wraps and saturates. */
static unsigned char *extreme(int w, int h, int hs, int vs, unsigned *seed,
                              unsigned long *len)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    unsigned char *out = NULL;
    jvirt_barray_ptr arrays[3];
    unsigned int table[DCTSIZE2];
    c.err = jpeg_std_error(&err);
    err.output_message = on_output; /* "tables too coarse for baseline" */
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &out, len);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = 3;
    c.in_color_space = JCS_YCbCr;
    jpeg_set_defaults(&c);
    c.comp_info[0].h_samp_factor = hs;
    c.comp_info[0].v_samp_factor = vs;
    c.optimize_coding = TRUE; /* any symbol the values need */
    for (int t = 0; t < 2; t++) {
        for (int i = 0; i < DCTSIZE2; i++)
            table[i] = *seed % 3 ? 1 + (rng = rng * 1664525u + 1013904223u,
                                        (rng >> 8) % 32767)
                                 : 1 + (unsigned)i;
        *seed += 1;
        jpeg_add_quant_table(&c, t, table, 100, FALSE);
    }
    for (int ci = 0; ci < 3; ci++) {
        jpeg_component_info *comp = &c.comp_info[ci];
        int hb = (w * comp->h_samp_factor / hs + 7) / 8 + hs;
        int vb = (h * comp->v_samp_factor / vs + 7) / 8 + vs;
        arrays[ci] = (*c.mem->request_virt_barray)(
            (j_common_ptr)&c, JPOOL_IMAGE, TRUE, (JDIMENSION)hb, (JDIMENSION)vb,
            (JDIMENSION)comp->v_samp_factor);
    }
    jpeg_write_coefficients(&c, arrays);
    for (int ci = 0; ci < 3; ci++) {
        jpeg_component_info *comp = &c.comp_info[ci];
        for (JDIMENSION r = 0; r < comp->height_in_blocks; r++) {
            JBLOCKARRAY rows = (*c.mem->access_virt_barray)(
                (j_common_ptr)&c, arrays[ci], r, 1, TRUE);
            for (JDIMENSION b = 0; b < comp->width_in_blocks; b++)
                for (int i = 0; i < DCTSIZE2; i++) {
                    int big = rnd(4) == 0, v = (int)rnd(2047) - 1023;
                    rows[0][b][i] = (JCOEF)(big || i == 0 ? v
                                            : rnd(3)      ? 0
                                                          : v / 64);
                }
        }
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    return out;
}

static int n_extreme;

/* Ours against libjpeg on such files at every scale; at 1/4 through
 * decode_rows.c. */
static void test_extreme(void)
{
    static const int samp[][2] = {{1, 1}, {2, 1}, {2, 2}, {1, 2}};
    unsigned seed = 0;
    for (int k = 0; k < 24; k++) {
        unsigned long len = 0;
        int w = 40 + (int)rnd(300), h = 8 + (int)rnd(60);
        unsigned char *d =
            extreme(w, h, samp[k % 4][0], samp[k % 4][1], &seed, &len);
        for (int scale = 1; scale <= 8; scale *= 2) {
            decoded a = decode(d, len, scale, 0), b = decode(d, len, scale, 1);
            CHECK(a.px != NULL);
            CHECK(same(&a, &b));
            if (scale == 4)
                CHECK_EQ_INT(b.rows, idp__idct2_vector());
            n_extreme++;
            free(a.px);
            free(b.px);
        }
        free(d);
    }
}

/* ---- decode_rows.c asks libjpeg's 2x2 IDCT ---- */

/* libjpeg's C jpeg_idct_2x2() (jidctred.c): products in 64 bits, the
 * pixels wrapped through its range table. On ordinary blocks it agrees
 * with the SSE2 routine; decode_rows.c must find where it does not and
 * leave the decode to libjpeg. */
static void idct_2x2_c(j_decompress_ptr c, jpeg_component_info *comp,
                       JCOEFPTR in, JSAMPARRAY out, JDIMENSION col)
{
    const short *q = comp->dct_table;
    const JSAMPLE *range = c->sample_range_limit + CENTERJSAMPLE;
    long ws[16];
    for (int x = 0; x < 8; x++) {
        long z0 = (long)in[x] * q[x], t0;
        if (x == 2 || x == 4 || x == 6)
            continue;
        t0 = (long)in[56 + x] * q[56 + x] * -5906 +
             (long)in[40 + x] * q[40 + x] * 6967 +
             (long)in[24 + x] * q[24 + x] * -10426 +
             (long)in[8 + x] * q[8 + x] * 29692;
        ws[x] = (z0 * 32768 + t0 + (1L << 12)) >> 13;
        ws[8 + x] = (z0 * 32768 - t0 + (1L << 12)) >> 13;
    }
    for (int r = 0; r < 2; r++) {
        const long *w = ws + 8 * r;
        long t10 = w[0] * 32768,
             t0 = w[7] * -5906 + w[5] * 6967 + w[3] * -10426 + w[1] * 29692;
        out[r][col] = range[((t10 + t0 + (1L << 19)) >> 20) & 1023];
        out[r][col + 1] = range[((t10 - t0 + (1L << 19)) >> 20) & 1023];
    }
}

/* A 4:4:4 file decoded at 1/4: taken through decode_rows.c with
 * libjpeg's own IDCT, not with the C routine in its place (then libjpeg's
 * whole decode, which the C routine makes). */
static void test_asks_libjpeg(void)
{
    spec s = {64, 48, 3, 1, 1, 90, 0, 0, 0, 0, 30};
    unsigned long len = 0;
    unsigned char *d = encode(&s, &len);
    for (int swap = 0; swap < 2; swap++) {
        struct jpeg_decompress_struct c;
        quiet err;
        idp__huff *volatile h = NULL;
        quiet_start(&c, &err);
        if (setjmp(err.jump)) {
            CHECK(0);
            jpeg_destroy_decompress(&c);
            idp__huff_free(h);
            continue;
        }
        jpeg_create_decompress(&c);
        jpeg_mem_src(&c, d, len);
        jpeg_read_header(&c, TRUE);
        c.scale_num = 1;
        c.scale_denom = 4;
        jpeg_start_decompress(&c);
        if (swap)
            for (int ci = 0; ci < c.num_components; ci++)
                c.idct->inverse_DCT[ci] = idct_2x2_c;
        h = idp__huff_take(&c);
        CHECK(h != NULL);
        CHECK_EQ_INT(h && idp__huff_rows(h) != NULL,
                     !swap && idp__idct2_vector());
        jpeg_destroy_decompress(&c);
        idp__huff_free(h);
    }
    free(d);
}

int main(void)
{
    static const int sizes[][2] = {{1, 1},   {7, 9},   {16, 16},   {17, 33},
                                   {64, 48}, {99, 70}, {200, 150}, {520, 24}};
    static const int samp[][3] = {
        {3, 1, 1}, {3, 2, 1}, {3, 2, 2}, {3, 1, 2}, {1, 1, 1}};
    static const int quality[] = {25, 75, 92, 100};
    for (size_t z = 0; z < sizeof sizes / sizeof *sizes; z++)
        for (size_t m = 0; m < sizeof samp / sizeof *samp; m++)
            for (size_t q = 0; q < sizeof quality / sizeof *quality; q++) {
                spec s = {sizes[z][0], sizes[z][1], samp[m][0],   samp[m][1],
                          samp[m][2],  quality[q],  (int)(q & 1), 0,
                          0,           0,           (int)q * 40};
                one(&s, 0);
                s.restart = 1 + (int)(z % 3);
                one(&s, z >= 4 ? 12 : 0);
                s.restart = 0;
                s.restart_rows = 1;
                s.noise = 120;
                one(&s, z >= 4 ? 12 : 0);
            }
    {
        spec p = {120, 90, 3, 2, 2, 85, 0, 0, 0, 1, 20};
        one(&p, 0);
    }
    for (int k = 0; k < 60; k++) { /* plain files damaged */
        spec s = {64 + (int)rnd(150),
                  48 + (int)rnd(150),
                  3,
                  1 + (int)rnd(2),
                  1 + (int)rnd(2),
                  40 + (int)rnd(61),
                  (int)rnd(2),
                  0,
                  0,
                  0,
                  (int)rnd(100)};
        one(&s, 10);
    }
    test_extreme();
    test_asks_libjpeg();
    printf("%d files, %d decodes the same (%d by decode_huff.c, %d of them "
           "through decode_rows.c), %d with fill bytes; damaged: %d, %d "
           "decoded the same by both, %d by libjpeg alone, %d by neither\n",
           n_files, n_decodes, n_taken, n_rows, n_filled, n_damaged, n_both,
           n_lib_only, n_none);
    printf("%d decodes of files with extreme coefficients the same\n",
           n_extreme);
    return CHECK_DONE();
}
