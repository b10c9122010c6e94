/*
 * model_convert.c - idp-model-convert: make the compact face model from
 * dlib's shape_predictor_68_face_landmarks.dat, or verify one.
 *
 *   idp-model-convert IN.dat OUT.idp   convert (OUT written atomically)
 *   idp-model-convert --verify FILE.idp  full check, leaves included
 *
 * Run by the build (models/CMakeLists.txt) and installed with the
 * library's data; the format is in lib/shape_model.h. Exit 0 on success,
 * 2 on a usage error, 5 when a model is missing or invalid.
 */
#include "face_dlib.h"
#include "shape_model.h"

#include <stdio.h>
#include <string.h>

static int verify(const char *path)
{
    char err[512];
    idp__shape_model *m = NULL;
    idp_status st = idp__shape_model_open(path, &m, err, sizeof err);
    if (st == IDP_OK)
        st = idp__shape_model_verify_leaves(m, err, sizeof err);
    if (st != IDP_OK) {
        fprintf(stderr, "idp-model-convert: %s: %s\n", path, err);
        idp__shape_model_close(m);
        return 5;
    }
    printf("%s: ok (%u landmarks, %u levels of %u trees of depth %u, "
           "%zu bytes)\n",
           path, m->h.parts, m->h.cascades, m->h.trees, m->h.depth, m->size);
    idp__shape_model_close(m);
    return 0;
}

static int convert(const char *in, const char *out)
{
    char err[512];
    if (idp__bridge_convert(in, out, err, sizeof err) != IDP_OK) {
        fprintf(stderr, "idp-model-convert: %s\n", err);
        return 5;
    }
    return verify(out);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--verify") == 0)
        return verify(argv[2]);
    if (argc == 3 && argv[1][0] != '-')
        return convert(argv[1], argv[2]);
    fprintf(stderr, "usage: idp-model-convert IN.dat OUT.idp\n"
                    "       idp-model-convert --verify FILE.idp\n");
    return 2;
}
