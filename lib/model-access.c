/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The accessors of a finished model: what nsrel.h's nsrel_model_*(),
 * nsrel_ns_*(), nsrel_ref_*() and nsrel_proc_*() serve. Each accepts NULL
 * for its object and returns "none" (nsrel.h).
 */
#include <errno.h>
#include <string.h>

#include "model.h"
#include "util.h"
_public_ size_t nsrel_model_ns_count(const struct nsrel_model *m)
{
	return m ? m->ns_n : 0;
}

_public_ const struct nsrel_ns *nsrel_model_ns(const struct nsrel_model *m,
					       size_t i)
{
	return m && i < m->ns_n ? &m->ns[i] : NULL;
}

_public_ const struct nsrel_ns *nsrel_model_find(const struct nsrel_model *m,
						 int nstype, ino_t ino)
{
	if (!m)
		return NULL;
	uint32_t i = nsrel__model_ns_lookup(m, nstype, ino);
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
	return m ? nsrel__model_find_proc(m, pid) : NULL;
}

_public_ size_t nsrel_model_unreadable(const struct nsrel_model *m)
{
	return m ? m->unreadable : 0;
}

_public_ const char *nsrel_model_engine_warning(const struct nsrel_model *m)
{
	return m && m->engine_warning != NONE ? m->strs + m->engine_warning
					      : NULL;
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
		return (struct nsrel_id){0};
	return (struct nsrel_id){
		.dev = ns->dev, .ino = ns->ino, .nsid = ns->nsid};
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

static int id_map(const struct nsrel_ns *ns, int which,
		  const struct nsrel_idmap **ret_map, size_t *ret_n)
{
	if (!ns || !ret_map || !ret_n || ns->type != CLONE_NEWUSER)
		return -EINVAL;
	if (ns->map_off[which] == NONE)
		return -ENODATA;
	*ret_map = ns->m->idmaps + ns->map_off[which];
	*ret_n = ns->map_n[which];
	return 0;
}

_public_ int nsrel_ns_uid_map(const struct nsrel_ns *ns,
			      const struct nsrel_idmap **ret_map, size_t *ret_n)
{
	return id_map(ns, 0, ret_map, ret_n);
}

_public_ int nsrel_ns_gid_map(const struct nsrel_ns *ns,
			      const struct nsrel_idmap **ret_map, size_t *ret_n)
{
	return id_map(ns, 1, ret_map, ret_n);
}

_public_ int nsrel_ns_netnsid(const struct nsrel_ns *ns, int *ret_id)
{
	if (!ns || !ret_id || ns->type != CLONE_NEWNET)
		return -EINVAL;
	if (!ns->has_netnsid)
		return -ENODATA;
	*ret_id = ns->netnsid;
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
