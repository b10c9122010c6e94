/*
 * fuzz_roster_csv.c - the roster parser, cli_roster_parse(), on any bytes:
 * encodings (UTF-8 with or without a BOM, UTF-16 with a BOM, GB18030),
 * delimiters, quotes, line ends, ragged rows.
 *
 * Invariants (a break aborts; see fuzz.h): refused means *out NULL and a
 * one-line message; parsed means at least one column, every header name
 * non-empty and unique, every name and cell valid UTF-8 without NUL, row
 * lines increasing from 1; and the table written back as CSV (every field
 * quoted, comma separated, UTF-8) parses to the same table.
 */
#include "fuzz.h"

#include "batch_buf.h"
#include "roster.h"

#include <stdint.h>
#include <string.h>

static int valid(const char *s)
{
    return fuzz_utf8_valid((const unsigned char *)s, strlen(s));
}

static void quoted(cli_buf *o, const char *s, int first)
{
    if (!first)
        cli_buf_str(o, ",");
    cli_buf_str(o, "\"");
    for (; *s; s++)
        cli_buf_add(o, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
    cli_buf_str(o, "\"");
}

static void write_back(const cli_roster *r, cli_buf *o)
{
    for (size_t i = 0; i < r->n_cols; i++)
        quoted(o, r->header[i], i == 0);
    cli_buf_str(o, "\r\n");
    for (size_t k = 0; k < r->n_rows; k++) {
        for (size_t i = 0; i < r->n_cols; i++)
            quoted(o, cli_roster_cell(r, k, i), i == 0);
        cli_buf_str(o, "\n");
    }
}

static int blank_row(const cli_roster *r, size_t k)
{
    for (size_t i = 0; i < r->n_cols; i++)
        if (cli_roster_cell(r, k, i)[0])
            return 0;
    return 1;
}

static void check_table(const cli_roster *r)
{
    FUZZ_CHECK(r->n_cols >= 1);
    FUZZ_CHECK(r->delimiter == ',' || r->delimiter == '\t');
    for (size_t i = 0; i < r->n_cols; i++) {
        FUZZ_CHECK(r->header[i][0] != '\0' && valid(r->header[i]));
        for (size_t k = 0; k < i; k++)
            FUZZ_CHECK(strcmp(r->header[i], r->header[k]) != 0);
        FUZZ_CHECK(cli_roster_column(r, r->header[i]) <= (long)i);
    }
    for (size_t k = 0; k < r->n_rows; k++) {
        FUZZ_CHECK(r->line[k] >= 1);
        FUZZ_CHECK(k == 0 || r->line[k] > r->line[k - 1]);
        FUZZ_CHECK(!blank_row(r, k));
        for (size_t i = 0; i < r->n_cols; i++)
            FUZZ_CHECK(valid(cli_roster_cell(r, k, i)));
    }
}

static void check_round_trip(const cli_roster *r)
{
    cli_buf o = {NULL, 0, 0, 0};
    cli_roster *back = NULL;
    char err[256];
    write_back(r, &o);
    FUZZ_CHECK(!o.oom);
    FUZZ_CHECK(cli_roster_parse(o.p, o.len, &back, err, sizeof err) == 0);
    FUZZ_CHECK(back->n_cols == r->n_cols && back->n_rows == r->n_rows);
    for (size_t i = 0; i < r->n_cols; i++)
        FUZZ_CHECK(strcmp(back->header[i], r->header[i]) == 0);
    for (size_t k = 0; k < r->n_rows; k++)
        for (size_t i = 0; i < r->n_cols; i++)
            FUZZ_CHECK(strcmp(cli_roster_cell(back, k, i),
                              cli_roster_cell(r, k, i)) == 0);
    cli_roster_free(back);
    cli_buf_free(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cli_roster *r = (cli_roster *)(uintptr_t)data; /* parse resets it */
    char err[256] = "";
    if (cli_roster_parse((const char *)data, size, &r, err, sizeof err)) {
        FUZZ_CHECK(r == NULL);
        FUZZ_CHECK(err[0] != '\0' && strchr(err, '\n') == NULL);
        return 0;
    }
    FUZZ_CHECK(r != NULL);
    check_table(r);
    check_round_trip(r);
    cli_roster_free(r);
    return 0;
}
