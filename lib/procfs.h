/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pure parsers for /proc text: no I/O, safe on any input (fuzzed). */
#ifndef NSREL_PROCFS_H
#define NSREL_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nsrel.h"

/* The kernel's PF_KTHREAD in the flags of stat: a kernel thread. */
#define PROCFS_PF_KTHREAD 0x00200000u
/* TASK_COMM_LEN - 1: a comm this long may have been cut by the kernel. */
#define PROCFS_COMM_CUT 15

struct procfs_stat {
	pid_t ppid;
	uint64_t flags; /* PF_*, field 9 */
	long num_threads;
	uint64_t starttime;
	const char *comm; /* points into the buffer; not NUL-terminated */
	size_t comm_len;
};

/* /proc/PID/stat: the comm may hold spaces and parentheses, so the fields
 * start after the last ')'. 0 or -EINVAL. */
int nsrel__procfs_parse_stat(const char *buf, size_t len,
			     struct procfs_stat *ret);

/* A namespace link or nsfs name, "net:[4026531833]": CLONE_NEW* type and
 * inode, or -EINVAL for anything else (pipe:[…], socket:[…], paths). */
int nsrel__procfs_parse_nslink(const char *s, size_t len, int *ret_type,
			       ino_t *ret_ino);

/* /proc/PID/uid_map or gid_map: lines of three decimal numbers (inside,
 * outside, count), each padded with spaces, each line ending in '\n'.
 * Writes at most max ranges to ret; 0 and *ret_n, or -EINVAL for anything
 * else (more than max lines, a count of 0, a number beyond 32 bits). */
int nsrel__procfs_parse_idmap(const char *buf, size_t len,
			      struct nsrel_idmap *ret, size_t max,
			      size_t *ret_n);

/* "socket:[12345]" → 0 and the inode, else -EINVAL. */
int nsrel__procfs_parse_socket(const char *s, size_t len, ino_t *ret_ino);

/* The name shown for a process: "[comm]" for a kernel thread; else its
 * comm, extended to the basename of argv[0] (without one leading '-') where
 * comm is PROCFS_COMM_CUT bytes and that basename is longer and starts with
 * it. argv[0] is the first NUL-separated word of cmdline, or, where nothing
 * but NULs follows that word (a command line rewritten into one string),
 * its first space-separated word. cmdline may be NULL, and is looked at
 * only where procfs_name_wants_cmdline(). Writes at most size-1 bytes and a
 * NUL to out; returns the length. */
size_t nsrel__procfs_proc_name(const char *cmdline, size_t cmdline_len,
			       const char *comm, size_t comm_len, bool kthread,
			       char *out, size_t size);

static inline bool procfs_name_wants_cmdline(size_t comm_len, bool kthread)
{
	return !kthread && comm_len == PROCFS_COMM_CUT;
}

struct procfs_mount {
	unsigned major, minor; /* of the device, field 3 */
	char *root;	       /* unescaped in place */
	char *point;	       /* unescaped in place */
	char *fstype;
	char *super; /* the super options, NULL if the line ends before */
};

/* One line of /proc/PID/mountinfo, modified in place (NUL-terminated, no
 * newline). 0 or -EINVAL. */
int nsrel__procfs_parse_mountinfo_line(char *line, struct procfs_mount *ret);

/* What a procfs mount's super options ("rw,hidepid=invisible,gid=5")
 * limit: hidepid= (OFF when absent), gid= (-1 when absent or no number),
 * subset=pid. */
struct procfs_proc_opts {
	enum nsrel_hidepid hidepid;
	long gid;
	bool subset_pid;
};

void nsrel__procfs_parse_proc_opts(const char *super,
				   struct procfs_proc_opts *ret);

/* The number of PID namespace levels in the NSpid line of a
 * /proc/PID/status text (buf need not be NUL-terminated): 1 when that
 * /proc is of the process's own PID namespace, more for an ancestor's; 0
 * without such a line. */
unsigned nsrel__procfs_status_nspid_levels(const char *buf, size_t len);

#endif /* NSREL_PROCFS_H */
