/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The discovery model: growing arrays indexed by small integers, a hash from
 * namespace inode to index, and one string arena. Relations are indices, so
 * the arrays may move while the scan grows them.
 */
#ifndef NSREL_MODEL_H
#define NSREL_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "nsrel.h"

#define NONE UINT32_MAX

struct nsrel_ns {
	const struct nsrel_model *m;
	int type;
	uint8_t tidx; /* nsrel_nstype_index(type) */
	bool has_owner_uid;
	bool learned;	    /* scan: relations asked of the kernel already */
	bool mounts_read;   /* scan: mount namespace whose mounts we read */
	bool helper_stuck;  /* scan: a child that entered it never answered */
	pid_t any_pid;	    /* scan: some member process, 0 if none */
	bool netnsid_asked; /* scan: RTM_GETNSID asked already */
	bool has_netnsid;
	bool maps_read;	 /* scan: uid_map and gid_map read already */
	uint8_t held_by; /* scan: 1 << kind of every ref added so far */
	int32_t netnsid;
	uid_t owner_uid;
	dev_t dev;
	ino_t ino;
	uint64_t nsid;
	uint32_t parent, owner, leader; /* ns, ns, proc index or NONE */
	/* Ranges into model->links (children, owned, procs) and ->refs. */
	uint32_t child_off, child_n;
	uint32_t owned_off, owned_n;
	uint32_t proc_off, proc_n;
	uint32_t ref_off, ref_n;
	/* User namespaces: the uid (0) and gid (1) maps, ranges into
	 * model->idmaps; map_off NONE where not known. */
	uint32_t map_off[2], map_n[2];
};

struct nsrel_proc {
	const struct nsrel_model *m;
	pid_t pid, ppid;
	uid_t uid;
	uint32_t argc;
	uint32_t name; /* string arena offset */
	uint32_t args; /* arena offset of argc NUL-terminated strings */
	uint32_t ns[NSREL_NSTYPE_COUNT]; /* ns index or NONE */
	uint32_t ctr;			 /* container index or NONE */
	uint64_t starttime;
	/* scan: the first process to hold some namespace in some way (the
	 * first of its members, or of its fds, ...) */
	bool first;
};

struct nsrel_ref {
	const struct nsrel_model *m;
	uint32_t ns;
	uint32_t proc;	/* proc index or NONE */
	uint32_t path;	/* arena offset or NONE */
	uint32_t mntns; /* ns index or NONE */
	pid_t tid;
	int fd;
	enum nsrel_ref_kind kind;
};

/* A container (containers.c); strings are arena offsets or NONE. */
struct nsrel_container {
	const struct nsrel_model *m;
	enum nsrel_engine engine;
	uint32_t id, short_id, name;
	uint32_t pod_name, pod_namespace, pod_uid, project;
	uint32_t init; /* proc index or NONE */
	/* Ranges into model->ctr_links: processes, namespaces. */
	uint32_t proc_off, proc_n;
	uint32_t ns_off, ns_n;
};

struct nsrel_model {
	struct nsrel_ns *ns;
	size_t ns_n, ns_cap;
	struct nsrel_proc *procs;
	size_t procs_n, procs_cap;
	struct nsrel_ref *refs;
	size_t refs_n, refs_cap;
	char *strs;
	size_t strs_n, strs_cap;
	struct nsrel_container *ctrs;
	size_t ctrs_n, ctrs_cap;
	struct nsrel_idmap *idmaps;
	size_t idmaps_n, idmaps_cap;
	uint32_t *ctr_links; /* filled by nsrel__containers_finish() */
	uint32_t *links;     /* filled by nsrel__model_finish() */
	uint32_t *ht;	     /* open addressing: ns index + 1, 0 = empty */
	size_t ht_cap;
	size_t unreadable;
	uint32_t engine_warning; /* arena offset or NONE */
	struct nsrel_view
		view; /* filled by nsrel__scan_view(); unreadable aside */
	dev_t nsfs_dev;
	unsigned types;		    /* types asked for */
	enum nsrel_backend backend; /* the one that ran */
};

/* Grows *arr (of elem bytes each) to hold need. 0 or -ENOMEM. */
int nsrel__model_grow(void **arr, size_t *cap, size_t need, size_t elem);
/* Returns the ns index, adding the namespace if new; NONE on ENOMEM. */
uint32_t nsrel__model_ns_get(struct nsrel_model *m, int type, ino_t ino,
			     bool *ret_new);
/* type 0 matches any type. */
uint32_t nsrel__model_ns_lookup(const struct nsrel_model *m, int type,
				ino_t ino);
int nsrel__model_proc_add(struct nsrel_model *m, uint32_t *ret_idx);
int nsrel__model_ref_add(struct nsrel_model *m, uint32_t ns,
			 enum nsrel_ref_kind kind, uint32_t proc, pid_t tid,
			 int fd, uint32_t path, uint32_t mntns);
/* Copies len bytes and a NUL into the arena; returns the offset or NONE. */
uint32_t nsrel__model_str_add(struct nsrel_model *m, const char *s, size_t len);
/* Copies n ranges of an id map into the model; returns the offset or
 * NONE on ENOMEM. */
uint32_t nsrel__model_idmap_add(struct nsrel_model *m,
				const struct nsrel_idmap *map, size_t n);
/* Builds the (type, inode) hash anew with cap slots (a power of two)
 * after the namespaces moved. */
int nsrel__model_ht_rebuild(struct nsrel_model *m, size_t cap);
/* The process with this pid, by binary search of the finished model. */
const struct nsrel_proc *nsrel__model_find_proc(const struct nsrel_model *m,
						pid_t pid);
/* Sorts, drops what the options exclude, fills the derived relations. */
int nsrel__model_finish(struct nsrel_model *m, bool keep_hidden);

#endif /* NSREL_MODEL_H */
