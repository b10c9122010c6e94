/*
 * batch_name.h - output names from a template such as "{学号}.jpg" or
 * "{college}/{student_id}.jpg": each {field} is replaced by a value made
 * safe as one file name; the template's own '/' make folders.
 */
#ifndef IDP_CLI_BATCH_NAME_H
#define IDP_CLI_BATCH_NAME_H

#include <stddef.h>

/* The value of field name[0..len), or NULL when there is no such field. */
typedef const char *(*cli_name_lookup)(void *user, const char *name,
                                       size_t len);

/*
 * Expand `tpl` into out. "{{" and "}}" are literal braces. A value has
 * '/', '\\', control characters and :*?"<>| replaced by '_', surrounding
 * spaces removed and a leading '.' replaced by '_'. Fails (-1, a message
 * in err) on an unknown field, an empty value, an unclosed brace, an
 * absolute path, an empty or "."/".." folder in the result, a name
 * segment over 255 bytes, or a result that does not fit.
 */
int cli_name_expand(const char *tpl, cli_name_lookup fn, void *user, char *out,
                    size_t out_len, char *err, size_t err_len);

/* Check a template against the fields `fn` knows (values are not
 * needed): 0, or -1 with a message such as "{学院}: no such column". */
int cli_name_check(const char *tpl, cli_name_lookup fn, void *user, char *err,
                   size_t err_len);

#endif /* IDP_CLI_BATCH_NAME_H */
