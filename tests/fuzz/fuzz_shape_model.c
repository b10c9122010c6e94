/*
 * fuzz_shape_model.c - the compact face model's reader (lib/shape_model.c)
 * and cascade (lib/shape_predict.c) on arbitrary file images.
 *
 * Each input is bound twice: as it is (so the size, magic, version, count
 * and checksum checks are fuzzed), then with its meta checksum recomputed
 * when its counts give a layout (so mutations also reach the index checks
 * and, when those pass, a prediction on a 64x64 grey gradient). A real
 * model is 67 MB; the seeds are tiny models of the same layout
 * (make_seeds.py).
 *
 * Invariants (a break aborts; see fuzz.h): a refusal is IDP_E_MODEL with a
 * message; a bound model's prediction is IDP_OK with 68 finite whole-pixel
 * points, or IDP_E_MODEL (non-finite leaves); no read outside the input.
 */
#include "fuzz.h"

#include "shape_model.h"

#include <math.h>
#include <string.h>

static void predict(const idp__shape_model *m)
{
    static uint8_t grey[64 * 64];
    idp_point pts[IDP_LANDMARKS];
    long rect[4] = {8, 8, 55, 55};
    char err[256] = "";
    idp_status st;
    for (int i = 0; i < 64 * 64; i++)
        grey[i] = (uint8_t)(i * 7 % 251);
    st = idp__shape_predict(m, grey, 64, 64, 64, rect, pts, err, sizeof err);
    FUZZ_CHECK(st == IDP_OK || (st == IDP_E_MODEL && err[0]));
    for (int i = 0; st == IDP_OK && i < IDP_LANDMARKS; i++)
        FUZZ_CHECK(isfinite(pts[i].x) && pts[i].x == floor(pts[i].x) &&
                   isfinite(pts[i].y) && pts[i].y == floor(pts[i].y));
}

static void bind_and_predict(const uint8_t *buf, size_t size)
{
    idp__shape_model m;
    char err[256] = "";
    idp_status st = idp__shape_model_bind(buf, size, &m, err, sizeof err);
    FUZZ_CHECK(st == IDP_OK || (st == IDP_E_MODEL && err[0]));
    if (st == IDP_OK) {
        FUZZ_CHECK(m.h.parts == IDP_LANDMARKS && m.size == size);
        predict(&m);
    }
}

/* The input with a correct meta checksum, when its counts give a layout
 * that fits it; else nothing. */
static void with_checksum(uint8_t *buf, size_t size)
{
    idp__model_header h;
    idp__model_layout l;
    if (size < sizeof h)
        return;
    memcpy(&h, buf, sizeof h);
    if (idp__model_layout_of(&h, &l) != 0 || l.leaves > size)
        return;
    h.meta_checksum = idp__model_meta_checksum(buf, &l);
    memcpy(buf, &h, sizeof h);
    bind_and_predict(buf, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an aligned, exactly-sized copy, as the mapping is page-aligned */
    uint8_t *buf = calloc(size ? size : 1, 1);
    FUZZ_CHECK(buf != NULL);
    if (size)
        memcpy(buf, data, size);
    bind_and_predict(buf, size);
    with_checksum(buf, size);
    free(buf);
    return 0;
}
