/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The command line of the zoo's "hostile" process (tests/zoo/zoo.c): one of
 * everything a tool must escape in each of its outputs. The process sets
 * its comm to the first HOSTILE_COMM_LEN bytes of HOSTILE_ARGV0 (what the
 * kernel keeps of a name), and those bytes are hostile already. No '/' in
 * argv[0], so that its basename is all of it; what needs one is in argv[1].
 * The Python tests read the bytes from the zoo's manifest ("argv0_hex").
 */
#ifndef NSREL_TESTS_HOSTILE_H
#define NSREL_TESTS_HOSTILE_H

#define HOSTILE_ARGV0                                                       \
	"\x1b[31m"	 /* an ESC sequence: C0 */                          \
	"\xe2\x80\xae"	 /* U+202E RIGHT-TO-LEFT OVERRIDE: bidi */          \
	"\xc2\x9b"	 /* U+009B CSI: C1 */                               \
	"\x7f"		 /* DEL */                                          \
	"\n"		 /* a newline */                                    \
	"\xe2\x80\x8b"	 /* U+200B ZERO WIDTH SPACE; 15 bytes up to here */ \
	"evil\x01"	 /* another C0 control */                           \
	"\t\xe2\x80\xa8" /* a tab, U+2028 LINE SEPARATOR */                 \
	"\x9b"		 /* the raw byte 0x9b: CSI to 8-bit terminals */    \
	"\xff\xfe"	 /* invalid UTF-8 */                                \
	"&#10;user:[1]&#10;&amp;" /* HTML entities, which Graphviz reads */ \
	" \"quoted\" 'single' \\N \\ name" /* quotes, backslashes */

/* HOSTILE_ARGV0 as the tools' text escaper writes it: by hand, not
 * computed by the code under test. */
#define HOSTILE_ARGV0_TEXT                                                \
	"\\e[31m\\u202e\\u009b\\x7f\\n\\u200bevil\\x01\\t\\u2028"         \
	"\\x9b\\xff\\xfe&#10;user:[1]&#10;&amp; \\\"quoted\\\" 'single' " \
	"\\\\N "                                                          \
	"\\\\ name"

/* What the kernel keeps of HOSTILE_ARGV0 as comm. */
#define HOSTILE_COMM_LEN 15

/* argv[1]: what would end a <script> element, or start HTML. */
#define HOSTILE_ARG1 "</script><b>x</b>"

#endif
