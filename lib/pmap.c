/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ordered parallel map (pmap.h). Readers take the next item under one
 * lock, read it without the lock, and mark its slot filled; the caller
 * applies the items in order, and where the next is not read yet, reads
 * one itself, or waits where there is none to take. A reader stays within RING
 * items of the caller, so a slot is never refilled before it is applied, and
 * what the slots hold (an open directory each) stays bounded. The readers block
 * every signal: the caller's handlers run in the caller's threads.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pmap.h"

#define RING	     64
#define READERS_MAX  64
#define READER_STACK (256 * 1024)

struct run {
	const struct pmap *p;
	char *slots;	/* RING slots */
	size_t *filled; /* per slot: the item read into it, plus one; 0 */
	size_t next;	/* the next item to read */
	size_t applied; /* items applied so far */
	bool stop, waiting;
	unsigned room_waiters;
	pthread_mutex_t lock;
	pthread_cond_t ready, room;
};

static void *slot_of(const struct run *r, size_t i)
{
	return r->slots + (i % RING) * r->p->slot_size;
}

static void *reader(void *arg)
{
	struct run *r = arg;
	const struct pmap *p = r->p;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (!r->stop && r->next < p->n &&
		       r->next >= r->applied + RING) {
			r->room_waiters++;
			pthread_cond_wait(&r->room, &r->lock);
			r->room_waiters--;
		}
		if (r->stop || r->next >= p->n)
			break;
		size_t i = r->next++;
		pthread_mutex_unlock(&r->lock);
		p->read(p->ctx, i, slot_of(r, i));
		pthread_mutex_lock(&r->lock);
		r->filled[i % RING] = i + 1;
		if (r->waiting && r->applied == i)
			pthread_cond_signal(&r->ready);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

static size_t page_size(void)
{
	long n = sysconf(_SC_PAGESIZE);
	return n > 0 ? (size_t)n : 4096;
}

/* A reader on a stack of our own, below a guard page: glibc keeps the
 * stacks it made, and what it allocated with them, for threads to come;
 * one the caller gave is freed, with all that, when the thread is
 * joined, so that a scan leaves nothing behind. */
static bool start_reader(struct run *r, pthread_t *thread, void **stack)
{
	size_t guard = page_size();
	*stack = mmap(NULL, guard + READER_STACK, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (*stack == MAP_FAILED)
		return false;
	pthread_attr_t attr;
	bool ok = mprotect(*stack, guard, PROT_NONE) == 0 &&
		  pthread_attr_init(&attr) == 0;
	if (ok) {
		ok = pthread_attr_setstack(&attr, (char *)*stack + guard,
					   READER_STACK) == 0 &&
		     pthread_create(thread, &attr, reader, r) == 0;
		pthread_attr_destroy(&attr);
	}
	if (!ok)
		munmap(*stack, guard + READER_STACK);
	return ok;
}

static int run_alone(const struct pmap *p, void *slot)
{
	int ret = 0;
	for (size_t i = 0; i < p->n && ret >= 0; i++) {
		p->read(p->ctx, i, slot);
		ret = p->apply(p->ctx, i, slot);
		p->drop(p->ctx, slot);
	}
	return ret;
}

static int apply_in_order(struct run *r)
{
	const struct pmap *p = r->p;
	int ret = 0;
	for (size_t i = 0; i < p->n && ret >= 0; i++) {
		pthread_mutex_lock(&r->lock);
		while (r->filled[i % RING] != i + 1) {
			/* Reads too, rather than sleep: a wait and a wake
			 * cost more than a read does. */
			if (r->next < p->n && r->next < r->applied + RING) {
				size_t j = r->next++;
				pthread_mutex_unlock(&r->lock);
				p->read(p->ctx, j, slot_of(r, j));
				pthread_mutex_lock(&r->lock);
				r->filled[j % RING] = j + 1;
				continue;
			}
			r->waiting = true;
			pthread_cond_wait(&r->ready, &r->lock);
		}
		r->waiting = false;
		pthread_mutex_unlock(&r->lock);
		ret = p->apply(p->ctx, i, slot_of(r, i));
		p->drop(p->ctx, slot_of(r, i));
		pthread_mutex_lock(&r->lock);
		r->applied = i + 1;
		r->stop = ret < 0;
		if (r->room_waiters)
			pthread_cond_broadcast(&r->room);
		pthread_mutex_unlock(&r->lock);
	}
	return ret;
}

int nsrel__pmap_run(const struct pmap *p)
{
	unsigned want = p->readers < READERS_MAX ? p->readers : READERS_MAX;
	if (p->n < 2)
		want = 0;
	struct run r = {.p = p};
	r.slots = calloc(want ? RING : 1, p->slot_size);
	r.filled = calloc(RING, sizeof(*r.filled));
	if (!r.slots || !r.filled) {
		free(r.slots);
		free(r.filled);
		return -ENOMEM;
	}
	pthread_t threads[READERS_MAX];
	void *stacks[READERS_MAX];
	unsigned started = 0;
	if (want) {
		pthread_mutex_init(&r.lock, NULL);
		pthread_cond_init(&r.ready, NULL);
		pthread_cond_init(&r.room, NULL);
		sigset_t all, old;
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		while (started < want &&
		       start_reader(&r, &threads[started], &stacks[started]))
			started++;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	int ret;
	if (started) {
		ret = apply_in_order(&r);
		pthread_mutex_lock(&r.lock);
		r.stop = true;
		pthread_cond_broadcast(&r.room);
		pthread_mutex_unlock(&r.lock);
		for (unsigned t = 0; t < started; t++) {
			pthread_join(threads[t], NULL);
			munmap(stacks[t], page_size() + READER_STACK);
		}
		/* Read, never applied: the map stopped early. */
		for (size_t i = r.applied; i < r.next; i++)
			p->drop(p->ctx, slot_of(&r, i));
	} else {
		ret = run_alone(p, r.slots);
	}
	if (want) {
		pthread_cond_destroy(&r.room);
		pthread_cond_destroy(&r.ready);
		pthread_mutex_destroy(&r.lock);
	}
	if (p->fini)
		for (size_t i = 0; i < (want ? RING : 1); i++)
			p->fini(r.slots + i * p->slot_size);
	free(r.slots);
	free(r.filled);
	return ret;
}
