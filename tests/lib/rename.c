/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsrel-rename: a process that renames itself as real programs do, for the
 * tests of process names.
 *
 *   nsrel-rename COMM CMDLINE nul|space
 *
 * sets its comm to COMM (prctl(PR_SET_NAME), cut at 15 bytes by the
 * kernel; "" leaves it) and writes CMDLINE over its argv ("" leaves it),
 * as setproctitle() does: the rest of the argv area filled with NULs (its
 * last NUL stays, so /proc/PID/cmdline is CMDLINE and NULs: sshd,
 * chromium) or with spaces (the last NUL is gone, so cmdline is one
 * string). Then it closes its stdout, which tells the test that it is
 * ready, and sleeps until killed or its parent is gone. With fewer
 * arguments (an empty argv, say) it only does the last part.
 *
 *   nsrel-rename empty
 *
 * runs itself again with an empty argv (for callers that cannot pass one).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() == 1)
		return 1;
	if (argc == 2 && strcmp(argv[1], "empty") == 0) {
		char *none[] = {NULL};
		int exe = open("/proc/self/exe", O_PATH | O_CLOEXEC);
		if (exe >= 0)
			fexecve(exe, none, environ);
		return 1;
	}
	if (argc == 4) {
		char *area = argv[0];
		char *end = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
		size_t size = (size_t)(end - area);
		char *title = strdup(argv[2]);
		char pad = strcmp(argv[3], "space") == 0 ? ' ' : '\0';
		if (!title)
			return 1;
		if (argv[1][0] && prctl(PR_SET_NAME, argv[1]) < 0)
			return 1;
		size_t n = strlen(title);
		if (n && n < size) {
			memcpy(area, title, n);
			memset(area + n, pad, size - n);
			if (pad == '\0')
				area[size - 1] = '\0';
		}
		free(title);
	}
	if (close(STDOUT_FILENO) < 0)
		return 1;
	for (;;)
		pause();
}
