/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Containers: which container each process is in (nsrel.h, "Containers").
 *
 *   container-patterns.c  step 1, pure: the cgroup path patterns, one
 *                         table; a /proc/PID/cgroup text in, engine, id,
 *                         name and pod UID out (fuzzed, no I/O)
 *   containers.c          the scan's side: reading /proc/PID/cgroup, the
 *                         cache by cgroup, step 2 (conmon, OCI bundles,
 *                         container=), the finished containers
 *   container-access.c    the public accessors
 *
 * The engine step (step 3), for the file that implements it (engine-api.c;
 * until it does, lib/engine-none.c stands in: remove that file from
 * lib/meson.build when defining the function):
 *
 *	int nsrel__containers_apply_engine(struct nsrel__containers *ct);
 *
 * is called once per scan, after steps 1 and 2, and only if the scan's
 * engine_api option allows it (nsrel__containers_engine_asked() says
 * whether the caller asked for it explicitly, ON, or it is AUTO for a
 * privileged caller). It asks the engines it can reach and fills what it
 * learns by container id through nsrel__containers_fill(), which copies
 * the strings (the caller's buffers may be freed at once) and never
 * overwrites what an earlier step found unless told to. The containers the
 * earlier steps found are nsrel__containers_count() and, for i below that,
 * nsrel__containers_engine(ct, i) and nsrel__containers_id(ct, i) (full
 * ids; a Docker API answer's "Id" compares equal to them). A container the
 * cgroup step did not find (its pid is in the engine's answer, say) is
 * added with nsrel__containers_add_pid(). Errors: the step returns 0
 * whenever the engine merely could not answer (no socket, a timeout, a
 * bad answer: it is not the scan's failure), -ENOMEM and the like end the
 * scan.
 */
#ifndef NSREL_CONTAINERS_H
#define NSREL_CONTAINERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nsrel.h"

struct scan;
struct nsrel__containers;

/* What an engine, a file or an annotation says of a container; NULL
 * members say nothing. */
struct nsrel__container_info {
	const char *name;
	const char *pod_name, *pod_namespace, *pod_uid;
	const char *project; /* compose project, podman pod */
};

/* ---- For the engine step (step 3) ------------------------------------ */

size_t nsrel__containers_count(const struct nsrel__containers *ct);
enum nsrel_engine nsrel__containers_engine(const struct nsrel__containers *ct,
					   size_t i);
const char *nsrel__containers_id(const struct nsrel__containers *ct, size_t i);
/* ON: the caller asked for the engines' APIs; false: AUTO. */
bool nsrel__containers_engine_asked(const struct nsrel__containers *ct);
/* Fills the members info has into the container with this full id: only
 * those still unknown, or all of them if overwrite. 1 if there is such a
 * container, 0 if not, -ENOMEM. */
int nsrel__containers_fill(struct nsrel__containers *ct, const char *id,
			   const struct nsrel__container_info *info,
			   bool overwrite);
/* The process with this pid (as the scanned /proc numbers it) is in the
 * container (engine, id); the container is added if new. 1 if the process
 * was seen by the scan, 0 if not, -ENOMEM. A process the cgroup step
 * attributed already keeps that container. */
int nsrel__containers_add_pid(struct nsrel__containers *ct, pid_t pid,
			      enum nsrel_engine engine, const char *id);

/* The scan it belongs to: its options, its model. */
struct scan *nsrel__containers_scan(struct nsrel__containers *ct);

/* Step 3; implemented by engine-api.c. */
int nsrel__containers_apply_engine(struct nsrel__containers *ct);

/* ---- Step 1, pure (container-patterns.c) ------------------------------ */

struct nsrel__cgroup_match {
	enum nsrel_engine engine; /* NSREL_ENGINE_NONE: no container */
	char id[128];
	char name[256];	  /* lxc, machined, flatpak: from the path */
	char pod_uid[64]; /* kubepods: the pod's UID */
	char group[128];  /* podman: the pod's id */
};
/* Reads the text of a /proc/PID/cgroup (any mix of v1 and v2 lines) and
 * matches every path against the pattern table; the innermost match wins
 * (a container in a container is the inner one's). 1 if a container was
 * recognised, else 0. */
int nsrel__cgroup_match(const char *text, size_t len,
			struct nsrel__cgroup_match *ret);
/* 64 lower-case hexadecimal digits: an OCI engine's container id. */
bool nsrel__is_container_id(const char *s, size_t n);

/* ---- The scan's side (containers.c) ---------------------------------- */

/* Sets up s->ct for a scan with the options read (containers on). */
int nsrel__containers_new(struct scan *s, enum nsrel_switch engine_api);
void nsrel__containers_free(struct nsrel__containers *ct);
/* Step 1 for the process proc just added (kthread: a kernel thread):
 * reads dirfd/path, its /proc/PID/cgroup (dirfd -1: not readable), unless
 * its mount namespace, index mntns (NONE if not read), is the host's: PID
 * 1's (or, where PID 1 is not ours to read, kthreadd's) while that is in
 * no container. 0 or a negative errno that ends the scan. */
int nsrel__containers_proc(struct scan *s, int dirfd, const char *path,
			   uint32_t proc, uint32_t mntns, bool kthread);
/* After nsrel__model_finish(): the containers of the model, their
 * processes and namespaces, steps 2 and 3. */
int nsrel__containers_finish(struct scan *s);

/* A runtime's helper process that starts a container's or sandbox's
 * payload (bwrap, catatonit, conmon, ...), by its name. */
bool nsrel__container_is_helper(const char *name);

#endif /* NSREL_CONTAINERS_H */
