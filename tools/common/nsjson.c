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
	if (nsrel_proc_container(p))
		tc_json_add(o, "container",
			    tc_json_container(nsrel_proc_container(p), false));
	return o;
}

struct json_object *tc_json_container(const struct nsrel_container *c,
				      bool full)
{
	struct json_object *o, *pod = NULL;
	const char *engine = nsrel_engine_str(nsrel_container_engine(c));

	if (!c)
		return NULL;
	o = tc_json_new(json_object_new_object());
	tc_json_add(o, "engine",
		    tc_json_new(json_object_new_string(engine ? engine : "?")));
	tc_json_add_string(o, "id", nsrel_container_id(c));
	tc_json_add_string(o, "short_id", nsrel_container_short_id(c));
	tc_json_add_string(o, "name", nsrel_container_name(c));
	if (nsrel_container_pod_name(c) || nsrel_container_pod_uid(c)) {
		pod = tc_json_new(json_object_new_object());
		tc_json_add_string(pod, "name", nsrel_container_pod_name(c));
		tc_json_add_string(pod, "namespace",
				   nsrel_container_pod_namespace(c));
		tc_json_add_string(pod, "uid", nsrel_container_pod_uid(c));
	}
	tc_json_add(o, "pod", pod);
	tc_json_add_string(o, "project", nsrel_container_project(c));
	if (!full)
		return o;
	tc_json_add(o, "init",
		    nsrel_container_init(c)
			    ? jint(nsrel_proc_pid(nsrel_container_init(c)))
			    : NULL);
	struct json_object *nss = tc_json_new(json_object_new_object());
	for (size_t i = 0; i < nsrel_container_ns_count(c); i++) {
		const struct nsrel_ns *ns = nsrel_container_ns(c, i);
		const char *t = nsrel_nstype_str(nsrel_ns_type(ns));
		struct json_object *a;

		/* by type: an array, for a container whose processes are in
		 * more than one namespace of a type */
		if (!json_object_object_get_ex(nss, t, &a)) {
			a = tc_json_new(json_object_new_array());
			tc_json_add(nss, t, a);
		}
		if (json_object_array_add(a, jino(ns)))
			tc_die_oom();
	}
	tc_json_add(o, "namespaces", nss);
	struct json_object *procs = tc_json_new(json_object_new_array());
	for (size_t i = 0; i < nsrel_container_proc_count(c); i++)
		if (json_object_array_add(
			    procs,
			    jint(nsrel_proc_pid(nsrel_container_proc(c, i)))))
			tc_die_oom();
	tc_json_add(o, "processes", procs);
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

/* [[inside, outside, count], ...], or NULL where the map is not known. */
static struct json_object *jidmap(const struct nsrel_ns *ns,
				  int (*get)(const struct nsrel_ns *,
					     const struct nsrel_idmap **,
					     size_t *))
{
	const struct nsrel_idmap *map;
	struct json_object *a;
	size_t n;

	if (get(ns, &map, &n) < 0)
		return NULL;
	a = tc_json_new(json_object_new_array());
	for (size_t i = 0; i < n; i++) {
		struct json_object *t = tc_json_new(json_object_new_array());

		if (json_object_array_add(t, juint(map[i].inside)) ||
		    json_object_array_add(t, juint(map[i].outside)) ||
		    json_object_array_add(t, juint(map[i].count)) ||
		    json_object_array_add(a, t))
			tc_die_oom();
	}
	return a;
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
	if (type == CLONE_NEWUSER) {
		tc_json_add(o, "uid_map", jidmap(ns, nsrel_ns_uid_map));
		tc_json_add(o, "gid_map", jidmap(ns, nsrel_ns_gid_map));
	}
	if (type == CLONE_NEWNET) {
		int netnsid;

		tc_json_add(o, "netnsid",
			    nsrel_ns_netnsid(ns, &netnsid) == 0 ? jint(netnsid)
								: NULL);
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

void tc_jw_task_in(struct tc_jw *w, const struct nsrel_proc *task,
		   const struct nsrel_ns *ns)
{
	if (task)
		tc_jw_value(
			w, "task_in",
			tc_json_new(json_object_new_boolean(
				nsrel_proc_ns(task, nsrel_ns_type(ns)) == ns)));
}
