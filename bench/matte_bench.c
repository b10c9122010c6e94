/*
 * matte_bench.c - quality and speed of the person matte (idp__segment +
 * idp__matte_render) on composites with a known alpha.
 *
 *   matte_bench [--photos DIR] [--out DIR]       the composite table
 *   matte_bench --photo FILE [--out DIR]         one real photo: matte and
 *                                                composite images, crown
 *   matte_bench --time FILE [--mp N] [--runs N]  timing on FILE enlarged
 *                                                to N megapixels
 *
 * Composites: the person of a photo with ground truth (CelebAMask-HQ
 * person masks, P3M-Net predicted mattes) pasted over generated walls,
 * C = a F + (1 - a) W, with F the photo's own pixels (exact for the
 * binary masks, approximate where a P3M matte is fractional). The face is
 * found by the library's detector on each composite; the matte is
 * rendered at full size and compared with a. Columns:
 *   mae      mean |a - a_gt| over the image
 *   band     the same within BAND_SHARE of the image height of the edge
 *            of a_gt (square neighbourhood)
 *   halo     mean CIE76 dE in the band between the composite over the
 *            CHSI blue T made as photo-make makes it (idp__composite()
 *            with our alpha and our wall field: the old wall removed) and
 *            the reference a_gt F + (1 - a_gt) T, made with the true wall
 *   naive    the same with a C + (1 - a) T (the old wall left in)
 * Not part of the library: it may print, and it reads the library's
 * private headers.
 */
#include "idp_internal.h"
#include "segment.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BAND_SHARE 0.02
#define N_WALLS    6

static const double target[3] = {100, 197, 255}; /* CHSI light blue */
static const idp_rgb blue = {100, 197, 255};

static const char *const sources[][2] = {
    {"celebamaskhq_1", "mask"},         {"celebamaskhq_3", "mask"},
    {"p3m_face_blurred", "alpha_pred"}, {"p3m_man_floral", "alpha_pred"},
    {"p3m_singer_stage", "alpha_pred"},
};

static const char *const wall_names[N_WALLS] = {
    "white", "off-white falloff", "light grey",
    "beige", "light blue",        "white, soft shadow"};

typedef struct plane {
    float *v; /* c values per pixel */
    int w, h, c;
} plane;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint32_t rng_state = 88172645u;

static double gauss(void)
{
    double u1, u2;
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 17,
        rng_state ^= rng_state << 5;
    u1 = (rng_state + 1.0) / 4294967297.0;
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 17,
        rng_state ^= rng_state << 5;
    u2 = rng_state / 4294967296.0;
    return sqrt(-2 * log(u1)) * cos(2 * 3.14159265358979 * u2);
}

static uint8_t to8(double v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : lround(v));
}

static idp_image *image_new(int w, int h, const char *name)
{
    idp_image *img = calloc(1, sizeof *img);
    if (!img)
        return NULL;
    img->pixels = malloc((size_t)w * (size_t)h * 3);
    img->name = strdup(name);
    img->width = img->info.width = w;
    img->height = img->info.height = h;
    img->stride = (size_t)w * 3;
    if (!img->pixels || !img->name) {
        idp_image_free(img);
        return NULL;
    }
    return img;
}

/* ---- walls ---- */

static void wall_colour(int kind, double x, double y, int w, int h,
                        double rgb[3])
{
    static const double base[N_WALLS][3] = {{248, 248, 248}, {242, 238, 228},
                                            {205, 205, 205}, {222, 205, 178},
                                            {140, 190, 235}, {240, 240, 240}};
    double f = 1;
    if (kind == 1) { /* light from the upper left, falling off */
        double dx = (x - 0.25 * w) / w, dy = (y + 0.1 * h) / h;
        f = 1 - 0.22 * (dx * dx + dy * dy);
    }
    for (int c = 0; c < 3; c++)
        rgb[c] = base[kind][c] * f;
}

/* Shadow: the person's alpha moved right and down, box-blurred 3 times. */
static float *shadow_map(const float *a, int w, int h)
{
    size_t n = (size_t)w * (size_t)h;
    float *s = calloc(n, sizeof *s), *tmp = malloc(n * sizeof *tmp);
    int ox = (int)(0.05 * w), oy = (int)(0.03 * h), r = (int)(0.02 * w) + 1;
    if (!s || !tmp) {
        free(tmp);
        free(s);
        return NULL;
    }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (x - ox >= 0 && y - oy >= 0)
                s[(size_t)y * (size_t)w + (size_t)x] =
                    a[(size_t)(y - oy) * (size_t)w + (size_t)(x - ox)];
    for (int k = 0; k < 3; k++)
        idp__box_blur(s, w, h, r, tmp);
    free(tmp);
    return s;
}

/* The wall (3 floats per pixel) of kind `kind` for alpha a. */
static float *make_wall(int kind, const float *a, int w, int h)
{
    size_t n = (size_t)w * (size_t)h;
    float *wall = malloc(n * 3 * sizeof *wall), *sh = NULL;
    if (!wall || (kind == 5 && !(sh = shadow_map(a, w, h)))) {
        free(wall);
        return NULL;
    }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * (size_t)w + (size_t)x;
            double c[3], k = sh ? 1 - 0.35 * sh[i] : 1;
            wall_colour(kind, x + 0.5, y + 0.5, w, h, c);
            for (int j = 0; j < 3; j++)
                wall[i * 3 + (size_t)j] = (float)(c[j] * k + 1.5 * gauss());
        }
    free(sh);
    return wall;
}

/* ---- colour ---- */

static double de76(const double a[3], const double b[3])
{
    double la[3], lb[3];
    idp__srgb_to_lab(a, la);
    idp__srgb_to_lab(b, lb);
    return sqrt((la[0] - lb[0]) * (la[0] - lb[0]) +
                (la[1] - lb[1]) * (la[1] - lb[1]) +
                (la[2] - lb[2]) * (la[2] - lb[2]));
}

/* ---- output images (PPM / PGM; convert with `vips copy x.ppm x.png`) */

static void write_pnm(const char *dir, const char *name, const char *suffix,
                      const uint8_t *px, int w, int h, int ch)
{
    char path[1024];
    FILE *f;
    if (!dir)
        return;
    snprintf(path, sizeof path, "%s/%s_%s.%s", dir, name, suffix,
             ch == 3 ? "ppm" : "pgm");
    if (!(f = fopen(path, "wb")))
        return;
    fprintf(f, "P%d\n%d %d\n255\n", ch == 3 ? 6 : 5, w, h);
    fwrite(px, 1, (size_t)w * (size_t)h * (size_t)ch, f);
    fclose(f);
}

/* ---- detection and matting ---- */

static int find_subject(idp_ctx *ctx, const idp_image *img, idp_face *out)
{
    idp_face *faces = calloc(IDP__MAX_FACES, sizeof *faces);
    idp_thresholds lim;
    size_t n = 0;
    int found = 0;
    if (!faces)
        return 0;
    idp_thresholds_default(&lim);
    if (idp__detect_faces(ctx, img, &lim, faces, &n, NULL) == IDP_OK)
        for (size_t i = 0; i < n && !found; i++)
            if (faces[i].is_subject) {
                *out = faces[i];
                found = 1;
            }
    free(faces);
    return found;
}

typedef struct run {
    uint8_t *alpha; /* full size */
    idp__matte *mt;
    double t_seg, t_render;
} run;

static int matte_full(idp_ctx *ctx, const idp_image *img, const idp_face *f,
                      run *r)
{
    idp_rect all = {0, 0, img->width, img->height};
    double t0 = now_ms();
    r->alpha = malloc((size_t)img->width * (size_t)img->height);
    if (!r->alpha || idp__segment(ctx, img, f, &r->mt) != IDP_OK)
        return -1;
    r->t_seg = now_ms() - t0;
    t0 = now_ms();
    if (idp__matte_render(ctx, r->mt, img, all, img->width, img->height,
                          r->alpha) != IDP_OK)
        return -1;
    r->t_render = now_ms() - t0;
    return 0;
}

static void run_free(run *r)
{
    free(r->alpha);
    idp__matte_free(r->mt);
}

/* ---- metrics ---- */

typedef struct score {
    double mae, band, halo, naive;
} score;

static uint8_t *edge_band(const float *a, int w, int h)
{
    size_t n = (size_t)w * (size_t)h;
    uint8_t *e = calloc(n, 1), *b = malloc(n);
    int *tmp = malloc(n * sizeof *tmp);
    if (!e || !b || !tmp) {
        free(tmp);
        free(b);
        free(e);
        return NULL;
    }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * (size_t)w + (size_t)x;
            int in = a[i] >= 0.5f;
            e[i] = a[i] > 0.02f && a[i] < 0.98f;
            if (x + 1 < w && (a[i + 1] >= 0.5f) != in)
                e[i] = e[i + 1] = 1;
            if (y + 1 < h && (a[i + (size_t)w] >= 0.5f) != in)
                e[i] = e[i + (size_t)w] = 1;
        }
    idp__mask_morph(e, b, w, h, (int)lround(BAND_SHARE * h), 1, tmp);
    free(tmp);
    free(e);
    return b;
}

/* Our composite over the CHSI blue, made as photo-make makes it:
 * idp__composite() with our alpha and our wall field (the pipeline does
 * not know the true wall). 3 x w x h bytes, NULL out of memory. */
static uint8_t *compose(const uint8_t *px, size_t stride, const run *rn, int w,
                        int h, idp_rgb t)
{
    size_t n = (size_t)w * (size_t)h;
    uint8_t *rgb = malloc(n * 3), *out = malloc(n * 3);
    float *wall = malloc(n * 3 * sizeof *wall);
    double *u = malloc((size_t)w * sizeof *u);
    int ok = rgb && out && wall && u;
    if (ok)
        idp__matte_wall_cols(rn->mt, 0, 1, w, u);
    for (int y = 0; ok && y < h; y++) {
        idp__matte_wall_row(rn->mt, u, w, y + 0.5,
                            wall + (size_t)y * (size_t)w * 3);
        memcpy(rgb + (size_t)y * (size_t)w * 3, px + (size_t)y * stride,
               (size_t)w * 3);
    }
    free(u);
    if (ok && idp__composite(rgb, rn->alpha, wall, w, h, t, 1, out, NULL) != 0)
        ok = 0;
    free(wall);
    free(rgb);
    if (!ok) {
        free(out);
        return NULL;
    }
    return out;
}

/* The reference is made with the true alpha and the true wall. */
static void score_run(const uint8_t *comp, const float *wall, const float *gt,
                      const uint8_t *band, const run *rn, int w, int h,
                      score *s)
{
    const uint8_t *alpha = rn->alpha;
    size_t n = (size_t)w * (size_t)h, nb = 0;
    double sum = 0, sb = 0, sh = 0, sn = 0;
    uint8_t *ours = compose(comp, (size_t)w * 3, rn, w, h, blue);
    for (size_t i = 0; i < n; i++) {
        double a = alpha[i] / 255.0, g = gt[i], e = fabs(a - g);
        double o[3], r[3], nv[3];
        sum += e;
        if (!band[i])
            continue;
        sb += e;
        nb++;
        for (int c = 0; c < 3; c++) {
            double px = comp[i * 3 + (size_t)c], wl = wall[i * 3 + (size_t)c];
            o[c] = ours ? ours[i * 3 + (size_t)c] : NAN;
            r[c] = px + (1 - g) * (target[c] - wl);
            nv[c] = a * px + (1 - a) * target[c];
        }
        sh += de76(o, r);
        sn += de76(nv, r);
    }
    free(ours);
    s->mae = sum / (double)n;
    s->band = nb ? sb / (double)nb : 0;
    s->halo = nb ? sh / (double)nb : 0;
    s->naive = nb ? sn / (double)nb : 0;
}

static void write_views(const char *dir, const char *name, const uint8_t *a,
                        const float *gt, int w, int h)
{
    size_t n = (size_t)w * (size_t)h;
    uint8_t *err = malloc(n);
    if (!err)
        return;
    for (size_t i = 0; i < n; i++)
        err[i] = to8(fabs(a[i] - gt[i] * 255) * 2);
    write_pnm(dir, name, "alpha", a, w, h, 1);
    write_pnm(dir, name, "err", err, w, h, 1);
    free(err);
}

/* ---- the composite table ---- */

typedef struct source {
    const char *name;
    idp_image *photo;
    float *gt; /* alpha 0..1 */
    int w, h;
} source;

static int load_source(idp_ctx *ctx, const char *dir, int k, source *s)
{
    char path[1024];
    idp_image *m = NULL;
    size_t n;
    s->name = sources[k][0];
    snprintf(path, sizeof path, "%s/%s.jpg", dir, s->name);
    if (idp_image_load(ctx, path, &s->photo) != IDP_OK)
        return -1;
    snprintf(path, sizeof path, "%s/%s.%s.png", dir, s->name, sources[k][1]);
    if (idp_image_load(ctx, path, &m) != IDP_OK)
        return -1;
    s->w = s->photo->width;
    s->h = s->photo->height;
    n = (size_t)s->w * (size_t)s->h;
    if (m->width != s->w || m->height != s->h || !(s->gt = malloc(n * 4))) {
        idp_image_free(m);
        return -1;
    }
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++)
            s->gt[(size_t)y * (size_t)s->w + (size_t)x] =
                m->pixels[(size_t)y * m->stride + (size_t)x * 3] / 255.0f;
    idp_image_free(m);
    return 0;
}

static idp_image *composite(const source *s, const float *wall,
                            const char *name)
{
    idp_image *c = image_new(s->w, s->h, name);
    size_t n = (size_t)s->w * (size_t)s->h;
    if (!c)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        int y = (int)(i / (size_t)s->w), x = (int)(i % (size_t)s->w);
        const uint8_t *f =
            s->photo->pixels + (size_t)y * s->photo->stride + (size_t)x * 3;
        double a = s->gt[i];
        for (int k = 0; k < 3; k++)
            c->pixels[i * 3 + (size_t)k] =
                to8(a * f[k] + (1 - a) * wall[i * 3 + (size_t)k]);
    }
    return c;
}

typedef struct totals {
    double mae, band, halo, naive;
    int n;
} totals;

static void one_composite(idp_ctx *ctx, const source *s, int kind,
                          const uint8_t *band, const char *out, totals *t)
{
    char name[128];
    float *wall = make_wall(kind, s->gt, s->w, s->h);
    idp_image *c;
    idp_face face;
    run rn = {NULL, NULL, 0, 0};
    score sc;
    snprintf(name, sizeof name, "%s_%d", s->name, kind);
    c = wall ? composite(s, wall, name) : NULL;
    printf("| %s | %s | ", s->name, wall_names[kind]);
    if (!c || !find_subject(ctx, c, &face)) {
        printf("no face | | | | | |\n");
    } else if (matte_full(ctx, c, &face, &rn) != 0) {
        printf("error: %s | | | | | |\n", idp_ctx_error(ctx));
    } else {
        score_run(c->pixels, wall, s->gt, band, &rn, s->w, s->h, &sc);
        printf("%.4f | %.3f | %.2f | %.2f | %.1f | %.0f + %.0f |\n", sc.mae,
               sc.band, sc.halo, sc.naive, rn.mt->wall_spread, rn.t_seg,
               rn.t_render);
        t->mae += sc.mae, t->band += sc.band, t->halo += sc.halo;
        t->naive += sc.naive, t->n++;
        write_views(out, name, rn.alpha, s->gt, s->w, s->h);
        if (out)
            write_pnm(out, name, "comp", c->pixels, s->w, s->h, 3);
    }
    fflush(stdout);
    run_free(&rn);
    idp_image_free(c);
    free(wall);
}

static int table(idp_ctx *ctx, const char *dir, const char *out)
{
    totals all = {0, 0, 0, 0, 0};
    printf("| composite | wall | MAE | MAE band | halo dE | naive dE | "
           "wall P90 dE | ms (seg + render) |\n");
    printf("|---|---|---|---|---|---|---|---|\n");
    for (int k = 0; k < (int)(sizeof sources / sizeof sources[0]); k++) {
        source s = {NULL, NULL, NULL, 0, 0};
        uint8_t *band;
        if (load_source(ctx, dir, k, &s) != 0 ||
            !(band = edge_band(s.gt, s.w, s.h))) {
            fprintf(stderr, "%s: cannot load: %s\n", sources[k][0],
                    idp_ctx_error(ctx));
            idp_image_free(s.photo);
            free(s.gt);
            continue;
        }
        for (int kind = 0; kind < N_WALLS; kind++)
            one_composite(ctx, &s, kind, band, out, &all);
        free(band);
        idp_image_free(s.photo);
        free(s.gt);
    }
    if (all.n)
        printf("| **mean of %d** | | %.4f | %.3f | %.2f | %.2f | | |\n", all.n,
               all.mae / all.n, all.band / all.n, all.halo / all.n,
               all.naive / all.n);
    return 0;
}

/* ---- one real photo ---- */

static int photo(idp_ctx *ctx, const char *path, const char *out)
{
    idp_image *img = NULL;
    idp_face face;
    run rn = {NULL, NULL, 0, 0};
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    int rc = 1;
    if (idp_image_load(ctx, path, &img) != IDP_OK ||
        !find_subject(ctx, img, &face)) {
        fprintf(stderr, "%s: no image or no face\n", path);
        idp_image_free(img);
        return 1;
    }
    if (matte_full(ctx, img, &face, &rn) == 0) {
        uint8_t *comp = compose(img->pixels, img->stride, &rn, img->width,
                                img->height, blue);
        uint8_t *white = compose(img->pixels, img->stride, &rn, img->width,
                                 img->height, (idp_rgb){255, 255, 255});
        double c2 = NAN;
        int plain = idp__crown_from_pixels(img->pixels, img->width, img->height,
                                           img->stride, face.landmarks, &c2);
        printf("%s: %dx%d work %dx%d, wall (%d,%d,%d) P90 dE %.1f, crown %.1f"
               "%s (crown.c %.1f%s), %.1f + %.1f ms\n",
               base, img->width, img->height, rn.mt->ww, rn.mt->wh,
               rn.mt->wall.r, rn.mt->wall.g, rn.mt->wall.b, rn.mt->wall_spread,
               rn.mt->crown_y, rn.mt->crown_cut ? " (cut)" : "", c2,
               plain ? "" : ", not plain", rn.t_seg, rn.t_render);
        write_pnm(out, base, "alpha", rn.alpha, img->width, img->height, 1);
        if (comp)
            write_pnm(out, base, "blue", comp, img->width, img->height, 3);
        if (white)
            write_pnm(out, base, "white", white, img->width, img->height, 3);
        free(white);
        free(comp);
        rc = 0;
    } else {
        fprintf(stderr, "%s: %s\n", path, idp_ctx_error(ctx));
    }
    run_free(&rn);
    idp_image_free(img);
    return rc;
}

/* ---- timing ---- */

static idp_image *enlarge(const idp_image *img, double mp)
{
    double s = sqrt(mp * 1e6 / ((double)img->width * img->height));
    int w = (int)lround(img->width * s), h = (int)lround(img->height * s);
    idp_rect all = {0, 0, img->width, img->height};
    idp_image *big = image_new(w, h, "big");
    float *row = malloc((size_t)w * 3 * sizeof *row);
    if (!big || !row) {
        free(row);
        idp_image_free(big);
        return NULL;
    }
    for (int y = 0; y < h; y++) { /* one output row at a time */
        idp_rect r = all;
        r.y = y * img->height / (double)h;
        r.h = img->height / (double)h;
        idp__resample(img->pixels, img->stride, img->width, img->height, r, w,
                      1, 1, row);
        for (int x = 0; x < w * 3; x++)
            big->pixels[(size_t)y * big->stride + (size_t)x] = to8(row[x]);
    }
    free(row);
    return big;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int timing(idp_ctx *ctx, const char *path, double mp, int runs)
{
    idp_image *img = NULL, *big = NULL;
    idp_face face;
    double ts[64], tr[64], s;
    uint8_t *out = malloc(480 * 640);
    idp_rect crop;
    if (idp_image_load(ctx, path, &img) != IDP_OK ||
        !find_subject(ctx, img, &face) ||
        !(big = mp > 0 ? enlarge(img, mp) : img) || !out) {
        fprintf(stderr, "%s: cannot time\n", path);
        return 1;
    }
    s = (double)big->width / img->width;
    for (int i = 0; i < IDP_LANDMARKS; i++) {
        face.landmarks[i].x *= s;
        face.landmarks[i].y *= s;
    }
    crop.w = 2 * hypot(face.landmarks[16].x - face.landmarks[0].x,
                       face.landmarks[16].y - face.landmarks[0].y);
    crop.h = crop.w * 4 / 3;
    crop.x = (face.landmarks[36].x + face.landmarks[45].x) / 2 - crop.w / 2;
    crop.y = (face.landmarks[36].y + face.landmarks[45].y) / 2 - 0.39 * crop.h;
    runs = runs < 1 ? 1 : runs > 64 ? 64 : runs;
    for (int k = 0; k < runs; k++) {
        idp__matte *mt = NULL;
        double t0 = now_ms();
        if (idp__segment(ctx, big, &face, &mt) != IDP_OK)
            return 1;
        ts[k] = now_ms() - t0;
        t0 = now_ms();
        if (idp__matte_render(ctx, mt, big, crop, 480, 640, out) != IDP_OK)
            return 1;
        tr[k] = now_ms() - t0;
        if (k == 0)
            printf("%s at %dx%d: work %dx%d\n", path, big->width, big->height,
                   mt->ww, mt->wh);
        idp__matte_free(mt);
    }
    qsort(ts, (size_t)runs, sizeof ts[0], cmp_double);
    qsort(tr, (size_t)runs, sizeof tr[0], cmp_double);
    printf("segment %.1f ms, render 480x640 %.1f ms (median of %d; min %.1f "
           "+ %.1f)\n",
           ts[runs / 2], tr[runs / 2], runs, ts[0], tr[0]);
    write_pnm("/tmp", "bench_time", "alpha", out, 480, 640, 1);
    free(out);
    if (big != img)
        idp_image_free(big);
    idp_image_free(img);
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = "../shared/photos", *out = NULL, *one = NULL;
    const char *time_file = NULL;
    double mp = 12;
    int runs = 9, rc;
    idp_ctx *ctx = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            fprintf(stderr, "usage: see the comment at the top\n");
            return 2;
        }
        if (!strcmp(a, "--photos"))
            dir = v;
        else if (!strcmp(a, "--out"))
            out = v;
        else if (!strcmp(a, "--photo"))
            one = v;
        else if (!strcmp(a, "--time"))
            time_file = v;
        else if (!strcmp(a, "--mp"))
            mp = strtod(v, NULL);
        else if (!strcmp(a, "--runs"))
            runs = (int)strtol(v, NULL, 10);
        else
            return 2;
        i++;
    }
    if (idp_ctx_new(&ctx) != IDP_OK)
        return 1;
    rc = time_file ? timing(ctx, time_file, mp, runs)
         : one     ? photo(ctx, one, out)
                   : table(ctx, dir, out);
    idp_ctx_free(ctx);
    return rc;
}
