/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * graphns on a zoo of real namespaces: the graph read back from -T dot with
 * libcgraph holds every user and PID namespace of the model as a node and
 * every parent and owner relation as an edge; a hostile process name is a
 * label and nothing more; -o writes valid SVG, PNG, PDF and DOT; and the
 * viewer, under Xvfb, draws the graph, zooms on '+', closes on 'q' and,
 * under sudo, runs as the invoking user.
 *
 * Usage: test-graphns PATH-TO-graphns [PATH-TO-nsrel-zoo]
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sched.h>
#include <math.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <cairo.h>
#include <graphviz/cgraph.h>
#include <json-c/json.h>
#include <librsvg/rsvg.h>

#include "hostile.h"
#include "nsrel.h"
#include "zoorun.h"

static const char *graphns;
static const char *zoo_path;
static char tmpdir[] = "/tmp/test-graphns.XXXXXX";

static struct zoo_run zoo = ZOO_RUN_INIT;
static const char *zoo_skip;

/* ---- Running programs ---------------------------------------------------- */

extern char **environ;

/* environ without the variables named in unset, with set ("K=V") added. */
static char **make_env(const char *const *unset, const char *const *set)
{
	size_t n = 0, k = 0, i, j;
	char **env;

	while (environ[n])
		n++;
	for (j = 0; set && set[j]; j++)
		;
	env = calloc(n + j + 1, sizeof(*env));
	assert_non_null(env);
	for (i = 0; i < n; i++) {
		bool drop = false;

		for (j = 0; unset && unset[j]; j++) {
			size_t l = strlen(unset[j]);

			if (strncmp(environ[i], unset[j], l) == 0 &&
			    environ[i][l] == '=')
				drop = true;
		}
		for (j = 0; set && set[j]; j++) {
			size_t l = strcspn(set[j], "=") + 1;

			if (strncmp(environ[i], set[j], l) == 0)
				drop = true;
		}
		if (!drop)
			env[k++] = environ[i];
	}
	for (j = 0; set && set[j]; j++)
		env[k++] = (char *)set[j];
	env[k] = NULL;
	return env;
}

/* Run in the child before exec, when set: exits 77 if it cannot do its
 * part. */
static void (*pre_exec)(void);

static pid_t spawn(char *const argv[], char **env, int in, int out, int err)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		/* A group of its own: graphns and the viewer it may start are
		 * killed together (kill_viewer()). */
		setpgid(0, 0);
		dup2(in >= 0 ? in : devnull, 0);
		dup2(out >= 0 ? out : devnull, 1);
		dup2(err >= 0 ? err : devnull, 2);
		if (pre_exec)
			pre_exec();
		execve(argv[0], argv, env ? env : environ);
		_exit(127);
	}
	return pid;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits up to ms for pid; its exit status, or -1 on timeout (then it is
 * killed), 128+N when killed by signal N. */
static int wait_for(pid_t pid, int ms)
{
	int status;

	for (int t = 0; t < ms; t += 20) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status)
						 : 128 + WTERMSIG(status);
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

struct output {
	char *out, *err;
	size_t out_len, err_len;
};

static void output_free(struct output *o)
{
	free(o->out);
	free(o->err);
	memset(o, 0, sizeof(*o));
}

static void slurp(int fd, char **buf, size_t *len, size_t *cap)
{
	char tmp[65536];
	ssize_t n = read(fd, tmp, sizeof(tmp));

	if (n <= 0)
		return;
	if (*len + (size_t)n + 1 > *cap) {
		*cap = (*len + (size_t)n + 1) * 2;
		*buf = realloc(*buf, *cap);
		assert_non_null(*buf);
	}
	memcpy(*buf + *len, tmp, (size_t)n);
	*len += (size_t)n;
	(*buf)[*len] = '\0';
}

/* Runs argv to completion (30 s at most); its exit status. */
static int run(char *const argv[], char **env, struct output *o)
{
	int po[2], pe[2], status = -1;
	size_t co = 0, ce = 0;
	struct pollfd p[2];
	pid_t pid;

	memset(o, 0, sizeof(*o));
	o->out = calloc(1, 1);
	o->err = calloc(1, 1);
	assert_int_equal(pipe2(po, O_CLOEXEC), 0);
	assert_int_equal(pipe2(pe, O_CLOEXEC), 0);
	pid = spawn(argv, env, -1, po[1], pe[1]);
	close(po[1]);
	close(pe[1]);
	p[0] = (struct pollfd){.fd = po[0], .events = POLLIN};
	p[1] = (struct pollfd){.fd = pe[0], .events = POLLIN};
	while (p[0].fd >= 0 || p[1].fd >= 0) {
		if (poll(p, 2, 30000) <= 0)
			break;
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			size_t before = i ? o->err_len : o->out_len;

			if (i)
				slurp(p[i].fd, &o->err, &o->err_len, &ce);
			else
				slurp(p[i].fd, &o->out, &o->out_len, &co);
			if ((i ? o->err_len : o->out_len) == before) {
				close(p[i].fd);
				p[i].fd = -1;
			}
		}
	}
	if (p[0].fd >= 0)
		close(p[0].fd);
	if (p[1].fd >= 0)
		close(p[1].fd);
	status = wait_for(pid, 30000);
	return status;
}

static bool have_program(const char *name, char *path, size_t n)
{
	const char *dirs[] = {"/usr/bin", "/bin", "/usr/local/bin"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, n, "%s/%s", dirs[i], name);
		if (access(path, X_OK) == 0)
			return true;
	}
	return false;
}

/*
 * Under the sanitizer build, graphns and this test load Graphviz, fontconfig
 * and librsvg, whose caches live until exit; tests/graphns/lsan.supp names
 * them. Children get it through LSAN_OPTIONS, this process through the
 * hook LeakSanitizer asks at start.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libgvc.so\n"
	       "leak:libgvplugin_\n"
	       "leak:libcgraph.so\n"
	       "leak:libfontconfig.so\n"
	       "leak:libpango\n"
	       "leak:libcairo.so\n"
	       "leak:librsvg-2.so\n"
	       "leak:libgio-2.0.so\n"
	       "leak:libgobject-2.0.so\n";
}

static void lsan_for_children(void)
{
	const char *src = getenv("NSREL_SOURCE_ROOT");
	const char *old = getenv("LSAN_OPTIONS");
	char opts[4096];

	if (!src)
		return;
	snprintf(opts, sizeof(opts),
		 "%s%ssuppressions=%s/tests/graphns/lsan.supp", old ? old : "",
		 old && *old ? ":" : "", src);
	setenv("LSAN_OPTIONS", opts, 1);
}

/* ---- The zoo ------------------------------------------------------------- */

static int zoo_start(void **state)
{
	static char why[256];

	if (!zoo_path || !*zoo_path) {
		zoo_skip = "the zoo (tests/zoo/nsrel-zoo) is not built";
		return 0;
	}
	if (geteuid() != 0) {
		zoo_skip = "not root: the zoo needs root";
		return 0;
	}
	switch (zoo_run_start(&zoo, zoo_path, why, sizeof(why))) {
	case 0:
		return 0;
	case 77:
		zoo_skip = why;
		return 0;
	default:
		fprintf(stderr, "# starting the zoo: %s\n", why);
		return -1;
	}
}

static int zoo_stop(void **state)
{
	zoo_run_stop(&zoo);
	return 0;
}

static void need_zoo(void)
{
	if (zoo_skip || !zoo.m) {
		printf("# %s\n", zoo_skip ? zoo_skip : "no zoo");
		skip();
	}
}

static json_object *zoo_case(const char *name)
{
	json_object *list = json_object_object_get(zoo.m, "namespaces");

	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *c = json_object_array_get_idx(list, i);

		if (strcmp(json_object_get_string(
				   json_object_object_get(c, "name")),
			   name) == 0)
			return c;
	}
	fail_msg("the zoo has no case '%s'", name);
	return NULL;
}

static uint64_t case_u64(const char *name, const char *key)
{
	json_object *v = json_object_object_get(zoo_case(name), key);

	assert_non_null(v);
	return (uint64_t)json_object_get_int64(v);
}

/* ---- The graph, read back ------------------------------------------------ */

/* graphns [A [B]] -T dot -o -, parsed by libcgraph. */
static Agraph_t *dot_of2(const char *a, const char *b)
{
	char *argv[] = {
		(char *)graphns, "-T", "dot", "-o", "-", NULL, NULL, NULL};
	struct output o;
	Agraph_t *g;
	int r;

	argv[5] = (char *)a;
	argv[6] = a ? (char *)b : NULL;
	r = run(argv, NULL, &o);
	if (r != 0)
		fprintf(stderr, "# graphns: %s", o.err);
	assert_int_equal(r, 0);
	g = agmemread(o.out);
	assert_non_null(g);
	output_free(&o);
	return g;
}

static Agraph_t *dot_of(const char *extra)
{
	return dot_of2(extra, NULL);
}

static Agnode_t *ns_node(Agraph_t *g, const char *type, uint64_t ino)
{
	char name[64];

	snprintf(name, sizeof(name), "%s-%ju", type, (uintmax_t)ino);
	return agnode(g, name, 0);
}

static Agedge_t *edge(Agraph_t *g, Agnode_t *t, Agnode_t *h)
{
	Agedge_t *e;

	if (!t || !h)
		return NULL;
	for (e = agfstout(g, t); e; e = agnxtout(g, e))
		if (aghead(e) == h)
			return e;
	return NULL;
}

static const char *attr(void *obj, const char *name)
{
	const char *v = agget(obj, (char *)name);

	return v ? v : "";
}

static bool is_owner_edge(Agedge_t *e)
{
	return strcmp(attr(e, "style"), "dashed") == 0 &&
	       strcmp(attr(e, "constraint"), "false") == 0;
}

static struct nsrel_model *scan(void)
{
	struct nsrel_scan_opts o = {.sz = sizeof(o),
				    .types = CLONE_NEWUSER | CLONE_NEWPID};
	struct nsrel_model *m = NULL;

	assert_int_equal(nsrel_scan(&o, &m), 0);
	return m;
}

static const char *type_name(const struct nsrel_ns *ns)
{
	return nsrel_nstype_str(nsrel_ns_type(ns));
}

static bool is_hier(const struct nsrel_ns *ns)
{
	int t = nsrel_ns_type(ns);

	return t == CLONE_NEWUSER || t == CLONE_NEWPID;
}

/* The namespace of type t and inode ino if both scans saw the same one:
 * it lived through the graphns run between them. Inode numbers of dead
 * namespaces are soon given to new ones; the 64-bit id (where the kernel
 * has one) never is. */
static const struct nsrel_ns *stable(const struct nsrel_model *before,
				     const struct nsrel_model *after, int t,
				     ino_t ino)
{
	const struct nsrel_ns *a = nsrel_model_find(before, t, ino);
	const struct nsrel_ns *b = nsrel_model_find(after, t, ino);

	if (!a || !b || nsrel_ns_id(a).nsid != nsrel_ns_id(b).nsid)
		return NULL;
	return b;
}

/*
 * Every user and PID namespace of the model is a node of its cluster, every
 * parent relation a solid edge, every owner of a PID namespace a dashed
 * edge that does not constrain the layout; and nothing else. Others on
 * this machine make and drop namespaces meanwhile, so the model is taken
 * before and after: what lived through both scans (stable()) must be in
 * the graph with its relations, and every edge of such a node must be one
 * of them. Nodes of the others' short-lived namespaces are only counted.
 */
static void test_model_graph(void **state)
{
	struct nsrel_model *before, *after;
	Agraph_t *g, *cu, *cp, *roots;
	size_t i, nodes = 0, checked = 0, unstable = 0, invisible = 0;

	/* The zoo adds to the graph; without it (as nobody) the view is
	 * partial, and must still be the model's. */
	before = scan();
	g = dot_of(NULL);
	after = scan();
	cu = agsubg(g, "cluster_user", 0);
	cp = agsubg(g, "cluster_pid", 0);
	roots = agsubg(g, "roots", 0);
	assert_non_null(cu);
	assert_non_null(cp);
	assert_non_null(roots);
	assert_string_equal(attr(roots, "rank"), "same");

	for (i = 0; i < nsrel_model_ns_count(after); i++) {
		const struct nsrel_ns *ns = nsrel_model_ns(after, i);
		const struct nsrel_ns *p = nsrel_ns_parent(ns);
		const struct nsrel_ns *o = nsrel_ns_owner(ns);
		bool user = nsrel_ns_type(ns) == CLONE_NEWUSER;
		Agnode_t *n, *pn, *on;
		Agedge_t *e;

		if (!is_hier(ns) ||
		    !stable(before, after, nsrel_ns_type(ns), nsrel_ns_ino(ns)))
			continue;
		n = ns_node(user ? cu : cp, type_name(ns), nsrel_ns_ino(ns));
		if (!n)
			fail_msg("%s:[%ju] of the model is no node of its "
				 "cluster",
				 type_name(ns), (uintmax_t)nsrel_ns_ino(ns));
		checked++;
		if (!p) {
			if (!agsubnode(roots, n, 0))
				fail_msg("root %s is not in the top row",
					 agnameof(n));
			continue;
		}
		pn = ns_node(g, type_name(p), nsrel_ns_ino(p));
		e = edge(g, n, pn);
		if (!e || is_owner_edge(e))
			fail_msg("no edge from %s to its parent %s:[%ju]",
				 agnameof(n), type_name(p),
				 (uintmax_t)nsrel_ns_ino(p));
		if (!user && o) {
			on = ns_node(g, "user", nsrel_ns_ino(o));
			e = edge(g, n, on);
			if (!e || !is_owner_edge(e))
				fail_msg("no dashed edge from %s to its owner "
					 "user:[%ju]",
					 agnameof(n),
					 (uintmax_t)nsrel_ns_ino(o));
		}
	}
	assert_true(checked >= 2);

	/* Each edge of a namespace that lived through both is a relation. */
	for (Agnode_t *n = agfstnode(g); n; n = agnxtnode(g, n)) {
		const struct nsrel_ns *ns;
		char type[16];
		uintmax_t ino;
		int t;

		nodes++;
		if (sscanf(agnameof(n), "%15[a-z]-%ju", type, &ino) != 2)
			fail_msg("unexpected node '%s'", agnameof(n));
		t = nsrel_nstype_from_str(type);
		ns = stable(before, after, t, (ino_t)ino);
		if (!ns) {
			unstable++;
			continue;
		}
		for (Agedge_t *e = agfstout(g, n); e; e = agnxtout(g, e)) {
			const struct nsrel_ns *to =
				is_owner_edge(e) ? nsrel_ns_owner(ns)
						 : nsrel_ns_parent(ns);
			char ht[16];
			uintmax_t hino;
			bool ok;

			/* Not drawn: the one edge that puts the user
			 * cluster above the PID cluster, root to root. */
			if (strcmp(attr(e, "style"), "invis") == 0) {
				invisible++;
				assert_true(agsubnode(roots, n, 0) &&
					    agsubnode(roots, aghead(e), 0));
				assert_true(agsubnode(cu, n, 0) &&
					    agsubnode(cp, aghead(e), 0));
				continue;
			}

			assert_int_equal(sscanf(agnameof(aghead(e)),
						"%15[a-z]-%ju", ht, &hino),
					 2);
			ok = to && nsrel_ns_ino(to) == (ino_t)hino &&
			     strcmp(type_name(to), ht) == 0;
			if (!ok)
				fail_msg("edge %s -> %s is no relation",
					 agnameof(n), agnameof(aghead(e)));
		}
	}
	assert_true(invisible <= 1);
	printf("# %zu nodes, %zu namespaces checked, %zu nodes of namespaces "
	       "that came or went meanwhile\n",
	       nodes, checked, unstable);
	agclose(g);
	nsrel_model_free(before);
	nsrel_model_free(after);
}

/* The zoo's own cases, by name: the shape the issue asks for. */
static void test_zoo_cases(void **state)
{
	Agraph_t *g, *cu, *cp;
	Agnode_t *c1, *c2, *c3, *host;
	uint64_t host_user;

	need_zoo();
	g = dot_of(NULL);
	cu = agsubg(g, "cluster_user", 0);
	cp = agsubg(g, "cluster_pid", 0);
	host_user = case_u64("userchain1", "parent");

	host = ns_node(cu, "user", host_user);
	c1 = ns_node(cu, "user", case_u64("userchain1", "ino"));
	c2 = ns_node(cu, "user", case_u64("userchain2", "ino"));
	c3 = ns_node(cu, "user", case_u64("userchain3", "ino"));
	assert_non_null(host);
	assert_non_null(c1);
	assert_non_null(c2);
	assert_non_null(c3);
	assert_non_null(edge(g, c1, host));
	assert_non_null(edge(g, c2, c1));
	assert_non_null(edge(g, c3, c2));
	assert_null(edge(g, host, c1));
	/* Hidden intermediates: dotted, and say nothing holds them. */
	assert_non_null(strstr(attr(c1, "style"), "dotted"));
	assert_non_null(strstr(attr(c2, "style"), "dotted"));
	assert_null(strstr(attr(c3, "style"), "dotted"));
	assert_null(strstr(attr(c3, "style"), "dashed"));
	{
		char want[128];

		snprintf(want, sizeof(want),
			 "(no process: held by a child namespace)\\n"
			 "user:[%ju]",
			 (uintmax_t)case_u64("userchain1", "ino"));
		assert_string_equal(attr(c1, "label"), want);
	}

	{
		Agnode_t *p1 = ns_node(cp, "pid", case_u64("pid1", "ino"));
		Agnode_t *p2 = ns_node(cp, "pid", case_u64("pid2", "ino"));
		Agnode_t *op = ns_node(cp, "pid", case_u64("ownpid", "ino"));
		Agnode_t *ou = ns_node(cu, "user", case_u64("ownuser", "ino"));
		Agnode_t *cpd = ns_node(cp, "pid", case_u64("childpid", "ino"));
		Agnode_t *np = ns_node(cu, "user", case_u64("nopwuser", "ino"));

		assert_non_null(p1);
		assert_non_null(p2);
		assert_non_null(edge(g, p2, p1));
		assert_true(is_owner_edge(edge(g, p1, host)));
		assert_true(is_owner_edge(edge(g, op, ou)));
		assert_non_null(cpd);
		/* Held only for children: no process of its own. */
		assert_non_null(strstr(attr(cpd, "style"), "dashed"));
		assert_true(strncmp(attr(cpd, "label"),
				    "for children of process \"", 25) == 0);
		assert_non_null(np);
	}
	agclose(g);
}

/* Graphviz's "x,y" of a node laid out (y grows upwards). */
static void pos_of(Agnode_t *n, double *x, double *y)
{
	assert_non_null(n);
	if (sscanf(attr(n, "pos"), "%lf,%lf", x, y) != 2)
		fail_msg("%s has no position", agnameof(n));
}

/* Graphviz's "x0,y0,x1,y1" of a cluster laid out. */
static void bb_of(Agraph_t *c, double bb[4])
{
	assert_non_null(c);
	if (sscanf(attr(c, "bb"), "%lf,%lf,%lf,%lf", &bb[0], &bb[1], &bb[2],
		   &bb[3]) != 4)
		fail_msg("%s has no bounding box", agnameof(c));
}

/*
 * The layout for wide trees: depth grows to the right and siblings stack
 * in a column (a wide level makes a tall graph, not a wide one), and the
 * user cluster is above the PID cluster, with or without -d.
 */
static void test_layout(void **state)
{
	double hx, hy, x1, y1, x2, y2, ox, oy, px, py, qx, qy, bu[4], bp[4];
	Agraph_t *g, *cu, *cp;

	need_zoo();
	for (int details = 0; details < 2; details++) {
		g = dot_of(details ? "-d" : NULL);
		cu = agsubg(g, "cluster_user", 0);
		cp = agsubg(g, "cluster_pid", 0);
		pos_of(ns_node(cu, "user", case_u64("userchain1", "parent")),
		       &hx, &hy);
		pos_of(ns_node(cu, "user", case_u64("userchain1", "ino")), &x1,
		       &y1);
		pos_of(ns_node(cu, "user", case_u64("userchain2", "ino")), &x2,
		       &y2);
		pos_of(ns_node(cu, "user", case_u64("ownuser", "ino")), &ox,
		       &oy);
		assert_true(hx < x1 && x1 < x2);
		/* Siblings of one rank: one column, one above the other. */
		assert_true(case_u64("ownuser", "parent") ==
			    case_u64("userchain1", "parent"));
		assert_true(fabs(ox - x1) < 1 && fabs(oy - y1) > 10);
		pos_of(ns_node(cp, "pid", case_u64("pid1", "parent")), &px,
		       &py);
		pos_of(ns_node(cp, "pid", case_u64("pid1", "ino")), &qx, &qy);
		assert_true(px < qx);
		bb_of(cu, bu);
		bb_of(cp, bp);
		if (!(bu[1] >= bp[3]))
			fail_msg("the user cluster (%s) is not above the PID "
				 "cluster (%s)",
				 attr(cu, "bb"), attr(cp, "bb"));
		agclose(g);
	}
}

/* Owner arrows: class owner, dashed; none with -A. */
static void test_owner_arrows(void **state)
{
	size_t owners[2] = {0, 0};

	need_zoo();
	for (int hide = 0; hide < 2; hide++) {
		Agraph_t *g = dot_of(hide ? "-A" : NULL);

		for (Agnode_t *n = agfstnode(g); n; n = agnxtnode(g, n))
			for (Agedge_t *e = agfstout(g, n); e;
			     e = agnxtout(g, e)) {
				bool cls =
					strcmp(attr(e, "class"), "owner") == 0;

				assert_true(cls == is_owner_edge(e));
				owners[hide] += cls;
			}
		agclose(g);
	}
	assert_true(owners[0] > 0);
	assert_int_equal(owners[1], 0);
}

static pid_t zoo_process(const char *name, const char **ret_argv0)
{
	json_object *list = json_object_object_get(zoo.m, "processes");

	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *p = json_object_array_get_idx(list, i);

		if (strcmp(json_object_get_string(
				   json_object_object_get(p, "name")),
			   name) == 0) {
			if (ret_argv0)
				*ret_argv0 = json_object_get_string(
					json_object_object_get(p, "argv0"));
			return (pid_t)json_object_get_int(
				json_object_object_get(p, "pid"));
		}
	}
	fail_msg("the zoo has no process '%s'", name);
	return -1;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Graphviz's quoting of a plain label, as the test knows it: each
 * backslash doubled, each '&' written "&amp;". */
static void gv_quote(char *out, size_t n, const char *text)
{
	size_t k = 0;

	for (; *text; text++) {
		const char *q = *text == '&'	? "&amp;"
				: *text == '\\' ? "\\\\"
						: NULL;
		size_t l = q ? strlen(q) : 1;

		assert_true(k + l < n);
		memcpy(out + k, q ? q : text, l);
		k += l;
	}
	out[k] = '\0';
}

/* XML character data back to text: the five entities and &#N;. */
static void xml_unescape(char *s)
{
	static const struct {
		const char *ent, c;
	} ents[] = {{"&amp;", '&'},
		    {"&lt;", '<'},
		    {"&gt;", '>'},
		    {"&quot;", '"'},
		    {"&apos;", '\''}};
	char *w = s;

	while (*s) {
		size_t i;

		if (*s != '&') {
			*w++ = *s++;
			continue;
		}
		if (s[1] == '#') {
			char *end;
			long c = strtol(s + 2, &end, 10);

			assert_true(*end == ';' && c > 0 && c < 0x80);
			*w++ = (char)c;
			s = end + 1;
			continue;
		}
		for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
			if (!strncmp(s, ents[i].ent, strlen(ents[i].ent)))
				break;
		assert_true(i < sizeof(ents) / sizeof(ents[0]));
		*w++ = ents[i].c;
		s += strlen(ents[i].ent);
	}
	*w = '\0';
}

/* The text lines of the SVG node titled TYPE-INO, unescaped. */
static size_t svg_node_text(const char *svg, const char *type, uint64_t ino,
			    char lines[][512], size_t max)
{
	char title[96];
	const char *p, *end;
	size_t n = 0;

	snprintf(title, sizeof(title), "<title>%s&#45;%ju</title>", type,
		 (uintmax_t)ino);
	p = strstr(svg, title);
	assert_non_null(p);
	end = strstr(p, "</g>");
	assert_non_null(end);
	while ((p = strstr(p, "<text")) && p < end) {
		const char *open = strchr(p, '>') + 1;
		const char *close = strstr(open, "</text>");

		assert_true(n < max);
		assert_true((size_t)(close - open) < sizeof(lines[0]));
		memcpy(lines[n], open, (size_t)(close - open));
		lines[n][close - open] = '\0';
		xml_unescape(lines[n]);
		n++;
		p = close;
	}
	return n;
}

/* Raw pieces of HOSTILE_ARGV0 that must never reach a graph. */
static const char *const raw_pieces[] = {
	"\x1b",		"\x7f", "\x01", "\xc2\x9b", /* C1 */
	"\xe2\x80\xae",				    /* bidi */
	"\xe2\x80\xa8",				    /* line separator */
	"\xe2\x80\x8b",				    /* zero width */
	"\xff",		"\xfe",
};

static void assert_no_raw(const char *data, size_t len, const char *what)
{
	for (size_t i = 0; i < sizeof(raw_pieces) / sizeof(raw_pieces[0]); i++)
		if (memmem(data, len, raw_pieces[i], strlen(raw_pieces[i])))
			fail_msg("%s: raw piece %zu of the hostile name", what,
				 i);
	if (!g_utf8_validate(data, (gssize)len, NULL))
		fail_msg("%s: not UTF-8", what);
	/* A raw 0x9b outside a valid sequence would have failed above. */
}

/* The last "\\n" of a Graphviz label: its own line break (the name's
 * escaped newlines come before it, as "\\\\n"). */
static const char *last_break(const char *label)
{
	const char *p, *last = NULL;

	for (p = label; (p = strstr(p, "\\n")); p++)
		last = p;
	assert_non_null(last);
	return last;
}

/*
 * Whether line, up to end (NULL: its end), is full cut short: a prefix of
 * full and "…"; with max, of at most max characters (UTF-8), and not much
 * fewer.
 */
static void assert_cut(const char *line, const char *end, const char *full,
		       size_t max)
{
	static const char ell[] = "…";
	size_t len = end ? (size_t)(end - line) : strlen(line);
	size_t body = len - strlen(ell);

	if (len < strlen(ell) || memcmp(line + body, ell, strlen(ell)) != 0)
		fail_msg("'%.*s' does not end in an ellipsis", (int)len, line);
	if (body >= strlen(full) || memcmp(line, full, body) != 0)
		fail_msg("'%.*s' is no prefix of '%s'", (int)body, line, full);
	if (max && (g_utf8_strlen(line, (gssize)body) > (glong)max ||
		    g_utf8_strlen(line, (gssize)body) < (glong)max - 10))
		fail_msg("'%.*s' is not cut near %zu characters", (int)body,
			 line, max);
}

/* The hostile name is one label, escaped, on its own node, and shown as
 * exactly the text tools' escaped name: in DOT, in SVG (what PNG and PDF
 * are drawn from too: the same label through the same layout), and in the
 * viewer, which shows that SVG. The label is cut short after 40
 * characters; the tooltip has the whole name. */
static void test_hostile(void **state)
{
	char shown[512], expected[1200], path[4200], lines[4][512];
	char kids[600], kids_expected[1300];
	const char *argv0 = NULL;
	uint64_t ino, pidns;
	Agraph_t *g;
	Agnode_t *n;
	pid_t pid;

	need_zoo();
	ino = case_u64("hostile", "ino");
	pid = zoo_process("hostile", &argv0);
	assert_non_null(argv0);
	snprintf(shown, sizeof(shown), "\"" HOSTILE_ARGV0_TEXT " (%d)\"",
		 (int)pid);
	gv_quote(expected, sizeof(expected) - 64, shown);
	snprintf(expected + strlen(expected), 64, "\\nuser:[%ju]",
		 (uintmax_t)ino);
	/* hostilepid, held only for the hostile process's children. */
	pidns = case_u64("hostilepid", "ino");
	snprintf(kids, sizeof(kids), "for children of process %s", shown);
	gv_quote(kids_expected, sizeof(kids_expected) - 64, kids);
	snprintf(kids_expected + strlen(kids_expected), 64, "\\npid:[%ju]",
		 (uintmax_t)pidns);

	for (int details = 0; details < 2; details++) {
		g = dot_of(details ? "-d" : NULL);
		n = ns_node(agsubg(g, "cluster_user", 0), "user", ino);
		assert_non_null(n);
		assert_string_equal(attr(n, "tooltip"), expected);
		assert_cut(attr(n, "label"), last_break(attr(n, "label")),
			   expected, 0);
		assert_string_equal(last_break(attr(n, "label")),
				    strstr(expected, "\\nuser:["));
		n = ns_node(agsubg(g, "cluster_pid", 0), "pid", pidns);
		assert_non_null(n);
		assert_string_equal(attr(n, "tooltip"), kids_expected);
		assert_cut(attr(n, "label"), last_break(attr(n, "label")),
			   kids_expected, 0);
		for (Agnode_t *k = agfstnode(g); k; k = agnxtnode(g, k))
			if (has_control(attr(k, "label")))
				fail_msg("a control character in the label of "
					 "%s",
					 agnameof(k));
		agclose(g);
		{
			char *argv[] = {
				(char *)graphns,       "-T", "dot", "-o", "-",
				details ? "-d" : NULL, NULL};
			struct output o;

			assert_int_equal(run(argv, NULL, &o), 0);
			assert_no_raw(o.out, o.out_len, "DOT");
			output_free(&o);
		}
	}

	/* The SVG: nothing raw, readable by librsvg, and the node's text
	 * is the escaped name and the namespace, no line more. */
	{
		char *argv[] = {(char *)graphns, "-o", path, NULL};
		struct output o;
		GError *err = NULL;
		RsvgHandle *h;
		gchar *svg;
		gsize len;
		char ns[64];

		snprintf(path, sizeof(path), "%s/hostile.svg", tmpdir);
		assert_int_equal(run(argv, NULL, &o), 0);
		output_free(&o);
		assert_true(g_file_get_contents(path, &svg, &len, NULL));
		assert_no_raw(svg, len, "SVG");
		assert_int_equal(svg_node_text(svg, "user", ino, lines, 4), 2);
		assert_cut(lines[0], NULL, shown, 40);
		snprintf(ns, sizeof(ns), "user:[%ju]", (uintmax_t)ino);
		assert_string_equal(lines[1], ns);
		assert_int_equal(svg_node_text(svg, "pid", pidns, lines, 4), 2);
		assert_cut(lines[0], NULL, kids, 40);
		snprintf(ns, sizeof(ns), "pid:[%ju]", (uintmax_t)pidns);
		assert_string_equal(lines[1], ns);
		/* No entity of the name became a line of its own. */
		assert_null(strstr(svg, ">user:[1]<"));
		h = rsvg_handle_new_from_data((guint8 *)svg, len, &err);
		assert_non_null(h);
		g_object_unref(h);
		g_free(svg);
	}
}

/* -d: what a user namespace owns, as boxes under it, several of a type in
 * a folder. */
static void test_details(void **state)
{
	Agraph_t *g, *cu;
	Agnode_t *host, *ou, *on, *folder, *bn, *ct, *fi;
	char name[96];

	need_zoo();
	/* Never a group: other zoos on the host may own many of a type. */
	g = dot_of2("-d", "--group=0");
	cu = agsubg(g, "cluster_user", 0);
	host = ns_node(cu, "user", case_u64("userchain1", "parent"));
	ou = ns_node(cu, "user", case_u64("ownuser", "ino"));
	on = ns_node(cu, "net", case_u64("ownnet", "ino"));
	assert_non_null(on);
	assert_string_equal(attr(on, "shape"), "box");
	assert_non_null(edge(g, on, ou));

	/* The host user namespace owns many net namespaces: one folder. */
	snprintf(name, sizeof(name), "user-%ju-net",
		 (uintmax_t)case_u64("userchain1", "parent"));
	folder = agnode(cu, name, 0);
	assert_non_null(folder);
	assert_string_equal(attr(folder, "shape"), "folder");
	assert_string_equal(attr(folder, "label"), "net");
	assert_non_null(edge(g, folder, host));
	bn = ns_node(cu, "net", case_u64("bindnet", "ino"));
	assert_non_null(edge(g, bn, folder));
	assert_non_null(strstr(attr(bn, "style"), "dashed"));
	assert_true(strncmp(attr(bn, "label"), "bind-mounted at \"", 17) == 0);
	fi = ns_node(cu, "ipc", case_u64("fdipc", "ino"));
	assert_non_null(fi);
	assert_true(strncmp(attr(fi, "label"), "held by fd ", 11) == 0);
	ct = ns_node(cu, "time", case_u64("childtime", "ino"));
	assert_non_null(ct);
	assert_non_null(ns_node(cu, "uts", case_u64("inneruts", "ino")));
	agclose(g);

	/* More than one of a type under one owner: one group node, with a
	 * count and the first holders, one edge, no node of each. */
	g = dot_of2("-d", "--group=1");
	cu = agsubg(g, "cluster_user", 0);
	host = ns_node(cu, "user", case_u64("userchain1", "parent"));
	folder = agnode(cu, name, 0);
	assert_non_null(folder);
	assert_string_equal(attr(folder, "class"), "group");
	assert_string_equal(attr(folder, "id"), name);
	{
		unsigned long k = 0;

		assert_int_equal(sscanf(attr(folder, "label"), "net × %lu", &k),
				 1);
		assert_true(k >= 2);
		assert_non_null(strstr(attr(folder, "tooltip"), "net × "));
	}
	assert_non_null(edge(g, folder, host));
	assert_int_equal(agdegree(g, folder, 1, 1), 1);
	assert_null(ns_node(cu, "net", case_u64("bindnet", "ino")));
	/* The zoo's own user namespace owns one net namespace: a box. */
	on = ns_node(cu, "net", case_u64("ownnet", "ino"));
	assert_non_null(on);
	assert_string_equal(attr(on, "class"), "owned");
	agclose(g);

	/* The default groups more than 8 of a type. */
	g = dot_of("-d");
	for (Agnode_t *k = agfstnode(g); k; k = agnxtnode(g, k)) {
		unsigned long c = 0;

		if (strcmp(attr(k, "class"), "group") == 0)
			assert_true(sscanf(attr(k, "label"), "%*s × %lu", &c) ==
					    1 &&
				    c > 8);
		if (strcmp(attr(k, "class"), "folder") == 0)
			assert_true(agdegree(g, k, 1, 0) <= 8);
	}
	/* Without -d, none of that. */
	agclose(g);
	g = dot_of(NULL);
	assert_null(ns_node(g, "net", case_u64("ownnet", "ino")));
	agclose(g);
}

/* ---- Files --------------------------------------------------------------- */

static void write_as(const char *name, const char *format, char *path, size_t n)
{
	char *argv[] = {(char *)graphns, "-o", path, NULL, NULL, NULL};
	struct output o;
	int r;

	snprintf(path, n, "%s/%s", tmpdir, name);
	if (format) {
		argv[3] = "-T";
		argv[4] = (char *)format;
	}
	unlink(path);
	r = run(argv, NULL, &o);
	if (r != 0)
		fprintf(stderr, "# graphns: %s", o.err);
	assert_int_equal(r, 0);
	assert_int_equal(o.out_len, 0);
	output_free(&o);
}

static void assert_magic(const char *path, const char *magic, size_t n)
{
	char buf[64] = {0};
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, n), (ssize_t)n);
	close(fd);
	if (memcmp(buf, magic, n) != 0)
		fail_msg("%s does not start with the right magic", path);
}

static void test_files(void **state)
{
	char path[4200];
	GError *err = NULL;
	RsvgHandle *h;
	double w = 0, hh = 0;
	cairo_surface_t *png;
	Agraph_t *g;
	FILE *f;

	write_as("g.svg", NULL, path, sizeof(path));
	assert_magic(path, "<?xml", 5);
	h = rsvg_handle_new_from_file(path, &err);
	if (!h)
		fail_msg("librsvg cannot read the SVG: %s", err->message);
	assert_true(rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &hh));
	assert_true(w > 10 && hh > 10);
	g_object_unref(h);

	write_as("g.png", NULL, path, sizeof(path));
	assert_magic(path, "\x89PNG\r\n\x1a\n", 8);
	png = cairo_image_surface_create_from_png(path);
	assert_int_equal(cairo_surface_status(png), CAIRO_STATUS_SUCCESS);
	assert_true(cairo_image_surface_get_width(png) > 10);
	cairo_surface_destroy(png);

	write_as("g.pdf", NULL, path, sizeof(path));
	assert_magic(path, "%PDF-", 5);

	write_as("g.dot", NULL, path, sizeof(path));
	f = fopen(path, "r");
	assert_non_null(f);
	g = agread(f, NULL);
	fclose(f);
	assert_non_null(g);
	assert_non_null(agsubg(g, "cluster_user", 0));
	assert_true(agnnodes(g) >= 2);
	agclose(g);

	/* The page: HTML with the SVG in it and nothing to load. */
	write_as("g.html", NULL, path, sizeof(path));
	assert_magic(path, "<!DOCTYPE html>", 15);
	{
		gchar *page;
		gsize len;

		assert_true(g_file_get_contents(path, &page, &len, NULL));
		assert_non_null(strstr(page, "<svg"));
		assert_non_null(strstr(page, "id=\"data\""));
		assert_null(strstr(page, "<script src"));
		assert_no_raw(page, len, "HTML");
		g_free(page);
	}
	write_as("g.out", "html", path, sizeof(path));
	assert_magic(path, "<!DOCTYPE html>", 15);

	/* -T wins over the name; upper case extensions count. */
	write_as("graph.out", "png", path, sizeof(path));
	assert_magic(path, "\x89PNG", 4);
	write_as("G.SVG", NULL, path, sizeof(path));
	assert_magic(path, "<?xml", 5);
}

/* ---- Options and errors -------------------------------------------------- */

/* What --help and the viewer's help name: every key it handles. */
static const char *const help_keys_named[] = {
	"drag",
	"wheel",
	"+, -",
	"0 ",
	"1 ",
	"arrow keys",
	"/, Ctrl+F",
	"Enter, n",
	"s ",
	"h, F1",
	"Escape",
	"q ",
	"hide or show the owner arrows",
	"e, double-click",
};

static void test_options(void **state)
{
	struct output o;

	{
		char *argv[] = {(char *)graphns, "--help", NULL};

		assert_int_equal(run(argv, NULL, &o), 0);
		assert_non_null(strstr(o.out, "Usage: graphns"));
		/* every key of the viewer */
		for (size_t i = 0;
		     i < sizeof(help_keys_named) / sizeof(help_keys_named[0]);
		     i++)
			if (!strstr(o.out, help_keys_named[i]))
				fail_msg("--help does not name %s",
					 help_keys_named[i]);
		assert_int_equal(o.err_len, 0);
		output_free(&o);
	}
	{
		char *argv[] = {(char *)graphns, "-V", NULL};

		assert_int_equal(run(argv, NULL, &o), 0);
		assert_non_null(strstr(o.out, "graphns (nsrel) "));
		output_free(&o);
	}
	{
		char *argv[] = {(char *)graphns, "--bogus", NULL};

		assert_int_equal(run(argv, NULL, &o), 2);
		assert_non_null(strstr(o.err, "Try 'graphns --help'"));
		assert_int_equal(o.out_len, 0);
		output_free(&o);
	}
	{
		char *argv[] = {(char *)graphns, "-T", "jpeg", "-o", "x", NULL};

		assert_int_equal(run(argv, NULL, &o), 2);
		assert_non_null(strstr(o.err, "jpeg"));
		output_free(&o);
	}
	{
		char *argv[] = {(char *)graphns, "-o", "/nonexistent/x.gif",
				NULL};

		assert_int_equal(run(argv, NULL, &o), 2);
		output_free(&o);
	}
	{
		char *argv[] = {(char *)graphns, "--group=x", "-T", "dot",
				NULL};

		assert_int_equal(run(argv, NULL, &o), 2);
		assert_non_null(strstr(o.err, "--group"));
		output_free(&o);
	}
	{
		char *argv[] = {(char *)graphns, "-o", "/nonexistent/x.svg",
				NULL};

		assert_int_equal(run(argv, NULL, &o), 1);
		assert_non_null(strstr(o.err, "/nonexistent/x.svg"));
		output_free(&o);
	}
}

/* ---- -o FILE: opened first, never left half written ---------------------- */

/* A mount namespace of our own whose /proc is an empty tmpfs: the scan
 * fails there. */
static void hide_proc(void)
{
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("none", "/proc", "tmpfs", 0, NULL) < 0)
		_exit(77);
}

/* Files may grow to 256 bytes only; a write past that fails (EFBIG). */
static void small_files(void)
{
	struct rlimit rl = {256, 256};

	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
		_exit(77);
}

/* The names in dir, one per line after a '/', sorted; caller frees. */
static char *dir_list(const char *dir)
{
	struct dirent **names;
	char *s = calloc(1, 1);
	size_t len = 0;
	int n = scandir(dir, &names, NULL, alphasort);

	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") &&
		    strcmp(names[i]->d_name, "..")) {
			s = realloc(s, len + strlen(names[i]->d_name) + 2);
			assert_non_null(s);
			len += (size_t)sprintf(s + len, "/%s",
					       names[i]->d_name);
		}
		free(names[i]);
	}
	free(names);
	return s;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void assert_file(const char *path, const char *text)
{
	char buf[64] = {0};
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	assert_string_equal(buf, text);
}

static void test_output_first(void **state)
{
	char dir[4200], path[4300];
	char *argv[] = {(char *)graphns, "-o", "/nonexistent/x.svg", NULL};
	struct output o;
	char *names;
	int r;

	snprintf(dir, sizeof(dir), "%s/out", tmpdir);
	assert_true(mkdir(dir, 0700) == 0 || errno == EEXIST);

	/* A graph that cannot be written fails before the scan would. */
	pre_exec = hide_proc;
	r = run(argv, NULL, &o);
	pre_exec = NULL;
	if (r == 77) {
		output_free(&o);
		skip();
	}
	assert_int_equal(r, 1);
	if (!strstr(o.err, "cannot open /nonexistent/x.svg") ||
	    strstr(o.err, "discover"))
		fail_msg("stderr: %s", o.err);
	output_free(&o);

	/* A scan that fails leaves neither FILE nor a temporary file. */
	snprintf(path, sizeof(path), "%s/new.svg", dir);
	argv[2] = path;
	pre_exec = hide_proc;
	assert_int_equal(run(argv, NULL, &o), 1);
	pre_exec = NULL;
	assert_non_null(strstr(o.err, "cannot discover namespaces"));
	output_free(&o);
	names = dir_list(dir);
	assert_string_equal(names, "");
	free(names);
}

static void test_output_whole(void **state)
{
	char dir[4200], path[4300];
	char *argv[] = {(char *)graphns, "-o", path, NULL};
	struct output o;
	struct stat st;
	char *names;

	snprintf(dir, sizeof(dir), "%s/whole", tmpdir);
	assert_true(mkdir(dir, 0700) == 0 || errno == EEXIST);
	snprintf(path, sizeof(path), "%s/g.svg", dir);

	/* A write that fails leaves the old file as it was, and no other. */
	write_file(path, "old\n");
	assert_int_equal(chmod(path, 0640), 0);
	pre_exec = small_files;
	assert_int_equal(run(argv, NULL, &o), 1);
	pre_exec = NULL;
	if (!strstr(o.err, "cannot write") || !strstr(o.err, path))
		fail_msg("stderr: %s", o.err);
	output_free(&o);
	assert_file(path, "old\n");
	names = dir_list(dir);
	assert_string_equal(names, "/g.svg");
	free(names);

	/* One that succeeds replaces it whole, with the mode it had. */
	assert_int_equal(run(argv, NULL, &o), 0);
	output_free(&o);
	assert_magic(path, "<?xml", 5);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	names = dir_list(dir);
	assert_string_equal(names, "/g.svg");
	free(names);
}

/* No display and no -o: a clear error that suggests -o, exit 1. */
static void test_no_display(void **state)
{
	const char *const unset[] = {"DISPLAY", "WAYLAND_DISPLAY", NULL};
	char *argv[] = {(char *)graphns, NULL};
	char **env = make_env(unset, NULL);
	struct output o;

	assert_int_equal(run(argv, env, &o), 1);
	assert_non_null(strstr(o.err, "display"));
	assert_non_null(strstr(o.err, "-o FILE"));
	assert_int_equal(o.out_len, 0);
	output_free(&o);
	free(env);
}

/* ---- The viewer under Xvfb ----------------------------------------------- */

static struct {
	pid_t pid;
	char display[16];
	char xdotool[64], import[64];
	char log[4200];
	const char *skip;
} x = {.pid = -1};

static int xvfb_start(void **state)
{
	char xvfb[64], buf[32] = "", fdarg[16];
	int p[2];
	ssize_t n;

	if (!have_program("Xvfb", xvfb, sizeof(xvfb))) {
		x.skip = "Xvfb is not installed (package xvfb)";
		return 0;
	}
	if (!have_program("xdotool", x.xdotool, sizeof(x.xdotool))) {
		x.skip = "xdotool is not installed";
		return 0;
	}
	if (!have_program("import", x.import, sizeof(x.import))) {
		x.skip = "import is not installed (package imagemagick)";
		return 0;
	}
	if (pipe(p) < 0)
		return -1;
	snprintf(x.log, sizeof(x.log), "%s/xvfb.log", tmpdir);
	snprintf(fdarg, sizeof(fdarg), "%d", p[1]);
	{
		char *argv[] = {xvfb,	     "-displayfd", fdarg,
				"-screen",   "0",	   "1280x800x24",
				"-nolisten", "tcp",	   NULL};
		pid_t pid = fork();

		if (pid == 0) {
			int devnull = open("/dev/null", O_RDWR);
			int log =
				open(x.log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

			dup2(devnull, 0);
			dup2(devnull, 1);
			dup2(log >= 0 ? log : devnull, 2);
			close(p[0]);
			execv(xvfb, argv);
			_exit(127);
		}
		x.pid = pid;
	}
	close(p[1]);
	/* Xvfb writes the number and the newline apart, and dies if the
	 * pipe is gone in between. */
	for (size_t len = 0; !strchr(buf, '\n') && len < sizeof(buf) - 1;
	     len += (size_t)n) {
		n = read(p[0], buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
	}
	close(p[0]);
	if (!strchr(buf, '\n')) {
		x.skip = "Xvfb did not start";
		return 0;
	}
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(x.display, sizeof(x.display), ":%s", buf);
	return 0;
}

static int xvfb_stop(void **state)
{
	if (x.pid > 0) {
		kill(x.pid, SIGTERM);
		if (wait_for(x.pid, 5000) < 0)
			fprintf(stderr, "# Xvfb did not stop; killed\n");
	}
	return 0;
}

static char **x_env(const char *const *more)
{
	static char display[32];
	const char *set[10] = {display, "GTK_A11Y=none", "NO_AT_BRIDGE=1",
			       "GSETTINGS_BACKEND=memory"};
	const char *const unset[] = {"WAYLAND_DISPLAY", "ASAN_OPTIONS", NULL};
	char *asan = getenv("ASAN_OPTIONS");
	static char asan_opts[512];
	size_t k = 4;

	snprintf(display, sizeof(display), "DISPLAY=%s", x.display);
	/* GTK, fontconfig and Mesa keep caches for the life of the process;
	 * LeakSanitizer would call them leaks of ours. */
	snprintf(asan_opts, sizeof(asan_opts),
		 "ASAN_OPTIONS=%s%sdetect_leaks=0", asan ? asan : "",
		 asan && *asan ? ":" : "");
	set[k++] = asan_opts;
	for (size_t i = 0; more && more[i] && k < 9; i++)
		set[k++] = more[i];
	set[k] = NULL;
	return make_env(unset, set);
}

/* xdotool ARGV... (argv[0] is replaced): its first line of output (caller
 * frees), NULL if it failed. */
static char *xdo_argv(char *argv[])
{
	char **env = x_env(NULL);
	struct output o;
	char *line = NULL;
	int r;

	argv[0] = x.xdotool;
	r = run(argv, env, &o);
	free(env);
	if (r == 0) {
		o.out[strcspn(o.out, "\n")] = '\0';
		line = strdup(o.out);
	}
	output_free(&o);
	return line;
}

static char *xdo(const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *argv[] = {x.xdotool,  (char *)a1, (char *)a2,
			(char *)a3, (char *)a4, NULL};

	return xdo_argv(argv);
}

/* A child of parent, or 0. */
static pid_t child_of(pid_t parent)
{
	char path[64], buf[512];
	pid_t found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)parent,
		 (int)parent);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f))
		found = (pid_t)atoi(buf);
	fclose(f);
	return found;
}

/* The visible graphns window of pid, or with child of a child of pid (the
 * viewer graphns starts under sudo), waiting up to ms: on a loaded machine
 * the scan and the layout take long. By pid, so that no other window (of a
 * viewer a failed test left behind) is taken for it. */
static char *wait_window(pid_t pid, bool child, int ms)
{
	long long end = now_ms() + ms;

	do {
		pid_t p = child ? child_of(pid) : pid;
		char pidarg[16];
		char *argv[] = {NULL,	 "search", "--all",  "--onlyvisible",
				"--pid", pidarg,   "--name", "^graphns: ",
				NULL};
		char *w;

		snprintf(pidarg, sizeof(pidarg), "%d", (int)p);
		w = p > 0 ? xdo_argv(argv) : NULL;
		if (w && *w)
			return w;
		free(w);
		/* graphns gave up (no display): no window to wait for */
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return NULL;
		usleep(200000);
	} while (now_ms() < end);
	return NULL;
}

/* graphns of a viewer test, until it has exited. */
static pid_t viewer_pid = -1;

/* A viewer a failed test left (and the one it started): killed, so that
 * its window is gone before the next test looks for one. */
static void kill_viewer(void)
{
	if (viewer_pid <= 0)
		return;
	kill(-viewer_pid, SIGKILL);
	waitpid(viewer_pid, NULL, 0);
	viewer_pid = -1;
}

/* The screen as a cairo image surface. */
static cairo_surface_t *screenshot(const char *name)
{
	char path[4200];
	char *argv[] = {x.import, "-display", x.display, "-window",
			"root",	  path,	      NULL};
	struct output o;
	cairo_surface_t *s;

	snprintf(path, sizeof(path), "png:%s/%s", tmpdir, name);
	assert_int_equal(run(argv, NULL, &o), 0);
	output_free(&o);
	s = cairo_image_surface_create_from_png(path + 4);
	assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	return s;
}

/* How many pixels are not the colour of the top left one, and how many
 * colours there are (up to 64). */
static void picture_stats(cairo_surface_t *s, size_t *ret_other,
			  size_t *ret_colors)
{
	int w = cairo_image_surface_get_width(s);
	int h = cairo_image_surface_get_height(s);
	int stride = cairo_image_surface_get_stride(s);
	unsigned char *d;
	uint32_t bg, colors[64];
	size_t other = 0, nc = 0;

	cairo_surface_flush(s);
	d = cairo_image_surface_get_data(s);
	bg = *(uint32_t *)d & 0xffffff;
	for (int y = 0; y < h; y++) {
		for (int xx = 0; xx < w; xx++) {
			uint32_t p =
				((uint32_t *)(d + y * stride))[xx] & 0xffffff;
			size_t k;

			if (p != bg)
				other++;
			for (k = 0; k < nc && colors[k] != p; k++)
				;
			if (k == nc && nc < 64)
				colors[nc++] = p;
		}
	}
	*ret_other = other;
	*ret_colors = nc;
}

/* Pixels that differ between a and b in the rows above ymax. */
static size_t picture_diff_rows(cairo_surface_t *a, cairo_surface_t *b,
				int ymax)
{
	int w = cairo_image_surface_get_width(a);
	int h = cairo_image_surface_get_height(a);
	int stride = cairo_image_surface_get_stride(a);
	unsigned char *da = cairo_image_surface_get_data(a);
	unsigned char *db = cairo_image_surface_get_data(b);
	size_t diff = 0;

	for (int y = 0; y < h && y < ymax; y++)
		for (int xx = 0; xx < w; xx++)
			if ((((uint32_t *)(da + y * stride))[xx] ^
			     ((uint32_t *)(db + y * stride))[xx]) &
			    0xffffff)
				diff++;
	return diff;
}

static size_t picture_diff(cairo_surface_t *a, cairo_surface_t *b)
{
	assert_int_equal(cairo_image_surface_get_width(a),
			 cairo_image_surface_get_width(b));
	assert_int_equal(cairo_image_surface_get_height(a),
			 cairo_image_surface_get_height(b));
	return picture_diff_rows(a, b, cairo_image_surface_get_height(a));
}

/* What a screenshot must show: with from, more than 1000 pixels changed
 * since from; without, a drawn graph (more than 10,000 pixels not
 * background, at least 4 colours). */
static bool shows(cairo_surface_t *s, cairo_surface_t *from)
{
	size_t other, colors;

	if (from)
		return picture_diff(from, s) > 1000;
	picture_stats(s, &other, &colors);
	return other > 10000 && colors >= 4;
}

/*
 * Screenshots until the screen shows what is wanted (see shows()) and has
 * settled (two shots alike), for up to 30 s: a loaded machine draws late.
 * The last shot; the caller asserts on it.
 */
static cairo_surface_t *shot_when(const char *name, cairo_surface_t *from)
{
	long long deadline = now_ms() + 30000;
	cairo_surface_t *last = screenshot(name), *s;

	for (;;) {
		bool good = shows(last, from);

		if (!good && now_ms() > deadline)
			return last;
		usleep(100000);
		s = screenshot(name);
		if (good && picture_diff(last, s) == 0) {
			cairo_surface_destroy(last);
			return s;
		}
		cairo_surface_destroy(last);
		last = s;
		if (now_ms() > deadline)
			return last;
	}
}

/* The screen (SHOT-SUFFIX.png) once more than 1000 pixels have changed
 * since from (see shot_when()), the number said as what did it. */
static cairo_surface_t *changed_since(cairo_surface_t *from, const char *shot,
				      const char *suffix, const char *what)
{
	cairo_surface_t *s;
	char name[64];
	size_t diff;

	snprintf(name, sizeof(name), "%s-%s.png", shot, suffix);
	s = shot_when(name, from);
	diff = picture_diff(from, s);
	printf("# %s changed %zu pixels\n", what, diff);
	assert_true(diff > 1000);
	return s;
}

static void print_file(const char *what, const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		printf("# %s: %s", what, line);
	fclose(f);
}

static void need_x(void)
{
	if (x.skip) {
		printf("# %s\n", x.skip);
		skip();
	}
}

/* The wheel zooms and a drag moves: both change the picture. */
static void mouse(const char *win, cairo_surface_t *before, const char *shot)
{
	cairo_surface_t *s;

	/* Without a window manager the window sits at the screen's top
	 * left corner. */
	free(xdo("mousemove", "400", "250", NULL));
	free(xdo("click", "4", NULL, NULL));
	s = changed_since(before, shot, "wheel", "the wheel");

	free(xdo("mousedown", "1", NULL, NULL));
	free(xdo("mousemove_relative", "--", "120", "80"));
	free(xdo("mousemove_relative", "--", "120", "80"));
	free(xdo("mouseup", "1", NULL, NULL));
	cairo_surface_destroy(changed_since(s, shot, "drag", "the drag"));
	cairo_surface_destroy(s);
}

/* ---- A viewer and its trace ---------------------------------------------- */

/*
 * graphns --viewer-trace: the viewer says on stderr what it shows and does
 * ("viewer: view mode=... scale=...", "viewer: status ok: ...", ...). The
 * tests wait for those lines, each with a timeout, and check the screen
 * where what they check is drawn.
 */
struct view_line {
	char mode[16];
	double scale, x, y, rx, ry;
	int w, h;
};

static struct {
	pid_t pid;  /* graphns, the leader of its process group */
	bool child; /* the window is a child's (under sudo) */
	int err;    /* graphns' stderr */
	bool eof;
	char *buf;	      /* all it wrote so far */
	size_t len, cap, pos; /* pos: where the next trace_wait() looks */
	char *win;
	struct view_line view; /* the last view traced */
	double gw, gh;	       /* the graph's size at 1x */
	unsigned nodes, owner; /* its nodes, its owner arrows */
} vr = {.pid = -1, .err = -1};

static bool parse_view(const char *l, struct view_line *v)
{
	return sscanf(l,
		      "view mode=%15s scale=%lf x=%lf y=%lf size=%dx%d "
		      "root=%lf,%lf",
		      v->mode, &v->scale, &v->x, &v->y, &v->w, &v->h, &v->rx,
		      &v->ry) == 8;
}

/* The next trace line after vr.pos that starts with prefix (without
 * "viewer: "), waiting up to ms for it; NULL (caller frees) on timeout or
 * when graphns has closed its stderr. */
static char *trace_wait(const char *prefix, int ms)
{
	long long end = now_ms() + ms;
	size_t plen = strlen(prefix);

	for (;;) {
		while (vr.pos < vr.len) {
			char *line = vr.buf + vr.pos;
			char *nl = memchr(line, '\n', vr.len - vr.pos);

			if (!nl)
				break;
			vr.pos = (size_t)(nl - vr.buf) + 1;
			if (strncmp(line, "viewer: ", 8) != 0)
				continue;
			line += 8;
			*nl = '\0';
			if (strncmp(line, "view ", 5) == 0)
				parse_view(line, &vr.view);
			if (strncmp(line, prefix, plen) == 0) {
				char *r = strdup(line);

				*nl = '\n';
				return r;
			}
			*nl = '\n';
		}
		long long left = end - now_ms();
		struct pollfd p = {.fd = vr.err, .events = POLLIN};

		if (left <= 0 || vr.eof)
			return NULL;
		if (poll(&p, 1, (int)left) > 0) {
			size_t before = vr.len;

			slurp(vr.err, &vr.buf, &vr.len, &vr.cap);
			if (vr.len == before)
				vr.eof = true;
		}
	}
}

/* trace_wait() that fails the test on timeout. */
static char *trace_need(const char *prefix, int ms)
{
	char *l = trace_wait(prefix, ms);

	if (!l) {
		/* cmocka cuts a long message: the end, where the answer is,
		 * goes to stdout whole */
		size_t from = vr.len > 4000 ? vr.len - 4000 : 0;

		printf("# the viewer's stderr, the last %zu bytes:\n%.*s\n",
		       vr.len - from, (int)(vr.len - from),
		       vr.buf ? vr.buf + from : "");
		fail_msg("the viewer did not say \"%s...\" within %d s", prefix,
			 ms / 1000);
	}
	printf("# %s\n", l);
	return l;
}

/* The next view traced that is of mode (NULL: any) in an area w wide (0:
 * any), into *v. */
static void view_need(const char *mode, int w, struct view_line *v, int ms)
{
	long long end = now_ms() + ms;

	for (;;) {
		char *l = trace_wait("view ", (int)(end - now_ms()));
		struct view_line got;

		if (!l)
			fail_msg("no view of mode %s and width %d traced; the "
				 "last: mode=%s scale=%.4f size=%dx%d",
				 mode ? mode : "any", w, vr.view.mode,
				 vr.view.scale, vr.view.w, vr.view.h);
		if (parse_view(l, &got) &&
		    (!mode || strcmp(got.mode, mode) == 0) &&
		    (!w || got.w == w)) {
			printf("# %s\n", l);
			free(l);
			*v = got;
			return;
		}
		free(l);
	}
}

static void x_key(const char *key)
{
	free(xdo("windowfocus", "--sync", vr.win, NULL));
	free(xdo("key", key, NULL, NULL));
}

static bool viewer_alive(void)
{
	return waitpid(vr.pid, NULL, WNOHANG) == 0;
}

/* Options for the next viewer_start(), NULL-terminated. */
static const char *viewer_extra[4];

/* graphns --viewer-trace with the environment env, until its window (a
 * child's, with child) appears and has drawn its first view. */
static bool viewer_spawn(char **env, bool child)
{
	char *argv[8] = {(char *)graphns, "--viewer-trace"};
	int errp[2];

	for (int i = 0; viewer_extra[i]; i++)
		argv[2 + i] = (char *)viewer_extra[i];

	kill_viewer();
	free(vr.buf);
	free(vr.win);
	if (vr.err >= 0)
		close(vr.err);
	memset(&vr, 0, sizeof(vr));
	vr.err = -1;
	assert_int_equal(pipe2(errp, O_CLOEXEC), 0);
	/* A whole run's trace fits: the viewer never waits for us. */
	fcntl(errp[0], F_SETPIPE_SZ, 1 << 20);
	vr.pid = viewer_pid = spawn(argv, env, -1, -1, errp[1]);
	vr.err = errp[0];
	vr.child = child;
	close(errp[1]);
	vr.win = wait_window(vr.pid, child, 120000);
	if (vr.win)
		return true;
	kill_viewer();
	trace_wait("never", 1000);
	return false;
}

static void viewer_start(char **env, bool child)
{
	char *l;

	/* On this shared machine a connection to Xvfb has been refused now
	 * and then, Xvfb still running: once more, saying so. */
	if (!viewer_spawn(env, child) && vr.buf &&
	    strstr(vr.buf, "cannot open the display") && x.pid > 0 &&
	    kill(x.pid, 0) == 0) {
		printf("# the viewer could not open the display %s; once "
		       "more\n",
		       x.display);
		viewer_spawn(env, child);
	}
	if (!vr.win) {
		print_file("Xvfb", x.log);
		fail_msg("no graphns window appeared; Xvfb %s; stderr: %s",
			 x.pid > 0 && kill(x.pid, 0) == 0 ? "running" : "gone",
			 vr.buf ? vr.buf : "");
	}
	l = trace_need("graph ", 60000);
	assert_int_equal(sscanf(l, "graph %lfx%lf nodes=%u root=%*s owner=%u",
				&vr.gw, &vr.gh, &vr.nodes, &vr.owner),
			 4);
	free(l);
	view_need(NULL, 0, &vr.view, 60000);
}

/* Closes the viewer with key; graphns' exit status. The rest of its
 * trace is read. */
static int viewer_close(const char *key)
{
	int r;

	x_key(key);
	r = wait_for(vr.pid, 30000);
	viewer_pid = -1;
	kill(-vr.pid, SIGKILL); /* whatever it left */
	free(trace_wait("never", 2000));
	return r;
}

/* Nothing GLib would print as a warning or a critical. */
static void assert_no_warnings(void)
{
	const char *w = vr.buf ? vr.buf : "";

	if (strstr(w, "-WARNING **") || strstr(w, "-CRITICAL **") ||
	    strstr(w, "Gtk-Message"))
		fail_msg("the viewer printed warnings:\n%s", w);
}

static void window_geometry(const char *win, int *x0, int *y0, int *w, int *h)
{
	char *argv[] = {NULL, "getwindowgeometry", "--shell", (char *)win,
			NULL};
	char **env = x_env(NULL);
	struct output o;
	const char *p;

	argv[0] = x.xdotool;
	assert_int_equal(run(argv, env, &o), 0);
	free(env);
	*x0 = (p = strstr(o.out, "X=")) ? atoi(p + 2) : 0;
	*y0 = (p = strstr(o.out, "Y=")) ? atoi(p + 2) : 0;
	*w = (p = strstr(o.out, "WIDTH=")) ? atoi(p + 6) : 0;
	*h = (p = strstr(o.out, "HEIGHT=")) ? atoi(p + 7) : 0;
	output_free(&o);
}

/* Pixels of colour rgb in the rectangle (x0, y0)-(x1, y1) of s. */
static size_t count_color(cairo_surface_t *s, int x0, int y0, int x1, int y1,
			  uint32_t rgb)
{
	int w = cairo_image_surface_get_width(s);
	int h = cairo_image_surface_get_height(s);
	int stride = cairo_image_surface_get_stride(s);
	unsigned char *d;
	size_t n = 0;

	cairo_surface_flush(s);
	d = cairo_image_surface_get_data(s);
	for (int y = y0 < 0 ? 0 : y0; y < y1 && y < h; y++)
		for (int xx = x0 < 0 ? 0 : x0; xx < x1 && xx < w; xx++)
			if ((((uint32_t *)(d + y * stride))[xx] & 0xffffff) ==
			    rgb)
				n++;
	return n;
}

/* The status line's colours (viewer.c's CSS). */
#define STATUS_OK    0xdff3df
#define STATUS_ERROR 0xffe0e0

/* Screenshots until the bottom 40 rows of the window hold more than 2000
 * pixels of colour want (and, with unwanted, none of that), for up to
 * 20 s: the status line, drawn in the window. */
static void status_drawn(uint32_t want, uint32_t unwanted, const char *shot)
{
	long long end = now_ms() + 20000;
	size_t n = 0, bad = 0;
	int wx, wy, ww, wh;

	window_geometry(vr.win, &wx, &wy, &ww, &wh);
	do {
		cairo_surface_t *s = screenshot(shot);

		n = count_color(s, wx, wy + wh - 40, wx + ww, wy + wh, want);
		bad = unwanted ? count_color(s, wx, wy + wh - 40, wx + ww,
					     wy + wh, unwanted)
			       : 0;
		cairo_surface_destroy(s);
		if (n > 2000 && bad == 0)
			break;
		usleep(100000);
	} while (now_ms() < end);
	printf("# status line: %zu pixels of #%06x, %zu of #%06x\n", n,
	       (unsigned)want, bad, (unsigned)unwanted);
	assert_true(n > 2000);
	assert_int_equal(bad, 0);
}

/* 's' opens a file dialog; path is typed into it, and Return. The folder
 * the dialog started in, from the trace (caller frees). */
static char *dialog_save(const char *path)
{
	char *dialog = NULL, *l, *folder;

	x_key("s");
	l = trace_need("save dialog in ", 30000);
	folder = strdup(l + strlen("save dialog in "));
	free(l);
	for (long long end = now_ms() + 30000; !dialog && now_ms() < end;) {
		dialog = xdo("search", "--onlyvisible", "--name",
			     "^Save the graph as SVG");
		if (dialog && !*dialog) {
			free(dialog);
			dialog = NULL;
		}
		if (!dialog)
			usleep(200000);
	}
	if (!dialog)
		fail_msg("'s' opened no save dialog");
	free(xdo("windowfocus", "--sync", dialog, NULL));
	free(xdo("key", "ctrl+a", NULL, NULL));
	free(xdo("type", "--delay", "10", path));
	free(xdo("key", "Return", NULL, NULL));
	free(dialog);
	return folder;
}

/* A save through the dialog (started in folder, unless NULL) to path that
 * works: said in the window, and the file is the SVG. */
static void save_ok(const char *folder, const char *path, const char *shot)
{
	char want[4300], *l, *from;
	GError *err = NULL;
	RsvgHandle *h;

	from = dialog_save(path);
	if (folder)
		assert_string_equal(from, folder);
	free(from);
	l = trace_need("status ", 30000);
	snprintf(want, sizeof(want), "status ok: Saved %s (", path);
	if (strncmp(l, want, strlen(want)) != 0)
		fail_msg("saving %s: %s", path, l);
	free(l);
	h = rsvg_handle_new_from_file(path, &err);
	if (!h)
		fail_msg("the saved SVG does not parse: %s", err->message);
	g_object_unref(h);
	status_drawn(STATUS_OK, STATUS_ERROR, shot);
}

/* A save to path that fails: said in the window, not in the title. */
static void save_fails(const char *folder, const char *path, const char *shot)
{
	char *l, *title, *from;

	from = dialog_save(path);
	if (folder)
		assert_string_equal(from, folder);
	free(from);
	l = trace_need("status ", 30000);
	assert_true(strncmp(l, "status error: Not saved: ", 25) == 0);
	free(l);
	status_drawn(STATUS_ERROR, STATUS_OK, shot);
	title = xdo("getwindowname", vr.win, NULL, NULL);
	assert_non_null(title);
	assert_null(strstr(title, "not saved"));
	assert_non_null(strstr(title, "user and"));
	free(title);
}

/* The environment of a viewer test: no session bus, no settings backend
 * chosen (the viewer must not print warnings without them), a home and
 * a runtime directory of the test's own, plus more. */
static char **viewer_env(const char *home, const char *runtime,
			 const char *const *more)
{
	static char h[sizeof("HOME=") + 4200],
		r[sizeof("XDG_RUNTIME_DIR=") + 4200];
	const char *set[8];
	const char *const unset[] = {"WAYLAND_DISPLAY", "ASAN_OPTIONS",
				     "DBUS_SESSION_BUS_ADDRESS",
				     "GSETTINGS_BACKEND", NULL};
	char **base, **env, **saved = environ;
	size_t k = 0;

	if (home) {
		snprintf(h, sizeof(h), "HOME=%s", home);
		set[k++] = h;
	}
	snprintf(r, sizeof(r), "XDG_RUNTIME_DIR=%s", runtime);
	set[k++] = r;
	for (size_t i = 0; more && more[i] && k < 7; i++)
		set[k++] = more[i];
	set[k] = NULL;
	base = x_env(set);
	environ = base;
	env = make_env(unset, NULL);
	environ = saved;
	/* x_env()'s ASAN_OPTIONS, unset above with the rest */
	for (size_t i = 0; base[i]; i++)
		if (strncmp(base[i], "ASAN_OPTIONS=", 13) == 0) {
			size_t n = 0;

			while (env[n])
				n++;
			env = realloc(env, (n + 2) * sizeof(*env));
			env[n] = base[i];
			env[n + 1] = NULL;
		}
	free(base);
	return env;
}

static void make_dir(const char *path, uid_t uid)
{
	assert_true(mkdir(path, 0700) == 0 || errno == EEXIST);
	if (uid != getuid())
		assert_int_equal(chown(path, uid, uid), 0);
}

/* The viewer as the test's user, with a home and a runtime directory in
 * tmpdir. */
static void viewer_start_here(void)
{
	char home[4200], run_dir[4200], **env;

	snprintf(home, sizeof(home), "%s/home", tmpdir);
	snprintf(run_dir, sizeof(run_dir), "%s/run", tmpdir);
	make_dir(home, getuid());
	make_dir(run_dir, getuid());
	env = viewer_env(home, run_dir, NULL);
	viewer_start(env, false);
	free(env);
}

/* The first view can be read: at least 0.75x, with the root in the
 * window. */
static void assert_readable_start(const struct view_line *v)
{
	assert_true(v->scale >= 0.75);
	assert_true(v->rx >= 0 && v->rx <= v->w);
	assert_true(v->ry >= 0 && v->ry <= v->h);
}

/* Highlight frames (viewer.c's colours) drawn around (x, y) of the
 * window. */
static void highlight_drawn(double mx, double my, const char *shot)
{
	long long end = now_ms() + 20000;
	size_t n = 0;
	int wx, wy, ww, wh;

	window_geometry(vr.win, &wx, &wy, &ww, &wh);
	do {
		cairo_surface_t *s = screenshot(shot);
		int cx = wx + (int)mx, cy = wy + (int)my;

		/* cairo's rgb(0.9, 0.2, 0) */
		n = count_color(s, cx - 300, cy - 150, cx + 300, cy + 150,
				0xe63300);
		cairo_surface_destroy(s);
		if (n > 200)
			break;
		usleep(100000);
	} while (now_ms() < end);
	printf("# %zu pixels of the current match's frame\n", n);
	assert_true(n > 200);
}

/* Where search() found its first match, in the window. */
static double found_x, found_y;

/* '/' opens the search; query typed there finds something, Return goes to
 * the first match: the node named want (NULL: any), centred at 1x or more,
 * its frame drawn. Escape closes the search, not the viewer. */
static void search(const char *query, const char *want, const char *shot)
{
	char head[128], *l, name[256];
	unsigned n = 0, i, total;
	double mx, my, ms;

	x_key("slash");
	free(trace_need("search open", 30000));
	free(xdo("type", "--delay", "20", query));
	snprintf(head, sizeof(head), "search \"%s\": ", query);
	l = trace_need(head, 30000);
	n = (unsigned)strtoul(l + strlen(head), NULL, 10);
	free(l);
	assert_true(n >= 1);
	free(xdo("key", "Return", NULL, NULL));
	l = trace_need("match ", 30000);
	assert_int_equal(sscanf(l, "match %u/%u %255s at %lf,%lf scale=%lf", &i,
				&total, name, &mx, &my, &ms),
			 6);
	free(l);
	assert_int_equal(i, 1);
	assert_int_equal(total, n);
	if (want)
		assert_string_equal(name, want);
	assert_true(ms >= 1.0);
	assert_true(mx > 0 && mx < vr.view.w && my > 0 && my < vr.view.h);
	found_x = mx;
	found_y = my;
	highlight_drawn(mx, my, shot);
	x_key("Escape");
	free(trace_need("search closed", 30000));
	assert_true(viewer_alive());
}

/* 'h' shows the help, which names every key; Escape closes it (not the
 * viewer). */
static void help_keys(void)
{
	size_t n = sizeof(help_keys_named) / sizeof(help_keys_named[0]);
	char *l;

	x_key("h");
	l = trace_need("help: ", 30000);
	/* "KEYS: what; ": each key as --help names it, before a colon */
	for (size_t i = 0; i < n; i++) {
		char key[32];

		snprintf(key, sizeof(key), "%s", help_keys_named[i]);
		if (key[strlen(key) - 1] == ' ')
			key[strlen(key) - 1] = ':';
		if (!strstr(l, key))
			fail_msg("the help does not name %s: %s", key, l);
	}
	free(l);
	{
		char *argv[] = {NULL,	  "search",
				"--sync", "--onlyvisible",
				"--name", "^graphns: mouse and keys",
				NULL};

		free(xdo_argv(argv));
	}
	free(xdo("key", "Escape", NULL, NULL));
	free(trace_need("help closed", 30000));
	assert_true(viewer_alive());
}

/* 'a' hides the owner arrows (the picture changes) and shows them again;
 * in a graph without any (of class "owner") it says so. */
static void owner_arrows(void)
{
	cairo_surface_t *s1, *s2;
	struct view_line v;
	int wx, wy, ww, wh;
	size_t n = 0;

	if (vr.owner == 0) {
		x_key("a");
		free(trace_need("status ok: This graph has no owner arrows",
				30000));
		return;
	}
	/* the whole graph, each arrow in view */
	x_key("0");
	view_need("fit", 0, &v, 30000);
	s1 = shot_when("viewer-owner-1.png", NULL);
	x_key("a");
	free(trace_need("status ok: Owner arrows hidden", 60000));
	window_geometry(vr.win, &wx, &wy, &ww, &wh);
	/* above the status line, which says it too */
	for (long long end = now_ms() + 30000;; usleep(200000)) {
		s2 = screenshot("viewer-owner-hidden.png");
		n = picture_diff_rows(s1, s2, wy + wh - 40);
		if (n > 50 || now_ms() > end)
			break;
		cairo_surface_destroy(s2);
	}
	printf("# hiding the owner arrows changed %zu pixels\n", n);
	assert_true(n > 50);
	x_key("a");
	free(trace_need("status ok: Owner arrows shown", 60000));
	cairo_surface_destroy(s1);
	cairo_surface_destroy(s2);
}

/*
 * The window appears with the graph drawn, legible, the root in view;
 * '+' zooms, the mouse zooms and moves; saves say in the window that they
 * worked or why not (never in the title), from the home directory first,
 * then from the last folder; search finds a node and goes to it; the help
 * names every key; 'q' closes it and graphns exits 0; and nothing printed
 * a GTK warning.
 */
static void test_viewer(void **state)
{
	char path[4200], *title, *wpid, *home;
	cairo_surface_t *s1, *s2;
	size_t other, colors;

	need_x();
	viewer_start_here();

	title = xdo("getwindowname", vr.win, NULL, NULL);
	assert_non_null(title);
	printf("# window title: %s\n", title);
	assert_non_null(strstr(title, "user and"));
	free(title);
	wpid = xdo("getwindowpid", vr.win, NULL, NULL);
	assert_non_null(wpid);
	assert_int_equal(atoi(wpid), vr.pid);
	free(wpid);
	assert_readable_start(&vr.view);

	s1 = shot_when("viewer-1.png", NULL);
	picture_stats(s1, &other, &colors);
	printf("# %zu pixels not background, %zu colours\n", other, colors);
	assert_true(other > 10000);
	assert_true(colors >= 4);
	x_key("plus");
	s2 = changed_since(s1, "viewer", "2", "'+'");
	cairo_surface_destroy(s1);
	mouse(vr.win, s2, "viewer");
	cairo_surface_destroy(s2);

	/* from home; then from the folder of the last save, also after a
	 * failure, which the next save clears */
	snprintf(path, sizeof(path), "%s/saved.svg", tmpdir);
	home = g_build_filename(tmpdir, "home", NULL);
	save_ok(home, path, "viewer-saved.png");
	g_free(home);
	save_fails(tmpdir, "/proc/x.svg", "viewer-failed.png");
	snprintf(path, sizeof(path), "%s/saved-again.svg", tmpdir);
	save_ok(tmpdir, path, "viewer-saved-again.png");

	help_keys();
	owner_arrows();
	if (!zoo_skip && zoo.m) {
		char ino[32], name[64];

		snprintf(ino, sizeof(ino), "%ju",
			 (uintmax_t)case_u64("userchain3", "ino"));
		snprintf(name, sizeof(name), "user-%s", ino);
		search(ino, name, "viewer-search.png");
	} else {
		search("user", NULL, "viewer-search.png");
	}
	assert_int_equal(viewer_close("q"), 0);
	assert_no_warnings();
}

/* A resize refits what the user has not moved: the first view, '0' and
 * '1' follow the window's size; after '+' the view stays. */
static void test_viewer_resize(void **state)
{
	char w1[16], h1[16];
	struct view_line v0, v;

	need_x();
	viewer_start_here();
	v0 = vr.view;
	assert_string_equal(v0.mode, "home");

	snprintf(w1, sizeof(w1), "%d", v0.w - 200);
	snprintf(h1, sizeof(h1), "%d", v0.h - 60);
	free(xdo("windowsize", vr.win, w1, h1));
	view_need(NULL, v0.w - 200, &v, 30000);
	assert_string_equal(v.mode, "home");
	/* placed again: the root (or the whole graph) moved with the
	 * middle of the window, or stayed where the graph's left edge holds
	 * it (the roots are on the left), in view */
	assert_true(v.x != v0.x || v.scale != v0.scale ||
		    (fabs(v.rx - v0.rx) < 1 && v.rx >= 0 && v.rx <= v.w));
	assert_true(fabs((v.rx - v.w / 2.0) - (v0.rx - v0.w / 2.0)) < 150 ||
		    v.scale != v0.scale);

	x_key("0");
	view_need("fit", 0, &v, 30000);
	assert_true(v.scale * vr.gw <= v.w + 1);
	assert_true(v.scale * vr.gh <= v.h + 1);
	free(xdo("windowsize", vr.win, "600", "400"));
	view_need("fit", 600, &v, 30000);
	assert_true(v.scale * vr.gw <= 601);
	assert_true(v.scale * vr.gh <= v.h + 1);

	x_key("plus");
	view_need("free", 0, &v0, 30000);
	free(xdo("windowsize", vr.win, "900", "600"));
	view_need(NULL, 900, &v, 30000);
	assert_string_equal(v.mode, "free");
	assert_true(v.scale == v0.scale && v.x == v0.x && v.y == v0.y);

	x_key("1");
	view_need("root", 0, &v, 30000);
	assert_true(v.scale == 1.0);
	assert_true(v.rx >= 0 && v.rx <= v.w && v.ry >= 0 && v.ry <= v.h);
	assert_int_equal(viewer_close("Escape"), 0);
	assert_no_warnings();
}

static uid_t status_id(pid_t pid, const char *key)
{
	char path[64], line[256];
	unsigned long a = (unsigned long)-1, b, c, d;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, strlen(key)) == 0 &&
		    sscanf(line + strlen(key), "%lu %lu %lu %lu", &a, &b, &c,
			   &d) == 4) {
			/* real, effective, saved, fs: all the same or -1 */
			if (a != b || a != c || a != d)
				a = (unsigned long)-1;
			break;
		}
	}
	fclose(f);
	return (uid_t)a;
}

/*
 * Under sudo (SUDO_UID as root) the window belongs to a process of that
 * user, which has a runtime directory of its own, made for it when the
 * user has none (nobody has no /run/user/65534), and removed when it
 * exits. The save dialog starts where the user may write (nobody's home
 * is /nonexistent, the current directory is root's); a save where the
 * user may not write says so in the window, one where they may clears
 * it; nothing printed a warning.
 */
static void test_viewer_sudo(void **state)
{
	const char *more[] = {"SUDO_UID=65534", "SUDO_GID=65534", NULL};
	char run_dir[4200], path[4200];
	char mine[] = "/tmp/test-graphns-nobody.XXXXXX";
	char roots[] = "/tmp/test-graphns-root.XXXXXX";
	char **env, *wpid, *rt, *folder, *l;
	size_t pos;
	cairo_surface_t *s1, *s2;
	struct stat st;
	pid_t vp;

	if (geteuid() != 0) {
		printf("# not root: nothing to drop\n");
		skip();
	}
	need_x();
	/* root's runtime directory: not for the user */
	snprintf(run_dir, sizeof(run_dir), "%s/run", tmpdir);
	make_dir(run_dir, 0);
	env = viewer_env(NULL, run_dir, more);
	/* with groups, whose source the child gets in a memfd of its own */
	viewer_extra[0] = "-d";
	viewer_extra[1] = "--group=1";
	viewer_start(env, true);
	viewer_extra[0] = viewer_extra[1] = NULL;
	free(env);
	if (!strstr(vr.buf, "groups=expandable"))
		fail_msg("the viewer cannot expand groups: %s", vr.buf);

	wpid = xdo("getwindowpid", vr.win, NULL, NULL);
	assert_non_null(wpid);
	vp = (pid_t)atoi(wpid);
	free(wpid);
	assert_true(vp != vr.pid);
	assert_int_equal(status_id(vp, "Uid:"), 65534);
	assert_int_equal(status_id(vp, "Gid:"), 65534);
	/* and the root parent waits for it */
	assert_int_equal(status_id(vr.pid, "Uid:"), 0);

	/* as the viewer has it (the viewer may run without a fresh exec,
	 * where /proc/PID/environ is not what it has) */
	pos = vr.pos;
	vr.pos = 0;
	l = trace_need("runtime ", 1000);
	vr.pos = pos;
	rt = strdup(l + strlen("runtime "));
	free(l);
	printf("# the viewer's XDG_RUNTIME_DIR: %s\n", rt ? rt : "(none)");
	assert_true(strncmp(rt, "/tmp/graphns-runtime-", 21) == 0);
	assert_int_equal(lstat(rt, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_uid, 65534);
	assert_int_equal(st.st_mode & 0777, 0700);

	s1 = shot_when("viewer-sudo-1.png", NULL);
	x_key("plus");
	s2 = changed_since(s1, "viewer-sudo", "2", "'+'");
	cairo_surface_destroy(s1);
	cairo_surface_destroy(s2);

	/* a directory of root's that the user may read, not write (as the
	 * current directory often is under sudo) */
	assert_non_null(mkdtemp(roots));
	assert_int_equal(chmod(roots, 0755), 0);
	snprintf(path, sizeof(path), "%s/x.svg", roots);
	folder = dialog_save(path);
	printf("# the save dialog started in %s\n", folder);
	assert_true(access(folder, F_OK) == 0);
	assert_true(strcmp(folder, "/nonexistent") != 0);
	{
		char cwd[4200];

		if (getcwd(cwd, sizeof(cwd)) && stat(cwd, &st) == 0 &&
		    st.st_uid == 0 && !(st.st_mode & 0002))
			assert_true(strcmp(folder, cwd) != 0);
	}
	free(folder);
	free(trace_need("status error: Not saved: ", 30000));
	status_drawn(STATUS_ERROR, STATUS_OK, "viewer-sudo-failed.png");

	assert_non_null(mkdtemp(mine));
	assert_int_equal(chown(mine, 65534, 65534), 0);
	snprintf(path, sizeof(path), "%s/ok.svg", mine);
	save_ok(NULL, path, "viewer-sudo-saved.png");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_uid, 65534);
	unlink(path);
	rmdir(mine);
	rmdir(roots);

	assert_int_equal(viewer_close("Escape"), 0);
	assert_true(lstat(rt, &st) < 0 && errno == ENOENT);
	free(rt);
	assert_no_warnings();
}

/* ---- 150 user namespaces ---------------------------------------------------
 */

#define BIG_USERNS 150

static pid_t big_kids[BIG_USERNS];
static int big_count;

/* BIG_USERNS sleeping processes, each in a user namespace of its own. */
static void big_start(void)
{
	int p[2];

	if (big_count)
		return;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	for (int i = 0; i < BIG_USERNS; i++) {
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			char ok = 1;

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			prctl(PR_SET_NAME, "graphns-big");
			if (unshare(CLONE_NEWUSER) < 0)
				ok = 0;
			if (write(p[1], &ok, 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		big_kids[big_count++] = pid;
	}
	close(p[1]);
	for (int i = 0; i < BIG_USERNS; i++) {
		char ok = 0;

		assert_int_equal(read(p[0], &ok, 1), 1);
		assert_int_equal(ok, 1);
	}
	close(p[0]);
}

static void big_stop(void)
{
	for (int i = 0; i < big_count; i++) {
		kill(big_kids[i], SIGKILL);
		waitpid(big_kids[i], NULL, 0);
	}
	big_count = 0;
}

static void need_root(void)
{
	if (geteuid() != 0) {
		printf("# not root: cannot make %d user namespaces to see\n",
		       BIG_USERNS);
		skip();
	}
}

/*
 * The memory bound, in kB, for a graph of nodes nodes, width x height
 * pixels at 1x: 100 MB at 150 user namespaces (on a quiet host some 180
 * nodes, 1,700 x 12,000 pixels), and more on a busy host, whose other
 * namespaces are in the graph too: beyond 450 nodes it grows with them,
 * and beyond 25 million pixels by 0.5 MB a million. A deep chain of user
 * namespaces elsewhere makes the graph wide: --bench-redraw's peak was
 * 61 MB at 19 million pixels, 101 MB at 147 million and 102 MB at 286
 * million.
 */
static double memory_bound_kb(unsigned nodes, double width, double height)
{
	double mpx = width * height / 1e6;
	double kb =
		100 * 1024 * fmax(1, nodes / 450.0) + 512 * fmax(0, mpx - 25);

	/* the sanitizers' shadow memory and quarantine are not ours */
	if (getenv("NSREL_SANITIZED")) {
		printf("# under the sanitizers: no memory bound\n");
		return INFINITY;
	}
	printf("# %u nodes, %.0f million pixels: the memory bound is %.0f "
	       "MB\n",
	       nodes, mpx, kb / 1024);
	return kb;
}

/* A number after key= in s, or -1. */
static double field(const char *s, const char *key)
{
	const char *p = strstr(s, key);

	return p ? strtod(p + strlen(key), NULL) : -1;
}

/*
 * graphns --bench-redraw at 150 user namespaces, without a display: the
 * viewer's drawing, a pan at 1x and 2x and zoom steps, timed. A pan frame
 * costs less than 16 ms and all of it less than the memory bound.
 */
static void test_bench_redraw(void **state)
{
	char *argv[] = {(char *)graphns, "--bench-redraw", NULL};
	struct output o;
	const char *last, *graph;
	char line[512];
	double w, h;
	unsigned nodes;
	FILE *f;

	need_root();
	big_start();
	assert_int_equal(run(argv, NULL, &o), 0);
	f = fmemopen(o.out, o.out_len, "r");
	while (f && fgets(line, sizeof(line), f))
		printf("# %s", line);
	if (f)
		fclose(f);
	last = strstr(o.out, "pan_mean_ms=");
	assert_non_null(last);
	assert_true(field(last, "pan_mean_ms=") < 16);
	assert_true(field(last, "pan2_mean_ms=") < 16);
	graph = strstr(o.out, "bench-redraw: graph ");
	assert_non_null(graph);
	assert_int_equal(sscanf(graph,
				"bench-redraw: graph %lfx%lf px at 1x, "
				"%u nodes",
				&w, &h, &nodes),
			 3);
	assert_true(field(last, "peak_kb=") < memory_bound_kb(nodes, w, h));
	output_free(&o);
}

/* --viewer-png FILE, without a display: the first view at 1280 x 860 as
 * the viewer draws it (the README's picture), with the graph in it. */
static void test_viewer_png(void **state)
{
	char path[4200];
	char *argv[] = {(char *)graphns, "-d", "--viewer-png", path, NULL};
	char **env = make_env(
		(const char *const[]){"DISPLAY", "WAYLAND_DISPLAY", NULL},
		NULL);
	cairo_surface_t *s;
	size_t other, colors;
	struct output o;

	snprintf(path, sizeof(path), "%s/first-view.png", tmpdir);
	assert_int_equal(run(argv, env, &o), 0);
	output_free(&o);
	free(env);
	s = cairo_image_surface_create_from_png(path);
	assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	assert_int_equal(cairo_image_surface_get_width(s), 1280);
	assert_int_equal(cairo_image_surface_get_height(s), 860);
	picture_stats(s, &other, &colors);
	printf("# %zu pixels not background, %zu colours\n", other, colors);
	assert_true(other > 10000);
	assert_true(colors >= 4);
	cairo_surface_destroy(s);
}

/*
 * The viewer at 150 user namespaces: the first view is 1x at the root,
 * not a fit of the whole; search finds one of them by PID and goes to it;
 * '0' fits the whole; pans are timed; memory stays under the bound.
 */
static void test_viewer_big(void **state)
{
	char pid[16], *l;
	struct view_line v;

	need_root();
	need_x();
	big_start();
	viewer_start_here();
	printf("# the graph: %.0f x %.0f pixels at 1x\n", vr.gw, vr.gh);
	assert_string_equal(vr.view.mode, "home");
	assert_true(vr.view.scale == 1.0);
	assert_readable_start(&vr.view);

	snprintf(pid, sizeof(pid), "%d", (int)big_kids[BIG_USERNS / 2]);
	search(pid, NULL, "viewer-big-search.png");

	/* a drag, then arrow keys */
	free(xdo("mousemove", "400", "250", NULL));
	free(xdo("mousedown", "1", NULL, NULL));
	for (int i = 0; i < 40; i++)
		free(xdo("mousemove_relative", "--", "-15", "0"));
	free(xdo("mouseup", "1", NULL, NULL));
	for (int i = 0; i < 20; i++)
		x_key("Right");
	view_need("free", 0, &v, 30000);

	x_key("0");
	view_need("fit", 0, &v, 30000);
	assert_true(v.scale * vr.gw <= v.w + 1);
	assert_true(v.scale * vr.gh <= v.h + 1);

	assert_int_equal(viewer_close("q"), 0);
	vr.pos = 0;
	l = trace_need("frames ", 1000);
	assert_true(field(l, "pan=") > 0);
	free(l);
	l = trace_need("memory ", 1000);
	assert_true(field(l, "rss=") > 0);
	assert_true(field(l, "peak=") <
		    memory_bound_kb(vr.nodes, vr.gw, vr.gh));
	free(l);
	assert_no_warnings();
}
/* query finds nothing in the viewer. */
static void search_none(const char *query)
{
	char head[128], *l;

	x_key("slash");
	free(trace_need("search open", 30000));
	free(xdo("type", "--delay", "20", query));
	snprintf(head, sizeof(head), "search \"%s\": ", query);
	l = trace_need(head, 30000);
	assert_int_equal(strtoul(l + strlen(head), NULL, 10), 0);
	free(l);
	x_key("Escape");
	free(trace_need("search closed", 30000));
}

/* The pointer at (x, y) of the viewer's window. */
static void pointer_at(double px, double py)
{
	char sx[32], sy[32];
	int wx, wy, ww, wh;

	window_geometry(vr.win, &wx, &wy, &ww, &wh);
	snprintf(sx, sizeof(sx), "%d", wx + (int)px);
	snprintf(sy, sizeof(sy), "%d", wy + (int)py);
	free(xdo("mousemove", "--sync", sx, sy));
}

/* A double-click where the pointer is, which the viewer must see land on
 * node. The two clicks are two X events; on a loaded machine the toolkit
 * can take them as two single clicks, so a gesture that did not arrive as
 * a double-click is made again, up to three times; one that arrived on
 * another node fails. */
static void double_click_on(const char *node)
{
	char want[128], *l = NULL;

	snprintf(want, sizeof(want), " on %s", node);
	for (int i = 0; i < 3 && !l; i++) {
		free(xdo("click", "--repeat", "2", "1"));
		l = trace_wait("double-click ", 10000);
		if (!l)
			printf("# no double-click seen, try %d\n", i + 1);
	}
	if (!l)
		l = trace_need("double-click ", 1);
	printf("# %s\n", l);
	if (strlen(l) < strlen(want) ||
	    strcmp(l + strlen(l) - strlen(want), want) != 0)
		fail_msg("the double-click was not on %s: %s", node, l);
	free(l);
}

/* "expanded|collapsed GROUP: graph WxH nodes=N at X,Y": N, and where the
 * group is now. */
static unsigned relaid(const char *what, const char *group, double *ret_x,
		       double *ret_y)
{
	char head[160], *l;
	double w, h;
	unsigned n;

	snprintf(head, sizeof(head), "%s %s: ", what, group);
	l = trace_need(head, 180000);
	assert_int_equal(sscanf(l + strlen(head),
				"graph %lfx%lf nodes=%u at %lf,%lf", &w, &h, &n,
				ret_x, ret_y),
			 5);
	free(l);
	return n;
}

/*
 * With -d --group=1, the host's net namespaces are one group node. 'e'
 * with the pointer on it lays the graph out anew with the group expanded,
 * the group where it was: a zoo net namespace (held by a bind mount) that
 * no search found is a node of its own; a double-click on the group
 * collapses it again, to the graph of the start.
 */
static void test_viewer_group(void **state)
{
	char group[64], member[64], query[64];
	struct stat st;
	double gx, gy;
	unsigned n;

	need_x();
	need_root();
	need_zoo();
	assert_int_equal(stat("/proc/self/ns/user", &st), 0);
	snprintf(group, sizeof(group), "user-%ju-net", (uintmax_t)st.st_ino);
	snprintf(member, sizeof(member), "net-%ju",
		 (uintmax_t)case_u64("bindnet", "ino"));
	snprintf(query, sizeof(query), "net:[%ju]",
		 (uintmax_t)case_u64("bindnet", "ino"));
	viewer_extra[0] = "-d";
	viewer_extra[1] = "--group=1";
	viewer_start_here();
	viewer_extra[0] = viewer_extra[1] = NULL;
	if (!strstr(vr.buf, "groups=expandable"))
		fail_msg("the viewer cannot expand groups: %s", vr.buf);
	search_none(query);

	search(group, group, "viewer-group.png");
	pointer_at(found_x, found_y);
	x_key("e");
	free(trace_need("expanding ", 30000));
	n = relaid("expanded", group, &gx, &gy);
	printf("# %u nodes, %u with %s expanded\n", vr.nodes, n, group);
	assert_true(n > vr.nodes);
	assert_true(fabs(gx - found_x) < 2 && fabs(gy - found_y) < 2);
	free(trace_need("status ok: Expanded net \xc3\x97 ", 30000));
	search(query, member, "viewer-group-member.png");

	search(group, group, "viewer-group-again.png");
	pointer_at(found_x, found_y);
	double_click_on(group);
	free(trace_need("collapsing ", 30000));
	assert_int_equal(relaid("collapsed", group, &gx, &gy), vr.nodes);
	search_none(query);
	assert_int_equal(viewer_close("q"), 0);
	assert_no_warnings();
}

static int group_setup(void **state)
{
	if (!mkdtemp(tmpdir))
		return -1;
	zoo_start(state);
	xvfb_start(state);
	return 0;
}

static int group_teardown(void **state)
{
	char *argv[] = {"/bin/rm", "-rf", tmpdir, NULL};
	struct output o;

	kill_viewer();
	big_stop();
	xvfb_stop(state);
	zoo_stop(state);
	if (getenv("NSREL_KEEP_SHOTS"))
		printf("# screenshots kept in %s\n", tmpdir);
	else
		run(argv, NULL, &o), output_free(&o);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_no_display),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_output_first),
		cmocka_unit_test(test_output_whole),
		cmocka_unit_test(test_model_graph),
		cmocka_unit_test(test_zoo_cases),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_owner_arrows),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_details),
		cmocka_unit_test(test_viewer),
		cmocka_unit_test(test_viewer_resize),
		cmocka_unit_test(test_viewer_group),
		cmocka_unit_test(test_viewer_sudo),
		cmocka_unit_test(test_bench_redraw),
		cmocka_unit_test(test_viewer_png),
		cmocka_unit_test(test_viewer_big),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: %s GRAPHNS [ZOO]\n", argv[0]);
		return 2;
	}
	graphns = argv[1];
	zoo_path = argc > 2 ? argv[2] : NULL;
	if (access(graphns, X_OK) < 0) {
		/* run-unpriv: a build directory nobody may not enter */
		printf("1..0 # SKIP %s cannot be run by uid %d: %s\n", graphns,
		       (int)getuid(), strerror(errno));
		return 0;
	}
	lsan_for_children();
	signal(SIGPIPE, SIG_IGN);
	/* NSREL_TEST_FILTER=test_viewer*: only those, to run one again */
	if (getenv("NSREL_TEST_FILTER"))
		cmocka_set_test_filter(getenv("NSREL_TEST_FILTER"));
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
