/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Colour: when to use it and which. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "color.h"
#include "nsrel.h"

int tc_parse_color(const char *arg, enum tc_color_mode *ret_mode)
{
	static const struct {
		const char *name;
		enum tc_color_mode mode;
	} modes[] = {
		{"auto", TC_COLOR_AUTO},   {"always", TC_COLOR_ALWAYS},
		{"never", TC_COLOR_NEVER}, {"yes", TC_COLOR_ALWAYS},
		{"no", TC_COLOR_NEVER},	   {"force", TC_COLOR_ALWAYS},
		{"none", TC_COLOR_NEVER},
	};

	if (!arg) {
		*ret_mode = TC_COLOR_ALWAYS;
		return 0;
	}
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(arg, modes[i].name) == 0) {
			*ret_mode = modes[i].mode;
			return 0;
		}
	}
	return -EINVAL;
}

bool tc_color_enabled(enum tc_color_mode mode, int fd)
{
	const char *no_color;

	switch (mode) {
	case TC_COLOR_ALWAYS:
		return true;
	case TC_COLOR_NEVER:
		return false;
	case TC_COLOR_AUTO:
		break;
	}
	/* no-color.org: present and not empty disables colour. */
	no_color = getenv("NO_COLOR");
	if (no_color && *no_color)
		return false;
	return isatty(fd) == 1;
}

/*
 * Mid-lightness colours from the 256-colour cube: dark enough for a white
 * background, light enough for a black one. No yellow, white or dark blue.
 */
const char *tc_color_nstype(int nstype)
{
	switch (nstype) {
	case CLONE_NEWUSER:
		return "\033[1;38;5;33m"; /* blue, bold: the hierarchy */
	case CLONE_NEWPID:
		return "\033[1;38;5;161m"; /* crimson, bold: the hierarchy */
	case CLONE_NEWNET:
		return "\033[38;5;34m"; /* green */
	case CLONE_NEWNS:
		return "\033[38;5;130m"; /* brown */
	case CLONE_NEWUTS:
		return "\033[38;5;37m"; /* teal */
	case CLONE_NEWIPC:
		return "\033[38;5;99m"; /* violet */
	case CLONE_NEWCGROUP:
		return "\033[38;5;166m"; /* orange-red */
	case CLONE_NEWTIME:
		return "\033[38;5;66m"; /* slate */
	default:
		return "";
	}
}

void tc_buf_colored(struct tc_buf *b, const struct tc_style *st,
		    const char *sgr, const char *text)
{
	if (st && st->color && sgr && *sgr) {
		tc_buf_puts(b, sgr);
		tc_buf_puts(b, text);
		tc_buf_puts(b, TC_COLOR_RESET);
	} else {
		tc_buf_puts(b, text);
	}
}
