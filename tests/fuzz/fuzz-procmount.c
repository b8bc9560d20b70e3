/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tc_mountinfo_proc_opts(): first input byte is the device minor (major
 * 0), the rest one mountinfo line. Reads only the len given; output
 * untouched unless the line is a procfs at /proc of that device (as a
 * separate tokenizer reads it); what it reports is a known hidepid value,
 * a gid >= -1, and appears in the line.
 */
#include "common.h"
#include "fuzz.h"

static int contains(const uint8_t *s, size_t n, const char *w)
{
	size_t k = strlen(w);
	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(s + i, w, k))
			return 1;
	return 0;
}

/* The reference's reading: space-separated tokens of the first line;
 * the fifth is "/proc" and, after the sixth, a lone "-" is followed by
 * "proc" and a source. */
static int ref_is_proc(const uint8_t *s, size_t n)
{
	const uint8_t *nl = memchr(s, '\n', n);
	if (nl)
		n = (size_t)(nl - s);
	static size_t start[1 << 16], len[1 << 16];
	size_t k = 0;
	for (size_t i = 0; i < n && k < (1 << 16);) {
		while (i < n && s[i] == ' ')
			i++;
		if (i == n)
			break;
		start[k] = i;
		while (i < n && s[i] != ' ')
			i++;
		len[k] = i - start[k];
		k++;
	}
#define TOK(j, w) (len[j] == strlen(w) && !memcmp(s + start[j], w, len[j]))
	if (k < 6 || !TOK(4, "/proc"))
		return 0;
	for (size_t j = 6; j < k; j++)
		if (TOK(j, "-"))
			return j + 2 < k && TOK(j + 1, "proc");
	return 0;
#undef TOK
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned min = data[0];
	const uint8_t *line = data + 1;
	size_t len = size - 1;
	char *s = fuzz_dup(line, len, 0);
	struct tc_proc_opts o = {.hidepid = (enum tc_hidepid)77,
				 .gid = 77,
				 .subset_pid = false};
	bool is = tc_mountinfo_proc_opts(s, len, 0, min, &o);
	FUZZ_CHECK(memcmp(s, line, len) == 0);
	if (!is) {
		FUZZ_CHECK(o.hidepid == (enum tc_hidepid)77 && o.gid == 77 &&
			   !o.subset_pid);
	} else {
		FUZZ_CHECK(ref_is_proc(line, len));
		FUZZ_CHECK(o.hidepid == TC_HIDEPID_OFF ||
			   o.hidepid == TC_HIDEPID_NOACCESS ||
			   o.hidepid == TC_HIDEPID_INVISIBLE ||
			   o.hidepid == TC_HIDEPID_PTRACEABLE);
		FUZZ_CHECK(o.hidepid == TC_HIDEPID_OFF ||
			   contains(line, len, "hidepid="));
		FUZZ_CHECK(o.gid == -1 || (o.gid >= 0 &&
					   contains(line, len, "gid=")));
		FUZZ_CHECK(!o.subset_pid || contains(line, len, "subset=pid"));
	}
	free(s);
	return 0;
}
