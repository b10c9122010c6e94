/*
 * colour.c - Hasler & Suesstrunk (2003) colourfulness: with rg = R - G and
 * yb = (R + G) / 2 - B over the pixels,
 *   M = sqrt(var_rg + var_yb) + 0.3 sqrt(mean_rg^2 + mean_yb^2).
 * 0 for any grey image; about 15 "slightly", 33 "moderately", 59 "highly"
 * colourful on their scale. Also the hue spread: the standard deviation of
 * (rg, yb) along its narrower axis, about 0 when every pixel has the same
 * hue (grey, or a uniform tint such as sepia). Pure C.
 */
#include "idp_internal.h"

#include <math.h>

#define COLOUR_MAX_SAMPLES 262144.0 /* read at most ~256k pixels */

/* The smallest grid step that keeps the sample count under the cap. */
static int grid_step(int w, int h)
{
    int s = (int)floor(sqrt((double)w * (double)h / COLOUR_MAX_SAMPLES));

    s = s < 1 ? 1 : s;
    while ((double)((w + s - 1) / s) * (double)((h + s - 1) / s) >
           COLOUR_MAX_SAMPLES)
        s++;
    return s;
}

/* Sums over the sampled grid, in the opponent axes rg and yb. */
typedef struct sums {
    double n, rg, yb, rg2, yb2, rgyb;
} sums;

static void accumulate(const uint8_t *rgb, int w, int h, size_t stride, sums *t)
{
    int step = grid_step(w, h);
    int x0 = step / 2 < w ? step / 2 : 0, y0 = step / 2 < h ? step / 2 : 0;
    for (int y = y0; y < h; y += step) {
        const uint8_t *row = rgb + (size_t)y * stride;
        for (int x = x0; x < w; x += step) {
            const uint8_t *p = row + 3 * (size_t)x;
            double rg = (double)p[0] - (double)p[1];
            double yb = 0.5 * ((double)p[0] + (double)p[1]) - (double)p[2];
            t->rg += rg;
            t->yb += yb;
            t->rg2 += rg * rg;
            t->yb2 += yb * yb;
            t->rgyb += rg * yb;
            t->n += 1.0;
        }
    }
}

void idp__colour_stats(const uint8_t *rgb, int w, int h, size_t stride,
                       double *colourfulness, double *hue_spread)
{
    sums t = {0, 0, 0, 0, 0, 0};
    double m_rg, m_yb, v_rg, v_yb, c, half, disc;
    *colourfulness = 0.0;
    *hue_spread = 0.0;
    if (!rgb || w <= 0 || h <= 0 || stride < 3 * (size_t)w)
        return;
    accumulate(rgb, w, h, stride, &t);
    if (t.n < 1.0)
        return;
    m_rg = t.rg / t.n;
    m_yb = t.yb / t.n;
    v_rg = fmax(0.0, t.rg2 / t.n - m_rg * m_rg); /* rounding */
    v_yb = fmax(0.0, t.yb2 / t.n - m_yb * m_yb);
    c = t.rgyb / t.n - m_rg * m_yb;
    *colourfulness = sqrt(v_rg + v_yb) + 0.3 * sqrt(m_rg * m_rg + m_yb * m_yb);
    /* the smaller eigenvalue of the (rg, yb) covariance */
    half = (v_rg + v_yb) / 2;
    disc = sqrt(fmax(0.0, half * half - (v_rg * v_yb - c * c)));
    *hue_spread = sqrt(fmax(0.0, half - disc));
}

double idp__colourfulness(const uint8_t *rgb, int w, int h, size_t stride)
{
    double m, spread;
    idp__colour_stats(rgb, w, h, stride, &m, &spread);
    return m;
}

double idp__srgb_to_linear(double c)
{
    c = c < 0 ? 0 : c > 255 ? 1 : c / 255;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double lab_f(double t)
{
    return t > 216.0 / 24389.0 ? idp__cbrt(t)
                               : t * (24389.0 / 27.0 / 116.0) + 16.0 / 116.0;
}

void idp__linear_to_lab(const double c[3], double lab[3])
{
    double x = 0.4124564 * c[0] + 0.3575761 * c[1] + 0.1804375 * c[2];
    double y = 0.2126729 * c[0] + 0.7151522 * c[1] + 0.0721750 * c[2];
    double z = 0.0193339 * c[0] + 0.1191920 * c[1] + 0.9503041 * c[2];
    double fx = lab_f(x / 0.95047), fy = lab_f(y), fz = lab_f(z / 1.08883);
    lab[0] = 116.0 * fy - 16.0;
    lab[1] = 500.0 * (fx - fy);
    lab[2] = 200.0 * (fy - fz);
}

void idp__srgb_to_lab(const double rgb[3], double lab[3])
{
    double c[3];
    for (int k = 0; k < 3; k++)
        c[k] = idp__srgb_to_linear(rgb[k]);
    idp__linear_to_lab(c, lab);
}

#define DE_PI 3.14159265358979323846

/* CIEDE2000 (Sharma, Wu & Dalal 2005), kL = kC = kH = 1. */
static double hue_deg(double b, double a)
{
    double h = atan2(b, a) * 180.0 / DE_PI;
    return h < 0 ? h + 360.0 : h;
}

static double mean_hue(double h1, double h2, double c1c2)
{
    if (c1c2 == 0)
        return h1 + h2;
    if (fabs(h1 - h2) <= 180)
        return (h1 + h2) / 2;
    return h1 + h2 < 360 ? (h1 + h2 + 360) / 2 : (h1 + h2 - 360) / 2;
}

static double hue_step(double h1, double h2, double c1c2)
{
    double d = h2 - h1;
    if (c1c2 == 0)
        return 0;
    return d > 180 ? d - 360 : d < -180 ? d + 360 : d;
}

double idp__de00(const double lab1[3], const double lab2[3])
{
    const double r = DE_PI / 180.0;
    double c1 = hypot(lab1[1], lab1[2]), c2 = hypot(lab2[1], lab2[2]);
    double cm7 = pow((c1 + c2) / 2, 7);
    double g = 0.5 * (1 - sqrt(cm7 / (cm7 + pow(25.0, 7))));
    double a1 = (1 + g) * lab1[1], a2 = (1 + g) * lab2[1];
    double cp1 = hypot(a1, lab1[2]), cp2 = hypot(a2, lab2[2]);
    double h1 = hue_deg(lab1[2], a1), h2 = hue_deg(lab2[2], a2);
    double dl = lab2[0] - lab1[0], dc = cp2 - cp1;
    double dh = 2 * sqrt(cp1 * cp2) * sin(hue_step(h1, h2, cp1 * cp2) / 2 * r);
    double lm = (lab1[0] + lab2[0]) / 2, cm = (cp1 + cp2) / 2;
    double hm = mean_hue(h1, h2, cp1 * cp2);
    double t = 1 - 0.17 * cos((hm - 30) * r) + 0.24 * cos(2 * hm * r) +
               0.32 * cos((3 * hm + 6) * r) - 0.20 * cos((4 * hm - 63) * r);
    double sl =
        1 + 0.015 * (lm - 50) * (lm - 50) / sqrt(20 + (lm - 50) * (lm - 50));
    double sc = 1 + 0.045 * cm, sh = 1 + 0.015 * cm * t;
    double cm7p = pow(cm, 7);
    double rt = -2 * sqrt(cm7p / (cm7p + pow(25.0, 7))) *
                sin(60 * exp(-pow((hm - 275) / 25, 2)) * r);
    return sqrt(pow(dl / sl, 2) + pow(dc / sc, 2) + pow(dh / sh, 2) +
                rt * (dc / sc) * (dh / sh));
}
