"""Every error, as the original raised it."""
import errno
import os
import pathlib
import subprocess
import sys
import tempfile

import pytest

import linuxns_rel
import nshelp

FUNCS = ['get_nstype', 'get_userns', 'get_parentns', 'get_owner_uid']


def call(name, *args):
    r = getattr(linuxns_rel, name)(*args)
    if hasattr(r, 'close'):
        r.close()
    return r


@pytest.mark.parametrize('func', FUNCS)
@pytest.mark.parametrize('bad', [b'/proc/self/ns/net', 1.0, None,
                                 ['/proc/self/ns/net'],
                                 pathlib.Path('/proc/self/ns/net'), object()],
                         ids=['bytes', 'float', 'None', 'list', 'Path',
                              'object'])
def test_type_error(func, bad):
    with pytest.raises(TypeError) as e:
        call(func, bad)
    assert str(e.value) == ('namespace reference must be str, int or '
                            f'TextIO, not {type(bad)}')


@pytest.mark.parametrize('func', FUNCS)
def test_wrong_argument_count(func):
    with pytest.raises(TypeError):
        getattr(linuxns_rel, func)()
    with pytest.raises(TypeError):
        getattr(linuxns_rel, func)('/proc/self/ns/net', 1)


@pytest.mark.parametrize('func', FUNCS)
def test_file_not_found(func):
    with pytest.raises(FileNotFoundError) as e:
        call(func, '/proc/self/ns/nonexistent')
    assert e.value.errno == errno.ENOENT
    assert e.value.filename == '/proc/self/ns/nonexistent'
    assert str(e.value) == ("[Errno 2] No such file or directory: "
                            "'/proc/self/ns/nonexistent'")


@pytest.mark.parametrize('func', FUNCS)
def test_directory(func):
    with pytest.raises(IsADirectoryError):
        call(func, '/proc/self/ns')


@pytest.mark.parametrize('func', FUNCS)
def test_embedded_nul(func):
    with pytest.raises(ValueError):
        call(func, '/proc/self/ns/net\0x')


def test_parent_of_own_userns_is_eperm():
    """At the top of what we may see: the documented PermissionError."""
    with pytest.raises(PermissionError) as e:
        linuxns_rel.get_parentns('/proc/self/ns/user')
    assert e.value.errno == errno.EPERM
    assert str(e.value) == '[Errno 1] Operation not permitted'


def test_owner_of_own_userns_is_eperm():
    with pytest.raises(PermissionError):
        linuxns_rel.get_userns('/proc/self/ns/user')


@pytest.mark.parametrize('entry', ['mnt', 'cgroup', 'uts', 'ipc', 'net',
                                   'time', 'time_for_children'])
def test_parent_of_flat_ns_is_einval(entry):
    with pytest.raises(OSError) as e:
        linuxns_rel.get_parentns(f'/proc/self/ns/{entry}')
    assert type(e.value) is OSError
    assert e.value.errno == errno.EINVAL
    assert str(e.value) == '[Errno 22] Invalid argument'


@pytest.mark.parametrize('entry', ['mnt', 'net', 'pid'])
def test_owner_uid_of_non_user_ns_is_einval(entry):
    with pytest.raises(OSError) as e:
        linuxns_rel.get_owner_uid(f'/proc/self/ns/{entry}')
    assert e.value.errno == errno.EINVAL


@pytest.mark.parametrize('func', FUNCS)
def test_not_a_namespace(func):
    with tempfile.TemporaryFile() as f:
        with pytest.raises(OSError) as e:
            call(func, f)
        assert e.value.errno == errno.ENOTTY
    with pytest.raises(OSError) as e:
        call(func, '/dev/null')
    assert e.value.errno == errno.ENOTTY


@pytest.mark.parametrize('func', FUNCS)
def test_closed_fd(func):
    fd = os.open('/proc/self/ns/net', os.O_RDONLY)
    os.close(fd)
    with pytest.raises(OSError) as e:
        call(func, fd)
    assert e.value.errno == errno.EBADF


@pytest.mark.parametrize('func', FUNCS)
def test_negative_fd(func):
    # fcntl.ioctl() refuses it before the kernel sees it
    with pytest.raises(ValueError):
        call(func, -1)


@pytest.mark.parametrize('func', FUNCS)
def test_huge_fd(func):
    with pytest.raises(OverflowError):
        call(func, 2**40)


@pytest.mark.parametrize('func', FUNCS)
def test_closed_file_object(func):
    f = open('/proc/self/ns/net')
    f.close()
    with pytest.raises(ValueError):
        call(func, f)


@pytest.mark.parametrize('func', FUNCS)
def test_fileno_raising_propagates(func):
    class Bad:
        def fileno(self):
            raise RuntimeError('no fileno here')

    with pytest.raises(RuntimeError, match='no fileno here'):
        call(func, Bad())


@pytest.mark.parametrize('func', FUNCS)
def test_fileno_returning_garbage(func):
    class Bad:
        def fileno(self):
            return 'three'

    with pytest.raises(TypeError):
        call(func, Bad())


@pytest.mark.parametrize('value', [0, -1, 1, 42, 0x80000000, 2**40,
                                   -2**70, True])
def test_nstype_str_value_error(value):
    with pytest.raises(ValueError) as e:
        linuxns_rel.nstype_str(value)
    assert str(e.value) == (f'invalid namespace type value '
                            f'{value}/{hex(value)}')


@pytest.mark.parametrize('value', ['net', None, 1.5, b'x'])
def test_nstype_str_type_error(value):
    with pytest.raises(TypeError):
        linuxns_rel.nstype_str(value)


def test_permission_denied_path():
    """A path we may not open: PermissionError naming it (nobody may not
    open another user's namespaces; as root, skip)."""
    if not nshelp.UNPRIV:
        pytest.skip('root may open every /proc/PID/ns (runs as nobody)')
    with pytest.raises(PermissionError) as e:
        linuxns_rel.get_nstype('/proc/2/ns/net')
    assert e.value.filename == '/proc/2/ns/net'


# A path that is no namespace is never opened for reading: a FIFO without
# a writer would block open(2) forever. Each call runs in a child bounded
# by a timeout, so that a block fails the test instead of hanging it.
BOUNDED = '''
import errno, sys
import linuxns_rel
try:
    r = getattr(linuxns_rel, sys.argv[1])(sys.argv[2])
except OSError as e:
    print(type(e).__name__, errno.errorcode.get(e.errno))
else:
    print('ok', type(r).__name__)
'''


def bounded_call(func, path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    try:
        p = subprocess.run([sys.executable, '-c', BOUNDED, func, path],
                           env=env, capture_output=True, text=True,
                           timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail(f'{func}({path!r}) blocked')
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


@pytest.fixture(scope='module')
def odd_files():
    with tempfile.TemporaryDirectory() as d:
        fifo = os.path.join(d, 'fifo')
        os.mkfifo(fifo)
        regular = os.path.join(d, 'regular')
        open(regular, 'w').close()
        for name, target in [('fifo-link', fifo),
                             ('net-link', '/proc/self/ns/net')]:
            os.symlink(target, os.path.join(d, name))
        yield d


@pytest.mark.parametrize('func', FUNCS)
@pytest.mark.parametrize('name', ['fifo', 'fifo-link', 'regular', '/dev/null'])
def test_no_namespace_never_blocks(func, name, odd_files):
    path = os.path.join(odd_files, name)
    assert bounded_call(func, path) == 'OSError ENOTTY'


@pytest.mark.parametrize('func', FUNCS)
def test_directory_bounded(func, odd_files):
    assert bounded_call(func, odd_files) == 'IsADirectoryError EISDIR'


def test_symlink_to_namespace(odd_files):
    link = os.path.join(odd_files, 'net-link')
    assert linuxns_rel.get_nstype(link) == linuxns_rel.CLONE_NEWNET
    assert bounded_call('get_nstype', link) == 'ok int'
