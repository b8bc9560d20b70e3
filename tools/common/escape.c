/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one text escaper: bytes from the system never reach a terminal raw. */
#include <stdint.h>
#include <string.h>

#include "common.h"

/* Length of the valid UTF-8 sequence at p (2..4), or 0 if it is invalid:
 * overlong forms, surrogates and code points past U+10FFFF included. */
size_t tc_utf8_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

static void put_hex(struct tc_buf *b, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 0xf]};

	tc_buf_putn(b, e, sizeof(e));
}

void tc_buf_escape(struct tc_buf *b, const char *raw)
{
	const unsigned char *p = (const unsigned char *)(raw ? raw : "");

	while (*p) {
		const unsigned char *run = p;

		/* Copy plain printable ASCII in one go. */
		while (*p >= 0x20 && *p < 0x7f && *p != '\\' && *p != '"')
			p++;
		if (p > run)
			tc_buf_putn(b, (const char *)run, (size_t)(p - run));
		if (!*p)
			break;

		unsigned char c = *p;
		size_t n;

		switch (c) {
		case '\\':
			tc_buf_puts(b, "\\\\");
			p++;
			continue;
		case '"':
			tc_buf_puts(b, "\\\"");
			p++;
			continue;
		case 0x1b:
			tc_buf_puts(b, "\\e");
			p++;
			continue;
		case '\n':
			tc_buf_puts(b, "\\n");
			p++;
			continue;
		case '\t':
			tc_buf_puts(b, "\\t");
			p++;
			continue;
		}
		if (c < 0x80) { /* the other C0 controls and DEL */
			put_hex(b, c);
			p++;
			continue;
		}
		n = tc_utf8_len((const char *)p);
		if (n == 0) {
			put_hex(b, c);
			p++;
		} else if (n == 2 && c == 0xc2 && p[1] < 0xa0) {
			/* C1 controls (U+0080..U+009F): CSI is one of them. */
			put_hex(b, p[0]);
			put_hex(b, p[1]);
			p += 2;
		} else {
			tc_buf_putn(b, (const char *)p, n);
			p += n;
		}
	}
}

char *tc_escape(const char *raw)
{
	struct tc_buf b = {0};

	tc_buf_escape(&b, raw);
	return tc_buf_steal(&b);
}
