/* batch_buf.c - the report writers' buffer, CSV cells, HTML text, base64. */
#include "batch_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_buf_free(cli_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

static int reserve(cli_buf *b, size_t n)
{
    size_t cap = b->cap ? b->cap : 256;
    char *p;
    if (b->oom)
        return -1;
    if (b->len + n + 1 <= b->cap)
        return 0;
    while (cap < b->len + n + 1)
        cap *= 2;
    p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void cli_buf_add(cli_buf *b, const void *data, size_t n)
{
    if (reserve(b, n))
        return;
    memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void cli_buf_str(cli_buf *b, const char *s)
{
    cli_buf_add(b, s, strlen(s));
}

void cli_buf_printf(cli_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n)) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

int cli_fail(char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return -1;
}

const char *cli_oneline(const char *s, char *buf, size_t n)
{
    size_t i = 0;
    for (; n > 0 && s[i] && i + 1 < n; i++)
        buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    if (n > 0)
        buf[i] = '\0';
    return buf;
}

void cli_csv_bom(cli_buf *b)
{
    cli_buf_str(b, "\xEF\xBB\xBF");
}

void cli_csv_cell(cli_buf *b, const char *s, int first)
{
    size_t n = strlen(s);
    int formula = n > 0 && strchr("=+-@\t\r", s[0]) != NULL;
    int quote = strpbrk(s, ",\"\r\n") != NULL ||
                (n > 0 && (s[0] == ' ' || s[n - 1] == ' '));
    if (!first)
        cli_buf_str(b, ",");
    if (quote)
        cli_buf_str(b, "\"");
    if (formula)
        cli_buf_str(b, "'");
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            cli_buf_str(b, "\"\"");
        else
            cli_buf_add(b, p, 1);
    }
    if (quote)
        cli_buf_str(b, "\"");
}

void cli_csv_end(cli_buf *b)
{
    cli_buf_str(b, "\r\n");
}

void cli_csv_row(cli_buf *b, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cli_csv_cell(b, cells[i] ? cells[i] : "", i == 0);
    cli_csv_end(b);
}

void cli_html_text(cli_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            cli_buf_str(b, "&amp;");
            break;
        case '<':
            cli_buf_str(b, "&lt;");
            break;
        case '>':
            cli_buf_str(b, "&gt;");
            break;
        case '"':
            cli_buf_str(b, "&quot;");
            break;
        case '\'':
            cli_buf_str(b, "&#39;");
            break;
        default:
            cli_buf_add(b, s, 1);
        }
    }
}

void cli_base64(cli_buf *b, const uint8_t *d, size_t n)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "abcdefghijklmnopqrstuvwxyz0123456789+/";
    char q[4];
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)d[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)d[i + 1] << 8;
        if (i + 2 < n)
            v |= d[i + 2];
        q[0] = a[(v >> 18) & 63];
        q[1] = a[(v >> 12) & 63];
        q[2] = i + 1 < n ? a[(v >> 6) & 63] : '=';
        q[3] = i + 2 < n ? a[v & 63] : '=';
        cli_buf_add(b, q, 4);
    }
}
