/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The libFuzzer driver for builds without libFuzzer: runs every file of
 * the corpus directories given through LLVMFuzzerTestOneInput(), so the
 * corpus (real /proc text, hostile cases, past crashes) is a regression
 * test in every build. A broken promise aborts; an empty corpus fails.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

static int replay_file(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	size_t size = (size_t)st.st_size, got = 0;
	/* Exactly the file's size: the target copies it, but an overread of
	 * the input itself would show too. */
	uint8_t *data = malloc(size ? size : 1);
	if (!data)
		abort();
	while (got < size) {
		ssize_t n = read(fd, data + got, size - got);
		if (n <= 0) {
			fprintf(stderr, "replay: %s: short read\n", name);
			close(fd);
			free(data);
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	fprintf(stderr, "replay: %s (%zu bytes)\n", name, size);
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 1;
}

int main(int argc, char **argv)
{
	size_t total = 0;
	int failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR...\n", argv[0]);
		return 2;
	}
	for (int a = 1; a < argc; a++) {
		struct dirent **ents;
		int n = scandir(argv[a], &ents, NULL, alphasort);
		if (n < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[a],
				strerror(errno));
			return 1;
		}
		int dirfd = open(argv[a], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[a],
				strerror(errno));
			return 1;
		}
		size_t here = 0;
		for (int i = 0; i < n; i++) {
			if (ents[i]->d_name[0] != '.') {
				int r = replay_file(dirfd, ents[i]->d_name);
				if (r < 0)
					failed = 1;
				else
					here += (size_t)r;
			}
			free(ents[i]);
		}
		free(ents);
		close(dirfd);
		printf("%s: %zu inputs held\n", argv[a], here);
		total += here;
	}
	if (total == 0) {
		fprintf(stderr, "replay: no input in the corpus\n");
		return 1;
	}
	return failed;
}
