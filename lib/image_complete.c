/*
 * image_complete.c - does a file end where its format says it ends? An
 * upload cut short (a dropped connection, a full phone) often still decodes:
 * libvips stops reading a PNG after its image data, and libjpeg only warns
 * about a missing EOI after the last row, which libvips may or may not turn
 * into an error depending on when its worker threads finish. The end is
 * therefore checked here, on the bytes, before decoding.
 *
 * Files are read with pread() through a window, not mapped: a file cut
 * while we read it (a sync into the input folder during a batch) must give
 * a short read, not a SIGBUS that kills every worker.
 */
#include "idp_internal.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WINDOW 65536

/* Bytes from a buffer or a file: span() gives the bytes from `off` on (at
 * least `want` of them unless the data ends first) and how many. */
typedef struct source {
    const unsigned char *mem; /* the buffer, or NULL for a file */
    size_t size;
    int fd;
    unsigned char *win;
    size_t win_off, win_len;
} source;

static const unsigned char *span(source *s, size_t off, size_t want,
                                 size_t *avail)
{
    ssize_t got;
    *avail = 0;
    if (off >= s->size)
        return NULL;
    if (s->mem) {
        *avail = s->size - off;
        return s->mem + off;
    }
    if (off < s->win_off || off + want > s->win_off + s->win_len) {
        got = pread(s->fd, s->win, WINDOW, (off_t)off);
        if (got <= 0)
            return NULL;
        s->win_off = off;
        s->win_len = (size_t)got;
    }
    *avail = s->win_off + s->win_len - off;
    return s->win + (off - s->win_off);
}

/* The byte at off, or -1 past the end. */
static int byte_at(source *s, size_t off)
{
    size_t n;
    const unsigned char *p = span(s, off, 1, &n);
    return p ? p[0] : -1;
}

/* The offset of the 0xFF that starts the first marker after entropy-coded
 * data from i (0xFF 0x00 is a stuffed byte, 0xFF 0xD0..0xD7 a restart
 * marker inside the scan), or SIZE_MAX when the data stops first. */
static size_t skip_scan(source *s, size_t i)
{
    for (;;) {
        size_t n;
        const unsigned char *p = span(s, i, 2, &n), *ff;
        int m;
        if (!p)
            return SIZE_MAX;
        ff = memchr(p, 0xFF, n);
        if (!ff) {
            i += n;
            continue;
        }
        i += (size_t)(ff - p);
        m = byte_at(s, i + 1);
        if (m < 0)
            return SIZE_MAX;
        if (m != 0x00 && m != 0xFF && (m < 0xD0 || m > 0xD7))
            return i;
        i += 1;
    }
}

static int jpeg_walk(source *s)
{
    size_t i = 2;
    if (byte_at(s, 0) != 0xFF || byte_at(s, 1) != 0xD8)
        return 0;
    for (;;) {
        int b = byte_at(s, i), m, hi, lo;
        size_t len;
        if (b < 0)
            return 0;
        if (b != 0xFF) { /* stray bytes between segments */
            i++;
            continue;
        }
        while ((b = byte_at(s, i)) == 0xFF) /* fill bytes */
            i++;
        if (b < 0)
            return 0;
        m = b;
        i++;
        if (m == 0xD9)
            return 1;
        if (m == 0x00 || m == 0x01 || (m >= 0xD0 && m <= 0xD7))
            continue; /* markers without a length */
        hi = byte_at(s, i);
        lo = byte_at(s, i + 1);
        if (hi < 0 || lo < 0)
            return 0;
        len = (size_t)hi << 8 | (size_t)lo;
        if (len < 2 || len > s->size - i)
            return 0;
        i += len;
        if (m == 0xDA && (i = skip_scan(s, i)) == SIZE_MAX)
            return 0;
    }
}

int idp__jpeg_complete(const unsigned char *d, size_t n)
{
    source s = {d, n, -1, NULL, 0, 0};
    return n >= 4 && jpeg_walk(&s);
}

/* A PNG ends with its IEND chunk (type and CRC: 8 fixed bytes), searched
 * in the last bytes so a few bytes of trailing junk are tolerated. */
#define PNG_TAIL 4096

int idp__png_complete(const unsigned char *d, size_t n)
{
    static const unsigned char iend[8] = {'I',  'E',  'N',  'D',
                                          0xAE, 0x42, 0x60, 0x82};
    size_t from = n > PNG_TAIL ? n - PNG_TAIL : 0;
    for (size_t i = from; i + sizeof iend <= n; i++)
        if (memcmp(d + i, iend, sizeof iend) == 0)
            return 1;
    return 0;
}

int idp__bytes_complete(const void *data, size_t len, const char *format)
{
    if (strcmp(format, "jpeg") == 0)
        return idp__jpeg_complete(data, len);
    if (strcmp(format, "png") == 0)
        return idp__png_complete(data, len);
    /* WebP, HEIF and GIF decoders refuse short data themselves; a TIFF
     * cut inside its last strip may still decode (libtiff is silent) */
    return 1;
}

static int png_file_complete(int fd, size_t size)
{
    unsigned char tail[PNG_TAIL];
    size_t from = size > PNG_TAIL ? size - PNG_TAIL : 0;
    ssize_t got = pread(fd, tail, size - from, (off_t)from);
    return got > 0 && idp__png_complete(tail, (size_t)got);
}

int idp__file_complete(const char *path, const char *format)
{
    struct stat sb;
    unsigned char win[WINDOW];
    source s = {NULL, 0, -1, win, 0, 0};
    int ok;
    if (strcmp(format, "jpeg") != 0 && strcmp(format, "png") != 0)
        return 1;
    s.fd = open(path, O_RDONLY);
    if (s.fd < 0)
        return 1; /* not ours to say: the decoder reports the open error */
    if (fstat(s.fd, &sb) != 0 || sb.st_size < 4) {
        close(s.fd);
        return 0;
    }
    s.size = (size_t)sb.st_size;
    ok = strcmp(format, "png") == 0 ? png_file_complete(s.fd, s.size)
                                    : jpeg_walk(&s);
    close(s.fd);
    return ok;
}
