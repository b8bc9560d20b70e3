# SPDX-License-Identifier: LGPL-2.1-or-later
"""The environment for running graphns under the sanitizer build:
Graphviz's and fontconfig's caches live until exit, and
tests/graphns/lsan.supp names them for the leak checker; leaks of our own
still fail. Python standard library only."""

import os

SUPP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                    "graphns", "lsan.supp")


def graphviz_env(env=None):
    """A copy of env (os.environ by default) with the suppressions added
    to LSAN_OPTIONS."""
    env = dict(os.environ if env is None else env)
    old = env.get("LSAN_OPTIONS")
    env["LSAN_OPTIONS"] = (old + ":" if old else "") + "suppressions=" + \
        os.path.abspath(SUPP)
    return env
