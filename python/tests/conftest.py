"""A tiny TAP reporter for pytest (Debian 12 has no pytest-tap): one line
per test, "ok N name", "not ok N name" or "ok N name # SKIP reason", the
failure as "# " lines, and the plan "1..N" at the end. meson reads it with
protocol 'tap'; run pytest with -p no:terminal so nothing else is printed."""
import sys

import pytest


class TapReporter:
    def __init__(self, config):
        self.config = config
        self.n = 0
        self.phases = {}

    def emit(self, text):
        capman = self.config.pluginmanager.getplugin('capturemanager')
        if capman:
            with capman.global_and_fixture_disabled():
                sys.stdout.write(text)
                sys.stdout.flush()
        else:
            sys.stdout.write(text)
            sys.stdout.flush()

    @staticmethod
    def diag(text):
        return ''.join(f'# {line}\n' for line in text.splitlines())

    def result(self, ok, name, directive='', details=''):
        self.n += 1
        name = name.replace('#', '\\#').replace('\n', ' ')
        line = f'{"ok" if ok else "not ok"} {self.n} {name}'
        if directive:
            line += f' # {directive}'
        self.emit(line + '\n' + self.diag(details))

    @pytest.hookimpl(trylast=True)
    def pytest_collectreport(self, report):
        if report.failed:
            self.result(False, f'collect {report.nodeid or "session"}',
                        details=report.longreprtext)

    def pytest_runtest_logreport(self, report):
        self.phases.setdefault(report.nodeid, []).append(report)
        if report.when != 'teardown':
            return
        reports = self.phases.pop(report.nodeid)
        failed = [r for r in reports if r.failed]
        skipped = [r for r in reports if r.skipped]
        if failed:
            self.result(False, report.nodeid,
                        details='\n'.join(r.longreprtext for r in failed))
        elif skipped:
            r = skipped[0]
            reason = 'skipped'
            if isinstance(r.longrepr, tuple) and len(r.longrepr) == 3:
                reason = r.longrepr[2]
                if reason.startswith('Skipped: '):
                    reason = reason[len('Skipped: '):]
            self.result(True, report.nodeid, f'SKIP {reason}')
        else:
            self.result(True, report.nodeid)

    def pytest_sessionfinish(self, session, exitstatus):
        self.emit(f'1..{self.n}\n')


def pytest_configure(config):
    config.pluginmanager.register(TapReporter(config), 'nsrel-tap')
