/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The user and PID namespace hierarchies as one Graphviz graph, built with
 * libcgraph and laid out and rendered with libgvc, in process.
 *
 * Every edge points from a namespace to the one it belongs to (child to
 * parent, PID namespace to owning user namespace, owned namespace to its
 * owner). With rankdir=BT such edges put the parent above the child, so the
 * edges say what the relation is and the roots still end up on top.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <graphviz/gvc.h>

#include "buf.h"
#include "color.h"
#include "escape.h"
#include "label.h"
#include "graph.h"

/* ---- Labels ---------------------------------------------------------- */

/*
 * Label text is the text tools' wording, escaped by their one escaper, so
 * no control or invisible character reaches Graphviz. Then what Graphviz
 * interprets in a plain label is quoted, so that the label shows exactly
 * that text: every backslash is doubled (Graphviz turns "\\" back into one
 * and would take a single one as the start of \N, \G, \E, \H, \T, \L, \l,
 * \r or \n), and every '&' becomes "&amp;" (Graphviz replaces an HTML
 * entity such as "&#10;", a line break, by its character). Only after that
 * come our own "\n" line breaks.
 */
static void put_gv(struct tc_buf *b, const char *escaped)
{
	for (; *escaped; escaped++) {
		if (*escaped == '&') {
			tc_buf_puts(b, "&amp;");
			continue;
		}
		if (*escaped == '\\')
			tc_buf_putc(b, '\\');
		tc_buf_putc(b, *escaped);
	}
}

char *graph_label_text(const char *raw)
{
	struct tc_buf e = {0}, b = {0};

	tc_buf_escape(&e, raw);
	put_gv(&b, tc_buf_str(&e));
	tc_buf_free(&e);
	return tc_buf_steal(&b);
}

static bool ns_hidden(const struct nsrel_ns *ns)
{
	size_t i, n = nsrel_ns_ref_count(ns);

	for (i = 0; i < n; i++)
		if (nsrel_ref_kind(nsrel_ns_ref(ns, i)) != NSREL_REF_HIDDEN)
			return false;
	return true;
}

/*
 * Two lines: how the namespace is held, over "TYPE:[INO]"; three where the
 * holder is in a container, the container between them. The holder is
 * lsuserns' wording, except that the representative process is only
 * "NAME (PID)", quoted, as in linuxns_rel's graph.
 */
static char *ns_label(const struct nsrel_ns *ns)
{
	struct tc_style st = {.color = false};
	const struct nsrel_proc *leader = nsrel_ns_leader(ns);
	struct tc_buf t = {0}, b = {0};

	if (leader) {
		tc_buf_putc(&t, '"');
		tc_fmt_proc(&t, &st, leader);
		tc_buf_putc(&t, '"');
	} else {
		tc_fmt_holder(&t, &st, ns);
	}
	put_gv(&b, tc_buf_str(&t));
	if (leader && nsrel_proc_container(leader)) {
		/* the leader's container, a line of its own */
		tc_buf_truncate(&t, 0);
		tc_fmt_container(&t, &st, nsrel_proc_container(leader));
		tc_buf_puts(&b, "\\n");
		put_gv(&b, tc_buf_str(&t));
	}
	tc_buf_truncate(&t, 0);
	tc_fmt_ns(&t, &st, ns);
	tc_buf_puts(&b, "\\n");
	put_gv(&b, tc_buf_str(&t));
	tc_buf_free(&t);
	return tc_buf_steal(&b);
}

static void ns_name(char *buf, size_t n, const struct nsrel_ns *ns)
{
	snprintf(buf, n, "%s-%ju", nsrel_nstype_str(nsrel_ns_type(ns)),
		 (uintmax_t)nsrel_ns_ino(ns));
}

/* ---- The graph ----------------------------------------------------------- */

struct builder {
	Agraph_t *g, *user, *pid, *roots;
	bool oom;
};

static void set(void *obj, const char *name, const char *value)
{
	agsafeset(obj, (char *)name, (char *)value, "");
}

/* Dashed: held without a process of its own; dotted and grey: hidden. */
static void style_held(Agnode_t *n, const struct nsrel_ns *ns)
{
	if (ns_hidden(ns)) {
		set(n, "style", "filled,dotted");
		set(n, "penwidth", "1.5");
		set(n, "color", "#606060");
		set(n, "fillcolor", "#eeeeee");
		set(n, "fontcolor", "#505050");
	} else if (nsrel_ns_proc_count(ns) == 0) {
		set(n, "style", "filled,dashed");
	}
}

static Agnode_t *add_ns_node(struct builder *bd, Agraph_t *sub,
			     const struct nsrel_ns *ns, const char *shape)
{
	char name[64];
	char *label;
	Agnode_t *n;

	ns_name(name, sizeof(name), ns);
	n = agnode(sub, name, 1);
	label = ns_label(ns);
	if (!n || !label) {
		free(label);
		bd->oom = true;
		return NULL;
	}
	set(n, "label", label);
	free(label);
	if (strcmp(shape, "ellipse") != 0)
		set(n, "shape", shape);
	style_held(n, ns);
	return n;
}

static Agnode_t *find_ns_node(struct builder *bd, const struct nsrel_ns *ns)
{
	char name[64];

	ns_name(name, sizeof(name), ns);
	return agnode(bd->g, name, 0);
}

static Agedge_t *add_edge(struct builder *bd, Agraph_t *sub, Agnode_t *from,
			  Agnode_t *to)
{
	Agedge_t *e = agedge(sub, from, to, NULL, 1);

	if (!e)
		bd->oom = true;
	return e;
}

/* -d: what user namespace u owns, besides user and PID namespaces (those
 * are nodes of their own), one box each, several of a type in a folder. */
static size_t add_owned(struct builder *bd, const struct nsrel_ns *u,
			Agnode_t *un)
{
	size_t n = nsrel_ns_owned_count(u), shown = 0;
	const struct nsrel_ns **list;
	unsigned t;

	if (n == 0)
		return 0;
	list = calloc(n, sizeof(*list));
	if (!list) {
		bd->oom = true;
		return 0;
	}
	for (t = 0; t < NSREL_NSTYPE_COUNT; t++) {
		int type = nsrel_nstype_at(t);
		size_t i, k = 0;
		Agnode_t *parent = un;

		if (type == CLONE_NEWUSER || type == CLONE_NEWPID)
			continue;
		for (i = 0; i < n; i++) {
			const struct nsrel_ns *o = nsrel_ns_owned(u, i);

			if (nsrel_ns_type(o) == type)
				list[k++] = o;
		}
		/* In the model's order: by inode. */
		if (k == 0)
			continue;
		if (k > 1) {
			char name[96];
			Agnode_t *folder;
			Agedge_t *e;

			snprintf(name, sizeof(name), "user-%ju-%s",
				 (uintmax_t)nsrel_ns_ino(u),
				 nsrel_nstype_str(type));
			folder = agnode(bd->user, name, 1);
			if (!folder) {
				bd->oom = true;
				break;
			}
			set(folder, "shape", "folder");
			set(folder, "label", nsrel_nstype_str(type));
			set(folder, "fillcolor", "#fff8e0");
			e = add_edge(bd, bd->user, folder, un);
			if (e)
				set(e, "color", "#808080");
			parent = folder;
		}
		for (i = 0; i < k; i++) {
			Agnode_t *box;
			Agedge_t *e;

			box = add_ns_node(bd, bd->user, list[i], "box");
			if (!box)
				break;
			e = add_edge(bd, bd->user, box, parent);
			if (e)
				set(e, "color", "#808080");
			shown++;
		}
	}
	free(list);
	return shown;
}

/* A pale cluster labelled at its bottom. */
static void style_cluster(Agraph_t *c, const char *label, const char *fill,
			  const char *line)
{
	set(c, "label", label);
	set(c, "labelloc", "b");
	set(c, "style", "filled");
	set(c, "fillcolor", fill);
	set(c, "color", line);
}

/* The graph with its look, and its two clusters and the rank of the roots
 * in bd; false when out of memory. */
static bool open_graph(struct builder *bd)
{
	bd->g = agopen("namespaces", Agdirected, NULL);
	if (!bd->g)
		return false;

	set(bd->g, "rankdir", "BT");
	/* Ranks across clusters, so that rank=same can line up the roots of
	 * both hierarchies. */
	set(bd->g, "newrank", "true");
	set(bd->g, "bgcolor", "white");
	set(bd->g, "fontname", "sans-serif");
	set(bd->g, "nodesep", "0.3");
	set(bd->g, "ranksep", "0.45");
	agattr(bd->g, AGNODE, "fontname", "sans-serif");
	agattr(bd->g, AGNODE, "fontsize", "11");
	agattr(bd->g, AGNODE, "style", "filled");
	agattr(bd->g, AGNODE, "fillcolor", "white");
	agattr(bd->g, AGEDGE, "arrowsize", "0.8");

	bd->user = agsubg(bd->g, "cluster_user", 1);
	bd->pid = agsubg(bd->g, "cluster_pid", 1);
	bd->roots = agsubg(bd->g, "roots", 1);
	if (!bd->user || !bd->pid || !bd->roots) {
		agclose(bd->g);
		return false;
	}
	style_cluster(bd->user, "user", "#e6f2ff", "#7598bd");
	style_cluster(bd->pid, "PID", "#e6ffe6", "#85ad85");
	set(bd->roots, "rank", "same");
	return true;
}

/* A node for every user and PID namespace, in the model's order (by type,
 * then inode); the roots also in bd->roots. */
static void add_nodes(struct builder *bd, const struct nsrel_model *m,
		      struct graph_stats *st)
{
	size_t n = nsrel_model_ns_count(m);

	for (size_t i = 0; i < n && !bd->oom; i++) {
		const struct nsrel_ns *ns = nsrel_model_ns(m, i);
		int type = nsrel_ns_type(ns);
		Agnode_t *node;

		if (type != CLONE_NEWUSER && type != CLONE_NEWPID)
			continue;
		node = add_ns_node(bd,
				   type == CLONE_NEWUSER ? bd->user : bd->pid,
				   ns, "ellipse");
		if (!node)
			break;
		if (type == CLONE_NEWUSER)
			st->userns++;
		else
			st->pidns++;
		if (!nsrel_ns_parent(ns) && !agsubnode(bd->roots, node, 1))
			bd->oom = true;
	}
}

/* The edges of ns, a user or PID namespace: to its parent; a PID
 * namespace's to its owner; with details, a user namespace's owned
 * namespaces (their count is returned). */
static size_t add_edges(struct builder *bd, const struct nsrel_ns *ns,
			bool details)
{
	const struct nsrel_ns *parent = nsrel_ns_parent(ns);
	const struct nsrel_ns *owner = nsrel_ns_owner(ns);
	int type = nsrel_ns_type(ns);
	Agraph_t *sub = type == CLONE_NEWUSER ? bd->user : bd->pid;
	Agnode_t *node = find_ns_node(bd, ns), *to;
	Agedge_t *e;

	if (parent && (to = find_ns_node(bd, parent)))
		add_edge(bd, sub, node, to);
	/* A PID namespace's owner, without pulling it into the PID
	 * hierarchy's ranks. */
	if (type == CLONE_NEWPID && owner && (to = find_ns_node(bd, owner))) {
		e = add_edge(bd, bd->g, node, to);
		if (e) {
			set(e, "style", "dashed");
			set(e, "constraint", "false");
			set(e, "color", "#606060");
		}
	}
	if (type == CLONE_NEWUSER && details)
		return add_owned(bd, ns, node);
	return 0;
}

Agraph_t *graph_build(const struct nsrel_model *m,
		      const struct graph_opts *opts,
		      struct graph_stats *ret_stats)
{
	struct graph_stats st = {0};
	struct builder bd = {0};
	size_t n = nsrel_model_ns_count(m);

	if (!open_graph(&bd))
		return NULL;
	/* Nodes first, so that every edge finds both ends. */
	add_nodes(&bd, m, &st);
	for (size_t i = 0; i < n && !bd.oom; i++) {
		const struct nsrel_ns *ns = nsrel_model_ns(m, i);
		int type = nsrel_ns_type(ns);

		if (type == CLONE_NEWUSER || type == CLONE_NEWPID)
			st.owned += add_edges(&bd, ns, opts && opts->details);
	}
	if (bd.oom) {
		agclose(bd.g);
		return NULL;
	}
	if (ret_stats)
		*ret_stats = st;
	return bd.g;
}

int graph_render(Agraph_t *g, const char *format, char **ret_data,
		 size_t *ret_len)
{
	unsigned int len = 0;
	char *data = NULL;
	GVC_t *gvc;
	int r;

	/* Warnings (a missing font, say) are noise; errors still print. */
	agseterr(AGERR);
	gvc = gvContext();
	if (!gvc)
		return -1;
	r = gvLayout(gvc, g, "dot");
	if (r == 0) {
		r = gvRenderData(gvc, g, format, &data, &len);
		gvFreeLayout(gvc, g);
	}
	gvFreeContext(gvc);
	if (r != 0 || !data) {
		if (data)
			gvFreeRenderData(data);
		return -1;
	}
	*ret_data = data;
	*ret_len = len;
	return 0;
}

void graph_free_data(char *data)
{
	if (data)
		gvFreeRenderData(data);
}
