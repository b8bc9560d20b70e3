/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The viewer's picture cache (tiles.h).
 *
 * librsvg walks the whole document on every render, however little of it
 * is in view: 100 ms and more for a graph of a few hundred namespaces. So
 * it renders once, into a recording surface, and what is drawn is a
 * replay of that: cairo replays only the operations that touch the area
 * asked for, at the resolution of the target, so a replay at any zoom is
 * as sharp as a render. The replays fill tiles of TILE_SIZE pixels at the
 * current scale, kept until the scale changes or the cache is full: a pan
 * copies tiles, and replays only those it uncovers (or none, when the ring
 * around the view was filled while idle).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "tiles.h"

struct tile {
	gint64 key; /* col << 32 | row */
	int col, row;
	cairo_surface_t *s;
	unsigned long used; /* the frame that last drew it */
};

struct tiles {
	cairo_surface_t *rec;
	double width, height;
	GHashTable *map; /* &tile->key -> tile */
	size_t max;	 /* tiles */
	double scale;	 /* of the tiles held */
	/* The last view at the last scale, one picture of it: a preview
	 * while the view at this scale is not complete. */
	cairo_surface_t *snap;
	double snap_scale, snap_x, snap_y;
	double last_x, last_y; /* the last view: its corner and size */
	int last_w, last_h;
	int cols, rows; /* the grid at scale */
	unsigned long frame;
	bool have_view;
	int c0, c1, r0, r1; /* the tiles in the last view */
	size_t replays, rendered;
};

static gint64 key_of(int col, int row)
{
	return (gint64)col << 32 | (gint64)(uint32_t)row;
}

static void tile_free(gpointer p)
{
	struct tile *tl = p;

	cairo_surface_destroy(tl->s);
	free(tl);
}

struct tiles *tiles_new(RsvgHandle *svg, double width, double height,
			size_t max_bytes)
{
	cairo_rectangle_t ext = {0, 0, width, height};
	RsvgRectangle vp = {0, 0, width, height};
	struct tiles *t = calloc(1, sizeof(*t));
	GError *err = NULL;
	cairo_t *cr;

	if (!t)
		return NULL;
	t->width = width;
	t->height = height;
	t->max = max_bytes / ((size_t)TILE_SIZE * TILE_SIZE * 4);
	if (t->max < 24)
		t->max = 24;
	t->scale = -1;
	t->rec =
		cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &ext);
	cr = cairo_create(t->rec);
	if (!rsvg_handle_render_document(svg, cr, &vp, &err)) {
		fprintf(stderr, "graphns: cannot draw the graph: %s\n",
			err->message);
		g_error_free(err);
		cairo_destroy(cr);
		cairo_surface_destroy(t->rec);
		free(t);
		return NULL;
	}
	cairo_destroy(cr);
	t->map = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL,
				       tile_free);

	return t;
}

static void drop_snapshot(struct tiles *t)
{
	if (t->snap)
		cairo_surface_destroy(t->snap);
	t->snap = NULL;
}

void tiles_free(struct tiles *t)
{
	if (!t)
		return;
	g_hash_table_destroy(t->map);
	drop_snapshot(t);
	cairo_surface_destroy(t->rec);
	free(t);
}

static struct tile *tile_at(struct tiles *t, int col, int row)
{
	gint64 k = key_of(col, row);

	return g_hash_table_lookup(t->map, &k);
}

/* One picture of the tiles of the last view, as it was drawn. */
static cairo_surface_t *snapshot(struct tiles *t)
{
	cairo_surface_t *snap;
	GHashTableIter it;
	struct tile *tl;
	cairo_t *cr;

	if (t->last_w <= 0 || t->last_h <= 0)
		return NULL;
	snap = cairo_image_surface_create(CAIRO_FORMAT_RGB24, t->last_w,
					  t->last_h);
	cr = cairo_create(snap);
	cairo_set_source_rgb(cr, 0.92, 0.92, 0.92);
	cairo_paint(cr);
	g_hash_table_iter_init(&it, t->map);
	while (g_hash_table_iter_next(&it, NULL, (gpointer *)&tl)) {
		if (tl->used != t->frame)
			continue;
		cairo_set_source_surface(
			cr, tl->s, t->last_x + tl->col * (double)TILE_SIZE,
			t->last_y + tl->row * (double)TILE_SIZE);
		cairo_paint(cr);
	}
	cairo_destroy(cr);
	return snap;
}

/* The last view at the old scale becomes the preview, unless nothing was
 * drawn at it (then the one before stays). */
static void set_scale(struct tiles *t, double scale)
{
	if (scale == t->scale)
		return;
	if (t->have_view && g_hash_table_size(t->map) > 0) {
		cairo_surface_t *snap = snapshot(t);

		if (snap) {
			drop_snapshot(t);
			t->snap = snap;
			t->snap_scale = t->scale;
			t->snap_x = t->last_x;
			t->snap_y = t->last_y;
		}
	}
	g_hash_table_remove_all(t->map);
	t->scale = scale;
	t->cols = (int)ceil(t->width * scale / TILE_SIZE);
	t->rows = (int)ceil(t->height * scale / TILE_SIZE);
	t->have_view = false;
}

/* The missing tiles of columns c0..c1 and rows r0..r1 (within the grid),
 * counted. */
static size_t missing(struct tiles *t, int c0, int c1, int r0, int r1)
{
	size_t n = 0;

	for (int r = r0; r <= r1; r++)
		for (int c = c0; c <= c1; c++)
			if (!tile_at(t, c, r))
				n++;
	return n;
}

/* One replay of the recording over the missing tiles of c0..c1 x
 * r0..r1, cut into tiles. */
static void render(struct tiles *t, int c0, int c1, int r0, int r1)
{
	double gw = ceil(t->width * t->scale), gh = ceil(t->height * t->scale);
	int bw = (int)fmin((c1 + 1) * (double)TILE_SIZE, gw) - c0 * TILE_SIZE;
	int bh = (int)fmin((r1 + 1) * (double)TILE_SIZE, gh) - r0 * TILE_SIZE;
	cairo_surface_t *batch;
	cairo_t *cr;

	if (bw <= 0 || bh <= 0)
		return;
	batch = cairo_image_surface_create(CAIRO_FORMAT_RGB24, bw, bh);
	cr = cairo_create(batch);
	/* What the SVG leaves transparent shows white, as in a browser.
	 */
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_translate(cr, -c0 * (double)TILE_SIZE, -r0 * (double)TILE_SIZE);
	cairo_scale(cr, t->scale, t->scale);
	cairo_set_source_surface(cr, t->rec, 0, 0);
	cairo_paint(cr);
	cairo_destroy(cr);
	t->replays++;

	for (int r = r0; r <= r1; r++) {
		for (int c = c0; c <= c1; c++) {
			int tw =
				(int)fmin(TILE_SIZE, bw - (c - c0) * TILE_SIZE);
			int th =
				(int)fmin(TILE_SIZE, bh - (r - r0) * TILE_SIZE);
			struct tile *tl;

			if (tw <= 0 || th <= 0 || tile_at(t, c, r))
				continue;
			tl = calloc(1, sizeof(*tl));
			if (!tl)
				continue;
			tl->col = c;
			tl->row = r;
			tl->key = key_of(c, r);
			tl->used = t->frame;
			tl->s = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
							   tw, th);
			cr = cairo_create(tl->s);
			cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
			cairo_set_source_surface(cr, batch,
						 -(c - c0) * (double)TILE_SIZE,
						 -(r - r0) * (double)TILE_SIZE);
			cairo_paint(cr);
			cairo_destroy(cr);
			g_hash_table_insert(t->map, &tl->key, tl);
			t->rendered++;
		}
	}
	cairo_surface_destroy(batch);
}

/* The least recently drawn tiles go until the cache fits; never one of
 * this frame. */
static void evict(struct tiles *t)
{
	while (g_hash_table_size(t->map) > t->max) {
		struct tile *oldest = NULL, *tl;
		GHashTableIter it;

		g_hash_table_iter_init(&it, t->map);
		while (g_hash_table_iter_next(&it, NULL, (gpointer *)&tl))
			if (tl->used != t->frame &&
			    (!oldest || tl->used < oldest->used))
				oldest = tl;
		if (!oldest)
			return;
		g_hash_table_remove(t->map, &oldest->key);
	}
}

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The preview: the last view at the old scale, scaled to this one, with
 * the SVG's corner at (ox, oy). */
static void draw_preview(struct tiles *t, cairo_t *cr, double ox, double oy)
{
	double r = t->scale / t->snap_scale;

	cairo_save(cr);
	cairo_translate(cr, ox - t->snap_x * r, oy - t->snap_y * r);
	cairo_scale(cr, r, r);
	cairo_set_source_surface(cr, t->snap, 0, 0);
	/* for a frame or two: fast rather than smooth */
	cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_FAST);
	cairo_paint(cr);
	cairo_restore(cr);
}

bool tiles_draw(struct tiles *t, cairo_t *cr, double scale, double x, double y,
		int w, int h, bool defer)
{
	double ox = round(x), oy = round(y);
	bool complete = true;
	int c0, c1, r0, r1;

	set_scale(t, scale);
	t->frame++;
	c0 = clampi((int)floor(-ox / TILE_SIZE), 0, t->cols - 1);
	c1 = clampi((int)floor((w - 1 - ox) / TILE_SIZE), 0, t->cols - 1);
	r0 = clampi((int)floor(-oy / TILE_SIZE), 0, t->rows - 1);
	r1 = clampi((int)floor((h - 1 - oy) / TILE_SIZE), 0, t->rows - 1);
	/* Entirely out of view: nothing to draw. */
	if (ox >= w || oy >= h || ox + t->cols * (double)TILE_SIZE <= 0 ||
	    oy + t->rows * (double)TILE_SIZE <= 0 || t->cols <= 0 ||
	    t->rows <= 0) {
		t->have_view = false;
		return true;
	}
	t->c0 = c0;
	t->c1 = c1;
	t->r0 = r0;
	t->r1 = r1;
	if (missing(t, c0, c1, r0, r1)) {
		if (defer && t->snap) {
			draw_preview(t, cr, ox, oy);
			complete = false;
		} else {
			render(t, c0, c1, r0, r1);
		}
	}
	for (int r = r0; r <= r1; r++) {
		for (int c = c0; c <= c1; c++) {
			struct tile *tl = tile_at(t, c, r);

			if (!tl)
				continue;
			tl->used = t->frame;
			cairo_set_source_surface(cr, tl->s,
						 ox + c * (double)TILE_SIZE,
						 oy + r * (double)TILE_SIZE);
			cairo_rectangle(cr, ox + c * (double)TILE_SIZE,
					oy + r * (double)TILE_SIZE,
					cairo_image_surface_get_width(tl->s),
					cairo_image_surface_get_height(tl->s));
			cairo_fill(cr);
		}
	}
	t->have_view = complete;
	t->last_x = ox;
	t->last_y = oy;
	t->last_w = w;
	t->last_h = h;
	if (complete)
		drop_snapshot(t);
	evict(t);
	return complete;
}

void tiles_complete(struct tiles *t)
{
	if (missing(t, t->c0, t->c1, t->r0, t->r1))
		render(t, t->c0, t->c1, t->r0, t->r1);
}

bool tiles_prefetch(struct tiles *t)
{
	int c0, c1, r0, r1;

	if (!t->have_view)
		return false;
	c0 = clampi(t->c0 - 1, 0, t->cols - 1);
	c1 = clampi(t->c1 + 1, 0, t->cols - 1);
	r0 = clampi(t->r0 - 1, 0, t->rows - 1);
	r1 = clampi(t->r1 + 1, 0, t->rows - 1);
	/* The ring's right and left columns, then its rows below and
	 * above: c0, c1, r0, r1 of each. */
	const int sides[4][4] = {{c1, c1, t->r0, t->r1},
				 {c0, c0, t->r0, t->r1},
				 {c0, c1, r1, r1},
				 {c0, c1, r0, r0}};

	for (int i = 0; i < 4; i++) {
		const int *s = sides[i];
		size_t n = missing(t, s[0], s[1], s[2], s[3]);

		if (n == 0)
			continue;
		if (g_hash_table_size(t->map) + n > t->max)
			return false;
		render(t, s[0], s[1], s[2], s[3]);
		return true;
	}
	return false;
}

void tiles_get_stats(const struct tiles *t, struct tiles_stats *ret)
{
	GHashTableIter it;
	struct tile *tl;

	ret->tiles = g_hash_table_size(t->map);
	ret->bytes = 0;
	g_hash_table_iter_init(&it, t->map);
	while (g_hash_table_iter_next(&it, NULL, (gpointer *)&tl))
		ret->bytes += (size_t)cairo_image_surface_get_stride(tl->s) *
			      (size_t)cairo_image_surface_get_height(tl->s);
	ret->replays = t->replays;
	ret->rendered = t->rendered;
}
