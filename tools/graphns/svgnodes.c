/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nodes of a Graphviz SVG (svgnodes.h), read with GLib's XML parser.
 *
 * Graphviz writes each node as <g class="node"> with its name in a
 * <title>, its shape (ellipse, polygon, path) and its <text> lines, maybe
 * inside <a xlink:title="tooltip">; each edge as <g class="edge"> titled
 * "TAIL->HEAD". Coordinates are in the viewBox's points, inside the
 * transform of the graph's <g>; they are turned into pixels at 1x.
 */
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svgnodes.h"

struct parse {
	struct svg_nodes *out;
	GPtrArray *edges; /* "TAIL->HEAD" titles */
	int depth;
	struct svg_node *node; /* the node being read */
	int node_depth;
	bool in_edge;
	int edge_depth;
	GString *cap; /* the text of a <title> or <text> being read */
	int cap_depth;
	bool cap_title;
	GString *text; /* the node's lines */
	double vb_x, vb_y, vb_w, vb_h;
	double sx, sy, tx, ty; /* the graph's transform */
};

static bool has_class(const char *classes, const char *want)
{
	size_t n = strlen(want);

	for (const char *p = classes; p && *p;) {
		while (*p == ' ')
			p++;
		if (strncmp(p, want, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return true;
		p = strchr(p, ' ');
	}
	return false;
}

static const char *attr(const char **names, const char **values,
			const char *want)
{
	for (size_t i = 0; names[i]; i++)
		if (strcmp(names[i], want) == 0)
			return values[i];
	return NULL;
}

/* A point of the graph, in SVG user units, into the node's box. */
static void extend(struct parse *p, double x, double y)
{
	struct svg_node *n = p->node;

	x = (x + p->tx) * p->sx;
	y = (y + p->ty) * p->sy;
	if (n->x0 > n->x1) {
		n->x0 = n->x1 = x;
		n->y0 = n->y1 = y;
		return;
	}
	n->x0 = fmin(n->x0, x);
	n->x1 = fmax(n->x1, x);
	n->y0 = fmin(n->y0, y);
	n->y1 = fmax(n->y1, y);
}

/* Every pair of numbers in s ("x,y x,y", or a path's "Mx,yC...") as a
 * point. */
static void extend_numbers(struct parse *p, const char *s)
{
	double v[2];
	int k = 0;

	while (s && *s) {
		char *end;
		double d;

		if (!(isdigit((unsigned char)*s) || *s == '-' || *s == '+' ||
		      *s == '.')) {
			s++;
			continue;
		}
		d = strtod(s, &end);
		if (end == s) {
			s++;
			continue;
		}
		s = end;
		v[k++] = d;
		if (k == 2) {
			extend(p, v[0], v[1]);
			k = 0;
		}
	}
}

static double num(const char **names, const char **values, const char *want)
{
	const char *s = attr(names, values, want);

	return s ? strtod(s, NULL) : 0;
}

static void transform(struct parse *p, const char *s)
{
	const char *sc = s ? strstr(s, "scale(") : NULL;
	const char *tr = s ? strstr(s, "translate(") : NULL;

	if (sc) {
		int n = sscanf(sc, "scale(%lf %lf", &p->sx, &p->sy);

		if (n < 1)
			p->sx = 1;
		if (n < 2)
			p->sy = p->sx;
	}
	if (tr && sscanf(tr, "translate(%lf %lf", &p->tx, &p->ty) < 2)
		p->tx = p->ty = 0;
}

static void start(GMarkupParseContext *ctx, const char *el, const char **an,
		  const char **av, gpointer data, GError **err)
{
	struct parse *p = data;
	const char *cls;

	p->depth++;
	if (strcmp(el, "svg") == 0) {
		const char *vb = attr(an, av, "viewBox");

		if (vb && sscanf(vb, "%lf %lf %lf %lf", &p->vb_x, &p->vb_y,
				 &p->vb_w, &p->vb_h) != 4)
			p->vb_w = p->vb_h = 0;
		return;
	}
	if (strcmp(el, "g") == 0 && !p->node && !p->in_edge) {
		cls = attr(an, av, "class");
		if (has_class(cls, "graph")) {
			transform(p, attr(an, av, "transform"));
		} else if (has_class(cls, "node")) {
			const char *id = attr(an, av, "id");

			p->node = g_new0(struct svg_node, 1);
			p->node->id = g_strdup(id ? id : "");
			p->node->x0 = 1;
			p->node->x1 = 0;
			p->node->group = has_class(cls, "group");
			p->node_depth = p->depth;
			g_string_truncate(p->text, 0);
		} else if (has_class(cls, "edge")) {
			p->in_edge = true;
			if (has_class(cls, "owner"))
				p->out->owner_edges++;
			p->edge_depth = p->depth;
		}
		return;
	}
	if (!p->node && !p->in_edge)
		return;
	if (strcmp(el, "title") == 0 || (p->node && strcmp(el, "text") == 0)) {
		p->cap_depth = p->depth;
		p->cap_title = strcmp(el, "title") == 0;
		g_string_truncate(p->cap, 0);
	}
	if (!p->node)
		return;
	if (strcmp(el, "a") == 0) {
		const char *tip = attr(an, av, "xlink:title");

		if (!tip)
			tip = attr(an, av, "title");
		/* Graphviz titles a link with the label when there is no
		 * tooltip: that is already in the text. */
		if (tip && *tip) {
			g_string_append(p->text, tip);
			g_string_append_c(p->text, '\n');
		}
	} else if (strcmp(el, "ellipse") == 0) {
		double cx = num(an, av, "cx"), cy = num(an, av, "cy");
		double rx = num(an, av, "rx"), ry = num(an, av, "ry");

		extend(p, cx - rx, cy - ry);
		extend(p, cx + rx, cy + ry);
	} else if (strcmp(el, "polygon") == 0 || strcmp(el, "polyline") == 0) {
		extend_numbers(p, attr(an, av, "points"));
	} else if (strcmp(el, "path") == 0) {
		extend_numbers(p, attr(an, av, "d"));
	} else if (strcmp(el, "text") == 0) {
		/* A line of text alone (a plaintext node): its height, and
		 * its width guessed from the font size. */
		double x = num(an, av, "x"), y = num(an, av, "y");
		double fs = num(an, av, "font-size");

		extend(p, x - fs, y - fs);
		extend(p, x + fs, y + fs / 3);
	}
}

static void end(GMarkupParseContext *ctx, const char *el, gpointer data,
		GError **err)
{
	struct parse *p = data;

	if (p->cap_depth == p->depth) {
		p->cap_depth = 0;
		if (p->in_edge && p->cap_title) {
			g_ptr_array_add(p->edges, g_strdup(p->cap->str));
		} else if (p->node && p->cap_title && !p->node->name) {
			p->node->name = g_strdup(p->cap->str);
		} else if (p->node && !p->cap_title) {
			g_string_append_len(p->text, p->cap->str,
					    (gssize)p->cap->len);
			g_string_append_c(p->text, '\n');
		}
	}
	if (p->node && p->depth == p->node_depth) {
		struct svg_node *n = p->node;
		char *all;

		if (p->text->len > 0)
			g_string_truncate(p->text, p->text->len - 1);
		n->text = g_strdup(p->text->str);
		if (!n->name)
			n->name = g_strdup("");
		all = g_strconcat(n->name, "\n", n->text, NULL);
		n->fold = g_utf8_casefold(all, -1);
		g_free(all);
		if (n->x0 > n->x1)
			n->x0 = n->x1 = n->y0 = n->y1 = 0;
		g_ptr_array_add(p->out->nodes, n);
		p->node = NULL;
	}
	if (p->in_edge && p->depth == p->edge_depth)
		p->in_edge = false;
	p->depth--;
}

static void text(GMarkupParseContext *ctx, const char *s, gsize len,
		 gpointer data, GError **err)
{
	struct parse *p = data;

	if (p->cap_depth)
		g_string_append_len(p->cap, s, (gssize)len);
}

static void node_free(gpointer data)
{
	struct svg_node *n = data;

	g_free(n->id);
	g_free(n->name);
	g_free(n->text);
	g_free(n->fold);
	g_free(n);
}

static int find_name(const struct svg_nodes *n, const char *name, size_t len)
{
	for (guint i = 0; i < n->nodes->len; i++) {
		const struct svg_node *sn = n->nodes->pdata[i];

		if (strlen(sn->name) == len && memcmp(sn->name, name, len) == 0)
			return (int)i;
	}
	return -1;
}

/*
 * The root of the user namespace hierarchy: of the user namespaces
 * ("user-INO") with no edge to another, the one most edges come to (the
 * initial one, when it is seen).
 */
static int find_root(const struct svg_nodes *n, GPtrArray *edges)
{
	guint count = n->nodes->len;
	int *in = g_new0(int, count), best = -1;
	bool *child = g_new0(bool, count);

	for (guint i = 0; i < edges->len; i++) {
		const char *e = edges->pdata[i], *arrow = strstr(e, "->");
		int t, h;

		if (!arrow)
			continue;
		t = find_name(n, e, (size_t)(arrow - e));
		h = find_name(n, arrow + 2, strlen(arrow + 2));
		if (t < 0 || h < 0)
			continue;
		in[h]++;
		if (g_str_has_prefix(
			    ((struct svg_node *)n->nodes->pdata[h])->name,
			    "user-"))
			child[t] = true;
	}
	for (guint i = 0; i < count; i++) {
		const struct svg_node *sn = n->nodes->pdata[i];

		if (!g_str_has_prefix(sn->name, "user-") || child[i])
			continue;
		if (best < 0 || in[i] > in[best])
			best = (int)i;
	}
	g_free(in);
	g_free(child);
	return best;
}

struct svg_nodes *svg_nodes_new(const char *data, size_t len, double width,
				double height)
{
	static const GMarkupParser parser = {start, end, text, NULL, NULL};
	struct parse p = {.sx = 1, .sy = 1};
	GMarkupParseContext *ctx;
	GError *err = NULL;
	bool ok;

	p.out = g_new0(struct svg_nodes, 1);
	p.out->nodes = g_ptr_array_new_with_free_func(node_free);
	p.out->root = -1;
	p.edges = g_ptr_array_new_with_free_func(g_free);
	p.cap = g_string_new(NULL);
	p.text = g_string_new(NULL);
	ctx = g_markup_parse_context_new(&parser, 0, &p, NULL);
	ok = g_markup_parse_context_parse(ctx, data, (gssize)len, &err) &&
	     g_markup_parse_context_end_parse(ctx, &err);
	g_markup_parse_context_free(ctx);
	if (p.node)
		node_free(p.node);
	g_string_free(p.cap, TRUE);
	g_string_free(p.text, TRUE);
	if (!ok) {
		fprintf(stderr, "graphns: cannot read the graph's nodes: %s\n",
			err->message);
		g_error_free(err);
		g_ptr_array_free(p.edges, TRUE);
		svg_nodes_free(p.out);
		return NULL;
	}
	/* User units to pixels at 1x. */
	if (p.vb_w > 0 && p.vb_h > 0) {
		double kx = width / p.vb_w, ky = height / p.vb_h;

		for (guint i = 0; i < p.out->nodes->len; i++) {
			struct svg_node *n = p.out->nodes->pdata[i];

			n->x0 = (n->x0 - p.vb_x) * kx;
			n->x1 = (n->x1 - p.vb_x) * kx;
			n->y0 = (n->y0 - p.vb_y) * ky;
			n->y1 = (n->y1 - p.vb_y) * ky;
		}
	}
	p.out->root = find_root(p.out, p.edges);
	g_ptr_array_free(p.edges, TRUE);
	return p.out;
}

void svg_nodes_free(struct svg_nodes *n)
{
	if (!n)
		return;
	g_ptr_array_free(n->nodes, TRUE);
	g_free(n);
}

/* Whether s holds the digits q (of length len) as a whole number, not
 * within a longer one. */
static bool has_number(const char *s, const char *q, size_t len)
{
	for (const char *p = strstr(s, q); p; p = strstr(p + 1, q))
		if ((p == s || !isdigit((unsigned char)p[-1])) &&
		    !isdigit((unsigned char)p[len]))
			return true;
	return false;
}

void svg_nodes_search(const struct svg_nodes *n, const char *query, GArray *ret)
{
	size_t len = strlen(query);
	bool digits = len > 0;
	char *fold;

	g_array_set_size(ret, 0);
	if (len == 0)
		return;
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)query[i]))
			digits = false;
	if (digits) {
		for (guint i = 0; i < n->nodes->len; i++) {
			const struct svg_node *sn = n->nodes->pdata[i];

			if (has_number(sn->fold, query, len))
				g_array_append_val(ret, i);
		}
		if (ret->len > 0)
			return;
	}
	fold = g_utf8_casefold(query, -1);
	for (guint i = 0; i < n->nodes->len; i++) {
		const struct svg_node *sn = n->nodes->pdata[i];

		if (strstr(sn->fold, fold))
			g_array_append_val(ret, i);
	}
	g_free(fold);
}
