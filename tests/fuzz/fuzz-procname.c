/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsrel__procfs_proc_name(): from the stat name, the kernel-thread flag and
 * /proc/PID/cmdline, the name shown for a process. It writes at most
 * size-1 bytes and a NUL (nothing when size is 0), returns the length
 * written, reads only the lengths given, and gives "[comm]" for a kernel
 * thread, else comm, or where comm is 15 bytes the basename of argv[0]
 * (without one leading '-') if that is longer and starts with comm.
 *
 * Input: byte 0 the output size (0..255); bytes 1-2 big-endian, bit 15
 * the kernel-thread flag, bits 0-14 the cmdline's length (clamped to what
 * there is; 0x7fff passes a NULL cmdline); then the cmdline, then the comm.
 */
#include "fuzz.h"
#include "procfs.h"

#define CANARY 0x5a

/* The whole name, unbounded, into out (big enough); its length. The
 * command line as words: argv[0] is the first, unless every later word is
 * empty (one string, rewritten), then its text up to the first space. */
static size_t ref_name(const char *cmdline, size_t cmdline_len,
		       const char *comm, size_t comm_len, int kthread,
		       char *out)
{
	if (kthread) {
		out[0] = '[';
		memcpy(out + 1, comm, comm_len);
		out[comm_len + 1] = ']';
		return comm_len + 2;
	}
	memcpy(out, comm, comm_len);
	if (!cmdline || comm_len != 15)
		return comm_len;
	size_t argv0 = 0;
	while (argv0 < cmdline_len && cmdline[argv0])
		argv0++;
	int one_string = 1;
	for (size_t i = argv0; i < cmdline_len; i++)
		if (cmdline[i])
			one_string = 0;
	if (one_string)
		for (size_t i = 0; i < argv0; i++)
			if (cmdline[i] == ' ') {
				argv0 = i;
				break;
			}
	/* The last component; a trailing '/' stays with the one before. */
	size_t start = 0;
	for (size_t i = 0; i + 1 < argv0; i++)
		if (cmdline[i] == '/')
			start = i + 1;
	if (argv0 - start > 1 && cmdline[start] == '-')
		start++;
	size_t blen = argv0 - start;
	if (blen <= comm_len || memcmp(cmdline + start, comm, comm_len))
		return comm_len;
	memcpy(out, cmdline + start, blen);
	return blen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	size_t outsize = data[0];
	int kthread = data[1] >> 7;
	size_t want_cut = (size_t)(data[1] & 0x7f) << 8 | data[2];
	int null_cmdline = want_cut == 0x7fff;
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
	size_t rn = ref_name(cmdline, cut, comm, comm_len, kthread, ref);

	size_t n = nsrel__procfs_proc_name(cmdline, cut, comm, comm_len,
					   kthread, out, outsize);
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
