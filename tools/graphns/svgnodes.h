/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * graphns: the nodes of a Graphviz SVG, for the viewer's search and its
 * first view: each node's name, what it shows, and where it is.
 */
#ifndef GRAPHNS_SVGNODES_H
#define GRAPHNS_SVGNODES_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

struct svg_node {
	char *id;   /* the element id ("node12") */
	char *name; /* its <title>, the Graphviz node name ("user-4026531837")
		     */
	char *text; /* its text lines and tooltips, '\n' between them */
	char *fold; /* name and text, case-folded: what search looks in */
	double x0, y0, x1, y1; /* its box at 1x, in pixels from the top left */
	bool group;	       /* of class "group": "uts × 312" */
};

struct svg_nodes {
	GPtrArray *nodes;   /* struct svg_node *, in document order */
	int root;	    /* the index of the root user namespace, or -1 */
	size_t owner_edges; /* edges of class "owner" (PID to owner) */
};

/*
 * The nodes of the SVG in data, whose size at 1x is width x height pixels.
 * NULL (said why on stderr) if it is not the XML Graphviz writes; the
 * viewer then has no search.
 */
struct svg_nodes *svg_nodes_new(const char *data, size_t len, double width,
				double height);
void svg_nodes_free(struct svg_nodes *n);

/*
 * The indices of the nodes query finds, in document order, into ret
 * (guint, emptied first). A query of digits only (a PID, an inode) finds
 * the nodes with exactly that number in their name or text, or, if none
 * has, the number within a longer one; any other query finds the nodes
 * whose name or text contains it, ignoring case. An empty query finds
 * nothing.
 */
void svg_nodes_search(const struct svg_nodes *n, const char *query,
		      GArray *ret);

#endif /* GRAPHNS_SVGNODES_H */
