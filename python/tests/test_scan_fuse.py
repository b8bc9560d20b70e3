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


def read_request(fd):
    """The next request on /dev/fuse fd FD, or None if none came within
    50 ms (or the mount is not there yet)."""
    if not select.select([fd], [], [], 0.05)[0]:
        return None
    try:
        return os.read(fd, 1 << 20)
    except OSError as e:
        if e.errno in (errno.EINTR, errno.ENOENT, errno.EAGAIN):
            return None
        if e.errno in (errno.EPERM, errno.ENODEV):  # not mounted (yet)
            time.sleep(0.01)
            return None
        raise


def serve_fuse(fd, stop, hang_for=None, dropped=None):
    """Answers INIT, and every other request with ENOSYS (for ACCESS: the
    kernel then allows it), until stop is set; but leaves unanswered, for
    ever, each request of a process that hang_for(pid) picks (and appends
    its pid to dropped)."""
    while not stop.is_set():
        req = read_request(fd)
        if not req:
            continue
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


FUSE_LOOKUP = 1
FUSE_GETATTR = 3
FUSE_OPEN = 14
FUSE_READ = 15
# fuse_attr: ino size blocks atime mtime ctime atimensec mtimensec
# ctimensec mode nlink uid gid rdev blksize flags
ATTR = struct.Struct('=QQQQQQIIIIIIIIII')
ENTRY_OUT = struct.Struct('=QQQQII')  # nodeid generation entry/attr valid
ATTR_OUT = struct.Struct('=QII')      # attr_valid attr_valid_nsec dummy
OPEN_OUT = struct.Struct('=QII')      # fh open_flags padding
FILE_NAME = b'argv'
FILE_SIZE = 1 << 20


def serve_file_never_read(fd, stop, reads):
    """A FUSE daemon of one regular file, FILE_NAME, of FILE_SIZE bytes,
    whose every READ it leaves unanswered for ever (appending the pid that
    asked, and its parent's, to reads); it answers INIT, and all else with ENOSYS, until stop
    is set."""
    def attr(nodeid):
        mode = 0o40755 if nodeid == 1 else 0o100444
        size = 0 if nodeid == 1 else FILE_SIZE
        return ATTR.pack(nodeid, size, size // 512, 0, 0, 0, 0, 0, 0, mode,
                         1, 0, 0, 0, 4096, 0)

    def reply(unique, body=b'', err=0):
        os.write(fd, OUT_HEADER.pack(OUT_HEADER.size + len(body), err,
                                     unique) + body)

    while not stop.is_set():
        req = read_request(fd)
        if not req:
            continue
        _, opcode, unique, nodeid, _, _, pid = IN_HEADER.unpack_from(req)[:7]
        name = req[IN_HEADER.size:].split(b'\0')[0]
        if opcode in (FUSE_FORGET, FUSE_BATCH_FORGET):
            continue
        if opcode == FUSE_READ:
            reads.append((pid, parent_of(pid)))
        elif opcode == FUSE_INIT:
            body = struct.pack('=IIIIHHIIHHI7I', 7, 31, 0, 0, 16, 12,
                               4096, 1, 1, 0, 0, *([0] * 7))
            reply(unique, body)
        elif opcode == FUSE_LOOKUP and nodeid == 1 and name == FILE_NAME:
            reply(unique, ENTRY_OUT.pack(2, 0, 3600, 3600, 0, 0) + attr(2))
        elif opcode == FUSE_GETATTR and nodeid in (1, 2):
            reply(unique, ATTR_OUT.pack(3600, 0, 0) + attr(nodeid))
        elif opcode == FUSE_OPEN and nodeid == 2:
            reply(unique, OPEN_OUT.pack(1, 0, 0))
        else:
            reply(unique, err=-errno.ENOSYS)


# A process that maps FILE_NAME of a FUSE mount of its own (fd argv[1],
# mounted at argv[2] in a mount namespace of its own) over the pages of its
# argument area that hold argv[3] only (large: many pages), says 'ready'
# and waits for its stdin to close. Whoever reads those pages waits for the
# daemon.
ARGV_OVER_FUSE = r"""
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int,
                      ctypes.c_int, ctypes.c_int, ctypes.c_long]
def check(r, what):
    if r < 0:
        raise OSError(ctypes.get_errno(), what)
fuse, d = int(sys.argv[1]), sys.argv[2]
check(libc.unshare(0x00020000), 'unshare')
check(libc.mount(None, b'/', None, ctypes.c_ulong((1 << 14) | (1 << 18)),
                 None), 'mount --make-rprivate /')
check(libc.mount(b'nsrel-test', d.encode(), b'fuse', ctypes.c_ulong(0),
                 f'fd={fuse},rootmode=40000,user_id=0,group_id=0'.encode()),
      'mount fuse')
os.close(fuse)
f = os.open(os.path.join(d, 'argv'), os.O_RDONLY)
stat = open('/proc/self/stat').read().rsplit(')', 1)[1].split()
arg_start, arg_end = int(stat[45]), int(stat[46])  # fields 48, 49
page = os.sysconf('SC_PAGE_SIZE')
# From the first page boundary at or after arg_start (the first 4096 bytes
# from there reach it) to the last before arg_end.
lo, hi = -(-arg_start // page) * page, arg_end // page * page
assert hi - lo >= 4 * page, (arg_start, arg_end)
MAP_PRIVATE, MAP_FIXED, PROT_READ = 2, 0x10, 1
addr = libc.mmap(lo, hi - lo, PROT_READ, MAP_PRIVATE | MAP_FIXED, f, 0)
if addr != lo:
    raise OSError(ctypes.get_errno(), 'mmap')
os.close(f)
print('ready', lo, hi, flush=True)
sys.stdin.read()
"""

SCAN_CMDLINE_IN_CHILD = """
import json, sys, time
import linuxns_rel
pid = int(sys.argv[2])
t = time.monotonic()
try:
    m = linuxns_rel.scan(backend=sys.argv[1])
except OSError as e:
    print(json.dumps({'errno': e.errno}))
    sys.exit(0)
t = time.monotonic() - t
p = m.find_process(pid)
# The reference: what /proc/PID/cmdline shows of it (anonymous memory only).
ref = linuxns_rel.scan(backend='proc').find_process(pid)
print(json.dumps({'seconds': t, 'backend': m.backend,
                  'stuck': m.view['cmdline_stuck'],
                  'cmdline': p and list(p.cmdline),
                  'proc_cmdline': ref and list(ref.cmdline)}))
"""


@pytest.mark.skipif(nshelp.UNPRIV or os.geteuid() != 0,
                    reason='needs root (mounts FUSE, unshares)')
@pytest.mark.skipif(not os.path.exists('/dev/fuse'), reason='no /dev/fuse')
@pytest.mark.parametrize('backend', ['proc', 'bpf'])
def test_argv_over_hung_fuse(backend):
    """A process maps a file of its own FUSE mount over its argument area,
    and the daemon never answers a read of it. /proc/PID/cmdline reads
    anonymous memory only; a BPF read of that memory would wait for the
    daemon, in the scan's read() of the iterator, uninterruptibly once the
    daemon has taken the request. The scan must end, and give that process
    its command line as /proc shows it (what precedes the mapping) or none,
    never another's. The daemon goes at the end, in any case: what waits
    for it then ends."""
    dirpath = tempfile.mkdtemp(prefix='nsrel-fuse ')
    fuse = os.open('/dev/fuse', os.O_RDWR)
    reads = []
    stop = threading.Event()
    server = threading.Thread(target=serve_file_never_read, daemon=True,
                              args=(fuse, stop, reads))
    server.start()
    victim = scan = None
    try:
        victim = subprocess.Popen(
            [sys.executable, '-c', ARGV_OVER_FUSE, str(fuse), dirpath,
             'x' * 65536], pass_fds=[fuse], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE)
        line = read_line(victim.stdout, 30)
        assert line and line.startswith(b'ready'), line
        lo, hi = (int(x) for x in line.split()[1:])
        with open(f'/proc/{victim.pid}/maps') as f:
            assert any(m.startswith(f'{lo:x}-{hi:x} ')
                       and m.rstrip().endswith('/argv') for m in f), \
                'the file is not mapped over argv'
        scan = subprocess.Popen(
            [sys.executable, '-c', SCAN_CMDLINE_IN_CHILD, backend,
             str(victim.pid)], stdout=subprocess.PIPE)
        try:
            rc = scan.wait(timeout=60)
        except subprocess.TimeoutExpired:
            rc = None
        out = read_to_end(scan.stdout, 10) if rc is not None else None
        # The daemon goes: a read that waits for it ends (ECONNABORTED).
        stop.set()
        server.join()
        os.close(fuse)
        fuse = -1
        assert rc is not None, \
            f'the scan waited for the FUSE daemon (reads by {reads})'
        assert rc == 0
        assert out is not None, 'a stuck child holds the scan\'s stdout'
        res = json.loads(out)
        if backend == 'bpf' and res.get('errno') in (errno.EPERM,
                                                     errno.EOPNOTSUPP):
            pytest.skip('no BPF backend here')
        assert 'errno' not in res, os.strerror(res['errno'])
        assert res['backend'] == backend, res
        assert res['proc_cmdline'] is not None, 'the process is not found'
        assert res['cmdline'] in (res['proc_cmdline'], []), res
        # /proc stops at the mapping: the big argument is not all there.
        assert 'x' * 65536 not in res['proc_cmdline'], res
        assert res['seconds'] < 30, res
        if backend == 'bpf':
            # Mapped memory is not read at all: the reader ends on its
            # own, and no read of the file reaches the daemon.
            assert not res['stuck'], res
            # (Other BPF scanners on the host may read it.)
            ours = [r for r in reads if scan.pid in r]
            assert not ours, f'the scan read the file: {ours}'
    finally:
        stop.set()
        if fuse >= 0:
            server.join()
            os.close(fuse)
        for p in (scan, victim):
            if p and p.poll() is None:
                p.kill()
                p.wait()
            if p:
                p.stdout.close()
                if p.stdin:
                    p.stdin.close()
        os.rmdir(dirpath)


def read_line(f, timeout):
    """A line of f, or None if none comes within timeout seconds."""
    if not select.select([f], [], [], timeout)[0]:
        return None
    return f.readline()
