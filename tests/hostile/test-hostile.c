/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Mount trees that lie: a scan run by root must not be stopped or fooled
 * by what another user put into a mount namespace of their own.
 *
 * A child makes a private mount namespace with a tmpfs on /tmp, binds a
 * uts namespace (held by nothing else) onto /tmp/x/f, covers /tmp/x with
 * a tmpfs holding a FIFO named f, and covers /proc with a tmpfs holding a
 * fake self/mountinfo that names a net namespace at /fake. The mount table
 * still lists the nsfs mount at /tmp/x/f, so a scan that opened that path
 * for reading would block on the FIFO for ever, and one that read that
 * tree's /proc would report the fake. Scans run with the child alive
 * (the namespace has a process) and after it is gone (only our bind mount
 * holds it: the library's setns helper opens there), each with listmount
 * and with the mountinfo fallback.
 *
 * Needs root; skips, saying why, otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"
#include "skip.h"
#include "nsrel.h"

/* Not a namespace anyone has: what the fake mountinfo claims. */
#define FAKE_NET_INO 4026599999ul
/* Long enough for a scan under valgrind or the sanitizers, short enough
 * that a hang fails the test rather than the suite's timeout. */
#define SCAN_LIMIT_S 60

static pid_t child = -1;
static ino_t mnt_ino;
static char holder[] = "/tmp/nsrel-hostile-XXXXXX";
static bool holder_mounted;

static void die(const char *what)
{
	fprintf(stderr, "# child: %s: %s\n", what, strerror(errno));
	_exit(1);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	close(fd);
}

/* The child: builds the lying tree, reports the two inodes, waits. */
static void build_tree(int report)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unshare(CLONE_NEWNS) < 0)
		die("unshare mnt");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("make / private");
	if (mount("hostile", "/tmp", "tmpfs", 0, "size=64k") < 0)
		die("tmpfs on /tmp");
	if (mkdir("/tmp/x", 0755) < 0)
		die("mkdir /tmp/x");
	write_file("/tmp/x/f", "");

	/* A uts namespace only the bind mount will hold. */
	int sync[2];
	if (pipe(sync) < 0)
		die("pipe");
	pid_t g = fork();
	if (g < 0)
		die("fork");
	if (g == 0) {
		if (unshare(CLONE_NEWUTS) < 0)
			_exit(1);
		close(sync[0]);
		if (write(sync[1], "", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(sync[1]);
	char c;
	if (read(sync[0], &c, 1) != 1)
		die("uts child");
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/uts", g);
	if (mount(path, "/tmp/x/f", NULL, MS_BIND, NULL) < 0)
		die("bind uts");
	kill(g, SIGKILL);
	waitpid(g, NULL, 0);

	/* Cover the mount point: a FIFO where the namespace was. */
	if (mount("cover", "/tmp/x", "tmpfs", 0, "size=64k") < 0)
		die("tmpfs on /tmp/x");
	if (mkfifo("/tmp/x/f", 0666) < 0)
		die("mkfifo");

	struct stat st;
	if (stat("/proc/self/ns/mnt", &st) < 0)
		die("stat mnt");
	ino_t mnt = st.st_ino;

	/* This tree's /proc says what its owner likes. */
	if (mount("fakeproc", "/proc", "tmpfs", 0, "size=64k") < 0)
		die("tmpfs on /proc");
	if (mkdir("/proc/self", 0755) < 0 ||
	    mkdir("/proc/thread-self", 0755) < 0)
		die("mkdir fake /proc");
	char fake[256];
	snprintf(fake, sizeof(fake),
		 "1 0 0:4 net:[%lu] /fake rw - nsfs nsfs rw\n", FAKE_NET_INO);
	write_file("/proc/self/mountinfo", fake);
	write_file("/proc/thread-self/mountinfo", fake);

	if (write(report, &mnt, sizeof(mnt)) != sizeof(mnt))
		die("report");
	pause();
	_exit(0);
}

static int setup(void **state)
{
	(void)state;
	if (geteuid() != 0)
		return 0;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (child == 0) {
		close(p[0]);
		build_tree(p[1]);
	}
	close(p[1]);
	ssize_t n = read(p[0], &mnt_ino, sizeof(mnt_ino));
	close(p[0]);
	if (n != sizeof(mnt_ino)) {
		fprintf(stderr, "# the hostile tree was not built\n");
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		child = -1;
	}
	if (holder_mounted)
		umount2(holder, MNT_DETACH);
	if (holder[sizeof(holder) - 7] != 'X')
		unlink(holder);
	return 0;
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "# the scan blocked on a FIFO\n";
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(3);
}

/* One scan, bounded in time; the uts namespace under the FIFO is listed
 * as bind-mounted and the fake net namespace is not. */
static void scan_and_check(const char *how, unsigned method)
{
	struct sigaction sa = {.sa_handler = on_alarm};
	sigaction(SIGALRM, &sa, NULL);
	alarm(SCAN_LIMIT_S);
	struct nsrel_model *m = NULL;
	struct nsrel_scan_opts o = {.sz = sizeof(o), .mounts_method = method};
	int r = nsrel_scan(&o, &m);
	alarm(0);
	assert_int_equal(r, 0);
	printf("# %s: scan done\n", how);
	assert_null(nsrel_model_find(m, CLONE_NEWNET, (ino_t)FAKE_NET_INO));
	const struct nsrel_ns *mnt = nsrel_model_find(m, CLONE_NEWNS, mnt_ino);
	assert_non_null(mnt);
	/* The uts namespace: the one bind-mounted in that mount namespace. */
	const struct nsrel_ns *uts = NULL;
	for (size_t i = 0; i < nsrel_model_ns_count(m) && !uts; i++) {
		const struct nsrel_ns *ns = nsrel_model_ns(m, i);
		for (size_t j = 0; j < nsrel_ns_ref_count(ns); j++) {
			const struct nsrel_ref *ref = nsrel_ns_ref(ns, j);
			if (nsrel_ref_kind(ref) == NSREL_REF_BINDMOUNT &&
			    nsrel_ref_mntns(ref) == mnt &&
			    strcmp(nsrel_ref_path(ref), "/tmp/x/f") == 0)
				uts = ns;
		}
	}
	assert_non_null(uts);
	assert_int_equal(nsrel_ns_type(uts), CLONE_NEWUTS);
	nsrel_model_free(m);
}

static void need_root(void)
{
	if (geteuid() != 0)
		skip_because("building mount namespaces needs root");
}

/* Scans through listmount and through mountinfo; no fd left over. */
static void scan_both_ways(const char *holder_is)
{
	char how[128];
	int fds = fixture_fd_count();
	snprintf(how, sizeof(how), "listmount, %s", holder_is);
	scan_and_check(how, NSREL_MOUNTS_LISTMOUNT);
	snprintf(how, sizeof(how), "mountinfo, %s", holder_is);
	scan_and_check(how, NSREL_MOUNTS_MOUNTINFO);
	assert_int_equal(fixture_fd_count(), fds);
}

static void test_with_process(void **state)
{
	(void)state;
	need_root();
	scan_both_ways("a process in the namespace");
}

static void test_without_process(void **state)
{
	(void)state;
	need_root();
	int fd = mkstemp(holder);
	assert_true(fd >= 0);
	close(fd);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", child);
	assert_int_equal(mount(path, holder, NULL, MS_BIND, NULL), 0);
	holder_mounted = true;
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	child = -1;

	scan_both_ways("only a bind mount holds the namespace");
	/* The setns helpers are gone. */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_with_process),
		cmocka_unit_test(test_without_process),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
