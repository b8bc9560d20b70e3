/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Layer 2 of tools/common: the one text escaper, and the UTF-8 and
 * Unicode rules it follows. Uses buf.h and err.h.
 */
#ifndef NSREL_TOOLS_ESCAPE_H
#define NSREL_TOOLS_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * Appends raw text from the system so that it can neither start a line,
 * move the cursor, change colours, reorder what follows nor hide: ESC,
 * newline, tab, double quote and backslash become \e \n \t \" \\; the
 * other C0 controls, DEL and every byte of invalid UTF-8 become \xNN; a
 * code point that tc_cp_unsafe() rejects (C1 controls, bidi controls, line
 * and paragraph separators, zero-width and other format or invisible
 * characters, unassigned code points) becomes \uXXXX, or \UXXXXXXXX past
 * U+FFFF. Other valid UTF-8 passes through.
 */
void tc_buf_escape(struct tc_buf *b, const char *raw);
/* The same into a new string (caller frees). */
char *tc_escape(const char *raw);
/* Length (2..4) of the valid multi-byte UTF-8 sequence at s, else 0. */
size_t tc_utf8_len(const char *s);
/* The same, and its code point in *ret_cp (untouched when 0). */
size_t tc_utf8_decode(const char *s, uint32_t *ret_cp);
/* Whether code point cp is one that tc_buf_escape() escapes: General
 * Category Cc, Cf, Zl, Zp, Cs or Cn, or Default_Ignorable_Code_Point, in
 * the Unicode version TC_UNICODE_VERSION of the build. */
bool tc_cp_unsafe(uint32_t cp);
/* That version, "15.0.0". */
extern const char tc_unicode_version[];

#endif /* NSREL_TOOLS_ESCAPE_H */
