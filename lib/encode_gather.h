/*
 * encode_gather.h - the statistics pass of an optimised libjpeg encode in
 * place of libjpeg's (encode_gather.c), for encode_jpeg.c.
 */
#ifndef IDP_ENCODE_GATHER_H
#define IDP_ENCODE_GATHER_H

#include <stdint.h>
#include <stdio.h> /* jpeglib.h wants FILE */

#include <jpeglib.h>

/* The symbol counts of one pass, per Huffman table, 257 each as
 * jpeg_gen_optimal_table() wants them, and the DC predictions. */
typedef struct idp__gather {
    long dc[NUM_HUFF_TBLS][257], ac[NUM_HUFF_TBLS][257];
    int last_dc[MAX_COMPS_IN_SCAN];
    uint16_t zigzag[DCTSIZE2]; /* libjpeg's jpeg_natural_order, 16-bit */
    int wide;                  /* AVX-512 (BW) */
} idp__gather;

/* Right after jpeg_start_compress() of a single-scan encode with
 * optimize_coding and no restart markers: the statistics pass that has
 * just started counts its symbols into g (through cinfo->client_data) and
 * makes the tables from them, the same counts and tables as libjpeg's own
 * pass; wide: with AVX-512 where the CPU has it. Returns 1; 0 (libjpeg
 * keeps its pass) for any other encode. */
int idp__gather_take(j_compress_ptr cinfo, idp__gather *g, int wide);

#endif
