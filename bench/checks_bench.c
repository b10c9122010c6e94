/*
 * checks_bench.c - what the rules cost on one photo: detect, measure and
 * segment once (idp_check), then time the rule table (idp__run_checks)
 * and each rule on its own, median of --runs. The appearance rules are
 * budgeted at 30 ms together on a 480x640 photo (issue 3). Prints; not a
 * test (timings belong in benchmarks).
 *
 *   build/bench/checks_bench FILE [--runs 21]
 */
#include "checks.h"
#include "idp_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The rules this issue added (the others existed before). */
static const char *const APPEARANCE[] = {"shoulders_level",
                                         "eyes_open",
                                         "gaze_forward",
                                         "tinted_glasses",
                                         "glasses_glare",
                                         "red_eye",
                                         "hair_over_eyes",
                                         "ears_visible",
                                         "head_covering",
                                         "face_exposure",
                                         "backlight",
                                         "face_lighting_even",
                                         "face_shadow",
                                         "sharpness",
                                         "noise",
                                         "compression",
                                         "colour_natural",
                                         "background_uniform",
                                         "background_colour",
                                         "background_shadow",
                                         "clothing_contrast",
                                         "jewellery",
                                         "makeup"};

/* This thread's CPU time: the figure the budget is about, whatever else
 * runs on the shared cores. */
static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

static int is_appearance(const char *id)
{
    for (size_t i = 0; i < sizeof APPEARANCE / sizeof APPEARANCE[0]; i++)
        if (strcmp(id, APPEARANCE[i]) == 0)
            return 1;
    return 0;
}

/* Median ms of one rule over `runs` calls (a skipped rule costs ~0). */
static double time_rule(const idp__check_env *env, const char *id, int runs)
{
    const idp__check_def *d = idp__check_find(id);
    double *t = calloc((size_t)runs, sizeof *t), ms;
    idp_check_result res;
    if (!d || !t) {
        free(t);
        return 0;
    }
    for (int k = 0; k < runs; k++) {
        double t0 = now_ms();
        memset(&res, 0, sizeof res);
        if (!d->needs_face || env->subject)
            d->fn(env, &res);
        t[k] = now_ms() - t0;
    }
    ms = median(t, runs);
    free(t);
    return ms;
}

/* The whole table, then each rule on its own. */
static void time_rules(const idp__check_env *env, idp_report *r, int runs)
{
    double *all = calloc((size_t)runs, sizeof *all), sum_app = 0, med;
    if (!all)
        return;
    for (int k = 0; k < runs; k++) {
        double t0 = now_ms();
        idp__run_checks(env, r);
        all[k] = now_ms() - t0;
    }
    med = median(all, runs);
    printf("all %zu rules: %.2f ms CPU (median of %d), fastest %.2f ms\n",
           r->n_checks, med, runs, all[0]);
    for (size_t i = 0; i < idp_check_id_count(); i++) {
        const char *id = idp_check_id_at(i);
        double ms = time_rule(env, id, runs);
        if (is_appearance(id))
            sum_app += ms;
        printf("  %-20s %7.3f ms%s\n", id, ms, is_appearance(id) ? " *" : "");
    }
    printf("appearance rules (*): %.2f ms in all\n", sum_app);
    free(all);
}

int main(int argc, char **argv)
{
    idp_ctx *ctx = NULL;
    idp_image *img = NULL;
    idp_report *r = NULL;
    idp__check_env env;
    int runs = 21;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else
            path = argv[i];
    }
    if (!path || runs < 1) {
        fprintf(stderr, "usage: checks_bench FILE [--runs N]\n");
        return 2;
    }
    if (idp_ctx_new(&ctx) != IDP_OK ||
        idp_image_load(ctx, path, &img) != IDP_OK ||
        idp_check(ctx, img, NULL, &r) != IDP_OK) {
        fprintf(stderr, "checks_bench: %s: %s\n", path,
                ctx ? idp_ctx_error(ctx) : "no context");
        return 1;
    }
    printf("%s: %dx%d, %zu faces\n", path, img->width, img->height, r->n_faces);
    idp__check_env_of(
        &env, img, &(idp_check_options){idp_profile_default(), IDP_MODE_FINAL},
        r);
    time_rules(&env, r, runs);
    idp_report_free(r);
    idp_image_free(img);
    idp_ctx_free(ctx);
    return 0;
}
