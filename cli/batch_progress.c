/*
 * batch_progress.c - the progress bar on a terminal: photos done of the
 * total, the rate, the time left and the failures so far, redrawn at most
 * ten times a second on one line of stderr. Silent when stderr is not a
 * terminal or with -q.
 */
#include "batch.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define BAR_WIDTH 24

struct cli_progress {
    size_t total;
    double start, last;
};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

cli_progress *cli_progress_new(size_t total, int verbosity)
{
    cli_progress *p;
    if (verbosity < 1 || !isatty(STDERR_FILENO) || total == 0)
        return NULL;
    p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->total = total;
    p->start = now();
    return p;
}

static void draw(const cli_progress *p, size_t done, size_t failed, double t)
{
    char bar[BAR_WIDTH + 1];
    double el = t - p->start, rate = el > 0 ? (double)done / el : 0;
    size_t fill = p->total ? done * BAR_WIDTH / p->total : 0;
    long eta = rate > 0 ? (long)((double)(p->total - done) / rate + 0.5) : -1;
    for (size_t i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[BAR_WIDTH] = '\0';
    fprintf(stderr, "\r\033[K[%s] %zu/%zu  %.1f/s  ", bar, done, p->total,
            rate);
    if (eta >= 0)
        fprintf(stderr, "ETA %ld:%02ld  ", eta / 60, eta % 60);
    fprintf(stderr, "failed %zu", failed);
}

void cli_progress_step(cli_progress *p, size_t done, size_t failed)
{
    double t;
    if (!p)
        return;
    t = now();
    if (done < p->total && t - p->last < 0.1)
        return;
    p->last = t;
    draw(p, done, failed, t);
}

void cli_progress_end(cli_progress *p)
{
    if (!p)
        return;
    fputs("\n", stderr);
    free(p);
}
