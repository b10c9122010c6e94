/*
 * analyse.c - idp_check(): detect, measure the subject, run the rules.
 */
#include "checks.h"
#include "face_zones.h"
#include "idp_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Pose relative to the line of sight: a face at the side of a wide frame
 * that looks at the lens is frontal for an ID photo, although it is
 * turned relative to the optical axis. So the principal point is put on
 * the face (the landmarks are shifted so the eye midpoint is at the
 * centre of a virtual frame). */
static int pose_towards_camera(const idp_point *lm, const idp_measurements *m,
                               double focal, double *yaw, double *pitch,
                               double *roll)
{
    idp_point s[IDP_LANDMARKS];
    for (int i = 0; i < IDP_LANDMARKS; i++) {
        s[i].x = lm[i].x - m->face_centre_x + focal / 2;
        s[i].y = lm[i].y - m->eye_line_y + focal / 2;
    }
    return idp__pose_estimate(s, (int)focal, (int)focal, focal, yaw, pitch,
                              roll);
}

static void measure_subject(const idp_image *img, const idp_face *f,
                            idp_measurements *m)
{
    double crown = NAN, yaw = NAN, pitch = NAN, roll = NAN;
    double focal = fmax(img->width, img->height);
    idp__measure_landmarks(f->landmarks, m);
    m->head_top_method =
        idp__crown_from_pixels(img->pixels, img->width, img->height,
                               img->stride, f->landmarks, &crown)
            ? IDP_CROWN_WALL
            : IDP_CROWN_LANDMARKS;
    if (m->head_top_method == IDP_CROWN_LANDMARKS)
        crown = idp__crown_from_landmarks(f->landmarks);
    m->head_top_y = crown;
    m->head_height = m->chin_y - crown;
    if (pose_towards_camera(f->landmarks, m, focal, &yaw, &pitch, &roll) == 0) {
        m->pitch_deg = pitch; /* yaw: from the jaw (face.c) */
    }
}

/* The matte's crown replaces the estimates when the wall is plain enough
 * for the cut to be trusted (P90 distance of the wall from its smooth
 * field, CIE76). */
#define PLAIN_WALL_SPREAD 15.0

static idp_status segment_subject(idp_ctx *ctx, const idp_image *img,
                                  const idp_face *f, idp_report *r)
{
    idp_status st = idp__segment(ctx, img, f, &r->matte);
    if (st != IDP_OK)
        return st;
    if (!isnan(r->matte->crown_y) &&
        r->matte->wall_spread <= PLAIN_WALL_SPREAD) {
        r->m.head_top_y = r->matte->crown_y;
        r->m.head_top_method = IDP_CROWN_MATTE;
        r->m.head_height = r->m.chin_y - r->m.head_top_y;
    }
    return IDP_OK;
}

static void empty_measurements(idp_measurements *m)
{
    double *fields[] = {
        &m->eye_line_y,    &m->eye_distance,  &m->face_width,
        &m->face_centre_x, &m->chin_y,        &m->head_top_y,
        &m->head_height,   &m->roll_deg,      &m->yaw_deg,
        &m->pitch_deg,     &m->eye_open_left, &m->eye_open_right,
        &m->mouth_gap,     &m->colourfulness, &m->scale};
    memset(m, 0, sizeof *m);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        *fields[i] = NAN;
    m->eye_left.x = m->eye_left.y = NAN;
    m->eye_right.x = m->eye_right.y = NAN;
}

static idp_status detect_into(idp_ctx *ctx, const idp_image *img,
                              const idp_profile *p, idp_report *r)
{
    idp_face *faces = calloc(IDP__MAX_FACES, sizeof *faces);
    size_t n = 0;
    idp_status st;
    if (!faces)
        return idp__fail(ctx, IDP_E_NOMEM, "out of memory");
    st = idp__detect_faces(ctx, img, &p->limits, faces, &n, &r->timings);
    if (st != IDP_OK) {
        free(faces);
        return st;
    }
    r->faces = faces;
    r->n_faces = n;
    return IDP_OK;
}

/* Everything measured before the rules run: faces, the subject's
 * measurements, matte and crop, the colour statistics. The time outside
 * detection and segmentation counts as the checks'. */
static idp_status measure(idp_ctx *ctx, const idp_image *img,
                          const idp_profile *p, idp_report *r)
{
    const idp_face *subject;
    double t0, seg = 0;
    idp_status st = detect_into(ctx, img, p, r);
    if (st != IDP_OK)
        return st;
    t0 = idp__now_ms();
    r->has_image = 1;
    r->info = img->info;
    empty_measurements(&r->m);
    subject = idp__report_subject(r);
    if (subject) {
        measure_subject(img, subject, &r->m);
        seg = idp__now_ms();
        st = segment_subject(ctx, img, subject, r);
        seg = idp__now_ms() - seg;
        r->timings.segment = seg;
        if (st != IDP_OK)
            return st;
        idp__plan_crop(p, &r->m, img->height, idp_image_shrink(img), &r->plan);
    }
    idp__colour_stats(img->pixels, img->width, img->height, img->stride,
                      &r->m.colourfulness, &r->m.hue_spread);
    r->m.scale = (double)img->height / p->height;
    r->timings.checks = idp__now_ms() - t0 - seg;
    return IDP_OK;
}

void idp__check_env_of(idp__check_env *env, const idp_image *img,
                       const idp_check_options *o, const idp_report *r)
{
    memset(env, 0, sizeof *env);
    env->img = img;
    env->p = o->profile;
    env->mode = o->mode;
    env->faces = r->faces;
    env->n_faces = r->n_faces;
    env->subject = idp__report_subject(r);
    env->m = &r->m;
    env->sx = (double)img->width / o->profile->width;
    env->sy = r->m.scale;
    env->matte = r->matte;
    env->plan = env->subject ? &r->plan : NULL;
    env->px = idp_image_shrink(img);
}

static void run_rules(const idp_image *img, const idp_check_options *o,
                      int threads, idp_report *r)
{
    idp__check_env env;
    idp__skin_memo skin = {0, 0, {NAN, NAN, NAN}};
    idp__wall_memo wall;
    idp__light_memo light = {0, 0, NAN, {NAN, NAN}};
    memset(&wall, 0, sizeof wall);
    idp__check_env_of(&env, img, o, r);
    env.skin = &skin;
    env.wall = &wall;
    env.light = &light;
    env.threads = threads;
    idp__run_checks(&env, r);
    idp__wall_memo_free(&wall);
}

idp_status idp__check_measure(idp_ctx *ctx, const idp_image *img,
                              const idp_check_options *o, idp_report **out)
{
    idp_report *r = NULL;
    idp_status st = idp__report_new(idp_image_name(img), o, &r);
    if (st == IDP_OK)
        st = measure(ctx, img, o->profile, r);
    if (st != IDP_OK) {
        idp_report_free(r);
        return st;
    }
    r->timings.decode = img->decode_ms;
    *out = r;
    return IDP_OK;
}

void idp__check_judge(const idp_image *img, const idp_check_options *o,
                      int threads, idp_report *r)
{
    double t0 = idp__now_ms();
    run_rules(img, o, threads, r);
    if (idp_image_shrink(img) > 1)
        idp__report_scale_geometry(r, idp_image_shrink(img));
    r->timings.checks += idp__now_ms() - t0;
}

idp_status idp_check(idp_ctx *ctx, const idp_image *img,
                     const idp_check_options *opt, idp_report **out)
{
    idp_check_options o = {idp_profile_default(), IDP_MODE_FINAL};
    idp_status st;
    if (!out)
        return IDP_E_INVALID_ARG;
    *out = NULL;
    if (!ctx || !img)
        return idp__fail(ctx, IDP_E_INVALID_ARG, "no image");
    if (opt)
        o = *opt;
    if (!o.profile)
        o.profile = idp_profile_default();
    st = idp__check_measure(ctx, img, &o, out);
    if (st == IDP_OK)
        idp__check_judge(img, &o, ctx->threads, *out);
    return st;
}
