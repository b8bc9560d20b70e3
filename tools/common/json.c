/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The JSON shape of namespaces, references and processes (json-c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common.h"

struct json_object *tc_json_new(struct json_object *o)
{
	if (!o)
		tc_die_oom();
	return o;
}

static void add(struct json_object *obj, const char *key,
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
	char e[6] = {'\\', 'u', hex[u >> 12 & 0xf], hex[u >> 8 & 0xf],
		     hex[u >> 4 & 0xf], hex[u & 0xf]};

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
			else if (append_u(pb, 0xd800 + ((cp - 0x10000) >> 10)) < 0)
				r = -1;
			else
				r = append_u(pb, 0xdc00 + ((cp - 0x10000) & 0x3ff));
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
	add(obj, key, raw ? tc_json_string(raw) : NULL);
	if (raw && !utf8_valid(raw)) {
		char *k = bytes_key(key);

		add(obj, k, base64(raw));
		free(k);
	}
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

static struct json_object *jint(int64_t v)
{
	return tc_json_new(json_object_new_int64(v));
}

static struct json_object *juint(uint64_t v)
{
	return tc_json_new(json_object_new_uint64(v));
}

static struct json_object *jino(const struct nsrel_ns *ns)
{
	return ns ? juint(nsrel_ns_ino(ns)) : NULL;
}

struct json_object *tc_json_proc_brief(const struct nsrel_proc *p)
{
	struct json_object *o;

	if (!p)
		return NULL;
	o = tc_json_new(json_object_new_object());
	add(o, "pid", jint(nsrel_proc_pid(p)));
	tc_json_add_string(o, "name", nsrel_proc_name(p));
	return o;
}

struct json_object *tc_json_ref(const struct nsrel_ref *r)
{
	struct json_object *o = tc_json_new(json_object_new_object());
	enum nsrel_ref_kind kind = nsrel_ref_kind(r);
	const struct nsrel_proc *p = nsrel_ref_proc(r);
	const char *via = nsrel_ref_kind_str(kind);

	add(o, "via",
	    tc_json_new(json_object_new_string(via ? via : "unknown")));
	if (p) {
		add(o, "pid", jint(nsrel_proc_pid(p)));
		tc_json_add_string(o, "name", nsrel_proc_name(p));
	}
	switch (kind) {
	case NSREL_REF_TASK:
		add(o, "tid", jint(nsrel_ref_tid(r)));
		break;
	case NSREL_REF_FD:
	case NSREL_REF_SOCKET:
		add(o, "fd", jint(nsrel_ref_fd(r)));
		break;
	case NSREL_REF_BINDMOUNT:
		tc_json_add_string(o, "path", nsrel_ref_path(r));
		add(o, "mntns", jino(nsrel_ref_mntns(r)));
		break;
	default:
		break;
	}
	return o;
}

struct json_object *tc_json_ns_head(const struct nsrel_ns *ns)
{
	struct json_object *o = tc_json_new(json_object_new_object());
	struct nsrel_id id = nsrel_ns_id(ns);
	int type = nsrel_ns_type(ns);
	const char *tname = nsrel_nstype_str(type);

	add(o, "type",
	    tc_json_new(json_object_new_string(tname ? tname : "?")));
	add(o, "dev", juint(id.dev));
	add(o, "ino", juint(nsrel_ns_ino(ns)));
	add(o, "nsid", id.nsid ? juint(id.nsid) : NULL);
	if (type == CLONE_NEWUSER || type == CLONE_NEWPID)
		add(o, "parent", jino(nsrel_ns_parent(ns)));
	add(o, "owner", jino(nsrel_ns_owner(ns)));
	if (type == CLONE_NEWUSER) {
		uid_t uid;

		if (nsrel_ns_owner_uid(ns, &uid) == 0) {
			char *name = tc_user_name(uid);

			add(o, "owner_uid", juint(uid));
			tc_json_add_string(o, "user", name);
			free(name);
		} else {
			add(o, "owner_uid", NULL);
			add(o, "user", NULL);
		}
	}
	return o;
}

struct json_object *tc_json_ns(const struct nsrel_ns *ns)
{
	struct json_object *o = tc_json_ns_head(ns);
	struct json_object *refs = tc_json_new(json_object_new_array());

	for (size_t i = 0; i < nsrel_ns_ref_count(ns); i++)
		if (json_object_array_add(refs,
					  tc_json_ref(nsrel_ns_ref(ns, i))))
			tc_die_oom();
	add(o, "refs", refs);
	return o;
}

void tc_jw_ns(struct tc_jw *w, const struct nsrel_ns *ns)
{
	tc_jw_members(w, tc_json_ns_head(ns));
	tc_jw_begin_array(w, "refs");
	for (size_t i = 0; i < nsrel_ns_ref_count(ns); i++)
		tc_jw_value(w, NULL, tc_json_ref(nsrel_ns_ref(ns, i)));
	tc_jw_end_array(w);
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
