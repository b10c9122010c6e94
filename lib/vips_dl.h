/*
 * vips_dl.h - libvips opened at run time (vips_dl.c), not linked.
 *
 * Linking libvips makes every start of a tool pay for its ~100 libraries
 * (15 ms of dynamic linking before main, for `--version` too). The
 * library opens it instead when it first needs it (idp__vips_open(); the
 * first photo's decode can go on beside: image_io.c), and calls it through
 * a table of pointers filled by dlsym(), each of the type <vips/vips.h>
 * declares.
 *
 * Include after <vips/vips.h>: the names below then stand for the table's
 * entries, so calls read as plain libvips calls (and the macros of
 * libvips' headers that call them, VIPS_INIT, VIPS_TYPE_*, work). A
 * libvips function used without an entry here fails the link: libvips is
 * not linked.
 */
#ifndef IDP_VIPS_DL_H
#define IDP_VIPS_DL_H

#include "idp_internal.h"

#include <vips/vips.h>

/* Every libvips function the library calls. */
#define IDP__VIPS_FUNCTIONS(X)                                                 \
    X(vips_affine)                                                             \
    X(vips_area_unref)                                                         \
    X(vips_array_double_newv)                                                  \
    X(vips_array_int_newv)                                                     \
    X(vips_autorot)                                                            \
    X(vips_block_untrusted_set)                                                \
    X(vips_cache_set_max)                                                      \
    X(vips_cast)                                                               \
    X(vips_col_scRGB2BW_8)                                                     \
    X(vips_colourspace)                                                        \
    X(vips_concurrency_set)                                                    \
    X(vips_copy)                                                               \
    X(vips_embed)                                                              \
    X(vips_enum_nick)                                                          \
    X(vips_error)                                                              \
    X(vips_error_buffer_copy)                                                  \
    X(vips_extract_area)                                                       \
    X(vips_extract_band)                                                       \
    X(vips_flatten)                                                            \
    X(vips_foreign_find_load)                                                  \
    X(vips_foreign_find_load_buffer)                                           \
    X(vips_format_sizeof)                                                      \
    X(vips_get_tile_size)                                                      \
    X(vips_icc_transform)                                                      \
    X(vips_image_get_interpretation)                                           \
    X(vips_image_get_orientation)                                              \
    X(vips_image_get_orientation_swap)                                         \
    X(vips_image_get_typeof)                                                   \
    X(vips_image_generate)                                                     \
    X(vips_image_hasalpha)                                                     \
    X(vips_image_new)                                                          \
    X(vips_image_new_from_buffer)                                              \
    X(vips_image_new_from_file)                                                \
    X(vips_image_new_from_memory)                                              \
    X(vips_image_pipelinev)                                                    \
    X(vips_image_write_to_memory)                                              \
    X(vips_init)                                                               \
    X(vips_interpretation_get_type)                                            \
    X(vips_rect_intersectrect)                                                 \
    X(vips_region_new)                                                         \
    X(vips_reduceh)                                                            \
    X(vips_region_prepare)                                                     \
    X(vips_resize)                                                             \
    X(vips_shrink)                                                             \
    X(vips_version)

#define IDP__VIPS_ENTRY(name) __typeof__(name) *name;
typedef struct idp__vips_api {
    IDP__VIPS_FUNCTIONS(IDP__VIPS_ENTRY)
} idp__vips_api;
#undef IDP__VIPS_ENTRY

/* Filled by idp__vips_open(); read only after it returned 0. */
extern idp__vips_api idp__vips;

/* dlopen() libvips (the soname it was built against) and fill idp__vips:
 * 0, or -1 with why in `why`. Once per process: call it under the
 * caller's pthread_once. */
int idp__vips_open(char *why, size_t why_len);

#ifndef IDP_VIPS_DL_TABLE
#define vips_affine                   (idp__vips.vips_affine)
#define vips_area_unref               (idp__vips.vips_area_unref)
#define vips_array_double_newv        (idp__vips.vips_array_double_newv)
#define vips_array_int_newv           (idp__vips.vips_array_int_newv)
#define vips_autorot                  (idp__vips.vips_autorot)
#define vips_block_untrusted_set      (idp__vips.vips_block_untrusted_set)
#define vips_cache_set_max            (idp__vips.vips_cache_set_max)
#define vips_cast                     (idp__vips.vips_cast)
#define vips_col_scRGB2BW_8           (idp__vips.vips_col_scRGB2BW_8)
#define vips_colourspace              (idp__vips.vips_colourspace)
#define vips_concurrency_set          (idp__vips.vips_concurrency_set)
#define vips_copy                     (idp__vips.vips_copy)
#define vips_embed                    (idp__vips.vips_embed)
#define vips_enum_nick                (idp__vips.vips_enum_nick)
#define vips_error                    (idp__vips.vips_error)
#define vips_error_buffer_copy        (idp__vips.vips_error_buffer_copy)
#define vips_extract_area             (idp__vips.vips_extract_area)
#define vips_extract_band             (idp__vips.vips_extract_band)
#define vips_flatten                  (idp__vips.vips_flatten)
#define vips_foreign_find_load        (idp__vips.vips_foreign_find_load)
#define vips_foreign_find_load_buffer (idp__vips.vips_foreign_find_load_buffer)
#define vips_format_sizeof            (idp__vips.vips_format_sizeof)
#define vips_get_tile_size            (idp__vips.vips_get_tile_size)
#define vips_icc_transform            (idp__vips.vips_icc_transform)
#define vips_image_get_interpretation (idp__vips.vips_image_get_interpretation)
#define vips_image_get_orientation    (idp__vips.vips_image_get_orientation)
#define vips_image_get_orientation_swap                                        \
    (idp__vips.vips_image_get_orientation_swap)
#define vips_image_get_typeof        (idp__vips.vips_image_get_typeof)
#define vips_image_generate          (idp__vips.vips_image_generate)
#define vips_image_hasalpha          (idp__vips.vips_image_hasalpha)
#define vips_image_new               (idp__vips.vips_image_new)
#define vips_image_new_from_buffer   (idp__vips.vips_image_new_from_buffer)
#define vips_image_new_from_file     (idp__vips.vips_image_new_from_file)
#define vips_image_new_from_memory   (idp__vips.vips_image_new_from_memory)
#define vips_image_pipelinev         (idp__vips.vips_image_pipelinev)
#define vips_image_write_to_memory   (idp__vips.vips_image_write_to_memory)
#define vips_init                    (idp__vips.vips_init)
#define vips_interpretation_get_type (idp__vips.vips_interpretation_get_type)
#define vips_rect_intersectrect      (idp__vips.vips_rect_intersectrect)
#define vips_region_new              (idp__vips.vips_region_new)
#define vips_reduceh                 (idp__vips.vips_reduceh)
#define vips_region_prepare          (idp__vips.vips_region_prepare)
#define vips_resize                  (idp__vips.vips_resize)
#define vips_shrink                  (idp__vips.vips_shrink)
#define vips_version                 (idp__vips.vips_version)
#endif

#endif
