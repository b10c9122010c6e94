/* test_batch_csv.c - what the batch reports are made of: CSV cells for
 * Excel (BOM, CRLF, quoting, formula guard), HTML text, base64, and the
 * resume record's text and back. */
#include "batch.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

static void test_csv(void)
{
    cli_buf b = {NULL, 0, 0, 0};
    const char *row[] = {"2021001",    "张三",    "a,b", "say \"hi\"",
                         "two\nlines", " padded", ""};
    const char *evil[] = {
        "=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "ok=1"};
    cli_csv_bom(&b);
    cli_csv_row(&b, row, 7);
    cli_csv_row(&b, evil, 6);
    CHECK(!b.oom);
    CHECK_STR(b.p, "\xef\xbb\xbf"
                   "2021001,张三,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\","
                   "\" padded\",\r\n"
                   "\"'=HYPERLINK(\"\"http://x\"\")\",'+1,'-2,'@SUM(A1),'\tx,"
                   "ok=1\r\n");
    cli_buf_free(&b);
}

static void test_html_base64(void)
{
    cli_buf b = {NULL, 0, 0, 0};
    const uint8_t bytes[] = {'M', 'a', 'n', 0xff, 0x00};
    cli_html_text(&b, "<a href=\"x\">Tom & 'Jerry'</a>");
    CHECK_STR(b.p, "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;"
                   "&lt;/a&gt;");
    b.len = 0;
    cli_base64(&b, bytes, 3);
    cli_buf_str(&b, "|");
    cli_base64(&b, bytes, 4);
    cli_buf_str(&b, "|");
    cli_base64(&b, bytes, 5);
    cli_buf_str(&b, "|");
    cli_base64(&b, bytes, 0);
    CHECK_STR(b.p, "TWFu|TWFu/w==|TWFu/wA=|");
    b.len = 0;
    cli_buf_printf(&b, "%d-%s", 42, "x");
    CHECK_STR(b.p, "42-x");
    cli_buf_free(&b);
}

static void fill(cli_item *it)
{
    cli_result *r = &it->res;
    memset(it, 0, sizeof *it);
    it->path = strdup("in/照片 1\t\\n.jpg");
    r->exit_code = 1;
    r->verdict = 2;
    r->input_hash = 0x0123456789abcdefULL;
    r->thumb_hash = 0xfedcba9876543210ULL;
    r->json = strdup("{\"file\":\"in/\\u7167\\n\"}");
    r->n_reasons = 2;
    r->reasons = calloc(2, sizeof *r->reasons);
    snprintf(r->reasons[0].id, sizeof r->reasons[0].id, "mouth_closed");
    r->reasons[0].status = 2;
    r->reasons[0].zh = strdup("嘴巴张开：请自然闭合嘴唇");
    r->reasons[0].en = strdup("mouth open\nclose it");
    snprintf(r->reasons[1].id, sizeof r->reasons[1].id, "head_yaw");
    r->reasons[1].status = 1;
    r->reasons[1].zh = strdup("");
    r->reasons[1].en = strdup("a\\tb");
    r->n_written = 1;
    r->written[0].rel = strdup("计算机学院/2021001.jpg");
    r->written[0].hash = 42;
}

static void test_record(void)
{
    cli_item a, b;
    char other[] = "in/other.jpg";
    char *text, *again;
    fill(&a);
    text = cli_record_format(&a, 7);
    CHECK(text != NULL);
    memset(&b, 0, sizeof b);
    b.path = a.path;
    CHECK_EQ_INT(cli_record_parse(text, &b, 7), 0);
    CHECK_EQ_INT(b.res.exit_code, 1);
    CHECK_EQ_INT(b.res.verdict, 2);
    CHECK(b.res.input_hash == a.res.input_hash);
    CHECK(b.res.thumb_hash == a.res.thumb_hash);
    CHECK_STR(b.res.json, a.res.json);
    CHECK_EQ_INT(b.res.n_reasons, 2);
    CHECK_STR(b.res.reasons[0].en, "mouth open\nclose it");
    CHECK_STR(b.res.reasons[1].en, "a\\tb");
    CHECK_EQ_INT(b.res.reasons[1].status, 1);
    CHECK_STR(b.res.written[0].rel, "计算机学院/2021001.jpg");
    CHECK(b.res.written[0].hash == 42);
    again = cli_record_format(&b, 7);
    CHECK_STR(again, text); /* the text survives a round trip exactly */
    cli_result_clear(&b.res);
    /* another settings hash, another input, a cut record: refused */
    CHECK_EQ_INT(cli_record_parse(text, &b, 8), -1);
    cli_result_clear(&b.res);
    b.path = other;
    CHECK_EQ_INT(cli_record_parse(text, &b, 7), -1);
    cli_result_clear(&b.res);
    b.path = a.path;
    text[strlen(text) - 4] = '\0'; /* "end\n" gone */
    CHECK_EQ_INT(cli_record_parse(text, &b, 7), -1);
    cli_result_clear(&b.res);
    free(text);
    free(again);
    free(a.path);
    cli_result_clear(&a.res);
}

/* `text` with the line that `key` (a newline and a name) starts left out
 * (times 0) or repeated (times 2). */
static char *edited(const char *text, const char *key, int times)
{
    const char *line = strstr(text, key) + 1, *nl = strchr(line, '\n') + 1;
    size_t head = (size_t)(line - text), len = (size_t)(nl - line);
    char *out = malloc(strlen(text) + len + 1);
    memcpy(out, text, head);
    for (int i = 0; i < times; i++)
        memcpy(out + head + (size_t)i * len, line, len);
    strcpy(out + head + (size_t)times * len, nl);
    return out;
}

/* A record lacking its settings or input line, or repeating a line that
 * holds a string, is refused (and leaks nothing: see the sanitizer). */
static void test_record_lines(void)
{
    const char *keys[] = {"\nsettings ", "\ninput ", "\njson ", "\nerror "};
    cli_item a, b;
    char *text;
    fill(&a);
    free(a.res.error);
    a.res.error = strdup("cannot decode");
    text = cli_record_format(&a, 7);
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        /* an error line may be left out (no error), not repeated */
        for (int times = k == 3 ? 2 : 0; times <= 2; times += 2) {
            char *e = edited(text, keys[k], times);
            memset(&b, 0, sizeof b);
            b.path = a.path;
            CHECK_EQ_INT(cli_record_parse(e, &b, 7), -1);
            cli_result_clear(&b.res);
            free(e);
        }
    }
    free(text);
    free(a.path);
    cli_result_clear(&a.res);
}

int main(void)
{
    test_csv();
    test_html_base64();
    test_record();
    test_record_lines();
    return CHECK_DONE();
}
