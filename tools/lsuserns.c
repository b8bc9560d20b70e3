/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lsuserns: the user namespace hierarchy as a tree. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "buf.h"
#include "cli.h"
#include "color.h"
#include "err.h"
#include "json.h"
#include "label.h"
#include "nsjson.h"
#include "nsrel.h"
#include "scan.h"
#include "sort.h"
#include "tree.h"

struct ctx {
	const struct nsrel_model *m;
	struct tc_style st;
	bool details;
	bool verbose;	      /* -v: every holder on a line of its own */
	unsigned owned_types; /* with details: which owned types to show */
	const struct nsrel_container *ctr; /* --container: only its own */
	/* -p: only the branch to task's user namespace; with details, only
	 * the namespaces task is in. */
	const struct nsrel_proc *task;
	const struct nsrel_ns *task_user;
};

static void usage(void)
{
	printf("Usage: %s [OPTION]...\n"
	       "Show the user namespaces of this host as a tree, from\n"
	       "every place they are held: processes, threads, fds,\n"
	       "bind mounts, and hidden parents.\n"
	       "\n"
	       "  -d, --details       also show the namespaces each\n"
	       "                      user namespace owns\n"
	       "  -t, --type=TYPE[,TYPE...]\n"
	       "                      with -d: only owned namespaces of\n"
	       "                      TYPE (mnt, cgroup, uts, ipc, pid,\n"
	       "                      net, time); repeatable; implies -d\n"
	       "  -p, --task=PID      only the branch that leads to the\n"
	       "                      user namespace of process PID; with\n"
	       "                      -d, only the namespaces it is in;\n"
	       "                      these are marked \"<- PID N\"\n"
	       "  -v, --verbose       every holder of each namespace (its\n"
	       "                      processes, tasks, fds, sockets, bind\n"
	       "                      mounts) on a line of its own\n"
	       "  -c                  same as --color=always\n"
	       "      --color[=WHEN]  colour: auto (default), always or\n"
	       "                      never; auto colours only on a\n"
	       "                      terminal and without NO_COLOR\n"
	       "  -J, --json          print the tree as JSON\n"
	       "      --container=NAME|ID  only the namespaces of this\n"
	       "                      container (a name, an id or its\n"
	       "                      prefix) and the tree above them\n"
	       "      --backend=WHICH where namespaces are found: auto\n"
	       "                      (default), proc (/proc) or bpf (the\n"
	       "                      kernel's BPF iterators)\n"
	       "      --engine-socket=PATH\n"
	       "                      the one engine API socket to ask\n"
	       "                      (default: /run/docker.sock and\n"
	       "                      /run/podman/podman.sock)\n"
	       "      --no-engine-api ask no engine for container names\n"
	       "  -h, --help          show this help and exit\n"
	       "  -V, --version       show the version and exit\n"
	       "\n"
	       "Exit status: 0 success, 1 failure, 2 usage error.\n",
	       tc_prog());
}

/* The non-user namespaces ns owns that -t lets through, sorted by type
 * name (as linuxns_rel's lsuserns lists them; the model's order of types
 * is another) and inode; caller frees. */
static const struct nsrel_ns **
owned_list(const struct ctx *c, const struct nsrel_ns *ns, size_t *ret_n)
{
	size_t n = nsrel_ns_owned_count(ns), k = 0;
	const struct nsrel_ns **v = tc_xmalloc(n * sizeof(*v));

	for (size_t i = 0; i < n; i++) {
		const struct nsrel_ns *o = nsrel_ns_owned(ns, i);
		int t = nsrel_ns_type(o);

		if (t == CLONE_NEWUSER || !(c->owned_types & (unsigned)t))
			continue;
		if (c->ctr && !tc_container_has(c->ctr, o))
			continue;
		if (!c->task || nsrel_proc_ns(c->task, t) == o)
			v[k++] = o;
	}
	qsort(v, k, sizeof(*v), tc_cmp_ns_type_name_ino);
	*ret_n = k;
	return v;
}

/* Whether --container and -p let ns through: all without them. */
static bool shown(const struct ctx *c, const struct nsrel_ns *ns)
{
	return tc_container_shows(c->ctr, ns) &&
	       (!c->task || tc_on_branch(ns, c->task_user));
}

static struct tc_tree *text_node(const struct ctx *c, const struct nsrel_ns *ns)
{
	struct tc_buf b = {0};
	struct tc_tree *t;
	const struct nsrel_ns **v;
	size_t n;

	tc_fmt_userns_line(&b, &c->st, ns);
	tc_fmt_task_mark(&b, &c->st, c->task, ns);
	t = tc_tree_new(tc_buf_steal(&b));
	if (c->verbose)
		tc_tree_add_holders(t, &c->st, ns);
	if (c->details) {
		v = owned_list(c, ns, &n);
		for (size_t i = 0; i < n; i++) {
			struct tc_tree *o;

			tc_fmt_owned_line(&b, &c->st, v[i]);
			tc_fmt_task_mark(&b, &c->st, c->task, v[i]);
			o = tc_tree_add(t, tc_buf_steal(&b));
			if (c->verbose)
				tc_tree_add_holders(o, &c->st, v[i]);
		}
		free(v);
	}
	/* Children come in the model's order: by inode. */
	for (size_t i = 0; i < nsrel_ns_child_count(ns); i++)
		if (shown(c, nsrel_ns_child(ns, i)))
			tc_tree_adopt(t, text_node(c, nsrel_ns_child(ns, i)));
	return t;
}

static void write_node(struct tc_jw *w, const struct ctx *c,
		       const struct nsrel_ns *ns)
{
	const struct nsrel_ns **v;
	size_t n;

	tc_jw_begin_object(w, NULL);
	tc_jw_ns(w, ns);
	tc_jw_value(w, "leader", tc_json_proc_brief(nsrel_ns_leader(ns)));
	tc_jw_task_in(w, c->task, ns);
	if (c->details) {
		tc_jw_begin_array(w, "owned");
		v = owned_list(c, ns, &n);
		for (size_t i = 0; i < n; i++) {
			tc_jw_begin_object(w, NULL);
			tc_jw_ns(w, v[i]);
			tc_jw_value(w, "leader",
				    tc_json_proc_brief(nsrel_ns_leader(v[i])));
			tc_jw_task_in(w, c->task, v[i]);
			tc_jw_end_object(w);
		}
		free(v);
		tc_jw_end_array(w);
	}
	tc_jw_begin_array(w, "children");
	for (size_t i = 0; i < nsrel_ns_child_count(ns); i++)
		if (shown(c, nsrel_ns_child(ns, i)))
			write_node(w, c, nsrel_ns_child(ns, i));
	tc_jw_end_array(w);
	tc_jw_end_object(w);
}

/* {"namespaces": [the trees of the root user namespaces], and what the
 * scan could not see}; the model's order is by inode. */
static void write_json(const struct ctx *c)
{
	struct tc_jw w;

	tc_jw_init(&w, stdout, true);
	tc_jw_begin_object(&w, NULL);
	tc_jw_begin_array(&w, "namespaces");
	for (size_t i = 0; i < nsrel_model_ns_count(c->m); i++) {
		const struct nsrel_ns *ns = nsrel_model_ns(c->m, i);

		if (nsrel_ns_type(ns) == CLONE_NEWUSER &&
		    !nsrel_ns_parent(ns) && shown(c, ns))
			write_node(&w, c, ns);
	}
	tc_jw_end_array(&w);
	tc_jw_value(&w, "unreadable_processes",
		    json_object_new_uint64(nsrel_model_unreadable(c->m)));
	tc_jw_visibility(&w, c->m);
	tc_jw_end_object(&w);
}

/* The trees of the root user namespaces; the model's order is by inode,
 * so the roots come out sorted. */
static void print_tree(const struct ctx *c)
{
	struct tc_tree *forest = tc_tree_new(NULL);

	for (size_t i = 0; i < nsrel_model_ns_count(c->m); i++) {
		const struct nsrel_ns *ns = nsrel_model_ns(c->m, i);

		if (nsrel_ns_type(ns) == CLONE_NEWUSER &&
		    !nsrel_ns_parent(ns) && shown(c, ns))
			tc_tree_adopt(forest, text_node(c, ns));
	}
	tc_tree_print(stdout, forest);
	tc_tree_free(forest);
}

/* The argument of -t: types of owned namespaces, which user is not. */
static unsigned owned_types_arg(const char *arg)
{
	unsigned t = tc_parse_types_arg(arg);

	if (t & CLONE_NEWUSER)
		tc_usage_error("-t user: user namespaces are always shown");
	return t;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"details", no_argument, NULL, 'd'},
		{"type", required_argument, NULL, 't'},
		{"task", required_argument, NULL, 'p'},
		{"verbose", no_argument, NULL, 'v'},
		{"color", optional_argument, NULL, 'C'},
		{"colour", optional_argument, NULL, 'C'},
		{"json", no_argument, NULL, 'J'},
		{"container", required_argument, NULL, TC_OPT_CONTAINER},
		TC_BACKEND_LONGOPT,
		TC_ENGINE_LONGOPTS,
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	enum tc_color_mode color = TC_COLOR_AUTO;
	struct ctx c = {0};
	bool json = false;
	const char *container = NULL;
	unsigned types = 0;
	pid_t pid = 0;
	struct nsrel_model *m;
	int opt;

	tc_init("lsuserns");
	while ((opt = getopt_long(argc, argv, "dt:p:vcJhV", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'd':
			c.details = true;
			break;
		case 't':
			types |= owned_types_arg(optarg);
			c.details = true;
			break;
		case 'p':
			pid = tc_parse_pid_arg(optarg);
			break;
		case 'v':
			c.verbose = true;
			break;
		case 'c':
			color = TC_COLOR_ALWAYS;
			break;
		case 'C':
			color = tc_color_arg(optarg);
			break;
		case 'J':
			json = true;
			break;
		case TC_OPT_CONTAINER:
			container = optarg;
			break;
		default:
			tc_common_opt(opt, usage);
		}
	}
	tc_no_operands(argc, argv);

	c.owned_types = types ? types : NSREL_ALL_TYPES & ~CLONE_NEWUSER;
	c.st.color = !json && tc_color_enabled(color, STDOUT_FILENO);
	/* -v: mount namespaces too, which a bind mount's line names. */
	m = tc_scan(CLONE_NEWUSER | (c.details ? c.owned_types : 0) |
			    (c.verbose ? CLONE_NEWNS : 0),
		    0);
	c.m = m;
	if (container)
		c.ctr = tc_container_arg(m, container);
	if (pid)
		c.task_user = tc_find_task_ns(m, pid, CLONE_NEWUSER, &c.task);

	if (json)
		write_json(&c);
	else
		print_tree(&c);
	tc_close_stdout();
	tc_report_view(m);
	nsrel_model_free(m);
	return 0;
}
