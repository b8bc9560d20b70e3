/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Step 1 of identifying containers: the names engines and systemd give the
 * cgroups of containers. One table; pure (no I/O), fuzzed.
 *
 * A /proc/PID/cgroup line is "HIERARCHY:CONTROLLERS:PATH" (v1) or "0::PATH"
 * (v2); a hybrid host has both. Every path is split at '/' and each
 * component matched against the table below, outermost first, so that the
 * innermost match wins: a podman container run inside a docker container
 * is the podman container.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "containers.h"

enum what {
	ID,	 /* the rest is the container's id: 64 hex digits */
	NAME,	 /* the rest is the container's name (and id) */
	UNIT,	 /* as NAME, but systemd-escaped (\x2d for '-') */
	FLATPAK, /* APPID-INSTANCE */
	POD,	 /* a kubepods pod: "pod" UID, or "-pod" UID ".slice" */
};

struct pattern {
	const char *parent; /* the component before must be this; or NULL */
	const char *prefix, *suffix;
	enum what what;
	enum nsrel_engine engine;
	bool last; /* only as the path's last component */
};

static const struct pattern patterns[] = {
	/* dockerd with the systemd cgroup driver:
	 * system.slice/docker-ID.scope */
	{NULL, "docker-", ".scope", ID, NSREL_ENGINE_DOCKER},
	/* dockerd with the cgroupfs driver (cgroup v1's default): /docker/ID */
	{"docker", "", "", ID, NSREL_ENGINE_DOCKER},
	/* podman (libpod), systemd cgroup manager:
	 * machine.slice/libpod-ID.scope (rootful),
	 * user@UID.service/user.slice/libpod-ID.scope (rootless); cgroup v2
	 * puts the payload one level down, libpod-ID.scope/container */
	{NULL, "libpod-", ".scope", ID, NSREL_ENGINE_PODMAN},
	/* podman, cgroupfs manager: /libpod_parent/libpod-ID, and in a pod
	 * /libpod_parent/POD/libpod-ID */
	{NULL, "libpod-", "", ID, NSREL_ENGINE_PODMAN},
	/* containerd's CRI plugin, systemd driver:
	 * kubepods-QOS-podUID.slice/cri-containerd-ID.scope */
	{NULL, "cri-containerd-", ".scope", ID, NSREL_ENGINE_CONTAINERD},
	/* CRI-O: kubepods-QOS-podUID.slice/crio-ID.scope (systemd), and
	 * /kubepods/QOS/podUID/crio-ID (cgroupfs) */
	{NULL, "crio-", ".scope", ID, NSREL_ENGINE_CRIO},
	{NULL, "crio-", "", ID, NSREL_ENGINE_CRIO},
	/* the kubelet's pod cgroups: kubepods-QOS-podUID.slice and
	 * kubepods-podUID.slice (systemd driver, the UID's '-' written '_'),
	 * /kubepods/QOS/podUID and /kubepods/podUID (cgroupfs driver) */
	{NULL, "kubepods-", ".slice", POD, NSREL_ENGINE_KUBERNETES},
	{NULL, "pod", "", POD, NSREL_ENGINE_KUBERNETES},
	/* LXC 4 and later: /lxc.payload.NAME */
	{NULL, "lxc.payload.", "", NAME, NSREL_ENGINE_LXC},
	/* systemd-machined (systemd-nspawn, libvirt):
	 * machine.slice/machine-NAME.scope */
	{NULL, "machine-", ".scope", UNIT, NSREL_ENGINE_MACHINED},
	/* flatpak (through systemd --user):
	 * user@UID.service/app.slice/app-flatpak-APPID-INSTANCE.scope */
	{NULL, "app-flatpak-", ".scope", FLATPAK, NSREL_ENGINE_FLATPAK},
	/* the kubelet's cgroupfs layout without a runtime's prefix,
	 * /kubepods/QOS/podUID/ID (containerd), and containerd's own default
	 * for ctr, /NAMESPACE/ID: an OCI runtime's container named by its
	 * id alone */
	{NULL, "", "", ID, NSREL_ENGINE_OCI, true},
};

bool nsrel__is_container_id(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool is_uid_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F') || c == '-' || c == '_';
}

static void copy(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* systemd's unit name escaping: \xNN for a byte. */
static void copy_unescaped(char *dst, size_t size, const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < size; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' &&
		    hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0) {
			char c = (char)(hexval(s[i + 2]) * 16 +
					hexval(s[i + 3]));
			if (c) {
				dst[k++] = c;
				i += 3;
				continue;
			}
		}
		dst[k++] = s[i];
	}
	dst[k] = '\0';
}

/* A pod UID: 36 characters of hex digits and dashes (or underscores,
 * which the systemd driver writes for them); given with '-'. */
static bool pod_uid(const char *s, size_t n, char *out, size_t size)
{
	if (n < 8 || n >= size)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_uid_char(s[i]))
			return false;
		out[i] = s[i] == '_' ? '-' : s[i];
	}
	out[n] = '\0';
	return true;
}

/* Matches one component (with the one before it) against pattern p. */
static bool match_one(const struct pattern *p, const char *prev, size_t prev_n,
		      const char *c, size_t n, struct nsrel__cgroup_match *m)
{
	if (p->parent && (prev_n != strlen(p->parent) ||
			  memcmp(prev, p->parent, prev_n) != 0))
		return false;
	size_t pl = strlen(p->prefix), sl = strlen(p->suffix);
	if (n < pl + sl || memcmp(c, p->prefix, pl) != 0 ||
	    memcmp(c + n - sl, p->suffix, sl) != 0)
		return false;
	const char *r = c + pl;
	size_t rn = n - pl - sl;
	if (!rn)
		return false;
	switch (p->what) {
	case ID:
		if (!nsrel__is_container_id(r, rn))
			return false;
		m->engine = p->engine;
		copy(m->id, sizeof(m->id), r, rn);
		m->name[0] = m->group[0] = '\0';
		/* podman's pods: /libpod_parent/PODID/libpod-ID (cgroupfs),
		 * machine-libpod_pod_PODID.slice/libpod-ID.scope (systemd) */
		if (p->engine == NSREL_ENGINE_PODMAN) {
			static const char pp[] = "machine-libpod_pod_";
			if (nsrel__is_container_id(prev, prev_n))
				copy(m->group, sizeof(m->group), prev, prev_n);
			else if (prev_n == sizeof(pp) - 1 + 64 + 6 &&
				 memcmp(prev, pp, sizeof(pp) - 1) == 0 &&
				 nsrel__is_container_id(prev + sizeof(pp) - 1,
							64) &&
				 memcmp(prev + prev_n - 6, ".slice", 6) == 0)
				copy(m->group, sizeof(m->group),
				     prev + sizeof(pp) - 1, 64);
		}
		return true;
	case NAME:
		m->engine = p->engine;
		copy(m->id, sizeof(m->id), r, rn);
		copy(m->name, sizeof(m->name), r, rn);
		return true;
	case UNIT:
		m->engine = p->engine;
		copy_unescaped(m->name, sizeof(m->name), r, rn);
		copy(m->id, sizeof(m->id), m->name, strlen(m->name));
		return true;
	case FLATPAK: {
		/* APPID-INSTANCE: the instance is the digits after the
		 * last '-'. */
		const char *dash = memrchr(r, '-', rn);
		if (!dash || dash == r || dash + 1 == r + rn)
			return false;
		for (const char *q = dash + 1; q < r + rn; q++)
			if (*q < '0' || *q > '9')
				return false;
		m->engine = p->engine;
		copy(m->name, sizeof(m->name), r, (size_t)(dash - r));
		copy(m->id, sizeof(m->id), r, rn);
		return true;
	}
	case POD: {
		/* kubepods-QOS-podUID.slice, kubepods-podUID.slice, podUID */
		const char *u = r;
		size_t un = rn;
		if (strcmp(p->prefix, "pod") != 0) {
			const char *q = memmem(r, rn, "pod", 3);
			if (q && q != r && q[-1] != '-')
				q = NULL;
			if (!q)
				return false;
			u = q + 3;
			un = rn - (size_t)(u - r);
		}
		char uid[sizeof(m->pod_uid)] = {0};
		if (!pod_uid(u, un, uid, sizeof(uid)))
			return false;
		memcpy(m->pod_uid, uid, sizeof(uid));
		/* A runtime's match inside the pod (the next component)
		 * replaces this; until then it is a pod. */
		m->engine = NSREL_ENGINE_KUBERNETES;
		m->id[0] = m->name[0] = m->group[0] = '\0';
		return true;
	}
	}
	return false;
}

static void match_path(const char *path, size_t len,
		       struct nsrel__cgroup_match *best)
{
	struct nsrel__cgroup_match m = {0};
	const char *prev = "";
	size_t prev_n = 0;
	const char *end = path + len;
	for (const char *c = path; c < end;) {
		const char *slash = memchr(c, '/', (size_t)(end - c));
		size_t n = slash ? (size_t)(slash - c) : (size_t)(end - c);
		if (n) {
			for (size_t i = 0;
			     i < sizeof(patterns) / sizeof(*patterns); i++) {
				struct nsrel__cgroup_match t = m;
				if (patterns[i].last && slash &&
				    slash + 1 < end)
					continue;
				if (match_one(&patterns[i], prev, prev_n, c, n,
					      &t)) {
					m = t;
					break;
				}
			}
		}
		prev = c;
		prev_n = n;
		c += n + 1;
	}
	/* A pod's cgroup without a container in it (the pod's own slice)
	 * names no container. */
	if (m.engine == NSREL_ENGINE_NONE || !m.id[0])
		return;
	/* The most informative line wins: one with a pod, then a named
	 * engine over "oci". */
	int score = 1 + (m.pod_uid[0] ? 2 : 0) +
		    (m.engine != NSREL_ENGINE_OCI &&
		     m.engine != NSREL_ENGINE_KUBERNETES);
	int best_score =
		best->engine == NSREL_ENGINE_NONE
			? 0
			: 1 + (best->pod_uid[0] ? 2 : 0) +
				  (best->engine != NSREL_ENGINE_OCI &&
				   best->engine != NSREL_ENGINE_KUBERNETES);
	if (score > best_score)
		*best = m;
}

int nsrel__cgroup_match(const char *text, size_t len,
			struct nsrel__cgroup_match *ret)
{
	*ret = (struct nsrel__cgroup_match){0};
	const char *end = text + len;
	for (const char *line = text; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *le = nl ? nl : end;
		/* HIERARCHY:CONTROLLERS:PATH; the path may hold ':' */
		const char *c1 = memchr(line, ':', (size_t)(le - line));
		const char *c2 =
			c1 ? memchr(c1 + 1, ':', (size_t)(le - c1 - 1)) : NULL;
		if (c2)
			match_path(c2 + 1, (size_t)(le - c2 - 1), ret);
		line = le + 1;
	}
	/* A kubepods container without a runtime's prefix: the kubelet's
	 * pod, whose runtime is not recorded. */
	if (ret->engine == NSREL_ENGINE_OCI && ret->pod_uid[0])
		ret->engine = NSREL_ENGINE_KUBERNETES;
	return ret->engine != NSREL_ENGINE_NONE;
}
