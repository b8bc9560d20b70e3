/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * floor: the least work any namespace lister must do, as the benchmark's
 * yardstick. List /proc and stat each process's eight /proc/PID/ns links
 * (fstatat relative to /proc, following the link to the nsfs inode);
 * nothing else. Prints how many links it could stat.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const types[] = {"mnt",  "cgroup", "uts", "ipc",
				    "user", "pid",    "net", "time"};

int main(void)
{
	DIR *d = opendir("/proc");
	if (!d) {
		perror("floor: /proc");
		return 1;
	}
	int proc = dirfd(d);
	unsigned long n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		char path[sizeof(e->d_name) + 16];
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
			struct stat st;
			snprintf(path, sizeof(path), "%s/ns/%s", e->d_name,
				 types[i]);
			if (fstatat(proc, path, &st, 0) == 0)
				n++;
		}
	}
	closedir(d);
	printf("%lu\n", n);
	return 0;
}
