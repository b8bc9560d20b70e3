/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The engine API step on its own, for the tests: asks the sockets given
 * (or the default ones) and prints one JSON object: the containers, the
 * warning and the time taken.
 *	engine-query [-d DEADLINE_MS] [-m MAX_ANSWER] [-p] [SOCKET...]
 * -p: learn every container's init PID.
 *	engine-query -s [SOCKET]
 * -s: a whole nsrel_scan() instead, engine APIs on (SOCKET, or the
 * default ones): its containers (engine, id, name, project, init pid,
 * pids, namespaces as "type:[inode]"), the engine warning, the time.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine-api.h"
#include "nsrel.h"

static bool want_all(const char *id, void *data)
{
	return true;
}

static json_object *str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int scan(const char *sock)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct nsrel_model *m;
	int r = nsrel_scan(NSREL_SCAN_OPTS(.engine_api = NSREL_SWITCH_ON,
					   .engine_socket = sock),
			   &m);
	double ms = ms_since(&t0);
	if (r < 0) {
		fprintf(stderr, "nsrel_scan: %s\n", strerror(-r));
		return 1;
	}
	json_object *o = json_object_new_object(),
		    *cs = json_object_new_array();
	json_object_object_add(o, "warning",
			       str(nsrel_model_engine_warning(m)));
	json_object_object_add(o, "ms", json_object_new_double(ms));
	for (size_t i = 0; i < nsrel_model_container_count(m); i++) {
		const struct nsrel_container *c = nsrel_model_container(m, i);
		const struct nsrel_proc *init = nsrel_container_init(c);
		json_object *e = json_object_new_object();
		json_object *pids = json_object_new_array();
		json_object *nss = json_object_new_array();
		json_object_object_add(
			e, "engine",
			str(nsrel_engine_str(nsrel_container_engine(c))));
		json_object_object_add(e, "id", str(nsrel_container_id(c)));
		json_object_object_add(e, "name", str(nsrel_container_name(c)));
		json_object_object_add(e, "project",
				       str(nsrel_container_project(c)));
		json_object_object_add(
			e, "init",
			json_object_new_int(init ? nsrel_proc_pid(init) : 0));
		for (size_t j = 0; j < nsrel_container_proc_count(c); j++)
			json_object_array_add(
				pids, json_object_new_int(nsrel_proc_pid(
					      nsrel_container_proc(c, j))));
		for (size_t j = 0; j < nsrel_container_ns_count(c); j++) {
			const struct nsrel_ns *ns = nsrel_container_ns(c, j);
			char buf[64];
			snprintf(buf, sizeof(buf), "%s:[%ju]",
				 nsrel_nstype_str(nsrel_ns_type(ns)),
				 (uintmax_t)nsrel_ns_ino(ns));
			json_object_array_add(nss, json_object_new_string(buf));
		}
		json_object_object_add(e, "pids", pids);
		json_object_object_add(e, "namespaces", nss);
		json_object_array_add(cs, e);
	}
	json_object_object_add(o, "containers", cs);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	nsrel_model_free(m);
	return 0;
}

int main(int argc, char **argv)
{
	struct nsrel__engine_query q = {0};
	int opt;
	bool whole = false;
	while ((opt = getopt(argc, argv, "d:m:ps")) != -1) {
		switch (opt) {
		case 's':
			whole = true;
			break;
		case 'd':
			q.deadline_ms = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'm':
			q.max_answer = strtoul(optarg, NULL, 10);
			break;
		case 'p':
			q.want_pid = want_all;
			break;
		default:
			return 2;
		}
	}
	if (whole)
		return scan(optind < argc ? argv[optind] : NULL);
	if (optind < argc) {
		q.paths = (const char *const *)argv + optind;
		q.n_paths = (size_t)(argc - optind);
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct nsrel__engine_answer a;
	int r = nsrel__engine_api(&q, &a);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	json_object *o = json_object_new_object(),
		    *cs = json_object_new_array();
	json_object_object_add(o, "error", json_object_new_int(r));
	json_object_object_add(o, "warning", str(a.warning));
	json_object_object_add(
		o, "ms",
		json_object_new_double((double)(t1.tv_sec - t0.tv_sec) * 1e3 +
				       (double)(t1.tv_nsec - t0.tv_nsec) /
					       1e6));
	for (size_t i = 0; i < a.n; i++) {
		const struct nsrel__engine_ctr *c = &a.ctrs[i];
		json_object *e = json_object_new_object();
		json_object_object_add(e, "engine", str(c->engine));
		json_object_object_add(e, "id", str(c->id));
		json_object_object_add(e, "name", str(c->name));
		json_object_object_add(e, "project", str(c->project));
		json_object_object_add(e, "service", str(c->service));
		json_object_object_add(e, "pid", json_object_new_int(c->pid));
		json_object_array_add(cs, e);
	}
	json_object_object_add(o, "containers", cs);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	nsrel__engine_answer_done(&a);
	return r < 0 && r != -95 ? 1 : 0;
}
