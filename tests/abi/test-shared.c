/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Linked against libnsrel.so, not the objects: the installed shared library
 * answers the relations API and a scan, and is the one that is loaded.
 */
#include <errno.h>
#include <link.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nsrel.h"

static int tests, failed;

static void ok(bool cond, const char *what)
{
	tests++;
	if (!cond)
		failed++;
	printf("%s %d - %s\n", cond ? "ok" : "not ok", tests, what);
}

static int find_so(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	if (strstr(info->dlpi_name, "/libnsrel.so"))
		*(bool *)data = true;
	return 0;
}

int main(void)
{
	printf("1..5\n");
	bool loaded = false;
	dl_iterate_phdr(find_so, &loaded);
	ok(loaded, "libnsrel.so is loaded");

	ok(nsrel_get_nstype_path("/proc/self/ns/net") == CLONE_NEWNET,
	   "nsrel_get_nstype_path of our net namespace");
	ok(nsrel_get_nstype_path("/proc/self/status") == -ENOTTY,
	   "a file that is no namespace is -ENOTTY");

	struct nsrel_model *m = NULL;
	int r = nsrel_scan(NULL, &m);
	ok(r == 0 && m, "nsrel_scan");
	const struct nsrel_proc *self =
		m ? nsrel_model_find_proc(m, getpid()) : NULL;
	ok(self && nsrel_proc_ns(self, CLONE_NEWUSER),
	   "the scan found us and our user namespace");
	nsrel_model_free(m);
	return failed ? 1 : 0;
}
