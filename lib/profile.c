/*
 * profile.c - the built-in photo standards, default thresholds and the
 * named background colours. C standard library only.
 *
 * Every number cites its section of docs/standards.md (the research notes
 * kept beside the project, ../shared/docs/standards.md) and, for the rule
 * thresholds, docs/quality-checks.md. Where a standard gives a percentage of
 * the photo, the band is written as that fraction times the nominal size in
 * pixels (the compiler folds it); docs/profiles.md lists the results.
 *
 * Bands are in pixels of the nominal size and are scaled by the height of a
 * photo of another size (idphoto.h), so only ratios matter for them.
 *
 * Derived bands, used where a standard gives no number of its own:
 *   - FACE_FROM_HEAD: the face_resolution rule needs a face-width band, but
 *     most standards give a head height only. The face width of idphoto
 *     (cheek to cheek, dlib landmarks 0-16) is taken as 0.60-0.65 of the
 *     head height (crown with hair to chin): an adult head is about 23-25 cm
 *     tall with hair and about 14 cm wide across the jaw contour, i.e.
 *     0.56-0.61, rounded up for the usual tolerance; the Chinese passport's
 *     own bands (head width 45-67 % W over head height 58-69 % H: a ratio
 *     of 0.49-0.87) are compatible with it. The band is
 *     [0.60 * head min, 0.65 * head max]. To be calibrated on real photos.
 *   - HEAD_TWO_THIRDS: "head about 2/3 of the height" (print sizes, NTCE)
 *     becomes a tolerant band 0.58-0.75 H: 2/3 = 0.667 +- about 0.08, the
 *     lower end matching the passport's 58 % and the upper end leaving room
 *     for tall hair.
 *   - The CET/NCRE layout "top 1/10, head 7/10, shoulders 2/10, sides 1/10"
 *     becomes head_top 0.05-0.15 H (0.10 +- 0.05), head_height 0.60-0.80 H
 *     (0.70 +- 0.10) and chin_bottom 0.10-0.30 H (0.20 +- 0.10). The sides
 *     rule puts the head (ears and hair included) inside 0.8 W, which is
 *     wider than the face band derived from the head height (at 240x320:
 *     192 px against 115-166 px), so it adds no band of its own.
 */
#include "idp_internal.h"

#include <string.h>

/* ---- default thresholds (quality-checks.md; calibrate on ../shared) ---- */

/*
 * Pose and eye limits were calibrated on ../shared/photos (79 photos;
 * docs/checks.md has the table):
 * roll 4/8 deg: the eye-line angle is precise (+-1 deg); ISO/IEC 19794-5
 *   allows +-8 deg for full frontal. CHSI forbids rotating the photo
 *   (standards §1.1), so a tilt is reported, never hidden.
 * yaw 7/12 deg (jaw symmetry, face.c): plain frontal portraits read 0-8,
 *   mildly turned ones (df_img12) 10, the visibly turned directory scans
 *   (uscpd_000997, _005783, _010544) 15-17.
 * pitch 12/20 deg: the generic 3-D model reads +-12 on frontal faces
 *   (Yale's low camera +16), so only a clear nod or tilt back fails.
 * eye_open 0.22/0.19: dlib's eyelid points read open: the closed eyes of
 *   yale_s04_sleepy give 0.18, open neutral eyes 0.25-0.43, smiling eyes
 *   0.19-0.23 (quality-checks §7.A suggests 0.20/0.15).
 * mouth_gap 0.025/0.04: inner-lip gap / eye-to-chin distance, warn above
 *   0.025, fail above 0.04 (quality-checks §7.B, from OFIQ's data).
 * centre 0.05/0.08: |face x - W/2| / W, pass up to 0.05 W, warn up to
 *   0.08 W (quality-checks §7.K).
 * resolution 1.0/0.75: face pixels / pixels needed for the face-width band
 *   at the output size; warn below 1 (upscaling), fail below 0.75 (a 4/3
 *   upscale visibly softens a face).
 * colour_fail 11.5: Hasler-Suesstrunk colourfulness M below which the
 *   photo counts as black-and-white: B&W scans stored as RGB measure
 *   3.5-8.9 on ../shared/photos, the least colourful colour photo 14.3.
 * second_face_ratio 0.4: a second face counts when its width is >= 0.4 of
 *   the subject's (product.md: a real face of comparable size; OFIQ's
 *   two-face image has an area ratio of 0.33, i.e. a width ratio of 0.58).
 */
/* The appearance rules' limits: see docs/checks.md for the evidence. */
#define APPEARANCE_LIMITS                                                      \
    .eye_closed_share = 0.05, .gaze_warn = 0.2, .gaze_fail = 0.3,              \
    .tint_warn = 22, .tint_fail = 28, .glare_warn = 0.05, .glare_fail = 0.15,  \
    .red_eye_warn = 0.1, .red_eye_fail = 0.15, .hair_brows_warn = 0.35,        \
    .hair_brows_fail = 0.6, .ears_warn = 0.05, .covering_warn = 0.2,           \
    .covering_fail = 0.45, .exposure_low_warn = 35, .exposure_low_fail = 25,   \
    .exposure_high_warn = 88, .exposure_high_fail = 94, .backlight_warn = 3,   \
    .backlight_fail = 5, .lighting_warn = 2.5, .lighting_fail = 5.0,           \
    .shadow_warn = 0.3, .shadow_fail = 0.18, .sharpness_warn = 6,              \
    .sharpness_fail = 4.5, .noise_warn = 4, .noise_fail = 8,                   \
    .blockiness_warn = 1.8, .blockiness_fail = 2.1, .colour_natural_warn = 4,  \
    .colour_natural_fail = 11, .shoulders_warn_deg = 8,                        \
    .shoulders_fail_deg = 15, .bg_uniform_warn = 15, .bg_uniform_fail = 25,    \
    .bg_colour_warn = 6, .bg_colour_fail = 12, .bg_shadow_warn = 0.25,         \
    .bg_shadow_fail = 0.6, .clothing_warn = 20, .clothing_fail = 10,           \
    .jewellery_warn = 0.1, .makeup_warn = 25,

#define DEFAULT_LIMITS                                                         \
    {                                                                          \
        .roll_warn_deg = 4.0, .roll_fail_deg = 8.0, .yaw_warn_deg = 7.0,       \
        .yaw_fail_deg = 12.0, .pitch_warn_deg = 12.0, .pitch_fail_deg = 20.0,  \
        .eye_open_warn = 0.22, .eye_open_fail = 0.19, .mouth_gap_warn = 0.025, \
        .mouth_gap_fail = 0.04, .centre_warn = 0.05, .centre_fail = 0.08,      \
        .resolution_warn = 1.0, .resolution_fail = 0.75, .colour_fail = 11.5,  \
        .second_face_ratio = 0.4, APPEARANCE_LIMITS                            \
    }

/* ---- table helpers ---- */

/* (brace initialisers in macros stay on one line) */
/* clang-format off */

#define KIB(n) ((int64_t)(n) * 1024)

/* A closed band, a one-sided band, no band. */
#define BAND(lo, hi) {(lo), (hi), 1, 1}
#define BAND_MIN(lo) {(lo), 0.0, 1, 0}
#define BAND_MAX(hi) {0.0, (hi), 0, 1}
#define NO_BAND {0.0, 0.0, 0, 0}

/* Fractions of the nominal height h (see the derivations at the top). */
#define FRAC(lo, hi, h) BAND((lo) * (h), (hi) * (h))
#define FACE_LO 0.60
#define FACE_HI 0.65
#define FACE_FROM_HEAD(lo, hi, h) FRAC(FACE_LO * (lo), FACE_HI * (hi), h)
#define HEAD_LO 0.58 /* head about 2/3 of the height */
#define HEAD_HI 0.75

/* Named colours (standards §1.1 for the CHSI values, §2.2 for the rest). */
#define C_BLUE {"blue", {100, 197, 255}}
#define C_WHITE {"white", {255, 255, 255}}
#define C_GREY {"grey", {240, 240, 240}}
#define C_RED {"red", {215, 69, 50}}
#define C_DARK_BLUE {"dark-blue", {75, 97, 144}}

/* clang-format on */

/* The four print sizes (standards §1.2 print table, 300 dpi): head about
 * 2/3 of the height; no file size; any named colour, blue first. */
#define PRINT_SIZE(id_, zh, en, src, w, h)                                     \
    {                                                                          \
        .id = id_, .name_zh = zh, .name_en = en, .source = src, .width = w,    \
        .height = h, .max_width = w, .dpi = 300, .format = "jpeg",             \
        .n_backgrounds = 5,                                                    \
        .backgrounds = {C_BLUE, C_WHITE, C_GREY, C_RED, C_DARK_BLUE},          \
        .head_top = NO_BAND, .eye_line = NO_BAND,                              \
        .face_width = FACE_FROM_HEAD(HEAD_LO, HEAD_HI, h),                     \
        .head_height = FRAC(HEAD_LO, HEAD_HI, h), .chin_bottom = NO_BAND,      \
        .allow_rotation = 1, .limits = DEFAULT_LIMITS,                         \
    }

/* ---- the built-ins ---- */

static const idp_profile builtins[] = {
    /* CHSI graduation photo, 教毕指〔2017〕99号: standards §1.1. */
    {
        .id = "chsi",
        .name_zh = "学信网学历照片",
        .name_en = "CHSI graduation photo",
        .source = "教毕指〔2017〕99号",
        .width = 480, /* §1.1 pixel size 480 x 640, exact */
        .height = 640,
        .max_width = 480,
        .dpi = 300,                /* §1.1 resolution */
        .file_min_bytes = KIB(20), /* §1.1 "一般在 20 KB 至 40 KB" */
        .file_max_bytes = KIB(40), /* (typical; a JSON profile can widen) */
        .min_quality = 60,         /* §1.1 quality factor >= 60 */
        .format = "jpeg",          /* §1.1 JPEG, .jpg */
        .n_backgrounds = 3,        /* §1.1 reference values, blue first */
        .backgrounds = {C_BLUE, C_WHITE, C_GREY},
        .head_top = BAND(50, 110),    /* §1.1 hairline top 50-110 px */
        .eye_line = BAND(200, 300),   /* §1.1 eyes 200-300 px from the top */
        .face_width = BAND(180, 300), /* §1.1 cheek to cheek 180-300 px */
        .head_height = NO_BAND,       /* not stated */
        .chin_bottom = NO_BAND,       /* not stated */
        .allow_rotation = 0,          /* §1.1 no mirroring or rotation */
        .limits = DEFAULT_LIMITS,
    },
    /* Resident identity card, GA 461-2004: standards §1.2. */
    {
        .id = "id-card",
        .name_zh = "居民身份证",
        .name_en = "Resident identity card",
        .source = "GA 461-2004",
        .width = 358, /* §1.2 358 x 441 (26 x 32 mm at 350 dpi) */
        .height = 441,
        .max_width = 358,
        .dpi = 350,
        .file_min_bytes = KIB(14), /* §1.2 14-20 KB (one source) */
        .file_max_bytes = KIB(20),
        .min_quality = 0, /* §1.2 "q about 70" is an encoder setting, not a
                             floor */
        .format = "jpeg",
        .n_backgrounds = 1, /* §1.2 pure white */
        .backgrounds = {C_WHITE},
        .head_top = BAND(7, 21),         /* §1.2 hair top 7-21 px */
        .eye_line = BAND_MAX(441 - 207), /* §1.2 eyes >= 207 px above the
                                            bottom: <= 234 px from the top */
        .face_width = BAND(207 - 14, 207 + 14), /* §1.2 207 +- 14 px */
        /* "head about 2/3" is looser than the face width of 207 px (a head
           of 0.72-0.80 H by the 0.60-0.65 factor): no head-height band. */
        .head_height = NO_BAND,
        .chin_bottom = NO_BAND, /* "bottom edge at the collarbone": no px */
        .allow_rotation = 0,
        .limits = DEFAULT_LIMITS,
    },
    /* Passport / exit-entry documents: standards §1.2 (current guideline);
     * percentages of 354 x 472. */
    {
        .id = "passport-cn",
        .name_zh = "护照/出入境证件",
        .name_en = "Chinese passport / exit-entry permit",
        .source = "出入境证件相片照相指引",
        .width = 354, /* §1.2 354 x 472 ... 480 x 640, 3:4 */
        .height = 472,
        .max_width = 480,          /* any width up to 480 at 3:4 */
        .dpi = 300,                /* product.md; §1.2 names none */
        .file_min_bytes = KIB(20), /* §1.2 20-80 KB */
        .file_max_bytes = KIB(80),
        .min_quality = 0,
        .format = "jpeg",
        .n_backgrounds = 3, /* §1.2 white / light grey / light blue; the
                               guideline gives no RGB: the common values */
        .backgrounds = {C_WHITE, C_GREY, C_BLUE},
        .head_top = FRAC(0.06, 0.10, 472),    /* §1.2 crown 6-10 % of H
                                                 from the top: 28.3-47.2 px */
        .eye_line = NO_BAND,                  /* not stated */
        .face_width = FRAC(0.45, 0.67, 354),  /* §1.2 head width 45-67 % W:
                                                 159.3-237.2 px */
        .head_height = FRAC(0.58, 0.69, 472), /* §1.2 head height 58-69 %
                                                 H: 273.8-325.7 px */
        .chin_bottom = BAND_MIN(0.15 * 472),  /* §1.2 chin >= 15 % H above
                                                 the bottom: >= 70.8 px */
        .allow_rotation = 0,
        .limits = DEFAULT_LIMITS,
    },
    /* CET (英语四六级): standards §1.2. Accepted sizes 120x160 ... 240x320
     * at 3:4; the nominal size is the largest. Layout rule: see the top. */
    {
        .id = "cet",
        .name_zh = "英语四六级考试",
        .name_en = "CET (College English Test)",
        .source = "CET registration notices",
        .width = 240, /* §1.2 3:4, 120x160 ... 240x320 */
        .height = 320,
        .max_width = 240,
        .dpi = 0, /* not stated */
        .file_min_bytes = 0,
        .file_max_bytes = KIB(200), /* §1.2 <= 200 KB */
        .min_quality = 0,
        .format = "jpeg",
        .n_backgrounds = 2, /* §1.2 white or light blue */
        .backgrounds = {C_WHITE, C_BLUE},
        .head_top = FRAC(0.05, 0.15, 320), /* top 1/10: 16-48 px */
        .eye_line = NO_BAND,
        .face_width = FACE_FROM_HEAD(0.60, 0.80, 320), /* 115.2-166.4 px */
        .head_height = FRAC(0.60, 0.80, 320), /* head 7/10: 192-256 px */
        .chin_bottom = FRAC(0.10, 0.30, 320), /* shoulders 2/10: 32-96 px */
        .allow_rotation = 0,
        .limits = DEFAULT_LIMITS,
    },
    /* NCRE (计算机等级考试): standards §1.2. At least 144 x 192; product.md
     * accepts up to 240 x 320 (3:4). Same layout rule as CET. */
    {
        .id = "ncre",
        .name_zh = "全国计算机等级考试",
        .name_en = "NCRE (National Computer Rank Examination)",
        .source = "NCRE registration notices",
        .width = 144, /* §1.2 min 144 x 192 */
        .height = 192,
        .max_width = 240, /* product.md: up to 240 x 320 */
        .dpi = 0,
        .file_min_bytes = KIB(20), /* §1.2 20-200 KB */
        .file_max_bytes = KIB(200),
        .min_quality = 0,
        .format = "jpeg",
        .n_backgrounds = 2, /* §1.2 light blue (one page: white) */
        .backgrounds = {C_BLUE, C_WHITE},
        .head_top = FRAC(0.05, 0.15, 192), /* top 1/10: 9.6-28.8 px */
        .eye_line = NO_BAND,
        .face_width = FACE_FROM_HEAD(0.60, 0.80, 192), /* 69.1-99.8 px */
        .head_height = FRAC(0.60, 0.80, 192), /* head 7/10: 115.2-153.6 */
        .chin_bottom = FRAC(0.10, 0.30, 192), /* shoulders 1/5: 19.2-57.6 */
        .allow_rotation = 0,
        .limits = DEFAULT_LIMITS,
    },
    /* Teacher qualification exam (NTCE): standards §1.2. */
    {
        .id = "ntce",
        .name_zh = "教师资格考试",
        .name_en = "NTCE (teacher qualification exam)",
        .source = "NTCE registration notices",
        .width = 150, /* §1.2 150 x 200 */
        .height = 200,
        .max_width = 150,
        .dpi = 0,
        .file_min_bytes = 0,
        .file_max_bytes = KIB(200), /* §1.2 <= 200 KB jpg/jpeg */
        .min_quality = 0,
        .format = "jpeg",
        .n_backgrounds = 1, /* §1.2 white */
        .backgrounds = {C_WHITE},
        /* §1.2 "head and upper shoulders, no big-head photo": no numbers;
           the common head-about-2/3 band, and shoulders below the chin. */
        .head_top = NO_BAND,
        .eye_line = NO_BAND,
        .face_width = FACE_FROM_HEAD(HEAD_LO, HEAD_HI, 200), /* 69.6-97.5 */
        .head_height = FRAC(HEAD_LO, HEAD_HI, 200),          /* 116-150 */
        .chin_bottom = BAND_MIN(0.10 * 200), /* >= 20 px of shoulders */
        .allow_rotation = 0,
        .limits = DEFAULT_LIMITS,
    },
    /* Print sizes at 300 dpi: standards §1.2 (print table). */
    PRINT_SIZE("1inch", "一寸", "1 inch (25 x 35 mm)", "25 x 35 mm at 300 dpi",
               295, 413),
    PRINT_SIZE("2inch", "二寸", "2 inch (35 x 49 mm)", "35 x 49 mm at 300 dpi",
               413, 579),
    PRINT_SIZE("small-1inch", "小一寸", "Small 1 inch (22 x 32 mm)",
               "22 x 32 mm at 300 dpi", 260, 378),
    PRINT_SIZE("large-1inch", "大一寸", "Large 1 inch (33 x 48 mm)",
               "33 x 48 mm at 300 dpi", 390, 567),
    /* US visa (DS-160) digital photo: standards §1.3; percentages of 600. */
    {
        .id = "us-visa",
        .name_zh = "美国签证",
        .name_en = "US visa (DS-160)",
        .source = "travel.state.gov photo requirements",
        .width = 600, /* §1.3 square, 600 x 600 ... 1200 x 1200 */
        .height = 600,
        .max_width = 1200,
        .dpi = 300, /* product.md; §1.3 asks >= 300 ppi for scans */
        /* §1.3 compression <= 20:1: 600 * 600 * 3 / 20 bytes at the
           nominal size. */
        .file_min_bytes = 600 * 600 * 3 / 20,
        .file_max_bytes = 240000, /* §1.3 <= 240 kB, read as SI kB */
        .min_quality = 0,
        .format = "jpeg",   /* §1.3 JPEG/JFIF */
        .n_backgrounds = 1, /* §1.3 white / off-white */
        .backgrounds = {C_WHITE},
        .head_top = NO_BAND,
        /* §1.3 eyes 56-69 % of H from the bottom: 31-44 % from the top,
           186-264 px. */
        .eye_line = FRAC(1.0 - 0.69, 1.0 - 0.56, 600),
        .face_width = FACE_FROM_HEAD(0.50, 0.69, 600), /* 180-269.1 px */
        .head_height = FRAC(0.50, 0.69, 600), /* §1.3 50-69 %: 300-414 px */
        .chin_bottom = NO_BAND,
        .allow_rotation = 0,
        .limits = DEFAULT_LIMITS,
    },
};

#define N_BUILTINS (sizeof builtins / sizeof builtins[0])

/* ---- lookup ---- */

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* ASCII case-insensitive equality (locale-independent). */
static int same_text(const char *a, const char *b)
{
    while (*a && lower((unsigned char)*a) == lower((unsigned char)*b)) {
        a++;
        b++;
    }
    return lower((unsigned char)*a) == lower((unsigned char)*b);
}

const idp_profile *idp_profile_find(const char *id)
{
    size_t i;
    if (!id)
        return NULL;
    for (i = 0; i < N_BUILTINS; i++) {
        if (same_text(builtins[i].id, id))
            return &builtins[i];
    }
    return NULL;
}

size_t idp_profile_count(void)
{
    return N_BUILTINS;
}

const idp_profile *idp_profile_at(size_t i)
{
    return i < N_BUILTINS ? &builtins[i] : NULL;
}

const idp_profile *idp_profile_default(void)
{
    return &builtins[0];
}

void idp_thresholds_default(idp_thresholds *out)
{
    static const idp_thresholds defaults = DEFAULT_LIMITS;
    if (out)
        *out = defaults;
}

/* ---- colours ---- */

static const idp_named_colour common_colours[] = {
    C_BLUE,  /* CHSI light blue (100,197,255), standards §1.1 */
    C_WHITE, /* (255,255,255), standards §1.1 */
    C_GREY,  /* CHSI light grey (240,240,240), standards §1.1 */
    {"gray", {240, 240, 240}},
    C_RED,       /* HivisionIDPhotos 红色 #D74532, standards §2.2 */
    C_DARK_BLUE, /* HivisionIDPhotos 深蓝色 #4B6190, standards §2.2 */
};

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)lower((unsigned char)c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* "#RRGGBB", exactly six hex digits, either case. */
static int parse_hex(const char *text, idp_rgb *out)
{
    uint8_t v[3];
    int i;
    if (text[0] != '#' || strlen(text) != 7)
        return 0;
    for (i = 0; i < 3; i++) {
        int hi = hex_digit(text[1 + 2 * i]);
        int lo = hex_digit(text[2 + 2 * i]);
        if (hi < 0 || lo < 0)
            return 0;
        v[i] = (uint8_t)(hi * 16 + lo);
    }
    out->r = v[0];
    out->g = v[1];
    out->b = v[2];
    return 1;
}

/* On failure *out is left unchanged. */
idp_status idp_colour_parse(const char *text, idp_rgb *out)
{
    size_t i;
    if (!text || !out)
        return IDP_E_INVALID_ARG;
    if (text[0] == '#')
        return parse_hex(text, out) ? IDP_OK : IDP_E_INVALID_ARG;
    for (i = 0; i < sizeof common_colours / sizeof common_colours[0]; i++) {
        if (same_text(common_colours[i].name, text)) {
            *out = common_colours[i].rgb;
            return IDP_OK;
        }
    }
    return IDP_E_INVALID_ARG;
}
