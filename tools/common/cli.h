/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Layer 5 of tools/common, the top: the options every tool shares, their
 * usage errors, --version, --backend, and the end of the output. Uses
 * any layer below it (scan.h, color.h, escape.h, buf.h, err.h).
 */
#ifndef NSREL_TOOLS_CLI_H
#define NSREL_TOOLS_CLI_H

#include <stdbool.h>
#include <sys/types.h>

#include "color.h"
#include "nsrel.h"

/* "PROG (nsrel) VERSION" on stdout. */
void tc_print_version(void);
/* --backend=auto|proc|bpf, which every tool takes: its entry for the
 * longopts array. tc_scan() uses it (tc_set_backend()). */
#define TC_OPT_BACKEND 0x200
#define TC_BACKEND_LONGOPT                                         \
	{                                                          \
		"backend", required_argument, NULL, TC_OPT_BACKEND \
	}
/* --engine-socket=PATH (the one engine API socket to ask) and
 * --no-engine-api (ask none), which every tool takes: their entries for
 * the longopts array. tc_scan() uses them (tc_set_engine_api()). */
#define TC_OPT_ENGINE_SOCKET 0x210
#define TC_OPT_NO_ENGINE_API 0x211
#define TC_ENGINE_LONGOPTS                                                \
	{"engine-socket", required_argument, NULL, TC_OPT_ENGINE_SOCKET}, \
	{                                                                 \
		"no-engine-api", no_argument, NULL, TC_OPT_NO_ENGINE_API  \
	}
/* The option cases every tool shares: -h prints usage(), -V the version
 * (both exit 0); --backend, --engine-socket and --no-engine-api are
 * taken (and return); anything else is
 * getopt's error (exit 2). */
void tc_common_opt(int opt, void (*usage)(void));
/* A usage error unless every argument was an option. */
void tc_no_operands(int argc, char **argv);
/* The argument of --color=WHEN, or a usage error. */
enum tc_color_mode tc_color_arg(const char *arg);
/* A namespace type name for -t; a usage error if it is none. */
int tc_parse_type_arg(const char *arg);
/* The argument of -t: one or more type names, comma-separated, as a mask
 * of CLONE_NEW*; a usage error for an unknown or empty name ("", ",",
 * "net,"). */
unsigned tc_parse_types_arg(const char *arg);
/* --container=NAME|ID: the container with that id, name, or unique id
 * prefix; exits 1, saying so, if there is none or more than one. */
#define TC_OPT_CONTAINER 0x201
const struct nsrel_container *tc_container_arg(const struct nsrel_model *m,
					       const char *arg);
/* ns is one of the container's namespaces. */
bool tc_container_has(const struct nsrel_container *c,
		      const struct nsrel_ns *ns);
/* ns is one of them, or on the way to one in a tree: a parent or an owner
 * (and theirs) of one of them. Always true for a NULL c. */
bool tc_container_shows(const struct nsrel_container *c,
			const struct nsrel_ns *ns);

/* The argument of -p/--task: a PID above 0; a usage error for anything
 * else ("invalid PID argument: X"). */
pid_t tc_parse_pid_arg(const char *arg);

/* Flushes stdout and exits 1 if anything could not be written. */
void tc_close_stdout(void);

#endif /* NSREL_TOOLS_CLI_H */
