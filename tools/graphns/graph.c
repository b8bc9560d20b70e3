/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The user and PID namespace hierarchies as one Graphviz graph, built with
 * libcgraph and laid out and rendered with libgvc, in process.
 *
 * Every edge points from a namespace to the one it belongs to (child to
 * parent, PID namespace to owning user namespace, owned namespace to its
 * owner). With rankdir=RL such edges put the parent left of the child, so
 * the edges say what the relation is and the roots still end up first.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <graphviz/gvc.h>

#include "buf.h"
#include "color.h"
#include "escape.h"
#include "label.h"
#include "graph.h"
#include "scan.h"

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
 * Appends the escaped text e, cut with "…" where it would show more than
 * max characters. An escape sequence (\\xNN, \\u202e, ...) shows as the
 * characters it has and is never cut, so what shows is a prefix of the
 * whole text.
 */
static void put_short(struct tc_buf *b, const char *e, size_t max)
{
	const char *p = e;
	size_t n = 0;

	for (;;) {
		size_t l = 1, w = 1;

		if (!*p)
			break;
		if (*p == '\\')
			w = l = p[1] == 'x'   ? 4
				: p[1] == 'u' ? 6
				: p[1] == 'U' ? 10
					      : 2;
		else if ((unsigned char)*p >= 0x80 && tc_utf8_len(p))
			l = tc_utf8_len(p);
		l = strnlen(p, l);
		if (n + w > max)
			break;
		p += l;
		n += w;
	}
	if (!*p) {
		tc_buf_puts(b, e);
		return;
	}
	tc_buf_putn(b, e, (size_t)(p - e));
	tc_buf_puts(b, "…");
}

/* How ns is held, in lsuserns' wording, except that the representative
 * process is only "NAME (PID)", quoted, as in linuxns_rel's graph. */
static void put_holder(struct tc_buf *t, const struct nsrel_ns *ns)
{
	struct tc_style st = {.color = false};
	const struct nsrel_proc *leader = nsrel_ns_leader(ns);

	if (leader) {
		tc_buf_putc(t, '"');
		tc_fmt_proc(t, &st, leader);
		tc_buf_putc(t, '"');
	} else {
		tc_fmt_holder(t, &st, ns);
	}
}

/*
 * Two lines: how the namespace is held, over "TYPE:[INO]", as Graphviz
 * label text; three where the holder is in a container, the container
 * between them. The holder and the container are cut after max
 * characters (0: never), so that a long name makes no wide node; the
 * tooltip has the whole of them.
 */
static char *ns_label(const struct nsrel_ns *ns, size_t max)
{
	struct tc_style st = {.color = false};
	const struct nsrel_proc *leader = nsrel_ns_leader(ns);
	struct tc_buf t = {0}, s = {0}, b = {0};

	put_holder(&t, ns);
	if (max)
		put_short(&s, tc_buf_str(&t), max);
	else
		tc_buf_puts(&s, tc_buf_str(&t));
	put_gv(&b, tc_buf_str(&s));
	if (leader && nsrel_proc_container(leader)) {
		/* the leader's container, a line of its own */
		tc_buf_truncate(&t, 0);
		tc_buf_truncate(&s, 0);
		tc_fmt_container(&t, &st, nsrel_proc_container(leader));
		if (max)
			put_short(&s, tc_buf_str(&t), max);
		else
			tc_buf_puts(&s, tc_buf_str(&t));
		tc_buf_puts(&b, "\\n");
		put_gv(&b, tc_buf_str(&s));
	}
	tc_buf_truncate(&t, 0);
	tc_fmt_ns(&t, &st, ns);
	tc_buf_puts(&b, "\\n");
	put_gv(&b, tc_buf_str(&t));
	tc_buf_free(&t);
	tc_buf_free(&s);
	return tc_buf_steal(&b);
}

void graph_ns_id(char *buf, size_t n, const struct nsrel_ns *ns)
{
	snprintf(buf, n, "%s-%ju", nsrel_nstype_str(nsrel_ns_type(ns)),
		 (uintmax_t)nsrel_ns_ino(ns));
}

void graph_group_id(char *buf, size_t n, const struct nsrel_ns *owner, int type)
{
	snprintf(buf, n, "user-%ju-%s", (uintmax_t)nsrel_ns_ino(owner),
		 nsrel_nstype_str(type));
}

bool graph_shows(const struct graph_opts *opts, const struct nsrel_ns *ns)
{
	int type = nsrel_ns_type(ns);
	const struct nsrel_ns *in;

	if (!opts || !opts->task)
		return true;
	in = nsrel_proc_ns(opts->task, type);
	if (type == CLONE_NEWUSER || type == CLONE_NEWPID)
		return tc_on_branch(ns, in);
	return ns == in;
}

bool graph_grouped(const struct graph_opts *opts, size_t k)
{
	return opts->group > 0 && k > opts->group;
}

/* ---- The graph ----------------------------------------------------------- */

struct builder {
	const struct graph_opts *opts;
	Agraph_t *g, *user, *pid, *roots;
	Agnode_t *user_root, *pid_root; /* the first root of each */
	size_t groups;
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

/* The tooltip of a namespace: its label with the holder in full. */
static char *ns_tooltip(const struct nsrel_ns *ns)
{
	return ns_label(ns, 0);
}

static Agnode_t *add_ns_node(struct builder *bd, Agraph_t *sub,
			     const struct nsrel_ns *ns, const char *shape,
			     const char *class)
{
	char name[64];
	char *label, *tip;
	Agnode_t *n;

	graph_ns_id(name, sizeof(name), ns);
	n = agnode(sub, name, 1);
	label = ns_label(ns, GRAPH_LABEL_MAX);
	tip = ns_tooltip(ns);
	if (!n || !label || !tip) {
		free(label);
		free(tip);
		bd->oom = true;
		return NULL;
	}
	set(n, "label", label);
	set(n, "tooltip", tip);
	free(label);
	free(tip);
	if (bd->opts->task &&
	    nsrel_proc_ns(bd->opts->task, nsrel_ns_type(ns)) == ns) {
		/* -p: the namespaces task is in, as the trees mark them */
		char *marked = NULL;

		if (asprintf(&marked, "%s\\n<- PID %d", agget(n, "label"),
			     (int)nsrel_proc_pid(bd->opts->task)) < 0) {
			bd->oom = true;
			return NULL;
		}
		set(n, "label", marked);
		set(n, "penwidth", "2.5");
		free(marked);
	}
	set(n, "id", name);
	set(n, "class", class);
	if (strcmp(shape, "ellipse") != 0)
		set(n, "shape", shape);
	style_held(n, ns);
	return n;
}

static Agnode_t *find_ns_node(struct builder *bd, const struct nsrel_ns *ns)
{
	char name[64];

	graph_ns_id(name, sizeof(name), ns);
	return agnode(bd->g, name, 0);
}

/* An edge with the id "TAIL~HEAD" and a class. */
static Agedge_t *add_edge(struct builder *bd, Agraph_t *sub, Agnode_t *from,
			  Agnode_t *to, const char *class)
{
	Agedge_t *e = agedge(sub, from, to, NULL, 1);
	char *id;

	if (!e) {
		bd->oom = true;
		return NULL;
	}
	if (asprintf(&id, "%s~%s", agnameof(from), agnameof(to)) < 0) {
		bd->oom = true;
		return e;
	}
	set(e, "id", id);
	free(id);
	set(e, "class", class);
	return e;
}

/*
 * The k owned namespaces of one type in list as one node, "uts × 312"
 * over the first few holders, with more of them in the tooltip, and one
 * edge to the owner's node un. With opts->members, also a box for each
 * of them, with an edge to the group, for graph_collapse().
 */
static void add_group(struct builder *bd, const struct nsrel_ns *u,
		      Agnode_t *un, int type, const struct nsrel_ns **list,
		      size_t k)
{
	struct tc_buf label = {0}, tip = {0}, t = {0}, s = {0};
	char name[96];
	Agnode_t *node;
	Agedge_t *e;

	graph_group_id(name, sizeof(name), u, type);
	node = agnode(bd->user, name, 1);
	if (!node) {
		bd->oom = true;
		return;
	}
	tc_buf_printf(&label, "%s × %zu", nsrel_nstype_str(type), k);
	tc_buf_puts(&tip, tc_buf_str(&label));
	for (size_t i = 0; i < k && i < GRAPH_GROUP_TIP; i++) {
		tc_buf_truncate(&t, 0);
		tc_buf_truncate(&s, 0);
		put_holder(&t, list[i]);
		put_short(&s, tc_buf_str(&t), GRAPH_LABEL_MAX);
		if (i < GRAPH_GROUP_SHOWN) {
			tc_buf_puts(&label, "\\n");
			put_gv(&label, tc_buf_str(&s));
		}
		tc_buf_printf(&tip, "\\n%ju ",
			      (uintmax_t)nsrel_ns_ino(list[i]));
		put_gv(&tip, tc_buf_str(&s));
	}
	if (k > GRAPH_GROUP_SHOWN)
		tc_buf_printf(&label, "\\n… %zu more", k - GRAPH_GROUP_SHOWN);
	if (k > GRAPH_GROUP_TIP)
		tc_buf_printf(&tip, "\\n… %zu more", k - GRAPH_GROUP_TIP);
	set(node, "label", tc_buf_str(&label));
	set(node, "tooltip", tc_buf_str(&tip));
	set(node, "id", name);
	set(node, "class", "group");
	set(node, "shape", "box3d");
	set(node, "fillcolor", "#fff8e0");
	tc_buf_free(&label);
	tc_buf_free(&tip);
	tc_buf_free(&t);
	tc_buf_free(&s);
	e = add_edge(bd, bd->user, node, un, "owned");
	if (e)
		set(e, "color", "#808080");
	bd->groups++;
	for (size_t i = 0; bd->opts->members && i < k && !bd->oom; i++) {
		Agnode_t *box =
			add_ns_node(bd, bd->user, list[i], "box", "owned");

		if (!box)
			break;
		set(box, "nsgroup", name);
		e = add_edge(bd, bd->user, box, node, "owned");
		if (e)
			set(e, "color", "#808080");
	}
}

/* -d: what user namespace u owns, besides user and PID namespaces (those
 * are nodes of their own), one box each, several of a type in a folder,
 * more than opts->group of a type as one group node. */
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

			if (nsrel_ns_type(o) == type &&
			    graph_shows(bd->opts, o))
				list[k++] = o;
		}
		/* In the model's order: by inode. */
		if (k == 0)
			continue;
		if (graph_grouped(bd->opts, k)) {
			add_group(bd, u, un, type, list, k);
			shown += k;
			continue;
		}
		if (k > 1) {
			char name[96];
			Agnode_t *folder;
			Agedge_t *e;

			graph_group_id(name, sizeof(name), u, type);
			folder = agnode(bd->user, name, 1);
			if (!folder) {
				bd->oom = true;
				break;
			}
			set(folder, "shape", "folder");
			set(folder, "label", nsrel_nstype_str(type));
			set(folder, "fillcolor", "#fff8e0");
			set(folder, "id", name);
			set(folder, "class", "folder");
			e = add_edge(bd, bd->user, folder, un, "owned");
			if (e)
				set(e, "color", "#808080");
			parent = folder;
		}
		for (i = 0; i < k; i++) {
			Agnode_t *box;
			Agedge_t *e;

			box = add_ns_node(bd, bd->user, list[i], "box",
					  "owned");
			if (!box)
				break;
			e = add_edge(bd, bd->user, box, parent, "owned");
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

/*
 * The graph with its look, and its two clusters and the rank of the roots
 * in bd; false when out of memory. The roots are on the left and depth
 * grows to the right (rankdir=RL, as every edge points to the parent), so
 * that siblings stack in a column: a wide level grows the graph downwards
 * only, into a tall column of legible nodes.
 */
static bool open_graph(struct builder *bd)
{
	bd->g = agopen("namespaces", Agdirected, NULL);
	if (!bd->g)
		return false;

	set(bd->g, "rankdir", "RL");
	/* Ranks across clusters, so that rank=same can line up the roots of
	 * both hierarchies. */
	set(bd->g, "newrank", "true");
	set(bd->g, "bgcolor", "white");
	set(bd->g, "fontname", "sans-serif");
	set(bd->g, "nodesep", "0.12");
	set(bd->g, "ranksep", "0.6");
	/* Fewer crossing-minimisation passes: the tree is mostly a tree,
	 * and the default effort grows badly with a wide rank. */
	set(bd->g, "mclimit", "0.3");
	set(bd->g, "id", "graph");
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
	set(bd->user, "id", "cluster_user");
	set(bd->pid, "id", "cluster_pid");
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
		bool user = type == CLONE_NEWUSER;
		Agnode_t *node;

		if ((!user && type != CLONE_NEWPID) ||
		    !graph_shows(bd->opts, ns))
			continue;
		node = add_ns_node(bd, user ? bd->user : bd->pid, ns, "ellipse",
				   user ? "user" : "pid");
		if (!node)
			break;
		if (user)
			st->userns++;
		else
			st->pidns++;
		if (nsrel_ns_parent(ns))
			continue;
		if (!agsubnode(bd->roots, node, 1))
			bd->oom = true;
		if (user && !bd->user_root)
			bd->user_root = node;
		if (!user && !bd->pid_root)
			bd->pid_root = node;
	}
}

/*
 * The user cluster above the PID cluster, however large either is: an
 * invisible edge between their first roots, which share a rank, orders
 * them within it, and the clusters follow.
 */
static void fix_sides(struct builder *bd)
{
	Agedge_t *e;

	if (!bd->user_root || !bd->pid_root)
		return;
	e = agedge(bd->roots, bd->user_root, bd->pid_root, NULL, 1);
	if (!e) {
		bd->oom = true;
		return;
	}
	set(e, "style", "invis");
}

/* The edges of ns, a user or PID namespace: to its parent; a PID
 * namespace's to its owner, unless opts->no_owners; with details, a user
 * namespace's owned namespaces (their count is returned). */
static size_t add_edges(struct builder *bd, const struct nsrel_ns *ns)
{
	const struct nsrel_ns *parent = nsrel_ns_parent(ns);
	const struct nsrel_ns *owner = nsrel_ns_owner(ns);
	int type = nsrel_ns_type(ns);
	Agraph_t *sub = type == CLONE_NEWUSER ? bd->user : bd->pid;
	Agnode_t *node = find_ns_node(bd, ns), *to;
	Agedge_t *e;

	if (parent && (to = find_ns_node(bd, parent)))
		add_edge(bd, sub, node, to, "parent");
	/* A PID namespace's owner, without pulling it into the PID
	 * hierarchy's ranks. */
	if (type == CLONE_NEWPID && owner && !bd->opts->no_owners &&
	    (to = find_ns_node(bd, owner))) {
		e = add_edge(bd, bd->g, node, to, "owner");
		if (e) {
			set(e, "style", "dashed");
			set(e, "constraint", "false");
			set(e, "color", "#606060");
		}
	}
	if (type == CLONE_NEWUSER && bd->opts->details)
		return add_owned(bd, ns, node);
	return 0;
}

/*
 * Past GRAPH_LAYOUT_FULL nodes, dot's placement within ranks (network
 * simplex: its time grows with the square of the nodes) stops after a
 * fixed number of improvements (nslimit is per node), so that a large
 * graph takes time in proportion to its size. Below, the placement is
 * optimal: parents centred beside their children.
 */
static void limit_layout(Agraph_t *g)
{
	int n = agnnodes(g);
	char v[32];

	if (n <= GRAPH_LAYOUT_FULL)
		return;
	snprintf(v, sizeof(v), "%.4f", (double)GRAPH_LAYOUT_STEPS / n);
	set(g, "nslimit", v);
}

Agraph_t *graph_build(const struct nsrel_model *m,
		      const struct graph_opts *opts,
		      struct graph_stats *ret_stats)
{
	static const struct graph_opts none = {0};
	struct graph_stats st = {0};
	struct builder bd = {.opts = opts ? opts : &none};
	size_t n = nsrel_model_ns_count(m);

	if (!open_graph(&bd))
		return NULL;
	/* Nodes first, so that every edge finds both ends. */
	add_nodes(&bd, m, &st);
	fix_sides(&bd);
	for (size_t i = 0; i < n && !bd.oom; i++) {
		const struct nsrel_ns *ns = nsrel_model_ns(m, i);
		int type = nsrel_ns_type(ns);

		if ((type == CLONE_NEWUSER || type == CLONE_NEWPID) &&
		    graph_shows(bd.opts, ns))
			st.owned += add_edges(&bd, ns);
	}
	if (bd.oom) {
		agclose(bd.g);
		return NULL;
	}
	/* With members, for the graph that graph_collapse() leaves. */
	if (!bd.opts->members)
		limit_layout(bd.g);
	st.groups = bd.groups;
	if (ret_stats)
		*ret_stats = st;
	return bd.g;
}

/* ---- Groups expanded, and the graph as DOT ------------------------------- */

static bool listed(const char *id, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] && strcmp(id, list[i]) == 0)
			return true;
	return false;
}

bool graph_is_group(Agraph_t *g, const char *id)
{
	Agnode_t *node = agnode(g, (char *)id, 0);
	const char *class = node ? agget(node, "class") : NULL;

	return class && strncmp(class, "group", 5) == 0;
}

size_t graph_collapse(Agraph_t *g, const char *const *expanded, size_t n)
{
	size_t done = 0;
	Agnode_t *node, *next;

	for (node = agfstnode(g); node; node = next) {
		const char *group = agget(node, "nsgroup");

		next = agnxtnode(g, node);
		if (group && *group && !listed(group, expanded, n))
			agdelnode(g, node);
	}
	for (size_t i = 0; i < n; i++) {
		char *label, *cut;

		if (!expanded[i] || !graph_is_group(g, expanded[i]))
			continue;
		node = agnode(g, (char *)expanded[i], 0);
		/* "uts × 312" alone: its members are drawn beside it */
		label = strdup(agget(node, "label"));
		if (!label)
			continue;
		cut = strstr(label, "\\n");
		if (cut)
			*cut = '\0';
		set(node, "label", label);
		free(label);
		set(node, "shape", "folder");
		set(node, "class", "group expanded");
		done++;
	}
	limit_layout(g);
	return done;
}

char *graph_write(Agraph_t *g, size_t *ret_len)
{
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);
	int r;

	if (!f)
		return NULL;
	r = agwrite(g, f);
	if (fclose(f) != 0 || r != 0) {
		free(data);
		return NULL;
	}
	*ret_len = len;
	return data;
}

Agraph_t *graph_read(const char *dot)
{
	return agmemread(dot);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int graph_render(Agraph_t *g, const char *format, char **ret_data,
		 size_t *ret_len, struct graph_times *ret_times)
{
	/* One context for the process, never freed: graphviz's pango plugin
	 * keeps a pointer to the last font name it measured, which lives in
	 * the context; a second context (the viewer laying a group out anew)
	 * would read it freed. Used by one thread at a time. */
	static GVC_t *gvc;
	unsigned int len = 0;
	char *data = NULL;
	double t0, t1, t2 = 0;
	int r;

	/* Warnings (a missing font, say) are noise; errors still print. */
	agseterr(AGERR);
	if (!gvc)
		gvc = gvContext();
	if (!gvc)
		return -1;
	t0 = now();
	r = gvLayout(gvc, g, "dot");
	t1 = now();
	if (r == 0) {
		r = gvRenderData(gvc, g, format, &data, &len);
		t2 = now();
		gvFreeLayout(gvc, g);
	}
	if (r != 0 || !data) {
		if (data)
			gvFreeRenderData(data);
		return -1;
	}
	if (ret_times) {
		ret_times->layout = t1 - t0;
		ret_times->render = t2 - t1;
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
