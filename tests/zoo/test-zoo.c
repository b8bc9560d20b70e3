/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The zoo's own test: its manifest must say what the kernel says, case by
 * case, and stopping it (stdin EOF or SIGTERM) must leave nothing behind:
 * no process, no mount, no directory.
 *
 * Usage: test-zoo PATH-TO-nsrel-zoo
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
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <linux/sockios.h>

#include "hostile.h"
#include "nsrel.h"
#include "missing.h"
#include "mounts.h"
#include "zoorun.h"

static const struct {
	const char *name, *type, *held;
} cases[] = {
	{"userchain1", "user", "hidden"},
	{"userchain2", "user", "hidden"},
	{"userchain3", "user", "proc"},
	{"pid1", "pid", "proc"},
	{"pid2", "pid", "proc"},
	{"ownuser", "user", "proc"},
	{"ownpid", "pid", "proc"},
	{"ownnet", "net", "proc"},
	{"nopwuser", "user", "proc"},
	{"bindnet", "net", "bindmount"},
	{"fdipc", "ipc", "fd"},
	{"socknet", "net", "socket"},
	{"bindmnt", "mnt", "bindmount"},
	{"inneruts", "uts", "bindmount"},
	{"threadnet", "net", "task"},
	{"childtime", "time", "for_children"},
	{"childpid", "pid", "for_children"},
	{"hostile", "user", "proc"},
	{"hostilepid", "pid", "for_children"},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static const char *zoo_path;
static struct zoo_run zoo = ZOO_RUN_INIT;
static const char *skip_reason;

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;
	json_object_object_get_ex(o, key, &v);
	return v;
}

static int64_t get_int(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	return v && json_object_is_type(v, json_type_int)
		       ? json_object_get_int64(v)
		       : -1;
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	return v && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

static json_object *find_case(json_object *m, const char *name)
{
	json_object *nss = get(m, "namespaces");
	size_t n = nss ? json_object_array_length(nss) : 0;
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(nss, i);
		const char *s = get_str(o, "name");
		if (s && strcmp(s, name) == 0)
			return o;
	}
	return NULL;
}

static int64_t case_ino(const char *name)
{
	json_object *o = find_case(zoo.m, name);
	assert_non_null(o);
	return get_int(o, "ino");
}

static ino_t path_ino(const char *path)
{
	struct stat st;
	return stat(path, &st) < 0 ? 0 : st.st_ino;
}

static ino_t self_ino(const char *type)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/ns/%s", type);
	ino_t ino = path_ino(path);
	assert_true(ino > 0);
	return ino;
}

static bool skip_if_needed(void)
{
	if (!skip_reason)
		return false;
	printf("# %s\n", skip_reason);
	return true;
}

#define SKIP_IF_NEEDED()              \
	do {                          \
		if (skip_if_needed()) \
			skip();       \
	} while (0)

static int group_setup(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		skip_reason = "not root: the zoo needs root";
		return 0;
	}
	static char why[256];
	int r = zoo_run_start(&zoo, zoo_path, why, sizeof(why));
	if (r == 77) {
		skip_reason = why;
		return 0;
	}
	if (r < 0) {
		fprintf(stderr, "# starting the zoo: %s\n", why);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	zoo_run_stop(&zoo);
	return 0;
}

static void test_manifest(void **state)
{
	(void)state;
	SKIP_IF_NEEDED();
	assert_int_equal(get_int(zoo.m, "zoo_pid"), zoo.pid);
	assert_int_equal(strncmp(zoo.dir, "/run/nsrel-zoo.", 15), 0);
	assert_null(strchr(zoo.dir, ' '));
	struct stat st;
	assert_int_equal(stat(zoo.dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));

	json_object *nss = get(zoo.m, "namespaces");
	assert_non_null(nss);
	assert_int_equal(json_object_array_length(nss), NCASES);
	for (size_t i = 0; i < NCASES; i++) {
		json_object *o = find_case(zoo.m, cases[i].name);
		if (!o)
			fail_msg("case %s missing", cases[i].name);
		assert_string_equal(get_str(o, "type"), cases[i].type);
		assert_string_equal(get_str(o, "held"), cases[i].held);
		assert_true(get_int(o, "ino") > 0);
		assert_true(get_int(o, "owner") > 0);
		bool user = !strcmp(cases[i].type, "user");
		bool tree = user || !strcmp(cases[i].type, "pid");
		assert_true((get_int(o, "owner_uid") >= 0) == user);
		assert_true((get_int(o, "parent") > 0) == tree);
		const char *held = cases[i].held;
		bool bind = !strcmp(held, "bindmount");
		bool has_pid = !bind && strcmp(held, "hidden");
		bool has_fd = !strcmp(held, "fd") || !strcmp(held, "socket");
		assert_true((get_int(o, "pid") > 0) == has_pid);
		assert_true((get_int(o, "tid") > 0) == !strcmp(held, "task"));
		assert_true((get_int(o, "fd") >= 0) == has_fd);
		assert_true((get_str(o, "path") != NULL) == bind);
		assert_true((get_int(o, "mntns") > 0) == bind);
	}
	json_object *procs = get(zoo.m, "processes");
	assert_non_null(procs);
	bool hostile = false;
	for (size_t i = 0; i < json_object_array_length(procs); i++) {
		json_object *p = json_object_array_get_idx(procs, i);
		assert_true(get_int(p, "pid") > 0);
		assert_non_null(get_str(p, "argv0"));
		if (!strcmp(get_str(p, "name"), "hostile")) {
			hostile = true;
			const char *hex = get_str(p, "argv0_hex");
			char raw[sizeof(HOSTILE_ARGV0)] = {0};
			assert_non_null(hex);
			assert_int_equal(strlen(hex),
					 2 * strlen(HOSTILE_ARGV0));
			for (size_t k = 0; k < strlen(hex) / 2; k++) {
				unsigned v;
				assert_int_equal(sscanf(hex + 2 * k, "%2x", &v),
						 1);
				raw[k] = (char)v;
			}
			assert_string_equal(raw, HOSTILE_ARGV0);
		}
	}
	assert_true(hostile);
}

/* An fd of the case's namespace, found the way the manifest says it is
 * held, independently of the zoo's own code; -1 for a bind mount in
 * another mount namespace. */
static int open_case(json_object *o)
{
	const char *held = get_str(o, "held");
	const char *type = get_str(o, "type");
	int64_t pid = get_int(o, "pid");
	char path[128];
	if (!strcmp(held, "proc")) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, type);
	} else if (!strcmp(held, "task")) {
		snprintf(path, sizeof(path), "/proc/%d/task/%d/ns/%s", (int)pid,
			 (int)get_int(o, "tid"), type);
	} else if (!strcmp(held, "for_children")) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s_for_children",
			 (int)pid, type);
	} else if (!strcmp(held, "fd")) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid,
			 (int)get_int(o, "fd"));
	} else if (!strcmp(held, "socket")) {
		int pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
		assert_true(pidfd >= 0);
		int sk = (int)syscall(SYS_pidfd_getfd, pidfd,
				      (int)get_int(o, "fd"), 0);
		assert_true(sk >= 0);
		int fd = ioctl(sk, SIOCGSKNS);
		assert_true(fd >= 0);
		close(sk);
		close(pidfd);
		return fd;
	} else if (!strcmp(held, "bindmount")) {
		if ((ino_t)get_int(o, "mntns") != self_ino("mnt"))
			return -1;
		snprintf(path, sizeof(path), "%s", get_str(o, "path"));
	} else if (!strcmp(held, "hidden")) {
		/* Through the namespace whose parent it is. */
		json_object *nss = get(zoo.m, "namespaces");
		for (size_t i = 0; i < json_object_array_length(nss); i++) {
			json_object *c = json_object_array_get_idx(nss, i);
			if (get_int(c, "parent") != get_int(o, "ino"))
				continue;
			int cfd = open_case(c);
			assert_true(cfd >= 0);
			int fd = nsrel_get_parentns(cfd);
			close(cfd);
			assert_true(fd >= 0);
			return fd;
		}
		fail_msg("hidden %s is nobody's parent", get_str(o, "name"));
	} else {
		fail_msg("unknown held %s", held);
	}
	int fd = nsrel_open(path);
	if (fd < 0)
		fail_msg("open %s: %s", path, strerror(-fd));
	return fd;
}

struct facts {
	int64_t ino, type, owner, parent, owner_uid;
};

static int64_t rel_ino(int fd)
{
	if (fd < 0)
		return -1;
	struct stat st;
	int64_t r = fstat(fd, &st) < 0 ? -1 : (int64_t)st.st_ino;
	close(fd);
	return r;
}

static struct facts facts_of(int fd)
{
	struct facts f;
	struct stat st;
	uid_t uid;
	f.ino = fstat(fd, &st) < 0 ? -1 : (int64_t)st.st_ino;
	f.type = nsrel_get_nstype(fd);
	f.owner = rel_ino(nsrel_get_userns(fd));
	f.parent = (f.type == CLONE_NEWUSER || f.type == CLONE_NEWPID)
			   ? rel_ino(nsrel_get_parentns(fd))
			   : -1;
	f.owner_uid = nsrel_get_owner_uid(fd, &uid) < 0 ? -1 : (int64_t)uid;
	return f;
}

/* A bind mount in another mount namespace: look from inside it, in a
 * child, through the bind mount of that mount namespace. */
static struct facts facts_inside(json_object *o)
{
	json_object *nss = get(zoo.m, "namespaces");
	json_object *holder = NULL;
	for (size_t i = 0; i < json_object_array_length(nss); i++) {
		json_object *c = json_object_array_get_idx(nss, i);
		if (get_int(c, "ino") == get_int(o, "mntns") &&
		    !strcmp(get_str(c, "type"), "mnt"))
			holder = c;
	}
	assert_non_null(holder);
	int mfd = open_case(holder);
	assert_true(mfd >= 0);
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct facts f = {-1, -1, -1, -1, -1};
		if (setns(mfd, CLONE_NEWNS) == 0) {
			int fd = nsrel_open(get_str(o, "path"));
			if (fd >= 0)
				f = facts_of(fd);
		}
		(void)!write(p[1], &f, sizeof(f));
		_exit(0);
	}
	close(p[1]);
	close(mfd);
	struct facts f;
	assert_int_equal(read(p[0], &f, sizeof(f)), sizeof(f));
	close(p[0]);
	waitpid(pid, NULL, 0);
	return f;
}

static void test_inodes(void **state)
{
	(void)state;
	SKIP_IF_NEEDED();
	for (size_t i = 0; i < NCASES; i++) {
		json_object *o = find_case(zoo.m, cases[i].name);
		assert_non_null(o);
		int fd = open_case(o);
		struct facts f;
		if (fd >= 0) {
			f = facts_of(fd);
			close(fd);
		} else {
			f = facts_inside(o);
		}
		printf("# %s: ino %jd\n", cases[i].name, (intmax_t)f.ino);
		assert_int_equal(f.ino, get_int(o, "ino"));
		assert_int_equal(f.type, nsrel_nstype_from_str(cases[i].type));
		assert_int_equal(f.owner, get_int(o, "owner"));
		assert_int_equal(f.parent, get_int(o, "parent"));
		assert_int_equal(f.owner_uid, get_int(o, "owner_uid"));
	}
}

/* The relations the contract promises. */
static void test_relations(void **state)
{
	(void)state;
	SKIP_IF_NEEDED();
	int64_t user = self_ino("user"), pid = self_ino("pid");
	int64_t mnt = self_ino("mnt");
	json_object *m = zoo.m;
	assert_int_equal(get_int(find_case(m, "userchain1"), "parent"), user);
	assert_int_equal(get_int(find_case(m, "userchain2"), "parent"),
			 case_ino("userchain1"));
	assert_int_equal(get_int(find_case(m, "userchain3"), "parent"),
			 case_ino("userchain2"));
	assert_int_equal(get_int(find_case(m, "pid1"), "parent"), pid);
	assert_int_equal(get_int(find_case(m, "pid2"), "parent"),
			 case_ino("pid1"));
	assert_int_equal(get_int(find_case(m, "pid1"), "owner"), user);
	assert_int_equal(get_int(find_case(m, "pid2"), "owner"), user);
	assert_int_equal(get_int(find_case(m, "ownuser"), "parent"), user);
	assert_int_equal(get_int(find_case(m, "ownpid"), "owner"),
			 case_ino("ownuser"));
	assert_int_equal(get_int(find_case(m, "ownnet"), "owner"),
			 case_ino("ownuser"));
	assert_int_equal(get_int(find_case(m, "ownpid"), "pid"),
			 get_int(find_case(m, "ownuser"), "pid"));
	assert_int_equal(get_int(find_case(m, "nopwuser"), "owner_uid"), 4242);

	char path[256];
	json_object *o = find_case(m, "bindnet");
	snprintf(path, sizeof(path), "%s/net ns a", zoo.dir);
	assert_string_equal(get_str(o, "path"), path);
	assert_int_equal(get_int(o, "mntns"), mnt);
	o = find_case(m, "bindmnt");
	snprintf(path, sizeof(path), "%s/mnt", zoo.dir);
	assert_string_equal(get_str(o, "path"), path);
	assert_int_equal(get_int(o, "mntns"), mnt);
	o = find_case(m, "inneruts");
	snprintf(path, sizeof(path), "%s/uts", zoo.dir);
	assert_string_equal(get_str(o, "path"), path);
	assert_int_equal(get_int(o, "mntns"), case_ino("bindmnt"));

	assert_int_equal(get_int(find_case(m, "hostilepid"), "owner"),
			 case_ino("hostile"));
	assert_int_equal(get_int(find_case(m, "hostilepid"), "parent"), pid);

	/* Everything but the chain, ownuser's and hostile's is owned by the
	 * host. */
	for (size_t i = 0; i < NCASES; i++) {
		const char *n = cases[i].name;
		if (!strcmp(n, "userchain2") || !strcmp(n, "userchain3") ||
		    !strcmp(n, "ownpid") || !strcmp(n, "ownnet") ||
		    !strcmp(n, "hostilepid"))
			continue;
		assert_int_equal(get_int(find_case(m, n), "owner"), user);
		/* No case is one of the host's namespaces. */
		assert_int_not_equal(case_ino(n), self_ino(cases[i].type));
	}

	/* Root inside ownuser. */
	snprintf(path, sizeof(path), "/proc/%d/uid_map",
		 (int)get_int(find_case(m, "ownuser"), "pid"));
	FILE *f = fopen(path, "re");
	assert_non_null(f);
	unsigned in = 1, out = 1, count = 0;
	assert_int_equal(fscanf(f, "%u %u %u", &in, &out, &count), 3);
	fclose(f);
	assert_int_equal(in, 0);
	assert_int_equal(count, 1);
}

static void test_hostile(void **state)
{
	(void)state;
	SKIP_IF_NEEDED();
	static const char want[] = HOSTILE_ARGV0 "\0" HOSTILE_ARG1;
	char path[64], buf[256];
	int pid = (int)get_int(find_case(zoo.m, "hostile"), "pid");
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	ssize_t n = read(fd, buf, sizeof(buf));
	close(fd);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	/* comm: the first 15 bytes, hostile already. */
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	assert_int_equal(n, HOSTILE_COMM_LEN + 1);
	assert_memory_equal(buf, HOSTILE_ARGV0, HOSTILE_COMM_LEN);
	assert_int_equal(buf[HOSTILE_COMM_LEN], '\n');
}

static int processes_left(json_object *m)
{
	int n = 0;
	const char *lists[] = {"namespaces", "processes"};
	for (size_t l = 0; l < 2; l++) {
		json_object *a = get(m, lists[l]);
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			int64_t pid =
				get_int(json_object_array_get_idx(a, i), "pid");
			if (pid > 0 &&
			    (kill((pid_t)pid, 0) == 0 || errno != ESRCH)) {
				printf("# left running: %jd\n", (intmax_t)pid);
				n++;
			}
		}
	}
	return n;
}

static void check_gone(json_object *m, const char *dir)
{
	struct stat st;
	assert_int_equal(fixture_mounts_under(dir, true), 0);
	assert_int_equal(processes_left(m), 0);
	assert_int_equal(stat(dir, &st), -1);
	assert_int_equal(errno, ENOENT);
}

static void test_stop_on_eof(void **state)
{
	(void)state;
	SKIP_IF_NEEDED();
	char dir[128];
	snprintf(dir, sizeof(dir), "%s", zoo.dir);
	assert_true(fixture_mounts_under(dir, false) >= 3);
	close(zoo.in);
	zoo.in = -1;
	assert_int_equal(zoo_run_wait(&zoo), 0);
	check_gone(zoo.m, dir);
}

static void test_stop_on_sigterm(void **state)
{
	(void)state;
	SKIP_IF_NEEDED();
	struct zoo_run z = ZOO_RUN_INIT;
	char why[256];
	if (zoo_run_start(&z, zoo_path, why, sizeof(why)) != 0)
		fail_msg("second zoo: %s", why);
	assert_true(fixture_mounts_under(z.dir, false) >= 3);
	assert_int_equal(kill(z.pid, SIGTERM), 0);
	assert_int_equal(zoo_run_wait(&z), 0);
	check_gone(z.m, z.dir);
	zoo_run_stop(&z);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test-zoo PATH-TO-nsrel-zoo\n");
		return 2;
	}
	zoo_path = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_inodes),
		cmocka_unit_test(test_relations),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_stop_on_eof),
		cmocka_unit_test(test_stop_on_sigterm),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
