/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running the discovery for a tool, and saying what it could not see. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

void tc_report_unreadable(const struct nsrel_model *m)
{
	size_t n = nsrel_model_unreadable(m);

	if (!n)
		return;
	fprintf(stderr, "%s: %zu process%s could not be read%s\n", tc_prog(), n,
		n == 1 ? "" : "es",
		geteuid() ? "; run as root to see all namespaces" : "");
}

struct nsrel_model *tc_scan(unsigned types, unsigned sources)
{
	struct nsrel_scan_opts opts = {
		.sz = sizeof(opts),
		.types = types,
		.sources = sources,
	};
	struct nsrel_model *m = NULL;
	int r = nsrel_scan(&opts, &m);

	if (r < 0)
		tc_die("cannot discover namespaces: %s", strerror(-r));
	return m;
}
