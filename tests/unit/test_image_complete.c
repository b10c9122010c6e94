/*
 * test_image_complete.c - the end-of-file checks run before decoding: a
 * JPEG's markers walked to its EOI (stuffed bytes, restart markers, fill
 * bytes, several scans, an EOI inside an EXIF thumbnail that must not
 * count) and a PNG's IEND near the end.
 */
#include "check.h"
#include "idp_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static size_t put(unsigned char *b, size_t n, const unsigned char *s,
                  size_t len)
{
    memcpy(b + n, s, len);
    return n + len;
}

/* SOI, an APP1 holding a whole embedded JPEG (an EXIF thumbnail), a DQT,
 * then `scans` SOS segments each followed by entropy-coded data with a
 * stuffed 0xFF00, a restart marker and fill bytes, then the EOI. Returns
 * the length; *eoi is where the final EOI starts. */
static size_t make_jpeg(unsigned char *b, int scans, size_t *eoi)
{
    static const unsigned char soi[] = {0xFF, 0xD8};
    static const unsigned char app1[] = {0xFF, 0xE1, 0x00, 0x08, 0xFF,
                                         0xD8, 0xFF, 0xD9, 0x00, 0x00};
    static const unsigned char dqt[] = {0xFF, 0xDB, 0x00, 0x05, 1, 2, 3};
    static const unsigned char sos[] = {0xFF, 0xDA, 0x00, 0x04, 9, 9};
    static const unsigned char data[] = {0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD3,
                                         0x56, 0xD9, 0xFF, 0x00, 0x78};
    static const unsigned char fill[] = {0xFF, 0xFF};
    static const unsigned char end[] = {0xFF, 0xD9};
    size_t n = put(b, 0, soi, sizeof soi);
    n = put(b, n, app1, sizeof app1); /* length 8: itself + 6 bytes */
    n = put(b, n, dqt, sizeof dqt);
    for (int s = 0; s < scans; s++) {
        n = put(b, n, sos, sizeof sos);
        n = put(b, n, data, sizeof data);
        n = put(b, n, fill, sizeof fill);
    }
    *eoi = n;
    return put(b, n, end, sizeof end);
}

static void test_jpeg_whole_and_cut(void)
{
    unsigned char b[256];
    size_t eoi;
    for (int scans = 1; scans <= 3; scans++) {
        size_t n = make_jpeg(b, scans, &eoi);
        CHECK(idp__jpeg_complete(b, n));
        /* every cut before the final EOI's second byte is incomplete,
         * including cuts right after the thumbnail's own EOI */
        for (size_t cut = 0; cut < n; cut++) {
            int whole = idp__jpeg_complete(b, cut);
            CHECK(!whole);
            if (whole)
                fprintf(stderr, "scans %d: cut at %zu of %zu\n", scans, cut, n);
        }
    }
}

static void test_jpeg_trailing_and_odd(void)
{
    unsigned char b[512];
    size_t eoi;
    size_t n = make_jpeg(b, 2, &eoi);
    /* junk after the EOI (a phone's trailer, a motion photo) is fine */
    for (size_t i = 0; i < 200; i++)
        b[n + i] = (unsigned char)(i * 37);
    CHECK(idp__jpeg_complete(b, n + 200));
    /* not a JPEG at all, and a segment length running past the end */
    CHECK(!idp__jpeg_complete((const unsigned char *)"\x89PNG\r\n\x1a\n", 8));
    {
        static const unsigned char bad[] = {0xFF, 0xD8, 0xFF, 0xE0,
                                            0xFF, 0xF0, 0xFF, 0xD9};
        CHECK(!idp__jpeg_complete(bad, sizeof bad));
    }
    {
        static const unsigned char zero_len[] = {0xFF, 0xD8, 0xFF, 0xE0,
                                                 0x00, 0x00, 0xFF, 0xD9};
        CHECK(!idp__jpeg_complete(zero_len, sizeof zero_len));
    }
}

static void test_png(void)
{
    static const unsigned char iend[] = {0,   0,   0,    0,    'I',  'E',
                                         'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    size_t big = 10000;
    unsigned char *b = calloc(big + sizeof iend + 100, 1);
    if (!b) {
        CHECK(!"out of memory");
        return;
    }
    memcpy(b + big, iend, sizeof iend);
    CHECK(idp__png_complete(b, big + sizeof iend));
    CHECK(idp__png_complete(b, big + sizeof iend + 100)); /* a little junk */
    CHECK(!idp__png_complete(b, big + sizeof iend - 1));  /* CRC cut */
    CHECK(!idp__png_complete(b, big));
    /* an IEND further back than the searched tail does not count */
    memset(b, 0, big + sizeof iend);
    memcpy(b, iend, sizeof iend);
    CHECK(!idp__png_complete(b, big));
    CHECK(idp__bytes_complete(b, 3, "webp")); /* left to its decoder */
    free(b);
}

/* A long JPEG (scan data across several 64 KiB read windows, stuffed
 * bytes and restart markers straddling window edges) judged the same from
 * memory and from a file, whole and cut; an unreadable path is left to the
 * decoder (1). */
static void test_file_windows(void)
{
    size_t n = 0, len = 300000;
    unsigned char *b = malloc(len + 64);
    char path[] = "/tmp/idp-test-complete-XXXXXX";
    static const size_t cuts[] = {3,     100,    65535,  65536,
                                  65537, 131072, 200001, 299990};
    int fd;
    if (!b) {
        CHECK(!"out of memory");
        return;
    }
    memcpy(b, "\xFF\xD8\xFF\xDA\x00\x04\x01\x02", 8);
    n = 8;
    while (n < len) {
        unsigned v = (unsigned)(n * 2654435761u >> 7);
        b[n++] = (unsigned char)(v % 255); /* never 0xFF */
        if (n % 65536 == 65535 || n % 7919 == 0) {
            unsigned char m = (n / 7919) % 2 ? 0x00 : 0xD3;
            b[n++] = 0xFF;
            b[n++] = m;
        }
    }
    b[n++] = 0xFF;
    b[n++] = 0xD9;
    fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) {
        free(b);
        return;
    }
    CHECK(write(fd, b, n) == (ssize_t)n);
    CHECK(idp__jpeg_complete(b, n));
    CHECK(idp__file_complete(path, "jpeg"));
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        CHECK(ftruncate(fd, (off_t)cuts[i]) == 0);
        CHECK(!idp__jpeg_complete(b, cuts[i]));
        CHECK(!idp__file_complete(path, "jpeg"));
    }
    close(fd);
    unlink(path);
    CHECK(idp__file_complete(path, "jpeg")); /* gone: the decoder says so */
    free(b);
}

int main(void)
{
    test_file_windows();
    test_jpeg_whole_and_cut();
    test_jpeg_trailing_and_odd();
    test_png();
    return CHECK_DONE();
}
