/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of tools/common: the text escaper, the tree printer, colour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "buf.h"
#include "color.h"
#include "err.h"
#include "escape.h"
#include "json.h"
#include "nsrel.h"
#include "passwd.h"
#include "tree.h"

static void check_escape(const char *raw, const char *want)
{
	char *got = tc_escape(raw);

	assert_string_equal(got, want);
	free(got);
}

static void test_escape_plain(void **state)
{
	check_escape("", "");
	check_escape("sleep", "sleep");
	check_escape("a b/c-d_e.f (1)", "a b/c-d_e.f (1)");
	check_escape("~!@#$%^&*()[]{}';:,<>?`", "~!@#$%^&*()[]{}';:,<>?`");
}

static void test_escape_named(void **state)
{
	check_escape("\033", "\\e");
	check_escape("a\nb", "a\\nb");
	check_escape("a\tb", "a\\tb");
	check_escape("\"q\"", "\\\"q\\\"");
	check_escape("back\\slash", "back\\\\slash");
	check_escape("\\e", "\\\\e"); /* a literal backslash-e stays apart */
}

static void test_escape_controls(void **state)
{
	check_escape("\r", "\\x0d");
	check_escape("\x01\x02\x07\x08\x0b\x0c",
		     "\\x01\\x02\\x07\\x08\\x0b\\x0c");
	check_escape("\x1f", "\\x1f");
	check_escape("\x7f", "\\x7f");
	/* Every C0 control and DEL leaves no raw control byte. */
	for (int c = 1; c < 0x20; c++) {
		char in[2] = {(char)c, 0};
		char *got = tc_escape(in);

		assert_true(got[0] == '\\');
		for (char *p = got; *p; p++)
			assert_true((unsigned char)*p >= 0x20 &&
				    (unsigned char)*p < 0x7f);
		free(got);
	}
}

static void test_escape_hostile(void **state)
{
	/* The zoo's hostile argv[0]. */
	check_escape("\033[31mevil\n\"quoted\" \\ name",
		     "\\e[31mevil\\n\\\"quoted\\\" \\\\ name");
	check_escape("\033]0;title\007", "\\e]0;title\\x07");
}

static void test_escape_utf8_valid(void **state)
{
	check_escape("caf\xc3\xa9", "caf\xc3\xa9");   /* é */
	check_escape("\xe2\x9f\x9c", "\xe2\x9f\x9c"); /* ⟜ */
	check_escape("\xe2\x94\x9c\xe2\x94\x80", "\xe2\x94\x9c\xe2\x94\x80");
	check_escape("\xf0\x9f\x90\xa7 tux", "\xf0\x9f\x90\xa7 tux"); /* 🐧 */
	check_escape("\xc2\xa0", "\xc2\xa0"); /* NBSP: printable */
	check_escape("\xef\xbf\xbd", "\xef\xbf\xbd");
	check_escape("\xf3\xb0\x80\x80", "\xf3\xb0\x80\x80"); /* U+F0000 */
	check_escape("\xd8\xa7\xd9\x84", "\xd8\xa7\xd9\x84"); /* Arabic */
	check_escape("\xe2\x80\x90", "\xe2\x80\x90"); /* U+2010 hyphen */
}

static void test_escape_utf8_c1(void **state)
{
	/* U+009B is CSI, a one-character ESC [ on some terminals. */
	check_escape("\xc2\x9b"
		     "31m",
		     "\\u009b31m");
	check_escape("\xc2\x80", "\\u0080");
	check_escape("\xc2\x9f", "\\u009f");
	/* A raw byte 0x9b is no UTF-8: a byte, not a code point. */
	check_escape("\x9b"
		     "31m",
		     "\\x9b31m");
}

/* What reorders, breaks or hides text: bidi controls, separators,
 * zero-width and other invisible characters, noncharacters, unassigned. */
static void test_escape_unicode_unsafe(void **state)
{
	static const struct {
		const char *raw, *want;
	} cases[] = {
		{"invoice\xe2\x80\xae"
		 "fdp.exe",
		 "invoice\\u202efdp.exe"},			/* RLO */
		{"\xe2\x80\xaa", "\\u202a"},			/* LRE */
		{"\xe2\x80\xac", "\\u202c"},			/* PDF */
		{"\xe2\x81\xa6", "\\u2066"},			/* LRI */
		{"\xe2\x81\xa9", "\\u2069"},			/* PDI */
		{"\xe2\x80\x8e\xe2\x80\x8f", "\\u200e\\u200f"}, /* LRM RLM */
		{"\xd8\x9c", "\\u061c"},			/* ALM */
		{"a\xe2\x80\xa8"
		 "b\xe2\x80\xa9",
		 "a\\u2028b\\u2029"}, /* LS PS */
		{"\xe2\x80\x8b\xe2\x80\x8c\xe2\x80\x8d",
		 "\\u200b\\u200c\\u200d"},	     /* ZWSP ZWNJ ZWJ */
		{"\xe2\x81\xa0", "\\u2060"},	     /* WJ */
		{"\xef\xbb\xbf", "\\ufeff"},	     /* BOM */
		{"\xc2\xad", "\\u00ad"},	     /* soft hyphen */
		{"\xef\xb8\x8f", "\\ufe0f"},	     /* VS16: ignorable */
		{"\xe3\x85\xa4", "\\u3164"},	     /* Hangul filler */
		{"\xf3\xa0\x80\x81", "\\U000e0001"}, /* LANGUAGE TAG */
		{"\xef\xb7\x90", "\\ufdd0"},	     /* noncharacter */
		{"\xef\xbf\xbf", "\\uffff"},	     /* noncharacter */
		{"\xf4\x8f\xbf\xbf", "\\U0010ffff"}, /* noncharacter */
		{"\xcd\xb8", "\\u0378"},	     /* unassigned */
		{"\xf0\xb0\x80\x80\xf3\x80\x80\x80",
		 "\xf0\xb0\x80\x80\\U000c0000"}, /* CJK Ext G; unassigned */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_escape(cases[i].raw, cases[i].want);
	assert_non_null(strchr(tc_unicode_version, '.'));
}

static void test_escape_utf8_invalid(void **state)
{
	check_escape("\xff", "\\xff");
	check_escape("\xfe\xfe", "\\xfe\\xfe");
	check_escape("\x80", "\\x80");		/* lone continuation */
	check_escape("a\xc3", "a\\xc3");	/* truncated at the end */
	check_escape("\xc3(", "\\xc3(");	/* bad continuation */
	check_escape("\xc0\xaf", "\\xc0\\xaf"); /* overlong '/' */
	check_escape("\xe0\x80\xaf", "\\xe0\\x80\\xaf"); /* overlong */
	check_escape("\xed\xa0\x80", "\\xed\\xa0\\x80"); /* surrogate */
	check_escape("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* >10FFFF */
	check_escape("\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80");
	check_escape("\xe2\x9f", "\\xe2\\x9f"); /* truncated ⟜ */
	/* After an invalid byte, valid text resumes at once. */
	check_escape("\xff\xc3\xa9", "\\xff\xc3\xa9");
}

static void test_escape_null(void **state)
{
	check_escape(NULL, "");
}

static void test_buf(void **state)
{
	struct tc_buf b = {0};
	char *s;

	assert_string_equal(tc_buf_str(&b), "");
	tc_buf_puts(&b, "ab");
	tc_buf_printf(&b, "%d-%s", 42, "x");
	tc_buf_putc(&b, '!');
	assert_string_equal(tc_buf_str(&b), "ab42-x!");
	tc_buf_truncate(&b, 2);
	assert_string_equal(tc_buf_str(&b), "ab");
	for (int i = 0; i < 1000; i++)
		tc_buf_puts(&b, "0123456789");
	assert_int_equal(b.len, 10002);
	s = tc_buf_steal(&b);
	assert_null(b.s);
	assert_int_equal(strlen(s), 10002);
	free(s);
	tc_buf_free(&b);
}

static char *print_tree(const struct tc_tree *t)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	tc_tree_print(f, t);
	assert_int_equal(fclose(f), 0);
	return out;
}

static void test_tree_single(void **state)
{
	struct tc_tree *t = tc_tree_new(tc_xstrdup("root"));
	char *out = print_tree(t);

	assert_string_equal(out, "root\n");
	free(out);
	tc_tree_free(t);
}

/* The README's tree: ├── └── │ and the four-column continuation. */
static void test_tree_original(void **state)
{
	struct tc_tree *r = tc_tree_new(tc_xstrdup("user:[1]"));
	struct tc_tree *c2, *c21, *c22;
	char *out;

	tc_tree_add(r, tc_xstrdup("user:[2]"));
	c2 = tc_tree_add(r, tc_xstrdup("user:[3]"));
	c21 = tc_tree_add(c2, tc_xstrdup("user:[4]"));
	c22 = tc_tree_add(c21, tc_xstrdup("user:[5]"));
	tc_tree_add(c22, tc_xstrdup("user:[6]"));
	c2 = tc_tree_add(r, tc_xstrdup("user:[7]"));
	tc_tree_add(c2, tc_xstrdup("⟜ ipc:[8]"));
	tc_tree_add(c2, tc_xstrdup("⟜ net:[9]"));
	out = print_tree(r);
	assert_string_equal(out, "user:[1]\n"
				 " ├── user:[2]\n"
				 " ├── user:[3]\n"
				 " │   └── user:[4]\n"
				 " │       └── user:[5]\n"
				 " │           └── user:[6]\n"
				 " └── user:[7]\n"
				 "     ├── ⟜ ipc:[8]\n"
				 "     └── ⟜ net:[9]\n");
	free(out);
	assert_int_equal(tc_tree_child_count(r), 3);
	tc_tree_free(r);
}

static void test_tree_deep_mixed(void **state)
{
	struct tc_tree *r = tc_tree_new(tc_xstrdup("a"));
	struct tc_tree *b = tc_tree_add(r, tc_xstrdup("b"));
	struct tc_tree *c = tc_tree_add(b, tc_xstrdup("c"));
	char *out;

	tc_tree_add(c, tc_xstrdup("d"));
	tc_tree_add(b, tc_xstrdup("e"));
	tc_tree_add(r, tc_xstrdup("f"));
	out = print_tree(r);
	assert_string_equal(out, "a\n"
				 " ├── b\n"
				 " │   ├── c\n"
				 " │   │   └── d\n"
				 " │   └── e\n"
				 " └── f\n");
	free(out);
	tc_tree_free(r);
}

static void test_tree_forest(void **state)
{
	struct tc_tree *f = tc_tree_new(NULL);
	struct tc_tree *a = tc_tree_add(f, tc_xstrdup("r1"));
	char *out;

	tc_tree_add(a, tc_xstrdup("k"));
	tc_tree_add(f, tc_xstrdup("r2"));
	out = print_tree(f);
	assert_string_equal(out, "r1\n └── k\nr2\n");
	free(out);
	tc_tree_free(f);

	f = tc_tree_new(NULL);
	out = print_tree(f);
	assert_string_equal(out, "");
	free(out);
	tc_tree_free(f);
	tc_tree_free(NULL);
}

static void test_color_mode(void **state)
{
	enum tc_color_mode m = TC_COLOR_NEVER;

	assert_int_equal(tc_parse_color("always", &m), 0);
	assert_int_equal(m, TC_COLOR_ALWAYS);
	assert_int_equal(tc_parse_color("never", &m), 0);
	assert_int_equal(m, TC_COLOR_NEVER);
	assert_int_equal(tc_parse_color("auto", &m), 0);
	assert_int_equal(m, TC_COLOR_AUTO);
	assert_int_equal(tc_parse_color(NULL, &m), 0);
	assert_int_equal(m, TC_COLOR_ALWAYS);
	assert_true(tc_parse_color("sometimes", &m) < 0);
	assert_int_equal(m, TC_COLOR_ALWAYS);

	assert_true(tc_color_enabled(TC_COLOR_ALWAYS, -1));
	assert_false(tc_color_enabled(TC_COLOR_NEVER, -1));
	/* auto: never on something that is no terminal */
	unsetenv("NO_COLOR");
	assert_false(tc_color_enabled(TC_COLOR_AUTO, -1));
	setenv("NO_COLOR", "1", 1);
	assert_true(tc_color_enabled(TC_COLOR_ALWAYS, -1));
	unsetenv("NO_COLOR");
}

static void test_color_types(void **state)
{
	const char *seen[NSREL_NSTYPE_COUNT];

	for (unsigned i = 0; i < NSREL_NSTYPE_COUNT; i++) {
		seen[i] = tc_color_nstype(nsrel_nstype_at(i));
		assert_true(seen[i][0] == '\033');
		for (unsigned j = 0; j < i; j++)
			assert_string_not_equal(seen[i], seen[j]);
		assert_string_not_equal(seen[i], TC_COLOR_PROC);
		assert_string_not_equal(seen[i], TC_COLOR_USER);
	}
	assert_string_not_equal(TC_COLOR_PROC, TC_COLOR_USER);
}

static void test_colored(void **state)
{
	struct tc_style on = {.color = true}, off = {.color = false};
	struct tc_buf b = {0};

	tc_buf_colored(&b, &off, TC_COLOR_PROC, "x");
	assert_string_equal(tc_buf_str(&b), "x");
	tc_buf_colored(&b, &on, TC_COLOR_PROC, "y");
	assert_string_equal(tc_buf_str(&b),
			    "x" TC_COLOR_PROC "y" TC_COLOR_RESET);
	tc_buf_free(&b);
}

static void test_user_name(void **state)
{
	char *n = tc_user_name(0);

	if (!n) {
		/* A system without a passwd entry for root is odd but
		 * legal; what matters is that there is no crash. */
		printf("# no passwd entry for uid 0\n");
	} else {
		assert_string_equal(n, "root");
		free(n);
	}
	/* The zoo's uid without a passwd entry, and the largest uid. */
	n = tc_user_name(4242);
	free(n);
	n = tc_user_name((uid_t)-2);
	free(n);
}

static char *write_doc(bool pretty)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct tc_jw w;

	assert_non_null(f);
	tc_jw_init(&w, f, pretty);
	tc_jw_begin_object(&w, NULL);
	tc_jw_begin_array(&w, "a");
	tc_jw_value(&w, NULL, json_object_new_int(1));
	tc_jw_value(&w, NULL, NULL);
	tc_jw_begin_object(&w, NULL);
	tc_jw_value(&w, "s", tc_json_string("x\x1b\"/"));
	tc_jw_end_object(&w);
	tc_jw_end_array(&w);
	tc_jw_begin_array(&w, "e");
	tc_jw_end_array(&w);
	tc_jw_begin_object(&w, "o");
	tc_jw_end_object(&w);
	tc_jw_value(&w, "n", json_object_new_uint64(18446744073709551615ull));
	tc_jw_end_object(&w);
	assert_int_equal(fclose(f), 0);
	return out;
}

static void test_jw(void **state)
{
	char *out = write_doc(false);

	assert_string_equal(out, "{\"a\":[1,null,{\"s\":\"x\\u001b\\\"/\"}],"
				 "\"e\":[],\"o\":{},"
				 "\"n\":18446744073709551615}\n");
	free(out);
	out = write_doc(true);
	assert_string_equal(out, "{\n"
				 "  \"a\": [\n"
				 "    1,\n"
				 "    null,\n"
				 "    {\n"
				 "      \"s\": \"x\\u001b\\\"/\"\n"
				 "    }\n"
				 "  ],\n"
				 "  \"e\": [],\n"
				 "  \"o\": {},\n"
				 "  \"n\": 18446744073709551615\n"
				 "}\n");
	free(out);
}

static void test_json_members(void **state)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct json_object *o = json_object_new_object();
	struct tc_jw w;

	json_object_object_add(o, "k", json_object_new_string("v"));
	json_object_object_add(o, "z", NULL);
	tc_jw_init(&w, f, false);
	tc_jw_begin_object(&w, NULL);
	tc_jw_members(&w, o);
	tc_jw_end_object(&w);
	fclose(f);
	assert_string_equal(out, "{\"k\":\"v\",\"z\":null}\n");
	free(out);
}

static void check_json_string(const char *raw, const char *want)
{
	struct json_object *o = tc_json_string(raw);

	assert_string_equal(json_object_get_string(o), want);
	json_object_put(o);
}

static void test_json_string(void **state)
{
	check_json_string("plain", "plain");
	check_json_string("caf\xc3\xa9", "caf\xc3\xa9");
	check_json_string("\033[31m\n", "\033[31m\n"); /* JSON escapes it */
	check_json_string("a\xff"
			  "b",
			  "a\xef\xbf\xbd"
			  "b");
	check_json_string("\xc3", "\xef\xbf\xbd");
	check_json_string("\xed\xa0\x80",
			  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	check_json_string(NULL, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_plain),
		cmocka_unit_test(test_escape_named),
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_escape_hostile),
		cmocka_unit_test(test_escape_utf8_valid),
		cmocka_unit_test(test_escape_utf8_c1),
		cmocka_unit_test(test_escape_unicode_unsafe),
		cmocka_unit_test(test_escape_utf8_invalid),
		cmocka_unit_test(test_escape_null),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_tree_single),
		cmocka_unit_test(test_tree_original),
		cmocka_unit_test(test_tree_deep_mixed),
		cmocka_unit_test(test_tree_forest),
		cmocka_unit_test(test_color_mode),
		cmocka_unit_test(test_color_types),
		cmocka_unit_test(test_colored),
		cmocka_unit_test(test_user_name),
		cmocka_unit_test(test_jw),
		cmocka_unit_test(test_json_members),
		cmocka_unit_test(test_json_string),
	};

	tc_init("test-common");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
