/*
 * test_decode_idct.c - decode_idct.c's 2x2 IDCT of sixteen blocks: the
 * slots it reads; the AVX2 lanes against the plain C lanes; both against
 * a block-at-a-time rendering of jsimd_idct_2x2_sse2() written here from
 * its instructions (pmullw, pmaddwd pairs, paddd, packssdw, packsswb,
 * paddb); a few pixels worked out by hand. Blocks small and large: values
 * whose products pass 16 bits, sums past 32 bits, first-pass values past
 * 16 bits and pixels past 8 bits (where libjpeg's C routine would
 * differ). Whether libjpeg itself gives these pixels is decode_rows.c's
 * check at each decode and unit.decode_huff's, through whole files.
 */
#include "check.h"
#include "decode_idct.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define L     IDP__IDCT2_LANES
#define SLOTS IDP__IDCT2_SLOTS

static uint32_t rng = 2024;

static uint32_t next(void)
{
    rng = rng * 1664525u + 1013904223u;
    return rng >> 8;
}

/* ---- jsimd_idct_2x2_sse2(), one block, instruction by instruction ---- */

static int16_t pmullw(int16_t a, int16_t b)
{
    return (int16_t)(uint16_t)((uint32_t)(uint16_t)a * (uint16_t)b);
}

/* pmaddwd of the pairs (a, b) and (c1, c2): exact in 32 bits here. */
static int32_t pmaddwd(int16_t a, int16_t b, int16_t c1, int16_t c2)
{
    return (int32_t)a * c1 + (int32_t)b * c2;
}

static int32_t paddd(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

static int32_t psubd(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a - (uint32_t)b);
}

static int16_t packssdw(int32_t v)
{
    return (int16_t)(v < -32768 ? -32768 : v > 32767 ? 32767 : v);
}

static uint8_t out8(int32_t v) /* packssdw, packsswb, paddb 128 */
{
    int16_t w = packssdw(v);
    int8_t b = (int8_t)(w < -128 ? -128 : w > 127 ? 127 : w);
    return (uint8_t)(b + 128);
}

/* blk and q in natural order; px: row 0 then row 1. */
static void sse2_block(const int16_t blk[64], const int16_t q[64],
                       uint8_t px[4])
{
    static const int cols[5] = {0, 1, 3, 5, 7};
    int32_t a[5], b[5];
    for (int k = 0; k < 5; k++) {
        int c = cols[k];
        int16_t z0 = pmullw(blk[c], q[c]), z1 = pmullw(blk[8 + c], q[8 + c]);
        int16_t z3 = pmullw(blk[24 + c], q[24 + c]);
        int16_t z5 = pmullw(blk[40 + c], q[40 + c]);
        int16_t z7 = pmullw(blk[56 + c], q[56 + c]);
        int32_t tmp0 =
            paddd(pmaddwd(z1, z3, 29692, -10426), pmaddwd(z5, z7, 6967, -5906));
        int32_t tmp10 = (int32_t)((uint32_t)(uint16_t)z0 << 16) >> 1;
        a[k] = paddd(paddd(tmp10, tmp0), 1 << 12) >> 13;
        b[k] = paddd(psubd(tmp10, tmp0), 1 << 12) >> 13;
    }
    for (int row = 0; row < 2; row++) {
        const int32_t *w = row ? b : a;
        int32_t tmp0 =
            paddd(pmaddwd(packssdw(w[1]), packssdw(w[2]), 29692, -10426),
                  pmaddwd(packssdw(w[3]), packssdw(w[4]), 6967, -5906));
        int32_t tmp10 = (int32_t)((uint32_t)w[0] << 15);
        px[2 * row] = out8(paddd(paddd(tmp10, tmp0), 1 << 19) >> 20);
        px[2 * row + 1] = out8(paddd(psubd(tmp10, tmp0), 1 << 19) >> 20);
    }
}

/* ---- the cases ---- */

/* A value: small, photo-like, or anywhere in 16 bits (kind 0, 1, 2). */
static int16_t value(int kind)
{
    uint32_t v = next();
    if (kind == 0)
        return (int16_t)((int)(v % 41) - 20);
    if (kind == 1)
        return (int16_t)((int)(v % 2049) - 1024);
    return v % 4 ? (int16_t)(uint16_t)v : (v % 8 < 4 ? 32767 : -32768);
}

typedef struct group {
    int16_t blk[L][64], q[64];
    int16_t planes[SLOTS * L], qs[SLOTS];
} group;

static void fill(group *g, int kind, int qkind)
{
    for (int i = 0; i < 64; i++)
        g->q[i] = qkind == 0   ? (int16_t)(1 + next() % 99)
                  : qkind == 1 ? (int16_t)(1 + next() % 255)
                               : value(2);
    for (int b = 0; b < L; b++)
        for (int i = 0; i < 64; i++)
            g->blk[b][i] = (next() % 3 || i == 0) ? value(kind) : 0;
    for (int i = 0; i < 64; i++) {
        int s = idp__idct2_slot(i);
        if (s < 0)
            continue;
        g->qs[s] = g->q[i];
        for (int b = 0; b < L; b++)
            g->planes[s * L + b] = g->blk[b][i];
    }
}

static void test_slots(void)
{
    int seen[SLOTS] = {0}, n = 0;
    for (int i = 0; i < 64; i++) {
        int s = idp__idct2_slot(i), r = i / 8, c = i % 8;
        int read = (r < 2 || r % 2) && (c < 2 || c % 2);
        CHECK_EQ_INT(s >= 0, read);
        if (s >= 0 && s < SLOTS) {
            seen[s]++;
            n++;
        }
    }
    CHECK_EQ_INT(n, SLOTS);
    for (int s = 0; s < SLOTS; s++)
        CHECK_EQ_INT(seen[s], 1);
    CHECK_EQ_INT(idp__idct2_slot(0), 0);
    CHECK_EQ_INT(idp__idct2_slot(7), 4);   /* row 0, column 7 */
    CHECK_EQ_INT(idp__idct2_slot(8), 5);   /* row 1, column 0 */
    CHECK_EQ_INT(idp__idct2_slot(63), 24); /* row 7, column 7 */
    CHECK_EQ_INT(idp__idct2_slot(2), -1);
    CHECK_EQ_INT(idp__idct2_slot(64), -1);
}

/* DC only: pixel = sat8(((dc q << 15 + 2^12) >> 13 << 15 + 2^19) >> 20)
 * + 128; with a coefficient in row 0, column 1 the two columns part. */
static void test_by_hand(void)
{
    group g;
    uint8_t o0[2 * L], o1[2 * L];
    memset(&g, 0, sizeof g);
    for (int s = 0; s < SLOTS; s++)
        g.qs[s] = 16;
    g.planes[0 * L + 0] = 8;   /* block 0: DC 128 -> 128 + 16 */
    g.planes[0 * L + 1] = -80; /* block 1: DC -1280 -> 0 (saturated) */
    g.planes[0 * L + 2] = 8;   /* block 2: and column 1, row 0: 4 * 16 */
    g.planes[1 * L + 2] = 4;
    idp__idct2_at(g.planes, L, g.qs, o0, o1, 0);
    CHECK_EQ_INT(o0[0], 144);
    CHECK_EQ_INT(o0[1], 144);
    CHECK_EQ_INT(o1[0], 144);
    CHECK_EQ_INT(o1[1], 144);
    CHECK_EQ_INT(o0[2], 0);
    CHECK_EQ_INT(o1[3], 0);
    /* z = 64 in row 0 of column 1: A1 = B1 = (64 << 15 + 2^12) >> 13 =
     * 256; pixels 128 + (512 << 15 +- 256 * 29692 + 2^19) >> 20 */
    CHECK_EQ_INT(o0[4], 151);
    CHECK_EQ_INT(o0[5], 137);
    CHECK_EQ_INT(o1[4], 151);
    CHECK_EQ_INT(o1[5], 137);
    CHECK_EQ_INT(o0[6], 128); /* an empty block: mid grey */
}

/* Plain and vector lanes against the block-at-a-time SSE2 rendering. */
static void test_random(void)
{
    int bad_plain = 0, bad_vector = 0, blocks = 0;
    for (int it = 0; it < 3000; it++) {
        group g;
        uint8_t p0[2 * L], p1[2 * L], v0[2 * L], v1[2 * L];
        fill(&g, it % 3, (it / 3) % 3);
        idp__idct2_at(g.planes, L, g.qs, p0, p1, 0);
        idp__idct2_at(g.planes, L, g.qs, v0, v1, 1);
        bad_vector += memcmp(p0, v0, sizeof p0) || memcmp(p1, v1, sizeof p1);
        for (int b = 0; b < L; b++) {
            uint8_t px[4];
            sse2_block(g.blk[b], g.q, px);
            bad_plain += px[0] != p0[2 * b] || px[1] != p0[2 * b + 1] ||
                         px[2] != p1[2 * b] || px[3] != p1[2 * b + 1];
            blocks++;
        }
    }
    printf("%d blocks: %d differ from the SSE2 rendering, %d groups between "
           "the plain and the vector lanes (vectors %s)\n",
           blocks, bad_plain, bad_vector,
           idp__idct2_vector() ? "AVX2" : "absent: plain twice");
    CHECK_EQ_INT(bad_plain, 0);
    CHECK_EQ_INT(bad_vector, 0);
}

/* The planes' stride is the caller's: sixteen blocks inside wider planes
 * give what they give alone. */
static void test_stride(void)
{
    static int16_t wide[SLOTS * 3 * L];
    group g;
    uint8_t a0[2 * L], a1[2 * L], b0[2 * L], b1[2 * L];
    fill(&g, 1, 1);
    for (size_t i = 0; i < sizeof wide / sizeof *wide; i++)
        wide[i] = value(2);
    for (int s = 0; s < SLOTS; s++)
        memcpy(wide + s * 3 * L + L, g.planes + s * L, L * sizeof *wide);
    for (int v = 0; v < 2; v++) {
        idp__idct2_at(g.planes, L, g.qs, a0, a1, v);
        idp__idct2_at(wide + L, 3 * L, g.qs, b0, b1, v);
        CHECK(memcmp(a0, b0, sizeof a0) == 0 && memcmp(a1, b1, sizeof a1) == 0);
    }
}

int main(void)
{
    test_slots();
    test_by_hand();
    test_random();
    test_stride();
    return CHECK_DONE();
}
