/*
 * checks.h - the rule functions of the check table (checks.c). Each rule
 * lives in the file of its family: check_face.c, check_frame.c,
 * check_file.c, check_eyes.c, check_light.c, check_quality.c,
 * check_background.c, check_person.c.
 */
#ifndef IDP_CHECKS_H
#define IDP_CHECKS_H

#include "idp_internal.h"

/* The table's entry for a rule id; NULL when unknown (benchmarks time
 * one rule at a time through it). */
const idp__check_def *idp__check_find(const char *id);

void idp__check_face_count(const idp__check_env *e, idp_check_result *r);
void idp__check_face_resolution(const idp__check_env *e, idp_check_result *r);
void idp__check_head_top(const idp__check_env *e, idp_check_result *r);
void idp__check_eye_line(const idp__check_env *e, idp_check_result *r);
void idp__check_face_width(const idp__check_env *e, idp_check_result *r);
void idp__check_head_height(const idp__check_env *e, idp_check_result *r);
void idp__check_face_centred(const idp__check_env *e, idp_check_result *r);
void idp__check_shoulders_visible(const idp__check_env *e, idp_check_result *r);
void idp__check_head_cropped(const idp__check_env *e, idp_check_result *r);
void idp__check_head_roll(const idp__check_env *e, idp_check_result *r);
void idp__check_head_yaw(const idp__check_env *e, idp_check_result *r);
void idp__check_head_pitch(const idp__check_env *e, idp_check_result *r);
void idp__check_eyes_open(const idp__check_env *e, idp_check_result *r);
void idp__check_mouth_closed(const idp__check_env *e, idp_check_result *r);
void idp__check_colour_photo(const idp__check_env *e, idp_check_result *r);
void idp__check_file_format(const idp__check_env *e, idp_check_result *r);
void idp__check_dimensions(const idp__check_env *e, idp_check_result *r);
void idp__check_file_size(const idp__check_env *e, idp_check_result *r);
void idp__check_dpi(const idp__check_env *e, idp_check_result *r);

/* check_light.c, check_eyes.c, check_quality.c, check_background.c,
 * check_person.c: the appearance rules (face_zones.h). */
void idp__check_shoulders_level(const idp__check_env *e, idp_check_result *r);
void idp__check_gaze_forward(const idp__check_env *e, idp_check_result *r);
void idp__check_tinted_glasses(const idp__check_env *e, idp_check_result *r);
void idp__check_glasses_glare(const idp__check_env *e, idp_check_result *r);
void idp__check_red_eye(const idp__check_env *e, idp_check_result *r);
void idp__check_hair_over_eyes(const idp__check_env *e, idp_check_result *r);
void idp__check_ears_visible(const idp__check_env *e, idp_check_result *r);
void idp__check_head_covering(const idp__check_env *e, idp_check_result *r);
void idp__check_face_exposure(const idp__check_env *e, idp_check_result *r);
void idp__check_backlight(const idp__check_env *e, idp_check_result *r);
void idp__check_face_lighting_even(const idp__check_env *e,
                                   idp_check_result *r);
void idp__check_face_shadow(const idp__check_env *e, idp_check_result *r);
void idp__check_sharpness(const idp__check_env *e, idp_check_result *r);
void idp__check_noise(const idp__check_env *e, idp_check_result *r);
void idp__check_compression(const idp__check_env *e, idp_check_result *r);
void idp__check_colour_natural(const idp__check_env *e, idp_check_result *r);

/* The light on the face that check_light.c's rules share, measured once
 * per check into e->light: the median linear Y of the lower face and of
 * the two (grown) cheek zones. */
typedef struct idp__light_memo {
    int face_done, cheeks_done;
    double face, cheek[2];
} idp__light_memo;
/* Measure e->light now (idp__run_checks, before the rules run side by
 * side); nothing without e->light or a subject. */
void idp__env_light(const idp__check_env *e);

/* The wall the background rules share (check_background.c), measured
 * once per check into e->wall: working-grid masks of the wall far from the
 * person (`far`, at least 0.02 H away) and of the ring around it, the Lab
 * of the far pixels (3 floats each) and their median. */
typedef struct idp__wall_memo {
    int done, ok; /* ok 0: out of memory */
    uint8_t *far, *ring;
    int ww, wh;
    float *labs;
    size_t n;
    double med[3];
} idp__wall_memo;
void idp__wall_memo_free(idp__wall_memo *w);
/* Measure e->wall now (idp__run_checks, before the rules run side by
 * side); nothing without e->wall, a matte or a subject. */
void idp__env_wall(const idp__check_env *e);

void idp__check_background_uniform(const idp__check_env *e,
                                   idp_check_result *r);
void idp__check_background_colour(const idp__check_env *e, idp_check_result *r);
void idp__check_background_shadow(const idp__check_env *e, idp_check_result *r);
void idp__check_clothing_contrast(const idp__check_env *e, idp_check_result *r);
void idp__check_jewellery(const idp__check_env *e, idp_check_result *r);
void idp__check_makeup(const idp__check_env *e, idp_check_result *r);

#endif /* IDP_CHECKS_H */
