/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The options every tool shares, their errors, and the end of the output. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "color.h"
#include "config.h"
#include "err.h"
#include "escape.h"
#include "nsrel.h"
#include "scan.h"

void tc_print_version(void)
{
	printf("%s (nsrel) %s\n", tc_prog(), NSREL_VERSION);
}

void tc_common_opt(int opt, void (*usage)(void))
{
	if (opt == TC_OPT_BACKEND) {
		static const enum nsrel_backend all[] = {NSREL_BACKEND_AUTO,
							 NSREL_BACKEND_PROC,
							 NSREL_BACKEND_BPF};
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			if (strcmp(optarg, nsrel_backend_str(all[i])) == 0) {
				tc_set_backend(all[i]);
				return;
			}
		char *e = tc_escape(optarg);
		tc_usage_error("invalid --backend argument \"%s\" "
			       "(auto, proc or bpf)",
			       e);
	}
	if (opt == TC_OPT_ENGINE_SOCKET) {
		if (!*optarg)
			tc_usage_error("--engine-socket needs a path");
		tc_set_engine_api(NSREL_SWITCH_ON, optarg);
		return;
	}
	if (opt == TC_OPT_NO_ENGINE_API) {
		tc_set_engine_api(NSREL_SWITCH_OFF, NULL);
		return;
	}
	if (opt == 'h') {
		usage();
		tc_close_stdout();
		exit(0);
	}
	if (opt == 'V') {
		tc_print_version();
		tc_close_stdout();
		exit(0);
	}
	tc_usage_error(NULL);
}

void tc_no_operands(int argc, char **argv)
{
	if (optind < argc) {
		char *e = tc_escape(argv[optind]);

		tc_usage_error("unexpected argument \"%s\"", e);
	}
}

enum tc_color_mode tc_color_arg(const char *arg)
{
	enum tc_color_mode mode;

	if (tc_parse_color(arg, &mode) < 0) {
		char *e = tc_escape(arg);

		tc_usage_error("invalid --color argument \"%s\" "
			       "(auto, always or never)",
			       e);
	}
	return mode;
}

int tc_parse_type_arg(const char *arg)
{
	int t = nsrel_nstype_from_str(arg);

	if (t < 0) {
		struct tc_buf b = {0};

		tc_buf_escape(&b, arg);
		tc_usage_error("unknown namespace type \"%s\" (one of mnt, "
			       "cgroup, uts, ipc, user, pid, net, time)",
			       tc_buf_str(&b));
	}
	return t;
}

unsigned tc_parse_types_arg(const char *arg)
{
	unsigned types = 0;

	for (const char *p = arg;; p++) {
		size_t n = strcspn(p, ",");
		char *name;

		if (n == 0) {
			struct tc_buf b = {0};

			tc_buf_escape(&b, arg);
			tc_usage_error("empty namespace type in -t \"%s\"",
				       tc_buf_str(&b));
		}
		name = tc_xmalloc(n + 1);
		memcpy(name, p, n);
		name[n] = '\0';
		types |= (unsigned)tc_parse_type_arg(name);
		free(name);
		p += n;
		if (!*p)
			return types;
	}
}

pid_t tc_parse_pid_arg(const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v <= 0 || v > INT_MAX) {
		char *e = tc_escape(arg);

		tc_usage_error("invalid PID argument: %s", e);
	}
	return (pid_t)v;
}

void tc_close_stdout(void)
{
	/* A full disk or a closed pipe must not look like success. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno;

		if (e == EPIPE)
			exit(1);
		tc_die("write error: %s", strerror(e ? e : EIO));
	}
}

const struct nsrel_container *tc_container_arg(const struct nsrel_model *m,
					       const char *arg)
{
	const struct nsrel_container *c = nsrel_model_find_container(m, arg);
	const struct nsrel_container *by_prefix = NULL;
	size_t n = strlen(arg), matches = 0;
	struct tc_buf b = {0};

	if (c)
		return c;
	/* A prefix of an id, as the engines accept one. */
	for (size_t i = 0; n && i < nsrel_model_container_count(m); i++) {
		const struct nsrel_container *x = nsrel_model_container(m, i);

		if (strncmp(nsrel_container_id(x), arg, n) == 0) {
			by_prefix = x;
			matches++;
		}
	}
	if (matches == 1)
		return by_prefix;
	tc_buf_escape(&b, arg);
	tc_die("%s container \"%s\"", matches ? "more than one" : "no",
	       tc_buf_str(&b));
}

bool tc_container_has(const struct nsrel_container *c,
		      const struct nsrel_ns *ns)
{
	for (size_t i = 0; i < nsrel_container_ns_count(c); i++)
		if (nsrel_container_ns(c, i) == ns)
			return true;
	return false;
}

/* ns, or an ancestor of ns, or the owner of either, or their ancestors. */
static bool leads_to(const struct nsrel_ns *ns, const struct nsrel_ns *target)
{
	for (const struct nsrel_ns *a = ns; a; a = nsrel_ns_parent(a))
		if (a == target)
			return true;
	for (const struct nsrel_ns *o = nsrel_ns_owner(ns); o;
	     o = nsrel_ns_parent(o))
		if (o == target)
			return true;
	return false;
}

bool tc_container_shows(const struct nsrel_container *c,
			const struct nsrel_ns *ns)
{
	if (!c)
		return true;
	for (size_t i = 0; i < nsrel_container_ns_count(c); i++)
		if (leads_to(nsrel_container_ns(c, i), ns))
			return true;
	return false;
}
