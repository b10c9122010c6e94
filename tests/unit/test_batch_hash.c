/* test_batch_hash.c - the content hash of photo-batch's records: the same
 * value however the bytes arrive, a file equal to its buffer, every bit
 * counted, and values that stay put (records on disk hold them). */
#include "batch.h"
#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static unsigned next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 32);
}

/* Fed in random pieces (empty ones too), the one-shot value. */
static void pieces(const unsigned char *buf, size_t n)
{
    uint64_t want = cli_hash_data(buf, n);
    for (int round = 0; round < 200; round++) {
        cli_hasher s;
        size_t at = 0;
        cli_hasher_init(&s);
        while (at < n) {
            size_t k = next() % (round % 4 == 0 ? 3 : 97);
            k = k > n - at ? n - at : k;
            cli_hasher_add(&s, buf + at, k);
            at += k;
        }
        if (cli_hasher_end(&s) != want) {
            CHECK(!"pieces give another value");
            return;
        }
    }
    CHECK(1);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int all_distinct(uint64_t *h, size_t n)
{
    qsort(h, n, sizeof *h, cmp_u64);
    for (size_t i = 1; i < n; i++)
        if (h[i] == h[i - 1])
            return 0;
    return 1;
}

/* Each single-bit flip of a buffer, and each length of a zero buffer,
 * gives its own value. */
static void every_bit(void)
{
    enum { N = 257 };
    unsigned char buf[N], zero[300] = {0};
    uint64_t *h = malloc(sizeof *h * (N * 8 + 1 + 300));
    size_t m = 0;
    for (int i = 0; i < N; i++)
        buf[i] = (unsigned char)next();
    h[m++] = cli_hash_data(buf, N);
    for (int i = 0; i < N * 8; i++) {
        buf[i / 8] ^= (unsigned char)(1u << (i % 8));
        h[m++] = cli_hash_data(buf, N);
        buf[i / 8] ^= (unsigned char)(1u << (i % 8));
    }
    CHECK(all_distinct(h, m));
    m = 0;
    for (size_t n = 0; n < sizeof zero; n++)
        h[m++] = cli_hash_data(zero, n);
    CHECK(all_distinct(h, m));
    free(h);
}

/* A file hashes as the buffer it holds (its 64 KiB reads and tail). */
static void file_matches(void)
{
    size_t n = 200003;
    unsigned char *buf = malloc(n);
    char path[] = "/tmp/idp-hash-XXXXXX";
    int fd = mkstemp(path);
    uint64_t h = 0;
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)next();
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK(write(fd, buf, n) == (ssize_t)n);
        close(fd);
        CHECK_EQ_INT(cli_hash_file(path, &h), 0);
        CHECK(h == cli_hash_data(buf, n));
        unlink(path);
    }
    CHECK_EQ_INT(cli_hash_file(path, &h), -1);   /* gone */
    CHECK_EQ_INT(cli_hash_file("/tmp", &h), -1); /* not a file */
    free(buf);
}

int main(void)
{
    unsigned char buf[1000];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)next();
    for (size_t n = 0; n <= 70; n++)
        pieces(buf, n);
    pieces(buf, sizeof buf);
    every_bit();
    file_matches();
    /* Records written by earlier runs hold these: a change of the
     * function must come with a new record magic (batch_resume.c). */
    CHECK(cli_hash_data("", 0) == 0x4306e8ba618984bbULL);
    CHECK(cli_hash_data("idphoto", 7) == 0x00b8f2df62ca078cULL);
    CHECK(cli_hash_data(buf, sizeof buf) == 0x10161ba85c511e26ULL);
    CHECK(cli_hash_bytes("idphoto", 7, CLI_HASH_SEED) == 0x91212872884190e4ULL);
    return CHECK_DONE();
}
