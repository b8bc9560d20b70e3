/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Layer 0 of tools/common: the orders in which the tools list namespaces.
 * Uses no other file of tools/common.
 */
#ifndef NSREL_TOOLS_SORT_H
#define NSREL_TOOLS_SORT_H

/* Comparators for qsort over arrays of const struct nsrel_ns *: by inode;
 * by type name, then inode. */
int tc_cmp_ns_ino(const void *a, const void *b);
int tc_cmp_ns_type_name_ino(const void *a, const void *b);

#endif /* NSREL_TOOLS_SORT_H */
