/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fault injection: every allocation and every file, process and socket
 * call libnsrel makes fails in turn (shim.c), while a scan runs over the
 * namespace zoo, and the outcome must be clean: no crash, no hang, either a
 * model (a partial one is fine) or the negative errno of the failure, the
 * output parameter untouched on failure, and afterwards no allocation made
 * during the scan still live, no fd, no child process, no mount left.
 * Then the same for the relations API (nsrel_get_*_path).
 *
 * Each fault point runs in a forked child. A counting run first learns how
 * many calls of each function a scan makes and from which call sites (a
 * hash of the return addresses up to the test's own frames). Then every
 * call index of every function fails, with each errno the function may
 * plausibly give (shim.c), if that is at most POINT_BUDGET points; if not
 * (and always under sanitizers, where a point is slower), a function with
 * few calls fails at every index and the others at each call site's
 * first, second and last call, and every site once with each other errno.
 * NSREL_FAULT_EXHAUSTIVE=1 forces every index. This for five ways to scan
 * (all sources; NSREL_MOUNTS_MOUNTINFO, the mountinfo way with setns
 * helpers; and three source and type subsets), then for the relations API,
 * every call with every errno. Besides the checks above, a fault of EINTR
 * or ENOMEM that yields success must not have lost any of the zoo's
 * namespaces or their relations: EINTR is to be retried, ENOMEM reported.
 * A self-check first shows that each check can fail.
 *
 * The scans run in a PID, mount and net namespace of our own with its
 * own /proc, where the zoo is started: what a scan sees is then the zoo
 * and us, not the thousands of processes other tests run on the machine,
 * so the counts are stable and a point costs milliseconds. (Mount
 * namespaces are still walked host-wide: that is the kernel's view for
 * root.) Our net namespace gives the zoo's ownnet a peer id, so that a
 * scan asks the kernel for each net namespace's id too.
 *
 * With sanitizers (a -Db_sanitize build) the allocator is the sanitizer's:
 * the allocation points are skipped with the reason, and LeakSanitizer
 * checks each point for leaks instead of the shim's tracking.
 *
 * The BPF backend has a mode of its own: the light skeleton's calls fail
 * too (bpf(2) through syscall(), its allocations).
 *
 * NSREL_FAULT_VERBOSE=1 prints every point and where it fired (offsets
 * for addr2line -f -e test-fault).
 *
 * Usage: test-fault ZOO
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "fixture.h"
#include "missing.h"
#include "mounts.h"
#include "skip.h"
#include "nsrel.h"
#include "shim.h"
#include "zoorun.h"

/* Functions with at most this many calls in a scan fail at every one. */
#define EXHAUSTIVE_MAX 64
/* Up to this many points a plan fails every call index with every errno:
 * a point takes some 5 ms (plain build) in our small PID namespace. */
#define POINT_BUDGET 8000
/* A point that takes longer than this hangs. */
#define POINT_TIMEOUT_MS 30000
#define MAX_FD		 1024

static const char *zoo_path;
static struct zoo_run zoo = ZOO_RUN_INIT;
/* Why the tests cannot run here, or NULL. */
static char world_why[256];
static bool exhaustive;
static bool verbose;
/* The zoo's namespace inodes, for the digest. */
static ino_t zoo_inos[256];
static size_t zoo_inos_n;
/* The self-check: points that must be found bad, quietly. */
static bool selfcheck;
/* Our CPUs, while the world is pinned to one (see world()). */
static cpu_set_t world_cpus;
static bool world_pinned;
static int point_timeout_ms = POINT_TIMEOUT_MS;
/* Sanitizers make a point some six times slower: by call site there. */
static unsigned long point_budget = POINT_BUDGET;

/* A way to scan: the options (sz 0: NULL). */
struct mode {
	const char *name;
	struct nsrel_scan_opts opts;
	/* Errors may come back as another errno: the BPF backend's load
	 * says EPERM for any refusal of an unprivileged caller. */
	bool other_errno;
};

static const struct mode modes[] = {
	{"all sources, listmount", {0}},
	{"all sources, NSREL_MOUNTS_MOUNTINFO",
	 {.sz = sizeof(struct nsrel_scan_opts),
	  .mounts_method = NSREL_MOUNTS_MOUNTINFO}},
	{"mounts only",
	 {.sz = sizeof(struct nsrel_scan_opts), .sources = NSREL_SRC_MOUNTS}},
	{"processes and tasks, user and pid types, no hierarchy",
	 {.sz = sizeof(struct nsrel_scan_opts),
	  .types = CLONE_NEWUSER | CLONE_NEWPID,
	  .sources = NSREL_SRC_PROCS | NSREL_SRC_TASKS}},
	{"fds and mounts, net type",
	 {.sz = sizeof(struct nsrel_scan_opts),
	  .types = CLONE_NEWNET,
	  .sources = NSREL_SRC_FDS | NSREL_SRC_MOUNTS,
	  .mounts_method = NSREL_MOUNTS_MOUNTINFO}},
	/* Reader threads (pmap.c) for a /proc this small too: what fails
	 * in a reader is applied, in order, by the scanning thread. */
	{"processes, tasks and fds, three /proc threads",
	 {.sz = sizeof(struct nsrel_scan_opts),
	  .sources = NSREL_SRC_PROCS | NSREL_SRC_TASKS | NSREL_SRC_FDS,
	  .backend = NSREL_BACKEND_PROC,
	  .threads = 3}},
	/* The skeletons' calls (bpf(2), their allocations) and ours, read()
	 * of the iterators included, the command lines' too; the mounts
	 * are the other modes'. */
	{"BPF backend: processes, tasks, fds, hierarchy, command lines",
	 {.sz = sizeof(struct nsrel_scan_opts),
	  .sources = NSREL_SRC_PROCS | NSREL_SRC_TASKS | NSREL_SRC_FDS |
		     NSREL_SRC_HIERARCHY,
	  .flags = NSREL_SCAN_CMDLINE,
	  .backend = NSREL_BACKEND_BPF},
	 true},
};
#define MODE_COUNT (sizeof(modes) / sizeof(modes[0]))

/* What the child of one point found, in memory shared with us. */
struct result {
	int done;
	int r;
	bool ret_touched;
	size_t ns_n, proc_n;
	char model_bad[160];
	size_t leaks, leak_size;
	int fds_before, fds_after;
	char fd_leak[160];
	int child_left;
	bool mounts_changed;
	char mount_diff[200];
	/* A digest of the zoo's namespaces in the model: type, inode,
	 * parent, owner, number of holders. */
	uint64_t zoo_digest;
	size_t zoo_found;
	size_t mntns_stuck; /* the view's */
	/* relations API */
	bool out_touched;
	pid_t sin_pid; /* self-check: the child left running */
};
static struct result *R;
/* The mode of the points being judged allows other errnos. */
static bool other_errno;

static bool need_world(void)
{
	if (world_why[0]) {
		skip_because("%s", world_why);
		return false;
	}
	return true;
}

/* ---- In the child of a point ------------------------------------------ */

static void fd_set_of(bool open_fds[MAX_FD])
{
	for (int fd = 0; fd < MAX_FD; fd++)
		open_fds[fd] = fcntl(fd, F_GETFD) >= 0;
}

static void model_bad(const char *fmt, ...)
{
	if (R->model_bad[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(R->model_bad, sizeof(R->model_bad), fmt, ap);
	va_end(ap);
}

static bool zoo_ino(ino_t ino)
{
	for (size_t i = 0; i < zoo_inos_n; i++)
		if (zoo_inos[i] == ino)
			return true;
	return false;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 1099511628211ULL;
}

/* Everything a model says must hang together, partial or not. */
static void check_model(const struct nsrel_model *m)
{
	uint64_t digest = 1469598103934665603ULL;
	size_t n = nsrel_model_ns_count(m);
	R->ns_n = n;
	R->proc_n = nsrel_model_proc_count(m);
	int last_tidx = -1;
	ino_t last_ino = 0;
	for (size_t i = 0; i < n; i++) {
		const struct nsrel_ns *ns = nsrel_model_ns(m, i);
		if (!ns) {
			model_bad("ns %zu is NULL", i);
			return;
		}
		int type = nsrel_ns_type(ns);
		int tidx = nsrel_nstype_index(type);
		if (tidx < 0)
			model_bad("ns %zu: type %#x", i, type);
		if (tidx < last_tidx ||
		    (tidx == last_tidx && nsrel_ns_ino(ns) <= last_ino))
			model_bad("ns %zu out of order", i);
		last_tidx = tidx;
		last_ino = nsrel_ns_ino(ns);
		if (zoo_ino(last_ino)) {
			const struct nsrel_ns *pp = nsrel_ns_parent(ns);
			const struct nsrel_ns *oo = nsrel_ns_owner(ns);
			digest = mix(digest, (uint64_t)type);
			digest = mix(digest, last_ino);
			digest = mix(digest, pp ? nsrel_ns_ino(pp) : 0);
			digest = mix(digest, oo ? nsrel_ns_ino(oo) : 0);
			digest = mix(digest, nsrel_ns_ref_count(ns));
			R->zoo_found++;
		}
		if (nsrel_model_find(m, type, nsrel_ns_ino(ns)) != ns)
			model_bad("ns %zu not found by inode", i);
		const struct nsrel_ns *p = nsrel_ns_parent(ns);
		if (p && nsrel_ns_type(p) != type)
			model_bad("ns %zu: parent of another type", i);
		const struct nsrel_ns *o = nsrel_ns_owner(ns);
		if (o && nsrel_ns_type(o) != CLONE_NEWUSER)
			model_bad("ns %zu: owner is no user ns", i);
		for (size_t k = 0; k < nsrel_ns_child_count(ns); k++)
			if (nsrel_ns_parent(nsrel_ns_child(ns, k)) != ns)
				model_bad("ns %zu: child %zu", i, k);
		for (size_t k = 0; k < nsrel_ns_owned_count(ns); k++)
			if (nsrel_ns_owner(nsrel_ns_owned(ns, k)) != ns)
				model_bad("ns %zu: owned %zu", i, k);
		for (size_t k = 0; k < nsrel_ns_proc_count(ns); k++)
			if (nsrel_proc_ns(nsrel_ns_proc(ns, k), type) != ns)
				model_bad("ns %zu: member %zu", i, k);
		uid_t uid;
		(void)nsrel_ns_owner_uid(ns, &uid);
		const struct nsrel_idmap *map;
		size_t nmap;
		if (nsrel_ns_uid_map(ns, &map, &nmap) == 0)
			for (size_t k = 0; k < nmap; k++)
				if (!map[k].count)
					model_bad("ns %zu: uid map %zu", i, k);
		int netnsid;
		(void)nsrel_ns_netnsid(ns, &netnsid);
		(void)nsrel_ns_leader(ns);
		(void)nsrel_ns_id(ns);
		for (size_t k = 0; k < nsrel_ns_ref_count(ns); k++) {
			const struct nsrel_ref *r = nsrel_ns_ref(ns, k);
			enum nsrel_ref_kind kind = nsrel_ref_kind(r);
			if (!nsrel_ref_kind_str(kind))
				model_bad("ns %zu: ref kind %d", i, kind);
			const struct nsrel_proc *rp = nsrel_ref_proc(r);
			if (rp &&
			    nsrel_model_find_proc(m, nsrel_proc_pid(rp)) != rp)
				model_bad("ns %zu: ref %zu process", i, k);
			(void)nsrel_ref_tid(r);
			(void)nsrel_ref_fd(r);
			const char *path = nsrel_ref_path(r);
			if (kind == NSREL_REF_BINDMOUNT && (!path || !*path))
				model_bad("ns %zu: bind mount without path", i);
			(void)nsrel_ref_mntns(r);
		}
	}
	R->zoo_digest = digest;
	pid_t last_pid = 0;
	for (size_t i = 0; i < R->proc_n; i++) {
		const struct nsrel_proc *p = nsrel_model_proc(m, i);
		if (!p || nsrel_proc_pid(p) <= last_pid) {
			model_bad("process %zu out of order", i);
			return;
		}
		last_pid = nsrel_proc_pid(p);
		if (!nsrel_proc_name(p))
			model_bad("process %zu has no name", i);
		for (size_t k = 0; k < nsrel_proc_argc(p); k++)
			if (!nsrel_proc_arg(p, k))
				model_bad("process %zu: arg %zu", i, k);
		for (unsigned t = 0; t < NSREL_NSTYPE_COUNT; t++) {
			const struct nsrel_ns *ns =
				nsrel_proc_ns(p, nsrel_nstype_at(t));
			if (ns && nsrel_ns_type(ns) != nsrel_nstype_at(t))
				model_bad("process %zu: ns of type %u", i, t);
		}
	}
}

/* The checks after the library is done: nothing may be left. */
static void check_left(const bool fds0[MAX_FD],
		       const struct fixture_mounts *mounts0)
{
	size_t size;
	R->leaks = shim_track_live(&size);
	R->leak_size = size;
	R->fds_after = fixture_fd_count();
	bool fds1[MAX_FD];
	fd_set_of(fds1);
	for (int fd = 0; fd < MAX_FD; fd++) {
		if (!fds1[fd] || fds0[fd])
			continue;
		char path[64], link[120] = "";
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		ssize_t k = readlink(path, link, sizeof(link) - 1);
		link[k > 0 ? k : 0] = '\0';
		snprintf(R->fd_leak, sizeof(R->fd_leak), "fd %d -> %s", fd,
			 link);
		break;
	}
	int st;
	pid_t w = waitpid(-1, &st, WNOHANG);
	if (w == 0)
		R->child_left = -1; /* running */
	else if (w > 0)
		R->child_left = w; /* a zombie nobody reaped */
	/* Mounts that appeared: others' may vanish even from our private
	 * namespace (their mount points deleted), none of theirs appears. */
	struct fixture_mounts added = {0};
	R->mounts_changed = fixture_mounts_added(mounts0, &added) != 0;
	if (R->mounts_changed)
		snprintf(R->mount_diff, sizeof(R->mount_diff), "%zu new (%s)",
			 added.n, added.n ? added.m[0].point : "mountinfo");
	fixture_mounts_free(&added);
}

static void child_scan(const struct shim_target *t, const struct mode *mode,
		       bool sites)
{
	struct fixture_mounts mounts0 = {0};
	(void)fixture_mounts_read(&mounts0);
	bool fds0[MAX_FD];
	fd_set_of(fds0);
	R->fds_before = fixture_fd_count();

	struct nsrel_model *const sentinel = (struct nsrel_model *)&R;
	struct nsrel_model *m = sentinel;
	shim_reset(t, sites);
	shim_track_start();
	shim_arm();
	int r = nsrel_scan(mode->opts.sz ? &mode->opts : NULL, &m);
	shim_disarm();
	R->r = r;
	if (r == 0) {
		struct nsrel_view v = {.sz = sizeof(v)};
		if (m == sentinel || !m)
			model_bad("success without a model");
		else
			check_model(m);
		if (m != sentinel && nsrel_model_view(m, &v) == 0)
			R->mntns_stuck = v.mntns_stuck;
		nsrel_model_free(m);
	} else {
		R->ret_touched = m != sentinel;
	}
	shim_track_stop();
	check_left(fds0, &mounts0);
	fixture_mounts_free(&mounts0);
	R->done = 1;
}

/* The relations API cases: path functions on namespaces of the zoo. */
enum api_call {
	API_NSTYPE,
	API_USERNS,
	API_PARENTNS,
	API_OWNER_UID,
	API_ID,
	API_COUNT
};
static const char *const api_names[API_COUNT] = {
	"nsrel_get_nstype_path",   "nsrel_get_userns_path",
	"nsrel_get_parentns_path", "nsrel_get_owner_uid_path",
	"nsrel_get_id_path",
};

static void child_api(const struct shim_target *t, int call, const char *path)
{
	bool fds0[MAX_FD];
	fd_set_of(fds0);
	R->fds_before = fixture_fd_count();
	uid_t uid = 12345;
	struct nsrel_id id = {.dev = 1, .ino = 2, .nsid = 3};
	shim_reset(t, false);
	shim_track_start();
	shim_arm();
	int r;
	switch (call) {
	case API_NSTYPE:
		r = nsrel_get_nstype_path(path);
		break;
	case API_USERNS:
		r = nsrel_get_userns_path(path);
		break;
	case API_PARENTNS:
		r = nsrel_get_parentns_path(path);
		break;
	case API_OWNER_UID:
		r = nsrel_get_owner_uid_path(path, &uid);
		break;
	default:
		r = nsrel_get_id_path(path, &id);
		break;
	}
	shim_disarm();
	R->r = r;
	if (r < 0)
		R->out_touched = uid != 12345 || id.dev != 1 || id.ino != 2 ||
				 id.nsid != 3;
	else if ((call == API_USERNS || call == API_PARENTNS) &&
		 fixture_fd_cloexec(r) != 1)
		model_bad("fd %d without FD_CLOEXEC", r);
	if (r >= 0 && (call == API_USERNS || call == API_PARENTNS))
		close(r);
	shim_track_stop();
	struct fixture_mounts mounts = {0};
	(void)fixture_mounts_read(&mounts);
	check_left(fds0, &mounts);
	fixture_mounts_free(&mounts);
	R->done = 1;
}

/* ---- In the test process: one point ------------------------------------ */

struct point {
	struct shim_target t;
	int variant;
};

enum outcome { OUT_FULL, OUT_PARTIAL, OUT_ERROR, OUT_BAD };

struct tally {
	unsigned long points, fired, errors, partial, bad;
};

static unsigned long bad_total;

static char last_why[256];
/* The zoo as the counting run of the current mode found it. */
static uint64_t baseline_digest;
static size_t baseline_found;

/* Prints an offset into the binary for each return address of a site, so
 * that addr2line -f -e test-fault can name it. */
static void print_site(const struct shim_site *s)
{
	printf("#     site");
	for (int i = 0; i < SHIM_DEPTH && s->pc[i]; i++) {
		Dl_info info;
		if (dladdr((void *)s->pc[i], &info) && info.dli_fbase) {
			const char *name = strrchr(info.dli_fname, '/');
			printf(" %s+%#lx", name ? name + 1 : info.dli_fname,
			       (unsigned long)(s->pc[i] -
					       (uintptr_t)info.dli_fbase));
		} else {
			printf(" %#lx", (unsigned long)s->pc[i]);
		}
	}
	printf("\n");
}

static struct shim_site *sites_copy;
static size_t sites_copy_n;

static const struct shim_site *find_site(uint64_t key)
{
	for (size_t i = 0; i < sites_copy_n; i++)
		if (sites_copy[i].key == key)
			return &sites_copy[i];
	return NULL;
}

/* Forks, runs body in the child, waits at most POINT_TIMEOUT_MS. The
 * child's exit status, or -1 for a hang (it is killed). */
static int run_child(void (*body)(const void *), const void *arg,
		     int *ret_status)
{
	memset(R, 0, sizeof(*R));
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* cmocka's handlers would catch a crash and go on with the
		 * next test, in this child: a crash must kill it. */
		static const int crash[] = {SIGSEGV, SIGBUS,  SIGILL,
					    SIGFPE,  SIGABRT, SIGSYS};
		for (size_t i = 0; i < sizeof(crash) / sizeof(crash[0]); i++)
			signal(crash[i], SIG_DFL);
		body(arg);
		_exit(0);
	}
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd >= 0) {
		struct pollfd p = {.fd = pidfd, .events = POLLIN};
		int k;
		while ((k = poll(&p, 1, point_timeout_ms)) < 0 &&
		       errno == EINTR)
			;
		close(pidfd);
		if (k == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return -1;
		}
	}
	while (waitpid(pid, ret_status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

struct scan_arg {
	const struct shim_target *t;
	const struct mode *mode;
	bool sites;
};

static void scan_body(const void *p)
{
	const struct scan_arg *a = p;
	child_scan(a->t, a->mode, a->sites);
}

struct api_arg {
	const struct shim_target *t;
	int call;
	const char *path;
};

static void api_body(const void *p)
{
	const struct api_arg *a = p;
	child_api(a->t, a->call, a->path);
}

static void describe_point(const char *what, const struct shim_target *t)
{
	struct shim_shared *S = shim_state();
	printf("# BAD %s: %s (%s) #%lu%s, %s: ", what, shim_fn_name(t->fn),
	       t->dom ? "helper" : "main", t->index,
	       t->site ? " of its site" : "", strerror(t->err));
	(void)S;
}

/* Errors that mean neither gone nor not ours (nsrel.h): a call that
 * meets one must fail with it. */
static bool must_fail(const struct shim_target *t)
{
	/* The scan's fstatfs() looks only at files in trees others own (a
	 * process's fd, a mount point elsewhere), where any errno, EIO too,
	 * skips that file (lib/scan.h, scan_path_err()). A helper's fstat()
	 * checks the namespace it opened at such a path: what it answers is
	 * taken as that path's error, skipped likewise (opened_there() in
	 * lib/scan-mounts.c). */
	if (t->err == EIO)
		return t->fn != SHIM_FSTATFS &&
		       !(t->fn == SHIM_FSTAT && t->dom == SHIM_DOM_HELPER);
	return t->err == EMFILE || t->err == ENFILE;
}

/* Judges a finished point; prints what is wrong. Without a fault the
 * result must be base (a negative errno, or 0 for success); with one,
 * success, base, or the injected errno (ENOMEM for an allocation), and
 * for an errno of must_fail() that errno. */
static enum outcome judge(const char *what, const struct shim_target *t,
			  int base, int rc, int status)
{
	struct shim_shared *S = shim_state();
	bool fired = S->fired > 0;
	char why[256] = "";
	int expect = t ? (shim_fn_is_alloc(t->fn) ? -ENOMEM : -t->err) : 0;

	if (rc == -1)
		snprintf(why, sizeof(why), "hangs (killed after %d ms)",
			 point_timeout_ms);
	else if (rc < 0)
		snprintf(why, sizeof(why), "cannot run: %s", strerror(-rc));
	else if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "crashes: signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) || !R->done)
		snprintf(why, sizeof(why), "child exit status %d",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else if (!fired && (R->r < 0 ? R->r : 0) != base)
		snprintf(why, sizeof(why),
			 "returns %d (%s) with no fault, "
			 "not %d",
			 R->r, strerror(R->r < 0 ? -R->r : 0), base);
	else if (R->r < 0 && R->r != expect && R->r != base &&
		 !(other_errno && R->r >= -4095 && R->r != -EINTR))
		snprintf(why, sizeof(why), "returns %d (%s), not %d (%s)", R->r,
			 strerror(-R->r), expect, strerror(-expect));
	else if (fired && t && must_fail(t) && R->r != -t->err && !other_errno)
		snprintf(why, sizeof(why),
			 "returns %d (%s) after %s: that must end the call "
			 "with -%s, not give a smaller result",
			 R->r, R->r < 0 ? strerror(-R->r) : "success",
			 strerrorname_np(t->err), strerrorname_np(t->err));
	else if (other_errno && (R->r < -4095 || R->r == -EINTR))
		snprintf(why, sizeof(why), "returns %d, no errno to report",
			 R->r);
	else if (R->r < 0 && (R->ret_touched || R->out_touched))
		snprintf(why, sizeof(why),
			 "fails but writes its output parameter");
	else if (R->model_bad[0])
		snprintf(why, sizeof(why), "bad result: %s", R->model_bad);
	else if (R->leaks == (size_t)-1)
		snprintf(why, sizeof(why), "too many allocations to track");
	else if (R->leaks && !shim_alloc_hooked())
		snprintf(why, sizeof(why),
			 "leaks: LeakSanitizer's report is "
			 "on stderr");
	else if (R->leaks)
		snprintf(why, sizeof(why),
			 "leaks %zu allocations (one of %zu bytes)", R->leaks,
			 R->leak_size);
	else if (R->fds_after != R->fds_before)
		snprintf(why, sizeof(why),
			 "leaks fds: %d before, %d after (%s)", R->fds_before,
			 R->fds_after, R->fd_leak);
	else if (R->child_left)
		snprintf(why, sizeof(why), "leaves a child process (%s)",
			 R->child_left < 0 ? "running" : "zombie");
	else if (R->mounts_changed)
		snprintf(why, sizeof(why), "changes the mount table: %s",
			 R->mount_diff);
	else if (R->r == 0 && baseline_found && !fired &&
		 (R->zoo_digest != baseline_digest ||
		  R->zoo_found != baseline_found))
		snprintf(why, sizeof(why),
			 "finds the zoo otherwise than the counting run "
			 "(%zu of its namespaces, not %zu)",
			 R->zoo_found, baseline_found);
	else if (R->r == 0 && baseline_found && fired &&
		 (t->err == EINTR || t->err == ENOMEM) &&
		 (R->zoo_digest != baseline_digest ||
		  R->zoo_found != baseline_found))
		snprintf(why, sizeof(why),
			 "loses what it found on %s, which is to be %s "
			 "(%zu of the zoo's namespaces, not %zu, or their "
			 "relations differ)",
			 t->err == EINTR ? "EINTR" : "ENOMEM",
			 t->err == EINTR ? "retried"
					 : "an error, not a "
					   "silently partial result",
			 R->zoo_found, baseline_found);

	snprintf(last_why, sizeof(last_why), "%s", why);
	if (why[0] && selfcheck)
		return OUT_BAD;
	if (why[0]) {
		bad_total++;
		if (bad_total <= 60) {
			if (t)
				describe_point(what, t);
			else
				printf("# BAD %s, no fault: ", what);
			printf("%s\n", why);
			if (S->fired_site && find_site(S->fired_site))
				print_site(find_site(S->fired_site));
		}
		return OUT_BAD;
	}
	if (verbose && t)
		printf("# %s %s #%lu%s %s: r=%d fired=%d\n", what,
		       shim_fn_name(t->fn), t->index, t->site ? "s" : "",
		       strerror(t->err), R->r, S->fired);
	if (verbose && t && S->fired_site && find_site(S->fired_site))
		print_site(find_site(S->fired_site));
	if (!fired)
		return OUT_FULL;
	return R->r < 0 ? OUT_ERROR : OUT_PARTIAL;
}

static void tally_add(struct tally *ta, enum outcome o, bool fired)
{
	ta->points++;
	ta->fired += fired;
	ta->errors += o == OUT_ERROR;
	ta->partial += o == OUT_PARTIAL;
	ta->bad += o == OUT_BAD;
}

/* ---- Plans -------------------------------------------------------------- */

struct plan {
	struct point *p;
	size_t n, cap;
};

static void plan_add(struct plan *pl, int fn, int dom, unsigned long index,
		     uint64_t site, int variant)
{
	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? pl->cap * 2 : 256;
		pl->p = realloc(pl->p, pl->cap * sizeof(*pl->p));
		assert_non_null(pl->p);
	}
	pl->p[pl->n++] = (struct point){
		.t = {.fn = fn,
		      .dom = dom,
		      .index = index,
		      .site = site,
		      .err = shim_fn_errno(fn, variant)},
		.variant = variant,
	};
}

struct census {
	unsigned long count[SHIM_DOM_COUNT][SHIM_FN_COUNT];
	struct shim_site *sites;
	size_t nsites;
	bool sites_full;
};

/* The counting run: no fault, every call and call site counted. */
static void census_take(struct census *c, const struct mode *mode)
{
	struct scan_arg a = {.t = NULL, .mode = mode, .sites = true};
	int status = 0;
	baseline_found = 0;
	int rc = run_child(scan_body, &a, &status);
	assert_int_equal(judge("counting run", NULL, 0, rc, status), OUT_FULL);
	baseline_digest = R->zoo_digest;
	baseline_found = R->zoo_found;
	struct shim_shared *S = shim_state();
	memcpy(c->count, S->count, sizeof(c->count));
	free(c->sites);
	c->sites = malloc(S->nsites * sizeof(*c->sites) + 1);
	assert_non_null(c->sites);
	c->nsites = 0;
	for (size_t i = 0; i < SHIM_MAX_SITES; i++)
		if (S->sites[i].key)
			c->sites[c->nsites++] = S->sites[i];
	c->sites_full = S->sites_full;
	printf("# counting run, %s: %zu namespaces (%zu of the zoo's), %zu "
	       "processes, %zu call sites\n",
	       mode->name, R->ns_n, R->zoo_found, R->proc_n, c->nsites);
	/* Remember sites for the reports of bad points. */
	free(sites_copy);
	sites_copy = malloc(c->nsites * sizeof(*c->sites) + 1);
	assert_non_null(sites_copy);
	memcpy(sites_copy, c->sites, c->nsites * sizeof(*c->sites));
	sites_copy_n = c->nsites;
}

static unsigned long census_points(const struct census *c)
{
	unsigned long n = 0;
	for (int dom = 0; dom < SHIM_DOM_COUNT; dom++)
		for (int fn = 0; fn < SHIM_FN_COUNT; fn++)
			if (!shim_fn_is_alloc(fn) || shim_alloc_hooked())
				n += c->count[dom][fn] *
				     (unsigned long)shim_fn_errno_variants(fn);
	return n;
}

/* Every call index of every function with every errno, if that fits in
 * POINT_BUDGET points. If not: every call of a function with few calls,
 * else every site's first, second and last; and every site once with
 * each other errno. */
static void plan_make(struct plan *pl, const struct census *c)
{
	bool all = exhaustive || census_points(c) <= point_budget;
	for (int dom = 0; dom < SHIM_DOM_COUNT; dom++) {
		for (int fn = 0; fn < SHIM_FN_COUNT; fn++) {
			unsigned long n = c->count[dom][fn];
			int variants = shim_fn_errno_variants(fn);
			if (!n ||
			    (shim_fn_is_alloc(fn) && !shim_alloc_hooked()))
				continue;
			if (all) {
				for (unsigned long i = 1; i <= n; i++)
					for (int v = 0; v < variants; v++)
						plan_add(pl, fn, dom, i, 0, v);
				continue;
			}
			bool few = n <= EXHAUSTIVE_MAX;
			if (few)
				for (unsigned long i = 1; i <= n; i++)
					plan_add(pl, fn, dom, i, 0, 0);
			for (size_t k = 0; k < c->nsites; k++) {
				const struct shim_site *s = &c->sites[k];
				if (s->fn != fn || s->dom != dom)
					continue;
				if (!few) {
					plan_add(pl, fn, dom, 1, s->key, 0);
					if (s->n >= 2)
						plan_add(pl, fn, dom, 2, s->key,
							 0);
					if (s->n >= 3)
						plan_add(pl, fn, dom, s->n,
							 s->key, 0);
				}
				for (int v = 1; v < variants; v++)
					plan_add(pl, fn, dom, 1, s->key, v);
			}
		}
	}
	printf("# plan: %s, %zu points\n",
	       all ? "every call index with every errno"
		   : "too many calls for every index: by call site",
	       pl->n);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void print_census(const struct census *c)
{
	printf("# calls in one scan (main process; library helpers):\n");
	for (int fn = 0; fn < SHIM_FN_COUNT; fn++) {
		if (!c->count[0][fn] && !c->count[1][fn])
			continue;
		size_t ns = 0;
		for (size_t k = 0; k < c->nsites; k++)
			ns += c->sites[k].fn == fn;
		printf("#   %-18s %6lu; %lu  (%zu sites)\n", shim_fn_name(fn),
		       c->count[0][fn], c->count[1][fn], ns);
	}
}

static void run_plan(const char *what, const struct plan *pl,
		     const struct mode *mode)
{
	struct tally t[SHIM_FN_COUNT] = {0};
	double t0 = now();
	for (size_t i = 0; i < pl->n; i++) {
		const struct point *p = &pl->p[i];
		/* Verbose: where each fault fired, too (slower). */
		struct scan_arg a = {
			.t = &p->t, .mode = mode, .sites = verbose};
		int status = 0;
		int rc = run_child(scan_body, &a, &status);
		enum outcome o = judge(what, &p->t, 0, rc, status);
		tally_add(&t[p->t.fn], o, shim_state()->fired > 0);
	}
	double dt = now() - t0;
	printf("# %s: %zu fault points in %.1f s (%.1f ms each)\n", what, pl->n,
	       dt, pl->n ? dt * 1000 / (double)pl->n : 0.0);
	printf("#   %-18s %7s %7s %7s %7s %5s\n", "function", "points", "fired",
	       "error", "partial", "bad");
	struct tally sum = {0};
	for (int fn = 0; fn < SHIM_FN_COUNT; fn++) {
		if (!t[fn].points)
			continue;
		printf("#   %-18s %7lu %7lu %7lu %7lu %5lu\n", shim_fn_name(fn),
		       t[fn].points, t[fn].fired, t[fn].errors, t[fn].partial,
		       t[fn].bad);
		sum.points += t[fn].points;
		sum.fired += t[fn].fired;
		sum.errors += t[fn].errors;
		sum.partial += t[fn].partial;
		sum.bad += t[fn].bad;
	}
	printf("#   %-18s %7lu %7lu %7lu %7lu %5lu\n", "total", sum.points,
	       sum.fired, sum.errors, sum.partial, sum.bad);
	fflush(stdout);
	assert_int_equal(sum.bad, 0);
	/* A plan whose faults do not fire tests nothing. */
	assert_true(sum.fired * 2 >= sum.points);
}

/* ---- Tests ----------------------------------------------------------------
 */

static struct census census[MODE_COUNT];

/* The checks must be able to fail: bodies that do what the library must
 * not, each found bad. */
enum sin {
	SIN_LEAK,
	SIN_FD,
	SIN_CHILD,
	SIN_CRASH,
	SIN_HANG,
	SIN_WRONG,
	SIN_SWALLOW,
	SIN_COUNT
};
static const char *const sin_names[SIN_COUNT] = {
	"a leaked allocation",
	"a leaked fd",
	"a child left running",
	"a crash",
	"a hang",
	"a wrong errno",
	"an EMFILE swallowed",
};

/* The fault SIN_SWALLOW meets, and does not report. */
static const struct shim_target swallowed = {
	.fn = SHIM_OPEN, .dom = SHIM_DOM_MAIN, .index = 1, .err = EMFILE};

/* An allocation nothing points to, not even a stale stack slot. */
static __attribute__((noinline)) void leak(void)
{
	void *volatile p = malloc(10);
	p = NULL;
	(void)p;
}

static __attribute__((noinline)) void scrub_stack(void)
{
	volatile char junk[4096];
	memset((char *)junk, 0, sizeof(junk));
}

static void sin_body(const void *p)
{
	int sin = *(const int *)p;
	bool fds0[MAX_FD];
	fd_set_of(fds0);
	R->fds_before = fixture_fd_count();
	struct fixture_mounts mounts = {0};
	(void)fixture_mounts_read(&mounts);
	shim_reset(sin == SIN_SWALLOW ? &swallowed : NULL, false);
	shim_track_start();
	shim_arm();
	R->r = 0;
	switch (sin) {
	case SIN_SWALLOW: {
		int fd = open("/", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		break;
	}
	case SIN_LEAK:
		leak();
		scrub_stack();
		break;
	case SIN_FD:
		(void)open("/", O_RDONLY | O_CLOEXEC);
		break;
	case SIN_CHILD:
		R->sin_pid = fork();
		if (R->sin_pid == 0) {
			pause();
			_exit(0);
		}
		break;
	case SIN_CRASH:
		raise(SIGSEGV);
		break;
	case SIN_HANG:
		pause();
		break;
	case SIN_WRONG:
		R->r = -EIO;
		break;
	}
	shim_disarm();
	shim_track_stop();
	check_left(fds0, &mounts);
	fixture_mounts_free(&mounts);
	/* Our own sins are cleaned up by the point's exit. */
	R->done = 1;
}

static void test_selfcheck(void **state)
{
	(void)state;
	selfcheck = true;
	point_timeout_ms = 500;
	baseline_found = 0;
	for (int sin = 0; sin < SIN_COUNT; sin++) {
		int status = 0;
		if (sin == SIN_LEAK && !shim_alloc_hooked())
			fprintf(stderr, "# self-check: LeakSanitizer must "
					"report a leak of 10 bytes now\n");
		/* Whatever the sin, nothing fires (but SIN_SWALLOW's): the
		 * result must be 0. */
		int rc = run_child(sin_body, &sin, &status);
		enum outcome o = judge("selfcheck",
				       sin == SIN_SWALLOW ? &swallowed : NULL,
				       0, rc, status);
		printf("# self-check, %s: %s\n", sin_names[sin],
		       o == OUT_BAD ? last_why : "NOT FOUND");
		if (o != OUT_BAD)
			fail_msg("the checks do not find %s", sin_names[sin]);
		/* The child left running is now ours (we are init). */
		if (R->sin_pid > 0) {
			kill(R->sin_pid, SIGKILL);
			waitpid(R->sin_pid, NULL, 0);
		}
	}
	selfcheck = false;
	point_timeout_ms = POINT_TIMEOUT_MS;
}

/* A point counts and fails only the calls of the process that armed the
 * shim and of its helpers: not those the test process makes meanwhile
 * (run_child()'s pidfd_open and waitpid), however the two are scheduled. */
static void test_shim_own_calls(void **state)
{
	(void)state;
	const struct shim_target t = {.fn = SHIM_SYS_PIDFD_OPEN,
				      .dom = SHIM_DOM_MAIN,
				      .index = 1,
				      .err = EMFILE};
	int armed[2], done[2];
	assert_int_equal(pipe2(armed, O_CLOEXEC), 0);
	assert_int_equal(pipe2(done, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char c = 0;
		shim_reset(&t, false);
		shim_arm();
		ssize_t k = write(armed[1], "a", 1);
		k += read(done[0], &c, 1);
		shim_disarm();
		_exit(k == 2 ? 0 : 1);
	}
	close(armed[1]);
	close(done[0]);
	char c = 0;
	assert_int_equal(read(armed[0], &c, 1), 1);
	/* The child is armed now, with our call's number as its target. */
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int err = errno;
	assert_int_equal(write(done[1], "d", 1), 1);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(armed[0]);
	close(done[1]);
	if (pidfd >= 0)
		close(pidfd);
	else if (err == ENOSYS)
		skip_because("no pidfd_open (before 5.3)");
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (pidfd < 0 || shim_state()->fired)
		fail_msg("the test process's pidfd_open %s: %s",
			 shim_state()->fired ? "was failed by the shim"
					     : "failed",
			 strerror(err));
	assert_int_equal(shim_state()->count[SHIM_DOM_MAIN][t.fn], 0);
}

static void test_counting(void **state)
{
	(void)state;
	if (!need_world())
		return;
	struct census *c = &census[0];
	census_take(c, &modes[0]);
	print_census(c);
	assert_false(c->sites_full);
	assert_true(baseline_found > 0);
	/* If the library calls a function under another name, the shim
	 * does not see it: each of these must have been seen. */
	static const int seen[] = {
		SHIM_OPEN,    SHIM_OPENAT, SHIM_READ,	  SHIM_READLINKAT,
		SHIM_IOCTL,   SHIM_FSTAT,  SHIM_FSTATAT,  SHIM_FDOPENDIR,
		SHIM_READDIR, SHIM_FCNTL,  SHIM_GETDENTS,
	};
	for (size_t i = 0; i < sizeof(seen) / sizeof(seen[0]); i++)
		if (!c->count[0][seen[i]])
			fail_msg("the shim saw no call of %s",
				 shim_fn_name(seen[i]));
	/* The peer id dump and the ask of one namespace (the zoo's ownnet
	 * has an id): each request's send and recv. */
	for (int fn = SHIM_SEND; fn <= SHIM_RECV; fn++) {
		size_t sites = 0;
		for (size_t k = 0; k < c->nsites; k++)
			sites += c->sites[k].fn == fn;
		if (sites < 2)
			fail_msg("%s seen from %zu call site(s), not 2",
				 shim_fn_name(fn), sites);
	}
	if (shim_alloc_hooked()) {
		assert_true(c->count[0][SHIM_MALLOC] > 0);
		assert_true(c->count[0][SHIM_REALLOCARRAY] > 0);
	}
}

static void run_mode(size_t i)
{
	if (!need_world())
		return;
	if (!census[0].nsites)
		skip_because("no counting run");
	if (i == 0 && !shim_alloc_hooked())
		printf("# allocation faults skipped: the sanitizer's "
		       "allocator is in use; LeakSanitizer checks each "
		       "point\n");
	if (i > 0) {
		census_take(&census[i], &modes[i]);
		if (i == 1)
			print_census(&census[i]);
	} else {
		/* The counting run's baseline again (the self-check and
		 * the other modes change it). */
		census_take(&census[0], &modes[0]);
	}
	other_errno = modes[i].other_errno;
	struct plan pl = {0};
	plan_make(&pl, &census[i]);
	char what[128];
	snprintf(what, sizeof(what), "scan faults, %s", modes[i].name);
	run_plan(what, &pl, &modes[i]);
	other_errno = false;
	free(pl.p);
}

static void test_scan_faults(void **state)
{
	(void)state;
	run_mode(0);
}

static void test_scan_faults_mountinfo(void **state)
{
	(void)state;
	run_mode(1);
}

static void test_scan_faults_options(void **state)
{
	(void)state;
	for (size_t i = 2; i < MODE_COUNT - 1; i++)
		run_mode(i);
}

/* A helper that enters a mount namespace and never answers (stuck on a
 * hung file system): each of its calls in turn blocks until it is killed.
 * The scan must end on its own, well before the point's timeout, with
 * success (that namespace skipped and counted in the view's mntns_stuck),
 * leaving no child, fd or allocation behind. */
static void test_scan_helper_hangs(void **state)
{
	(void)state;
	if (!need_world())
		return;
	unsigned long points = 0;
	for (size_t i = 0; i < 2; i++) {
		census_take(&census[i], &modes[i]);
		for (int fn = 0; fn < SHIM_FN_COUNT; fn++) {
			if (!census[i].count[SHIM_DOM_HELPER][fn] ||
			    shim_fn_is_alloc(fn))
				continue;
			struct shim_target t = {.fn = fn,
						.dom = SHIM_DOM_HELPER,
						.index = 1,
						.err = ETIMEDOUT,
						.hang = true};
			char what[160];
			snprintf(what, sizeof(what), "%s, helper hangs in %s",
				 modes[i].name, shim_fn_name(fn));
			struct scan_arg a = {.t = &t, .mode = &modes[i]};
			int status = 0;
			double t0 = now();
			int rc = run_child(scan_body, &a, &status);
			double dt = now() - t0;
			enum outcome o = judge(what, &t, 0, rc, status);
			printf("# %s: %s in %.1f s, %zu mount namespace(s) "
			       "stuck\n",
			       what, R->r ? strerror(-R->r) : "ok", dt,
			       R->mntns_stuck);
			if (o == OUT_BAD || !shim_state()->fired || R->r ||
			    !R->mntns_stuck)
				fail_msg("%s: %s", what,
					 o == OUT_BAD ? last_why
					 : !shim_state()->fired
						 ? "the hang was not reached"
					 : R->r ? "the scan failed"
						: "nothing counted as stuck");
			points++;
		}
	}
	assert_true(points > 0);
}

/* Whether the BPF backend runs here; skips the test if it cannot. */
static bool bpf_runs(void)
{
	struct nsrel_scan_opts o = {.sz = sizeof(o),
				    .sources = NSREL_SRC_PROCS,
				    .backend = NSREL_BACKEND_BPF};
	struct nsrel_model *m = NULL;
	int r = nsrel_scan(&o, &m);
	nsrel_model_free(m);
	if (r == -EOPNOTSUPP) {
		skip_because("no BPF backend here (built without, or no BTF)");
		return false;
	}
	assert_int_equal(r, 0);
	return true;
}

/* A process that is reaped while its uid_map or gid_map is opened: the
 * kernel finds it when it looks up the name and not when it opens the
 * file, and says EINVAL (proc_id_map_open()). The window is too narrow to
 * meet on demand (the churn suite meets it, about one scan in a
 * thousand), so the shim gives that answer to the first open of the file.
 * The scan must succeed, that namespace's maps unknown. */
static void idmap_gone(const struct mode *mode)
{
	static const char *const files[] = {"uid_map", "gid_map"};
	for (size_t f = 0; f < 2; f++) {
		struct shim_target t = {.fn = SHIM_OPENAT,
					.dom = SHIM_DOM_MAIN,
					.index = 1,
					.err = EINVAL};
		snprintf(t.path, sizeof(t.path), "%s", files[f]);
		char what[160];
		snprintf(what, sizeof(what), "%s, %s: EINVAL (reaped)",
			 mode->name, files[f]);
		struct scan_arg a = {.t = &t, .mode = mode};
		int status = 0;
		int rc = run_child(scan_body, &a, &status);
		enum outcome o = judge(what, &t, 0, rc, status);
		printf("# %s: %s\n", what, R->r ? strerror(-R->r) : "ok");
		if (o == OUT_BAD || !shim_state()->fired || R->r)
			fail_msg("%s: %s", what,
				 o == OUT_BAD ? last_why
				 : !shim_state()->fired
					 ? "no such open was made"
					 : "the scan failed");
	}
}

static void test_scan_idmap_gone_proc(void **state)
{
	(void)state;
	static const struct mode mode = {"/proc backend",
					 {.sz = sizeof(struct nsrel_scan_opts),
					  .backend = NSREL_BACKEND_PROC}};
	if (need_world())
		idmap_gone(&mode);
}

static void test_scan_idmap_gone_bpf(void **state)
{
	(void)state;
	static const struct mode mode = {"BPF backend",
					 {.sz = sizeof(struct nsrel_scan_opts),
					  .backend = NSREL_BACKEND_BPF}};
	if (need_world() && bpf_runs())
		idmap_gone(&mode);
}

/* The last mode: the BPF backend, where it can run. */
static void test_scan_faults_bpf(void **state)
{
	(void)state;
	if (need_world() && bpf_runs())
		run_mode(MODE_COUNT - 1);
}

static json_object *zoo_field(const char *array, const char *name,
			      const char *key)
{
	json_object *arr, *v;
	if (!json_object_object_get_ex(zoo.m, array, &arr))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		if (json_object_object_get_ex(o, "name", &v) &&
		    strcmp(json_object_get_string(v), name) == 0 &&
		    json_object_object_get_ex(o, key, &v))
			return v;
	}
	return NULL;
}

static void test_relations_api(void **state)
{
	(void)state;
	if (!need_world())
		return;
	char paths[4][256];
	json_object *v;
	assert_non_null(v = zoo_field("namespaces", "pid2", "pid"));
	snprintf(paths[0], sizeof(paths[0]), "/proc/%d/ns/pid",
		 json_object_get_int(v));
	assert_non_null(v = zoo_field("namespaces", "userchain3", "pid"));
	snprintf(paths[1], sizeof(paths[1]), "/proc/%d/ns/user",
		 json_object_get_int(v));
	assert_non_null(v = zoo_field("namespaces", "bindnet", "path"));
	snprintf(paths[2], sizeof(paths[2]), "%s", json_object_get_string(v));
	snprintf(paths[3], sizeof(paths[3]), "/proc/self/ns/net");

	struct tally t[SHIM_FN_COUNT] = {0};
	unsigned long points = 0, bad = 0, fired = 0;
	baseline_found = 0;
	double t0 = now();
	for (int call = 0; call < API_COUNT; call++) {
		for (int pi = 0; pi < 4; pi++) {
			struct api_arg a = {
				.t = NULL, .call = call, .path = paths[pi]};
			int status = 0;
			int rc = run_child(api_body, &a, &status);
			char what[320];
			snprintf(what, sizeof(what), "%s(%.200s)",
				 api_names[call], paths[pi]);
			/* Errors without faults are the kernel's (EINVAL:
			 * a net namespace has no parent). */
			int base = R->r < 0 ? R->r : 0;
			enum outcome o = judge(what, NULL, base, rc, status);
			if (o == OUT_BAD)
				fail_msg("%s without faults", what);
			unsigned long count[SHIM_DOM_COUNT][SHIM_FN_COUNT];
			memcpy(count, shim_state()->count, sizeof(count));
			for (int fn = 0; fn < SHIM_FN_COUNT; fn++) {
				if (shim_fn_is_alloc(fn) &&
				    !shim_alloc_hooked())
					continue;
				for (unsigned long i = 1; i <= count[0][fn];
				     i++) {
					for (int e = 0;
					     e < shim_fn_errno_variants(fn);
					     e++) {
						struct shim_target tg = {
							.fn = fn,
							.index = i,
							.err = shim_fn_errno(fn,
									     e),
						};
						a.t = &tg;
						rc = run_child(api_body, &a,
							       &status);
						o = judge(what, &tg, base, rc,
							  status);
						bool f = shim_state()->fired;
						tally_add(&t[fn], o, f);
						points++;
						fired += f;
						bad += o == OUT_BAD;
					}
				}
			}
		}
	}
	printf("# relations API: %d functions x 4 paths, every call x every "
	       "errno: %lu fault points (%lu fired) in %.1f s\n",
	       API_COUNT, points, fired, now() - t0);
	for (int fn = 0; fn < SHIM_FN_COUNT; fn++)
		if (t[fn].points)
			printf("#   %-18s %5lu points, %5lu errors, %5lu "
			       "successes despite the fault, %lu bad\n",
			       shim_fn_name(fn), t[fn].points, t[fn].errors,
			       t[fn].partial, t[fn].bad);
	fflush(stdout);
	assert_int_equal(bad, 0);
	assert_int_equal(fired, points);
}

/* ---- Setup: our own PID, mount and net namespace, the zoo in it ----------
 */

/* Gives the net namespace of process pid a peer id in ours (RTM_NEWNSID,
 * as `ip netns set` does): a scan's dump of our ids then has one, and it
 * asks each net namespace for its id, so that faults reach both requests.
 * 0 or a negative errno. */
static int assign_netnsid(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	int nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return -errno;
	int sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sk < 0) {
		int r = -errno;
		close(nsfd);
		return r;
	}
	union {
		struct nlmsghdr nh;
		char buf[NLMSG_SPACE(sizeof(struct rtgenmsg)) +
			 2 * RTA_SPACE(sizeof(int32_t))];
	} req;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req.buf);
	req.nh.nlmsg_type = RTM_NEWNSID;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = 1;
	((struct rtgenmsg *)NLMSG_DATA(&req.nh))->rtgen_family = AF_UNSPEC;
	/* NETNSA_FD, then NETNSA_NSID -1: the kernel picks the id. */
	const int32_t val[2] = {nsfd, -1};
	const unsigned short attr[2] = {NETNSA_FD, NETNSA_NSID};
	char *at = req.buf + NLMSG_SPACE(sizeof(struct rtgenmsg));
	for (int i = 0; i < 2; i++, at += RTA_SPACE(sizeof(int32_t))) {
		struct rtattr *rta = (struct rtattr *)at;
		rta->rta_type = attr[i];
		rta->rta_len = RTA_LENGTH(sizeof(int32_t));
		memcpy(RTA_DATA(rta), &val[i], sizeof(int32_t));
	}
	int r = -EIO;
	union {
		struct nlmsghdr nh;
		char buf[512];
	} rep;
	if (send(sk, req.buf, sizeof(req.buf), 0) < 0) {
		r = -errno;
	} else {
		ssize_t n = recv(sk, rep.buf, sizeof(rep.buf), 0);
		if (n < 0)
			r = -errno;
		else if (NLMSG_OK(&rep.nh, (size_t)n) &&
			 rep.nh.nlmsg_type == NLMSG_ERROR &&
			 rep.nh.nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
			memcpy(&r, NLMSG_DATA(&rep.nh), sizeof(r));
	}
	close(sk);
	close(nsfd);
	return r;
}

static int group_setup(void **state)
{
	(void)state;
	if (world_why[0])
		return 0;
	char why[256];
	int r = zoo_run_start(&zoo, zoo_path, why, sizeof(why));
	/* The zoo is built: the rest need not stay on one CPU. */
	if (world_pinned)
		sched_setaffinity(0, sizeof(world_cpus), &world_cpus);
	if (r == 77) {
		snprintf(world_why, sizeof(world_why), "%s", why);
		return 0;
	}
	if (r != 0) {
		fprintf(stderr, "# the zoo did not start: %s\n", why);
		return -1;
	}
	json_object *arr, *v;
	if (json_object_object_get_ex(zoo.m, "namespaces", &arr))
		for (size_t i = 0;
		     i < json_object_array_length(arr) && zoo_inos_n < 256; i++)
			if (json_object_object_get_ex(
				    json_object_array_get_idx(arr, i), "ino",
				    &v))
				zoo_inos[zoo_inos_n++] =
					(ino_t)json_object_get_int64(v);
	pid_t ownnet = 0;
	if (json_object_object_get_ex(zoo.m, "namespaces", &arr))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			json_object *o = json_object_array_get_idx(arr, i);
			const char *name = zoo_jstr(o, "name");
			if (name && strcmp(name, "ownnet") == 0)
				ownnet = (pid_t)zoo_jint(o, "pid");
		}
	r = ownnet > 0 ? assign_netnsid(ownnet) : -ENOENT;
	if (r < 0) {
		fprintf(stderr, "# no netnsid for the zoo's ownnet: %s\n",
			strerror(-r));
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	zoo_run_stop(&zoo);
	free(sites_copy);
	for (size_t i = 0; i < MODE_COUNT; i++)
		free(census[i].sites);
	return 0;
}

#define ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

static int run_all(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selfcheck),
		cmocka_unit_test(test_shim_own_calls),
		cmocka_unit_test(test_counting),
		cmocka_unit_test(test_scan_faults),
		cmocka_unit_test(test_scan_faults_mountinfo),
		cmocka_unit_test(test_scan_helper_hangs),
		cmocka_unit_test(test_scan_faults_options),
		cmocka_unit_test(test_scan_idmap_gone_proc),
		cmocka_unit_test(test_scan_idmap_gone_bpf),
		cmocka_unit_test(test_scan_faults_bpf),
		cmocka_unit_test(test_relations_api),
	};
	/* NSREL_FAULT_ONLY=test_scan_faults_bpf: that test alone, after
	 * the counting run it needs, for working on one part. */
	const char *only = getenv("NSREL_FAULT_ONLY");
	struct CMUnitTest some[ELEMENTS(tests)];
	size_t n = 0;
	for (size_t i = 0; only && i < ELEMENTS(tests); i++)
		if (strcmp(tests[i].name, "test_counting") == 0 ||
		    strcmp(tests[i].name, only) == 0)
			some[n++] = tests[i];
	if (only)
		return _cmocka_run_group_tests("tests", some, n, group_setup,
					       group_teardown);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

/* In a child: a new PID, mount and net namespace, whose first process mounts
 * its own /proc and runs the tests; it tells ok on the pipe first.
 *
 * Until the zoo is built, all of it runs on one CPU: the kernel (6.18)
 * hands out mount namespace ids from per-CPU batches, and refuses to
 * bind-mount a mount namespace into one with a higher id (EINVAL, its
 * loop check), which the zoo does into ours. On one CPU the ids rise in
 * the order the namespaces are made. */
static void world(int ok_fd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	int cpu = sched_getcpu();
	if (cpu >= 0 &&
	    sched_getaffinity(0, sizeof(world_cpus), &world_cpus) == 0) {
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		world_pinned = sched_setaffinity(0, sizeof(one), &one) == 0;
	}
	if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		dprintf(ok_fd, "unshare: %s", strerror(errno));
		_exit(0);
	}
	pid_t init = fork();
	if (init < 0) {
		dprintf(ok_fd, "fork: %s", strerror(errno));
		_exit(0);
	}
	if (init == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (mount("proc", "/proc", "proc",
			  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
			dprintf(ok_fd, "mount /proc: %s", strerror(errno));
			_exit(0);
		}
		/* The zoo makes its directory in /run: in a tmpfs of ours,
		 * it goes with our mount namespace even if we are killed. */
		(void)mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV,
			    "mode=0755");
		if (write(ok_fd, "ok", 2) != 2)
			_exit(1);
		close(ok_fd);
		int rc = run_all();
		fflush(stdout);
		/* We are init here: reap what the zoo left. */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		_exit(rc ? 1 : 0);
	}
	close(ok_fd);
	int st;
	while (waitpid(init, &st, 0) < 0 && errno == EINTR)
		;
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
}

int main(int argc, char **argv)
{
	zoo_path = argc > 1 ? argv[1] : NULL;
	exhaustive = getenv("NSREL_FAULT_EXHAUSTIVE") != NULL;
	verbose = getenv("NSREL_FAULT_VERBOSE") != NULL;
	if (getenv("NSREL_SANITIZED"))
		point_budget = 0;
	if (shim_init() < 0)
		return 1;
	R = mmap(NULL, sizeof(*R), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (R == MAP_FAILED)
		return 1;

	if (geteuid() != 0)
		snprintf(world_why, sizeof(world_why),
			 "needs root (a PID namespace and the zoo)");
	else if (!zoo_path)
		snprintf(world_why, sizeof(world_why), "no zoo program given");
	if (world_why[0])
		return run_all();

	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return 1;
	fflush(stdout);
	pid_t c = fork();
	if (c < 0)
		return 1;
	if (c == 0) {
		close(p[0]);
		world(p[1]);
	}
	close(p[1]);
	char buf[200] = "";
	ssize_t n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	if (n == 2 && memcmp(buf, "ok", 2) == 0) {
		int st;
		while (waitpid(c, &st, 0) < 0 && errno == EINTR)
			;
		return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	}
	waitpid(c, NULL, 0);
	snprintf(world_why, sizeof(world_why),
		 "cannot make a PID, mount and net namespace: %s",
		 n > 0 ? buf : "no answer");
	return run_all();
}
