/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A cmocka skip that says why: the reason on a TAP comment line, then
 * skip() (tests/tap-wrap makes cmocka's "not ok # SKIP" a TAP skip).
 * Header-only, so that fixture.h stays independent of cmocka.
 */
#ifndef NSREL_TEST_SKIP_H
#define NSREL_TEST_SKIP_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

__attribute__((format(printf, 1, 2))) static inline void
skip_because(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("# SKIP reason: ");
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	va_end(ap);
	skip();
}

#endif /* NSREL_TEST_SKIP_H */
