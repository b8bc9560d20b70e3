"""Helpers for the linuxns_rel tests: an oracle that asks the kernel
directly (fcntl.ioctl, as the original package did), so the module is never
checked against itself; and sandboxes: forked children in namespaces of
their own (the test process itself never unshares)."""
import contextlib
import ctypes
import errno
import fcntl
import os
import pickle
import signal
import struct
import traceback

import pytest

NSIO = 0xb7
NS_GET_USERNS = NSIO << 8 | 0x1
NS_GET_PARENT = NSIO << 8 | 0x2
NS_GET_NSTYPE = NSIO << 8 | 0x3
NS_GET_OWNER_UID = NSIO << 8 | 0x4

# The kernel's values, spelled out here rather than taken from the module.
TYPES = {
    'mnt': 0x00020000,
    'cgroup': 0x02000000,
    'uts': 0x04000000,
    'ipc': 0x08000000,
    'user': 0x10000000,
    'pid': 0x20000000,
    'net': 0x40000000,
    'time': 0x00000080,
}
# /proc/PID/ns entries and the type each names.
NS_ENTRIES = dict(TYPES, pid_for_children=TYPES['pid'],
                  time_for_children=TYPES['time'])

UNPRIV = os.environ.get('NSREL_UNPRIV') == '1'

_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


def ino(ref):
    """Inode of a namespace given as path, fd or file object."""
    if isinstance(ref, str):
        return os.stat(ref).st_ino
    if not isinstance(ref, int):
        ref = ref.fileno()
    return os.fstat(ref).st_ino


def oracle_owner_uid(fd):
    buf = fcntl.ioctl(fd, NS_GET_OWNER_UID, struct.pack('I', 0))
    return struct.unpack('I', buf)[0]


@contextlib.contextmanager
def oracle_open(path):
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        yield fd
    finally:
        os.close(fd)


@contextlib.contextmanager
def oracle_rel(fd, request):
    rfd = fcntl.ioctl(fd, request)
    try:
        yield rfd
    finally:
        os.close(rfd)


def fd_count():
    return len(os.listdir('/proc/self/fd'))


def unshare(flags, map_ids=False):
    uid, gid = os.geteuid(), os.getegid()
    if _libc.unshare(ctypes.c_int(flags)) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    if map_ids and flags & TYPES['user']:
        # Map our ids onto themselves, so that we may nest another user
        # namespace (the kernel wants the creator mapped in the parent).
        for path, text in (('/proc/self/setgroups', 'deny'),
                           ('/proc/self/uid_map', f'{uid} {uid} 1'),
                           ('/proc/self/gid_map', f'{gid} {gid} 1')):
            with open(path, 'w') as f:
                f.write(text)


def _child_setup():
    # Nothing a test forks may outlive it.
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _unshared_call(flags, map_ids, func, args):
    """In a child: one unshare() for each of flags, then func(*args) if
    func is given: ('ok', its value), ('skip', why) where an unshare is
    refused, or ('raise', (exception, traceback))."""
    try:
        for f in flags:
            unshare(f, map_ids)
    except OSError as e:
        return ('skip', f'unshare refused: {e}')
    try:
        return ('ok', func(*args) if func else None)
    except BaseException as e:
        return ('raise', (e, traceback.format_exc()))


def _send(fd, res):
    """In the child: res pickled to fd, after its length."""
    try:
        data = pickle.dumps(res)
    except Exception as e:
        data = pickle.dumps(('raise', (RuntimeError(repr(e)),
                                       traceback.format_exc())))
    data = struct.pack('=Q', len(data)) + data
    while data:
        data = data[os.write(fd, data):]


def _read_exactly(fd, n, pid):
    data = b''
    while len(data) < n:
        chunk = os.read(fd, n - len(data))
        if not chunk:
            raise RuntimeError(f'sandbox child {pid} died before it said '
                               'how it went')
        data += chunk
    return data


def _receive(fd, pid):
    """In the parent: what child pid sent on fd (_send()), read by its
    length (other processes may hold the pipe open); skips or raises for
    the rest, and where the child sent nothing."""
    n = struct.unpack('=Q', _read_exactly(fd, 8, pid))[0]
    kind, val = pickle.loads(_read_exactly(fd, n, pid))
    if kind == 'skip':
        pytest.skip(val)
    if kind == 'raise':
        e, tb = val
        raise AssertionError(f'in the sandbox:\n{tb}') from e
    return val


def run_in_sandbox(flags, func, *args):
    """Fork a child that unshares flags (a list: one unshare() each) and
    returns func(*args) run in it. Skips if the unshare is refused;
    re-raises what func raised, with the child's traceback."""
    rd, wr = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            os.close(rd)
            _child_setup()
            _send(wr, _unshared_call(flags, False, func, args))
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(wr)
    try:
        return _receive(rd, pid)
    finally:
        os.close(rd)
        os.waitpid(pid, 0)


class Sandbox:
    """A child that unshared flags, ran setup(*args) there if given (its
    value is .result) and waits; its namespaces are at /proc/PID/ns/*
    while the context lasts. Skips if an unshare is refused; re-raises
    what setup raised, with the child's traceback."""

    def __init__(self, flags, fork_init=False, map_ids=False, setup=None,
                 args=()):
        self.flags = flags
        self.map_ids = map_ids
        self.fork_init = fork_init
        self.setup = setup
        self.args = args
        self.pid = None
        self.result = None

    def __enter__(self):
        ready_r, ready_w = os.pipe()
        self.hold_r, hold_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(ready_r)
                os.close(hold_w)
                _child_setup()
                res = _unshared_call(self.flags, self.map_ids, self.setup,
                                     self.args)
                init = 0
                # A new PID namespace is only visible once it has a
                # process (its init) to reap the others.
                if self.fork_init and res[0] == 'ok':
                    init = os.fork()
                    if init == 0:
                        _child_setup()
                        os.read(self.hold_r, 1)
                        os._exit(0)
                _send(ready_w, res)
                os.close(ready_w)
                os.read(self.hold_r, 1)  # until the parent closes it
                if init:
                    os.waitpid(init, 0)
            finally:
                os._exit(0)
        os.close(ready_w)
        os.close(self.hold_r)
        self.hold_w = hold_w
        self.pid = pid
        try:
            self.result = _receive(ready_r, pid)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        finally:
            os.close(ready_r)
        return self

    def ns(self, entry):
        return f'/proc/{self.pid}/ns/{entry}'

    def __exit__(self, *exc):
        if self.pid is not None:
            os.close(self.hold_w)
            os.waitpid(self.pid, 0)
            self.pid = None
        return False


def errno_of(exc_info):
    return exc_info.value.errno


__all__ = ['errno', 'TYPES', 'NS_ENTRIES', 'UNPRIV', 'ino', 'fd_count',
           'oracle_owner_uid', 'oracle_open', 'oracle_rel', 'unshare',
           'run_in_sandbox', 'Sandbox']
