#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""graphns -p PID on the namespace zoo: for each zoo process, the DOT file
has the nodes of the branches to its user and PID namespaces and no other,
the namespaces it is in marked "<- PID N"; with -d, the owned namespaces
it is in as well, and none it is not in. What the branches are is asked of
the kernel (NS_GET_PARENT, NS_GET_USERNS), not of nsrel. Speaks TAP;
Python standard library only."""

import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from kernelns import kernel_chain, kernel_owner, unused_pid  # noqa: E402
from lsanenv import graphviz_env  # noqa: E402
from tap import check, plan, run_test  # noqa: E402
from zoorun import start_for_tap  # noqa: E402

OWNED = ("mnt", "cgroup", "uts", "ipc", "net", "time")
# An id attribute of the DOT output: nodes "TYPE-INO" (and folders,
# groups "user-INO-TYPE"), edges "TAIL~HEAD", the graph and its clusters.
ID = re.compile(r'\bid="?([^",\]\s]+)"?')


def graph_nodes(graphns, d, *argv):
    """The node ids of graphns ARGV -o d/x.dot, and its text."""
    out = os.path.join(d, "x.dot")
    p = subprocess.run([graphns] + list(argv) + ["-o", out],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, timeout=300,
                       env=graphviz_env())
    check(p.returncode == 0, "graphns %s: exit %d, %r" % (
        " ".join(argv), p.returncode, p.stderr))
    with open(out, encoding="utf-8") as f:
        text = f.read()
    ids = {i for i in ID.findall(text) if "~" not in i and
           i not in ("graph", "cluster_user", "cluster_pid")}
    return ids, text


def t_task(graphns, zoo, details):
    d = tempfile.mkdtemp(prefix="nsrel-graphns-task.")
    try:
        for proc in zoo.manifest["processes"]:
            pid = proc["pid"]
            what = "-p %d (%s)" % (pid, proc["name"])
            ns = "/proc/%d/ns/" % pid
            users = kernel_chain(ns + "user")
            pids = kernel_chain(ns + "pid")
            want = {"user-%d" % i for i in users} | \
                {"pid-%d" % i for i in pids}
            marked = {"user-%d" % users[-1], "pid-%d" % pids[-1]}
            argv = ["-p", str(pid)]
            if details:
                argv.insert(0, "-d")
                for t in OWNED:
                    if not os.path.exists(ns + t):
                        continue
                    node = "%s-%d" % (t, os.stat(ns + t).st_ino)
                    # shown under its owner, if that is on the branch
                    if kernel_owner(ns + t) in users:
                        want.add(node)
                        marked.add(node)
            got, text = graph_nodes(graphns, d, *argv)
            check(got == want, "graphns %s: nodes\n  want %s\n  got  %s" % (
                " ".join(argv), sorted(want), sorted(got)))
            check(text.count("<- PID %d" % pid) == len(marked),
                  "graphns %s: %d marks, want %d (%s)" % (
                      " ".join(argv), text.count("<- PID %d" % pid),
                      len(marked), sorted(marked)))
            for node in marked:
                stmt = re.search(r'^\s*"?%s"?\s*\[(.*?)\];' % node, text,
                                 re.M | re.S)
                check(stmt and ("<- PID %d" % pid) in stmt.group(1),
                      "graphns %s: %s unmarked" % (what, node))
    finally:
        for f in os.listdir(d):
            os.unlink(os.path.join(d, f))
        os.rmdir(d)


def t_task_gone(graphns):
    pid = unused_pid()
    p = subprocess.run([graphns, "-p", str(pid), "-o", "-", "-T", "dot"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, timeout=300,
                       env=graphviz_env())
    check(p.returncode == 1 and p.stdout == b"", "exit %d, %r" % (
        p.returncode, p.stdout[:100]))
    check(b"graphns: no process with PID %d" % pid in p.stderr,
          "stderr %r" % p.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--graphns", required=True)
    ap.add_argument("--zoo", default="")
    args = ap.parse_args()
    zoo, rc = start_for_tap(args.zoo)
    if not zoo:
        return rc
    try:
        run_test("graphns -p PID of each zoo process: only its branches",
                 t_task, args.graphns, zoo, False)
        run_test("graphns -d -p PID: and only the owned namespaces it is in",
                 t_task, args.graphns, zoo, True)
        run_test("graphns -p PID that does not exist", t_task_gone,
                 args.graphns)
    finally:
        rc = zoo.stop()
    run_test("zoo exits 0", lambda: check(rc == 0, "zoo exit %r" % rc))
    return plan()


if __name__ == "__main__":
    sys.exit(main())
