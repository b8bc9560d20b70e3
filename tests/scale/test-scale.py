#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The scale test: dumpns, lsuserns -d and lspidns on a zoo of
10,000 and of 50,000 more processes.

At each size N: build the namespace zoo (nsrel-zoo --procs N: a fifth of
the extra processes in their own uts, ipc and net namespaces), run each
tool once through bench/measure (peak RSS, minor faults, system calls
counted by the kernel) with its JSON output, and check

  - exit status 0;
  - the output holds every process and namespace of the zoo's manifest,
    and the uts, ipc and net namespaces of every "extra-ns" process (their
    inodes read here from /proc), with at least as many namespaces as the
    zoo built;
  - peak RSS <= 16 MiB x N / 10,000 (the bound at 10,000 processes,
    scaled linearly: 80 MiB at 50,000).

Then, between the two sizes, that the work per process does not grow:
system calls (futex(2) left out: how often the /proc reader threads wait
for each other is the scheduler's doing; see bench/measure.c) and minor
faults per host process at the large size over
the same at the small size must stay under 1.25 (1.5 for faults); a
quadratic step would make it about 5. This is not a timed test: wall and
CPU seconds are printed as TAP comments, never compared (speed belongs to
bench/run).

Needs root (the zoo), raises /proc/sys/kernel/pid_max (and threads-max and
the namespace limits if low) as far as needed, and restores them, and
stops the zoo, on failure, SIGTERM, SIGINT and SIGHUP too. Under the
sanitizers (NSREL_SANITIZED=1) the sizes are 1,000 and 3,000 (a zoo
process costs about 1 MiB there) and neither the RSS bound nor the growth
of system calls is checked (ASan's shadow memory and quarantine; the
system calls of LeakSanitizer's check at exit, which stops the threads
and waits for them: 954 to 9,174 for one lspidns of 864 calls without
it, at 3,000 processes here), with the reasons printed. It skips, saying
so, when MemAvailable is short of what the zoo needs, and skips what is
left, with the count, when the zoos and the tools have taken more than
NSREL_SCALE_BUDGET seconds (default 420) on a machine made slow by
others. NSREL_SCALE_SIZES="N1 N2" overrides the sizes. Speaks TAP; Python
standard library only.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from tap import check, fail, plan, run_test  # noqa: E402
from zoorun import ZooError, ZooRun, ZooSkip, ZooTimeout  # noqa: E402

RSS_MIB_PER_10K = 16.0
SYSCALL_GROWTH_MAX = 1.25
FAULT_GROWTH_MAX = 1.5
# What a zoo process costs, to skip rather than run out of memory
# (measured: about 160 KiB with its namespaces; about 1 MiB under ASan,
# whose forks copy the page tables of its shadow memory).
ZOO_KIB_PER_PROC = 250
ZOO_KIB_PER_PROC_SANITIZED = 1500
TOOL_TIMEOUT = 300
# Seconds for the zoos to come up and the tools to run; what is left of
# meson's 900 stops them. Beyond it the rest is skipped, saying so.
BUDGET = 420

def comment(*lines):
    for text in lines:
        for line in str(text).splitlines() or [""]:
            print("# " + line)
    sys.stdout.flush()


class Stop(BaseException):
    """A stop signal: unwind through the cleanups (and through run_test,
    which fails only Exceptions)."""


def on_signal(signum, frame):
    raise Stop(signal.Signals(signum).name)


# ------------------------------------------------------------ limits ----

def read_int(path):
    with open(path) as f:
        return int(f.read().split()[0])


def write_int(path, value):
    with open(path, "w") as f:
        f.write("%d\n" % value)


class Limits:
    """Kernel limits raised for the zoo. Restored at the end unless
    someone else changed them meanwhile (another test on the machine may
    have raised them too; theirs wins)."""

    def __init__(self):
        self.saved = []

    def at_least(self, path, value):
        try:
            cur = read_int(path)
        except OSError:
            return
        if cur >= value:
            return
        write_int(path, value)  # a failure fails the test: no zoo
        self.saved.append((path, cur, value))
        comment("raised %s from %d to %d" % (path, cur, value))

    def restore(self):
        while self.saved:
            path, old, ours = self.saved.pop()
            try:
                if read_int(path) == ours:
                    write_int(path, old)
                    comment("restored %s to %d" % (path, old))
                else:
                    comment("%s was changed by someone else: left alone"
                            % path)
            except OSError as e:
                comment("could not restore %s to %d: %s" % (path, old, e))


def nprocs():
    return sum(1 for d in os.listdir("/proc") if d.isdigit())


def mem_available_kib():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1])
    return 0


# --------------------------------------------------------------- zoo ----

def start_zoo(exe, n, timeout):
    """nsrel-zoo --procs n, or None when it is not up in timeout seconds;
    a zoo that cannot run fails the test here."""
    try:
        return ZooRun(exe, "--procs", str(n), timeout=timeout)
    except ZooTimeout:
        return None
    except (ZooSkip, ZooError) as e:
        raise AssertionError(str(e))


# ------------------------------------------------------------- tools ----

def measure(args, argv):
    """Run argv through bench/measure with stdout to a file: its figures
    and its output, parsed as JSON when it exits 0."""
    with tempfile.NamedTemporaryFile(prefix="nsrel-scale.") as out, \
            tempfile.TemporaryFile() as err:
        p = subprocess.run([args.measure, "-t", str(TOOL_TIMEOUT),
                            "-o", out.name] + argv,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=err, timeout=TOOL_TIMEOUT + 60)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
        f = p.stdout.split()
        check(p.returncode == 0 and len(f) == 7,
              "bench/measure failed (%d): %s%s" % (
                  p.returncode, p.stdout.decode(errors="replace"), stderr))
        m = {"wall": float(f[0]), "rss": int(f[1]), "status": int(f[2]),
             "user": float(f[3]), "sys": float(f[4]), "minflt": int(f[5]),
             "syscalls": int(f[6]), "stderr": stderr.strip(),
             "size": os.path.getsize(out.name), "json": None}
        if m["status"] == 0:
            with open(out.name) as f:
                m["json"] = json.load(f)
        return m


def walk(nodes, out=None):
    """Every node of a lsuserns/lspidns JSON tree."""
    out = [] if out is None else out
    for n in nodes:
        out.append(n)
        walk(n.get("children", []), out)
        walk(n.get("owned", []), out)
    return out


def ns_of(pid, kind):
    return os.stat("/proc/%d/ns/%s" % (pid, kind)).st_ino


def expected(zoo):
    """What every tool must find: the manifest's namespaces and
    processes, and the own namespaces of the extra-ns processes."""
    m = zoo.manifest
    want_ns = {(x["type"], x["ino"]) for x in m["namespaces"]}
    pids = [x["pid"] for x in m["processes"]]
    own = {}
    host = {k: ns_of(os.getpid(), k) for k in ("uts", "ipc", "net")}
    for x in m["processes"]:
        if x["name"] != "extra-ns":
            continue
        inos = {k: ns_of(x["pid"], k) for k in ("uts", "ipc", "net")}
        check(all(inos[k] != host[k] for k in inos),
              "extra-ns %d is in a host namespace" % x["pid"])
        own[x["pid"]] = inos
    return want_ns, pids, own


def missing(want, have, what):
    lost = sorted(set(want) - set(have))
    check(not lost, "%d %s missing, e.g. %s" % (len(lost), what, lost[:5]))


def check_dumpns(r, want_ns, pids, own):
    d = r["json"]
    procs = {p["pid"]: p for p in d["processes"]}
    missing(pids, procs, "zoo processes")
    nss = {(n["type"], n["ino"]): n for n in d["namespaces"]}
    missing(want_ns, nss, "zoo namespaces")
    for pid, inos in own.items():
        for kind, ino in inos.items():
            n = nss.get((kind, ino))
            check(n is not None, "%s:[%d] of process %d missing"
                  % (kind, ino, pid))
            check(pid in n["processes"], "%s:[%d] does not list process %d"
                  % (kind, ino, pid))
            check(procs[pid]["namespaces"][kind] == ino,
                  "process %d: %s is %s, expected %d" % (
                      pid, kind, procs[pid]["namespaces"][kind], ino))
    least = len(want_ns) + 3 * len(own)
    check(len(nss) >= least, "%d namespaces, the zoo alone built %d"
          % (len(nss), least))
    return "%d namespaces, %d processes" % (len(nss), len(procs))


def check_tree(r, want_ns, pids, own, owned_too):
    nodes = walk(r["json"]["namespaces"])
    have = {(n["type"], n["ino"]) for n in nodes}
    missing(want_ns, have, "zoo namespaces")
    if owned_too:
        missing({(k, ino) for inos in own.values()
                 for k, ino in inos.items()}, have,
                "namespaces of extra-ns processes")
        least = len(want_ns) + 3 * len(own)
        check(len(have) >= least, "%d namespaces, the zoo alone built %d"
              % (len(have), least))
    seen = {ref["pid"] for n in nodes for ref in n.get("refs", [])
            if ref.get("via") == "proc"}
    missing(pids, seen, "zoo processes")
    return "%d namespaces, %d processes" % (len(have), len(seen))


# -------------------------------------------------------------- main ----

def main():
    ap = argparse.ArgumentParser()
    for o in ("zoo", "measure", "dumpns", "lsuserns", "lspidns"):
        ap.add_argument("--" + o, required=True)
    args = ap.parse_args()

    sanitized = bool(os.environ.get("NSREL_SANITIZED"))
    sizes = [10000, 50000]
    if sanitized:
        sizes = [1000, 3000]
    if os.environ.get("NSREL_SCALE_SIZES"):
        sizes = [int(x) for x in os.environ["NSREL_SCALE_SIZES"].split()]
    if os.geteuid() != 0:
        print("1..0 # SKIP not root: the zoo needs root")
        return 0
    for o in ("zoo", "measure", "dumpns", "lsuserns", "lspidns"):
        if not os.access(getattr(args, o), os.X_OK):
            print("1..0 # SKIP %s is not built" % getattr(args, o))
            return 0
    need_kib = max(sizes) * (ZOO_KIB_PER_PROC_SANITIZED if sanitized
                             else ZOO_KIB_PER_PROC)
    if mem_available_kib() < need_kib:
        print("1..0 # SKIP %d MiB available, a zoo of %d needs about %d"
              % (mem_available_kib() // 1024, max(sizes), need_kib // 1024))
        return 0
    comment("sizes %s%s; RSS bound %.0f MiB per 10,000 processes of the "
            "zoo, at least %.0f MiB" % (
                " and ".join(str(n) for n in sizes),
                (" (sanitized build: 50,000 would need about 50 GiB)"
                 if sanitized else ""),
                RSS_MIB_PER_10K, RSS_MIB_PER_10K))
    if sanitized:
        comment("sanitized build: peak RSS and the growth of system "
                "calls are printed, not checked (ASan's shadow memory and "
                "quarantine; LeakSanitizer's system calls at exit)")

    # Not asking an engine that may run on the host (another's dockerd,
    # say): loading libcurl for it costs some 8 MiB of its own (README,
    # "Engine APIs"), which is not the scan's size.
    tools = [("dumpns", [args.dumpns, "-c", "--no-engine-api"]),
             ("lsuserns -d", [args.lsuserns, "-d", "-J", "--no-engine-api"]),
             ("lspidns", [args.lspidns, "-J", "--no-engine-api"])]
    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(s, on_signal)
    limits = Limits()
    zoo = None
    figures = {}  # n -> (host processes, {tool: measure()})
    t_start = time.monotonic()
    budget = float(os.environ.get("NSREL_SCALE_BUDGET") or BUDGET)
    deadline = t_start + budget

    def busy(what):
        """A skip, with the count: on a machine made slow by others the
        zoos and the tools take longer than the budget."""
        return ("the host is too busy: %s after %.0f s (budget %.0f s, "
                "%d processes)" % (what, time.monotonic() - t_start, budget,
                                   nprocs()))
    try:
        need = nprocs() + max(sizes) + 4096
        limits.at_least("/proc/sys/kernel/pid_max", need)
        limits.at_least("/proc/sys/kernel/threads-max", 2 * need)
        for kind in ("net", "uts", "ipc"):
            limits.at_least("/proc/sys/user/max_%s_namespaces" % kind,
                            max(sizes) // 5 + 4096)
        for n in sizes:
            box = {}

            def start(n=n, box=box):
                t0 = time.monotonic()
                box["zoo"] = start_zoo(args.zoo, n, deadline - t0)
                if not box["zoo"]:
                    return busy("no zoo of %d yet" % n)
                comment("zoo of %d up in %.0f s" % (n, time.monotonic() - t0))
            try:
                run_test("zoo with %d more processes" % n, start)
            finally:
                zoo = box.get("zoo")
            if zoo is None or zoo.manifest is None:
                break
            want_ns, pids, own = expected(zoo)
            procs = nprocs()
            res = {}
            figures[n] = (procs, res)
            for name, argv in tools:
                def one(name=name, argv=argv):
                    if time.monotonic() > deadline:
                        return busy("%s not run" % name)
                    r = measure(args, argv)
                    res[name] = r
                    comment("%s at %d processes: %.2f s wall, %.2f s user, "
                            "%.2f s sys, peak RSS %.1f MiB, %d minor "
                            "faults, %d syscalls, %.1f MB of JSON" % (
                                name, procs, r["wall"], r["user"], r["sys"],
                                r["rss"] / 1024, r["minflt"], r["syscalls"],
                                r["size"] / 1e6))
                    check(r["status"] == 0, "%s exited %d: %s" % (
                        name, r["status"], r["stderr"][-500:]))
                    if name == "dumpns":
                        what = check_dumpns(r, want_ns, pids, own)
                    else:
                        pid_only = {x for x in want_ns if x[0] == "pid"}
                        what = check_tree(
                            r, want_ns if name != "lspidns" else pid_only,
                            pids, own, name != "lspidns")
                    comment("%s found %s" % (name, what))
                    r["json"] = None  # hundreds of MB in Python objects
                run_test("%s complete at %d" % (name, n), one)

            def rss(n=n, res=res):
                bound = RSS_MIB_PER_10K * max(1.0, n / 10000)
                got = {k: r["rss"] / 1024 for k, r in res.items()}
                comment("peak RSS at %d: %s; bound %.0f MiB" % (n, ", ".join(
                    "%s %.1f MiB" % kv for kv in got.items()), bound))
                if len(got) < len(tools) and time.monotonic() > deadline:
                    return busy("not every tool ran")
                check(len(got) == len(tools), "a tool did not run")
                if sanitized:
                    return "sanitized build: RSS not comparable"
                over = {k: v for k, v in got.items() if v > bound}
                check(not over, "over %.0f MiB: %s" % (bound, over))
            run_test("peak RSS within %.0f MiB at %d" % (
                RSS_MIB_PER_10K * max(1.0, n / 10000), n), rss)
            zoo.stop()
            zoo = None

        if len(figures) < 2 and time.monotonic() > deadline:
            for name, _ in tools:
                run_test("%s: no quadratic step" % name,
                         lambda: busy("not both sizes measured"))
        if len(figures) >= 2:
            (n1, (p1, r1)), (n2, (p2, r2)) = sorted(figures.items())[:2]
            grow = p2 / p1
            comment("from %d to %d host processes (%.2f x):" % (p1, p2, grow))
            for name, _ in tools:
                def linear(name=name):
                    a, b = r1.get(name), r2.get(name)
                    if not (a and b) and time.monotonic() > deadline:
                        return busy("%s not run at both sizes" % name)
                    check(a and b, "%s did not run at both sizes" % name)
                    per = {k: (b[k] / a[k]) / grow if a[k] > 0 else None
                           for k in ("syscalls", "minflt", "rss", "wall",
                                     "user", "sys")}
                    comment("%s per process, large over small: syscalls "
                            "%s, minor faults %.2f, peak RSS %.2f; wall "
                            "%.2f, user %.2f, sys %.2f (times not checked)"
                            % (name, "%.3f" % per["syscalls"]
                               if b["syscalls"] >= 0 else "-",
                               per["minflt"], per["rss"],
                               per["wall"] or 0, per["user"] or 0,
                               per["sys"] or 0))
                    check(per["minflt"] <= FAULT_GROWTH_MAX,
                          "minor faults per process grew %.2f x (> %.2f)"
                          % (per["minflt"], FAULT_GROWTH_MAX))
                    check(per["rss"] <= FAULT_GROWTH_MAX,
                          "peak RSS per process grew %.2f x (> %.2f)"
                          % (per["rss"], FAULT_GROWTH_MAX))
                    if sanitized:
                        return ("sanitized build: faults and RSS "
                                "checked, system calls not (LeakSanitizer's "
                                "check at exit makes a number of its own "
                                "that varies from run to run)")
                    if a["syscalls"] < 0 or b["syscalls"] < 0:
                        return ("system calls not counted here (no perf "
                                "tracepoints); faults and RSS checked")
                    check(per["syscalls"] <= SYSCALL_GROWTH_MAX,
                          "system calls per process grew %.2f x (> %.2f)"
                          % (per["syscalls"], SYSCALL_GROWTH_MAX))
                run_test("%s: no quadratic step from %d to %d"
                         % (name, n1, n2), linear)
    except Stop as e:
        fail("stopped by %s" % e, "")
    finally:
        if zoo:
            zoo.stop()
        limits.restore()
        comment("scale test took %.0f s" % (time.monotonic() - t_start))
        plan()
    return 0


if __name__ == "__main__":
    sys.exit(main())
