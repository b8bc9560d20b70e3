/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Docker Engine API over unix sockets, with libcurl (HTTP) and json-c.
 * Every socket is asked at once (a curl multi handle), so that one that
 * never answers costs the deadline once, not once per socket. Per socket:
 *
 *	GET /_ping                    the API-Version header: the version
 *	                              the daemon speaks (Docker and podman
 *	                              both send it; podman also sends
 *	                              Libpod-API-Version)
 *	GET /vX/containers/json       the running containers
 *	GET /vX/containers/{id}/json  State.Pid, for the ids the caller
 *	                              wants (want_pid)
 *
 * Requests carry the daemon's own version as the path prefix, as the API
 * documentation asks (a request without one is deprecated). The members
 * read (Id, Names, Labels, State.Pid) are the same in every version from
 * 1.24, the oldest Docker still answers; an older daemon is refused.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "containers.h"
#include "engine-api.h"
#include "scan.h"

void nsrel__engine_answer_done(struct nsrel__engine_answer *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		free(a->ctrs[i].name);
		free(a->ctrs[i].project);
		free(a->ctrs[i].service);
	}
	free(a->ctrs);
	free(a->warning);
	*a = (struct nsrel__engine_answer){0};
}

#if !HAVE_ENGINE_API

int nsrel__engine_api(const struct nsrel__engine_query *q,
		      struct nsrel__engine_answer *ret)
{
	*ret = (struct nsrel__engine_answer){0};
	return -EOPNOTSUPP;
}

#else

/* The functions are called through pointers (load_curl()), not the
 * type-checking macros of the same names. */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <dlfcn.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* The longest name, project or service kept; longer ones are dropped. */
#define MAX_STRING 1024

static const char *const default_paths[] = {
	"/run/docker.sock",
	"/var/run/docker.sock",
	"/run/podman/podman.sock",
};

enum step { PING, LIST, INSPECT, DONE };

/* The libcurl functions used, from dlopen(). */
struct curlfns {
	const curl_version_info_data *(*version_info)(CURLversion);
	CURLcode (*global_init)(long);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	const char *(*easy_strerror)(CURLcode);
	void (*easy_cleanup)(CURL *);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode (*multi_perform)(CURLM *, int *);
	CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned, int,
				int *);
	CURLMsg *(*multi_info_read)(CURLM *, int *);
	CURLMcode (*multi_cleanup)(CURLM *);
};

/* libcurl 4 (the soname of every libcurl 7 and 8), its functions in *cf;
 * the handle for dlclose(), or NULL where it is missing, too old (no
 * CURLOPT_PROTOCOLS_STR: 7.85) or without unix sockets. RTLD_NODELETE:
 * OpenSSL, which it loads, must not be unloaded under its own atexit. */
static void *load_curl(struct curlfns *cf)
{
	void *dl =
		dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!dl)
		return NULL;
	static const char *const names[] = {
		"curl_version_info",	    "curl_global_init",
		"curl_global_cleanup",	    "curl_easy_init",
		"curl_easy_setopt",	    "curl_easy_getinfo",
		"curl_easy_strerror",	    "curl_easy_cleanup",
		"curl_multi_init",	    "curl_multi_add_handle",
		"curl_multi_remove_handle", "curl_multi_perform",
		"curl_multi_poll",	    "curl_multi_info_read",
		"curl_multi_cleanup",
	};
	_Static_assert(sizeof(*cf) == ELEMENTSOF(names) * sizeof(void *),
		       "one name per function");
	void **slot = (void **)cf;
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (!(slot[i] = dlsym(dl, names[i])))
			goto bad;
	const curl_version_info_data *vi = cf->version_info(CURLVERSION_NOW);
	if (vi && (vi->features & CURL_VERSION_UNIX_SOCKETS) &&
	    vi->version_num >= 0x075500)
		return dl;
bad:
	dlclose(dl);
	return NULL;
}

struct sockq {
	const struct curlfns *cf;
	const char *path;
	CURL *h;
	enum step step;
	bool libpod;	  /* the ping said Libpod-API-Version */
	char version[16]; /* "1.41", from API-Version */
	char *body;	  /* the answer so far */
	size_t body_n, body_cap, max_answer;
	bool too_big;
	char *why;	      /* why this socket failed; NULL: it did not */
	const char *peer_why; /* why the connection was refused */
	int fd;		      /* curl's socket, while it is open */
	size_t first, last;   /* its containers in the answer: [first, last) */
	size_t next;	      /* the next to inspect */
	size_t inspected;
};

struct ctx {
	struct nsrel__engine_answer *a;
	size_t cap;
	const struct nsrel__engine_query *q;
	bool enomem;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Record why a socket failed (the first reason only). */
__attribute__((format(printf, 3, 4))) static void
fail(struct ctx *c, struct sockq *s, const char *fmt, ...)
{
	if (s->why)
		return;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&s->why, fmt, ap) < 0) {
		s->why = NULL;
		c->enomem = true;
	}
	va_end(ap);
	s->step = DONE;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *data)
{
	struct sockq *s = data;
	size_t n = size * nmemb;
	if (n > s->max_answer - s->body_n) {
		s->too_big = true;
		return 0;
	}
	if (s->body_n + n + 1 > s->body_cap) {
		size_t cap = s->body_cap ? s->body_cap : 16384;
		while (cap < s->body_n + n + 1)
			cap *= 2;
		char *b = realloc(s->body, cap);
		if (!b)
			return 0;
		s->body = b;
		s->body_cap = cap;
	}
	memcpy(s->body + s->body_n, p, n);
	s->body_n += n;
	s->body[s->body_n] = 0;
	return n;
}

/* "1.N" with 24 <= N < 1000, copied; false otherwise. */
static bool parse_version(const char *v, size_t n, char *out, size_t outsz)
{
	if (n < 3 || n >= outsz || v[0] != '1' || v[1] != '.')
		return false;
	unsigned minor = 0;
	for (size_t i = 2; i < n; i++) {
		if (v[i] < '0' || v[i] > '9' || i > 4)
			return false;
		minor = minor * 10 + (unsigned)(v[i] - '0');
	}
	if (minor < 24)
		return false;
	memcpy(out, v, n);
	out[n] = 0;
	return true;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *data)
{
	struct sockq *s = data;
	size_t n = size * nmemb;
	static const char api[] = "api-version:",
			  libpod[] = "libpod-api-version:";
	if (s->step != PING)
		return n;
	if (n >= sizeof(libpod) - 1 &&
	    !strncasecmp(p, libpod, sizeof(libpod) - 1)) {
		s->libpod = true;
	} else if (n >= sizeof(api) - 1 &&
		   !strncasecmp(p, api, sizeof(api) - 1)) {
		const char *v = p + sizeof(api) - 1, *e = p + n;
		while (v < e && (*v == ' ' || *v == '\t'))
			v++;
		while (e > v && (e[-1] == '\r' || e[-1] == '\n' ||
				 e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (!parse_version(v, (size_t)(e - v), s->version,
				   sizeof(s->version)))
			s->version[0] = 0;
	}
	return n;
}

/* curl's socket: made here, to be O_CLOEXEC; connected by curl, as the
 * caller. */
static curl_socket_t on_opensocket(void *data, curlsocktype purpose,
				   struct curl_sockaddr *addr)
{
	struct sockq *s = data;
	if (purpose != CURLSOCKTYPE_IPCXN || addr->family != AF_UNIX) {
		s->peer_why = "not a unix socket";
		return CURL_SOCKET_BAD;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		s->peer_why = "cannot make a socket";
		return CURL_SOCKET_BAD;
	}
	s->fd = fd;
	return fd;
}

static int on_closesocket(void *data, curl_socket_t fd)
{
	struct sockq *s = data;
	if (s->fd == fd)
		s->fd = -1;
	return close(fd);
}

/* Connected, before the first request: is the process that listens
 * root or the caller? */
static int on_prereq(void *data, char *ip, char *local_ip, int port,
		     int local_port)
{
	struct sockq *s = data;
	struct ucred cr;
	socklen_t len = sizeof(cr);
	if (s->fd < 0 ||
	    getsockopt(s->fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0) {
		s->peer_why = "cannot learn who listens";
		return CURL_PREREQFUNC_ABORT;
	}
	if (cr.uid != 0 && cr.uid != geteuid()) {
		s->peer_why = "not trusted (the listener is neither root nor "
			      "the caller)";
		return CURL_PREREQFUNC_ABORT;
	}
	return CURL_PREREQFUNC_OK;
}

/* A string member no longer than MAX_STRING and without NUL, copied;
 * NULL if absent or not so. Sets c->enomem where the copy fails. */
static char *get_string(struct ctx *c, json_object *o)
{
	if (!o || !json_object_is_type(o, json_type_string))
		return NULL;
	const char *v = json_object_get_string(o);
	size_t n = (size_t)json_object_get_string_len(o);
	if (n > MAX_STRING || strlen(v) != n)
		return NULL;
	char *r = strdup(v);
	if (!r)
		c->enomem = true;
	return r;
}

static bool valid_id(const char *v, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') ||
		      (v[i] >= 'a' && v[i] <= 'f')))
			return false;
	return true;
}

static json_object *parse_body(struct sockq *s)
{
	if (!s->body)
		return NULL;
	json_tokener *t = json_tokener_new_ex(32);
	if (!t)
		return NULL;
	json_object *o = json_tokener_parse_ex(t, s->body, (int)s->body_n);
	if (json_tokener_get_error(t) != json_tokener_success) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(t);
	return o;
}

static void add_list(struct ctx *c, struct sockq *s)
{
	json_object *o = parse_body(s);
	if (!o || !json_object_is_type(o, json_type_array)) {
		json_object_put(o);
		fail(c, s, "the list of containers is not a JSON array");
		return;
	}
	struct nsrel__engine_answer *a = c->a;
	s->first = a->n;
	size_t len = json_object_array_length(o);
	for (size_t i = 0; i < len && !c->enomem; i++) {
		json_object *e = json_object_array_get_idx(o, i), *v;
		if (!json_object_is_type(e, json_type_object) ||
		    !json_object_object_get_ex(e, "Id", &v) ||
		    !json_object_is_type(v, json_type_string) ||
		    !valid_id(json_object_get_string(v),
			      (size_t)json_object_get_string_len(v)))
			continue;
		if (a->n == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 16;
			void *p = realloc(a->ctrs, cap * sizeof(*a->ctrs));
			if (!p) {
				c->enomem = true;
				break;
			}
			a->ctrs = p;
			c->cap = cap;
		}
		struct nsrel__engine_ctr *ct = &a->ctrs[a->n++];
		*ct = (struct nsrel__engine_ctr){
			.engine = s->libpod ? "podman" : "docker"};
		memcpy(ct->id, json_object_get_string(v), 64);
		json_object *names, *labels;
		if (json_object_object_get_ex(e, "Names", &names) &&
		    json_object_is_type(names, json_type_array) &&
		    json_object_array_length(names) > 0) {
			ct->name = get_string(
				c, json_object_array_get_idx(names, 0));
			if (ct->name && ct->name[0] == '/')
				memmove(ct->name, ct->name + 1,
					strlen(ct->name));
			if (ct->name && !ct->name[0]) {
				free(ct->name);
				ct->name = NULL;
			}
		}
		if (json_object_object_get_ex(e, "Labels", &labels) &&
		    json_object_is_type(labels, json_type_object)) {
			if (json_object_object_get_ex(
				    labels, "com.docker.compose.project", &v))
				ct->project = get_string(c, v);
			if (json_object_object_get_ex(
				    labels, "com.docker.compose.service", &v))
				ct->service = get_string(c, v);
		}
	}
	s->last = a->n;
	s->next = s->first;
	json_object_put(o);
}

static void add_pid(struct ctx *c, struct sockq *s)
{
	json_object *o = parse_body(s), *st, *pid;
	if (o && json_object_object_get_ex(o, "State", &st) &&
	    json_object_object_get_ex(st, "Pid", &pid) &&
	    json_object_is_type(pid, json_type_int)) {
		int64_t p = json_object_get_int64(pid);
		if (p > 0 && p <= 0x3fffffff)
			c->a->ctrs[s->next].pid = (pid_t)p;
	}
	json_object_put(o);
	s->next++;
}

/* Set up the next request of a socket, or mark it DONE. */
static void next_request(struct ctx *c, struct sockq *s)
{
	char url[160];
	switch (s->step) {
	case PING:
		snprintf(url, sizeof(url), "http://localhost/_ping");
		break;
	case LIST:
		snprintf(url, sizeof(url),
			 "http://localhost/v%s/containers/json", s->version);
		break;
	case INSPECT:
		while (s->next < s->last &&
		       (s->inspected >= NSREL__ENGINE_MAX_INSPECT ||
			!c->q->want_pid ||
			!c->q->want_pid(c->a->ctrs[s->next].id, c->q->data)))
			s->next++;
		if (s->next >= s->last) {
			s->step = DONE;
			return;
		}
		s->inspected++;
		snprintf(url, sizeof(url),
			 "http://localhost/v%s/containers/%s/json", s->version,
			 c->a->ctrs[s->next].id);
		break;
	case DONE:
		return;
	}
	s->body_n = 0;
	s->too_big = false;
	s->cf->easy_setopt(s->h, CURLOPT_URL, url);
}

/* A transfer of s ended with res: take its answer, choose the next. */
static void finished(struct ctx *c, struct sockq *s, CURLcode res)
{
	long code = 0;
	if (res == CURLE_OK)
		s->cf->easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
	if (s->peer_why)
		return fail(c, s, "%s", s->peer_why);
	if (s->too_big || res == CURLE_FILESIZE_EXCEEDED)
		return fail(c, s, "an answer larger than %zu bytes",
			    s->max_answer);
	if (res == CURLE_COULDNT_CONNECT) {
		long e = 0;
		char buf[128];
		s->cf->easy_getinfo(s->h, CURLINFO_OS_ERRNO, &e);
		return fail(c, s, "cannot connect: %s",
			    e > 0 ? strerror_r((int)e, buf, sizeof(buf))
				  : "refused");
	}
	if (res == CURLE_OPERATION_TIMEDOUT)
		return fail(c, s, "no answer within %u ms",
			    c->q->deadline_ms ? c->q->deadline_ms
					      : NSREL__ENGINE_DEADLINE_MS);
	if (res == CURLE_WRITE_ERROR) {
		c->enomem = true;
		return fail(c, s, "out of memory");
	}
	if (res != CURLE_OK)
		return fail(c, s, "%s", s->cf->easy_strerror(res));
	switch (s->step) {
	case PING:
		if (code != 200)
			return fail(c, s, "GET /_ping: HTTP status %ld", code);
		if (!s->version[0])
			return fail(c, s, "no API version 1.24 or later");
		s->step = LIST;
		break;
	case LIST:
		if (code != 200)
			return fail(c, s,
				    "GET /containers/json: HTTP status %ld",
				    code);
		add_list(c, s);
		s->step = INSPECT;
		break;
	case INSPECT:
		/* A container that stopped meanwhile answers 404: no PID. */
		if (code == 200)
			add_pid(c, s);
		else
			s->next++;
		break;
	case DONE:
		return;
	}
	if (s->step != DONE)
		next_request(c, s);
}

static int setup(struct sockq *s, const struct curlfns *cf, size_t max_answer)
{
	const char *path = s->path;
	s->cf = cf;
	s->max_answer = max_answer;
	s->h = s->cf->easy_init();
	if (!s->h)
		return -ENOMEM;
	CURL *h = s->h;
	/* HTTP/1.1 over this socket only: no proxy (whatever the
	 * environment says), no redirects, no compression, no signals. */
	if (s->cf->easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, path) != CURLE_OK ||
	    s->cf->easy_setopt(h, CURLOPT_PROXY, "") != CURLE_OK ||
	    s->cf->easy_setopt(h, CURLOPT_NOPROXY, "*") != CURLE_OK)
		return -ENOMEM;
	s->cf->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
	s->cf->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	s->cf->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	s->cf->easy_setopt(h, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
	s->cf->easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
			   (curl_off_t)max_answer);
	s->cf->easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	s->cf->easy_setopt(h, CURLOPT_WRITEDATA, s);
	s->cf->easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	s->cf->easy_setopt(h, CURLOPT_HEADERDATA, s);
	s->cf->easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_opensocket);
	s->cf->easy_setopt(h, CURLOPT_OPENSOCKETDATA, s);
	s->cf->easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, on_closesocket);
	s->cf->easy_setopt(h, CURLOPT_CLOSESOCKETDATA, s);
	s->cf->easy_setopt(h, CURLOPT_PREREQFUNCTION, on_prereq);
	s->cf->easy_setopt(h, CURLOPT_PREREQDATA, s);
	return 0;
}

/* Start the request next_request() set up, ending at the deadline. */
static int start(CURLM *multi, struct sockq *s, long long deadline)
{
	long long left = deadline - now_ms();
	s->cf->easy_setopt(s->h, CURLOPT_TIMEOUT_MS,
			   left > 1 ? (long)left : 1L);
	return s->cf->multi_add_handle(multi, s->h) == CURLM_OK ? 0 : -ENOMEM;
}

/* The warning line: every socket that failed, with its reason. */
static int warn(struct ctx *c, struct sockq *sq, size_t n)
{
	char *w = NULL;
	size_t wn = 0;
	FILE *f = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!sq[i].why)
			continue;
		if (!f && !(f = open_memstream(&w, &wn)))
			return -ENOMEM;
		fprintf(f, "%sengine API %s: %s", ftell(f) ? "; " : "",
			sq[i].path, sq[i].why);
	}
	if (!f)
		return 0;
	if (fclose(f) != 0) {
		free(w);
		return -ENOMEM;
	}
	c->a->warning = w;
	return 0;
}

int nsrel__engine_api(const struct nsrel__engine_query *q,
		      struct nsrel__engine_answer *ret)
{
	*ret = (struct nsrel__engine_answer){0};
	const char *const *paths = q->paths ? q->paths : default_paths;
	size_t n_paths = q->paths ? q->n_paths : ELEMENTSOF(default_paths);
	unsigned deadline_ms =
		q->deadline_ms ? q->deadline_ms : NSREL__ENGINE_DEADLINE_MS;
	size_t max_answer =
		q->max_answer ? q->max_answer : NSREL__ENGINE_MAX_ANSWER;
	long long deadline = now_ms() + deadline_ms;

	struct ctx c = {.a = ret, .q = q};
	_cleanup_free_ struct sockq *sq =
		calloc(n_paths ? n_paths : 1, sizeof(*sq));
	_cleanup_free_ struct stat *seen =
		calloc(n_paths ? n_paths : 1, sizeof(*seen));
	if (!sq || !seen)
		return -ENOMEM;

	/* Which sockets there are, before curl is woken: stat(2) neither
	 * opens nor blocks, FIFO or not. */
	size_t n = 0, n_sock = 0;
	for (size_t i = 0; i < n_paths; i++) {
		struct stat st;
		if (!paths[i] || stat(paths[i], &st) < 0)
			continue;
		bool dup = false;
		for (size_t j = 0; j < n; j++)
			dup |= seen[j].st_dev == st.st_dev &&
			       seen[j].st_ino == st.st_ino;
		if (dup)
			continue;
		seen[n] = st;
		struct sockq *s = &sq[n++];
		s->path = paths[i];
		s->fd = -1;
		if (!S_ISSOCK(st.st_mode))
			fail(&c, s, "not a socket");
		else if (strlen(paths[i]) >=
			 sizeof(((struct sockaddr_un *)0)->sun_path))
			fail(&c, s, "path too long");
		else
			n_sock++;
	}
	if (!n_sock) {
		int r = c.enomem ? -ENOMEM : warn(&c, sq, n);
		for (size_t i = 0; i < n; i++)
			free(sq[i].why);
		if (r < 0)
			nsrel__engine_answer_done(ret);
		return r;
	}

	/* libcurl is loaded only now, where there is a socket to ask: what
	 * it links (OpenSSL and more) costs every process that loads it
	 * milliseconds and megabytes. */
	struct curlfns cf;
	void *dl = load_curl(&cf);
	if (!dl) {
		for (size_t i = 0; i < n; i++)
			free(sq[i].why);
		return -EOPNOTSUPP;
	}
	/* A refcount: curl initialises itself once for the process, and
	 * only the last cleanup of all its users undoes it. */
	bool inited = cf.global_init(CURL_GLOBAL_NOTHING) == CURLE_OK;
	CURLM *multi = inited ? cf.multi_init() : NULL;
	int r = multi ? 0 : -ENOMEM;
	for (size_t i = 0; r >= 0 && i < n; i++) {
		struct sockq *s = &sq[i];
		if (s->step == DONE)
			continue;
		r = setup(s, &cf, max_answer);
		if (r < 0)
			break;
		next_request(&c, s);
		r = start(multi, s, deadline);
	}

	while (r >= 0 && !c.enomem) {
		bool busy = false;
		for (size_t i = 0; i < n; i++)
			busy |= sq[i].h && sq[i].step != DONE;
		long long left = deadline - now_ms();
		if (!busy || left <= 0)
			break;
		int running;
		if (cf.multi_perform(multi, &running) != CURLM_OK) {
			r = -ENOMEM;
			break;
		}
		CURLMsg *msg;
		int queued;
		while ((msg = cf.multi_info_read(multi, &queued))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			CURL *h = msg->easy_handle;
			CURLcode res = msg->data.result;
			for (size_t i = 0; i < n; i++) {
				if (sq[i].h != h)
					continue;
				cf.multi_remove_handle(multi, h);
				finished(&c, &sq[i], res);
				if (sq[i].step != DONE &&
				    start(multi, &sq[i], deadline) < 0)
					r = -ENOMEM;
			}
		}
		left = deadline - now_ms();
		if (left > 0 && running)
			cf.multi_poll(multi, NULL, 0,
				      left > 100 ? 100 : (int)left, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		if (sq[i].h && sq[i].step != DONE)
			fail(&c, &sq[i], "no answer within %u ms", deadline_ms);
		if (sq[i].h) {
			cf.multi_remove_handle(multi, sq[i].h);
			cf.easy_cleanup(sq[i].h);
		}
		free(sq[i].body);
	}
	cf.multi_cleanup(multi);
	if (inited)
		cf.global_cleanup();
	dlclose(dl);
	if (r >= 0 && c.enomem)
		r = -ENOMEM;
	if (r >= 0)
		r = warn(&c, sq, n);
	for (size_t i = 0; i < n; i++)
		free(sq[i].why);
	if (r < 0)
		nsrel__engine_answer_done(ret);
	return r;
}

#endif /* HAVE_ENGINE_API */

/* ---- Step 3 of identifying containers (containers.h) ------------------- */

/* The init PID is asked for only where the earlier steps did not find the
 * container: one request more each. */
static bool unknown_id(const char *id, void *data)
{
	struct nsrel__containers *ct = data;
	for (size_t i = 0; i < nsrel__containers_count(ct); i++) {
		const char *known = nsrel__containers_id(ct, i);
		if (known && !strcmp(known, id))
			return false;
	}
	return true;
}

static int set_warning(struct nsrel_model *m, const char *w)
{
	m->engine_warning = nsrel__model_str_add(m, w, strlen(w));
	return m->engine_warning == NONE ? -ENOMEM : 0;
}

int nsrel__containers_apply_engine(struct nsrel__containers *ct)
{
	struct scan *s = nsrel__containers_scan(ct);
	const char *path = s->engine_socket;
	/* A pid in the answer is numbered in the engine's PID namespace; it
	 * names the same process in ours only if we see the initial one. */
	bool pids = s->m->view.pid_ns_initial &&
		    s->m->view.proc_pid_ns == NSREL_PROC_PIDNS_OWN;
	struct nsrel__engine_query q = {
		.paths = path ? &path : NULL,
		.n_paths = path ? 1 : 0,
		.want_pid = pids ? unknown_id : NULL,
		.data = ct,
	};
	struct nsrel__engine_answer a;
	int r = nsrel__engine_api(&q, &a);
	if (r == -EOPNOTSUPP)
		return nsrel__containers_engine_asked(ct)
			       ? set_warning(
					 s->m,
					 "engine APIs: not built in (libcurl "
					 "with unix sockets, json-c)")
			       : 0;
	if (r < 0)
		return r;
	for (size_t i = 0; r >= 0 && i < a.n; i++) {
		const struct nsrel__engine_ctr *c = &a.ctrs[i];
		const struct nsrel__container_info info = {
			.name = c->name,
			.project = c->project,
		};
		r = nsrel__containers_fill(ct, c->id, &info, false);
		if (r != 0 || c->pid <= 0)
			continue;
		/* Not found by the cgroup: its init, if the scan saw it. */
		r = nsrel__containers_add_pid(ct, c->pid,
					      strcmp(c->engine, "podman")
						      ? NSREL_ENGINE_DOCKER
						      : NSREL_ENGINE_PODMAN,
					      c->id);
		if (r > 0)
			r = nsrel__containers_fill(ct, c->id, &info, false);
	}
	if (r >= 0 && a.warning)
		r = set_warning(s->m, a.warning);
	nsrel__engine_answer_done(&a);
	return r < 0 ? r : 0;
}
