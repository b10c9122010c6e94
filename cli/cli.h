/*
 * cli.h - what the photo-* tools share: exit codes, diagnostics, language,
 * profile resolution, strict number parsing, --version.
 */
#ifndef IDP_CLI_H
#define IDP_CLI_H

#include "idphoto.h"

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

/* Program name for diagnostics ("photo-check"). */
void cli_set_prog(const char *prog);
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

/* -V: the tool, library and dependency versions. */
void cli_print_version(FILE *f);

/* Strict unsigned parse: digits only, in [lo, hi]. 0 on success. */
int cli_parse_u64(const char *s, unsigned long long lo, unsigned long long hi,
                  unsigned long long *out);

#endif /* IDP_CLI_H */
