"""scan(): the discovery model as Python objects, checked against this
process (as root and as nobody) and against the namespace zoo
(tests/zoo/nsrel-zoo, root only), whose manifest says what must be found."""
import errno
import gc
import json
import os
import subprocess
import sys

import pytest

import linuxns_rel
import nshelp
from nshelp import NS_ENTRIES, TYPES, ino

if not hasattr(linuxns_rel, 'scan'):
    pytest.skip('libnsrel was built without discovery (no nsrel_scan)',
                allow_module_level=True)

USER, PID, NET = TYPES['user'], TYPES['pid'], TYPES['net']
KINDS = {'proc', 'task', 'for_children', 'fd', 'socket', 'bindmount',
         'hidden'}


@pytest.fixture(scope='module')
def model():
    return linuxns_rel.scan()


def test_model_shape(model):
    assert isinstance(model, linuxns_rel.Model)
    assert isinstance(model.namespaces, tuple)
    assert isinstance(model.processes, tuple)
    assert model.namespaces and model.processes
    assert isinstance(model.unreadable, int)
    order = [TYPES[t] for t in
             ('mnt', 'cgroup', 'uts', 'ipc', 'user', 'pid', 'net', 'time')]
    keys = [(order.index(n.type), n.ino) for n in model.namespaces]
    assert keys == sorted(keys), 'namespaces by type, then inode'
    pids = [p.pid for p in model.processes]
    assert pids == sorted(pids), 'processes by pid'
    for n in model.namespaces:
        assert model.find(n.type, n.ino) is n
        assert all(isinstance(r, linuxns_rel.Ref) and r.kind in KINDS
                   for r in n.refs)
    for p in model.processes:
        assert model.find_process(p.pid) is p
    assert model.find(NET, 1) is None
    assert model.find_process(-1) is None


def test_reprs(model):
    me = model.find_process(os.getpid())
    net = me.namespaces[NET]
    assert repr(net) == f'<linuxns_rel.Namespace net:[{net.ino}]>'
    assert repr(me) == f'<linuxns_rel.Process {me.pid} {me.name!r}>'
    ref = [r for r in net.refs if r.process is me][0]
    assert repr(ref) == f'<linuxns_rel.Ref proc pid={me.pid}>'
    assert repr(model).startswith('<linuxns_rel.Model: ')
    # cycles do not make repr recurse
    for n in model.namespaces:
        repr(n), [repr(r) for r in n.refs]


def test_objects_are_read_only(model):
    with pytest.raises(AttributeError):
        model.namespaces[0].ino = 1
    with pytest.raises(TypeError):
        linuxns_rel.Namespace()


def test_self_process(model):
    me = model.find_process(os.getpid())
    assert me is not None
    assert me.ppid == os.getppid()
    assert me.uid == os.getuid()
    assert me.name == 'python3' or me.name.startswith('python')
    assert me.cmdline[0] == os.fsdecode(
        open('/proc/self/cmdline', 'rb').read().split(b'\0')[0])
    for entry, t in NS_ENTRIES.items():
        if entry.endswith('_for_children'):
            continue
        ns = me.namespaces[t]
        assert ns.type == t
        assert ns.ino == ino(f'/proc/self/ns/{entry}'), entry
        assert me in ns.processes
        assert any(r.kind == 'proc' and r.process is me for r in ns.refs)


def test_own_net_owned_by_own_userns(model):
    me = model.find_process(os.getpid())
    net, user = me.namespaces[NET], me.namespaces[USER]
    assert net.owner is user
    assert net in user.owned
    with nshelp.oracle_open('/proc/self/ns/user') as fd:
        assert user.owner_uid == nshelp.oracle_owner_uid(fd)


def test_relations_consistent(model):
    for n in model.namespaces:
        if n.parent is not None:
            assert n in n.parent.children
            assert n.parent.type == n.type
        for c in n.children:
            assert c.parent is n
        if n.type == USER:
            assert n.owner is n.parent
        else:
            assert n.owner_uid is None
        if n.owner is not None:
            assert n.owner.type == USER
            assert n in n.owner.owned
        for p in n.processes:
            assert p.namespaces.get(n.type) is n
        if n.leader is not None:
            assert n.leader in n.processes


INIT_USER, INIT_PID = 0xEFFFFFFD, 0xEFFFFFFC  # include/linux/proc_ns.h
CAP_SYS_PTRACE = 19


def status_field(name):
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(name + ':'):
                return line.split(None, 1)[1].strip()
    return None


def test_view(model):
    """The view is this process's: its namespaces and capabilities, the
    /proc of its own PID namespace."""
    v = model.view
    assert set(v) == {'privileged', 'user_ns', 'initial_user_ns', 'pid_ns',
                      'initial_pid_ns', 'proc_pid_ns', 'hidepid',
                      'hidepid_applies', 'proc_subset_pid', 'cap_effective',
                      'unreadable', 'mntns_stuck', 'cmdline_stuck',
                      'files_cut'}
    user, pid = ino('/proc/self/ns/user'), ino('/proc/self/ns/pid')
    assert v['user_ns'] == user and v['pid_ns'] == pid
    assert v['initial_user_ns'] == (user == INIT_USER)
    assert v['initial_pid_ns'] == (pid == INIT_PID)
    caps = int(status_field('CapEff'), 16)
    assert v['cap_effective'] == caps
    assert v['privileged'] == (user == INIT_USER and
                               bool(caps >> CAP_SYS_PTRACE & 1))
    assert v['proc_pid_ns'] == ('own' if len(status_field('NSpid').split())
                                == 1 else 'ancestor')
    assert v['hidepid'] in ('off', 'noaccess', 'invisible', 'ptraceable')
    assert v['unreadable'] == model.unreadable
    assert v['mntns_stuck'] >= 0
    assert v['cmdline_stuck'] in (False, True)
    assert v['files_cut'] >= 0


def test_view_ancestor_proc():
    """In a PID namespace of its own with the host's /proc, the view says
    so."""
    if os.geteuid() != 0:
        pytest.skip('unshare --pid needs root')
    code = ('import json, linuxns_rel; '
            'print(json.dumps(linuxns_rel.scan(types=%d).view))' % PID)
    out = subprocess.run(['unshare', '--pid', '--fork', '--kill-child',
                          '--', os.sys.executable, '-c', code],
                         check=True, stdout=subprocess.PIPE,
                         env=os.environ, timeout=120).stdout
    v = json.loads(out)
    assert v['proc_pid_ns'] == 'ancestor'
    assert v['initial_pid_ns'] is False
    assert v['pid_ns'] not in (None, INIT_PID, ino('/proc/self/ns/pid'))


def test_scan_types_filter():
    m = linuxns_rel.scan(types=NET)
    assert {n.type for n in m.namespaces} <= {NET, USER}
    assert any(n.type == NET for n in m.namespaces)
    with pytest.raises(TypeError):
        linuxns_rel.scan(NET)  # keyword only


@pytest.mark.parametrize('kw', ['types', 'sources'])
@pytest.mark.parametrize('bad', [2**32 | NET, 2**64, -1, -NET, 1 << 40,
                                 2**31 | 2**32])
def test_scan_mask_out_of_range(kw, bad):
    """Not silently cut to 32 bits (2**32 | NET would be NET)."""
    with pytest.raises(ValueError):
        linuxns_rel.scan(**{kw: bad})


@pytest.mark.parametrize('kw, bad', [
    ('types', 1), ('types', 0x100), ('types', NET | 0x1),
    ('sources', linuxns_rel.SOURCE_ALL + 1),
    ('sources', 1 << 31)])
def test_scan_mask_unknown_bits(kw, bad):
    with pytest.raises(ValueError):
        linuxns_rel.scan(**{kw: bad})


@pytest.mark.parametrize('bad', ['net', 1.0, None, b'x'])
def test_scan_mask_type(bad):
    with pytest.raises(TypeError):
        linuxns_rel.scan(types=bad)


def test_scan_mask_index():
    """An IntFlag is an int too."""
    import enum

    class T(enum.IntFlag):
        NET = linuxns_rel.CLONE_NEWNET
    m = linuxns_rel.scan(types=T.NET, sources=linuxns_rel.SOURCE_PROCS)
    assert {n.type for n in m.namespaces} <= {NET, USER}


def test_scan_sandbox():
    """A sandboxed child's namespaces appear, related as the kernel says."""
    with nshelp.Sandbox([USER | NET]) as sb:
        m = linuxns_rel.scan()
        child = m.find_process(sb.pid)
        assert child is not None
        user = m.find(USER, ino(sb.ns('user')))
        net = m.find(NET, ino(sb.ns('net')))
        assert child.namespaces[USER] is user
        assert child.namespaces[NET] is net
        assert net.owner is user
        assert user.parent is m.find(USER, ino('/proc/self/ns/user'))
        assert user.owner_uid == os.geteuid()
        assert [p.pid for p in net.processes] == [sb.pid]
        assert net.leader is child


def test_scan_idmaps():
    """uid_map and gid_map of a user namespace whose maps we wrote, () for
    one with none written, None for another type."""
    if nshelp.UNPRIV:
        pytest.skip('writing a map of another uid needs root')
    with nshelp.Sandbox([USER]) as mapped, nshelp.Sandbox([USER]) as bare:
        with open(f'/proc/{mapped.pid}/uid_map', 'w') as f:
            f.write('0 1001 1\n1 100000 65536\n')
        with open(f'/proc/{mapped.pid}/gid_map', 'w') as f:
            f.write('0 1002 1\n')
        m = linuxns_rel.scan()
        u = m.find(USER, ino(mapped.ns('user')))
        assert u.uid_map == ((0, 1001, 1), (1, 100000, 65536))
        assert u.gid_map == ((0, 1002, 1),)
        b = m.find(USER, ino(bare.ns('user')))
        assert b.uid_map == () and b.gid_map == ()
        net = m.find_process(mapped.pid).namespaces[NET]
        assert net.uid_map is None and net.gid_map is None
        assert u.netnsid is None


def test_scan_netnsid():
    """netnsid: the id our net namespace gave one (set here as `ip netns
    set` does), -1 for one without."""
    if nshelp.UNPRIV:
        pytest.skip('RTM_NEWNSID needs CAP_NET_ADMIN')
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
        __file__)), '..', '..', 'tests', 'lib'))
    import netnsid
    with nshelp.Sandbox([NET]) as given, nshelp.Sandbox([NET]) as none:
        id_ = netnsid.assign(given.ns('net'))
        m = linuxns_rel.scan(types=NET)
        assert m.find(NET, ino(given.ns('net'))).netnsid == id_ >= 0
        assert m.find(NET, ino(none.ns('net'))).netnsid == -1


def test_scan_backends():
    """backend= chooses how: 'proc' reads /proc; 'bpf' asks the kernel
    and needs root (else OSError EPERM); 'auto' takes the one that can
    run. Both find our own namespaces."""
    proc = linuxns_rel.scan(backend='proc')
    assert proc.backend == 'proc'
    assert linuxns_rel.scan().backend in ('proc', 'bpf')
    with pytest.raises(ValueError):
        linuxns_rel.scan(backend='kernel')
    with pytest.raises(TypeError):
        linuxns_rel.scan(backend=2)
    if os.geteuid() != 0:
        with pytest.raises(OSError) as e:
            linuxns_rel.scan(backend='bpf')
        assert e.value.errno in (errno.EPERM, errno.EOPNOTSUPP)
        assert linuxns_rel.scan().backend == 'proc'
        return
    try:
        bpf = linuxns_rel.scan(backend='bpf')
    except OSError as e:
        if e.errno == errno.EOPNOTSUPP:
            pytest.skip('no BPF backend here (built without, or no BTF)')
        raise
    assert bpf.backend == 'bpf'
    me_p, me_b = proc.find_process(os.getpid()), bpf.find_process(os.getpid())
    assert me_b is not None
    assert (me_b.pid, me_b.ppid, me_b.uid, me_b.starttime, me_b.cmdline) == \
        (me_p.pid, me_p.ppid, me_p.uid, me_p.starttime, me_p.cmdline)
    assert {t: n.ino for t, n in me_b.namespaces.items()} == \
        {t: n.ino for t, n in me_p.namespaces.items()}


@pytest.mark.parametrize('bad, error', [(-1, ValueError), (65, ValueError),
                                        (2**40, OverflowError),
                                        ('2', TypeError), (2.0, TypeError)])
def test_scan_threads_bad(bad, error):
    with pytest.raises(error):
        linuxns_rel.scan(backend='proc', threads=bad)


def test_models_are_garbage_collected():
    """The objects refer to each other in cycles: the collector frees
    them."""
    def count():
        return sum(type(o) in (linuxns_rel.Namespace, linuxns_rel.Process,
                               linuxns_rel.Model) for o in gc.get_objects())
    gc.collect()
    before = count()
    for _ in range(5):
        m = linuxns_rel.scan()
        assert m.namespaces[0].processes
    del m
    gc.collect()
    assert count() == before


def test_scan_no_fd_leak():
    linuxns_rel.scan()
    gc.collect()
    before = nshelp.fd_count()
    for _ in range(10):
        linuxns_rel.scan()
    gc.collect()
    assert nshelp.fd_count() == before


# ---- the zoo ---------------------------------------------------------------

ZOO_CASES = ['userchain1', 'userchain2', 'userchain3', 'pid1', 'pid2',
             'ownuser', 'ownpid', 'ownnet', 'nopwuser', 'bindnet', 'fdipc',
             'socknet', 'bindmnt', 'inneruts', 'threadnet', 'childtime',
             'childpid', 'hostile', 'hostilepid']


@pytest.fixture(scope='module')
def zoo():
    exe = os.environ.get('NSREL_ZOO')
    if not exe or not os.path.isfile(exe):
        pytest.skip('the zoo (tests/zoo/nsrel-zoo) is not built')
    if nshelp.UNPRIV or os.geteuid() != 0:
        pytest.skip('the zoo needs root')
    # Here, not at the top: the unprivileged run has a copy of these tests
    # only, and skips above.
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
        __file__)), '..', '..', 'tests', 'lib'))
    from zoorun import ZooRun, ZooSkip
    try:
        run = ZooRun(exe)
    except ZooSkip as e:
        pytest.skip(f'zoo: {e}')
    try:
        yield run.manifest, linuxns_rel.scan()
    finally:
        rc = run.stop(timeout=60)
    assert rc == 0, f'zoo exited {rc}'


def zoo_ns(zoo, name):
    manifest, model = zoo
    cases = [c for c in manifest['namespaces'] if c['name'] == name]
    if not cases:
        pytest.skip(f'the zoo has no case {name!r}')
    c = cases[0]
    t = TYPES[c['type']]
    ns = model.find(t, c['ino'])
    assert ns is not None, f'{name}: {c["type"]}:[{c["ino"]}] not found'
    return c, ns


@pytest.mark.parametrize('name', ZOO_CASES)
def test_zoo_namespace(zoo, name):
    c, ns = zoo_ns(zoo, name)
    manifest, model = zoo
    if c.get('parent') is not None:
        assert ns.parent is not None and ns.parent.ino == c['parent']
        assert ns in ns.parent.children
    if c.get('owner') is not None:
        assert ns.owner is not None and ns.owner.ino == c['owner']
        assert ns in ns.owner.owned
    if c['type'] == 'user':
        assert ns.owner_uid == c.get('owner_uid')
    held = c['held']
    refs = [r for r in ns.refs if r.kind == held]
    assert refs, f'{name}: no {held} ref among {ns.refs}'
    if held in ('proc', 'task', 'for_children', 'fd', 'socket'):
        refs = [r for r in refs
                if r.process is not None and r.process.pid == c['pid']]
        assert refs, f'{name}: no {held} ref of pid {c["pid"]}'
        assert refs[0].process is model.find_process(c['pid'])
    if held == 'task':
        assert any(r.tid == c['tid'] for r in refs)
    if held in ('fd', 'socket'):
        assert any(r.fd == c['fd'] for r in refs)
    if held == 'bindmount':
        r = [r for r in refs if r.path == c['path']]
        assert r, f'{name}: no bind mount at {c["path"]!r}: {refs}'
        if c.get('mntns') is not None:
            assert r[0].mntns is not None and r[0].mntns.ino == c['mntns']
    if held == 'hidden':
        assert not ns.processes
    if held == 'proc':
        p = model.find_process(c['pid'])
        assert p in ns.processes
        assert p.namespaces[ns.type] is ns
    if held in ('for_children', 'fd', 'socket', 'bindmount', 'hidden'):
        # nobody is a member: only held
        assert not ns.processes


def test_zoo_hostile_process(zoo):
    manifest, model = zoo
    procs = [p for p in manifest['processes'] if p['name'] == 'hostile']
    if not procs:
        pytest.skip('the zoo has no hostile process')
    p = model.find_process(procs[0]['pid'])
    assert p is not None
    # tests/lib/hostile.h, through the manifest; invalid UTF-8 in it
    # comes back as surrogate escapes, as os.fsdecode() gives it.
    argv0 = os.fsdecode(bytes.fromhex(procs[0]['argv0_hex']))
    assert p.cmdline == (argv0, '</script><b>x</b>')
    assert p.name == argv0
    c, ns = zoo_ns(zoo, 'hostile')
    assert p.namespaces[USER] is ns


def test_zoo_processes(zoo):
    manifest, model = zoo
    assert manifest['processes']
    for mp in manifest['processes']:
        p = model.find_process(mp['pid'])
        assert p is not None, mp
        argv0 = os.fsdecode(bytes.fromhex(mp['argv0_hex']))
        assert p.cmdline and p.cmdline[0] == argv0
        # comm, or longer where the kernel cut it at 15 bytes (hostile)
        with open(f"/proc/{mp['pid']}/comm", 'rb') as f:
            raw = f.read()[:-1]
        comm = os.fsdecode(raw)
        ok = p.name == comm if len(raw) < 15 else p.name.startswith(comm)
        if not ok:
            pytest.fail(f'name {ascii(p.name)}, comm {ascii(comm)}')


@pytest.mark.parametrize('threads', [1, 3])
def test_zoo_threads(zoo, threads):
    """threads= for a /proc scan: every zoo case, held as the manifest
    says, with the calling thread alone and with two readers beside it."""
    manifest, _ = zoo
    model = linuxns_rel.scan(backend='proc', threads=threads)
    assert model.backend == 'proc'
    for c in manifest['namespaces']:
        ns = model.find(TYPES[c['type']], c['ino'])
        assert ns is not None, f'{c["name"]} not found with {threads}'
        assert any(r.kind == c['held'] for r in ns.refs), c['name']
    pids = [p.pid for p in model.processes]
    assert pids == sorted(pids)
