/*
 * shape_model.c - the compact face model: map it read-only, validate it
 * (size, magic, version, counts, meta checksum, the bounds of every index)
 * before anything reads it. The format is in shape_model.h.
 */
#include "shape_model.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(sizeof(idp__model_header) == 88 &&
                   sizeof(idp__model_header) <= IDP__MODEL_HEADER_SIZE,
               "the header layout of shape_model.h");

static idp_status model_fail(char *err, size_t err_len, const char *fmt, ...)
    IDP__PRINTF(3, 4);

static idp_status model_fail(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;
    if (err && err_len) {
        va_start(ap, fmt);
        vsnprintf(err, err_len, fmt, ap);
        va_end(ap);
    }
    return IDP_E_MODEL;
}

uint64_t idp__fnv1a64(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

int idp__model_is_compact(const uint8_t *head, size_t n)
{
    return n >= 8 && memcmp(head, IDP__MODEL_MAGIC, 8) == 0;
}

static uint64_t align8(uint64_t x)
{
    return (x + 7u) & ~(uint64_t)7u;
}

int idp__model_layout_of(const idp__model_header *h, idp__model_layout *l)
{
    uint64_t leaves, splits;
    if (h->parts == 0 || h->parts > 1000 || h->cascades == 0 ||
        h->cascades > 1000 || h->trees == 0 ||
        h->trees > IDP__MODEL_MAX_COUNT || h->depth == 0 ||
        h->depth > IDP__MODEL_MAX_DEPTH || h->pixels == 0 ||
        h->pixels > IDP__MODEL_MAX_PIXELS ||
        h->detector_bytes > ((uint64_t)1 << 32))
        return -1;
    leaves = (uint64_t)1 << h->depth;
    splits = (uint64_t)h->cascades * h->trees * (leaves - 1);
    l->shape = IDP__MODEL_HEADER_SIZE;
    l->anchors = align8(l->shape + 8u * h->parts);
    l->deltas = align8(l->anchors + 4u * (uint64_t)h->cascades * h->pixels);
    l->splits = align8(l->deltas + 8u * (uint64_t)h->cascades * h->pixels);
    l->detector = align8(l->splits + sizeof(idp__model_split) * splits);
    l->leaves = align8(l->detector + h->detector_bytes);
    l->end =
        l->leaves + (uint64_t)h->cascades * h->trees * leaves * 8u * h->parts;
    return 0;
}

uint64_t idp__model_meta_checksum(const uint8_t *file,
                                  const idp__model_layout *l)
{
    idp__model_header h;
    uint64_t sum;
    memcpy(&h, file, sizeof h);
    h.meta_checksum = 0;
    h.leaf_checksum = 0;
    sum = idp__fnv1a64(IDP__FNV_OFFSET, &h, sizeof h);
    return idp__fnv1a64(sum, file + sizeof h, (size_t)(l->leaves - sizeof h));
}

static int host_is_little_endian(void)
{
    const uint32_t one = 1;
    uint8_t b;
    memcpy(&b, &one, 1);
    return b == 1;
}

static idp_status check_header(const uint8_t *base, size_t size,
                               idp__model_header *h, idp__model_layout *l,
                               char *err, size_t err_len)
{
    if (!host_is_little_endian())
        return model_fail(err, err_len, "little-endian hosts only");
    if (size < sizeof *h || !idp__model_is_compact(base, size))
        return model_fail(err, err_len, "not an idphoto face model");
    memcpy(h, base, sizeof *h);
    if (h->version != IDP__MODEL_VERSION)
        return model_fail(err, err_len, "format version %u, expected %u",
                          h->version, IDP__MODEL_VERSION);
    if (h->header_size != IDP__MODEL_HEADER_SIZE ||
        idp__model_layout_of(h, l) != 0)
        return model_fail(err, err_len, "impossible counts in the header");
    if (h->parts != IDP_LANDMARKS)
        return model_fail(err, err_len, "%u landmarks, expected %d", h->parts,
                          IDP_LANDMARKS);
    if (h->file_size != size || l->end != size)
        return model_fail(err, err_len,
                          "%zu bytes, the header says %llu (truncated?)", size,
                          (unsigned long long)l->end);
    if (idp__model_meta_checksum(base, l) != h->meta_checksum)
        return model_fail(err, err_len, "checksum mismatch (corrupt file)");
    return IDP_OK;
}

/* Every index a prediction follows must stay inside its array. */
static idp_status check_indices(const idp__shape_model *m, char *err,
                                size_t err_len)
{
    const idp__model_header *h = &m->h;
    size_t n_anchor = (size_t)h->cascades * h->pixels;
    size_t n_split = (size_t)h->cascades * h->trees * (m->leaves - 1);
    for (size_t i = 0; i < n_anchor; i++)
        if (m->anchors[i] >= h->parts)
            return model_fail(err, err_len, "anchor %zu out of range", i);
    for (size_t i = 0; i < n_split; i++)
        if (m->splits[i].idx1 >= h->pixels || m->splits[i].idx2 >= h->pixels)
            return model_fail(err, err_len, "split %zu out of range", i);
    return IDP_OK;
}

idp_status idp__shape_model_bind(const uint8_t *base, size_t size,
                                 idp__shape_model *m, char *err, size_t err_len)
{
    idp__model_layout l;
    idp_status st = check_header(base, size, &m->h, &l, err, err_len);
    if (st != IDP_OK)
        return st;
    m->base = base;
    m->size = size;
    m->leaves = 1u << m->h.depth;
    m->initial = (const float *)(const void *)(base + l.shape);
    m->anchors = (const uint32_t *)(const void *)(base + l.anchors);
    m->deltas = (const float *)(const void *)(base + l.deltas);
    m->splits = (const idp__model_split *)(const void *)(base + l.splits);
    m->detector = base + l.detector;
    m->leaf_values = (const float *)(const void *)(base + l.leaves);
    return check_indices(m, err, err_len);
}

static idp_status map_file(const char *path, const uint8_t **base, size_t *size,
                           char *err, size_t err_len)
{
    struct stat sb;
    void *p;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return model_fail(err, err_len, "%s: %s", path, strerror(errno));
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0) {
        close(fd);
        return model_fail(err, err_len, "%s: not a regular model file", path);
    }
    p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return model_fail(err, err_len, "%s: cannot map: %s", path,
                          strerror(errno));
    *base = p;
    *size = (size_t)sb.st_size;
    return IDP_OK;
}

static void unmap(const uint8_t *base, size_t size)
{
    void *p;
    memcpy(&p, &base, sizeof p); /* munmap takes a non-const pointer */
    munmap(p, size);
}

idp_status idp__shape_model_open(const char *path, idp__shape_model **out,
                                 char *err, size_t err_len)
{
    const uint8_t *base = NULL;
    size_t size = 0;
    char why[256];
    idp__shape_model *m;
    idp_status st;
    *out = NULL;
    st = map_file(path, &base, &size, err, err_len);
    if (st != IDP_OK)
        return st;
    m = calloc(1, sizeof *m);
    if (!m) {
        unmap(base, size);
        return IDP_E_NOMEM;
    }
    st = idp__shape_model_bind(base, size, m, why, sizeof why);
    if (st != IDP_OK) {
        m->base = base; /* close() unmaps it */
        m->size = size;
        idp__shape_model_close(m);
        return model_fail(err, err_len, "%s: invalid face model: %s", path,
                          why);
    }
    *out = m;
    return IDP_OK;
}

void idp__shape_model_close(idp__shape_model *m)
{
    if (!m)
        return;
    if (m->base)
        unmap(m->base, m->size);
    free(m);
}

idp_status idp__shape_model_verify_leaves(const idp__shape_model *m, char *err,
                                          size_t err_len)
{
    size_t off = (size_t)((const uint8_t *)m->leaf_values - m->base);
    uint64_t sum = idp__fnv1a64(IDP__FNV_OFFSET, m->leaf_values, m->size - off);
    if (sum != m->h.leaf_checksum)
        return model_fail(err, err_len, "leaf checksum mismatch (corrupt)");
    return IDP_OK;
}
