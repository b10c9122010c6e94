/*
 * check_frame.c - framing rules. On a final photo: head top, eye line,
 * face width and head height inside the profile's bands (scaled by the
 * photo's height / the nominal height), face centred, head not cut. On a
 * capture: is there room to make a photo that meets them (see geometry.c).
 */
#include "checks.h"

#include <math.h>

/* A final-mode band rule: pass inside, fail outside; `lo_*`/`hi_*` are the
 * messages for a value below / above the band (one %.0f: the value). */
static void band_rule(const idp__check_env *e, idp_check_result *r, idp_band b,
                      double v, const char *lo_zh, const char *lo_en,
                      const char *hi_zh, const char *hi_en)
{
    idp__res(r, idp__band_holds(b, e->sy, v) ? IDP_PASS : IDP_FAIL, v, "px");
    idp__band_text(b, e->sy, "px", r->limit, sizeof r->limit);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else if (b.has_min && v < b.min * e->sy)
        idp__res_msg(r, lo_zh, lo_en, v, r->limit);
    else
        idp__res_msg(r, hi_zh, hi_en, v, r->limit);
}

static int check_preamble(const idp__check_env *e, idp_check_result *r,
                          idp_band b)
{
    if (!e->subject) {
        idp__res_no_face(r);
        return 0;
    }
    if (!b.has_min && !b.has_max) {
        idp__res_skip(r, "本规格无此要求", "the profile sets no limit");
        return 0;
    }
    return 1;
}

/* Capture mode: can one scale meet every band (geometry.c)? */
static void feasible_rule(const idp__check_env *e, idp_check_result *r,
                          double v)
{
    idp__crop_plan plan;
    idp__plan_crop(e->p, e->m, &plan);
    idp__res(r, plan.feasible ? IDP_PASS : IDP_FAIL, v, "px");
    idp__res_limit(r, "room to reach the profile's bands");
    if (plan.feasible)
        idp__res_pass(r);
    else
        idp__res_msg(r, "头部比例无法同时满足头顶、眼睛和脸宽的位置要求",
                     "the head's proportions cannot meet the head-top, "
                     "eye-line and face-width bands together");
}

static void head_top_capture(const idp__check_env *e, idp_check_result *r)
{
    idp__crop_plan plan;
    double pad;
    idp__plan_crop(e->p, e->m, &plan);
    pad = fmax(0, -plan.crop.y) * plan.k; /* output px to add above */
    idp__res(r, pad > 0 ? IDP_WARN : IDP_PASS, e->m->head_top_y, "px");
    idp__res_limit(r, "room above the head");
    if (pad > 0)
        idp__res_msg(r, "头顶上方空间不足，需补约 %.0f 像素背景",
                     "too little room above the head: about %.0f px of "
                     "background must be added",
                     pad);
    else
        idp__res_pass(r);
}

void idp__check_head_top(const idp__check_env *e, idp_check_result *r)
{
    if (!check_preamble(e, r, e->p->head_top))
        return;
    if (e->mode == IDP_MODE_CAPTURE) {
        head_top_capture(e, r);
        return;
    }
    band_rule(e, r, e->p->head_top, e->m->head_top_y,
              "头顶距上边 %.0f 像素，应为 %s：头部太靠上，请重新裁剪",
              "head top %.0f px from the top edge, must be %s: the head "
              "is too high, re-crop",
              "头顶距上边 %.0f 像素，应为 %s：头部太靠下，请重新裁剪",
              "head top %.0f px from the top edge, must be %s: the head "
              "is too low, re-crop");
    if (r->status == IDP_FAIL && !e->m->head_top_from_pixels)
        r->status = IDP_WARN; /* a landmark estimate: let a person look */
}

void idp__check_eye_line(const idp__check_env *e, idp_check_result *r)
{
    if (!check_preamble(e, r, e->p->eye_line))
        return;
    if (e->mode == IDP_MODE_CAPTURE) {
        feasible_rule(e, r, e->m->eye_line_y);
        return;
    }
    band_rule(e, r, e->p->eye_line, e->m->eye_line_y,
              "眼睛距上边 %.0f 像素，应为 %s：眼睛位置太高",
              "eyes %.0f px from the top edge, must be %s: eyes too high",
              "眼睛距上边 %.0f 像素，应为 %s：眼睛位置太低",
              "eyes %.0f px from the top edge, must be %s: eyes too low");
}

void idp__check_face_width(const idp__check_env *e, idp_check_result *r)
{
    if (!check_preamble(e, r, e->p->face_width))
        return;
    if (e->mode == IDP_MODE_CAPTURE) {
        feasible_rule(e, r, e->m->face_width);
        return;
    }
    band_rule(e, r, e->p->face_width, e->m->face_width,
              "脸宽 %.0f 像素，应为 %s：人像太小",
              "face %.0f px wide, must be %s: the face is too small",
              "脸宽 %.0f 像素，应为 %s：人像太大",
              "face %.0f px wide, must be %s: the face is too large");
}

void idp__check_head_height(const idp__check_env *e, idp_check_result *r)
{
    if (!check_preamble(e, r, e->p->head_height))
        return;
    if (e->mode == IDP_MODE_CAPTURE) {
        feasible_rule(e, r, e->m->head_height);
        return;
    }
    band_rule(e, r, e->p->head_height, e->m->head_height,
              "头部高度 %.0f 像素，应为 %s：人像太小",
              "head %.0f px tall, must be %s: the head is too small",
              "头部高度 %.0f 像素，应为 %s：人像太大",
              "head %.0f px tall, must be %s: the head is too large");
}

static void centred_capture(const idp__check_env *e, idp_check_result *r)
{
    idp__crop_plan plan;
    double left, right, pad;
    idp__plan_crop(e->p, e->m, &plan);
    left = fmax(0, -plan.crop.x);
    right = fmax(0, plan.crop.x + plan.crop.w - e->img->width);
    pad = fmax(left, right) * plan.k;
    idp__res(r, pad > 0 ? IDP_WARN : IDP_PASS, pad, "px");
    idp__res_limit(r, "room on both sides");
    if (pad > 0)
        idp__res_msg(r, "人像一侧空间不足，需补约 %.0f 像素背景",
                     "too little room beside the person: about %.0f px of "
                     "background must be added",
                     pad);
    else
        idp__res_pass(r);
}

/* The side differs in each language, so each message has its own args. */
static void off_centre_message(idp_check_result *r, double off)
{
    snprintf(r->message_zh, sizeof r->message_zh,
             "人像未居中（偏%s %.0f%%）：请重新裁剪", off < 0 ? "左" : "右",
             fabs(off) * 100);
    snprintf(r->message_en, sizeof r->message_en,
             "the face is off centre (%.0f%% of the width to the %s): "
             "re-crop",
             fabs(off) * 100, off < 0 ? "left" : "right");
}

void idp__check_face_centred(const idp__check_env *e, idp_check_result *r)
{
    const idp_thresholds *l = &e->p->limits;
    double off;
    if (!e->subject) {
        idp__res_no_face(r);
        return;
    }
    if (e->mode == IDP_MODE_CAPTURE) {
        centred_capture(e, r);
        return;
    }
    off = (e->m->face_centre_x - e->img->width / 2.0) / e->img->width;
    idp__res(r, idp__grade_high(fabs(off), l->centre_warn, l->centre_fail), off,
             "ratio");
    idp__res_limit(r, "|x| <= %.2f of the width", l->centre_warn);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        off_centre_message(r, off);
}

/* Smallest distance of chin and cheeks to the frame (px), and of the
 * crown when it was found in the pixels (an estimate is judged apart). */
static double head_margin(const idp__check_env *e)
{
    const idp_point *lm = e->subject->landmarks;
    double m = e->img->height - e->m->chin_y;
    if (e->m->head_top_from_pixels)
        m = fmin(m, e->m->head_top_y);
    m = fmin(m, fmin(lm[0].x, lm[16].x));
    m = fmin(m, e->img->width - fmax(lm[0].x, lm[16].x));
    return m;
}

static void cropped_message(const idp__check_env *e, idp_check_result *r,
                            double margin, double chin_room, double need)
{
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else if (margin <= 0)
        idp__res_msg(r, "头部被裁切（头顶、下巴或脸侧超出画面）：请重拍",
                     "the head is cut off (crown, chin or cheek outside "
                     "the frame): retake");
    else if (chin_room < need)
        idp__res_msg(r, "下巴距下边 %.0f 像素，至少需要 %.0f 像素",
                     "chin %.0f px from the bottom edge; at least %.0f px "
                     "needed",
                     chin_room, need);
    else
        idp__res_msg(r,
                     "头顶可能贴近或超出上边（估计值 %.0f 像素），需要人工查看",
                     "the top of the head may touch or leave the frame "
                     "(estimated at %.0f px): needs a person to look",
                     e->m->head_top_y);
}

void idp__check_head_cropped(const idp__check_env *e, idp_check_result *r)
{
    double margin, chin_room, need;
    int doubtful;
    if (!e->subject) {
        idp__res_no_face(r);
        return;
    }
    margin = head_margin(e);
    chin_room = e->img->height - e->m->chin_y;
    need = e->p->chin_bottom.has_min && e->mode == IDP_MODE_FINAL
               ? e->p->chin_bottom.min * e->sy
               : 0;
    doubtful = !e->m->head_top_from_pixels && e->m->head_top_y <= 0;
    idp__res(r, margin > 0 && chin_room >= need ? IDP_PASS : IDP_FAIL, margin,
             "px");
    if (r->status == IDP_PASS && doubtful)
        r->status = IDP_WARN;
    idp__res_limit(r, "> 0 px%s", need > 0 ? " (and chin margin)" : "");
    cropped_message(e, r, margin, chin_room, need);
}
