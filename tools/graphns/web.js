/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The script of graphns' web page: zoom, pan, search, details. Strings
 * from the data reach the page only through textContent, never as markup.
 */
(function () {
	"use strict";
	var SVGNS = "http://www.w3.org/2000/svg";
	var data = JSON.parse(document.getElementById("data").textContent);
	var view = document.getElementById("view");
	var svg = view.querySelector("svg");
	var graph = svg.querySelector("g.graph");
	var q = document.getElementById("q");
	var msg = document.getElementById("msg");
	var details = document.getElementById("details");
	var help = document.getElementById("help");
	var original = svg.cloneNode(true);
	var byId = {};
	var parentOf = {};
	var W, H;
	var s = 1, tx = 0, ty = 0;
	var matches = [], current = -1, lastQuery = null;
	var selected = null;

	/* What a node has not is left out of the data. */
	data.nodes.forEach(function (n) {
		n.node = n.node || n.id;
		n.refs = n.refs || [];
		byId[n.id] = n;
	});

	/* The drawing in a group of our own, which carries the zoom and
	 * pan, in an svg element that fills the view. */
	var box = svg.viewBox.baseVal;
	W = box && box.width ? box.width : parseFloat(svg.getAttribute("width"));
	H = box && box.height ? box.height : parseFloat(svg.getAttribute("height"));
	svg.removeAttribute("width");
	svg.removeAttribute("height");
	svg.removeAttribute("viewBox");
	var vp = document.createElementNS(SVGNS, "g");
	vp.id = "viewport";
	svg.insertBefore(vp, graph);
	vp.appendChild(graph);

	/* Each node's way to the root: the one parent or owned edge it has. */
	svg.querySelectorAll("g.edge").forEach(function (e) {
		var ends = e.id.split("~");
		if (ends.length === 2 && !e.classList.contains("owner"))
			parentOf[ends[0]] = ends[1];
	});

	function apply() {
		vp.setAttribute("transform", "translate(" + tx + " " + ty +
			") scale(" + s + ")");
	}

	function zoomAt(f, x, y) {
		var ns = Math.min(8, Math.max(0.02, s * f));
		tx = x - (x - tx) * ns / s;
		ty = y - (y - ty) * ns / s;
		s = ns;
		apply();
	}

	function size() {
		return { w: view.clientWidth, h: view.clientHeight };
	}

	function fit() {
		var v = size();
		s = Math.min(v.w / W, v.h / H) * 0.98;
		tx = (v.w - W * s) / 2;
		ty = (v.h - H * s) / 2;
		apply();
	}

	/* Where element el is, in the drawing's units. */
	function place(el) {
		var r = el.getBoundingClientRect(), o = svg.getBoundingClientRect();
		return {
			x: (r.left - o.left - tx) / s, y: (r.top - o.top - ty) / s,
			w: r.width / s, h: r.height / s
		};
	}

	/* el in the middle of the view, at least at zoom z. */
	function centre(el, z) {
		var v = size(), p = place(el);
		if (z && s < z)
			s = z;
		tx = v.w / 2 - (p.x + p.w / 2) * s;
		ty = v.h / 2 - (p.y + p.h / 2) * s;
		apply();
	}

	/* The first user namespace without a parent (Graphviz draws the
	 * clusters apart from their nodes: no node is in a cluster's g). */
	function root() {
		var all = svg.querySelectorAll("g.node.user");
		for (var i = 0; i < all.length; i++)
			if (!parentOf[all[i].id])
				return all[i];
		return svg.querySelector("g.node");
	}

	/* 1x, the root at the left edge, in the middle. */
	function one() {
		var r = root(), v = size();
		s = 1;
		if (!r) {
			tx = ty = 0;
			apply();
			return;
		}
		var p = place(r);
		tx = 20 - p.x;
		ty = v.h / 2 - (p.y + p.h / 2);
		apply();
	}

	function pan(dx, dy) {
		tx += dx;
		ty += dy;
		apply();
	}

	/* ---- Drag and wheel ---- */

	var drag = null, downTarget = null;
	view.addEventListener("pointerdown", function (ev) {
		if (ev.button !== 0)
			return;
		/* The target now: under pointer capture, pointerup's (and
		 * dblclick's) is the view. */
		downTarget = ev.target;
		drag = { x: ev.clientX, y: ev.clientY, moved: false,
			target: ev.target };
		view.setPointerCapture(ev.pointerId);
	});
	view.addEventListener("pointermove", function (ev) {
		if (!drag)
			return;
		var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
		if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4)
			return;
		drag.moved = true;
		view.classList.add("dragging");
		drag.x = ev.clientX;
		drag.y = ev.clientY;
		pan(dx, dy);
	});
	function endDrag(ev) {
		if (!drag)
			return;
		var moved = drag.moved, target = drag.target;
		drag = null;
		view.classList.remove("dragging");
		if (!moved)
			click(target);
	}
	view.addEventListener("pointerup", endDrag);
	view.addEventListener("pointercancel", function () { drag = null; });
	view.addEventListener("wheel", function (ev) {
		ev.preventDefault();
		var o = svg.getBoundingClientRect();
		zoomAt(Math.pow(1.0015, -ev.deltaY), ev.clientX - o.left,
			ev.clientY - o.top);
	}, { passive: false });
	view.addEventListener("dblclick", function (ev) {
		var g = nodeOf(downTarget || ev.target);
		if (g && g.classList.contains("group"))
			toggleGroup(g.id);
	});

	/* ---- Details ---- */

	function el(tag, text) {
		var e = document.createElement(tag);
		if (text !== undefined)
			e.textContent = text;
		return e;
	}

	function link(id) {
		var a = el("a", id);
		a.addEventListener("click", function () { select(id, true); });
		return a;
	}

	function nodeOf(t) {
		while (t && t !== svg) {
			if (t.classList && t.classList.contains("node"))
				return t;
			if (t.dataset && t.dataset.id)
				return t;
			t = t.parentNode;
		}
		return null;
	}

	function click(target) {
		var g = nodeOf(target);
		if (g)
			select(g.dataset.id || g.id, false);
	}

	function clearClass(c) {
		svg.querySelectorAll("." + c).forEach(function (e) {
			e.classList.remove(c);
		});
	}

	/* The SVG element that shows id: its own node or its group's. */
	function shown(id) {
		var n = byId[id];
		return document.getElementById(n ? n.node : id);
	}

	function highlightPath(id) {
		clearClass("path");
		var at = n2svg(id), seen = {};
		while (at && !seen[at]) {
			seen[at] = true;
			var g = document.getElementById(at);
			if (g)
				g.classList.add("path");
			var up = parentOf[at];
			if (!up)
				break;
			var e = document.getElementById(at + "~" + up);
			if (e)
				e.classList.add("path");
			at = up;
		}
	}

	function n2svg(id) {
		var n = byId[id];
		return n ? n.node : id;
	}

	function row(dl, key, value) {
		dl.appendChild(el("dt", key));
		var dd = el("dd");
		if (value instanceof Node)
			dd.appendChild(value);
		else
			dd.textContent = value;
		dl.appendChild(dd);
	}

	function procText(pid) {
		var name = data.procs[pid];
		return (name === undefined ? "?" : name) + " (" + pid + ")";
	}

	function list(items, make) {
		var ul = el("ul");
		items.forEach(function (x) {
			var li = el("li");
			var c = make(x);
			if (c instanceof Node)
				li.appendChild(c);
			else
				li.textContent = c;
			ul.appendChild(li);
		});
		return ul;
	}

	function showNode(n) {
		details.textContent = "";
		details.appendChild(el("h2", n.type + ":[" + n.ino + "]"));
		var dl = el("dl");
		row(dl, "type", n.type);
		row(dl, "inode", String(n.ino));
		row(dl, "id", n.id);
		row(dl, "held by", n.holder);
		if (n.parent)
			row(dl, "parent", link(n.parent));
		if (n.owner && n.owner !== n.parent)
			row(dl, "owner", link(n.owner));
		if (n.uid !== undefined)
			row(dl, "owner uid", String(n.uid));
		if (n.container)
			row(dl, "container", n.container);
		if (n.node !== n.id)
			row(dl, "in group", link(n.node));
		row(dl, "processes", String(n.pids.length));
		details.appendChild(dl);
		if (n.pids.length)
			details.appendChild(list(n.pids, procText));
		if (n.refs.length) {
			details.appendChild(el("div", "other holders: " +
				n.refs.length));
			details.appendChild(list(n.refs, function (r) { return r; }));
		}
	}

	var DETAILS_MAX = 200;

	function showGroup(id, g) {
		details.textContent = "";
		details.appendChild(el("h2", g.type + " \u00d7 " + g.members.length));
		var dl = el("dl");
		row(dl, "id", id);
		row(dl, "owner", link(g.owner));
		row(dl, "namespaces", String(g.members.length));
		details.appendChild(dl);
		var b = el("button", expanded[id] ? "collapse" : "expand");
		b.addEventListener("click", function () {
			toggleGroup(id);
		});
		details.appendChild(b);
		/* The first few hundred: thousands of links would make a
		 * click slow (and a double-click two clicks); search finds
		 * every member. */
		details.appendChild(list(g.members.slice(0, DETAILS_MAX),
			function (m) {
				var a = link(m), n = byId[m];
				a.textContent = m + " " + (n ? n.holder : "");
				return a;
			}));
		if (g.members.length > DETAILS_MAX)
			details.appendChild(el("div", "\u2026 " +
				(g.members.length - DETAILS_MAX) +
				" more (search finds them)"));
	}

	function select(id, move) {
		clearClass("selected");
		selected = id;
		var g = shown(id);
		if (g)
			g.classList.add("selected");
		highlightPath(id);
		if (byId[id])
			showNode(byId[id]);
		else if (data.groups[id])
			showGroup(id, data.groups[id]);
		else {
			details.textContent = "";
			details.appendChild(el("h2", id));
		}
		details.hidden = false;
		if (move && g)
			centre(g, 0.8);
	}

	/* ---- Groups ---- */

	var expanded = {};

	/* A column of the group's members to the right of its node. */
	function toggleGroup(id) {
		var g = document.getElementById(id), grp = data.groups[id];
		if (!g || !grp)
			return;
		if (expanded[id]) {
			expanded[id].remove();
			delete expanded[id];
			g.classList.remove("expanded");
		} else {
			/* In the viewport's units, where place() measures. */
			var p = place(g);
			var col = document.createElementNS(SVGNS, "g");
			col.setAttribute("class", "expansion");
			col.id = "expansion-" + id;
			var x0 = p.x + p.w + 12, y0 = p.y;
			grp.members.forEach(function (mid, i) {
				var n = byId[mid];
				var it = document.createElementNS(SVGNS, "g");
				it.dataset.id = mid;
				it.id = "x-" + mid;
				var r = document.createElementNS(SVGNS, "rect");
				r.setAttribute("x", x0);
				r.setAttribute("y", y0 + i * 20);
				r.setAttribute("width", 300);
				r.setAttribute("height", 18);
				var t = document.createElementNS(SVGNS, "text");
				t.setAttribute("x", x0 + 4);
				t.setAttribute("y", y0 + i * 20 + 13);
				var label = n ? n.type + ":[" + n.ino + "] " + n.holder : mid;
				t.textContent = label.length > 48 ?
					label.slice(0, 47) + "\u2026" : label;
				it.appendChild(r);
				it.appendChild(t);
				col.appendChild(it);
			});
			vp.appendChild(col);
			expanded[id] = col;
			g.classList.add("expanded");
		}
		if (selected === id)
			showGroup(id, grp);
	}

	/* ---- Search ---- */

	function find(text) {
		var t = text.trim().toLowerCase(), out = [], seen = {};
		if (!t)
			return out;
		var num = /^[0-9]+$/.test(t);
		function add(id) {
			if (!seen[id]) {
				seen[id] = true;
				out.push(id);
			}
		}
		data.nodes.forEach(function (n) {
			var hit;
			if (num) {
				hit = String(n.ino) === t ||
					n.pids.indexOf(Number(t)) >= 0 ||
					n.refs.some(function (r) {
						return r.indexOf("(" + t + ")") >= 0;
					});
			} else {
				hit = n.id.toLowerCase().indexOf(t) >= 0 ||
					n.holder.toLowerCase().indexOf(t) >= 0 ||
					n.refs.some(function (r) {
						return r.toLowerCase().indexOf(t) >= 0;
					}) ||
					n.pids.some(function (p) {
						var nm = data.procs[p];
						return nm !== undefined &&
							nm.toLowerCase().indexOf(t) >= 0;
					});
			}
			if (hit)
				add(n.id);
		});
		return out;
	}

	function search(step) {
		var text = q.value;
		if (text !== lastQuery) {
			lastQuery = text;
			matches = find(text);
			current = -1;
			clearClass("match");
			matches.forEach(function (id) {
				var g = shown(id);
				if (g)
					g.classList.add("match");
			});
		}
		clearClass("current");
		if (!matches.length) {
			msg.textContent = text.trim() ? "no match" : "";
			return;
		}
		current = (current + step + matches.length) % matches.length;
		if (current < 0)
			current = 0;
		var id = matches[current], g = shown(id);
		msg.textContent = (current + 1) + " of " + matches.length + ": " + id;
		if (g) {
			g.classList.add("current");
			centre(g, 1);
		}
		select(id, false);
	}

	q.addEventListener("keydown", function (ev) {
		if (ev.key === "Enter") {
			ev.preventDefault();
			search(ev.shiftKey ? -1 : 1);
		} else if (ev.key === "Escape") {
			q.value = "";
			lastQuery = null;
			matches = [];
			clearClass("match");
			clearClass("current");
			msg.textContent = "";
			q.blur();
		}
		ev.stopPropagation();
	});
	q.addEventListener("input", function () {
		if (q.value.trim().length >= 1 && find(q.value).length)
			search(1);
		else
			search(0);
	});

	/* ---- Owner arrows, save, help ---- */

	function toggleOwners() {
		svg.classList.toggle("no-owners");
	}

	function save() {
		var text = new XMLSerializer().serializeToString(original);
		var blob = new Blob([text], { type: "image/svg+xml" });
		var a = document.createElement("a");
		a.href = URL.createObjectURL(blob);
		a.download = "graphns.svg";
		document.body.appendChild(a);
		a.click();
		a.remove();
		setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
		msg.textContent = "saved as graphns.svg (your downloads)";
	}

	function toggleHelp() {
		help.hidden = !help.hidden;
	}

	document.getElementById("owners").addEventListener("click", toggleOwners);
	document.getElementById("save").addEventListener("click", save);
	document.getElementById("helpbtn").addEventListener("click", toggleHelp);

	document.addEventListener("keydown", function (ev) {
		var v = size();
		if ((ev.ctrlKey || ev.metaKey) && ev.key === "f") {
			ev.preventDefault();
			q.focus();
			q.select();
			return;
		}
		if (ev.ctrlKey || ev.metaKey || ev.altKey)
			return;
		switch (ev.key) {
		case "+": case "=": zoomAt(1.25, v.w / 2, v.h / 2); break;
		case "-": case "_": zoomAt(0.8, v.w / 2, v.h / 2); break;
		case "1": one(); break;
		case "0": fit(); break;
		case "ArrowLeft": pan(60, 0); break;
		case "ArrowRight": pan(-60, 0); break;
		case "ArrowUp": pan(0, 60); break;
		case "ArrowDown": pan(0, -60); break;
		case "/": q.focus(); q.select(); break;
		case "n": search(1); break;
		case "N": search(-1); break;
		case "a": toggleOwners(); break;
		case "e": /* The group selected, or the selected member's. */
			if (selected)
				toggleGroup(n2svg(selected));
			break;
		case "s": case "S": save(); break;
		case "h": case "H": case "?": case "F1": toggleHelp(); break;
		case "q": case "Q": case "Escape":
			if (!help.hidden)
				help.hidden = true;
			else {
				details.hidden = true;
				clearClass("path");
				clearClass("selected");
				selected = null;
			}
			break;
		default: return;
		}
		ev.preventDefault();
	});

	if (!data.owners)
		document.getElementById("owners").disabled = true;
	apply();
	one();
	window.graphns = {
		state: function () { return { s: s, tx: tx, ty: ty }; },
		matches: function () { return matches.slice(); },
		select: function (id) { select(id, true); },
		centreOn: function (id) { centre(shown(id), 1); }
	};
})();
