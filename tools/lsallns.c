/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lsallns: every namespace the scan found, one a row, as lsns(8) shows
 * them, drawn with libsmartcols; and the columns lsns lacks.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libsmartcols.h>

#include "buf.h"
#include "cli.h"
#include "color.h"
#include "err.h"
#include "escape.h"
#include "nsrel.h"
#include "passwd.h"
#include "scan.h"

enum {
	COL_NS,
	COL_TYPE,
	COL_PATH,
	COL_NPROCS,
	COL_PID,
	COL_PPID,
	COL_COMMAND,
	COL_UID,
	COL_USER,
	COL_NETNSID,
	COL_NSFS,
	COL_PNS,
	COL_ONS,
	COL_HOLDERS,
	COL_OUID,
	COL_OUSER,
	COL_UIDMAP,
	COL_GIDMAP,
	COL_NSID,
	COL_CONTAINER,
	COL_COUNT,
};

/* The header is the column's name; JSON keys are the header in lower case,
 * as libsmartcols writes them, so lsns's columns keep lsns's keys. */
struct colinfo {
	const char *name;
	double whint;
	int flags;
	int json_type;
	const char *help;
};

static const struct colinfo infos[COL_COUNT] = {
	[COL_NS] = {"NS", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
		    "namespace identifier (inode number)"},
	[COL_TYPE] = {"TYPE", 5, 0, SCOLS_JSON_STRING, "kind of namespace"},
	[COL_PATH] = {"PATH", 0, 0, SCOLS_JSON_STRING,
		      "path to the namespace (of PID, else of its holder)"},
	[COL_NPROCS] = {"NPROCS", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			"number of processes in the namespace"},
	[COL_PID] = {"PID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
		     "lowest PID in the namespace, else of its holder"},
	[COL_PPID] = {"PPID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
		      "PPID of the PID"},
	[COL_COMMAND] = {"COMMAND", 0, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			 "command line of the PID"},
	[COL_UID] = {"UID", 0, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
		     "UID of the PID"},
	[COL_USER] = {"USER", 0, 0, SCOLS_JSON_STRING, "username of the PID"},
	[COL_NETNSID] = {"NETNSID", 0, SCOLS_FL_RIGHT, SCOLS_JSON_STRING,
			 "namespace ID as used by network subsystem"},
	[COL_NSFS] = {"NSFS", 0, SCOLS_FL_WRAP, SCOLS_JSON_STRING,
		      "nsfs bind mounts (mnt:[INO]:PATH in other mntns)"},
	[COL_PNS] = {"PNS", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
		     "parent namespace identifier (inode number)"},
	[COL_ONS] = {"ONS", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
		     "owner namespace identifier (inode number)"},
	[COL_HOLDERS] = {"HOLDERS", 0, 0, SCOLS_JSON_STRING,
			 "how it is held: counts by kind (proc, fd, ...)"},
	[COL_OUID] = {"OUID", 0, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
		      "UID that created the (owning) user namespace"},
	[COL_OUSER] = {"OUSER", 0, 0, SCOLS_JSON_STRING, "username of OUID"},
	[COL_UIDMAP] = {"UIDMAP", 0, 0, SCOLS_JSON_STRING,
			"user namespace's uid map (inside:outside:count,...)"},
	[COL_GIDMAP] = {"GIDMAP", 0, 0, SCOLS_JSON_STRING,
			"user namespace's gid map (inside:outside:count,...)"},
	[COL_CONTAINER] = {"CONTAINER", 0, 0, SCOLS_JSON_STRING,
			   "container of the PID (ENGINE:NAME or ENGINE:ID)"},
	[COL_NSID] = {"NSID", 0, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
		      "the kernel's 64-bit namespace id (Linux 6.18+)"},
};

enum tree_kind {
	TREE_NONE,
	TREE_PROCESS,
	TREE_OWNER,
	TREE_PARENT,
};

struct uname {
	uid_t uid;
	char *name; /* escaped, NULL without a passwd entry */
};

struct ctx {
	const struct nsrel_model *m;
	int cols[COL_COUNT * 2];
	size_t ncols;
	bool raw, json, list, notrunc, nowrap, noheadings;
	enum tree_kind tree;
	bool color;
	unsigned types; /* what to show */
	const struct nsrel_ns *our_mnt;
	struct uname *unames;
	size_t nunames;
};

/* One row: a namespace and the process that speaks for it (NULL: none). */
struct row {
	const struct nsrel_ns *ns;
	const struct nsrel_proc *p;
	struct libscols_line *ln;
};

static void usage(void)
{
	printf("Usage: %s [OPTION]... [NAMESPACE]\n"
	       "List every namespace of this host, one a row, from every\n"
	       "place it is held: processes, threads, fds, sockets, bind\n"
	       "mounts, and hidden parents. With NAMESPACE (an inode\n"
	       "number), list the processes in that namespace.\n"
	       "\n"
	       "  -J, --json             use JSON output format\n"
	       "  -l, --list             use list format output\n"
	       "  -n, --noheadings       don't print headings\n"
	       "  -o, --output LIST      columns to show; +LIST adds to the\n"
	       "                         default columns\n"
	       "      --output-all       show all columns\n"
	       "  -H, --list-columns     list the columns and exit\n"
	       "  -p, --task PID         only the namespaces of process PID\n"
	       "  -r, --raw              use the raw output format\n"
	       "  -u, --notruncate       don't truncate text in columns\n"
	       "  -W, --nowrap           don't use multi-line representation\n"
	       "  -t, --type TYPE[,TYPE...]\n"
	       "                         only namespaces of TYPE (mnt, "
	       "cgroup,\n"
	       "                         uts, ipc, user, pid, net, time);\n"
	       "                         repeatable\n"
	       "  -T, --tree[=REL]       tree by REL: process (default), "
	       "owner\n"
	       "                         or parent\n"
	       "      --color[=WHEN]     colour: auto (default), always or\n"
	       "                         never\n"
	       "      --backend=WHICH    where namespaces are found: auto\n"
	       "                         (default), proc (/proc) or bpf (the\n"
	       "                         kernel's BPF iterators)\n"
	       "      --engine-socket=PATH\n"
	       "                         the one engine API socket to ask\n"
	       "                         (default: /run/docker.sock and\n"
	       "                         /run/podman/podman.sock)\n"
	       "      --no-engine-api    ask no engine for container names\n"
	       "  -h, --help             show this help and exit\n"
	       "  -V, --version          show the version and exit\n"
	       "\n"
	       "Default columns: NS TYPE NPROCS PID USER COMMAND; with\n"
	       "NAMESPACE: PID PPID USER COMMAND. See --list-columns.\n"
	       "\n"
	       "Exit status: 0 success, 1 failure, 2 usage error.\n",
	       tc_prog());
}

static void list_columns(void)
{
	for (size_t i = 0; i < COL_COUNT; i++)
		printf("%11s  %s\n", infos[i].name, infos[i].help);
}

static int column_id(const char *name, size_t n)
{
	for (int i = 0; i < COL_COUNT; i++)
		if (strlen(infos[i].name) == n &&
		    !strncasecmp(infos[i].name, name, n))
			return i;
	return -1;
}

static void parse_columns(struct ctx *c, const char *arg)
{
	const char *s = arg;

	if (*s == '+')
		s++;
	else
		c->ncols = 0;
	for (;;) {
		size_t n = strcspn(s, ",");
		int id = column_id(s, n);

		if (id < 0) {
			char *e = tc_escape(s);

			e[strcspn(e, ",")] = '\0';
			tc_usage_error("unknown column: %s", e);
		}
		if (c->ncols == sizeof(c->cols) / sizeof(c->cols[0]))
			tc_usage_error("too many columns");
		c->cols[c->ncols++] = id;
		if (!s[n])
			break;
		s += n + 1;
	}
}

static bool has_column(const struct ctx *c, int id)
{
	for (size_t i = 0; i < c->ncols; i++)
		if (c->cols[i] == id)
			return true;
	return false;
}

static enum tree_kind tree_arg(const char *arg)
{
	/* As lsns: a bare -T is the owner tree; "-T=REL" is REL. */
	if (arg && *arg == '=')
		arg++;
	if (!arg || !strcmp(arg, "owner"))
		return TREE_OWNER;
	if (!strcmp(arg, "process"))
		return TREE_PROCESS;
	if (!strcmp(arg, "parent"))
		return TREE_PARENT;
	tc_usage_error("--tree: process, owner or parent");
}

static ino_t ino_arg(const char *arg)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || !v || arg[0] == '-') {
		char *e = tc_escape(arg);

		tc_usage_error("invalid namespace argument: %s", e);
	}
	return (ino_t)v;
}

/* ---- Cell contents ----------------------------------------------------- */

static char *xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		tc_die_oom();
	return s;
}

/* The user name of uid, escaped, from a cache: one passwd lookup per uid. */
static const char *user_name(struct ctx *c, uid_t uid)
{
	char *raw;

	for (size_t i = 0; i < c->nunames; i++)
		if (c->unames[i].uid == uid)
			return c->unames[i].name;
	c->unames =
		tc_xrealloc(c->unames, (c->nunames + 1) * sizeof(*c->unames));
	raw = tc_user_name(uid);
	c->unames[c->nunames].uid = uid;
	c->unames[c->nunames].name = raw ? tc_escape(raw) : NULL;
	free(raw);
	return c->unames[c->nunames++].name;
}

/* The process that speaks for a namespace: its lowest PID member, as lsns
 * shows; without members, the process of its first reference that has
 * one (a thread's, an fd's or socket's, or for_children's). */
static const struct nsrel_proc *rep_proc(const struct nsrel_ns *ns)
{
	if (nsrel_ns_proc_count(ns))
		return nsrel_ns_proc(ns, 0);
	for (size_t i = 0; i < nsrel_ns_ref_count(ns); i++) {
		const struct nsrel_proc *p =
			nsrel_ref_proc(nsrel_ns_ref(ns, i));

		if (p)
			return p;
	}
	return NULL;
}

static bool is_member(const struct nsrel_ns *ns, const struct nsrel_proc *p)
{
	return p && nsrel_proc_ns(p, nsrel_ns_type(ns)) == ns;
}

static char *cell_command(const struct nsrel_proc *p)
{
	struct tc_buf b = {0};
	size_t argc = nsrel_proc_argc(p);

	if (!argc)
		return tc_escape(nsrel_proc_name(p));
	for (size_t i = 0; i < argc; i++) {
		if (i)
			tc_buf_putc(&b, ' ');
		tc_buf_escape(&b, nsrel_proc_arg(p, i));
	}
	return tc_buf_steal(&b);
}

/* A path that opens the namespace, from the reference that holds it. */
static char *cell_path(const struct ctx *c, const struct nsrel_ns *ns,
		       const struct nsrel_proc *p)
{
	const char *tname = nsrel_nstype_str(nsrel_ns_type(ns));

	if (is_member(ns, p))
		return xasprintf("/proc/%d/ns/%s", (int)nsrel_proc_pid(p),
				 tname);
	for (size_t i = 0; i < nsrel_ns_ref_count(ns); i++) {
		const struct nsrel_ref *r = nsrel_ns_ref(ns, i);
		const struct nsrel_proc *rp = nsrel_ref_proc(r);

		if (p && rp != p)
			continue;
		switch (nsrel_ref_kind(r)) {
		case NSREL_REF_TASK:
			return xasprintf("/proc/%d/task/%d/ns/%s",
					 (int)nsrel_proc_pid(rp),
					 (int)nsrel_ref_tid(r), tname);
		case NSREL_REF_FOR_CHILDREN:
			return xasprintf("/proc/%d/ns/%s_for_children",
					 (int)nsrel_proc_pid(rp), tname);
		case NSREL_REF_FD:
			return xasprintf("/proc/%d/fd/%d",
					 (int)nsrel_proc_pid(rp),
					 nsrel_ref_fd(r));
		case NSREL_REF_BINDMOUNT:
			if (c->our_mnt && nsrel_ref_mntns(r) == c->our_mnt)
				return tc_escape(nsrel_ref_path(r));
			break;
		default:
			break;
		}
	}
	return NULL;
}

static char *cell_nsfs(const struct ctx *c, const struct nsrel_ns *ns)
{
	struct tc_buf b = {0};
	char sep = c->nowrap ? ',' : '\n';

	for (size_t i = 0; i < nsrel_ns_ref_count(ns); i++) {
		const struct nsrel_ref *r = nsrel_ns_ref(ns, i);
		const struct nsrel_ns *mnt;
		char *e;

		if (nsrel_ref_kind(r) != NSREL_REF_BINDMOUNT)
			continue;
		if (b.len)
			tc_buf_putc(&b, sep);
		mnt = nsrel_ref_mntns(r);
		if (!mnt)
			tc_buf_puts(&b, "mnt:[?]:");
		else if (!c->our_mnt || mnt != c->our_mnt)
			tc_buf_printf(
				&b, "mnt:[%ju]:", (uintmax_t)nsrel_ns_ino(mnt));
		e = tc_escape(nsrel_ref_path(r));
		/* The separator of -W stays unambiguous. */
		for (const char *s = e; *s; s++)
			if (*s == ',')
				tc_buf_puts(&b, "\\x2c");
			else
				tc_buf_putc(&b, *s);
		free(e);
	}
	return b.len ? tc_buf_steal(&b) : NULL;
}

static char *cell_holders(const struct nsrel_ns *ns)
{
	size_t count[NSREL_REF_HIDDEN + 1] = {0};
	struct tc_buf b = {0};

	for (size_t i = 0; i < nsrel_ns_ref_count(ns); i++) {
		enum nsrel_ref_kind k = nsrel_ref_kind(nsrel_ns_ref(ns, i));

		if (k >= NSREL_REF_PROC && k <= NSREL_REF_HIDDEN)
			count[k]++;
	}
	for (int k = NSREL_REF_PROC; k <= NSREL_REF_HIDDEN; k++) {
		if (!count[k])
			continue;
		tc_buf_printf(&b, "%s%s:%zu", b.len ? "," : "",
			      nsrel_ref_kind_str(k), count[k]);
	}
	return b.len ? tc_buf_steal(&b) : NULL;
}

/* A map as inside:outside:count,...; "none" while none is written. */
static char *cell_idmap(const struct nsrel_ns *ns,
			int (*get)(const struct nsrel_ns *,
				   const struct nsrel_idmap **, size_t *))
{
	const struct nsrel_idmap *map;
	struct tc_buf b = {0};
	size_t n;

	if (nsrel_ns_type(ns) != CLONE_NEWUSER || get(ns, &map, &n) < 0)
		return NULL;
	if (!n)
		return tc_xstrdup("none");
	for (size_t i = 0; i < n; i++)
		tc_buf_printf(&b, "%s%" PRIu32 ":%" PRIu32 ":%" PRIu32,
			      i ? "," : "", map[i].inside, map[i].outside,
			      map[i].count);
	return tc_buf_steal(&b);
}

/* ENGINE:NAME, or ENGINE:SHORT-ID where the name is not known; a pod's
 * container as kubernetes:NAMESPACE/POD/NAME. Escaped. */
static char *cell_container(const struct nsrel_proc *p)
{
	const struct nsrel_container *ct = nsrel_proc_container(p);
	const char *engine, *name, *pod, *pod_ns;
	struct tc_buf b = {0};

	if (!ct)
		return NULL;
	engine = nsrel_engine_str(nsrel_container_engine(ct));
	name = nsrel_container_name(ct);
	pod = nsrel_container_pod_name(ct);
	pod_ns = nsrel_container_pod_namespace(ct);
	tc_buf_puts(&b, engine ? engine : "?");
	tc_buf_putc(&b, ':');
	if (pod) {
		if (pod_ns) {
			tc_buf_escape(&b, pod_ns);
			tc_buf_putc(&b, '/');
		}
		tc_buf_escape(&b, pod);
		tc_buf_putc(&b, '/');
	}
	tc_buf_escape(&b, name ? name : nsrel_container_short_id(ct));
	return tc_buf_steal(&b);
}

/* As lsns: the number, or "unassigned". */
static char *cell_netnsid(const struct nsrel_ns *ns)
{
	int id;

	if (nsrel_ns_type(ns) != CLONE_NEWNET || nsrel_ns_netnsid(ns, &id) < 0)
		return NULL;
	if (id == NSREL_NETNSID_UNASSIGNED)
		return tc_xstrdup("unassigned");
	return id >= 0 ? xasprintf("%d", id) : NULL;
}

/* The user namespace whose creator OUID shows: ns itself, else its owner. */
static const struct nsrel_ns *ouid_ns(const struct nsrel_ns *ns)
{
	return nsrel_ns_type(ns) == CLONE_NEWUSER ? ns : nsrel_ns_owner(ns);
}

static char *cell(struct ctx *c, int id, const struct nsrel_ns *ns,
		  const struct nsrel_proc *p)
{
	const struct nsrel_ns *o;
	const char *s;
	uid_t uid;

	switch (id) {
	case COL_NS:
		return xasprintf("%ju", (uintmax_t)nsrel_ns_ino(ns));
	case COL_TYPE:
		return xasprintf("%s", nsrel_nstype_str(nsrel_ns_type(ns)));
	case COL_PATH:
		return cell_path(c, ns, p);
	case COL_NPROCS:
		return xasprintf("%zu", nsrel_ns_proc_count(ns));
	case COL_PID:
		return p ? xasprintf("%d", (int)nsrel_proc_pid(p)) : NULL;
	case COL_PPID:
		return p ? xasprintf("%d", (int)nsrel_proc_ppid(p)) : NULL;
	case COL_COMMAND:
		return p ? cell_command(p) : NULL;
	case COL_UID:
		return p ? xasprintf("%u", (unsigned)nsrel_proc_uid(p)) : NULL;
	case COL_USER:
		if (!p)
			return NULL;
		s = user_name(c, nsrel_proc_uid(p));
		return s ? tc_xstrdup(s)
			 : xasprintf("%u", (unsigned)nsrel_proc_uid(p));
	case COL_NETNSID:
		return cell_netnsid(ns);
	case COL_NSFS:
		return cell_nsfs(c, ns);
	/* 0 where there is none or it is out of sight, as lsns writes it. */
	case COL_PNS:
		o = nsrel_ns_parent(ns);
		return xasprintf("%ju", o ? (uintmax_t)nsrel_ns_ino(o) : 0);
	case COL_ONS:
		o = nsrel_ns_owner(ns);
		return xasprintf("%ju", o ? (uintmax_t)nsrel_ns_ino(o) : 0);
	case COL_HOLDERS:
		return cell_holders(ns);
	case COL_OUID:
		o = ouid_ns(ns);
		if (!o || nsrel_ns_owner_uid(o, &uid) < 0)
			return NULL;
		return xasprintf("%u", (unsigned)uid);
	case COL_OUSER:
		o = ouid_ns(ns);
		if (!o || nsrel_ns_owner_uid(o, &uid) < 0)
			return NULL;
		s = user_name(c, uid);
		return s ? tc_xstrdup(s) : xasprintf("%u", (unsigned)uid);
	case COL_CONTAINER:
		return p ? cell_container(p) : NULL;
	case COL_UIDMAP:
		return cell_idmap(ns, nsrel_ns_uid_map);
	case COL_GIDMAP:
		return cell_idmap(ns, nsrel_ns_gid_map);
	case COL_NSID: {
		uint64_t id64 = nsrel_ns_id(ns).nsid;

		return id64 ? xasprintf("%" PRIu64, id64) : NULL;
	}
	}
	return NULL;
}

/* ---- The table --------------------------------------------------------- */

static struct libscols_table *new_table(const struct ctx *c, int tree_col)
{
	struct libscols_table *tab = scols_new_table();

	if (!tab)
		tc_die_oom();
	scols_table_enable_raw(tab, c->raw);
	scols_table_enable_json(tab, c->json);
	scols_table_enable_noheadings(tab, c->noheadings);
	scols_table_enable_colors(tab, c->color);
	/* Cells are escaped already (tc_buf_escape): in the table, a second
	 * encoding by libsmartcols would only turn "\\x" into "\\x5cx". Raw
	 * output keeps it, as its cells must not hold spaces. */
	scols_table_enable_noencoding(tab, !c->raw && !c->json);
	if (c->json)
		scols_table_set_name(tab, "namespaces");
	for (size_t i = 0; i < c->ncols; i++) {
		const struct colinfo *ci = &infos[c->cols[i]];
		int flags = ci->flags;
		struct libscols_column *cl;

		if (c->notrunc)
			flags &= ~SCOLS_FL_TRUNC;
		if (c->nowrap)
			flags &= ~SCOLS_FL_WRAP;
		/* As lsns: the tree's column is drawn from the left. */
		if (c->tree != TREE_NONE && c->cols[i] == tree_col) {
			flags |= SCOLS_FL_TREE;
			flags &= ~SCOLS_FL_RIGHT;
		}
		cl = scols_table_new_column(tab, ci->name, ci->whint, flags);
		if (!cl)
			tc_die_oom();
		if (c->json)
			scols_column_set_json_type(cl, ci->json_type);
		if (!c->nowrap && c->cols[i] == COL_NSFS) {
			scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize,
						  scols_wrapnl_nextchunk, NULL);
			scols_column_set_safechars(cl, "\n");
		}
	}
	return tab;
}

static void fill_line(struct ctx *c, struct libscols_table *tab, struct row *r)
{
	r->ln = scols_table_new_line(tab, NULL);
	if (!r->ln)
		tc_die_oom();
	for (size_t i = 0; i < c->ncols; i++) {
		char *s = cell(c, c->cols[i], r->ns, r->p);

		if (s && scols_line_refer_data(r->ln, i, s) < 0)
			tc_die_oom();
		if (c->color &&
		    (c->cols[i] == COL_TYPE || c->cols[i] == COL_NS))
			scols_cell_set_color(
				scols_line_get_cell(r->ln, i),
				tc_color_nstype(nsrel_ns_type(r->ns)));
	}
}

/* Rows found by namespace and by (type, pid) in O(log n): a host may have
 * tens of thousands of namespaces. */
struct row_index {
	struct row **by_ns, **by_pid;
	size_t n, npid;
};

static int cmp_row_ns(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)(*(struct row *const *)a)->ns;
	uintptr_t y = (uintptr_t)(*(struct row *const *)b)->ns;

	return x < y ? -1 : x > y;
}

static int row_pid_cmp(int ta, pid_t pa, const struct row *ra, int tb, pid_t pb,
		       const struct row *rb)
{
	if (ta != tb)
		return ta < tb ? -1 : 1;
	if (pa != pb)
		return pa < pb ? -1 : 1;
	/* The earliest row of a process comes first. */
	return ra && rb ? (ra < rb ? -1 : ra > rb) : 0;
}

static int cmp_row_pid(const void *a, const void *b)
{
	const struct row *x = *(struct row *const *)a;
	const struct row *y = *(struct row *const *)b;

	return row_pid_cmp(nsrel_ns_type(x->ns), nsrel_proc_pid(x->p), x,
			   nsrel_ns_type(y->ns), nsrel_proc_pid(y->p), y);
}

static void index_rows(struct row_index *ix, struct row *rows, size_t n)
{
	ix->n = n;
	ix->npid = 0;
	ix->by_ns = tc_xmalloc((n ? n : 1) * sizeof(*ix->by_ns));
	ix->by_pid = tc_xmalloc((n ? n : 1) * sizeof(*ix->by_pid));
	for (size_t i = 0; i < n; i++) {
		ix->by_ns[i] = &rows[i];
		if (rows[i].p)
			ix->by_pid[ix->npid++] = &rows[i];
	}
	qsort(ix->by_ns, n, sizeof(*ix->by_ns), cmp_row_ns);
	qsort(ix->by_pid, ix->npid, sizeof(*ix->by_pid), cmp_row_pid);
}

static struct row *find_row(const struct row_index *ix,
			    const struct nsrel_ns *ns)
{
	size_t lo = 0, hi = ix->n;

	while (ns && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct nsrel_ns *m = ix->by_ns[mid]->ns;

		if (m == ns)
			return ix->by_ns[mid];
		if ((uintptr_t)m < (uintptr_t)ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The first row of process pid among namespaces of type. */
static struct row *find_row_pid(const struct row_index *ix, int type, pid_t pid)
{
	size_t lo = 0, hi = ix->npid;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct row *r = ix->by_pid[mid];

		if (row_pid_cmp(nsrel_ns_type(r->ns), nsrel_proc_pid(r->p),
				NULL, type, pid, NULL) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->npid && nsrel_ns_type(ix->by_pid[lo]->ns) == type &&
	    nsrel_proc_pid(ix->by_pid[lo]->p) == pid)
		return ix->by_pid[lo];
	return NULL;
}

/* The row r hangs under in the tree, or NULL for a root. */
static struct row *tree_parent(const struct ctx *c, const struct row_index *ix,
			       const struct row *r)
{
	const struct nsrel_proc *p = r->p;
	int type = nsrel_ns_type(r->ns);

	switch (c->tree) {
	case TREE_OWNER:
		return find_row(ix, nsrel_ns_owner(r->ns));
	case TREE_PARENT:
		return find_row(ix, nsrel_ns_parent(r->ns));
	case TREE_PROCESS:
		/* Under the row of the nearest ancestor process that has one
		 * among namespaces of the same type (all rows of one
		 * namespace are of one type). */
		for (size_t guard = 0; p && guard < 4096; guard++) {
			pid_t pp = nsrel_proc_ppid(p);
			struct row *up;

			if (pp <= 0 || pp == nsrel_proc_pid(p))
				return NULL;
			up = find_row_pid(ix, type, pp);
			if (up)
				return up;
			p = nsrel_model_find_proc(c->m, pp);
		}
		return NULL;
	case TREE_NONE:
		break;
	}
	return NULL;
}

/* Whether adding r under up would close a loop. */
static bool is_ancestor(const struct row *r, const struct libscols_line *up)
{
	for (const struct libscols_line *l = up; l;
	     l = scols_line_get_parent(l))
		if (l == r->ln)
			return true;
	return false;
}

static void print_rows(struct ctx *c, struct row *rows, size_t n, int tree_col)
{
	struct libscols_table *tab = new_table(c, tree_col);

	for (size_t i = 0; i < n; i++)
		fill_line(c, tab, &rows[i]);
	if (c->tree != TREE_NONE && n) {
		struct row_index ix;

		index_rows(&ix, rows, n);
		for (size_t i = 0; i < n; i++) {
			struct row *up = tree_parent(c, &ix, &rows[i]);

			if (up && up != &rows[i] &&
			    !is_ancestor(&rows[i], up->ln))
				scols_line_add_child(up->ln, rows[i].ln);
		}
		free(ix.by_ns);
		free(ix.by_pid);
	}
	if (scols_print_table(tab) < 0)
		tc_die("cannot print the table");
	scols_unref_table(tab);
}

static void add_row(struct row **rows, size_t *n, const struct nsrel_ns *ns,
		    const struct nsrel_proc *p)
{
	*rows = tc_xrealloc(*rows, (*n + 1) * sizeof(**rows));
	(*rows)[(*n)++] = (struct row){.ns = ns, .p = p};
}

/* Whether process p holds ns: as a member, a thread, for its children, by
 * an fd or a socket. */
static bool proc_holds(const struct nsrel_ns *ns, const struct nsrel_proc *p)
{
	if (is_member(ns, p))
		return true;
	for (size_t i = 0; i < nsrel_ns_ref_count(ns); i++)
		if (nsrel_ref_proc(nsrel_ns_ref(ns, i)) == p)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	enum {
		OPT_OUTPUT_ALL = 0x100,
		OPT_COLOR,
	};
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'J'},
		{"list", no_argument, NULL, 'l'},
		{"noheadings", no_argument, NULL, 'n'},
		{"output", required_argument, NULL, 'o'},
		{"output-all", no_argument, NULL, OPT_OUTPUT_ALL},
		{"list-columns", no_argument, NULL, 'H'},
		{"task", required_argument, NULL, 'p'},
		{"raw", no_argument, NULL, 'r'},
		{"notruncate", no_argument, NULL, 'u'},
		{"nowrap", no_argument, NULL, 'W'},
		{"type", required_argument, NULL, 't'},
		{"tree", optional_argument, NULL, 'T'},
		{"color", optional_argument, NULL, OPT_COLOR},
		{"colour", optional_argument, NULL, OPT_COLOR},
		TC_BACKEND_LONGOPT,
		TC_ENGINE_LONGOPTS,
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	enum tc_color_mode color = TC_COLOR_AUTO;
	struct ctx c = {0};
	const char *outarg = NULL;
	bool output_all = false;
	pid_t pid = 0;
	ino_t ino = 0;
	unsigned flags = 0;
	struct nsrel_model *m;
	struct row *rows = NULL;
	size_t nrows = 0;
	int opt, tree_col;

	tc_init("lsallns");
	/* libsmartcols measures and draws by the locale's character set. */
	setlocale(LC_CTYPE, "");
	while ((opt = getopt_long(argc, argv, "Jlno:Hp:ruWt:T::hV", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'J':
			c.json = true;
			break;
		case 'l':
			c.list = true;
			break;
		case 'n':
			c.noheadings = true;
			break;
		case 'o':
			outarg = optarg;
			break;
		case OPT_OUTPUT_ALL:
			output_all = true;
			break;
		case 'H':
			list_columns();
			tc_close_stdout();
			return 0;
		case 'p':
			pid = tc_parse_pid_arg(optarg);
			break;
		case 'r':
			c.raw = c.nowrap = true;
			break;
		case 'u':
			c.notrunc = true;
			break;
		case 'W':
			c.nowrap = true;
			break;
		case 't':
			c.types |= tc_parse_types_arg(optarg);
			break;
		case 'T':
			c.tree = tree_arg(optarg);
			break;
		case OPT_COLOR:
			color = tc_color_arg(optarg);
			break;
		default:
			tc_common_opt(opt, usage);
		}
	}
	if (c.json && c.raw)
		tc_usage_error("-J and -r are mutually exclusive");
	if (optind < argc) {
		if (argc - optind > 1)
			tc_usage_error("only one NAMESPACE operand");
		if (pid)
			tc_usage_error("--task is mutually exclusive with "
				       "NAMESPACE");
		ino = ino_arg(argv[optind]);
	}
	/* As lsns: a tree of processes unless -l or another tree. */
	if (c.tree == TREE_NONE)
		c.tree = TREE_PROCESS;
	if (c.list)
		c.tree = TREE_NONE;
	/* As lsns: -t net shows what a network namespace is known by. */
	bool net_asked = c.types & CLONE_NEWNET;
	if (!c.types)
		c.types = NSREL_ALL_TYPES;

	if (output_all) {
		for (int i = 0; i < COL_COUNT; i++)
			c.cols[c.ncols++] = i;
	} else if (ino) {
		static const int def[] = {COL_PID, COL_PPID, COL_USER,
					  COL_COMMAND};

		for (size_t i = 0; i < sizeof(def) / sizeof(def[0]); i++)
			c.cols[c.ncols++] = def[i];
	} else {
		static const int def[] = {COL_NS, COL_TYPE, COL_NPROCS, COL_PID,
					  COL_USER};

		for (size_t i = 0; i < sizeof(def) / sizeof(def[0]); i++)
			c.cols[c.ncols++] = def[i];
		if (net_asked) {
			c.cols[c.ncols++] = COL_NETNSID;
			c.cols[c.ncols++] = COL_NSFS;
		}
		c.cols[c.ncols++] = COL_COMMAND;
	}
	if (outarg)
		parse_columns(&c, outarg);
	/* The tree is drawn in the column lsns draws it in: COMMAND for
	 * processes, NS for owners and parents; else the first. */
	tree_col = c.tree == TREE_PROCESS ? COL_COMMAND : COL_NS;
	if (!has_column(&c, tree_col))
		tree_col = c.cols[0];

	c.color = !c.json && !c.raw && tc_color_enabled(color, STDOUT_FILENO);
	if (has_column(&c, COL_COMMAND))
		flags |= ino ? NSREL_SCAN_CMDLINE : NSREL_SCAN_CMDLINE_FIRST;
	/* Owners are user namespaces, bind mounts live in mount
	 * namespaces: scan those whatever -t says, show what it says. */
	m = tc_scan_flags(c.types | CLONE_NEWUSER | CLONE_NEWNS, 0, flags);
	c.m = m;
	{
		struct nsrel_view v = {.sz = sizeof(v)};
		const struct nsrel_proc *self = NULL;

		nsrel_model_view(m, &v);
		if (v.proc_pid_ns == NSREL_PROC_PIDNS_OWN)
			self = nsrel_model_find_proc(m, getpid());
		if (self)
			c.our_mnt = nsrel_proc_ns(self, CLONE_NEWNS);
	}

	if (ino) {
		const struct nsrel_ns *ns = NULL;

		for (unsigned i = 0; i < NSREL_NSTYPE_COUNT && !ns; i++) {
			int t = nsrel_nstype_at(i);

			if (c.types & (unsigned)t)
				ns = nsrel_model_find(m, t, ino);
		}
		if (!ns)
			tc_die("not found namespace: %ju", (uintmax_t)ino);
		for (size_t i = 0; i < nsrel_ns_proc_count(ns); i++)
			add_row(&rows, &nrows, ns, nsrel_ns_proc(ns, i));
		if (!nrows)
			add_row(&rows, &nrows, ns, rep_proc(ns));
	} else {
		const struct nsrel_proc *p = NULL;

		if (pid)
			p = tc_find_task(m, pid);
		for (size_t i = 0; i < nsrel_model_ns_count(m); i++) {
			const struct nsrel_ns *ns = nsrel_model_ns(m, i);

			if (!(c.types & (unsigned)nsrel_ns_type(ns)))
				continue;
			if (p && !proc_holds(ns, p))
				continue;
			add_row(&rows, &nrows, ns, rep_proc(ns));
		}
	}
	print_rows(&c, rows, nrows, tree_col);
	free(rows);
	tc_close_stdout();
	tc_report_view(m);
	for (size_t i = 0; i < c.nunames; i++)
		free(c.unames[i].name);
	free(c.unames);
	nsrel_model_free(m);
	return 0;
}
