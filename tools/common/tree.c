/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The tree printer, with the box drawing of linuxns_rel's (asciitree). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "err.h"
#include "tree.h"

struct tc_tree {
	char *label;
	struct tc_tree **kids;
	size_t n, cap;
};

struct tc_tree *tc_tree_new(char *label)
{
	struct tc_tree *t = tc_xmalloc(sizeof(*t));

	*t = (struct tc_tree){.label = label};
	return t;
}

void tc_tree_adopt(struct tc_tree *parent, struct tc_tree *child)
{
	if (parent->n == parent->cap) {
		parent->cap = parent->cap ? 2 * parent->cap : 4;
		parent->kids = tc_xrealloc(parent->kids,
					   parent->cap * sizeof(*parent->kids));
	}
	parent->kids[parent->n++] = child;
}

struct tc_tree *tc_tree_add(struct tc_tree *parent, char *label)
{
	struct tc_tree *t = tc_tree_new(label);

	tc_tree_adopt(parent, t);
	return t;
}

size_t tc_tree_child_count(const struct tc_tree *t)
{
	return t ? t->n : 0;
}

/*
 * A child line is its ancestors' continuations, then " ├── " (" └── " for
 * the last child), then the label. Below a child, the continuation is
 * " │  " (four spaces after a last child), so that the next head's leading
 * space lines up under the label: " │   └── ".
 */
static void print_kids(FILE *f, const struct tc_tree *t, struct tc_buf *pre)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct tc_tree *k = t->kids[i];
		bool last = i + 1 == t->n;
		size_t len = pre->len;

		fprintf(f, "%s%s%s\n", tc_buf_str(pre),
			last ? " └── " : " ├── ", k->label ? k->label : "");
		tc_buf_puts(pre, last ? "    " : " │  ");
		print_kids(f, k, pre);
		tc_buf_truncate(pre, len);
	}
}

static void print_root(FILE *f, const struct tc_tree *t, struct tc_buf *pre)
{
	fprintf(f, "%s\n", t->label ? t->label : "");
	print_kids(f, t, pre);
}

void tc_tree_print(FILE *f, const struct tc_tree *t)
{
	struct tc_buf pre = {0};

	if (!t)
		return;
	if (t->label) {
		print_root(f, t, &pre);
	} else {
		for (size_t i = 0; i < t->n; i++)
			print_root(f, t->kids[i], &pre);
	}
	tc_buf_free(&pre);
}

void tc_tree_free(struct tc_tree *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		tc_tree_free(t->kids[i]);
	free(t->kids);
	free(t->label);
	free(t);
}
