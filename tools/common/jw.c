/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A streaming JSON writer: containers are opened and closed as the model is
 * walked, and only leaf values exist as json-c objects, one at a time. An
 * output for 10,000 processes thus costs the model and a few small objects,
 * not a json-c tree of the whole document (which took hundreds of bytes per
 * reference, and a namespace of the host has one per process).
 */
#include <json-c/json.h>

#include "common.h"

void tc_jw_init(struct tc_jw *w, FILE *f, bool pretty)
{
	*w = (struct tc_jw){.f = f, .pretty = pretty, .first = true};
}

static void indent(struct tc_jw *w, unsigned depth)
{
	for (unsigned i = 0; i < depth; i++)
		fputs("  ", w->f);
}

/* Separator and key before a member or array element. */
static void prefix(struct tc_jw *w, const char *key)
{
	if (w->depth > 0) {
		if (!w->first)
			fputc(',', w->f);
		if (w->pretty) {
			fputc('\n', w->f);
			indent(w, w->depth);
		}
	}
	if (key)
		/* Keys are our own constants: nothing to escape. */
		fprintf(w->f, w->pretty ? "\"%s\": " : "\"%s\":", key);
	w->first = false;
}

static void begin(struct tc_jw *w, const char *key, char open)
{
	prefix(w, key);
	fputc(open, w->f);
	w->depth++;
	w->first = true;
}

static void end(struct tc_jw *w, char close)
{
	bool empty = w->first;

	w->depth--;
	if (w->pretty && !empty) {
		fputc('\n', w->f);
		indent(w, w->depth);
	}
	fputc(close, w->f);
	w->first = false;
	if (w->depth == 0)
		fputc('\n', w->f);
}

void tc_jw_begin_object(struct tc_jw *w, const char *key)
{
	begin(w, key, '{');
}

void tc_jw_end_object(struct tc_jw *w)
{
	end(w, '}');
}

void tc_jw_begin_array(struct tc_jw *w, const char *key)
{
	begin(w, key, '[');
}

void tc_jw_end_array(struct tc_jw *w)
{
	end(w, ']');
}

void tc_jw_value(struct tc_jw *w, const char *key, struct json_object *v)
{
	const char *s;

	prefix(w, key);
	s = json_object_to_json_string_ext(v, tc_json_flags(w->pretty));
	if (!s)
		tc_die_oom();
	for (; *s; s++) {
		fputc(*s, w->f);
		if (*s == '\n')
			indent(w, w->depth);
	}
	json_object_put(v);
	if (w->depth == 0)
		fputc('\n', w->f);
}

void tc_jw_members(struct tc_jw *w, struct json_object *obj)
{
	json_object_object_foreach(obj, key, val)
		tc_jw_value(w, key, json_object_get(val));
	json_object_put(obj);
}
