/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsrel_scan() against the namespace zoo (tests/zoo): every case must be
 * found with the right type, parent, owner, owner uid and holder; sources
 * and types switch off what they should; no fd, process or mount is left
 * behind; and a scan works unprivileged (the churn is tests/churn).
 *
 * Usage: test-scan [ZOO]  (without ZOO, or not root: only the tests that
 * need no zoo run; the others skip with the reason)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "fixture.h"
#include "missing.h"
#include "mounts.h"
#include "skip.h"
#include "nsrel.h"
#include "zoorun.h"

#define ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

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

/* Sockets are found through pidfd_getfd(2); valgrind 3.19 does not know
 * it (ENOSYS), so a socket-held namespace cannot be found under it. */
static bool sockets_visible(void)
{
	int fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static bool need_zoo(void)
{
	if (geteuid() != 0) {
		skip_because("the zoo needs root");
		return false;
	}
	if (!zoo_path) {
		skip_because("no zoo program given");
		return false;
	}
	return true;
}

#define jint zoo_jint
#define jstr zoo_jstr

static json_object *zoo_ns(const char *name)
{
	json_object *arr;
	assert_true(json_object_object_get_ex(zoo.m, "namespaces", &arr));
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		if (strcmp(jstr(o, "name"), name) == 0)
			return o;
	}
	fail_msg("zoo has no case %s", name);
	return NULL;
}

static struct nsrel_model *scan_flags(unsigned types, unsigned sources,
				      unsigned flags)
{
	struct nsrel_scan_opts o = {.sz = sizeof(o),
				    .types = types,
				    .sources = sources,
				    .flags = flags};
	struct nsrel_model *m = NULL;
	assert_int_equal(nsrel_scan(&o, &m), 0);
	assert_non_null(m);
	return m;
}

static struct nsrel_model *scan(unsigned types, unsigned sources)
{
	return scan_flags(types, sources, 0);
}

/* The ref of ns matching the manifest's "held", or NULL. */
static const struct nsrel_ref *find_held(const struct nsrel_model *m,
					 const struct nsrel_ns *ns,
					 json_object *c)
{
	const char *held = jstr(c, "held");
	for (size_t i = 0; i < nsrel_ns_ref_count(ns); i++) {
		const struct nsrel_ref *r = nsrel_ns_ref(ns, i);
		if (strcmp(nsrel_ref_kind_str(nsrel_ref_kind(r)), held) != 0)
			continue;
		const struct nsrel_proc *p = nsrel_ref_proc(r);
		switch (nsrel_ref_kind(r)) {
		case NSREL_REF_HIDDEN:
			return r;
		case NSREL_REF_BINDMOUNT: {
			const struct nsrel_ns *mnt = nsrel_ref_mntns(r);
			if (strcmp(nsrel_ref_path(r), jstr(c, "path")) == 0 &&
			    mnt &&
			    (int64_t)nsrel_ns_ino(mnt) == jint(c, "mntns"))
				return r;
			break;
		}
		case NSREL_REF_TASK:
			if (p && nsrel_proc_pid(p) == jint(c, "pid") &&
			    nsrel_ref_tid(r) == jint(c, "tid"))
				return r;
			break;
		case NSREL_REF_FD:
		case NSREL_REF_SOCKET:
			if (p && nsrel_proc_pid(p) == jint(c, "pid") &&
			    nsrel_ref_fd(r) == jint(c, "fd"))
				return r;
			break;
		default:
			if (p && nsrel_proc_pid(p) == jint(c, "pid"))
				return r;
		}
	}
	(void)m;
	return NULL;
}

/* Every zoo case, inode by inode, in m. */
static void zoo_found_in(struct nsrel_model *m)
{
	json_object *arr;
	assert_true(json_object_object_get_ex(zoo.m, "namespaces", &arr));
	assert_true(json_object_array_length(arr) >= 15);
	bool sockets = sockets_visible();
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *c = json_object_array_get_idx(arr, i);
		const char *name = jstr(c, "name");
		int type = nsrel_nstype_from_str(jstr(c, "type"));
		if (!sockets && strcmp(jstr(c, "held"), "socket") == 0) {
			printf("# %s not checked: no pidfd_open here\n", name);
			continue;
		}
		assert_true(type > 0);
		const struct nsrel_ns *ns =
			nsrel_model_find(m, type, (ino_t)jint(c, "ino"));
		if (!ns)
			fail_msg("case %s (%s:[%lld]) not found", name,
				 jstr(c, "type"), (long long)jint(c, "ino"));
		printf("# %s %s:[%lld] found\n", name, jstr(c, "type"),
		       (long long)jint(c, "ino"));

		const struct nsrel_ns *owner = nsrel_ns_owner(ns);
		if (jint(c, "owner") > 0) {
			if (!owner ||
			    (int64_t)nsrel_ns_ino(owner) != jint(c, "owner"))
				fail_msg("case %s: owner %lld, want %lld", name,
					 owner ? (long long)nsrel_ns_ino(owner)
					       : 0LL,
					 (long long)jint(c, "owner"));
		}
		const struct nsrel_ns *parent = nsrel_ns_parent(ns);
		if (jint(c, "parent") > 0) {
			assert_non_null(parent);
			assert_int_equal(nsrel_ns_ino(parent),
					 jint(c, "parent"));
			/* and the parent lists it as its child */
			bool listed = false;
			for (size_t k = 0; k < nsrel_ns_child_count(parent);
			     k++)
				listed |= nsrel_ns_child(parent, k) == ns;
			assert_true(listed);
		}
		if (type == CLONE_NEWUSER && jint(c, "owner_uid") >= 0) {
			uid_t uid;
			assert_int_equal(nsrel_ns_owner_uid(ns, &uid), 0);
			assert_int_equal(uid, jint(c, "owner_uid"));
		}
		if (!find_held(m, ns, c))
			fail_msg("case %s: no '%s' reference as in the zoo",
				 name, jstr(c, "held"));
		/* Hidden means nothing else holds it. */
		if (strcmp(jstr(c, "held"), "hidden") == 0) {
			assert_int_equal(nsrel_ns_ref_count(ns), 1);
			assert_null(nsrel_ns_leader(ns));
		}
		if (owner) {
			bool listed = false;
			for (size_t k = 0; k < nsrel_ns_owned_count(owner); k++)
				listed |= nsrel_ns_owned(owner, k) == ns;
			assert_true(listed);
		}
	}
}

static void test_zoo_found(void **state)
{
	(void)state;
	if (!need_zoo())
		return;
	struct nsrel_model *m = scan(0, 0);
	zoo_found_in(m);
	nsrel_model_free(m);
}

/* pid's namespaces can be read: it is there, and not a zombie. */
static bool ns_readable(pid_t pid)
{
	char path[64], link[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	return readlink(path, link, sizeof(link)) > 0;
}

/* The /proc backend with reader threads (a host this small gets none
 * unless asked): every case as with one thread, the calling one, and
 * every process /proc lists now and did before the scans (the zoo's
 * and ours among them) in each model, in pid order. */
static void test_zoo_found_threads(void **state)
{
	(void)state;
	if (!need_zoo())
		return;
	static const unsigned threads[] = {1, 2, 3, 64};
	pid_t before[4096];
	size_t n_before = 0;
	DIR *d = opendir("/proc");
	assert_non_null(d);
	for (struct dirent *de; (de = readdir(d)) && n_before < 4096;)
		if (de->d_name[0] > '0' && de->d_name[0] <= '9' &&
		    ns_readable((pid_t)atoi(de->d_name)))
			before[n_before++] = (pid_t)atoi(de->d_name);
	closedir(d);
	for (size_t t = 0; t < ELEMENTS(threads); t++) {
		printf("# %u thread(s)\n", threads[t]);
		struct nsrel_model *m = NULL;
		assert_int_equal(
			nsrel_scan(
				NSREL_SCAN_OPTS(.backend = NSREL_BACKEND_PROC,
						.threads = threads[t]),
				&m),
			0);
		zoo_found_in(m);
		for (size_t i = 1; i < nsrel_model_proc_count(m); i++)
			assert_true(nsrel_proc_pid(nsrel_model_proc(m, i - 1)) <
				    nsrel_proc_pid(nsrel_model_proc(m, i)));
		for (size_t i = 0; i < n_before; i++)
			if (!nsrel_model_find_proc(m, before[i]) &&
			    ns_readable(before[i]))
				fail_msg("pid %d, still there, not in the "
					 "model of %u threads",
					 (int)before[i], threads[t]);
		nsrel_model_free(m);
	}
	struct nsrel_model *m = (struct nsrel_model *)1;
	assert_int_equal(nsrel_scan(NSREL_SCAN_OPTS(.threads = 65), &m),
			 -EINVAL);
	assert_ptr_equal(m, (struct nsrel_model *)1);
}

/* /proc/PID/comm (not stat, where the library reads it), or "". */
static void read_comm(pid_t pid, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	FILE *f = fopen(path, "re");
	size_t n = f ? fread(buf, 1, size - 1, f) : 0;
	if (f)
		fclose(f);
	/* comm and a newline; comm may hold newlines too */
	if (n && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
}

/* The manifest's "argv0_hex": the exact bytes of argv[0] ("argv0" is
 * text, with U+FFFD for what is not UTF-8). */
static void manifest_argv0(json_object *c, char *buf, size_t size)
{
	const char *hex = jstr(c, "argv0_hex");
	size_t n = 0;
	assert_non_null(hex);
	for (; hex[0] && hex[1] && n + 1 < size; hex += 2)
		assert_int_equal(
			sscanf(hex, "%2hhx", (unsigned char *)&buf[n++]), 1);
	buf[n] = '\0';
}

/* Processes: pid, name (comm, or longer from argv[0]), cmdline,
 * namespaces. */
static void test_zoo_processes(void **state)
{
	(void)state;
	if (!need_zoo())
		return;
	struct nsrel_model *m = scan_flags(0, 0, NSREL_SCAN_CMDLINE);
	json_object *arr;
	assert_true(json_object_object_get_ex(zoo.m, "processes", &arr));
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *c = json_object_array_get_idx(arr, i);
		const struct nsrel_proc *p =
			nsrel_model_find_proc(m, (pid_t)jint(c, "pid"));
		assert_non_null(p);
		char argv0[1024], comm[64];
		manifest_argv0(c, argv0, sizeof(argv0));
		read_comm(nsrel_proc_pid(p), comm, sizeof(comm));
		if (strlen(comm) < 15)
			assert_string_equal(nsrel_proc_name(p), comm);
		else
			assert_memory_equal(nsrel_proc_name(p), comm, 15);
		assert_true(nsrel_proc_argc(p) >= 1);
		assert_string_equal(nsrel_proc_arg(p, 0), argv0);
		assert_true(nsrel_proc_starttime(p) > 0);
	}
	/* The hostile process leads its own user namespace. */
	json_object *h = zoo_ns("hostile");
	const struct nsrel_ns *ns =
		nsrel_model_find(m, CLONE_NEWUSER, (ino_t)jint(h, "ino"));
	assert_non_null(ns);
	const struct nsrel_proc *l = nsrel_ns_leader(ns);
	assert_non_null(l);
	assert_int_equal(nsrel_proc_pid(l), jint(h, "pid"));
	assert_non_null(strchr(nsrel_proc_name(l), '\x1b'));
	/* Every member of a namespace names it as its own. */
	for (size_t i = 0; i < nsrel_model_ns_count(m); i++) {
		const struct nsrel_ns *n = nsrel_model_ns(m, i);
		for (size_t k = 0; k < nsrel_ns_proc_count(n); k++)
			assert_ptr_equal(nsrel_proc_ns(nsrel_ns_proc(n, k),
						       nsrel_ns_type(n)),
					 n);
	}
	nsrel_model_free(m);
}

/* ---- process names ------------------------------------------------------ */

/* Runs path as argv, with an empty environment, and returns its pid once
 * it is ready: a helper (nsrel-rename) closes the stdout it got, on a
 * pipe, when it is; for another program the pipe is close-on-exec, so its
 * end says that the exec happened. */
static pid_t start_named(const char *path, char *const argv[], bool helper)
{
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *envp[] = {NULL};
		int out = helper ? p[1] : open("/dev/null", O_WRONLY);
		if (out < 0 || dup2(out, STDOUT_FILENO) < 0 ||
		    prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			_exit(126);
		execve(path, argv, envp);
		(void)!write(p[1], "E", 1);
		_exit(127);
	}
	close(p[1]);
	char c;
	ssize_t n;
	while ((n = read(p[0], &c, 1)) < 0 && errno == EINTR)
		;
	close(p[0]);
	if (n != 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail_msg("%s did not start", path);
	}
	return pid;
}

struct named {
	pid_t pid;
	const char *want; /* nsrel_proc_name() */
	const char *arg0; /* nsrel_proc_arg(p, 0), NULL: no arguments */
	size_t arg0_len;  /* compared bytes of arg0 (it may go on) */
	const char *what;
};

/* Names as programs leave them: the comm, longer only where the kernel
 * cut it and argv[0] (or the first word of a command line rewritten into
 * one string) goes on with it; a user process without argv is no kernel
 * thread; a kernel thread is "[comm]". */
static void test_process_names(void **state)
{
	(void)state;
	const char *helper = getenv("NSREL_RENAME");
	if (!helper || access(helper, X_OK) < 0) {
		skip_because("no nsrel-rename (NSREL_RENAME) to run");
		return;
	}
	const char *sleep_bin = access("/usr/bin/sleep", X_OK) == 0
					? "/usr/bin/sleep"
					: "/bin/sleep";
	char dir[] = "/tmp/nsrel-names-XXXXXX", longname[96];
	assert_non_null(mkdtemp(dir));
	/* The kernel cuts this comm to "nsrel-rename-lo". */
	snprintf(longname, sizeof(longname), "%s/nsrel-rename-long-name", dir);
	assert_int_equal(symlink(helper, longname), 0);

	static const char nginx[] =
		"nginx: master process /usr/sbin/nginx -g daemon off;";
	static const char chromium[] = "/usr/lib/chromium/chromium "
				       "--user-data-dir=/tmp/x/prof "
				       "--no-first-run";
	static const char browser[] = "/usr/lib/chromium/chromium-browser "
				      "--user-data-dir=/tmp/x/prof "
				      "--no-first-run";
	static const char sshd[] = "sshd: root@pts/0";
	char *h = (char *)helper, *l = longname;
	struct named n[] = {
		{start_named(sleep_bin, (char *[]){(char *)nginx, "1000", NULL},
			     false),
		 "sleep", nginx, sizeof(nginx), "exec -a 'nginx: ...' sleep"},
		{start_named(h,
			     (char *[]){h, "chromium", (char *)chromium, "nul",
					NULL},
			     true),
		 "chromium", chromium, sizeof(chromium), "chromium"},
		{start_named(h,
			     (char *[]){h, "chromium-browser", (char *)browser,
					"nul", NULL},
			     true),
		 "chromium-browser", browser, sizeof(browser),
		 "cut comm, argv rewritten into one string and NULs"},
		{start_named(h,
			     (char *[]){h, "chromium-browser", (char *)browser,
					"space", NULL},
			     true),
		 "chromium-browser", browser, sizeof(browser) - 1,
		 "cut comm, argv rewritten into one string, no NUL"},
		{start_named(h,
			     (char *[]){h, "sshd", (char *)sshd, "nul", NULL},
			     true),
		 "sshd", sshd, sizeof(sshd), "sshd"},
		{start_named(l, (char *[]){l, "", "", "nul", NULL}, true),
		 "nsrel-rename-long-name", l, strlen(l) + 1,
		 "comm cut by the kernel"},
		{start_named(l,
			     (char *[]){"-nsrel-rename-long-name", "", "",
					"nul", NULL},
			     true),
		 "nsrel-rename-long-name", "-nsrel-rename-long-name", 24,
		 "comm cut, a login shell's '-'"},
		{start_named(l,
			     (char *[]){"nginx: worker process", "", "", "nul",
					NULL},
			     true),
		 "nsrel-rename-lo", "nginx: worker process", 22,
		 "comm cut, argv[0] something else"},
		{start_named(h, (char *[]){NULL}, true), "nsrel-rename", NULL,
		 0, "empty argv"},
	};

	struct nsrel_model *with =
		scan_flags(0, NSREL_SRC_PROCS, NSREL_SCAN_CMDLINE);
	struct nsrel_model *without = scan(0, NSREL_SRC_PROCS);
	int wrong = 0;
	for (size_t i = 0; i < ELEMENTS(n); i++) {
		const struct nsrel_proc *p =
			nsrel_model_find_proc(with, n[i].pid);
		const struct nsrel_proc *q =
			nsrel_model_find_proc(without, n[i].pid);
		if (!p || !q)
			fail_msg("%s: pid %d not found", n[i].what,
				 (int)n[i].pid);
		if (strcmp(nsrel_proc_name(p), n[i].want) != 0 ||
		    strcmp(nsrel_proc_name(q), n[i].want) != 0) {
			print_error("%s: named \"%s\", want \"%s\"\n",
				    n[i].what, nsrel_proc_name(p), n[i].want);
			wrong++;
		}
		/* The command line only when asked for. */
		assert_int_equal(nsrel_proc_argc(q), 0);
		assert_null(nsrel_proc_arg(q, 0));
		if (!n[i].arg0) {
			/* The kernel may give an empty argv one "". */
			assert_true(nsrel_proc_argc(p) <= 1);
			if (nsrel_proc_argc(p))
				assert_string_equal(nsrel_proc_arg(p, 0), "");
			continue;
		}
		assert_true(nsrel_proc_argc(p) >= 1);
		if (memcmp(nsrel_proc_arg(p, 0), n[i].arg0, n[i].arg0_len) != 0)
			fail_msg("%s: argv[0] \"%s\"", n[i].what,
				 nsrel_proc_arg(p, 0));
	}
	const struct nsrel_proc *s0 = nsrel_model_find_proc(with, n[0].pid);
	assert_int_equal(nsrel_proc_argc(s0), 2);
	assert_string_equal(nsrel_proc_arg(s0, 1), "1000");
	assert_int_equal(wrong, 0);
	nsrel_model_free(without);

	nsrel_model_free(with);

	for (size_t i = 0; i < ELEMENTS(n); i++) {
		kill(n[i].pid, SIGKILL);
		waitpid(n[i].pid, NULL, 0);
	}
	unlink(longname);
	rmdir(dir);
}

/* A kernel thread is "[comm]", told by PF_KTHREAD in its stat; kthreadd
 * (pid 2) is one, where it is in our view. */
static void test_kthread_name(void **state)
{
	(void)state;
	char buf[512];
	FILE *f = fopen("/proc/2/stat", "re");
	size_t len = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[len] = '\0';
	char *open_ = strchr(buf, '('), *close_ = strrchr(buf, ')');
	unsigned long flags = 0;
	if (!open_ || !close_ ||
	    sscanf(close_ + 2, "%*c %*d %*d %*d %*d %*d %lu", &flags) != 1 ||
	    !(flags & 0x00200000)) {
		skip_because("pid 2 is no kernel thread we can see");
		return;
	}
	struct nsrel_model *m =
		scan_flags(0, NSREL_SRC_PROCS, NSREL_SCAN_CMDLINE);
	const struct nsrel_proc *k = nsrel_model_find_proc(m, 2);
	if (!k) {
		nsrel_model_free(m);
		skip_because("pid 2 is not ours to read");
		return;
	}
	char want[64];
	snprintf(want, sizeof(want), "[%.*s]", (int)(close_ - open_ - 1),
		 open_ + 1);
	assert_string_equal(nsrel_proc_name(k), want);
	assert_int_equal(nsrel_proc_argc(k), 0);
	nsrel_model_free(m);
}

/* The representative process starts earliest among members whose parent
 * is not a member, checked against our own reading of /proc. */
static bool has_ns(const struct nsrel_model *m, json_object *c)
{
	return nsrel_model_find(m, nsrel_nstype_from_str(jstr(c, "type")),
				(ino_t)jint(c, "ino")) != NULL;
}

static bool zoo_has_pid(int64_t pid)
{
	const char *lists[] = {"processes", "namespaces"};
	if (pid == zoo.pid)
		return true;
	for (size_t l = 0; l < 2; l++) {
		json_object *arr;
		assert_true(json_object_object_get_ex(zoo.m, lists[l], &arr));
		for (size_t i = 0; i < json_object_array_length(arr); i++)
			if (jint(json_object_array_get_idx(arr, i), "pid") ==
			    pid)
				return true;
	}
	return false;
}

/* Whether every member of ns is the zoo's. */
static bool zoo_only(const struct nsrel_ns *ns)
{
	for (size_t k = 0; k < nsrel_ns_proc_count(ns); k++)
		if (!zoo_has_pid(nsrel_proc_pid(nsrel_ns_proc(ns, k))))
			return false;
	return true;
}

/* The leader rule on the zoo's own namespaces (none of its processes is a
 * runtime's helper: tests/containers holds that part): the earliest
 * started member whose parent is not a member. Others' namespaces may
 * hold a helper (bwrap, conmon), whose child leads instead. */
static void test_leader_rule(void **state)
{
	(void)state;
	if (!need_zoo())
		return;
	struct nsrel_model *m = scan(0, 0);
	size_t checked = 0;
	for (size_t i = 0; i < nsrel_model_ns_count(m); i++) {
		const struct nsrel_ns *ns = nsrel_model_ns(m, i);
		const struct nsrel_proc *l = nsrel_ns_leader(ns);
		if (!nsrel_ns_proc_count(ns)) {
			assert_null(l);
			continue;
		}
		assert_non_null(l);
		if (!zoo_only(ns))
			continue;
		checked++;
		for (size_t k = 0; k < nsrel_ns_proc_count(ns); k++) {
			const struct nsrel_proc *p = nsrel_ns_proc(ns, k);
			const struct nsrel_proc *pp =
				nsrel_model_find_proc(m, nsrel_proc_ppid(p));
			if (pp && nsrel_proc_ns(pp, nsrel_ns_type(ns)) == ns)
				continue;
			assert_true(nsrel_proc_starttime(l) <=
				    nsrel_proc_starttime(p));
			if (nsrel_proc_starttime(l) == nsrel_proc_starttime(p))
				assert_true(nsrel_proc_pid(l) <=
					    nsrel_proc_pid(p));
		}
	}
	assert_true(checked > 0);
	nsrel_model_free(m);
}

/* Whether ns is held by others' processes only: a scan elsewhere on the
 * machine holds an fd of every mount and user namespace for a while, and
 * a find through it says nothing of our sources. */
static bool held_by_others_only(const struct nsrel_ns *ns)
{
	for (size_t i = 0; i < nsrel_ns_ref_count(ns); i++) {
		const struct nsrel_proc *p =
			nsrel_ref_proc(nsrel_ns_ref(ns, i));
		if (!p || nsrel_proc_pid(p) == getpid() ||
		    zoo_has_pid(nsrel_proc_pid(p)))
			return false;
	}
	return nsrel_ns_ref_count(ns) > 0;
}

/* Each source switched off loses exactly what only it finds. */
static void test_sources_off(void **state)
{
	(void)state;
	if (!need_zoo())
		return;
	static const struct {
		unsigned off;
		const char *lost[3];
	} cases[] = {
		{NSREL_SRC_MOUNTS, {"bindnet", "bindmnt", "inneruts"}},
		{NSREL_SRC_FDS, {"fdipc", "socknet", NULL}},
		{NSREL_SRC_TASKS, {"threadnet", NULL, NULL}},
		{NSREL_SRC_HIERARCHY, {"userchain1", "userchain2", NULL}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nsrel_model *m = scan(0, NSREL_SRC_ALL & ~cases[i].off);
		for (size_t k = 0; k < 3 && cases[i].lost[k]; k++) {
			json_object *c = zoo_ns(cases[i].lost[k]);
			const struct nsrel_ns *ns = nsrel_model_find(
				m, nsrel_nstype_from_str(jstr(c, "type")),
				(ino_t)jint(c, "ino"));
			if (ns && held_by_others_only(ns))
				printf("# %s found with source %#x off, held "
				       "by others only\n",
				       cases[i].lost[k], cases[i].off);
			else if (ns)
				fail_msg("%s found with source %#x off",
					 cases[i].lost[k], cases[i].off);
		}
		/* what a process holds stays */
		assert_true(has_ns(m, zoo_ns("userchain3")));
		assert_true(has_ns(m, zoo_ns("ownnet")));
		nsrel_model_free(m);
	}
}

/* A types mask keeps only those types, relations to others dropped. */
static void test_types_filter(void **state)
{
	(void)state;
	struct nsrel_model *m = scan(CLONE_NEWNET | CLONE_NEWTIME, 0);
	assert_true(nsrel_model_ns_count(m) >= 2);
	for (size_t i = 0; i < nsrel_model_ns_count(m); i++) {
		int t = nsrel_ns_type(nsrel_model_ns(m, i));
		assert_true(t == CLONE_NEWNET || t == CLONE_NEWTIME);
		assert_null(nsrel_ns_owner(nsrel_model_ns(m, i)));
	}
	nsrel_model_free(m);
}

/* The model's order: type in nsrel_nstype_at() order, then inode; and
 * lookups agree with it. */
static void test_order_and_lookup(void **state)
{
	(void)state;
	struct nsrel_model *m = scan(0, 0);
	for (size_t i = 1; i < nsrel_model_ns_count(m); i++) {
		const struct nsrel_ns *a = nsrel_model_ns(m, i - 1);
		const struct nsrel_ns *b = nsrel_model_ns(m, i);
		int ta = nsrel_nstype_index(nsrel_ns_type(a));
		int tb = nsrel_nstype_index(nsrel_ns_type(b));
		assert_true(ta < tb ||
			    (ta == tb && nsrel_ns_ino(a) < nsrel_ns_ino(b)));
	}
	for (size_t i = 0; i < nsrel_model_ns_count(m); i++) {
		const struct nsrel_ns *a = nsrel_model_ns(m, i);
		assert_ptr_equal(
			nsrel_model_find(m, nsrel_ns_type(a), nsrel_ns_ino(a)),
			a);
	}
	for (size_t i = 1; i < nsrel_model_proc_count(m); i++)
		assert_true(nsrel_proc_pid(nsrel_model_proc(m, i - 1)) <
			    nsrel_proc_pid(nsrel_model_proc(m, i)));
	/* Our own namespaces are there, with us as a member. */
	const struct nsrel_proc *self = nsrel_model_find_proc(m, getpid());
	assert_non_null(self);
	for (unsigned t = 0; t < NSREL_NSTYPE_COUNT; t++) {
		char path[64];
		struct stat st;
		snprintf(path, sizeof(path), "/proc/self/ns/%s",
			 nsrel_nstype_str(nsrel_nstype_at(t)));
		assert_int_equal(stat(path, &st), 0);
		const struct nsrel_ns *ns =
			nsrel_proc_ns(self, nsrel_nstype_at(t));
		assert_non_null(ns);
		assert_int_equal(nsrel_ns_ino(ns), st.st_ino);
		assert_int_equal(nsrel_ns_id(ns).dev, st.st_dev);
	}
	assert_null(nsrel_model_find(m, CLONE_NEWNET, 1));
	nsrel_model_free(m);
}

static void test_bad_args(void **state)
{
	(void)state;
	struct nsrel_model *m = (void *)0x1;
	assert_int_equal(nsrel_scan(NULL, NULL), -EINVAL);
	struct nsrel_scan_opts o = {.sz = sizeof(o), .types = 1};
	assert_int_equal(nsrel_scan(&o, &m), -EINVAL);
	assert_ptr_equal(m, (void *)0x1); /* untouched on failure */
	o = (struct nsrel_scan_opts){.sz = sizeof(o), .sources = 1u << 30};
	assert_int_equal(nsrel_scan(&o, &m), -EINVAL);
	o = (struct nsrel_scan_opts){.sz = sizeof(o), .flags = 1u << 5};
	assert_int_equal(nsrel_scan(&o, &m), -EINVAL);
	/* A caller from before flags: its struct ends before them. */
	o = (struct nsrel_scan_opts){
		.sz = offsetof(struct nsrel_scan_opts, flags),
		.flags = 1u << 5};
	assert_int_equal(nsrel_scan(&o, &m), 0);
	nsrel_model_free(m);
	m = (void *)0x1;
	o = (struct nsrel_scan_opts){
		.sz = sizeof(o), .mounts_method = NSREL_MOUNTS_MOUNTINFO + 1};
	assert_int_equal(nsrel_scan(&o, &m), -EINVAL);
	assert_ptr_equal(m, (void *)0x1);
	/* A newer caller's larger struct: fine if the rest is zero. */
	struct {
		struct nsrel_scan_opts o;
		unsigned long future;
	} big = {.o = {.sz = sizeof(big)}};
	assert_int_equal(nsrel_scan(&big.o, &m), 0);
	nsrel_model_free(m);
	big.future = 1;
	assert_int_equal(nsrel_scan(&big.o, &m), -E2BIG);
	/* An older caller's smaller struct. */
	struct nsrel_scan_opts small = {.sz = sizeof(size_t)};
	assert_int_equal(nsrel_scan(&small, &m), 0);
	nsrel_model_free(m);
	nsrel_model_free(NULL);
}

/* What test_nothing_left runs in a mount namespace of its own: five scans,
 * and then no new fd, mount or child. With leak set, it leaves a mount
 * behind, which must be found. Its exit status: a bit for each thing left
 * (1 a scan failed, 2 an fd, 4 a mount, 8 a child), each said on a TAP
 * comment. No cmocka assertion here: this is a forked child. */
static int scans_leave_nothing(void *arg)
{
	bool leak = *(bool *)arg;
	int fds = fixture_fd_count(), left = 0;
	struct fixture_mounts mounts;
	if (fixture_mounts_read(&mounts) < 0) {
		printf("# mountinfo: %s\n", strerror(errno));
		return 4;
	}
	siginfo_t si = {0};
	for (int i = 0; i < 5; i++) {
		struct nsrel_model *m = NULL;
		int r = nsrel_scan(NULL, &m);
		if (r < 0) {
			printf("# nsrel_scan: %s\n", strerror(-r));
			left |= 1;
		}
		nsrel_model_free(m);
	}
	if (leak && mount("leak", "/tmp", "tmpfs", 0, "size=4k") < 0)
		printf("# mounting the leak: %s\n", strerror(errno));
	if (fixture_fd_count() != fds) {
		printf("# %d fds before the scans, %d after\n", fds,
		       fixture_fd_count());
		left |= 2;
	}
	struct fixture_mounts added = {0};
	if (fixture_mounts_added(&mounts, &added) != 0)
		left |= 4;
	for (size_t i = 0; i < added.n; i++)
		printf("# new mount: %s\n", added.m[i].point);
	fixture_mounts_free(&added);
	fixture_mounts_free(&mounts);
	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0) {
		printf("# a child left: %d\n", (int)si.si_pid);
		left |= 8;
	}
	return left;
}

/* No fd, child process or mount is left after scans. The scans run in a
 * mount namespace of their own, where no mount of another's appears, so
 * that any new one is theirs. */
static void test_nothing_left(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		skip_because("needs root: a mount namespace of its own");
		return;
	}
	/* The check finds a mount left behind. */
	bool leak = true;
	assert_int_equal(fixture_in_own_mntns(scans_leave_nothing, &leak), 4);
	leak = false;
	assert_int_equal(fixture_in_own_mntns(scans_leave_nothing, &leak), 0);
	/* only the zoo may be our child */
	pid_t w;
	while ((w = waitpid(-1, NULL, WNOHANG)) > 0)
		assert_int_equal(w, zoo.pid);
}

/* The older way to read mounts (mountinfo) finds the same bind mounts,
 * also in a mount namespace that no process is in. */
static void test_mountinfo_fallback(void **state)
{
	(void)state;
	if (!need_zoo())
		return;
	struct nsrel_scan_opts o = {.sz = sizeof(o),
				    .mounts_method = NSREL_MOUNTS_MOUNTINFO};
	struct nsrel_model *m = NULL;
	assert_int_equal(nsrel_scan(&o, &m), 0);
	json_object *c = zoo_ns("bindnet");
	const struct nsrel_ns *ns =
		nsrel_model_find(m, CLONE_NEWNET, (ino_t)jint(c, "ino"));
	assert_non_null(ns);
	assert_non_null(find_held(m, ns, c));
	assert_true(has_ns(m, zoo_ns("bindmnt")));
	c = zoo_ns("inneruts");
	ns = nsrel_model_find(m, CLONE_NEWUTS, (ino_t)jint(c, "ino"));
	assert_non_null(ns);
	assert_non_null(find_held(m, ns, c));
	nsrel_model_free(m);
}

/* Unprivileged (this binary run as nobody by run-unpriv): no error, our
 * own namespaces, and the processes we may not read counted. */
static void test_unprivileged(void **state)
{
	(void)state;
	if (geteuid() == 0) {
		skip_because("runs as nobody in the -unpriv variant");
		return;
	}
	int fds = fixture_fd_count();
	struct nsrel_model *m = scan(0, 0);
	assert_true(nsrel_model_unreadable(m) > 0);
	const struct nsrel_proc *self = nsrel_model_find_proc(m, getpid());
	assert_non_null(self);
	struct stat st;
	assert_int_equal(stat("/proc/self/ns/user", &st), 0);
	const struct nsrel_ns *u = nsrel_proc_ns(self, CLONE_NEWUSER);
	assert_non_null(u);
	assert_int_equal(nsrel_ns_ino(u), st.st_ino);
	printf("# unprivileged: %zu namespaces, %zu processes, %zu "
	       "unreadable\n",
	       nsrel_model_ns_count(m), nsrel_model_proc_count(m),
	       nsrel_model_unreadable(m));
	nsrel_model_free(m);
	assert_int_equal(fixture_fd_count(), fds);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		zoo_path = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_order_and_lookup),
		cmocka_unit_test(test_leader_rule),
		cmocka_unit_test(test_types_filter),
		cmocka_unit_test(test_unprivileged),
		cmocka_unit_test(test_zoo_found),
		cmocka_unit_test(test_zoo_found_threads),
		cmocka_unit_test(test_zoo_processes),
		cmocka_unit_test(test_process_names),
		cmocka_unit_test(test_kthread_name),
		cmocka_unit_test(test_sources_off),
		cmocka_unit_test(test_mountinfo_fallback),
		cmocka_unit_test(test_nothing_left),
	};
	return cmocka_run_group_tests(tests, zoo_start, zoo_stop);
}
