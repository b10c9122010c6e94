/*
 * decode_rows.c - the coefficients of a scan to its components' pixels,
 * sixteen MCUs at a time, in place of libjpeg's decompress_onepass().
 *
 * libjpeg decodes an MCU into its buffer (cleared first), then runs the
 * IDCT of each block through a pointer: a 12 MP 4:4:4 photo at 1/4 is
 * half a million 2x2 IDCTs, their calls and clearings (25.0 ms for the
 * whole decode; 22.5 here, 16.9 -> 16.8 for 4:2:0; a photo-batch photo
 * ~3 ms of CPU less). Here the Huffman decoding (decode_huff.c) puts
 * sixteen MCUs into our buffers:
 *
 * - a component at 2x2 pixels a block, as planes: for each of the 25
 *   coefficients the 2x2 IDCT reads, the values of the sixteen blocks
 *   side by side (the others to a plane never read), so that
 *   decode_idct.c makes sixteen blocks' pixels at once;
 * - any other component (the 4x4 chroma of a 4:2:0 file at 1/4) as
 *   libjpeg's blocks, each through libjpeg's own IDCT method.
 *
 * What goes where is libjpeg's decompress_onepass(): the blocks inside
 * the image (not the dummy ones at the right and bottom edges) at the
 * same rows and columns of the output buffer; then the same counters and
 * the end of the scan. Only for what that function does without
 * cropping or suspending: one interleaved scan of every component, read
 * from memory, every component needed. Each buffer is cleared after its
 * IDCT, as the Huffman decoding wants.
 *
 * The 2x2 pixels are those of libjpeg-turbo's SSE2 routine (the one it
 * runs on x86-64); at each decode, libjpeg's own 2x2 method is asked for
 * blocks on which its C routine would differ (products past 16 bits,
 * saturated sums) and must give decode_idct.c's pixels, else libjpeg
 * keeps its controller.
 */
#include "decode_rows.h"

#include "decode_idct.h"

#include <stdlib.h>
#include <string.h>

#include <jpegint.h>

#if JPEG_LIB_VERSION >= 70
#define SCALED_SIZE(comp) ((comp)->DCT_h_scaled_size)
#else
#define SCALED_SIZE(comp) ((comp)->DCT_scaled_size)
#endif

/* The type of libjpeg's ISLOW dequantisation tables (jmorecfg.h's
 * MULTIPLIER, defined for libjpeg's own modules only). Were it not this,
 * the check of libjpeg's 2x2 IDCT fails and libjpeg keeps its way. */
#ifdef WITH_SIMD
typedef short mult_t;
#else
typedef int mult_t;
#endif

#define CHUNK   IDP__IDCT2_LANES       /* MCUs decoded at once */
#define SLOTS   (IDP__IDCT2_SLOTS + 1) /* and a plane for the unread */
#define MAX_BLK D_MAX_BLOCKS_IN_MCU

/* One block row of a component's MCU, for CHUNK MCUs. */
typedef struct part {
    int ci, yindex, width; /* scan component, row in its MCU, MCU_width */
    int planes;            /* 1: 2x2 planes; 0: libjpeg's blocks */
    JCOEF *buf;
    size_t len;    /* JCOEFs of buf */
    int16_t q[25]; /* planes: the dequantisation of each slot */
} part;

struct idp__rows {
    idp__huff *h;
    int n_parts;
    part parts[MAX_BLK];
    JCOEF *base[MAX_BLK]; /* block k of the chunk's first MCU */
    int step[MAX_BLK];    /* from one MCU to the next */
    JCOEF *mem;
};

/* ---- the pixels of a chunk ---- */

/* Blocks of part p inside the image among the chunk's n MCUs from m0. */
static int inside(const struct jpeg_decompress_struct *c, const part *p,
                  JDIMENSION m0, int n)
{
    const jpeg_component_info *comp = c->cur_comp_info[p->ci];
    int last = m0 + (JDIMENSION)n == c->MCUs_per_row;
    if (c->input_iMCU_row == c->total_iMCU_rows - 1 &&
        p->yindex >= comp->last_row_height)
        return 0;
    return (n - 1) * p->width + (last ? comp->last_col_width : p->width);
}

/* A planes part: sixteen blocks at a time to two rows of pixels. */
static void planes_out(const part *p, int blocks, JSAMPARRAY rows,
                       JDIMENSION col)
{
    size_t stride = (size_t)CHUNK * (size_t)p->width;
    for (int g = 0; g < blocks; g += IDP__IDCT2_LANES) {
        uint8_t o0[2 * IDP__IDCT2_LANES], o1[2 * IDP__IDCT2_LANES];
        int k = blocks - g < IDP__IDCT2_LANES ? blocks - g : IDP__IDCT2_LANES;
        idp__idct2(p->buf + g, stride, p->q, o0, o1);
        memcpy(rows[0] + col + 2 * (JDIMENSION)g, o0, 2 * (size_t)k);
        memcpy(rows[1] + col + 2 * (JDIMENSION)g, o1, 2 * (size_t)k);
    }
}

/* A blocks part: each block through libjpeg's IDCT method. */
static void blocks_out(struct jpeg_decompress_struct *c, const part *p,
                       int blocks, JSAMPARRAY rows, JDIMENSION col)
{
    jpeg_component_info *comp = c->cur_comp_info[p->ci];
    inverse_DCT_method_ptr idct = c->idct->inverse_DCT[comp->component_index];
    for (int j = 0; j < blocks; j++)
        (*idct)(c, comp, p->buf + (size_t)j * DCTSIZE2, rows,
                col + (JDIMENSION)(j * SCALED_SIZE(comp)));
}

static void chunk_out(struct jpeg_decompress_struct *c, idp__rows *r,
                      JSAMPIMAGE out, JDIMENSION m0, int n)
{
    for (int i = 0; i < r->n_parts; i++) {
        const part *p = &r->parts[i];
        const jpeg_component_info *comp = c->cur_comp_info[p->ci];
        int blocks = inside(c, p, m0, n), size = SCALED_SIZE(comp);
        JSAMPARRAY rows = out[comp->component_index] + p->yindex * size;
        JDIMENSION col = m0 * (JDIMENSION)comp->MCU_sample_width;
        if (blocks > 0 && p->planes)
            planes_out(p, blocks, rows, col);
        else if (blocks > 0)
            blocks_out(c, p, blocks, rows, col);
        memset(p->buf, 0, p->len * sizeof *p->buf);
    }
}

/* libjpeg's decompress_data: one iMCU row (an MCU row: the scan is
 * interleaved), then the counters decompress_onepass() keeps. */
static int decompress(j_decompress_ptr c, JSAMPIMAGE out)
{
    idp__rows *r = idp__huff_rows(c->client_data);
    for (JDIMENSION m0 = 0; m0 < c->MCUs_per_row; m0 += CHUNK) {
        JDIMENSION left = c->MCUs_per_row - m0;
        int n = left < CHUNK ? (int)left : CHUNK;
        idp__huff_mcus(c, r->h, n, r->base, r->step);
        chunk_out(c, r, out, m0, n);
    }
    c->output_iMCU_row++;
    if (++c->input_iMCU_row < c->total_iMCU_rows)
        return JPEG_ROW_COMPLETED;
    (*c->inputctl->finish_input_pass)(c);
    return JPEG_SCAN_COMPLETED;
}

/* ---- libjpeg's 2x2 IDCT asked ---- */

static uint32_t next(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* A coefficient or dequantiser: mostly small, some near the 16-bit ends
 * (products that wrap, sums that saturate). */
static int16_t probe_value(uint32_t *s, int round)
{
    static const int16_t far[] = {32767,  -32768, 30000, -30000, 16384,
                                  -16384, 4000,   -4000, 1024,   -1024};
    uint32_t v = next(s);
    switch (round % 3) {
    case 0:
        return (int16_t)((int)(v % 201) - 100);
    case 1:
        return (int16_t)((int)(v % 4001) - 2000);
    default:
        return v % 3 ? far[v % 10] : (int16_t)(uint16_t)v;
    }
}

/* libjpeg's 2x2 method of component comp against decode_idct.c on
 * groups of sixteen blocks; 1 when every pixel agrees. */
static int idct_agrees(struct jpeg_decompress_struct *c,
                       jpeg_component_info *comp)
{
    inverse_DCT_method_ptr idct = c->idct->inverse_DCT[comp->component_index];
    _Alignas(32) JCOEF blocks[IDP__IDCT2_LANES][DCTSIZE2];
    _Alignas(32) mult_t table[DCTSIZE2];
    int16_t planes[IDP__IDCT2_SLOTS * IDP__IDCT2_LANES], q[25];
    jpeg_component_info fake = *comp;
    uint32_t s = 12345;
    fake.dct_table = table;
    for (int round = 0; round < 9; round++) {
        uint8_t o0[2 * IDP__IDCT2_LANES], o1[2 * IDP__IDCT2_LANES];
        for (int i = 0; i < DCTSIZE2; i++)
            table[i] = round < 3 ? ((mult_t *)comp->dct_table)[i]
                                 : (mult_t)probe_value(&s, round);
        for (int b = 0; b < IDP__IDCT2_LANES; b++)
            for (int i = 0; i < DCTSIZE2; i++) {
                int slot = idp__idct2_slot(i);
                blocks[b][i] = probe_value(&s, round);
                if (slot >= 0) {
                    planes[slot * IDP__IDCT2_LANES + b] = blocks[b][i];
                    q[slot] = (int16_t)table[i];
                }
            }
        idp__idct2(planes, IDP__IDCT2_LANES, q, o0, o1);
        for (int b = 0; b < IDP__IDCT2_LANES; b++) {
            JSAMPLE r0[2], r1[2];
            JSAMPROW rows[2] = {r0, r1};
            (*idct)(c, &fake, blocks[b], rows, 0);
            if (memcmp(r0, o0 + 2 * b, 2) || memcmp(r1, o1 + 2 * b, 2))
                return 0;
        }
    }
    return 1;
}

/* ---- taking the controller ---- */

/* The scan is one this decodes: interleaved, every component in it and
 * needed, no cropping, at least one component at 2x2 whose IDCT agrees. */
static int ours(struct jpeg_decompress_struct *c)
{
    int two = 0;
    if (!idp__idct2_vector() || c->comps_in_scan < 2 ||
        c->comps_in_scan != c->num_components || !c->coef || !c->idct ||
        !c->inputctl || c->input_iMCU_row != 0 || c->output_iMCU_row != 0 ||
        c->MCUs_per_row < 1)
        return 0;
#ifdef LIBJPEG_TURBO_VERSION
    if (!c->master || c->master->first_iMCU_col != 0 ||
        c->master->last_iMCU_col != c->MCUs_per_row - 1)
        return 0; /* jpeg_crop_scanline() */
#endif
    for (int ci = 0; ci < c->comps_in_scan; ci++) {
        jpeg_component_info *comp = c->cur_comp_info[ci];
        if (!comp->component_needed || !comp->dct_table ||
            SCALED_SIZE(comp) < 1 || SCALED_SIZE(comp) > DCTSIZE ||
            comp->MCU_width < 1 || comp->MCU_height < 1)
            return 0;
#if JPEG_LIB_VERSION >= 70
        if (comp->DCT_h_scaled_size != comp->DCT_v_scaled_size)
            return 0;
#endif
        if (SCALED_SIZE(comp) == 2) {
            if (!idct_agrees(c, comp))
                return 0;
            two = 1;
        }
    }
    return two;
}

/* Part p's buffer and block k's place in it. */
static int place(idp__rows *r, part *p, int k, int xindex)
{
    int16_t offset[DCTSIZE2];
    size_t plane = (size_t)CHUNK * (size_t)p->width;
    for (int i = 0; i < DCTSIZE2; i++) {
        int slot = idp__idct2_slot(i);
        offset[i] = (int16_t)(!p->planes  ? i
                              : slot >= 0 ? slot * (int)plane
                                          : IDP__IDCT2_SLOTS * (int)plane);
    }
    r->base[k] =
        p->buf + (p->planes ? (size_t)xindex : (size_t)xindex * DCTSIZE2);
    r->step[k] = p->planes ? p->width : p->width * DCTSIZE2;
    return idp__huff_map(r->h, k, offset);
}

/* The parts of the MCU, their sizes; the buffer. */
static int lay_out(struct jpeg_decompress_struct *c, idp__rows *r)
{
    size_t total = 0, at = 0;
    for (int ci = 0; ci < c->comps_in_scan; ci++) {
        const jpeg_component_info *comp = c->cur_comp_info[ci];
        for (int y = 0; y < comp->MCU_height; y++) {
            part *p = &r->parts[r->n_parts++];
            size_t blocks = (size_t)CHUNK * (size_t)comp->MCU_width;
            p->ci = ci;
            p->yindex = y;
            p->width = comp->MCU_width;
            p->planes = SCALED_SIZE(comp) == 2;
            p->len = p->planes ? SLOTS * blocks : blocks * DCTSIZE2;
            total += (p->len + 31) & ~(size_t)31; /* 64-byte aligned */
            for (int i = 0; p->planes && i < DCTSIZE2; i++)
                if (idp__idct2_slot(i) >= 0)
                    p->q[idp__idct2_slot(i)] =
                        (int16_t)((mult_t *)comp->dct_table)[i];
        }
    }
    r->mem = aligned_alloc(64, total * sizeof *r->mem);
    if (!r->mem)
        return -1;
    memset(r->mem, 0, total * sizeof *r->mem);
    for (int i = 0; i < r->n_parts; i++) {
        r->parts[i].buf = r->mem + at;
        at += (r->parts[i].len + 31) & ~(size_t)31;
    }
    return 0;
}

/* Each block of the MCU to its part: blocks go component by component,
 * row by row of the component's MCU. */
static int map_blocks(struct jpeg_decompress_struct *c, idp__rows *r)
{
    int k = 0, i = 0;
    for (int ci = 0; ci < c->comps_in_scan; ci++) {
        const jpeg_component_info *comp = c->cur_comp_info[ci];
        for (int y = 0; y < comp->MCU_height; y++, i++)
            for (int x = 0; x < comp->MCU_width; x++, k++)
                if (k >= MAX_BLK || k >= c->blocks_in_MCU ||
                    c->MCU_membership[k] != ci ||
                    place(r, &r->parts[i], k, x) != 0)
                    return -1;
    }
    return k == c->blocks_in_MCU ? 0 : -1;
}

idp__rows *idp__rows_take(struct jpeg_decompress_struct *c, idp__huff *h)
{
    idp__rows *r;
    if (!c || !h || !ours(c) || !(r = calloc(1, sizeof *r)))
        return NULL;
    r->h = h;
    if (c->blocks_in_MCU > MAX_BLK || lay_out(c, r) || map_blocks(c, r)) {
        idp__rows_free(r);
        return NULL; /* the maps set: read by idp__huff_mcus() alone */
    }
    c->coef->decompress_data = decompress;
    return r;
}

void idp__rows_free(idp__rows *r)
{
    if (!r)
        return;
    free(r->mem);
    free(r);
}
