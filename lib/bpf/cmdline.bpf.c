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
 *
 * Only anonymous memory is read, as /proc reads it (FOLL_ANON): the
 * bytes to copy must lie in one vma with no file behind it
 * (bpf_find_vma()), or nothing is copied and the record says
 * NSREL_BPF_CMDLINE_MAPPED. A fault on a file of its owner's FUSE mount
 * would wait for that daemon, in the reader's read() and holding RCU
 * tasks-trace. The user can still map a file there between the check
 * and the copy: the reader runs this iterator in a child it kills after
 * a deadline (lib/scan-bpf.c).
 */
#include <stdbool.h>
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
	__u64 start_boottime;
	struct mm_struct *mm;
} CORE;

/* One more relocated name (iter.bpf.c: the kernel's cache of names). */
struct vm_area_struct {
	unsigned long vm_start, vm_end;
	struct file *vm_file;
} CORE;

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* The record being written: the program runs in the read() of the one
 * process that reads the iterator, one task at a time. */
static struct {
	struct nsrel_bpf_cmdline h;
	char data[NSREL_BPF_CMDLINE_MAX];
} rec;

/* The range bpf_find_vma() is asked about: whether [lo, hi) lies in the
 * vma found, and that vma is anonymous. */
struct range {
	__u64 lo, hi;
	bool anon;
};

static long range_in_vma(struct task_struct *t, struct vm_area_struct *vma,
			 struct range *r)
{
	r->anon =
		!vma->vm_file && vma->vm_start <= r->lo && r->hi <= vma->vm_end;
	return 0;
}

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
	rec.h.start_boottime = t->start_boottime;
	if (arg < arg_end) {
		if (env != arg_end || env_end < env)
			env_end = arg_end;
		/* What may be read: the last byte of argv, and from its
		 * start up to env_end or NSREL_BPF_CMDLINE_MAX. */
		struct range r = {.lo = arg, .hi = env_end};
		if (r.hi - r.lo > NSREL_BPF_CMDLINE_MAX)
			r.hi = r.lo + NSREL_BPF_CMDLINE_MAX;
		if (r.hi < arg_end)
			r.hi = arg_end;
		char last = 0;
		__u64 n = arg_end - arg;
		if (bpf_find_vma(t, arg, range_in_vma, &r, 0) || !r.anon) {
			rec.h.flags = NSREL_BPF_CMDLINE_MAPPED;
			n = 0;
		} else if (bpf_copy_from_user_task(
				   &last, 1, (void *)(arg_end - 1), t, 0)) {
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
