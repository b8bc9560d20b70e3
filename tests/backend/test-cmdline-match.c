/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsrel__bpf_cmdline_match(): which command-line record of the BPF
 * backend is a task record's process. The records come from an iterator
 * that runs beside the task iterator, in a child, so a pid may belong to
 * another process by the time one or the other reads it: only a record with the
 * task's pid and start time is its command line; one with its pid and another
 * start time is another process's (it is gone, and a new one took its pid), and
 * gives none, as does no record at all; a record not read (a mapped file there,
 * a copy that failed) and records not all read send the reader to /proc.
 *
 * A unit test on crafted records: a pid taken over between the two
 * iterators cannot be forced cheaply in a live scan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "scan.h"
#include "uapi.h"

/* Sorted by pid, as the reader sorts them. */
static const struct bpf_cmdline recs[] = {
	{.kpid = 10, .start_boottime = 1000, .len = 3},
	{.kpid = 20, .start_boottime = 2000, .flags = NSREL_BPF_CMDLINE_TITLE},
	{.kpid = 30, .start_boottime = 3000, .flags = NSREL_BPF_CMDLINE_MAPPED},
	{.kpid = 40, .start_boottime = 4000, .flags = NSREL_BPF_CMDLINE_FAILED},
};
#define N (sizeof(recs) / sizeof(recs[0]))

static enum nsrel__bpf_cmdline_match match(bool read, pid_t pid, uint64_t start,
					   const struct bpf_cmdline **ret)
{
	*ret = &recs[0] + 1; /* overwritten */
	return nsrel__bpf_cmdline_match(recs, N, read, pid, start, ret);
}

static void test_own(void **state)
{
	const struct bpf_cmdline *c;
	assert_int_equal(match(true, 10, 1000, &c), NSREL__BPF_CMDLINE_FOUND);
	assert_ptr_equal(c, &recs[0]);
	assert_int_equal(match(true, 20, 2000, &c), NSREL__BPF_CMDLINE_FOUND);
	assert_ptr_equal(c, &recs[1]);
}

/* The pid is another process's by the time the command lines are read. */
static void test_pid_reused(void **state)
{
	const struct bpf_cmdline *c;
	assert_int_equal(match(true, 10, 999, &c), NSREL__BPF_CMDLINE_GONE);
	assert_null(c);
	assert_int_equal(match(true, 20, 2001, &c), NSREL__BPF_CMDLINE_GONE);
	assert_null(c);
	/* Another's, whether or not that one was read. */
	assert_int_equal(match(true, 30, 1, &c), NSREL__BPF_CMDLINE_GONE);
	assert_int_equal(match(true, 40, 1, &c), NSREL__BPF_CMDLINE_GONE);
}

static void test_gone(void **state)
{
	const struct bpf_cmdline *c;
	assert_int_equal(match(true, 15, 1500, &c), NSREL__BPF_CMDLINE_GONE);
	assert_null(c);
	assert_int_equal(match(true, 50, 5000, &c), NSREL__BPF_CMDLINE_GONE);
	assert_int_equal(nsrel__bpf_cmdline_match(NULL, 0, true, 10, 1000, &c),
			 NSREL__BPF_CMDLINE_GONE);
	assert_null(c);
}

static void test_ask_proc(void **state)
{
	const struct bpf_cmdline *c;
	assert_int_equal(match(true, 30, 3000, &c),
			 NSREL__BPF_CMDLINE_ASK_PROC);
	assert_null(c);
	assert_int_equal(match(true, 40, 4000, &c),
			 NSREL__BPF_CMDLINE_ASK_PROC);
	assert_null(c);
	/* Not all read: what is there says nothing of who is missing. */
	assert_int_equal(match(false, 10, 1000, &c),
			 NSREL__BPF_CMDLINE_ASK_PROC);
	assert_null(c);
	assert_int_equal(match(false, 15, 1500, &c),
			 NSREL__BPF_CMDLINE_ASK_PROC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own),
		cmocka_unit_test(test_pid_reused),
		cmocka_unit_test(test_gone),
		cmocka_unit_test(test_ask_proc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
