/*
 * decode_huff.h - the Huffman decoding of a baseline JPEG scan, in place
 * of libjpeg's (decode_huff.c). decode_jpeg.c takes scans with it;
 * decode_rows.c decodes MCUs through it into its own buffers.
 */
#ifndef IDP_DECODE_HUFF_H
#define IDP_DECODE_HUFF_H

#include <stdint.h>
#include <stdio.h> /* jpeglib.h wants FILE */

#include <jpeglib.h>

typedef struct idp__huff idp__huff;
typedef struct idp__rows idp__rows;

/* After jpeg_start_decompress() on a memory source: when the image is one
 * sequential Huffman scan not yet begun, its entropy decoding is taken
 * from libjpeg (its decode_mcu method replaced; c->client_data holds the
 * state), and where decode_rows.c can, the coefficients' way to pixels
 * too (idp__rows_take()); the state is returned, to be freed by
 * idp__huff_free() after the decode. NULL: libjpeg decodes it as it would
 * (any other scan, out of memory). The coefficients are libjpeg's, and so
 * are the pixels. Where libjpeg would warn or fail (a corrupt code, data
 * cut short, a marker out of place, a DC overflow) the decode ends
 * through c->err->error_exit() instead. */
idp__huff *idp__huff_take(struct jpeg_decompress_struct *c);

void idp__huff_free(idp__huff *h);

/* For decode_rows.c. Block k of each MCU puts its coefficient of natural
 * index i (row-major) at offset[i] from where it goes; -1 (nothing set)
 * when block k's coefficients are not kept (not needed for the output).
 * Until set, a block is libjpeg's: offset[i] = i. */
int idp__huff_map(idp__huff *h, int k, const int16_t offset[DCTSIZE2]);

/* The next n MCUs of the scan: block k of MCU m to base[k] + m step[k],
 * through its map; where the coefficients go must be zero before. */
void idp__huff_mcus(struct jpeg_decompress_struct *c, idp__huff *h, int n,
                    JCOEF *const base[], const int step[]);

/* The state decode_rows.c keeps beside h, or NULL. */
idp__rows *idp__huff_rows(const idp__huff *h);

#endif
