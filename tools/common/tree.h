/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Layer 3 of tools/common: the tree printer. Uses buf.h and err.h.
 */
#ifndef NSREL_TOOLS_TREE_H
#define NSREL_TOOLS_TREE_H

#include <stddef.h>
#include <stdio.h>

/*
 * A node with a label (one line, already escaped) and children. A node
 * with a NULL label is a forest: its children are printed as roots.
 * Children print in the order added, with the box drawing of linuxns_rel's
 * tools.
 */
struct tc_tree;

struct tc_tree *tc_tree_new(char *label); /* takes label */
struct tc_tree *tc_tree_add(struct tc_tree *parent, char *label);
void tc_tree_adopt(struct tc_tree *parent, struct tc_tree *child);
size_t tc_tree_child_count(const struct tc_tree *t);
void tc_tree_print(FILE *f, const struct tc_tree *t);
void tc_tree_free(struct tc_tree *t);

#endif /* NSREL_TOOLS_TREE_H */
