/*
 * batch_resume.c - what makes --resume and --merge-reports safe: a record
 * per photo in OUTPUT_DIR/.photo-batch/ holding the input's hash, the
 * settings' hash, the hash of every file written and the photo's report.
 * A photo is skipped only when all of them still match. The record is a
 * line format of our own (no JSON parser in cli/): "key value" lines,
 * values with \\ \n \r \t escaped, ending in "end".
 */
#include "batch.h"
#include "cli_fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RECORD_MAGIC "idphoto.batch-record/2" /* 2: cli_hash_data */

/* The face model the workers will load, by content: its size and the
 * hash of its first 64 KiB (not its path or mtime, which differ between
 * machines sharing one intake with --shard); 0 when there is none (the
 * run then fails as a setup error). */
static uint64_t model_identity(const cli_common *co)
{
    unsigned char head[65536];
    idp_ctx *ctx = NULL;
    const char *path = NULL;
    uint64_t h = 0;
    struct stat st;
    int fd = -1;
    ssize_t n;
    if (idp_ctx_new(&ctx) == IDP_OK &&
        (!co->model || idp_ctx_set_model(ctx, co->model) == IDP_OK) &&
        idp_ctx_model_path(ctx, &path) == IDP_OK)
        fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd >= 0 && fstat(fd, &st) == 0 &&
        (n = read(fd, head, sizeof head)) >= 0) {
        h = cli_hash_bytes(&st.st_size, sizeof st.st_size, CLI_HASH_SEED);
        h = cli_hash_bytes(head, (size_t)n, h);
    }
    if (fd >= 0)
        close(fd);
    idp_ctx_free(ctx);
    return h;
}

int cli_batch_settings(cli_batch *b)
{
    const cli_batch_opts *o = b->o;
    char text[1024];
    uint64_t pf = 0;
    const idp_rgb *c = &b->mo.background;
    if (o->co.profile && strcmp(b->profile.id, o->co.profile) != 0 &&
        cli_hash_file(o->co.profile, &pf)) {
        cli_error(o->co.profile, "cannot read the profile");
        return CLI_SETUP;
    }
    snprintf(text, sizeof text,
             "idphoto %s|%s|profile %s %016" PRIx64 "|bg %d %d,%d,%d|sheet "
             "%s|cutout %d|max-pixels %llu|full-size %d|model %016" PRIx64,
             idp_version(), o->check_only ? "check" : "make", b->profile.id, pf,
             b->mo.has_background, c->r, c->g, c->b, o->sheet ? o->sheet : "-",
             o->cutout,
             o->co.max_pixels ? o->co.max_pixels : IDP_DEFAULT_MAX_PIXELS,
             o->co.full_size, model_identity(&o->co));
    b->settings = cli_hash_bytes(text, strlen(text), CLI_HASH_SEED);
    if (snprintf(b->state_dir, sizeof b->state_dir, "%s/.photo-batch",
                 o->output_dir) >= (int)sizeof b->state_dir)
        return cli_usage_error("OUTPUT_DIR: path too long");
    return CLI_OK;
}

void cli_record_path(const cli_batch *b, const cli_item *it, const char *ext,
                     char *out, size_t n)
{
    snprintf(out, n, "%s/%016" PRIx64 "%s", b->state_dir, it->key, ext);
}

/* ---- the text ---- */

static void put_escaped(cli_buf *o, const char *s)
{
    for (; s && *s; s++) {
        const char *e = *s == '\\'   ? "\\\\"
                        : *s == '\n' ? "\\n"
                        : *s == '\r' ? "\\r"
                        : *s == '\t' ? "\\t"
                                     : NULL;
        if (e)
            cli_buf_str(o, e);
        else
            cli_buf_add(o, s, 1);
    }
}

static void put_line(cli_buf *o, const char *key, const char *value)
{
    cli_buf_printf(o, "%s ", key);
    put_escaped(o, value);
    cli_buf_str(o, "\n");
}

char *cli_record_format(const cli_item *it, uint64_t settings)
{
    const cli_result *r = &it->res;
    cli_buf o = {NULL, 0, 0, 0};
    cli_buf_str(&o, RECORD_MAGIC "\n");
    put_line(&o, "input", it->path);
    cli_buf_printf(&o,
                   "input_hash %016" PRIx64 "\nsettings %016" PRIx64
                   "\nexit %d\nverdict %d\nthumb %016" PRIx64 "\n",
                   r->input_hash, settings, r->exit_code, r->verdict,
                   r->thumb_hash);
    put_line(&o, "error", r->error ? r->error : "");
    for (size_t i = 0; i < r->n_written; i++) {
        cli_buf_str(&o, "written ");
        put_escaped(&o, r->written[i].rel);
        cli_buf_printf(&o, "\t%016" PRIx64 "\n", r->written[i].hash);
    }
    for (size_t i = 0; i < r->n_reasons; i++) {
        const cli_reason *re = &r->reasons[i];
        cli_buf_printf(&o, "reason %s\t%d\t", re->id, re->status);
        put_escaped(&o, re->zh);
        cli_buf_str(&o, "\t");
        put_escaped(&o, re->en);
        cli_buf_str(&o, "\n");
    }
    put_line(&o, "json", r->json ? r->json : "");
    cli_buf_str(&o, "end\n");
    if (o.oom) {
        cli_buf_free(&o);
        return NULL;
    }
    return o.p;
}

/* Unescape s[0..n) into a new string. */
static char *unescape(const char *s, size_t n)
{
    char *out = malloc(n + 1), *d = out;
    for (size_t i = 0; out && i < n; i++) {
        if (s[i] != '\\' || i + 1 == n) {
            *d++ = s[i];
            continue;
        }
        i++;
        *d++ = s[i] == 'n'   ? '\n'
               : s[i] == 'r' ? '\r'
               : s[i] == 't' ? '\t'
                             : s[i];
    }
    if (out)
        *d = '\0';
    return out;
}

/* The next tab-separated part of a line, unescaped. */
static char *part(const char **p, const char *end)
{
    const char *t = memchr(*p, '\t', (size_t)(end - *p));
    const char *stop = t ? t : end;
    char *s = unescape(*p, (size_t)(stop - *p));
    *p = t ? t + 1 : end;
    return s;
}

static int parse_hex(const char *s, const char *end, uint64_t *v)
{
    char tmp[17];
    char *e;
    if (end - s != 16)
        return -1;
    memcpy(tmp, s, 16);
    tmp[16] = '\0';
    *v = strtoull(tmp, &e, 16);
    return *e ? -1 : 0;
}

static int parse_written(cli_result *r, const char *v, const char *end)
{
    const char *t = memchr(v, '\t', (size_t)(end - v));
    cli_written *w;
    if (!t || r->n_written == CLI_MAX_WRITTEN)
        return -1;
    w = &r->written[r->n_written];
    if (parse_hex(t + 1, end, &w->hash))
        return -1;
    w->rel = unescape(v, (size_t)(t - v));
    if (!w->rel)
        return -1;
    r->n_written++;
    return 0;
}

static int parse_reason(cli_result *r, const char *v, const char *end)
{
    cli_reason *p = realloc(r->reasons, (r->n_reasons + 1) * sizeof *p);
    cli_reason *re;
    char *id, *st;
    if (!p)
        return -1;
    r->reasons = p;
    re = &p[r->n_reasons];
    memset(re, 0, sizeof *re);
    id = part(&v, end);
    st = part(&v, end);
    re->zh = part(&v, end);
    re->en = part(&v, end);
    r->n_reasons++;
    if (!id || !st || !re->zh || !re->en || strlen(id) >= sizeof re->id) {
        free(id);
        free(st);
        return -1;
    }
    memcpy(re->id, id, strlen(id) + 1);
    re->status = st[0] == '2' ? 2 : 1;
    free(id);
    free(st);
    return 0;
}

/* The lines a record must hold once (and may not repeat). */
enum { SEEN_INPUT = 1, SEEN_SETTINGS = 2, SEEN_ERROR = 4, SEEN_JSON = 8 };

/* 1 when line `bit` came before; marks it seen. */
static int again(unsigned *seen, unsigned bit)
{
    int twice = (*seen & bit) != 0;
    *seen |= bit;
    return twice;
}

static int parse_field(cli_item *it, const char *key, size_t klen,
                       const char *v, const char *end, uint64_t settings,
                       unsigned *seen)
{
    cli_result *r = &it->res;
    char *s;
    int rc = 0;
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(key, k, klen) == 0)
    if (KEY("input_hash"))
        return parse_hex(v, end, &r->input_hash);
    if (KEY("thumb"))
        return parse_hex(v, end, &r->thumb_hash);
    if (KEY("settings")) {
        uint64_t h;
        return again(seen, SEEN_SETTINGS) || parse_hex(v, end, &h) ||
                       h != settings
                   ? -1
                   : 0;
    }
    if ((KEY("input") && again(seen, SEEN_INPUT)) ||
        (KEY("error") && again(seen, SEEN_ERROR)) ||
        (KEY("json") && again(seen, SEEN_JSON)))
        return -1;
    if (KEY("written"))
        return parse_written(r, v, end);
    if (KEY("reason"))
        return parse_reason(r, v, end);
    s = unescape(v, (size_t)(end - v));
    if (!s)
        return -1;
    if (KEY("input"))
        rc = strcmp(s, it->path) ? -1 : 0;
    else if (KEY("exit"))
        r->exit_code = (int)strtol(s, NULL, 10);
    else if (KEY("verdict"))
        r->verdict = (int)strtol(s, NULL, 10);
    if (KEY("error") && *s) {
        r->error = s;
        return 0;
    }
    if (KEY("json")) {
        r->json = s;
        return 0;
    }
    free(s);
    return rc;
#undef KEY
}

int cli_record_parse(const char *text, cli_item *it, uint64_t settings)
{
    const char *p = text;
    int ended = 0;
    unsigned seen = 0;
    if (strncmp(p, RECORD_MAGIC "\n", sizeof RECORD_MAGIC) != 0)
        return -1;
    p += sizeof RECORD_MAGIC;
    while (*p && !ended) {
        const char *nl = strchr(p, '\n'), *sp;
        if (!nl)
            return -1;
        if (nl - p == 3 && memcmp(p, "end", 3) == 0) {
            ended = 1;
            break;
        }
        sp = memchr(p, ' ', (size_t)(nl - p));
        if (!sp ||
            parse_field(it, p, (size_t)(sp - p), sp + 1, nl, settings, &seen))
            return -1;
        p = nl + 1;
    }
    return ended && it->res.json &&
                   (seen & (SEEN_INPUT | SEEN_SETTINGS)) ==
                       (SEEN_INPUT | SEEN_SETTINGS)
               ? 0
               : -1;
}

/* ---- on disk ---- */

int cli_record_write(const cli_batch *b, const cli_item *it)
{
    char path[4200], err[4400];
    char *text = cli_record_format(it, b->settings);
    int rc;
    if (!text)
        return -1;
    cli_record_path(b, it, ".rec", path, sizeof path);
    rc = cli_write_atomic(path, (const uint8_t *)text, strlen(text), 1, err,
                          sizeof err);
    if (rc)
        cli_error(NULL, "%s", err);
    free(text);
    return rc;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    cli_buf o = {NULL, 0, 0, 0};
    char buf[8192];
    size_t n;
    if (!f)
        return NULL;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        cli_buf_add(&o, buf, n);
    fclose(f);
    if (o.oom || !o.p) {
        cli_buf_free(&o);
        return NULL;
    }
    return o.p;
}

/* Every file the record names is there, unchanged, where this run would
 * write it. */
static int written_match(const cli_batch *b, const cli_item *it)
{
    const cli_result *r = &it->res;
    char path[8300];
    if (r->n_written > 0 &&
        (!it->output || strcmp(r->written[0].rel, it->output) != 0))
        return 0;
    for (size_t i = 0; i < r->n_written; i++) {
        uint64_t h;
        snprintf(path, sizeof path, "%s/%s", b->o->output_dir,
                 r->written[i].rel);
        if (cli_hash_file(path, &h) || h != r->written[i].hash)
            return 0;
    }
    return 1;
}

int cli_record_restore(const cli_batch *b, cli_item *it)
{
    char path[4200];
    char *text;
    uint64_t h;
    int ok;
    cli_record_path(b, it, ".rec", path, sizeof path);
    text = slurp(path);
    if (!text)
        return 0;
    ok = cli_record_parse(text, it, b->settings) == 0 &&
         cli_hash_file(it->path, &h) == 0 && h == it->res.input_hash &&
         written_match(b, it);
    free(text);
    if (!ok) {
        cli_result_clear(&it->res);
        return 0;
    }
    it->res.state = CLI_RESTORED;
    return 1;
}

/* ---- what a kill leaves behind ---- */

/* "NAME.tmp.XXXXXX" (cli_write_atomic's temporary file): the length of
 * NAME, else 0. */
static size_t temp_prefix(const char *name)
{
    const char *t = strstr(name, ".tmp.");
    while (t && strlen(t) != 11)
        t = strstr(t + 1, ".tmp.");
    return t ? (size_t)(t - name) : 0;
}

/* 1 when dir/name[0..n) is a file an item of this shard writes: its
 * photo, sheet or cutout. */
static int planned(const cli_batch *b, const char *dir, const char *name,
                   size_t n)
{
    char rel[4200], path[8300];
    size_t dl = strlen(dir);
    for (size_t i = 0; i < b->n_items; i++) {
        const cli_item *it = &b->items[i];
        if (!it->output || !it->in_shard)
            continue;
        for (int f = 0; f < CLI_N_FILES; f++) {
            cli_item_file(it, f, rel, sizeof rel);
            snprintf(path, sizeof path, "%s/%s", b->o->output_dir, rel);
            if (strncmp(path, dir, dl) == 0 && strlen(path) == dl + 1 + n &&
                strncmp(path + dl + 1, name, n) == 0)
                return 1;
        }
    }
    return 0;
}

/* 1 when a state folder name is one of this shard's items' (its record
 * or thumbnail: the item's key, then a dot). */
static int own_state(const cli_batch *b, const char *name)
{
    char key[20];
    for (size_t i = 0; i < b->n_items; i++) {
        if (!b->items[i].in_shard)
            continue;
        snprintf(key, sizeof key, "%016" PRIx64 ".", b->items[i].key);
        if (strncmp(name, key, 17) == 0)
            return 1;
    }
    return 0;
}

/* Remove the temporary files of `dir` that this run's writes could have
 * left; never another shard's, which may be writing them now. */
static void sweep_dir(const cli_batch *b, const char *dir, int state)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[8600];
    while (d && (e = readdir(d)) != NULL) {
        size_t n = temp_prefix(e->d_name);
        if (n == 0 ||
            !(state ? own_state(b, e->d_name) : planned(b, dir, e->d_name, n)))
            continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) <
            (int)sizeof path)
            unlink(path);
    }
    if (d)
        closedir(d);
}

/* The folder of an item's output, into dir. */
static void output_dir_of(const cli_batch *b, const char *out, char *dir,
                          size_t n)
{
    const char *slash = strrchr(out, '/');
    int len = slash ? (int)(slash - out) : 0;
    snprintf(dir, n, "%s%s%.*s", b->o->output_dir, slash ? "/" : "", len, out);
}

void cli_batch_sweep(const cli_batch *b)
{
    char dir[4200], prev[4200] = "";
    sweep_dir(b, b->state_dir, 1);
    /* items are sorted by input path, so outputs of one folder mostly
     * follow each other: sweep a folder again only when it changes */
    for (size_t i = 0; i < b->n_items; i++) {
        if (!b->items[i].output || !b->items[i].in_shard)
            continue;
        output_dir_of(b, b->items[i].output, dir, sizeof dir);
        if (strcmp(dir, prev) == 0)
            continue;
        sweep_dir(b, dir, 0);
        memcpy(prev, dir, sizeof prev);
    }
}
