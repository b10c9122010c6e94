/*
 * photo_make.c - photo-make: one capture in, one standard photo out.
 * Per file: load -> idp_make (capture rules first; refuse with reasons) ->
 * encode to the profile's size, DPI and file size -> write atomically ->
 * check the written bytes as a final photo -> report. Extras for one FILE:
 * the cutout, the matte, a print sheet, the annotated capture.
 */
#include "cli.h"
#include "cli_fs.h"

#include <stdlib.h>
#include <string.h>

typedef struct options {
    cli_common co;
    const char *output, *output_dir, *cutout, *matte, *background;
    const char *annotate, *sheet, *sheet_output;
    int force;
} options;

enum {
    OPT_OUTPUT_DIR = CLI_OPT_TOOL,
    OPT_BACKGROUND,
    OPT_CUTOUT,
    OPT_MATTE,
    OPT_FORCE,
    OPT_ANNOTATE,
    OPT_SHEET,
    OPT_SHEET_OUTPUT
};

static const struct option long_options[] = {
    CLI_COMMON_LONG_OPTIONS,
    {"output", required_argument, NULL, 'o'},
    {"output-dir", required_argument, NULL, OPT_OUTPUT_DIR},
    {"background", required_argument, NULL, OPT_BACKGROUND},
    {"cutout", required_argument, NULL, OPT_CUTOUT},
    {"save-matte", required_argument, NULL, OPT_MATTE},
    {"sheet", required_argument, NULL, OPT_SHEET},
    {"sheet-output", required_argument, NULL, OPT_SHEET_OUTPUT},
    {"annotate", required_argument, NULL, OPT_ANNOTATE},
    {"force", no_argument, NULL, OPT_FORCE},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *f)
{
    fputs(
        "Usage: photo-make [OPTION]... FILE -o OUT.jpg\n"
        "       photo-make [OPTION]... FILE... --output-dir DIR\n"
        "Make a standard ID photo from a phone photo: find the face, cut the\n"
        "person from the wall, frame to the profile (default: chsi, 480x640),\n"
        "put them on the new background and write a JPEG of the profile's\n"
        "size, DPI and file size. The capture is checked first: a photo that\n"
        "making cannot fix (eyes closed, head turned, two people...) is\n"
        "refused with the reasons. The result is checked as a final photo.\n"
        "\n"
        "  -o, --output OUT     the photo to write (one FILE)\n"
        "  --output-dir DIR     write DIR/<name>.jpg for each FILE\n"
        "  --background COLOUR  blue, white, grey, red, dark-blue or #RRGGBB\n"
        "                       (default: the profile's first colour)\n"
        "  --cutout OUT.png     also write the person on a transparent\n"
        "                       background (one FILE)\n"
        "  --save-matte OUT.png also write the alpha matte, aligned with the\n"
        "                       input (one FILE)\n"
        "  --sheet PAPER        also write a print sheet: copies of the photo\n"
        "                       at the profile's physical size, with cut\n"
        "                       marks, on 6inch (1795x1205), 5inch "
        "(1500x1051)\n"
        "                       or a4 (3508x2480) paper at 300 dpi (one FILE)\n"
        "  --sheet-output OUT.jpg\n"
        "                       where the sheet goes (default: OUT with\n"
        "                       -sheet before its extension)\n"
        "  --annotate OUT.png   also write a copy of the input showing what "
        "was\n"
        "                       measured: face boxes, landmarks, crop, bands,\n"
        "                       matte outline; for a refused capture too\n"
        "                       (one FILE)\n"
        "  --force              replace existing output files\n"
        "  --timings            milliseconds per stage, the capture check,\n"
        "                       the making and the final check added up: a\n"
        "                       \"timings\" object in --json, else one line\n",
        f);
    cli_usage_common(f,
                     "  --json               one JSON report per file "
                     "on stdout (the\n"
                     "                       written photo's check, "
                     "with \"output\")\n",
                     NULL);
    fputs(
        "\n"
        "Exit status: 0 every photo written and compliant, 1 a photo refused\n"
        "or its result non-compliant, 2 usage error, 3 an input unreadable or\n"
        "not an image, 4 cannot write an output (or it exists without\n"
        "--force), 5 model or profile missing or invalid, 6 internal error.\n"
        "With several files, the most severe.\n",
        f);
}

static int tool_option(int c, const char *arg, void *tool)
{
    options *o = tool;
    switch (c) {
    case 'o':
        o->output = arg;
        return 0;
    case OPT_OUTPUT_DIR:
        o->output_dir = arg;
        return 0;
    case OPT_BACKGROUND:
        o->background = arg;
        return 0;
    case OPT_CUTOUT:
        o->cutout = arg;
        return 0;
    case OPT_MATTE:
        o->matte = arg;
        return 0;
    case OPT_FORCE:
        o->force = 1;
        return 0;
    case OPT_ANNOTATE:
        o->annotate = arg;
        return 0;
    case OPT_SHEET:
        o->sheet = arg;
        return 0;
    case OPT_SHEET_OUTPUT:
        o->sheet_output = arg;
        return 0;
    default:
        return cli_usage_error("unknown option");
    }
}

/* Where the outputs go must be unambiguous before any work is done. */
static int check_outputs(const options *o, int n_files)
{
    if (n_files < 1)
        return cli_usage_error("no FILE given");
    if (!o->output == !o->output_dir)
        return cli_usage_error("give either -o OUT or --output-dir DIR");
    if (o->output && n_files > 1)
        return cli_usage_error("-o takes one FILE; use --output-dir");
    if ((o->cutout || o->matte || o->annotate || o->sheet) && n_files > 1)
        return cli_usage_error("--cutout, --save-matte, --sheet and "
                               "--annotate take one FILE");
    if (o->sheet_output && !o->sheet)
        return cli_usage_error("--sheet-output needs --sheet PAPER");
    if (o->sheet && !idp_sheet_paper_size(o->sheet, NULL, NULL))
        return cli_usage_error("--sheet: unknown paper '%s' (6inch, 5inch "
                               "or a4)",
                               o->sheet);
    return -1;
}

/* No two outputs may be one file, nor an output the input. */
static int check_distinct(const options *o, const char *file)
{
    const char *paths[] = {file,     o->output,   o->cutout,
                           o->matte, o->annotate, o->sheet_output};
    const char *twice = cli_same_path(paths, sizeof paths / sizeof *paths);
    if (twice)
        return cli_usage_error("'%s' is named twice (as FILE or an output)",
                               twice);
    return -1;
}

typedef struct job {
    idp_ctx *ctx;
    const options *o;
    cli_lang lang;
    const idp_make_options *mo;
} job;

static int write_png(const job *j, const char *path,
                     idp_status (*encode)(const job *, const idp_made *,
                                          const idp_image *, uint8_t **,
                                          size_t *),
                     const idp_made *m, const idp_image *img)
{
    uint8_t *data = NULL;
    size_t len = 0;
    char err[4200];
    idp_status st = encode(j, m, img, &data, &len);
    int rc = CLI_OK;
    if (st != IDP_OK) {
        cli_error(path, "%s", idp_ctx_error(j->ctx));
        return cli_exit_for(st);
    }
    if (cli_write_atomic(path, data, len, j->o->force, err, sizeof err)) {
        cli_error(NULL, "%s", err);
        rc = CLI_OUTPUT;
    }
    idp_free(data);
    return rc;
}

static idp_status cutout(const job *j, const idp_made *m, const idp_image *img,
                         uint8_t **d, size_t *n)
{
    (void)img;
    return idp_made_cutout_png(j->ctx, m, d, n);
}

static idp_status matte(const job *j, const idp_made *m, const idp_image *img,
                        uint8_t **d, size_t *n)
{
    return idp_made_matte_png(j->ctx, m, img, d, n);
}

/* --sheet: copies of the photo on paper, beside OUT unless named. */
static int write_sheet(const job *j, const idp_made *m, const char *out)
{
    const char *dst = j->o->sheet_output;
    char path[4096], err[4200];
    uint8_t *data = NULL;
    size_t len = 0;
    int copies = 0, rc = CLI_OK;
    idp_status st;
    if (!dst && cli_suffixed_path(out, "-sheet", ".jpg", path, sizeof path)) {
        cli_error(out, "sheet path too long");
        return CLI_OUTPUT;
    }
    dst = dst ? dst : path;
    st = idp_made_sheet(j->ctx, m, j->o->sheet, &data, &len, &copies);
    if (st != IDP_OK) {
        cli_error(dst, "%s", idp_ctx_error(j->ctx));
        return st == IDP_E_INVALID_ARG ? CLI_USAGE : cli_exit_for(st);
    }
    if (cli_write_atomic(dst, data, len, j->o->force, err, sizeof err)) {
        cli_error(NULL, "%s", err);
        rc = CLI_OUTPUT;
    } else if (!j->o->co.json && j->o->co.verbosity > 1) {
        printf("%s: %d copies on %s paper\n", dst, copies, j->o->sheet);
    }
    idp_free(data);
    return rc;
}

/* The cutout, the matte and the sheet of a made photo, as asked. */
static int write_extras(const job *j, const idp_made *m, const idp_image *img,
                        const char *out)
{
    int rc = CLI_OK;
    if (j->o->cutout)
        rc = cli_worse(rc, write_png(j, j->o->cutout, cutout, m, img));
    if (rc <= CLI_NONCOMPLIANT && j->o->matte)
        rc = cli_worse(rc, write_png(j, j->o->matte, matte, m, img));
    if (rc <= CLI_NONCOMPLIANT && j->o->sheet)
        rc = cli_worse(rc, write_sheet(j, m, out));
    return rc;
}

/* Judge the bytes written as a final photo; the report names the file. */
static int self_check(const job *j, const char *out, const uint8_t *data,
                      size_t len, int quality, const idp_report *capture,
                      const idp_made *m)
{
    idp_check_options co = {j->mo->profile, IDP_MODE_FINAL};
    idp_image *img = NULL;
    idp_report *r = NULL;
    idp_status st = idp_image_load_buffer(j->ctx, data, len, out, &img);
    int rc;
    if (st == IDP_OK)
        st = idp_check(j->ctx, img, &co, &r);
    if (st == IDP_OK)
        st = idp_report_set_output(r, out, (int64_t)len, idp_image_width(img),
                                   idp_image_height(img), quality);
    idp_image_free(img);
    if (st != IDP_OK) {
        cli_error(out, "%s", idp_ctx_error(j->ctx));
        idp_report_free(r);
        return CLI_INTERNAL;
    }
    rc = idp_report_verdict(r) == IDP_VERDICT_FAIL ? CLI_NONCOMPLIANT : CLI_OK;
    cli_sum_timings(r, capture, m);
    if (j->o->co.json)
        rc = cli_worse(rc, cli_print_json(&j->o->co, r));
    else if (j->o->co.verbosity > 0)
        cli_print_report(r, out, j->lang, j->o->co.verbosity);
    cli_print_timings(&j->o->co, r);
    idp_report_free(r);
    return rc;
}

/* With --json, every input gets a line: an error report when it fails. */
static void json_error(const job *j, const char *file, idp_status st,
                       const char *msg)
{
    idp_check_options co = {j->mo->profile, IDP_MODE_CAPTURE};
    cli_print_json_error(&j->o->co, file, &co, st, msg);
}

static int write_photo(const job *j, const idp_made *m,
                       const idp_report *capture, const char *file,
                       const char *out)
{
    uint8_t *data = NULL;
    size_t len = 0;
    int quality = 0, in_band = 0, rc;
    char err[4200];
    idp_status st = idp_made_jpeg(j->ctx, m, &data, &len, &quality, &in_band);
    if (st != IDP_OK) {
        cli_error(out, "%s", idp_ctx_error(j->ctx));
        json_error(j, file, st, idp_ctx_error(j->ctx));
        return cli_exit_for(st);
    }
    if (cli_write_atomic(out, data, len, j->o->force, err, sizeof err)) {
        cli_error(NULL, "%s", err);
        json_error(j, file, IDP_E_IO, err);
        idp_free(data);
        return CLI_OUTPUT;
    }
    rc = self_check(j, out, data, len, quality, capture, m);
    idp_free(data);
    return rc;
}

/* A refused capture: its capture report says why. */
static int refused(const job *j, const char *file, const idp_report *r)
{
    if (j->o->co.json)
        cli_print_json(&j->o->co, r);
    else if (j->o->co.verbosity > 0)
        cli_print_report(r, file, j->lang, j->o->co.verbosity);
    cli_print_timings(&j->o->co, r);
    return CLI_NONCOMPLIANT;
}

static int load_error(const job *j, const char *file, idp_status st)
{
    cli_error(NULL, "%s", idp_ctx_error(j->ctx));
    json_error(j, file, st, idp_ctx_error(j->ctx));
    return cli_exit_for(st);
}

/* An output that exists without --force: refused before any work (the
 * write would refuse it at the end; it still checks, for a file that
 * appears meanwhile). The derived sheet path is left to the write. */
static int outputs_taken(const job *j, const char *file, const char *out)
{
    const char *paths[] = {out, j->o->cutout, j->o->matte, j->o->annotate,
                           j->o->sheet_output};
    char err[4200];
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
        if (paths[i] &&
            cli_refuse_existing(paths[i], j->o->force, err, sizeof err)) {
            cli_error(NULL, "%s", err);
            json_error(j, file, IDP_E_IO, err);
            return CLI_OUTPUT;
        }
    return CLI_OK;
}

static int make_one(const job *j, const char *file, const char *out)
{
    idp_image *img = NULL;
    idp_made *m = NULL;
    idp_report *r = NULL;
    idp_status st;
    int rc = outputs_taken(j, file, out);
    if (rc != CLI_OK)
        return rc;
    st = idp_image_load(j->ctx, file, &img);
    if (st == IDP_OK)
        st = idp_make(j->ctx, img, j->mo, &m, &r);
    if (st != IDP_OK) {
        rc = load_error(j, file, st);
    } else if (!m) {
        rc = refused(j, file, r);
    } else {
        rc = write_photo(j, m, r, file, out);
        if (rc <= CLI_NONCOMPLIANT)
            rc = cli_worse(rc, write_extras(j, m, img, out));
    }
    /* drawn on the capture, whether it was made or refused */
    if (r && rc <= CLI_NONCOMPLIANT && j->o->annotate)
        rc = cli_worse(rc, cli_write_annotation(j->ctx, r, img, j->mo->profile,
                                                j->o->annotate, j->o->force));
    idp_made_free(m);
    idp_report_free(r);
    idp_image_free(img);
    return rc;
}

static int run(const job *j, int argc, char **argv)
{
    char out[4096];
    int rc = CLI_OK;
    for (int i = optind; i < argc; i++) {
        int one;
        if (j->o->output) {
            one = make_one(j, argv[i], j->o->output);
        } else if (cli_output_path(j->o->output_dir, argv[i], ".jpg", out,
                                   sizeof out)) {
            cli_error(argv[i], "output path too long");
            one = CLI_OUTPUT;
        } else {
            one = make_one(j, argv[i], out);
        }
        rc = cli_worse(rc, one);
        if (one == CLI_SETUP || one == CLI_INTERNAL)
            break; /* no model: every further file would fail the same */
    }
    return rc;
}

static int prepare(idp_ctx *ctx, const options *o, idp_profile *p,
                   idp_make_options *mo)
{
    int rc = cli_load_profile(ctx, o->co.profile, p);
    if (rc != CLI_OK)
        return rc;
    memset(mo, 0, sizeof *mo);
    mo->profile = p;
    if (o->background) {
        if (idp_colour_parse(o->background, &mo->background) != IDP_OK)
            return cli_usage_error("--background: unknown colour '%s' (a "
                                   "name or #RRGGBB)",
                                   o->background);
        mo->has_background = 1;
    }
    return CLI_OK;
}

int main(int argc, char **argv)
{
    options o;
    idp_profile profile;
    idp_make_options mo;
    job j;
    int rc;
    memset(&o, 0, sizeof o);
    memset(&j, 0, sizeof j);
    cli_set_prog("photo-make");
    cli_lean_libvips();
    cli_tune_malloc(1);
    rc = cli_parse(argc, argv, long_options, ":qvhVo:", &o.co, tool_option, &o,
                   usage);
    if (rc >= 0)
        return rc;
    if (cli_parse_lang(o.co.lang, &j.lang))
        return cli_usage_error("--lang must be zh or en, not '%s'", o.co.lang);
    if (o.co.list_profiles) {
        cli_list_profiles(stdout, j.lang);
        return CLI_OK;
    }
    rc = check_outputs(&o, argc - optind);
    if (rc < 0 && argc - optind == 1)
        rc = check_distinct(&o, argv[optind]);
    if (rc >= 0)
        return rc;
    rc = cli_setup_ctx(&o.co, 0, &j.ctx);
    if (rc == CLI_OK)
        rc = prepare(j.ctx, &o, &profile, &mo);
    j.o = &o;
    j.mo = &mo;
    if (rc == CLI_OK)
        rc = run(&j, argc, argv);
    idp_ctx_free(j.ctx);
    return rc;
}
