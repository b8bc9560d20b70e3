/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Processes and threads: /proc/PID/ns/TYPE of every process, *_for_children
 * where it differs, and the namespaces of threads that differ from their
 * process's. Per process this is one directory fd and readlinkat()s
 * relative to it; a namespace is opened only the first time it is seen.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "containers.h"
#include "pmap.h"
#include "procfs.h"
#include "scan.h"
#include "util.h"

/* Enough for the name and the arguments anyone reads; longer command
 * lines are cut here (the last argument is then truncated). */
#define CMDLINE_MAX 4096

static const char *const ns_links[NSREL_NSTYPE_COUNT] = {
	"ns/mnt",  "ns/cgroup", "ns/uts", "ns/ipc",
	"ns/user", "ns/pid",	"ns/net", "ns/time",
};

/* The kernel allows 340 lines in a map; each is at most 33 bytes. */
#define IDMAP_MAX 340
#define IDMAP_BUF (IDMAP_MAX * 34)

int nsrel__scan_idmaps(struct scan *s, int piddir, uint32_t idx)
{
	static const char *const files[2] = {"uid_map", "gid_map"};
	if (s->m->ns[idx].type != CLONE_NEWUSER || s->m->ns[idx].maps_read)
		return 0;
	struct nsrel_idmap map[2][IDMAP_MAX];
	size_t n[2];
	char buf[IDMAP_BUF];
	for (int i = 0; i < 2; i++) {
		ssize_t len = read_at(piddir, files[i], buf, sizeof(buf));
		/* EINVAL: the process was reaped while the file was opened
		 * (found by its name, gone at the open); skipped as gone. */
		if (len == -EINVAL)
			return 0;
		if (len < 0)
			return scan_err((int)-len);
		if (nsrel__procfs_parse_idmap(buf, (size_t)len, map[i],
					      IDMAP_MAX, &n[i]) < 0)
			return 0;
	}
	/* The maps are of the namespace the process is in now: still the
	 * one it was in when its links were read? */
	char link[64];
	ssize_t len = readlinkat(piddir, "ns/user", link, sizeof(link));
	if (len < 0)
		return scan_err(errno);
	int type;
	ino_t ino;
	if (nsrel__procfs_parse_nslink(link, (size_t)len, &type, &ino) < 0 ||
	    ino != s->m->ns[idx].ino)
		return 0;
	for (int i = 0; i < 2; i++) {
		uint32_t off = nsrel__model_idmap_add(s->m, map[i], n[i]);
		if (off == NONE)
			return -ENOMEM;
		s->m->ns[idx].map_off[i] = off;
		s->m->ns[idx].map_n[i] = (uint32_t)n[i];
	}
	s->m->ns[idx].maps_read = true;
	return 0;
}

static int scan_tasks(struct scan *s, int piddir, pid_t pid, uint32_t proc,
		      const uint32_t own[NSREL_NSTYPE_COUNT], unsigned types)
{
	_cleanup_(dents_closep) struct dents d;
	/* Gone, or not ours to read: skipped; anything else ends the scan
	 * (scan_err()), not a silently shorter result. */
	if (dents_open(&d, piddir, "task") < 0)
		return scan_err(errno);
	int tfd = d.fd;
	int r = 0;
	const struct dirent64 *de;
	while (r >= 0 && (de = dents_next(&d))) {
		pid_t tid;
		if (!is_pid(de->d_name, &tid) || tid == pid)
			continue;
		for (unsigned t = 0; t < NSREL_NSTYPE_COUNT; t++) {
			if (!(types & (unsigned)nsrel_nstype_at(t)))
				continue;
			char path[64], link[64];
			snprintf(path, sizeof(path), "%d/%s", tid, ns_links[t]);
			ssize_t n = readlinkat(tfd, path, link, sizeof(link));
			if (n < 0 && (r = scan_err(errno)) < 0)
				break;
			if (n <= 0)
				continue;
			uint32_t idx;
			r = nsrel__scan_ns_from_link(s, link, (size_t)n, tfd,
						     path, false, &idx);
			if (r < 0)
				break;
			if (idx == NONE || idx == own[t])
				continue;
			r = nsrel__model_ref_add(s->m, idx, NSREL_REF_TASK,
						 proc, tid, -1, NONE, NONE);
			if (r < 0)
				break;
		}
	}
	if (r >= 0 && !de && errno)
		r = scan_err(errno);
	return r;
}

/* Make the last argument of n bytes of a command line (in a buffer with
 * room for one more) end, also when the line was cut; the new length. */
static ssize_t end_args(char *cmdline, ssize_t n)
{
	if (n > 0 && cmdline[n - 1] != '\0')
		cmdline[n++] = '\0';
	return n;
}

/* Keep n bytes of a command line, ended (end_args()), as the process's
 * arguments. */
static int set_args(struct scan *s, uint32_t idx, const char *cmdline,
		    ssize_t n)
{
	if (n <= 0)
		return 0;
	uint32_t off = nsrel__model_str_add(s->m, cmdline, (size_t)n - 1);
	if (off == NONE)
		return -ENOMEM;
	uint32_t argc = 0;
	for (ssize_t i = 0; i < n; i++)
		argc += cmdline[i] == '\0';
	s->m->procs[idx].args = off;
	s->m->procs[idx].argc = argc;
	return 0;
}

/* The process, with n bytes of its command line in cmdline (which has
 * room for one more), kept as its arguments if keep. */
static int add_proc_with(struct scan *s, char *cmdline, ssize_t n, bool keep,
			 const char *comm, size_t comm_len, bool kthread,
			 uint32_t *ret)
{
	n = end_args(cmdline, n);
	char name[256];
	size_t name_len =
		nsrel__procfs_proc_name(n ? cmdline : "", (size_t)n, comm,
					comm_len, kthread, name, sizeof(name));
	uint32_t idx;
	if (nsrel__model_proc_add(s->m, &idx) < 0)
		return -ENOMEM;
	uint32_t name_off = nsrel__model_str_add(s->m, name, name_len);
	if (name_off == NONE)
		return -ENOMEM;
	s->m->procs[idx].name = name_off;
	*ret = idx;
	return keep ? set_args(s, idx, cmdline, n) : 0;
}

/* A kernel thread has no command line; a user process's is kept where
 * the scan keeps them (NSREL_SCAN_CMDLINE_FIRST: the BPF backend keeps
 * all it reads). */
static bool keeps_cmdline(const struct scan *s, bool kthread)
{
	return !kthread &&
	       (s->flags & (NSREL_SCAN_CMDLINE | NSREL_SCAN_CMDLINE_FIRST));
}

/* Whether a process's command line is read: where it is kept, or where
 * it may extend a cut comm. */
static bool reads_cmdline(bool keep, size_t comm_len, bool kthread)
{
	return keep || procfs_name_wants_cmdline(comm_len, kthread);
}

/* The process, its command line read where reads_cmdline() says. */
static int add_proc_keep(struct scan *s, int dirfd, const char *cmdline_path,
			 bool keep, const char *comm, size_t comm_len,
			 bool kthread, uint32_t *ret)
{
	char cmdline[CMDLINE_MAX + 1];
	ssize_t n = 0;
	if (dirfd >= 0 && reads_cmdline(keep, comm_len, kthread))
		n = read_once_at(dirfd, cmdline_path, cmdline, CMDLINE_MAX);
	if (n < 0) {
		int r = scan_err((int)-n);
		if (r < 0)
			return r;
		n = 0;
	}
	return add_proc_with(s, cmdline, n, keep, comm, comm_len, kthread, ret);
}

bool nsrel__scan_reads_cmdline(const struct scan *s, size_t comm_len,
			       bool kthread)
{
	return reads_cmdline(keeps_cmdline(s, kthread), comm_len, kthread);
}

int nsrel__scan_add_proc(struct scan *s, int dirfd, const char *cmdline_path,
			 const char *comm, size_t comm_len, bool kthread,
			 uint32_t *ret)
{
	return add_proc_keep(s, dirfd, cmdline_path, keeps_cmdline(s, kthread),
			     comm, comm_len, kthread, ret);
}

int nsrel__scan_add_proc_cmdline(struct scan *s, const char *buf, size_t len,
				 const char *comm, size_t comm_len,
				 bool kthread, uint32_t *ret)
{
	bool keep = keeps_cmdline(s, kthread);
	char cmdline[CMDLINE_MAX + 1];
	size_t n = 0;
	if (reads_cmdline(keep, comm_len, kthread)) {
		n = len < CMDLINE_MAX ? len : CMDLINE_MAX;
		memcpy(cmdline, buf, n);
	}
	return add_proc_with(s, cmdline, (ssize_t)n, keep, comm, comm_len,
			     kthread, ret);
}

/* NSREL_SCAN_CMDLINE_FIRST alone: a /proc scan reads the command line
 * only of a process that turned out to be the first to hold some
 * namespace some way (nsrel_proc.first, known once its refs are in). */
static bool defers_cmdline(const struct scan *s, bool kthread)
{
	return !kthread && (s->flags & NSREL_SCAN_CMDLINE_FIRST) &&
	       !(s->flags & NSREL_SCAN_CMDLINE);
}

static int read_deferred_cmdline(struct scan *s, int piddir, uint32_t proc)
{
	if (!s->m->procs[proc].first || s->m->procs[proc].args != NONE)
		return 0;
	char cmdline[CMDLINE_MAX + 1];
	ssize_t n = read_once_at(piddir, "cmdline", cmdline, CMDLINE_MAX);
	if (n < 0)
		return scan_err((int)-n);
	return set_args(s, proc, cmdline, end_args(cmdline, n));
}

/* The longest namespace link, "cgroup:[18446744073709551615]", fits. */
#define NS_LINK_MAX 32
/* /proc/PID/stat escapes the comm; a kernel thread's is up to 63 bytes. */
#define COMM_MAX 256

/* The links read of a process: its namespaces, then *_for_children. */
enum { LINK_PID_FOR_CHILDREN = NSREL_NSTYPE_COUNT, LINK_TIME_FOR_CHILDREN };
static const struct {
	int type;
	const char *path;
} for_children[] = {
	[LINK_PID_FOR_CHILDREN - NSREL_NSTYPE_COUNT] = {CLONE_NEWPID,
							"ns/pid_for_children"},
	[LINK_TIME_FOR_CHILDREN -
		NSREL_NSTYPE_COUNT] = {CLONE_NEWTIME, "ns/time_for_children"},
};
#define LINKS (NSREL_NSTYPE_COUNT + ELEMENTSOF(for_children))

/* What /proc/PID gave, before any of it is in the model (read_proc()):
 * the system calls that depend on nothing the scan found so far. */
struct proc_read {
	int piddir;	 /* -1: nothing to add */
	int err;	 /* a negative errno that ends the scan */
	bool unreadable; /* not ours to read: counted, skipped */
	uid_t uid;
	struct procfs_stat ps; /* comm points to comm below */
	char comm[COMM_MAX];
	int8_t len[LINKS]; /* of each link; -1: none (a zombie, gone) */
	char link[LINKS][NS_LINK_MAX];
	struct fd_links fds;
};

/* The processes to read, as /proc listed them, and what to read. */
struct procs {
	struct scan *s;
	pid_t *pids;
	size_t n, cap;
	unsigned types; /* s->types, and mnt where mounts are read */
	pid_t self;	/* we, as /proc numbers us; 0 where it does not */
};

/* Whether link t (of read_proc_links()) is to be read. */
static bool link_wanted(const struct procs *p, unsigned t)
{
	if (t < NSREL_NSTYPE_COUNT)
		return p->types & (unsigned)nsrel_nstype_at(t);
	return (p->s->sources & NSREL_SRC_PROCS) &&
	       (p->s->types &
		(unsigned)for_children[t - NSREL_NSTYPE_COUNT].type);
}

static void read_proc_links(const struct procs *p, struct proc_read *r)
{
	for (unsigned t = 0; t < LINKS; t++) {
		r->len[t] = -1;
		if (!link_wanted(p, t))
			continue;
		bool own = t < NSREL_NSTYPE_COUNT;
		const char *path =
			own ? ns_links[t]
			    : for_children[t - NSREL_NSTYPE_COUNT].path;
		ssize_t n =
			readlinkat(r->piddir, path, r->link[t], NS_LINK_MAX);
		if (n >= 0) {
			r->len[t] = (int8_t)(n < NS_LINK_MAX ? n : 0);
			continue;
		}
		if (own && (errno == EACCES || errno == EPERM)) {
			r->unreadable = true;
			r->err = 1; /* skipped */
			return;
		}
		if (own ? errno != ENOENT && errno != ESRCH
			: scan_err(errno) < 0) {
			r->err = -errno;
			return;
		}
	}
}

static void close_piddir(struct proc_read *r)
{
	if (r->piddir >= 0)
		close(r->piddir);
	r->piddir = -1;
}

/* Reads process i: in a reader thread (pmap.h), so only into the slot. */
static void read_proc(const void *ctx, size_t i, void *slot)
{
	const struct procs *p = ctx;
	struct proc_read *r = slot;
	r->err = 0;
	r->unreadable = false;
	r->fds.n = 0;
	char name[16];
	snprintf(name, sizeof(name), "%d", p->pids[i]);
	r->piddir =
		openat(p->s->proc_fd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->piddir < 0) {
		r->unreadable = errno == EACCES || errno == EPERM;
		r->err = scan_err(errno); /* 0: gone, or not ours */
		return;
	}
	struct stat st;
	if (fstat(r->piddir, &st) < 0) {
		r->err = scan_err(errno);
		goto skip;
	}
	r->uid = st.st_uid;
	char buf[1024];
	ssize_t n = read_once_at(r->piddir, "stat", buf, sizeof(buf));
	/* hidepid=noaccess: the directory is there, its files are not ours */
	if (n == -EACCES || n == -EPERM)
		r->unreadable = true;
	if (n < 0) {
		r->err = scan_err((int)-n);
		goto skip;
	}
	if (n == 0 || nsrel__procfs_parse_stat(buf, (size_t)n, &r->ps) < 0)
		goto skip;
	if (r->ps.comm_len > sizeof(r->comm))
		r->ps.comm_len = sizeof(r->comm);
	memcpy(r->comm, r->ps.comm, r->ps.comm_len);
	r->ps.comm = r->comm;
	read_proc_links(p, r);
	if (r->err)
		goto skip;
	/* Our own fds are read as we add ourselves (add_read_proc()),
	 * when no other thread holds one of the scan's for a moment: an
	 * fd the caller holds is seen, one of the scan's is not. */
	if ((p->s->sources & NSREL_SRC_FDS) && p->pids[i] != p->self)
		r->err = nsrel__scan_fds_read(p->s, r->piddir, &r->fds);
	if (r->err >= 0)
		return;
skip:
	if (r->err > 0)
		r->err = 0;
	close_piddir(r);
}

static void drop_proc(void *ctx, void *slot)
{
	(void)ctx;
	close_piddir(slot);
}

static void fini_proc(void *slot)
{
	free(((struct proc_read *)slot)->fds.v);
}

static int add_proc(struct scan *s, pid_t pid, const struct proc_read *rd,
		    uint32_t *ret)
{
	const struct procfs_stat *ps = &rd->ps;
	bool kthread = ps->flags & PROCFS_PF_KTHREAD;
	/* Read for the name anyway: kept, whether first or not. */
	bool keep = defers_cmdline(s, kthread)
			    ? procfs_name_wants_cmdline(ps->comm_len, kthread)
			    : keeps_cmdline(s, kthread);
	uint32_t idx;
	int r = add_proc_keep(s, rd->piddir, "cmdline", keep, ps->comm,
			      ps->comm_len, kthread, &idx);
	if (r < 0)
		return r;
	struct nsrel_proc *p = &s->m->procs[idx];
	p->pid = pid;
	p->ppid = ps->ppid;
	p->uid = rd->uid;
	p->starttime = ps->starttime;
	*ret = idx;
	return 0;
}

/* The *_for_children links that differ from the process's own. */
static int add_for_children(struct scan *s, const struct proc_read *r,
			    uint32_t proc,
			    const uint32_t own[NSREL_NSTYPE_COUNT])
{
	for (unsigned t = NSREL_NSTYPE_COUNT; t < LINKS; t++) {
		if (r->len[t] <= 0)
			continue;
		int type = for_children[t - NSREL_NSTYPE_COUNT].type;
		uint32_t idx;
		int ret = nsrel__scan_ns_from_link(
			s, r->link[t], (size_t)r->len[t], r->piddir,
			for_children[t - NSREL_NSTYPE_COUNT].path, false, &idx);
		if (ret < 0)
			return ret;
		if (idx == NONE || idx == own[nsrel_nstype_index(type)])
			continue;
		ret = nsrel__model_ref_add(s->m, idx, NSREL_REF_FOR_CHILDREN,
					   proc, 0, -1, NONE, NONE);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Adds process i, as read_proc() read it, to the model: in pid order, in
 * the scanning thread. */
static int add_read_proc(void *ctx, size_t i, void *slot)
{
	struct procs *p = ctx;
	struct scan *s = p->s;
	struct proc_read *rd = slot;
	pid_t pid = p->pids[i];
	if (rd->unreadable)
		s->m->unreadable++;
	if (rd->err < 0 || rd->piddir < 0)
		return rd->err;

	uint32_t own[NSREL_NSTYPE_COUNT];
	for (unsigned t = 0; t < NSREL_NSTYPE_COUNT; t++) {
		own[t] = NONE;
		if (rd->len[t] < 0)
			continue;
		int r = nsrel__scan_ns_from_link(s, rd->link[t],
						 (size_t)rd->len[t], rd->piddir,
						 ns_links[t], true, &own[t]);
		if (r < 0)
			return r;
	}

	uint32_t proc;
	int r = add_proc(s, pid, rd, &proc);
	if (r < 0)
		return r;
	r = nsrel__containers_proc(s, rd->piddir, "cgroup", proc,
				   own[nsrel_nstype_index(CLONE_NEWNS)],
				   rd->ps.flags & PROCFS_PF_KTHREAD);
	if (r < 0)
		return r;
	if (s->sources & NSREL_SRC_PROCS) {
		for (unsigned t = 0; t < NSREL_NSTYPE_COUNT; t++) {
			if (own[t] == NONE)
				continue;
			s->m->procs[proc].ns[t] = own[t];
			if (!s->m->ns[own[t]].any_pid)
				s->m->ns[own[t]].any_pid = pid;
			r = nsrel__model_ref_add(s->m, own[t], NSREL_REF_PROC,
						 proc, 0, -1, NONE, NONE);
			if (r < 0)
				return r;
		}
		uint32_t user = own[nsrel_nstype_index(CLONE_NEWUSER)];
		if (user != NONE &&
		    (r = nsrel__scan_idmaps(s, rd->piddir, user)) < 0)
			return r;
		r = add_for_children(s, rd, proc, own);
		if (r < 0)
			return r;
	} else {
		/* Not reported, but its mounts are read through it. */
		uint32_t mnt = own[nsrel_nstype_index(CLONE_NEWNS)];
		if (mnt != NONE && !s->m->ns[mnt].any_pid)
			s->m->ns[mnt].any_pid = pid;
	}
	if ((s->sources & NSREL_SRC_TASKS) && rd->ps.num_threads > 1) {
		r = scan_tasks(s, rd->piddir, pid, proc, own, p->types);
		if (r < 0)
			return r;
	}
	if (s->sources & NSREL_SRC_FDS) {
		uint32_t net = own[nsrel_nstype_index(CLONE_NEWNET)];
		if (pid == p->self &&
		    (r = nsrel__scan_fds_read(s, rd->piddir, &rd->fds)) < 0)
			return r;
		r = nsrel__scan_fds_add(s, rd->piddir, pid, proc, net,
					&rd->fds);
		if (r < 0)
			return r;
	}
	if (defers_cmdline(s, rd->ps.flags & PROCFS_PF_KTHREAD))
		return read_deferred_cmdline(s, rd->piddir, proc);
	return 0;
}

/* The pids /proc lists, in its order (ascending). */
static int list_pids(struct procs *p)
{
	/* A fresh open: a dup would share the directory offset. */
	DIR *d = opendir_at(p->s->proc_fd, ".");
	if (!d)
		return -errno;
	int r = 0;
	struct dirent *de;
	while ((errno = 0, de = readdir(d))) {
		pid_t pid;
		if (de->d_type != DT_DIR || !is_pid(de->d_name, &pid))
			continue;
		if (nsrel__model_grow((void **)&p->pids, &p->cap, p->n + 1,
				      sizeof(*p->pids)) < 0) {
			r = -ENOMEM;
			break;
		}
		p->pids[p->n++] = pid;
	}
	if (r >= 0 && !de && errno)
		r = -errno;
	closedir(d);
	return r;
}

/* Below this many processes a scan takes milliseconds: threads would
 * cost more than they save. */
#define READERS_MIN_PROCS  256
#define READERS_MIN_NOFILE 1024
#define THREADS_AUTO_MAX   4

/* Readers besides the calling thread. */
static unsigned readers_for(const struct scan *s, size_t procs)
{
	if (s->threads)
		return s->threads - 1;
	/* The processes read ahead hold up to 64 directory fds: not where
	 * the caller may have few. */
	struct rlimit rl;
	if (procs < READERS_MIN_PROCS || (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
					  rl.rlim_cur < READERS_MIN_NOFILE))
		return 0;
	cpu_set_t set;
	int cpus = sched_getaffinity(0, sizeof(set), &set) == 0
			   ? CPU_COUNT(&set)
			   : 1;
	return (unsigned)(cpus < THREADS_AUTO_MAX ? cpus : THREADS_AUTO_MAX) -
	       1;
}

int nsrel__scan_procs(struct scan *s)
{
	/* Mount namespaces are read whenever mounts are, since any of them
	 * may hold bind mounts of the types asked for. */
	struct procs p = {.s = s, .types = s->types};
	if (s->sources & NSREL_SRC_MOUNTS)
		p.types |= CLONE_NEWNS;
	if (!(s->sources & (NSREL_SRC_PROCS | NSREL_SRC_TASKS | NSREL_SRC_FDS |
			    NSREL_SRC_MOUNTS)))
		return 0;
	p.self = proc_self_pid(s->proc_fd);
	int r = list_pids(&p);
	if (r >= 0)
		r = nsrel__pmap_run(&(const struct pmap){
			.n = p.n,
			.slot_size = sizeof(struct proc_read),
			.readers = readers_for(s, p.n),
			.ctx = &p,
			.read = read_proc,
			.apply = add_read_proc,
			.drop = drop_proc,
			.fini = fini_proc,
		});
	free(p.pids);
	return r;
}
