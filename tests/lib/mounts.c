/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mounts.h"

static void unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' &&
		    r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 +
				      (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

int fixture_mounts_foreach(fixture_mount_fn fn, void *ctx)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int r = 0;

	if (!f)
		return -errno;
	while (r == 0 && getline(&line, &cap, f) > 0) {
		/* id parent maj:min root mountpoint options... - fstype ... */
		char *sep = strstr(line, " - ");
		char *save = NULL, *point, *fstype;
		int id = atoi(line);

		if (!sep)
			continue;
		*sep = '\0';
		fstype = strtok_r(sep + 3, " ", &save);
		point = strtok_r(line, " ", &save);
		for (int i = 0; point && i < 4; i++)
			point = strtok_r(NULL, " ", &save);
		if (!point || !fstype)
			continue;
		unescape(point);
		r = fn(id, point, fstype, ctx);
	}
	free(line);
	fclose(f);
	return r;
}

struct under {
	const char *dir;
	size_t len;
	bool report;
	int n;
};

static int count_under(int id, const char *point, const char *fstype, void *ctx)
{
	struct under *u = ctx;

	(void)id;
	(void)fstype;
	if (strncmp(point, u->dir, u->len) == 0 &&
	    (point[u->len] == '\0' || point[u->len] == '/')) {
		if (u->report)
			printf("# left mounted: %s\n", point);
		u->n++;
	}
	return 0;
}

int fixture_mounts_under(const char *dir, bool report)
{
	struct under u = {.dir = dir, .len = strlen(dir), .report = report};
	int r = fixture_mounts_foreach(count_under, &u);

	return r < 0 ? r : u.n;
}

static int add_mount(const char *point, int id, struct fixture_mounts *m)
{
	struct fixture_mount *v = realloc(m->m, (m->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	m->m = v;
	v[m->n].id = id;
	v[m->n].point = strdup(point);
	if (!v[m->n].point)
		return -ENOMEM;
	m->n++;
	return 0;
}

static int read_one(int id, const char *point, const char *fstype, void *ctx)
{
	(void)fstype;
	return add_mount(point, id, ctx);
}

void fixture_mounts_free(struct fixture_mounts *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->m[i].point);
	free(m->m);
	*m = (struct fixture_mounts){0};
}

int fixture_mounts_read(struct fixture_mounts *ret)
{
	struct fixture_mounts m = {0};
	int r = fixture_mounts_foreach(read_one, &m);

	if (r < 0) {
		fixture_mounts_free(&m);
		return r;
	}
	*ret = m;
	return 0;
}

int fixture_mounts_added(const struct fixture_mounts *before,
			 struct fixture_mounts *ret_added)
{
	struct fixture_mounts now, added = {0};
	int r = fixture_mounts_read(&now);

	for (size_t i = 0; r == 0 && i < now.n; i++) {
		bool old = false;

		for (size_t j = 0; j < before->n && !old; j++)
			old = now.m[i].id == before->m[j].id &&
			      strcmp(now.m[i].point, before->m[j].point) == 0;
		if (!old)
			r = add_mount(now.m[i].point, now.m[i].id, &added);
	}
	fixture_mounts_free(&now);
	if (r < 0 || !ret_added) {
		int n = (int)added.n;

		fixture_mounts_free(&added);
		return r < 0 ? r : n;
	}
	*ret_added = added;
	return (int)added.n;
}

int fixture_in_own_mntns(int (*fn)(void *), void *arg)
{
	int p[2], status, result = -1;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (pid == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
			result = -errno;
			printf("# own mount namespace: %s\n", strerror(errno));
		} else {
			result = fn(arg);
		}
		fflush(NULL);
		n = write(p[1], &result, sizeof(result));
		_exit(n == sizeof(result) ? 0 : 1);
	}
	close(p[1]);
	do
		n = read(p[0], &result, sizeof(result));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return n == sizeof(result) ? result : -EPIPE;
}
