# SPDX-License-Identifier: LGPL-2.1-or-later
"""Running the namespace zoo (tests/zoo/nsrel-zoo) from Python: start it,
read its manifest, stop it. One implementation for tests/tools,
tests/scale, python/tests and bench/run; the C tests have
tests/zoo/zoorun.c. Python standard library only."""

import json
import os
import select
import subprocess


class ZooSkip(Exception):
    """The zoo cannot run here; the message says why (its SKIP line)."""


class ZooError(Exception):
    """The zoo did not start; the message says how it ended."""


class ZooTimeout(ZooError):
    """The zoo was not up in the time given (a busy machine, say)."""


class ZooRun:
    """nsrel-zoo [ARGS], with its manifest in .manifest. Raises ZooSkip or
    ZooError, with nothing left running, when it does not come up. A stop
    signal (an exception of any kind) while it builds stops it too."""

    def __init__(self, exe, *args, timeout=None):
        """timeout: seconds to wait for the manifest (None: as long as it
        takes); then ZooTimeout, the zoo stopped."""
        self.manifest = None
        self.proc = subprocess.Popen([exe] + list(args),
                                     stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        try:
            if timeout is not None and not select.select(
                    [self.proc.stdout], [], [], max(0, timeout))[0]:
                raise ZooTimeout("no manifest in %.0f s" % timeout)
            line = self.proc.stdout.readline()
        except BaseException:
            self.stop()
            raise
        if not line or line.startswith((b"# SKIP", b"1..0")):
            rc = self.stop()
            if rc == 77 or line:
                reason = line.decode(errors="replace").strip()
                for prefix in ("1..0", "#", "SKIP"):
                    reason = reason[len(prefix):].strip() \
                        if reason.startswith(prefix) else reason
                raise ZooSkip(reason or "exit 77")
            raise ZooError("the zoo exited %r without a manifest (its "
                           "stderr is above)" % rc)
        self.manifest = json.loads(line)

    def stop(self, timeout=300):
        """EOF stops a zoo that is up, SIGTERM one still building; SIGKILL
        after timeout seconds. Its exit status; idempotent."""
        if self.proc.returncode is not None:
            return self.proc.returncode
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        if self.manifest is None and self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        return self.proc.returncode


def start_for_tap(exe):
    """(ZooRun, None) for a TAP script, or (None, its exit status) after
    printing the TAP lines that say why there is none: the zoo not built,
    not root, the zoo's own skip, or its failure to start."""
    why = ("the namespace zoo (tests/zoo) is not built"
           if not exe or not os.path.exists(exe) else
           "not root: the zoo needs root" if os.geteuid() != 0 else None)
    if why:
        print("1..0 # SKIP %s" % why)
        return None, 0
    try:
        return ZooRun(exe), None
    except ZooSkip as e:
        print("1..0 # SKIP zoo: %s" % e)
        return None, 0
    except ZooError as e:
        print("1..1\nnot ok 1 - start the zoo (%s)" % e)
        return None, 1
