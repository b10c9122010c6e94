/*
 * decode_huff.c - the Huffman decoding of a baseline JPEG scan, the
 * same coefficients as libjpeg's, in less time.
 *
 * A 12 MP phone photo decoded at 1/4 spends three quarters of its
 * decode in libjpeg-turbo's decode_mcu(): for each coefficient a look-up
 * of the next 8 bits, then the value's bits read by a second shift, a
 * branch per byte as the bit buffer fills (for the 0xFF that a marker or
 * a stuffed byte starts). Here:
 *
 * - the look-up takes FAST bits, and where a code and its value's bits
 *   fit in them the entry holds the value already (run, value and the
 *   bits to drop in one 32-bit word: most coefficients of a photo); an
 *   AC entry holds two such coefficients where both fit (half the
 *   look-ups of a 12 MP phone photo), ends of block and runs of 16
 *   included, so that the loop has one path and one exit;
 * - the bit buffer fills 8 bytes at a time when none of them is 0xFF (one
 *   test for the eight), byte by byte otherwise, as libjpeg does.
 *
 * What it must give is what libjpeg gives, so it follows libjpeg's
 * semantics and not only the standard's: coefficients stored in natural
 * order through libjpeg's table, whose 16 extra entries send a run past
 * the 63rd coefficient to the 63rd; a 0xFF run before a stuffed 0x00 is
 * one data byte; ACs kept only where the output needs them
 * (DCT_scaled_size > 1), the DCs of every block.
 *
 * Where libjpeg would warn, the decode fails instead (decode_jpeg.c fails
 * on libjpeg's warnings too, and then libvips decodes the file): bits
 * wanted past the data (after a marker), a restart marker missing or out
 * of order, bytes between the data and a restart marker. It also fails
 * on a few things libjpeg may let pass, and libvips then decodes them as
 * libjpeg does: a code that is no code (libjpeg-turbo's fast path reads
 * it as symbol 0 unreported, its slow path warns), a byte before a
 * restart marker its bit buffer had already passed (reported at the next
 * marker it looks for, if any), the file's end reached without a marker,
 * a DC sum past an int. So what this decodes is libjpeg's picture, and
 * what it refuses costs a second decode, never a different one.
 * Failing is the error exit of the caller's error manager
 * (decode_jpeg.c's longjmp). unit.decode_huff checks both on files made
 * and damaged by the thousand.
 *
 * The coefficients go to libjpeg's MCU buffer through its decode_mcu
 * method, in its order; or, for decode_rows.c, sixteen MCUs at a time to
 * its buffers (idp__huff_mcus()), each block through a map from zigzag
 * position to offset that decode_rows.c sets (idp__huff_map()).
 *
 * It needs libjpeg's internal headers (jpegint.h: the entropy decoder's
 * method table, the input controller and marker reader states), which
 * libjpeg-turbo installs; the structures it touches are the ones every
 * libjpeg since 6b has.
 */
#include "decode_huff.h"
#include "decode_rows.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h> /* jpeglib.h wants FILE */
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include <jerror.h>
#include <jpegint.h>

#if JPEG_LIB_VERSION >= 70
#define SCALED_SIZE(comp) ((comp)->DCT_h_scaled_size)
#else
#define SCALED_SIZE(comp) ((comp)->DCT_scaled_size)
#endif

#define FAST     11       /* bits looked up at once */
#define NEED     32       /* bits a coefficient can take: 16 code + 15 value */
#define COMBINED 0x80u    /* entry flag: the value's bits are in it */
#define LEN(e)   ((e)&63) /* bits to drop (x86 shifts take these bits) */
#define MAX_BLK  D_MAX_BLOCKS_IN_MCU

/* A Huffman table: fast[] by the next FAST bits, each entry
 *   bits 0-5  bits to drop (0: the code is longer than FAST),
 *   bit  7    COMBINED: the value's bits included,
 *   bits 8-15 COMBINED: the zeros to skip before the value; else the
 *             symbol (run << 4 | size),
 *   bits 16-31 the value (int16) when COMBINED;
 * and the canonical decoding of longer codes, as libjpeg's. */
typedef struct table {
    uint32_t fast[1 << FAST];
    uint64_t pair[1 << FAST]; /* an AC table's: see pair_entry() */
    int32_t maxcode[17];      /* largest code of each length; -1: none */
    int32_t offset[17];       /* code + offset[l] = its symbol's index */
    uint8_t val[256];
} table;

/* The next bits of the scan, from the top of acc: n of them, the last
 * `fake` of which are zeros put in after a marker. */
typedef struct bits {
    uint64_t acc;
    int n, fake, marker; /* marker: p is at the 0xFF that starts one */
    const uint8_t *p, *end;
} bits;

struct idp__huff {
    bits b;
    const table *dc[MAX_BLK], *ac[MAX_BLK];
    const int16_t *map[MAX_BLK]; /* idp__huff_mcus()'s, by idp__huff_map() */
    int comp[MAX_BLK];           /* block -> component of the scan */
    int keep_ac[MAX_BLK];        /* the output needs the ACs */
    int keep_dc[MAX_BLK];        /* the output needs the DC */
    int last_dc[MAX_COMPS_IN_SCAN];
    unsigned to_go;          /* MCUs to the next restart marker */
    int next_rst;            /* the number it must have */
    JCOEF scratch[DCTSIZE2]; /* where unneeded coefficients go */
    table tables[2 * NUM_HUFF_TBLS];
    int16_t own[MAX_BLK][2 * DCTSIZE2]; /* maps set by idp__huff_map() */
    idp__rows *rows;                    /* decode_rows.c's, or NULL */
};

/* libjpeg's jpeg_natural_order[]: zigzag position -> natural, and past
 * the end the 63rd, as its 16 extra entries give a corrupt run (here up
 * to 64 more: an end of block's skip). A block's map: its coefficient at
 * zigzag position `pos` goes to block[map[pos]]; libjpeg's blocks take
 * this one, decode_rows.c's buffers their own. */
static const int16_t natural[2 * DCTSIZE2] = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26,
    33, 40, 48, 41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50,
    43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53,
    60, 61, 54, 47, 55, 62, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
    63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
    63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
    63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63};

static void fail(j_decompress_ptr c)
{
    c->err->msg_code = JWRN_HIT_MARKER;
    (*c->err->error_exit)((j_common_ptr)c);
}

/* The value of `size` bits v (JPEG's sign convention). */
static inline int extend(int v, int size)
{
    return v < (1 << (size - 1)) ? v - (1 << size) + 1 : v;
}

/* ---- tables ---- */

/* The entry of the symbol `sym` whose code has `len` bits, for the fast
 * index `idx` it fills. COMBINED where the value's bits fit too, and for
 * an AC's end of block (a run of 63: past the end) and run of 16 (15
 * zeros, then a 0 stored); a DC's size 0 is a difference of 0. */
static uint32_t entry(int sym, int len, unsigned idx, int dc)
{
    int size = sym & 15, run = dc ? 0 : sym >> 4, v = 0;
    if (size == 0 && !dc)
        run = run == 15 ? 15 : DCTSIZE2 - 1;
    else if (size > 0 && len + size > FAST)
        return (uint32_t)len | (uint32_t)sym << 8;
    if (size > 0)
        v = extend((int)(idx >> (FAST - len - size)) & ((1 << size) - 1), size);
    return (uint32_t)(len + size) | COMBINED | (uint32_t)run << 8 |
           (uint32_t)(uint16_t)(int16_t)v << 16;
}

/* An AC table's entry for the FAST bits `idx`: two ACs where the bits
 * hold two COMBINED ones, else one:
 *   bits 0-5   bits to drop for both (for the one),
 *   bit  7     COMBINED (else the 32-bit entry as it is: a slow symbol),
 *   bits 8-15  the first's zeros to skip,  bits 16-31 its value,
 *   bits 32-37 the second's zeros to skip, bits 38-39 1 if there is a
 *              second (0: the second stores a 0 where one is anyway),
 *   bits 40-55 the second's value,         bits 56-61 the first's bits.
 * The decoder drops the first's bits alone when the first ends the
 * block (an end of block, or the 63rd coefficient: the bits after it are
 * the next block's). */
static uint64_t pair_entry(const uint32_t *fast, unsigned idx)
{
    uint32_t a = fast[idx], b;
    unsigned la = a & 63, lb;
    uint64_t e =
        (uint64_t)la | (a & (COMBINED | 0xFFFFFF00u)) | (uint64_t)la << 56;
    if (!(a & COMBINED) || la >= FAST)
        return e; /* one: not fast, or no bits left */
    b = fast[(idx << la) & ((1u << FAST) - 1)];
    lb = b & 63;
    if (!(b & COMBINED) || lb > FAST - la)
        return e; /* the second needs bits past the FAST */
    return (uint64_t)(la + lb) | (a & (COMBINED | 0xFFFFFF00u)) |
           (uint64_t)((b >> 8) & 63) << 32 | (uint64_t)1 << 38 |
           (uint64_t)(b >> 16) << 40 | (uint64_t)la << 56;
}

/* The canonical codes of a JHUFF_TBL as libjpeg's jpeg_make_d_derived_tbl()
 * numbers them; -1 where it would refuse the table. */
static int build(table *t, const JHUFF_TBL *h, int dc)
{
    int p = 0, code = 0;
    memset(t->fast, 0, sizeof t->fast);
    for (int l = 1; l <= 16; l++) {
        int count = h->bits[l];
        if (count == 0) {
            t->maxcode[l] = -1;
            t->offset[l] = 0;
            code <<= 1;
            continue;
        }
        if (p + count > 256 || code + count > (1 << l))
            return -1;
        t->offset[l] = p - code;
        for (int i = 0; i < count; i++, p++, code++) {
            int sym = h->huffval[p];
            if (dc && sym > 15)
                return -1;
            t->val[p] = (uint8_t)sym;
            if (l <= FAST) {
                unsigned first = (unsigned)code << (FAST - l);
                for (unsigned k = 0; k < 1u << (FAST - l); k++)
                    t->fast[first + k] = entry(sym, l, first + k, dc);
            }
        }
        t->maxcode[l] = code - 1;
        code <<= 1;
    }
    if (!dc)
        for (unsigned i = 0; i < 1u << FAST; i++)
            t->pair[i] = pair_entry(t->fast, i);
    return 0;
}

/* ---- bits ---- */

static inline uint64_t load_be64(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return __builtin_bswap64(w);
}

/* Some byte of w is 0xFF. */
static inline int has_ff(uint64_t w)
{
    uint64_t x = ~w;
    return ((x - 0x0101010101010101u) & ~x & 0x8080808080808080u) != 0;
}

/* After a marker: zeros, counted as fake. */
static void pad(bits *b)
{
    b->acc &= b->n > 0 ? ~(uint64_t)0 << (64 - b->n) : 0;
    b->fake += 64 - b->n;
    b->n = 64;
}

/* Byte by byte, as libjpeg's jpeg_fill_bit_buffer(): 0xFF (0xFF...) 0x00
 * is one 0xFF; 0xFF then anything else is a marker, where the data stop.
 * The bits of acc below the n counted are zeros or the stream's next
 * bits (a fast fill leaves part of a byte there). */
static void fill_slow(j_decompress_ptr c, bits *b)
{
    while (b->n <= 56) {
        unsigned v;
        if (b->marker) {
            pad(b);
            return;
        }
        if (b->p >= b->end)
            fail(c); /* no marker before the end: libjpeg's reads differ */
        v = *b->p;
        if (v == 0xFF) {
            const uint8_t *q = b->p + 1;
            while (q < b->end && *q == 0xFF)
                q++;
            if (q >= b->end)
                fail(c);
            if (*q != 0) {
                b->marker = 1;
                continue;
            }
            b->p = q + 1;
        } else {
            b->p++;
        }
        b->acc |= (uint64_t)v << (56 - b->n);
        b->n += 8;
    }
}

/* The hot loop keeps the bit state in locals (acc, n, p); the rare
 * paths go through the struct. */
#define SAVE(b) ((b)->acc = acc, (b)->n = n, (b)->p = p)
#define LOAD(b) (acc = (b)->acc, n = (b)->n, p = (b)->p)

/* At least 56 bits in acc (fake zeros after a marker): 8 bytes at once
 * when none is 0xFF, whatever is there already (the bytes that fit). */
#define FILL(c, b)                                                             \
    do {                                                                       \
        uint64_t w_;                                                           \
        if (!(b)->marker && (b)->end - p >= 8 && !has_ff(w_ = load_be64(p))) { \
            acc |= w_ >> n;                                                    \
            p += (63 - n) >> 3;                                                \
            n |= 56;                                                           \
        } else {                                                               \
            SAVE(b);                                                           \
            fill_slow(c, b);                                                   \
            LOAD(b);                                                           \
        }                                                                      \
    } while (0)

/* A code longer than FAST bits, or none (-1). */
static int slow_symbol(const table *t, uint64_t acc, int *len)
{
    for (int l = FAST + 1; l <= 16; l++) {
        int32_t code = (int32_t)(acc >> (64 - l));
        if (code <= t->maxcode[l]) {
            *len = l;
            return t->val[(code + t->offset[l]) & 0xFF];
        }
    }
    return -1;
}

/* ---- the MCU ---- */

/* The restart marker due: the data's last bits are padding, then
 * 0xFF... RSTn with n the next number; the DCs start again from 0. */
static void restart(j_decompress_ptr c, idp__huff *h, bits *b)
{
    const uint8_t *q = b->p;
    if (b->n - b->fake >= 8 || q >= b->end || *q != 0xFF)
        fail(c); /* bytes before the marker: libjpeg warns */
    while (q < b->end && *q == 0xFF)
        q++;
    if (q >= b->end || *q != JPEG_RST0 + h->next_rst)
        fail(c);
    b->p = q + 1;
    b->acc = 0;
    b->n = b->fake = b->marker = 0;
    memset(h->last_dc, 0, sizeof h->last_dc);
    h->to_go = c->restart_interval;
    h->next_rst = (h->next_rst + 1) & 7;
}

/* The symbol of an entry that is not COMBINED (a long code, a long
 * value, or no code): its symbol, *len its code's bits. */
static int symbol_slow(j_decompress_ptr c, const table *t, uint32_t e,
                       uint64_t acc, int *len)
{
    int sym = (int)(e >> 8) & 0xFF;
    *len = (int)LEN(e);
    if (*len == 0 && (sym = slow_symbol(t, acc, len)) < 0)
        fail(c); /* libjpeg: JWRN_HUFF_BAD_CODE */
    return sym;
}

/* Drop k bits. */
#define DROP(k) (acc <<= (k), n -= (int)(k))

/* The value of the next `size` (1..15) bits, into v. */
#define TAKE(v, size)                                                          \
    do {                                                                       \
        v = extend((int)(acc >> (64 - (size))), size);                         \
        DROP(size);                                                            \
    } while (0)

/* One or two ACs of the fast table: skip their zeros, store their
 * values, drop their bits; to `slow` if not COMBINED, to `done` past the
 * 63rd (then only the first's bits dropped when it got there). */
#define AC_FAST()                                                              \
    do {                                                                       \
        e = ac->pair[acc >> (64 - FAST)];                                      \
        if (!(e & COMBINED))                                                   \
            goto slow;                                                         \
        pos += (int)(e >> 8) & 0xFF;                                           \
        to[map[pos]] = (JCOEF)(int16_t)(e >> 16);                              \
        if (++pos >= DCTSIZE2) {                                               \
            DROP((e >> 56) & 63);                                              \
            goto done;                                                         \
        }                                                                      \
        DROP(LEN(e));                                                          \
        pos += (int)(e >> 32) & 63;                                            \
        to[map[pos]] = (JCOEF)(int16_t)(e >> 40);                              \
        pos += (int)(e >> 38) & 3;                                             \
        if (pos >= DCTSIZE2)                                                   \
            goto done;                                                         \
    } while (0)
/* The DC difference of block k added to its component's last DC. */
static inline void dc(j_decompress_ptr c, idp__huff *h, int k, JCOEF *blk,
                      int diff)
{
    int ci = h->comp[k];
    if ((diff > 0 && h->last_dc[ci] > INT_MAX - diff) ||
        (diff < 0 && h->last_dc[ci] < INT_MIN - diff))
        fail(c);
    h->last_dc[ci] += diff;
    (h->keep_dc[k] ? blk : h->scratch)[0] = (JCOEF)h->last_dc[ci];
}

/* The MCU's blocks, the bit state in locals throughout: each block's DC
 * difference, then its ACs until the end of block. A COMBINED AC entry
 * moves on by its run and stores its value; an end of block stores 0 at
 * the 63rd coefficient and a run of 16 at the 16th (both still zero
 * there: positions only grow, and the 63rd is the last stored). Each fill
 * leaves at least 56 bits: four fast entries (11 bits each at most), or
 * one slow symbol (31 bits at most) after a fill of its own. */
static inline __attribute__((always_inline)) void
mcu(j_decompress_ptr c, idp__huff *h, JCOEF *const *dst,
    const int16_t *const *maps)
{
    bits *b = &h->b;
    uint64_t acc, e;
    int n;
    const uint8_t *p;
    if (c->restart_interval) {
        if (h->to_go == 0)
            restart(c, h, b);
        h->to_go--;
    }
    LOAD(b);
    for (int k = 0; k < c->blocks_in_MCU; k++) {
        JCOEF *blk = dst[k];
        JCOEF *to = h->keep_ac[k] ? blk : h->scratch;
        const int16_t *map = maps[k];
        const table *ac = h->ac[k];
        int diff = 0, pos = 1;
        FILL(c, b);
        e = h->dc[k]->fast[acc >> (64 - FAST)];
        if (e & COMBINED) {
            DROP(LEN(e));
            diff = (int16_t)(e >> 16);
        } else {
            int len, size = symbol_slow(c, h->dc[k], (uint32_t)e, acc, &len);
            DROP(len);
            if (size & 15)
                TAKE(diff, size & 15);
        }
        dc(c, h, k, blk, diff);
        for (;;) {
            int sym, size, len, v;
            FILL(c, b);
            AC_FAST();
            AC_FAST();
            AC_FAST();
            AC_FAST();
            continue;
        slow:
            if (n < NEED)
                FILL(c, b);
            e = ac->pair[acc >> (64 - FAST)];
            sym = symbol_slow(c, ac, (uint32_t)e, acc, &len);
            DROP(len);
            size = sym & 15;
            if (size) {
                pos += sym >> 4;
                TAKE(v, size);
                to[map[pos]] = (JCOEF)v;
            } else if (sym >> 4 == 15) {
                pos += 15; /* sixteen zeros */
            } else {
                break; /* end of block */
            }
            if (++pos >= DCTSIZE2)
                break;
        }
    done:;
    }
    SAVE(b);
    if (b->n < b->fake)
        fail(c); /* bits wanted past the data: libjpeg's JWRN_HIT_MARKER */
    c->src->next_input_byte = b->p;
    c->src->bytes_in_buffer = (size_t)(b->end - b->p);
}

/* libjpeg's method: into its MCU buffer (NULL: nowhere), in libjpeg's
 * order whatever idp__huff_map() set. */
static boolean decode_mcu(j_decompress_ptr c, JBLOCKROW *data)
{
    _Static_assert(MAX_BLK == 10, "one map a block");
    static const int16_t *const maps[MAX_BLK] = {
        natural, natural, natural, natural, natural,
        natural, natural, natural, natural, natural};
    idp__huff *h = c->client_data;
    JCOEF *dst[MAX_BLK];
    for (int k = 0; k < c->blocks_in_MCU; k++)
        dst[k] = data ? data[k][0] : h->scratch;
    mcu(c, h, dst, maps);
    return TRUE;
}

/* With BMI2 where the CPU has it: the bit buffer's shifts by a register
 * become shlx and shrx (one micro-op each, no flags) instead of shifts by
 * cl (12 MP photo at 1/4: 22.2 -> 21.9 ms). */
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("bmi2", "default")))
#endif
void idp__huff_mcus(struct jpeg_decompress_struct *c, idp__huff *h, int n,
               JCOEF *const base[], const int step[])
{
    for (int m = 0; m < n; m++) {
        JCOEF *dst[MAX_BLK];
        for (int k = 0; k < c->blocks_in_MCU; k++)
            dst[k] = base[k] + (ptrdiff_t)m * step[k];
        mcu(c, h, dst, h->map);
    }
}

int idp__huff_map(idp__huff *h, int k, const int16_t offset[DCTSIZE2])
{
    if (!h->keep_ac[k] || !h->keep_dc[k])
        return -1; /* its coefficients go to the scratch block */
    for (int pos = 0; pos < 2 * DCTSIZE2; pos++)
        h->own[k][pos] = offset[natural[pos]];
    h->map[k] = h->own[k];
    return 0;
}

idp__rows *idp__huff_rows(const idp__huff *h)
{
    return h->rows;
}

/* ---- taking the scan ---- */

/* The scan is one we decode: sequential Huffman, 8-bit, the only scan,
 * not begun; its tables as libjpeg accepted them. */
static int ours(j_decompress_ptr c)
{
    if (c->progressive_mode || c->arith_code || c->data_precision != 8 ||
        c->buffered_image || !c->inputctl || c->inputctl->has_multiple_scans ||
        c->input_iMCU_row != 0 || !c->entropy || !c->src || !c->marker ||
        c->blocks_in_MCU > MAX_BLK || c->comps_in_scan > MAX_COMPS_IN_SCAN ||
        c->comps_in_scan < 1 || !c->src->next_input_byte)
        return 0;
    for (int ci = 0; ci < c->comps_in_scan; ci++) {
        const jpeg_component_info *comp = c->cur_comp_info[ci];
        if (!comp || comp->dc_tbl_no < 0 || comp->dc_tbl_no >= NUM_HUFF_TBLS ||
            comp->ac_tbl_no < 0 || comp->ac_tbl_no >= NUM_HUFF_TBLS ||
            !c->dc_huff_tbl_ptrs[comp->dc_tbl_no] ||
            !c->ac_huff_tbl_ptrs[comp->ac_tbl_no])
            return 0;
    }
    return 1;
}

static int set_up(j_decompress_ptr c, idp__huff *h)
{
    int built[2 * NUM_HUFF_TBLS] = {0};
    for (int k = 0; k < c->blocks_in_MCU; k++) {
        int ci = c->MCU_membership[k];
        const jpeg_component_info *comp = c->cur_comp_info[ci];
        int d = comp->dc_tbl_no, a = NUM_HUFF_TBLS + comp->ac_tbl_no;
        if (!built[d] && build(&h->tables[d], c->dc_huff_tbl_ptrs[d], 1))
            return -1;
        if (!built[a] &&
            build(&h->tables[a], c->ac_huff_tbl_ptrs[comp->ac_tbl_no], 0))
            return -1;
        built[d] = built[a] = 1;
        h->dc[k] = &h->tables[d];
        h->ac[k] = &h->tables[a];
        h->map[k] = natural;
        h->comp[k] = ci;
        h->keep_dc[k] = comp->component_needed;
        h->keep_ac[k] = comp->component_needed && SCALED_SIZE(comp) > 1;
    }
    h->b.p = c->src->next_input_byte;
    h->b.end = h->b.p + c->src->bytes_in_buffer;
    h->to_go = c->restart_interval;
    h->next_rst = c->marker->next_restart_num & 7;
    return 0;
}

idp__huff *idp__huff_take(struct jpeg_decompress_struct *c)
{
    idp__huff *h;
    if (!c || !ours(c) || !(h = calloc(1, sizeof *h)))
        return NULL;
    if (set_up(c, h)) {
        free(h);
        return NULL;
    }
    c->client_data = h;
    c->entropy->decode_mcu = decode_mcu;
    h->rows = idp__rows_take(c, h);
    return h;
}

void idp__huff_free(idp__huff *h)
{
    if (h)
        idp__rows_free(h->rows);
    free(h);
}
