/*
 * test_crown.c - idp__crown_from_pixels on synthetic portraits: a plain
 * wall, an elliptic head of hair, a skin-coloured face and plausible
 * landmarks, with JPEG-like noise.
 */
#include "check.h"
#include "idp_internal.h"

#include <stdint.h>
#include <stdlib.h>

typedef struct scene {
    int w, h;
    uint8_t wall_l[3], wall_r[3]; /* wall colour at the left / right edge */
    uint8_t hair[3];
    double cx, hair_cy, hair_a, hair_b; /* hair ellipse */
    double fw;                          /* face width (p0-p16) */
    int noise;                          /* +- noise per channel */
} scene;

static const uint8_t skin[3] = {225, 180, 150};
static uint32_t rng_state = 12345u;

static int rnd(int amp)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return (int)((rng_state >> 16) % (uint32_t)(2 * amp + 1)) - amp;
}

static uint8_t clamp8(int v)
{
    return (uint8_t)(v < 0 ? 0 : (v > 255 ? 255 : v));
}

static int in_ellipse(double x, double y, double cx, double cy, double a,
                      double b)
{
    double u = (x - cx) / a, v = (y - cy) / b;
    return u * u + v * v <= 1.0;
}

/* Face ellipse: centred below the hair, 1.1 FW wide. */
static void face_ellipse(const scene *s, double *cy, double *a, double *b)
{
    *a = 0.55 * s->fw;
    *b = 0.75 * s->fw;
    *cy = s->hair_cy + 0.35 * s->fw;
}

static void put(uint8_t *p, const uint8_t c[3], int noise)
{
    for (int k = 0; k < 3; k++)
        p[k] = clamp8(c[k] + (noise ? rnd(noise) : 0));
}

static uint8_t *render(const scene *s)
{
    uint8_t *img = malloc((size_t)s->w * (size_t)s->h * 3);
    double fcy, fa, fb;

    face_ellipse(s, &fcy, &fa, &fb);
    for (int y = 0; img && y < s->h; y++)
        for (int x = 0; x < s->w; x++) {
            uint8_t wall[3],
                *p = img + ((size_t)y * (size_t)s->w + (size_t)x) * 3;
            double u = x / (double)(s->w - 1);
            for (int k = 0; k < 3; k++)
                wall[k] =
                    (uint8_t)lround((1 - u) * s->wall_l[k] + u * s->wall_r[k]);
            if (in_ellipse(x, y, s->cx, fcy, fa, fb))
                put(p, skin, s->noise);
            else if (in_ellipse(x, y, s->cx, s->hair_cy, s->hair_a, s->hair_b))
                put(p, s->hair, s->noise);
            else
                put(p, wall, s->noise);
        }
    return img;
}

/* Landmarks: jaw 0-16 on the face ellipse's lower half, brows, eyes. */
static void landmarks(const scene *s, idp_point lm[IDP_LANDMARKS])
{
    double fcy, fa, fb, ey;

    face_ellipse(s, &fcy, &fa, &fb);
    ey = fcy - 0.15 * s->fw;
    for (int i = 0; i < IDP_LANDMARKS; i++)
        lm[i] = (idp_point){s->cx, fcy + 0.3 * s->fw};
    for (int i = 0; i <= 16; i++) {
        double t = 3.14159265358979 * i / 16.0;
        lm[i] = (idp_point){s->cx - 0.5 * s->fw * cos(t),
                            ey + 0.1 * s->fw + 0.5 * fb * sin(t)};
    }
    for (int i = 17; i <= 26; i++) {
        double side = i <= 21 ? -1.0 : 1.0, k = i <= 21 ? i - 17 : i - 22;
        lm[i] =
            (idp_point){s->cx + side * 0.05 * s->fw +
                            (i <= 21 ? -0.3 : 0.0) * s->fw + k * 0.06 * s->fw,
                        ey - 0.12 * s->fw + (k == 2 ? -0.02 * s->fw : 0)};
    }
    for (int i = 36; i <= 47; i++) {
        double c = i <= 41 ? s->cx - 0.2 * s->fw : s->cx + 0.2 * s->fw;
        double k = (i - 36) % 6;
        lm[i] = (idp_point){c + 0.05 * s->fw * cos(k * 1.047),
                            ey + 0.02 * s->fw * sin(k * 1.047)};
    }
}

static scene base(void)
{
    scene s = {480,   640,   {100, 197, 255}, {100, 197, 255}, {40, 30, 25},
               240.0, 260.0, 125.0,           160.0,           190.0,
               4};
    return s;
}

/* Run the scene; return the status, *y the crown and *top the drawn top
 * row of the hair. */
static int run(const scene *s, double *y, int *top)
{
    idp_point lm[IDP_LANDMARKS];
    uint8_t *img = render(s);
    int rc;

    if (!img)
        return -1;
    landmarks(s, lm);
    *y = -1.0;
    *top = (int)ceil(s->hair_cy - s->hair_b);
    *top = *top < 0 ? 0 : *top;
    rc = idp__crown_from_pixels(img, s->w, s->h, (size_t)s->w * 3, lm, y);
    free(img);
    return rc;
}

static void expect_crown(const scene *s, const char *what)
{
    double y;
    int top;
    int rc = run(s, &y, &top);

    printf("%-34s status %d, crown %5.1f, drawn top %d\n", what, rc, y, top);
    CHECK_EQ_INT(rc, 1);
    CHECK_NEAR(y, top, 2.0);
}

static void test_plain_walls(void)
{
    scene s = base();

    expect_crown(&s, "blue wall, dark hair:");
    s.noise = 0;
    expect_crown(&s, "blue wall, dark hair, no noise:");
    s = base();
    memcpy(s.wall_l, (uint8_t[3]){245, 245, 245}, 3);
    memcpy(s.wall_r, s.wall_l, 3);
    expect_crown(&s, "white wall, dark hair:");
    memcpy(s.hair, (uint8_t[3]){195, 195, 195}, 3);
    expect_crown(&s, "white wall, grey hair:");
    memcpy(s.hair, (uint8_t[3]){205, 170, 110}, 3);
    expect_crown(&s, "white wall, blond hair:");
    s = base();
    memcpy(s.hair, skin, 3);
    expect_crown(&s, "blue wall, bald head:");
}

static void test_variants(void)
{
    scene s = base();

    memcpy(s.wall_l, (uint8_t[3]){80, 175, 235}, 3);
    memcpy(s.wall_r, (uint8_t[3]){120, 215, 255}, 3);
    expect_crown(&s, "blue wall, lateral gradient:");
    s = base();
    s.hair_cy = 200.0;
    expect_crown(&s, "crown at y = 40:");
    s = base();
    s.w = 1200;
    s.h = 1600;
    s.cx = 610.0;
    s.hair_cy = 700.0;
    s.hair_a = 330.0;
    s.hair_b = 420.0;
    s.fw = 500.0;
    expect_crown(&s, "1200x1600, wide head:");
    s = base();
    s.fw = 400.0; /* the head zone spans the whole width */
    s.hair_a = 230.0;
    s.hair_b = 240.0;
    s.hair_cy = 330.0;
    expect_crown(&s, "head zone wider than the image:");
    s = base();
    s.noise = 12;
    expect_crown(&s, "blue wall, heavy noise +-12:");
}

static void test_touching_top(void)
{
    scene s = base();
    double y;
    int top;

    s.hair_cy = 140.0; /* hair top at y = -20 */
    CHECK_EQ_INT(run(&s, &y, &top), 1);
    CHECK_NEAR(y, 0.0, 0.0);
    printf("head touching the top: crown %.1f\n", y);
}

/* A cluttered top band: random colours in the first 40 rows. */
static void test_clutter(void)
{
    scene s = base();
    idp_point lm[IDP_LANDMARKS];
    uint8_t *img = render(&s);
    double y = -1.0;

    CHECK(img != NULL);
    if (!img)
        return;
    for (size_t i = 0; i < (size_t)s.w * 40 * 3; i++)
        img[i] = (uint8_t)(rnd(127) + 128);
    landmarks(&s, lm);
    CHECK_EQ_INT(idp__crown_from_pixels(img, s.w, s.h, (size_t)s.w * 3, lm, &y),
                 0);
    free(img);
}

/* A plain wall but for vertical stripes (a shelf) left of the head. */
static void test_stripes(void)
{
    scene s = base();
    idp_point lm[IDP_LANDMARKS];
    uint8_t *img = render(&s);
    double y = -1.0;

    CHECK(img != NULL);
    if (!img)
        return;
    for (int r = 0; r < 200; r++)
        for (int x = 0; x < 90; x++)
            if ((x / 6) % 2)
                memcpy(img + ((size_t)r * (size_t)s.w + (size_t)x) * 3,
                       (uint8_t[3]){120, 80, 40}, 3);
    landmarks(&s, lm);
    CHECK_EQ_INT(idp__crown_from_pixels(img, s.w, s.h, (size_t)s.w * 3, lm, &y),
                 0);
    free(img);
}

/* A dark band (a hat's brim seen edge-on) over exactly half of the
 * examined columns (x0 = 173 .. x1 = 306 for the base scene, the eyes'
 * mean x 239.998 -+ 0.35 FW: 134, every one examined) from row 40: half is
 * enough, so the crown is row 40; one column fewer is not, and the crown is the
 * hair's top. */
static void test_half_row(void)
{
    for (int first = 240; first <= 241; first++) {
        scene s = base();
        idp_point lm[IDP_LANDMARKS];
        uint8_t *img;
        double y = -1.0;
        s.noise = 0;
        img = render(&s);
        CHECK(img != NULL);
        if (!img)
            return;
        for (int r = 40; r < 100; r++)
            for (int x = first; x <= 306; x++)
                memcpy(img + ((size_t)r * (size_t)s.w + (size_t)x) * 3,
                       (uint8_t[3]){40, 30, 25}, 3);
        landmarks(&s, lm);
        CHECK_EQ_INT(
            idp__crown_from_pixels(img, s.w, s.h, (size_t)s.w * 3, lm, &y), 1);
        printf("band from x = %d: crown %.1f\n", first, y);
        CHECK_NEAR(y, first == 240 ? 40.0 : 100.0, first == 240 ? 0.0 : 2.0);
        free(img);
    }
}

static void test_bad_landmarks(void)
{
    scene s = base();
    idp_point lm[IDP_LANDMARKS];
    uint8_t *img = render(&s);
    double y = -1.0;

    CHECK(img != NULL);
    if (!img)
        return;
    landmarks(&s, lm);
    lm[16].x = s.w + 10.0;
    CHECK_EQ_INT(idp__crown_from_pixels(img, s.w, s.h, (size_t)s.w * 3, lm, &y),
                 0);
    landmarks(&s, lm);
    lm[40].y = NAN;
    CHECK_EQ_INT(idp__crown_from_pixels(img, s.w, s.h, (size_t)s.w * 3, lm, &y),
                 0);
    landmarks(&s, lm);
    for (int i = 17; i <= 26; i++)
        lm[i].y = 1.0; /* brows at the top: nothing to scan */
    CHECK_EQ_INT(idp__crown_from_pixels(img, s.w, s.h, (size_t)s.w * 3, lm, &y),
                 0);
    CHECK_EQ_INT(idp__crown_from_pixels(img, s.w, s.h, 10, lm, &y), 0);
    free(img);
}

int main(void)
{
    test_plain_walls();
    test_variants();
    test_touching_top();
    test_clutter();
    test_stripes();
    test_half_row();
    test_bad_landmarks();
    return CHECK_DONE();
}
