/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsrel__procfs_parse_mountinfo_line(): one line of /proc/PID/mountinfo, in
 * place. It stays inside the NUL-terminated line, leaves its output alone
 * on failure, and gives what proc(5) says: the device (field 3, MAJOR:MINOR,
 * each a decimal number up to UINT32_MAX, else the line is refused), root
 * (field 4) and mount point (field 5) with the kernel's \ooo escapes undone
 * exactly once, the filesystem type, the field after the first lone "-"
 * from field 7 on, and the super options two fields after it (NULL when
 * the line ends before). Truncated or bad escapes stay as they are.
 */
#include <errno.h>

#include "fuzz.h"
#include "procfs.h"

static int is_octal(char c, char hi)
{
	return c >= '0' && c <= hi;
}

/* \ooo with the first digit 0..3 is one byte; anything else is itself.
 * The result is compared as a C string, so \000 ends it as it would. */
static void ref_unescape(const char *s, size_t n, char *out)
{
	size_t w = 0;
	for (size_t i = 0; i < n;) {
		if (s[i] == '\\' && i + 4 <= n && is_octal(s[i + 1], '3') &&
		    is_octal(s[i + 2], '7') && is_octal(s[i + 3], '7')) {
			out[w++] = (char)((s[i + 1] - '0') << 6 |
					  (s[i + 2] - '0') << 3 |
					  (s[i + 3] - '0'));
			i += 4;
		} else {
			out[w++] = s[i++];
		}
	}
	out[w] = '\0';
}

struct tok {
	const char *s;
	size_t n;
};

/* MAJOR:MINOR; 0 on success. */
static int ref_dev(const struct tok *t, uint64_t *ma, uint64_t *mi)
{
	const char *colon = memchr(t->s, ':', t->n);
	if (!colon)
		return -1;
	size_t k = (size_t)(colon - t->s);
	if (fuzz_ref_u64(t->s, k, ma) || *ma > UINT32_MAX ||
	    fuzz_ref_u64(colon + 1, t->n - k - 1, mi) || *mi > UINT32_MAX)
		return -1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_dup(data, size, 1);
	char *orig = fuzz_dup(data, size, 1);
	size_t len = strlen(orig); /* what a C string API sees */
	struct procfs_mount m, untouched;
	memset(&m, 0xa5, sizeof(m));
	untouched = m;

	int r = nsrel__procfs_parse_mountinfo_line(line, &m);
	FUZZ_CHECK(r == 0 || r == -EINVAL);

	/* The reference: fields are runs of non-spaces. */
	struct tok *t = malloc((len / 2 + 1) * sizeof(*t));
	if (!t)
		abort();
	size_t nt = 0;
	for (size_t i = 0; i < len;) {
		while (i < len && orig[i] == ' ')
			i++;
		if (i == len)
			break;
		size_t e = i;
		while (e < len && orig[e] != ' ')
			e++;
		t[nt++] = (struct tok){orig + i, e - i};
		i = e;
	}
	const struct tok *fstype = NULL, *super = NULL;
	for (size_t i = 6; nt >= 6 && i + 1 < nt; i++)
		if (t[i].n == 1 && t[i].s[0] == '-') {
			fstype = &t[i + 1];
			super = i + 3 < nt ? &t[i + 3] : NULL;
			break;
		}
	uint64_t ma = 0, mi = 0;
	if (fstype && ref_dev(&t[2], &ma, &mi) < 0)
		fstype = NULL;

	if (!fstype) {
		FUZZ_CHECK(r == -EINVAL);
		FUZZ_CHECK(memcmp(&m, &untouched, sizeof(m)) == 0);
	} else {
		FUZZ_CHECK(r == 0);
		char *end = line + size + 1;
		char *outs[3] = {m.root, m.point, m.fstype};
		for (int i = 0; i < 3; i++) {
			FUZZ_CHECK(outs[i] >= line && outs[i] < end);
			FUZZ_CHECK(memchr(outs[i], '\0',
					  (size_t)(end - outs[i])) != NULL);
		}
		char *want = malloc(len + 1);
		if (!want)
			abort();
		ref_unescape(t[3].s, t[3].n, want);
		FUZZ_CHECK(strcmp(m.root, want) == 0);
		ref_unescape(t[4].s, t[4].n, want);
		FUZZ_CHECK(strcmp(m.point, want) == 0);
		FUZZ_CHECK(strlen(m.fstype) == fstype->n &&
			   memcmp(m.fstype, fstype->s, fstype->n) == 0);
		FUZZ_CHECK(m.major == ma && m.minor == mi);
		FUZZ_CHECK(super ? m.super && strlen(m.super) == super->n &&
					   !memcmp(m.super, super->s, super->n)
				 : !m.super);
		free(want);
	}
	free(t);
	free(orig);
	free(line);
	return 0;
}
