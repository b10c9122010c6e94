/*
 * photo_check.c - photo-check: a verdict per photo, human-readable or as
 * JSON Lines. Parse -> check each file -> report -> exit with the most
 * severe code seen.
 */
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct options {
    const char *profile;
    const char *lang;
    const char *model;
    unsigned long long max_pixels;
    int capture, json, verbosity, list_profiles;
} options;

enum {
    OPT_PROFILE = 256,
    OPT_LIST,
    OPT_CAPTURE,
    OPT_JSON,
    OPT_LANG,
    OPT_MODEL,
    OPT_MAX_PIXELS
};

static const struct option long_options[] = {
    {"profile", required_argument, NULL, OPT_PROFILE},
    {"list-profiles", no_argument, NULL, OPT_LIST},
    {"capture", no_argument, NULL, OPT_CAPTURE},
    {"json", no_argument, NULL, OPT_JSON},
    {"lang", required_argument, NULL, OPT_LANG},
    {"model", required_argument, NULL, OPT_MODEL},
    {"max-pixels", required_argument, NULL, OPT_MAX_PIXELS},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *f)
{
    fputs(
        "Usage: photo-check [OPTION]... FILE...\n"
        "Check ID photos against a photo standard (default: chsi, the\n"
        "CHSI/学信网 480x640 graduation photo) and say why a photo fails.\n"
        "\n"
        "  --profile ID|FILE  photo standard: a built-in id or a JSON file\n"
        "  --list-profiles    list the built-in profiles and exit\n"
        "  --capture          judge a raw capture: can photo-make turn it\n"
        "                     into a compliant photo? (default: judge the\n"
        "                     file as a final photo)\n"
        "  --json             one JSON report per file (JSON Lines,\n"
        "                     schema idphoto.report/1) on stdout\n"
        "  --lang zh|en       language of messages (default: zh when the\n"
        "                     first of LC_ALL, LC_MESSAGES, LANG that is\n"
        "                     set starts with zh, else en)\n"
        "  --model PATH       dlib 68-point landmark model (default: "
        "$IDP_MODEL,\n"
        "                     then the install prefix, then /usr/share/dlib)\n"
        "  --max-pixels N     refuse images with more pixels (default\n"
        "                     100000000)\n"
        "  -q, --quiet        print no verdicts, only errors (JSON is still\n"
        "                     printed with --json); the exit code tells\n"
        "  -v, --verbose      list every rule, passed and skipped too\n"
        "  -h, --help         show this help and exit\n"
        "  -V, --version      show versions and exit\n"
        "\n"
        "Exit status: 0 all photos compliant (warnings allowed), 1 at least\n"
        "one photo non-compliant, 2 usage error, 3 an input unreadable or\n"
        "not an image, 4 cannot write output, 5 model or profile missing or\n"
        "invalid, 6 internal error. With several files, the most severe.\n",
        f);
}

static int parse_option(int c, options *o)
{
    switch (c) {
    case OPT_PROFILE:
        o->profile = optarg;
        return 0;
    case OPT_LIST:
        o->list_profiles = 1;
        return 0;
    case OPT_CAPTURE:
        o->capture = 1;
        return 0;
    case OPT_JSON:
        o->json = 1;
        return 0;
    case OPT_LANG:
        o->lang = optarg;
        return 0;
    case OPT_MODEL:
        o->model = optarg;
        return 0;
    case OPT_MAX_PIXELS:
        if (cli_parse_u64(optarg, 1, 1ULL << 40, &o->max_pixels))
            return cli_usage_error(
                "--max-pixels: '%s' is not a whole number from 1 to 2^40",
                optarg);
        return 0;
    case 'q':
        o->verbosity = 0;
        return 0;
    case 'v':
        o->verbosity = 2;
        return 0;
    default:
        return cli_usage_error("unknown option");
    }
}

/* Returns -1 to go on, or an exit code to stop with. */
static int parse_args(int argc, char **argv, options *o)
{
    int c, rc;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":qvhV", long_options, NULL)) != -1) {
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
        rc = parse_option(c, o);
        if (rc)
            return rc;
    }
    return -1;
}

static const char *mark(idp_check_status s)
{
    static const char *const marks[] = {"ok  ", "WARN", "FAIL", "skip"};
    return marks[s];
}

static void print_human(const idp_report *r, const char *file, cli_lang lang,
                        int verbosity)
{
    static const char *const zh_verdict[] = {"合格", "合格（有提示）", "不合格",
                                             "错误"};
    idp_verdict v = idp_report_verdict(r);
    printf("%s: %s\n", file,
           lang == CLI_LANG_ZH ? zh_verdict[v] : idp_verdict_name(v));
    for (size_t i = 0; i < idp_report_check_count(r); i++) {
        const idp_check_result *c = idp_report_check_at(r, i);
        int shown = c->status == IDP_WARN || c->status == IDP_FAIL;
        if (!shown && verbosity < 2)
            continue;
        printf("  %s %-16s %s\n", mark(c->status), c->id,
               lang == CLI_LANG_ZH ? c->message_zh : c->message_en);
    }
}

static int print_json(const idp_report *r)
{
    char *json = NULL;
    idp_status st = idp_report_to_json(r, &json);
    if (st != IDP_OK) {
        cli_error(NULL, "cannot write JSON: %s", idp_status_name(st));
        return CLI_INTERNAL;
    }
    puts(json);
    idp_free(json);
    return CLI_OK;
}

static int report_error(const options *o, const idp_check_options *co,
                        const char *file, idp_status st, const char *msg)
{
    idp_report *r = NULL;
    cli_error(NULL, "%s", msg);
    if (o->json && idp_report_new_error(file, co, st, msg, &r) == IDP_OK)
        print_json(r);
    idp_report_free(r);
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
    idp_image_free(img);
    if (st != IDP_OK)
        return report_error(o, co, file, st, idp_ctx_error(ctx));
    rc = idp_report_verdict(r) == IDP_VERDICT_FAIL ? CLI_NONCOMPLIANT : CLI_OK;
    if (o->json)
        rc = cli_worse(rc, print_json(r));
    else if (o->verbosity > 0)
        print_human(r, file, lang, o->verbosity);
    idp_report_free(r);
    return rc;
}

static int setup_ctx(const options *o, idp_ctx **ctx)
{
    if (idp_ctx_new(ctx) != IDP_OK) {
        cli_error(NULL, "out of memory");
        return CLI_INTERNAL;
    }
    if (o->model && idp_ctx_set_model(*ctx, o->model) != IDP_OK) {
        cli_error(NULL, "%s", idp_ctx_error(*ctx));
        return CLI_USAGE;
    }
    if (o->max_pixels && idp_ctx_set_max_pixels(*ctx, o->max_pixels) != IDP_OK)
        return CLI_USAGE;
    return CLI_OK;
}

static int run(idp_ctx *ctx, const options *o, cli_lang lang, int argc,
               char **argv)
{
    idp_profile profile;
    idp_check_options co;
    int rc = cli_load_profile(ctx, o->profile, &profile);
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
    options o = {NULL, NULL, NULL, 0, 0, 0, 1, 0};
    cli_lang lang;
    idp_ctx *ctx = NULL;
    int rc;
    cli_set_prog("photo-check");
    rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (cli_parse_lang(o.lang, &lang))
        return cli_usage_error("--lang must be zh or en, not '%s'", o.lang);
    if (o.list_profiles) {
        cli_list_profiles(stdout, lang);
        return CLI_OK;
    }
    if (optind >= argc)
        return cli_usage_error("no FILE given");
    rc = setup_ctx(&o, &ctx);
    if (rc == CLI_OK)
        rc = run(ctx, &o, lang, argc, argv);
    idp_ctx_free(ctx);
    return rc;
}
