/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The relations API of include/nsrel.h against real namespaces on the
 * running kernel. Runs as root and again as nobody (tests/run-unpriv);
 * every test states what is true in both cases, and skips with the reason
 * only what cannot be set up.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"
#include "nsrel.h"

/* The kernel's values, written out so that the header is tested too. */
static const struct {
	const char *name;
	int type;
} types[] = {
	{"mnt", 0x00020000}, {"cgroup", 0x02000000}, {"uts", 0x04000000},
	{"ipc", 0x08000000}, {"user", 0x10000000},   {"pid", 0x20000000},
	{"net", 0x40000000}, {"time", 0x00000080},
};
#define NTYPES	      (sizeof(types) / sizeof(types[0]))
#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static struct {
	int fds_before;
	int initial_userns; /* fixture_in_initial_userns() */
	bool kernel_has_nsid;
	char regfile[64];
	char dir[64];	    /* ours: a FIFO and symlinks in it */
	char fifo[96];	    /* a FIFO nobody writes to */
	char link_net[96];  /* symlink to /proc/self/ns/net */
	char link_fifo[96]; /* symlink to the FIFO */
	char device[96];    /* our own node of /dev/null (root), else "" */
} g;

static void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
{
	va_list ap;

	/* cmocka writes TAP to stdout: a '#' line there is a TAP comment
	 * and lands in the right place among the results. */
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

#define skip_because(...)          \
	do {                       \
		note(__VA_ARGS__); \
		skip();            \
	} while (0)

static const char *errname(int r)
{
	return r >= 0 ? "success" : strerror(-r);
}

/* r must be -err; says which call on what otherwise. */
#define assert_err(r, err, what)                                            \
	do {                                                                \
		int r_ = (r);                                               \
		if (r_ != -(err))                                           \
			fail_msg("%s: %s = %d (%s), want -%s (%s)", (what), \
				 #r, r_, errname(r_), #err, strerror(err)); \
	} while (0)

/* r must be a valid fd. */
#define assert_fd(r, what)                                                   \
	do {                                                                 \
		int r_ = (r);                                                \
		if (r_ < 0)                                                  \
			fail_msg("%s: %s = %d (%s), want an fd", (what), #r, \
				 r_, errname(r_));                           \
	} while (0)

static void self_ns_path(char *buf, size_t sz, const char *type)
{
	snprintf(buf, sz, "/proc/self/ns/%s", type);
}

static ino_t fd_ino(int fd)
{
	dev_t dev;
	ino_t ino;

	assert_int_equal(fixture_fd_ino(fd, &dev, &ino), 0);
	return ino;
}

static ino_t path_ino(const char *path)
{
	dev_t dev;
	ino_t ino;

	assert_int_equal(fixture_path_ino(path, &dev, &ino), 0);
	return ino;
}

static void assert_same_file(int fd, const char *path)
{
	dev_t d1, d2;
	ino_t i1, i2;

	assert_int_equal(fixture_fd_ino(fd, &d1, &i1), 0);
	assert_int_equal(fixture_path_ino(path, &d2, &i2), 0);
	if (d1 != d2 || i1 != i2)
		fail_msg("fd %d is (%lu, %lu), %s is (%lu, %lu)", fd,
			 (unsigned long)d1, (unsigned long)i1, path,
			 (unsigned long)d2, (unsigned long)i2);
}

/* A returned fd: the caller's, close-on-exec, a user/pid ns as asked. */
static void assert_returned_fd(int fd, int type)
{
	assert_true(fd >= 0);
	assert_int_equal(fixture_fd_cloexec(fd), 1);
	assert_int_equal(nsrel_get_nstype(fd), type);
}

/* The fd is still open and still the same file. */
static void assert_still_open(int fd, ino_t ino)
{
	assert_true(fcntl(fd, F_GETFD) >= 0);
	assert_int_equal(fd_ino(fd), ino);
}

static bool kernel_at_least(unsigned major, unsigned minor)
{
	struct utsname u;
	unsigned a = 0, b = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &a, &b) != 2)
		return false;
	return a > major || (a == major && b >= minor);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static int group_setup(void **state)
{
	g.fds_before = fixture_fd_count();
	if (g.fds_before < 0)
		return -1;
	g.initial_userns = fixture_in_initial_userns();
	/* NS_GET_ID (namespace ids) arrived in 6.18. */
	g.kernel_has_nsid = kernel_at_least(6, 18);

	snprintf(g.regfile, sizeof(g.regfile), "/tmp/nsrel-test-XXXXXX");
	int fd = mkstemp(g.regfile);
	if (fd < 0)
		return -1;
	close(fd);
	snprintf(g.dir, sizeof(g.dir), "/tmp/nsrel-test-XXXXXX");
	if (!mkdtemp(g.dir))
		return -1;
	snprintf(g.fifo, sizeof(g.fifo), "%s/fifo", g.dir);
	snprintf(g.link_net, sizeof(g.link_net), "%s/net", g.dir);
	snprintf(g.link_fifo, sizeof(g.link_fifo), "%s/fifo-link", g.dir);
	if (mkfifo(g.fifo, 0600) < 0 ||
	    symlink("/proc/self/ns/net", g.link_net) < 0 ||
	    symlink(g.fifo, g.link_fifo) < 0)
		return -1;
	snprintf(g.device, sizeof(g.device), "%s/null", g.dir);
	if (mknod(g.device, S_IFCHR | 0600, makedev(1, 3)) < 0)
		g.device[0] = '\0';
	/* An alarm interrupts a call that blocks (EINTR), so that a test
	 * of it fails rather than hangs. */
	struct sigaction sa = {.sa_handler = on_alarm};
	sigaction(SIGALRM, &sa, NULL);
	note("uid %u, %s user namespace, kernel %s namespace ids",
	     (unsigned)geteuid(),
	     g.initial_userns == 1 ? "in the initial" : "not in the initial",
	     g.kernel_has_nsid ? "with" : "without");
	return 0;
}

static int group_teardown(void **state)
{
	unlink(g.regfile);
	unlink(g.fifo);
	unlink(g.link_net);
	unlink(g.link_fifo);
	if (g.device[0])
		unlink(g.device);
	rmdir(g.dir);
	return 0;
}

/* ---- types ------------------------------------------------------------ */

static void test_constants(void **state)
{
	assert_int_equal(CLONE_NEWNS, 0x00020000);
	assert_int_equal(CLONE_NEWCGROUP, 0x02000000);
	assert_int_equal(CLONE_NEWUTS, 0x04000000);
	assert_int_equal(CLONE_NEWIPC, 0x08000000);
	assert_int_equal(CLONE_NEWUSER, 0x10000000);
	assert_int_equal(CLONE_NEWPID, 0x20000000);
	assert_int_equal(CLONE_NEWNET, 0x40000000);
	assert_int_equal(CLONE_NEWTIME, 0x00000080);
	int all = 0;
	for (size_t i = 0; i < NTYPES; i++)
		all |= types[i].type;
	assert_int_equal(NSREL_ALL_TYPES, all);
	assert_int_equal(NSREL_NSTYPE_COUNT, NTYPES);
}

static void test_nstype_by_path(void **state)
{
	char path[64];

	for (size_t i = 0; i < NTYPES; i++) {
		self_ns_path(path, sizeof(path), types[i].name);
		int r = nsrel_get_nstype_path(path);
		if (r != types[i].type)
			fail_msg("%s: type %#x (%s), want %#x", path, r,
				 errname(r), types[i].type);
	}
}

static void test_nstype_by_fd(void **state)
{
	char path[64];

	for (size_t i = 0; i < NTYPES; i++) {
		self_ns_path(path, sizeof(path), types[i].name);
		int fd = nsrel_open(path);
		assert_fd(fd, path);
		assert_int_equal(fixture_fd_cloexec(fd), 1);
		ino_t ino = fd_ino(fd);
		int r = nsrel_get_nstype(fd);
		if (r != types[i].type)
			fail_msg("%s: type %#x (%s), want %#x", path, r,
				 errname(r), types[i].type);
		/* asked twice: the first call left the fd alone */
		assert_int_equal(nsrel_get_nstype(fd), types[i].type);
		assert_still_open(fd, ino);
		close(fd);
	}
}

static void test_nstype_names(void **state)
{
	for (size_t i = 0; i < NTYPES; i++) {
		const char *s = nsrel_nstype_str(types[i].type);
		assert_non_null(s);
		assert_string_equal(s, types[i].name);
		assert_int_equal(nsrel_nstype_from_str(s), types[i].type);
		assert_int_equal(nsrel_nstype_at((unsigned)i), types[i].type);
		assert_int_equal(nsrel_nstype_index(types[i].type), (int)i);
		assert_int_equal(nsrel_nstype_at((unsigned)nsrel_nstype_index(
					 types[i].type)),
				 types[i].type);
	}
}

static void test_nstype_unknown(void **state)
{
	const int bad[] = {0,
			   -1,
			   1,
			   CLONE_NEWUSER | CLONE_NEWNET,
			   NSREL_ALL_TYPES,
			   0x00000100 /* CLONE_VM */,
			   INT_MIN,
			   INT_MAX};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(nsrel_nstype_str(bad[i]));
		assert_int_equal(nsrel_nstype_index(bad[i]), -EINVAL);
	}
	assert_int_equal(nsrel_nstype_at(NSREL_NSTYPE_COUNT), -EINVAL);
	assert_int_equal(nsrel_nstype_at(UINT_MAX), -EINVAL);

	const char *names[] = {"",
			       "bogus",
			       "NET",
			       "net ",
			       "ns",
			       "mount",
			       "pid_for_children",
			       "time_for_children"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_int_equal(nsrel_nstype_from_str(names[i]), -EINVAL);
	assert_int_equal(nsrel_nstype_from_str(NULL), -EINVAL);
}

/* ---- our own namespaces ---------------------------------------------- */

static void test_userns_of_net(void **state)
{
	int fd = nsrel_get_userns_path("/proc/self/ns/net");
	assert_fd(fd, "/proc/self/ns/net");
	assert_returned_fd(fd, CLONE_NEWUSER);
	assert_same_file(fd, "/proc/self/ns/user");

	struct nsrel_id got, want;
	assert_int_equal(nsrel_get_id(fd, &got), 0);
	assert_int_equal(nsrel_get_id_path("/proc/self/ns/user", &want), 0);
	assert_true(got.dev == want.dev);
	assert_true(got.ino == want.ino);
	assert_true(got.nsid == want.nsid);
	close(fd);

	/* the fd variant, and the caller's fd survives it */
	int net = nsrel_open("/proc/self/ns/net");
	assert_fd(net, "/proc/self/ns/net");
	ino_t net_ino = fd_ino(net);
	fd = nsrel_get_userns(net);
	assert_fd(fd, "nsrel_get_userns(net)");
	assert_returned_fd(fd, CLONE_NEWUSER);
	assert_same_file(fd, "/proc/self/ns/user");
	assert_true(fd != net);
	assert_still_open(net, net_ino);
	assert_int_equal(nsrel_get_nstype(net), CLONE_NEWNET);
	close(fd);
	close(net);
}

/* Every namespace of ours that is not a user namespace is owned by our
 * user namespace: true for root and nobody alike on a plain host. */
static void test_userns_of_all_own(void **state)
{
	char path[64];

	for (size_t i = 0; i < NTYPES; i++) {
		if (types[i].type == CLONE_NEWUSER)
			continue;
		self_ns_path(path, sizeof(path), types[i].name);
		int fd = nsrel_get_userns_path(path);
		assert_fd(fd, path);
		assert_returned_fd(fd, CLONE_NEWUSER);
		assert_same_file(fd, "/proc/self/ns/user");
		close(fd);
	}
}

static void test_parent_of_own_userns(void **state)
{
	/* At the top (the initial user namespace) there is no parent; in
	 * a nested one the parent is out of our scope: EPERM both ways. */
	if (g.initial_userns != 1)
		note("not in the initial user namespace: EPERM means out of "
		     "scope here");
	assert_err(nsrel_get_parentns_path("/proc/self/ns/user"), EPERM,
		   "/proc/self/ns/user");
	/* for a user namespace the owner is the parent */
	assert_err(nsrel_get_userns_path("/proc/self/ns/user"), EPERM,
		   "/proc/self/ns/user");

	int fd = nsrel_open("/proc/self/ns/user");
	assert_fd(fd, "/proc/self/ns/user");
	ino_t ino = fd_ino(fd);
	assert_err(nsrel_get_parentns(fd), EPERM, "own user ns");
	assert_err(nsrel_get_userns(fd), EPERM, "own user ns");
	assert_still_open(fd, ino);
	close(fd);
}

static void test_parent_of_own_pidns(void **state)
{
	int fd = nsrel_open("/proc/self/ns/pid");
	assert_fd(fd, "/proc/self/ns/pid");
	ino_t ino = fd_ino(fd);
	assert_err(nsrel_get_parentns(fd), EPERM, "own pid ns");
	assert_still_open(fd, ino);
	close(fd);
	assert_err(nsrel_get_parentns_path("/proc/self/ns/pid"), EPERM,
		   "/proc/self/ns/pid");
}

static void test_parent_of_flat(void **state)
{
	char path[64];

	for (size_t i = 0; i < NTYPES; i++) {
		if (types[i].type == CLONE_NEWUSER ||
		    types[i].type == CLONE_NEWPID)
			continue;
		self_ns_path(path, sizeof(path), types[i].name);
		assert_err(nsrel_get_parentns_path(path), EINVAL, path);
		int fd = nsrel_open(path);
		assert_fd(fd, path);
		ino_t ino = fd_ino(fd);
		assert_err(nsrel_get_parentns(fd), EINVAL, path);
		assert_still_open(fd, ino);
		close(fd);
	}
}

static void test_owner_uid_own(void **state)
{
	uid_t uid = 4242, uid2 = 4242;

	if (g.initial_userns != 1)
		skip_because("not in the initial user namespace: its "
			     "creator's uid is not known here");
	int fd = nsrel_open("/proc/self/ns/user");
	assert_fd(fd, "/proc/self/ns/user");
	ino_t ino = fd_ino(fd);
	assert_int_equal(nsrel_get_owner_uid(fd, &uid), 0);
	assert_still_open(fd, ino);
	close(fd);
	assert_int_equal(nsrel_get_owner_uid_path("/proc/self/ns/user", &uid2),
			 0);
	/* The initial user namespace belongs to root, whoever asks: as
	 * root that is our own uid, as nobody it is not. */
	assert_int_equal(uid, 0);
	assert_int_equal(uid2, 0);
	if (geteuid() == 0)
		assert_int_equal(uid, geteuid());
	else
		assert_int_not_equal(uid, geteuid());
}

static void test_owner_uid_non_user(void **state)
{
	char path[64];

	for (size_t i = 0; i < NTYPES; i++) {
		if (types[i].type == CLONE_NEWUSER)
			continue;
		uid_t uid = 4242;
		self_ns_path(path, sizeof(path), types[i].name);
		assert_err(nsrel_get_owner_uid_path(path, &uid), EINVAL, path);
		int fd = nsrel_open(path);
		assert_fd(fd, path);
		ino_t ino = fd_ino(fd);
		assert_err(nsrel_get_owner_uid(fd, &uid), EINVAL, path);
		assert_still_open(fd, ino);
		close(fd);
		/* ret_ parameters stay untouched on failure */
		assert_int_equal(uid, 4242);
	}
}

static void test_get_id(void **state)
{
	struct nsrel_id ids[NTYPES];
	char path[64];

	for (size_t i = 0; i < NTYPES; i++) {
		struct nsrel_id a, b;
		self_ns_path(path, sizeof(path), types[i].name);
		int fd1 = nsrel_open(path), fd2 = nsrel_open(path);
		assert_fd(fd1, path);
		assert_fd(fd2, path);
		assert_int_equal(nsrel_get_id(fd1, &a), 0);
		assert_int_equal(nsrel_get_id(fd2, &b), 0);
		assert_int_equal(nsrel_get_id_path(path, &ids[i]), 0);

		struct stat st;
		assert_int_equal(fstat(fd1, &st), 0);
		assert_true(a.dev == st.st_dev);
		assert_true(a.ino == st.st_ino);
		assert_true(b.dev == a.dev && b.ino == a.ino);
		assert_true(ids[i].dev == a.dev && ids[i].ino == a.ino);
		assert_true(b.nsid == a.nsid && ids[i].nsid == a.nsid);
		if (g.kernel_has_nsid && a.nsid == 0)
			fail_msg("%s: nsid 0 on a kernel with NS_GET_ID", path);
		assert_still_open(fd1, a.ino);
		close(fd1);
		close(fd2);
	}
	for (size_t i = 0; i < NTYPES; i++)
		for (size_t j = i + 1; j < NTYPES; j++) {
			assert_false(ids[i].ino == ids[j].ino &&
				     ids[i].dev == ids[j].dev);
			if (g.kernel_has_nsid)
				assert_true(ids[i].nsid != ids[j].nsid);
		}
	if (!g.kernel_has_nsid)
		skip_because("kernel older than 6.18: no namespace ids to "
			     "compare (dev and ino were checked)");
}

/* ---- errors ------------------------------------------------------------ */

/* Every fd variant on fd fails with -err, leaves ret_ untouched. */
static void all_fd_fail(int fd, int err, const char *what)
{
	uid_t uid = 4242;
	struct nsrel_id id = {.dev = 1, .ino = 2, .nsid = 3};

	assert_err(nsrel_get_nstype(fd), err, what);
	assert_err(nsrel_get_userns(fd), err, what);
	assert_err(nsrel_get_parentns(fd), err, what);
	assert_err(nsrel_get_owner_uid(fd, &uid), err, what);
	assert_err(nsrel_get_id(fd, &id), err, what);
	assert_int_equal(uid, 4242);
	assert_true(id.dev == 1 && id.ino == 2 && id.nsid == 3);
}

/* nsrel_open() and every _path twin on path fail with -err, none of them
 * blocking (an alarm would make it EINTR), and path (ours: no one else
 * opens it) is never opened, as inotify sees it (an O_PATH open is no
 * IN_OPEN). */
static void all_path_fail(const char *path, int err, const char *what);
static void all_path_fail_unopened(const char *path, int err)
{
	char buf[4096];
	int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

	assert_true(in >= 0);
	assert_true(inotify_add_watch(in, path, IN_OPEN) >= 0);
	alarm(5);
	int r = nsrel_open(path);
	alarm(0);
	if (r >= 0)
		close(r);
	assert_err(r, err, path);
	alarm(5);
	all_path_fail(path, err, path);
	alarm(0);
	ssize_t n = read(in, buf, sizeof(buf));
	close(in);
	if (n > 0)
		fail_msg("%s was opened", path);
}

/* Every _path twin on path fails with -err. */
static void all_path_fail(const char *path, int err, const char *what)
{
	uid_t uid = 4242;
	struct nsrel_id id = {.dev = 1, .ino = 2, .nsid = 3};

	assert_err(nsrel_get_nstype_path(path), err, what);
	assert_err(nsrel_get_userns_path(path), err, what);
	assert_err(nsrel_get_parentns_path(path), err, what);
	assert_err(nsrel_get_owner_uid_path(path, &uid), err, what);
	assert_err(nsrel_get_id_path(path, &id), err, what);
	assert_int_equal(uid, 4242);
	assert_true(id.dev == 1 && id.ino == 2 && id.nsid == 3);
}

static void test_err_bad_fd(void **state)
{
	all_fd_fail(-1, EBADF, "fd -1");
	all_fd_fail(-42, EBADF, "fd -42");
	all_fd_fail(INT_MIN, EBADF, "fd INT_MIN");
	all_fd_fail(INT_MAX, EBADF, "fd INT_MAX");
}

static void test_err_closed_fd(void **state)
{
	int fd = nsrel_open("/proc/self/ns/net");
	assert_fd(fd, "/proc/self/ns/net");
	/* the number was a namespace a moment ago */
	assert_int_equal(nsrel_get_nstype(fd), CLONE_NEWNET);
	close(fd);
	all_fd_fail(fd, EBADF, "closed fd");
}

static void test_err_regular_file(void **state)
{
	int fd = open(g.regfile, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	ino_t ino = fd_ino(fd);
	all_fd_fail(fd, ENOTTY, g.regfile);
	assert_still_open(fd, ino);
	close(fd);
	/* nsrel_open() too: no namespace, and never opened for reading */
	all_path_fail_unopened(g.regfile, ENOTTY);

	/* a file in procfs, and a device */
	all_path_fail("/proc/self/status", ENOTTY, "/proc/self/status");
	assert_err(nsrel_open("/dev/null"), ENOTTY, "/dev/null");
	all_path_fail("/dev/null", ENOTTY, "/dev/null");
}

/* A device node of our own (of /dev/null's device, so that no one else
 * opens it): never opened. */
static void test_err_device_unopened(void **state)
{
	if (!g.device[0])
		skip_because("no device node of our own: mknod needs root");
	all_path_fail_unopened(g.device, ENOTTY);
}

/* A FIFO nobody writes to: open(2) for reading would block forever.
 * Bounded by an alarm, so that a block is a failure (EINTR), not a hang;
 * also through a symlink to it. */
static void test_err_fifo(void **state)
{
	all_path_fail_unopened(g.fifo, ENOTTY);
	all_path_fail_unopened(g.link_fifo, ENOTTY);
}

/* Without /proc (a child's mount namespace with /proc detached) a
 * namespace is reopened by its path, checked to be the same inode, and
 * still without O_NONBLOCK; a FIFO is still ENOTTY. */
static void test_open_without_proc(void **state)
{
	static const char *const why[] = {
		[10] = "unshare, mount or umount", [11] = "/proc still there",
		[20] = "nsrel_open() failed",	   [21] = "not a net namespace",
		[22] = "flags not O_RDONLY",	   [23] = "not close-on-exec",
		[24] = "FIFO not ENOTTY",
	};
	char bind[128];
	int st;

	if (geteuid() != 0)
		skip_because("a mount namespace without /proc needs root");
	snprintf(bind, sizeof(bind), "%s/net-bind", g.dir);
	int fd = open(bind, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("/proc/self/ns/net", bind, NULL, MS_BIND, NULL) < 0 ||
		    umount2("/proc", MNT_DETACH) < 0)
			_exit(10);
		if (access("/proc/self", F_OK) == 0)
			_exit(11);
		alarm(5);
		int r = nsrel_open(bind);
		if (r < 0)
			_exit(20);
		if (nsrel_get_nstype(r) != CLONE_NEWNET)
			_exit(21);
		int fl = fcntl(r, F_GETFL);
		if (fl < 0 || (fl & (O_ACCMODE | O_NONBLOCK)) != O_RDONLY)
			_exit(22);
		if (!(fcntl(r, F_GETFD) & FD_CLOEXEC))
			_exit(23);
		if (nsrel_open(g.fifo) != -ENOTTY)
			_exit(24);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	unlink(bind);
	size_t code = WIFEXITED(st) ? (size_t)WEXITSTATUS(st) : 0;
	if (!WIFEXITED(st) || code != 0)
		fail_msg("without /proc: %s (status %#x)",
			 code < ELEMENTSOF(why) && why[code] ? why[code]
							     : "killed",
			 st);
}

/* A symlink to a namespace file is followed. */
static void test_symlink_to_ns(void **state)
{
	int fd = nsrel_open(g.link_net);
	assert_fd(fd, g.link_net);
	assert_int_equal(fixture_fd_cloexec(fd), 1);
	assert_same_file(fd, "/proc/self/ns/net");
	assert_int_equal(nsrel_get_nstype(fd), CLONE_NEWNET);
	assert_int_equal(fcntl(fd, F_GETFL) & (O_ACCMODE | O_PATH | O_NONBLOCK),
			 O_RDONLY);
	close(fd);
	assert_int_equal(nsrel_get_nstype_path(g.link_net), CLONE_NEWNET);
	struct nsrel_id id;
	assert_int_equal(nsrel_get_id_path(g.link_net, &id), 0);
	assert_int_equal(id.ino, path_ino("/proc/self/ns/net"));
}

static void test_err_pipe(void **state)
{
	int p[2];
	char path[64];

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	ino_t ino = fd_ino(p[0]);
	all_fd_fail(p[0], ENOTTY, "pipe read end");
	all_fd_fail(p[1], ENOTTY, "pipe write end");
	assert_still_open(p[0], ino);
	assert_still_open(p[1], ino);

	/* Opening the pipe by path does not block: a writer exists. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[1]);
	all_path_fail(path, ENOTTY, path);
	close(p[0]);
	close(p[1]);
}

static void test_err_socket(void **state)
{
	int sv[2];
	char path[64];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
			 0);
	ino_t ino = fd_ino(sv[0]);
	all_fd_fail(sv[0], ENOTTY, "unix socket");
	assert_still_open(sv[0], ino);
	/* by path: no namespace (open(2) would say ENXIO) */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", sv[0]);
	assert_err(nsrel_open(path), ENOTTY, path);
	all_path_fail(path, ENOTTY, path);
	close(sv[0]);
	close(sv[1]);
}

static void test_err_directory(void **state)
{
	const char *dirs[] = {"/proc/self/ns", "/", "/tmp"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		int fd = open(dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		assert_true(fd >= 0);
		ino_t ino = fd_ino(fd);
		all_fd_fail(fd, ENOTTY, dirs[i]);
		assert_still_open(fd, ino);
		close(fd);
		all_path_fail(dirs[i], ENOTTY, dirs[i]);
	}
	all_path_fail_unopened(g.dir, ENOTTY);
}

/* An O_PATH fd refers to the file but allows no ioctl: the kernel says
 * EBADF, and nsrel passes that on. */
static void test_err_o_path(void **state)
{
	int fd = open("/proc/self/ns/net", O_PATH | O_CLOEXEC);
	assert_true(fd >= 0);
	ino_t ino = fd_ino(fd);
	all_fd_fail(fd, EBADF, "O_PATH fd");
	assert_still_open(fd, ino);
	close(fd);
}

/* Another user's process: its namespaces are not ours to open (EACCES
 * from open(2), passed through); root may open them. */
static void test_err_not_permitted(void **state)
{
	struct stat st;

	if (stat("/proc/2", &st) < 0)
		skip_because("no process 2 to try: %s", strerror(errno));
	if (geteuid() == 0) {
		assert_int_equal(nsrel_get_nstype_path("/proc/2/ns/net"),
				 CLONE_NEWNET);
		return;
	}
	if (st.st_uid == geteuid())
		skip_because("process 2 is ours (uid %u)", (unsigned)st.st_uid);
	assert_err(nsrel_open("/proc/2/ns/net"), EACCES, "/proc/2/ns/net");
	all_path_fail("/proc/2/ns/net", EACCES, "/proc/2/ns/net");
}

static void test_err_null_path(void **state)
{
	uid_t uid = 4242;
	struct nsrel_id id = {.dev = 1, .ino = 2, .nsid = 3};

	assert_err(nsrel_open(NULL), EINVAL, "NULL");
	assert_err(nsrel_get_nstype_path(NULL), EINVAL, "NULL");
	assert_err(nsrel_get_userns_path(NULL), EINVAL, "NULL");
	assert_err(nsrel_get_parentns_path(NULL), EINVAL, "NULL");
	assert_err(nsrel_get_owner_uid_path(NULL, &uid), EINVAL, "NULL");
	assert_err(nsrel_get_id_path(NULL, &id), EINVAL, "NULL");
	assert_int_equal(uid, 4242);
	assert_true(id.dev == 1 && id.ino == 2 && id.nsid == 3);
}

static void test_err_null_ret(void **state)
{
	int fd = nsrel_open("/proc/self/ns/user");
	assert_fd(fd, "/proc/self/ns/user");
	ino_t ino = fd_ino(fd);
	assert_err(nsrel_get_owner_uid(fd, NULL), EINVAL, "ret_uid NULL");
	assert_err(nsrel_get_id(fd, NULL), EINVAL, "ret_id NULL");
	assert_still_open(fd, ino);
	close(fd);
	assert_err(nsrel_get_owner_uid_path("/proc/self/ns/user", NULL), EINVAL,
		   "ret_uid NULL");
	assert_err(nsrel_get_id_path("/proc/self/ns/user", NULL), EINVAL,
		   "ret_id NULL");
	/* NULL everything is still EINVAL, not a crash */
	assert_err(nsrel_get_owner_uid_path(NULL, NULL), EINVAL, "NULL");
	assert_err(nsrel_get_id_path(NULL, NULL), EINVAL, "NULL");
}

static void test_err_missing_path(void **state)
{
	const char *paths[] = {"/nonexistent/nsrel", "/proc/self/ns/bogus", ""};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		assert_err(nsrel_open(paths[i]), ENOENT, paths[i]);
		all_path_fail(paths[i], ENOENT, paths[i]);
	}
}

/* ---- sandboxes: namespaces made by a forked child ---------------------- */

/* Start the fixture; skip (with the reason) when this system does not let
 * us make a user namespace, fail on anything else. */
static void start_or_skip(const struct fixture_opts *o, struct fixture *f)
{
	int r = fixture_start(o, f);

	if (r == 0)
		return;
	if ((r == -EPERM || r == -ENOSPC || r == -EUSERS || r == -EINVAL ||
	     r == -EACCES) &&
	    (strncmp(f->failed_step, "unshare", 7) == 0 ||
	     strstr(f->failed_step, "_map") ||
	     strstr(f->failed_step, "setgroups")))
		skip_because("cannot make namespaces as uid %u: %s: %s",
			     (unsigned)geteuid(), f->failed_step, strerror(-r));
	fail_msg("fixture: %s: %s", f->failed_step, strerror(-r));
}

static void test_sandbox_user_net_pid(void **state)
{
	struct fixture f;
	struct fixture_opts o = {
		.unshare_flags = CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID,
	};

	start_or_skip(&o, &f);
	assert_int_equal(f.user_levels, 1);
	assert_true(f.member > 0);
	assert_int_equal(f.member_inner, 1); /* first in its pid ns */
	assert_int_equal(f.creator_uid, geteuid());

	int user = fixture_open_ns(f.pid, "user");
	int net = fixture_open_ns(f.pid, "net");
	int pid = fixture_open_ns(f.member, "pid");
	int pid4c = fixture_open_ns(f.pid, "pid_for_children");
	assert_fd(user, "child user ns");
	assert_fd(net, "child net ns");
	assert_fd(pid, "member pid ns");
	assert_fd(pid4c, "child pid_for_children");
	ino_t user_ino = fd_ino(user), net_ino = fd_ino(net);
	ino_t pid_ino = fd_ino(pid);

	/* they are new, and the ones the child made */
	assert_true(user_ino == f.user_ino[0]);
	assert_true(user_ino != path_ino("/proc/self/ns/user"));
	assert_true(net_ino != path_ino("/proc/self/ns/net"));
	assert_true(pid_ino != path_ino("/proc/self/ns/pid"));
	assert_true(pid_ino == fd_ino(pid4c));
	assert_int_equal(nsrel_get_nstype(user), CLONE_NEWUSER);
	assert_int_equal(nsrel_get_nstype(net), CLONE_NEWNET);
	assert_int_equal(nsrel_get_nstype(pid), CLONE_NEWPID);

	/* its net ns is owned by its user ns */
	int fd = nsrel_get_userns(net);
	assert_fd(fd, "owner of child net ns");
	assert_returned_fd(fd, CLONE_NEWUSER);
	assert_true(fd_ino(fd) == user_ino);
	close(fd);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)f.pid);
	fd = nsrel_get_userns_path(path);
	assert_fd(fd, path);
	assert_true(fd_ino(fd) == user_ino);
	close(fd);
	assert_err(nsrel_get_parentns(net), EINVAL, "child net ns");

	/* so is its pid ns, whose parent is ours */
	fd = nsrel_get_userns(pid);
	assert_fd(fd, "owner of child pid ns");
	assert_true(fd_ino(fd) == user_ino);
	close(fd);
	fd = nsrel_get_parentns(pid);
	assert_fd(fd, "parent of child pid ns");
	assert_returned_fd(fd, CLONE_NEWPID);
	assert_same_file(fd, "/proc/self/ns/pid");
	close(fd);

	/* the parent of its user ns is ours; for a user ns, owner and
	 * parent are the same */
	fd = nsrel_get_parentns(user);
	assert_fd(fd, "parent of child user ns");
	assert_returned_fd(fd, CLONE_NEWUSER);
	assert_same_file(fd, "/proc/self/ns/user");
	close(fd);
	fd = nsrel_get_userns(user);
	assert_fd(fd, "owner of child user ns");
	assert_same_file(fd, "/proc/self/ns/user");
	close(fd);

	/* its creator is us */
	uid_t uid = 4242;
	assert_int_equal(nsrel_get_owner_uid(user, &uid), 0);
	assert_int_equal(uid, geteuid());
	assert_err(nsrel_get_owner_uid(net, &uid), EINVAL, "child net ns");

	/* distinct identities */
	struct nsrel_id cid, oid;
	assert_int_equal(nsrel_get_id(net, &cid), 0);
	assert_int_equal(nsrel_get_id_path("/proc/self/ns/net", &oid), 0);
	assert_true(cid.ino == net_ino);
	assert_true(cid.ino != oid.ino);
	if (g.kernel_has_nsid) {
		assert_true(cid.nsid != 0);
		assert_true(cid.nsid != oid.nsid);
	}

	/* none of the calls closed our fds */
	assert_still_open(user, user_ino);
	assert_still_open(net, net_ino);
	assert_still_open(pid, pid_ino);
	close(user);
	close(net);
	close(pid);
	close(pid4c);
	fixture_stop(&f);
}

static void test_sandbox_userns_chain(void **state)
{
	struct fixture f;
	struct fixture_opts o = {.user_depth = 3};

	start_or_skip(&o, &f);
	assert_int_equal(f.user_levels, 3);
	assert_true(f.user_ino[0] != f.user_ino[1]);
	assert_true(f.user_ino[1] != f.user_ino[2]);

	int fd = fixture_open_ns(f.pid, "user");
	assert_fd(fd, "innermost user ns");
	assert_true(fd_ino(fd) == f.user_ino[2]);
	ino_t ours = path_ino("/proc/self/ns/user");
	dev_t ours_dev, dev;
	ino_t ino;
	assert_int_equal(
		fixture_path_ino("/proc/self/ns/user", &ours_dev, &ino), 0);

	/* Three steps up: level 2, level 1, ours. */
	for (int level = 2; level >= 0; level--) {
		uid_t uid = 4242;
		assert_int_equal(nsrel_get_owner_uid(fd, &uid), 0);
		assert_int_equal(uid, f.creator_uid);

		/* owner and parent agree for user namespaces */
		int owner = nsrel_get_userns(fd);
		assert_fd(owner, "owner in chain");
		int up = nsrel_get_parentns(fd);
		assert_fd(up, "parent in chain");
		assert_returned_fd(up, CLONE_NEWUSER);
		assert_true(fd_ino(owner) == fd_ino(up));
		close(owner);
		close(fd);
		fd = up;
		assert_int_equal(fixture_fd_ino(fd, &dev, &ino), 0);
		if (level > 0) {
			if (ino != f.user_ino[level - 1])
				fail_msg("step %d: ino %lu, want level %d "
					 "(%lu)",
					 3 - level, (unsigned long)ino,
					 level - 1,
					 (unsigned long)f.user_ino[level - 1]);
		} else {
			assert_true(ino == ours && dev == ours_dev);
		}
	}
	/* ours is the top of what we may see */
	assert_err(nsrel_get_parentns(fd), EPERM, "above our user ns");
	close(fd);
	fixture_stop(&f);
}

/* A namespace made at the bottom of a chain is owned by the innermost user
 * ns, not by ours nor by the child's first one. */
static void test_sandbox_chain_owner(void **state)
{
	struct fixture f;
	struct fixture_opts o = {.user_depth = 2,
				 .unshare_flags = CLONE_NEWNET};

	start_or_skip(&o, &f);
	assert_int_equal(f.user_levels, 2);
	int net = fixture_open_ns(f.pid, "net");
	assert_fd(net, "child net ns");
	int fd = nsrel_get_userns(net);
	assert_fd(fd, "owner of child net ns");
	assert_true(fd_ino(fd) == f.user_ino[1]);
	int up = nsrel_get_parentns(fd);
	assert_fd(up, "parent of owner");
	assert_true(fd_ino(up) == f.user_ino[0]);
	close(up);
	close(fd);
	close(net);
	fixture_stop(&f);
}

/* Last: nothing above left an fd behind. */
static void test_no_fd_leak(void **state)
{
	int now = fixture_fd_count();

	if (now != g.fds_before)
		fail_msg("%d fds open before the tests, %d after", g.fds_before,
			 now);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constants),
		cmocka_unit_test(test_nstype_by_path),
		cmocka_unit_test(test_nstype_by_fd),
		cmocka_unit_test(test_nstype_names),
		cmocka_unit_test(test_nstype_unknown),
		cmocka_unit_test(test_userns_of_net),
		cmocka_unit_test(test_userns_of_all_own),
		cmocka_unit_test(test_parent_of_own_userns),
		cmocka_unit_test(test_parent_of_own_pidns),
		cmocka_unit_test(test_parent_of_flat),
		cmocka_unit_test(test_owner_uid_own),
		cmocka_unit_test(test_owner_uid_non_user),
		cmocka_unit_test(test_get_id),
		cmocka_unit_test(test_err_bad_fd),
		cmocka_unit_test(test_err_closed_fd),
		cmocka_unit_test(test_err_regular_file),
		cmocka_unit_test(test_err_pipe),
		cmocka_unit_test(test_err_socket),
		cmocka_unit_test(test_err_device_unopened),
		cmocka_unit_test(test_err_fifo),
		cmocka_unit_test(test_symlink_to_ns),
		cmocka_unit_test(test_open_without_proc),
		cmocka_unit_test(test_err_directory),
		cmocka_unit_test(test_err_o_path),
		cmocka_unit_test(test_err_not_permitted),
		cmocka_unit_test(test_err_null_path),
		cmocka_unit_test(test_err_null_ret),
		cmocka_unit_test(test_err_missing_path),
		cmocka_unit_test(test_sandbox_user_net_pid),
		cmocka_unit_test(test_sandbox_userns_chain),
		cmocka_unit_test(test_sandbox_chain_owner),
		cmocka_unit_test(test_no_fd_leak),
	};

	return cmocka_run_group_tests_name("nsfs", tests, group_setup,
					   group_teardown);
}
