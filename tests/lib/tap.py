# SPDX-License-Identifier: LGPL-2.1-or-later
"""The TAP runner of the Python test scripts (tests/tools, tests/confined,
tests/scale): one "ok"/"not ok" line per test, the plan at the end."""

import sys
import traceback

results = []


def run_test(name, fn, *args):
    """One TAP test: an exception fails it; a returned string skips it.
    BaseExceptions that are not Exceptions (a stop signal) pass through."""
    try:
        skip = fn(*args)
    except Exception as e:  # noqa: BLE001 - a test failure of any kind
        fail(name, "%s: %s" % (type(e).__name__, e))
        if not isinstance(e, AssertionError):
            for line in traceback.format_exc().splitlines():
                print("#   " + line)
    else:
        results.append(True)
        if skip:
            print("ok %d - %s # SKIP %s" % (len(results), name, skip))
        else:
            print("ok %d - %s" % (len(results), name))
    sys.stdout.flush()


def fail(name, why):
    """A failed test, said with why (any number of lines)."""
    results.append(False)
    print("not ok %d - %s" % (len(results), name))
    for line in why.splitlines():
        print("#   " + line)


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def plan():
    """Prints the plan; the exit status of the run."""
    print("1..%d" % len(results))
    sys.stdout.flush()
    return 0 if all(results) else 1
