/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The orders in which the tools list namespaces. */
#include <string.h>

#include "nsrel.h"
#include "sort.h"

static int cmp_ino(const struct nsrel_ns *x, const struct nsrel_ns *y)
{
	ino_t a = nsrel_ns_ino(x), c = nsrel_ns_ino(y);

	return a < c ? -1 : a > c;
}

int tc_cmp_ns_ino(const void *a, const void *b)
{
	return cmp_ino(*(const struct nsrel_ns *const *)a,
		       *(const struct nsrel_ns *const *)b);
}

int tc_cmp_ns_type_name_ino(const void *a, const void *b)
{
	const struct nsrel_ns *x = *(const struct nsrel_ns *const *)a;
	const struct nsrel_ns *y = *(const struct nsrel_ns *const *)b;
	const char *tx = nsrel_nstype_str(nsrel_ns_type(x));
	const char *ty = nsrel_nstype_str(nsrel_ns_type(y));
	int r = strcmp(tx ? tx : "", ty ? ty : "");

	return r ? r : cmp_ino(x, y);
}
