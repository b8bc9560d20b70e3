/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The program's name, its messages and exits, allocation that cannot fail. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

static const char *prog = "nsrel";

void tc_init(const char *name)
{
	if (name && *name)
		prog = name;
}

const char *tc_prog(void)
{
	return prog;
}

static void vwarn(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void tc_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void tc_die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(1);
}

void tc_die_oom(void)
{
	tc_die("out of memory");
}

void tc_usage_error(const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vwarn(fmt, ap);
		va_end(ap);
	}
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
	exit(2);
}

void *tc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		tc_die_oom();
	return p;
}

void *tc_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		tc_die_oom();
	return q;
}

char *tc_xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		tc_die_oom();
	return d;
}
