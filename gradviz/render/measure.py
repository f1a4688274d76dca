"""How a rendered SVG frame fares on a slide: measured from the SVG gradviz writes.

``fit(svg)`` fits the picture into a 1920×1080 slide and reports the node text size in
pixels there, the aspect ratio, edge labels that sit nearer another edge than their own
(or far from their own), texts cut with "…" and ``baseline-shift`` attributes (which
browsers draw wrongly). The figure tests and ``bench/figures.py`` use it.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

__all__ = ["SlideFit", "fit", "SLIDE", "crossings", "count_crossings", "spline_points"]

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
    sizes = [float(t.get("font-size", "14")) for g in _groups(root, "node") for t in g.iter(f"{_SVG}text")
             if "".join(t.itertext()).strip()]
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
    for i in range(len(paths)):
        for j in range(i + 1, len(paths)):
            if not _overlap(boxes[i], boxes[j]):
                continue
            count += _pair_crossings(paths[i], paths[j])
    return count


def _bbox(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


_END = 6.0  # points: a meeting this close to either path's end is two edges at one node, not a crossing


def _pair_crossings(p: list[tuple[float, float]], q: list[tuple[float, float]]) -> int:
    ends = (p[0], p[-1], q[0], q[-1])
    hits: list[tuple[float, float]] = []
    for a, b in zip(p, p[1:]):
        for c, d in zip(q, q[1:]):
            point = _cut(a, b, c, d)
            if point is None or any(math.dist(point, e) < _END for e in ends):
                continue
            if all(math.dist(point, h) > _END for h in hits):  # one crossing sampled twice counts once
                hits.append(point)
    return len(hits)


def _cut(a, b, c, d) -> tuple[float, float] | None:
    """Where segment ab properly crosses segment cd, if it does."""
    r = (b[0] - a[0], b[1] - a[1])
    s = (d[0] - c[0], d[1] - c[1])
    denominator = r[0] * s[1] - r[1] * s[0]
    if abs(denominator) < 1e-12:
        return None
    t = ((c[0] - a[0]) * s[1] - (c[1] - a[1]) * s[0]) / denominator
    u = ((c[0] - a[0]) * r[1] - (c[1] - a[1]) * r[0]) / denominator
    if 0 <= t < 1 and 0 <= u < 1:
        return a[0] + t * r[0], a[1] + t * r[1]
    return None
