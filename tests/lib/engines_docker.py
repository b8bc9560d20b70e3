# SPDX-License-Identifier: LGPL-2.1-or-later
"""Docker and containerd daemons of a test's own, from Python.

Each daemon runs on private storage under a directory the test makes
(data/exec roots, state, socket, pid file), in a mount namespace of its
own (unshare -m, private propagation): its overlay and netns mounts never
reach the host's mount table and vanish with the daemon. The host's
default engine state (/var/lib/docker, /run/docker.sock, /etc/docker,
/var/lib/containerd, /run/containerd) is never used: /etc/docker and
/run/docker are covered by the test's own directories in that mount
namespace. stop() takes everything down (containers, shims, daemon) and is
safe to call twice; use the daemons as context managers, and
install_signal_handlers() so that SIGTERM and SIGINT (meson's timeout, a
Ctrl-C) end the test through the same clean-up.

Images cannot be pulled: bb_rootfs_tar() makes a tar of a root with
busybox-static (/bin/busybox, /bin/sh), which `docker import` takes as it
is, and oci_image_tar() wraps it as an OCI image layout that
`ctr images import` takes.
"""

import ctypes
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import tarfile
import tempfile
import time


class Skip(Exception):
    """This engine cannot run here; the message says why."""


def _die_with_parent():
    """In the daemon's child before exec (unshare and sh exec in place):
    SIGTERM when the test dies without unwinding (SIGKILL, an abort)."""
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_PDEATHSIG = 1
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")


def install_signal_handlers():
    """SIGTERM, SIGINT and SIGHUP raise SystemExit, so that every finally
    and __exit__ on the way out stops the daemons."""
    def handler(signum, frame):
        raise SystemExit(128 + signum)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, handler)


def run_as_root_test(what, run, *args):
    """The frame of an engine test: a TAP skip unless root; the signal
    handlers; run(*args, tmp) with a directory of its own, removed after;
    a Skip from run is the plan's skip. Returns the exit status."""
    if os.geteuid() != 0:
        print("1..0 # SKIP %s needs root" % what)
        return 0
    install_signal_handlers()
    tmp = tempfile.mkdtemp(prefix="nsrel-engines-")
    try:
        return run(*args, tmp)
    except Skip as e:
        print("1..0 # SKIP %s" % str(e).replace("\n", " | "))
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def own_namespaces(pid):
    """The namespaces of pid that are not the caller's, as "type:[inode]"
    (a container shares the host's user and time namespaces, say)."""
    out = []
    for t in sorted(os.listdir("/proc/%d/ns" % pid)):
        if t.endswith("_for_children"):
            continue
        link = os.readlink("/proc/%d/ns/%s" % (pid, t))
        if link != os.readlink("/proc/self/ns/%s" % t):
            out.append(link)
    return out


def bb_rootfs_tar(path):
    """A root file system tar with busybox-static as /bin/busybox and
    /bin/sh (the issue's recipe); Skip if busybox is not static."""
    bb = shutil.which("busybox") or "/bin/busybox"
    if not os.path.exists(bb):
        raise Skip("no busybox (busybox-static)")
    out = subprocess.run(["file", "-L", bb], capture_output=True, text=True)
    if out.returncode == 0 and "dynamically linked" in out.stdout:
        raise Skip("%s is not static (install busybox-static)" % bb)
    with tempfile.TemporaryDirectory() as r:
        os.makedirs(os.path.join(r, "bin"))
        shutil.copy(bb, os.path.join(r, "bin", "busybox"))
        os.symlink("busybox", os.path.join(r, "bin", "sh"))
        subprocess.run(["tar", "-C", r, "-cf", path, "."], check=True)
    return path


def oci_image_tar(rootfs_tar, path, ref):
    """An OCI image layout (one layer: rootfs_tar) as a tar, named ref."""
    layer = open(rootfs_tar, "rb").read()
    lsha = hashlib.sha256(layer).hexdigest()
    config = json.dumps({
        "architecture": "amd64" if os.uname().machine == "x86_64"
        else os.uname().machine,
        "os": "linux",
        "config": {"Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + lsha]},
    }).encode()
    csha = hashlib.sha256(config).hexdigest()
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": "sha256:" + csha, "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": "sha256:" + lsha, "size": len(layer)}],
    }).encode()
    msha = hashlib.sha256(manifest).hexdigest()
    index = json.dumps({
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": "sha256:" + msha, "size": len(manifest),
            "annotations": {"io.containerd.image.name": ref,
                            "org.opencontainers.image.ref.name": ref}}],
    }).encode()
    with tarfile.open(path, "w") as t:
        def add(name, data):
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
        add("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        add("index.json", index)
        for sha, data in ((lsha, layer), (csha, config), (msha, manifest)):
            add("blobs/sha256/" + sha, data)
    return path


def _need(daemon, client):
    """The daemon's path (PATH, or /usr/sbin), or Skip if it or its
    client is missing."""
    path = shutil.which(daemon) or shutil.which(daemon, path="/usr/sbin")
    if not path:
        raise Skip("no %s installed" % daemon)
    if not shutil.which(client):
        raise Skip("no %s (the client of %s) installed" % (client, daemon))
    return path


def _pids_under(path):
    """Processes whose command line or executable names path: what a
    daemon of ours left running (shims, containerd)."""
    found = []
    for e in os.listdir("/proc"):
        if not e.isdigit() or int(e) == os.getpid():
            continue
        try:
            cmd = open("/proc/%s/cmdline" % e, "rb").read()
        except OSError:
            continue
        if path.encode() in cmd:
            found.append(int(e))
    return found


def _pids_in_cgroups(ids):
    """Processes whose cgroup path names one of these container ids."""
    found = []
    if not ids:
        return found
    for e in os.listdir("/proc"):
        if not e.isdigit():
            continue
        try:
            cg = open("/proc/%s/cgroup" % e).read()
        except OSError:
            continue
        if any("/" + i in cg for i in ids):
            found.append(int(e))
    return found


def _kill_all(pids, sig):
    for p in pids:
        try:
            os.kill(p, sig)
        except OSError:
            pass


def _wait_gone(pids, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pids = [p for p in pids if os.path.exists("/proc/%d" % p)]
        if not pids:
            return []
        time.sleep(0.05)
    return pids


class Started:
    """A context manager for what has start() and stop(): start() on
    entry (stop() if it fails), stop() on exit."""

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


class _Daemon(Started):
    """What dockerd and containerd share: a private directory, a daemon
    in a mount namespace of its own, its log, and taking it all down."""

    name = "daemon"

    def __init__(self, parent=None):
        self.dir = tempfile.mkdtemp(prefix="nsrel-%s-" % self.name,
                                    dir=parent or "/tmp")
        self.proc = None
        self.log_path = os.path.join(self.dir, "log")
        self.sock = None
        self.ids = []  # the containers started, to kill by cgroup

    def log(self, tail=40):
        try:
            lines = open(self.log_path, errors="replace").read().splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-tail:])

    def _spawn(self, argv, covers):
        """argv in a new mount namespace (private propagation) where each
        existing directory of covers is bind-covered by one of ours."""
        script = ["set -e"]
        for i, d in enumerate(covers):
            mine = os.path.join(self.dir, "cover%d" % i)
            os.makedirs(mine, exist_ok=True)
            script.append('if [ -d %s ]; then mount --bind %s %s; fi'
                          % (d, mine, d))
        script.append('exec "$@"')
        logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             "\n".join(script), "sh"] + argv,
            stdin=subprocess.DEVNULL, stdout=logf, stderr=logf,
            start_new_session=True, preexec_fn=_die_with_parent)
        logf.close()

    def _wait_socket(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise Skip("%s exited (%d) at start:\n%s"
                           % (self.name, self.proc.returncode, self.log()))
            if os.path.exists(self.sock) and self.ready():
                return
            time.sleep(0.1)
        raise Skip("%s did not answer on %s within %d s:\n%s"
                   % (self.name, self.sock, seconds, self.log()))

    def ready(self):
        return True

    def kill_daemon(self):
        """The daemon killed (SIGKILL) as a crash would, its containers
        left running under their shims; the socket removed. stop() still
        takes the containers down."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        if self.sock and os.path.exists(self.sock):
            os.unlink(self.sock)

    def _client(self, args, check):
        """The daemon's client (cli()) with args: its stdout, stripped;
        AssertionError with its stderr and our log if it fails."""
        argv = self.cli(*args)
        r = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        if check and r.returncode != 0:
            raise AssertionError("%s: %s\n%s" % (
                " ".join(argv), r.stderr.strip(), self.log(15)))
        return r.stdout.strip()

    def stop_containers(self):
        pass

    def stop(self):
        """Containers, the daemon, its shims; then the directory. Safe to
        call again."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.stop_containers()
            except Exception:  # noqa: BLE001 - killing follows anyway
                pass
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except OSError:
                pass
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                self.proc.wait()
        # Shims run in sessions of their own; they and the containers'
        # processes under them die with SIGKILL.
        left = _pids_under(self.dir) + _pids_in_cgroups(self.ids)
        _kill_all(left, signal.SIGTERM)
        left = _wait_gone(left, 5)
        _kill_all(left, signal.SIGKILL)
        _wait_gone(left, 5)
        if os.path.isdir(self.dir):
            # The mounts lived in the daemon's mount namespace, gone with
            # it; whatever still is mounted here is not removed.
            with open("/proc/self/mountinfo", "rb") as f:
                mounted = [line.split()[4] for line in f
                           if line.split()[4].startswith(
                               self.dir.encode() + b"/")]
            if not mounted:
                shutil.rmtree(self.dir, ignore_errors=True)


class Dockerd(_Daemon):
    """dockerd on private --data-root, --exec-root, --pidfile and socket;
    no iptables, no bridge; cgroupfs as the cgroup driver (these machines
    are hybrid, without systemd's cgroup v2 delegation)."""

    name = "dockerd"

    def start(self):
        dockerd = _need("dockerd", "docker")
        self.sock = os.path.join(self.dir, "docker.sock")
        cfg = os.path.join(self.dir, "daemon.json")
        with open(cfg, "w") as f:
            f.write("{}\n")
        self._spawn([dockerd,
                     "--config-file", cfg,
                     "--data-root", os.path.join(self.dir, "data"),
                     "--exec-root", os.path.join(self.dir, "exec"),
                     "--pidfile", os.path.join(self.dir, "docker.pid"),
                     "-H", "unix://" + self.sock,
                     "--iptables=false", "--ip6tables=false",
                     "--bridge=none", "--ip-forward=false",
                     "--ip-masq=false",
                     "--exec-opt", "native.cgroupdriver=cgroupfs"],
                    ["/etc/docker", "/run/docker"])
        self._wait_socket(60)

    def ready(self):
        return subprocess.run(self.cli("version"), capture_output=True,
                              timeout=10).returncode == 0

    def cli(self, *args):
        return ["docker", "-H", "unix://" + self.sock] + list(args)

    def docker(self, *args, check=True):
        """docker ARGS against this daemon: its stdout, stripped."""
        return self._client(args, check)

    def run(self, *args):
        """docker run -d ARGS: the container's full id, and its init pid."""
        cid = self.docker("run", "-d", "--network", "none", *args)
        self.ids.append(cid)
        pid = int(self.docker("inspect", "-f", "{{.State.Pid}}", cid))
        return cid, pid

    def stop_containers(self):
        ids = self.docker("ps", "-aq", check=False).split()
        if ids:
            self.docker("rm", "-f", *ids, check=False)


class Containerd(_Daemon):
    """containerd with a generated config: private root, state, gRPC
    address; no CRI plugin."""

    name = "containerd"

    def start(self):
        binary = _need("containerd", "ctr")
        self.sock = os.path.join(self.dir, "containerd.sock")
        cfg = os.path.join(self.dir, "config.toml")
        with open(cfg, "w") as f:
            f.write('version = 2\n'
                    'root = "%s"\n'
                    'state = "%s"\n'
                    'disabled_plugins = ["io.containerd.grpc.v1.cri"]\n'
                    '[grpc]\n  address = "%s"\n'
                    '[ttrpc]\n  address = "%s"\n'
                    '[debug]\n  address = ""\n'
                    '[metrics]\n  address = ""\n'
                    % (os.path.join(self.dir, "root"),
                       os.path.join(self.dir, "state"), self.sock,
                       self.sock + ".ttrpc"))
        self._spawn([binary, "-c", cfg], ["/etc/containerd"])
        self._wait_socket(60)

    def ready(self):
        return subprocess.run(self.cli("version"), capture_output=True,
                              timeout=10).returncode == 0

    def cli(self, *args):
        return ["ctr", "-a", self.sock] + list(args)

    def ctr(self, *args, check=True):
        """ctr ARGS against this daemon: its stdout, stripped."""
        return self._client(args, check)

    def run(self, image, cid, *argv):
        """ctr run -d: the container cid's init pid."""
        self.ids.append(cid)
        self.ctr("run", "-d", image, cid, *argv)
        for line in self.ctr("task", "ls").splitlines()[1:]:
            f = line.split()
            if f and f[0] == cid:
                return int(f[1])
        raise AssertionError("ctr task ls does not list " + cid)

    def stop_containers(self):
        for line in self.ctr("task", "ls", check=False).splitlines()[1:]:
            f = line.split()
            if f:
                self.ctr("task", "kill", "-s", "SIGKILL", f[0], check=False)
        time.sleep(0.2)
        for line in self.ctr("task", "ls", check=False).splitlines()[1:]:
            f = line.split()
            if f:
                self.ctr("task", "rm", "-f", f[0], check=False)
        for c in self.ctr("containers", "ls", "-q", check=False).split():
            self.ctr("containers", "rm", c, check=False)
