/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Layer 3 of tools/common: JSON output with json-c. Strings from raw
 * bytes, escaped as the text escaper would have them, and a streaming
 * writer. Uses escape.h, buf.h and err.h.
 */
#ifndef NSREL_TOOLS_JSON_H
#define NSREL_TOOLS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct json_object;

/* o, or die of the allocation failure that made it NULL. */
struct json_object *tc_json_new(struct json_object *o);
/* Adds key: val (NULL is JSON null) to obj, or dies; takes val. */
void tc_json_add(struct json_object *obj, const char *key,
		 struct json_object *val);

/*
 * A JSON string from raw bytes; invalid UTF-8 becomes U+FFFD, since JSON
 * must be UTF-8. Written with DEL and every code point tc_cp_unsafe()
 * rejects as \uXXXX (a surrogate pair past U+FFFF), which json-c itself
 * would leave raw: the value is the same, and no byte a terminal acts on
 * is written raw.
 */
struct json_object *tc_json_string(const char *raw);
/* Adds key: tc_json_string(raw) (null for NULL) to obj and, only where raw
 * is not valid UTF-8, KEY_bytes: the exact bytes in base64 (RFC 4648). */
void tc_json_add_string(struct json_object *obj, const char *key,
			const char *raw);
/* json-c flags: pretty (two-space indent) or compact. */
int tc_json_flags(bool pretty);
/* Prints obj and a newline; takes obj. */
void tc_json_print(FILE *f, struct json_object *obj, bool pretty);

/*
 * A streaming writer, so that memory does not grow with the document:
 * begin/end containers as you walk, leaves as json-c objects. key is NULL
 * for array elements and the top level, else one of our own constants.
 * Output matches json-c's pretty (two spaces) or compact form; a newline
 * follows the top-level value.
 */
struct tc_jw {
	FILE *f;
	bool pretty;
	bool first; /* nothing written yet in the open container */
	unsigned depth;
};

void tc_jw_init(struct tc_jw *w, FILE *f, bool pretty);
void tc_jw_begin_object(struct tc_jw *w, const char *key);
void tc_jw_end_object(struct tc_jw *w);
void tc_jw_begin_array(struct tc_jw *w, const char *key);
void tc_jw_end_array(struct tc_jw *w);
/* Writes v (NULL is null) and drops the reference. */
void tc_jw_value(struct tc_jw *w, const char *key, struct json_object *v);
/* Writes every member of obj into the open object; drops obj. */
void tc_jw_members(struct tc_jw *w, struct json_object *obj);
/* key: tc_json_string(raw) and, where raw is not valid UTF-8, KEY_bytes,
 * as tc_json_add_string() does. */
void tc_jw_string(struct tc_jw *w, const char *key, const char *raw);
/* key: an array of the n strings get(ctx, i); and, where one of them is
 * not valid UTF-8, KEY_bytes: an array of all n in base64. */
void tc_jw_strings(struct tc_jw *w, const char *key, size_t n,
		   const char *(*get)(const void *ctx, size_t i),
		   const void *ctx);

#endif /* NSREL_TOOLS_JSON_H */
