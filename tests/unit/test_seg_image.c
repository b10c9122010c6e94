/*
 * test_seg_image.c - the image helpers of the segmentation (seg_image.c):
 * resampling (shrink averages, enlarge interpolates, edges repeat), box
 * blur, square morphology, components, distance, min filter, quantile,
 * normalised convolution.
 */
#include "check.h"
#include "segment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void test_resample(void)
{
    uint8_t px[8 * 4 * 3];
    float out[4 * 2 * 3], big[16 * 8 * 3];
    idp_rect all = {0, 0, 8, 4}, off = {-4, 0, 8, 4};
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 8; x++)
            for (int c = 0; c < 3; c++)
                px[(y * 8 + x) * 3 + c] = (uint8_t)(x < 4 ? 0 : 200);
    idp__resample(px, 8 * 3, 8, 4, all, 4, 2, 1, out); /* 2x2 blocks */
    CHECK_NEAR(out[0], 0, 1e-4);
    CHECK_NEAR(out[3 * 3], 200, 1e-4);
    idp__resample(px, 8 * 3, 8, 4, all, 16, 8, 1, big); /* bilinear */
    CHECK_NEAR(big[7 * 3], 50, 1e-3);  /* x = 3.75: 1/4 of the way */
    CHECK_NEAR(big[8 * 3], 150, 1e-3); /* x = 4.25 */
    idp__resample(px, 8 * 3, 8, 4, off, 4, 2, 1, out); /* edge repeats */
    CHECK_NEAR(out[0], 0, 1e-4);
}

/* Rows split over two threads: the same floats, shrinking and enlarging,
 * an odd number of rows, a region partly outside. */
static void test_resample_threads(void)
{
    enum { W = 97, H = 61 };
    static uint8_t px[W * H * 3];
    static float one[150 * 91 * 3], two[150 * 91 * 3];
    const idp_rect src[] = {{0, 0, W, H}, {-10.5, 3.25, 80, 50}};
    const int size[][2] = {{31, 19}, {150, 91}, {48, 33}};
    uint32_t r = 12345;
    for (size_t i = 0; i < sizeof px; i++) {
        r = r * 1103515245u + 12345u;
        px[i] = (uint8_t)(r >> 24);
    }
    for (int s = 0; s < 2; s++)
        for (int k = 0; k < 3; k++) {
            size_t n = (size_t)size[k][0] * (size_t)size[k][1] * 3;
            idp__resample(px, W * 3, W, H, src[s], size[k][0], size[k][1], 1,
                          one);
            idp__resample(px, W * 3, W, H, src[s], size[k][0], size[k][1], 2,
                          two);
            CHECK(memcmp(one, two, n * sizeof *one) == 0);
        }
}

/* A shrink's pixel by its definition: n samples per axis spread over the
 * footprint (n = ceil of the step, at most 4), clamped to the image, their
 * byte sum over n x n. */
static float shrink_ref(const uint8_t *px, int w, int h, idp_rect src, int ow,
                        int oh, int x, int y, int c)
{
    double sx = src.w / ow, sy = src.h / oh;
    int nx = (int)ceil(sx - 1e-9), ny = (int)ceil(sy - 1e-9);
    uint32_t v = 0;
    nx = nx > 4 ? 4 : nx;
    ny = ny > 4 ? 4 : ny;
    for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++) {
            int ix = (int)floor(src.x + (x + (i + 0.5) / nx) * sx);
            int iy = (int)floor(src.y + (y + (j + 0.5) / ny) * sy);
            ix = ix < 0 ? 0 : ix >= w ? w - 1 : ix;
            iy = iy < 0 ? 0 : iy >= h ? h - 1 : iy;
            v += px[((size_t)iy * (size_t)w + (size_t)ix) * 3 + (size_t)c];
        }
    return (float)v * (1.0f / (float)(nx * ny));
}

/* Shrinks (rows summed first over the columns the taps read) give each
 * pixel's own taps' mean, regions inside and partly outside, steps from
 * just over 1 to beyond 4 taps. */
static void test_resample_shrink(void)
{
    enum { W = 203, H = 151 };
    static uint8_t px[W * H * 3];
    static float out[150 * 140 * 3];
    const idp_rect src[] = {
        {0, 0, W, H}, {-7.5, 11.25, 180, 120}, {40.3, 20.7, 100, 90}};
    const int size[][2] = {{150, 140}, {97, 61}, {45, 30}, {21, 13}};
    uint32_t r = 777;
    int bad = 0, n = 0;
    for (size_t i = 0; i < sizeof px; i++) {
        r = r * 1103515245u + 12345u;
        px[i] = (uint8_t)(r >> 24);
    }
    for (int s = 0; s < 3; s++)
        for (int k = 0; k < 4; k++) {
            int ow = size[k][0], oh = size[k][1];
            if (!(src[s].w / ow > 1 && src[s].h / oh > 1))
                continue; /* not a shrink on both axes */
            idp__resample(px, W * 3, W, H, src[s], ow, oh, 1, out);
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++)
                    for (int c = 0; c < 3; c++, n++)
                        bad += out[((size_t)y * (size_t)ow + (size_t)x) * 3 +
                                   (size_t)c] !=
                               shrink_ref(px, W, H, src[s], ow, oh, x, y, c);
        }
    CHECK(n > 30000);
    CHECK_EQ_INT(bad, 0);
}

/* The box blur as first written: one window sum moved along each line
 * with the end tests at every sample (rows, then columns). */
static void ref_line(const float *in, float *out, int n, size_t step, int r)
{
    float s = 0, inv = 1.0f / (float)(2 * r + 1);
    int lo = 0, hi = -1;
    for (int i = 0; i < n; i++) {
        while (hi < i + r && hi + 1 < n)
            s += in[(size_t)++hi * step];
        while (lo < i - r)
            s -= in[(size_t)lo++ * step];
        out[(size_t)i * step] =
            hi - lo == 2 * r ? s * inv : s / (float)(hi - lo + 1);
    }
}

/* idp__box_blur gives the reference's floats exactly, for lines shorter
 * than the window, as long as it, and longer. */
static void test_blur_exact(void)
{
    static float p[61 * 47], ref[61 * 47], tmp[61 * 47], buf[61 * 47];
    const int sizes[][2] = {{61, 47}, {5, 9}, {9, 5}, {1, 12}, {13, 1}};
    uint32_t seed = 99;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        for (int r = 1; r <= 8; r++) {
            int w = sizes[k][0], h = sizes[k][1];
            for (int i = 0; i < w * h; i++) {
                seed = seed * 1664525u + 1013904223u;
                p[i] = (float)(seed >> 8) / 65536.0f - 100.0f;
            }
            for (int y = 0; y < h; y++)
                ref_line(p + y * w, buf + y * w, w, 1, r);
            for (int x = 0; x < w; x++)
                ref_line(buf + x, ref + x, h, (size_t)w, r);
            idp__box_blur(p, w, h, r, tmp);
            CHECK(memcmp(p, ref, (size_t)(w * h) * sizeof *p) == 0);
        }
}

/* Square dilation and erosion against their definition (any / every
 * pixel of the window clipped to the image), on random masks. */
static void test_morph_exact(void)
{
    static uint8_t m[37 * 29], o[37 * 29];
    static int tmp[37 * 29];
    const int sizes[][2] = {{37, 29}, {4, 9}, {9, 3}, {1, 7}};
    uint32_t seed = 7;
    int bad = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        for (int r = 1; r <= 5; r++)
            for (int dil = 0; dil <= 1; dil++) {
                int w = sizes[k][0], h = sizes[k][1];
                for (int i = 0; i < w * h; i++) {
                    seed = seed * 1664525u + 1013904223u;
                    m[i] = (seed >> 24) < (dil ? 40u : 215u);
                }
                idp__mask_morph(m, o, w, h, r, dil, tmp);
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) {
                        int any = 0, all = 1;
                        for (int yy = y - r; yy <= y + r; yy++)
                            for (int xx = x - r; xx <= x + r; xx++) {
                                if (xx < 0 || yy < 0 || xx >= w || yy >= h)
                                    continue;
                                any |= m[yy * w + xx] != 0;
                                all &= m[yy * w + xx] != 0;
                            }
                        bad += o[y * w + x] != (dil ? any : all);
                    }
            }
    CHECK_EQ_INT(bad, 0);
}

static void test_blur_morph(void)
{
    float p[9 * 9], tmp[9 * 9];
    uint8_t m[9 * 9] = {0}, o[9 * 9];
    int it[9 * 9];
    for (int i = 0; i < 81; i++)
        p[i] = i == 40 ? 9.0f : 0.0f;
    idp__box_blur(p, 9, 9, 1, tmp);
    CHECK_NEAR(p[40], 1, 1e-5);
    CHECK_NEAR(p[30], 1, 1e-5);
    CHECK_NEAR(p[20], 0, 1e-5);
    m[40] = 1;
    idp__mask_morph(m, o, 9, 9, 2, 1, it);
    CHECK_EQ_INT(o[40 - 2 * 9 - 2], 1);
    CHECK_EQ_INT(o[40 - 3 * 9], 0);
    memset(m, 1, sizeof m);
    m[40] = 0;
    idp__mask_morph(m, o, 9, 9, 1, 0, it);
    CHECK_EQ_INT(o[40 + 9 + 1], 0);
    CHECK_EQ_INT(o[40 + 18], 1);
    CHECK_EQ_INT(o[0], 1); /* the image edge does not erode */
}

static void test_components_dist(void)
{
    uint8_t m[6 * 5] = {1, 1, 0, 0, 0, 0, /* */
                        1, 0, 0, 0, 1, 1, /* */
                        0, 0, 0, 0, 1, 0, /* */
                        0, 1, 0, 0, 0, 0, /* */
                        0, 0, 1, 0, 0, 0};
    int lab[6 * 5];
    uint8_t full[7 * 7];
    int32_t tmp[7 * 7];
    float d[7 * 7];
    CHECK_EQ_INT(idp__components(m, 1, 6, 5, lab), 3); /* 8-connected */
    CHECK_EQ_INT(lab[3 * 6 + 1], lab[4 * 6 + 2]);
    CHECK_EQ_INT(idp__components(m, 0, 6, 5, lab), 1);
    memset(full, 1, sizeof full);
    full[0] = 0;
    idp__dist_inside(full, 7, 7, tmp, d);
    CHECK_NEAR(d[0], 0, 1e-6);
    CHECK_NEAR(d[1], 1, 1e-6);
    CHECK_NEAR(d[6 * 7 + 6], 6 * 4 / 3.0, 1e-5); /* chamfer diagonal */
}

static float min4(float a, float b, float c, float d)
{
    float m = a < b ? a : b, n = c < d ? c : d;
    return m < n ? m : n;
}

/* The chamfer distance as floats, the two passes written plainly: what
 * idp__dist_inside() computes in ints must be these floats to the bit. */
static void chamfer_floats(const uint8_t *mask, int w, int h, float *d)
{
    const float a = 3, b = 4, big = 1e9f;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float v = big, *row = d + y * w, *up = y ? row - w : NULL;
            if (!mask[y * w + x]) {
                row[x] = 0;
                continue;
            }
            if (x > 0)
                v = row[x - 1] + a;
            if (up)
                v = min4(v, up[x] + a, x > 0 ? up[x - 1] + b : big,
                         x + 1 < w ? up[x + 1] + b : big);
            row[x] = v;
        }
    for (int y = h - 1; y >= 0; y--)
        for (int x = w - 1; x >= 0; x--) {
            float *row = d + y * w, *dn = y + 1 < h ? row + w : NULL,
                  v = row[x];
            if (v == 0)
                continue;
            if (x + 1 < w)
                v = v < row[x + 1] + a ? v : row[x + 1] + a;
            if (dn)
                v = min4(v, dn[x] + a, x + 1 < w ? dn[x + 1] + b : big,
                         x > 0 ? dn[x - 1] + b : big);
            row[x] = v;
        }
    for (int i = 0; i < w * h; i++)
        d[i] /= a;
}

/* Random masks (sparse zeros, blobs, none at all, strips of one row or
 * column): the same floats as the plain float passes. */
static void test_chamfer_exact(void)
{
    static uint8_t m[301 * 47];
    static int32_t tmp[301 * 47];
    static float got[301 * 47], want[301 * 47];
    uint32_t r = 7;
    int off = 0, cases = 0;
    for (int t = 0; t < 300; t++) {
        /* no zeros in a row of 64 or more: the float sentinel's own sums */
        int w = t % 50 == 0 ? 301 : 1 + t % 61, h = 1 + (t * 7) % 47;
        int zeros = t % 5;
        for (int i = 0; i < w * h; i++) {
            r = r * 1664525u + 1013904223u;
            m[i] = (uint8_t)(zeros == 0 ||
                             (r >> 24) % (uint32_t)(zeros * 40) != 0);
        }
        if (t % 3 == 0 && w > 4 && h > 4) /* a blob of zeros */
            for (int y = h / 3; y < h / 2; y++)
                for (int x = w / 4; x < w / 2; x++)
                    m[y * w + x] = 0;
        idp__dist_inside(m, w, h, tmp, got);
        chamfer_floats(m, w, h, want);
        off += memcmp(got, want, (size_t)(w * h) * sizeof *got) != 0;
        cases++;
    }
    CHECK_EQ_INT(off, 0);
    CHECK_EQ_INT(cases, 300);
}

static void test_min_quantile(void)
{
    float v[7] = {5, 1, 4, 2, 3, 7, 6}, in[5 * 1] = {3, 1, 4, 1, 5};
    float out[5], tmp[5];
    CHECK_NEAR(idp__quantile(v, 7, 0.5), 4, 0);
    CHECK_NEAR(idp__quantile(v, 7, 0.0), 1, 0);
    CHECK_NEAR(idp__quantile(v, 7, 1.0), 7, 0);
    CHECK_NEAR(idp__quantile(v, 0, 0.5), 0, 0);
    idp__min_filter(in, out, 5, 1, 1, tmp);
    CHECK_NEAR(out[0], 1, 0);
    CHECK_NEAR(out[4], 1, 0);
    CHECK_NEAR(out[2], 1, 0);
}

static void test_fill(void)
{
    enum { N = 40 };
    float val[N * N], fb = -1, o;
    uint8_t mask[N * N];
    idp__fill f;
    for (int i = 0; i < N * N; i++) {
        val[i] = (float)(i % N < N / 2 ? 10 : 30);
        mask[i] = i % N < 5 || i % N >= N - 5; /* only the side strips */
    }
    /* radius 2, then 8 */
    CHECK_EQ_INT(idp__fill_make(&f, val, 1, mask, N, N, 2, &fb), 0);
    idp__fill_at(&f, 2, 20, &o);
    CHECK_NEAR(o, 10, 1e-3);
    idp__fill_at(&f, 37, 20, &o);
    CHECK_NEAR(o, 30, 1e-3);
    idp__fill_at(&f, 10, 20, &o); /* 6 px from the strip: the wide box */
    CHECK_NEAR(o, 10, 1e-3);
    idp__fill_at(&f, 20, 20, &o); /* no mask pixel near: fallback */
    CHECK_NEAR(o, -1, 1e-6);
    idp__fill_free(&f);
}

int main(void)
{
    test_resample();
    test_resample_threads();
    test_resample_shrink();
    test_blur_exact();
    test_morph_exact();
    test_blur_morph();
    test_components_dist();
    test_chamfer_exact();
    test_min_quantile();
    test_fill();
    return CHECK_DONE();
}
