/*
 * decode_rows.h - the way from a scan's coefficients to the pixels of
 * its components, in place of libjpeg's coefficient controller
 * (decode_rows.c), for decode_huff.c.
 */
#ifndef IDP_DECODE_ROWS_H
#define IDP_DECODE_ROWS_H

#include "decode_huff.h"

/* Right after idp__huff_take() took the scan's Huffman decoding: when the
 * scan holds every component and one of them is decoded at 2x2 pixels a
 * block (the DCT scaling of a 1/4 decode), the coefficient controller's
 * decompress_data method is replaced: h decodes sixteen MCUs at a time
 * into our buffers, decode_idct.c makes the 2x2 components' pixels and
 * libjpeg's own IDCT the others'. The pixels are libjpeg's. NULL (libjpeg
 * keeps its controller) for any other scan, out of memory, or when
 * libjpeg's 2x2 IDCT is not the arithmetic of decode_idct.c. */
idp__rows *idp__rows_take(struct jpeg_decompress_struct *c, idp__huff *h);

void idp__rows_free(idp__rows *r);

#endif
