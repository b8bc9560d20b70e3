/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * measure [-t SECONDS] [-o FILE] COMMAND [ARG...]: run COMMAND once with
 * stdin on /dev/null and stdout on /dev/null (or FILE), and print
 *
 *   WALL_SECONDS PEAK_RSS_KIB STATUS USER_SECONDS SYS_SECONDS MINFLT SYSCALLS
 *
 * In C rather than in the Python harness because a child's ru_maxrss
 * includes the memory of the process it was forked from (the kernel keeps
 * the high-water mark of the image exec replaced): forked from Python,
 * every command would seem to need 15 MiB. From here the floor is about
 * 1 MiB, which bench/run measures and reports with /bin/true.
 *
 * SYSCALLS is how many system calls COMMAND and its children made, counted
 * by the kernel (perf tracepoint raw_syscalls:sys_enter, counting mode: no
 * tracing, no slowdown), futex(2) left out: how often threads wait for
 * each other depends on the scheduler, not on the work. With MINFLT it is
 * a measure of work that does not depend on how busy the machine is, which
 * the scale test compares at two sizes. -1 where perf events, the
 * tracepoint or its filters are not available.
 *
 * STATUS is the exit status, or 128 + the signal; a run longer than
 * SECONDS (default 600) is killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TRACEPOINT_ID "events/raw_syscalls/sys_enter/id"

static volatile pid_t child;

static void on_alarm(int sig)
{
	(void)sig;
	if (child > 0)
		kill(child, SIGKILL);
}

static long read_id(const char *tracefs)
{
	char path[256], buf[32];
	snprintf(path, sizeof(path), "%s/%s", tracefs, TRACEPOINT_ID);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/*
 * The tracepoint's id is in tracefs, which is often not mounted. Rather
 * than mount it on the host (and leave it there), a child mounts it in a
 * mount namespace of its own, which goes away with it. The id is global.
 */
static long syscall_tracepoint(void)
{
	long id = read_id("/sys/kernel/tracing");
	if (id >= 0)
		return id;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		id = -1;
		if (unshare(CLONE_NEWNS) == 0 &&
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
		    mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) ==
			    0)
			id = read_id("/sys/kernel/tracing");
		(void)!write(p[1], &id, sizeof(id));
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &id, sizeof(id)) != sizeof(id))
		id = -1;
	close(p[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return id;
}

/* A counter of pid's system calls, and its children's, from its exec on. */
static int count_syscalls(pid_t pid)
{
	long id = syscall_tracepoint();
	if (id < 0)
		return -1;
	struct perf_event_attr a = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(a),
		.config = (uint64_t)id,
		.disabled = 1,
		.enable_on_exec = 1,
		.inherit = 1,
		.sample_period = 0,
	};
	int fd = (int)syscall(SYS_perf_event_open, &a, pid, -1, -1,
			      PERF_FLAG_FD_CLOEXEC);
	char filter[32];
	snprintf(filter, sizeof(filter), "id != %d", SYS_futex);
	if (fd >= 0 && ioctl(fd, PERF_EVENT_IOC_SET_FILTER, filter) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static double secs(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	unsigned timeout = 600;
	const char *out = "/dev/null";
	int i = 1;
	while (i + 1 < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "-t") == 0)
			timeout = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "-o") == 0)
			out = argv[i + 1];
		else
			break;
		i += 2;
	}
	if (i >= argc || argv[i][0] == '-') {
		fputs("usage: measure [-t SECONDS] [-o FILE] COMMAND "
		      "[ARG...]\n",
		      stderr);
		return 2;
	}
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0) {
		perror("measure: /dev/null");
		return 1;
	}
	int outfd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (outfd < 0) {
		fprintf(stderr, "measure: %s: %s\n", out, strerror(errno));
		return 1;
	}
	/* The child waits on this until its counter is set up. */
	int go[2];
	if (pipe2(go, O_CLOEXEC) < 0) {
		perror("measure: pipe");
		return 1;
	}
	struct sigaction sa = {.sa_handler = on_alarm};
	sigaction(SIGALRM, &sa, NULL);

	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 1;
	}
	if (pid == 0) {
		/* bench/run kills us when it is interrupted: take the
		 * command along. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		close(go[1]);
		char c;
		if (read(go[0], &c, 1) != 0)
			_exit(127);
		dup2(null, 0);
		dup2(outfd, 1);
		execvp(argv[i], argv + i);
		perror("measure: exec");
		_exit(127);
	}
	child = pid;
	close(go[0]);
	int counter = count_syscalls(pid);
	/* Timed from here: the counter set-up is ours, not the command's. */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	close(go[1]);
	alarm(timeout);
	int status;
	struct rusage ru;
	pid_t r;
	do
		r = wait4(pid, &status, 0, &ru);
	while (r < 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	alarm(0);
	long long calls = -1;
	uint64_t v;
	if (counter >= 0 && read(counter, &v, sizeof(v)) == sizeof(v))
		calls = (long long)v;
	double wall = (double)(t1.tv_sec - t0.tv_sec) +
		      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	int st = WIFEXITED(status) ? WEXITSTATUS(status)
				   : 128 + WTERMSIG(status);
	printf("%.6f %ld %d %.6f %.6f %ld %lld\n", wall, ru.ru_maxrss, st,
	       secs(ru.ru_utime), secs(ru.ru_stime), ru.ru_minflt, calls);
	return 0;
}
