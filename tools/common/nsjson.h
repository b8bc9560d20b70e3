/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Layer 4 of tools/common: the JSON shape of namespaces, references and
 * processes, the same in every tool. Uses json.h, passwd.h and err.h.
 */
#ifndef NSREL_TOOLS_NSJSON_H
#define NSREL_TOOLS_NSJSON_H

#include <stdbool.h>

#include "json.h"
#include "nsrel.h"

/* {"via": "proc"|"task"|..., "pid", "name", "tid", "fd", "path", "mntns"}:
 * the fields the reference kind has. */
struct json_object *tc_json_ref(const struct nsrel_ref *r);
/* The fields of a namespace that every tool shows the same way:
 * type, dev, ino, nsid, parent (user and pid), owner, owner_uid and user
 * (the owner's name; user namespaces only) -- everything but "refs". */
struct json_object *tc_json_ns_head(const struct nsrel_ns *ns);
/* The same with "refs", as one object (fine for a few namespaces; for a
 * whole host, stream with tc_jw_ns()). */
struct json_object *tc_json_ns(const struct nsrel_ns *ns);
/* {"pid": N, "name": "..."} or JSON null; "container" (brief) too for a
 * process in a container. */
struct json_object *tc_json_proc_brief(const struct nsrel_proc *p);
/* {"engine", "id", "short_id", "name" (null if not known), "pod" (null,
 * or {"name", "namespace", "uid"}), "project"}; full: also "init" (a pid),
 * "namespaces" (type: [inode, ...]) and "processes" (pids). */
struct json_object *tc_json_container(const struct nsrel_container *c,
				      bool full);
/* The fields of tc_json_ns_head(), then "refs" one by one. Call inside an
 * open object. */
void tc_jw_ns(struct tc_jw *w, const struct nsrel_ns *ns);

/* With task (-p/--task; NULL: nothing): "task_in": whether it is in ns. */
void tc_jw_task_in(struct tc_jw *w, const struct nsrel_proc *task,
		   const struct nsrel_ns *ns);

#endif /* NSREL_TOOLS_NSJSON_H */
