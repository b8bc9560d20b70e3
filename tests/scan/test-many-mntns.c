/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Many mount namespaces that no process is in: each is held only by a bind
 * mount of its ns/mnt file, and holds only a bind mount of a uts namespace
 * of its own. A scan can reach such a uts namespace only through its
 * mount namespace, so every one of them must come out with its nsid and
 * its owner: from nsrel_scan(), in dumpns's JSON and in lsuserns -d. More
 * of them than the default RLIMIT_NOFILE (1024) allows open at once, and
 * the scans run with a soft limit of 1024.
 *
 * One more mount namespace has a process in it, chrooted elsewhere: its
 * root shows nothing of the mounts there, which must be read all the same
 * (a uts namespace bind-mounted there, with its nsid and owner).
 *
 * It all happens in a mount namespace of our own, in a tmpfs mounted there:
 * when we exit, every mount, mount namespace and uts namespace we made
 * goes with it. Only our own namespaces are counted.
 *
 * Usage: test-many-mntns DUMPNS LSUSERNS [COUNT]  (TAP; root only)
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "nsrel.h"

#define COUNT_DEFAULT 2000

static unsigned count = COUNT_DEFAULT;
static ino_t *uts; /* our uts namespaces, by number */
static ino_t *mnt; /* the mount namespace holding each */
static char dir[] = "/tmp/nsrel-many.XXXXXX";
static int tap_n;
static int failures;

static void tap(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void tap(int ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("%s %d - ", ok ? "ok" : "not ok", ++tap_n);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	failures += !ok;
}

static int uts_index(ino_t ino)
{
	for (unsigned i = 0; i < count; i++)
		if (uts[i] == ino)
			return (int)i;
	return -1;
}

static ino_t link_ino(pid_t pid, const char *type)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, type);
	return stat(path, &st) == 0 ? st.st_ino : 0;
}

/* One mount namespace with a uts namespace bind-mounted in it; a child
 * makes both and waits until we have bind-mounted its mount namespace. */
static int make_one(unsigned i)
{
	char upath[128], mpath[128];
	snprintf(upath, sizeof(upath), "%s/u%u", dir, i);
	snprintf(mpath, sizeof(mpath), "%s/m%u", dir, i);
	int fd = open(upath, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || close(fd) < 0)
		return -errno;
	fd = open(mpath, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || close(fd) < 0)
		return -errno;
	int up[2], down[2];
	if (pipe2(up, O_CLOEXEC) < 0 || pipe2(down, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		char c = 0;
		if (unshare(CLONE_NEWNS | CLONE_NEWUTS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("/proc/self/ns/uts", upath, NULL, MS_BIND, NULL) < 0)
			c = 1;
		if (write(up[1], &c, 1) != 1 || read(down[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	char c = 1;
	int r = 0;
	if (read(up[0], &c, 1) != 1 || c)
		r = -EIO;
	char src[64];
	snprintf(src, sizeof(src), "/proc/%d/ns/mnt", pid);
	if (!r) {
		uts[i] = link_ino(pid, "uts");
		mnt[i] = link_ino(pid, "mnt");
		if (!uts[i] || !mnt[i] ||
		    mount(src, mpath, NULL, MS_BIND, NULL) < 0)
			r = errno ? -errno : -EIO;
	}
	close(up[0]);
	close(down[1]);
	int st;
	waitpid(pid, &st, 0);
	return r;
}

/* The chrooted one: a child in a mount namespace of its own with a uts
 * namespace bind-mounted in it, back in our uts namespace, chrooted into
 * an empty directory. Its pid, or a negative errno. */
static ino_t chroot_uts;
static pid_t make_chrooted(void)
{
	char upath[128], empty[128];
	snprintf(upath, sizeof(upath), "%s/uc", dir);
	snprintf(empty, sizeof(empty), "%s/empty", dir);
	int fd = open(upath, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || close(fd) < 0 || mkdir(empty, 0700) < 0)
		return -errno;
	int ours = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	int up[2];
	if (ours < 0 || pipe2(up, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(up[0]);
		ino_t ino = 0;
		if (unshare(CLONE_NEWNS | CLONE_NEWUTS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("/proc/self/ns/uts", upath, NULL, MS_BIND, NULL) <
			    0 ||
		    !(ino = link_ino(getpid(), "uts")) ||
		    setns(ours, CLONE_NEWUTS) < 0 || chroot(empty) < 0 ||
		    chdir("/") < 0)
			ino = 0;
		if (write(up[1], &ino, sizeof(ino)) != sizeof(ino))
			_exit(1);
		pause();
		_exit(0);
	}
	close(up[1]);
	close(ours);
	ino_t ino = 0;
	int r = read(up[0], &ino, sizeof(ino)) == sizeof(ino) && ino ? 0 : -EIO;
	close(up[0]);
	if (r) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return r;
	}
	chroot_uts = ino;
	return pid;
}

static void check_library(void)
{
	struct nsrel_model *m = NULL;
	int r = nsrel_scan(NULL, &m);
	tap(r == 0, "nsrel_scan() with RLIMIT_NOFILE 1024: %s",
	    r ? strerror(-r) : "ok");
	if (r)
		return;
	unsigned found = 0, complete = 0, held = 0;
	for (unsigned i = 0; i < count; i++) {
		const struct nsrel_ns *ns =
			nsrel_model_find(m, CLONE_NEWUTS, uts[i]);
		if (!ns)
			continue;
		found++;
		complete += nsrel_ns_id(ns).nsid != 0 && nsrel_ns_owner(ns);
		for (size_t k = 0; k < nsrel_ns_ref_count(ns); k++) {
			const struct nsrel_ref *ref = nsrel_ns_ref(ns, k);
			const struct nsrel_ns *in = nsrel_ref_mntns(ref);
			if (nsrel_ref_kind(ref) == NSREL_REF_BINDMOUNT && in &&
			    nsrel_ns_ino(in) == mnt[i]) {
				held++;
				break;
			}
		}
	}
	const struct nsrel_ns *cns =
		nsrel_model_find(m, CLONE_NEWUTS, chroot_uts);
	bool chroot_ok = cns && nsrel_ns_id(cns).nsid && nsrel_ns_owner(cns);
	nsrel_model_free(m);
	tap(chroot_ok,
	    "library: uts:[%llu], mounted where the only process is "
	    "chrooted elsewhere, %s",
	    (unsigned long long)chroot_uts,
	    !cns	? "not found"
	    : chroot_ok ? "with nsid and owner"
			: "without nsid or owner");
	tap(found == count, "library: %u of %u uts namespaces found", found,
	    count);
	tap(complete == count, "library: %u of %u with nsid and owner",
	    complete, count);
	tap(held == count,
	    "library: %u of %u bind-mounted in their mount namespace", held,
	    count);
}

/* Runs a tool with its output into a file of our tmpfs; its exit status. */
static int run_tool(char *const argv[], const char *out)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			      0600);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void check_dumpns(const char *dumpns)
{
	char out[128];
	snprintf(out, sizeof(out), "%s/dumpns.json", dir);
	char *argv[] = {(char *)dumpns, NULL};
	int rc = run_tool(argv, out);
	tap(rc == 0, "dumpns exits %d", rc);
	json_object *doc = json_object_from_file(out);
	json_object *arr;
	unsigned found = 0, complete = 0;
	if (doc && json_object_object_get_ex(doc, "namespaces", &arr)) {
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			json_object *n = json_object_array_get_idx(arr, i), *v;
			if (!json_object_object_get_ex(n, "type", &v) ||
			    strcmp(json_object_get_string(v), "uts") ||
			    !json_object_object_get_ex(n, "ino", &v) ||
			    uts_index((ino_t)json_object_get_int64(v)) < 0)
				continue;
			found++;
			json_object *nsid, *owner;
			complete +=
				json_object_object_get_ex(n, "nsid", &nsid) &&
				json_object_get_int64(nsid) > 0 &&
				json_object_object_get_ex(n, "owner", &owner) &&
				json_object_get_int64(owner) > 0;
		}
	}
	json_object_put(doc);
	tap(found == count, "dumpns: %u of %u uts namespaces found", found,
	    count);
	tap(complete == count, "dumpns: %u of %u with nsid and owner", complete,
	    count);
}

/* lsuserns -d lists a namespace under the user namespace that owns it:
 * one line "uts:[INO]" for each of ours. */
static void check_lsuserns(const char *lsuserns)
{
	char out[128];
	snprintf(out, sizeof(out), "%s/lsuserns.txt", dir);
	char *argv[] = {(char *)lsuserns, "-d", "--color=never", NULL};
	int rc = run_tool(argv, out);
	tap(rc == 0, "lsuserns -d exits %d", rc);
	FILE *f = fopen(out, "re");
	char *seen = calloc(count, 1);
	unsigned found = 0;
	char *line = NULL;
	size_t cap = 0;
	while (f && seen && getline(&line, &cap, f) > 0) {
		const char *p = strstr(line, "uts:[");
		if (!p)
			continue;
		int i = uts_index((ino_t)strtoull(p + 5, NULL, 10));
		if (i >= 0 && !seen[i]) {
			seen[i] = 1;
			found++;
		}
	}
	free(line);
	/* Which, for the report: the first few not listed. */
	for (unsigned i = 0, shown = 0; seen && i < count && shown < 5; i++)
		if (!seen[i]) {
			printf("# not listed: uts:[%llu] in mnt:[%llu]\n",
			       (unsigned long long)uts[i],
			       (unsigned long long)mnt[i]);
			shown++;
		}
	free(seen);
	if (f)
		fclose(f);
	tap(found == count, "lsuserns -d: %u of %u uts namespaces listed",
	    found, count);
}

/* In a child: our own mount namespace and tmpfs, the namespaces, the
 * checks. Its exit takes everything with it. */
static int world(const char *dumpns, const char *lsuserns)
{
	/* Mount namespace ids come from per-CPU batches (6.18), and a mount
	 * namespace can be bind-mounted only into an older one: make them
	 * all on one CPU, in order. */
	int cpu = sched_getcpu();
	cpu_set_t all, one;
	if (cpu >= 0 && sched_getaffinity(0, sizeof(all), &all) == 0) {
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		sched_setaffinity(0, sizeof(one), &one);
	}
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") <
		    0) {
		printf("1..0 # SKIP cannot make a mount namespace and tmpfs: "
		       "%s\n",
		       strerror(errno));
		return 0;
	}
	uts = calloc(count, sizeof(*uts));
	mnt = calloc(count, sizeof(*mnt));
	if (!uts || !mnt)
		return 1;
	for (unsigned i = 0; i < count; i++) {
		int r = make_one(i);
		if (r < 0) {
			printf("1..0 # SKIP cannot make mount namespace %u: "
			       "%s\n",
			       i, strerror(-r));
			return 0;
		}
	}
	pid_t chrooted = make_chrooted();
	if (chrooted < 0) {
		printf("1..0 # SKIP cannot make the chrooted one: %s\n",
		       strerror(-chrooted));
		return 0;
	}
	if (cpu >= 0)
		sched_setaffinity(0, sizeof(all), &all);
	printf("1..10\n# %u mount namespaces, each held by a bind mount "
	       "only, each holding a uts namespace\n",
	       count);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max < 1024 ? rl.rlim_max : 1024;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	check_library();
	check_dumpns(dumpns);
	check_lsuserns(lsuserns);
	kill(chrooted, SIGKILL);
	waitpid(chrooted, NULL, 0);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: test-many-mntns DUMPNS LSUSERNS "
				"[COUNT]\n");
		return 2;
	}
	if (argc > 3)
		count = (unsigned)strtoul(argv[3], NULL, 10);
	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root (mount namespaces)\n");
		return 0;
	}
	if (!mkdtemp(dir)) {
		printf("1..0 # SKIP mkdtemp: %s\n", strerror(errno));
		return 0;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		int rc = world(argv[1], argv[2]);
		fflush(stdout);
		_exit(rc);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	rmdir(dir);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
