# SPDX-License-Identifier: LGPL-2.1-or-later
"""podman of a test's own, rootful or rootless, from Python; and runc
containers from hand-made OCI bundles.

The engines' helpers are one module each (engines_docker.py: dockerd and
containerd); the busybox image and the signal handling are shared from
there. podman is daemonless: Podman() is the storage of a test's own
(--root, --runroot, --tmpdir under a directory the test makes, a
containers.conf of its own), with runc and cgroupfs, as these hybrid-cgroup
machines need, and default ulimits that a process without CAP_SYS_RESOURCE
may set (the pod's infra container takes those, it has no --ulimit).
Podman(rootless=True) creates a user of its own (useradd, which gives it
subordinate ids) and runs podman as that user. stop() removes every
container and pod, ends every process of the test's user (by pid),
removes the user and the storage; it is safe to call twice. Use it as a
context manager, after engines_docker.install_signal_handlers().

RuncBundle is a runc container from a bundle made by hand (config.json
with the annotations a kubelet and containerd leave), run detached in
runc's default root (/run/runc) under a unique id, and deleted at the end.
"""

import json
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time

from engines_docker import Skip, Started, bb_rootfs_tar  # noqa: F401

IMAGE = "localhost/nsrel-bb"
CONTAINERS_CONF = """[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
"""


def _mounts_under(path):
    out = []
    with open("/proc/self/mountinfo", errors="surrogateescape") as f:
        for line in f:
            mp = line.split()[4].replace("\\040", " ")
            if mp == path or mp.startswith(path + "/"):
                out.append(mp)
    return sorted(out, key=len, reverse=True)


def _pids_of_uid(uid):
    pids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.stat("/proc/" + d).st_uid == uid:
                    pids.append(int(d))
            except OSError:
                pass
    return pids


class Podman(Started):
    def __init__(self, rootless=False):
        self.rootless = rootless
        self.dir = None
        self.user = None
        self.uid = None
        self.env = None
        self.stopped = False

    def start(self):
        if not shutil.which("podman") or not shutil.which("runc"):
            raise Skip("podman or runc is not installed")
        self.dir = tempfile.mkdtemp(prefix="nsrel-podman-")
        os.chmod(self.dir, 0o755)
        conf = os.path.join(self.dir, "containers.conf")
        with open(conf, "w") as f:
            f.write(CONTAINERS_CONF)
        self.env = dict(os.environ, CONTAINERS_CONF=conf)
        run_dir = os.path.join(self.dir, "run")
        os.mkdir(run_dir, 0o700)
        if self.rootless:
            if not shutil.which("newuidmap"):
                raise Skip("rootless podman needs newuidmap (uidmap)")
            self.user = "nsrelpm" + secrets.token_hex(3)
            home = os.path.join(self.dir, "home")
            r = subprocess.run(["useradd", "-m", "-d", home, "-s",
                                "/bin/sh", self.user],
                               capture_output=True, text=True)
            if r.returncode != 0:
                self.user = None
                raise Skip("useradd: " + r.stderr.strip())
            pw = pwd.getpwnam(self.user)
            self.uid = pw.pw_uid
            os.chown(run_dir, pw.pw_uid, pw.pw_gid)
            self.env.update(HOME=home, XDG_RUNTIME_DIR=run_dir, USER=self.user,
                            LOGNAME=self.user)
            self.storage = os.path.join(home, "storage")
        else:
            self.storage = os.path.join(self.dir, "storage")
        self.globals = ["--root", self.storage,
                        "--runroot", os.path.join(run_dir, "runroot"),
                        "--tmpdir", os.path.join(run_dir, "tmp"),
                        "--runtime", "runc", "--cgroup-manager=cgroupfs",
                        "--events-backend=file"]
        tar = os.path.join(self.dir, "bb.tar")
        bb_rootfs_tar(tar)
        os.chmod(tar, 0o644)
        r = self.podman("import", tar, IMAGE, check=False)
        if r.returncode != 0:
            raise Skip("podman import: " + r.stderr.strip()[-300:])

    def _argv(self, args):
        argv = ["podman"] + self.globals + list(args)
        if self.rootless:
            argv = ["runuser", "-u", self.user, "--"] + argv
        return argv

    def podman(self, *args, check=True, timeout=120):
        r = subprocess.run(self._argv(args), capture_output=True, text=True,
                           env=self.env, cwd=self.dir, timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError("podman %s: %s" % (" ".join(args),
                                                    r.stderr.strip()[-500:]))
        return r

    def run(self, *args, network="none"):
        """podman run -d ARGS IMAGE busybox sleep: (full id, init pid).
        network None: the pod's (a container in a pod takes no
        --network)."""
        net = ["--network", network] if network else []
        r = self.podman("run", "-d", *net, *args, IMAGE,
                        "busybox", "sleep", "600")
        cid = r.stdout.strip().splitlines()[-1]
        return cid, self.pid(cid)

    def pid(self, cid):
        r = self.podman("inspect", "-f", "{{.State.Pid}}", cid)
        return int(r.stdout.strip())

    def _end_processes_naming(self, text):
        _end(_pids_naming(text), 10)

    def stop(self):
        if self.stopped:
            return
        self.stopped = True
        if self.dir and self.env:
            try:
                self.podman("pod", "rm", "-a", "-f", "-t", "0", check=False)
                self.podman("rm", "-a", "-f", "-t", "0", check=False)
            except (subprocess.TimeoutExpired, OSError):
                pass
        if self.uid is not None:
            # Every process of the test's user (its pause process, a
            # conmon left over): ours, ended by pid.
            for sig in (15, 9):
                pids = _pids_of_uid(self.uid)
                for p in pids:
                    try:
                        os.kill(p, sig)
                    except OSError:
                        pass
                deadline = time.monotonic() + 5
                while pids and time.monotonic() < deadline:
                    pids = [p for p in pids if os.path.exists("/proc/%d" % p)]
                    time.sleep(0.05)
        if self.dir:
            # podman's exit commands (podman container cleanup, started by
            # each container's conmon) run after rm, and mount the storage
            # again: wait for every process naming our storage, end those
            # left (by pid), then unmount.
            self._end_processes_naming(self.dir)
            for _ in range(3):
                for mp in _mounts_under(self.dir):
                    subprocess.run(["umount", "-l", mp],
                                   capture_output=True)
        if self.user:
            subprocess.run(["userdel", "-r", "-f", self.user],
                           capture_output=True)
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)


def _pids_naming(text):
    """Processes whose command line holds text (a directory of ours)."""
    pids = []
    me = os.getpid()
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == me:
            continue
        try:
            with open("/proc/%s/cmdline" % d, "rb") as f:
                if text.encode() in f.read():
                    pids.append(int(d))
        except OSError:
            pass
    return pids


def _end(pids, grace):
    deadline = time.monotonic() + grace
    while pids and time.monotonic() < deadline:
        time.sleep(0.1)
        pids = [p for p in pids if os.path.exists("/proc/%d" % p)]
    for p in pids:
        try:
            os.kill(p, 9)
        except OSError:
            pass


class RuncBundle(Started):
    """A runc container from a hand-made bundle: rootfs from the busybox
    tar, config.json with annotations and a cgroups path."""

    def __init__(self, annotations, cgroups_path, cid=None):
        self.cid = cid or secrets.token_hex(32)
        self.annotations = annotations
        self.cgroups_path = cgroups_path
        self.dir = None
        self.started = False
        self.pid = None

    def start(self):
        if not shutil.which("runc"):
            raise Skip("runc is not installed")
        self.dir = tempfile.mkdtemp(prefix="nsrel-runc-")
        rootfs = os.path.join(self.dir, "rootfs")
        os.mkdir(rootfs)
        tar = os.path.join(self.dir, "bb.tar")
        bb_rootfs_tar(tar)
        subprocess.run(["tar", "-C", rootfs, "-xf", tar], check=True)
        r = subprocess.run(["runc", "spec", "--bundle", self.dir],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise Skip("runc spec: " + r.stderr.strip())
        path = os.path.join(self.dir, "config.json")
        with open(path) as f:
            spec = json.load(f)
        spec["process"]["terminal"] = False
        spec["process"]["args"] = ["busybox", "sleep", "600"]
        # No rlimits: a process without CAP_SYS_RESOURCE may not raise
        # them, and the defaults of `runc spec` would.
        spec["process"].pop("rlimits", None)
        spec["annotations"] = self.annotations
        spec["linux"]["cgroupsPath"] = self.cgroups_path
        with open(path, "w") as f:
            json.dump(spec, f)
        # The container keeps runc's stdout and stderr: a file, not a
        # pipe that would never end.
        log = os.path.join(self.dir, "runc.log")
        with open(log, "w") as out:
            r = subprocess.run(["runc", "run", "-d", "--bundle", self.dir,
                                self.cid], stdout=out, stderr=out,
                               stdin=subprocess.DEVNULL, timeout=60)
        if r.returncode != 0:
            with open(log) as f:
                raise Skip("runc run: " + f.read().strip()[-300:])
        self.started = True
        r = subprocess.run(["runc", "state", self.cid], capture_output=True,
                           text=True, check=True)
        self.pid = json.loads(r.stdout)["pid"]

    def stop(self):
        if self.started:
            self.started = False
            subprocess.run(["runc", "delete", "-f", self.cid],
                           capture_output=True, timeout=60)
            # runc removes the container's cgroup, not the parents the
            # path made: remove those that are empty.
            parts = self.cgroups_path.strip("/").split("/")[:-1]
            bases = ["/sys/fs/cgroup"] + [
                os.path.join("/sys/fs/cgroup", d)
                for d in os.listdir("/sys/fs/cgroup")]
            for base in bases:
                for k in range(len(parts), 0, -1):
                    try:
                        os.rmdir(os.path.join(base, *parts[:k]))
                    except OSError:
                        pass
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
