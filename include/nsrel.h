/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnsrel: Linux kernel namespaces and how they relate.
 *
 * Every function that can fail returns a negative errno; the kernel's own
 * errno is passed through unchanged. File descriptors passed in are
 * borrowed, never closed; file descriptors returned belong to the caller
 * and are O_CLOEXEC.
 *
 * Lifetimes: every pointer the model's accessors return (namespaces,
 * processes, references) and every string they return (names, arguments,
 * paths) points into the model and stays valid, unchanged, until
 * nsrel_model_free(). The strings of nsrel_nstype_str(),
 * nsrel_ref_kind_str(), nsrel_hidepid_str() and nsrel_proc_pidns_str() are
 * static.
 *
 * NULL: every accessor accepts NULL for its object (so that a lookup that
 * found nothing can be passed on) and then returns the value that means
 * "none": 0 for counts, types, ids, pids and times, NULL for pointers and
 * strings, -1 for an fd, (uid_t)-1 for a uid, -EINVAL where it returns an
 * error.
 */
#ifndef NSREL_H
#define NSREL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The namespace type constants are the kernel's CLONE_NEW* flags. They are
 * spelled exactly as in <sched.h> and <linux/sched.h>, so that including
 * either of those as well is harmless.
 */
#ifndef CLONE_NEWNS
#define CLONE_NEWNS 0x00020000
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWUTS
#define CLONE_NEWUTS 0x04000000
#endif
#ifndef CLONE_NEWIPC
#define CLONE_NEWIPC 0x08000000
#endif
#ifndef CLONE_NEWUSER
#define CLONE_NEWUSER 0x10000000
#endif
#ifndef CLONE_NEWPID
#define CLONE_NEWPID 0x20000000
#endif
#ifndef CLONE_NEWNET
#define CLONE_NEWNET 0x40000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* All eight types, as a mask of CLONE_NEW* bits. */
#define NSREL_ALL_TYPES                                                \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
	 CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWTIME)

/* The identity of a namespace. */
struct nsrel_id {
	dev_t dev;     /* st_dev of the nsfs inode */
	ino_t ino;     /* st_ino of the nsfs inode */
	uint64_t nsid; /* the kernel's 64-bit namespace id, 0 if it has none */
};

/* ---- The relations API (the linuxns_rel API, in C) -------------------- */

int nsrel_open(const char *path);
int nsrel_get_nstype(int nsfd);
int nsrel_get_userns(int nsfd);
int nsrel_get_parentns(int nsfd);
int nsrel_get_owner_uid(int nsfd, uid_t *ret_uid);
int nsrel_get_id(int nsfd, struct nsrel_id *ret_id);

int nsrel_get_nstype_path(const char *path);
int nsrel_get_userns_path(const char *path);
int nsrel_get_parentns_path(const char *path);
int nsrel_get_owner_uid_path(const char *path, uid_t *ret_uid);
int nsrel_get_id_path(const char *path, struct nsrel_id *ret_id);

const char *nsrel_nstype_str(int nstype);
int nsrel_nstype_from_str(const char *name);

/* The eight types in a fixed order (mnt, cgroup, uts, ipc, user, pid, net,
 * time): nsrel_nstype_at(i) for i < NSREL_NSTYPE_COUNT, and its inverse. */
#define NSREL_NSTYPE_COUNT 8
int nsrel_nstype_at(unsigned i);
int nsrel_nstype_index(int nstype);

/* ---- Discovery --------------------------------------------------------- */

/* Where namespaces are looked for; each source can be switched off. */
enum nsrel_source {
	NSREL_SRC_PROCS = 1u << 0,     /* /proc/PID/ns, *_for_children */
	NSREL_SRC_TASKS = 1u << 1,     /* threads in other namespaces */
	NSREL_SRC_FDS = 1u << 2,       /* namespace fds, sockets */
	NSREL_SRC_MOUNTS = 1u << 3,    /* nsfs bind mounts, every mntns */
	NSREL_SRC_HIERARCHY = 1u << 4, /* hidden parents of user/pid ns */
	NSREL_SRC_LISTNS = 1u << 5,    /* listns(2), where the kernel has it */
	NSREL_SRC_ALL = (1u << 6) - 1,
};

/* What a scan records beyond namespaces, relations and process names. */
enum nsrel_scan_flag {
	/* Every user process's command line, for nsrel_proc_argc() and
	 * nsrel_proc_arg(): one more read of /proc/PID/cmdline per process
	 * (with the BPF backend, one more iterator for all of them).
	 * It is read in the scan, with the rest of the process, or not at
	 * all: read later, the pid could name another process. */
	NSREL_SCAN_CMDLINE = 1u << 0,
	/* The command lines a table of namespaces shows, for less: at
	 * least those of the process each namespace lists first, and of
	 * the lowest pid holding it each other way (the first process in
	 * nsrel_ns_proc() and, for each kind, in nsrel_ns_ref()). With the
	 * PROC backend only those are read (a namespace's first process is
	 * the first to be met: /proc lists pids in ascending order), with
	 * BPF every process's (one iterator reads all). */
	NSREL_SCAN_CMDLINE_FIRST = 1u << 1,
	NSREL_SCAN_FLAGS_ALL = (1u << 2) - 1,
};

/* How the mounts of a mount namespace are read (NSREL_SRC_MOUNTS). */
enum nsrel_mounts_method {
	/* listmount(2) and statmount(2) by namespace id where the kernel
	 * has them (6.8, and NS_GET_ID 6.18), else as NSREL_MOUNTS_MOUNTINFO */
	NSREL_MOUNTS_AUTO = 0,
	/* listmount(2) only: the scan fails with -EOPNOTSUPP on a kernel
	 * that cannot list the mounts of a namespace by its id */
	NSREL_MOUNTS_LISTMOUNT,
	/* /proc/PID/mountinfo of a process in the namespace, or, where no
	 * process is, the mountinfo a short-lived child opens there */
	NSREL_MOUNTS_MOUNTINFO,
};

/*
 * How the namespaces are found. Both fill the same model.
 *
 * PROC reads /proc: it sees what /proc shows the caller (its PID
 * namespace, hidepid=) and what the caller may read there.
 *
 * BPF asks the kernel itself: BPF task and task_file iterators (CO-RE,
 * kernel BTF) walk every task and open file in one pass. It needs
 * CAP_BPF and CAP_PERFMON (or root), Linux 5.17 or later with BTF, and a
 * kernel that lets BPF read its memory (no lockdown). It sees every task
 * the kernel's task iterator shows in the caller's PID namespace, also
 * those /proc will not let it read (hidepid=, tasks no one may ptrace;
 * its pids are that namespace's), and every parent and
 * owner up to the root, also above the caller's PID namespace. Bind
 * mounts are still read with listmount(2) or mountinfo; command lines
 * (NSREL_SCAN_CMDLINE) by a sleepable task iterator (Linux 5.18 on), as
 * /proc/PID/cmdline shows them (anonymous memory only, for the process
 * of that pid and start time; read in a child killed after 5 seconds:
 * struct nsrel_view, cmdline_stuck), or where it cannot run, where the
 * memory is a mapped file, and for a comm of
 * 15 bytes without the flag, from /proc/PID/cmdline where /proc is of the
 * caller's PID namespace. Its view (nsrel_model_view()) says so:
 * hidepid_applies is false and proc_pid_ns OWN. If it cannot run, nsrel_scan()
 * fails with its reason: -EOPNOTSUPP (built without BPF, no kernel BTF), -EPERM
 * (no privilege), or another error of bpf(2).
 *
 * AUTO (0, the default) is BPF where it can run and sees what PROC would:
 * for a caller in the initial PID namespace with CAP_SYS_PTRACE in the
 * initial user namespace (whom /proc hides nothing from but what no one
 * may read). Everywhere else, and where BPF cannot load, it is PROC,
 * silently, so that a confined caller sees what /proc shows it.
 * nsrel_model_backend() says which one ran.
 */
enum nsrel_backend {
	NSREL_BACKEND_AUTO = 0,
	NSREL_BACKEND_PROC = 1,
	NSREL_BACKEND_BPF = 2,
};

/* A switch whose default (0) the library chooses. */
enum nsrel_switch {
	NSREL_SWITCH_AUTO = 0,
	NSREL_SWITCH_ON = 1,
	NSREL_SWITCH_OFF = 2,
};

struct nsrel_scan_opts {
	size_t sz;		/* sizeof(struct nsrel_scan_opts) */
	unsigned types;		/* mask of CLONE_NEW*; 0 means all */
	unsigned sources;	/* mask of enum nsrel_source; 0 means all */
	unsigned flags;		/* mask of enum nsrel_scan_flag; 0 means none */
	unsigned mounts_method; /* enum nsrel_mounts_method */
	enum nsrel_backend backend;
	/* Containers (nsrel_proc_container()): AUTO and ON identify them
	 * from cgroups and the runtimes' files on disk; OFF does not. */
	enum nsrel_switch containers;
	/* The engines' APIs (the Docker Engine API, and podman's compatible
	 * service, on their unix sockets), asked where containers were found:
	 * a ping and the list of containers per engine and scan (and the
	 * init PID of each the cgroups did not show), every socket at once
	 * under one deadline of 500 ms: ON asks them, OFF never does, AUTO
	 * asks them where the caller is privileged (nsrel_view.privileged).
	 * Only with containers on. What failed: nsrel_model_engine_warning().
	 */
	enum nsrel_switch engine_api;
	/* The one engine socket to ask (a path; the scan only borrows it),
	 * instead of /run/docker.sock, /var/run/docker.sock and
	 * /run/podman/podman.sock; NULL for those. */
	const char *engine_socket;
	/* Threads that read /proc (the PROC backend), the calling one
	 * among them, which also adds what they read to the model in pid
	 * order: 0, the default, is one per CPU the caller may run on (at
	 * most 4) where /proc lists 256 processes or more, and the calling
	 * thread alone below (and below an RLIMIT_NOFILE of 1024: what
	 * they read ahead holds up to 64 fds); 1 is the calling thread
	 * alone; N > 1 is it and N - 1 more, at most 64. Where a thread
	 * cannot be had, fewer read. */
	unsigned threads;
};

/*
 * An options struct with sz set and the other fields named, for C callers:
 *	nsrel_scan(NSREL_SCAN_OPTS(.types = CLONE_NEWNET), &m);
 * (a compound literal that lives until the end of the enclosing block).
 */
#define NSREL_SCAN_OPTS(...)                                             \
	(&(struct nsrel_scan_opts){.sz = sizeof(struct nsrel_scan_opts), \
				   __VA_ARGS__})

struct nsrel_model;
struct nsrel_ns;
struct nsrel_proc;
struct nsrel_ref;
struct nsrel_container;

/*
 * opts may be NULL for everything.
 *
 * Errors: what is gone by the time the scan looks at it (ENOENT, ESRCH:
 * a process that exited, a zombie's namespaces, an fd closed, a mount
 * unmounted) is skipped, and so is what the caller may not read (EACCES,
 * EPERM; a process whose namespaces are not ours to read is counted by
 * nsrel_model_unreadable()). A path in a tree someone else owns (a mount
 * point in another mount namespace, a process's root or fd) that does not
 * resolve is skipped whatever the error, but running out of memory or
 * file descriptors (a FUSE filesystem there may answer anything; one whose
 * daemon is gone, ENOTCONN): the mount is still listed, and its namespace
 * is reached another way where there is one. A kernel without a feature
 * (ENOSYS, or ENOTTY and EINVAL from a namespace ioctl) makes the scan use the
 * older way. Any other error ends the scan: it returns that negative errno
 * (-EMFILE, -ENFILE, -ENOMEM, -EIO, ...) and no model, never a model that
 * is silently smaller. A mount namespace whose helper does not answer
 * within 5 seconds is the exception: it is counted in the view
 * (struct nsrel_view, mntns_stuck) and the scan goes on without what the
 * helper was to open there. A scan needs some tens of file descriptors at once,
 * more for deep user namespace chains; mount namespaces no process is in
 * are read in batches that stay far below RLIMIT_NOFILE.
 */
int nsrel_scan(const struct nsrel_scan_opts *opts, struct nsrel_model **ret);
void nsrel_model_free(struct nsrel_model *m);

/* Namespaces, sorted by type (in nsrel_nstype_at() order), then inode.
 * Every list below (children, owned, member processes) keeps this order:
 * namespaces by type, then inode; processes by pid. */
size_t nsrel_model_ns_count(const struct nsrel_model *m);
const struct nsrel_ns *nsrel_model_ns(const struct nsrel_model *m, size_t i);
const struct nsrel_ns *nsrel_model_find(const struct nsrel_model *m, int nstype,
					ino_t ino);

/* Processes, sorted by pid. */
size_t nsrel_model_proc_count(const struct nsrel_model *m);
const struct nsrel_proc *nsrel_model_proc(const struct nsrel_model *m,
					  size_t i);
const struct nsrel_proc *nsrel_model_find_proc(const struct nsrel_model *m,
					       pid_t pid);

/* Processes that exist but whose namespaces we were not allowed to read. */
size_t nsrel_model_unreadable(const struct nsrel_model *m);

/* Why an engine's API could not be asked (nsrel_scan_opts.engine_api): one
 * line naming each socket that exists and failed, and how (no answer
 * within the deadline, refused, not a socket, not trusted, a bad answer);
 * NULL where every one answered, none exists, or none was asked. The
 * containers the other steps found are in the model all the same. */
const char *nsrel_model_engine_warning(const struct nsrel_model *m);

/*
 * What the scan could see: a property of the thread that scanned and of
 * the /proc it read, not of the namespaces found. Probed once per
 * nsrel_scan() from that /proc (our own status and mountinfo entries, our
 * ns links) and capget(2).
 */
enum nsrel_hidepid {
	NSREL_HIDEPID_UNKNOWN = 0, /* the mount of /proc was not found */
	NSREL_HIDEPID_OFF,	   /* hidepid=0 or none */
	NSREL_HIDEPID_NOACCESS,	   /* hidepid=1: others' /proc/PID listed,
				    * their contents unreadable */
	NSREL_HIDEPID_INVISIBLE,   /* hidepid=2: others' /proc/PID absent */
	NSREL_HIDEPID_PTRACEABLE,  /* hidepid=4: only what we may ptrace */
};

/* Whose PID namespace the /proc we read shows. */
enum nsrel_proc_pidns {
	NSREL_PROC_PIDNS_UNKNOWN = 0, /* no NSpid line (Linux < 4.1) */
	NSREL_PROC_PIDNS_OWN,	      /* ours: its processes only */
	NSREL_PROC_PIDNS_ANCESTOR,    /* an ancestor's: processes outside
				       * ours too, with that namespace's
				       * PID numbers */
	NSREL_PROC_PIDNS_OTHER,	      /* one we are not in at all */
};

/*
 * Fields are only ever added at the end, and a field added later reads 0
 * ("unknown") where the library that filled it does not know it.
 */
struct nsrel_view {
	size_t sz;	   /* set by the caller: sizeof(struct nsrel_view) */
	size_t unreadable; /* nsrel_model_unreadable() */
	/* The scanning thread's own namespaces; 0 if not known. */
	ino_t user_ns, pid_ns;
	bool user_ns_initial, pid_ns_initial;
	/* CAP_SYS_PTRACE in the initial user namespace: every process may
	 * be read, and hidepid= hides nothing. */
	bool privileged;
	enum nsrel_proc_pidns proc_pid_ns;
	enum nsrel_hidepid hidepid;
	/* hidepid= hides something from us: we are neither privileged nor
	 * (hidepid 1 and 2) in the group of the mount's gid= option. */
	bool hidepid_applies;
	bool proc_subset_pid; /* /proc mounted subset=pid */
	/* The scanning thread's effective capabilities: bit N is
	 * capability N (CAP_SYS_PTRACE, CAP_SYS_ADMIN, ...). */
	uint64_t cap_effective;
	/* Mount namespaces where the short-lived child that resolves a path
	 * there (inside a process's root, or entering the namespace) did
	 * not answer within 5 seconds (stuck on a path of a file system
	 * that does not answer, such as a FUSE mount whose daemon hangs):
	 * it is killed, and what it was to open there is
	 * missing from the model (the namespaces bind-mounted there are
	 * known by inode only; where the mounts are read from mountinfo,
	 * not listmount(2), none of that namespace's are). A child that
	 * cannot die at once (waiting for a FUSE reply its server has read,
	 * which not even SIGKILL ends) is left, a child of the caller's
	 * until the file system answers. */
	size_t mntns_stuck;
	/* The BPF backend: the short-lived child that reads the command
	 * lines (a process's memory, where its owner may have mapped a file
	 * of a file system that does not answer) did not end within 5
	 * seconds. It is killed (or left, as above), and the command lines
	 * are read from /proc/PID/cmdline instead. */
	bool cmdline_stuck;
	/* The BPF backend where /proc does not show our PID namespace:
	 * processes with more namespace fds and foreign sockets than the
	 * iterator keeps for one (512), whose others /proc cannot give:
	 * those others are missing from the model. */
	size_t files_cut;
};

/*
 * Copies the view of the scan that made m into *ret: min(ret->sz, the
 * library's sizeof(struct nsrel_view)) bytes, and sets ret->sz to that
 * count. 0, or -EINVAL if m or ret is NULL or ret->sz is too small for
 * sz itself.
 */
int nsrel_model_view(const struct nsrel_model *m, struct nsrel_view *ret);
/* "off", "noaccess", "invisible", "ptraceable"; NULL for UNKNOWN or any
 * other value. Static strings. */
const char *nsrel_hidepid_str(enum nsrel_hidepid h);
/* "own", "ancestor", "other"; NULL for UNKNOWN or any other value. */
const char *nsrel_proc_pidns_str(enum nsrel_proc_pidns p);

/* The backend that found the model: NSREL_BACKEND_PROC or _BPF. */
enum nsrel_backend nsrel_model_backend(const struct nsrel_model *m);
/* "proc", "bpf", "auto"; NULL for anything else. */
const char *nsrel_backend_str(enum nsrel_backend b);

/* A namespace. */
int nsrel_ns_type(const struct nsrel_ns *ns);
struct nsrel_id nsrel_ns_id(const struct nsrel_ns *ns);
ino_t nsrel_ns_ino(const struct nsrel_ns *ns);
/* Parent (user, pid), NULL at the top of what we may see. */
const struct nsrel_ns *nsrel_ns_parent(const struct nsrel_ns *ns);
size_t nsrel_ns_child_count(const struct nsrel_ns *ns);
const struct nsrel_ns *nsrel_ns_child(const struct nsrel_ns *ns, size_t i);
/* Owning user namespace; NULL if out of our scope. For a user namespace,
 * the owner is its parent. */
const struct nsrel_ns *nsrel_ns_owner(const struct nsrel_ns *ns);
size_t nsrel_ns_owned_count(const struct nsrel_ns *ns);
const struct nsrel_ns *nsrel_ns_owned(const struct nsrel_ns *ns, size_t i);
/* User namespaces only: 0, or -ENODATA where it is not known. */
int nsrel_ns_owner_uid(const struct nsrel_ns *ns, uid_t *ret_uid);

/* One range of a user namespace's uid or gid map, a line of
 * /proc/PID/uid_map: the ids inside .. inside + count - 1 of the namespace
 * are outside .. outside + count - 1 outside it. */
struct nsrel_idmap {
	uint32_t inside, outside, count;
};

/*
 * User namespaces only (-EINVAL for another type): the uid (gid) map, as
 * /proc/PID/uid_map (gid_map) of a member process showed it to the scanning
 * thread. The kernel writes the outside ids as seen from the reader's user
 * namespace, or, where the reader is in the namespace itself, from its parent.
 * 0 and *ret_map, *ret_n (n is 0 while no map is written: every id is then
 * unmapped; *ret_map lives as long as the model); -ENODATA where no member
 * process could be read (a namespace held only by fds, mounts, threads or its
 * children, or the BPF backend where /proc is not of our PID namespace).
 */
int nsrel_ns_uid_map(const struct nsrel_ns *ns,
		     const struct nsrel_idmap **ret_map, size_t *ret_n);
int nsrel_ns_gid_map(const struct nsrel_ns *ns,
		     const struct nsrel_idmap **ret_map, size_t *ret_n);

/* The kernel's NETNSA_NSID_NOT_ASSIGNED. */
#define NSREL_NETNSID_UNASSIGNED (-1)
/*
 * Net namespaces only (-EINVAL for another type): the id the scanning thread's
 * net namespace knows this one by (its peer netnsid: RTM_GETNSID, as `ip netns
 * list-id` and lsns(8) show it), or NSREL_NETNSID_UNASSIGNED where it has none;
 * ids are assigned by `ip netns set`, and by the kernel where a device links
 * the two namespaces. 0 and *ret_id; -ENODATA where it is not known (a
 * kernel without it, no rtnetlink, a namespace learned only from BPF
 * records while our net namespace has given ids to peers: where it has
 * given none, every namespace's is known to be NSREL_NETNSID_UNASSIGNED).
 */
int nsrel_ns_netnsid(const struct nsrel_ns *ns, int *ret_id);
/* Member processes (the ns is their own, not only for their children). */
size_t nsrel_ns_proc_count(const struct nsrel_ns *ns);
const struct nsrel_proc *nsrel_ns_proc(const struct nsrel_ns *ns, size_t i);
/* Representative process: among members whose parent is not a member, the
 * earliest started, lowest pid on ties; where that is a runtime's helper
 * that only starts and waits for the payload (bwrap, catatonit, conmon,
 * docker-init, tini, dumb-init), its earliest started child in the
 * namespace instead, and so on down: the sandboxed program, not "bwrap".
 * NULL without member processes. */
const struct nsrel_proc *nsrel_ns_leader(const struct nsrel_ns *ns);
/* Everything that holds the namespace, in a stable order. */
size_t nsrel_ns_ref_count(const struct nsrel_ns *ns);
const struct nsrel_ref *nsrel_ns_ref(const struct nsrel_ns *ns, size_t i);

enum nsrel_ref_kind {
	NSREL_REF_PROC = 1,	/* /proc/PID/ns/TYPE */
	NSREL_REF_TASK,		/* /proc/PID/task/TID/ns/TYPE */
	NSREL_REF_FOR_CHILDREN, /* pid_for_children, time_for_children */
	NSREL_REF_FD,		/* an open fd of a process */
	NSREL_REF_SOCKET,	/* a socket of a process in a net namespace
				 * other than the process's own */
	NSREL_REF_BINDMOUNT,	/* an nsfs bind mount */
	NSREL_REF_HIDDEN,	/* none: found only as a parent or owner */
};

enum nsrel_ref_kind nsrel_ref_kind(const struct nsrel_ref *r);
const char *nsrel_ref_kind_str(enum nsrel_ref_kind kind);
/* The process (PROC, TASK, FOR_CHILDREN, FD, SOCKET), else NULL. */
const struct nsrel_proc *nsrel_ref_proc(const struct nsrel_ref *r);
pid_t nsrel_ref_tid(const struct nsrel_ref *r); /* TASK, else 0 */
int nsrel_ref_fd(const struct nsrel_ref *r);	/* FD, SOCKET, else -1 */
/* BINDMOUNT: the mount point, as seen in its mount namespace. */
const char *nsrel_ref_path(const struct nsrel_ref *r);
/* BINDMOUNT: the mount namespace the mount is in (NULL if unknown). */
const struct nsrel_ns *nsrel_ref_mntns(const struct nsrel_ref *r);

/* A process. */
pid_t nsrel_proc_pid(const struct nsrel_proc *p);
pid_t nsrel_proc_ppid(const struct nsrel_proc *p);
/* The process's comm (the kernel's name for it, as ps and top show it),
 * or "[comm]" for a kernel thread (PF_KTHREAD). Where the kernel cut comm
 * at 15 bytes, the basename of argv[0] (without a leading '-') if that
 * starts with comm; argv[0] is the first word of /proc/PID/cmdline, or of
 * a command line rewritten into one string (setproctitle), its first
 * space-separated word. A program may rewrite its argv to anything, its
 * comm only to 15 bytes. Raw bytes from the system: escape before
 * printing. */
const char *nsrel_proc_name(const struct nsrel_proc *p);
/* The command line, if the scan was asked for it (NSREL_SCAN_CMDLINE,
 * or NSREL_SCAN_CMDLINE_FIRST for the processes it names); argc is 0
 * without it, for kernel threads, and for a process whose
 * command line could not be read. At most 4096 bytes are read: a longer
 * command line ends in a cut argument. */
size_t nsrel_proc_argc(const struct nsrel_proc *p);
const char *nsrel_proc_arg(const struct nsrel_proc *p, size_t i);
uid_t nsrel_proc_uid(const struct nsrel_proc *p);
/* In clock ticks since boot, from /proc/PID/stat. */
uint64_t nsrel_proc_starttime(const struct nsrel_proc *p);
/* The process's namespace of a type; NULL if not known. */
const struct nsrel_ns *nsrel_proc_ns(const struct nsrel_proc *p, int nstype);
/* The container the process is in; NULL if none was identified (or the
 * scan's containers option was OFF). */
const struct nsrel_container *nsrel_proc_container(const struct nsrel_proc *p);

/* ---- Containers -------------------------------------------------------- */

/*
 * A container, pod member or sandbox, identified without asking any
 * daemon, cheapest first (each step may fail without harming the others):
 *
 * 1. the process's cgroup path (/proc/PID/cgroup; cgroup v1, v2 and
 *    hybrid): the scope and directory names engines and systemd write
 *    (docker-ID.scope, /docker/ID, libpod-ID.scope, cri-containerd-ID.scope,
 *    crio-ID.scope, kubepods...podUID, lxc.payload.NAME,
 *    machine-NAME.scope, app-flatpak-APP-N.scope, a bare 64-digit
 *    hexadecimal id). It gives the engine and the id. The file is read
 *    for processes outside PID 1's mount namespace only, since every
 *    engine gives its containers a mount namespace of their own; the
 *    identification is done once per distinct cgroup.
 * 2. the runtime's records on disk: the arguments of conmon (-c ID -n NAME
 *    -b BUNDLE: podman, CRI-O), the OCI bundle's config.json annotations
 *    (io.kubernetes.cri.*, io.kubernetes.*: pod and container names, as
 *    containerd and CRI-O write them; the bundle is found through conmon,
 *    containerd's shim and runc's state in /run/runc), and the container=
 *    variable of the container's init (only that variable is read).
 * 3. the engines' APIs, if the scan's engine_api option allows them.
 *
 * Nothing is guessed: where the engine and id are known and the name is
 * not, the name is NULL.
 */
enum nsrel_engine {
	NSREL_ENGINE_NONE = 0,
	NSREL_ENGINE_DOCKER,	 /* "docker" */
	NSREL_ENGINE_PODMAN,	 /* "podman" */
	NSREL_ENGINE_CONTAINERD, /* "containerd" */
	NSREL_ENGINE_CRIO,	 /* "cri-o" */
	/* "kubernetes": a pod's container whose runtime is not recorded
	 * (the kubelet's cgroupfs layout, /kubepods/QOS/podUID/ID) */
	NSREL_ENGINE_KUBERNETES,
	NSREL_ENGINE_LXC,    /* "lxc" */
	NSREL_ENGINE_NSPAWN, /* "systemd-nspawn" */
	/* "machined": registered with systemd-machined (machine-NAME.scope)
	 * by something other than systemd-nspawn, a virtual machine, say */
	NSREL_ENGINE_MACHINED,
	NSREL_ENGINE_FLATPAK, /* "flatpak" */
	/* "oci": an OCI runtime's container (runc, crun) whose engine is
	 * not recorded: a 64-digit id as its cgroup's name */
	NSREL_ENGINE_OCI,
};
/* The names above; NULL for NONE or any other value. Static strings. */
const char *nsrel_engine_str(enum nsrel_engine e);

/* Containers, sorted by engine, then id. */
size_t nsrel_model_container_count(const struct nsrel_model *m);
const struct nsrel_container *nsrel_model_container(const struct nsrel_model *m,
						    size_t i);
/* By full id, or by name; NULL if none or, for a name, more than one. */
const struct nsrel_container *
nsrel_model_find_container(const struct nsrel_model *m, const char *id_or_name);

enum nsrel_engine nsrel_container_engine(const struct nsrel_container *c);
/* The engine's id of the container: 64 hexadecimal digits for OCI engines;
 * the name for lxc and machined containers; APP-N for flatpak. */
const char *nsrel_container_id(const struct nsrel_container *c);
/* Its first 12 bytes, as the engines show it. */
const char *nsrel_container_short_id(const struct nsrel_container *c);
/* Its name, where it is recorded; NULL if not known. */
const char *nsrel_container_name(const struct nsrel_container *c);
/* Kubernetes: the pod's name, namespace and UID; NULL where not known. */
const char *nsrel_container_pod_name(const struct nsrel_container *c);
const char *nsrel_container_pod_namespace(const struct nsrel_container *c);
const char *nsrel_container_pod_uid(const struct nsrel_container *c);
/* The group the engine puts it in: a compose project
 * (com.docker.compose.project), a podman pod; NULL if none recorded. */
const char *nsrel_container_project(const struct nsrel_container *c);
/* Its init: of its processes, one whose parent is not one of them, the
 * earliest started (the container's PID 1). NULL if none was seen. */
const struct nsrel_proc *nsrel_container_init(const struct nsrel_container *c);
/* Its processes, by pid. */
size_t nsrel_container_proc_count(const struct nsrel_container *c);
const struct nsrel_proc *nsrel_container_proc(const struct nsrel_container *c,
					      size_t i);
/* The namespaces its processes are in (by type, then inode): its own,
 * those shared with its pod, and the host's where it shares them. */
size_t nsrel_container_ns_count(const struct nsrel_container *c);
const struct nsrel_ns *nsrel_container_ns(const struct nsrel_container *c,
					  size_t i);

#ifdef __cplusplus
}
#endif

#endif /* NSREL_H */
