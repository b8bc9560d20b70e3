/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Layer 4 of tools/common: the words of the tools' tree lines, for
 * namespaces, processes, holders and owners. Uses tree.h, color.h,
 * escape.h, passwd.h and buf.h.
 */
#ifndef NSREL_TOOLS_LABEL_H
#define NSREL_TOOLS_LABEL_H

#include "buf.h"
#include "color.h"
#include "nsrel.h"
#include "tree.h"

/* "user:[4026531837]" in the type's colour. */
void tc_fmt_ns(struct tc_buf *b, const struct tc_style *st,
	       const struct nsrel_ns *ns);
/* "NAME (PID)" in the process colour, NAME escaped. */
void tc_fmt_proc(struct tc_buf *b, const struct tc_style *st,
		 const struct nsrel_proc *p);
/*
 * A container: ENGINE container "NAME" (SHORT-ID), ENGINE container
 * SHORT-ID where the name is not known, podman pod POD container ...;
 * kubernetes pod "NAMESPACE/POD" container "NAME" (SHORT-ID) for a pod's.
 * Names and ids escaped, in the container colour.
 */
void tc_fmt_container(struct tc_buf *b, const struct tc_style *st,
		      const struct nsrel_container *c);
/*
 * How a namespace is held: process "NAME (PID)" for its representative
 * process; without one, from its first reference: bind-mounted at "PATH",
 * held by fd N of process "NAME (PID)", held by socket of process
 * "NAME (PID)", task "NAME (TID)" of process "NAME (PID)", for children of
 * process "NAME (PID)"; for a hidden namespace, one that nothing but the
 * namespaces below it hold, (no process: held by a child namespace)
 * or (no process: held by an owned namespace). A process in a
 * container is followed by " in " and the container.
 */
void tc_fmt_holder(struct tc_buf *b, const struct tc_style *st,
		   const struct nsrel_ns *ns);
/*
 * The holders of ns besides the one tc_fmt_holder() names, on the same
 * line: " + 2 more processes", " + 1 task", " + for children of process
 * "NAME (PID)"" (" + for children of 3 processes"), " + 3 fds",
 * " + 1 socket", " + bind-mounted at "PATH"" (the first; " + 2 more bind
 * mounts" for the others), in that order; nothing when there is none.
 */
void tc_fmt_holder_more(struct tc_buf *b, const struct tc_style *st,
			const struct nsrel_ns *ns);
/*
 * -v: every holder of ns as a child of t, in the model's order, each
 * "• " and its words as tc_fmt_holder() has them; a bind mount with the
 * mount namespace it is in (bind-mounted at "PATH" in mnt:[INO]).
 */
void tc_tree_add_holders(struct tc_tree *t, const struct tc_style *st,
			 const struct nsrel_ns *ns);
/* " <- PID N" where task (-p/--task; NULL: none) is in ns: the mark of
 * the namespaces it is in. */
void tc_fmt_task_mark(struct tc_buf *b, const struct tc_style *st,
		      const struct nsrel_proc *task, const struct nsrel_ns *ns);
/* "\"root\" (0)", "(4242)" without a passwd entry, "(unknown)" if the uid
 * of the user namespace's creator is not known. */
void tc_fmt_owner_uid(struct tc_buf *b, const struct tc_style *st,
		      const struct nsrel_ns *userns);

/* The tree lines of the tools, HOLDER being tc_fmt_holder() and
 * tc_fmt_holder_more():
 *   user:[INO] HOLDER namespace-owning user OWNER
 *   pid:[INO] HOLDER owner user:[INO] OWNER     (owner (unknown) if unseen)
 *   ⟜ TYPE:[INO] HOLDER                         (an owned namespace) */
void tc_fmt_userns_line(struct tc_buf *b, const struct tc_style *st,
			const struct nsrel_ns *userns);
void tc_fmt_pidns_line(struct tc_buf *b, const struct tc_style *st,
		       const struct nsrel_ns *pidns);
void tc_fmt_owned_line(struct tc_buf *b, const struct tc_style *st,
		       const struct nsrel_ns *ns);

#endif /* NSREL_TOOLS_LABEL_H */
