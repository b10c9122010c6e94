#!/usr/bin/env python3
"""test_privacy.py - nothing about the input file except its pixels reaches
what the tools write. A real photo is given EXIF (camera make and model, a
GPS position, a date), XMP, an IPTC block and a JPEG comment, each holding a
marker string; photo-make's photo, cutout, matte, print sheet and annotated
copy, photo-check's annotated copy, and both tools' JSON reports are then
searched for the marker strings and walked marker by marker (JPEG) or chunk
by chunk (PNG), as is everything photo-batch writes (photos, reports,
resume records, report.html's embedded thumbnails): only the segments our encoders are documented to write
(docs/privacy.md) may appear.
"""

import base64
import os
import re
import shutil
import struct
import tempfile

import idp_e2e as e2e

args = e2e.parse_args(description=__doc__)
photos = e2e.require_photos(args.photos)
h = e2e.Harness()
make = e2e.tool_path(args.bin, "photo-make")
check = e2e.tool_path(args.bin, "photo-check")
batch = e2e.tool_path(args.bin, "photo-batch")
TMP = tempfile.mkdtemp(prefix="idp-e2e-privacy-")

SECRETS = [b"IDPSECRETMAKE", b"IDPSECRETMODEL", b"IDPSECRETXMP",
           b"IDPSECRETIPTC", b"IDPSECRETCOMMENT", b"2019:04:01 12:34:56"]
# JPEG: SOI, JFIF APP0, DQT, SOF0 (baseline), DHT, SOS, EOI
JPEG_ALLOWED = {0xD8, 0xE0, 0xDB, 0xC0, 0xC4, 0xDA, 0xD9}
PNG_ALLOWED = {b"IHDR", b"sRGB", b"pHYs", b"IDAT", b"IEND"}


def ifd(entries, next_ifd, base):
    """A big-endian TIFF IFD at offset `base`: entries are (tag, type,
    count, payload bytes); payloads longer than 4 bytes go after the IFD.
    Returns the IFD bytes with its out-of-line data."""
    size = 2 + 12 * len(entries) + 4
    out, extra = struct.pack(">H", len(entries)), b""
    for tag, typ, count, payload in entries:
        if len(payload) <= 4:
            out += struct.pack(">HHI", tag, typ, count) + payload.ljust(4,
                                                                        b"\0")
        else:
            out += struct.pack(">HHII", tag, typ, count,
                               base + size + len(extra))
            extra += payload + (b"\0" if len(payload) % 2 else b"")
    return out + struct.pack(">I", next_ifd) + extra


def ascii_entry(tag, text):
    data = text + b"\0"
    return (tag, 2, len(data), data)


def exif_app1():
    """Make, Model, DateTime and a GPS IFD (latitude 39 deg 54' N)."""
    gps_at = 200  # well past IFD0 and its strings
    ifd0 = ifd([ascii_entry(0x010F, SECRETS[0]),
                ascii_entry(0x0110, SECRETS[1]),
                ascii_entry(0x0132, SECRETS[5]),
                (0x8825, 4, 1, struct.pack(">I", gps_at))], 0, 8)
    rationals = struct.pack(">IIIIII", 39, 1, 54, 1, 0, 1)
    gps = ifd([(0x0001, 2, 2, b"N\0"), (0x0002, 5, 3, rationals)], 0,
              gps_at)
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + ifd0
    tiff = tiff.ljust(gps_at, b"\0") + gps
    return segment(0xE1, b"Exif\0\0" + tiff)


def segment(marker, body):
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(body) + 2) + body


def tagged_copy(src, dst):
    data = open(src, "rb").read()
    assert data[:2] == b"\xff\xd8", src
    xmp = (b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:Description "
           b"creator='" + SECRETS[2] + b"'/></x:xmpmeta>")
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\0\0" + SECRETS[3]
    extra = (exif_app1() + segment(0xE1, xmp) + segment(0xED, iptc) +
             segment(0xFE, SECRETS[4]))
    with open(dst, "wb") as f:
        f.write(data[:2] + extra + data[2:])


def jpeg_markers(data):
    """Every marker of a JPEG, walked from SOI to EOI (entropy-coded data
    skipped)."""
    markers, i = [0xD8], 2
    while i + 1 < len(data):
        if data[i] != 0xFF:
            raise ValueError("no marker at %d" % i)
        m = data[i + 1]
        markers.append(m)
        if m == 0xD9:
            return markers
        n = struct.unpack(">H", data[i + 2:i + 4])[0]
        i += 2 + n
        if m == 0xDA:
            while not (data[i] == 0xFF and data[i + 1] not in
                       (0x00, *range(0xD0, 0xD8))):
                i += 1
    raise ValueError("no EOI")


def png_chunks(data):
    chunks, i = [], 8
    while i + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[i:i + 8])
        chunks.append(kind)
        i += 12 + n
    return chunks


def only_pixels(path):
    data = open(path, "rb").read()
    for s in SECRETS:
        h.check(s not in data, "%s holds %r from the input" % (path, s))
    if data[:2] == b"\xff\xd8":
        markers = jpeg_markers(data)
        odd = sorted({m for m in markers} - JPEG_ALLOWED)
        h.check(not odd, "%s: JPEG markers %s beyond %s" % (
            path, ["%02X" % m for m in odd], sorted(JPEG_ALLOWED)))
        app0 = data.find(b"\xff\xe0")
        h.check(data[app0 + 4:app0 + 9] == b"JFIF\0",
                "%s: APP0 is JFIF" % path)
    elif data[:8] == b"\x89PNG\r\n\x1a\n":
        odd = sorted(set(png_chunks(data)) - PNG_ALLOWED)
        h.check(not odd, "%s: PNG chunks %s beyond %s" % (
            path, odd, sorted(PNG_ALLOWED)))
    else:
        h.check(False, "%s: neither JPEG nor PNG" % path)


SRC = os.path.join(TMP, "tagged.jpg")
tagged_copy(os.path.join(photos, "df_img13.jpg"), SRC)


@h.test
def the_input_really_carries_metadata():
    r = e2e.run([check, "--json", SRC], timeout=60)
    rep = e2e.parse_jsonl(r.stdout_bytes)[0]
    h.equal(rep["image"]["exif"], True, "libvips reads the EXIF we wrote")
    r = e2e.run(["vipsheader", "-f", "exif-ifd0-Model", SRC], timeout=30)
    h.check(b"IDPSECRETMODEL" in r.stdout_bytes,
            "the camera model is readable from the input " + r.describe())
    for s in SECRETS:
        h.check(s in open(SRC, "rb").read(), "input holds %r" % s)


@h.test
def photo_make_outputs_hold_only_pixels():
    out = os.path.join(TMP, "made.jpg")
    extra = {"cutout": "cut.png", "save-matte": "matte.png",
             "annotate": "ann.png", "sheet-output": "sheet.jpg"}
    cmd = [make, "--json", SRC, "-o", out, "--sheet", "6inch"]
    for opt, name in extra.items():
        cmd += ["--" + opt, os.path.join(TMP, name)]
    r = e2e.run(cmd, timeout=180)
    h.equal(r.returncode, 0, "photo-make " + r.describe())
    for path in [out] + [os.path.join(TMP, n) for n in extra.values()]:
        if h.check(os.path.exists(path), path + " written"):
            only_pixels(path)
    for s in SECRETS:
        h.check(s not in r.stdout_bytes, "the JSON report holds %r" % s)
    rep = e2e.parse_jsonl(r.stdout_bytes)[0]
    h.equal(rep["image"]["exif"], False, "the report (of the made photo): no "
            "EXIF")


@h.test
def photo_check_annotation_and_report_hold_only_pixels():
    ann = os.path.join(TMP, "check-ann.png")
    r = e2e.run([check, "--json", "--capture", "--annotate", ann, SRC],
                timeout=60)
    h.equal(r.returncode in (0, 1), True, "photo-check " + r.describe())
    if h.check(os.path.exists(ann), ann + " written"):
        only_pixels(ann)
    for s in SECRETS:
        h.check(s not in r.stdout_bytes + r.stderr_bytes,
                "photo-check's output holds %r" % s)


@h.test
def photo_batch_outputs_hold_only_pixels():
    src, out = os.path.join(TMP, "batch-in"), os.path.join(TMP, "batch-out")
    os.mkdir(src)
    shutil.copy(SRC, os.path.join(src, "tagged.jpg"))
    r = e2e.run([batch, "-q", "-j", "1", "--cutout", src, out], timeout=300)
    h.equal(r.returncode in (0, 1), True, "photo-batch " + r.describe())
    seen = 0
    for root, _, files in os.walk(out):
        for name in files:
            path = os.path.join(root, name)
            data = open(path, "rb").read()
            seen += 1
            for s in SECRETS:
                h.check(s not in data, "%s holds %r" % (path, s))
            if name.endswith((".jpg", ".png")):
                only_pixels(path)
    h.check(seen >= 5, "photo-batch wrote its photo and reports (%d files)"
            % seen)
    html = os.path.join(out, "report.html")
    if h.check(os.path.exists(html), "report.html written"):
        page = open(html, encoding="utf-8").read()
        thumbs = re.findall(r"data:image/jpeg;base64,([A-Za-z0-9+/=]+)", page)
        h.check(thumbs, "report.html embeds a thumbnail")
        for i, t in enumerate(thumbs):
            path = os.path.join(TMP, "thumb%d.jpg" % i)
            with open(path, "wb") as f:
                f.write(base64.b64decode(t))
            only_pixels(path)


try:
    h.run_all()
finally:
    shutil.rmtree(TMP, ignore_errors=True)
h.finish()
