"""The relations API: each namespace type by path, fd and file object; the
owner of each namespace; sandboxed children's relations. Expected values
come from the kernel directly (nshelp), never from the module itself."""
import io
import os

import pytest

import linuxns_rel
import nshelp
from nshelp import NS_ENTRIES, TYPES, ino

ENTRIES = sorted(NS_ENTRIES)
USER, PID, NET = TYPES['user'], TYPES['pid'], TYPES['net']


def test_constants():
    for name, value in TYPES.items():
        const = 'CLONE_NEWNS' if name == 'mnt' else f'CLONE_NEW{name.upper()}'
        assert getattr(linuxns_rel, const) == value, const
        assert linuxns_rel.nstype_str(value) == name
    assert linuxns_rel.NAMESPACE_TYPE_NAMES == {v: k for k, v in
                                                TYPES.items()}


def test_module_is_self_contained():
    """The module carries libnsrel inside: it must not need libnsrel.so."""
    with open('/proc/self/maps') as f:
        maps = f.read()
    assert 'libnsrel.so' not in maps
    assert linuxns_rel.__file__ in maps


# Each type by path, by fd and by file object, as the original takes them.
@pytest.mark.parametrize('entry', ENTRIES)
def test_nstype_by_path(entry):
    assert linuxns_rel.get_nstype(f'/proc/self/ns/{entry}') == \
        NS_ENTRIES[entry]


@pytest.mark.parametrize('entry', ENTRIES)
def test_nstype_by_fd(entry):
    fd = os.open(f'/proc/self/ns/{entry}', os.O_RDONLY)
    try:
        assert linuxns_rel.get_nstype(fd) == NS_ENTRIES[entry]
        assert linuxns_rel.get_nstype(nsref=fd) == NS_ENTRIES[entry]
        # borrowed, never closed
        os.fstat(fd)
    finally:
        os.close(fd)


@pytest.mark.parametrize('entry', ENTRIES)
def test_nstype_by_file(entry):
    with open(f'/proc/self/ns/{entry}') as f:
        assert linuxns_rel.get_nstype(f) == NS_ENTRIES[entry]
        assert not f.closed
    with open(f'/proc/self/ns/{entry}', 'rb', buffering=0) as f:
        assert linuxns_rel.get_nstype(f) == NS_ENTRIES[entry]


def test_nsref_any_object_with_fileno():
    class Ref:
        def __init__(self, fd):
            self.fd = fd

        def fileno(self):
            return self.fd

    with open('/proc/self/ns/net') as f:
        assert linuxns_rel.get_nstype(Ref(f.fileno())) == NET
        # fileno() may itself return an object with fileno()
        assert linuxns_rel.get_nstype(Ref(f)) == NET


@pytest.mark.parametrize('entry', sorted(set(ENTRIES) - {'user'}))
@pytest.mark.parametrize('how', ['path', 'fd', 'file'])
def test_owner_is_own_user_ns(entry, how):
    """Every namespace of ours is owned by our own user namespace."""
    path = f'/proc/self/ns/{entry}'
    if how == 'path':
        ref, closer = path, None
    elif how == 'fd':
        ref = os.open(path, os.O_RDONLY)
        closer = lambda: os.close(ref)  # noqa: E731
    else:
        ref = open(path)
        closer = ref.close
    try:
        with linuxns_rel.get_userns(ref) as owner:
            assert ino(owner) == ino('/proc/self/ns/user')
            assert linuxns_rel.get_nstype(owner) == USER
            with nshelp.oracle_open('/proc/self/ns/user') as fd:
                assert linuxns_rel.get_owner_uid(owner) == \
                    nshelp.oracle_owner_uid(fd)
    finally:
        if closer:
            closer()


def test_owner_of_net_is_own_userns():
    with linuxns_rel.get_userns('/proc/self/ns/net') as f:
        assert os.fstat(f.fileno()).st_ino == \
            os.stat('/proc/self/ns/user').st_ino


def test_returned_file_object():
    f = linuxns_rel.get_userns('/proc/self/ns/net')
    assert isinstance(f, io.TextIOWrapper)
    assert f.mode == 'r'
    assert not os.get_inheritable(f.fileno())  # O_CLOEXEC
    with f as g:
        assert g is f
        assert linuxns_rel.get_nstype(g.fileno()) == USER
    assert f.closed


@pytest.mark.parametrize('how', ['path', 'fd', 'file'])
def test_owner_uid_of_own_userns(how):
    path = '/proc/self/ns/user'
    with nshelp.oracle_open(path) as fd:
        want = nshelp.oracle_owner_uid(fd)
        ref = {'path': path, 'fd': fd}.get(how)
        if how == 'file':
            with open(path) as f:
                assert linuxns_rel.get_owner_uid(f) == want
        else:
            assert linuxns_rel.get_owner_uid(ref) == want
    assert linuxns_rel.get_owner_uid(usernsref=path) == want


def test_keywords_as_the_original():
    assert linuxns_rel.get_nstype(nsref='/proc/self/ns/net') == NET
    with linuxns_rel.get_userns(nsref='/proc/self/ns/net') as f:
        assert linuxns_rel.get_owner_uid(usernsref=f) >= 0
    assert linuxns_rel.nstype_str(nstype=NET) == 'net'


# ---- sandboxed children --------------------------------------------------

def test_sandbox_user_net_relations():
    """A child in its own user and net namespaces, seen from outside."""
    with nshelp.Sandbox([USER | NET]) as sb:
        user, net = sb.ns('user'), sb.ns('net')
        assert ino(user) != ino('/proc/self/ns/user')
        assert ino(net) != ino('/proc/self/ns/net')
        assert linuxns_rel.get_nstype(user) == USER
        assert linuxns_rel.get_nstype(net) == NET
        # its net ns is owned by its user ns
        with linuxns_rel.get_userns(net) as owner:
            assert ino(owner) == ino(user)
            # whose parent (= owner) is ours
            with linuxns_rel.get_parentns(owner) as parent:
                assert ino(parent) == ino('/proc/self/ns/user')
            with linuxns_rel.get_userns(owner) as parent:
                assert ino(parent) == ino('/proc/self/ns/user')
        # created by us
        assert linuxns_rel.get_owner_uid(user) == os.geteuid()
        # a flat namespace has no parent
        with pytest.raises(OSError) as e:
            linuxns_rel.get_parentns(net)
        assert e.value.errno == nshelp.errno.EINVAL
        # its uts ns is still ours, owned by our user ns
        assert ino(sb.ns('uts')) == ino('/proc/self/ns/uts')


def test_sandbox_by_fd_and_file():
    with nshelp.Sandbox([USER | NET]) as sb:
        fd = os.open(sb.ns('net'), os.O_RDONLY)
        try:
            with linuxns_rel.get_userns(fd) as owner:
                assert ino(owner) == ino(sb.ns('user'))
        finally:
            os.close(fd)
        with open(sb.ns('user')) as f:
            assert linuxns_rel.get_owner_uid(f) == os.geteuid()
            with linuxns_rel.get_parentns(f) as parent:
                assert ino(parent) == ino('/proc/self/ns/user')


def test_sandbox_pid_hierarchy():
    """A child that unshared user+pid: its pid_for_children is a child of
    our pid namespace, owned by its user namespace."""
    with nshelp.Sandbox([USER | PID], fork_init=True) as sb:
        pidns = sb.ns('pid_for_children')
        assert ino(pidns) != ino('/proc/self/ns/pid')
        assert ino(sb.ns('pid')) == ino('/proc/self/ns/pid')
        assert linuxns_rel.get_nstype(pidns) == PID
        with linuxns_rel.get_parentns(pidns) as parent:
            assert ino(parent) == ino('/proc/self/ns/pid')
            assert linuxns_rel.get_nstype(parent) == PID
        with linuxns_rel.get_userns(pidns) as owner:
            assert ino(owner) == ino(sb.ns('user'))


def test_sandbox_hidden_user_chain():
    """Three nested user namespaces, two of them hidden (nothing holds them
    but their child): walk up with the returned file objects."""
    with nshelp.Sandbox([USER, USER, USER], map_ids=True) as sb:
        with linuxns_rel.get_parentns(sb.ns('user')) as p2, \
                linuxns_rel.get_parentns(p2) as p1, \
                linuxns_rel.get_parentns(p1) as p0:
            inos = [ino(sb.ns('user')), ino(p2), ino(p1)]
            assert len(set(inos)) == 3
            assert ino('/proc/self/ns/user') not in inos
            assert ino(p0) == ino('/proc/self/ns/user')
            for f in (p2, p1):
                assert linuxns_rel.get_nstype(f) == USER
                assert linuxns_rel.get_owner_uid(f) == os.geteuid()


def _inside_view():
    """What a process in its own user+net namespace sees of itself."""
    out = {}
    for what in ('parent', 'userns_of_pid'):
        try:
            if what == 'parent':
                linuxns_rel.get_parentns('/proc/self/ns/user')
            else:
                linuxns_rel.get_userns('/proc/self/ns/pid')
            out[what] = None
        except OSError as e:
            out[what] = (type(e).__name__, e.errno, str(e))
    out['owner_uid'] = linuxns_rel.get_owner_uid('/proc/self/ns/user')
    with linuxns_rel.get_userns('/proc/self/ns/net') as f:
        out['net_owner_is_own'] = ino(f) == ino('/proc/self/ns/user')
    with open('/proc/sys/kernel/overflowuid') as f:
        out['overflowuid'] = int(f.read())
    return out


def test_sandbox_inside_view():
    v = nshelp.run_in_sandbox([USER | NET], _inside_view)
    eperm = ('PermissionError', nshelp.errno.EPERM,
             '[Errno 1] Operation not permitted')
    # the parent of its user ns and the owner of its pid ns are out of scope
    assert v['parent'] == eperm
    assert v['userns_of_pid'] == eperm
    # its creator's uid is not mapped in there
    assert v['owner_uid'] == v['overflowuid']
    assert v['net_owner_is_own']
