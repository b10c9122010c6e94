#!/usr/bin/env python3
"""test_corpus.py - bad and odd inputs: no crash, no hang, the documented
exit code and one clear line naming the file (product.md, "Reliability").

The corpus is generated here, into a temporary directory, from
samples/astronaut.png with the Python standard library and the `vips` tool
(Debian: libvips-tools); nothing is downloaded. Then:

* photo-check runs on each unreadable file alone (text and --json): exit 3,
  exactly one stderr line "photo-check: <path>: <message>", a JSON report
  with verdict "error" and the error code; the decompression bombs are
  refused in under 5 s with the pixel-limit message;
* photo-check runs over all the readable files in two batches (the model
  loads once per process): one JSON report each, verdict "fail" (none is a
  480x640 CHSI photo), nothing on stderr, and for every picture of the
  astronaut her face found upright (|roll| < 10 deg) with the eyes where
  the upright original has them, so that every EXIF orientation, mirrored
  ones included, is applied;
* a mixed batch goes on past the bad files (exit 3, a report for each);
* photo-make runs on a subset into a temporary folder (exit 3 for the
  batch; a 150x200 photo for each readable input, nothing for the others,
  no temporary file left) and into folders it cannot write: a read-only
  one, one whose parent is a regular file, a full one (exit 4, nothing
  left behind). photo-make refuses the smiling astronaut under every
  built-in profile (mouth_closed), so it runs with a profile file
  (corpus-smile: ntce, 150x200, with the mouth limits relaxed);
* every run: a time limit, no signal, no sanitizer report; the inputs are
  never modified.

Expectations: photo-check, profile chsi, final mode; exit codes from the
README's table (0 compliant, 1 non-compliant, 3 unreadable). None of the
readable files is a 480x640 CHSI photo, so each gives verdict "fail" and
exit 1. EXPECT below is this table as data: keep the two in step.

  file                      how it is made                        exit code
  ------------------------- ------------------------------------- ---- ------
  readable: "photo" = the astronaut, her face found upright at the place
  the upright original has it; "blank" = no face (face_count fails)
  jpeg-baseline.jpg         jpegsave Q90, no metadata             1
  jpeg-progressive.jpg      jpegsave --interlace                  1
  jpeg-cmyk.jpg             colourspace cmyk, jpegsave (ICC)      1
  jpeg-cmyk-noicc.jpg       the same, --strip: no ICC profile     1
  jpeg-grey.jpg             1 channel                             1
  jpeg-trailing.jpg         3000 junk bytes after the EOI         1
  exif-1.jpg .. exif-8.jpg  pixels stored turned / mirrored so
                            that EXIF Orientation n (an APP1
                            written here) shows them upright      1
  png-16bit.png             RGB, 16 bits per sample               1
  png-grey.png              1 channel                             1
  png-grey16.png            1 channel, 16 bits                    1
  png-grey-alpha.png        grey + alpha                          1
  png-rgba.png              RGBA, a transparent 16 px frame       1
  png-rgba16.png            RGBA, 16 bits                         1
  png-palette.png           pngsave --palette                     1
  png-interlaced.png        Adam7                                 1
  webp-named.jpg            WebP bytes named .jpg (file_format)   1
  png-named.jpg             PNG bytes named .jpg (file_format)    1
  gif-palette.gif           gifsave                               1
  tiff-jpeg.tif             tiffsave --compression jpeg           1
  heic.heic                 heifsave; skipped, saying why, when
                            this libvips cannot write HEIF        1
  张三 照片 (1).jpg          Chinese characters and spaces         1
  folder/photo-link.jpg     a symlink to jpeg-baseline.jpg        1
  one.png, one.jpg          1x1 (blank)                           1
  thin.png, wide.png        1x4000, 4000x1 (blank)                1
  unreadable: exactly one stderr line "photo-check: PATH: MESSAGE"; with
  --json one report, verdict "error", error.code as given
  empty.jpg                 0 bytes                               3 decode
  text.jpg                  a text file named .jpg                3 decode
  random.{jpg,png,webp,heic}  4 KiB of seeded random bytes        3 decode
  jpeg-soi.jpg              FF D8 FF, then random bytes           3 decode
  png-sig.png               PNG signature, then random bytes      3 decode
  jpeg-cut-{soi,dqt,sos,scan,eoi}.jpg  a baseline JPEG cut after
                            the SOI, in the DQT, after the SOS
                            header, mid-scan, before the EOI      3 decode
  jpeg-progressive-cut.jpg  half a progressive JPEG               3 decode
  png-cut-{sig,ihdr,after-ihdr,idat,iend}.png  a PNG cut after
                            the signature, in the IHDR, after
                            it, mid-IDAT, before the IEND: every
                            cut file is truncated                 3 decode
  webp-cut.webp, gif-cut.gif, heic-cut.heic  half of each         3 decode
  损坏 文件.jpg              half a JPEG, Chinese name + spaces    3 decode
  bomb-png.png              IHDR 30000x30000, one row of data     3 too-large
  bomb-png-valid.png        a complete 1-bit 12000x12000 PNG
                            (144 Mpx in 18 KB)                    3 too-large
  bomb-jpeg.jpg             a 16x16 JPEG, SOF set to 30000x30000  3 too-large
  bomb-webp.webp            a 16x16 WebP, set to 16383x16383      3 too-large
  lie-jpeg-16mp.jpg         a 16x16 JPEG, SOF set to 4000x4000
                            (under the limit): its scan ends
                            early, so it is corrupt               3 decode
  folder/loop-a.jpg         symlink loop-a -> loop-b -> loop-a    3 io
  folder/dangling.jpg       a symlink to nothing                  3 io
  folder                    a directory                           3 io
  missing.jpg               no such file                          3 io
  fifo.jpg                  a FIFO (must not block)               3 io
  The bombs and the lie are refused in under 5 s, the bombs with the
  pixel-limit message "WxH is more than the 100000000 pixels allowed".

photo-make (profile corpus-smile, --output-dir, one batch): MAKE_SUBSET
says which inputs are made (a 150x200 JPEG), refused (a grey or faceless
capture: exit 1, the capture report, no file) or unreadable (one line, an
error report, no file); the batch exits 3 and leaves no temporary file.
Outputs it cannot write (exit 4, one line naming the output, with --json
one error report "io" for the input, nothing left behind):

  read-only folder   root ignores permissions: as root a read-only tmpfs
                     is mounted on it (in a private mount namespace,
                     `unshare --mount`, so the mount dies with the
                     process), or where that is not allowed (a container
                     without CAP_SYS_ADMIN) the output goes to /sys, where
                     not even root can create a file; as another user the
                     folder is chmod 0555
  parent is a file   -o FILE/out.jpg (any user)
  full disk          a 16 KiB tmpfs, filled up first (root with unshare;
                     else skipped, saying why); only the filler is left
"""

import json
import os
import random
import re
import shutil
import struct
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import idp_e2e as e2e  # noqa: E402

CHINESE_OK = "张三 照片 (1).jpg"
CHINESE_BAD = "损坏 文件.jpg"

# kind: "photo" (the astronaut, face upright), "blank" (no face), or the
# JSON error code of an unreadable file ("decode", "io", "too-large").
# msg: a regex the message after "photo-check: <path>: " must match.
DECODE_MSG = (r"^(cannot (read|decode) image|not a JPEG, PNG, WebP, HEIF, "
              r"TIFF or GIF image)")
SNIFF_MSG = r"^not a JPEG, PNG, WebP, HEIF, TIFF or GIF image$"
BOMB_MSG = r"^\d+x\d+ is more than the 100000000 pixels allowed$"

# (file, exit, kind, msg)
EXPECT = [
    ("jpeg-baseline.jpg", 1, "photo", None),
    ("jpeg-progressive.jpg", 1, "photo", None),
    ("jpeg-cmyk.jpg", 1, "photo", None),
    ("jpeg-cmyk-noicc.jpg", 1, "photo", None),
    ("jpeg-grey.jpg", 1, "photo", None),
    ("jpeg-trailing.jpg", 1, "photo", None),
] + [("exif-%d.jpg" % n, 1, "photo", None) for n in range(1, 9)] + [
    ("png-16bit.png", 1, "photo", None),
    ("png-grey.png", 1, "photo", None),
    ("png-grey16.png", 1, "photo", None),
    ("png-grey-alpha.png", 1, "photo", None),
    ("png-rgba.png", 1, "photo", None),
    ("png-rgba16.png", 1, "photo", None),
    ("png-palette.png", 1, "photo", None),
    ("png-interlaced.png", 1, "photo", None),
    ("webp-named.jpg", 1, "photo", None),
    ("png-named.jpg", 1, "photo", None),
    ("gif-palette.gif", 1, "photo", None),
    ("tiff-jpeg.tif", 1, "photo", None),
    ("heic.heic", 1, "photo", None),
    (CHINESE_OK, 1, "photo", None),
    ("folder/photo-link.jpg", 1, "photo", None),
    ("one.png", 1, "blank", None),
    ("one.jpg", 1, "blank", None),
    ("thin.png", 1, "blank", None),
    ("wide.png", 1, "blank", None),
    # unreadable
    ("empty.jpg", 3, "decode", r"^empty file$"),
    ("text.jpg", 3, "decode", SNIFF_MSG),
    ("random.jpg", 3, "decode", SNIFF_MSG),
    ("random.png", 3, "decode", SNIFF_MSG),
    ("random.webp", 3, "decode", SNIFF_MSG),
    ("random.heic", 3, "decode", SNIFF_MSG),
    ("jpeg-soi.jpg", 3, "decode", DECODE_MSG),
    ("png-sig.png", 3, "decode", DECODE_MSG),
    ("jpeg-cut-soi.jpg", 3, "decode", DECODE_MSG),
    ("jpeg-cut-dqt.jpg", 3, "decode", DECODE_MSG),
    ("jpeg-cut-sos.jpg", 3, "decode", DECODE_MSG),
    ("jpeg-cut-scan.jpg", 3, "decode", DECODE_MSG),
    ("jpeg-cut-eoi.jpg", 3, "decode", DECODE_MSG),
    ("jpeg-progressive-cut.jpg", 3, "decode", DECODE_MSG),
    ("png-cut-sig.png", 3, "decode", DECODE_MSG),
    ("png-cut-ihdr.png", 3, "decode", DECODE_MSG),
    ("png-cut-after-ihdr.png", 3, "decode", DECODE_MSG),
    ("png-cut-idat.png", 3, "decode", DECODE_MSG),
    ("png-cut-iend.png", 3, "decode", DECODE_MSG),
    ("webp-cut.webp", 3, "decode", DECODE_MSG),
    ("gif-cut.gif", 3, "decode", DECODE_MSG),
    ("heic-cut.heic", 3, "decode", DECODE_MSG),
    (CHINESE_BAD, 3, "decode", DECODE_MSG),
    ("bomb-png.png", 3, "too-large", BOMB_MSG),
    ("bomb-png-valid.png", 3, "too-large", BOMB_MSG),
    ("bomb-jpeg.jpg", 3, "too-large", BOMB_MSG),
    ("bomb-webp.webp", 3, "too-large", BOMB_MSG),
    ("lie-jpeg-16mp.jpg", 3, "decode", DECODE_MSG),
    ("folder/loop-a.jpg", 3, "io", r"^Too many levels of symbolic links$"),
    ("folder/dangling.jpg", 3, "io", r"^No such file or directory$"),
    ("folder", 3, "io", r"^not a regular file$"),
    ("missing.jpg", 3, "io", r"^No such file or directory$"),
    ("fifo.jpg", 3, "io", r"^not a regular file$"),
]

# photo-make's subset, batched with --output-dir: "made" (a 150x200 JPEG
# is written), "refused" (exit 1 with the capture report, nothing written:
# grey is not a colour photo, 1x1 has no face) or "error" (exit 3, one
# stderr line, nothing written).
MAKE_SUBSET = [("exif-6.jpg", "made"), ("exif-7.jpg", "made"),
               ("jpeg-cmyk.jpg", "made"), ("png-16bit.png", "made"),
               ("png-palette.png", "made"), ("png-rgba.png", "made"),
               ("webp-named.jpg", "made"), ("heic.heic", "made"),
               (CHINESE_OK, "made"), ("png-grey-alpha.png", "refused"),
               ("one.png", "refused"), ("empty.jpg", "error"),
               ("png-cut-idat.png", "error"), ("bomb-png-valid.png", "error"),
               ("folder/loop-a.jpg", "error")]

SMILE_PROFILE = {"schema": "idphoto.profile/1", "base": "ntce",
                 "id": "corpus-smile",
                 "limits": {"mouth_gap_warn": 0.5, "mouth_gap_fail": 0.9}}

QUICK_TIMEOUT = 20    # a run that never loads the model: milliseconds
BOMB_SECONDS = 5.0    # a bomb must be refused this fast
MODEL_TIMEOUT = 120   # a batch of ~20 photos (slower under sanitizers)
SANITIZER = re.compile(r"ERROR: AddressSanitizer|runtime error:|"
                       r"ERROR: LeakSanitizer|Sanitizer:DEADLYSIGNAL")

# The upright astronaut's eyes: compared with every "photo" (pixels).
EYE_TOLERANCE = 8.0
ROLL_LIMIT = 10.0


# ---- making the corpus ---------------------------------------------------

def vips(*argv, cwd=None):
    r = e2e.run(["vips"] + [str(a) for a in argv], timeout=120, cwd=cwd)
    if r.returncode != 0:
        raise RuntimeError("vips failed: " + r.describe())
    return r.stdout


_VIPS_OPS = None


def vips_can(op):
    """True when this vips has the operation (gifsave, heifsave, ...)."""
    global _VIPS_OPS
    if _VIPS_OPS is None:
        r = e2e.run(["vips", "-l"], timeout=30)
        _VIPS_OPS = set(re.findall(r"\((\w+)\)", r.stdout))
    return op in _VIPS_OPS


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def exif_orientation(n):
    """A JPEG APP1 segment: a big-endian TIFF whose IFD0 holds one entry,
    Orientation (0x0112, SHORT, count 1) = n."""
    tiff = (b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1) +
            struct.pack(">HHIHH", 0x0112, 3, 1, n, 0) + struct.pack(">I", 0))
    body = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def jpeg_segments(data):
    """(marker, offset, length) of each segment before the first scan's
    data: offset of the 0xFF, length including the marker bytes."""
    segs, i = [], 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            raise ValueError("not at a marker at %d" % i)
        marker = data[i + 1]
        n = struct.unpack(">H", data[i + 2:i + 4])[0]
        segs.append((marker, i, n + 2))
        if marker == 0xDA:
            break
        i += n + 2
    return segs


def insert_after_soi(data, segment):
    assert data[:2] == b"\xff\xd8"
    return data[:2] + segment + data[2:]


def set_sof_size(data, width, height):
    for marker, off, _ in jpeg_segments(data):
        if marker in (0xC0, 0xC1, 0xC2):
            # FF Cx, length(2), precision(1), height(2), width(2)
            return (data[:off + 5] + struct.pack(">HH", height, width) +
                    data[off + 9:])
    raise ValueError("no SOF")


def png_chunk(kind, body):
    return (struct.pack(">I", len(body)) + kind + body +
            struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))


PNG_SIG = b"\x89PNG\r\n\x1a\n"


def png_bomb_header(width, height):
    """IHDR claims width x height 8-bit RGB; the data is one row."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (1 + 3 * width), 9)
    return (PNG_SIG + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) +
            png_chunk(b"IEND", b""))


def png_bomb_valid(width, height):
    """A complete, valid 1-bit grey PNG of width x height, all black."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" * (1 + (width + 7) // 8)
    c = zlib.compressobj(9)
    parts = [c.compress(row) for _ in range(height)]
    parts.append(c.flush())
    return (PNG_SIG + png_chunk(b"IHDR", ihdr) +
            png_chunk(b"IDAT", b"".join(parts)) + png_chunk(b"IEND", b""))


def png_chunks(data):
    """(type, offset, total length) of each chunk of a PNG."""
    out, i = [], 8
    while i + 8 <= len(data):
        n = struct.unpack(">I", data[i:i + 4])[0]
        out.append((data[i + 4:i + 8], i, n + 12))
        i += n + 12
    return out


def webp_set_size(data, width, height):
    """Set the size of a lossy WebP: the VP8X canvas, if any, and the
    frame header of its "VP8 " chunk."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    out, i = bytearray(data), 12
    while i + 8 <= len(out):
        kind, n = bytes(out[i:i + 4]), struct.unpack("<I", out[i + 4:i + 8])[0]
        body = i + 8
        if kind == b"VP8X":
            out[body + 4:body + 10] = (struct.pack("<I", width - 1)[:3] +
                                       struct.pack("<I", height - 1)[:3])
        elif kind == b"VP8 ":
            assert out[body + 3:body + 6] == b"\x9d\x01\x2a"
            out[body + 6:body + 10] = struct.pack("<HH", width & 0x3FFF,
                                                  height & 0x3FFF)
        i = body + n + (n & 1)
    return bytes(out)


class Corpus:
    """Makes every file of EXPECT under `root`; `skipped` maps a file to
    why it could not be made."""

    def __init__(self, root, samples):
        self.root = root
        self.src = os.path.join(samples, "astronaut.png")
        self.work = os.path.join(root, ".work")
        os.makedirs(os.path.join(root, "folder"))
        os.makedirs(self.work)
        self.skipped = {}
        self.rng = random.Random(20240601)

    def p(self, name):
        return os.path.join(self.root, name)

    def w(self, name):
        return os.path.join(self.work, name)

    def make_all(self):
        self.base()
        for maker in (self.jpegs, self.orientations, self.pngs, self.others,
                      self.blanks, self.broken, self.bombs, self.fs_cases):
            maker()

    def base(self):
        # a plain 8-bit sRGB copy without metadata: every variant starts here
        vips("copy", self.src, self.w("base.v"))
        vips("jpegsave", self.w("base.v"), self.w("base.jpg"), "--Q", 90,
             "--strip")
        self.base_jpg = read(self.w("base.jpg"))

    def jpegs(self):
        write(self.p("jpeg-baseline.jpg"), self.base_jpg)
        vips("jpegsave", self.w("base.v"), self.p("jpeg-progressive.jpg"),
             "--Q", 90, "--strip", "--interlace")
        vips("colourspace", self.w("base.v"), self.w("cmyk.v"), "cmyk")
        vips("jpegsave", self.w("cmyk.v"), self.p("jpeg-cmyk.jpg"), "--Q", 90)
        vips("jpegsave", self.w("cmyk.v"), self.p("jpeg-cmyk-noicc.jpg"),
             "--Q", 90, "--strip")
        vips("colourspace", self.w("base.v"), self.w("grey.v"), "b-w")
        vips("jpegsave", self.w("grey.v"), self.p("jpeg-grey.jpg"), "--Q", 90,
             "--strip")
        write(self.p("jpeg-trailing.jpg"),
              self.base_jpg + self.rng.randbytes(3000))
        write(self.p(CHINESE_OK), self.base_jpg)

    def orientations(self):
        # The pixels are stored so that applying orientation n shows the
        # original: the inverse of n's transform (6: turn 90 cw to view, so
        # stored turned 90 ccw; 5 and 7 are their own inverses).
        steps = {1: [], 2: [("flip", "horizontal")], 3: [("rot", "d180")],
                 4: [("flip", "vertical")],
                 5: [("rot", "d90"), ("flip", "horizontal")],
                 6: [("rot", "d270")],
                 7: [("rot", "d90"), ("flip", "vertical")],
                 8: [("rot", "d90")]}
        for n, ops in steps.items():
            cur = self.w("base.v")
            for i, (op, arg) in enumerate(ops):
                nxt = self.w("o%d-%d.v" % (n, i))
                vips(op, cur, nxt, arg)
                cur = nxt
            bare = self.w("o%d.jpg" % n)
            vips("jpegsave", cur, bare, "--Q", 90, "--strip")
            write(self.p("exif-%d.jpg" % n),
                  insert_after_soi(read(bare), exif_orientation(n)))

    def pngs(self):
        b = self.w("base.v")
        vips("cast", b, self.w("u16.v"), "ushort", "--shift")
        vips("copy", self.w("u16.v"), self.w("rgb16.v"), "--interpretation",
             "rgb16")
        vips("pngsave", self.w("rgb16.v"), self.p("png-16bit.png"), "--strip")
        vips("pngsave", self.w("grey.v"), self.p("png-grey.png"), "--strip")
        vips("cast", self.w("grey.v"), self.w("g16.v"), "ushort", "--shift")
        vips("copy", self.w("g16.v"), self.w("grey16.v"), "--interpretation",
             "grey16")
        vips("pngsave", self.w("grey16.v"), self.p("png-grey16.png"),
             "--strip")
        # alpha: opaque inside, a transparent 16 px frame
        vips("black", self.w("in.v"), 480, 480)
        vips("linear", self.w("in.v"), self.w("in255.v"), 1, 255, "--uchar")
        vips("embed", self.w("in255.v"), self.w("alpha.v"), 16, 16, 512, 512)
        vips("bandjoin", "grey.v alpha.v", "ga.v", cwd=self.work)
        vips("pngsave", self.w("ga.v"), self.p("png-grey-alpha.png"),
             "--strip")
        vips("bandjoin", "base.v alpha.v", "rgba.v", cwd=self.work)
        vips("pngsave", self.w("rgba.v"), self.p("png-rgba.png"), "--strip")
        vips("cast", self.w("rgba.v"), self.w("rgba16u.v"), "ushort",
             "--shift")
        vips("copy", self.w("rgba16u.v"), self.w("rgba16.v"),
             "--interpretation", "rgb16")
        vips("pngsave", self.w("rgba16.v"), self.p("png-rgba16.png"),
             "--strip")
        vips("pngsave", b, self.p("png-palette.png"), "--palette", "--strip")
        vips("pngsave", b, self.p("png-interlaced.png"), "--interlace",
             "--strip")

    def others(self):
        b = self.w("base.v")
        vips("webpsave", b, self.w("a.webp"), "--Q", 90, "--strip")
        shutil.copyfile(self.w("a.webp"), self.p("webp-named.jpg"))
        vips("pngsave", b, self.p("png-named.jpg"), "--strip")
        if vips_can("gifsave"):
            vips("gifsave", b, self.p("gif-palette.gif"))
        else:
            self.skipped["gif-palette.gif"] = "this vips has no gifsave"
        vips("tiffsave", b, self.p("tiff-jpeg.tif"), "--compression", "jpeg")
        r = e2e.run(["vips", "heifsave", b, self.p("heic.heic"), "--Q", "50"],
                    timeout=120)
        if r.returncode != 0 or not os.path.exists(self.p("heic.heic")):
            why = ("this libvips cannot write HEIC (%s)"
                   % (r.stderr.strip().splitlines() or ["heifsave failed"])[0])
            self.skipped["heic.heic"] = why
            self.skipped["heic-cut.heic"] = why

    def blanks(self):
        vips("black", self.w("px.v"), 1, 1)
        vips("linear", self.w("px.v"), self.w("px128.v"), 1, 128, "--uchar")
        vips("pngsave", self.w("px128.v"), self.p("one.png"))
        vips("jpegsave", self.w("px128.v"), self.p("one.jpg"))
        vips("black", self.w("thin.v"), 1, 4000)
        vips("pngsave", self.w("thin.v"), self.p("thin.png"))
        vips("black", self.w("wide.v"), 4000, 1)
        vips("pngsave", self.w("wide.v"), self.p("wide.png"))

    def broken(self):
        rnd = self.rng.randbytes
        write(self.p("empty.jpg"), b"")
        write(self.p("text.jpg"), b"This is a text file named .jpg.\n"
              b"It is not an image.\n")
        for ext in ("jpg", "png", "webp", "heic"):
            write(self.p("random." + ext), rnd(4096))
        write(self.p("jpeg-soi.jpg"), b"\xff\xd8\xff" + rnd(4096))
        write(self.p("png-sig.png"), PNG_SIG + rnd(4096))
        j = self.base_jpg
        segs = jpeg_segments(j)
        dqt = [s for s in segs if s[0] == 0xDB][0]
        sos = [s for s in segs if s[0] == 0xDA][0]
        scan = sos[1] + sos[2]
        cuts = {"soi": 2, "dqt": dqt[1] + dqt[2] // 2, "sos": scan,
                "scan": scan + (len(j) - scan) // 2, "eoi": len(j) - 2}
        for name, n in cuts.items():
            write(self.p("jpeg-cut-%s.jpg" % name), j[:n])
        prog = read(self.p("jpeg-progressive.jpg"))
        write(self.p("jpeg-progressive-cut.jpg"), prog[:len(prog) // 2])
        write(self.p(CHINESE_BAD), j[:len(j) // 2])
        png = read(self.p("png-grey.png"))
        chunks = png_chunks(png)
        ihdr = [c for c in chunks if c[0] == b"IHDR"][0]
        idat = [c for c in chunks if c[0] == b"IDAT"][0]
        iend = [c for c in chunks if c[0] == b"IEND"][0]
        cuts = {"sig": 8, "ihdr": ihdr[1] + 12, "after-ihdr": ihdr[1] +
                ihdr[2], "idat": idat[1] + idat[2] // 2, "iend": iend[1]}
        for name, n in cuts.items():
            write(self.p("png-cut-%s.png" % name), png[:n])
        for src, dst in (("a.webp", "webp-cut.webp"),
                         ("../gif-palette.gif", "gif-cut.gif"),
                         ("../heic.heic", "heic-cut.heic")):
            path = self.w(src)
            if os.path.exists(path):
                data = read(path)
                write(self.p(dst), data[:len(data) // 2])
            elif dst not in self.skipped:
                self.skipped[dst] = "%s was not made" % src

    def bombs(self):
        write(self.p("bomb-png.png"), png_bomb_header(30000, 30000))
        write(self.p("bomb-png-valid.png"), png_bomb_valid(12000, 12000))
        vips("black", self.w("tiny.v"), 16, 16, "--bands", 3)
        vips("jpegsave", self.w("tiny.v"), self.w("tiny.jpg"), "--strip")
        tiny = read(self.w("tiny.jpg"))
        write(self.p("bomb-jpeg.jpg"), set_sof_size(tiny, 30000, 30000))
        write(self.p("lie-jpeg-16mp.jpg"), set_sof_size(tiny, 4000, 4000))
        vips("webpsave", self.w("tiny.v"), self.w("tiny.webp"), "--strip")
        write(self.p("bomb-webp.webp"),
              webp_set_size(read(self.w("tiny.webp")), 16383, 16383))

    def fs_cases(self):
        folder = self.p("folder")
        os.symlink("loop-b.jpg", os.path.join(folder, "loop-a.jpg"))
        os.symlink("loop-a.jpg", os.path.join(folder, "loop-b.jpg"))
        os.symlink("nowhere.jpg", os.path.join(folder, "dangling.jpg"))
        os.symlink("../jpeg-baseline.jpg",
                   os.path.join(folder, "photo-link.jpg"))
        os.mkfifo(self.p("fifo.jpg"))


# ---- the tests -------------------------------------------------------------

def stderr_problem(r):
    """Why a run is not clean (a signal, a timeout, a sanitizer report);
    None when it is."""
    if r.timed_out:
        return "timed out " + r.describe()
    if r.crashed:
        return "killed by signal %d %s" % (-r.returncode, r.describe())
    if SANITIZER.search(r.stderr):
        return "sanitizer report " + r.describe()
    return None


class CorpusTests:
    def __init__(self, args):
        self.args = args
        self.h = e2e.Harness()
        self.check = e2e.tool_path(args.bin, "photo-check")
        self.make = e2e.tool_path(args.bin, "photo-make")
        self.tmp = tempfile.mkdtemp(prefix="idp-e2e-corpus-")
        self.inp = os.path.join(self.tmp, "in")
        self.runner = e2e.Runner(workers=2)
        self.corpus = None
        self.states = {}
        self.timings = {}  # seconds of each unreadable file's text run
        self.profile = os.path.join(self.tmp, "corpus-smile.json")
        with open(self.profile, "w") as f:
            json.dump(SMILE_PROFILE, f)

    def path(self, name):
        return os.path.join(self.inp, name)

    def cases(self, exit_code=None, kinds=None):
        out = []
        for name, code, kind, msg in EXPECT:
            if name in self.corpus.skipped:
                continue
            if exit_code is not None and code != exit_code:
                continue
            if kinds is not None and kind not in kinds:
                continue
            out.append((name, code, kind, msg))
        return out

    def clean(self, r, what):
        problem = stderr_problem(r)
        return self.h.check(problem is None, "%s: %s" % (what, problem))

    # ---- set-up ----

    def build(self):
        self.h.current = "corpus"
        self.corpus = Corpus(self.inp, self.args.samples)
        self.corpus.make_all()
        for name, why in sorted(self.corpus.skipped.items()):
            self.h.skip(name, why)
        for name, _, _, _ in self.cases():
            p = self.path(name)
            if os.path.isfile(p):
                self.states[name] = e2e.file_state(p)
        self.h.current = "-"

    def model_found(self):
        """False (with a SKIP line) when photo-check finds no face model:
        read from the first batch, which needs it."""
        r = self.runner.get(("check", 0))
        if r.returncode == 5 and "model" in r.stderr:
            self.h.skip("model", "photo-check finds no face model here "
                        "(%s)" % r.stderr.strip())
            return False
        return True

    def start_model_runs(self):
        """The runs that load the model, two at a time."""
        readable = [self.path(n) for n, _, _, _ in self.cases(exit_code=1)]
        half = (len(readable) + 1) // 2
        for i, files in enumerate((readable[:half], readable[half:])):
            self.runner.submit(("check", i), [self.check, "--json", "--lang",
                                              "en"] + files,
                               timeout=MODEL_TIMEOUT)
        mixed = [self.path(n) for n in ("jpeg-baseline.jpg", "empty.jpg",
                                        "folder/loop-a.jpg", "one.png",
                                        "bomb-png.png", CHINESE_OK)]
        self.runner.submit("mixed", [self.check, "--json"] + mixed,
                           timeout=MODEL_TIMEOUT)
        subset = [self.path(n) for n, _ in MAKE_SUBSET
                  if n not in self.corpus.skipped]
        out = os.path.join(self.tmp, "made")
        os.mkdir(out)
        self.runner.submit("make", [self.make, "--profile", self.profile,
                                    "--json", "--output-dir", out] + subset,
                           timeout=MODEL_TIMEOUT)

    # ---- unreadable files, one run each ----

    def test_unreadable(self):
        for name, code, kind, msg in self.cases(exit_code=3):
            path = self.path(name)
            for json_mode in (False, True):
                argv = [self.check] + (["--json"] if json_mode else []) + \
                    [path]
                r = e2e.run(argv, timeout=QUICK_TIMEOUT)
                what = "%s%s" % (name, " --json" if json_mode else "")
                if not json_mode:
                    self.timings[name] = r.seconds
                if not self.clean(r, what):
                    continue
                if not self.h.equal(r.returncode, code, "%s: exit %s" % (
                        what, r.describe())):
                    break  # the --json run would fail the same way
                lines = r.stderr_lines()
                prefix = "photo-check: %s: " % path
                if not self.h.equal(len(lines), 1, "%s: stderr lines %s" % (
                        what, r.describe())):
                    continue
                line = lines[0]
                if not self.h.check(line.startswith(prefix),
                                    "%s: %r does not start with %r" % (
                                        what, line, prefix)):
                    continue
                self.h.check(re.search(msg, line[len(prefix):]),
                             "%s: message %r does not match %r" % (
                                 what, line[len(prefix):], msg))
                if not json_mode:
                    self.h.equal(r.stdout, "", what + ": nothing on stdout")
                    continue
                try:
                    reps = e2e.parse_jsonl(r.stdout_bytes)
                except e2e.JsonLinesError as e:
                    self.h.check(False, "%s: %s" % (what, e))
                    continue
                if not self.h.equal(len(reps), 1, what + ": JSON reports"):
                    continue
                rep = reps[0]
                self.h.equal(rep.get("file"), path, what + ": file")
                self.h.equal(rep.get("verdict"), "error", what + ": verdict")
                err = rep.get("error") or {}
                self.h.equal(err.get("code"), kind, what + ": error code")
                self.h.equal(err.get("message"), line[len("photo-check: "):],
                             what + ": JSON message = stderr message")

    def test_bombs_fast(self):
        """Bombs (and a lie under the limit) are refused in a few seconds:
        timed on test_unreadable's runs."""
        fast = [c[0] for c in self.cases(kinds=("too-large",))]
        for name in fast + ["lie-jpeg-16mp.jpg"]:
            t = self.timings.get(name)
            self.h.check(t is not None and t < BOMB_SECONDS,
                         "%s: refused in %s s, limit %.0f s" % (
                             name, t if t is None else "%.1f" % t,
                             BOMB_SECONDS))
        # a lower limit set on the command line is honoured too
        r = e2e.run([self.check, "--max-pixels", "1000",
                     self.path("jpeg-baseline.jpg")], timeout=QUICK_TIMEOUT)
        if self.clean(r, "--max-pixels 1000"):
            self.h.equal(r.returncode, 3, "--max-pixels 1000 " + r.describe())
            self.h.check("512x512 is more than the 1000 pixels allowed"
                         in r.stderr, "--max-pixels message " + r.describe())

    # ---- readable files, batched ----

    def batch_reports(self):
        """The reports of both batches of readable files, by file."""
        reps = {}
        for i in (0, 1):
            r = self.runner.get(("check", i))
            if not self.clean(r, "batch %d" % i):
                continue
            self.h.equal(r.returncode, 1, "batch %d: exit %s" % (
                i, r.describe()))
            self.h.equal(r.stderr, "", "batch %d: stderr" % i)
            try:
                for rep in e2e.parse_jsonl(r.stdout_bytes):
                    reps[rep.get("file")] = rep
            except e2e.JsonLinesError as e:
                self.h.check(False, "batch %d: %s" % (i, e))
        return reps

    def test_readable(self):
        reps = self.batch_reports()
        base = reps.get(self.path("jpeg-baseline.jpg"))
        ref = subject(base) if base else None
        self.h.check(ref is not None, "jpeg-baseline.jpg: the astronaut's "
                     "face is found (the reference for the others)")
        for name, code, kind, _ in self.cases(exit_code=1):
            rep = reps.get(self.path(name))
            if not self.h.check(rep is not None, name + ": no JSON report"):
                continue
            self.h.equal(rep.get("verdict"), "fail", name + ": verdict")
            self.h.equal(rep.get("error"), None, name + ": error")
            fails = [c["id"] for c in rep.get("checks", [])
                     if c.get("status") == "fail"]
            if kind == "blank":
                self.h.check("face_count" in fails,
                             "%s: face_count fails (%s)" % (name, fails))
                continue
            face = subject(rep)
            if not self.h.check(face is not None,
                                "%s: the astronaut's face is found" % name):
                continue
            m = rep.get("measurements") or {}
            roll = m.get("roll_deg")
            self.h.check(isinstance(roll, (int, float)) and
                         abs(roll) < ROLL_LIMIT,
                         "%s: upright, |roll| %s < %s" % (name, roll,
                                                          ROLL_LIMIT))
            if ref is not None:
                rm = base["measurements"]
                for eye in ("eye_left", "eye_right"):
                    got, want = m.get(eye), rm.get(eye)
                    self.h.check(
                        got and want and
                        max(abs(got[0] - want[0]),
                            abs(got[1] - want[1])) <= EYE_TOLERANCE,
                        "%s: %s at %s, the upright original's at %s" % (
                            name, eye, got, want))
            self.image_facts(name, rep.get("image") or {}, fails)

    def image_facts(self, name, img, fails):
        """What the report says about the file as stored."""
        want = {"width": 512, "height": 512}
        if name.startswith("exif-"):
            want["orientation"] = int(name[5])
        if name.startswith("jpeg-cmyk"):
            want.update(interpretation="cmyk", bands=4)
        if "16" in name:
            want["bits"] = 16
        if "alpha" in name or "rgba" in name:
            want["alpha"] = True
        if name.endswith(".heic"):
            want["format"] = "heif"
        if name == "webp-named.jpg":
            want["format"] = "webp"
        if name == "png-named.jpg":
            want["format"] = "png"
        if name.endswith(".gif"):
            want["format"] = "gif"
        if name.endswith(".tif"):
            want["format"] = "tiff"
        for k, v in want.items():
            self.h.equal(img.get(k), v, "%s: image.%s" % (name, k))
        if want.get("format") in ("webp", "png") and name.endswith(".jpg"):
            self.h.check("file_format" in fails, "%s: file_format fails "
                         "(lying extension): %s" % (name, fails))

    def test_mixed_batch_goes_on(self):
        r = self.runner.get("mixed")
        if not self.clean(r, "mixed batch"):
            return
        self.h.equal(r.returncode, 3, "the most severe code " + r.describe())
        names = ["jpeg-baseline.jpg", "empty.jpg", "folder/loop-a.jpg",
                 "one.png", "bomb-png.png", CHINESE_OK]
        try:
            reps = e2e.parse_jsonl(r.stdout_bytes)
        except e2e.JsonLinesError as e:
            self.h.check(False, "mixed batch: %s" % e)
            return
        self.h.equal([x.get("file") for x in reps],
                     [self.path(n) for n in names],
                     "a report per file, in order")
        self.h.equal([x.get("verdict") for x in reps],
                     ["fail", "error", "error", "fail", "error", "fail"],
                     "verdicts")
        self.h.equal(len(r.stderr_lines()), 3, "one stderr line per "
                     "unreadable file " + r.describe())

    # ---- photo-make ----

    def test_make_subset(self):
        r = self.runner.get("make")
        if not self.clean(r, "photo-make batch"):
            return
        self.h.equal(r.returncode, 3, "photo-make batch " + r.describe())
        out = os.path.join(self.tmp, "made")
        subset = [(n, o) for n, o in MAKE_SUBSET
                  if n not in self.corpus.skipped]
        want = sorted(os.path.splitext(os.path.basename(n))[0] + ".jpg"
                      for n, o in subset if o == "made")
        self.h.equal(sorted(os.listdir(out)), want,
                     "photo-make wrote one photo per made input and nothing "
                     "else (no temporary file)")
        try:
            reps = e2e.parse_jsonl(r.stdout_bytes)
        except e2e.JsonLinesError as e:
            self.h.check(False, "photo-make batch: %s" % e)
            reps = []
        if not self.h.equal(len(reps), len(subset), "a JSON report per input"):
            return
        lines = r.stderr_lines()
        errors = [n for n, o in subset if o == "error"]
        self.h.equal(len(lines), len(errors), "one stderr line per "
                     "unreadable input " + r.describe())
        for (name, outcome), rep in zip(subset, reps):
            verdict, o = rep.get("verdict"), rep.get("output")
            if outcome == "made":
                made = os.path.join(out, os.path.splitext(
                    os.path.basename(name))[0] + ".jpg")
                self.h.check(o and (o.get("width"), o.get("height")) ==
                             (150, 200) and o.get("path") == made,
                             "%s: made 150x200 as %s: %s" % (name, made, o))
                self.h.check(verdict in ("pass", "warn"), "%s: the made "
                             "photo's verdict %s" % (name, verdict))
            elif outcome == "refused":
                self.h.equal((rep.get("file"), rep.get("mode"), verdict, o),
                             (self.path(name), "capture", "fail", None),
                             name + ": refused with the capture report")
            else:
                self.h.equal((rep.get("file"), verdict), (self.path(name),
                                                          "error"),
                             name + ": an error report")
                prefix = "photo-make: %s: " % self.path(name)
                self.h.equal(sum(1 for ln in lines if ln.startswith(prefix)),
                             1, "one line names %s" % name)

    def make_to(self, out, **kw):
        return [self.make, "--profile", self.profile, "--json",
                self.path("jpeg-baseline.jpg"), "-o", out]

    def test_output_parent_is_file(self):
        parent = os.path.join(self.tmp, "a-file")
        write(parent, b"not a folder\n")
        out = os.path.join(parent, "out.jpg")
        r = e2e.run(self.make_to(out), timeout=MODEL_TIMEOUT)
        if not self.clean(r, "parent is a file"):
            return
        self.h.equal(r.returncode, 4, "parent is a file " + r.describe())
        self.one_output_line(r, out, "parent is a file")
        self.h.equal(read(parent), b"not a folder\n", "the file is untouched")

    def one_output_line(self, r, out, what):
        """One stderr line naming the output, and (--json: "one JSON report
        per FILE", photo-make(1)) one error report for the input."""
        lines = r.stderr_lines()
        if not self.h.check(len(lines) == 1 and
                            lines[0].startswith("photo-make: %s: " % out),
                            "%s: one line naming %s %s" % (what, out,
                                                           r.describe())):
            return
        try:
            reps = e2e.parse_jsonl(r.stdout_bytes)
        except e2e.JsonLinesError as e:
            self.h.check(False, "%s: %s" % (what, e))
            return
        src = self.path("jpeg-baseline.jpg")
        self.h.equal([(x.get("file"), x.get("verdict"),
                       (x.get("error") or {}).get("code"),
                       (x.get("error") or {}).get("message")) for x in reps],
                     [(src, "error", "io", lines[0][len("photo-make: "):])],
                     "%s: --json gives one error report for the input" % what)

    def test_output_read_only(self):
        d = os.path.join(self.tmp, "read-only")
        os.mkdir(d)
        out = os.path.join(d, "out.jpg")
        if os.geteuid() != 0:
            os.chmod(d, 0o555)
            try:
                r = e2e.run(self.make_to(out), timeout=MODEL_TIMEOUT)
                listing = os.listdir(d)
            finally:
                os.chmod(d, 0o755)
            how = "chmod 0555"
        else:
            got = in_tmpfs(d, "ro,size=64k", False, self.make_to(out),
                           self.tmp)
            how = "a read-only tmpfs"
            if isinstance(got, str):
                # root writes anywhere but in sysfs' top folder (EACCES;
                # EROFS where /sys is mounted read-only)
                print("NOTE read-only folder: %s; using /sys instead" % got)
                d, how = "/sys", "/sys as root"
                out = os.path.join(d, "idp-corpus-%d.jpg" % os.getpid())
                before = set(os.listdir(d))
                r = e2e.run(self.make_to(out), timeout=MODEL_TIMEOUT)
                listing = sorted(set(os.listdir(d)) - before)
            else:
                r, listing = got
        what = "read-only folder (%s)" % how
        if not self.clean(r, what):
            return
        self.h.equal(r.returncode, 4, what + " " + r.describe())
        self.one_output_line(r, out, what)
        self.h.equal(listing, [], "nothing left in the " + what)

    def test_output_full_disk(self):
        d = os.path.join(self.tmp, "full")
        os.mkdir(d)
        out = os.path.join(d, "out.jpg")
        got = in_tmpfs(d, "size=16k", True, self.make_to(out), self.tmp)
        if isinstance(got, str):
            self.h.skip("full disk", "cannot mount a small tmpfs here (needs "
                        "root and unshare): " + got)
            return
        r, listing = got
        if not self.clean(r, "full disk"):
            return
        self.h.equal(r.returncode, 4, "full disk " + r.describe())
        self.one_output_line(r, out, "full disk")
        self.h.equal(listing, ["filler"], "no partial or temporary file left")

    # ---- at the end ----

    def test_inputs_unchanged(self):
        for name, before in sorted(self.states.items()):
            self.h.equal(e2e.file_state(self.path(name)), before,
                         name + " unchanged")

    def run(self):
        self.build()
        self.start_model_runs()  # in the background, two at a time
        for t in (self.test_unreadable, self.test_bombs_fast):
            self.h.run_one(t.__name__, t)
        if self.model_found():
            for t in (self.test_readable, self.test_mixed_batch_goes_on,
                      self.test_make_subset, self.test_output_parent_is_file,
                      self.test_output_read_only, self.test_output_full_disk):
                self.h.run_one(t.__name__, t)
        self.h.run_one("test_inputs_unchanged", self.test_inputs_unchanged)


def subject(rep):
    faces = [f for f in rep.get("faces") or [] if f.get("subject") is True]
    return faces[0] if faces else None


# A private mount namespace: the mount vanishes with the process, even when
# the test is killed.
TMPFS_SCRIPT = r'''
dir=$1; opts=$2; fill=$3; res=$4; shift 4
mount -t tmpfs -o "$opts" idp-corpus "$dir" || exit 90
if [ "$fill" = 1 ]; then
    dd if=/dev/zero of="$dir/filler" bs=4096 2>/dev/null
fi
"$@" >"$res.stdout" 2>"$res.stderr"
echo $? >"$res.rc"
ls -A "$dir" >"$res.ls"
'''


def in_tmpfs(d, opts, fill, cmd, tmp):
    """Run cmd with a tmpfs (mount options opts; filled up when fill) on d,
    in a private mount namespace. Returns (Run, listing of d after the
    run), or a string saying why it could not be done."""
    if os.geteuid() != 0:
        return "not root"
    if not shutil.which("unshare"):
        return "no unshare command"
    res = os.path.join(tmp, "tmpfs-%s" % os.path.basename(d))
    start = time.monotonic()
    r = e2e.run(["unshare", "--mount", "--propagation", "private", "sh",
                 "-c", TMPFS_SCRIPT, "sh", d, opts, "1" if fill else "0",
                 res] + cmd, timeout=MODEL_TIMEOUT)
    if r.returncode == 90:
        return "mount failed: " + r.stderr.strip()
    if r.returncode != 0 or not os.path.exists(res + ".rc"):
        return "unshare failed: " + r.describe()
    with open(res + ".rc") as f:
        rc = int(f.read().strip())
    if rc > 128:
        rc = -(rc - 128)  # the shell reports a signal as 128 + n
    run = e2e.Run(cmd, rc, read(res + ".stdout"), read(res + ".stderr"),
                  False, time.monotonic() - start)
    with open(res + ".ls") as f:
        listing = sorted(f.read().split())
    return run, listing


def main():
    args = e2e.parse_args(description=__doc__)
    t = CorpusTests(args)
    try:
        t.run()
    finally:
        t.runner.close()
        shutil.rmtree(t.tmp, ignore_errors=True)
    t.h.finish()


if __name__ == "__main__":
    main()
