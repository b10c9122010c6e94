/*
 * batch_report.c - what every report of a batch shares: the status of a
 * photo and of a student, the counts, and report.jsonl; then the four
 * other reports (batch_report_csv.c, batch_report_html.c).
 */
#include "batch.h"
#include "cli_fs.h"

#include <stdlib.h>
#include <string.h>

int cli_report_save(const cli_batch *b, const char *name, const void *data,
                    size_t len, int oom)
{
    char path[4200], err[4400];
    if (oom) {
        cli_error(name, "out of memory");
        return CLI_INTERNAL;
    }
    snprintf(path, sizeof path, "%s/%s", b->o->output_dir, name);
    if (cli_write_atomic(path, data, len, 1, err, sizeof err)) {
        cli_error(NULL, "%s", err);
        return CLI_OUTPUT;
    }
    return CLI_OK;
}

const char *cli_batch_col(const cli_batch *b, long row, long col)
{
    if (!b->roster || row < 0 || col < 0)
        return "";
    return cli_roster_cell(b->roster, (size_t)row, (size_t)col);
}

const cli_item *cli_batch_item_of_row(const cli_batch *b, size_t row)
{
    return b->by_row ? b->by_row[row] : NULL;
}

/* A photo without a roster entry, when there is a roster. */
static int unknown(const cli_batch *b, const cli_item *it)
{
    return b->roster && it && it->row < 0;
}

const char *cli_batch_status(const cli_batch *b, const cli_item *it, int zh)
{
    static const char *const en[] = {"pass", "warn", "fail", "error"};
    static const char *const cn[] = {"合格", "合格（有提示）", "不合格",
                                     "无法处理"};
    if (!it)
        return zh ? "未交照片" : "missing";
    if (unknown(b, it))
        return zh ? "名单外照片" : "not in roster";
    if (it->res.verdict < 0 || it->res.verdict > 3)
        return "?";
    return zh ? cn[it->res.verdict] : en[it->res.verdict];
}

void cli_batch_reasons(const cli_item *it, int zh, char *out, size_t n)
{
    const cli_result *r = &it->res;
    size_t used = 0;
    out[0] = '\0';
    if (r->verdict == IDP_VERDICT_ERROR) {
        /* a photo of no student has nobody to ask for another */
        int resubmit = zh && !(it->problem && it->row < 0);
        snprintf(out, n, "%s%s", resubmit ? "照片无法处理，请重新提交：" : "",
                 r->error ? r->error : "");
        return;
    }
    for (size_t i = 0; i < r->n_reasons && used < n; i++) {
        int k =
            snprintf(out + used, n - used, "%s%s", i ? (zh ? "；" : "; ") : "",
                     zh ? r->reasons[i].zh : r->reasons[i].en);
        if (k < 0)
            break;
        used += (size_t)k;
    }
}

static void count(const cli_batch *b, const cli_item *it, cli_counts *c)
{
    c->total++;
    if (!it)
        c->missing++;
    else if (unknown(b, it))
        c->unknown++;
    else if (it->res.verdict == IDP_VERDICT_PASS)
        c->pass++;
    else if (it->res.verdict == IDP_VERDICT_WARN)
        c->warn++;
    else if (it->res.verdict == IDP_VERDICT_FAIL)
        c->fail++;
    else
        c->error++;
}

/* One row per student (roster order), then the photos of no student; or
 * one per photo without a roster. A student with two photos counts once. */
static void tally(const cli_batch *b, cli_counts *c)
{
    memset(c, 0, sizeof *c);
    for (size_t r = 0; b->roster && r < b->roster->n_rows; r++)
        count(b, cli_batch_item_of_row(b, r), c);
    for (size_t i = 0; i < b->n_items; i++)
        if (!b->roster || b->items[i].row < 0)
            count(b, &b->items[i], c);
}

static int jsonl(const cli_batch *b)
{
    cli_buf o = {NULL, 0, 0, 0};
    int rc;
    for (size_t i = 0; i < b->n_items; i++) {
        const char *j = b->items[i].res.json;
        if (!j)
            continue;
        cli_buf_str(&o, j);
        cli_buf_str(&o, "\n");
        if (b->o->co.json)
            puts(j);
    }
    rc = cli_report_save(b, "report.jsonl", o.p ? o.p : "", o.len, o.oom);
    cli_buf_free(&o);
    return rc;
}

int cli_batch_reports(const cli_batch *b, cli_counts *c)
{
    int rc;
    tally(b, c);
    rc = jsonl(b);
    rc = cli_worse(rc, cli_report_summary(b, "summary.csv"));
    rc = cli_worse(rc, cli_report_retake(b, "retake.csv"));
    rc = cli_worse(rc, cli_report_missing(b, "missing.csv"));
    rc = cli_worse(rc, cli_report_html(b, c, "report.html"));
    return rc;
}
