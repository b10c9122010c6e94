#!/usr/bin/env bash
# valgrind.sh - memcheck over photo-check and photo-make on a few real
# photos and broken inputs: no invalid access, no use of uninitialised
# values, no definitely or indirectly lost memory. Too slow for every test
# run (about 30 s a run: the model load dominates), so run it by hand after
# touching ownership or error paths:
#
#   scripts/valgrind.sh [BUILD_DIR]     (default ./build; needs valgrind)
#
# libvips' vector paths run code generated at run time (orc), which
# memcheck cannot follow: VIPS_NOVECTOR=1 turns them off. "Possibly lost"
# blocks (glib's thread pool) are reported but not counted.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build}/cli
photos=$root/../shared/photos
out=$(mktemp -d /tmp/idp-valgrind.XXXXXX)
trap 'rm -rf "$out"' EXIT
command -v valgrind >/dev/null || { echo "valgrind.sh: apt install valgrind" >&2; exit 2; }
[ -d "$photos" ] || { echo "valgrind.sh: $photos is missing" >&2; exit 2; }

head -c 5000 "$photos/df_img13.jpg" >"$out/cut.jpg"
printf 'not an image\n' >"$out/text.jpg"

failed=0
run() { # run NAME EXPECTED_EXIT CMD...
    local name=$1 want=$2 rc=0
    shift 2
    VIPS_NOVECTOR=1 valgrind --quiet --error-exitcode=99 \
        --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect \
        --log-file="$out/$name.log" "$@" >/dev/null 2>&1 || rc=$?
    if [ "$rc" = "$want" ] && [ ! -s "$out/$name.log" ]; then
        echo "ok   $name (exit $rc)"
    else
        echo "FAIL $name: exit $rc (expected $want)"
        cat "$out/$name.log"
        failed=1
    fi
}

run check-plain 1 "$bin/photo-check" "$photos/df_img13.jpg"
run check-json-annotate 0 "$bin/photo-check" --json --capture \
    --annotate "$out/a.png" "$photos/u2n_woman_plain.jpg"
run check-two-faces 1 "$bin/photo-check" --json "$photos/fr_kit_with_rose.jpg"
run check-broken 3 "$bin/photo-check" "$out/cut.jpg" "$out/text.jpg"
run make-all-outputs 0 "$bin/photo-make" --json "$photos/df_img13.jpg" \
    -o "$out/m.jpg" --cutout "$out/c.png" --save-matte "$out/s.png" \
    --annotate "$out/n.png" --sheet 6inch
run make-refused 1 "$bin/photo-make" "$photos/yale_s04_sleepy.png" \
    -o "$out/r.jpg"
exit $failed
