/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the fuzz targets share. Each target is built twice: with libFuzzer
 * (clang, -Dfuzz=true) and, in every other build, with replay.c, which runs
 * the committed corpus through it as a regression test.
 */
#ifndef NSREL_FUZZ_H
#define NSREL_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Not assert(): it must hold in every build type, and say what broke. */
#define FUZZ_CHECK(cond)                                      \
	do {                                                  \
		if (!(cond))                                  \
			fuzz_fail(__FILE__, __LINE__, #cond); \
	} while (0)

static inline _Noreturn void fuzz_fail(const char *file, int line,
				       const char *what)
{
	fprintf(stderr, "%s:%d: broken promise: %s\n", file, line, what);
	abort();
}

/* Exactly n bytes on the heap, so that AddressSanitizer sees any read or
 * write past them; plus a NUL at [n] when nul is set. */
__attribute__((noinline, unused)) static char *fuzz_dup(const void *data,
							size_t n, int nul)
{
	/* malloc(0) is a unique pointer in glibc and ASan: a zero-length
	 * input is still checked for reads. */
	char *p = malloc(n + (nul ? 1 : 0));
	if (!p)
		abort();
	if (n)
		memcpy(p, data, n);
	if (nul)
		p[n] = '\0';
	return p;
}

/* Digits only, no sign, no overflow: the reference for the parsers'
 * numbers. 0 on success. */
static inline int fuzz_ref_u64(const char *s, size_t n, uint64_t *ret)
{
	uint64_t v = 0;
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

#endif /* NSREL_FUZZ_H */
