/* report.c - the in-memory report: lifecycle and accessors. */
#include "idp_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

idp_status idp__report_new(const char *file, const idp_check_options *opt,
                           idp_report **out)
{
    const idp_profile *p =
        opt && opt->profile ? opt->profile : idp_profile_default();
    idp_report *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r)
        return IDP_E_NOMEM;
    r->file = strdup(file ? file : "");
    if (!r->file) {
        free(r);
        return IDP_E_NOMEM;
    }
    idp__strlcpy(r->profile, p->id, sizeof r->profile);
    r->mode = opt ? opt->mode : IDP_MODE_FINAL;
    r->verdict = IDP_VERDICT_PASS;
    idp__timings_clear(&r->timings);
    *out = r;
    return IDP_OK;
}

const idp_face *idp__report_subject(const idp_report *r)
{
    for (size_t i = 0; i < r->n_faces; i++)
        if (r->faces[i].is_subject)
            return &r->faces[i];
    return NULL;
}

static void scale_point(idp_point *p, double f)
{
    p->x *= f;
    p->y *= f;
}

static void scale_rect(idp_rect *r, double f)
{
    r->x *= f;
    r->y *= f;
    r->w *= f;
    r->h *= f;
}

void idp__report_scale_geometry(idp_report *r, double f)
{
    idp_measurements *m = &r->m;
    double *len[] = {&m->eye_line_y,    &m->eye_distance, &m->face_width,
                     &m->face_centre_x, &m->chin_y,       &m->head_top_y,
                     &m->head_height};
    for (size_t i = 0; i < r->n_faces; i++) {
        scale_rect(&r->faces[i].box, f);
        for (int k = 0; k < IDP_LANDMARKS; k++)
            scale_point(&r->faces[i].landmarks[k], f);
    }
    scale_point(&m->eye_left, f);
    scale_point(&m->eye_right, f);
    for (size_t i = 0; i < sizeof len / sizeof len[0]; i++)
        *len[i] *= f;
    m->scale *= f;
    scale_rect(&r->plan.crop, f);
    r->plan.k /= f;
}

void idp__timings_clear(idp_timings *t)
{
    double *stage[] = {&t->decode,  &t->detect, &t->landmarks,
                       &t->segment, &t->frame,  &t->recolour,
                       &t->encode,  &t->checks, &t->model_load};
    for (size_t i = 0; i < sizeof stage / sizeof stage[0]; i++)
        *stage[i] = NAN;
}

idp_status idp_report_timings(const idp_report *r, idp_timings *out)
{
    if (!r || !out)
        return IDP_E_INVALID_ARG;
    *out = r->timings;
    return IDP_OK;
}

idp_status idp_report_set_timings(idp_report *r, const idp_timings *t)
{
    if (!r || !t)
        return IDP_E_INVALID_ARG;
    r->timings = *t;
    return IDP_OK;
}

idp_status idp_report_new_error(const char *file, const idp_check_options *opt,
                                idp_status code, const char *message,
                                idp_report **out)
{
    idp_report *r = NULL;
    idp_status st;
    if (!out)
        return IDP_E_INVALID_ARG;
    st = idp__report_new(file, opt, &r);
    if (st != IDP_OK)
        return st;
    r->verdict = IDP_VERDICT_ERROR;
    r->error_code = code;
    r->error_message = strdup(message ? message : "");
    if (!r->error_message) {
        idp_report_free(r);
        return IDP_E_NOMEM;
    }
    *out = r;
    return IDP_OK;
}

void idp_report_free(idp_report *r)
{
    if (!r)
        return;
    idp__matte_free(r->matte);
    free(r->output_path);
    free(r->faces);
    free(r->error_message);
    free(r->file);
    free(r);
}

idp_verdict idp_report_verdict(const idp_report *r)
{
    return r ? r->verdict : IDP_VERDICT_ERROR;
}

const char *idp_verdict_name(idp_verdict v)
{
    static const char *const names[] = {"pass", "warn", "fail", "error"};
    return (unsigned)v < 4 ? names[v] : "error";
}

const char *idp_check_status_name(idp_check_status s)
{
    static const char *const names[] = {"pass", "warn", "fail", "skip"};
    return (unsigned)s < 4 ? names[s] : "skip";
}

size_t idp_report_face_count(const idp_report *r)
{
    return r ? r->n_faces : 0;
}

const idp_face *idp_report_face_at(const idp_report *r, size_t i)
{
    return r && i < r->n_faces ? &r->faces[i] : NULL;
}

const idp_measurements *idp_report_measurements(const idp_report *r)
{
    return r && r->has_image ? &r->m : NULL;
}

size_t idp_report_check_count(const idp_report *r)
{
    return r ? r->n_checks : 0;
}

const idp_check_result *idp_report_check_at(const idp_report *r, size_t i)
{
    return r && i < r->n_checks ? &r->checks[i] : NULL;
}

idp_status idp_report_set_output(idp_report *r, const char *path, int64_t bytes,
                                 int width, int height, int quality)
{
    char *copy;
    if (!r || !path)
        return IDP_E_INVALID_ARG;
    copy = strdup(path);
    if (!copy)
        return IDP_E_NOMEM;
    free(r->output_path);
    r->output_path = copy;
    r->output_bytes = bytes;
    r->output_w = width;
    r->output_h = height;
    r->output_quality = quality;
    return IDP_OK;
}

const idp_check_result *idp_report_find_check(const idp_report *r,
                                              const char *id)
{
    for (size_t i = 0; r && id && i < r->n_checks; i++)
        if (strcmp(r->checks[i].id, id) == 0)
            return &r->checks[i];
    return NULL;
}
