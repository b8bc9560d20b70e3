/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The churn generator (see churn.h). One process, one loop: release what
 * is due, start what a free slot should hold, fork and reap a plain
 * process, sleep a little. Every holder process is a child that unshares,
 * reports its new namespaces over a socket and waits to be killed.
 *
 * Only specific pids are ever waited for and killed: waitpid(-1) could
 * reap a holder early, and a later kill() would then hit whatever process
 * reused its pid.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "churn.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The namespace's 64-bit id (6.18+); older kernels fail it. */
#define CHURN_NS_GET_ID _IOR(0xb7, 13, uint64_t)

#define SLOTS 24
#define ALL_TYPES                                                      \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
	 CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWTIME)

/* The namespace a process creates is its own, except for pid and time:
 * unshare() gives those to its children, so they are read (and opened,
 * and bind-mounted) through the *_for_children links. */
static const struct {
	int type;
	const char *link;
} types[8] = {
	{CLONE_NEWNS, "mnt"},	 {CLONE_NEWCGROUP, "cgroup"},
	{CLONE_NEWUTS, "uts"},	 {CLONE_NEWIPC, "ipc"},
	{CLONE_NEWUSER, "user"}, {CLONE_NEWPID, "pid_for_children"},
	{CLONE_NEWNET, "net"},	 {CLONE_NEWTIME, "time_for_children"},
};

struct report {
	int err;	 /* errno of the child's unshare, or 0 */
	uint64_t ino[8]; /* per types[] entry: the new namespace, or 0 */
	uint64_t nsid[8];
};

struct slot {
	bool busy;
	enum churn_kind kind;
	pid_t pid;     /* holder process, or 0 */
	int fd;	       /* held fd (FD, SOCKET), or -1 */
	char path[96]; /* mount point (BIND, BINDMNT), or "" */
	uint64_t entry[8];
	unsigned n_entry;
	uint64_t deadline;
};

static struct churn_shm *shm;
static const char *tmpdir;
static struct slot slots[SLOTS];
static uint64_t rng = 88172645463325252ull;
static unsigned rot[CHURN_KINDS];
static unsigned mount_seq;

const char *churn_kind_str(enum churn_kind k)
{
	static const char *const names[CHURN_KINDS] = {
		"process (all types)",
		"process (one type)",
		"thread",
		"fd",
		"socket",
		"bind mount",
		"bind-mounted mntns",
	};
	return (unsigned)k < CHURN_KINDS ? names[k] : "?";
}

uint64_t churn_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct churn_shm *churn_shm_new(void)
{
	void *p = mmap(NULL, sizeof(struct churn_shm), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void churn_shm_free(struct churn_shm *s)
{
	if (s)
		munmap(s, sizeof(*s));
}

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Most holders live shorter than a scan, some through many, a few
 * through even the slow scans of a sanitized build or a busy host. */
static uint64_t lifetime(void)
{
	uint64_t r = next_rand() % 1000, ms;
	if (r < 400)
		ms = 1 + next_rand() % 10;
	else if (r < 800)
		ms = 10 + next_rand() % 90;
	else if (r < 990)
		ms = 100 + next_rand() % 400;
	else
		ms = 1000 + next_rand() % 4000;
	return ms * 1000000ull;
}

static void event(void)
{
	atomic_fetch_add(&shm->events, 1);
}

static void fatal(const char *what)
{
	snprintf(shm->fatal, sizeof(shm->fatal), "%s: %s", what,
		 strerror(errno));
	_exit(1);
}

static void kill_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	event();
}

static void send_report(int sock, const struct report *rep, int fd)
{
	struct iovec iov = {.iov_base = (void *)rep, .iov_len = sizeof(*rep)};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	memset(&u, 0, sizeof(u));
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (fd >= 0) {
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		struct cmsghdr *h = CMSG_FIRSTHDR(&msg);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(h), &fd, sizeof(fd));
	}
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		_exit(1);
}

/* 0 and the report (and an fd, if one came), or -1 after 5 s. */
static int recv_report(int sock, struct report *rep, int *ret_fd)
{
	struct pollfd p = {.fd = sock, .events = POLLIN};
	if (poll(&p, 1, 5000) != 1)
		return -1;
	struct iovec iov = {.iov_base = rep, .iov_len = sizeof(*rep)};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	*ret_fd = -1;
	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != sizeof(*rep))
		return -1;
	struct cmsghdr *h = CMSG_FIRSTHDR(&msg);
	if (h && h->cmsg_type == SCM_RIGHTS &&
	    h->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(ret_fd, CMSG_DATA(h), sizeof(int));
	return 0;
}

static void fill_inos(int flags, struct report *rep)
{
	for (unsigned t = 0; t < 8; t++) {
		if (!(flags & types[t].type))
			continue;
		char path[64];
		struct stat st;
		snprintf(path, sizeof(path), "/proc/thread-self/ns/%s",
			 types[t].link);
		if (stat(path, &st) < 0) {
			rep->err = errno;
			return;
		}
		rep->ino[t] = st.st_ino;
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (ioctl(fd, CHURN_NS_GET_ID, &rep->nsid[t]) < 0)
				rep->nsid[t] = 0;
			close(fd);
		}
	}
}

static void *thread_main(void *arg)
{
	int sock = *(int *)arg;
	struct report rep = {0};
	if (unshare(CLONE_NEWNET) < 0)
		rep.err = errno;
	else
		fill_inos(CLONE_NEWNET, &rep);
	send_report(sock, &rep, -1);
	for (;;)
		pause();
	return NULL;
}

static _Noreturn void child_main(int sock, enum churn_kind kind, int flags,
				 pid_t gen)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != gen)
		_exit(1);
	/* Hold nothing of the generator's: its fds, sockets and report
	 * sockets of other slots are not ours to keep alive. */
	if (dup2(sock, 3) < 0)
		_exit(1);
	sock = 3;
	close_range(4, ~0u, 0);
	if (kind == CHURN_THREAD) {
		pthread_t t;
		if (pthread_create(&t, NULL, thread_main, &sock) != 0)
			_exit(1);
		for (;;)
			pause();
	}
	struct report rep = {0};
	int fd = -1;
	if (unshare(flags) < 0)
		rep.err = errno;
	/* pid_for_children shows a new pid namespace only once it has an
	 * init: fork one, to live as long as we do. It cannot tell that by
	 * getppid() (its parent is outside its namespace): it waits for the
	 * end of a pipe only we hold. */
	int alive[2];
	if (!rep.err && (flags & CLONE_NEWPID)) {
		pid_t init = pipe(alive) < 0 ? -1 : fork();
		if (init == 0) {
			char c;
			close(alive[1]);
			while (read(alive[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
		if (init < 0)
			rep.err = errno;
	}
	if (!rep.err)
		fill_inos(flags, &rep);
	if (!rep.err && kind == CHURN_SOCKET) {
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			rep.err = errno;
	}
	send_report(sock, &rep, fd);
	for (;;)
		pause();
}

static void log_ns(struct slot *s, int type, uint64_t ino, uint64_t nsid,
		   uint64_t born)
{
	atomic_fetch_add(&shm->namespaces, 1);
	uint64_t i = atomic_load_explicit(&shm->n, memory_order_relaxed);
	if (i >= CHURN_LOG_MAX) {
		atomic_fetch_add(&shm->log_full, 1);
		return;
	}
	struct churn_entry *e = &shm->e[i];
	e->type = type;
	e->kind = s->kind;
	e->pid = s->pid > 0 ? s->pid : s->fd >= 0 ? getpid() : 0;
	e->ino = ino;
	e->nsid = nsid;
	e->born = born;
	atomic_store_explicit(&e->died, 0, memory_order_relaxed);
	atomic_store_explicit(&shm->n, i + 1, memory_order_release);
	s->entry[s->n_entry++] = i;
}

static void slot_fail(struct slot *s, int err)
{
	atomic_fetch_add(&shm->failed[s->kind], 1);
	atomic_store(&shm->last_errno[s->kind], err);
	if (s->pid > 0)
		kill_reap(s->pid);
	if (s->fd >= 0)
		close(s->fd);
	*s = (struct slot){.fd = -1};
}

/* Bind-mount the child's namespace of types[t] on a new file in tmpdir. */
static int bind_ns(struct slot *s, unsigned t)
{
	snprintf(s->path, sizeof(s->path), "%s/b%u", tmpdir, mount_seq++);
	int fd = open(s->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	char src[64];
	snprintf(src, sizeof(src), "/proc/%d/ns/%s", s->pid, types[t].link);
	/* A mount namespace may only be bound into an older one, and the
	 * kernel judges age by namespace id, which it hands out in per-CPU
	 * batches: a child's namespace made later on another CPU can have
	 * the smaller id and be refused (EINVAL). Counted, not fatal. */
	if (mount(src, s->path, NULL, MS_BIND, NULL) < 0) {
		int r = -errno;
		unlink(s->path);
		s->path[0] = '\0';
		return r;
	}
	atomic_fetch_add(&shm->mounts, 1);
	event();
	return 0;
}

static void slot_start(struct slot *s, enum churn_kind kind)
{
	*s = (struct slot){.kind = kind, .fd = -1};
	unsigned t = 0;
	int flags;
	switch (kind) {
	case CHURN_PROC_ALL:
		flags = ALL_TYPES;
		break;
	case CHURN_PROC_ONE:
	case CHURN_FD:
		t = rot[kind]++ % 8;
		flags = types[t].type;
		break;
	case CHURN_BIND:
		/* Every type but mnt (index 0): that is CHURN_BINDMNT. */
		t = 1 + rot[kind]++ % 7;
		flags = types[t].type;
		break;
	case CHURN_BINDMNT:
		t = 0;
		flags = CLONE_NEWNS;
		break;
	default: /* THREAD, SOCKET */
		t = 6;
		flags = CLONE_NEWNET;
		break;
	}

	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		fatal("socketpair");
	pid_t gen = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		slot_fail(s, errno);
		return;
	}
	if (pid == 0)
		child_main(sv[1], kind, flags, gen);
	close(sv[1]);
	atomic_fetch_add(&shm->forks, 1);
	event();
	s->busy = true;
	s->pid = pid;
	struct report rep;
	int got_fd;
	int r = recv_report(sv[0], &rep, &got_fd);
	close(sv[0]);
	if (r < 0) {
		slot_fail(s, ETIMEDOUT);
		return;
	}
	if (rep.err) {
		if (got_fd >= 0)
			close(got_fd);
		slot_fail(s, rep.err);
		return;
	}
	for (unsigned i = 0; i < 8; i++)
		if (rep.ino[i])
			event();

	/* Hand the namespace over to its holder; the child then goes, so
	 * the holder alone keeps it. */
	switch (kind) {
	case CHURN_FD: {
		char path[64];
		struct stat st;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid,
			 types[t].link);
		s->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (s->fd < 0 || fstat(s->fd, &st) < 0 ||
		    st.st_ino != rep.ino[t]) {
			slot_fail(s, s->fd < 0 ? errno : ESTALE);
			return;
		}
		event();
		break;
	}
	case CHURN_SOCKET:
		if (got_fd < 0) {
			slot_fail(s, EBADMSG);
			return;
		}
		s->fd = got_fd;
		event();
		break;
	case CHURN_BIND:
	case CHURN_BINDMNT:
		r = bind_ns(s, t);
		if (r < 0) {
			slot_fail(s, -r);
			return;
		}
		break;
	default:
		break;
	}
	if (got_fd >= 0 && kind != CHURN_SOCKET)
		close(got_fd);
	if (kind != CHURN_PROC_ALL && kind != CHURN_PROC_ONE &&
	    kind != CHURN_THREAD) {
		kill_reap(pid);
		s->pid = 0;
	}

	uint64_t born = churn_now();
	for (unsigned i = 0; i < 8; i++)
		if (rep.ino[i])
			log_ns(s, types[i].type, rep.ino[i], rep.nsid[i], born);
	atomic_fetch_add(&shm->made[kind], 1);
	s->deadline = born + lifetime();
}

static void slot_release(struct slot *s)
{
	/* Dead in the log first: from here on the holder may be gone. */
	uint64_t now = churn_now();
	for (unsigned i = 0; i < s->n_entry; i++)
		atomic_store(&shm->e[s->entry[i]].died, now);
	if (s->pid > 0)
		kill_reap(s->pid);
	if (s->fd >= 0) {
		close(s->fd);
		event();
	}
	if (s->path[0]) {
		/* Detach: a scan may have the mount point open this moment. */
		umount2(s->path, MNT_DETACH);
		unlink(s->path);
		event();
	}
	*s = (struct slot){.fd = -1};
}

static void plain_fork(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return;
	atomic_fetch_add(&shm->forks, 1);
	event();
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	event();
}

static _Noreturn void gen_main(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	/* Never write into the test's TAP stream. */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
		fatal("/dev/null");
	close(null);
	rng ^= (uint64_t)getpid() * 0x9e3779b97f4a7c15ull;

	/* Our own mount namespace, private: nothing mounted here reaches
	 * the test's namespace, and all of it goes when we do. */
	if (unshare(CLONE_NEWNS) < 0)
		fatal("unshare(CLONE_NEWNS)");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fatal("making / private");
	if (mount("nsrel-churn", tmpdir, "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=0700,size=1m") < 0)
		fatal("mounting the tmpfs");
	for (unsigned i = 0; i < SLOTS; i++)
		slots[i] = (struct slot){.fd = -1};
	atomic_store(&shm->ready, 1);

	unsigned next_kind = 0;
	const struct timespec pace = {.tv_nsec = 1000000};
	while (!atomic_load(&shm->stop)) {
		uint64_t now = churn_now();
		for (unsigned i = 0; i < SLOTS; i++)
			if (slots[i].busy && slots[i].deadline <= now)
				slot_release(&slots[i]);
		unsigned started = 0;
		for (unsigned i = 0; i < SLOTS && started < 2; i++) {
			if (slots[i].busy)
				continue;
			slot_start(&slots[i], next_kind++ % CHURN_KINDS);
			started++;
		}
		plain_fork();
		nanosleep(&pace, NULL);
	}
	for (unsigned i = 0; i < SLOTS; i++)
		if (slots[i].busy)
			slot_release(&slots[i]);
	umount2(tmpdir, MNT_DETACH);
	_exit(0);
}

pid_t churn_start(struct churn_shm *s, const char *dir)
{
	pid_t parent = getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		shm = s;
		tmpdir = dir;
		gen_main(parent);
	}
	/* Wait until it runs (or has died saying why). */
	for (int i = 0; i < 1000 && !atomic_load(&s->ready); i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -ECHILD;
		usleep(10000);
	}
	if (!atomic_load(&s->ready)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -ETIMEDOUT;
	}
	return pid;
}

int churn_stop(struct churn_shm *s, pid_t pid)
{
	atomic_store(&s->stop, 1);
	int status;
	for (int i = 0; i < 1000; i++) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			return status;
		if (w < 0 && errno != EINTR)
			return -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}
