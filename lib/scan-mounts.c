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
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/openat2.h>

#include "procfs.h"
#include "scan.h"
#include "uapi.h"
#include "util.h"

#ifndef __NR_openat2
#define __NR_openat2 437
#endif

/* The helper's answer: an errno (0: success), with the fd on success. */
static int send_answer(int sock, int err, int fd)
{
	struct iovec iov = {.iov_base = &err, .iov_len = sizeof(err)};
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
	return sendmsg(sock, &msg, 0) == (ssize_t)sizeof(err) ? 0 : -errno;
}

long long nsrel__now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

bool nsrel__scan_readable_by(int fd, long long deadline)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int k;
	do {
		long long left = deadline - nsrel__now_ms();
		if (left <= 0)
			return false;
		k = poll(&p, 1, (int)left);
	} while (k == 0 || (k < 0 && errno == EINTR));
	return true;
}

/* Receives the helper's answer: the fd, the negative errno it sent,
 * -ENODATA if none came (it ended without), or the negative errno of
 * receiving it. */
static int recv_answer(int sock)
{
	int err = 0;
	struct iovec iov = {.iov_base = &err, .iov_len = sizeof(err)};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	ssize_t n;
	while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT)) < 0 &&
	       errno == EINTR)
		;
	if (n < 0)
		return -errno;
	if (n != (ssize_t)sizeof(err))
		return -ENODATA;
	/* The kernel drops an fd it cannot install in our table. */
	if (msg.msg_flags & MSG_CTRUNC)
		return -EMFILE;
	struct cmsghdr *h = CMSG_FIRSTHDR(&msg);
	if (err > 0 || !h || h->cmsg_type != SCM_RIGHTS ||
	    h->cmsg_len != CMSG_LEN(sizeof(int)))
		return err > 0 ? -err : -ENODATA;
	int fd;
	memcpy(&fd, CMSG_DATA(h), sizeof(fd));
	return fd;
}

/* An O_PATH fd to path, absolute under dirfd as root (AT_FDCWD: our own
 * root), or a negative errno. The tree belongs to whoever owns that mount
 * namespace: a mount point as the kernel names it has no symlink in it,
 * so one there now was put there since and is not followed. */
static int open_path_in(int dirfd, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS |
			   (dirfd == AT_FDCWD ? 0 : RESOLVE_IN_ROOT),
	};
	int fd;
	/* EAGAIN: a rename raced with RESOLVE_IN_ROOT; try again. */
	for (int i = 0; i < 4; i++) {
		fd = (int)syscall(__NR_openat2, dirfd, path, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	if (fd >= 0 || errno != ENOSYS)
		return fd_or_errno(fd);
	/* Before 5.6: symlinks may lead elsewhere, but only to a namespace
	 * with the mount's inode is anything learned (found_mount). */
	if (dirfd != AT_FDCWD && path[0] == '/')
		path++;
	return fd_or_errno(
		openat(dirfd, path, O_PATH | O_NOFOLLOW | O_CLOEXEC));
}

void nsrel__scan_reap_killed(pid_t pid)
{
	kill(pid, SIGKILL);
	long long deadline = nsrel__now_ms() + NSREL__HELPER_REAP_MS;
	pid_t w;
	while ((w = waitpid(pid, NULL, WNOHANG)) == 0 ||
	       (w < 0 && errno == EINTR)) {
		if (nsrel__now_ms() >= deadline)
			return;
		nanosleep(&(struct timespec){.tv_nsec = 5 * 1000 * 1000}, NULL);
	}
}

/* Whether fd (an nsfs fd, or an errno) is the namespace with inode ino;
 * closes it if not. */
static int is_ino(int fd, ino_t ino)
{
	struct stat st;
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	if (st.st_ino == ino)
		return fd;
	close(fd);
	return -ENOENT;
}

/* In a helper: the namespace with inode ino at path under dirfd
 * (open_path_in()), checked to be nsfs before it is reopened for the
 * ioctls (nsrel__scan_reopen_ns()), and to be that inode after. */
static int open_ns_at(const struct scan *s, int dirfd, const char *path,
		      ino_t ino)
{
	return is_ino(nsrel__scan_reopen_ns(s, open_path_in(dirfd, path)), ino);
}

/* What a helper opens: the namespace with inode ino at path (nothing else:
 * the caller looks at no file of that tree itself), resolved
 * under rootfd (a process's root in the mount namespace; -1: none) and,
 * where that does not lead to it, in the mount namespace mntns_fd (-1:
 * none) entered; or, for a NULL path, that namespace's mountinfo through
 * our own /proc (its /proc is not ours to trust). The fd (for a path,
 * one for the ioctls, checked to be that namespace: open_ns_at()), or the
 * negative errno. */
static int helper_open(const struct scan *s, int rootfd, int mntns_fd,
		       const char *path, ino_t ino)
{
	if (rootfd >= 0) {
		int fd = open_ns_at(s, rootfd, path, ino);
		if (fd >= 0 || scan_path_err(-fd) < 0 || mntns_fd < 0)
			return fd;
	}
	/* EINVAL from setns: we may not enter this one (an anonymous mount
	 * namespace; our fs shared, as under valgrind): like EPERM, not
	 * ours. */
	if (setns(mntns_fd, CLONE_NEWNS) < 0)
		return errno == EINVAL ? -EPERM : -errno;
	if (chdir("/") < 0)
		return -errno;
	if (path)
		return open_ns_at(s, AT_FDCWD, path, ino);
	return fd_or_errno(openat(s->proc_fd, "thread-self/mountinfo",
				  O_RDONLY | O_CLOEXEC));
}

void nsrel__scan_close_others(int keep[], size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	unsigned lo = 0;
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 0)
			continue;
		if ((unsigned)keep[i] > lo)
			close_range(lo, (unsigned)keep[i] - 1, 0);
		lo = (unsigned)keep[i] + 1;
	}
	close_range(lo, ~0u, 0);
}

/* Runs helper_open() in a child and passes the fd back: every path in a
 * tree another user owns is resolved there, never in the caller, so that
 * a file system that does not answer (a FUSE mount whose daemon hangs, a
 * hard NFS mount) cannot hold the scan. A fork, not a thread: setns
 * (CLONE_NEWNS) refuses a process that is multithreaded, and only a
 * process can be killed out of such a wait. The fd helper_open() gave,
 * which for a path the helper has checked to be an nsfs fd with inode
 * ino, opened for the ioctls (the caller need not look at it again), or
 * the negative errno. Where the child did not answer within
 * NSREL__MNTNS_HELPER_MS, it is killed, mount namespace mnt is marked
 * helper_stuck and counted in the view's mntns_stuck, and no child is sent
 * there again in this scan: -ETIMEDOUT. */
static int open_in_mntns(struct scan *s, uint32_t mnt, int rootfd, int mntns_fd,
			 const char *path, ino_t ino)
{
	struct nsrel_ns *mns = &s->m->ns[mnt];
	if (mns->helper_stuck)
		return -ETIMEDOUT;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int r = -errno;
		close(sv[0]);
		close(sv[1]);
		return r;
	}
	if (pid == 0) {
		int keep[] = {sv[1], rootfd, mntns_fd, s->proc_fd};
		nsrel__scan_close_others(keep, ELEMENTSOF(keep));
		int fd = helper_open(s, rootfd, mntns_fd, path, ino);
		int r = send_answer(sv[1], fd < 0 ? -fd : 0, fd);
		_exit(r < 0 ? -r & 0xff : 0);
	}
	close(sv[1]);
	/* A failing poll() is left for recvmsg() to report. */
	bool ok = nsrel__scan_readable_by(
		sv[0], nsrel__now_ms() + NSREL__MNTNS_HELPER_MS);
	int fd = ok ? recv_answer(sv[0]) : -ETIMEDOUT;
	close(sv[0]);
	if (!ok) {
		mns->helper_stuck = true;
		s->m->view.mntns_stuck++;
		nsrel__scan_reap_killed(pid);
		return fd;
	}
	int status = 0;
	pid_t w;
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (fd != -ENODATA)
		return fd;
	/* Nothing sent: its exit status is the errno of sending. Without
	 * it (SIGCHLD ignored, the child reaped already), as if gone. */
	if (w == pid && WIFEXITED(status) && WEXITSTATUS(status))
		return -WEXITSTATUS(status);
	if (w == pid && WIFSIGNALED(status))
		return -EIO;
	return -ENOENT;
}

/* An nsfs fd opened through a path in someone else's tree, or -ENOENT for
 * any error that only says that path did not lead there (scan_path_err()),
 * or the error that ends the scan. */
static int opened_there(int fd)
{
	return fd >= 0 || scan_path_err(-fd) < 0 ? fd : -ENOENT;
}

/* An fd to the namespace with inode ino mounted at path in mount namespace
 * mnt (mntfd an fd to it, or -1), -ENOENT if it cannot be reached that way
 * or is another namespace, or the negative errno that ends the scan. In
 * our own mount namespace, from our root; elsewhere, by a helper
 * (open_in_mntns(), whose fd is checked already): through a process in
 * mnt, where one is, resolving inside its root, and where that fails (the
 * process is gone, or chrooted where path is not or where the filesystem
 * no longer answers), entering mnt itself, through mntfd or that
 * process's ns/mnt. */
static int open_mounted(struct scan *s, uint32_t mnt, int mntfd,
			const char *path, ino_t ino)
{
	const struct nsrel_ns *mns = &s->m->ns[mnt];
	if (mns->ino == s->self_mntns)
		return is_ino(opened_there(nsrel__scan_reopen_ns(
				      s, open_path_in(AT_FDCWD, path))),
			      ino);
	_cleanup_close_ int rootfd = -1, pidmnt = -1;
	if (mns->any_pid) {
		char at[32];
		snprintf(at, sizeof(at), "%d/root", mns->any_pid);
		rootfd = opened_there(fd_or_errno(openat(
			s->proc_fd, at, O_PATH | O_DIRECTORY | O_CLOEXEC)));
		if (rootfd < 0 && rootfd != -ENOENT)
			return rootfd;
		if (mntfd < 0) {
			snprintf(at, sizeof(at), "%d/ns/mnt", mns->any_pid);
			pidmnt = is_ino(
				fd_or_errno(openat(s->proc_fd, at,
						   O_RDONLY | O_CLOEXEC)),
				mns->ino);
			if (pidmnt < 0 && scan_err(-pidmnt) < 0)
				return pidmnt;
			mntfd = pidmnt;
		}
	}
	if (rootfd < 0 && mntfd < 0)
		return -ENOENT;
	return opened_there(open_in_mntns(s, mnt, rootfd, mntfd, path, ino));
}

/* One nsfs mount: root names the namespace ("net:[ino]"), point is where
 * it is mounted in mount namespace mnt (mntfd: see open_mounted()). */
static int found_mount(struct scan *s, uint32_t mnt, int mntfd,
		       const char *root, const char *point)
{
	int type;
	ino_t ino;
	if (nsrel__procfs_parse_nslink(root, strlen(root), &type, &ino) < 0)
		return 0;
	if (!(s->types & (unsigned)type) && type != CLONE_NEWNS)
		return 0;
	uint32_t idx = nsrel__model_ns_get(s->m, type, ino, NULL);
	uint32_t path = nsrel__model_str_add(s->m, point, strlen(point));
	if (idx == NONE || path == NONE ||
	    nsrel__model_ref_add(s->m, idx, NSREL_REF_BINDMOUNT, NONE, 0, -1,
				 path, mnt) < 0)
		return -ENOMEM;
	if (s->m->ns[idx].learned)
		return 0;
	/* A stuck helper (open_in_mntns()) is counted; like any other path
	 * error, it leaves the mount unopened (opened_there()). */
	_cleanup_close_ int fd = open_mounted(s, mnt, mntfd, point, ino);
	if (fd < 0)
		return scan_err(-fd);
	int r = nsrel__scan_learn(s, fd, idx);
	if (r >= 0 && type == CLONE_NEWNS)
		r = nsrel__scan_keep_fd(s, idx, fd);
	return r;
}

static int do_statmount(struct scan *s, uint64_t mnt_id, uint64_t nsid,
			uint64_t mask)
{
	struct nsrel_mnt_id_req req = {
		.size = NSREL_MNT_ID_REQ_SIZE_VER1,
		.mnt_id = mnt_id,
		.param = mask,
		.mnt_ns_id = nsid,
	};
	if (!s->sm) {
		s->sm = malloc(4096);
		if (!s->sm)
			return -ENOMEM;
		s->sm_size = 4096;
	}
	for (;;) {
		if (syscall(__NR_statmount, &req, s->sm, s->sm_size, 0) == 0)
			return 0;
		if (errno != EOVERFLOW || s->sm_size >= (1u << 20))
			return -errno;
		void *p = realloc(s->sm, s->sm_size * 2);
		if (!p)
			return -ENOMEM;
		s->sm = p;
		s->sm_size *= 2;
	}
}

/* 0, -ENOSYS when the kernel cannot list by namespace id, or another
 * negative errno. */
static int read_listmount(struct scan *s, uint32_t mnt, int mntfd)
{
	uint64_t nsid = s->m->ns[mnt].nsid;
	struct nsrel_mnt_id_req req = {
		.size = NSREL_MNT_ID_REQ_SIZE_VER1,
		.mnt_id = NSREL_LSMT_ROOT,
		.mnt_ns_id = nsid,
	};
	/* On the heap: the reading of a mount namespace found here may
	 * nest (nsrel__scan_keep_fd()). */
	enum { IDS = 512 };
	_cleanup_free_ uint64_t *ids = malloc(IDS * sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	for (;;) {
		long n = syscall(__NR_listmount, &req, ids, IDS, 0);
		if (n < 0) {
			if (errno == ENOSYS || errno == EINVAL)
				return -ENOSYS;
			return scan_err(errno); /* 0: not ours, or gone */
		}
		for (long i = 0; i < n; i++) {
			/* The magic first: the strings only for nsfs. */
			int r = do_statmount(s, ids[i], nsid,
					     NSREL_STATMOUNT_SB_BASIC);
			if (r < 0 && (r = scan_err(-r)) < 0)
				return r;
			if (r < 0 || s->sm->sb_magic != NSFS_MAGIC)
				continue;
			r = do_statmount(s, ids[i], nsid,
					 NSREL_STATMOUNT_MNT_ROOT |
						 NSREL_STATMOUNT_MNT_POINT);
			if (r < 0 && (r = scan_err(-r)) < 0)
				return r;
			if (r < 0 ||
			    !(s->sm->mask & NSREL_STATMOUNT_MNT_ROOT) ||
			    !(s->sm->mask & NSREL_STATMOUNT_MNT_POINT))
				continue;
			r = found_mount(s, mnt, mntfd,
					s->sm->str + s->sm->mnt_root,
					s->sm->str + s->sm->mnt_point);
			if (r < 0)
				return r;
		}
		if ((size_t)n < IDS)
			return 0;
		req.param = ids[n - 1];
	}
}

/* The older way: the mountinfo of a process in that mount namespace, or,
 * where none is, the mountinfo a short-lived child opens there (the open
 * file keeps showing that namespace after the child is gone). */
static int read_mountinfo(struct scan *s, uint32_t mnt, int mntfd)
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
		fd = fd_or_errno(
			openat(s->proc_fd, path, O_RDONLY | O_CLOEXEC));
		/* EINVAL: the process is exiting (it has no namespaces) */
		if (fd == -EINVAL)
			return 0;
	} else {
		fd = mntfd < 0 ? -ENOENT
			       : open_in_mntns(s, mnt, -1, mntfd, NULL, 0);
	}
	/* A stuck helper: counted (open_in_mntns()); its mounts unread. */
	if (fd == -ETIMEDOUT && mns->helper_stuck)
		return 0;
	if (fd < 0)
		return scan_err(-fd);
	FILE *f = fdopen(fd, "re");
	if (!f) {
		int r = -errno;
		close(fd);
		return r;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int r = 0;
	while (r >= 0 && (errno = 0, n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		struct procfs_mount mi;
		if (nsrel__procfs_parse_mountinfo_line(line, &mi) == 0 &&
		    strcmp(mi.fstype, "nsfs") == 0)
			r = found_mount(s, mnt, mntfd, mi.root, mi.point);
	}
	/* A read error: gone (the process exited) or the end of the scan. */
	if (r >= 0 && n < 0 && errno)
		r = scan_err(errno);
	free(line);
	fclose(f);
	return r;
}

int nsrel__scan_read_mounts(struct scan *s, uint32_t idx, int mntfd)
{
	_cleanup_close_ int kept = nsrel__scan_take_kept_fd(s, idx);
	struct nsrel_ns *ns = &s->m->ns[idx];
	if (ns->mounts_read)
		return 0;
	ns->mounts_read = true;
	if (mntfd < 0)
		mntfd = kept;
	if (s->mounts_method == NSREL_MOUNTS_MOUNTINFO)
		return read_mountinfo(s, idx, mntfd);
	/* Not opened (not ours, or gone): no id to list it by. */
	if (!ns->learned)
		return s->mounts_method == NSREL_MOUNTS_AUTO
			       ? read_mountinfo(s, idx, mntfd)
			       : 0;
	if (!s->no_listmount && ns->nsid) {
		int r = read_listmount(s, idx, mntfd);
		if (r != -ENOSYS)
			return r;
	}
	if (s->mounts_method == NSREL_MOUNTS_LISTMOUNT)
		return -EOPNOTSUPP;
	s->no_listmount = true;
	return read_mountinfo(s, idx, mntfd);
}

/* Every mount namespace the kernel lets us iterate (6.12+), also those
 * held only by what we may not read. The first walks learn them; the
 * second ones read the mounts of those no process is in, each through
 * the fd the walk gives, so that no more than one of them is open. */
static int walk_mntns(struct scan *s, unsigned long req, bool read)
{
	int fd = openat(s->proc_fd, "thread-self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return scan_err(errno);
	for (;;) {
		struct nsrel_mnt_ns_info info = {.size = sizeof(info)};
		int next = ioctl(fd, req, &info);
		int err = errno;
		close(fd);
		/* ENOENT: the end; ENOTTY, EINVAL: before 6.12 */
		if (next < 0)
			return err == ENOTTY || err == EINVAL ? 0
							      : scan_err(err);
		fd = next;
		uint32_t idx;
		int r = nsrel__scan_ns_from_fd(s, fd, CLONE_NEWNS, &idx);
		/* One a process is in is read through that process; its fd
		 * is kept for where that fails (the process gone since the
		 * processes were read, or chrooted). */
		if (r > 0 && read && s->m->ns[idx].ino != s->self_mntns)
			r = s->m->ns[idx].any_pid
				    ? nsrel__scan_keep_fd(s, idx, fd)
				    : nsrel__scan_read_mounts(s, idx, fd);
		if (r < 0) {
			close(fd);
			return r;
		}
	}
}

int nsrel__scan_mounts(struct scan *s)
{
	int r = 0;
	for (int pass = 0; r >= 0 && pass < 2; pass++) {
		r = walk_mntns(s, NSREL_NS_MNT_GET_NEXT, pass);
		if (r >= 0)
			r = walk_mntns(s, NSREL_NS_MNT_GET_PREV, pass);
	}
	/* The array grows while we go: mount namespaces found on mounts
	 * are read in turn. */
	for (size_t i = 0; r >= 0 && i < s->m->ns_n; i++)
		if (s->m->ns[i].type == CLONE_NEWNS && !s->m->ns[i].mounts_read)
			r = nsrel__scan_read_mounts(s, (uint32_t)i, -1);
	return r;
}
