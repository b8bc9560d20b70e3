/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lspidns: the PID namespace hierarchy as a tree. */
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
#include "passwd.h"
#include "scan.h"
#include "sort.h"
#include "tree.h"

struct ctx {
	struct tc_style st;
	bool user;	  /* -u: interleave the owning user namespaces */
	bool verbose;	  /* -v: every holder on a line of its own */
	struct tc_jw *jw; /* JSON is written as the tree is walked */
	const struct nsrel_container *ctr; /* --container: only its own */
	/* -p: only the branch to task's PID namespace, marked. */
	const struct nsrel_proc *task;
	const struct nsrel_ns *task_pid;
};

static void usage(void)
{
	printf("Usage: %s [OPTION]...\n"
	       "Show the PID namespaces of this host as a tree, with\n"
	       "the user namespace that owns each.\n"
	       "\n"
	       "  -u, --user          interleave the owning user\n"
	       "                      namespaces: a PID namespace owned\n"
	       "                      by another user namespace than its\n"
	       "                      parent is shown under that one\n"
	       "  -p, --task=PID      only the branch that leads to the\n"
	       "                      PID namespace of process PID; the\n"
	       "                      namespaces it is in are marked\n"
	       "                      \"<- PID N\"\n"
	       "  -v, --verbose       every holder of each namespace (its\n"
	       "                      processes, tasks, fds, bind mounts)\n"
	       "                      on a line of its own\n"
	       "  -c                  same as --color=always\n"
	       "      --color[=WHEN]  colour: auto (default), always or\n"
	       "                      never; auto colours only on a\n"
	       "                      terminal and without NO_COLOR\n"
	       "  -J, --json          print the tree as JSON\n"
	       "      --container=NAME|ID  only the PID namespaces of this\n"
	       "                      container (a name, an id or its\n"
	       "                      prefix) and those above them\n"
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

static struct json_object *owner_user_json(const struct nsrel_ns *owner)
{
	struct json_object *o;
	uid_t uid;

	if (!owner)
		return NULL;
	o = json_object_new_object();
	if (!o)
		tc_die_oom();
	json_object_object_add(o, "ino",
			       json_object_new_uint64(nsrel_ns_ino(owner)));
	if (nsrel_ns_owner_uid(owner, &uid) == 0) {
		char *name = tc_user_name(uid);

		json_object_object_add(o, "owner_uid",
				       json_object_new_uint64(uid));
		tc_json_add_string(o, "user", name);
		free(name);
	} else {
		json_object_object_add(o, "owner_uid", NULL);
		json_object_object_add(o, "user", NULL);
	}
	return o;
}

static void add_pid_children(const struct ctx *c, struct tc_tree *parent,
			     const struct nsrel_ns *const *v, size_t n,
			     const struct nsrel_ns *context_owner);

/* A PID namespace and its subtree: under parent (text), or written. */
static void pid_node(const struct ctx *c, struct tc_tree *parent,
		     const struct nsrel_ns *ns)
{
	size_t n = nsrel_ns_child_count(ns);
	const struct nsrel_ns **v = tc_xmalloc(n * sizeof(*v));
	struct tc_tree *t = NULL;

	for (size_t i = 0; i < n; i++)
		v[i] = nsrel_ns_child(ns, i);
	if (c->jw) {
		tc_jw_begin_object(c->jw, NULL);
		tc_jw_ns(c->jw, ns);
		tc_jw_value(c->jw, "leader",
			    tc_json_proc_brief(nsrel_ns_leader(ns)));
		tc_jw_value(c->jw, "owner_user",
			    owner_user_json(nsrel_ns_owner(ns)));
		tc_jw_task_in(c->jw, c->task, ns);
		tc_jw_begin_array(c->jw, "children");
	} else {
		struct tc_buf b = {0};

		tc_fmt_pidns_line(&b, &c->st, ns);
		tc_fmt_task_mark(&b, &c->st, c->task, ns);
		t = tc_tree_add(parent, tc_buf_steal(&b));
		if (c->verbose)
			tc_tree_add_holders(t, &c->st, ns);
	}
	add_pid_children(c, t, v, n, nsrel_ns_owner(ns));
	if (c->jw) {
		tc_jw_end_array(c->jw);
		tc_jw_end_object(c->jw);
	}
	free(v);
}

/* With -u: a user namespace over the PID namespaces v[0..n) it owns. */
static void user_node(const struct ctx *c, struct tc_tree *parent,
		      const struct nsrel_ns *userns,
		      const struct nsrel_ns *const *v, size_t n)
{
	struct tc_tree *t = NULL;

	if (c->jw) {
		tc_jw_begin_object(c->jw, NULL);
		tc_jw_ns(c->jw, userns);
		tc_jw_value(c->jw, "leader",
			    tc_json_proc_brief(nsrel_ns_leader(userns)));
		tc_jw_task_in(c->jw, c->task, userns);
		tc_jw_begin_array(c->jw, "children");
	} else {
		struct tc_buf b = {0};

		tc_fmt_userns_line(&b, &c->st, userns);
		tc_fmt_task_mark(&b, &c->st, c->task, userns);
		t = tc_tree_add(parent, tc_buf_steal(&b));
		if (c->verbose)
			tc_tree_add_holders(t, &c->st, userns);
	}
	for (size_t i = 0; i < n; i++)
		pid_node(c, t, v[i]);
	if (c->jw) {
		tc_jw_end_array(c->jw);
		tc_jw_end_object(c->jw);
	}
}

/* An entry under a parent: a PID namespace, or (with -u) an owning user
 * namespace that groups PID namespaces; sorted together by inode. */
struct entry {
	const struct nsrel_ns *ns;
	size_t first, count; /* user group: its range in the sorted pids */
};

static int cmp_entry(const void *a, const void *b)
{
	return tc_cmp_ns_ino(&((const struct entry *)a)->ns,
			     &((const struct entry *)b)->ns);
}

static int cmp_by_owner(const void *a, const void *b)
{
	const struct nsrel_ns *x = *(const struct nsrel_ns *const *)a;
	const struct nsrel_ns *y = *(const struct nsrel_ns *const *)b;
	const struct nsrel_ns *ox = nsrel_ns_owner(x), *oy = nsrel_ns_owner(y);
	ino_t ix = ox ? nsrel_ns_ino(ox) : 0, iy = oy ? nsrel_ns_ino(oy) : 0;

	if (ix != iy)
		return ix < iy ? -1 : 1;
	return tc_cmp_ns_ino(a, b);
}

/*
 * Without -u, the PID namespaces go straight under their parent, by inode.
 * With -u, those whose owner differs from the context's (the parent's
 * owner; nothing for roots) go under a node for their owner, one per owner.
 */
static void add_pid_children(const struct ctx *c, struct tc_tree *parent,
			     const struct nsrel_ns *const *pids, size_t n,
			     const struct nsrel_ns *context_owner)
{
	const struct nsrel_ns **v = tc_xmalloc(n * sizeof(*v));
	struct entry *e = tc_xmalloc(n * sizeof(*e));
	size_t ne = 0;

	/* pids are in the model's order, by inode; with -u, grouped by
	 * owner first. With -p, only the branch to its PID namespace. */
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (tc_container_shows(c->ctr, pids[i]) &&
		    (!c->task || tc_on_branch(pids[i], c->task_pid)))
			v[k++] = pids[i];
	n = k;
	if (c->user)
		qsort(v, n, sizeof(*v), cmp_by_owner);
	for (size_t i = 0; i < n;) {
		const struct nsrel_ns *owner = nsrel_ns_owner(v[i]);
		size_t j = i + 1;

		if (!c->user || !owner || owner == context_owner) {
			e[ne++] = (struct entry){v[i], i, 0};
			i++;
			continue;
		}
		while (j < n && nsrel_ns_owner(v[j]) == owner)
			j++;
		e[ne++] = (struct entry){owner, i, j - i};
		i = j;
	}
	if (c->user)
		qsort(e, ne, sizeof(*e), cmp_entry);
	for (size_t i = 0; i < ne; i++) {
		if (e[i].count)
			user_node(c, parent, e[i].ns, v + e[i].first,
				  e[i].count);
		else
			pid_node(c, parent, e[i].ns);
	}
	free(e);
	free(v);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"user", no_argument, NULL, 'u'},
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
	struct nsrel_model *m;
	const struct nsrel_ns **roots;
	size_t nroots = 0;
	struct tc_tree *forest = NULL;
	struct tc_jw w;
	bool json = false;
	const char *container = NULL;
	pid_t pid = 0;
	int opt;

	tc_init("lspidns");
	while ((opt = getopt_long(argc, argv, "up:vcJhV", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'u':
			c.user = true;
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

	c.st.color = !json && tc_color_enabled(color, STDOUT_FILENO);
	/* User namespaces too: the owner and its uid are on every line. */
	/* -v: mount namespaces too, which a bind mount's line names. */
	m = tc_scan(CLONE_NEWPID | CLONE_NEWUSER |
			    (c.verbose ? CLONE_NEWNS : 0),
		    0);
	if (container)
		c.ctr = tc_container_arg(m, container);
	if (pid)
		c.task_pid = tc_find_task_ns(m, pid, CLONE_NEWPID, &c.task);

	roots = tc_xmalloc(nsrel_model_ns_count(m) * sizeof(*roots));
	for (size_t i = 0; i < nsrel_model_ns_count(m); i++) {
		const struct nsrel_ns *ns = nsrel_model_ns(m, i);

		if (nsrel_ns_type(ns) == CLONE_NEWPID && !nsrel_ns_parent(ns))
			roots[nroots++] = ns;
	}
	if (json) {
		tc_jw_init(&w, stdout, true);
		c.jw = &w;
		tc_jw_begin_object(&w, NULL);
		tc_jw_begin_array(&w, "namespaces");
	} else {
		forest = tc_tree_new(NULL);
	}
	add_pid_children(&c, forest, roots, nroots, NULL);
	free(roots);
	if (json) {
		tc_jw_end_array(&w);
		tc_jw_value(&w, "unreadable_processes",
			    json_object_new_uint64(nsrel_model_unreadable(m)));
		tc_jw_visibility(&w, m);
		tc_jw_end_object(&w);
	} else {
		tc_tree_print(stdout, forest);
		tc_tree_free(forest);
	}
	tc_close_stdout();
	tc_report_view(m);
	nsrel_model_free(m);
	return 0;
}
