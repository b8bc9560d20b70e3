/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The JSON shape of namespaces, references and processes. */
#include <stdint.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "err.h"
#include "json.h"
#include "nsjson.h"
#include "passwd.h"

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
	tc_json_add(o, "pid", jint(nsrel_proc_pid(p)));
	tc_json_add_string(o, "name", nsrel_proc_name(p));
	return o;
}

struct json_object *tc_json_ref(const struct nsrel_ref *r)
{
	struct json_object *o = tc_json_new(json_object_new_object());
	enum nsrel_ref_kind kind = nsrel_ref_kind(r);
	const struct nsrel_proc *p = nsrel_ref_proc(r);
	const char *via = nsrel_ref_kind_str(kind);

	tc_json_add(o, "via",
		    tc_json_new(json_object_new_string(via ? via : "unknown")));
	if (p) {
		tc_json_add(o, "pid", jint(nsrel_proc_pid(p)));
		tc_json_add_string(o, "name", nsrel_proc_name(p));
	}
	switch (kind) {
	case NSREL_REF_TASK:
		tc_json_add(o, "tid", jint(nsrel_ref_tid(r)));
		break;
	case NSREL_REF_FD:
	case NSREL_REF_SOCKET:
		tc_json_add(o, "fd", jint(nsrel_ref_fd(r)));
		break;
	case NSREL_REF_BINDMOUNT:
		tc_json_add_string(o, "path", nsrel_ref_path(r));
		tc_json_add(o, "mntns", jino(nsrel_ref_mntns(r)));
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

	tc_json_add(o, "type",
		    tc_json_new(json_object_new_string(tname ? tname : "?")));
	tc_json_add(o, "dev", juint(id.dev));
	tc_json_add(o, "ino", juint(nsrel_ns_ino(ns)));
	tc_json_add(o, "nsid", id.nsid ? juint(id.nsid) : NULL);
	if (type == CLONE_NEWUSER || type == CLONE_NEWPID)
		tc_json_add(o, "parent", jino(nsrel_ns_parent(ns)));
	tc_json_add(o, "owner", jino(nsrel_ns_owner(ns)));
	if (type == CLONE_NEWUSER) {
		uid_t uid;

		if (nsrel_ns_owner_uid(ns, &uid) == 0) {
			char *name = tc_user_name(uid);

			tc_json_add(o, "owner_uid", juint(uid));
			tc_json_add_string(o, "user", name);
			free(name);
		} else {
			tc_json_add(o, "owner_uid", NULL);
			tc_json_add(o, "user", NULL);
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
	tc_json_add(o, "refs", refs);
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
