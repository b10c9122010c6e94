/*
 * encode_jpeg.c - size-targeted baseline JPEG through the classic libjpeg
 * API (libjpeg-turbo). With encode_gather.c (the statistics pass of the
 * optimised tables, in place of libjpeg's) the library's only encoder of
 * JPEG.
 *
 * Output: SOI, a JFIF APP0 (density unit 1 = dots per inch, x = y = dpi;
 * dpi 0: unit 0, aspect 1:1), DQT, SOF0 (baseline), DHT, SOS, EOI. No
 * other marker: no Adobe APP14, EXIF, ICC or comment, and never any byte
 * after EOI (no padding to reach a size). Huffman tables are optimised in
 * every trial, so a trial's size is the size of the file handed out; the
 * integer DCT keeps the output deterministic.
 *
 * Size search (each trial is a full encode of the image):
 *   1. 4:2:0 at max_quality. Above max_bytes: search for the highest
 *      quality in [min_quality, max_quality - 1] whose size is
 *      <= max_bytes (size grows with quality), each trial where the last
 *      two put the boundary (log size is nearly straight in the log of
 *      libjpeg's table scale), halvings if that fails: 3-5 trials for a
 *      CHSI photo where halving took 6-7. Where size does not grow with
 *      quality everywhere (by a few bytes it need not), this search and
 *      halving may stop at different neighbouring qualities.
 *   2. Below min_bytes even at max_quality 4:2:0 (a flat image): the same
 *      with 4:4:4, whose files are bigger at the same quality.
 * Every trial is a candidate. The result is the highest-quality candidate
 * inside [min_bytes, max_bytes] (in_band 1). When none is inside, it is
 * the candidate nearest to the band in bytes (ties: the higher quality),
 * in_band 0: over-size at min_quality when the image is too busy for
 * max_bytes, the largest file when it is too flat for min_bytes, and the
 * nearer side when the band falls between two neighbouring qualities.
 *
 * With two threads (the context's) there are two compressors and trials
 * run in pairs: the first at max_quality beside the bisection's first
 * probe, then the range in thirds instead of halves (4 rounds instead of
 * 6 for a CHSI photo). As size grows with quality, the boundary and the
 * qualities either side of it are the same trials, so the file is too
 * (test_encode compares them on 64 images and bands).
 *
 * libjpeg errors longjmp back to the trial (error_exit), which returns a
 * status; output_message is silenced (the library never prints).
 */
#include "encode_gather.h"
#include "idp_internal.h"

#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#define JPEG_DIM_MAX   65500 /* JPEG_MAX_DIMENSION of libjpeg */
#define JPEG_DPI_MAX   65535 /* JFIF densities are 16-bit */
#define JPEG_SINK_INIT 65536 /* first output buffer; doubles as needed */

/* The error manager: error_exit keeps the message and jumps back. */
typedef struct trial_error {
    struct jpeg_error_mgr pub; /* first: libjpeg sees only this */
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
} trial_error;

/* A growable output buffer the trial owns (freed by us, never by
 * libjpeg, so an error in the middle of a trial leaks nothing). */
typedef struct out_sink {
    struct jpeg_destination_mgr pub; /* first: cinfo->dest points here */
    uint8_t *data;
    size_t cap, len;
} out_sink;

/* The best setting so far and its bytes. */
typedef struct candidate {
    uint8_t *data;
    size_t cap, len;
    int quality;
    int valid;
} candidate;

/* One compressor and its output: a search has two, so that two trials
 * can run at once (libjpeg's state is not shared between threads). */
typedef struct encoder {
    struct jpeg_compress_struct cinfo;
    trial_error err;
    out_sink sink;
    const uint8_t *rgb;
    size_t stride;
    uint8_t *row; /* one scanline: libjpeg takes non-const rows */
    const idp__jpeg_target *t;
    int created; /* cinfo exists: destroy it */
    int gather;  /* statistics by encode_gather.c: 1 plain, 2 wide */
    idp__gather counts;
} encoder;

typedef struct search_job {
    encoder enc[2]; /* enc[1]: only with threads >= 2 */
    candidate best;
    const idp__jpeg_target *t;
    int threads;
    int trials;
} search_job;

/* ---- libjpeg callbacks ---- */

static void fail_exit(j_common_ptr cinfo)
{
    trial_error *f = (trial_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, f->msg);
    longjmp(f->jump, 1);
}

static void fail_silent(j_common_ptr cinfo)
{
    (void)cinfo; /* the library never prints */
}

static void sink_init(j_compress_ptr cinfo)
{
    out_sink *s = (out_sink *)cinfo->dest;
    if (!s->data) {
        s->data = malloc(JPEG_SINK_INIT);
        if (!s->data)
            ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 0);
        s->cap = JPEG_SINK_INIT;
    }
    s->len = 0;
    s->pub.next_output_byte = s->data;
    s->pub.free_in_buffer = s->cap;
}

/* Called when the whole buffer is full: double it. */
static boolean sink_grow(j_compress_ptr cinfo)
{
    out_sink *s = (out_sink *)cinfo->dest;
    uint8_t *bigger = NULL;

    if (s->cap <= SIZE_MAX / 2)
        bigger = realloc(s->data, 2 * s->cap);
    if (!bigger)
        ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 1);
    s->data = bigger;
    s->pub.next_output_byte = bigger + s->cap;
    s->pub.free_in_buffer = s->cap;
    s->cap *= 2;
    return TRUE;
}

static void sink_term(j_compress_ptr cinfo)
{
    out_sink *s = (out_sink *)cinfo->dest;
    s->len = s->cap - s->pub.free_in_buffer;
}

/* ---- one trial ---- */

static idp_status fail_status(const encoder *job)
{
    if (job->err.pub.msg_code == JERR_OUT_OF_MEMORY)
        return IDP_E_NOMEM;
    return IDP_E_INTERNAL;
}

/* The compressor for a w x h RGB image at rgb (rows `stride` bytes
 * apart), its target and its statistics pass (the `gather` field); it
 * allocates, so it can fail; job_destroy() in any case. */
static idp_status job_create(encoder *job, const uint8_t *rgb, int w, int h,
                             size_t stride, const idp__jpeg_target *t,
                             int gather)
{
    job->rgb = rgb;
    job->stride = stride;
    job->t = t;
    job->gather = gather;
    if (!(job->row = malloc(3 * (size_t)w)))
        return IDP_E_NOMEM;
    job->cinfo.err = jpeg_std_error(&job->err.pub);
    job->err.pub.error_exit = fail_exit;
    job->err.pub.output_message = fail_silent;
    if (setjmp(job->err.jump))
        return fail_status(job);
    jpeg_create_compress(&job->cinfo);
    job->created = 1;
    job->sink.pub.init_destination = sink_init;
    job->sink.pub.empty_output_buffer = sink_grow;
    job->sink.pub.term_destination = sink_term;
    job->cinfo.dest = &job->sink.pub;
    job->cinfo.image_width = (JDIMENSION)w;
    job->cinfo.image_height = (JDIMENSION)h;
    job->cinfo.input_components = 3;
    job->cinfo.in_color_space = JCS_RGB;
    return IDP_OK;
}

static void job_destroy(encoder *job)
{
    if (job->created)
        jpeg_destroy_compress(&job->cinfo);
    free(job->sink.data);
    free(job->row);
}

/* Parameters of one trial: baseline, optimised Huffman, JFIF only. */
static void job_configure(encoder *job, int quality, int full_chroma)
{
    struct jpeg_compress_struct *c = &job->cinfo;
    int dpi = job->t->dpi;

    jpeg_set_defaults(c);               /* YCbCr, JFIF on, Adobe off */
    jpeg_set_quality(c, quality, TRUE); /* TRUE: baseline tables */
    c->optimize_coding = TRUE;
    c->dct_method = JDCT_ISLOW;
    c->write_JFIF_header = TRUE;
    c->write_Adobe_marker = FALSE;
    c->density_unit = (UINT8)(dpi > 0 ? 1 : 0);
    c->X_density = (UINT16)(dpi > 0 ? dpi : 1);
    c->Y_density = c->X_density;
    c->comp_info[0].h_samp_factor = full_chroma ? 1 : 2;
    c->comp_info[0].v_samp_factor = full_chroma ? 1 : 2;
    for (int i = 1; i < 3; i++) {
        c->comp_info[i].h_samp_factor = 1;
        c->comp_info[i].v_samp_factor = 1;
    }
}

/* Encode once into job->sink. */
static idp_status job_encode(encoder *job, int quality, int full_chroma)
{
    struct jpeg_compress_struct *c = &job->cinfo;
    size_t row_bytes = 3 * (size_t)c->image_width;

    if (setjmp(job->err.jump))
        return fail_status(job);
    job_configure(job, quality, full_chroma);
    jpeg_start_compress(c, TRUE);
    if (job->gather)
        (void)idp__gather_take(c, &job->counts, job->gather == 2);
    while (c->next_scanline < c->image_height) {
        JSAMPROW row = job->row;
        memcpy(job->row, job->rgb + (size_t)c->next_scanline * job->stride,
               row_bytes);
        jpeg_write_scanlines(c, &row, 1);
    }
    jpeg_finish_compress(c);
    return IDP_OK;
}

/* ---- the statistics pass ---- */

/* encode_gather.c is used once it has given libjpeg's files for a few
 * small images (PROBE_CASES): another libjpeg whose counting or tables
 * differ keeps its own pass. */
#define PROBE_CASES 6

static pthread_once_t gather_once = PTHREAD_ONCE_INIT;
static int gather_on; /* 0: libjpeg counts; 2: encode_gather.c, wide */

static unsigned probe_rand(unsigned *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* Case k: up to 41 x 37 px, smooth, noisy, a black and white
 * checkerboard (the largest ACs) or 8 x 8 blocks black and white in turn
 * (the largest DC differences), quality 1..100, both chroma layouts. */
static void probe_image(int k, uint8_t *rgb, int *w, int *h, int *q, int *full)
{
    unsigned s = 2654435761u * (unsigned)(k + 1);
    int kind = k % 4, noise = 1 + (int)(probe_rand(&s) % 120);
    *w = 1 + (int)(probe_rand(&s) % 41);
    *h = 1 + (int)(probe_rand(&s) % 37);
    *q = k % 3 == 0 ? 100 : 1 + (int)(probe_rand(&s) % 100);
    *full = k / 4 % 2;
    for (int y = 0; y < *h; y++)
        for (int x = 0; x < *w; x++)
            for (int c = 0; c < 3; c++) {
                int v = 40 * c + 3 * x + 2 * y +
                        (int)(probe_rand(&s) % (unsigned)noise);
                if (kind == 1)
                    v = (int)(probe_rand(&s) % 256);
                else if (kind == 2)
                    v = (x + y) % 2 ? 255 : 0;
                else if (kind == 3)
                    v = (x / 8 + y / 8) % 2 ? 255 : 0;
                rgb[(y * *w + x) * 3 + c] = (uint8_t)(v > 255 ? 255 : v);
            }
}

/* The file of the image with libjpeg's statistics pass and with ours:
 * 0 the same, 1 not, -1 an encode failed. */
static int probe_compare(const uint8_t *rgb, int w, int h, int q, int full,
                         int wide)
{
    static const idp__jpeg_target t = {300, 0, 0, 1, 100};
    encoder e[2];
    int rc = -1;
    memset(e, 0, sizeof e);
    for (int k = 0; k < 2; k++)
        if (job_create(&e[k], rgb, w, h, 3 * (size_t)w, &t, k ? 1 + wide : 0) !=
                IDP_OK ||
            job_encode(&e[k], q, full) != IDP_OK)
            goto done;
    rc = e[0].sink.len != e[1].sink.len ||
         memcmp(e[0].sink.data, e[1].sink.data, e[0].sink.len) != 0;
done:
    job_destroy(&e[0]);
    job_destroy(&e[1]);
    return rc;
}

int idp__jpeg_gather_check(int cases, int wide)
{
    uint8_t rgb[41 * 37 * 3];
    int differ = 0;
    for (int k = 0; k < cases; k++) {
        int w, h, q, full, rc;
        probe_image(k, rgb, &w, &h, &q, &full);
        rc = probe_compare(rgb, w, h, q, full, wide);
        if (rc < 0)
            return -1;
        differ += rc;
    }
    return differ;
}

static void gather_probe(void)
{
    gather_on = idp__jpeg_gather_check(PROBE_CASES, 1) == 0 ? 2 : 0;
}

/* ---- the search ---- */

/* Bytes between `len` and the band; 0 inside it. */
static int64_t band_gap(const idp__jpeg_target *t, size_t len)
{
    int64_t n = (int64_t)len;
    if (t->min_bytes > 0 && n < t->min_bytes)
        return t->min_bytes - n;
    if (t->max_bytes > 0 && n > t->max_bytes)
        return n - t->max_bytes;
    return 0;
}

/* Keep the trial just made by `e` if it beats the best so far (nearer to
 * the band; at the same distance, in particular inside it, higher
 * quality). Trials of different qualities are ranked the same whatever
 * the order they are considered in. */
static void job_consider(search_job *job, encoder *e, int quality)
{
    candidate *b = &job->best;
    out_sink *s = &e->sink;
    int64_t gap = band_gap(job->t, s->len);
    uint8_t *data = b->data;
    size_t cap = b->cap;
    job->trials++;

    if (b->valid) {
        int64_t best_gap = band_gap(job->t, b->len);
        if (gap > best_gap || (gap == best_gap && quality <= b->quality))
            return;
    }
    b->data = s->data; /* swap buffers: the sink reuses the old best's */
    b->cap = s->cap;
    b->len = s->len;
    b->quality = quality;
    b->valid = 1;
    s->data = data;
    s->cap = cap;
}

/* One trial; *len gets its size. */
static idp_status job_trial(search_job *job, int quality, int full_chroma,
                            size_t *len)
{
    idp_status st = job_encode(&job->enc[0], quality, full_chroma);
    if (st != IDP_OK)
        return st;
    *len = job->enc[0].sink.len;
    job_consider(job, &job->enc[0], quality);
    return IDP_OK;
}

/* Two trials at once, one per encoder; len[k] gets their sizes. */
typedef struct trial_task_arg {
    encoder *e;
    int quality, full_chroma;
    idp_status st;
} trial_task_arg;

static void trial_task(void *p)
{
    trial_task_arg *a = p;
    a->st = job_encode(a->e, a->quality, a->full_chroma);
}

static idp_status job_trial2(search_job *job, const int q[2], int full_chroma,
                             size_t len[2])
{
    trial_task_arg a[2] = {{&job->enc[0], q[0], full_chroma, IDP_OK},
                           {&job->enc[1], q[1], full_chroma, IDP_OK}};
    idp__par2(job->threads, trial_task, &a[0], trial_task, &a[1]);
    for (int k = 0; k < 2; k++) {
        if (a[k].st != IDP_OK)
            return a[k].st;
        len[k] = job->enc[k].sink.len;
        job_consider(job, &job->enc[k], q[k]);
    }
    return IDP_OK;
}

static int too_big(const idp__jpeg_target *t, size_t len)
{
    return t->max_bytes > 0 && (int64_t)len > t->max_bytes;
}

static int too_small(const idp__jpeg_target *t, size_t len)
{
    return t->min_bytes > 0 && (int64_t)len < t->min_bytes;
}

/* Highest quality in [*lo, *hi] with size <= max_bytes, by halves: on
 * return *lo is one above it. */
static idp_status job_bisect(search_job *job, int full_chroma, int *lo, int *hi)
{
    while (*lo <= *hi) {
        int mid = *lo + (*hi - *lo + 1) / 2;
        size_t len = 0;
        idp_status st = job_trial(job, mid, full_chroma, &len);
        if (st != IDP_OK)
            return st;
        if (too_big(job->t, len))
            *hi = mid - 1;
        else
            *lo = mid + 1;
    }
    return IDP_OK;
}

/* The same by thirds, two trials at once: the boundary found is the same
 * when size grows with quality, and the qualities on either side of it
 * are among the trials, so the best candidate is too. */
static idp_status job_bisect2(search_job *job, int full_chroma, int *lo,
                              int *hi)
{
    while (*hi > *lo) {
        int n = *hi - *lo + 1;
        int q[2] = {*lo + n / 3, *lo + 2 * n / 3};
        size_t len[2] = {0, 0};
        idp_status st = job_trial2(job, q, full_chroma, len);
        if (st != IDP_OK)
            return st;
        if (!too_big(job->t, len[1])) {
            *lo = q[1] + 1;
        } else if (!too_big(job->t, len[0])) {
            *lo = q[0] + 1;
            *hi = q[1] - 1;
        } else {
            *hi = q[0] - 1;
        }
    }
    return job_bisect(job, full_chroma, lo, hi); /* one quality left */
}

/* libjpeg's table scale for a quality, in percent, at least 1 (100 is
 * 0 there: every table entry 1). */
static double quality_scale(int q)
{
    int s = jpeg_quality_scaling(q);
    return s < 1 ? 1 : s;
}

/* The quality whose size a line through log size against log scale puts
 * at max_bytes: through the trials (qa, la) and (qb, lb), or with
 * qa < 0 (or no slope down between them) through (qb, lb) at the slope
 * SIZE_SLOPE. */
#define SIZE_SLOPE (-0.5) /* log size / log scale, made photos: -0.45..-0.5 */
#define GUESSES    4      /* then halvings, as job_bisect() */
static double size_guess(const idp__jpeg_target *t, int qa, size_t la, int qb,
                         size_t lb)
{
    double xb = log(quality_scale(qb)), yb = log((double)lb);
    double slope = SIZE_SLOPE, x, s;
    if (qa >= 0 && qa != qb) {
        double xa = log(quality_scale(qa)), ya = log((double)la);
        if (xa != xb)
            slope = (ya - yb) / (xa - xb);
    }
    if (!(slope < 0))
        slope = SIZE_SLOPE;
    x = xb + (log((double)t->max_bytes) - yb) / slope;
    s = exp(x);
    return s <= 100 ? (200 - s) / 2 : 5000 / s;
}

/* Highest quality in [lo, hi] with size <= max_bytes, as job_bisect()
 * finds it when size grows with quality, in fewer trials: each next
 * trial where a line through the last two trials (log size against log
 * of libjpeg's table scale: nearly straight) crosses max_bytes, floored,
 * so that the quality above is the one after; halvings after GUESSES
 * guesses (a size the line cannot follow). Like job_bisect(), it ends
 * having tried the boundary and the quality above it (or min_quality
 * when nothing fits), so the best candidate is the same. (qb, lb): the
 * trial above hi, too big. */
static idp_status job_guess(search_job *job, int full_chroma, int lo, int hi,
                            int qb, size_t lb)
{
    int qa = -1, guesses = 0;
    size_t la = 0;
    while (lo <= hi) {
        int q;
        size_t len = 0;
        idp_status st;
        if (guesses++ >= GUESSES) {
            q = lo + (hi - lo + 1) / 2;
        } else {
            double g = floor(size_guess(job->t, qa, la, qb, lb));
            q = !(g >= lo) ? lo : g > hi ? hi : (int)g; /* NaN: lo */
        }
        if ((st = job_trial(job, q, full_chroma, &len)) != IDP_OK)
            return st;
        if (too_big(job->t, len))
            hi = q - 1;
        else
            lo = q + 1;
        qa = qb; /* the last two trials */
        la = lb;
        qb = q;
        lb = len;
    }
    return IDP_OK;
}

static idp_status job_narrow(search_job *job, int full_chroma, int lo, int hi,
                             size_t len_hi)
{
    return job->threads >= 2
               ? job_bisect2(job, full_chroma, &lo, &hi)
               : job_guess(job, full_chroma, lo, hi, hi + 1, len_hi);
}

/* Steps 1 and 2 of the header comment. With two encoders, the first
 * trial runs beside the first of the bisection (needed unless the
 * photo fits at max_quality, and then ranked below it). */
static idp_status job_search(search_job *job)
{
    const idp__jpeg_target *t = job->t;
    int lo = t->min_quality, hi = t->max_quality - 1;
    size_t len[2] = {0, 0};
    idp_status st;

    if (job->threads >= 2 && lo <= hi) {
        int q[2] = {t->max_quality, lo + (hi - lo + 1) / 2};
        st = job_trial2(job, q, 0, len);
        if (st == IDP_OK && too_big(t, len[0])) {
            if (too_big(t, len[1]))
                hi = q[1] - 1;
            else
                lo = q[1] + 1;
            return job_narrow(job, 0, lo, hi, 0);
        }
    } else {
        st = job_trial(job, t->max_quality, 0, &len[0]);
        if (st == IDP_OK && too_big(t, len[0]))
            return job_narrow(job, 0, lo, hi, len[0]);
    }
    if (st != IDP_OK || !too_small(t, len[0]))
        return st;
    st = job_trial(job, t->max_quality, 1, &len[0]);
    if (st != IDP_OK || !too_big(t, len[0]))
        return st;
    return job_narrow(job, 1, lo, t->max_quality - 1, len[0]);
}

/* The best candidate becomes the caller's. */
static void job_hand_out(search_job *job, idp__encoded *out)
{
    out->data = job->best.data;
    out->len = job->best.len;
    out->quality = job->best.quality;
    out->in_band = band_gap(job->t, job->best.len) == 0;
    out->trials = job->trials;
    job->best.data = NULL;
}

/* ---- entry point ---- */

static idp_status check_target(idp_ctx *ctx, const idp__jpeg_target *t)
{
    if (t->min_quality < 1 || t->min_quality > 100 ||
        t->max_quality < t->min_quality || t->max_quality > 100)
        return idp__fail(ctx, IDP_E_INVALID_ARG,
                         "jpeg: quality range %d-%d (want 1 <= min <= max "
                         "<= 100)",
                         t->min_quality, t->max_quality);
    if (t->min_bytes < 0 || t->max_bytes < 0 ||
        (t->max_bytes > 0 && t->min_bytes > t->max_bytes))
        return idp__fail(ctx, IDP_E_INVALID_ARG,
                         "jpeg: size band %lld-%lld bytes is empty",
                         (long long)t->min_bytes, (long long)t->max_bytes);
    if (t->dpi < 0 || t->dpi > JPEG_DPI_MAX)
        return idp__fail(ctx, IDP_E_INVALID_ARG,
                         "jpeg: dpi %d out of range 0-%d", t->dpi,
                         JPEG_DPI_MAX);
    return IDP_OK;
}

static idp_status check_args(idp_ctx *ctx, const uint8_t *rgb, int w, int h,
                             size_t stride, const idp__jpeg_target *t)
{
    if (!rgb || !t)
        return idp__fail(ctx, IDP_E_INVALID_ARG, "jpeg: %s is NULL",
                         rgb ? "target" : "pixels");
    if (w <= 0 || h <= 0 || w > JPEG_DIM_MAX || h > JPEG_DIM_MAX)
        return idp__fail(ctx, IDP_E_INVALID_ARG,
                         "jpeg: size %dx%d out of range 1-%d", w, h,
                         JPEG_DIM_MAX);
    if (stride < 3 * (size_t)w)
        return idp__fail(ctx, IDP_E_INVALID_ARG,
                         "jpeg: stride %zu below 3 x width %d", stride, w);
    return check_target(ctx, t);
}

/* The encoders' error texts: the first that has one. */
static const char *job_error(const search_job *job)
{
    return job->enc[0].err.msg[0] ? job->enc[0].err.msg : job->enc[1].err.msg;
}

static idp_status job_start(search_job *job, const uint8_t *rgb, int w, int h,
                            size_t stride)
{
    pthread_once(&gather_once, gather_probe);
    for (int k = 0; k < (job->threads >= 2 ? 2 : 1); k++) {
        idp_status st =
            job_create(&job->enc[k], rgb, w, h, stride, job->t, gather_on);
        if (st != IDP_OK)
            return st;
    }
    return IDP_OK;
}

static void job_end(search_job *job)
{
    job_destroy(&job->enc[0]);
    job_destroy(&job->enc[1]);
    free(job->best.data);
}

idp_status idp__encode_jpeg(idp_ctx *ctx, const uint8_t *rgb, int w, int h,
                            size_t stride, const idp__jpeg_target *t,
                            idp__encoded *out)
{
    search_job job;
    idp_status st;

    if (!out)
        return idp__fail(ctx, IDP_E_INVALID_ARG, "jpeg: out is NULL");
    memset(out, 0, sizeof *out);
    st = check_args(ctx, rgb, w, h, stride, t);
    if (st != IDP_OK)
        return st;
    memset(&job, 0, sizeof job);
    job.t = t;
    job.threads = ctx ? ctx->threads : 1;
    st = job_start(&job, rgb, w, h, stride);
    if (st == IDP_OK)
        st = job_search(&job);
    if (st == IDP_E_NOMEM && !job_error(&job)[0])
        st = idp__fail(ctx, st, "jpeg: out of memory");
    else if (st != IDP_OK)
        st = idp__fail(ctx, st, "jpeg encoder: %s", job_error(&job));
    else
        job_hand_out(&job, out);
    job_end(&job);
    return st;
}
