/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test fixtures that build real namespaces. The test process never
 * unshares anything itself: a forked child does, reports what it made over
 * a pipe and then sleeps until fixture_stop() kills and reaps it.
 *
 * Independent of cmocka and of libnsrel, so that any test directory can
 * use it (meson: dependencies : [fixture_dep]).
 */
#ifndef NSREL_TEST_FIXTURE_H
#define NSREL_TEST_FIXTURE_H

#include <stdbool.h>
#include <sys/types.h>

/* The kernel nests user namespaces 32 deep. */
#define FIXTURE_MAX_DEPTH 32

struct fixture_opts {
	/* Nest this many user namespaces first, one unshare(CLONE_NEWUSER)
	 * each; every level maps uid and gid 0 to the creator's, so that
	 * the next level may be created. */
	unsigned user_depth;
	/* Then one unshare() with these CLONE_NEW* flags (0: none). With
	 * CLONE_NEWUSER among them, the new user ns is mapped as above. */
	int unshare_flags;
	/* Fork a second process after the unshare, so that a process is a
	 * member of a new pid or time namespace (their unshare only affects
	 * children). Implied by CLONE_NEWPID in unshare_flags. */
	bool fork_member;
};

struct fixture {
	pid_t pid;	    /* the child, as seen from the test process */
	pid_t member;	    /* its forked child (fork_member), else 0 */
	pid_t member_inner; /* the member's pid in its own pid ns, else 0 */
	uid_t creator_uid;  /* the child's euid before its first unshare */
	/* Number of user namespaces the child created, and the inode of
	 * /proc/self/ns/user it saw after each, outermost first. */
	unsigned user_levels;
	ino_t user_ino[FIXTURE_MAX_DEPTH + 1];
	/* On failure: which step of the child failed ("unshare", ...). */
	const char *failed_step;
	int ctl; /* our end of the control pipe, -1 when stopped */
};

/*
 * Start a child as described by opts. Returns 0, or -errno of the step
 * that failed (in the child or here); f->failed_step names that step.
 * On failure nothing is left behind (the child is reaped).
 */
int fixture_start(const struct fixture_opts *opts, struct fixture *f);

/* Kill the member, close the control pipe (the child reaps the member and
 * exits; it is killed if it has not within 5 s), reap the child.
 * Idempotent, and a no-op after a failed fixture_start(). */
void fixture_stop(struct fixture *f);

/* Open /proc/PID/ns/TYPE read-only, O_CLOEXEC. fd or -errno. */
int fixture_open_ns(pid_t pid, const char *type);

/* Number of open fds of this process (entries of /proc/self/fd, not
 * counting the one used to read it), or -errno. */
int fixture_fd_count(void);

/* Whether the fd has FD_CLOEXEC set: 1, 0, or -errno. */
int fixture_fd_cloexec(int fd);

/* 1 if this process is in the initial user namespace (its uid_map is the
 * identity over the whole range), 0 if not, -errno if unknown. */
int fixture_in_initial_userns(void);

/* Can a user namespace be created here (in a throwaway child)? 0 or the
 * -errno of unshare(CLONE_NEWUSER). */
int fixture_probe_userns(void);

/* (st_dev, st_ino) of an fd or a path; 0 or -errno. */
int fixture_fd_ino(int fd, dev_t *ret_dev, ino_t *ret_ino);
int fixture_path_ino(const char *path, dev_t *ret_dev, ino_t *ret_ino);

#endif /* NSREL_TEST_FIXTURE_H */
