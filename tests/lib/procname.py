"""The name nsrel gives a process (nsrel_proc_name(3)), read here from
/proc on its own as the tests' reference: "[comm]" for a kernel thread
(PF_KTHREAD in the flags of stat); else comm, or, where the kernel cut comm
at 15 bytes, the basename of argv[0] without one leading '-' if that is
longer and starts with comm. argv[0] is the first NUL-separated word of
cmdline, or of one rewritten into a single string (nothing but NULs after
it), its first space-separated word."""

PF_KTHREAD = 0x00200000


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def name_from(comm: bytes, kthread: bool, cmdline: bytes) -> bytes:
    if kthread:
        return b"[" + comm + b"]"
    if len(comm) != 15:
        return comm
    words = cmdline.split(b"\0")
    argv0 = words[0]
    if not any(words[1:]):
        argv0 = argv0.split(b" ", 1)[0]
    # The last component; a trailing '/' stays with the one before.
    start = 0
    for i in range(len(argv0) - 1):
        if argv0[i] == ord("/"):
            start = i + 1
    base = argv0[start:]
    if len(base) > 1 and base.startswith(b"-"):
        base = base[1:]
    return base if len(base) > 15 and base.startswith(comm) else comm


def proc_name(pid: int) -> bytes:
    stat = _read("/proc/%d/stat" % pid)
    comm = stat[stat.index(b"(") + 1:stat.rindex(b")")]
    flags = int(stat[stat.rindex(b")") + 2:].split(b" ")[6])
    kthread = bool(flags & PF_KTHREAD)
    cmdline = b"" if kthread else _read("/proc/%d/cmdline" % pid)
    return name_from(comm, kthread, cmdline)
