/*
 * batch_report_csv.c - summary.csv (every student's status, to publish),
 * retake.csv (who must retake and why, in Chinese, grouped by unit) and
 * missing.csv (students without a photo, photos without a student). All
 * UTF-8 with a BOM and CRLF, quoted and formula-guarded for Excel.
 */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

#define REASONS_LEN 8192

static int zh(const cli_batch *b)
{
    return b->lang == CLI_LANG_ZH;
}

static const char *header_of(const cli_batch *b, long col, const char *def)
{
    return b->roster && col >= 0 ? b->roster->header[col] : def;
}

/* The path a photo was written to ("" when none). */
static const char *output_of(const cli_item *it)
{
    return it && it->res.n_written > 0 ? it->res.written[0].rel : "";
}

static void summary_row(const cli_batch *b, cli_buf *o, long row,
                        const cli_item *it)
{
    char reasons[REASONS_LEN] = "";
    const char *cells[7];
    size_t n = 0;
    if (it)
        cli_batch_reasons(it, zh(b), reasons, sizeof reasons);
    if (b->roster) {
        cells[n++] = row >= 0 ? cli_batch_col(b, row, b->col_id) : "";
        cells[n++] = cli_batch_col(b, row, b->col_name);
        cells[n++] = cli_batch_col(b, row, b->col_unit);
    }
    cells[n++] = it ? it->path : "";
    cells[n++] = output_of(it);
    cells[n++] = cli_batch_status(b, it, zh(b));
    cells[n++] = reasons;
    cli_csv_row(o, cells, n);
}

static void summary_header(const cli_batch *b, cli_buf *o)
{
    int z = zh(b);
    const char *cells[7];
    size_t n = 0;
    if (b->roster) {
        cells[n++] = header_of(b, b->col_id, "id");
        cells[n++] = header_of(b, b->col_name, z ? "姓名" : "name");
        cells[n++] = header_of(b, b->col_unit, z ? "单位" : "unit");
    }
    cells[n++] = z ? "照片" : "photo";
    cells[n++] = z ? "输出" : "output";
    cells[n++] = z ? "状态" : "status";
    cells[n++] = z ? "原因" : "reasons";
    cli_csv_row(o, cells, n);
}

int cli_report_summary(const cli_batch *b, const char *name)
{
    cli_buf o = {NULL, 0, 0, 0};
    int rc;
    cli_csv_bom(&o);
    summary_header(b, &o);
    for (size_t r = 0; b->roster && r < b->roster->n_rows; r++)
        summary_row(b, &o, (long)r, cli_batch_item_of_row(b, r));
    for (size_t i = 0; i < b->n_items; i++)
        if (!b->roster || b->items[i].row < 0)
            summary_row(b, &o, -1, &b->items[i]);
    rc = cli_report_save(b, name, o.p, o.len, o.oom);
    cli_buf_free(&o);
    return rc;
}

/* ---- retake.csv ---- */

static const cli_batch *sort_b; /* for the qsort comparison below */

static int must_retake(const cli_item *it)
{
    return it->res.state != CLI_NOT_RUN &&
           (it->res.verdict == IDP_VERDICT_FAIL ||
            it->res.verdict == IDP_VERDICT_ERROR);
}

/* By unit, then roster order (then path, for photos of no student). */
static int by_unit(const void *x, const void *y)
{
    const cli_item *a = *(const cli_item *const *)x;
    const cli_item *c = *(const cli_item *const *)y;
    int u = strcmp(cli_batch_col(sort_b, a->row, sort_b->col_unit),
                   cli_batch_col(sort_b, c->row, sort_b->col_unit));
    if (u)
        return u;
    if (a->row != c->row)
        return a->row < c->row ? -1 : 1;
    return strcmp(a->path, c->path);
}

int cli_report_retake(const cli_batch *b, const char *name)
{
    static const char *const head[] = {"单位", "学号", "姓名", "照片",
                                       "重拍原因"};
    const cli_item **list = calloc(b->n_items + 1, sizeof *list);
    cli_buf o = {NULL, 0, 0, 0};
    char reasons[REASONS_LEN];
    size_t n = 0;
    int rc;
    if (!list)
        return cli_report_save(b, name, NULL, 0, 1);
    for (size_t i = 0; i < b->n_items; i++)
        if (must_retake(&b->items[i]) && !(b->roster && b->items[i].row < 0))
            list[n++] = &b->items[i];
    sort_b = b;
    qsort(list, n, sizeof *list, by_unit);
    cli_csv_bom(&o);
    cli_csv_row(&o, head, 5);
    for (size_t i = 0; i < n; i++) {
        const cli_item *it = list[i];
        const char *cells[5] = {cli_batch_col(b, it->row, b->col_unit),
                                cli_batch_col(b, it->row, b->col_id),
                                cli_batch_col(b, it->row, b->col_name),
                                it->path, reasons};
        cli_batch_reasons(it, 1, reasons, sizeof reasons);
        cli_csv_row(&o, cells, 5);
    }
    rc = cli_report_save(b, name, o.p, o.len, o.oom);
    cli_buf_free(&o);
    free(list);
    return rc;
}

/* ---- missing.csv ---- */

int cli_report_missing(const cli_batch *b, const char *name)
{
    int z = zh(b);
    const char *head[5] = {
        z ? "类型" : "kind", header_of(b, b->col_id, z ? "学号" : "id"),
        header_of(b, b->col_name, z ? "姓名" : "name"),
        header_of(b, b->col_unit, z ? "单位" : "unit"), z ? "照片" : "photo"};
    cli_buf o = {NULL, 0, 0, 0};
    int rc;
    cli_csv_bom(&o);
    cli_csv_row(&o, head, 5);
    for (size_t r = 0; b->roster && r < b->roster->n_rows; r++) {
        const char *cells[5] = {z ? "未交照片" : "no photo",
                                cli_batch_col(b, (long)r, b->col_id),
                                cli_batch_col(b, (long)r, b->col_name),
                                cli_batch_col(b, (long)r, b->col_unit), ""};
        if (!cli_batch_item_of_row(b, r))
            cli_csv_row(&o, cells, 5);
    }
    for (size_t i = 0; b->roster && i < b->n_items; i++) {
        const char *cells[5] = {z ? "名单外照片" : "not in roster", "", "", "",
                                b->items[i].path};
        if (b->items[i].row < 0)
            cli_csv_row(&o, cells, 5);
    }
    rc = cli_report_save(b, name, o.p, o.len, o.oom);
    cli_buf_free(&o);
    return rc;
}
