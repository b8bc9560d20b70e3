/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running the discovery for a tool, and saying what it could not see.
 *
 * The limits of a view are properties of the process that runs the tool
 * and of the /proc it reads, not of the namespaces found, so they are
 * probed here rather than in the library: a few reads of our own /proc
 * entries, once per run.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common.h"

/* include/linux/proc_ns.h: the inodes of the initial namespaces are fixed. */
#define PROC_USER_INIT_INO 0xEFFFFFFDU
#define PROC_PID_INIT_INO  0xEFFFFFFCU

#ifndef CAP_SYS_PTRACE
#define CAP_SYS_PTRACE 19
#endif

static bool have_cap(unsigned cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {0};

	if (syscall(SYS_capget, &hdr, data) < 0)
		return false;
	return data[cap / 32].effective & (1U << (cap % 32));
}

static bool in_group(gid_t gid)
{
	gid_t *groups;
	int n;
	bool found = false;

	if (getegid() == gid)
		return true;
	n = getgroups(0, NULL);
	if (n <= 0)
		return false;
	groups = tc_xmalloc((size_t)n * sizeof(*groups));
	n = getgroups(n, groups);
	for (int i = 0; i < n && !found; i++)
		found = groups[i] == gid;
	free(groups);
	return found;
}

static ino_t ns_ino(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? 0 : st.st_ino;
}

/*
 * How many levels of PID namespaces /proc/self/status lists in NSpid: one
 * when /proc belongs to our own PID namespace, more when it belongs to an
 * ancestor; 0 when not known (no such line, or /proc does not show us).
 */
static unsigned nspid_levels(void)
{
	char buf[8192];
	size_t n = 0;
	ssize_t k;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	while (n < sizeof(buf) &&
	       ((k = read(fd, buf + n, sizeof(buf) - n)) > 0 ||
		(k < 0 && errno == EINTR)))
		n += k > 0 ? (size_t)k : 0;
	close(fd);
	return tc_status_nspid_levels(buf, n);
}

/*
 * The options of the mount at /proc, the one the library reads: the last
 * /proc in mountinfo with the device of what "/proc" resolves to, since
 * a later mount there covers the earlier ones.
 */
static void probe_proc_mount(struct tc_limits *l, long *ret_gid)
{
	struct stat st;
	struct tc_proc_opts o, last;
	bool found = false;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (stat("/proc", &st) < 0)
		return;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return;
	while ((n = getline(&line, &cap, f)) > 0)
		if (tc_mountinfo_proc_opts(line, (size_t)n, major(st.st_dev),
					   minor(st.st_dev), &o)) {
			last = o;
			found = true;
		}
	free(line);
	fclose(f);
	if (found) {
		l->hidepid = last.hidepid;
		l->proc_subset_pid = last.subset_pid;
		*ret_gid = last.gid;
	}
}

const struct tc_limits *tc_limits(const struct nsrel_model *m)
{
	static struct tc_limits l;
	static bool probed;
	long gid = -1;

	if (probed) {
		l.unreadable = m ? nsrel_model_unreadable(m) : l.unreadable;
		return &l;
	}
	probed = true;
	l = (struct tc_limits){.hidepid = TC_HIDEPID_UNKNOWN};
	l.unreadable = m ? nsrel_model_unreadable(m) : 0;

	l.user_ns = ns_ino("/proc/self/ns/user");
	l.pid_ns = ns_ino("/proc/self/ns/pid");
	l.user_ns_initial = l.user_ns == PROC_USER_INIT_INO;
	l.pid_ns_initial = l.pid_ns == PROC_PID_INIT_INO;
	l.privileged = l.user_ns_initial && have_cap(CAP_SYS_PTRACE);

	if (access("/proc/self", F_OK) < 0) {
		l.proc_pid_ns = TC_PROC_PIDNS_OTHER;
	} else {
		unsigned levels = nspid_levels();

		l.proc_pid_ns = levels == 1  ? TC_PROC_PIDNS_OWN
				: levels > 1 ? TC_PROC_PIDNS_ANCESTOR
					     : TC_PROC_PIDNS_UNKNOWN;
	}

	probe_proc_mount(&l, &gid);
	/*
	 * fs/proc/base.c has_pid_permissions(): members of gid= and those
	 * who may ptrace every process (CAP_SYS_PTRACE over it) see past
	 * hidepid; everyone else only what they may ptrace.
	 */
	l.hidepid_applies = l.hidepid > TC_HIDEPID_OFF && !l.privileged &&
			    !(gid >= 0 && in_group((gid_t)gid));
	return &l;
}

static const char *hidepid_name(enum tc_hidepid h)
{
	switch (h) {
	case TC_HIDEPID_OFF:
		return "off";
	case TC_HIDEPID_NOACCESS:
		return "noaccess";
	case TC_HIDEPID_INVISIBLE:
		return "invisible";
	case TC_HIDEPID_PTRACEABLE:
		return "ptraceable";
	default:
		return NULL;
	}
}

void tc_report_unreadable(const struct nsrel_model *m)
{
	const struct tc_limits *l = tc_limits(m);
	const char *prog = tc_prog();
	size_t n = l->unreadable;

	if (l->hidepid_applies) {
		const char *what =
			l->hidepid == TC_HIDEPID_NOACCESS
				? "processes of other users cannot be read"
			: l->hidepid == TC_HIDEPID_PTRACEABLE
				? "processes it may not trace are not listed"
				: "processes of other users are not listed";

		fprintf(stderr, "%s: /proc is mounted hidepid=%s: %s\n", prog,
			hidepid_name(l->hidepid), what);
	}
	if (l->proc_pid_ns == TC_PROC_PIDNS_OWN && l->pid_ns &&
	    !l->pid_ns_initial)
		fprintf(stderr,
			"%s: running in PID namespace pid:[%ju], not the "
			"initial one: only its processes are listed\n",
			prog, (uintmax_t)l->pid_ns);
	else if (l->proc_pid_ns == TC_PROC_PIDNS_OTHER)
		fprintf(stderr,
			"%s: /proc belongs to a PID namespace this process "
			"is not in: only that namespace's processes are "
			"listed\n",
			prog);
	if (l->user_ns && !l->user_ns_initial)
		fprintf(stderr,
			"%s: running in user namespace user:[%ju], not the "
			"initial one: owners and parents outside it are not "
			"shown\n",
			prog, (uintmax_t)l->user_ns);
	if (!n)
		return;
	fprintf(stderr, "%s: %zu process%s could not be read%s\n", prog, n,
		n == 1 ? "" : "es",
		l->privileged || (l->user_ns && !l->user_ns_initial) ? ""
		: geteuid() ? "; run as root to see all namespaces"
			    : "; CAP_SYS_PTRACE is needed to see all "
			      "namespaces");
}

static struct json_object *jino(ino_t ino)
{
	return ino ? tc_json_new(json_object_new_uint64(ino)) : NULL;
}

void tc_jw_visibility(struct tc_jw *w, const struct nsrel_model *m)
{
	static const char *const proc_ns[] = {
		[TC_PROC_PIDNS_UNKNOWN] = NULL,
		[TC_PROC_PIDNS_OWN] = "own",
		[TC_PROC_PIDNS_ANCESTOR] = "ancestor",
		[TC_PROC_PIDNS_OTHER] = "other",
	};
	const struct tc_limits *l = tc_limits(m);
	const char *h = hidepid_name(l->hidepid);

	tc_jw_begin_object(w, "visibility");
	tc_jw_value(w, "privileged",
		    tc_json_new(json_object_new_boolean(l->privileged)));
	tc_jw_value(w, "user_ns", jino(l->user_ns));
	tc_jw_value(w, "initial_user_ns",
		    tc_json_new(json_object_new_boolean(l->user_ns_initial)));
	tc_jw_value(w, "pid_ns", jino(l->pid_ns));
	tc_jw_value(w, "initial_pid_ns",
		    tc_json_new(json_object_new_boolean(l->pid_ns_initial)));
	tc_jw_value(w, "proc_pid_ns",
		    proc_ns[l->proc_pid_ns]
			    ? tc_json_new(json_object_new_string(
				      proc_ns[l->proc_pid_ns]))
			    : NULL);
	tc_jw_value(w, "hidepid",
		    h ? tc_json_new(json_object_new_string(h)) : NULL);
	tc_jw_value(w, "hidepid_applies",
		    tc_json_new(json_object_new_boolean(l->hidepid_applies)));
	tc_jw_end_object(w);
}

struct nsrel_model *tc_scan(unsigned types, unsigned sources)
{
	struct nsrel_scan_opts opts = {
		.sz = sizeof(opts),
		.types = types,
		.sources = sources,
	};
	struct nsrel_model *m = NULL;
	int r = nsrel_scan(&opts, &m);

	if (r < 0)
		tc_die("cannot discover namespaces: %s", strerror(-r));
	return m;
}
