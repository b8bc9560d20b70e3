"""A mount point behind a FUSE filesystem whose daemon is gone (every lookup
there answers ENOTCONN) or hangs (no lookup there ever returns). The scan
must skip that path and find the namespace another way where there is
one: not fail, and not wait for the daemon."""
import ctypes
import errno
import json
import os
import select
import struct
import subprocess
import sys
import tempfile
import threading
import time

import pytest

import linuxns_rel
import nshelp

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2

FUSE_INIT = 26
FUSE_FORGET = 2
FUSE_BATCH_FORGET = 42
IN_HEADER = struct.Struct('=IIQQIIII')  # len opcode unique nodeid uid gid pid pad
OUT_HEADER = struct.Struct('=IiQ')      # len error unique


def check(r, what):
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, f'{what}: {os.strerror(e)}')


def mount(src, target, fstype, flags, data=None):
    check(libc.mount(src and src.encode(), target.encode(),
                     fstype and fstype.encode(), ctypes.c_ulong(flags),
                     data and data.encode()), f'mount {target}')


def serve_fuse(fd, stop, hang_for=None, dropped=None):
    """Answers INIT, and every other request with ENOSYS (for ACCESS: the
    kernel then allows it), until stop is set; but leaves unanswered, for
    ever, each request of a process that hang_for(pid) picks (and appends
    its pid to dropped)."""
    while not stop.is_set():
        if not select.select([fd], [], [], 0.05)[0]:
            continue
        try:
            req = os.read(fd, 1 << 20)
        except OSError as e:
            if e.errno in (errno.EINTR, errno.ENOENT, errno.EAGAIN):
                continue
            if e.errno == errno.EPERM:  # not mounted yet
                time.sleep(0.01)
                continue
            raise
        _, opcode, unique, _, _, _, pid = IN_HEADER.unpack_from(req)[:7]
        if opcode in (FUSE_FORGET, FUSE_BATCH_FORGET):
            continue
        if hang_for and hang_for(pid):
            dropped.append(pid)
            continue
        if opcode == FUSE_INIT:
            # fuse_init_out: major, minor, max_readahead, flags,
            # max_background, congestion_threshold, max_write, time_gran,
            # max_pages, map_alignment, flags2, unused[7]
            body = struct.pack('=IIIIHHIIHHI7I', 7, 31, 0, 0, 16, 12,
                               4096, 1, 1, 0, 0, *([0] * 7))
            os.write(fd, OUT_HEADER.pack(OUT_HEADER.size + len(body), 0,
                                         unique) + body)
        else:
            os.write(fd, OUT_HEADER.pack(OUT_HEADER.size, -errno.ENOSYS,
                                         unique))


def fuse_below(dirpath, fuse):
    """In a mount namespace of its own: a uts namespace held only by a bind
    mount at DIR/uts, and a FUSE mount of /dev/fuse fd FUSE at DIR/fuse.
    The namespace's inode, and the FUSE mount's path."""
    mount(None, '/', None, MS_REC | MS_PRIVATE)
    mount('tmpfs', dirpath, 'tmpfs', 0, 'mode=0700')
    uts_path = os.path.join(dirpath, 'uts')
    fuse_dir = os.path.join(dirpath, 'fuse')
    open(uts_path, 'w').close()
    os.mkdir(fuse_dir)
    own_uts = os.open('/proc/self/ns/uts', os.O_RDONLY)
    check(libc.unshare(CLONE_NEWUTS), 'unshare uts')
    ino = os.stat('/proc/self/ns/uts').st_ino
    mount('/proc/self/ns/uts', uts_path, None, MS_BIND)
    check(libc.setns(own_uts, CLONE_NEWUTS), 'setns')
    mount('nsrel-test', fuse_dir, 'fuse', 0,
          f'fd={fuse},rootmode=40000,user_id=0,group_id=0')
    return ino, fuse_dir


def dead_fuse_root(dirpath):
    """fuse_below(), and this process chrooted into the FUSE mount, whose
    daemon then goes away. The namespace's inode."""
    fuse = os.open('/dev/fuse', os.O_RDWR)
    stop = threading.Event()
    server = threading.Thread(target=serve_fuse, args=(fuse, stop))
    server.start()
    try:
        ino, fuse_dir = fuse_below(dirpath, fuse)
        os.chroot(fuse_dir)
    finally:
        stop.set()
        server.join()
    # The daemon is gone: every lookup below our root is ENOTCONN.
    os.close(fuse)
    try:
        os.stat('/tmp')
        raise AssertionError('the FUSE mount still answers')
    except OSError as e:
        assert e.errno == errno.ENOTCONN, e
    return ino


@pytest.mark.skipif(nshelp.UNPRIV or os.geteuid() != 0,
                    reason='needs root (mounts FUSE, unshares)')
@pytest.mark.skipif(not os.path.exists('/dev/fuse'), reason='no /dev/fuse')
@pytest.mark.parametrize('backend', ['proc', 'bpf'])
def test_dead_fuse_root(backend):
    dirpath = tempfile.mkdtemp(prefix='nsrel-fuse ')
    try:
        with nshelp.Sandbox([CLONE_NEWNS], setup=dead_fuse_root,
                            args=(dirpath,)) as holder:
            ino = holder.result
            try:
                model = linuxns_rel.scan(backend=backend)
            except OSError as e:
                if backend == 'bpf' and e.errno in (errno.EPERM,
                                                    errno.EOPNOTSUPP):
                    pytest.skip(f'no BPF backend here: {e}')
                raise
            ns = model.find(nshelp.TYPES['uts'], ino)
            assert ns is not None, f'uts:[{ino}] not found'
            refs = [r for r in ns.refs if r.kind == 'bindmount']
            assert refs and refs[0].path == os.path.join(dirpath, 'uts'), \
                ns.refs
            # Learned from the mount itself (entering its mount
            # namespace): the namespace's owner is known.
            assert ns.owner is not None, \
                'the bind-mounted uts was not opened'
    finally:
        os.rmdir(dirpath)


def hung_fuse_root(dirpath, fuse):
    """fuse_below(), and this process chrooted into the FUSE mount, which
    the test serves through its own copy of fd FUSE. The namespace's
    inode."""
    ino, fuse_dir = fuse_below(dirpath, fuse)
    os.chroot(fuse_dir)
    os.close(fuse)
    return ino


def parent_of(pid):
    try:
        with open(f'/proc/{pid}/status') as f:
            for line in f:
                if line.startswith('PPid:'):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def read_to_end(f, timeout):
    """What f has until its end, or None if that does not come within
    timeout seconds."""
    data, deadline = b'', time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([f], [], [], left)[0]:
            return None
        chunk = os.read(f.fileno(), 65536)
        if not chunk:
            return data
        data += chunk


SCAN_IN_CHILD = """
import json, sys
import linuxns_rel
sys.stdin.read(1)
try:
    m = linuxns_rel.scan(backend=sys.argv[1])
except OSError as e:
    print(json.dumps({'errno': e.errno}))
    sys.exit(0)
ns = m.find(int(sys.argv[2]), int(sys.argv[3]))
print(json.dumps({'stuck': m.view['mntns_stuck'],
                  'found': ns is not None,
                  'paths': ns and [r.path for r in ns.refs
                                   if r.kind == 'bindmount']}))
"""


@pytest.mark.skipif(nshelp.UNPRIV or os.geteuid() != 0,
                    reason='needs root (mounts FUSE, unshares)')
@pytest.mark.skipif(not os.path.exists('/dev/fuse'), reason='no /dev/fuse')
@pytest.mark.parametrize('backend', ['proc', 'bpf'])
def test_hung_fuse_root(backend):
    """The same with a daemon that lives and never answers the scan (nor
    its children): a lookup below the holder's root waits for ever, even
    through SIGKILL once the daemon has read it. The scan must end on its
    own, the mount listed and its mount namespace counted as stuck. Other
    processes' requests are answered, so that only this scan waits (and,
    inside the kernel, a lookup of the same name behind it)."""
    dirpath = tempfile.mkdtemp(prefix='nsrel-fuse ')
    fuse = os.open('/dev/fuse', os.O_RDWR)
    scanner, dropped = [0], []
    stop = threading.Event()
    server = threading.Thread(
        target=serve_fuse, daemon=True,
        args=(fuse, stop,
              lambda pid: scanner[0] and scanner[0] in (pid, parent_of(pid)),
              dropped))
    server.start()
    proc = None
    try:
        with nshelp.Sandbox([CLONE_NEWNS], setup=hung_fuse_root,
                            args=(dirpath, fuse)) as holder:
            proc = subprocess.Popen(
                [sys.executable, '-c', SCAN_IN_CHILD, backend,
                 str(nshelp.TYPES['uts']), str(holder.result)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            scanner[0] = proc.pid
            proc.stdin.close()
            try:
                rc = proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                rc = None
            # A helper left stuck holds none of the scan's fds: its
            # output ends when it does.
            out = read_to_end(proc.stdout, 10) if rc is not None else b''
            # The daemon goes: what waits for it ends (ECONNABORTED).
            stop.set()
            server.join()
            os.close(fuse)
            fuse = -1
            if rc is None:
                proc.kill()
                proc.wait()
                pytest.fail('the scan waited for the hung FUSE daemon')
        assert out is not None, 'a stuck helper holds the scan\'s stdout'
        assert rc == 0
        res = json.loads(out)
        if backend == 'bpf' and res.get('errno') in (errno.EPERM,
                                                     errno.EOPNOTSUPP):
            pytest.skip('no BPF backend here')
        assert 'errno' not in res, os.strerror(res['errno'])
        assert dropped, 'no request of the scan reached the daemon'
        assert res['found'], f'uts:[{holder.result}] not found'
        assert res['paths'] == [os.path.join(dirpath, 'uts')], res
        assert res['stuck'] >= 1, res
    finally:
        stop.set()
        if fuse >= 0:
            server.join()
            os.close(fuse)
        if proc:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
        os.rmdir(dirpath)
