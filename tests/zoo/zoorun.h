/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running the namespace zoo from a C test: start it, read its manifest,
 * stop it. One implementation for every test that needs the zoo.
 */
#ifndef NSREL_TEST_ZOORUN_H
#define NSREL_TEST_ZOORUN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <json-c/json.h>

struct zoo_run {
	pid_t pid;	/* the zoo, -1 when not running */
	int in;		/* its stdin; EOF stops it */
	json_object *m; /* the manifest */
	char dir[128];	/* the manifest's "dir" */
};

#define ZOO_RUN_INIT                \
	{                           \
		.pid = -1, .in = -1 \
	}

/* Start the zoo at path and read its manifest (at most 60 s). 0; 77 when
 * it cannot run here (why says so); -1 on failure (why says what). On
 * anything but 0 nothing is left running. */
int zoo_run_start(struct zoo_run *z, const char *path, char *why,
		  size_t why_size);

/* Wait for the zoo to exit, at most 60 s (then SIGKILL); its exit status,
 * or -1 if it did not exit by itself. */
int zoo_run_wait(struct zoo_run *z);

/* Stop the zoo (stdin EOF and SIGTERM), wait for it, free the manifest.
 * Idempotent. */
void zoo_run_stop(struct zoo_run *z);

/* For a cmocka group setup: start the zoo at path when given one and
 * root, else nothing (its tests skip). 0, or -1 with the reason on
 * stderr. */
int zoo_run_setup(struct zoo_run *z, const char *path);

/* A manifest field: an integer (-1 when absent), a string (NULL). */
int64_t zoo_jint(json_object *o, const char *key);
const char *zoo_jstr(json_object *o, const char *key);

#endif /* NSREL_TEST_ZOORUN_H */
