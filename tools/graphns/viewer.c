/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The viewer: one window, the graph in a drawing area, a search entry and
 * a status line laid over it.
 *
 * The SVG is interpreted once, into a picture cache (tiles.h) that draws
 * it at the current scale from tiles rendered once per zoom level, so the
 * graph stays sharp at every zoom and a pan only copies tiles.
 *
 * The view is a scale and the position of the SVG's top left corner in
 * widget coordinates (tx, ty); panning moves the corner, zooming around a
 * point keeps the SVG point under it fixed. Until the user moves or zooms,
 * the view follows the window's size: a fit of the whole graph when that
 * is legible, else 1x at the root of the user namespaces.
 */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gtk/gtk.h>
#include <librsvg/rsvg.h>

#include "graph.h"
#include "svgnodes.h"
#include "tiles.h"
#include "viewer.h"

#define ZOOM_STEP 1.25
#define ZOOM_MIN  0.001
#define ZOOM_MAX  20.0
/* The least scale at which 11-point labels can be read: below it the
 * first view is 1x at the root rather than a fit of the whole. */
#define READABLE 0.75
#define MARGIN	 10
/* The tiles kept, beyond those in view. */
#define TILE_BYTES (24u << 20)
#define PAN_STEP   60

enum view_mode {
	VIEW_HOME, /* the first view: FIT if legible, else ROOT */
	VIEW_FIT,  /* the whole graph ('0') */
	VIEW_ROOT, /* 1x at the root ('1') */
	VIEW_FREE, /* where the user moved or zoomed to */
};

static const char *const mode_names[] = {"home", "fit", "root", "free"};

/* The view of the SVG (width x height at 1x) in a w x h area. */
struct view {
	double width, height;
	double scale, tx, ty;
	enum view_mode mode;
	int w, h; /* the area it was placed in */
	const struct svg_nodes *nodes;
};

struct frame_stats {
	size_t n;
	double sum, max; /* ms */
};

struct viewer;

/* A layout of the graph with other groups expanded, in a thread of its
 * own (Graphviz is used by nothing else meanwhile). */
struct relayout {
	struct viewer *v;
	GThread *thread;
	char **ids;    /* the groups expanded in it, NULL-terminated */
	char *toggled; /* the group expanded or collapsed */
	bool expand;
	double sx, sy; /* where the group's middle is in the area */
	char *svg;     /* the result (graph_free_data()), or NULL */
	size_t len;
	guint idle;
};

struct viewer {
	GtkWidget *window, *overlay, *area, *help;
	GtkWidget *search_box, *search, *search_count, *status;
	RsvgHandle *svg;
	struct tiles *tiles;
	struct svg_nodes *nodes;
	const char *data;
	size_t len;
	const char *title;
	struct view view;
	double drag_tx, drag_ty;
	double pointer_x, pointer_y;
	bool pointer_in;
	bool done, trace;
	bool hide_owner; /* 'a' */
	GArray *matches; /* node indices */
	int current;	 /* the match moved to, or -1 */
	char *folder;	 /* where the last save went */
	guint status_timeout, prefetch, complete;
	bool zoomed; /* since the last frame: a preview may do */
	/* the last frame, and frame times */
	double last_scale, last_tx, last_ty;
	int last_w, last_h;
	struct frame_stats pan, all, wall;
	double frame_start, frame_wall;
	bool drawn; /* the area, in this frame */
	char *traced_view;
	/* Expanding groups: the graph with every group's members
	 * (NUL-terminated), or NULL; v->data when laid out here, to be freed
	 * with graph_free_data(); the groups expanded (char *); the layout
	 * under way. */
	char *dot;
	char *laid;
	GPtrArray *expanded;
	struct relayout *job;
};

/* ---- Mouse and keys ------------------------------------------------------ */

static const struct {
	const char *keys, *what;
} keys_help[] = {
	{"drag", "move the graph"},
	{"wheel", "zoom in or out around the pointer"},
	{"+, -", "zoom in, zoom out"},
	{"0", "fit the whole graph into the window"},
	{"1", "1\xc3\x97, centred on the root user namespace"},
	{"arrow keys", "move the graph"},
	{"a", "hide or show the owner arrows"},
	{"e, double-click", "expand or collapse a group (uts \xc3\x97 N)"},
	{"/, Ctrl+F", "search for a PID, a name or an inode"},
	{"Enter, n", "go to the next match (N: the previous one)"},
	{"s", "save the graph as SVG"},
	{"h, F1", "this help"},
	{"Escape", "close the search, or else the viewer"},
	{"q", "close the viewer"},
};

#define N_KEYS (sizeof(keys_help) / sizeof(keys_help[0]))

void viewer_print_keys(FILE *f, const char *indent)
{
	for (size_t i = 0; i < N_KEYS; i++)
		fprintf(f, "%s%-15s %s\n", indent, keys_help[i].keys,
			keys_help[i].what);
}

static const char graph_help[] =
	"arrows point from a namespace to its parent;\n"
	"dashed arrows from a PID namespace to its owner;\n"
	"a dashed outline: held without a process of its own;\n"
	"dotted and grey: hidden, known only as a parent or owner.";

/* ---- The trace ----------------------------------------------------------- */

static void G_GNUC_PRINTF(2, 3) trace(struct viewer *v, const char *fmt, ...)
{
	va_list ap;

	if (!v->trace)
		return;
	fputs("viewer: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static double now_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A field of /proc/self/status in kB, or -1. */
static long status_kb(const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, n) == 0 && line[n] == ':')
			kb = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return kb;
}

static void frame_add(struct frame_stats *s, double ms)
{
	s->n++;
	s->sum += ms;
	s->max = fmax(s->max, ms);
}

static double frame_mean(const struct frame_stats *s)
{
	return s->n ? s->sum / (double)s->n : 0;
}

/* ---- The view ------------------------------------------------------------ */

static double clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* One axis: the SVG (size at the scale) centred where it is smaller than
 * the area, else the offset kept from showing more than a margin beyond
 * either edge. */
static double clamp_axis(double t, double size, int area)
{
	if (size <= area - 2 * MARGIN)
		return (area - size) / 2;
	return clamp(t, area - MARGIN - size, MARGIN);
}

/* The SVG point (x, y) at 1x in the middle of the area, at scale, as far
 * as clamp_axis() lets it be. */
static void view_centre_on(struct view *vw, double x, double y, double scale)
{
	vw->scale = scale;
	vw->tx = clamp_axis(vw->w / 2.0 - x * scale, vw->width * scale, vw->w);
	vw->ty = clamp_axis(vw->h / 2.0 - y * scale, vw->height * scale, vw->h);
}

static double view_fit_scale(const struct view *vw)
{
	double fit = fmin((vw->w - 2 * MARGIN) / vw->width,
			  (vw->h - 2 * MARGIN) / vw->height);

	return clamp(fit, ZOOM_MIN, 1.0);
}

/* The middle of the root user namespace's node at 1x, or of the SVG. */
static void view_root(const struct view *vw, double *x, double *y)
{
	const struct svg_nodes *n = vw->nodes;

	if (n && n->root >= 0) {
		const struct svg_node *r = n->nodes->pdata[n->root];

		*x = (r->x0 + r->x1) / 2;
		*y = (r->y0 + r->y1) / 2;
	} else {
		*x = vw->width / 2;
		*y = vw->height / 2;
	}
}

/* The view of mode in a w x h area. */
static void view_place(struct view *vw, enum view_mode mode, int w, int h)
{
	double fit, x, y;

	vw->mode = mode;
	vw->w = w;
	vw->h = h;
	fit = view_fit_scale(vw);
	if (mode == VIEW_HOME)
		mode = fit >= READABLE ? VIEW_FIT : VIEW_ROOT;
	if (mode == VIEW_FIT) {
		view_centre_on(vw, vw->width / 2, vw->height / 2, fit);
	} else if (mode == VIEW_ROOT) {
		view_root(vw, &x, &y);
		view_centre_on(vw, x, y, 1.0);
	}
}

/* Zooms by factor around (x, y) of the area: the user's view from now. */
static void view_zoom_at(struct view *vw, double x, double y, double factor)
{
	double scale = clamp(vw->scale * factor, ZOOM_MIN, ZOOM_MAX);

	vw->tx = x - (x - vw->tx) * scale / vw->scale;
	vw->ty = y - (y - vw->ty) * scale / vw->scale;
	vw->scale = scale;
	vw->mode = VIEW_FREE;
}

static void view_pan(struct view *vw, double dx, double dy)
{
	vw->tx += dx;
	vw->ty += dy;
	vw->mode = VIEW_FREE;
}

/* ---- Drawing ------------------------------------------------------------- */

static void node_rect(const struct viewer *v, const struct svg_node *n,
		      double *x, double *y, double *w, double *h)
{
	double s = v->view.scale, pad = 5;

	*x = round(v->view.tx) + n->x0 * s - pad;
	*y = round(v->view.ty) + n->y0 * s - pad;
	*w = (n->x1 - n->x0) * s + 2 * pad;
	*h = (n->y1 - n->y0) * s + 2 * pad;
}

/* A frame around every match in view; the current one also filled. */
static void draw_matches(struct viewer *v, cairo_t *cr, int w, int h)
{
	for (guint i = 0; v->matches && i < v->matches->len; i++) {
		guint k = g_array_index(v->matches, guint, i);
		const struct svg_node *n = v->nodes->nodes->pdata[k];
		double x, y, rw, rh;

		node_rect(v, n, &x, &y, &rw, &rh);
		if (x > w || y > h || x + rw < 0 || y + rh < 0)
			continue;
		cairo_rectangle(cr, x, y, rw, rh);
		if ((int)i == v->current) {
			cairo_set_source_rgba(cr, 1, 0.8, 0, 0.35);
			cairo_fill_preserve(cr);
			cairo_set_source_rgb(cr, 0.9, 0.2, 0);
			cairo_set_line_width(cr, 4);
		} else {
			cairo_set_source_rgb(cr, 1, 0.55, 0);
			cairo_set_line_width(cr, 3);
		}
		cairo_stroke(cr);
	}
}

/* The view, when it differs from the one last traced. */
static void trace_view(struct viewer *v)
{
	const struct view *vw = &v->view;
	double rx, ry;
	char *s;

	if (!v->trace)
		return;
	view_root(vw, &rx, &ry);
	s = g_strdup_printf("view mode=%s scale=%.4f x=%.0f y=%.0f "
			    "size=%dx%d root=%.0f,%.0f",
			    mode_names[vw->mode], vw->scale, round(vw->tx),
			    round(vw->ty), vw->w, vw->h,
			    round(vw->tx) + rx * vw->scale,
			    round(vw->ty) + ry * vw->scale);
	if (!v->traced_view || strcmp(s, v->traced_view) != 0) {
		trace(v, "%s", s);
		g_free(v->traced_view);
		v->traced_view = s;
	} else {
		g_free(s);
	}
}

static gboolean prefetch(gpointer data)
{
	struct viewer *v = data;

	if (tiles_prefetch(v->tiles))
		return G_SOURCE_CONTINUE;
	v->prefetch = 0;
	return G_SOURCE_REMOVE;
}

/* The picture of one frame; a view not the user's first follows the
 * area's size. Right after a zoom, what is not yet drawn at the new scale
 * may be a preview: false then, and tiles_complete() is due. */
static bool paint(struct viewer *v, cairo_t *cr, int w, int h)
{
	bool complete;
	struct view *vw = &v->view;

	if (vw->mode != VIEW_FREE && (w != vw->w || h != vw->h))
		view_place(vw, vw->mode, w, h);
	vw->w = w;
	vw->h = h;
	cairo_set_source_rgb(cr, 0.92, 0.92, 0.92);
	cairo_paint(cr);
	complete = tiles_draw(v->tiles, cr, vw->scale, vw->tx, vw->ty, w, h,
			      v->zoomed);
	v->zoomed = false;
	draw_matches(v, cr, w, h);
	return complete;
}

/* After a preview: the view at the new scale, replayed while idle. */
static gboolean complete(gpointer data)
{
	struct viewer *v = data;

	v->complete = 0;
	tiles_complete(v->tiles);
	gtk_widget_queue_draw(v->area);
	return G_SOURCE_REMOVE;
}

/* What a frame cost, counted also as a pan when only the position changed
 * since the last one. */
static void count_frame(struct viewer *v, double ms)
{
	const struct view *vw = &v->view;

	frame_add(&v->all, ms);
	if (v->all.n > 1 && vw->scale == v->last_scale && vw->w == v->last_w &&
	    vw->h == v->last_h &&
	    (vw->tx != v->last_tx || vw->ty != v->last_ty))
		frame_add(&v->pan, ms);
	v->last_scale = vw->scale;
	v->last_tx = vw->tx;
	v->last_ty = vw->ty;
	v->last_w = vw->w;
	v->last_h = vw->h;
}

/* A frame of the window, from the frame clock's start of painting to its
 * end: the layout, our drawing, and GTK's rendering of it all. */
static void before_paint(GdkFrameClock *clock, gpointer data)
{
	struct viewer *v = data;

	v->frame_start = now_ms(CLOCK_THREAD_CPUTIME_ID);
	v->frame_wall = now_ms(CLOCK_MONOTONIC);
}

/* The cost of a frame is the CPU time it took: on a busy machine the
 * time it waited for the CPU and the X server is not ours. */
static void after_paint(GdkFrameClock *clock, gpointer data)
{
	struct viewer *v = data;

	if (v->drawn) {
		frame_add(&v->wall, now_ms(CLOCK_MONOTONIC) - v->frame_wall);
		count_frame(v,
			    now_ms(CLOCK_THREAD_CPUTIME_ID) - v->frame_start);
		v->drawn = false;
	}
}

static void realized(GtkWidget *w, gpointer data)
{
	struct viewer *v = data;
	GdkFrameClock *clock = gtk_widget_get_frame_clock(w);

	g_signal_connect(clock, "before-paint", G_CALLBACK(before_paint), v);
	g_signal_connect(clock, "after-paint", G_CALLBACK(after_paint), v);
}

static void draw(GtkDrawingArea *area, cairo_t *cr, int w, int h, gpointer data)
{
	struct viewer *v = data;

	if (!paint(v, cr, w, h) && !v->complete)
		v->complete = g_idle_add_full(G_PRIORITY_DEFAULT_IDLE, complete,
					      v, NULL);
	v->drawn = true;
	trace_view(v);
	if (!v->prefetch)
		v->prefetch =
			g_idle_add_full(G_PRIORITY_LOW, prefetch, v, NULL);
}

static void redraw(struct viewer *v)
{
	gtk_widget_queue_draw(v->area);
}

static void zoom_center(struct viewer *v, double factor)
{
	v->zoomed = true;
	view_zoom_at(&v->view, gtk_widget_get_width(v->area) / 2.0,
		     gtk_widget_get_height(v->area) / 2.0, factor);
	redraw(v);
}

static void place(struct viewer *v, enum view_mode mode)
{
	view_place(&v->view, mode, gtk_widget_get_width(v->area),
		   gtk_widget_get_height(v->area));
	redraw(v);
}

/* ---- Mouse --------------------------------------------------------------- */

static void drag_begin(GtkGestureDrag *g, double x, double y, gpointer data)
{
	struct viewer *v = data;

	v->drag_tx = v->view.tx;
	v->drag_ty = v->view.ty;
	gtk_widget_set_cursor_from_name(v->area, "grabbing");
	gtk_widget_grab_focus(v->area);
}

static void drag_update(GtkGestureDrag *g, double dx, double dy, gpointer data)
{
	struct viewer *v = data;

	v->view.tx = v->drag_tx + dx;
	v->view.ty = v->drag_ty + dy;
	v->view.mode = VIEW_FREE;
	redraw(v);
}

static void drag_end(GtkGestureDrag *g, double dx, double dy, gpointer data)
{
	struct viewer *v = data;

	gtk_widget_set_cursor_from_name(v->area, "grab");
}

static void motion(GtkEventControllerMotion *c, double x, double y,
		   gpointer data)
{
	struct viewer *v = data;

	v->pointer_x = x;
	v->pointer_y = y;
	v->pointer_in = true;
}

static void leave(GtkEventControllerMotion *c, gpointer data)
{
	struct viewer *v = data;

	v->pointer_in = false;
}

static gboolean scroll(GtkEventControllerScroll *c, double dx, double dy,
		       gpointer data)
{
	struct viewer *v = data;
	double factor = pow(ZOOM_STEP, -dy);

	if (dy == 0)
		return FALSE;
	if (v->pointer_in) {
		view_zoom_at(&v->view, v->pointer_x, v->pointer_y, factor);
		v->zoomed = true;
		redraw(v);
	} else {
		zoom_center(v, factor);
	}
	return TRUE;
}

/* ---- The status line ----------------------------------------------------- */

static gboolean status_expire(gpointer data)
{
	struct viewer *v = data;

	v->status_timeout = 0;
	gtk_widget_set_visible(v->status, FALSE);
	trace(v, "status hidden");
	return G_SOURCE_REMOVE;
}

/* Says text in the window, at its bottom: an error until the next save or
 * a click on it, anything else for a few seconds. */
static void status(struct viewer *v, bool error, const char *text)
{
	if (v->status_timeout)
		g_source_remove(v->status_timeout);
	v->status_timeout = 0;
	gtk_label_set_text(GTK_LABEL(v->status), text);
	gtk_widget_remove_css_class(v->status, error ? "ok" : "error");
	gtk_widget_add_css_class(v->status, error ? "error" : "ok");
	gtk_widget_set_visible(v->status, TRUE);
	if (!error)
		v->status_timeout = g_timeout_add_seconds(8, status_expire, v);
	trace(v, "status %s: %s", error ? "error" : "ok", text);
}

static void status_clicked(GtkGestureClick *g, int n, double x, double y,
			   gpointer data)
{
	struct viewer *v = data;

	if (v->status_timeout)
		g_source_remove(v->status_timeout);
	status_expire(v);
}

/* ---- Saving -------------------------------------------------------------- */

static void save_response(GtkNativeDialog *dialog, int response, gpointer data)
{
	struct viewer *v = data;
	GError *err = NULL;
	GFile *file = NULL;
	char *name, *msg;

	if (response == GTK_RESPONSE_ACCEPT)
		file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog));
	g_object_unref(dialog);
	/* Without a window manager nobody else gives the focus back. */
	if (!v->done)
		gtk_window_present(GTK_WINDOW(v->window));
	if (!file)
		return;
	name = g_file_get_parse_name(file);
	if (!g_file_replace_contents(file, v->data, v->len, NULL, FALSE,
				     G_FILE_CREATE_REPLACE_DESTINATION, NULL,
				     NULL, &err)) {
		/* Said in the window, for a desktop user, and on stderr,
		 * for one at a terminal. */
		msg = g_strdup_printf("Not saved: %s", err->message);
		fprintf(stderr, "graphns: cannot save the graph: %s\n",
			err->message);
		g_error_free(err);
		status(v, true, msg);
	} else {
		GFile *parent = g_file_get_parent(file);

		msg = g_strdup_printf("Saved %s (%zu bytes)", name, v->len);
		status(v, false, msg);
		g_free(v->folder);
		v->folder = parent ? g_file_get_path(parent) : NULL;
		if (parent)
			g_object_unref(parent);
	}
	g_free(msg);
	g_free(name);
	g_object_unref(file);
}

/* Where the chooser starts: the folder of the last save, else the home
 * directory, else the current one if it may be written (under sudo it is
 * often root's), else the temporary directory. */
static char *save_folder(struct viewer *v)
{
	const char *home = g_get_home_dir();

	if (v->folder && g_file_test(v->folder, G_FILE_TEST_IS_DIR))
		return g_strdup(v->folder);
	if (home && g_file_test(home, G_FILE_TEST_IS_DIR) &&
	    access(home, W_OK) == 0)
		return g_strdup(home);
	if (access(".", W_OK) == 0)
		return g_get_current_dir();
	return g_strdup(g_get_tmp_dir());
}

/* GtkFileDialog needs GTK 4.10; Debian 12 has 4.8, so the native chooser. */
static void save(struct viewer *v)
{
	GtkFileChooserNative *dialog;
	GtkFileFilter *filter;
	char *folder = save_folder(v);
	GFile *dir = g_file_new_for_path(folder);

	dialog = gtk_file_chooser_native_new(
		"Save the graph as SVG", GTK_WINDOW(v->window),
		GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
	filter = gtk_file_filter_new();
	gtk_file_filter_set_name(filter, "SVG images");
	gtk_file_filter_add_pattern(filter, "*.svg");
	gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(dialog), filter);
	g_object_unref(filter);
	gtk_file_chooser_set_current_folder(GTK_FILE_CHOOSER(dialog), dir,
					    NULL);
	g_object_unref(dir);
	gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(dialog),
					  "namespaces.svg");
	gtk_native_dialog_set_modal(GTK_NATIVE_DIALOG(dialog), TRUE);
	g_signal_connect(dialog, "response", G_CALLBACK(save_response), v);
	trace(v, "save dialog in %s", folder);
	g_free(folder);
	gtk_native_dialog_show(GTK_NATIVE_DIALOG(dialog));
}

/* ---- Search -------------------------------------------------------------- */

/* Goes to the next match (dir 1) or the previous one (-1): centred, at a
 * scale where it can be read. */
static void next_match(struct viewer *v, int dir)
{
	guint n = v->matches->len, k;
	const struct svg_node *node;
	char count[64];

	if (n == 0)
		return;
	if (v->current < 0)
		v->current = dir > 0 ? 0 : (int)n - 1;
	else
		v->current = (int)((v->current + dir + (int)n) % (int)n);
	k = g_array_index(v->matches, guint, v->current);
	node = v->nodes->nodes->pdata[k];
	view_centre_on(&v->view, (node->x0 + node->x1) / 2,
		       (node->y0 + node->y1) / 2, fmax(v->view.scale, 1.0));
	v->view.mode = VIEW_FREE;
	snprintf(count, sizeof(count), "%d of %u", v->current + 1, n);
	gtk_label_set_text(GTK_LABEL(v->search_count), count);
	redraw(v);
	trace(v, "match %d/%u %s at %.0f,%.0f scale=%.4f", v->current + 1, n,
	      node->name,
	      round(v->view.tx) + (node->x0 + node->x1) / 2 * v->view.scale,
	      round(v->view.ty) + (node->y0 + node->y1) / 2 * v->view.scale,
	      v->view.scale);
}

static void search_changed(GtkSearchEntry *e, gpointer data)
{
	struct viewer *v = data;
	const char *q = gtk_editable_get_text(GTK_EDITABLE(e));
	char count[64] = "";

	if (!v->nodes)
		return;
	svg_nodes_search(v->nodes, q, v->matches);
	v->current = -1;
	if (*q)
		snprintf(count, sizeof(count),
			 v->matches->len ? "%u found" : "none",
			 v->matches->len);
	gtk_label_set_text(GTK_LABEL(v->search_count), count);
	redraw(v);
	trace(v, "search \"%s\": %u matches", q, v->matches->len);
}

static void search_next(GtkWidget *w, gpointer data)
{
	next_match(data, 1);
}

static void search_previous(GtkWidget *w, gpointer data)
{
	next_match(data, -1);
}

static void open_search(struct viewer *v)
{
	if (!v->nodes) {
		status(v, true, "No search: the graph's nodes cannot be read");
		return;
	}
	gtk_widget_set_visible(v->search_box, TRUE);
	gtk_widget_grab_focus(v->search);
	/* What is typed replaces the last query. */
	gtk_editable_select_region(GTK_EDITABLE(v->search), 0, -1);
	trace(v, "search open");
}

static void close_search(struct viewer *v)
{
	gtk_widget_set_visible(v->search_box, FALSE);
	g_array_set_size(v->matches, 0);
	v->current = -1;
	gtk_widget_grab_focus(v->area);
	redraw(v);
	trace(v, "search closed");
}

static void search_stop(GtkSearchEntry *e, gpointer data)
{
	close_search(data);
}

/* ---- Help ---------------------------------------------------------------- */

static gboolean help_key(GtkEventControllerKey *c, guint keyval, guint keycode,
			 GdkModifierType state, gpointer data)
{
	struct viewer *v = data;

	switch (keyval) {
	case GDK_KEY_Escape:
	case GDK_KEY_q:
	case GDK_KEY_h:
	case GDK_KEY_Return:
		gtk_window_destroy(GTK_WINDOW(v->help));
		return TRUE;
	}
	return FALSE;
}

static void help_destroyed(GtkWidget *w, gpointer data)
{
	struct viewer *v = data;

	v->help = NULL;
	trace(v, "help closed");
	/* Without a window manager nobody else gives the focus back. */
	if (!v->done)
		gtk_window_present(GTK_WINDOW(v->window));
}

static void help_close(GtkButton *b, gpointer data)
{
	struct viewer *v = data;

	if (v->help)
		gtk_window_destroy(GTK_WINDOW(v->help));
}

/* The help: keys_help[] as a table, then what the graph's lines mean. */
static GtkWidget *help_content(struct viewer *v)
{
	GtkWidget *grid = gtk_grid_new(), *l;
	GString *plain = g_string_new(NULL);
	int row = 0;

	gtk_grid_set_column_spacing(GTK_GRID(grid), 24);
	gtk_grid_set_row_spacing(GTK_GRID(grid), 2);
	l = gtk_label_new(NULL);
	gtk_label_set_markup(GTK_LABEL(l), "<b>Mouse and keys</b>");
	gtk_label_set_xalign(GTK_LABEL(l), 0);
	gtk_grid_attach(GTK_GRID(grid), l, 0, row++, 2, 1);
	for (size_t i = 0; i < N_KEYS; i++) {
		l = gtk_label_new(keys_help[i].keys);
		gtk_label_set_xalign(GTK_LABEL(l), 0);
		gtk_grid_attach(GTK_GRID(grid), l, 0, row, 1, 1);
		l = gtk_label_new(keys_help[i].what);
		gtk_label_set_xalign(GTK_LABEL(l), 0);
		gtk_grid_attach(GTK_GRID(grid), l, 1, row++, 1, 1);
		g_string_append_printf(plain, "%s: %s; ", keys_help[i].keys,
				       keys_help[i].what);
	}
	l = gtk_label_new(NULL);
	gtk_label_set_markup(GTK_LABEL(l), "\n<b>The graph</b>");
	gtk_label_set_xalign(GTK_LABEL(l), 0);
	gtk_grid_attach(GTK_GRID(grid), l, 0, row++, 2, 1);
	l = gtk_label_new(graph_help);
	gtk_label_set_xalign(GTK_LABEL(l), 0);
	gtk_grid_attach(GTK_GRID(grid), l, 0, row++, 2, 1);
	trace(v, "help: %s", plain->str);
	g_string_free(plain, TRUE);
	return grid;
}

static void help(struct viewer *v)
{
	GtkWidget *box, *button;
	GtkEventController *keys;

	if (v->help) {
		gtk_window_present(GTK_WINDOW(v->help));
		return;
	}
	v->help = gtk_window_new();
	gtk_window_set_title(GTK_WINDOW(v->help), "graphns: mouse and keys");
	gtk_window_set_transient_for(GTK_WINDOW(v->help),
				     GTK_WINDOW(v->window));
	gtk_window_set_modal(GTK_WINDOW(v->help), TRUE);
	gtk_window_set_destroy_with_parent(GTK_WINDOW(v->help), TRUE);
	gtk_window_set_resizable(GTK_WINDOW(v->help), FALSE);
	box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
	gtk_widget_set_margin_top(box, 16);
	gtk_widget_set_margin_bottom(box, 16);
	gtk_widget_set_margin_start(box, 16);
	gtk_widget_set_margin_end(box, 16);
	button = gtk_button_new_with_mnemonic("_Close");
	gtk_widget_set_halign(button, GTK_ALIGN_END);
	g_signal_connect(button, "clicked", G_CALLBACK(help_close), v);
	gtk_box_append(GTK_BOX(box), help_content(v));
	gtk_box_append(GTK_BOX(box), button);
	gtk_window_set_child(GTK_WINDOW(v->help), box);
	keys = gtk_event_controller_key_new();
	g_signal_connect(keys, "key-pressed", G_CALLBACK(help_key), v);
	gtk_widget_add_controller(v->help, keys);
	g_signal_connect(v->help, "destroy", G_CALLBACK(help_destroyed), v);
	gtk_window_present(GTK_WINDOW(v->help));
}

/* ---- Owner arrows -------------------------------------------------------- */

/* The SVG in v->data, parsed at 96 dpi, its owner arrows hidden with
 * hide_owner; NULL (said why) if librsvg cannot read it. */
static RsvgHandle *open_svg(struct viewer *v, bool hide_owner)
{
	static const char css[] = ".owner { display: none; }";
	GError *err = NULL;
	RsvgHandle *h;

	h = rsvg_handle_new_from_data((const guint8 *)v->data, v->len, &err);
	if (!h) {
		fprintf(stderr, "graphns: cannot read the rendered graph: %s\n",
			err->message);
		g_error_free(err);
		return NULL;
	}
	/* Graphviz sizes the SVG in points; 1x is the size a 96 dpi screen
	 * shows it at. */
	rsvg_handle_set_dpi(h, 96);
	if (hide_owner && !rsvg_handle_set_stylesheet(h, (const guint8 *)css,
						      strlen(css), &err)) {
		fprintf(stderr, "graphns: %s\n", err->message);
		g_error_free(err);
	}
	return h;
}

/* 'a': the owner arrows (class "owner") hidden or shown again, the
 * graph recorded anew. */
static void toggle_owner(struct viewer *v)
{
	RsvgHandle *h;
	struct tiles *t;

	if (!v->nodes || v->nodes->owner_edges == 0) {
		status(v, false, "This graph has no owner arrows");
		return;
	}
	h = open_svg(v, !v->hide_owner);
	if (!h)
		return;
	t = tiles_new(h, v->view.width, v->view.height, TILE_BYTES);
	g_object_unref(h);
#ifdef __GLIBC__
	malloc_trim(0);
#endif
	if (!t)
		return;
	tiles_free(v->tiles);
	v->tiles = t;
	v->hide_owner = !v->hide_owner;
	status(v, false,
	       v->hide_owner ? "Owner arrows hidden (a: show them)"
			     : "Owner arrows shown (a: hide them)");
	redraw(v);
}

/* ---- Groups -------------------------------------------------------------- */

/* The node drawn at (x, y) of the area, or NULL. */
static const struct svg_node *node_at(const struct viewer *v, double x,
				      double y)
{
	double s = v->view.scale;
	double gx = (x - round(v->view.tx)) / s,
	       gy = (y - round(v->view.ty)) / s;

	for (guint i = v->nodes ? v->nodes->nodes->len : 0; i-- > 0;) {
		const struct svg_node *n = v->nodes->nodes->pdata[i];

		if (gx >= n->x0 && gx <= n->x1 && gy >= n->y0 && gy <= n->y1)
			return n;
	}
	return NULL;
}

static const struct svg_node *node_named(const struct viewer *v,
					 const char *name)
{
	for (guint i = 0; v->nodes && i < v->nodes->nodes->len; i++) {
		const struct svg_node *n = v->nodes->nodes->pdata[i];

		if (strcmp(n->name, name) == 0)
			return n;
	}
	return NULL;
}

/* The first line of a node's text: a group's "uts × 312". */
static char *node_head(const struct svg_node *n)
{
	const char *nl = strchr(n->text, '\n');

	return g_strndup(n->text,
			 nl ? (size_t)(nl - n->text) : strlen(n->text));
}

static void relayout_free(struct relayout *j)
{
	g_strfreev(j->ids);
	g_free(j->toggled);
	graph_free_data(j->svg);
	g_free(j);
}

static gboolean relayout_done(gpointer data);

static gpointer relayout_thread(gpointer data)
{
	struct relayout *j = data;
	Agraph_t *g = graph_read(j->v->dot);

	if (g) {
		graph_collapse(g, (const char *const *)j->ids,
			       g_strv_length(j->ids));
		if (graph_render(g, "svg", &j->svg, &j->len, NULL) < 0)
			j->svg = NULL;
		agclose(g);
	}
	j->idle = g_idle_add(relayout_done, j);
	return NULL;
}

/* The SVG in v->data drawn anew: its size, picture and nodes; false
 * (nothing changed) if librsvg cannot read it. */
static bool reload_svg(struct viewer *v)
{
	struct svg_nodes *nodes;
	struct tiles *t;
	RsvgHandle *h = open_svg(v, v->hide_owner);
	double w, hh;

	if (!h)
		return false;
	if (!rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &hh) || w <= 0 ||
	    hh <= 0) {
		g_object_unref(h);
		return false;
	}
	t = tiles_new(h, w, hh, TILE_BYTES);
	g_object_unref(h);
	nodes = t ? svg_nodes_new(v->data, v->len, w, hh) : NULL;
	if (!nodes) {
		tiles_free(t);
		return false;
	}
#ifdef __GLIBC__
	malloc_trim(0);
#endif
	tiles_free(v->tiles);
	svg_nodes_free(v->nodes);
	v->tiles = t;
	v->nodes = nodes;
	v->view.nodes = nodes;
	v->view.width = w;
	v->view.height = hh;
	return true;
}

/* The layout is done: the new graph in the window, the toggled group
 * where it was. */
static gboolean relayout_done(gpointer data)
{
	struct relayout *j = data;
	struct viewer *v = j->v;
	const char *old_data = v->data;
	size_t old_len = v->len;
	const struct svg_node *n;
	char *head, *msg;

	g_thread_join(j->thread);
	v->job = NULL;
	if (j->svg) {
		v->data = j->svg;
		v->len = j->len;
	}
	if (!j->svg || !reload_svg(v)) {
		v->data = old_data;
		v->len = old_len;
		/* as it was before the toggle */
		if (j->expand)
			g_ptr_array_remove_index(v->expanded,
						 v->expanded->len - 1);
		else
			g_ptr_array_add(v->expanded, g_strdup(j->toggled));
		status(v, true, "Cannot lay the graph out anew");
		relayout_free(j);
		return G_SOURCE_REMOVE;
	}
	graph_free_data(v->laid);
	v->laid = j->svg;
	j->svg = NULL;
	n = node_named(v, j->toggled);
	if (n) {
		struct view *vw = &v->view;

		vw->tx = clamp_axis(j->sx - (n->x0 + n->x1) / 2 * vw->scale,
				    vw->width * vw->scale, vw->w);
		vw->ty = clamp_axis(j->sy - (n->y0 + n->y1) / 2 * vw->scale,
				    vw->height * vw->scale, vw->h);
		vw->mode = VIEW_FREE;
	}
	/* The matches were of the old nodes. */
	g_array_set_size(v->matches, 0);
	v->current = -1;
	if (gtk_widget_get_visible(v->search_box))
		search_changed(GTK_SEARCH_ENTRY(v->search), v);
	trace(v, "%s %s: graph %.0fx%.0f nodes=%u at %.0f,%.0f",
	      j->expand ? "expanded" : "collapsed", j->toggled, v->view.width,
	      v->view.height, v->nodes->nodes->len,
	      n ? round(v->view.tx) + (n->x0 + n->x1) / 2 * v->view.scale : -1,
	      n ? round(v->view.ty) + (n->y0 + n->y1) / 2 * v->view.scale : -1);
	head = n ? node_head(n) : g_strdup(j->toggled);
	msg = g_strdup_printf(j->expand ? "Expanded %s (e: collapse it)"
					: "Collapsed %s (e: expand it)",
			      head);
	status(v, false, msg);
	g_free(msg);
	g_free(head);
	relayout_free(j);
	redraw(v);
	return G_SOURCE_REMOVE;
}

/* 'e' or a double-click on n: the graph laid out anew, in a thread, with
 * the group n expanded, or collapsed again. */
static void toggle_group(struct viewer *v, const struct svg_node *n)
{
	struct relayout *j;
	char *head, *msg;
	guint i;

	if (!n || !n->group) {
		status(v, false,
		       "Point at a group (\"uts \xc3\x97 N\") and press e, "
		       "or double-click it");
		return;
	}
	if (!v->dot) {
		status(v, true, "This graph cannot be laid out anew");
		return;
	}
	if (v->job) {
		status(v, false, "Still laying the graph out\xe2\x80\xa6");
		return;
	}
	j = g_new0(struct relayout, 1);
	j->v = v;
	j->toggled = g_strdup(n->name);
	for (i = 0; i < v->expanded->len; i++)
		if (strcmp(v->expanded->pdata[i], n->name) == 0)
			break;
	j->expand = i == v->expanded->len;
	if (j->expand)
		g_ptr_array_add(v->expanded, g_strdup(n->name));
	else
		g_ptr_array_remove_index(v->expanded, i);
	j->ids = g_new0(char *, v->expanded->len + 1);
	for (i = 0; i < v->expanded->len; i++)
		j->ids[i] = g_strdup(v->expanded->pdata[i]);
	j->sx = round(v->view.tx) + (n->x0 + n->x1) / 2 * v->view.scale;
	j->sy = round(v->view.ty) + (n->y0 + n->y1) / 2 * v->view.scale;
	head = node_head(n);
	msg = g_strdup_printf(j->expand ? "Expanding %s\xe2\x80\xa6"
					: "Collapsing %s\xe2\x80\xa6",
			      head);
	trace(v, "%s %s", j->expand ? "expanding" : "collapsing", n->name);
	status(v, false, msg);
	g_free(msg);
	g_free(head);
	v->job = j;
	j->thread = g_thread_new("graphns-layout", relayout_thread, j);
}

/* 'e': the group under the pointer, else the match gone to. */
static void toggle_group_key(struct viewer *v)
{
	const struct svg_node *n = NULL;

	if (v->pointer_in)
		n = node_at(v, v->pointer_x, v->pointer_y);
	if ((!n || !n->group) && v->current >= 0 && v->matches->len)
		n = v->nodes->nodes->pdata[g_array_index(v->matches, guint,
							 v->current)];
	toggle_group(v, n);
}

static void double_click(GtkGestureClick *g, int n, double x, double y,
			 gpointer data)
{
	struct viewer *v = data;
	const struct svg_node *node;

	if (n != 2)
		return;
	node = node_at(v, x, y);
	trace(v, "double-click at %.0f,%.0f on %s", x, y,
	      node ? node->name : "nothing");
	if (node && node->group)
		toggle_group(v, node);
}

/* ---- Keys ---------------------------------------------------------------- */

static bool in_search(struct viewer *v)
{
	GtkWidget *focus = gtk_root_get_focus(GTK_ROOT(v->window));

	return focus &&
	       (focus == v->search || gtk_widget_is_ancestor(focus, v->search));
}

static gboolean key(GtkEventControllerKey *c, guint keyval, guint keycode,
		    GdkModifierType state, gpointer data)
{
	struct viewer *v = data;

	if (state & (GDK_ALT_MASK | GDK_SUPER_MASK))
		return FALSE;
	if ((state & GDK_CONTROL_MASK) &&
	    (keyval == GDK_KEY_f || keyval == GDK_KEY_F)) {
		open_search(v);
		return TRUE;
	}
	/* What the search entry did not take is typing, not commands. */
	if (in_search(v))
		return FALSE;
	switch (keyval) {
	case GDK_KEY_plus:
	case GDK_KEY_equal:
	case GDK_KEY_KP_Add:
		zoom_center(v, ZOOM_STEP);
		return TRUE;
	case GDK_KEY_minus:
	case GDK_KEY_underscore:
	case GDK_KEY_KP_Subtract:
		zoom_center(v, 1 / ZOOM_STEP);
		return TRUE;
	case GDK_KEY_1:
	case GDK_KEY_KP_1:
		place(v, VIEW_ROOT);
		return TRUE;
	case GDK_KEY_0:
	case GDK_KEY_KP_0:
		place(v, VIEW_FIT);
		return TRUE;
	case GDK_KEY_Left:
		view_pan(&v->view, PAN_STEP, 0);
		redraw(v);
		return TRUE;
	case GDK_KEY_Right:
		view_pan(&v->view, -PAN_STEP, 0);
		redraw(v);
		return TRUE;
	case GDK_KEY_Up:
		view_pan(&v->view, 0, PAN_STEP);
		redraw(v);
		return TRUE;
	case GDK_KEY_Down:
		view_pan(&v->view, 0, -PAN_STEP);
		redraw(v);
		return TRUE;
	case GDK_KEY_slash:
	case GDK_KEY_KP_Divide:
		open_search(v);
		return TRUE;
	case GDK_KEY_n:
	case GDK_KEY_Return:
	case GDK_KEY_KP_Enter:
		next_match(v, 1);
		return TRUE;
	case GDK_KEY_N:
		next_match(v, -1);
		return TRUE;
	case GDK_KEY_s:
	case GDK_KEY_S:
		save(v);
		return TRUE;
	case GDK_KEY_a:
	case GDK_KEY_A:
		toggle_owner(v);
		return TRUE;
	case GDK_KEY_e:
	case GDK_KEY_E:
		toggle_group_key(v);
		return TRUE;
	case GDK_KEY_h:
	case GDK_KEY_H:
	case GDK_KEY_question:
	case GDK_KEY_F1:
		help(v);
		return TRUE;
	case GDK_KEY_Escape:
		if (gtk_widget_get_visible(v->search_box)) {
			close_search(v);
			return TRUE;
		}
		gtk_window_destroy(GTK_WINDOW(v->window));
		return TRUE;
	case GDK_KEY_q:
	case GDK_KEY_Q:
		gtk_window_destroy(GTK_WINDOW(v->window));
		return TRUE;
	}
	return FALSE;
}

/* ---- The window ---------------------------------------------------------- */

static void destroyed(GtkWidget *w, gpointer data)
{
	struct viewer *v = data;

	v->done = true;
	g_main_context_wakeup(NULL);
}

/* The SVG in v->data, parsed, its size at 1x, its picture cache and its
 * nodes; -1 (said why) if librsvg cannot read or draw it. */
static int load_svg(struct viewer *v)
{
	struct view *vw = &v->view;

	v->svg = open_svg(v, false);
	if (!v->svg)
		return -1;
	if (!rsvg_handle_get_intrinsic_size_in_pixels(v->svg, &vw->width,
						      &vw->height) ||
	    vw->width <= 0 || vw->height <= 0) {
		vw->width = 800;
		vw->height = 600;
	}
	v->tiles = tiles_new(v->svg, vw->width, vw->height, TILE_BYTES);
	if (!v->tiles)
		return -1;
	/* The recording holds all that is drawn; what librsvg (and, in this
	 * process, the scan and the layout) freed goes back to the system. */
	g_clear_object(&v->svg);
#ifdef __GLIBC__
	malloc_trim(0);
#endif
	v->nodes = svg_nodes_new(v->data, v->len, vw->width, vw->height);
	vw->nodes = v->nodes;
	vw->scale = 1;
	vw->mode = VIEW_HOME;
	v->matches = g_array_new(FALSE, FALSE, sizeof(guint));
	v->current = -1;
	v->expanded = g_ptr_array_new_with_free_func(g_free);
	return 0;
}

static void unload_svg(struct viewer *v)
{
	g_clear_object(&v->svg);
	tiles_free(v->tiles);
	svg_nodes_free(v->nodes);
	if (v->matches)
		g_array_free(v->matches, TRUE);
	g_free(v->folder);
	g_free(v->traced_view);
	if (v->expanded)
		g_ptr_array_free(v->expanded, TRUE);
	graph_free_data(v->laid);
	g_free(v->dot);
}

/* Drag (any button) and wheel on the drawing area, the pointer over it,
 * keys in the window. */
static void add_controllers(struct viewer *v)
{
	GtkEventController *c;
	GtkGesture *drag, *click;

	drag = gtk_gesture_drag_new();
	gtk_gesture_single_set_button(GTK_GESTURE_SINGLE(drag), 0);
	g_signal_connect(drag, "drag-begin", G_CALLBACK(drag_begin), v);
	g_signal_connect(drag, "drag-update", G_CALLBACK(drag_update), v);
	g_signal_connect(drag, "drag-end", G_CALLBACK(drag_end), v);
	gtk_widget_add_controller(v->area, GTK_EVENT_CONTROLLER(drag));

	c = gtk_event_controller_motion_new();
	g_signal_connect(c, "motion", G_CALLBACK(motion), v);
	g_signal_connect(c, "leave", G_CALLBACK(leave), v);
	gtk_widget_add_controller(v->area, c);

	c = gtk_event_controller_scroll_new(
		GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
	g_signal_connect(c, "scroll", G_CALLBACK(scroll), v);
	gtk_widget_add_controller(v->area, c);

	click = gtk_gesture_click_new();
	g_signal_connect(click, "pressed", G_CALLBACK(status_clicked), v);
	gtk_widget_add_controller(v->status, GTK_EVENT_CONTROLLER(click));

	click = gtk_gesture_click_new();
	g_signal_connect(click, "pressed", G_CALLBACK(double_click), v);
	gtk_widget_add_controller(v->area, GTK_EVENT_CONTROLLER(click));

	c = gtk_event_controller_key_new();
	g_signal_connect(c, "key-pressed", G_CALLBACK(key), v);
	gtk_widget_add_controller(v->window, c);
}

static const char css[] =
	".graphns-status { padding: 6px 12px; border-top: 1px solid #999; }\n"
	".graphns-status.ok { background-color: #dff3df; color: #0a4a0a; }\n"
	".graphns-status.error { background-color: #ffe0e0; color: #8a0000; "
	"font-weight: bold; }\n"
	".graphns-search { padding: 4px; background-color: #f6f6f6; "
	"border: 1px solid #999; border-radius: 4px; }\n";

/* The search entry at the top right and the status line at the bottom,
 * over the graph, so that neither changes the area's size. */
static void add_overlays(struct viewer *v)
{
	GtkCssProvider *p = gtk_css_provider_new();

	gtk_css_provider_load_from_data(p, css, -1);
	gtk_style_context_add_provider_for_display(
		gtk_widget_get_display(v->window), GTK_STYLE_PROVIDER(p),
		GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
	g_object_unref(p);

	v->search_box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
	gtk_widget_add_css_class(v->search_box, "graphns-search");
	v->search = gtk_search_entry_new();
	gtk_widget_set_size_request(v->search, 260, -1);
	v->search_count = gtk_label_new("");
	gtk_box_append(GTK_BOX(v->search_box), v->search);
	gtk_box_append(GTK_BOX(v->search_box), v->search_count);
	gtk_widget_set_halign(v->search_box, GTK_ALIGN_END);
	gtk_widget_set_valign(v->search_box, GTK_ALIGN_START);
	gtk_widget_set_margin_top(v->search_box, 8);
	gtk_widget_set_margin_end(v->search_box, 8);
	gtk_widget_set_visible(v->search_box, FALSE);
	g_signal_connect(v->search, "search-changed",
			 G_CALLBACK(search_changed), v);
	g_signal_connect(v->search, "activate", G_CALLBACK(search_next), v);
	g_signal_connect(v->search, "next-match", G_CALLBACK(search_next), v);
	g_signal_connect(v->search, "previous-match",
			 G_CALLBACK(search_previous), v);
	g_signal_connect(v->search, "stop-search", G_CALLBACK(search_stop), v);
	gtk_overlay_add_overlay(GTK_OVERLAY(v->overlay), v->search_box);

	v->status = gtk_label_new("");
	gtk_widget_add_css_class(v->status, "graphns-status");
	gtk_label_set_xalign(GTK_LABEL(v->status), 0);
	gtk_label_set_ellipsize(GTK_LABEL(v->status), PANGO_ELLIPSIZE_MIDDLE);
	gtk_widget_set_valign(v->status, GTK_ALIGN_END);
	gtk_widget_set_visible(v->status, FALSE);
	gtk_overlay_add_overlay(GTK_OVERLAY(v->overlay), v->status);
}

static bool have_session_bus(void)
{
	const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS");
	const char *rt = getenv("XDG_RUNTIME_DIR");
	char *bus;
	bool found;

	if (addr && *addr)
		return true;
	if (!rt || !*rt)
		return false;
	bus = g_build_filename(rt, "bus", NULL);
	found = g_file_test(bus, G_FILE_TEST_EXISTS);
	g_free(bus);
	return found;
}

/* GTK keeps its list of recent files in the user's data directory; where
 * that cannot be made (nobody's home is /nonexistent), one in the runtime
 * directory, which graphns made private for the viewer under sudo. */
static void settle_data_dir(void)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	const char *rt = getenv("XDG_RUNTIME_DIR");
	char *dir = NULL;
	bool ok;

	if (xdg && *xdg == '/')
		dir = g_strdup(xdg);
	else if (home && *home)
		dir = g_build_filename(home, ".local", "share", NULL);
	ok = dir && g_mkdir_with_parents(dir, 0700) == 0 &&
	     access(dir, W_OK) == 0;
	g_free(dir);
	if (ok || !rt || *rt != '/')
		return;
	dir = g_build_filename(rt, "graphns-data", NULL);
	if (g_mkdir_with_parents(dir, 0700) == 0)
		setenv("XDG_DATA_HOME", dir, 1);
	g_free(dir);
}

/*
 * Before GTK starts: what it would otherwise complain about on stderr.
 * The graph is one cairo picture, which GL only copies, and Mesa's
 * software GL alone costs 100 MB: the cairo renderer, unless the user
 * chose one. Without a session bus dconf cannot store the file chooser's
 * settings: kept in memory. And a data directory that can be written.
 */
static void prepare_environment(void)
{
	if (!getenv("GSK_RENDERER")) {
		setenv("GSK_RENDERER", "cairo", 1);
		if (!getenv("GDK_DEBUG") && !getenv("GDK_DISABLE")) {
			if (gtk_get_minor_version() >= 16)
				setenv("GDK_DISABLE", "gl", 1);
			else
				setenv("GDK_DEBUG", "gl-disable", 1);
		}
	}
	if (!getenv("GSETTINGS_BACKEND") && !have_session_bus())
		setenv("GSETTINGS_BACKEND", "memory", 1);
	settle_data_dir();
}

static void trace_exit(struct viewer *v)
{
	struct tiles_stats ts;

	if (!v->trace)
		return;
	tiles_get_stats(v->tiles, &ts);
	trace(v,
	      "frames all=%zu mean=%.2fms max=%.2fms pan=%zu mean=%.2fms "
	      "max=%.2fms (cpu); wall mean=%.2fms max=%.2fms",
	      v->all.n, frame_mean(&v->all), v->all.max, v->pan.n,
	      frame_mean(&v->pan), v->pan.max, frame_mean(&v->wall),
	      v->wall.max);
	trace(v,
	      "memory rss=%ldkB peak=%ldkB anon=%ldkB tiles=%zu "
	      "tilebytes=%zu replays=%zu",
	      status_kb("VmRSS"), status_kb("VmHWM"), status_kb("RssAnon"),
	      ts.tiles, ts.bytes, ts.replays);
}

int viewer_run(const char *svg, size_t len, const struct viewer_opts *opts)
{
	struct viewer v = {.data = svg,
			   .len = len,
			   .title = opts->title,
			   .trace = opts->trace};
	int ww, wh;

	/* Named before GTK starts: the file chooser files what it saves
	 * under the application's name. */
	g_set_prgname("graphns");
	g_set_application_name("graphns");
	prepare_environment();
	if (!gtk_init_check()) {
		fprintf(stderr,
			"graphns: cannot open the display; use -o FILE to "
			"write the graph to a file\n");
		return 1;
	}
	if (load_svg(&v) < 0) {
		unload_svg(&v);
		return 1;
	}
	if (opts->dot)
		v.dot = g_strndup(opts->dot, opts->dot_len);

	trace(&v, "runtime %s", g_getenv("XDG_RUNTIME_DIR") ?: "-");
	trace(&v, "graph %.0fx%.0f nodes=%u root=%s owner=%zu groups=%s",
	      v.view.width, v.view.height, v.nodes ? v.nodes->nodes->len : 0,
	      v.nodes && v.nodes->root >= 0
		      ? ((struct svg_node *)
				 v.nodes->nodes->pdata[v.nodes->root])
				->name
		      : "-",
	      v.nodes ? v.nodes->owner_edges : 0, v.dot ? "expandable" : "-");
	v.window = gtk_window_new();
	gtk_window_set_title(GTK_WINDOW(v.window), v.title);
	ww = (int)fmin(1280, fmax(480, v.view.width + 40));
	wh = (int)fmin(860, fmax(320, v.view.height + 40));
	gtk_window_set_default_size(GTK_WINDOW(v.window), ww, wh);

	v.overlay = gtk_overlay_new();
	v.area = gtk_drawing_area_new();
	gtk_widget_set_hexpand(v.area, TRUE);
	gtk_widget_set_vexpand(v.area, TRUE);
	gtk_widget_set_focusable(v.area, TRUE);
	gtk_widget_set_cursor_from_name(v.area, "grab");
	gtk_drawing_area_set_draw_func(GTK_DRAWING_AREA(v.area), draw, &v,
				       NULL);
	gtk_overlay_set_child(GTK_OVERLAY(v.overlay), v.area);
	gtk_window_set_child(GTK_WINDOW(v.window), v.overlay);
	add_overlays(&v);

	add_controllers(&v);

	g_signal_connect(v.window, "destroy", G_CALLBACK(destroyed), &v);
	g_signal_connect(v.window, "realize", G_CALLBACK(realized), &v);
	gtk_window_present(GTK_WINDOW(v.window));
	gtk_widget_grab_focus(v.area);

	while (!v.done)
		g_main_context_iteration(NULL, TRUE);

	if (v.job) {
		g_thread_join(v.job->thread);
		g_source_remove(v.job->idle);
		relayout_free(v.job);
	}
	if (v.prefetch)
		g_source_remove(v.prefetch);
	if (v.complete)
		g_source_remove(v.complete);
	if (v.status_timeout)
		g_source_remove(v.status_timeout);
	trace_exit(&v);
	unload_svg(&v);
	return 0;
}

/* ---- A picture of the first view ---------------------------------------- */

int viewer_png(const char *svg, size_t len, const char *path)
{
	const int w = 1280, h = 860;
	struct viewer v = {.data = svg, .len = len};
	cairo_surface_t *s;
	cairo_status_t st;
	cairo_t *cr;

	if (load_svg(&v) < 0) {
		unload_svg(&v);
		return 1;
	}
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cr = cairo_create(s);
	/* All at the first view's scale, not a preview. */
	if (!paint(&v, cr, w, h)) {
		tiles_complete(v.tiles);
		paint(&v, cr, w, h);
	}
	cairo_surface_flush(s);
	st = cairo_surface_write_to_png(s, path);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	unload_svg(&v);
	if (st != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "graphns: cannot write %s: %s\n", path,
			cairo_status_to_string(st));
		return 1;
	}
	return 0;
}

/* ---- The redraw benchmark ------------------------------------------------ */

/* n frames, each moved by (dx, dy) from the last, into cr (w x h); a
 * prefetch step after each, as the viewer does when idle. Their CPU
 * time (what a busy machine does not change) into *wall, that with the
 * prefetch into *busy. */
static void bench_frames(struct viewer *v, cairo_t *cr, int w, int h, int n,
			 double dx, double dy, struct frame_stats *wall,
			 struct frame_stats *busy)
{
	for (int i = 0; i < n; i++) {
		double t0, t1;

		v->view.tx += dx;
		v->view.ty += dy;
		t0 = now_ms(CLOCK_THREAD_CPUTIME_ID);
		paint(v, cr, w, h);
		cairo_surface_flush(cairo_get_target(cr));
		t1 = now_ms(CLOCK_THREAD_CPUTIME_ID);
		tiles_prefetch(v->tiles);
		frame_add(wall, t1 - t0);
		frame_add(busy, now_ms(CLOCK_THREAD_CPUTIME_ID) - t0);
	}
}

int viewer_bench(const char *svg, size_t len)
{
	const int w = 1280, h = 860, frames = 240;
	struct viewer v = {.data = svg, .len = len};
	struct frame_stats pan1 = {0}, busy1 = {0}, pan2 = {0}, busy2 = {0};
	struct frame_stats zoom = {0}, preview = {0}, none = {0};
	struct tiles_stats ts;
	cairo_surface_t *s;
	double t0, load, first, cpu0;
	cairo_t *cr;

	cpu0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
	t0 = now_ms(CLOCK_MONOTONIC);
	if (load_svg(&v) < 0) {
		unload_svg(&v);
		return 1;
	}
	load = now_ms(CLOCK_MONOTONIC) - t0;
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cr = cairo_create(s);
	t0 = now_ms(CLOCK_MONOTONIC);
	paint(&v, cr, w, h);
	first = now_ms(CLOCK_MONOTONIC) - t0;
	printf("bench-redraw: graph %.0fx%.0f px at 1x, %u nodes; first "
	       "view %s at scale %.3f\n",
	       v.view.width, v.view.height, v.nodes ? v.nodes->nodes->len : 0,
	       mode_names[v.view.mode], v.view.scale);
	v.view.mode = VIEW_FREE;
	/* A drag to the left at 8 pixels a frame, then back up and down. */
	bench_frames(&v, cr, w, h, frames, -8, 0, &pan1, &busy1);
	bench_frames(&v, cr, w, h, frames / 4, 0, 8, &pan1, &busy1);
	bench_frames(&v, cr, w, h, frames / 4, 0, -8, &pan1, &busy1);
	/* Zoom steps in and out around the middle, each as the viewer does
	 * it: a frame with the preview, then the replay while idle and the
	 * frame after it. */
	for (int i = 0; i < 16; i++) {
		view_zoom_at(&v.view, w / 2.0, h / 2.0,
			     i < 8 ? ZOOM_STEP : 1 / ZOOM_STEP);
		v.zoomed = true;
		bench_frames(&v, cr, w, h, 1, 0, 0, &preview, &none);
		t0 = now_ms(CLOCK_THREAD_CPUTIME_ID);
		tiles_complete(v.tiles);
		bench_frames(&v, cr, w, h, 1, 0, 0, &none, &none);
		frame_add(&zoom, now_ms(CLOCK_THREAD_CPUTIME_ID) - t0);
	}
	/* 2x, and a drag to the right. */
	view_zoom_at(&v.view, w / 2.0, h / 2.0, 2 / v.view.scale);
	bench_frames(&v, cr, w, h, 1, 0, 0, &zoom, &none);
	bench_frames(&v, cr, w, h, frames, 8, 0, &pan2, &busy2);
	tiles_get_stats(v.tiles, &ts);
	printf("bench-redraw: load %.1f ms, first frame %.1f ms (wall); "
	       "frames below in CPU time\n",
	       load, first);
	printf("bench-redraw: pan at 1x: %zu frames, mean %.2f ms, max %.2f "
	       "ms; with the idle prefetch mean %.2f ms, max %.2f ms\n",
	       pan1.n, frame_mean(&pan1), pan1.max, frame_mean(&busy1),
	       busy1.max);
	printf("bench-redraw: pan at 2x: %zu frames, mean %.2f ms, max %.2f "
	       "ms; with the idle prefetch mean %.2f ms, max %.2f ms\n",
	       pan2.n, frame_mean(&pan2), pan2.max, frame_mean(&busy2),
	       busy2.max);
	printf("bench-redraw: zoom: %zu steps, the frame with the preview "
	       "mean %.2f ms, max %.2f ms; the view replayed at the new "
	       "scale mean %.2f ms, max %.2f ms\n",
	       preview.n, frame_mean(&preview), preview.max, frame_mean(&zoom),
	       zoom.max);
	printf("bench-redraw: %zu tiles (%zu kB), %zu replays; cpu %.0f ms; "
	       "rss %ld kB, peak %ld kB\n",
	       ts.tiles, ts.bytes / 1024, ts.replays,
	       now_ms(CLOCK_PROCESS_CPUTIME_ID) - cpu0, status_kb("VmRSS"),
	       status_kb("VmHWM"));
	printf("bench-redraw: pan_mean_ms=%.3f pan_max_ms=%.3f "
	       "pan2_mean_ms=%.3f busy_mean_ms=%.3f preview_mean_ms=%.3f "
	       "zoom_mean_ms=%.3f peak_kb=%ld\n",
	       frame_mean(&pan1), pan1.max, frame_mean(&pan2),
	       frame_mean(&busy1), frame_mean(&preview), frame_mean(&zoom),
	       status_kb("VmHWM"));
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	unload_svg(&v);
	return 0;
}
