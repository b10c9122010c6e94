/*
 * maxflow.c - minimum s-t cut by the Boykov-Kolmogorov algorithm
 * (Boykov & Kolmogorov, "An experimental comparison of min-cut/max-flow
 * algorithms for energy minimization in vision", PAMI 2004). Pure C.
 *
 * Two search trees grow from the source and the sink over arcs with
 * residual capacity; where they touch, the path is augmented; nodes cut
 * off from their tree (orphans) look for a new parent in the same tree
 * (distance and timestamp heuristics) or become free. Integer capacities,
 * so the result is exact. Arcs come in pairs: arc a and its sister a ^ 1.
 */
#include "segment.h"

#include <stdlib.h>

#define NONE     (-1) /* parent: a free node */
#define TERMINAL (-2) /* parent: connected to its terminal directly */
#define ORPHAN   (-3) /* parent: lost, waiting for adoption */
#define DIST_INF 0x7fffffff

struct idp__graph {
    int n, n_cap; /* nodes, node capacity */
    int m_cap, m; /* arc capacity, arcs used */
    /* nodes */
    int *first;      /* first arc out of the node, -1: none */
    int *parent;     /* arc to the parent, or NONE / TERMINAL / ORPHAN */
    int *next_act;   /* active queue link; -1 not queued; self: last */
    int *ts, *dist;  /* timestamp and distance to the terminal */
    int32_t *tr_cap; /* > 0: residual from the source; < 0: to the sink */
    uint8_t *sink;   /* 1: in (or last in) the sink tree */
    /* arcs */
    int *head, *next;
    int32_t *r_cap;
    /* state of a run */
    int q_first, q_last; /* active queue */
    int *orph;           /* orphan deque (ring of n + 1) */
    int o_head, o_len;
    int time;
    int64_t flow;
};

int idp__graph_reset(idp__graph *g, int n)
{
    if (n > g->n_cap)
        return -1;
    g->n = n;
    g->m = 0;
    g->flow = 0;
    for (int i = 0; i < n; i++) {
        g->first[i] = -1;
        g->tr_cap[i] = 0;
        g->sink[i] = 0;
    }
    return 0;
}

idp__graph *idp__graph_new(int n, int m)
{
    idp__graph *g = calloc(1, sizeof *g);
    size_t nn = (size_t)(n > 0 ? n : 1), na = (size_t)(m > 0 ? m : 1) * 2;
    if (!g)
        return NULL;
    g->n = g->n_cap = n;
    g->m_cap = (int)na;
    g->first = malloc(nn * sizeof(int));
    g->parent = malloc(nn * sizeof(int));
    g->next_act = malloc(nn * sizeof(int));
    g->ts = malloc(nn * sizeof(int));
    g->dist = malloc(nn * sizeof(int));
    g->tr_cap = calloc(nn, sizeof(int32_t));
    g->sink = calloc(nn, 1);
    g->orph = malloc((nn + 1) * sizeof(int));
    g->head = malloc(na * sizeof(int));
    g->next = malloc(na * sizeof(int));
    g->r_cap = malloc(na * sizeof(int32_t));
    if (!g->first || !g->parent || !g->next_act || !g->ts || !g->dist ||
        !g->tr_cap || !g->sink || !g->orph || !g->head || !g->next ||
        !g->r_cap) {
        idp__graph_free(g);
        return NULL;
    }
    for (int i = 0; i < n; i++)
        g->first[i] = -1;
    return g;
}

void idp__graph_free(idp__graph *g)
{
    if (!g)
        return;
    free(g->r_cap);
    free(g->next);
    free(g->head);
    free(g->orph);
    free(g->sink);
    free(g->tr_cap);
    free(g->dist);
    free(g->ts);
    free(g->next_act);
    free(g->parent);
    free(g->first);
    free(g);
}

/* Only the difference of the two terminal capacities matters to the cut:
 * the common part always flows and is counted at once. */
void idp__graph_tweights(idp__graph *g, int i, int32_t source, int32_t sink)
{
    int32_t t = g->tr_cap[i];
    if (t > 0)
        source += t;
    else
        sink -= t;
    g->flow += source < sink ? source : sink;
    g->tr_cap[i] = source - sink;
}

int idp__graph_edge(idp__graph *g, int i, int j, int32_t cap, int32_t rev)
{
    int a = g->m;
    if (a + 2 > g->m_cap)
        return -1;
    g->head[a] = j;
    g->next[a] = g->first[i];
    g->first[i] = a;
    g->r_cap[a] = cap;
    g->head[a + 1] = i;
    g->next[a + 1] = g->first[j];
    g->first[j] = a + 1;
    g->r_cap[a + 1] = rev;
    g->m = a + 2;
    return 0;
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
    for (int a = g->first[i]; a >= 0; a = g->next[a]) {
        int j = g->head[a];
        if ((s ? g->r_cap[a ^ 1] : g->r_cap[a]) <= 0)
            continue;
        if (g->parent[j] == NONE) {
            g->sink[j] = (uint8_t)s;
            g->parent[j] = a ^ 1;
            g->ts[j] = g->ts[i];
            g->dist[j] = g->dist[i] + 1;
            set_active(g, j);
        } else if (g->sink[j] != s) {
            return s ? a ^ 1 : a;
        } else if (g->ts[j] <= g->ts[i] && g->dist[j] > g->dist[i]) {
            g->parent[j] = a ^ 1;
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
    int i = g->head[mid ^ 1];
    while (g->parent[i] != TERMINAL) {
        int a = g->parent[i];
        if (g->r_cap[a ^ 1] < b)
            b = g->r_cap[a ^ 1];
        i = g->head[a];
    }
    if (g->tr_cap[i] < b)
        b = g->tr_cap[i];
    i = g->head[mid];
    while (g->parent[i] != TERMINAL) {
        int a = g->parent[i];
        if (g->r_cap[a] < b)
            b = g->r_cap[a];
        i = g->head[a];
    }
    if (-g->tr_cap[i] < b)
        b = -g->tr_cap[i];
    return b;
}

static void augment(idp__graph *g, int mid)
{
    int32_t b = bottleneck(g, mid);
    int i = g->head[mid ^ 1];
    g->r_cap[mid ^ 1] += b;
    g->r_cap[mid] -= b;
    while (g->parent[i] != TERMINAL) { /* source tree: flow parent -> i */
        int a = g->parent[i], up = g->head[a];
        g->r_cap[a] += b;
        g->r_cap[a ^ 1] -= b;
        if (g->r_cap[a ^ 1] == 0)
            orphan_front(g, i);
        i = up;
    }
    g->tr_cap[i] -= b;
    if (g->tr_cap[i] == 0)
        orphan_front(g, i);
    i = g->head[mid];
    while (g->parent[i] != TERMINAL) { /* sink tree: flow i -> parent */
        int a = g->parent[i], up = g->head[a];
        g->r_cap[a ^ 1] += b;
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
        k = g->head[a];
    }
    for (k = j; g->ts[k] != g->time; k = g->head[g->parent[k]]) {
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
    for (int a0 = g->first[i]; a0 >= 0; a0 = g->next[a0]) {
        int j = g->head[a0], a = g->parent[j];
        if (g->sink[j] != s || a == NONE)
            continue;
        if (s ? g->r_cap[a0] > 0 : g->r_cap[a0 ^ 1] > 0)
            set_active(g, j);
        if (a >= 0 && g->head[a] == i)
            orphan_rear(g, j);
    }
}

static void adopt(idp__graph *g, int i)
{
    int s = g->sink[i], best = NONE, d_min = DIST_INF;
    for (int a0 = g->first[i]; a0 >= 0; a0 = g->next[a0]) {
        int j = g->head[a0], d;
        /* j may become the parent if flow can go j -> i (source tree) or
         * i -> j (sink tree) */
        if ((s ? g->r_cap[a0] : g->r_cap[a0 ^ 1]) <= 0)
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

int idp__graph_source_side(const idp__graph *g, int i)
{
    return g->parent[i] != NONE && !g->sink[i];
}
