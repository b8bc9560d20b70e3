/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* dumpns: the whole discovery model as JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"
#include "err.h"
#include "json.h"
#include "nsjson.h"
#include "nsrel.h"
#include "scan.h"

enum {
	OPT_NO_TASKS = 0x100,
	OPT_NO_FDS,
	OPT_NO_MOUNTS,
};

static void usage(void)
{
	printf("Usage: %s [OPTION]...\n"
	       "Print every namespace of this host, every process, and how\n"
	       "they relate, as JSON.\n"
	       "\n"
	       "  -t, --type=TYPE[,TYPE...]\n"
	       "                        only namespaces of TYPE (mnt, cgroup,\n"
	       "                        uts, ipc, user, pid, net, time);\n"
	       "                        repeatable\n"
	       "  -c, --compact         one line instead of pretty-printed\n"
	       "      --no-tasks        do not look at threads\n"
	       "      --no-fds          do not look at open fds and sockets\n"
	       "      --no-mounts       do not look at nsfs bind mounts\n"
	       "      --backend=WHICH   where namespaces are found: auto\n"
	       "                        (default), proc (/proc) or bpf (the\n"
	       "                        kernel's BPF iterators)\n"
	       "      --engine-socket=PATH\n"
	       "                        the one engine API socket to ask\n"
	       "                        (default: /run/docker.sock and\n"
	       "                        /run/podman/podman.sock)\n"
	       "      --no-engine-api   ask no engine for container names\n"
	       "  -h, --help            show this help and exit\n"
	       "  -V, --version         show the version and exit\n"
	       "\n"
	       "Exit status: 0 success, 1 failure, 2 usage error.\n",
	       tc_prog());
}

static void write_ns(struct tc_jw *w, const struct nsrel_ns *ns)
{
	const struct nsrel_proc *leader = nsrel_ns_leader(ns);
	int type = nsrel_ns_type(ns);

	tc_jw_begin_object(w, NULL);
	tc_jw_ns(w, ns);
	if (type == CLONE_NEWUSER || type == CLONE_NEWPID) {
		tc_jw_begin_array(w, "children");
		for (size_t i = 0; i < nsrel_ns_child_count(ns); i++)
			tc_jw_value(
				w, NULL,
				tc_json_new(json_object_new_uint64(
					nsrel_ns_ino(nsrel_ns_child(ns, i)))));
		tc_jw_end_array(w);
	}
	tc_jw_begin_array(w, "processes");
	for (size_t i = 0; i < nsrel_ns_proc_count(ns); i++)
		tc_jw_value(w, NULL,
			    tc_json_new(json_object_new_int64(
				    nsrel_proc_pid(nsrel_ns_proc(ns, i)))));
	tc_jw_end_array(w);
	tc_jw_value(w, "leader",
		    leader ? tc_json_new(json_object_new_int64(
				     nsrel_proc_pid(leader)))
			   : NULL);
	tc_jw_end_object(w);
}

static const char *proc_arg(const void *p, size_t i)
{
	return nsrel_proc_arg(p, i);
}

static void write_proc(struct tc_jw *w, const struct nsrel_proc *p,
		       unsigned types)
{
	tc_jw_begin_object(w, NULL);
	tc_jw_value(w, "pid",
		    tc_json_new(json_object_new_int64(nsrel_proc_pid(p))));
	tc_jw_value(w, "ppid",
		    tc_json_new(json_object_new_int64(nsrel_proc_ppid(p))));
	tc_jw_string(w, "name", nsrel_proc_name(p));
	tc_jw_strings(w, "cmdline", nsrel_proc_argc(p), proc_arg, p);
	tc_jw_value(w, "uid",
		    tc_json_new(json_object_new_uint64(nsrel_proc_uid(p))));
	tc_jw_value(
		w, "starttime",
		tc_json_new(json_object_new_uint64(nsrel_proc_starttime(p))));
	tc_jw_begin_object(w, "namespaces");
	for (unsigned i = 0; i < NSREL_NSTYPE_COUNT; i++) {
		int t = nsrel_nstype_at(i);
		const struct nsrel_ns *ns = nsrel_proc_ns(p, t);

		if (ns && (types & (unsigned)t))
			tc_jw_value(w, nsrel_nstype_str(t),
				    tc_json_new(json_object_new_uint64(
					    nsrel_ns_ino(ns))));
	}
	tc_jw_end_object(w);
	tc_jw_value(w, "container",
		    nsrel_proc_container(p) ? tc_json_string(nsrel_container_id(
						      nsrel_proc_container(p)))
					    : NULL);
	tc_jw_end_object(w);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"type", required_argument, NULL, 't'},
		{"compact", no_argument, NULL, 'c'},
		{"no-tasks", no_argument, NULL, OPT_NO_TASKS},
		{"no-fds", no_argument, NULL, OPT_NO_FDS},
		{"no-mounts", no_argument, NULL, OPT_NO_MOUNTS},
		TC_BACKEND_LONGOPT,
		TC_ENGINE_LONGOPTS,
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	unsigned types = 0, sources = NSREL_SRC_ALL;
	bool pretty = true;
	struct tc_jw w;
	struct nsrel_model *m;
	int opt;

	tc_init("dumpns");
	while ((opt = getopt_long(argc, argv, "t:chV", longopts, NULL)) != -1) {
		switch (opt) {
		case 't':
			types |= tc_parse_types_arg(optarg);
			break;
		case 'c':
			pretty = false;
			break;
		case OPT_NO_TASKS:
			sources &= ~(unsigned)NSREL_SRC_TASKS;
			break;
		case OPT_NO_FDS:
			sources &= ~(unsigned)NSREL_SRC_FDS;
			break;
		case OPT_NO_MOUNTS:
			sources &= ~(unsigned)NSREL_SRC_MOUNTS;
			break;
		default:
			tc_common_opt(opt, usage);
		}
	}
	tc_no_operands(argc, argv);

	if (!types)
		types = NSREL_ALL_TYPES;
	/* Owners are user namespaces: scan those too, so that "owner" is
	 * known whatever -t says, and print only what was asked for. */
	m = tc_scan_flags(types | CLONE_NEWUSER, sources, NSREL_SCAN_CMDLINE);

	/* Written as we go: memory stays the model's, however many
	 * processes and references there are. In large writes: the pretty
	 * output of 10,000 processes is some 15 MB. */
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	tc_jw_init(&w, stdout, pretty);
	tc_jw_begin_object(&w, NULL);
	tc_jw_begin_array(&w, "namespaces");
	for (size_t i = 0; i < nsrel_model_ns_count(m); i++) {
		const struct nsrel_ns *ns = nsrel_model_ns(m, i);

		if (types & (unsigned)nsrel_ns_type(ns))
			write_ns(&w, ns);
	}
	tc_jw_end_array(&w);
	tc_jw_begin_array(&w, "processes");
	for (size_t i = 0; i < nsrel_model_proc_count(m); i++)
		write_proc(&w, nsrel_model_proc(m, i), types);
	tc_jw_end_array(&w);
	tc_jw_begin_array(&w, "containers");
	for (size_t i = 0; i < nsrel_model_container_count(m); i++)
		tc_jw_value(
			&w, NULL,
			tc_json_container(nsrel_model_container(m, i), true));
	tc_jw_end_array(&w);
	tc_jw_value(&w, "backend",
		    tc_json_string(nsrel_backend_str(nsrel_model_backend(m))));
	tc_jw_value(
		&w, "unreadable_processes",
		tc_json_new(json_object_new_uint64(nsrel_model_unreadable(m))));
	tc_jw_visibility(&w, m);
	tc_jw_end_object(&w);
	tc_close_stdout();
	tc_report_view(m);
	nsrel_model_free(m);
	return 0;
}
