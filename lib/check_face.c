/*
 * check_face.c - rules about the person: how many faces, enough pixels,
 * head pose, mouth closed. Thresholds come from the profile.
 */
#include "checks.h"

#include <math.h>

static size_t counted_faces(const idp__check_env *e)
{
    size_t n = 0;
    for (size_t i = 0; i < e->n_faces; i++)
        n += e->faces[i].counted ? 1 : 0;
    return n;
}

void idp__check_face_count(const idp__check_env *e, idp_check_result *r)
{
    size_t n = counted_faces(e);
    idp__res(r, n == 1 ? IDP_PASS : IDP_FAIL, (double)n, "faces");
    idp__res_limit(r, "1");
    if (n == 0)
        idp__res_msg(r, "未检测到正面人脸，请正对镜头重拍",
                     "no frontal face found: face the camera and retake");
    else if (n > 1)
        idp__res_msg(r, "照片中有 %zu 个人，只能有本人",
                     "%zu people in the photo: only the student may appear", n);
    else
        idp__res_pass(r);
}

/* Face pixels available / face pixels the profile's output needs. */
static double resolution_ratio(const idp__check_env *e, double *needed)
{
    const idp_profile *p = e->p;
    double lo = p->face_width.has_min ? p->face_width.min : p->width * 0.4;
    if (e->mode == IDP_MODE_CAPTURE)
        *needed = e->m->face_width * e->plan->k;
    else
        *needed = lo;
    return e->m->face_width * e->px / *needed;
}

void idp__check_face_resolution(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    double needed = 0, v;
    v = resolution_ratio(e, &needed);
    idp__res(r, idp__grade_low(v, l->resolution_warn, l->resolution_fail), v,
             "ratio");
    idp__res_limit(r, ">= %.2f", l->resolution_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r,
                     "脸宽只有 %.0f 像素，成品需要约 %.0f 像素："
                     "请靠近镜头或使用更高分辨率拍摄",
                     "the face is only %.0f px wide; the photo needs about "
                     "%.0f px: move closer or use a higher resolution",
                     e->m->face_width * e->px, needed);
}

static void pose_rule(idp_check_result *r, double v, double warn, double fail,
                      const char *zh, const char *en)
{
    if (isnan(v)) {
        idp__res_skip(r, "无法估计头部姿态，需要人工查看",
                      "head pose could not be estimated: needs a person "
                      "to look");
        return;
    }
    idp__res(r, idp__grade_high(fabs(v), warn, fail), v, "deg");
    idp__res_limit(r, "|x| <= %.0f deg", warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r, zh, en, fabs(v));
}

/* A capture for a profile that allows rotation: photo-make levels a tilt
 * up to IDP__LEVEL_MAX_DEG (level.c), so only more than that fails. */
static int levelled(const idp__check_env *e, idp_check_result *r)
{
    double v = e->m->roll_deg;
    if (e->mode != IDP_MODE_CAPTURE || !e->p->allow_rotation || isnan(v) ||
        fabs(v) < IDP__LEVEL_MIN_DEG || fabs(v) > IDP__LEVEL_MAX_DEG)
        return 0;
    idp__res(r, IDP_PASS, v, "deg");
    idp__res_limit(r, "|x| <= %.0f deg (levelled)", IDP__LEVEL_MAX_DEG);
    idp__res_msg(r, "头部倾斜 %.1f°，制作时将转正",
                 "head tilted %.1f deg: the photo will be levelled", fabs(v));
    return 1;
}

void idp__check_head_roll(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    if (levelled(e, r))
        return;
    pose_rule(r, e->m->roll_deg, l->roll_warn_deg, l->roll_fail_deg,
              "头部倾斜 %.1f°：请保持头部端正，双眼水平",
              "head tilted %.1f deg: keep the head upright, eyes level");
}

void idp__check_head_yaw(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    pose_rule(r, e->m->yaw_deg, l->yaw_warn_deg, l->yaw_fail_deg,
              "头部左右转动约 %.0f°：请正对镜头，双耳对称",
              "head turned about %.0f deg: face the camera squarely");
}

void idp__check_head_pitch(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    pose_rule(r, e->m->pitch_deg, l->pitch_warn_deg, l->pitch_fail_deg,
              "头部上仰或低头约 %.0f°：请平视镜头",
              "head tipped up or down about %.0f deg: look straight at "
              "the camera");
}

void idp__check_mouth_closed(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    double v;
    v = e->m->mouth_gap;
    idp__res(r, idp__grade_high(v, l->mouth_gap_warn, l->mouth_gap_fail), v,
             "ratio");
    idp__res_limit(r, "<= %.3f", l->mouth_gap_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r, "嘴巴张开（开口 %.3f）：请自然闭合嘴唇",
                     "mouth open (gap %.3f of the eye-chin distance): "
                     "close the lips naturally",
                     v);
}
