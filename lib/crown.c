/*
 * crown.c - the top of the head (hair included) found in the pixels above
 * the face, against a plain background. Pure C.
 *
 * 1. Background: CIELAB medians of the top band (3 % of the rows, at least
 *    2) on each side of the head zone x_c +- 0.75 FW; each side must be
 *    plain (90th percentile of dE76 from its median <= CROWN_SPREAD_MAX,
 *    on colours smoothed over 3 pixels of the row, as in step 2).
 *    With two sides, the reference is interpolated across x, which absorbs
 *    a lateral lighting gradient.
 * 2. Detection: scanning down to the brow line, the first of two
 *    consecutive rows where at least half of the columns x_c +- 0.35 FW
 *    differ from the background by dE76 > CROWN_DE_FG (colours smoothed
 *    over 3 pixels of the row against JPEG noise).
 * 3. Refinement: a rounded head covers half of those columns only a few
 *    rows below its top (about 0.03 FW), so walk back up while the row
 *    above still holds a run of foreground columns (>= 3 and >= 5 % of the
 *    sampled columns). The result is the topmost row of the hair mass.
 *
 * Threshold: dE76 15. Flat JPEG areas scatter by dE 1-3, a wall's lighting
 * gradient over a head height by a few units, so 15 leaves a wide margin;
 * the hard cases, pale skin or grey / platinum hair on a white wall, are
 * still dE 17-25 away (black or brown hair and skin on blue: 50-100).
 */
#include "idp_internal.h"

#include <math.h>
#include <stdlib.h>

#define CROWN_DE_FG      15.0 /* foreground: dE76 from the background above */
#define CROWN_SPREAD_MAX 8.0  /* plain: P90 dE76 from the side median */
#define CROWN_SIDES_MAX  20.0 /* the two sides' medians may differ so much */
#define CROWN_SAMPLES    1024 /* background samples per side, at most */
#define CROWN_COLS       256  /* columns examined per row, at most */

typedef struct crown_img {
    const uint8_t *rgb;
    int w, h;
    size_t stride;
    double lin[256]; /* sRGB code -> linear light */
} crown_img;

typedef struct crown_geom {
    int x0, x1;   /* columns examined (inclusive) */
    int hz0, hz1; /* head zone, excluded from the background sample */
    int brow;     /* rows [0, brow) are scanned */
} crown_geom;

typedef struct crown_bg {
    double lab[2][3]; /* reference colour of each side */
    double xc[2];     /* column of each reference */
    int n;            /* 1 or 2 references */
} crown_bg;

static void lin_table(double lin[256])
{
    for (int i = 0; i < 256; i++)
        lin[i] = idp__srgb_to_linear(i);
}

/* Lab of pixel (x, y), averaged in linear light with its row neighbours
 * when `smooth` is set. */
static void pixel_lab(const crown_img *im, int x, int y, int smooth,
                      double lab[3])
{
    const uint8_t *row = im->rgb + (size_t)y * im->stride;
    int a = smooth && x > 0 ? x - 1 : x;
    int b = smooth && x < im->w - 1 ? x + 1 : x;
    double c[3] = {0.0, 0.0, 0.0};

    for (int i = a; i <= b; i++)
        for (int k = 0; k < 3; k++)
            c[k] += im->lin[row[3 * (size_t)i + (size_t)k]];
    for (int k = 0; k < 3; k++)
        c[k] /= (double)(b - a + 1);
    idp__linear_to_lab(c, lab);
}

static double de76(const double p[3], const double q[3])
{
    double d0 = p[0] - q[0], d1 = p[1] - q[1], d2 = p[2] - q[2];
    return sqrt(d0 * d0 + d1 * d1 + d2 * d2);
}

static int cmp_float(const void *pa, const void *pb)
{
    float a = *(const float *)pa, b = *(const float *)pb;
    return (a > b) - (a < b);
}

/* Median Lab of rows [0, rows) x columns [c0, c1) on a grid of at most
 * CROWN_SAMPLES pixels; *p90 = 90th percentile of dE76 from it. Returns
 * the number of samples. */
static int band_median(const crown_img *im, int c0, int c1, int rows,
                       double med[3], double *p90)
{
    static const int cap = CROWN_SAMPLES;
    float ch[3][CROWN_SAMPLES], dist[CROWN_SAMPLES];
    int step = (int)sqrt((double)(c1 - c0) * rows / cap), n = 0;

    step = step < 1 ? 1 : step;
    while ((c1 - c0 + step - 1) / step * ((rows + step - 1) / step) > cap)
        step++;
    for (int y = 0; y < rows; y += step)
        for (int x = c0; x < c1 && n < cap; x += step, n++) {
            double lab[3];
            pixel_lab(im, x, y, 1, lab);
            for (int k = 0; k < 3; k++)
                ch[k][n] = (float)lab[k];
        }
    if (n == 0)
        return 0;
    for (int k = 0; k < 3; k++) { /* per-channel medians */
        qsort(ch[k], (size_t)n, sizeof(float), cmp_float);
        med[k] = ch[k][n / 2];
    }
    for (int y = 0, i = 0; y < rows; y += step) /* the same grid again */
        for (int x = c0; x < c1 && i < n; x += step, i++) {
            double lab[3];
            pixel_lab(im, x, y, 1, lab);
            dist[i] = (float)de76(lab, med);
        }
    qsort(dist, (size_t)n, sizeof(float), cmp_float);
    *p90 = dist[(n * 9) / 10];
    return n;
}

/* Background references from the top band beside the head zone. Returns 0
 * when the background there is plain, -1 otherwise. */
static int bg_estimate(const crown_img *im, const crown_geom *g, crown_bg *bg)
{
    int rows = (int)lround(0.03 * im->h), lo[2] = {0, g->hz1 + 1};
    int hi[2] = {g->hz0, im->w};
    double spread;

    rows = rows < 2 ? 2 : (rows > g->brow ? g->brow : rows);
    bg->n = 0;
    for (int s = 0; s < 2; s++) {
        if (hi[s] - lo[s] < 3 || (hi[s] - lo[s]) * rows < 16)
            continue;
        if (band_median(im, lo[s], hi[s], rows, bg->lab[bg->n], &spread) == 0 ||
            spread > CROWN_SPREAD_MAX)
            return -1;
        bg->xc[bg->n++] = (lo[s] + hi[s] - 1) / 2.0;
    }
    if (bg->n == 0) { /* the head zone spans the image: use the band */
        if (band_median(im, 0, im->w, rows, bg->lab[0], &spread) == 0 ||
            spread > CROWN_SPREAD_MAX)
            return -1;
        bg->xc[0] = im->w / 2.0;
        bg->n = 1;
    }
    if (bg->n == 2 && de76(bg->lab[0], bg->lab[1]) > CROWN_SIDES_MAX)
        return -1;
    return 0;
}

/* Background reference at column x. */
static void bg_at(const crown_bg *bg, int x, double lab[3])
{
    double u = 0.0;

    if (bg->n == 2 && bg->xc[1] > bg->xc[0])
        u = (x - bg->xc[0]) / (bg->xc[1] - bg->xc[0]);
    u = u < 0.0 ? 0.0 : (u > 1.0 ? 1.0 : u);
    for (int k = 0; k < 3; k++)
        lab[k] = bg->n == 2 ? (1.0 - u) * bg->lab[0][k] + u * bg->lab[1][k]
                            : bg->lab[0][k];
}

/* Foreground columns of row y among the examined ones: how many, and the
 * longest run of adjacent examined columns. With stop_at_half, only
 * whether at least half of them are foreground is wanted: the scan stops
 * once that is settled either way (*run is then not the row's). */
static void row_stats(const crown_img *im, const crown_geom *g,
                      const crown_bg *bg, int y, int stop_at_half, int *count,
                      int *run)
{
    int n = g->x1 - g->x0 + 1, m = n < CROWN_COLS ? n : CROWN_COLS, cur = 0;

    *count = 0;
    *run = 0;
    for (int i = 0; i < m; i++) {
        int x = m > 1 ? g->x0 + (int)((long)i * (n - 1) / (m - 1)) : g->x0;
        double lab[3], ref[3];
        if (stop_at_half && (2 * *count >= m || 2 * (*count + m - i) < m))
            return;
        pixel_lab(im, x, y, 1, lab);
        bg_at(bg, x, ref);
        if (de76(lab, ref) > CROWN_DE_FG) {
            (*count)++;
            cur++;
            *run = cur > *run ? cur : *run;
        } else {
            cur = 0;
        }
    }
}

static int inside(idp_point p, int w, int h)
{
    return isfinite(p.x) && isfinite(p.y) && p.x >= 0.0 && p.y >= 0.0 &&
           p.x <= w - 1.0 && p.y <= h - 1.0;
}

static int clampi(double v, int lo, int hi)
{
    return v < lo ? lo : (v > hi ? hi : (int)lround(v));
}

/* Columns and rows from the landmarks; -1 when one used is outside the
 * image or the geometry leaves nothing to scan. */
static int crown_geometry(const idp_point lm[IDP_LANDMARKS], int w, int h,
                          crown_geom *g)
{
    double ex = 0.0, brow = HUGE_VAL;

    for (int i = 0; i < IDP_LANDMARKS; i++) {
        int used =
            i == 0 || i == 16 || (i >= 17 && i <= 26) || (i >= 36 && i <= 47);
        if (used && !inside(lm[i], w, h))
            return -1;
    }
    for (int i = 36; i <= 47; i++)
        ex += lm[i].x / 12.0; /* midpoint of the two eye centres */
    for (int i = 17; i <= 26; i++)
        brow = lm[i].y < brow ? lm[i].y : brow;
    double fw = hypot(lm[16].x - lm[0].x, lm[16].y - lm[0].y);
    g->x0 = clampi(ex - 0.35 * fw, 0, w - 1);
    g->x1 = clampi(ex + 0.35 * fw, 0, w - 1);
    g->hz0 = clampi(ex - 0.75 * fw, 0, w - 1);
    g->hz1 = clampi(ex + 0.75 * fw, 0, w - 1);
    g->brow = (int)floor(brow);
    if (g->x1 - g->x0 < 4 || g->brow < 4)
        return -1;
    return 0;
}

int idp__crown_from_pixels(const uint8_t *rgb, int w, int h, size_t stride,
                           const idp_point lm[IDP_LANDMARKS], double *y)
{
    crown_img im = {rgb, w, h, stride, {0.0}};
    crown_geom g;
    crown_bg bg;
    int cnt, run, prev = 0, top = -1;

    if (!rgb || !lm || !y || w < 8 || h < 8 || stride < 3 * (size_t)w)
        return 0;
    if (crown_geometry(lm, w, h, &g) != 0)
        return 0;
    lin_table(im.lin);
    if (bg_estimate(&im, &g, &bg) != 0)
        return 0;
    int n = g.x1 - g.x0 + 1, m = n < CROWN_COLS ? n : CROWN_COLS;
    for (int r = 0; r < g.brow && top < 0; r++) {
        row_stats(&im, &g, &bg, r, 1, &cnt, &run);
        int half = 2 * cnt >= m;
        top = half && prev ? r - 1 : -1;
        prev = half;
    }
    if (top < 0)
        return 0;
    int min_run = m / 20 > 3 ? m / 20 : 3;
    while (top > 0) {
        row_stats(&im, &g, &bg, top - 1, 0, &cnt, &run);
        if (run < min_run)
            break;
        top--;
    }
    *y = top;
    return 1;
}
