#!/usr/bin/env python3
"""test_make.py - photo-make on real photos of ../shared/photos and on the
samples: refusals with reasons, outputs of the profile's exact size, file
size band and DPI, no metadata, the new background colour at the corners,
cutout and matte files, atomic no-clobber writes, and the written photo
passing photo-check. Pixels are read back with the `vips` tool.
"""

import json
import os
import shutil
import subprocess
import tempfile

import idp_e2e as e2e

args = e2e.parse_args(description=__doc__)
photos = e2e.require_photos(args.photos)
h = e2e.Harness()
make = e2e.tool_path(args.bin, "photo-make")
check = e2e.tool_path(args.bin, "photo-check")
TMP = tempfile.mkdtemp(prefix="idp-e2e-make-")

# Plain photos a person would say can be made into a CHSI photo: frontal,
# lips closed, eyes open, a plain wall, head and shoulders in the frame.
# The other plain photos are tight face crops (celebamaskhq_1, u2n_apd_*,
# u2n_man5_wide: no room for the shoulders or the hair leaves the top),
# smiles with teeth, turned heads or black-and-white scans: refused.
MAKEABLE = ["df_img12.jpg", "df_img13.jpg", "df_img14.jpg",
            "u2n_woman_plain.jpg"]
COLOURS = {"blue": (100, 197, 255), "white": (255, 255, 255),
           "grey": (240, 240, 240)}


def pixel(path, x, y):
    r = e2e.run(["vips", "getpoint", path, str(x), str(y)], timeout=30)
    return tuple(round(float(v)) for v in r.stdout.split()[:4])


def header(path, field):
    r = e2e.run(["vipsheader", "-f", field, path], timeout=30)
    return r.stdout.strip()


def make_one(src, out, *extra):
    return e2e.run([make, "--json", *extra, src, "-o", out], timeout=120)


def reports(run):
    return e2e.parse_jsonl(run.stdout_bytes)


@h.test
def delta_e00_reference_pairs():
    # Sharma, Wu & Dalal (2005), pairs 1 and 7
    h.check(abs(e2e.delta_e00((50, 2.6772, -79.7751), (50, 0, -82.7485))
                - 2.0425) < 1e-4, "CIEDE2000 pair 1")
    h.check(abs(e2e.delta_e00((50, 0, 0), (50, -1, 2)) - 2.3669) < 1e-4,
            "CIEDE2000 pair 7")


@h.test
def makeable_photos_pass_their_own_check():
    for name in MAKEABLE:
        for colour, rgb in COLOURS.items():
            out = os.path.join(TMP, "%s-%s.jpg" % (name, colour))
            r = make_one(os.path.join(photos, name), out, "--background",
                         colour)
            h.equal(r.returncode, 0, "%s on %s %s" % (name, colour,
                                                      r.describe()))
            if not os.path.exists(out):
                h.check(False, "%s: nothing written" % out)
                continue
            rep = reports(r)[0]
            h.equal(rep["verdict"] in ("pass", "warn"), True,
                    "%s: self-check verdict %s" % (out, rep["verdict"]))
            o = rep["output"] or {}
            h.equal((o.get("width"), o.get("height")), (480, 640), "size")
            h.equal(o.get("bytes"), os.path.getsize(out), "bytes")
            h.check(20480 <= os.path.getsize(out) <= 40960,
                    "%s: %d bytes in 20-40 KB" % (out, os.path.getsize(out)))
            h.check(o.get("quality", 0) >= 60, "quality >= 60")
            h.equal(header(out, "width"), "480", "JPEG width")
            h.equal(rep["image"]["dpi"], 300, "300 dpi read back")
            h.equal(rep["image"]["exif"], False, "no EXIF")
            h.equal(rep["image"]["icc"], False, "no ICC profile")
            for x, y in ((2, 2), (477, 2), (240, 2)):
                got = pixel(out, x, y)[:3]
                de = e2e.delta_e00(e2e.srgb_to_lab(got), e2e.srgb_to_lab(rgb))
                h.check(de < 1.0, "%s: background at (%d,%d) %s is dE00 %.2f "
                        "from %s" % (out, x, y, got, de, rgb))
            # the photo is judged again by the separate tool: same verdict
            c = e2e.run([check, "--json", out], timeout=60)
            h.equal(reports(c)[0]["verdict"], rep["verdict"],
                    "photo-check agrees on " + out)


@h.test
def refusals_say_why_and_write_nothing():
    cases = {"fr_alex_grey.jpg": "mouth_closed",      # open smile
             "celebamaskhq_1.jpg": "shoulders_visible",  # tight crop
             "yale_s04_sleepy.png": "eyes_open",       # eyes closed
             "fr_kit_with_rose.jpg": "face_count",     # two people
             "uscpd_005783.jpg": "head_yaw",           # head turned
             "u2n_noface_boat.jpg": "face_count"}      # no face
    for name, rule in cases.items():
        out = os.path.join(TMP, "refused-" + name + ".jpg")
        r = make_one(os.path.join(photos, name), out)
        h.equal(r.returncode, 1, "%s: exit %s" % (name, r.describe()))
        h.check(not os.path.exists(out), name + ": nothing written")
        rep = reports(r)[0]
        h.equal(rep["mode"], "capture", name + ": the capture report")
        h.equal(rep["output"], None, name + ": no output")
        failed = [c["id"] for c in rep["checks"] if c["status"] == "fail"]
        h.check(rule in failed, "%s: %s among %s" % (name, rule, failed))


@h.test
def timings_add_up_the_stages():
    """--timings: the report of the written photo carries every stage of
    the process (capture check, making, final check); a refusal has the
    capture check's stages only."""
    out = os.path.join(TMP, "timed.jpg")
    r = make_one(os.path.join(photos, "df_img13.jpg"), out, "--timings")
    h.equal(r.returncode, 0, "made " + r.describe())
    t = (reports(r) or [{}])[0].get("timings") or {}
    h.equal(list(t), ["decode", "detect", "landmarks", "segment", "frame",
                      "recolour", "encode", "checks", "model_load"],
            "timings: stages in order")
    for k, v in t.items():
        h.check(isinstance(v, (int, float)) and v >= 0,
                "timings: %s = %r" % (k, v))
    out = os.path.join(TMP, "timed-refused.jpg")
    r = make_one(os.path.join(photos, "fr_alex_grey.jpg"), out, "--timings")
    t = (reports(r) or [{}])[0].get("timings") or {}
    h.check(all(t.get(k) is None for k in ("frame", "recolour", "encode"))
            and isinstance(t.get("detect"), (int, float)),
            "timings of a refusal: %r" % t)


@h.test
def cutout_and_matte():
    src = os.path.join(photos, "df_img13.jpg")
    out, cut, mat = (os.path.join(TMP, n) for n in
                     ("c.jpg", "cutout.png", "matte.png"))
    r = e2e.run([make, src, "-o", out, "--cutout", cut, "--save-matte", mat],
                timeout=120)
    h.equal(r.returncode, 0, "made " + r.describe())
    h.equal(header(cut, "bands"), "4", "cutout has alpha")
    h.equal((header(cut, "width"), header(cut, "height")), ("480", "640"),
            "cutout size")
    h.equal(pixel(cut, 2, 2)[3], 0, "cutout corner transparent")
    h.equal(pixel(cut, 240, 300)[3], 255, "cutout face opaque")
    h.equal((header(mat, "width"), header(mat, "height")),
            (header(src, "width"), header(src, "height")),
            "matte aligned with the input")
    h.equal(header(mat, "bands"), "1", "matte is grey")


@h.test
def never_overwrites_without_force_and_leaves_no_temp():
    src = os.path.join(photos, "df_img13.jpg")
    out = os.path.join(TMP, "keep.jpg")
    with open(out, "wb") as f:
        f.write(b"precious")
    r = e2e.run([make, src, "-o", out], timeout=120)
    h.equal(r.returncode, 4, "exists without --force " + r.describe())
    with open(out, "rb") as f:
        h.equal(f.read(), b"precious", "the existing file is untouched")
    # an existing extra output refuses too, before anything is made: the
    # photo is not written, and the JSON says which file is in the way
    cut = os.path.join(TMP, "keep-cutout.png")
    with open(cut, "wb") as f:
        f.write(b"precious too")
    fresh = os.path.join(TMP, "fresh.jpg")
    r = e2e.run([make, "--json", src, "-o", fresh, "--cutout", cut],
                timeout=120)
    h.equal(r.returncode, 4, "an existing --cutout " + r.describe())
    h.check(not os.path.exists(fresh), "nothing written when an extra "
            "output exists")
    reps = e2e.parse_jsonl(r.stdout_bytes) if r.stdout_bytes else []
    h.check(len(reps) == 1 and reps[0].get("verdict") == "error" and
            "exists" in ((reps[0].get("error") or {}).get("message") or ""),
            "an error report names the existing file: %r" % reps)
    h.check("keep-cutout.png: exists" in r.stderr, "stderr: %r" % r.stderr)
    r = e2e.run([make, "--force", src, "-o", out], timeout=120)
    h.equal(r.returncode, 0, "--force replaces " + r.describe())
    h.equal(header(out, "width"), "480", "replaced by the photo")
    left = [n for n in os.listdir(TMP) if ".tmp." in n]
    h.equal(left, [], "no temporary files left")


@h.test
def output_dir_and_usage():
    d = os.path.join(TMP, "outdir")
    os.mkdir(d)
    srcs = [os.path.join(photos, n) for n in ("df_img13.jpg", "df_img14.jpg")]
    before = [e2e.file_state(s) for s in srcs]
    r = e2e.run([make, "--output-dir", d, *srcs], timeout=180)
    h.equal(r.returncode, 0, "two files " + r.describe())
    h.equal(sorted(os.listdir(d)), ["df_img13.jpg", "df_img14.jpg"], "names")
    h.equal([e2e.file_state(s) for s in srcs], before, "inputs unchanged")
    for bad in (["-o", "x.jpg", *srcs], [srcs[0]],
                ["-o", "x.jpg", "--output-dir", d, srcs[0]],
                ["--background", "pink", "-o", "x.jpg", srcs[0]]):
        r = e2e.run([make, *bad], timeout=30)
        h.equal(r.returncode, 2, "usage: %s" % r.describe())


@h.test
def sample_astronaut_is_refused():
    out = os.path.join(TMP, "astronaut.jpg")
    r = make_one(os.path.join(args.samples, "astronaut.jpg"), out)
    h.equal(r.returncode, 1, "the smiling astronaut " + r.describe())
    failed = [c["id"] for c in reports(r)[0]["checks"]
              if c["status"] == "fail"]
    h.check("mouth_closed" in failed, "refused for the smile: %s" % failed)


try:
    h.run_all()
finally:
    shutil.rmtree(TMP, ignore_errors=True)
h.finish()
