/*
 * encode_gather.c - the statistics pass of an optimised libjpeg encode:
 * the same symbol counts as libjpeg's, in less time.
 *
 * With optimize_coding, libjpeg encodes every image twice: a pass that
 * counts the Huffman symbols each quantised block would take (its
 * htest_one_block(), plain C: for each of the 63 ACs a test, and a loop
 * over the bits of each nonzero one), then the optimal tables, then the
 * pass that writes. encode_jpeg.c's size search encodes a made photo 3-5
 * times, and the counting was ~2.5 % of a batch photo's CPU.
 *
 * Here the counting pass's method (the entropy encoder's encode_mcu,
 * through libjpeg's internal jpegint.h) is replaced: a block's nonzero
 * ACs become one 64-bit mask in zigzag order, taken a set bit at a time
 * (the zero run before each is the gap between bits), and a value's bits
 * are 32 minus its leading zeros. The counts are libjpeg's by definition
 * (run-length 16 codes for runs past 15, an end of block after trailing
 * zeros, the DC difference's size; the same refusal of coefficients too
 * large), and the tables are made from them by libjpeg's own
 * jpeg_gen_optimal_table(), so the file is the same. encode_jpeg.c also
 * compares files made both ways before it uses this (gather_probe()).
 */
#include "encode_gather.h"

#include <stdint.h>
#include <string.h>

#include <jerror.h>
#include <jpegint.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define GATHER_AVX512 1
#include <immintrin.h>
#define AVX512BW __attribute__((target("avx512f,avx512bw")))
#else
#define GATHER_AVX512 0
#endif

#define MAX_COEF_BITS 10 /* an AC's size at most; a DC difference's + 1 */

/* libjpeg's: global in every libjpeg since 6b (jchuff.c, which its
 * progressive encoder calls too), declared in its jchuff.h, which is not
 * installed. */
extern void jpeg_gen_optimal_table(j_compress_ptr cinfo, JHUFF_TBL *htbl,
                                   long freq[]);

static inline int size_of(int v)
{
    unsigned a = (unsigned)(v < 0 ? -v : v);
    return a ? 32 - __builtin_clz(a) : 0;
}

/* Bit k (1..63): the k-th AC in zigzag order (zz: its natural position)
 * is not 0. */
static uint64_t nonzero_acs(const JCOEF *b, const uint16_t *zz)
{
    uint64_t m = 0;
    for (int k = 1; k < DCTSIZE2; k++)
        m |= (uint64_t)(b[zz[k]] != 0) << k;
    return m;
}

#if GATHER_AVX512
/* The same with AVX-512 (BW): the 64 coefficients put in zigzag order by
 * two permutes, then tested. */
static AVX512BW uint64_t nonzero_acs_wide(const JCOEF *b, const uint16_t *zz)
{
    __m512i lo = _mm512_loadu_si512((const void *)b);
    __m512i hi = _mm512_loadu_si512((const void *)(b + 32));
    __m512i z0 =
        _mm512_permutex2var_epi16(lo, _mm512_loadu_si512((const void *)zz), hi);
    __m512i z1 = _mm512_permutex2var_epi16(
        lo, _mm512_loadu_si512((const void *)(zz + 32)), hi);
    uint64_t m = (uint64_t)_mm512_test_epi16_mask(z0, z0) |
                 (uint64_t)_mm512_test_epi16_mask(z1, z1) << 32;
    return m & ~(uint64_t)1;
}
#endif

static void count_block(j_compress_ptr c, const idp__gather *g, const JCOEF *b,
                        int last_dc, long *dc, long *ac)
{
    const uint16_t *zz = g->zigzag;
    uint64_t nz;
#if GATHER_AVX512
    nz = g->wide ? nonzero_acs_wide(b, zz) : nonzero_acs(b, zz);
#else
    nz = nonzero_acs(b, zz);
#endif
    int size = size_of(b[0] - last_dc), prev = 0;
    if (size > MAX_COEF_BITS + 1)
        ERREXIT(c, JERR_BAD_DCT_COEF);
    dc[size]++;
    while (nz) {
        int k = __builtin_ctzll(nz), run = k - prev - 1;
        size = size_of(b[zz[k]]);
        if (size > MAX_COEF_BITS)
            ERREXIT(c, JERR_BAD_DCT_COEF);
        ac[0xF0] += run >> 4; /* sixteen zeros each */
        ac[((run & 15) << 4) + size]++;
        prev = k;
        nz &= nz - 1;
    }
    if (prev < DCTSIZE2 - 1)
        ac[0]++; /* end of block */
}

static boolean gather_mcu(j_compress_ptr c, JBLOCKROW *data)
{
    idp__gather *g = c->client_data;
    for (int k = 0; k < c->blocks_in_MCU; k++) {
        int ci = c->MCU_membership[k];
        const jpeg_component_info *comp = c->cur_comp_info[ci];
        count_block(c, g, data[k][0], g->last_dc[ci], g->dc[comp->dc_tbl_no],
                    g->ac[comp->ac_tbl_no]);
        g->last_dc[ci] = data[k][0][0];
    }
    return TRUE;
}

/* Each table used once (jpeg_gen_optimal_table() consumes its counts). */
static void gather_finish(j_compress_ptr c)
{
    idp__gather *g = c->client_data;
    int did_dc[NUM_HUFF_TBLS] = {0}, did_ac[NUM_HUFF_TBLS] = {0};
    for (int ci = 0; ci < c->comps_in_scan; ci++) {
        int d = c->cur_comp_info[ci]->dc_tbl_no;
        int a = c->cur_comp_info[ci]->ac_tbl_no;
        if (!did_dc[d]) {
            if (!c->dc_huff_tbl_ptrs[d])
                c->dc_huff_tbl_ptrs[d] = jpeg_alloc_huff_table((j_common_ptr)c);
            jpeg_gen_optimal_table(c, c->dc_huff_tbl_ptrs[d], g->dc[d]);
            did_dc[d] = 1;
        }
        if (!did_ac[a]) {
            if (!c->ac_huff_tbl_ptrs[a])
                c->ac_huff_tbl_ptrs[a] = jpeg_alloc_huff_table((j_common_ptr)c);
            jpeg_gen_optimal_table(c, c->ac_huff_tbl_ptrs[a], g->ac[a]);
            did_ac[a] = 1;
        }
    }
}

int idp__gather_take(j_compress_ptr c, idp__gather *g, int wide)
{
    if (c->restart_interval || c->num_scans > 1 || !c->optimize_coding)
        return 0;
    memset(g, 0, sizeof *g);
    for (int k = 0; k < DCTSIZE2; k++)
        g->zigzag[k] = (uint16_t)jpeg_natural_order[k];
#if GATHER_AVX512
    g->wide = wide && __builtin_cpu_supports("avx512bw");
#else
    (void)wide;
#endif
    c->client_data = g;
    c->entropy->encode_mcu = gather_mcu;
    c->entropy->finish_pass = gather_finish;
    return 1;
}
