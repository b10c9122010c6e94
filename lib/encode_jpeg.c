/*
 * encode_jpeg.c - size-targeted baseline JPEG through the classic libjpeg
 * API (libjpeg-turbo). The only file of the library that uses libjpeg.
 *
 * Output: SOI, a JFIF APP0 (density unit 1 = dots per inch, x = y = dpi;
 * dpi 0: unit 0, aspect 1:1), DQT, SOF0 (baseline), DHT, SOS, EOI. No
 * other marker: no Adobe APP14, EXIF, ICC or comment, and never any byte
 * after EOI (no padding to reach a size). Huffman tables are optimised in
 * every trial, so a trial's size is the size of the file handed out; the
 * integer DCT keeps the output deterministic.
 *
 * Size search (at most 8 trials; each is a full encode of the image):
 *   1. 4:2:0 at max_quality. Above max_bytes: binary search for the
 *      highest quality in [min_quality, max_quality - 1] whose size is
 *      <= max_bytes (size grows with quality).
 *   2. Below min_bytes even at max_quality 4:2:0 (a flat image): the same
 *      with 4:4:4, whose files are bigger at the same quality.
 * Every trial is a candidate. The result is the highest-quality candidate
 * inside [min_bytes, max_bytes] (in_band 1). When none is inside, it is
 * the candidate nearest to the band in bytes (ties: the higher quality),
 * in_band 0: over-size at min_quality when the image is too busy for
 * max_bytes, the largest file when it is too flat for min_bytes, and the
 * nearer side when the band falls between two neighbouring qualities.
 *
 * libjpeg errors longjmp back to the trial (error_exit), which returns a
 * status; output_message is silenced (the library never prints).
 */
#include "idp_internal.h"

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

typedef struct search_job {
    struct jpeg_compress_struct cinfo;
    trial_error err;
    out_sink sink;
    candidate best;
    const uint8_t *rgb;
    size_t stride;
    uint8_t *row; /* one scanline: libjpeg takes non-const rows */
    const idp__jpeg_target *t;
    int created; /* cinfo exists: destroy it */
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

static idp_status fail_status(const search_job *job)
{
    if (job->err.pub.msg_code == JERR_OUT_OF_MEMORY)
        return IDP_E_NOMEM;
    return IDP_E_INTERNAL;
}

/* The compressor for a w x h RGB image (it allocates, so it can fail). */
static idp_status job_create(search_job *job, int w, int h)
{
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

/* Parameters of one trial: baseline, optimised Huffman, JFIF only. */
static void job_configure(search_job *job, int quality, int full_chroma)
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
static idp_status job_encode(search_job *job, int quality, int full_chroma)
{
    struct jpeg_compress_struct *c = &job->cinfo;
    size_t row_bytes = 3 * (size_t)c->image_width;

    if (setjmp(job->err.jump))
        return fail_status(job);
    job_configure(job, quality, full_chroma);
    jpeg_start_compress(c, TRUE);
    while (c->next_scanline < c->image_height) {
        JSAMPROW row = job->row;
        memcpy(job->row, job->rgb + (size_t)c->next_scanline * job->stride,
               row_bytes);
        jpeg_write_scanlines(c, &row, 1);
    }
    jpeg_finish_compress(c);
    return IDP_OK;
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

/* Keep the trial just made if it beats the best so far (nearer to the
 * band; at the same distance, in particular inside it, higher quality). */
static void job_consider(search_job *job, int quality)
{
    candidate *b = &job->best;
    out_sink *s = &job->sink;
    int64_t gap = band_gap(job->t, s->len);
    uint8_t *data = b->data;
    size_t cap = b->cap;

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
    idp_status st = job_encode(job, quality, full_chroma);
    if (st != IDP_OK)
        return st;
    *len = job->sink.len;
    job_consider(job, quality);
    return IDP_OK;
}

/* Highest quality in [min_quality, hi] with size <= max_bytes. */
static idp_status job_bisect(search_job *job, int full_chroma, int hi)
{
    int lo = job->t->min_quality;

    while (lo <= hi) {
        int mid = lo + (hi - lo + 1) / 2;
        size_t len = 0;
        idp_status st = job_trial(job, mid, full_chroma, &len);
        if (st != IDP_OK)
            return st;
        if ((int64_t)len > job->t->max_bytes)
            hi = mid - 1;
        else
            lo = mid + 1;
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

/* Steps 1 and 2 of the header comment. */
static idp_status job_search(search_job *job)
{
    const idp__jpeg_target *t = job->t;
    size_t len = 0;
    idp_status st = job_trial(job, t->max_quality, 0, &len);

    if (st != IDP_OK)
        return st;
    if (too_big(t, len))
        return job_bisect(job, 0, t->max_quality - 1);
    if (!too_small(t, len))
        return IDP_OK;
    st = job_trial(job, t->max_quality, 1, &len);
    if (st != IDP_OK || !too_big(t, len))
        return st;
    return job_bisect(job, 1, t->max_quality - 1);
}

/* The best candidate becomes the caller's. */
static void job_hand_out(search_job *job, idp__encoded *out)
{
    out->data = job->best.data;
    out->len = job->best.len;
    out->quality = job->best.quality;
    out->in_band = band_gap(job->t, job->best.len) == 0;
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
    job.rgb = rgb;
    job.stride = stride;
    job.t = t;
    job.row = malloc(3 * (size_t)w);
    if (!job.row) {
        st = idp__fail(ctx, IDP_E_NOMEM, "jpeg: out of memory");
        goto done;
    }
    st = job_create(&job, w, h);
    if (st == IDP_OK)
        st = job_search(&job);
    if (st != IDP_OK) {
        st = idp__fail(ctx, st, "jpeg encoder: %s", job.err.msg);
        goto done;
    }
    job_hand_out(&job, out);
done:
    if (job.created)
        jpeg_destroy_compress(&job.cinfo);
    free(job.best.data);
    free(job.sink.data);
    free(job.row);
    return st;
}
