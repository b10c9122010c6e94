#!/usr/bin/env python3
"""test_cli.py - the command-line contract of photo-check, end to end.

Uses only the generated samples/ (never ../shared/photos) and the source
tree's profiles/. Contract: docs product.md ("Command-line tools", exit
codes, "JSON report") and cli/photo_check.c's --help.

Run:  python3 tests/e2e/test_cli.py --bin build/cli --samples samples \
          --photos ../shared/photos --source .

The tool loads the face model in every process that checks a photo (~5 ms
for the build's compact model, given as --model; ~1 s for dlib's .dat), so
those runs are started together at the beginning (two at a time) and
batch several files per invocation. Tests that need the model are skipped,
each with a SKIP line, when the model cannot be found.
"""

import json
import math
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import idp_e2e as e2e  # noqa: E402

PROG = "photo-check"
TRY_HELP = "Try 'photo-check --help'"

BUILTIN_PROFILES = ["chsi", "id-card", "passport-cn", "cet", "ncre", "ntce",
                    "1inch", "2inch", "small-1inch", "large-1inch", "us-visa"]
# Every option of photo-check (cli/photo_check.c); --help must name each.
OPTIONS = ["--profile", "--list-profiles", "--capture", "--json", "--lang",
           "--model", "--max-pixels", "--full-size", "--timings", "-q",
           "--quiet", "-v",
           "--verbose",
           "-h", "--help", "-V", "--version"]

REPORT_KEYS = ["schema", "file", "profile", "mode", "verdict", "error",
               "image", "faces", "measurements", "checks", "output"]
CHECK_KEYS = ["id", "status", "value", "unit", "limit", "message"]
TIMING_KEYS = ["decode", "detect", "landmarks", "segment", "frame",
               "recolour", "encode", "checks", "model_load"]
STATUSES = {"pass", "warn", "fail", "skip"}
VERDICTS = {"pass", "warn", "fail", "error"}
FILE_CHECKS = ["file_format", "dimensions", "file_size", "dpi"]

# The same picture in several encodings (samples/README.md).
SAME_PICTURE = ["astronaut.png", "astronaut.jpg", "astronaut.webp",
                "astronaut-16bit.png", "astronaut-alpha.png",
                "astronaut-exif6.jpg"]
BAD_SAMPLES = ["not-an-image.jpg", "truncated.jpg"]
NEEDED_SAMPLES = SAME_PICTURE + BAD_SAMPLES + ["astronaut-480x640.jpg",
                                               "astronaut-rot90.jpg"]

# Han ideographs, CJK punctuation, full-width forms.
CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                 "\uff00-\uffef]")
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# Per-run time limits (the whole script has 60 s under CTest): a run that
# never loads the model takes milliseconds; a model run ~0.2-1 s, the 16-file
# batch ~3 s (more under sanitizers).
QUICK_TIMEOUT = 15
MODEL_TIMEOUT = 45


def is_num(v):
    return (isinstance(v, (int, float)) and not isinstance(v, bool)
            and math.isfinite(v))


def mean_point(points):
    return (sum(p[0] for p in points) / len(points),
            sum(p[1] for p in points) / len(points))


def eye_centres(landmarks):
    """Image-left eye (iBUG 36-41) and image-right eye (42-47)."""
    return mean_point(landmarks[36:42]), mean_point(landmarks[42:48])


def roll_of(landmarks):
    """Eye-line angle in degrees; > 0 when the image-right eye is lower."""
    (lx, ly), (rx, ry) = eye_centres(landmarks)
    return math.degrees(math.atan2(ry - ly, rx - lx))


def subject_of(rep):
    faces = [f for f in rep.get("faces") or [] if f.get("subject") is True]
    return faces[0] if faces else None


def box_centre(box):
    return (box[0] + box[2] / 2.0, box[1] + box[3] / 2.0)


def expected_verdict(checks):
    statuses = [c.get("status") for c in checks]
    if "fail" in statuses:
        return "fail"
    if "warn" in statuses:
        return "warn"
    return "pass"


def exit_for_reports(reports):
    """The exit code a run over only loadable files must give."""
    return 1 if any(r.get("verdict") == "fail" for r in reports) else 0


class CliTests:
    def __init__(self, args):
        self.args = args
        self.h = e2e.Harness()
        self.pc = e2e.tool_path(args.bin, PROG)
        self.tmp = tempfile.mkdtemp(prefix="idp-e2e-cli-")
        self.runner = e2e.Runner(workers=2)
        self.have_model = True
        self._reports = {}

    # ---- helpers ----

    def s(self, name):
        return os.path.join(self.args.samples, name)

    def run(self, *argv, **kw):
        """A quick run (no model load): runs now."""
        kw.setdefault("timeout", QUICK_TIMEOUT)
        return e2e.run([self.pc] + list(argv), **kw)

    def submit(self, key, *argv, **kw):
        """A run that loads the model: starts now, collected by get()."""
        kw.setdefault("timeout", MODEL_TIMEOUT)
        self.runner.submit(key, [self.pc] + list(argv), **kw)

    def get(self, key):
        return self.runner.get(key)

    def reports(self, key):
        """The JSON Lines of a submitted run; parse failures are recorded
        once and give []."""
        if key not in self._reports:
            r = self.get(key)
            try:
                self._reports[key] = e2e.parse_jsonl(r.stdout_bytes)
            except e2e.JsonLinesError as e:
                self.h.check(False, "run '%s': %s %s" % (key, e,
                                                         r.describe()))
                self._reports[key] = []
        return self._reports[key]

    def by_file(self, key):
        return {rep.get("file"): rep for rep in self.reports(key)}

    def no_crash(self, r, label):
        return self.h.check(not r.timed_out and not r.crashed,
                            "%s: crashed or hung %s" % (label, r.describe()))

    def usage_error(self, r, label):
        h = self.h
        self.no_crash(r, label)
        h.equal(r.returncode, 2, "%s: exit code %s" % (label, r.describe()))
        h.equal(r.stdout, "", "%s: stdout must be empty" % label)
        h.check(TRY_HELP in r.stderr, "%s: stderr lacks \"%s\" %s"
                % (label, TRY_HELP, r.describe()))
        h.check(r.stderr.startswith(PROG + ": "),
                "%s: stderr must start with 'photo-check: ' %s"
                % (label, r.describe()))

    def one_line_diag(self, r, subject, label):
        """stderr is exactly one line 'photo-check: SUBJECT: message'."""
        lines = r.stderr_lines()
        self.h.check(len(lines) == 1,
                     "%s: stderr should be exactly one line "
                     "'photo-check: %s: ...', got %d lines %s"
                     % (label, subject, len(lines), r.describe()))
        prefix = "%s: %s: " % (PROG, subject)
        self.h.check(any(ln.startswith(prefix) and len(ln) > len(prefix)
                         for ln in lines),
                     "%s: no stderr line starts with %r %s"
                     % (label, prefix, r.describe()))

    def validate_report(self, rep, label):
        """Schema of one report; returns its check ids."""
        h = self.h
        if not h.check(isinstance(rep, dict), "%s: not an object" % label):
            return []
        h.equal(list(rep.keys()), REPORT_KEYS, "%s: keys in order" % label)
        h.equal(rep.get("schema"), "idphoto.report/1", "%s: schema" % label)
        h.check(isinstance(rep.get("file"), str) and rep.get("file"),
                "%s: file must be a non-empty string" % label)
        h.check(isinstance(rep.get("profile"), str) and rep.get("profile"),
                "%s: profile must be a non-empty string" % label)
        h.check(rep.get("mode") in ("final", "capture"),
                "%s: mode %r" % (label, rep.get("mode")))
        verdict = rep.get("verdict")
        h.check(verdict in VERDICTS, "%s: verdict %r" % (label, verdict))
        h.equal(rep.get("output"), None, "%s: output (photo-check writes "
                "nothing)" % label)
        checks = rep.get("checks")
        if not h.check(isinstance(checks, list), "%s: checks must be a "
                       "list" % label):
            return []
        faces = rep.get("faces")
        h.check(isinstance(faces, list), "%s: faces must be a list" % label)
        if verdict == "error":
            err = rep.get("error")
            h.check(isinstance(err, dict)
                    and isinstance(err.get("code"), str) and err.get("code")
                    and isinstance(err.get("message"), str)
                    and err.get("message"),
                    "%s: error must be {code, message} %r" % (label, err))
            h.equal(checks, [], "%s: an error report has no checks" % label)
            return []
        h.equal(rep.get("error"), None, "%s: error" % label)
        img = rep.get("image")
        h.check(isinstance(img, dict)
                and isinstance(img.get("width"), int) and img["width"] > 0
                and isinstance(img.get("height"), int) and img["height"] > 0
                and isinstance(img.get("format"), str),
                "%s: image must have width, height, format: %r"
                % (label, img))
        h.check(isinstance(rep.get("measurements"), dict),
                "%s: measurements must be an object" % label)
        for i, f in enumerate(faces or []):
            self.validate_face(f, "%s face %d" % (label, i))
        if faces:
            h.equal(sum(1 for f in faces if f.get("subject") is True), 1,
                    "%s: number of subject faces" % label)
        ids = []
        for i, c in enumerate(checks):
            cl = "%s check %d" % (label, i)
            if not h.check(isinstance(c, dict), "%s: not an object" % cl):
                continue
            cl = "%s check %r" % (label, c.get("id"))
            ids.append(c.get("id"))
            h.equal(list(c.keys()), CHECK_KEYS, "%s: keys" % cl)
            h.check(isinstance(c.get("id"), str)
                    and SNAKE.match(c.get("id") or ""),
                    "%s: id must be snake_case" % cl)
            h.check(c.get("status") in STATUSES,
                    "%s: status %r" % (cl, c.get("status")))
            h.check(c.get("value") is None or is_num(c.get("value")),
                    "%s: value must be a number or null: %r"
                    % (cl, c.get("value")))
            h.check(isinstance(c.get("unit"), str), "%s: unit" % cl)
            h.check(isinstance(c.get("limit"), str), "%s: limit" % cl)
            m = c.get("message")
            h.check(isinstance(m, dict) and list(m.keys()) == ["zh", "en"]
                    and all(isinstance(m[k], str) and m[k].strip()
                            for k in ("zh", "en")),
                    "%s: message must be {zh, en}, non-empty: %r" % (cl, m))
        h.equal(len(set(ids)), len(ids), "%s: check ids unique" % label)
        h.equal(verdict, expected_verdict(checks),
                "%s: verdict vs the checks' statuses" % label)
        return ids

    def validate_face(self, f, label):
        h = self.h
        if not h.check(isinstance(f, dict), "%s: not an object" % label):
            return
        box = f.get("box")
        h.check(isinstance(box, list) and len(box) == 4
                and all(is_num(v) for v in box) and box[2] > 0 and box[3] > 0,
                "%s: box must be [x, y, w>0, h>0]: %r" % (label, box))
        h.check(is_num(f.get("score")), "%s: score %r"
                % (label, f.get("score")))
        h.check(isinstance(f.get("subject"), bool)
                and isinstance(f.get("counted"), bool),
                "%s: subject and counted must be booleans" % label)
        lm = f.get("landmarks")
        h.check(isinstance(lm, list) and len(lm) == 68
                and all(isinstance(p, list) and len(p) == 2
                        and all(is_num(v) for v in p) for p in lm),
                "%s: landmarks must be 68 [x, y] number pairs (got %s)"
                % (label, len(lm) if isinstance(lm, list) else type(lm)))

    # ---- setup ----

    def prepare(self):
        a = self.args
        missing = [n for n in NEEDED_SAMPLES if not os.path.isfile(self.s(n))]
        if missing:
            print("FAIL setup: samples missing in %s: %s (run "
                  "scripts/make-samples.sh)" % (a.samples, ", ".join(missing)))
            print("0 passed, 1 failed")
            sys.exit(1)
        names = sorted(os.listdir(a.samples))
        self.loadable = [self.s(n) for n in names
                         if n.lower().endswith((".jpg", ".jpeg", ".png",
                                                ".webp", ".tif", ".tiff"))
                         and n not in BAD_SAMPLES]
        self.A = self.s("astronaut.jpg")
        self.good = self.s("astronaut-480x640.jpg")
        self.missing = os.path.join(self.tmp, "no-such-dir", "missing.jpg")
        self.not_image = self.s("not-an-image.jpg")
        self.truncated = self.s("truncated.jpg")
        self.empty = os.path.join(self.tmp, "empty.jpg")
        open(self.empty, "wb").close()
        self.a_dir = os.path.join(self.tmp, "a-directory.jpg")
        os.mkdir(self.a_dir)
        self.zh_name = os.path.join(self.tmp, "张三 照片.jpg")
        shutil.copyfile(self.A, self.zh_name)
        self.quote_name = os.path.join(self.tmp, 'q"uote\\back\tslash.jpg')
        shutil.copyfile(self.A, self.quote_name)
        # A GB18030-encoded (not UTF-8) name, as unzipped from Windows.
        self.gbk_name = os.path.join(os.fsencode(self.tmp),
                                     "李四".encode("gb18030") + b".jpg")
        try:
            shutil.copyfile(os.fsencode(self.A), self.gbk_name)
        except OSError:
            self.gbk_name = None
        self.corrupt_model = os.path.join(self.tmp, "corrupt-model.dat")
        with open(self.corrupt_model, "wb") as f:
            f.write(os.urandom(100))
        self.school = os.path.join(a.source, "profiles", "example-school.json")
        with open(self.school, encoding="utf-8") as f:
            school = json.load(f)
        self.school_id = school.get("id")
        typo = {("min_qualty" if k == "min_quality" else k): v
                for k, v in school.items()}
        if typo == school:  # no min_quality: misspell the last key instead
            last = list(school)[-1]
            typo = {(k + "x" if k == last else k): v
                    for k, v in school.items()}
        self.typo_key = [k for k in typo if k not in school][0]
        self.typo_profile = os.path.join(self.tmp, "typo-profile.json")
        with open(self.typo_profile, "w", encoding="utf-8") as f:
            json.dump(typo, f, ensure_ascii=False, indent=2)
        self.bad_json_profile = os.path.join(self.tmp, "broken.json")
        with open(self.bad_json_profile, "w") as f:
            f.write('{"base": "chsi", "id": ')
        self.no_profile = os.path.join(self.tmp, "no-such-profile.json")

        # Input files whose bytes and mtime must not change.
        watched = [os.path.join(a.samples, n) for n in names
                   if os.path.isfile(os.path.join(a.samples, n))]
        watched += [self.zh_name, self.quote_name, self.school, self.empty]
        if self.gbk_name:
            watched.append(self.gbk_name)
        self.before = {p: e2e.file_state(p) for p in watched}

        # Every run that loads the model, started now, two at a time.
        en = {"LANG": "C"}
        env_unset = ["LC_ALL", "LC_MESSAGES", "LANGUAGE"]
        self.batch_files = self.loadable + [self.zh_name]
        self.submit("batch", "--json", *self.batch_files)
        self.submit("capture", "--capture", "--json", self.A, self.good)
        self.submit("zh_v", "--lang", "zh", "-v", self.A)
        self.submit("en_v", "--lang", "en", "-v", self.A)
        self.submit("en", "--lang", "en", self.A)
        self.submit("env_zh", "-v", self.A,
                    set_env={"LANG": "zh_CN.UTF-8"}, unset_env=env_unset)
        self.submit("env_c", "-v", self.A, set_env=en, unset_env=env_unset)
        self.submit("env_lc_all", "-v", self.A,
                    set_env={"LC_ALL": "C", "LANG": "zh_CN.UTF-8"},
                    unset_env=["LC_MESSAGES", "LANGUAGE"])
        self.submit("quiet_a", "-q", self.A)
        self.submit("quiet_good", "-q", self.good)
        self.submit("school", "--json", "--profile", self.school, self.A)
        self.several = [self.s("astronaut.png"), self.missing, self.not_image,
                        self.zh_name]
        self.submit("several_json", "--json", *self.several)
        self.submit("several_human", "--lang", "en", *self.several)
        self.submit("timings", "--json", "--timings", self.good, self.A)
        self.submit("timings_text", "--timings", "--lang", "en", self.good)
        self.submit("maxpix_equal", "--json", "--max-pixels", "262144",
                    self.A)
        odd = [self.quote_name] + ([self.gbk_name] if self.gbk_name else [])
        self.submit("odd_names", b"--json", *[os.fsencode(p) for p in odd])

    def model_probe(self):
        """False when the tool cannot find its model here."""
        reps = self.reports("batch")
        r = self.get("batch")
        if r.returncode == 5 and reps and (reps[0].get("error") or {}).get(
                "code") == "model":
            return False
        return True

    # ---- tests without the model ----

    def test_help(self):
        h = self.h
        r1 = self.run("--help")
        r2 = self.run("-h")
        for r, label in ((r1, "--help"), (r2, "-h")):
            self.no_crash(r, label)
            h.equal(r.returncode, 0, "%s: exit code %s" % (label,
                                                          r.describe()))
            h.equal(r.stderr, "", "%s: stderr" % label)
            h.check("Usage: photo-check" in r.stdout,
                    "%s: stdout lacks 'Usage: photo-check' %s"
                    % (label, r.describe()))
        for opt in OPTIONS:
            h.check(re.search(r"(^|[\s,])%s\b" % re.escape(opt), r1.stdout,
                              re.M),
                    "--help does not mention %s" % opt)
        h.equal(r2.stdout, r1.stdout, "-h prints the same as --help")

    def test_version(self):
        h = self.h
        lib_version = None
        try:
            with open(os.path.join(self.args.source, "lib", "include",
                                   "idphoto.h"), encoding="utf-8") as f:
                m = re.search(r'#define\s+IDP_VERSION_STRING\s+"([^"]+)"',
                              f.read())
                lib_version = m.group(1) if m else None
        except OSError:
            pass
        h.check(lib_version, "IDP_VERSION_STRING not found in idphoto.h")
        outs = []
        for opt in ("--version", "-V"):
            r = self.run(opt)
            outs.append(r.stdout)
            self.no_crash(r, opt)
            h.equal(r.returncode, 0, "%s: exit code %s" % (opt, r.describe()))
            h.equal(r.stderr, "", "%s: stderr" % opt)
            h.check(r.stdout.startswith("photo-check"),
                    "%s: stdout must start with 'photo-check' %s"
                    % (opt, r.describe()))
            if lib_version:
                h.check(re.search(r"\b%s\b" % re.escape(lib_version),
                                  r.stdout),
                        "%s: no library version %s %s"
                        % (opt, lib_version, r.describe()))
            for dep in ("libvips", "dlib", "cJSON"):
                h.check(re.search(r"\b%s[ /v-]*\d+\.\d+" % dep, r.stdout),
                        "%s: no '%s <version>' %s" % (opt, dep, r.describe()))
        h.equal(outs[1], outs[0], "-V prints the same as --version")

    def test_usage_errors(self):
        A = self.A
        cases = [
            ("no FILE", []),
            ("unknown option", ["--no-such-option", A]),
            ("unknown short option", ["-x", A]),
            ("--lang fr", ["--lang", "fr", A]),
            ("--profile nosuch", ["--profile", "nosuch", A]),
            ("--max-pixels abc", ["--max-pixels", "abc", A]),
            ("--max-pixels 0", ["--max-pixels", "0", A]),
            ("--max-pixels -5", ["--max-pixels", "-5", A]),
            ("--max-pixels 12x", ["--max-pixels", "12x", A]),
            ("--max-pixels without a value", [A, "--max-pixels"]),
            ("--json alone", ["--json"]),
        ]
        for label, argv in cases:
            self.usage_error(self.run(*argv), label)

    def test_list_profiles(self):
        h = self.h
        base = self.run("--list-profiles", set_env={"LANG": "C"},
                        unset_env=["LC_ALL", "LC_MESSAGES"])
        self.no_crash(base, "--list-profiles")
        h.equal(base.returncode, 0, "--list-profiles: exit code %s"
                % base.describe())
        lines = [ln for ln in base.stdout_lines() if ln.strip()]
        ids = [ln.split()[0] for ln in lines]
        h.equal(sorted(ids), sorted(BUILTIN_PROFILES),
                "--list-profiles: the profile ids (first word of each line)")
        h.equal(len(lines), len(BUILTIN_PROFILES),
                "--list-profiles: one line per profile")
        h.equal(base.stderr, "", "--list-profiles: stderr")
        zh = self.run("--list-profiles", "--lang", "zh")
        h.equal(zh.returncode, 0, "--list-profiles --lang zh: exit code")
        h.check(CJK.search(zh.stdout), "--list-profiles --lang zh: no "
                "Chinese names %s" % zh.describe())
        variants = [
            ("--model /nonexistent.dat", ["--model", "/nonexistent.dat"], {}),
            ("IDP_MODEL=/nonexistent.dat", [],
             {"IDP_MODEL": "/nonexistent.dat"}),
            ("--model CORRUPT", ["--model", self.corrupt_model], {}),
        ]
        for label, argv, env in variants:
            env = dict(env, LANG="C")
            r = self.run("--list-profiles", *argv, set_env=env,
                         unset_env=["LC_ALL", "LC_MESSAGES"])
            self.no_crash(r, "--list-profiles " + label)
            h.equal(r.returncode, 0, "--list-profiles with %s (the model is "
                    "never loaded for it): exit code %s" % (label,
                                                            r.describe()))
            h.equal(r.stdout, base.stdout, "--list-profiles with %s: stdout"
                    % label)

    def error_files(self):
        return [(self.missing, "io"), (self.not_image, "decode"),
                (self.truncated, "decode"), (self.a_dir, None),
                (self.empty, None)]

    def test_unreadable_inputs(self):
        h = self.h
        for path, _ in self.error_files():
            label = os.path.basename(path)
            r = self.run("--lang", "en", path)
            self.no_crash(r, label)
            h.equal(r.returncode, 3, "%s: exit code %s" % (label,
                                                          r.describe()))
            self.one_line_diag(r, path, label)

    def test_control_characters_in_names(self):
        """A file name holding a newline or a tab still gets one line,
        with the bytes written as \\n and \\x09."""
        h = self.h
        path = os.path.join(self.tmp, "two\nlines\tname.jpg")
        shutil.copy(self.not_image, path)
        r = self.run("--lang", "en", path)
        self.no_crash(r, "newline name")
        h.equal(r.returncode, 3, "newline name: exit %s" % r.describe())
        shown = path.replace("\n", "\\n").replace("\t", "\\x09")
        self.one_line_diag(r, shown, "newline name")

    def test_unreadable_inputs_json(self):
        h = self.h
        files = self.error_files()
        r = self.run("--json", *[p for p, _ in files])
        self.no_crash(r, "--json on unreadable files")
        h.equal(r.returncode, 3, "--json on unreadable files: exit code %s"
                % r.describe())
        try:
            reps = e2e.parse_jsonl(r.stdout_bytes)
        except e2e.JsonLinesError as e:
            h.check(False, "--json on unreadable files: %s" % e)
            return
        h.equal([x.get("file") for x in reps], [p for p, _ in files],
                "--json on unreadable files: one report per file, in "
                "argument order")
        for rep, (path, code) in zip(reps, files):
            label = "--json " + os.path.basename(path)
            self.validate_report(rep, label)
            h.equal(rep.get("verdict"), "error", "%s: verdict" % label)
            if code:
                h.equal((rep.get("error") or {}).get("code"), code,
                        "%s: error.code" % label)
            h.equal(rep.get("image"), None, "%s: image" % label)
            h.equal(rep.get("faces"), [], "%s: faces" % label)

    def test_profile_file_errors(self):
        h = self.h
        cases = [
            ("profile with a typo'd key", self.typo_profile, self.typo_key),
            ("nonexistent .json profile", self.no_profile, None),
            ("profile that is not JSON", self.bad_json_profile, None),
        ]
        for label, path, key in cases:
            r = self.run("--profile", path, self.A)
            self.no_crash(r, label)
            h.equal(r.returncode, 5, "%s: exit code (5 = profile missing or "
                    "invalid) %s" % (label, r.describe()))
            self.one_line_diag(r, path, label)
            if key:
                h.check(key in r.stderr, "%s: stderr does not name the key "
                        "%r %s" % (label, key, r.describe()))

    def corrupt_compact_models(self):
        """Broken copies of the build's compact model (lib/shape_model.h):
        its magic then random bytes, the first 4 MB of it, and a full copy
        with one byte of its split table changed (the checksum catches
        it). None without --model."""
        model = self.args.model
        if not model or not os.path.isfile(model):
            return []
        with open(model, "rb") as f:
            data = f.read()
        broken = {
            "magic + random bytes": data[:8] + os.urandom(200),
            "truncated compact model": data[:4 << 20],
            "compact model, one byte changed":
                data[:200000] + bytes([data[200000] ^ 0x40]) + data[200001:],
        }
        cases = []
        for i, (label, content) in enumerate(broken.items()):
            path = os.path.join(self.tmp, "broken-%d.idp" % i)
            with open(path, "wb") as f:
                f.write(content)
            cases.append((label, ["--model", path], {}, path))
        return cases

    def test_model_errors(self):
        h = self.h
        cases = [
            ("--model /nonexistent.dat", ["--model", "/nonexistent.dat"], {},
             "/nonexistent.dat"),
            ("IDP_MODEL=/nonexistent.dat", [],
             {"IDP_MODEL": "/nonexistent.dat"}, "/nonexistent.dat"),
            ("corrupt model (100 random bytes)",
             ["--model", self.corrupt_model], {}, self.corrupt_model),
            ("a directory as model", ["--model", self.tmp], {}, self.tmp),
        ]
        cases += self.corrupt_compact_models()
        for label, argv, env, path in cases:
            r = self.run(*(argv + [self.A]), set_env=env)
            self.no_crash(r, label)
            h.equal(r.returncode, 5, "%s: exit code %s" % (label,
                                                          r.describe()))
            self.one_line_diag(r, path, label)
        # --json: the file that could not be judged gets an error report.
        r = self.run("--json", "--model", self.corrupt_model, self.A)
        self.no_crash(r, "--json with a corrupt model")
        h.equal(r.returncode, 5, "--json with a corrupt model: exit code %s"
                % r.describe())
        try:
            reps = e2e.parse_jsonl(r.stdout_bytes)
        except e2e.JsonLinesError as e:
            reps = []
            h.check(False, "--json with a corrupt model: %s" % e)
        if h.check(len(reps) >= 1, "--json with a corrupt model: no report "
                   "%s" % r.describe()):
            self.validate_report(reps[0], "--json with a corrupt model")
            h.equal(reps[0].get("verdict"), "error",
                    "--json with a corrupt model: verdict")
            h.equal((reps[0].get("error") or {}).get("code"), "model",
                    "--json with a corrupt model: error.code")

    def test_no_model_work(self):
        """--help, --version, usage errors and unreadable inputs never load
        the model: with a corrupt one they still exit 0, 2 and 3, not 5."""
        h = self.h
        bad = ["--model", self.corrupt_model]
        for label, argv, code in [
                ("--help", bad + ["--help"], 0),
                ("--version", bad + ["--version"], 0),
                ("usage error", bad + ["--bogus", self.A], 2),
                ("no FILE", bad, 2),
                ("missing input", bad + [self.missing], 3),
                ("not an image", bad + ["--json", self.not_image], 3)]:
            r = self.run(*argv)
            self.no_crash(r, label)
            h.equal(r.returncode, code, "%s with a corrupt model: exit code "
                    "%s" % (label, r.describe()))

    def test_timings(self):
        """--timings: a "timings" object after every other key, its stages
        in a fixed order; the stages photo-check runs are numbers, the
        making's null; the model is loaded once per process."""
        h = self.h
        reps = self.reports("timings")
        if not h.check(len(reps) == 2, "--timings: 2 reports, got %d"
                       % len(reps)):
            return
        for rep in reps:
            h.equal(list(rep.keys()), REPORT_KEYS + ["timings"],
                    "--timings: keys in order")
            t = rep.get("timings") or {}
            h.equal(list(t.keys()), TIMING_KEYS, "--timings: stages in order")
            for k in ("decode", "detect", "landmarks", "segment", "checks",
                      "model_load"):
                v = t.get(k)
                h.check(isinstance(v, (int, float)) and 0 <= v < 600000,
                        "--timings: %s = %r" % (k, v))
            for k in ("frame", "recolour", "encode"):
                h.equal(t.get(k), None, "--timings: photo-check does no %s"
                        % k)
        h.equal(reps[1]["timings"].get("model_load"), 0,
                "--timings: the second photo loads no model")
        lines = self.get("timings_text").stdout_lines()
        h.check(any(ln.startswith("  timings (ms): decode ") for ln in lines),
                "--timings without --json: a timings line %r" % lines)
        for rep in self.reports("batch"):
            h.check("timings" not in rep, "no timings without --timings")

    def test_most_severe_exit(self):
        """3 (missing input) then 5 (no model): the exit code is 5."""
        r = self.run("--model", "/nonexistent.dat", self.missing, self.A)
        self.no_crash(r, "missing file + missing model")
        self.h.equal(r.returncode, 5, "missing file then a photo with a "
                     "missing model: most severe exit code %s"
                     % r.describe())

    def test_max_pixels(self):
        h = self.h
        r = self.run("--max-pixels", "1000", self.A)
        self.no_crash(r, "--max-pixels 1000")
        h.equal(r.returncode, 3, "--max-pixels 1000 on 512x512: exit code %s"
                % r.describe())
        self.one_line_diag(r, self.A, "--max-pixels 1000")
        h.check(re.search(r"pixel", r.stderr, re.I)
                and re.search(r"too many|more than|exceed|limit|allowed",
                              r.stderr, re.I),
                "--max-pixels 1000: stderr does not say there are too many "
                "pixels %s" % r.describe())
        r = self.run("--json", "--max-pixels", "1000", self.A)
        h.equal(r.returncode, 3, "--json --max-pixels 1000: exit code")
        try:
            reps = e2e.parse_jsonl(r.stdout_bytes)
        except e2e.JsonLinesError as e:
            reps = []
            h.check(False, "--json --max-pixels 1000: %s" % e)
        if h.equal(len(reps), 1, "--json --max-pixels 1000: reports"):
            self.validate_report(reps[0], "--json --max-pixels 1000")
            h.equal(reps[0].get("verdict"), "error",
                    "--json --max-pixels 1000: verdict")
        r = self.run("--max-pixels", str(512 * 512 - 1), self.A)
        h.equal(r.returncode, 3, "--max-pixels 262143 on 512x512 (one pixel "
                "too many): exit code %s" % r.describe())

    def test_quiet_errors(self):
        r = self.run("-q", self.missing)
        self.h.equal(r.returncode, 3, "-q on a missing file: exit code")
        self.h.equal(r.stdout, "", "-q on a missing file: stdout")
        self.h.check(self.missing in r.stderr, "-q on a missing file: the "
                     "error still goes to stderr %s" % r.describe())

    # ---- tests with the model ----

    def batch_reports(self):
        return self.reports("batch")

    def test_json_samples(self):
        h = self.h
        r = self.get("batch")
        self.no_crash(r, "--json on every sample")
        reps = self.batch_reports()
        h.equal([x.get("file") for x in reps], self.batch_files,
                "--json on every loadable sample: one report per file, in "
                "argument order")
        h.equal(r.returncode, exit_for_reports(reps),
                "--json on every loadable sample: exit code (1 iff a fail "
                "verdict) %s" % r.describe())
        h.equal(r.stderr, "", "--json on loadable samples: stderr (no "
                "diagnostics when every file loads)")
        id_lists = {}
        for rep in reps:
            label = os.path.basename(str(rep.get("file")))
            ids = self.validate_report(rep, label)
            id_lists[label] = ids
            h.check(rep.get("verdict") != "error",
                    "%s: a loadable sample gave an error report: %r"
                    % (label, rep.get("error")))
            h.equal(rep.get("profile"), "chsi", "%s: default profile" % label)
            h.equal(rep.get("mode"), "final", "%s: default mode" % label)
        if id_lists:
            ref_name = os.path.basename(self.A)
            ref = id_lists.get(ref_name) or next(iter(id_lists.values()))
            h.check(len(ref) > 0, "no check ids in %s" % ref_name)
            for label, ids in id_lists.items():
                h.equal(ids, ref, "%s: check ids (same set, same order for "
                        "every file)" % label)
            self.check_ids = ref

    def test_json_message_languages(self):
        """message.en is English (no Chinese), message.zh is Chinese."""
        h = self.h
        bad_en, bad_zh = {}, {}  # message -> ["id (status) in file", ...]
        for key in ("batch", "capture"):
            for rep in self.reports(key):
                for c in rep.get("checks") or []:
                    m = c.get("message") or {}
                    en, zh = m.get("en", ""), m.get("zh", "")
                    where = "%s (%s) in %s %s" % (
                        c.get("id"), c.get("status"),
                        os.path.basename(str(rep.get("file"))),
                        rep.get("mode"))
                    if CJK.search(en or ""):
                        bad_en.setdefault(en, []).append(where)
                    if not CJK.search(zh or ""):
                        bad_zh.setdefault(zh, []).append(where)
        h.check(self.reports("batch"), "no reports to look at")
        for en, where in sorted(bad_en.items()):
            ids = sorted(set(w.split(" ")[0] for w in where))
            h.check(False, "message.en contains Chinese: %r in %d checks "
                    "(ids %s; e.g. %s)" % (en, len(where), ", ".join(ids),
                                          where[0]))
        for zh, where in sorted(bad_zh.items()):
            ids = sorted(set(w.split(" ")[0] for w in where))
            h.check(False, "message.zh has no Chinese: %r in %d checks "
                    "(ids %s; e.g. %s)" % (zh, len(where), ", ".join(ids),
                                          where[0]))
        if not bad_en and not bad_zh:
            h.check(True, "")

    def test_capture(self):
        h = self.h
        r = self.get("capture")
        self.no_crash(r, "--capture")
        reps = self.reports("capture")
        h.equal([x.get("file") for x in reps], [self.A, self.good],
                "--capture --json: one report per file")
        h.equal(r.returncode, exit_for_reports(reps),
                "--capture: exit code %s" % r.describe())
        for rep in reps:
            label = "--capture " + os.path.basename(str(rep.get("file")))
            ids = self.validate_report(rep, label)
            h.equal(rep.get("mode"), "capture", "%s: mode" % label)
            status = {c.get("id"): c.get("status")
                      for c in rep.get("checks") or []}
            for cid in FILE_CHECKS:
                h.equal(status.get(cid), "skip", "%s: %s status" % (label,
                                                                   cid))
            if getattr(self, "check_ids", None):
                h.equal(ids, self.check_ids, "%s: check ids as in final mode"
                        % label)

    def a_report(self):
        return self.by_file("batch").get(self.A) or {}

    def test_language(self):
        h = self.h
        zh, en = self.get("zh_v"), self.get("en_v")
        for r, label in ((zh, "--lang zh -v"), (en, "--lang en -v")):
            self.no_crash(r, label)
            h.equal(r.returncode, exit_for_reports([self.a_report()]),
                    "%s: exit code %s" % (label, r.describe()))
            h.check(r.stdout.startswith(self.A + ": "),
                    "%s: the first line must be 'FILE: verdict' %s"
                    % (label, r.describe()))
        h.check(zh.stdout != en.stdout, "--lang zh and --lang en print the "
                "same thing")
        h.check(CJK.search(zh.stdout), "--lang zh: no Chinese characters %s"
                % zh.describe())
        h.check(CJK.search(zh.stdout_lines()[0] if zh.stdout else ""),
                "--lang zh: the verdict line is not in Chinese %s"
                % zh.describe())
        verdict = self.a_report().get("verdict")
        if verdict:
            h.equal(en.stdout_lines()[0] if en.stdout else "",
                    "%s: %s" % (self.A, verdict), "--lang en: verdict line")
        for key in ("en_v", "en"):
            cjk = [ln.strip() for ln in self.get(key).stdout_lines()
                   if CJK.search(ln)]
            h.check(not cjk, "%s: %d lines of English output contain "
                    "Chinese, e.g. %r" % (key, len(cjk),
                                          cjk[0] if cjk else ""))
        env_zh, env_c = self.get("env_zh"), self.get("env_c")
        h.equal(env_zh.stdout, zh.stdout, "LANG=zh_CN.UTF-8 (LC_ALL, "
                "LC_MESSAGES unset) must print as --lang zh")
        h.equal(env_c.stdout, en.stdout, "LANG=C (LC_ALL, LC_MESSAGES "
                "unset) must print as --lang en")
        h.equal(self.get("env_lc_all").stdout, en.stdout,
                "LC_ALL=C overrides LANG=zh_CN.UTF-8: must print as --lang en")

    def human_ids(self, r):
        """Check ids listed in human output (lines after the verdict)."""
        ids = []
        for ln in r.stdout_lines()[1:]:
            words = ln.split()
            if len(words) >= 2:
                ids.append(words[1])
        return ids

    def test_verbose(self):
        h = self.h
        rep = self.a_report()
        checks = rep.get("checks") or []
        all_ids = [c.get("id") for c in checks]
        shown = [c.get("id") for c in checks
                 if c.get("status") in ("warn", "fail")]
        if not h.check(all_ids, "no checks for %s" % self.A):
            return
        for key in ("en_v", "zh_v"):
            r = self.get(key)
            h.equal(self.human_ids(r), all_ids, "%s: -v lists every rule, "
                    "one line per check id, in report order" % key)
            h.equal(len(r.stdout_lines()), 1 + len(all_ids),
                    "%s: -v line count (verdict + one per check)" % key)
        r = self.get("en")
        h.equal(self.human_ids(r), shown, "without -v: only the warn and "
                "fail checks are listed")

    def test_quiet(self):
        h = self.h
        for key, path in (("quiet_a", self.A), ("quiet_good", self.good)):
            r = self.get(key)
            self.no_crash(r, key)
            rep = self.by_file("batch").get(path)
            h.equal(r.stdout, "", "-q %s: stdout" % os.path.basename(path))
            h.equal(r.stderr, "", "-q %s: stderr" % os.path.basename(path))
            if h.check(rep, "no --json report for %s" % path):
                h.equal(r.returncode, exit_for_reports([rep]),
                        "-q %s: exit code (verdict %s)"
                        % (os.path.basename(path), rep.get("verdict")))

    def test_profile_file(self):
        h = self.h
        r = self.get("school")
        self.no_crash(r, "--profile example-school.json")
        reps = self.reports("school")
        if h.equal(len(reps), 1, "--profile example-school.json: reports %s"
                   % r.describe()):
            self.validate_report(reps[0], "--profile example-school.json")
            h.equal(reps[0].get("profile"), self.school_id,
                    "--profile example-school.json: the report's profile")
            h.equal(r.returncode, exit_for_reports(reps),
                    "--profile example-school.json: exit code")

    def test_several_files(self):
        h = self.h
        r = self.get("several_json")
        self.no_crash(r, "several files --json")
        h.equal(r.returncode, 3, "a non-compliant photo + a missing file + "
                "a non-image: exit code (most severe) %s" % r.describe())
        reps = self.reports("several_json")
        h.equal([x.get("file") for x in reps], self.several,
                "several files --json: one report per file, in argument "
                "order")
        verdicts = [x.get("verdict") for x in reps]
        if len(verdicts) == 4:
            h.check(verdicts[0] in ("pass", "warn", "fail")
                    and verdicts[3] in ("pass", "warn", "fail")
                    and verdicts[1:3] == ["error", "error"],
                    "several files --json: verdicts %r" % verdicts)
        for rep in reps:
            self.validate_report(rep, "several files: "
                                 + os.path.basename(str(rep.get("file"))))
        r = self.get("several_human")
        h.equal(r.returncode, 3, "several files (human): exit code %s"
                % r.describe())
        heads = [ln for ln in r.stdout_lines() if not ln.startswith(" ")]
        want = [self.several[0] + ": ", self.several[3] + ": "]
        h.check(len(heads) == 2 and all(a.startswith(b)
                                        for a, b in zip(heads, want)),
                "several files (human): verdict lines %r, expected lines "
                "starting %r" % (heads, want))
        errs = r.stderr_lines()
        h.check(len(errs) == 2 and errs[0].startswith(
            "%s: %s: " % (PROG, self.missing)) and errs[1].startswith(
            "%s: %s: " % (PROG, self.not_image)),
            "several files (human): stderr must name the missing file then "
            "the non-image, one line each %s" % r.describe())

    def test_file_names(self):
        h = self.h
        rep = self.by_file("batch").get(self.zh_name)
        if h.check(rep, "no report whose file is %r (space and Chinese "
                   "name)" % self.zh_name):
            h.check(rep.get("verdict") in ("pass", "warn", "fail"),
                    "%r: verdict %r" % (self.zh_name, rep.get("verdict")))
            ref = self.a_report()
            h.equal(rep.get("checks"), ref.get("checks"),
                    "a copy named '张三 照片.jpg' is judged as astronaut.jpg")
        r = self.get("odd_names")
        lines = r.stdout_bytes.split(b"\n")
        lines = [ln for ln in lines if ln.strip()]
        n = 2 if self.gbk_name else 1
        h.equal(len(lines), n, "odd file names: one JSON line per file %s"
                % r.describe())
        if lines:
            try:
                q = e2e.parse_jsonl(lines[0])[0]
                h.equal(q.get("file"), self.quote_name,
                        "a name with a quote, a backslash and a tab: file")
            except e2e.JsonLinesError as e:
                h.check(False, "a name with a quote, backslash and tab: %s"
                        % e)
        if self.gbk_name and len(lines) > 1:
            try:
                g = e2e.parse_jsonl(lines[1])[0]
                h.check(isinstance(g.get("file"), str) and g.get("file"),
                        "GB18030 file name: file %r" % g.get("file"))
                h.check(g.get("verdict") in ("pass", "warn", "fail"),
                        "GB18030 file name: verdict %r" % g.get("verdict"))
            except e2e.JsonLinesError as e:
                h.check(False, "a file name that is not UTF-8 (GB18030 "
                        "'李四.jpg') must still give valid UTF-8 JSON: %s" % e)
        elif not self.gbk_name:
            h.skip("file_names/gb18030", "cannot create a non-UTF-8 name "
                   "here")

    def test_max_pixels_boundary(self):
        r = self.get("maxpix_equal")
        self.no_crash(r, "--max-pixels 262144")
        rep = self.a_report()
        img = rep.get("image") or {}
        self.h.equal((img.get("width"), img.get("height")), (512, 512),
                     "astronaut.jpg size (the boundary below assumes it)")
        self.h.check(r.returncode in (0, 1), "--max-pixels 262144 on a "
                     "512x512 image (exactly the limit) must load: %s"
                     % r.describe())

    def test_same_subject_across_formats(self):
        h = self.h
        files = self.by_file("batch")
        centres = {}
        for name in SAME_PICTURE:
            rep = files.get(self.s(name)) or {}
            subj = subject_of(rep)
            if not h.check(subj, "%s: no subject face" % name):
                continue
            img = rep.get("image") or {}
            c = box_centre(subj["box"])
            centres[name] = (c[0] / img.get("width", 1),
                             c[1] / img.get("height", 1))
        names = list(centres)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                dx = abs(centres[a][0] - centres[b][0])
                dy = abs(centres[a][1] - centres[b][1])
                h.check(dx <= 0.03 and dy <= 0.03,
                        "subject box centres of %s %r and %s %r differ by "
                        "more than 3%% of the image" % (
                            a, tuple(round(v, 3) for v in centres[a]),
                            b, tuple(round(v, 3) for v in centres[b])))

    def test_exif_orientation(self):
        h = self.h
        files = self.by_file("batch")
        rep = files.get(self.s("astronaut-exif6.jpg")) or {}
        ref = files.get(self.s("astronaut.png")) or {}
        img, ref_img = rep.get("image") or {}, ref.get("image") or {}
        h.equal((img.get("width"), img.get("height")),
                (ref_img.get("width"), ref_img.get("height")),
                "astronaut-exif6.jpg: size after orientation = the upright "
                "size")
        h.equal(img.get("orientation"), 6,
                "astronaut-exif6.jpg: image.orientation")
        subj = subject_of(rep)
        if not h.check(subj, "astronaut-exif6.jpg: no subject face (EXIF "
                       "orientation not applied?)"):
            return
        lm = subj["landmarks"]
        roll = roll_of(lm)
        h.check(abs(roll) < 10, "astronaut-exif6.jpg: eyes not level "
                "(roll %.1f deg from landmarks): EXIF orientation not "
                "applied?" % roll)
        (lx, ly), (rx, ry) = eye_centres(lm)
        chin_y = lm[8][1]
        h.check(max(ly, ry) < chin_y, "astronaut-exif6.jpg: eye line (y "
                "%.0f) not above the chin (y %.0f)" % (max(ly, ry), chin_y))
        h.check(lx < rx, "astronaut-exif6.jpg: left eye (36-41) x %.0f is "
                "not left of the right eye x %.0f" % (lx, rx))
        m = rep.get("measurements") or {}
        h.check(is_num(m.get("roll_deg")) and abs(m["roll_deg"]) < 10,
                "astronaut-exif6.jpg: measurements.roll_deg %r"
                % m.get("roll_deg"))

    def test_rot90_without_exif(self):
        rep = self.by_file("batch").get(self.s("astronaut-rot90.jpg")) or {}
        self.h.check(rep.get("image"), "astronaut-rot90.jpg: no report")
        subj = subject_of(rep)
        if subj:
            roll = roll_of(subj["landmarks"])
            self.h.check(abs(abs(roll) - 90) < 20,
                         "astronaut-rot90.jpg: a face was found upright "
                         "(roll %.1f deg); expected none or a roll near "
                         "+-90" % roll)
        else:
            self.h.check(True, "")
        self.h.equal((rep.get("image") or {}).get("orientation"), 1,
                     "astronaut-rot90.jpg: orientation (no EXIF)")

    def test_mission_patch(self):
        h = self.h
        files = self.by_file("batch")
        rep = files.get(self.A) or {}
        counted = [f for f in rep.get("faces") or [] if f.get("counted")]
        if h.equal(len(counted), 1, "astronaut.jpg: counted faces"):
            h.check(counted[0].get("subject") is True,
                    "astronaut.jpg: the counted face is not the subject")
        subj = subject_of(rep)
        if h.check(subj, "astronaut.jpg: no subject"):
            h.check(subj["box"][1] < 150, "astronaut.jpg: subject box top y "
                    "%.0f is not above 150 (the patch, not the face?)"
                    % subj["box"][1])
        for path, r in files.items():
            n = sum(1 for f in r.get("faces") or [] if f.get("counted"))
            h.check(n <= 1, "%s: %d counted faces (one person in every "
                    "sample)" % (os.path.basename(path), n))

    def test_inputs_unmodified(self):
        self.runner.close()  # every run has finished
        for path, state in self.before.items():
            now = e2e.file_state(path)
            self.h.equal(now, state, "%s: (sha256, size, mtime) after the "
                         "runs" % os.fsdecode(path))

    # ---- driver ----

    def main(self):
        h = self.h
        try:
            self.prepare()
            quick = [self.test_help,
                     self.test_version, self.test_usage_errors,
                     self.test_list_profiles, self.test_unreadable_inputs,
                     self.test_unreadable_inputs_json,
                     self.test_control_characters_in_names,
                     self.test_profile_file_errors, self.test_model_errors,
                     self.test_most_severe_exit, self.test_max_pixels,
                     self.test_no_model_work,
                     self.test_quiet_errors]
            model = [self.test_json_samples, self.test_json_message_languages,
                     self.test_capture, self.test_language, self.test_verbose,
                     self.test_quiet, self.test_profile_file,
                     self.test_several_files, self.test_file_names,
                     self.test_max_pixels_boundary,
                     self.test_same_subject_across_formats,
                     self.test_timings,
                     self.test_exif_orientation, self.test_rot90_without_exif,
                     self.test_mission_patch]
            for t in quick:
                h.run_one(t.__name__[5:], t)
            self.have_model = self.model_probe()
            for t in model:
                if self.have_model:
                    h.run_one(t.__name__[5:], t)
                else:
                    h.skip(t.__name__[5:], "the dlib model was not found "
                           "(install libdlib-data or set IDP_MODEL)")
            h.run_one("inputs_unmodified", self.test_inputs_unmodified)
        finally:
            self.runner.close()
            shutil.rmtree(self.tmp, ignore_errors=True)
        h.finish()


if __name__ == "__main__":
    CliTests(e2e.parse_args(description=__doc__.splitlines()[0])).main()
