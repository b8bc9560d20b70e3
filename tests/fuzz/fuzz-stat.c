/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsrel__procfs_parse_stat(): on any bytes, reads only the len given, fails
 * cleanly (-EINVAL, output untouched) or returns what a reference reading
 * of proc(5) returns. And whatever the process name, even with spaces,
 * parentheses, newlines or NULs, a well-formed line gives it back whole.
 */
#include <errno.h>
#include <inttypes.h>

#include "fuzz.h"
#include "procfs.h"

/* The reference: the name runs from the first '(' to the last ')', then
 * fields 3.. separated by single spaces; a number field is its leading
 * digits (what follows them in the field is ignored). */
static int ref_number(const char *s, size_t n, int sign, uint64_t *ret,
		      int *neg)
{
	size_t i = 0;
	*neg = 0;
	if (sign && n > 0 && s[0] == '-') {
		*neg = 1;
		i = 1;
	}
	size_t j = i;
	while (j < n && s[j] >= '0' && s[j] <= '9')
		j++;
	return fuzz_ref_u64(s + i, j - i, ret);
}

static int ref_parse(const char *buf, size_t len, struct procfs_stat *ret)
{
	const char *open = memchr(buf, '(', len);
	const char *close = NULL;
	for (size_t i = len; i > 0; i--)
		if (buf[i - 1] == ')') {
			close = buf + i - 1;
			break;
		}
	if (!open || !close || close < open)
		return -EINVAL;
	size_t at = (size_t)(close - buf) + 1;
	if (at >= len || buf[at] != ' ')
		return -EINVAL;
	at++;
	/* Fields 3..22 of proc(5) as [start, length). */
	size_t fs[20], fl[20];
	int nf = 0;
	while (nf < 20) {
		size_t e = at;
		while (e < len && buf[e] != ' ')
			e++;
		fs[nf] = at;
		fl[nf] = e - at;
		nf++;
		if (e >= len)
			break;
		at = e + 1;
	}
	if (nf < 20)
		return -EINVAL;
	/* Every field before 22 ends in a space: the loop above found one
	 * after each of them, or it would have stopped short of 20. */
	uint64_t ppid, flags, nthreads, start;
	int neg_ppid, neg_threads, neg;
	if (ref_number(buf + fs[1], fl[1], 1, &ppid, &neg_ppid) < 0 ||
	    ref_number(buf + fs[6], fl[6], 0, &flags, &neg) < 0 ||
	    ref_number(buf + fs[17], fl[17], 1, &nthreads, &neg_threads) < 0 ||
	    ref_number(buf + fs[19], fl[19], 0, &start, &neg) < 0)
		return -EINVAL;
	if (ppid > INT64_MAX || nthreads > INT64_MAX)
		return -EINVAL;
	if ((neg_ppid && ppid != 0) || ppid > INT32_MAX)
		return -EINVAL;
	ret->ppid = (pid_t)ppid;
	ret->flags = flags;
	ret->num_threads = neg_threads ? -(long)nthreads : (long)nthreads;
	ret->starttime = start;
	ret->comm = open + 1;
	ret->comm_len = (size_t)(close - open - 1);
	return 0;
}

static void check_raw(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size, 0);
	struct procfs_stat st, untouched, ref = {0};
	memset(&st, 0xa5, sizeof(st));
	untouched = st;

	int r = nsrel__procfs_parse_stat(buf, size, &st);
	int rr = ref_parse(buf, size, &ref);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	FUZZ_CHECK(r == rr);
	FUZZ_CHECK(memcmp(buf, data, size) == 0); /* input is const */
	if (r < 0) {
		FUZZ_CHECK(memcmp(&st, &untouched, sizeof(st)) == 0);
	} else {
		/* The name lies inside the input, between its parentheses. */
		FUZZ_CHECK(st.comm > buf && st.comm <= buf + size);
		FUZZ_CHECK(st.comm_len < size);
		FUZZ_CHECK(st.comm + st.comm_len < buf + size);
		FUZZ_CHECK(st.comm[-1] == '(' && st.comm[st.comm_len] == ')');
		FUZZ_CHECK(st.comm == ref.comm && st.comm_len == ref.comm_len);
		FUZZ_CHECK(st.ppid == ref.ppid && st.ppid >= 0);
		FUZZ_CHECK(st.flags == ref.flags);
		FUZZ_CHECK(st.num_threads == ref.num_threads);
		FUZZ_CHECK(st.starttime == ref.starttime);
	}
	free(buf);
}

/* A line as the kernel writes it, around a name made of the input. */
static void check_built(const uint8_t *data, size_t size)
{
	size_t clen = size > 256 ? 256 : size;
	uint64_t seed = 0;
	for (size_t i = 0; i < size; i++)
		seed = seed * 131 + data[i];
	pid_t ppid = (pid_t)(seed % ((uint64_t)INT32_MAX + 1));
	long nthreads = (long)(seed % 100000) + 1;
	unsigned flags = (unsigned)(seed >> 11);
	uint64_t start = seed * 2654435761u;

	char head[32], tail[512];
	int hn = snprintf(head, sizeof(head), "%d (", 4242);
	int tn = snprintf(tail, sizeof(tail),
			  ") S %d 4242 4242 0 -1 %u 97 0 0 0 1 2 0 0 20 "
			  "0 %ld 0 %" PRIu64 " 9310208 720 "
			  "18446744073709551615 1 1 0 0 0 0 0 4 0 0 0 0 0 0 "
			  "0 0 0 0 0 0 0 0\n",
			  (int)ppid, flags, nthreads, start);
	size_t len = (size_t)hn + clen + (size_t)tn;
	char *buf = malloc(len);
	if (!buf)
		abort();
	memcpy(buf, head, (size_t)hn);
	memcpy(buf + hn, data, clen);
	memcpy(buf + (size_t)hn + clen, tail, (size_t)tn);

	struct procfs_stat st;
	FUZZ_CHECK(nsrel__procfs_parse_stat(buf, len, &st) == 0);
	FUZZ_CHECK(st.comm == buf + hn && st.comm_len == clen);
	FUZZ_CHECK(st.ppid == ppid && st.num_threads == nthreads);
	FUZZ_CHECK(st.flags == flags);
	FUZZ_CHECK(st.starttime == start);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_raw(data, size);
	check_built(data, size);
	return 0;
}
