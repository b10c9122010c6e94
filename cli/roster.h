/*
 * roster.h - the roster of students (a CSV file) as a table of UTF-8
 * strings. A pure parser over a memory buffer: no file, no global state,
 * so a fuzz target can drive it (tests/fuzz/fuzz_roster_csv.c).
 */
#ifndef IDP_CLI_ROSTER_H
#define IDP_CLI_ROSTER_H

#include <stddef.h>

typedef struct cli_roster {
    size_t n_cols;     /* columns, from the header row */
    size_t n_rows;     /* data rows (blank lines skipped) */
    char **header;     /* n_cols names */
    char **cells;      /* n_rows * n_cols values, row-major, never NULL */
    size_t *line;      /* the source line where each row starts (1-based) */
    char encoding[16]; /* "utf-8", "gb18030" or "utf-16" */
    char delimiter;    /* ',' or '\t' */
} cli_roster;

/*
 * Parse a roster: UTF-8 (with or without a BOM), UTF-16 with a BOM (as
 * Excel's "Unicode text"), or else GB18030 (which covers GBK and GB2312);
 * text that is mostly UTF-8 (more valid multi-byte sequences than bytes
 * that are not UTF-8) but not all of it is refused ("not valid UTF-8 at
 * line L byte N") rather than read as GB18030 into other characters;
 * comma or tab separated, whichever the header row holds more of outside
 * quotes; RFC 4180 quotes ("a, b", "say ""hi""", line breaks inside);
 * CRLF, LF or CR line ends; spaces around a value are dropped. The first
 * non-blank row names the columns: each name non-empty after trimming and
 * unique. A row may have fewer fields than the header (the rest are empty) but
 * not more non-empty ones. Returns 0 and *out (free with cli_roster_free), or
 * -1 with a message naming the line in err.
 */
int cli_roster_parse(const char *data, size_t len, cli_roster **out, char *err,
                     size_t err_len);
void cli_roster_free(cli_roster *r);

/* The index of the column named `name` (exact match after trimming), or
 * -1. */
long cli_roster_column(const cli_roster *r, const char *name);

/* The first of the comma-separated candidate names that is a column, or
 * -1 ("学号,student_id,id"). */
long cli_roster_guess(const cli_roster *r, const char *candidates);

/* A cell (never NULL). */
const char *cli_roster_cell(const cli_roster *r, size_t row, size_t col);

#endif /* IDP_CLI_ROSTER_H */
