/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * graphns: the viewer's picture cache. The SVG is interpreted once, into a
 * cairo recording surface; at each zoom level the part of it in view is
 * replayed into square tiles, which pans then only copy. No GTK here: the
 * viewer and its redraw benchmark draw the same way.
 */
#ifndef GRAPHNS_TILES_H
#define GRAPHNS_TILES_H

#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>
#include <librsvg/rsvg.h>

#define TILE_SIZE 512 /* pixels each way */

struct tiles;

/* The cache of svg, whose size at 1x is width x height pixels, holding at
 * most max_bytes of tiles (at least those of one window); NULL if out of
 * memory or librsvg cannot draw it (said why on stderr). */
struct tiles *tiles_new(RsvgHandle *svg, double width, double height,
			size_t max_bytes);
void tiles_free(struct tiles *t);

/*
 * Paints the SVG at scale with its top left corner at (x, y) of cr, whose
 * visible area is w x h from (0, 0), and nothing else: what lies beyond
 * the SVG keeps what cr had. Missing tiles in view are replayed now, in one
 * pass; or, with defer and tiles of the last scale at hand, those are
 * drawn scaled instead (a preview, not sharp), and false is returned: then
 * tiles_complete() replays what is missing, for the next frame. Tiles of
 * other scales are dropped.
 */
bool tiles_draw(struct tiles *t, cairo_t *cr, double scale, double x, double y,
		int w, int h, bool defer);
void tiles_complete(struct tiles *t);

/* Replays one batch of the tiles around the last view (a row or a column
 * of the ring around it), if the cache has room for them. false when
 * there is nothing (more) to do. */
bool tiles_prefetch(struct tiles *t);

/* What the cache holds and has done, for the viewer's trace. */
struct tiles_stats {
	size_t tiles, bytes;
	size_t replays;	 /* passes over the recording */
	size_t rendered; /* tiles made by them */
};
void tiles_get_stats(const struct tiles *t, struct tiles_stats *ret);

#endif /* GRAPHNS_TILES_H */
