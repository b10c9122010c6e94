/*
 * check_file.c - rules about the file itself (format, pixel size, bytes,
 * DPI) and about colour. File rules apply to a final photo only: making
 * fixes them, so a capture skips them.
 */
#include "checks.h"

#include <math.h>
#include <string.h>
#include <strings.h>

static int skip_capture(const idp__check_env *e, idp_check_result *r)
{
    if (e->mode != IDP_MODE_CAPTURE)
        return 0;
    idp__res_skip(r, "制作时会处理", "made right by photo-make");
    return 1;
}

/* A tint this narrow is one hue throughout (sepia, a mono filter): real
 * colour photos on ../shared/photos spread >= 2.3, grey scans 1.3-3.3. */
#define TINT_SPREAD 1.0

void idp__check_colour_photo(const idp__check_env *e, idp_check_result *r)
{
    const idp_image_info *in = &e->img->info;
    double v = e->m->colourfulness;
    int grey = in->bands <= 2 || v < e->p->limits.colour_fail;
    int tinted = !grey && e->m->hue_spread < TINT_SPREAD;
    idp__res(r, grey || tinted ? IDP_FAIL : IDP_PASS, v, "");
    idp__res_limit(r, ">= %.1f colourfulness, more than one hue",
                   e->p->limits.colour_fail);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else if (tinted)
        idp__res_msg(r, "照片只有单一色调（如怀旧滤镜）：须为自然彩色照片",
                     "the photo has a single tint (such as a sepia filter): "
                     "a natural colour photo is required");
    else
        idp__res_msg(r, "照片是黑白的，须为彩色照片",
                     "the photo is black-and-white: a colour photo is "
                     "required");
}

static const char *extension(const char *name)
{
    const char *dot = strrchr(name, '.');
    const char *slash = strrchr(name, '/');
    if (!dot || (slash && dot < slash))
        return "";
    return dot + 1;
}

static int extension_fits(const char *format, const char *ext)
{
    if (strcmp(format, "jpeg") == 0)
        return strcasecmp(ext, "jpg") == 0 || strcasecmp(ext, "jpeg") == 0;
    return strcasecmp(ext, format) == 0;
}

void idp__check_file_format(const idp__check_env *e, idp_check_result *r)
{
    const idp_image_info *in = &e->img->info;
    const char *ext = extension(idp_image_name(e->img));
    int same = strcmp(in->format, e->p->format) == 0;
    int depth = in->bands == 3 && in->bits == 8;
    if (skip_capture(e, r))
        return;
    idp__res(r,
             same && depth && extension_fits(in->format, ext) ? IDP_PASS
                                                              : IDP_FAIL,
             NAN, "");
    idp__res_limit(r, "%s, 24-bit colour, .%s", e->p->format,
                   strcmp(e->p->format, "jpeg") == 0 ? "jpg" : e->p->format);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else if (!same)
        idp__res_msg(r, "文件格式为 %s，应为 %s", "the file is %s, not %s",
                     in->format, e->p->format);
    else if (!depth)
        idp__res_msg(r, "色彩深度为 %d 通道 %d 位，应为 24 位彩色",
                     "%d channel(s) of %d bits: 24-bit colour is required",
                     in->bands, in->bits);
    else
        idp__res_msg(r, "文件扩展名“.%s”与格式 %s 不符",
                     "the extension \".%s\" does not match the %s format", ext,
                     in->format);
}

static int size_fits(const idp_profile *p, int w, int h)
{
    if (w == p->width && h == p->height)
        return 1;
    if (p->max_width <= p->width || w < p->width || w > p->max_width)
        return 0;
    /* any width in range at the same aspect ratio, to the nearest pixel */
    return fabs((double)w * p->height / p->width - h) <= 1.0;
}

void idp__check_dimensions(const idp__check_env *e, idp_check_result *r)
{
    int w = e->img->info.width, h = e->img->info.height;
    if (skip_capture(e, r))
        return;
    idp__res(r, size_fits(e->p, w, h) ? IDP_PASS : IDP_FAIL, w, "px");
    if (e->p->max_width > e->p->width)
        idp__res_limit(
            r, "%dx%d to %dx%d", e->p->width, e->p->height, e->p->max_width,
            (int)lround((double)e->p->max_width * e->p->height / e->p->width));
    else
        idp__res_limit(r, "%dx%d", e->p->width, e->p->height);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r, "尺寸为 %dx%d 像素，应为 %s",
                     "the photo is %dx%d px, must be %s", w, h, r->limit);
}

void idp__check_file_size(const idp__check_env *e, idp_check_result *r)
{
    const idp_profile *p = e->p;
    double b = (double)e->img->info.file_bytes;
    int lo, hi;
    if (skip_capture(e, r))
        return;
    if (!p->file_min_bytes && !p->file_max_bytes) {
        idp__res_skip(r, "本规格无此要求", "the profile sets no limit");
        return;
    }
    lo = p->file_min_bytes && b < (double)p->file_min_bytes;
    hi = p->file_max_bytes && b > (double)p->file_max_bytes;
    idp__res(r, lo || hi ? IDP_FAIL : IDP_PASS, b, "bytes");
    if (!p->file_max_bytes)
        idp__res_limit(r, ">= %.0f KB", (double)p->file_min_bytes / 1024);
    else
        idp__res_limit(r, "%.0f-%.0f KB", (double)p->file_min_bytes / 1024,
                       (double)p->file_max_bytes / 1024);
    if (r->status == IDP_PASS)
        idp__res_pass(r);
    else
        idp__res_msg(r, "文件大小 %.1f KB，应为 %s",
                     "the file is %.1f KB, must be %s", b / 1024, r->limit);
}

void idp__check_dpi(const idp__check_env *e, idp_check_result *r)
{
    const idp_image_info *in = &e->img->info;
    int want = e->p->dpi;
    int ok;
    if (skip_capture(e, r))
        return;
    if (want <= 0) {
        idp__res_skip(r, "本规格无此要求", "the profile sets no limit");
        return;
    }
    ok = in->has_density && lround(in->dpi_x) == want &&
         lround(in->dpi_y) == want;
    idp__res(r, ok ? IDP_PASS : IDP_FAIL, in->has_density ? in->dpi_x : NAN,
             "dpi");
    idp__res_limit(r, "%d dpi", want);
    if (ok)
        idp__res_pass(r);
    else if (!in->has_density)
        idp__res_msg(r, "文件未记录分辨率，应为 %d dpi",
                     "the file states no resolution; must be %d dpi", want);
    else
        idp__res_msg(r, "分辨率为 %.0f dpi，应为 %d dpi",
                     "the resolution is %.0f dpi, must be %d dpi", in->dpi_x,
                     want);
}
