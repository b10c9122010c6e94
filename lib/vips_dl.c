/*
 * vips_dl.c - libvips opened with dlopen() and its functions looked up
 * (vips_dl.h says why). The soname is the one the build found
 * (IDP_VIPS_SONAME, from CMake), opened from the libdir pkg-config gave
 * (IDP_VIPS_LIBDIR) when it is there, so the library the headers describe
 * is the one opened. Never closed: libvips keeps threads and types alive.
 */
#define IDP_VIPS_DL_TABLE /* the real names here: they are the fields */
#include "vips_dl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

idp__vips_api idp__vips;

/* One entry from dlsym (copied: C has no cast from void * to a function
 * pointer; POSIX guarantees the representation). */
static int entry(void *lib, const char *name, void *slot, size_t size,
                 char *why, size_t why_len)
{
    void *sym = dlsym(lib, name);
    if (!sym || size != sizeof sym) {
        snprintf(why, why_len, "%s has no %s", IDP_VIPS_SONAME, name);
        return -1;
    }
    memcpy(slot, &sym, size);
    return 0;
}

int idp__vips_open(char *why, size_t why_len)
{
    /* the copy in the libdir the build found first (a libvips outside the
     * loader's paths), then by soname alone (a moved or relinked one) */
    void *lib =
        dlopen(IDP_VIPS_LIBDIR "/" IDP_VIPS_SONAME, RTLD_LAZY | RTLD_GLOBAL);
    if (!lib)
        lib = dlopen(IDP_VIPS_SONAME, RTLD_LAZY | RTLD_GLOBAL);
    if (!lib) {
        const char *e = dlerror();
        snprintf(why, why_len, "%s", e ? e : IDP_VIPS_SONAME);
        return -1;
    }
#define IDP__VIPS_FILL(name)                                                   \
    if (entry(lib, #name, &idp__vips.name, sizeof idp__vips.name, why,         \
              why_len))                                                        \
        return -1;
    IDP__VIPS_FUNCTIONS(IDP__VIPS_FILL)
#undef IDP__VIPS_FILL
    return 0;
}
