/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsrel_scan(): runs the sources into one model. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "config.h"

#include "containers.h"
#include "scan.h"
#include "util.h"

/* Options structs grow at the end: accept a smaller one from an older
 * caller, and a larger one from a newer caller only if we would ignore
 * nothing it says (the libbpf rule). */
static int read_opts(const struct nsrel_scan_opts *opts, struct scan *s)
{
	s->types = NSREL_ALL_TYPES;
	s->sources = NSREL_SRC_ALL;
	s->flags = 0;
	s->mounts_method = NSREL_MOUNTS_AUTO;
	s->backend = NSREL_BACKEND_AUTO;
	s->containers = NSREL_SWITCH_AUTO;
	s->engine_api = NSREL_SWITCH_AUTO;
	if (!opts)
		return 0;
	if (opts->sz < sizeof(opts->sz))
		return -EINVAL;
	for (size_t i = sizeof(*opts); i < opts->sz; i++)
		if (((const char *)opts)[i])
			return -E2BIG;
#define HAS(f) \
	(opts->sz >= offsetof(struct nsrel_scan_opts, f) + sizeof(opts->f))
	if (HAS(types) && opts->types) {
		if (opts->types & ~(unsigned)NSREL_ALL_TYPES)
			return -EINVAL;
		s->types = opts->types;
	}
	if (HAS(sources) && opts->sources) {
		if (opts->sources & ~(unsigned)NSREL_SRC_ALL)
			return -EINVAL;
		s->sources = opts->sources;
	}
	if (HAS(flags)) {
		if (opts->flags & ~(unsigned)NSREL_SCAN_FLAGS_ALL)
			return -EINVAL;
		s->flags = opts->flags;
	}
	if (HAS(mounts_method)) {
		if (opts->mounts_method > NSREL_MOUNTS_MOUNTINFO)
			return -EINVAL;
		s->mounts_method = opts->mounts_method;
	}
	if (HAS(backend)) {
		if (opts->backend != NSREL_BACKEND_AUTO &&
		    opts->backend != NSREL_BACKEND_PROC &&
		    opts->backend != NSREL_BACKEND_BPF)
			return -EINVAL;
		s->backend = opts->backend;
	}
	if (HAS(containers)) {
		if ((unsigned)opts->containers > NSREL_SWITCH_OFF)
			return -EINVAL;
		s->containers = opts->containers;
	}
	if (HAS(engine_api)) {
		if ((unsigned)opts->engine_api > NSREL_SWITCH_OFF)
			return -EINVAL;
		s->engine_api = opts->engine_api;
	}
	if (HAS(engine_socket))
		s->engine_socket = opts->engine_socket;
	if (HAS(threads)) {
		if (opts->threads > 64)
			return -EINVAL;
		s->threads = opts->threads;
	}
#undef HAS
	return 0;
}

static void scan_done(struct scan *s)
{
	for (size_t i = 0; i < s->kept_n; i++)
		close(s->kept[i].fd);
	free(s->kept);
	free(s->sm);
	free(s->socks);
	nsrel__containers_free(s->ct);
	if (s->proc_fd >= 0)
		close(s->proc_fd);
	if (s->rtnl_fd >= 0)
		close(s->rtnl_fd);
	nsrel_model_free(s->m);
}

_public_ const char *nsrel_backend_str(enum nsrel_backend b)
{
	switch (b) {
	case NSREL_BACKEND_AUTO:
		return "auto";
	case NSREL_BACKEND_PROC:
		return "proc";
	case NSREL_BACKEND_BPF:
		return "bpf";
	}
	return NULL;
}

/* AUTO takes BPF only where it sees what /proc would show: in the initial
 * PID namespace, for a caller privileged in the view's sense (CAP_SYS_PTRACE
 * in the initial user namespace: hidepid= hides nothing from it). Where it
 * cannot load, and everywhere else, /proc, whose view a confined caller
 * expects. */
static bool auto_bpf(const struct scan *s)
{
	return HAVE_BPF && s->m->view.pid_ns_initial && s->m->view.privileged;
}

/* The processes, tasks, fds and sockets sources, by the backend asked
 * for. */
static int run_backend(struct scan *s)
{
	s->m->backend = NSREL_BACKEND_PROC;
	if (s->backend == NSREL_BACKEND_PROC ||
	    (s->backend == NSREL_BACKEND_AUTO && !auto_bpf(s)))
		return nsrel__scan_procs(s);
	struct bpf_records rec = {0};
	int r = nsrel__scan_bpf_read(
		&rec, s->flags & (NSREL_SCAN_CMDLINE | NSREL_SCAN_CMDLINE_FIRST)
			      ? NSREL__BPF_CMDLINES
			      : 0);
	if (r >= 0) {
		s->m->backend = NSREL_BACKEND_BPF;
		/* What limits /proc did not limit the scan: it saw the
		 * tasks of our own PID namespace, all of them. */
		s->m->view.hidepid_applies = false;
		s->m->view.proc_pid_ns = NSREL_PROC_PIDNS_OWN;
		r = nsrel__scan_bpf_fill(s, &rec);
	} else if (s->backend == NSREL_BACKEND_AUTO && r != -ENOMEM &&
		   r != -EMFILE && r != -ENFILE) {
		/* Could not load: /proc. Out of memory or fds: as any
		 * scan, an error, not another view. */
		r = nsrel__scan_procs(s);
	}
	nsrel__scan_bpf_free(&rec);
	return r;
}

_public_ int nsrel_scan(const struct nsrel_scan_opts *opts,
			struct nsrel_model **ret)
{
	if (!ret)
		return -EINVAL;
	struct scan s = {.proc_fd = -1, .rtnl_fd = -1};
	int r = read_opts(opts, &s);
	if (r < 0)
		return r;
	/* Kept mount namespace fds: a small share of what we may open. */
	struct rlimit rl;
	s.kept_max = 256;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur / 8 < s.kept_max)
		s.kept_max = rl.rlim_cur / 8;
	if (s.kept_max < 1)
		s.kept_max = 1;

	s.m = calloc(1, sizeof(*s.m));
	if (!s.m)
		return -ENOMEM;
	s.m->types = s.types;
	s.m->engine_warning = NONE;
	s.proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s.proc_fd < 0) {
		r = -errno;
		goto out;
	}
	/* All namespaces live on the one nsfs; its device is theirs. */
	struct stat st;
	if (fstatat(s.proc_fd, "thread-self/ns/user", &st, 0) < 0) {
		r = -errno;
		goto out;
	}
	s.m->nsfs_dev = st.st_dev;
	if (fstatat(s.proc_fd, "thread-self/ns/mnt", &st, 0) == 0)
		s.self_mntns = st.st_ino;
	else if ((r = scan_err(errno)) < 0)
		goto out;

	r = nsrel__scan_view(&s);
	if (r >= 0 && s.containers != NSREL_SWITCH_OFF)
		r = nsrel__containers_new(&s, s.engine_api);
	if (r >= 0)
		r = run_backend(&s);
	if (r >= 0 && (s.sources & NSREL_SRC_MOUNTS))
		r = nsrel__scan_mounts(&s);
	if (r >= 0 && (s.sources & NSREL_SRC_LISTNS))
		r = nsrel__scan_listns(&s);
	if (r >= 0)
		r = nsrel__model_finish(s.m, s.sources & NSREL_SRC_HIERARCHY);
	if (r >= 0)
		r = nsrel__containers_finish(&s);
	if (r >= 0) {
		*ret = take_ptr(&s.m);
		r = 0;
	}
out:
	scan_done(&s);
	return r;
}
