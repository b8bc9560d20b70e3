/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The tools' text escaper (tools/common/escape.c), as escape.h documents
 * it: the output holds no control byte (C0, DEL), no raw double quote, no
 * invalid UTF-8 and no code point of the unsafe classes; a backslash only
 * starts \\ \" \e \n \t, \xNN (an ASCII control or a byte of invalid
 * UTF-8), \uXXXX or \UXXXXXXXX (an unsafe code point, the short form
 * wherever it fits); everything else passes as it is; and the output
 * decodes back to exactly the input. tc_buf_escape() appends, reading only
 * up to the NUL.
 *
 * Which code points are unsafe is asked of ICU (General_Category Cc, Cf,
 * Zl, Zp, Cs, Cn, or Default_Ignorable_Code_Point), not of the escaper's
 * table, and the whole table is held against ICU once per run.
 */
#include <unicode/uchar.h>
#include <unicode/uversion.h>

#include "buf.h"
#include "escape.h"
#include "fuzz.h"

static UVersionInfo table_version;

/* ICU's answer; what ICU knows but the table's Unicode did not yet have
 * is unassigned there, so unsafe. */
static bool ref_unsafe(uint32_t cp)
{
	UChar32 c = (UChar32)cp;
	UVersionInfo age;

	switch (u_charType(c)) {
	case U_UNASSIGNED:
	case U_CONTROL_CHAR:
	case U_FORMAT_CHAR:
	case U_LINE_SEPARATOR:
	case U_PARAGRAPH_SEPARATOR:
	case U_SURROGATE:
		return true;
	default:
		break;
	}
	if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
		return true;
	u_charAge(c, age);
	return memcmp(age, table_version, sizeof(age)) > 0;
}

static void check_table_once(void)
{
	static bool done;
	UVersionInfo icu;

	if (done)
		return;
	done = true;
	u_versionFromString(table_version, tc_unicode_version);
	u_getUnicodeVersion(icu);
	if (memcmp(icu, table_version, sizeof(icu)) < 0) {
		fprintf(stderr,
			"ICU's Unicode is older than the table's (%s)\n",
			tc_unicode_version);
		abort();
	}
	for (uint32_t cp = 0; cp <= 0x10ffff; cp++)
		if (tc_cp_unsafe(cp) != ref_unsafe(cp)) {
			fprintf(stderr, "U+%04X: table says %d, ICU %d\n",
				(unsigned)cp, tc_cp_unsafe(cp), ref_unsafe(cp));
			abort();
		}
}

/* Length of a valid UTF-8 sequence of 2..4 bytes at p (up to end), its code
 * point in *cp; 0 if there is none. From RFC 3629, not from escape.c. */
static size_t ref_utf8(const unsigned char *p, const unsigned char *end,
		       uint32_t *cp)
{
	size_t n;
	uint32_t c;
	if (p[0] >= 0xc0 && p[0] < 0xe0) {
		n = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] < 0xf0) {
		n = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] < 0xf8) {
		n = 4;
		c = p[0] & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes the escaped text esc into dec, checking each piece on the way
 * against raw (the input), which it must reproduce. */
static void check_escaped(const char *esc, size_t elen, const char *raw,
			  size_t rlen)
{
	const unsigned char *e = (const unsigned char *)esc;
	const unsigned char *r = (const unsigned char *)raw;
	const unsigned char *rend = r + rlen;
	size_t i = 0, j = 0;
	uint32_t cp, cp2;

	while (i < elen) {
		unsigned char c = e[i];
		FUZZ_CHECK(c >= 0x20 && c != 0x7f && c != '"');
		if (c == '\\') {
			FUZZ_CHECK(i + 1 < elen);
			unsigned char want;
			switch (e[i + 1]) {
			case '\\':
				want = '\\';
				break;
			case '"':
				want = '"';
				break;
			case 'e':
				want = 0x1b;
				break;
			case 'n':
				want = '\n';
				break;
			case 't':
				want = '\t';
				break;
			case 'x': {
				FUZZ_CHECK(i + 3 < elen);
				int hi = hexval(e[i + 2]),
				    lo = hexval(e[i + 3]);
				FUZZ_CHECK(hi >= 0 && lo >= 0);
				want = (unsigned char)(hi << 4 | lo);
				/* Only what may not pass, and what has no
				 * name of its own. */
				FUZZ_CHECK(want != '\\' && want != '"' &&
					   want != 0x1b && want != '\n' &&
					   want != '\t');
				FUZZ_CHECK(want < 0x20 || want >= 0x7f);
				FUZZ_CHECK(j < rlen && r[j] == want);
				/* Bytes >= 0x80 only where UTF-8 is invalid. */
				if (want >= 0x80)
					FUZZ_CHECK(ref_utf8(r + j, rend, &cp) ==
						   0);
				i += 2;
				break;
			}
			case 'u':
			case 'U': {
				size_t nd = e[i + 1] == 'u' ? 4 : 8, n;

				FUZZ_CHECK(i + 1 + nd < elen);
				cp = 0;
				for (size_t k = 0; k < nd; k++) {
					int v = hexval(e[i + 2 + k]);
					FUZZ_CHECK(v >= 0);
					cp = cp << 4 | (uint32_t)v;
				}
				FUZZ_CHECK(nd == 4 || cp > 0xffff);
				FUZZ_CHECK(cp >= 0x80 && ref_unsafe(cp));
				n = ref_utf8(r + j, rend, &cp2);
				FUZZ_CHECK(n > 0 && cp2 == cp);
				i += 2 + nd;
				j += n;
				continue;
			}
			default:
				fuzz_fail(__FILE__, __LINE__,
					  "unknown backslash sequence");
			}
			FUZZ_CHECK(j < rlen && r[j] == want);
			i += 2;
			j++;
		} else if (c < 0x80) {
			FUZZ_CHECK(j < rlen && r[j] == c);
			i++;
			j++;
		} else {
			/* Raw non-ASCII: whole valid UTF-8, nothing unsafe. */
			size_t n = ref_utf8(e + i, e + elen, &cp);
			FUZZ_CHECK(n > 0 && !ref_unsafe(cp));
			FUZZ_CHECK(j + n <= rlen &&
				   memcmp(r + j, e + i, n) == 0);
			i += n;
			j += n;
		}
	}
	FUZZ_CHECK(j == rlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *raw = fuzz_dup(data, size, 1);
	size_t rlen = strlen(raw);

	check_table_once();

	char *esc = tc_escape(raw);
	FUZZ_CHECK(esc != NULL);
	check_escaped(esc, strlen(esc), raw, rlen);

	/* Appending keeps what the buffer held. */
	struct tc_buf b = {0};
	tc_buf_puts(&b, "x\\");
	tc_buf_escape(&b, raw);
	FUZZ_CHECK(b.len == 2 + strlen(esc));
	FUZZ_CHECK(memcmp(b.s, "x\\", 2) == 0 && strcmp(b.s + 2, esc) == 0);
	tc_buf_free(&b);

	/* tc_utf8_len() agrees with RFC 3629 wherever it starts. */
	const unsigned char *u = (const unsigned char *)raw;
	for (size_t i = 0; i < rlen; i++) {
		uint32_t cp;
		uint32_t got_cp = 0;
		size_t want = u[i] >= 0x80 ? ref_utf8(u + i, u + rlen, &cp) : 0;
		FUZZ_CHECK(tc_utf8_len(raw + i) == want);
		FUZZ_CHECK(tc_utf8_decode(raw + i, &got_cp) == want);
		FUZZ_CHECK(want == 0 || got_cp == cp);
	}

	free(esc);
	free(raw);
	return 0;
}
