/*
 * batch_report_html.c - report.html: one self-contained page (no network:
 * thumbnails are data: URIs, style and script inline, and a Content
 * Security Policy that allows nothing else) with the counts at the top,
 * filters by status and unit, and per student a thumbnail, the verdict
 * and the reasons. The filters can be preset from the address
 * (report.html?status=fail&unit=...), and once loaded the page says on
 * <body data-images="K/N"> how many of its N thumbnails decoded: the
 * tests read both through a headless browser.
 */
#include "batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const keys[] = {"pass",  "warn",    "fail",
                                   "error", "missing", "unknown"};

static const char style[] =
    "body{font-family:sans-serif;margin:1.5em}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;"
    "padding:4px 8px;vertical-align:top;text-align:left}"
    "img{max-width:120px}.counts span{margin-right:1.2em}"
    "td:nth-child(-n+5){white-space:nowrap}"
    "tr.fail td:nth-child(5),tr.error td:nth-child(5){color:#b00}"
    "tr.pass td:nth-child(5){color:#070}"
    "tr.missing td:nth-child(5),tr.unknown td:nth-child(5){color:#a60}";

static const char script[] =
    "(function(){"
    "var s=document.getElementById('f-status'),"
    "u=document.getElementById('f-unit'),"
    "rows=document.querySelectorAll('#rows tbody tr');"
    "function apply(){var n=0;for(var i=0;i<rows.length;i++){var r=rows[i];"
    "var ok=(!s.value||r.getAttribute('data-status')===s.value)&&"
    "(!u.value||r.getAttribute('data-unit')===u.value);r.hidden=!ok;"
    "if(ok)n++;}document.getElementById('shown').textContent=String(n);}"
    "var q=new URLSearchParams(location.search);"
    "if(q.has('status'))s.value=q.get('status');"
    "if(q.has('unit'))u.value=q.get('unit');"
    "s.addEventListener('change',apply);u.addEventListener('change',apply);"
    "apply();"
    "window.addEventListener('load',function(){var im=document.images,k=0;"
    "for(var i=0;i<im.length;i++)if(im[i].complete&&im[i].naturalWidth>0)"
    "k++;document.body.setAttribute('data-images',k+'/'+im.length);});"
    "})();";

static int zh(const cli_batch *b)
{
    return b->lang == CLI_LANG_ZH;
}

static const char *key_of(const cli_batch *b, const cli_item *it)
{
    if (!it)
        return keys[4];
    if (b->roster && it->row < 0)
        return keys[5];
    return keys[it->res.verdict >= 0 && it->res.verdict <= 3 ? it->res.verdict
                                                             : 3];
}

static const char *word(const cli_batch *b, size_t k)
{
    static const char *const en[] = {"pass",    "pass with warnings",
                                     "fail",    "error",
                                     "missing", "not in roster"};
    static const char *const cn[] = {"合格",     "合格（有提示）",
                                     "不合格",   "无法处理",
                                     "未交照片", "名单外照片"};
    return zh(b) ? cn[k] : en[k];
}

static void head(const cli_batch *b, cli_buf *o)
{
    cli_buf_printf(o,
                   "<!DOCTYPE html>\n<html lang=\"%s\"><head>"
                   "<meta charset=\"utf-8\">"
                   "<meta http-equiv=\"Content-Security-Policy\" "
                   "content=\"default-src 'none'; img-src data:; "
                   "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
                   "<title>%s</title><style>%s</style></head><body>\n"
                   "<h1>%s</h1>\n",
                   zh(b) ? "zh" : "en",
                   zh(b) ? "照片采集情况" : "Photo collection report", style,
                   zh(b) ? "照片采集情况" : "Photo collection report");
}

static void counts(const cli_batch *b, const cli_counts *c, cli_buf *o)
{
    const size_t v[] = {c->pass,  c->warn,    c->fail,
                        c->error, c->missing, c->unknown};
    cli_buf_printf(o,
                   "<p class=\"counts\"><span>%s <b id=\"count-total\">%zu"
                   "</b></span>",
                   zh(b) ? "合计" : "total", c->total);
    for (size_t k = 0; k < 6; k++)
        cli_buf_printf(o, "<span>%s <b id=\"count-%s\">%zu</b></span>",
                       word(b, k), keys[k], v[k]);
    cli_buf_str(o, "</p>\n");
}

/* The distinct units, in order of first appearance in the roster. */
static void unit_options(const cli_batch *b, cli_buf *o)
{
    for (size_t r = 0; b->roster && b->col_unit >= 0 && r < b->roster->n_rows;
         r++) {
        const char *u = cli_batch_col(b, (long)r, b->col_unit);
        size_t k = 0;
        while (k < r && strcmp(u, cli_batch_col(b, (long)k, b->col_unit)))
            k++;
        if (k < r || !*u)
            continue;
        cli_buf_str(o, "<option value=\"");
        cli_html_text(o, u);
        cli_buf_str(o, "\">");
        cli_html_text(o, u);
        cli_buf_str(o, "</option>");
    }
}

static void filters(const cli_batch *b, cli_buf *o)
{
    const char *all = zh(b) ? "全部" : "all";
    cli_buf_printf(o,
                   "<p><label>%s <select id=\"f-status\"><option "
                   "value=\"\">%s</option>",
                   zh(b) ? "状态" : "status", all);
    for (size_t k = 0; k < 6; k++)
        cli_buf_printf(o, "<option value=\"%s\">%s</option>", keys[k],
                       word(b, k));
    cli_buf_printf(o,
                   "</select></label> <label>%s <select id=\"f-unit\">"
                   "<option value=\"\">%s</option>",
                   zh(b) ? "单位" : "unit", all);
    unit_options(b, o);
    cli_buf_printf(o, "</select></label> %s <b id=\"shown\">0</b></p>\n",
                   zh(b) ? "显示" : "shown");
}

static void thumb(const cli_batch *b, const cli_item *it, cli_buf *o)
{
    char path[4200];
    uint8_t buf[65536];
    size_t n;
    FILE *f;
    if (!it || it->res.verdict == IDP_VERDICT_ERROR)
        return;
    cli_record_path(b, it, ".jpg", path, sizeof path);
    f = fopen(path, "rb");
    if (!f)
        return;
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    /* only the thumbnail this photo's record names: an interrupted run
     * with other settings may have left another */
    if (n == 0 || n == sizeof buf ||
        cli_hash_data(buf, n) != it->res.thumb_hash)
        return;
    cli_buf_str(o, "<img alt=\"\" src=\"data:image/jpeg;base64,");
    cli_base64(o, buf, n);
    cli_buf_str(o, "\">");
}

static void cell(cli_buf *o, const char *text)
{
    cli_buf_str(o, "<td>");
    cli_html_text(o, text);
    cli_buf_str(o, "</td>");
}

static void row(const cli_batch *b, cli_buf *o, long r, const cli_item *it)
{
    char reasons[8192];
    const char *key = key_of(b, it);
    size_t k = 0;
    while (strcmp(keys[k], key))
        k++;
    reasons[0] = '\0';
    if (it)
        cli_batch_reasons(it, zh(b), reasons, sizeof reasons);
    cli_buf_printf(o, "<tr class=\"%s\" data-status=\"%s\" data-unit=\"", key,
                   key);
    cli_html_text(o, cli_batch_col(b, r, b->col_unit));
    cli_buf_str(o, "\"><td>");
    thumb(b, it, o);
    cli_buf_str(o, "</td>");
    cell(o, r >= 0 ? cli_batch_col(b, r, b->col_id) : it ? it->path : "");
    cell(o, cli_batch_col(b, r, b->col_name));
    cell(o, cli_batch_col(b, r, b->col_unit));
    cell(o, word(b, k));
    cell(o, reasons);
    cli_buf_str(o, "</tr>\n");
}

int cli_report_html(const cli_batch *b, const cli_counts *c, const char *name)
{
    cli_buf o = {NULL, 0, 0, 0};
    int rc, z = zh(b);
    head(b, &o);
    counts(b, c, &o);
    filters(b, &o);
    cli_buf_printf(&o,
                   "<table id=\"rows\"><thead><tr><th>%s</th><th>%s</th>"
                   "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>"
                   "</thead><tbody>\n",
                   z ? "照片" : "photo", z ? "学号" : "id", z ? "姓名" : "name",
                   z ? "单位" : "unit", z ? "状态" : "status",
                   z ? "原因" : "reasons");
    for (size_t r = 0; b->roster && r < b->roster->n_rows; r++)
        row(b, &o, (long)r, cli_batch_item_of_row(b, r));
    for (size_t i = 0; i < b->n_items; i++)
        if (!b->roster || b->items[i].row < 0)
            row(b, &o, -1, &b->items[i]);
    cli_buf_printf(&o,
                   "</tbody></table>\n<script>%s</script>\n"
                   "</body></html>\n",
                   script);
    rc = cli_report_save(b, name, o.p, o.len, o.oom);
    cli_buf_free(&o);
    return rc;
}
