/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Open fds: an fd that refers to a namespace holds it, and so does a
 * socket its network namespace. A socket's namespace is asked of the
 * socket itself: pidfd_getfd() copies it to us, SIOCGSKNS opens its
 * namespace. Sockets shared between processes are asked once.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "procfs.h"
#include "scan.h"
#include "uapi.h"
#include "util.h"

/* An open-addressing table, at most half full; slot ns NONE is empty. */
static size_t sock_slot(const struct scan *s, ino_t ino)
{
	size_t mask = s->socks_cap - 1;
	size_t i =
		(size_t)(((uint64_t)ino * 0x9e3779b97f4a7c15ULL) >> 32) & mask;
	while (s->socks[i].ns != NONE && s->socks[i].ino != ino)
		i = (i + 1) & mask;
	return i;
}

static uint32_t sock_lookup(const struct scan *s, ino_t ino)
{
	return s->socks_cap ? s->socks[sock_slot(s, ino)].ns : NONE;
}

static int sock_remember(struct scan *s, ino_t ino, uint32_t ns)
{
	if ((s->socks_n + 1) * 2 > s->socks_cap) {
		struct scan old = *s;
		size_t cap = s->socks_cap ? s->socks_cap * 2 : 64;
		s->socks = malloc(cap * sizeof(*s->socks));
		if (!s->socks) {
			s->socks = old.socks;
			return -ENOMEM;
		}
		s->socks_cap = cap;
		for (size_t i = 0; i < cap; i++)
			s->socks[i].ns = NONE;
		for (size_t i = 0; i < old.socks_cap; i++)
			if (old.socks[i].ns != NONE)
				s->socks[sock_slot(s, old.socks[i].ino)] =
					old.socks[i];
		free(old.socks);
	}
	s->socks[sock_slot(s, ino)] = (struct sock_entry){.ino = ino, .ns = ns};
	s->socks_n++;
	return 0;
}

/* The net namespace of socket fd of the process behind pidfd. */
static int socket_netns(struct scan *s, int pidfd, int fd, uint32_t *ret)
{
	*ret = NONE;
	_cleanup_close_ int sock = (int)syscall(__NR_pidfd_getfd, pidfd, fd, 0);
	/* EBADF: closed since; ENOSYS: before 5.6 */
	if (sock < 0)
		return errno == EBADF || errno == ENOSYS ? 0 : scan_err(errno);
	_cleanup_close_ int netns = ioctl(sock, SIOCGSKNS);
	/* EPERM: no CAP_NET_ADMIN there; ENOTTY, EINVAL: before 4.9 */
	if (netns < 0)
		return errno == ENOTTY || errno == EINVAL ? 0 : scan_err(errno);
	return nsrel__scan_ns_from_fd(s, netns, CLONE_NEWNET, ret);
}

int nsrel__scan_fds_read(const struct scan *s, int piddir, struct fd_links *fl)
{
	fl->n = 0;
	_cleanup_(dents_closep) struct dents d;
	/* Gone, or not ours to read: skipped; anything else ends the scan
	 * (scan_err()), not a silently shorter result. */
	if (dents_open(&d, piddir, "fd") < 0)
		return scan_err(errno);
	const struct dirent64 *de;
	while ((de = dents_next(&d))) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);
		if (*end || end == de->d_name || fd < 0 || fd > INT32_MAX)
			continue;
		/* Every namespace and socket link fits; what fills the
		 * buffer is a path, which holds nothing. */
		char link[FD_LINK_MAX];
		ssize_t n = readlinkat(d.fd, de->d_name, link, sizeof(link));
		if (n < 0) {
			int r = scan_err(errno);
			if (r < 0)
				return r;
			continue;
		}
		if (n == 0 || (size_t)n == sizeof(link))
			continue;
		ino_t ino, sock = 0;
		int type;
		if (nsrel__procfs_parse_socket(link, (size_t)n, &sock) == 0) {
			if (!(s->types & CLONE_NEWNET))
				continue;
		} else if (nsrel__procfs_parse_nslink(link, (size_t)n, &type,
						      &ino) < 0 ||
			   !(s->types & (unsigned)type)) {
			continue;
		}
		if (nsrel__model_grow((void **)&fl->v, &fl->cap, fl->n + 1,
				      sizeof(*fl->v)) < 0)
			return -ENOMEM;
		struct fd_link *l = &fl->v[fl->n++];
		l->fd = (int)fd;
		l->len = (uint8_t)n;
		memcpy(l->link, link, (size_t)n);
		l->sock = sock;
	}
	return errno ? scan_err(errno) : 0;
}

int nsrel__scan_fds_add(struct scan *s, int piddir, pid_t pid, uint32_t proc,
			uint32_t own_net, const struct fd_links *fl)
{
	_cleanup_close_ int pidfd = -1;
	bool pidfd_failed = false;
	int r = 0;
	for (size_t i = 0; i < fl->n && r >= 0; i++) {
		const struct fd_link *l = &fl->v[i];
		if (l->sock) {
			uint32_t net = sock_lookup(s, l->sock);
			if (net == NONE) {
				if (pidfd < 0 && !pidfd_failed) {
					pidfd = (int)syscall(__NR_pidfd_open,
							     pid, 0);
					pidfd_failed = pidfd < 0;
					/* ENOSYS: before 5.3; EINVAL: the
					 * process is exiting */
					if (pidfd < 0 && errno != ENOSYS &&
					    errno != EINVAL &&
					    (r = scan_err(errno)) < 0)
						break;
				}
				if (pidfd < 0)
					continue;
				r = socket_netns(s, pidfd, l->fd, &net);
				if (r < 0 || net == NONE)
					continue;
				r = sock_remember(s, l->sock, net);
			}
			/* A socket in the process's own namespace adds
			 * nothing; one elsewhere may be all that holds it. */
			if (r >= 0 && net != own_net)
				r = nsrel__model_ref_add(s->m, net,
							 NSREL_REF_SOCKET, proc,
							 0, l->fd, NONE, NONE);
			continue;
		}
		char path[32];
		snprintf(path, sizeof(path), "fd/%d", l->fd);
		uint32_t idx;
		r = nsrel__scan_ns_from_link(s, l->link, l->len, piddir, path,
					     false, &idx);
		if (r >= 0 && idx != NONE)
			r = nsrel__model_ref_add(s->m, idx, NSREL_REF_FD, proc,
						 0, l->fd, NONE, NONE);
	}
	return r < 0 ? r : 0;
}
