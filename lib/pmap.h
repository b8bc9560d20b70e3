/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An ordered parallel map: items 0..n-1 are read by reader threads into
 * the slots of a ring, and applied, in order, by the calling thread. What
 * a scan reads per process is system calls that do not depend on one
 * another (reading), and what it makes of them is one model that is not
 * to be shared (applying): the first scale with the cores, the second is
 * a small part of the time.
 */
#ifndef NSREL_PMAP_H
#define NSREL_PMAP_H

#include <stddef.h>

struct pmap {
	size_t n;	  /* items */
	size_t slot_size; /* bytes; slots start zeroed */
	/* Threads that read besides the caller, who reads too where the
	 * next item to apply is not read yet; 0: the caller reads each item
	 * and applies it, in turn. Where a thread cannot be had, fewer
	 * read, or none. */
	unsigned readers;
	void *ctx;
	/* Item i into slot: in any thread, at the same time as other reads
	 * and as apply(), so it may change nothing but the slot (ctx is
	 * to be read only). It cannot fail: what went wrong is for the
	 * slot to say, and for apply() to act on. */
	void (*read)(const void *ctx, size_t i, void *slot);
	/* Item i, in the calling thread, after items 0..i-1: 0 goes on, a
	 * negative errno stops the map with it. */
	int (*apply)(void *ctx, size_t i, void *slot);
	/* Lets go of what read() holds (fds): after each apply(), and for
	 * every item read but not applied once the map stops. */
	void (*drop)(void *ctx, void *slot);
	/* Frees a slot's own memory (buffers read() grows and keeps from one
	 * item to the next) at the end; NULL if it has none. */
	void (*fini)(void *slot);
};

/* 0 once every item is applied, else what apply() stopped with, or
 * -ENOMEM. */
int nsrel__pmap_run(const struct pmap *p);

#endif
