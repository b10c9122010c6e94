/*
 * report_json.c - the report as JSON, schema "idphoto.report/1" (see
 * docs/report.md). Key order is fixed; numbers are rounded to 0.001 so output
 * is stable across runs. The only file that writes JSON.
 */
#include "idp_internal.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
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

/* Length of the valid UTF-8 sequence at s, or 0 (overlong forms,
 * surrogates and code points above U+10FFFF are invalid). */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    size_t n = c < 0x80                 ? 1
               : c >= 0xC2 && c <= 0xDF ? 2
               : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4
                                        : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0) ||
        (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))
        return 0;
    return n;
}

/* JSON text must be UTF-8. File names need not be (a GB18030 name from a
 * Windows zip): each invalid byte becomes U+FFFD. */
static cJSON *text(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    char *buf = malloc(strlen(s) * 3 + 1);
    cJSON *j;
    if (!buf)
        return NULL;
    while (*p) {
        size_t n = utf8_len(p);
        memcpy(buf + o, n ? (const char *)p : "\xEF\xBF\xBD", n ? n : 3);
        o += n ? n : 3;
        p += n ? n : 1;
    }
    buf[o] = '\0';
    j = cJSON_CreateString(buf);
    free(buf);
    return j;
}

static void add_text(cJSON *o, const char *k, const char *v)
{
    cJSON_AddItemToObject(o, k, text(v));
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
    cJSON_AddNumberToObject(o, "shrink", in->shrink > 1 ? in->shrink : 1);
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

static const char *crown_method_name(int method)
{
    return method == IDP_CROWN_MATTE  ? "matte"
           : method == IDP_CROWN_WALL ? "pixels"
                                      : "landmarks";
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
                            crown_method_name(m->head_top_method));
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
    add_text(e, "message", r->error_message);
    cJSON_AddItemToObject(o, "error", e);
}

static void add_output(cJSON *o, const idp_report *r)
{
    cJSON *out;
    if (!r->output_path) {
        cJSON_AddNullToObject(o, "output");
        return;
    }
    out = cJSON_CreateObject();
    add_text(out, "path", r->output_path);
    cJSON_AddNumberToObject(out, "bytes", (double)r->output_bytes);
    cJSON_AddNumberToObject(out, "width", r->output_w);
    cJSON_AddNumberToObject(out, "height", r->output_h);
    cJSON_AddNumberToObject(out, "quality", r->output_quality);
    cJSON_AddItemToObject(o, "output", out);
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
    add_output(o, r);
}

/* "timings": ms per stage in a fixed order, null for a stage not run. */
static void add_timings(cJSON *o, const idp_timings *t)
{
    cJSON *j = cJSON_AddObjectToObject(o, "timings");
    add_num(j, "decode", t->decode);
    add_num(j, "detect", t->detect);
    add_num(j, "landmarks", t->landmarks);
    add_num(j, "segment", t->segment);
    add_num(j, "frame", t->frame);
    add_num(j, "recolour", t->recolour);
    add_num(j, "encode", t->encode);
    add_num(j, "checks", t->checks);
    add_num(j, "model_load", t->model_load);
}

idp_status idp_report_to_json(const idp_report *r, char **json)
{
    return idp_report_to_json_with(r, 0, json);
}

idp_status idp_report_to_json_with(const idp_report *r, unsigned flags,
                                   char **json)
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
    add_text(o, "file", r->file);
    cJSON_AddStringToObject(o, "profile", r->profile);
    cJSON_AddStringToObject(o, "mode",
                            r->mode == IDP_MODE_CAPTURE ? "capture" : "final");
    cJSON_AddStringToObject(o, "verdict", idp_verdict_name(r->verdict));
    add_error(o, r);
    add_body(o, r);
    if (flags & IDP_JSON_TIMINGS)
        add_timings(o, &r->timings);
    *json = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return *json ? IDP_OK : IDP_E_NOMEM;
}
