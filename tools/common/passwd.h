/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Layer 1 of tools/common: user names from the passwd database. Uses
 * err.h.
 */
#ifndef NSREL_TOOLS_PASSWD_H
#define NSREL_TOOLS_PASSWD_H

#include <sys/types.h>

/* The user name of uid, or NULL (no passwd entry). Caller frees. */
char *tc_user_name(uid_t uid);

#endif /* NSREL_TOOLS_PASSWD_H */
