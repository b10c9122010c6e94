/*
 * face_zones.h - where the appearance rules look (regions derived from the
 * 68 landmarks) and how they read pixels there (face_zones.c). Pure C.
 * The rules of check_light.c, check_eyes.c, check_quality.c,
 * check_background.c and check_person.c use it, and annotate.c draws the
 * same regions so a person sees what was measured.
 */
#ifndef IDP_FACE_ZONES_H
#define IDP_FACE_ZONES_H

#include "idp_internal.h"

#include <math.h> /* NAN */
#include <stddef.h>
#include <stdint.h>

/* The subject's geometry in input pixels. */
typedef struct idp__face_geo {
    const idp_point *lm; /* the 68 landmarks */
    idp_point eye[2];    /* image-left / image-right eye centre (corners) */
    double ied;          /* between the eye centres */
    double eye_w[2];     /* corner to corner of each eye */
    double t;            /* eye midpoint to chin (p8) */
    double fw;           /* p0 to p16 */
    double mouth_y;      /* mean y of the mouth corners */
} idp__face_geo;

void idp__face_geo_of(const idp_point lm[IDP_LANDMARKS], idp__face_geo *g);

/* Cheek zones after OFIQ's (quality-checks.md §1): squares of 0.3 IED
 * from below each eye centre towards the nose, but 0.3 (not 0.5) of the
 * way from the eyes to the mouth: on the cheekbone, above a beard or a
 * smile's folds; side 0 image-left. */
idp_rect idp__zone_cheek(const idp__face_geo *g, int side);
/* The lens of a pair of glasses around eye `side`: 1.8 eye widths wide,
 * from just below the brow to 0.6 eye widths below the eye centre. */
idp_rect idp__zone_lens(const idp__face_geo *g, int side);
/* The lens zone's part below the eye, 0.3 to 0.6 eye widths below its
 * centre: a tinted lens darkens it, make-up and lash lines stay at the
 * lids above it (tinted_glasses). */
idp_rect idp__zone_under_lens(const idp__face_geo *g, int side);
/* The box of eye `side`'s six landmarks, grown by `grow` eye widths. */
idp_rect idp__zone_eye(const idp__face_geo *g, int side, double grow);
/* The forehead band just above the brows (hair over the brows). */
idp_rect idp__zone_brow_band(const idp__face_geo *g);
/* Where the ear is: from just inside the ear root (contour p0-p2 /
 * p14-p16) 0.1 face widths outwards, from 0.15 face widths above p0. */
idp_rect idp__zone_ear(const idp__face_geo *g, int side);
/* The nose bridge (p27-p29, 0.15 IED either side): usually the best
 * lit part of a frontal face (face_shadow). */
idp_rect idp__zone_bridge(const idp__face_geo *g);
/* The lower face used for lighting: eye line to mouth, cheek to cheek. */
idp_rect idp__zone_lower_face(const idp__face_geo *g);

/* Is (x, y) inside the polygon of n points? (even-odd rule) */
int idp__in_polygon(const idp_point *pts, int n, double x, double y);
/* Inside the face outline: jaw 0-16 closed over the brows 26-17. */
int idp__in_face(const idp_point lm[IDP_LANDMARKS], double x, double y);

/* The same tests pixel after pixel along a row: where each edge crosses
 * the line y (the expression idp__in_polygon() evaluates for every
 * point), worked out when y changes and kept in *row (set up with
 * IDP__POLY_ROW, one per polygon); then the same answers. Polygons of at
 * most IDP__POLY_MAX points (the landmarks' outlines). */
#define IDP__POLY_MAX 27
typedef struct idp__poly_row {
    double y;
    int n;
    double cross[IDP__POLY_MAX];
} idp__poly_row;
#define IDP__POLY_ROW                                                          \
    {                                                                          \
        NAN, 0,                                                                \
        {                                                                      \
            0                                                                  \
        }                                                                      \
    }
int idp__in_polygon_row(const idp_point *pts, int n, double x, double y,
                        idp__poly_row *row);
int idp__in_face_row(const idp_point lm[IDP_LANDMARKS], double x, double y,
                     idp__poly_row *row);
int idp__in_eye_row(const idp_point lm[IDP_LANDMARKS], int side, double x,
                    double y, idp__poly_row *row);
/* Inside the polygon of eye `side` (36-41 / 42-47). */
int idp__in_eye(const idp_point lm[IDP_LANDMARKS], int side, double x,
                double y);

/* Pixel access with sRGB-to-linear and -Lab tables. */
struct idp__lab_slot;
typedef struct idp__px {
    const uint8_t *rgb;
    int w, h;
    size_t stride;
    const float *lin;           /* sRGB code -> linear light 0..1 */
    struct idp__lab_slot *memo; /* this thread's Lab memo, or NULL */
} idp__px;

/* 0, or -1 when the image has no pixels. */
int idp__px_init(idp__px *p, const idp_image *img);
/* A rule's pixels: 1, or 0 with the rule skipped ("no pixels") when the
 * image has none. */
int idp__px_start(const idp__check_env *e, idp_check_result *r, idp__px *p);
const uint8_t *idp__px_at(const idp__px *p, int x, int y);
/* Relative luminance Y (linear, 0..1) of a pixel. */
double idp__px_y(const idp__px *p, const uint8_t *c);
void idp__px_lab(const idp__px *p, const uint8_t *c, double lab[3]);

/* Pixel rectangle of r clipped to the image: [x0, x1) x [y0, y1); 0 when
 * empty. */
int idp__px_clip(const idp__px *p, idp_rect r, int *x0, int *y0, int *x1,
                 int *y1);
/* The sampling step for the pixels x0..x1 x y0..y1 so that about `budget`
 * of them are read: 1 up to budget, then the whole step that keeps the
 * grid near it (2 up to 4 x budget, 3 up to 9 x, ...). Rules stay cheap on
 * a 12 MP capture and read every pixel of a 480x640 photo's zones. */
int idp__px_step(int x0, int y0, int x1, int y1, double budget);

/* A pixel filter: 1 to take (x, y). */
typedef int (*idp__px_keep)(const void *ctx, int x, int y);

/* Median Lab over the pixels of r kept by `keep` (NULL: all), sampling
 * every `step` px; returns the number of pixels sampled (0: lab NaN). */
size_t idp__px_median_lab(const idp__px *p, idp_rect r, int step,
                          idp__px_keep keep, const void *ctx, double lab[3]);

/* Median Lab of the two cheek zones: the subject's skin. */
size_t idp__skin_lab(const idp__px *p, const idp__face_geo *g, double lab[3]);

/* The same for the rules of one check: measured once, then remembered in
 * e->skin (eight rules ask; on a 12 MP capture each measure reads ~40000
 * pixels). p and g are the caller's, of e's image and subject. */
typedef struct idp__skin_memo {
    int done;
    size_t n;
    double lab[3];
} idp__skin_memo;
size_t idp__env_skin(const idp__check_env *e, const idp__px *p,
                     const idp__face_geo *g, double lab[3]);

/* Could Lab colour c be the material of reference colour `ref` (skin,
 * hair) under other light? Same hue (within 20 degrees) and a similar
 * chroma, any lightness; for a grey reference, lightness within 20. */
int idp__like_colour(const double ref[3], const double c[3]);

/* Alpha of the matte at input pixel (x, y), 0..255 (nearest). */
int idp__matte_alpha(const idp__matte *mt, double x, double y);

#endif /* IDP_FACE_ZONES_H */
