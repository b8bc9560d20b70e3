/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * procfs_proc_name(): from /proc/PID/cmdline and the stat name, the name
 * shown for a process. It writes at most size-1 bytes and a NUL (nothing
 * when size is 0), returns the length written, reads only the lengths
 * given, and gives the basename of argv[0] without one leading '-', or
 * "[comm]" when argv[0] is empty (kernel threads, zombies).
 *
 * Input: byte 0 the output size (0..255); bytes 1-2 the cmdline's length,
 * big-endian (clamped to what there is; 0xffff passes a NULL cmdline);
 * then the cmdline, then the comm.
 */
#include "fuzz.h"
#include "procfs.h"

#define CANARY 0x5a

/* The whole name, unbounded, into out (big enough); its length. */
static size_t ref_name(const char *cmdline, size_t cmdline_len,
		       const char *comm, size_t comm_len, char *out)
{
	size_t argv0 = 0;
	while (cmdline && argv0 < cmdline_len && cmdline[argv0])
		argv0++;
	if (argv0 == 0) {
		out[0] = '[';
		memcpy(out + 1, comm, comm_len);
		out[comm_len + 1] = ']';
		return comm_len + 2;
	}
	/* The last component; a trailing '/' stays with the one before. */
	size_t start = 0;
	for (size_t i = 0; i + 1 < argv0; i++)
		if (cmdline[i] == '/')
			start = i + 1;
	if (argv0 - start > 1 && cmdline[start] == '-')
		start++;
	memcpy(out, cmdline + start, argv0 - start);
	return argv0 - start;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	size_t outsize = data[0];
	size_t want_cut = (size_t)data[1] << 8 | data[2];
	int null_cmdline = want_cut == 0xffff;
	data += 3;
	size -= 3;
	size_t cut = null_cmdline ? 0 : want_cut < size ? want_cut : size;
	char *cmdline = null_cmdline ? NULL : fuzz_dup(data, cut, 0);
	char *comm = fuzz_dup(data + cut, size - cut, 0);
	size_t comm_len = size - cut;

	char *ref = malloc(size + 2);
	char *out = malloc(outsize);
	if (!ref || (!out && outsize))
		abort();
	memset(out, CANARY, outsize);
	size_t rn = ref_name(cmdline, cut, comm, comm_len, ref);

	size_t n = procfs_proc_name(cmdline, cut, comm, comm_len, out, outsize);
	if (outsize == 0) {
		FUZZ_CHECK(n == 0);
	} else {
		size_t want = rn < outsize - 1 ? rn : outsize - 1;
		FUZZ_CHECK(n == want);
		FUZZ_CHECK(memcmp(out, ref, n) == 0);
		FUZZ_CHECK(out[n] == '\0');
		for (size_t i = n + 1; i < outsize; i++)
			FUZZ_CHECK((unsigned char)out[i] == CANARY);
	}
	if (cmdline)
		FUZZ_CHECK(memcmp(cmdline, data, cut) == 0);
	FUZZ_CHECK(memcmp(comm, data + cut, comm_len) == 0);

	free(out);
	free(ref);
	free(comm);
	free(cmdline);
	return 0;
}
