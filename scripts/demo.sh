#!/usr/bin/env bash
# demo.sh - set up (scripts/setup.sh), then run the tools on the built-in
# samples and say where the results are. The README's first command.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" || exit 1
bin=${IDP_BUILD_DIR:-$root/build}/cli
out=$root/demo-out
mkdir -p "$out"
cd "$root/samples" || exit 1

samples=(astronaut*.jpg astronaut*.png astronaut*.webp not-an-image.jpg
         truncated.jpg)

# Non-compliant samples make photo-check exit 1 and unreadable ones 3:
# that is the point of the demo, not a failure of it.
"$bin/photo-check" --json "${samples[@]}" >"$out/check.jsonl" 2>/dev/null
"$bin/photo-check" --lang en "${samples[@]}" >"$out/check-en.txt" 2>&1
"$bin/photo-check" --lang zh "${samples[@]}" >"$out/check-zh.txt" 2>&1
"$bin/photo-check" --capture "${samples[@]}" >"$out/capture-en.txt" 2>&1

# photo-make: the astronaut smiles with her teeth showing, so making is
# refused with that reason; real photos from ../shared/photos, when this
# checkout has them beside it, show made photos.
"$bin/photo-make" --force --lang en astronaut-480x640.jpg \
    -o "$out/astronaut-made.jpg" >"$out/make-en.txt" 2>&1
shared=$root/../shared/photos
made=()
if [ -d "$shared" ]; then
    for f in df_img13.jpg df_img14.jpg df_img12.jpg u2n_woman_plain.jpg; do
        for bg in blue white; do
            o="$out/made-${f%.*}-$bg.jpg"
            "$bin/photo-make" --force --lang en --background "$bg" \
                "$shared/$f" -o "$o" >>"$out/make-en.txt" 2>&1 && made+=("$o")
        done
    done
fi

# photo-batch: the whole samples folder at once, judged as final photos,
# with the reports a registry publishes (report.html works offline).
"$bin/photo-batch" --check-only -q --lang en "$root/samples" "$out/batch" \
    2>/dev/null

cat "$out/check-en.txt"
echo
cat "$out/make-en.txt"
cat <<MSG

demo: photo-check ran on ${#samples[@]} samples in samples/; photo-make
demo: refused the smiling astronaut and made ${#made[@]} photos from
demo: ../shared/photos (when present). Results in $out/:
  check.jsonl     one JSON report per photo (schema idphoto.report/1)
  check-en.txt    the verdicts in English   (check-zh.txt: 中文)
  capture-en.txt  the same photos judged as captures (--capture)
  make-en.txt     what photo-make said
  made-*.jpg      the photos it made (480x640, 300 dpi, 20-40 KB)
  batch/          photo-batch --check-only over samples/: report.html
                  (open it in a browser), summary.csv, retake.csv, ...
MSG
