/* test_sheet.c - print sheets: the layout holding the most copies, every
 * copy inside the paper with margins and gaps, the copies and cut marks
 * drawn on white paper. */
#include "check.h"
#include "idp_internal.h"

#include <stdlib.h>

/* How many slots fit along a side, computed here independently. */
static int fits(int paper, int slot)
{
    int n = 0;
    if (slot < 1)
        return 0;
    while (2 * IDP__SHEET_MARGIN + (n + 1) * slot + n * IDP__SHEET_GAP <= paper)
        n++;
    return n;
}

/* Every copy inside the paper with margins, neighbours gaps apart, no two
 * overlapping, the block centred. */
static void check_geometry(const idp__sheet_layout *l)
{
    int xmin = l->paper_w, ymin = l->paper_h, xmax = 0, ymax = 0;
    for (int i = 0; i < l->copies; i++) {
        int x, y;
        idp__sheet_slot(l, i, &x, &y);
        CHECK(x >= IDP__SHEET_MARGIN && y >= IDP__SHEET_MARGIN);
        CHECK(x + l->slot_w <= l->paper_w - IDP__SHEET_MARGIN);
        CHECK(y + l->slot_h <= l->paper_h - IDP__SHEET_MARGIN);
        xmin = x < xmin ? x : xmin;
        ymin = y < ymin ? y : ymin;
        xmax = x + l->slot_w > xmax ? x + l->slot_w : xmax;
        ymax = y + l->slot_h > ymax ? y + l->slot_h : ymax;
        for (int j = 0; j < i; j++) {
            int u, v;
            idp__sheet_slot(l, j, &u, &v);
            /* apart by at least the gap in x or in y: no overlap */
            CHECK(u + l->slot_w + IDP__SHEET_GAP <= x ||
                  x + l->slot_w + IDP__SHEET_GAP <= u ||
                  v + l->slot_h + IDP__SHEET_GAP <= y ||
                  y + l->slot_h + IDP__SHEET_GAP <= v);
        }
    }
    CHECK(abs(xmin - (l->paper_w - xmax)) <= 1);
    CHECK(abs(ymin - (l->paper_h - ymax)) <= 1);
}

static void expect(int pw, int ph, int cw, int ch, int copies, int rotated,
                   int cols, int rows)
{
    idp__sheet_layout l;
    idp__sheet_layout_fit(pw, ph, cw, ch, &l);
    CHECK_EQ_INT(l.copies, copies);
    CHECK_EQ_INT(l.rotated, rotated);
    CHECK_EQ_INT(l.cols, cols);
    CHECK_EQ_INT(l.rows, rows);
    CHECK_EQ_INT(l.copies, l.rows * l.cols);
    CHECK_EQ_INT(l.slot_w, rotated ? ch : cw);
    CHECK_EQ_INT(l.slot_h, rotated ? cw : ch);
    /* the other arrangement holds no more (fewer when rotated) */
    if (rotated)
        CHECK(fits(pw, cw) * fits(ph, ch) < copies);
    else
        CHECK(fits(pw, ch) * fits(ph, cw) <= copies);
    CHECK_EQ_INT(copies, rotated ? fits(pw, ch) * fits(ph, cw)
                                 : fits(pw, cw) * fits(ph, ch));
    check_geometry(&l);
}

static void test_layouts(void)
{
    /* CHSI 480x640 on 6 inch: 3 upright, 4 turned (2 x 2) */
    expect(1795, 1205, 480, 640, 4, 1, 2, 2);
    /* 5 inch: 2 either way; the upright one on a tie */
    expect(1500, 1051, 480, 640, 2, 0, 2, 1);
    /* A4: 18 upright (6 x 3), 20 turned (5 x 4) */
    expect(3508, 2480, 480, 640, 20, 1, 5, 4);
    /* 1 inch 295x413 on 6 inch: 10 upright (5 x 2), 9 turned */
    expect(1795, 1205, 295, 413, 10, 0, 5, 2);
    /* ID card at 300 dpi (307x378): 10 upright, 12 turned (4 x 3) */
    expect(1795, 1205, 307, 378, 12, 1, 4, 3);
    /* a square photo: never turned */
    expect(1795, 1205, 600, 600, 2, 0, 2, 1);
    /* exactly the paper minus the margins: one copy */
    expect(1795, 1205, 1795 - 100, 1205 - 100, 1, 0, 1, 1);
    /* bigger than the paper with its margins: none */
    expect(1795, 1205, 1795 - 99, 1205 - 100, 0, 0, 0, 0);
    expect(1795, 1205, 2000, 3000, 0, 0, 0, 0);
    expect(1795, 1205, 0, 0, 0, 0, 0, 0);
}

static void test_print_size(void)
{
    int w, h;
    idp__sheet_print_size(480, 640, 300, &w, &h);
    CHECK(w == 480 && h == 640);
    idp__sheet_print_size(358, 441, 350, &w, &h); /* id-card */
    CHECK_EQ_INT(w, 307);
    CHECK_EQ_INT(h, 378);
    idp__sheet_print_size(240, 320, 0, &w, &h); /* no DPI: 300 */
    CHECK(w == 240 && h == 320);
    idp__sheet_print_size(480, 640, 1, &w, &h); /* no overflow */
    CHECK(w > 100000 && h > 100000);
}

static void test_papers(void)
{
    int w = 0, h = 0;
    CHECK(idp_sheet_paper_size("6inch", &w, &h) && w == 1795 && h == 1205);
    CHECK(idp_sheet_paper_size("5inch", &w, &h) && w == 1500 && h == 1051);
    CHECK(idp_sheet_paper_size("a4", &w, &h) && w == 3508 && h == 2480);
    CHECK(idp_sheet_paper_size("a4", NULL, NULL));
    CHECK(!idp_sheet_paper_size("A4 ", &w, &h));
    CHECK(!idp_sheet_paper_size("letter", &w, &h));
    CHECK(!idp_sheet_paper_size(NULL, &w, &h));
}

/* A photo no pixel of which is white or grey. */
static uint8_t *pattern(int w, int h)
{
    uint8_t *p = malloc((size_t)w * (size_t)h * 3);
    for (int y = 0; p && y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *q = p + ((size_t)y * (size_t)w + (size_t)x) * 3;
            q[0] = (uint8_t)(10 + x * 5);
            q[1] = (uint8_t)(20 + y * 3);
            q[2] = (uint8_t)(30 + (x + y) % 7 * 20);
        }
    return p;
}

static const uint8_t *at(const idp__canvas *cv, int x, int y)
{
    return cv->px + (size_t)y * cv->stride + (size_t)x * 3;
}

static int is_rgb(const uint8_t *p, int r, int g, int b)
{
    return p[0] == r && p[1] == g && p[2] == b;
}

static const uint8_t *photo_at(const uint8_t *photo, int w, int x, int y)
{
    return photo + ((size_t)y * (size_t)w + (size_t)x) * 3;
}

static int same(const uint8_t *a, const uint8_t *b)
{
    return is_rgb(a, b[0], b[1], b[2]);
}

/* Every slot holds the photo (turned clockwise when rotated). */
static void check_copies(const idp__sheet_layout *l, const idp__canvas *cv,
                         const uint8_t *photo)
{
    int bad = 0;
    for (int k = 0; k < l->copies; k++) {
        int x, y;
        idp__sheet_slot(l, k, &x, &y);
        for (int j = 0; j < l->slot_h; j++)
            for (int i = 0; i < l->slot_w; i++) {
                int px = l->rotated ? j : i;
                int py = l->rotated ? l->copy_h - 1 - i : j;
                const uint8_t *want =
                    photo + ((size_t)py * (size_t)l->copy_w + (size_t)px) * 3;
                bad += !is_rgb(at(cv, x + i, y + j), want[0], want[1], want[2]);
            }
    }
    CHECK_EQ_INT(bad, 0);
}

/* The cut marks of copy k: grey where they are, white at the corner. */
static void check_marks(const idp__sheet_layout *l, const idp__canvas *cv,
                        int k)
{
    const int off = IDP__SHEET_MARK_OFFSET, len = IDP__SHEET_MARK_LEN;
    int x, y, r, b;
    idp__sheet_slot(l, k, &x, &y);
    r = x + l->slot_w;
    b = y + l->slot_h;
    CHECK(is_rgb(at(cv, x - off - 1, y - 1), 128, 128, 128));   /* <- top */
    CHECK(is_rgb(at(cv, x - off - len, y - 1), 128, 128, 128)); /* its end */
    CHECK(is_rgb(at(cv, x - off - len - 1, y - 1), 255, 255, 255));
    CHECK(is_rgb(at(cv, x - 1, y - off - 1), 128, 128, 128)); /* ^ left */
    CHECK(is_rgb(at(cv, r + off, b), 128, 128, 128));         /* bottom -> */
    CHECK(is_rgb(at(cv, r, b + off), 128, 128, 128));         /* right v */
    CHECK(is_rgb(at(cv, x - 1, y - 1), 255, 255, 255));       /* the corner */
    CHECK(is_rgb(at(cv, r, b), 255, 255, 255));
    CHECK(is_rgb(at(cv, x - off, y - 1), 255, 255, 255)); /* offset: white */
}

static int count_not_white(const idp__canvas *cv)
{
    int n = 0;
    for (int y = 0; y < cv->h; y++)
        for (int x = 0; x < cv->w; x++)
            n += !is_rgb(at(cv, x, y), 255, 255, 255);
    return n;
}

static void test_draw(int pw, int ph, int rotated)
{
    const int cw = 40, chh = 60;
    idp__sheet_layout l;
    uint8_t *photo = pattern(cw, chh);
    idp__canvas cv = {NULL, pw, ph, (size_t)pw * 3};
    cv.px = malloc(cv.stride * (size_t)ph);
    CHECK(photo && cv.px);
    if (!photo || !cv.px)
        goto done;
    idp__sheet_layout_fit(pw, ph, cw, chh, &l);
    CHECK_EQ_INT(l.rotated, rotated);
    CHECK_EQ_INT(l.copies, 9); /* 3 x 3 either way */
    idp__sheet_draw(&l, photo, (size_t)cw * 3, &cv);
    check_copies(&l, &cv, photo);
    for (int k = 0; k < l.copies; k++)
        check_marks(&l, &cv, k);
    /* the copy's centre pixel is the photo's (turned: its centre too) */
    {
        int x, y, i = l.slot_w / 2, j = l.slot_h / 2;
        idp__sheet_slot(&l, 4, &x, &y);
        CHECK(same(at(&cv, x + i, y + j),
                   rotated ? photo_at(photo, cw, j, chh - 1 - i)
                           : photo_at(photo, cw, i, j)));
    }
    /* white everywhere else: the copies and 8 marks each, nothing more */
    CHECK_EQ_INT(count_not_white(&cv),
                 l.copies * (l.slot_w * l.slot_h + 8 * IDP__SHEET_MARK_LEN));
    CHECK(is_rgb(at(&cv, 0, 0), 255, 255, 255));
    CHECK(is_rgb(at(&cv, pw - 1, ph - 1), 255, 255, 255));
done:
    free(cv.px);
    free(photo);
}

int main(void)
{
    test_layouts();
    test_print_size();
    test_papers();
    test_draw(400, 300, 1); /* 4 x 2 upright, 3 x 3 turned */
    test_draw(300, 400, 0); /* 3 x 3 upright, 2 x 4 turned */
    return CHECK_DONE();
}
