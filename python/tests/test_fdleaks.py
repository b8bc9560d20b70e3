"""No fd leaks and no reference leaks: on success, on every error path,
many times over."""
import gc
import subprocess
import tracemalloc

import pytest

import linuxns_rel
import nshelp

ROUNDS = 200


def exercise():
    linuxns_rel.get_nstype('/proc/self/ns/net')
    linuxns_rel.get_owner_uid('/proc/self/ns/user')
    with linuxns_rel.get_userns('/proc/self/ns/net') as f:
        linuxns_rel.get_nstype(f)
        linuxns_rel.get_owner_uid(f)
    with open('/proc/self/ns/pid') as f:
        linuxns_rel.get_nstype(f)
        linuxns_rel.get_nstype(f.fileno())
        with linuxns_rel.get_userns(f) as g:
            linuxns_rel.get_nstype(g)
    for func, arg, exc in [
            (linuxns_rel.get_parentns, '/proc/self/ns/user',
             PermissionError),
            (linuxns_rel.get_parentns, '/proc/self/ns/uts', OSError),
            (linuxns_rel.get_userns, '/proc/self/ns/user', PermissionError),
            (linuxns_rel.get_owner_uid, '/proc/self/ns/net', OSError),
            (linuxns_rel.get_nstype, '/proc/self/ns/nonexistent',
             FileNotFoundError),
            (linuxns_rel.get_nstype, '/proc/self/ns', IsADirectoryError),
            (linuxns_rel.get_userns, '/dev/null', OSError),
            (linuxns_rel.get_nstype, b'x', TypeError),
            (linuxns_rel.nstype_str, 0, ValueError)]:
        with pytest.raises(exc):
            func(arg)


def test_no_fd_leaks():
    exercise()  # warm up: imports, caches
    gc.collect()
    before = nshelp.fd_count()
    for _ in range(ROUNDS):
        exercise()
    gc.collect()
    assert nshelp.fd_count() == before


def test_returned_files_own_their_fd():
    """Dropping a returned file object closes its fd, as a file does."""
    gc.collect()
    before = nshelp.fd_count()
    files = [linuxns_rel.get_userns('/proc/self/ns/net') for _ in range(50)]
    assert nshelp.fd_count() == before + 50
    for f in files:
        f.close()
    assert nshelp.fd_count() == before
    with pytest.warns(ResourceWarning):
        linuxns_rel.get_userns('/proc/self/ns/net')
        gc.collect()
    assert nshelp.fd_count() == before


def test_no_fd_leaks_in_sandbox_relations():
    with nshelp.Sandbox([nshelp.TYPES['user'] | nshelp.TYPES['net']]) as sb:
        before = nshelp.fd_count()
        for _ in range(ROUNDS):
            with linuxns_rel.get_userns(sb.ns('net')) as f, \
                    linuxns_rel.get_parentns(f) as p:
                linuxns_rel.get_owner_uid(p)
            with pytest.raises(OSError):
                linuxns_rel.get_parentns(sb.ns('net'))
        assert nshelp.fd_count() == before


def test_no_fd_leak_across_exec():
    """Returned fds are O_CLOEXEC: a child program does not inherit them."""
    with linuxns_rel.get_userns('/proc/self/ns/net') as f:
        fd = f.fileno()
        # close_fds=False: only O_CLOEXEC may keep it from the child
        r = subprocess.call(['test', '-e', f'/proc/self/fd/{fd}'],
                            close_fds=False)
        assert r != 0
        assert subprocess.call(['test', '-e', '/proc/self/fd/0'],
                               close_fds=False) == 0


def _growth(func, rounds, trials=3):
    """Bytes the Python allocator still holds after rounds calls, beyond
    what one warm-up call left: the least of a few trials, since a leak
    grows in every trial while the interpreter's own caches (traceback and
    warning registries, free lists) settle after the first."""
    return min(_growth_once(func, rounds) for _ in range(trials))


def _growth_once(func, rounds):
    func()
    gc.collect()
    tracemalloc.start()
    try:
        func()
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(rounds):
            func()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_no_reference_leaks():
    """A missed Py_DECREF on any path (success or error) would keep an
    object per call alive: hundreds of kilobytes over these rounds."""
    assert _growth(exercise, ROUNDS) < 16384


def test_no_reference_leaks_scan():
    if not hasattr(linuxns_rel, 'scan'):
        pytest.skip('libnsrel was built without discovery (no nsrel_scan)')
    assert _growth(linuxns_rel.scan, 20) < 16384
