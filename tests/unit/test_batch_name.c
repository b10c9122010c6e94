/* test_batch_name.c - output names from --name templates. */
#include "batch_name.h"
#include "check.h"

#include <string.h>

/* Fields of one student. */
static const char *lookup(void *user, const char *name, size_t len)
{
    static const char *const fields[][2] = {
        {"学号", "2021001"},
        {"college", "计算机学院"},
        {"id_number", "11010120000101001X"},
        {"unsafe", " ../a/b\\c:d*e?f\"g<h>i|j\x01 "},
        {"dot", ".hidden"},
        {"empty", "  "},
        {"stem", "IMG_0042"},
    };
    (void)user;
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        if (strlen(fields[i][0]) == len && memcmp(fields[i][0], name, len) == 0)
            return fields[i][1];
    return NULL;
}

static void expect(const char *tpl, const char *want)
{
    char out[512], err[256] = "";
    int rc =
        cli_name_expand(tpl, lookup, NULL, out, sizeof out, err, sizeof err);
    CHECK_EQ_INT(rc, 0);
    if (rc == 0)
        CHECK_STR(out, want);
    else
        fprintf(stderr, "  %s: %s\n", tpl, err);
}

static void refuse(const char *tpl, const char *words)
{
    char out[512], err[256] = "";
    int rc =
        cli_name_expand(tpl, lookup, NULL, out, sizeof out, err, sizeof err);
    CHECK_EQ_INT(rc, -1);
    CHECK(strstr(err, words) != NULL);
    if (!strstr(err, words))
        fprintf(stderr, "  %s: message '%s'\n", tpl, err);
}

static void test_expand(void)
{
    expect("{id_number}.jpg", "11010120000101001X.jpg");
    expect("{college}/{学号}.jpg", "计算机学院/2021001.jpg");
    expect("{stem}.jpg", "IMG_0042.jpg");
    expect("photo-{{{学号}}}.jpg", "photo-{2021001}.jpg");
    /* a value is one file name: separators, reserved and control
     * characters become _, spaces around it go, a leading dot too */
    expect("{unsafe}.jpg", "_._a_b_c_d_e_f_g_h_i_j_.jpg");
    expect("{dot}.jpg", "_hidden.jpg");
}

static void test_refuse(void)
{
    refuse("{class}.jpg", "{class}: no such column");
    refuse("{empty}.jpg", "{empty} is empty");
    refuse("{学号.jpg", "'{' without '}'");
    refuse("a}.jpg", "'}' without '{'");
    refuse("/srv/{学号}.jpg", "absolute");
    refuse("../{学号}.jpg", "'..'");
    refuse("a//{学号}.jpg", "empty");
    refuse("{学号}/", "empty");
    refuse("a\\{学号}.jpg", "'\\'");
}

static void test_check(void)
{
    char err[256] = "";
    CHECK_EQ_INT(
        cli_name_check("{college}/{学号}.jpg", lookup, NULL, err, sizeof err),
        0);
    /* values do not matter when checking: {empty} is a column */
    CHECK_EQ_INT(cli_name_check("{empty}.jpg", lookup, NULL, err, sizeof err),
                 0);
    CHECK_EQ_INT(cli_name_check("{学院}.jpg", lookup, NULL, err, sizeof err),
                 -1);
    CHECK(strstr(err, "{学院}: no such column") != NULL);
}

static void test_too_long(void)
{
    char out[16], err[256] = "", seg[300];
    memset(seg, 'a', 260);
    seg[260] = '\0';
    CHECK_EQ_INT(cli_name_expand("{id_number}.jpg", lookup, NULL, out,
                                 sizeof out, err, sizeof err),
                 -1);
    CHECK(strstr(err, "too long") != NULL);
    {
        char big[600];
        CHECK_EQ_INT(cli_name_expand(seg, lookup, NULL, big, sizeof big, err,
                                     sizeof err),
                     -1);
        CHECK(strstr(err, "255 bytes") != NULL);
    }
}

int main(void)
{
    test_expand();
    test_refuse();
    test_check();
    test_too_long();
    return CHECK_DONE();
}
