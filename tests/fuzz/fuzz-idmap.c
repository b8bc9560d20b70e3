/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsrel__procfs_parse_idmap(): accepts exactly lines of three space
 * separated decimal numbers below 2^32 (spaces before and after allowed),
 * each line ending in '\n', a count above 0, at most max lines; gives
 * what a reference parser reads; reads only the len given and leaves
 * *ret_n alone on failure.
 */
#include <errno.h>

#include "fuzz.h"
#include "procfs.h"

#define MAX 8

/* The reference: split into lines, then into words by spaces. */
static int ref_parse(const char *s, size_t len, struct nsrel_idmap *ret,
		     size_t *ret_n)
{
	size_t n = 0, at = 0;
	while (at < len) {
		const char *nl = memchr(s + at, '\n', len - at);
		if (!nl || n == MAX)
			return -EINVAL;
		size_t end = (size_t)(nl - s);
		uint64_t v[3];
		int words = 0;
		for (size_t i = at; i < end;) {
			if (s[i] == ' ') {
				i++;
				continue;
			}
			size_t j = i;
			while (j < end && s[j] != ' ')
				j++;
			if (words == 3 ||
			    fuzz_ref_u64(s + i, j - i, &v[words]) < 0 ||
			    v[words] > UINT32_MAX)
				return -EINVAL;
			words++;
			i = j;
		}
		if (words != 3 || !v[2])
			return -EINVAL;
		ret[n++] = (struct nsrel_idmap){(uint32_t)v[0], (uint32_t)v[1],
						(uint32_t)v[2]};
		at = end + 1;
	}
	*ret_n = n;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_dup(data, size, 0);
	struct nsrel_idmap map[MAX], rmap[MAX];
	size_t n = 77, rn = 0;

	int r = nsrel__procfs_parse_idmap(s, size, map, MAX, &n);
	int rr = ref_parse(s, size, rmap, &rn);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	FUZZ_CHECK(r == rr);
	FUZZ_CHECK(memcmp(s, data, size) == 0);
	if (r < 0) {
		FUZZ_CHECK(n == 77);
	} else {
		FUZZ_CHECK(n == rn);
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(map[i].inside == rmap[i].inside &&
				   map[i].outside == rmap[i].outside &&
				   map[i].count == rmap[i].count);
	}
	free(s);
	return 0;
}
