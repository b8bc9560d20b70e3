/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The namespace registry every source adds to (nsrel__scan_ns_from_fd(),
 * nsrel__scan_ns_from_link()), and the hierarchy and ownership it learns:
 * for each namespace found, ask the kernel for its
 * owning user namespace and its parent, and follow them up. A parent or
 * owner that no other source finds is a hidden namespace; it enters the
 * model here, with its own relations.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "scan.h"
#include "procfs.h"
#include "uapi.h"
#include "util.h"

int nsrel__scan_ns_from_fd(struct scan *s, int nsfd, int type,
			   uint32_t *ret_idx)
{
	struct stat st;
	if (fstat(nsfd, &st) < 0)
		return scan_err(errno);
	if (!type) {
		type = ioctl(nsfd, NS_GET_NSTYPE);
		/* ENOTTY: no namespace (or before 4.11) */
		if (type < 0)
			return errno == ENOTTY || errno == EINVAL
				       ? 0
				       : scan_err(errno);
	}
	uint32_t idx = nsrel__model_ns_get(s->m, type, st.st_ino, NULL);
	if (idx == NONE)
		return -ENOMEM;
	int r = nsrel__scan_learn(s, nsfd, idx);
	if (r < 0)
		return r;
	*ret_idx = idx;
	return 1;
}

/* The namespace nsfd's ioctl req leads to (owner or parent), or NONE. */
static int follow(struct scan *s, int nsfd, unsigned long req, int type,
		  uint32_t *ret_idx)
{
	*ret_idx = NONE;
	/* EPERM: the top of what we may see; the relation stays unknown.
	 * EINVAL: no hierarchy of this type; ENOTTY: before 4.9. */
	_cleanup_close_ int fd = ioctl(nsfd, req);
	if (fd < 0)
		return errno == ENOTTY || errno == EINVAL ? 0 : scan_err(errno);
	return nsrel__scan_ns_from_fd(s, fd, type, ret_idx);
}

int nsrel__scan_learn(struct scan *s, int fd, uint32_t idx)
{
	struct nsrel_model *m = s->m;
	if (m->ns[idx].learned)
		return 0;
	m->ns[idx].learned = true;

	/* ENOTTY, EINVAL: a kernel without the ioctl (NS_GET_ID 6.18). */
	__u64 id = 0;
	if (ioctl(fd, NSREL_NS_GET_ID, &id) == 0)
		m->ns[idx].nsid = id;
	else if (errno != ENOTTY && errno != EINVAL && scan_err(errno) < 0)
		return -errno;
	int type = m->ns[idx].type;
	if (type == CLONE_NEWNET) {
		int r = nsrel__scan_netnsid(s, fd, idx);
		if (r < 0)
			return r;
	}
	if (type == CLONE_NEWUSER) {
		/* Set, so that valgrind, which does not know this
		 * ioctl, sees it written. */
		uid_t uid = (uid_t)-1;
		if (ioctl(fd, NS_GET_OWNER_UID, &uid) == 0) {
			m->ns[idx].owner_uid = uid;
			m->ns[idx].has_owner_uid = true;
		} else if (errno != ENOTTY && errno != EINVAL &&
			   scan_err(errno) < 0) {
			return -errno;
		}
	}

	/* The owner of a user namespace is its parent: one ioctl for both.
	 * The walk recurses at most as deep as the kernel nests (32). */
	uint32_t owner;
	int r = follow(s, fd, NS_GET_USERNS, CLONE_NEWUSER, &owner);
	if (r < 0)
		return r;
	m->ns[idx].owner = owner;
	if (type == CLONE_NEWUSER) {
		m->ns[idx].parent = owner;
	} else if (type == CLONE_NEWPID) {
		uint32_t parent;
		r = follow(s, fd, NS_GET_PARENT, CLONE_NEWPID, &parent);
		if (r < 0)
			return r;
		m->ns[idx].parent = parent;
	}
	return 0;
}

int nsrel__scan_ns_from_link(struct scan *s, const char *link, size_t len,
			     int dirfd, const char *path, bool in_proc,
			     uint32_t *ret_idx)
{
	int type;
	ino_t ino;
	*ret_idx = NONE;
	if (nsrel__procfs_parse_nslink(link, len, &type, &ino) < 0)
		return 0;
	uint32_t idx = nsrel__model_ns_get(s->m, type, ino, NULL);
	if (idx == NONE)
		return -ENOMEM;
	*ret_idx = idx;
	if (s->m->ns[idx].learned)
		return 1;
	/* An ns link is always a namespace; an fd link is whatever the
	 * process has put there since we read it. */
	_cleanup_close_ int fd =
		in_proc ? fd_or_errno(openat(dirfd, path, O_RDONLY | O_CLOEXEC))
			: nsrel__scan_reopen_ns(
				  s, fd_or_errno(openat(dirfd, path,
							O_PATH | O_CLOEXEC)));
	if (fd < 0)
		return scan_path_err(-fd) < 0 ? fd : 1;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return scan_err(errno) < 0 ? -errno : 1;
	/* The holder may have moved on between readlink and open: learn
	 * only from the namespace the link named. */
	if (st.st_ino != ino)
		return 1;
	int r = nsrel__scan_learn(s, fd, idx);
	if (r < 0)
		return r;
	if (type == CLONE_NEWNS && !in_proc && (s->sources & NSREL_SRC_MOUNTS))
		r = nsrel__scan_keep_fd(s, idx, fd);
	return r < 0 ? r : 1;
}

int nsrel__scan_reopen_ns(const struct scan *s, int pathfd)
{
	if (pathfd < 0)
		return pathfd;
	_cleanup_close_ int pfd = pathfd;
	struct statfs sfs;
	if (fstatfs(pfd, &sfs) < 0)
		return -errno;
	if (sfs.f_type != NSFS_MAGIC)
		return -ENOTTY;
	char path[32];
	snprintf(path, sizeof(path), "thread-self/fd/%d", pfd);
	return fd_or_errno(openat(s->proc_fd, path, O_RDONLY | O_CLOEXEC));
}

int nsrel__scan_keep_fd(struct scan *s, uint32_t idx, int fd)
{
	if (s->m->ns[idx].mounts_read)
		return 0;
	for (size_t i = 0; i < s->kept_n; i++)
		if (s->kept[i].ns == idx)
			return 0;
	/* Stay far below RLIMIT_NOFILE: with kept_max kept, this one's
	 * mounts are read now, while we hold it. */
	if (s->kept_n >= s->kept_max)
		return nsrel__scan_read_mounts(s, idx, fd);
	if (s->kept_n == s->kept_cap) {
		size_t n = s->kept_cap ? s->kept_cap * 2 : 16;
		struct kept_fd *k = reallocarray(s->kept, n, sizeof(*k));
		if (!k)
			return -ENOMEM;
		s->kept = k;
		s->kept_cap = n;
	}
	int dup = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dup < 0)
		return -errno;
	s->kept[s->kept_n++] = (struct kept_fd){.ns = idx, .fd = dup};
	return 0;
}

int nsrel__scan_take_kept_fd(struct scan *s, uint32_t idx)
{
	for (size_t i = 0; i < s->kept_n; i++) {
		if (s->kept[i].ns != idx)
			continue;
		int fd = s->kept[i].fd;
		s->kept[i] = s->kept[--s->kept_n];
		return fd;
	}
	return -1;
}
