/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Containers, the scan's side: step 1 reads /proc/PID/cgroup while the
 * process is scanned (read later, the pid could name another process) and
 * identifies each distinct cgroup text once; after the model is finished,
 * step 2 reads the runtimes' records on disk for each container once, and
 * step 3 (engine-api.c) asks the engines. What is read here is another
 * user's: sizes are bounded, files are opened O_PATH and checked to be
 * regular before they are read, and a process's files are read only after
 * its start time says it is still the process the scan saw.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

#if HAVE_JSON_C
#include <json-c/json.h>
#endif

#include "containers.h"
#include "procfs.h"
#include "scan.h"
#include "util.h"

/* /proc/PID/cgroup: 13 hierarchies of a hybrid host with long kubepods
 * paths fit many times over. */
#define CGROUP_MAX 8192
/* conmon's command line: -c, -n and -b come first; the rest is cut. */
#define CONMON_CMDLINE_MAX 16384
/* An init's environment: only container= is looked for in it. */
#define ENVIRON_MAX 65536
/* config.json, state.json: some kilobytes; ten thousand annotations fit. */
#define JSON_MAX   (1024 * 1024)
#define JSON_DEPTH 32

/* One distinct /proc/PID/cgroup text and the container it names. */
struct cg_entry {
	uint64_t hash;
	uint32_t off, len; /* into texts */
	uint32_t ctr;	   /* container index or NONE */
};

struct nsrel__containers {
	struct scan *s;
	bool engine_on, engine_asked;
	/* PID 1 is in no container and in mount namespace init_mntns:
	 * processes in that mount namespace are in no container either. */
	bool filter, pid1_seen;
	uint32_t init_mntns;
	struct cg_entry *cache; /* open addressing; hash 0 = empty */
	size_t cache_n, cache_cap;
	char *texts;
	size_t texts_n, texts_cap;
};

/* ---- Helpers ----------------------------------------------------------- */

_public_ const char *nsrel_engine_str(enum nsrel_engine e)
{
	switch (e) {
	case NSREL_ENGINE_NONE:
		return NULL;
	case NSREL_ENGINE_DOCKER:
		return "docker";
	case NSREL_ENGINE_PODMAN:
		return "podman";
	case NSREL_ENGINE_CONTAINERD:
		return "containerd";
	case NSREL_ENGINE_CRIO:
		return "cri-o";
	case NSREL_ENGINE_KUBERNETES:
		return "kubernetes";
	case NSREL_ENGINE_LXC:
		return "lxc";
	case NSREL_ENGINE_NSPAWN:
		return "systemd-nspawn";
	case NSREL_ENGINE_MACHINED:
		return "machined";
	case NSREL_ENGINE_FLATPAK:
		return "flatpak";
	case NSREL_ENGINE_OCI:
		return "oci";
	}
	return NULL;
}

bool nsrel__container_is_helper(const char *name)
{
	/* Their own names (comm): bubblewrap, podman's and Kubernetes'
	 * pause-style inits, conmon, Docker's and others' minimal inits. */
	static const char *const helpers[] = {
		"bwrap", "catatonit", "conmon",	     "docker-init",
		"tini",	 "dumb-init", "tini-static",
	};
	for (size_t i = 0; i < ELEMENTSOF(helpers); i++)
		if (strcmp(name, helpers[i]) == 0)
			return true;
	return false;
}

static uint64_t hash_text(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h ? h : 1;
}

/* A regular file another user may control, whole, at most max bytes (a
 * larger one is not read at all): opened O_PATH, checked, then reopened,
 * so that a FIFO or a device is never opened for reading. A NUL is put
 * after the contents. The caller frees *ret. */
static ssize_t read_regular(const char *path, size_t max, char **ret)
{
	_cleanup_close_ int pfd = open(path, O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return -errno;
	struct stat st;
	if (fstat(pfd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EBADFD;
	if (st.st_size < 0 || (size_t)st.st_size > max)
		return -EFBIG;
	char fdpath[64];
	snprintf(fdpath, sizeof(fdpath), "/proc/thread-self/fd/%d", pfd);
	_cleanup_close_ int fd =
		open(fdpath, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char *buf = malloc(max + 1);
	if (!buf)
		return -ENOMEM;
	ssize_t n = read_full(fd, buf, max + 1);
	if (n < 0 || (size_t)n > max) {
		free(buf);
		return n < 0 ? n : -EFBIG;
	}
	buf[n] = '\0';
	*ret = buf;
	return n;
}

/* /proc/PID of the process p as the scan saw it, or a negative errno
 * (-ESRCH where the pid now names another process). */
static int open_proc(const struct scan *s, const struct nsrel_proc *p)
{
	char name[32];
	snprintf(name, sizeof(name), "%d", p->pid);
	_cleanup_close_ int dir =
		openat(s->proc_fd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -errno;
	char buf[1024];
	ssize_t n = read_at(dir, "stat", buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	struct procfs_stat ps;
	if (nsrel__procfs_parse_stat(buf, (size_t)n, &ps) < 0 ||
	    ps.starttime != p->starttime)
		return -ESRCH;
	return take_fd(&dir);
}

/* ---- The table of containers ----------------------------------------- */

/* The index of the container (engine, id), added if new; NONE on
 * ENOMEM. */
static uint32_t ctr_get(struct nsrel_model *m, enum nsrel_engine engine,
			const char *id)
{
	for (size_t i = 0; i < m->ctrs_n; i++)
		if (m->ctrs[i].engine == engine &&
		    strcmp(m->strs + m->ctrs[i].id, id) == 0)
			return (uint32_t)i;
	if (nsrel__model_grow((void **)&m->ctrs, &m->ctrs_cap, m->ctrs_n + 1,
			      sizeof(*m->ctrs)) < 0)
		return NONE;
	size_t len = strlen(id);
	uint32_t id_off = nsrel__model_str_add(m, id, len);
	uint32_t short_off = nsrel__model_str_add(m, id, len < 12 ? len : 12);
	if (id_off == NONE || short_off == NONE)
		return NONE;
	uint32_t idx = (uint32_t)m->ctrs_n++;
	m->ctrs[idx] = (struct nsrel_container){
		.m = m,
		.engine = engine,
		.id = id_off,
		.short_id = short_off,
		.name = NONE,
		.pod_name = NONE,
		.pod_namespace = NONE,
		.pod_uid = NONE,
		.project = NONE,
		.init = NONE,
	};
	return idx;
}

/* Sets *off to s unless s is NULL or empty, or *off is set and not
 * overwrite. 0 or -ENOMEM. */
static int set_str(struct nsrel_model *m, uint32_t *off, const char *s,
		   bool overwrite)
{
	if (!s || !*s || (*off != NONE && !overwrite))
		return 0;
	uint32_t o = nsrel__model_str_add(m, s, strlen(s));
	if (o == NONE)
		return -ENOMEM;
	*off = o;
	return 0;
}

static int fill(struct nsrel_model *m, uint32_t idx,
		const struct nsrel__container_info *info, bool overwrite)
{
	struct nsrel_container *c = &m->ctrs[idx];
	/* One at a time: the arena may move, c stays (ctrs does not). */
	int r = set_str(m, &c->name, info->name, overwrite);
	if (r >= 0)
		r = set_str(m, &c->pod_name, info->pod_name, overwrite);
	if (r >= 0)
		r = set_str(m, &c->pod_namespace, info->pod_namespace,
			    overwrite);
	if (r >= 0)
		r = set_str(m, &c->pod_uid, info->pod_uid, overwrite);
	if (r >= 0)
		r = set_str(m, &c->project, info->project, overwrite);
	return r;
}

size_t nsrel__containers_count(const struct nsrel__containers *ct)
{
	return ct->s->m->ctrs_n;
}

enum nsrel_engine nsrel__containers_engine(const struct nsrel__containers *ct,
					   size_t i)
{
	return i < ct->s->m->ctrs_n ? ct->s->m->ctrs[i].engine
				    : NSREL_ENGINE_NONE;
}

const char *nsrel__containers_id(const struct nsrel__containers *ct, size_t i)
{
	const struct nsrel_model *m = ct->s->m;
	return i < m->ctrs_n ? m->strs + m->ctrs[i].id : NULL;
}

struct scan *nsrel__containers_scan(struct nsrel__containers *ct)
{
	return ct->s;
}

bool nsrel__containers_engine_asked(const struct nsrel__containers *ct)
{
	return ct->engine_asked;
}

int nsrel__containers_fill(struct nsrel__containers *ct, const char *id,
			   const struct nsrel__container_info *info,
			   bool overwrite)
{
	struct nsrel_model *m = ct->s->m;
	int found = 0;
	for (size_t i = 0; i < m->ctrs_n; i++) {
		if (strcmp(m->strs + m->ctrs[i].id, id) != 0)
			continue;
		int r = fill(m, (uint32_t)i, info, overwrite);
		if (r < 0)
			return r;
		found = 1;
	}
	return found;
}

int nsrel__containers_add_pid(struct nsrel__containers *ct, pid_t pid,
			      enum nsrel_engine engine, const char *id)
{
	struct nsrel_model *m = ct->s->m;
	struct nsrel_proc *p =
		(struct nsrel_proc *)nsrel__model_find_proc(m, pid);
	if (!p)
		return 0;
	if (p->ctr != NONE)
		return 1;
	uint32_t idx = ctr_get(m, engine, id);
	if (idx == NONE)
		return -ENOMEM;
	p->ctr = idx;
	return 1;
}

/* ---- Step 1: the cgroup ----------------------------------------------- */

int nsrel__containers_new(struct scan *s, enum nsrel_switch engine_api)
{
	struct nsrel__containers *ct = calloc(1, sizeof(*ct));
	if (!ct)
		return -ENOMEM;
	ct->s = s;
	ct->engine_asked = engine_api == NSREL_SWITCH_ON;
	ct->engine_on =
		engine_api == NSREL_SWITCH_ON ||
		(engine_api == NSREL_SWITCH_AUTO && s->m->view.privileged);
	ct->init_mntns = NONE;
	s->ct = ct;
	return 0;
}

void nsrel__containers_free(struct nsrel__containers *ct)
{
	if (!ct)
		return;
	free(ct->cache);
	free(ct->texts);
	free(ct);
}

static int cache_grow(struct nsrel__containers *ct)
{
	size_t cap = ct->cache_cap ? ct->cache_cap * 2 : 64;
	struct cg_entry *c = calloc(cap, sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (size_t i = 0; i < ct->cache_cap; i++) {
		if (!ct->cache[i].hash)
			continue;
		size_t j = ct->cache[i].hash & (cap - 1);
		while (c[j].hash)
			j = (j + 1) & (cap - 1);
		c[j] = ct->cache[i];
	}
	free(ct->cache);
	ct->cache = c;
	ct->cache_cap = cap;
	return 0;
}

/* The container a cgroup text names (NONE for none), identified once per
 * distinct text. */
static int cgroup_ctr(struct nsrel__containers *ct, const char *text,
		      size_t len, uint32_t *ret)
{
	uint64_t h = hash_text(text, len);
	size_t mask = ct->cache_cap - 1, i;
	if (ct->cache_cap)
		for (i = h & mask; ct->cache[i].hash; i = (i + 1) & mask) {
			const struct cg_entry *e = &ct->cache[i];
			if (e->hash == h && e->len == len &&
			    memcmp(ct->texts + e->off, text, len) == 0) {
				*ret = e->ctr;
				return 0;
			}
		}

	struct nsrel__cgroup_match cm;
	uint32_t ctr = NONE;
	struct nsrel_model *m = ct->s->m;
	if (nsrel__cgroup_match(text, len, &cm)) {
		ctr = ctr_get(m, cm.engine, cm.id);
		if (ctr == NONE)
			return -ENOMEM;
		struct nsrel__container_info info = {
			.name = cm.name,
			.pod_uid = cm.pod_uid,
			.project = cm.group,
		};
		if (fill(m, ctr, &info, false) < 0)
			return -ENOMEM;
	}

	if ((ct->cache_n + 1) * 2 > ct->cache_cap && cache_grow(ct) < 0)
		return -ENOMEM;
	if (len >= NONE - ct->texts_n ||
	    nsrel__model_grow((void **)&ct->texts, &ct->texts_cap,
			      ct->texts_n + len + 1, 1) < 0)
		return -ENOMEM;
	memcpy(ct->texts + ct->texts_n, text, len);
	mask = ct->cache_cap - 1;
	for (i = h & mask; ct->cache[i].hash; i = (i + 1) & mask)
		;
	ct->cache[i] = (struct cg_entry){
		.hash = h,
		.off = (uint32_t)ct->texts_n,
		.len = (uint32_t)len,
		.ctr = ctr,
	};
	ct->texts_n += len;
	ct->cache_n++;
	*ret = ctr;
	return 0;
}

int nsrel__containers_proc(struct scan *s, int dirfd, const char *path,
			   uint32_t proc, uint32_t mntns, bool kthread)
{
	struct nsrel__containers *ct = s->ct;
	if (!ct || dirfd < 0)
		return 0;
	pid_t pid = s->m->procs[proc].pid;
	if (ct->filter && mntns != NONE && mntns == ct->init_mntns)
		return 0;
	char buf[CGROUP_MAX];
	ssize_t n = read_once_at(dirfd, path, buf, sizeof(buf));
	if (n < 0)
		return scan_err((int)-n);
	/* A text cut at the end of the buffer loses its last line, which
	 * might otherwise be matched cut. */
	if ((size_t)n == sizeof(buf)) {
		char *nl = memrchr(buf, '\n', (size_t)n);
		n = nl ? nl - buf + 1 : 0;
	}
	uint32_t ctr;
	int r = cgroup_ctr(ct, buf, (size_t)n, &ctr);
	if (r < 0)
		return r;
	s->m->procs[proc].ctr = ctr;
	/* PID 1, or where it is not ours to read, kthreadd (a kernel
	 * thread, in the initial mount namespace): the host's mount
	 * namespace, if it is in no container. */
	if ((pid == 1 || (pid == 2 && kthread)) && !ct->pid1_seen) {
		ct->pid1_seen = true;
		if (ctr == NONE && mntns != NONE) {
			ct->filter = true;
			ct->init_mntns = mntns;
		}
	}
	return 0;
}

/* ---- Step 2: the runtimes' records on disk ---------------------------- */

/* conmon -c ID -n NAME -b BUNDLE (also --cid, --name, --bundle, and
 * --opt=value): podman and CRI-O start one per container; podman's passes
 * --exit-command PATH-TO-PODMAN. */
struct conmon {
	const char *cid, *name, *bundle, *exit_command, *exit_dir;
};

static void conmon_args(const char *args, size_t n, struct conmon *ret)
{
	static const struct {
		const char *s, *l;
		size_t off;
	} opts[] = {
		{"-c", "--cid", offsetof(struct conmon, cid)},
		{"-n", "--name", offsetof(struct conmon, name)},
		{"-b", "--bundle", offsetof(struct conmon, bundle)},
		{NULL, "--exit-command", offsetof(struct conmon, exit_command)},
		{NULL, "--exit-dir", offsetof(struct conmon, exit_dir)},
	};
	*ret = (struct conmon){0};
	const char *end = args + n;
	for (const char *a = args; a < end; a += strlen(a) + 1) {
		const char *next = a + strlen(a) + 1;
		const char *v = next < end ? next : NULL;
		for (size_t i = 0; i < ELEMENTSOF(opts); i++) {
			size_t ll = strlen(opts[i].l);
			const char *val = NULL;
			if ((opts[i].s && strcmp(a, opts[i].s) == 0) ||
			    strcmp(a, opts[i].l) == 0)
				val = v;
			else if (strncmp(a, opts[i].l, ll) == 0 && a[ll] == '=')
				val = a + ll + 1;
			const char **slot =
				(const char **)((char *)ret + opts[i].off);
			if (val && !*slot)
				*slot = val;
		}
	}
}

/* conmon's command line, NUL-terminated, into buf (CONMON_CMDLINE_MAX + 1
 * bytes); its length, or 0 if it could not be read. */
static size_t conmon_cmdline(struct scan *s, const struct nsrel_proc *conmon,
			     char *buf)
{
	_cleanup_close_ int dir = open_proc(s, conmon);
	if (dir < 0)
		return 0;
	ssize_t n = read_at(dir, "cmdline", buf, CONMON_CMDLINE_MAX);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return (size_t)n;
}

/* Its -c must be the container's id, else nothing is taken from it. */
static int conmon_step(struct scan *s, uint32_t idx,
		       const struct nsrel_proc *conmon, char *bundle,
		       size_t bundle_size)
{
	_cleanup_free_ char *buf = malloc(CONMON_CMDLINE_MAX + 1);
	if (!buf)
		return -ENOMEM;
	size_t n = conmon_cmdline(s, conmon, buf);
	struct conmon c;
	conmon_args(buf, n, &c);
	if (!c.cid || strcmp(c.cid, s->m->strs + s->m->ctrs[idx].id) != 0)
		return 0;
	if (c.bundle && strlen(c.bundle) < bundle_size)
		strcpy(bundle, c.bundle);
	struct nsrel__container_info info = {.name = c.name};
	return fill(s->m, idx, &info, false);
}

/* Containers without a cgroup of their own (rootless podman on cgroup v1,
 * --cgroups=disabled): a process whose parent is conmon, conmon's -c its
 * id; with its descendants. The engine is podman where conmon's exit
 * command is podman, CRI-O where its exit directory is CRI-O's. */
static int conmon_children(struct scan *s)
{
	struct nsrel_model *m = s->m;
	_cleanup_free_ char *buf = NULL;
	bool any = false;
	for (size_t i = 0; i < m->procs_n; i++) {
		struct nsrel_proc *p = &m->procs[i];
		if (p->ctr != NONE)
			continue;
		const struct nsrel_proc *pp =
			nsrel__model_find_proc(m, p->ppid);
		if (!pp || strcmp(nsrel_proc_name(pp), "conmon") != 0 ||
		    pp->ctr != NONE)
			continue;
		if (!buf && !(buf = malloc(CONMON_CMDLINE_MAX + 1)))
			return -ENOMEM;
		size_t n = conmon_cmdline(s, pp, buf);
		struct conmon c;
		conmon_args(buf, n, &c);
		if (!c.cid || !nsrel__is_container_id(c.cid, strlen(c.cid)))
			continue;
		enum nsrel_engine e = NSREL_ENGINE_OCI;
		const char *base =
			c.exit_command ? strrchr(c.exit_command, '/') : NULL;
		base = base ? base + 1 : c.exit_command;
		if (base && strcmp(base, "podman") == 0)
			e = NSREL_ENGINE_PODMAN;
		else if (c.exit_dir && strstr(c.exit_dir, "/crio/"))
			e = NSREL_ENGINE_CRIO;
		uint32_t idx = ctr_get(m, e, c.cid);
		if (idx == NONE)
			return -ENOMEM;
		p->ctr = idx;
		any = true;
	}
	if (!any)
		return 0;
	/* Their descendants: up the parent chain to one of them. */
	for (size_t i = 0; i < m->procs_n; i++) {
		struct nsrel_proc *p = &m->procs[i];
		if (p->ctr != NONE)
			continue;
		const struct nsrel_proc *a = p;
		for (unsigned depth = 0; a && a->ctr == NONE && depth < 64;
		     depth++)
			a = a->ppid ? nsrel__model_find_proc(m, a->ppid) : NULL;
		if (a && a->ctr != NONE) {
			/* only through processes in no container, and not
			 * into a container from outside it */
			const struct nsrel_proc *pa =
				nsrel__model_find_proc(m, a->ppid);
			if (pa && strcmp(nsrel_proc_name(pa), "conmon") == 0)
				p->ctr = a->ctr;
		}
	}
	return 0;
}

/* containerd's shim runs in the directory of the bundle of the first
 * container it serves; a pod's other containers' bundles are beside it:
 * TASKDIR/NAMESPACE/ID. */
static void shim_step(struct scan *s, uint32_t idx,
		      const struct nsrel_proc *shim, char *bundle,
		      size_t bundle_size)
{
	_cleanup_close_ int dir = open_proc(s, shim);
	if (dir < 0)
		return;
	char cwd[PATH_MAX];
	ssize_t n = readlinkat(dir, "cwd", cwd, sizeof(cwd) - 1);
	if (n <= 0 || cwd[0] != '/')
		return;
	cwd[n] = '\0';
	char *slash = strrchr(cwd, '/');
	if (!slash || slash == cwd)
		return;
	*slash = '\0';
	const char *id = s->m->strs + s->m->ctrs[idx].id;
	size_t cl = strlen(cwd), il = strlen(id);
	if (cl + 1 + il < bundle_size) {
		memcpy(bundle, cwd, cl);
		bundle[cl] = '/';
		memcpy(bundle + cl + 1, id, il + 1);
	}
}

#if HAVE_JSON_C
/* The JSON object in the regular file at path, whole (trailing white
 * space aside): 0 and *ret, NULL where the file is missing, not regular,
 * too large or no such JSON; or -ENOMEM. */
static int read_json(const char *path, json_object **ret)
{
	*ret = NULL;
	_cleanup_free_ char *buf = NULL;
	ssize_t n = read_regular(path, JSON_MAX, &buf);
	if (n == -ENOMEM)
		return -ENOMEM;
	if (n <= 0)
		return 0;
	struct json_tokener *tok = json_tokener_new_ex(JSON_DEPTH);
	if (!tok)
		return 0;
	json_object *o = json_tokener_parse_ex(tok, buf, (int)n);
	if (o && json_tokener_get_parse_end(tok) < (size_t)n) {
		/* trailing bytes after the object: only white space */
		for (size_t i = json_tokener_get_parse_end(tok); i < (size_t)n;
		     i++)
			if (buf[i] != ' ' && buf[i] != '\n' && buf[i] != '\t' &&
			    buf[i] != '\r') {
				json_object_put(o);
				o = NULL;
				break;
			}
	}
	json_tokener_free(tok);
	*ret = o;
	return 0;
}

static const char *json_str(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The first of the keys the object has as a string. */
static const char *json_str2(json_object *o, const char *k1, const char *k2)
{
	const char *v = json_str(o, k1);
	return v ? v : json_str(o, k2);
}

/* runc's state (/run/runc/ID/state.json, runc's default root): the
 * bundle is one of the labels ("bundle=PATH"), and the state names the
 * init's pid, which must be the container's. */
static int runc_state_step(struct scan *s, uint32_t idx, pid_t init,
			   char *bundle, size_t bundle_size)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "/run/runc/%s/state.json",
		 s->m->strs + s->m->ctrs[idx].id);
	json_object *o;
	if (read_json(path, &o) < 0)
		return -ENOMEM;
	if (!o)
		return 0;
	json_object *pid, *config, *labels;
	if (json_object_object_get_ex(o, "init_process_pid", &pid) &&
	    json_object_is_type(pid, json_type_int) &&
	    json_object_get_int64(pid) == init &&
	    json_object_object_get_ex(o, "config", &config) &&
	    json_object_object_get_ex(config, "labels", &labels) &&
	    json_object_is_type(labels, json_type_array)) {
		size_t k = json_object_array_length(labels);
		for (size_t i = 0; i < k; i++) {
			json_object *l = json_object_array_get_idx(labels, i);
			const char *v = json_object_is_type(l, json_type_string)
						? json_object_get_string(l)
						: NULL;
			if (v && strncmp(v, "bundle=", 7) == 0 &&
			    strlen(v + 7) < bundle_size) {
				strcpy(bundle, v + 7);
				break;
			}
		}
	}
	json_object_put(o);
	return 0;
}

/* The OCI bundle's annotations: Kubernetes' pod and container, as
 * containerd's CRI plugin (io.kubernetes.cri.*) and CRI-O
 * (io.kubernetes.*) write them; nerdctl's name; a compose project. */
static int bundle_step(struct scan *s, uint32_t idx, const char *bundle)
{
	char path[PATH_MAX];
	if ((size_t)snprintf(path, sizeof(path), "%s/config.json", bundle) >=
	    sizeof(path))
		return 0;
	json_object *o;
	if (read_json(path, &o) < 0)
		return -ENOMEM;
	if (!o)
		return 0;
	json_object *a;
	int r = 0;
	if (json_object_object_get_ex(o, "annotations", &a) &&
	    json_object_is_type(a, json_type_object)) {
		const char *type =
			json_str2(a, "io.kubernetes.cri.container-type",
				  "io.kubernetes.cri-o.ContainerType");
		bool sandbox = type && strcmp(type, "sandbox") == 0;
		struct nsrel__container_info info = {
			.name = sandbox ? NULL
					: json_str2(a,
						    "io.kubernetes.cri."
						    "container-name",
						    "io.kubernetes.container."
						    "name"),
			.pod_name =
				json_str2(a, "io.kubernetes.cri.sandbox-name",
					  "io.kubernetes.pod.name"),
			.pod_namespace = json_str2(
				a, "io.kubernetes.cri.sandbox-namespace",
				"io.kubernetes.pod.namespace"),
			.pod_uid = json_str2(a, "io.kubernetes.cri.sandbox-uid",
					     "io.kubernetes.pod.uid"),
			.project = json_str(a, "com.docker.compose.project"),
		};
		/* The annotations name the container as Kubernetes does;
		 * conmon's -n for CRI-O is a composite of them. */
		r = fill(s->m, idx, &info, true);
		if (r >= 0 && !info.name && !sandbox) {
			struct nsrel__container_info nn = {
				.name = json_str(a, "nerdctl/name")};
			r = fill(s->m, idx, &nn, false);
		}
	}
	json_object_put(o);
	return r;
}
#else
static int runc_state_step(struct scan *s, uint32_t idx, pid_t init,
			   char *bundle, size_t bundle_size)
{
	(void)s, (void)idx, (void)init, (void)bundle, (void)bundle_size;
	return 0;
}

static int bundle_step(struct scan *s, uint32_t idx, const char *bundle)
{
	(void)s, (void)idx, (void)bundle;
	return 0;
}
#endif

/* The container= variable of the init's environment (podman, lxc,
 * systemd-nspawn, CRI-O and others set it): that one variable is looked
 * for, the rest is cleared at once. It refines an engine the cgroup left
 * open. */
static int environ_step(struct scan *s, uint32_t idx,
			const struct nsrel_proc *init)
{
	struct nsrel_container *c = &s->m->ctrs[idx];
	if (c->engine != NSREL_ENGINE_MACHINED && c->engine != NSREL_ENGINE_OCI)
		return 0;
	_cleanup_close_ int dir = open_proc(s, init);
	if (dir < 0)
		return 0;
	_cleanup_free_ char *buf = malloc(ENVIRON_MAX);
	if (!buf)
		return -ENOMEM;
	ssize_t n = read_at(dir, "environ", buf, ENVIRON_MAX);
	char value[32] = "";
	for (ssize_t i = 0; i < n;) {
		const char *e = buf + i;
		size_t len = strnlen(e, (size_t)(n - i));
		if (len > 10 && len - 10 < sizeof(value) &&
		    memcmp(e, "container=", 10) == 0) {
			memcpy(value, e + 10, len - 10);
			value[len - 10] = '\0';
			break;
		}
		i += (ssize_t)len + 1;
	}
	if (n > 0)
		explicit_bzero(buf, (size_t)n);
	if (c->engine == NSREL_ENGINE_MACHINED &&
	    strcmp(value, "systemd-nspawn") == 0)
		c->engine = NSREL_ENGINE_NSPAWN;
	else if (c->engine == NSREL_ENGINE_OCI && strcmp(value, "podman") == 0)
		c->engine = NSREL_ENGINE_PODMAN;
	else if (c->engine == NSREL_ENGINE_OCI && strcmp(value, "lxc") == 0)
		c->engine = NSREL_ENGINE_LXC;
	return 0;
}

static int disk_step(struct scan *s, uint32_t idx)
{
	struct nsrel_model *m = s->m;
	if (m->ctrs[idx].init == NONE)
		return 0;
	const struct nsrel_proc *init = &m->procs[m->ctrs[idx].init];
	const struct nsrel_proc *parent = nsrel__model_find_proc(m, init->ppid);
	const char *pname = parent ? nsrel_proc_name(parent) : "";
	char bundle[PATH_MAX] = "";
	int r = 0;
	if (strcmp(pname, "conmon") == 0) {
		r = conmon_step(s, idx, parent, bundle, sizeof(bundle));
	} else if (strncmp(pname, "containerd-shim", 15) == 0) {
		shim_step(s, idx, parent, bundle, sizeof(bundle));
		if (bundle[0] && m->ctrs[idx].engine == NSREL_ENGINE_OCI)
			m->ctrs[idx].engine = NSREL_ENGINE_CONTAINERD;
	}
	if (r >= 0 && !bundle[0] && m->ctrs[idx].id != NONE &&
	    strlen(m->strs + m->ctrs[idx].id) == 64)
		r = runc_state_step(s, idx, init->pid, bundle, sizeof(bundle));
	if (r >= 0 && bundle[0] == '/')
		r = bundle_step(s, idx, bundle);
	if (r >= 0)
		r = environ_step(s, idx, init);
	return r;
}

/* ---- The finished containers ----------------------------------------- */

/* Each container's init: of its processes one whose parent is not one of
 * them, the earliest started, lowest pid on ties. */
static void find_inits(struct nsrel_model *m)
{
	for (size_t i = 0; i < m->ctrs_n; i++)
		m->ctrs[i].init = NONE;
	for (size_t i = 0; i < m->procs_n; i++) {
		const struct nsrel_proc *p = &m->procs[i];
		if (p->ctr == NONE)
			continue;
		const struct nsrel_proc *pp =
			nsrel__model_find_proc(m, p->ppid);
		if (pp && pp->ctr == p->ctr)
			continue;
		struct nsrel_container *c = &m->ctrs[p->ctr];
		if (c->init == NONE ||
		    p->starttime < m->procs[c->init].starttime)
			c->init = (uint32_t)i;
	}
}

static int cmp_ctr(const void *a, const void *b, void *arg)
{
	const struct nsrel_model *m = arg;
	const struct nsrel_container *x = &m->ctrs[*(const uint32_t *)a];
	const struct nsrel_container *y = &m->ctrs[*(const uint32_t *)b];
	if (x->engine != y->engine)
		return x->engine < y->engine ? -1 : 1;
	return strcmp(m->strs + x->id, m->strs + y->id);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Sorts the containers and lays out their processes and namespaces in
 * ctr_links. */
static int layout(struct nsrel_model *m)
{
	size_t n = m->ctrs_n;
	_cleanup_free_ uint32_t *order = malloc(n * sizeof(*order));
	_cleanup_free_ uint32_t *map = malloc(n * sizeof(*map));
	_cleanup_free_ struct nsrel_container *sorted =
		malloc(n * sizeof(*sorted));
	if (!order || !map || !sorted)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, n, sizeof(*order), cmp_ctr, m);
	for (size_t i = 0; i < n; i++) {
		sorted[i] = m->ctrs[order[i]];
		map[order[i]] = (uint32_t)i;
	}
	memcpy(m->ctrs, sorted, n * sizeof(*sorted));

	/* (container, ns) pairs, sorted and made unique: the namespaces of
	 * each container, by type and inode (the ns index order). */
	size_t in = 0;
	for (size_t i = 0; i < m->procs_n; i++) {
		struct nsrel_proc *p = &m->procs[i];
		if (p->ctr == NONE)
			continue;
		p->ctr = map[p->ctr];
		m->ctrs[p->ctr].proc_n++;
		in++;
	}
	_cleanup_free_ uint64_t *pairs =
		malloc((in * NSREL_NSTYPE_COUNT + 1) * sizeof(*pairs));
	if (!pairs)
		return -ENOMEM;
	size_t np = 0;
	for (size_t i = 0; i < m->procs_n; i++) {
		const struct nsrel_proc *p = &m->procs[i];
		if (p->ctr == NONE)
			continue;
		for (unsigned t = 0; t < NSREL_NSTYPE_COUNT; t++)
			if (p->ns[t] != NONE)
				pairs[np++] = (uint64_t)p->ctr << 32 | p->ns[t];
	}
	if (np > 1)
		qsort(pairs, np, sizeof(*pairs), cmp_u64);
	size_t nu = 0;
	for (size_t i = 0; i < np; i++)
		if (!nu || pairs[nu - 1] != pairs[i])
			pairs[nu++] = pairs[i];
	m->ctr_links = malloc((in + nu + 1) * sizeof(*m->ctr_links));
	if (!m->ctr_links)
		return -ENOMEM;
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		m->ctrs[i].proc_off = (uint32_t)off;
		off += m->ctrs[i].proc_n;
		m->ctrs[i].proc_n = 0;
	}
	for (size_t i = 0; i < m->procs_n; i++) {
		uint32_t c = m->procs[i].ctr;
		if (c == NONE)
			continue;
		struct nsrel_container *ctr = &m->ctrs[c];
		m->ctr_links[ctr->proc_off + ctr->proc_n++] = (uint32_t)i;
	}
	for (size_t i = 0; i < nu; i++) {
		struct nsrel_container *ctr = &m->ctrs[pairs[i] >> 32];
		if (!ctr->ns_n)
			ctr->ns_off = (uint32_t)(off + i);
		ctr->ns_n++;
		m->ctr_links[off + i] = (uint32_t)pairs[i];
	}
	return 0;
}

int nsrel__containers_finish(struct scan *s)
{
	struct nsrel__containers *ct = s->ct;
	struct nsrel_model *m = s->m;
	if (!ct)
		return 0;
	int r = conmon_children(s);
	if (r < 0)
		return r;
	if (!m->ctrs_n)
		return 0;
	find_inits(m);
	for (size_t i = 0; i < m->ctrs_n; i++) {
		r = disk_step(s, (uint32_t)i);
		if (r < 0)
			return r;
	}
	if (ct->engine_on) {
		r = nsrel__containers_apply_engine(ct);
		if (r < 0)
			return r;
		find_inits(m);
	}
	r = layout(m);
	if (r < 0)
		return r;
	find_inits(m);
	return 0;
}
