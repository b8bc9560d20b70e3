#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The tools unprivileged and confined: what each may see, and what it says.

Runs lsuserns, lspidns, dumpns (and graphns -T dot, when built) in five
settings, each set up with util-linux tools and argument lists only, never
a shell:

  nobody        setpriv --reuid=nobody --regid=nogroup --clear-groups
  userns-nobody the same, then unshare --user --map-root-user
  userns-root   unshare --user (as root, no mapping: the tool is overflow uid)
  pidns         unshare --pid --fork --mount-proc
  pidns-hostproc unshare --pid --fork: the /proc of an ancestor (the host's),
                which every tool must say it read
  hidepid       unshare --mount, mount -t proc -o hidepid=2 proc /proc, then
                setpriv as nobody (this script re-executes itself for the
                mount step, so that no shell is involved)

Two fixtures give each setting something to see or not to see: NOBODY, a
process of nobody in a user namespace of its own, and ROOT, a process of
root in a user namespace of its own. Every run must exit 0, show the view
the setting allows (checked against inode numbers read as root), and say on
stderr what it could not see. Speaks TAP; Python standard library only.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from tap import check, results, run_test  # noqa: E402

INIT_USER = 0xEFFFFFFD  # include/linux/proc_ns.h
INIT_PID = 0xEFFFFFFC
TYPES = ("mnt", "cgroup", "uts", "ipc", "user", "pid", "net", "time")
NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
          "--inh-caps=-all", "--"]


def ns_ino(pid, t):
    return os.stat("/proc/%s/ns/%s" % (pid, t)).st_ino


# ------------------------------------------------------------ fixtures ----


def start_sleeper(pre):
    """A sleep(1) that has unshared its user namespace; (Popen, user ino)."""
    mine = ns_ino("self", "user")
    p = subprocess.Popen(pre + ["unshare", "--user", "--map-root-user",
                                "--", "sleep", "600"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with open("/proc/%d/comm" % p.pid) as f:
                comm = f.read().strip()
            ino = ns_ino(p.pid, "user")
        except OSError:
            comm, ino = "", mine
        if comm == "sleep" and ino != mine:
            return p, ino
        check(p.poll() is None, "fixture exited %r" % p.returncode)
        time.sleep(0.02)
    p.kill()
    p.wait()
    raise AssertionError("fixture did not start")


class Fixtures:
    def __init__(self):
        self.nobody, self.nobody_user = start_sleeper(NOBODY)
        try:
            self.root, self.root_user = start_sleeper([])
        except BaseException:
            self.stop()
            raise

    def stop(self):
        for p in (getattr(self, "nobody", None), getattr(self, "root", None)):
            if p and p.poll() is None:
                p.kill()
                p.wait()


# ------------------------------------------------------------ settings ----

SETTINGS = {
    "root": lambda exe: [exe],
    "nobody": lambda exe: NOBODY + [exe],
    "userns-nobody": lambda exe: NOBODY + [
        "unshare", "--user", "--map-root-user", "--", exe],
    "userns-root": lambda exe: ["unshare", "--user", "--", exe],
    # --kill-child: the tool (PID 1 there) must not outlive a timeout.
    "pidns": lambda exe: ["unshare", "--pid", "--fork", "--kill-child",
                          "--mount-proc", "--", exe],
    # A PID namespace of its own, but the /proc of the host's.
    "pidns-hostproc": lambda exe: ["unshare", "--pid", "--fork",
                                   "--kill-child", "--", exe],
    "hidepid": lambda exe: [
        "unshare", "--mount", "--propagation", "private", "--",
        sys.executable, os.path.abspath(__file__), "--mount-hidepid", "2",
        "--"] + NOBODY + [exe],
    "hidepid-noaccess": lambda exe: [
        "unshare", "--mount", "--propagation", "private", "--",
        sys.executable, os.path.abspath(__file__), "--mount-hidepid", "1",
        "--"] + NOBODY + [exe],
}


class Run:
    """One tool in one setting: pid (in our PID namespace), rc, out, err."""

    def __init__(self, tools, setting, tool, *argv):
        cmd = SETTINGS[setting](tools.exe[tool]) + list(argv)
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=tools.env, cwd=tools.dir)
        # Every step but unshare --fork execs the next: p.pid is the tool.
        self.pid = p.pid
        self.what = "%s in %s" % (" ".join([tool] + list(argv)), setting)
        try:
            self.out, self.err = p.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            raise AssertionError("%s: no exit in 300 s" % self.what)
        self.rc = p.returncode
        self.lines = self.err.decode(errors="replace").splitlines()
        check(self.rc == 0, "%s: exit %d, stderr %r" % (self.what, self.rc,
                                                        self.err))

    def json(self):
        return json.loads(self.out)

    def says(self, pattern):
        check(any(re.fullmatch(pattern, ln) for ln in self.lines),
              "%s: stderr has no line /%s/: %r" % (self.what, pattern,
                                                   self.lines))

    def never_says(self, pattern):
        check(not any(re.search(pattern, ln) for ln in self.lines),
              "%s: stderr has /%s/: %r" % (self.what, pattern, self.lines))


def roots(text):
    """The root lines of a tree, up to the holder."""
    return [ln for ln in text.decode().splitlines()
            if ln and ln[0] not in " │├└"]


def tree_nodes(text, t):
    """(indent, ino, rest) of each node of type t in a tree, in order, read
    at the start of its line only: a name or path may carry "user:[1]"."""
    nodes = []
    for ln in text.decode().splitlines():
        m = re.fullmatch(r"([ │├└─]*)%s:\[(\d+)\] (.*)" % t, ln)
        if m:
            nodes.append((len(m.group(1)), int(m.group(2)), m.group(3)))
    return nodes


def tree_inos(text, t):
    return {ino for _, ino, _ in tree_nodes(text, t)}


def bind_mounted(rest):
    """A tree node held by a bind mount only: someone else's, as the
    load of others on a busy machine makes them (tests/lib/README.md)."""
    return rest.startswith("bind-mounted at ")


class Tools:
    def __init__(self, args):
        self.dir = tempfile.mkdtemp(prefix="nsrel-confined.")
        os.chmod(self.dir, 0o755)
        self.exe = {}
        for t in ("lsuserns", "lspidns", "dumpns", "graphns"):
            src = getattr(args, t)
            if not src:
                continue
            # A copy nobody can reach: the build tree may not be.
            self.exe[t] = os.path.join(self.dir, t)
            shutil.copy(src, self.exe[t])
            os.chmod(self.exe[t], 0o755)
        self.env = dict(os.environ)
        self.env.pop("NO_COLOR", None)
        # Under LeakSanitizer, graphns needs the suppressions of the caches
        # Graphviz and fontconfig keep until exit; a copy nobody can read.
        supp = os.path.join(os.environ.get("NSREL_SOURCE_ROOT", ""),
                            "tests", "graphns", "lsan.supp")
        if os.path.isfile(supp):
            shutil.copy(supp, self.dir)
            os.chmod(os.path.join(self.dir, "lsan.supp"), 0o644)
            self.env["LSAN_OPTIONS"] = ":".join(
                filter(None, [os.environ.get("LSAN_OPTIONS"),
                              "suppressions=" + os.path.join(
                                  self.dir, "lsan.supp")]))

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def unreadable_line(tool, hint):
    return r"%s: \d+ process(es)? could not be read%s" % (tool, hint)


def t_visibility(tools, fx, setting, want, tool="dumpns", *argv):
    """The "visibility" member of the JSON output, where the tool has it."""
    r = Run(tools, setting, tool, *(argv or ("-c",)))
    doc = r.json()
    v = doc.get("visibility")
    if v is None:
        return "%s writes no \"visibility\" member" % r.what
    check(set(v) == {"privileged", "user_ns", "initial_user_ns", "pid_ns",
                     "initial_pid_ns", "proc_pid_ns", "hidepid",
                     "hidepid_applies"}, "%s: keys %r" % (r.what, v))
    if tool == "dumpns" and setting != "pidns-hostproc":
        pid = 1 if setting == "pidns" else r.pid
        me = own_process(doc, pid, r)["namespaces"]
        check(v["user_ns"] == me["user"] and v["pid_ns"] == me["pid"],
              "%s: %r, own namespaces %r" % (r.what, v, me))
    for k, val in want.items():
        check(v.get(k) == val, "%s: visibility.%s = %r, want %r (%r)" % (
            r.what, k, v.get(k), val, v))
    return None


def own_process(doc, pid, r):
    procs = {p["pid"]: p for p in doc["processes"]}
    check(pid in procs, "%s: own process %d not listed" % (r.what, pid))
    return procs[pid]


# --------------------------------------------------------------- tests ----


def uid_of(pid):
    """The real uid of pid, None when it is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def t_nobody(tools, fx):
    hint = "; run as root to see all namespaces"
    r = Run(tools, "nobody", "dumpns", "-c")
    doc = r.json()
    r.says(unreadable_line("dumpns", hint))
    r.never_says("hidepid|PID namespace|user namespace")
    check(doc["unreadable_processes"] > 0, "unreadable_processes 0")
    me = own_process(doc, r.pid, r)
    have = {(n["type"], n["ino"]) for n in doc["namespaces"]}
    for t in TYPES:
        # setpriv execs the tool in the namespaces of this script.
        want = ns_ino("self", t)
        check(me["namespaces"].get(t) == want,
              "%s: own %s %r, want %d" % (r.what, t, me["namespaces"], want))
        check((t, want) in have, "%s: %s:[%d] not listed" % (r.what, t, want))
    check(("user", fx.nobody_user) in have, "nobody's user namespace missing")
    check(("user", fx.root_user) not in have, "root's user namespace listed")
    for p in doc["processes"]:
        check(p["uid"] == 65534, "%s: process %r of another user" % (
            r.what, p["pid"]))
    u = {n["ino"]: n for n in doc["namespaces"] if n["type"] == "user"}
    check(u[fx.nobody_user]["parent"] == INIT_USER and
          u[fx.nobody_user]["owner_uid"] == 65534,
          "nobody's user namespace: %r" % u[fx.nobody_user])


def t_nobody_trees(tools, fx):
    hint = "; run as root to see all namespaces"
    r = Run(tools, "nobody", "lsuserns")
    r.says(unreadable_line("lsuserns", hint))
    # The initial user namespace's process is the oldest nobody may read:
    # the tool itself, or another's process of nobody's on a busy machine.
    top = [re.fullmatch(r'user:\[%d\] process ".* \((\d+)\)" '
                        r'namespace-owning user "root" \(0\)' % INIT_USER,
                        ln) for ln in roots(r.out)]
    check(len(top) == 1 and top[0] and (
        int(top[0].group(1)) == r.pid or
        uid_of(int(top[0].group(1))) in (65534, None)),
          "%s: roots %r" % (r.what, roots(r.out)))
    check(re.search(r'user:\[%d\] process "sleep \(%d\)" namespace-owning '
                    r'user "nobody" \(65534\)' % (fx.nobody_user,
                                                  fx.nobody.pid),
                    r.out.decode()), "%s: nobody's user namespace: %r" % (
                        r.what, r.out))
    check(fx.root_user not in tree_inos(r.out, "user"),
          "%s: root's user namespace listed" % r.what)
    r = Run(tools, "nobody", "lspidns")
    r.says(unreadable_line("lspidns", hint))
    check(any(ln.startswith("pid:[%d] " % INIT_PID) for ln in roots(r.out)),
          "%s: roots %r" % (r.what, roots(r.out)))


def t_userns(tools, fx, setting):
    r = Run(tools, setting, "dumpns", "-c")
    doc = r.json()
    me = own_process(doc, r.pid, r)
    mine = me["namespaces"]["user"]
    check(mine not in (INIT_USER, ns_ino("self", "user"), fx.nobody_user),
          "%s: tool in user:[%d]" % (r.what, mine))
    r.says(r"dumpns: running in user namespace user:\[%d\], not the initial "
           r"one: owners and parents outside it are not shown" % mine)
    # No hint to run as root: inside the namespace the tool is root, or
    # the overflow uid, and neither helps.
    r.says(unreadable_line("dumpns", ""))
    check(doc["unreadable_processes"] > 0, "unreadable_processes 0")
    u = {n["ino"]: n for n in doc["namespaces"] if n["type"] == "user"}
    # Others' bind mounts of the initial user namespace are visible, so
    # it may be listed through them; it holds no process the tool reads.
    check(INIT_USER not in u or all(
        ref["via"] == "bindmount" for ref in u[INIT_USER]["refs"]),
          "%s: the initial user namespace is listed: %r"
          % (r.what, u.get(INIT_USER)))
    check(fx.root_user not in u, "%s: root's user namespace listed" % r.what)
    check(u[mine]["parent"] is None, "%s: parent of its own user "
          "namespace %r" % (r.what, u[mine]["parent"]))
    # Nothing in its view can be owned by, or a child of, a user
    # namespace but its own: those outside it are never named.
    for n in doc["namespaces"]:
        rel = [n.get("owner")] + ([n.get("parent")] if n["type"] == "user"
                                  else [])
        check(all(o in (None, mine) for o in rel),
              "%s: %s:[%d] owner %r, parent %r" % (
                  r.what, n["type"], n["ino"], n.get("owner"),
                  n.get("parent")))
    # Namespaces of the host are seen (the tool's own), their owner not.
    host_net = ns_ino("self", "net")
    net = [n for n in doc["namespaces"]
           if n["type"] == "net" and n["ino"] == host_net]
    check(net and net[0]["owner"] is None,
          "%s: host net namespace %r" % (r.what, net))
    r = Run(tools, setting, "lsuserns")
    # A new user namespace each run: the one it names on stderr.
    m = re.search(r"user namespace user:\[(\d+)\]", r.err.decode())
    check(m, "%s: stderr %r" % (r.what, r.err))
    check(any(ln.startswith('user:[%s] process "lsuserns (%d)"' % (
        m.group(1), r.pid)) for ln in roots(r.out)),
        "%s: roots %r" % (r.what, roots(r.out)))
    # The initial user namespace only as others' bind mount, and never
    # as a parent: a root without children.
    nodes = tree_nodes(r.out, "user")
    for i, (indent, ino, rest) in enumerate(nodes):
        if ino != INIT_USER:
            continue
        check(indent == 0 and bind_mounted(rest) and (
            i + 1 == len(nodes) or nodes[i + 1][0] == 0),
              "%s: initial user namespace shown: %r" % (r.what, r.out))
    r.says(r"lsuserns: running in user namespace user:\[\d+\], not the "
           r"initial one: .*")
    r = Run(tools, setting, "lspidns")
    r.says(r"lspidns: running in user namespace user:\[\d+\], not the "
           r"initial one: .*")
    check(any(ln.startswith("pid:[%d] " % INIT_PID) for ln in roots(r.out)),
          "%s: roots %r" % (r.what, roots(r.out)))


def t_pidns(tools, fx):
    r = Run(tools, "pidns", "dumpns", "-c")
    doc = r.json()
    pids = [p["pid"] for p in doc["processes"]]
    check(pids == [1], "%s: processes %r, want only the tool (1)"
          % (r.what, pids))
    mine = doc["processes"][0]["namespaces"]["pid"]
    check(mine != INIT_PID, "%s: in the initial PID namespace" % r.what)
    r.says(r"dumpns: running in PID namespace pid:\[%d\], not the initial "
           r"one: only its processes are listed" % mine)
    r.never_says("user namespace|hidepid|run as root")
    pidns = {n["ino"]: n for n in doc["namespaces"] if n["type"] == "pid"}
    check(pidns[mine]["parent"] is None, "%s: parent %r" % (
        r.what, pidns[mine]["parent"]))
    check(pidns[mine]["processes"] == [1], "%s: members %r" % (
        r.what, pidns[mine]["processes"]))
    u = {n["ino"] for n in doc["namespaces"] if n["type"] == "user"}
    check(fx.nobody_user not in u and fx.root_user not in u,
          "%s: a user namespace of a process outside is listed" % r.what)
    for n in doc["namespaces"]:
        for ref in n["refs"]:
            check(ref.get("pid") in (None, 1),
                  "%s: %s:[%d] held by process %r outside" % (
                      r.what, n["type"], n["ino"], ref.get("pid")))
    r = Run(tools, "pidns", "lspidns")
    # Besides its own, at most others' bind-mounted PID namespaces.
    own = ('pid:[%d] process "lspidns (1)" owner user:[%d] "root" (0)'
           % (mine_of(r), INIT_USER))
    check(own in roots(r.out) and all(
        ln == own or bind_mounted(ln.split(" ", 1)[1])
        for ln in roots(r.out)), "%s: roots %r" % (r.what, roots(r.out)))
    r.says(r"lspidns: running in PID namespace pid:\[%d\], not the initial "
           r"one: only its processes are listed" % mine_of(r))
    r = Run(tools, "pidns", "lsuserns")
    # Its only process is in the initial user namespace; others' bind
    # mounts of user namespaces are seen, the fixtures' processes not.
    nodes = tree_nodes(r.out, "user")
    check({ino for _, ino, rest in nodes if not bind_mounted(rest)} ==
          {INIT_USER}, "%s: user namespaces %r" % (r.what, nodes))
    check(not {fx.nobody_user, fx.root_user} & {ino for _, ino, _ in nodes},
          "%s: a fixture's user namespace shown" % r.what)
    r.says(r"lsuserns: running in PID namespace pid:\[\d+\], not the "
           r"initial one: only its processes are listed")


def mine_of(r):
    """The PID namespace an lspidns run in "pidns" named on stderr."""
    for ln in r.lines:
        m = re.match(r"lspidns: running in PID namespace pid:\[(\d+)\]", ln)
        if m:
            return int(m.group(1))
    raise AssertionError("%s: no PID namespace line: %r" % (r.what, r.lines))


def root_processes():
    n = 0
    for d in os.listdir("/proc"):
        try:
            if d.isdigit() and os.stat("/proc/" + d).st_uid == 0:
                n += 1
        except OSError:
            pass
    return n


def t_hidepid(tools, fx):
    others = root_processes()
    r = Run(tools, "hidepid", "dumpns", "-c")
    doc = r.json()
    r.says(r"dumpns: /proc is mounted hidepid=invisible: processes of other "
           r"users are not listed")
    r.never_says("PID namespace|user namespace")
    me = own_process(doc, r.pid, r)
    check(me["namespaces"]["user"] == INIT_USER, "own user namespace")
    for p in doc["processes"]:
        check(p["uid"] == 65534, "%s: process %r of another user" % (
            r.what, p["pid"]))
    # Without hidepid each of root's processes would count as unreadable.
    check(doc["unreadable_processes"] < others,
          "%s: %d unreadable, root has %d" % (
              r.what, doc["unreadable_processes"], others))
    u = {n["ino"] for n in doc["namespaces"] if n["type"] == "user"}
    check(fx.nobody_user in u, "%s: nobody's user namespace missing" % r.what)
    check(fx.root_user not in u, "%s: root's user namespace listed" % r.what)
    for tool in ("lsuserns", "lspidns"):
        r = Run(tools, "hidepid", tool)
        r.says(r"%s: /proc is mounted hidepid=invisible: processes of "
               r"other users are not listed" % tool)
    r = Run(tools, "hidepid", "lsuserns")
    check(fx.nobody_user in tree_inos(r.out, "user"),
          "%s: nobody's user namespace missing" % r.what)


def t_hidepid_noaccess(tools, fx):
    """hidepid=1: others' /proc/PID are there, but not their contents."""
    r = Run(tools, "hidepid-noaccess", "dumpns", "-c")
    doc = r.json()
    r.says(r"dumpns: /proc is mounted hidepid=noaccess: processes of other "
           r"users cannot be read")
    me = own_process(doc, r.pid, r)
    check(me["namespaces"]["user"] == INIT_USER, "own user namespace")
    for p in doc["processes"]:
        check(p["uid"] == 65534, "%s: process %r of another user" % (
            r.what, p["pid"]))
    u = {n["ino"] for n in doc["namespaces"] if n["type"] == "user"}
    check(fx.nobody_user in u, "%s: nobody's user namespace missing" % r.what)
    check(fx.root_user not in u, "%s: root's user namespace listed" % r.what)
    # Root's fixture at least is there and unreadable: counted, not dropped.
    check(doc["unreadable_processes"] > 0,
          "%s: others' processes not counted as unreadable" % r.what)
    r.says(r"dumpns: \d+ processes could not be read.*")


ANCESTOR_LINE = (r"%s: running in PID namespace pid:\[(\d+)\] with the /proc "
                 r"of an ancestor: processes outside it are listed too, "
                 r"with that ancestor's PID numbers")


def t_pidns_hostproc(tools, fx):
    """In a new PID namespace with the host's /proc all is seen, and the
    tool says whose /proc it read."""
    r = Run(tools, "pidns-hostproc", "dumpns", "-c")
    doc = r.json()
    r.says(ANCESTOR_LINE % "dumpns")
    m = re.search(ANCESTOR_LINE % "dumpns", r.err.decode())
    check(int(m.group(1)) == doc["visibility"]["pid_ns"] and
          int(m.group(1)) != INIT_PID,
          "%s: names pid:[%s], visibility %r" % (r.what, m.group(1),
                                                 doc["visibility"]))
    r.never_says("user namespace|hidepid|run as root|only its processes")
    u = {n["ino"] for n in doc["namespaces"] if n["type"] == "user"}
    check({fx.nobody_user, fx.root_user} <= u, "%s: fixtures missing"
          % r.what)
    check(INIT_PID in {n["ino"] for n in doc["namespaces"]
                       if n["type"] == "pid"}, "%s: no initial PID namespace"
          % r.what)


def t_pidns_hostproc_trees(tools, fx):
    """lsuserns and lspidns say it too, and show the host's processes."""
    for tool in ("lsuserns", "lspidns"):
        r = Run(tools, "pidns-hostproc", tool)
        r.says(ANCESTOR_LINE % tool)
        r.never_says("user namespace|hidepid|run as root|only its processes")
    check(INIT_PID in tree_inos(r.out, "pid"),
          "%s: the initial PID namespace not shown" % r.what)


def t_root_whole(tools, fx):
    """As root in the initial namespaces nothing of the above is said."""
    p = subprocess.run([tools.exe["lsuserns"]], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=tools.env, timeout=300)
    check(p.returncode == 0, "exit %d" % p.returncode)
    err = p.stderr.decode()
    check(not re.search("hidepid|PID namespace|user namespace|run as root",
                        err), "stderr %r" % err)
    check({fx.nobody_user, fx.root_user} <= tree_inos(p.stdout, "user"),
          "fixtures missing as root")


def dot_edges(text):
    """The (from, to) node names of each edge of a dot graph."""
    return re.findall(r'^\s*"([^"]+)" -> "([^"]+)"', text, re.M)


def t_graphns(tools, fx, setting, pattern, present, absent, unrelated=()):
    if "graphns" not in tools.exe:
        return "graphns not built"
    r = Run(tools, setting, "graphns", "-T", "dot", "-o", "-")
    r.says(pattern % "graphns")
    text = r.out.decode()
    check(text.lstrip().startswith(("digraph", "strict digraph")),
          "%s: not dot: %r" % (r.what, text[:80]))
    for ino in present:
        check(str(ino) in text, "%s: %d missing" % (r.what, ino))
    for ino in absent:
        check(str(ino) not in text, "%s: %d shown" % (r.what, ino))
    # Shown at most as a node of its own (others' bind mount of it).
    for ino in unrelated:
        edges = [e for e in dot_edges(text)
                 if any(re.fullmatch(r"\w+-%d(-\w+)?" % ino, n) for n in e)]
        check(not edges, "%s: %d related: %r" % (r.what, ino, edges))
    return None


def mount_hidepid(level, argv):
    """Inside unshare --mount: mount /proc hidepid=LEVEL, then exec argv."""
    check(level in ("1", "2"), "hidepid=%r" % level)
    subprocess.run(["mount", "-t", "proc", "-o", "hidepid=" + level, "proc",
                    "/proc"], check=True)
    os.execvp(argv[0], argv)


def main():
    if len(sys.argv) > 4 and sys.argv[1] == "--mount-hidepid":
        check(sys.argv[3] == "--", "usage: --mount-hidepid LEVEL -- CMD")
        mount_hidepid(sys.argv[2], sys.argv[4:])
    ap = argparse.ArgumentParser()
    for t in ("lsuserns", "lspidns", "dumpns", "graphns"):
        ap.add_argument("--" + t, default="")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("1..0 # SKIP not root: cannot set up the settings")
        return 0
    for prog in ("setpriv", "unshare", "mount"):
        if not shutil.which(prog):
            print("1..0 # SKIP %s(1) missing" % prog)
            return 0
    for name in ("nobody", "nogroup"):
        try:
            (__import__("pwd").getpwnam if name == "nobody"
             else __import__("grp").getgrnam)(name)
        except KeyError:
            print("1..0 # SKIP no %s entry" % name)
            return 0
    if (ns_ino("self", "user") != INIT_USER or
            ns_ino("self", "pid") != INIT_PID):
        print("1..0 # SKIP not in the initial user and PID namespaces")
        return 0
    tools = Tools(args)
    fx = None
    try:
        fx = Fixtures()
        tests = [
            ("as root: the whole view, no limits said", t_root_whole),
            ("as nobody: dumpns", t_nobody),
            ("as nobody: lsuserns, lspidns", t_nobody_trees),
            ("in a user namespace as nobody (--map-root-user)", t_userns,
             "userns-nobody"),
            ("in a user namespace as root (unmapped)", t_userns,
             "userns-root"),
            ("in a PID namespace with its own /proc", t_pidns),
            ("with /proc hidepid=2, as nobody", t_hidepid),
            ("in a PID namespace with the host's /proc", t_pidns_hostproc),
            ("lsuserns, lspidns in a PID namespace with the host's /proc",
             t_pidns_hostproc_trees),
            ("visibility in a PID namespace with the host's /proc",
             t_visibility, "pidns-hostproc", {
                 "privileged": True, "initial_pid_ns": False,
                 "proc_pid_ns": "ancestor", "hidepid_applies": False}),
            ("with /proc hidepid=1, as nobody", t_hidepid_noaccess),
            ("visibility with hidepid=1", t_visibility, "hidepid-noaccess",
             {"hidepid": "noaccess", "hidepid_applies": True}),
            ("visibility as root", t_visibility, "root", {
                "privileged": True, "initial_user_ns": True,
                "initial_pid_ns": True, "proc_pid_ns": "own",
                "hidepid": "off", "hidepid_applies": False}),
            ("visibility as nobody", t_visibility, "nobody", {
                "privileged": False, "initial_user_ns": True,
                "initial_pid_ns": True, "proc_pid_ns": "own",
                "hidepid": "off", "hidepid_applies": False}),
            ("visibility in a user namespace", t_visibility,
             "userns-nobody", {
                 "privileged": False, "initial_user_ns": False,
                 "initial_pid_ns": True, "proc_pid_ns": "own"}),
            ("visibility in a PID namespace", t_visibility, "pidns", {
                "privileged": True, "initial_user_ns": True,
                "initial_pid_ns": False, "proc_pid_ns": "own"}),
            ("visibility with hidepid=2", t_visibility, "hidepid", {
                "privileged": False, "initial_user_ns": True,
                "initial_pid_ns": True, "proc_pid_ns": "own",
                "hidepid": "invisible", "hidepid_applies": True}),
            ("visibility of lsuserns -J with hidepid=2", t_visibility,
             "hidepid", {"hidepid": "invisible", "hidepid_applies": True},
             "lsuserns", "-J"),
            ("visibility of lspidns -J in a PID namespace", t_visibility,
             "pidns", {"initial_pid_ns": False, "proc_pid_ns": "own"},
             "lspidns", "-J"),
            ("graphns -T dot as nobody", t_graphns, "nobody",
             unreadable_line("%s", "; run as root to see all namespaces"),
             [INIT_USER, fx.nobody_user], [fx.root_user]),
            ("graphns -T dot in a user namespace", t_graphns,
             "userns-nobody",
             r"%s: running in user namespace user:\[\d+\], not the initial "
             r"one: .*", [], [fx.root_user], [INIT_USER]),
            ("graphns -T dot in a PID namespace", t_graphns, "pidns",
             r"%s: running in PID namespace pid:\[\d+\], not the initial "
             r"one: only its processes are listed", [INIT_USER],
             [fx.nobody_user, fx.root_user]),
            ("graphns -T dot in a PID namespace with the host's /proc",
             t_graphns, "pidns-hostproc", ANCESTOR_LINE,
             [INIT_USER, fx.nobody_user, fx.root_user], []),
            ("graphns -T dot with hidepid=2", t_graphns, "hidepid",
             r"%s: /proc is mounted hidepid=invisible: processes of other "
             r"users are not listed", [INIT_USER, fx.nobody_user],
             [fx.root_user]),
        ]
        print("1..%d" % len(tests))
        for name, fn, *rest in tests:
            run_test(name, fn, tools, fx, *rest)
    finally:
        if fx:
            fx.stop()
        tools.cleanup()
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
