"""idp_e2e - what the end-to-end test scripts share (Python 3 stdlib only).

Every script in tests/e2e/ is run by CTest as

    python3 tests/e2e/SCRIPT --bin DIR --samples DIR --photos DIR --source DIR

and follows the same contract:

* one line per failed assertion ("FAIL <test>: <what>"), a "SKIP <test>:
  <why>" line per skipped test, and finally "N passed, N failed" alone on a
  line;
* exit 0 when nothing failed, 1 when something did, 77 (CTest's
  SKIP_RETURN_CODE) when the whole script cannot run here (see
  require_photos());
* every subprocess runs with a timeout (run() never waits forever).

Typical use:

    import idp_e2e as e2e
    args = e2e.parse_args()
    h = e2e.Harness()
    check = e2e.tool_path(args.bin, "photo-check")

    @h.test
    def help_exits_zero():
        r = e2e.run([check, "--help"])
        h.equal(r.returncode, 0, "exit code of --help " + r.describe())

    h.finish()
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

SKIP_EXIT = 77
DEFAULT_TIMEOUT = 60  # seconds, for one tool run


# ---- arguments ----

def parse_args(argv=None, description=None):
    """--bin (the build directory holding the tools), --samples, --photos,
    --source; all returned as absolute paths. --photos may not exist (see
    require_photos()); the others must."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--bin", required=True,
                   help="directory holding photo-check and the other tools")
    p.add_argument("--samples", required=True,
                   help="the generated samples/ directory")
    p.add_argument("--photos", default="",
                   help="../shared/photos (may be absent)")
    p.add_argument("--source", required=True,
                   help="the source tree (profiles/, lib/include/, ...)")
    p.add_argument("--model", default="",
                   help="the compact face model of the build: the tools "
                   "get it as IDP_MODEL unless the environment sets one")
    a = p.parse_args(argv)
    if a.model and os.path.isfile(a.model) and not os.environ.get("IDP_MODEL"):
        os.environ["IDP_MODEL"] = os.path.abspath(a.model)
    for name in ("bin", "samples", "photos", "source", "model"):
        v = getattr(a, name)
        setattr(a, name, os.path.abspath(v) if v else "")
    for name in ("bin", "samples", "source"):
        if not os.path.isdir(getattr(a, name)):
            p.error("--%s: not a directory: %s" % (name, getattr(a, name)))
    return a


def require_photos(photos):
    """Exit 77 (skipped) when ../shared/photos is not there, saying so; with
    IDP_REQUIRE_PHOTOS=1 in the environment (CI) that is a failure."""
    if not photos or not os.path.isdir(photos):
        where = photos or "(none)"
        if os.environ.get("IDP_REQUIRE_PHOTOS") == "1":
            print("FAIL setup: ../shared/photos not found at %s and "
                  "IDP_REQUIRE_PHOTOS=1" % where)
            print("0 passed, 1 failed")
            sys.stdout.flush()
            sys.exit(1)
        print("SKIP: ../shared/photos not found at %s" % where)
        sys.stdout.flush()
        sys.exit(SKIP_EXIT)
    return photos


def tool_path(bindir, name):
    """The path of a built tool; a missing tool is a failure, not a skip."""
    path = os.path.join(bindir, name)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        print("FAIL setup: %s is not an executable file (build it first)"
              % path)
        print("0 passed, 1 failed")
        sys.stdout.flush()
        sys.exit(1)
    return path


# ---- running a tool ----

def _short(text, limit=300):
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[:limit] + "...(%d chars)" % len(
        text)


class Run:
    """The outcome of one tool run. returncode is None when it timed out;
    a negative returncode is a signal (a crash)."""

    def __init__(self, cmd, returncode, out, err, timed_out, seconds):
        self.cmd = [os.fsdecode(c) for c in cmd]
        self.returncode = returncode
        self.stdout_bytes = out or b""
        self.stderr_bytes = err or b""
        self.stdout = self.stdout_bytes.decode("utf-8", "replace")
        self.stderr = self.stderr_bytes.decode("utf-8", "replace")
        self.timed_out = timed_out
        self.seconds = seconds

    @property
    def crashed(self):
        return self.returncode is not None and self.returncode < 0

    def stdout_lines(self):
        return self.stdout.splitlines()

    def stderr_lines(self):
        return self.stderr.splitlines()

    def describe(self):
        """One line: the command, exit code and the start of both streams."""
        if self.timed_out:
            status = "timed out after %.0f s" % self.seconds
        else:
            status = "exit %s" % self.returncode
        return "[%s: %s; stdout=%r; stderr=%r]" % (
            " ".join(self.cmd), status, _short(self.stdout, 200),
            _short(self.stderr, 300))


def make_env(set_env=None, unset_env=(), base=None):
    env = dict(os.environ if base is None else base)
    for k in unset_env:
        env.pop(k, None)
    for k, v in (set_env or {}).items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def run(cmd, timeout=DEFAULT_TIMEOUT, set_env=None, unset_env=(), cwd=None,
        stdin_data=b""):
    """Run cmd (a list; str or bytes items) with a timeout; never raises for
    a non-zero exit or a timeout. stdin is empty unless stdin_data is given.
    set_env adds/overrides variables (None removes one), unset_env removes."""
    env = make_env(set_env, unset_env)
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, input=stdin_data, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, cwd=cwd,
                           timeout=timeout)
        return Run(cmd, p.returncode, p.stdout, p.stderr, False,
                   time.monotonic() - start)
    except subprocess.TimeoutExpired as e:  # the child has been killed
        return Run(cmd, None, e.stdout, e.stderr, True,
                   time.monotonic() - start)


class Runner:
    """Start several tool runs in parallel and collect them by key, so that
    the runs (and the dlib model's load, ~1 s per process, when the compact
    one is not used) overlap. submit() before the tests,
    get() inside them."""

    def __init__(self, workers=None):
        self.pool = ThreadPoolExecutor(max_workers=workers or
                                       max(2, os.cpu_count() or 2))
        self.futures = {}

    def submit(self, key, cmd, **kw):
        if key in self.futures:
            raise KeyError("run %r submitted twice" % key)
        self.futures[key] = self.pool.submit(run, cmd, **kw)

    def get(self, key):
        return self.futures[key].result()

    def close(self):
        self.pool.shutdown(wait=True)


# ---- JSON Lines ----

class JsonLinesError(ValueError):
    pass


def _pairs_no_duplicates(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise ValueError("duplicate key %r" % k)
        d[k] = v
    return d


def parse_json_line(line):
    """One JSON value (dicts keep the key order; duplicate keys and NaN /
    Infinity are errors, as in strict JSON)."""
    def bad_constant(name):
        raise ValueError("%s is not JSON" % name)
    return json.loads(line, object_pairs_hook=_pairs_no_duplicates,
                      parse_constant=bad_constant)


def parse_jsonl(data):
    """A list of the JSON values in data (str, or bytes that must be UTF-8),
    one per non-empty line. Raises JsonLinesError naming the line."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise JsonLinesError("output is not UTF-8: %s" % e)
    out = []
    for n, line in enumerate(data.split("\n"), 1):
        if not line.strip():
            continue
        try:
            out.append(parse_json_line(line))
        except ValueError as e:
            raise JsonLinesError("line %d is not JSON (%s): %s"
                                 % (n, e, _short(line, 120)))
    return out


# ---- files ----

def file_state(path):
    """(sha256, size, mtime_ns) of a file: to show it was not modified."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    st = os.stat(path)
    return (h.hexdigest(), st.st_size, st.st_mtime_ns)


# ---- the check / report harness ----

class Harness:
    """Counts assertions. check()/equal() record one assertion each and
    print one line per failure; test() runs a test function and turns an
    exception in it into one failure; finish() prints the totals and
    exits."""

    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.passed = 0
        self.failed = 0
        self.skipped = []
        self.current = "-"
        self.tests = []

    def _line(self, text):
        self.out.write(text.replace("\n", "\\n") + "\n")
        self.out.flush()

    def check(self, cond, what):
        """Record one assertion; print "FAIL test: what" when cond is
        false. Returns bool(cond) so callers can stop early."""
        if cond:
            self.passed += 1
            return True
        self.failed += 1
        self._line("FAIL %s: %s" % (self.current, what))
        return False

    def equal(self, actual, expected, what):
        return self.check(actual == expected, "%s: got %s, expected %s" % (
            what, _short(repr(actual), 200), _short(repr(expected), 200)))

    def skip(self, name, why):
        self.skipped.append(name)
        self._line("SKIP %s: %s" % (name, why))

    def test(self, func=None, name=None):
        """Decorator registering a test; tests run in run_all()."""
        def register(f):
            self.tests.append((name or f.__name__, f))
            return f
        return register(func) if func else register

    def run_one(self, name, func):
        self.current = name
        try:
            func()
        except Exception as e:  # a broken test is a failure, not an abort
            tb = traceback.extract_tb(e.__traceback__)
            where = "%s:%d" % (os.path.basename(tb[-1].filename),
                               tb[-1].lineno) if tb else "?"
            self.check(False, "exception at %s: %s: %s"
                       % (where, type(e).__name__, e))
        finally:
            self.current = "-"

    def run_all(self, only=None):
        for name, func in self.tests:
            if only and name not in only:
                continue
            self.run_one(name, func)

    def finish(self):
        if not (self.passed or self.failed or self.skipped):
            self.current = "-"
            self.check(False, "no assertion ran (run_all() not called?)")
        self._line("%d passed, %d failed" % (self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


# ---- colour ----

def srgb_to_lab(rgb):
    """CIELAB (D65) of an 8-bit sRGB triple."""
    def lin(c):
        c /= 255.0
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(float(c)) for c in rgb)
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116
    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e00(lab1, lab2):
    """CIEDE2000 (Sharma, Wu & Dalal 2005) between two Lab colours."""
    import math
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    cm7 = ((c1 + c2) / 2) ** 7
    g = 0.5 * (1 - math.sqrt(cm7 / (cm7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dlp, dcp = l2 - l1, c2p - c1p
    dh = h2p - h1p
    if c1p * c2p == 0:
        dh = 0.0
    elif dh > 180:
        dh -= 360
    elif dh < -180:
        dh += 360
    dhp = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    lm, cm = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hm = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hm = (h1p + h2p) / 2
    else:
        hm = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else \
            (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(hm - 30))
         + 0.24 * math.cos(math.radians(2 * hm))
         + 0.32 * math.cos(math.radians(3 * hm + 6))
         - 0.20 * math.cos(math.radians(4 * hm - 63)))
    sl = 1 + 0.015 * (lm - 50) ** 2 / math.sqrt(20 + (lm - 50) ** 2)
    sc, sh = 1 + 0.045 * cm, 1 + 0.015 * cm * t
    cm7 = cm ** 7
    rt = (-2 * math.sqrt(cm7 / (cm7 + 25 ** 7))
          * math.sin(math.radians(60 * math.exp(-((hm - 275) / 25) ** 2))))
    return math.sqrt((dlp / sl) ** 2 + (dcp / sc) ** 2 + (dhp / sh) ** 2
                     + rt * (dcp / sc) * (dhp / sh))


# ---- inputs ----

def phone_jpeg(src, out, step):
    """A phone-sized 12 MP JPEG (3024x4032, Q 90) from the middle 3:4 of the
    landscape photo `src`, upscaled. out(name) places the scratch files;
    step(argv) runs each vips command and checks it (the caller's harness).
    Returns the JPEG's path."""
    w, hh = (int(run(["vipsheader", "-f", f, src], timeout=30).stdout.strip())
             for f in ("width", "height"))
    cw = hh * 3 // 4
    step(["vips", "crop", src, out("c.v"), str((w - cw) // 2), "0", str(cw),
          str(hh)])
    step(["vips", "resize", out("c.v"), out("big.v"), str(4032 / hh)])
    step(["vips", "crop", out("big.v"), out("exact.v"), "0", "0", "3024",
          "4032"])
    jpg = out("phone.jpg")
    step(["vips", "copy", out("exact.v"), jpg + "[Q=90]"])
    return jpg
