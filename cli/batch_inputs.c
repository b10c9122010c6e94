/*
 * batch_inputs.c - the photos of a batch: a folder walked recursively
 * (symlinks followed, each folder entered once, so a symlink loop ends),
 * or a list of paths (--from-list FILE or -), sorted and deduplicated.
 */
#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

typedef struct walk {
    cli_batch *b;
    size_t cap;
    dev_t *dev; /* folders entered */
    ino_t *ino;
    size_t n_dirs, cap_dirs;
    struct stat out; /* OUTPUT_DIR, skipped when inside */
    int has_out;
} walk;

int cli_batch_is_image_name(const char *name)
{
    static const char *const ext[] = {".jpg",  ".jpeg", ".jpe",  ".png",
                                      ".webp", ".heic", ".heif", ".avif",
                                      ".tif",  ".tiff", ".gif"};
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name)
        return 0;
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++)
        if (strcasecmp(dot, ext[i]) == 0)
            return 1;
    return 0;
}

static int add_item(walk *w, const char *path, const char *rel)
{
    cli_batch *b = w->b;
    cli_item *it;
    if (b->n_items == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        cli_item *p = realloc(b->items, cap * sizeof *p);
        if (!p)
            return -1;
        b->items = p;
        w->cap = cap;
    }
    it = &b->items[b->n_items];
    memset(it, 0, sizeof *it);
    it->row = -1;
    it->path = strdup(path);
    it->rel = strdup(rel);
    if (!it->path || !it->rel) {
        free(it->path);
        free(it->rel);
        return -1;
    }
    b->n_items++;
    return 0;
}

/* 1 when the folder was entered before (a loop or a second link). */
static int seen_dir(walk *w, const struct stat *st)
{
    for (size_t i = 0; i < w->n_dirs; i++)
        if (w->dev[i] == st->st_dev && w->ino[i] == st->st_ino)
            return 1;
    if (w->n_dirs == w->cap_dirs) {
        size_t cap = w->cap_dirs ? w->cap_dirs * 2 : 32;
        dev_t *d = realloc(w->dev, cap * sizeof *d);
        ino_t *i = d ? realloc(w->ino, cap * sizeof *i) : NULL;
        if (d)
            w->dev = d;
        if (!i)
            return 1;
        w->ino = i;
        w->cap_dirs = cap;
    }
    w->dev[w->n_dirs] = st->st_dev;
    w->ino[w->n_dirs++] = st->st_ino;
    return 0;
}

static int walk_dir(walk *w, const char *dir, const char *rel);

/* One directory entry: a folder to enter, a photo to take, or neither. A
 * dangling or looping symlink with an image name is taken: loading it
 * then reports why it cannot be read. */
static int walk_entry(walk *w, const char *path, const char *rel,
                      const char *name)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (w->has_out && st.st_dev == w->out.st_dev &&
            st.st_ino == w->out.st_ino)
            return 0;
        return walk_dir(w, path, rel);
    }
    if (!cli_batch_is_image_name(name))
        return 0;
    return add_item(w, path, rel);
}

static int walk_dir(walk *w, const char *dir, const char *rel)
{
    struct stat st;
    struct dirent *e;
    DIR *d;
    int rc = 0;
    if (stat(dir, &st) != 0 || seen_dir(w, &st))
        return 0;
    d = opendir(dir);
    if (!d) {
        cli_error(dir, "cannot read the folder: %s", strerror(errno));
        w->b->worst = cli_worse(w->b->worst, CLI_INPUT);
        return 0;
    }
    while (rc == 0 && (e = readdir(d)) != NULL) {
        char path[4096], sub[4096];
        if (e->d_name[0] == '.')
            continue; /* ., .., hidden files and .photo-batch */
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >=
                (int)sizeof path ||
            snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "",
                     e->d_name) >= (int)sizeof sub) {
            cli_error(dir, "path too long: %s", e->d_name);
            continue;
        }
        rc = walk_entry(w, path, sub, e->d_name);
    }
    closedir(d);
    return rc < 0 ? -1 : 0;
}

static int read_list(walk *w, const char *list)
{
    FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    if (!f) {
        cli_error(list, "cannot open the list: %s", strerror(errno));
        return CLI_INPUT;
    }
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n > 0 && add_item(w, line, line))
            rc = CLI_INTERNAL;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return rc;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const cli_item *)a)->path, ((const cli_item *)b)->path);
}

static void sort_unique(cli_batch *b)
{
    size_t k = 0;
    if (b->n_items)
        qsort(b->items, b->n_items, sizeof *b->items, by_path);
    for (size_t i = 0; i < b->n_items; i++) {
        if (k > 0 && strcmp(b->items[k - 1].path, b->items[i].path) == 0) {
            free(b->items[i].path);
            free(b->items[i].rel);
            continue;
        }
        b->items[k++] = b->items[i];
    }
    b->n_items = k;
}

int cli_batch_collect(cli_batch *b)
{
    walk w;
    int rc = CLI_OK;
    memset(&w, 0, sizeof w);
    w.b = b;
    w.has_out = stat(b->o->output_dir, &w.out) == 0;
    if (b->o->from_list) {
        rc = read_list(&w, b->o->from_list);
    } else {
        struct stat st;
        if (stat(b->o->input_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            cli_error(b->o->input_dir, "not a folder");
            rc = CLI_INPUT;
        } else if (walk_dir(&w, b->o->input_dir, "") < 0) {
            cli_error(NULL, "out of memory");
            rc = CLI_INTERNAL;
        }
    }
    free(w.dev);
    free(w.ino);
    sort_unique(b);
    return rc;
}

void cli_batch_items_free(cli_batch *b)
{
    for (size_t i = 0; i < b->n_items; i++) {
        cli_item *it = &b->items[i];
        free(it->path);
        free(it->rel);
        free(it->output);
        free(it->problem);
        cli_result_clear(&it->res);
    }
    free(b->items);
    b->items = NULL;
    b->n_items = 0;
}
