"""A mount point behind a FUSE filesystem whose daemon is gone: every lookup
there answers ENOTCONN. The scan must skip that path and find the
namespace another way, not fail."""
import ctypes
import errno
import os
import select
import struct
import tempfile
import threading

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


def serve_fuse(fd, stop):
    """Answers INIT, and every other request with ENOSYS (for ACCESS: the
    kernel then allows it), until stop is set."""
    while not stop.is_set():
        if not select.select([fd], [], [], 0.05)[0]:
            continue
        try:
            req = os.read(fd, 1 << 20)
        except OSError as e:
            if e.errno in (errno.EINTR, errno.ENOENT, errno.EAGAIN):
                continue
            raise
        _, opcode, unique = IN_HEADER.unpack_from(req)[:3]
        if opcode in (FUSE_FORGET, FUSE_BATCH_FORGET):
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


def dead_fuse_root(dirpath):
    """In a mount namespace of its own: a uts namespace held only by a bind
    mount at DIR/uts, and this process chrooted into a FUSE mount whose
    daemon then goes away. The namespace's inode."""
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
    fuse = os.open('/dev/fuse', os.O_RDWR)
    mount('nsrel-test', fuse_dir, 'fuse', 0,
          f'fd={fuse},rootmode=40000,user_id=0,group_id=0')
    stop = threading.Event()
    server = threading.Thread(target=serve_fuse, args=(fuse, stop))
    server.start()
    os.chroot(fuse_dir)
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
