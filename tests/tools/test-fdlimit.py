#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every tool, out of file descriptors, says so and fails.

A process in a chain of user namespaces 16 deep, none of whose levels has
another process: to learn them, a scan holds an fd for each level at once,
more than a soft RLIMIT_NOFILE of 5 to 12 leaves (the /proc way; the BPF
way needs none per level, but libbpf more than 5 to 7). At each of those limits
every tool must exit 1 with the error on one line of stderr and print
nothing on stdout: running out of fds is an error, not a smaller host.
With room enough the same tools succeed and find the chain. Speaks TAP;
Python standard library only.
"""

import os
import resource
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from tap import check, run_test  # noqa: E402
from lsanenv import graphviz_env  # noqa: E402
from toolrun import run_around, tool_args  # noqa: E402

DEPTH = 16
LIMITS = range(5, 13)
BPF_LIMITS = range(5, 8)
EMFILE_TEXT = os.strerror(24)  # "Too many open files"


def limited(n):
    def pre():
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (n, hard))
    return pre


def start_chain():
    """A sleep in a chain of DEPTH user namespaces (unshare -Ur, nested):
    its pid and the inode of its user namespace, or a reason to skip."""
    unshare = shutil.which("unshare")
    if not unshare:
        return None, "no unshare(1)"
    cmd = []
    for _ in range(DEPTH):
        cmd += [unshare, "-Ur"]
    cmd += ["sleep", "600"]
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    # unshare execs the next one: the same pid, DEPTH levels down.
    want = os.stat("/proc/self/ns/user").st_ino
    for _ in range(100):
        try:
            comm = open("/proc/%d/comm" % p.pid).read().strip()
            ino = os.stat("/proc/%d/ns/user" % p.pid).st_ino
        except OSError:
            comm, ino = "", want
        if comm == "sleep" and ino != want:
            return p, ino
        if p.poll() is not None:
            return None, "unshare -Ur failed: %s" % (
                p.stderr.read().decode(errors="replace").strip())
        time.sleep(0.05)
    p.kill()
    p.wait()
    return None, "the chain did not start"


def run(tool, argv, limit=None):
    return subprocess.run([tool] + argv, stdin=subprocess.DEVNULL,
                          capture_output=True, env=graphviz_env(),
                          preexec_fn=limited(limit) if limit else None)


def t_fails(name, tool, argv, limits=LIMITS):
    bad = []
    for n in limits:
        r = run(tool, argv, n)
        err = r.stderr.decode(errors="replace")
        lines = [line for line in err.splitlines() if EMFILE_TEXT in line]
        if r.returncode != 1 or r.stdout or len(lines) != 1:
            bad.append("ulimit -n %d: exit %d, %d bytes on stdout, "
                       "stderr %r" % (n, r.returncode, len(r.stdout),
                                      err[-300:]))
    check(not bad, "%s must fail with %r:\n%s"
          % (name, EMFILE_TEXT, "\n".join(bad)))


def t_succeeds(name, tool, argv, chain_ino, out=None):
    r = run(tool, argv, 256)
    check(r.returncode == 0, "%s with ulimit -n 256: exit %d, %r"
          % (name, r.returncode, r.stderr[-300:]))
    text = open(out).read() if out else r.stdout.decode(errors="replace")
    check(str(chain_ino) in text,
          "%s with ulimit -n 256 does not show user:[%d]"
          % (name, chain_ino))


def tests(args, ino, tmp):
    dot = os.path.join(tmp, "g.dot")
    tools = [("lsuserns", args.lsuserns, [], True),
             ("lsuserns -d", args.lsuserns, ["-d"], True),
             ("lspidns", args.lspidns, [], False),
             ("dumpns", args.dumpns, [], True)]
    if args.lsallns:
        tools.append(("lsallns", args.lsallns, [], True))
    if args.graphns:
        tools.append(("graphns -o g.dot", args.graphns, ["-o", dot], True))
    for name, tool, argv, shows in tools:
        # The /proc way holds an fd per level of the chain; the BPF way
        # none, but libbpf a few (BTF, map, programs, links).
        run_test("%s --backend=proc, ulimit -n %d..%d: exit 1, the "
                 "error, no output" % (name, LIMITS[0], LIMITS[-1]),
                 t_fails, name, tool, ["--backend=proc"] + argv)
        run_test("%s --backend=bpf, ulimit -n %d..%d: exit 1, the "
                 "error, no output" % (name, BPF_LIMITS[0], BPF_LIMITS[-1]),
                 t_fails, name, tool, ["--backend=bpf"] + argv, BPF_LIMITS)
        if shows:
            run_test("%s, ulimit -n 256: the chain found" % name,
                     t_succeeds, name, tool, argv, ino,
                     dot if tool == args.graphns else None)


def main():
    args = tool_args()
    if os.geteuid() != 0:
        print("1..0 # SKIP not root: a chain of user namespaces as root")
        return 0
    return run_around(start_chain, "nsrel-fdlimit.",
                      lambda ino, tmp: tests(args, ino, tmp))


if __name__ == "__main__":
    sys.exit(main())
