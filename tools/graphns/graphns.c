/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * graphns: the user and PID namespace hierarchies as one graph, shown in a
 * viewer window or written to a file (SVG, PNG, PDF, DOT).
 *
 * Under sudo, discovery needs root but a window does not: the graph is
 * rendered to SVG as root, then a child drops to the invoking user for good
 * and runs the viewer, after a fresh exec of this program that reads the SVG
 * from a sealed memfd. No GUI code runs as root.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "err.h"
#include "escape.h"
#include "graph.h"
#include "nsrel.h"
#include "scan.h"
#include "viewer.h"
#include "web.h"

static const char *prog = "graphns";

static const char *const formats[] = {"svg", "png", "pdf", "dot", "html"};

static void usage(void)
{
	printf("Usage: %s [OPTIONS]\n"
	       "\n"
	       "Show the user and PID namespace hierarchies as a graph: in a\n"
	       "viewer window, or written to a file.\n"
	       "\n"
	       "Options:\n"
	       "  -d, --details         also show the namespaces each user\n"
	       "                        namespace owns\n"
	       "  -p, --task=PID        only the branches that lead to the\n"
	       "                        user and PID namespaces of process\n"
	       "                        PID; with -d, only the namespaces it\n"
	       "                        is in; these are marked \"<- PID N\"\n"
	       "  -g, --group=N         with -d, more than N namespaces of "
	       "one\n"
	       "                        type under one owner as one node\n"
	       "                        (default %d; 0: never)\n"
	       "  -A, --no-owner-arrows no arrow from a PID namespace to its\n"
	       "                        owner\n"
	       "  -o, --output=FILE     write the graph to FILE ('-' for\n"
	       "                        stdout) instead of opening a window\n"
	       "  -T, --format=FORMAT   svg, png, pdf, dot or html (a page\n"
	       "                        that needs nothing else; default:\n"
	       "                        from the name of FILE)\n"
	       "      --backend=WHICH   where namespaces are found: auto\n"
	       "                        (default), proc (/proc) or bpf (the\n"
	       "                        kernel's BPF iterators)\n"
	       "      --engine-socket=PATH\n"
	       "                        the one engine API socket to ask\n"
	       "                        (default: /run/docker.sock and\n"
	       "                        /run/podman/podman.sock)\n"
	       "      --no-engine-api   ask no engine for container names\n"
	       "  -h, --help            show this help and exit\n"
	       "  -V, --version         show the version and exit\n"
	       "\n"
	       "In the viewer:\n",
	       prog, GRAPH_GROUP_DEFAULT);
	viewer_print_keys(stdout, "  ");
}

static const char *format_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcasecmp(name, formats[i]) == 0)
			return formats[i];
	if (strcasecmp(name, "gv") == 0)
		return "dot";
	if (strcasecmp(name, "htm") == 0)
		return "html";
	return NULL;
}

static const char *format_of_file(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash + 1 : path, '.');

	return dot ? format_of(dot + 1) : NULL;
}

static bool have_display(void)
{
	const char *x = getenv("DISPLAY");
	const char *w = getenv("WAYLAND_DISPLAY");

	return (x && *x) || (w && *w);
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- The output file ---------------------------------------------------- */

/*
 * -o FILE is opened before the scan, so that a FILE that cannot be written
 * fails at once. A regular file, or a new one, is written as a temporary
 * file beside it and renamed over it once complete: a failure leaves FILE
 * as it was, or absent. Anything else (a device, a FIFO, a symbolic link)
 * and a file in a directory we may not write is written in place.
 */
static struct {
	const char *path; /* "-": stdout */
	char *tmp;	  /* the temporary file, until it is renamed */
	int fd;
	bool truncate; /* a regular file written in place */
} out = {.fd = -1};

static void output_discard(void)
{
	if (out.tmp) {
		unlink(out.tmp);
		free(out.tmp);
		out.tmp = NULL;
	}
}

static int output_fail(const char *what, int err)
{
	char *esc = tc_escape(out.path);

	fprintf(stderr, "%s: cannot %s %s: %s\n", prog, what, esc,
		strerror(err));
	free(esc);
	return 1;
}

/* A temporary file beside path with the mode path has or would get. */
static int output_open_tmp(const struct stat *st)
{
	const char *slash = strrchr(out.path, '/');
	int dirlen = slash ? (int)(slash - out.path + 1) : 0;
	mode_t mask = umask(0);

	umask(mask);
	if (asprintf(&out.tmp, "%.*s.%s.XXXXXX", dirlen, out.path,
		     out.path + dirlen) < 0) {
		out.tmp = NULL;
		return -ENOMEM;
	}
	out.fd = mkostemp(out.tmp, O_CLOEXEC);
	if (out.fd < 0) {
		int r = -errno;

		free(out.tmp);
		out.tmp = NULL;
		return r;
	}
	atexit(output_discard);
	if (fchmod(out.fd, st ? st->st_mode & 07777 : 0666 & ~mask) < 0)
		return -errno;
	return 0;
}

static int output_open(const char *path, const char *format)
{
	bool binary = strcmp(format, "png") == 0 || strcmp(format, "pdf") == 0;
	struct stat st;
	bool exists;
	int r;

	out.path = path;
	if (strcmp(path, "-") == 0) {
		if (binary && isatty(STDOUT_FILENO)) {
			fprintf(stderr,
				"%s: not writing %s to a terminal; use "
				"-o FILE\n",
				prog, format);
			return 1;
		}
		out.fd = STDOUT_FILENO;
		return 0;
	}
	exists = lstat(path, &st) == 0;
	if (!exists || S_ISREG(st.st_mode)) {
		r = output_open_tmp(exists ? &st : NULL);
		if (r == 0)
			return 0;
		if (!exists || (r != -EACCES && r != -EPERM && r != -EROFS))
			return output_fail("open", -r);
		out.truncate = true;
	}
	out.fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (out.fd < 0)
		return output_fail("open", errno);
	return 0;
}

static int output_write(const char *data, size_t len)
{
	int r = 0;

	if (out.truncate && ftruncate(out.fd, 0) < 0)
		r = -errno;
	if (r == 0)
		r = write_all(out.fd, data, len);
	if (out.fd != STDOUT_FILENO && close(out.fd) < 0 && r == 0)
		r = -errno;
	out.fd = -1;
	if (r == 0 && out.tmp && rename(out.tmp, out.path) < 0)
		r = -errno;
	if (r < 0) {
		if (strcmp(out.path, "-") == 0) {
			fprintf(stderr, "%s: cannot write the graph: %s\n",
				prog, strerror(-r));
			return 1;
		}
		return output_fail("write", -r);
	}
	free(out.tmp);
	out.tmp = NULL;
	return 0;
}

/* ---- Dropping root for the viewer ---------------------------------------- */

static int parse_id(const char *s, unsigned long *ret)
{
	unsigned long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= (unsigned long)(uid_t)-1)
		return -EINVAL;
	*ret = v;
	return 0;
}

/*
 * Drops to uid/gid for good, with the user's supplementary groups, and
 * checks that root cannot be regained. Returns 0 or a negative errno.
 */
static int drop_privileges(uid_t uid, gid_t gid, const char *user)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (user ? initgroups(user, gid) < 0 : setgroups(1, &gid) < 0)
		return -errno;
	if (setresgid(gid, gid, gid) < 0)
		return -errno;
	if (setresuid(uid, uid, uid) < 0)
		return -errno;
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return -errno;
	if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid ||
	    sg != gid)
		return -EPERM;
	/* With every uid changed the kernel has cleared the capabilities; if
	 * anything kept them, this would succeed. */
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return -EPERM;
	if (gid != 0 && (setgid(0) == 0 || setegid(0) == 0))
		return -EPERM;
	return 0;
}

#define PRIVATE_RUNTIME "/tmp/graphns-runtime-"

static bool own_dir(const char *path, uid_t uid)
{
	struct stat st;

	return path && *path == '/' && lstat(path, &st) == 0 &&
	       S_ISDIR(st.st_mode) && st.st_uid == uid &&
	       (st.st_mode & 077) == 0;
}

/*
 * The user's own session, not root's: what sudo may have reset. The
 * runtime directory is the user's (XDG_RUNTIME_DIR, else /run/user/UID)
 * when it is theirs alone; else a private one is made, whose path is
 * returned (caller frees), to be removed when the viewer is done.
 */
static char *user_environment(uid_t uid, const struct passwd *pw)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	char path[64], *priv;

	if (pw) {
		setenv("HOME", pw->pw_dir, 1);
		setenv("USER", pw->pw_name, 1);
		setenv("LOGNAME", pw->pw_name, 1);
	}
	if (own_dir(rt, uid))
		return NULL;
	snprintf(path, sizeof(path), "/run/user/%lu", (unsigned long)uid);
	if (own_dir(path, uid)) {
		setenv("XDG_RUNTIME_DIR", path, 1);
		return NULL;
	}
	priv = strdup(PRIVATE_RUNTIME "XXXXXX");
	if (priv && mkdtemp(priv)) {
		setenv("XDG_RUNTIME_DIR", priv, 1);
		return priv;
	}
	free(priv);
	unsetenv("XDG_RUNTIME_DIR");
	return NULL;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	remove(path);
	return 0;
}

/* The private runtime directory user_environment() made, with what GTK
 * left in it; only one of ours, owned by us. */
static void remove_private_runtime(const char *dir)
{
	if (!dir || strncmp(dir, PRIVATE_RUNTIME, strlen(PRIVATE_RUNTIME)) ||
	    strstr(dir, "/..") || !own_dir(dir, getuid()))
		return;
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static int memfd_with(const char *data, size_t len)
{
	int fd = memfd_create("graphns-svg", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return -errno;
	if (write_all(fd, data, len) < 0 || lseek(fd, 0, SEEK_SET) < 0 ||
	    fcntl(fd, F_ADD_SEALS,
		  F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) <
		    0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

/* fd, at 3 or above, kept across exec; -1 if that fails. */
static int inherited(int fd)
{
	if (fd < 3)
		return fcntl(fd, F_DUPFD, 3);
	return fcntl(fd, F_SETFD, 0) < 0 ? -1 : fd;
}

static int view_as(uid_t uid, gid_t gid, const char *svg, size_t len,
		   const struct viewer_opts *vopts)
{
	char *user = NULL;
	struct passwd *pw;
	int memfd, dotfd = -1, exefd, status, r;
	pid_t pid;

	/* Everything that needs root or the root view happens before fork. */
	errno = 0;
	pw = getpwuid(uid);
	if (pw)
		user = pw->pw_name;
	memfd = memfd_with(svg, len);
	if (memfd >= 0 && vopts->dot) {
		dotfd = memfd_with(vopts->dot, vopts->dot_len);
		if (dotfd < 0) {
			close(memfd);
			memfd = dotfd;
		}
	}
	if (memfd < 0) {
		fprintf(stderr, "%s: cannot pass the graph on: %s\n", prog,
			strerror(-memfd));
		return 1;
	}
	exefd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: cannot fork: %s\n", prog, strerror(errno));
		close(memfd);
		if (dotfd >= 0)
			close(dotfd);
		if (exefd >= 0)
			close(exefd);
		return 1;
	}
	if (pid == 0) {
		char fdarg[32], dotarg[32], *runtime, *rtarg = NULL;
		char *argv[8] = {(char *)prog, fdarg, "--title",
				 (char *)vopts->title};
		int fd = memfd, k = 4, code;

		r = drop_privileges(uid, gid, user);
		if (r < 0) {
			fprintf(stderr,
				"%s: cannot drop to uid %lu gid %lu for the "
				"viewer: %s\n",
				prog, (unsigned long)uid, (unsigned long)gid,
				strerror(-r));
			_exit(1);
		}
		runtime = user_environment(uid, pw);
		if (vopts->trace)
			argv[k++] = "--viewer-trace";
		if (runtime &&
		    asprintf(&rtarg, "--runtime-dir=%s", runtime) > 0)
			argv[k++] = rtarg;
		fd = inherited(memfd);
		if (fd < 0)
			_exit(1);
		snprintf(fdarg, sizeof(fdarg), "--viewer-fd=%d", fd);
		if (dotfd >= 0) {
			fd = inherited(dotfd);
			if (fd < 0)
				_exit(1);
			snprintf(dotarg, sizeof(dotarg), "--viewer-dot-fd=%d",
				 fd);
			argv[k++] = dotarg;
		}
		/* A fresh image: nothing of the root process but the
		 * SVG. */
		if (exefd >= 0)
			fexecve(exefd, argv, environ);
		/* The user may not execute this copy of the program (a build
		 * directory only root can read): view from what this child
		 * already holds, still without root. */
		code = viewer_run(svg, len, vopts);
		remove_private_runtime(runtime);
		_exit(code);
	}
	close(memfd);
	if (dotfd >= 0)
		close(dotfd);
	if (exefd >= 0)
		close(exefd);
	while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (r < 0)
		return 1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* What a root parent's memfd holds (--viewer-fd, --viewer-dot-fd), to be
 * freed with munmap(), or NULL after saying why. */
static char *map_fd(int fd, const char *what, size_t *ret_len)
{
	struct stat st;
	char *data;

	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		fprintf(stderr, "%s: %s: nothing in fd %d\n", prog, what, fd);
		close(fd);
		return NULL;
	}
	data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (data == MAP_FAILED) {
		fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
		return NULL;
	}
	*ret_len = (size_t)st.st_size;
	return data;
}

/* The SVG (and the graph source, dotfd >= 0) from the memfds of a root
 * parent. */
static int view_fd(int fd, int dotfd, struct viewer_opts *vopts,
		   const char *runtime)
{
	char *data, *dot = NULL;
	size_t len, dot_len = 0;
	int r;

	data = map_fd(fd, "--viewer-fd", &len);
	if (dotfd >= 0)
		dot = map_fd(dotfd, "--viewer-dot-fd", &dot_len);
	if (!data || (dotfd >= 0 && !dot)) {
		if (data)
			munmap(data, len);
		return 1;
	}
	vopts->dot = dot;
	vopts->dot_len = dot_len;
	r = viewer_run(data, len, vopts);
	munmap(data, len);
	if (dot)
		munmap(dot, dot_len);
	remove_private_runtime(runtime);
	return r;
}

static char *make_title(const struct graph_stats *st, bool details)
{
	char host[HOST_NAME_MAX + 1] = "";
	char *esc, *title;

	gethostname(host, sizeof(host) - 1);
	esc = tc_escape(host);
	if (asprintf(&title,
		     "graphns: %zu user and %zu PID namespace%s%s on %s "
		     "(h: help)",
		     st->userns, st->pidns, st->pidns == 1 ? "" : "s",
		     details ? ", with owned namespaces" : "", esc) < 0)
		title = NULL;
	free(esc);
	return title;
}

/* What the command line asks for. */
struct args {
	struct graph_opts gopts;
	pid_t task;	     /* -p PID, or 0 */
	const char *output;  /* -o FILE, "-": stdout; NULL: a window */
	const char *format;  /* -T, or from FILE */
	const char *title;   /* --title */
	int viewer_fd;	     /* --viewer-fd, or -1 */
	int viewer_dot_fd;   /* --viewer-dot-fd, or -1 */
	const char *runtime; /* --runtime-dir: the viewer's to remove */
	bool trace;	     /* --viewer-trace */
	bool bench;	     /* --bench-redraw */
	const char *png;     /* --viewer-png */
	bool timing;	     /* --timing */
};

static void parse_args(int argc, char **argv, struct args *a)
{
	enum {
		OPT_VIEWER_FD = 0x100,
		OPT_VIEWER_DOT_FD,
		OPT_TITLE,
		OPT_RUNTIME,
		OPT_TRACE,
		OPT_BENCH,
		OPT_PNG,
		OPT_TIMING,
	};
	static const struct option longopts[] = {
		{"details", no_argument, NULL, 'd'},
		{"task", required_argument, NULL, 'p'},
		{"group", required_argument, NULL, 'g'},
		{"no-owner-arrows", no_argument, NULL, 'A'},
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'T'},
		TC_BACKEND_LONGOPT,
		TC_ENGINE_LONGOPTS,
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		/* Internal: the viewer half after dropping root. */
		{"viewer-fd", required_argument, NULL, OPT_VIEWER_FD},
		{"viewer-dot-fd", required_argument, NULL, OPT_VIEWER_DOT_FD},
		{"title", required_argument, NULL, OPT_TITLE},
		{"runtime-dir", required_argument, NULL, OPT_RUNTIME},
		/* For the tests: what the viewer does, on stderr; the
		 * redraw benchmark, without a display. */
		{"viewer-trace", no_argument, NULL, OPT_TRACE},
		{"bench-redraw", no_argument, NULL, OPT_BENCH},
		/* The README's screenshot: the first view as a PNG file,
		 * without a display. */
		{"viewer-png", required_argument, NULL, OPT_PNG},
		/* Internal: bench/graphns's split of the time. */
		{"timing", no_argument, NULL, OPT_TIMING},
		{0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "dp:g:Ao:T:hV", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'd':
			a->gopts.details = true;
			break;
		case 'p':
			a->task = tc_parse_pid_arg(optarg);
			break;
		case 'g': {
			unsigned long v;

			if (parse_id(optarg, &v) < 0)
				tc_usage_error("bad --group \"%s\" (a number)",
					       tc_escape(optarg));
			a->gopts.group = v;
			break;
		}
		case 'A':
			a->gopts.no_owners = true;
			break;
		case 'o':
			a->output = optarg;
			break;
		case 'T':
			a->format = format_of(optarg);
			if (!a->format)
				tc_usage_error("unknown format \"%s\" (svg, "
					       "png, pdf, dot or html)",
					       tc_escape(optarg));
			break;
		case OPT_VIEWER_FD:
		case OPT_VIEWER_DOT_FD: {
			unsigned long v;

			if (parse_id(optarg, &v) < 0 || v > INT_MAX)
				tc_usage_error("bad --%s \"%s\"",
					       c == OPT_VIEWER_FD
						       ? "viewer-fd"
						       : "viewer-dot-fd",
					       tc_escape(optarg));
			if (c == OPT_VIEWER_FD)
				a->viewer_fd = (int)v;
			else
				a->viewer_dot_fd = (int)v;
			break;
		}
		case OPT_TITLE:
			a->title = optarg;
			break;
		case OPT_RUNTIME:
			a->runtime = optarg;
			break;
		case OPT_TRACE:
			a->trace = true;
			break;
		case OPT_BENCH:
			a->bench = true;
			break;
		case OPT_PNG:
			a->png = optarg;
			break;
		case OPT_TIMING:
			a->timing = true;
			break;
		default:
			tc_common_opt(c, usage);
		}
	}
	tc_no_operands(argc, argv);
}

/* The format from the name of the output file, and stdout for -T alone;
 * a usage error when neither -T nor the name says the format. */
static void settle_output(struct args *a)
{
	if (a->output && !a->format) {
		a->format = strcmp(a->output, "-") == 0
				    ? NULL
				    : format_of_file(a->output);
		if (!a->format)
			tc_usage_error("cannot tell the format of \"%s\"; use "
				       "-T svg, png, pdf, dot or html",
				       tc_escape(a->output));
	}
	if (a->format && !a->output)
		a->output = "-";
}

/*
 * The user that sudo ran us for: SUDO_UID, with SUDO_GID or else that
 * user's group from the passwd database. Returns 0, or 1 after saying
 * what is wrong.
 */
static int sudo_user(unsigned long *ret_uid, unsigned long *ret_gid)
{
	if (parse_id(getenv("SUDO_UID"), ret_uid) < 0) {
		fprintf(stderr, "%s: SUDO_UID is not a user id\n", prog);
		return 1;
	}
	if (getenv("SUDO_GID")) {
		if (parse_id(getenv("SUDO_GID"), ret_gid) < 0) {
			fprintf(stderr, "%s: SUDO_GID is not a group id\n",
				prog);
			return 1;
		}
	} else {
		struct passwd *pw = getpwuid((uid_t)*ret_uid);

		if (!pw) {
			fprintf(stderr,
				"%s: SUDO_UID %lu without SUDO_GID and "
				"without a passwd entry\n",
				prog, *ret_uid);
			return 1;
		}
		*ret_gid = pw->pw_gid;
	}
	return 0;
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The graph of m with every group's members, as DOT, into ret->dot (NULL
 * where there is no group), for the viewer to expand groups from: a
 * graph of its own, so that the one drawn now has no members to delete.
 * Returns 0 or -ENOMEM. */
static int graph_source(const struct nsrel_model *m,
			const struct graph_opts *opts, struct viewer_opts *ret)
{
	struct graph_opts o = *opts;
	struct graph_stats st;
	Agraph_t *g;

	ret->dot = NULL;
	o.members = true;
	g = graph_build(m, &o, &st);
	if (!g)
		return -ENOMEM;
	if (st.groups > 0)
		ret->dot = graph_write(g, &ret->dot_len);
	agclose(g);
	return st.groups > 0 && !ret->dot ? -ENOMEM : 0;
}

/* Scans, builds the graph and renders it in format ("html": the SVG in
 * a page). With timing, says on stderr how long each step took. With
 * ret_dot, also the graph source the viewer expands groups from (into
 * ->dot, caller frees). Returns 0, or 1 after saying what failed. */
static int render(const struct graph_opts *opts, pid_t task, const char *format,
		  bool timing, char **ret_data, size_t *ret_len,
		  struct graph_stats *ret_stats, struct viewer_opts *ret_dot)
{
	struct graph_opts o = *opts, *gopts = &o;
	bool html = strcmp(format, "html") == 0;
	struct graph_times gt = {0};
	double t0 = seconds(), t1, t2, t3 = 0;
	struct nsrel_model *m;
	char *data, *title;
	size_t len;
	Agraph_t *g;

	m = tc_scan(gopts->details ? 0 : CLONE_NEWUSER | CLONE_NEWPID, 0);
	tc_report_view(m);
	if (task) {
		/* The process and both its namespaces, or exit 1 saying
		 * which is not known. */
		tc_find_task_ns(m, task, CLONE_NEWPID, &o.task);
		tc_find_task_ns(m, task, CLONE_NEWUSER, &o.task);
	}

	t1 = seconds();
	g = graph_build(m, &o, ret_stats);
	if (g && ret_dot && ret_stats->groups > 0 &&
	    graph_source(m, &o, ret_dot) < 0) {
		agclose(g);
		g = NULL;
	}
	t2 = seconds();
	if (!g) {
		fprintf(stderr, "%s: out of memory\n", prog);
		nsrel_model_free(m);
		return 1;
	}
	if (graph_render(g, html ? "svg" : format, &data, &len, &gt) < 0) {
		fprintf(stderr, "%s: Graphviz cannot render %s\n", prog,
			format);
		agclose(g);
		nsrel_model_free(m);
		return 1;
	}
	agclose(g);
	if (html) {
		double p0 = seconds();

		title = make_title(ret_stats, gopts->details);
		*ret_data = web_page(m, gopts, data, len, title, ret_len);
		free(title);
		graph_free_data(data);
		t3 = seconds() - p0;
		if (!*ret_data) {
			fprintf(stderr, "%s: cannot make the page\n", prog);
			nsrel_model_free(m);
			return 1;
		}
	} else {
		*ret_data = data;
		*ret_len = len;
	}
	nsrel_model_free(m);
	if (timing)
		fprintf(stderr,
			"%s: timing: scan %.3f s, graph %.3f s, layout %.3f s, "
			"render %.3f s, page %.3f s\n",
			prog, t1 - t0, t2 - t1, gt.layout, gt.render, t3);
	return 0;
}

int main(int argc, char **argv)
{
	struct args a = {.viewer_fd = -1,
			 .viewer_dot_fd = -1,
			 .gopts = {.group = GRAPH_GROUP_DEFAULT}};
	struct viewer_opts vopts = {0};
	struct graph_stats stats;
	unsigned long sudo_uid = 0, sudo_gid = 0;
	bool drop = false;
	char *data = NULL, *title;
	size_t len;
	int r;

	tc_init(prog);
	parse_args(argc, argv, &a);
	vopts.title = a.title ? a.title : prog;
	vopts.trace = a.trace;
	if (a.viewer_fd >= 0)
		return view_fd(a.viewer_fd, a.viewer_dot_fd, &vopts, a.runtime);
	if (a.bench || a.png) {
		if (render(&a.gopts, a.task, "svg", false, &data, &len, &stats,
			   NULL))
			return 1;
		r = a.png ? viewer_png(data, len, a.png)
			  : viewer_bench(data, len);
		graph_free_data(data);
		return r;
	}

	settle_output(&a);
	if (!a.output && !have_display()) {
		fprintf(stderr,
			"%s: no display (neither DISPLAY nor WAYLAND_DISPLAY "
			"is set); use -o FILE to write the graph to a file, "
			"e.g. %s -o graph.svg\n",
			prog, prog);
		return 1;
	}
	if (!a.output && geteuid() == 0 && getenv("SUDO_UID")) {
		if (sudo_user(&sudo_uid, &sudo_gid))
			return 1;
		drop = sudo_uid != 0;
	}

	if (a.output && output_open(a.output, a.format))
		return 1;
	if (render(&a.gopts, a.task, a.output ? a.format : "svg", a.timing,
		   &data, &len, &stats, a.output ? NULL : &vopts))
		return 1;

	if (a.output) {
		r = output_write(data, len);
		if (strcmp(a.format, "html") == 0)
			free(data);
		else
			graph_free_data(data);
		return r;
	}
	title = make_title(&stats, a.gopts.details);
	if (!title) {
		fprintf(stderr, "%s: out of memory\n", prog);
		graph_free_data(data);
		return 1;
	}
	vopts.title = title;
	if (drop)
		r = view_as((uid_t)sudo_uid, (gid_t)sudo_gid, data, len,
			    &vopts);
	else
		r = viewer_run(data, len, &vopts);
	free(title);
	free((char *)vopts.dot);
	graph_free_data(data);
	return r;
}
