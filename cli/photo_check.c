/*
 * photo_check.c - photo-check: a verdict per photo, human-readable or as
 * JSON Lines. Parse -> check each file -> report (and, with --annotate,
 * draw what was measured) -> exit with the most severe code seen.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

typedef struct options {
    cli_common co;
    int capture, force;
    const char *annotate;
} options;

enum { OPT_CAPTURE = CLI_OPT_TOOL, OPT_ANNOTATE, OPT_FORCE };

static const struct option long_options[] = {
    CLI_COMMON_LONG_OPTIONS,
    {"capture", no_argument, NULL, OPT_CAPTURE},
    {"annotate", required_argument, NULL, OPT_ANNOTATE},
    {"force", no_argument, NULL, OPT_FORCE},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *f)
{
    fputs(
        "Usage: photo-check [OPTION]... FILE...\n"
        "Check ID photos against a photo standard (default: chsi, the\n"
        "CHSI/学信网 480x640 graduation photo) and say why a photo fails.\n"
        "\n"
        "  --capture            judge a raw capture: can photo-make turn "
        "it\n"
        "                       into a compliant photo? (default: judge "
        "the\n"
        "                       file as a final photo)\n"
        "  --annotate OUT.png   also write a copy of FILE showing what "
        "was\n"
        "                       measured: face boxes, landmarks, eye, "
        "head-top\n"
        "                       and chin lines, the profile's bands (one "
        "FILE)\n"
        "  --force              replace an existing --annotate file\n"
        "  --timings            milliseconds per stage (decode, detect,\n"
        "                       landmarks, segment, checks, model_load): a\n"
        "                       \"timings\" object in --json, else one line\n",
        f);
    cli_usage_common(f,
                     "  --json               one JSON report per file "
                     "(JSON Lines,\n"
                     "                       schema idphoto.report/1) on "
                     "stdout\n",
                     NULL);
    fputs("\n"
          "Exit status: 0 all photos compliant (warnings allowed), 1 at "
          "least\n"
          "one photo non-compliant, 2 usage error, 3 an input unreadable "
          "or\n"
          "not an image, 4 cannot write the --annotate file (or it exists\n"
          "without --force), 5 model or profile missing or invalid, 6 "
          "internal\n"
          "error. With several files, the most severe.\n",
          f);
}

static int tool_option(int c, const char *arg, void *tool)
{
    options *o = tool;
    switch (c) {
    case OPT_CAPTURE:
        o->capture = 1;
        return 0;
    case OPT_ANNOTATE:
        o->annotate = arg;
        return 0;
    case OPT_FORCE:
        o->force = 1;
        return 0;
    default:
        return cli_usage_error("unknown option");
    }
}

/* --annotate draws one FILE, and never over it. */
static int check_operands(const options *o, int argc, char **argv)
{
    const char *paths[2];
    if (optind >= argc)
        return cli_usage_error("no FILE given");
    if (!o->annotate)
        return -1;
    if (argc - optind > 1)
        return cli_usage_error("--annotate takes one FILE");
    paths[0] = argv[optind];
    paths[1] = o->annotate;
    if (cli_same_path(paths, 2))
        return cli_usage_error("--annotate would replace FILE");
    return -1;
}

static int report_error(const options *o, const idp_check_options *co,
                        const char *file, idp_status st, const char *msg)
{
    cli_error(NULL, "%s", msg);
    cli_print_json_error(&o->co, file, co, st, msg);
    return cli_exit_for(st);
}

static int check_file(idp_ctx *ctx, const options *o,
                      const idp_check_options *co, cli_lang lang,
                      const char *file)
{
    idp_image *img = NULL;
    idp_report *r = NULL;
    idp_status st = idp_image_load(ctx, file, &img);
    int rc;
    if (st == IDP_OK)
        st = idp_check(ctx, img, co, &r);
    if (st != IDP_OK) {
        idp_image_free(img);
        return report_error(o, co, file, st, idp_ctx_error(ctx));
    }
    rc = idp_report_verdict(r) == IDP_VERDICT_FAIL ? CLI_NONCOMPLIANT : CLI_OK;
    if (o->co.json)
        rc = cli_worse(rc, cli_print_json(&o->co, r));
    else if (o->co.verbosity > 0)
        cli_print_report(r, file, lang, o->co.verbosity);
    cli_print_timings(&o->co, r);
    if (o->annotate)
        rc = cli_worse(rc, cli_write_annotation(ctx, r, img, co->profile,
                                                o->annotate, o->force));
    idp_image_free(img);
    idp_report_free(r);
    return rc;
}

static int run(idp_ctx *ctx, const options *o, cli_lang lang, int argc,
               char **argv)
{
    idp_profile profile;
    idp_check_options co;
    int rc = cli_load_profile(ctx, o->co.profile, &profile);
    if (rc != CLI_OK)
        return rc;
    co.profile = &profile;
    co.mode = o->capture ? IDP_MODE_CAPTURE : IDP_MODE_FINAL;
    for (int i = optind; i < argc; i++) {
        int one = check_file(ctx, o, &co, lang, argv[i]);
        rc = cli_worse(rc, one);
        if (one == CLI_SETUP || one == CLI_INTERNAL)
            break; /* no model: every further file would fail the same */
    }
    return rc;
}

int main(int argc, char **argv)
{
    options o;
    cli_lang lang;
    idp_ctx *ctx = NULL;
    int rc;
    memset(&o, 0, sizeof o);
    cli_set_prog("photo-check");
    cli_lean_libvips();
    cli_tune_malloc(1);
    rc = cli_parse(argc, argv, long_options, ":qvhV", &o.co, tool_option, &o,
                   usage);
    if (rc >= 0)
        return rc;
    if (cli_parse_lang(o.co.lang, &lang))
        return cli_usage_error("--lang must be zh or en, not '%s'", o.co.lang);
    if (o.co.list_profiles) {
        cli_list_profiles(stdout, lang);
        return CLI_OK;
    }
    rc = check_operands(&o, argc, argv);
    if (rc >= 0)
        return rc;
    rc = cli_setup_ctx(&o.co, 0, &ctx);
    if (rc == CLI_OK)
        rc = run(ctx, &o, lang, argc, argv);
    idp_ctx_free(ctx);
    return rc;
}
