#!/usr/bin/env python3
"""help_vs_man.py - a tool's --help and its man page say the same things.

Usage: help_vs_man.py TOOL MAN.scd

Runs `TOOL --help` and reads the scdoc source of its man page, then fails,
listing every difference, unless:
  - every long option (--xxx) of --help has an entry in the man page's
    OPTIONS section, and every long option the man page names anywhere
    (examples included) is in --help;
  - each short option paired with a long one in --help ("-q, --quiet")
    is paired the same way on one line of the man page, and the other way
    round;
  - the exit statuses named in --help ("Exit status: 0 ..., 1 ...") are
    0-6, and the man page's EXIT STATUS section has a *N* entry for each
    and for no other;
  - every environment variable named in --help (IDP_*, LANG, LC_*) appears
    in the man page;
  - the man page has the sections of style.md 9.9 (NAME, SYNOPSIS,
    DESCRIPTION, OPTIONS, EXIT STATUS, EXAMPLES, SEE ALSO) and its NAME
    line names the tool.
Python 3 standard library only; needs no model and no photo.
"""
import os
import re
import subprocess
import sys

EXIT_CODES = set(range(7))
SECTIONS = ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS",
            "EXAMPLES", "SEE ALSO"]
LONG_RE = re.compile(r"(?<![\w-])--[a-z0-9][a-z0-9-]*")
PAIR_RE = re.compile(r"(?<![\w-])(-[A-Za-z0-9]),\s+(--[a-z0-9][a-z0-9-]*)")
ENV_RE = re.compile(r"\b(IDP_[A-Z0-9_]+|LANG|LC_[A-Z]+)\b")


def run_help(tool):
    p = subprocess.run([tool, "--help"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    text = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0:
        sys.exit("FAIL: %s --help exited with %d" % (tool, p.returncode))
    if not text.strip():
        sys.exit("FAIL: %s --help printed nothing on stdout" % tool)
    return text


def plain_scd(path):
    """The page's text without comments and scdoc markup (*, _, \\)."""
    lines = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith(";"):
                continue
            line = line.replace("\\", "")
            line = re.sub(r"(?<!\w)[*_]|[*_](?!\w)", "", line)
            lines.append(line.rstrip("\n"))
    return lines


def sections(lines):
    """{heading: [lines]} for the '# HEADING' sections."""
    out, cur = {}, None
    for line in lines:
        m = re.match(r"#\s+(.+?)\s*$", line)
        if m:
            cur = m.group(1)
            out[cur] = []
        elif cur is not None:
            out[cur].append(line)
    return out


def help_exit_codes(text):
    m = re.search(r"^Exit status:(.*?)(?:\n\s*\n|\Z)", text,
                  re.M | re.S | re.I)
    if not m:
        return None
    return {int(n) for n in re.findall(r"(?<![\w.])(\d+)(?=\s+[a-z])",
                                       m.group(1))}


def man_exit_codes(secs):
    body = secs.get("EXIT STATUS", [])
    return {int(m.group(1)) for m in
            (re.match(r"(\d+)\s*$", line) for line in body) if m}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    tool, scd = sys.argv[1], sys.argv[2]
    name = os.path.basename(tool)
    help_text = run_help(tool)
    man_lines = plain_scd(scd)
    man_text = "\n".join(man_lines)
    secs = sections(man_lines)
    errors = []

    help_long = set(LONG_RE.findall(help_text))
    man_long = set(LONG_RE.findall(man_text))
    # An option is documented by an entry of OPTIONS: a line that starts
    # with it (the indented lines below are its description).
    man_entries = set()
    for line in secs.get("OPTIONS", []):
        if line[:1] not in ("", " ", "\t"):
            man_entries.update(LONG_RE.findall(line))
    for o in sorted(help_long - man_entries):
        errors.append("%s is in --help but has no entry under OPTIONS in %s"
                      % (o, scd))
    for o in sorted(man_long - help_long):
        errors.append("%s is in %s but not in --help" % (o, scd))

    help_pairs = set(PAIR_RE.findall(help_text))
    man_pairs = set(PAIR_RE.findall(man_text))
    for s, lo in sorted(help_pairs - man_pairs):
        errors.append("--help pairs %s with %s; the man page does not"
                      % (s, lo))
    for s, lo in sorted(man_pairs - help_pairs):
        errors.append("the man page pairs %s with %s; --help does not"
                      % (s, lo))

    help_codes = help_exit_codes(help_text)
    man_codes = man_exit_codes(secs)
    if help_codes is None:
        errors.append("--help has no 'Exit status:' paragraph")
    elif help_codes != EXIT_CODES:
        errors.append("--help names exit statuses %s, not 0-6"
                      % sorted(help_codes))
    if man_codes != EXIT_CODES:
        errors.append("EXIT STATUS of %s has entries %s, not 0-6"
                      % (scd, sorted(man_codes)))

    for v in sorted(set(ENV_RE.findall(help_text))):
        if not re.search(r"\b%s\b" % re.escape(v), man_text):
            errors.append("environment variable %s is in --help but not "
                          "in %s" % (v, scd))

    for s in SECTIONS:
        if s not in secs:
            errors.append("%s has no '# %s' section" % (scd, s))
    name_line = " ".join(l for l in secs.get("NAME", []) if l.strip())
    if not name_line.startswith(name + " - "):
        errors.append("NAME of %s should start with '%s - '" % (scd, name))

    for e in errors:
        print("FAIL: " + e)
    print("%s: %d long options, %d exit statuses in --help; %d problems"
          % (name, len(help_long), len(help_codes or ()), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
