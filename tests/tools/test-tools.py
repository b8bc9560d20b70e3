#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Golden-output tests of lsuserns, lspidns and dumpns on the namespace zoo.

Starts tests/zoo/nsrel-zoo, reads its manifest, runs the tools and compares
the whole subtree of each zoo namespace with what the manifest says it must
be, inode numbers filled in. Other namespaces on the host (other tests may be
running) are left alone. Speaks TAP; Python standard library only.
"""

import argparse
import base64
import ctypes
import json
import os
import pty
import pwd
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from kernelns import kernel_chain, kernel_owner, unused_pid  # noqa: E402
from procname import proc_name  # noqa: E402
from tap import check, plan, run_test  # noqa: E402
from zoorun import start_for_tap  # noqa: E402

BRANCH = " ├── "
LAST = " └── "
PIPE = " │  "
SPACE = "    "
SGR = re.compile(rb"\x1b\[[0-9;]*m")

# ---------------------------------------------------------------- TAP ----

def check_eq(got, want, what):
    if got != want:
        raise AssertionError("%s:\n--- want\n%s\n--- got\n%s" % (
            what, fmt(want), fmt(got)))


def fmt(x):
    if isinstance(x, (list, tuple)) and x and isinstance(x[0], str):
        return "\n".join(x)
    if isinstance(x, Node):
        return "\n".join(render_tree([x]))
    return repr(x)

# ---------------------------------------------------- the expectation ----


def unsafe(ch: str) -> bool:
    """A code point the tools never print raw (Python's Unicode may be
    older than the tools' table; the zoo's names use none of the newer)."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Cn")


def escape(raw: bytes) -> str:
    """The tools' text escaper, written again independently."""
    out = []
    i = 0
    while i < len(raw):
        c = raw[i]
        named = {0x5c: "\\\\", 0x22: '\\"', 0x1b: "\\e", 0x0a: "\\n",
                 0x09: "\\t"}
        if c in named:
            out.append(named[c])
            i += 1
            continue
        if c < 0x20 or c == 0x7f:
            out.append("\\x%02x" % c)
            i += 1
            continue
        if c < 0x80:
            out.append(chr(c))
            i += 1
            continue
        n = 2 if c < 0xe0 else 3 if c < 0xf0 else 4
        try:
            ch = raw[i:i + n].decode("utf-8")
            ok = len(ch) == 1 and c >= 0xc2
        except UnicodeDecodeError:
            ok = False
        if not ok:
            out.append("\\x%02x" % c)
            i += 1
        elif unsafe(ch):
            out.append(("\\u%04x" if ord(ch) < 0x10000 else "\\U%08x")
                       % ord(ch))
            i += n
        else:
            out.append(ch)
            i += n
    return "".join(out)


def utf8_at(raw: bytes, i: int) -> int:
    """Length of the valid UTF-8 sequence at raw[i], 0 if none."""
    c = raw[i]
    if c < 0x80:
        return 1
    n = 2 if c < 0xe0 else 3 if c < 0xf0 else 4
    try:
        return n if len(raw[i:i + n].decode("utf-8")) == 1 else 0
    except UnicodeDecodeError:
        return 0


def json_text(raw: bytes, key: str) -> dict:
    """What the tools' JSON holds for raw bytes under key: the text, each
    byte that starts no UTF-8 sequence as U+FFFD, and KEY_bytes (base64)
    where raw is not UTF-8."""
    out, i = [], 0
    while i < len(raw):
        n = utf8_at(raw, i)
        out.append(raw[i:i + n].decode() if n else "\ufffd")
        i += n or 1
    d = {key: "".join(out)}
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        d[key + "_bytes"] = base64.b64encode(raw).decode()
    return d


def proc_label(pid, id_=None):
    return "%s (%d)" % (escape(proc_name(pid)), pid if id_ is None else id_)


def holder(ns):
    held = ns["held"]
    if held == "proc":
        return 'process "%s"' % proc_label(ns["pid"])
    if held == "hidden":
        return "(no process: held by a child namespace)"
    if held == "bindmount":
        return 'bind-mounted at "%s"' % escape(ns["path"].encode())
    if held == "fd":
        return 'held by fd %d of process "%s"' % (ns["fd"],
                                                  proc_label(ns["pid"]))
    if held == "socket":
        return 'held by socket of process "%s"' % proc_label(ns["pid"])
    if held == "task":
        return 'task "%s" of process "%s"' % (
            proc_label(ns["pid"], ns["tid"]), proc_label(ns["pid"]))
    if held == "for_children":
        return 'for children of process "%s"' % proc_label(ns["pid"])
    raise AssertionError("manifest: unknown held %r" % held)


def user_name(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return None


def owner_text(uid):
    if uid is None:
        return "(unknown)"
    name = user_name(uid)
    if name is None:
        return "(%d)" % uid
    return '"%s" (%d)' % (escape(name.encode()), uid)


class Zoo:
    def __init__(self, manifest):
        self.m = manifest
        self.ns = {n["name"]: n for n in manifest["namespaces"]}
        self.by_ino = {(n["type"], n["ino"]): n for n in
                       manifest["namespaces"]}
        self.host_user = self.ns["userchain1"]["parent"]
        self.host_pid = self.ns["pid1"]["parent"]

    def hostile_argv0(self):
        p = [p for p in self.m["processes"] if p["name"] == "hostile"]
        return bytes.fromhex(p[0]["argv0_hex"])

    def get(self, type_, ino):
        return self.by_ino.get((type_, ino))

    def user_line(self, ns):
        return "user:[%d] %s namespace-owning user %s" % (
            ns["ino"], holder(ns), owner_text(ns["owner_uid"]))

    def pid_line(self, ns):
        owner = self.get("user", ns["owner"])
        if owner is not None:
            uid = owner["owner_uid"]
        elif ns["owner"] == self.host_user:
            uid = 0
        else:
            raise AssertionError("manifest: owner of %s unknown" % ns["name"])
        return "pid:[%d] %s owner user:[%d] %s" % (
            ns["ino"], holder(ns), ns["owner"], owner_text(uid))

    @staticmethod
    def owned_line(ns):
        return "⟜ %s:[%d] %s" % (ns["type"], ns["ino"], holder(ns))

    def children(self, ns):
        return sorted((n for n in self.m["namespaces"]
                       if n["type"] == ns["type"] and
                       n["parent"] == ns["ino"]), key=lambda n: n["ino"])

    def owned(self, ino, types=None):
        return sorted((n for n in self.m["namespaces"]
                       if n["type"] != "user" and n["owner"] == ino and
                       (types is None or n["type"] in types)),
                      key=lambda n: (n["type"], n["ino"]))

    def user_tree(self, ns, details=False, types=None):
        kids = []
        if details:
            kids += [Node(self.owned_line(o)) for o in
                     self.owned(ns["ino"], types)]
        kids += [self.user_tree(c, details, types) for c in self.children(ns)]
        return Node(self.user_line(ns), kids)

    def pid_tree(self, ns, interleave=False):
        kids = []
        groups = {}
        for c in self.children(ns):
            if interleave and c["owner"] != ns["owner"]:
                groups.setdefault(c["owner"], []).append(c)
            else:
                kids.append((c["ino"], self.pid_tree(c, interleave)))
        for owner, pids in groups.items():
            u = self.get("user", owner)
            check(u is not None, "manifest: owner %d is no zoo case" % owner)
            kids.append((owner, Node(self.user_line(u), [
                self.pid_tree(p, interleave) for p in pids])))
        return Node(self.pid_line(ns), [k for _, k in sorted(
            kids, key=lambda k: k[0])])

# ------------------------------------------------------ tree parsing ----


class Node:
    def __init__(self, label, kids=None):
        self.label = label
        self.kids = kids or []

    def __eq__(self, other):
        return (isinstance(other, Node) and self.label == other.label and
                self.kids == other.kids)

    def __repr__(self):
        return "Node(%r, %r)" % (self.label, self.kids)


def parse_tree(text):
    """The lines of a tree back into Nodes; strict about the drawing."""
    roots = []
    stack = []
    for lineno, line in enumerate(text.split("\n")[:-1], 1):
        depth = 0
        rest = line
        while rest.startswith(PIPE) or rest.startswith(SPACE):
            if rest.startswith(BRANCH) or rest.startswith(LAST):
                break
            rest = rest[4:]
            depth += 1
        if rest.startswith(BRANCH) or rest.startswith(LAST):
            rest = rest[5:]
            depth += 1
        elif depth:
            raise AssertionError("line %d: bad tree prefix: %r" % (
                lineno, line))
        node = Node(rest)
        if depth == 0:
            roots.append(node)
            stack = [node]
            continue
        check(depth <= len(stack), "line %d: too deep: %r" % (lineno, line))
        stack = stack[:depth]
        stack[-1].kids.append(node)
        stack.append(node)
    return roots


def render_tree(roots):
    lines = []

    def kids(node, pre):
        for i, k in enumerate(node.kids):
            last = i == len(node.kids) - 1
            lines.append(pre + (LAST if last else BRANCH) + k.label)
            kids(k, pre + (SPACE if last else PIPE))
    for r in roots:
        lines.append(r.label)
        kids(r, "")
    return lines


def find(roots, pred):
    """All nodes (depth first) whose label satisfies pred."""
    out = []

    def walk(n):
        if pred(n.label):
            out.append(n)
        for k in n.kids:
            walk(k)
    for r in roots:
        walk(r)
    return out


def find_one(roots, prefix):
    got = find(roots, lambda s: s.startswith(prefix))
    check(len(got) == 1, "%d lines start with %r, want 1" % (len(got),
                                                             prefix))
    return got[0]

# ------------------------------------------------------------ running ----


class Tools:
    def __init__(self, args):
        self.path = {"lsuserns": args.lsuserns, "lspidns": args.lspidns,
                     "dumpns": args.dumpns}

    def run(self, tool, *argv, env=None, exe=None, pre=None, stdin=None):
        cmd = (pre or []) + [exe or self.path[tool]] + list(argv)
        e = dict(os.environ)
        e.pop("NO_COLOR", None)
        if env:
            e.update(env)
        p = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=e, timeout=120,
                           stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr

    def ok(self, tool, *argv, **kw):
        rc, out, err = self.run(tool, *argv, **kw)
        check(rc == 0, "%s %s: exit %d, stderr: %r" % (tool, " ".join(argv),
                                                        rc, err))
        return out, err


def no_raw_controls(out, what, colour=False):
    """No byte that could move the cursor or start a line from a name."""
    if colour:
        bad = [m.group(0) for m in SGR.finditer(out)
               if m.group(0) == b"\x1b[31m"]
        check(not bad, "%s: the hostile \\e[31m reached the output" % what)
        out = SGR.sub(b"", out)
    for i, line in enumerate(out.split(b"\n"), 1):
        for b in line:
            check(b >= 0x20 and b != 0x7f,
                  "%s: line %d has raw control byte 0x%02x: %r" % (
                      what, i, b, line[:200]))
    try:
        text = out.decode("utf-8")
    except UnicodeDecodeError as e:
        raise AssertionError("%s: output is not UTF-8: %s" % (what, e))
    bad = [c for c in text if c != "\n" and unsafe(c)]
    check(not bad, "%s: raw U+%04X" % (what, ord(bad[0]) if bad else 0))
    check(b"\x1b[31m\xe2\x80\xae" not in out,
          "%s: hostile name unescaped" % what)


def text_tree(out, what):
    no_raw_controls(out, what)
    text = out.decode("utf-8")
    roots = parse_tree(text)
    check_eq(render_tree(roots), text.split("\n")[:-1],
             "%s: drawing re-rendered" % what)
    return roots


def child_of_root(roots, root_prefix, zoo_node, what):
    """The subtree of zoo_node under the root line starting root_prefix."""
    root = find_one(roots, root_prefix)
    got = [k for k in root.kids if k.label.split(" ", 1)[0] ==
           zoo_node.label.split(" ", 1)[0]]
    check(len(got) == 1, "%s: %s appears %d times under %s" % (
        what, zoo_node.label.split(" ", 1)[0], len(got), root_prefix))
    check_eq(got[0], zoo_node, "%s: subtree" % what)

# -------------------------------------------------------------- tests ----


TOP_USERS = ["userchain1", "ownuser", "nopwuser", "hostile"]


def t_lsuserns(tools, zoo):
    out, _ = tools.ok("lsuserns")
    roots = text_tree(out, "lsuserns")
    host = "user:[%d] " % zoo.host_user
    for name in TOP_USERS:
        child_of_root(roots, host, zoo.user_tree(zoo.ns[name]),
                      "lsuserns " + name)
    # Every user namespace of the zoo, exactly once.
    for n in zoo.m["namespaces"]:
        if n["type"] == "user":
            find_one(roots, "user:[%d] " % n["ino"])


def t_lsuserns_hostile_line(tools, zoo):
    out, _ = tools.ok("lsuserns")
    h = zoo.ns["hostile"]
    want = ('user:[%d] process "%s (%d)" namespace-owning user "root" (0)'
            % (h["ino"], escape(zoo.hostile_argv0()), h["pid"]))
    lines = [ln for ln in out.decode().split("\n")
             if "user:[%d]" % h["ino"] in ln]
    check(len(lines) == 1, "hostile: %d lines" % len(lines))
    check_eq(lines[0].split("── ", 1)[-1], want, "hostile line")


def t_lsuserns_nopw(tools, zoo):
    n = zoo.ns["nopwuser"]
    check(n["owner_uid"] == 4242, "manifest: nopwuser uid %r" %
          n["owner_uid"])
    if user_name(4242) is not None:
        return "uid 4242 has a passwd entry here"
    out, _ = tools.ok("lsuserns")
    line = find_one(text_tree(out, "lsuserns"), "user:[%d] " % n["ino"])
    check(line.label.endswith(" namespace-owning user (4242)"),
          "nopwuser: %r" % line.label)
    return None


def host_owned(zoo):
    return [n for n in zoo.m["namespaces"]
            if n["type"] != "user" and n["owner"] == zoo.host_user]


def t_lsuserns_details(tools, zoo, types=None):
    argv = ["-d"] + sum((["-t", t] for t in types or []), [])
    out, _ = tools.ok("lsuserns", *argv)
    roots = text_tree(out, "lsuserns " + " ".join(argv))
    host = "user:[%d] " % zoo.host_user
    for name in TOP_USERS:
        child_of_root(roots, host,
                      zoo.user_tree(zoo.ns[name], True, types),
                      "lsuserns -d " + name)
    root = find_one(roots, host)
    labels = [k.label for k in root.kids]
    for n in host_owned(zoo):
        want = zoo.owned_line(n)
        if types is None or n["type"] in types:
            check(labels.count(want) == 1, "host owns %s: want line %r" % (
                n["name"], want))
        else:
            check(not any(s.startswith("⟜ %s:" % n["type"])
                          for s in labels),
                  "-t: %s lines shown" % n["type"])
    # Owned first, sorted by type name then inode; then user namespaces.
    owned = [s for s in labels if s.startswith("⟜ ")]
    check(labels[:len(owned)] == owned, "owned lines not first")
    key = [(s.split(":", 1)[0], int(s.split("[", 1)[1].split("]")[0]))
           for s in owned]
    check(key == sorted(key), "owned lines not sorted: %r" % key)
    users = [int(s.split("[", 1)[1].split("]")[0]) for s in labels
             if s.startswith("user:")]
    check(users == sorted(users), "children not sorted by inode")


def t_lspidns(tools, zoo, interleave=False):
    argv = ["-u"] if interleave else []
    out, _ = tools.ok("lspidns", *argv)
    roots = text_tree(out, "lspidns " + " ".join(argv))
    hostpid = "pid:[%d] " % zoo.host_pid
    if interleave:
        uroot = find_one(roots, "user:[%d] " % zoo.host_user)
        check(uroot in roots, "-u: host user namespace is not a root")
        check(any(k.label.startswith(hostpid) for k in uroot.kids),
              "-u: host pid namespace not under the host user namespace")
    else:
        check(any(r.label.startswith(hostpid) for r in roots),
              "host pid namespace is not a root")
    host = find_one(roots, hostpid)
    tops = [n for n in zoo.m["namespaces"]
            if n["type"] == "pid" and n["parent"] == zoo.host_pid]
    check(len(tops) >= 3, "manifest: %d top pid namespaces" % len(tops))
    for n in tops:
        want = zoo.pid_tree(n, interleave)
        if interleave and n["owner"] != zoo.host_user:
            u = zoo.get("user", n["owner"])
            want = Node(zoo.user_line(u), [want])
        first = want.label.split(" ", 1)[0]
        got = [k for k in host.kids if k.label.split(" ", 1)[0] == first]
        check(len(got) == 1, "%s: %d times" % (first, len(got)))
        check_eq(got[0], want, "lspidns %s %s" % (" ".join(argv), n["name"]))
    for n in zoo.m["namespaces"]:
        if n["type"] == "pid":
            find_one(roots, "pid:[%d] " % n["ino"])


def json_nodes(doc):
    out = []

    def walk(n, parent):
        out.append((n, parent))
        for k in n.get("children", []):
            walk(k, n)
    for r in doc["namespaces"]:
        walk(r, None)
    return out


def check_leader_json(n, zn, what):
    if zn["held"] == "proc":
        check_eq(n["leader"], dict(pid=zn["pid"], **json_text(
            proc_name(zn["pid"]), "name")), what + " leader")
    else:
        check(n["leader"] is None, what + ": leader %r" % n["leader"])


def check_refs_json(n, zn, what):
    refs = n["refs"]
    held = zn["held"]
    if held == "hidden":
        check(all(r["via"] == "hidden" for r in refs),
              "%s: refs %r" % (what, refs))
        return
    want = {"via": held}
    if zn.get("pid") is not None:
        want["pid"] = zn["pid"]
    if held == "task":
        want["tid"] = zn["tid"]
    if held in ("fd", "socket"):
        want["fd"] = zn["fd"]
    if held == "bindmount":
        want["path"] = zn["path"]
        want["mntns"] = zn["mntns"]
    got = [{k: r.get(k) for k in want} for r in refs]
    check(want in got, "%s: no ref %r in %r" % (what, want, refs))


def t_lsuserns_json(tools, zoo):
    out, _ = tools.ok("lsuserns", "-J", "-d")
    doc = json.loads(out)
    check(isinstance(doc.get("unreadable_processes"), int),
          "unreadable_processes")
    nodes = {n["ino"]: (n, p) for n, p in json_nodes(doc)}
    for zn in zoo.m["namespaces"]:
        if zn["type"] != "user":
            continue
        what = "-J %s" % zn["name"]
        check(zn["ino"] in nodes, what + ": missing")
        n, parent = nodes[zn["ino"]]
        check_eq(n["type"], "user", what + " type")
        check_eq(parent["ino"] if parent else None, zn["parent"],
                 what + " parent (nesting)")
        check_eq(n["parent"], zn["parent"], what + " parent field")
        check_eq(n["owner_uid"], zn["owner_uid"], what + " owner_uid")
        check_eq(n["user"], user_name(zn["owner_uid"]), what + " user")
        check_leader_json(n, zn, what)
        check_refs_json(n, zn, what)
        owned = sorted((o["type"], o["ino"]) for o in n["owned"])
        check_eq(owned, sorted((o["type"], o["ino"])
                               for o in zoo.owned(zn["ino"])),
                 what + " owned")
        kids = [k["ino"] for k in n["children"]]
        check_eq(kids, [c["ino"] for c in zoo.children(zn)],
                 what + " children")
    host, _ = nodes[zoo.host_user]
    hown = {(o["type"], o["ino"]): o for o in host["owned"]}
    for zn in host_owned(zoo):
        o = hown.get((zn["type"], zn["ino"]))
        check(o is not None, "-J host owned %s missing" % zn["name"])
        check_leader_json(o, zn, "-J owned " + zn["name"])
        check_refs_json(o, zn, "-J owned " + zn["name"])


def t_lspidns_json(tools, zoo, interleave=False):
    argv = ["-J"] + (["-u"] if interleave else [])
    out, _ = tools.ok("lspidns", *argv)
    doc = json.loads(out)
    nodes = {(n["type"], n["ino"]): (n, p) for n, p in json_nodes(doc)}
    for zn in zoo.m["namespaces"]:
        if zn["type"] != "pid":
            continue
        what = "lspidns %s %s" % (" ".join(argv), zn["name"])
        n, parent = nodes[("pid", zn["ino"])]
        check_eq(n["parent"], zn["parent"], what + " parent")
        check_eq(n["owner"], zn["owner"], what + " owner")
        check_eq(n["owner_user"]["ino"], zn["owner"], what + " owner_user")
        check_leader_json(n, zn, what)
        check_refs_json(n, zn, what)
        if interleave and zn["owner"] != zoo.host_user:
            check_eq((parent["type"], parent["ino"]), ("user", zn["owner"]),
                     what + " under its owner")
        else:
            check_eq(parent["ino"] if parent else None, zn["parent"],
                     what + " nesting")


def t_color(tools, zoo, tool):
    h = zoo.ns["hostile"]
    for argv, env in ((["--color=always"], None), (["-c"], None),
                      (["--color"], None),
                      (["--color=always"], {"NO_COLOR": "1"})):
        out, _ = tools.ok(tool, *argv, env=env)
        check(b"\x1b[" in out, "%s %s: no colour" % (tool, argv))
        no_raw_controls(out, "%s %s" % (tool, argv), colour=True)
        plain = SGR.sub(b"", out).decode()
        text_tree(SGR.sub(b"", out), "%s %s decoloured" % (tool, argv))
        if tool == "lsuserns":
            check("user:[%d]" % h["ino"] in plain, "hostile line missing")
    for argv, env in ((["--color=never"], None), ([], None),
                      (["--color=auto"], {"NO_COLOR": "1"}),
                      (["-c", "--color=never"], None)):
        out, _ = tools.ok(tool, *argv, env=env)
        check(b"\x1b" not in out, "%s %s %s: colour" % (tool, argv, env))


def run_pty(cmd, env):
    master, slave = pty.openpty()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=slave,
                         stderr=subprocess.DEVNULL, env=env)
    os.close(slave)
    data = b""
    while True:
        r, _, _ = select.select([master], [], [], 60)
        if not r:
            p.kill()
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    os.close(master)
    p.wait(timeout=60)
    return p.returncode, data


def t_color_tty(tools, zoo, tool):
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    rc, out = run_pty([tools.path[tool]], env)
    check(rc == 0, "pty: exit %d" % rc)
    check(b"\x1b[" in out, "auto on a terminal: no colour")
    env["NO_COLOR"] = "1"
    rc, out = run_pty([tools.path[tool]], env)
    check(rc == 0 and b"\x1b" not in out, "NO_COLOR on a terminal: colour")
    env["NO_COLOR"] = ""
    rc, out = run_pty([tools.path[tool]], env)
    check(rc == 0 and b"\x1b[" in out, "empty NO_COLOR: no colour")


BAD = {
    "lsuserns": [["--bogus"], ["-Z"], ["--color=sometimes"], ["-t", "nope"],
                 ["-t"], ["-t", "user"], ["extra"], ["--details=1"],
                 ["-t", ""], ["-t", ","], ["-t", "net,"], ["-t", "net,,ipc"],
                 ["-t", "net,user"], ["-p", "x"], ["-p", "0"], ["-p"],
                 ["--task=-3"]],
    "lspidns": [["--bogus"], ["-Z"], ["--color=sometimes"], ["extra"],
                ["-t", "net"], ["--user=1"], ["-p", "x"], ["-p", "0"],
                ["-p"]],
    "dumpns": [["--bogus"], ["-Z"], ["-t", "nope"], ["-t"], ["extra"],
               ["--compact=1"], ["-t", ""], ["-t", ","], ["-t", ",net"]],
}


def t_usage(tools, zoo, tool):
    for argv in BAD[tool]:
        rc, out, err = tools.run(tool, *argv)
        check(rc == 2, "%s %s: exit %d, want 2" % (tool, argv, rc))
        check(out == b"", "%s %s: wrote to stdout" % (tool, argv))
        check(("Try '%s --help'" % tool).encode() in err,
              "%s %s: stderr %r" % (tool, argv, err))
        check(len(err.splitlines()) == 2, "%s %s: stderr %r" % (
            tool, argv, err))
    for argv in (["--help"], ["-h"]):
        rc, out, err = tools.run(tool, *argv)
        check(rc == 0 and out.startswith(b"Usage: " + tool.encode()) and
              not err, "%s %s: %d %r" % (tool, argv, rc, err))
        # Where -t is, its help says it takes a list.
        if b"-t, --type" in out:
            check(b"--type=TYPE[,TYPE...]" in out,
                  "%s --help: -t does not say TYPE[,TYPE...]" % tool)
    for argv in (["--version"], ["-V"]):
        rc, out, err = tools.run(tool, *argv)
        check(rc == 0 and out.startswith(tool.encode() + b" (nsrel) ") and
              not err, "%s %s: %d %r" % (tool, argv, rc, out))


def t_write_error(tools, zoo, tool):
    """A full disk is a runtime failure: exit 1 and say so."""
    with open("/dev/full", "wb") as full:
        p = subprocess.run([tools.path[tool]], stdout=full,
                           stderr=subprocess.PIPE, timeout=120)
    check(p.returncode == 1, "exit %d, want 1" % p.returncode)
    check(b"write error" in p.stderr, "stderr %r" % p.stderr)


def t_unreadable_line(tools, zoo, tool):
    _, err = tools.ok(tool)
    # PID 1 is unreadable on these machines even for root; elsewhere root
    # may read everything and then there is no line at all.
    lines = err.decode().splitlines()
    check(len(lines) <= 1, "stderr: %r" % lines)
    if lines:
        check(re.fullmatch(r"%s: \d+ process(es)? could not be read.*"
                           % tool, lines[0]), "stderr: %r" % lines)


def t_unprivileged(tools, zoo, tool, argv=()):
    if not shutil.which("setpriv"):
        return "setpriv(1) missing"
    d = tempfile.mkdtemp(prefix="nsrel-tools.")
    try:
        os.chmod(d, 0o755)
        exe = os.path.join(d, tool)
        shutil.copy(tools.path[tool], exe)
        os.chmod(exe, 0o755)
        rc, out, err = tools.run(tool, *argv, exe=exe, pre=[
            "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
            "--inh-caps=-all", "--"])
    finally:
        shutil.rmtree(d)
    check(rc == 0, "as nobody: exit %d, stderr %r" % (rc, err))
    check(re.search(rb"^%s: \d+ process(es)? could not be read; run as root"
                    % tool.encode(), err, re.M),
          "as nobody: stderr %r" % err)
    if tool == "dumpns":
        doc = json.loads(out)
        check(doc["unreadable_processes"] > 0, "unreadable_processes 0")
    else:
        text_tree(out, tool + " as nobody")
    return None


def dump(tools, *argv):
    """dumpns's document. Its escaping of every name on the host is
    t_no_raw_controls's."""
    out, _ = tools.ok("dumpns", *argv)
    return json.loads(out), out


# Every output of every tool, the whole host's: other programs' names are
# as hostile as the zoo's.
ALL_OUTPUTS = [("lsuserns", []), ("lsuserns", ["-d"]), ("lspidns", []),
               ("lspidns", ["-u"]), ("lsuserns", ["-v", "-d"]),
               ("lspidns", ["-v", "-u"]), ("lsuserns", ["-J", "-d"]),
               ("lspidns", ["-J"]), ("dumpns", []), ("dumpns", ["-c"])]


def t_no_raw_controls(tools, zoo):
    bad = []
    for tool, argv in ALL_OUTPUTS:
        out, _ = tools.ok(tool, *argv)
        try:
            no_raw_controls(out, " ".join([tool] + argv))
        except AssertionError as e:
            bad.append(str(e))
    check(not bad, "\n".join(bad))


def t_dumpns(tools, zoo):
    doc, out = dump(tools)
    check(out.count(b"\n") > 10, "not pretty")
    check(set(doc) >= {"namespaces", "processes", "unreadable_processes"},
          "top-level keys %r" % list(doc))
    ns = {(n["type"], n["ino"]): n for n in doc["namespaces"]}
    procs = {p["pid"]: p for p in doc["processes"]}
    for zn in zoo.m["namespaces"]:
        what = "dumpns %s" % zn["name"]
        n = ns.get((zn["type"], zn["ino"]))
        check(n is not None, what + ": missing")
        for k in ("dev", "nsid", "owner", "refs", "processes", "leader"):
            check(k in n, "%s: no %s" % (what, k))
        check_eq(n["owner"], zn["owner"], what + " owner")
        if zn["type"] in ("user", "pid"):
            check_eq(n["parent"], zn["parent"], what + " parent")
            check_eq(sorted(n["children"]),
                     [c["ino"] for c in zoo.children(zn)], what + " children")
        if zn["type"] == "user":
            check_eq(n["owner_uid"], zn["owner_uid"], what + " owner_uid")
        check_refs_json(n, zn, what)
        if zn["held"] == "proc":
            check_eq(n["leader"], zn["pid"], what + " leader")
            check(zn["pid"] in n["processes"], what + " processes")
        elif zn["held"] in ("hidden", "bindmount", "fd", "socket"):
            check_eq(n["leader"], None, what + " leader")
            check_eq(n["processes"], [], what + " processes")
    for zp in zoo.m["processes"]:
        p = procs.get(zp["pid"])
        check(p is not None, "process %s missing" % zp["name"])
        check_eq({k: p[k] for k in ("name", "name_bytes") if k in p},
                 json_text(proc_name(zp["pid"]), "name"), "name")
        check_eq(p["cmdline"][0], zp["argv0"], "argv0")
        for k in ("ppid", "uid", "starttime", "namespaces"):
            check(k in p, "process: no %s" % k)
    for zn in zoo.m["namespaces"]:
        if zn["held"] == "proc":
            p = procs[zn["pid"]]
            check_eq(p["namespaces"].get(zn["type"]), zn["ino"],
                     "process %d %s namespace" % (zn["pid"], zn["type"]))
    h = procs[zoo.ns["hostile"]["pid"]]
    check_eq([base64.b64decode(a) for a in h["cmdline_bytes"]],
             [zoo.hostile_argv0(), b"</script><b>x</b>"],
             "hostile cmdline through JSON")


NGINX = "nginx: master process /usr/sbin/nginx -g daemon off;"
CHROMIUM = ("/usr/lib/chromium/chromium --user-data-dir=/tmp/x/prof "
            "--no-first-run")
BROWSER = CHROMIUM.replace("chromium ", "chromium-browser ")


def start_renamed(argv, ready_comm=None):
    """argv in a user namespace of its own, so that it leads one; ready
    when nsrel-rename closes its stdout, or when the comm is ready_comm."""
    p = subprocess.Popen(["unshare", "--user", "--"] + argv,
                         stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                         env={"PATH": "/usr/bin:/bin"})
    if ready_comm is None:
        p.stdout.read()
    else:
        deadline = time.monotonic() + 30
        while proc_comm(p.pid) != ready_comm:
            check(time.monotonic() < deadline and p.poll() is None,
                  "%r did not start" % argv)
            time.sleep(0.05)
    check(p.poll() is None, "%r exited" % argv)
    return p


def proc_comm(pid):
    try:
        with open("/proc/%d/comm" % pid, "rb") as f:
            return f.read()[:-1]
    except OSError:
        return None


def t_renamed(tools, zoo):
    """Processes that rewrote their argv (or never had one) are named by
    their comm, in the tree and in the JSON."""
    helper = os.environ.get("NSREL_RENAME")
    if not helper or not shutil.which("unshare"):
        return "no nsrel-rename (NSREL_RENAME) or unshare(1)"
    cases = [  # argv, name, cmdline (None: not checked)
        (["bash", "-c", 'exec -a "%s" sleep 1000' % NGINX], "sleep",
         [NGINX, "1000"]),
        ([helper, "chromium", CHROMIUM, "nul"], "chromium", None),
        ([helper, "chromium-browser", BROWSER, "nul"], "chromium-browser",
         None),
        ([helper, "sshd", "sshd: root@pts/0", "nul"], "sshd", None),
        ([helper, "empty"], None, None),
    ]
    procs = []
    try:
        for argv, _, _ in cases:
            procs.append(start_renamed(argv, b"sleep" if argv[0] == "bash"
                                       else None))
        out, _ = tools.ok("lsuserns")
        text = out.decode()
        # (dump() would also fail on a foreign process's raw bytes)
        out, _ = tools.ok("dumpns", "-c")
        by_pid = {p["pid"]: p for p in json.loads(out)["processes"]}
        for p, (argv, want, cmdline) in zip(procs, cases):
            if want is None:  # empty argv: comm, no kernel thread
                want = proc_name(p.pid).decode()
                check(not want.startswith("["), "empty argv: %r" % want)
            ino = os.stat("/proc/%d/ns/user" % p.pid).st_ino
            line = [ln for ln in text.split("\n") if "user:[%d]" % ino in ln]
            check(len(line) == 1, "%s: %d lines" % (want, len(line)))
            check_eq(line[0].split("── ", 1)[-1],
                     'user:[%d] process "%s (%d)" namespace-owning user '
                     '"root" (0)' % (ino, want, p.pid), "lsuserns " + want)
            j = by_pid.get(p.pid)
            check(j is not None, "dumpns: %s missing" % want)
            check_eq(j["name"], want, "dumpns name")
            if cmdline is not None:
                check_eq(j["cmdline"], cmdline, "dumpns cmdline")
            elif argv[1] != "empty":
                check(j["cmdline"] and j["cmdline"][0].startswith(argv[2]),
                      "dumpns cmdline %r" % j["cmdline"][:2])
    finally:
        for p in procs:
            p.kill()
            p.wait()


def t_dumpns_options(tools, zoo):
    doc, out = dump(tools, "-c")
    check(out.count(b"\n") == 1 and out.endswith(b"\n"), "-c: not one line")
    doc, _ = dump(tools, "--compact", "-t", "user", "-t", "pid")
    types = {n["type"] for n in doc["namespaces"]}
    check(types == {"user", "pid"}, "-t user -t pid: %r" % types)
    doc, _ = dump(tools, "-t", "net,ipc")
    check({n["type"] for n in doc["namespaces"]} == {"net", "ipc"}, "-t a,b")
    for opt, gone in (("--no-mounts", {"bindmount"}),
                      ("--no-fds", {"fd", "socket"}),
                      ("--no-tasks", {"task"})):
        doc, _ = dump(tools, "-c", opt)
        vias = {r["via"] for n in doc["namespaces"] for r in n["refs"]}
        check(not vias & gone, "%s: refs via %r" % (opt, vias & gone))
        inos = {n["ino"] for n in doc["namespaces"]}
        for zn in zoo.m["namespaces"]:
            if zn["held"] not in gone:
                check(zn["ino"] in inos, "%s lost %s" % (opt, zn["name"]))
    # All sources on: every way of holding is seen.
    doc, _ = dump(tools, "-c")
    vias = {r["via"] for n in doc["namespaces"] for r in n["refs"]}
    check(vias >= {"proc", "task", "for_children", "fd", "socket",
                   "bindmount", "hidden"}, "all sources: %r" % vias)


def t_tree_matches_dumpns(tools, zoo):
    """Both tree tools show every namespace of their kind dumpns finds."""
    doc, _ = dump(tools, "-c", "-t", "user,pid")
    for tool, type_ in (("lsuserns", "user"), ("lspidns", "pid")):
        out, _ = tools.ok(tool)
        roots = text_tree(out, tool)
        shown = {int(n.label.split("]", 1)[0].split("[", 1)[1])
                 for n in find(roots, lambda s: s.startswith(type_ + ":"))}
        # Others' namespaces come and go in between (and their inode
        # numbers are soon reused): the zoo's are compared.
        found = {n["ino"] for n in doc["namespaces"] if n["type"] == type_}
        zoo_inos = {n["ino"] for n in zoo.m["namespaces"]
                    if n["type"] == type_}
        check(zoo_inos <= found, "dumpns misses zoo namespaces %r" % sorted(
            zoo_inos - found))
        check(zoo_inos <= shown, "%s misses zoo namespaces %r" % (
            tool, sorted(zoo_inos - shown)))

# --------------------------------------------------------------- main ----


# ------------------------------------------------------------ -p PID ----

TYPES = ["mnt", "cgroup", "uts", "ipc", "user", "pid", "net", "time"]


def path_of(roots):
    """A tree that is one branch: its labels, top down."""
    check(len(roots) == 1, "%d roots, want 1" % len(roots))
    out, n = [], roots[0]
    while True:
        out.append(n)
        branch = [k for k in n.kids if not k.label.startswith("⟜ ")]
        check(len(branch) <= 1, "a fork under %r" % n.label)
        if not branch:
            return out
        n = branch[0]


def ns_token(label):
    return label.split(" ", 2)[1] if label.startswith("⟜ ") else \
        label.split(" ", 1)[0]


def branch(tools, tool, pid, type_, chain, what):
    """TOOL -p PID: one branch, the namespaces of chain, the last marked."""
    out, _ = tools.ok(tool, "-p", str(pid))
    line = path_of(text_tree(out, "%s %s" % (tool, what)))
    check_eq([ns_token(n.label) for n in line],
             ["%s:[%d]" % (type_, i) for i in chain], "%s %s" % (tool, what))
    check_eq([n.label.endswith(" <- PID %d" % pid) for n in line],
             [False] * (len(chain) - 1) + [True],
             "%s %s: marks" % (tool, what))


def t_task(tools, zoo):
    """-p PID of each zoo process: lsuserns, lsuserns -d, lsuserns -J,
    lspidns, lspidns -u show only the branch to its namespaces, those it
    is in marked, all as the kernel says."""
    for p in zoo.m["processes"]:
        pid, what = p["pid"], "-p %d (%s)" % (p["pid"], p["name"])
        mark = " <- PID %d" % pid
        users = kernel_chain("/proc/%d/ns/user" % pid)
        pids = kernel_chain("/proc/%d/ns/pid" % pid)
        own = {t: os.stat("/proc/%d/ns/%s" % (pid, t)).st_ino
               for t in TYPES}
        branch(tools, "lsuserns", pid, "user", users, what)
        # -d: under each user namespace, the namespaces of PID it owns.
        out, _ = tools.ok("lsuserns", "-d", "-p", str(pid))
        line = path_of(text_tree(out, "lsuserns -d " + what))
        check_eq([ns_token(n.label) for n in line],
                 ["user:[%d]" % i for i in users], "lsuserns -d " + what)
        for n, u in zip(line, users):
            got = sorted(ns_token(k.label) for k in n.kids
                         if k.label.startswith("⟜ "))
            want = sorted("%s:[%d]" % (t, own[t]) for t in TYPES
                          if t != "user" and kernel_owner(
                              "/proc/%d/ns/%s" % (pid, t)) == u)
            check_eq(got, want, "lsuserns -d %s: owned by user:[%d]" % (
                what, u))
            check(all(k.label.endswith(mark) for k in n.kids
                      if k.label.startswith("⟜ ")),
                  "lsuserns -d %s: an owned line unmarked" % what)
        out, _ = tools.ok("lsuserns", "-J", "-p", str(pid))
        doc, chain = json.loads(out), []
        nodes = doc["namespaces"]
        while nodes:
            check(len(nodes) == 1, "lsuserns -J %s: a fork" % what)
            chain.append((nodes[0]["ino"], nodes[0]["task_in"]))
            nodes = nodes[0]["children"]
        check_eq(chain, [(u, u == own["user"]) for u in users],
                 "lsuserns -J " + what)
        branch(tools, "lspidns", pid, "pid", pids, what)
        # -u: the same PID namespaces, with owners between them.
        out, _ = tools.ok("lspidns", "-u", "-p", str(pid))
        line = path_of(text_tree(out, "lspidns -u " + what))
        check_eq([ns_token(n.label) for n in line
                  if n.label.startswith("pid:")],
                 ["pid:[%d]" % i for i in pids], "lspidns -u " + what)
        for n in line:
            tok = ns_token(n.label)
            check(n.label.endswith(mark) == (
                tok in ("pid:[%d]" % own["pid"], "user:[%d]" %
                        own["user"])), "lspidns -u %s: mark on %r" % (
                what, n.label))


def t_task_gone(tools, zoo):
    """A PID that does not exist: exit 1, said on stderr, nothing out."""
    pid = unused_pid()
    for tool in ("lsuserns", "lspidns"):
        rc, out, err = tools.run(tool, "-p", str(pid))
        check(rc == 1 and out == b"", "%s -p %d: exit %d, %r" % (
            tool, pid, rc, out))
        check(("%s: no process with PID %d" % (tool, pid)).encode() in err,
              "%s -p %d: %r" % (tool, pid, err))


# ------------------------------------------------ every holder, -v ----

CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
PR_SET_NAME = 15
MS_BIND = 4096
MS_PRIVATE = 1 << 18
MNT_DETACH = 2


class Holders:
    """A user namespace U and a PID namespace P, each held by more than
    one thing: process A (comm: the zoo's hostile bytes) unshared both, B
    is its child (in U, and P's init), C holds two fds of each, and each is
    bind-mounted at a hostile path in a private tmpfs of our own mount
    namespace. Each process waits until stop()."""

    def __init__(self, comm):
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.pids = []
        self.mounts = []
        self.d = tempfile.mkdtemp(prefix="nsrel-holders.", dir="/run")
        self.hold_r, self.hold_w = os.pipe()
        try:
            self._start(comm)
        except BaseException:
            self.stop()
            raise

    def _child(self, body):
        """A forked child running body(report_fd); the integers it writes
        to its report pipe, one a line, when it is ready."""
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(r)
                os.close(self.hold_w)
                body(w)
                os.read(self.hold_r, 1)
            finally:
                os._exit(0)
        os.close(w)
        self.pids.append(pid)
        with os.fdopen(r) as f:
            got = f.read().split()
        check(got and got[-1] == "ok", "holder child %d: %r" % (pid, got))
        return pid, [int(x) for x in got[:-1]]

    def _a(self, w):
        libc = self.libc
        libc.prctl(PR_SET_NAME, ctypes.c_char_p(self.comm), 0, 0, 0)
        if libc.unshare(CLONE_NEWUSER | CLONE_NEWPID) < 0:
            os.write(w, b"unshare %d\n" % ctypes.get_errno())
            return
        b = os.fork()
        if b == 0:  # P's init: waits as A does
            os.write(w, b"%d ok\n" % os.getpid())
            os.close(w)
            os.read(self.hold_r, 1)
            os._exit(0)
        os.close(w)
        os.waitpid(b, 0)

    def _c(self, w):
        fds = []
        for ns in ("user", "pid"):
            for _ in range(2):
                fds.append(os.open("/proc/%d/ns/%s" % (
                    self.b_host, ns), os.O_RDONLY))
        os.write(w, ("%s ok\n" % " ".join(map(str, fds))).encode())
        os.close(w)

    def _start(self, comm):
        self.comm = comm
        self.a, got = self._child(self._a)
        check(len(got) == 1, "A: %r" % got)
        # B's pid in P (1) is not ours: find it as A's only child.
        kids = open("/proc/%d/task/%d/children" % (self.a, self.a)).read()
        self.b = int(kids.split()[0])
        self.b_host = self.b
        self.c, fds = self._child(self._c)
        self.fd_user, self.fd_pid = fds[:2], fds[2:]
        self.user_ino = os.stat("/proc/%d/ns/user" % self.a).st_ino
        self.pid_ino = os.stat("/proc/%d/ns/pid" % self.b).st_ino
        check(os.stat("/proc/%d/ns/pid" % self.a).st_ino != self.pid_ino,
              "A is in P")
        self.mount(self.d, self.d, None, MS_BIND)
        self.mounts.append(self.d)
        self.mount(None, self.d, None, MS_PRIVATE)
        self.path = {}
        for ns, holder in (("user", self.a), ("pid", self.b)):
            path = self.d.encode() + b"/" + ns.encode() + b" " + comm + \
                b" \"q\" \\"
            open(path, "wb").close()
            self.mount(("/proc/%d/ns/%s" % (holder, ns)).encode(), path,
                       None, MS_BIND)
            self.mounts.append(path)
            self.path[ns] = path

    def mount(self, src, tgt, fstype, flags):
        def enc(x):
            return x if x is None or isinstance(x, bytes) else x.encode()
        if self.libc.mount(enc(src), enc(tgt), enc(fstype), flags,
                           None) < 0:
            e = ctypes.get_errno()
            raise OSError(e, "mount %r: %s" % (tgt, os.strerror(e)))

    def stop(self):
        for m in reversed(self.mounts):
            self.libc.umount2(m if isinstance(m, bytes) else m.encode(),
                              MNT_DETACH)
        self.mounts = []
        if self.hold_w is not None:
            os.close(self.hold_w)
            os.close(self.hold_r)
            self.hold_w = None
        for pid in self.pids:
            os.waitpid(pid, 0)
        self.pids = []
        shutil.rmtree(self.d, ignore_errors=True)

    def more(self, ns):
        """What the line says after the representative."""
        bind = ' + bind-mounted at "%s"' % escape(self.path[ns])
        if ns == "user":
            return " + 1 more process + 2 fds" + bind
        return ' + for children of process "%s" + 2 fds%s' % (
            proc_label(self.a), bind)

    def verbose(self, ns):
        """The -v lines under the namespace, sorted."""
        mnt = os.stat("/proc/self/ns/mnt").st_ino
        c = proc_label(self.c)
        lines = ['• held by fd %d of process "%s"' % (fd, c) for fd in
                 (self.fd_user if ns == "user" else self.fd_pid)]
        lines.append('• bind-mounted at "%s" in mnt:[%d]' % (
            escape(self.path[ns]), mnt))
        lines.append('• process "%s"' % proc_label(self.b))
        if ns == "user":
            lines.append('• process "%s"' % proc_label(self.a))
        else:
            lines.append('• for children of process "%s"' %
                         proc_label(self.a))
        return sorted(lines)


def t_holders(tools, zoo, verbose=False):
    """A user and a PID namespace with a process, another process or
    pid_for_children, two fds and a bind mount at a hostile path: the line
    names the representative and then "+ ..." the others; -v lists each
    under it, one a line; every name and path escaped."""
    comm = zoo.hostile_argv0()[:15]
    h = Holders(comm)
    try:
        argv = ["-v"] if verbose else []
        out, _ = tools.ok("lsuserns", *argv)
        roots = text_tree(out, "lsuserns " + " ".join(argv))
        u = find_one(roots, "user:[%d] " % h.user_ino)
        check_eq(u.label, 'user:[%d] process "%s"%s namespace-owning user '
                 '%s' % (h.user_ino, proc_label(h.a), h.more("user"),
                         owner_text(0)), "lsuserns: the line of U")
        out, _ = tools.ok("lspidns", *argv)
        roots = text_tree(out, "lspidns " + " ".join(argv))
        p = find_one(roots, "pid:[%d] " % h.pid_ino)
        check_eq(p.label, 'pid:[%d] process "%s"%s owner user:[%d] %s' % (
            h.pid_ino, proc_label(h.b), h.more("pid"), h.user_ino,
            owner_text(0)), "lspidns: the line of P")
        for what, node, ns in (("lsuserns", u, "user"),
                               ("lspidns", p, "pid")):
            got = sorted(k.label for k in node.kids)
            check_eq(got, h.verbose(ns) if verbose else [],
                     "%s %s: the lines under %s" % (what, " ".join(argv),
                                                    ns))
        if verbose:
            for tool in ("lsuserns", "lspidns"):
                out, _ = tools.ok(tool, "--help")
                check(b"  -v, --verbose " in out, "%s --help: -v" % tool)
            # -d: the owned PID namespace's line and holders too.
            out, _ = tools.ok("lsuserns", "-v", "-d", "-t", "pid")
            roots = text_tree(out, "lsuserns -v -d")
            u = find_one(roots, "user:[%d] " % h.user_ino)
            o = [k for k in u.kids if k.label.startswith("⟜ ")]
            check_eq([k.label for k in o], ['⟜ pid:[%d] process "%s"%s' % (
                h.pid_ino, proc_label(h.b), h.more("pid"))],
                "lsuserns -v -d: owned line")
            check_eq(sorted(k.label for k in o[0].kids), h.verbose("pid"),
                     "lsuserns -v -d: holders of the owned line")
    finally:
        h.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--zoo", default="")
    ap.add_argument("--lsuserns", required=True)
    ap.add_argument("--lspidns", required=True)
    ap.add_argument("--dumpns", required=True)
    args = ap.parse_args()
    tools = Tools(args)

    zoo_run, rc = start_for_tap(args.zoo)
    if not zoo_run:
        return rc
    try:
        zoo = Zoo(zoo_run.manifest)
        run_test("lsuserns: zoo subtrees", t_lsuserns, tools, zoo)
        run_test("lsuserns: hostile name escaped", t_lsuserns_hostile_line,
                 tools, zoo)
        run_test("lsuserns: uid without passwd entry", t_lsuserns_nopw,
                 tools, zoo)
        run_test("lsuserns -d: zoo subtrees and host-owned lines",
                 t_lsuserns_details, tools, zoo)
        run_test("lsuserns -t net -t pid", t_lsuserns_details, tools, zoo,
                 ["net", "pid"])
        run_test("lsuserns -J -d: parsed back", t_lsuserns_json, tools, zoo)
        run_test("lspidns: zoo subtrees", t_lspidns, tools, zoo)
        run_test("lspidns -u: owners interleaved", t_lspidns, tools, zoo,
                 True)
        run_test("lspidns -J: parsed back", t_lspidns_json, tools, zoo)
        run_test("lspidns -J -u: parsed back", t_lspidns_json, tools, zoo,
                 True)
        run_test("lsuserns, lspidns -p PID of each zoo process", t_task,
                 tools, zoo)
        run_test("lsuserns, lspidns -p PID that does not exist",
                 t_task_gone, tools, zoo)
        for tool in ("lsuserns", "lspidns"):
            run_test("%s: --color=always/-c colour, never/NO_COLOR not"
                     % tool, t_color, tools, zoo, tool)
            run_test("%s: --color=auto on a terminal" % tool, t_color_tty,
                     tools, zoo, tool)
        for tool in ("lsuserns", "lspidns", "dumpns"):
            run_test("%s: usage errors exit 2, --help, --version" % tool,
                     t_usage, tools, zoo, tool)
            run_test("%s: > /dev/full exits 1" % tool, t_write_error,
                     tools, zoo, tool)
            run_test("%s: 'could not be read' line" % tool,
                     t_unreadable_line, tools, zoo, tool)
            run_test("%s: as nobody" % tool, t_unprivileged, tools, zoo,
                     tool)
        run_test("lsuserns -d as nobody", t_unprivileged, tools, zoo,
                 "lsuserns", ["-d"])
        run_test("every output: no raw control byte from any name on the "
                 "host", t_no_raw_controls, tools, zoo)
        run_test("dumpns: schema and every zoo case", t_dumpns, tools, zoo)
        run_test("dumpns: -c, -t, --no-*", t_dumpns_options, tools, zoo)
        run_test("rewritten and empty argv: names from comm", t_renamed,
                 tools, zoo)
        run_test("tree tools show what dumpns finds", t_tree_matches_dumpns,
                 tools, zoo)
        run_test("lsuserns, lspidns: + the other holders, escaped",
                 t_holders, tools, zoo)
        run_test("lsuserns, lspidns -v: every holder on a line",
                 t_holders, tools, zoo, True)
    finally:
        rc = zoo_run.stop()
    run_test("zoo exits 0", lambda: check(rc == 0, "zoo exit %r" % rc))
    return plan()


if __name__ == "__main__":
    sys.exit(main())
