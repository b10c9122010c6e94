/*
 * checks.h - the rule functions of the check table (checks.c). Each rule
 * lives in the file of its family: check_face.c, check_frame.c,
 * check_file.c.
 */
#ifndef IDP_CHECKS_H
#define IDP_CHECKS_H

#include "idp_internal.h"

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

#endif /* IDP_CHECKS_H */
