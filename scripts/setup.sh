#!/usr/bin/env bash
# setup.sh - install what idphoto needs from Debian's packages, check the
# face model, generate the samples and build (the build also converts the
# model into the compact one the tools load in milliseconds, which is then
# verified whole). Idempotent: a second run only rebuilds what changed. Run
# as root, or as a user who can sudo.
#
#   scripts/setup.sh            # packages + samples + build in ./build
#   IDP_WERROR=ON scripts/setup.sh   # warnings as errors (CI)
#   IDP_BUILD_DIR=b scripts/setup.sh # another build directory
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${IDP_BUILD_DIR:-$root/build}

# chromium (headless) and GNU parallel are for tests/e2e/test_batch.py:
# report.html in a real browser, and photo-batch's shards run in parallel.
packages=(
    build-essential cmake pkg-config python3 scdoc clang-format
    libvips-dev libvips-tools
    libdlib-dev libdlib-data
    libcjson-dev libpng-dev libjpeg62-turbo-dev
    chromium parallel
)
model=/usr/share/dlib/shape_predictor_68_face_landmarks.dat
model_sha256=fbdc2cb80eb9aa7a758672cbfdda32ba6300efe9b6e6c7a299ff7e736b11b92f

say() { printf 'setup: %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        say "need root to run: $*"
        exit 1
    fi
}

install_packages() {
    local missing=() p
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
            grep -q 'install ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        say "packages: all present"
        return
    fi
    say "installing: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

check_model() {
    local sum
    [ -r "$model" ] || { say "$model missing (package libdlib-data)"; exit 1; }
    sum=$(sha256sum "$model" | cut -d' ' -f1)
    if [ "$sum" != "$model_sha256" ]; then
        say "warning: $model has sha256 $sum, expected $model_sha256"
        say "warning: see models/README.md; landmarks may differ"
    fi
}

build() {
    cmake -S "$root" -B "$build" -DIDP_WERROR="${IDP_WERROR:-OFF}" \
        ${IDP_SANITIZE:+-DIDP_SANITIZE="$IDP_SANITIZE"} >/dev/null
    cmake --build "$build" -j"$(nproc)"
    say "built in $build"
    # every byte of the compact model, leaf values included (models/README.md)
    "$build/models/idp-model-convert" --verify \
        "$build/models/shape_predictor_68_face_landmarks.idp"
}

install_packages
check_model
"$root/scripts/make-samples.sh"
build
