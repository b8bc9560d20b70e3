/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a scan can see. The limits of a view are properties of the thread
 * that scans and of the /proc it reads, not of the namespaces found: a few
 * reads of our own entries in that /proc, and capget(2), once per scan.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "procfs.h"
#include "scan.h"
#include "util.h"

/* include/linux/proc_ns.h: the inodes of the initial namespaces. */
#define PROC_USER_INIT_INO 0xEFFFFFFDU
#define PROC_PID_INIT_INO  0xEFFFFFFCU

#ifndef CAP_SYS_PTRACE
#define CAP_SYS_PTRACE 19
#endif

static uint64_t cap_effective(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {0};

	if (syscall(SYS_capget, &hdr, data) < 0)
		return 0;
	return data[0].effective | (uint64_t)data[1].effective << 32;
}

static int in_group(gid_t gid, bool *ret)
{
	*ret = getegid() == gid;
	int n = getgroups(0, NULL);
	if (*ret || n <= 0)
		return 0;
	_cleanup_free_ gid_t *groups = malloc((size_t)n * sizeof(*groups));
	if (!groups)
		return -ENOMEM;
	n = getgroups(n, groups);
	for (int i = 0; i < n && !*ret; i++)
		*ret = groups[i] == gid;
	return 0;
}

/* The inode of path under proc_fd, 0 if it is not there or not ours to
 * see; or a negative errno that ends the scan (scan_err()). */
static int ns_ino(int proc_fd, const char *path, ino_t *ret)
{
	struct stat st;
	*ret = 0;
	if (fstatat(proc_fd, path, &st, 0) < 0)
		return scan_err(errno);
	*ret = st.st_ino;
	return 0;
}

/* Whose PID namespace this /proc is: NSpid lists one level per PID
 * namespace from the one /proc belongs to down to ours. 0 or a negative
 * errno (scan_err()). */
static int proc_pidns(int proc_fd, enum nsrel_proc_pidns *ret)
{
	struct stat st;
	*ret = NSREL_PROC_PIDNS_UNKNOWN;
	if (fstatat(proc_fd, "self", &st, 0) < 0) {
		if (errno == ENOENT)
			*ret = NSREL_PROC_PIDNS_OTHER;
		return scan_err(errno);
	}

	_cleanup_close_ int fd =
		openat(proc_fd, "thread-self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return scan_err(errno);
	char buf[8192];
	size_t n = 0;
	ssize_t k;
	while (n < sizeof(buf) &&
	       ((k = read(fd, buf + n, sizeof(buf) - n)) > 0 ||
		(k < 0 && errno == EINTR)))
		n += k > 0 ? (size_t)k : 0;
	if (k < 0 && errno != EINTR)
		return scan_err(errno);
	unsigned levels = nsrel__procfs_status_nspid_levels(buf, n);
	*ret = levels == 1  ? NSREL_PROC_PIDNS_OWN
	       : levels > 1 ? NSREL_PROC_PIDNS_ANCESTOR
			    : NSREL_PROC_PIDNS_UNKNOWN;
	return 0;
}

/*
 * The options of the procfs we read: the last procfs mounted at /proc
 * with the device of proc_fd, since a later mount there covers the
 * earlier ones. 1 if found, 0 if not, or a negative errno that ends
 * the scan (scan_err()).
 */
static int proc_mount(int proc_fd, struct procfs_proc_opts *ret)
{
	struct stat st;
	if (fstat(proc_fd, &st) < 0)
		return -errno;
	int fd = openat(proc_fd, "thread-self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return scan_err(errno);
	FILE *f = fdopen(fd, "re");
	if (!f) {
		int r = -errno;
		close(fd);
		return r;
	}
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int found = 0;
	while ((errno = 0, n = getline(&line, &cap, f)) > 0) {
		struct procfs_mount mi;
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (nsrel__procfs_parse_mountinfo_line(line, &mi) == 0 &&
		    strcmp(mi.point, "/proc") == 0 &&
		    strcmp(mi.fstype, "proc") == 0 &&
		    mi.major == major(st.st_dev) &&
		    mi.minor == minor(st.st_dev)) {
			nsrel__procfs_parse_proc_opts(mi.super, ret);
			found = 1;
		}
	}
	if (n < 0 && errno && scan_err(errno) < 0)
		found = -errno;
	fclose(f);
	return found;
}

int nsrel__scan_view(struct scan *s)
{
	struct nsrel_view *v = &s->m->view;
	struct procfs_proc_opts o;

	int r = ns_ino(s->proc_fd, "thread-self/ns/user", &v->user_ns);
	if (r >= 0)
		r = ns_ino(s->proc_fd, "thread-self/ns/pid", &v->pid_ns);
	if (r >= 0)
		r = proc_pidns(s->proc_fd, &v->proc_pid_ns);
	if (r < 0)
		return r;
	v->user_ns_initial = v->user_ns == PROC_USER_INIT_INO;
	v->pid_ns_initial = v->pid_ns == PROC_PID_INIT_INO;
	v->cap_effective = cap_effective();
	v->privileged =
		v->user_ns_initial && (v->cap_effective >> CAP_SYS_PTRACE & 1);

	r = proc_mount(s->proc_fd, &o);
	if (r <= 0)
		return r;
	v->hidepid = o.hidepid;
	v->proc_subset_pid = o.subset_pid;
	/*
	 * fs/proc/base.c has_pid_permissions(): those who may ptrace every
	 * process see past hidepid, and for hidepid 1 and 2 so do members
	 * of gid=; everyone else sees only what they may ptrace.
	 */
	bool member = false;
	if (o.gid >= 0 && o.hidepid != NSREL_HIDEPID_PTRACEABLE) {
		r = in_group((gid_t)o.gid, &member);
		if (r < 0)
			return r;
	}
	v->hidepid_applies =
		o.hidepid > NSREL_HIDEPID_OFF && !v->privileged && !member;
	return 0;
}

_public_ int nsrel_model_view(const struct nsrel_model *m,
			      struct nsrel_view *ret)
{
	if (!m || !ret || ret->sz < sizeof(ret->sz))
		return -EINVAL;
	struct nsrel_view v = m->view;
	size_t n = ret->sz < sizeof(v) ? ret->sz : sizeof(v);
	v.sz = n;
	v.unreadable = m->unreadable;
	memcpy(ret, &v, n);
	return 0;
}

_public_ const char *nsrel_hidepid_str(enum nsrel_hidepid h)
{
	switch (h) {
	case NSREL_HIDEPID_OFF:
		return "off";
	case NSREL_HIDEPID_NOACCESS:
		return "noaccess";
	case NSREL_HIDEPID_INVISIBLE:
		return "invisible";
	case NSREL_HIDEPID_PTRACEABLE:
		return "ptraceable";
	default:
		return NULL;
	}
}

_public_ const char *nsrel_proc_pidns_str(enum nsrel_proc_pidns p)
{
	switch (p) {
	case NSREL_PROC_PIDNS_OWN:
		return "own";
	case NSREL_PROC_PIDNS_ANCESTOR:
		return "ancestor";
	case NSREL_PROC_PIDNS_OTHER:
		return "other";
	default:
		return NULL;
	}
}
