/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* graphns: the namespace model as a Graphviz graph, and its rendering. */
#ifndef GRAPHNS_GRAPH_H
#define GRAPHNS_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include <graphviz/cgraph.h>

#include "nsrel.h"

struct graph_opts {
	bool details; /* -d: owned namespaces as boxes under their owner */
};

/* Counts of what the graph shows, for the window title. */
struct graph_stats {
	size_t userns, pidns, owned;
};

/*
 * Builds the graph of the user and PID namespaces of m. Node names are
 * "TYPE-INO" (and "user-INO-TYPE" for the folder of several owned
 * namespaces of one type), so tests and scripts can find them again.
 * Returns NULL only when out of memory.
 */
Agraph_t *graph_build(const struct nsrel_model *m,
		      const struct graph_opts *opts,
		      struct graph_stats *ret_stats);

/*
 * Lays out g with dot and renders it in format ("svg", "png", "pdf",
 * "dot"). The data is the caller's, to be freed with graph_free_data().
 * Returns 0, or -1 when Graphviz cannot render that format (it has said
 * why on stderr).
 */
int graph_render(Agraph_t *g, const char *format, char **ret_data,
		 size_t *ret_len);
void graph_free_data(char *data);

/*
 * The label text of raw bytes from the system (caller frees): escaped as
 * the text tools escape it, then with every backslash doubled and every
 * '&' written "&amp;", so that Graphviz interprets neither \N, \G, \l nor
 * an HTML entity, and shows exactly the escaped text.
 */
char *graph_label_text(const char *raw);

#endif /* GRAPHNS_GRAPH_H */
