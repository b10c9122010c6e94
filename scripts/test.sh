#!/usr/bin/env bash
# test.sh - set up (scripts/setup.sh), then run the whole test suite with
# CTest. The README's second command; CI runs it as is.
#
#   scripts/test.sh              the suite in ./build
#   scripts/test.sh --sanitize   also an ASan+UBSan build of the suite in
#                                ./build-sanitize (unit and e2e tests)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

"$root/scripts/setup.sh"
cd "${IDP_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j"$jobs"

if [ "${1:-}" = "--sanitize" ]; then
    export IDP_BUILD_DIR=$root/build-sanitize
    IDP_SANITIZE=address,undefined "$root/scripts/setup.sh"
    cd "$IDP_BUILD_DIR"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --output-on-failure -j"$jobs" -L 'unit|e2e|fuzz-replay'
fi
