#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Docker: a dockerd of the test's own (tests/lib/engines_docker.py), two
containers of a busybox image imported from a tarball, one with a name,
one with compose labels; the engine API step asked about them, and about
sockets that fail: the daemon stopped, a listener that never answers, a
FIFO, a regular file, an answer too large. Speaks TAP.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines_docker as eng  # noqa: E402
from enginecheck import add_tool_args, check_tools, tool_env, tools  # noqa: E402
from tap import check, plan, run_test  # noqa: E402

# The deadline is 500 ms; a step that keeps to it ends well within this on
# a busy machine, and one that does not never ends (the socket never
# answers).
DEADLINE_SLACK_S = 3.0


def query(args, *extra):
    r = subprocess.run([args.engine_query] + list(extra),
                       capture_output=True, text=True, timeout=600)
    check(r.returncode == 0, "engine-query %s: %d %s"
          % (" ".join(extra), r.returncode, r.stderr))
    return json.loads(r.stdout)


def by_id(answer):
    return {c["id"]: c for c in answer["containers"]}




def check_model(got, cid, pid, name, project):
    """The scan's container cid: engine docker, its init pid, name and
    project as given (None: not known), and every namespace of its own."""
    check(cid in got, "container %s not in the model (%s)"
          % (cid[:12], sorted(k[:12] for k in got)))
    c = got[cid]
    check(c["engine"] == "docker", "engine %r" % c["engine"])
    check(c["init"] == pid, "init %r, docker says %d" % (c["init"], pid))
    check(c["name"] == name, "name %r, want %r" % (c["name"], name))
    check(c["project"] == project, "project %r, want %r"
          % (c["project"], project))
    want = eng.own_namespaces(pid)
    check(len(want) >= 5, "the container has only %r of its own" % want)
    missing = [n for n in want if n not in c["namespaces"]]
    check(not missing, "namespaces not attributed: %r" % missing)


class Hanging:
    """A unix socket that accepts connections and never answers."""

    def __init__(self, path):
        self.path = path
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.bind(path)
        self.s.listen(16)

    def close(self):
        self.s.close()
        os.unlink(self.path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine-query", required=True)
    add_tool_args(ap)
    args = ap.parse_args()
    return eng.run_as_root_test("dockerd", run, args)


def run(args, tmp):
    bb = os.path.join(tmp, "bb.tar")
    eng.bb_rootfs_tar(bb)
    with eng.Dockerd() as d:
        d.docker("import", bb, "nsrel-bb:latest")
        named, named_pid = d.run("--name", "nsrel-named", "nsrel-bb",
                                 "/bin/busybox", "sleep", "600")
        comp, comp_pid = d.run(
            "--label", "com.docker.compose.project=nsrel-proj",
            "--label", "com.docker.compose.service=web",
            "nsrel-bb", "/bin/busybox", "sleep", "600")
        comp_name = d.docker("inspect", "-f", "{{.Name}}", comp)[1:]
        cases = [(named, named_pid, "nsrel-named", None),
                 (comp, comp_pid, comp_name, "nsrel-proj")]
        hang = Hanging(os.path.join(tmp, "hang.sock"))
        try:
            tests(args, tmp, d, hang, named, named_pid, comp, comp_pid)
            run_test("docker: the scan names both containers and gives "
                     "them every namespace of theirs",
                     t_scan, args, d.sock, cases, True)
            run_test("docker: a socket that never answers: the scan ends "
                     "in time, engine and id from the cgroup, one warning",
                     t_scan, args, hang.path, cases, False)
            run_test("docker: every tool says a silent socket once on "
                     "stderr, and nothing of an answering one",
                     t_tools_warning, args, tmp, hang.path, d.sock)
            run_test("docker: Python scan(engine_socket=): "
                     "Model.engine_warning", t_python, hang.path, d.sock)
            run_test("docker: lsuserns -d, lspidns, dumpns and graphns name "
                     "both containers beside every namespace of theirs",
                     t_tools_names, args, tmp, d.sock, cases, True)
        finally:
            hang.close()
        sock = d.sock
        d.kill_daemon()
        run_test("docker: the daemon gone (socket too): no warning, nothing "
                 "listed", t_stopped, args, sock)
        run_test("docker: the daemon gone: the scan still has both "
                 "containers, engine and id from the cgroup",
                 t_scan, args, sock, cases, False)
        run_test("docker: the daemon gone: the tools show engine and "
                 "short id, no name", t_tools_names, args, tmp, sock,
                 cases, False)
    return plan()


def tests(args, tmp, d, hang, named, named_pid, comp, comp_pid):
    def t_list():
        a = query(args, d.sock)
        check(a["warning"] is None, "warning: %r" % a["warning"])
        got = by_id(a)
        check(named in got and comp in got,
              "%s and %s not among %s" % (named, comp, sorted(got)))
        n, c = got[named], got[comp]
        check(n["engine"] == "docker" and c["engine"] == "docker",
              "engines %r %r" % (n["engine"], c["engine"]))
        check(n["name"] == "nsrel-named", "name %r" % n["name"])
        check(n["project"] is None and n["service"] is None,
              "labels of the named one: %r" % n)
        check(c["project"] == "nsrel-proj" and c["service"] == "web",
              "compose labels %r %r" % (c["project"], c["service"]))
        check(c["name"], "the compose one has the name docker gave it")
        check(n["pid"] == 0 and c["pid"] == 0,
              "init pids asked for without want_pid")

    def t_pid():
        got = by_id(query(args, "-p", d.sock))
        check(got[named]["pid"] == named_pid,
              "pid %d, docker says %d" % (got[named]["pid"], named_pid))
        check(got[comp]["pid"] == comp_pid,
              "pid %d, docker says %d" % (got[comp]["pid"], comp_pid))

    def t_same_socket_twice():
        link = os.path.join(tmp, "link.sock")
        os.symlink(d.sock, link)
        try:
            a = query(args, d.sock, link)
        finally:
            os.unlink(link)
        ids = [c["id"] for c in a["containers"]]
        check(ids.count(named) == 1, "listed %d times" % ids.count(named))

    def t_hanging():
        t0 = time.monotonic()
        a = query(args, hang.path, d.sock)
        took = time.monotonic() - t0
        check(took < DEADLINE_SLACK_S, "took %.2f s" % took)
        check(a["ms"] >= 450, "gave up after %.0f ms, before the deadline"
              % a["ms"])
        w = a["warning"] or ""
        check(hang.path in w and "no answer within 500 ms" in w,
              "warning %r" % w)
        check(d.sock not in w, "the good socket warned: %r" % w)
        check(w.count("engine API") == 1, "reported %d times: %r"
              % (w.count("engine API"), w))
        # Asked at once, not one after the other: the good socket's
        # containers are there, the deadline spent on the bad one.
        check(named in by_id(a), "the answering daemon's containers lost")

    def t_not_sockets():
        fifo = os.path.join(tmp, "fifo.sock")
        reg = os.path.join(tmp, "file.sock")
        os.mkfifo(fifo)
        with open(reg, "w") as f:
            f.write("HTTP/1.1 200 OK\r\n\r\n[]")
        t0 = time.monotonic()
        a = query(args, fifo, reg, d.sock)
        took = time.monotonic() - t0
        check(took < DEADLINE_SLACK_S, "took %.2f s" % took)
        w = a["warning"] or ""
        check("%s: not a socket" % fifo in w and
              "%s: not a socket" % reg in w, "warning %r" % w)
        check(named in by_id(a), "the daemon's containers lost")

    def t_stale():
        stale = os.path.join(tmp, "stale.sock")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(stale)
        s.close()
        a = query(args, stale)
        w = a["warning"] or ""
        check("%s: cannot connect" % stale in w, "warning %r" % w)
        check(a["ms"] < 400, "a refused connection waited %.0f ms" % a["ms"])

    def t_too_big():
        a = query(args, "-m", "64", d.sock)
        w = a["warning"] or ""
        check("larger than 64 bytes" in w, "warning %r" % w)

    run_test("docker: containers listed with id, name, compose labels",
             t_list)
    run_test("docker: init pids, where asked for", t_pid)
    run_test("docker: the same socket by two paths is asked once",
             t_same_socket_twice)
    run_test("docker: a socket that never answers costs the deadline, "
             "is reported once, the others still answer", t_hanging)
    run_test("docker: a FIFO and a file at a socket path are not connected",
             t_not_sockets)
    run_test("docker: a socket no one listens on is refused at once",
             t_stale)
    run_test("docker: an answer larger than the limit is refused", t_too_big)


def t_tools_warning(args, tmp, hang, good):
    for t, argv in tools(args):
        for sock, silent in ((hang, False), (good, True)):
            cmd = list(argv)
            if cmd[-1] == "-o":
                cmd.append(os.path.join(tmp, "g.dot"))
            cmd.append("--engine-socket=" + sock)
            r = subprocess.run(cmd, capture_output=True, text=True,
                               timeout=600, env=tool_env(cmd))
            check(r.returncode == 0, "%s: exit %d: %s"
                  % (" ".join(cmd), r.returncode, r.stderr))
            lines = [x for x in r.stderr.splitlines() if "engine API" in x]
            if silent:
                check(not lines, "%s said %r" % (t, lines))
            else:
                want = "%s: engine API %s: no answer within 500 ms" % (t, hang)
                check(lines == [want], "%s said %r, not %r"
                      % (t, lines, want))


def t_tools_names(args, tmp, sock, cases, answers):
    """Each case (id, pid, name, project) in every tool's output; names
    and projects only where the engine answers."""
    opt = "--engine-socket=" + sock
    check_tools(args, tmp, opt, "docker",
                [(cid, pid, name if answers else None,
                  project if answers else None)
                 for cid, pid, name, project in cases])


def t_python(hang, good):
    # A sanitized module needs the sanitizers' runtime preloaded into this
    # interpreter: the sanitized run checks the library and the tools, the
    # plain run Python.
    if os.environ.get("NSREL_SANITIZED"):
        return "the sanitized build's module cannot load in this interpreter"
    mod = None
    root = os.environ.get("NSREL_BUILD_ROOT")
    pydir = os.path.join(root, "python") if root else None
    if not pydir or not os.path.isdir(pydir):
        return "the Python module is not built"
    sys.path.insert(0, pydir)
    try:
        import linuxns_rel as mod
    except ImportError as e:
        return "cannot import linuxns_rel: %s" % e
    finally:
        sys.path.remove(pydir)
    w = mod.scan(engine_socket=hang).engine_warning
    check(w == "engine API %s: no answer within 500 ms" % hang,
          "engine_warning %r" % w)
    w = mod.scan(engine_socket=good).engine_warning
    check(w is None, "engine_warning %r" % w)


def t_stopped(args, sock):
    check(not os.path.exists(sock), "the socket is still there")
    a = query(args, sock)
    check(a["warning"] is None and a["containers"] == [],
          "after stop: %r" % a)


def t_scan(args, sock, cases, answers):
    """nsrel_scan() with the engine API on sock: each case (id, pid, name,
    project) found; names and projects only if the socket answers."""
    t0 = time.monotonic()
    a = query(args, "-s", sock)
    took = time.monotonic() - t0
    got = by_id(a)
    for cid, pid, name, project in cases:
        check_model(got, cid, pid, name if answers else None,
                    project if answers else None)
    w = a["warning"]
    if answers or not os.path.exists(sock):
        check(w is None, "warning %r" % w)
    else:
        check(w and w.count("engine API") == 1 and sock in w,
              "warning %r" % w)
        # The scan alone takes seconds on a busy host; the engine step
        # adds its deadline at most.
        check(took < a["ms"] / 1e3 + DEADLINE_SLACK_S, "took %.2f s" % took)


if __name__ == "__main__":
    sys.exit(main())
