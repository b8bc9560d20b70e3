/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pure parsers for /proc text: no I/O, safe on any input (fuzzed). */
#ifndef NSREL_PROCFS_H
#define NSREL_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nsrel.h"

struct procfs_stat {
	pid_t ppid;
	long num_threads;
	uint64_t starttime;
	const char *comm; /* points into the buffer; not NUL-terminated */
	size_t comm_len;
};

/* /proc/PID/stat: the comm may hold spaces and parentheses, so the fields
 * start after the last ')'. 0 or -EINVAL. */
int procfs_parse_stat(const char *buf, size_t len, struct procfs_stat *ret);

/* A namespace link or nsfs name, "net:[4026531833]": CLONE_NEW* type and
 * inode, or -EINVAL for anything else (pipe:[…], socket:[…], paths). */
int procfs_parse_nslink(const char *s, size_t len, int *ret_type,
			ino_t *ret_ino);

/* "socket:[12345]" → 0 and the inode, else -EINVAL. */
int procfs_parse_socket(const char *s, size_t len, ino_t *ret_ino);

/* The process name of the original: basename of argv[0] without a leading
 * '-'; "[comm]" for kernel threads (empty cmdline). Writes at most size-1
 * bytes and a NUL to out; returns the length. */
size_t procfs_proc_name(const char *cmdline, size_t cmdline_len,
			const char *comm, size_t comm_len, char *out,
			size_t size);

struct procfs_mount {
	unsigned major, minor; /* of the device, field 3 */
	char *root;	       /* unescaped in place */
	char *point;	       /* unescaped in place */
	char *fstype;
	char *super; /* the super options, NULL if the line ends before */
};

/* One line of /proc/PID/mountinfo, modified in place (NUL-terminated, no
 * newline). 0 or -EINVAL. */
int procfs_parse_mountinfo_line(char *line, struct procfs_mount *ret);

/* What a procfs mount's super options ("rw,hidepid=invisible,gid=5")
 * limit: hidepid= (OFF when absent), gid= (-1 when absent or no number),
 * subset=pid. */
struct procfs_proc_opts {
	enum nsrel_hidepid hidepid;
	long gid;
	bool subset_pid;
};

void procfs_parse_proc_opts(const char *super, struct procfs_proc_opts *ret);

/* The number of PID namespace levels in the NSpid line of a
 * /proc/PID/status text (buf need not be NUL-terminated): 1 when that
 * /proc is of the process's own PID namespace, more for an ancestor's; 0
 * without such a line. */
unsigned procfs_status_nspid_levels(const char *buf, size_t len);

#endif /* NSREL_PROCFS_H */
