/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* User names from the passwd database. */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>

#include "err.h"
#include "passwd.h"

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
