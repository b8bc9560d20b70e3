# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the tests that run every tool around a process of their own share
(tests/tools/test-fdlimit.py, test-unpriv-backend.py): the tools' options
and the run itself."""

import argparse
import os
import shutil
import tempfile

from tap import plan


def tool_args():
    """--lsuserns, --lspidns, --dumpns (required), --graphns, --lsallns
    ("" where not built): absolute paths."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--lsuserns", required=True)
    ap.add_argument("--lspidns", required=True)
    ap.add_argument("--dumpns", required=True)
    ap.add_argument("--graphns", default="")
    ap.add_argument("--lsallns", default="")
    args = ap.parse_args()
    for k in ("lsuserns", "lspidns", "dumpns", "graphns", "lsallns"):
        if getattr(args, k):
            setattr(args, k, os.path.abspath(getattr(args, k)))
    return args


def run_around(start, tmp_prefix, tests, tmp_mode=None):
    """start() gives a process and what the tests need to know of it, or
    None and the reason to skip; tests(info, tmp) runs the TAP tests with
    a temporary directory of their own (tmp_mode: chmod'ed so). The
    process is killed and the directory removed after. The exit code."""
    proc, info = start()
    if proc is None:
        print("1..0 # SKIP %s" % info)
        return 0
    tmp = tempfile.mkdtemp(prefix=tmp_prefix)
    if tmp_mode is not None:
        os.chmod(tmp, tmp_mode)
    try:
        tests(info, tmp)
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return plan()
