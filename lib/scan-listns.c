/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * listns(2) (6.19): every namespace the kernel lets us see, by id; those
 * no other source found are opened by an nsfs file handle. Before 6.19 it
 * is ENOSYS and this source adds nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "scan.h"
#include "uapi.h"
#include "util.h"

static bool known_id(const struct nsrel_model *m, uint64_t id)
{
	for (size_t i = 0; i < m->ns_n; i++)
		if (m->ns[i].nsid == id)
			return true;
	return false;
}

int nsrel__scan_listns(struct scan *s)
{
	struct nsrel_ns_id_req req = {.size = sizeof(req)};
	uint64_t ids[256];
	for (;;) {
		long n = syscall(__NR_listns, &req, ids, ELEMENTSOF(ids), 0);
		if (n <= 0)
			return 0; /* ENOSYS before 6.19; the rest: nothing */
		for (long i = 0; i < n; i++) {
			if (known_id(s->m, ids[i]))
				continue;
			union {
				struct file_handle fh;
				char buf[sizeof(struct file_handle) +
					 sizeof(struct nsrel_nsfs_file_handle)];
			} u;
			memset(&u, 0, sizeof(u));
			u.fh.handle_bytes =
				sizeof(struct nsrel_nsfs_file_handle);
			u.fh.handle_type = NSREL_FILEID_NSFS;
			struct nsrel_nsfs_file_handle nh = {.ns_id = ids[i]};
			memcpy(u.fh.f_handle, &nh, sizeof(nh));
			_cleanup_close_ int fd =
				open_by_handle_at(NSREL_FD_NSFS_ROOT, &u.fh,
						  O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			uint32_t idx;
			int r = nsrel__scan_ns_from_fd(s, fd, 0, &idx);
			if (r < 0)
				return r;
		}
		if ((size_t)n < ELEMENTSOF(ids))
			return 0;
		req.ns_id = ids[n - 1];
	}
}
