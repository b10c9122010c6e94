/*
 * photo_batch.c - photo-batch: a whole intake. Parse -> collect the
 * photos -> plan (roster rows, output names, shard) -> run the workers ->
 * write the five reports -> exit with the most severe code seen. The
 * parts: batch_inputs.c, batch_plan.c, batch_work.c, batch_pool.c,
 * batch_resume.c, batch_progress.c, batch_report*.c (see batch.h).
 */
#include "batch.h"
#include "cli_fs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    OPT_FROM_LIST = CLI_OPT_TOOL,
    OPT_ROSTER,
    OPT_MATCH,
    OPT_NAME,
    OPT_ID_COL,
    OPT_NAME_COL,
    OPT_UNIT_COL,
    OPT_BACKGROUND,
    OPT_SHEET,
    OPT_CHECK_ONLY,
    OPT_FORCE,
    OPT_RESUME,
    OPT_FAIL_FAST,
    OPT_SHARD,
    OPT_MERGE,
    OPT_CUTOUT
};

static const struct option long_options[] = {
    CLI_COMMON_LONG_OPTIONS,
    {"jobs", required_argument, NULL, 'j'},
    {"from-list", required_argument, NULL, OPT_FROM_LIST},
    {"roster", required_argument, NULL, OPT_ROSTER},
    {"match", required_argument, NULL, OPT_MATCH},
    {"name", required_argument, NULL, OPT_NAME},
    {"id-column", required_argument, NULL, OPT_ID_COL},
    {"name-column", required_argument, NULL, OPT_NAME_COL},
    {"unit-column", required_argument, NULL, OPT_UNIT_COL},
    {"background", required_argument, NULL, OPT_BACKGROUND},
    {"sheet", required_argument, NULL, OPT_SHEET},
    {"check-only", no_argument, NULL, OPT_CHECK_ONLY},
    {"force", no_argument, NULL, OPT_FORCE},
    {"resume", no_argument, NULL, OPT_RESUME},
    {"fail-fast", no_argument, NULL, OPT_FAIL_FAST},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"merge-reports", no_argument, NULL, OPT_MERGE},
    {"cutout", no_argument, NULL, OPT_CUTOUT},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *f)
{
    fputs("Usage: photo-batch [OPTION]... INPUT_DIR OUTPUT_DIR\n"
          "       photo-batch [OPTION]... --from-list FILE|- OUTPUT_DIR\n"
          "Make (or with --check-only, judge) every photo under INPUT_DIR, "
          "on\n"
          "several workers, naming the outputs from a roster, and write "
          "the\n"
          "reports report.jsonl, summary.csv, retake.csv, missing.csv and\n"
          "report.html to OUTPUT_DIR. A failure on one photo never stops "
          "the\n"
          "others.\n"
          "\n"
          "  --from-list FILE     the photos listed in FILE, one path a "
          "line\n"
          "                       (- reads standard input)\n"
          "  -j, --jobs N         workers (default: one per core)\n"
          "  --check-only         judge each photo as a final photo "
          "(photo-check);\n"
          "                       make nothing\n"
          "  --background COLOUR  blue, white, grey, red, dark-blue or "
          "#RRGGBB\n"
          "  --sheet PAPER        also write NAME-sheet.jpg: a print sheet "
          "on\n"
          "                       6inch, 5inch or a4 paper\n"
          "  --cutout             also write NAME-cutout.png: the person on "
          "a\n"
          "                       transparent background\n"
          "  --roster FILE.csv    the students: UTF-8 or GB18030, comma or "
          "tab\n"
          "                       separated, a header row naming the "
          "columns\n"
          "  --match COLUMN       the roster column holding the photo's "
          "file name\n"
          "                       without extension (default: 学号, "
          "student_id,\n"
          "                       id, ... whichever exists)\n"
          "  --name TEMPLATE      output names from roster columns, e.g.\n"
          "                       '{身份证号}.jpg' or "
          "'{college}/{student_id}.jpg';\n"
          "                       {stem} is the input's file name "
          "(default:\n"
          "                       {stem}.jpg)\n"
          "  --id-column COLUMN   the reports' id column (default: "
          "--match)\n"
          "  --name-column COLUMN the reports' name column (default: 姓名 "
          "or name)\n"
          "  --unit-column COLUMN the reports' unit column (default: 学院, "
          "单位,\n"
          "                       college, unit, ... whichever exists)\n"
          "  --force              replace existing outputs\n"
          "  --resume             skip photos whose outputs exist and whose "
          "input\n"
          "                       and settings match the record of an "
          "earlier run\n"
          "  --fail-fast          start no more photos after one cannot be "
          "read\n"
          "                       or written (exit status 3 or more)\n"
          "  --shard K/N          process only shard K of N (for N machines "
          "or\n"
          "                       array tasks sharing OUTPUT_DIR); writes no "
          "reports\n"
          "  --merge-reports      write the reports of a sharded run from "
          "the\n"
          "                       shards' records; processes nothing\n",
          f);
    cli_usage_common(f,
                     "  --json               also print report.jsonl on "
                     "stdout\n",
                     "  -q, --quiet          no progress bar and no closing "
                     "summary; errors\n"
                     "                       are still printed\n"
                     "  -v, --verbose        accepted; prints nothing more\n");
    fputs("\n"
          "Exit status: 0 every photo made (or judged) and compliant, 1 a "
          "photo\n"
          "refused or non-compliant, 2 usage error, 3 an input unreadable, "
          "not\n"
          "an image or not in the roster, 4 cannot write an output (or it "
          "exists\n"
          "without --force or --resume), 5 model or profile missing or "
          "invalid,\n"
          "6 internal error. The most severe of all photos.\n",
          f);
}

static int parse_shard(const char *arg, cli_batch_opts *o)
{
    const char *slash = strchr(arg, '/');
    char k[32];
    if (!slash || (size_t)(slash - arg) >= sizeof k)
        return -1;
    memcpy(k, arg, (size_t)(slash - arg));
    k[slash - arg] = '\0';
    if (cli_parse_u64(slash + 1, 1, 1000000, &o->shard_n) ||
        cli_parse_u64(k, 1, o->shard_n, &o->shard_k))
        return -1;
    return 0;
}

static int tool_option(int c, const char *arg, void *tool)
{
    cli_batch_opts *o = tool;
    switch (c) {
    case 'j':
        if (cli_parse_u64(arg, 1, 1024, &o->jobs))
            return cli_usage_error("-j: '%s' is not a number from 1 to 1024",
                                   arg);
        return 0;
    case OPT_SHARD:
        if (parse_shard(arg, o))
            return cli_usage_error("--shard: '%s' is not K/N with 1 <= K <= "
                                   "N",
                                   arg);
        return 0;
    case OPT_CHECK_ONLY:
        o->check_only = 1;
        return 0;
    case OPT_FORCE:
        o->force = 1;
        return 0;
    case OPT_RESUME:
        o->resume = 1;
        return 0;
    case OPT_FAIL_FAST:
        o->fail_fast = 1;
        return 0;
    case OPT_MERGE:
        o->merge = 1;
        return 0;
    case OPT_CUTOUT:
        o->cutout = 1;
        return 0;
    default:
        break;
    }
    {
        const char **dst[] = {&o->from_list, &o->roster,     &o->match,
                              &o->name_tpl,  &o->id_col,     &o->name_col,
                              &o->unit_col,  &o->background, &o->sheet};
        int i = c - OPT_FROM_LIST;
        if (i < 0 || i > OPT_SHEET - OPT_FROM_LIST)
            return cli_usage_error("unknown option");
        *dst[i] = arg;
    }
    return 0;
}

static int operands(cli_batch_opts *o, int argc, char **argv)
{
    int n = argc - optind, want = o->from_list ? 1 : 2;
    if (n != want)
        return cli_usage_error(o->from_list ? "give OUTPUT_DIR (and no "
                                              "INPUT_DIR) with --from-list"
                                            : "give INPUT_DIR and "
                                              "OUTPUT_DIR");
    o->input_dir = o->from_list ? NULL : argv[optind];
    o->output_dir = argv[argc - 1];
    if (o->co.timings)
        return cli_usage_error("--timings is for photo-check and photo-make: "
                               "batch reports must not depend on the run "
                               "(bench/speed.py --batch times batches)");
    if (o->merge && o->shard_n)
        return cli_usage_error("--merge-reports merges every shard; drop "
                               "--shard");
    if (o->sheet && !idp_sheet_paper_size(o->sheet, NULL, NULL))
        return cli_usage_error("--sheet: unknown paper '%s' (6inch, 5inch "
                               "or a4)",
                               o->sheet);
    if ((o->sheet || o->cutout) && o->check_only)
        return cli_usage_error("--sheet and --cutout need photos to be "
                               "made; drop --check-only");
    return -1;
}

/* Profile, colour, roster, template, OUTPUT_DIR and its state folder. */
static int prepare(cli_batch *b)
{
    const cli_batch_opts *o = b->o;
    idp_ctx *ctx = NULL;
    char err[4400];
    int rc = cli_setup_ctx(&o->co, 1, &ctx);
    if (rc == CLI_OK)
        rc = cli_load_profile(ctx, o->co.profile, &b->profile);
    idp_ctx_free(ctx);
    memset(&b->mo, 0, sizeof b->mo);
    b->mo.profile = &b->profile;
    if (rc == CLI_OK && o->background) {
        if (idp_colour_parse(o->background, &b->mo.background) != IDP_OK)
            return cli_usage_error("--background: unknown colour '%s' (a "
                                   "name or #RRGGBB)",
                                   o->background);
        b->mo.has_background = 1;
    }
    if (rc == CLI_OK)
        rc = cli_batch_load_roster(b);
    if (rc == CLI_OK)
        rc = cli_batch_check_template(b);
    if (rc == CLI_OK)
        rc = cli_batch_settings(b);
    if (rc == CLI_OK && (cli_mkdirs_for(b->state_dir, err, sizeof err) ||
                         (mkdir(b->state_dir, 0755) && errno != EEXIST))) {
        cli_error(b->state_dir, "cannot create the folder: %s",
                  strerror(errno));
        rc = CLI_OUTPUT;
    }
    return rc;
}

static int photos_worst(const cli_batch *b)
{
    int rc = b->worst;
    for (size_t i = 0; i < b->n_items; i++)
        if (b->items[i].res.state != CLI_NOT_RUN)
            rc = cli_worse(rc, b->items[i].res.exit_code);
    return rc;
}

/* Photos a stopped run never reached are reported as such. */
static void not_reached(cli_batch *b)
{
    for (size_t i = 0; i < b->n_items; i++)
        if (b->items[i].in_shard && b->items[i].res.state == CLI_NOT_RUN)
            cli_batch_problem(b, &b->items[i],
                              "not processed: the batch stopped early");
}

static void summary(const cli_batch *b, const cli_counts *c)
{
    if (b->o->co.verbosity < 1)
        return;
    fprintf(stderr,
            "%s: %zu photos: %zu pass, %zu warn, %zu fail, %zu error; "
            "%zu students without a photo, %zu photos not in the roster\n",
            cli_prog(), b->n_items, c->pass, c->warn, c->fail, c->error,
            c->missing, c->unknown);
}

static int run(cli_batch *b)
{
    const cli_batch_opts *o = b->o;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned jobs =
        o->jobs ? (unsigned)o->jobs : (unsigned)(cores > 0 ? cores : 1);
    cli_counts c;
    int rc = prepare(b);
    if (rc == CLI_OK)
        rc = cli_batch_collect(b);
    if (rc == CLI_OK)
        rc = cli_batch_plan(b);
    if (rc != CLI_OK)
        return rc;
    if (o->resume)
        cli_batch_sweep(b);
    rc = cli_batch_run(b, jobs);
    if (rc == CLI_SETUP || rc == CLI_INTERNAL)
        return cli_worse(rc, photos_worst(b));
    not_reached(b);
    if (o->shard_n)
        return photos_worst(b); /* --merge-reports writes the reports */
    rc = cli_batch_reports(b, &c);
    summary(b, &c);
    return cli_worse(rc, photos_worst(b));
}

int main(int argc, char **argv)
{
    cli_batch_opts o;
    cli_batch b;
    int rc;
    memset(&o, 0, sizeof o);
    memset(&b, 0, sizeof b);
    cli_set_prog("photo-batch");
    cli_lean_libvips();
    cli_tune_malloc(0);
    rc = cli_parse(argc, argv, long_options, ":qvhVj:", &o.co, tool_option, &o,
                   usage);
    if (rc >= 0)
        return rc;
    if (cli_parse_lang(o.co.lang, &b.lang))
        return cli_usage_error("--lang must be zh or en, not '%s'", o.co.lang);
    if (o.co.list_profiles) {
        cli_list_profiles(stdout, b.lang);
        return CLI_OK;
    }
    rc = operands(&o, argc, argv);
    if (rc >= 0)
        return rc;
    b.o = &o;
    rc = run(&b);
    cli_batch_items_free(&b);
    free(b.keys);
    free(b.by_row);
    cli_roster_free(b.roster);
    return rc;
}
