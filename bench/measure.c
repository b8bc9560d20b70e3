/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * measure [-t SECONDS] COMMAND [ARG...]: run COMMAND once with stdin and
 * stdout on /dev/null, and print "WALL_SECONDS PEAK_RSS_KIB STATUS".
 *
 * In C rather than in the Python harness because a child's ru_maxrss
 * includes the memory of the process it was forked from (the kernel keeps
 * the high-water mark of the image exec replaced): forked from Python,
 * every command would seem to need 15 MiB. From here the floor is about
 * 1 MiB, which bench/run measures and reports with /bin/true.
 *
 * STATUS is the exit status, or 128 + the signal; a run longer than
 * SECONDS (default 600) is killed.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child;

static void on_alarm(int sig)
{
	(void)sig;
	if (child > 0)
		kill(child, SIGKILL);
}

int main(int argc, char **argv)
{
	unsigned timeout = 600;
	int i = 1;
	if (i + 1 < argc && strcmp(argv[i], "-t") == 0) {
		timeout = (unsigned)strtoul(argv[i + 1], NULL, 10);
		i += 2;
	}
	if (i >= argc) {
		fputs("usage: measure [-t SECONDS] COMMAND [ARG...]\n", stderr);
		return 2;
	}
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0) {
		perror("measure: /dev/null");
		return 1;
	}
	struct sigaction sa = {.sa_handler = on_alarm};
	sigaction(SIGALRM, &sa, NULL);

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
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
		dup2(null, 0);
		dup2(null, 1);
		execvp(argv[i], argv + i);
		perror("measure: exec");
		_exit(127);
	}
	child = pid;
	alarm(timeout);
	int status;
	struct rusage ru;
	pid_t r;
	do
		r = wait4(pid, &status, 0, &ru);
	while (r < 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	alarm(0);
	double wall = (double)(t1.tv_sec - t0.tv_sec) +
		      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	int st = WIFEXITED(status) ? WEXITSTATUS(status)
				   : 128 + WTERMSIG(status);
	printf("%.6f %ld %d\n", wall, ru.ru_maxrss, st);
	return 0;
}
