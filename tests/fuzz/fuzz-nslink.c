/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsrel__procfs_parse_nslink(): accepts exactly "TYPE:[INODE]" for a namespace
 * type name of nsrel and a decimal inode in 1..UINT64_MAX, reads only the
 * len given, leaves its outputs alone on failure, and what it accepts
 * reads back the same once written out again.
 */
#include <errno.h>
#include <inttypes.h>

#include "fuzz.h"
#include "nsrel.h"
#include "procfs.h"

static int ref_parse(const char *s, size_t len, int *ret_type,
		     uint64_t *ret_ino)
{
	for (unsigned t = 0; t < NSREL_NSTYPE_COUNT; t++) {
		int type = nsrel_nstype_at(t);
		const char *name = nsrel_nstype_str(type);
		size_t n = strlen(name);
		if (len < n + 3 || memcmp(s, name, n) != 0 ||
		    memcmp(s + n, ":[", 2) != 0 || s[len - 1] != ']')
			continue;
		uint64_t ino;
		if (fuzz_ref_u64(s + n + 2, len - n - 3, &ino) < 0 || ino == 0)
			return -EINVAL;
		*ret_type = type;
		*ret_ino = ino;
		return 0;
	}
	return -EINVAL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_dup(data, size, 0);
	int type = -12345, rtype = 0;
	ino_t ino = (ino_t)77;
	uint64_t rino = 0;

	int r = nsrel__procfs_parse_nslink(s, size, &type, &ino);
	int rr = ref_parse(s, size, &rtype, &rino);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	FUZZ_CHECK(r == rr);
	FUZZ_CHECK(memcmp(s, data, size) == 0);
	if (r < 0) {
		FUZZ_CHECK(type == -12345 && ino == (ino_t)77);
	} else {
		FUZZ_CHECK(type == rtype && (uint64_t)ino == rino);
		FUZZ_CHECK(nsrel_nstype_str(type) != NULL);
		/* Written out the kernel's way, it reads back the same. */
		char again[64];
		int n = snprintf(again, sizeof(again), "%s:[%" PRIu64 "]",
				 nsrel_nstype_str(type), (uint64_t)ino);
		int type2;
		ino_t ino2;
		FUZZ_CHECK(nsrel__procfs_parse_nslink(again, (size_t)n, &type2,
						      &ino2) == 0);
		FUZZ_CHECK(type2 == type && ino2 == ino);
		/* A namespace is no socket. */
		FUZZ_CHECK(nsrel__procfs_parse_socket(s, size, &ino2) ==
			   -EINVAL);
	}
	free(s);
	return 0;
}
