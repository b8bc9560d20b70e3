/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* graphns: the namespace model as a Graphviz graph, and its rendering. */
#ifndef GRAPHNS_GRAPH_H
#define GRAPHNS_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include <graphviz/cgraph.h>

#include "nsrel.h"

struct graph_opts {
	bool details;	/* -d: owned namespaces as boxes under their owner */
	bool no_owners; /* no arrow from a PID namespace to its owner */
	/* With details, more than this many owned namespaces of one type
	 * under one owner are one group node; 0: never. */
	size_t group;
	/* -p: only the branches to task's user and PID namespaces, and
	 * with details only the owned namespaces it is in; those it is in
	 * marked "<- PID N". NULL: every namespace. */
	const struct nsrel_proc *task;
	/* Each group's members too, for graph_collapse(): a box each
	 * (class owned) with an edge to the group's node, and the attribute
	 * "nsgroup", the group's id. */
	bool members;
};

/* Whether the graph has a node for ns, a user, PID or owned namespace
 * (all without opts->task). */
bool graph_shows(const struct graph_opts *opts, const struct nsrel_ns *ns);

/* graphns' default for graph_opts.group. */
#define GRAPH_GROUP_DEFAULT 8
/* A holder in a label is cut where it would show more than this many
 * characters (never inside an escape sequence), with "…"; the tooltip
 * has all of it. */
#define GRAPH_LABEL_MAX 40
/* A group's label lists this many of its members, its tooltip more. */
#define GRAPH_GROUP_SHOWN 3
#define GRAPH_GROUP_TIP	  30
/* Up to this many nodes, dot places nodes within their ranks as well as
 * it can; beyond, in GRAPH_LAYOUT_STEPS steps, so that the layout time
 * grows linearly. */
#define GRAPH_LAYOUT_FULL  1500
#define GRAPH_LAYOUT_STEPS 200

/* Counts of what the graph shows, for the window title. */
struct graph_stats {
	size_t userns, pidns, owned;
	size_t groups; /* group nodes */
};

/*
 * Builds the graph of the user and PID namespaces of m. So that tests,
 * scripts, the viewer and the web page can find them again, every node
 * and edge has an id, which is also its SVG element's id, and a class
 * (in SVG: class="node CLASS" or "edge CLASS"):
 *
 *   node "TYPE-INO"        class user, pid, or owned (a box, with -d)
 *   node "user-INO-TYPE"   the owned namespaces of TYPE of user namespace
 *                          INO: class folder (a few, each a box under
 *                          it) or group (more than opts->group, one node
 *                          "TYPE × N" listing the first few; no node of
 *                          their own); graph_group_id()
 *   edge "TAIL~HEAD"       from a node to its parent (class parent), a PID
 *                          namespace to its owner (class owner, dashed:
 *                          hide ".owner" to hide the owner arrows), or an
 *                          owned namespace, folder or group to its owner
 *                          (class owned)
 *   clusters "cluster_user" and "cluster_pid", the graph "graph"
 *
 * Every label holds escaped text only (graph_label_text()); a node's
 * tooltip is its label with the holder not cut. With opts->members, the
 * graph is to be drawn only after graph_collapse(). Returns NULL only when
 * out of memory.
 */
Agraph_t *graph_build(const struct nsrel_model *m,
		      const struct graph_opts *opts,
		      struct graph_stats *ret_stats);

/* "TYPE-INO", the id of ns's node (n >= 64 is enough). */
void graph_ns_id(char *buf, size_t n, const struct nsrel_ns *ns);
/* "user-INO-TYPE", the id of the folder or group of owner's owned
 * namespaces of type (n >= 96 is enough). */
void graph_group_id(char *buf, size_t n, const struct nsrel_ns *owner,
		    int type);
/* Whether k owned namespaces of one type under one owner are a group. */
bool graph_grouped(const struct graph_opts *opts, size_t k);

/*
 * Of a graph built with graph_opts.members: the groups whose ids are in
 * expanded (n of them) are drawn as folders ("uts × 312" in the folder's
 * shape) with their members under them, every other group's members are
 * deleted. Returns the number of groups expanded.
 */
size_t graph_collapse(Agraph_t *g, const char *const *expanded, size_t n);
/* Whether the node named id in g is a group node (expanded or not). */
bool graph_is_group(Agraph_t *g, const char *id);

/* g in the DOT language, NUL-terminated (caller frees), or NULL when out
 * of memory; graph_read() reads it back. */
char *graph_write(Agraph_t *g, size_t *ret_len);
Agraph_t *graph_read(const char *dot);

/*
 * Lays out g with dot and renders it in format ("svg", "png", "pdf",
 * "dot"). The data is the caller's, to be freed with graph_free_data().
 * Returns 0, or -1 when Graphviz cannot render that format (it has said
 * why on stderr).
 */
struct graph_times {
	double layout, render; /* seconds */
};
int graph_render(Agraph_t *g, const char *format, char **ret_data,
		 size_t *ret_len, struct graph_times *ret_times);
void graph_free_data(char *data);

/*
 * The label text of raw bytes from the system (caller frees): escaped as
 * the text tools escape it, then with every backslash doubled and every
 * '&' written "&amp;", so that Graphviz interprets neither \N, \G, \l nor
 * an HTML entity, and shows exactly the escaped text.
 */
char *graph_label_text(const char *raw);

#endif /* GRAPHNS_GRAPH_H */
