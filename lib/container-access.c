/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The accessors of a finished model's containers: nsrel.h's
 * nsrel_container_*(), nsrel_model_container*() and nsrel_proc_container().
 * Each accepts NULL for its object and returns "none" (nsrel.h).
 */
#include <string.h>

#include "model.h"
#include "util.h"

static const char *str_of(const struct nsrel_container *c, uint32_t off)
{
	return !c || off == NONE ? NULL : c->m->strs + off;
}

_public_ size_t nsrel_model_container_count(const struct nsrel_model *m)
{
	return m ? m->ctrs_n : 0;
}

_public_ const struct nsrel_container *
nsrel_model_container(const struct nsrel_model *m, size_t i)
{
	return m && i < m->ctrs_n ? &m->ctrs[i] : NULL;
}

_public_ const struct nsrel_container *
nsrel_model_find_container(const struct nsrel_model *m, const char *id_or_name)
{
	if (!m || !id_or_name)
		return NULL;
	const struct nsrel_container *by_name = NULL;
	size_t named = 0;
	for (size_t i = 0; i < m->ctrs_n; i++) {
		const struct nsrel_container *c = &m->ctrs[i];
		if (strcmp(m->strs + c->id, id_or_name) == 0)
			return c;
		if (c->name != NONE &&
		    strcmp(m->strs + c->name, id_or_name) == 0) {
			by_name = c;
			named++;
		}
	}
	return named == 1 ? by_name : NULL;
}

_public_ const struct nsrel_container *
nsrel_proc_container(const struct nsrel_proc *p)
{
	return !p || p->ctr == NONE ? NULL : &p->m->ctrs[p->ctr];
}

_public_ enum nsrel_engine
nsrel_container_engine(const struct nsrel_container *c)
{
	return c ? c->engine : NSREL_ENGINE_NONE;
}

_public_ const char *nsrel_container_id(const struct nsrel_container *c)
{
	return str_of(c, c ? c->id : NONE);
}

_public_ const char *nsrel_container_short_id(const struct nsrel_container *c)
{
	return str_of(c, c ? c->short_id : NONE);
}

_public_ const char *nsrel_container_name(const struct nsrel_container *c)
{
	return str_of(c, c ? c->name : NONE);
}

_public_ const char *nsrel_container_pod_name(const struct nsrel_container *c)
{
	return str_of(c, c ? c->pod_name : NONE);
}

_public_ const char *
nsrel_container_pod_namespace(const struct nsrel_container *c)
{
	return str_of(c, c ? c->pod_namespace : NONE);
}

_public_ const char *nsrel_container_pod_uid(const struct nsrel_container *c)
{
	return str_of(c, c ? c->pod_uid : NONE);
}

_public_ const char *nsrel_container_project(const struct nsrel_container *c)
{
	return str_of(c, c ? c->project : NONE);
}

_public_ const struct nsrel_proc *
nsrel_container_init(const struct nsrel_container *c)
{
	return !c || c->init == NONE ? NULL : &c->m->procs[c->init];
}

_public_ size_t nsrel_container_proc_count(const struct nsrel_container *c)
{
	return c ? c->proc_n : 0;
}

_public_ const struct nsrel_proc *
nsrel_container_proc(const struct nsrel_container *c, size_t i)
{
	if (!c || i >= c->proc_n)
		return NULL;
	return &c->m->procs[c->m->ctr_links[c->proc_off + i]];
}

_public_ size_t nsrel_container_ns_count(const struct nsrel_container *c)
{
	return c ? c->ns_n : 0;
}

_public_ const struct nsrel_ns *
nsrel_container_ns(const struct nsrel_container *c, size_t i)
{
	if (!c || i >= c->ns_n)
		return NULL;
	return &c->m->ns[c->m->ctr_links[c->ns_off + i]];
}
