/*
 * batch_buf.h - a growable byte buffer for the reports, and what the
 * report writers put in it: CSV cells for Excel, HTML text, base64.
 */
#ifndef IDP_CLI_BATCH_BUF_H
#define IDP_CLI_BATCH_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct cli_buf {
    char *p;    /* NUL-terminated when not NULL */
    size_t len; /* bytes, without the NUL */
    size_t cap;
    int oom; /* an append failed: the buffer is incomplete */
} cli_buf;

void cli_buf_free(cli_buf *b);
void cli_buf_add(cli_buf *b, const void *data, size_t n);
void cli_buf_str(cli_buf *b, const char *s);
void cli_buf_printf(cli_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A message into a caller's buffer err[0..n) (parsers that do not print);
 * returns -1, so `return cli_fail(err, n, "...")` fails in one line. */
int cli_fail(char *err, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* s for a one-line message: control characters (a line break in a quoted
 * CSV field, ...) become '?'; cut to fit buf[0..n). Returns buf. */
const char *cli_oneline(const char *s, char *buf, size_t n);

/* ---- CSV that Excel opens correctly (UTF-8 with a BOM, CRLF) ---- */

/* The UTF-8 byte order mark that tells Excel the encoding. */
void cli_csv_bom(cli_buf *b);
/* One cell; `first` for the first of a row (no separator before it).
 * Quoted when it holds a comma, quote, CR or LF or starts or ends with a
 * space; a cell starting with = + - @ (or a tab or CR) gets a leading
 * apostrophe, so Excel shows it as text and never runs it as a formula. */
void cli_csv_cell(cli_buf *b, const char *s, int first);
/* The end of a row: CRLF. */
void cli_csv_end(cli_buf *b);
/* A whole row of n cells. */
void cli_csv_row(cli_buf *b, const char *const *cells, size_t n);

/* ---- HTML ---- */

/* Text with & < > " ' escaped (for element text and quoted attributes). */
void cli_html_text(cli_buf *b, const char *s);

/* Base64 (RFC 4648, padded) of data[0..n). */
void cli_base64(cli_buf *b, const uint8_t *data, size_t n);

#endif /* IDP_CLI_BATCH_BUF_H */
