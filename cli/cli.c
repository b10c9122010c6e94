/* cli.c - helpers shared by the photo-* tools. */
#include "cli.h"
#include "cli_fs.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *prog_name = "idphoto";

void cli_set_prog(const char *prog)
{
    prog_name = prog;
}

void cli_lean_libvips(void)
{
    /* libvips looks for its modules under $VIPSHOME/lib; nothing can be
     * under /dev/null. */
    if (!getenv("VIPSHOME"))
        (void)setenv("VIPSHOME", "/dev/null", 0);
}

void cli_tune_malloc(int one_arena)
{
    extern char **environ;
    for (char **e = environ; e && *e; e++)
        if (strncmp(*e, "GLIBC_TUNABLES=", 15) == 0 ||
            strncmp(*e, "MALLOC_", 7) == 0)
            return;
#ifdef __GLIBC__
    (void)mallopt(M_MMAP_THRESHOLD, 32 << 20); /* glibc's maximum */
    (void)mallopt(M_TRIM_THRESHOLD, 512 << 20);
    if (one_arena)
        (void)mallopt(M_ARENA_MAX, 1);
#else
    (void)one_arena;
#endif
}

const char *cli_prog(void)
{
    return prog_name;
}

void cli_put_text(FILE *f, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '\n')
            fputs("\\n", f);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
    }
}

/* prog: [subject: ]message, one line whatever the file names hold. */
static void error_line(const char *subject, const char *fmt, va_list ap)
{
    char msg[8192];
    vsnprintf(msg, sizeof msg, fmt, ap);
    fprintf(stderr, "%s: ", prog_name);
    if (subject) {
        cli_put_text(stderr, subject);
        fputs(": ", stderr);
    }
    cli_put_text(stderr, msg);
    fputc('\n', stderr);
}

void cli_error(const char *subject, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_line(subject, fmt, ap);
    va_end(ap);
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_line(NULL, fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try '%s --help' for more information.\n", prog_name);
    return CLI_USAGE;
}

int cli_exit_for(idp_status st)
{
    switch (st) {
    case IDP_OK:
        return CLI_OK;
    case IDP_E_IO:
    case IDP_E_DECODE:
    case IDP_E_TOO_LARGE:
    case IDP_E_NO_FACE:
        return CLI_INPUT;
    case IDP_E_MODEL:
    case IDP_E_PROFILE:
        return CLI_SETUP;
    default:
        return CLI_INTERNAL;
    }
}

int cli_worse(int a, int b)
{
    return a > b ? a : b;
}

static int locale_is_zh(void)
{
    const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return strncmp(v, "zh", 2) == 0;
    }
    return 0;
}

int cli_parse_lang(const char *arg, cli_lang *out)
{
    if (!arg) {
        *out = locale_is_zh() ? CLI_LANG_ZH : CLI_LANG_EN;
        return 0;
    }
    if (strcmp(arg, "zh") == 0)
        *out = CLI_LANG_ZH;
    else if (strcmp(arg, "en") == 0)
        *out = CLI_LANG_EN;
    else
        return -1;
    return 0;
}

static int is_profile_path(const char *arg)
{
    size_t n = strlen(arg);
    return strchr(arg, '/') || (n > 5 && strcmp(arg + n - 5, ".json") == 0);
}

int cli_load_profile(idp_ctx *ctx, const char *arg, idp_profile *out)
{
    const idp_profile *p;
    if (!arg) {
        *out = *idp_profile_default();
        return CLI_OK;
    }
    if (is_profile_path(arg)) {
        idp_status st = idp_profile_load_json(ctx, arg, out);
        if (st == IDP_OK)
            return CLI_OK;
        cli_error(NULL, "%s", idp_ctx_error(ctx));
        /* an unreadable profile is a setup problem, not a bad photo */
        return st == IDP_E_NOMEM || st == IDP_E_INTERNAL ? CLI_INTERNAL
                                                         : CLI_SETUP;
    }
    p = idp_profile_find(arg);
    if (!p)
        return cli_usage_error("unknown profile '%s' (see --list-profiles)",
                               arg);
    *out = *p;
    return CLI_OK;
}

void cli_list_profiles(FILE *f, cli_lang lang)
{
    for (size_t i = 0; i < idp_profile_count(); i++) {
        const idp_profile *p = idp_profile_at(i);
        fprintf(f, "%-12s %4dx%-4d %4d dpi  %s\n", p->id, p->width, p->height,
                p->dpi, lang == CLI_LANG_ZH ? p->name_zh : p->name_en);
    }
}

void cli_usage_common(FILE *f, const char *json_help, const char *qv_help)
{
    fputs("  --profile ID|FILE    photo standard: a built-in id or a JSON "
          "file\n"
          "                       (default: chsi)\n"
          "  --list-profiles      list the built-in profiles and exit\n",
          f);
    fputs(json_help, f);
    fputs("  --lang zh|en         language of messages (default: zh when "
          "the\n"
          "                       first of LC_ALL, LC_MESSAGES, LANG that "
          "is\n"
          "                       set starts with zh, else en)\n"
          "  --model PATH         face model: the compact .idp or dlib's "
          ".dat\n"
          "                       (default: $IDP_MODEL, the install "
          "prefix, the\n"
          "                       build tree, /usr/share/dlib)\n"
          "  --max-pixels N       refuse images with more pixels (default\n"
          "                       100000000)\n"
          "  --full-size          analyse a large photo at its full size "
          "(default:\n"
          "                       one 2000 px or more on its long side is "
          "decoded\n"
          "                       at 1/2, 1/4 or 1/8, at least 1000 px; "
          "photo-make\n"
          "                       reads it again as finely as the output "
          "needs)\n"
          "  --threads N          threads working on one photo (0: one per "
          "core;\n"
          "                       default 0, photo-batch 1 per worker); the "
          "results\n"
          "                       are the same bytes\n",
          f);
    fputs(qv_help ? qv_help
                  : "  -q, --quiet          print no verdicts, only errors "
                    "(JSON is still\n"
                    "                       printed with --json); the exit "
                    "code tells\n"
                    "  -v, --verbose        list every rule, passed and "
                    "skipped too\n",
          f);
    fputs("  -h, --help           show this help and exit\n"
          "  -V, --version        show versions and exit\n",
          f);
}

void cli_print_version(FILE *f)
{
    fprintf(f, "%s (idphoto) %s\n%s\n", prog_name, idp_version(),
            idp_dependency_versions());
}

int cli_parse_u64(const char *s, unsigned long long lo, unsigned long long hi,
                  unsigned long long *out)
{
    char *end = NULL;
    unsigned long long v;
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static const char *mark(idp_check_status s)
{
    static const char *const marks[] = {"ok  ", "WARN", "FAIL", "skip"};
    return marks[s];
}

void cli_print_report(const idp_report *r, const char *label, cli_lang lang,
                      int verbosity)
{
    static const char *const zh_verdict[] = {"合格", "合格（有提示）", "不合格",
                                             "错误"};
    idp_verdict v = idp_report_verdict(r);
    cli_put_text(stdout, label);
    printf(": %s\n", lang == CLI_LANG_ZH ? zh_verdict[v] : idp_verdict_name(v));
    for (size_t i = 0; i < idp_report_check_count(r); i++) {
        const idp_check_result *c = idp_report_check_at(r, i);
        int shown = c->status == IDP_WARN || c->status == IDP_FAIL;
        if (!shown && verbosity < 2)
            continue;
        printf("  %s %-16s %s\n", mark(c->status), c->id,
               lang == CLI_LANG_ZH ? c->message_zh : c->message_en);
    }
}

void cli_print_json_error(const cli_common *co, const char *file,
                          const idp_check_options *ck, idp_status st,
                          const char *msg)
{
    idp_report *r = NULL;
    if (co->json && idp_report_new_error(file, ck, st, msg, &r) == IDP_OK)
        cli_print_json(co, r);
    idp_report_free(r);
}

int cli_print_json(const cli_common *co, const idp_report *r)
{
    char *json = NULL;
    idp_status st =
        idp_report_to_json_with(r, co->timings ? IDP_JSON_TIMINGS : 0u, &json);
    if (st != IDP_OK) {
        cli_error(NULL, "cannot write JSON: %s", idp_status_name(st));
        return CLI_INTERNAL;
    }
    puts(json);
    idp_free(json);
    return CLI_OK;
}

/* The stages of a timings struct, in the report's order. */
static double *stage_at(idp_timings *t, size_t i)
{
    double *all[] = {&t->decode,  &t->detect, &t->landmarks,
                     &t->segment, &t->frame,  &t->recolour,
                     &t->encode,  &t->checks, &t->model_load};
    return i < sizeof all / sizeof all[0] ? all[i] : NULL;
}

static const char *const stage_names[] = {"decode",  "detect", "landmarks",
                                          "segment", "frame",  "recolour",
                                          "encode",  "checks", "model_load"};

void cli_print_timings(const cli_common *co, const idp_report *r)
{
    idp_timings t;
    double *v;
    if (!co->timings || co->json || co->verbosity == 0 ||
        idp_report_timings(r, &t) != IDP_OK)
        return;
    fputs("  timings (ms):", stdout);
    for (size_t i = 0; (v = stage_at(&t, i)) != NULL; i++)
        if (!isnan(*v))
            printf(" %s %.1f", stage_names[i], *v);
    putchar('\n');
}

/* sum += add, stage by stage; a stage that ran in neither stays NAN. */
static void add_timings(idp_timings *sum, const idp_timings *add)
{
    idp_timings a = *add;
    double *s, *v;
    for (size_t i = 0; (s = stage_at(sum, i)) && (v = stage_at(&a, i)); i++)
        if (!isnan(*v))
            *s = isnan(*s) ? *v : *s + *v;
}

void cli_sum_timings(idp_report *final, const idp_report *capture,
                     const idp_made *m)
{
    idp_timings sum, t;
    if (idp_report_timings(final, &sum) != IDP_OK)
        return;
    if (idp_report_timings(capture, &t) == IDP_OK)
        add_timings(&sum, &t);
    if (idp_made_timings(m, &t) == IDP_OK)
        add_timings(&sum, &t);
    if (idp_report_set_timings(final, &sum) != IDP_OK)
        return;
}

static int common_option(int c, const char *arg, cli_common *co)
{
    switch (c) {
    case CLI_OPT_PROFILE:
        co->profile = arg;
        return 0;
    case CLI_OPT_LIST:
        co->list_profiles = 1;
        return 0;
    case CLI_OPT_JSON:
        co->json = 1;
        return 0;
    case CLI_OPT_LANG:
        co->lang = arg;
        return 0;
    case CLI_OPT_MODEL:
        co->model = arg;
        return 0;
    case CLI_OPT_TIMINGS:
        co->timings = 1;
        return 0;
    case CLI_OPT_FULL_SIZE:
        co->full_size = 1;
        return 0;
    case CLI_OPT_THREADS: {
        unsigned long long n;
        if (cli_parse_u64(arg, 0, 64, &n))
            return cli_usage_error(
                "--threads: '%s' is not a whole number from 0 to 64", arg);
        co->threads = (int)n;
        co->threads_set = 1;
        return 0;
    }
    case CLI_OPT_MAX_PIXELS:
        if (cli_parse_u64(arg, 1, 1ULL << 40, &co->max_pixels))
            return cli_usage_error(
                "--max-pixels: '%s' is not a whole number from 1 to 2^40", arg);
        return 0;
    case 'q':
        co->verbosity = 0;
        return 0;
    case 'v':
        co->verbosity = 2;
        return 0;
    default:
        return -1; /* not a common option */
    }
}

int cli_parse(int argc, char **argv, const struct option *longopts,
              const char *shortopts, cli_common *co, cli_tool_option fn,
              void *tool, void (*usage)(FILE *))
{
    int c, rc;
    co->verbosity = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return CLI_OK;
        }
        if (c == 'V') {
            cli_print_version(stdout);
            return CLI_OK;
        }
        if (c == ':')
            return cli_usage_error("option '%s' needs a value",
                                   argv[optind - 1]);
        if (c == '?')
            return cli_usage_error("invalid option '%s'", argv[optind - 1]);
        rc = common_option(c, optarg, co);
        if (rc < 0)
            rc = fn(c, optarg, tool);
        if (rc)
            return rc;
    }
    return -1;
}

int cli_setup_ctx(const cli_common *co, int threads, idp_ctx **ctx)
{
    if (idp_ctx_new(ctx) != IDP_OK) {
        cli_error(NULL, "out of memory");
        return CLI_INTERNAL;
    }
    if (co->model && idp_ctx_set_model(*ctx, co->model) != IDP_OK) {
        cli_error(NULL, "%s", idp_ctx_error(*ctx));
        return CLI_USAGE;
    }
    if (co->max_pixels &&
        idp_ctx_set_max_pixels(*ctx, co->max_pixels) != IDP_OK)
        return CLI_USAGE;
    if (idp_ctx_set_analysis_size(*ctx, co->full_size ? 0 : IDP_ANALYSIS_PX) !=
        IDP_OK)
        return CLI_INTERNAL;
    if (idp_ctx_set_threads(*ctx, co->threads_set ? co->threads : threads) !=
        IDP_OK)
        return CLI_INTERNAL;
    return CLI_OK;
}

int cli_write_annotation(idp_ctx *ctx, const idp_report *r,
                         const idp_image *img, const idp_profile *p,
                         const char *path, int force)
{
    uint8_t *png = NULL;
    size_t len = 0;
    char err[4200];
    int rc = CLI_OK;
    idp_status st = idp_report_annotate(ctx, r, img, p, &png, &len);
    if (st != IDP_OK) {
        cli_error(path, "%s", idp_ctx_error(ctx));
        return cli_exit_for(st);
    }
    if (cli_write_atomic(path, png, len, force, err, sizeof err)) {
        cli_error(NULL, "%s", err);
        rc = CLI_OUTPUT;
    }
    idp_free(png);
    return rc;
}

const char *cli_same_path(const char *const *paths, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; paths[i] && k < i; k++)
            if (paths[k] && strcmp(paths[i], paths[k]) == 0)
                return paths[i];
    return NULL;
}
