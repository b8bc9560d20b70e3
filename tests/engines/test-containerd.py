#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""containerd: a containerd of the test's own (tests/lib/engines_docker.py)
on private root, state and socket, the busybox image imported as an OCI
layout, a container run with `ctr run`; the scan must give every
namespace of the container's init to one container of engine containerd
and the id ctr was given, with no engine API asked (containerd speaks
none the library knows) and with a socket that never answers. Speaks TAP.
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
from enginecheck import add_tool_args, check_tools  # noqa: E402
from tap import check, plan, run_test  # noqa: E402

DEADLINE_SLACK_S = 3.0


def scan(args, sock):
    r = subprocess.run([args.engine_query, "-s", sock], capture_output=True,
                       text=True, timeout=600)
    check(r.returncode == 0, "engine-query -s: %d %s"
          % (r.returncode, r.stderr))
    return json.loads(r.stdout)




def t_scan(args, sock, cid, pid, hanging):
    t0 = time.monotonic()
    a = scan(args, sock)
    took = time.monotonic() - t0
    got = {c["id"]: c for c in a["containers"]}
    check(cid in got, "container %s not in the model: %s"
          % (cid[:12], sorted((c["engine"], c["id"][:12])
                              for c in a["containers"])))
    c = got[cid]
    check(c["engine"] == "containerd", "engine %r" % c["engine"])
    check(c["init"] == pid, "init %r, ctr says %d" % (c["init"], pid))
    # ctr gives a container no name but its id.
    check(c["name"] in (None, cid), "name %r" % c["name"])
    want = eng.own_namespaces(pid)
    check(len(want) >= 5, "the container has only %r of its own" % want)
    missing = [n for n in want if n not in c["namespaces"]]
    check(not missing, "namespaces not attributed: %r" % missing)
    w = a["warning"]
    if hanging:
        check(w and sock in w and w.count("engine API") == 1,
              "warning %r" % w)
        check(took < a["ms"] / 1e3 + DEADLINE_SLACK_S, "took %.2f s" % took)
    else:
        check(w is None, "warning %r" % w)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine-query", required=True)
    add_tool_args(ap)
    args = ap.parse_args()
    return eng.run_as_root_test("containerd", run, args)


def run(args, tmp):
    bb = os.path.join(tmp, "bb.tar")
    oci = os.path.join(tmp, "bb-oci.tar")
    eng.bb_rootfs_tar(bb)
    eng.oci_image_tar(bb, oci, "localhost/nsrel-bb:latest")
    with eng.Containerd() as c:
        c.ctr("images", "import", oci)
        # An id as the engines above containerd make them (64 hex
        # digits): containerd's cgroup is /NAMESPACE/ID.
        cid = os.urandom(32).hex()
        pid = c.run("localhost/nsrel-bb:latest", cid, "/bin/busybox",
                    "sleep", "600")
        run_test("containerd: ctr run's container, its namespaces, engine "
                 "and id", t_scan, args, os.path.join(tmp, "none.sock"),
                 cid, pid, False)
        run_test("containerd: lsuserns -d, lspidns, dumpns and graphns "
                 "show the container beside every namespace of its own",
                 check_tools, args, tmp,
                 "--engine-socket=" + os.path.join(tmp, "none.sock"),
                 "containerd", [(cid, pid, None, None)])
        hang = os.path.join(tmp, "hang.sock")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(hang)
        s.listen(16)
        try:
            run_test("containerd: with a socket that never answers, the "
                     "same, in time, one warning", t_scan, args, hang, cid,
                     pid, True)
        finally:
            s.close()
    return plan()


if __name__ == "__main__":
    sys.exit(main())
