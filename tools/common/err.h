/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Layer 0 of tools/common: the program's name, its messages on stderr,
 * exits on failure, and allocation that cannot fail (it exits instead).
 * Uses no other file of tools/common. Tools may exit from here; the
 * library never does.
 */
#ifndef NSREL_TOOLS_ERR_H
#define NSREL_TOOLS_ERR_H

#include <stddef.h>

/* Name used in messages; set once at the start of main(). */
void tc_init(const char *prog);
const char *tc_prog(void);

/* "PROG: MESSAGE" on stderr. */
void tc_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROG: MESSAGE", then exit 1 (runtime failure). */
_Noreturn void tc_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
_Noreturn void tc_die_oom(void);
/* "PROG: MESSAGE" and "Try 'PROG --help' for more information.", exit 2.
 * fmt NULL prints only the second line (getopt has said what is wrong). */
_Noreturn void tc_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* malloc, realloc and strdup (NULL as ""), or die of the failure. */
void *tc_xmalloc(size_t n);
void *tc_xrealloc(void *p, size_t n);
char *tc_xstrdup(const char *s);

#endif /* NSREL_TOOLS_ERR_H */
