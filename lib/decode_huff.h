/*
 * decode_huff.h - the Huffman decoding of a baseline JPEG scan, in place
 * of libjpeg's (decode_huff.c). Only decode_jpeg.c uses it.
 */
#ifndef IDP_DECODE_HUFF_H
#define IDP_DECODE_HUFF_H

struct jpeg_decompress_struct;

typedef struct idp__huff idp__huff;

/* After jpeg_start_decompress() on a memory source: when the image is one
 * sequential Huffman scan not yet begun, its entropy decoding is taken
 * from libjpeg (its decode_mcu method replaced; c->client_data holds the
 * state) and the state is returned, to be freed by idp__huff_free() after
 * the decode. NULL: libjpeg decodes it as it would (any other scan, out
 * of memory). The coefficients are libjpeg's. Where libjpeg would warn or
 * fail (a corrupt code, data cut short, a marker out of place, a DC
 * overflow) the decode ends through c->err->error_exit() instead. */
idp__huff *idp__huff_take(struct jpeg_decompress_struct *c);

void idp__huff_free(idp__huff *h);

#endif
