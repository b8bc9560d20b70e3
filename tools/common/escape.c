/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one text escaper: bytes from the system never reach a terminal raw. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "unicode-unsafe.h"

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

/*
 * Whether code point cp may not reach a terminal raw: controls, format
 * characters (bidi controls, zero-width characters), line and paragraph
 * separators, surrogates, unassigned code points and noncharacters, and
 * what Unicode draws as nothing (Default_Ignorable_Code_Point). Decided by
 * the Unicode Character Database that Debian's unicode-data package
 * installs (Unicode TC_UNICODE_VERSION, 15.0.0 on Debian 12), which
 * scripts/gen-unicode-table turns into the sorted ranges of
 * unicode-unsafe.h at build time.
 */
const char tc_unicode_version[] = TC_UNICODE_VERSION;

bool tc_cp_unsafe(uint32_t cp)
{
	size_t lo = 0,
	       hi = sizeof(tc_unsafe_ranges) / sizeof(tc_unsafe_ranges[0]);

	/* Printable ASCII and Latin-1 are the common case. */
	if (cp < 0x7f)
		return cp < 0x20;
	if (cp > 0x9f && cp < 0xad)
		return false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < tc_unsafe_ranges[mid].lo)
			hi = mid;
		else if (cp > tc_unsafe_ranges[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

size_t tc_utf8_decode(const char *s, uint32_t *ret_cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = tc_utf8_len(s);
	uint32_t cp;

	if (n == 0)
		return 0;
	cp = p[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++)
		cp = cp << 6 | (p[i] & 0x3f);
	*ret_cp = cp;
	return n;
}

static void put_hex(struct tc_buf *b, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 0xf]};

	tc_buf_putn(b, e, sizeof(e));
}

/* \uXXXX, or \UXXXXXXXX past the Basic Multilingual Plane. */
static void put_cp(struct tc_buf *b, uint32_t cp)
{
	if (cp > 0xffff)
		tc_buf_printf(b, "\\U%08x", (unsigned)cp);
	else
		tc_buf_printf(b, "\\u%04x", (unsigned)cp);
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
		uint32_t cp;
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
		n = tc_utf8_decode((const char *)p, &cp);
		if (n == 0) {
			put_hex(b, c);
			p++;
		} else if (tc_cp_unsafe(cp)) {
			put_cp(b, cp);
			p += n;
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
