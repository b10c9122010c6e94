/*
 * batch_hash.c - the hashes photo-batch keeps in its records.
 *
 * cli_hash_bytes() is FNV-1a: one byte at a time, for short keys (paths,
 * the settings). The contents of photos and of the files written for them
 * go through cli_hash_data(): FNV-1a spends a dependent multiply on every
 * byte (~4 ms for a 12 MP JPEG, 1.7 % of a batch's CPU), while this one
 * runs four independent 64-bit lanes over 32-byte stripes. Both find any
 * accidental change, not an attacker's. The streaming form (cli_hasher)
 * gives the same value however the bytes are cut into calls, so a file
 * hashed from disk matches the buffer that was written.
 */
#include "batch.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* FNV-1a, 64 bits. */
uint64_t cli_hash_bytes(const void *data, size_t n, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

#define K1 0x9e3779b97f4a7c15ULL /* odd constants with well-mixed bits */
#define K2 0xc2b2ae3d27d4eb4fULL
#define K3 0x165667b19e3779f9ULL

static uint64_t rotl(uint64_t v, int r)
{
    return (v << r) | (v >> (64 - r));
}

static uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v; /* host order: records are not moved between machines */
}

static uint64_t lane(uint64_t v, uint64_t word)
{
    return rotl(v + word * K2, 31) * K1;
}

static void stripe(cli_hasher *s, const unsigned char *p)
{
    for (int k = 0; k < 4; k++)
        s->v[k] = lane(s->v[k], load64(p + 8 * k));
}

void cli_hasher_init(cli_hasher *s)
{
    s->v[0] = K1 + K2;
    s->v[1] = K2;
    s->v[2] = 0;
    s->v[3] = (uint64_t)0 - K1;
    s->total = 0;
    s->n_tail = 0;
}

void cli_hasher_add(cli_hasher *s, const void *data, size_t n)
{
    const unsigned char *p = data;
    s->total += n;
    if (s->n_tail > 0) { /* complete the stripe left over */
        size_t take = sizeof s->tail - s->n_tail;
        take = take < n ? take : n;
        memcpy(s->tail + s->n_tail, p, take);
        s->n_tail += take;
        p += take;
        n -= take;
        if (s->n_tail < sizeof s->tail)
            return;
        stripe(s, s->tail);
        s->n_tail = 0;
    }
    for (; n >= sizeof s->tail; p += sizeof s->tail, n -= sizeof s->tail)
        stripe(s, p);
    memcpy(s->tail, p, n);
    s->n_tail = n;
}

uint64_t cli_hasher_end(const cli_hasher *s)
{
    uint64_t h = rotl(s->v[0], 1) + rotl(s->v[1], 7) + rotl(s->v[2], 12) +
                 rotl(s->v[3], 18);
    size_t i = 0;
    h += s->total * K3;
    for (; i + 8 <= s->n_tail; i += 8)
        h = rotl(h ^ lane(0, load64(s->tail + i)), 27) * K1 + K3;
    for (; i < s->n_tail; i++)
        h = rotl(h ^ s->tail[i] * K3, 11) * K1;
    h ^= h >> 33; /* the usual 64-bit finaliser: every input bit counts */
    h *= K2;
    h ^= h >> 29;
    h *= K3;
    return h ^ (h >> 32);
}

uint64_t cli_hash_data(const void *data, size_t n)
{
    cli_hasher s;
    cli_hasher_init(&s);
    cli_hasher_add(&s, data, n);
    return cli_hasher_end(&s);
}

int cli_hash_file(const char *path, uint64_t *out)
{
    unsigned char buf[65536];
    cli_hasher s;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    struct stat st;
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    cli_hasher_init(&s);
    while ((n = read(fd, buf, sizeof buf)) > 0)
        cli_hasher_add(&s, buf, (size_t)n);
    close(fd);
    if (n < 0)
        return -1;
    *out = cli_hasher_end(&s);
    return 0;
}
