/*
 * parallel.c - two-way parallelism inside the work on one photo.
 *
 * A photo's steps are short (milliseconds), so a thread is started for a
 * step and joined at its end; no pool. Work is split in two, never more:
 * the tools run on 2-core machines, and photo-batch runs one context per
 * core with threads 1 (idp_ctx_set_threads), where everything below runs
 * on the caller's thread, in the same order. The split never changes a
 * result: each half writes its own memory.
 */
#include "idp_internal.h"

#include <pthread.h>

typedef struct task {
    idp__task fn;
    void *arg;
} task;

static void *run_task(void *p)
{
    task *t = p;
    t->fn(t->arg);
    return NULL;
}

void idp__par2(int threads, idp__task fa, void *a, idp__task fb, void *b)
{
    pthread_t other;
    task t = {fb, b};
    if (threads < 2 || pthread_create(&other, NULL, run_task, &t) != 0) {
        fa(a);
        fb(b); /* one after the other: no thread could start */
        return;
    }
    fa(a);
    pthread_join(other, NULL);
}

typedef struct rows {
    idp__rows_fn fn;
    void *arg;
    int y0, y1;
} rows;

static void run_rows(void *p)
{
    rows *r = p;
    r->fn(r->arg, r->y0, r->y1);
}

void idp__par_rows(int threads, int n, idp__rows_fn fn, void *arg)
{
    rows top = {fn, arg, 0, n / 2}, bottom = {fn, arg, n / 2, n};
    if (threads < 2 || n < 2) {
        fn(arg, 0, n);
        return;
    }
    idp__par2(threads, run_rows, &top, run_rows, &bottom);
}
