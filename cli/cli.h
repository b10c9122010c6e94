/*
 * cli.h - what the photo-* tools share: exit codes, diagnostics, language,
 * profile resolution, strict number parsing, --version.
 */
#ifndef IDP_CLI_H
#define IDP_CLI_H

#include "idphoto.h"

#include <getopt.h>
#include <stdio.h>

/* Exit codes of every tool (product.md); a larger code is more severe. */
enum {
    CLI_OK = 0,           /* all compliant / all written */
    CLI_NONCOMPLIANT = 1, /* ran fine; at least one photo fails */
    CLI_USAGE = 2,        /* bad options or arguments */
    CLI_INPUT = 3,        /* an input unreadable or not an image */
    CLI_OUTPUT = 4,       /* cannot write an output */
    CLI_SETUP = 5,        /* model or profile missing or invalid */
    CLI_INTERNAL = 6      /* a bug, or out of memory */
};

typedef enum cli_lang { CLI_LANG_EN = 0, CLI_LANG_ZH = 1 } cli_lang;

/* Options every tool has, filled by cli_parse(). */
typedef struct cli_common {
    const char *profile;           /* --profile ID|FILE */
    const char *lang;              /* --lang zh|en (NULL: the locale) */
    const char *model;             /* --model PATH */
    unsigned long long max_pixels; /* --max-pixels N (0: default) */
    int full_size;                 /* --full-size: no reduced decode */
    int threads, threads_set;      /* --threads N (0: one per core) */
    int json;                      /* --json */
    int timings;                   /* --timings */
    int verbosity;                 /* 0 -q, 1 default, 2 -v */
    int list_profiles;             /* --list-profiles */
} cli_common;

/* getopt_long values of the common options; a tool numbers its own from
 * CLI_OPT_TOOL. */
enum {
    CLI_OPT_PROFILE = 256,
    CLI_OPT_LIST,
    CLI_OPT_JSON,
    CLI_OPT_LANG,
    CLI_OPT_MODEL,
    CLI_OPT_MAX_PIXELS,
    CLI_OPT_TIMINGS,
    CLI_OPT_FULL_SIZE,
    CLI_OPT_THREADS,
    CLI_OPT_TOOL = 300
};

/* The common entries of a tool's long-option table. */
#define CLI_COMMON_LONG_OPTIONS                                                \
    {"profile", required_argument, NULL, CLI_OPT_PROFILE},                     \
        {"list-profiles", no_argument, NULL, CLI_OPT_LIST},                    \
        {"json", no_argument, NULL, CLI_OPT_JSON},                             \
        {"lang", required_argument, NULL, CLI_OPT_LANG},                       \
        {"model", required_argument, NULL, CLI_OPT_MODEL},                     \
        {"max-pixels", required_argument, NULL, CLI_OPT_MAX_PIXELS},           \
        {"full-size", no_argument, NULL, CLI_OPT_FULL_SIZE},                   \
        {"threads", required_argument, NULL, CLI_OPT_THREADS},                 \
        {"timings", no_argument, NULL, CLI_OPT_TIMINGS},                       \
        {"quiet", no_argument, NULL, 'q'},                                     \
        {"verbose", no_argument, NULL, 'v'}, {"help", no_argument, NULL, 'h'}, \
    {                                                                          \
        "version", no_argument, NULL, 'V'                                      \
    }

/* A tool's own option: returns 0, or an exit code (usage error). */
typedef int (*cli_tool_option)(int c, const char *arg, void *tool);

/* Parse argv: common options into *co, the others through `fn`; -h prints
 * `usage` and -V the versions. Returns -1 to go on (operands from optind),
 * or the exit code to stop with. */
int cli_parse(int argc, char **argv, const struct option *longopts,
              const char *shortopts, cli_common *co, cli_tool_option fn,
              void *tool, void (*usage)(FILE *));

/* A context with --model, --max-pixels, --full-size and --threads
 * applied; without --threads, `threads` per call (idp_ctx_set_threads: 0
 * one per core, for the tools that work on one photo at a time; 1 for
 * photo-batch's workers); an exit code. */
int cli_setup_ctx(const cli_common *co, int threads, idp_ctx **ctx);

/* `text` on one line: a newline as \n, other control bytes as \xNN (file
 * names may hold them). */
void cli_put_text(FILE *f, const char *text);

/* Program name for diagnostics ("photo-check"). */
void cli_set_prog(const char *prog);
/* Start libvips without its loadable modules (ImageMagick, PDF, OpenSlide,
 * JPEG XL, HEIF: 17 ms of the tools' 20 ms start): none is a format the
 * tools read but HEIF, whose module the library loads on the first file
 * libvips has no loader for (image_io.c). Done by pointing $VIPSHOME, where
 * libvips looks for them, at /dev/null, unless the user set it. Call first
 * in main(). */
void cli_lean_libvips(void);

/* glibc's malloc for a tool that frees and allocates buffers of a few MB
 * a photo: freed memory stays in the heap for the next step (no mmap
 * under 32 MB, no trimming), so the pages are not faulted in again (~1 us
 * each, 30 ms of CPU a 12 MP photo); with `one_arena`, the short-lived
 * threads of one photo's work share the main heap instead of each taking
 * a fresh one (photo-check, photo-make; photo-batch's workers keep their
 * own). Nothing is changed when the user set GLIBC_TUNABLES or a MALLOC_
 * variable. Call first in main(). */
void cli_tune_malloc(int one_arena);
const char *cli_prog(void);

/* "prog: subject: message" on stderr (subject may be NULL). */
void cli_error(const char *subject, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Usage error: the message, then "Try 'prog --help'."; returns CLI_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The exit code for a library status. */
int cli_exit_for(idp_status st);
/* The more severe of two exit codes. */
int cli_worse(int a, int b);

/* --lang: "zh" or "en"; NULL picks from LC_ALL, LC_MESSAGES, LANG. */
int cli_parse_lang(const char *arg, cli_lang *out);

/* --profile: a built-in id, or a path to a JSON file (contains '/' or
 * ends in ".json"). Returns CLI_OK, CLI_USAGE (unknown id) or CLI_SETUP
 * (bad file), having printed why. */
int cli_load_profile(idp_ctx *ctx, const char *arg, idp_profile *out);

/* --list-profiles: one line each. */
void cli_list_profiles(FILE *f, cli_lang lang);

/* The --help lines of the common options (cli_parse), with the tool's
 * own --json line(s) `json_help` after --list-profiles, and its -q and -v
 * lines `qv_help` (NULL: the verdict printers' wording). */
void cli_usage_common(FILE *f, const char *json_help, const char *qv_help);

/* -V: the tool, library and dependency versions. */
void cli_print_version(FILE *f);

/* The verdict line "LABEL: fail" and one line per failed or warned rule
 * (every rule with verbosity 2) on stdout, in `lang`. */
void cli_print_report(const idp_report *r, const char *label, cli_lang lang,
                      int verbosity);

/* With --json, an error report (verdict "error") for `file` on stdout:
 * every input gets its JSON line, also when it fails. */
void cli_print_json_error(const cli_common *co, const char *file,
                          const idp_check_options *ck, idp_status st,
                          const char *msg);

/* The report as one JSON line on stdout (with "timings" under --timings);
 * CLI_OK or CLI_INTERNAL. */
int cli_print_json(const cli_common *co, const idp_report *r);

/* --timings without --json: one line of milliseconds per stage on stdout
 * (nothing otherwise, or with -q). */
void cli_print_timings(const cli_common *co, const idp_report *r);

/* photo-make's timings: those of the capture check, of the making and of
 * the final check of the written file, added stage by stage into `final`. */
void cli_sum_timings(idp_report *final, const idp_report *capture,
                     const idp_made *m);

/* --annotate: draw report r on img (idp_report_annotate, profile p) and
 * write the PNG to `path` atomically (replacing a file only with `force`).
 * CLI_OK, or the exit code, having printed why. */
int cli_write_annotation(idp_ctx *ctx, const idp_report *r,
                         const idp_image *img, const idp_profile *p,
                         const char *path, int force);

/* The first of paths[0..n) (NULLs skipped) that is named twice, as given
 * (no two outputs, nor an output and the input, may be one file), or
 * NULL. */
const char *cli_same_path(const char *const *paths, size_t n);

/* Strict unsigned parse: digits only, in [lo, hi]. 0 on success. */
int cli_parse_u64(const char *s, unsigned long long lo, unsigned long long hi,
                  unsigned long long *out);

#endif /* IDP_CLI_H */
