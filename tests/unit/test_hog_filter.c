/*
 * test_hog_filter.c - hog_filter.c against dlib's
 * float_spatially_filter_image_separable() written out here as scalar
 * code, lane by lane (dlib/image_transforms/spatial_filtering.h): blocks
 * of 8 outputs from the first column with three running sums, the rest
 * with one; each product and sum rounded to float on its own. Every
 * output compared to the bit, on random planes of many shapes and taps
 * (and sparse ones: windows of zeros, where only signs of zero differ),
 * both with and without adding to the output, with AVX and (where the CPU
 * has it) AVX-512. (detect.split compares the
 * detector built on it with dlib's own detector on real photos.)
 */
#include "check.h"
#include "hog_filter.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng = 12345u;

static float rnd(void)
{
    rng = rng * 1664525u + 1013904223u;
    int k = (int)(rng >> 24);
    if (k < 8)
        return 0.0f; /* zeros, as in sparse HOG planes */
    if (k < 12)
        return -0.0f;
    return ((float)(rng >> 8) / 16777216.0f - 0.5f) * (k < 128 ? 0.3f : 9.0f);
}

/* In a sparse plane (sparse set) most values are zeros, as around the
 * detector's padding: windows of zeros only, where products of -0 (a
 * negative tap) and sums of zeros must keep dlib's signs. */
static int sparse;

static float rnd_in(void)
{
    rng = rng * 1664525u + 1013904223u;
    if (sparse && (rng >> 28) != 0)
        return (rng >> 20 & 63) == 0 ? -0.0f : 0.0f;
    return rnd();
}

/* A product then a sum, each rounded to float (volatile: no fused
 * multiply-add, as dlib's separate multiply and add). */
static float mac(float acc, float p, float f)
{
    volatile float prod = p * f;
    volatile float sum = acc + prod;
    return sum;
}

/* The value dlib's code gives for one output: in[k * step] for tap k. */
static float dlib_value(const float *in, long step, const float *f, long taps,
                        int in_block)
{
    if (!in_block) {
        float t = 0.0f;
        for (long n = 0; n < taps; n++)
            t = mac(t, in[n * step], f[n]);
        return t;
    }
    float t1 = 0.0f, t2 = 0.0f, t3 = 0.0f;
    long n = 0;
    for (; n < taps - 2; n += 3) {
        t1 = mac(t1, in[n * step], f[n]);
        t2 = mac(t2, in[(n + 1) * step], f[n + 1]);
        t3 = mac(t3, in[(n + 2) * step], f[n + 2]);
    }
    for (; n < taps; n++)
        t1 = mac(t1, in[n * step], f[n]);
    volatile float s23 = t2 + t3;
    volatile float s = t1 + s23;
    return s;
}

static void reference(const idp__sep_call *s, float *scratch, float *out)
{
    const long fr = s->col_taps / 2, fc = s->row_taps / 2;
    const long lr = s->rows - (s->col_taps - 1) / 2;
    const long lc = s->cols - (s->row_taps - 1) / 2;
    const long blocks_end = fc + (lc - fc) / 8 * 8;
    const long st = s->stride;
    for (long r = 0; r < s->rows; r++)
        for (long c = 0; c < s->cols; c++)
            if (!s->add_to && (r < fr || r >= lr || c < fc || c >= lc))
                out[r * st + c] = 0.0f;
    for (long r = 0; r < s->rows; r++)
        for (long c = fc; c < lc; c++)
            scratch[r * st + c] =
                dlib_value(s->in + r * st + c - fc, 1, s->row_filter,
                           s->row_taps, c < blocks_end);
    for (long r = fr; r < lr; r++)
        for (long c = fc; c < lc; c++) {
            float v = dlib_value(scratch + (r - fr) * st + c, st, s->col_filter,
                                 s->col_taps, c < blocks_end);
            if (s->add_to) {
                volatile float sum = out[r * st + c] + v;
                v = sum;
            }
            out[r * st + c] = v;
        }
}

static int shapes, fallbacks, wide_shapes, has_wide;

/* The plane filtered with vectors of `lanes` floats (8: AVX, 16:
 * AVX-512), against the reference. */
static void compare(const idp__sep_call *t, const float *start, float *ref,
                    size_t n, int lanes)
{
    idp__sep_call s = *t;
    memcpy(s.out, start, n * sizeof *s.out);
    if (idp__sep_filter_at(&s, lanes) != 0) {
        /* only planes narrower than a tail vector are left to dlib */
        CHECK(lanes == 16 || s.cols - s.row_taps + 1 < 8 ||
              s.rows - s.col_taps + 1 < 1);
        fallbacks += lanes == 8;
        return;
    }
    int same = memcmp(s.out, ref, n * sizeof *s.out) == 0;
    CHECK(same);
    if (!same)
        fprintf(stderr, "%ldx%ld taps %ld/%ld add %d, %d lanes: differ\n",
                s.rows, s.cols, s.row_taps, s.col_taps, s.add_to, lanes);
    shapes += lanes == 8;
    wide_shapes += lanes == 16;
}

static void one(long rows, long cols, long row_taps, long col_taps, int add_to)
{
    const long stride = cols;
    const size_t n = (size_t)(rows * stride);
    float *in = malloc(n * sizeof *in), *out = malloc(n * sizeof *out);
    float *ref = malloc(n * sizeof *ref), *scr = malloc(n * sizeof *scr);
    float *scr_ref = malloc(n * sizeof *scr_ref);
    float *start = malloc(n * sizeof *start);
    float rf[16], cf[16];
    for (size_t i = 0; i < n; i++) {
        in[i] = rnd_in();
        start[i] = ref[i] = add_to ? rnd() : 77.0f; /* 77: overwritten */
    }
    for (int i = 0; i < 16; i++) { /* sparse: some filters all negative */
        rf[i] = rnd();
        cf[i] = rnd();
        if (sparse && (cols & 1))
            rf[i] = -fabsf(rf[i]) - 0.5f;
        if (sparse && (rows & 1))
            cf[i] = -fabsf(cf[i]) - 0.5f;
    }
    idp__sep_call s = {in, out, scr,      rows,     cols,  stride,
                       rf, cf,  row_taps, col_taps, add_to};
    reference(&s, scr_ref, ref);
    compare(&s, start, ref, n, 8);
    compare(&s, start, ref, n, 16);
    free(start);
    free(in);
    free(out);
    free(ref);
    free(scr);
    free(scr_ref);
}

int main(void)
{
    float probe[16 * 16] = {0}, out[16 * 16], scratch[16 * 16], tap = 1.0f;
    idp__sep_call p = {probe, out, scratch, 16, 16, 16, &tap, &tap, 1, 1, 0};
    if (idp__sep_filter(&p) != 0) {
        printf("no AVX here: the detector runs dlib's own filter; skipped\n");
        return 77;
    }
    has_wide = idp__sep_filter_at(&p, 16) == 0;
    /* the detector's planes: 10 taps, widths 17-90 (every remainder of 8) */
    for (long cols = 10; cols <= 90; cols++)
        for (int add_to = 0; add_to <= 1; add_to++)
            one(10 + cols % 23, cols, 10, 10, add_to);
    /* other taps and shapes, tall and wide */
    long taps[] = {1, 2, 3, 4, 5, 7, 11, 16};
    for (size_t t = 0; t < sizeof taps / sizeof taps[0]; t++)
        for (long cols = 1; cols <= 70; cols += 3)
            for (int add_to = 0; add_to <= 1; add_to++) {
                one(taps[t] + cols % 9, cols, taps[t], 10, add_to);
                one(31, cols, 10, taps[t], add_to);
            }
    one(200, 120, 10, 10, 1);
    sparse = 1; /* the detector's shapes again, mostly zeros */
    for (long cols = 10; cols <= 90; cols++)
        for (int add_to = 0; add_to <= 1; add_to++)
            one(10 + cols % 23, cols, 10, 10, add_to);
    for (size_t t = 0; t < sizeof taps / sizeof taps[0]; t++)
        one(20, 40 + (long)t, taps[t], taps[t], (int)t & 1);
    printf("%d shapes compared (%d also with AVX-512), %d left to dlib\n",
           shapes, wide_shapes, fallbacks);
    CHECK(shapes > 500);
    CHECK(!has_wide || wide_shapes == shapes); /* this CPU: both compared */
    return CHECK_DONE();
}
