/*
 * hog_cells.h - the orientation histograms of dlib's FHOG features redone
 * (hog_cells.c), for the HOG detector in face_dlib.cpp. Pure C, no dlib
 * type.
 */
#ifndef IDP_HOG_CELLS_H
#define IDP_HOG_CELLS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The first pass of dlib's impl_extract_fhog_features() on a grey image
 * (rows x cols, rows `step` bytes apart) with cells of `cell` >= 2 pixels
 * and cells_nr x cells_nc cells, as dlib counts them: the 18 orientation
 * bins of every cell, with one cell of padding all round (dlib's `hist`,
 * (cells_nr + 2) x (cells_nc + 2) cells of 18 floats, row by row), added
 * into `hist`, which the caller zeroes. 0 when done (the floats dlib's
 * pass gives, to the bit); 1 when not done here (no AVX2 on this CPU or
 * build): the caller runs dlib's own. */
int idp__fhog_cells(const uint8_t *img, long rows, long cols, size_t step,
                    int cell, int cells_nr, int cells_nc, float *hist);

/* The same with vectors of `lanes` floats: 8 (AVX2) or 16 (AVX-512, two
 * blocks of 8 at once); 1 when the CPU has no such vectors. For the
 * tests, which compare both; idp__fhog_cells() takes the widest. */
int idp__fhog_cells_at(const uint8_t *img, long rows, long cols, size_t step,
                       int cell, int cells_nr, int cells_nc, float *hist,
                       int lanes);

#ifdef __cplusplus
}
#endif

#endif
