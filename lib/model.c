/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The model while a scan builds it: growing arrays, the (type, inode) hash,
 * the string arena; and freeing it. model-finish.c turns it into what the
 * accessors (model-access.c) serve.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

int nsrel__model_grow(void **arr, size_t *cap, size_t need, size_t elem)
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

int nsrel__model_ht_rebuild(struct nsrel_model *m, size_t cap)
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
uint32_t nsrel__model_ns_lookup(const struct nsrel_model *m, int type,
				ino_t ino)
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

uint32_t nsrel__model_ns_get(struct nsrel_model *m, int type, ino_t ino,
			     bool *ret_new)
{
	uint32_t idx = nsrel__model_ns_lookup(m, type, ino);
	if (ret_new)
		*ret_new = idx == NONE;
	if (idx != NONE)
		return idx;
	int tidx = nsrel_nstype_index(type);
	if (tidx < 0)
		return NONE;
	/* Keep the table at most half full. */
	if ((m->ns_n + 1) * 2 > m->ht_cap &&
	    nsrel__model_ht_rebuild(m, m->ht_cap ? m->ht_cap * 2 : 256) < 0)
		return NONE;
	if (nsrel__model_grow((void **)&m->ns, &m->ns_cap, m->ns_n + 1,
			      sizeof(*m->ns)) < 0)
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
		.map_off = {NONE, NONE},
	};
	ht_insert(m, idx);
	return idx;
}

int nsrel__model_proc_add(struct nsrel_model *m, uint32_t *ret_idx)
{
	if (nsrel__model_grow((void **)&m->procs, &m->procs_cap, m->procs_n + 1,
			      sizeof(*m->procs)) < 0)
		return -ENOMEM;
	uint32_t idx = (uint32_t)m->procs_n++;
	struct nsrel_proc *p = &m->procs[idx];
	*p = (struct nsrel_proc){
		.m = m, .name = NONE, .args = NONE, .ctr = NONE};
	for (unsigned i = 0; i < NSREL_NSTYPE_COUNT; i++)
		p->ns[i] = NONE;
	*ret_idx = idx;
	return 0;
}

int nsrel__model_ref_add(struct nsrel_model *m, uint32_t ns,
			 enum nsrel_ref_kind kind, uint32_t proc, pid_t tid,
			 int fd, uint32_t path, uint32_t mntns)
{
	if (nsrel__model_grow((void **)&m->refs, &m->refs_cap, m->refs_n + 1,
			      sizeof(*m->refs)) < 0)
		return -ENOMEM;
	uint8_t bit = (uint8_t)(1u << kind);
	if (proc != NONE && !(m->ns[ns].held_by & bit))
		m->procs[proc].first = true;
	m->ns[ns].held_by |= bit;
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

uint32_t nsrel__model_str_add(struct nsrel_model *m, const char *s, size_t len)
{
	if (m->strs_n + len + 1 >= NONE)
		return NONE;
	if (nsrel__model_grow((void **)&m->strs, &m->strs_cap,
			      m->strs_n + len + 1, 1) < 0)
		return NONE;
	uint32_t off = (uint32_t)m->strs_n;
	memcpy(m->strs + off, s, len);
	m->strs[off + len] = '\0';
	m->strs_n += len + 1;
	return off;
}

uint32_t nsrel__model_idmap_add(struct nsrel_model *m,
				const struct nsrel_idmap *map, size_t n)
{
	if (m->idmaps_n + n >= NONE)
		return NONE;
	/* An empty map still gets an offset: it is known to be empty. */
	if (nsrel__model_grow((void **)&m->idmaps, &m->idmaps_cap,
			      m->idmaps_n + n + 1, sizeof(*m->idmaps)) < 0)
		return NONE;
	uint32_t off = (uint32_t)m->idmaps_n;
	if (n)
		memcpy(m->idmaps + off, map, n * sizeof(*map));
	m->idmaps_n += n;
	return off;
}

const struct nsrel_proc *nsrel__model_find_proc(const struct nsrel_model *m,
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

_public_ void nsrel_model_free(struct nsrel_model *m)
{
	if (!m)
		return;
	free(m->ns);
	free(m->procs);
	free(m->refs);
	free(m->strs);
	free(m->idmaps);
	free(m->links);
	free(m->ctrs);
	free(m->ctr_links);
	free(m->ht);
	free(m);
}
