#!/usr/bin/env python3
"""install_test.py - `cmake --install` gives a usable library and tools.

Usage: install_test.py --build DIR --cmake CMAKE --cc CC --config CONFIG
           --bindir D --libdir D --includedir D --mandir D
           --version X.Y.Z [--tools a,b] [--man ON|OFF] [--find-package]

Installs the build tree DIR into a temporary prefix, then checks:
  1. the tools are in BINDIR and `--help`/`--version` run from there;
  2. LIBDIR/libidphoto.a, INCLUDEDIR/idphoto.h (and no other header),
     LIBDIR/pkgconfig/idphoto.pc, and with --man ON a man page per tool in
     MANDIR/man1 (plain or .gz) with every @VAR@ substituted;
  3. consumer.c compiles with -std=c11 -Wpedantic -Werror and links with
     `pkg-config --cflags` / `pkg-config --static --libs idphoto`
     (PKG_CONFIG_PATH at the installed tree), and runs;
  4. with --find-package: the same through find_package(idphoto CONFIG).
The consumer runs with IDP_MODEL pointing at a missing file, so no model
is needed. Python 3 standard library only.
"""
import argparse
import glob
import gzip
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
errors = []


def fail(msg):
    errors.append(msg)
    print("FAIL: " + msg)


def run(cmd, env=None, cwd=None):
    """Run cmd; return (rc, stdout+stderr)."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       env=env, cwd=cwd, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def must(cmd, what, env=None, cwd=None):
    rc, out = run(cmd, env, cwd)
    if rc != 0:
        fail("%s: %s exited %d:\n%s" % (what, " ".join(cmd), rc, out))
        return None
    return out


def check_files(args, prefix):
    p = lambda *parts: os.path.join(prefix, *parts)
    for t in args.tools:
        exe = p(args.bindir, t)
        if not os.access(exe, os.X_OK):
            fail("%s is missing or not executable" % exe)
            continue
        must([exe, "--help"], t + " --help")
        out = must([exe, "--version"], t + " --version")
        if out is not None and args.version not in out:
            fail("%s --version does not say %s: %r" % (t, args.version, out))
        if args.man:
            man = p(args.mandir, "man1", t + ".1")
            if os.path.exists(man):
                with open(man, encoding="utf-8") as f:
                    page = f.read()
            elif os.path.exists(man + ".gz"):
                with gzip.open(man + ".gz", "rt", encoding="utf-8") as f:
                    page = f.read()
            else:
                fail("no man page %s(.gz)" % man)
                continue
            if not re.search(r"^\.TH ", page, re.M):
                fail("%s has no .TH line: not a man page" % man)
            left = re.findall(r"@[A-Za-z_]+@", page)
            if left:
                fail("%s: unsubstituted %s" % (man, ", ".join(left)))
    for f in (p(args.libdir, "libidphoto.a"), p(args.includedir, "idphoto.h"),
              p(args.libdir, "pkgconfig", "idphoto.pc")):
        if not os.path.isfile(f):
            fail("%s was not installed" % f)
    headers = sorted(os.path.relpath(h, p(args.includedir)) for h in
                     glob.glob(p(args.includedir, "**", "*.h"),
                               recursive=True))
    if headers != ["idphoto.h"]:
        fail("installed headers %s; want only idphoto.h" % headers)


def check_pkg_config(args, prefix, work, env):
    pcdir = os.path.join(prefix, args.libdir, "pkgconfig")
    env = dict(env, PKG_CONFIG_PATH=pcdir + os.pathsep +
               env.get("PKG_CONFIG_PATH", ""))
    ver = must(["pkg-config", "--modversion", "idphoto"], "pkg-config", env)
    if ver is None:
        return
    if ver.strip() != args.version:
        fail("pkg-config --modversion idphoto: %s, want %s"
             % (ver.strip(), args.version))
    inc = must(["pkg-config", "--variable=includedir", "idphoto"],
               "pkg-config includedir", env)
    want_inc = os.path.join(prefix, args.includedir)
    if inc is not None and os.path.realpath(inc.strip()) != \
            os.path.realpath(want_inc):
        fail("idphoto.pc includedir is %s, want %s (the installed tree)"
             % (inc.strip(), want_inc))
    cflags = must(["pkg-config", "--cflags", "idphoto"], "cflags", env)
    libs = must(["pkg-config", "--static", "--libs", "idphoto"], "libs", env)
    if cflags is None or libs is None:
        return
    exe = os.path.join(work, "consumer-pc")
    cc = shlex.split(args.cc)
    cmd = (cc + ["-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror",
                 os.path.join(HERE, "consumer.c"), "-o", exe]
           + shlex.split(cflags) + shlex.split(libs))
    if must(cmd, "compile and link with pkg-config --static", env) is None:
        return
    out = must([exe], "run the pkg-config consumer", env)
    if out is not None:
        print("pkg-config consumer: " + out.strip())


def check_find_package(args, prefix, work, env):
    src, bld = HERE, os.path.join(work, "consumer-cmake")
    if must([args.cmake, "-S", src, "-B", bld, "-DCMAKE_PREFIX_PATH=" + prefix,
             "-DCMAKE_BUILD_TYPE=Release"], "configure a find_package "
            "consumer", env) is None:
        return
    if must([args.cmake, "--build", bld], "build the find_package consumer",
            env) is None:
        return
    exe = os.path.join(bld, "consumer")
    out = must([exe], "run the find_package consumer", env)
    if out is not None:
        print("find_package consumer: " + out.strip())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--cmake", required=True)
    ap.add_argument("--cc", required=True)
    ap.add_argument("--config", default="")
    ap.add_argument("--bindir", required=True)
    ap.add_argument("--libdir", required=True)
    ap.add_argument("--includedir", required=True)
    ap.add_argument("--mandir", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--tools", default="")
    ap.add_argument("--man", default="ON")
    ap.add_argument("--find-package", action="store_true")
    args = ap.parse_args()
    args.tools = [t for t in args.tools.split(",") if t]
    args.man = args.man.upper() in ("ON", "1", "TRUE", "YES")

    env = dict(os.environ, IDP_MODEL="/nonexistent/idphoto-test-model.dat")
    with tempfile.TemporaryDirectory(prefix="idphoto-install-") as work:
        prefix = os.path.join(work, "prefix")
        cmd = [args.cmake, "--install", args.build, "--prefix", prefix]
        if args.config:
            cmd += ["--config", args.config]
        if must(cmd, "cmake --install") is None:
            return 1
        check_files(args, prefix)
        check_pkg_config(args, prefix, work, env)
        if args.find_package:
            check_find_package(args, prefix, work, env)
    print("install: %d problems" % len(errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
