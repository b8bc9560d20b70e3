/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>

#include "nsrel.h"
#include "procfs.h"
#include "util.h"

static int parse_u64(const char **p, const char *end, uint64_t *ret)
{
	const char *s = *p;
	uint64_t v = 0;
	if (s >= end || *s < '0' || *s > '9')
		return -EINVAL;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		uint64_t d = (uint64_t)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*p = s;
	*ret = v;
	return 0;
}

/* Skips n space-separated fields. */
static int skip_fields(const char **p, const char *end, int n)
{
	const char *s = *p;
	while (n-- > 0) {
		while (s < end && *s != ' ')
			s++;
		if (s >= end)
			return -EINVAL;
		s++;
	}
	*p = s;
	return 0;
}

static int parse_long_field(const char **p, const char *end, long *ret)
{
	const char *s = *p;
	int neg = 0;
	uint64_t v;
	if (s < end && *s == '-') {
		neg = 1;
		s++;
	}
	if (parse_u64(&s, end, &v) < 0 || v > (uint64_t)INT64_MAX)
		return -EINVAL;
	*p = s;
	*ret = neg ? -(long)v : (long)v;
	return 0;
}

int nsrel__procfs_parse_stat(const char *buf, size_t len,
			     struct procfs_stat *ret)
{
	const char *end = buf + len;
	const char *open = memchr(buf, '(', len);
	const char *close = NULL;
	for (const char *s = end; s > buf; s--)
		if (s[-1] == ')') {
			close = s - 1;
			break;
		}
	if (!open || !close || close < open || end - close < 2 ||
	    close[1] != ' ')
		return -EINVAL;
	/* Fields from 3 (state) on, numbered as in proc(5). */
	const char *p = close + 2;
	long ppid, nthreads;
	uint64_t flags, start;
	if (skip_fields(&p, end, 1) < 0 ||		/* 3 state */
	    parse_long_field(&p, end, &ppid) < 0 ||	/* 4 ppid */
	    skip_fields(&p, end, 5) < 0 ||		/* 4..8 */
	    parse_u64(&p, end, &flags) < 0 ||		/* 9 flags */
	    skip_fields(&p, end, 11) < 0 ||		/* 9..19 */
	    parse_long_field(&p, end, &nthreads) < 0 || /* 20 num_threads */
	    skip_fields(&p, end, 2) < 0 ||		/* 20, 21 */
	    parse_u64(&p, end, &start) < 0)		/* 22 starttime */
		return -EINVAL;
	if (ppid < 0 || ppid > INT32_MAX)
		return -EINVAL;
	*ret = (struct procfs_stat){
		.ppid = (pid_t)ppid,
		.flags = flags,
		.num_threads = nthreads,
		.starttime = start,
		.comm = open + 1,
		.comm_len = (size_t)(close - open - 1),
	};
	return 0;
}

int nsrel__procfs_parse_nslink(const char *s, size_t len, int *ret_type,
			       ino_t *ret_ino)
{
	const char *colon = memchr(s, ':', len);
	/* A NUL would end the name early: "net\0:[1]" is no net link. */
	if (!colon || colon == s || (size_t)(colon - s) > 7 ||
	    memchr(s, '\0', (size_t)(colon - s)))
		return -EINVAL;
	char name[8];
	memcpy(name, s, (size_t)(colon - s));
	name[colon - s] = '\0';
	int type = nsrel_nstype_from_str(name);
	if (type < 0)
		return -EINVAL;
	const char *p = colon + 1, *end = s + len;
	uint64_t ino;
	if (p >= end || *p++ != '[' || parse_u64(&p, end, &ino) < 0 ||
	    p + 1 != end || *p != ']' || ino == 0)
		return -EINVAL;
	*ret_type = type;
	*ret_ino = (ino_t)ino;
	return 0;
}

int nsrel__procfs_parse_socket(const char *s, size_t len, ino_t *ret_ino)
{
	static const char prefix[] = "socket:[";
	const size_t plen = sizeof(prefix) - 1;
	if (len < plen + 2 || memcmp(s, prefix, plen) != 0)
		return -EINVAL;
	const char *p = s + plen, *end = s + len;
	uint64_t ino;
	/* No socket has inode 0 (nor any other file of the kernel's). */
	if (parse_u64(&p, end, &ino) < 0 || p + 1 != end || *p != ']' ||
	    ino == 0)
		return -EINVAL;
	*ret_ino = (ino_t)ino;
	return 0;
}

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

int nsrel__procfs_parse_idmap(const char *buf, size_t len,
			      struct nsrel_idmap *ret, size_t max,
			      size_t *ret_n)
{
	const char *p = buf, *end = buf + len;
	size_t n = 0;
	while (p < end) {
		uint64_t v[3];
		for (int i = 0; i < 3; i++) {
			const char *q = skip_spaces(p, end);
			/* Fields are separated by spaces. */
			if ((i && q == p) || parse_u64(&q, end, &v[i]) < 0 ||
			    v[i] > UINT32_MAX)
				return -EINVAL;
			p = q;
		}
		p = skip_spaces(p, end);
		if (p == end || *p != '\n' || !v[2] || n == max)
			return -EINVAL;
		p++;
		ret[n++] = (struct nsrel_idmap){.inside = (uint32_t)v[0],
						.outside = (uint32_t)v[1],
						.count = (uint32_t)v[2]};
	}
	*ret_n = n;
	return 0;
}

static size_t copy_out(char *out, size_t size, size_t at, const char *s,
		       size_t n)
{
	if (at >= size)
		return at;
	if (n > size - 1 - at)
		n = size - 1 - at;
	memcpy(out + at, s, n);
	return at + n;
}

/* The length of argv[0] in cmdline (see nsrel__procfs_proc_name()). */
static size_t argv0_len(const char *cmdline, size_t len)
{
	size_t n = strnlen(cmdline, len);
	for (size_t i = n; i < len; i++)
		if (cmdline[i])
			return n;
	const char *space = memchr(cmdline, ' ', n);
	return space ? (size_t)(space - cmdline) : n;
}

size_t nsrel__procfs_proc_name(const char *cmdline, size_t cmdline_len,
			       const char *comm, size_t comm_len, bool kthread,
			       char *out, size_t size)
{
	if (!size)
		return 0;
	size_t n = 0;
	if (kthread) {
		n = copy_out(out, size, n, "[", 1);
		n = copy_out(out, size, n, comm, comm_len);
		n = copy_out(out, size, n, "]", 1);
		out[n] = '\0';
		return n;
	}
	const char *name = comm;
	size_t name_len = comm_len;
	if (cmdline && procfs_name_wants_cmdline(comm_len, kthread)) {
		size_t argv0 = argv0_len(cmdline, cmdline_len);
		const char *base = cmdline;
		for (size_t i = 0; i + 1 < argv0; i++)
			if (cmdline[i] == '/')
				base = cmdline + i + 1;
		size_t blen = argv0 - (size_t)(base - cmdline);
		if (blen > 1 && base[0] == '-') {
			base++;
			blen--;
		}
		if (blen > comm_len && memcmp(base, comm, comm_len) == 0) {
			name = base;
			name_len = blen;
		}
	}
	n = copy_out(out, size, n, name, name_len);
	out[n] = '\0';
	return n;
}

/* "8:1": the device's major and minor, each an unsigned 32-bit number. */
static int parse_dev(const char *s, unsigned *ret_major, unsigned *ret_minor)
{
	const char *end = s + strlen(s), *p = s;
	uint64_t ma, mi;
	if (parse_u64(&p, end, &ma) < 0 || ma > UINT32_MAX || *p++ != ':' ||
	    parse_u64(&p, end, &mi) < 0 || mi > UINT32_MAX || p != end)
		return -EINVAL;
	*ret_major = (unsigned)ma;
	*ret_minor = (unsigned)mi;
	return 0;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *w = s;
	for (char *r = s; *r;) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' &&
		    r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') << 6 | (r[2] - '0') << 3 |
				      (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

int nsrel__procfs_parse_mountinfo_line(char *line, struct procfs_mount *ret)
{
	char *f[6] = {0};
	char *save = NULL;
	/* id parent maj:min root point options [optional...] - fstype ... */
	char *s = strtok_r(line, " ", &save);
	for (int i = 0; i < 6 && s; i++) {
		f[i] = s;
		if (i < 5)
			s = strtok_r(NULL, " ", &save);
	}
	unsigned major, minor;
	if (!f[5] || parse_dev(f[2], &major, &minor) < 0)
		return -EINVAL;
	char *fstype = NULL, *super = NULL;
	while ((s = strtok_r(NULL, " ", &save))) {
		if (strcmp(s, "-") == 0) {
			fstype = strtok_r(NULL, " ", &save);
			break;
		}
	}
	if (!fstype)
		return -EINVAL;
	if (strtok_r(NULL, " ", &save)) /* the source */
		super = strtok_r(NULL, " ", &save);
	unescape_octal(f[3]);
	unescape_octal(f[4]);
	*ret = (struct procfs_mount){.major = major,
				     .minor = minor,
				     .root = f[3],
				     .point = f[4],
				     .fstype = fstype,
				     .super = super};
	return 0;
}

/* "rw,hidepid=invisible,gid=5,subset=pid": one option at a time. */
static void parse_proc_opt(const char *o, size_t n,
			   struct procfs_proc_opts *ret)
{
	static const struct {
		const char *name;
		enum nsrel_hidepid v;
	} names[] = {
		{"off", NSREL_HIDEPID_OFF},
		{"0", NSREL_HIDEPID_OFF},
		{"noaccess", NSREL_HIDEPID_NOACCESS},
		{"1", NSREL_HIDEPID_NOACCESS},
		{"invisible", NSREL_HIDEPID_INVISIBLE},
		{"2", NSREL_HIDEPID_INVISIBLE},
		{"ptraceable", NSREL_HIDEPID_PTRACEABLE},
		{"4", NSREL_HIDEPID_PTRACEABLE},
	};
	if (n > 8 && !memcmp(o, "hidepid=", 8)) {
		for (size_t i = 0; i < ELEMENTSOF(names); i++)
			if (n - 8 == strlen(names[i].name) &&
			    !memcmp(o + 8, names[i].name, n - 8))
				ret->hidepid = names[i].v;
	} else if (n > 4 && !memcmp(o, "gid=", 4)) {
		const char *p = o + 4;
		uint64_t v;
		ret->gid = parse_u64(&p, o + n, &v) == 0 && p == o + n &&
					   v <= INT32_MAX
				   ? (long)v
				   : -1;
	} else if (n == 10 && !memcmp(o, "subset=pid", 10)) {
		ret->subset_pid = true;
	}
}

void nsrel__procfs_parse_proc_opts(const char *super,
				   struct procfs_proc_opts *ret)
{
	*ret = (struct procfs_proc_opts){.hidepid = NSREL_HIDEPID_OFF,
					 .gid = -1};
	for (const char *o = super; o && *o;) {
		size_t n = strcspn(o, ",");
		parse_proc_opt(o, n, ret);
		o += n + (o[n] == ',');
	}
}

unsigned nsrel__procfs_status_nspid_levels(const char *buf, size_t len)
{
	const char *end = buf + len;
	for (const char *line = buf; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end;
		if (eol - line >= 6 && !memcmp(line, "NSpid:", 6)) {
			unsigned levels = 0;
			bool in = false;
			for (const char *p = line + 6; p < eol; p++) {
				bool sep = *p == ' ' || *p == '\t';
				levels += !sep && !in;
				in = !sep;
			}
			return levels;
		}
		line = nl ? nl + 1 : end;
	}
	return 0;
}
