/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Linked against libnsrel.so, not the objects: the installed shared library
 * answers the relations API and a scan, and is the one that is loaded; and
 * what nsrel.h promises of every accessor and of NSREL_SCAN_OPTS().
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
	printf("1..8\n");
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

	/* NSREL_SCAN_OPTS() sets sz: the library takes it, and its types. */
	m = NULL;
	r = nsrel_scan(NSREL_SCAN_OPTS(.types = CLONE_NEWNET,
				       .sources = NSREL_SRC_PROCS),
		       &m);
	bool only_net = r == 0 && nsrel_model_ns_count(m) > 0;
	for (size_t i = 0; only_net && i < nsrel_model_ns_count(m); i++)
		only_net = nsrel_ns_type(nsrel_model_ns(m, i)) == CLONE_NEWNET;
	ok(only_net, "NSREL_SCAN_OPTS(.types = CLONE_NEWNET): net only");
	nsrel_model_free(m);

	/* Every accessor takes NULL and says "none". */
	uid_t uid = 0;
	const struct nsrel_idmap *map;
	size_t nmap;
	int netnsid;
	struct nsrel_id id = nsrel_ns_id(NULL);
	ok(!nsrel_ns_type(NULL) && !nsrel_ns_ino(NULL) && !id.ino &&
		   !nsrel_ns_parent(NULL) && !nsrel_ns_child_count(NULL) &&
		   !nsrel_ns_child(NULL, 0) && !nsrel_ns_owner(NULL) &&
		   !nsrel_ns_owned_count(NULL) && !nsrel_ns_owned(NULL, 0) &&
		   nsrel_ns_owner_uid(NULL, &uid) == -EINVAL &&
		   nsrel_ns_uid_map(NULL, &map, &nmap) == -EINVAL &&
		   nsrel_ns_gid_map(NULL, &map, &nmap) == -EINVAL &&
		   nsrel_ns_netnsid(NULL, &netnsid) == -EINVAL &&
		   !nsrel_ns_proc_count(NULL) && !nsrel_ns_proc(NULL, 0) &&
		   !nsrel_ns_leader(NULL) && !nsrel_ns_ref_count(NULL) &&
		   !nsrel_ns_ref(NULL, 0),
	   "nsrel_ns_*(NULL)");
	ok(!nsrel_ref_kind(NULL) && !nsrel_ref_proc(NULL) &&
		   !nsrel_ref_tid(NULL) && nsrel_ref_fd(NULL) == -1 &&
		   !nsrel_ref_path(NULL) && !nsrel_ref_mntns(NULL) &&
		   !nsrel_proc_pid(NULL) && !nsrel_proc_ppid(NULL) &&
		   !nsrel_proc_name(NULL) && !nsrel_proc_argc(NULL) &&
		   !nsrel_proc_arg(NULL, 0) &&
		   nsrel_proc_uid(NULL) == (uid_t)-1 &&
		   !nsrel_proc_starttime(NULL) &&
		   !nsrel_proc_ns(NULL, CLONE_NEWNET),
	   "nsrel_ref_*(NULL), nsrel_proc_*(NULL)");
	return failed ? 1 : 0;
}
