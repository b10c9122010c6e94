/*
 * roster.c - the roster CSV parser: detect the encoding (UTF-8 with or
 * without a BOM, UTF-16 with a BOM, else GB18030) and convert to UTF-8,
 * pick the delimiter from the header row, split RFC 4180 fields.
 */
#include "roster.h"
#include "batch_buf.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS  256
#define MAX_CELLS 10000000u

static const char empty[] = "";

/* Length of the valid UTF-8 prefix of s[0..n). */
static size_t utf8_valid_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i], lo = 0x80, hi = 0xBF;
        size_t k;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            k = 1;
        else if (c >= 0xE0 && c <= 0xEF)
            k = 2;
        else if (c >= 0xF0 && c <= 0xF4)
            k = 3;
        else
            return i;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
        else if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
        if (i + k >= n || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t j = 2; j <= k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return i;
        i += k + 1;
    }
    return n;
}

/* How much of s[0..n) reads as UTF-8: the valid multi-byte sequences
 * into *good, the offset of the first byte that is not UTF-8 into
 * *first_bad; returns the count of such bytes (each skipped alone). */
static size_t utf8_census(const unsigned char *s, size_t n, size_t *good,
                          size_t *first_bad)
{
    size_t i = 0, bad = 0;
    *good = 0;
    while (i < n) {
        size_t ok = utf8_valid_prefix(s + i, n - i);
        /* count the multi-byte sequences of the valid run */
        for (size_t j = i; j < i + ok; j++)
            *good += (s[j] & 0xC0) == 0xC0;
        i += ok;
        if (i == n)
            break;
        if (bad++ == 0)
            *first_bad = i;
        i++;
    }
    return bad;
}

/* Line and byte in that line (both 1-based) of offset `at`, inside s: a line
 * ends at LF, CRLF or a lone CR, as the parser reads them. */
static void position(const unsigned char *s, size_t at, size_t *line,
                     size_t *byte)
{
    size_t start = 0;
    *line = 1;
    for (size_t i = 0; i < at; i++) {
        if (s[i] == '\n' || (s[i] == '\r' && s[i + 1] != '\n')) {
            (*line)++;
            start = i + 1;
        }
    }
    *byte = at - start + 1;
}

/* in[0..len) from `from` to UTF-8 into a new NUL-terminated buffer. */
static char *convert(const char *from, const char *in, size_t len,
                     size_t *out_len)
{
    iconv_t cd = iconv_open("UTF-8", from);
    size_t cap = len * 2 + 16, left = cap - 1, in_left = len;
    char *buf, *dst, *src = (char *)(uintptr_t)in;
    if (cd == (iconv_t)-1)
        return NULL;
    buf = malloc(cap);
    dst = buf;
    while (buf && in_left > 0) {
        if (iconv(cd, &src, &in_left, &dst, &left) != (size_t)-1)
            continue;
        if (errno != E2BIG)
            break;
        size_t used = (size_t)(dst - buf);
        char *bigger = realloc(buf, cap * 2);
        if (!bigger)
            break;
        buf = bigger;
        dst = buf + used;
        left += cap;
        cap *= 2;
    }
    iconv_close(cd);
    if (!buf || in_left > 0) {
        free(buf);
        return NULL;
    }
    *dst = '\0';
    *out_len = (size_t)(dst - buf);
    return buf;
}

static char *copy(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

/* The text as UTF-8 (NUL-terminated, no NUL inside) and its encoding. */
static char *decode(const char *data, size_t len, size_t *n, char *enc,
                    char *err, size_t err_len)
{
    const unsigned char *u = (const unsigned char *)data;
    size_t good = 0, bad = 0, first_bad = 0;
    char *text;
    if (len >= 2 &&
        ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        text = convert(u[0] == 0xFF ? "UTF-16LE" : "UTF-16BE", data + 2,
                       len - 2, n);
        snprintf(enc, 16, "utf-16");
    } else if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        size_t ok = utf8_valid_prefix(u + 3, len - 3);
        if (ok < len - 3) {
            cli_fail(err, err_len,
                     "starts with a UTF-8 BOM but byte %zu is not "
                     "UTF-8",
                     ok + 4);
            return NULL;
        }
        text = copy(data + 3, len - 3);
        *n = len - 3;
        snprintf(enc, 16, "utf-8");
    } else if ((bad = utf8_census(u, len, &good, &first_bad)) == 0) {
        text = copy(data, len);
        *n = len;
        snprintf(enc, 16, "utf-8");
    } else if (good > bad) {
        /* mostly UTF-8 with a stray byte (Latin-1 pasted in): read as
         * GB18030 it would turn into other characters without an error.
         * (GB18030 text holds a few valid UTF-8 pairs by chance, 学 is
         * D1 A7, but far fewer than bytes that are not UTF-8.) */
        size_t line, byte;
        position(u, first_bad, &line, &byte);
        cli_fail(err, err_len, "not valid UTF-8 at line %zu byte %zu", line,
                 byte);
        return NULL;
    } else {
        text = convert("GB18030", data, len, n);
        snprintf(enc, 16, "gb18030");
    }
    if (!text) {
        cli_fail(err, err_len, "neither UTF-8, UTF-16 with a BOM nor GB18030");
        return NULL;
    }
    if (strlen(text) != *n) {
        free(text);
        cli_fail(err, err_len, "holds a NUL character (not a text file?)");
        return NULL;
    }
    return text;
}

/* ---- fields ---- */

typedef struct field_buf {
    char *p;
    size_t len, cap;
} field_buf;

static int fb_add(field_buf *b, char c)
{
    if (b->len + 1 >= b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        char *p = realloc(b->p, cap);
        if (!p)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
    return 0;
}

typedef struct row_buf {
    char **f;
    size_t n, cap;
} row_buf;

static void row_clear(row_buf *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->f[i] != empty)
            free(r->f[i]);
    r->n = 0;
}

/* Spaces around a value are dropped; tabs are kept (a tab-separated file
 * may hold one, quoted), so the same text parses alike either way. */
static int is_space(char c)
{
    return c == ' ';
}

/* Trim spaces and store as a field. */
static int row_push(row_buf *r, const field_buf *b)
{
    const char *s = b->p ? b->p : empty;
    size_t a = 0, z = b->len;
    char *f;
    while (a < z && is_space(s[a]))
        a++;
    while (z > a && is_space(s[z - 1]))
        z--;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        char **p = realloc(r->f, cap * sizeof *p);
        if (!p)
            return -1;
        r->f = p;
        r->cap = cap;
    }
    f = z > a ? copy(s + a, z - a) : (char *)(uintptr_t)empty;
    if (!f)
        return -1;
    r->f[r->n++] = f;
    return 0;
}

typedef struct scanner {
    const char *p, *end;
    char delim;
    size_t line; /* current line, 1-based */
} scanner;

/* One record into row: 1 read, 0 at the end, -1 out of memory, -2 a
 * quote left open. */
static int read_record(scanner *s, row_buf *row)
{
    field_buf b = {NULL, 0, 0};
    int quoted = 0, rc = 1;
    if (s->p >= s->end)
        return 0;
    row_clear(row);
    for (;;) {
        char c = s->p < s->end ? *s->p : '\0';
        int at_end = s->p >= s->end;
        if (quoted) {
            if (at_end) {
                rc = -2;
                break;
            }
            s->p++;
            if (c == '"' && s->p < s->end && *s->p == '"')
                s->p++;
            else if (c == '"') {
                quoted = 0;
                continue;
            }
            if (c == '\n' || (c == '\r' && (s->p >= s->end || *s->p != '\n')))
                s->line++;
            if (fb_add(&b, c)) {
                rc = -1;
                break;
            }
            continue;
        }
        if (at_end || c == '\n' || c == '\r' || c == s->delim) {
            if (row_push(row, &b)) {
                rc = -1;
                break;
            }
            b.len = 0;
            if (b.p)
                b.p[0] = '\0';
            if (at_end)
                break;
            s->p++;
            if (c == s->delim)
                continue;
            if (c == '\r' && s->p < s->end && *s->p == '\n')
                s->p++;
            s->line++;
            break;
        }
        s->p++;
        if (c == '"' && b.len == 0)
            quoted = 1; /* a quote opens only at the start of a field */
        else if (fb_add(&b, c)) {
            rc = -1;
            break;
        }
    }
    free(b.p);
    return rc;
}

static int row_blank(const row_buf *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->f[i][0])
            return 0;
    return 1;
}

/* Comma or tab: whichever the first non-blank line holds more of outside
 * quotes (comma on a tie). */
static char pick_delimiter(const char *p, const char *end)
{
    size_t commas = 0, tabs = 0;
    int quoted = 0, seen = 0;
    for (; p < end; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (!quoted && (*p == '\n' || *p == '\r') && seen)
            break;
        else if (!quoted && *p == ',')
            commas++;
        else if (!quoted && *p == '\t')
            tabs++;
        if (*p != '\n' && *p != '\r' && *p != ' ')
            seen = 1;
    }
    return tabs > commas ? '\t' : ',';
}

/* ---- the table ---- */

void cli_roster_free(cli_roster *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_cols && r->header; i++)
        free(r->header[i]);
    for (size_t i = 0; r->cells && i < r->n_rows * r->n_cols; i++)
        if (r->cells[i] != empty)
            free(r->cells[i]);
    free(r->header);
    free(r->cells);
    free(r->line);
    free(r);
}

static int take_header(cli_roster *r, row_buf *row, size_t line, char *err,
                       size_t err_len)
{
    char name[128];
    if (row->n > MAX_COLS)
        return cli_fail(err, err_len, "line %zu: more than %d columns", line,
                        MAX_COLS);
    for (size_t i = 0; i < row->n; i++) {
        if (!row->f[i][0])
            return cli_fail(err, err_len, "line %zu: column %zu has no name",
                            line, i + 1);
        for (size_t k = 0; k < i; k++)
            if (strcmp(row->f[i], row->f[k]) == 0)
                return cli_fail(err, err_len,
                                "line %zu: two columns are named '%s'", line,
                                cli_oneline(row->f[i], name, sizeof name));
    }
    r->header = row->f;
    r->n_cols = row->n;
    row->f = NULL;
    row->n = row->cap = 0;
    return 0;
}

static int grow_rows(cli_roster *r, size_t *cap)
{
    size_t ncap = *cap ? *cap * 2 : 64;
    char **cells;
    size_t *line;
    if (ncap * r->n_cols > MAX_CELLS)
        ncap = MAX_CELLS / r->n_cols;
    if (ncap <= r->n_rows)
        return -2;
    cells = realloc(r->cells, ncap * r->n_cols * sizeof *cells);
    if (!cells)
        return -1;
    r->cells = cells;
    line = realloc(r->line, ncap * sizeof *line);
    if (!line)
        return -1;
    r->line = line;
    *cap = ncap;
    return 0;
}

static int take_row(cli_roster *r, row_buf *row, size_t line, size_t *cap,
                    char *err, size_t err_len)
{
    char **dst;
    for (size_t i = r->n_cols; i < row->n; i++)
        if (row->f[i][0])
            return cli_fail(err, err_len,
                            "line %zu has %zu fields, the header names %zu",
                            line, row->n, r->n_cols);
    if (r->n_rows == *cap) {
        int g = grow_rows(r, cap);
        if (g == -2)
            return cli_fail(err, err_len, "more than %u cells", MAX_CELLS);
        if (g)
            return cli_fail(err, err_len, "out of memory");
    }
    dst = r->cells + r->n_rows * r->n_cols;
    for (size_t i = 0; i < r->n_cols; i++) {
        dst[i] = i < row->n ? row->f[i] : (char *)(uintptr_t)empty;
        if (i < row->n)
            row->f[i] = (char *)(uintptr_t)empty;
    }
    r->line[r->n_rows++] = line;
    return 0;
}

static int parse_text(cli_roster *r, const char *text, size_t n, char *err,
                      size_t err_len)
{
    scanner s = {text, text + n, pick_delimiter(text, text + n), 1};
    row_buf row = {NULL, 0, 0};
    size_t cap = 0;
    int rc = 0;
    r->delimiter = s.delim;
    for (;;) {
        size_t line = s.line;
        int got = read_record(&s, &row);
        if (got == 0)
            break;
        if (got < 0) {
            rc = got == -1
                     ? cli_fail(err, err_len, "out of memory")
                     : cli_fail(err, err_len,
                                "line %zu: a quoted field is never closed",
                                line);
            break;
        }
        if (row_blank(&row))
            continue;
        rc = r->header ? take_row(r, &row, line, &cap, err, err_len)
                       : take_header(r, &row, line, err, err_len);
        if (rc)
            break;
    }
    row_clear(&row);
    free(row.f);
    if (!rc && !r->header)
        rc = cli_fail(err, err_len, "no header row (the file is empty)");
    return rc;
}

int cli_roster_parse(const char *data, size_t len, cli_roster **out, char *err,
                     size_t err_len)
{
    cli_roster *r = calloc(1, sizeof *r);
    size_t n = 0;
    char *text;
    int rc;
    *out = NULL;
    if (!r)
        return cli_fail(err, err_len, "out of memory");
    text = decode(data, len, &n, r->encoding, err, err_len);
    if (!text) {
        free(r);
        return -1;
    }
    rc = parse_text(r, text, n, err, err_len);
    free(text);
    if (rc) {
        cli_roster_free(r);
        return -1;
    }
    *out = r;
    return 0;
}

long cli_roster_column(const cli_roster *r, const char *name)
{
    for (size_t i = 0; i < r->n_cols; i++)
        if (strcmp(r->header[i], name) == 0)
            return (long)i;
    return -1;
}

long cli_roster_guess(const cli_roster *r, const char *candidates)
{
    const char *p = candidates;
    while (*p) {
        size_t n = strcspn(p, ",");
        for (size_t i = 0; i < r->n_cols; i++)
            if (strlen(r->header[i]) == n && strncmp(r->header[i], p, n) == 0)
                return (long)i;
        p += n;
        if (*p)
            p++;
    }
    return -1;
}

const char *cli_roster_cell(const cli_roster *r, size_t row, size_t col)
{
    return r->cells[row * r->n_cols + col];
}
