# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the kernel says of a namespace, asked with ioctl_ns(2) on its own,
as the tests' reference for the tools: the chain of parents, the owner.
And a PID that no process has. Python standard library only."""

import fcntl
import os

NS_GET_USERNS, NS_GET_PARENT = 0xb701, 0xb702


def kernel_chain(path):
    """The inodes from the root of what we may see down to the namespace
    at path, asked of the kernel (NS_GET_PARENT)."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    chain = []
    while True:
        chain.append(os.fstat(fd).st_ino)
        try:
            up = fcntl.ioctl(fd, NS_GET_PARENT)
        except PermissionError:
            break
        finally:
            os.close(fd)
        fd = up
    return chain[::-1]


def kernel_owner(path):
    """The inode of the user namespace that owns the namespace at path;
    None where the kernel does not tell (EPERM)."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        up = fcntl.ioctl(fd, NS_GET_USERNS)
    except PermissionError:
        return None
    finally:
        os.close(fd)
    try:
        return os.fstat(up).st_ino
    finally:
        os.close(up)


def unused_pid():
    """A PID that no process has now, from the top down."""
    with open("/proc/sys/kernel/pid_max") as f:
        top = int(f.read())
    return next(p for p in range(top - 1, 1, -1)
                if not os.path.exists("/proc/%d" % p))
