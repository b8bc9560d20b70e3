/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The state of one scan, shared by the sources in scan-*.c. */
#ifndef NSREL_SCAN_H
#define NSREL_SCAN_H

#include <errno.h>
#include <stdbool.h>

#include "model.h"

struct nsrel_statmount;

/* How long a child that resolves a path in a mount namespace
 * (scan-mounts.c) has to answer before it is killed (nsrel.h: struct
 * nsrel_view, mntns_stuck), and then to be gone before it is left. */
#define NSREL__MNTNS_HELPER_MS 5000
#define NSREL__HELPER_REAP_MS  200
/* How long the child that reads the command lines with BPF
 * (scan-bpf.c) has for all of them before it is killed (nsrel.h: struct
 * nsrel_view, cmdline_stuck). */
#define NSREL__CMDLINE_HELPER_MS 5000

/* Bounded helpers, children that may be stuck in the kernel on a file
 * system that does not answer (scan-mounts.c). */
/* CLOCK_MONOTONIC, in ms. */
long long nsrel__now_ms(void);
/* Whether fd became readable (or hung up, or failed) before deadline
 * (nsrel__now_ms()). */
bool nsrel__scan_readable_by(int fd, long long deadline);
/* Kills a helper that did not answer, and reaps it. SIGKILL ends a wait
 * for a FUSE or NFS reply at once, but not for one the FUSE server has
 * read already, nor a lookup waiting behind another's of the same name:
 * those are waited out. A helper not gone within NSREL__HELPER_REAP_MS is
 * left, to end as a zombie of the caller's when the file system answers
 * (or its server goes). */
void nsrel__scan_reap_killed(pid_t pid);
/* In a helper: closes every fd but those of keep (-1: none), so that one
 * left stuck holds nothing of the caller's (the read end of a pipe it
 * writes to). A kernel without close_range(2) (5.9) leaves them open. */
void nsrel__scan_close_others(int keep[], size_t n);

struct scan {
	struct nsrel_model *m;
	unsigned types;		    /* mask of CLONE_NEW* to report */
	unsigned sources;	    /* mask of enum nsrel_source */
	unsigned flags;		    /* mask of enum nsrel_scan_flag */
	unsigned mounts_method;	    /* enum nsrel_mounts_method */
	bool no_listmount;	    /* AUTO, and the kernel cannot list by id */
	enum nsrel_backend backend; /* as asked: AUTO, PROC or BPF */
	enum nsrel_switch containers, engine_api; /* as asked */
	const char *engine_socket;		  /* borrowed; NULL */
	unsigned threads;			  /* as asked; 0: auto */
	int proc_fd;				  /* /proc */
	ino_t self_mntns;			  /* our own mount namespace */
	/* Mount namespaces no process is in whose mounts are still to be
	 * read: an fd to each (they cannot be reopened through /proc), at
	 * most kept_max of them at once (see nsrel__scan_keep_fd()). */
	struct kept_fd {
		uint32_t ns;
		int fd;
	} * kept;
	size_t kept_n, kept_cap, kept_max;
	/* statmount(2)'s buffer, grown as needed. */
	struct nsrel_statmount *sm;
	size_t sm_size;
	/* Socket inode → net namespace index, so that a socket shared by
	 * many processes is asked once. */
	struct sock_entry {
		ino_t ino;
		uint32_t ns;
	} * socks;
	size_t socks_n, socks_cap;
	/* Containers (containers.c); NULL with the containers option off. */
	struct nsrel__containers *ct;
	/* NETLINK_ROUTE, for netnsids: -1 until the first is asked;
	 * no_rtnl where it cannot be had. */
	int rtnl_fd;
	bool no_rtnl;
	uint32_t rtnl_seq;
	/* Our net namespace's ids of its peers, dumped once: nsids_none
	 * where it has given none, so that no namespace needs asking. */
	bool nsids_dumped, nsids_none;
};

/*
 * The one rule for errors (nsrel.h): an error that says the process, fd,
 * mount or namespace looked at is gone (ENOENT, ESRCH) or not ours to read
 * (EACCES, EPERM) skips it; any other ends the scan with -errno. Where a
 * call has more errnos of its own that mean gone or "this kernel has no
 * such feature" (ENOTTY from a namespace ioctl, ENOSYS, ...), the caller
 * checks those first. Returns 0 to skip, or the negative errno. A child
 * that entered a mount namespace and did not answer in time (ETIMEDOUT,
 * scan-mounts.c) skips what it was to open there, and is counted.
 */
static inline int scan_err(int err)
{
	switch (err) {
	case ENOENT:
	case ESRCH:
	case EACCES:
	case EPERM:
		return 0;
	default:
		return err > 0 ? -err : -EIO;
	}
}

/* The same for a path resolved in a tree another user controls (a mount
 * point in another mount namespace, a process's root): what answers there
 * is theirs to choose. A FUSE filesystem may answer a lookup with any
 * errno, one whose daemon is gone with ENOTCONN; a path may no longer
 * resolve the way the kernel named it (ENOTDIR, ELOOP, EXDEV, ESTALE, ...)
 * or lead to no namespace (ENOTTY). So every error skips that path, except
 * those that say this process has run out (the scan ends with them). */
static inline int scan_path_err(int err)
{
	switch (err) {
	case ENOMEM:
	case EMFILE:
	case ENFILE:
		return -err;
	default:
		return 0;
	}
}

/* fd, or the negative errno of the call that gave fd < 0. */
static inline int fd_or_errno(int fd)
{
	return fd < 0 ? -errno : fd;
}

/* registry.c: record the kernel's relations of namespace idx, whose
 * fd (borrowed) the caller holds: id, owner uid, owning user namespace and
 * parent, walking up through namespaces no other source finds (hidden). */
int nsrel__scan_learn(struct scan *s, int fd, uint32_t idx);
/* Adds (or finds) the namespace behind nsfd (type 0: ask the kernel),
 * learning it if new. 1 and the index, 0 if nsfd is no namespace, or a
 * negative errno (which ends the scan). */
int nsrel__scan_ns_from_fd(struct scan *s, int nsfd, int type,
			   uint32_t *ret_idx);
/* Adds (or finds) the namespace named by link text ("net:[123]"); if it
 * is new, opens dirfd/path to learn it. NONE if the text is no namespace.
 * A mount namespace not held as a process's own (in_proc) has its fd kept
 * for reading its mounts later. */
int nsrel__scan_ns_from_link(struct scan *s, const char *link, size_t len,
			     int dirfd, const char *path, bool in_proc,
			     uint32_t *ret_idx);
/* What another user controls (a process's fd, a mount point in their
 * tree) is opened O_PATH first: that has no side effects and cannot block
 * as opening a device or FIFO can. Takes pathfd (a negative errno passes
 * through) and gives an fd for the ioctls only if it is a namespace, else
 * -ENOTTY, or the negative errno of the reopening. */
int nsrel__scan_reopen_ns(const struct scan *s, int pathfd);
/* Keeps a dup of fd, a mount namespace no process is in, until its mounts
 * are read. At most kept_max are kept: past that, its mounts are read
 * now, through fd. 0 or a negative errno. */
int nsrel__scan_keep_fd(struct scan *s, uint32_t idx, int fd);
/* Takes the kept fd of idx out of the list: the caller closes it. -1 if
 * none is kept. */
int nsrel__scan_take_kept_fd(struct scan *s, uint32_t idx);

/* scan-netnsid.c: asks, once, the peer netnsid of net namespace idx,
 * whose fd (borrowed) the caller holds. 0 (also where it stays unknown)
 * or a negative errno that ends the scan. */
int nsrel__scan_netnsid(struct scan *s, int nsfd, uint32_t idx);
/* Whether the netnsid of idx is known (or stays unknown) without an fd of
 * it: 1, after which nsrel__scan_netnsid() asks nothing; 0 where it needs
 * one; a negative errno that ends the scan. */
int nsrel__scan_netnsid_known(struct scan *s, uint32_t idx);

/* scan-procs.c: reads, once, the uid and gid maps of user namespace idx
 * from piddir (an fd of /proc/PID of a member process): 0 (also where
 * they stay unknown: the process is gone, or has moved on to another
 * user namespace) or a negative errno that ends the scan. */
int nsrel__scan_idmaps(struct scan *s, int piddir, uint32_t idx);

/* scan-procs.c: adds a process with its name (comm is the kernel's name
 * for it) and, with NSREL_SCAN_CMDLINE, its command line, read from
 * dirfd/cmdline_path where needed (dirfd -1: never). The caller fills in
 * the rest. */
int nsrel__scan_add_proc(struct scan *s, int dirfd, const char *cmdline_path,
			 const char *comm, size_t comm_len, bool kthread,
			 uint32_t *ret);
/* Whether nsrel__scan_add_proc() reads the command line of a process
 * with that comm. */
bool nsrel__scan_reads_cmdline(const struct scan *s, size_t comm_len,
			       bool kthread);
/* The same, with the first len bytes of its command line, as a read of
 * /proc/PID/cmdline would return them, at buf. */
int nsrel__scan_add_proc_cmdline(struct scan *s, const char *buf, size_t len,
				 const char *comm, size_t comm_len,
				 bool kthread, uint32_t *ret);

/* scan-bpf.c, the BPF backend, in two steps: nsrel__scan_bpf_read() runs the
 * iterators (with NSREL__BPF_CMDLINES, the command lines' too, where it
 * can load)
 * and keeps what they wrote (0, or -EOPNOTSUPP without BPF
 * support or kernel BTF, -EPERM without privilege, another negative errno
 * of bpf(2) or read(2)); it touches nothing of the scan, so that AUTO can
 * still fall back to /proc. nsrel__scan_bpf_fill() turns the records into the
 * processes, tasks, fds and sockets sources of the model, taking them. */
struct nsrel_bpf_ns;
struct nsrel_bpf_task;
struct nsrel_bpf_file;
struct bpf_cmdline;
/* A command line: len bytes at off in bpf_records.cmd. */
struct bpf_cmdline {
	pid_t kpid;
	uint32_t flags;
	uint64_t start_boottime;
	size_t off, len;
};
struct bpf_records {
	struct nsrel_bpf_ns *ns;
	size_t ns_n, ns_cap;
	struct nsrel_bpf_task *tasks;
	size_t tasks_n, tasks_cap;
	struct nsrel_bpf_file *files;
	size_t files_n, files_cap;
	struct bpf_cmdline *cmdlines;
	size_t cmdlines_n, cmdlines_cap;
	char *cmd; /* the command lines' bytes */
	size_t cmd_len, cmd_cap;
	size_t total;	     /* bytes read */
	bool cmdlines_read;  /* the command lines are all there */
	bool cmdlines_stuck; /* their reader did not end in time */
};
void nsrel__scan_bpf_free(struct bpf_records *rec);
/* nsrel__scan_bpf_read()'s flags: read the command lines too; use the
 * task program built for kernels before 6.2 (lib/bpf/iter.bpf.c), as
 * where the other does not load. */
enum {
	NSREL__BPF_CMDLINES = 1 << 0,
	NSREL__BPF_COMPAT = 1 << 1,
};
int nsrel__scan_bpf_read(struct bpf_records *ret, unsigned flags);
int nsrel__scan_bpf_fill(struct scan *s, struct bpf_records *rec);
/* Which command line of c (n of them, sorted by kpid; read: all were
 * read) is the process with pid kpid in the initial PID namespace that
 * started at start_boottime (its task record's). */
enum nsrel__bpf_cmdline_match {
	NSREL__BPF_CMDLINE_ASK_PROC, /* none read for it: ask /proc */
	NSREL__BPF_CMDLINE_FOUND,    /* *ret, its own */
	/* Gone by then (none had its pid, or another process had it):
	 * none, never another's. */
	NSREL__BPF_CMDLINE_GONE,
};
enum nsrel__bpf_cmdline_match
nsrel__bpf_cmdline_match(const struct bpf_cmdline *c, size_t n, bool read,
			 pid_t kpid, uint64_t start_boottime,
			 const struct bpf_cmdline **ret);

/* The sources. Each returns 0 or a negative errno that ends the scan
 * (scan_err()); what is gone or not ours to read is skipped. */
int nsrel__scan_procs(struct scan *s);
/* A process's fds that may hold a namespace (a namespace, a socket of a
 * net namespace, of the types scanned), as nsrel__scan_fds_read() finds
 * them: the reading needs nothing of the model, so that it can be done
 * in another thread (pmap.h); nsrel__scan_fds_add() adds them. */
#define FD_LINK_MAX 32
struct fd_links {
	struct fd_link {
		int fd;
		uint8_t len;		/* of link */
		char link[FD_LINK_MAX]; /* "net:[N]", "socket:[N]" */
		ino_t sock;		/* of "socket:[N]"; else 0 */
	} * v;
	size_t n, cap; /* v grows, and is the caller's to free */
};
/* 0 (also for fds gone or not ours to read), or a negative errno. */
int nsrel__scan_fds_read(const struct scan *s, int piddir, struct fd_links *fl);
int nsrel__scan_fds_add(struct scan *s, int piddir, pid_t pid, uint32_t proc,
			uint32_t own_net, const struct fd_links *fl);
int nsrel__scan_mounts(struct scan *s);
/* scan-mounts.c: reads the mounts of mount namespace idx now; mntfd (-1 if
 * none) is an fd to it, borrowed. 0 or a negative errno. */
int nsrel__scan_read_mounts(struct scan *s, uint32_t idx, int mntfd);
int nsrel__scan_listns(struct scan *s);
/* view.c: what this scan can see, into s->m->view; 0 or a negative
 * errno (scan_err()). */
int nsrel__scan_view(struct scan *s);

#endif /* NSREL_SCAN_H */
