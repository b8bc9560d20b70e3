/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsrel__procfs_parse_proc_opts() on what the view reads: the input is one
 * mountinfo line. Its super options (as nsrel__procfs_parse_mountinfo_line()
 * finds them, and the whole input as one options string too) give exactly
 * what a separate reading of the comma-separated options gives: the last
 * known hidepid= value (off without one), the last gid= (-1 when it is no
 * number up to INT32_MAX), and whether subset=pid is one of them.
 */
#include "fuzz.h"
#include "procfs.h"

static void ref_opts(const char *s, struct procfs_proc_opts *ret)
{
	static const char *const names[] = {
		[NSREL_HIDEPID_OFF] = "off",
		[NSREL_HIDEPID_NOACCESS] = "noaccess",
		[NSREL_HIDEPID_INVISIBLE] = "invisible",
		[NSREL_HIDEPID_PTRACEABLE] = "ptraceable",
	};
	static const char digits[] = {
		[NSREL_HIDEPID_OFF] = '0',
		[NSREL_HIDEPID_NOACCESS] = '1',
		[NSREL_HIDEPID_INVISIBLE] = '2',
		[NSREL_HIDEPID_PTRACEABLE] = '4',
	};
	*ret = (struct procfs_proc_opts){.hidepid = NSREL_HIDEPID_OFF,
					 .gid = -1};
	size_t len = strlen(s);
	for (size_t i = 0; i <= len;) {
		size_t e = i;
		while (e < len && s[e] != ',')
			e++;
		const char *o = s + i;
		size_t n = e - i;
		if (n > 8 && !strncmp(o, "hidepid=", 8)) {
			for (int h = NSREL_HIDEPID_OFF;
			     h <= NSREL_HIDEPID_PTRACEABLE; h++)
				if ((n - 8 == strlen(names[h]) &&
				     !memcmp(o + 8, names[h], n - 8)) ||
				    (n == 9 && o[8] == digits[h]))
					ret->hidepid = (enum nsrel_hidepid)h;
		} else if (n > 4 && !strncmp(o, "gid=", 4)) {
			uint64_t v;
			ret->gid = fuzz_ref_u64(o + 4, n - 4, &v) == 0 &&
						   v <= INT32_MAX
					   ? (long)v
					   : -1;
		} else if (n == 10 && !memcmp(o, "subset=pid", 10)) {
			ret->subset_pid = true;
		}
		i = e + 1;
	}
}

static void check_opts(const char *super)
{
	struct procfs_proc_opts got, want;
	memset(&got, 0xa5, sizeof(got));
	nsrel__procfs_parse_proc_opts(super, &got);
	ref_opts(super, &want);
	FUZZ_CHECK(got.hidepid == want.hidepid);
	FUZZ_CHECK(got.gid == want.gid);
	FUZZ_CHECK(got.subset_pid == want.subset_pid);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_dup(data, size, 1);
	char *orig = fuzz_dup(data, size, 1);
	struct procfs_mount m;

	check_opts(orig);
	if (nsrel__procfs_parse_mountinfo_line(line, &m) == 0 && m.super)
		check_opts(m.super);
	free(orig);
	free(line);
	return 0;
}
