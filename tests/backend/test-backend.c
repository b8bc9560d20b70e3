/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The two backends against each other: on the zoo (tests/zoo) and on the
 * live host, the BPF backend finds the same model as /proc: the same
 * namespaces with the same types, ids, parents, owners and owner uids,
 * the same processes (pid, ppid, name, command line, uid, start time, a
 * namespace of each type), the same references (process, task,
 * for_children, fd, socket, bind mount, hidden).
 *
 * The host changes while we look, so three scans run back to back, /proc,
 * BPF, /proc; what the two /proc scans agree on lived through the BPF scan
 * too and must be the same there; a difference that is not there again
 * in three new scans was the host's (run_diff()). What /proc cannot see
 * is the only thing the BPF scan may add, and each such thing is named:
 *   - processes /proc will not let us read (PID 1 on some hosts: no one
 *     may ptrace it; with hidepid=, others' processes), their references,
 *     and namespaces only they hold;
 *   - kernel threads' names: /proc adds a workqueue's description
 *     ("[kworker/0:1-events]"), the kernel's task name is the head of it.
 *
 * Also: forced BPF leaves no fd behind, a bad backend is -EINVAL, and as
 * nobody forced BPF fails with EPERM while the default still works.
 *
 * Usage: test-backend [ZOO]
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "fixture.h"
#include "nsrel.h"
#include "scan.h"
#include "skip.h"
#include "uapi.h"
#include "zoorun.h"

static const char *zoo_path;
static struct zoo_run zoo = ZOO_RUN_INIT;

static int zoo_start(void **state)
{
	(void)state;
	return zoo_run_setup(&zoo, zoo_path);
}

static int zoo_stop(void **state)
{
	(void)state;
	zoo_run_stop(&zoo);
	return 0;
}

static int scan_with(enum nsrel_backend b, unsigned types, unsigned sources,
		     struct nsrel_model **ret)
{
	struct nsrel_scan_opts o = {.sz = sizeof(o),
				    .types = types,
				    .sources = sources,
				    .flags = NSREL_SCAN_CMDLINE,
				    .backend = b};
	return nsrel_scan(&o, ret);
}

/* Whether this host can run the BPF backend at all; skips if not. */
static bool need_bpf(void)
{
	if (geteuid() != 0) {
		skip_because("the BPF backend needs root");
		return false;
	}
	struct nsrel_model *m = NULL;
	int r = scan_with(NSREL_BACKEND_BPF, CLONE_NEWUSER, NSREL_SRC_PROCS,
			  &m);
	nsrel_model_free(m);
	if (r == -EOPNOTSUPP) {
		skip_because("no BPF backend here (built without, or no BTF)");
		return false;
	}
	assert_int_equal(r, 0);
	return true;
}

static bool need_bpf_zoo(void)
{
	if (!need_bpf())
		return false;
	if (!zoo_path) {
		skip_because("no zoo program given");
		return false;
	}
	return true;
}

static bool need_bpf_userns(void)
{
	if (!need_bpf())
		return false;
	if (fixture_probe_userns() < 0) {
		skip_because("no user namespaces here");
		return false;
	}
	return true;
}

/* ---- A model, flattened to sorted (key, value) lines ------------------ */

struct line {
	char *key, *val;
};

struct flat {
	struct line *l;
	size_t n, cap;
};

static void flat_add(struct flat *f, char *key, char *val)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 1024;
		f->l = realloc(f->l, f->cap * sizeof(*f->l));
		assert_non_null(f->l);
	}
	f->l[f->n++] = (struct line){key, val};
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(((const struct line *)a)->key,
		      ((const struct line *)b)->key);
}

static const char *flat_get(const struct flat *f, const char *key)
{
	struct line k = {(char *)key, NULL};
	const struct line *l = bsearch(&k, f->l, f->n, sizeof(*l), cmp_line);
	return l ? l->val : NULL;
}

static void flat_free(struct flat *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->l[i].key);
		free(f->l[i].val);
	}
	free(f->l);
	*f = (struct flat){0};
}

__attribute__((format(printf, 1, 2))) static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;
	va_start(ap, f);
	assert_true(vasprintf(&s, f, ap) >= 0);
	va_end(ap);
	return s;
}

/* A growing string. */
struct str {
	char *s;
	size_t n;
};

__attribute__((format(printf, 2, 3))) static void cat(struct str *b,
						      const char *f, ...)
{
	va_list ap;
	char *s;
	va_start(ap, f);
	assert_true(vasprintf(&s, f, ap) >= 0);
	va_end(ap);
	size_t k = strlen(s);
	b->s = realloc(b->s, b->n + k + 1);
	assert_non_null(b->s);
	memcpy(b->s + b->n, s, k + 1);
	b->n += k;
	free(s);
}

static char *ns_name(const struct nsrel_ns *ns)
{
	if (!ns)
		return fmt("-");
	return fmt("%s:%lu", nsrel_nstype_str(nsrel_ns_type(ns)),
		   (unsigned long)nsrel_ns_ino(ns));
}

static char *proc_key(const struct nsrel_proc *p)
{
	return fmt("P %010d %llu", nsrel_proc_pid(p),
		   (unsigned long long)nsrel_proc_starttime(p));
}

/* The index of process pid in m (sorted by pid). */
static size_t proc_index(const struct nsrel_model *m, pid_t pid)
{
	size_t lo = 0, hi = nsrel_model_proc_count(m);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		pid_t p = nsrel_proc_pid(nsrel_model_proc(m, mid));
		if (p == pid)
			return mid;
		if (p < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Lines:
 *   "N type:ino"        → nsid, owner, parent, owner uid
 *   "M type:ino PATH in mnt:INO" for each bind mount
 *   "H type:ino"        → present if hidden
 *   "P pid start"       → ppid, uid, namespaces, argv; name after a tab
 *   "R pid start"       → its proc, task and for_children references
 *   "F pid start"       → its fd and socket references
 */
static void flatten(const struct nsrel_model *m, struct flat *f)
{
	size_t np = nsrel_model_proc_count(m);
	/* [0]: proc, task, for_children; [1]: fd, socket */
	char ***refs[2] = {calloc(np ? np : 1, sizeof(**refs)),
			   calloc(np ? np : 1, sizeof(**refs))};
	size_t *nrefs[2] = {calloc(np ? np : 1, sizeof(**nrefs)),
			    calloc(np ? np : 1, sizeof(**nrefs))};
	assert_true(refs[0] && refs[1] && nrefs[0] && nrefs[1]);
	for (size_t i = 0; i < nsrel_model_ns_count(m); i++) {
		const struct nsrel_ns *ns = nsrel_model_ns(m, i);
		char *name = ns_name(ns);
		char *owner = ns_name(nsrel_ns_owner(ns));
		char *parent = ns_name(nsrel_ns_parent(ns));
		uid_t uid;
		int hu = nsrel_ns_type(ns) == CLONE_NEWUSER
				 ? nsrel_ns_owner_uid(ns, &uid)
				 : -1;
		flat_add(f, fmt("N %s", name),
			 fmt("nsid %llu owner %s parent %s uid %lld",
			     (unsigned long long)nsrel_ns_id(ns).nsid, owner,
			     parent, hu == 0 ? (long long)uid : -1LL));
		free(owner);
		free(parent);
		char **mounts = NULL;
		size_t nm = 0;
		for (size_t k = 0; k < nsrel_ns_ref_count(ns); k++) {
			const struct nsrel_ref *r = nsrel_ns_ref(ns, k);
			enum nsrel_ref_kind kind = nsrel_ref_kind(r);
			if (kind == NSREL_REF_HIDDEN) {
				flat_add(f, fmt("H %s", name), fmt("hidden"));
				continue;
			}
			if (kind == NSREL_REF_BINDMOUNT) {
				char *mnt = ns_name(nsrel_ref_mntns(r));
				mounts = realloc(mounts,
						 (nm + 1) * sizeof(*mounts));
				mounts[nm++] =
					fmt("%s in %s", nsrel_ref_path(r), mnt);
				free(mnt);
				continue;
			}
			const struct nsrel_proc *p = nsrel_ref_proc(r);
			assert_non_null(p);
			/* No reference to a process the model lacks. */
			assert_ptr_equal(
				nsrel_model_find_proc(m, nsrel_proc_pid(p)), p);
			size_t pi = proc_index(m, nsrel_proc_pid(p));
			assert_true(pi < np);
			int g = kind == NSREL_REF_FD ||
				kind == NSREL_REF_SOCKET;
			refs[g][pi] =
				realloc(refs[g][pi],
					(nrefs[g][pi] + 1) * sizeof(***refs));
			refs[g][pi][nrefs[g][pi]++] = fmt(
				"%s %s tid %d fd %d", nsrel_ref_kind_str(kind),
				name, nsrel_ref_tid(r), nsrel_ref_fd(r));
		}
		/* One line per mount: mount namespaces come and go. */
		for (size_t k = 0; k < nm; k++)
			flat_add(f, fmt("M %s %s", name, mounts[k]), mounts[k]);
		free(mounts);
		free(name);
	}
	for (size_t i = 0; i < np; i++) {
		const struct nsrel_proc *p = nsrel_model_proc(m, i);
		struct str b = {0};
		cat(&b, "ppid %d uid %u ns", nsrel_proc_ppid(p),
		    (unsigned)nsrel_proc_uid(p));
		for (unsigned t = 0; t < NSREL_NSTYPE_COUNT; t++) {
			char *n = ns_name(nsrel_proc_ns(p, nsrel_nstype_at(t)));
			cat(&b, " %s", n);
			free(n);
		}
		cat(&b, " argv");
		for (size_t k = 0; k < nsrel_proc_argc(p); k++)
			cat(&b, " [%s]", nsrel_proc_arg(p, k));
		cat(&b, "\t%s", nsrel_proc_name(p));
		flat_add(f, proc_key(p), b.s);

		for (int g = 0; g < 2; g++) {
			struct str rb = {0};
			cat(&rb, "%s", "");
			if (nrefs[g][i])
				qsort(refs[g][i], nrefs[g][i], sizeof(***refs),
				      cmp_str);
			for (size_t k = 0; k < nrefs[g][i]; k++) {
				cat(&rb, "%s; ", refs[g][i][k]);
				free(refs[g][i][k]);
			}
			free(refs[g][i]);
			char *key = proc_key(p);
			key[0] = g ? 'F' : 'R';
			flat_add(f, key, rb.s);
		}
	}
	for (int g = 0; g < 2; g++) {
		free(refs[g]);
		free(nrefs[g]);
	}
	if (f->n > 1)
		qsort(f->l, f->n, sizeof(*f->l), cmp_line);
}

/* The same process line, but for the name of a kernel thread, where /proc
 * may say more ("[kworker/0:1-events]") than the kernel's task name. */
static bool same_proc(const char *proc, const char *bpf)
{
	if (strcmp(proc, bpf) == 0)
		return true;
	const char *tp = strchr(proc, '\t'), *tb = strchr(bpf, '\t');
	if (!tp || !tb || tp - proc != tb - bpf ||
	    strncmp(proc, bpf, (size_t)(tp - proc)) != 0)
		return false;
	tp++, tb++;
	size_t nb = strlen(tb);
	/* "[comm]" of a kernel thread: no argv */
	return tb[0] == '[' && nb > 2 && tb[nb - 1] == ']' &&
	       strstr(proc, " argv\t") && strncmp(tp, tb, nb - 1) == 0;
}

/* Whether /proc refuses us process pid's namespaces. */
static bool proc_unreadable(pid_t pid)
{
	char path[64], buf[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
	return readlink(path, buf, sizeof(buf)) < 0 &&
	       (errno == EACCES || errno == EPERM);
}

struct diff_result {
	size_t stable_procs, stable_ns, unseen_procs, unseen_ns;
};

/* Prints s on a TAP comment line: what processes call themselves may
 * hold newlines and escapes. */
static void put_escaped(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c >= 0x7f || c == '\\')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

__attribute__((format(printf, 1, 2))) static void note(const char *f, ...)
{
	va_list ap;
	char *s;
	va_start(ap, f);
	assert_true(vasprintf(&s, f, ap) >= 0);
	va_end(ap);
	printf("# ");
	put_escaped(s);
	printf("\n");
	free(s);
}

static pid_t key_pid(const char *key)
{
	return (pid_t)strtol(key + 2, NULL, 10);
}

/*
 * a and c are /proc scans before and after b, the BPF scan. Everything a
 * and c agree on must be in b as it is in a; what b has beyond a must be
 * what /proc could not show us, or what came or went between the scans.
 * The keys of what is not so are added to bad. keep, when not NULL, is
 * called for each line compared.
 */
static void diff(const struct flat *a, const struct flat *b,
		 const struct flat *c, uint64_t a_start,
		 bool (*strict)(pid_t pid), struct diff_result *res,
		 struct flat *bad, void (*keep)(const char *key, void *arg),
		 void *arg)
{
	*res = (struct diff_result){0};
	for (size_t i = 0; i < a->n; i++) {
		const struct line *l = &a->l[i];
		const char *cv = flat_get(c, l->key);
		if (!cv || strcmp(cv, l->val) != 0)
			continue; /* changed while we looked */
		const char *bv = flat_get(b, l->key);
		char kind = l->key[0];
		bool same = bv && (kind == 'P' ? same_proc(l->val, bv)
					       : strcmp(l->val, bv) == 0);
		if (kind == 'F' && !same && !strict(key_pid(l->key))) {
			/* Others open and close namespace fds all the time:
			 * one open only during the BPF scan is no error. */
			note("fds changed during the scans: %s", l->key);
			note("  proc: %s", l->val);
			note("  bpf:  %s", bv ? bv : "(absent)");
			continue;
		}
		if ((kind == 'R' || kind == 'F') && bv && !same) {
			/* The process's refs may only differ if something
			 * of it changed: its line in a and c agree. */
			char *pk = strdup(l->key);
			pk[0] = 'P';
			const char *pa = flat_get(a, pk), *pc = flat_get(c, pk);
			same = !pa || !pc || strcmp(pa, pc) != 0;
			free(pk);
		}
		if (kind == 'H' && !bv)
			/* Hidden to /proc, held in b: only by what /proc
			 * could not read (checked below with the 'R'). */
			same = true;
		if (!same) {
			note("differs: %s", l->key);
			note("  proc: %s", l->val);
			note("  bpf:  %s", bv ? bv : "(absent)");
			flat_add(bad, strdup(l->key), strdup("differs"));
			continue;
		}
		if (keep)
			keep(l->key, arg);
		if (kind == 'P')
			res->stable_procs++;
		if (kind == 'N')
			res->stable_ns++;
	}
	/* What only b has. */
	for (size_t i = 0; i < b->n; i++) {
		const struct line *l = &b->l[i];
		if (flat_get(a, l->key))
			continue;
		char kind = l->key[0];
		if (kind == 'P') {
			pid_t pid = key_pid(l->key);
			uint64_t start = strtoull(l->key + 13, NULL, 10);
			if (proc_unreadable(pid)) {
				note("/proc cannot read process %d: only BPF "
				     "sees it (%s)",
				     pid, strchr(l->val, '\t') + 1);
				res->unseen_procs++;
			} else if (!flat_get(c, l->key) || start >= a_start) {
				continue; /* came and went, or is new */
			} else {
				note("only BPF found %s: %s", l->key, l->val);
				flat_add(bad, strdup(l->key),
					 strdup("only BPF found it"));
			}
		} else if (kind == 'N' || kind == 'M') {
			if (flat_get(c, l->key))
				continue; /* not in a, in c: it is new */
			if (kind == 'N')
				res->unseen_ns++;
		}
	}
	/* A namespace b has and a has not, that c has: it must be held
	 * only by processes /proc could not read. */
	for (size_t i = 0; i < b->n; i++) {
		const struct line *l = &b->l[i];
		if (l->key[0] != 'R' || flat_get(a, l->key) || !*l->val)
			continue;
		char *pk = strdup(l->key);
		pk[0] = 'P';
		bool unseen = flat_get(c, pk) && proc_unreadable(key_pid(pk));
		free(pk);
		if (unseen)
			note("refs only BPF sees, of process %d: %s",
			     key_pid(l->key), l->val);
	}
	if (bad->n > 1)
		qsort(bad->l, bad->n, sizeof(*bad->l), cmp_line);
}

static void scan_flat(enum nsrel_backend be, struct flat *f)
{
	struct nsrel_model *m = NULL;
	assert_int_equal(scan_with(be, 0, 0, &m), 0);
	assert_int_equal(nsrel_model_backend(m), be);
	flatten(m, f);
	nsrel_model_free(m);
}

static bool has_key(const struct flat *compared, const char *key)
{
	return flat_get(compared, key) != NULL;
}

static void keep_key(const char *key, void *arg)
{
	flat_add(arg, strdup(key), strdup(""));
}

/* Now, in clock ticks since boot, as /proc's start times. */
static uint64_t now_ticks(void)
{
	struct timespec ts;
	assert_int_equal(clock_gettime(CLOCK_BOOTTIME, &ts), 0);
	uint64_t hz = (uint64_t)sysconf(_SC_CLK_TCK);
	return (uint64_t)ts.tv_sec * hz +
	       (uint64_t)ts.tv_nsec / (1000000000 / hz);
}

/* Keeps in f only the lines whose key is in g too. */
static void flat_keep_common(struct flat *f, const struct flat *g)
{
	size_t k = 0;
	for (size_t i = 0; i < f->n; i++) {
		if (flat_get(g, f->l[i].key)) {
			f->l[k++] = f->l[i];
			continue;
		}
		free(f->l[i].key);
		free(f->l[i].val);
	}
	f->n = k;
}

/* Rounds of three scans, at most: see run_diff(). */
#define DIFF_ROUNDS 3

/*
 * The three scans, compared (diff()). Others change the host meanwhile:
 * a mount can go and come back (or a namespace be dropped and another
 * made with its inode) between /proc's two scans, so that both have what
 * the BPF scan between them did not. Such a difference is the host's: in
 * three new scans it is not there again. One that is the backends' is
 * there every time: the test fails only on a difference found in each of
 * up to DIFF_ROUNDS rounds, the last of which fills res and compared.
 */
static void run_diff(struct diff_result *res, struct flat *compared,
		     bool (*strict)(pid_t pid))
{
	struct flat bad = {0};
	for (int round = 1; round <= DIFF_ROUNDS; round++) {
		struct flat a = {0}, b = {0}, c = {0}, now = {0};
		/* A tick early: a process started in this tick is new. */
		uint64_t a_start = now_ticks() - 1;
		scan_flat(NSREL_BACKEND_PROC, &a);
		scan_flat(NSREL_BACKEND_BPF, &b);
		scan_flat(NSREL_BACKEND_PROC, &c);
		if (compared)
			flat_free(compared);
		diff(&a, &b, &c, a_start, strict, res, &now,
		     compared ? keep_key : NULL, compared);
		flat_free(&a);
		flat_free(&b);
		flat_free(&c);
		size_t found = now.n;
		if (round == 1) {
			bad = now;
		} else {
			flat_keep_common(&bad, &now);
			flat_free(&now);
		}
		printf("# round %d: compared %zu processes and %zu "
		       "namespaces; %zu processes and %zu namespaces only "
		       "BPF sees; %zu differences, %zu of them in every "
		       "round\n",
		       round, res->stable_procs, res->stable_ns,
		       res->unseen_procs, res->unseen_ns, found, bad.n);
		if (!bad.n)
			break;
	}
	if (compared && compared->n > 1)
		qsort(compared->l, compared->n, sizeof(*compared->l), cmp_line);
	for (size_t i = 0; i < bad.n; i++)
		note("%s in every round: %s", bad.l[i].val, bad.l[i].key);
	size_t n = bad.n;
	flat_free(&bad);
	if (n)
		fail_msg("%zu differences between the backends, in each of "
			 "%d rounds of scans",
			 n, DIFF_ROUNDS);
}

/* ---- Tests ----------------------------------------------------------------
 */

/* On the host, no process's fds are held to be the same: others open and
 * close namespaces all the time, and so does the scan itself (the /proc
 * scan sees, in its own fds, the mount namespaces it keeps open). */
static bool no_pid(pid_t pid)
{
	(void)pid;
	return false;
}

static bool is_zoo(pid_t pid)
{
	json_object *arr;
	if (!json_object_object_get_ex(zoo.m, "processes", &arr))
		return false;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *c = json_object_array_get_idx(arr, i), *v;
		if (json_object_object_get_ex(c, "pid", &v) &&
		    json_object_get_int(v) == pid)
			return true;
	}
	return false;
}

/* The live host: what lived through the three scans is the same, and we
 * are among it. */
static void test_host(void **state)
{
	(void)state;
	if (!need_bpf())
		return;
	struct flat compared = {0};
	struct diff_result res;
	run_diff(&res, &compared, no_pid);
	assert_true(res.stable_procs > 0);
	struct stat st;
	assert_int_equal(stat("/proc/self", &st), 0);
	char *self = NULL;
	/* Our own process did not change during the scans. */
	for (size_t i = 0; i < compared.n && !self; i++)
		if (compared.l[i].key[0] == 'P' &&
		    key_pid(compared.l[i].key) == getpid())
			self = compared.l[i].key;
	assert_non_null(self);
	flat_free(&compared);
}

static char **main_argv;

/*
 * A process that wrote its title over its arguments as setproctitle()
 * does: the last byte of the argument area is no NUL any more, and the
 * title runs on into the environment. /proc/PID/cmdline then reads from
 * the start of the arguments to the first NUL; so must the BPF backend.
 */
static pid_t start_titled(int *ready)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Gone with us, whatever fails; holds none of our output. */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || null < 0 ||
		    dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(1);
		extern char **environ;
		char *start = main_argv[0], *end = start;
		for (int i = 0; main_argv[i]; i++)
			end = main_argv[i] + strlen(main_argv[i]) + 1;
		memset(start, 't', (size_t)(end - start));
		memcpy(start, "nsrel-titled ", 13);
		if (environ && environ[0] == end && end[0])
			end[0] = 'T';
		if (write(p[1], "", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	*ready = p[0];
	char c;
	assert_int_equal(read(p[0], &c, 1), 1);
	return pid;
}

static void test_title(void **state)
{
	(void)state;
	if (!need_bpf())
		return;
	int ready;
	pid_t pid = start_titled(&ready);
	struct flat compared = {0};
	struct diff_result res;
	run_diff(&res, &compared, no_pid);
	bool found = false;
	for (size_t i = 0; i < compared.n && !found; i++)
		found = compared.l[i].key[0] == 'P' &&
			key_pid(compared.l[i].key) == pid;
	struct nsrel_model *m = NULL;
	assert_int_equal(scan_with(NSREL_BACKEND_BPF, 0, NSREL_SRC_PROCS, &m),
			 0);
	const struct nsrel_proc *p = nsrel_model_find_proc(m, pid);
	/* Read as a title, compared, and the same in both. */
	assert_non_null(p);
	assert_int_equal(nsrel_proc_argc(p), 1);
	assert_int_equal(strncmp(nsrel_proc_arg(p, 0), "nsrel-titled ttt", 16),
			 0);
	nsrel_model_free(m);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(ready);
	assert_true(found);
	flat_free(&compared);
}

/* The zoo: every case's namespace and every zoo process was compared (the
 * zoo does not change while it runs), and found the same. */
static void test_zoo(void **state)
{
	(void)state;
	if (!need_bpf_zoo())
		return;
	struct flat compared = {0};
	struct diff_result res;
	run_diff(&res, &compared, is_zoo);
	json_object *arr;
	assert_true(json_object_object_get_ex(zoo.m, "namespaces", &arr));
	assert_true(json_object_array_length(arr) >= 15);
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *c = json_object_array_get_idx(arr, i);
		char *key = fmt("N %s:%lld", zoo_jstr(c, "type"),
				(long long)zoo_jint(c, "ino"));
		if (!has_key(&compared, key))
			fail_msg("zoo case %s (%s) not compared",
				 zoo_jstr(c, "name"), key);
		free(key);
		if (strcmp(zoo_jstr(c, "held"), "bindmount") == 0) {
			key = fmt("M %s:%lld %s in mnt:%lld",
				  zoo_jstr(c, "type"),
				  (long long)zoo_jint(c, "ino"),
				  zoo_jstr(c, "path"),
				  (long long)zoo_jint(c, "mntns"));
			if (!has_key(&compared, key))
				fail_msg("zoo mount %s not compared", key);
			free(key);
		}
	}
	assert_true(json_object_object_get_ex(zoo.m, "processes", &arr));
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *c = json_object_array_get_idx(arr, i);
		pid_t pid = (pid_t)zoo_jint(c, "pid");
		bool p = false, r = false, f = false;
		for (size_t k = 0; k < compared.n; k++) {
			const char *key = compared.l[k].key;
			if (key_pid(key) != pid)
				continue;
			p |= key[0] == 'P';
			r |= key[0] == 'R';
			f |= key[0] == 'F';
		}
		if (!p || !r || !f)
			fail_msg("zoo process %d not compared", pid);
	}
	printf("# every zoo case and process is the same in both\n");
	flat_free(&compared);
}

/* Whether ns is in its model only by references that are not the zoo's:
 * others' processes (others' scans open our namespaces for a moment, so
 * in one scan an fd holds what is otherwise only on a mount that this
 * selection does not read) and others' bind mounts (foreign-load makes
 * and removes them all the time). */
static bool foreign_held_ns(const struct nsrel_ns *ns)
{
	if (!ns)
		return false;
	for (size_t i = 0; i < nsrel_ns_ref_count(ns); i++) {
		const struct nsrel_ref *r = nsrel_ns_ref(ns, i);
		const struct nsrel_proc *p = nsrel_ref_proc(r);
		const char *path = nsrel_ref_path(r);
		if (p ? is_zoo(nsrel_proc_pid(p))
		      : !path || strncmp(path, zoo.dir, strlen(zoo.dir)) == 0)
			return false;
	}
	return true;
}

static bool foreign_held(const struct nsrel_model *m, int type, ino_t ino)
{
	return foreign_held_ns(nsrel_model_find(m, type, ino));
}

/* A zoo namespace's line for the selection test: as flatten()'s, but an
 * owner or parent held only by others counts as none. */
static char *zoo_ns_line(const struct nsrel_model *m, int type, ino_t ino)
{
	const struct nsrel_ns *ns = nsrel_model_find(m, type, ino);
	if (!ns)
		return NULL;
	const struct nsrel_ns *o = nsrel_ns_owner(ns), *p = nsrel_ns_parent(ns);
	char *owner = ns_name(foreign_held_ns(o) ? NULL : o);
	char *parent = ns_name(foreign_held_ns(p) ? NULL : p);
	uid_t uid;
	int hu = type == CLONE_NEWUSER ? nsrel_ns_owner_uid(ns, &uid) : -1;
	char *line = fmt("nsid %llu owner %s parent %s uid %lld",
			 (unsigned long long)nsrel_ns_id(ns).nsid, owner,
			 parent, hu == 0 ? (long long)uid : -1LL);
	free(owner);
	free(parent);
	return line;
}

/* Types and sources: each selection is the same in both backends (on the
 * zoo's own namespaces, which do not change). */
static void test_selections(void **state)
{
	(void)state;
	if (!need_bpf_zoo())
		return;
	static const struct {
		unsigned types, sources;
	} sel[] = {
		{CLONE_NEWUSER, 0},
		{CLONE_NEWPID, 0},
		{CLONE_NEWNET, 0},
		{CLONE_NEWNET | CLONE_NEWUTS, NSREL_SRC_FDS | NSREL_SRC_PROCS},
		{0, NSREL_SRC_ALL & ~NSREL_SRC_HIERARCHY},
		{0, NSREL_SRC_ALL & ~NSREL_SRC_TASKS},
		{0, NSREL_SRC_ALL & ~NSREL_SRC_PROCS},
		{0, NSREL_SRC_TASKS},
		{0, NSREL_SRC_MOUNTS},
	};
	json_object *arr;
	assert_true(json_object_object_get_ex(zoo.m, "namespaces", &arr));
	for (size_t s = 0; s < sizeof(sel) / sizeof(sel[0]); s++) {
		/* /proc, BPF, /proc: what the two /proc scans disagree on
		 * changed while we looked. */
		struct nsrel_model *mp = NULL, *mb = NULL, *mp2 = NULL;
		assert_int_equal(scan_with(NSREL_BACKEND_PROC, sel[s].types,
					   sel[s].sources, &mp),
				 0);
		assert_int_equal(scan_with(NSREL_BACKEND_BPF, sel[s].types,
					   sel[s].sources, &mb),
				 0);
		assert_int_equal(scan_with(NSREL_BACKEND_PROC, sel[s].types,
					   sel[s].sources, &mp2),
				 0);
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			json_object *c = json_object_array_get_idx(arr, i);
			int type = nsrel_nstype_from_str(zoo_jstr(c, "type"));
			ino_t ino = (ino_t)zoo_jint(c, "ino");
			char *vp = zoo_ns_line(mp, type, ino);
			char *vb = zoo_ns_line(mb, type, ino);
			char *vp2 = zoo_ns_line(mp2, type, ino);
			bool changed = (vp == NULL) != (vp2 == NULL) ||
				       (vp && strcmp(vp, vp2) != 0);
			free(vp2);
			if (changed)
				note("%s:%lu: changed during the scans",
				     zoo_jstr(c, "type"), (unsigned long)ino);
			else if ((vp == NULL) != (vb == NULL) &&
				 foreign_held(vp ? mp : mb, type, ino))
				note("%s:%lu: held by others' processes "
				     "or mounts during one of the scans",
				     zoo_jstr(c, "type"), (unsigned long)ino);
			else if ((vp == NULL) != (vb == NULL) ||
				 (vp && strcmp(vp, vb) != 0))
				fail_msg("types %#x sources %#x: %s:%lu: "
					 "proc %s, bpf %s",
					 sel[s].types, sel[s].sources,
					 zoo_jstr(c, "type"),
					 (unsigned long)ino,
					 vp ? vp : "(absent)",
					 vb ? vb : "(absent)");
			free(vp);
			free(vb);
		}
		nsrel_model_free(mp);
		nsrel_model_free(mb);
		nsrel_model_free(mp2);
	}
}

/* ---- Many new namespaces above one task ------------------------------ */

/* How deep the test's user namespace chains are: eight of them above one
 * task are more records than the iterator keeps for one task. */
#define CHAIN 20

/* A task whose eight namespaces each have a chain of their own. */
#define JOINS 8

struct join {
	pid_t pid;
	char link[24]; /* under /proc/PID/ns */
	int type;
};

/* The process that joins the namespaces it is sent (JOINS of them, the
 * user namespace last: joining it gives up what joining the others
 * needs), answers 0 or an errno, and waits to be killed. */
static _Noreturn void joiner(int in, int out)
{
	struct join j[JOINS];
	int fds[JOINS], err = 0;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 ||
	    read(in, j, sizeof(j)) != (ssize_t)sizeof(j))
		_exit(1);
	for (int k = 0; k < JOINS && !err; k++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", j[k].pid,
			 j[k].link);
		fds[k] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[k] < 0)
			err = errno;
	}
	for (int k = 0; k < JOINS && !err; k++)
		if (setns(fds[k], j[k].type) < 0)
			err = errno;
	/* No fd left: its namespaces are held by the task alone. */
	for (int k = 0; k < JOINS; k++)
		if (fds[k] >= 0)
			close(fds[k]);
	if (write(out, &err, sizeof(err)) != (ssize_t)sizeof(err))
		_exit(1);
	for (;;)
		pause();
}

/* The namespaces a test made: "N type:ino" keys. */
struct keys {
	char *k[JOINS * (CHAIN + 1)];
	size_t n;
};

static void key_add(struct keys *ks, const char *type, ino_t ino)
{
	assert_true(ks->n < sizeof(ks->k) / sizeof(ks->k[0]));
	ks->k[ks->n++] = fmt("N %s:%lu", type, (unsigned long)ino);
}

static ino_t ns_ino(pid_t pid, const char *link)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, link);
	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

/* The user namespaces of fixture f's chain, each the child of the one
 * before, the first a child of ours; its last is the owner of what f
 * unshared (type, as /proc/f/ns/link shows it, if any): all in *ks, and
 * so /proc says. */
static void chain_keys(const struct flat *proc, const struct fixture *f,
		       const char *type, const char *link, struct keys *ks)
{
	char *parent = fmt("user:%lu", (unsigned long)ns_ino(getpid(), "user"));
	for (unsigned i = 0; i < f->user_levels; i++) {
		key_add(ks, "user", f->user_ino[i]);
		const char *line = flat_get(proc, ks->k[ks->n - 1]);
		char *want = fmt("owner %s parent %s ", parent, parent);
		if (!line || !strstr(line, want))
			fail_msg("%s: /proc says %s, not %s", ks->k[ks->n - 1],
				 line ? line : "(absent)", want);
		free(want);
		free(parent);
		parent = fmt("user:%lu", (unsigned long)f->user_ino[i]);
	}
	if (type) {
		key_add(ks, type, ns_ino(f->pid, link));
		const char *line = flat_get(proc, ks->k[ks->n - 1]);
		char *want = fmt("owner %s ", parent);
		if (!line || !strstr(line, want))
			fail_msg("%s: /proc says %s, not %s", ks->k[ks->n - 1],
				 line ? line : "(absent)", want);
		free(want);
	}
	free(parent);
}

/* The namespaces of keys, and process pid's lines: the same in a /proc
 * and a BPF scan. The /proc scan is given (it found the keys). */
static void same_in_bpf(const struct flat *proc, const struct keys *ks,
			pid_t pid)
{
	struct nsrel_model *m = NULL;
	struct flat bpf = {0};
	assert_int_equal(scan_with(NSREL_BACKEND_BPF, 0, 0, &m), 0);
	flatten(m, &bpf);
	size_t failures = 0;
	char *pk = NULL;
	if (pid) {
		const struct nsrel_proc *p = nsrel_model_find_proc(m, pid);
		assert_non_null(p);
		pk = proc_key(p);
	}
	for (size_t i = 0; i < ks->n + (pk ? 2 : 0); i++) {
		const char *key = i < ks->n ? ks->k[i] : pk;
		if (i == ks->n + 1)
			pk[0] = 'R';
		const char *pv = flat_get(proc, key), *bv = flat_get(&bpf, key);
		if (pv && bv && strcmp(pv, bv) == 0)
			continue;
		note("differs: %s", key);
		note("  proc: %s", pv ? pv : "(absent)");
		note("  bpf:  %s", bv ? bv : "(absent)");
		failures++;
	}
	printf("# compared %zu namespaces\n", ks->n);
	free(pk);
	flat_free(&bpf);
	nsrel_model_free(m);
	if (failures)
		fail_msg("%zu differences between the backends", failures);
}

/* What the BPF iterators wrote: how many records describe namespace
 * key ("N type:ino"). */
static size_t records_of(const struct bpf_records *rec, const char *key)
{
	unsigned long ino = strtoul(strchr(key, ':') + 1, NULL, 10);
	int type = 0;
	char name[16];
	assert_int_equal(sscanf(key, "N %15[a-z]:", name), 1);
	type = nsrel_nstype_from_str(name);
	size_t n = 0;
	for (size_t i = 0; i < rec->ns_n; i++)
		n += rec->ns[i].inum == ino && (int)rec->ns[i].type == type;
	return n;
}

static const struct nsrel_bpf_task *task_of(const struct bpf_records *rec,
					    pid_t pid)
{
	for (size_t i = 0; i < rec->tasks_n; i++)
		if (rec->tasks[i].pid == pid)
			return &rec->tasks[i];
	return NULL;
}

/* No namespace of ks described twice (at most once; exactly once with
 * whole, where nothing was cut). */
static void described_once(const struct bpf_records *rec, const struct keys *ks,
			   bool whole)
{
	size_t failures = 0;
	for (size_t i = 0; i < ks->n; i++) {
		size_t n = records_of(rec, ks->k[i]);
		if (n == 1 || (n == 0 && !whole))
			continue;
		note("%s: described %zu times", ks->k[i], n);
		failures++;
	}
	if (failures)
		fail_msg("%zu namespaces not described once", failures);
}

/*
 * One task whose eight namespaces (the user namespace among them) each
 * have a chain of CHAIN user namespaces of their own above them, which
 * no other task holds: more records than the iterator keeps for one
 * task. Its records say they were cut, none is written twice, and the
 * scan still finds what /proc finds: every namespace of the chains, with
 * its owner and parent, and the task's own.
 */
static void test_many_chains(void **state)
{
	(void)state;
	if (!need_bpf_userns())
		return;
	static const struct {
		int flags;
		const char *type, *link;
	} kinds[JOINS] = {
		{CLONE_NEWNS, "mnt", "mnt"},
		{CLONE_NEWCGROUP, "cgroup", "cgroup"},
		{CLONE_NEWUTS, "uts", "uts"},
		{CLONE_NEWIPC, "ipc", "ipc"},
		{CLONE_NEWNET, "net", "net"},
		{CLONE_NEWTIME, "time", "time_for_children"},
		{CLONE_NEWPID, "pid", "pid_for_children"},
		{0, NULL, "user"},
	};
	int in[2], out[2];
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	fflush(stdout);
	/* First, so that the iterator meets it before the fixtures. */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		joiner(in[0], out[1]);
	close(in[0]);
	close(out[1]);
	struct fixture f[JOINS];
	struct join j[JOINS];
	for (int k = 0; k < JOINS; k++) {
		struct fixture_opts o = {.user_depth = CHAIN,
					 .unshare_flags = kinds[k].flags};
		int r = fixture_start(&o, &f[k]);
		if (r < 0)
			fail_msg("fixture %s: %s: %s", kinds[k].link,
				 f[k].failed_step, strerror(-r));
		j[k] = (struct join){.pid = f[k].pid,
				     .type = kinds[k].flags ? kinds[k].flags
							    : CLONE_NEWUSER};
		snprintf(j[k].link, sizeof(j[k].link), "%s", kinds[k].link);
	}
	assert_int_equal(write(in[1], j, sizeof(j)), (ssize_t)sizeof(j));
	int err = -1;
	assert_int_equal(read(out[0], &err, sizeof(err)), (ssize_t)sizeof(err));
	if (err)
		fail_msg("joining: %s", strerror(err));

	struct keys ks = {0};
	struct flat proc = {0};
	scan_flat(NSREL_BACKEND_PROC, &proc);
	for (int k = 0; k < JOINS; k++)
		chain_keys(&proc, &f[k], kinds[k].type, kinds[k].link, &ks);
	assert_int_equal(ks.n, JOINS * CHAIN + JOINS - 1);
	/* The task holds them alone now, but for the PID namespace, whose
	 * first process must live. */
	for (int k = 0; k < JOINS; k++)
		if (kinds[k].flags != CLONE_NEWPID)
			fixture_stop(&f[k]);

	same_in_bpf(&proc, &ks, pid);

	struct bpf_records rec = {0};
	assert_int_equal(nsrel__scan_bpf_read(&rec, 0), 0);
	const struct nsrel_bpf_task *t = task_of(&rec, pid);
	assert_non_null(t);
	assert_true(t->rec_flags & NSREL_BPF_TASK_TRUNCATED);
	described_once(&rec, &ks, false);
	nsrel__scan_bpf_free(&rec);

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	for (int k = 0; k < JOINS; k++)
		fixture_stop(&f[k]);
	for (size_t i = 0; i < ks.n; i++)
		free(ks.k[i]);
	flat_free(&proc);
	close(in[1]);
	close(out[0]);
}

/*
 * One chain of user namespaces above all of a process's namespaces: the
 * chain is described once, not once for each namespace it owns, and
 * nothing is cut.
 */
static void test_shared_chain(void **state)
{
	(void)state;
	if (!need_bpf_userns())
		return;
	struct fixture f;
	struct fixture_opts o = {
		.user_depth = CHAIN,
		.unshare_flags = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS |
				 CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWTIME |
				 CLONE_NEWPID};
	int r = fixture_start(&o, &f);
	if (r < 0)
		fail_msg("fixture: %s: %s", f.failed_step, strerror(-r));
	struct flat proc = {0};
	scan_flat(NSREL_BACKEND_PROC, &proc);
	struct keys ks = {0};
	chain_keys(&proc, &f, NULL, NULL, &ks);
	static const char *const types[] = {"mnt", "cgroup", "uts", "ipc",
					    "net", "time",   "pid"};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		key_add(&ks, types[i], ns_ino(f.member, types[i]));

	same_in_bpf(&proc, &ks, f.member);

	struct bpf_records rec = {0};
	assert_int_equal(nsrel__scan_bpf_read(&rec, 0), 0);
	const struct nsrel_bpf_task *t = task_of(&rec, f.pid);
	assert_non_null(t);
	assert_false(t->rec_flags & NSREL_BPF_TASK_TRUNCATED);
	described_once(&rec, &ks, true);
	nsrel__scan_bpf_free(&rec);

	fixture_stop(&f);
	for (size_t i = 0; i < ks.n; i++)
		free(ks.k[i]);
	flat_free(&proc);
}

/* The fd refs (kind) of process pid on namespace (type, ino) in m. */
static size_t fd_refs(const struct nsrel_model *m, int type, ino_t ino,
		      pid_t pid, enum nsrel_ref_kind kind)
{
	const struct nsrel_ns *ns = nsrel_model_find(m, type, ino);
	size_t n = 0;
	for (size_t i = 0; ns && i < nsrel_ns_ref_count(ns); i++) {
		const struct nsrel_ref *r = nsrel_ns_ref(ns, i);
		n += nsrel_ref_kind(r) == kind &&
		     nsrel_proc_pid(nsrel_ref_proc(r)) == pid;
	}
	return n;
}

/*
 * A process with more namespace fds than the iterator writes for one
 * (FILES_MAX, 512): its task record says its files were cut, and the scan
 * reads its fds from /proc, so that every one is found as /proc's scan
 * finds it; a socket it made before it moved to a net namespace of its
 * own (so one of another namespace than its own) too. A process with a
 * few is not cut.
 */
#define MANY_FDS 600

/* In a child: where ok, opens MANY_FDS fds of its uts namespace; says on
 * ready whether all went well ('y'), and waits to be killed. */
static _Noreturn void hold_many_fds(int ready, bool ok)
{
	for (int i = 0; ok && i < MANY_FDS; i++)
		ok = open("/proc/self/ns/uts", O_RDONLY) >= 0;
	char c = ok ? 'y' : 'n';
	(void)!write(ready, &c, 1);
	pause();
	_exit(0);
}
static void test_many_files(void **state)
{
	(void)state;
	if (!need_bpf())
		return;
	int ready[2];
	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	fflush(stdout);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Gone with the test, even where a check fails first. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ready[0]);
		hold_many_fds(ready[1],
			      socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0) >=
					      0 &&
				      unshare(CLONE_NEWNET) == 0);
	}
	close(ready[1]);
	char c = 0;
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	if (c != 'y') {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail_msg("the child could not open its fds");
	}
	ino_t uts = ns_ino(pid, "uts");
	ino_t net = ns_ino(getpid(), "net");

	struct bpf_records rec = {0};
	int r = nsrel__scan_bpf_read(&rec, 0);
	const struct nsrel_bpf_task *t = r ? NULL : task_of(&rec, pid);
	const struct nsrel_bpf_task *we = r ? NULL : task_of(&rec, getpid());
	bool cut = t && (t->rec_flags & NSREL_BPF_TASK_FILES_CUT);
	bool we_cut = !we || (we->rec_flags & NSREL_BPF_TASK_FILES_CUT);
	nsrel__scan_bpf_free(&rec);

	static const enum nsrel_backend backends[] = {NSREL_BACKEND_PROC,
						      NSREL_BACKEND_BPF};
	size_t fds[2] = {0}, socks[2] = {0};
	int rs[2];
	for (size_t b = 0; b < 2; b++) {
		struct nsrel_model *m = NULL;
		rs[b] = scan_with(backends[b], CLONE_NEWUTS | CLONE_NEWNET,
				  NSREL_SRC_ALL, &m);
		fds[b] = fd_refs(m, CLONE_NEWUTS, uts, pid, NSREL_REF_FD);
		socks[b] = fd_refs(m, CLONE_NEWNET, net, pid, NSREL_REF_SOCKET);
		nsrel_model_free(m);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);

	assert_int_equal(r, 0);
	assert_true(cut);
	assert_false(we_cut);
	for (size_t b = 0; b < 2; b++) {
		assert_int_equal(rs[b], 0);
		if (fds[b] != MANY_FDS || socks[b] != 1)
			fail_msg("%s: %zu uts fds (of %d), %zu sockets (of 1)",
				 b ? "bpf" : "proc", fds[b], MANY_FDS,
				 socks[b]);
	}
}

/* The namespace record of (type, inode) in rec, or NULL. */
static const struct nsrel_bpf_ns *ns_record(const struct bpf_records *rec,
					    __u32 type, __u32 inum)
{
	for (size_t i = 0; i < rec->ns_n; i++)
		if (rec->ns[i].inum == inum && rec->ns[i].type == type)
			return &rec->ns[i];
	return NULL;
}

/* The type of task record slot i (NSREL_BPF_SLOT_*). */
static __u32 slot_type(size_t i)
{
	if (i == NSREL_BPF_SLOT_TIME_FOR_CHILDREN)
		return CLONE_NEWTIME;
	if (i == NSREL_BPF_SLOT_PID_FOR_CHILDREN)
		return CLONE_NEWPID;
	return (__u32)nsrel_nstype_at((unsigned)i);
}

/*
 * The task program has two builds, one for kernels with bpf_rdonly_cast()
 * (6.2 on), one for those without, taken where the first does not load:
 * here both load, and both say the same of every zoo process, its
 * namespaces (owner, parent, owner uid, id) and its fds.
 */
static void test_compat_build(void **state)
{
	(void)state;
	if (!need_bpf_zoo())
		return;
	struct bpf_records rec[2] = {{0}};
	assert_int_equal(nsrel__scan_bpf_read(&rec[0], 0), 0);
	assert_int_equal(nsrel__scan_bpf_read(&rec[1], NSREL__BPF_COMPAT), 0);
	json_object *arr;
	assert_true(json_object_object_get_ex(zoo.m, "processes", &arr));
	size_t procs = 0, nss = 0, files = 0;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		pid_t pid = (pid_t)zoo_jint(json_object_array_get_idx(arr, i),
					    "pid");
		const struct nsrel_bpf_task *t[2] = {task_of(&rec[0], pid),
						     task_of(&rec[1], pid)};
		if (!t[0] || !t[1])
			fail_msg("zoo process %d: %s", pid,
				 t[0] ? "missing in compat" : "missing");
		assert_int_equal(t[0]->tgid, t[1]->tgid);
		assert_int_equal(t[0]->ppid, t[1]->ppid);
		assert_int_equal(t[0]->euid, t[1]->euid);
		assert_int_equal(t[0]->rec_flags, t[1]->rec_flags);
		assert_int_equal(t[0]->start_boottime, t[1]->start_boottime);
		assert_memory_equal(t[0]->comm, t[1]->comm, sizeof(t[0]->comm));
		procs++;
		for (size_t k = 0; k < NSREL_BPF_SLOTS; k++) {
			assert_int_equal(t[0]->ns[k], t[1]->ns[k]);
			if (!t[0]->ns[k])
				continue;
			const struct nsrel_bpf_ns *n[2];
			for (int b = 0; b < 2; b++) {
				n[b] = ns_record(&rec[b], slot_type(k),
						 t[0]->ns[k]);
				if (!n[b])
					fail_msg("%d's %s:%u not described%s",
						 pid,
						 nsrel_nstype_str(
							 (int)slot_type(k)),
						 t[0]->ns[k],
						 b ? " by compat" : "");
			}
			assert_int_equal(n[0]->owner, n[1]->owner);
			assert_int_equal(n[0]->parent, n[1]->parent);
			assert_int_equal(n[0]->owner_uid, n[1]->owner_uid);
			assert_int_equal(n[0]->id, n[1]->id);
			nss++;
		}
		size_t nf[2] = {0};
		for (int b = 0; b < 2; b++)
			for (size_t f = 0; f < rec[b].files_n; f++)
				if (rec[b].files[f].tgid == pid) {
					nf[b]++;
					const struct nsrel_bpf_file *x =
						&rec[b].files[f];
					bool found = false;
					for (size_t g = 0; g < rec[!b].files_n;
					     g++) {
						const struct nsrel_bpf_file *y =
							&rec[!b].files[g];
						found |= y->tgid == pid &&
							 y->fd == x->fd &&
							 y->type == x->type &&
							 y->inum == x->inum &&
							 y->socket == x->socket;
					}
					if (!found)
						fail_msg("%d's fd %u only in "
							 "one build",
							 pid, x->fd);
				}
		assert_int_equal(nf[0], nf[1]);
		files += nf[0];
	}
	nsrel__scan_bpf_free(&rec[0]);
	nsrel__scan_bpf_free(&rec[1]);
	assert_true(procs > 0 && files > 0);
	printf("# %zu zoo processes, %zu namespace slots, %zu fds the same in "
	       "both builds\n",
	       procs, nss, files);
}

/* Forced BPF releases everything: no fd (program, map, link, iterator)
 * is left, also after many scans. */
static void test_nothing_left(void **state)
{
	(void)state;
	if (!need_bpf())
		return;
	int fds = fixture_fd_count();
	for (int i = 0; i < 5; i++) {
		struct nsrel_model *m = NULL;
		assert_int_equal(scan_with(NSREL_BACKEND_BPF, 0, 0, &m), 0);
		nsrel_model_free(m);
	}
	assert_int_equal(fixture_fd_count(), fds);
}

/* PID 1 of our PID namespace exists: the scan lists it, or counts it as
 * a process it could not read (a kernel may hide it from the iterators,
 * as this one's VM init is hidden from them and from /proc). */
static void test_init_counted(void **state)
{
	(void)state;
	if (!need_bpf())
		return;
	assert_int_equal(access("/proc/1", F_OK), 0);
	struct nsrel_model *m = NULL;
	assert_int_equal(scan_with(NSREL_BACKEND_BPF, 0, 0, &m), 0);
	const struct nsrel_proc *init = nsrel_model_find_proc(m, 1);
	print_message("# PID 1 %s\n",
		      init ? "listed" : "not listed, counted unreadable");
	assert_true(init || nsrel_model_unreadable(m) > 0);
	nsrel_model_free(m);
}

/* The command lines' reader is a child that runs beside the other
 * iterators: the scan must not list it. Any process of the model whose
 * parent we are is one we had before the scan (the zoo's, where it is
 * ours). */
static void test_no_helper_listed(void **state)
{
	(void)state;
	if (!need_bpf())
		return;
	for (int i = 0; i < 3; i++) {
		/* " PID PID ... ": the children we have */
		char path[64], before[4096] = " ";
		snprintf(path, sizeof(path), "/proc/%d/task/%d/children",
			 (int)getpid(), (int)getpid());
		FILE *f = fopen(path, "re");
		if (f) {
			if (!fgets(before + 1, sizeof(before) - 1, f))
				before[1] = '\0';
			fclose(f);
		}
		struct nsrel_model *m = NULL;
		assert_int_equal(scan_with(NSREL_BACKEND_BPF, 0, 0, &m), 0);
		for (size_t k = 0; k < nsrel_model_proc_count(m); k++) {
			const struct nsrel_proc *p = nsrel_model_proc(m, k);
			char pid[24];
			snprintf(pid, sizeof(pid), " %d ",
				 (int)nsrel_proc_pid(p));
			if (nsrel_proc_ppid(p) == getpid() &&
			    !strstr(before, pid))
				fail_msg("the scan lists pid %d, a child of "
					 "ours it started",
					 (int)nsrel_proc_pid(p));
		}
		nsrel_model_free(m);
	}
}

static void test_bad_backend(void **state)
{
	(void)state;
	struct nsrel_model *m = NULL;
	assert_int_equal(scan_with((enum nsrel_backend)3, 0, 0, &m), -EINVAL);
	assert_int_equal(scan_with((enum nsrel_backend) - 1, 0, 0, &m),
			 -EINVAL);
	assert_null(m);
	assert_string_equal(nsrel_backend_str(NSREL_BACKEND_BPF), "bpf");
	assert_string_equal(nsrel_backend_str(NSREL_BACKEND_PROC), "proc");
	assert_string_equal(nsrel_backend_str(NSREL_BACKEND_AUTO), "auto");
	assert_null(nsrel_backend_str((enum nsrel_backend)7));
	/* An older caller's options, without the backend: AUTO. */
	struct nsrel_scan_opts o = {
		.sz = offsetof(struct nsrel_scan_opts, backend)};
	assert_int_equal(nsrel_scan(&o, &m), 0);
	enum nsrel_backend older = nsrel_model_backend(m);
	nsrel_model_free(m);
	assert_int_equal(scan_with(NSREL_BACKEND_AUTO, 0, 0, &m), 0);
	assert_int_equal(nsrel_model_backend(m), older);
	nsrel_model_free(m);
}

/*
 * BPF in a PID namespace of its own (with its own /proc): the records'
 * pids are the numbers there, not the kernel's, and the processes are
 * that namespace's alone: its init (1) and a child (2, of parent 1).
 */
static int child_pidns_scan(void)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", 0, NULL) < 0)
		return 20;
	pid_t c = fork();
	if (c < 0)
		return 21;
	if (c == 0) {
		pause();
		_exit(0);
	}
	struct nsrel_model *m = NULL;
	int rc = scan_with(NSREL_BACKEND_BPF, CLONE_NEWPID, NSREL_SRC_PROCS,
			   &m) < 0
			 ? 22
			 : 0;
	if (!rc && (nsrel_model_backend(m) != NSREL_BACKEND_BPF ||
		    nsrel_model_proc_count(m) != 2))
		rc = 23;
	for (size_t i = 0; !rc && i < 2; i++) {
		const struct nsrel_proc *p = nsrel_model_proc(m, i);
		if (nsrel_proc_pid(p) != (pid_t)i + 1 ||
		    nsrel_proc_ppid(p) != (i ? 1 : 0))
			rc = 24;
	}
	nsrel_model_free(m);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	return rc;
}

/* fn(), run as the first process of a new PID namespace (and of the
 * other namespaces of flags); passes if it returns 0 (10 to 12: the
 * namespace could not be made or its process did not exit). */
static void in_new_pidns(int flags, int (*fn)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWPID | flags) < 0)
			_exit(10);
		pid_t init = fork();
		if (init < 0)
			_exit(11);
		if (init == 0)
			_exit(fn());
		int st;
		if (waitpid(init, &st, 0) != init || !WIFEXITED(st))
			_exit(12);
		_exit(WEXITSTATUS(st));
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_child_pidns(void **state)
{
	(void)state;
	if (!need_bpf())
		return;
	in_new_pidns(CLONE_NEWNS, child_pidns_scan);
}

/*
 * BPF in a PID namespace of its own, /proc still the host's: a process
 * there with more namespace fds than the iterator writes for one (512)
 * cannot have the rest read from /proc, and the view says so
 * (files_cut): one such process, what the records hold of it, and no
 * more.
 */
static int files_cut_scan(void)
{
	int ready[2];
	if (pipe2(ready, O_CLOEXEC) < 0)
		return 20;
	pid_t c = fork();
	if (c < 0)
		return 21;
	if (c == 0) {
		close(ready[0]);
		hold_many_fds(ready[1], true);
	}
	close(ready[1]);
	char y = 0;
	int rc = read(ready[0], &y, 1) == 1 && y == 'y' ? 0 : 22;
	close(ready[0]);
	struct stat st;
	if (!rc && stat("/proc/thread-self/ns/uts", &st) < 0)
		rc = 23;
	struct nsrel_model *m = NULL;
	if (!rc && scan_with(NSREL_BACKEND_BPF, CLONE_NEWUTS,
			     NSREL_SRC_PROCS | NSREL_SRC_FDS, &m) < 0)
		rc = 24;
	struct nsrel_view v = {.sz = sizeof(v)};
	if (!rc && nsrel_model_view(m, &v) < 0)
		rc = 25;
	size_t fds =
		rc ? 0 : fd_refs(m, CLONE_NEWUTS, st.st_ino, c, NSREL_REF_FD);
	if (!rc && v.files_cut != 1)
		rc = 26;
	if (!rc && (fds == 0 || fds >= MANY_FDS))
		rc = 27;
	nsrel_model_free(m);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	return rc;
}

static void test_files_cut(void **state)
{
	(void)state;
	if (!need_bpf())
		return;
	in_new_pidns(0, files_cut_scan);
}

/* AUTO in a PID namespace of its own, with the host's /proc: /proc. */
static int auto_scan_is_proc(void)
{
	struct nsrel_model *m = NULL;
	if (scan_with(NSREL_BACKEND_AUTO, 0, 0, &m) != 0)
		return 20;
	int rc = nsrel_model_backend(m) == NSREL_BACKEND_PROC ? 0 : 21;
	nsrel_model_free(m);
	return rc;
}

/* AUTO: BPF as root in the initial PID namespace (where it can run), and
 * /proc in another PID namespace, also with the host's /proc there. */
static void test_auto(void **state)
{
	(void)state;
	if (!need_bpf())
		return;
	struct nsrel_model *m = NULL;
	assert_int_equal(scan_with(NSREL_BACKEND_AUTO, 0, 0, &m), 0);
	assert_int_equal(nsrel_model_backend(m), NSREL_BACKEND_BPF);
	/* Nothing unreadable to the kernel's view, but an init it hid (see
	 * test_init_counted). */
	assert_int_equal(nsrel_model_unreadable(m),
			 nsrel_model_find_proc(m, 1) ? 0 : 1);
	nsrel_model_free(m);
	in_new_pidns(0, auto_scan_is_proc);
}

/* As nobody: forced BPF fails with EPERM and no fd left; the default
 * falls back to /proc. Runs in a child that drops privileges. */
static void test_unprivileged(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		skip_because("needs root to become nobody");
		return;
	}
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(10);
		int fds = fixture_fd_count();
		struct nsrel_model *m = NULL;
		int r = scan_with(NSREL_BACKEND_BPF, 0, 0, &m);
		if (r != -EPERM && r != -EOPNOTSUPP)
			_exit(11);
		if (m || fixture_fd_count() != fds)
			_exit(12);
		if (scan_with(NSREL_BACKEND_AUTO, 0, 0, &m) != 0 ||
		    nsrel_model_backend(m) != NSREL_BACKEND_PROC ||
		    nsrel_model_unreadable(m) == 0)
			_exit(13);
		nsrel_model_free(m);
		_exit(fixture_fd_count() == fds ? 0 : 14);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(int argc, char **argv)
{
	main_argv = argv;
	if (argc > 1)
		zoo_path = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_backend),
		cmocka_unit_test(test_unprivileged),
		cmocka_unit_test(test_auto),
		cmocka_unit_test(test_child_pidns),
		cmocka_unit_test(test_files_cut),
		cmocka_unit_test(test_nothing_left),
		cmocka_unit_test(test_init_counted),
		cmocka_unit_test(test_no_helper_listed),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_title),
		cmocka_unit_test(test_zoo),
		cmocka_unit_test(test_selections),
		cmocka_unit_test(test_many_chains),
		cmocka_unit_test(test_shared_chain),
		cmocka_unit_test(test_many_files),
		cmocka_unit_test(test_compat_build),
	};
	return cmocka_run_group_tests(tests, zoo_start, zoo_stop);
}
