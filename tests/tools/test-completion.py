#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The bash completion of the tools, run in a plain bash (and with
bash-completion's helpers when installed). Speaks TAP."""

import os
import shutil
import subprocess
import sys

SCRIPT = sys.argv[1]
CASES = [
    # words on the line, the word being completed, what must be offered,
    # what must not
    (["lsuserns", "--d"], ["--details"], []),
    (["lsuserns", "-t", ""], ["net", "pid", "time", "mnt"], ["user"]),
    (["lsuserns", "--type", "ne"], ["net"], []),
    (["lsuserns", "-t", "net,p"], ["net,pid"], ["net,user"]),
    (["dumpns", "-t", "pid,u"], ["pid,user", "pid,uts"], []),
    (["lsuserns", "--verb"], ["--verbose"], []),
    (["lspidns", "--verb"], ["--verbose"], []),
    (["graphns", "--ta"], ["--task"], []),
    (["lsuserns", "--color", ""], ["auto", "always", "never"], []),
    (["lsuserns", "--color=al"], ["always"], []),
    (["lspidns", "--u"], ["--user"], []),
    (["lsuserns", "--ta"], ["--task"], []),
    (["lspidns", "--ta"], ["--task"], []),
    (["lspidns", "-p", ""], [], ["--user", "-u"]),
    (["lspidns", "--"], ["--user", "--json", "--help", "--version"],
     ["--details"]),
    (["dumpns", "--no-"], ["--no-tasks", "--no-fds", "--no-mounts"], []),
    (["dumpns", "-t", "us"], ["user"], []),
    (["dumpns", "--c"], ["--compact"], []),
    (["graphns", "-T", ""], ["svg", "png", "pdf", "dot", "html"], []),
    (["graphns", "--no-"], ["--no-owner-arrows"], []),
    (["graphns", "--gr"], ["--group"], []),
    (["lsallns", "--no"], ["--noheadings", "--notruncate", "--nowrap"], []),
    (["lsallns", "--output-"], ["--output-all"], []),
    (["lsallns", "-o", "NS,PI"], ["NS,PID"], ["NS,PPID"]),
    (["lsallns", "-o", "+HOL"], ["+HOLDERS"], []),
    (["lsallns", "-t", "net,u"], ["net,user", "net,uts"], ["net,pid"]),
    (["lsallns", "--tree=p"], ["process", "parent"], ["owner"]),
    (["lsallns", "--color="], ["auto", "always", "never"], []),
    (["dumpns", "--backend", ""], ["auto", "proc", "bpf"], []),
    (["lspidns", "--backend=b"], ["bpf"], []),
    (["graphns", "--b"], ["--backend"], []),
    (["lsallns", "--backend", "p"], ["proc"], []),
    (["lsuserns", "--eng"], ["--engine-socket"], []),
    (["dumpns", "--no-e"], ["--no-engine-api"], []),
    (["graphns", "--no-e"], ["--no-engine-api"], []),
    (["lspidns", "--engine-s"], ["--engine-socket"], []),
    (["lsallns", "--no-e"], ["--no-engine-api"], []),
]


def complete(words, preload):
    line = " ".join(words)
    prog = r'''
%s
source "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
_nsrel "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
	"${COMP_WORDS[COMP_CWORD-1]}"
printf '%%s\n' "${COMPREPLY[@]}"
''' % preload
    # bash-completion splits "--color=al" into three words; do the same.
    if words[-1].startswith("--") and "=" in words[-1]:
        opt, val = words[-1].split("=", 1)
        words = words[:-1] + [opt, "=", val]
    p = subprocess.run(["bash", "-c", prog, "bash", SCRIPT] + words,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    if p.returncode != 0:
        raise AssertionError("%r: exit %d: %s" % (line, p.returncode,
                                                   p.stderr.decode()))
    return [w.rstrip("=") for w in p.stdout.decode().split()]


def main():
    if not shutil.which("bash"):
        print("1..0 # SKIP bash missing")
        return 0
    n = 0
    ok = True
    p = subprocess.run(["bash", "-n", SCRIPT], stderr=subprocess.PIPE)
    n += 1
    if p.returncode == 0:
        print("ok %d - bash -n" % n)
    else:
        ok = False
        print("not ok %d - bash -n: %s" % (n, p.stderr.decode()))
    preloads = [("plain bash", "")]
    bc = "/usr/share/bash-completion/bash_completion"
    if os.path.exists(bc):
        preloads.append(("with bash-completion", "source %s" % bc))
    else:
        n += 1
        print("ok %d - with bash-completion # SKIP %s missing" % (n, bc))
    for name, pre in preloads:
        for words, want, unwanted in CASES:
            n += 1
            try:
                got = complete(words, pre)
                missing = [w for w in want if w not in got]
                extra = [w for w in unwanted if w in got]
                if missing or extra:
                    raise AssertionError("got %r, missing %r, unwanted %r"
                                         % (got, missing, extra))
                print("ok %d - %s: %s" % (n, name, " ".join(words)))
            except Exception as e:  # noqa: BLE001
                ok = False
                print("not ok %d - %s: %s" % (n, name, " ".join(words)))
                print("#   %s" % e)
    print("1..%d" % n)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
