#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Golden tests of lsallns on the namespace zoo, and lsallns -J against
lsns -J on the columns both have.

Every expectation is read here from /proc, the manifest of the zoo and the
namespace files, never from lsallns itself; only the zoo's namespaces are
checked (other tests may be running). Speaks TAP; Python standard library
only.
"""

import argparse
import ctypes
import fcntl
import importlib.util
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from tap import check, plan, run_test  # noqa: E402
from zoorun import start_for_tap  # noqa: E402
import netnsid  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "test_tools", os.path.join(HERE, "test-tools.py"))
tt = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tt)
escape = tt.escape

TYPES = ["mnt", "cgroup", "uts", "ipc", "user", "pid", "net", "time"]
ALL = ["NS", "TYPE", "PATH", "NPROCS", "PID", "PPID", "COMMAND", "UID",
       "USER", "NETNSID", "NSFS", "PNS", "ONS", "HOLDERS", "OUID", "OUSER",
       "UIDMAP", "GIDMAP", "NSID", "CONTAINER"]
# The columns lsns 2.38 has too.
LSNS_COLS = ["NS", "TYPE", "PATH", "NPROCS", "PID", "PPID", "COMMAND",
             "UID", "USER", "NETNSID", "NSFS", "PNS", "ONS"]
ENV = dict(os.environ, LC_ALL="C.UTF-8", COLUMNS="200")
ENV.pop("NO_COLOR", None)
SGR = re.compile(rb"\x1b\[[0-9;]*m")

libc = ctypes.CDLL(None, use_errno=True)
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
CLONE_NEWNS = 0x00020000
MNT_DETACH = 2


def mount(src, tgt, fstype, flags):
    enc = (lambda s: s if isinstance(s, bytes) or s is None
           else s.encode())
    if libc.mount(enc(src), enc(tgt), enc(fstype), flags, None) < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e), tgt)


def umount(tgt):
    libc.umount2(tgt if isinstance(tgt, bytes) else tgt.encode(),
                 MNT_DETACH)


class Busy(AssertionError):
    """Another test's process changed what we looked at: look again."""


def retrying(fn):
    def run(*args):
        for _ in range(4):
            try:
                return fn(*args)
            except Busy:
                pass
        return fn(*args)
    return run


def read(path):
    with open(path, "rb") as f:
        return f.read()

# --------------------------------------------------- what /proc says ----


class Host:
    """Every process's namespaces, read once from /proc."""

    def __init__(self):
        self.members = {}  # (type, ino) -> [pid]
        self.pns = {}      # pid -> {type: ino}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            pid, m = int(d), {}
            for t in TYPES:
                try:
                    m[t] = os.stat("/proc/%d/ns/%s" % (pid, t)).st_ino
                except OSError:
                    continue
            self.pns[pid] = m
            for t, ino in m.items():
                self.members.setdefault((t, ino), []).append(pid)
        for v in self.members.values():
            v.sort()
        self.our_mnt = os.stat("/proc/self/ns/mnt").st_ino


def idmap_of(path):
    """A uid_map or gid_map file as lsallns writes it."""
    lines = [ln.split() for ln in read(path).decode().split("\n") if ln]
    return ",".join(":".join(f) for f in lines) or "none"


SIOCGSKNS = 0x894C
SYS_pidfd_open, SYS_pidfd_getfd = 434, 438


def socket_netns_path(pid, fd):
    """A path that opens the net namespace of socket fd of pid, while the
    returned fd (to close) is open."""
    pidfd = libc.syscall(SYS_pidfd_open, pid, 0)
    if pidfd < 0:
        return None, None
    try:
        sk = libc.syscall(SYS_pidfd_getfd, pidfd, fd, 0)
        if sk < 0:
            return None, None
        try:
            nsfd = fcntl.ioctl(sk, SIOCGSKNS)
        finally:
            os.close(sk)
    finally:
        os.close(pidfd)
    return "/proc/self/fd/%d" % nsfd, nsfd


def ppid_of(pid):
    stat = read("/proc/%d/stat" % pid)
    return int(stat[stat.rindex(b")") + 2:].split(b" ")[1])


def uid_of(pid):
    for line in read("/proc/%d/status" % pid).split(b"\n"):
        if line.startswith(b"Uid:"):
            return int(line.split()[1])
    raise AssertionError("no Uid: for %d" % pid)


def user_of(uid):
    try:
        return escape(pwd.getpwuid(uid).pw_name.encode())
    except KeyError:
        return str(uid)


def command_of(pid):
    args = read("/proc/%d/cmdline" % pid).split(b"\0")
    if args and args[-1] == b"":
        args.pop()
    return " ".join(escape(a) for a in args)

# ---------------------------------------------------------- the tool ----


class Tool:
    def __init__(self, path, dumpns, opts=()):
        self.path = path
        self.dumpns = dumpns
        self.opts = list(opts)  # before every other argument

    def run(self, *argv, env=None, pre=None):
        return subprocess.run([self.path] + self.opts + list(argv),
                              capture_output=True,
                              env=env or ENV, timeout=120,
                              preexec_fn=pre)

    def ok(self, *argv, env=None):
        r = self.run(*argv, env=env)
        check(r.returncode == 0, "lsallns %s: exit %d: %s" % (
            " ".join(argv), r.returncode, r.stderr.decode(errors="replace")))
        return r.stdout

    def json(self, *argv):
        return json.loads(self.ok("-J", *argv))["namespaces"]


def flat(rows):
    """Rows of a table, tree or not, in order."""
    for r in rows:
        yield r
        yield from flat(r.get("children", []))


def by_ns(rows):
    out = {}
    for r in flat(rows):
        out.setdefault((r["type"], r["ns"]), []).append(r)
    return out


class Expect:
    """What each zoo namespace's row must say."""

    def __init__(self, m, host, tool):
        self.m, self.host = m, host
        self.zoo = [n for n in m["namespaces"]]
        self.owner_uid = {n["ino"]: n["owner_uid"] for n in self.zoo
                          if n["type"] == "user"}
        host_user = os.stat("/proc/self/ns/user").st_ino
        self.owner_uid[host_user] = 0
        d = json.loads(subprocess.run([tool.dumpns, "-c"],
                                      capture_output=True,
                                      check=True).stdout)
        self.nsid = {(n["type"], n["ino"]): n["nsid"]
                     for n in d["namespaces"]}
        # Which net namespaces a process holds by a socket (the zoo's
        # children keep the socket they report on in the zoo's): Python
        # cannot ask a socket of another process for its namespace, so
        # this one fact comes from dumpns.
        self.sockets = {}
        for n in d["namespaces"]:
            for r in n["refs"]:
                if r["via"] == "socket":
                    self.sockets.setdefault(r["pid"], set()).add(
                        (n["type"], n["ino"]))

    def row(self, n, got=None):
        """The row of zoo namespace n; got, the row lsallns printed, only
        to allow for a process of another test holding the namespace by
        an fd (scanners do, for a while): where no process is in it and
        got names an fd that opens it, or did (it may be closed since),
        the row is that process's."""
        t, ino, held = n["type"], n["ino"], n["held"]
        members = self.host.members.get((t, ino), [])
        pid = members[0] if members else (
            n["pid"] if held in ("fd", "socket", "task", "for_children")
            else None)
        fd = n["fd"]
        if not members and got and got.get("pid") != pid:
            if re.fullmatch(r"/proc/\d+/ns/%s" % t, got.get("path") or ""):
                # Another test's scan enters a process-less mount
                # namespace for a moment to read its mounts.
                raise Busy("%s: process %s of another test was in it" % (
                    n["name"], got.get("pid")))
            m = re.fullmatch(r"/proc/(\d+)/fd/(\d+)", got.get("path") or "")
            check(m, "%s: held by %r, not by the zoo" % (n["name"], got))
            try:
                st = os.stat(m.group(0))
                if st.st_ino != ino:
                    raise Busy("%s: %s is no %s:[%d] (any more?)" % (
                        n["name"], m.group(0), t, ino))
            except FileNotFoundError:
                pass
            pid, held, fd = int(m.group(1)), "fd", int(m.group(2))
            if not os.path.exists("/proc/%d" % pid):
                return dict(got)
        r = {"ns": ino, "type": t, "nprocs": len(members), "pid": pid}
        if pid is not None:
            uid = uid_of(pid)
            r.update(ppid=ppid_of(pid), uid=uid, user=user_of(uid),
                     command=command_of(pid))
        else:
            r.update(ppid=None, uid=None, user=None, command=None)
        path = None
        if members:
            path = "/proc/%d/ns/%s" % (pid, t)
        elif held == "task":
            path = "/proc/%d/task/%d/ns/%s" % (pid, n["tid"], t)
        elif held == "for_children":
            path = "/proc/%d/ns/%s_for_children" % (pid, t)
        elif held == "fd":
            path = "/proc/%d/fd/%d" % (pid, fd)
        elif held == "bindmount" and n["mntns"] == self.host.our_mnt:
            path = escape(n["path"].encode())
        r["path"] = path
        r["pns"] = n["parent"] if t in ("user", "pid") else 0
        r["ons"] = n["owner"] or 0
        ouid_of = ino if t == "user" else n["owner"]
        ouid = self.owner_uid.get(ouid_of)
        r["ouid"] = ouid
        r["ouser"] = None if ouid is None else user_of(ouid)
        r["nsid"] = self.nsid.get((t, ino)) or None
        r["uidmap"] = r["gidmap"] = None
        if t == "user" and members:
            r["uidmap"] = idmap_of("/proc/%d/uid_map" % members[0])
            r["gidmap"] = idmap_of("/proc/%d/gid_map" % members[0])
        r["netnsid"] = self.netnsid(n, members) if t == "net" else None
        # The zoo runs in no container (tests/containers checks them).
        r["container"] = None
        return r

    def netnsid(self, n, members):
        """The kernel's peer netnsid of zoo net namespace n, as lsallns
        writes it, asked through whatever holds it."""
        path, close = None, None
        if members:
            path = "/proc/%d/ns/net" % members[0]
        elif n["held"] == "task":
            path = "/proc/%d/task/%d/ns/net" % (n["pid"], n["tid"])
        elif n["held"] == "fd":
            path = "/proc/%d/fd/%d" % (n["pid"], n["fd"])
        elif n["held"] == "socket":
            path, close = socket_netns_path(n["pid"], n["fd"])
        elif n["held"] == "bindmount":
            inside = self.host.members.get(("mnt", n["mntns"]), [])
            if n["mntns"] == self.host.our_mnt:
                path = n["path"]
            elif inside:
                path = "/proc/%d/root%s" % (inside[0], n["path"])
        check(path, "%s: no way to its net namespace" % n["name"])
        try:
            check(os.stat(path).st_ino == n["ino"], "%s: %s is no net:[%d]"
                  % (n["name"], path, n["ino"]))
            id_ = netnsid.get(path)
        finally:
            if close is not None:
                os.close(close)
        return "unassigned" if id_ == netnsid.UNASSIGNED else str(id_)

    def nsfs(self, n):
        if n["held"] != "bindmount":
            return None
        p = escape(n["path"].encode())
        return p if n["mntns"] == self.host.our_mnt else "mnt:[%d]:%s" % (
            n["mntns"], p)

    def holders(self, n, nprocs):
        h = {}
        if nprocs:
            h["proc"] = nprocs
        if n["held"] != "proc":
            h[n["held"]] = 1
        return h


def parse_holders(s):
    return {k: int(v) for k, v in (x.split(":") for x in s.split(","))}

# ------------------------------------------------------------- tests ----


@retrying
def t_every_column(tool, ex):
    got = by_ns(tool.json("--output-all", "-l"))
    for n in ex.zoo:
        key = (n["type"], n["ino"])
        check(key in got, "%s: no row for %s:[%d]" % (n["name"], *key))
        check(len(got[key]) == 1, "%s: %d rows" % (n["name"],
                                                   len(got[key])))
        g = dict(got[key][0])
        check(sorted(g) == sorted(c.lower() for c in ALL),
              "%s: keys %s" % (n["name"], sorted(g)))
        want = ex.row(n, g)
        nsfs, holders = g.pop("nsfs"), g.pop("holders")
        tt.check_eq(g, want, "%s: columns" % n["name"])
        # Other mount namespaces may have copied a bind mount: the zoo's
        # own one must be there, and nothing that is not the same path.
        wn = ex.nsfs(n)
        if wn is None:
            check(nsfs is None, "%s: NSFS %r" % (n["name"], nsfs))
        else:
            got_paths = nsfs.split("\n")
            check(wn in got_paths, "%s: NSFS %r lacks %r" % (
                n["name"], nsfs, wn))
            tail = ":" + escape(n["path"].encode())
            for p in got_paths:
                check(p == wn or p.endswith(tail) and p.startswith("mnt:["),
                      "%s: NSFS has %r" % (n["name"], p))
        gh = parse_holders(holders)
        wh = ex.holders(n, want["nprocs"])
        if "bindmount" in wh:
            check(gh.get("bindmount", 0) == len(nsfs.split("\n")),
                  "%s: HOLDERS %r, NSFS %r" % (n["name"], holders, nsfs))
            gh["bindmount"] = 1
        # Other tests' scanners may hold any namespace by an fd.
        if gh.get("fd", 0) > wh.get("fd", 0):
            gh["fd"] = wh.get("fd", 0)
            if not gh["fd"]:
                del gh["fd"]
        tt.check_eq(gh, wh, "%s: HOLDERS" % n["name"])


def raw_cell(s):
    if s is None:
        return ""
    return str(s).replace("\\", "\\x5c").replace(" ", "\\x20")


@retrying
def t_raw_golden(tool, ex):
    cols = ["NS", "TYPE", "NPROCS", "PID", "PPID", "UID", "USER", "PNS",
            "ONS", "PATH", "COMMAND"]
    out = tool.ok("-r", "-n", "-l", "-o", ",".join(cols)).decode()
    lines = {tuple(ln.split(" ", 2)[:2]): ln for ln in out.split("\n")
             if ln}
    for n in ex.zoo:
        got = lines.get((str(n["ino"]), n["type"]))
        check(got, "%s: no raw row" % n["name"])
        cells = got.split(" ")
        w = ex.row(n, {"pid": int(cells[3]) if cells[3] else None,
                       "path": cells[9].replace("\\x20", " ")})
        want = " ".join(raw_cell(w[c.lower()]) for c in cols)
        tt.check_eq(got, want, "%s: raw row" % n["name"])


def t_defaults(tool, ex):
    rows = list(flat(tool.json()))
    check(rows, "no rows")
    for r in rows:
        r.pop("children", None)
        check(list(r) == ["ns", "type", "nprocs", "pid", "user", "command"],
              "default keys %s" % list(r))
    out = tool.ok().decode().split("\n")
    check(out[0].split() == ["NS", "TYPE", "NPROCS", "PID", "USER",
                             "COMMAND"], "header %r" % out[0])
    out = tool.ok("-n").decode().split("\n")
    check(out[0].split()[0].isdigit(), "-n: header %r" % out[0])
    # -o +LIST adds, -o LIST replaces, in any case.
    rows = tool.json("-l", "-o", "+holders,NsId")
    check(list(rows[0]) == ["ns", "type", "nprocs", "pid", "user", "command",
                            "holders", "nsid"], "+LIST %s" % list(rows[0]))
    rows = tool.json("-l", "-o", "TYPE,NS")
    check(list(rows[0]) == ["type", "ns"], "LIST %s" % list(rows[0]))
    # As lsns: -t with net adds NETNSID and NSFS before COMMAND.
    want = ["ns", "type", "nprocs", "pid", "user", "netnsid", "nsfs",
            "command"]
    for types in ("net", "user,net"):
        rows = tool.json("-l", "-t", types)
        check(list(rows[0]) == want, "-t %s: %s" % (types, list(rows[0])))
    rows = tool.json("-l", "-t", "net", "-o", "+holders")
    check(list(rows[0]) == want + ["holders"], "-t net -o +holders: %s" %
          list(rows[0]))


def t_commands(tool, ex):
    """The default table (a tree): every zoo row's COMMAND is its PID's."""
    got = by_ns(tool.json())
    for n in ex.zoo:
        for r in got.get((n["type"], n["ino"]), []):
            if r["pid"] is None:
                continue
            try:
                want = command_of(r["pid"])
            except FileNotFoundError:
                continue  # another test's process, gone since
            tt.check_eq(r["command"], want, "%s: COMMAND of %d" % (
                n["name"], r["pid"]))


def t_types(tool, ex):
    for args, want in ((["-t", "user,pid"], {"user", "pid"}),
                       (["-t", "net", "--type", "ipc"], {"net", "ipc"}),
                       (["-t", "time"], {"time"})):
        got = {r["type"] for r in tool.json(*args)}
        tt.check_eq(got, want, "lsallns %s" % " ".join(args))
        zoo = {(n["type"], n["ino"]) for n in ex.zoo if n["type"] in want}
        rows = by_ns(tool.json(*args))
        check(zoo <= set(rows), "%s: zoo rows missing: %s" % (
            args, zoo - set(rows)))


def t_task(tool, ex):
    """-p for the pid of each zoo case: the namespaces it is in, and those
    the manifest says it holds."""
    for p in ex.m["processes"]:
        pid = p["pid"]
        want = {(t, i) for t, i in ex.host.pns[pid].items()}
        want |= {(n["type"], n["ino"]) for n in ex.zoo
                 if n["pid"] == pid}
        want |= ex.sockets.get(pid, set())
        got = set(by_ns(tool.json("-p", str(pid), "-o", "NS,TYPE")))
        tt.check_eq(sorted(got), sorted(want), "-p %d (%s)" % (
            pid, p["name"]))


def unused_pid():
    top = int(read("/proc/sys/kernel/pid_max"))
    for pid in range(top - 1, 1, -1):
        if not os.path.exists("/proc/%d" % pid):
            return pid
    raise AssertionError("no free pid")


def t_not_found(tool, ex):
    pid = unused_pid()
    r = tool.run("-p", str(pid))
    check(r.returncode == 1, "-p %d: exit %d" % (pid, r.returncode))
    check(r.stdout == b"", "-p %d: output %r" % (pid, r.stdout))
    check(b"lsallns: no process with PID %d" % pid in r.stderr,
          "-p %d: %r" % (pid, r.stderr))
    r = tool.run("1")
    check(r.returncode == 1 and r.stdout == b"", "ns 1: exit %d" %
          r.returncode)
    check(b"lsallns: not found namespace: 1\n" in r.stderr,
          "ns 1: %r" % r.stderr)
    # -t filters the operand as lsns does.
    u = next(n for n in ex.zoo if n["name"] == "ownuser")
    r = tool.run("-t", "net", str(u["ino"]))
    check(r.returncode == 1 and b"not found namespace" in r.stderr,
          "-t net USERNS: exit %d" % r.returncode)


@retrying
def t_operand(tool, ex):
    for n in ex.zoo:
        members = ex.host.members.get((n["type"], n["ino"]), [])
        rows = tool.json("-l", "-o", "PID,PPID,NS,PATH", str(n["ino"]))
        check(all(r["ns"] == n["ino"] for r in rows), "%s: ns" % n["name"])
        got = [r["pid"] for r in rows]
        if members:
            tt.check_eq(got, members, "%s: processes" % n["name"])
        else:
            tt.check_eq(got, [ex.row(n, rows[0])["pid"]],
                        "%s: holder" % n["name"])
    # Without -l, a tree: the defaults of lsns, PID PPID USER COMMAND.
    u = next(n for n in ex.zoo if n["name"] == "ownuser")
    rows = tool.json(str(u["ino"]))
    check(list(rows[0]) == ["pid", "ppid", "user", "command"],
          "operand keys %s" % list(rows[0]))


def find_path(rows, ino, path=()):
    for r in rows:
        if r["ns"] == ino:
            return path + (ino,)
        p = find_path(r.get("children", []), ino, path + (r["ns"],))
        if p:
            return p
    return None


def t_trees(tool, ex):
    z = {n["name"]: n for n in ex.zoo}
    host_user = os.stat("/proc/self/ns/user").st_ino
    rows = tool.json("--tree=parent", "-t", "user", "-o", "NS")
    tt.check_eq(find_path(rows, z["userchain3"]["ino"]),
                (host_user, z["userchain1"]["ino"], z["userchain2"]["ino"],
                 z["userchain3"]["ino"]), "--tree=parent userchain3")
    for tree in (["--tree=owner"], ["-T"]):
        rows = tool.json(*tree, "-o", "NS,TYPE")
        for name in ("ownpid", "ownnet"):
            tt.check_eq(find_path(rows, z[name]["ino"]),
                        (host_user, z["ownuser"]["ino"], z[name]["ino"]),
                        "%s %s" % (tree, name))
    # As lsns: a tree of processes by default, in JSON too; -l a list.
    for argv in ([], ["--tree=process"]):
        rows = tool.json(*argv, "-t", "pid", "-o", "NS")
        tt.check_eq(find_path(rows, z["pid2"]["ino"]),
                    (z["pid1"]["ino"], z["pid2"]["ino"]),
                    "%s pid2 under pid1" % argv)
    # As lsns: the tree's NS column is drawn from the left, a child's
    # branch to the right of its parent's start.
    lines = tool.ok("-n", "--tree=owner", "-o", "NS,TYPE").decode()
    lines = lines.rstrip("\n").split("\n")
    depth = -1  # of the row before, in tree-art characters
    for ln in lines:
        art = len(ln) - len(ln.lstrip(" │├└─"))
        check(art % 2 == 0 and art <= depth + 2 and ln[art:art + 1].isdigit(),
              "--tree=owner: row %r after one %d deep" % (ln, depth))
        depth = art
    rows = tool.json("-l", "-o", "NS")
    check(not any("children" in r for r in rows), "a tree with -l")
    rows = tool.json("-l", "-T", "-o", "NS")
    check(not any("children" in r for r in rows), "a tree with -l -T")
    r = tool.run("--tree=sideways")
    check(r.returncode == 2, "--tree=sideways: exit %d" % r.returncode)


def t_usage(tool, ex):
    r = tool.run("-h")
    check(r.returncode == 0 and r.stdout.startswith(b"Usage: lsallns"),
          "-h: %d %r" % (r.returncode, r.stdout[:40]))
    check(b"TYPE[,TYPE...]" in r.stdout, "-h does not say -t takes a list")
    r = tool.run("-V")
    check(r.returncode == 0 and r.stdout.startswith(b"lsallns (nsrel) "),
          "-V: %r" % r.stdout)
    r = tool.run("-H")
    lines = r.stdout.decode().strip("\n").split("\n")
    tt.check_eq([ln.split()[0] for ln in lines], ALL, "-H columns")
    check(all(len(ln.split(None, 1)) == 2 for ln in lines), "-H help")
    for argv in (["--bogus"], ["-o", "BOGUS"], ["-o", "NS,"], ["-J", "-r"],
                 ["-p", "x"], ["-p", "0"], ["-p", "1", "1"], ["x"],
                 ["-t", "bogus"], ["--color=sometimes"], ["1", "2"]):
        r = tool.run(*argv)
        check(r.returncode == 2, "%s: exit %d" % (argv, r.returncode))
        check(r.stdout == b"", "%s: stdout %r" % (argv, r.stdout))
        check(b"Try 'lsallns --help'" in r.stderr, "%s: %r" % (argv,
                                                              r.stderr))
    r = subprocess.run("%s > /dev/full" % tool.path, shell=True,
                       capture_output=True, env=ENV)
    check(r.returncode == 1, "> /dev/full: exit %d" % r.returncode)


def t_color(tool, ex):
    check(SGR.search(tool.ok("--color=always")), "--color=always: no SGR")
    check(not SGR.search(tool.ok("--color=never")), "never: SGR")
    check(not SGR.search(tool.ok()), "auto, not a terminal: SGR")
    check(not SGR.search(tool.ok("--color=always", "-J")), "-J: SGR")

# ------------------------------------------------- hostile everywhere ----


class HostileMount:
    """A second bind mount of the zoo's "bindnet" namespace, at a path
    named with the hostile bytes, in a private bind mount of our own
    directory: the hostile name reaches NSFS and PATH."""

    def __init__(self, ex):
        n = next(n for n in ex.zoo if n["name"] == "bindnet")
        self.d = tempfile.mkdtemp(prefix="nsrel-lsallns.")
        mount(self.d, self.d, None, MS_BIND)
        mount(None, self.d, None, MS_PRIVATE)
        name = bytes.fromhex(next(p for p in ex.m["processes"]
                                  if p["name"] == "hostile")["argv0_hex"])
        self.path = os.fsencode(self.d) + b"/" + name
        open(self.path, "wb").close()
        mount(n["path"].encode(), self.path, None, MS_BIND)
        self.ns = n

    def close(self):
        umount(self.path)
        umount(self.d)
        os.unlink(self.path)
        os.rmdir(self.d)


def raw_safe(out, what):
    """No byte a terminal acts on, no invisible or reordering character."""
    text = out.decode("utf-8")  # invalid UTF-8 fails here
    for ch in text:
        check(ch == "\n" or not tt.unsafe(ch),
              "%s: raw U+%04X in output" % (what, ord(ch)))


def t_hostile(tool, ex):
    h = next(n for n in ex.zoo if n["name"] == "hostile")
    pid = h["pid"]
    want_cmd = command_of(pid)
    check("\\e[31m" in want_cmd and "\\u202e" in want_cmd, want_cmd)
    hm = HostileMount(ex)
    try:
        esc = escape(hm.path)
        ino = hm.ns["ino"]
        rows = by_ns(tool.json("--output-all", "-l"))
        tt.check_eq(rows[("user", h["ino"])][0]["command"], want_cmd,
                    "hostile COMMAND in JSON")
        nsfs = rows[("net", ino)][0]["nsfs"].split("\n")
        check(esc in nsfs, "hostile path not in NSFS %r" % nsfs)
        nsfs = by_ns(tool.json("-W", "-o", "NS,TYPE,NSFS"))[("net", ino)]
        check(esc.replace(",", "\\x2c") in nsfs[0]["nsfs"].split(","),
              "-W: NSFS %r" % nsfs[0]["nsfs"])
        # The table: the escaped text as every other tool writes it.
        table = tool.ok("-u", "-o", "NS,COMMAND", "-t", "user").decode()
        check(want_cmd in table,
              "hostile COMMAND not in the table")
        raw = tool.ok("-r", "-o", "NS,COMMAND", "-t", "user").decode()
        check(raw_cell(want_cmd) in raw, "hostile COMMAND not in -r")
        raw = tool.ok("-r", "-o", "NS,NSFS", "-t", "net").decode()
        check(raw_cell(esc) in raw, "hostile path not in -r NSFS")
        # Every mode, every column: nothing raw.
        for argv in ([], ["--output-all"], ["--output-all", "-u"],
                     ["--output-all", "-r"], ["--output-all", "-J"],
                     ["--output-all", "-W"], ["--output-all", "-l"],
                     ["--output-all", "-T"], ["--output-all", "-p",
                                              str(pid)],
                     ["--output-all", str(h["ino"])],
                     ["--output-all", str(ino)],
                     ["--output-all", "--tree=process"],
                     ["--output-all", "--color=always"]):
            out = tool.ok(*argv)
            if "--color=always" in argv:
                out = SGR.sub(b"", out)
            raw_safe(out, "lsallns %s" % " ".join(argv))
        # The table, cut to a narrow terminal: COMMAND truncated, unless
        # -u.
        narrow = dict(ENV, COLUMNS="60")
        wcmd = want_cmd.encode()
        rc, cut = tt.run_pty([tool.path, "-o", "NS,COMMAND", "-t", "user",
                              "--color=never"], narrow)
        check(rc == 0 and b"\\e[31m" in cut and wcmd not in cut,
              "COLUMNS=60 on a terminal: COMMAND not truncated")
        raw_safe(cut.replace(b"\r\n", b"\n"), "truncated on a terminal")
        rc, full = tt.run_pty([tool.path, "-u", "-o", "NS,COMMAND", "-t",
                               "user", "--color=never"], narrow)
        check(rc == 0 and wcmd in full.replace(b"\r\n", b"\n"),
              "-u: COMMAND truncated")
    finally:
        hm.close()

# ------------------------------------------ maps and netnsids we set ----

CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000


class Child:
    """A child that unshared flags and waits until stop(); what else the
    test sets (maps, ids) it sets from here, as an administrator would."""

    holds = set()  # every running child's hold_w: no other may keep one

    def __init__(self, flags):
        ready_r, ready_w = os.pipe()
        hold_r, self.hold_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            try:
                os.close(ready_r)
                for fd in Child.holds | {self.hold_w}:
                    os.close(fd)
                ok = libc.unshare(flags) == 0
                os.write(ready_w, b"y" if ok else b"n")
                os.read(hold_r, 1)
            finally:
                os._exit(0)
        Child.holds.add(self.hold_w)
        os.close(ready_w)
        os.close(hold_r)
        ok = os.read(ready_r, 1) == b"y"
        os.close(ready_r)
        if not ok:
            self.stop()
            raise AssertionError("unshare(%#x) refused" % flags)

    def ns(self, t):
        return "/proc/%d/ns/%s" % (self.pid, t)

    def stop(self):
        if self.pid:
            Child.holds.discard(self.hold_w)
            os.close(self.hold_w)
            os.waitpid(self.pid, 0)
            self.pid = None


def t_maps(tool, ex):
    """UIDMAP and GIDMAP of user namespaces whose maps this test wrote,
    and of one with none written; dumpns's uid_map and gid_map."""
    mapped, bare = Child(CLONE_NEWUSER), Child(CLONE_NEWUSER)
    try:
        with open("/proc/%d/uid_map" % mapped.pid, "w") as f:
            f.write("0 1001 1\n1 100000 65536\n")
        with open("/proc/%d/gid_map" % mapped.pid, "w") as f:
            f.write("0 1002 1\n1 200000 1000\n")
        want = {mapped: ("0:1001:1,1:100000:65536", "0:1002:1,1:200000:1000",
                         [[0, 1001, 1], [1, 100000, 65536]],
                         [[0, 1002, 1], [1, 200000, 1000]]),
                bare: ("none", "none", [], [])}
        dump = json.loads(subprocess.run([tool.dumpns, "-c"],
                                         capture_output=True,
                                         check=True).stdout)
        dumped = {n["ino"]: n for n in dump["namespaces"]
                  if n["type"] == "user"}
        for ch, (um, gm, jum, jgm) in want.items():
            ino = os.stat(ch.ns("user")).st_ino
            rows = by_ns(tool.json("-l", "-p", str(ch.pid), "-o",
                                   "NS,TYPE,UIDMAP,GIDMAP"))
            r = rows[("user", ino)][0]
            tt.check_eq((r["uidmap"], r["gidmap"]), (um, gm),
                        "user:[%d] UIDMAP, GIDMAP" % ino)
            for key, row in rows.items():
                if key[0] != "user":
                    check(row[0]["uidmap"] is None and
                          row[0]["gidmap"] is None,
                          "%s:[%d] has a map: %r" % (*key, row[0]))
            raw = tool.ok("-r", "-n", "-l", "-t", "user", "-o",
                          "NS,UIDMAP,GIDMAP", "-p", str(ch.pid)).decode()
            tt.check_eq(raw, "%d %s %s\n" % (ino, um, gm),
                        "user:[%d] -r" % ino)
            check(ino in dumped, "dumpns: no user:[%d]" % ino)
            tt.check_eq((dumped[ino]["uid_map"], dumped[ino]["gid_map"]),
                        (jum, jgm), "dumpns user:[%d] maps" % ino)
        # The host's, as the kernel shows it to us.
        host = os.stat("/proc/self/ns/user").st_ino
        r = by_ns(tool.json("-l", "-t", "user", "-o", "NS,TYPE,UIDMAP"))
        tt.check_eq(r[("user", host)][0]["uidmap"],
                    idmap_of("/proc/self/uid_map"), "the host's UIDMAP")
    finally:
        mapped.stop()
        bare.stop()


def t_netnsid(tool, ex):
    """NETNSID of a net namespace this test gave an id, and of one without,
    against the kernel, dumpns and lsns."""
    given, none = Child(CLONE_NEWNET), Child(CLONE_NEWNET)
    try:
        id_ = netnsid.assign(given.ns("net"))
        check(id_ >= 0, "RTM_NEWNSID gave %r" % id_)
        tt.check_eq(netnsid.get(none.ns("net")), netnsid.UNASSIGNED,
                    "a new net namespace has no id")
        want = {given: str(id_), none: "unassigned"}
        dump = json.loads(subprocess.run([tool.dumpns, "-c"],
                                         capture_output=True,
                                         check=True).stdout)
        dumped = {n["ino"]: n for n in dump["namespaces"]
                  if n["type"] == "net"}
        theirs = None
        if shutil.which("lsns"):
            theirs = by_ns(lsns_json([given.pid, none.pid],
                                     ["NS", "TYPE", "NETNSID"]))
        for ch, w in want.items():
            ino = os.stat(ch.ns("net")).st_ino
            r = by_ns(tool.json("-l", "-t", "net", "-p", str(ch.pid),
                                "-o", "NS,TYPE,NETNSID"))
            tt.check_eq(r[("net", ino)][0]["netnsid"], w,
                        "net:[%d] NETNSID" % ino)
            tt.check_eq(dumped[ino]["netnsid"],
                        -1 if w == "unassigned" else id_,
                        "dumpns net:[%d] netnsid" % ino)
            if theirs is not None:
                tt.check_eq(theirs[("net", ino)][0]["netnsid"], w,
                            "lsns net:[%d] netnsid" % ino)
        # Other types have none.
        r = by_ns(tool.json("-l", "-p", str(given.pid), "-o",
                            "NS,TYPE,NETNSID"))
        for key, row in r.items():
            if key[0] != "net":
                check(row[0]["netnsid"] is None, "%s:[%d] NETNSID %r" % (
                    *key, row[0]["netnsid"]))
    finally:
        given.stop()
        none.stop()

F_SETPIPE_SZ = 1031


def t_exits_before_print(tool, ex):
    """A process that exits between the scan and the output: the tool,
    stopped in its first write(2) to a full pipe (so after the scan and
    after every cell was made), still prints the scan's row for it and
    exits 0. lsuserns -p likewise, through tools-golden's binary."""
    for argv, check_out in (
            ([tool.path, "-J", "-l", "-o", "NS,TYPE,PID,COMMAND,UIDMAP"],
             lambda out, ch, ino: any(
                 r["ns"] == ino and r["pid"] == ch
                 for r in json.loads(out)["namespaces"])),
            ([os.path.join(os.path.dirname(tool.path), "lsuserns"), "-J"],
             lambda out, ch, ino: ('"ino": %d' % ino).encode() in out)):
        ch = Child(CLONE_NEWUSER)
        ino = os.stat(ch.ns("user")).st_ino
        pid = ch.pid
        r, w = os.pipe()
        fcntl.fcntl(w, F_SETPIPE_SZ, 4096)
        os.set_blocking(w, False)
        filled = os.write(w, b"x" * 65536)  # as much as fits: all of it
        os.set_blocking(w, True)
        try:
            p = subprocess.Popen(argv + ["-p", str(pid)], stdout=w,
                                 stderr=subprocess.PIPE, env=ENV)
        finally:
            os.close(w)
        try:
            # Blocked in write(2) to fd 1: its scan is done.
            for _ in range(1200):
                try:
                    sc = read("/proc/%d/syscall" % p.pid).split()
                except OSError:
                    sc = []
                if sc[:2] == [b"1", b"0x1"]:
                    break
                check(p.poll() is None, "%s: exited before writing" %
                      argv[0])
                signal.sigtimedwait([], 0.05)
            check(sc[:2] == [b"1", b"0x1"], "%s: never blocked in write"
                  % argv[0])
            ch.stop()
            check(not os.path.exists("/proc/%d" % pid),
                  "PID %d still there" % pid)
            out = b""
            while True:
                chunk = os.read(r, 65536)
                if not chunk:
                    break
                out += chunk
            rc = p.wait(timeout=120)
        finally:
            os.close(r)
            ch.stop()
        check(rc == 0, "%s: exit %d: %r" % (argv[0], rc, p.stderr.read()))
        out = out[filled:]
        check(check_out(out, pid, ino), "%s -p %d: no user:[%d] of it: %r"
              % (argv[0], pid, ino, out[:300]))

# --------------------------------------------------- against lsns -J ----


def lsns_json(pids, cols):
    """lsns -J in a mount namespace of its own whose /proc holds only the
    processes given (and lsns): lsns 2.38 fails as a whole where any
    process has a newline in its name, and other tests run such
    processes."""
    d = tempfile.mkdtemp(prefix="nsrel-lsns.")
    os.mkdir(d + "/old")

    def setup():
        if libc.unshare(CLONE_NEWNS) < 0:
            os._exit(90)
        mount(None, "/", None, MS_REC | MS_PRIVATE)
        mount("/proc", d + "/old", None, MS_BIND | MS_REC)
        mount("none", "/proc", "tmpfs", 0)
        me = os.getpid()
        for p in set(pids) | {me}:
            if os.path.isdir("%s/old/%d" % (d, p)):
                os.mkdir("/proc/%d" % p)
                mount("%s/old/%d" % (d, p), "/proc/%d" % p, None, MS_BIND)
        os.symlink(str(me), "/proc/self")

    try:
        r = subprocess.run(["lsns", "-J", "-o", ",".join(cols)],
                           preexec_fn=setup, capture_output=True,
                           env=ENV, timeout=120)
    finally:
        os.rmdir(d + "/old")
        os.rmdir(d)
    check(r.returncode == 0, "lsns: exit %d: %s" % (
        r.returncode, r.stderr.decode(errors="replace")))
    # lsns writes other mount namespaces' hostile paths raw in NSFS.
    return json.loads(r.stdout.decode(errors="replace"))["namespaces"]


def t_lsns(tool, ex):
    if not shutil.which("lsns"):
        return "lsns(8) missing"
    help_ = subprocess.run(["lsns", "--help"], capture_output=True,
                           env=ENV).stdout
    if b" PNS " not in help_:
        return "lsns older than 2.38 (no PNS, ONS)"
    # The zoo and its descendants, but for names lsns cannot read.
    zpid = ex.m["zoo_pid"]
    kids = {}
    for pid in ex.host.pns:
        try:
            kids.setdefault(ppid_of(pid), []).append(pid)
        except OSError:
            pass
    procs, todo, bad = [], [zpid], set()
    while todo:
        p = todo.pop()
        try:
            comm = read("/proc/%d/comm" % p)[:-1]
        except OSError:
            continue
        (bad.add if b"\n" in comm else procs.append)(p)
        todo += kids.get(p, [])
    theirs = by_ns(lsns_json(procs, LSNS_COLS))
    ours = by_ns(tool.json("-o", ",".join(LSNS_COLS)))
    compared = 0
    for n in ex.zoo:
        key = (n["type"], n["ino"])
        members = ex.host.members.get(key, [])
        if not members or any(p in bad for p in members):
            check(key not in theirs or not members,
                  "%s: lsns sees it" % n["name"])
            continue
        check(key in theirs, "%s: lsns does not list it" % n["name"])
        t, o = dict(theirs[key][0]), dict(ours[key][0])
        # Both draw a tree of processes; its shape is checked elsewhere.
        t.pop("children", None)
        o.pop("children", None)
        # lsns writes a cell it has nothing for as null, and our NSFS
        # adds the bind mounts of other mount namespaces.
        o_nsfs = o.pop("nsfs")
        t_nsfs = t.pop("nsfs")
        if t_nsfs:
            mine = [p for p in (o_nsfs or "").split("\n")
                    if not p.startswith("mnt:[")]
            tt.check_eq(sorted(mine), sorted(t_nsfs.split("\n")),
                        "%s: nsfs" % n["name"])
        tt.check_eq(o, t, "%s: lsallns -J against lsns -J" % n["name"])
        compared += 1
    want = len([n for n in ex.zoo if n["held"] == "proc"
                and n["name"] not in ("hostile",)])
    check(compared >= want,
          "compared %d zoo namespaces with lsns, expected %d" % (compared,
                                                                 want))

# -------------------------------------------------------------- main ----


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--zoo", default="")
    ap.add_argument("--lsallns", required=True)
    ap.add_argument("--dumpns", required=True)
    args = ap.parse_args()
    tool = Tool(args.lsallns, args.dumpns)

    # meson's timeout and Ctrl-C: unwind, so that the zoo stops and our
    # mounts go (a SystemExit passes through run_test).
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))
    zoo_run, rc = start_for_tap(args.zoo)
    if not zoo_run:
        return rc
    try:
        ex = Expect(zoo_run.manifest, Host(), tool)
        run_test("lsallns --output-all -J: every column of every zoo case",
                 t_every_column, tool, ex)
        run_test("lsallns -r -n: raw rows of every zoo case", t_raw_golden,
                 tool, ex)
        run_test("lsallns: default columns, -n, -o LIST and +LIST",
                 t_defaults, tool, ex)
        # /proc reads the command lines of the processes shown only.
        proc = Tool(args.lsallns, args.dumpns, ["--backend=proc"])
        run_test("lsallns --backend=proc --output-all -J: every zoo case",
                 t_every_column, proc, ex)
        run_test("lsallns --backend=proc: each zoo row's COMMAND",
                 t_commands, proc, ex)
        run_test("lsallns -t TYPE[,TYPE]", t_types, tool, ex)
        run_test("lsallns -p PID of each zoo case", t_task, tool, ex)
        run_test("lsallns: PID and namespace not found exit 1",
                 t_not_found, tool, ex)
        run_test("lsallns NAMESPACE: its processes", t_operand, tool, ex)
        run_test("lsallns --tree=parent|owner", t_trees, tool, ex)
        run_test("lsallns: usage, -h, -V, -H, write error", t_usage, tool,
                 ex)
        run_test("lsallns --color", t_color, tool, ex)
        run_test("lsallns: hostile names in every column and mode",
                 t_hostile, tool, ex)
        run_test("lsallns -J against lsns -J on the zoo", t_lsns, tool, ex)
        run_test("lsallns UIDMAP, GIDMAP of maps we wrote", t_maps, tool, ex)
        run_test("lsallns NETNSID of an id we gave, against lsns",
                 t_netnsid, tool, ex)
        run_test("lsallns, lsuserns -p PID that exits before the output",
                 t_exits_before_print, tool, ex)
    finally:
        rc = zoo_run.stop()
    run_test("zoo exits 0", lambda: check(rc == 0, "zoo exit %r" % rc))
    return plan()


if __name__ == "__main__":
    sys.exit(main())
