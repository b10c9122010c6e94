#!/usr/bin/env python3
"""make_seeds.py - write the seed inputs of the fuzz corpora (seed-* files
in tests/fuzz/corpus/<target>/). Run by hand, not by the build; the seeds
are committed. Inputs libFuzzer found are committed beside them as
found-* (README.md).

    python3 tests/fuzz/make_seeds.py [--samples samples/] [--force]

Images are 16x16 crops and resizes of samples/astronaut.png made with the
`vips` tool (Debian: libvips-tools), each a few hundred bytes: one per
format and storage the loader converts (baseline, progressive, CMYK and
grey JPEG, an EXIF orientation, the whole portrait at 96x96 where the
detector still finds the face, upright and with EXIF orientation 8; RGB, grey, palette, 16-bit, alpha and
interlaced PNG; lossy, lossless and alpha WebP; GIF; TIFF; HEIF when this
libvips can write it), plus broken ones: truncated, a lying header size,
zero bytes, text. Profiles: profiles/example-school.json and small
variants, valid and not. Rosters: UTF-8 with and without a BOM, GB18030,
tab-separated, UTF-16, quotes and line breaks in fields, and broken ones.
Reports: the binary layout of fuzz_report_json.c with UTF-8, GB18030
(invalid UTF-8), control characters and quotes. Face models: tiny compact
models (lib/shape_model.h) and broken ones.
"""

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import test_corpus as tc  # noqa: E402  (the JPEG/PNG/EXIF byte helpers)


def vips(*argv, cwd=None):
    subprocess.run(["vips"] + [str(a) for a in argv], check=True, cwd=cwd,
                   stdout=subprocess.DEVNULL)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def image_seeds(samples, work):
    """name -> bytes"""
    src = os.path.join(samples, "astronaut.png")
    w = lambda n: os.path.join(work, n)  # noqa: E731
    # the face, 16x16, as 8-bit sRGB without metadata
    vips("extract_area", src, w("face.v"), 176, 40, 112, 112)
    vips("resize", w("face.v"), w("t0.v"), 16 / 112)
    # drop the ICC profile and EXIF (webpsave --strip keeps them on 8.14)
    vips("pngsave", w("t0.v"), w("t0.png"), "--strip")
    vips("copy", w("t0.png"), w("t.v"))
    vips("colourspace", w("t.v"), w("grey.v"), "b-w")
    vips("colourspace", w("t.v"), w("cmyk.v"), "cmyk")
    vips("cast", w("t.v"), w("u16.v"), "ushort", "--shift")
    vips("copy", w("u16.v"), w("rgb16.v"), "--interpretation", "rgb16")
    vips("black", w("a0.v"), 12, 12)
    vips("linear", w("a0.v"), w("a1.v"), 1, 255, "--uchar")
    vips("embed", w("a1.v"), w("alpha.v"), 2, 2, 16, 16)
    vips("bandjoin", "t.v alpha.v", "rgba.v", cwd=work)
    out = {}

    def save(name, op, inp, *opts):
        vips(op, w(inp), w(name), *opts)
        out[name] = read(w(name))

    save("seed.jpg", "jpegsave", "t.v", "--Q", 75, "--strip")
    save("seed-progressive.jpg", "jpegsave", "t.v", "--Q", 75, "--strip",
         "--interlace")
    save("seed-grey.jpg", "jpegsave", "grey.v", "--Q", 75, "--strip")
    save("seed-cmyk.jpg", "jpegsave", "cmyk.v", "--Q", 75, "--strip")
    out["seed-exif6.jpg"] = tc.insert_after_soi(out["seed.jpg"],
                                                tc.exif_orientation(6))
    save("seed.png", "pngsave", "t.v", "--strip")
    save("seed-grey.png", "pngsave", "grey.v", "--strip")
    save("seed-palette.png", "pngsave", "t.v", "--strip", "--palette")
    save("seed-16bit.png", "pngsave", "rgb16.v", "--strip")
    save("seed-alpha.png", "pngsave", "rgba.v", "--strip")
    save("seed-interlaced.png", "pngsave", "t.v", "--strip", "--interlace")
    save("seed.webp", "webpsave", "t.v", "--strip", "--Q", 75)
    save("seed-lossless.webp", "webpsave", "t.v", "--strip", "--lossless")
    save("seed-alpha.webp", "webpsave", "rgba.v", "--strip")
    save("seed.gif", "gifsave", "t.v")
    save("seed.tif", "tiffsave", "t.v", "--strip")
    try:
        save("seed.heic", "heifsave", "t.v", "--Q", 30, "--strip")
    except subprocess.CalledProcessError:
        print("make_seeds: no HEIF encoder here: no seed.heic",
              file=sys.stderr)
    # the whole portrait, 96x96: the smallest in which the detector finds
    # her face, so that with IDP_MODEL the rules run on a face
    vips("thumbnail", src, w("f0.jpg"), 96)
    vips("pngsave", w("f0.jpg"), w("f0.png"), "--strip")
    vips("copy", w("f0.png"), w("f.v"))
    save("seed-face.jpg", "jpegsave", "f.v", "--Q", 60, "--strip")
    vips("rot", w("f.v"), w("f90.v"), "d90")
    vips("jpegsave", w("f90.v"), w("f90.jpg"), "--Q", 60, "--strip")
    out["seed-face-exif8.jpg"] = tc.insert_after_soi(read(w("f90.jpg")),
                                                     tc.exif_orientation(8))
    jpg, png = out["seed.jpg"], out["seed.png"]
    out["seed-broken-cut.jpg"] = jpg[:len(jpg) // 2]
    out["seed-broken-cut.png"] = png[:len(png) // 2]
    out["seed-broken-noeoi.jpg"] = jpg[:-2]
    out["seed-broken-lie.jpg"] = tc.set_sof_size(jpg, 1500, 1500)
    out["seed-broken-bomb.png"] = tc.png_bomb_header(30000, 30000)
    out["seed-broken-empty"] = b""
    out["seed-broken-text.jpg"] = b"not an image\n"
    return out


def profile_seeds():
    ex = read(os.path.join(ROOT, "profiles", "example-school.json"))
    return {
        "seed-example-school.json": ex,
        "seed-minimal.json":
            b'{"id":"m","width":100,"height":120}',
        "seed-base.json":
            b'{"schema":"idphoto.profile/1","base":"id-card","id":"c",'
            b'"height":500,"dpi":0,"format":"png","file_size":{"min":1},'
            b'"backgrounds":["#00FF00",{"name":"x","rgb":"#0a0b0c"}],'
            b'"geometry":{"head_top":{"max":90},"chin_bottom":null},'
            b'"limits":{"yaw_fail_deg":20,"second_face_ratio":0.5},'
            b'"allow_rotation":true,"max_width":600,"min_quality":0}',
        "seed-bom-zh.json":
            '\ufeff{"id":"zh","width":16,"height":16,"name_zh":"照片",'
            '"name_en":"e","source":"\\u00e9"}'.encode(),
        # with IDP_FUZZ_PHOTO=seed-face.jpg these let idp_make make a photo
        # (her smile and the 96 px portrait pass the relaxed limits)
        "seed-make.json":
            b'{"base":"ntce","id":"s","limits":{"mouth_gap_warn":0.5,'
            b'"mouth_gap_fail":0.9,"resolution_warn":0.05,'
            b'"resolution_fail":0.01}}',
        "seed-make-small.json":
            b'{"base":"ntce","id":"t","width":48,"height":64,"limits":'
            b'{"mouth_gap_warn":0.5,"mouth_gap_fail":0.9,'
            b'"resolution_warn":0.05,"resolution_fail":0.01}}',
        "seed-bad-dup.json": b'{"id":"a","id":"b","width":1,"height":1}',
        "seed-bad-key.json": b'{"base":"chsi","geometry":{"hed_top":{}}}',
        "seed-bad-band.json":
            b'{"base":"chsi","geometry":{"eye_line":{"min":9,"max":1}}}',
        "seed-bad-syntax.json": b'{"base":"chsi",\n"id": [1e999, tru',
        "seed-bad-nul.json": b'{"base":"chsi","id":"a\\u0000b"}',
    }


def report_seed(code, flags, file, msg, out, numbers=b""):
    return (bytes([code, flags]) + file + b"\0" + msg + b"\0" + out + b"\0"
            + numbers)


def report_seeds():
    num = struct.pack(">QHHB", 31234, 480, 640, 85)
    gb = "张三.jpg".encode("gb18030")
    return {
        "seed-ascii": report_seed(4, 0, b"in/a.jpg",
                                  b"in/a.jpg: cannot read image", b""),
        "seed-output": report_seed(0, 2, b"a.jpg", b"", b"out/a.jpg", num),
        "seed-utf8": report_seed(3, 1 | 4, "照片 1.jpg".encode(),
                                 "照片 1.jpg: 打不开".encode(),
                                 "输出/照片.jpg".encode(), num),
        "seed-gb18030": report_seed(4, 2 | 8, gb, gb + b": empty file",
                                    gb, num),
        "seed-controls": report_seed(9, 3, b'a"\\\x01\x1f\x7f\n.jpg',
                                     b"\t\r\b\f", b"\xc0\xaf\xed\xa0\x80"
                                     b"\xf4\x90\x80\x80\xe0\x80", num),
        "seed-unknown-code": report_seed(15, 255, b"x", b"y", b"z"),
    }


def fnv1a64(data, h=0xcbf29ce484222325):
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def tiny_model(parts=68, cascades=1, trees=2, depth=1, pixels=2,
               anchors=(0, 9), splits=((0, 1, 100.0), (1, 0, 0.0)),
               leaf=0.01):
    """A compact face model (lib/shape_model.h) of one level of `trees`
    trees of `depth`, checksums included."""
    def align8(x):
        return (x + 7) & ~7
    n_split = cascades * trees * ((1 << depth) - 1)
    shape = 96
    off_anchor = align8(shape + 8 * parts)
    off_delta = align8(off_anchor + 4 * cascades * pixels)
    off_split = align8(off_delta + 8 * cascades * pixels)
    off_det = align8(off_split + 12 * n_split)
    det = b"dlib!"
    off_leaf = align8(off_det + len(det))
    n_leaf = cascades * trees * (1 << depth) * 2 * parts
    end = off_leaf + 4 * n_leaf
    b = bytearray(end)
    for i in range(parts):
        struct.pack_into("<2f", b, shape + 8 * i, (i % 10) / 10, (i // 10) / 10)
    for i, a in enumerate(anchors[:cascades * pixels]):
        struct.pack_into("<I", b, off_anchor + 4 * i, a)
    for i, (i1, i2, t) in enumerate(splits[:n_split]):
        struct.pack_into("<IIf", b, off_split + 12 * i, i1, i2, t)
    b[off_det:off_det + len(det)] = det
    for i in range(n_leaf):
        struct.pack_into("<f", b, off_leaf + 4 * i, leaf * ((i % 7) - 3))
    leaf_sum = fnv1a64(b[off_leaf:])

    def header(meta, leaves):
        return struct.pack("<8s8I6Q", b"IDPFACE\x1a", 1, 96, parts, cascades,
                           trees, depth, pixels, 0, len(det), end, meta,
                           leaves, 0, 0)
    b[0:88] = header(0, 0)  # the meta checksum reads both fields as 0
    meta = fnv1a64(bytes(b[:off_leaf]))
    b[0:88] = header(meta, leaf_sum)
    return bytes(b)


def shape_model_seeds():
    good = tiny_model()
    return {
        "seed-tiny.idp": good,
        "seed-depth3.idp": tiny_model(trees=3, depth=3, pixels=4,
                                      anchors=(0, 9, 30, 67),
                                      splits=[(i % 4, (i + 1) % 4, 10.0 * i)
                                              for i in range(21)]),
        "seed-truncated.idp": good[:len(good) // 2],
        "seed-bad-anchor.idp": tiny_model(anchors=(0, 68)),
        "seed-bad-split.idp": tiny_model(splits=((0, 2, 1.0), (1, 0, 0.0))),
        "seed-nan-leaves.idp": tiny_model(leaf=float("nan")),
        "seed-header-only.idp": good[:96],
    }


def roster_seeds():
    """Rosters as registries export them (Excel on Chinese Windows saves
    GB18030/GBK; "CSV UTF-8" adds a BOM; "Unicode text" is UTF-16 with
    tabs) and the broken ones the parser must refuse."""
    text = ("学号,姓名,身份证号,学院\r\n"
            "2021001,张三,110101200001010011,计算机学院\r\n"
            "2021002,\"李, 四\",110101200001010022,\"外国语\"\"学院\"\"\"\r\n"
            "2021003,=HYPERLINK(\"x\"),110101200001010033,数学学院\r\n")
    tab = text.replace(",", "\t").replace("\"李\t 四\"", "\"李, 四\"")
    return {
        "seed-utf8.csv": text.encode("utf-8"),
        "seed-utf8-bom.csv": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "seed-gb18030.csv": text.encode("gb18030"),
        "seed-tab.tsv": tab.encode("utf-8"),
        "seed-utf16.txt": b"\xff\xfe" + tab.encode("utf-16-le"),
        "seed-multiline.csv": ("id,note\n1,\"line one\nline two\"\n\n"
                               "2,  spaced  \r3,\"\"\n").encode("utf-8"),
        "seed-ragged.csv": b"id,name\n1\n2,b,\n3,c,extra\n",
        "seed-dup-header.csv": b"id,id\n1,2\n",
        "seed-empty-name.csv": b"id,,name\n1,2,3\n",
        "seed-open-quote.csv": b"id,name\n1,\"never closed\n",
        "seed-nul.csv": b"id,name\n1,a\x00b\n",
        "seed-bad-bom.csv": b"\xef\xbb\xbfid\n\xff\xfe\n",
        "seed-blank": b"\r\n \n",
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", default=os.path.join(ROOT, "samples"))
    ap.add_argument("--force", action="store_true",
                    help="rewrite seeds that exist")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="idp-seeds-")
    try:
        sets = {"image_load": image_seeds(a.samples, work),
                "profile_json": profile_seeds(),
                "report_json": report_seeds(),
                "roster_csv": roster_seeds(),
                "shape_model": shape_model_seeds()}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for target, seeds in sets.items():
        d = os.path.join(CORPUS, target)
        os.makedirs(d, exist_ok=True)
        for name, data in sorted(seeds.items()):
            path = os.path.join(d, name)
            if os.path.exists(path) and not a.force:
                continue
            with open(path, "wb") as f:
                f.write(data)
            print("%-40s %6d bytes" % (os.path.relpath(path, ROOT),
                                       len(data)))


if __name__ == "__main__":
    main()
