#!/usr/bin/env python3
"""test_threads.py - one photo's work on two threads (--threads 2: the
detector's pyramid levels, the capture's rules beside the render, the
segmentation's and matte's independent steps, the compositing) gives the
same bytes as on one (--threads 1).

photo-check's reports (final and capture) on every photo of
../shared/photos are the same with 1 and 2 threads. For a few shared
photos of different kinds (a 2048 px photo decoded
reduced, a small plain one, long hair on a plain wall, a cluttered one, a
group photo) and a 12 MP phone-sized copy: photo-check reports (final and
capture) and photo-make's written photo, matte, cutout and report are
identical with 1 and 2 threads (timings and paths aside). A refused photo
is refused the same way. Skipped without ../shared/photos (a failure with
IDP_REQUIRE_PHOTOS=1).
"""

import os
import shutil
import tempfile

import idp_e2e as e2e

args = e2e.parse_args(description=__doc__)
PHOTOS = e2e.require_photos(args.photos)
h = e2e.Harness()
check = e2e.tool_path(args.bin, "photo-check")
make = e2e.tool_path(args.bin, "photo-make")
TMP = tempfile.mkdtemp(prefix="idp-e2e-threads-")
MODEL = ["--model", args.model] if args.model else []
NAMES = ["df_img13.jpg", "df_img12.jpg", "u2n_woman_plain.jpg",
         "celebamaskhq_3.jpg", "dlib_2008_001322.jpg", "fr_alex_grey.jpg"]


def out(name):
    return os.path.join(TMP, name)


def step(argv):
    r = e2e.run(argv, timeout=120)
    h.check(r.returncode == 0, " ".join(argv[:2]) + " " + r.describe())


def phone_photo():
    """df_img13's middle 3:4 upscaled to 3024x4032 (as test_reduced's)."""
    return e2e.phone_jpeg(os.path.join(PHOTOS, "df_img13.jpg"), out, step)


def report(argv):
    r = e2e.run(argv, timeout=300)
    h.check(r.returncode in (0, 1), " ".join(argv[-4:]) + " " + r.describe())
    reps = e2e.parse_jsonl(r.stdout_bytes) if r.stdout_bytes else []
    if not h.check(len(reps) == 1, "one report: " + " ".join(argv[-4:])):
        return None, r.returncode
    rep = reps[0]
    rep.pop("timings", None)
    for key in ("file",):
        rep[key] = os.path.basename(rep.get(key) or "")
    if rep.get("output"):
        rep["output"]["path"] = os.path.basename(rep["output"]["path"])
    return rep, r.returncode


def read(path):
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return f.read()


def make_with(threads, src, tag):
    files = {k: out("%s-%s-t%d.%s" % (tag, k, threads, ext))
             for k, ext in (("photo", "jpg"), ("matte", "png"),
                            ("cutout", "png"))}
    rep, rc = report([make, *MODEL, "--json", "--threads", str(threads),
                      src, "-o", files["photo"], "--save-matte",
                      files["matte"], "--cutout", files["cutout"]])
    if rep:
        rep["file"] = rep["file"].replace("-t%d." % threads, ".")
    if rep and rep.get("output"):
        rep["output"]["path"] = rep["output"]["path"].replace(
            "-t%d." % threads, ".")
    if rep and rep.get("output"):
        for k, path in files.items():
            rep["output"][k] = os.path.basename(path).replace(
                "-t%d." % threads, ".")
    return rep, rc, {k: read(p) for k, p in files.items()}


def same_either_way(src, tag):
    for mode in ([], ["--capture"]):
        one, rc1 = report([check, *MODEL, "--json", "--threads", "1", *mode,
                           src])
        two, rc2 = report([check, *MODEL, "--json", "--threads", "2", *mode,
                           src])
        what = "%s %s" % (tag, mode[0] if mode else "final")
        h.equal(rc2, rc1, what + ": exit status")
        h.check(one is not None and one == two,
                what + ": the same report with 1 and 2 threads")
    one, rc1, files1 = make_with(1, src, tag)
    two, rc2, files2 = make_with(2, src, tag)
    h.equal(rc2, rc1, tag + ": photo-make exit status")
    h.check(one is not None and one == two,
            tag + ": the same photo-make report with 1 and 2 threads")
    for k in files1:
        h.check(files1[k] == files2[k],
                "%s: the same %s bytes with 1 and 2 threads" % (tag, k))
    return rc1, files1


@h.test
def shared_photos_same_bytes():
    made = 0
    for name in NAMES:
        rc, files = same_either_way(os.path.join(PHOTOS, name), name)
        made += files["photo"] is not None
    # half are made; the cluttered, group and smiling photos are refused,
    # and their refusals are compared
    h.check(made >= 3, "%d of %d photos made" % (made, len(NAMES)))


def every_photo():
    """The photos of ../shared/photos (MANIFEST.tsv), masks left out."""
    with open(os.path.join(PHOTOS, "MANIFEST.tsv"), encoding="utf-8") as f:
        names = [ln.split("\t")[0] for ln in f.read().splitlines()[1:] if ln]
    return [os.path.join(PHOTOS, n) for n in sorted(names)]


def reports_of(paths, threads, mode):
    r = e2e.run([check, *MODEL, "--json", "--threads", str(threads), *mode,
                 *paths], timeout=600)
    h.check(r.returncode in (0, 1), "photo-check on every photo, %d "
            "thread(s) %s" % (threads, r.describe()))
    reps = {}
    for rep in (e2e.parse_jsonl(r.stdout_bytes) if r.stdout_bytes else []):
        rep.pop("timings", None)
        reps[rep.get("file")] = rep
    return reps


@h.test
def every_shared_photo_same_report():
    """photo-check (final and capture) on every shared photo: the same
    report with 1 and 2 threads, photo by photo."""
    paths = every_photo()
    h.check(len(paths) >= 70, "%d photos in the manifest" % len(paths))
    for mode in ([], ["--capture"]):
        one = reports_of(paths, 1, mode)
        two = reports_of(paths, 2, mode)
        h.equal(sorted(one), sorted(paths), "one report per photo")
        differ = [os.path.basename(p) for p in paths
                  if one.get(p) is None or one.get(p) != two.get(p)]
        h.equal(differ, [], "photos whose %s report differs with 2 threads"
                % (mode[0] if mode else "final"))


@h.test
def phone_photo_same_bytes():
    rc, files = same_either_way(phone_photo(), "phone")
    h.check(files["photo"] is not None, "the 12 MP photo is made (exit %d)"
            % rc)


@h.test
def model_loads_beside_the_decode():
    """With two threads the face model loads while the first photo
    decodes: the first report still carries the load's time, the second
    none; a model that cannot load is reported as before (exit 5), and a
    photo that cannot be read is still an unreadable input (exit 3)."""
    photo = os.path.join(PHOTOS, NAMES[1])
    r = e2e.run([check, *MODEL, "--json", "--timings", "--threads", "2",
                 photo, photo], timeout=120)
    reps = e2e.parse_jsonl(r.stdout_bytes) if r.stdout_bytes else []
    if h.check(len(reps) == 2, "two reports " + r.describe()):
        first = reps[0].get("timings", {}).get("model_load")
        h.check(isinstance(first, (int, float)) and first > 0,
                "the first report times the model's load: %r" % first)
        h.equal(reps[1].get("timings", {}).get("model_load"), 0,
                "the second report loads no model")
    missing = os.path.join(TMP, "no-such-model.idp")
    r = e2e.run([check, "--model", missing, "--threads", "2", photo],
                timeout=60)
    h.equal(r.returncode, 5, "a missing model with 2 threads " + r.describe())
    h.check("cannot read face model" in r.stderr,
            "the missing model is named: %r" % r.stderr)
    junk = os.path.join(TMP, "junk.jpg")
    with open(junk, "wb") as f:
        f.write(b"not a photo at all")
    r = e2e.run([check, "--model", missing, "--threads", "2", junk],
                timeout=60)
    h.equal(r.returncode, 3, "an unreadable photo, no model " + r.describe())


@h.test
def bad_thread_counts():
    for bad in ("-1", "65", "two", ""):
        r = e2e.run([check, *MODEL, "--threads", bad,
                     os.path.join(PHOTOS, NAMES[0])], timeout=60)
        h.equal(r.returncode, 2, "--threads '%s'" % bad)


h.run_all()
shutil.rmtree(TMP, ignore_errors=True)
h.finish()
