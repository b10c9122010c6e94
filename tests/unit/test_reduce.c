/* test_reduce.c - reduceh.c and image_reduce.c give the bytes of
 * vips_resize()'s Lanczos-3 reduction (the detector's grey copy, the
 * landmarks' crops and the output crop depend on it): random images
 * through both pipelines, strips and 128 x 128 tiles; the AVX-512 loop
 * and the plain one agree; a coefficient one off is caught. */
#include "check.h"
#include "idp_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned seed = 12345;
static unsigned next(void)
{
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
}

/* rows x (w pixels of `bands`) reduced into out, in requests of tile_w
 * output columns (a new position at each, as libvips' tiles ask). */
static void reduce_rows(const idp__reduceh *p, const uint8_t *in, int w,
                        int rows, int bands, int tile_w, uint8_t *out)
{
    for (int x0 = 0; x0 < p->out_w; x0 += tile_w) {
        int width = x0 + tile_w < p->out_w ? tile_w : p->out_w - x0, a, b;
        idp__reduceh_cols *c = idp__reduceh_cols_new(p, x0, width, bands);
        CHECK(c != NULL);
        if (!c)
            return;
        idp__reduceh_cols_span(p, c, &a, &b);
        CHECK(a >= 0 && b <= w && a < b);
        for (int y = 0; y < rows; y++)
            idp__reduceh_row(
                p, c, in + ((size_t)y * (size_t)w + (size_t)a) * (size_t)bands,
                a,
                out + ((size_t)y * (size_t)p->out_w + (size_t)x0) *
                          (size_t)bands);
        idp__reduceh_cols_free(c);
    }
}

/* The plain loop and the vector loop on one random row set. */
static int loops_agree(int w, int rows, int bands, double shrink, int tile_w)
{
    idp__reduceh p;
    size_t in_n = (size_t)w * (size_t)rows * (size_t)bands, out_n;
    uint8_t *in, *a, *b;
    int same;
    if (idp__reduceh_plan(&p, w, shrink) != 0)
        return -1;
    out_n = (size_t)p.out_w * (size_t)rows * (size_t)bands;
    in = malloc(in_n);
    a = malloc(out_n);
    b = malloc(out_n);
    CHECK(in && a && b);
    for (size_t i = 0; i < in_n; i++)
        in[i] = (uint8_t)(i % 5 == 0 ? 255 * (next() % 2) : next());
    reduce_rows(&p, in, w, rows, bands, tile_w, a);
    p.plain = 1;
    reduce_rows(&p, in, w, rows, bands, tile_w, b);
    same = memcmp(a, b, out_n) == 0;
    idp__reduceh_free(&p);
    free(in);
    free(a);
    free(b);
    return same;
}

static void test_plan(void)
{
    idp__reduceh p;
    CHECK_EQ_INT(idp__reduceh_plan(&p, 100, 1.0), -1); /* no reduction */
    CHECK_EQ_INT(idp__reduceh_plan(&p, 100, 0.5), -1);
    CHECK_EQ_INT(idp__reduceh_plan(&p, 100, 4.5), -1); /* libvips boxes */
    CHECK_EQ_INT(idp__reduceh_plan(&p, 0, 2.0), -1);
    CHECK_EQ_INT(idp__reduceh_plan(&p, 756, 1008.0 / 800), 0);
    CHECK_EQ_INT(p.out_w, 600);
    CHECK_EQ_INT(p.taps, 9); /* 2 rint(3 x 1.26) + 1 */
    CHECK_EQ_INT(p.pad, 4);
    idp__reduceh_free(&p);
}

/* A coefficient one off changes some pixel of a busy row. */
static void test_one_off(void)
{
    idp__reduceh p;
    uint8_t in[3 * 300], a[3 * 300], b[3 * 300];
    CHECK_EQ_INT(idp__reduceh_plan(&p, 300, 1.3), 0);
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = (uint8_t)next();
    reduce_rows(&p, in, 300, 1, 3, 1 << 20, a);
    for (int t = 0; t <= 64; t++) /* every table's middle tap, by 1/512 */
        p.coef[t * p.taps + p.taps / 2] += 8;
    reduce_rows(&p, in, 300, 1, 3, 1 << 20, b);
    CHECK(memcmp(a, b, (size_t)p.out_w * 3) != 0);
    idp__reduceh_free(&p);
}

int main(void)
{
    int made = 0, bad, agree = 0, tried = 0;
    test_plan();
    test_one_off();
    for (int i = 0; i < 400; i++) {
        int w = 2 + (int)(next() % 900), bands = next() % 2 ? 3 : 1;
        double shrink = 1.0 + (double)(next() % 3000) / 1000.0 + 1e-3;
        int tile = next() % 3 ? 1 << 20 : 1 + (int)(next() % 200);
        int rc = loops_agree(w, 1 + (int)(next() % 4), bands, shrink, tile);
        if (rc < 0)
            continue;
        tried++;
        agree += rc;
    }
    CHECK(tried > 300);
    CHECK_EQ_INT(agree, tried);
    bad = idp__reduce_check(300, &made);
    if (bad < 0)
        fprintf(stderr, "reduceh.c is not used with this libvips\n");
    CHECK_EQ_INT(bad, 0);
    CHECK(made > 250);
    return CHECK_DONE();
}
