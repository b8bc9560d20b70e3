// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel's view of every namespace, in one pass: iter/task writes a
 * record for every task (threads included) and, for a process (a thread
 * group leader), one for every open nsfs file and every socket in another
 * network namespace than its own, found in its fd table. Each namespace
 * met, and each of its owners and ancestors, is described once (struct
 * nsrel_bpf_ns), deduplicated through a table (seen).
 *
 * Fast to run: what the task leads to is read with loads, not probes
 * (see untrusted()). Read-only: the programs only read kernel memory and
 * write to their seq file and to their own maps. Bounded: the loops walk
 * parents, at most the kernel's nesting limit (32) deep, and the open fds of a
 * process, at most FILES_MAX records of them.
 *
 * Cheap to load, as every scan loads it: the walks, first_time() and
 * file_at() are global functions (the verifier checks each once, whatever
 * calls it, its arguments numbers: addresses, inodes, ids), the walks each
 * a bpf_loop(), whose callback the verifier walks until its states
 * converge, so kept small; the task's record and the records of one
 * object are gathered in global buffers, not on the stack, which the
 * verifier copies with every state, and written at once. What does not fit
 * there is not written, and the task's record says so
 * (NSREL_BPF_TASK_TRUNCATED): the reader asks /proc for it.
 *
 * The kernel types below are the few fields we read, not the kernel's
 * layout: preserve_access_index makes every access a CO-RE relocation that
 * the kernel resolves against its own BTF, so this builds without any BTF
 * at hand and runs on every kernel with BTF. The kernel looks each
 * relocated type name up in all of its BTF unless its 31-slot cache of
 * names holds it, and names in the same slot evict each other: so few
 * names are relocated, and the iterators' context types are not
 * (iter-ctx.h).
 */
#include <stdbool.h>
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/sched.h>

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "../uapi.h"
#include "iter-ctx.h"

/* Deeper than the kernel nests user (32) or PID (32) namespaces. */
#define MAX_DEPTH 40

typedef struct {
	unsigned int val;
} kuid_t;

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

/* Not relocated: { int nr; struct pid_namespace *ns; } on every kernel
 * with task iterators (since 4.15). */
struct upid {
	int nr;
	struct pid_namespace *ns;
};

struct pid {
	unsigned int level;
	struct upid numbers[1];
} CORE;

struct cred {
	kuid_t euid;
	struct user_namespace *user_ns;
} CORE;

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
	unsigned long *open_fds;
} CORE;

struct files_struct {
	struct fdtable *fdt;
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
	struct files_struct *files;
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
	void *private_data; /* a socket's struct socket */
} CORE;

/* The file system of every socket's inode (include/uapi/linux/magic.h). */
#define SOCKFS_MAGIC 0x534F434B

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

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * Namespaces described already: (address, inode, 64-bit id), so that a
 * new namespace that got a dead one's memory and inode number at once (as
 * the kernel hands them out) is not mistaken for it; the id, where the
 * kernel has one (6.18), is never used again. The address is its
 * ns_common's.
 *
 * The value is the object whose output described it (iterator session,
 * object number) and the run of the program that did: when a task's
 * records do not fit into what is left of read()'s buffer, the kernel
 * drops them and runs the program on the same task again for the next
 * read(), with the same number. A namespace marked by an earlier run of
 * that same object is described again, so that nothing dropped stays
 * unsaid; one marked by this run is not, so that a chain two namespaces
 * of one task share is described once.
 *
 * An array, open-addressed by the address (up to SEEN_PROBES slots from
 * its hash): a look-up is a few loads, where a hash map's costs a helper
 * call, a lock and, for each new entry, an allocation. Zeroed by the
 * kernel; an address of 0 marks a free slot. Where the slots a namespace
 * may take are all taken, it is described again each time it is met, and
 * the reader drops the duplicates.
 */
/* The object of a seq file being shown, and this program's run on it. */
struct object {
	__u64 session, seq_num;
	__u64 run; /* pending_start()'s count */
};

struct seen_slot {
	__u64 addr;
	__u64 inum;
	__u64 id;
	struct object by;
};

#define SEEN_SLOTS  (1 << 16)
#define SEEN_PROBES 8
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SEEN_SLOTS);
	__type(key, __u32);
	__type(value, struct seen_slot);
} seen SEC(".maps");

/*
 * The namespace records of the object being shown, written after its
 * walks in one bpf_seq_write(). Enough for a task whose namespaces share
 * the chains above them, as they do unless a user builds it otherwise:
 * one task can hold ten namespaces each at the end of a chain of its own
 * of up to 32 user namespaces, more than a buffer here should hold. Where
 * it is full the rest is left out, and cut says so. A file's walks (a PID
 * and a user chain, MAX_DEPTH each at most) always fit. One buffer: the
 * programs run in the read() of the one thread that loaded them, one
 * object at a time.
 */
#define PENDING_MAX 128
_Static_assert(2 * MAX_DEPTH <= PENDING_MAX, "a file's walks fit");
static struct {
	struct object obj;
	__u32 n;
	__u32 cut; /* a record was left out */
	struct nsrel_bpf_ns ns[PENDING_MAX];
} pending;

static void pending_start(const struct bpf_iter_meta *meta)
{
	pending.obj.session = meta->session_id;
	pending.obj.seq_num = meta->seq_num;
	pending.obj.run++;
	pending.n = 0;
	pending.cut = 0;
}

static void pending_write(struct seq_file *seq)
{
	__u32 n = pending.n;
	if (n > PENDING_MAX)
		n = PENDING_MAX;
	if (n)
		bpf_seq_write(seq, pending.ns, n * sizeof(pending.ns[0]));
}

/* A new record, where first_time() said there is room (the mask keeps
 * the verifier sure of it, whatever the compiler kept of the check). */
static struct nsrel_bpf_ns *pending_add(void)
{
	__u32 n = pending.n++;
	return &pending.ns[n & (PENDING_MAX - 1)];
}

/* Whether the namespace (ns_common at addr, inum, id) is to be described
 * now, by this run of the program (see seen), and there is room for its
 * record; marks it then. One there is no room for is not marked by this
 * run (a new one not at all: another object describes it), and the
 * object is cut. */
__noinline int first_time(__u64 addr, __u32 inum, __u64 id)
{
	/* The top bits of a multiplicative hash (Knuth's). */
	__u32 h = (__u32)((addr * 0x9e3779b97f4a7c15ull) >> 48);
	struct seen_slot *v = NULL;
	for (__u32 i = 0; i < SEEN_PROBES; i++) {
		__u32 k = (h + i) & (SEEN_SLOTS - 1);
		struct seen_slot *e = bpf_map_lookup_elem(&seen, &k);
		if (!e || !e->addr) {
			v = e;
			break;
		}
		if (e->addr != addr || e->inum != inum || e->id != id)
			continue;
		if (e->by.session != pending.obj.session ||
		    e->by.seq_num != pending.obj.seq_num ||
		    e->by.run == pending.obj.run)
			return false;
		v = e;
		break;
	}
	if (pending.n >= PENDING_MAX) {
		pending.cut = 1;
		return false;
	}
	if (v) {
		v->addr = addr;
		v->inum = inum;
		v->id = id;
		v->by = pending.obj;
	}
	return true;
}

/* The 64-bit id of namespace p (of a type with an ns member), 0 where
 * the kernel has none (before 6.18): NS_ID(p) where p is a number, read
 * with a probe, NS_ID_AT(p) where p is a pointer the verifier knows. */
#define NS_ID(p) \
	(bpf_core_field_exists((p)->ns.ns_id) ? BPF_CORE_READ(p, ns.ns_id) : 0)
#define NS_ID_AT(p) (bpf_core_field_exists((p)->ns.ns_id) ? (p)->ns.ns_id : 0)

/*
 * A pointer to kernel memory that the verifier knows the type of (the
 * iterator's task, and what is loaded from its fields) is read directly,
 * at the cost of a load, where a number is read with a probe, a helper
 * call: the task program reads what it can through such pointers. The
 * global functions take numbers only, and addr_of() makes one of a
 * pointer: a program of a user with CAP_PERFMON (as every tracing program
 * is) may store a pointer to its own memory, and what it loads from there
 * is a number.
 *
 * Not through the task as the iterator gives it: newer verifiers (seen
 * on 6.18), for each pointer loaded from a pointer they trust, look up by
 * name in all of the kernel's BTF whether the result may be trusted too
 * (btf_nested_type_is_trusted(): six such loads made this program's
 * load 5 ms slower). bpf_rdonly_cast() (6.2 on) makes an untrusted
 * pointer of it, whose loads need no look-up. Built with
 * NSREL_BPF_COMPAT, for kernels without it (which do no such look-up
 * either), the program reads through the iterator's pointer.
 */
#ifndef NSREL_BPF_COMPAT
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
#endif

static __always_inline const struct task_struct *
untrusted(const struct task_struct *t)
{
#ifdef NSREL_BPF_COMPAT
	return t;
#else
	return bpf_rdonly_cast(t, bpf_core_type_id_kernel(struct task_struct));
#endif
}

static __u64 addr_slot;
static __always_inline __u64 addr_of(const void *p)
{
	addr_slot = (__u64)(unsigned long)p;
	return *(volatile __u64 *)&addr_slot;
}

/* The address of p's ns_common, for first_time(). */
#define NS_ADDR(p) ((__u64)(unsigned long)&(p)->ns)

struct chain {
	__u64 cur;   /* the namespace to describe next, 0 at the top */
	__u64 owner; /* PID: the first one's owner */
	__u64 id;    /* the first one's id and inode, as the caller read them */
	__u32 inum;
};

/* One user namespace of a chain; on to its parent. 1 when done. */
static long user_step(__u32 i, void *ctx)
{
	struct chain *c = ctx;
	const struct user_namespace *u = (const void *)(unsigned long)c->cur;
	if (!u)
		return 1;
	__u32 inum = i ? BPF_CORE_READ(u, ns.inum) : c->inum;
	__u64 id = i ? NS_ID(u) : c->id;
	if (!first_time(NS_ADDR(u), inum, id))
		return 1;
	const struct user_namespace *p = BPF_CORE_READ(u, parent);
	struct nsrel_bpf_ns *r = pending_add();
	r->kind = NSREL_BPF_REC_NS;
	r->type = CLONE_NEWUSER;
	r->inum = inum;
	r->owner = r->parent = p ? BPF_CORE_READ(p, ns.inum) : 0;
	r->owner_uid = BPF_CORE_READ(u, owner.val);
	r->id = id;
	c->cur = (__u64)(unsigned long)p;
	return 0;
}

/* User namespace u (an address, 0 for none; its inode and id), and its
 * ancestors, up to the first one described before. */
__noinline int describe_users(__u64 u, __u32 inum, __u64 id)
{
	struct chain c = {.cur = u, .inum = inum, .id = id};
	bpf_loop(MAX_DEPTH, user_step, &c, 0);
	return 0;
}

/* One PID namespace of a chain; on to its parent. */
static long pid_step(__u32 i, void *ctx)
{
	struct chain *c = ctx;
	const struct pid_namespace *pn = (const void *)(unsigned long)c->cur;
	if (!pn)
		return 1;
	__u32 inum = i ? BPF_CORE_READ(pn, ns.inum) : c->inum;
	__u64 id = i ? NS_ID(pn) : c->id;
	if (!first_time(NS_ADDR(pn), inum, id))
		return 1;
	const struct pid_namespace *p = BPF_CORE_READ(pn, parent);
	const struct user_namespace *o = BPF_CORE_READ(pn, user_ns);
	struct nsrel_bpf_ns *r = pending_add();
	r->kind = NSREL_BPF_REC_NS;
	r->type = CLONE_NEWPID;
	r->inum = inum;
	r->owner = o ? BPF_CORE_READ(o, ns.inum) : 0;
	r->parent = p ? BPF_CORE_READ(p, ns.inum) : 0;
	r->owner_uid = 0;
	r->id = id;
	if (!i)
		c->owner = (__u64)(unsigned long)o;
	c->cur = (__u64)(unsigned long)p;
	return 0;
}

/* User namespace u (an address, 0 for none) and its ancestors. */
static void describe_users_at(__u64 u)
{
	const struct user_namespace *p = (const void *)(unsigned long)u;
	if (p)
		describe_users(u, BPF_CORE_READ(p, ns.inum), NS_ID(p));
}

/* PID namespace pn (an address, 0 for none; its inode and id), its
 * ancestors up to the first one described before, and their owners: a
 * PID namespace's owner is the owner of its parent or a descendant of
 * it, so the user namespaces above the first one's owner are all the
 * owners its ancestors have. */
__noinline int describe_pids(__u64 pn, __u32 inum, __u64 id)
{
	struct chain c = {.cur = pn, .inum = inum, .id = id};
	bpf_loop(MAX_DEPTH, pid_step, &c, 0);
	describe_users_at(c.owner);
	return 0;
}

/* The same, for a PID namespace at address pn, 0 for none. */
static void describe_pids_at(__u64 pn)
{
	const struct pid_namespace *p = (const void *)(unsigned long)pn;
	if (p)
		describe_pids(pn, BPF_CORE_READ(p, ns.inum), NS_ID(p));
}

/* A namespace of another type than user and PID (its ns_common at addr,
 * its inode and id; owner_at, where the address of its owner is), and
 * the owner's chain. The owner is read only for a namespace described
 * now: most have been before. */
__noinline int describe_ns(__u64 addr, __u32 type, __u32 inum, __u64 id,
			   __u64 owner_at)
{
	if (!first_time(addr, inum, id))
		return 0;
	__u64 owner = 0;
	bpf_probe_read_kernel(&owner, sizeof(owner),
			      (const void *)(unsigned long)owner_at);
	const struct user_namespace *o = (const void *)(unsigned long)owner;
	struct nsrel_bpf_ns *r = pending_add();
	r->kind = NSREL_BPF_REC_NS;
	r->type = type;
	r->inum = inum;
	r->owner = o ? BPF_CORE_READ(o, ns.inum) : 0;
	r->parent = 0;
	r->owner_uid = 0;
	r->id = id;
	describe_users_at(owner);
	return 0;
}

/* Namespace p of an other type (a pointer the verifier knows, to a struct
 * with ns and user_ns members), described; its inode, 0 for none. */
#define DESCRIBE_NS(type, p)                                              \
	({                                                                \
		__u32 _inum = 0;                                          \
		if (p) {                                                  \
			_inum = (p)->ns.inum;                             \
			describe_ns(addr_of(&(p)->ns), type, _inum,       \
				    NS_ID_AT(p), addr_of(&(p)->user_ns)); \
		}                                                         \
		_inum;                                                    \
	})

/* pid->numbers[level], if pid has that level: the pid's number there and
 * that level's PID namespace. */
static struct upid upid_at(const struct pid *pid, unsigned int level)
{
	struct upid up = {0};
	if (!pid || level > MAX_DEPTH || BPF_CORE_READ(pid, level) < level)
		return up;
	bpf_probe_read_kernel(
		&up, sizeof(up),
		(const char *)pid + bpf_core_field_offset(struct pid, numbers) +
			level * sizeof(struct upid));
	return up;
}

/* The number of pid (an address) in the PID namespace ns (an address) at
 * level, 0 if it has none there. */
__noinline int pid_nr_in(__u64 pid, __u32 level, __u64 ns)
{
	struct upid up = upid_at((const void *)(unsigned long)pid, level);
	return (__u64)(unsigned long)up.ns == ns ? up.nr : 0;
}

/* Our own PID namespace (the reader's: iterators run in read()), and its
 * level: read once a session (an iterator fd is read by the one thread
 * that made it), reader_session the session's id + 1 from then on.
 * Globals, not a struct: clang 14 splits a struct whose fields are used
 * apart, and gives the parts' BTF wrong sizes. */
static __u64 reader_session, reader_ns;
static __u32 reader_level;

static __u64 reader_pidns(const struct bpf_iter_meta *meta,
			  unsigned int *ret_level)
{
	if (reader_session != meta->session_id + 1) {
		struct task_struct *cur = (void *)bpf_get_current_task();
		struct pid *p = BPF_CORE_READ(cur, thread_pid);
		reader_level = BPF_CORE_READ(p, level);
		reader_ns = (__u64)(unsigned long)upid_at(p, reader_level).ns;
		reader_session = meta->session_id + 1;
	}
	*ret_level = reader_level;
	return reader_ns;
}

/*
 * The namespace whose ns_common is at nsc, seen as the ns member of a
 * user namespace (whatever its type: every ns member is a struct
 * ns_common), so that no relocation names ns_common: in the kernel's cache
 * of names it shares a slot with file, which this program needs too.
 */
static const struct user_namespace *as_user(const void *nsc)
{
	return (const void *)((const char *)nsc -
			      bpf_core_field_offset(struct user_namespace, ns));
}

/* Its type: ns_common's own field from 6.18 on, before that its
 * proc_ns_operations' (which is, from 4.12 to 6.17, { name, real_ns_name,
 * type, ... }: read where it is, not relocated). */
static __u32 ns_type(const struct user_namespace *as)
{
	if (bpf_core_field_exists(as->ns.ns_type))
		return BPF_CORE_READ(as, ns.ns_type);
	const char *ops = (const char *)BPF_CORE_READ(as, ns.ops);
	int type = 0;
	if (ops)
		bpf_probe_read_kernel(&type, sizeof(type),
				      ops + 2 * sizeof(void *));
	return (__u32)type;
}

/* Where, in the struct of a namespace of an other type than user and PID,
 * its ns_common and its owner are; 0 for a type we do not know. */
static int ns_layout(__u32 type, long *ret_ns, long *ret_owner)
{
#define LAYOUT(T)                                       \
	(*ret_ns = bpf_core_field_offset(struct T, ns), \
	 *ret_owner = bpf_core_field_offset(struct T, user_ns), 1)
	switch (type) {
	case CLONE_NEWNS:
		return LAYOUT(mnt_namespace);
	case CLONE_NEWCGROUP:
		return LAYOUT(cgroup_namespace);
	case CLONE_NEWUTS:
		return LAYOUT(uts_namespace);
	case CLONE_NEWIPC:
		return LAYOUT(ipc_namespace);
	case CLONE_NEWNET:
		return LAYOUT(net);
	case CLONE_NEWTIME:
		return LAYOUT(time_namespace);
	}
#undef LAYOUT
	return 0;
}

/*
 * The open files of a process that hold a namespace: its nsfs files, and
 * its sockets in another network namespace than its own. Gathered here
 * and written after its namespaces' records, at most FILES_MAX (a process
 * with more is rare: its fds are read from /proc, and its task record
 * says so, NSREL_BPF_TASK_FILES_CUT), so that all of a task's records
 * stay well within the 32 KiB that one object may write to its seq file.
 *
 * The fd table is read as /proc/PID/fd's readdir() reads it, under RCU
 * (the iterator runs its program in an RCU read-side section, the table
 * is freed after a grace period); a process's files_struct is not, so
 * one that exits while its table is read may yield a record of a file it
 * held an instant before, as a readlink() racing its close() would.
 */
#define FILES_MAX 512
/* More fds than the kernel allows by default (nr_open, 1 << 20) are
 * not walked: the task is cut. */
#define FD_WORDS_MAX (1 << 14)
static struct {
	__u32 n;
	__u32 cut;
	struct nsrel_bpf_file f[FILES_MAX];
} files;

struct fd_walk {
	__u64 fds;  /* the fd array */
	__u64 bits; /* the bitmap of open fds */
	__u64 word; /* the open fds of the word at hand not yet seen */
	__u64 net;  /* the process's own network namespace */
	__u32 base; /* the fd of the word's bit 0 */
	__s32 tgid;
};

/* The index of the only bit set in x. */
static __u32 bit_index(__u64 x)
{
	__u32 i = 0;
	if (!(x & 0xffffffffull)) {
		i += 32;
		x >>= 32;
	}
	if (!(x & 0xffff)) {
		i += 16;
		x >>= 16;
	}
	if (!(x & 0xff)) {
		i += 8;
		x >>= 8;
	}
	if (!(x & 0xf)) {
		i += 4;
		x >>= 4;
	}
	if (!(x & 0x3)) {
		i += 2;
		x >>= 2;
	}
	if (!(x & 0x1))
		i += 1;
	return i;
}

/* The inode of open file f (a number, read from the fd array) and the
 * magic of its file system: most files hold no namespace, and these are
 * read of every one. */
static __always_inline const struct inode *inode_of(const struct file *f,
						    unsigned long *magic)
{
#ifdef NSREL_BPF_COMPAT
	const struct inode *ino = BPF_CORE_READ(f, f_inode);
	*magic = BPF_CORE_READ(ino, i_sb, s_magic);
#else
	const struct file *p =
		bpf_rdonly_cast(f, bpf_core_type_id_kernel(struct file));
	const struct inode *ino = p->f_inode;
	*magic = ino->i_sb->s_magic;
#endif
	return ino;
}

/* Open fd fd, in the fd array at fds, of process tgid (whose own network
 * namespace is at own_net): its record, and its namespace's description,
 * where it holds one. Global, so verified once, on its own: called from
 * the bpf_loop() callback below, which the verifier walks many times. */
__noinline int file_at(__u64 fds, __u32 fd, __s32 tgid, __u64 own_net)
{
	const struct file *f = NULL;
	bpf_probe_read_kernel(&f, sizeof(f),
			      (const char *)(unsigned long)fds +
				      (__u64)fd * sizeof(f));
	if (!f)
		return 0;
	struct nsrel_bpf_file r = {
		.kind = NSREL_BPF_REC_FILE,
		.tgid = tgid,
		.fd = fd,
	};
	unsigned long magic;
	const struct inode *ino = inode_of(f, &magic);
	__u32 was_cut = pending.cut;
	if (magic == NSFS_MAGIC) {
		const struct ns_common *nsc = BPF_CORE_READ(ino, i_private);
		if (!nsc)
			return 0;
		const struct user_namespace *as = as_user(nsc);
		r.type = ns_type(as);
		r.inum = BPF_CORE_READ(as, ns.inum);
		__u64 addr = (__u64)(unsigned long)nsc;
		long off_ns, off_owner;
		if (r.type == CLONE_NEWUSER) {
			describe_users((__u64)(unsigned long)as, r.inum,
				       NS_ID(as));
		} else if (r.type == CLONE_NEWPID) {
			describe_pids_at(addr -
					 bpf_core_field_offset(
						 struct pid_namespace, ns));
		} else if (ns_layout(r.type, &off_ns, &off_owner)) {
			describe_ns(addr, r.type, r.inum, NS_ID(as),
				    addr - off_ns + off_owner);
		}
	} else if (magic == SOCKFS_MAGIC) {
		const struct socket *sock = BPF_CORE_READ(f, private_data);
		struct net *net =
			BPF_CORE_READ(sock, sk, __sk_common.skc_net.net);
		if (!net || (__u64)(unsigned long)net == own_net)
			return 0;
		r.type = CLONE_NEWNET;
		r.inum = BPF_CORE_READ(net, ns.inum);
		r.socket = 1;
		describe_ns(NS_ADDR(net), CLONE_NEWNET, r.inum, NS_ID(net),
			    (__u64)(unsigned long)&net->user_ns);
	} else {
		return 0;
	}
	/* A namespace not described for want of room: /proc's turn. */
	if (pending.cut && !was_cut)
		files.cut = 1;
	__u32 n = files.n;
	if (n >= FILES_MAX) {
		files.cut = 1;
		return 0;
	}
	files.f[n & (FILES_MAX - 1)] = r;
	files.n = n + 1;
	return 0;
}

/* The next open fd of the word at hand. 1 when done. */
static long bit_step(__u32 i, void *ctx)
{
	struct fd_walk *w = ctx;
	__u64 word = w->word;
	if (!word || files.cut)
		return 1;
	w->word = word & (word - 1);
	file_at(w->fds, w->base + bit_index(word & -word), w->tgid, w->net);
	return 0;
}

/* The open fds of word i of the bitmap. */
static long word_step(__u32 i, void *ctx)
{
	struct fd_walk *w = ctx;
	__u64 word = 0;
	bpf_probe_read_kernel(&word, sizeof(word),
			      (const char *)(unsigned long)w->bits +
				      (__u64)i * sizeof(word));
	if (word) {
		w->word = word;
		w->base = i * 64;
		bpf_loop(64, bit_step, w, 0);
	}
	return files.cut ? 1 : 0;
}

/* The files of a process (fs, its thread group leader's, as /proc/PID/fd
 * shows the leader's) into files, emptied by the caller. */
static void walk_files(const struct files_struct *fs, __s32 tgid, __u64 net)
{
	const struct fdtable *fdt = fs ? fs->fdt : NULL;
	if (!fdt)
		return;
	struct fd_walk w = {
		.fds = addr_of(fdt->fd),
		.bits = addr_of(fdt->open_fds),
		.net = net,
		.tgid = tgid,
	};
	__u32 words = (fdt->max_fds + 63) / 64;
	if (words > FD_WORDS_MAX) {
		words = FD_WORDS_MAX;
		files.cut = 1;
	}
	if (w.fds && w.bits)
		bpf_loop(words, word_step, &w, 0);
}

/* The number of pid (a struct pid *) in our PID namespace. */
#define NR(pid, level, ours) pid_nr_in(addr_of(pid), level, ours)

/* Namespace p (a pointer the verifier knows, of a type with an ns member)
 * described by describe(address, inode, id); its inode, 0 for none. */
#define DESCRIBE_CHAIN(describe, p)                               \
	({                                                        \
		__u32 _inum = 0;                                  \
		if (p) {                                          \
			_inum = (p)->ns.inum;                     \
			describe(addr_of(p), _inum, NS_ID_AT(p)); \
		}                                                 \
		_inum;                                            \
	})

/* The task record, built here, not on the stack: every state the verifier
 * copies or compares is the smaller. */
static struct nsrel_bpf_task task_rec;

SEC("iter/task")
int nsrel_task(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	if (!ctx->task)
		return 0;
	const struct task_struct *t = untrusted(ctx->task);
	const struct task_struct *parent = t->real_parent;
	const struct cred *cred = t->real_cred;
	const struct user_namespace *user = cred->user_ns;
	const struct pid *tp = t->thread_pid;
	const struct nsproxy *nsp = t->nsproxy;
	const struct files_struct *fs = t->files;
	pending_start(ctx->meta);

	unsigned int level;
	__u64 ours = reader_pidns(ctx->meta, &level);
	struct nsrel_bpf_task *r = &task_rec;
	*r = (struct nsrel_bpf_task){.kind = NSREL_BPF_REC_TASK};
	r->kpid = t->pid;
	r->flags = t->flags;
	r->start_boottime = t->start_boottime;
	BPF_CORE_READ_INTO(&r->comm, t, comm);
	if (!level) {
		/* Ours is the initial PID namespace, where every pid's
		 * number is the kernel's own. */
		r->pid = t->pid;
		r->tgid = t->tgid;
		r->ppid = parent->tgid;
	} else {
		r->pid = NR(tp, level, ours);
		r->tgid = NR(BPF_CORE_READ(t, group_leader, thread_pid), level,
			     ours);
		r->ppid = NR(BPF_CORE_READ(parent, group_leader, thread_pid),
			     level, ours);
	}

	/* The user namespace and euid are the task's credentials', the PID
	 * namespace its pid's; the rest its nsproxy's, which a zombie has
	 * no more. */
	r->euid = cred->euid.val;
	r->ns[4] = DESCRIBE_CHAIN(describe_users, user);
	unsigned int plevel = tp ? tp->level : 0;
	if (tp && !plevel) {
		const struct pid_namespace *pn = tp->numbers[0].ns;
		r->ns[5] = DESCRIBE_CHAIN(describe_pids, pn);
	} else if (tp) {
		/* numbers[plevel]: an index the verifier does not follow in
		 * a load, so a probe, and a number. */
		const struct pid_namespace *pn = upid_at(tp, plevel).ns;
		if (pn) {
			r->ns[5] = BPF_CORE_READ(pn, ns.inum);
			describe_pids((__u64)(unsigned long)pn, r->ns[5],
				      NS_ID(pn));
		}
	}

	__u64 own_net = 0;
	if (nsp) {
		struct net *net = nsp->net_ns;
		own_net = addr_of(net);
		r->ns[0] = DESCRIBE_NS(CLONE_NEWNS, nsp->mnt_ns);
		r->ns[1] = DESCRIBE_NS(CLONE_NEWCGROUP, nsp->cgroup_ns);
		r->ns[2] = DESCRIBE_NS(CLONE_NEWUTS, nsp->uts_ns);
		r->ns[3] = DESCRIBE_NS(CLONE_NEWIPC, nsp->ipc_ns);
		r->ns[6] = DESCRIBE_NS(CLONE_NEWNET, net);
		r->ns[7] = DESCRIBE_NS(CLONE_NEWTIME, nsp->time_ns);
		r->ns[NSREL_BPF_SLOT_TIME_FOR_CHILDREN] =
			DESCRIBE_NS(CLONE_NEWTIME, nsp->time_ns_for_children);
		/* As /proc: no pid_for_children before its first process
		 * (the child reaper) exists. */
		const struct pid_namespace *cpid = nsp->pid_ns_for_children;
		if (cpid && cpid->child_reaper)
			r->ns[NSREL_BPF_SLOT_PID_FOR_CHILDREN] =
				DESCRIBE_CHAIN(describe_pids, cpid);
	}
	if (pending.cut)
		r->rec_flags = NSREL_BPF_TASK_TRUNCATED;
	files.n = 0;
	files.cut = 0;
	if (t->pid == t->tgid)
		walk_files(fs, r->tgid, own_net);
	if (files.cut)
		r->rec_flags |= NSREL_BPF_TASK_FILES_CUT;
	pending_write(seq);
	__u32 n = files.n;
	if (n > FILES_MAX)
		n = FILES_MAX;
	if (n)
		bpf_seq_write(seq, files.f, n * sizeof(files.f[0]));
	bpf_seq_write(seq, r, sizeof(*r));
	return 0;
}
