/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Scans under churn. A generator (churn.c) creates and releases processes,
 * namespaces of every type and their holders (processes, threads, fds,
 * sockets, bind mounts, mount namespaces held by a bind mount alone) at
 * hundreds of events a second, logging each namespace with the times its
 * holder took it and let it go. Meanwhile 1,000 scans, most through
 * nsrel_scan() in this process, some through the tools: every scan must
 * succeed, and every logged namespace held from before the scan began to
 * after it ended must be in its result, with its type (and, for the
 * library, a reference of the holder's kind). Then pairs of scans, one by
 * each backend, back to back: every logged namespace held through both
 * must be in both models alike, with its holder's references and its
 * holder process. Afterwards no fd, mount or child process of ours is
 * left over.
 *
 * Usage: test-churn --dumpns PATH --lsuserns PATH --lspidns PATH
 * Environment: NSREL_CHURN_SCANS (default 1000; 500 under NSREL_SANITIZED),
 * NSREL_CHURN_PAIRS (pairs of /proc and BPF scans, default 100; 40 under
 * NSREL_SANITIZED, at most 45 s of them),
 * NSREL_CHURN_BUDGET (seconds, default 600): on a host made slow by others
 * (a 50,000-process zoo makes a scan take seconds) the scans stop there,
 * and test_scan_count skips saying how many ran.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "churn.h"
#include "fixture.h"
#include "mounts.h"
#include "skip.h"
#include "nsrel.h"

/* Every tenth scan goes through a tool, these in turn. */
#define TOOL_EVERY    10
#define MAX_REPORTS   10
#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

enum { T_DUMPNS, T_LSUSERNS, T_LSPIDNS, T_COUNT };
static const char *tool_path[T_COUNT];
static const char *const tool_name[T_COUNT] = {"dumpns", "lsuserns", "lspidns"};

static const struct tool_run {
	int tool;
	const char *args[3];
	unsigned types; /* the namespaces its output lists */
} tool_runs[] = {
	{T_DUMPNS, {NULL}, NSREL_ALL_TYPES},
	{T_LSUSERNS, {"-J", NULL}, CLONE_NEWUSER},
	{T_LSPIDNS, {"-J", NULL}, CLONE_NEWPID},
	{T_LSUSERNS, {"-J", "-d", NULL}, NSREL_ALL_TYPES},
};

static struct churn_shm *shm;
static pid_t gen = -1;
static char gen_why[512];
static char dir[] = "/tmp/nsrel-churn.XXXXXX";
static bool have_dir;

/* What the scans saw, for the tests after them. */
static struct {
	bool ran;
	unsigned wanted, lib_scans, tool_scans;
	bool out_of_time;
	unsigned lib_errors, tool_errors;
	unsigned misses, wrong_holder, wrong_id, inconsistent, stray_children;
	uint64_t checked, tool_checked;
	uint64_t checked_kind[CHURN_KINDS];
	uint64_t checked_type[NSREL_NSTYPE_COUNT];
	uint64_t events;
	double seconds, rate;
	int fds_before, fds_after;
} st;
static uint64_t lo; /* log entries below this died before some scan */
static unsigned reports;

static void report(const char *fmt, ...)
{
	if (reports++ >= MAX_REPORTS)
		return;
	va_list ap;
	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	va_end(ap);
}

/* ---- what this process holds --------------------------------------- */

/* Our children other than the generator: a setns helper of the library
 * or a tool that was not reaped. A zombie shows without a /proc walk. */
static unsigned stray_children(bool walk)
{
	unsigned n = 0;
	siginfo_t si = {0};
	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	    si.si_pid > 0 && si.si_pid != gen) {
		printf("# unreaped child %d\n", si.si_pid);
		n++;
	}
	if (!walk)
		return n;
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t self = getpid();
	while (d && (de = readdir(d))) {
		char path[300], buf[512];
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t k = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (k <= 0)
			continue;
		buf[k] = '\0';
		char *p = strrchr(buf, ')');
		int ppid;
		if (p && sscanf(p + 1, " %*c %d", &ppid) == 1 && ppid == self &&
		    atoi(de->d_name) != gen) {
			printf("# child %s left running\n", de->d_name);
			n++;
		}
	}
	if (d)
		closedir(d);
	return n;
}

/* ---- checking a scan against the log ------------------------------- */

static enum nsrel_ref_kind holder_ref(const struct churn_entry *e)
{
	switch (e->kind) {
	case CHURN_PROC_ALL:
	case CHURN_PROC_ONE:
		return e->type == CLONE_NEWPID || e->type == CLONE_NEWTIME
			       ? NSREL_REF_FOR_CHILDREN
			       : NSREL_REF_PROC;
	case CHURN_THREAD:
		return NSREL_REF_TASK;
	case CHURN_FD:
		return NSREL_REF_FD;
	case CHURN_SOCKET:
		return NSREL_REF_SOCKET;
	default:
		return NSREL_REF_BINDMOUNT;
	}
}

static bool has_ref(const struct nsrel_ns *ns, enum nsrel_ref_kind kind)
{
	for (size_t i = 0; i < nsrel_ns_ref_count(ns); i++)
		if (nsrel_ref_kind(nsrel_ns_ref(ns, i)) == kind)
			return true;
	return false;
}

static void describe(const char *what, const struct churn_entry *e,
		     uint64_t died, uint64_t t0, uint64_t t1)
{
	report("%s: %s %llu held by %s from %.3f ms before the scan to %s "
	       "(scan took %.3f ms)",
	       what, nsrel_nstype_str(e->type), (unsigned long long)e->ino,
	       churn_kind_str(e->kind), (double)(t0 - e->born) / 1e6,
	       died ? "after it" : "now", (double)(t1 - t0) / 1e6);
	(void)died;
}

/* Calls found() for each logged namespace held through [t0, t1] among
 * types; returns how many there were. */
typedef bool (*found_fn)(const struct churn_entry *e, const void *ctx,
			 uint64_t died, uint64_t t0, uint64_t t1);

static uint64_t check_log(uint64_t t0, uint64_t t1, unsigned types,
			  found_fn found, const void *ctx, bool count,
			  unsigned *misses)
{
	/* Read after the scan: whatever was published later was born
	 * later than t0 too, or is still being published. */
	uint64_t n = atomic_load_explicit(&shm->n, memory_order_acquire);
	uint64_t checked = 0;
	for (uint64_t i = lo; i < n; i++) {
		const struct churn_entry *e = &shm->e[i];
		uint64_t died = atomic_load(&e->died);
		if (died && died < t0) {
			if (i == lo)
				lo++;
			continue;
		}
		if (e->born >= t0 || (died && died <= t1) ||
		    !(types & (unsigned)e->type))
			continue;
		checked++;
		if (count) {
			st.checked_kind[e->kind]++;
			st.checked_type[nsrel_nstype_index(e->type)]++;
		}
		if (!found(e, ctx, died, t0, t1))
			(*misses)++;
	}
	return checked;
}

static bool found_in_model(const struct churn_entry *e, const void *ctx,
			   uint64_t died, uint64_t t0, uint64_t t1)
{
	const struct nsrel_model *m = ctx;
	const struct nsrel_ns *ns = nsrel_model_find(m, e->type, (ino_t)e->ino);
	if (!ns) {
		describe("missed", e, died, t0, t1);
		return false;
	}
	uint64_t nsid = nsrel_ns_id(ns).nsid;
	if (e->nsid && nsid && nsid != e->nsid) {
		describe("found as another namespace (its id differs)", e, died,
			 t0, t1);
		st.wrong_id++;
	}
	if (!has_ref(ns, holder_ref(e))) {
		describe("found without its holder", e, died, t0, t1);
		st.wrong_holder++;
	}
	return true;
}

/* Whatever churned during the scan, the model must hang together: each
 * namespace found again by its type and inode, parents and owners of the
 * right type, each process's namespace of a type of that type. */
static unsigned inconsistencies(const struct nsrel_model *m)
{
	unsigned bad = 0;
	for (size_t i = 0; i < nsrel_model_ns_count(m); i++) {
		const struct nsrel_ns *ns = nsrel_model_ns(m, i);
		int type = nsrel_ns_type(ns);
		const struct nsrel_ns *p = nsrel_ns_parent(ns);
		const struct nsrel_ns *o = nsrel_ns_owner(ns);
		const char *why = NULL;
		if (nsrel_model_find(m, type, nsrel_ns_ino(ns)) != ns)
			why = "not found by its type and inode";
		else if (p && (type != CLONE_NEWUSER && type != CLONE_NEWPID))
			why = "a parent, but it is flat";
		else if (p && nsrel_ns_type(p) != type)
			why = "a parent of another type";
		else if (o && nsrel_ns_type(o) != CLONE_NEWUSER)
			why = "an owner that is no user namespace";
		if (why) {
			const struct nsrel_ns *rel = o && !p ? o : p;
			report("inconsistent model: %s %llu has %s (%s %llu)",
			       nsrel_nstype_str(type),
			       (unsigned long long)nsrel_ns_ino(ns), why,
			       rel ? nsrel_nstype_str(nsrel_ns_type(rel)) : "-",
			       rel ? (unsigned long long)nsrel_ns_ino(rel)
				   : 0ull);
			bad++;
		}
	}
	for (size_t i = 0; i < nsrel_model_proc_count(m); i++) {
		const struct nsrel_proc *p = nsrel_model_proc(m, i);
		for (unsigned t = 0; t < NSREL_NSTYPE_COUNT; t++) {
			int type = nsrel_nstype_at(t);
			const struct nsrel_ns *ns = nsrel_proc_ns(p, type);
			if (ns && nsrel_ns_type(ns) != type) {
				report("inconsistent model: the %s namespace "
				       "of process %d is %s %llu",
				       nsrel_nstype_str(type),
				       (int)nsrel_proc_pid(p),
				       nsrel_nstype_str(nsrel_ns_type(ns)),
				       (unsigned long long)nsrel_ns_ino(ns));
				bad++;
			}
		}
	}
	return bad;
}

static void lib_scan(void)
{
	struct nsrel_scan_opts o = {.sz = sizeof(o),
				    .types = NSREL_ALL_TYPES,
				    .sources = NSREL_SRC_ALL};
	struct nsrel_model *m = NULL;
	uint64_t t0 = churn_now();
	int r = nsrel_scan(&o, &m);
	uint64_t t1 = churn_now();
	st.lib_scans++;
	if (r < 0) {
		st.lib_errors++;
		report("nsrel_scan: %s", strerror(-r));
		return;
	}
	st.checked += check_log(t0, t1, NSREL_ALL_TYPES, found_in_model, m,
				true, &st.misses);
	st.inconsistent += inconsistencies(m);
	nsrel_model_free(m);
}

/* ---- tool scans ----------------------------------------------------- */

struct keyset {
	uint64_t *k;
	size_t n, cap;
};

static uint64_t key(int type, uint64_t ino)
{
	return ino << 4 | (uint64_t)nsrel_nstype_index(type);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Every namespace object of the tools' JSON, at any depth. */
static bool collect(json_object *o, struct keyset *ks)
{
	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			if (!collect(json_object_array_get_idx(o, i), ks))
				return false;
		return true;
	}
	if (!json_object_is_type(o, json_type_object))
		return true;
	json_object *type, *ino;
	if (json_object_object_get_ex(o, "type", &type) &&
	    json_object_object_get_ex(o, "ino", &ino)) {
		int t = nsrel_nstype_from_str(json_object_get_string(type));
		if (t <= 0 || !json_object_is_type(ino, json_type_int)) {
			report("a namespace without a proper type or inode: %s",
			       json_object_to_json_string(o));
			return false;
		}
		if (ks->n == ks->cap) {
			ks->cap = ks->cap ? ks->cap * 2 : 1024;
			ks->k = realloc(ks->k, ks->cap * sizeof(*ks->k));
			if (!ks->k)
				abort();
		}
		ks->k[ks->n++] = key(t, (uint64_t)json_object_get_int64(ino));
	}
	json_object_object_foreach(o, name, val)
	{
		(void)name;
		if (!collect(val, ks))
			return false;
	}
	return true;
}

static bool found_in_keys(const struct churn_entry *e, const void *ctx,
			  uint64_t died, uint64_t t0, uint64_t t1)
{
	const struct keyset *ks = ctx;
	uint64_t k = key(e->type, e->ino);
	if (bsearch(&k, ks->k, ks->n, sizeof(k), cmp_u64))
		return true;
	describe("missed by a tool", e, died, t0, t1);
	return false;
}

/* Runs the tool with its stdout in *out and its stderr's start in err;
 * the wait status, or -1. Never through a shell. */
static int run_tool(const char *const argv[], char **out, char *err,
		    size_t errsz)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	int efd = memfd_create("stderr", MFD_CLOEXEC);
	if (efd < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (dup2(p[1], 1) < 0 || dup2(efd, 2) < 0)
			_exit(126);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	size_t n = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	for (;;) {
		if (n + 1 == cap)
			buf = realloc(buf, cap *= 2);
		if (!buf)
			abort();
		ssize_t k = read(p[0], buf + n, cap - n - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	buf[n] = '\0';
	close(p[0]);
	int status = -1;
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	ssize_t k = pread(efd, err, errsz - 1, 0);
	err[k > 0 ? k : 0] = '\0';
	close(efd);
	*out = buf;
	return pid > 0 ? status : -1;
}

static void tool_scan(unsigned i)
{
	const struct tool_run *tr = &tool_runs[i % ELEMENTSOF(tool_runs)];
	const char *argv[5] = {tool_path[tr->tool]};
	for (unsigned a = 0; tr->args[a]; a++)
		argv[a + 1] = tr->args[a];
	char *out = NULL, err[512];
	uint64_t t0 = churn_now();
	int status = run_tool(argv, &out, err, sizeof(err));
	uint64_t t1 = churn_now();
	st.tool_scans++;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		st.tool_errors++;
		report("%s %s: wait status %#x; stderr: %s",
		       tool_name[tr->tool], tr->args[0] ? tr->args[0] : "",
		       status, err);
		free(out);
		return;
	}
	/* Trees nest two levels per user or PID namespace, and the kernel
	 * allows 32 of each: more than json-c's default depth of 32. */
	struct json_tokener *tok = json_tokener_new_ex(256);
	assert_non_null(tok);
	json_object *doc = json_tokener_parse_ex(tok, out, -1);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	json_tokener_free(tok);
	if (jerr != json_tokener_success) {
		json_object_put(doc);
		doc = NULL;
	}
	struct keyset ks = {0};
	json_object *list;
	if (!doc || !json_object_object_get_ex(doc, "namespaces", &list) ||
	    !collect(list, &ks)) {
		st.tool_errors++;
		report("%s: no valid JSON (%s), %zu bytes", tool_name[tr->tool],
		       doc ? "no namespace list"
			   : json_tokener_error_desc(jerr),
		       strlen(out));
	} else {
		qsort(ks.k, ks.n, sizeof(*ks.k), cmp_u64);
		st.tool_checked += check_log(t0, t1, tr->types, found_in_keys,
					     &ks, false, &st.misses);
	}
	free(ks.k);
	json_object_put(doc);
	free(out);
}

/* ---- the tests --------------------------------------------------- */

static bool need_run(void)
{
	if (geteuid() != 0) {
		skip_because("needs root: the churn unshares and mounts");
		return false;
	}
	if (!st.ran) {
		skip_because("the scans did not run");
		return false;
	}
	return true;
}

static double budget(void)
{
	const char *s = getenv("NSREL_CHURN_BUDGET");
	return s && atof(s) > 0 ? atof(s) : 600;
}

static unsigned proc_count(void)
{
	unsigned n = 0;
	DIR *d = opendir("/proc");
	struct dirent *de;
	while (d && (de = readdir(d)))
		n += de->d_name[0] >= '1' && de->d_name[0] <= '9';
	if (d)
		closedir(d);
	return n;
}

static unsigned scans_wanted(void)
{
	const char *s = getenv("NSREL_CHURN_SCANS");
	if (s && atoi(s) > 0)
		return (unsigned)atoi(s);
	return getenv("NSREL_SANITIZED") ? 500 : 1000;
}

/* A summary's line of counts by kind of holder. */
static void print_by_holder(const uint64_t counts[CHURN_KINDS])
{
	printf("#   by holder:");
	for (int k = 0; k < CHURN_KINDS; k++)
		printf(" %s %llu%s", churn_kind_str(k),
		       (unsigned long long)counts[k],
		       k + 1 < CHURN_KINDS ? "," : "\n");
}

/* The scans, and the library's part of the verdict. */
static void test_library_scans(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		skip_because("needs root: the churn unshares and mounts");
		return;
	}
	if (gen < 0)
		fail_msg("the churn did not start: %s", gen_why);
	for (int t = 0; t < T_COUNT; t++)
		if (!tool_path[t])
			fail_msg("no path to %s given", tool_name[t]);

	/* A scan before the baselines: what the library sets up once
	 * (nothing, we hope) is not a leak. */
	struct nsrel_model *m = NULL;
	assert_int_equal(nsrel_scan(NULL, &m), 0);
	nsrel_model_free(m);
	st.fds_before = fixture_fd_count();

	unsigned total = st.wanted = scans_wanted();
	uint64_t e0 = atomic_load(&shm->events), start = churn_now();
	uint64_t deadline = start + (uint64_t)(budget() * 1e9);
	for (unsigned i = 0; i < total; i++) {
		if (churn_now() > deadline) {
			st.out_of_time = true;
			break;
		}
		if (i % TOOL_EVERY == TOOL_EVERY - 1)
			tool_scan(i / TOOL_EVERY);
		else
			lib_scan();
		st.stray_children += stray_children(i % 100 == 99);
		if (kill(gen, 0) < 0 || waitpid(gen, NULL, WNOHANG) == gen) {
			gen = -1;
			fail_msg("the churn died after %u scans: %s", i,
				 shm->fatal);
		}
		if (st.lib_errors + st.tool_errors + st.misses +
			    st.inconsistent >
		    50)
			break; /* enough said */
	}
	st.seconds = (double)(churn_now() - start) / 1e9;
	st.events = atomic_load(&shm->events) - e0;
	st.rate = (double)st.events / st.seconds;
	st.ran = true;

	printf("# %u scans in %.1f s under churn: %u through the library, "
	       "%u through the tools\n",
	       st.lib_scans + st.tool_scans, st.seconds, st.lib_scans,
	       st.tool_scans);
	printf("# churn: %.0f events/s (%llu forks, %llu namespaces, %llu "
	       "bind mounts in all)\n",
	       st.rate, (unsigned long long)atomic_load(&shm->forks),
	       (unsigned long long)atomic_load(&shm->namespaces),
	       (unsigned long long)atomic_load(&shm->mounts));
	printf("# held through a whole scan and checked: %llu by the library, "
	       "%llu by the tools\n",
	       (unsigned long long)st.checked,
	       (unsigned long long)st.tool_checked);
	print_by_holder(st.checked_kind);
	printf("#   by type:");
	for (int t = 0; t < NSREL_NSTYPE_COUNT; t++)
		printf(" %s %llu%s", nsrel_nstype_str(nsrel_nstype_at(t)),
		       (unsigned long long)st.checked_type[t],
		       t + 1 < NSREL_NSTYPE_COUNT ? "," : "\n");
	for (int k = 0; k < CHURN_KINDS; k++)
		if (atomic_load(&shm->failed[k]))
			printf("# the churn could not make %llu of %s: %s\n",
			       (unsigned long long)atomic_load(&shm->failed[k]),
			       churn_kind_str(k),
			       strerror(atomic_load(&shm->last_errno[k])));
	fflush(stdout);

	if (st.out_of_time)
		printf("# out of time after %u of %u scans (%.0f s); the host "
		       "has %u processes\n",
		       st.lib_scans + st.tool_scans, total, budget(),
		       proc_count());
	else if (st.lib_scans + st.tool_scans < total)
		fail_msg("stopped after %u of %u scans",
			 st.lib_scans + st.tool_scans, total);
	assert_int_equal(st.lib_errors, 0);
	assert_int_equal(st.misses, 0);
	assert_int_equal(st.wrong_holder, 0);
	assert_int_equal(st.wrong_id, 0);
	assert_int_equal(st.inconsistent, 0);
}

/* All the scans ran; a host too busy for them in the time budget is a
 * skip with the count, not a pass. */
static void test_scan_count(void **state)
{
	(void)state;
	if (!need_run())
		return;
	unsigned ran = st.lib_scans + st.tool_scans;
	if (st.out_of_time) {
		skip_because("the host was too busy: %u of %u scans ran in "
			     "the %.0f s budget",
			     ran, st.wanted, budget());
		return;
	}
	assert_int_equal(ran, st.wanted);
}

static void test_tool_scans(void **state)
{
	(void)state;
	if (!need_run())
		return;
	if (!st.tool_scans && st.out_of_time) {
		skip_because("out of time before the first tool scan");
		return;
	}
	assert_true(st.tool_scans > 0);
	assert_int_equal(st.tool_errors, 0);
	assert_true(st.tool_checked > 0);
}

/* The churn was real: fast enough, and every kind of holder and every
 * type was held through some scan and checked. */
static void test_churn_rate(void **state)
{
	(void)state;
	if (!need_run())
		return;
	if (st.rate < 100)
		fail_msg("the churn made only %.0f events/s", st.rate);
	bool all = true;
	for (int k = 0; k < CHURN_KINDS; k++)
		all = all && st.checked_kind[k];
	for (int t = 0; t < NSREL_NSTYPE_COUNT; t++)
		all = all && st.checked_type[t];
	if (!all && st.out_of_time) {
		skip_because("out of time before every kind of holder and "
			     "every type lived through a scan");
		return;
	}
	for (int k = 0; k < CHURN_KINDS; k++)
		if (!st.checked_kind[k])
			fail_msg("no namespace held by %s lived through a scan",
				 churn_kind_str(k));
	for (int t = 0; t < NSREL_NSTYPE_COUNT; t++)
		if (!st.checked_type[t])
			fail_msg("no %s namespace lived through a scan",
				 nsrel_nstype_str(nsrel_nstype_at(t)));
	assert_int_equal(atomic_load(&shm->log_full), 0);
}

/* ---- the two backends, back to back -------------------------------- */

/* What the backend differential saw. */
static struct {
	bool ran, out_of_time;
	char skip[256];
	unsigned wanted, pairs, errors, differences, misses;
	uint64_t compared, compared_kind[CHURN_KINDS], procs_compared;
	double seconds;
} bk;

__attribute__((format(printf, 2, 3))) static void catf(char **buf,
						       const char *f, ...)
{
	va_list ap;
	char *add;
	va_start(ap, f);
	if (vasprintf(&add, f, ap) < 0)
		abort();
	va_end(ap);
	char *all;
	if (asprintf(&all, "%s%s", *buf ? *buf : "", add) < 0)
		abort();
	free(add);
	free(*buf);
	*buf = all;
}

static void cat_ns(char **buf, const struct nsrel_ns *ns)
{
	if (ns)
		catf(buf, "%s:%llu", nsrel_nstype_str(nsrel_ns_type(ns)),
		     (unsigned long long)nsrel_ns_ino(ns));
	else
		catf(buf, "-");
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What a model says of logged namespace ns and of its holder: its id,
 * owner, parent, owner uid and netnsid (none of which changes while it
 * lives), the references of its holder (the holder process's, or the bind
 * mounts in the generator's mount namespace), and the holder process
 * itself. NULL where the model lacks the namespace. */
static char *held_line(const struct nsrel_model *m, const struct churn_entry *e)
{
	const struct nsrel_ns *ns = nsrel_model_find(m, e->type, (ino_t)e->ino);
	if (!ns)
		return NULL;
	char *b = NULL;
	uid_t uid = 0;
	int id = 0;
	int hu = nsrel_ns_owner_uid(ns, &uid);
	int hn = nsrel_ns_netnsid(ns, &id);
	cat_ns(&b, ns);
	catf(&b, " nsid %llu owner ", (unsigned long long)nsrel_ns_id(ns).nsid);
	cat_ns(&b, nsrel_ns_owner(ns));
	catf(&b, " parent ");
	cat_ns(&b, nsrel_ns_parent(ns));
	catf(&b, " uid %lld netnsid %d\n", hu == 0 ? (long long)uid : -1LL,
	     hn == 0 ? id : -1);

	const struct nsrel_proc *genp = nsrel_model_find_proc(m, gen);
	const struct nsrel_ns *genmnt =
		genp ? nsrel_proc_ns(genp, CLONE_NEWNS) : NULL;
	size_t n = nsrel_ns_ref_count(ns), k = 0;
	char **refs = calloc(n ? n : 1, sizeof(*refs));
	if (!refs)
		abort();
	for (size_t i = 0; i < n; i++) {
		const struct nsrel_ref *r = nsrel_ns_ref(ns, i);
		enum nsrel_ref_kind kind = nsrel_ref_kind(r);
		const struct nsrel_proc *p = nsrel_ref_proc(r);
		char *line = NULL;
		if (e->pid && p && nsrel_proc_pid(p) == e->pid)
			catf(&line, "  %s tid %d fd %d\n",
			     nsrel_ref_kind_str(kind), (int)nsrel_ref_tid(r),
			     nsrel_ref_fd(r));
		else if (!e->pid && kind == NSREL_REF_BINDMOUNT && genmnt &&
			 nsrel_ref_mntns(r) == genmnt)
			catf(&line, "  %s %s\n", nsrel_ref_kind_str(kind),
			     nsrel_ref_path(r));
		if (line)
			refs[k++] = line;
	}
	if (k > 1)
		qsort(refs, k, sizeof(*refs), cmp_strp);
	for (size_t i = 0; i < k; i++) {
		catf(&b, "%s", refs[i]);
		free(refs[i]);
	}
	free(refs);

	const struct nsrel_proc *p =
		e->pid ? nsrel_model_find_proc(m, e->pid) : NULL;
	if (p) {
		catf(&b, "  process %d start %llu ppid %d uid %u ns",
		     (int)nsrel_proc_pid(p),
		     (unsigned long long)nsrel_proc_starttime(p),
		     (int)nsrel_proc_ppid(p), (unsigned)nsrel_proc_uid(p));
		for (unsigned t = 0; t < NSREL_NSTYPE_COUNT; t++) {
			catf(&b, " ");
			cat_ns(&b, nsrel_proc_ns(p, nsrel_nstype_at(t)));
		}
		catf(&b, " argv");
		for (size_t i = 0; i < nsrel_proc_argc(p); i++)
			catf(&b, " [%s]", nsrel_proc_arg(p, i));
		catf(&b, " name [%s]\n", nsrel_proc_name(p));
	} else if (e->pid) {
		catf(&b, "  no process %d\n", (int)e->pid);
	}
	return b;
}

struct pair {
	const struct nsrel_model *proc, *bpf;
};

static bool same_in_both(const struct churn_entry *e, const void *ctx,
			 uint64_t died, uint64_t t0, uint64_t t1)
{
	const struct pair *pr = ctx;
	char *a = held_line(pr->proc, e), *b = held_line(pr->bpf, e);
	bool found = a && b;
	if (!found) {
		describe(a ? "missed by the BPF backend"
			   : "missed by the /proc backend",
			 e, died, t0, t1);
	} else if (strcmp(a, b) != 0) {
		bk.differences++;
		describe("the backends differ", e, died, t0, t1);
		if (reports <= MAX_REPORTS)
			printf("# /proc:\n%s# BPF:\n%s", a, b);
	} else {
		bk.compared_kind[e->kind]++;
		bk.procs_compared += e->pid != 0;
	}
	free(a);
	free(b);
	return found;
}

static int scan_backend(enum nsrel_backend be, struct nsrel_model **ret)
{
	struct nsrel_scan_opts o = {.sz = sizeof(o),
				    .types = NSREL_ALL_TYPES,
				    .sources = NSREL_SRC_ALL,
				    .flags = NSREL_SCAN_CMDLINE,
				    .backend = be};
	return nsrel_scan(&o, ret);
}

static unsigned pairs_wanted(void)
{
	const char *s = getenv("NSREL_CHURN_PAIRS");
	if (s && atoi(s) > 0)
		return (unsigned)atoi(s);
	return getenv("NSREL_SANITIZED") ? 40 : 100;
}

/* Seconds for the pairs, at most. */
#define PAIRS_BUDGET 45

/* Under the churn, /proc and BPF scans back to back (in turn first):
 * every namespace the log says was held through both, by one holder, is
 * in both models, alike, with its holder's references and its holder
 * process alike. */
static void test_backends_agree(void **state)
{
	(void)state;
	if (!need_run())
		return;
	struct nsrel_model *m = NULL;
	int r = scan_backend(NSREL_BACKEND_BPF, &m);
	nsrel_model_free(m);
	if (r == -EPERM || r == -EOPNOTSUPP) {
		skip_because("the BPF backend cannot run here: %s",
			     strerror(-r));
		return;
	}
	assert_int_equal(r, 0);

	bk.wanted = pairs_wanted();
	uint64_t start = churn_now();
	uint64_t deadline = start + (uint64_t)PAIRS_BUDGET * 1000000000ull;
	for (unsigned i = 0; i < bk.wanted; i++) {
		if (churn_now() > deadline) {
			bk.out_of_time = true;
			break;
		}
		static const enum nsrel_backend order[2][2] = {
			{NSREL_BACKEND_PROC, NSREL_BACKEND_BPF},
			{NSREL_BACKEND_BPF, NSREL_BACKEND_PROC},
		};
		struct nsrel_model *got[2] = {NULL, NULL};
		uint64_t t0 = churn_now();
		for (int k = 0; k < 2; k++) {
			r = scan_backend(order[i % 2][k], &got[k]);
			if (r < 0) {
				bk.errors++;
				report("nsrel_scan, %s backend, scan %d of "
				       "pair "
				       "%u: %s",
				       order[i % 2][k] == NSREL_BACKEND_BPF
					       ? "BPF"
					       : "/proc",
				       k + 1, i, strerror(-r));
			}
		}
		uint64_t t1 = churn_now();
		if (got[0] && got[1]) {
			struct pair pr = {.proc = got[i % 2],
					  .bpf = got[1 - i % 2]};
			assert_int_equal(nsrel_model_backend(pr.proc),
					 NSREL_BACKEND_PROC);
			assert_int_equal(nsrel_model_backend(pr.bpf),
					 NSREL_BACKEND_BPF);
			bk.compared +=
				check_log(t0, t1, NSREL_ALL_TYPES, same_in_both,
					  &pr, false, &bk.misses);
			bk.pairs++;
		}
		nsrel_model_free(got[0]);
		nsrel_model_free(got[1]);
		if (bk.errors + bk.misses + bk.differences > 20)
			break;
	}
	bk.seconds = (double)(churn_now() - start) / 1e9;
	bk.ran = true;
	printf("# %u pairs of /proc and BPF scans in %.1f s; %llu namespaces "
	       "held through both compared (%llu with a holder process)\n",
	       bk.pairs, bk.seconds, (unsigned long long)bk.compared,
	       (unsigned long long)bk.procs_compared);
	print_by_holder(bk.compared_kind);
	fflush(stdout);
	assert_int_equal(bk.errors, 0);
	assert_int_equal(bk.misses, 0);
	assert_int_equal(bk.differences, 0);
	bool all = true;
	for (int k = 0; k < CHURN_KINDS; k++)
		all = all && bk.compared_kind[k];
	if (!all && bk.out_of_time) {
		skip_because("out of time after %u of %u pairs, before every "
			     "kind of holder lived through a pair",
			     bk.pairs, bk.wanted);
		return;
	}
	for (int k = 0; k < CHURN_KINDS; k++)
		if (!bk.compared_kind[k])
			fail_msg("no namespace held by %s lived through a pair",
				 churn_kind_str(k));
}

static void test_nothing_left(void **state)
{
	(void)state;
	if (!need_run())
		return;
	assert_int_equal(st.stray_children, 0);
	assert_int_equal(stray_children(true), 0);
	assert_int_equal(fixture_fd_count(), st.fds_before);
	/* The library mounts nothing, and the generator mounts in a
	 * namespace of its own: no mount on our directory, and its tmpfs
	 * not there either. Others' mounts elsewhere are not ours to count. */
	assert_int_equal(fixture_mounts_under(dir, true), 0);
	struct stat a, b;
	assert_int_equal(stat(dir, &a), 0);
	assert_int_equal(stat("/tmp", &b), 0);
	assert_int_equal(a.st_dev, b.st_dev);

	int status = churn_stop(shm, gen);
	gen = -1;
	if (status != 0)
		fail_msg("the churn did not stop cleanly (status %#x): %s",
			 status, shm->fatal);
	assert_int_equal(stray_children(true), 0);
}

/* Killed by meson's timeout or ^C: the generator follows us anyway
 * (PR_SET_PDEATHSIG), but our directory would stay. */
static void on_signal(int sig)
{
	if (gen > 0)
		kill(gen, SIGKILL);
	if (have_dir)
		rmdir(dir);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int group_setup(void **state)
{
	(void)state;
	if (geteuid() != 0)
		return 0;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGHUP, on_signal);
	shm = churn_shm_new();
	if (!shm) {
		snprintf(gen_why, sizeof(gen_why), "mmap: %s", strerror(errno));
		return 0;
	}
	if (!mkdtemp(dir)) {
		snprintf(gen_why, sizeof(gen_why), "mkdtemp: %s",
			 strerror(errno));
		return 0;
	}
	have_dir = true;
	gen = churn_start(shm, dir);
	if (gen < 0) {
		snprintf(gen_why, sizeof(gen_why), "%s%s%s", strerror(-gen),
			 shm->fatal[0] ? ": " : "", shm->fatal);
		gen = -1;
		return 0;
	}
	/* Let it fill its slots before the baselines are taken. */
	usleep(300000);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (gen > 0)
		churn_stop(shm, gen);
	gen = -1;
	if (have_dir)
		rmdir(dir);
	churn_shm_free(shm);
	return 0;
}

int main(int argc, char **argv)
{
	for (int i = 1; i + 1 < argc; i += 2)
		for (int t = 0; t < T_COUNT; t++)
			if (strcmp(argv[i] + 2, tool_name[t]) == 0 &&
			    strncmp(argv[i], "--", 2) == 0)
				tool_path[t] = argv[i + 1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_library_scans),
		cmocka_unit_test(test_scan_count),
		cmocka_unit_test(test_tool_scans),
		cmocka_unit_test(test_churn_rate),
		cmocka_unit_test(test_backends_agree),
		cmocka_unit_test(test_nothing_left),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
