/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bind mounts: nsfs mounts in every mount namespace, including mount
 * namespaces that are themselves only bind-mounted (a worklist: each mount
 * namespace found is read in turn). On kernels with listmount(2) and
 * statmount(2) (6.8, with mnt_ns_id 6.11) a mount namespace is read by its
 * id: no setns, no fork. Older kernels read /proc/PID/mountinfo of a
 * process in it. Only where no process is in a mount namespace does a
 * short-lived child setns() there: to open a namespace seen on a mount
 * alone, or (older kernels) the namespace's mountinfo.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/openat2.h>

#include "procfs.h"
#include "scan.h"
#include "uapi.h"
#include "util.h"

#ifndef __NR_openat2
#define __NR_openat2 437
#endif

/* Receives one fd over a unix socket, or -1. */
static int recv_fd(int sock)
{
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	ssize_t n;
	while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0 &&
	       errno == EINTR)
		;
	if (n <= 0)
		return -1;
	struct cmsghdr *h = CMSG_FIRSTHDR(&msg);
	if (!h || h->cmsg_type != SCM_RIGHTS ||
	    h->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(h), sizeof(fd));
	return fd;
}

/* An O_PATH fd to path, absolute under dirfd as root (AT_FDCWD: our own
 * root). The tree belongs to whoever owns that mount namespace: a mount
 * point as the kernel names it has no symlink in it, so one there now was
 * put there since and is not followed. */
static int open_path_in(int dirfd, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS |
			   (dirfd == AT_FDCWD ? 0 : RESOLVE_IN_ROOT),
	};
	int fd = (int)syscall(__NR_openat2, dirfd, path, &how, sizeof(how));
	if (fd >= 0 || errno != ENOSYS)
		return fd;
	/* Before 5.6: symlinks may lead elsewhere, but only to a namespace
	 * with the mount's inode is anything learned (found_mount). */
	if (dirfd != AT_FDCWD && path[0] == '/')
		path++;
	return openat(dirfd, path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
}

/* In a child: setns into the mount namespace and open there either path
 * (O_PATH, for scan_reopen_ns) or, for NULL, the namespace's mountinfo
 * through our own /proc (its /proc is not ours to trust); send the fd
 * back. A fork, not a thread: setns(CLONE_NEWNS) refuses a process that
 * is multithreaded. */
static int open_in_mntns(const struct scan *s, int mntns_fd, const char *path)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		if (setns(mntns_fd, CLONE_NEWNS) < 0 || chdir("/") < 0)
			_exit(1);
		int fd = path ? open_path_in(AT_FDCWD, path)
			      : openat(s->proc_fd, "thread-self/mountinfo",
				       O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			_exit(1);
		char c = 0;
		struct iovec iov = { .iov_base = &c, .iov_len = 1 };
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(sizeof(int))];
		} u;
		memset(&u, 0, sizeof(u));
		struct msghdr msg = { .msg_iov = &iov,
				      .msg_iovlen = 1,
				      .msg_control = u.buf,
				      .msg_controllen = sizeof(u.buf) };
		struct cmsghdr *h = CMSG_FIRSTHDR(&msg);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(h), &fd, sizeof(fd));
		_exit(sendmsg(sv[1], &msg, 0) == 1 ? 0 : 1);
	}
	close(sv[1]);
	int fd = recv_fd(sv[0]);
	close(sv[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return fd;
}

/* An fd to the namespace mounted at path in mount namespace mnt, or -1
 * if what is there (now) is no namespace. */
static int open_mounted(struct scan *s, uint32_t mnt, const char *path)
{
	const struct nsrel_ns *mns = &s->m->ns[mnt];
	if (mns->ino == s->self_mntns)
		return scan_reopen_ns(s, open_path_in(AT_FDCWD, path));
	if (mns->any_pid) {
		/* Resolve inside that process's root, never out of it. */
		char root[32];
		snprintf(root, sizeof(root), "%d/root", mns->any_pid);
		_cleanup_close_ int rfd = openat(
			s->proc_fd, root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rfd < 0)
			return -1;
		return scan_reopen_ns(s, open_path_in(rfd, path));
	}
	int kept = scan_kept_fd(s, mnt);
	return kept < 0 ? -1 : scan_reopen_ns(s, open_in_mntns(s, kept, path));
}

/* One nsfs mount: root names the namespace ("net:[ino]"), point is where
 * it is mounted in mount namespace mnt. */
static int found_mount(struct scan *s, uint32_t mnt, const char *root,
		       const char *point)
{
	int type;
	ino_t ino;
	if (procfs_parse_nslink(root, strlen(root), &type, &ino) < 0)
		return 0;
	if (!(s->types & (unsigned)type) && type != CLONE_NEWNS)
		return 0;
	uint32_t idx = model_ns_get(s->m, type, ino, NULL);
	uint32_t path = model_str_add(s->m, point, strlen(point));
	if (idx == NONE || path == NONE ||
	    model_ref_add(s->m, idx, NSREL_REF_BINDMOUNT, NONE, 0, -1, path,
			  mnt) < 0)
		return -ENOMEM;
	if (s->m->ns[idx].learned)
		return 0;
	_cleanup_close_ int fd = open_mounted(s, mnt, point);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_ino != ino)
		return 0;
	int r = scan_learn(s, fd, idx);
	if (r >= 0 && type == CLONE_NEWNS)
		r = scan_keep_fd(s, idx, fd);
	return r;
}

struct smbuf {
	struct nsrel_statmount *sm;
	size_t size;
};

static int do_statmount(struct smbuf *b, uint64_t mnt_id, uint64_t nsid,
			uint64_t mask)
{
	struct nsrel_mnt_id_req req = {
		.size = NSREL_MNT_ID_REQ_SIZE_VER1,
		.mnt_id = mnt_id,
		.param = mask,
		.mnt_ns_id = nsid,
	};
	for (;;) {
		if (syscall(__NR_statmount, &req, b->sm, b->size, 0) == 0)
			return 0;
		if (errno != EOVERFLOW || b->size >= (1u << 20))
			return -errno;
		void *p = realloc(b->sm, b->size * 2);
		if (!p)
			return -ENOMEM;
		b->sm = p;
		b->size *= 2;
	}
}

/* 0, or -ENOSYS/-EINVAL when the kernel cannot list by namespace id. */
static int read_listmount(struct scan *s, uint32_t mnt, struct smbuf *b)
{
	uint64_t nsid = s->m->ns[mnt].nsid;
	if (!nsid)
		return -ENOSYS;
	struct nsrel_mnt_id_req req = {
		.size = NSREL_MNT_ID_REQ_SIZE_VER1,
		.mnt_id = NSREL_LSMT_ROOT,
		.mnt_ns_id = nsid,
	};
	uint64_t ids[512];
	for (;;) {
		long n = syscall(__NR_listmount, &req, ids, ELEMENTSOF(ids), 0);
		if (n < 0) {
			if (errno == ENOSYS || errno == EINVAL ||
			    errno == ENOMEM)
				return -errno;
			return 0; /* EPERM, ENOENT: not ours to see, gone */
		}
		for (long i = 0; i < n; i++) {
			/* The magic first: the strings only for nsfs. */
			int r = do_statmount(b, ids[i], nsid,
					     NSREL_STATMOUNT_SB_BASIC);
			if (r == -ENOMEM)
				return r;
			if (r < 0 || b->sm->sb_magic != NSFS_MAGIC)
				continue;
			r = do_statmount(b, ids[i], nsid,
					     NSREL_STATMOUNT_MNT_ROOT |
						     NSREL_STATMOUNT_MNT_POINT);
			if (r == -ENOMEM)
				return r;
			if (r < 0 ||
			    !(b->sm->mask & NSREL_STATMOUNT_MNT_ROOT) ||
			    !(b->sm->mask & NSREL_STATMOUNT_MNT_POINT))
				continue;
			r = found_mount(s, mnt, b->sm->str + b->sm->mnt_root,
					b->sm->str + b->sm->mnt_point);
			if (r < 0)
				return r;
		}
		if ((size_t)n < ELEMENTSOF(ids))
			return 0;
		req.param = ids[n - 1];
	}
}

/* The older way: the mountinfo of a process in that mount namespace, or,
 * where none is, the mountinfo a short-lived child opens there (the open
 * file keeps showing that namespace after the child is gone). */
static int read_mountinfo(struct scan *s, uint32_t mnt)
{
	const struct nsrel_ns *mns = &s->m->ns[mnt];
	char path[48];
	int fd;
	if (mns->ino == s->self_mntns || mns->any_pid) {
		if (mns->ino == s->self_mntns)
			snprintf(path, sizeof(path), "thread-self/mountinfo");
		else
			snprintf(path, sizeof(path), "%d/mountinfo",
				 mns->any_pid);
		fd = openat(s->proc_fd, path, O_RDONLY | O_CLOEXEC);
	} else {
		int kept = scan_kept_fd(s, mnt);
		fd = kept < 0 ? -1 : open_in_mntns(s, kept, NULL);
	}
	if (fd < 0)
		return 0;
	FILE *f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int r = 0;
	/* A read error ends the table early; only ENOMEM ends the scan. */
	while (r >= 0 && (errno = 0, n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		struct procfs_mount mi;
		if (procfs_parse_mountinfo_line(line, &mi) == 0 &&
		    strcmp(mi.fstype, "nsfs") == 0)
			r = found_mount(s, mnt, mi.root, mi.point);
	}
	if (r >= 0 && n < 0 && errno == ENOMEM)
		r = -ENOMEM;
	free(line);
	fclose(f);
	return r;
}

/* Every mount namespace the kernel lets us iterate (6.12+), also those
 * held only by what we may not read. */
static int walk_mntns(struct scan *s, unsigned long req)
{
	int fd = openat(s->proc_fd, "thread-self/ns/mnt", O_RDONLY | O_CLOEXEC);
	int r = 0;
	while (fd >= 0 && r >= 0) {
		struct nsrel_mnt_ns_info info = { .size = sizeof(info) };
		int next = ioctl(fd, req, &info);
		close(fd);
		fd = next;
		if (fd < 0)
			break;
		uint32_t idx;
		r = scan_ns_from_fd(s, fd, CLONE_NEWNS, &idx);
		if (r > 0 && !s->m->ns[idx].any_pid)
			r = scan_keep_fd(s, idx, fd);
	}
	if (fd >= 0)
		close(fd);
	return r < 0 ? r : 0;
}

int scan_mounts(struct scan *s)
{
	int r = walk_mntns(s, NSREL_NS_MNT_GET_NEXT);
	if (r >= 0)
		r = walk_mntns(s, NSREL_NS_MNT_GET_PREV);
	if (r < 0)
		return r;

	/* A test hook, to exercise the older way on a new kernel. */
	bool lm = !getenv("NSREL_NO_LISTMOUNT");
	struct smbuf b = { .size = 4096 };
	b.sm = malloc(b.size);
	if (!b.sm)
		return -ENOMEM;
	/* The array grows while we go: mount namespaces found on mounts
	 * are read in turn. */
	for (size_t i = 0; r >= 0 && i < s->m->ns_n; i++) {
		struct nsrel_ns *ns = &s->m->ns[i];
		if (ns->type != CLONE_NEWNS || ns->mounts_read)
			continue;
		ns->mounts_read = true;
		r = lm ? read_listmount(s, (uint32_t)i, &b) : -ENOSYS;
		if (r == -ENOSYS || r == -EINVAL) {
			lm = false;
			r = read_mountinfo(s, (uint32_t)i);
		}
	}
	free(b.sm);
	return r;
}
