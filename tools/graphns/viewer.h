/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* graphns: the viewer window (GTK 4, the SVG drawn by librsvg). */
#ifndef GRAPHNS_VIEWER_H
#define GRAPHNS_VIEWER_H

#include <stddef.h>

/*
 * Shows svg in a window titled title until the user closes it. Returns the
 * exit status: 0, or 1 after saying on stderr why there is no window (no
 * display, an SVG librsvg cannot read).
 */
int viewer_run(const char *svg, size_t len, const char *title);

#endif /* GRAPHNS_VIEWER_H */
