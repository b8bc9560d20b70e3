/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* graphns: the graph as one self-contained web page. */
#ifndef GRAPHNS_WEB_H
#define GRAPHNS_WEB_H

#include <stddef.h>

#include "graph.h"
#include "nsrel.h"

/*
 * The HTML page (caller frees) of the graph that graph_build(m, opts) made
 * and graph_render() drew as svg: the SVG inline, what every node stands
 * for as JSON in a <script type="application/json"> element, and the
 * page's own script and style inline; nothing is loaded from elsewhere.
 * title is raw text. Every string from the system is in the page only as
 * the text tools' escaped text, escaped again for where it is: HTML
 * entities in markup, \u003c, \u003e and \u0026 for '<', '>' and '&' in
 * the JSON, so that nothing in it can end the element. *ret_len is the
 * length; NULL only when out of memory.
 */
char *web_page(const struct nsrel_model *m, const struct graph_opts *opts,
	       const char *svg, size_t svg_len, const char *title,
	       size_t *ret_len);

#endif /* GRAPHNS_WEB_H */
