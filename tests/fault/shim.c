/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fault injection shim (see shim.h). These definitions take the place
 * of glibc's for the static libnsrel linked into the same binary, and for
 * glibc's own internal allocations (fdopendir, fdopen, getline), which go
 * through the interposable malloc. The real functions are glibc's
 * __libc_* allocator and, for the rest, the next definition (dlsym
 * RTLD_NEXT: glibc's, or a sanitizer's interceptor in front of it).
 *
 * The symbols are the ones the library references with
 * _FILE_OFFSET_BITS=64 (open64, fstat64, readdir64, ...); the counting
 * run in the test fails if a function the library uses is never seen.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "missing.h"
#include "shim.h"

static struct shim_shared *S;
/* Frames outside the armed code: those of shim_arm()'s caller and up. */
static int outer_frames;
/* Calls made by the shim itself (backtrace loading libgcc) pass. */
static __thread int in_hook;
/* Private: which domain this process counts in. */
static int domain = SHIM_DOM_MAIN;
/* Private: whether this process armed the shim, or was forked by one that
 * had. S->armed is shared: the test process, which forks the one that
 * arms, must not count its own calls (pidfd_open, waitpid) meanwhile. */
static bool armed_here;

static const struct {
	const char *name;
	int err[6];
} fns[SHIM_FN_COUNT] = {
	[SHIM_MALLOC] = {"malloc", {ENOMEM}},
	[SHIM_CALLOC] = {"calloc", {ENOMEM}},
	[SHIM_REALLOC] = {"realloc", {ENOMEM}},
	[SHIM_REALLOCARRAY] = {"reallocarray", {ENOMEM}},
	[SHIM_OPEN] = {"open", {EACCES, ENOENT, EMFILE, ENFILE}},
	[SHIM_OPENAT] = {"openat", {EACCES, ENOENT, EMFILE, ENFILE}},
	[SHIM_OPEN_BY_HANDLE_AT] = {"open_by_handle_at",
				    {ESTALE, EPERM, EMFILE, ENFILE}},
	[SHIM_READ] = {"read", {EIO, EINTR}},
	[SHIM_READLINKAT] = {"readlinkat", {EACCES, ENOENT}},
	/* NS_GET_USERNS, NS_GET_PARENT, SIOCGSKNS, NS_MNT_GET_NEXT open
	 * an fd: EMFILE, ENFILE */
	[SHIM_IOCTL] = {"ioctl", {EPERM, ENOTTY, EMFILE, ENFILE}},
	[SHIM_FSTAT] = {"fstat", {EIO}},
	[SHIM_FSTATAT] = {"fstatat", {ENOENT, EACCES}},
	[SHIM_FSTATFS] = {"fstatfs", {EIO, ENOTCONN}},
	[SHIM_FCNTL] = {"fcntl", {EMFILE, ENFILE}},
	[SHIM_FDOPENDIR] = {"fdopendir", {ENOMEM}},
	[SHIM_READDIR] = {"readdir", {EIO}},
	/* a process reaped while its fd or task directory is read */
	[SHIM_GETDENTS] = {"getdents64", {EIO, ENOENT}},
	[SHIM_FDOPEN] = {"fdopen", {ENOMEM}},
	[SHIM_GETDELIM] = {"getdelim", {ENOMEM, EIO}},
	[SHIM_SOCKETPAIR] = {"socketpair", {EMFILE, ENFILE}},
	[SHIM_FORK] = {"fork", {EAGAIN}},
	[SHIM_SETNS] = {"setns", {EPERM}},
	[SHIM_CHDIR] = {"chdir", {EACCES}},
	[SHIM_SENDMSG] = {"sendmsg", {EPIPE, ENOBUFS}},
	[SHIM_RECVMSG] = {"recvmsg", {EINTR, ECONNRESET}},
	/* rtnetlink: a reply that does not come in time (EAGAIN), or
	 * that the socket dropped (ENOBUFS) */
	[SHIM_SEND] = {"send", {EINTR, ENOBUFS}},
	[SHIM_RECV] = {"recv", {EINTR, EAGAIN, ENOBUFS}},
	[SHIM_WAITPID] = {"waitpid", {EINTR}},
	[SHIM_SYS_PIDFD_OPEN] = {"pidfd_open", {ESRCH, EMFILE, ENFILE}},
	[SHIM_SYS_PIDFD_GETFD] = {"pidfd_getfd",
				  {EPERM, EBADF, EMFILE, ENFILE}},
	[SHIM_SYS_OPENAT2] = {"openat2",
			      {EACCES, ENOSYS, EAGAIN, EMFILE, ENFILE}},
	[SHIM_SYS_LISTMOUNT] = {"listmount", {EPERM, ENOSYS, ENOMEM}},
	[SHIM_SYS_STATMOUNT] = {"statmount",
				{ENOENT, EOVERFLOW, ENOSYS, ENOMEM}},
	[SHIM_SYS_LISTNS] = {"listns", {ENOSYS, EPERM}},
	[SHIM_SYS_BPF] = {"bpf", {EPERM, ENOMEM}},
	[SHIM_SYS_OTHER] = {"syscall", {ENOSYS}},
};

const char *shim_fn_name(int fn)
{
	return fn >= 0 && fn < SHIM_FN_COUNT ? fns[fn].name : "?";
}

bool shim_fn_is_alloc(int fn)
{
	return fn <= SHIM_REALLOCARRAY;
}

bool shim_alloc_hooked(void)
{
#ifdef SHIM_NO_ALLOC
	return false;
#else
	return true;
#endif
}

int shim_fn_errno_variants(int fn)
{
	int n = 0;
	while (n < 6 && fns[fn].err[n])
		n++;
	return n;
}

int shim_fn_errno(int fn, int variant)
{
	return fns[fn].err[variant];
}

struct shim_shared *shim_state(void)
{
	return S;
}

int shim_init(void)
{
	if (S)
		return 0;
	void *p = mmap(NULL, sizeof(*S), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	S = p;
	S->target.fn = -1;
	/* The first backtrace() loads libgcc_s: not while armed. */
	void *pc[4];
	backtrace(pc, 4);
	return 0;
}

void shim_reset(const struct shim_target *t, bool want_sites)
{
	memset(S->count, 0, sizeof(S->count));
	memset(S->sites, 0, sizeof(S->sites));
	S->nsites = 0;
	S->sites_full = false;
	S->site_hits = 0;
	S->fired = 0;
	S->fired_fn = S->fired_dom = -1;
	S->fired_site = 0;
	S->want_sites = want_sites;
	if (t)
		S->target = *t;
	else
		S->target = (struct shim_target){.fn = -1};
}

__attribute__((noinline)) void shim_arm(void)
{
	void *frames[SHIM_MAX_FRAMES];
	int n = backtrace(frames, SHIM_MAX_FRAMES);
	/* frames[0] is here; the rest are the caller's and up. */
	outer_frames = n - 1;
	armed_here = true;
	__atomic_store_n(&S->armed, 1, __ATOMIC_SEQ_CST);
}

void shim_disarm(void)
{
	__atomic_store_n(&S->armed, 0, __ATOMIC_SEQ_CST);
	armed_here = false;
}

static bool armed(void)
{
	return S && armed_here && __atomic_load_n(&S->armed, __ATOMIC_SEQ_CST);
}

static void lock(void)
{
	while (__atomic_exchange_n(&S->lock, 1, __ATOMIC_ACQUIRE))
		;
}

static void unlock(void)
{
	__atomic_store_n(&S->lock, 0, __ATOMIC_RELEASE);
}

/* The call site: the return addresses from the wrapper's caller up to
 * (not including) the function that armed us, at most SHIM_DEPTH of
 * them, so that the same call reached from another test is the same
 * site. frames[0] is in site_of(), [1] in hook(), [2] in the wrapper. */
static __attribute__((noinline)) uint64_t site_of(int fn, uintptr_t *pcs)
{
	void *frames[SHIM_MAX_FRAMES];
	int n = backtrace(frames, SHIM_MAX_FRAMES);
	int end = n < SHIM_MAX_FRAMES ? n - outer_frames : n;
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(fn + 1) * 131 ^
		     (uint64_t)domain;
	for (int i = 0; i < SHIM_DEPTH; i++) {
		uintptr_t pc = i + 3 < end ? (uintptr_t)frames[i + 3] : 0;
		pcs[i] = pc;
		h = (h ^ pc) * 1099511628211ULL;
	}
	return h ? h : 1;
}

static void record_site(int fn, uint64_t key, const uintptr_t *pcs)
{
	lock();
	size_t i = key % SHIM_MAX_SITES;
	for (size_t k = 0; k < SHIM_MAX_SITES; k++) {
		struct shim_site *st = &S->sites[(i + k) % SHIM_MAX_SITES];
		if (st->key == key) {
			st->n++;
			unlock();
			return;
		}
		if (!st->key) {
			st->key = key;
			st->fn = (uint8_t)fn;
			st->dom = (uint8_t)domain;
			st->n = 1;
			memcpy(st->pc, pcs, sizeof(st->pc));
			S->nsites++;
			unlock();
			return;
		}
	}
	S->sites_full = true;
	unlock();
}

/* The path of the openat() being hooked, NULL for any other call. */
static __thread const char *hook_path;

static bool path_matches(const char *want)
{
	if (!hook_path)
		return false;
	const char *slash = strrchr(hook_path, '/');
	return strcmp(slash ? slash + 1 : hook_path, want) == 0;
}

/* Counts the call; the errno to fail it with, or 0. */
static __attribute__((noinline)) int hook(int fn)
{
	if (in_hook || !armed())
		return 0;
	in_hook++;
	unsigned long n =
		__atomic_add_fetch(&S->count[domain][fn], 1, __ATOMIC_SEQ_CST);
	const struct shim_target *t = &S->target;
	bool mine = t->fn == fn && t->dom == domain &&
		    (!t->path[0] || path_matches(t->path));
	uint64_t key = 0;
	uintptr_t pcs[SHIM_DEPTH];
	if (S->want_sites || (mine && t->site)) {
		key = site_of(fn, pcs);
		if (S->want_sites)
			record_site(fn, key, pcs);
	}
	int err = 0;
	if (mine) {
		if (t->site || t->path[0]) {
			if ((!t->site || key == t->site) &&
			    __atomic_add_fetch(&S->site_hits, 1,
					       __ATOMIC_SEQ_CST) == t->index)
				err = t->err;
		} else if (n == t->index) {
			err = t->err;
		}
	}
	if (err) {
		S->fired++;
		S->fired_fn = fn;
		S->fired_dom = domain;
		S->fired_site = key;
	}
	/* A call that never returns: a lookup on a hung file system. */
	while (err && t->hang)
		pause();
	in_hook--;
	return err;
}

#define REAL(ret, name, ...)                                                  \
	static ret (*real_##name)(__VA_ARGS__);                               \
	static ret (*get_##name(void))(__VA_ARGS__)                           \
	{                                                                     \
		if (!real_##name)                                             \
			real_##name =                                         \
				(ret(*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name); \
		return real_##name;                                           \
	}

#define FAIL_WITH(fn, value)          \
	do {                          \
		int e_ = hook(fn);    \
		if (e_) {             \
			errno = e_;   \
			return value; \
		}                     \
	} while (0)

/* ---- Allocations, and which of them are live ------------------------- */

#ifndef SHIM_NO_ALLOC
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

#define TRACK_CAP (1u << 16)
static struct {
	void *p; /* NULL: empty; TOMB: deleted */
	size_t size;
} track[TRACK_CAP];
static bool tracking;
static size_t track_n;
static bool track_overflow;
#define TOMB ((void *)1)

static size_t track_slot(const void *p)
{
	return (size_t)(((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15ULL >> 40) &
	       (TRACK_CAP - 1);
}

/* The library allocates in its reader threads too (pmap.c): the table
 * has a lock of its own. */
static int track_lock;

static void track_lock_take(void)
{
	while (__atomic_exchange_n(&track_lock, 1, __ATOMIC_ACQUIRE))
		;
}

static void track_lock_give(void)
{
	__atomic_store_n(&track_lock, 0, __ATOMIC_RELEASE);
}

static void track_add(void *p, size_t size)
{
	if (!tracking || !p || in_hook)
		return;
	track_lock_take();
	if (track_n >= TRACK_CAP / 2) {
		track_overflow = true;
	} else {
		size_t i = track_slot(p);
		while (track[i].p && track[i].p != TOMB)
			i = (i + 1) & (TRACK_CAP - 1);
		track[i].p = p;
		track[i].size = size;
		track_n++;
	}
	track_lock_give();
}

static void track_del(void *p)
{
	if (!p)
		return;
	track_lock_take();
	for (size_t i = track_slot(p); track_n && track[i].p;
	     i = (i + 1) & (TRACK_CAP - 1)) {
		if (track[i].p == p) {
			track[i].p = TOMB;
			track_n--;
			break;
		}
	}
	track_lock_give();
}

void shim_track_start(void)
{
	memset(track, 0, sizeof(track));
	track_n = 0;
	track_overflow = false;
	tracking = true;
}

void shim_track_stop(void)
{
	tracking = false;
}

size_t shim_track_live(size_t *ret_first_size)
{
	*ret_first_size = 0;
	if (track_overflow)
		return (size_t)-1;
	for (size_t i = 0; i < TRACK_CAP; i++)
		if (track[i].p && track[i].p != TOMB) {
			*ret_first_size = track[i].size;
			break;
		}
	return track_n;
}

void *malloc(size_t size)
{
	FAIL_WITH(SHIM_MALLOC, NULL);
	void *p = __libc_malloc(size);
	track_add(p, size);
	return p;
}

void *calloc(size_t n, size_t size)
{
	FAIL_WITH(SHIM_CALLOC, NULL);
	void *p = __libc_calloc(n, size);
	track_add(p, n * size);
	return p;
}

void *realloc(void *old, size_t size)
{
	FAIL_WITH(SHIM_REALLOC, NULL);
	void *p = __libc_realloc(old, size);
	if (p || !size) {
		track_del(old);
		track_add(p, size);
	}
	return p;
}

void *reallocarray(void *old, size_t n, size_t size)
{
	FAIL_WITH(SHIM_REALLOCARRAY, NULL);
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = __libc_realloc(old, bytes);
	if (p || !bytes) {
		track_del(old);
		track_add(p, bytes);
	}
	return p;
}

void free(void *p)
{
	track_del(p);
	__libc_free(p);
}
#else
/* The sanitizer's allocator: LeakSanitizer tells what is unreachable
 * (a process that ends with _exit() is not checked otherwise). */
#include <sanitizer/lsan_interface.h>

void shim_track_start(void)
{
}

void shim_track_stop(void)
{
}

size_t shim_track_live(size_t *ret_first_size)
{
	*ret_first_size = 0;
	return __lsan_do_recoverable_leak_check() ? 1 : 0;
}
#endif

/* ---- Files ------------------------------------------------------------- */

REAL(int, open64, const char *, int, ...)
int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if (flags & (O_CREAT | __O_TMPFILE)) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	FAIL_WITH(SHIM_OPEN, -1);
	return get_open64()(path, flags, mode);
}

REAL(int, openat64, int, const char *, int, ...)
int openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	if (flags & (O_CREAT | __O_TMPFILE)) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	hook_path = path;
	int e = hook(SHIM_OPENAT);
	hook_path = NULL;
	if (e) {
		errno = e;
		return -1;
	}
	return get_openat64()(dirfd, path, flags, mode);
}

REAL(int, open_by_handle_at, int, struct file_handle *, int)
int open_by_handle_at(int mount_fd, struct file_handle *fh, int flags)
{
	FAIL_WITH(SHIM_OPEN_BY_HANDLE_AT, -1);
	return get_open_by_handle_at()(mount_fd, fh, flags);
}

REAL(ssize_t, read, int, void *, size_t)
ssize_t read(int fd, void *buf, size_t n)
{
	FAIL_WITH(SHIM_READ, -1);
	return get_read()(fd, buf, n);
}

REAL(ssize_t, readlinkat, int, const char *, char *, size_t)
ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t n)
{
	FAIL_WITH(SHIM_READLINKAT, -1);
	return get_readlinkat()(dirfd, path, buf, n);
}

REAL(int, ioctl, int, unsigned long, ...)
int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	FAIL_WITH(SHIM_IOCTL, -1);
	return get_ioctl()(fd, req, arg);
}

REAL(int, fstat64, int, struct stat64 *)
int fstat64(int fd, struct stat64 *st)
{
	FAIL_WITH(SHIM_FSTAT, -1);
	return get_fstat64()(fd, st);
}

REAL(int, fstatat64, int, const char *, struct stat64 *, int)
int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	FAIL_WITH(SHIM_FSTATAT, -1);
	return get_fstatat64()(dirfd, path, st, flags);
}

REAL(int, fstatfs64, int, struct statfs64 *)
int fstatfs64(int fd, struct statfs64 *st)
{
	FAIL_WITH(SHIM_FSTATFS, -1);
	return get_fstatfs64()(fd, st);
}

REAL(int, fcntl64, int, int, ...)
int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	FAIL_WITH(SHIM_FCNTL, -1);
	return get_fcntl64()(fd, cmd, arg);
}

REAL(DIR *, fdopendir, int)
DIR *fdopendir(int fd)
{
	FAIL_WITH(SHIM_FDOPENDIR, NULL);
	return get_fdopendir()(fd);
}

REAL(struct dirent64 *, readdir64, DIR *)
struct dirent64 *readdir64(DIR *d)
{
	FAIL_WITH(SHIM_READDIR, NULL);
	return get_readdir64()(d);
}

REAL(ssize_t, getdents64, int, void *, size_t)
ssize_t getdents64(int fd, void *buf, size_t size)
{
	FAIL_WITH(SHIM_GETDENTS, -1);
	return get_getdents64()(fd, buf, size);
}

REAL(FILE *, fdopen, int, const char *)
FILE *fdopen(int fd, const char *mode)
{
	FAIL_WITH(SHIM_FDOPEN, NULL);
	return get_fdopen()(fd, mode);
}

REAL(ssize_t, __getdelim, char **, size_t *, int, FILE *)
ssize_t __getdelim(char **line, size_t *cap, int delim, FILE *f)
{
	FAIL_WITH(SHIM_GETDELIM, -1);
	return get___getdelim()(line, cap, delim, f);
}

/* ---- Processes and sockets -------------------------------------------- */

REAL(int, socketpair, int, int, int, int *)
int socketpair(int domain_, int type, int proto, int sv[2])
{
	FAIL_WITH(SHIM_SOCKETPAIR, -1);
	return get_socketpair()(domain_, type, proto, sv);
}

REAL(pid_t, fork, void)
pid_t fork(void)
{
	FAIL_WITH(SHIM_FORK, -1);
	bool was_armed = armed();
	pid_t pid = get_fork()();
	/* A child forked while armed is the library's helper. */
	if (pid == 0 && was_armed)
		domain = SHIM_DOM_HELPER;
	return pid;
}

REAL(int, setns, int, int)
int setns(int fd, int type)
{
	FAIL_WITH(SHIM_SETNS, -1);
	return get_setns()(fd, type);
}

REAL(int, chdir, const char *)
int chdir(const char *path)
{
	FAIL_WITH(SHIM_CHDIR, -1);
	return get_chdir()(path);
}

REAL(ssize_t, sendmsg, int, const struct msghdr *, int)
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	FAIL_WITH(SHIM_SENDMSG, -1);
	return get_sendmsg()(fd, msg, flags);
}

REAL(ssize_t, recvmsg, int, struct msghdr *, int)
ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	FAIL_WITH(SHIM_RECVMSG, -1);
	return get_recvmsg()(fd, msg, flags);
}

REAL(ssize_t, send, int, const void *, size_t, int)
ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	FAIL_WITH(SHIM_SEND, -1);
	return get_send()(fd, buf, len, flags);
}

REAL(ssize_t, recv, int, void *, size_t, int)
ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	FAIL_WITH(SHIM_RECV, -1);
	return get_recv()(fd, buf, len, flags);
}

REAL(pid_t, waitpid, pid_t, int *, int)
pid_t waitpid(pid_t pid, int *status, int flags)
{
	FAIL_WITH(SHIM_WAITPID, -1);
	return get_waitpid()(pid, status, flags);
}

REAL(long, syscall, long, ...)
long syscall(long nr, ...)
{
	va_list ap;
	va_start(ap, nr);
	long a[6];
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	int fn;
	switch (nr) {
	case SYS_pidfd_open:
		fn = SHIM_SYS_PIDFD_OPEN;
		break;
	case SYS_pidfd_getfd:
		fn = SHIM_SYS_PIDFD_GETFD;
		break;
	case SYS_openat2:
		fn = SHIM_SYS_OPENAT2;
		break;
	case SYS_listmount:
		fn = SHIM_SYS_LISTMOUNT;
		break;
	case SYS_statmount:
		fn = SHIM_SYS_STATMOUNT;
		break;
	case SYS_listns:
		fn = SHIM_SYS_LISTNS;
		break;
	case SYS_bpf:
		fn = SHIM_SYS_BPF;
		break;
	default:
		fn = SHIM_SYS_OTHER;
		break;
	}
	FAIL_WITH(fn, -1);
	return get_syscall()(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
