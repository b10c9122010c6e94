/*
 * batch_work.c - one photo of a batch, on a worker's context: restore it
 * from its record (--resume, --merge-reports), or judge it (--check-only)
 * or make it as photo-make does; then write, in this order, the
 * thumbnail, the record and the photo (each atomically), so a kill at
 * any moment leaves either a record whose files all match or a photo
 * that --resume makes again.
 */
#include "batch.h"
#include "cli_fs.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define THUMB_SIDE    160
#define THUMB_QUALITY 75

/* What the work produced, before it is written. */
typedef struct product {
    uint8_t *data[CLI_MAX_WRITTEN];
    size_t len[CLI_MAX_WRITTEN];
    uint8_t *thumb;
    size_t thumb_len;
} product;

void cli_result_clear(cli_result *r)
{
    free(r->json);
    free(r->error);
    for (size_t i = 0; i < r->n_reasons; i++) {
        free(r->reasons[i].zh);
        free(r->reasons[i].en);
    }
    free(r->reasons);
    for (size_t i = 0; i < r->n_written; i++)
        free(r->written[i].rel);
    memset(r, 0, sizeof *r);
}

static void product_free(product *p)
{
    for (size_t i = 0; i < CLI_MAX_WRITTEN; i++)
        idp_free(p->data[i]);
    idp_free(p->thumb);
}

static idp_mode mode_of(const cli_batch *b)
{
    return b->o->check_only ? IDP_MODE_FINAL : IDP_MODE_CAPTURE;
}

/* The result of a photo that could not be judged. */
static void set_error(const cli_batch *b, cli_item *it, idp_status st,
                      const char *msg)
{
    idp_check_options co = {&b->profile, mode_of(b)};
    idp_report *r = NULL;
    cli_result *res = &it->res;
    char *json = NULL;
    free(res->error);
    free(res->json);
    res->json = NULL;
    res->error = strdup(msg);
    res->verdict = IDP_VERDICT_ERROR;
    res->exit_code = cli_exit_for(st);
    if (idp_report_new_error(it->path, &co, st, msg, &r) == IDP_OK &&
        idp_report_to_json(r, &json) == IDP_OK) {
        res->json = strdup(json);
        idp_free(json);
    }
    idp_report_free(r);
    res->state = CLI_DONE;
}

void cli_batch_problem(const cli_batch *b, cli_item *it, const char *why)
{
    set_error(b, it, IDP_E_INVALID_ARG, why);
    it->res.exit_code = CLI_INPUT;
}

/* Verdict, reasons and JSON of a report. */
static int set_report(cli_item *it, const idp_report *r)
{
    cli_result *res = &it->res;
    char *json = NULL;
    size_t n = idp_report_check_count(r);
    res->verdict = (int)idp_report_verdict(r);
    res->exit_code =
        res->verdict == IDP_VERDICT_FAIL ? CLI_NONCOMPLIANT : CLI_OK;
    res->reasons = calloc(n ? n : 1, sizeof *res->reasons);
    if (!res->reasons || idp_report_to_json(r, &json) != IDP_OK)
        return -1;
    res->json = strdup(json);
    idp_free(json);
    for (size_t i = 0; i < n; i++) {
        const idp_check_result *c = idp_report_check_at(r, i);
        cli_reason *re = &res->reasons[res->n_reasons];
        if (c->status != IDP_WARN && c->status != IDP_FAIL)
            continue;
        snprintf(re->id, sizeof re->id, "%s", c->id);
        re->status = (int)c->status;
        re->zh = strdup(c->message_zh);
        re->en = strdup(c->message_en);
        res->n_reasons++;
        if (!re->zh || !re->en)
            return -1;
    }
    res->state = CLI_DONE;
    return res->json ? 0 : -1;
}

static int thumbnail(idp_ctx *ctx, const idp_image *img, product *p)
{
    return idp_image_thumbnail_jpeg(ctx, img, THUMB_SIDE, THUMB_QUALITY,
                                    &p->thumb, &p->thumb_len) == IDP_OK
               ? 0
               : -1;
}

static int add_written(cli_item *it, const char *rel, uint8_t *data, size_t len,
                       product *p)
{
    cli_result *res = &it->res;
    size_t i = res->n_written;
    res->written[i].rel = strdup(rel);
    if (!res->written[i].rel)
        return -1;
    res->written[i].hash = cli_hash_data(data, len);
    p->data[i] = data;
    p->len[i] = len;
    res->n_written++;
    return 0;
}

/* The written photo judged as a final photo; the report names the input
 * and says where the output went. */
static idp_status self_check(const cli_batch *b, idp_ctx *ctx, cli_item *it,
                             const product *p, int quality,
                             idp_image **made_img)
{
    idp_check_options co = {&b->profile, IDP_MODE_FINAL};
    idp_report *r = NULL;
    idp_status st =
        idp_image_load_buffer(ctx, p->data[0], p->len[0], it->path, made_img);
    if (st == IDP_OK)
        st = idp_check(ctx, *made_img, &co, &r);
    if (st == IDP_OK)
        st = idp_report_set_output(r, it->output, (int64_t)p->len[0],
                                   idp_image_width(*made_img),
                                   idp_image_height(*made_img), quality);
    if (st == IDP_OK && set_report(it, r))
        st = IDP_E_NOMEM;
    idp_report_free(r);
    return st;
}

void cli_item_file(const cli_item *it, int file, char *out, size_t n)
{
    const char *slash = strrchr(it->output, '/');
    const char *dot = strrchr(slash ? slash + 1 : it->output, '.');
    int stem = dot ? (int)(dot - it->output) : (int)strlen(it->output);
    if (file == CLI_FILE_SHEET)
        cli_suffixed_path(it->output, "-sheet", ".jpg", out, n);
    else if (file == CLI_FILE_CUTOUT)
        snprintf(out, n, "%.*s-cutout.png", stem, it->output);
    else
        snprintf(out, n, "%s", it->output);
}

static idp_status sheet(const cli_batch *b, idp_ctx *ctx, cli_item *it,
                        const idp_made *m, product *p)
{
    char rel[4200];
    uint8_t *data = NULL;
    size_t len = 0;
    int copies = 0;
    idp_status st;
    /* outputs are shorter than 4096 bytes: "-sheet" always fits */
    cli_item_file(it, CLI_FILE_SHEET, rel, sizeof rel);
    st = idp_made_sheet(ctx, m, b->o->sheet, &data, &len, &copies);
    if (st == IDP_OK && add_written(it, rel, data, len, p)) {
        idp_free(data);
        st = IDP_E_NOMEM;
    }
    return st;
}

/* --cutout: the person on a transparent background, NAME-cutout.png. */
static idp_status cutout(idp_ctx *ctx, cli_item *it, const idp_made *m,
                         product *p)
{
    char rel[4200];
    uint8_t *data = NULL;
    size_t len = 0;
    idp_status st = idp_made_cutout_png(ctx, m, &data, &len);
    cli_item_file(it, CLI_FILE_CUTOUT, rel, sizeof rel);
    if (st == IDP_OK && add_written(it, rel, data, len, p)) {
        idp_free(data);
        st = IDP_E_NOMEM;
    }
    return st;
}

/* Encode, self-check, sheet, cutout and thumbnail of a made photo. */
static idp_status made(const cli_batch *b, idp_ctx *ctx, cli_item *it,
                       const idp_made *m, product *p)
{
    uint8_t *data = NULL;
    size_t len = 0;
    int quality = 0, in_band = 0;
    idp_image *out = NULL;
    idp_status st = idp_made_jpeg(ctx, m, &data, &len, &quality, &in_band);
    if (st == IDP_OK && add_written(it, it->output, data, len, p)) {
        idp_free(data);
        st = IDP_E_NOMEM;
    }
    if (st == IDP_OK)
        st = self_check(b, ctx, it, p, quality, &out);
    if (st == IDP_OK && b->o->sheet)
        st = sheet(b, ctx, it, m, p);
    if (st == IDP_OK && b->o->cutout)
        st = cutout(ctx, it, m, p);
    if (st == IDP_OK && thumbnail(ctx, out, p))
        st = IDP_E_NOMEM;
    idp_image_free(out);
    return st;
}

static idp_status make(const cli_batch *b, idp_ctx *ctx, cli_item *it,
                       const idp_image *img, product *p)
{
    idp_made *m = NULL;
    idp_report *r = NULL;
    idp_status st = idp_make(ctx, img, &b->mo, &m, &r);
    if (st == IDP_OK && !m) {
        if (set_report(it, r)) /* refused: the capture report says why */
            st = IDP_E_NOMEM;
        else if (thumbnail(ctx, img, p))
            st = IDP_E_NOMEM;
    } else if (st == IDP_OK) {
        st = made(b, ctx, it, m, p);
    }
    idp_made_free(m);
    idp_report_free(r);
    return st;
}

static idp_status check(const cli_batch *b, idp_ctx *ctx, cli_item *it,
                        const idp_image *img, product *p)
{
    idp_check_options co = {&b->profile, IDP_MODE_FINAL};
    idp_report *r = NULL;
    idp_status st = idp_check(ctx, img, &co, &r);
    if (st == IDP_OK && (set_report(it, r) || thumbnail(ctx, img, p)))
        st = IDP_E_NOMEM;
    idp_report_free(r);
    return st;
}

/* 1 when `path` is a regular file whose bytes hash to `hash`. */
static int holds(const char *path, uint64_t hash)
{
    struct stat st;
    uint64_t h;
    return lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
           cli_hash_file(path, &h) == 0 && h == hash;
}

/* An output that is there already is never replaced without --force;
 * found before anything is written, so the record of the run that wrote
 * it stays. With --resume, a file holding exactly the bytes about to be
 * written is no clobbering: outputs are deterministic, so that is what a
 * run killed between this photo's files (or stopped by a full disk) left,
 * and --resume must be able to finish it. */
static int clobbers(const cli_batch *b, const cli_item *it, char *err, size_t n)
{
    struct stat st;
    char path[8300];
    for (size_t i = 0; !b->o->force && i < it->res.n_written; i++) {
        snprintf(path, sizeof path, "%s/%s", b->o->output_dir,
                 it->res.written[i].rel);
        if (lstat(path, &st) == 0 &&
            !(b->o->resume && holds(path, it->res.written[i].hash))) {
            snprintf(err, n,
                     b->o->resume ? "%s: exists, but its record does not "
                                    "match this input or these settings "
                                    "(use --force to replace it)"
                                  : "%s: exists (use --force to replace, "
                                    "or --resume to keep it)",
                     path);
            return 1;
        }
    }
    return 0;
}

static void write_failed(const cli_batch *b, cli_item *it, const char *err)
{
    cli_error(NULL, "%s", err);
    cli_result_clear(&it->res);
    set_error(b, it, IDP_E_IO, err);
    it->res.exit_code = CLI_OUTPUT;
}

/* Thumbnail, record, then the photos: see the top of this file. A
 * thumbnail that cannot be written only leaves report.html without it. */
static void write_all(const cli_batch *b, cli_item *it, const product *p)
{
    char path[8300], err[8600];
    int failed = 0;
    if (clobbers(b, it, err, sizeof err)) {
        write_failed(b, it, err);
        return;
    }
    cli_record_path(b, it, ".jpg", path, sizeof path);
    if (p->thumb &&
        !cli_write_atomic(path, p->thumb, p->thumb_len, 1, err, sizeof err))
        it->res.thumb_hash = cli_hash_data(p->thumb, p->thumb_len);
    if (cli_record_write(b, it)) {
        snprintf(err, sizeof err, "%s: cannot write the record", path);
        failed = 1;
    }
    for (size_t i = 0; !failed && i < it->res.n_written; i++) {
        snprintf(path, sizeof path, "%s/%s", b->o->output_dir,
                 it->res.written[i].rel);
        if (!b->o->force && b->o->resume &&
            holds(path, it->res.written[i].hash))
            continue; /* left by an interrupted run: see clobbers() */
        failed = cli_mkdirs_for(path, err, sizeof err) ||
                 cli_write_atomic(path, p->data[i], p->len[i], b->o->force, err,
                                  sizeof err);
    }
    if (!failed)
        return;
    cli_record_path(b, it, ".rec", path, sizeof path);
    unlink(path); /* --resume makes it again */
    write_failed(b, it, err);
}

void cli_batch_work(const cli_batch *b, idp_ctx *ctx, cli_item *it)
{
    product p;
    idp_image *img = NULL;
    idp_status st;
    if (it->problem) {
        cli_batch_problem(b, it, it->problem);
        return;
    }
    if ((b->o->resume || b->o->merge) && cli_record_restore(b, it))
        return;
    if (b->o->merge) {
        set_error(b, it, IDP_E_IO, "no shard has processed this photo");
        return;
    }
    memset(&p, 0, sizeof p);
    if (cli_hash_file(it->path, &it->res.input_hash))
        it->res.input_hash = 0;
    st = idp_image_load(ctx, it->path, &img);
    if (st == IDP_OK)
        st = b->o->check_only ? check(b, ctx, it, img, &p)
                              : make(b, ctx, it, img, &p);
    if (st != IDP_OK) {
        char msg[1024];
        uint64_t input_hash = it->res.input_hash;
        snprintf(msg, sizeof msg, "%s", idp_ctx_error(ctx));
        cli_error(NULL, "%s", msg);
        cli_result_clear(&it->res);
        set_error(b, it, st, msg);
        it->res.input_hash = input_hash; /* the record says which bytes */
        /* only a verdict on this photo is recorded: a setup or internal
         * failure (no model, bad profile, bad argument, no memory) says
         * nothing about the photo, and --resume must try it again */
        if (it->res.exit_code <= CLI_OUTPUT)
            cli_record_write(b, it);
    } else {
        write_all(b, it, &p);
    }
    idp_image_free(img);
    product_free(&p);
}
