/* test_report_json.c - the JSON report: schema, key order, nulls. */
#include "check.h"
#include "idp_internal.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static void test_error_report(void)
{
    idp_check_options o = {NULL, IDP_MODE_CAPTURE};
    idp_report *r = NULL;
    char *json = NULL;
    cJSON *j, *e;
    CHECK_EQ_INT(idp_report_new_error("a \"b\".jpg", &o, IDP_E_DECODE,
                                      "a.jpg: not an image", &r),
                 IDP_OK);
    CHECK_EQ_INT(idp_report_to_json(r, &json), IDP_OK);
    j = cJSON_Parse(json);
    CHECK(j != NULL);
    CHECK_STR(cJSON_GetObjectItem(j, "schema")->valuestring,
              "idphoto.report/1");
    CHECK_STR(cJSON_GetObjectItem(j, "file")->valuestring, "a \"b\".jpg");
    CHECK_STR(cJSON_GetObjectItem(j, "profile")->valuestring, "chsi");
    CHECK_STR(cJSON_GetObjectItem(j, "mode")->valuestring, "capture");
    CHECK_STR(cJSON_GetObjectItem(j, "verdict")->valuestring, "error");
    e = cJSON_GetObjectItem(j, "error");
    CHECK_STR(cJSON_GetObjectItem(e, "code")->valuestring, "decode");
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, "image")));
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "checks")) == 0);
    CHECK(strchr(json, '\n') == NULL);
    cJSON_Delete(j);
    idp_free(json);
    idp_report_free(r);
}

static void test_full_report(void)
{
    idp_check_options o = {NULL, IDP_MODE_FINAL};
    idp_report *r = NULL;
    char *json = NULL;
    cJSON *j, *c, *f;
    const char *order[] = {"schema",       "file",   "profile", "mode",
                           "verdict",      "error",  "image",   "faces",
                           "measurements", "checks", "output"};
    size_t k = 0;
    CHECK_EQ_INT(idp__report_new("x.jpg", &o, &r), IDP_OK);
    r->has_image = 1;
    strcpy(r->info.format, "jpeg");
    r->info.width = 480;
    r->info.height = 640;
    r->faces = calloc(1, sizeof *r->faces);
    r->n_faces = 1;
    r->faces[0].box = (idp_rect){1.2344, 2, 3, 4};
    r->faces[0].is_subject = 1;
    r->m.has_face = 1;
    r->m.yaw_deg = NAN;
    r->m.eye_line_y = 250.456;
    r->n_checks = 1;
    r->checks[0].id = "eyes_open";
    r->checks[0].status = IDP_WARN;
    r->checks[0].value = 0.1834;
    strcpy(r->checks[0].message_zh, "眼睛");
    CHECK_EQ_INT(idp_report_to_json(r, &json), IDP_OK);
    j = cJSON_Parse(json);
    CHECK(j != NULL);
    for (c = j ? j->child : NULL; c; c = c->next, k++)
        CHECK_STR(c->string, k < 11 ? order[k] : "(extra)");
    CHECK_EQ_INT(k, 11);
    f = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "faces"), 0);
    CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(f, "landmarks")), 68);
    CHECK_NEAR(
        cJSON_GetArrayItem(cJSON_GetObjectItem(f, "box"), 0)->valuedouble,
        1.234, 1e-9);
    c = cJSON_GetObjectItem(j, "measurements");
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(c, "yaw_deg")));
    CHECK_NEAR(cJSON_GetObjectItem(c, "eye_line_y")->valuedouble, 250.456,
               1e-9);
    c = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "checks"), 0);
    CHECK_STR(cJSON_GetObjectItem(c, "status")->valuestring, "warn");
    CHECK_NEAR(cJSON_GetObjectItem(c, "value")->valuedouble, 0.183, 1e-9);
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "message"), "zh")
                  ->valuestring,
              "眼睛");
    cJSON_Delete(j);
    idp_free(json);
    idp_report_free(r);
}

static void test_file_names_become_utf8(void)
{
    idp_check_options o = {NULL, IDP_MODE_FINAL};
    idp_report *r = NULL;
    char *json = NULL;
    cJSON *j;
    /* 李四 in GB18030, a valid 张三, a truncated sequence, a surrogate */
    const char *name = "\xC0\xEE\xCB\xC4/张三/\xE5\xBC/\xED\xA0\x80.jpg";
    CHECK_EQ_INT(idp_report_new_error(name, &o, IDP_E_IO, name, &r), IDP_OK);
    CHECK_EQ_INT(idp_report_to_json(r, &json), IDP_OK);
    j = cJSON_Parse(json);
    CHECK(j != NULL);
    CHECK_STR(
        cJSON_GetObjectItem(j, "file")->valuestring,
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD/张三/"
        "\xEF\xBF\xBD\xEF\xBF\xBD/\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD.jpg");
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "message")
                  ->valuestring,
              cJSON_GetObjectItem(j, "file")->valuestring);
    cJSON_Delete(j);
    idp_free(json);
    idp_report_free(r);
}

/* IDP_JSON_TIMINGS: "timings" is the last key, stages in order, NAN as
 * null; without the flag there is no such key. */
static void test_timings(void)
{
    static const char *const keys[] = {"decode",  "detect", "landmarks",
                                       "segment", "frame",  "recolour",
                                       "encode",  "checks", "model_load"};
    idp_report *r = NULL;
    idp_timings t, back;
    char *json = NULL;
    cJSON *j, *tj, *item;
    size_t i = 0;
    CHECK_EQ_INT(idp_report_new_error("a.jpg", NULL, IDP_E_DECODE, "x", &r),
                 IDP_OK);
    CHECK_EQ_INT(idp_report_timings(r, &t), IDP_OK);
    CHECK(isnan(t.decode) && isnan(t.model_load));
    t.decode = 1.25;
    t.encode = 7.0004;
    CHECK_EQ_INT(idp_report_set_timings(r, &t), IDP_OK);
    CHECK_EQ_INT(idp_report_timings(r, &back), IDP_OK);
    CHECK_NEAR(back.decode, 1.25, 0);
    CHECK_EQ_INT(idp_report_to_json(r, &json), IDP_OK);
    CHECK(strstr(json, "timings") == NULL);
    idp_free(json);
    CHECK_EQ_INT(idp_report_to_json_with(r, IDP_JSON_TIMINGS, &json), IDP_OK);
    j = cJSON_Parse(json);
    tj = cJSON_GetObjectItem(j, "timings");
    CHECK(tj != NULL && tj == j->child->prev); /* the last key */
    cJSON_ArrayForEach(item, tj)
    {
        CHECK(i < 9 && strcmp(item->string, keys[i]) == 0);
        i++;
    }
    CHECK_EQ_INT(i, 9);
    CHECK_NEAR(cJSON_GetObjectItem(tj, "decode")->valuedouble, 1.25, 1e-9);
    CHECK_NEAR(cJSON_GetObjectItem(tj, "encode")->valuedouble, 7.0, 1e-9);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(tj, "detect")));
    cJSON_Delete(j);
    idp_free(json);
    idp_report_free(r);
}

int main(void)
{
    test_file_names_become_utf8();
    test_timings();
    test_error_report();
    test_full_report();
    return CHECK_DONE();
}
