/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * JSON output with json-c: strings from raw bytes, and a streaming writer.
 *
 * The writer opens and closes containers as the model is walked; only leaf
 * values exist as json-c objects, one at a time. An output for 10,000
 * processes thus costs the model and a few small objects, not a json-c
 * tree of the whole document (hundreds of bytes per reference, and a
 * namespace of the host has one per process).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "err.h"
#include "escape.h"
#include "json.h"

struct json_object *tc_json_new(struct json_object *o)
{
	if (!o)
		tc_die_oom();
	return o;
}

void tc_json_add(struct json_object *obj, const char *key,
		 struct json_object *val)
{
	/* A NULL value is JSON null, which is what we mean by it. */
	if (json_object_object_add(obj, key, val) < 0)
		tc_die_oom();
}

static bool utf8_valid(const char *s)
{
	while (*s) {
		size_t n = (unsigned char)*s < 0x80 ? 1 : tc_utf8_len(s);

		if (!n)
			return false;
		s += n;
	}
	return true;
}

static int append(struct printbuf *pb, const char *s, size_t n)
{
	return printbuf_memappend(pb, s, (int)n) < 0 ? -1 : 0;
}

/* \uXXXX of a UTF-16 code unit. */
static int append_u(struct printbuf *pb, unsigned u)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = {'\\',
		     'u',
		     hex[u >> 12 & 0xf],
		     hex[u >> 8 & 0xf],
		     hex[u >> 4 & 0xf],
		     hex[u & 0xf]};

	return append(pb, e, sizeof(e));
}

/*
 * json-c escapes only what the JSON grammar demands (C0, '"', '\'): a
 * string of ours also has DEL and every code point tc_cp_unsafe() rejects
 * (C1, bidi controls, separators, invisible characters) as \uXXXX, as a
 * UTF-16 surrogate pair past U+FFFF. The value is the same; no byte that
 * a terminal acts on is left raw. The string is valid UTF-8 already.
 */
static int serialize_string(struct json_object *o, struct printbuf *pb,
			    int level, int flags)
{
	const char *s = json_object_get_string(o);
	const char *end = s + json_object_get_string_len(o);

	(void)level;
	(void)flags;
	if (append(pb, "\"", 1) < 0)
		return -1;
	while (s < end) {
		const char *run = s;
		unsigned char c;
		uint32_t cp;
		size_t n;
		int r = 0;

		while (s < end && (unsigned char)*s >= 0x20 &&
		       (unsigned char)*s < 0x7f && *s != '"' && *s != '\\')
			s++;
		if (s > run && append(pb, run, (size_t)(s - run)) < 0)
			return -1;
		if (s >= end)
			break;
		c = (unsigned char)*s;
		switch (c) {
		case '"':
			r = append(pb, "\\\"", 2);
			break;
		case '\\':
			r = append(pb, "\\\\", 2);
			break;
		case '\n':
			r = append(pb, "\\n", 2);
			break;
		case '\t':
			r = append(pb, "\\t", 2);
			break;
		case '\r':
			r = append(pb, "\\r", 2);
			break;
		case '\b':
			r = append(pb, "\\b", 2);
			break;
		case '\f':
			r = append(pb, "\\f", 2);
			break;
		default:
			if (c < 0x80) { /* C0 and DEL */
				r = append_u(pb, c);
				break;
			}
			/* tc_json_string() made it valid UTF-8. */
			n = tc_utf8_decode(s, &cp);
			if (n == 0)
				return -1;
			if (!tc_cp_unsafe(cp))
				r = append(pb, s, n);
			else if (cp <= 0xffff)
				r = append_u(pb, cp);
			else if (append_u(pb, 0xd800 + ((cp - 0x10000) >> 10)) <
				 0)
				r = -1;
			else
				r = append_u(pb,
					     0xdc00 + ((cp - 0x10000) & 0x3ff));
			s += n - 1;
			break;
		}
		if (r < 0)
			return -1;
		s++;
	}
	return append(pb, "\"", 1);
}

struct json_object *tc_json_string(const char *raw)
{
	const char *p = raw ? raw : "";
	struct tc_buf b = {0};
	struct json_object *o;
	bool plain = true;

	for (const char *q = p; *q && plain; q++)
		plain = (unsigned char)*q < 0x7f;
	if (plain)
		return tc_json_new(json_object_new_string(p));
	while (*p) {
		size_t n = (unsigned char)*p < 0x80 ? 1 : tc_utf8_len(p);

		if (n) {
			tc_buf_putn(&b, p, n);
			p += n;
		} else {
			tc_buf_puts(&b, "\xef\xbf\xbd");
			p++;
		}
	}
	o = tc_json_new(json_object_new_string_len(tc_buf_str(&b), (int)b.len));
	tc_buf_free(&b);
	json_object_set_serializer(o, serialize_string, NULL, NULL);
	return o;
}

/* RFC 4648 base64, padded. */
static struct json_object *base64(const char *raw)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)raw;
	size_t len = strlen(raw);
	struct tc_buf b = {0};
	struct json_object *o;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		char q[4];

		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		q[0] = alphabet[v >> 18 & 0x3f];
		q[1] = alphabet[v >> 12 & 0x3f];
		q[2] = i + 1 < len ? alphabet[v >> 6 & 0x3f] : '=';
		q[3] = i + 2 < len ? alphabet[v & 0x3f] : '=';
		tc_buf_putn(&b, q, 4);
	}
	o = tc_json_new(json_object_new_string(tc_buf_str(&b)));
	tc_buf_free(&b);
	return o;
}

static char *bytes_key(const char *key)
{
	struct tc_buf b = {0};

	tc_buf_printf(&b, "%s_bytes", key);
	return tc_buf_steal(&b);
}

void tc_json_add_string(struct json_object *obj, const char *key,
			const char *raw)
{
	tc_json_add(obj, key, raw ? tc_json_string(raw) : NULL);
	if (raw && !utf8_valid(raw)) {
		char *k = bytes_key(key);

		tc_json_add(obj, k, base64(raw));
		free(k);
	}
}

int tc_json_flags(bool pretty)
{
	return JSON_C_TO_STRING_NOSLASHESCAPE |
	       (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
		       : JSON_C_TO_STRING_PLAIN);
}

void tc_json_print(FILE *f, struct json_object *obj, bool pretty)
{
	size_t len;
	const char *s = json_object_to_json_string_length(
		obj, tc_json_flags(pretty), &len);

	if (!s)
		tc_die_oom();
	fwrite(s, 1, len, f);
	fputc('\n', f);
	json_object_put(obj);
}

/* ---- The streaming writer ------------------------------------------- */

void tc_jw_init(struct tc_jw *w, FILE *f, bool pretty)
{
	*w = (struct tc_jw){.f = f, .pretty = pretty, .first = true};
}

static void indent(struct tc_jw *w, unsigned depth)
{
	static const char spaces[] = "                                ";
	size_t n = 2 * (size_t)depth;

	for (; n > sizeof(spaces) - 1; n -= sizeof(spaces) - 1)
		fwrite(spaces, 1, sizeof(spaces) - 1, w->f);
	fwrite(spaces, 1, n, w->f);
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
	if (key) {
		/* Keys are our own constants: nothing to escape. */
		fputc('"', w->f);
		fputs(key, w->f);
		fputs(w->pretty ? "\": " : "\":", w->f);
	}
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
	/* Each line of a pretty value indented to where it stands. */
	for (const char *nl; (nl = strchr(s, '\n')); s = nl + 1) {
		fwrite(s, 1, (size_t)(nl + 1 - s), w->f);
		indent(w, w->depth);
	}
	fputs(s, w->f);
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

void tc_jw_string(struct tc_jw *w, const char *key, const char *raw)
{
	tc_jw_value(w, key, raw ? tc_json_string(raw) : NULL);
	if (raw && !utf8_valid(raw)) {
		char *k = bytes_key(key);

		tc_jw_value(w, k, base64(raw));
		free(k);
	}
}

void tc_jw_strings(struct tc_jw *w, const char *key, size_t n,
		   const char *(*get)(const void *, size_t), const void *ctx)
{
	bool valid = true;
	char *k;

	tc_jw_begin_array(w, key);
	for (size_t i = 0; i < n; i++) {
		const char *s = get(ctx, i);

		tc_jw_value(w, NULL, tc_json_string(s));
		valid = valid && (!s || utf8_valid(s));
	}
	tc_jw_end_array(w);
	if (valid)
		return;
	k = bytes_key(key);
	tc_jw_begin_array(w, k);
	for (size_t i = 0; i < n; i++)
		tc_jw_value(w, NULL, base64(get(ctx, i) ? get(ctx, i) : ""));
	tc_jw_end_array(w);
	free(k);
}
