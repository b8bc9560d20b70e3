/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsrel__procfs_parse_socket(): accepts exactly "socket:[INODE]" with a decimal
 * inode that fits 64 bits and is not 0, reads only the len given, leaves its
 * output alone on failure; a socket is never taken for a namespace.
 */
#include <errno.h>
#include <inttypes.h>

#include "fuzz.h"
#include "procfs.h"

static int ref_parse(const char *s, size_t len, uint64_t *ret_ino)
{
	static const char prefix[] = "socket:[";
	const size_t plen = sizeof(prefix) - 1;
	if (len < plen + 1 || memcmp(s, prefix, plen) != 0 || s[len - 1] != ']')
		return -EINVAL;
	if (fuzz_ref_u64(s + plen, len - plen - 1, ret_ino) < 0)
		return -EINVAL;
	return *ret_ino ? 0 : -EINVAL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_dup(data, size, 0);
	ino_t ino = (ino_t)77;
	uint64_t rino = 0;

	int r = nsrel__procfs_parse_socket(s, size, &ino);
	int rr = ref_parse(s, size, &rino);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	FUZZ_CHECK(r == rr);
	FUZZ_CHECK(memcmp(s, data, size) == 0);
	if (r < 0) {
		FUZZ_CHECK(ino == (ino_t)77);
	} else {
		FUZZ_CHECK((uint64_t)ino == rino);
		char again[64];
		int n = snprintf(again, sizeof(again), "socket:[%" PRIu64 "]",
				 (uint64_t)ino);
		ino_t ino2;
		int type;
		FUZZ_CHECK(nsrel__procfs_parse_socket(again, (size_t)n,
						      &ino2) == 0);
		FUZZ_CHECK(ino2 == ino);
		FUZZ_CHECK(nsrel__procfs_parse_nslink(s, size, &type, &ino2) ==
			   -EINVAL);
	}
	free(s);
	return 0;
}
