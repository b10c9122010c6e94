#!/usr/bin/env python3
"""test_annotate.py - what the tools draw for a person to look at and
print: photo-check --annotate on the samples; photo-make --annotate (made
and refused captures) and --sheet (6inch, a4) on ../shared/photos, whose
tests are skipped when the photos are absent (a failure with
IDP_REQUIRE_PHOTOS=1). Images are read back with `vipsheader` and
`vips getpoint`.
"""

import os
import shutil
import tempfile

import idp_e2e as e2e

args = e2e.parse_args(description=__doc__)
h = e2e.Harness()
check = e2e.tool_path(args.bin, "photo-check")
make = e2e.tool_path(args.bin, "photo-make")
TMP = tempfile.mkdtemp(prefix="idp-e2e-annotate-")
SAMPLE = os.path.join(args.samples, "astronaut-480x640.jpg")
PHOTOS = args.photos if args.photos and os.path.isdir(args.photos) else None
DF13 = os.path.join(PHOTOS, "df_img13.jpg") if PHOTOS else None

# The sheet's layout (lib/sheet.c), computed again here: 300 dpi, gaps of
# 30 px, margins of 50 px, the arrangement holding more copies.
MARGIN, GAP = 50, 30


def fit(paper, slot):
    return max(0, (paper - 2 * MARGIN + GAP) // (slot + GAP))


def slot_centres(pw, ph, cw, ch):
    if fit(pw, ch) * fit(ph, cw) > fit(pw, cw) * fit(ph, ch):
        cw, ch = ch, cw
    cols, rows = fit(pw, cw), fit(ph, ch)
    x0 = (pw - (cols * cw + (cols - 1) * GAP)) // 2
    y0 = (ph - (rows * ch + (rows - 1) * GAP)) // 2
    return [(x0 + c * (cw + GAP) + cw // 2, y0 + r * (ch + GAP) + ch // 2)
            for r in range(rows) for c in range(cols)]


def out(name):
    return os.path.join(TMP, name)


def header(path, field):
    return e2e.run(["vipsheader", "-f", field, path], timeout=30).stdout.strip()


def size(path):
    return (header(path, "width"), header(path, "height"))


def pixel(path, x, y):
    r = e2e.run(["vips", "getpoint", path, str(int(x)), str(int(y))],
                timeout=30)
    return tuple(round(float(v)) for v in r.stdout.split()[:3])


def white(rgb):
    return all(v >= 235 for v in rgb)


def is_png(path):
    with open(path, "rb") as f:
        return f.read(8) == b"\x89PNG\r\n\x1a\n"


def eyes(src, *extra):
    """The eye centres photo-check measures on src (capture or final)."""
    r = e2e.run([check, "--json", *extra, src], timeout=60)
    m = e2e.parse_jsonl(r.stdout_bytes)[0]["measurements"]
    return [tuple(m[k]) for k in ("eye_left", "eye_right")]


def shrink_of(src):
    r = e2e.run([check, "--json", src], timeout=60)
    return e2e.parse_jsonl(r.stdout_bytes)[0]["image"]["shrink"]


def drawn_near_eyes(src, annotated, eye_points):
    """The annotation changed the pixels at the eye centres (the eye line
    runs through them)."""
    for x, y in eye_points:
        a, b = pixel(src, x, y), pixel(annotated, x, y)
        h.check(a != b, "%s: pixel at eye (%d, %d) is %s, as in the input"
                % (annotated, x, y, b))


def needs_photos():
    if PHOTOS:
        return True
    if os.environ.get("IDP_REQUIRE_PHOTOS") == "1":
        h.check(False, "../shared/photos not found and IDP_REQUIRE_PHOTOS=1")
    else:
        h.skip(h.current, "../shared/photos not found")
    return False


@h.test
def check_annotates_a_sample():
    png = out("astro.png")
    r = e2e.run([check, "--json", "--annotate", png, SAMPLE], timeout=60)
    h.check(r.returncode in (0, 1), "photo-check ran " + r.describe())
    if not h.check(os.path.exists(png), png + " written"):
        return
    h.check(is_png(png), "a PNG")
    h.equal(size(png), ("480", "640"), "the input's size")
    h.equal(header(png, "bands"), "3", "RGB")
    rep = e2e.parse_jsonl(r.stdout_bytes)[0]
    m = rep["measurements"]
    drawn_near_eyes(SAMPLE, png, [tuple(m["eye_left"]), tuple(m["eye_right"])])
    # the head-top band (chsi 50-110 px) tints the wall at the left edge;
    # the wall between the bands (row 160) is left as it was
    a, b = pixel(SAMPLE, 5, 80), pixel(png, 5, 80)
    h.check(a != b, "head-top band drawn at (5, 80): %s vs %s" % (a, b))
    a, b = pixel(SAMPLE, 5, 160), pixel(png, 5, 160)
    h.check(all(abs(u - v) <= 2 for u, v in zip(a, b)),
            "nothing drawn at (5, 160): %s vs %s" % (a, b))


@h.test
def check_annotate_rules():
    png = out("rules.png")
    r = e2e.run([check, "--annotate", png, SAMPLE, SAMPLE], timeout=60)
    h.equal(r.returncode, 2, "two FILEs " + r.describe())
    h.check(not os.path.exists(png), "nothing written for a usage error")
    copy = out("copy.jpg")
    shutil.copy(SAMPLE, copy)
    r = e2e.run([check, "--force", "--annotate", copy, copy], timeout=60)
    h.equal(r.returncode, 2, "--annotate over FILE " + r.describe())
    with open(png, "wb") as f:
        f.write(b"precious")
    r = e2e.run([check, "--annotate", png, SAMPLE], timeout=60)
    h.equal(r.returncode, 4, "exists without --force " + r.describe())
    with open(png, "rb") as f:
        h.equal(f.read(), b"precious", "the existing file is untouched")
    r = e2e.run([check, "--force", "--annotate", png, SAMPLE], timeout=60)
    h.check(r.returncode in (0, 1), "--force " + r.describe())
    h.check(is_png(png), "replaced by a PNG with --force")
    h.equal([n for n in os.listdir(TMP) if ".tmp." in n], [],
            "no temporary files left")


@h.test
def make_annotates_a_refused_capture():
    # the astronaut smiles with her mouth open: refused, nothing made, but
    # the annotated capture shows why
    photo, png = out("refused.jpg"), out("refused.png")
    r = e2e.run([make, "--annotate", png, "--sheet", "6inch", SAMPLE, "-o",
                 photo], timeout=120)
    h.equal(r.returncode, 1, "refused " + r.describe())
    h.check(not os.path.exists(photo), "no photo")
    h.check(not os.path.exists(out("refused-sheet.jpg")), "no sheet")
    if h.check(os.path.exists(png), "annotation written when refused"):
        h.equal(size(png), ("480", "640"), "the input's size")
        drawn_near_eyes(SAMPLE, png, eyes(SAMPLE, "--capture"))


@h.test
def make_usage_errors():
    cases = [["--sheet", "letter"], ["--sheet-output", out("s.jpg")],
             ["--annotate", out("u.jpg")]]  # the same as -o
    for extra in cases:
        r = e2e.run([make, *extra, SAMPLE, "-o", out("u.jpg")], timeout=60)
        h.equal(r.returncode, 2, "%s %s" % (extra, r.describe()))
    r = e2e.run([make, "--sheet", "a4", SAMPLE, SAMPLE, "--output-dir", TMP],
                timeout=60)
    h.equal(r.returncode, 2, "--sheet with two FILEs " + r.describe())
    h.check(not os.path.exists(out("u.jpg")), "nothing written")


@h.test
def make_sheet_and_annotation():
    if not needs_photos():
        return
    photo, png = out("df13.jpg"), out("df13.png")
    sheet = out("df13-sheet.jpg")
    r = e2e.run([make, "--sheet", "6inch", "--annotate", png, DF13, "-o",
                 photo], timeout=120)
    h.equal(r.returncode, 0, "made " + r.describe())
    if not h.check(os.path.exists(sheet), "the sheet beside the photo"):
        return
    h.equal(size(sheet), ("1795", "1205"), "6inch at 300 dpi")
    h.check(abs(float(header(sheet, "xres")) * 25.4 - 300) < 0.01,
            "300 dpi stated")
    centres = slot_centres(1795, 1205, 480, 640)
    h.equal(len(centres), 4, "CHSI on 6inch: 4 copies, turned, 2 x 2")
    for x, y in centres:
        h.check(not white(pixel(sheet, x, y)), "a copy at (%d, %d)" % (x, y))
    # the paper between the copies and at the edges is white
    for x, y in ((897, 602), (20, 20), (1775, 1185), (897, 200)):
        h.check(white(pixel(sheet, x, y)), "paper at (%d, %d)" % (x, y))
    if h.check(os.path.exists(png), "annotation written"):
        h.check(is_png(png), "a PNG")
        # DF13 is 2048 px long: analysed (and drawn) at 1/2, so compare
        # with the same reduced decode of the input
        h.equal(shrink_of(DF13), 2, "a 2048 px photo is analysed at 1/2")
        w, h_ = (int(v) for v in size(DF13))
        h.equal(size(png), (str((w + 1) // 2), str((h_ + 1) // 2)),
                "half the input's size")
        half = out("df13-half.v")
        e2e.run(["vips", "jpegload", DF13, half, "--shrink", "2"], timeout=30)
        drawn_near_eyes(half, png, [(x / 2, y / 2) for x, y in
                                    eyes(DF13, "--capture")])


@h.test
def full_size_annotation():
    if not needs_photos():
        return
    png = out("df13-full.png")
    r = e2e.run([check, "--capture", "--full-size", "--json", "--annotate",
                 png, DF13], timeout=120)
    h.check(r.returncode in (0, 1), "checked " + r.describe())
    h.equal(e2e.parse_jsonl(r.stdout_bytes)[0]["image"]["shrink"], 1,
            "--full-size: not reduced")
    if h.check(os.path.exists(png), "annotation written"):
        h.equal(size(png), size(DF13), "the input's size")
        drawn_near_eyes(DF13, png, eyes(DF13, "--capture", "--full-size"))


@h.test
def make_a4_sheet_with_its_own_name():
    if not needs_photos():
        return
    photo, sheet = out("a4.jpg"), out("a4 sheet.jpg")
    r = e2e.run([make, "--sheet", "a4", "--sheet-output", sheet, DF13, "-o",
                 photo], timeout=120)
    h.equal(r.returncode, 0, "made " + r.describe())
    if not h.check(os.path.exists(sheet), "the named sheet"):
        return
    h.equal(size(sheet), ("3508", "2480"), "A4 at 300 dpi")
    centres = slot_centres(3508, 2480, 480, 640)
    h.equal(len(centres), 20, "CHSI on A4: 20 copies, turned, 5 x 4")
    h.equal(sum(not white(pixel(sheet, x, y)) for x, y in centres), 20,
            "every slot holds a copy")
    r = e2e.run([make, "--sheet", "a4", "--sheet-output", sheet, DF13, "-o",
                 out("a4-again.jpg")], timeout=120)
    h.equal(r.returncode, 4, "the sheet exists, no --force " + r.describe())


h.run_all()
shutil.rmtree(TMP, ignore_errors=True)
h.finish()
