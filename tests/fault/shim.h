/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fault injection for libnsrel: this file's companion, shim.c, defines the
 * C library functions the (static) library calls, so that the test binary
 * links them in place of glibc's. Each call counts while the shim is armed,
 * in the process that armed it and in the helpers that process forks (not
 * in the test process that forked it), and one chosen call fails with a
 * plausible errno: the Nth call of a function, or the Kth call from one call
 * site (a hash of the return addresses). Allocations made while tracking are
 * recorded, so that what is still live afterwards is a leak.
 *
 * Counters and the target live in memory shared with the library's own
 * helper children (it forks to setns), each numbered in its own domain,
 * so that a helper's calls can fail too and the count stays deterministic.
 */
#ifndef NSREL_TEST_FAULT_SHIM_H
#define NSREL_TEST_FAULT_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The functions the shim stands in for. */
enum shim_fn {
	SHIM_MALLOC,
	SHIM_CALLOC,
	SHIM_REALLOC,
	SHIM_REALLOCARRAY,
	SHIM_OPEN,
	SHIM_OPENAT,
	SHIM_OPEN_BY_HANDLE_AT,
	SHIM_READ,
	SHIM_READLINKAT,
	SHIM_IOCTL,
	SHIM_FSTAT,
	SHIM_FSTATAT,
	SHIM_FSTATFS,
	SHIM_FCNTL,
	SHIM_FDOPENDIR,
	SHIM_READDIR,
	SHIM_GETDENTS,
	SHIM_FDOPEN,
	SHIM_GETDELIM,
	SHIM_SOCKETPAIR,
	SHIM_FORK,
	SHIM_SETNS,
	SHIM_CHDIR,
	SHIM_SENDMSG,
	SHIM_RECVMSG,
	SHIM_SEND,
	SHIM_RECV,
	SHIM_WAITPID,
	SHIM_SYS_PIDFD_OPEN,
	SHIM_SYS_PIDFD_GETFD,
	SHIM_SYS_OPENAT2,
	SHIM_SYS_LISTMOUNT,
	SHIM_SYS_STATMOUNT,
	SHIM_SYS_LISTNS,
	SHIM_SYS_BPF,
	SHIM_SYS_OTHER,
	SHIM_FN_COUNT
};

/* Where a call was made: the test process, or a helper it forked. */
enum shim_domain { SHIM_DOM_MAIN, SHIM_DOM_HELPER, SHIM_DOM_COUNT };

#define SHIM_MAX_SITES	1024
#define SHIM_DEPTH	6
#define SHIM_MAX_FRAMES 256

struct shim_site {
	uint64_t key; /* 0: free slot */
	uint8_t fn, dom;
	unsigned long n;	  /* calls seen in the counting run */
	uintptr_t pc[SHIM_DEPTH]; /* return addresses, innermost first */
};

struct shim_target {
	int fn; /* -1: no call fails */
	int dom;
	unsigned long index; /* fail the index-th call (1-based) of fn, */
	uint64_t site;	     /* or, if nonzero, the index-th from site */
	int err;	     /* with this errno, */
	bool hang;	     /* or, if set, block there until killed */
	/* If set: only openat() calls for a path whose last component is
	 * this count towards index. */
	char path[32];
};

struct shim_shared {
	int armed;	 /* counting and failing */
	bool want_sites; /* record call sites (slow: backtraces) */
	struct shim_target target;
	unsigned long count[SHIM_DOM_COUNT][SHIM_FN_COUNT];
	unsigned long site_hits; /* calls from target.site (for .path) so far */
	/* What was failed. */
	int fired;
	int fired_fn, fired_dom;
	uint64_t fired_site;
	int lock;
	size_t nsites;
	bool sites_full;
	struct shim_site sites[SHIM_MAX_SITES];
};

/* Maps the shared state; call once, before any fork. 0 or -errno. */
int shim_init(void);
struct shim_shared *shim_state(void);

const char *shim_fn_name(int fn);
bool shim_fn_is_alloc(int fn);
/* Whether allocations are seen at all (not in a sanitized build). */
bool shim_alloc_hooked(void);
/* A plausible errno for a failure of fn. variant 0 is the usual one. */
int shim_fn_errno(int fn, int variant);
int shim_fn_errno_variants(int fn);

/* Clears the counters and sets the target (NULL: count only). */
void shim_reset(const struct shim_target *t, bool want_sites);
void shim_arm(void);
void shim_disarm(void);

/* Allocation tracking in this process (not shared). */
void shim_track_start(void);
void shim_track_stop(void);
/* Live tracked allocations: their number, and the size of the first. */
size_t shim_track_live(size_t *ret_first_size);

#endif /* NSREL_TEST_FAULT_SHIM_H */
