/*
 * colour.c - Hasler & Suesstrunk (2003) colourfulness: with rg = R - G and
 * yb = (R + G) / 2 - B over the pixels,
 *   M = sqrt(var_rg + var_yb) + 0.3 sqrt(mean_rg^2 + mean_yb^2).
 * 0 for any grey image; about 15 "slightly", 33 "moderately", 59 "highly"
 * colourful on their scale. Pure C.
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

double idp__colourfulness(const uint8_t *rgb, int w, int h, size_t stride)
{
    double n = 0.0, s_rg = 0.0, s_yb = 0.0, q_rg = 0.0, q_yb = 0.0;

    if (!rgb || w <= 0 || h <= 0 || stride < 3 * (size_t)w)
        return 0.0;
    int step = grid_step(w, h);
    int x0 = step / 2 < w ? step / 2 : 0, y0 = step / 2 < h ? step / 2 : 0;
    for (int y = y0; y < h; y += step) {
        const uint8_t *row = rgb + (size_t)y * stride;
        for (int x = x0; x < w; x += step) {
            const uint8_t *p = row + 3 * (size_t)x;
            double rg = (double)p[0] - (double)p[1];
            double yb = 0.5 * ((double)p[0] + (double)p[1]) - (double)p[2];
            s_rg += rg;
            s_yb += yb;
            q_rg += rg * rg;
            q_yb += yb * yb;
            n += 1.0;
        }
    }
    if (n < 1.0)
        return 0.0;
    double m_rg = s_rg / n, m_yb = s_yb / n;
    double v_rg = q_rg / n - m_rg * m_rg, v_yb = q_yb / n - m_yb * m_yb;
    v_rg = v_rg > 0.0 ? v_rg : 0.0; /* rounding */
    v_yb = v_yb > 0.0 ? v_yb : 0.0;
    return sqrt(v_rg + v_yb) + 0.3 * sqrt(m_rg * m_rg + m_yb * m_yb);
}
