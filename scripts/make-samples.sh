#!/usr/bin/env bash
# make-samples.sh - generate the sample photos of samples/ (see samples/README.md).
#
# Usage: scripts/make-samples.sh [--force] [OUTPUT_DIR]
#
# Every sample is derived from one public-domain image: NASA's portrait of
# astronaut Eileen Collins, as shipped in Debian 12's python3-skimage package
# (skimage/data/astronaut.png). The .deb is fetched with `apt-get download`
# into a temporary directory and unpacked with `dpkg-deb -x`; the package is
# never installed. Set IDP_ASTRONAUT_PNG=/path/to/astronaut.png to use a local
# copy instead (offline builds).
#
# Image work uses only the `vips` command-line tool (Debian: libvips-tools)
# and coreutils. The output is deterministic: the same libvips version gives
# the same bytes on every run.
#
# A sample is rebuilt when it is missing or older than this script; --force
# rebuilds everything. One line is printed per file written.
set -euo pipefail

readonly ASTRONAUT_SHA256=88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5
readonly DEB_PACKAGE=python3-skimage
readonly DEB_MEMBER=usr/lib/python3/dist-packages/skimage/data/astronaut.png

# The subject's face in astronaut.png (512x512), measured by eye:
# eye centres about (203,101) and (247,103), cheeks x 180-270 (face width
# about 90 px, centre x 225), crown (top of the hair) y 15, chin y 177.
# The CHSI crop (480x640): scale 200/90 so the face is about 200 px wide,
# face centre (x 225) to x 240, eye line (y 102) to y 250. The crown needs
# ~10 rows above the source's top edge, so the source is first padded with
# CHSI_PAD mirrored rows of plain backdrop. Output = scale * input + offset:
#   CHSI_ODX = 240 - 225 * 20/9 = -260
#   CHSI_ODY = 250 - (102 + CHSI_PAD) * 20/9 = -12.2222
readonly CHSI_SCALE=2.222222 CHSI_PAD=16 CHSI_ODX=-260 CHSI_ODY=-12.2222
# Largest size accepted for the CHSI crop (CHSI: 20-40 KB; 40 KB read as
# 40000 bytes, less a margin), and the smallest.
readonly CHSI_MAX_BYTES=39000 CHSI_MIN_BYTES=21000

# Every file this script writes, in order.
readonly OUTPUTS=(
    astronaut.png
    astronaut.jpg
    astronaut-480x640.jpg
    astronaut-small.jpg
    astronaut-q10.jpg
    astronaut-rot90.jpg
    astronaut-exif6.jpg
    astronaut-grey.jpg
    astronaut-grey-rgb.jpg
    astronaut-halfdark.jpg
    astronaut-tilted.jpg
    astronaut-jpg-named.png
    astronaut-16bit.png
    astronaut-alpha.png
    astronaut.webp
    not-an-image.jpg
    truncated.jpg
)

prog=make-samples

die() {
    printf '%s: error: %s\n' "$prog" "$*" >&2
    exit 1
}

warn() {
    printf '%s: warning: %s\n' "$prog" "$*" >&2
}

usage() {
    cat <<EOF
Usage: scripts/make-samples.sh [--force] [OUTPUT_DIR]

Generate the idphoto sample photos (default OUTPUT_DIR: samples/ at the
repository root). Files newer than this script are kept unless --force.

Environment:
  IDP_ASTRONAUT_PNG  use this astronaut.png instead of downloading the
                     $DEB_PACKAGE .deb
EOF
}

force=0
out=""
while (($# > 0)); do
    case $1 in
    --force) force=1 ;;
    -h | --help)
        usage
        exit 0
        ;;
    --)
        shift
        break
        ;;
    -*)
        usage >&2
        exit 2
        ;;
    *)
        [[ -z $out ]] || {
            usage >&2
            exit 2
        }
        out=$1
        ;;
    esac
    shift
done
if (($# > 0)); then
    [[ -z $out && $# -eq 1 ]] || {
        usage >&2
        exit 2
    }
    out=$1
fi

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
script="$script_dir/$(basename "${BASH_SOURCE[0]}")"
repo_root=$(cd "$script_dir/.." && pwd)
out=${out:-$repo_root/samples}

for tool in vips vipsheader; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "'$tool' not found: install the libvips command-line tools (Debian: apt-get install libvips-tools)"
done

# need FILE: true when FILE must be (re)made.
need() {
    ((force)) || [[ ! -f $out/$1 || ! $out/$1 -nt $script ]]
}

stale=0
for f in "${OUTPUTS[@]}"; do
    if need "$f"; then stale=1; fi
done
if ((!stale)); then
    echo "$prog: all ${#OUTPUTS[@]} samples in $out are up to date (--force to rebuild)"
    exit 0
fi

mkdir -p "$out" || die "cannot create $out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/make-samples.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# publish TMPFILE NAME [NOTE]: move a finished file into place and say so.
publish() {
    mv -f "$1" "$out/$2"
    printf '%-26s %8s bytes%s\n' "$2" "$(stat -c %s "$out/$2")" "${3:+  ($3)}"
}

# header FILE FIELD: one header field as vipsheader prints it.
header() {
    vipsheader -f "$2" "$1"
}

# expect FILE FIELD PATTERN: stop unless the header field matches the glob.
expect() {
    local got
    got=$(header "$1" "$2") || die "cannot read $2 of $1"
    # shellcheck disable=SC2053 # $3 is a glob on purpose
    [[ $got == $3 ]] || die "$(basename "$1"): $2 is '$got', expected '$3' (libvips $(vips --version))"
}

# expect_summary FILE TEXT: stop unless vipsheader's one-line summary of FILE
# ("name: 512x512 uchar, 3 bands, srgb, pngload") contains TEXT.
expect_summary() {
    local got
    got=$(vipsheader "$1") || die "cannot read $1"
    [[ $got == *"$2"* ]] || die "$(basename "$1"): '$got' lacks '$2' (libvips $(vips --version))"
}

# Marker segments the vips CLI cannot write (its jpegsave writes no JFIF
# header, and with --strip no EXIF either):
# JFIF APP0, version 1.01, density 300x300 dots per inch.
readonly JFIF_300DPI='\xff\xe0\x00\x10JFIF\x00\x01\x01\x01\x01\x2c\x01\x2c\x00\x00'
# EXIF APP1: a big-endian TIFF whose IFD0 holds one entry, Orientation
# (0x0112, SHORT, 1 value) = 6, "rotate 90 degrees clockwise to view".
readonly EXIF_ORIENTATION_6='\xff\xe1\x00\x22Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00'

# save_jpeg IN OUT SEGMENTS [jpegsave options...]: save IN as a JPEG with no
# metadata but the marker segments SEGMENTS (printf escapes), inserted right
# after the SOI. Every derived JPEG gets at least JFIF_300DPI, so that it
# differs from a compliant photo only in what it is meant to show.
save_jpeg() {
    local in=$1 dest=$2 segments=$3
    shift 3
    vips jpegsave "$in" "$dest.bare.jpg" --strip "$@"
    [[ $(head -c 2 "$dest.bare.jpg" | od -An -tx1 | tr -d ' \n') == ffd8 ]] ||
        die "$dest.bare.jpg: vips wrote no JPEG SOI"
    {
        head -c 2 "$dest.bare.jpg"
        # shellcheck disable=SC2059 # the segments are printf escapes
        printf "$segments"
        tail -c +3 "$dest.bare.jpg"
    } >"$dest"
    rm -f "$dest.bare.jpg"
    expect "$dest" resolution-unit in
    expect "$dest" xres '11.811*'
}

# ---- the base image ----------------------------------------------------

fetch_astronaut() {
    local dest=$1 debdir="$tmp/deb" debs
    if [[ -n ${IDP_ASTRONAUT_PNG:-} ]]; then
        [[ -f $IDP_ASTRONAUT_PNG ]] || die "IDP_ASTRONAUT_PNG=$IDP_ASTRONAUT_PNG: no such file"
        cp "$IDP_ASTRONAUT_PNG" "$dest"
        return
    fi
    for tool in apt-get dpkg-deb; do
        command -v "$tool" >/dev/null 2>&1 ||
            die "'$tool' not found: cannot fetch the $DEB_PACKAGE .deb (set IDP_ASTRONAUT_PNG to a local astronaut.png)"
    done
    mkdir -p "$debdir"
    if ! (cd "$debdir" && apt-get download "$DEB_PACKAGE") >"$tmp/apt.log" 2>&1; then
        echo "$prog: apt-get download $DEB_PACKAGE failed; running apt-get update" >&2
        apt-get update >>"$tmp/apt.log" 2>&1 || {
            cat "$tmp/apt.log" >&2
            die "apt-get update failed (root needed?); cannot fetch the $DEB_PACKAGE .deb"
        }
        (cd "$debdir" && apt-get download "$DEB_PACKAGE") >>"$tmp/apt.log" 2>&1 || {
            cat "$tmp/apt.log" >&2
            die "cannot download the $DEB_PACKAGE .deb (set IDP_ASTRONAUT_PNG to a local astronaut.png)"
        }
    fi
    debs=("$debdir"/"$DEB_PACKAGE"_*.deb)
    [[ -f ${debs[0]} ]] || die "apt-get download left no $DEB_PACKAGE .deb"
    dpkg-deb -x "${debs[0]}" "$tmp/root" || die "cannot unpack ${debs[0]}"
    [[ -f $tmp/root/$DEB_MEMBER ]] || die "$(basename "${debs[0]}") has no $DEB_MEMBER"
    cp "$tmp/root/$DEB_MEMBER" "$dest"
    rm -rf "$debdir" "$tmp/root"
}

check_astronaut() {
    local f=$1 size sum
    size=$(vipsheader -f width "$f")x$(vipsheader -f height "$f") ||
        die "$f: not an image libvips can read"
    [[ $size == 512x512 ]] || die "$f: $size, expected 512x512: not the skimage astronaut"
    expect "$f" bands 3
    sum=$(sha256sum "$f" | cut -d' ' -f1)
    [[ $sum == "$ASTRONAUT_SHA256" ]] ||
        warn "astronaut.png sha256 is $sum, not $ASTRONAUT_SHA256 ($DEB_PACKAGE 0.19.3-8); samples will differ from the documented ones"
}

src="$out/astronaut.png"
if need astronaut.png || [[ ! -f $src ]]; then
    fetch_astronaut "$tmp/astronaut.png"
    check_astronaut "$tmp/astronaut.png"
    publish "$tmp/astronaut.png" astronaut.png "original, NASA public domain"
else
    check_astronaut "$src"
fi

# ---- JPEG re-encodings --------------------------------------------------

# Plain JPEG, quality 90. Keeps what vips carries over from the PNG: the
# sRGB ICC profile and an EXIF block stating 300 dpi.
if need astronaut.jpg; then
    vips jpegsave "$src" "$tmp/a.jpg" --Q 90
    publish "$tmp/a.jpg" astronaut.jpg "Q90, ICC + EXIF kept"
fi

# A CHSI-sized (480x640) crop around the face (see CHSI_* above): face
# about 200 px wide and centred, eye line at y 250, 300 dpi, 20-40 KB.
if need astronaut-480x640.jpg; then
    vips embed "$src" "$tmp/pad.v" 0 "$CHSI_PAD" 512 $((512 + CHSI_PAD)) --extend mirror
    vips affine "$tmp/pad.v" "$tmp/chsi.v" "$CHSI_SCALE 0 0 $CHSI_SCALE" \
        --interpolate bicubic --odx "$CHSI_ODX" --ody "$CHSI_ODY" --oarea "0 0 480 640"
    chosen=""
    for q in 95 94 93 92 91 90 89 88 87 86 85 84 83 82 81 80 79 78 77 76 75 \
        74 73 72 71 70 68 66 64 62 60; do
        save_jpeg "$tmp/chsi.v" "$tmp/chsi.jpg" "$JFIF_300DPI" --Q "$q" --optimize-coding
        if (($(stat -c %s "$tmp/chsi.jpg") <= CHSI_MAX_BYTES)); then
            chosen=$q
            break
        fi
    done
    [[ -n $chosen ]] || die "astronaut-480x640.jpg: no quality >= 60 fits in $CHSI_MAX_BYTES bytes"
    (($(stat -c %s "$tmp/chsi.jpg") >= CHSI_MIN_BYTES)) ||
        warn "astronaut-480x640.jpg is below $CHSI_MIN_BYTES bytes"
    expect "$tmp/chsi.jpg" width 480
    expect "$tmp/chsi.jpg" height 640
    publish "$tmp/chsi.jpg" astronaut-480x640.jpg "Q$chosen, 300 dpi JFIF, no other metadata"
fi

# Too few pixels: 128x128, the face about 22 px wide.
if need astronaut-small.jpg; then
    vips resize "$src" "$tmp/small.v" 0.25
    expect "$tmp/small.v" width 128
    save_jpeg "$tmp/small.v" "$tmp/small.jpg" "$JFIF_300DPI" --Q 90
    publish "$tmp/small.jpg" astronaut-small.jpg "128x128"
fi

# Heavy compression: astronaut.jpg decoded and re-encoded at quality 10.
if need astronaut-q10.jpg; then
    save_jpeg "$out/astronaut.jpg" "$tmp/q10.jpg" "$JFIF_300DPI" --Q 10
    publish "$tmp/q10.jpg" astronaut-q10.jpg "Q10"
fi

# Sideways pixels, no orientation tag: rotated 90 degrees clockwise.
if need astronaut-rot90.jpg; then
    vips rot "$src" "$tmp/rot90.v" d90
    save_jpeg "$tmp/rot90.v" "$tmp/rot90.jpg" "$JFIF_300DPI" --Q 90
    publish "$tmp/rot90.jpg" astronaut-rot90.jpg "pixels rotated 90 cw"
fi

# Upright only after EXIF orientation: the pixels are stored rotated 90
# degrees anticlockwise and tagged Orientation=6 ("rotate 90 cw to view"),
# so `vips autorot` (or any viewer) shows the original. The EXIF block is a
# big-endian TIFF with one IFD0 entry: 0x0112 SHORT 1 = 6.
if need astronaut-exif6.jpg; then
    vips rot "$src" "$tmp/rot270.v" d270
    save_jpeg "$tmp/rot270.v" "$tmp/exif6.jpg" "$JFIF_300DPI$EXIF_ORIENTATION_6" --Q 90
    expect "$tmp/exif6.jpg" orientation 6
    # Check the convention: turned upright it must match the original.
    vips autorot "$tmp/exif6.jpg" "$tmp/exif6-up.v"
    vips subtract "$tmp/exif6-up.v" "$src" "$tmp/exif6-diff.v"
    vips abs "$tmp/exif6-diff.v" "$tmp/exif6-absdiff.v"
    diff=$(vips avg "$tmp/exif6-absdiff.v")
    ((${diff%%.*} < 5)) ||
        die "astronaut-exif6.jpg: after autorot it differs from astronaut.png by $diff on average"
    publish "$tmp/exif6.jpg" astronaut-exif6.jpg "stored rotated 90 ccw, EXIF Orientation=6"
fi

# No colour: a one-channel greyscale JPEG, and the same grey in three.
if need astronaut-grey.jpg || need astronaut-grey-rgb.jpg; then
    vips colourspace "$src" "$tmp/grey.v" b-w
    expect "$tmp/grey.v" bands 1
    if need astronaut-grey.jpg; then
        save_jpeg "$tmp/grey.v" "$tmp/grey.jpg" "$JFIF_300DPI" --Q 90
        expect "$tmp/grey.jpg" bands 1
        publish "$tmp/grey.jpg" astronaut-grey.jpg "1 channel"
    fi
    if need astronaut-grey-rgb.jpg; then
        vips colourspace "$tmp/grey.v" "$tmp/grey3.v" srgb
        save_jpeg "$tmp/grey3.v" "$tmp/grey3.jpg" "$JFIF_300DPI" --Q 90
        expect "$tmp/grey3.jpg" bands 3
        publish "$tmp/grey3.jpg" astronaut-grey-rgb.jpg "grey in 3 channels"
    fi
fi

# Side lighting (阴阳脸): the image-right half of the face, columns
# 224-279 (right of the face centre x 223) and rows 60-184 (brow to chin),
# multiplied by 0.35.
if need astronaut-halfdark.jpg; then
    vips extract_area "$src" "$tmp/half.v" 224 60 56 125
    vips linear "$tmp/half.v" "$tmp/half-dark.v" 0.35 0 --uchar
    vips insert "$src" "$tmp/half-dark.v" "$tmp/halfdark.v" 224 60
    save_jpeg "$tmp/halfdark.v" "$tmp/halfdark.jpg" "$JFIF_300DPI" --Q 90
    publish "$tmp/halfdark.jpg" astronaut-halfdark.jpg "right half of the face x0.35"
fi

# Head tilt: the whole picture turned 12 degrees clockwise on screen (vips
# angle +12; the image-right eye ends up lower), cropped back to the
# central 512x512. Corners uncovered by the turn are white.
if need astronaut-tilted.jpg; then
    vips rotate "$src" "$tmp/turned.v" 12 --background "255 255 255"
    w=$(header "$tmp/turned.v" width)
    h=$(header "$tmp/turned.v" height)
    vips extract_area "$tmp/turned.v" "$tmp/tilted.v" $(((w - 512) / 2)) $(((h - 512) / 2)) 512 512
    save_jpeg "$tmp/tilted.v" "$tmp/tilted.jpg" "$JFIF_300DPI" --Q 90
    publish "$tmp/tilted.jpg" astronaut-tilted.jpg "turned 12 deg cw"
fi

# A lying extension: astronaut.jpg's bytes named .png.
if need astronaut-jpg-named.png; then
    cp "$out/astronaut.jpg" "$tmp/named.png"
    publish "$tmp/named.png" astronaut-jpg-named.png "JPEG bytes"
fi

# ---- other formats ------------------------------------------------------

# 16 bits per sample: each 8-bit value v becomes v * 257 (0..65535).
if need astronaut-16bit.png; then
    vips linear "$src" "$tmp/x257.v" 257 0
    vips cast "$tmp/x257.v" "$tmp/u16.v" ushort
    vips copy "$tmp/u16.v" "$tmp/rgb16.v" --interpretation rgb16
    vips pngsave "$tmp/rgb16.v" "$tmp/16bit.png" --compression 9 --strip
    expect_summary "$tmp/16bit.png" "512x512 ushort, 3 bands, rgb16"
    publish "$tmp/16bit.png" astronaut-16bit.png "RGB, 16 bits per sample"
fi

# An alpha channel: opaque inside, a fully transparent 32 px frame whose
# colour is black. Flattened on white (as idp_image_load does) the frame is
# white; a loader that drops the alpha shows it black.
if need astronaut-alpha.png; then
    vips black "$tmp/inner.v" 448 448
    vips linear "$tmp/inner.v" "$tmp/inner255.v" 1 255 --uchar
    vips embed "$tmp/inner255.v" "$tmp/alphamask.v" 32 32 512 512
    # bandjoin takes a space-separated list: use names without spaces.
    vips copy "$src" "$tmp/src.v"
    (cd "$tmp" && vips bandjoin "src.v alphamask.v" rgba.v)
    vips premultiply "$tmp/rgba.v" "$tmp/rgba-pm.v"
    vips cast "$tmp/rgba-pm.v" "$tmp/rgba-pm8.v" uchar
    vips pngsave "$tmp/rgba-pm8.v" "$tmp/alpha.png" --compression 9 --strip
    expect_summary "$tmp/alpha.png" "512x512 uchar, 4 bands, srgb"
    publish "$tmp/alpha.png" astronaut-alpha.png "RGBA, transparent 32 px frame"
fi

# WebP, lossy quality 90.
if need astronaut.webp; then
    vips webpsave "$src" "$tmp/a.webp" --Q 90 --strip
    publish "$tmp/a.webp" astronaut.webp "lossy Q90"
fi

# ---- not images ---------------------------------------------------------

if need not-an-image.jpg; then
    printf 'This is a text file named .jpg, made by scripts/make-samples.sh.\nIt is not an image.\n' >"$tmp/text.jpg"
    publish "$tmp/text.jpg" not-an-image.jpg "plain text"
fi

# The first half of astronaut.jpg: the JPEG ends mid-scan, with no EOI.
if need truncated.jpg; then
    n=$(stat -c %s "$out/astronaut.jpg")
    head -c $((n / 2)) "$out/astronaut.jpg" >"$tmp/trunc.jpg"
    publish "$tmp/trunc.jpg" truncated.jpg "first $((n / 2)) of $n bytes of astronaut.jpg"
fi
