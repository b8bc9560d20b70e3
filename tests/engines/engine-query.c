/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The engine API step on its own, for the tests: asks the sockets given
 * (or the default ones) and prints one JSON object: the containers, the
 * warning and the time taken.
 *	engine-query [-d DEADLINE_MS] [-m MAX_ANSWER] [-p] [SOCKET...]
 * -p: learn every container's init PID.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine-api.h"

static bool want_all(const char *id, void *data)
{
	return true;
}

static json_object *str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

int main(int argc, char **argv)
{
	struct nsrel__engine_query q = {0};
	int opt;
	while ((opt = getopt(argc, argv, "d:m:p")) != -1) {
		switch (opt) {
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
