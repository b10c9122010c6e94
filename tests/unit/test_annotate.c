/* test_annotate.c - the drawing routines (draw.c: lines, blending,
 * clipping) and what idp__annotate_draw() puts where (annotate.c). Run it
 * under -fsanitize=address too (IDP_SANITIZE): the canvases here are
 * allocated to their exact size, with guard bytes checked besides. */
#include "check.h"
#include "idp_internal.h"
#include "synth.h"

#include <math.h>
#include <stdlib.h>

static const idp_rgb WHITE = {255, 255, 255};
static const idp_rgb RED = {255, 0, 0};

#define GUARD 64
#define FILL  0xAB

/* A canvas of w x h with `pad` bytes after each row, inside a buffer of
 * guard bytes; all of it FILL, the pixels then set to `v`. */
typedef struct guarded {
    uint8_t *buf;
    size_t size;
    idp__canvas cv;
} guarded;

static int guarded_new(guarded *g, int w, int h, size_t pad, uint8_t v)
{
    g->cv.w = w;
    g->cv.h = h;
    g->cv.stride = (size_t)w * 3 + pad;
    g->size = g->cv.stride * (size_t)h + 2 * GUARD;
    g->buf = malloc(g->size);
    if (!g->buf)
        return -1;
    memset(g->buf, FILL, g->size);
    g->cv.px = g->buf + GUARD;
    for (int y = 0; y < h; y++)
        memset(g->cv.px + (size_t)y * g->cv.stride, v, (size_t)w * 3);
    return 0;
}

/* Bytes outside the pixels (guards and row padding) still FILL? */
static int guarded_intact(const guarded *g)
{
    for (size_t i = 0; i < g->size; i++) {
        size_t off = i - GUARD;
        int pixel = i >= GUARD && i < g->size - GUARD &&
                    off % g->cv.stride < (size_t)g->cv.w * 3;
        if (!pixel && g->buf[i] != FILL)
            return 0;
    }
    return 1;
}

static const uint8_t *px(const idp__canvas *cv, int x, int y)
{
    return cv->px + (size_t)y * cv->stride + (size_t)x * 3;
}

static int is_rgb(const uint8_t *p, int r, int g, int b)
{
    return p[0] == r && p[1] == g && p[2] == b;
}

static int count_set(const idp__canvas *cv)
{
    int n = 0;
    for (int y = 0; y < cv->h; y++)
        for (int x = 0; x < cv->w; x++)
            n += px(cv, x, y)[0] != 0;
    return n;
}

static void test_diagonal(void)
{
    guarded g;
    if (guarded_new(&g, 10, 10, 0, 0))
        return;
    idp__draw_line(&g.cv, 0, 0, 9, 9, 1, WHITE);
    for (int i = 0; i < 10; i++)
        CHECK(is_rgb(px(&g.cv, i, i), 255, 255, 255));
    CHECK_EQ_INT(count_set(&g.cv), 10);
    /* the same line, given from far outside, is clipped onto it */
    memset(g.cv.px, 0, 300);
    idp__draw_line(&g.cv, -100, -100, 1e6, 1e6, 1, WHITE);
    for (int i = 0; i < 10; i++)
        CHECK(is_rgb(px(&g.cv, i, i), 255, 255, 255));
    CHECK_EQ_INT(count_set(&g.cv), 10);
    CHECK(guarded_intact(&g));
    free(g.buf);
}

static void test_thick_and_shapes(void)
{
    guarded g;
    idp_rect r = {2, 2, 5, 4};
    if (guarded_new(&g, 12, 12, 0, 0))
        return;
    idp__draw_line(&g.cv, 2, 5, 7, 5, 3, WHITE); /* rows 4-6, x 1-8 */
    CHECK_EQ_INT(count_set(&g.cv), 8 * 3);
    CHECK(is_rgb(px(&g.cv, 1, 4), 255, 255, 255));
    CHECK(is_rgb(px(&g.cv, 8, 6), 255, 255, 255));
    memset(g.cv.px, 0, 12 * 12 * 3);
    idp__draw_box(&g.cv, r, 1, WHITE); /* the outline of 6 x 5 pixels */
    CHECK_EQ_INT(count_set(&g.cv), 2 * 6 + 2 * 3);
    CHECK(px(&g.cv, 4, 4)[0] == 0); /* hollow */
    memset(g.cv.px, 0, 12 * 12 * 3);
    idp__draw_dot(&g.cv, 5, 5, 0, WHITE);
    CHECK_EQ_INT(count_set(&g.cv), 1);
    idp__draw_dot(&g.cv, 5, 5, 2, WHITE); /* a plus-rounded disc */
    CHECK_EQ_INT(count_set(&g.cv), 21);
    CHECK(guarded_intact(&g));
    free(g.buf);
}

static void test_blend(void)
{
    guarded g;
    if (guarded_new(&g, 4, 1, 0, 100))
        return;
    idp__draw_pixel(&g.cv, 0, 0, WHITE, 0);
    CHECK(is_rgb(px(&g.cv, 0, 0), 100, 100, 100)); /* transparent */
    idp__draw_pixel(&g.cv, 1, 0, RED, 255);
    CHECK(is_rgb(px(&g.cv, 1, 0), 255, 0, 0)); /* opaque replaces */
    idp__draw_pixel(&g.cv, 2, 0, RED, 70);
    /* (255 * 70 + 100 * 185) / 255 = 143.0; 100 * 185 / 255 = 72.5 */
    CHECK(is_rgb(px(&g.cv, 2, 0), 143, 73, 73));
    idp__draw_pixel(&g.cv, 3, 0, RED, 128);
    idp__draw_pixel(&g.cv, 3, 0, RED, 128); /* twice: closer to red */
    CHECK(px(&g.cv, 3, 0)[0] > 200 && px(&g.cv, 3, 0)[1] < 30);
    idp__draw_fill(&g.cv, 0.4, -3, 1.2, 10, WHITE, 255); /* x [0, 2) */
    CHECK(is_rgb(px(&g.cv, 0, 0), 255, 255, 255));
    CHECK(is_rgb(px(&g.cv, 1, 0), 255, 255, 255));
    CHECK(is_rgb(px(&g.cv, 2, 0), 143, 73, 73));
    CHECK(guarded_intact(&g));
    free(g.buf);
}

/* Whatever the coordinates, nothing outside the pixels is written. */
static void test_clipping(void)
{
    const double far = 1e300, big = 2e9;
    guarded g;
    idp_rect huge = {-big, -big, 2 * big, 2 * big};
    idp_rect edge = {-3, -3, 16, 11};
    if (guarded_new(&g, 10, 5, 7, 0))
        return;
    idp__draw_line(&g.cv, -5, 2, 50, 2, 64, WHITE);
    idp__draw_line(&g.cv, -far, -far, far, far, 9, WHITE);
    idp__draw_line(&g.cv, NAN, 0, 5, 5, 3, WHITE);
    idp__draw_line(&g.cv, 0, 0, INFINITY, 5, 3, WHITE);
    idp__draw_line(&g.cv, 9, 4, 9, 4, 64, WHITE);  /* a point at the corner */
    idp__draw_line(&g.cv, 20, 20, 30, 30, 2, RED); /* all outside */
    idp__draw_box(&g.cv, huge, 64, WHITE);
    idp__draw_box(&g.cv, edge, 5, WHITE);
    idp__draw_dot(&g.cv, 0, 0, 64, RED);
    idp__draw_dot(&g.cv, 9.6, 4.6, 3, RED);
    idp__draw_dot(&g.cv, -far, far, 3, RED);
    idp__draw_dot(&g.cv, NAN, 1, 3, RED);
    idp__draw_fill(&g.cv, -big, -big, 4 * big, 4 * big, RED, 90);
    idp__draw_fill(&g.cv, 8, 3, far, far, WHITE, 255);
    idp__draw_fill(&g.cv, NAN, 0, 3, 3, WHITE, 255);
    for (int y = -2; y < 8; y++)
        for (int x = -2; x < 13; x++)
            idp__draw_pixel(&g.cv, x, y, RED, 255);
    CHECK(guarded_intact(&g));
    free(g.buf);
}

/* ---- annotate.c ---- */

static const idp_profile *chsi(void)
{
    return idp_profile_find("chsi");
}

/* A 200 x 160 photo (chsi scale 0.25) with a subject and another face. */
static idp_report *synthetic_report(idp_mode mode)
{
    idp_check_options o = {chsi(), mode};
    idp_report *r = NULL;
    idp_face *f;
    if (idp__report_new("synthetic", &o, &r) != IDP_OK)
        return NULL;
    r->has_image = 1;
    r->info.width = 200;
    r->info.height = 160;
    r->faces = f = calloc(2, sizeof *f);
    if (!f)
        return r;
    r->n_faces = 2;
    f[0].box = (idp_rect){40, 40, 80, 100};
    f[0].is_subject = f[0].counted = 1;
    for (int i = 0; i < IDP_LANDMARKS; i++)
        f[0].landmarks[i] = (idp_point){60 + i % 8 * 3, 110 + i / 8 * 2};
    f[0].landmarks[0] = (idp_point){40, 90};
    f[0].landmarks[16] = (idp_point){120, 90};
    f[1].box = (idp_rect){150, 50, 30, 30};
    f[1].counted = 1;
    r->m.has_face = 1;
    r->m.eye_left = (idp_point){60, 80};
    r->m.eye_right = (idp_point){100, 80};
    r->m.head_top_y = 30;
    r->m.chin_y = 135;
    return r;
}

/* The person at working pixels [5, 15) x [4, 14) of 20 x 16 (scale 0.1):
 * the 0.5 crossing falls between input columns 49 and 50. */
static idp__matte *synthetic_matte(void)
{
    idp__matte *mt = calloc(1, sizeof *mt);
    if (!mt)
        return NULL;
    mt->ww = 20;
    mt->wh = 16;
    mt->img_w = 200;
    mt->img_h = 160;
    mt->work_scale = 0.1;
    mt->alpha = calloc(20 * 16, 1);
    if (!mt->alpha) {
        free(mt);
        return NULL;
    }
    for (int y = 4; y < 14; y++)
        for (int x = 5; x < 15; x++)
            mt->alpha[y * 20 + x] = 255;
    return mt;
}

/* How many pixels of the canvas have exactly this colour. */
static int count_rgb(const idp__canvas *cv, int r, int g, int b)
{
    int n = 0;
    for (int y = 0; y < cv->h; y++)
        for (int x = 0; x < cv->w; x++)
            n += is_rgb(px(cv, x, y), r, g, b);
    return n;
}

/* A frontal face (synth.h): the lighting zones (cheeks, nose bridge)
 * and the glasses zones (lenses, brow band) are outlined. */
static void test_annotate_zones(void)
{
    guarded g;
    idp_report *r = synthetic_report(IDP_MODE_FINAL);
    if (!r || !r->faces || guarded_new(&g, 200, 160, 0, 100)) {
        CHECK(0);
        idp_report_free(r);
        return;
    }
    synth_face(r->faces[0].landmarks, 80, 70, 80, 0.3, 0, 0);
    idp__annotate_draw(r, chsi(), &g.cv);
    CHECK(count_rgb(&g.cv, 255, 200, 0) > 20); /* lighting zones */
    CHECK(count_rgb(&g.cv, 0, 255, 160) > 20); /* lens and brow zones */
    CHECK(guarded_intact(&g));
    idp_report_free(r);
    free(g.buf);
}

static void test_annotate_final(void)
{
    guarded g;
    idp_report *r = synthetic_report(IDP_MODE_FINAL);
    if (!r || !r->faces || guarded_new(&g, 200, 160, 0, 100)) {
        CHECK(0);
        idp_report_free(r);
        return;
    }
    r->matte = synthetic_matte();
    idp__annotate_draw(r, chsi(), &g.cv);
    /* bands: head top 50-110 px -> rows 13-27, eyes 200-300 -> 50-75 */
    CHECK(is_rgb(px(&g.cv, 190, 20), 143, 73, 143));   /* magenta tint */
    CHECK(is_rgb(px(&g.cv, 190, 60), 73, 143, 143));   /* cyan tint */
    CHECK(is_rgb(px(&g.cv, 190, 100), 100, 100, 100)); /* untouched */
    CHECK(is_rgb(px(&g.cv, 190, 12), 100, 100, 100));
    CHECK(is_rgb(px(&g.cv, 4, 4), 120, 255, 120));   /* a wall dot */
    CHECK(is_rgb(px(&g.cv, 5, 4), 100, 100, 100));   /* ... only a dot */
    CHECK(is_rgb(px(&g.cv, 40, 100), 0, 200, 0));    /* subject box */
    CHECK(is_rgb(px(&g.cv, 150, 65), 255, 0, 0));    /* another face */
    CHECK(is_rgb(px(&g.cv, 80, 80), 0, 255, 255));   /* eye line */
    CHECK(is_rgb(px(&g.cv, 44, 80), 0, 255, 255));   /* ... across */
    CHECK(is_rgb(px(&g.cv, 80, 30), 255, 0, 255));   /* crown */
    CHECK(is_rgb(px(&g.cv, 80, 135), 255, 140, 0));  /* chin */
    CHECK(is_rgb(px(&g.cv, 80, 90), 0, 90, 255));    /* face width */
    CHECK(is_rgb(px(&g.cv, 63, 110), 255, 255, 0));  /* landmark 1 */
    CHECK(is_rgb(px(&g.cv, 49, 100), 150, 60, 255)); /* matte outline */
    CHECK(is_rgb(px(&g.cv, 47, 100), 100, 100, 100));
    CHECK(is_rgb(px(&g.cv, 51, 100), 100, 100, 100));
    CHECK(guarded_intact(&g));
    idp_report_free(r);
    free(g.buf);
}

static void test_annotate_capture(void)
{
    guarded g;
    idp_report *r = synthetic_report(IDP_MODE_CAPTURE);
    if (!r || !r->faces || guarded_new(&g, 200, 160, 0, 100)) {
        CHECK(0);
        idp_report_free(r);
        return;
    }
    r->plan.crop = (idp_rect){30, 10, 120, 160}; /* runs off the bottom */
    idp__annotate_draw(r, chsi(), &g.cv);
    CHECK(is_rgb(px(&g.cv, 190, 20), 100, 100, 100));  /* no full bands */
    CHECK(is_rgb(px(&g.cv, 90, 10), 255, 255, 255));   /* crop: white */
    CHECK(is_rgb(px(&g.cv, 90, 9), 0, 0, 0));          /* edged black */
    CHECK(is_rgb(px(&g.cv, 150, 100), 255, 255, 255)); /* right edge */
    /* bands inside the crop: head top at 10 + (50..110) / 4 = 22.5-37.5 */
    CHECK(is_rgb(px(&g.cv, 140, 30), 143, 73, 143));
    CHECK(is_rgb(px(&g.cv, 160, 30), 100, 100, 100)); /* outside it */
    CHECK(guarded_intact(&g));
    idp_report_free(r);
    free(g.buf);
}

static void test_annotate_api(void)
{
    idp_ctx *ctx = NULL;
    idp_report *r = synthetic_report(IDP_MODE_FINAL);
    static uint8_t dummy;
    uint8_t *png = &dummy;
    size_t len = 1;
    CHECK(idp_ctx_new(&ctx) == IDP_OK);
    CHECK(idp_report_annotate(ctx, r, NULL, NULL, &png, &len) ==
          IDP_E_INVALID_ARG);
    CHECK(png == NULL && len == 0);
    CHECK(idp_report_annotate(ctx, r, NULL, NULL, NULL, &len) ==
          IDP_E_INVALID_ARG);
    idp_report_free(r);
    idp_ctx_free(ctx);
}

int main(void)
{
    test_diagonal();
    test_thick_and_shapes();
    test_blend();
    test_clipping();
    test_annotate_final();
    test_annotate_zones();
    test_annotate_capture();
    test_annotate_api();
    return CHECK_DONE();
}
