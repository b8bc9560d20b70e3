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

#include "graph.h"

/* ---- Text ---------------------------------------------------------------- */

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_putn(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->s, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->oom = true;
		return;
	}
	sb_putn(b, tmp, (size_t)n);
}

/* The string, now the caller's; NULL when out of memory. */
static char *sb_steal(struct sbuf *b)
{
	char *s;

	if (b->oom) {
		free(b->s);
		*b = (struct sbuf){0};
		return NULL;
	}
	s = b->s ? b->s : strdup("");
	*b = (struct sbuf){0};
	return s;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not text. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	/* C1 controls move terminals as much as C0 ones do. */
	if (cp >= 0x80 && cp <= 0x9f)
		return 0;
	return len;
}

/*
 * The text tools' escaping of hostile names. For a label (graphviz), each
 * backslash it produces is written twice: Graphviz turns "\\" back into one
 * backslash and would take a single one as the start of \N, \G, \l or \n.
 */
static void sb_put_escaped(struct sbuf *b, const char *raw, bool graphviz)
{
	const unsigned char *s = (const unsigned char *)raw;
	size_t n = strlen(raw);
	const char *bs = graphviz ? "\\\\" : "\\";

	while (n > 0) {
		size_t len = utf8_len(s, n);

		switch (*s) {
		case '\033':
			sb_puts(b, bs);
			sb_puts(b, "e");
			break;
		case '\n':
			sb_puts(b, bs);
			sb_puts(b, "n");
			break;
		case '\t':
			sb_puts(b, bs);
			sb_puts(b, "t");
			break;
		case '"':
			sb_puts(b, bs);
			sb_puts(b, "\"");
			break;
		case '\\':
			sb_puts(b, bs);
			sb_puts(b, bs);
			break;
		default:
			if (len == 0 || *s < 0x20 || *s == 0x7f) {
				sb_puts(b, bs);
				sb_printf(b, "x%02x", *s);
				len = 1;
			} else {
				sb_putn(b, (const char *)s, len);
			}
			s += len;
			n -= len;
			continue;
		}
		s++;
		n--;
	}
}

static void sb_put_label(struct sbuf *b, const char *raw)
{
	sb_put_escaped(b, raw, true);
}

char *graph_label_text(const char *raw)
{
	struct sbuf b = {0};

	sb_put_label(&b, raw);
	return sb_steal(&b);
}

char *graph_escape_text(const char *raw)
{
	struct sbuf b = {0};

	sb_put_escaped(&b, raw, false);
	return sb_steal(&b);
}

/* "NAME (PID)", the name escaped for a label. */
static void sb_put_proc(struct sbuf *b, const struct nsrel_proc *p)
{
	sb_put_label(b, nsrel_proc_name(p));
	sb_printf(b, " (%d)", (int)nsrel_proc_pid(p));
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
 * How the namespace is held, in lsuserns' words: its representative
 * process, else its first reference, else "process (none)". The quotes are
 * Graphviz's own quote character, escaped when cgraph writes DOT.
 */
static void sb_put_holder(struct sbuf *b, const struct nsrel_ns *ns,
			  const struct nsrel_ns *own_mntns)
{
	const struct nsrel_proc *leader = nsrel_ns_leader(ns);
	size_t i, n = nsrel_ns_ref_count(ns);

	if (leader) {
		sb_puts(b, "\"");
		sb_put_proc(b, leader);
		sb_puts(b, "\"");
		return;
	}
	for (i = 0; i < n; i++) {
		const struct nsrel_ref *r = nsrel_ns_ref(ns, i);
		const struct nsrel_proc *p = nsrel_ref_proc(r);
		const struct nsrel_ns *mntns;

		switch (nsrel_ref_kind(r)) {
		case NSREL_REF_BINDMOUNT:
			sb_puts(b, "bind-mounted at \"");
			sb_put_label(b, nsrel_ref_path(r) ? nsrel_ref_path(r)
							  : "?");
			sb_puts(b, "\"");
			mntns = nsrel_ref_mntns(r);
			if (mntns && mntns != own_mntns)
				sb_printf(b, " in mnt:[%ju]",
					  (uintmax_t)nsrel_ns_ino(mntns));
			return;
		case NSREL_REF_FD:
			if (!p)
				break;
			sb_printf(b, "held by fd %d of process \"",
				  nsrel_ref_fd(r));
			sb_put_proc(b, p);
			sb_puts(b, "\"");
			return;
		case NSREL_REF_SOCKET:
			if (!p)
				break;
			sb_puts(b, "held by socket of process \"");
			sb_put_proc(b, p);
			sb_puts(b, "\"");
			return;
		case NSREL_REF_TASK:
			if (!p)
				break;
			sb_puts(b, "task \"");
			sb_put_label(b, nsrel_proc_name(p));
			sb_printf(b, " (%d)\" of process \"",
				  (int)nsrel_ref_tid(r));
			sb_put_proc(b, p);
			sb_puts(b, "\"");
			return;
		case NSREL_REF_FOR_CHILDREN:
			if (!p)
				break;
			sb_puts(b, "for children of process \"");
			sb_put_proc(b, p);
			sb_puts(b, "\"");
			return;
		case NSREL_REF_PROC:
			if (!p)
				break;
			sb_puts(b, "\"");
			sb_put_proc(b, p);
			sb_puts(b, "\"");
			return;
		case NSREL_REF_HIDDEN:
			break;
		}
	}
	sb_puts(b, "process (none)");
}

/* The two-line node label: holder over "TYPE:[INO]". */
static char *ns_label(const struct nsrel_ns *ns,
		      const struct nsrel_ns *own_mntns)
{
	struct sbuf b = {0};

	sb_put_holder(&b, ns, own_mntns);
	sb_printf(&b, "\\n%s:[%ju]", nsrel_nstype_str(nsrel_ns_type(ns)),
		  (uintmax_t)nsrel_ns_ino(ns));
	return sb_steal(&b);
}

static void ns_name(char *buf, size_t n, const struct nsrel_ns *ns)
{
	snprintf(buf, n, "%s-%ju", nsrel_nstype_str(nsrel_ns_type(ns)),
		 (uintmax_t)nsrel_ns_ino(ns));
}

/* ---- The graph ----------------------------------------------------------- */

struct builder {
	Agraph_t *g, *user, *pid, *roots;
	const struct nsrel_ns *own_mntns;
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
		set(n, "color", "#808080");
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
	label = ns_label(ns, bd->own_mntns);
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

static int cmp_ns_ino(const void *a, const void *b)
{
	ino_t x = nsrel_ns_ino(*(const struct nsrel_ns *const *)a);
	ino_t y = nsrel_ns_ino(*(const struct nsrel_ns *const *)b);

	return x < y ? -1 : x > y;
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
		if (k == 0)
			continue;
		qsort(list, k, sizeof(*list), cmp_ns_ino);
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

Agraph_t *graph_build(const struct nsrel_model *m,
		      const struct graph_opts *opts,
		      struct graph_stats *ret_stats)
{
	struct graph_stats st = {0};
	struct builder bd = {0};
	const struct nsrel_proc *self;
	size_t i, n = nsrel_model_ns_count(m);

	bd.g = agopen("namespaces", Agdirected, NULL);
	if (!bd.g)
		return NULL;
	self = nsrel_model_find_proc(m, getpid());
	bd.own_mntns = self ? nsrel_proc_ns(self, CLONE_NEWNS) : NULL;

	set(bd.g, "rankdir", "BT");
	/* Ranks across clusters, so that rank=same can line up the roots of
	 * both hierarchies. */
	set(bd.g, "newrank", "true");
	set(bd.g, "bgcolor", "white");
	set(bd.g, "fontname", "sans-serif");
	set(bd.g, "nodesep", "0.3");
	set(bd.g, "ranksep", "0.45");
	agattr(bd.g, AGNODE, "fontname", "sans-serif");
	agattr(bd.g, AGNODE, "fontsize", "11");
	agattr(bd.g, AGNODE, "style", "filled");
	agattr(bd.g, AGNODE, "fillcolor", "white");
	agattr(bd.g, AGEDGE, "arrowsize", "0.8");

	bd.user = agsubg(bd.g, "cluster_user", 1);
	bd.pid = agsubg(bd.g, "cluster_pid", 1);
	bd.roots = agsubg(bd.g, "roots", 1);
	if (!bd.user || !bd.pid || !bd.roots) {
		agclose(bd.g);
		return NULL;
	}
	set(bd.user, "label", "user");
	set(bd.user, "labelloc", "b");
	set(bd.user, "style", "filled");
	set(bd.user, "fillcolor", "#e6f2ff");
	set(bd.user, "color", "#7598bd");
	set(bd.pid, "label", "PID");
	set(bd.pid, "labelloc", "b");
	set(bd.pid, "style", "filled");
	set(bd.pid, "fillcolor", "#e6ffe6");
	set(bd.pid, "color", "#85ad85");
	set(bd.roots, "rank", "same");

	/* Nodes first, in the model's order (by type, then inode). */
	for (i = 0; i < n && !bd.oom; i++) {
		const struct nsrel_ns *ns = nsrel_model_ns(m, i);
		int type = nsrel_ns_type(ns);
		Agnode_t *node;

		if (type != CLONE_NEWUSER && type != CLONE_NEWPID)
			continue;
		node = add_ns_node(&bd, type == CLONE_NEWUSER ? bd.user : bd.pid,
				   ns, "ellipse");
		if (!node)
			break;
		if (type == CLONE_NEWUSER)
			st.userns++;
		else
			st.pidns++;
		if (!nsrel_ns_parent(ns) && !agsubnode(bd.roots, node, 1))
			bd.oom = true;
	}

	for (i = 0; i < n && !bd.oom; i++) {
		const struct nsrel_ns *ns = nsrel_model_ns(m, i);
		const struct nsrel_ns *parent = nsrel_ns_parent(ns);
		const struct nsrel_ns *owner = nsrel_ns_owner(ns);
		int type = nsrel_ns_type(ns);
		Agraph_t *sub = type == CLONE_NEWUSER ? bd.user : bd.pid;
		Agnode_t *node, *to;
		Agedge_t *e;

		if (type != CLONE_NEWUSER && type != CLONE_NEWPID)
			continue;
		node = find_ns_node(&bd, ns);
		if (parent && (to = find_ns_node(&bd, parent)))
			add_edge(&bd, sub, node, to);
		/* A PID namespace's owner, without pulling it into the PID
		 * hierarchy's ranks. */
		if (type == CLONE_NEWPID && owner &&
		    (to = find_ns_node(&bd, owner))) {
			e = add_edge(&bd, bd.g, node, to);
			if (e) {
				set(e, "style", "dashed");
				set(e, "constraint", "false");
				set(e, "color", "#606060");
			}
		}
		if (type == CLONE_NEWUSER && opts && opts->details)
			st.owned += add_owned(&bd, ns, node);
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
