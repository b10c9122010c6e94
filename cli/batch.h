/*
 * batch.h - photo-batch's parts: the plan (inputs, roster, names), the
 * work on one photo, the worker pool, the resume records, the progress
 * bar and the reports. One struct, cli_batch, holds a run.
 */
#ifndef IDP_CLI_BATCH_H
#define IDP_CLI_BATCH_H

#include "cli.h"
#include "batch_buf.h"
#include "roster.h"

#include <stddef.h>
#include <stdint.h>

typedef struct cli_batch_opts {
    cli_common co;
    const char *input_dir, *output_dir, *from_list;
    const char *roster, *match, *name_tpl;
    const char *id_col, *name_col, *unit_col;
    const char *background, *sheet;
    unsigned long long jobs, shard_k, shard_n;
    int check_only, force, resume, fail_fast, merge, cutout;
} cli_batch_opts;

/* A failed or warned rule, as the reports show it. */
typedef struct cli_reason {
    char id[32];
    int status; /* IDP_WARN or IDP_FAIL */
    char *zh, *en;
} cli_reason;

/* A file written for a photo: its path under OUTPUT_DIR and hash. */
typedef struct cli_written {
    char *rel;
    uint64_t hash;
} cli_written;

#define CLI_MAX_WRITTEN 3 /* the photo, its print sheet, its cutout */

enum { CLI_NOT_RUN = 0, CLI_DONE = 1, CLI_RESTORED = 2 };

typedef struct cli_result {
    int state;     /* CLI_NOT_RUN, CLI_DONE, CLI_RESTORED */
    int exit_code; /* CLI_* for this photo */
    int verdict;   /* idp_verdict */
    char *json;    /* its report.jsonl line */
    char *error;   /* why it could not be judged (verdict error) */
    cli_reason *reasons;
    size_t n_reasons;
    uint64_t input_hash;
    uint64_t thumb_hash; /* of its report.html thumbnail; 0: none */
    cli_written written[CLI_MAX_WRITTEN];
    size_t n_written;
} cli_result;

typedef struct cli_item cli_item;
struct cli_item {
    char *path;             /* the input, as found or listed */
    char *rel;              /* relative to INPUT_DIR, or as listed */
    long row;               /* its roster row, -1 when none */
    char *output;           /* relative output path; NULL with --check-only */
    char *problem;          /* not processed, and why (no roster entry, ...) */
    int in_shard;           /* this run's --shard K/N takes it */
    uint64_t key;           /* hash of `path`: its record, its shard */
    const cli_item *dup_of; /* another photo for the same target */
    cli_result res;
};

/* A roster row by its --match value. */
typedef struct cli_key {
    const char *key;
    long row;
} cli_key;

typedef struct cli_batch {
    const cli_batch_opts *o;
    cli_lang lang;
    idp_profile profile;
    idp_make_options mo;
    cli_roster *roster;
    long col_match, col_id, col_name, col_unit; /* -1: none */
    cli_key *keys; /* the rows with a --match value, sorted by it */
    size_t n_keys;
    cli_item **by_row; /* each row's first photo (NULL: none) */
    cli_item *items;
    size_t n_items;
    char state_dir[4096]; /* OUTPUT_DIR/.photo-batch */
    uint64_t settings;    /* hash of what makes an output */
    int stop;             /* --fail-fast or setup failure: start no more */
    int worst;            /* the worst exit code outside the photos */
} cli_batch;

/* ---- batch_inputs.c ---- */

/* Every photo under INPUT_DIR (recursively, following symlinks, each
 * folder once, skipping hidden names and OUTPUT_DIR) or in --from-list,
 * sorted by path, duplicates dropped. An exit code, having said why. */
int cli_batch_collect(cli_batch *b);
/* 1 when a file name has an image extension (.jpg, .png, ...). */
int cli_batch_is_image_name(const char *name);
void cli_batch_items_free(cli_batch *b);

/* ---- batch_plan.c ---- */

/* Read the roster, pick its columns, check the --name template; an exit
 * code. */
int cli_batch_load_roster(cli_batch *b);
/* Check --name against the roster's columns; an exit code. */
int cli_batch_check_template(const cli_batch *b);
/* Match each photo to its roster row, name its output, mark duplicates
 * and photos without a row as problems, and take this shard's photos. */
int cli_batch_plan(cli_batch *b);

/* ---- batch_work.c ---- */

/* Judge (and make) one photo with `ctx`; fills item->res and writes its
 * files and record. */
void cli_batch_work(const cli_batch *b, idp_ctx *ctx, cli_item *item);
/* The files a made photo may have, and the path under OUTPUT_DIR of one
 * of them (the item has an output). */
enum { CLI_FILE_PHOTO, CLI_FILE_SHEET, CLI_FILE_CUTOUT, CLI_N_FILES };
void cli_item_file(const cli_item *it, int file, char *out, size_t n);
/* An error result (exit code 3) for a photo that is not processed. */
void cli_batch_problem(const cli_batch *b, cli_item *item, const char *why);
void cli_result_clear(cli_result *r);

/* ---- batch_pool.c ---- */

/* Run every planned photo on `jobs` workers, one context each; results
 * land in their items, whatever the order of completion. An exit code
 * for setup failures (model missing). */
int cli_batch_run(cli_batch *b, unsigned jobs);

/* ---- batch_hash.c ---- */

/* FNV-1a of short keys (paths, settings), chained through h. */
uint64_t cli_hash_bytes(const void *data, size_t n, uint64_t h);
#define CLI_HASH_SEED 14695981039346656037ULL
/* The content hash of photos and written files, fed in pieces of any
 * size (the value does not depend on how the bytes are cut). */
typedef struct cli_hasher {
    uint64_t v[4], total;
    unsigned char tail[32];
    size_t n_tail;
} cli_hasher;
void cli_hasher_init(cli_hasher *s);
void cli_hasher_add(cli_hasher *s, const void *data, size_t n);
uint64_t cli_hasher_end(const cli_hasher *s);
/* The content hash of n bytes, or of a file's bytes (-1 when unreadable:
 * a file equal to a buffer has the buffer's hash). */
uint64_t cli_hash_data(const void *data, size_t n);
int cli_hash_file(const char *path, uint64_t *out);

/* ---- batch_resume.c ---- */

/* The settings hash of this run (profile, colour, mode, sheet, cutout,
 * --max-pixels, the face model's contents, version). */
int cli_batch_settings(cli_batch *b);
/* The record and thumbnail paths of an item. */
void cli_record_path(const cli_batch *b, const cli_item *it, const char *ext,
                     char *out, size_t n);
/* Write the record of a processed photo (atomically); 0 or -1. */
int cli_record_write(const cli_batch *b, const cli_item *it);
/* Restore a photo's result from its record when the input, the settings
 * and every written file still match: 1 restored, 0 not. */
int cli_record_restore(const cli_batch *b, cli_item *it);
/* --resume: remove the temporary files (NAME.tmp.XXXXXX) a killed run
 * left for this shard's photos: their records and thumbnails in the
 * state folder, their photos, sheets and cutouts beside the outputs. */
void cli_batch_sweep(const cli_batch *b);
/* The record's text and back (exposed for the unit test). */
char *cli_record_format(const cli_item *it, uint64_t settings);
int cli_record_parse(const char *text, cli_item *it, uint64_t settings);

/* ---- batch_progress.c ---- */

typedef struct cli_progress cli_progress;
/* NULL (silent) unless stderr is a terminal and verbosity > 0. */
cli_progress *cli_progress_new(size_t total, int verbosity);
void cli_progress_step(cli_progress *p, size_t done, size_t failed);
void cli_progress_end(cli_progress *p);

/* ---- batch_report*.c ---- */

typedef struct cli_counts {
    size_t total, pass, warn, fail, error, missing, unknown;
} cli_counts;

/* The five reports into OUTPUT_DIR; an exit code. */
int cli_batch_reports(const cli_batch *b, cli_counts *c);
/* Status words of a photo ("pass", "合格", ...) and of a student. */
const char *cli_batch_status(const cli_batch *b, const cli_item *it, int zh);
/* The item of roster row `row`, or NULL (no photo). */
const cli_item *cli_batch_item_of_row(const cli_batch *b, size_t row);
/* Reasons as one text ("；" in Chinese). */
void cli_batch_reasons(const cli_item *it, int zh, char *out, size_t n);
const char *cli_batch_col(const cli_batch *b, long row, long col);
int cli_report_summary(const cli_batch *b, const char *path);
int cli_report_retake(const cli_batch *b, const char *path);
int cli_report_missing(const cli_batch *b, const char *path);
int cli_report_html(const cli_batch *b, const cli_counts *c, const char *path);
/* Write a finished buffer to OUTPUT_DIR/name (replacing); exit code. */
int cli_report_save(const cli_batch *b, const char *name, const void *data,
                    size_t len, int oom);

#endif /* IDP_CLI_BATCH_H */
