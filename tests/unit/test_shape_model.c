/* test_shape_model.c - the compact face model: validation of the file
 * image (shape_model.c) and the cascade (shape_predict.c) on a tiny
 * hand-made model whose answer is known. */
#include "check.h"
#include "shape_model.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One level of two depth-1 trees over two feature pixels. */
typedef struct tiny {
    uint8_t *bytes;
    size_t size;
    idp__model_layout l;
} tiny;

static void tiny_checksums(tiny *t)
{
    idp__model_header h;
    memcpy(&h, t->bytes, sizeof h);
    h.leaf_checksum = idp__fnv1a64(IDP__FNV_OFFSET, t->bytes + t->l.leaves,
                                   t->size - t->l.leaves);
    h.meta_checksum = idp__model_meta_checksum(t->bytes, &t->l);
    memcpy(t->bytes, &h, sizeof h);
}

static void put_f(tiny *t, uint64_t off, float v)
{
    memcpy(t->bytes + off, &v, sizeof v);
}

static void tiny_header(idp__model_header *h)
{
    memset(h, 0, sizeof *h);
    memcpy(h->magic, IDP__MODEL_MAGIC, 8);
    h->version = IDP__MODEL_VERSION;
    h->header_size = IDP__MODEL_HEADER_SIZE;
    h->parts = IDP_LANDMARKS;
    h->cascades = 1;
    h->trees = 2;
    h->depth = 1;
    h->pixels = 2;
    h->detector_bytes = 5;
}

/* Tree 0 goes left (pixel 0 - pixel 1 = 150 > 100) and moves every point
 * 0.01 right; tree 1 goes right (-150 > 0 is false) and 0.02 down. */
static void tiny_trees(tiny *t)
{
    idp__model_split s0 = {0, 1, 100.0f}, s1 = {1, 0, 0.0f};
    uint64_t leaf = t->l.leaves, n = 2 * IDP_LANDMARKS;
    uint32_t anchors[2] = {0, 9};
    memcpy(t->bytes + t->l.anchors, anchors, sizeof anchors);
    memcpy(t->bytes + t->l.splits, &s0, sizeof s0);
    memcpy(t->bytes + t->l.splits + sizeof s0, &s1, sizeof s1);
    for (uint64_t i = 0; i < n; i += 2) {
        put_f(t, leaf + 4 * i, 0.01f);               /* tree 0, leaf 0 */
        put_f(t, leaf + 4 * (n + i), -1.0f);         /* tree 0, leaf 1 */
        put_f(t, leaf + 4 * (2 * n + i), -1.0f);     /* tree 1, leaf 0 */
        put_f(t, leaf + 4 * (3 * n + i + 1), 0.02f); /* tree 1, leaf 1 */
    }
}

static void tiny_make(tiny *t)
{
    idp__model_header h;
    tiny_header(&h);
    CHECK(idp__model_layout_of(&h, &t->l) == 0);
    h.file_size = t->l.end;
    t->size = (size_t)t->l.end;
    t->bytes = calloc(1, t->size);
    memcpy(t->bytes, &h, sizeof h);
    for (int i = 0; i < IDP_LANDMARKS; i++) { /* a 10 x 7 grid */
        put_f(t, t->l.shape + 8u * (unsigned)i, (float)(i % 10) / 10.0f);
        put_f(t, t->l.shape + 8u * (unsigned)i + 4, (float)(i / 10) / 10.0f);
    }
    tiny_trees(t);
    memcpy(t->bytes + t->l.detector, "dlib!", 5);
    tiny_checksums(t);
}

static idp_status bind(const tiny *t, size_t size)
{
    idp__shape_model m;
    char err[256];
    return idp__shape_model_bind(t->bytes, size, &m, err, sizeof err);
}

static void test_fnv(void)
{
    CHECK(idp__fnv1a64(IDP__FNV_OFFSET, "", 0) == IDP__FNV_OFFSET);
    CHECK(idp__fnv1a64(IDP__FNV_OFFSET, "a", 1) == 0xaf63dc4c8601ec8cULL);
}

static void test_valid_and_truncated(void)
{
    tiny t;
    tiny_make(&t);
    CHECK_EQ_INT(bind(&t, t.size), IDP_OK);
    CHECK_EQ_INT(bind(&t, t.size - 1), IDP_E_MODEL);
    CHECK_EQ_INT(bind(&t, 40), IDP_E_MODEL);
    t.bytes[0] = 'X';
    CHECK_EQ_INT(bind(&t, t.size), IDP_E_MODEL);
    free(t.bytes);
}

static void test_corrupt_bytes(void)
{
    tiny t;
    uint32_t bad = 2, version = 2;
    tiny_make(&t);
    t.bytes[t.l.splits + 8] ^= 1; /* a threshold, checksum not updated */
    CHECK_EQ_INT(bind(&t, t.size), IDP_E_MODEL);
    tiny_checksums(&t);
    CHECK_EQ_INT(bind(&t, t.size), IDP_OK);
    memcpy(t.bytes + t.l.splits + 4, &bad, 4); /* idx2 = 2 of 2 pixels */
    tiny_checksums(&t);
    CHECK_EQ_INT(bind(&t, t.size), IDP_E_MODEL);
    free(t.bytes);
    tiny_make(&t);
    bad = IDP_LANDMARKS; /* anchor past the last landmark */
    memcpy(t.bytes + t.l.anchors + 4, &bad, 4);
    tiny_checksums(&t);
    CHECK_EQ_INT(bind(&t, t.size), IDP_E_MODEL);
    free(t.bytes);
    tiny_make(&t);
    memcpy(t.bytes + 8, &version, 4);
    tiny_checksums(&t);
    CHECK_EQ_INT(bind(&t, t.size), IDP_E_MODEL);
    free(t.bytes);
}

static void test_impossible_counts(void)
{
    idp__model_header h;
    idp__model_layout l;
    tiny_header(&h);
    CHECK(idp__model_layout_of(&h, &l) == 0);
    h.depth = 31;
    CHECK(idp__model_layout_of(&h, &l) != 0);
    tiny_header(&h);
    h.pixels = 0;
    CHECK(idp__model_layout_of(&h, &l) != 0);
    tiny_header(&h);
    h.trees = 0xffffffffu;
    CHECK(idp__model_layout_of(&h, &l) != 0);
}

static void test_predict(void)
{
    static uint8_t grey[200 * 200];
    idp_point pts[IDP_LANDMARKS];
    long rect[4] = {10, 20, 109, 119};
    idp__shape_model m;
    char err[256];
    tiny t;
    tiny_make(&t);
    grey[20 * 200 + 10] = 200; /* landmark 0 at (0, 0) */
    grey[20 * 200 + 99] = 50;  /* landmark 9 at (0.9, 0): 99.1 px */
    CHECK_EQ_INT(idp__shape_model_bind(t.bytes, t.size, &m, err, sizeof err),
                 IDP_OK);
    CHECK_EQ_INT(idp__shape_model_verify_leaves(&m, err, sizeof err), IDP_OK);
    CHECK_EQ_INT(
        idp__shape_predict(&m, grey, 200, 200, 200, rect, pts, err, sizeof err),
        IDP_OK);
    for (int i = 0; i < IDP_LANDMARKS; i++) {
        float x = (float)(i % 10) / 10.0f + 0.01f;
        float y = (float)(i / 10) / 10.0f + 0.02f;
        CHECK_NEAR(pts[i].x, floor(99.0 * x + 10.5), 0);
        CHECK_NEAR(pts[i].y, floor(99.0 * y + 20.5), 0);
    }
    put_f(&t, t.l.leaves + 4, NAN); /* leaf values are not checked on load */
    CHECK_EQ_INT(idp__shape_model_verify_leaves(&m, err, sizeof err),
                 IDP_E_MODEL);
    CHECK_EQ_INT(
        idp__shape_predict(&m, grey, 200, 200, 200, rect, pts, err, sizeof err),
        IDP_E_MODEL);
    free(t.bytes);
}

static void test_face_rect(void)
{
    idp_rect box = {10.4, 19.6, 100.2, 99.9};
    long r[4];
    idp__face_rect(box, r);
    CHECK_EQ_INT(r[0], 10);
    CHECK_EQ_INT(r[1], 20);
    CHECK_EQ_INT(r[2], 111 - 1); /* lround(110.6) - 1 */
    CHECK_EQ_INT(r[3], 120 - 1); /* lround(119.5) - 1 */
}

int main(void)
{
    test_fnv();
    test_valid_and_truncated();
    test_corrupt_bytes();
    test_impossible_counts();
    test_predict();
    test_face_rect();
    return CHECK_DONE();
}
