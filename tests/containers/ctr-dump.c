/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The library's view of containers, for the tests: scans (every option at
 * its default; -E: engine APIs off, -C: containers off) and prints one JSON
 * object with every container (engine, id, short id, name, pod, project,
 * init pid, processes, namespaces) and, for every namespace, its leader's
 * pid and the container of that leader. Uses the public API only.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "nsrel.h"

static json_object *str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *ns_name(const struct nsrel_ns *ns)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s:%lu",
		 nsrel_nstype_str(nsrel_ns_type(ns)),
		 (unsigned long)nsrel_ns_ino(ns));
	return json_object_new_string(buf);
}

int main(int argc, char **argv)
{
	struct nsrel_scan_opts o = {.sz = sizeof(o)};
	int c;
	while ((c = getopt(argc, argv, "EC")) != -1) {
		if (c == 'E')
			o.engine_api = NSREL_SWITCH_OFF;
		else if (c == 'C')
			o.containers = NSREL_SWITCH_OFF;
		else
			return 2;
	}
	struct nsrel_model *m;
	int r = nsrel_scan(&o, &m);
	if (r < 0) {
		fprintf(stderr, "ctr-dump: scan: %s\n", strerror(-r));
		return 1;
	}
	json_object *out = json_object_new_object();
	json_object *ctrs = json_object_new_array();
	for (size_t i = 0; i < nsrel_model_container_count(m); i++) {
		const struct nsrel_container *ct = nsrel_model_container(m, i);
		json_object *j = json_object_new_object();
		json_object_object_add(
			j, "engine",
			str(nsrel_engine_str(nsrel_container_engine(ct))));
		json_object_object_add(j, "id", str(nsrel_container_id(ct)));
		json_object_object_add(j, "short_id",
				       str(nsrel_container_short_id(ct)));
		json_object_object_add(j, "name",
				       str(nsrel_container_name(ct)));
		json_object_object_add(j, "pod_name",
				       str(nsrel_container_pod_name(ct)));
		json_object_object_add(j, "pod_namespace",
				       str(nsrel_container_pod_namespace(ct)));
		json_object_object_add(j, "pod_uid",
				       str(nsrel_container_pod_uid(ct)));
		json_object_object_add(j, "project",
				       str(nsrel_container_project(ct)));
		json_object_object_add(j, "init",
				       json_object_new_int(nsrel_proc_pid(
					       nsrel_container_init(ct))));
		json_object *procs = json_object_new_array();
		for (size_t k = 0; k < nsrel_container_proc_count(ct); k++) {
			const struct nsrel_proc *p =
				nsrel_container_proc(ct, k);
			json_object_array_add(
				procs, json_object_new_int(nsrel_proc_pid(p)));
			if (nsrel_proc_container(p) != ct) {
				fprintf(stderr,
					"ctr-dump: %d not in its "
					"container\n",
					nsrel_proc_pid(p));
				return 1;
			}
		}
		json_object_object_add(j, "processes", procs);
		json_object *nss = json_object_new_array();
		for (size_t k = 0; k < nsrel_container_ns_count(ct); k++)
			json_object_array_add(
				nss, ns_name(nsrel_container_ns(ct, k)));
		json_object_object_add(j, "namespaces", nss);
		if (nsrel_model_find_container(m, nsrel_container_id(ct)) !=
		    ct) {
			fprintf(stderr, "ctr-dump: find_container\n");
			return 1;
		}
		json_object_array_add(ctrs, j);
	}
	json_object_object_add(out, "containers", ctrs);
	json_object *leaders = json_object_new_object();
	for (size_t i = 0; i < nsrel_model_ns_count(m); i++) {
		const struct nsrel_ns *ns = nsrel_model_ns(m, i);
		const struct nsrel_proc *l = nsrel_ns_leader(ns);
		if (!l)
			continue;
		json_object *j = json_object_new_object();
		json_object_object_add(j, "pid",
				       json_object_new_int(nsrel_proc_pid(l)));
		json_object_object_add(j, "name", str(nsrel_proc_name(l)));
		json_object_object_add(
			j, "container",
			str(nsrel_container_id(nsrel_proc_container(l))));
		json_object *key = ns_name(ns);
		json_object_object_add(leaders, json_object_get_string(key), j);
		json_object_put(key);
	}
	json_object_object_add(out, "leaders", leaders);
	puts(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN));
	json_object_put(out);
	nsrel_model_free(m);
	return 0;
}
