#!/usr/bin/env python3
"""test_batch.py - photo-batch on a small intake made from ../shared/photos:
a generated roster (UTF-8, and GB18030 tab-separated) with a student
without a photo, a photo of nobody on the roster, two photos of one
student, a broken file and a formula in a name. Checks:

* the exit code (3: a broken file, a stranger) and every report:
  report.jsonl (one report per input, the outputs' sizes), summary.csv
  (UTF-8 BOM, CRLF, a row per student, formula guard), retake.csv (the
  reasons in Chinese, grouped by unit), missing.csv, report.html; the
  counts of summary.csv, report.html and the reports agree;
* the outputs under the roster's names: 480x640, 300 dpi, 20-40 KB, each
  judged a final photo; nothing else written; inputs never modified;
* -j 1 and -j 2 give byte-identical outputs, records and reports; the
  GB18030 roster the same summary as the UTF-8 one;
* kill -9 in the middle of a run, then --resume: the same files, byte for
  byte, as an uninterrupted run (twice, at different moments);
* --check-only on the made photos: each passes, nothing written;
* --fail-fast: no photo started after the broken one; --sheet and
  --cutout: a 6-inch sheet and an RGBA cutout beside the photo, part of
  its record; the sheet lost by a kill (its record kept, gone or stale):
  --resume finishes it with the same bytes; --resume sweeps the photo's
  temporary files (photo, sheet, cutout, record) and no other's; the
  progress bar on a
  terminal (a pty), silent with -q;
* --shard 1/3, 2/3, 3/3 (through GNU parallel when installed) then
  --merge-reports: the same files as one unsharded run;
* the mixed folder of issue #7 (tests/e2e/test_corpus.py's broken files
  beside good photos): the batch finishes, makes every good photo and
  reports every bad one with its error code;
* usage errors: a --name column the roster lacks (2), a roster with one
  学号 twice (3), --shard 4/3 (2);
* report.html in a real headless browser (Debian's chromium; without it
  the page's structure is checked in Python and the browser part says
  SKIP): it loads with the network cut off, decodes every thumbnail,
  shows the counts, and the filters (preset from the address) hide the
  right rows.
"""

import base64
import csv
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import idp_e2e as e2e  # noqa: E402
import test_corpus as tc  # noqa: E402

args = e2e.parse_args(description=__doc__)
photos = e2e.require_photos(args.photos)
h = e2e.Harness()
batch = e2e.tool_path(args.bin, "photo-batch")
TMP = tempfile.mkdtemp(prefix="idp-e2e-batch-")
RUN_TIMEOUT = 300  # a run of ~8 photos; slower under the sanitizers

# (学号, 姓名, 身份证号, 学院, the photos handed in as 学号.ext: a shared
# photo, "broken" (half a JPEG), or none)
STUDENTS = [
    ("2021001", "张三", "110101200001010011", "计算机学院",
     [("jpg", "df_img12.jpg")]),
    ("2021002", "李四", "110101200001010022", "计算机学院",
     [("jpg", "df_img14.jpg")]),
    ("2021003", "王五", "110101200001010033", "外国语学院",
     [("jpg", "u2n_woman_plain.jpg")]),
    ("2021004", "赵六", "110101200001010044", "外国语学院",
     [("jpg", "fr_alex_grey.jpg")]),          # an open smile: refused
    ("2021005", "=钱七", "110101200001010055", "数学学院",
     [("jpg", "broken")]),                    # unreadable
    ("2021006", "孙八", "110101200001010066", "数学学院",
     [("jpg", "df_img12.jpg"), ("png", "yale_s04_sleepy.png")]),  # twice
    ("2021007", "周九", "110101200001010077", "数学学院", []),  # missing
]
STRANGER = ("stranger.jpg", "u2n_man2.jpg")  # on no roster
MADE = {"2021001", "2021002", "2021003"}
NAME = "{学院}/{身份证号}.jpg"
CSV_HEAD = ["学号", "姓名", "身份证号", "学院"]


def roster_text(sep):
    rows = [CSV_HEAD] + [list(s[:4]) for s in STUDENTS]
    return "".join(sep.join(r) + "\r\n" for r in rows)


def setup():
    src = os.path.join(TMP, "in")
    os.mkdir(src)
    for sid, _, _, _, files in STUDENTS:
        for ext, name in files:
            dst = os.path.join(src, "%s.%s" % (sid, ext))
            if name == "broken":
                data = open(os.path.join(photos, "df_img14.jpg"), "rb").read()
                with open(dst, "wb") as f:
                    f.write(data[:len(data) // 2])
            else:
                os.symlink(os.path.join(photos, name), dst)
    os.symlink(os.path.join(photos, STRANGER[1]),
               os.path.join(src, STRANGER[0]))
    with open(os.path.join(TMP, "roster.csv"), "w", encoding="utf-8",
              newline="") as f:
        f.write(roster_text(","))
    with open(os.path.join(TMP, "roster-gb.txt"), "w", encoding="gb18030",
              newline="") as f:
        f.write(roster_text("\t"))
    return src


SRC = setup()


def run_batch(out, *extra, roster="roster.csv", src=None, jobs="2",
              timeout=RUN_TIMEOUT, stdin_data=b""):
    cmd = [batch, "-j", jobs, "--lang", "zh", "--name", NAME, "--roster",
           os.path.join(TMP, roster), *extra, src or SRC,
           os.path.join(TMP, out)]
    return e2e.run(cmd, timeout=timeout, stdin_data=stdin_data)


def tree(root):
    """{relative path: bytes} of every file under root."""
    files = {}
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            with open(p, "rb") as f:
                files[os.path.relpath(p, root)] = f.read()
    return files


def same_tree(a, b, what):
    ta, tb = tree(os.path.join(TMP, a)), tree(os.path.join(TMP, b))
    h.equal(sorted(tb), sorted(ta), what + ": the same files")
    diff = [k for k in ta if k in tb and ta[k] != tb[k]]
    h.equal(diff, [], what + ": files that differ")


def read_csv(path):
    raw = open(path, "rb").read()
    h.check(raw.startswith(b"\xef\xbb\xbf"), "%s starts with a UTF-8 BOM"
            % os.path.basename(path))
    body = raw[3:]
    h.check(body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b""),
            "%s: every line ends in CRLF" % os.path.basename(path))
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))


def jpeg_info(data):
    """(width, height, density unit, x density) from SOF0/2 and JFIF."""
    i, size, density = 2, None, (None, None)
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker, n = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        seg = data[i + 4:i + 2 + n]
        if marker == 0xE0 and seg.startswith(b"JFIF\0"):
            density = (seg[7], int.from_bytes(seg[8:10], "big"))
        if marker in (0xC0, 0xC1, 0xC2):
            size = (int.from_bytes(seg[3:5], "big"),
                    int.from_bytes(seg[1:3], "big"))
            break
        i += 2 + n
    return size, density


def statuses(rows):
    return {r[0]: r[5] for r in rows[1:] if r[0]}


INPUT_STATE = {}


@h.test
def full_run():
    for n in os.listdir(SRC):
        INPUT_STATE[n] = e2e.file_state(os.path.join(SRC, n))
    r = run_batch("out")
    h.equal(r.returncode, 3, "a broken file and a stranger " + r.describe())
    out = os.path.join(TMP, "out")
    reps = e2e.parse_jsonl(open(os.path.join(out, "report.jsonl"), "rb")
                           .read())
    inputs = sorted(os.path.join(SRC, n) for n in os.listdir(SRC))
    h.equal([x["file"] for x in reps], inputs, "one report per input, in "
            "path order")
    by_id = {os.path.splitext(os.path.basename(x["file"]))[0]: x
             for x in reps}
    for sid, _, idn, unit, files in STUDENTS:
        if sid in MADE:
            x = by_id[sid]
            rel = "%s/%s.jpg" % (unit, idn)
            h.equal(x["output"] and x["output"]["path"], rel, sid + " output")
            h.check(x["verdict"] in ("pass", "warn"), sid + " made and "
                    "compliant: " + x["verdict"])
            data = open(os.path.join(out, rel), "rb").read()
            h.equal(x["output"]["bytes"], len(data), sid + " bytes")
            h.equal(jpeg_info(data), ((480, 640), (1, 300)),
                    sid + " 480x640 at 300 dpi")
            h.check(20000 <= len(data) <= 40960, sid + " 20-40 KB: %d"
                    % len(data))
    h.equal(by_id["2021004"]["verdict"], "fail", "2021004 refused")
    h.check(any(c["id"] == "mouth_closed" and c["status"] == "fail"
                for c in by_id["2021004"]["checks"]), "2021004: the smile")
    h.equal(by_id["2021005"]["error"]["code"], "decode", "the broken file")
    for k in ("2021006", "stranger"):
        h.equal(by_id[k]["verdict"], "error", k + " not processed")
    h.equal(by_id["2021006"]["verdict"], "error", "the duplicate")
    made = sorted(k for k in tree(out) if k.endswith(".jpg") and
                  not k.startswith(".photo-batch"))
    h.equal(made, sorted("%s/%s.jpg" % (s[3], s[2]) for s in STUDENTS
                         if s[0] in MADE), "only the made photos written")
    h.equal([k for k in tree(out) if ".tmp." in k], [], "no temporary file")
    h.equal({n: e2e.file_state(os.path.join(SRC, n)) for n in INPUT_STATE},
            INPUT_STATE, "inputs unchanged")
    check_csvs(out, reps)
    check_html_structure(out)


def check_csvs(out, reps):
    rows = read_csv(os.path.join(out, "summary.csv"))
    h.equal(rows[0], ["学号", "姓名", "学院", "照片", "输出", "状态", "原因"],
            "summary header")
    h.equal(len(rows), 1 + len(STUDENTS) + 1, "a row per student and the "
            "stranger")
    st = statuses(rows)
    want = {r["file"]: r["verdict"] for r in reps}
    for sid in MADE:
        v = want[os.path.join(SRC, sid + ".jpg")]
        h.equal(st[sid], {"pass": "合格", "warn": "合格（有提示）"}[v],
                sid + " status")
    h.equal([st[k] for k in ("2021004", "2021005", "2021006", "2021007")],
            ["不合格", "无法处理", "无法处理", "未交照片"], "statuses")
    h.equal([rows[-1][3], rows[-1][5]],
            [os.path.join(SRC, "stranger.jpg"), "名单外照片"], "the stranger last")
    h.equal(rows[5][1], "'=钱七", "a formula gets an apostrophe")
    retake = read_csv(os.path.join(out, "retake.csv"))
    h.equal(retake[0], ["单位", "学号", "姓名", "照片", "重拍原因"],
            "retake header")
    h.equal([r[1] for r in retake[1:]], ["2021004", "2021005", "2021006",
                                         "2021006"],
            "who retakes, grouped by unit (外 < 数 in code order)")
    units = [r[0] for r in retake[1:]]
    h.equal(units, sorted(units), "grouped by unit")
    h.check(all(re.search(r"[\u4e00-\u9fff]", r[4]) for r in retake[1:]),
            "every reason in Chinese")
    h.check("嘴" in retake[1][4], "2021004: the mouth, in Chinese: "
            + retake[1][4])
    missing = read_csv(os.path.join(out, "missing.csv"))
    h.equal([r[0] for r in missing[1:]], ["未交照片", "名单外照片"],
            "missing: a student, a photo")
    h.equal(missing[1][1:3], ["2021007", "周九"], "the student without one")
    h.equal(missing[2][4], os.path.join(SRC, "stranger.jpg"), "the stranger")


def html_counts(text):
    return {k: int(v) for k, v in
            re.findall(r'id="count-([a-z]+)">(\d+)<', text)}


EXPECTED_COUNTS = None


def check_html_structure(out):
    global EXPECTED_COUNTS
    text = open(os.path.join(out, "report.html"), encoding="utf-8").read()
    rows = read_csv(os.path.join(out, "summary.csv"))[1:]
    st = [r[5] for r in rows]
    words = {"pass": "合格", "warn": "合格（有提示）", "fail": "不合格",
             "error": "无法处理", "missing": "未交照片",
             "unknown": "名单外照片"}
    EXPECTED_COUNTS = {k: st.count(w) for k, w in words.items()}
    EXPECTED_COUNTS["total"] = len(rows)
    h.equal(html_counts(text), EXPECTED_COUNTS, "report.html counts = "
            "summary.csv")
    h.equal(len(re.findall(r"<tr class=", text)), len(rows), "a row each")
    h.equal(len(re.findall(r'src="data:image/jpeg;base64,', text)), 4,
            "thumbnails of the 3 made photos and the refused one")
    h.equal(re.findall(r'(?:src|href)="(?!data:)[^"]*"', text), [],
            "no external resource")
    h.check("default-src 'none'" in text, "a policy that blocks the network")


@h.test
def gb18030_roster_same_summary():
    r = run_batch("out-gb", roster="roster-gb.txt")
    h.equal(r.returncode, 3, "exit " + r.describe())
    for name in ("summary.csv", "retake.csv", "missing.csv", "report.jsonl"):
        a = open(os.path.join(TMP, "out", name), "rb").read()
        b = open(os.path.join(TMP, "out-gb", name), "rb").read()
        h.check(a == b, name + ": the same as with the UTF-8 roster")


@h.test
def one_or_two_workers_same_bytes():
    r = run_batch("out-j1", jobs="1")
    h.equal(r.returncode, 3, "exit " + r.describe())
    same_tree("out", "out-j1", "-j 2 vs -j 1")


def records(out):
    d = os.path.join(TMP, out, ".photo-batch")
    return [n for n in os.listdir(d) if n.endswith(".rec")] \
        if os.path.isdir(d) else []


@h.test
def kill_then_resume():
    for n_records, name in ((1, "out-kill1"), (3, "out-kill3")):
        cmd = [batch, "-j", "1", "-q", "--lang", "zh", "--name", NAME,
               "--roster", os.path.join(TMP, "roster.csv"), SRC,
               os.path.join(TMP, name)]
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + RUN_TIMEOUT
        while (p.poll() is None and len(records(name)) < n_records and
               time.monotonic() < deadline):
            time.sleep(0.005)
        p.send_signal(signal.SIGKILL)
        p.wait()
        h.equal(p.returncode, -signal.SIGKILL, "killed mid-run (after %d "
                "records)" % n_records)
        h.check(not os.path.exists(os.path.join(TMP, name, "report.jsonl")),
                "no reports yet")
        r = run_batch(name, "--resume", jobs="1")
        h.equal(r.returncode, 3, "resumed " + r.describe())
        same_tree("out-j1", name, "killed after %d records, resumed"
                  % n_records)


@h.test
def resume_keeps_and_remakes():
    # a second run without --resume refuses to replace; --resume skips all
    r = run_batch("out-j1", jobs="1")
    h.equal(r.returncode, 4, "outputs exist " + r.describe())
    h.check("exists" in r.stderr, "says why")
    r = run_batch("out-j1", "--resume", jobs="1")
    h.equal(r.returncode, 3, "resumed " + r.describe())
    same_tree("out", "out-j1", "after a refused rerun and --resume")
    # another background: the records no longer match, outputs exist
    r = run_batch("out-j1", "--resume", "--background", "white", jobs="2")
    h.equal(r.returncode, 4, "other settings, outputs kept " + r.describe())
    h.check("record does not match" in r.stderr, "says why")


@h.test
def check_only_made_photos():
    r = e2e.run([batch, "--check-only", "-j", "2", "--lang", "en",
                 os.path.join(TMP, "out"), os.path.join(TMP, "out-check")],
                timeout=RUN_TIMEOUT)
    h.equal(r.returncode, 0, "every made photo passes " + r.describe())
    reps = e2e.parse_jsonl(open(os.path.join(TMP, "out-check",
                                             "report.jsonl"), "rb").read())
    h.equal(len(reps), len(MADE), "a report per made photo")
    h.check(all(x["mode"] == "final" and x["verdict"] in ("pass", "warn")
                and x["output"] is None for x in reps),
            "judged as final photos, nothing made")
    written = [k for k in tree(os.path.join(TMP, "out-check"))
               if not k.startswith(".photo-batch")]
    h.equal(sorted(written), ["missing.csv", "report.html", "report.jsonl",
                              "retake.csv", "summary.csv"], "only reports")


@h.test
def shards_then_merge():
    out = os.path.join(TMP, "out-shard")
    base = [batch, "-j", "1", "-q", "--lang", "zh", "--name", NAME,
            "--roster", os.path.join(TMP, "roster.csv")]
    parallel = shutil.which("parallel")
    if parallel:
        r = e2e.run([parallel, "--will-cite", "--halt", "never", *base,
                     "--shard", "{}/3", SRC, out, ":::", "1", "2", "3"],
                    timeout=RUN_TIMEOUT)
        h.check(r.returncode is not None and 0 < r.returncode <= 3,
                "GNU parallel ran the 3 shards " + r.describe())
    else:
        h.skip("shards_with_gnu_parallel", "GNU parallel not installed; "
               "the shards run one after another")
        for k in (1, 2, 3):
            r = e2e.run([*base, "--shard", "%d/3" % k, SRC, out],
                        timeout=RUN_TIMEOUT)
            h.check(r.returncode in (0, 1, 3), "shard %d " % k + r.describe())
    h.check(not os.path.exists(os.path.join(out, "summary.csv")),
            "shards write no reports")
    r = e2e.run([*base, "--merge-reports", SRC, out], timeout=RUN_TIMEOUT)
    h.equal(r.returncode, 3, "merged " + r.describe())
    same_tree("out", "out-shard", "3 shards merged vs one run")


@h.test
def from_list_on_stdin():
    listing = "".join(os.path.join(SRC, n) + "\n"
                      for n in sorted(os.listdir(SRC), reverse=True))
    cmd = [batch, "-j", "2", "--lang", "zh", "--name", NAME, "--roster",
           os.path.join(TMP, "roster.csv"), "--from-list", "-",
           os.path.join(TMP, "out-list")]
    r = e2e.run(cmd, timeout=RUN_TIMEOUT, stdin_data=listing.encode())
    h.equal(r.returncode, 3, "exit " + r.describe())
    for name in ("summary.csv", "report.jsonl", "report.html"):
        a = open(os.path.join(TMP, "out", name), "rb").read()
        b = open(os.path.join(TMP, "out-list", name), "rb").read()
        h.check(a == b, name + ": a list in any order = the folder")


@h.test
def fail_fast_stops_starting():
    r = run_batch("out-ff", "--fail-fast", jobs="1")
    h.equal(r.returncode, 3, "exit " + r.describe())
    reps = e2e.parse_jsonl(open(os.path.join(TMP, "out-ff", "report.jsonl"),
                                "rb").read())
    after = [x for x in reps if os.path.basename(x["file"]) >
             "2021005.jpg"]
    h.check(len(after) == 3 and all(
        "stopped early" in x["error"]["message"] for x in after),
        "the photos after the broken one are not started: %s"
        % [x["error"] for x in after])
    h.check(all(x["verdict"] in ("pass", "warn") for x in reps[:3]),
            "the photos before it were made")


@h.test
def sheet_and_cutout_per_photo():
    listing = os.path.join(SRC, "2021001.jpg") + "\n"
    cmd = [batch, "-q", "--roster", os.path.join(TMP, "roster.csv"),
           "--name", NAME, "--sheet", "6inch", "--cutout", "--from-list", "-",
           os.path.join(TMP, "out-sheet")]
    r = e2e.run(cmd, timeout=RUN_TIMEOUT, stdin_data=listing.encode())
    h.check(r.returncode in (0, 1), "exit " + r.describe())
    d = os.path.join(TMP, "out-sheet", "计算机学院")
    h.equal(sorted(os.listdir(d)), ["110101200001010011-cutout.png",
                                    "110101200001010011-sheet.jpg",
                                    "110101200001010011.jpg"],
            "the photo, its sheet and its cutout")
    png = open(os.path.join(d, "110101200001010011-cutout.png"), "rb").read()
    h.equal((png[:8], int.from_bytes(png[16:20], "big"),
             int.from_bytes(png[20:24], "big"), png[24], png[25]),
            (b"\x89PNG\r\n\x1a\n", 480, 640, 8, 6), "an RGBA 480x640 cutout")
    sheet = open(os.path.join(d, "110101200001010011-sheet.jpg"), "rb").read()
    h.equal(jpeg_info(sheet)[0], (1795, 1205), "a 6-inch sheet")
    r = e2e.run(cmd + ["--resume"], timeout=RUN_TIMEOUT,
                stdin_data=listing.encode())
    h.check(r.returncode in (0, 1), "resumed with the sheet " + r.describe())
    done = tree(os.path.join(TMP, "out-sheet"))
    state = os.path.join(TMP, "out-sheet", ".photo-batch")
    rec = os.path.join(state, records("out-sheet")[0])
    # a kill between the photo and its sheet (the record stays, or is gone
    # or stale): --resume makes the photo again, finds the same bytes
    # where they are and finishes the sheet
    for record in ("kept", "gone", "stale"):
        os.unlink(os.path.join(d, "110101200001010011-sheet.jpg"))
        text = open(rec, "rb").read()
        os.unlink(rec)
        if record != "gone":
            with open(rec, "wb") as f:
                f.write(text if record == "kept" else
                        text.replace(b"\nsettings ", b"\nsettings 0", 1))
        r = e2e.run(cmd + ["--resume"], timeout=RUN_TIMEOUT,
                    stdin_data=listing.encode())
        h.check(r.returncode in (0, 1), "the sheet gone, its record %s: "
                "finished " % record + r.describe())
        h.equal(tree(os.path.join(TMP, "out-sheet")) == done, True,
                "the sheet gone, its record %s: the same bytes" % record)
    # temporary files a kill left: this photo's (sheet and cutout too) are
    # swept, another shard's (another key, another photo) are not
    key = os.path.basename(rec)[:16]
    ours = [os.path.join(d, "110101200001010011%s.tmp.Ab12Cd" % x)
            for x in (".jpg", "-sheet.jpg", "-cutout.png")] + \
        [os.path.join(state, key + x + ".tmp.Ab12Cd") for x in (".rec",
                                                                 ".jpg")]
    theirs = [os.path.join(d, "110101200001010022.jpg.tmp.Ab12Cd"),
              os.path.join(state, "0123456789abcdef.rec.tmp.Ab12Cd")]
    for f in ours + theirs:
        open(f, "wb").close()
    r = e2e.run(cmd + ["--resume"], timeout=RUN_TIMEOUT,
                stdin_data=listing.encode())
    h.check(r.returncode in (0, 1), "resumed beside temp files "
            + r.describe())
    h.equal([os.path.basename(f) for f in ours if os.path.exists(f)], [],
            "this photo's temporary files swept")
    h.equal([os.path.basename(f) for f in theirs if not os.path.exists(f)],
            [], "other photos' temporary files kept")
    for f in theirs:
        os.unlink(f)
    # a thumbnail its record does not name (left by an interrupted --force
    # run with other settings) is not shown
    thumb = os.path.join(state, key + ".jpg")
    shown = base64.b64encode(open(thumb, "rb").read())
    html = os.path.join(TMP, "out-sheet", "report.html")
    h.check(shown in open(html, "rb").read(), "the thumbnail shown")
    stale = base64.b64encode(sheet[:20000])
    with open(thumb, "wb") as f:
        f.write(sheet[:20000])
    r = e2e.run(cmd + ["--resume"], timeout=RUN_TIMEOUT,
                stdin_data=listing.encode())
    h.check(stale not in open(html, "rb").read(),
            "a thumbnail the record does not name is not shown "
            + r.describe())


@h.test
def resume_redoes_what_settings_change():
    # a photo refused as too large under --max-pixels is made by a
    # --resume that allows it: the limit is part of the settings
    listing = (os.path.join(SRC, "2021001.jpg") + "\n").encode()
    cmd = [batch, "-q", "-j", "1", "--roster",
           os.path.join(TMP, "roster.csv"), "--name", NAME, "--from-list",
           "-", os.path.join(TMP, "out-px")]
    r = e2e.run(cmd + ["--max-pixels", "1000"], timeout=RUN_TIMEOUT,
                stdin_data=listing)
    h.equal(r.returncode, 3, "too large " + r.describe())
    r = e2e.run(cmd + ["--resume"], timeout=RUN_TIMEOUT, stdin_data=listing)
    h.check(r.returncode in (0, 1), "resumed with the default limit "
            + r.describe())
    h.check(os.path.exists(os.path.join(TMP, "out-px", "计算机学院",
                                        "110101200001010011.jpg")),
            "the photo made")
    # another face model (Debian's dlib file beside the compact one): the
    # record no longer matches, so the photo is made again
    dat = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"
    if not os.path.exists(dat) or os.path.realpath(dat) == \
            os.path.realpath(args.model):
        h.skip("resume_another_model", "no second face model")
        return
    before = [open(os.path.join(TMP, "out-px", ".photo-batch", n),
                   "rb").read() for n in records("out-px")]
    r = e2e.run(cmd + ["--resume", "--model", dat], timeout=RUN_TIMEOUT,
                stdin_data=listing)
    after = [open(os.path.join(TMP, "out-px", ".photo-batch", n),
                  "rb").read() for n in records("out-px")]
    # made again: the same bytes (recorded anew) or others (refused)
    h.check((r.returncode in (0, 1) and len(after) == 1 and
             before != after) or
            (r.returncode == 4 and "record does not match" in r.stderr),
            "another model: the record is not reused " + r.describe())


@h.test
def restored_error_does_not_stop():
    # a record of a setup-like failure (an older run's) never stops the
    # pool: the photos after it are still made
    out = os.path.join(TMP, "out-stop")
    r = run_batch("out-stop", jobs="1")
    h.equal(r.returncode, 3, "exit " + r.describe())
    first = os.path.join(out, "计算机学院", "110101200001010011.jpg")
    later = os.path.join(out, "外国语学院", "110101200001010033.jpg")
    recs = {}
    for n in records("out-stop"):
        text = open(os.path.join(out, ".photo-batch", n), "rb").read()
        recs[n] = text
    mine = [n for n, t in recs.items() if b"/2021001.jpg\n" in t]
    theirs = [n for n, t in recs.items() if b"/2021003.jpg\n" in t]
    h.equal((len(mine), len(theirs)), (1, 1), "the records found")
    p = os.path.join(out, ".photo-batch", mine[0])
    with open(p, "wb") as f:
        f.write(re.sub(rb"\nexit \d+\n", b"\nexit 6\n", recs[mine[0]]))
    os.unlink(os.path.join(out, ".photo-batch", theirs[0]))
    os.unlink(later)
    r = run_batch("out-stop", "--resume", jobs="1")
    h.check(os.path.exists(later), "the photo after a restored error made "
            + r.describe())
    h.check(os.path.exists(first), "the restored one kept")


@h.test
def progress_bar_on_a_terminal():
    import pty
    listing = "".join(os.path.join(SRC, n) + "\n"
                      for n in ("2021004.jpg", "2021005.jpg"))
    for quiet in (False, True):
        master, slave = pty.openpty()
        cmd = [batch, "-j", "1", "--from-list", "-",
               os.path.join(TMP, "out-tty-%d" % quiet)] + (["-q"] if quiet
                                                          else [])
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, stderr=slave)
        os.close(slave)
        p.communicate(listing.encode(), timeout=RUN_TIMEOUT)
        text = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            text += chunk
        os.close(master)
        text = text.decode("utf-8", "replace")
        bar = re.search(r"\[#+\] 2/2 +[0-9.]+/s +(ETA [0-9:]+ +)?failed 2",
                        text)
        if quiet:
            h.check(not bar and "[" not in text, "-q: no bar: %r" % text)
        else:
            h.check(bar is not None, "the bar, done/total, rate, failures: %r"
                    % text[-300:])


@h.test
def usage_errors():
    r = e2e.run([batch, "--roster", os.path.join(TMP, "roster.csv"),
                 "--name", "{班级}/{学号}.jpg", SRC,
                 os.path.join(TMP, "out-bad")], timeout=30)
    h.equal(r.returncode, 2, "a column the roster lacks " + r.describe())
    h.check("{班级}: no such column" in r.stderr, "names it")
    dup = os.path.join(TMP, "roster-dup.csv")
    with open(dup, "w", encoding="utf-8") as f:
        f.write("学号,姓名\n2021001,张三\n2021001,李四\n")
    r = e2e.run([batch, "--roster", dup, SRC, os.path.join(TMP, "out-bad")],
                timeout=30)
    h.equal(r.returncode, 3, "one 学号 twice " + r.describe())
    h.check("lines 2 and 3" in r.stderr, "names the lines")
    for bad in (["--shard", "4/3"], ["--shard", "x"], ["-j", "0"],
                ["--sheet", "poster"]):
        r = e2e.run([batch, *bad, SRC, os.path.join(TMP, "out-bad")],
                    timeout=30)
        h.equal(r.returncode, 2, " ".join(bad) + " " + r.describe())
    r = e2e.run([batch, SRC], timeout=30)
    h.equal(r.returncode, 2, "no OUTPUT_DIR " + r.describe())


@h.test
def mixed_folder_of_broken_files():
    root = os.path.join(TMP, "corpus")
    os.mkdir(root)
    c = tc.Corpus(root, args.samples)
    c.make_all()
    mixed = os.path.join(TMP, "mixed")
    os.makedirs(os.path.join(mixed, "folder"))
    bad = {}
    for name, code, kind, _ in tc.EXPECT:
        if code != 3 or name in ("folder", "missing.jpg") or \
                name in c.skipped:
            continue
        src, dst = os.path.join(root, name), os.path.join(mixed, name)
        if name.startswith("random."):  # one stem: one output name
            dst = os.path.join(mixed, name.replace(".", "-") + "." +
                               name.split(".")[1])
        if os.path.islink(src):
            os.symlink(os.readlink(src), dst)
        elif name == "fifo.jpg":
            os.mkfifo(dst)
        else:
            shutil.copyfile(src, dst)
        bad[dst] = kind
    # issue #7: twenty good photos (the plain ones, readable, one face or
    # not: each must get a verdict, never an error) beside the bad corpus
    good = plain_photos()[:20]
    for n in good:
        os.symlink(os.path.join(photos, n), os.path.join(mixed, n))
    r = e2e.run([batch, "-j", "2", mixed, os.path.join(TMP, "out-mixed")],
                timeout=RUN_TIMEOUT)
    h.equal(r.returncode, 3, "finishes with 3 " + r.describe())
    h.check(not tc.SANITIZER.search(r.stderr), "no sanitizer report")
    reps = e2e.parse_jsonl(open(os.path.join(TMP, "out-mixed",
                                             "report.jsonl"), "rb").read())
    got = {x["file"]: x for x in reps}
    h.equal(len(reps), len(bad) + len(good), "a report per file")
    for path, kind in sorted(bad.items()):
        x = got.get(path)
        h.check(x is not None and x["verdict"] == "error" and
                x["error"]["code"] == kind,
                "%s: error %s, got %s" % (os.path.basename(path), kind,
                                          x and x.get("error")))
    h.equal(len(good), 20, "twenty good photos")
    for n in good:
        x = got.get(os.path.join(mixed, n), {})
        made = os.path.isfile(os.path.join(TMP, "out-mixed",
                                           os.path.splitext(n)[0] + ".jpg"))
        h.check(x.get("verdict") in ("pass", "warn", "fail"),
                "%s: judged (verdict %s)" % (n, x.get("verdict")))
        h.equal(made, x.get("verdict") in ("pass", "warn"),
                n + ": made exactly when it passes")
    for n in ("df_img14.jpg", "u2n_woman_plain.jpg"):
        h.check(n in good and got.get(os.path.join(mixed, n), {}).get(
            "verdict") in ("pass", "warn"), n + " made")


def plain_photos():
    """The `plain` photos of MANIFEST.tsv, sorted."""
    names = []
    with open(os.path.join(photos, "MANIFEST.tsv"), encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(head, line.rstrip("\n").split("\t")))
            if row.get("category") == "plain":
                names.append(row["file"])
    return sorted(names)


def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def dump_dom(url):
    """The page after its scripts ran, with no network: a proxy that
    does not exist and no host resolves."""
    profile = tempfile.mkdtemp(prefix="chromium-", dir=TMP)
    r = e2e.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                 "--no-first-run", "--user-data-dir=" + profile,
                 "--proxy-server=socks5://127.0.0.1:9",
                 "--host-resolver-rules=MAP * ~NOTFOUND",
                 "--virtual-time-budget=5000", "--dump-dom", url],
                timeout=120)
    return r


@h.test
def html_in_headless_browser():
    if not chromium():
        h.skip("html_in_headless_browser", "chromium not installed "
               "(scripts/setup.sh installs it); structure checked only")
        return
    page = "file://" + urllib.parse.quote(os.path.join(TMP, "out",
                                                       "report.html"))
    r = dump_dom(page)
    h.equal(r.returncode, 0, "chromium " + r.describe())
    dom = r.stdout
    h.equal(html_counts(dom), EXPECTED_COUNTS, "counts shown")
    m = re.search(r'data-images="(\d+)/(\d+)"', dom)
    h.check(m is not None and m.group(1) == m.group(2) == "4",
            "every thumbnail decoded offline: %s" % (m and m.group(0)))
    h.equal(re.search(r'id="shown">(\d+)<', dom).group(1),
            str(EXPECTED_COUNTS["total"]), "no filter: every row shown")
    unit = urllib.parse.quote("外国语学院")
    r = dump_dom(page + "?status=fail&unit=" + unit)
    rows = re.findall(r'<tr class="(\w+)" data-status="\w+" '
                      r'data-unit="([^"]*)"( hidden="")?', r.stdout)
    shown = [(s, u) for s, u, hidden in rows if not hidden]
    h.equal(shown, [("fail", "外国语学院")], "filtered: the one failure of "
            "外国语学院")
    h.equal(len(rows), EXPECTED_COUNTS["total"], "the others hidden, not "
            "removed")
    h.equal(re.search(r'id="shown">(\d+)<', r.stdout).group(1), "1",
            "the count of shown rows")
    r = dump_dom(page + "?status=missing")
    shown = [s for s, u, hidden in re.findall(
        r'<tr class="(\w+)" data-status="\w+" data-unit="([^"]*)"'
        r'( hidden="")?', r.stdout) if not hidden]
    h.equal(shown, ["missing"], "status filter alone")


try:
    h.run_all()
finally:
    shutil.rmtree(TMP, ignore_errors=True)
h.finish()
