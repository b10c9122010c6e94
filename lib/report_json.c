/*
 * report_json.c - the report as JSON, schema "idphoto.report/1" (see
 * docs/report.md). Key order is fixed; numbers are rounded to 0.001 so output
 * is stable across runs. The only file that writes JSON.
 */
#include "idp_internal.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

static double r3(double v)
{
    return round(v * 1000.0) / 1000.0;
}

/* A number, or null when NaN/inf (JSON has no NaN). */
static cJSON *num(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(r3(v)) : cJSON_CreateNull();
}

static void add_num(cJSON *o, const char *k, double v)
{
    cJSON_AddItemToObject(o, k, num(v));
}

static cJSON *point(idp_point p)
{
    cJSON *a = cJSON_CreateArray();
    cJSON_AddItemToArray(a, num(p.x));
    cJSON_AddItemToArray(a, num(p.y));
    return a;
}

static cJSON *image_json(const idp_image_info *in)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "width", in->width);
    cJSON_AddNumberToObject(o, "height", in->height);
    cJSON_AddStringToObject(o, "format", in->format);
    cJSON_AddNumberToObject(o, "bytes", (double)in->file_bytes);
    if (in->has_density)
        add_num(o, "dpi", in->dpi_x);
    else
        cJSON_AddNullToObject(o, "dpi");
    cJSON_AddNumberToObject(o, "orientation", in->orientation);
    cJSON_AddNumberToObject(o, "bands", in->bands);
    cJSON_AddNumberToObject(o, "bits", in->bits);
    cJSON_AddStringToObject(o, "interpretation", in->interpretation);
    cJSON_AddBoolToObject(o, "alpha", in->has_alpha);
    cJSON_AddBoolToObject(o, "icc", in->has_icc);
    cJSON_AddBoolToObject(o, "exif", in->has_exif);
    return o;
}

static cJSON *face_json(const idp_face *f)
{
    cJSON *o = cJSON_CreateObject(), *box = cJSON_CreateArray();
    cJSON *lm = cJSON_CreateArray();
    cJSON_AddItemToArray(box, num(f->box.x));
    cJSON_AddItemToArray(box, num(f->box.y));
    cJSON_AddItemToArray(box, num(f->box.w));
    cJSON_AddItemToArray(box, num(f->box.h));
    cJSON_AddItemToObject(o, "box", box);
    add_num(o, "score", f->score);
    cJSON_AddBoolToObject(o, "subject", f->is_subject);
    cJSON_AddBoolToObject(o, "counted", f->counted);
    for (int i = 0; i < IDP_LANDMARKS; i++)
        cJSON_AddItemToArray(lm, point(f->landmarks[i]));
    cJSON_AddItemToObject(o, "landmarks", lm);
    return o;
}

static cJSON *measurements_json(const idp_measurements *m)
{
    cJSON *o = cJSON_CreateObject();
    if (!m->has_face) {
        add_num(o, "colourfulness", m->colourfulness);
        add_num(o, "hue_spread", m->hue_spread);
        return o;
    }
    cJSON_AddItemToObject(o, "eye_left", point(m->eye_left));
    cJSON_AddItemToObject(o, "eye_right", point(m->eye_right));
    add_num(o, "eye_line_y", m->eye_line_y);
    add_num(o, "eye_distance", m->eye_distance);
    add_num(o, "face_width", m->face_width);
    add_num(o, "face_centre_x", m->face_centre_x);
    add_num(o, "chin_y", m->chin_y);
    add_num(o, "head_top_y", m->head_top_y);
    cJSON_AddStringToObject(o, "head_top_method",
                            m->head_top_from_pixels ? "pixels" : "landmarks");
    add_num(o, "head_height", m->head_height);
    add_num(o, "roll_deg", m->roll_deg);
    add_num(o, "yaw_deg", m->yaw_deg);
    add_num(o, "pitch_deg", m->pitch_deg);
    add_num(o, "eye_open_left", m->eye_open_left);
    add_num(o, "eye_open_right", m->eye_open_right);
    add_num(o, "mouth_gap", m->mouth_gap);
    add_num(o, "colourfulness", m->colourfulness);
    add_num(o, "hue_spread", m->hue_spread);
    add_num(o, "scale", m->scale);
    return o;
}

static cJSON *check_json(const idp_check_result *c)
{
    cJSON *o = cJSON_CreateObject(), *msg = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", c->id);
    cJSON_AddStringToObject(o, "status", idp_check_status_name(c->status));
    add_num(o, "value", c->value);
    cJSON_AddStringToObject(o, "unit", c->unit);
    cJSON_AddStringToObject(o, "limit", c->limit);
    cJSON_AddStringToObject(msg, "zh", c->message_zh);
    cJSON_AddStringToObject(msg, "en", c->message_en);
    cJSON_AddItemToObject(o, "message", msg);
    return o;
}

static void add_error(cJSON *o, const idp_report *r)
{
    cJSON *e;
    if (r->verdict != IDP_VERDICT_ERROR) {
        cJSON_AddNullToObject(o, "error");
        return;
    }
    e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "code", idp_status_name(r->error_code));
    cJSON_AddStringToObject(e, "message", r->error_message);
    cJSON_AddItemToObject(o, "error", e);
}

static void add_body(cJSON *o, const idp_report *r)
{
    cJSON *faces = cJSON_CreateArray(), *checks = cJSON_CreateArray();
    if (r->has_image)
        cJSON_AddItemToObject(o, "image", image_json(&r->info));
    else
        cJSON_AddNullToObject(o, "image");
    for (size_t i = 0; i < r->n_faces; i++)
        cJSON_AddItemToArray(faces, face_json(&r->faces[i]));
    cJSON_AddItemToObject(o, "faces", faces);
    if (r->has_image)
        cJSON_AddItemToObject(o, "measurements", measurements_json(&r->m));
    else
        cJSON_AddNullToObject(o, "measurements");
    for (size_t i = 0; i < r->n_checks; i++)
        cJSON_AddItemToArray(checks, check_json(&r->checks[i]));
    cJSON_AddItemToObject(o, "checks", checks);
    cJSON_AddNullToObject(o, "output");
}

idp_status idp_report_to_json(const idp_report *r, char **json)
{
    cJSON *o;
    if (!json)
        return IDP_E_INVALID_ARG;
    *json = NULL;
    if (!r)
        return IDP_E_INVALID_ARG;
    o = cJSON_CreateObject();
    if (!o)
        return IDP_E_NOMEM;
    cJSON_AddStringToObject(o, "schema", "idphoto.report/1");
    cJSON_AddStringToObject(o, "file", r->file);
    cJSON_AddStringToObject(o, "profile", r->profile);
    cJSON_AddStringToObject(o, "mode",
                            r->mode == IDP_MODE_CAPTURE ? "capture" : "final");
    cJSON_AddStringToObject(o, "verdict", idp_verdict_name(r->verdict));
    add_error(o, r);
    add_body(o, r);
    *json = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return *json ? IDP_OK : IDP_E_NOMEM;
}
