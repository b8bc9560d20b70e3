/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The namespace ioctls of ioctl_ns(2), with the kernel's errors. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "nsrel.h"
#include "uapi.h"
#include "util.h"

static const struct {
	int type;
	const char *name;
} nstypes[NSREL_NSTYPE_COUNT] = {
	{CLONE_NEWNS, "mnt"},	 {CLONE_NEWCGROUP, "cgroup"},
	{CLONE_NEWUTS, "uts"},	 {CLONE_NEWIPC, "ipc"},
	{CLONE_NEWUSER, "user"}, {CLONE_NEWPID, "pid"},
	{CLONE_NEWNET, "net"},	 {CLONE_NEWTIME, "time"},
};

_public_ int nsrel_nstype_at(unsigned i)
{
	return i < NSREL_NSTYPE_COUNT ? nstypes[i].type : -EINVAL;
}

_public_ int nsrel_nstype_index(int nstype)
{
	for (unsigned i = 0; i < NSREL_NSTYPE_COUNT; i++)
		if (nstypes[i].type == nstype)
			return (int)i;
	return -EINVAL;
}

_public_ const char *nsrel_nstype_str(int nstype)
{
	int i = nsrel_nstype_index(nstype);
	return i < 0 ? NULL : nstypes[i].name;
}

_public_ int nsrel_nstype_from_str(const char *name)
{
	if (!name)
		return -EINVAL;
	for (unsigned i = 0; i < NSREL_NSTYPE_COUNT; i++)
		if (strcmp(nstypes[i].name, name) == 0)
			return nstypes[i].type;
	return -EINVAL;
}

/* A readable fd for the nsfs inode behind pathfd (O_PATH), reopened
 * through /proc so that nothing else is ever opened for reading. */
static int reopen_proc(int pathfd)
{
	static const char *const dirs[] = {"/proc/thread-self/fd",
					   "/proc/self/fd"};
	int r = -ENOENT;
	for (size_t i = 0; i < ELEMENTSOF(dirs) && r == -ENOENT; i++) {
		char path[64];
		snprintf(path, sizeof(path), "%s/%d", dirs[i], pathfd);
		int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		r = fd < 0 ? -errno : fd;
	}
	return r;
}

_public_ int nsrel_open(const char *path)
{
	if (!path)
		return -EINVAL;
	_cleanup_close_ int pathfd = open(path, O_PATH | O_CLOEXEC);
	if (pathfd < 0)
		return -errno;
	struct statfs sfs;
	if (fstatfs(pathfd, &sfs) < 0)
		return -errno;
	if (sfs.f_type != NSFS_MAGIC)
		return -ENOTTY;
	int fd = reopen_proc(pathfd);
	if (fd != -ENOENT)
		return fd;
	/* No /proc: open the path again, where a FIFO swapped in meanwhile
	 * cannot block us (O_NONBLOCK), and check that it is the same. */
	_cleanup_close_ int again =
		open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (again < 0)
		return -errno;
	struct stat a, b;
	if (fstat(pathfd, &a) < 0 || fstat(again, &b) < 0)
		return -errno;
	if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return -ENOTTY;
	int fl = fcntl(again, F_GETFL);
	if (fl < 0 || fcntl(again, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return -errno;
	return take_fd(&again);
}

/* An ioctl that returns a new fd: make sure it is O_CLOEXEC (the kernel
 * sets it since 4.9, but say so rather than rely on it). */
static int ioctl_fd(int nsfd, unsigned long req)
{
	if (nsfd < 0)
		return -EBADF;
	_cleanup_close_ int fd = ioctl(nsfd, req);
	if (fd < 0)
		return -errno;
	int flags = fcntl(fd, F_GETFD);
	if (flags < 0 || (!(flags & FD_CLOEXEC) &&
			  fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0))
		return -errno;
	return take_fd(&fd);
}

_public_ int nsrel_get_nstype(int nsfd)
{
	if (nsfd < 0)
		return -EBADF;
	int r = ioctl(nsfd, NS_GET_NSTYPE);
	return r < 0 ? -errno : r;
}

_public_ int nsrel_get_userns(int nsfd)
{
	return ioctl_fd(nsfd, NS_GET_USERNS);
}

_public_ int nsrel_get_parentns(int nsfd)
{
	return ioctl_fd(nsfd, NS_GET_PARENT);
}

_public_ int nsrel_get_owner_uid(int nsfd, uid_t *ret_uid)
{
	if (!ret_uid)
		return -EINVAL;
	if (nsfd < 0)
		return -EBADF;
	uid_t uid = (uid_t)-1; /* valgrind does not know this ioctl */
	if (ioctl(nsfd, NS_GET_OWNER_UID, &uid) < 0)
		return -errno;
	*ret_uid = uid;
	return 0;
}

_public_ int nsrel_get_id(int nsfd, struct nsrel_id *ret_id)
{
	if (!ret_id)
		return -EINVAL;
	if (nsfd < 0)
		return -EBADF;
	/* NS_GET_NSTYPE first: it is what tells a namespace from any other
	 * file, with the kernel's ENOTTY. */
	if (ioctl(nsfd, NS_GET_NSTYPE) < 0)
		return -errno;
	struct stat st;
	if (fstat(nsfd, &st) < 0)
		return -errno;
	__u64 nsid = 0;
	if (ioctl(nsfd, NSREL_NS_GET_ID, &nsid) < 0) {
		if (errno != ENOTTY && errno != EINVAL)
			return -errno;
		nsid = 0; /* before 6.18: no ids */
	}
	*ret_id = (struct nsrel_id){
		.dev = st.st_dev, .ino = st.st_ino, .nsid = nsid};
	return 0;
}

_public_ int nsrel_get_nstype_path(const char *path)
{
	_cleanup_close_ int fd = nsrel_open(path);
	return fd < 0 ? fd : nsrel_get_nstype(fd);
}

_public_ int nsrel_get_userns_path(const char *path)
{
	_cleanup_close_ int fd = nsrel_open(path);
	return fd < 0 ? fd : nsrel_get_userns(fd);
}

_public_ int nsrel_get_parentns_path(const char *path)
{
	_cleanup_close_ int fd = nsrel_open(path);
	return fd < 0 ? fd : nsrel_get_parentns(fd);
}

_public_ int nsrel_get_owner_uid_path(const char *path, uid_t *ret_uid)
{
	if (!ret_uid)
		return -EINVAL;
	_cleanup_close_ int fd = nsrel_open(path);
	return fd < 0 ? fd : nsrel_get_owner_uid(fd, ret_uid);
}

_public_ int nsrel_get_id_path(const char *path, struct nsrel_id *ret_id)
{
	if (!ret_id)
		return -EINVAL;
	_cleanup_close_ int fd = nsrel_open(path);
	return fd < 0 ? fd : nsrel_get_id(fd, ret_id);
}
