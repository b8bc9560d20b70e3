/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The churn generator: a process forked from the test that creates and
 * releases processes, namespaces and their holders at hundreds of events
 * a second, and logs every namespace it holds in shared memory, with the
 * CLOCK_MONOTONIC times its designated holder took it and let it go.
 *
 * The log is conservative: a namespace is logged as born only once its
 * designated holder alone holds it (a process that handed it over is
 * reaped first) and as dead before that holder lets go. So a namespace
 * born before a scan started and dead after it ended (or still alive) was
 * held, by one stable holder, through the whole scan.
 */
#ifndef NSREL_TEST_CHURN_H
#define NSREL_TEST_CHURN_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

/* Who holds a logged namespace. */
enum churn_kind {
	CHURN_PROC_ALL, /* a process that unshared all eight types at once */
	CHURN_PROC_ONE, /* a process that unshared one type */
	CHURN_THREAD,	/* a thread of a process, in its own net namespace */
	CHURN_FD,	/* an open fd of the generator */
	CHURN_SOCKET,	/* a socket of the generator, in another net ns */
	CHURN_BIND,	/* a bind mount of an ns file (all types but mnt) */
	CHURN_BINDMNT,	/* a bind mount of a mount namespace, its only hold */
	CHURN_KINDS,
};

struct churn_entry {
	int32_t type;  /* CLONE_NEW* */
	uint32_t kind; /* enum churn_kind */
	/* The holder process: the unsharing process (PROC_*, THREAD), the
	 * generator (FD, SOCKET); 0 for a bind mount (in the generator's
	 * mount namespace). */
	int32_t pid;
	uint64_t ino;
	uint64_t nsid;	       /* NS_GET_ID, 0 where the kernel has none */
	uint64_t born;	       /* ns, CLOCK_MONOTONIC */
	_Atomic uint64_t died; /* ns, CLOCK_MONOTONIC; 0 while held */
};

#define CHURN_LOG_MAX (1u << 20)

struct churn_shm {
	_Atomic int ready;  /* set once the generator runs */
	_Atomic int stop;   /* set by the test: release everything, exit 0 */
	_Atomic uint64_t n; /* entries published */
	_Atomic uint64_t events;
	_Atomic uint64_t forks;
	_Atomic uint64_t namespaces;
	_Atomic uint64_t mounts;
	_Atomic uint64_t log_full; /* namespaces not logged: no room */
	_Atomic uint64_t made[CHURN_KINDS];
	_Atomic uint64_t failed[CHURN_KINDS];
	_Atomic int last_errno[CHURN_KINDS];
	char fatal[256]; /* why the generator gave up, if it did */
	struct churn_entry e[CHURN_LOG_MAX];
};

const char *churn_kind_str(enum churn_kind k);

/* A shared anonymous mapping for the log; NULL on failure. */
struct churn_shm *churn_shm_new(void);
void churn_shm_free(struct churn_shm *shm);

/* Forks the generator; it mounts a tmpfs on dir in a mount namespace of
 * its own (nothing it mounts is seen in ours) and runs until shm->stop is
 * set or we die (PR_SET_PDEATHSIG). Returns its pid, or -errno. */
pid_t churn_start(struct churn_shm *shm, const char *dir);

/* Asks the generator to stop, waits up to 10 s, then kills it. Returns its
 * wait status, or -1 if it had to be killed. */
int churn_stop(struct churn_shm *shm, pid_t pid);

uint64_t churn_now(void);

#endif /* NSREL_TEST_CHURN_H */
