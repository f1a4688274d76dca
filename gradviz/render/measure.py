"""How a rendered SVG frame fares on a slide: measured from the SVG gradviz writes.

``fit(svg)`` fits the picture into a 1920×1080 slide and reports the node text size in
pixels there (sub- and superscripts, ``backends.SCRIPT_SIZE`` of their text as in print, aside), the aspect ratio, edge labels that sit nearer another edge than their own
(or far from their own), texts cut with "…" and ``baseline-shift`` attributes (which
browsers draw wrongly). The figure tests and ``bench/figures.py`` use it.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from .backends import SCRIPT_SIZE

__all__ = ["SlideFit", "fit", "SLIDE", "crossings", "count_crossings", "spline_points", "node_boxes", "edge_paths",
           "edge_ends", "border_runs", "shared_runs", "constants_astray", "runs_along_borders",
           "runs_together", "strays", "BORDER_LONG", "SHARED_LONG", "BESIDE"]

SLIDE = (1920, 1080)  # the projector slide a figure is judged on, in pixels
_SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
_CHAR_WIDTH = 0.6  # DejaVu Sans: an average character is about 0.6 em wide
_NEAR = 1.5  # an edge label's box may be at most this many of its font sizes away from its edge


@dataclass(frozen=True)
class SlideFit:
    """A frame fitted into ``SLIDE``: sizes in pixels there, counts of defects."""

    width_pt: float
    height_pt: float
    node_text_px: float  # the smallest node text (not a sub- or superscript) at slide size
    misplaced_labels: tuple[str, ...]  # ids of edges whose label is nearer another edge or far from its own
    truncated: int  # texts that end in or contain "…"
    baseline_shifts: int

    @property
    def aspect(self) -> float:
        return self.width_pt / self.height_pt

    @property
    def scale(self) -> float:
        return min(SLIDE[0] / self.width_pt, SLIDE[1] / self.height_pt)


def fit(svg: bytes | str) -> SlideFit:
    """Measure one SVG frame (as gradviz writes it: sizes in points)."""
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    root = ET.fromstring(text)
    width, height = (float(_NUMBER.match(root.get(k, "0")).group(0)) for k in ("width", "height"))
    scale = min(SLIDE[0] / width, SLIDE[1] / height)
    sizes = []
    for g in _groups(root, "node"):
        texts = [float(t.get("font-size", "14")) for t in g.iter(f"{_SVG}text") if "".join(t.itertext()).strip()]
        sizes += [size for size in texts if not any(abs(size - SCRIPT_SIZE * other) < 0.01 for other in texts)]
    truncated = sum("…" in "".join(t.itertext()) for t in root.iter(f"{_SVG}text"))
    return SlideFit(width, height, min(sizes, default=0.0) * scale, _misplaced(root), truncated,
                    text.count("baseline-shift"))


def _groups(root: ET.Element, kind: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{_SVG}g") if g.get("class") == kind]


def _misplaced(root: ET.Element) -> tuple[str, ...]:
    """Edges whose label box is nearer another edge's path than its own, or farther than ``_NEAR``
    font sizes from its own path."""
    paths: dict[str, list[tuple[float, float]]] = {}
    labels: dict[str, tuple[tuple[float, float, float, float], float]] = {}
    for g in _groups(root, "edge"):
        eid = g.get("id", "")
        path = g.find(f"{_SVG}path")
        if path is None:
            continue
        paths[eid] = _sampled(path.get("d", ""))
        box = _text_box(g)
        if box is not None:
            labels[eid] = box
    out = []
    for eid, (box, size) in labels.items():
        own = _distance(box, paths[eid])
        others = [_distance(box, p) for other, p in paths.items() if other != eid and p]
        if own > _NEAR * size or any(d < own for d in others):
            out.append(eid)
    return tuple(out)


def _text_box(g: ET.Element) -> tuple[tuple[float, float, float, float], float] | None:
    """The box (x0, y0, x1, y1) the label texts of an edge group cover, and their font size."""
    boxes = []
    size = 0.0
    for t in g.iter(f"{_SVG}text"):
        content = "".join(t.itertext())
        if not content.strip():
            continue
        size = max(size, float(t.get("font-size", "14")))
        x, y, fs = float(t.get("x", "0")), float(t.get("y", "0")), float(t.get("font-size", "14"))
        w = _CHAR_WIDTH * fs * len(content)
        x0 = {"start": x, "end": x - w}.get(t.get("text-anchor", "start"), x - w / 2)
        boxes.append((x0, y - 0.8 * fs, x0 + w, y + 0.2 * fs))
    if not boxes:
        return None
    corners = list(zip(*boxes))
    return (min(corners[0]), min(corners[1]), max(corners[2]), max(corners[3])), size


def _sampled(d: str) -> list[tuple[float, float]]:
    """Points along a Graphviz edge path (``M x,y C x,y x,y x,y …``), 16 per Bézier piece."""
    numbers = [float(n) for n in _NUMBER.findall(d)]
    points = list(zip(numbers[0::2], numbers[1::2]))
    if len(points) < 4:
        return points
    out = [points[0]]
    for k in range(1, len(points) - 2, 3):
        p0, p1, p2, p3 = points[k - 1], points[k], points[k + 1], points[k + 2]
        for step in range(1, 17):
            t = step / 16
            a, b, c, e = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3
            out.append((a * p0[0] + b * p1[0] + c * p2[0] + e * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + e * p3[1]))
    return out


def _distance(box: tuple[float, float, float, float], points: list[tuple[float, float]]) -> float:
    """The distance from a box to the nearest of ``points`` (0 when one lies inside)."""
    x0, y0, x1, y1 = box
    best = math.inf
    for x, y in points:
        dx = max(x0 - x, 0.0, x - x1)
        dy = max(y0 - y, 0.0, y - y1)
        best = min(best, math.hypot(dx, dy))
    return best


def crossings(svg: bytes | str) -> int:
    """How many times the edges of an SVG frame cross one another."""
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    root = ET.fromstring(text)
    paths = [_sampled(path.get("d", "")) for g in _groups(root, "edge") for path in g.iter(f"{_SVG}path")]
    return count_crossings([p for p in paths if len(p) > 1])


def spline_points(pos: str) -> list[tuple[float, float]]:
    """Points along an edge's spline as Graphviz's layout gives it (``pos="e,x,y x,y x,y …"``):
    the arrowhead's end and start markers left out, the Bézier pieces sampled."""
    pieces = [p for p in pos.split() if not p.startswith(("e,", "s,"))]
    return _sampled("M" + " C".join(pieces) if pieces else "")


def count_crossings(paths: list[list[tuple[float, float]]]) -> int:
    """Proper crossings between distinct polylines: each pair of segments that cut through each
    other away from both polylines' ends (edges that meet at a shared node do not cross there)."""
    count = 0
    boxes = [_bbox(p) for p in paths]
    pieces = [_segments(p) for p in paths]
    for i in range(len(paths)):
        for j in range(i + 1, len(paths)):
            if not _overlap(boxes[i], boxes[j]):
                continue
            i_near_j = [a for a in pieces[i] if _overlap(a[4:], boxes[j])]  # only where the paths' boxes overlap
            j_near_i = [c for c in pieces[j] if _overlap(c[4:], boxes[i])]
            if i_near_j and j_near_i:
                count += _pair_crossings(i_near_j, j_near_i, (paths[i][0], paths[i][-1], paths[j][0], paths[j][-1]))
    return count


def _bbox(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


_END = 6.0  # points: a meeting this close to either path's end is two edges at one node, not a crossing
Segment = tuple  # (ax, ay, bx, by, x0, y0, x1, y1): its ends and its box


def _segments(points: list[tuple[float, float]]) -> list[Segment]:
    return [(a[0], a[1], b[0], b[1], min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))
            for a, b in zip(points, points[1:])]


def _pair_crossings(p: list[Segment], q: list[Segment], ends: tuple[tuple[float, float], ...]) -> int:
    hits: list[tuple[float, float]] = []
    for a in p:
        for c in q:
            if a[4] > c[6] or c[4] > a[6] or a[5] > c[7] or c[5] > a[7]:  # boxes apart: no cut
                continue
            point = _cut(a, c)
            if point is None or any(math.dist(point, e) < _END for e in ends):
                continue
            if all(math.dist(point, h) > _END for h in hits):  # one crossing sampled twice counts once
                hits.append(point)
    return len(hits)


def _cut(ab: Segment, cd: Segment) -> tuple[float, float] | None:
    """Where segment ab properly crosses segment cd, if it does."""
    rx, ry = ab[2] - ab[0], ab[3] - ab[1]
    sx, sy = cd[2] - cd[0], cd[3] - cd[1]
    denominator = rx * sy - ry * sx
    if abs(denominator) < 1e-12:
        return None
    cx, cy = cd[0] - ab[0], cd[1] - ab[1]
    t = (cx * sy - cy * sx) / denominator
    u = (cx * ry - cy * rx) / denominator
    if 0 <= t < 1 and 0 <= u < 1:
        return ab[0] + t * rx, ab[1] + t * ry
    return None


def node_boxes(svg: bytes | str) -> dict[str, tuple[float, float, float, float]]:
    """Each node's box (x0, y0, x1, y1; SVG units, y down) by node id: the extent of its outline."""
    root = ET.fromstring(svg.decode("utf-8") if isinstance(svg, bytes) else svg)
    out = {}
    for g in _groups(root, "node"):
        numbers = [float(n) for shape in g if shape.tag in (f"{_SVG}path", f"{_SVG}polygon")
                   for n in _NUMBER.findall(shape.get("d", shape.get("points", "")))]
        if numbers:
            out[g.get("id", "")] = _bbox(list(zip(numbers[0::2], numbers[1::2])))
        else:  # a plaintext node (a constant): the extent of its text
            box = _text_box(g)
            if box is not None:
                out[g.get("id", "")] = box[0]
    return out


def edge_paths(svg: bytes | str) -> dict[str, list[tuple[float, float]]]:
    """Each edge's path sampled into points (SVG units, y down) by edge id."""
    root = ET.fromstring(svg.decode("utf-8") if isinstance(svg, bytes) else svg)
    return {g.get("id", ""): _sampled(path.get("d", "")) for g in _groups(root, "edge")
            for path in g.iter(f"{_SVG}path")}


def edge_ends(svg: bytes | str) -> dict[str, tuple[str, str]]:
    """Each edge's tail and head node ids (from its title, ``tail->head``) by edge id."""
    root = ET.fromstring(svg.decode("utf-8") if isinstance(svg, bytes) else svg)
    out = {}
    for g in _groups(root, "edge"):
        title = g.find(f"{_SVG}title")
        if title is not None and "->" in (title.text or ""):
            tail, head = title.text.split("->", 1)
            out[g.get("id", "")] = (tail, head)
    return out


def _run_lengths(points: list[tuple[float, float]], near: list[bool]) -> float:
    """The longest stretch of a sampled path (its length along the path) whose points are all ``near``."""
    best = run = 0.0
    for k in range(1, len(points)):
        run = run + math.dist(points[k - 1], points[k]) if near[k] and near[k - 1] else 0.0
        best = max(best, run)
    return best


def _box_distance(p: tuple[float, float], box: tuple[float, float, float, float]) -> float:
    """Distance from a point to a box's border (inside or out)."""
    x, y = p
    x0, y0, x1, y1 = box
    if x0 <= x <= x1 and y0 <= y <= y1:
        return min(x - x0, x1 - x, y - y0, y1 - y)
    return math.hypot(max(x0 - x, 0.0, x - x1), max(y0 - y, 0.0, y - y1))


BORDER_GAP = 3.0  # points: an edge this close to a node's outline runs along it
BORDER_LONG = 20.0  # points: an edge running along an outline longer than this reads as part of it
SHARED_LONG = 24.0  # points (a gate's height): two edges of a fan-out together longer than this read as one
SHARED_GAP = 4.0  # points: two edges from one node this close to each other run as one bundle
_LEAVING = 12.0  # points from its node's box where a fan-out's edges may still run together


def border_runs(svg: bytes | str) -> dict[tuple[str, str], float]:
    """For each edge and node box it runs along: the longest stretch (points) of the edge within
    ``BORDER_GAP`` of the box's outline, by (edge id, node id); stretches under 1 point left out."""
    return runs_along_borders(node_boxes(svg), edge_paths(svg))


def runs_along_borders(boxes: dict[str, tuple[float, float, float, float]],
                       paths: dict[str, list[tuple[float, float]]]) -> dict[tuple[str, str], float]:
    """``border_runs`` of node boxes and sampled edge paths (any units, one orientation)."""
    out = {}
    for eid, points in paths.items():
        if len(points) < 2:
            continue
        lo = _bbox(points)
        for nid, box in boxes.items():
            if not _overlap((lo[0] - BORDER_GAP, lo[1] - BORDER_GAP, lo[2] + BORDER_GAP, lo[3] + BORDER_GAP), box):
                continue
            run = _run_lengths(points, [_box_distance(p, box) <= BORDER_GAP for p in points])
            if run >= 1.0:
                out[(eid, nid)] = run
    return out


def shared_runs(svg: bytes | str) -> dict[str, float]:
    """For each node with several outgoing edges: the longest stretch (points) over which two of
    them run within ``SHARED_GAP`` of each other, once ``_LEAVING`` points clear of the node."""
    return runs_together(node_boxes(svg), edge_paths(svg), edge_ends(svg))


def runs_together(boxes: dict[str, tuple[float, float, float, float]], paths: dict[str, list[tuple[float, float]]],
                  ends: dict[str, tuple[str, str]]) -> dict[str, float]:
    """``shared_runs`` of node boxes, sampled edge paths and edges' (tail, head)."""
    fans: dict[str, list[str]] = {}
    for eid, (tail, _) in ends.items():
        if eid in paths:
            fans.setdefault(tail, []).append(eid)
    out = {}
    for tail, eids in fans.items():
        if len(eids) < 2 or tail not in boxes:
            continue
        box = boxes[tail]
        clear = {e: [p for p in paths[e] if _gap((p[0], p[1], p[0], p[1]), box) > _LEAVING] for e in eids}
        best = 0.0
        for i, a in enumerate(eids):
            for b in eids[i + 1:]:
                if len(clear[a]) > 1 and clear[b]:
                    best = max(best, _run_lengths(clear[a], [min(math.dist(p, q) for q in clear[b]) <= SHARED_GAP
                                                              for p in clear[a]]))
        out[tail] = best
    return out


BESIDE = 36.0  # points: a constant this near the operation it feeds sits beside it


def constants_astray(svg: bytes | str) -> list[str]:
    """Constants (nodes drawn without an outline) that overlap another node, or lie farther than
    ``BESIDE`` from every operation they feed."""
    root = ET.fromstring(svg.decode("utf-8") if isinstance(svg, bytes) else svg)
    plain = {g.get("id", "") for g in _groups(root, "node")
             if not any(s.tag in (f"{_SVG}path", f"{_SVG}polygon") for s in g)}
    return strays(node_boxes(svg), plain, list(edge_ends(svg).values()))


def strays(boxes: dict[str, tuple[float, float, float, float]], constants: set[str],
           ends: list[tuple[str, str]]) -> list[str]:
    """``constants_astray`` of node boxes, the constants' ids and the edges' (tail, head)."""
    uses: dict[str, set[str]] = {}
    for tail, head in ends:
        uses.setdefault(tail, set()).add(head)
    out = []
    for nid in sorted(constants & set(boxes)):
        box = boxes[nid]
        own = min((_gap(box, boxes[h]) for h in uses.get(nid, ()) if h in boxes), default=math.inf)
        if own > BESIDE or any(_overlap(box, other) for o, other in boxes.items() if o != nid):
            out.append(nid)
    return out


def _gap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    return math.hypot(max(b[0] - a[2], 0.0, a[0] - b[2]), max(b[1] - a[3], 0.0, a[1] - b[3]))
