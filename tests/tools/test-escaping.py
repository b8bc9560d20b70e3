#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every output of lsuserns, lspidns and dumpns on the zoo's hostile process.

The zoo's "hostile" process (tests/lib/hostile.h) has a command line with
one of each: C0 controls and an ESC sequence, DEL, a C1 control (U+009B)
and the raw byte 0x9b, a bidi control (U+202E), U+2028, a zero-width
character, HTML entities, quotes, backslashes, a newline and invalid UTF-8;
its user namespace ("hostile") and the PID namespace of its children
("hostilepid") show its name. For each output of each tool: no raw control,
bidi, separator or invisible character reaches it; the text shows each
class in its escaped form; JSON, parsed, gives back the exact bytes (the
string, or base64 in *_bytes where they are not UTF-8). Graph outputs are
the graphns suite's. Speaks TAP; Python standard library only.
"""

import argparse
import base64
import json
import os
import re
import subprocess
import sys
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from tap import check, plan, run_test  # noqa: E402
from zoorun import start_for_tap  # noqa: E402

SGR = re.compile(r"\x1b\[[0-9;]*m")

# Each class in the hostile name: its raw bytes, its text escape, and its
# JSON escape (None: a byte of invalid UTF-8, which JSON cannot hold).
CLASSES = [
    ("ESC sequence (C0)", b"\x1b[31m", "\\e[31m", "\\u001b[31m"),
    ("C0 control", b"\x01", "\\x01", "\\u0001"),
    ("DEL", b"\x7f", "\\x7f", "\\u007f"),
    ("C1 control U+009B", b"\xc2\x9b", "\\u009b", "\\u009b"),
    ("raw byte 0x9b", b"\x9b\xff\xfe", "\\x9b\\xff\\xfe", None),
    ("bidi U+202E", "\u202e".encode(), "\\u202e", "\\u202e"),
    ("line separator U+2028", "\u2028".encode(), "\\u2028", "\\u2028"),
    ("zero width U+200B", "\u200b".encode(), "\\u200b", "\\u200b"),
    ("newline", b"\n", "\\n", "\\n"),
    ("tab", b"\t", "\\t", "\\t"),
    ("HTML entities", b"&#10;user:[1]&#10;&amp;", "&#10;user:[1]&#10;&amp;",
     "&#10;user:[1]&#10;&amp;"),
    ("quotes", b'"quoted"', '\\"quoted\\"', '\\"quoted\\"'),
    ("backslash", b"\\N \\ name", "\\\\N \\\\ name", "\\\\N \\\\ name"),
]


def bad_chars(text):
    """Characters that may not reach a terminal raw, with their index:
    every control but the newline that ends a line, format characters
    (bidi, zero width), separators, unassigned code points."""
    return [(i, "U+%04X" % ord(c)) for i, c in enumerate(text)
            if c != "\n" and unicodedata.category(c) in (
                "Cc", "Cf", "Zl", "Zp", "Cs", "Cn")]


def check_clean(out, what, colour=False):
    """out: the bytes a tool wrote. They are UTF-8 and hold nothing raw."""
    try:
        text = out.decode("utf-8")
    except UnicodeDecodeError as e:
        raise AssertionError("%s: not UTF-8: %s" % (what, e))
    if colour:
        # None of the tools' own colours is plain red.
        check("\x1b[31m" not in text,
              "%s: the hostile ESC [31m reached the output" % what)
        text = SGR.sub("", text)
    bad = bad_chars(text)
    check(not bad, "%s: raw %s at %r" % (
        what, bad[:1] and bad[0][1],
        bad and text[max(bad[0][0] - 40, 0):bad[0][0] + 40]))
    # Newlines end lines; every other class must not be there raw.
    for name, raw, _, _ in CLASSES:
        if raw != b"\n" and (raw[0] >= 0x80 or raw[0] < 0x20 or
                             raw[0] == 0x7f):
            check(raw not in out, "%s: raw %s" % (what, name))
    return text


def text_escape(raw):
    """The text escaper's form, written again independently."""
    out, i = [], 0
    named = {0x5c: "\\\\", 0x22: '\\"', 0x1b: "\\e", 0x0a: "\\n", 0x09: "\\t"}
    while i < len(raw):
        c = raw[i]
        if c in named:
            out.append(named[c])
            i += 1
        elif c < 0x20 or c == 0x7f:
            out.append("\\x%02x" % c)
            i += 1
        elif c < 0x80:
            out.append(chr(c))
            i += 1
        else:
            n = 2 if c < 0xe0 else 3 if c < 0xf0 else 4
            try:
                ch = raw[i:i + n].decode("utf-8")
                ok = len(ch) == 1
            except UnicodeDecodeError:
                ok = False
            if not ok:
                out.append("\\x%02x" % c)
                i += 1
                continue
            cat = unicodedata.category(ch)
            if cat in ("Cc", "Cf", "Zl", "Zp", "Cs", "Cn"):
                out.append("\\u%04x" % ord(ch))
            else:
                out.append(ch)
            i += n
    return "".join(out)


class Hostile:
    def __init__(self, manifest):
        procs = [p for p in manifest["processes"] if p["name"] == "hostile"]
        check(len(procs) == 1, "manifest: %d hostile processes" % len(procs))
        self.pid = procs[0]["pid"]
        self.argv0 = bytes.fromhex(procs[0]["argv0_hex"])
        with open("/proc/%d/cmdline" % self.pid, "rb") as f:
            self.cmdline = f.read().split(b"\0")[:-1]
        check(self.cmdline[0] == self.argv0, "argv0 in /proc")
        ns = {n["name"]: n for n in manifest["namespaces"]}
        self.user = ns["hostile"]["ino"]
        self.pidns = ns["hostilepid"]["ino"]
        for name, raw, _, _ in CLASSES:
            check(raw in self.argv0, "the hostile name lacks %s" % name)
        # What a tree shows: the name, escaped, and the pid.
        self.label = "%s (%d)" % (text_escape(self.argv0), self.pid)


def run(tool, *argv):
    p = subprocess.run([tool] + list(argv), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120,
                       stdin=subprocess.DEVNULL)
    check(p.returncode == 0, "%s %s: exit %d: %r" % (
        tool, " ".join(argv), p.returncode, p.stderr[-300:]))
    check_clean(p.stderr, "%s %s: stderr" % (tool, " ".join(argv)))
    return p.stdout


def line_of(text, prefix, what):
    lines = [ln for ln in text.split("\n") if prefix in ln]
    check(len(lines) == 1, "%s: %d lines with %r" % (what, len(lines),
                                                      prefix))
    return lines[0]


def t_text(args, h, tool, argv, prefix, holder):
    what = "%s %s" % (os.path.basename(tool), " ".join(argv))
    colour = "--color=always" in argv
    text = check_clean(run(tool, *argv), what, colour)
    if colour:
        text = SGR.sub("", text)
    line = line_of(text, prefix, what)
    want = holder % h.label
    check(want in line, "%s: want %r in %r" % (what, want, line))
    for name, _, esc, _ in CLASSES:
        check(esc in line, "%s: %s not as %r: %r" % (what, name, esc, line))


def json_objects(doc):
    """Every object in doc, depth first."""
    if isinstance(doc, dict):
        yield doc
        for v in doc.values():
            yield from json_objects(v)
    elif isinstance(doc, list):
        for v in doc:
            yield from json_objects(v)


def exact(obj, key):
    """The bytes obj[key] stands for: KEY_bytes where the tools gave it."""
    if key + "_bytes" in obj:
        raw = base64.b64decode(obj[key + "_bytes"], validate=True)
        # The text: each invalid byte U+FFFD (Python's decoder agrees on
        # the bytes of the hostile name).
        check(obj[key] == raw.decode("utf-8", "replace"),
              "%s: text %r of %r" % (key, obj[key], raw))
        return raw
    return obj[key].encode("utf-8")


def t_json(args, h, tool, argv):
    what = "%s %s" % (os.path.basename(tool), " ".join(argv))
    out = run(tool, *argv)
    check_clean(out, what)
    text = out.decode("utf-8")
    for name, _, _, esc in CLASSES:
        if esc is not None:
            check(esc in text, "%s: %s not as %r" % (what, name, esc))
    doc = json.loads(text)
    names = [o for o in json_objects(doc)
             if o.get("pid") == h.pid and "name" in o]
    check(names, "%s: the hostile process is nowhere" % what)
    for o in names:
        check_eq_bytes(exact(o, "name"), h.argv0, what + " name")
        check("name_bytes" in o, "%s: no name_bytes" % what)
    for o in json_objects(doc):
        if "cmdline" in o and o.get("pid") == h.pid:
            check("cmdline_bytes" in o, what + ": no cmdline_bytes")
            got = [base64.b64decode(a) for a in o["cmdline_bytes"]]
            check_eq_bytes(got, h.cmdline, what + " cmdline")
            check(o["cmdline"][1] == h.cmdline[1].decode(),
                  what + ": cmdline[1] text")
    # Valid UTF-8 names carry no *_bytes.
    for o in json_objects(doc):
        if "name" in o and o.get("pid") != h.pid and "name_bytes" in o:
            try:
                base64.b64decode(o["name_bytes"]).decode("utf-8")
                raise AssertionError("%s: name_bytes for UTF-8 %r" % (
                    what, o["name"]))
            except UnicodeDecodeError:
                pass


def check_eq_bytes(got, want, what):
    check(got == want, "%s: %r, want %r" % (what, got, want))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--zoo", default="")
    for tool in ("lsuserns", "lspidns", "dumpns"):
        ap.add_argument("--" + tool, required=True)
    args = ap.parse_args()
    zoo_run, rc = start_for_tap(args.zoo)
    if not zoo_run:
        return rc
    try:
        h = Hostile(zoo_run.manifest)
        user = "user:[%d] process " % h.user
        pidns = "pid:[%d] for " % h.pidns
        proc_ = 'process "%s"'
        kids = 'for children of process "%s"'
        for argv in ([], ["-d"], ["--color=always"], ["-d", "-t", "pid"]):
            run_test("lsuserns %s: hostile escaped" % " ".join(argv),
                     t_text, args, h, args.lsuserns, argv, user, proc_)
        run_test("lsuserns -d: hostilepid owned line", t_text, args, h,
                 args.lsuserns, ["-d"], "⟜ " + pidns, kids)
        for argv in ([], ["-u"], ["--color=always"]):
            run_test("lspidns %s: hostile escaped" % " ".join(argv),
                     t_text, args, h, args.lspidns, argv, pidns, kids)
        run_test("lspidns -u: hostile's user line", t_text, args, h,
                 args.lspidns, ["-u"], user, proc_)
        run_test("lsuserns -v: hostile's holder line", t_text, args, h,
                 args.lsuserns, ["-v"], "• " + proc_ % h.label, proc_)
        run_test("lspidns -v: hostilepid's holder line", t_text, args, h,
                 args.lspidns, ["-v"], "• " + kids % h.label, kids)
        for tool, argv in ((args.lsuserns, ["-J"]), (args.lsuserns,
                                                     ["-J", "-d"]),
                           (args.lspidns, ["-J"]), (args.lspidns,
                                                    ["-J", "-u"]),
                           (args.dumpns, []), (args.dumpns, ["-c"])):
            run_test("%s %s: JSON exact and clean" % (
                os.path.basename(tool), " ".join(argv)), t_json, args, h,
                tool, argv)
    finally:
        rc = zoo_run.stop()
    run_test("zoo exits 0", lambda: check(rc == 0, "zoo exit %r" % rc))
    return plan()


if __name__ == "__main__":
    sys.exit(main())
