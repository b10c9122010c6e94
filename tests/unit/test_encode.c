/*
 * test_encode.c - idp__encode_jpeg and idp__encode_png on synthetic
 * portraits (a wall gradient, hair, a face-like ellipse, shoulders, and
 * deterministic noise whose amplitude sets how big the files get).
 * The files are checked by parsing them: JPEG markers (SOI, JFIF APP0 and
 * its density, no other APPn or COM, SOF0, EOI as the very last bytes) and
 * PNG chunks (CRCs, IHDR, pHYs, sRGB, no text, time, ICC, gAMA or cHRM).
 * The statistics pass that replaces libjpeg's gives its files.
 */
#include "check.h"
#include "idp_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KB 1024

/* ---- synthetic images ---- */

typedef struct pic {
    uint8_t *px;
    int w, h, channels;
    size_t stride;
} pic;

static uint32_t rng_next(uint32_t *s)
{
    uint32_t x = *s; /* xorshift32 */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static uint8_t clamp8(double v)
{
    if (v < 0)
        return 0;
    if (v > 255)
        return 255;
    return (uint8_t)(v + 0.5);
}

/* Is (x, y) inside the ellipse centred (cx, cy) with radii rx, ry? */
static double ellipse(double x, double y, double cx, double cy, double rx,
                      double ry)
{
    double u = (x - cx) / rx, v = (y - cy) / ry;
    return u * u + v * v;
}

/* The noiseless colour of a portrait at (x, y). */
static void portrait_at(int x, int y, int w, int h, double rgb[3])
{
    double fx = x, fy = y, t = fy / h;
    double face = ellipse(fx, fy, 0.5 * w, 0.45 * h, 0.19 * w, 0.17 * h);
    double hair = ellipse(fx, fy, 0.5 * w, 0.40 * h, 0.23 * w, 0.22 * h);
    double body = ellipse(fx, fy, 0.5 * w, 1.05 * h, 0.48 * w, 0.35 * h);

    rgb[0] = 100 + 30 * t, rgb[1] = 180 + 20 * t, rgb[2] = 250 - 15 * t;
    if (hair < 1 && fy < 0.45 * h)
        rgb[0] = 35, rgb[1] = 28, rgb[2] = 24;
    if (body < 1)
        rgb[0] = 40 + 20 * t, rgb[1] = 45, rgb[2] = 70;
    if (face < 1) {
        double shade = 1 - 0.25 * face;
        rgb[0] = 232 * shade, rgb[1] = 186 * shade, rgb[2] = 160 * shade;
        if (ellipse(fx, fy, 0.42 * w, 0.42 * h, 0.03 * w, 0.012 * h) < 1 ||
            ellipse(fx, fy, 0.58 * w, 0.42 * h, 0.03 * w, 0.012 * h) < 1)
            rgb[0] = rgb[1] = rgb[2] = 30; /* eyes */
    }
}

/* A w x h portrait with uniform noise of +-amp per channel (seeded, so
 * the same call gives the same pixels); rows padded by `pad` bytes. With
 * channels 1 the luma is kept; with 4, alpha is a soft ellipse. */
static pic make_pic(int w, int h, int channels, int amp, size_t pad)
{
    pic p = {NULL, w, h, channels, (size_t)channels * (size_t)w + pad};
    uint32_t seed = 0x9e3779b9u;

    p.px = calloc(p.stride * (size_t)h, 1);
    for (int y = 0; p.px && y < h; y++) {
        for (int x = 0; x < w; x++) {
            uint8_t *o =
                p.px + (size_t)y * p.stride + (size_t)channels * (size_t)x;
            double c[3];
            portrait_at(x, y, w, h, c);
            for (int k = 0; k < 3; k++)
                c[k] += (int)(rng_next(&seed) % (2u * (uint32_t)amp + 1)) - amp;
            if (channels == 1) {
                o[0] = clamp8(0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]);
                continue;
            }
            for (int k = 0; k < 3; k++)
                o[k] = clamp8(c[k]);
            if (channels == 4)
                o[3] = clamp8(255 * (1.4 - ellipse(x, y, w / 2.0, h / 2.0,
                                                   w / 2.0, h / 2.0)));
        }
    }
    return p;
}

/* A flat colour: the smallest file there is. */
static pic make_flat(int w, int h)
{
    pic p = {NULL, w, h, 3, 3 * (size_t)w};
    p.px = malloc(p.stride * (size_t)h);
    for (size_t i = 0; p.px && i < p.stride * (size_t)h; i += 3) {
        p.px[i] = 100;
        p.px[i + 1] = 197;
        p.px[i + 2] = 255;
    }
    return p;
}

/* ---- JPEG parsing ---- */

typedef struct jinfo {
    int ok;           /* structure valid, EOI is the last 2 bytes */
    int jfif;         /* first segment is APP0 "JFIF\0" */
    int unit, xd, yd; /* JFIF density */
    int other_app;    /* APP1..APP15 or a second APP0 */
    int com;          /* a COM segment */
    int sof;          /* marker of the frame header (0xC0: baseline) */
    int w, h, ncomp;
    int samp0; /* sampling byte of the first component (0x22: 4:2:0) */
} jinfo;

static int be16(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

/* Offset just after the entropy-coded data that starts at `i`. */
static size_t skip_entropy(const uint8_t *d, size_t len, size_t i)
{
    while (i + 1 < len) {
        if (d[i] == 0xFF && d[i + 1] != 0 &&
            !(d[i + 1] >= 0xD0 && d[i + 1] <= 0xD7))
            return i;
        i++;
    }
    return len;
}

static void jpeg_segment(jinfo *j, int m, const uint8_t *s, int n, int first)
{
    if (m == 0xE0 && first && n >= 14 && memcmp(s, "JFIF", 5) == 0) {
        j->jfif = 1;
        j->unit = s[7];
        j->xd = be16(s + 8);
        j->yd = be16(s + 10);
    } else if (m >= 0xE0 && m <= 0xEF) {
        j->other_app = 1;
    }
    if (m == 0xFE)
        j->com = 1;
    if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC &&
        n >= 9) {
        j->sof = m;
        j->h = be16(s + 1);
        j->w = be16(s + 3);
        j->ncomp = s[5];
        j->samp0 = s[7];
    }
}

static jinfo parse_jpeg(const uint8_t *d, size_t len)
{
    jinfo j;
    size_t i = 2;
    int first = 1;

    memset(&j, 0, sizeof j);
    if (!d || len < 4 || d[0] != 0xFF || d[1] != 0xD8)
        return j;
    while (i + 4 <= len && d[i] == 0xFF) {
        int m = d[i + 1], n = be16(d + i + 2);
        if (m == 0xD9)
            break;
        if (n < 2 || i + 2 + (size_t)n > len)
            return j;
        jpeg_segment(&j, m, d + i + 4, n - 2, first);
        first = 0;
        i += 2 + (size_t)n;
        if (m == 0xDA)
            i = skip_entropy(d, len, i);
    }
    j.ok = i + 2 == len && d[i] == 0xFF && d[i + 1] == 0xD9;
    return j;
}

/* ---- PNG parsing ---- */

typedef struct pinfo {
    int ok; /* signature, every CRC, IHDR first, IEND last at the end */
    int w, h, depth, ctype;
    int phys;
    uint32_t ppm_x, ppm_y;
    int phys_unit;
    int srgb;
    int meta; /* tEXt zTXt iTXt tIME iCCP gAMA cHRM */
} pinfo;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

static void png_chunk(pinfo *p, const uint8_t *type, const uint8_t *s,
                      uint32_t n)
{
    static const char *const meta[] = {"tEXt", "zTXt", "iTXt", "tIME",
                                       "iCCP", "gAMA", "cHRM"};
    if (memcmp(type, "IHDR", 4) == 0 && n == 13) {
        p->w = (int)be32(s);
        p->h = (int)be32(s + 4);
        p->depth = s[8];
        p->ctype = s[9];
    }
    if (memcmp(type, "pHYs", 4) == 0 && n == 9) {
        p->phys = 1;
        p->ppm_x = be32(s);
        p->ppm_y = be32(s + 4);
        p->phys_unit = s[8];
    }
    if (memcmp(type, "sRGB", 4) == 0)
        p->srgb = 1;
    for (size_t i = 0; i < sizeof meta / sizeof meta[0]; i++)
        if (memcmp(type, meta[i], 4) == 0)
            p->meta = 1;
}

static pinfo parse_png(const uint8_t *d, size_t len)
{
    static const uint8_t sig[8] = {137, 80, 78, 71, 13, 10, 26, 10};
    pinfo p;
    size_t i = 8;

    memset(&p, 0, sizeof p);
    if (!d || len < 8 || memcmp(d, sig, 8) != 0)
        return p;
    while (i + 12 <= len) {
        uint32_t n = be32(d + i);
        const uint8_t *type = d + i + 4;
        if (n > len - i - 12 || crc32_of(type, n + 4) != be32(type + 4 + n))
            return p;
        if (i == 8 && memcmp(type, "IHDR", 4) != 0)
            return p;
        png_chunk(&p, type, type + 4, n);
        i += 12 + n;
        if (memcmp(type, "IEND", 4) == 0) {
            p.ok = i == len;
            return p;
        }
    }
    return p;
}

/* ---- JPEG cases ---- */

static idp__jpeg_target chsi_target(void)
{
    idp__jpeg_target t = {300, 20 * KB, 40 * KB, 60, 95};
    return t;
}

/* The common checks of a JPEG result: structure and metadata. */
static jinfo check_jpeg(const idp__encoded *e, int w, int h, int dpi)
{
    jinfo j = parse_jpeg(e->data, e->len);
    CHECK(j.ok);
    CHECK(j.jfif);
    CHECK_EQ_INT(j.unit, dpi > 0 ? 1 : 0);
    CHECK_EQ_INT(j.xd, dpi > 0 ? dpi : 1);
    CHECK_EQ_INT(j.yd, dpi > 0 ? dpi : 1);
    CHECK(!j.other_app);
    CHECK(!j.com);
    CHECK_EQ_INT(j.sof, 0xC0); /* baseline */
    CHECK_EQ_INT(j.w, w);
    CHECK_EQ_INT(j.h, h);
    CHECK_EQ_INT(j.ncomp, 3);
    return j;
}

/* A realistic 480x640 lands in 20-40 KB at quality >= 60. */
static void test_jpeg_in_band(int amp)
{
    pic p = make_pic(480, 640, 3, amp, 0);
    idp__jpeg_target t = chsi_target();
    idp__encoded e = {0};

    CHECK(p.px != NULL);
    CHECK_EQ_INT(idp__encode_jpeg(NULL, p.px, p.w, p.h, p.stride, &t, &e),
                 IDP_OK);
    check_jpeg(&e, 480, 640, 300);
    CHECK_EQ_INT(e.in_band, 1);
    CHECK(e.len >= 20 * KB && e.len <= 40 * KB);
    CHECK(e.quality >= 60 && e.quality <= 95);
    printf("480x640 noise +-%d: %zu bytes at quality %d\n", amp, e.len,
           e.quality);
    free(e.data);
    free(p.px);
}

/* Too busy for 40 KB even at quality 60: over-size at 60, never below. */
static void test_jpeg_too_big(void)
{
    pic p = make_pic(480, 640, 3, 90, 0);
    idp__jpeg_target t = chsi_target();
    idp__encoded e = {0};

    CHECK_EQ_INT(idp__encode_jpeg(NULL, p.px, p.w, p.h, p.stride, &t, &e),
                 IDP_OK);
    check_jpeg(&e, 480, 640, 300);
    CHECK_EQ_INT(e.in_band, 0);
    CHECK_EQ_INT(e.quality, 60);
    CHECK(e.len > 40 * KB);
    printf("480x640 noise +-90: %zu bytes at quality %d (over)\n", e.len,
           e.quality);
    free(e.data);
    free(p.px);
}

/* Too flat for 20 KB even at 100: the largest file, 4:4:4 at 100. */
static void test_jpeg_too_small(void)
{
    pic p = make_flat(480, 640);
    idp__jpeg_target t = {300, 20 * KB, 40 * KB, 60, 100};
    idp__encoded e = {0};
    jinfo j;

    CHECK_EQ_INT(idp__encode_jpeg(NULL, p.px, p.w, p.h, p.stride, &t, &e),
                 IDP_OK);
    j = check_jpeg(&e, 480, 640, 300);
    CHECK_EQ_INT(e.in_band, 0);
    CHECK_EQ_INT(e.quality, 100);
    CHECK(e.len < 20 * KB);
    CHECK_EQ_INT(j.samp0, 0x11);
    printf("480x640 flat: %zu bytes at quality %d (under)\n", e.len, e.quality);
    free(e.data);
    free(p.px);
}

/* Smooth enough that 4:2:0 at the top quality is under the band: 4:4:4
 * reaches it, at a lower quality since 4:4:4 at the top is over. */
static void test_jpeg_full_chroma(void)
{
    pic p = make_pic(480, 640, 3, 2, 0);
    idp__jpeg_target t = {300, 0, 0, 60, 95};
    idp__encoded e = {0}, f = {0};
    jinfo j;

    CHECK_EQ_INT(idp__encode_jpeg(NULL, p.px, p.w, p.h, p.stride, &t, &e),
                 IDP_OK);
    j = check_jpeg(&e, 480, 640, 300);
    CHECK_EQ_INT(j.samp0, 0x22); /* no band: 4:2:0 at max_quality */
    CHECK_EQ_INT(e.quality, 95);
    CHECK_EQ_INT(e.in_band, 1);
    t.min_bytes = (int64_t)e.len + 2 * KB; /* just out of 4:2:0's reach */
    t.max_bytes = t.min_bytes + 10 * KB;
    CHECK_EQ_INT(idp__encode_jpeg(NULL, p.px, p.w, p.h, p.stride, &t, &f),
                 IDP_OK);
    j = check_jpeg(&f, 480, 640, 300);
    CHECK_EQ_INT(j.samp0, 0x11);
    CHECK_EQ_INT(f.in_band, 1);
    CHECK(f.quality >= 60 && f.quality < 95);
    CHECK((int64_t)f.len >= t.min_bytes && (int64_t)f.len <= t.max_bytes);
    printf("480x640 noise +-2: 4:2:0 q95 %zu bytes; 4:4:4 q%d %zu bytes\n",
           e.len, f.quality, f.len);
    free(e.data);
    free(f.data);
    free(p.px);
}

/* Same input, same bytes; a padded stride changes nothing. */
static void test_jpeg_deterministic(void)
{
    pic p = make_pic(480, 640, 3, 10, 0);
    pic q = make_pic(480, 640, 3, 10, 13);
    idp__jpeg_target t = chsi_target();
    idp__encoded a = {0}, b = {0}, c = {0};

    CHECK_EQ_INT(idp__encode_jpeg(NULL, p.px, p.w, p.h, p.stride, &t, &a),
                 IDP_OK);
    CHECK_EQ_INT(idp__encode_jpeg(NULL, p.px, p.w, p.h, p.stride, &t, &b),
                 IDP_OK);
    CHECK_EQ_INT(idp__encode_jpeg(NULL, q.px, q.w, q.h, q.stride, &t, &c),
                 IDP_OK);
    CHECK(a.len > 0 && a.len == b.len && a.len == c.len);
    CHECK(a.data && b.data && memcmp(a.data, b.data, a.len) == 0);
    CHECK(a.data && c.data && memcmp(a.data, c.data, a.len) == 0);
    CHECK_EQ_INT(a.quality, b.quality);
    free(a.data);
    free(b.data);
    free(c.data);
    free(p.px);
    free(q.px);
}

/* dpi 0 states no density (unit 0, aspect 1:1); one fixed quality. */
static void test_jpeg_no_dpi(void)
{
    pic p = make_pic(120, 90, 3, 6, 0);
    idp__jpeg_target t = {0, 0, 0, 80, 80};
    idp__encoded e = {0};

    CHECK_EQ_INT(idp__encode_jpeg(NULL, p.px, p.w, p.h, p.stride, &t, &e),
                 IDP_OK);
    check_jpeg(&e, 120, 90, 0);
    CHECK_EQ_INT(e.quality, 80);
    CHECK_EQ_INT(e.in_band, 1);
    free(e.data);
    free(p.px);
}

/* The identity card: 358x441, 350 dpi, 14-20 KB. */
static void test_jpeg_id_card(void)
{
    pic p = make_pic(358, 441, 3, 8, 0);
    idp__jpeg_target t = {350, 14 * KB, 20 * KB, 60, 95};
    idp__encoded e = {0};

    CHECK_EQ_INT(idp__encode_jpeg(NULL, p.px, p.w, p.h, p.stride, &t, &e),
                 IDP_OK);
    check_jpeg(&e, 358, 441, 350);
    CHECK_EQ_INT(e.in_band, 1);
    CHECK(e.quality >= 60 && e.quality <= 95);
    printf("358x441 noise +-8: %zu bytes at quality %d\n", e.len, e.quality);
    free(e.data);
    free(p.px);
}

/* One bad-argument call: INVALID_ARG, a "jpeg" message, *out cleared. */
static void expect_bad_jpeg(const uint8_t *px, int w, int h, size_t stride,
                            const idp__jpeg_target *t)
{
    idp_ctx ctx;
    idp__encoded e = {(uint8_t *)&ctx, 7, 7, 7, 7};

    memset(&ctx, 0, sizeof ctx);
    CHECK_EQ_INT(idp__encode_jpeg(&ctx, px, w, h, stride, t, &e),
                 IDP_E_INVALID_ARG);
    CHECK(strncmp(idp_ctx_error(&ctx), "jpeg: ", 6) == 0);
    CHECK(e.data == NULL && e.len == 0 && e.quality == 0 && e.in_band == 0);
}

static void test_jpeg_bad_args(void)
{
    uint8_t px[3 * 16 * 16] = {0};
    idp__jpeg_target ok = chsi_target(), t;
    idp__encoded e = {0};

    expect_bad_jpeg(NULL, 16, 16, 48, &ok);
    expect_bad_jpeg(px, 16, 16, 48, NULL);
    expect_bad_jpeg(px, 0, 16, 48, &ok);
    expect_bad_jpeg(px, 16, -1, 48, &ok);
    expect_bad_jpeg(px, 65501, 1, 3 * 65501, &ok);
    expect_bad_jpeg(px, 16, 16, 47, &ok);
    t = ok, t.min_quality = 0;
    expect_bad_jpeg(px, 16, 16, 48, &t);
    t = ok, t.max_quality = 101;
    expect_bad_jpeg(px, 16, 16, 48, &t);
    t = ok, t.min_quality = 90, t.max_quality = 80;
    expect_bad_jpeg(px, 16, 16, 48, &t);
    t = ok, t.min_bytes = 50 * KB;
    expect_bad_jpeg(px, 16, 16, 48, &t);
    t = ok, t.max_bytes = -1;
    expect_bad_jpeg(px, 16, 16, 48, &t);
    t = ok, t.dpi = -1;
    expect_bad_jpeg(px, 16, 16, 48, &t);
    t = ok, t.dpi = 70000;
    expect_bad_jpeg(px, 16, 16, 48, &t);
    CHECK_EQ_INT(idp__encode_jpeg(NULL, px, 16, 16, 48, &ok, NULL),
                 IDP_E_INVALID_ARG);
    CHECK_EQ_INT(idp__encode_jpeg(NULL, px, 16, 16, 48, &ok, &e), IDP_OK);
    free(e.data);
}

/* ---- PNG cases ---- */

static void test_png(int channels, int dpi, int ctype)
{
    pic p = make_pic(480, 640, channels, 4, 5);
    idp__encoded e = {0}, f = {0};
    pinfo q;

    CHECK_EQ_INT(
        idp__encode_png(NULL, p.px, p.w, p.h, p.stride, channels, dpi, &e),
        IDP_OK);
    q = parse_png(e.data, e.len);
    CHECK(q.ok);
    CHECK_EQ_INT(q.w, 480);
    CHECK_EQ_INT(q.h, 640);
    CHECK_EQ_INT(q.depth, 8);
    CHECK_EQ_INT(q.ctype, ctype);
    CHECK_EQ_INT(q.phys, dpi > 0);
    CHECK(q.srgb);
    CHECK(!q.meta);
    CHECK_EQ_INT(e.in_band, 1);
    CHECK_EQ_INT(e.quality, 0);
    CHECK_EQ_INT(
        idp__encode_png(NULL, p.px, p.w, p.h, p.stride, channels, dpi, &f),
        IDP_OK);
    CHECK(e.len == f.len && e.data && f.data &&
          memcmp(e.data, f.data, e.len) == 0);
    printf("png %d channel(s), %d dpi: %zu bytes\n", channels, dpi, e.len);
    free(e.data);
    free(f.data);
    free(p.px);
}

static void test_png_density(int dpi, uint32_t ppm)
{
    pic p = make_pic(64, 48, 3, 0, 0);
    idp__encoded e = {0};
    pinfo q;

    CHECK_EQ_INT(idp__encode_png(NULL, p.px, p.w, p.h, p.stride, 3, dpi, &e),
                 IDP_OK);
    q = parse_png(e.data, e.len);
    CHECK(q.ok);
    CHECK(q.phys);
    CHECK_EQ_INT(q.ppm_x, ppm);
    CHECK_EQ_INT(q.ppm_y, ppm);
    CHECK_EQ_INT(q.phys_unit, 1); /* metre */
    free(e.data);
    free(p.px);
}

static void expect_bad_png(const uint8_t *px, int w, int h, size_t stride,
                           int channels, int dpi)
{
    idp_ctx ctx;
    idp__encoded e = {(uint8_t *)&ctx, 7, 7, 7, 7};

    memset(&ctx, 0, sizeof ctx);
    CHECK_EQ_INT(idp__encode_png(&ctx, px, w, h, stride, channels, dpi, &e),
                 IDP_E_INVALID_ARG);
    CHECK(strncmp(idp_ctx_error(&ctx), "png: ", 5) == 0);
    CHECK(e.data == NULL && e.len == 0 && e.quality == 0 && e.in_band == 0);
}

static void test_png_bad_args(void)
{
    uint8_t px[4 * 8 * 8] = {0};

    expect_bad_png(NULL, 8, 8, 24, 3, 300);
    expect_bad_png(px, 8, 8, 24, 2, 300);
    expect_bad_png(px, 8, 8, 31, 4, 300);
    expect_bad_png(px, 0, 8, 24, 3, 300);
    expect_bad_png(px, 8, -8, 24, 3, 300);
    expect_bad_png(px, 8, 8, 24, 3, -1);
    CHECK_EQ_INT(idp__encode_png(NULL, px, 8, 8, 24, 3, 300, NULL),
                 IDP_E_INVALID_ARG);
}

/* Two trials at a time (a context with 2 threads, halving by thirds)
 * end at the same file as one at a time (guessing the boundary from the
 * sizes), over images from flat to busy and size bands that fit at 95,
 * fall between qualities, need 4:4:4, or cannot be met; the guesses take
 * fewer trials than halving would (150 here; halving, 309). */
static void test_jpeg_two_threads(void)
{
    idp_ctx *ctx = NULL;
    static const int amps[] = {0, 2, 4, 8, 12, 20, 40, 90};
    static const int64_t bands[][2] = {{20 * KB, 40 * KB},
                                       {30 * KB, 31 * KB},
                                       {10 * KB, 12 * KB},
                                       {5 * KB, 6 * KB},
                                       {60 * KB, 0},
                                       {0, 3 * KB},
                                       {0, 0},
                                       {25 * KB, 25 * KB}};
    int cases = 0, trials = 0;
    CHECK_EQ_INT(idp_ctx_new(&ctx), IDP_OK);
    CHECK_EQ_INT(idp_ctx_set_threads(ctx, 2), IDP_OK);
    for (size_t a = 0; a < sizeof amps / sizeof amps[0]; a++) {
        pic p =
            amps[a] ? make_pic(480, 640, 3, amps[a], 0) : make_flat(480, 640);
        for (size_t b = 0; b < sizeof bands / sizeof bands[0]; b++) {
            idp__jpeg_target t = {300, bands[b][0], bands[b][1], 60, 95};
            idp__encoded one = {0}, two = {0};
            CHECK_EQ_INT(
                idp__encode_jpeg(NULL, p.px, p.w, p.h, p.stride, &t, &one),
                IDP_OK);
            CHECK_EQ_INT(
                idp__encode_jpeg(ctx, p.px, p.w, p.h, p.stride, &t, &two),
                IDP_OK);
            CHECK_EQ_INT(two.quality, one.quality);
            CHECK_EQ_INT(two.in_band, one.in_band);
            /* one at a time: guesses, at most 5 here (halving: 7) */
            CHECK(one.trials >= 1 && one.trials <= 6);
            trials += one.trials;
            CHECK(one.len == two.len && one.data && two.data &&
                  memcmp(one.data, two.data, one.len) == 0);
            cases++;
            free(one.data);
            free(two.data);
        }
        free(p.px);
    }
    CHECK_EQ_INT(cases, 64);
    CHECK(trials <= 160);
    idp_ctx_free(ctx);
}

/* ---- idp_image_thumbnail_jpeg ---- */

/* A w x h image: left half red, right half blue, every 4th row black. */
static idp_image *striped(int w, int h)
{
    idp_image *img = calloc(1, sizeof *img);
    uint8_t *px = malloc((size_t)w * (size_t)h * 3);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *p = px + ((size_t)y * (size_t)w + (size_t)x) * 3;
            int on = y % 4 != 3, left = x < w / 2;
            p[0] = (uint8_t)(on * (left ? 200 : 40));
            p[1] = (uint8_t)(on * (left ? 40 : 80));
            p[2] = (uint8_t)(on * (left ? 40 : 240));
        }
    img->pixels = px;
    img->width = w;
    img->height = h;
    img->stride = (size_t)w * 3;
    return img;
}

/* The thumbnail of a w x h striped image is tw x th, and its pixels away
 * from the halves' border are the rows' average (3/4 of the colour). */
static void expect_thumb(idp_ctx *ctx, int w, int h, int tw, int th)
{
    idp_image *img = striped(w, h);
    uint8_t *data = NULL, *px = malloc((size_t)tw * (size_t)th * 3);
    size_t len = 0;
    jinfo j;
    CHECK_EQ_INT(idp_image_thumbnail_jpeg(ctx, img, 160, 90, &data, &len),
                 IDP_OK);
    j = parse_jpeg(data, len);
    CHECK_EQ_INT(j.w, tw);
    CHECK_EQ_INT(j.h, th);
    if (j.w == tw && j.h == th &&
        idp__jpeg_decode(data, len, 1, tw, th, px, NULL, NULL) == 0 && tw < w) {
        const uint8_t *l = px + ((size_t)(th / 2) * (size_t)tw + 2) * 3;
        const uint8_t *r =
            px + ((size_t)(th / 2) * (size_t)tw + (size_t)tw - 3) * 3;
        CHECK_NEAR(l[0], 150, 8);
        CHECK_NEAR(l[2], 30, 8);
        CHECK_NEAR(r[0], 30, 8);
        CHECK_NEAR(r[2], 180, 8);
    }
    idp_free(data);
    free(px);
    free(img->pixels);
    free(img);
}

/* encode_gather.c's statistics pass gives libjpeg's files, with its
 * plain loop and its AVX-512 one: 600 small images (smooth, noisy,
 * checkerboards, black and white blocks; qualities 1-100; 4:2:0 and
 * 4:4:4). */
static void test_jpeg_gather(void)
{
    CHECK_EQ_INT(idp__jpeg_gather_check(600, 0), 0);
    CHECK_EQ_INT(idp__jpeg_gather_check(600, 1), 0);
}

static void test_thumbnail(void)
{
    idp_ctx *ctx = NULL;
    CHECK_EQ_INT(idp_ctx_new(&ctx), IDP_OK);
    expect_thumb(ctx, 480, 640, 120, 160); /* a made photo */
    expect_thumb(ctx, 756, 1008, 120, 160);
    expect_thumb(ctx, 333, 777, 69, 160); /* shares of unequal size */
    expect_thumb(ctx, 100, 52, 100, 52);  /* never enlarged */
    idp_ctx_free(ctx);
}

int main(void)
{
    test_jpeg_in_band(4);
    test_jpeg_in_band(8);
    test_jpeg_in_band(12);
    test_jpeg_too_big();
    test_jpeg_too_small();
    test_jpeg_full_chroma();
    test_jpeg_deterministic();
    test_jpeg_no_dpi();
    test_jpeg_id_card();
    test_jpeg_bad_args();
    test_jpeg_two_threads();
    test_jpeg_gather();
    test_png(4, 300, 6);
    test_png(1, 300, 0);
    test_png(3, 300, 2);
    test_png(3, 0, 2);
    test_png_density(300, 11811);
    test_png_density(350, 13780);
    test_png_density(72, 2835);
    test_png_bad_args();
    test_thumbnail();
    return CHECK_DONE();
}
