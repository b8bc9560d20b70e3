/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsrel-zoo: build real namespaces, one for each way a namespace can be
 * held, print a one-line JSON manifest of them on stdout, and tear all of
 * it down when stdin reaches EOF or SIGTERM, SIGINT or SIGHUP arrives.
 *
 * Tests compare what libnsrel finds with the manifest inode by inode, so
 * every number in it is read back from the kernel (the nsfs inode, the
 * namespace ioctls), never assumed. Nothing may outlive the zoo: each child
 * dies with its parent (PR_SET_PDEATHSIG), and every mount we make sits in
 * a private bind mount of our own directory, so none propagates to other
 * mount namespaces and one MNT_DETACH takes it all away.
 *
 * The manifest's "processes" names each process by the case it holds
 * ("holder" holds fdipc and socknet); with --procs N, N more follow, named
 * "extra", or "extra-ns" for every fifth, which has its own uts, ipc and
 * net namespaces. The case names and fields are the contract tests rely on.
 *
 * Exit status: 0 after a clean teardown, 1 if a case cannot be built (the
 * reason on stderr, everything built so far torn down), 2 for bad usage,
 * 77 with "# SKIP ..." on stdout when not root.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <json-c/json.h>
#include <linux/sockios.h>

#include "hostile.h"
#include "missing.h"
#include "mounts.h"
#include "nsrel.h"

#define NOPW_UID 4242
/* Environment of a re-executed zoo that only reports and sleeps. */
#define PAUSE_ENV "NSREL_ZOO_PAUSE"
/* In every child, the socket it reports on. */
#define REPORT_FD 3
/* How long a child may take to report. */
#define REPORT_TIMEOUT_MS 60000

/* What a child sends when it is ready, or when a step failed. The sender's
 * pid comes with it as SCM_CREDENTIALS, translated by the kernel into our
 * pid namespace, so children in other pid namespaces need not know it. */
struct report {
	int err;       /* errno of the failed step, 0 when ready */
	int role;      /* which of several senders on one socket */
	pid_t tid;     /* a thread id, in our pid namespace */
	int fd[2];     /* fd numbers in the sender */
	uint64_t ino;  /* an inode the sender looked at */
	char what[64]; /* the failed step */
};

static struct {
	pid_t self;
	const char *argv0;
	sigset_t oldmask;
	int sigfd;
	bool stop; /* a stop signal arrived while building */
	char dir[64];
	pid_t *pids; /* every process we started, to kill */
	size_t npids, apids;
	char *mounts[8]; /* mount points we made, innermost last */
	size_t nmounts;
	char *files[8]; /* files we made in dir */
	size_t nfiles;
	bool dir_made;
	/* The zoo's own namespaces, for checks and "mntns". */
	ino_t host_user, host_pid, host_net, host_ipc, host_mnt, host_uts,
		host_time;
	json_object *namespaces, *processes;
} zoo = {.sigfd = -1};

static void teardown(void);

static void __attribute__((format(printf, 1, 2), noreturn))
fail(const char *fmt, ...)
{
	va_list ap;
	fputs("nsrel-zoo: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	/* Only the zoo tears down: a child has its own copy of our lists. */
	if (getpid() != zoo.self)
		_exit(1);
	teardown();
	json_object_put(zoo.namespaces);
	json_object_put(zoo.processes);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	void *r = realloc(p, n);
	if (!r)
		fail("out of memory");
	return r;
}

static char *xstrdup(const char *s)
{
	char *r = strdup(s);
	if (!r)
		fail("out of memory");
	return r;
}

static char *xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *r;
	va_start(ap, fmt);
	int n = vasprintf(&r, fmt, ap);
	va_end(ap);
	if (n < 0)
		fail("out of memory");
	return r;
}

static void track(pid_t pid)
{
	if (zoo.npids == zoo.apids) {
		zoo.apids = zoo.apids ? 2 * zoo.apids : 64;
		zoo.pids = xrealloc(zoo.pids, zoo.apids * sizeof(*zoo.pids));
	}
	zoo.pids[zoo.npids++] = pid;
}

static void untrack(pid_t pid)
{
	for (size_t i = 0; i < zoo.npids; i++)
		if (zoo.pids[i] == pid) {
			zoo.pids[i] = zoo.pids[--zoo.npids];
			return;
		}
}

/* Kill and reap one child that has served its purpose. */
static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	untrack(pid);
}

/* ---- In the children ---------------------------------------------------- */

static void child_send(const struct report *r)
{
	/* Nobody is left to tell if this fails: the zoo sees EOF instead. */
	(void)!send(REPORT_FD, r, sizeof(*r), MSG_NOSIGNAL);
}

static void ready(int role, pid_t tid, int fd0, int fd1, uint64_t ino)
{
	struct report r = {
		.role = role, .tid = tid, .fd = {fd0, fd1}, .ino = ino};
	child_send(&r);
}

static void __attribute__((noreturn)) child_fail(const char *what)
{
	struct report r = {.err = errno ? errno : EIO};
	snprintf(r.what, sizeof(r.what), "%s", what);
	child_send(&r);
	_exit(1);
}

static void __attribute__((noreturn)) sleep_forever(void)
{
	for (;;)
		pause();
}

/* Die with the parent; a parent that is already gone (we lost the race
 * with its death) cannot tell us any more, so check it is still there. */
static void die_with_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		_exit(1);
	if (parent && getppid() != parent)
		_exit(1);
}

/* A child starts clean: default signals, /dev/null as stdin and stdout
 * (so that whoever reads our stdout sees EOF when we exit), stderr kept
 * for messages, its report socket as fd 3 and no other fd of ours. */
static void child_init(pid_t parent, int report_fd)
{
	die_with_parent(parent);
	sigprocmask(SIG_SETMASK, &zoo.oldmask, NULL);
	signal(SIGPIPE, SIG_DFL);
	int tmp = -1;
	if (report_fd >= 0)
		tmp = fcntl(report_fd, F_DUPFD_CLOEXEC, 64);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
		_exit(1);
	if (tmp >= 0 && dup2(tmp, REPORT_FD) < 0)
		_exit(1);
	unsigned first = tmp >= 0 ? REPORT_FD + 1 : REPORT_FD;
	if (close_range(first, ~0U, 0) < 0)
		for (int fd = (int)first; fd < 4096; fd++)
			close(fd);
}

/*
 * Start a child that dies with us: a plain fork, or a clone() with
 * CLONE_NEW* flags. Returns its pid here, 0 in the child, -1 on error. A
 * child in a new pid namespace sees its parent as pid 0, so there we can
 * only set the death signal, not check for the race.
 */
static pid_t spawn(unsigned long flags, int report_fd)
{
	pid_t parent = getpid();
	pid_t pid;
	if (flags)
		pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL,
				     NULL, NULL);
	else
		pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		track(pid);
		return pid;
	}
	child_init(flags & CLONE_NEWPID ? 0 : parent, report_fd);
	return 0;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t n = strlen(text);
	ssize_t w = write(fd, text, n);
	int saved = errno;
	close(fd);
	errno = saved;
	return w == (ssize_t)n ? 0 : -1;
}

/* unshare(CLONE_NEWUSER), then map uid and gid 0 inside to our ids
 * outside, so that we are root in it and may nest further. Returns 0 or
 * -1 with errno, naming the step in *what. */
static int unshare_user_mapped(const char **what)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	*what = "unshare(CLONE_NEWUSER)";
	if (unshare(CLONE_NEWUSER) < 0)
		return -1;
	*what = "write /proc/self/setgroups";
	if (write_file("/proc/self/setgroups", "deny") < 0)
		return -1;
	*what = "write /proc/self/uid_map";
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	if (write_file("/proc/self/uid_map", map) < 0)
		return -1;
	*what = "write /proc/self/gid_map";
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	if (write_file("/proc/self/gid_map", map) < 0)
		return -1;
	return 0;
}

static int umount_nsfs(int id, const char *point, const char *fstype,
		       void *found)
{
	(void)id;
	if (strcmp(fstype, "nsfs") == 0 && umount2(point, MNT_DETACH) == 0)
		*(bool *)found = true;
	return 0;
}

/* Detach every nsfs mount of this (new, private) mount namespace: they are
 * copies of the host's, and would be stray references of unrelated
 * namespaces inside the one we hand to the tests. */
static void drop_nsfs_mounts(void)
{
	bool found = true;
	for (int round = 0; round < 16 && found; round++) {
		found = false;
		if (fixture_mounts_foreach(umount_nsfs, &found) < 0)
			return;
	}
}

/* The hidden mode of a re-executed zoo: report, then sleep. The "hostile"
 * process is one, so that its argv can be anything. */
static int pause_mode(const char *parent, const char *argv0)
{
	die_with_parent((pid_t)strtol(parent, NULL, 10));
	/* exec named us after the file; the kernel keeps 15 bytes of this. */
	if (argv0 && strcmp(argv0, HOSTILE_ARGV0) == 0 &&
	    prctl(PR_SET_NAME, argv0) < 0)
		child_fail("PR_SET_NAME");
	ready(0, 0, -1, -1, 0);
	close(REPORT_FD);
	sleep_forever();
}

/* ---- In the zoo ---------------------------------------------------------- */

static ino_t path_ino(const char *path)
{
	struct stat st;
	return stat(path, &st) < 0 ? 0 : st.st_ino;
}

static ino_t fd_ino(int fd)
{
	struct stat st;
	return fstat(fd, &st) < 0 ? 0 : st.st_ino;
}

static int open_ns(const char *path)
{
	int fd = nsrel_open(path);
	if (fd < 0)
		fail("open %s: %s", path, strerror(-fd));
	return fd;
}

static int open_proc_ns(pid_t pid, const char *what)
{
	char path[96];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	return open_ns(path);
}

static ino_t proc_ns_ino(pid_t pid, const char *what)
{
	char path[96];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	ino_t ino = path_ino(path);
	if (!ino)
		fail("stat %s: %m", path);
	return ino;
}

static void channel(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		fail("socketpair: %m");
	int on = 1;
	if (setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0)
		fail("SO_PASSCRED: %m");
}

/* A stop signal while we build: finish the current step, then go. */
static void check_stop(void)
{
	struct signalfd_siginfo si;
	while (read(zoo.sigfd, &si, sizeof(si)) == sizeof(si))
		zoo.stop = true;
	if (zoo.stop)
		fail("interrupted while building");
}

/* Wait for one report of case `name`; returns the sender's pid in our pid
 * namespace. A child that died without a word, or that failed, fails us. */
static pid_t await(int sock, const char *name, struct report *r)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p[2] = {{.fd = sock, .events = POLLIN},
				      {.fd = zoo.sigfd, .events = POLLIN}};
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		long ms = (t.tv_sec - t0.tv_sec) * 1000 +
			  (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms >= REPORT_TIMEOUT_MS)
			fail("%s: no report from the child", name);
		int n = poll(p, 2, (int)(REPORT_TIMEOUT_MS - ms));
		if (n < 0 && errno != EINTR)
			fail("poll: %m");
		if (p[1].revents)
			check_stop();
		if (p[0].revents)
			break;
	}
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} c;
	struct iovec iov = {.iov_base = r, .iov_len = sizeof(*r)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = c.buf,
			    .msg_controllen = sizeof(c.buf)};
	memset(r, 0, sizeof(*r));
	ssize_t n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		fail("%s: recvmsg: %m", name);
	if (n == 0)
		fail("%s: the child died before it was ready", name);
	if (n != sizeof(*r))
		fail("%s: short report", name);
	if (r->err) {
		r->what[sizeof(r->what) - 1] = '\0';
		fail("%s: %s: %s", name, r->what, strerror(r->err));
	}
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm;
	     cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_CREDENTIALS) {
			struct ucred uc;
			memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
			return uc.pid;
		}
	fail("%s: report without credentials", name);
}

static void json_add_int(json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

/* JSON null is a NULL object in json-c. */
static void json_add_opt(json_object *o, const char *k, bool has, int64_t v)
{
	json_object_object_add(o, k, has ? json_object_new_int64(v) : NULL);
}

/* s as a JSON string, which must be UTF-8: each byte that starts no valid
 * UTF-8 sequence becomes U+FFFD, as the tools write it. */
static json_object *json_text(const char *s)
{
	json_object *o;
	char *t = xrealloc(NULL, 3 * strlen(s) + 1), *q = t;
	mbstate_t st = {0};
	locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	locale_t old = uselocale(utf8);
	while (*s) {
		size_t n = mbrtowc(NULL, s, strlen(s), &st);
		if (n == (size_t)-1 || n == (size_t)-2) {
			memcpy(q, "\xef\xbf\xbd", 3);
			q += 3;
			s++;
			memset(&st, 0, sizeof(st));
			continue;
		}
		memcpy(q, s, n);
		q += n;
		s += n;
	}
	*q = '\0';
	uselocale(old);
	freelocale(utf8);
	o = json_object_new_string(t);
	free(t);
	return o;
}

/* "argv0" as text, and "argv0_hex": its exact bytes, for the tests that
 * compare bytes. */
static void add_proc(const char *name, pid_t pid, const char *argv0)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	json_add_int(o, "pid", pid);
	json_object_object_add(o, "argv0", json_text(argv0));
	char *hex = xrealloc(NULL, 2 * strlen(argv0) + 1);
	for (size_t i = 0; argv0[i]; i++)
		sprintf(hex + 2 * i, "%02x", (unsigned char)argv0[i]);
	hex[2 * strlen(argv0)] = '\0';
	json_object_object_add(o, "argv0_hex", json_object_new_string(hex));
	free(hex);
	json_object_array_add(zoo.processes, o);
}

struct held {
	const char *how;
	pid_t pid, tid;
	int fd; /* with how "fd" and "socket" only */
	const char *path;
	ino_t mntns;
};

/* Add case `name` to the manifest, everything about it read from nsfd.
 * Returns the namespace's inode. */
static ino_t add_ns(const char *name, int want_type, int nsfd,
		    const struct held *h)
{
	int type = nsrel_get_nstype(nsfd);
	if (type < 0)
		fail("%s: NS_GET_NSTYPE: %s", name, strerror(-type));
	if (type != want_type)
		fail("%s: is a %s namespace, not %s", name,
		     nsrel_nstype_str(type), nsrel_nstype_str(want_type));
	ino_t ino = fd_ino(nsfd);
	if (!ino)
		fail("%s: fstat: %m", name);

	bool has_parent = false, has_owner = false, has_uid = false;
	ino_t parent = 0, owner = 0;
	uid_t uid = 0;
	if (type == CLONE_NEWUSER || type == CLONE_NEWPID) {
		int p = nsrel_get_parentns(nsfd);
		if (p >= 0) {
			parent = fd_ino(p);
			has_parent = true;
			close(p);
		} else if (p != -EPERM) {
			fail("%s: NS_GET_PARENT: %s", name, strerror(-p));
		}
	}
	int u = nsrel_get_userns(nsfd);
	if (u >= 0) {
		owner = fd_ino(u);
		has_owner = true;
		close(u);
	} else if (u != -EPERM) {
		fail("%s: NS_GET_USERNS: %s", name, strerror(-u));
	}
	if (type == CLONE_NEWUSER) {
		int r = nsrel_get_owner_uid(nsfd, &uid);
		if (r < 0)
			fail("%s: NS_GET_OWNER_UID: %s", name, strerror(-r));
		has_uid = true;
	}

	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "type",
			       json_object_new_string(nsrel_nstype_str(type)));
	json_add_int(o, "ino", (int64_t)ino);
	json_add_opt(o, "parent", has_parent, (int64_t)parent);
	json_add_opt(o, "owner", has_owner, (int64_t)owner);
	json_add_opt(o, "owner_uid", has_uid, uid);
	json_object_object_add(o, "held", json_object_new_string(h->how));
	json_add_opt(o, "pid", h->pid > 0, h->pid);
	json_add_opt(o, "tid", h->tid > 0, h->tid);
	bool has_fd = !strcmp(h->how, "fd") || !strcmp(h->how, "socket");
	json_add_opt(o, "fd", has_fd, h->fd);
	json_object_object_add(
		o, "path", h->path ? json_object_new_string(h->path) : NULL);
	json_add_opt(o, "mntns", h->mntns > 0, (int64_t)h->mntns);
	json_object_array_add(zoo.namespaces, o);
	return ino;
}

#define HELD(...) (&(const struct held){__VA_ARGS__})

/* The manifest must not tell what the kernel does not: a wrong relation
 * here would make every test built on it wrong. */
static void expect(const char *name, const char *what, ino_t got, ino_t want)
{
	if (got != want)
		fail("%s: %s is %ju, expected %ju", name, what, (uintmax_t)got,
		     (uintmax_t)want);
}

static ino_t parent_ino(int nsfd)
{
	int p = nsrel_get_parentns(nsfd);
	if (p < 0)
		return 0;
	ino_t ino = fd_ino(p);
	close(p);
	return ino;
}

static ino_t owner_ino(int nsfd)
{
	int p = nsrel_get_userns(nsfd);
	if (p < 0)
		return 0;
	ino_t ino = fd_ino(p);
	close(p);
	return ino;
}

/* userchain1..3: one process, three nested user namespaces; the outer two
 * are held by nothing but their child. */
static void case_userchain(void)
{
	int sv[2];
	struct report r;
	channel(sv);
	pid_t pid = spawn(0, sv[1]);
	if (pid < 0)
		fail("userchain: fork: %m");
	if (pid == 0) {
		const char *what;
		for (int i = 0; i < 3; i++)
			if (unshare_user_mapped(&what) < 0)
				child_fail(what);
		ready(0, 0, -1, -1, 0);
		sleep_forever();
	}
	close(sv[1]);
	await(sv[0], "userchain", &r);
	close(sv[0]);

	int fd3 = open_proc_ns(pid, "ns/user");
	int fd2 = nsrel_get_parentns(fd3);
	int fd1 = fd2 < 0 ? fd2 : nsrel_get_parentns(fd2);
	if (fd1 < 0)
		fail("userchain: NS_GET_PARENT: %s", strerror(-fd1));
	expect("userchain1", "parent", parent_ino(fd1), zoo.host_user);
	add_ns("userchain1", CLONE_NEWUSER, fd1, HELD(.how = "hidden"));
	add_ns("userchain2", CLONE_NEWUSER, fd2, HELD(.how = "hidden"));
	add_ns("userchain3", CLONE_NEWUSER, fd3,
	       HELD(.how = "proc", .pid = pid));
	add_proc("userchain3", pid, zoo.argv0);
	close(fd1);
	close(fd2);
	close(fd3);
}

/* pid1 and pid2: nested PID namespaces, the init of each holds it. */
static void case_pid(void)
{
	int sv[2];
	struct report r;
	channel(sv);
	pid_t a = spawn(CLONE_NEWPID, sv[1]);
	if (a < 0)
		fail("pid1: clone(CLONE_NEWPID): %m");
	if (a == 0) {
		pid_t b = spawn(CLONE_NEWPID, REPORT_FD);
		if (b < 0)
			child_fail("clone(CLONE_NEWPID)");
		if (b == 0) {
			ready(2, 0, -1, -1, 0);
			sleep_forever();
		}
		ready(1, 0, -1, -1, 0);
		sleep_forever();
	}
	close(sv[1]);
	pid_t got[3] = {0};
	for (int i = 0; i < 2; i++) {
		pid_t p = await(sv[0], "pid1/pid2", &r);
		if (r.role < 1 || r.role > 2)
			fail("pid1/pid2: bad report");
		got[r.role] = p;
	}
	close(sv[0]);
	if (got[1] != a || !got[2])
		fail("pid1/pid2: reports from the wrong processes");
	track(got[2]);

	int fd1 = open_proc_ns(a, "ns/pid");
	int fd2 = open_proc_ns(got[2], "ns/pid");
	ino_t pid1 = add_ns("pid1", CLONE_NEWPID, fd1,
			    HELD(.how = "proc", .pid = a));
	add_ns("pid2", CLONE_NEWPID, fd2, HELD(.how = "proc", .pid = got[2]));
	expect("pid1", "parent", parent_ino(fd1), zoo.host_pid);
	expect("pid2", "parent", parent_ino(fd2), pid1);
	expect("pid2", "owner", owner_ino(fd2), zoo.host_user);
	add_proc("pid1", a, zoo.argv0);
	add_proc("pid2", got[2], zoo.argv0);
	close(fd1);
	close(fd2);
}

/* ownuser owns ownpid and ownnet: one clone() makes all three, and the
 * child is pid 1 of ownpid, root (uid 0) inside ownuser. */
static void case_own(void)
{
	int sv[2];
	struct report r;
	channel(sv);
	pid_t c = spawn(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET, sv[1]);
	if (c < 0)
		fail("ownuser: clone: %m");
	if (c == 0) {
		ready(0, 0, -1, -1, 0);
		sleep_forever();
	}
	close(sv[1]);
	if (await(sv[0], "ownuser", &r) != c)
		fail("ownuser: report from the wrong process");
	close(sv[0]);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)c);
	if (write_file(path, "0 0 1") < 0)
		fail("ownuser: write %s: %m", path);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)c);
	if (write_file(path, "0 0 1") < 0)
		fail("ownuser: write %s: %m", path);

	int u = open_proc_ns(c, "ns/user");
	int p = open_proc_ns(c, "ns/pid");
	int n = open_proc_ns(c, "ns/net");
	ino_t user = add_ns("ownuser", CLONE_NEWUSER, u,
			    HELD(.how = "proc", .pid = c));
	add_ns("ownpid", CLONE_NEWPID, p, HELD(.how = "proc", .pid = c));
	add_ns("ownnet", CLONE_NEWNET, n, HELD(.how = "proc", .pid = c));
	expect("ownuser", "parent", parent_ino(u), zoo.host_user);
	expect("ownpid", "owner", owner_ino(p), user);
	expect("ownnet", "owner", owner_ino(n), user);
	expect("ownpid", "parent", parent_ino(p), zoo.host_pid);
	add_proc("ownuser", c, zoo.argv0);
	close(u);
	close(p);
	close(n);
}

/* nopwuser: created by a uid that has no passwd entry. */
static void case_nopw(void)
{
	int sv[2];
	struct report r;
	if (getpwuid(NOPW_UID))
		fprintf(stderr,
			"nsrel-zoo: warning: uid %d has a passwd entry\n",
			NOPW_UID);
	channel(sv);
	pid_t d = spawn(0, sv[1]);
	if (d < 0)
		fail("nopwuser: fork: %m");
	if (d == 0) {
		if (setgroups(0, NULL) < 0)
			child_fail("setgroups");
		if (setresgid(NOPW_UID, NOPW_UID, NOPW_UID) < 0)
			child_fail("setresgid");
		if (setresuid(NOPW_UID, NOPW_UID, NOPW_UID) < 0)
			child_fail("setresuid");
		if (unshare(CLONE_NEWUSER) < 0)
			child_fail("unshare(CLONE_NEWUSER) as uid 4242");
		/* A change of credentials clears the death signal. */
		die_with_parent(zoo.self);
		ready(0, 0, -1, -1, 0);
		sleep_forever();
	}
	close(sv[1]);
	await(sv[0], "nopwuser", &r);
	close(sv[0]);
	int u = open_proc_ns(d, "ns/user");
	add_ns("nopwuser", CLONE_NEWUSER, u, HELD(.how = "proc", .pid = d));
	uid_t uid = 0;
	if (nsrel_get_owner_uid(u, &uid) < 0 || uid != NOPW_UID)
		fail("nopwuser: owner uid is %u, not %d", (unsigned)uid,
		     NOPW_UID);
	add_proc("nopwuser", d, zoo.argv0);
	close(u);
}

/* A file in our dir to bind-mount a namespace on. */
static char *make_file(const char *name)
{
	char *path = xasprintf("%s/%s", zoo.dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		fail("create %s: %m", path);
	close(fd);
	zoo.files[zoo.nfiles++] = path;
	return path;
}

static void add_mount(const char *path)
{
	zoo.mounts[zoo.nmounts++] = xstrdup(path);
}

/*
 * bindmnt: a mount namespace held only by a bind mount in ours; inside it,
 * inneruts: a uts namespace held only by a bind mount in bindmnt. Must be
 * built before bindnet, whose mount would otherwise be copied into it.
 */
static void case_bindmnt(void)
{
	int sv[2];
	struct report r;
	char *mntpath = make_file("mnt");
	char *utspath = make_file("uts");
	channel(sv);
	pid_t x = spawn(0, sv[1]);
	if (x < 0)
		fail("bindmnt: fork: %m");
	if (x == 0) {
		if (unshare(CLONE_NEWNS) < 0)
			child_fail("unshare(CLONE_NEWNS)");
		/* Private: our mounts must not propagate back, and the
		 * host's later ones (bindnet) must not come in. */
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			child_fail("make / private");
		drop_nsfs_mounts();
		if (unshare(CLONE_NEWUTS) < 0)
			child_fail("unshare(CLONE_NEWUTS)");
		if (sethostname("nsrel-inneruts", 14) < 0)
			child_fail("sethostname");
		if (mount("/proc/self/ns/uts", utspath, NULL, MS_BIND, NULL) <
		    0)
			child_fail("bind-mount the uts namespace");
		ready(0, 0, -1, -1, 0);
		sleep_forever();
	}
	close(sv[1]);
	await(sv[0], "bindmnt", &r);
	close(sv[0]);

	char src[64];
	snprintf(src, sizeof(src), "/proc/%d/ns/mnt", (int)x);
	add_mount(mntpath);
	if (mount(src, mntpath, NULL, MS_BIND, NULL) < 0)
		fail("bindmnt: bind-mount %s: %m", src);
	int ufd = open_proc_ns(x, "ns/uts");
	reap(x);

	int mfd = open_ns(mntpath);
	ino_t mnt = add_ns("bindmnt", CLONE_NEWNS, mfd,
			   HELD(.how = "bindmount", .path = mntpath,
				.mntns = zoo.host_mnt));
	ino_t uts =
		add_ns("inneruts", CLONE_NEWUTS, ufd,
		       HELD(.how = "bindmount", .path = utspath, .mntns = mnt));
	close(ufd);

	/* Look through the mount, from inside bindmnt, now that no process
	 * is in it: the uts namespace must be there, and held by it. */
	channel(sv);
	pid_t y = spawn(0, sv[1]);
	if (y < 0)
		fail("inneruts: fork: %m");
	if (y == 0) {
		/* child_init() closed mfd: open the mount again. */
		int fd = open(mntpath, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNS) < 0)
			child_fail("setns into bindmnt");
		struct stat st;
		if (stat(utspath, &st) < 0)
			child_fail("stat the uts mount inside bindmnt");
		ready(0, 0, -1, -1, st.st_ino);
		_exit(0);
	}
	close(sv[1]);
	await(sv[0], "inneruts", &r);
	close(sv[0]);
	reap(y);
	close(mfd);
	expect("inneruts", "inode seen inside bindmnt", r.ino, uts);
}

/* bindnet: a net namespace held only by a bind mount at a path with
 * spaces, the way `ip netns add` does it. */
static void case_bindnet(void)
{
	int sv[2];
	struct report r;
	char *path = make_file("net ns a");
	add_mount(path);
	channel(sv);
	pid_t e = spawn(0, sv[1]);
	if (e < 0)
		fail("bindnet: fork: %m");
	if (e == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			child_fail("unshare(CLONE_NEWNET)");
		if (mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) < 0)
			child_fail("bind-mount the net namespace");
		ready(0, 0, -1, -1, 0);
		_exit(0);
	}
	close(sv[1]);
	await(sv[0], "bindnet", &r);
	close(sv[0]);
	reap(e);
	int fd = open_ns(path);
	ino_t ino = add_ns(
		"bindnet", CLONE_NEWNET, fd,
		HELD(.how = "bindmount", .path = path, .mntns = zoo.host_mnt));
	if (ino == zoo.host_net)
		fail("bindnet: is the host's net namespace");
	close(fd);
}

struct holder_arg {
	int type;
	int fd;
	pid_t tid;
	int err;
	const char *what;
};

/* A thread enters a new namespace and leaves only an fd (ipc) or a socket
 * (net) behind in the process when it ends. */
static void *holder_thread(void *p)
{
	struct holder_arg *a = p;
	a->tid = gettid();
	a->fd = -1;
	if (unshare(a->type) < 0) {
		a->err = errno;
		a->what = "unshare in a thread";
		return NULL;
	}
	if (a->type == CLONE_NEWIPC)
		a->fd = open("/proc/thread-self/ns/ipc", O_RDONLY | O_CLOEXEC);
	else
		a->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (a->fd < 0) {
		a->err = errno;
		a->what = "open the namespace";
	}
	return NULL;
}

/* Until the thread is gone from /proc: pthread_join() returns when the
 * thread's tid is cleared, before the kernel has dropped its namespaces. */
static void run_holder_thread(struct holder_arg *a)
{
	pthread_t t;
	int r = pthread_create(&t, NULL, holder_thread, a);
	if (r) {
		errno = r;
		child_fail("pthread_create");
	}
	pthread_join(t, NULL);
	if (a->err) {
		errno = a->err;
		child_fail(a->what);
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d", (int)a->tid);
	for (int i = 0; i < 5000 && access(path, F_OK) == 0; i++)
		usleep(1000);
}

/* fdipc and socknet: one holder process in the host namespaces that holds
 * an ipc namespace by an fd and a net namespace by a socket only. */
static void case_holder(void)
{
	int sv[2];
	struct report r;
	channel(sv);
	pid_t h = spawn(0, sv[1]);
	if (h < 0)
		fail("holder: fork: %m");
	if (h == 0) {
		struct holder_arg ipc = {.type = CLONE_NEWIPC};
		struct holder_arg net = {.type = CLONE_NEWNET};
		run_holder_thread(&ipc);
		run_holder_thread(&net);
		ready(0, 0, ipc.fd, net.fd, 0);
		sleep_forever();
	}
	close(sv[1]);
	await(sv[0], "fdipc/socknet", &r);
	close(sv[0]);

	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)h, r.fd[0]);
	int ipc = open_ns(path);
	ino_t ino = add_ns("fdipc", CLONE_NEWIPC, ipc,
			   HELD(.how = "fd", .pid = h, .fd = r.fd[0]));
	close(ipc);
	if (ino == zoo.host_ipc)
		fail("fdipc: is the host's ipc namespace");

	int pidfd = (int)syscall(SYS_pidfd_open, h, 0);
	if (pidfd < 0)
		fail("socknet: pidfd_open: %m");
	int sk = (int)syscall(SYS_pidfd_getfd, pidfd, r.fd[1], 0);
	if (sk < 0)
		fail("socknet: pidfd_getfd: %m");
	int net = ioctl(sk, SIOCGSKNS);
	if (net < 0)
		fail("socknet: SIOCGSKNS: %m");
	ino = add_ns("socknet", CLONE_NEWNET, net,
		     HELD(.how = "socket", .pid = h, .fd = r.fd[1]));
	close(net);
	close(sk);
	close(pidfd);
	if (ino == zoo.host_net)
		fail("socknet: is the host's net namespace");
	expect("holder", "ipc namespace", proc_ns_ino(h, "ns/ipc"),
	       zoo.host_ipc);
	expect("holder", "net namespace", proc_ns_ino(h, "ns/net"),
	       zoo.host_net);
	add_proc("holder", h, zoo.argv0);
}

static void *threadnet_thread(void *p)
{
	(void)p;
	if (unshare(CLONE_NEWNET) < 0)
		child_fail("unshare(CLONE_NEWNET) in a thread");
	ready(0, gettid(), -1, -1, 0);
	sleep_forever();
}

/* threadnet: one thread of a process in its own net namespace. */
static void case_threadnet(void)
{
	int sv[2];
	struct report r;
	channel(sv);
	pid_t t = spawn(0, sv[1]);
	if (t < 0)
		fail("threadnet: fork: %m");
	if (t == 0) {
		pthread_t th;
		int e = pthread_create(&th, NULL, threadnet_thread, NULL);
		if (e) {
			errno = e;
			child_fail("pthread_create");
		}
		sleep_forever();
	}
	close(sv[1]);
	await(sv[0], "threadnet", &r);
	close(sv[0]);
	char path[96];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/ns/net", (int)t,
		 (int)r.tid);
	int fd = open_ns(path);
	ino_t ino = add_ns("threadnet", CLONE_NEWNET, fd,
			   HELD(.how = "task", .pid = t, .tid = r.tid));
	close(fd);
	if (ino == zoo.host_net)
		fail("threadnet: is the host's net namespace");
	expect("threadnet", "main thread's net namespace",
	       proc_ns_ino(t, "ns/net"), zoo.host_net);
	add_proc("threadnet", t, zoo.argv0);
}

/*
 * childtime and childpid: unshare() of a time or pid namespace moves only
 * future children; with none, *_for_children alone holds it. The kernel
 * hides a pid namespace that never had an init (pid_for_children gives
 * ENOENT), so childpid forks one that exits at once: what remains is a pid
 * namespace whose init is gone, held by pid_for_children only.
 */
/* In a child after unshare(CLONE_NEWPID): the pid namespace's first
 * process, which exits at once, so that pid_for_children shows it. */
static void start_and_end_init(void)
{
	pid_t init = fork();
	if (init < 0)
		child_fail("fork the first process");
	if (init == 0)
		_exit(0);
	while (waitpid(init, NULL, 0) < 0 && errno == EINTR)
		;
}

static void case_for_children(const char *name, int type, const char *own,
			      const char *link, ino_t host)
{
	int sv[2];
	struct report r;
	channel(sv);
	pid_t p = spawn(0, sv[1]);
	if (p < 0)
		fail("%s: fork: %m", name);
	if (p == 0) {
		if (unshare(type) < 0)
			child_fail("unshare");
		if (type == CLONE_NEWPID)
			start_and_end_init();
		ready(0, 0, -1, -1, 0);
		sleep_forever();
	}
	close(sv[1]);
	await(sv[0], name, &r);
	close(sv[0]);
	char what[64];
	snprintf(what, sizeof(what), "ns/%s", link);
	int fd = open_proc_ns(p, what);
	ino_t ino =
		add_ns(name, type, fd, HELD(.how = "for_children", .pid = p));
	close(fd);
	if (ino == host)
		fail("%s: is the host's namespace", name);
	snprintf(what, sizeof(what), "ns/%s", own);
	expect(name, "own namespace", proc_ns_ino(p, what), host);
	add_proc(name, p, zoo.argv0);
}

/* hostile: a process in its own user namespace with a command line built
 * to break naive output (tests/lib/hostile.h); the zoo itself, re-executed
 * in its pause mode. hostilepid: a pid namespace of its children (an init
 * came and went, as for childpid), so that the name is in lspidns too. */
static void case_hostile(void)
{
	int sv[2];
	struct report r;
	channel(sv);
	pid_t x = spawn(0, sv[1]);
	if (x < 0)
		fail("hostile: fork: %m");
	if (x == 0) {
		const char *what;
		int exe = open("/proc/self/exe", O_PATH | O_CLOEXEC);
		if (exe < 0)
			child_fail("open /proc/self/exe");
		if (unshare_user_mapped(&what) < 0)
			child_fail(what);
		if (unshare(CLONE_NEWPID) < 0)
			child_fail("unshare pid");
		start_and_end_init();
		char env[64];
		snprintf(env, sizeof(env), PAUSE_ENV "=%d", (int)zoo.self);
		char *argv[] = {HOSTILE_ARGV0, HOSTILE_ARG1, NULL};
		char *envp[] = {env, NULL};
		fexecve(exe, argv, envp);
		child_fail("execve");
	}
	close(sv[1]);
	await(sv[0], "hostile", &r);
	close(sv[0]);

	/* What the tools will read: argv[0], NUL, argv[1], NUL; and comm
	 * between the first '(' and the last ')' of stat. */
	static const char want[] = HOSTILE_ARGV0 "\0" HOSTILE_ARG1;
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)x);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
	if (fd >= 0)
		close(fd);
	if (n != (ssize_t)sizeof(want) || memcmp(buf, want, sizeof(want)))
		fail("hostile: unexpected %s", path);
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)x);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	const char *lp = strchr(buf, '('), *rp = strrchr(buf, ')');
	if (!lp || !rp || rp - lp - 1 != HOSTILE_COMM_LEN ||
	    memcmp(lp + 1, HOSTILE_ARGV0, HOSTILE_COMM_LEN))
		fail("hostile: comm in %s is not the first %d bytes of argv[0]",
		     path, HOSTILE_COMM_LEN);

	int u = open_proc_ns(x, "ns/user");
	ino_t user = add_ns("hostile", CLONE_NEWUSER, u,
			    HELD(.how = "proc", .pid = x));
	expect("hostile", "parent", parent_ino(u), zoo.host_user);
	close(u);
	int pid = open_proc_ns(x, "ns/pid_for_children");
	add_ns("hostilepid", CLONE_NEWPID, pid,
	       HELD(.how = "for_children", .pid = x));
	expect("hostilepid", "owner", owner_ino(pid), user);
	close(pid);
	add_proc("hostile", x, HOSTILE_ARGV0);
}

/*
 * Sleep in a fresh image of ourselves (pause_mode). Thousands of forks that
 * keep our memory share its anonymous pages, and every reverse-map walk of
 * one of them (reclaim, DAMON) visits all of them under the lock fork
 * needs: at 50,000 processes the zoo took 12 minutes to build. exec drops
 * the sharing; the death signal survives it. We have reported already and
 * closed REPORT_FD, so pause_mode's report goes nowhere; parent 0: our
 * parent was checked before. Not under AddressSanitizer: its runtime
 * costs each fresh image megabytes (10,000 of them filled 24 GiB), where
 * forks share ours.
 */
#if defined(__SANITIZE_ADDRESS__)
#define ZOO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ZOO_ASAN 1
#endif
#endif
static void __attribute__((noreturn)) pause_exec(void)
{
#ifndef ZOO_ASAN
	char *argv[] = {(char *)zoo.argv0, NULL};
	char *envp[] = {PAUSE_ENV "=0", NULL};
	execve("/proc/self/exe", argv, envp);
#endif
	sleep_forever();
}

/* --procs N: N more sleeping processes for scale; every fifth in its own
 * uts, ipc and net namespaces. The children unshare themselves, so that
 * namespace creation runs on every CPU, not only in the zoo. */
static void extras(long n)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		fail("pipe: %m");
	for (long i = 0; i < n; i++) {
		bool own = i % 5 == 0;
		pid_t pid = spawn(0, p[1]);
		if (pid < 0)
			fail("--procs: fork number %ld: %m", i + 1);
		if (pid == 0) {
			if (own && unshare(CLONE_NEWUTS | CLONE_NEWIPC |
					   CLONE_NEWNET) < 0)
				(void)!write(REPORT_FD, "e", 1);
			else
				(void)!write(REPORT_FD, "k", 1);
			close(REPORT_FD);
			pause_exec();
		}
		add_proc(own ? "extra-ns" : "extra", pid, zoo.argv0);
		if (i % 256 == 0)
			check_stop();
	}
	close(p[1]);
	char buf[4096];
	long got = 0;
	while (got < n) {
		struct pollfd pf[2] = {{.fd = p[0], .events = POLLIN},
				       {.fd = zoo.sigfd, .events = POLLIN}};
		int r = poll(pf, 2, REPORT_TIMEOUT_MS);
		if (r == 0)
			fail("--procs: %ld processes did not start", n - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fail("poll: %m");
		}
		if (pf[1].revents)
			check_stop();
		if (!pf[0].revents)
			continue;
		ssize_t k = read(p[0], buf, sizeof(buf));
		if (k <= 0)
			fail("--procs: %ld processes died while starting",
			     n - got);
		for (ssize_t i = 0; i < k; i++)
			if (buf[i] != 'k')
				fail("--procs: unshare of uts, ipc, net "
				     "failed in a child");
		got += k;
	}
	close(p[0]);
}

static void make_dir(void)
{
	strcpy(zoo.dir, "/run/nsrel-zoo.XXXXXX");
	if (!mkdtemp(zoo.dir))
		fail("mkdtemp %s: %m", zoo.dir);
	zoo.dir_made = true;
	/* Readable for unprivileged scans of the mounts in it. */
	if (chmod(zoo.dir, 0755) < 0)
		fail("chmod %s: %m", zoo.dir);
	add_mount(zoo.dir);
	if (mount(zoo.dir, zoo.dir, NULL, MS_BIND, NULL) < 0)
		fail("bind-mount %s: %m", zoo.dir);
	if (mount(NULL, zoo.dir, NULL, MS_PRIVATE, NULL) < 0)
		fail("make %s private: %m", zoo.dir);
}

static void host_namespaces(void)
{
	zoo.host_user = proc_ns_ino(zoo.self, "ns/user");
	zoo.host_pid = proc_ns_ino(zoo.self, "ns/pid");
	zoo.host_net = proc_ns_ino(zoo.self, "ns/net");
	zoo.host_ipc = proc_ns_ino(zoo.self, "ns/ipc");
	zoo.host_mnt = proc_ns_ino(zoo.self, "ns/mnt");
	zoo.host_uts = proc_ns_ino(zoo.self, "ns/uts");
	zoo.host_time = proc_ns_ino(zoo.self, "ns/time");
}

/* Kill and reap every process, detach every mount, remove every file.
 * Safe to call at any stage of building, and more than once. */
static void teardown(void)
{
	for (size_t i = 0; i < zoo.npids; i++)
		kill(zoo.pids[i], SIGKILL);
	for (;;) {
		pid_t r = waitpid(-1, NULL, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
	}
	zoo.npids = 0;
	while (zoo.nmounts) {
		char *m = zoo.mounts[--zoo.nmounts];
		if (umount2(m, MNT_DETACH) < 0 && errno != EINVAL &&
		    errno != ENOENT)
			fprintf(stderr, "nsrel-zoo: umount %s: %m\n", m);
		free(m);
	}
	while (zoo.nfiles) {
		char *f = zoo.files[--zoo.nfiles];
		if (unlink(f) < 0 && errno != ENOENT)
			fprintf(stderr, "nsrel-zoo: unlink %s: %m\n", f);
		free(f);
	}
	if (zoo.dir_made) {
		/* A mount namespace we detached may take a moment to let go
		 * of its copy of our directory. */
		for (int i = 0; i < 200; i++) {
			if (rmdir(zoo.dir) == 0 || errno == ENOENT)
				break;
			if (errno != EBUSY) {
				fprintf(stderr, "nsrel-zoo: rmdir %s: %m\n",
					zoo.dir);
				break;
			}
			usleep(10000);
		}
		zoo.dir_made = false;
	}
	free(zoo.pids);
	zoo.pids = NULL;
	zoo.apids = 0;
}

/* Until stdin reaches EOF or a stop signal comes. */
static void wait_for_stop(void)
{
	char buf[512];
	for (;;) {
		struct pollfd p[2] = {{.fd = 0, .events = POLLIN},
				      {.fd = zoo.sigfd, .events = POLLIN}};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (p[1].revents)
			return;
		if (p[0].revents & POLLNVAL)
			return;
		if (p[0].revents) {
			ssize_t n = read(0, buf, sizeof(buf));
			if (n == 0 ||
			    (n < 0 && errno != EINTR && errno != EAGAIN))
				return;
		}
	}
}

static void usage(FILE *f)
{
	fputs("Usage: nsrel-zoo [--procs N] [--no-hostile]\n"
	      "\n"
	      "Build real namespaces of every kind nsrel must find, print a\n"
	      "one-line JSON manifest of them, and tear them down when stdin\n"
	      "reaches EOF or on SIGTERM/SIGINT. Needs root.\n"
	      "\n"
	      "  -p, --procs N  also start N sleeping processes, every fifth\n"
	      "                 in its own uts, ipc and net namespaces\n"
	      "      --no-hostile  without the hostile and hostilepid cases\n"
	      "                 (util-linux's lsns cannot read that name: the\n"
	      "                 benchmark's yardstick)\n"
	      "  -h, --help     show this help\n",
	      f);
}

int main(int argc, char **argv)
{
	const char *pause_parent = getenv(PAUSE_ENV);
	if (pause_parent)
		return pause_mode(pause_parent, argv[0]);

	static const struct option opts[] = {
		{"procs", required_argument, NULL, 'p'},
		{"no-hostile", no_argument, NULL, 'H'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	long nprocs = 0;
	bool hostile = true;
	int c;
	while ((c = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'p':
			errno = 0;
			nprocs = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || nprocs < 0 ||
			    nprocs > 1000000) {
				fprintf(stderr,
					"nsrel-zoo: bad number of processes: "
					"%s\n",
					optarg);
				return 2;
			}
			break;
		case 'H':
			hostile = false;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fputs("Try 'nsrel-zoo --help' for more information.\n",
			      stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nsrel-zoo: unexpected argument: %s\n",
			argv[optind]);
		fputs("Try 'nsrel-zoo --help' for more information.\n", stderr);
		return 2;
	}
	if (geteuid() != 0) {
		puts("# SKIP nsrel-zoo needs root");
		return 77;
	}

	zoo.self = getpid();
	zoo.argv0 = argv[0];
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &stop, &zoo.oldmask) < 0)
		fail("sigprocmask: %m");
	zoo.sigfd = signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK);
	if (zoo.sigfd < 0)
		fail("signalfd: %m");
	/* A reader that went away must not kill us before the teardown. */
	signal(SIGPIPE, SIG_IGN);

	zoo.namespaces = json_object_new_array();
	zoo.processes = json_object_new_array();
	host_namespaces();
	make_dir();

	case_userchain();
	check_stop();
	case_pid();
	check_stop();
	case_own();
	check_stop();
	case_nopw();
	check_stop();
	case_bindmnt();
	check_stop();
	case_bindnet();
	check_stop();
	case_holder();
	check_stop();
	case_threadnet();
	check_stop();
	case_for_children("childtime", CLONE_NEWTIME, "time",
			  "time_for_children", zoo.host_time);
	check_stop();
	case_for_children("childpid", CLONE_NEWPID, "pid", "pid_for_children",
			  zoo.host_pid);
	check_stop();
	if (hostile)
		case_hostile();
	check_stop();
	extras(nprocs);
	check_stop();

	json_object *m = json_object_new_object();
	json_add_int(m, "zoo_pid", zoo.self);
	json_object_object_add(m, "dir", json_object_new_string(zoo.dir));
	json_object_object_add(m, "namespaces", zoo.namespaces);
	json_object_object_add(m, "processes", zoo.processes);
	zoo.namespaces = zoo.processes = NULL;
	const char *s = json_object_to_json_string_ext(
		m, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	bool printed = printf("%s\n", s) >= 0 && fflush(stdout) == 0;
	json_object_put(m);

	if (printed)
		wait_for_stop();
	teardown();
	close(zoo.sigfd);
	return printed ? 0 : 1;
}
