/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The JSON shape of namespaces, references and processes (json-c). */
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

struct json_object *tc_json_string(const char *raw)
{
	const char *p = raw ? raw : "";
	struct tc_buf b = {0};
	struct json_object *o;

	for (const char *q = p; *q; q++) {
		if ((unsigned char)*q >= 0x80)
			goto slow;
	}
	return tc_json_new(json_object_new_string(p));
slow:
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
	return o;
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
	add(o, "name", tc_json_string(nsrel_proc_name(p)));
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
		add(o, "name", tc_json_string(nsrel_proc_name(p)));
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
		add(o, "path", tc_json_string(nsrel_ref_path(r)));
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
			add(o, "user", name ? tc_json_string(name) : NULL);
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
