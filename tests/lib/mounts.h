/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The mount table of this process's mount namespace, as the tests count
 * it. On a machine where others work, mounts come and go in the host's
 * namespace all the time: a test counts only what it made, the mounts
 * under a directory of its own (fixture_mounts_under) or the mounts added
 * to a mount namespace of its own (fixture_in_own_mntns, then
 * fixture_mounts_added).
 */
#ifndef NSREL_TEST_MOUNTS_H
#define NSREL_TEST_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>

/* Calls fn for each line of /proc/self/mountinfo with its mount id, its
 * mount point (unescaped: mountinfo writes space, tab, newline and
 * backslash as \ooo) and its filesystem type; stops at the first non-zero
 * return of fn and returns it. 0 when all were seen, -errno if mountinfo
 * cannot be read. */
typedef int (*fixture_mount_fn)(int id, const char *point, const char *fstype,
				void *ctx);
int fixture_mounts_foreach(fixture_mount_fn fn, void *ctx);

/* How many mounts are at dir or under it (dir without a trailing slash);
 * with report, each is printed as a TAP comment "# left mounted: PATH".
 * -errno if mountinfo cannot be read. */
int fixture_mounts_under(const char *dir, bool report);

/* The mounts of our namespace, by mount id and mount point. */
struct fixture_mount {
	int id;
	char *point;
};
struct fixture_mounts {
	struct fixture_mount *m;
	size_t n;
};

/* 0, or -errno (then *ret is empty). */
int fixture_mounts_read(struct fixture_mounts *ret);
void fixture_mounts_free(struct fixture_mounts *m);

/* How many mounts we have now that were not in before (by id and mount
 * point), and with ret_added not NULL which (the caller frees them). Mounts
 * of before may be gone: deleting a mount point detaches its mounts in
 * every namespace, a private one too, so others' mounts vanish even there;
 * but in a mount namespace of our own (fixture_in_own_mntns) no mount
 * appears that we did not make. -errno if mountinfo cannot be read. */
int fixture_mounts_added(const struct fixture_mounts *before,
			 struct fixture_mounts *ret_added);

/* Runs fn(arg) in a forked child in a mount namespace of its own in which
 * every mount is private: no mount of another process reaches it and none
 * of its own leaves it. Returns fn's return value, passed back through a
 * pipe (a child's exit status may be a sanitizer's or valgrind's); -errno
 * when the namespace could not be made, -EPIPE when the child died before
 * it returned. Not for a cmocka assertion inside fn: it would end the
 * child, not the test. */
int fixture_in_own_mntns(int (*fn)(void *), void *arg);

#endif /* NSREL_TEST_MOUNTS_H */
