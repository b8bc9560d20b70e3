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
#include "tree.h"

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

/* A namespace without a process or any other holder of its own: kept
 * alive by the namespaces below it, as linuxns_rel's hidden ones. */
static void fmt_hidden(struct tc_buf *b, const struct nsrel_ns *ns)
{
	if (ns && nsrel_ns_child_count(ns))
		tc_buf_puts(b, "(no process: held by a child namespace)");
	else if (ns && nsrel_ns_owned_count(ns))
		tc_buf_puts(b, "(no process: held by an owned namespace)");
	else
		tc_buf_puts(b, "(no process: held by nothing seen)");
}

static void fmt_of_process(struct tc_buf *b, const struct tc_style *st,
			   const struct nsrel_proc *p)
{
	const struct nsrel_container *c;

	if (!p) {
		tc_buf_puts(b, "process (unknown)");
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

/* One reference of ns in words; with mntns, a bind mount's mount
 * namespace too. */
static void fmt_ref(struct tc_buf *b, const struct tc_style *st,
		    const struct nsrel_ns *ns, const struct nsrel_ref *r,
		    bool mntns)
{
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
		if (mntns && nsrel_ref_mntns(r)) {
			tc_buf_puts(b, " in ");
			tc_fmt_ns(b, st, nsrel_ref_mntns(r));
		}
		break;
	case NSREL_REF_HIDDEN:
	default:
		fmt_hidden(b, ns);
		break;
	}
}

/* The reference that speaks for ns: its representative process's, else
 * the first that is not hidden; NULL for a hidden namespace. */
static const struct nsrel_ref *representative(const struct nsrel_ns *ns)
{
	const struct nsrel_proc *leader = nsrel_ns_leader(ns);
	const struct nsrel_ref *first = NULL;

	for (size_t i = 0; i < nsrel_ns_ref_count(ns); i++) {
		const struct nsrel_ref *r = nsrel_ns_ref(ns, i);
		enum nsrel_ref_kind k = nsrel_ref_kind(r);

		if (k == NSREL_REF_HIDDEN)
			continue;
		if (!leader ||
		    (k == NSREL_REF_PROC && nsrel_ref_proc(r) == leader))
			return r;
		if (!first)
			first = r;
	}
	return first;
}

void tc_fmt_holder(struct tc_buf *b, const struct tc_style *st,
		   const struct nsrel_ns *ns)
{
	const struct nsrel_proc *leader = nsrel_ns_leader(ns);
	const struct nsrel_ref *r;

	if (leader) {
		fmt_of_process(b, st, leader);
		return;
	}
	/* Without member processes, the first reference says why the
	 * namespace is alive. */
	r = representative(ns);
	if (r)
		fmt_ref(b, st, ns, r, false);
	else
		fmt_hidden(b, ns);
}

/* " + N [more ]ONE|MANY" for n of a kind, more when the representative is
 * one of them too. */
static void more_count(struct tc_buf *b, size_t n, bool more, const char *one,
		       const char *many)
{
	if (n)
		tc_buf_printf(b, " + %zu %s%s", n, more ? "more " : "",
			      n == 1 ? one : many);
}

void tc_fmt_holder_more(struct tc_buf *b, const struct tc_style *st,
			const struct nsrel_ns *ns)
{
	const struct nsrel_ref *rep = representative(ns);
	enum nsrel_ref_kind rk = rep ? nsrel_ref_kind(rep) : NSREL_REF_HIDDEN;
	const struct nsrel_ref *first[NSREL_REF_HIDDEN + 1] = {0};
	size_t count[NSREL_REF_HIDDEN + 1] = {0};

	for (size_t i = 0; i < nsrel_ns_ref_count(ns); i++) {
		const struct nsrel_ref *r = nsrel_ns_ref(ns, i);
		enum nsrel_ref_kind k = nsrel_ref_kind(r);

		if (r == rep || k < NSREL_REF_PROC || k >= NSREL_REF_HIDDEN)
			continue;
		if (!count[k]++)
			first[k] = r;
	}
	more_count(b, count[NSREL_REF_PROC], rk == NSREL_REF_PROC, "process",
		   "processes");
	more_count(b, count[NSREL_REF_TASK], rk == NSREL_REF_TASK, "task",
		   "tasks");
	if (count[NSREL_REF_FOR_CHILDREN] == 1 &&
	    rk != NSREL_REF_FOR_CHILDREN) {
		tc_buf_puts(b, " + ");
		fmt_ref(b, st, ns, first[NSREL_REF_FOR_CHILDREN], false);
	} else if (count[NSREL_REF_FOR_CHILDREN]) {
		tc_buf_printf(b, " + for children of %zu %sprocess%s",
			      count[NSREL_REF_FOR_CHILDREN],
			      rk == NSREL_REF_FOR_CHILDREN ? "more " : "",
			      count[NSREL_REF_FOR_CHILDREN] == 1 ? "" : "es");
	}
	more_count(b, count[NSREL_REF_FD], rk == NSREL_REF_FD, "fd", "fds");
	more_count(b, count[NSREL_REF_SOCKET], rk == NSREL_REF_SOCKET, "socket",
		   "sockets");
	/* A bind mount's path is what names a namespace (ip netns, podman),
	 * so the first one is shown. */
	if (count[NSREL_REF_BINDMOUNT] && rk != NSREL_REF_BINDMOUNT) {
		tc_buf_puts(b, " + ");
		fmt_ref(b, st, ns, first[NSREL_REF_BINDMOUNT], false);
		count[NSREL_REF_BINDMOUNT]--;
		rk = NSREL_REF_BINDMOUNT;
	}
	more_count(b, count[NSREL_REF_BINDMOUNT], rk == NSREL_REF_BINDMOUNT,
		   "bind mount", "bind mounts");
}

void tc_tree_add_holders(struct tc_tree *t, const struct tc_style *st,
			 const struct nsrel_ns *ns)
{
	for (size_t i = 0; i < nsrel_ns_ref_count(ns); i++) {
		const struct nsrel_ref *r = nsrel_ns_ref(ns, i);
		struct tc_buf b = {0};

		if (nsrel_ref_kind(r) == NSREL_REF_HIDDEN)
			continue;
		tc_buf_puts(&b, "• ");
		fmt_ref(&b, st, ns, r, true);
		tc_tree_add(t, tc_buf_steal(&b));
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
	tc_fmt_holder_more(b, st, userns);
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
	tc_fmt_holder_more(b, st, pidns);
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
	tc_fmt_holder_more(b, st, ns);
}
