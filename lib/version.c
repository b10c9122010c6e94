/* version.c - the library's version and those of its dependencies. */
#include "idp_internal.h"

#include <cjson/cJSON.h>
#include <vips/vips.h>

#ifndef IDP_DLIB_VERSION
#define IDP_DLIB_VERSION "unknown"
#endif

const char *idp_version(void)
{
    return IDP_VERSION_STRING;
}

const char *idp_dependency_versions(void)
{
    static const char deps[] =
        "libvips " VIPS_VERSION ", dlib " IDP_DLIB_VERSION
        ", cJSON " IDP__STR(CJSON_VERSION_MAJOR) "." IDP__STR(
            CJSON_VERSION_MINOR) "." IDP__STR(CJSON_VERSION_PATCH);
    return deps;
}
