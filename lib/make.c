/*
 * make.c - idp_make(): from a capture to a standard photo.
 *
 *   capture rules (idp_check, mode capture) -> refuse with the reasons when
 *   one fails -> the subject's matte (computed by the check) -> the crop
 *   that meets the profile's bands (geometry.c) -> the crop resampled to
 *   the profile's size, its alpha rendered there -> the person composited
 *   on the new colour without the old wall's colour (composite.c).
 * Encoding is separate (idp_made_jpeg and friends), so the caller decides
 * where the bytes go.
 */
#include "idp_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct idp_made {
    idp_image *photo;    /* profile size, on the new background */
    uint8_t *alpha;      /* profile size */
    uint8_t *foreground; /* profile size, the person's own colours */
    idp__matte *matte;   /* of the input, for idp_made_matte_png */
    idp_rect crop;       /* in the file's pixels (the turned frame) */
    double turn;         /* degrees that level the head (level.c); 0 */
    idp_point centre;    /* ... about this point, file pixels */
    idp_profile profile;
    idp_timings *timings; /* frame, recolour; encode by idp_made_jpeg */
};

void idp_made_free(idp_made *m)
{
    if (!m)
        return;
    idp_image_free(m->photo);
    free(m->alpha);
    free(m->foreground);
    idp__matte_free(m->matte);
    free(m->timings);
    free(m);
}

idp_timings *idp__made_timings_slot(const idp_made *m)
{
    return m ? m->timings : NULL;
}

idp_status idp_made_timings(const idp_made *m, idp_timings *out)
{
    if (!m || !out || !m->timings)
        return IDP_E_INVALID_ARG;
    *out = *m->timings;
    return IDP_OK;
}

idp_status idp__made_view(const idp_made *m, const idp_image **photo,
                          const uint8_t **alpha, const uint8_t **fg,
                          const idp_profile **p, const idp__matte **mt)
{
    if (!m || !m->photo)
        return IDP_E_INVALID_ARG;
    *photo = m->photo;
    *alpha = m->alpha;
    *fg = m->foreground;
    *p = &m->profile;
    *mt = m->matte;
    return IDP_OK;
}

const idp_image *idp_made_photo(const idp_made *m)
{
    return m ? m->photo : NULL;
}

static idp_rgb pick_background(const idp_make_options *o, const idp_profile *p)
{
    idp_rgb white = {255, 255, 255};
    if (o && o->has_background)
        return o->background;
    return p->n_backgrounds > 0 ? p->backgrounds[0].rgb : white;
}

typedef struct grid_job {
    const idp__matte *mt;
    idp_rect crop;
    int w, h;
    const double *u; /* the columns' field coordinate */
    float *wall;
} grid_job;

static void grid_rows(void *arg, int y0, int y1)
{
    const grid_job *j = arg;
    double sy = j->crop.h / j->h;
    for (int y = y0; y < y1; y++)
        idp__matte_wall_row(j->mt, j->u, j->w, j->crop.y + (y + 0.5) * sy,
                            j->wall + (size_t)y * (size_t)j->w * 3);
}

/* The old wall's colour at every output pixel, from the wall field. */
static float *wall_grid(const idp__matte *mt, idp_rect crop, int w, int h,
                        int threads)
{
    double *u = malloc((size_t)w * sizeof *u);
    grid_job j = {mt, crop, w, h, u, NULL};
    if (u && (j.wall = malloc((size_t)w * (size_t)h * 3 * sizeof *j.wall))) {
        idp__matte_wall_cols(mt, crop.x, crop.w / w, w, u);
        idp__par_rows(threads, h, grid_rows, &j);
    }
    free(u);
    return j.wall;
}

static idp_status new_photo(int w, int h, const char *name, idp_image **out)
{
    idp_image *img = calloc(1, sizeof *img);
    *out = NULL;
    if (!img)
        return IDP_E_NOMEM;
    img->width = w;
    img->height = h;
    img->stride = (size_t)w * 3;
    img->pixels = malloc(img->stride * (size_t)h);
    img->name = strdup(name);
    if (!img->pixels || !img->name) {
        idp_image_free(img);
        return IDP_E_NOMEM;
    }
    img->info.width = w;
    img->info.height = h;
    img->info.bands = 3;
    img->info.bits = 8;
    img->info.orientation = 1;
    img->info.shrink = 1;
    img->decode_ms = NAN; /* made in memory, not decoded */
    idp__strlcpy(img->info.format, "raw", sizeof img->info.format);
    idp__strlcpy(img->info.interpretation, "srgb",
                 sizeof img->info.interpretation);
    *out = img;
    return IDP_OK;
}

/* What the output is resampled from. `img` when its pixels are enough
 * for the output (a reduced decode of a large photo usually is), else the
 * file decoded again, reduced only as far as the output allows (*fine).
 * The crop (file pixels) and a view of the matte come back in the pixels
 * of the image used. */
typedef struct source {
    const idp_image *img;
    idp_image *fine;   /* owned, or NULL */
    idp_image *turned; /* owned, or NULL: img turned level */
    uint8_t *alpha;    /* owned, or NULL: the matte turned likewise */
    idp_rect crop;
    idp__matte matte; /* shares the alpha of m->matte (or owns *alpha) */
} source;

static void source_close(source *s)
{
    idp_image_free(s->turned);
    idp_image_free(s->fine);
    free(s->alpha);
}

static idp_status source_open(idp_ctx *ctx, const idp_image *img,
                              const idp_made *m, source *s)
{
    int was = idp_image_shrink(img), f = was;
    idp_status st = IDP_OK;
    while (f > 1 && m->crop.w / f < m->profile.width)
        f /= 2;
    s->img = img;
    if (f < was) {
        st = idp__image_reload(ctx, img, f, &s->fine);
        s->img = s->fine;
        if (st == IDP_OK && (s->fine->info.width != img->info.width ||
                             s->fine->info.height != img->info.height))
            st = idp__fail(ctx, IDP_E_IO,
                           "%s: the file changed while it "
                           "was being read",
                           idp_image_name(img));
    }
    s->crop = m->crop;
    s->crop.x /= f;
    s->crop.y /= f;
    s->crop.w /= f;
    s->crop.h /= f;
    s->matte = *m->matte;
    if (st == IDP_OK) {
        s->matte.crown_y *= (double)s->img->width / s->matte.img_w;
        s->matte.img_w = s->img->width;
        s->matte.img_h = s->img->height;
        s->matte.work_scale = (double)s->matte.ww / s->img->width;
    }
    if (st == IDP_OK && m->turn != 0) {
        idp_point c = {m->centre.x / f, m->centre.y / f};
        st = idp__level_source(ctx, m->turn, c, s->img, &s->matte, &s->turned,
                               &s->alpha);
        if (st == IDP_OK)
            s->img = s->turned;
    }
    return st;
}

/* The crop at output size and the old wall under it (frame_task), and
 * the matte at output size (matte_task): independent, so side by side
 * with two threads. The matte's job has a copy of the context (no two
 * threads write one error text). */
typedef struct part_job {
    idp_ctx *ctx;
    const source *s;
    int w, h;
    uint8_t *out; /* the crop's RGB, or the alpha */
    float *wall;  /* frame_task's */
    idp_status st;
    double ms;
} part_job;

static void frame_task(void *arg)
{
    part_job *j = arg;
    double t0 = idp__now_ms();
    j->st =
        idp__image_region(j->ctx, j->s->img, j->s->crop, j->w, j->h, j->out);
    if (j->st == IDP_OK && !(j->wall = wall_grid(&j->s->matte, j->s->crop, j->w,
                                                 j->h, j->ctx->threads)))
        j->st = idp__fail(j->ctx, IDP_E_NOMEM, "out of memory");
    j->ms = idp__now_ms() - t0;
}

static void matte_task(void *arg)
{
    part_job *j = arg;
    double t0 = idp__now_ms();
    j->st = idp__matte_render(j->ctx, &j->s->matte, j->s->img, j->s->crop, j->w,
                              j->h, j->out);
    j->ms = idp__now_ms() - t0;
}

/* frame_task beside matte_task; the first failure is the caller's. */
static idp_status frame_and_matte(idp_ctx *ctx, const source *s, int w, int h,
                                  uint8_t *rgb, idp_made *m, float **wall)
{
    idp_ctx *own = malloc(sizeof *own);
    part_job fj = {ctx, s, w, h, rgb, NULL, IDP_OK, 0};
    part_job mj = {own, s, w, h, m->alpha, NULL, IDP_OK, 0};
    idp_status st;
    if (!own)
        return idp__fail(ctx, IDP_E_NOMEM, "out of memory");
    *own = *ctx;
    idp__par2(ctx->threads, frame_task, &fj, matte_task, &mj);
    *wall = fj.wall;
    m->timings->frame += fj.ms;
    m->timings->recolour += mj.ms;
    st = fj.st;
    if (st == IDP_OK && mj.st != IDP_OK) {
        memcpy(ctx->error, own->error, sizeof ctx->error);
        st = mj.st;
    }
    free(own);
    return st;
}

/* Resample, render alpha, composite: fills m->photo/alpha/foreground. */
static idp_status render(idp_ctx *ctx, const idp_image *img, idp_made *m,
                         idp_rgb target)
{
    int w = m->profile.width, h = m->profile.height;
    size_t n = (size_t)w * (size_t)h;
    uint8_t *rgb = malloc(n * 3);
    float *wall = NULL;
    source s = {NULL, NULL, NULL, NULL, {0, 0, 0, 0}, {0}};
    idp_status st = rgb ? IDP_OK : IDP_E_NOMEM;
    m->alpha = malloc(n);
    m->foreground = malloc(n * 3);
    if (st == IDP_OK && (!m->alpha || !m->foreground))
        st = IDP_E_NOMEM;
    if (st == IDP_OK)
        st = new_photo(w, h, idp_image_name(img), &m->photo);
    double t0 = idp__now_ms();
    if (st == IDP_OK)
        st = source_open(ctx, img, m, &s);
    m->timings->frame = idp__now_ms() - t0;
    m->timings->recolour = 0;
    if (st == IDP_OK)
        st = frame_and_matte(ctx, &s, w, h, rgb, m, &wall);
    t0 = idp__now_ms();
    if (st == IDP_OK &&
        idp__composite(rgb, m->alpha, wall, w, h, target, ctx->threads,
                       m->photo->pixels, m->foreground))
        st = IDP_E_NOMEM;
    m->timings->recolour += idp__now_ms() - t0;
    source_close(&s);
    free(wall);
    free(rgb);
    if (st == IDP_E_NOMEM)
        return idp__fail(ctx, st, "%s: out of memory", idp_image_name(img));
    return st;
}

/* A copy of the subject's matte: the made photo keeps its own, and the
 * capture report keeps its one (idp_report_annotate draws it). The alpha
 * is the struct's only pointer. */
static idp__matte *matte_copy(const idp__matte *mt)
{
    size_t n = (size_t)mt->ww * (size_t)mt->wh;
    idp__matte *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    *c = *mt;
    c->alpha = malloc(n);
    if (!c->alpha) {
        free(c);
        return NULL;
    }
    memcpy(c->alpha, mt->alpha, n);
    return c;
}

/* Copies the matte of the capture report and plans the crop. */
static idp_status start(const idp_report *r, const idp_profile *p,
                        idp_made **out)
{
    idp_made *m = calloc(1, sizeof *m);
    if (!m)
        return IDP_E_NOMEM;
    m->profile = *p;
    m->matte = matte_copy(r->matte);
    m->timings = malloc(sizeof *m->timings);
    if (!m->matte || !m->timings) {
        idp_made_free(m);
        return IDP_E_NOMEM;
    }
    idp__timings_clear(m->timings);
    m->crop = r->plan.crop;
    m->turn = idp__level_turn(r, p);
    if (m->turn != 0) {
        idp__crop_plan plan;
        m->centre = idp__level_centre(r);
        idp__level_plan(r, p, m->turn, &plan);
        m->crop = plan.crop;
    }
    *out = m;
    return IDP_OK;
}

/* The render of a capture, on a second thread while its rules run when
 * render_early() allows. start() ran before, on a copy of the report's
 * geometry scaled to the file's pixels (the rules read the image's); the
 * render reads the matte and the image, which the rules only read. */
typedef struct make_job {
    idp_ctx *ctx;
    const idp_image *img;
    idp_rgb target;
    idp_made *m;
    idp_status st;
} make_job;

static void render_task(void *arg)
{
    make_job *j = arg;
    j->st = render(j->ctx, j->img, j->m, j->target);
}

static idp_status geometry_copy(const idp_report *r, int shrink, idp_report *g)
{
    *g = *r;
    g->faces = malloc((r->n_faces ? r->n_faces : 1) * sizeof *g->faces);
    if (!g->faces)
        return IDP_E_NOMEM;
    memcpy(g->faces, r->faces, r->n_faces * sizeof *g->faces);
    if (shrink > 1)
        idp__report_scale_geometry(g, shrink);
    return IDP_OK;
}

/* The made photo started (crop planned, matte copied) from the report. */
static idp_status start_from(const idp_report *r, const idp_image *img,
                             const idp_profile *p, idp_made **m)
{
    idp_report geo;
    idp_status st = geometry_copy(r, idp_image_shrink(img), &geo);
    if (st == IDP_OK)
        st = start(&geo, p, m);
    free(geo.faces);
    return st;
}

typedef struct judge_job {
    const idp_image *img;
    const idp_check_options *o;
    int threads;
    idp_report *r;
} judge_job;

static void judge_task(void *arg)
{
    judge_job *j = arg;
    idp__check_judge(j->img, j->o, j->threads, j->r);
}

/* May the render start before the rules have accepted the photo? Only
 * when it renders from the pixels already decoded (no second decode of a
 * large file for a photo that may be refused) and the crop is feasible
 * (an infeasible one is always refused). */
static int render_early(const idp_report *r, const idp_image *img,
                        const idp_made *m)
{
    int f = idp_image_shrink(img);
    return r->plan.feasible && (f == 1 || m->crop.w / f >= m->profile.width);
}

/* The rules, and the render: beside them on a second thread when the
 * context has two and render_early() allows (the render is dropped if a
 * rule refuses the photo; the rules then run on one thread, the render
 * splitting its own steps), else after them for an accepted photo only. */
static idp_status judge_and_render(idp_ctx *ctx, const idp_image *img,
                                   const idp_check_options *co, idp_report *r,
                                   make_job *job)
{
    judge_job jj = {img, co, ctx->threads, r};
    idp_status st = start_from(r, img, co->profile, &job->m);
    if (st != IDP_OK) {
        judge_task(&jj); /* the report is judged whatever happens */
        return idp__fail(ctx, st, "out of memory");
    }
    if (ctx->threads >= 2 && render_early(r, img, job->m)) {
        jj.threads = 1;
        idp__par2(ctx->threads, judge_task, &jj, render_task, job);
        return IDP_OK;
    }
    judge_task(&jj);
    if (idp_report_verdict(r) != IDP_VERDICT_FAIL)
        render_task(job);
    return IDP_OK;
}

idp_status idp_make(idp_ctx *ctx, const idp_image *img,
                    const idp_make_options *opt, idp_made **out,
                    idp_report **report)
{
    idp_check_options co = {opt ? opt->profile : NULL, IDP_MODE_CAPTURE};
    make_job job;
    idp_status st;
    if (!out || !report)
        return IDP_E_INVALID_ARG;
    *out = NULL;
    *report = NULL;
    if (!ctx || !img)
        return idp__fail(ctx, IDP_E_INVALID_ARG, "no image");
    if (!co.profile)
        co.profile = idp_profile_default();
    st = idp__check_measure(ctx, img, &co, report);
    if (st != IDP_OK)
        return st;
    if (!(*report)->matte) { /* no face: the rules say why */
        idp__check_judge(img, &co, ctx->threads, *report);
        if (idp_report_verdict(*report) == IDP_VERDICT_FAIL)
            return IDP_OK;
        return idp__fail(ctx, IDP_E_INTERNAL, "%s: no matte",
                         idp_image_name(img));
    }
    memset(&job, 0, sizeof job);
    job.ctx = ctx;
    job.img = img;
    job.target = pick_background(opt, co.profile);
    job.st = IDP_OK;
    st = judge_and_render(ctx, img, &co, *report, &job);
    if (st != IDP_OK || idp_report_verdict(*report) == IDP_VERDICT_FAIL) {
        idp_made_free(job.m);
        return st; /* refused: the reasons are in the report */
    }
    if (job.st != IDP_OK) {
        idp_made_free(job.m);
        return job.st == IDP_E_NOMEM ? idp__fail(ctx, job.st, "out of memory")
                                     : job.st;
    }
    *out = job.m;
    return IDP_OK;
}
