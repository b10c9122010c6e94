/*
 * cli_fs.h - writing the tools' outputs safely: never half-written (a
 * temporary file in the same directory, flushed, then renamed into place)
 * and never over an existing file unless asked.
 */
#ifndef IDP_CLI_FS_H
#define IDP_CLI_FS_H

#include <stddef.h>
#include <stdint.h>

/* -1 with the message cli_write_atomic() would give when `path` exists
 * and `force` is 0 (checked before the work, so a photo is not made only
 * to be refused at the end); else 0. */
int cli_refuse_existing(const char *path, int force, char *err, size_t err_len);

/* Write `len` bytes to `path` atomically. Without `force` an existing
 * `path` is left alone and the call fails. Returns 0, or -1 with a message
 * (naming the path) in `err`. */
int cli_write_atomic(const char *path, const uint8_t *data, size_t len,
                     int force, char *err, size_t err_len);

/* `dir`/`name` with the extension replaced by `ext` (".jpg"), into out.
 * Returns -1 when it does not fit. */
int cli_output_path(const char *dir, const char *input, const char *ext,
                    char *out, size_t out_len);

/* `path` with `suffix` before the extension of its file name
 * ("a/photo.jpg", "-sheet" -> "a/photo-sheet.jpg"); a name without an
 * extension gets `suffix` and then `ext` ("a/photo" -> "a/photo-sheet.jpg").
 * Returns -1 when it does not fit. */
int cli_suffixed_path(const char *path, const char *suffix, const char *ext,
                      char *out, size_t out_len);

/* Create the folders above `path` that are missing (mode 0755).
 * Returns 0, or -1 with a message in err. */
int cli_mkdirs_for(const char *path, char *err, size_t err_len);

#endif /* IDP_CLI_FS_H */
