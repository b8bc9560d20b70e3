// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel's view of every namespace, in one pass: iter/task writes a
 * record for every task (threads included), iter/task_file one for every
 * open nsfs file and every socket in another network namespace than its
 * process's. Each namespace met, and each of its owners and ancestors, is
 * described once (struct nsrel_bpf_ns), deduplicated through a hash map.
 *
 * Read-only: the programs only read kernel memory and write to their seq
 * file and to their own map. Bounded: the only loops walk parents, at most
 * the kernel's nesting limit (32) deep.
 *
 * The kernel types below are the few fields we read, not the kernel's
 * layout: preserve_access_index makes every access a CO-RE relocation that
 * libbpf resolves against the running kernel's BTF, so this builds without
 * any BTF at hand and runs on every kernel with BTF.
 */
#include <stdbool.h>
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/sched.h>

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "../uapi.h"

#define CORE __attribute__((preserve_access_index))

/* Deeper than the kernel nests user (32) or PID (32) namespaces. */
#define MAX_DEPTH 40

typedef struct {
	unsigned int val;
} kuid_t;

struct proc_ns_operations {
	int type; /* before 6.18 (ns_common.ns_type since) */
} CORE;

struct ns_common {
	unsigned int inum;
	__u32 ns_type;			      /* 6.18 */
	__u64 ns_id;			      /* 6.18 */
	const struct proc_ns_operations *ops; /* before 6.18: the type */
} CORE;

struct user_namespace {
	struct user_namespace *parent;
	kuid_t owner;
	struct ns_common ns;
} CORE;

struct pid_namespace {
	unsigned int level;
	struct pid_namespace *parent;
	struct user_namespace *user_ns;
	struct task_struct *child_reaper;
	struct ns_common ns;
} CORE;

struct mnt_namespace {
	struct ns_common ns;
	struct user_namespace *user_ns;
} CORE;

struct uts_namespace {
	struct ns_common ns;
	struct user_namespace *user_ns;
} CORE;

struct ipc_namespace {
	struct ns_common ns;
	struct user_namespace *user_ns;
} CORE;

struct net {
	struct ns_common ns;
	struct user_namespace *user_ns;
} CORE;

struct cgroup_namespace {
	struct ns_common ns;
	struct user_namespace *user_ns;
} CORE;

struct time_namespace {
	struct ns_common ns;
	struct user_namespace *user_ns;
} CORE;

struct nsproxy {
	struct uts_namespace *uts_ns;
	struct ipc_namespace *ipc_ns;
	struct mnt_namespace *mnt_ns;
	struct pid_namespace *pid_ns_for_children;
	struct net *net_ns;
	struct time_namespace *time_ns;
	struct time_namespace *time_ns_for_children;
	struct cgroup_namespace *cgroup_ns;
} CORE;

struct upid {
	int nr;
	struct pid_namespace *ns;
} CORE;

struct pid {
	unsigned int level;
	struct upid numbers[1];
} CORE;

struct cred {
	kuid_t euid;
	struct user_namespace *user_ns;
} CORE;

struct task_struct {
	unsigned int flags;
	int pid;
	int tgid;
	struct task_struct *real_parent;
	struct task_struct *group_leader;
	struct pid *thread_pid;
	__u64 start_boottime;
	const struct cred *real_cred;
	char comm[16];
	struct nsproxy *nsproxy;
} CORE;

struct super_block {
	unsigned long s_magic;
} CORE;

struct inode {
	struct super_block *i_sb;
	void *i_private;
} CORE;

struct file {
	struct inode *f_inode;
} CORE;

typedef struct {
	struct net *net;
} possible_net_t;

struct sock_common {
	possible_net_t skc_net;
} CORE;

struct sock {
	struct sock_common __sk_common;
} CORE;

struct socket {
	struct sock *sk;
} CORE;

struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
} CORE;

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} CORE;

struct bpf_iter__task_file {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	__u32 fd;
	struct file *file;
} CORE;

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * Namespaces described already: (address, inode, 64-bit id), so that a
 * new namespace that got a dead one's memory and inode number at once (as
 * the kernel hands them out) is not mistaken for it; the id, where the
 * kernel has one (6.18), is never used again.
 *
 * The value is the object whose output described it (iterator session,
 * object number): when a task's records do not fit into what is left of
 * read()'s buffer, the kernel drops them and runs the program on the same
 * task again for the next read(), with the same number. A namespace first
 * marked by that same object is described again, so that nothing dropped
 * stays unsaid; a few duplicates follow, which the reader drops. When the
 * map is full, namespaces are described again too.
 */
struct seen_key {
	__u64 addr;
	__u64 inum;
	__u64 id;
};

struct seen_val {
	__u64 session, seq_num;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1 << 16);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct seen_key);
	__type(value, struct seen_val);
} seen SEC(".maps");

/* The object being shown, set by each program before its walk. */
static struct seen_val current_obj(struct bpf_iter_meta *meta)
{
	struct seen_val v = {.session = meta->session_id,
			     .seq_num = meta->seq_num};
	return v;
}

/* Whether (addr, inum, id) is to be described by object obj; marks it. */
static bool first_time(const void *addr, __u32 inum, __u64 id,
		       const struct seen_val *obj)
{
	struct seen_key k = {
		.addr = (__u64)(unsigned long)addr, .inum = inum, .id = id};
	struct seen_val *v = bpf_map_lookup_elem(&seen, &k);
	if (v)
		return v->session == obj->session && v->seq_num == obj->seq_num;
	bpf_map_update_elem(&seen, &k, obj, BPF_NOEXIST);
	return true;
}

/* The type of a namespace from its ns_common. */
static __u32 ns_type(const struct ns_common *ns)
{
	if (bpf_core_field_exists(ns->ns_type))
		return BPF_CORE_READ(ns, ns_type);
	return BPF_CORE_READ(ns, ops, type);
}

/* Where, in the namespace struct of type, its ns_common and its owner
 * are; 0 for a type we do not know. */
static int ns_layout(__u32 type, long *ret_ns, long *ret_owner)
{
	switch (type) {
	case CLONE_NEWUSER:
		*ret_ns = bpf_core_field_offset(struct user_namespace, ns);
		*ret_owner =
			bpf_core_field_offset(struct user_namespace, parent);
		return 1;
	case CLONE_NEWPID:
		*ret_ns = bpf_core_field_offset(struct pid_namespace, ns);
		*ret_owner =
			bpf_core_field_offset(struct pid_namespace, user_ns);
		return 1;
	case CLONE_NEWNS:
		*ret_ns = bpf_core_field_offset(struct mnt_namespace, ns);
		*ret_owner =
			bpf_core_field_offset(struct mnt_namespace, user_ns);
		return 1;
	case CLONE_NEWCGROUP:
		*ret_ns = bpf_core_field_offset(struct cgroup_namespace, ns);
		*ret_owner =
			bpf_core_field_offset(struct cgroup_namespace, user_ns);
		return 1;
	case CLONE_NEWUTS:
		*ret_ns = bpf_core_field_offset(struct uts_namespace, ns);
		*ret_owner =
			bpf_core_field_offset(struct uts_namespace, user_ns);
		return 1;
	case CLONE_NEWIPC:
		*ret_ns = bpf_core_field_offset(struct ipc_namespace, ns);
		*ret_owner =
			bpf_core_field_offset(struct ipc_namespace, user_ns);
		return 1;
	case CLONE_NEWNET:
		*ret_ns = bpf_core_field_offset(struct net, ns);
		*ret_owner = bpf_core_field_offset(struct net, user_ns);
		return 1;
	case CLONE_NEWTIME:
		*ret_ns = bpf_core_field_offset(struct time_namespace, ns);
		*ret_owner =
			bpf_core_field_offset(struct time_namespace, user_ns);
		return 1;
	}
	return 0;
}

/* Namespaces to describe, each with everything above it, at fixed places
 * (NULL where a task has none: no branch makes two paths of the verifier
 * differ in where they put the rest), and where the walk is. */
enum {
	START_USER,
	START_PID,
	START_PID_OWNER,
	START_CHILD_PID,
	START_CHILD_PID_OWNER,
	START_MNT,
	START_CGROUP,
	START_UTS,
	START_IPC,
	START_NET,
	START_TIME,
	START_CHILD_TIME,
	MAX_STARTS,
};
struct walk {
	struct seq_file *seq;
	struct seen_val obj;
	const struct ns_common *cur;
	__u32 type;
	unsigned next;
	struct {
		const struct ns_common *ns;
		__u32 type;
	} start[MAX_STARTS];
};

static void walk_set(struct walk *w, unsigned k, __u32 type,
		     const struct ns_common *ns)
{
	w->start[k].ns = ns;
	w->start[k].type = type;
}

/* A PID namespace's owner is the owner of its parent or a descendant of
 * it: the user namespaces above the first one's owner are all the owners
 * its ancestors have. */
static void walk_set_pid(struct walk *w, unsigned k, struct pid_namespace *pn)
{
	walk_set(w, k, CLONE_NEWPID, &pn->ns);
	struct user_namespace *u = BPF_CORE_READ(pn, user_ns);
	walk_set(w, k + 1, CLONE_NEWUSER, u ? &u->ns : NULL);
}

/* One step: describe the current namespace and go up from it (a user
 * namespace to its parent, a PID namespace to its parent, others to their
 * owner) or, at the top or at a namespace described before, on to the
 * next start. 1 when done. */
static long walk_step(__u32 i, void *ctx)
{
	struct walk *w = ctx;
	const struct ns_common *cur = w->cur;
	if (!cur) {
		unsigned k = w->next;
		if (k >= MAX_STARTS)
			return 1;
		w->cur = w->start[k].ns;
		w->type = w->start[k].type;
		w->next = k + 1;
		return 0;
	}
	w->cur = NULL;
	__u32 type = w->type;
	long off_ns, off_owner;
	if (!ns_layout(type, &off_ns, &off_owner))
		return 0;
	struct nsrel_bpf_ns r = {
		.kind = NSREL_BPF_REC_NS,
		.type = type,
		.inum = BPF_CORE_READ(cur, inum),
	};
	if (bpf_core_field_exists(cur->ns_id))
		r.id = BPF_CORE_READ(cur, ns_id);
	if (!first_time(cur, r.inum, r.id, &w->obj))
		return 0;
	const char *obj = (const char *)cur - off_ns;
	struct user_namespace *owner = NULL;
	bpf_probe_read_kernel(&owner, sizeof(owner), obj + off_owner);
	if (owner)
		r.owner = BPF_CORE_READ(owner, ns.inum);
	w->cur = owner ? &owner->ns : NULL;
	w->type = CLONE_NEWUSER;
	if (type == CLONE_NEWUSER) {
		const struct user_namespace *u = (const void *)obj;
		r.parent = r.owner;
		r.owner_uid = BPF_CORE_READ(u, owner.val);
	} else if (type == CLONE_NEWPID) {
		const struct pid_namespace *pn = (const void *)obj;
		struct pid_namespace *p = BPF_CORE_READ(pn, parent);
		r.parent = p ? BPF_CORE_READ(p, ns.inum) : 0;
		w->cur = p ? &p->ns : NULL;
		w->type = CLONE_NEWPID;
	}
	bpf_seq_write(w->seq, &r, sizeof(r));
	return 0;
}

/* Enough steps for every start of a task (10 slots and 2 owners) with
 * whole chains above them: 33 user, twice 33 PID and 8 others. */
#define MAX_STEPS 160

/* bpf_loop(): the step is verified once, not once per iteration. */
static void walk_run(struct bpf_iter_meta *meta, struct walk *w)
{
	w->seq = meta->seq;
	w->obj = current_obj(meta);
	bpf_loop(MAX_STEPS, walk_step, w, 0);
}

/* The number of pid in the PID namespace at level of ours (ns), 0 if it
 * has none there. */
static int pid_nr_in(struct pid *pid, unsigned int level,
		     struct pid_namespace *ns)
{
	if (!pid || level > MAX_DEPTH || BPF_CORE_READ(pid, level) < level)
		return 0;
	const char *base =
		(const char *)pid + bpf_core_field_offset(struct pid, numbers);
	const struct upid *up =
		(const void *)(base + level * bpf_core_type_size(struct upid));
	struct pid_namespace *upns = NULL;
	int nr = 0;
	bpf_probe_read_kernel(&upns, sizeof(upns),
			      (const char *)up +
				      bpf_core_field_offset(struct upid, ns));
	if (upns != ns)
		return 0;
	bpf_probe_read_kernel(&nr, sizeof(nr),
			      (const char *)up +
				      bpf_core_field_offset(struct upid, nr));
	return nr;
}

/* Our own PID namespace (the reader's: iterators run in read()). */
static struct pid_namespace *reader_pidns(unsigned int *ret_level)
{
	struct task_struct *cur = (void *)bpf_get_current_task();
	struct pid *p = BPF_CORE_READ(cur, thread_pid);
	unsigned int level = BPF_CORE_READ(p, level);
	*ret_level = level;
	if (level > MAX_DEPTH)
		return NULL;
	const char *base =
		(const char *)p + bpf_core_field_offset(struct pid, numbers);
	struct pid_namespace *ns = NULL;
	bpf_probe_read_kernel(&ns, sizeof(ns),
			      base + level * bpf_core_type_size(struct upid) +
				      bpf_core_field_offset(struct upid, ns));
	return ns;
}

static __u32 pidns_inum(struct pid_namespace *pn)
{
	return pn ? BPF_CORE_READ(pn, ns.inum) : 0;
}

/* The inode of namespace p (of a type with an ns member), queued. */
#define SLOT(w, k, type, p)                                \
	({                                                 \
		__u32 _inum = 0;                           \
		if (p) {                                   \
			_inum = BPF_CORE_READ(p, ns.inum); \
			walk_set(w, k, type, &(p)->ns);    \
		}                                          \
		_inum;                                     \
	})

SEC("iter/task")
int nsrel_task(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *t = ctx->task;
	if (!t)
		return 0;

	unsigned int level;
	struct pid_namespace *ours = reader_pidns(&level);
	struct nsrel_bpf_task r = {.kind = NSREL_BPF_REC_TASK};
	r.pid = pid_nr_in(BPF_CORE_READ(t, thread_pid), level, ours);
	r.tgid = pid_nr_in(BPF_CORE_READ(t, group_leader, thread_pid), level,
			   ours);
	r.ppid = pid_nr_in(
		BPF_CORE_READ(t, real_parent, group_leader, thread_pid), level,
		ours);
	r.flags = BPF_CORE_READ(t, flags);
	r.start_boottime = BPF_CORE_READ(t, start_boottime);
	BPF_CORE_READ_INTO(&r.comm, t, comm);

	/* The user namespace and euid are the task's credentials', the PID
	 * namespace its pid's; the rest its nsproxy's, which a zombie has
	 * no more. */
	struct walk w = {0};
	const struct cred *cred = BPF_CORE_READ(t, real_cred);
	struct user_namespace *user = BPF_CORE_READ(cred, user_ns);
	r.euid = BPF_CORE_READ(cred, euid.val);
	if (user) {
		r.ns[4] = BPF_CORE_READ(user, ns.inum);
		walk_set(&w, START_USER, CLONE_NEWUSER, &user->ns);
	}
	struct pid *tp = BPF_CORE_READ(t, thread_pid);
	unsigned int tlevel = tp ? BPF_CORE_READ(tp, level) : 0;
	if (tp && tlevel <= MAX_DEPTH) {
		struct pid_namespace *pn = NULL;
		const char *base = (const char *)tp +
				   bpf_core_field_offset(struct pid, numbers);
		bpf_probe_read_kernel(
			&pn, sizeof(pn),
			base + tlevel * bpf_core_type_size(struct upid) +
				bpf_core_field_offset(struct upid, ns));
		if (pn) {
			r.ns[5] = pidns_inum(pn);
			walk_set_pid(&w, START_PID, pn);
		}
	}

	struct nsproxy *nsp = BPF_CORE_READ(t, nsproxy);
	if (nsp) {
		struct mnt_namespace *mnt = BPF_CORE_READ(nsp, mnt_ns);
		struct cgroup_namespace *cg = BPF_CORE_READ(nsp, cgroup_ns);
		struct uts_namespace *uts = BPF_CORE_READ(nsp, uts_ns);
		struct ipc_namespace *ipc = BPF_CORE_READ(nsp, ipc_ns);
		struct net *net = BPF_CORE_READ(nsp, net_ns);
		struct time_namespace *time = BPF_CORE_READ(nsp, time_ns);
		struct time_namespace *ctime =
			BPF_CORE_READ(nsp, time_ns_for_children);
		struct pid_namespace *cpid =
			BPF_CORE_READ(nsp, pid_ns_for_children);
		r.ns[0] = SLOT(&w, START_MNT, CLONE_NEWNS, mnt);
		r.ns[1] = SLOT(&w, START_CGROUP, CLONE_NEWCGROUP, cg);
		r.ns[2] = SLOT(&w, START_UTS, CLONE_NEWUTS, uts);
		r.ns[3] = SLOT(&w, START_IPC, CLONE_NEWIPC, ipc);
		r.ns[6] = SLOT(&w, START_NET, CLONE_NEWNET, net);
		r.ns[7] = SLOT(&w, START_TIME, CLONE_NEWTIME, time);
		r.ns[NSREL_BPF_SLOT_TIME_FOR_CHILDREN] =
			SLOT(&w, START_CHILD_TIME, CLONE_NEWTIME, ctime);
		/* As /proc: no pid_for_children before its first process
		 * (the child reaper) exists. */
		if (cpid && BPF_CORE_READ(cpid, child_reaper)) {
			r.ns[NSREL_BPF_SLOT_PID_FOR_CHILDREN] =
				pidns_inum(cpid);
			walk_set_pid(&w, START_CHILD_PID, cpid);
		}
	}
	walk_run(ctx->meta, &w);
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}

SEC("iter/task_file")
int nsrel_file(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *t = ctx->task;
	struct file *f = ctx->file;
	if (!t || !f)
		return 0;
	/* /proc/PID/fd shows the files of the thread group leader. */
	if (t->pid != t->tgid)
		return 0;

	unsigned int level;
	struct pid_namespace *ours = reader_pidns(&level);
	struct nsrel_bpf_file r = {
		.kind = NSREL_BPF_REC_FILE,
		.fd = ctx->fd,
	};
	struct walk w = {0};
	struct inode *ino = BPF_CORE_READ(f, f_inode);
	if (BPF_CORE_READ(ino, i_sb, s_magic) == NSFS_MAGIC) {
		const struct ns_common *nsc = BPF_CORE_READ(ino, i_private);
		if (!nsc)
			return 0;
		r.type = ns_type(nsc);
		r.inum = BPF_CORE_READ(nsc, inum);
		if (r.type == CLONE_NEWPID)
			walk_set_pid(
				&w, START_PID,
				(void *)((const char *)nsc -
					 bpf_core_field_offset(
						 struct pid_namespace, ns)));
		else
			walk_set(&w, START_USER, r.type, nsc);
	} else {
		struct socket *sock = bpf_sock_from_file(f);
		if (!sock)
			return 0;
		struct net *net =
			BPF_CORE_READ(sock, sk, __sk_common.skc_net.net);
		if (!net || net == BPF_CORE_READ(t, nsproxy, net_ns))
			return 0;
		r.type = CLONE_NEWNET;
		r.inum = BPF_CORE_READ(net, ns.inum);
		r.socket = 1;
		walk_set(&w, START_NET, CLONE_NEWNET, &net->ns);
	}
	walk_run(ctx->meta, &w);
	r.tgid = pid_nr_in(BPF_CORE_READ(t, thread_pid), level, ours);
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}
