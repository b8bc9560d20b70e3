# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the engine tests check of the tools: a container they made, in the
output of dumpns, lsuserns -d, lspidns and graphns -d."""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import engines_docker as eng  # noqa: E402
from tap import check  # noqa: E402


def add_tool_args(ap):
    for tool in ("lsuserns", "lspidns", "dumpns", "graphns"):
        ap.add_argument("--" + tool)


def tool_env(argv):
    """graphns loads Graphviz and fontconfig, which leak by design: under
    the sanitizers it runs without leak checks, as in tests/graphns."""
    env = dict(os.environ)
    if os.path.basename(argv[0]) == "graphns":
        asan = env.get("ASAN_OPTIONS")
        env["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "detect_leaks=0"
    return env


def tools(args):
    out = []
    for t, extra in (("lsuserns", ["-d"]), ("lspidns", []), ("dumpns", []),
                     ("graphns", ["-d", "-T", "dot", "-o"])):
        path = getattr(args, t)
        if path:
            out.append((t, [path] + extra))
    return out


def holder_text(engine, cid, name):
    """How the tools say a holder is in the container (label.c)."""
    short = cid[:12] if len(cid) == 64 else cid
    if name:
        return 'in %s container "%s" (%s)' % (engine, name, short)
    return "in %s container %s" % (engine, short)


def run_tool(argv):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=600,
                       env=tool_env(argv))
    check(r.returncode == 0, "%s: exit %d: %s"
          % (" ".join(argv), r.returncode, r.stderr))
    return r.stdout


def check_tools(args, tmp, opt, engine, cases):
    """Each case (id, pid, name, project; None: not known) in the output
    of dumpns, lsuserns -d, lspidns and graphns -d run with opt: the
    container beside each of its own namespaces, with its engine, id,
    name and project."""
    check(args.lsuserns and args.lspidns and args.dumpns,
          "the tools were not given")
    dump = json.loads(run_tool([args.dumpns, "-c", opt]))
    ctrs = {c["id"]: c for c in dump.get("containers") or []}
    dot = None
    if args.graphns:
        path = os.path.join(tmp, "g.dot")
        run_tool([args.graphns, "-d", "-g", "0", "-T", "dot", "-o", path,
                  opt])
        with open(path) as f:
            dot = f.read()
    for cid, pid, name, project in cases:
        own = eng.own_namespaces(pid)
        # dumpns: the containers array and the process's member
        check(cid in ctrs, "dumpns: no container %s" % cid[:12])
        c = ctrs[cid]
        check(c["engine"] == engine and c["name"] == name and
              c.get("project") == project and c.get("init") == pid,
              "dumpns: %r" % {k: c.get(k) for k in
                              ("engine", "name", "project", "init")})
        for link in own:
            t, ino = link.split(":[")
            check(int(ino[:-1]) in c["namespaces"].get(t, []),
                  "dumpns: %s not among the container's namespaces" % link)
        procs = [p for p in dump.get("processes", []) if p.get("pid") == pid]
        check(procs and procs[0].get("container") == cid,
              "dumpns: process %d has container %r" % (
                  pid, procs and procs[0].get("container")))
        want = holder_text(engine, cid, name)
        # lsuserns -d: every namespace of its own, held in the container
        out = run_tool([args.lsuserns, "-d", "--container=" + cid, opt])
        for link in own:
            if link.startswith("user:"):
                continue
            lines = [x for x in out.splitlines() if link in x]
            check(lines and all(want in x for x in lines),
                  "lsuserns -d: %s: %r, want %r" % (link, lines, want))
        # lspidns: its PID namespace
        pidns = [x for x in own if x.startswith("pid:")][0]
        out = run_tool([args.lspidns, "--container=" + cid, opt])
        lines = [x for x in out.splitlines() if pidns in x]
        check(lines and want in lines[0], "lspidns: %r, want %r"
              % (lines, want))
        # graphns: each namespace has a node of its own (-g 0: never
        # grouped) whose label or tooltip (the label cut short) names
        # the container
        if dot is not None:
            for link in own:
                labels = [x for x in dot.splitlines() if link in x]
                check(labels, "graphns: no node for %s" % link)
                check(any(cid[:12] in x and (not name or name in x)
                          for x in labels),
                      "graphns: %s: %r" % (link, labels[:2]))
