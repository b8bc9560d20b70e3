#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every tool as nobody, on each backend.

As nobody (uid 65534, no capabilities) the default backend (auto) is
/proc, silently: each tool's output is the same as with --backend=proc,
and so is what it says on stderr. Forced --backend=bpf cannot load: the
tool exits 1, prints nothing on stdout and one line on stderr that says
the BPF backend cannot run. The test starts, as nobody, a process in its
own user and PID namespaces, and each tool's auto output must show it.

Others' processes come and go as we look (nobody sees only processes of
its own uid, and counts the rest as unreadable), so the outputs are taken
as proc, auto, proc, until the two proc runs agree; the counts on stderr
are compared as digits removed. Speaks TAP; Python standard library only.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from tap import check, run_test  # noqa: E402
from lsanenv import graphviz_env  # noqa: E402
from toolrun import run_around, tool_args  # noqa: E402

NOBODY = 65534
TRIES = 8


def as_nobody(argv):
    return ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY,
            "--clear-groups", "--inh-caps=-all", "--"] + argv


def self_out(v, pid):
    if isinstance(v, dict):
        return {k: self_out(x, pid) for k, x in v.items()}
    if isinstance(v, list):
        return [self_out(x, pid) for x in v]
    if isinstance(v, int) and not isinstance(v, bool) and v == pid:
        return "SELF"
    if isinstance(v, str):
        return re.sub(r"--backend=(auto|proc)", "--backend=X", v)
    return v


def normalize(text, pid):
    """The output with the tool's own process taken out: it is another
    process each run. In JSON, its process and references are dropped (and
    the unreadable count, which counts the host's); elsewhere its pid
    reads SELF and its --backend option --backend=X."""
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
    if isinstance(doc, dict) and "namespaces" in doc:
        doc.pop("unreadable_processes", None)
        doc["processes"] = [p for p in doc.get("processes", [])
                            if p.get("pid") != pid]
        for ns in doc["namespaces"]:
            ns["refs"] = [r for r in ns.get("refs", [])
                          if r.get("pid") != pid]
            ns["processes"] = [p for p in ns.get("processes", [])
                               if p != pid]
    if doc is not None:
        return json.dumps(self_out(doc, pid), sort_keys=True).encode()
    text = re.sub(rb"\b%d\b" % pid, b"SELF", text)
    return re.sub(rb"--backend=(auto|proc)", b"--backend=X", text)


def run(argv, out=None):
    """stdout (or the file OUT) normalized, stderr with digits removed,
    the exit code."""
    if out and os.path.exists(out):
        os.unlink(out)
    p = subprocess.Popen(as_nobody(argv), stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         cwd="/", env=graphviz_env())
    text, err = p.communicate()
    if out and p.returncode == 0:
        with open(out, "rb") as f:
            text = f.read()
    # setpriv execs the tool: the same process.
    text = normalize(text, p.pid) if p.returncode == 0 else text
    return text, re.sub(rb"[0-9]+", b"N", err), p.returncode


def start_ours():
    """As nobody, a sleep in its own user and PID namespaces: the process
    and the inodes of those namespaces, or a reason to skip."""
    unshare = shutil.which("unshare")
    if not unshare:
        return None, "no unshare(1)"
    p = subprocess.Popen(as_nobody([unshare, "-Urpf", "--kill-child",
                                    "sleep", "600"]),
                         stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            kids = open("/proc/%d/task/%d/children"
                        % (p.pid, p.pid)).read().split()
            for k in kids:
                if open("/proc/%s/comm" % k).read().strip() == "sleep":
                    user = os.stat("/proc/%s/ns/user" % k).st_ino
                    pid = os.stat("/proc/%s/ns/pid" % k).st_ino
                    if user != os.stat("/proc/self/ns/user").st_ino:
                        return p, (user, pid)
        except OSError:
            pass
        if p.poll() is not None:
            return None, "unshare -Urpf as nobody failed: %s" % (
                p.stderr.read().decode(errors="replace").strip())
        time.sleep(0.05)
    p.kill()
    p.wait()
    return None, "unshare -Urpf as nobody did not start"


def t_auto_is_proc(name, argv, out, want):
    last = None
    for _ in range(TRIES):
        p1 = run(argv + ["--backend=proc"], out)
        auto = run(argv + ["--backend=auto"], out)
        p2 = run(argv + ["--backend=proc"], out)
        if p1 != p2:
            last = "the host changed between the /proc runs"
            continue
        check(p1[2] == 0, "%s --backend=proc as nobody: exit %d, %r"
              % (name, p1[2], p1[1]))
        check(auto[2] == 0, "%s as nobody: exit %d, %r"
              % (name, auto[2], auto[1]))
        check(auto[1] == p1[1], "%s as nobody says on stderr %r, with "
              "--backend=proc %r" % (name, auto[1], p1[1]))
        check(auto[0] == p1[0], "%s as nobody prints other than with "
              "--backend=proc:\n%s\n---\n%s"
              % (name, auto[0][-2000:].decode(errors="replace"),
                 p1[0][-2000:].decode(errors="replace")))
        check(str(want).encode() in auto[0],
              "%s as nobody does not show nobody's namespace [%d]"
              % (name, want))
        return None
    raise AssertionError("%s: %s, %d times" % (name, last, TRIES))


def t_bpf_fails(name, argv, out):
    if out and os.path.exists(out):
        os.unlink(out)
    text, err, rc = run(argv + ["--backend=bpf"])
    lines = err.decode(errors="replace").splitlines()
    check(rc == 1, "%s --backend=bpf as nobody: exit %d, want 1" % (name, rc))
    check(not text, "%s --backend=bpf as nobody printed %d bytes"
          % (name, len(text)))
    check(not out or not os.path.exists(out),
          "%s --backend=bpf as nobody wrote its file" % name)
    check(len(lines) == 1 and "BPF backend cannot run" in lines[0],
          "%s --backend=bpf as nobody: stderr %r, want one line saying "
          "the BPF backend cannot run" % (name, lines))


def tests(args, ino, tmp):
    user, pid = ino
    dot = os.path.join(tmp, "g.dot")
    tools = [("lsuserns", [args.lsuserns], None, user),
             ("lsuserns -d", [args.lsuserns, "-d"], None, user),
             ("lspidns", [args.lspidns], None, pid),
             ("dumpns", [args.dumpns], None, user),
             ("dumpns -c", [args.dumpns, "-c"], None, pid)]
    if args.lsallns:
        tools += [("lsallns", [args.lsallns], None, user),
                  ("lsallns -J", [args.lsallns, "-J"], None, pid)]
    if args.graphns:
        tools.append(("graphns -o g.dot", [args.graphns, "-o", dot], dot,
                      user))
    for name, argv, out, want in tools:
        run_test("%s as nobody: auto is /proc, silently" % name,
                 t_auto_is_proc, name, argv, out, want)
        run_test("%s --backend=bpf as nobody: exit 1, one line" % name,
                 t_bpf_fails, name, argv, out)


def main():
    args = tool_args()
    if os.geteuid() != 0:
        print("1..0 # SKIP not root: cannot switch to nobody")
        return 0
    if not shutil.which("setpriv"):
        print("1..0 # SKIP setpriv(1) missing")
        return 0
    return run_around(start_ours, "nsrel-unpriv-backend.",
                      lambda ino, tmp: tests(args, ino, tmp), 0o777)


if __name__ == "__main__":
    sys.exit(main())
