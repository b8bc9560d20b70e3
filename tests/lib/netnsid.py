# SPDX-License-Identifier: LGPL-2.1-or-later
"""Peer netnsids from Python, on a NETLINK_ROUTE socket of our own net
namespace: what the kernel says (RTM_GETNSID), and giving a namespace one
(RTM_NEWNSID, as `ip netns set` does), so that tests compare nsrel with
the kernel, never with itself. Python standard library only."""

import os
import socket
import struct

RTM_NEWNSID, RTM_GETNSID = 88, 90
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2
NETNSA_NSID, NETNSA_FD = 1, 3
UNASSIGNED = -1


def _talk(msg_type, flags, attrs):
    """One request with (type, int32) attributes; the reply's attributes
    as a dict, or {} for an ack. OSError for an error reply."""
    body = struct.pack("Bxxx", socket.AF_UNSPEC)
    for t, v in attrs:
        body += struct.pack("HHi", 8, t, v)
    msg = struct.pack("IHHII", 16 + len(body), msg_type, flags, 1, 0) + body
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                       socket.NETLINK_ROUTE) as s:
        s.send(msg)
        rep = s.recv(4096)
    _, rtype, _, _, _ = struct.unpack_from("IHHII", rep)
    if rtype == NLMSG_ERROR:
        err = struct.unpack_from("i", rep, 16)[0]
        if err:
            raise OSError(-err, os.strerror(-err))
        return {}
    out, off = {}, 16 + 4
    while off + 4 <= len(rep):
        alen, atype = struct.unpack_from("HH", rep, off)
        if alen < 4:
            break
        if alen >= 8:
            out[atype] = struct.unpack_from("i", rep, off + 4)[0]
        off += (alen + 3) & ~3
    return out


def get(path):
    """The peer netnsid of the net namespace at path, or UNASSIGNED."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        return _talk(RTM_GETNSID, NLM_F_REQUEST,
                     [(NETNSA_FD, fd)]).get(NETNSA_NSID, UNASSIGNED)
    finally:
        os.close(fd)


def assign(path):
    """Gives the net namespace at path an id (the kernel picks a free one)
    and returns it."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        _talk(RTM_NEWNSID, NLM_F_REQUEST | NLM_F_ACK,
              [(NETNSA_FD, fd), (NETNSA_NSID, -1)])
    finally:
        os.close(fd)
    return get(path)
