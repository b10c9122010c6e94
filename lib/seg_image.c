/*
 * seg_image.c - image helpers of the segmentation: resampling an RGB
 * region to floats, box filters, square morphology, connected components
 * and normalised convolution (filling a plane from the pixels of a mask).
 * All O(pixels), whatever the radius. Pure C.
 */
#include "segment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TAPS 4 /* samples per axis when shrinking */

typedef struct taps {
    int n;    /* taps per output index */
    int *idx; /* n per output index, clamped to the image */
    float *w; /* n per output index */
} taps;

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Taps along one axis: shrinking, n points spread over the footprint;
 * enlarging, the two bilinear neighbours. */
static int make_taps(taps *t, double x0, double step, int n_out, int n_in)
{
    int n = step > 1 ? (int)ceil(step - 1e-9) : 2;
    t->n = n = n > MAX_TAPS ? MAX_TAPS : n;
    t->idx = malloc((size_t)n_out * (size_t)n * sizeof *t->idx);
    t->w = malloc((size_t)n_out * (size_t)n * sizeof *t->w);
    if (!t->idx || !t->w)
        return -1;
    for (int o = 0; o < n_out; o++) {
        int *ix = t->idx + (size_t)o * (size_t)n;
        float *w = t->w + (size_t)o * (size_t)n;
        if (step > 1) {
            for (int k = 0; k < n; k++) {
                double p = x0 + (o + (k + 0.5) / n) * step;
                ix[k] = clampi((int)floor(p), 0, n_in - 1);
                w[k] = 1.0f / (float)n;
            }
        } else {
            double p = x0 + (o + 0.5) * step - 0.5, f = p - floor(p);
            ix[0] = clampi((int)floor(p), 0, n_in - 1);
            ix[1] = clampi((int)floor(p) + 1, 0, n_in - 1);
            w[0] = (float)(1 - f);
            w[1] = (float)f;
        }
    }
    return 0;
}

static void taps_free(taps *t)
{
    free(t->idx);
    free(t->w);
}

/* The ny rows iy[] added column by column over bytes [lo, lo + n) into
 * col: a loop that vectorises (sums of at most MAX_TAPS bytes). */
static IDP__WIDE void column_sums(const uint8_t *px, size_t stride,
                                  const int *iy, int ny, size_t lo, size_t n,
                                  uint16_t *restrict col)
{
    const uint8_t *restrict r = px + (size_t)iy[0] * stride + lo;
    for (size_t k = 0; k < n; k++)
        col[k] = r[k];
    for (int j = 1; j < ny; j++) {
        r = px + (size_t)iy[j] * stride + lo;
        for (size_t k = 0; k < n; k++)
            col[k] = (uint16_t)(col[k] + r[k]);
    }
}

/* One output row when both axes shrink: every tap weighs the same, so
 * integer sums (the same in any order) and one scale: the rows first,
 * over the columns the taps read (from pixel x0; col: room for them),
 * then each pixel's taps along the row. col NULL (no memory for it):
 * each tap's rows summed on its own. */
static void shrink_row(const uint8_t *px, size_t stride, const taps *tx,
                       const int *iy, int ny, int ow, int x0, int x1,
                       uint16_t *col, float *out)
{
    float scale = 1.0f / (float)(tx->n * ny);
    if (col)
        column_sums(px, stride, iy, ny, (size_t)x0 * 3,
                    (size_t)(x1 - x0 + 1) * 3, col);
    for (int x = 0; x < ow; x++) {
        const int *ix = tx->idx + (size_t)x * (size_t)tx->n;
        uint32_t r = 0, g = 0, b = 0;
        for (int i = 0; i < tx->n; i++) {
            uint16_t own[3];
            const uint16_t *p = col ? col + (size_t)(ix[i] - x0) * 3 : own;
            if (!col)
                column_sums(px, stride, iy, ny, (size_t)ix[i] * 3, 3, own);
            r += p[0];
            g += p[1];
            b += p[2];
        }
        out[x * 3] = (float)r * scale;
        out[x * 3 + 1] = (float)g * scale;
        out[x * 3 + 2] = (float)b * scale;
    }
}

static void resample_row(const uint8_t *px, size_t stride, const taps *tx,
                         const int *iy, const float *wy, int ny, int ow,
                         float *out)
{
    memset(out, 0, (size_t)ow * 3 * sizeof *out);
    for (int j = 0; j < ny; j++) {
        const uint8_t *row = px + (size_t)iy[j] * stride;
        for (int x = 0; x < ow; x++) {
            const int *ix = tx->idx + (size_t)x * (size_t)tx->n;
            const float *wx = tx->w + (size_t)x * (size_t)tx->n;
            float r = 0, g = 0, b = 0;
            for (int i = 0; i < tx->n; i++) {
                const uint8_t *p = row + (size_t)ix[i] * 3;
                r += wx[i] * p[0];
                g += wx[i] * p[1];
                b += wx[i] * p[2];
            }
            out[x * 3] += wy[j] * r;
            out[x * 3 + 1] += wy[j] * g;
            out[x * 3 + 2] += wy[j] * b;
        }
    }
}

typedef struct resample_job {
    const uint8_t *px;
    size_t stride;
    const taps *tx, *ty;
    int ow, shrink;
    float *out;
} resample_job;

static void resample_rows(void *arg, int y0, int y1)
{
    const resample_job *j = arg;
    const taps *ty = j->ty, *tx = j->tx;
    /* a shrink's taps only grow along the row (positions in order,
     * clamped): the first and the last bound the columns read */
    int x0 = tx->idx[0], x1 = tx->idx[(size_t)j->ow * (size_t)tx->n - 1];
    uint16_t *col = NULL;
    if (j->shrink)
        col = malloc((size_t)(x1 - x0 + 1) * 3 * sizeof *col);
    for (int y = y0; y < y1; y++) {
        const int *iy = ty->idx + (size_t)y * (size_t)ty->n;
        float *o = j->out + (size_t)y * (size_t)j->ow * 3;
        if (j->shrink)
            shrink_row(j->px, j->stride, tx, iy, ty->n, j->ow, x0, x1, col, o);
        else
            resample_row(j->px, j->stride, tx, iy,
                         ty->w + (size_t)y * (size_t)ty->n, ty->n, j->ow, o);
    }
    free(col);
}

void idp__resample(const uint8_t *px, size_t stride, int iw, int ih,
                   idp_rect src, int ow, int oh, int threads, float *out)
{
    taps tx = {0, NULL, NULL}, ty = {0, NULL, NULL};
    int shrink = src.w / ow > 1 && src.h / oh > 1;
    if (make_taps(&tx, src.x, src.w / ow, ow, iw) == 0 &&
        make_taps(&ty, src.y, src.h / oh, oh, ih) == 0) {
        resample_job j = {px, stride, &tx, &ty, ow, shrink, out};
        idp__par_rows(threads, oh, resample_rows, &j);
    } else { /* out of memory: the nearest pixel */
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                int ix =
                    clampi((int)(src.x + (x + 0.5) * src.w / ow), 0, iw - 1);
                int iy =
                    clampi((int)(src.y + (y + 0.5) * src.h / oh), 0, ih - 1);
                for (int c = 0; c < 3; c++)
                    out[((size_t)y * (size_t)ow + (size_t)x) * 3 + (size_t)c] =
                        px[(size_t)iy * stride + (size_t)ix * 3 + (size_t)c];
            }
    }
    taps_free(&ty);
    taps_free(&tx);
}

/* One sample of blur_line where the window may be cut by an end: add
 * what enters it, drop what leaves it, then the mean. */
static void blur_step(const float *in, float *out, int n, size_t step, int r,
                      int i, float inv, float *s, int *lo, int *hi)
{
    while (*hi < i + r && *hi + 1 < n) {
        ++*hi;
        *s += in[(size_t)*hi * step];
    }
    for (; *lo < i - r; ++*lo)
        *s -= in[(size_t)*lo * step];
    out[(size_t)i * step] =
        *hi - *lo == 2 * r ? *s * inv : *s / (float)(*hi - *lo + 1);
}

/* Window mean of radius r along a line of n samples `step` apart (the
 * window shrinks at the ends). Away from the ends one sample enters and
 * one leaves each step: the same additions in the same order, without
 * the end tests. */
static void blur_line(const float *in, float *out, int n, size_t step, int r)
{
    float s = 0, inv = 1.0f / (float)(2 * r + 1);
    int lo = 0, hi = -1, i = 0;
    for (; i <= r && i < n; i++)
        blur_step(in, out, n, step, r, i, inv, &s, &lo, &hi);
    for (; i < n - r; i++) {
        s += in[(size_t)(i + r) * step];
        s -= in[(size_t)(i - r - 1) * step];
        out[(size_t)i * step] = s * inv;
        hi = i + r;
        lo = i - r;
    }
    for (; i < n; i++)
        blur_step(in, out, n, step, r, i, inv, &s, &lo, &hi);
}

/* Rows at once in rows_of_blur(): their running sums are independent
 * chains of additions, which a single row leaves waiting on each other. */
#define BLUR_ROWS 4

/* blur_line() over BLUR_ROWS rows of n (step 1) side by side: each row
 * has its own sum, window and order of additions, as blur_line() gives
 * them; only the middle steps are interleaved. */
static void rows_of_blur(const float *in, float *out, size_t stride, int n,
                         int r)
{
    float s[BLUR_ROWS], inv = 1.0f / (float)(2 * r + 1);
    int lo[BLUR_ROWS], hi[BLUR_ROWS], i0 = r + 1 < n ? r + 1 : n;
    for (size_t k = 0; k < BLUR_ROWS; k++) {
        s[k] = 0;
        lo[k] = 0;
        hi[k] = -1;
        for (int i = 0; i < i0; i++)
            blur_step(in + k * stride, out + k * stride, n, 1, r, i, inv, &s[k],
                      &lo[k], &hi[k]);
    }
    for (int i = i0; i < n - r; i++)
        for (size_t k = 0; k < BLUR_ROWS; k++) {
            const float *row = in + k * stride;
            s[k] += row[(size_t)(i + r)];
            s[k] -= row[(size_t)(i - r - 1)];
            out[k * stride + (size_t)i] = s[k] * inv;
        }
    for (size_t k = 0; k < BLUR_ROWS; k++) {
        int i = n - r > i0 ? n - r : i0;
        if (n - r > i0) { /* the window the middle steps leave */
            hi[k] = n - 1;
            lo[k] = n - 1 - 2 * r;
        }
        for (; i < n; i++)
            blur_step(in + k * stride, out + k * stride, n, 1, r, i, inv, &s[k],
                      &lo[k], &hi[k]);
    }
}

/* blur_line down every column at once, row by row: each column's sum
 * takes the same additions and subtractions in the same order (the same
 * floats), but rows are read in memory order instead of one float per
 * cache line. `sum`: w floats. */
static void blur_columns(const float *in, float *out, int w, int h, int r,
                         float *sum)
{
    float inv = 1.0f / (float)(2 * r + 1);
    int lo = 0, hi = -1;
    memset(sum, 0, (size_t)w * sizeof *sum);
    for (int i = 0; i < h; i++) {
        float *o = out + (size_t)i * (size_t)w;
        while (hi < i + r && hi + 1 < h) {
            const float *row = in + (size_t)++hi * (size_t)w;
            for (int x = 0; x < w; x++)
                sum[x] += row[x];
        }
        while (lo < i - r) {
            const float *row = in + (size_t)lo++ * (size_t)w;
            for (int x = 0; x < w; x++)
                sum[x] -= row[x];
        }
        if (hi - lo == 2 * r)
            for (int x = 0; x < w; x++)
                o[x] = sum[x] * inv;
        else
            for (int x = 0; x < w; x++)
                o[x] = sum[x] / (float)(hi - lo + 1);
    }
}

void idp__box_blur(float *p, int w, int h, int r, float *tmp)
{
    float *sum;
    int y = 0;
    if (r <= 0)
        return;
    for (; y + BLUR_ROWS <= h; y += BLUR_ROWS)
        rows_of_blur(p + (size_t)y * (size_t)w, tmp + (size_t)y * (size_t)w,
                     (size_t)w, w, r);
    for (; y < h; y++)
        blur_line(p + (size_t)y * (size_t)w, tmp + (size_t)y * (size_t)w, w, 1,
                  r);
    sum = malloc((size_t)w * sizeof *sum);
    if (sum) {
        blur_columns(tmp, p, w, h, r, sum);
        free(sum);
        return;
    }
    for (int x = 0; x < w; x++) /* no memory for the sums: column-wise */
        blur_line(tmp + x, p + x, h, (size_t)w, r);
}

/* Window size at i along a line of n (the window shrinks at the ends). */
static int span(int i, int n, int r)
{
    int lo = i - r < 0 ? 0 : i - r, hi = i + r >= n ? n - 1 : i + r;
    return hi - lo + 1;
}

/* One pass of the square morphology along rows (in: bytes) into `out`
 * (ints 0 / 1). */
static void morph_rows(const uint8_t *in, int *out, int w, int h, int r,
                       int dilate)
{
    for (int y = 0; y < h; y++) {
        const uint8_t *row = in + (size_t)y * (size_t)w;
        int *o = out + (size_t)y * (size_t)w, s = 0, lo = 0, hi = -1;
        for (int x = 0; x < w; x++) {
            while (hi < x + r && hi + 1 < w)
                s += row[++hi] != 0;
            while (lo < x - r)
                s -= row[lo++] != 0;
            o[x] = dilate ? s > 0 : s == hi - lo + 1;
        }
    }
}

/* The pass down the columns of morph_rows' counts (in `cnt`, which it
 * overwrites): the counts summed down each column in place, row by row
 * in memory order, so a window's count is the difference of two rows
 * (integers: exact). */
static void morph_columns(int *cnt, uint8_t *out, int w, int h, int r,
                          int dilate)
{
    for (int y = 1; y < h; y++) {
        int *row = cnt + (size_t)y * (size_t)w;
        const int *up = row - w;
        for (int x = 0; x < w; x++)
            row[x] += up[x];
    }
    for (int y = 0; y < h; y++) {
        const int *top = cnt + (size_t)(y + r < h ? y + r : h - 1) * (size_t)w;
        const int *below =
            y - r - 1 >= 0 ? cnt + (size_t)(y - r - 1) * (size_t)w : NULL;
        uint8_t *o = out + (size_t)y * (size_t)w;
        int full = span(y, h, r);
        for (int x = 0; x < w; x++) {
            int s = top[x] - (below ? below[x] : 0);
            o[x] = (uint8_t)(dilate ? s > 0 : s == full);
        }
    }
}

void idp__mask_morph(const uint8_t *in, uint8_t *out, int w, int h, int r,
                     int dilate, int *tmp)
{
    if (r <= 0) {
        for (size_t i = 0; i < (size_t)w * (size_t)h; i++)
            out[i] = in[i] != 0;
        return;
    }
    morph_rows(in, tmp, w, h, r, dilate);
    morph_columns(tmp, out, w, h, r, dilate);
}

int idp__components(const uint8_t *mask, uint8_t value, int w, int h, int *lab)
{
    size_t n = (size_t)w * (size_t)h;
    int *queue = malloc(n * sizeof *queue), count = 0;
    if (!queue)
        return -1;
    memset(lab, 0, n * sizeof *lab);
    for (size_t s = 0; s < n; s++) {
        size_t qh = 0, qt = 0;
        if (mask[s] != value || lab[s])
            continue;
        lab[s] = ++count;
        queue[qt++] = (int)s;
        while (qh < qt) {
            int i = queue[qh++], x = i % w, y = i / w;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int xx = x + dx, yy = y + dy, j;
                    if (xx < 0 || yy < 0 || xx >= w || yy >= h)
                        continue;
                    j = yy * w + xx;
                    if (mask[j] == value && !lab[j]) {
                        lab[j] = count;
                        queue[qt++] = j;
                    }
                }
        }
    }
    free(queue);
    return count;
}

/* Block sums of val * mask and of mask on a grid `step` times coarser:
 * planes of nc + 1 values per coarse cell. */
static void block_sums(const float *val, int nc, const uint8_t *mask, int w,
                       int h, int step, int cw, int ch, float *grid)
{
    size_t np = (size_t)nc + 1;
    memset(grid, 0, (size_t)cw * (size_t)ch * np * sizeof *grid);
    for (int y = 0; y < h; y++) {
        float *grow = grid + (size_t)(y / step) * (size_t)cw * np;
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * (size_t)w + (size_t)x;
            float *g = grow + (size_t)(x / step) * np;
            if (!mask[i])
                continue;
            for (int c = 0; c < nc; c++)
                g[c] += val[i * (size_t)nc + (size_t)c];
            g[nc] += 1;
        }
    }
}

/* Box-blur each of the np interleaved planes of a cw x ch grid. */
static int blur_planes(float *grid, int np, int cw, int ch, int r)
{
    size_t n = (size_t)cw * (size_t)ch;
    float *plane = malloc(2 * n * sizeof *plane);
    if (!plane)
        return -1;
    for (int c = 0; c < np; c++) {
        for (size_t i = 0; i < n; i++)
            plane[i] = grid[i * (size_t)np + (size_t)c];
        idp__box_blur(plane, cw, ch, r, plane + n);
        for (size_t i = 0; i < n; i++)
            grid[i * (size_t)np + (size_t)c] = plane[i];
    }
    free(plane);
    return 0;
}

/* Where a bilinear sample of a cw x ch grid at cell position (gx, gy)
 * reads: the offsets of its four cells and the weights. */
typedef struct grid_tap {
    size_t a, b, c, d; /* cells (x0, y0), (x1, y0), (x0, y1), (x1, y1) */
    double fx, fy;
} grid_tap;

static grid_tap grid_tap_at(int np, int cw, int ch, double gx, double gy)
{
    int x0 = (int)floor(gx), y0 = (int)floor(gy);
    grid_tap t = {0, 0, 0, 0, gx - x0, gy - y0};
    int x1 = clampi(x0 + 1, 0, cw - 1), y1 = clampi(y0 + 1, 0, ch - 1);
    x0 = clampi(x0, 0, cw - 1);
    y0 = clampi(y0, 0, ch - 1);
    t.a = ((size_t)y0 * (size_t)cw + (size_t)x0) * (size_t)np;
    t.b = ((size_t)y0 * (size_t)cw + (size_t)x1) * (size_t)np;
    t.c = ((size_t)y1 * (size_t)cw + (size_t)x0) * (size_t)np;
    t.d = ((size_t)y1 * (size_t)cw + (size_t)x1) * (size_t)np;
    return t;
}

/* The np values of grid at tap t. */
static void grid_at(const float *grid, int np, const grid_tap *t, float *v)
{
    const float *a = grid + t->a, *b = grid + t->b, *c = grid + t->c,
                *d = grid + t->d;
    double fx = t->fx, fy = t->fy;
    for (int k = 0; k < np; k++)
        v[k] = (float)((1 - fy) * ((1 - fx) * a[k] + fx * b[k]) +
                       fy * ((1 - fx) * c[k] + fx * d[k]));
}

int idp__fill_make(idp__fill *f, const float *val, int nc, const uint8_t *mask,
                   int w, int h, int r, const float *fallback)
{
    int step = r >= 8 ? r / 4 : (r >= 2 ? r / 2 : 1), np = nc + 1, rc;
    size_t ng;
    memset(f, 0, sizeof *f);
    if (nc > IDP__FILL_MAX)
        return -1;
    f->nc = nc;
    f->step = step;
    f->cw = (w + step - 1) / step;
    f->ch = (h + step - 1) / step;
    memcpy(f->fallback, fallback, (size_t)nc * sizeof *fallback);
    ng = (size_t)f->cw * (size_t)f->ch * (size_t)np;
    rc = (r + step / 2) / step;
    rc = rc > 0 ? rc : 1;
    if (!(f->g1 = malloc(2 * ng * sizeof *f->g1)))
        return -1;
    f->g2 = f->g1 + ng;
    block_sums(val, nc, mask, w, h, step, f->cw, f->ch, f->g1);
    memcpy(f->g2, f->g1, ng * sizeof *f->g1);
    if (blur_planes(f->g1, np, f->cw, f->ch, rc) ||
        blur_planes(f->g2, np, f->cw, f->ch, 4 * rc)) {
        idp__fill_free(f);
        return -1;
    }
    return 0;
}

void idp__fill_at(const idp__fill *f, int x, int y, float *out)
{
    float v1[IDP__FILL_MAX + 1], v2[IDP__FILL_MAX + 1];
    int nc = f->nc, np = nc + 1;
    double gx = (x + 0.5) / f->step - 0.5, gy = (y + 0.5) / f->step - 0.5;
    grid_tap t = grid_tap_at(np, f->cw, f->ch, gx, gy);
    grid_at(f->g1, np, &t, v1);
    if (v1[nc] > 1e-4f) {
        for (int c = 0; c < nc; c++)
            out[c] = v1[c] / v1[nc];
        return;
    }
    grid_at(f->g2, np, &t, v2);
    for (int c = 0; c < nc; c++)
        out[c] = v2[nc] > 1e-5f ? v2[c] / v2[nc] : f->fallback[c];
}

void idp__fill_free(idp__fill *f)
{
    free(f->g1);
    f->g1 = f->g2 = NULL;
}

/* Running minimum of radius r along a line (n samples `step` apart):
 * O(n r), fine for the small radii used. */
static void min_line(const float *in, float *out, int n, size_t step, int r)
{
    for (int i = 0; i < n; i++) {
        int lo = i - r < 0 ? 0 : i - r, hi = i + r >= n ? n - 1 : i + r;
        float m = in[(size_t)lo * step];
        for (int j = lo + 1; j <= hi; j++)
            m = in[(size_t)j * step] < m ? in[(size_t)j * step] : m;
        out[(size_t)i * step] = m;
    }
}

void idp__min_filter(const float *in, float *out, int w, int h, int r,
                     float *tmp)
{
    for (int y = 0; y < h; y++)
        min_line(in + (size_t)y * (size_t)w, tmp + (size_t)y * (size_t)w, w, 1,
                 r);
    for (int x = 0; x < w; x++)
        min_line(tmp + x, out + x, h, (size_t)w, r);
}

/* Chamfer (3-4) distance, in pixels, from every pixel where mask != 0 to
 * the nearest pixel where mask == 0; 0 on those. Pixels outside the grid
 * do not count as 0 (the person may fill the frame).
 *
 * The sums are of 3s and 4s, so whole numbers: worked in ints (a chain of
 * integer adds and mins along each row where floats took four times as
 * long), the same values as floats give. A pixel no 0 reaches stays at
 * CHAMFER_BIG in floats (1e9 + 3 rounds back to 1e9); the ints grow past
 * it instead and are brought back to it at the end. Each row first takes
 * what the row before (after) gives it, a loop over the columns that
 * vectorises, then runs along itself. */
#define CHAMFER_BIG 1000000000 /* 1e9, exactly a float */

static inline int32_t min32(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

/* The best of what the done row o gives pixel x of row r: o[x] + 3,
 * o[x - 1] + 4, o[x + 1] + 4 (the edges without the missing neighbour). */
static inline int32_t given(const int32_t *o, int x, int w)
{
    int32_t v = o[x] + 3;
    if (x > 0)
        v = min32(v, o[x - 1] + 4);
    return x + 1 < w ? min32(v, o[x + 1] + 4) : v;
}

/* Row r gets what row o gives it (`keep`: where that is below what r
 * has). The inner columns in a loop that vectorises. */
static IDP__WIDE void from_row(const int32_t *restrict o, int32_t *restrict r,
                               int w, int keep)
{
    int32_t first = given(o, 0, w), last = given(o, w - 1, w);
    if (keep)
        for (int x = 1; x < w - 1; x++)
            r[x] =
                min32(r[x], min32(o[x] + 3, min32(o[x - 1] + 4, o[x + 1] + 4)));
    else
        for (int x = 1; x < w - 1; x++)
            r[x] = min32(o[x] + 3, min32(o[x - 1] + 4, o[x + 1] + 4));
    r[0] = keep ? min32(r[0], first) : first;
    r[w - 1] = keep ? min32(r[w - 1], last) : last;
}

/* The distances in pixels, the sentinel's ints brought back to it. */
static IDP__WIDE void to_pixels(const int32_t *restrict tmp, size_t n,
                                float *restrict d)
{
    for (size_t i = 0; i < n; i++)
        d[i] = (float)min32(tmp[i], CHAMFER_BIG) / 3.0f;
}

void idp__dist_inside(const uint8_t *mask, int w, int h, int32_t *tmp, float *d)
{
    size_t W = (size_t)w, n = W * (size_t)h;
    if (w < 1 || h < 1)
        return;
    for (int y = 0; y < h; y++) { /* down and to the right */
        const uint8_t *m = mask + (size_t)y * W;
        int32_t *r = tmp + (size_t)y * W, left = CHAMFER_BIG;
        if (y > 0)
            from_row(r - W, r, w, 0);
        for (int x = 0; x < w; x++) {
            int32_t v = y > 0 && r[x] < left + 3 ? r[x] : left + 3;
            left = r[x] = m[x] ? v : 0;
        }
    }
    for (int y = h - 1; y >= 0; y--) { /* up and to the left */
        int32_t *r = tmp + (size_t)y * W, right = CHAMFER_BIG;
        if (y + 1 < h)
            from_row(r + W, r, w, 1);
        for (int x = w - 1; x >= 0; x--) {
            right = r[x] = r[x] < right + 3 ? r[x] : right + 3; /* 0 stays */
        }
    }
    to_pixels(tmp, n, d);
}

float idp__quantile(float *v, size_t n, double q)
{
    size_t k, lo = 0, hi;
    if (n == 0)
        return 0;
    k = (size_t)(q * (double)(n - 1) + 0.5);
    k = k < n ? k : n - 1;
    hi = n - 1;
    while (lo < hi) { /* Hoare quickselect, middle pivot */
        float pivot = v[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                float t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return v[k];
}
