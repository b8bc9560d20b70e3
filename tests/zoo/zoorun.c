/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zoorun.h"

/* One line from fd, in at most 60 s. */
static char *read_line(int fd, char *why, size_t why_size)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	struct timespec t0, t;

	if (!buf) {
		snprintf(why, why_size, "out of memory");
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		long ms = (t.tv_sec - t0.tv_sec) * 1000 +
			  (t.tv_nsec - t0.tv_nsec) / 1000000;
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (ms > 60000 || poll(&p, 1, (int)(60000 - ms)) == 0) {
			snprintf(why, why_size, "no manifest in 60 s");
			break;
		}
		if (len + 1 == cap) {
			char *b = realloc(buf, cap * 2);
			if (!b) {
				snprintf(why, why_size, "out of memory");
				break;
			}
			buf = b;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(why, why_size,
				 "the zoo exited without a manifest");
			break;
		}
		len += (size_t)n;
		if (memchr(buf, '\n', len)) {
			buf[len] = '\0';
			return buf;
		}
	}
	free(buf);
	return NULL;
}

int zoo_run_start(struct zoo_run *z, const char *path, char *why,
		  size_t why_size)
{
	int in[2], out[2];

	if (pipe2(in, O_CLOEXEC) < 0)
		goto sys_fail;
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		goto sys_fail;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		goto sys_fail;
	}
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	z->pid = pid;
	z->in = in[1];

	char *line = read_line(out[0], why, why_size);
	close(out[0]);
	int rc = -1;
	if (line && strncmp(line, "# SKIP", 6) == 0) {
		snprintf(why, why_size, "%s", line + 2);
		why[strcspn(why, "\n")] = '\0';
		rc = 77;
	} else if (line) {
		z->m = json_tokener_parse(line);
		if (z->m)
			rc = 0;
		else
			snprintf(why, why_size, "manifest is no JSON");
	}
	free(line);
	if (rc != 0) {
		zoo_run_stop(z);
		return rc;
	}
	json_object *d;
	if (json_object_object_get_ex(z->m, "dir", &d))
		snprintf(z->dir, sizeof(z->dir), "%s",
			 json_object_get_string(d));
	return 0;

sys_fail:
	snprintf(why, why_size, "%s", strerror(errno));
	return -1;
}

int zoo_run_wait(struct zoo_run *z)
{
	int status;

	for (int i = 0; i < 6000; i++) {
		pid_t r = waitpid(z->pid, &status, WNOHANG);
		if (r == z->pid) {
			z->pid = -1;
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		}
		usleep(10000);
	}
	kill(z->pid, SIGKILL);
	waitpid(z->pid, NULL, 0);
	z->pid = -1;
	return -1;
}

void zoo_run_stop(struct zoo_run *z)
{
	if (z->in >= 0)
		close(z->in);
	z->in = -1;
	if (z->pid > 0) {
		kill(z->pid, SIGTERM);
		zoo_run_wait(z);
	}
	json_object_put(z->m);
	z->m = NULL;
}

int zoo_run_setup(struct zoo_run *z, const char *path)
{
	if (!path || geteuid() != 0)
		return 0;
	char why[256];
	int r = zoo_run_start(z, path, why, sizeof(why));
	if (r != 0)
		fprintf(stderr, "# the zoo did not start: %s\n", why);
	return r == 0 ? 0 : -1;
}

int64_t zoo_jint(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return -1;
	return json_object_get_int64(v);
}

const char *zoo_jstr(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	return json_object_get_string(v);
}
