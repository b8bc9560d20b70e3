/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Engine APIs: the Docker Engine API (and podman's compatible service),
 * asked over its unix socket for the running containers: full id, name,
 * compose project and service, and, for the containers the caller asks
 * about, the init PID. Internal to the library.
 *
 * Everything an engine answers is hostile: ids are checked to be 64
 * lower-case hex digits, strings are capped and must hold no NUL, the
 * answer is capped in size, and the whole exchange, over every socket at
 * once, has one deadline. A socket is connected as the caller, and
 * trusted only if the process listening on it runs as root or as the
 * caller (SO_PEERCRED); a path that is not a socket is never connected.
 */
#ifndef NSREL_ENGINE_API_H
#define NSREL_ENGINE_API_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* What a scan asks of the engines by default. */
#define NSREL__ENGINE_DEADLINE_MS 500
#define NSREL__ENGINE_MAX_ANSWER  (4u << 20)
#define NSREL__ENGINE_MAX_INSPECT 256

struct nsrel__engine_ctr {
	const char *engine; /* "docker" or "podman" (static) */
	char id[65];	    /* 64 lower-case hex digits */
	char *name;	    /* the first of Names, without its '/'; or NULL */
	char *project;	    /* label com.docker.compose.project, or NULL */
	char *service;	    /* label com.docker.compose.service, or NULL */
	pid_t pid;	    /* State.Pid, where asked for; else 0 */
};

struct nsrel__engine_answer {
	struct nsrel__engine_ctr *ctrs;
	size_t n;
	/* One line saying which sockets failed and why (no answer within
	 * the deadline, refused, not a socket, not trusted, a bad answer);
	 * NULL where every socket that exists answered. A socket that does
	 * not exist is no failure. */
	char *warning;
};

struct nsrel__engine_query {
	/* Socket paths; NULL: /run/docker.sock, /var/run/docker.sock and
	 * /run/podman/podman.sock (the same socket twice is asked once). */
	const char *const *paths;
	size_t n_paths;
	unsigned deadline_ms; /* over all sockets; 0: the default */
	size_t max_answer;    /* bytes of one answer; 0: the default */
	/* Called for each container listed: true to learn its init PID,
	 * one more request (GET /containers/{id}/json) each, at most
	 * NSREL__ENGINE_MAX_INSPECT per socket. NULL: never. */
	bool (*want_pid)(const char *id, void *data);
	void *data;
};

/*
 * Ask the engines. Fills *ret (to be released with
 * nsrel__engine_answer_done()) and returns 0, whatever the engines did:
 * their failures are in ret->warning. Fails only with -ENOMEM, or
 * -EOPNOTSUPP where the library is built without engine APIs (or libcurl
 * cannot speak over unix sockets); *ret is then empty.
 */
int nsrel__engine_api(const struct nsrel__engine_query *q,
		      struct nsrel__engine_answer *ret);
void nsrel__engine_answer_done(struct nsrel__engine_answer *a);

#endif /* NSREL_ENGINE_API_H */
