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

cat "$out/check-en.txt"
cat <<MSG

demo: photo-check ran on ${#samples[@]} samples in samples/.
demo: results in $out/:
  check.jsonl     one JSON report per photo (schema idphoto.report/1)
  check-en.txt    the verdicts in English   (check-zh.txt: 中文)
  capture-en.txt  the same photos judged as captures (--capture)
MSG
