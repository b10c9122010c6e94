/* batch_name.c - output names from templates, made safe. */
#include "batch_name.h"
#include "batch_buf.h"

#include <stdio.h>
#include <string.h>

static int unsafe(unsigned char c)
{
    return c < 0x20 || c == 0x7f || strchr("/\\:*?\"<>|", c) != NULL;
}

typedef struct sink {
    char *p;
    size_t len, cap;
} sink;

static int put(sink *s, char c)
{
    if (s->len + 1 >= s->cap)
        return -1;
    s->p[s->len++] = c;
    s->p[s->len] = '\0';
    return 0;
}

/* A value as part of one file name. */
static int put_value(sink *s, const char *v)
{
    size_t a = 0, z = strlen(v), start = s->len;
    while (a < z && v[a] == ' ')
        a++;
    while (z > a && v[z - 1] == ' ')
        z--;
    for (size_t i = a; i < z; i++) {
        unsigned char c = (unsigned char)v[i];
        char o = unsafe(c) ? '_' : (char)c;
        if (i == a && c == '.')
            o = '_';
        if (put(s, o))
            return -1;
    }
    return s->len > start ? 0 : 1;
}

/* Every folder and the file name: not empty, not . or .., <= 255 bytes. */
static int check_segments(const char *path, char *err, size_t err_len)
{
    const char *p = path;
    if (*p == '/')
        return cli_fail(err, err_len, "'%s' is an absolute path", path);
    for (;;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') ||
            (n == 2 && p[0] == '.' && p[1] == '.'))
            return cli_fail(err, err_len,
                            "'%s': an empty, '.' or '..' part in the name",
                            path);
        if (n > 255)
            return cli_fail(err, err_len,
                            "a part of the name is longer than "
                            "255 bytes");
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

static int field(const char **t, cli_name_lookup fn, void *user, sink *s,
                 char *err, size_t err_len)
{
    const char *name = *t + 1, *close = strchr(name, '}');
    const char *v;
    int rc;
    if (!close)
        return cli_fail(err, err_len, "'{' without '}'");
    v = fn(user, name, (size_t)(close - name));
    if (!v)
        return cli_fail(err, err_len, "{%.*s}: no such column",
                        (int)(close - name), name);
    rc = put_value(s, v);
    if (rc > 0)
        return cli_fail(err, err_len, "{%.*s} is empty", (int)(close - name),
                        name);
    if (rc < 0)
        return cli_fail(err, err_len, "the name is too long");
    *t = close + 1;
    return 0;
}

int cli_name_expand(const char *tpl, cli_name_lookup fn, void *user, char *out,
                    size_t out_len, char *err, size_t err_len)
{
    sink s = {out, 0, out_len};
    const char *t = tpl;
    if (out_len == 0)
        return cli_fail(err, err_len, "no room");
    out[0] = '\0';
    while (*t) {
        if ((t[0] == '{' && t[1] == '{') || (t[0] == '}' && t[1] == '}')) {
            if (put(&s, t[0]))
                return cli_fail(err, err_len, "the name is too long");
            t += 2;
        } else if (*t == '{') {
            if (field(&t, fn, user, &s, err, err_len))
                return -1;
        } else if (*t == '}') {
            return cli_fail(err, err_len, "'}' without '{'");
        } else if (*t == '\\' || put(&s, *t)) {
            return cli_fail(err, err_len,
                            *t == '\\' ? "'\\' in the template"
                                       : "the name is too long");
        } else {
            t++;
        }
    }
    return check_segments(out, err, err_len);
}

typedef struct probe {
    cli_name_lookup fn;
    void *user;
} probe;

static const char *probe_lookup(void *user, const char *name, size_t len)
{
    const probe *p = user;
    return p->fn(p->user, name, len) ? "x" : NULL;
}

int cli_name_check(const char *tpl, cli_name_lookup fn, void *user, char *err,
                   size_t err_len)
{
    char out[4096];
    probe p = {fn, user};
    return cli_name_expand(tpl, probe_lookup, &p, out, sizeof out, err,
                           err_len);
}
