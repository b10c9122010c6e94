#!/usr/bin/env python3
"""dependency_rules.py - enforce the rules of lib/README.md.

Usage: dependency_rules.py SOURCE_DIR

Reads the module map of lib/README.md (the `may use` column) and checks the
numbered rules of its "Dependency rules" section over lib/, cli/ and
tests/unit/, on the code with comments and string literals blanked out.
Prints one line per violation ("file:line: rule N: ...") and exits 1 if
there is any. Python 3 standard library only.
"""
import os
import re
import sys

C_STD = {
    "assert.h", "complex.h", "ctype.h", "errno.h", "fenv.h", "float.h",
    "inttypes.h", "iso646.h", "limits.h", "locale.h", "math.h", "setjmp.h",
    "signal.h", "stdalign.h", "stdarg.h", "stdatomic.h", "stdbool.h",
    "stddef.h", "stdint.h", "stdio.h", "stdlib.h", "stdnoreturn.h",
    "string.h", "tgmath.h", "threads.h", "time.h", "uchar.h", "wchar.h",
    "wctype.h",
}
# malloc.h is glibc's (mallopt: the tools tune malloc, cli/cli.c), counted
# with the system headers.
POSIX = {
    "dirent.h", "dlfcn.h", "fcntl.h", "getopt.h", "iconv.h", "libgen.h",
    "malloc.h",
    "poll.h", "pthread.h", "strings.h", "unistd.h",
}
THIRD_PARTY = {"vips/": "libvips", "cjson/": "cJSON", "dlib/": "dlib"}
# Third-party headers at the top of the include path, by name.
# gmodule.h is GLib's module loader, part of libvips here: image_io.c
# loads libvips's HEIF module with it.
THIRD_PARTY_FILES = {"jpeglib.h": "libjpeg", "jerror.h": "libjpeg",
                     "jpegint.h": "libjpeg",
                     "png.h": "libpng", "gmodule.h": "libvips"}
# The compiler's x86 SIMD intrinsics (rule 11).
COMPILER_FILES = {"immintrin.h": "x86 intrinsics"}
KNOWN_DEPS = ({"C", "POSIX", "C++"} | set(THIRD_PARTY.values())
              | set(THIRD_PARTY_FILES.values()) | set(COMPILER_FILES.values()))

# Rules 1-3: where a third-party header may be included (paths relative to
# the source dir; a trailing / allows a whole directory).
CONFINED = {
    "dlib": (1, {"lib/face_dlib.cpp"}),
    "cJSON": (2, {"lib/profile_json.c", "lib/report_json.c",
                  "lib/version.c", "tests/"}),
    "libvips": (3, {"lib/image_io.c", "lib/image_reduce.c",
                    "lib/image_reduce.h", "lib/version.c", "lib/vips_dl.c",
                    "lib/vips_dl.h"}),
    "libjpeg": (10, {"lib/decode_huff.c", "lib/decode_huff.h",
                     "lib/decode_jpeg.c", "lib/decode_rows.c",
                     "lib/decode_rows.h",
                     "lib/encode_gather.c", "lib/encode_gather.h",
                     "lib/encode_jpeg.c", "tests/"}),
    "libpng": (10, {"lib/encode_png.c", "tests/"}),
    "x86 intrinsics": (11, {"lib/decode_idct.c", "lib/encode_gather.c",
                            "lib/grey.c",
                            "lib/hog_cells.c", "lib/hog_filter.c",
                            "lib/hog_pyramid.c", "lib/matte_edge.c",
                            "lib/reduceh.c", "lib/wall.c"}),
}
# Rule 5: the library never prints, never exits.
NO_PRINT = ["printf", "vprintf", "fprintf", "vfprintf", "dprintf", "puts",
            "fputs", "putchar", "putc", "fputc", "perror", "exit", "_Exit",
            "quick_exit", "abort"]
NO_STREAM = ["stdout", "stderr", "cout", "cerr", "clog"]
# Rule 6: footguns, in lib/ and cli/.
BANNED = ["atoi", "atol", "atoll", "atof", "sprintf", "vsprintf", "strcpy",
          "strcat", "strtok", "gets"]

SOURCE_EXT = (".c", ".h", ".cpp", ".cc", ".cxx", ".hpp")
INCLUDE_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^>"]+)[>"]', re.M)


def call_re(names):
    return re.compile(r"(?<![\w.>])(?:std::)?(%s)\s*\(" % "|".join(names))


def word_re(names):
    return re.compile(r"(?<![\w.>])(%s)\b" % "|".join(names))


def strip(text, keep_strings):
    """Blank comments (and string/char literals unless keep_strings),
    keeping every newline so line numbers stay right."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            if keep_strings:
                out.append(text[i:j])
            else:
                out.append(c + " " * max(j - i - 2, 0) + c)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def category(header):
    if header in C_STD:
        return "C"
    if header in POSIX or header.startswith("sys/"):
        return "POSIX"
    for prefix, dep in THIRD_PARTY.items():
        if header.startswith(prefix):
            return dep
    if header in THIRD_PARTY_FILES:
        return THIRD_PARTY_FILES[header]
    if header in COMPILER_FILES:
        return COMPILER_FILES[header]
    if "." not in header and "/" not in header:
        return "C++"
    return None


def allowed(path, places):
    return any(path == p or (p.endswith("/") and path.startswith(p))
               for p in places)


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def read_module_map(readme):
    """{lib-relative path: set of deps} from the README's table."""
    rows = {}
    row_re = re.compile(r"^\|\s*`([^`]+)`\s*\|.*\|\s*([^|]*?)\s*\|\s*$")
    in_map = False
    with open(readme, encoding="utf-8") as f:
        for line in f:
            if line.startswith("## "):
                in_map = line.strip() == "## Module map"
                continue
            m = row_re.match(line) if in_map else None
            if m:
                rows[m.group(1)] = {d.strip() for d in m.group(2).split(",")}
    return rows


def source_files(root, sub):
    base = os.path.join(root, sub)
    for dirpath, _, files in os.walk(base):
        for name in sorted(files):
            if name.endswith(SOURCE_EXT):
                yield os.path.relpath(os.path.join(dirpath, name), root)


class Checker:
    def __init__(self, root):
        self.root = root
        self.errors = []
        self.files = 0

    def fail(self, path, line, rule, msg):
        self.errors.append("%s:%d: rule %d: %s" % (path, line, rule, msg))

    def read(self, path):
        with open(os.path.join(self.root, path), encoding="utf-8",
                 errors="replace") as f:
            return f.read()

    def check_module_map(self, rows, lib_files):
        listed = {"lib/" + f for f in rows}
        for f in sorted(set(lib_files) - listed):
            self.fail(f, 1, 7, "no row in the module map of lib/README.md")
        for f in sorted(listed - set(lib_files)):
            self.fail("lib/README.md", 1, 7, "row for %s, which does not "
                      "exist" % f)
        for f, deps in sorted(rows.items()):
            for d in sorted(deps - KNOWN_DEPS):
                self.fail("lib/README.md", 1, 7, "%s: unknown dependency "
                          "'%s' (known: %s)" % (f, d,
                                               ", ".join(sorted(KNOWN_DEPS))))

    def check_includes(self, path, code, rows):
        for m in INCLUDE_RE.finditer(code):
            line = line_of(code, m.start())
            kind, header = m.group(1), m.group(2)
            if kind == '"':
                self.check_quoted(path, line, header)
                continue
            dep = category(header)
            if path == "lib/include/idphoto.h" and dep != "C":
                self.fail(path, line, 4, "<%s>: the public header includes "
                          "only C standard headers" % header)
            if dep is None:
                self.fail(path, line, 7, "<%s> is no known dependency "
                          "(add it to lib/README.md and this test)" % header)
                continue
            if dep in CONFINED:
                rule, places = CONFINED[dep]
                if not allowed(path, places):
                    self.fail(path, line, rule, "<%s>: %s only in %s"
                              % (header, dep, ", ".join(sorted(places))))
            row = rows.get(path[len("lib/"):]) if path.startswith("lib/") \
                else None
            if row is not None and dep not in row:
                self.fail(path, line, 7, "<%s> is %s, not in its 'may use' "
                          "(%s)" % (header, dep, ", ".join(sorted(row))))

    def check_quoted(self, path, line, header):
        if path == "lib/include/idphoto.h":
            self.fail(path, line, 4, '"%s": the public header includes '
                      "no other header" % header)
        if path.startswith("cli/"):
            name = os.path.basename(header)
            if name != "idphoto.h" and not os.path.exists(
                    os.path.join(self.root, "cli", header)):
                self.fail(path, line, 8, '"%s": the tools include only '
                          "idphoto.h and cli/ headers" % header)

    def check_words(self, path, code, regex, rule, what):
        for m in regex.finditer(code):
            self.fail(path, line_of(code, m.start()), rule,
                      "%s: %s" % (m.group(1), what))

    def check_names(self, path, code, public_header):
        """Rule 9, on top-level function definitions of C files."""
        defn = re.compile(r"^(?!static\b|typedef\b|extern\b|return\b)"
                          r"[A-Za-z_][\w \t*]*?\b([A-Za-z_]\w*)\s*\(",
                          re.M)
        for m in defn.finditer(code):
            name = m.group(1)
            rest = code[m.end():]
            depth, j = 1, 0
            while j < len(rest) and depth:
                depth += {"(": 1, ")": -1}.get(rest[j], 0)
                j += 1
            after = rest[j:].lstrip()
            if not after.startswith("{"):
                continue  # a declaration or a macro call, not a definition
            line = line_of(code, m.start())
            if path.startswith("lib/"):
                if name.startswith("idp__"):
                    if re.search(r"\b%s\b" % name, public_header):
                        self.fail(path, line, 9, "%s is private but "
                                  "declared in idphoto.h" % name)
                elif name.startswith("idp_"):
                    if not re.search(r"\b%s\s*\(" % name, public_header):
                        self.fail(path, line, 9, "%s: public name, not "
                                  "declared in idphoto.h (private names "
                                  "are idp__)" % name)
                else:
                    self.fail(path, line, 9, "%s: external function "
                              "without the idp_/idp__ prefix (make it "
                              "static?)" % name)
            elif path.startswith("cli/"):
                if name != "main" and not name.startswith("cli_"):
                    self.fail(path, line, 9, "%s: external function in "
                              "cli/ without the cli_ prefix (make it "
                              "static?)" % name)

    def run(self):
        rows = read_module_map(os.path.join(self.root, "lib", "README.md"))
        if not rows:
            sys.exit("FAIL: no module map table in lib/README.md")
        lib_files = list(source_files(self.root, "lib"))
        self.check_module_map(rows, lib_files)
        cpp = [f for f in lib_files if f.endswith((".cpp", ".cc", ".cxx"))]
        for f in cpp:
            if f != "lib/face_dlib.cpp":
                self.fail(f, 1, 1, "C++ only in lib/face_dlib.cpp")
        public_header = strip(self.read("lib/include/idphoto.h"), False)
        prints = call_re(NO_PRINT)
        streams = word_re(NO_STREAM)
        banned = call_re(BANNED)
        idp_private = re.compile(r"\b(idp__\w+)")
        for sub in ("lib", "cli", os.path.join("tests", "unit")):
            for path in source_files(self.root, sub):
                self.files += 1
                text = self.read(path)
                with_strings = strip(text, True)
                code = strip(text, False)
                self.check_includes(path, with_strings, rows)
                if path.startswith("lib/"):
                    self.check_words(path, code, prints, 5,
                                     "the library never prints or exits")
                    self.check_words(path, code, streams, 5,
                                     "the library never prints")
                if path.startswith(("lib/", "cli/")):
                    self.check_words(path, code, banned, 6, "banned; see "
                                     "lib/README.md for what to use")
                if path.startswith("cli/"):
                    self.check_words(path, code, idp_private, 8,
                                     "library-private name in a tool")
                if path.endswith(".c") and path.startswith(("lib/", "cli/")):
                    self.check_names(path, code, public_header)
        for e in self.errors:
            print("FAIL: " + e)
        print("dependency_rules: %d files, %d module-map rows, %d violations"
              % (self.files, len(rows), len(self.errors)))
        return 1 if self.errors else 0


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    return Checker(os.path.abspath(sys.argv[1])).run()


if __name__ == "__main__":
    sys.exit(main())
