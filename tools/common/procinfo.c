/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The two /proc texts the tools read themselves (for tc_limits()), parsed
 * by pure functions over (buffer, length), so that they can be fuzzed like
 * the library's parsers (tests/fuzz: status, procmount).
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* The next field of [*p, end) separated by any byte of seps; NULL at end. */
static const char *next_field(const char **p, const char *end,
			      const char *seps, size_t *ret_len)
{
	const char *s = *p;
	while (s < end && strchr(seps, *s) && *s)
		s++;
	if (s == end) {
		*p = s;
		return NULL;
	}
	const char *e = s;
	while (e < end && !(strchr(seps, *e) && *e))
		e++;
	*ret_len = (size_t)(e - s);
	*p = e;
	return s;
}

static bool field_is(const char *f, size_t n, const char *word)
{
	return n == strlen(word) && memcmp(f, word, n) == 0;
}

unsigned tc_status_nspid_levels(const char *buf, size_t len)
{
	const char *end = buf + len;
	for (const char *line = buf; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end;
		if ((size_t)(eol - line) >= 6 && !memcmp(line, "NSpid:", 6)) {
			const char *p = line + 6;
			size_t n;
			unsigned levels = 0;
			while (next_field(&p, eol, " \t", &n))
				levels++;
			return levels;
		}
		line = nl ? nl + 1 : end;
	}
	return 0;
}

/* "rw,hidepid=invisible,gid=5,subset=pid": the options that limit us. */
static void parse_superopts(const char *p, const char *end,
			    struct tc_proc_opts *ret)
{
	static const struct {
		const char *name;
		enum tc_hidepid v;
	} names[] = {
		{"off", TC_HIDEPID_OFF},
		{"0", TC_HIDEPID_OFF},
		{"noaccess", TC_HIDEPID_NOACCESS},
		{"1", TC_HIDEPID_NOACCESS},
		{"invisible", TC_HIDEPID_INVISIBLE},
		{"2", TC_HIDEPID_INVISIBLE},
		{"ptraceable", TC_HIDEPID_PTRACEABLE},
		{"4", TC_HIDEPID_PTRACEABLE},
	};
	const char *o;
	size_t n;

	while ((o = next_field(&p, end, ",", &n))) {
		if (n > 8 && !memcmp(o, "hidepid=", 8)) {
			for (size_t i = 0; i < sizeof(names) / sizeof(*names);
			     i++)
				if (field_is(o + 8, n - 8, names[i].name))
					ret->hidepid = names[i].v;
		} else if (n > 4 && !memcmp(o, "gid=", 4)) {
			long v = 0;
			size_t i;
			for (i = 4; i < n && o[i] >= '0' && o[i] <= '9' &&
				    v <= 0x7fffffffL / 10;
			     i++)
				v = v * 10 + (o[i] - '0');
			ret->gid = i == n ? v : -1;
		} else if (field_is(o, n, "subset=pid")) {
			ret->subset_pid = true;
		}
	}
}

bool tc_mountinfo_proc_opts(const char *line, size_t len, unsigned maj,
			    unsigned min, struct tc_proc_opts *ret)
{
	/* ID PARENT MAJ:MIN ROOT MOUNT OPTS [TAGS...] - FSTYPE SRC SUPER */
	const char *end = line + len, *p = line, *f[6];
	size_t n[6];
	const char *nl = memchr(line, '\n', len);

	if (nl)
		end = nl;
	for (int i = 0; i < 6; i++)
		if (!(f[i] = next_field(&p, end, " ", &n[i])))
			return false;
	if (!field_is(f[4], n[4], "/proc"))
		return false;
	char dev[32];
	if (n[2] >= sizeof(dev))
		return false;
	memcpy(dev, f[2], n[2]);
	dev[n[2]] = '\0';
	char *colon = strchr(dev, ':'), *e;
	if (!colon || colon == dev || colon[1] < '0' || colon[1] > '9' ||
	    dev[0] < '0' || dev[0] > '9')
		return false;
	unsigned long ma = strtoul(dev, &e, 10);
	if (e != colon)
		return false;
	unsigned long mi = strtoul(colon + 1, &e, 10);
	if (*e || ma != maj || mi != min)
		return false;

	/* The optional tags, up to the lone "-". */
	const char *t;
	size_t tn;
	while ((t = next_field(&p, end, " ", &tn)) && !field_is(t, tn, "-"))
		;
	if (!t || !(t = next_field(&p, end, " ", &tn)) ||
	    !field_is(t, tn, "proc") || !next_field(&p, end, " ", &tn))
		return false;
	const char *super = next_field(&p, end, " ", &tn);
	*ret = (struct tc_proc_opts){.hidepid = TC_HIDEPID_OFF, .gid = -1};
	if (super)
		parse_superopts(super, super + tn, ret);
	return true;
}
