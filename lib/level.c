/*
 * level.c - photo-make levels a tilted head where the profile allows it
 * (allow_rotation: the print sizes; CHSI and the other registries forbid
 * turning a photo, so there the tilt is reported, never hidden).
 *
 * The picture is turned about the eye midpoint by minus the eye line's
 * roll. The crop is planned again on the landmarks turned the same way
 * (the crown keeps its distance above the eye line), and the source
 * pixels and the working matte are turned before the usual render. The
 * wall field is not turned: over the few degrees allowed it moves by a
 * level or two, far less than the field's own error.
 */
#include "idp_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

double idp__level_turn(const idp_report *r, const idp_profile *p)
{
    double roll = r->m.roll_deg;
    if (!p->allow_rotation || !r->m.has_face || isnan(roll) ||
        fabs(roll) < IDP__LEVEL_MIN_DEG || fabs(roll) > IDP__LEVEL_MAX_DEG)
        return 0;
    return -roll;
}

static idp_point turn_point(idp_point p, double deg, idp_point c)
{
    double t = deg * PI / 180.0, dx = p.x - c.x, dy = p.y - c.y;
    idp_point o = {c.x + cos(t) * dx - sin(t) * dy,
                   c.y + sin(t) * dx + cos(t) * dy};
    return o;
}

idp_point idp__level_centre(const idp_report *r)
{
    idp_point c = {(r->m.eye_left.x + r->m.eye_right.x) / 2,
                   (r->m.eye_left.y + r->m.eye_right.y) / 2};
    return c;
}

void idp__level_plan(const idp_report *r, const idp_profile *p, double deg,
                     idp__crop_plan *plan)
{
    const idp_face *f = idp__report_subject(r);
    idp_point lm[IDP_LANDMARKS], c = idp__level_centre(r);
    idp_measurements m = r->m;
    double above = r->m.eye_line_y - r->m.head_top_y;
    if (!f) {
        *plan = r->plan;
        return;
    }
    for (int i = 0; i < IDP_LANDMARKS; i++)
        lm[i] = turn_point(f->landmarks[i], deg, c);
    idp__measure_landmarks(lm, &m);
    m.head_top_y = m.eye_line_y - above;
    m.head_height = m.chin_y - m.head_top_y;
    idp__plan_crop(p, &m, r->info.height, 1, plan);
}

idp_status idp__level_source(idp_ctx *ctx, double deg, idp_point c,
                             const idp_image *img, struct idp__matte *mt,
                             idp_image **turned, uint8_t **alpha)
{
    double ws = mt->work_scale;
    idp_status st = idp__image_rotate(ctx, img, deg, c.x, c.y, turned);
    *alpha = NULL;
    if (st == IDP_OK)
        st = idp__plane_rotate(ctx, mt->alpha, mt->ww, mt->wh, deg, c.x * ws,
                               c.y * ws, alpha);
    if (st != IDP_OK) {
        idp_image_free(*turned);
        *turned = NULL;
        return st;
    }
    mt->alpha = *alpha;
    return IDP_OK;
}
