"""scan() out of file descriptors raises OSError(EMFILE), never returns a
smaller model (the rule of nsrel.h: only what is gone or not ours to
read is skipped)."""
import errno
import os
import subprocess
import sys

import pytest

import linuxns_rel

# In a child, so that the limit cannot disturb the test run: the lowest
# soft limit that leaves three fds free, far fewer than a scan needs.
CHILD = r'''
import os, resource, sys
import linuxns_rel
open_fds = {int(f) for f in os.listdir('/proc/self/fd')}
limit, free = 0, 0
while free < 3:
    free += limit not in open_fds
    limit += 1
_, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
try:
    m = linuxns_rel.scan()
except OSError as e:
    print(type(e).__name__, e.errno, e.strerror)
    sys.exit(0)
print('no error: a model came back')
'''


@pytest.mark.skipif(not hasattr(linuxns_rel, 'scan'), reason='no scan()')
def test_scan_emfile():
    r = subprocess.run([sys.executable, '-c', CHILD], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split(None, 2)[:2] == ['OSError', str(errno.EMFILE)], \
        r.stdout
    assert os.strerror(errno.EMFILE) in r.stdout
