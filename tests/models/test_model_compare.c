/*
 * test_model_compare.c - the compact face model against dlib's own.
 *
 *   test_model_compare COMPACT.idp DLIB.dat PHOTOS_DIR
 *
 * Every photo of PHOTOS_DIR/MANIFEST.tsv is checked twice, as a final
 * photo, by two contexts: one with the compact model (landmarks from
 * lib/shape_predict.c, detector read from the file) and one with dlib's
 * .dat (landmarks from dlib's shape_predictor, dlib's built-in detector).
 * The two must find the same faces (boxes and scores), the same 68
 * landmarks within 0.01 px, and give the same report (the JSON: every
 * measurement, rule and verdict). Exit 0 when all agree, 1 on the first
 * photo that differs, 77 when PHOTOS_DIR is absent (1 with
 * IDP_REQUIRE_PHOTOS=1).
 */
#include "idphoto.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOLERANCE 0.01

typedef struct stats {
    int photos, faces;
    double worst;
} stats;

static int new_ctx(const char *model, idp_ctx **ctx)
{
    if (idp_ctx_new(ctx) != IDP_OK ||
        idp_ctx_set_model(*ctx, model) != IDP_OK) {
        fprintf(stderr, "cannot make a context for %s\n", model);
        return 1;
    }
    return 0;
}

static int check(idp_ctx *ctx, const char *path, idp_report **r, char **json)
{
    idp_image *img = NULL;
    idp_status st = idp_image_load(ctx, path, &img);
    if (st == IDP_OK)
        st = idp_check(ctx, img, NULL, r);
    if (st == IDP_OK)
        st = idp_report_to_json(*r, json);
    idp_image_free(img);
    if (st != IDP_OK)
        fprintf(stderr, "%s: %s\n", path, idp_ctx_error(ctx));
    return st == IDP_OK ? 0 : 1;
}

static int same_face(const char *name, size_t i, const idp_face *a,
                     const idp_face *b, stats *s)
{
    if (a->box.x != b->box.x || a->box.y != b->box.y || a->box.w != b->box.w ||
        a->box.h != b->box.h || a->score != b->score) {
        fprintf(stderr, "%s: face %zu: the detectors differ\n", name, i);
        return 0;
    }
    for (int k = 0; k < IDP_LANDMARKS; k++) {
        double d = fmax(fabs(a->landmarks[k].x - b->landmarks[k].x),
                        fabs(a->landmarks[k].y - b->landmarks[k].y));
        s->worst = fmax(s->worst, d);
        if (!(d <= TOLERANCE)) {
            fprintf(stderr,
                    "%s: face %zu landmark %d: compact (%g, %g), dlib (%g, "
                    "%g)\n",
                    name, i, k, a->landmarks[k].x, a->landmarks[k].y,
                    b->landmarks[k].x, b->landmarks[k].y);
            return 0;
        }
    }
    s->faces++;
    return 1;
}

static int compare(idp_ctx *c, idp_ctx *d, const char *dir, const char *name,
                   stats *s)
{
    char path[8192 + 4096];
    idp_report *rc = NULL, *rd = NULL;
    char *jc = NULL, *jd = NULL;
    int ok = 0;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (check(c, path, &rc, &jc) == 0 && check(d, path, &rd, &jd) == 0) {
        size_t n = idp_report_face_count(rc);
        ok = n == idp_report_face_count(rd);
        if (!ok)
            fprintf(stderr, "%s: %zu faces against %zu\n", name, n,
                    idp_report_face_count(rd));
        for (size_t i = 0; ok && i < n; i++)
            ok = same_face(name, i, idp_report_face_at(rc, i),
                           idp_report_face_at(rd, i), s);
        if (ok && strcmp(jc, jd) != 0) {
            fprintf(stderr, "%s: reports differ\ncompact: %s\ndlib:    %s\n",
                    name, jc, jd);
            ok = 0;
        }
    }
    printf("%-40s %zu faces, %s, %s\n", name,
           rc ? idp_report_face_count(rc) : 0,
           rc ? idp_verdict_name(idp_report_verdict(rc)) : "error",
           ok ? "same" : "DIFFERENT");
    s->photos += ok;
    idp_free(jc);
    idp_free(jd);
    idp_report_free(rc);
    idp_report_free(rd);
    return ok ? 0 : 1;
}

static int is_photo(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (strcmp(dot, ".jpg") == 0 || strcmp(dot, ".jpeg") == 0 ||
                   strcmp(dot, ".png") == 0);
}

/* The first column of every MANIFEST.tsv row after the header. */
static int each_photo(idp_ctx *c, idp_ctx *d, const char *dir, stats *s)
{
    char path[4096], line[8192];
    int fails = 0, header = 1;
    FILE *f;
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", dir);
    f = fopen(path, "r");
    if (!f) {
        const char *req = getenv("IDP_REQUIRE_PHOTOS");
        printf("SKIP: %s not found\n", path);
        return req && strcmp(req, "1") == 0 ? 1 : 77;
    }
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\t\r\n")] = '\0';
        if (!header && is_photo(line))
            fails += compare(c, d, dir, line, s);
        header = 0;
    }
    fclose(f);
    return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
    idp_ctx *c = NULL, *d = NULL;
    stats s = {0, 0, 0.0};
    int rc = 1;
    if (argc != 4) {
        fprintf(stderr, "usage: test_model_compare COMPACT DAT PHOTOS\n");
        return 2;
    }
    if (new_ctx(argv[1], &c) == 0 && new_ctx(argv[2], &d) == 0)
        rc = each_photo(c, d, argv[3], &s);
    if (rc != 77)
        printf("%d photos agree, %d faces, largest landmark difference %g "
               "px\n",
               s.photos, s.faces, s.worst);
    idp_ctx_free(c);
    idp_ctx_free(d);
    return rc;
}
