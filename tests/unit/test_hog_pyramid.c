/*
 * test_hog_pyramid.c - the detector's pyramid levels (hog_pyramid.c's
 * bilinear resize, one column at a time and 16 at once on AVX-512)
 * against dlib's pyramid_down<6> and resize_image(), every byte compared,
 * on grey images of many sizes and kinds: noise, ramps, hard edges,
 * stripes; rows wider than the image with noise in the padding; sizes
 * from 1 px to wider than two vector blocks with every tail, and other
 * scales than 5/6 (down, up, one row or column out). detect.split
 * compares the whole detector with dlib's on real photos.
 */
#include "check.h"
#include "face_dlib.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t rng = 4242u;

static uint32_t next(void)
{
    rng = rng * 1664525u + 1013904223u;
    return rng >> 8;
}

static uint8_t pixel(int kind, int x, int y)
{
    switch (kind % 4) {
    case 0:
        return (uint8_t)(next() & 255);
    case 1:
        return (uint8_t)((x * 7 + y * 3 + (int)(next() % 3)) & 255);
    case 2:
        return ((x / 5 + y / 9) % 2) ? 240 : 12;
    default:
        return (uint8_t)(x % 2 ? 255 : 0);
    }
}

/* Differing bytes of one comparison; *compared counts the bytes. */
static long check_one(int w, int h, int extra, int kind, int ow, int oh,
                      size_t *compared)
{
    size_t stride = (size_t)(w + extra), values = 0;
    uint8_t *img = malloc(stride * (size_t)h);
    long d;
    if (!img)
        return -4;
    for (int y = 0; y < h; y++)
        for (size_t x = 0; x < stride; x++)
            img[(size_t)y * stride + x] =
                x < (size_t)w ? pixel(kind, (int)x, y) : (uint8_t)next();
    d = idp__bridge_resize_check(img, w, h, stride, ow, oh, &values);
    free(img);
    *compared += values;
    if (d != 0)
        fprintf(stderr, "  %dx%d (+%d) kind %d -> %dx%d: %ld\n", w, h, extra,
                kind, ow, oh, d);
    return d;
}

int main(void)
{
    static const int sides[] = {1,  2,  5,  6,  7,  12, 17,  23,  31, 37,
                                40, 41, 47, 50, 64, 77, 100, 131, 600};
    size_t n_sides = sizeof sides / sizeof sides[0], compared = 0;
    long bad = 0;
    int runs = 0;
    for (size_t i = 0; i < n_sides; i++) /* pyramid_down<6> */
        for (size_t j = 0; j < n_sides; j += 3) {
            int w = sides[i], h = sides[(i + j) % n_sides];
            bad += check_one(w, h, (int)(i % 3) * 5, (int)(i + j), -1, -1,
                             &compared) != 0;
            runs++;
        }
    for (int k = 0; k < 40; k++) { /* other sizes: down, up, to one */
        int w = 1 + (int)(next() % 300), h = 1 + (int)(next() % 60);
        int ow = k % 10 == 0 ? 1 : 1 + (int)(next() % 400);
        int oh = k % 10 == 1 ? 1 : 1 + (int)(next() % 80);
        bad += check_one(w, h, k % 4, k, ow, oh, &compared) != 0;
        runs++;
    }
    CHECK_EQ_INT(bad, 0);
    /* not a test that cannot fail: bytes were compared (both ways on an
     * AVX-512 CPU) */
    CHECK(compared > (size_t)runs * 10);
    fprintf(stderr, "  %d resizes, %zu bytes compared\n", runs, compared);
    return CHECK_DONE();
}
