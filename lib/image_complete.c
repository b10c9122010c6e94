/*
 * image_complete.c - does a file end where its format says it ends? An
 * upload cut short (a dropped connection, a full phone) often still decodes:
 * libvips stops reading a PNG after its image data, and libjpeg only warns
 * about a missing EOI after the last row, which libvips may or may not turn
 * into an error depending on when its worker threads finish. The end is
 * therefore checked here, on the bytes, before decoding.
 */
#include "idp_internal.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The index of the 0xFF that starts the first marker after entropy-coded
 * data from i (0xFF 0x00 is a stuffed byte, 0xFF 0xD0..0xD7 a restart
 * marker inside the scan), or n when the data stops first. */
static size_t skip_scan(const unsigned char *d, size_t n, size_t i)
{
    while (i + 1 < n) {
        const unsigned char *ff = memchr(d + i, 0xFF, n - i - 1);
        unsigned char m;
        if (!ff)
            return n;
        i = (size_t)(ff - d);
        m = d[i + 1];
        if (m != 0x00 && m != 0xFF && (m < 0xD0 || m > 0xD7))
            return i;
        i += 1;
    }
    return n;
}

int idp__jpeg_complete(const unsigned char *d, size_t n)
{
    size_t i = 2;
    if (n < 4 || d[0] != 0xFF || d[1] != 0xD8)
        return 0;
    while (i < n) {
        unsigned char m;
        size_t len;
        if (d[i] != 0xFF) { /* stray bytes between segments */
            i++;
            continue;
        }
        while (i < n && d[i] == 0xFF) /* fill bytes */
            i++;
        if (i >= n)
            return 0;
        m = d[i++];
        if (m == 0xD9)
            return 1;
        if (m == 0x00 || m == 0x01 || (m >= 0xD0 && m <= 0xD7))
            continue; /* markers without a length */
        if (n - i < 2)
            return 0;
        len = (size_t)d[i] << 8 | d[i + 1];
        if (len < 2 || len > n - i)
            return 0;
        i += len;
        if (m == 0xDA)
            i = skip_scan(d, n, i);
    }
    return 0;
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

int idp__file_complete(const char *path, const char *format)
{
    struct stat sb;
    void *map;
    int ok = 0;
    int fd;
    if (strcmp(format, "jpeg") != 0 && strcmp(format, "png") != 0)
        return 1;
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    if (fstat(fd, &sb) == 0 && sb.st_size > 0) {
        map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map != MAP_FAILED) {
            ok = idp__bytes_complete(map, (size_t)sb.st_size, format);
            munmap(map, (size_t)sb.st_size);
        }
    }
    close(fd);
    return ok;
}
