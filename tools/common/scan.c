/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running the discovery for a tool, and saying what it could see: the
 * library's view of the scan (nsrel_model_view()) as lines on stderr and
 * as the "visibility" member of the JSON outputs.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "escape.h"
#include "json.h"
#include "scan.h"

const struct nsrel_proc *tc_find_task(const struct nsrel_model *m, pid_t pid)
{
	const struct nsrel_proc *p = nsrel_model_find_proc(m, pid);

	if (!p)
		tc_die("no process with PID %d%s", (int)pid,
		       nsrel_model_unreadable(m) ? " (or it could not be read)"
						 : "");
	return p;
}

const struct nsrel_ns *tc_find_task_ns(const struct nsrel_model *m, pid_t pid,
				       int type,
				       const struct nsrel_proc **ret_task)
{
	const struct nsrel_proc *p = tc_find_task(m, pid);
	const struct nsrel_ns *ns = nsrel_proc_ns(p, type);

	if (!ns)
		tc_die("the %s namespace of PID %d is not known",
		       nsrel_nstype_str(type), (int)pid);
	*ret_task = p;
	return ns;
}

bool tc_on_branch(const struct nsrel_ns *ns, const struct nsrel_ns *leaf)
{
	/* The kernel nests at most 32 deep; the bound only guards. */
	for (int i = 0; leaf && i < 64; i++, leaf = nsrel_ns_parent(leaf))
		if (leaf == ns)
			return true;
	return false;
}

static struct nsrel_view view_of(const struct nsrel_model *m)
{
	struct nsrel_view v = {.sz = sizeof(v)};

	if (nsrel_model_view(m, &v) < 0)
		v = (struct nsrel_view){.sz = sizeof(v)};
	return v;
}

static void report_hidepid(const struct nsrel_view *v, const char *prog)
{
	const char *what = v->hidepid == NSREL_HIDEPID_NOACCESS
				   ? "processes of other users cannot be read"
			   : v->hidepid == NSREL_HIDEPID_PTRACEABLE
				   ? "processes it may not trace are not listed"
				   : "processes of other users are not listed";

	fprintf(stderr, "%s: /proc is mounted hidepid=%s: %s\n", prog,
		nsrel_hidepid_str(v->hidepid), what);
}

static void report_pidns(const struct nsrel_view *v, const char *prog)
{
	switch (v->proc_pid_ns) {
	case NSREL_PROC_PIDNS_OWN:
		if (v->pid_ns && !v->pid_ns_initial)
			fprintf(stderr,
				"%s: running in PID namespace pid:[%ju], not "
				"the initial one: only its processes are "
				"listed\n",
				prog, (uintmax_t)v->pid_ns);
		break;
	case NSREL_PROC_PIDNS_ANCESTOR:
		fprintf(stderr,
			"%s: running in PID namespace pid:[%ju] with the "
			"/proc of an ancestor: processes outside it are "
			"listed too, with that ancestor's PID numbers\n",
			prog, (uintmax_t)v->pid_ns);
		break;
	case NSREL_PROC_PIDNS_OTHER:
		fprintf(stderr,
			"%s: /proc belongs to a PID namespace this process "
			"is not in: only that namespace's processes are "
			"listed\n",
			prog);
		break;
	default:
		break;
	}
}

void tc_report_view(const struct nsrel_model *m)
{
	struct nsrel_view v = view_of(m);
	const char *prog = tc_prog();
	size_t n = v.unreadable;
	const char *ew = nsrel_model_engine_warning(m);

	if (ew) {
		char *e = tc_escape(ew);

		fprintf(stderr, "%s: %s\n", prog, e);
		free(e);
	}
	if (v.hidepid_applies)
		report_hidepid(&v, prog);
	report_pidns(&v, prog);
	if (v.user_ns && !v.user_ns_initial)
		fprintf(stderr,
			"%s: running in user namespace user:[%ju], not the "
			"initial one: owners and parents outside it are not "
			"shown\n",
			prog, (uintmax_t)v.user_ns);
	if (v.mntns_stuck)
		fprintf(stderr,
			"%s: %zu mount namespace%s did not answer within 5 s "
			"(a hung file system): what is mounted there is not "
			"all shown\n",
			prog, v.mntns_stuck, v.mntns_stuck == 1 ? "" : "s");
	if (v.cmdline_stuck)
		fprintf(stderr,
			"%s: the command lines were not read within 5 s (a "
			"hung file system mapped in a process): they are "
			"read from /proc\n",
			prog);
	if (v.files_cut)
		fprintf(stderr,
			"%s: %zu process%s more namespace fds and sockets "
			"than the BPF iterator keeps (512), and /proc is not "
			"of our PID namespace: the others are not shown\n",
			prog, v.files_cut,
			v.files_cut == 1 ? " has" : "es have");
	if (!n)
		return;
	fprintf(stderr, "%s: %zu process%s could not be read%s\n", prog, n,
		n == 1 ? "" : "es",
		v.privileged || (v.user_ns && !v.user_ns_initial) ? ""
		: geteuid() ? "; run as root to see all namespaces"
			    : "; CAP_SYS_PTRACE is needed to see all "
			      "namespaces");
}

static struct json_object *jino(ino_t ino)
{
	return ino ? tc_json_new(json_object_new_uint64(ino)) : NULL;
}

static struct json_object *jbool(bool b)
{
	return tc_json_new(json_object_new_boolean(b));
}

static struct json_object *jstr(const char *s)
{
	return s ? tc_json_new(json_object_new_string(s)) : NULL;
}

void tc_jw_visibility(struct tc_jw *w, const struct nsrel_model *m)
{
	struct nsrel_view v = view_of(m);

	tc_jw_begin_object(w, "visibility");
	tc_jw_value(w, "privileged", jbool(v.privileged));
	tc_jw_value(w, "user_ns", jino(v.user_ns));
	tc_jw_value(w, "initial_user_ns", jbool(v.user_ns_initial));
	tc_jw_value(w, "pid_ns", jino(v.pid_ns));
	tc_jw_value(w, "initial_pid_ns", jbool(v.pid_ns_initial));
	tc_jw_value(w, "proc_pid_ns",
		    jstr(nsrel_proc_pidns_str(v.proc_pid_ns)));
	tc_jw_value(w, "hidepid", jstr(nsrel_hidepid_str(v.hidepid)));
	tc_jw_value(w, "hidepid_applies", jbool(v.hidepid_applies));
	tc_jw_end_object(w);
}

static enum nsrel_backend backend = NSREL_BACKEND_AUTO;
static enum nsrel_switch engine_api = NSREL_SWITCH_AUTO;
static const char *engine_socket;

void tc_set_engine_api(enum nsrel_switch on, const char *socket)
{
	engine_api = on;
	engine_socket = socket;
}

void tc_set_backend(enum nsrel_backend b)
{
	backend = b;
}

struct nsrel_model *tc_scan_flags(unsigned types, unsigned sources,
				  unsigned flags)
{
	struct nsrel_scan_opts opts = {
		.sz = sizeof(opts),
		.types = types,
		.sources = sources,
		.flags = flags,
		.backend = backend,
		.engine_api = engine_api,
		.engine_socket = engine_socket,
	};
	struct nsrel_model *m = NULL;
	int r = nsrel_scan(&opts, &m);

	if (r < 0 && backend == NSREL_BACKEND_BPF)
		tc_die("the BPF backend cannot run here: %s%s", strerror(-r),
		       r == -EPERM	  ? " (it needs root, or CAP_BPF and "
					    "CAP_PERFMON)"
		       : r == -EOPNOTSUPP ? " (built without it, or the "
					    "kernel has no BTF)"
					  : "");
	if (r < 0)
		tc_die("cannot discover namespaces: %s", strerror(-r));
	return m;
}

struct nsrel_model *tc_scan(unsigned types, unsigned sources)
{
	return tc_scan_flags(types, sources, 0);
}
