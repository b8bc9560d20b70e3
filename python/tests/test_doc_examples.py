"""Every example of the original's API documentation (api-examples.txt),
each run as a doctest against the module.

Two examples show values that depend on the machine: the owner of the
initial user namespace is root, uid 0. Where the machine differs (inside a
container or sandbox), the test asks the kernel directly (nshelp's oracle)
and expects what the relation gives instead; on a plain host that is the
documented output itself. The whole set is also run inside a sandbox (a
child in its own user and net namespaces), where it does differ."""
import doctest
import os
import pwd
import re

import pytest

import nshelp

HERE = os.path.dirname(os.path.abspath(__file__))
SECTION = re.compile(r'^\.\. section:: (\S+)\n', re.M)


def load_sections():
    with open(os.path.join(HERE, 'api-examples.txt')) as f:
        text = f.read()
    parts = SECTION.split(text)
    sections = []
    for name, body in zip(parts[1::2], parts[2::2]):
        examples = doctest.DocTestParser().get_examples(body, name)
        sections.append((name, examples))
    return sections


SECTIONS = load_sections()
CASES = [(name, i) for name, ex in SECTIONS for i in range(len(ex))]


def _username(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return None


def _owner_uid_of(entry, rel=None):
    """Owner uid of /proc/self/ns/ENTRY (or of its related namespace), or
    the exception the kernel gives."""
    try:
        with nshelp.oracle_open(f'/proc/self/ns/{entry}') as fd:
            if rel is None:
                return nshelp.oracle_owner_uid(fd)
            with nshelp.oracle_rel(fd, rel) as rfd:
                return nshelp.oracle_owner_uid(rfd)
    except OSError as e:
        return e


def _expect_exc(example, e):
    example.want = 'Traceback (most recent call last):\n  ...\n'
    example.exc_msg = f'{type(e).__name__}: {e}\n'


def relate(section, source, example):
    """Replace a machine-dependent documented output by what the kernel's
    relations give here. Returns True when the documented value holds."""
    if example.want == 'owning user: root\n':
        v = _owner_uid_of('net', nshelp.NS_GET_USERNS)
        if isinstance(v, OSError):
            _expect_exc(example, v)
        else:
            example.want = f'owning user: {_username(v)}\n'
            if _username(v) is None:
                # getpwuid() of a uid without a passwd entry
                example.want = 'Traceback (most recent call last):\n'
                example.exc_msg = (f'KeyError: '
                                   f"'getpwuid(): uid not found: {v}'\n")
        return v == 0
    if example.want == '0\n' and 'get_owner_uid' in source:
        if "get_userns('/proc/self/ns/pid')" in source:
            v = _owner_uid_of('pid', nshelp.NS_GET_USERNS)
        else:
            v = _owner_uid_of('user')
        if isinstance(v, OSError):
            _expect_exc(example, v)
        else:
            example.want = f'{v}\n'
        return v == 0
    return True


class Collect(doctest.DocTestRunner):
    def __init__(self):
        super().__init__(verbose=False)
        self.report = []

    def report_failure(self, out, test, example, got):
        self.report.append(self._failure_header(test, example) +
                           self._checker.output_difference(
                               example, got, self.optionflags))

    def report_unexpected_exception(self, out, test, example, exc_info):
        self.report.append(self._failure_header(test, example) +
                           'Exception raised:\n' +
                           doctest._indent(
                               doctest._exception_traceback(exc_info)))


def run_examples(section, upto=None):
    """Run a section's examples (up to index upto) in fresh globals;
    returns (failure reports, documented values held)."""
    examples = dict(SECTIONS)[section]
    if upto is not None:
        examples = examples[:upto + 1]
    held = True
    ex = []
    for e in examples:
        e = doctest.Example(e.source, e.want, e.exc_msg, e.lineno,
                            e.indent, e.options)
        held &= relate(section, e.source, e)
        ex.append(e)
    test = doctest.DocTest(ex, {}, section, 'api-examples.txt', 0, None)
    runner = Collect()
    runner.run(test, clear_globs=True)
    return runner.report, held


# Examples of a section share globals as in a docstring: each test runs
# the section up to its example, and judges only the last one.
@pytest.mark.parametrize('section,index', CASES,
                         ids=[f'{s}-{i + 1}' for s, i in CASES])
def test_doc_example(section, index):
    if index > 0:
        before, _ = run_examples(section, index - 1)
        assert not before, 'an earlier example failed:\n' + '\n'.join(before)
    report, _ = run_examples(section, index)
    assert not report, '\n'.join(report)


def test_doc_examples_hold_here_as_documented():
    """On a plain host as root or nobody, the documented values themselves
    are what the machine gives (no relation substitution)."""
    held = all(run_examples(name)[1] for name, _ in SECTIONS)
    if not held:
        pytest.skip('this machine is not the initial user namespace: '
                    'examples asserted as relations')


def _all_sections_in_sandbox():
    out = {}
    for name, _ in SECTIONS:
        report, held = run_examples(name)
        out[name] = (report, held)
    return out


def test_doc_examples_in_sandbox():
    """Inside a user+net namespace of its own the owner is no longer root
    (unmapped: the overflow uid), so the relations must carry the test."""
    res = nshelp.run_in_sandbox(
        [nshelp.TYPES['user'] | nshelp.TYPES['net']],
        _all_sections_in_sandbox)
    failures = [r for rep, _ in res.values() for r in rep]
    assert not failures, '\n'.join(failures)
    # The sandbox really differs from the documentation's machine.
    assert not res['module'][1]
    assert not res['get_userns'][1]
