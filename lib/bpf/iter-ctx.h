/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * For our BPF programs: the task iterator's context, whose layout is the
 * iterators' ABI (5.8 on): fixed, not relocated (each relocated type name
 * costs the kernel a look-up in its BTF at every load).
 */
#ifndef NSREL_BPF_ITER_CTX_H
#define NSREL_BPF_ITER_CTX_H

#include <linux/types.h>

/* Every access to a type with it is a CO-RE relocation. */
#define CORE __attribute__((preserve_access_index))

struct seq_file;
struct task_struct;

struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
};

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
};

#endif /* NSREL_BPF_ITER_CTX_H */
