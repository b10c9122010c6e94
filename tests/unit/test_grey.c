/* test_grey.c - grey.c converts every one of the 2^24 sRGB colours to the
 * byte libvips' sRGB -> B_W pipeline gives (the detector's and the
 * landmarks' grey copies depend on it). */
#include "check.h"
#include "idp_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    int bad = idp__grey_check_all();
    if (bad < 0)
        fprintf(stderr, "grey.c is not used with this libvips\n");
    CHECK_EQ_INT(bad, 0);
    /* a table one code off is caught */
    {
        idp__grey_tables t;
        uint8_t rgb[3 * 256], a[256], b[256];
        memset(&t, 0, sizeof t);
        for (int i = 0; i < 256; i++) {
            t.v2y[i] = (float)i / 255.0f;
            t.lut[i] = i;
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (uint8_t)i;
        }
        t.lut[256] = 255;
        idp__grey_prepare(&t);
        idp__grey_convert(&t, rgb, 256, a);
        CHECK_EQ_INT(a[0], 0);
        CHECK_EQ_INT(a[255], 255);
        CHECK_EQ_INT(a[128], 128);
        t.lut[128] = 129;
        idp__grey_prepare(&t);
        idp__grey_convert(&t, rgb, 256, b);
        CHECK(memcmp(a, b, sizeof a) != 0);
    }
    /* the three loops give the same bytes (libvips-like tables) */
    {
        static uint8_t rgb[3 * 1000 + 64], out[3][1000];
        idp__grey_tables t;
        uint32_t r = 99;
        for (int i = 0; i < 256; i++) {
            t.v2y[i] = (float)i / 255.0f * (float)i / 255.0f;
            t.lut[i] = (int)(255.0 * sqrt(i / 255.0) + 0.5);
        }
        t.lut[256] = 255;
        idp__grey_prepare(&t);
        for (size_t i = 0; i < sizeof rgb; i++)
            rgb[i] = (uint8_t)((r = r * 1664525u + 1013904223u) >> 24);
        for (int w = 0; w < 3; w++)
            idp__grey_convert_at(&t, rgb, 1000, out[w], w);
        CHECK(memcmp(out[0], out[1], sizeof out[0]) == 0);
        CHECK(memcmp(out[0], out[2], sizeof out[0]) == 0);
    }
    return CHECK_DONE();
}
