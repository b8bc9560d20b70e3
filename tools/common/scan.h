/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Layer 4 of tools/common: running the discovery for a tool, and saying
 * what the scan could see, on stderr and in JSON. Uses json.h, escape.h
 * and err.h.
 */
#ifndef NSREL_TOOLS_SCAN_H
#define NSREL_TOOLS_SCAN_H

#include "json.h"
#include "nsrel.h"

/* nsrel_scan() with the --backend given, or die with the reason; flags:
 * enum nsrel_scan_flag. */
struct nsrel_model *tc_scan_flags(unsigned types, unsigned sources,
				  unsigned flags);
struct nsrel_model *tc_scan(unsigned types, unsigned sources);
/* The process of -p/--task in m, or exit 1 with "no process with PID N"
 * (and "(or it could not be read)" where some could not). */
const struct nsrel_proc *tc_find_task(const struct nsrel_model *m, pid_t pid);
/* tc_find_task(), and its namespace of type, or exit 1 if that is not
 * known. */
const struct nsrel_ns *tc_find_task_ns(const struct nsrel_model *m, pid_t pid,
				       int type,
				       const struct nsrel_proc **ret_task);
/* Whether ns is leaf or one of its ancestors (nsrel_ns_parent()): on the
 * branch of the hierarchy that leads to leaf. */
bool tc_on_branch(const struct nsrel_ns *ns, const struct nsrel_ns *leaf);

/* The backend tc_scan*() ask for (default NSREL_BACKEND_AUTO). */
void tc_set_backend(enum nsrel_backend b);
/* Whether tc_scan*() ask the engines' APIs (default NSREL_SWITCH_AUTO:
 * where the caller is privileged), and the one socket to ask (NULL: the
 * library's default ones). */
void tc_set_engine_api(enum nsrel_switch on, const char *socket);
/*
 * What the view of the scan (nsrel_model_view()) lacks or means, one plain
 * line each on stderr: /proc mounted hidepid= (when it hides anything from
 * us), a PID namespace other than the initial one (with its own /proc, an
 * ancestor's or another's), a user namespace other than the initial one,
 * and "N processes could not be read" when N > 0; the engine API's
 * failure (nsrel_model_engine_warning()), once. Nothing when the view is
 * whole and the engines answered.
 */
void tc_report_view(const struct nsrel_model *m);
/*
 * "visibility": {"privileged": BOOL, "user_ns": INO, "initial_user_ns":
 * BOOL, "pid_ns": INO, "initial_pid_ns": BOOL, "proc_pid_ns": "own" |
 * "ancestor" | "other" | null, "hidepid": "off" | "noaccess" | "invisible"
 * | "ptraceable" | null, "hidepid_applies": BOOL}, nsrel_model_view() of
 * the scan, as a member of the open object (next to
 * "unreadable_processes").
 */
void tc_jw_visibility(struct tc_jw *w, const struct nsrel_model *m);

#endif /* NSREL_TOOLS_SCAN_H */
