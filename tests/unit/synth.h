/*
 * synth.h - a synthetic frontal face in iBUG 68-point order for unit
 * tests: face centred at (cx, cy) (the eye midpoint), face width `fw`
 * (|p0 - p16|), eye aspect ratio `ear`, inner-lip gap `gap` (px), rotated
 * by `roll_deg` clockwise (image y down) about the eye midpoint.
 */
#ifndef IDP_TEST_SYNTH_H
#define IDP_TEST_SYNTH_H

#include "idphoto.h"

#include <math.h>

static void synth_eye(idp_point *p, double x0, double x3, double y, double h)
{
    double w = x3 - x0;
    p[0].x = x0, p[0].y = y;
    p[1].x = x0 + w / 3, p[1].y = y - h / 2;
    p[2].x = x0 + 2 * w / 3, p[2].y = y - h / 2;
    p[3].x = x3, p[3].y = y;
    p[4].x = x0 + 2 * w / 3, p[4].y = y + h / 2;
    p[5].x = x0 + w / 3, p[5].y = y + h / 2;
}

static void synth_rotate(idp_point *lm, double cx, double cy, double deg)
{
    double a = deg * 3.14159265358979323846 / 180, c = cos(a), s = sin(a);
    for (int i = 0; i < IDP_LANDMARKS; i++) {
        double x = lm[i].x - cx, y = lm[i].y - cy;
        lm[i].x = cx + x * c - y * s;
        lm[i].y = cy + x * s + y * c;
    }
}

static void synth_face(idp_point lm[IDP_LANDMARKS], double cx, double cy,
                       double fw, double ear, double gap, double roll_deg)
{
    double u = fw / 10; /* face width = 10 units */
    double ew = 1.8 * u;
    for (int i = 0; i <= 16; i++) { /* jaw: a half ellipse below eyes */
        double t = 3.14159265358979323846 * i / 16;
        lm[i].x = cx - 5 * u * cos(t);
        lm[i].y = cy + 0.3 * u + 6.2 * u * sin(t);
    }
    lm[0].y = lm[16].y = cy + 0.3 * u;
    for (int i = 17; i <= 26; i++) { /* brows */
        lm[i].x =
            cx + (i < 22 ? -4 + (i - 17) * 0.7 : 1.2 + (i - 22) * 0.7) * u;
        lm[i].y = cy - 1.2 * u;
    }
    for (int i = 27; i <= 35; i++) { /* nose bridge and base */
        lm[i].x = cx + (i <= 30 ? 0 : (i - 33) * 0.4 * u);
        lm[i].y = cy + (i <= 30 ? (i - 27) * 0.8 * u : 2.8 * u);
    }
    synth_eye(&lm[36], cx - 1 * u - ew - 0.5 * u, cx - 1.5 * u + 0.0 * u, cy,
              ear * ew);
    synth_eye(&lm[42], cx + 1.5 * u, cx + 1.5 * u + ew, cy, ear * ew);
    for (int i = 48; i <= 59; i++) { /* outer lip ring */
        double t = 2 * 3.14159265358979323846 * (i - 48) / 12;
        lm[i].x = cx - 2 * u * cos(t);
        lm[i].y = cy + 4.2 * u - 0.6 * u * sin(t);
    }
    for (int i = 60; i <= 67; i++) { /* inner lips: 61-63 top, 65-67 bottom */
        double t = 2 * 3.14159265358979323846 * (i - 60) / 8;
        lm[i].x = cx - 1.5 * u * cos(t);
        lm[i].y = cy + 4.2 * u;
    }
    for (int i = 61; i <= 63; i++)
        lm[i].y -= gap / 2;
    for (int i = 65; i <= 67; i++)
        lm[i].y += gap / 2;
    synth_rotate(lm, cx, cy, roll_deg);
}

#endif /* IDP_TEST_SYNTH_H */
