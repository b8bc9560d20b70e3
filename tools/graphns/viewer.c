/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The viewer: one window, one drawing area. The SVG is drawn by librsvg
 * straight into the widget's cairo context at the current scale every time
 * the widget is drawn, so the graph stays sharp at every zoom; no bitmap is
 * ever scaled.
 *
 * The view is a scale and the position of the SVG's top left corner in
 * widget coordinates (tx, ty); panning moves the corner, zooming around a
 * point keeps the SVG point under it fixed.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>

#include <gtk/gtk.h>
#include <librsvg/rsvg.h>

#include "viewer.h"

#define ZOOM_STEP 1.25
#define ZOOM_MIN  0.05
#define ZOOM_MAX  20.0

struct viewer {
	GtkWidget *window, *area, *help;
	RsvgHandle *svg;
	const char *data;
	size_t len;
	double width, height; /* the SVG at 1x, in pixels */
	double scale, tx, ty;
	double drag_tx, drag_ty;
	double pointer_x, pointer_y;
	bool placed, pointer_in;
	bool done;
};

static const char help_text[] =
	"<b>Mouse</b>\n"
	"  drag\t\tmove the graph\n"
	"  wheel\t\tzoom in or out around the pointer\n"
	"\n"
	"<b>Keys</b>\n"
	"  + / -\t\tzoom in / out\n"
	"  1\t\t\treset the zoom to 1\xc3\x97\n"
	"  0\t\t\tfit the graph into the window\n"
	"  arrows\t\tmove the graph\n"
	"  s\t\t\tsave the graph as SVG\n"
	"  h\t\t\tthis help\n"
	"  q\t\t\tclose the viewer\n"
	"\n"
	"<b>Graph</b>\n"
	"  arrows point from a namespace to its parent;\n"
	"  dashed arrows from a PID namespace to its owner;\n"
	"  a dashed outline: held without a process of its own;\n"
	"  dotted and grey: hidden, known only as a parent or owner.";

static void draw(GtkDrawingArea *area, cairo_t *cr, int w, int h, gpointer data)
{
	struct viewer *v = data;
	RsvgRectangle vp;
	GError *err = NULL;

	if (!v->placed && w > 0 && h > 0) {
		double fit = fmin((w - 20) / v->width, (h - 20) / v->height);

		v->scale = fmax(ZOOM_MIN, fmin(1.0, fit));
		v->tx = (w - v->width * v->scale) / 2;
		v->ty = (h - v->height * v->scale) / 2;
		v->placed = true;
	}
	cairo_set_source_rgb(cr, 0.92, 0.92, 0.92);
	cairo_paint(cr);
	vp.x = v->tx;
	vp.y = v->ty;
	vp.width = v->width * v->scale;
	vp.height = v->height * v->scale;
	if (!rsvg_handle_render_document(v->svg, cr, &vp, &err)) {
		fprintf(stderr, "graphns: cannot draw the graph: %s\n",
			err->message);
		g_error_free(err);
	}
}

static void zoom_at(struct viewer *v, double x, double y, double factor)
{
	double scale = fmax(ZOOM_MIN, fmin(ZOOM_MAX, v->scale * factor));

	v->tx = x - (x - v->tx) * scale / v->scale;
	v->ty = y - (y - v->ty) * scale / v->scale;
	v->scale = scale;
	gtk_widget_queue_draw(v->area);
}

static void zoom_center(struct viewer *v, double factor)
{
	zoom_at(v, gtk_widget_get_width(v->area) / 2.0,
		gtk_widget_get_height(v->area) / 2.0, factor);
}

static void pan(struct viewer *v, double dx, double dy)
{
	v->tx += dx;
	v->ty += dy;
	gtk_widget_queue_draw(v->area);
}

static void drag_begin(GtkGestureDrag *g, double x, double y, gpointer data)
{
	struct viewer *v = data;

	v->drag_tx = v->tx;
	v->drag_ty = v->ty;
	gtk_widget_set_cursor_from_name(v->area, "grabbing");
}

static void drag_update(GtkGestureDrag *g, double dx, double dy, gpointer data)
{
	struct viewer *v = data;

	v->tx = v->drag_tx + dx;
	v->ty = v->drag_ty + dy;
	gtk_widget_queue_draw(v->area);
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
	if (v->pointer_in)
		zoom_at(v, v->pointer_x, v->pointer_y, factor);
	else
		zoom_center(v, factor);
	return TRUE;
}

static void save_response(GtkNativeDialog *dialog, int response, gpointer data)
{
	struct viewer *v = data;
	GError *err = NULL;
	GFile *file;

	if (response != GTK_RESPONSE_ACCEPT)
		goto out;
	file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog));
	if (!file)
		goto out;
	if (!g_file_replace_contents(file, v->data, v->len, NULL, FALSE,
				     G_FILE_CREATE_REPLACE_DESTINATION, NULL,
				     NULL, &err)) {
		/* The window stays; say it where a terminal user sees it
		 * and in the title, where a desktop user does. */
		char *title;

		fprintf(stderr, "graphns: cannot save the graph: %s\n",
			err->message);
		title = g_strdup_printf("graphns: not saved: %s", err->message);
		gtk_window_set_title(GTK_WINDOW(v->window), title);
		g_free(title);
		g_error_free(err);
	}
	g_object_unref(file);
out:
	g_object_unref(dialog);
}

/* GtkFileDialog needs GTK 4.10; Debian 12 has 4.8, so the native chooser. */
static void save(struct viewer *v)
{
	GtkFileChooserNative *dialog;
	GtkFileFilter *filter;

	dialog = gtk_file_chooser_native_new(
		"Save the graph as SVG", GTK_WINDOW(v->window),
		GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
	filter = gtk_file_filter_new();
	gtk_file_filter_set_name(filter, "SVG images");
	gtk_file_filter_add_pattern(filter, "*.svg");
	gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(dialog), filter);
	g_object_unref(filter);
	gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(dialog),
					  "namespaces.svg");
	gtk_native_dialog_set_modal(GTK_NATIVE_DIALOG(dialog), TRUE);
	g_signal_connect(dialog, "response", G_CALLBACK(save_response), v);
	gtk_native_dialog_show(GTK_NATIVE_DIALOG(dialog));
}

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

static void help(struct viewer *v)
{
	GtkWidget *box, *label, *button;
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
	label = gtk_label_new(NULL);
	gtk_label_set_markup(GTK_LABEL(label), help_text);
	gtk_label_set_xalign(GTK_LABEL(label), 0);
	button = gtk_button_new_with_mnemonic("_Close");
	gtk_widget_set_halign(button, GTK_ALIGN_END);
	g_signal_connect(button, "clicked", G_CALLBACK(help_close), v);
	gtk_box_append(GTK_BOX(box), label);
	gtk_box_append(GTK_BOX(box), button);
	gtk_window_set_child(GTK_WINDOW(v->help), box);
	keys = gtk_event_controller_key_new();
	g_signal_connect(keys, "key-pressed", G_CALLBACK(help_key), v);
	gtk_widget_add_controller(v->help, keys);
	g_signal_connect(v->help, "destroy", G_CALLBACK(help_destroyed), v);
	gtk_window_present(GTK_WINDOW(v->help));
}

static gboolean key(GtkEventControllerKey *c, guint keyval, guint keycode,
		    GdkModifierType state, gpointer data)
{
	struct viewer *v = data;
	GtkWidget *area = v->area;
	double step = 60;

	if (state & (GDK_ALT_MASK | GDK_SUPER_MASK))
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
		zoom_center(v, 1 / v->scale);
		return TRUE;
	case GDK_KEY_0:
	case GDK_KEY_KP_0:
		v->placed = false;
		gtk_widget_queue_draw(area);
		return TRUE;
	case GDK_KEY_Left:
		pan(v, step, 0);
		return TRUE;
	case GDK_KEY_Right:
		pan(v, -step, 0);
		return TRUE;
	case GDK_KEY_Up:
		pan(v, 0, step);
		return TRUE;
	case GDK_KEY_Down:
		pan(v, 0, -step);
		return TRUE;
	case GDK_KEY_s:
	case GDK_KEY_S:
		save(v);
		return TRUE;
	case GDK_KEY_h:
	case GDK_KEY_H:
	case GDK_KEY_question:
	case GDK_KEY_F1:
		help(v);
		return TRUE;
	case GDK_KEY_q:
	case GDK_KEY_Q:
	case GDK_KEY_Escape:
		gtk_window_destroy(GTK_WINDOW(v->window));
		return TRUE;
	}
	return FALSE;
}

static void destroyed(GtkWidget *w, gpointer data)
{
	struct viewer *v = data;

	v->done = true;
	g_main_context_wakeup(NULL);
}

/* The SVG in v->data, parsed, and its size at 1x; -1 (said why) if librsvg
 * cannot read it. */
static int load_svg(struct viewer *v)
{
	GError *err = NULL;

	v->svg = rsvg_handle_new_from_data((const guint8 *)v->data, v->len,
					   &err);
	if (!v->svg) {
		fprintf(stderr, "graphns: cannot read the rendered graph: %s\n",
			err->message);
		g_error_free(err);
		return -1;
	}
	/* Graphviz sizes the SVG in points; 1x is the size a 96 dpi screen
	 * shows it at. */
	rsvg_handle_set_dpi(v->svg, 96);
	if (!rsvg_handle_get_intrinsic_size_in_pixels(v->svg, &v->width,
						      &v->height) ||
	    v->width <= 0 || v->height <= 0) {
		v->width = 800;
		v->height = 600;
	}
	return 0;
}

/* Drag (any button) and wheel on the drawing area, the pointer over it,
 * keys in the window. */
static void add_controllers(struct viewer *v)
{
	GtkEventController *c;
	GtkGesture *drag;

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

	c = gtk_event_controller_key_new();
	g_signal_connect(c, "key-pressed", G_CALLBACK(key), v);
	gtk_widget_add_controller(v->window, c);
}

int viewer_run(const char *svg, size_t len, const char *title)
{
	struct viewer v = {.data = svg, .len = len, .scale = 1.0};
	int ww, wh;

	/* Named before GTK starts: the file chooser files what it saves
	 * under the application's name. */
	g_set_prgname("graphns");
	g_set_application_name("graphns");
	if (!gtk_init_check()) {
		fprintf(stderr,
			"graphns: cannot open the display; use -o FILE to "
			"write the graph to a file\n");
		return 1;
	}
	if (load_svg(&v) < 0)
		return 1;

	v.window = gtk_window_new();
	gtk_window_set_title(GTK_WINDOW(v.window), title);
	ww = (int)fmin(1280, fmax(480, v.width + 40));
	wh = (int)fmin(860, fmax(320, v.height + 40));
	gtk_window_set_default_size(GTK_WINDOW(v.window), ww, wh);

	v.area = gtk_drawing_area_new();
	gtk_widget_set_hexpand(v.area, TRUE);
	gtk_widget_set_vexpand(v.area, TRUE);
	gtk_widget_set_focusable(v.area, TRUE);
	gtk_widget_set_cursor_from_name(v.area, "grab");
	gtk_drawing_area_set_draw_func(GTK_DRAWING_AREA(v.area), draw, &v,
				       NULL);
	gtk_window_set_child(GTK_WINDOW(v.window), v.area);

	add_controllers(&v);

	g_signal_connect(v.window, "destroy", G_CALLBACK(destroyed), &v);
	gtk_window_present(GTK_WINDOW(v.window));
	gtk_widget_grab_focus(v.area);

	while (!v.done)
		g_main_context_iteration(NULL, TRUE);

	g_object_unref(v.svg);
	return 0;
}
