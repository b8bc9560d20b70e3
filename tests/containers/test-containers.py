#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Containers named in every view, with real engines: podman rootful (a
named container, one with --uidmap, a pod), podman rootless as a user the
test creates, and a runc container from a hand-made bundle carrying a
Kubernetes pod's annotations (a hostile container name among them). For
each container the test created: every namespace of its init that is not
the host's is attributed to it (engine, id, name; pod) in the library
(ctr-dump), Python scan(), lsuserns -d, lspidns, dumpns and graphns -o
.dot. Speaks TAP.

    test-containers.py --build BUILD_DIR [--only podman|rootless|runc]
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import engines_docker  # noqa: E402
import engines_podman as pm  # noqa: E402
from tap import check, plan, run_test  # noqa: E402

# A name with one of everything each output must escape (tests/lib/hostile.h
# without its invalid UTF-8, which a JSON annotation cannot hold), and its
# text escape, written by hand.
HOSTILE = ("\x1b[31m\u202e\u009b\x7f\n\u200bevil\x01\t\u2028"
           "&#10;user:[1]&#10;&amp; \"quoted\" 'single' \\N \\ name")
HOSTILE_TEXT = ("\\e[31m\\u202e\\u009b\\x7f\\n\\u200bevil\\x01\\t"
                "\\u2028&#10;user:[1]&#10;&amp; \\\"quoted\\\" 'single' "
                "\\\\N \\\\ name")

TYPES = ("mnt", "cgroup", "uts", "ipc", "user", "pid", "net", "time")
ARGS = None


def ns_of(pid):
    """type -> "type:ino" of the process's own namespaces."""
    out = {}
    for t in TYPES:
        try:
            link = os.readlink("/proc/%d/ns/%s" % (pid, t))
        except OSError:
            continue
        out[t] = "%s:%s" % (t, link.split("[")[1].rstrip("]"))
    return out


def own_ns(pid):
    """The namespaces of pid that are not the test's own: the
    container's."""
    host = ns_of(os.getpid())
    return {t: v for t, v in ns_of(pid).items() if host.get(t) != v}


def tool(name, *args):
    path = os.path.join(ARGS.build, "tools", name)
    r = subprocess.run([path] + list(args), capture_output=True, timeout=300)
    check(r.returncode == 0, "%s %s: exit %d: %s" % (
        name, " ".join(args), r.returncode,
        r.stderr.decode(errors="replace")[-500:]))
    return r.stdout.decode("utf-8", errors="surrogateescape")


def ctr_dump():
    r = subprocess.run([os.path.join(ARGS.build, "tests", "containers",
                                     "ctr-dump")],
                       capture_output=True, timeout=300)
    check(r.returncode == 0, "ctr-dump: %s" % r.stderr)
    return json.loads(r.stdout.decode(errors="surrogateescape"))


def check_library(expected):
    """ctr-dump: the container by id, its engine, name, pod, init, and
    the leader of each of its own namespaces is in it."""
    d = ctr_dump()
    by_id = {c["id"]: c for c in d["containers"]}
    for e in expected:
        c = by_id.get(e["id"])
        check(c is not None, "container %s not in the library's model: %s"
              % (e["id"], [(x["engine"], x["id"]) for x in d["containers"]]))
        for k in ("engine", "name", "pod_name", "pod_namespace", "pod_uid",
                  "project"):
            if k in e:
                check(c[k] == e[k], "%s: %s %r, expected %r"
                      % (e["id"][:12], k, c[k], e[k]))
        check(c["short_id"] == e["id"][:12], "short id %r" % c["short_id"])
        check(c["init"] == e["pid"], "%s: init %d, expected %d"
              % (e["id"][:12], c["init"], e["pid"]))
        check(e["pid"] in c["processes"], "init not among its processes")
        for t, ns in own_ns(e["pid"]).items():
            check(ns in c["namespaces"], "%s: %s not among its namespaces"
                  % (e["id"][:12], ns))
            lead = d["leaders"].get(ns)
            want = e.get("holders", {}).get(t, e["id"])
            check(lead and lead["container"] == want,
                  "%s: %s led by %r, expected a process of %s"
                  % (e["id"][:12], ns, lead, want and want[:12]))


NSTYPE = {"mnt": 0x00020000, "cgroup": 0x02000000, "uts": 0x04000000,
          "ipc": 0x08000000, "user": 0x10000000, "pid": 0x20000000,
          "net": 0x40000000, "time": 0x00000080}


def holder_text(expected, e, t):
    """The words a tool shows for the holder of e's namespace of type t:
    its container's, or None where the holder is in no container."""
    want = e.get("holders", {}).get(t, e["id"])
    if want is None:
        return None
    return [x for x in expected if x["id"] == want][0]["text"]


def ns_key(ns):
    t, ino = ns.split(":")
    return "%s:[%s]" % (t, ino)


def check_python(expected):
    # A sanitized build's module needs the sanitizers' runtime preloaded
    # into Python: the sanitized run checks the library and the tools, the
    # plain run Python.
    if os.environ.get("NSREL_SANITIZED"):
        return
    sys.path.insert(0, os.path.join(ARGS.build, "python"))
    import linuxns_rel
    m = linuxns_rel.scan()
    by_id = {c.id: c for c in m.containers}
    for e in expected:
        c = by_id.get(e["id"])
        check(c is not None, "scan(): no container %s" % e["id"][:12])
        check(c.engine == e["engine"], "scan(): engine %r" % c.engine)
        check(c.short_id == e["id"][:12], "scan(): short_id")
        for k in ("name", "pod_name", "pod_namespace", "pod_uid",
                  "project"):
            if k in e:
                check(getattr(c, k) == e[k], "scan(): %s %r, expected %r"
                      % (k, getattr(c, k), e[k]))
        check(c.init is not None and c.init.pid == e["pid"],
              "scan(): init %r" % c.init)
        check(c.init.container is c, "scan(): init's container")
        for t, ns in own_ns(e["pid"]).items():
            n = m.find(NSTYPE[t], int(ns.split(":")[1]))
            check(n is not None and n in c.namespaces,
                  "scan(): %s not among the container's" % ns)
            want = e.get("holders", {}).get(t, e["id"])
            got = n.leader.container.id if n.leader.container else None
            check(got == want, "scan(): %s led by %r" % (ns, n.leader))


def check_lines(out, expected, types, what):
    """Every own namespace of each container (of types) is on a line of
    out that names its holder's container."""
    check("\x1b" not in out, what + ": a raw ESC")
    lines = out.splitlines()
    for e in expected:
        for t, ns in own_ns(e["pid"]).items():
            if t not in types:
                continue
            key = ns_key(ns)
            found = [ln for ln in lines if key + " " in ln]
            check(len(found) == 1, "%s: %d lines with %s" % (
                what, len(found), key))
            text = holder_text(expected, e, t)
            if text is None:
                check(" container " not in found[0],
                      "%s: %s: %r" % (what, key, found[0]))
            else:
                check(text in found[0], "%s: %s: %r, expected %r"
                      % (what, key, found[0], text))


def check_filter(expected):
    """--container by id, name and id prefix: the container's namespaces,
    none of the other containers' own ones."""
    for e in expected:
        mine = set(ns_key(x) for x in own_ns(e["pid"]).values())
        others = set()
        for x in expected:
            if x is not e:
                others |= set(ns_key(y) for y in own_ns(x["pid"]).values())
        others -= mine
        args = [e["id"], e["id"][:12]]
        if e.get("name") and "\n" not in e["name"]:
            args.append(e["name"])
        for a in args:
            out = tool("lsuserns", "-d", "--color=never", "--container", a)
            for k in mine:
                check(k + " " in out, "lsuserns --container %s: no %s"
                      % (a[:12], k))
            for k in others:
                check(k + " " not in out, "lsuserns --container %s: %s"
                      % (a[:12], k))
            out = tool("lspidns", "--color=never", "--container", a)
            pid = [k for k in mine if k.startswith("pid:")]
            for k in pid:
                check(k + " " in out, "lspidns --container: no %s" % k)
    path = os.path.join(ARGS.build, "tools", "lsuserns")
    r = subprocess.run([path, "--container", "nsrel-no-such-container"],
                       capture_output=True, text=True)
    check(r.returncode == 1 and "no container" in r.stderr,
          "--container of none: %d %r" % (r.returncode, r.stderr))


def lsallns_text(e):
    """The CONTAINER cell of lsallns for container e."""
    if e.get("pod_name"):
        ns = (e["pod_namespace"] + "/") if e.get("pod_namespace") else ""
        name = HOSTILE_TEXT.join(e["name"].split(HOSTILE)) \
            if HOSTILE in e["name"] else e["name"]
        return "kubernetes:%s%s/%s" % (ns, e["pod_name"], name)
    return "%s:%s" % (e["engine"], e.get("name") or e["id"][:12])


def check_lsallns(expected):
    """lsallns -p INIT: CONTAINER of every row the container's init speaks
    for, and of no row of the test's own namespaces."""
    for e in expected:
        rows = json.loads(tool("lsallns", "-J", "-l", "-p", str(e["pid"]),
                               "-o", "NS,TYPE,PID,CONTAINER"))["namespaces"]
        mine = {k.split(":")[0]: int(k.split(":")[1])
                for k in own_ns(e["pid"]).values()}
        seen = 0
        for r in rows:
            if r["pid"] == e["pid"]:
                check(r["container"] == lsallns_text(e),
                      "lsallns -p %d: %s:[%d] CONTAINER %r, want %r" % (
                          e["pid"], r["type"], r["ns"], r["container"],
                          lsallns_text(e)))
                seen += r["type"] in mine and mine[r["type"]] == r["ns"]
        check(seen or not mine, "lsallns -p %d: no row of its own" % e["pid"])
    rows = json.loads(tool("lsallns", "-J", "-l", "-p", str(os.getpid()),
                           "-o", "NS,CONTAINER"))["namespaces"]
    check(all(r["container"] is None for r in rows),
          "lsallns -p (the test): a container %r" % rows)


def check_dumpns(expected):
    d = json.loads(tool("dumpns", "-c"))
    by_id = {c["id"]: c for c in d["containers"]}
    procs = {p["pid"]: p for p in d["processes"]}
    for e in expected:
        c = by_id.get(e["id"])
        check(c is not None, "dumpns: no container %s" % e["id"][:12])
        check(c["engine"] == e["engine"] and c["init"] == e["pid"] and
              c["short_id"] == e["id"][:12], "dumpns: %r" % c)
        if "name" in e:
            check(c["name"] == e["name"], "dumpns: name %r" % c["name"])
        if e.get("pod_name"):
            check(c["pod"] == {"name": e["pod_name"],
                               "namespace": e["pod_namespace"],
                               "uid": e["pod_uid"]},
                  "dumpns: pod %r" % c["pod"])
        check(procs[e["pid"]]["container"] == e["id"],
              "dumpns: process %d container %r"
              % (e["pid"], procs[e["pid"]]["container"]))
        for t, ns in own_ns(e["pid"]).items():
            check(int(ns.split(":")[1]) in c["namespaces"].get(t, []),
                  "dumpns: %s not among the container's" % ns)


def check_graphns(expected):
    path = os.path.join(ARGS.build, "tools", "graphns", "graphns")
    if not os.path.exists(path):
        return
    with tempfile.TemporaryDirectory() as d:
        dot = os.path.join(d, "g.dot")
        # -g 0: every namespace a node of its own, however many of a type
        # an owner has. Graphviz's and fontconfig's caches live until exit: the leak
        # checker of a sanitized build is told so (tests/graphns).
        supp = os.path.join(HERE, "..", "graphns", "lsan.supp")
        old = os.environ.get("LSAN_OPTIONS")
        env = dict(os.environ, LSAN_OPTIONS=(old + ":" if old else "") +
                   "suppressions=" + os.path.abspath(supp))
        r = subprocess.run([path, "-d", "-g", "0", "-o", dot],
                           capture_output=True,
                           timeout=300, env=env)
        check(r.returncode == 0, "graphns: %r" % r.stderr[-300:])
        with open(dot, encoding="utf-8", errors="surrogateescape") as f:
            # cgraph continues long lines with a backslash-newline
            text = f.read().replace("\\\n", "")
    check("\x1b" not in text, "graphns: a raw ESC in the DOT")
    # A node's label may be cut short; its tooltip, where it has one, is
    # the whole label.
    lines = text.splitlines()
    labels = [ln for ln in lines if "tooltip=" in ln] or \
        [ln for ln in lines if "label=" in ln]
    for e in expected:
        for t, ns in own_ns(e["pid"]).items():
            key = ns_key(ns)
            found = [ln for ln in labels if key + '"' in ln]
            check(len(found) == 1, "graphns: %d labels (tooltips) with %s"
                  % (len(found), key))
            want = e.get("holders", {}).get(t, e["id"])
            if want is None:
                check(" container " not in found[0],
                      "graphns: %s: %r" % (key, found[0]))
            else:
                check("(%s)" % want[:12] in found[0],
                      "graphns: %s: %r, expected %s" % (key, found[0],
                                                        want[:12]))


def run_case(expected):
    check_library(expected)
    check_python(expected)
    check_lines(tool("lsuserns", "-d", "--color=never"), expected, TYPES,
                "lsuserns -d")
    check_lines(tool("lspidns", "--color=never"), expected, ("pid",),
                "lspidns")
    check_dumpns(expected)
    check_graphns(expected)
    check_filter(expected)
    check_lsallns(expected)


def case_podman():
    engines_docker.install_signal_handlers()
    with pm.Podman() as p:
        cid, pid = p.run("--name", "nsrel-c1")
        uid_cid, uid_pid = p.run("--name", "nsrel-uidmap",
                                 "--uidmap", "0:200000:65536",
                                 "--gidmap", "0:200000:65536")
        exp = [
            dict(id=cid, pid=pid, engine="podman", name="nsrel-c1",
                 pod_name=None, project=None,
                 text='in podman container "nsrel-c1" (%s)' % cid[:12]),
            dict(id=uid_cid, pid=uid_pid, engine="podman",
                 name="nsrel-uidmap",
                 text='in podman container "nsrel-uidmap" (%s)'
                 % uid_cid[:12]),
        ]
        check("user" in own_ns(uid_pid), "--uidmap made no user namespace")
        run_case(exp)


def case_podman_pod():
    with pm.Podman() as p:
        r = p.podman("pod", "create", "--name", "nsrel-pod", "--network",
                     "none", check=False)
        if r.returncode != 0:
            return "podman pod create: " + r.stderr.strip()[-200:]
        pod_id = r.stdout.strip().splitlines()[-1]
        try:
            cid, pid = p.run("--pod", "nsrel-pod", "--name", "nsrel-inpod",
                             network=None)
        except AssertionError as e:
            return "the pod's infra container cannot start here: %s" % e
        infra = p.podman("pod", "inspect", "-f", "{{.InfraContainerID}}",
                         "nsrel-pod").stdout.strip()
        ipid = p.pid(infra)
        # The pod's shared namespaces are the infra container's.
        shared = {t: infra for t in ("uts", "ipc", "net")}
        exp = [
            dict(id=cid, pid=pid, engine="podman", name="nsrel-inpod",
                 project=pod_id, holders=shared,
                 text='in podman pod %s container "nsrel-inpod" (%s)'
                 % (pod_id[:12], cid[:12])),
            dict(id=infra, pid=ipid, engine="podman",
                 name=pod_id[:12] + "-infra", project=pod_id,
                 text='in podman pod %s container "%s-infra" (%s)'
                 % (pod_id[:12], pod_id[:12], infra[:12])),
        ]
        run_case(exp)


def case_rootless():
    with pm.Podman(rootless=True) as p:
        try:
            cid, pid = p.run("--name", "nsrel-rl")
        except AssertionError as e:
            return "rootless podman cannot run a container here: %s" % e
        exp = [dict(id=cid, pid=pid, engine="podman", name="nsrel-rl",
                    holders={"user": None},
                    text='in podman container "nsrel-rl" (%s)' % cid[:12])]
        # The user namespace is the rootless podman's, shared by all of
        # the user's containers and held by its pause process.
        run_case(exp)


def case_runc():
    pod_uid = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
    name = "nginx" + HOSTILE
    cid = secrets.token_hex(32)
    ann = {
        "io.kubernetes.cri.container-type": "container",
        "io.kubernetes.cri.container-name": name,
        "io.kubernetes.cri.sandbox-name": "web-0",
        "io.kubernetes.cri.sandbox-namespace": "default",
        "io.kubernetes.cri.sandbox-uid": pod_uid,
        "io.kubernetes.cri.sandbox-id": secrets.token_hex(32),
    }
    path = "/kubepods/besteffort/pod%s/%s" % (pod_uid, cid)
    with pm.RuncBundle(ann, path, cid) as b:
        exp = [dict(id=cid, pid=b.pid, engine="kubernetes", name=name,
                    pod_name="web-0", pod_namespace="default",
                    pod_uid=pod_uid,
                    text='in kubernetes pod "default/web-0" container '
                    '"nginx%s" (%s)' % (HOSTILE_TEXT, cid[:12]))]
        run_case(exp)


def case_bwrap():
    """A bubblewrap sandbox: its namespaces are held by the sandboxed
    program, not by bwrap (the outer one, or the inner one that is PID 1
    of the sandbox's PID namespace)."""
    import shutil
    import time
    if not shutil.which("bwrap"):
        return "bwrap (bubblewrap) is not installed"
    tag = "nsrelbw" + secrets.token_hex(4)
    # --die-with-parent: the sandbox (a PID namespace of its own) goes
    # with the bwrap killed below, not 600 s later.
    p = subprocess.Popen(["bwrap", "--unshare-all", "--die-with-parent",
                          "--dev-bind", "/", "/", "--", "bash", "-c",
                          "exec -a %s sleep 600" % tag],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    try:
        payload = None
        deadline = time.monotonic() + 20
        while payload is None and time.monotonic() < deadline:
            if p.poll() is not None:
                return "bwrap cannot run here: %s" % p.stderr.read()[-200:]
            for d in os.listdir("/proc"):
                try:
                    with open("/proc/%s/cmdline" % d, "rb") as f:
                        if f.read().split(b"\0")[0] == tag.encode():
                            payload = int(d)
                except OSError:
                    pass
            time.sleep(0.05)
        check(payload is not None, "the sandboxed sleep never started")
        mine = own_ns(payload)
        check("pid" in mine and "user" in mine, "bwrap made no user or PID "
              "namespace: %r" % mine)
        d = ctr_dump()
        for t, ns in mine.items():
            lead = d["leaders"].get(ns)
            check(lead and lead["pid"] == payload,
                  "%s led by %r, not the sandboxed program %d"
                  % (ns, lead, payload))
        out = tool("lsuserns", "-d", "--color=never")
        for t, ns in mine.items():
            found = [ln for ln in out.splitlines() if ns_key(ns) + " " in ln]
            check(len(found) == 1 and '(%d)"' % payload in found[0],
                  "lsuserns -d: %s: %r" % (ns, found))
    finally:
        p.kill()
        p.wait()


CASES = {
    "podman": [("podman rootful: a named container, --uidmap", case_podman),
               ("podman rootful: a pod", case_podman_pod)],
    "rootless": [("podman rootless, as a user of the test's own",
                  case_rootless)],
    "runc": [("runc: a bundle with a Kubernetes pod's annotations",
              case_runc)],
    "bwrap": [("bwrap: a sandbox is held by its program, not bwrap",
               case_bwrap)],
}


def skipped(fn):
    def wrapper():
        try:
            return fn()
        except engines_docker.Skip as e:
            return str(e)
    return wrapper


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--only", choices=sorted(CASES))
    ARGS = ap.parse_args()
    engines_docker.install_signal_handlers()
    todo = [c for k in sorted(CASES) if not ARGS.only or k == ARGS.only
            for c in CASES[k]]
    for name, fn in todo:
        if os.geteuid() != 0:
            run_test(name, lambda: "needs root")
        else:
            run_test(name, skipped(fn))
    return plan()


if __name__ == "__main__":
    sys.exit(main())
