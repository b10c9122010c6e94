/*
 * matte_edge.c - the alpha of a pixel near the cut, from its colour, the
 * wall B and the person F there (the method: matte_render.c's comment).
 * Pure C, and with AVX-512 eight pixels at once.
 *
 * A 480x640 photo has ~60,000 such pixels, each ~120 ns of dependent
 * double arithmetic one at a time (two bilinear fills, the wall's
 * polynomial, seven square roots and four divisions): ~4 % of a batch's
 * CPU. The eight-pixel path does every operation of the scalar one in
 * the same order on doubles in lanes (the wall field by wall.c's own
 * row evaluation, the same values), floats where the scalar code has
 * floats (a difference of two colours, the fills' quotients), every branch
 * taken and the lane's result picked, so its alphas are the same bits;
 * unit.matte_edge compares the two on random rows. Built with
 * -ffp-contract=off: no product is fused.
 */
#include "matte_edge.h"

#include <math.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define EDGE_AVX512 1
#include <immintrin.h>
#define AVX512 __attribute__((target("avx512f,avx512vl")))
#else
#define EDGE_AVX512 0
#endif

#define CONF_LO   12.0 /* |F - B| below this: keep the working alpha */
#define CONF_HI   40.0 /* above this: trust the estimate fully */
#define SNAP      0.02 /* alphas within this of 0 or 1 snap */
#define TAPER     0.5  /* alpha fades to 0 over this outer share */
#define DARK_MIN  6.0  /* dark ring: this much (luma) below the mix, */
#define HUE_LO    0.15 /* sine of the F-B angle: hue says nothing below, */
#define HUE_HI    0.35 /* everything above; */
#define CHROMA_LO 6.0  /* likewise the pixel's own distance from grey */
#define CHROMA_HI 14.0
#define HUE_WALL  0.5 /* and a hue nearer the wall's (alpha < this) */
#define HUE_OPEN  0.7 /* hue alpha below this: the inside ramp is lifted */

/* ---- one pixel ---- */

/* The wall field at grid pixel (x, y), clamped to 0..255. */
static void field_px(const idp__edge *z, int x, int y, float f[3])
{
    double u = z->u0 + (x + 0.5) * z->du, v = z->v0 + (y + 0.5) * z->dv;
    for (int c = 0; c < 3; c++) {
        double k = idp__wall_eval(z->coef, c, u, v);
        f[c] = (float)(k < 0 ? 0 : k > 255 ? 255 : k);
    }
}

/* The wall B at grid pixel i: the field plus the local residual. */
static void wall_px(const idp__edge *z, size_t i, float bg[3])
{
    int x = (int)(i % (size_t)z->w), y = (int)(i / (size_t)z->w);
    float r[3];
    field_px(z, x, y, bg);
    idp__fill_at(z->bg, x, y, r);
    for (int c = 0; c < 3; c++)
        bg[c] += r[c];
}

static double dist3(const float *a, const float *b)
{
    double d0 = a[0] - b[0], d1 = a[1] - b[1], d2 = a[2] - b[2];
    return sqrt(d0 * d0 + d1 * d1 + d2 * d2);
}

double idp__edge_wall_diff(const idp__edge *z, size_t i)
{
    float bg[3];
    wall_px(z, i, bg);
    return dist3(z->rgb + 3 * i, bg);
}

static double clamp01(double v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

static double luma(const float *c)
{
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
}

/* How far a colour is from the grey of its mean level. */
static double chroma(const float *c)
{
    double m = (c[0] + c[1] + c[2]) / 3.0, d0 = c[0] - m, d1 = c[1] - m;
    double d2 = c[2] - m;
    return sqrt(d0 * d0 + d1 * d1 + d2 * d2);
}

/* Alpha of a darkened mix I = s (a F + (1 - a) B), s < 1: the a at which
 * a F + (1 - a) B points the way I does (its hue), blended towards `a`
 * as F and B point alike (then hue says nothing). Never above `a`. */
double idp__hue_alpha(const float *o, const float *bg, const float *fg,
                      double a)
{
    double n =
        sqrt((double)o[0] * o[0] + (double)o[1] * o[1] + (double)o[2] * o[2]);
    double u[3], pb[3], pd[3], ob = 0, od = 0, bd = 0, dd = 0, h, conf;
    double nf = dist3(fg, (const float[3]){0, 0, 0});
    double nb = dist3(bg, (const float[3]){0, 0, 0});
    if (n < 1 || nf < 1 || nb < 1)
        return a;
    for (int c = 0; c < 3; c++) {
        u[c] = o[c] / n;
        ob += bg[c] * u[c];
        od += (fg[c] - bg[c]) * u[c];
    }
    for (int c = 0; c < 3; c++) { /* B and F - B across I's direction */
        pb[c] = bg[c] - ob * u[c];
        pd[c] = fg[c] - bg[c] - od * u[c];
        bd += pb[c] * pd[c];
        dd += pd[c] * pd[c];
    }
    /* sine of the angle between F and B: how far apart their hues are */
    conf = sqrt(fmax(
        0, 1 - pow((fg[0] * bg[0] + fg[1] * bg[1] + fg[2] * bg[2]) / (nf * nb),
                   2)));
    conf = clamp01((conf - HUE_LO) / (HUE_HI - HUE_LO));
    /* and how much hue the pixel has: a dark neutral pixel has none */
    conf *= clamp01((chroma(o) - CHROMA_LO) / (CHROMA_HI - CHROMA_LO));
    if (dd < 1e-9 || conf <= 0)
        return a;
    h = conf * clamp01(-bd / dd) + (1 - conf) * a;
    return h < a ? h : a;
}

/* The dark ring that sharpening (and JPEG) leaves along an outline: a
 * pixel darker than the mix a F + (1 - a) B, so no mix of person and
 * wall, and of a hue nearer the wall's than the person's. */
static int wall_ring(const float *o, const float *bg, const float *fg, double a,
                     double nu)
{
    float m[3];
    for (int c = 0; c < 3; c++)
        m[c] = (float)(a * fg[c] + (1 - a) * bg[c]);
    return luma(o) < luma(m) - fmax(nu, DARK_MIN) &&
           idp__hue_alpha(o, bg, fg, 1) < HUE_WALL;
}

/* Alpha of one band pixel (read from its hue on the dark ring). */
static double band_alpha(const float *o, const float *bg, const float *fg,
                         double prior, double nu)
{
    double d = dist3(fg, bg), e = dist3(o, bg), a, conf;
    conf = clamp01((d - CONF_LO) / (CONF_HI - CONF_LO));
    a = d > nu ? clamp01((e - nu) / (d - nu)) : prior;
    a = conf * a + (1 - conf) * prior;
    if (wall_ring(o, bg, fg, a, nu))
        a = idp__hue_alpha(o, bg, fg, a);
    return a < SNAP ? 0 : a > 1 - SNAP ? 1 : a;
}

/* Inside the cut, wall-coloured pixels are the person's own (a white
 * shirt) except near its edge: alpha >= depth / band, and >= the working
 * alpha's ramp beyond its middle (2 a_work - 1) unless the pixel's hue is
 * nearer the wall's than the person's (wall seen between strands of hair,
 * the dark ring of an outline: a white shirt on a white wall has no hue
 * to tell, so it keeps the ramp). */
static double band_px(const idp__edge *z, size_t i)
{
    float bg[3], fg[3];
    const float *o = z->rgb + 3 * i;
    double a, depth = z->din[i] / (double)z->band;
    wall_px(z, i, bg);
    idp__fill_at(z->fg, (int)(i % (size_t)z->w), (int)(i / (size_t)z->w), fg);
    a = band_alpha(o, bg, fg, z->hard[i], z->nu);
    if (z->hm[i] && idp__hue_alpha(o, bg, fg, 1) >= HUE_OPEN)
        depth = fmax(depth, 2 * z->hard[i] - 1);
    return a < depth ? (depth > 1 ? 1 : depth) : a;
}

/* Alpha of a pixel of the outer zone or the band. */
static double zone_px(const idp__edge *z, size_t i)
{
    double a = band_px(z, i), reach = z->outer * z->band;
    double fade = (reach - z->dout[i]) / (TAPER * reach);
    return fade < 1 ? a * (fade > 0 ? fade : 0) : a;
}

/* ---- eight pixels ---- */
#if EDGE_AVX512

typedef __m512d vd; /* eight doubles */
typedef __m256 vf;  /* eight floats */

static AVX512 inline vd wid(vf f)
{
    return _mm512_cvtps_pd(f);
}

static AVX512 inline vd num(double v)
{
    return _mm512_set1_pd(v);
}

static AVX512 inline vd add(vd a, vd b)
{
    return _mm512_add_pd(a, b);
}

static AVX512 inline vd sub(vd a, vd b)
{
    return _mm512_sub_pd(a, b);
}

static AVX512 inline vd mul(vd a, vd b)
{
    return _mm512_mul_pd(a, b);
}

static AVX512 inline vd dvd(vd a, vd b)
{
    return _mm512_div_pd(a, b);
}

static AVX512 inline __mmask8 lt(vd a, vd b)
{
    return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ);
}

/* k ? b : a, lane by lane. */
static AVX512 inline vd pick(__mmask8 k, vd a, vd b)
{
    return _mm512_mask_blend_pd(k, a, b);
}

static AVX512 inline vd clamp01_8(vd v)
{
    v = pick(lt(v, num(0)), v, num(0));
    return pick(lt(num(1), v), v, num(1));
}

/* sqrt(a0 a0 + a1 a1 + a2 a2) in the scalar order. */
static AVX512 inline vd norm3(vd a0, vd a1, vd a2)
{
    return _mm512_sqrt_pd(add(add(mul(a0, a0), mul(a1, a1)), mul(a2, a2)));
}

/* dist3(): the differences in float, then doubles. */
static AVX512 inline vd dist3_8(const vf *a, const vf *b)
{
    return norm3(wid(_mm256_sub_ps(a[0], b[0])), wid(_mm256_sub_ps(a[1], b[1])),
                 wid(_mm256_sub_ps(a[2], b[2])));
}

/* grid_at(): four values of np = 4 at the four cells of each lane. */
static AVX512 void grid8(const float *grid, const __m256i cell[4], vd fx,
                         double fy, __mmask8 m, vf v[4])
{
    vd gx = sub(num(1), fx), gy = num(1 - fy), fyv = num(fy);
    for (int k = 0; k < 4; k++) {
        vd c[4];
        for (int j = 0; j < 4; j++)
            c[j] = wid(_mm256_mmask_i32gather_ps(_mm256_setzero_ps(), m,
                                                 cell[j], grid + k, 4));
        v[k] =
            _mm512_cvtpd_ps(add(mul(gy, add(mul(gx, c[0]), mul(fx, c[1]))),
                                mul(fyv, add(mul(gx, c[2]), mul(fx, c[3])))));
    }
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* The offset of the grid cell (x, row / cw) of a 3-value fill (4 floats
 * a cell: the values and their weight). */
static AVX512 inline __m256i cell_of(int row, __m256i x)
{
    return _mm256_slli_epi32(_mm256_add_epi32(_mm256_set1_epi32(row), x), 2);
}

/* idp__fill_at() of a 3-value fill at (x + lane, y): the same taps. */
static AVX512 void fill8(const idp__fill *f, __m256i x, int y, __mmask8 m,
                         vf out[3])
{
    double gy = (y + 0.5) / f->step - 0.5, fy;
    int y0 = (int)floor(gy), y1 = clampi(y0 + 1, 0, f->ch - 1);
    vd gx =
        sub(dvd(add(_mm512_cvtepi32_pd(x), num(0.5)), num(f->step)), num(0.5));
    vd fl = _mm512_roundscale_pd(gx, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    __m256i x0 = _mm512_cvttpd_epi32(fl), x1, cell[4];
    const __m256i lo = _mm256_setzero_si256();
    const __m256i hi = _mm256_set1_epi32(f->cw - 1);
    vf v1[4], v2[4];
    __mmask8 ok, far;
    fy = gy - y0;
    y0 = clampi(y0, 0, f->ch - 1);
    x1 = _mm256_min_epi32(
        _mm256_max_epi32(_mm256_add_epi32(x0, _mm256_set1_epi32(1)), lo), hi);
    x0 = _mm256_min_epi32(_mm256_max_epi32(x0, lo), hi);
    cell[0] = cell_of(y0 * f->cw, x0);
    cell[1] = cell_of(y0 * f->cw, x1);
    cell[2] = cell_of(y1 * f->cw, x0);
    cell[3] = cell_of(y1 * f->cw, x1);
    grid8(f->g1, cell, sub(gx, fl), fy, m, v1);
    ok = _mm256_cmp_ps_mask(v1[3], _mm256_set1_ps(1e-4f), _CMP_GT_OQ);
    for (int c = 0; c < 3; c++)
        out[c] = _mm256_div_ps(v1[c], v1[3]);
    if (!(far = m & (__mmask8)~ok))
        return;
    grid8(f->g2, cell, sub(gx, fl), fy, far, v2);
    ok = _mm256_cmp_ps_mask(v2[3], _mm256_set1_ps(1e-5f), _CMP_GT_OQ);
    for (int c = 0; c < 3; c++)
        out[c] = _mm256_mask_blend_ps(
            far, out[c],
            _mm256_mask_blend_ps(ok, _mm256_set1_ps(f->fallback[c]),
                                 _mm256_div_ps(v2[c], v2[3])));
}

/* idp__hue_alpha() taken apart: where `ok`, hue(a) = min(conf t +
 * (1 - conf) a, a); elsewhere a. */
typedef struct hue8 {
    __mmask8 ok;
    vd conf, t;
} hue8;

static AVX512 hue8 hue_core8(const vf *o, const vf *bg, const vf *fg)
{
    vd od[3], bd[3], fd[3], u[3], pb[3], pd[3], fmb[3], n, nf, nb, p, m, conf;
    vd ob = num(0), odot = num(0), bdot = num(0), dd = num(0);
    vf dot;
    hue8 h;
    for (int c = 0; c < 3; c++) {
        od[c] = wid(o[c]);
        bd[c] = wid(bg[c]);
        fd[c] = wid(fg[c]);
        fmb[c] = wid(_mm256_sub_ps(fg[c], bg[c]));
    }
    n = norm3(od[0], od[1], od[2]);
    nf = norm3(fd[0], fd[1], fd[2]);
    nb = norm3(bd[0], bd[1], bd[2]);
    h.ok = (__mmask8) ~(lt(n, num(1)) | lt(nf, num(1)) | lt(nb, num(1)));
    for (int c = 0; c < 3; c++) {
        u[c] = dvd(od[c], n);
        ob = add(ob, mul(bd[c], u[c]));
        odot = add(odot, mul(fmb[c], u[c]));
    }
    for (int c = 0; c < 3; c++) {
        pb[c] = sub(bd[c], mul(ob, u[c]));
        pd[c] = sub(fmb[c], mul(odot, u[c]));
        bdot = add(bdot, mul(pb[c], pd[c]));
        dd = add(dd, mul(pd[c], pd[c]));
    }
    dot = _mm256_add_ps(
        _mm256_add_ps(_mm256_mul_ps(fg[0], bg[0]), _mm256_mul_ps(fg[1], bg[1])),
        _mm256_mul_ps(fg[2], bg[2]));
    p = dvd(wid(dot), mul(nf, nb));
    conf = _mm512_sqrt_pd(_mm512_max_pd(sub(num(1), mul(p, p)), num(0)));
    conf = clamp01_8(dvd(sub(conf, num(HUE_LO)), num(HUE_HI - HUE_LO)));
    m = dvd(wid(_mm256_add_ps(_mm256_add_ps(o[0], o[1]), o[2])), num(3.0));
    m = norm3(sub(od[0], m), sub(od[1], m), sub(od[2], m)); /* chroma() */
    conf =
        mul(conf,
            clamp01_8(dvd(sub(m, num(CHROMA_LO)), num(CHROMA_HI - CHROMA_LO))));
    h.ok &= (__mmask8) ~(lt(dd, num(1e-9)) |
                         _mm512_cmp_pd_mask(conf, num(0), _CMP_LE_OQ));
    h.t = clamp01_8(dvd(sub(num(-0.0), bdot), dd)); /* -bd / dd */
    h.conf = conf;
    return h;
}

static AVX512 inline vd hue_at(const hue8 *h, vd a)
{
    vd v = add(mul(h->conf, h->t), mul(sub(num(1), h->conf), a));
    return pick(h->ok, a, pick(lt(v, a), a, v));
}

/* luma() of three float colours, in doubles. */
static AVX512 inline vd luma8(const vf *c)
{
    return add(add(mul(num(0.299), wid(c[0])), mul(num(0.587), wid(c[1]))),
               mul(num(0.114), wid(c[2])));
}

/* zone_px() of the pixels (x0 + lane, y) in `m`; hm: their hm[] bits;
 * field: the wall field at x0 (3 floats a pixel, field_px()'s). */
static AVX512 vf zone8(const idp__edge *z, int y, int x0, __mmask8 m,
                       __mmask8 hm, const float *field)
{
    size_t row = (size_t)y * (size_t)z->w;
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i x = _mm256_add_epi32(_mm256_set1_epi32(x0), lane);
    __m256i x3 = _mm256_mullo_epi32(x, _mm256_set1_epi32(3));
    __m256i l3 = _mm256_mullo_epi32(lane, _mm256_set1_epi32(3));
    vf o[3], bg[3], fg[3], r[3], mix[3];
    vd prior, d, e, conf, a, depth, lift, reach, fade;
    __mmask8 ring;
    hue8 h;
    for (int c = 0; c < 3; c++)
        o[c] = _mm256_mmask_i32gather_ps(_mm256_setzero_ps(), m, x3,
                                         z->rgb + 3 * row + c, 4);
    fill8(z->bg, x, y, m, r);
    for (int c = 0; c < 3; c++)
        bg[c] = _mm256_add_ps(
            _mm256_mmask_i32gather_ps(_mm256_setzero_ps(), m, l3, field + c, 4),
            r[c]);
    fill8(z->fg, x, y, m, fg);
    prior = wid(_mm256_maskz_loadu_ps(m, z->hard + row + x0));
    /* band_alpha() */
    d = dist3_8(fg, bg);
    e = dist3_8(o, bg);
    conf = clamp01_8(dvd(sub(d, num(CONF_LO)), num(CONF_HI - CONF_LO)));
    a = pick(lt(num(z->nu), d), prior,
             clamp01_8(dvd(sub(e, num(z->nu)), sub(d, num(z->nu)))));
    a = add(mul(conf, a), mul(sub(num(1), conf), prior));
    h = hue_core8(o, bg, fg);
    for (int c = 0; c < 3; c++) /* wall_ring() */
        mix[c] = _mm512_cvtpd_ps(
            add(mul(a, wid(fg[c])), mul(sub(num(1), a), wid(bg[c]))));
    ring = lt(luma8(o), sub(luma8(mix), num(fmax(z->nu, DARK_MIN)))) &
           lt(hue_at(&h, num(1)), num(HUE_WALL));
    a = pick(ring, a, hue_at(&h, a));
    a = pick(lt(a, num(SNAP)), pick(lt(num(1 - SNAP), a), a, num(1)), num(0));
    /* band_px() */
    depth = dvd(wid(_mm256_maskz_loadu_ps(m, z->din + row + x0)),
                num((double)z->band));
    lift = wid(_mm256_sub_ps(
        _mm256_mul_ps(_mm256_set1_ps(2),
                      _mm256_maskz_loadu_ps(m, z->hard + row + x0)),
        _mm256_set1_ps(1)));
    depth = pick(
        hm & _mm512_cmp_pd_mask(hue_at(&h, num(1)), num(HUE_OPEN), _CMP_GE_OQ),
        depth, _mm512_max_pd(depth, lift));
    a = pick(lt(a, depth), a, pick(lt(num(1), depth), depth, num(1)));
    /* zone_px() */
    reach = num(z->outer * z->band);
    fade = dvd(sub(reach, wid(_mm256_maskz_loadu_ps(m, z->dout + row + x0))),
               mul(num(TAPER), reach));
    a = pick(lt(fade, num(1)), a, mul(a, pick(lt(num(0), fade), num(0), fade)));
    return _mm512_cvtpd_ps(a);
}

/* idp__edge_row() eight pixels at a time, in runs of EDGE_RUN whose
 * wall field (idp__wall_eval_row(): field_px()'s values) is evaluated
 * once a run has a pixel near the cut. */
#define EDGE_RUN 64
static AVX512 void row8(const idp__edge *z, int y, float *alpha)
{
    size_t row = (size_t)y * (size_t)z->w;
    double v = z->v0 + (y + 0.5) * z->dv, u[EDGE_RUN];
    float field[3 * EDGE_RUN];
    for (int r0 = 0; r0 < z->w; r0 += EDGE_RUN) {
        int n = z->w - r0 < EDGE_RUN ? z->w - r0 : EDGE_RUN, have = 0;
        for (int x0 = r0; x0 < r0 + n; x0 += 8) {
            unsigned m = 0, hm = 0;
            for (int k = 0; k < 8 && x0 + k < z->w; k++) {
                size_t i = row + (size_t)(x0 + k);
                hm |= (unsigned)(z->hm[i] != 0) << k;
                if (z->out[i] && !z->ero[i])
                    m |= 1u << k;
                else
                    alpha[x0 + k] = (float)z->hm[i];
            }
            if (!m)
                continue;
            if (!have) {
                for (int k = 0; k < n; k++)
                    u[k] = z->u0 + (r0 + k + 0.5) * z->du;
                idp__wall_eval_row(z->coef, u, n, v, field);
                have = 1;
            }
            _mm256_mask_storeu_ps(alpha + x0, (__mmask8)m,
                                  zone8(z, y, x0, (__mmask8)m, (__mmask8)hm,
                                        field + 3 * (x0 - r0)));
        }
    }
}
#endif

void idp__edge_row(const idp__edge *z, int y, float *alpha, int wide)
{
    size_t row = (size_t)y * (size_t)z->w;
#if EDGE_AVX512
    if (wide && z->bg->nc == 3 && z->fg->nc == 3 &&
        __builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512vl")) {
        row8(z, y, alpha);
        return;
    }
#else
    (void)wide;
#endif
    for (int x = 0; x < z->w; x++) {
        size_t i = row + (size_t)x;
        alpha[x] =
            z->out[i] && !z->ero[i] ? (float)zone_px(z, i) : (float)z->hm[i];
    }
}
