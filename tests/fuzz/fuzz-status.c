/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsrel__procfs_status_nspid_levels(): the number of fields of the first line
 * of a /proc/PID/status text that starts "NSpid:", counted as a byte machine
 * would; reads only the len given; 0 without such a line.
 */
#include "fuzz.h"
#include "procfs.h"

static unsigned ref_levels(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t start = i;
		while (i < len && s[i] != '\n')
			i++;
		if (i - start >= 6 && !memcmp(s + start, "NSpid:", 6)) {
			unsigned fields = 0;
			int in = 0;
			for (size_t j = start + 6; j < i; j++) {
				int sep = s[j] == ' ' || s[j] == '\t';
				if (!sep && !in)
					fields++;
				in = !sep;
			}
			return fields;
		}
		i++; /* past the newline */
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_dup(data, size, 0);
	unsigned n = nsrel__procfs_status_nspid_levels(s, size);
	FUZZ_CHECK(n == ref_levels(data, size));
	FUZZ_CHECK(n <= size / 2 + 1);
	FUZZ_CHECK(memcmp(s, data, size) == 0);
	free(s);
	return 0;
}
