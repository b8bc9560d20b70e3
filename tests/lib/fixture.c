/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

/* What the child tells the test process, in one write. */
struct report {
	int err;  /* errno of the failed step, 0 on success */
	int step; /* index into steps[] */
	pid_t member;
	pid_t member_inner;
	uid_t creator_uid;
	unsigned user_levels;
	ino_t user_ino[FIXTURE_MAX_DEPTH + 1];
};

enum {
	STEP_NONE,
	STEP_CLOSE,
	STEP_UNSHARE_USER,
	STEP_SETGROUPS,
	STEP_UID_MAP,
	STEP_GID_MAP,
	STEP_STAT_USERNS,
	STEP_UNSHARE,
	STEP_FORK_MEMBER,
	STEP_MEMBER_PID,
	STEP_PIPE,
	STEP_FORK,
	STEP_READ_REPORT,
	STEP_OPTS,
};

static const char *const steps[] = {
	[STEP_NONE] = "none",
	[STEP_CLOSE] = "close inherited fds",
	[STEP_UNSHARE_USER] = "unshare(CLONE_NEWUSER)",
	[STEP_SETGROUPS] = "write /proc/self/setgroups",
	[STEP_UID_MAP] = "write /proc/self/uid_map",
	[STEP_GID_MAP] = "write /proc/self/gid_map",
	[STEP_STAT_USERNS] = "stat /proc/self/ns/user",
	[STEP_UNSHARE] = "unshare",
	[STEP_FORK_MEMBER] = "fork member",
	[STEP_MEMBER_PID] = "read member pid",
	[STEP_PIPE] = "pipe2",
	[STEP_FORK] = "fork",
	[STEP_READ_REPORT] = "read report",
	[STEP_OPTS] = "options",
};

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* 0 on a full read, -EIO on a short one (the writer died), or -errno. */
static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = write_all(fd, text, strlen(text));
	close(fd);
	return r;
}

/* Close every fd from 3 up except keep[0..n-1] (sorted ascending), so
 * that the child holds no other fixture's control pipe open. */
static int close_all_but(const int *keep, int n)
{
	unsigned from = 3;

	for (int i = 0; i < n; i++) {
		unsigned k = (unsigned)keep[i];
		if (k > from && close_range(from, k - 1, 0) < 0)
			return -errno;
		if (k + 1 > from)
			from = k + 1;
	}
	return close_range(from, UINT_MAX, 0) < 0 ? -errno : 0;
}

/* The new user namespace maps 0 to the euid/egid the process had before
 * (unprivileged callers may map only their own ids, and only after
 * denying setgroups). Without a mapping no further level can be made. */
static int enter_userns(struct report *rep, bool do_unshare, int flags)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	struct stat st;

	if (do_unshare) {
		if (unshare(flags) < 0) {
			rep->step = flags == CLONE_NEWUSER ? STEP_UNSHARE_USER
							   : STEP_UNSHARE;
			return -errno;
		}
	}
	int r = write_file("/proc/self/setgroups", "deny");
	if (r < 0 && r != -ENOENT) {
		rep->step = STEP_SETGROUPS;
		return r;
	}
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	r = write_file("/proc/self/uid_map", map);
	if (r < 0) {
		rep->step = STEP_UID_MAP;
		return r;
	}
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	r = write_file("/proc/self/gid_map", map);
	if (r < 0) {
		rep->step = STEP_GID_MAP;
		return r;
	}
	if (stat("/proc/self/ns/user", &st) < 0) {
		rep->step = STEP_STAT_USERNS;
		return -errno;
	}
	if (rep->user_levels < FIXTURE_MAX_DEPTH + 1)
		rep->user_ino[rep->user_levels] = st.st_ino;
	rep->user_levels++;
	return 0;
}

static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* Blocks until the test process closes its end of the control pipe (in
 * fixture_stop(), or by dying), then leaves. The child reaps its member
 * itself: an orphan would go to a pid 1 that may never reap it. */
static _Noreturn void wait_for_stop(int ctl, pid_t member)
{
	char c;

	while (read(ctl, &c, 1) < 0 && errno == EINTR)
		;
	if (member > 0)
		reap(member);
	_exit(0);
}

static int child_setup(const struct fixture_opts *opts, int ctl,
		       struct report *rep)
{
	int r;

	rep->creator_uid = geteuid();
	for (unsigned i = 0; i < opts->user_depth; i++) {
		r = enter_userns(rep, true, CLONE_NEWUSER);
		if (r < 0)
			return r;
	}
	if (opts->unshare_flags) {
		if (opts->unshare_flags & CLONE_NEWUSER) {
			r = enter_userns(rep, true, opts->unshare_flags);
			if (r < 0)
				return r;
		} else if (unshare(opts->unshare_flags) < 0) {
			rep->step = STEP_UNSHARE;
			return -errno;
		}
	}
	if (!opts->fork_member && !(opts->unshare_flags & CLONE_NEWPID))
		return 0;

	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		rep->step = STEP_PIPE;
		return -errno;
	}
	pid_t pid = fork();
	if (pid < 0) {
		rep->step = STEP_FORK_MEMBER;
		return -errno;
	}
	if (pid == 0) {
		pid_t self = getpid();
		close(p[0]);
		(void)write_all(p[1], &self, sizeof(self));
		close(p[1]);
		wait_for_stop(ctl, 0);
	}
	close(p[1]);
	rep->member = pid;
	r = read_all(p[0], &rep->member_inner, sizeof(rep->member_inner));
	close(p[0]);
	if (r < 0) {
		rep->step = STEP_MEMBER_PID;
		return r;
	}
	return 0;
}

static _Noreturn void child_main(const struct fixture_opts *opts, int rep_fd,
				 int ctl)
{
	struct report rep = {0};
	int keep[2] = {rep_fd < ctl ? rep_fd : ctl,
		       rep_fd < ctl ? ctl : rep_fd};
	int r = close_all_but(keep, 2);

	if (r < 0)
		rep.step = STEP_CLOSE;
	else
		r = child_setup(opts, ctl, &rep);
	rep.err = -r;
	if (r < 0 && rep.member > 0) {
		(void)kill(rep.member, SIGKILL);
		reap(rep.member);
	}
	if (write_all(rep_fd, &rep, sizeof(rep)) < 0 || r < 0)
		_exit(1);
	close(rep_fd);
	wait_for_stop(ctl, rep.member);
}

int fixture_start(const struct fixture_opts *opts, struct fixture *f)
{
	struct report rep = {0};
	int rp[2], cp[2], r;

	*f = (struct fixture){.ctl = -1, .failed_step = steps[STEP_NONE]};
	if (!opts || opts->user_depth > FIXTURE_MAX_DEPTH) {
		f->failed_step = steps[STEP_OPTS];
		return -EINVAL;
	}
	if (pipe2(rp, O_CLOEXEC) < 0) {
		f->failed_step = steps[STEP_PIPE];
		return -errno;
	}
	if (pipe2(cp, O_CLOEXEC) < 0) {
		r = -errno;
		close(rp[0]);
		close(rp[1]);
		f->failed_step = steps[STEP_PIPE];
		return r;
	}
	/* Flush so that buffered test output is not written twice. */
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		r = -errno;
		close(rp[0]);
		close(rp[1]);
		close(cp[0]);
		close(cp[1]);
		f->failed_step = steps[STEP_FORK];
		return r;
	}
	if (pid == 0)
		child_main(opts, rp[1], cp[0]);

	close(rp[1]);
	close(cp[0]);
	f->pid = pid;
	f->ctl = cp[1];
	r = read_all(rp[0], &rep, sizeof(rep));
	close(rp[0]);
	if (r < 0) {
		f->failed_step = steps[STEP_READ_REPORT];
		fixture_stop(f);
		return r;
	}
	f->member = rep.member;
	f->member_inner = rep.member_inner;
	f->creator_uid = rep.creator_uid;
	f->user_levels = rep.user_levels;
	memcpy(f->user_ino, rep.user_ino, sizeof(f->user_ino));
	if (rep.err) {
		f->failed_step = steps[rep.step];
		fixture_stop(f);
		return -rep.err;
	}
	return 0;
}

void fixture_stop(struct fixture *f)
{
	/* The member dies now; the child reaps it once it sees the control
	 * pipe close, and is killed only if it does not exit by itself. */
	if (f->member > 0)
		(void)kill(f->member, SIGKILL);
	if (f->ctl >= 0)
		close(f->ctl);
	if (f->pid > 0) {
		pid_t r = 0;
		for (int i = 0; i < 500 && r == 0; i++) {
			r = waitpid(f->pid, NULL, WNOHANG);
			if (r == 0)
				usleep(10000);
			else if (r < 0 && errno == EINTR)
				r = 0;
		}
		if (r == 0) {
			(void)kill(f->pid, SIGKILL);
			reap(f->pid);
		}
	}
	f->member = 0;
	f->pid = 0;
	f->ctl = -1;
}

int fixture_open_ns(pid_t pid, const char *type)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, type);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

int fixture_fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own fd */
}

int fixture_fd_cloexec(int fd)
{
	int flags = fcntl(fd, F_GETFD);
	return flags < 0 ? -errno : !!(flags & FD_CLOEXEC);
}

int fixture_in_initial_userns(void)
{
	FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned long inner, outer, count;
	int lines = 0, identity = 0;
	char line[128];

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		lines++;
		if (sscanf(line, "%lu %lu %lu", &inner, &outer, &count) == 3 &&
		    inner == 0 && outer == 0 && count == 4294967295UL)
			identity = 1;
	}
	fclose(f);
	return lines == 1 && identity;
}

int fixture_probe_userns(void)
{
	int status;

	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) < 0 ? errno : 0);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status))
		return -ECHILD;
	return -WEXITSTATUS(status);
}

int fixture_fd_ino(int fd, dev_t *ret_dev, ino_t *ret_ino)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	*ret_dev = st.st_dev;
	*ret_ino = st.st_ino;
	return 0;
}

int fixture_path_ino(const char *path, dev_t *ret_dev, ino_t *ret_ino)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	*ret_dev = st.st_dev;
	*ret_ino = st.st_ino;
	return 0;
}
