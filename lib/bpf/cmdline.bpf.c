// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The command line of every process, as a read() of 4096 bytes from
 * /proc/PID/cmdline shows it, without /proc: a sleepable iter.s/task
 * program (5.18 on) copies the process's argument area with
 * bpf_copy_from_user_task(). Loaded only for scans that keep command
 * lines (NSREL_SCAN_CMDLINE).
 *
 * Read-only, bounded: one copy of at most NSREL_BPF_CMDLINE_MAX bytes,
 * and of one byte, per process. What /proc does with the area
 * (get_mm_cmdline() in fs/proc/base.c): the bytes from arg_start to
 * arg_end or, where the last of them is not NUL (setproctitle()
 * overwrote it) and the environment follows the arguments, from
 * arg_start up to env_end and the first NUL, which the reader finds
 * (NSREL_BPF_CMDLINE_TITLE). A copy that fails is said so and the reader
 * asks /proc.
 */
#include <linux/types.h>
#include <linux/bpf.h>

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "../uapi.h"
#include "iter-ctx.h"

#define PF_KTHREAD 0x00200000

struct mm_struct {
	unsigned long arg_start, arg_end, env_start, env_end;
} CORE;

struct task_struct {
	unsigned int flags;
	int pid;
	int tgid;
	struct mm_struct *mm;
} CORE;

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* The record being written: the programs run in the read() of the one
 * thread that loaded them, one task at a time. */
static struct {
	struct nsrel_bpf_cmdline h;
	char data[NSREL_BPF_CMDLINE_MAX];
} rec;

SEC("iter.s/task")
int nsrel_cmdline(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;
	if (!t || t->pid != t->tgid || (t->flags & PF_KTHREAD))
		return 0;
	const struct mm_struct *mm = BPF_CORE_READ(t, mm);
	if (!mm)
		return 0;
	__u64 arg = BPF_CORE_READ(mm, arg_start);
	__u64 arg_end = BPF_CORE_READ(mm, arg_end);
	__u64 env = BPF_CORE_READ(mm, env_start);
	__u64 env_end = BPF_CORE_READ(mm, env_end);
	rec.h.kind = NSREL_BPF_REC_CMDLINE;
	rec.h.pid = t->pid;
	rec.h.len = 0;
	rec.h.flags = 0;
	if (arg < arg_end) {
		if (env != arg_end || env_end < env)
			env_end = arg_end;
		char last = 0;
		__u64 n = arg_end - arg;
		if (bpf_copy_from_user_task(&last, 1, (void *)(arg_end - 1), t,
					    0)) {
			rec.h.flags = NSREL_BPF_CMDLINE_FAILED;
			n = 0;
		} else if (last) {
			rec.h.flags = NSREL_BPF_CMDLINE_TITLE;
			n = env_end - arg;
		}
		if (n > NSREL_BPF_CMDLINE_MAX)
			n = NSREL_BPF_CMDLINE_MAX;
		if (n &&
		    bpf_copy_from_user_task(rec.data, n, (void *)arg, t, 0)) {
			rec.h.flags = NSREL_BPF_CMDLINE_FAILED;
			n = 0;
		}
		rec.h.len = n;
	}
	__u32 size = rec.h.len;
	if (size > NSREL_BPF_CMDLINE_MAX)
		size = NSREL_BPF_CMDLINE_MAX;
	bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec.h) + size);
	return 0;
}
