/*
 * maxflow.c - minimum s-t cut of a pixel grid by the Boykov-Kolmogorov
 * algorithm (Boykov & Kolmogorov, "An experimental comparison of
 * min-cut/max-flow algorithms for energy minimization in vision", PAMI
 * 2004). Pure C.
 *
 * Two search trees grow from the source and the sink over arcs with
 * residual capacity; where they touch, the path is augmented; nodes cut
 * off from their tree (orphans) look for a new parent in the same tree
 * (distance and timestamp heuristics) or become free. Integer capacities,
 * so the result is exact.
 *
 * The graph is a grid whose every node may link to its 8 neighbours, so
 * arcs are implied, not stored: node p keeps the residual capacities of
 * its 8 arcs side by side, r_cap[8 p + k], where k is a direction in
 * `off`; the sister of direction k is k ^ 1. A ring of padding nodes
 * without capacity surrounds the grid, so every arc has a sister and no
 * step tests a border. A build writes each node's eight arcs and its
 * terminals in one pass, node after node (a pixel away from the border
 * without a test).
 *
 * The cut read back is the set of nodes reachable from the source in the
 * residual graph (at the end, the source tree is exactly that set). It is
 * the same for every maximum flow, so it does not depend on the order in
 * which the trees grow.
 */
#include "segment.h"

#include <stdlib.h>
#include <string.h>

#define NONE     (-1) /* parent: a free node */
#define TERMINAL (-2) /* parent: connected to its terminal directly */
#define ORPHAN   (-3) /* parent: lost, waiting for adoption */
#define DIST_INF 0x7fffffff
#define DIRS     8

struct idp__graph {
    int w, h;  /* the grid the caller sees */
    int wp, n; /* padded row length, padded node count */
    int off[DIRS];
    /* nodes */
    int *parent;     /* arc to the parent, or NONE / TERMINAL / ORPHAN */
    int *next_act;   /* active queue link; -1 not queued; self: last */
    int *ts, *dist;  /* timestamp and distance to the terminal */
    int32_t *tr_cap; /* > 0: residual from the source; < 0: to the sink */
    uint8_t *sink;   /* 1: in (or last in) the sink tree */
    int32_t *r_cap;  /* [8 n]: residual capacity of each node's arcs */
    /* state of a run */
    int q_first, q_last; /* active queue */
    int *orph;           /* orphan deque (ring of n + 1) */
    int o_head, o_len;
    int time;
    int64_t flow;
};

/* Arc a = 8 p + k leaves node p towards p + off[k]. */
static inline int head_of(const idp__graph *g, int a)
{
    return (a >> 3) + g->off[a & 7];
}

static inline int tail_of(int a)
{
    return a >> 3;
}

static inline int sister(const idp__graph *g, int a)
{
    return head_of(g, a) * DIRS + ((a & 7) ^ 1);
}

static int node_of(const idp__graph *g, int x, int y)
{
    return (y + 1) * g->wp + x + 1;
}

idp__graph *idp__graph_new(int w, int h)
{
    idp__graph *g;
    size_t n;
    if (w < 1 || h < 1 || w > 1 << 14 || h > 1 << 14 ||
        (size_t)(w + 2) * (size_t)(h + 2) > (size_t)1 << 27)
        return NULL; /* arc numbers must fit an int */
    g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->w = w;
    g->h = h;
    g->wp = w + 2;
    g->n = (w + 2) * (h + 2);
    n = (size_t)g->n;
    int wp = g->wp,
        off[DIRS] = {1, -1, wp, -wp, wp + 1, -wp - 1, wp - 1, -wp + 1};
    memcpy(g->off, off, sizeof off);
    g->parent = malloc(n * sizeof(int));
    g->next_act = malloc(n * sizeof(int));
    g->ts = malloc(n * sizeof(int));
    g->dist = malloc(n * sizeof(int));
    g->tr_cap = malloc(n * sizeof(int32_t));
    g->sink = malloc(n);
    g->orph = malloc((n + 1) * sizeof(int));
    g->r_cap = malloc(n * DIRS * sizeof(int32_t));
    if (!g->parent || !g->next_act || !g->ts || !g->dist || !g->tr_cap ||
        !g->sink || !g->orph || !g->r_cap) {
        idp__graph_free(g);
        return NULL;
    }
    return g;
}

void idp__graph_free(idp__graph *g)
{
    if (!g)
        return;
    free(g->r_cap);
    free(g->orph);
    free(g->sink);
    free(g->tr_cap);
    free(g->dist);
    free(g->ts);
    free(g->next_act);
    free(g->parent);
    free(g);
}

const int idp__graph_dx[4] = {1, 0, 1, -1}, idp__graph_dy[4] = {0, 1, 1, 1};

/* Arc slot k's step on the grid: E, W, S, N, SE, NW, SW, NE (off[]). */
static const int step_x[DIRS] = {1, -1, 0, 0, 1, -1, -1, 1};
static const int step_y[DIRS] = {0, 0, 1, -1, 1, -1, 1, -1};

/* The weight between pixel p = (x, y) and its neighbour q along arc slot
 * k (0 outside the grid): the even slots (E, S, SE, SW) are p's own
 * weights d = k / 2, the odd ones its neighbour's towards p. */
static int32_t weight(const idp__graph *g, const int32_t *pw, int x, int y,
                      int k, size_t *q)
{
    int nx = x + step_x[k], ny = y + step_y[k];
    if (nx < 0 || nx >= g->w || ny < 0 || ny >= g->h)
        return 0;
    *q = (size_t)ny * (size_t)g->w + (size_t)nx;
    return pw[4 * (k & 1 ? *q : (size_t)y * (size_t)g->w + (size_t)x) +
              (size_t)(k / 2)];
}

/* The ring of padding nodes: no capacity. */
static void clear_ring(idp__graph *g)
{
    size_t wp = (size_t)g->wp, last = (size_t)g->n - wp;
    memset(g->tr_cap, 0, wp * sizeof *g->tr_cap);
    memset(g->tr_cap + last, 0, wp * sizeof *g->tr_cap);
    memset(g->r_cap, 0, wp * DIRS * sizeof *g->r_cap);
    memset(g->r_cap + last * DIRS, 0, wp * DIRS * sizeof *g->r_cap);
    for (int y = 1; y <= g->h; y++) {
        size_t a = (size_t)y * wp, b = a + wp - 1;
        g->tr_cap[a] = g->tr_cap[b] = 0;
        memset(g->r_cap + a * DIRS, 0, DIRS * sizeof *g->r_cap);
        memset(g->r_cap + b * DIRS, 0, DIRS * sizeof *g->r_cap);
    }
}

/* Pixel p = (x, y), node i: its eight arcs (a weight to a free neighbour,
 * both ways; none from or to a fixed pixel) and its terminals: its data,
 * and a fixed neighbour's weight towards that one's side. Only the
 * difference of the two terminals matters to the cut: the common part
 * always flows and is counted at once (the same whatever the order of
 * the additions: integers). */
static void node(idp__graph *g, const int32_t *data, const int32_t *pw,
                 const uint8_t *fixed, int x, int y)
{
    size_t p = (size_t)y * (size_t)g->w + (size_t)x;
    int i = node_of(g, x, y);
    int32_t *r = g->r_cap + (size_t)i * DIRS;
    int64_t source = 0, sink = 0, t;
    for (int k = 0; k < DIRS; k++) {
        size_t q = 0;
        int32_t c = weight(g, pw, x, y, k, &q);
        r[k] = 0;
        if (c <= 0 || fixed[p])
            continue;
        if (!fixed[q])
            r[k] = c;
        else if (fixed[q] == IDP__GRAPH_SOURCE)
            source += c;
        else
            sink += c;
    }
    if (fixed[p]) {
        g->tr_cap[i] = 0;
        return;
    }
    source += data[2 * p];
    sink += data[2 * p + 1];
    t = source - sink;
    g->flow += (source + sink - (t < 0 ? -t : t)) / 2;
    g->tr_cap[i] = (int32_t)t;
}

/* node() for a pixel not on the grid's border: every neighbour there.
 * It repeats node()'s arithmetic on purpose: passing the weights and
 * labels through arrays to one shared function made the build ~20 %
 * slower (1.3 % -> 1.6 % of a batch photo's CPU). */
static inline void inner_node(idp__graph *g, const int32_t *data,
                              const int32_t *pw, const uint8_t *fixed, size_t p,
                              int i)
{
    const size_t W = (size_t)g->w;
    /* the neighbour of each arc slot, and the weight's index in pw */
    const size_t q[DIRS] = {p + 1,     p - 1,     p + W,     p - W,
                            p + W + 1, p - W - 1, p + W - 1, p - W + 1};
    const size_t at[DIRS] = {4 * p,     4 * q[1],     4 * p + 1, 4 * q[3] + 1,
                             4 * p + 2, 4 * q[5] + 2, 4 * p + 3, 4 * q[7] + 3};
    int32_t *r = g->r_cap + (size_t)i * DIRS;
    int32_t source = 0, sink = 0, t;
    if (fixed[p]) {
        memset(r, 0, DIRS * sizeof *r);
        g->tr_cap[i] = 0;
        return;
    }
    for (int k = 0; k < DIRS; k++) {
        int32_t c = pw[at[k]] > 0 ? pw[at[k]] : 0;
        uint8_t f = fixed[q[k]];
        r[k] = f ? 0 : c;
        source += f == IDP__GRAPH_SOURCE ? c : 0;
        sink += f == IDP__GRAPH_SINK ? c : 0;
    }
    source += data[2 * p];
    sink += data[2 * p + 1];
    t = source - sink;
    g->flow += (source + sink - (t < 0 ? -t : t)) / 2;
    g->tr_cap[i] = t;
}

void idp__graph_build(idp__graph *g, const int32_t *data, const int32_t *pw,
                      const uint8_t *fixed)
{
    g->flow = 0;
    memset(g->sink, 0, (size_t)g->n);
    clear_ring(g);
    for (int y = 0; y < g->h; y++) {
        int border = y == 0 || y == g->h - 1;
        for (int x = 0; x < g->w; x++) {
            if (border || x == 0 || x == g->w - 1)
                node(g, data, pw, fixed, x, y);
            else
                inner_node(g, data, pw, fixed,
                           (size_t)y * (size_t)g->w + (size_t)x,
                           node_of(g, x, y));
        }
    }
}

static void set_active(idp__graph *g, int i)
{
    if (g->next_act[i] != -1)
        return;
    if (g->q_last >= 0)
        g->next_act[g->q_last] = i;
    else
        g->q_first = i;
    g->q_last = i;
    g->next_act[i] = i;
}

/* The next active node still in a tree, or -1. */
static int next_active(idp__graph *g)
{
    while (g->q_first >= 0) {
        int i = g->q_first;
        g->q_first = g->next_act[i] == i ? -1 : g->next_act[i];
        if (g->q_first < 0)
            g->q_last = -1;
        g->next_act[i] = -1;
        if (g->parent[i] != NONE)
            return i;
    }
    return -1;
}

static void orphan_front(idp__graph *g, int i)
{
    int cap = g->n + 1;
    g->parent[i] = ORPHAN;
    g->o_head = (g->o_head + cap - 1) % cap;
    g->orph[g->o_head] = i;
    g->o_len++;
}

static void orphan_rear(idp__graph *g, int i)
{
    int cap = g->n + 1;
    g->parent[i] = ORPHAN;
    g->orph[(g->o_head + g->o_len) % cap] = i;
    g->o_len++;
}

static void init_trees(idp__graph *g)
{
    g->q_first = g->q_last = -1;
    g->o_head = g->o_len = 0;
    g->time = 0;
    for (int i = 0; i < g->n; i++) {
        g->next_act[i] = -1;
        g->ts[i] = 0;
        if (g->tr_cap[i] != 0) {
            g->sink[i] = g->tr_cap[i] < 0;
            g->parent[i] = TERMINAL;
            g->dist[i] = 1;
            set_active(g, i);
        } else {
            g->parent[i] = NONE;
        }
    }
}

/* Grow the tree of node i by one layer; returns the arc from the source
 * tree to the sink tree where they meet, or -1. */
static int grow(idp__graph *g, int i)
{
    int s = g->sink[i];
    for (int a = i * DIRS; a < (i + 1) * DIRS; a++) {
        int j = head_of(g, a);
        if ((s ? g->r_cap[sister(g, a)] : g->r_cap[a]) <= 0)
            continue;
        if (g->parent[j] == NONE) {
            g->sink[j] = (uint8_t)s;
            g->parent[j] = sister(g, a);
            g->ts[j] = g->ts[i];
            g->dist[j] = g->dist[i] + 1;
            set_active(g, j);
        } else if (g->sink[j] != s) {
            return s ? sister(g, a) : a;
        } else if (g->ts[j] <= g->ts[i] && g->dist[j] > g->dist[i]) {
            g->parent[j] = sister(g, a);
            g->ts[j] = g->ts[i];
            g->dist[j] = g->dist[i] + 1;
        }
    }
    return -1;
}

/* Bottleneck of the path through the middle arc `mid`. */
static int32_t bottleneck(const idp__graph *g, int mid)
{
    int32_t b = g->r_cap[mid];
    int i = tail_of(mid);
    while (g->parent[i] != TERMINAL) {
        int a = g->parent[i];
        if (g->r_cap[sister(g, a)] < b)
            b = g->r_cap[sister(g, a)];
        i = head_of(g, a);
    }
    if (g->tr_cap[i] < b)
        b = g->tr_cap[i];
    i = head_of(g, mid);
    while (g->parent[i] != TERMINAL) {
        int a = g->parent[i];
        if (g->r_cap[a] < b)
            b = g->r_cap[a];
        i = head_of(g, a);
    }
    if (-g->tr_cap[i] < b)
        b = -g->tr_cap[i];
    return b;
}

static void augment(idp__graph *g, int mid)
{
    int32_t b = bottleneck(g, mid);
    int i = tail_of(mid);
    g->r_cap[sister(g, mid)] += b;
    g->r_cap[mid] -= b;
    while (g->parent[i] != TERMINAL) { /* source tree: flow parent -> i */
        int a = g->parent[i], up = head_of(g, a);
        g->r_cap[a] += b;
        g->r_cap[sister(g, a)] -= b;
        if (g->r_cap[sister(g, a)] == 0)
            orphan_front(g, i);
        i = up;
    }
    g->tr_cap[i] -= b;
    if (g->tr_cap[i] == 0)
        orphan_front(g, i);
    i = head_of(g, mid);
    while (g->parent[i] != TERMINAL) { /* sink tree: flow i -> parent */
        int a = g->parent[i], up = head_of(g, a);
        g->r_cap[sister(g, a)] += b;
        g->r_cap[a] -= b;
        if (g->r_cap[a] == 0)
            orphan_front(g, i);
        i = up;
    }
    g->tr_cap[i] += b;
    if (g->tr_cap[i] == 0)
        orphan_front(g, i);
    g->flow += b;
}

/* Distance from j to its terminal through valid parents, marking the
 * path with the current time; DIST_INF when it runs into an orphan. */
static int origin_dist(idp__graph *g, int j)
{
    int d = 0, k = j;
    for (;;) {
        int a;
        if (g->ts[k] == g->time) {
            d += g->dist[k];
            break;
        }
        a = g->parent[k];
        d++;
        if (a == TERMINAL) {
            g->ts[k] = g->time;
            g->dist[k] = 1;
            break;
        }
        if (a == ORPHAN || a == NONE)
            return DIST_INF;
        k = head_of(g, a);
    }
    for (k = j; g->ts[k] != g->time; k = head_of(g, g->parent[k])) {
        g->ts[k] = g->time;
        g->dist[k] = d--;
    }
    return g->dist[j];
}

/* Free orphan i: its neighbours that could feed it become active; its
 * children become orphans. */
static void free_orphan(idp__graph *g, int i)
{
    int s = g->sink[i];
    g->parent[i] = NONE;
    for (int a0 = i * DIRS; a0 < (i + 1) * DIRS; a0++) {
        int j = head_of(g, a0), a = g->parent[j];
        if (g->sink[j] != s || a == NONE)
            continue;
        if (s ? g->r_cap[a0] > 0 : g->r_cap[sister(g, a0)] > 0)
            set_active(g, j);
        if (a >= 0 && head_of(g, a) == i)
            orphan_rear(g, j);
    }
}

static void adopt(idp__graph *g, int i)
{
    int s = g->sink[i], best = NONE, d_min = DIST_INF;
    for (int a0 = i * DIRS; a0 < (i + 1) * DIRS; a0++) {
        int j = head_of(g, a0), d;
        /* j may become the parent if flow can go j -> i (source tree) or
         * i -> j (sink tree) */
        if ((s ? g->r_cap[a0] : g->r_cap[sister(g, a0)]) <= 0)
            continue;
        if (g->sink[j] != s || g->parent[j] == NONE)
            continue;
        d = origin_dist(g, j);
        if (d < d_min) {
            d_min = d;
            best = a0;
        }
    }
    if (best != NONE) {
        g->parent[i] = best;
        g->ts[i] = g->time;
        g->dist[i] = d_min + 1;
    } else {
        free_orphan(g, i);
    }
}

static void process_orphans(idp__graph *g)
{
    int cap = g->n + 1;
    while (g->o_len > 0) {
        int i = g->orph[g->o_head];
        g->o_head = (g->o_head + 1) % cap;
        g->o_len--;
        adopt(g, i);
    }
}

int64_t idp__graph_maxflow(idp__graph *g)
{
    int i = -1;
    init_trees(g);
    for (;;) {
        int mid;
        if (i >= 0 && g->parent[i] == NONE)
            i = -1;
        if (i < 0 && (i = next_active(g)) < 0)
            break;
        mid = grow(g, i);
        if (mid < 0) {
            i = -1;
            continue;
        }
        /* keep i active: it may have more paths. The timestamp moves on
         * only here, so distance marks stay valid between augmentations */
        g->time++;
        augment(g, mid);
        process_orphans(g);
    }
    return g->flow;
}

int idp__graph_source_side(const idp__graph *g, int x, int y)
{
    int i = node_of(g, x, y);
    return g->parent[i] != NONE && !g->sink[i];
}
