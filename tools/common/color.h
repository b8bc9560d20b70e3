/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Layer 3 of tools/common: colour, when to use it and which. Uses buf.h.
 */
#ifndef NSREL_TOOLS_COLOR_H
#define NSREL_TOOLS_COLOR_H

#include <stdbool.h>

#include "buf.h"

enum tc_color_mode {
	TC_COLOR_AUTO,
	TC_COLOR_ALWAYS,
	TC_COLOR_NEVER,
};

/* "auto", "always", "never"; NULL (a bare --color) means always. */
int tc_parse_color(const char *arg, enum tc_color_mode *ret_mode);
/* auto: fd is a terminal and NO_COLOR is unset or empty. */
bool tc_color_enabled(enum tc_color_mode mode, int fd);

/* SGR sequences; each readable on dark and on light backgrounds. */
const char *tc_color_nstype(int nstype);
#define TC_COLOR_PROC "\033[1;38;5;172m"
#define TC_COLOR_USER "\033[38;5;127m"
/* A container's, a pod's name and id (cyan, bold: stands out from the
 * process before it on either background). */
#define TC_COLOR_CONTAINER "\033[1;38;5;31m"
#define TC_COLOR_RESET	   "\033[0m"

/* How labels are drawn. */
struct tc_style {
	bool color;
};

/* Appends already escaped text, in colour sgr when style->color. */
void tc_buf_colored(struct tc_buf *b, const struct tc_style *st,
		    const char *sgr, const char *text);

#endif /* NSREL_TOOLS_COLOR_H */
