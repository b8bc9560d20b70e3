/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Layer 1 of tools/common: a growing string, which every output is built
 * in. Uses err.h (it dies when out of memory).
 */
#ifndef NSREL_TOOLS_BUF_H
#define NSREL_TOOLS_BUF_H

#include <stddef.h>

struct tc_buf {
	char *s; /* NUL-terminated, NULL while empty */
	size_t len, cap;
};

void tc_buf_putn(struct tc_buf *b, const char *s, size_t n);
void tc_buf_puts(struct tc_buf *b, const char *s);
void tc_buf_putc(struct tc_buf *b, char c);
void tc_buf_printf(struct tc_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tc_buf_truncate(struct tc_buf *b, size_t len);
/* The string ("" if empty); stays owned by the buffer. */
const char *tc_buf_str(const struct tc_buf *b);
/* The string, which the caller owns from then on; the buffer is empty
 * again. */
char *tc_buf_steal(struct tc_buf *b);
void tc_buf_free(struct tc_buf *b);

#endif /* NSREL_TOOLS_BUF_H */
