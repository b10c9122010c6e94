/*
 * test_maxflow.c - the Boykov-Kolmogorov max-flow on a pixel grid
 * (maxflow.c): small grids with known minimum cuts, and random grids
 * against a brute force over every labelling. The side read back must be
 * the smallest source side of a minimum cut (the intersection of all of
 * them): that is what makes the labels independent of the order in which
 * the solver grows its trees.
 */
#include "check.h"
#include "segment.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXN 16

typedef struct rgrid {
    int w, h;
    int32_t data[2 * MAXN]; /* source, sink capacity of each pixel */
    int32_t pw[4 * MAXN];   /* E, S, SE, SW weights */
    uint8_t fixed[MAXN];
} rgrid;

static const int dx[4] = {1, 0, 1, -1}, dy[4] = {0, 1, 1, 1};

static uint32_t rng = 2463534242u;

static uint32_t xorshift(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static int inside(const rgrid *g, int x, int y)
{
    return x >= 0 && x < g->w && y >= 0 && y < g->h;
}

/* Side of pixel p when bit p of `set` puts free pixels on the source side. */
static int side(const rgrid *g, unsigned set, int p)
{
    if (g->fixed[p])
        return g->fixed[p] == IDP__GRAPH_SOURCE;
    return (int)(set >> p & 1);
}

/* Cost of a labelling: terminals of free pixels, weights between pixels
 * on different sides unless both are fixed. */
static int64_t cost(const rgrid *g, unsigned set)
{
    int64_t c = 0;
    for (int p = 0; p < g->w * g->h; p++) {
        int x = p % g->w, y = p / g->w;
        if (!g->fixed[p])
            c += side(g, set, p) ? g->data[2 * p + 1] : g->data[2 * p];
        for (int d = 0; d < 4; d++) {
            int q = p + dx[d] + dy[d] * g->w;
            if (!inside(g, x + dx[d], y + dy[d]) ||
                (g->fixed[p] && g->fixed[q]))
                continue;
            if (side(g, set, p) != side(g, set, q))
                c += g->pw[4 * p + d];
        }
    }
    return c;
}

/* The minimum cost, and in *smallest the free pixels on the source side
 * of every labelling that reaches it. */
static int64_t brute(const rgrid *g, unsigned *smallest)
{
    int n = g->w * g->h;
    unsigned free_set = 0;
    int64_t best = INT64_MAX;
    for (int p = 0; p < n; p++)
        free_set |= g->fixed[p] ? 0u : 1u << p;
    *smallest = free_set;
    for (unsigned s = 0; s < 1u << n; s++) {
        int64_t c;
        if (s & ~free_set)
            continue;
        c = cost(g, s);
        if (c < best) {
            best = c;
            *smallest = s;
        } else if (c == best) {
            *smallest &= s;
        }
    }
    return best;
}

/* Max flow of g; *set receives the source side the solver found. */
static int64_t solve(const rgrid *g, unsigned *set)
{
    idp__graph *gr = idp__graph_new(g->w, g->h);
    int64_t f;
    *set = 0;
    if (!gr)
        return -1; /* fails the caller's comparison */
    idp__graph_build(gr, g->data, g->pw, g->fixed);
    f = idp__graph_maxflow(gr);
    for (int p = 0; p < g->w * g->h; p++)
        if (idp__graph_source_side(gr, p % g->w, p / g->w))
            *set |= 1u << p;
    idp__graph_free(gr);
    return f;
}

/* Weights in the border directions are set too: the graph must not
 * read them. */
static void random_grid(rgrid *g, int w, int h, int dense, int fixed_pc)
{
    g->w = w;
    g->h = h;
    for (int p = 0; p < w * h; p++) {
        int kind = (int)(xorshift() % 4);
        g->data[2 * p] = kind & 1 ? (int32_t)(xorshift() % 20) : 0;
        g->data[2 * p + 1] = kind & 2 ? (int32_t)(xorshift() % 20) : 0;
        g->fixed[p] = (int)(xorshift() % 100) < fixed_pc
                          ? (uint8_t)(1 + xorshift() % 2)
                          : IDP__GRAPH_FREE;
        for (int d = 0; d < 4; d++)
            g->pw[4 * p + d] = (int)(xorshift() % 100) < dense
                                   ? (int32_t)(xorshift() % 15)
                                   : 0;
    }
}

/* A 2 x 2 grid links every pair. s -> 0 (4), s -> 1 (2), 2 -> t (2),
 * 3 -> t (4); 0-1 (1), 0-2 (3), 1-3 (2), 2-3 (4), 0-3 and 1-2 none:
 * the minimum cut, 5, is {0, 1} | {2, 3} through 0-2 and 1-3 (all on
 * one side costs 6). */
static void test_square(void)
{
    rgrid g = {0};
    unsigned set, smallest;
    g.w = g.h = 2;
    g.data[0] = 4, g.data[2] = 2, g.data[5] = 2, g.data[7] = 4;
    g.pw[0] = 1;     /* 0 E: 1 */
    g.pw[1] = 3;     /* 0 S: 2 */
    g.pw[4 + 1] = 2; /* 1 S: 3 */
    g.pw[8 + 0] = 4; /* 2 E: 3 */
    CHECK_EQ_INT(brute(&g, &smallest), 5);
    CHECK_EQ_INT(solve(&g, &set), 5);
    CHECK_EQ_INT(set, 3u);
    CHECK_EQ_INT(smallest, 3u);
}

/* Small rows with a known cut: the flow and the source side. */
typedef struct known {
    const char *what;
    int w;
    int32_t data[6], pw[12];
    uint8_t fixed[3];
    int64_t flow;
    unsigned set;
} known;

static const known rows[] = {
    /* s - 0 - 1 - 2 - t: the weakest link is the cut */
    {"chain", 3, {9, 0, 0, 0, 0, 9}, {4, 0, 0, 0, 2}, {0}, 2, 3u},
    /* both terminals on one pixel: only the difference is cut */
    {"both terminals", 1, {7, 3}, {0}, {0}, 3, 1u},
    /* s -> 0 (2), 0 - 1 (2), 1 -> t (5): cutting s -> 0 or 0 - 1 costs
     * the same; the smallest source side is empty */
    {"tie", 2, {2, 0, 0, 5}, {2}, {0}, 2, 0u},
    /* 1 is fixed to the source and pulls 0 (6 against 0's sink, 4); 2 is
     * fixed to the sink; 1-2 is not counted, fixed data not read */
    {"fixed",
     3,
     {0, 4, 50, 50, 50, 50},
     {6, 0, 0, 0, 9},
     {IDP__GRAPH_FREE, IDP__GRAPH_SOURCE, IDP__GRAPH_SINK},
     4,
     1u},
};

static void test_rows(void)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const known *k = &rows[i];
        rgrid g = {0};
        unsigned set;
        g.w = k->w, g.h = 1;
        memcpy(g.data, k->data, sizeof k->data);
        memcpy(g.pw, k->pw, sizeof k->pw);
        memcpy(g.fixed, k->fixed, sizeof k->fixed);
        if (solve(&g, &set) != k->flow || set != k->set)
            fprintf(stderr, "case %s: flow or side wrong\n", k->what);
        CHECK_EQ_INT(solve(&g, &set), k->flow);
        CHECK_EQ_INT(set, k->set);
    }
}

static void test_random(void)
{
    static const int shapes[][2] = {{1, 1}, {2, 1}, {1, 5}, {2, 2},  {3, 2},
                                    {2, 3}, {5, 2}, {3, 3}, {10, 1}, {2, 5},
                                    {4, 3}, {3, 4}, {4, 4}};
    int bad_flow = 0, bad_side = 0;
    for (int it = 0; it < 3300; it++) {
        rgrid g;
        unsigned set, smallest;
        int64_t f, b;
        /* 4 x 4 (four pixels with all eight neighbours) one time in 12 */
        const int *s = shapes[it % 12 == 11 ? 12 : it % 11];
        random_grid(&g, s[0], s[1], 30 + it % 70, it % 3 ? 20 : 0);
        b = brute(&g, &smallest);
        f = solve(&g, &set);
        bad_flow += f != b || cost(&g, set) != b;
        bad_side += set != smallest;
    }
    CHECK_EQ_INT(bad_flow, 0);
    CHECK_EQ_INT(bad_side, 0);
}

/* A build replaces the graph before it: the second cut knows nothing of
 * the first. */
static void test_rebuild(void)
{
    rgrid a = {0}, b = {0};
    idp__graph *g = idp__graph_new(2, 1);
    CHECK(g != NULL);
    if (!g)
        return;
    a.w = b.w = 2, a.h = b.h = 1;
    a.data[0] = 5, a.data[3] = 5, a.pw[0] = 1;
    b.data[0] = 4, b.data[1] = 1, b.data[3] = 9, b.pw[0] = 7;
    idp__graph_build(g, a.data, a.pw, a.fixed);
    CHECK_EQ_INT(idp__graph_maxflow(g), 1);
    CHECK_EQ_INT(idp__graph_source_side(g, 0, 0), 1);
    CHECK_EQ_INT(idp__graph_source_side(g, 1, 0), 0);
    idp__graph_build(g, b.data, b.pw, b.fixed);
    CHECK_EQ_INT(idp__graph_maxflow(g), 4); /* 1 common, then s-0-1-t 3 */
    CHECK_EQ_INT(idp__graph_source_side(g, 0, 0), 0);
    CHECK_EQ_INT(idp__graph_source_side(g, 1, 0), 0);
    idp__graph_free(g);
    CHECK(idp__graph_new(0, 5) == NULL);
    CHECK(idp__graph_new(1 << 15, 1) == NULL);
}

/* A 200 x 200 grid: left column to the source, right column to the
 * sink; links of 5 (diagonals 2) except the weak column x = 120 - 121:
 * the cut runs there. */
static void test_grid(void)
{
    int W = 200, H = 200, ok = 1;
    size_t n = (size_t)W * (size_t)H;
    int32_t *data = calloc(2 * n, sizeof *data),
            *pw = calloc(4 * n, sizeof *pw);
    uint8_t *fixed = calloc(n, 1);
    idp__graph *g = idp__graph_new(W, H);
    CHECK(g && data && pw && fixed);
    if (g && data && pw && fixed) {
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                size_t i = (size_t)(y * W + x);
                data[2 * i] = x == 0 ? 1000 : 0;
                data[2 * i + 1] = x == W - 1 ? 1000 : 0;
                pw[4 * i + 0] = x + 1 < W ? (x == 120 ? 1 : 5) : 0;
                pw[4 * i + 1] = y + 1 < H ? 5 : 0;
                pw[4 * i + 2] = x + 1 < W && y + 1 < H && x != 120 ? 2 : 0;
                pw[4 * i + 3] = x > 0 && y + 1 < H && x != 121 ? 2 : 0;
            }
        idp__graph_build(g, data, pw, fixed);
        CHECK_EQ_INT(idp__graph_maxflow(g), H);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                ok &= idp__graph_source_side(g, x, y) == (x <= 120);
        CHECK(ok);
    }
    idp__graph_free(g);
    free(fixed);
    free(pw);
    free(data);
}

int main(void)
{
    test_square();
    test_rows();
    test_random();
    test_rebuild();
    test_grid();
    return CHECK_DONE();
}
