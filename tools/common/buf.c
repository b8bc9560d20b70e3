/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A growing string. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"

static void buf_reserve(struct tc_buf *b, size_t more)
{
	if (more > SIZE_MAX / 2 - b->len)
		tc_die_oom();
	if (b->len + more + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + more + 1)
		cap *= 2;
	b->s = tc_xrealloc(b->s, cap);
	b->cap = cap;
}

void tc_buf_putn(struct tc_buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void tc_buf_puts(struct tc_buf *b, const char *s)
{
	tc_buf_putn(b, s, strlen(s));
}

void tc_buf_putc(struct tc_buf *b, char c)
{
	tc_buf_putn(b, &c, 1);
}

void tc_buf_printf(struct tc_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	/* Most pieces are short: one pass into a stack buffer. */
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		tc_die_oom();
	if ((size_t)n < sizeof(small)) {
		tc_buf_putn(b, small, (size_t)n);
		return;
	}
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void tc_buf_truncate(struct tc_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->s[len] = '\0';
	}
}

const char *tc_buf_str(const struct tc_buf *b)
{
	return b->s ? b->s : "";
}

char *tc_buf_steal(struct tc_buf *b)
{
	char *s = b->s ? b->s : tc_xstrdup("");

	*b = (struct tc_buf){0};
	return s;
}

void tc_buf_free(struct tc_buf *b)
{
	free(b->s);
	*b = (struct tc_buf){0};
}
