/*
 * checks.c - the table of rules and the helpers every rule uses. A rule is
 * one function that reads an idp__check_env and fills one result; its id
 * is stable (JSON, docs and tests use it). Order here is report order.
 */
#include "checks.h"
#include "face_zones.h"

#include <math.h>
#include <string.h>

/* Rules marked FACE judge the subject: with no face they are skipped
 * (face_count says why) and never run. */
#define FACE 1
#define ANY  0

static const idp__check_def table[] = {
    {"face_count", idp__check_face_count, ANY},
    {"face_resolution", idp__check_face_resolution, FACE},
    {"head_top", idp__check_head_top, FACE},
    {"eye_line", idp__check_eye_line, FACE},
    {"face_width", idp__check_face_width, FACE},
    {"head_height", idp__check_head_height, FACE},
    {"face_centred", idp__check_face_centred, FACE},
    {"head_cropped", idp__check_head_cropped, FACE},
    {"shoulders_visible", idp__check_shoulders_visible, FACE},
    {"shoulders_level", idp__check_shoulders_level, FACE},
    {"head_roll", idp__check_head_roll, FACE},
    {"head_yaw", idp__check_head_yaw, FACE},
    {"head_pitch", idp__check_head_pitch, FACE},
    {"eyes_open", idp__check_eyes_open, FACE},
    {"gaze_forward", idp__check_gaze_forward, FACE},
    {"mouth_closed", idp__check_mouth_closed, FACE},
    {"tinted_glasses", idp__check_tinted_glasses, FACE},
    {"glasses_glare", idp__check_glasses_glare, FACE},
    {"red_eye", idp__check_red_eye, FACE},
    {"hair_over_eyes", idp__check_hair_over_eyes, FACE},
    {"ears_visible", idp__check_ears_visible, FACE},
    {"head_covering", idp__check_head_covering, FACE},
    {"face_exposure", idp__check_face_exposure, FACE},
    {"backlight", idp__check_backlight, FACE},
    {"face_lighting_even", idp__check_face_lighting_even, FACE},
    {"face_shadow", idp__check_face_shadow, FACE},
    {"sharpness", idp__check_sharpness, FACE},
    {"noise", idp__check_noise, ANY},
    {"compression", idp__check_compression, ANY},
    {"colour_photo", idp__check_colour_photo, ANY},
    {"colour_natural", idp__check_colour_natural, FACE},
    {"background_uniform", idp__check_background_uniform, FACE},
    {"background_colour", idp__check_background_colour, FACE},
    {"background_shadow", idp__check_background_shadow, FACE},
    {"clothing_contrast", idp__check_clothing_contrast, FACE},
    {"jewellery", idp__check_jewellery, FACE},
    {"makeup", idp__check_makeup, FACE},
    {"file_format", idp__check_file_format, ANY},
    {"dimensions", idp__check_dimensions, ANY},
    {"file_size", idp__check_file_size, ANY},
    {"dpi", idp__check_dpi, ANY},
};

#define N_CHECKS (sizeof table / sizeof table[0])

size_t idp_check_id_count(void)
{
    return N_CHECKS;
}

const char *idp_check_id_at(size_t i)
{
    return i < N_CHECKS ? table[i].id : NULL;
}

const idp__check_def *idp__check_find(const char *id)
{
    for (size_t i = 0; id && i < N_CHECKS; i++)
        if (strcmp(table[i].id, id) == 0)
            return &table[i];
    return NULL;
}

static void no_face(idp_check_result *r)
{
    idp__res_skip(r, "未检测到人脸，无法判断", "no face found: cannot judge");
}

static idp_verdict worst(idp_verdict v, idp_check_status s)
{
    if (s == IDP_FAIL)
        return IDP_VERDICT_FAIL;
    if (s == IDP_WARN && v == IDP_VERDICT_PASS)
        return IDP_VERDICT_WARN;
    return v;
}

/* Every `step`-th rule from `first`, each into its own result. */
typedef struct rules_job {
    const idp__check_env *env;
    idp_report *r;
    size_t first, step;
} rules_job;

static void run_some(void *p)
{
    rules_job *j = p;
    for (size_t i = j->first; i < j->r->n_checks; i += j->step) {
        idp_check_result *c = &j->r->checks[i];
        memset(c, 0, sizeof *c);
        c->id = table[i].id;
        c->value = NAN;
        if (table[i].needs_face && !j->env->subject)
            no_face(c);
        else
            table[i].fn(j->env, c);
    }
}

/* What the rules share, measured before they run side by side: the
 * subject's skin colour, the wall and the light on the face (else the
 * first rule to ask would write them while another reads them). */
static void shared_first(const idp__check_env *env)
{
    idp__px p;
    idp__face_geo g;
    double lab[3];
    if (env->skin && env->subject && idp__px_init(&p, env->img) == 0) {
        idp__face_geo_of(env->subject->landmarks, &g);
        (void)idp__env_skin(env, &p, &g, lab);
    }
    idp__env_wall(env);
    idp__env_light(env);
}

/* The rules are independent (each reads the environment and writes its
 * own result), so on two threads they run interleaved, even and odd
 * rules, which balances the costly appearance rules; the report is the
 * same. */
void idp__run_checks(const idp__check_env *env, idp_report *r)
{
    rules_job even = {env, r, 0, 1}, odd = {env, r, 1, 2};
    r->n_checks = N_CHECKS < IDP__MAX_CHECKS ? N_CHECKS : IDP__MAX_CHECKS;
    if (env->threads >= 2) {
        even.step = 2;
        shared_first(env);
        idp__par2(env->threads, run_some, &even, run_some, &odd);
    } else {
        run_some(&even);
    }
    r->verdict = IDP_VERDICT_PASS;
    for (size_t i = 0; i < r->n_checks; i++)
        r->verdict = worst(r->verdict, r->checks[i].status);
}

void idp__res(idp_check_result *r, idp_check_status st, double value,
              const char *unit)
{
    r->status = st;
    r->value = value;
    idp__strlcpy(r->unit, unit ? unit : "", sizeof r->unit);
}

void idp__res_limit(idp_check_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->limit, sizeof r->limit, fmt, ap);
    va_end(ap);
}

void idp__res_msg(idp_check_result *r, const char *zh, const char *en, ...)
{
    va_list ap, ap2;
    va_start(ap, en);
    va_copy(ap2, ap);
    vsnprintf(r->message_zh, sizeof r->message_zh, zh, ap);
    vsnprintf(r->message_en, sizeof r->message_en, en, ap2);
    va_end(ap2);
    va_end(ap);
}

void idp__res_pass(idp_check_result *r)
{
    idp__strlcpy(r->message_zh, "符合要求", sizeof r->message_zh);
    idp__strlcpy(r->message_en, "ok", sizeof r->message_en);
}

void idp__res_skip(idp_check_result *r, const char *zh, const char *en)
{
    idp__res(r, IDP_SKIP, NAN, "");
    idp__strlcpy(r->message_zh, zh, sizeof r->message_zh);
    idp__strlcpy(r->message_en, en, sizeof r->message_en);
}

void idp__res_look(idp_check_result *r, const char *zh, const char *en)
{
    idp__res(r, IDP_WARN, NAN, "");
    idp__res_msg(r, zh, en);
}

idp_check_status idp__grade_high(double v, double warn, double fail)
{
    if (isnan(v) || v > fail)
        return IDP_FAIL;
    return v > warn ? IDP_WARN : IDP_PASS;
}

idp_check_status idp__grade_low(double v, double warn, double fail)
{
    if (isnan(v) || v < fail)
        return IDP_FAIL;
    return v < warn ? IDP_WARN : IDP_PASS;
}

int idp__band_holds(idp_band b, double s, double v)
{
    if (isnan(v))
        return 0;
    if (b.has_min && v < b.min * s)
        return 0;
    if (b.has_max && v > b.max * s)
        return 0;
    return 1;
}

void idp__band_text(idp_band b, double s, const char *unit, char *buf,
                    size_t len)
{
    if (b.has_min && b.has_max)
        snprintf(buf, len, "%.0f-%.0f %s", b.min * s, b.max * s, unit);
    else if (b.has_min)
        snprintf(buf, len, ">= %.0f %s", b.min * s, unit);
    else if (b.has_max)
        snprintf(buf, len, "<= %.0f %s", b.max * s, unit);
    else
        snprintf(buf, len, "any");
}
