/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsrel__pmap_run() (lib/pmap.c), the ordered parallel map the /proc scan
 * reads with: with 0 to 63 readers, every item is read exactly once, into
 * a slot no other item holds at the time, and applied in order in the
 * calling thread; a stop applies nothing after it and drops every item
 * read but not applied; fini sees every slot once; no reader outlives the
 * call; and the readers block the signals the caller takes. Reads take
 * random time, so that readers overtake one another.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pmap.h"

#define ITEMS 5000

struct slot {
	size_t item;
	int state; /* 0 free, 1 read, 2 applied */
	bool in_main;
	char *buf; /* kept from one item to the next, freed by fini */
	int magic;
};

struct ctx {
	pthread_t main;
	size_t next_apply, stop_at;
	int reads[ITEMS], drops[ITEMS];
	size_t fini_calls, applied_in_other_thread;
	unsigned seed;
};

static void busy(size_t i)
{
	/* 0 to ~20 µs, by item: readers finish out of order */
	struct timespec t = {0, (long)((i * 2654435761u) % 20000)};
	if (i % 7 == 0)
		nanosleep(&t, NULL);
}

static void read_item(const void *c, size_t i, void *s)
{
	const struct ctx *x = c;
	struct slot *sl = s;
	/* A slot is free when it is read into: applied and dropped. */
	if (sl->state == 1)
		abort();
	__atomic_add_fetch((int *)&x->reads[i], 1, __ATOMIC_RELAXED);
	if (!sl->buf)
		sl->buf = malloc(16);
	sl->item = i;
	sl->magic = (int)(i * 3 + 1);
	sl->in_main = pthread_equal(pthread_self(), x->main);
	busy(i);
	sl->state = 1;
}

static int apply_item(void *c, size_t i, void *s)
{
	struct ctx *x = c;
	struct slot *sl = s;
	if (!pthread_equal(pthread_self(), x->main))
		x->applied_in_other_thread++;
	if (i != x->next_apply || sl->item != i || sl->state != 1 ||
	    sl->magic != (int)(i * 3 + 1))
		return -EBADMSG;
	x->next_apply++;
	sl->state = 2;
	return i + 1 == x->stop_at ? -EIO : 0;
}

static void drop_item(void *c, void *s)
{
	struct ctx *x = c;
	struct slot *sl = s;
	__atomic_add_fetch(&x->drops[sl->item], 1, __ATOMIC_RELAXED);
	sl->state = 0;
}

static struct ctx *fini_ctx;

static void fini_slot(void *s)
{
	struct slot *sl = s;
	free(sl->buf);
	sl->buf = NULL;
	fini_ctx->fini_calls++;
}

static int run(unsigned readers, size_t n, size_t stop_at, struct ctx *x)
{
	memset(x, 0, sizeof(*x));
	x->main = pthread_self();
	x->stop_at = stop_at;
	fini_ctx = x;
	return nsrel__pmap_run(&(const struct pmap){
		.n = n,
		.slot_size = sizeof(struct slot),
		.readers = readers,
		.ctx = x,
		.read = read_item,
		.apply = apply_item,
		.drop = drop_item,
		.fini = fini_slot,
	});
}

static unsigned threads_now(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned n = 0;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %u", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* The threads this process has: a joined thread may still be on its way
 * out of the kernel (pthread_join() returns when it has let go of its
 * stack), so a count above one is looked at again, for up to a second. */
static unsigned threads_left(void)
{
	unsigned n = 0;
	for (int i = 0; i < 100 && (n = threads_now()) > 1; i++)
		usleep(10000);
	return n;
}

static const unsigned readers[] = {0, 1, 2, 3, 63};

static void test_all_in_order(void **state)
{
	(void)state;
	static struct ctx x;
	for (size_t k = 0; k < sizeof(readers) / sizeof(readers[0]); k++) {
		assert_int_equal(run(readers[k], ITEMS, 0, &x), 0);
		assert_int_equal(x.next_apply, ITEMS);
		assert_int_equal(x.applied_in_other_thread, 0);
		for (size_t i = 0; i < ITEMS; i++) {
			assert_int_equal(x.reads[i], 1);
			assert_int_equal(x.drops[i], 1);
		}
		/* 0 readers: one slot; else the ring */
		assert_true(readers[k] ? x.fini_calls > 1 : x.fini_calls == 1);
		assert_int_equal(threads_left(), 1);
		printf("# %u reader(s): %d items in order\n", readers[k],
		       ITEMS);
	}
}

/* A stop at item s: nothing applied after it, and every item read is
 * dropped once, applied or not. */
static void test_stop(void **state)
{
	(void)state;
	static struct ctx x;
	static const size_t stops[] = {1, 2, 63, 64, 65, 2500, ITEMS};
	for (size_t k = 0; k < sizeof(readers) / sizeof(readers[0]); k++)
		for (size_t j = 0; j < sizeof(stops) / sizeof(stops[0]); j++) {
			assert_int_equal(run(readers[k], ITEMS, stops[j], &x),
					 -EIO);
			assert_int_equal(x.next_apply, stops[j]);
			size_t read = 0;
			for (size_t i = 0; i < ITEMS; i++) {
				assert_true(x.reads[i] <= 1);
				assert_int_equal(x.drops[i], x.reads[i]);
				read += (size_t)x.reads[i];
				if (i < stops[j])
					assert_int_equal(x.reads[i], 1);
			}
			/* read ahead at most a ring's worth, and a read in
			 * progress per reader */
			assert_true(read <= stops[j] + 64 + readers[k]);
			assert_int_equal(threads_left(), 1);
		}
}

static void test_nothing_and_one(void **state)
{
	(void)state;
	static struct ctx x;
	assert_int_equal(run(3, 0, 0, &x), 0);
	assert_int_equal(x.next_apply, 0);
	assert_int_equal(run(3, 1, 0, &x), 0);
	assert_int_equal(x.next_apply, 1);
	assert_int_equal(x.reads[0], 1);
}

/* A signal sent to the process while readers run is for the caller's
 * threads, not for ours: the readers block every signal. The calling
 * thread blocks SIGUSR1 once the readers run (at the first apply), a
 * reader sends it: nobody may take it until the caller unblocks it. */
static pthread_t handled_in;
static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled_in = pthread_self();
	handled = 1;
}

static void read_and_signal(const void *c, size_t i, void *s)
{
	if (i == 100)
		kill(getpid(), SIGUSR1);
	read_item(c, i, s);
}

static int block_and_apply(void *c, size_t i, void *s)
{
	if (i == 0) {
		sigset_t usr1;
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	}
	return apply_item(c, i, s);
}

static void test_signals_to_caller(void **state)
{
	(void)state;
	static struct ctx x;
	struct sigaction sa = {.sa_handler = on_usr1}, old;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	for (int round = 0; round < 20; round++) {
		memset(&x, 0, sizeof(x));
		x.main = pthread_self();
		fini_ctx = &x;
		handled = 0;
		assert_int_equal(nsrel__pmap_run(&(const struct pmap){
					 .n = 2000,
					 .slot_size = sizeof(struct slot),
					 .readers = 3,
					 .ctx = &x,
					 .read = read_and_signal,
					 .apply = block_and_apply,
					 .drop = drop_item,
					 .fini = fini_slot,
				 }),
				 0);
		if (handled)
			fail_msg("SIGUSR1 was taken while the caller blocked "
				 "it: by a reader");
		pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
		assert_true(handled);
		assert_true(pthread_equal(handled_in, pthread_self()));
	}
	sigaction(SIGUSR1, &old, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_in_order),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_nothing_and_one),
		cmocka_unit_test(test_signals_to_caller),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
