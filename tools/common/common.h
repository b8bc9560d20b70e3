/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the nsrel tools share: option and error conventions, the one text
 * escaper, colour, the tree printer, holder wording and the JSON shape of a
 * namespace. Tools may exit from here (on usage errors and on running out of
 * memory); the library never does.
 */
#ifndef NSREL_TOOLS_COMMON_H
#define NSREL_TOOLS_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "nsrel.h"

struct json_object;

/* ---- Program identity, errors, options --------------------------------- */

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
/* "PROG (nsrel) VERSION" on stdout. */
void tc_print_version(void);
/* The option cases every tool shares: -h prints usage(), -V the version
 * (both exit 0); anything else is getopt's error (exit 2). */
_Noreturn void tc_common_opt(int opt, void (*usage)(void));
/* A usage error unless every argument was an option. */
void tc_no_operands(int argc, char **argv);
/* The argument of --color=WHEN, or a usage error. */
enum tc_color_mode tc_color_arg(const char *arg);
/* A namespace type name for -t; a usage error if it is none. */
int tc_parse_type_arg(const char *arg);
/* The argument of -t: one or more type names, comma-separated, as a mask
 * of CLONE_NEW*; a usage error for an unknown or empty name ("", ",",
 * "net,"). */
unsigned tc_parse_types_arg(const char *arg);
/* Flushes stdout and exits 1 if anything could not be written. */
void tc_close_stdout(void);

/* ---- Running the discovery (scan.c) ------------------------------------ */

/* nsrel_scan() or die with the reason; flags: enum nsrel_scan_flag. */
struct nsrel_model *tc_scan_flags(unsigned types, unsigned sources,
				  unsigned flags);
struct nsrel_model *tc_scan(unsigned types, unsigned sources);
/*
 * What the view of the scan (nsrel_model_view()) lacks or means, one plain
 * line each on stderr: /proc mounted hidepid= (when it hides anything from
 * us), a PID namespace other than the initial one (with its own /proc, an
 * ancestor's or another's), a user namespace other than the initial one,
 * and "N processes could not be read" when N > 0. Nothing when the view is
 * whole.
 */
void tc_report_view(const struct nsrel_model *m);

void *tc_xmalloc(size_t n);
void *tc_xrealloc(void *p, size_t n);
char *tc_xstrdup(const char *s);

/* ---- A growing string -------------------------------------------------- */

struct tc_buf {
	char *s; /* NUL-terminated, NULL while empty */
	size_t len, cap;
};

void tc_buf_putn(struct tc_buf *b, const char *s, size_t n);
void tc_buf_puts(struct tc_buf *b, const char *s);
void tc_buf_putc(struct tc_buf *b, char c);
void tc_buf_printf(struct tc_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tc_buf_truncate(struct tc_buf *b, size_t len);
/* The string ("" if empty); stays owned by the buffer. */
const char *tc_buf_str(const struct tc_buf *b);
/* The string, now owned by the caller; the buffer is empty again. */
char *tc_buf_steal(struct tc_buf *b);
void tc_buf_free(struct tc_buf *b);

/* ---- The one text escaper ---------------------------------------------- */

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

/* ---- Colour ------------------------------------------------------------ */

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
#define TC_COLOR_PROC  "\033[1;38;5;172m"
#define TC_COLOR_USER  "\033[38;5;127m"
#define TC_COLOR_RESET "\033[0m"

/* How labels are drawn. */
struct tc_style {
	bool color;
};

/* Appends already escaped text, in colour sgr when style->color. */
void tc_buf_colored(struct tc_buf *b, const struct tc_style *st,
		    const char *sgr, const char *text);

/* ---- Labels: namespaces, processes, holders, owners -------------------- */

/* "user:[4026531837]" in the type's colour. */
void tc_fmt_ns(struct tc_buf *b, const struct tc_style *st,
	       const struct nsrel_ns *ns);
/* "NAME (PID)" in the process colour, NAME escaped. */
void tc_fmt_proc(struct tc_buf *b, const struct tc_style *st,
		 const struct nsrel_proc *p);
/*
 * How a namespace is held: process "NAME (PID)" for its representative
 * process; without one, from its first reference: bind-mounted at "PATH",
 * held by fd N of process "NAME (PID)", held by socket of process
 * "NAME (PID)", task "NAME (TID)" of process "NAME (PID)", for children of
 * process "NAME (PID)"; and process (none) when nothing holds it.
 */
void tc_fmt_holder(struct tc_buf *b, const struct tc_style *st,
		   const struct nsrel_ns *ns);
/* "\"root\" (0)", "(4242)" without a passwd entry, "(unknown)" if the uid
 * of the user namespace's creator is not known. */
void tc_fmt_owner_uid(struct tc_buf *b, const struct tc_style *st,
		      const struct nsrel_ns *userns);

/* The tree lines of the tools:
 *   user:[INO] HOLDER namespace-owning user OWNER
 *   pid:[INO] HOLDER owner user:[INO] OWNER     (owner (unknown) if unseen)
 *   ⟜ TYPE:[INO] HOLDER                         (an owned namespace) */
void tc_fmt_userns_line(struct tc_buf *b, const struct tc_style *st,
			const struct nsrel_ns *userns);
void tc_fmt_pidns_line(struct tc_buf *b, const struct tc_style *st,
		       const struct nsrel_ns *pidns);
void tc_fmt_owned_line(struct tc_buf *b, const struct tc_style *st,
		       const struct nsrel_ns *ns);

/* The user name of uid, or NULL (no passwd entry). Caller frees. */
char *tc_user_name(uid_t uid);

/* Comparators for qsort over arrays of const struct nsrel_ns *. */
int tc_cmp_ns_ino(const void *a, const void *b);
int tc_cmp_ns_type_name_ino(const void *a, const void *b);

/* ---- The tree printer -------------------------------------------------- */

/*
 * A node with a label (one line, already escaped) and children. A node
 * with a NULL label is a forest: its children are printed as roots.
 * Children print in the order added; the box drawing is the original's.
 */
struct tc_tree;

struct tc_tree *tc_tree_new(char *label); /* takes label */
struct tc_tree *tc_tree_add(struct tc_tree *parent, char *label);
void tc_tree_adopt(struct tc_tree *parent, struct tc_tree *child);
size_t tc_tree_child_count(const struct tc_tree *t);
void tc_tree_print(FILE *f, const struct tc_tree *t);
void tc_tree_free(struct tc_tree *t);

/* ---- JSON (json-c) ----------------------------------------------------- */

/* o, or die of the allocation failure that made it NULL. */
struct json_object *tc_json_new(struct json_object *o);

/*
 * A JSON string from raw bytes; invalid UTF-8 becomes U+FFFD, since JSON
 * must be UTF-8. Written with DEL and every code point tc_cp_unsafe()
 * rejects as \uXXXX (a surrogate pair past U+FFFF), which json-c itself
 * would leave raw: the value is the same, and no byte a terminal acts on
 * is written raw.
 */
struct json_object *tc_json_string(const char *raw);
/* Adds key: tc_json_string(raw) (null for NULL) to obj and, only where raw
 * is not valid UTF-8, KEY_bytes: the exact bytes in base64 (RFC 4648). */
void tc_json_add_string(struct json_object *obj, const char *key,
			const char *raw);
/* {"via": "proc"|"task"|..., "pid", "name", "tid", "fd", "path", "mntns"}:
 * the fields the reference kind has. */
struct json_object *tc_json_ref(const struct nsrel_ref *r);
/* The fields of a namespace that every tool shows the same way:
 * type, dev, ino, nsid, parent (user and pid), owner, owner_uid and user
 * (the owner's name; user namespaces only) -- everything but "refs". */
struct json_object *tc_json_ns_head(const struct nsrel_ns *ns);
/* The same with "refs", as one object (fine for a few namespaces; for a
 * whole host, stream with tc_jw_ns()). */
struct json_object *tc_json_ns(const struct nsrel_ns *ns);
/* {"pid": N, "name": "..."} or JSON null. */
struct json_object *tc_json_proc_brief(const struct nsrel_proc *p);
/* json-c flags: pretty (two-space indent) or compact. */
int tc_json_flags(bool pretty);
/* Prints obj and a newline; takes obj. */
void tc_json_print(FILE *f, struct json_object *obj, bool pretty);

/*
 * A streaming writer, so that memory does not grow with the document:
 * begin/end containers as you walk, leaves as json-c objects. key is NULL
 * for array elements and the top level, else one of our own constants.
 * Output matches json-c's pretty (two spaces) or compact form; a newline
 * follows the top-level value.
 */
struct tc_jw {
	FILE *f;
	bool pretty;
	bool first; /* nothing written yet in the open container */
	unsigned depth;
};

void tc_jw_init(struct tc_jw *w, FILE *f, bool pretty);
void tc_jw_begin_object(struct tc_jw *w, const char *key);
void tc_jw_end_object(struct tc_jw *w);
void tc_jw_begin_array(struct tc_jw *w, const char *key);
void tc_jw_end_array(struct tc_jw *w);
/* Writes v (NULL is null) and drops the reference. */
void tc_jw_value(struct tc_jw *w, const char *key, struct json_object *v);
/* Writes every member of obj into the open object; drops obj. */
void tc_jw_members(struct tc_jw *w, struct json_object *obj);
/* key: tc_json_string(raw) and, where raw is not valid UTF-8, KEY_bytes,
 * as tc_json_add_string() does. */
void tc_jw_string(struct tc_jw *w, const char *key, const char *raw);
/* key: an array of the n strings get(ctx, i); and, where one of them is
 * not valid UTF-8, KEY_bytes: an array of all n in base64. */
void tc_jw_strings(struct tc_jw *w, const char *key, size_t n,
		   const char *(*get)(const void *ctx, size_t i),
		   const void *ctx);
/* The fields of tc_json_ns_head(), then "refs" one by one. Call inside an
 * open object. */
void tc_jw_ns(struct tc_jw *w, const struct nsrel_ns *ns);
/*
 * "visibility": {"privileged": BOOL, "user_ns": INO, "initial_user_ns":
 * BOOL, "pid_ns": INO, "initial_pid_ns": BOOL, "proc_pid_ns": "own" |
 * "ancestor" | "other" | null, "hidepid": "off" | "noaccess" | "invisible"
 * | "ptraceable" | null, "hidepid_applies": BOOL}, nsrel_model_view() of
 * the scan, as a member of the open object (next to
 * "unreadable_processes").
 */
void tc_jw_visibility(struct tc_jw *w, const struct nsrel_model *m);

#endif /* NSREL_TOOLS_COMMON_H */
