/*
 * idphoto.h - the public interface of libidphoto.
 *
 * libidphoto checks and makes ID photos (CHSI 学信网 and other standards).
 *
 * Lifecycle (five steps):
 *   1. idp_ctx_new()            one context per thread; holds settings, the
 *                               face models (loaded lazily) and the last error
 *   2. idp_profile_find() or    pick a built-in profile, or load one from a
 *      idp_profile_load_json()  JSON file into a caller-owned struct
 *   3. idp_image_load()         decode a file into 8-bit sRGB pixels
 *   4. idp_check()              detect faces, measure, run every rule;
 *                               the verdict is in the idp_report
 *   5. idp_report_to_json() / accessors, then idp_report_free(),
 *      idp_image_free(), idp_ctx_free()
 *
 * Pixel layout: every idp_image holds 8-bit sRGB, 3 interleaved channels in
 * R, G, B order, top-left origin, rows `stride` bytes apart (stride >= 3 *
 * width). EXIF orientation is applied on load; alpha is flattened on white;
 * grey, CMYK, 16-bit, palette and ICC-tagged inputs are converted.
 *
 * Ownership:
 *   1. *_new / *_load hand the caller an object released with the matching
 *      *_free; every *_free accepts NULL.
 *   2. A non-const pointer returned is the caller's. Strings and buffers are
 *      released with idp_free().
 *   3. A const pointer returned (a built-in profile, idp_ctx_error(), a face
 *      or check result inside a report) is borrowed: valid until its parent
 *      is freed, or for idp_ctx_error() until the next call on that context.
 *   4. Inputs are borrowed for the duration of the call.
 *
 * Errors: every fallible function returns idp_status (IDP_OK = 0); on
 * failure *out is NULL and idp_ctx_error() says why (lowercase, names its
 * subject, no newline). A non-compliant photo is not an error: it is a
 * verdict inside an idp_report.
 *
 * Threads: an idp_ctx and everything made with it may be used by one thread
 * at a time. Different contexts may be used in parallel. Inside one call a
 * context may use threads of its own (idp_ctx_set_threads), all joined
 * before the call returns. The library never prints, never exits and keeps
 * no mutable global state (libvips is initialised once, thread-safely, and
 * when libvips started without its modules, its HEIF module is loaded
 * once, on the first file it has no loader for).
 */
#ifndef IDPHOTO_H
#define IDPHOTO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IDP_VERSION_MAJOR  0
#define IDP_VERSION_MINOR  1
#define IDP_VERSION_PATCH  0
#define IDP_VERSION_STRING "0.1.0"

#if defined(__GNUC__)
#define IDP_API       __attribute__((visibility("default")))
#define IDP_NODISCARD __attribute__((warn_unused_result))
#else
#define IDP_API
#define IDP_NODISCARD
#endif

/* ---- status codes: values are pinned and never renumbered ---- */

typedef enum idp_status {
    IDP_OK = 0,
    IDP_E_INVALID_ARG = 1, /* API misuse: NULL where not allowed, bad value */
    IDP_E_NOMEM = 2,       /* out of memory */
    IDP_E_IO = 3,          /* cannot read or write a file */
    IDP_E_DECODE = 4,      /* not an image, corrupt, or unsupported format */
    IDP_E_TOO_LARGE = 5,   /* more pixels than the context allows */
    IDP_E_MODEL = 6,       /* face model missing, unreadable or corrupt */
    IDP_E_PROFILE = 7,     /* profile unknown, or profile file invalid */
    IDP_E_NO_FACE = 8,     /* an operation that needs a face found none */
    IDP_E_INTERNAL = 9     /* a bug: broken invariant, caught exception */
} idp_status;

/* A static, lowercase name for a status ("decode", "model", ...). */
IDP_API const char *idp_status_name(idp_status s);

/* Release a string or buffer the library handed out. NULL is a no-op. */
IDP_API void idp_free(void *p);

/* "0.1.0"; and a one-line list of dependency versions for --version. */
IDP_API const char *idp_version(void);
IDP_API const char *idp_dependency_versions(void);

/* ---- plain value types ---- */

typedef struct idp_point {
    double x, y;
} idp_point;

typedef struct idp_rect {
    double x, y, w, h;
} idp_rect;

typedef struct idp_rgb {
    uint8_t r, g, b;
} idp_rgb;

/* A closed interval; a side is unbounded when its has_ flag is 0. */
typedef struct idp_band {
    double min, max;
    int has_min, has_max;
} idp_band;

/* ---- context ---- */

typedef struct idp_ctx idp_ctx;

IDP_API IDP_NODISCARD idp_status idp_ctx_new(idp_ctx **out);
IDP_API void idp_ctx_free(idp_ctx *ctx);

/* The last error message on this context; "" when none. Borrowed. */
IDP_API const char *idp_ctx_error(const idp_ctx *ctx);

/*
 * Face model: dlib's 68-point shape predictor, either as idphoto's compact
 * file (shape_predictor_68_face_landmarks.idp, made from dlib's at set-up
 * and memory-mapped: loads in milliseconds) or as dlib's own
 * shape_predictor_68_face_landmarks.dat (~0.8 s to read); the two give the
 * same landmarks, and a file is recognised by its content, not its name.
 * When no path is set, the first existing file of this search order is
 * used:
 *   1. the path given here (the tools' --model option);
 *   2. the environment variable IDP_MODEL;
 *   3. <install prefix>/share/idphoto/models/<compact name>;
 *   4. <install prefix>/share/idphoto/models/<dlib name>;
 *   5. <build tree>/models/<compact name> (the library's own build, so
 *      tools run from it need no install);
 *   6. /usr/share/dlib/<dlib name> (Debian's libdlib-data).
 * The model is loaded on first use, never by idp_ctx_new(): the first
 * detection, or beside the first photo's decode with threads >= 2
 * (idp_ctx_set_threads); a model that fails to load there is loaded again,
 * and its error reported, by the first detection.
 */
IDP_API IDP_NODISCARD idp_status idp_ctx_set_model(idp_ctx *ctx,
                                                   const char *path);
/* The model path that will be (or was) used; fails with IDP_E_MODEL, and a
 * message listing the places searched, when none exists. Borrowed. */
IDP_API IDP_NODISCARD idp_status idp_ctx_model_path(idp_ctx *ctx,
                                                    const char **path);

/* Refuse images with more pixels than this (decompression bombs).
 * Default IDP_DEFAULT_MAX_PIXELS. */
#define IDP_DEFAULT_MAX_PIXELS 100000000ULL
IDP_API IDP_NODISCARD idp_status idp_ctx_set_max_pixels(idp_ctx *ctx,
                                                        uint64_t max_pixels);

/* Decode only what analysis needs. With long_px > 0, idp_image_load() and
 * idp_image_load_buffer() divide a photo's size by the largest of 2, 4 or
 * 8 that keeps its long side at least long_px (a JPEG is decoded reduced
 * by its own DCT scaling; other formats are decoded, then box-averaged):
 * a 12 MP phone photo is analysed at 756x1008. idp_image_width() is then
 * the reduced size and idp_image_shrink() the factor; the info, every
 * position in an idp_report and the matte are in the file's pixels, and
 * idp_make() decodes the photo again as finely as its output needs.
 * 0 (the default): decode at full size. The tools use IDP_ANALYSIS_PX. */
#define IDP_ANALYSIS_PX 1000
IDP_API IDP_NODISCARD idp_status idp_ctx_set_analysis_size(idp_ctx *ctx,
                                                           int long_px);

/* How many threads one call on this context may use (1, the default, or
 * more; 0: one per online core). With threads >= 2 a step splits in two:
 * face detection (the image pyramid), the segmentation, the matte, the
 * compositing and the rules; idp_make() also renders while the capture's
 * rules run (those then on one thread), so up to three threads are busy
 * for a moment. The first idp_image_load*() of a context with threads >= 2
 * also loads the face model on a second thread while the photo decodes
 * (idp_ctx_set_model() must come before it). The results are the same
 * bytes as with 1. A program that runs one context per core (photo-batch
 * -j N) leaves it at 1. */
IDP_API IDP_NODISCARD idp_status idp_ctx_set_threads(idp_ctx *ctx, int threads);

/* ---- profiles (photo standards) ---- */

#define IDP_MAX_BACKGROUNDS 8
#define IDP_ID_LEN          32
#define IDP_NAME_LEN        96

typedef struct idp_named_colour {
    char name[IDP_ID_LEN]; /* "blue", "white", "grey", ... */
    idp_rgb rgb;
} idp_named_colour;

/* Thresholds of the rules; a registry may be stricter than another. */
typedef struct idp_thresholds {
    double roll_warn_deg, roll_fail_deg;     /* |roll| of the eye line */
    double yaw_warn_deg, yaw_fail_deg;       /* |yaw| */
    double pitch_warn_deg, pitch_fail_deg;   /* |pitch| */
    double eye_open_warn, eye_open_fail;     /* min eye aspect ratio (EAR) */
    double mouth_gap_warn, mouth_gap_fail;   /* inner-lip gap / eye-chin */
    double centre_warn, centre_fail;         /* |face x - W/2| / W */
    double resolution_warn, resolution_fail; /* face px / needed face px */
    double colour_fail;                      /* colourfulness below: grey */
    double second_face_ratio; /* a 2nd face counts at >= this width ratio */
    /* appearance rules (docs/checks.md): warn, then fail */
    double eye_closed_share;     /* an eye's open share (pixels) at or below */
    double gaze_warn, gaze_fail; /* |iris offset| / eye width */
    double tint_warn, tint_fail; /* lens darker than skin, L* */
    double glare_warn, glare_fail;               /* specular share of lenses */
    double red_eye_warn, red_eye_fail;           /* red share of the pupil */
    double hair_brows_warn, hair_brows_fail;     /* dark share above brows */
    double ears_warn;                            /* skin share beside ears */
    double covering_warn, covering_fail;         /* not skin/hair over brows */
    double exposure_low_warn, exposure_low_fail; /* face L* median */
    double exposure_high_warn, exposure_high_fail; /* face L* median */
    double backlight_warn, backlight_fail;   /* wall Y / face Y, dark face */
    double lighting_warn, lighting_fail;     /* brighter / darker half, Y */
    double shadow_warn, shadow_fail;         /* darkest / brightest face zone */
    double sharpness_warn, sharpness_fail;   /* Laplacian at IED 64 px */
    double noise_warn, noise_fail;           /* sigma, grey levels */
    double blockiness_warn, blockiness_fail; /* 8x8 edge step ratio */
    double colour_natural_warn, colour_natural_fail; /* outside skin box */
    double shoulders_warn_deg, shoulders_fail_deg;   /* shoulder line */
    double bg_uniform_warn, bg_uniform_fail; /* P90 dE76 from the median */
    double bg_colour_warn, bg_colour_fail;   /* dE00 from the profile's */
    double bg_shadow_warn, bg_shadow_fail;   /* share of the ring shaded */
    double clothing_warn, clothing_fail;     /* dE00 clothes to background */
    double jewellery_warn;                   /* bright/saturated share */
    double makeup_warn;                      /* lip chroma above skin */
} idp_thresholds;

/*
 * A photo standard. Plain data: copy it freely. Geometry bands are in
 * pixels of the nominal size (width x height); photos of another size are
 * judged with the bands scaled by their height / `height`.
 */
typedef struct idp_profile {
    char id[IDP_ID_LEN];
    char name_zh[IDP_NAME_LEN];
    char name_en[IDP_NAME_LEN];
    char source[IDP_NAME_LEN]; /* the standard it follows */
    int width, height;         /* nominal output size, pixels */
    int max_width;             /* > width: any width up to this at the same
                                  aspect ratio is accepted; else exact */
    int dpi;                   /* 0: the standard names none */
    int64_t file_min_bytes;    /* 0: no lower bound */
    int64_t file_max_bytes;    /* 0: no upper bound */
    int min_quality;           /* JPEG quality floor; 0: none */
    char format[8];            /* "jpeg" or "png" */
    int n_backgrounds;
    idp_named_colour backgrounds[IDP_MAX_BACKGROUNDS]; /* [0] = default */
    idp_band head_top;    /* crown (hair included) to the top edge */
    idp_band eye_line;    /* eye line to the top edge */
    idp_band face_width;  /* cheek to cheek (landmarks 0-16) */
    idp_band head_height; /* crown to chin */
    idp_band chin_bottom; /* chin to the bottom edge */
    int allow_rotation;   /* 0: tilt is reported, never rotated away */
    idp_thresholds limits;
} idp_profile;

/* Built-in profiles: "chsi" (the default), "id-card", "passport-cn", "cet",
 * "ncre", "ntce", "1inch", "2inch", "small-1inch", "large-1inch",
 * "us-visa". Borrowed, never freed; NULL when unknown. */
IDP_API const idp_profile *idp_profile_find(const char *id);
IDP_API size_t idp_profile_count(void);
IDP_API const idp_profile *idp_profile_at(size_t i);
IDP_API const idp_profile *idp_profile_default(void);

/* Default thresholds, for a profile that does not set its own. */
IDP_API void idp_thresholds_default(idp_thresholds *out);

/*
 * Load a profile from a JSON file into *out (caller-owned). The file may
 * name a built-in as "base" and override fields. Fails with IDP_E_IO or
 * IDP_E_PROFILE and a message naming the file and the field.
 */
IDP_API IDP_NODISCARD idp_status idp_profile_load_json(idp_ctx *ctx,
                                                       const char *path,
                                                       idp_profile *out);

/* Look up a background colour: a name of the profile or of the common set
 * ("blue", "white", "grey"/"gray", "red", "dark-blue") or "#RRGGBB". */
IDP_API IDP_NODISCARD idp_status idp_colour_parse(const char *text,
                                                  idp_rgb *out);

/* ---- images ---- */

typedef struct idp_image idp_image;

/* What the file was, before conversion to 8-bit sRGB. */
typedef struct idp_image_info {
    char format[16];         /* by content: "jpeg", "png", "webp", "heif",
                                "tiff", "gif" */
    int width, height;       /* after EXIF orientation */
    int64_t file_bytes;      /* size of the file or buffer */
    double dpi_x, dpi_y;     /* from the header; 0 when absent */
    int has_density;         /* the header states a resolution */
    int orientation;         /* EXIF orientation 1..8 (1 = none) */
    int bands;               /* channels as stored (1..5) */
    int bits;                /* bits per sample as stored (8, 16, ...) */
    int has_alpha;           /* stored with an alpha channel */
    int has_icc;             /* carries an ICC profile */
    int has_exif;            /* carries EXIF metadata */
    char interpretation[16]; /* as stored: "srgb", "b-w", "cmyk", ... */
    int shrink; /* file pixels per decoded pixel: 1, or 2, 4, 8 for a
                   photo decoded reduced (idp_ctx_set_analysis_size) */
} idp_image_info;

IDP_API IDP_NODISCARD idp_status idp_image_load(idp_ctx *ctx, const char *path,
                                                idp_image **out);
IDP_API IDP_NODISCARD idp_status idp_image_load_buffer(idp_ctx *ctx,
                                                       const void *data,
                                                       size_t len,
                                                       const char *name,
                                                       idp_image **out);
IDP_API void idp_image_free(idp_image *img);

IDP_API int idp_image_width(const idp_image *img);
IDP_API int idp_image_height(const idp_image *img);
/* Borrowed pixels in the layout above; *stride receives the row pitch. */
IDP_API const uint8_t *idp_image_pixels(const idp_image *img, size_t *stride);
IDP_API const idp_image_info *idp_image_get_info(const idp_image *img);
/* File pixels per image pixel: 1, or 2, 4, 8 for a photo decoded reduced
 * (idp_ctx_set_analysis_size). */
IDP_API int idp_image_shrink(const idp_image *img);
/* The path or name the image was loaded from. Borrowed. */
IDP_API const char *idp_image_name(const idp_image *img);

/*
 * A small JPEG of img for a report to show: scaled (never enlarged) so
 * its longer side is at most max_side px, at the given quality (1..100),
 * no metadata. *data is released with idp_free().
 */
IDP_API IDP_NODISCARD idp_status
idp_image_thumbnail_jpeg(idp_ctx *ctx, const idp_image *img, int max_side,
                         int quality, uint8_t **data, size_t *len);

/*
 * How many threads libvips may use inside one decode or resample (its
 * "concurrency"; 0: its default, one per core). Process-wide, not per
 * context: a program running one context per core (photo-batch -j N)
 * sets 1 before starting its threads, so N decodes do not each start a
 * thread per core. With 1, the library computes its small images (grey
 * copies, crops) on the calling thread, in the tiles libvips would use
 * (the same bytes), instead of waiting for a libvips thread. Returns
 * IDP_OK or IDP_E_INTERNAL (libvips could not start).
 */
IDP_API IDP_NODISCARD idp_status idp_io_set_threads(int threads);

/* ---- analysis ---- */

#define IDP_LANDMARKS 68

typedef struct idp_face {
    idp_rect box;   /* detector box, input pixels */
    double score;   /* detector confidence (higher is surer) */
    int counted;    /* 1: a real face of comparable size to the subject */
    int is_subject; /* 1: the person the photo is of */
    idp_point landmarks[IDP_LANDMARKS]; /* iBUG 300-W order */
} idp_face;

/* How the crown (head top, hair included) was found. */
#define IDP_CROWN_LANDMARKS 0 /* estimated from the landmarks (no hair) */
#define IDP_CROWN_WALL      1 /* first rows differing from a plain wall */
#define IDP_CROWN_MATTE     2 /* top of the person's matte */

/* What the library measured on the subject; NaN where not measurable. */
typedef struct idp_measurements {
    int has_face;
    idp_point eye_left, eye_right; /* image-left / image-right eye centre */
    double eye_line_y;             /* mean y of the eye centres */
    double eye_distance;           /* between eye centres */
    double face_width;             /* |p0 - p16| */
    double face_centre_x;          /* x of the eye midpoint */
    double chin_y;                 /* y of p8 */
    double head_top_y;             /* crown, hair included */
    int head_top_method;           /* IDP_CROWN_*: how head_top_y was found */
    double head_height;            /* chin_y - head_top_y */
    double roll_deg;  /* eye-line angle; > 0: image-right eye lower */
    double yaw_deg;   /* > 0: face turned towards image right */
    double pitch_deg; /* > 0: chin up */
    double eye_open_left, eye_open_right; /* eye aspect ratio (EAR) */
    double mouth_gap;     /* max inner-lip gap / eye-to-chin distance */
    double colourfulness; /* Hasler-Suesstrunk M over the image */
    double hue_spread;    /* chroma spread across hues; ~0 for one tint */
    double scale;         /* image height / profile nominal height */
} idp_measurements;

typedef enum idp_check_status {
    IDP_PASS = 0,
    IDP_WARN = 1,
    IDP_FAIL = 2,
    IDP_SKIP = 3
} idp_check_status;

typedef enum idp_verdict {
    IDP_VERDICT_PASS = 0,
    IDP_VERDICT_WARN = 1,
    IDP_VERDICT_FAIL = 2,
    IDP_VERDICT_ERROR = 3
} idp_verdict;

typedef enum idp_mode {
    IDP_MODE_FINAL = 0,  /* is this file a photo a registry can accept? */
    IDP_MODE_CAPTURE = 1 /* can photo-make turn this capture into one? */
} idp_mode;

#define IDP_MESSAGE_LEN 256

typedef struct idp_check_result {
    const char *id; /* stable snake_case id, static */
    idp_check_status status;
    double value;   /* measured value; NaN when none */
    char unit[12];  /* "px", "deg", "bytes", "ratio", "" */
    char limit[64]; /* human-readable limit, e.g. "50-110 px" */
    char message_zh[IDP_MESSAGE_LEN];
    char message_en[IDP_MESSAGE_LEN];
} idp_check_result;

typedef struct idp_check_options {
    const idp_profile *profile; /* NULL: the default profile */
    idp_mode mode;
} idp_check_options;

typedef struct idp_report idp_report;

/*
 * Detect faces, measure the subject and run every rule of the profile on
 * `img`. Returns IDP_OK whatever the verdict; fails only when it cannot
 * judge (IDP_E_MODEL, IDP_E_NOMEM, IDP_E_INTERNAL).
 */
IDP_API IDP_NODISCARD idp_status idp_check(idp_ctx *ctx, const idp_image *img,
                                           const idp_check_options *opt,
                                           idp_report **out);

/* A report for a file that could not be judged (verdict "error"). */
IDP_API IDP_NODISCARD idp_status
idp_report_new_error(const char *file, const idp_check_options *opt,
                     idp_status code, const char *message, idp_report **out);

IDP_API void idp_report_free(idp_report *r);

IDP_API idp_verdict idp_report_verdict(const idp_report *r);
IDP_API const char *idp_verdict_name(idp_verdict v);
IDP_API const char *idp_check_status_name(idp_check_status s);
IDP_API size_t idp_report_face_count(const idp_report *r);
IDP_API const idp_face *idp_report_face_at(const idp_report *r, size_t i);
IDP_API const idp_measurements *idp_report_measurements(const idp_report *r);
IDP_API size_t idp_report_check_count(const idp_report *r);
IDP_API const idp_check_result *idp_report_check_at(const idp_report *r,
                                                    size_t i);
/* NULL when the report has no result for that id. */
IDP_API const idp_check_result *idp_report_find_check(const idp_report *r,
                                                      const char *id);

/* The ids of every rule, in report order (static). */
IDP_API size_t idp_check_id_count(void);
IDP_API const char *idp_check_id_at(size_t i);

/* Milliseconds spent per stage on one photo, measured by the library
 * (monotonic clock): decoding the file, face detection (HOG), landmark
 * fitting, segmentation (the person matte), framing (the crop resampled to
 * the profile's size), recolouring (matte rendering and compositing),
 * encoding, the measurements and rules, and loading the face model (only
 * in the first check of a context). NAN for a stage that did not run. */
typedef struct idp_timings {
    double decode, detect, landmarks, segment, frame, recolour, encode, checks,
        model_load;
} idp_timings;

/* The report's timings (idp_check() fills decode .. checks, model_load). */
IDP_API IDP_NODISCARD idp_status idp_report_timings(const idp_report *r,
                                                    idp_timings *out);
/* Replace them (photo-make adds the making and the final check's). */
IDP_API IDP_NODISCARD idp_status idp_report_set_timings(idp_report *r,
                                                        const idp_timings *t);

/* Record the output file a report is about (photo-make): its path, size
 * in bytes, pixel size and JPEG quality (0 for PNG). Shown as "output". */
IDP_API IDP_NODISCARD idp_status idp_report_set_output(idp_report *r,
                                                       const char *path,
                                                       int64_t bytes, int width,
                                                       int height, int quality);

/* ---- making (photo-make) ---- */

typedef struct idp_make_options {
    const idp_profile *profile; /* NULL: the default profile */
    idp_rgb background;         /* the new background colour */
    int has_background;         /* 0: the profile's backgrounds[0] */
} idp_make_options;

typedef struct idp_made idp_made;

/*
 * Make a standard photo from a capture. The capture rules judge it
 * (*report, mode "capture"; with two threads the render runs beside them
 * and is dropped on refusal); when one fails that making cannot fix (eyes
 * closed, a second person, a turned head, no room, ...) nothing is made:
 * the call returns IDP_OK with *out NULL and the reasons in *report.
 * Otherwise *out holds the photo at the profile's size, on the new
 * background, and *report is still the capture report (check the encoded
 * file as a final photo with idp_check to judge the output). Either way
 * idp_report_annotate() can draw *report on img.
 */
IDP_API IDP_NODISCARD idp_status idp_make(idp_ctx *ctx, const idp_image *img,
                                          const idp_make_options *opt,
                                          idp_made **out, idp_report **report);
IDP_API void idp_made_free(idp_made *m);

/* The made photo (profile size, 8-bit sRGB RGB). Borrowed. */
IDP_API const idp_image *idp_made_photo(const idp_made *m);

/* Encodings of the made photo. *data is released with idp_free().
 * JPEG: the profile's DPI in the JFIF header, no other metadata, the
 * quality searched so the size lands in the profile's range (never below
 * its minimum quality, never by padding); *in_band says whether it did. */
IDP_API IDP_NODISCARD idp_status idp_made_jpeg(idp_ctx *ctx, const idp_made *m,
                                               uint8_t **data, size_t *len,
                                               int *quality, int *in_band);
/* The person on a transparent background (RGBA PNG, profile size). */
IDP_API IDP_NODISCARD idp_status idp_made_cutout_png(idp_ctx *ctx,
                                                     const idp_made *m,
                                                     uint8_t **data,
                                                     size_t *len);
/* The making's timings: frame and recolour, encode once idp_made_jpeg()
 * ran; the other stages NAN (they are in the capture report's). */
IDP_API IDP_NODISCARD idp_status idp_made_timings(const idp_made *m,
                                                  idp_timings *out);

/* The alpha matte aligned with the input image `img` (the image the photo
 * was made from; grey PNG, input size). */
IDP_API IDP_NODISCARD idp_status idp_made_matte_png(idp_ctx *ctx,
                                                    const idp_made *m,
                                                    const idp_image *img,
                                                    uint8_t **data,
                                                    size_t *len);

/*
 * A print sheet: copies of the made photo on photo paper, each at the
 * profile's physical size (its pixel size at its DPI, taken as 300 when
 * the profile states none, converted to the sheet's 300 dpi: CHSI 480x640
 * at 300 dpi stays 480x640, id-card 358x441 at 350 dpi prints 307x378).
 * `paper` is "6inch" (1795x1205 px, 6x4 in, 152x102 mm), "5inch"
 * (1500x1051 px, 5x3.5 in, 127x89 mm) or "a4" (3508x2480 px, 297x210 mm),
 * all landscape at 300 dpi. The arrangement holding the most copies is
 * used (as the photo, or every copy turned 90 degrees clockwise; at least
 * 30 px between copies and 50 px margins; centred), on white, with thin
 * grey cut marks at each copy's corners, outside the photo. A JPEG
 * (quality 95, 300 dpi in the JFIF header) goes to *data (idp_free());
 * *copies says how many copies it holds. Fails with IDP_E_INVALID_ARG for
 * an unknown paper (the message lists the papers) or a photo that does
 * not fit on it.
 */
IDP_API IDP_NODISCARD idp_status idp_made_sheet(idp_ctx *ctx, const idp_made *m,
                                                const char *paper,
                                                uint8_t **data, size_t *len,
                                                int *copies);
/* 1, and the paper's size in pixels at 300 dpi (either pointer may be
 * NULL), when idp_made_sheet() knows `paper`; else 0. */
IDP_API int idp_sheet_paper_size(const char *paper, int *width, int *height);

/*
 * What report r measured, drawn on a copy of the image it is about (`img`,
 * the image given to idp_check() or idp_make()), as an RGB PNG of the
 * image's size, for a person to see why a photo failed. Drawn for profile
 * p (NULL: the built-in profile the report names, else the default):
 *   - every face box: the subject green, another counted face red, a
 *     face too small to count grey;
 *   - the subject's 68 landmarks: yellow dots; the eye line through the
 *     eye centres: cyan; the head top (crown, hair included): a magenta
 *     line, and the chin an orange line, across the face; the face width
 *     (landmark 0 to 16): blue;
 *   - a final photo: the profile's head-top and eye-line bands, scaled by
 *     the image height / the profile's height, as translucent magenta and
 *     cyan strips across the image;
 *   - a capture (with a subject): the planned crop as a white rectangle
 *     edged in black, with the same bands inside it;
 *   - the outline of the subject's matte (alpha >= 128), when the report
 *     holds one (a report of idp_check or idp_make with a face): violet;
 *   - the zones the lighting rules read (cheeks, nose bridge): amber
 *     boxes; those the glasses and hair rules read (lenses, the band above
 *     the brows): green boxes; on a final photo, a light-green dot every
 *     8 px on the wall the background rules read.
 * Lines are 1 px wide per 450 px of the image's shorter side (at least 1).
 * *png is released with idp_free(). Fails with IDP_E_INVALID_ARG when img
 * is not the size of the image the report is about (or the report holds
 * none: a file that could not be judged).
 */
IDP_API IDP_NODISCARD idp_status
idp_report_annotate(idp_ctx *ctx, const idp_report *r, const idp_image *img,
                    const idp_profile *p, uint8_t **png, size_t *len);

/* JSON (schema "idphoto.report/1"), one line, no trailing newline.
 * Free with idp_free(). */
IDP_API IDP_NODISCARD idp_status idp_report_to_json(const idp_report *r,
                                                    char **json);
/* The same with options: IDP_JSON_TIMINGS adds the "timings" object (ms
 * per stage, docs/report.md) as the last key. */
#define IDP_JSON_TIMINGS 0x1u
IDP_API IDP_NODISCARD idp_status idp_report_to_json_with(const idp_report *r,
                                                         unsigned flags,
                                                         char **json);

#ifdef __cplusplus
}
#endif

#endif /* IDPHOTO_H */
