/*
 * test_maxflow.c - the Boykov-Kolmogorov max-flow (maxflow.c): textbook
 * graphs with known minimum cuts, and random graphs against a brute-force
 * minimum over every cut.
 */
#include "check.h"
#include "segment.h"

#include <stdint.h>
#include <stdlib.h>

#define MAXN 10

typedef struct rgraph {
    int n, m;
    int32_t src[MAXN], snk[MAXN];
    int ei[64], ej[64];
    int32_t cap[64], rev[64];
} rgraph;

static uint32_t rng = 2463534242u;

static uint32_t xorshift(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Cost of the cut where bit i of `set` puts node i on the source side. */
static int64_t cut_cost(const rgraph *g, unsigned set)
{
    int64_t c = 0;
    for (int i = 0; i < g->n; i++)
        c += (set >> i & 1) ? g->snk[i] : g->src[i];
    for (int e = 0; e < g->m; e++) {
        int si = (int)(set >> g->ei[e] & 1), sj = (int)(set >> g->ej[e] & 1);
        if (si && !sj)
            c += g->cap[e];
        if (!si && sj)
            c += g->rev[e];
    }
    return c;
}

static int64_t brute(const rgraph *g)
{
    int64_t best = INT64_MAX;
    for (unsigned s = 0; s < 1u << g->n; s++) {
        int64_t c = cut_cost(g, s);
        best = c < best ? c : best;
    }
    return best;
}

/* Max flow of g; *set receives the cut the solver found. */
static int64_t solve(const rgraph *g, unsigned *set)
{
    idp__graph *gr = idp__graph_new(g->n, g->m);
    int64_t f;
    int full = 0;
    if (!gr)
        return -1; /* fails the caller's comparison */
    for (int i = 0; i < g->n; i++)
        idp__graph_tweights(gr, i, g->src[i], g->snk[i]);
    for (int e = 0; e < g->m; e++)
        full |=
            idp__graph_edge(gr, g->ei[e], g->ej[e], g->cap[e], g->rev[e]) != 0;
    f = full ? -1 : idp__graph_maxflow(gr);
    *set = 0;
    for (int i = 0; i < g->n; i++)
        if (idp__graph_source_side(gr, i))
            *set |= 1u << i;
    idp__graph_free(gr);
    return f;
}

static void random_graph(rgraph *g, int n, int dense)
{
    g->n = n;
    g->m = 0;
    for (int i = 0; i < n; i++) {
        int kind = (int)(xorshift() % 4);
        g->src[i] = kind == 1 || kind == 3 ? (int32_t)(xorshift() % 20) : 0;
        g->snk[i] = kind == 2 || kind == 3 ? (int32_t)(xorshift() % 20) : 0;
    }
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            if (g->m >= 64 || (int)(xorshift() % 100) >= dense)
                continue;
            g->ei[g->m] = i;
            g->ej[g->m] = j;
            g->cap[g->m] = (int32_t)(xorshift() % 15);
            g->rev[g->m] = (int32_t)(xorshift() % 15);
            g->m++;
        }
}

/* s -> 0 (3), s -> 1 (2), 0 -> 1 (1), 0 -> 2 (3), 1 -> 3 (2),
 * 2 -> 3 (4), 2 -> t (2), 3 -> t (3): min cut 5 ({s, 1} | rest: 3 + 2). */
static void test_textbook(void)
{
    rgraph g = {0};
    unsigned set;
    g.n = 4;
    g.src[0] = 3, g.src[1] = 2;
    g.snk[2] = 2, g.snk[3] = 3;
    g.ei[0] = 0, g.ej[0] = 1, g.cap[0] = 1, g.rev[0] = 0;
    g.ei[1] = 0, g.ej[1] = 2, g.cap[1] = 3, g.rev[1] = 0;
    g.ei[2] = 1, g.ej[2] = 3, g.cap[2] = 2, g.rev[2] = 0;
    g.ei[3] = 2, g.ej[3] = 3, g.cap[3] = 4, g.rev[3] = 0;
    g.m = 4;
    CHECK_EQ_INT(brute(&g), 5);
    CHECK_EQ_INT(solve(&g, &set), 5);
    CHECK_EQ_INT(cut_cost(&g, set), 5);
}

/* A chain s - 0 - 1 - 2 - t: the weakest link is the cut. */
static void test_chain(void)
{
    rgraph g = {0};
    unsigned set;
    g.n = 3;
    g.src[0] = 9;
    g.snk[2] = 9;
    g.ei[0] = 0, g.ej[0] = 1, g.cap[0] = 4, g.rev[0] = 4;
    g.ei[1] = 1, g.ej[1] = 2, g.cap[1] = 2, g.rev[1] = 2;
    g.m = 2;
    CHECK_EQ_INT(solve(&g, &set), 2);
    CHECK_EQ_INT(set, 3u); /* nodes 0 and 1 with the source */
}

/* Both terminals on one node: only the difference is cut. */
static void test_both_terminals(void)
{
    rgraph g = {0};
    unsigned set;
    g.n = 1;
    g.src[0] = 7;
    g.snk[0] = 3;
    CHECK_EQ_INT(solve(&g, &set), 3);
    CHECK_EQ_INT(set, 1u);
}

static void test_random(void)
{
    int bad = 0;
    for (int it = 0; it < 3000; it++) {
        rgraph g;
        unsigned set;
        int64_t f, b;
        random_graph(&g, 1 + it % MAXN, 20 + it % 70);
        b = brute(&g);
        f = solve(&g, &set);
        if (f != b || cut_cost(&g, set) != b)
            bad++;
    }
    CHECK_EQ_INT(bad, 0);
}

/* A 200 x 200 grid: left half to the source, right half to the sink;
 * uniform links: the cut is the middle column's links. */
/* Reset keeps the memory and forgets the graph. */
static void test_reset(void)
{
    idp__graph *g = idp__graph_new(3, 2);
    CHECK(g != NULL);
    if (!g)
        return;
    idp__graph_tweights(g, 0, 5, 0);
    idp__graph_tweights(g, 2, 0, 5);
    idp__graph_edge(g, 0, 1, 1, 0);
    idp__graph_edge(g, 1, 2, 1, 0);
    CHECK_EQ_INT(idp__graph_maxflow(g), 1);
    CHECK_EQ_INT(idp__graph_reset(g, 4), -1); /* more than it was made for */
    CHECK_EQ_INT(idp__graph_reset(g, 2), 0);
    idp__graph_tweights(g, 0, 4, 0);
    idp__graph_tweights(g, 1, 0, 3);
    CHECK_EQ_INT(idp__graph_edge(g, 0, 1, 7, 7), 0);
    CHECK_EQ_INT(idp__graph_edge(g, 0, 1, 1, 1), 0);
    CHECK_EQ_INT(idp__graph_edge(g, 0, 1, 1, 1), -1); /* full */
    CHECK_EQ_INT(idp__graph_maxflow(g), 3);
    idp__graph_free(g);
}

static void test_grid(void)
{
    int W = 200, H = 200, ok = 1;
    idp__graph *g = idp__graph_new(W * H, 2 * W * H);
    CHECK(g != NULL);
    if (!g)
        return;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int i = y * W + x;
            if (x == 0)
                idp__graph_tweights(g, i, 1000, 0);
            if (x == W - 1)
                idp__graph_tweights(g, i, 0, 1000);
            if (x + 1 < W)
                idp__graph_edge(g, i, i + 1, x == 120 ? 1 : 5,
                                x == 120 ? 1 : 5);
            if (y + 1 < H)
                idp__graph_edge(g, i, i + W, 5, 5);
        }
    CHECK_EQ_INT(idp__graph_maxflow(g), H);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            ok &= idp__graph_source_side(g, y * W + x) == (x <= 120);
    CHECK(ok);
    idp__graph_free(g);
}

int main(void)
{
    test_textbook();
    test_chain();
    test_both_terminals();
    test_random();
    test_reset();
    test_grid();
    return CHECK_DONE();
}
