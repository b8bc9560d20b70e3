/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel uapi constants and structures newer than the installed headers
 * may have. The values are the kernel's ABI; each is probed at run time.
 */
#ifndef NSREL_UAPI_H
#define NSREL_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>
#ifndef __bpf__
#include <sys/syscall.h>
#endif

#define NSIO 0xb7
#ifndef NS_GET_USERNS
#define NS_GET_USERNS	 _IO(NSIO, 0x1)
#define NS_GET_PARENT	 _IO(NSIO, 0x2)
#define NS_GET_NSTYPE	 _IO(NSIO, 0x3)
#define NS_GET_OWNER_UID _IO(NSIO, 0x4)
#endif

struct nsrel_mnt_ns_info {
	__u32 size;
	__u32 nr_mounts;
	__u64 mnt_ns_id;
};
#define NSREL_NS_MNT_GET_NEXT _IOR(NSIO, 11, struct nsrel_mnt_ns_info)
#define NSREL_NS_MNT_GET_PREV _IOR(NSIO, 12, struct nsrel_mnt_ns_info)
#define NSREL_NS_GET_MNTNS_ID _IOR(NSIO, 5, __u64)
#define NSREL_NS_GET_ID	      _IOR(NSIO, 13, __u64)

/* open_by_handle_at() anchor and handle type for namespaces (6.18). */
#define NSREL_FD_NSFS_ROOT -10003
#define NSREL_FILEID_NSFS  0xf1
struct nsrel_nsfs_file_handle {
	__u64 ns_id;
	__u32 ns_type;
	__u32 ns_inum;
};

/* listmount(2) / statmount(2), 6.8; mnt_ns_id in the request since 6.11. */
#ifndef __NR_statmount
#define __NR_statmount 457
#endif
#ifndef __NR_listmount
#define __NR_listmount 458
#endif
#ifndef __NR_listns
#define __NR_listns 470
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd 438
#endif

struct nsrel_mnt_id_req {
	__u32 size;
	__u32 spare;
	__u64 mnt_id;
	__u64 param;
	__u64 mnt_ns_id;
};
#define NSREL_MNT_ID_REQ_SIZE_VER1 32

#define NSREL_LSMT_ROOT		  0xffffffffffffffffULL
#define NSREL_STATMOUNT_SB_BASIC  0x00000001U
#define NSREL_STATMOUNT_MNT_BASIC 0x00000002U
#define NSREL_STATMOUNT_MNT_ROOT  0x00000008U
#define NSREL_STATMOUNT_MNT_POINT 0x00000010U
#define NSREL_STATMOUNT_FS_TYPE	  0x00000020U

/* The head of struct statmount: the fields we read. */
struct nsrel_statmount {
	__u32 size;
	__u32 mnt_opts;
	__u64 mask;
	__u32 sb_dev_major;
	__u32 sb_dev_minor;
	__u64 sb_magic;
	__u32 sb_flags;
	__u32 fs_type;
	__u64 mnt_id;
	__u64 mnt_parent_id;
	__u32 mnt_id_old;
	__u32 mnt_parent_id_old;
	__u64 mnt_attr;
	__u64 mnt_propagation;
	__u64 mnt_peer_group;
	__u64 mnt_master;
	__u64 propagate_from;
	__u32 mnt_root;
	__u32 mnt_point;
	__u64 mnt_ns_id;
	__u64 __spare2[49];
	char str[];
};

/* listns(2), 6.19. */
struct nsrel_ns_id_req {
	__u32 size;
	__u32 spare;
	__u64 ns_id;
	__u32 ns_type;
	__u32 spare2;
	__u64 user_ns_id;
};

#ifndef SIOCGSKNS
#define SIOCGSKNS 0x894C
#endif

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

/*
 * The records our BPF iterators (lib/bpf/iter.bpf.c and cmdline.bpf.c)
 * write to their seq files, for lib/scan-bpf.c; this header is the
 * contract between them,
 * so it is also compiled for the BPF target. Every record starts with its
 * kind. Pids are numbers in the reader's PID namespace, 0 where the task
 * has none there, unless said otherwise.
 */
enum {
	NSREL_BPF_REC_TASK = 1,
	NSREL_BPF_REC_NS = 2,
	NSREL_BPF_REC_FILE = 3,
	NSREL_BPF_REC_CMDLINE = 4,
};

/* A task's namespaces: the eight types in nsrel_nstype_at() order, then
 * pid_for_children and time_for_children. */
#define NSREL_BPF_SLOT_PID_FOR_CHILDREN	 8
#define NSREL_BPF_SLOT_TIME_FOR_CHILDREN 9
#define NSREL_BPF_SLOTS			 10

/* One task (every thread is one), written after the records of its
 * namespaces and, for a process, of its files. TRUNCATED: records of its
 * namespaces were left out (more new ones than the iterator's buffer
 * holds); what they would have said is to be asked of /proc. FILES_CUT:
 * records of the process's files were left out (more than the iterator
 * writes for one process): /proc/PID/fd is to be read instead. */
enum {
	NSREL_BPF_TASK_TRUNCATED = 1u << 0,
	NSREL_BPF_TASK_FILES_CUT = 1u << 1,
};
struct nsrel_bpf_task {
	__u32 kind;
	__s32 pid, tgid, ppid; /* ppid: the real parent's tgid */
	__s32 kpid;	       /* pid in the initial PID namespace */
	__u32 rec_flags;       /* NSREL_BPF_TASK_* */
	__u32 euid;	       /* in the initial user namespace */
	__u32 flags;	       /* task_struct flags (PF_KTHREAD) */
	__u64 start_boottime;  /* ns since boot */
	char comm[16];
	__u32 ns[NSREL_BPF_SLOTS]; /* nsfs inode number, 0 if none */
};

/* One namespace, the first time the iterators meet it, and each of its
 * ancestors and owners the first time. */
struct nsrel_bpf_ns {
	__u32 kind;
	__u32 type; /* CLONE_NEW* */
	__u32 inum;
	__u32 owner;	 /* inode of the owning user namespace, 0 if none */
	__u32 parent;	 /* user and pid namespaces: the parent's, 0 if none */
	__u32 owner_uid; /* user namespaces: the creator's euid */
	__u64 id; /* the 64-bit namespace id, 0 where the kernel has none */
};

/* An open file of a process: an nsfs inode, or a socket in another
 * network namespace than the process's own. */
struct nsrel_bpf_file {
	__u32 kind;
	__s32 tgid;
	__u32 fd;
	__u32 type; /* CLONE_NEW* of the namespace; CLONE_NEWNET for a socket */
	__u32 inum;
	__u32 socket; /* 1 for a socket */
};

/* A process's command line (lib/bpf/cmdline.bpf.c): len bytes follow,
 * as /proc/PID/cmdline's first NSREL_BPF_CMDLINE_MAX are, or where flags
 * say TITLE, they run up to the first NUL among them. The process is
 * the one of the task record with the same pid and start_boottime. */
#define NSREL_BPF_CMDLINE_MAX 4096
enum {
	NSREL_BPF_CMDLINE_TITLE = 1u << 0,  /* argv's end overwritten */
	NSREL_BPF_CMDLINE_FAILED = 1u << 1, /* not read: ask /proc */
	/* Not read: not all in one anonymous vma (a file is mapped
	 * there); ask /proc, which reads anonymous memory only. */
	NSREL_BPF_CMDLINE_MAPPED = 1u << 2,
};
struct nsrel_bpf_cmdline {
	__u32 kind;
	__s32 pid; /* in the initial PID namespace, a thread group leader */
	__u32 len;
	__u32 flags;
	__u64 start_boottime; /* ns since boot, as the task record's */
};

#endif /* NSREL_UAPI_H */
