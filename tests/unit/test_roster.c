/* test_roster.c - the roster CSV parser: encodings, BOM, delimiters,
 * quotes, line ends, ragged rows and the errors. */
#include "check.h"
#include "roster.h"

#include <stdlib.h>
#include <string.h>

static const char utf8[] = "学号,姓名,学院\r\n"
                           "2021001,张三,计算机学院\r\n"
                           "2021002,李四,外国语学院\r\n";

static cli_roster *parse(const char *data, size_t len, char *err)
{
    cli_roster *r = NULL;
    err[0] = '\0';
    if (cli_roster_parse(data, len, &r, err, 256))
        return NULL;
    return r;
}

/* The same three-column table, however it was encoded. */
static void check_table(const cli_roster *r, const char *encoding)
{
    CHECK(r != NULL);
    if (!r)
        return;
    CHECK_STR(r->encoding, encoding);
    CHECK_EQ_INT(r->n_cols, 3);
    CHECK_EQ_INT(r->n_rows, 2);
    CHECK_STR(r->header[0], "学号");
    CHECK_STR(r->header[2], "学院");
    CHECK_STR(cli_roster_cell(r, 0, 1), "张三");
    CHECK_STR(cli_roster_cell(r, 1, 2), "外国语学院");
    CHECK_EQ_INT(r->line[0], 2);
    CHECK_EQ_INT(r->line[1], 3);
    CHECK_EQ_INT(cli_roster_column(r, "姓名"), 1);
    CHECK_EQ_INT(cli_roster_column(r, "name"), -1);
    CHECK_EQ_INT(cli_roster_guess(r, "college,学院,单位"), 2);
}

static void test_encodings(void)
{
    char err[256], buf[512];
    /* 学号,姓名,学院 ... in GB18030, as Excel on Chinese Windows saves
     * (学 is D1 A7, a valid UTF-8 pair by chance: still GB18030) */
    static const char gb[] =
        "\xd1\xa7\xba\xc5,\xd0\xd5\xc3\xfb,\xd1\xa7\xd4\xba\r\n"
        "2021001,\xd5\xc5\xc8\xfd,\xbc\xc6\xcb\xe3\xbb\xfa\xd1\xa7\xd4\xba\r\n"
        "2021002,\xc0\xee\xcb\xc4,\xcd\xe2\xb9\xfa\xd3\xef\xd1\xa7\xd4\xba\r\n";
    /* "id\tname\r\n1\t张三\r\n" as UTF-16LE with a BOM */
    static const char u16[] = "\xff\xfei\0d\0\t\0n\0a\0m\0e\0\r\0\n\0"
                              "1\0\t\0\x20\x5f\x09\x4e\r\0\n\0";
    cli_roster *r = parse(utf8, strlen(utf8), err);
    check_table(r, "utf-8");
    cli_roster_free(r);
    buf[0] = '\xef';
    buf[1] = '\xbb';
    buf[2] = '\xbf';
    memcpy(buf + 3, utf8, strlen(utf8));
    r = parse(buf, strlen(utf8) + 3, err);
    check_table(r, "utf-8"); /* the BOM is not part of the first name */
    cli_roster_free(r);
    r = parse(gb, strlen(gb), err);
    check_table(r, "gb18030");
    cli_roster_free(r);
    r = parse(u16, sizeof u16 - 1, err);
    CHECK(r != NULL);
    if (r) {
        CHECK_STR(r->encoding, "utf-16");
        CHECK_EQ_INT(r->delimiter, '\t');
        CHECK_STR(cli_roster_cell(r, 0, 1), "张三");
    }
    cli_roster_free(r);
}

static void test_tabs_and_quotes(void)
{
    char err[256];
    static const char tsv[] = "id\tname\tnote\n1\t\"Li, Si\"\ta,b\n";
    static const char q[] = "id,name,note\n"
                            "1,\"say \"\"hi\"\"\",\"two\r\nlines\"\n"
                            "\n"
                            "  2 ,  spaced  ,\"\"\r"
                            "3\n";
    cli_roster *r = parse(tsv, strlen(tsv), err);
    CHECK(r != NULL);
    if (r) {
        CHECK_EQ_INT(r->delimiter, '\t');
        CHECK_STR(cli_roster_cell(r, 0, 1), "Li, Si");
        CHECK_STR(cli_roster_cell(r, 0, 2), "a,b");
    }
    cli_roster_free(r);
    r = parse(q, strlen(q), err);
    CHECK(r != NULL);
    if (r) {
        CHECK_EQ_INT(r->delimiter, ',');
        CHECK_EQ_INT(r->n_rows, 3); /* the blank line is skipped */
        CHECK_STR(cli_roster_cell(r, 0, 1), "say \"hi\"");
        CHECK_STR(cli_roster_cell(r, 0, 2), "two\r\nlines");
        CHECK_STR(cli_roster_cell(r, 1, 0), "2");
        CHECK_STR(cli_roster_cell(r, 1, 1), "spaced");
        CHECK_STR(cli_roster_cell(r, 1, 2), "");
        CHECK_STR(cli_roster_cell(r, 2, 0), "3"); /* CR ends a line */
        CHECK_STR(cli_roster_cell(r, 2, 2), "");  /* short row: empty */
        CHECK_EQ_INT(r->line[0], 2);
        CHECK_EQ_INT(r->line[1], 5); /* the quoted line break counts */
        CHECK_EQ_INT(r->line[2], 6);
    }
    cli_roster_free(r);
}

static void expect_error(const char *data, size_t len, const char *words)
{
    char err[256];
    cli_roster *r = parse(data, len, err);
    CHECK(r == NULL);
    CHECK(strstr(err, words) != NULL);
    if (!strstr(err, words))
        fprintf(stderr, "  message: %s\n", err);
    cli_roster_free(r);
}

static void test_errors(void)
{
    expect_error("", 0, "no header");
    expect_error("\r\n  \n", 4, "no header");
    expect_error("id,id\n1,2\n", 10, "two columns are named 'id'");
    expect_error("id,,name\n", 9, "column 2 has no name");
    /* a message stays on one line (found by fuzz_roster_csv) */
    expect_error("\"a\nb\",\"a\nb\"\n", 12, "named 'a?b'");
    expect_error("id,name\n1,a,b\n", 14, "line 2 has 3 fields");
    expect_error("id,name\n1,\"open\n", 16, "line 2: a quoted field");
    expect_error("id\n1\0\n", 5, "NUL");
    expect_error("\xef\xbb\xbfid\n\xff\n", 8, "not UTF-8");
    /* UTF-8 with one stray Latin-1 byte: refused, not read as GB18030
     * (which would turn every name into other characters) */
    expect_error("学号,姓名\n2023001,张三\n2023002,Ren\xe9"
                 "e Li\n",
                 46, "not valid UTF-8 at line 3 byte 12");
    expect_error("id\r\nRen\xe9"
                 "e,张三\r\n",
                 18, "not valid UTF-8 at line 2 byte 4");
}

int main(void)
{
    test_encodings();
    test_tabs_and_quotes();
    test_errors();
    return CHECK_DONE();
}
