/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* graphns: the viewer window (GTK 4, the SVG drawn by librsvg). */
#ifndef GRAPHNS_VIEWER_H
#define GRAPHNS_VIEWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct viewer_opts {
	const char *title;
	/* What the viewer shows and does, as "viewer: ..." lines on stderr
	 * (the view, status messages, search matches, the help text, frame
	 * times and memory at exit), for the tests. */
	bool trace;
	/* The graph with every group's members (graph_write() of a graph
	 * built with graph_opts.members), from which 'e' lays it out anew
	 * with a group expanded; NULL: the graph has no groups. */
	const char *dot;
	size_t dot_len;
};

/*
 * Shows svg in a window until the user closes it. Returns the exit
 * status: 0, or 1 after saying on stderr why there is no window (no
 * display, an SVG librsvg cannot read).
 */
int viewer_run(const char *svg, size_t len, const struct viewer_opts *opts);

/*
 * Draws svg as the viewer does, into a 1280 x 860 picture without a
 * display: the first view, a pan, zoom steps, a pan at the new zoom. Prints
 * the CPU time per frame and the memory used on stdout; returns the exit
 * status.
 */
int viewer_bench(const char *svg, size_t len);

/* The first view as viewer_bench() draws it, as a PNG file at path (the
 * README's screenshot); returns the exit status. */
int viewer_png(const char *svg, size_t len, const char *path);

/* The viewer's mouse and keys, one per line, each line starting with
 * indent, for --help. */
void viewer_print_keys(FILE *f, const char *indent);

#endif /* GRAPHNS_VIEWER_H */
