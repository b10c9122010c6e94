#!/usr/bin/env python3
"""speed.py - how fast the tools are, against the floor in the same run.

The reference is `vipsthumbnail INPUT -s 480x640` (decode + resize +
encode: what any tool that reads the photo must pay). Each command runs
--runs times, in alternation with the reference, and the medians and
their ratios are printed (product.md targets: photo-make on a 12 MP JPEG
<= 2.0x the reference; photo-check on a 480x640 photo <= 150 ms).

    bench/speed.py [--bin build/cli] [--photo FILE] [--runs 7]
                   [--model FILE] [--dlib] [--full-size] [--chroma 420]

The tools get --model (default: the build's compact model,
build/models/shape_predictor_68_face_landmarks.idp, when it exists);
--dlib adds photo-check runs with dlib's own .dat (the model before the
compact format) to the same rotation, for a before/after in one run;
--full-size likewise adds photo-make --full-size (the 12 MP photo decoded
and analysed at full size, as before the reduced decode).
photo-check and photo-make run with --json --timings, and the medians of
their per-stage timings (docs/report.md) are printed under the table.

    bench/speed.py --batch 40 [--bin build/cli] [--photo FILE]

--batch N times photo-batch instead: N copies (symlinks) of the 12 MP
JPEG made with -j 1 and with -j 2, each run into a fresh folder; prints
photos per second, the -j 2 / -j 1 ratio (product.md: >= 1.8x, >= 15
photos/s on 2 cores) and each run's peak resident memory (<= 250 MB for
-j 2; run it with N = 100 and N = 1000 to see that it stays flat).

Inputs are generated in a temporary folder: a 3024x4032 (12 MP) phone-
sized JPEG made from --photo (default ../shared/photos/df_img13.jpg, a
photo photo-make accepts; else samples/astronaut.png) by cropping to 3:4,
upscaling and adding mild noise so it compresses like a camera file,
saved at Q92 with libvips' defaults: chroma at full size (4:4:4, as
libvips writes at Q >= 90); --chroma 420 halves it both ways, as phone
cameras write their JPEGs (half the Huffman data to decode).
Wall-clock times of whole processes; the machine is shared and noisy, so
read the ratios, not the absolute numbers. Python 3 stdlib + the vips CLI.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def sh(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def make_12mp(src, tmp, chroma="444"):
    """A 3024x4032 JPEG from the middle 3:4 of src, with mild noise; its
    chroma at full size (libvips' default at Q >= 90), or halved both
    ways with chroma "420" (as phone cameras write)."""
    w = int(subprocess.run(["vipsheader", "-f", "width", src],
                           capture_output=True, text=True).stdout)
    h = int(subprocess.run(["vipsheader", "-f", "height", src],
                           capture_output=True, text=True).stdout)
    cw, ch = (w, w * 4 // 3) if w * 4 // 3 <= h else (h * 3 // 4, h)
    crop = os.path.join(tmp, "crop.v")
    sh(["vips", "crop", src, crop, str((w - cw) // 2), str((h - ch) // 2),
        str(cw), str(ch)])
    big = os.path.join(tmp, "big.v")
    sh(["vips", "resize", crop, big, str(4032 / ch),
        "--vscale", str(4032 / ch)])
    exact = os.path.join(tmp, "exact.v")
    sh(["vips", "crop", big, exact, "0", "0", "3024", "4032"])
    noise = os.path.join(tmp, "noise.v")
    sh(["vips", "gaussnoise", noise, "3024", "4032", "--sigma", "3",
        "--mean", "0"])
    noisy = os.path.join(tmp, "noisy.v")
    sh(["vips", "add", exact, noise, noisy])
    out = os.path.join(tmp, "phone-12mp.jpg")
    sh(["vips", "jpegsave", noisy, out, "--Q", "92"] +
       (["--subsample-mode", "on"] if chroma == "420" else []))
    return out


STAGES = ["decode", "detect", "landmarks", "segment", "frame", "recolour",
          "encode", "checks", "model_load"]
DLIB_DAT = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"
COMPACT = "build/models/shape_predictor_68_face_landmarks.idp"


def timed(cmd):
    """Wall seconds of one process, and the "timings" of its JSON report
    (None when it printed none)."""
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    dt = time.perf_counter() - t
    try:
        stages = json.loads(p.stdout.splitlines()[-1]).get("timings")
    except (ValueError, IndexError, AttributeError):
        stages = None
    return dt, stages


def alternate(cmds, runs):
    """Per named command, run in rotation: the median seconds and the
    median milliseconds of each stage its reports gave."""
    times = {name: [] for name in cmds}
    stages = {name: {k: [] for k in STAGES} for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            dt, st = timed(cmd())
            times[name].append(dt)
            for k, v in (st or {}).items():
                if isinstance(v, (int, float)) and k in stages[name]:
                    stages[name][k].append(v)
    med = {name: statistics.median(v) for name, v in times.items()}
    per_stage = {name: {k: statistics.median(v) for k, v in st.items() if v}
                 for name, st in stages.items()}
    return med, per_stage


def print_stages(per_stage):
    rows = {name: st for name, st in per_stage.items() if st}
    if not rows:
        return
    print()
    print("median ms per stage (--timings):")
    print("%-24s" % "command" + "".join("%11s" % k for k in STAGES))
    for name, st in rows.items():
        print("%-24s" % name + "".join(
            "%11.1f" % st[k] if k in st else "%11s" % "-" for k in STAGES))


def batch_run(cmd, out, n):
    """(seconds, peak RSS in MB) of one photo-batch run, which must end
    with n photos in `out` and exit 0 or 1 (1: some verdict is not a pass):
    a run that failed part-way would pass for a fast one."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    secs = time.perf_counter() - t
    made = len([f for f in os.listdir(out) if f.endswith(".jpg")]) \
        if os.path.isdir(out) else 0
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    if code not in (0, 1) or made != n:
        sys.exit("speed.py: %s: wait status %d, %d of %d photos made: %s"
                 % (" ".join(cmd), status, made, n,
                    err.decode(errors="replace")[-2000:]))
    return secs, usage.ru_maxrss / 1024.0


def bench_batch(a, src):
    batch = os.path.join(a.bin, "photo-batch")
    tmp = tempfile.mkdtemp(prefix="idp-speed-batch-")
    try:
        big = make_12mp(src, tmp, a.chroma)
        folder = os.path.join(tmp, "in")
        os.mkdir(folder)
        for i in range(a.batch):
            os.symlink(big, os.path.join(folder, "p%05d.jpg" % i))
        print("input: %d links to %s made 12 MP (3024x4032), chroma %s"
              % (a.batch, src, "4:2:0" if a.chroma == "420" else "4:4:4"))
        print("%-22s %9s %10s %9s" % ("command", "seconds", "photos/s",
                                      "peak MB"))
        rate = {}
        for jobs in (1, 2):
            out = os.path.join(tmp, "out-j%d" % jobs)
            secs, mb = batch_run([batch, "-q", "-j", str(jobs), folder, out],
                                 out, a.batch)
            rate[jobs] = a.batch / secs
            print("%-22s %9.1f %10.2f %9.0f" % ("photo-batch -j %d" % jobs,
                                                secs, rate[jobs], mb))
        print("-j 2 / -j 1: %.2fx (target >= 1.80x, >= 15 photos/s; "
              "peak <= 250 MB)" % (rate[2] / rate[1]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin", default="build/cli")
    ap.add_argument("--photo", default="../shared/photos/df_img13.jpg")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--model", default=COMPACT if os.path.exists(COMPACT)
                    else "")
    ap.add_argument("--dlib", action="store_true",
                    help="also time photo-check with dlib's .dat")
    ap.add_argument("--full-size", action="store_true",
                    help="also time photo-make --full-size")
    ap.add_argument("--batch", type=int, default=0,
                    help="time photo-batch on this many 12 MP photos")
    ap.add_argument("--chroma", choices=("444", "420"), default="444",
                    help="the 12 MP JPEG's chroma: full (the default, "
                    "libvips' at Q92) or 4:2:0 (as phone cameras write)")
    a = ap.parse_args()
    src = a.photo if os.path.exists(a.photo) else "samples/astronaut.png"
    if a.batch > 0:
        return bench_batch(a, src)
    model = ["--model", a.model] if a.model else []
    make = [os.path.join(a.bin, "photo-make")] + model
    check = [os.path.join(a.bin, "photo-check")] + model
    timings = ["--json", "--timings"]
    tmp = tempfile.mkdtemp(prefix="idp-speed-")
    try:
        big = make_12mp(src, tmp, a.chroma)
        out = os.path.join(tmp, "made.jpg")
        thumb = os.path.join(tmp, "thumb.jpg")
        sh(make + ["--force", big, "-o", out])
        cmds = {
            "vipsthumbnail 12MP": lambda: ["vipsthumbnail", big, "-s",
                                           "480x640", "-o", thumb],
            "photo-make 12MP": lambda: make + timings + [
                "--force", big, "-o", out],
            "photo-check 480x640": lambda: check + timings + [out],
        }
        if a.full_size:
            cmds["photo-make --full-size"] = lambda: make + timings + [
                "--full-size", "--force", big, "-o", out]
        if a.dlib:
            cmds["photo-check dlib .dat"] = lambda: [
                os.path.join(a.bin, "photo-check"), "--model", DLIB_DAT,
                *timings, out]
        med, per_stage = alternate(cmds, a.runs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ref = med["vipsthumbnail 12MP"]
    print("input: %s made 12 MP (3024x4032), chroma %s; %d runs each, "
          "alternated; model %s"
          % (src, "4:2:0" if a.chroma == "420" else "4:4:4", a.runs,
             a.model or "(search order)"))
    print("%-24s %9s %8s" % ("command", "median", "ratio"))
    for name, t in med.items():
        print("%-24s %7.0f ms %7.2fx" % (name, t * 1000, t / ref))
    check_ms = med["photo-check 480x640"] * 1000
    print("targets: photo-make <= 2.00x the reference (%.2fx: %s); "
          "photo-check 480x640 <= 150 ms (%.0f ms: %s)"
          % (med["photo-make 12MP"] / ref,
             "met" if med["photo-make 12MP"] / ref <= 2.0 else "not met",
             check_ms, "met" if check_ms <= 150 else "not met"))
    print_stages(per_stage)
    return 0


if __name__ == "__main__":
    sys.exit(main())
