/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The BPF backend: the task iterator of lib/bpf/iter.bpf.c describes
 * every task, every namespace one of them holds (with its owner, parents
 * and owner uid, up to the root) and every nsfs fd and foreign socket, in
 * records read from one iterator fd; for a scan that keeps command lines,
 * a second (lib/bpf/cmdline.bpf.c) reads them. No
 * /proc/PID/ns, no open or ioctl per namespace, no /proc/PID/cmdline
 * where the kernel can run the second.
 *
 * Everything the kernel writes is read into memory first and the program,
 * its links and map are gone before the model is touched, so a failure
 * anywhere leaves nothing behind and AUTO can still take /proc instead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "procfs.h"
#include "containers.h"
#include "scan.h"
#include "uapi.h"
#include "util.h"

void nsrel__scan_bpf_free(struct bpf_records *rec)
{
	free(rec->ns);
	free(rec->tasks);
	free(rec->files);
	free(rec->cmdlines);
	free(rec->cmd);
	*rec = (struct bpf_records){0};
}

#if HAVE_BPF
/* The size of the record at p, of which avail bytes are there: 0 if it
 * is not whole, -1 if it is no record. */
static size_t rec_size(const char *p, size_t avail)
{
	__u32 kind;
	if (avail < sizeof(kind))
		return 0;
	memcpy(&kind, p, sizeof(kind));
	size_t sz = kind == NSREL_BPF_REC_TASK	 ? sizeof(struct nsrel_bpf_task)
		    : kind == NSREL_BPF_REC_NS	 ? sizeof(struct nsrel_bpf_ns)
		    : kind == NSREL_BPF_REC_FILE ? sizeof(struct nsrel_bpf_file)
		    : kind == NSREL_BPF_REC_CMDLINE
			    ? sizeof(struct nsrel_bpf_cmdline)
			    : (size_t)-1;
	if (kind == NSREL_BPF_REC_CMDLINE && sz <= avail) {
		struct nsrel_bpf_cmdline c;
		memcpy(&c, p, sizeof(c));
		if (c.len > NSREL_BPF_CMDLINE_MAX)
			return (size_t)-1;
		sz += c.len;
	}
	return sz == (size_t)-1 || sz <= avail ? sz : 0;
}

/* Room in *arr (n used of *cap) for one more of size bytes. */
static int grow(void **arr, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 256;
	void *p = reallocarray(*arr, c, size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = c;
	return 0;
}

/* Appends what p points to to b's array arr; 0 or -ENOMEM. */
#define APPEND(b, arr, p)                                                    \
	(grow((void **)&(b)->arr, (b)->arr##_n, &(b)->arr##_cap,             \
	      sizeof(*(b)->arr)) < 0                                         \
		 ? -ENOMEM                                                   \
		 : (memcpy(&(b)->arr[(b)->arr##_n++], p, sizeof(*(b)->arr)), \
		    0))

/* The whole record at p, into b. */
static int add_record(struct bpf_records *b, const char *p)
{
	__u32 kind;
	memcpy(&kind, p, sizeof(kind));
	if (kind == NSREL_BPF_REC_TASK)
		return APPEND(b, tasks, p);
	if (kind == NSREL_BPF_REC_NS)
		return APPEND(b, ns, p);
	if (kind == NSREL_BPF_REC_FILE)
		return APPEND(b, files, p);
	struct nsrel_bpf_cmdline c;
	memcpy(&c, p, sizeof(c));
	while (b->cmd_cap - b->cmd_len < c.len) {
		size_t cap = b->cmd_cap ? b->cmd_cap * 2 : 65536;
		char *q = realloc(b->cmd, cap);
		if (!q)
			return -ENOMEM;
		b->cmd = q;
		b->cmd_cap = cap;
	}
	struct bpf_cmdline rc = {.kpid = c.pid,
				 .flags = c.flags,
				 .start_boottime = c.start_boottime,
				 .off = b->cmd_len,
				 .len = c.len};
	if (APPEND(b, cmdlines, &rc) < 0)
		return -ENOMEM;
	if (c.len)
		memcpy(b->cmd + b->cmd_len, p + sizeof(c), c.len);
	b->cmd_len += c.len;
	return 0;
}

/* A light skeleton (bpftool gen skeleton -L): a loader program, run in the
 * kernel, creates the map and loads the programs, and the kernel does the
 * CO-RE relocations against its own BTF. No BTF is parsed here (libbpf's
 * way reads and indexes all of /sys/kernel/btf/vmlinux, some 6 MB, each
 * scan: three quarters of the fixed cost and most of the memory). */
#include "iter.lskel.h"
#include "iter_compat.lskel.h"
#include "cmdline.lskel.h"

/* The most the iterators may write: 64 records per task of a million
 * tasks is far beyond any host; past it the read fails. */
#define RECORDS_MAX (1ul << 30)

/* Each read() of an iterator is taken apart into b's arrays at once, so
 * that no more than a read's worth of raw records is held. The kernel
 * writes whole records but hands out less than it wrote where a read()
 * asks for less (less than its buffer, 32 KiB with 4 KiB pages, as here):
 * a record cut there is finished by the next read. */
#define READ_SIZE 16384

/* deadline (nsrel__now_ms()): -ETIMEDOUT if fd has nothing to read by
 * then; 0: none. */
static int read_all(int fd, struct bpf_records *b, long long deadline)
{
	_cleanup_free_ char *buf = malloc(READ_SIZE);
	if (!buf)
		return -ENOMEM;
	size_t have = 0;
	for (;;) {
		if (deadline && !nsrel__scan_readable_by(fd, deadline))
			return -ETIMEDOUT;
		ssize_t n = read(fd, buf + have, READ_SIZE - have);
		/* EAGAIN: a million objects in a row wrote nothing (a
		 * process with that many fds of no interest); the walk goes
		 * on with the next read. */
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (n == 0)
			return have ? -EBADMSG : 0;
		b->total += (size_t)n;
		if (b->total > RECORDS_MAX)
			return -E2BIG;
		have += (size_t)n;
		size_t off = 0, sz;
		while ((sz = rec_size(buf + off, have - off)) != 0) {
			if (sz == (size_t)-1)
				return -EBADMSG;
			int r = add_record(b, buf + off);
			if (r < 0)
				return r;
			off += sz;
		}
		/* Every record fits into a read: one that does not is
		 * none. */
		if (!off && have == READ_SIZE)
			return -EBADMSG;
		memmove(buf, buf + off, have - off);
		have -= off;
	}
}

/* An iterator of the program prog_fd, to read(); its link in *link. */
static int iter_create(int prog_fd, int *link)
{
	*link = fd_or_errno(skel_link_create(prog_fd, 0, BPF_TRACE_ITER));
	if (*link < 0)
		return *link;
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.iter_create.link_fd = (__u32)*link;
	return fd_or_errno(skel_sys_bpf(BPF_ITER_CREATE, &attr, sizeof(attr)));
}

static int run_iter(int prog_fd, struct bpf_records *b)
{
	_cleanup_close_ int link = -1;
	_cleanup_close_ int fd = iter_create(prog_fd, &link);
	if (fd < 0)
		return fd;
	return read_all(fd, b, 0);
}

/* Whether a negative errno of loading or reading is the host's lack of
 * memory or fds: an error of the scan, not a reason to take /proc. */
static bool out_of_resources(int r)
{
	return r == -ENOMEM || r == -EMFILE || r == -ENFILE;
}

/* In the child of cmdlines_start(): copies the iterator fd to out,
 * and exits with 0 at its end, else with the errno. */
static _Noreturn void copy_iter(int fd, int out)
{
	int keep[] = {fd, out};
	nsrel__scan_close_others(keep, ELEMENTSOF(keep));
	char buf[READ_SIZE];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			_exit(n < 0 ? (errno & 0xff ? errno & 0xff : EIO) : 0);
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno != EINTR)
				_exit(EPIPE);
			off += w > 0 ? w : 0;
		}
	}
}

/* The command-line iterator, read in a child that passes the records on
 * through a pipe: where the program waits in the kernel (on a file mapped
 * where it reads a process's memory) the child is killed at the deadline,
 * NSREL__CMDLINE_HELPER_MS after its start, and the records are not had
 * (-ETIMEDOUT). A fork, not a thread: only a process can be killed out of
 * such a wait. It starts before the other iterators load and runs beside
 * them; the pipe is made big enough for its records where it can be, so
 * that it is not held up until they are read. */
struct cmdline_job {
	pid_t pid; /* -1: none runs, for the reason r */
	int fd;	   /* the pipe's end we read */
	int r;
	long long deadline;
};

/* Pipe capacity asked for (the kernel's default limit for root is 1 MiB;
 * where less is allowed, the child waits for the reader the sooner). */
#define CMDLINE_PIPE_SIZE (1 << 20)

static void cmdlines_start(struct cmdline_job *j)
{
	*j = (struct cmdline_job){.pid = -1, .fd = -1};
	struct nsrel_cmdline *skel = nsrel_cmdline__open();
	if (!skel) {
		j->r = -ENOMEM;
		return;
	}
	int r = nsrel_cmdline__load(skel);
	int link = -1, fd = -1, p[2] = {-1, -1};
	if (r >= 0 &&
	    (fd = iter_create(skel->progs.nsrel_cmdline.prog_fd, &link)) < 0)
		r = fd;
	/* The child's fd holds the iterator, and its program, alive. */
	nsrel_cmdline__destroy(skel);
	if (r >= 0 && pipe2(p, O_CLOEXEC) < 0)
		r = -errno;
	if (r >= 0) {
		(void)fcntl(p[1], F_SETPIPE_SZ, CMDLINE_PIPE_SIZE);
		j->deadline = nsrel__now_ms() + NSREL__CMDLINE_HELPER_MS;
		j->pid = fork();
		if (j->pid < 0)
			r = -errno;
		else if (j->pid == 0)
			copy_iter(fd, p[1]);
	}
	closep(&link);
	closep(&fd);
	closep(&p[1]);
	if (j->pid > 0)
		j->fd = p[0];
	else
		closep(&p[0]);
	j->r = r;
}

static void cmdlines_cancel(struct cmdline_job *j)
{
	if (j->pid > 0) {
		closep(&j->fd);
		nsrel__scan_reap_killed(j->pid);
		j->pid = -1;
	}
}

/* The child's records, appended to b; 0 or a negative errno. */
static int cmdlines_collect(struct cmdline_job *j, struct bpf_records *b)
{
	if (j->pid < 0)
		return j->r;
	int r = read_all(j->fd, b, j->deadline);
	/* A child that still writes gets EPIPE. */
	closep(&j->fd);
	pid_t pid = j->pid;
	j->pid = -1;
	if (r < 0) {
		nsrel__scan_reap_killed(pid);
		return r;
	}
	int status = 0;
	pid_t w;
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	/* Without its status (SIGCHLD ignored, the child reaped already),
	 * the end of what it wrote is the end of the records. */
	if (w == pid && WIFEXITED(status) && WEXITSTATUS(status))
		return -WEXITSTATUS(status);
	if (w == pid && WIFSIGNALED(status))
		return -EIO;
	return 0;
}

/* The records of our own helper (cmdlines_start()), which the other
 * iterators may meet, left out: the scan is of the host, not of itself. */
static void drop_helper(struct bpf_records *b, pid_t helper)
{
	size_t k = 0;
	for (size_t i = 0; i < b->tasks_n; i++)
		if (b->tasks[i].tgid != helper)
			b->tasks[k++] = b->tasks[i];
	b->tasks_n = k;
	k = 0;
	for (size_t i = 0; i < b->files_n; i++)
		if (b->files[i].tgid != helper)
			b->files[k++] = b->files[i];
	b->files_n = k;
}

/* The command lines, appended to b. Where the sleepable iterator cannot
 * load (before 5.18), its read fails or does not end in time, none, and
 * what it had written is dropped: the reader reads /proc/PID/cmdline
 * instead. */
static int read_cmdlines(struct cmdline_job *j, struct bpf_records *b)
{
	size_t n = b->cmdlines_n, len = b->cmd_len;
	int r = cmdlines_collect(j, b);
	b->cmdlines_read = r >= 0;
	b->cmdlines_stuck = r == -ETIMEDOUT;
	if (r < 0) {
		b->cmdlines_n = n;
		b->cmd_len = len;
	}
	return out_of_resources(r) ? r : 0;
}

/* The kernel's errno of a failed load as the scan reports it. */
static int load_error(int r)
{
	/* The kernel says EPERM for a missing capability, and may say
	 * more for a refused load. */
	if (r < 0 && !out_of_resources(r) && geteuid() != 0)
		return -EPERM;
	/* ENOTSUPP (524, the kernel's own, no errno): a kernel that cannot
	 * run the loader or the iterators. */
	return r == -524 ? -EOPNOTSUPP : r;
}

/* run_<skel>(): loads the light skeleton <skel> and, if it loaded (said
 * in *loaded), runs its task iterator into b. One function per skeleton,
 * as each is a type of its own. */
#define DEFINE_RUN_SKEL(skel)                                         \
	static int run_##skel(struct bpf_records *b, bool *loaded)    \
	{                                                             \
		*loaded = false;                                      \
		struct skel *o = skel##__open();                      \
		if (!o)                                               \
			return -ENOMEM;                               \
		int r = load_error(skel##__load(o));                  \
		*loaded = r >= 0;                                     \
		if (*loaded)                                          \
			r = run_iter(o->progs.nsrel_task.prog_fd, b); \
		skel##__destroy(o);                                   \
		return r;                                             \
	}
DEFINE_RUN_SKEL(nsrel_iter)
DEFINE_RUN_SKEL(nsrel_iter_compat)

/* The task iterator's records into b, by the program built for kernels
 * with bpf_rdonly_cast() (6.2 on) or, where that one does not load (or
 * compat asks for it), by the one built for those without. */
static int read_tasks(struct bpf_records *b, bool compat)
{
	bool loaded;
	if (!compat) {
		int r = run_nsrel_iter(b, &loaded);
		if (loaded || out_of_resources(r) || r == -EPERM)
			return r;
	}
	return run_nsrel_iter_compat(b, &loaded);
}

int nsrel__scan_bpf_read(struct bpf_records *ret, unsigned flags)
{
	bool cmdlines = flags & NSREL__BPF_CMDLINES;
	/* Without kernel BTF, CO-RE has nothing to relocate against. */
	if (access("/sys/kernel/btf/vmlinux", R_OK) < 0)
		return errno == ENOENT ? -EOPNOTSUPP : -errno;
	struct bpf_records b = {0};
	struct cmdline_job job = {.pid = -1, .fd = -1};
	if (cmdlines) {
		cmdlines_start(&job);
		if (out_of_resources(job.r))
			return job.r;
	}
	int r = read_tasks(&b, flags & NSREL__BPF_COMPAT);
	if (job.pid > 0)
		drop_helper(&b, job.pid);
	if (r >= 0 && cmdlines)
		r = read_cmdlines(&job, &b);
	if (r < 0) {
		cmdlines_cancel(&job);
		nsrel__scan_bpf_free(&b);
		return r;
	}
	*ret = b;
	return 0;
}
#else
int nsrel__scan_bpf_read(struct bpf_records *ret, unsigned flags)
{
	return -EOPNOTSUPP;
}
#endif

/* ---- From records to the model ------------------------------------------ */

/* What the records say (borrowed from bpf_records), sorted: the namespaces by
 * (type, inode), the tasks by (tgid, leader first, pid), the files by tgid, the
 * command lines by pid in the initial PID namespace. */
struct bpf_view {
	struct nsrel_bpf_ns *ns;
	size_t ns_n;
	struct nsrel_bpf_task *tasks;
	size_t tasks_n;
	struct nsrel_bpf_file *files;
	size_t files_n;
	struct bpf_cmdline *cmdlines;
	size_t cmdlines_n;
	bool cmdlines_read;
	char *cmd;
	bool proc_ours;	      /* our /proc shows the records' pids */
	uint64_t ns_per_tick; /* start_boottime / this: /proc's starttime */
};

static int cmp_rec_ns(const void *a, const void *b)
{
	const struct nsrel_bpf_ns *x = a, *y = b;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->inum < y->inum ? -1 : x->inum > y->inum;
}

static int cmp_rec_task(const void *a, const void *b)
{
	const struct nsrel_bpf_task *x = a, *y = b;
	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	bool xl = x->pid == x->tgid, yl = y->pid == y->tgid;
	if (xl != yl)
		return xl ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int cmp_rec_file(const void *a, const void *b)
{
	const struct nsrel_bpf_file *x = a, *y = b;
	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return x->fd < y->fd ? -1 : x->fd > y->fd;
}

static int cmp_rec_cmdline(const void *a, const void *b)
{
	const struct bpf_cmdline *x = a, *y = b;
	return x->kpid < y->kpid ? -1 : x->kpid > y->kpid;
}

static void view_sort(struct bpf_view *v)
{
	if (v->ns_n > 1)
		qsort(v->ns, v->ns_n, sizeof(*v->ns), cmp_rec_ns);
	if (v->tasks_n > 1)
		qsort(v->tasks, v->tasks_n, sizeof(*v->tasks), cmp_rec_task);
	if (v->files_n > 1)
		qsort(v->files, v->files_n, sizeof(*v->files), cmp_rec_file);
	if (v->cmdlines_n > 1)
		qsort(v->cmdlines, v->cmdlines_n, sizeof(*v->cmdlines),
		      cmp_rec_cmdline);
}

enum nsrel__bpf_cmdline_match
nsrel__bpf_cmdline_match(const struct bpf_cmdline *c, size_t n, bool read,
			 pid_t kpid, uint64_t start_boottime,
			 const struct bpf_cmdline **ret)
{
	*ret = NULL;
	if (!read)
		return NSREL__BPF_CMDLINE_ASK_PROC;
	struct bpf_cmdline key = {.kpid = kpid};
	/* No array at all where there are none. */
	const struct bpf_cmdline *f =
		n ? bsearch(&key, c, n, sizeof(*c), cmp_rec_cmdline) : NULL;
	/* None with its pid, or another process's: it was gone when the
	 * command lines were read (a process without memory, a kernel
	 * thread, has none either). */
	if (!f || f->start_boottime != start_boottime)
		return NSREL__BPF_CMDLINE_GONE;
	if (f->flags & (NSREL_BPF_CMDLINE_FAILED | NSREL_BPF_CMDLINE_MAPPED))
		return NSREL__BPF_CMDLINE_ASK_PROC;
	*ret = f;
	return NSREL__BPF_CMDLINE_FOUND;
}

static const struct nsrel_bpf_ns *view_ns(const struct bpf_view *v, int type,
					  __u32 inum)
{
	struct nsrel_bpf_ns key = {.type = (__u32)type, .inum = inum};
	return v->ns_n ? bsearch(&key, v->ns, v->ns_n, sizeof(*v->ns),
				 cmp_rec_ns)
		       : NULL;
}

/* Namespace (type, inum) in the model, with what the records say of it
 * and, in turn, of its owner and parent: the kernel's relations, as
 * nsrel__scan_learn() asks them with ioctls. NONE on ENOMEM. A namespace no
 * record describes (it came and went between two reads, or a task's
 * records were cut: NSREL_BPF_TASK_TRUNCATED) stays unlearned, and so does
 * every one whose owner or parent, or theirs in turn, stays so: learn_at()
 * asks /proc for the whole chain. */
static uint32_t learn(struct scan *s, const struct bpf_view *v, int type,
		      __u32 inum)
{
	uint32_t idx = nsrel__model_ns_get(s->m, type, inum, NULL);
	if (idx == NONE || s->m->ns[idx].learned)
		return idx;
	const struct nsrel_bpf_ns *r = view_ns(v, type, inum);
	if (!r)
		return idx;
	s->m->ns[idx].learned = true;
	s->m->ns[idx].nsid = r->id;
	if (type == CLONE_NEWUSER) {
		s->m->ns[idx].owner_uid = r->owner_uid;
		s->m->ns[idx].has_owner_uid = true;
	}
	/* Recursion as deep as the kernel nests (32): learned is set
	 * before, so even records that contradict each other end. */
	bool whole = true;
	if (r->owner) {
		uint32_t o = learn(s, v, CLONE_NEWUSER, r->owner);
		if (o == NONE)
			return NONE;
		s->m->ns[idx].owner = o;
		if (type == CLONE_NEWUSER)
			s->m->ns[idx].parent = o;
		whole = s->m->ns[o].learned;
	}
	if (type == CLONE_NEWPID && r->parent) {
		uint32_t p = learn(s, v, CLONE_NEWPID, r->parent);
		if (p == NONE)
			return NONE;
		s->m->ns[idx].parent = p;
		whole = whole && s->m->ns[p].learned;
	}
	s->m->ns[idx].learned = whole;
	return idx;
}

/*
 * A link under /proc that held a namespace, named only where it is opened
 * (most namespaces are learned from the records): PID/ns/NAME, or
 * PID/task/TID/ns/NAME where tid is set, or PID/fd/FD where fd >= 0.
 */
struct proc_link {
	pid_t pid, tid;
	const char *name;
	int fd;
};

static void link_path(const struct proc_link *l, char *buf, size_t size)
{
	if (l->fd >= 0)
		snprintf(buf, size, "%d/fd/%d", l->pid, l->fd);
	else if (l->tid)
		snprintf(buf, size, "%d/task/%d/ns/%s", l->pid, l->tid,
			 l->name);
	else
		snprintf(buf, size, "%d/ns/%s", l->pid, l->name);
}

/* An fd of the namespace at l (an nsfs link or an fd of a process,
 * whatever that is now), or a negative errno. */
static int open_link(struct scan *s, const struct proc_link *l)
{
	char path[96];
	link_path(l, path, sizeof(path));
	return l->fd >= 0 ? nsrel__scan_reopen_ns(
				    s, fd_or_errno(openat(s->proc_fd, path,
							  O_PATH | O_CLOEXEC)))
			  : fd_or_errno(openat(s->proc_fd, path,
					       O_RDONLY | O_CLOEXEC));
}

/*
 * learn(), and where the records do not describe the namespace and all
 * above it (it came between two reads, the kernel dropped what described
 * it, or its task's records were cut), what /proc says through the
 * link l that held it (NULL: none, a socket), asked only if it still
 * names that inode. *ret is the index or NONE; 0 or a negative errno
 * that ends the scan (scan_err()).
 */
static int learn_at(struct scan *s, const struct bpf_view *v, int type,
		    __u32 inum, const struct proc_link *l, uint32_t *ret)
{
	uint32_t idx = *ret = learn(s, v, type, inum);
	if (idx == NONE)
		return -ENOMEM;
	if (s->m->ns[idx].learned || !v->proc_ours || !l)
		return 0;
	_cleanup_close_ int nsfd = open_link(s, l);
	if (nsfd < 0)
		return scan_path_err(-nsfd);
	struct stat st;
	if (fstat(nsfd, &st) < 0)
		return scan_err(errno);
	if (st.st_ino != inum)
		return 0;
	return nsrel__scan_learn(s, nsfd, idx);
}

/* Our /proc shows our own PID namespace, so that the pids of the records
 * (ours) name the same processes there. */
static bool proc_is_ours(const struct scan *s)
{
	return proc_self_pid(s->proc_fd) == getpid();
}

static size_t comm_len(const char comm[16])
{
	size_t n = 0;
	while (n < 16 && comm[n])
		n++;
	return n;
}

/* The netnsid of net namespace idx, asked once as /proc's scan asks it,
 * through an fd of the namespace: l is the link that held it, or for a
 * socket (NULL), fd sockfd of process pid (pidfd_getfd, SIOCGSKNS). */
static int netnsid_at(struct scan *s, const struct bpf_view *v, uint32_t idx,
		      const struct proc_link *l, pid_t pid, int sockfd)
{
	if (idx == NONE || s->m->ns[idx].type != CLONE_NEWNET ||
	    !v->proc_ours || s->m->ns[idx].netnsid_asked)
		return 0;
	int known = nsrel__scan_netnsid_known(s, idx);
	if (known != 0)
		return known < 0 ? known : 0;
	_cleanup_close_ int nsfd = -1;
	if (l) {
		nsfd = open_link(s, l);
		if (nsfd < 0)
			return scan_path_err(-nsfd);
	} else {
		_cleanup_close_ int pidfd =
			(int)syscall(__NR_pidfd_open, pid, 0);
		/* ENOSYS: before 5.3; EINVAL: the process is exiting */
		if (pidfd < 0)
			return errno == ENOSYS || errno == EINVAL
				       ? 0
				       : scan_err(errno);
		_cleanup_close_ int sock =
			(int)syscall(__NR_pidfd_getfd, pidfd, sockfd, 0);
		/* EBADF: closed since; ENOSYS: before 5.6 */
		if (sock < 0)
			return errno == EBADF || errno == ENOSYS
				       ? 0
				       : scan_err(errno);
		nsfd = ioctl(sock, SIOCGSKNS);
		/* ENOTTY, EINVAL: before 4.9; ENOTSOCK: not one now */
		if (nsfd < 0)
			return errno == ENOTTY || errno == EINVAL ||
					       errno == ENOTSOCK
				       ? 0
				       : scan_err(errno);
	}
	struct stat st;
	if (fstat(nsfd, &st) < 0)
		return scan_err(errno);
	return st.st_ino == s->m->ns[idx].ino
		       ? nsrel__scan_netnsid(s, nsfd, idx)
		       : 0;
}

/* The threads of the process whose leader is tasks[*i], from *i + 1 on:
 * refs for the namespaces in which they differ from it. */
static int add_threads(struct scan *s, const struct bpf_view *v, size_t *i,
		       uint32_t proc, const uint32_t own[NSREL_NSTYPE_COUNT],
		       unsigned types)
{
	const struct nsrel_bpf_task *lead = &v->tasks[*i];
	while (*i + 1 < v->tasks_n && v->tasks[*i + 1].tgid == lead->tgid) {
		const struct nsrel_bpf_task *t = &v->tasks[++*i];
		if (proc == NONE || !(s->sources & NSREL_SRC_TASKS) || !t->pid)
			continue;
		for (unsigned k = 0; k < NSREL_NSTYPE_COUNT; k++) {
			int type = nsrel_nstype_at(k);
			if (!(types & (unsigned)type) || !t->ns[k])
				continue;
			struct proc_link l = {lead->tgid, t->pid,
					      nsrel_nstype_str(type), -1};
			uint32_t idx;
			int r = learn_at(s, v, type, t->ns[k], &l, &idx);
			if (r < 0)
				return r;
			if (idx == own[k])
				continue;
			r = netnsid_at(s, v, idx, &l, 0, -1);
			if (r < 0)
				return r;
			if (nsrel__model_ref_add(s->m, idx, NSREL_REF_TASK,
						 proc, t->pid, -1, NONE,
						 NONE) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

/* /proc/PID of the process whose leader's record is t (O_PATH), or -1
 * with errno: ESRCH where the pid is another process's by now (it started
 * at another time), as much gone as the one that had it. */
static int open_piddir(const struct scan *s, const struct bpf_view *v,
		       const struct nsrel_bpf_task *t)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%d", t->tgid);
	_cleanup_close_ int fd =
		openat(s->proc_fd, buf, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read_once_at(fd, "stat", buf, sizeof(buf));
	struct procfs_stat ps;
	if (n < 0) {
		errno = (int)-n;
		return -1;
	}
	if (nsrel__procfs_parse_stat(buf, (size_t)n, &ps) < 0 ||
	    ps.starttime != t->start_boottime / v->ns_per_tick) {
		errno = ESRCH;
		return -1;
	}
	return take_fd(&fd);
}

/* What the records do not hold, asked through /proc where it is of our
 * PID namespace, as /proc's scan asks it: the id maps of the process's
 * user namespace and the netnsid of its net namespace, once each. */
static int add_facts(struct scan *s, const struct bpf_view *v,
		     const struct nsrel_bpf_task *t,
		     const uint32_t own[NSREL_NSTYPE_COUNT])
{
	uint32_t user = own[nsrel_nstype_index(CLONE_NEWUSER)];
	uint32_t net = own[nsrel_nstype_index(CLONE_NEWNET)];
	bool maps = user != NONE && !s->m->ns[user].maps_read;
	bool netnsid = net != NONE && !s->m->ns[net].netnsid_asked;
	if (netnsid && v->proc_ours) {
		int known = nsrel__scan_netnsid_known(s, net);
		if (known < 0)
			return known;
		netnsid = known == 0;
	}
	if (!v->proc_ours || (!maps && !netnsid))
		return 0;
	_cleanup_close_ int piddir = open_piddir(s, v, t);
	if (piddir < 0)
		return scan_err(errno);
	int r = maps ? nsrel__scan_idmaps(s, piddir, user) : 0;
	if (r < 0 || !netnsid)
		return r;
	_cleanup_close_ int nsfd =
		openat(piddir, "ns/net", O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return scan_err(errno);
	struct stat st;
	if (fstat(nsfd, &st) < 0)
		return scan_err(errno);
	return st.st_ino == s->m->ns[net].ino
		       ? nsrel__scan_netnsid(s, nsfd, net)
		       : 0;
}

static int add_process(struct scan *s, const struct bpf_view *v,
		       const struct nsrel_bpf_task *t, bool cmdlines,
		       unsigned types, uint32_t own[NSREL_NSTYPE_COUNT],
		       uint32_t *ret)
{
	uint32_t proc;
	bool kthread = t->flags & PROCFS_PF_KTHREAD;
	const struct bpf_cmdline *c;
	int r;
	if (nsrel__bpf_cmdline_match(
		    v->cmdlines, v->cmdlines_n, v->cmdlines_read, t->kpid,
		    t->start_boottime, &c) != NSREL__BPF_CMDLINE_ASK_PROC) {
		const char *line = c && c->len ? v->cmd + c->off : "";
		size_t len = c ? c->len : 0;
		if (c && c->flags & NSREL_BPF_CMDLINE_TITLE)
			len = strnlen(line, len);
		r = nsrel__scan_add_proc_cmdline(s, line, len, t->comm,
						 comm_len(t->comm), kthread,
						 &proc);
	} else {
		/* From /proc/PID, where that is still the process. */
		_cleanup_close_ int piddir = -1;
		if (cmdlines &&
		    nsrel__scan_reads_cmdline(s, comm_len(t->comm), kthread) &&
		    (piddir = open_piddir(s, v, t)) < 0 &&
		    (r = scan_err(errno)) < 0)
			return r;
		r = nsrel__scan_add_proc(s, piddir, "cmdline", t->comm,
					 comm_len(t->comm), kthread, &proc);
	}
	if (r < 0)
		return r;
	struct nsrel_proc *p = &s->m->procs[proc];
	p->pid = t->pid;
	p->ppid = t->ppid;
	p->uid = t->euid;
	p->starttime = t->start_boottime / v->ns_per_tick;

	for (unsigned k = 0; k < NSREL_NSTYPE_COUNT; k++) {
		int type = nsrel_nstype_at(k);
		own[k] = NONE;
		if (!(types & (unsigned)type) || !t->ns[k])
			continue;
		struct proc_link l = {t->pid, 0, nsrel_nstype_str(type), -1};
		r = learn_at(s, v, type, t->ns[k], &l, &own[k]);
		if (r < 0)
			return r;
	}
	/* Its container, where containers are asked for and /proc is ours
	 * to read its cgroup. */
	if (s->ct && cmdlines) {
		char path[32];
		snprintf(path, sizeof(path), "%d/cgroup", t->pid);
		r = nsrel__containers_proc(s, s->proc_fd, path, proc,
					   own[nsrel_nstype_index(CLONE_NEWNS)],
					   kthread);
		if (r < 0)
			return r;
	}
	if (s->sources & NSREL_SRC_PROCS) {
		for (unsigned k = 0; k < NSREL_NSTYPE_COUNT; k++) {
			if (own[k] == NONE)
				continue;
			s->m->procs[proc].ns[k] = own[k];
			if (!s->m->ns[own[k]].any_pid)
				s->m->ns[own[k]].any_pid = t->pid;
			if (nsrel__model_ref_add(s->m, own[k], NSREL_REF_PROC,
						 proc, 0, -1, NONE, NONE) < 0)
				return -ENOMEM;
		}
		static const struct {
			int type;
			unsigned slot;
			const char *link;
		} fc[] = {
			{CLONE_NEWPID, NSREL_BPF_SLOT_PID_FOR_CHILDREN,
			 "pid_for_children"},
			{CLONE_NEWTIME, NSREL_BPF_SLOT_TIME_FOR_CHILDREN,
			 "time_for_children"},
		};
		for (size_t i = 0; i < ELEMENTSOF(fc); i++) {
			if (!(s->types & (unsigned)fc[i].type) ||
			    !t->ns[fc[i].slot])
				continue;
			struct proc_link l = {t->pid, 0, fc[i].link, -1};
			uint32_t idx;
			r = learn_at(s, v, fc[i].type, t->ns[fc[i].slot], &l,
				     &idx);
			if (r < 0)
				return r;
			if (idx == own[nsrel_nstype_index(fc[i].type)])
				continue;
			if (nsrel__model_ref_add(s->m, idx,
						 NSREL_REF_FOR_CHILDREN, proc,
						 0, -1, NONE, NONE) < 0)
				return -ENOMEM;
		}
		r = add_facts(s, v, t, own);
		if (r < 0)
			return r;
	} else {
		/* Not reported, but its mounts are read through it. */
		uint32_t mnt = own[nsrel_nstype_index(CLONE_NEWNS)];
		if (mnt != NONE && !s->m->ns[mnt].any_pid)
			s->m->ns[mnt].any_pid = t->pid;
	}
	*ret = proc;
	return 0;
}

/* Process pid's fds as /proc's scan reads them: where the iterator left
 * some out (NSREL_BPF_TASK_FILES_CUT). */
static int add_files_proc(struct scan *s, const struct bpf_view *v,
			  const struct nsrel_bpf_task *t, uint32_t proc,
			  uint32_t own_net)
{
	_cleanup_close_ int piddir = open_piddir(s, v, t);
	if (piddir < 0)
		return scan_err(errno);
	struct fd_links fl = {0};
	int r = nsrel__scan_fds_read(s, piddir, &fl);
	if (r >= 0)
		r = nsrel__scan_fds_add(s, piddir, t->tgid, proc, own_net, &fl);
	free(fl.v);
	return r;
}

/* The open files of the process proc, from files[*j] on. */
static int add_files(struct scan *s, const struct bpf_view *v, size_t *j,
		     const struct nsrel_bpf_task *t, uint32_t proc,
		     uint32_t own_net)
{
	pid_t pid = t->tgid;
	bool want = s->sources & NSREL_SRC_FDS;
	bool cut = t->rec_flags & NSREL_BPF_TASK_FILES_CUT;
	/* Where the iterator left some out, /proc gives them all; where
	 * /proc cannot, what the records hold is all there is, and the view
	 * says it is not all. */
	bool from_proc = cut && v->proc_ours;
	if (want && cut && !from_proc)
		s->m->view.files_cut++;
	if (want && from_proc) {
		int r = add_files_proc(s, v, t, proc, own_net);
		if (r < 0)
			return r;
	}
	for (; *j < v->files_n && v->files[*j].tgid <= pid; ++*j) {
		const struct nsrel_bpf_file *f = &v->files[*j];
		if (f->tgid != pid || proc == NONE || from_proc || !want ||
		    !(s->types & f->type) ||
		    nsrel_nstype_index((int)f->type) < 0)
			continue;
		struct proc_link l = {pid, 0, NULL, (int)f->fd};
		const struct proc_link *at = f->socket ? NULL : &l;
		uint32_t idx;
		int r = learn_at(s, v, (int)f->type, f->inum, at, &idx);
		if (r < 0)
			return r;
		/* A socket in the process's own namespace adds nothing. */
		if (f->socket && idx == own_net)
			continue;
		r = netnsid_at(s, v, idx, at, pid, (int)f->fd);
		if (r < 0)
			return r;
		if (nsrel__model_ref_add(s->m, idx,
					 f->socket ? NSREL_REF_SOCKET
						   : NSREL_REF_FD,
					 proc, 0, (int)f->fd, NONE, NONE) < 0)
			return -ENOMEM;
	}
	return 0;
}

int nsrel__scan_bpf_fill(struct scan *s, struct bpf_records *rec)
{
	struct bpf_view v = {.ns = rec->ns,
			     .ns_n = rec->ns_n,
			     .tasks = rec->tasks,
			     .tasks_n = rec->tasks_n,
			     .files = rec->files,
			     .files_n = rec->files_n,
			     .cmdlines = rec->cmdlines,
			     .cmdlines_n = rec->cmdlines_n,
			     .cmdlines_read = rec->cmdlines_read,
			     .cmd = rec->cmd};
	view_sort(&v);
	int r = 0;
	s->m->view.cmdline_stuck = rec->cmdlines_stuck;

	/* As nsrel__scan_procs(): mount namespaces are read whenever mounts
	 * are. */
	unsigned types = s->types;
	if (s->sources & NSREL_SRC_MOUNTS)
		types |= CLONE_NEWNS;
	if (!(s->sources & (NSREL_SRC_PROCS | NSREL_SRC_TASKS | NSREL_SRC_FDS |
			    NSREL_SRC_MOUNTS)))
		goto out;

	bool cmdlines = v.proc_ours = proc_is_ours(s);
	long hz = sysconf(_SC_CLK_TCK);
	v.ns_per_tick = hz > 0 ? 1000000000ull / (uint64_t)hz : 10000000;
	size_t j = 0;
	bool init_seen = false;
	for (size_t i = 0; r >= 0 && i < v.tasks_n; i++) {
		const struct nsrel_bpf_task *t = &v.tasks[i];
		uint32_t own[NSREL_NSTYPE_COUNT], proc = NONE;
		/* A thread whose leader is gone (or not in our PID
		 * namespace) is no process of /proc's either. */
		if (t->pid && t->pid == t->tgid)
			r = add_process(s, &v, t, cmdlines, types, own, &proc);
		init_seen = init_seen || t->tgid == 1;
		if (r >= 0)
			r = add_threads(s, &v, &i, proc, own, types);
		if (r >= 0 && proc != NONE)
			r = add_files(s, &v, &j, t, proc,
				      own[nsrel_nstype_index(CLONE_NEWNET)]);
	}
	/* Every PID namespace has its init, PID 1. Some kernels hide a
	 * task from the iterators as from /proc (seen: a VM's init): where
	 * /proc says ours exists, it is a process we could not read, and
	 * counted so, as the /proc scan counts it. */
	if (r >= 0 && !init_seen && v.proc_ours &&
	    (s->sources & NSREL_SRC_PROCS) &&
	    faccessat(s->proc_fd, "1", F_OK, 0) == 0)
		s->m->unreadable++;
out:
	nsrel__scan_bpf_free(rec);
	return r;
}
