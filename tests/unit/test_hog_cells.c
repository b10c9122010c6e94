/*
 * test_hog_cells.c - the detector's FHOG features (orientation histograms
 * by hog_cells.c, then dlib's normalisation) against dlib's own
 * extract_fhog_features(), every float compared to the bit, both as made
 * from hog_cells.c's histograms directly and as the detector gets them,
 * on grey images of many sizes and kinds: noise, smooth ramps, hard edges
 * in every direction, flat patches (zero gradients), stripes, a disc;
 * rows wider than the image with noise in the padding; cell sizes 2 to 16
 * around the detector's 8. Widths cover no full block of 8 pixels, one,
 * several and a tail of every length. (detect.split compares the whole
 * detector with dlib's on real photos.) Exits 77 on a CPU without AVX2:
 * nothing of ours runs there.
 */
#include "check.h"
#include "face_dlib.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

static uint32_t rng = 2024u;

static uint32_t next(void)
{
    rng = rng * 1664525u + 1013904223u;
    return rng >> 8;
}

/* Pixel (x, y) of an image of kind k. */
static uint8_t pixel(int k, int x, int y, int w, int h)
{
    double a = (double)(k % 7) * 0.45, u = x * cos(a) + y * sin(a);
    switch (k % 6) {
    case 0: /* noise */
        return (uint8_t)(next() & 255);
    case 1: /* a ramp in direction a, with noise */
        return (uint8_t)(((int)(u * 3) + (int)(next() % 5)) & 255);
    case 2: /* hard edges: a step every 9 px along direction a */
        return ((int)floor(u / 9)) % 2 ? 220 : 30;
    case 3: /* flat with a few single-pixel dots */
        return next() % 50 == 0 ? 255 : 128;
    case 4: /* stripes three pixels apart, slanting with y */
        return (uint8_t)((x + y / 2) % 3 ? 20 : 235);
    default: /* a blob: a disc of bright on dark */
        return (x - w / 2) * (x - w / 2) + (y - h / 2) * (y - h / 2) <
                       (w * w + h * h) / 16
                   ? 200
                   : 40;
    }
}

int main(void)
{
    static uint8_t img[700 * 300];
    static const int cells[] = {8, 8, 8, 4, 6, 2, 5, 3, 7, 9, 16};
    size_t values = 0, all = 0;
    long bad = 0;
    int cases = 0, padded = 0;
    for (int t = 0; t < 440; t++) {
        int w = 3 + (int)(next() % 257), h = 3 + (int)(next() % 257);
        int cell = cells[t % 11], pad = 1 + (int)(next() % 12), extra = 0;
        long d;
        if (t < 40) { /* every width near the block edges */
            w = 17 + t;
            h = 40;
        } else if (t % 10 == 0) { /* wide rows */
            w = 300 + (int)(next() % 360);
            h = 30 + (int)(next() % 60);
        }
        if (t % 3 == 1)
            extra = 1 + (int)(next() % 37); /* padding after each row */
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w + extra; x++)
                img[y * (w + extra) + x] =
                    x < w ? pixel(t, x, y, w, h) : (uint8_t)next();
        d = idp__bridge_fhog_check(img, w, h, (size_t)(w + extra), cell, pad,
                                   &values);
        if (d == -1) {
            printf("no AVX2: the features are dlib's own here\n");
            return 77;
        }
        if (d == -3)
            continue; /* too few cells for features */
        CHECK(d == 0);
        if (d != 0)
            fprintf(stderr, "%dx%d (+%d) cell %d pad %d kind %d: %ld differ\n",
                    w, h, extra, cell, pad, t % 6, d);
        bad += d != 0;
        all += values;
        padded += extra > 0;
        cases++;
    }
    printf("%d images (%d with padded rows), %zu feature values compared "
           "at least twice, %ld images differ\n",
           cases, padded, all, bad);
    CHECK(cases > 380);
    CHECK(padded > 100);
    return CHECK_DONE();
}
