/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Program identity, error conventions, allocation and the string buffer. */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "config.h"

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

void tc_print_version(void)
{
	printf("%s (nsrel) %s\n", prog, NSREL_VERSION);
}

void tc_common_opt(int opt, void (*usage)(void))
{
	if (opt == 'h') {
		usage();
		tc_close_stdout();
		exit(0);
	}
	if (opt == 'V') {
		tc_print_version();
		tc_close_stdout();
		exit(0);
	}
	tc_usage_error(NULL);
}

void tc_no_operands(int argc, char **argv)
{
	if (optind < argc) {
		char *e = tc_escape(argv[optind]);

		tc_usage_error("unexpected argument \"%s\"", e);
	}
}

enum tc_color_mode tc_color_arg(const char *arg)
{
	enum tc_color_mode mode;

	if (tc_parse_color(arg, &mode) < 0) {
		char *e = tc_escape(arg);

		tc_usage_error("invalid --color argument \"%s\" "
			       "(auto, always or never)",
			       e);
	}
	return mode;
}

int tc_parse_type_arg(const char *arg)
{
	int t = nsrel_nstype_from_str(arg);

	if (t < 0) {
		struct tc_buf b = {0};

		tc_buf_escape(&b, arg);
		tc_usage_error("unknown namespace type \"%s\" (one of mnt, "
			       "cgroup, uts, ipc, user, pid, net, time)",
			       tc_buf_str(&b));
	}
	return t;
}

unsigned tc_parse_types_arg(const char *arg)
{
	unsigned types = 0;

	for (const char *p = arg;; p++) {
		size_t n = strcspn(p, ",");
		char *name;

		if (n == 0) {
			struct tc_buf b = {0};

			tc_buf_escape(&b, arg);
			tc_usage_error("empty namespace type in -t \"%s\"",
				       tc_buf_str(&b));
		}
		name = tc_xmalloc(n + 1);
		memcpy(name, p, n);
		name[n] = '\0';
		types |= (unsigned)tc_parse_type_arg(name);
		free(name);
		p += n;
		if (!*p)
			return types;
	}
}

void tc_close_stdout(void)
{
	/* A full disk or a closed pipe must not look like success. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno;

		if (e == EPIPE)
			exit(1);
		tc_die("write error: %s", strerror(e ? e : EIO));
	}
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

char *tc_user_name(uid_t uid)
{
	struct passwd pw, *res = NULL;
	char stack[1024];
	char *heap = NULL, *buf = stack, *name = NULL;
	size_t sz = sizeof(stack);
	int r;

	/* getpwuid_r, not getpwuid: no static state, and a missing entry
	 * is a plain NULL result, never a crash. */
	for (;;) {
		r = getpwuid_r(uid, &pw, buf, sz, &res);
		if (r != ERANGE || sz >= 1 << 20)
			break;
		sz *= 2;
		heap = tc_xrealloc(heap, sz);
		buf = heap;
	}
	if (r == 0 && res && res->pw_name)
		name = tc_xstrdup(res->pw_name);
	free(heap);
	return name;
}
