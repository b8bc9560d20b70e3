/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The model: building it during a scan, finishing it, and its accessors. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	void *p = reallocarray(*arr, n, elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

static size_t hash_ino(ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 32);
}

static int ht_insert(struct nsrel_model *m, uint32_t idx)
{
	size_t mask = m->ht_cap - 1;
	size_t i = hash_ino(m->ns[idx].ino) & mask;
	while (m->ht[i])
		i = (i + 1) & mask;
	m->ht[i] = idx + 1;
	return 0;
}

static int ht_rebuild(struct nsrel_model *m, size_t cap)
{
	uint32_t *ht = calloc(cap, sizeof(*ht));
	if (!ht)
		return -ENOMEM;
	free(m->ht);
	m->ht = ht;
	m->ht_cap = cap;
	for (size_t i = 0; i < m->ns_n; i++)
		ht_insert(m, (uint32_t)i);
	return 0;
}

/* The type is part of the key: the kernel hands out a dead namespace's
 * inode number again at once, so within one scan the same number may name
 * namespaces of two types. */
uint32_t model_ns_lookup(const struct nsrel_model *m, int type, ino_t ino)
{
	if (!m->ht_cap)
		return NONE;
	size_t mask = m->ht_cap - 1;
	for (size_t i = hash_ino(ino) & mask; m->ht[i]; i = (i + 1) & mask) {
		const struct nsrel_ns *ns = &m->ns[m->ht[i] - 1];
		if (ns->ino == ino && (!type || ns->type == type))
			return m->ht[i] - 1;
	}
	return NONE;
}

uint32_t model_ns_get(struct nsrel_model *m, int type, ino_t ino,
		      bool *ret_new)
{
	uint32_t idx = model_ns_lookup(m, type, ino);
	if (ret_new)
		*ret_new = idx == NONE;
	if (idx != NONE)
		return idx;
	int tidx = nsrel_nstype_index(type);
	if (tidx < 0)
		return NONE;
	/* Keep the table at most half full. */
	if ((m->ns_n + 1) * 2 > m->ht_cap &&
	    ht_rebuild(m, m->ht_cap ? m->ht_cap * 2 : 256) < 0)
		return NONE;
	if (grow((void **)&m->ns, &m->ns_cap, m->ns_n + 1, sizeof(*m->ns)) < 0)
		return NONE;
	idx = (uint32_t)m->ns_n++;
	m->ns[idx] = (struct nsrel_ns){
		.m = m,
		.type = type,
		.tidx = (uint8_t)tidx,
		.dev = m->nsfs_dev,
		.ino = ino,
		.parent = NONE,
		.owner = NONE,
		.leader = NONE,
	};
	ht_insert(m, idx);
	return idx;
}

int model_proc_add(struct nsrel_model *m, uint32_t *ret_idx)
{
	if (grow((void **)&m->procs, &m->procs_cap, m->procs_n + 1,
		 sizeof(*m->procs)) < 0)
		return -ENOMEM;
	uint32_t idx = (uint32_t)m->procs_n++;
	struct nsrel_proc *p = &m->procs[idx];
	*p = (struct nsrel_proc){ .m = m, .name = NONE, .args = NONE };
	for (unsigned i = 0; i < NSREL_NSTYPE_COUNT; i++)
		p->ns[i] = NONE;
	*ret_idx = idx;
	return 0;
}

int model_ref_add(struct nsrel_model *m, uint32_t ns, enum nsrel_ref_kind kind,
		  uint32_t proc, pid_t tid, int fd, uint32_t path,
		  uint32_t mntns)
{
	if (grow((void **)&m->refs, &m->refs_cap, m->refs_n + 1,
		 sizeof(*m->refs)) < 0)
		return -ENOMEM;
	m->refs[m->refs_n++] = (struct nsrel_ref){
		.m = m,
		.ns = ns,
		.kind = kind,
		.proc = proc,
		.tid = tid,
		.fd = fd,
		.path = path,
		.mntns = mntns,
	};
	return 0;
}

uint32_t model_str_add(struct nsrel_model *m, const char *s, size_t len)
{
	if (m->strs_n + len + 1 >= NONE)
		return NONE;
	if (grow((void **)&m->strs, &m->strs_cap, m->strs_n + len + 1, 1) < 0)
		return NONE;
	uint32_t off = (uint32_t)m->strs_n;
	memcpy(m->strs + off, s, len);
	m->strs[off + len] = '\0';
	m->strs_n += len + 1;
	return off;
}

/* ---- finishing --------------------------------------------------------- */

static int cmp_ns(const void *a, const void *b)
{
	const struct nsrel_ns *x = a, *y = b;
	if (x->tidx != y->tidx)
		return x->tidx < y->tidx ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* Refs are sorted by namespace, then kind, then process, tid, fd, path. */
static int cmp_ref(const void *a, const void *b, void *arg)
{
	const struct nsrel_model *sort_model = arg;
	const struct nsrel_ref *x = a, *y = b;
	if (x->ns != y->ns)
		return x->ns < y->ns ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->proc != y->proc)
		return x->proc < y->proc ? -1 : 1;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	if (x->fd != y->fd)
		return x->fd < y->fd ? -1 : 1;
	if (x->path != y->path) {
		if (x->path == NONE || y->path == NONE)
			return x->path == NONE ? -1 : 1;
		int c = strcmp(sort_model->strs + x->path,
			       sort_model->strs + y->path);
		if (c)
			return c;
	}
	return x->mntns < y->mntns ? -1 : x->mntns > y->mntns;
}

static uint32_t remap(const uint32_t *map, uint32_t i)
{
	return i == NONE ? NONE : map[i];
}

/* Sort namespaces and drop those the options exclude, remapping indices. */
static int finish_ns(struct nsrel_model *m, bool keep_hidden)
{
	size_t n = m->ns_n;
	_cleanup_free_ uint32_t *held = calloc(n ? n : 1, sizeof(*held));
	_cleanup_free_ uint32_t *map = malloc((n ? n : 1) * sizeof(*map));
	if (!held || !map)
		return -ENOMEM;
	for (size_t i = 0; i < m->refs_n; i++)
		held[m->refs[i].ns] = 1;

	/* Stash the old index in leader while sorting; it is computed
	 * afresh later anyway. */
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		struct nsrel_ns *ns = &m->ns[i];
		if (!(ns->type & m->types) || (!held[i] && !keep_hidden))
			continue;
		m->ns[k] = *ns;
		m->ns[k].leader = (uint32_t)i;
		k++;
	}
	for (size_t i = 0; i < n; i++)
		map[i] = NONE;
	/* An empty model has no array: qsort's base must not be NULL. */
	if (k > 1)
		qsort(m->ns, k, sizeof(*m->ns), cmp_ns);
	for (size_t i = 0; i < k; i++)
		map[m->ns[i].leader] = (uint32_t)i;
	m->ns_n = k;
	for (size_t i = 0; i < k; i++) {
		m->ns[i].parent = remap(map, m->ns[i].parent);
		m->ns[i].owner = remap(map, m->ns[i].owner);
		m->ns[i].leader = NONE;
	}
	for (size_t i = 0; i < m->procs_n; i++)
		for (unsigned t = 0; t < NSREL_NSTYPE_COUNT; t++)
			m->procs[i].ns[t] = remap(map, m->procs[i].ns[t]);
	k = 0;
	for (size_t i = 0; i < m->refs_n; i++) {
		struct nsrel_ref r = m->refs[i];
		r.ns = map[r.ns];
		if (r.ns == NONE)
			continue;
		r.mntns = remap(map, r.mntns);
		m->refs[k++] = r;
	}
	m->refs_n = k;
	return ht_rebuild(m, m->ht_cap ? m->ht_cap : 16);
}

static int cmp_proc_idx(const void *a, const void *b, void *arg)
{
	const struct nsrel_proc *procs = arg;
	pid_t x = procs[*(const uint32_t *)a].pid;
	pid_t y = procs[*(const uint32_t *)b].pid;
	return x < y ? -1 : x > y;
}

static int finish_procs(struct nsrel_model *m)
{
	size_t n = m->procs_n;
	/* /proc lists pids in ascending order, so this is sorted already
	 * unless a future source adds processes out of order. */
	bool sorted = true;
	for (size_t i = 1; i < n && sorted; i++)
		sorted = m->procs[i - 1].pid < m->procs[i].pid;
	if (sorted)
		return 0;
	_cleanup_free_ uint32_t *order = malloc(n * sizeof(*order));
	_cleanup_free_ uint32_t *map = malloc(n * sizeof(*map));
	_cleanup_free_ struct nsrel_proc *procs = malloc(n * sizeof(*procs));
	if (!order || !map || !procs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, n, sizeof(*order), cmp_proc_idx, m->procs);
	for (size_t i = 0; i < n; i++) {
		procs[i] = m->procs[order[i]];
		map[order[i]] = (uint32_t)i;
	}
	memcpy(m->procs, procs, n * sizeof(*procs));
	for (size_t i = 0; i < m->refs_n; i++)
		m->refs[i].proc = remap(map, m->refs[i].proc);
	return 0;
}

static const struct nsrel_proc *find_proc(const struct nsrel_model *m,
					  pid_t pid)
{
	size_t lo = 0, hi = m->procs_n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->procs[mid].pid == pid)
			return &m->procs[mid];
		if (m->procs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int finish_refs(struct nsrel_model *m)
{
	/* Every namespace without a holder is hidden: say so explicitly. */
	_cleanup_free_ uint8_t *held = calloc(m->ns_n ? m->ns_n : 1, 1);
	if (!held)
		return -ENOMEM;
	for (size_t i = 0; i < m->refs_n; i++)
		held[m->refs[i].ns] = 1;
	for (size_t i = 0; i < m->ns_n; i++)
		if (!held[i] &&
		    model_ref_add(m, (uint32_t)i, NSREL_REF_HIDDEN, NONE, 0, -1,
				  NONE, NONE) < 0)
			return -ENOMEM;
	if (m->refs_n > 1)
		qsort_r(m->refs, m->refs_n, sizeof(*m->refs), cmp_ref, m);
	for (size_t i = 0; i < m->refs_n; i++) {
		struct nsrel_ns *ns = &m->ns[m->refs[i].ns];
		if (!ns->ref_n)
			ns->ref_off = (uint32_t)i;
		ns->ref_n++;
	}
	return 0;
}

/* Children, owned namespaces and member processes: three lists per
 * namespace, laid out in one array of indices. */
static int finish_links(struct nsrel_model *m)
{
	size_t total = 0;
	for (size_t i = 0; i < m->ns_n; i++) {
		struct nsrel_ns *ns = &m->ns[i];
		if (ns->parent != NONE)
			m->ns[ns->parent].child_n++;
		if (ns->owner != NONE)
			m->ns[ns->owner].owned_n++;
	}
	for (size_t i = 0; i < m->procs_n; i++)
		for (unsigned t = 0; t < NSREL_NSTYPE_COUNT; t++)
			if (m->procs[i].ns[t] != NONE)
				m->ns[m->procs[i].ns[t]].proc_n++;
	for (size_t i = 0; i < m->ns_n; i++) {
		struct nsrel_ns *ns = &m->ns[i];
		ns->child_off = (uint32_t)total;
		total += ns->child_n;
		ns->owned_off = (uint32_t)total;
		total += ns->owned_n;
		ns->proc_off = (uint32_t)total;
		total += ns->proc_n;
		ns->child_n = ns->owned_n = ns->proc_n = 0;
	}
	m->links = malloc((total ? total : 1) * sizeof(*m->links));
	if (!m->links)
		return -ENOMEM;
	/* Namespaces are sorted by type, then inode, and processes by pid:
	 * filling in index order keeps every list sorted the same way. */
	for (size_t i = 0; i < m->ns_n; i++) {
		struct nsrel_ns *ns = &m->ns[i];
		if (ns->parent != NONE) {
			struct nsrel_ns *p = &m->ns[ns->parent];
			m->links[p->child_off + p->child_n++] = (uint32_t)i;
		}
		if (ns->owner != NONE) {
			struct nsrel_ns *o = &m->ns[ns->owner];
			m->links[o->owned_off + o->owned_n++] = (uint32_t)i;
		}
	}
	for (size_t i = 0; i < m->procs_n; i++)
		for (unsigned t = 0; t < NSREL_NSTYPE_COUNT; t++) {
			uint32_t n = m->procs[i].ns[t];
			if (n == NONE)
				continue;
			struct nsrel_ns *ns = &m->ns[n];
			m->links[ns->proc_off + ns->proc_n++] = (uint32_t)i;
		}
	return 0;
}

/* The representative process: among members whose parent is not a member,
 * the earliest started; lowest pid on ties (processes are in pid order). */
static void finish_leaders(struct nsrel_model *m)
{
	for (size_t i = 0; i < m->ns_n; i++) {
		struct nsrel_ns *ns = &m->ns[i];
		uint32_t best = NONE;
		for (uint32_t j = 0; j < ns->proc_n; j++) {
			uint32_t pi = m->links[ns->proc_off + j];
			const struct nsrel_proc *p = &m->procs[pi];
			const struct nsrel_proc *pp = find_proc(m, p->ppid);
			if (pp && pp->ns[ns->tidx] == i)
				continue;
			if (best == NONE ||
			    p->starttime < m->procs[best].starttime)
				best = pi;
		}
		ns->leader = best;
	}
}

int model_finish(struct nsrel_model *m, bool keep_hidden)
{
	int r = finish_ns(m, keep_hidden);
	if (r < 0)
		return r;
	r = finish_procs(m);
	if (r < 0)
		return r;
	r = finish_refs(m);
	if (r < 0)
		return r;
	r = finish_links(m);
	if (r < 0)
		return r;
	finish_leaders(m);
	return 0;
}

_public_ void nsrel_model_free(struct nsrel_model *m)
{
	if (!m)
		return;
	free(m->ns);
	free(m->procs);
	free(m->refs);
	free(m->strs);
	free(m->links);
	free(m->ht);
	free(m);
}

/* ---- accessors ----------------------------------------------------------- */

_public_ size_t nsrel_model_ns_count(const struct nsrel_model *m)
{
	return m ? m->ns_n : 0;
}

_public_ const struct nsrel_ns *nsrel_model_ns(const struct nsrel_model *m,
					       size_t i)
{
	return m && i < m->ns_n ? &m->ns[i] : NULL;
}

_public_ const struct nsrel_ns *
nsrel_model_find(const struct nsrel_model *m, int nstype, ino_t ino)
{
	if (!m)
		return NULL;
	uint32_t i = model_ns_lookup(m, nstype, ino);
	if (i == NONE)
		return NULL;
	return &m->ns[i];
}

_public_ size_t nsrel_model_proc_count(const struct nsrel_model *m)
{
	return m ? m->procs_n : 0;
}

_public_ const struct nsrel_proc *nsrel_model_proc(const struct nsrel_model *m,
						   size_t i)
{
	return m && i < m->procs_n ? &m->procs[i] : NULL;
}

_public_ const struct nsrel_proc *
nsrel_model_find_proc(const struct nsrel_model *m, pid_t pid)
{
	return m ? find_proc(m, pid) : NULL;
}

_public_ size_t nsrel_model_unreadable(const struct nsrel_model *m)
{
	return m ? m->unreadable : 0;
}

_public_ enum nsrel_backend nsrel_model_backend(const struct nsrel_model *m)
{
	return m ? m->backend : NSREL_BACKEND_PROC;
}

static const struct nsrel_ns *ns_at(const struct nsrel_model *m, uint32_t i)
{
	return i == NONE ? NULL : &m->ns[i];
}

_public_ int nsrel_ns_type(const struct nsrel_ns *ns)
{
	return ns ? ns->type : 0;
}

_public_ struct nsrel_id nsrel_ns_id(const struct nsrel_ns *ns)
{
	if (!ns)
		return (struct nsrel_id){ 0 };
	return (struct nsrel_id){ .dev = ns->dev, .ino = ns->ino,
				  .nsid = ns->nsid };
}

_public_ ino_t nsrel_ns_ino(const struct nsrel_ns *ns)
{
	return ns ? ns->ino : 0;
}

_public_ const struct nsrel_ns *nsrel_ns_parent(const struct nsrel_ns *ns)
{
	return ns ? ns_at(ns->m, ns->parent) : NULL;
}

_public_ size_t nsrel_ns_child_count(const struct nsrel_ns *ns)
{
	return ns ? ns->child_n : 0;
}

_public_ const struct nsrel_ns *nsrel_ns_child(const struct nsrel_ns *ns,
					       size_t i)
{
	if (!ns || i >= ns->child_n)
		return NULL;
	return &ns->m->ns[ns->m->links[ns->child_off + i]];
}

_public_ const struct nsrel_ns *nsrel_ns_owner(const struct nsrel_ns *ns)
{
	return ns ? ns_at(ns->m, ns->owner) : NULL;
}

_public_ size_t nsrel_ns_owned_count(const struct nsrel_ns *ns)
{
	return ns ? ns->owned_n : 0;
}

_public_ const struct nsrel_ns *nsrel_ns_owned(const struct nsrel_ns *ns,
					       size_t i)
{
	if (!ns || i >= ns->owned_n)
		return NULL;
	return &ns->m->ns[ns->m->links[ns->owned_off + i]];
}

_public_ int nsrel_ns_owner_uid(const struct nsrel_ns *ns, uid_t *ret_uid)
{
	if (!ns || !ret_uid)
		return -EINVAL;
	if (ns->type != CLONE_NEWUSER)
		return -EINVAL;
	if (!ns->has_owner_uid)
		return -ENODATA;
	*ret_uid = ns->owner_uid;
	return 0;
}

_public_ size_t nsrel_ns_proc_count(const struct nsrel_ns *ns)
{
	return ns ? ns->proc_n : 0;
}

_public_ const struct nsrel_proc *nsrel_ns_proc(const struct nsrel_ns *ns,
						size_t i)
{
	if (!ns || i >= ns->proc_n)
		return NULL;
	return &ns->m->procs[ns->m->links[ns->proc_off + i]];
}

_public_ const struct nsrel_proc *nsrel_ns_leader(const struct nsrel_ns *ns)
{
	return !ns || ns->leader == NONE ? NULL : &ns->m->procs[ns->leader];
}

_public_ size_t nsrel_ns_ref_count(const struct nsrel_ns *ns)
{
	return ns ? ns->ref_n : 0;
}

_public_ const struct nsrel_ref *nsrel_ns_ref(const struct nsrel_ns *ns,
					      size_t i)
{
	return ns && i < ns->ref_n ? &ns->m->refs[ns->ref_off + i] : NULL;
}

_public_ enum nsrel_ref_kind nsrel_ref_kind(const struct nsrel_ref *r)
{
	return r ? r->kind : 0;
}

_public_ const char *nsrel_ref_kind_str(enum nsrel_ref_kind kind)
{
	switch (kind) {
	case NSREL_REF_PROC:
		return "proc";
	case NSREL_REF_TASK:
		return "task";
	case NSREL_REF_FOR_CHILDREN:
		return "for_children";
	case NSREL_REF_FD:
		return "fd";
	case NSREL_REF_SOCKET:
		return "socket";
	case NSREL_REF_BINDMOUNT:
		return "bindmount";
	case NSREL_REF_HIDDEN:
		return "hidden";
	}
	return NULL;
}

_public_ const struct nsrel_proc *nsrel_ref_proc(const struct nsrel_ref *r)
{
	return !r || r->proc == NONE ? NULL : &r->m->procs[r->proc];
}

_public_ pid_t nsrel_ref_tid(const struct nsrel_ref *r)
{
	return r && r->kind == NSREL_REF_TASK ? r->tid : 0;
}

_public_ int nsrel_ref_fd(const struct nsrel_ref *r)
{
	if (!r || (r->kind != NSREL_REF_FD && r->kind != NSREL_REF_SOCKET))
		return -1;
	return r->fd;
}

_public_ const char *nsrel_ref_path(const struct nsrel_ref *r)
{
	return !r || r->path == NONE ? NULL : r->m->strs + r->path;
}

_public_ const struct nsrel_ns *nsrel_ref_mntns(const struct nsrel_ref *r)
{
	return r ? ns_at(r->m, r->mntns) : NULL;
}

_public_ pid_t nsrel_proc_pid(const struct nsrel_proc *p)
{
	return p ? p->pid : 0;
}

_public_ pid_t nsrel_proc_ppid(const struct nsrel_proc *p)
{
	return p ? p->ppid : 0;
}

_public_ const char *nsrel_proc_name(const struct nsrel_proc *p)
{
	if (!p)
		return NULL;
	return p->name == NONE ? "" : p->m->strs + p->name;
}

_public_ size_t nsrel_proc_argc(const struct nsrel_proc *p)
{
	return p ? p->argc : 0;
}

_public_ const char *nsrel_proc_arg(const struct nsrel_proc *p, size_t i)
{
	if (!p || i >= p->argc)
		return NULL;
	const char *s = p->m->strs + p->args;
	while (i--)
		s += strlen(s) + 1;
	return s;
}

_public_ uid_t nsrel_proc_uid(const struct nsrel_proc *p)
{
	return p ? p->uid : (uid_t)-1;
}

_public_ uint64_t nsrel_proc_starttime(const struct nsrel_proc *p)
{
	return p ? p->starttime : 0;
}

_public_ const struct nsrel_ns *nsrel_proc_ns(const struct nsrel_proc *p,
					      int nstype)
{
	int t = nsrel_nstype_index(nstype);
	return !p || t < 0 ? NULL : ns_at(p->m, p->ns[t]);
}
