/* cli_fs.c - atomic, no-clobber output files for the tools. */
#include "cli_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char *err, size_t n, const char *path, const char *what, int e)
{
    snprintf(err, n, "%s: %s: %s", path, what, strerror(e));
    return -1;
}

static int write_all(int fd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* A temporary file next to `path` (the same file system, so rename is
 * atomic); its name goes to tmp. */
static int open_temp(const char *path, char *tmp, size_t n)
{
    int fd;
    if (snprintf(tmp, n, "%s.tmp.XXXXXX", path) >= (int)n) {
        errno = ENAMETOOLONG;
        return -1;
    }
    fd = mkstemp(tmp);
    if (fd >= 0)
        fchmod(fd, 0644);
    return fd;
}

/* Move tmp into place: rename over (force), or link, which fails when
 * `path` exists, then drop tmp. */
static int publish(const char *tmp, const char *path, int force)
{
    if (force)
        return rename(tmp, path);
    if (link(tmp, path) != 0)
        return -1;
    unlink(tmp);
    return 0;
}

int cli_refuse_existing(const char *path, int force, char *err, size_t err_len)
{
    struct stat sb;
    if (!force && lstat(path, &sb) == 0)
        return fail(err, err_len, path, "exists (use --force to replace)",
                    EEXIST);
    return 0;
}

int cli_write_atomic(const char *path, const uint8_t *data, size_t len,
                     int force, char *err, size_t err_len)
{
    char tmp[4096];
    int fd, e;
    if (cli_refuse_existing(path, force, err, err_len))
        return -1;
    fd = open_temp(path, tmp, sizeof tmp);
    if (fd < 0)
        return fail(err, err_len, path, "cannot create", errno);
    if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        e = errno;
        close(fd);
        unlink(tmp);
        return fail(err, err_len, path, "cannot write", e);
    }
    if (close(fd) != 0 || publish(tmp, path, force) != 0) {
        e = errno;
        unlink(tmp);
        return fail(err, err_len, path,
                    e == EEXIST ? "exists (use --force to replace)"
                                : "cannot write",
                    e);
    }
    return 0;
}

/* The base name of `path` and the dot of its extension in it (NULL when
 * it has none; a leading dot is a hidden file, not an extension). */
static const char *split_name(const char *path, const char **dot)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    *dot = strrchr(base, '.');
    if (*dot == base)
        *dot = NULL;
    return base;
}

int cli_output_path(const char *dir, const char *input, const char *ext,
                    char *out, size_t out_len)
{
    const char *dot, *base = split_name(input, &dot);
    size_t stem = dot ? (size_t)(dot - base) : strlen(base);
    if (snprintf(out, out_len, "%s/%.*s%s", dir, (int)stem, base, ext) >=
        (int)out_len)
        return -1;
    return 0;
}

int cli_suffixed_path(const char *path, const char *suffix, const char *ext,
                      char *out, size_t out_len)
{
    const char *dot;
    int n;
    split_name(path, &dot);
    if (dot)
        n = snprintf(out, out_len, "%.*s%s%s", (int)(dot - path), path, suffix,
                     dot);
    else
        n = snprintf(out, out_len, "%s%s%s", path, suffix, ext);
    return n < 0 || (size_t)n >= out_len ? -1 : 0;
}

int cli_mkdirs_for(const char *path, char *err, size_t err_len)
{
    char dir[4096];
    size_t n = strlen(path);
    if (n >= sizeof dir)
        return fail(err, err_len, path, "cannot create", ENAMETOOLONG);
    memcpy(dir, path, n + 1);
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0755) != 0 && errno != EEXIST)
            return fail(err, err_len, dir, "cannot create the folder", errno);
        *p = '/';
    }
    return 0;
}
