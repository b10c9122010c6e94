/*
 * face_dlib.cpp - the dlib bridge: HOG frontal face detector and 68-point
 * shape predictor behind the C interface of face_dlib.h.
 *
 * The only C++ file of the library. The body of every extern "C" function
 * is one try block ending in catch (...), so no exception crosses into C:
 * each becomes a status and a message copied into the caller's buffer.
 * (They are not declared noexcept: face_dlib.h, shared with C, does not
 * say so, and C++ rejects a definition whose exception specification
 * differs from its declaration.)
 * The caller's grey pixels are read in place through dlib's generic image
 * interface (no copy); only an upsampled image is allocated here.
 */
#include "face_dlib.h"
#include "hog_cells.h"
#include "hog_filter.h"
#include "hog_pyramid.h"
#include "shape_model.h"

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_processing/scan_fhog_pyramid.h>
#include <dlib/image_processing/shape_predictor.h>
#include <dlib/image_transforms/interpolation.h>
#include <dlib/serialize.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <exception>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

typedef dlib::scan_fhog_pyramid<dlib::pyramid_down<6>> hog_scanner;

struct idp__face_bridge {
    dlib::frontal_face_detector detector;
    std::unique_ptr<dlib::shape_predictor> predictor; /* the .dat, if read */
};

namespace
{

/* Each upsampling about doubles both sides (pyramid_up gives 2w + 2 by
 * 2h + 1); 4 levels turn 2000 px into 32000. */
const int max_upsample = 4;

/* A borrowed 8-bit grey buffer, read-only, seen through dlib's generic
 * image interface (dlib/image_processing/generic_image.h). Found by ADL. */
struct grey_view {
    const uint8_t *data;
    long rows, cols, step;
};

long num_rows(const grey_view &img)
{
    return img.rows;
}

long num_columns(const grey_view &img)
{
    return img.cols;
}

long width_step(const grey_view &img)
{
    return img.step;
}

const void *image_data(const grey_view &img)
{
    return img.data;
}

} // namespace

namespace dlib
{
template <> struct image_traits<grey_view> {
    typedef unsigned char pixel_type;
};
} // namespace dlib

namespace
{

/* Replace line breaks and tabs (dlib's messages have them) by spaces,
 * squeeze runs of spaces and drop trailing ones: one line. */
void one_line(char *s)
{
    char *out = s;
    for (const char *in = s; *in != '\0'; in++) {
        char c = (*in == '\n' || *in == '\r' || *in == '\t') ? ' ' : *in;
        if (c == ' ' && (out == s || out[-1] == ' '))
            continue;
        *out++ = c;
    }
    while (out > s && out[-1] == ' ')
        out--;
    *out = '\0';
}

/* Copy a formatted message into err (may be NULL / 0) and return code. */
idp_status fail(char *err, size_t err_len, idp_status code, const char *fmt,
                ...) IDP__PRINTF(4, 5);

idp_status fail(char *err, size_t err_len, idp_status code, const char *fmt,
                ...)
{
    if (err == NULL || err_len == 0)
        return code;
    va_list ap;
    va_start(ap, fmt);
    int r = std::vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
    if (r < 0)
        err[0] = '\0';
    one_line(err);
    return code;
}

const char *or_null(const char *s)
{
    return s != NULL ? s : "(null)";
}

/* dlib wraps the reason: "An error occurred while trying to read the
 * first object from the file '...'.\nERROR: <reason>"; keep the reason. */
const char *dlib_reason(const char *what)
{
    const char *r = std::strstr(what, "ERROR: ");
    return r != NULL ? r + 7 : what;
}

idp_status check_readable(const char *path, char *err, size_t err_len)
{
    std::FILE *f = std::fopen(path, "rb");
    if (f != NULL) {
        std::fclose(f);
        return IDP_OK;
    }
    if (errno == ENOENT || errno == ENOTDIR)
        return fail(err, err_len, IDP_E_MODEL, "%s: no such model file", path);
    if (errno == EACCES)
        return fail(err, err_len, IDP_E_MODEL,
                    "%s: permission denied reading model file", path);
    return fail(err, err_len, IDP_E_MODEL, "%s: cannot read model file", path);
}

/* A corrupt file can ask for absurd sizes: a failed allocation while
 * reading the model is reported as a model error, not as IDP_E_NOMEM. */
idp_status read_predictor(const char *path, dlib::shape_predictor &sp,
                          char *err, size_t err_len)
{
    try {
        dlib::deserialize(path) >> sp;
    } catch (const std::bad_alloc &) {
        return fail(err, err_len, IDP_E_MODEL,
                    "%s: cannot load face model: out of memory "
                    "(corrupt file?)",
                    path);
    } catch (const std::length_error &) {
        return fail(err, err_len, IDP_E_MODEL,
                    "%s: cannot load face model: impossible size "
                    "(corrupt file?)",
                    path);
    }
    if (sp.num_parts() != IDP_LANDMARKS)
        return fail(err, err_len, IDP_E_MODEL,
                    "%s: face model has %lu landmarks, expected %d", path,
                    sp.num_parts(), IDP_LANDMARKS);
    return IDP_OK;
}

/* A read-only istream over borrowed bytes (the mapped model). */
struct memory_buf : std::streambuf {
    memory_buf(const void *p, size_t n)
    {
        char *c = static_cast<char *>(const_cast<void *>(p));
        setg(c, c, c + n);
    }
};

void read_detector(const void *blob, size_t n,
                   dlib::frontal_face_detector &detector)
{
    if (blob == NULL) {
        detector = dlib::get_frontal_face_detector();
        return;
    }
    memory_buf buf(blob, n);
    std::istream in(&buf);
    dlib::deserialize(detector, in);
}

/* Common argument checks of detect and landmarks; who names the caller. */
idp_status check_image(const char *who, const idp__face_bridge *b,
                       const uint8_t *grey, int w, int h, size_t stride,
                       char *err, size_t err_len)
{
    if (b == NULL || grey == NULL)
        return fail(err, err_len, IDP_E_INVALID_ARG, "%s: %s is null", who,
                    b == NULL ? "bridge" : "image");
    if (w <= 0 || h <= 0 || stride < (size_t)w || stride > LONG_MAX)
        return fail(err, err_len, IDP_E_INVALID_ARG,
                    "%s: bad image geometry %dx%d, stride %zu", who, w, h,
                    stride);
    return IDP_OK;
}

grey_view make_view(const uint8_t *grey, int w, int h, size_t stride)
{
    grey_view v = {grey, h, w, (long)stride};
    return v;
}

/* Map an inclusive dlib box back from an upsampled image. pyramid_up
 * resizes so that pixel centres map linearly, x = x_big * sx with
 * sx = (w - 1) / (w_big - 1), so the box's extent [left - 0.5,
 * right + 0.5] maps to [(left - 0.5) * sx, ...]. sx = 1: unchanged. */
idp_rect box_from_dlib(const dlib::rectangle &r, double sx, double sy)
{
    idp_rect out;
    out.x = (r.left() - 0.5) * sx + 0.5;
    out.y = (r.top() - 0.5) * sy + 0.5;
    out.w = r.width() * sx;
    out.h = r.height() * sy;
    return out;
}

/* ---- HOG detection, its pyramid levels in two runs ----
 * dlib's object_detector<scan_fhog_pyramid> extracts FHOG features at each
 * level of an image pyramid (each level 5/6 the size of the one before),
 * slides each of its filters over every level, and keeps the best of
 * overlapping boxes. The same arithmetic here, call for call, but with
 * the levels cut in two runs, [0, k) and [k, levels), that go on two
 * threads when asked: k balances their pixels (levels 0-1 against the
 * rest, about 52/48). Boxes, scores and their order are dlib's (tested
 * against the detector itself: threads 0 in idp__bridge_detect). */

typedef std::vector<std::pair<double, dlib::rectangle>> scored_boxes;

/* One scan: the scanner's geometry (its private compute_fhog_window_size
 * redone from public getters), each filter's threshold (the last element
 * of its weight vector; the filters are those dlib built when it read the
 * detector: get_processed_w(f).get_detect_argument()) and where each
 * level's boxes go. */
struct hog_scan {
    const idp__face_bridge *b;
    const hog_scanner *sc;
    int cell;
    long win_w, win_h; /* the filter window with padding, in cells */
    double adjust;
    std::vector<double> bias;                     /* [filter] */
    std::vector<std::vector<scored_boxes>> boxes; /* [level][filter] */

    hog_scan(const idp__face_bridge &bridge, double adjust_threshold)
        : b(&bridge), sc(&bridge.detector.get_scanner()),
          cell((int)sc->get_cell_size()), adjust(adjust_threshold)
    {
        for (unsigned long f = 0; f < b->detector.num_detectors(); f++)
            bias.push_back(b->detector.get_w(f)(sc->get_num_dimensions()));
        const dlib::rectangle r = dlib::centered_rect(
            dlib::point(0, 0), sc->get_detection_window_width(),
            sc->get_detection_window_height());
        const dlib::rectangle t = dlib::grow_rect(
            sc->get_feature_extractor().image_to_feats(r, cell, 1, 1),
            (long)sc->get_padding());
        win_w = t.width();
        win_h = t.height();
    }
};

/* One float_spatially_filter_image_separable(in, out, row, col, scratch,
 * add_to) of dlib, by hog_filter.c when it can (the same floats). */
dlib::rectangle filter_separable(const dlib::array2d<float> &in,
                                 dlib::array2d<float> &out,
                                 const dlib::matrix<float, 0, 1> &row,
                                 const dlib::matrix<float, 0, 1> &col,
                                 dlib::array2d<float> &scratch, bool add_to)
{
    if (!add_to)
        out.set_size(in.nr(), in.nc());
    scratch.set_size(in.nr(), in.nc());
    idp__sep_call c;
    c.rows = in.nr();
    c.cols = in.nc();
    c.stride = c.cols;
    c.row_taps = row.size();
    c.col_taps = col.size();
    c.add_to = add_to;
    if (c.rows > 0 && c.cols > 0 && c.row_taps > 0 && c.col_taps > 0 &&
        out.nr() == c.rows && out.nc() == c.cols &&
        dlib::width_step(in) == c.cols * (long)sizeof(float) &&
        dlib::width_step(out) == c.cols * (long)sizeof(float) &&
        dlib::width_step(scratch) == c.cols * (long)sizeof(float)) {
        c.in = (const float *)dlib::image_data(in);
        c.out = (float *)dlib::image_data(out);
        c.scratch = (float *)dlib::image_data(scratch);
        c.row_filter = &row(0);
        c.col_filter = &col(0);
        if (idp__sep_filter(&c) == 0)
            return dlib::rectangle(c.row_taps / 2, c.col_taps / 2,
                                   c.cols - (c.row_taps - 1) / 2 - 1,
                                   c.rows - (c.col_taps - 1) / 2 - 1);
    }
    return dlib::float_spatially_filter_image_separable(in, out, row, col,
                                                        scratch, add_to);
}

/* dlib::impl::apply_filters_to_fhog with its separable filters done by
 * filter_separable, one scratch image for all. */
dlib::rectangle apply_filters(const hog_scanner::fhog_filterbank &w,
                              const dlib::array<dlib::array2d<float>> &feats,
                              dlib::array2d<float> &sal,
                              dlib::array2d<float> &scratch)
{
    if (w.num_separable_filters() >
        w.filters.size() * std::min(w.filters[0].nr(), w.filters[0].nc()) / 3.0)
        return dlib::impl::apply_filters_to_fhog(w, feats, sal);
    dlib::rectangle area;
    sal.clear();
    for (unsigned long i = 0; i < w.row_filters.size(); ++i)
        for (unsigned long j = 0; j < w.row_filters[i].size(); ++j)
            area =
                filter_separable(feats[i], sal, w.row_filters[i][j],
                                 w.col_filters[i][j], scratch, sal.size() != 0);
    if (sal.size() == 0) {
        sal.set_size(feats[0].nr(), feats[0].nc());
        dlib::assign_all_pixels(sal, 0);
    }
    return area;
}

/* The second pass of dlib's impl_extract_fhog_features() (fhog.h, cell
 * size > 1), its code as it is, on the orientation histograms `hist`
 * that hog_cells.c made: the energy of each cell, then its 31 features
 * normalised by the four blocks around it. */
void fhog_features(const std::vector<float> &hist, int cells_nr, int cells_nc,
                   dlib::array<dlib::array2d<float>> &hog, int rows_pad,
                   int cols_pad)
{
    const long hw = cells_nc + 2;
    auto h = [&](long r, long c, int o) { return hist[(r * hw + c) * 18 + o]; };
    dlib::array2d<float> norm(cells_nr, cells_nc);
    dlib::assign_all_pixels(norm, 0);
    const int hog_nr = std::max(cells_nr - 2, 0);
    const int hog_nc = std::max(cells_nc - 2, 0);
    const int padding_rows_offset = (rows_pad - 1) / 2;
    const int padding_cols_offset = (cols_pad - 1) / 2;
    dlib::impl_fhog::init_hog(hog, hog_nr, hog_nc, rows_pad, cols_pad);
    for (int r = 0; r < cells_nr; ++r)
        for (int c = 0; c < cells_nc; ++c)
            for (int o = 0; o < 9; o++)
                norm[r][c] += (h(r + 1, c + 1, o) + h(r + 1, c + 1, o + 9)) *
                              (h(r + 1, c + 1, o) + h(r + 1, c + 1, o + 9));
    const float eps = 0.0001;
    for (int y = 0; y < hog_nr; y++) {
        const int yy = y + padding_rows_offset;
        for (int x = 0; x < hog_nc; x++) {
            const dlib::simd4f z1(norm[y + 1][x + 1], norm[y][x + 1],
                                  norm[y + 1][x], norm[y][x]);
            const dlib::simd4f z2(norm[y + 1][x + 2], norm[y][x + 2],
                                  norm[y + 1][x + 1], norm[y][x + 1]);
            const dlib::simd4f z3(norm[y + 2][x + 1], norm[y + 1][x + 1],
                                  norm[y + 2][x], norm[y + 1][x]);
            const dlib::simd4f z4(norm[y + 2][x + 2], norm[y + 1][x + 2],
                                  norm[y + 2][x + 1], norm[y + 1][x + 1]);
            const dlib::simd4f nn = 0.2 * sqrt(z1 + z2 + z3 + z4 + eps);
            const dlib::simd4f n = 0.1 / nn;
            dlib::simd4f t = 0;
            const int xx = x + padding_cols_offset;
            for (int o = 0; o < 18; o += 3) {
                dlib::simd4f temp0(h(y + 2, x + 2, o));
                dlib::simd4f temp1(h(y + 2, x + 2, o + 1));
                dlib::simd4f temp2(h(y + 2, x + 2, o + 2));
                dlib::simd4f h0 = min(temp0, nn) * n;
                dlib::simd4f h1 = min(temp1, nn) * n;
                dlib::simd4f h2 = min(temp2, nn) * n;
                dlib::impl_fhog::set_hog(hog, o, xx, yy, sum(h0));
                dlib::impl_fhog::set_hog(hog, o + 1, xx, yy, sum(h1));
                dlib::impl_fhog::set_hog(hog, o + 2, xx, yy, sum(h2));
                t += h0 + h1 + h2;
            }
            t *= 2 * 0.2357;
            for (int o = 0; o < 9; o += 3) {
                dlib::simd4f temp0 =
                    h(y + 2, x + 2, o) + h(y + 2, x + 2, o + 9);
                dlib::simd4f temp1 =
                    h(y + 2, x + 2, o + 1) + h(y + 2, x + 2, o + 9 + 1);
                dlib::simd4f temp2 =
                    h(y + 2, x + 2, o + 2) + h(y + 2, x + 2, o + 9 + 2);
                dlib::simd4f h0 = min(temp0, nn) * n;
                dlib::simd4f h1 = min(temp1, nn) * n;
                dlib::simd4f h2 = min(temp2, nn) * n;
                dlib::impl_fhog::set_hog(hog, o + 18, xx, yy, sum(h0));
                dlib::impl_fhog::set_hog(hog, o + 18 + 1, xx, yy, sum(h1));
                dlib::impl_fhog::set_hog(hog, o + 18 + 2, xx, yy, sum(h2));
            }
            float temp[4];
            t.store(temp);
            dlib::impl_fhog::set_hog(hog, 27, xx, yy, temp[0]);
            dlib::impl_fhog::set_hog(hog, 28, xx, yy, temp[1]);
            dlib::impl_fhog::set_hog(hog, 29, xx, yy, temp[2]);
            dlib::impl_fhog::set_hog(hog, 30, xx, yy, temp[3]);
        }
    }
}

/* hog_cells.c's orientation histograms of a grey image with cells of
 * `cell` px, as many as dlib counts (*cells_nr x *cells_nc), into hist,
 * with vectors of `lanes` floats (0: the widest the CPU has): 0 made; 1
 * not made here (no such vectors); 2 no features to make (cell size 1,
 * fewer than 3x3 cells): dlib's own code handles those. */
template <typename image_type>
int cell_histograms(const image_type &img, int cell, std::vector<float> &hist,
                    int *cells_nr, int *cells_nc, int lanes = 0)
{
    static_assert(
        std::is_same<typename dlib::image_traits<image_type>::pixel_type,
                     unsigned char>::value,
        "hog_cells.c reads 8-bit grey pixels");
    const long nr = num_rows(img), nc = num_columns(img);
    if (cell < 2)
        return 2;
    *cells_nr = (int)((float)nr / (float)cell + 0.5);
    *cells_nc = (int)((float)nc / (float)cell + 0.5);
    if (*cells_nr < 3 || *cells_nc < 3)
        return 2;
    hist.assign((size_t)(*cells_nr + 2) * (size_t)(*cells_nc + 2) * 18, 0.0f);
    if (lanes == 0)
        return idp__fhog_cells((const uint8_t *)image_data(img), nr, nc,
                               (size_t)width_step(img), cell, *cells_nr,
                               *cells_nc, hist.data());
    return idp__fhog_cells_at((const uint8_t *)image_data(img), nr, nc,
                              (size_t)width_step(img), cell, *cells_nr,
                              *cells_nc, hist.data(), lanes);
}

/* dlib's extract_fhog_features(img, hog, cell, rows_pad, cols_pad) on a
 * grey image: the histograms by hog_cells.c when it can, then dlib's
 * second pass; else (no AVX2, cell size 1, no features) dlib's own. */
template <typename image_type>
void extract_fhog(const image_type &img, dlib::array<dlib::array2d<float>> &hog,
                  int cell, int rows_pad, int cols_pad)
{
    std::vector<float> hist;
    int cells_nr = 0, cells_nc = 0;
    if (cell_histograms(img, cell, hist, &cells_nr, &cells_nc) == 0)
        fhog_features(hist, cells_nr, cells_nc, hog, rows_pad, cols_pad);
    else
        dlib::extract_fhog_features(img, hog, cell, rows_pad, cols_pad);
}

/* detect_from_fhog_pyramid's body for one level: every filter. */
void scan_level(hog_scan &s, const dlib::array<dlib::array2d<float>> &feats,
                unsigned long level)
{
    const long pad = (long)s.sc->get_padding();
    dlib::pyramid_down<6> pyr;
    dlib::array2d<float> sal, scratch;
    std::vector<scored_boxes> &out = s.boxes[level];
    out.resize(s.bias.size());
    for (size_t f = 0; f < s.bias.size(); f++) {
        const double thresh = s.bias[f] + s.adjust;
        const dlib::rectangle area = apply_filters(
            s.b->detector.get_processed_w(f).get_detect_argument(), feats, sal,
            scratch);
        for (long r = area.top(); r <= area.bottom(); ++r)
            for (long c = area.left(); c <= area.right(); ++c) {
                if (!(sal[r][c] >= thresh))
                    continue;
                dlib::rectangle rect =
                    s.sc->get_feature_extractor().feats_to_image(
                        dlib::centered_rect(dlib::point(c, r),
                                            s.win_w - 2 * pad,
                                            s.win_h - 2 * pad),
                        s.cell, s.win_h, s.win_w);
                out[f].push_back(
                    std::make_pair(sal[r][c], pyr.rect_up(rect, level)));
            }
    }
}

/* pyramid_down<6>()(in, out): out 5/6 the size, resized by
 * hog_pyramid.c (the same bytes), or by dlib when that cannot. */
template <typename image_type>
void pyramid_down6(const image_type &in, dlib::array2d<unsigned char> &out)
{
    const long nr = (long)num_rows(in), nc = (long)num_columns(in);
    out.set_size((5 * nr) / 6, (5 * nc) / 6);
    if (out.size() == 0 ||
        idp__resize_bilinear(static_cast<const uint8_t *>(image_data(in)), nr,
                             nc, (size_t)width_step(in),
                             static_cast<uint8_t *>(image_data(out)), out.nr(),
                             out.nc(), (size_t)width_step(out)) != 0)
        dlib::pyramid_down<6>()(in, out);
}

/* Levels [l0, l1): each level image made from the one before, as
 * create_fhog_pyramid makes them (so a run from k > 0 redoes the cheap
 * resizes below k, not the features). */
template <typename image_type>
void scan_levels(hog_scan &s, const image_type &img, unsigned long l0,
                 unsigned long l1)
{
    dlib::array<dlib::array2d<float>> feats;
    dlib::array2d<unsigned char> level, next;
    if (l0 == 0 && l1 > 0) {
        extract_fhog(img, feats, s.cell, s.win_h, s.win_w);
        scan_level(s, feats, 0);
    }
    for (unsigned long l = 1; l < l1; l++) {
        if (l == 1) {
            pyramid_down6(img, level);
        } else {
            pyramid_down6(level, next);
            swap(level, next);
        }
        if (l < l0)
            continue;
        extract_fhog(level, feats, s.cell, s.win_h, s.win_w);
        scan_level(s, feats, l);
    }
}

/* create_fhog_pyramid's count of levels, and where to cut them so both
 * runs have about half the pixels. */
unsigned long count_levels(const hog_scanner &sc, long rows, long cols,
                           unsigned long *cut)
{
    dlib::pyramid_down<6> pyr;
    dlib::rectangle rect(0, 0, cols - 1, rows - 1);
    std::vector<double> px(1, (double)rows * (double)cols);
    unsigned long levels = 0;
    double total = px[0], sum = 0;
    do {
        rect = pyr.rect_down(rect);
        ++levels;
        px.push_back((double)rect.area());
        total += px.back();
    } while (rect.width() >= sc.get_min_pyramid_layer_width() &&
             rect.height() >= sc.get_min_pyramid_layer_height() &&
             levels < sc.get_max_pyramid_levels());
    total -= px.back(); /* the last rect is below the smallest level */
    *cut = 0;
    while (*cut < levels && sum < total / 2)
        sum += px[(*cut)++];
    return levels;
}

/* Both runs, on two threads when threads > 1 (one if the thread cannot
 * start). Exceptions of the second thread are rethrown here. */
template <typename image_type>
void scan_all(hog_scan &s, const image_type &img, int threads)
{
    unsigned long cut = 0;
    unsigned long levels =
        count_levels(*s.sc, (long)num_rows(img), (long)num_columns(img), &cut);
    s.boxes.assign(levels, std::vector<scored_boxes>());
    if (threads < 2 || cut == 0 || cut >= levels) {
        scan_levels(s, img, 0, levels);
        return;
    }
    std::exception_ptr failed;
    std::thread other;
    try {
        other = std::thread([&s, &img, cut, levels, &failed]() {
            try {
                scan_levels(s, img, cut, levels);
            } catch (...) {
                failed = std::current_exception();
            }
        });
    } catch (const std::system_error &) {
        scan_levels(s, img, 0, levels); /* no thread: one after the other */
        return;
    }
    try {
        scan_levels(s, img, 0, cut);
    } catch (...) {
        other.join();
        throw;
    }
    other.join();
    if (failed)
        std::rethrow_exception(failed);
}

/* object_detector::operator()'s end: per filter the boxes of all levels
 * sorted by score, then all filters sorted by confidence and overlaps
 * suppressed. */
void suppress(const hog_scan &s, std::vector<dlib::rect_detection> &final_dets)
{
    std::vector<dlib::rect_detection> all;
    for (size_t f = 0; f < s.bias.size(); f++) {
        scored_boxes d;
        for (const std::vector<scored_boxes> &level : s.boxes)
            if (f < level.size())
                d.insert(d.end(), level[f].begin(), level[f].end());
        std::sort(d.rbegin(), d.rend(), dlib::impl::compare_pair_rect);
        for (const std::pair<double, dlib::rectangle> &x : d) {
            dlib::rect_detection r;
            r.detection_confidence = x.first - s.bias[f];
            r.weight_index = f;
            r.rect = x.second;
            all.push_back(r);
        }
    }
    final_dets.clear();
    if (s.bias.size() > 1)
        std::sort(all.rbegin(), all.rend());
    const dlib::test_box_overlap &overlap = s.b->detector.get_overlap_tester();
    for (const dlib::rect_detection &r : all) {
        bool hit = false;
        for (const dlib::rect_detection &kept : final_dets)
            hit = hit || overlap(kept.rect, r.rect);
        if (!hit)
            final_dets.push_back(r);
    }
}

/* threads 0: dlib's object_detector itself (the reference). */
template <typename image_type>
void hog_detect(idp__face_bridge &b, const image_type &img, double threshold,
                int threads, std::vector<dlib::rect_detection> &dets)
{
    if (threads == 0) {
        b.detector(img, dets, threshold);
        return;
    }
    hog_scan s(b, threshold);
    scan_all(s, img, threads);
    suppress(s, dets);
}

/* Run the detector, upsampling first; boxes in the caller's coordinates,
 * unsorted. */
void run_detector(idp__face_bridge *b, const grey_view &img, int upsample,
                  double threshold, int threads,
                  std::vector<idp__detection> &found)
{
    std::vector<dlib::rect_detection> dets;
    double sx = 1.0;
    double sy = 1.0;
    if (upsample == 0) {
        hog_detect(*b, img, threshold, threads, dets);
    } else {
        dlib::array2d<unsigned char> big;
        dlib::pyramid_up(img, big, dlib::pyramid_down<2>());
        for (int i = 1; i < upsample; i++)
            dlib::pyramid_up(big);
        hog_detect(*b, big, threshold, threads, dets);
        sx = (img.cols - 1.0) / std::max(big.nc() - 1L, 1L);
        sy = (img.rows - 1.0) / std::max(big.nr() - 1L, 1L);
    }
    for (const dlib::rect_detection &d : dets) {
        if (!(d.detection_confidence >= threshold))
            continue;
        idp__detection out;
        out.box = box_from_dlib(d.rect, sx, sy);
        out.score = d.detection_confidence;
        found.push_back(out);
    }
}

bool by_score(const idp__detection &a, const idp__detection &b)
{
    return a.score > b.score;
}

idp_status detect(idp__face_bridge *b, const uint8_t *grey, int w, int h,
                  size_t stride, int upsample, double threshold, int threads,
                  idp__detection *dets, size_t max, size_t *n, char *err,
                  size_t err_len)
{
    const char *who = "face detector";
    idp_status s = check_image(who, b, grey, w, h, stride, err, err_len);
    if (s != IDP_OK)
        return s;
    if ((dets == NULL && max > 0) || upsample < 0 || upsample > max_upsample ||
        std::isnan(threshold) || threads < 0)
        return fail(err, err_len, IDP_E_INVALID_ARG,
                    "%s: bad arguments (upsample %d, max %zu, threads %d)", who,
                    upsample, max, threads);

    std::vector<idp__detection> found;
    run_detector(b, make_view(grey, w, h, stride), upsample, threshold, threads,
                 found);
    std::stable_sort(found.begin(), found.end(), by_score);
    size_t count = std::min(found.size(), max);
    std::copy(found.begin(), found.begin() + count, dets);
    *n = count;
    return IDP_OK;
}

bool box_ok(const idp_rect &r)
{
    const double lim = 1e9;
    return std::fabs(r.x) < lim && std::fabs(r.y) < lim && r.w >= 1.0 &&
           r.h >= 1.0 && r.w < lim && r.h < lim;
}

idp_status landmarks(idp__face_bridge *b, const uint8_t *grey, int w, int h,
                     size_t stride, idp_rect box, idp_point *pts, char *err,
                     size_t err_len)
{
    const char *who = "landmark predictor";
    idp_status s = check_image(who, b, grey, w, h, stride, err, err_len);
    if (s != IDP_OK)
        return s;
    if (pts == NULL || !box_ok(box))
        return fail(err, err_len, IDP_E_INVALID_ARG, "%s: %s", who,
                    pts == NULL ? "points are null" : "bad face box");
    if (!b->predictor)
        return fail(err, err_len, IDP_E_INVALID_ARG,
                    "%s: no dlib model was read", who);

    long rect[4];
    idp__face_rect(box, rect);
    dlib::rectangle r(rect[0], rect[1], rect[2], rect[3]);
    dlib::full_object_detection shape =
        (*b->predictor)(make_view(grey, w, h, stride), r);
    for (unsigned long i = 0; i < IDP_LANDMARKS; i++) {
        pts[i].x = (double)shape.part(i).x();
        pts[i].y = (double)shape.part(i).y();
    }
    return IDP_OK;
}

/* ---- idp__bridge_convert: the .dat as the compact model (shape_model.h) */

/* The parts of dlib's shape_predictor serialisation (version 1), read
 * field by field since the members are private. */
struct dlib_model {
    dlib::matrix<float, 0, 1> initial;
    std::vector<std::vector<dlib::impl::regression_tree>> forests;
    std::vector<std::vector<unsigned long>> anchors;
    std::vector<std::vector<dlib::vector<float, 2>>> deltas;
};

void read_dlib_model(const char *path, dlib_model &m)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot open it");
    int version = 0;
    dlib::deserialize(version, in);
    if (version != 1)
        throw std::runtime_error("not a dlib shape_predictor (version 1)");
    dlib::deserialize(m.initial, in);
    dlib::deserialize(m.forests, in);
    dlib::deserialize(m.anchors, in);
    dlib::deserialize(m.deltas, in);
}

/* The counts of the header; throws unless every tree is full, of one
 * depth, and every level has the same numbers of trees and pixels. */
idp__model_header header_of(const dlib_model &m)
{
    idp__model_header h;
    std::memset(&h, 0, sizeof h);
    std::memcpy(h.magic, IDP__MODEL_MAGIC, 8);
    h.version = IDP__MODEL_VERSION;
    h.header_size = IDP__MODEL_HEADER_SIZE;
    h.parts = (uint32_t)(m.initial.size() / 2);
    h.cascades = (uint32_t)m.forests.size();
    if (h.cascades == 0 || m.anchors.size() != h.cascades ||
        m.deltas.size() != h.cascades || m.forests[0].empty())
        throw std::runtime_error("inconsistent cascade counts");
    h.trees = (uint32_t)m.forests[0].size();
    h.pixels = (uint32_t)m.anchors[0].size();
    size_t leaves = m.forests[0][0].leaf_values.size();
    while (((size_t)1 << h.depth) < leaves)
        h.depth++;
    for (size_t c = 0; c < h.cascades; c++) {
        if (m.forests[c].size() != h.trees || m.anchors[c].size() != h.pixels ||
            m.deltas[c].size() != h.pixels)
            throw std::runtime_error("levels of different sizes");
        for (const dlib::impl::regression_tree &t : m.forests[c]) {
            if (t.leaf_values.size() != leaves || t.splits.size() != leaves - 1)
                throw std::runtime_error("trees of different depths");
            for (const dlib::matrix<float, 0, 1> &v : t.leaf_values)
                if ((size_t)v.size() != 2u * h.parts)
                    throw std::runtime_error("a leaf of the wrong size");
        }
    }
    if (((size_t)1 << h.depth) != leaves)
        throw std::runtime_error("trees are not full");
    return h;
}

template <typename T> void put(std::vector<uint8_t> &out, uint64_t off, T v)
{
    std::memcpy(out.data() + off, &v, sizeof v);
}

/* Fill the sections of the file image after the header. */
void fill_sections(const dlib_model &m, const std::string &det,
                   const idp__model_layout &l, std::vector<uint8_t> &out)
{
    const idp__model_header *h =
        reinterpret_cast<const idp__model_header *>(out.data());
    for (uint32_t i = 0; i < 2 * h->parts; i++)
        put<float>(out, l.shape + 4u * i, m.initial(i));
    uint64_t a = l.anchors, d = l.deltas, sp = l.splits, lv = l.leaves;
    for (uint32_t c = 0; c < h->cascades; c++) {
        for (uint32_t i = 0; i < h->pixels; i++, a += 4, d += 8) {
            put<uint32_t>(out, a, (uint32_t)m.anchors[c][i]);
            put<float>(out, d, m.deltas[c][i].x());
            put<float>(out, d + 4, m.deltas[c][i].y());
        }
        for (const dlib::impl::regression_tree &t : m.forests[c]) {
            for (const dlib::impl::split_feature &f : t.splits) {
                idp__model_split s = {(uint32_t)f.idx1, (uint32_t)f.idx2,
                                      f.thresh};
                if (f.idx1 >= h->pixels || f.idx2 >= h->pixels)
                    throw std::runtime_error("a split index out of range");
                put(out, sp, s);
                sp += sizeof s;
            }
            for (const dlib::matrix<float, 0, 1> &v : t.leaf_values)
                for (long k = 0; k < v.size(); k++, lv += 4)
                    put<float>(out, lv, v(k));
        }
    }
    std::memcpy(out.data() + l.detector, det.data(), det.size());
}

std::vector<uint8_t> compact_image(const char *path)
{
    dlib_model m;
    read_dlib_model(path, m);
    idp__model_header h = header_of(m);
    std::ostringstream det;
    dlib::serialize(dlib::get_frontal_face_detector(), det);
    h.detector_bytes = det.str().size();
    std::ifstream src(path, std::ios::binary | std::ios::ate);
    h.source_size = (uint64_t)src.tellg();
    idp__model_layout l;
    if (idp__model_layout_of(&h, &l) != 0 || h.parts != IDP_LANDMARKS)
        throw std::runtime_error("counts outside the compact format's range");
    h.file_size = l.end;
    std::vector<uint8_t> out(l.end, 0);
    std::memcpy(out.data(), &h, sizeof h);
    fill_sections(m, det.str(), l, out);
    h.leaf_checksum =
        idp__fnv1a64(IDP__FNV_OFFSET, out.data() + l.leaves, l.end - l.leaves);
    h.meta_checksum = idp__model_meta_checksum(out.data(), &l);
    std::memcpy(out.data(), &h, sizeof h);
    return out;
}

void write_file(const char *path, const std::vector<uint8_t> &bytes)
{
    std::string tmp = std::string(path) + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f.write(reinterpret_cast<const char *>(bytes.data()),
                (std::streamsize)bytes.size());
        f.close();
        if (!f)
            throw std::runtime_error("cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), path) != 0) {
        std::remove(tmp.c_str());
        throw std::runtime_error(std::string("cannot rename to ") + path);
    }
}

/* 1 when a and b have the same planes and sizes; *differ counts the
 * floats that differ in any bit, *values those compared. */
bool same_planes(const dlib::array<dlib::array2d<float>> &a,
                 const dlib::array<dlib::array2d<float>> &b, long *differ,
                 size_t *values)
{
    if (a.size() != b.size())
        return false;
    for (size_t p = 0; p < a.size(); p++) {
        if (a[p].nr() != b[p].nr() || a[p].nc() != b[p].nc())
            return false;
        for (long r = 0; r < a[p].nr(); r++)
            for (long c = 0; c < a[p].nc(); c++) {
                *differ +=
                    std::memcmp(&a[p][r][c], &b[p][r][c], sizeof(float)) != 0;
                ++*values;
            }
    }
    return true;
}

} // namespace

extern "C" idp_status idp__bridge_convert(const char *dat_path,
                                          const char *out_path, char *err,
                                          size_t err_len) noexcept
{
    const char *path = or_null(dat_path);
    try {
        if (dat_path == NULL || out_path == NULL)
            return fail(err, err_len, IDP_E_INVALID_ARG, "convert: null path");
        write_file(out_path, compact_image(dat_path));
        return IDP_OK;
    } catch (const std::bad_alloc &) {
        return fail(err, err_len, IDP_E_NOMEM, "%s: out of memory", path);
    } catch (const std::exception &e) {
        return fail(err, err_len, IDP_E_MODEL, "%s: cannot convert: %s", path,
                    dlib_reason(e.what()));
    } catch (...) {
        return fail(err, err_len, IDP_E_INTERNAL,
                    "%s: cannot convert: unknown exception", path);
    }
}

extern "C" idp_status idp__bridge_new(const void *detector, size_t n,
                                      idp__face_bridge **out, char *err,
                                      size_t err_len) noexcept
{
    try {
        if (out == NULL)
            return fail(err, err_len, IDP_E_INVALID_ARG,
                        "face detector: output is null");
        *out = NULL;
        std::unique_ptr<idp__face_bridge> b(new idp__face_bridge());
        read_detector(detector, n, b->detector);
        *out = b.release();
        return IDP_OK;
    } catch (const std::bad_alloc &) {
        return fail(err, err_len, IDP_E_MODEL,
                    "face detector: out of memory (corrupt model?)");
    } catch (const std::exception &e) {
        return fail(err, err_len, IDP_E_MODEL,
                    "face detector: cannot read it from the model: %s",
                    dlib_reason(e.what()));
    } catch (...) {
        return fail(err, err_len, IDP_E_INTERNAL,
                    "face detector: unknown exception");
    }
}

extern "C" idp_status idp__bridge_read_dlib(idp__face_bridge *b,
                                            const char *model_path, char *err,
                                            size_t err_len) noexcept
{
    const char *path = or_null(model_path);
    try {
        if (b == NULL || model_path == NULL)
            return fail(err, err_len, IDP_E_INVALID_ARG,
                        "%s: face model: null argument", path);
        idp_status s = check_readable(path, err, err_len);
        if (s != IDP_OK)
            return s;
        std::unique_ptr<dlib::shape_predictor> sp(new dlib::shape_predictor());
        s = read_predictor(path, *sp, err, err_len);
        if (s == IDP_OK)
            b->predictor = std::move(sp);
        return s;
    } catch (const std::bad_alloc &) {
        return fail(err, err_len, IDP_E_NOMEM,
                    "%s: out of memory loading face model", path);
    } catch (const dlib::serialization_error &e) {
        return fail(err, err_len, IDP_E_MODEL, "%s: cannot load face model: %s",
                    path, dlib_reason(e.what()));
    } catch (const std::exception &e) {
        return fail(err, err_len, IDP_E_INTERNAL,
                    "%s: cannot load face model: %s", path,
                    dlib_reason(e.what()));
    } catch (...) {
        return fail(err, err_len, IDP_E_INTERNAL,
                    "%s: cannot load face model: unknown exception", path);
    }
}

extern "C" void idp__bridge_free(idp__face_bridge *b) noexcept
{
    delete b;
}

extern "C" idp_status
idp__bridge_detect(idp__face_bridge *b, const uint8_t *grey, int w, int h,
                   size_t stride, int upsample, double threshold, int threads,
                   idp__detection *dets, size_t max, size_t *n, char *err,
                   size_t err_len) noexcept
{
    try {
        if (n == NULL)
            return fail(err, err_len, IDP_E_INVALID_ARG,
                        "face detector: count is null");
        *n = 0;
        return detect(b, grey, w, h, stride, upsample, threshold, threads, dets,
                      max, n, err, err_len);
    } catch (const std::bad_alloc &) {
        return fail(err, err_len, IDP_E_NOMEM, "face detector: out of memory");
    } catch (const dlib::serialization_error &e) {
        return fail(err, err_len, IDP_E_MODEL, "face detector: %s", e.what());
    } catch (const std::exception &e) {
        return fail(err, err_len, IDP_E_INTERNAL, "face detector: %s",
                    e.what());
    } catch (...) {
        return fail(err, err_len, IDP_E_INTERNAL,
                    "face detector: unknown exception");
    }
}

extern "C" idp_status idp__bridge_landmarks(idp__face_bridge *b,
                                            const uint8_t *grey, int w, int h,
                                            size_t stride, idp_rect box,
                                            idp_point pts[IDP_LANDMARKS],
                                            char *err, size_t err_len) noexcept
{
    try {
        return landmarks(b, grey, w, h, stride, box, pts, err, err_len);
    } catch (const std::bad_alloc &) {
        return fail(err, err_len, IDP_E_NOMEM,
                    "landmark predictor: out of memory");
    } catch (const dlib::serialization_error &e) {
        return fail(err, err_len, IDP_E_MODEL, "landmark predictor: %s",
                    e.what());
    } catch (const std::exception &e) {
        return fail(err, err_len, IDP_E_INTERNAL, "landmark predictor: %s",
                    e.what());
    } catch (...) {
        return fail(err, err_len, IDP_E_INTERNAL,
                    "landmark predictor: unknown exception");
    }
}

extern "C" long idp__bridge_fhog_check(const uint8_t *grey, int w, int h,
                                       size_t stride, int cell, int pad,
                                       size_t *values) noexcept
{
    if (values)
        *values = 0;
    try {
        if (!grey || !values || w < 1 || h < 1 || cell < 2 || pad < 1 ||
            stride < (size_t)w)
            return -3;
        const grey_view img = {grey, h, w, (long)stride};
        std::vector<float> hist;
        int cells_nr = 0, cells_nc = 0;
        dlib::array<dlib::array2d<float>> ours, wide, via, theirs;
        long differ = 0;
        size_t n = 0;
        switch (cell_histograms(img, cell, hist, &cells_nr, &cells_nc, 8)) {
        case 0:
            break;
        case 1:
            return -1;
        default:
            return -3;
        }
        fhog_features(hist, cells_nr, cells_nc, ours, pad, pad);
        extract_fhog(img, via, cell, pad, pad); /* what the detector calls */
        dlib::extract_fhog_features(img, theirs, cell, pad, pad);
        if (!same_planes(ours, theirs, &differ, values) ||
            !same_planes(via, theirs, &differ, &n))
            return 1 + differ;
        /* AVX-512, where the CPU has it */
        if (cell_histograms(img, cell, hist, &cells_nr, &cells_nc, 16) == 0) {
            fhog_features(hist, cells_nr, cells_nc, wide, pad, pad);
            if (!same_planes(wide, theirs, &differ, &n))
                return 1 + differ;
        }
        return differ;
    } catch (...) {
        return -2;
    }
}

extern "C" long idp__bridge_resize_check(const uint8_t *grey, int w, int h,
                                         size_t stride, int out_w, int out_h,
                                         size_t *values) noexcept
{
    if (values)
        *values = 0;
    try {
        if (!grey || !values || w < 1 || h < 1 || stride < (size_t)w)
            return -3;
        const grey_view img = {grey, h, w, (long)stride};
        dlib::array2d<unsigned char> theirs, ours;
        if (out_w < 0 || out_h < 0) {
            dlib::pyramid_down<6>()(img, theirs);
        } else {
            theirs.set_size(out_h, out_w);
            dlib::resize_image(img, theirs);
        }
        long differ = 0;
        for (int lanes : {1, 16}) {
            ours.set_size(theirs.nr(), theirs.nc());
            int st = idp__resize_bilinear_at(
                grey, h, w, stride, static_cast<uint8_t *>(image_data(ours)),
                ours.nr(), ours.nc(), (size_t)width_step(ours), lanes);
            if (st != 0 && lanes == 1)
                return -1;
            for (long r = 0; st == 0 && r < ours.nr(); r++)
                for (long c = 0; c < ours.nc(); c++)
                    differ += ours[r][c] != theirs[r][c];
            *values += st == 0 ? (size_t)ours.size() : 0;
        }
        return differ;
    } catch (...) {
        return -2;
    }
}
