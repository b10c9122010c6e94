/* cli.c - helpers shared by the photo-* tools. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *prog_name = "idphoto";

void cli_set_prog(const char *prog)
{
    prog_name = prog;
}

const char *cli_prog(void)
{
    return prog_name;
}

void cli_error(const char *subject, const char *fmt, ...)
{
    va_list ap;
    if (subject)
        fprintf(stderr, "%s: %s: ", prog_name, subject);
    else
        fprintf(stderr, "%s: ", prog_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", prog_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", prog_name);
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
