/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * graphns -o FILE.html: one page that needs nothing else, for servers
 * without a display: the SVG of the graph inline, a JSON description of
 * every node, and a small script (web.js) to zoom, pan, search and show a
 * node's details. The script puts strings from the JSON into the page only
 * as DOM text (textContent), never as markup.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "label.h"
#include "web.h"
#include "web-assets.h"

/* ---- Escaping ------------------------------------------------------------ */

/* Text in HTML markup, element content or a quoted attribute. */
static void put_html(struct tc_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			tc_buf_puts(b, "&amp;");
			break;
		case '<':
			tc_buf_puts(b, "&lt;");
			break;
		case '>':
			tc_buf_puts(b, "&gt;");
			break;
		case '"':
			tc_buf_puts(b, "&quot;");
			break;
		case '\'':
			tc_buf_puts(b, "&#39;");
			break;
		default:
			tc_buf_putc(b, *s);
		}
	}
}

/*
 * A JSON string of s, which is escaped text already (valid UTF-8, no
 * control character). '<', '>' and '&' are written \u003c, \u003e and
 * \u0026, so that the JSON can sit in a <script> element: no "</script>"
 * or "<!--" in it ends or changes the element.
 */
static void put_json(struct tc_buf *b, const char *s)
{
	tc_buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			tc_buf_putc(b, '\\');
			tc_buf_putc(b, (char)c);
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&' ||
			   c == 0x7f) {
			tc_buf_printf(b, "\\u%04x", c);
		} else {
			tc_buf_putc(b, (char)c);
		}
	}
	tc_buf_putc(b, '"');
}

/* A JSON string of raw text from the system, escaped as the text tools
 * escape it first. */
static void put_json_raw(struct tc_buf *b, const char *raw)
{
	struct tc_buf e = {0};

	tc_buf_escape(&e, raw ? raw : "");
	put_json(b, tc_buf_str(&e));
	tc_buf_free(&e);
}

/* ---- What each node stands for ------------------------------------------ */

static void put_id(struct tc_buf *b, const struct nsrel_ns *ns)
{
	char id[64];

	if (!ns) {
		tc_buf_puts(b, "null");
		return;
	}
	graph_ns_id(id, sizeof(id), ns);
	put_json(b, id);
}

/* "NAME (PID)", NAME escaped. */
static void put_proc_text(struct tc_buf *t, const struct nsrel_proc *p)
{
	if (!p) {
		tc_buf_puts(t, "(no process)");
		return;
	}
	tc_buf_escape(t, nsrel_proc_name(p));
	tc_buf_printf(t, " (%d)", (int)nsrel_proc_pid(p));
}

/* A reference other than a process's own, as text. */
static void put_ref_text(struct tc_buf *t, const struct nsrel_ref *r)
{
	const struct nsrel_proc *p = nsrel_ref_proc(r);

	switch (nsrel_ref_kind(r)) {
	case NSREL_REF_TASK:
		tc_buf_printf(t, "task %d of ", (int)nsrel_ref_tid(r));
		put_proc_text(t, p);
		break;
	case NSREL_REF_FOR_CHILDREN:
		tc_buf_puts(t, "for children of ");
		put_proc_text(t, p);
		break;
	case NSREL_REF_FD:
		tc_buf_printf(t, "fd %d of ", nsrel_ref_fd(r));
		put_proc_text(t, p);
		break;
	case NSREL_REF_SOCKET:
		tc_buf_printf(t, "socket fd %d of ", nsrel_ref_fd(r));
		put_proc_text(t, p);
		break;
	case NSREL_REF_BINDMOUNT:
		tc_buf_puts(t, "bind-mounted at ");
		tc_buf_escape(t, nsrel_ref_path(r) ? nsrel_ref_path(r) : "?");
		break;
	case NSREL_REF_HIDDEN:
		tc_buf_puts(t, "hidden: seen only as a parent or owner");
		break;
	default:
		tc_buf_puts(t, nsrel_ref_kind_str(nsrel_ref_kind(r)));
	}
}

/*
 * {"id", "type", "ino", "holder", "parent", "owner", "uid", "container"
 * (the representative process's, as text), "node" (the
 * SVG node that shows it, where not its own: its group's), "pids" (the
 * member processes), "refs" (every other holder, as text)}; what it does
 * not have (a parent, an owner, other holders) is left out, for size.
 */
static void put_ns(struct tc_buf *b, const struct nsrel_ns *ns,
		   const char *node)
{
	struct tc_style st = {.color = false};
	const struct nsrel_proc *leader = nsrel_ns_leader(ns);
	size_t n = nsrel_ns_ref_count(ns);
	struct tc_buf t = {0};
	bool first = true;
	uid_t uid;

	tc_buf_puts(b, "{\"id\":");
	put_id(b, ns);
	tc_buf_puts(b, ",\"type\":");
	put_json(b, nsrel_nstype_str(nsrel_ns_type(ns)));
	tc_buf_printf(b,
		      ",\"ino\":%ju,\"holder\":", (uintmax_t)nsrel_ns_ino(ns));
	if (leader) {
		tc_buf_putc(&t, '"');
		put_proc_text(&t, leader);
		tc_buf_putc(&t, '"');
	} else {
		tc_fmt_holder(&t, &st, ns);
	}
	put_json(b, tc_buf_str(&t));
	if (nsrel_ns_parent(ns)) {
		tc_buf_puts(b, ",\"parent\":");
		put_id(b, nsrel_ns_parent(ns));
	}
	if (nsrel_ns_owner(ns)) {
		tc_buf_puts(b, ",\"owner\":");
		put_id(b, nsrel_ns_owner(ns));
	}
	if (nsrel_ns_owner_uid(ns, &uid) == 0)
		tc_buf_printf(b, ",\"uid\":%ju", (uintmax_t)uid);
	if (leader && nsrel_proc_container(leader)) {
		tc_buf_truncate(&t, 0);
		tc_fmt_container(&t, &st, nsrel_proc_container(leader));
		tc_buf_puts(b, ",\"container\":");
		put_json(b, tc_buf_str(&t));
	}
	if (node) {
		tc_buf_puts(b, ",\"node\":");
		put_json(b, node);
	}
	tc_buf_puts(b, ",\"pids\":[");
	for (size_t i = 0; i < n; i++) {
		const struct nsrel_ref *r = nsrel_ns_ref(ns, i);

		if (nsrel_ref_kind(r) != NSREL_REF_PROC || !nsrel_ref_proc(r))
			continue;
		tc_buf_printf(b, "%s%d", first ? "" : ",",
			      (int)nsrel_proc_pid(nsrel_ref_proc(r)));
		first = false;
	}
	tc_buf_putc(b, ']');
	first = true;
	for (size_t i = 0; i < n; i++) {
		const struct nsrel_ref *r = nsrel_ns_ref(ns, i);

		if (nsrel_ref_kind(r) == NSREL_REF_PROC && nsrel_ref_proc(r))
			continue;
		tc_buf_truncate(&t, 0);
		put_ref_text(&t, r);
		tc_buf_puts(b, first ? ",\"refs\":[" : ",");
		put_json(b, tc_buf_str(&t));
		first = false;
	}
	tc_buf_puts(b, first ? "}" : "]}");
	tc_buf_free(&t);
}

/* The owned namespaces of user namespace u, as graph.c draws them: each
 * in "nodes", and the groups in *groups. */
static void put_owned(struct tc_buf *b, struct tc_buf *groups,
		      const struct nsrel_ns *u, const struct graph_opts *opts)
{
	size_t n = nsrel_ns_owned_count(u);

	for (unsigned t = 0; t < NSREL_NSTYPE_COUNT; t++) {
		int type = nsrel_nstype_at(t);
		char gid[96], id[64];
		size_t k = 0;
		bool grouped;

		if (type == CLONE_NEWUSER || type == CLONE_NEWPID)
			continue;
		for (size_t i = 0; i < n; i++)
			if (nsrel_ns_type(nsrel_ns_owned(u, i)) == type &&
			    graph_shows(opts, nsrel_ns_owned(u, i)))
				k++;
		if (k == 0)
			continue;
		grouped = graph_grouped(opts, k);
		graph_group_id(gid, sizeof(gid), u, type);
		if (grouped) {
			tc_buf_puts(groups, groups->len ? "," : "");
			put_json(groups, gid);
			tc_buf_puts(groups, ":{\"type\":");
			put_json(groups, nsrel_nstype_str(type));
			tc_buf_puts(groups, ",\"owner\":");
			put_id(groups, u);
			tc_buf_puts(groups, ",\"members\":[");
		}
		k = 0;
		for (size_t i = 0; i < n; i++) {
			const struct nsrel_ns *o = nsrel_ns_owned(u, i);

			if (nsrel_ns_type(o) != type || !graph_shows(opts, o))
				continue;
			graph_ns_id(id, sizeof(id), o);
			tc_buf_puts(b, ",\n");
			put_ns(b, o, grouped ? gid : NULL);
			if (grouped) {
				tc_buf_puts(groups, k ? "," : "");
				put_json(groups, id);
			}
			k++;
		}
		if (grouped)
			tc_buf_puts(groups, "]}");
	}
}

/* {"nodes": [...], "groups": {...}, "procs": {"PID": "NAME"}}. */
static void put_data(struct tc_buf *b, const struct nsrel_model *m,
		     const struct graph_opts *opts)
{
	struct tc_buf groups = {0};
	size_t n = nsrel_model_ns_count(m);
	bool first = true;

	tc_buf_puts(b, "{\"nodes\":[\n");
	for (size_t i = 0; i < n; i++) {
		const struct nsrel_ns *ns = nsrel_model_ns(m, i);
		int type = nsrel_ns_type(ns);

		if ((type != CLONE_NEWUSER && type != CLONE_NEWPID) ||
		    !graph_shows(opts, ns))
			continue;
		if (!first)
			tc_buf_puts(b, ",\n");
		first = false;
		put_ns(b, ns, NULL);
		if (type == CLONE_NEWUSER && opts->details)
			put_owned(b, &groups, ns, opts);
	}
	tc_buf_puts(b, "],\n\"groups\":{");
	tc_buf_puts(b, tc_buf_str(&groups));
	tc_buf_puts(b, "},\n\"procs\":{");
	n = nsrel_model_proc_count(m);
	for (size_t i = 0; i < n; i++) {
		const struct nsrel_proc *p = nsrel_model_proc(m, i);

		tc_buf_printf(b, "%s\"%d\":", i ? "," : "",
			      (int)nsrel_proc_pid(p));
		put_json_raw(b, nsrel_proc_name(p));
	}
	tc_buf_puts(b, "},\n\"owners\":");
	tc_buf_puts(b, opts->no_owners ? "false" : "true");
	tc_buf_puts(b, "}");
	tc_buf_free(&groups);
}

/* ---- The page ------------------------------------------------------------ */

char *web_page(const struct nsrel_model *m, const struct graph_opts *opts,
	       const char *svg, size_t svg_len, const char *title,
	       size_t *ret_len)
{
	const char *start = memmem(svg, svg_len, "<svg", 4);
	struct tc_buf b = {0}, t = {0};

	if (!start)
		return NULL;
	tc_buf_escape(&t, title ? title : "graphns");
	tc_buf_puts(&b,
		    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		    "<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width\">\n"
		    /* Nothing from elsewhere, not even by mistake. */
		    "<meta http-equiv=\"Content-Security-Policy\" "
		    "content=\"default-src 'none'; style-src 'unsafe-inline'; "
		    "script-src 'unsafe-inline'; img-src data: blob:\">\n"
		    "<title>");
	put_html(&b, tc_buf_str(&t));
	tc_buf_puts(&b, "</title>\n<style>\n");
	tc_buf_puts(&b, web_css);
	tc_buf_puts(&b, "</style>\n</head>\n<body>\n<header id=\"bar\">"
			"<span id=\"name\">");
	put_html(&b, tc_buf_str(&t));
	tc_buf_puts(&b, "</span>\n"
			"<input id=\"q\" type=\"search\" "
			"placeholder=\"PID, name or inode ( / )\" "
			"autocomplete=\"off\">\n"
			"<span id=\"msg\" role=\"status\"></span>\n"
			"<button id=\"owners\" type=\"button\" "
			"title=\"a\">owner arrows</button>\n"
			"<button id=\"save\" type=\"button\" "
			"title=\"s\">save SVG</button>\n"
			"<button id=\"helpbtn\" type=\"button\" "
			"title=\"h\">help</button>\n</header>\n"
			"<main id=\"view\">\n");
	tc_buf_putn(&b, start, svg_len - (size_t)(start - svg));
	tc_buf_puts(&b, "\n</main>\n<aside id=\"details\" hidden></aside>\n"
			"<aside id=\"help\" hidden>");
	tc_buf_puts(&b, web_help);
	tc_buf_puts(&b, "</aside>\n"
			"<script type=\"application/json\" id=\"data\">");
	put_data(&b, m, opts);
	tc_buf_puts(&b, "</script>\n<script>\n");
	tc_buf_puts(&b, web_js);
	tc_buf_puts(&b, "</script>\n</body>\n</html>\n");
	tc_buf_free(&t);
	*ret_len = b.len;
	return tc_buf_steal(&b);
}
