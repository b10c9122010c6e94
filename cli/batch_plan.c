/*
 * batch_plan.c - what happens to each photo before any is opened: its
 * roster row (by file name, --match COLUMN), its output name (--name
 * TEMPLATE), duplicates and unknown photos set aside, the shard.
 */
#include "batch.h"
#include "batch_name.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROSTER_BYTES (256u << 20)

static const char *const guess_match = "学号,student_id,id,考生号,身份证号,"
                                       "id_number";
static const char *const guess_name = "姓名,name,full_name";
static const char *const guess_unit = "学院,办学单位,单位,院系,college,unit,"
                                      "department,school";

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (n == cap) {
            char *p;
            cap = cap ? cap * 2 : 65536;
            p = cap <= MAX_ROSTER_BYTES ? realloc(buf, cap) : NULL;
            if (!p) {
                free(buf);
                fclose(f);
                errno = EFBIG;
                return NULL;
            }
            buf = p;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* A column named by an option, else guessed; -1 when neither. */
static int pick_column(cli_batch *b, const char *opt, const char *given,
                       const char *guesses, long *col)
{
    if (!given) {
        *col = guesses ? cli_roster_guess(b->roster, guesses) : -1;
        return CLI_OK;
    }
    *col = cli_roster_column(b->roster, given);
    if (*col < 0)
        return cli_usage_error("%s: the roster has no column '%s'", opt, given);
    return CLI_OK;
}

static int columns(cli_batch *b)
{
    const cli_batch_opts *o = b->o;
    int rc = pick_column(b, "--match", o->match, guess_match, &b->col_match);
    if (rc == CLI_OK && b->col_match < 0)
        return cli_usage_error("--roster: say which column holds the photo's "
                               "file name with --match COLUMN");
    if (rc == CLI_OK)
        rc = pick_column(b, "--id-column", o->id_col, NULL, &b->col_id);
    if (rc == CLI_OK && b->col_id < 0)
        b->col_id = b->col_match;
    if (rc == CLI_OK)
        rc = pick_column(b, "--name-column", o->name_col, guess_name,
                         &b->col_name);
    if (rc == CLI_OK)
        rc = pick_column(b, "--unit-column", o->unit_col, guess_unit,
                         &b->col_unit);
    return rc;
}

static int by_key(const void *x, const void *y)
{
    const cli_key *a = x, *c = y;
    int d = strcmp(a->key, c->key);
    return d ? d : (a->row > c->row) - (a->row < c->row);
}

/* The roster's keys (--match column) sorted, for bsearch; two rows with
 * one key would make a photo ambiguous. */
static int index_keys(cli_batch *b)
{
    const cli_roster *r = b->roster;
    size_t n = 0;
    b->keys = malloc((r->n_rows ? r->n_rows : 1) * sizeof *b->keys);
    if (!b->keys) {
        cli_error(NULL, "out of memory");
        return CLI_INTERNAL;
    }
    for (size_t i = 0; i < r->n_rows; i++) {
        const char *k = cli_roster_cell(r, i, (size_t)b->col_match);
        if (*k)
            b->keys[n++] = (cli_key){k, (long)i};
    }
    b->n_keys = n;
    qsort(b->keys, n, sizeof *b->keys, by_key);
    for (size_t i = 1; i < n; i++)
        if (strcmp(b->keys[i].key, b->keys[i - 1].key) == 0) {
            char key[256], col[128];
            cli_error(b->o->roster,
                      "lines %zu and %zu both hold '%s' in "
                      "column '%s'",
                      r->line[b->keys[i - 1].row], r->line[b->keys[i].row],
                      cli_oneline(b->keys[i].key, key, sizeof key),
                      cli_oneline(r->header[b->col_match], col, sizeof col));
            return CLI_INPUT;
        }
    return CLI_OK;
}

int cli_batch_load_roster(cli_batch *b)
{
    size_t len = 0;
    char err[512];
    char *data;
    int rc;
    b->col_match = b->col_id = b->col_name = b->col_unit = -1;
    if (!b->o->roster)
        return CLI_OK;
    data = read_file(b->o->roster, &len);
    if (!data) {
        cli_error(b->o->roster, "cannot read the roster: %s", strerror(errno));
        return CLI_INPUT;
    }
    rc = cli_roster_parse(data, len, &b->roster, err, sizeof err);
    free(data);
    if (rc) {
        cli_error(b->o->roster, "%s", err);
        return CLI_INPUT;
    }
    rc = columns(b);
    return rc == CLI_OK ? index_keys(b) : rc;
}

/* ---- naming ---- */

typedef struct fields {
    const cli_batch *b;
    long row;
    const char *stem;
} fields;

static const char *lookup(void *user, const char *name, size_t len)
{
    const fields *f = user;
    const cli_roster *r = f->b->roster;
    for (size_t i = 0; r && i < r->n_cols; i++)
        if (strlen(r->header[i]) == len && memcmp(r->header[i], name, len) == 0)
            return f->row >= 0 ? cli_roster_cell(r, (size_t)f->row, i) : "";
    if (len == 4 && memcmp(name, "stem", 4) == 0)
        return f->stem;
    return NULL;
}

static const char *default_template(const cli_batch *b)
{
    return strcmp(b->profile.format, "png") == 0 ? "{stem}.png" : "{stem}.jpg";
}

/* The file name without folder and extension, into out. */
static void stem_of(const char *path, char *out, size_t n)
{
    const char *base = strrchr(path, '/'), *dot;
    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    if (!dot || dot == base)
        dot = base + strlen(base);
    snprintf(out, n, "%.*s", (int)(dot - base), base);
}

static char *problem(const char *fmt, const char *a, const char *c)
{
    char msg[12000];
    snprintf(msg, sizeof msg, fmt, a, c);
    return strdup(msg);
}

static long find_row(const cli_batch *b, const char *stem)
{
    size_t lo = 0, hi = b->n_keys;
    while (lo < hi) { /* the first key >= stem */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(b->keys[mid].key, stem) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < b->n_keys && strcmp(b->keys[lo].key, stem) == 0
               ? b->keys[lo].row
               : -1;
}

static void name_item(const cli_batch *b, cli_item *it)
{
    char stem[1024], out[4096], err[4600];
    fields f = {b, -1, stem};
    stem_of(it->path, stem, sizeof stem);
    if (b->roster) {
        it->row = find_row(b, stem);
        f.row = it->row;
        if (it->row < 0) {
            char col[128];
            it->problem = problem(
                "no roster entry has '%s' in column '%s'", stem,
                cli_oneline(b->roster->header[b->col_match], col, sizeof col));
            return;
        }
    }
    if (b->o->check_only)
        return;
    if (cli_name_expand(b->o->name_tpl ? b->o->name_tpl : default_template(b),
                        lookup, &f, out, sizeof out, err, sizeof err))
        it->problem = problem("cannot name the output: %s%s", err, "");
    else
        it->output = strdup(out);
}

int cli_batch_check_template(const cli_batch *b)
{
    char err[4600];
    fields f = {b, -1, "x"};
    if (!b->o->name_tpl)
        return CLI_OK;
    if (b->o->check_only)
        return cli_usage_error("--name names outputs; --check-only makes "
                               "none");
    if (cli_name_check(b->o->name_tpl, lookup, &f, err, sizeof err))
        return cli_usage_error("--name '%s': %s", b->o->name_tpl, err);
    return CLI_OK;
}

/* ---- duplicates ---- */

/* What two photos must not share: the output, or (checking only) the
 * student; "" for a photo already set aside. */
static int by_target(const void *x, const void *y)
{
    const cli_item *a = *(const cli_item *const *)x;
    const cli_item *c = *(const cli_item *const *)y;
    if (a->output && c->output)
        return strcmp(a->output, c->output);
    if (a->row != c->row)
        return a->row < c->row ? -1 : 1;
    return strcmp(a->path, c->path);
}

static int same_target(const cli_item *a, const cli_item *c)
{
    if (a->problem || c->problem)
        return 0;
    if (a->output && c->output)
        return strcmp(a->output, c->output) == 0;
    return a->row >= 0 && a->row == c->row;
}

/* Each photo of a group sharing a target names another of the group. */
static void mark_duplicates(cli_batch *b)
{
    cli_item **v = malloc((b->n_items ? b->n_items : 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; v && i < b->n_items; i++)
        if (!b->items[i].problem)
            v[n++] = &b->items[i];
    if (v && n)
        qsort(v, n, sizeof *v, by_target);
    for (size_t i = 0; v && i < n; i++) {
        const cli_item *other = NULL;
        if (i > 0 && same_target(v[i - 1], v[i]))
            other = v[i - 1];
        else if (i + 1 < n && same_target(v[i], v[i + 1]))
            other = v[i + 1];
        if (other)
            v[i]->dup_of = other;
    }
    for (size_t i = 0; v && i < n; i++)
        if (v[i]->dup_of)
            v[i]->problem =
                problem("'%s' is for the same %s", v[i]->dup_of->path,
                        v[i]->output ? "output" : "student");
    free(v);
}

/* The first photo (in path order) of each roster row. */
static int index_rows(cli_batch *b)
{
    if (!b->roster)
        return CLI_OK;
    b->by_row = calloc(b->roster->n_rows + 1, sizeof *b->by_row);
    if (!b->by_row) {
        cli_error(NULL, "out of memory");
        return CLI_INTERNAL;
    }
    for (size_t i = b->n_items; i-- > 0;)
        if (b->items[i].row >= 0)
            b->by_row[b->items[i].row] = &b->items[i];
    return CLI_OK;
}

int cli_batch_plan(cli_batch *b)
{
    for (size_t i = 0; i < b->n_items; i++) {
        cli_item *it = &b->items[i];
        it->key = cli_hash_bytes(it->path, strlen(it->path), CLI_HASH_SEED);
        it->in_shard =
            !b->o->shard_n || it->key % b->o->shard_n == b->o->shard_k - 1;
        name_item(b, it);
    }
    mark_duplicates(b);
    return index_rows(b);
}
