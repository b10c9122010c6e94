/*
 * batch_pool.c - the workers: `jobs` threads, each with its own context
 * (so the face model is loaded once per worker, not once per photo),
 * taking the next photo from a shared counter. Each result lands in its
 * own item, so the reports do not depend on which worker finished first.
 */
#include "batch.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct pool {
    cli_batch *b;
    pthread_mutex_t mu;
    size_t next, done, failed;
    size_t *todo; /* indices of the items this run processes */
    size_t n_todo;
    cli_progress *bar;
    int setup_rc; /* CLI_SETUP or CLI_INTERNAL: every photo would fail */
} pool;

typedef struct worker {
    pool *p;
    idp_ctx *ctx;
    pthread_t thread;
    int started;
} worker;

/* Under the lock: count the photo, move the bar, decide whether to stop. */
static void finished(pool *p, const cli_item *it)
{
    int rc = it->res.exit_code;
    p->done++;
    if (it->res.verdict == IDP_VERDICT_FAIL ||
        it->res.verdict == IDP_VERDICT_ERROR)
        p->failed++;
    /* a restored result is a photo's own verdict, never a setup failure */
    if (it->res.state != CLI_RESTORED &&
        (rc == CLI_SETUP || rc == CLI_INTERNAL)) {
        p->setup_rc = cli_worse(p->setup_rc, rc);
        p->b->stop = 1; /* no model: every further photo would fail */
    }
    if (p->b->o->fail_fast && rc >= CLI_INPUT)
        p->b->stop = 1;
    cli_progress_step(p->bar, p->done, p->failed);
}

static void *work(void *arg)
{
    worker *w = arg;
    pool *p = w->p;
    for (;;) {
        cli_item *it;
        pthread_mutex_lock(&p->mu);
        if (p->b->stop || p->next == p->n_todo) {
            pthread_mutex_unlock(&p->mu);
            break;
        }
        it = &p->b->items[p->todo[p->next++]];
        pthread_mutex_unlock(&p->mu);
        cli_batch_work(p->b, w->ctx, it);
        pthread_mutex_lock(&p->mu);
        finished(p, it);
        pthread_mutex_unlock(&p->mu);
    }
    return NULL;
}

static int start(pool *p, worker *w, unsigned n)
{
    int rc = CLI_OK;
    for (unsigned i = 0; i < n && rc == CLI_OK; i++) {
        w[i].p = p;
        rc = cli_setup_ctx(&p->b->o->co, 1, &w[i].ctx);
    }
    if (rc != CLI_OK)
        return rc;
    for (unsigned i = 0; i < n; i++) {
        if (n == 1) /* the calling thread does the work */
            break;
        if (pthread_create(&w[i].thread, NULL, work, &w[i]) != 0) {
            cli_error(NULL, "cannot start a worker thread");
            return CLI_INTERNAL;
        }
        w[i].started = 1;
    }
    if (n == 1)
        work(&w[0]);
    return CLI_OK;
}

int cli_batch_run(cli_batch *b, unsigned jobs)
{
    pool p;
    worker *w;
    int rc;
    memset(&p, 0, sizeof p);
    p.b = b;
    p.todo = malloc((b->n_items ? b->n_items : 1) * sizeof *p.todo);
    w = calloc(jobs ? jobs : 1, sizeof *w);
    if (!p.todo || !w) {
        free(p.todo);
        free(w);
        cli_error(NULL, "out of memory");
        return CLI_INTERNAL;
    }
    for (size_t i = 0; i < b->n_items; i++)
        if (b->items[i].in_shard)
            p.todo[p.n_todo++] = i;
    if (jobs > p.n_todo)
        jobs = p.n_todo ? (unsigned)p.n_todo : 1;
    if (jobs > 1 && idp_io_set_threads(1) != IDP_OK)
        cli_error(NULL, "cannot limit libvips to one thread per worker");
    pthread_mutex_init(&p.mu, NULL);
    p.bar = cli_progress_new(p.n_todo, b->o->co.verbosity);
    rc = start(&p, w, jobs);
    if (rc != CLI_OK) { /* started threads read stop under the lock */
        pthread_mutex_lock(&p.mu);
        b->stop = 1;
        pthread_mutex_unlock(&p.mu);
    }
    for (unsigned i = 0; i < jobs; i++) {
        if (w[i].started)
            pthread_join(w[i].thread, NULL);
        idp_ctx_free(w[i].ctx);
    }
    cli_progress_end(p.bar);
    pthread_mutex_destroy(&p.mu);
    free(p.todo);
    free(w);
    return cli_worse(rc, p.setup_rc);
}
