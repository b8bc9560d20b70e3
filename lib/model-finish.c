/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Finishing a scan's model: sort namespaces (type, inode) and processes
 * (pid), drop what the options exclude, and fill the derived relations:
 * children, owned namespaces, member processes, leaders, holders.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "containers.h"
#include "model.h"
#include "util.h"
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

/* Sorts the refs as cmp_ref() orders them: by namespace and kind in one
 * stable pass (a counting sort), then each run of one namespace and
 * kind, which is in order already where its refs were added in process
 * order, as the scans add them. */
#define REF_KINDS (NSREL_REF_HIDDEN + 1)
static int sort_refs(struct nsrel_model *m)
{
	size_t n = m->refs_n, buckets = m->ns_n * REF_KINDS;
	if (n < 2)
		return 0;
	_cleanup_free_ uint32_t *end = calloc(buckets + 1, sizeof(*end));
	struct nsrel_ref *out = malloc(n * sizeof(*out));
	if (!end || !out) {
		free(out);
		return -ENOMEM;
	}
	/* end[b + 1]: how many go to bucket b; then where b starts; then,
	 * as they are placed, where it ends. */
	for (size_t i = 0; i < n; i++)
		end[m->refs[i].ns * REF_KINDS + m->refs[i].kind + 1]++;
	for (size_t b = 1; b <= buckets; b++)
		end[b] += end[b - 1];
	for (size_t i = 0; i < n; i++)
		out[end[m->refs[i].ns * REF_KINDS + m->refs[i].kind]++] =
			m->refs[i];
	free(m->refs);
	m->refs = out;
	m->refs_cap = n;
	for (size_t b = 0, lo = 0; b < buckets; lo = end[b++]) {
		size_t k = lo + 1;
		while (k < end[b] && cmp_ref(&out[k - 1], &out[k], m) <= 0)
			k++;
		if (k < end[b])
			qsort_r(out + lo, end[b] - lo, sizeof(*out), cmp_ref,
				m);
	}
	return 0;
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
	return nsrel__model_ht_rebuild(m, m->ht_cap ? m->ht_cap : 16);
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
		    nsrel__model_ref_add(m, (uint32_t)i, NSREL_REF_HIDDEN, NONE,
					 0, -1, NONE, NONE) < 0)
			return -ENOMEM;
	if (sort_refs(m) < 0)
		return -ENOMEM;
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
			const struct nsrel_proc *pp =
				nsrel__model_find_proc(m, p->ppid);
			if (pp && pp->ns[ns->tidx] == i)
				continue;
			if (best == NONE ||
			    p->starttime < m->procs[best].starttime)
				best = pi;
		}
		/* A runtime's helper that started the payload (bwrap,
		 * catatonit, conmon, ...) says nothing of whose namespace it
		 * is: its earliest started child in the namespace stands
		 * for it, and so on down. */
		for (unsigned depth = 0; best != NONE && depth < 8; depth++) {
			const struct nsrel_proc *b = &m->procs[best];
			if (b->name == NONE ||
			    !nsrel__container_is_helper(m->strs + b->name))
				break;
			uint32_t child = NONE;
			for (uint32_t j = 0; j < ns->proc_n; j++) {
				uint32_t pi = m->links[ns->proc_off + j];
				const struct nsrel_proc *p = &m->procs[pi];
				if (p->ppid == b->pid &&
				    (child == NONE ||
				     p->starttime < m->procs[child].starttime))
					child = pi;
			}
			if (child == NONE)
				break;
			best = child;
		}
		ns->leader = best;
	}
}

int nsrel__model_finish(struct nsrel_model *m, bool keep_hidden)
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
