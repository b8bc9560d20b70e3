/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* dumpns: the whole discovery model as JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common.h"

enum {
	OPT_NO_TASKS = 0x100,
	OPT_NO_FDS,
	OPT_NO_MOUNTS,
};

static void usage(void)
{
	printf("Usage: %s [OPTION]...\n"
	       "Print every namespace of this host, every process, and how\n"
	       "they relate, as JSON.\n"
	       "\n"
	       "  -t, --type=TYPE       only namespaces of TYPE (mnt, cgroup,\n"
	       "                        uts, ipc, user, pid, net, time);\n"
	       "                        repeatable or comma-separated\n"
	       "  -c, --compact         one line instead of pretty-printed\n"
	       "      --no-tasks        do not look at threads\n"
	       "      --no-fds          do not look at open fds and sockets\n"
	       "      --no-mounts       do not look at nsfs bind mounts\n"
	       "  -h, --help            show this help and exit\n"
	       "  -V, --version         show the version and exit\n"
	       "\n"
	       "Exit status: 0 success, 1 failure, 2 usage error.\n",
	       tc_prog());
}

static void jadd(struct json_object *o, const char *k, struct json_object *v)
{
	if (json_object_object_add(o, k, v) < 0)
		tc_die_oom();
}

static struct json_object *jnew(struct json_object *o)
{
	if (!o)
		tc_die_oom();
	return o;
}

static void jpush(struct json_object *a, struct json_object *v)
{
	if (json_object_array_add(a, v) < 0)
		tc_die_oom();
}

static struct json_object *ns_json(const struct nsrel_ns *ns)
{
	struct json_object *o = tc_json_ns(ns);
	struct json_object *procs = jnew(json_object_new_array());
	const struct nsrel_proc *leader = nsrel_ns_leader(ns);
	int type = nsrel_ns_type(ns);

	if (type == CLONE_NEWUSER || type == CLONE_NEWPID) {
		struct json_object *kids = jnew(json_object_new_array());

		for (size_t i = 0; i < nsrel_ns_child_count(ns); i++)
			jpush(kids, jnew(json_object_new_uint64(nsrel_ns_ino(
					    nsrel_ns_child(ns, i)))));
		jadd(o, "children", kids);
	}
	for (size_t i = 0; i < nsrel_ns_proc_count(ns); i++)
		jpush(procs, jnew(json_object_new_int64(
				     nsrel_proc_pid(nsrel_ns_proc(ns, i)))));
	jadd(o, "processes", procs);
	jadd(o, "leader",
	     leader ? jnew(json_object_new_int64(nsrel_proc_pid(leader)))
		    : NULL);
	return o;
}

static struct json_object *proc_json(const struct nsrel_proc *p)
{
	struct json_object *o = jnew(json_object_new_object());
	struct json_object *args = jnew(json_object_new_array());
	struct json_object *nss = jnew(json_object_new_object());

	jadd(o, "pid", jnew(json_object_new_int64(nsrel_proc_pid(p))));
	jadd(o, "ppid", jnew(json_object_new_int64(nsrel_proc_ppid(p))));
	jadd(o, "name", tc_json_string(nsrel_proc_name(p)));
	for (size_t i = 0; i < nsrel_proc_argc(p); i++)
		jpush(args, tc_json_string(nsrel_proc_arg(p, i)));
	jadd(o, "cmdline", args);
	jadd(o, "uid", jnew(json_object_new_uint64(nsrel_proc_uid(p))));
	jadd(o, "starttime",
	     jnew(json_object_new_uint64(nsrel_proc_starttime(p))));
	for (unsigned i = 0; i < NSREL_NSTYPE_COUNT; i++) {
		int t = nsrel_nstype_at(i);
		const struct nsrel_ns *ns = nsrel_proc_ns(p, t);

		if (ns)
			jadd(nss, nsrel_nstype_str(t),
			     jnew(json_object_new_uint64(nsrel_ns_ino(ns))));
	}
	jadd(o, "namespaces", nss);
	return o;
}

/*
 * The document is written one element at a time, so that memory stays the
 * model's plus one element's however many processes there are. Pretty
 * output indents each element's own pretty text to its depth.
 */
struct out {
	bool pretty;
	bool first;
};

static void put_indented(const char *s, const char *indent)
{
	fputs(indent, stdout);
	for (; *s; s++) {
		fputc(*s, stdout);
		if (*s == '\n')
			fputs(indent, stdout);
	}
}

static void begin_list(struct out *o, const char *key, bool first_key)
{
	if (o->pretty)
		printf("%s\n  \"%s\": [", first_key ? "{" : ",", key);
	else
		printf("%s\"%s\":[", first_key ? "{" : ",", key);
	o->first = true;
}

static void put_elem(struct out *o, struct json_object *obj)
{
	const char *s = json_object_to_json_string_ext(obj,
						       tc_json_flags(o->pretty));

	if (!s)
		tc_die_oom();
	if (o->pretty) {
		fputs(o->first ? "\n" : ",\n", stdout);
		put_indented(s, "    ");
	} else {
		if (!o->first)
			fputc(',', stdout);
		fputs(s, stdout);
	}
	o->first = false;
	json_object_put(obj);
}

static void end_list(struct out *o)
{
	if (o->pretty && !o->first)
		fputs("\n  ]", stdout);
	else
		fputc(']', stdout);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "compact", no_argument, NULL, 'c' },
		{ "no-tasks", no_argument, NULL, OPT_NO_TASKS },
		{ "no-fds", no_argument, NULL, OPT_NO_FDS },
		{ "no-mounts", no_argument, NULL, OPT_NO_MOUNTS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	unsigned types = 0, sources = NSREL_SRC_ALL;
	struct out out = { .pretty = true };
	struct nsrel_model *m;
	int opt;

	tc_init("dumpns");
	while ((opt = getopt_long(argc, argv, "t:chV", longopts, NULL)) != -1) {
		switch (opt) {
		case 't': {
			char *dup = tc_xstrdup(optarg), *save = NULL;

			for (char *tok = strtok_r(dup, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save))
				types |= (unsigned)tc_parse_type_arg(tok);
			free(dup);
			break;
		}
		case 'c':
			out.pretty = false;
			break;
		case OPT_NO_TASKS:
			sources &= ~(unsigned)NSREL_SRC_TASKS;
			break;
		case OPT_NO_FDS:
			sources &= ~(unsigned)NSREL_SRC_FDS;
			break;
		case OPT_NO_MOUNTS:
			sources &= ~(unsigned)NSREL_SRC_MOUNTS;
			break;
		case 'h':
			usage();
			tc_close_stdout();
			return 0;
		case 'V':
			tc_print_version();
			tc_close_stdout();
			return 0;
		default:
			tc_usage_error(NULL);
		}
	}
	if (optind < argc) {
		char *e = tc_escape(argv[optind]);

		tc_usage_error("unexpected argument \"%s\"", e);
	}

	m = tc_scan(types, sources);

	begin_list(&out, "namespaces", true);
	for (size_t i = 0; i < nsrel_model_ns_count(m); i++)
		put_elem(&out, ns_json(nsrel_model_ns(m, i)));
	end_list(&out);
	begin_list(&out, "processes", false);
	for (size_t i = 0; i < nsrel_model_proc_count(m); i++)
		put_elem(&out, proc_json(nsrel_model_proc(m, i)));
	end_list(&out);
	if (out.pretty)
		printf(",\n  \"unreadable_processes\": %zu\n}\n",
		       nsrel_model_unreadable(m));
	else
		printf(",\"unreadable_processes\":%zu}\n",
		       nsrel_model_unreadable(m));
	tc_close_stdout();
	tc_report_unreadable(m);
	nsrel_model_free(m);
	return 0;
}
