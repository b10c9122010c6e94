/*
 * draw.c - small drawing routines on an 8-bit RGB canvas, for the
 * annotated image (annotate.c) and the print sheet (sheet.c): blended
 * pixels, filled rectangles, lines of a given thickness (Bresenham),
 * box outlines and dots. Everything is clipped to the canvas: nothing is
 * written outside it, whatever the coordinates. Pure C.
 */
#include "idp_internal.h"

#include <math.h>

#define MAX_THICK 64

static int clamp_thick(int t)
{
    return t < 1 ? 1 : t > MAX_THICK ? MAX_THICK : t;
}

static uint8_t mix(uint8_t dst, uint8_t src, int a)
{
    return (uint8_t)((src * a + dst * (255 - a) + 127) / 255);
}

void idp__draw_pixel(const idp__canvas *cv, int x, int y, idp_rgb c, int a)
{
    uint8_t *p;
    if (x < 0 || y < 0 || x >= cv->w || y >= cv->h || a <= 0)
        return;
    p = cv->px + (size_t)y * cv->stride + (size_t)x * 3;
    if (a >= 255) {
        p[0] = c.r;
        p[1] = c.g;
        p[2] = c.b;
        return;
    }
    p[0] = mix(p[0], c.r, a);
    p[1] = mix(p[1], c.g, a);
    p[2] = mix(p[2], c.b, a);
}

/* v rounded and clamped to [lo, hi]; NaN gives lo. */
static int clamp_round(double v, int lo, int hi)
{
    if (!(v > lo))
        return lo;
    if (v >= hi)
        return hi;
    return (int)lround(v);
}

void idp__draw_fill(const idp__canvas *cv, double x, double y, double w,
                    double h, idp_rgb c, int a)
{
    int xa, xb, ya, yb;
    if (!isfinite(x) || !isfinite(y) || !isfinite(w) || !isfinite(h))
        return;
    xa = clamp_round(x, 0, cv->w);
    xb = clamp_round(x + w, 0, cv->w);
    ya = clamp_round(y, 0, cv->h);
    yb = clamp_round(y + h, 0, cv->h);
    for (int j = ya; j < yb; j++)
        for (int i = xa; i < xb; i++)
            idp__draw_pixel(cv, i, j, c, a);
}

/* One Liang-Barsky step: keeps the part of the segment where
 * p * t <= q; 0 when nothing is left. */
static int clip_step(double p, double q, double *t0, double *t1)
{
    double r;
    if (p == 0)
        return q >= 0;
    r = q / p;
    if (p < 0) {
        if (r > *t1)
            return 0;
        if (r > *t0)
            *t0 = r;
    } else {
        if (r < *t0)
            return 0;
        if (r < *t1)
            *t1 = r;
    }
    return 1;
}

/* Clip the segment to [lo_x, hi_x] x [lo_y, hi_y]; 0 when outside. */
static int clip_segment(double lo_x, double lo_y, double hi_x, double hi_y,
                        double s[4])
{
    double dx = s[2] - s[0], dy = s[3] - s[1], t0 = 0, t1 = 1;
    for (int i = 0; i < 4; i++)
        if (!isfinite(s[i]))
            return 0;
    if (!clip_step(-dx, s[0] - lo_x, &t0, &t1) ||
        !clip_step(dx, hi_x - s[0], &t0, &t1) ||
        !clip_step(-dy, s[1] - lo_y, &t0, &t1) ||
        !clip_step(dy, hi_y - s[1], &t0, &t1))
        return 0;
    s[2] = s[0] + t1 * dx;
    s[3] = s[1] + t1 * dy;
    s[0] += t0 * dx;
    s[1] += t0 * dy;
    return 1;
}

static void stamp(const idp__canvas *cv, int x, int y, int thick, idp_rgb c)
{
    int lo = -(thick - 1) / 2;
    for (int j = lo; j < lo + thick; j++)
        for (int i = lo; i < lo + thick; i++)
            idp__draw_pixel(cv, x + i, y + j, c, 255);
}

void idp__draw_line(const idp__canvas *cv, double x0, double y0, double x1,
                    double y1, int thick, idp_rgb c)
{
    double s[4] = {x0, y0, x1, y1};
    int t = clamp_thick(thick), xa, ya, xb, yb, dx, dy, sx, sy, err;
    if (!clip_segment(-t, -t, cv->w - 1 + t, cv->h - 1 + t, s))
        return;
    xa = (int)lround(s[0]);
    ya = (int)lround(s[1]);
    xb = (int)lround(s[2]);
    yb = (int)lround(s[3]);
    dx = xb > xa ? xb - xa : xa - xb;
    dy = -(yb > ya ? yb - ya : ya - yb);
    sx = xa < xb ? 1 : -1;
    sy = ya < yb ? 1 : -1;
    err = dx + dy;
    for (;;) {
        stamp(cv, xa, ya, t, c);
        if (xa == xb && ya == yb)
            break;
        if (2 * err >= dy) {
            err += dy;
            xa += sx;
        }
        if (2 * err <= dx) {
            err += dx;
            ya += sy;
        }
    }
}

void idp__draw_box(const idp__canvas *cv, idp_rect r, int thick, idp_rgb c)
{
    double x1 = r.x + r.w, y1 = r.y + r.h;
    idp__draw_line(cv, r.x, r.y, x1, r.y, thick, c);
    idp__draw_line(cv, x1, r.y, x1, y1, thick, c);
    idp__draw_line(cv, x1, y1, r.x, y1, thick, c);
    idp__draw_line(cv, r.x, y1, r.x, r.y, thick, c);
}

void idp__draw_dot(const idp__canvas *cv, double x, double y, int radius,
                   idp_rgb c)
{
    int r = radius < 0 ? 0 : radius > MAX_THICK ? MAX_THICK : radius;
    int cx, cy;
    if (!isfinite(x) || !isfinite(y) || x < -r - 1 || y < -r - 1 ||
        x > cv->w + r + 1 || y > cv->h + r + 1)
        return;
    cx = (int)lround(x);
    cy = (int)lround(y);
    for (int j = -r; j <= r; j++)
        for (int i = -r; i <= r; i++)
            if (i * i + j * j <= r * r + r)
                idp__draw_pixel(cv, cx + i, cy + j, c, 255);
}
