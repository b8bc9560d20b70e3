/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers shared inside the library; never exported. */
#ifndef NSREL_UTIL_H
#define NSREL_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#define _public_     __attribute__((visibility("default")))
#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void freep(void *p)
{
	free(*(void **)p);
}

#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_free_	_cleanup_(freep)

/* Hand an fd out of a _cleanup_close_ variable. */
static inline int take_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

static inline void *take_ptr(void *pp)
{
	void **p = pp;
	void *r = *p;
	*p = NULL;
	return r;
}

/* A directory stream for dirfd/path, O_CLOEXEC; NULL with errno set. Its
 * fd, dirfd(d), serves the *at() calls on the entries. */
static inline DIR *opendir_at(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	DIR *d = fdopendir(fd);
	if (!d)
		closep(&fd);
	return d;
}

/* A directory read with getdents64(2) into a buffer of its own: cheaper
 * than a DIR for the directories a scan reads per process (no fstat, no
 * fcntl, no allocation). fd serves the *at() calls on the entries. */
struct dents {
	int fd;
	unsigned pos, len;
	_Alignas(struct dirent64) char buf[4096];
};

/* 0, or -1 with errno set. */
static inline int dents_open(struct dents *d, int dirfd, const char *path)
{
	d->pos = d->len = 0;
	d->fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return d->fd < 0 ? -1 : 0;
}

/* The next entry; NULL at the end (errno 0) or on an error (errno set),
 * as readdir(3). */
static inline const struct dirent64 *dents_next(struct dents *d)
{
	if (d->pos >= d->len) {
		ssize_t n;
		while ((n = getdents64(d->fd, d->buf, sizeof(d->buf))) < 0 &&
		       errno == EINTR)
			;
		if (n <= 0) {
			if (n == 0)
				errno = 0;
			return NULL;
		}
		d->pos = 0;
		d->len = (unsigned)n;
	}
	const struct dirent64 *de = (const void *)(d->buf + d->pos);
	d->pos += de->d_reclen;
	return de;
}

static inline void dents_closep(struct dents *d)
{
	closep(&d->fd);
}

/* One read of a file the kernel answers in one read, up to the size
 * asked: a seq_file of one record (/proc/PID/stat, /proc/PID/cgroup), or
 * /proc/PID/cmdline (get_mm_cmdline() reads on until then). A short read
 * is its end, and needs no second read to say so. The count, or a
 * negative errno. */
static inline ssize_t read_once_at(int dirfd, const char *path, char *buf,
				   size_t size)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n;
	while ((n = read(fd, buf, size)) < 0 && errno == EINTR)
		;
	return n < 0 ? -errno : n;
}

/* Up to size bytes from fd, until end of file; the count, or the
 * negative errno of a failed read (EINTR retried). */
static inline ssize_t read_full(int fd, char *buf, size_t size)
{
	size_t n = 0;
	while (n < size) {
		ssize_t k = read(fd, buf + n, size - n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	return (ssize_t)n;
}

/* read_full() of dirfd/path, opened O_RDONLY | O_CLOEXEC. */
static inline ssize_t read_at(int dirfd, const char *path, char *buf,
			      size_t size)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return read_full(fd, buf, size);
}

/* Whether s is a pid, as /proc names a process: decimal, > 0. */
static inline bool is_pid(const char *s, pid_t *ret)
{
	long v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return false;
		v = v * 10 + (*s - '0');
	}
	*ret = (pid_t)v;
	return v > 0;
}

/* The caller's pid as the /proc at proc_fd names it ("self"); 0 where
 * that /proc does not show the caller (another PID namespace's). */
static inline pid_t proc_self_pid(int proc_fd)
{
	char buf[16];
	pid_t pid;
	ssize_t n = readlinkat(proc_fd, "self", buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return is_pid(buf, &pid) ? pid : 0;
}

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

#endif /* NSREL_UTIL_H */
