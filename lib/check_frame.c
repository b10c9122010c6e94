/*
 * check_frame.c - framing rules. On a final photo: head top, eye line,
 * face width and head height inside the profile's bands (scaled by the
 * photo's height / the nominal height), face centred, head not cut. On a
 * capture: is there room to make a photo that meets them (see geometry.c).
 */
#include "checks.h"

#include <math.h>

/* A final-mode band rule: pass inside, fail outside; `lo_*`/`hi_*` are the
 * messages for a value below / above the band (one %.0f: the value). `v`
 * in image pixels; value and limit are reported in the file's. */
static void band_rule(const idp__check_env *e, idp_check_result *r, idp_band b,
                      double v, const char *lo_zh, const char *lo_en,
                      const char *hi_zh, const char *hi_en)
{
    double sy = e->sy * e->px;
    v *= e->px;
    idp__res(r, idp__band_holds(b, sy, v) ? IDP_PASS : IDP_FAIL, v, "px");
    idp__band_text(b, sy, "px", r->limit, sizeof r->limit);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else if (b.has_min && v < b.min * sy)
        idp__res_msg(r, lo_zh, lo_en, v, r->limit);
    else
        idp__res_msg(r, hi_zh, hi_en, v, r->limit);
}

/* A band the profile leaves open is not a rule: skip it. */
static int band_set(idp_check_result *r, idp_band b)
{
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
    idp__res(r, e->plan->feasible ? IDP_PASS : IDP_FAIL, v * e->px, "px");
    idp__res_limit(r, "room to reach the profile's bands");
    if (e->plan->feasible)
        idp__res_pass(r);
    else
        idp__res_msg(r, "头部比例无法同时满足头顶、眼睛和脸宽的位置要求",
                     "the head's proportions cannot meet the head-top, "
                     "eye-line and face-width bands together");
}

/* Share of the person along a row (y) or column (x) of the working matte
 * between input coordinates from..to. */
static double cover(const idp__matte *mt, int row, double at, double from,
                    double to)
{
    double s = mt->work_scale;
    int n = row ? mt->ww : mt->wh, a = (int)floor(fmax(0, from * s));
    int b = (int)ceil(fmin(n, to * s)), hit = 0, fix;
    fix = (int)fmin((row ? mt->wh : mt->ww) - 1, fmax(0, floor(at * s)));
    for (int i = a; i < b; i++) {
        size_t k = row ? (size_t)fix * (size_t)mt->ww + (size_t)i
                       : (size_t)i * (size_t)mt->ww + (size_t)fix;
        hit += mt->alpha[k] > 127;
    }
    return b > a ? (double)hit / (b - a) : 0;
}

/* Output pixels of added background below which nothing is added: the
 * crop's sub-pixel offsets are not padding. */
#define PAD_PX 2.0

/* Background can be added at an edge only where the person does not
 * touch it (there the addition would show). */
static int touches(const idp__check_env *e, int row, double at, double from,
                   double to)
{
    return e->matte && cover(e->matte, row, at, from, to) > 0.02;
}

static void head_top_capture(const idp__check_env *e, idp_check_result *r)
{
    double pad;
    int shows;
    pad = fmax(0, -e->plan->crop.y) * e->plan->k; /* output px to add above */
    shows = pad > PAD_PX && touches(e, 1, 0, e->plan->crop.x,
                                    e->plan->crop.x + e->plan->crop.w);
    idp__res(r,
             shows          ? IDP_FAIL
             : pad > PAD_PX ? IDP_WARN
                            : IDP_PASS,
             e->m->head_top_y * e->px, "px");
    idp__res_limit(r, "room above the head");
    if (shows)
        idp__res_msg(r, "头顶上方没有空间（人像触及上边）：请离镜头远一些重拍",
                     "no room above the head (the person touches the top "
                     "edge): step back and retake");
    else if (pad > PAD_PX)
        idp__res_msg(r, "头顶上方空间不足，将补约 %.0f 像素背景",
                     "too little room above the head: about %.0f px of "
                     "background will be added",
                     pad);
    else
        idp__res_pass(r);
}

void idp__check_head_top(const idp__check_env *e, idp_check_result *r)
{
    if (!band_set(r, e->p->head_top))
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
    if (r->status == IDP_FAIL && e->m->head_top_method == IDP_CROWN_LANDMARKS)
        r->status = IDP_WARN; /* a landmark estimate: let a person look */
}

void idp__check_eye_line(const idp__check_env *e, idp_check_result *r)
{
    if (!band_set(r, e->p->eye_line))
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
    if (!band_set(r, e->p->face_width))
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
    if (!band_set(r, e->p->head_height))
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
    double left, right, pad, y0, y1;
    int shows;
    left = fmax(0, -e->plan->crop.x);
    right = fmax(0, e->plan->crop.x + e->plan->crop.w - e->img->width);
    pad = fmax(left, right) * e->plan->k;
    y0 = e->plan->crop.y;
    y1 = e->plan->crop.y + e->plan->crop.h;
    shows = (left * e->plan->k > PAD_PX && touches(e, 0, 0, y0, y1)) ||
            (right * e->plan->k > PAD_PX &&
             touches(e, 0, e->img->width - 1, y0, y1));
    idp__res(r,
             shows          ? IDP_FAIL
             : pad > PAD_PX ? IDP_WARN
                            : IDP_PASS,
             pad, "px");
    idp__res_limit(r, "room on both sides");
    if (shows)
        idp__res_msg(r, "人像一侧没有空间（触及边缘）：请站到画面中间重拍",
                     "no room beside the person (they touch the side edge): "
                     "stand in the middle of the frame and retake");
    else if (pad > PAD_PX)
        idp__res_msg(r, "人像一侧空间不足，将补约 %.0f 像素背景",
                     "too little room beside the person: about %.0f px of "
                     "background will be added",
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
    if (e->m->head_top_method != IDP_CROWN_LANDMARKS)
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
                     e->m->head_top_y * e->px);
}

void idp__check_head_cropped(const idp__check_env *e, idp_check_result *r)
{
    double margin, chin_room, need;
    int doubtful;
    margin = head_margin(e);
    chin_room = e->img->height - e->m->chin_y;
    need = e->p->chin_bottom.has_min && e->mode == IDP_MODE_FINAL
               ? e->p->chin_bottom.min * e->sy
               : 0;
    doubtful =
        e->m->head_top_method == IDP_CROWN_LANDMARKS && e->m->head_top_y <= 0;
    idp__res(r, margin > 0 && chin_room >= need ? IDP_PASS : IDP_FAIL,
             margin * e->px, "px");
    if (r->status == IDP_PASS && doubtful)
        r->status = IDP_WARN;
    idp__res_limit(r, "> 0 px%s", need > 0 ? " (and chin margin)" : "");
    cropped_message(e, r, margin, chin_room * e->px, need * e->px);
}

/* Final photo: the shoulders fill the bottom edge around the face
 * (quality-checks 7.I: at least half of it). */
static void shoulders_final(const idp__check_env *e, idp_check_result *r)
{
    double fw = e->m->face_width, xc = e->m->face_centre_x;
    double v =
        cover(e->matte, 1, e->img->height - 1, xc - 1.3 * fw, xc + 1.3 * fw);
    idp__res(r, v >= 0.5 ? IDP_PASS : IDP_FAIL, v, "ratio");
    idp__res_limit(r, ">= 0.50 of the bottom edge");
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r, "肩部未完整出现在照片下部（%.0f%%）：请拍到双肩",
                     "the shoulders do not reach the bottom edge (%.0f%%): "
                     "show both shoulders",
                     v * 100);
}

/* Capture: the crop reaches below the photo's bottom edge while the person
 * touches it: the shoulders would be cut off. */
static void shoulders_capture(const idp__check_env *e, idp_check_result *r)
{
    double short_by, touch;
    short_by =
        (e->plan->crop.y + e->plan->crop.h - e->img->height) * e->plan->k;
    touch = cover(e->matte, 1, e->img->height - 1, e->plan->crop.x,
                  e->plan->crop.x + e->plan->crop.w);
    idp__res(r, short_by > 2 && touch > 0.02 ? IDP_FAIL : IDP_PASS,
             fmax(0, short_by), "px");
    idp__res_limit(r, "room below the chin for the shoulders");
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r,
                     "照片下方空间不足（缺约 %.0f 像素），肩部会被截断："
                     "请离镜头远一些，拍到双肩",
                     "too little room below the chin (about %.0f px "
                     "short): the shoulders would be cut; step back and "
                     "show both shoulders",
                     short_by);
}

void idp__check_shoulders_visible(const idp__check_env *e, idp_check_result *r)
{
    if (!e->matte) {
        idp__res_skip(r, "没有人像分割，无法判断",
                      "no person mask: cannot judge");
        return;
    }
    if (e->mode == IDP_MODE_CAPTURE)
        shoulders_capture(e, r);
    else
        shoulders_final(e, r);
}
