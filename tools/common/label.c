/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The words of a tree line: namespaces, processes, holders, owners. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "color.h"
#include "escape.h"
#include "label.h"
#include "passwd.h"

void tc_fmt_ns(struct tc_buf *b, const struct tc_style *st,
	       const struct nsrel_ns *ns)
{
	const char *name = nsrel_nstype_str(nsrel_ns_type(ns));
	char text[64];

	snprintf(text, sizeof(text), "%s:[%ju]", name ? name : "?",
		 (uintmax_t)nsrel_ns_ino(ns));
	tc_buf_colored(b, st, tc_color_nstype(nsrel_ns_type(ns)), text);
}

static void fmt_name_id(struct tc_buf *b, const struct tc_style *st,
			const char *raw_name, pid_t id)
{
	struct tc_buf t = {0};

	tc_buf_escape(&t, raw_name);
	tc_buf_printf(&t, " (%d)", (int)id);
	tc_buf_colored(b, st, TC_COLOR_PROC, tc_buf_str(&t));
	tc_buf_free(&t);
}

void tc_fmt_proc(struct tc_buf *b, const struct tc_style *st,
		 const struct nsrel_proc *p)
{
	fmt_name_id(b, st, nsrel_proc_name(p), nsrel_proc_pid(p));
}

/* "S" escaped, quoted, in the container colour. */
static void quoted(struct tc_buf *b, const struct tc_style *st, const char *s)
{
	struct tc_buf t = {0};

	tc_buf_putc(&t, '"');
	tc_buf_escape(&t, s);
	tc_buf_putc(&t, '"');
	tc_buf_colored(b, st, TC_COLOR_CONTAINER, tc_buf_str(&t));
	tc_buf_free(&t);
}

/* An id as the engines show it: the 12-character short form of a 64-digit
 * id, any other id (lxc, flatpak) whole. */
static void fmt_id(struct tc_buf *b, const struct tc_style *st,
		   const struct nsrel_container *c, bool parens)
{
	const char *id = nsrel_container_id(c);
	struct tc_buf t = {0};

	if (parens)
		tc_buf_putc(&t, '(');
	tc_buf_escape(&t, strlen(id) == 64 ? nsrel_container_short_id(c) : id);
	if (parens)
		tc_buf_putc(&t, ')');
	tc_buf_colored(b, st, TC_COLOR_CONTAINER, tc_buf_str(&t));
	tc_buf_free(&t);
}

void tc_fmt_container(struct tc_buf *b, const struct tc_style *st,
		      const struct nsrel_container *c)
{
	const char *name = nsrel_container_name(c);
	const char *pod = nsrel_container_pod_name(c);
	const char *pod_ns = nsrel_container_pod_namespace(c);
	const char *pod_uid = nsrel_container_pod_uid(c);
	const char *project = nsrel_container_project(c);
	const char *engine = nsrel_engine_str(nsrel_container_engine(c));

	if (pod || pod_uid) {
		tc_buf_puts(b, "kubernetes pod ");
		if (pod) {
			struct tc_buf t = {0};

			if (pod_ns) {
				tc_buf_puts(&t, pod_ns);
				tc_buf_putc(&t, '/');
			}
			tc_buf_puts(&t, pod);
			quoted(b, st, tc_buf_str(&t));
			tc_buf_free(&t);
		} else {
			struct tc_buf t = {0};

			tc_buf_escape(&t, pod_uid);
			tc_buf_colored(b, st, TC_COLOR_CONTAINER,
				       tc_buf_str(&t));
			tc_buf_free(&t);
		}
		tc_buf_puts(b, " container ");
	} else {
		tc_buf_puts(b, engine ? engine : "?");
		if (project &&
		    nsrel_container_engine(c) == NSREL_ENGINE_PODMAN) {
			/* podman's pods by their id, short */
			struct tc_buf t = {0};
			char id[13];

			snprintf(id, sizeof(id), "%s", project);
			tc_buf_escape(&t, id);
			tc_buf_puts(b, " pod ");
			tc_buf_colored(b, st, TC_COLOR_CONTAINER,
				       tc_buf_str(&t));
			tc_buf_free(&t);
		}
		tc_buf_puts(b, " container ");
	}
	if (!name) {
		fmt_id(b, st, c, false);
		return;
	}
	quoted(b, st, name);
	if (strcmp(name, nsrel_container_id(c)) != 0) {
		tc_buf_putc(b, ' ');
		fmt_id(b, st, c, true);
	}
}

static void fmt_of_process(struct tc_buf *b, const struct tc_style *st,
			   const struct nsrel_proc *p)
{
	const struct nsrel_container *c;

	if (!p) {
		tc_buf_puts(b, "process (none)");
		return;
	}
	tc_buf_puts(b, "process \"");
	tc_fmt_proc(b, st, p);
	tc_buf_putc(b, '"');
	c = nsrel_proc_container(p);
	if (c) {
		tc_buf_puts(b, " in ");
		tc_fmt_container(b, st, c);
	}
}

void tc_fmt_holder(struct tc_buf *b, const struct tc_style *st,
		   const struct nsrel_ns *ns)
{
	const struct nsrel_proc *leader = nsrel_ns_leader(ns);
	const struct nsrel_ref *r = NULL;

	if (leader) {
		fmt_of_process(b, st, leader);
		return;
	}
	/* Without member processes, the first reference says why the
	 * namespace is alive. */
	for (size_t i = 0; i < nsrel_ns_ref_count(ns) && !r; i++) {
		const struct nsrel_ref *c = nsrel_ns_ref(ns, i);

		if (nsrel_ref_kind(c) != NSREL_REF_HIDDEN)
			r = c;
	}
	if (!r) {
		tc_buf_puts(b, "process (none)");
		return;
	}
	switch (nsrel_ref_kind(r)) {
	case NSREL_REF_PROC:
		fmt_of_process(b, st, nsrel_ref_proc(r));
		break;
	case NSREL_REF_TASK:
		/* The model keeps no per-thread name: the process's is
		 * shown. */
		tc_buf_puts(b, "task \"");
		if (nsrel_ref_proc(r))
			fmt_name_id(b, st, nsrel_proc_name(nsrel_ref_proc(r)),
				    nsrel_ref_tid(r));
		else
			tc_buf_printf(b, "(%d)", (int)nsrel_ref_tid(r));
		tc_buf_puts(b, "\" of ");
		fmt_of_process(b, st, nsrel_ref_proc(r));
		break;
	case NSREL_REF_FOR_CHILDREN:
		tc_buf_puts(b, "for children of ");
		fmt_of_process(b, st, nsrel_ref_proc(r));
		break;
	case NSREL_REF_FD:
		tc_buf_printf(b, "held by fd %d of ", nsrel_ref_fd(r));
		fmt_of_process(b, st, nsrel_ref_proc(r));
		break;
	case NSREL_REF_SOCKET:
		tc_buf_puts(b, "held by socket of ");
		fmt_of_process(b, st, nsrel_ref_proc(r));
		break;
	case NSREL_REF_BINDMOUNT:
		tc_buf_puts(b, "bind-mounted at \"");
		tc_buf_escape(b, nsrel_ref_path(r));
		tc_buf_putc(b, '"');
		break;
	case NSREL_REF_HIDDEN:
	default:
		tc_buf_puts(b, "process (none)");
		break;
	}
}

void tc_fmt_task_mark(struct tc_buf *b, const struct tc_style *st,
		      const struct nsrel_proc *task, const struct nsrel_ns *ns)
{
	char text[32];

	if (!task || nsrel_proc_ns(task, nsrel_ns_type(ns)) != ns)
		return;
	snprintf(text, sizeof(text), "PID %d", (int)nsrel_proc_pid(task));
	tc_buf_puts(b, " <- ");
	tc_buf_colored(b, st, TC_COLOR_PROC, text);
}

void tc_fmt_owner_uid(struct tc_buf *b, const struct tc_style *st,
		      const struct nsrel_ns *userns)
{
	uid_t uid;
	char *name;
	char num[32];

	if (!userns || nsrel_ns_owner_uid(userns, &uid) < 0) {
		tc_buf_puts(b, "(unknown)");
		return;
	}
	name = tc_user_name(uid);
	if (name) {
		struct tc_buf t = {0};

		tc_buf_putc(b, '"');
		tc_buf_escape(&t, name);
		tc_buf_colored(b, st, TC_COLOR_USER, tc_buf_str(&t));
		tc_buf_puts(b, "\" ");
		tc_buf_free(&t);
		free(name);
	}
	snprintf(num, sizeof(num), "(%ju)", (uintmax_t)uid);
	tc_buf_colored(b, st, TC_COLOR_USER, num);
}

void tc_fmt_userns_line(struct tc_buf *b, const struct tc_style *st,
			const struct nsrel_ns *userns)
{
	tc_fmt_ns(b, st, userns);
	tc_buf_putc(b, ' ');
	tc_fmt_holder(b, st, userns);
	tc_buf_puts(b, " namespace-owning user ");
	tc_fmt_owner_uid(b, st, userns);
}

void tc_fmt_pidns_line(struct tc_buf *b, const struct tc_style *st,
		       const struct nsrel_ns *pidns)
{
	const struct nsrel_ns *owner = nsrel_ns_owner(pidns);

	tc_fmt_ns(b, st, pidns);
	tc_buf_putc(b, ' ');
	tc_fmt_holder(b, st, pidns);
	if (!owner) {
		tc_buf_puts(b, " owner (unknown)");
		return;
	}
	tc_buf_puts(b, " owner ");
	tc_fmt_ns(b, st, owner);
	tc_buf_putc(b, ' ');
	tc_fmt_owner_uid(b, st, owner);
}

void tc_fmt_owned_line(struct tc_buf *b, const struct tc_style *st,
		       const struct nsrel_ns *ns)
{
	tc_buf_puts(b, "⟜ ");
	tc_fmt_ns(b, st, ns);
	tc_buf_putc(b, ' ');
	tc_fmt_holder(b, st, ns);
}
