/*
 * sheet.c - idp_made_sheet(): copies of the made photo on a sheet of
 * photo paper, each at the profile's physical size, with cut marks.
 *
 *   the copy's size at 300 dpi (the profile's pixels at its DPI) -> the
 *   layout holding the most copies (normal, or every copy turned 90
 *   degrees; >= 30 px gaps, >= 50 px margins, centred) -> white paper, the
 *   copies, grey cut marks in the gaps -> JPEG, quality 95, 300 dpi.
 * The layout and the drawing are pure C (tests/unit/test_sheet.c).
 */
#include "idp_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SHEET_QUALITY 95

/* Landscape papers at 300 dpi. */
static const struct paper {
    const char *name;
    int w, h;
} papers[] = {
    {"6inch", 1795, 1205}, /* 6 x 4 in (4R), 152 x 102 mm */
    {"5inch", 1500, 1051}, /* 5 x 3.5 in (3R), 127 x 89 mm */
    {"a4", 3508, 2480},    /* 297 x 210 mm */
};

#define N_PAPERS (sizeof papers / sizeof papers[0])

static const idp_rgb MARK_GREY = {128, 128, 128};

int idp_sheet_paper_size(const char *paper, int *width, int *height)
{
    for (size_t i = 0; paper && i < N_PAPERS; i++)
        if (strcmp(paper, papers[i].name) == 0) {
            if (width)
                *width = papers[i].w;
            if (height)
                *height = papers[i].h;
            return 1;
        }
    return 0;
}

/* How many slots of `slot` px fit along `paper` px. */
static int fit_count(int paper, int slot)
{
    int room = paper - 2 * IDP__SHEET_MARGIN + IDP__SHEET_GAP;
    if (slot < 1 || slot > paper || room < 0)
        return 0;
    return room / (slot + IDP__SHEET_GAP);
}

static void fit_one(int pw, int ph, int sw, int sh, idp__sheet_layout *l)
{
    l->slot_w = sw;
    l->slot_h = sh;
    l->cols = fit_count(pw, sw);
    l->rows = fit_count(ph, sh);
    if (l->cols == 0 || l->rows == 0)
        l->cols = l->rows = 0;
    l->copies = l->rows * l->cols;
    l->x0 = (pw - (l->cols * sw + (l->cols - 1) * IDP__SHEET_GAP)) / 2;
    l->y0 = (ph - (l->rows * sh + (l->rows - 1) * IDP__SHEET_GAP)) / 2;
}

void idp__sheet_layout_fit(int paper_w, int paper_h, int copy_w, int copy_h,
                           idp__sheet_layout *l)
{
    idp__sheet_layout turned;
    memset(l, 0, sizeof *l);
    l->paper_w = paper_w;
    l->paper_h = paper_h;
    l->copy_w = copy_w;
    l->copy_h = copy_h;
    turned = *l;
    turned.rotated = 1;
    fit_one(paper_w, paper_h, copy_w, copy_h, l);
    fit_one(paper_w, paper_h, copy_h, copy_w, &turned);
    if (turned.copies > l->copies)
        *l = turned;
}

void idp__sheet_slot(const idp__sheet_layout *l, int i, int *x, int *y)
{
    int cols = l->cols > 0 ? l->cols : 1;
    *x = l->x0 + (i % cols) * (l->slot_w + IDP__SHEET_GAP);
    *y = l->y0 + (i / cols) * (l->slot_h + IDP__SHEET_GAP);
}

/* Larger than any paper: a size past it only has to not overflow. */
#define PRINT_MAX 1000000.0

void idp__sheet_print_size(int w, int h, int dpi, int *pw, int *ph)
{
    double k = dpi > 0 ? (double)IDP__SHEET_DPI / dpi : 1.0;
    *pw = (int)lround(fmin(w * k, PRINT_MAX));
    *ph = (int)lround(fmin(h * k, PRINT_MAX));
}

/* Copy the photo into the slot at (x, y), turned clockwise if asked:
 * the slot's pixel (i, j) is the photo's (j, copy_h - 1 - i). */
static void place(const idp__sheet_layout *l, const uint8_t *photo,
                  size_t stride, const idp__canvas *cv, int x, int y)
{
    for (int j = 0; j < l->slot_h; j++) {
        uint8_t *row = cv->px + (size_t)(y + j) * cv->stride + (size_t)x * 3;
        if (!l->rotated) {
            memcpy(row, photo + (size_t)j * stride, (size_t)l->slot_w * 3);
            continue;
        }
        for (int i = 0; i < l->slot_w; i++)
            memcpy(row + (size_t)i * 3,
                   photo + (size_t)(l->copy_h - 1 - i) * stride + (size_t)j * 3,
                   3);
    }
}

/* Eight short lines, two at each corner, on the lines just outside the
 * copy's edges, pointing away from it (in the gaps and margins). */
static void cut_marks(const idp__canvas *cv, int x, int y, int w, int h)
{
    const int off = IDP__SHEET_MARK_OFFSET, len = IDP__SHEET_MARK_LEN;
    const int left = x - off - len, right = x + w + off;
    const int top = y - off - len, bottom = y + h + off;
    for (int k = 0; k < 2; k++) {
        int row = k ? y + h : y - 1, col = k ? x + w : x - 1;
        idp__draw_fill(cv, left, row, len, 1, MARK_GREY, 255);
        idp__draw_fill(cv, right, row, len, 1, MARK_GREY, 255);
        idp__draw_fill(cv, col, top, 1, len, MARK_GREY, 255);
        idp__draw_fill(cv, col, bottom, 1, len, MARK_GREY, 255);
    }
}

void idp__sheet_draw(const idp__sheet_layout *l, const uint8_t *photo,
                     size_t stride, const idp__canvas *paper)
{
    for (int j = 0; j < paper->h; j++)
        memset(paper->px + (size_t)j * paper->stride, 255,
               (size_t)paper->w * 3);
    for (int i = 0; i < l->copies; i++) {
        int x, y;
        idp__sheet_slot(l, i, &x, &y);
        place(l, photo, stride, paper, x, y);
        cut_marks(paper, x, y, l->slot_w, l->slot_h);
    }
}

/* The made photo at its print size: the photo itself at 300 dpi (or no
 * DPI), else resampled into *buf. */
static idp_status print_copy(idp_ctx *ctx, const idp_image *photo,
                             const idp__sheet_layout *l, uint8_t **buf,
                             const uint8_t **px, size_t *stride)
{
    idp_rect all = {0, 0, photo->width, photo->height};
    *buf = NULL;
    *px = photo->pixels;
    *stride = photo->stride;
    if (l->copy_w == photo->width && l->copy_h == photo->height)
        return IDP_OK;
    *buf = malloc((size_t)l->copy_w * (size_t)l->copy_h * 3);
    if (!*buf)
        return idp__fail(ctx, IDP_E_NOMEM, "out of memory");
    *px = *buf;
    *stride = (size_t)l->copy_w * 3;
    return idp__image_region(ctx, photo, all, l->copy_w, l->copy_h, *buf);
}

static idp_status plan(idp_ctx *ctx, const idp_made *m, const char *paper,
                       const idp_image **photo, idp__sheet_layout *l)
{
    const uint8_t *alpha, *fg;
    const idp_profile *p;
    const idp__matte *mt;
    int pw, ph, cw, ch;
    if (idp__made_view(m, photo, &alpha, &fg, &p, &mt) != IDP_OK)
        return idp__fail(ctx, IDP_E_INVALID_ARG, "nothing was made");
    if (!idp_sheet_paper_size(paper, &pw, &ph))
        return idp__fail(ctx, IDP_E_INVALID_ARG,
                         "unknown paper '%s' (papers: 6inch, 5inch, a4)",
                         paper ? paper : "(null)");
    idp__sheet_print_size((*photo)->width, (*photo)->height, p->dpi, &cw, &ch);
    idp__sheet_layout_fit(pw, ph, cw, ch, l);
    if (l->copies == 0)
        return idp__fail(ctx, IDP_E_INVALID_ARG,
                         "a %dx%d px photo (at 300 dpi) does not fit on "
                         "%s paper (%dx%d px) with %d px margins",
                         cw, ch, paper, pw, ph, IDP__SHEET_MARGIN);
    return IDP_OK;
}

idp_status idp_made_sheet(idp_ctx *ctx, const idp_made *m, const char *paper,
                          uint8_t **data, size_t *len, int *copies)
{
    const idp__jpeg_target t = {IDP__SHEET_DPI, 0, 0, SHEET_QUALITY,
                                SHEET_QUALITY};
    idp__encoded e = {NULL, 0, 0, 0, 0};
    idp__sheet_layout l;
    idp__canvas cv = {NULL, 0, 0, 0};
    const idp_image *photo;
    const uint8_t *px;
    uint8_t *copy = NULL;
    size_t stride;
    idp_status st;
    if (!data || !len || !copies)
        return IDP_E_INVALID_ARG;
    *data = NULL;
    *len = 0;
    *copies = 0;
    st = plan(ctx, m, paper, &photo, &l);
    if (st == IDP_OK)
        st = print_copy(ctx, photo, &l, &copy, &px, &stride);
    if (st != IDP_OK)
        goto done;
    cv.w = l.paper_w;
    cv.h = l.paper_h;
    cv.stride = (size_t)cv.w * 3;
    cv.px = malloc(cv.stride * (size_t)cv.h);
    if (!cv.px) {
        st = idp__fail(ctx, IDP_E_NOMEM, "out of memory");
        goto done;
    }
    idp__sheet_draw(&l, px, stride, &cv);
    st = idp__encode_jpeg(ctx, cv.px, cv.w, cv.h, cv.stride, &t, &e);
    if (st == IDP_OK) {
        *data = e.data;
        *len = e.len;
        *copies = l.copies;
    }
done:
    free(cv.px);
    free(copy);
    return st;
}
