/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The state of one scan, shared by the sources in scan-*.c. */
#ifndef NSREL_SCAN_H
#define NSREL_SCAN_H

#include <stdbool.h>

#include "model.h"

#define SCAN_KEPT_MAX 256

struct scan {
	struct nsrel_model *m;
	unsigned types;	  /* mask of CLONE_NEW* to report */
	unsigned sources; /* mask of enum nsrel_source */
	unsigned flags;	  /* mask of enum nsrel_scan_flag */
	int proc_fd;	  /* /proc */
	ino_t self_mntns; /* our own mount namespace */
	/* Mount namespaces no process is in: an fd to each, kept open until
	 * their mounts are read (they cannot be reopened through /proc). */
	struct kept_fd {
		uint32_t ns;
		int fd;
	} *kept;
	size_t kept_n, kept_cap;
	/* Socket inode → net namespace index, so that a socket shared by
	 * many processes is asked once. */
	struct sock_entry {
		ino_t ino;
		uint32_t ns;
	} *socks;
	size_t socks_n, socks_cap;
};

/* scan-hierarchy.c: record the kernel's relations of namespace idx, whose
 * fd (borrowed) the caller holds: id, owner uid, owning user namespace and
 * parent, walking up through namespaces no other source finds (hidden). */
int scan_learn(struct scan *s, int fd, uint32_t idx);
/* Adds (or finds) the namespace behind nsfd (type 0: ask the kernel),
 * learning it if new. 1 and the index, 0 if nsfd is no namespace. */
int scan_ns_from_fd(struct scan *s, int nsfd, int type, uint32_t *ret_idx);
/* Adds (or finds) the namespace named by link text ("net:[123]"); if it
 * is new, opens dirfd/path to learn it. NONE if the text is no namespace.
 * A mount namespace not held as a process's own (in_proc) has its fd kept
 * for reading its mounts later. */
int scan_ns_from_link(struct scan *s, const char *link, size_t len, int dirfd,
		      const char *path, bool in_proc, uint32_t *ret_idx);
/* What another user controls (a process's fd, a mount point in their
 * tree) is opened O_PATH first: that has no side effects and cannot block
 * as opening a device or FIFO can. Takes pathfd (-1 passes through) and
 * gives an fd for the ioctls only if it is a namespace, else -1. */
int scan_reopen_ns(const struct scan *s, int pathfd);
int scan_keep_fd(struct scan *s, uint32_t idx, int fd);
int scan_kept_fd(const struct scan *s, uint32_t idx);

/* The sources. Each returns 0 or a negative errno for a fatal error
 * (ENOMEM); what a process or namespace does not let us see is skipped. */
int scan_procs(struct scan *s);
int scan_fds_of(struct scan *s, int piddir, pid_t pid, uint32_t proc,
		uint32_t own_net);
int scan_mounts(struct scan *s);
int scan_listns(struct scan *s);
/* view.c: what this scan can see, into s->m->view; 0 or -ENOMEM. */
int scan_view(struct scan *s);

#endif /* NSREL_SCAN_H */
