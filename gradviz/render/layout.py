"""One layout for every frame: measure every label, lay out once with ``dot``, pin the rest.

1. Measure: every label any frame uses (nodes, edge labels, the caption) becomes a node of
   one throw-away graph run through the ``nop`` engine, which only sizes them.
2. Lay out: the scene with every node at its largest size (``fixedsize``) and every edge
   label and the caption as an empty box of its largest size, run through ``dot``.
3. Pin: each frame is rendered by the ``nop2`` engine (``neato -n2``) with node ``pos="x,y!"``,
   fixed ``width``/``height``, edge splines ``pos`` and label positions ``lp``, and its labels
   inside boxes of the measured size, so node centres, node sizes, edge label places and the
   picture's bounding box are the same in every frame.
"""

from __future__ import annotations

import itertools
import json
import math
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

import networkx as nx

from ..errors import GradvizError
from .backends import GRAPHVIZ_SECONDS
from .dot import CAPTION_KEY, digraph
from .looks import Scene

if TYPE_CHECKING:
    import graphviz

    from .backends import Backend

__all__ = ["Layout", "layout", "least_length", "padding", "pinned", "node_box"]

_SLACK = 2  # points added to measured label boxes (Graphviz rounds sizes)
_CAPTION_GAP = 10  # points between the caption and anything else


@dataclass(frozen=True)
class Layout:
    """Pinned attributes for nodes and edges, and the fixed label boxes (points)."""

    nodes: dict[str, dict[str, str]]
    edges: dict[str, dict[str, str]]
    boxes: dict[str, tuple[int, int]]
    clusters: dict[str, dict[str, str]] = field(default_factory=dict)  # name → {"bb": …}
    caption_pos: str | None = None  # where the caption (the graph's label) sits, "x,y" in points
    size: tuple[float, float] = (0.0, 0.0)  # the picture's width and height in points, padding included


def layout(scenes: Sequence[Scene], backend: "Backend", slide: tuple[float, float] = (1920, 1080),
           timeout: float = GRAPHVIZ_SECONDS,
           disorder: Callable[[Mapping[str, tuple[float, float]]], tuple[int, ...]] | None = None) -> Layout:
    """Lay out the frames' common graph once, every node as large as its largest label; the
    caption goes where the picture fitted into ``slide`` keeps the largest text (``_caption_place``).
    ``disorder`` (node centres → how many things read out of order, ``reading``; compared in order):
    a layout (but one folded back) is mirrored across its flow when that lowers it (a mirror image
    crosses its edges as often). Graphviz is stopped, with a ``GradvizError``, after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    node_size, boxes = _measure(scenes, backend, timeout)
    sized = {nid: {"width": f"{w:.4f}", "height": f"{h:.4f}", "fixedsize": "true"}
             for nid, (w, h) in node_size.items()}
    sc = scenes[-1]
    gap = 72 * float(dict(sc.graph_attrs).get("ranksep", "0.5"))
    across = 1 if dict(sc.graph_attrs).get("rankdir", "LR") in ("LR", "RL") else 0
    parts = [_dot(part, sized, boxes, backend, deadline) for part in _row_scenes(sc)]
    nodes, edges, clusters, bb = _stacked(parts, across, gap)
    if disorder is not None and not sc.turned and not any("lp" in e for e in edges.values()):
        centres = {nid: _points(pins["pos"].rstrip("!"))[0] for nid, pins in nodes.items()}
        rows = sc.rows
        row = {nid: rows.get(nid, 0) for nid in nodes} | {e.id: rows.get(e.head, 0) for e in sc.edges}
        row |= {name: 0 for name in clusters}
        best = min(_mirrors(sc, nodes, bb, across), key=lambda m: disorder({nid: m.point(c, row[nid])
                                                                            for nid, c in centres.items()}))
        if disorder({nid: best.point(c, row[nid]) for nid, c in centres.items()}) < disorder(centres):
            nodes = {nid: {**pins, "pos": best.pos(pins["pos"].rstrip("!"), row[nid]) + "!"}
                     for nid, pins in nodes.items()}
            edges = {eid: {k: best.pos(v, row[eid]) for k, v in pins.items()} for eid, pins in edges.items()}
            clusters = {name: {"bb": best.box(c["bb"], row[name])} for name, c in clusters.items()}
    pad = padding(sc)
    caption_pos = None
    if CAPTION_KEY in boxes:
        obstacles = [node_box(pins) for pins in nodes.values()]
        obstacles += [(x, y, x, y) for pins in edges.values() for x, y in _points(pins["pos"])]
        obstacles += [tuple(float(v) for v in c["bb"].split(",")) for c in clusters.values()]
        caption_pos, bb = _caption_place(boxes[CAPTION_KEY], bb, obstacles, slide, pad)
    return Layout(nodes, edges, boxes, clusters, caption_pos, (bb[2] - bb[0] + pad, bb[3] - bb[1] + pad))


def padding(sc: Scene) -> float:
    """The points the scene's ``pad`` adds to a picture's width (and to its height): both sides."""
    return 2 * 72 * float(dict(sc.graph_attrs).get("pad", "0"))


def least_length(scenes: Sequence[Scene], backend: "Backend", timeout: float = GRAPHVIZ_SECONDS) -> float:
    """The least length (points) any ``dot`` layout of ``scenes`` takes along its flow: the nodes of its
    longest path end to end, ``ranksep`` apart (an edge's head lies a rank past its tail, but a constant's
    edge into the operation it is drawn beside). Costs a label measure, no layout."""
    node_size, _ = _measure(scenes, backend, timeout)
    sc = scenes[-1]
    along = 0 if dict(sc.graph_attrs).get("rankdir", "LR") in ("LR", "RL") else 1
    gap = 72 * float(dict(sc.graph_attrs).get("ranksep", "0.5"))
    beside = set(sc.beside)
    flow = nx.DiGraph((e.tail, e.head) for e in sc.edges if (e.tail, e.head) not in beside)
    flow.add_nodes_from(node.id for node in sc.nodes)
    length: dict[str, float] = {}
    for nid in nx.topological_sort(flow):
        length[nid] = 72 * node_size[nid][along] + max((length[p] + gap for p in flow.predecessors(nid)), default=0.0)
    return max(length.values(), default=0.0)


Box = tuple  # (x0, y0, x1, y1) in points, y up
_Drawing = tuple  # (nodes, edges, clusters, box): pinned attributes by id, and the box (points, y up)


def _dot(sc: Scene, sized: Mapping[str, Mapping[str, str]], boxes: Mapping[str, tuple[int, int]],
         backend: "Backend", deadline: float) -> _Drawing:
    """``sc`` laid out by ``dot``, its nodes at their ``sized`` sizes: each node's pins, each edge's
    spline (and label place), each cluster's box, and the picture's box (edges led around it included)."""
    source = digraph(sc, node_pins=sized, boxes=boxes, placeholders=True).source
    data = json.loads(backend.run(source, "dot", "json", timeout=deadline - time.monotonic()))
    nodes: dict[str, dict[str, str]] = {}
    clusters: dict[str, dict[str, str]] = {}
    for obj in data.get("objects", []):
        if obj.get("name") in sized and "pos" in obj:
            nodes[obj["name"]] = {"pos": obj["pos"] + "!", **sized[obj["name"]]}
        elif str(obj.get("name", "")).startswith("cluster_") and "bb" in obj:
            clusters[obj["name"]] = {"bb": obj["bb"]}
    edges: dict[str, dict[str, str]] = {}
    for edge in data.get("edges", []):
        if "id" not in edge:  # the invisible edges that order the inputs
            continue
        pins = {"pos": _forward(edge["pos"]) if edge.get("dir") == "back" else edge["pos"]}
        if "lp" in edge:
            pins["lp"] = edge["lp"]
        edges[edge["id"]] = pins
    missing = {node.id for node in sc.nodes} - set(nodes)
    if missing:  # pragma: no cover - Graphviz always places every node
        raise GradvizError(f"Graphviz did not place nodes {', '.join(sorted(missing))}")
    bb = tuple(float(v) for v in data.get("bb", "0,0,0,0").split(","))
    bends = [p for pins in edges.values() for p in _points(pins["pos"])]  # an edge led around the rest
    if bends:  # may leave Graphviz's box (a folded layout's way back); the picture holds it
        bb = (min(bb[0], *(x for x, _ in bends)), min(bb[1], *(y for _, y in bends)),
              max(bb[2], *(x for x, _ in bends)), max(bb[3], *(y for _, y in bends)))
    return nodes, edges, clusters, bb


def _row_scenes(sc: Scene) -> list[Scene]:
    """The parts laid out one by one: a layout folded into rows that read the same way (no edge joins
    them: ``ranks.ordered``) is one drawing a row, each in its own ranks; anything else is one."""
    if not (sc.ranks and sc.folded) or sc.turned:
        return [sc]
    rows = sc.rows
    parts = []
    for number in range(len(sc.later) + 1):
        mine = {node.id for node in sc.nodes if rows.get(node.id, 0) == number}
        if not mine:  # every node of this row went to a later one
            continue
        parts.append(replace(sc, nodes=tuple(n for n in sc.nodes if n.id in mine),
                             edges=tuple(e for e in sc.edges if e.head in mine),
                             ranks=tuple(r for r in (tuple(n for n in m if n in mine) for m in sc.ranks) if r),
                             beside=tuple(pair for pair in sc.beside if pair[1] in mine),
                             inputs=(), folded=frozenset(), later=(), copies=()))
    return parts


def _stacked(parts: Sequence[_Drawing], across: int, gap: float) -> _Drawing:
    """Drawings one after another across the flow (under each other when the figure runs left to right,
    side by side when top to bottom), ``gap`` points apart, lined up where the flow starts."""
    nodes, edges, clusters, bb = dict(parts[0][0]), dict(parts[0][1]), dict(parts[0][2]), parts[0][3]
    for part_nodes, part_edges, part_clusters, box in parts[1:]:
        if across == 1:  # the next drawing under the one before, their left ends lined up
            shift = (bb[0] - box[0], bb[1] - gap - box[3])
        else:  # beside it, their tops lined up
            shift = (bb[2] + gap - box[0], bb[3] - box[3])
        nodes |= {nid: {**pins, "pos": _shifted(pins["pos"].rstrip("!"), shift) + "!"}
                  for nid, pins in part_nodes.items()}
        edges |= {eid: {k: _shifted(v, shift) for k, v in pins.items()} for eid, pins in part_edges.items()}
        clusters |= {name: {"bb": _moved_box(c["bb"], lambda p: (p[0] + shift[0], p[1] + shift[1]))}
                     for name, c in part_clusters.items()}
        bb = (min(bb[0], box[0] + shift[0]), min(bb[1], box[1] + shift[1]),
              max(bb[2], box[2] + shift[0]), max(bb[3], box[3] + shift[1]))
    return nodes, edges, clusters, bb


def _shifted(pos: str, shift: tuple[float, float]) -> str:
    """A ``pos``/``lp`` attribute moved by ``shift``."""
    return _moved(pos, lambda p: (p[0] + shift[0], p[1] + shift[1]))


def _moved(pos: str, move: Callable[[tuple[float, float]], tuple[float, float]]) -> str:
    """A ``pos``/``lp`` attribute (points; a spline's ``e,``/``s,`` markers kept), ``move`` applied to each."""
    out = []
    for token in pos.split():
        parts = token.split(",")
        marker = parts[:1] if parts[0] in ("e", "s") else []
        x, y = move((float(parts[-2]), float(parts[-1])))
        out.append(",".join(marker + [f"{x:.2f}", f"{y:.2f}"]))
    return " ".join(out)


def _moved_box(bb: str, move: Callable[[tuple[float, float]], tuple[float, float]]) -> str:
    """A ``bb`` attribute (x0,y0,x1,y1) with ``move`` applied to its corners."""
    x0, y0, x1, y1 = (float(v) for v in bb.split(","))
    (a, b), (c, d) = move((x0, y0)), move((x1, y1))
    return f"{min(a, c):.2f},{min(b, d):.2f},{max(a, c):.2f},{max(b, d):.2f}"


def _caption_place(size: tuple[int, int], bb: Box, obstacles: list[Box], slide: tuple[float, float],
                   pad: float) -> tuple[str, Box]:
    """Where the caption goes: in a free corner of the picture when one is large enough, else
    above, beside or below it, whichever leaves the picture largest on the slide (the top-left
    corner first when several do equally well). Returns its centre and the picture's new box."""
    w, h = size
    x0, y0, x1, y1 = bb
    gap = _CAPTION_GAP
    spots = [(x0, y1 - h, True), (x0, y1 + gap, False), (x1 - w, y1 - h, True), (x1 + gap, y1 - h, False),
             (x0, y0, True), (x1 - w, y0, True), (x0, y0 - gap - h, False), (x0 - gap - w, y1 - h, False)]
    best: tuple[float, int, Box, Box] | None = None
    for rank, (cx, cy, inside) in enumerate(spots):  # in order of preference: top left first
        rect = (cx, cy, cx + w, cy + h)
        if inside and (w > x1 - x0 or h > y1 - y0 or any(_overlaps(rect, o, gap) for o in obstacles)):
            continue
        grown = (min(x0, rect[0]), min(y0, rect[1]), max(x1, rect[2]), max(y1, rect[3]))
        scale = min(slide[0] / (grown[2] - grown[0] + pad), slide[1] / (grown[3] - grown[1] + pad))
        if best is None or scale > best[0] + 1e-9:
            best = (scale, rank, rect, grown)
    assert best is not None
    rect = best[2]
    return f"{(rect[0] + rect[2]) / 2:.2f},{(rect[1] + rect[3]) / 2:.2f}", best[3]


def _overlaps(a: Box, b: Box, gap: float) -> bool:
    return a[0] - gap < b[2] and b[0] < a[2] + gap and a[1] - gap < b[3] and b[1] < a[3] + gap


def node_box(pins: Mapping[str, str]) -> Box:
    """A pinned node's box (x0, y0, x1, y1) in points."""
    x, y = (float(v) for v in pins["pos"].rstrip("!").split(","))
    w, h = float(pins["width"]) * 36, float(pins["height"]) * 36  # half sizes in points
    return (x - w, y - h, x + w, y + h)


@dataclass(frozen=True)
class _Mirror:
    """Reflections across the flow, per row: coordinate ``axis`` (0: x, 1: y) of a point of row ``k``
    becomes ``offset + sign × itself`` for ``rows[k] = (sign, offset)``."""

    axis: int
    rows: tuple[tuple[int, float], ...]

    def point(self, p: tuple[float, float], row: int = 0) -> tuple[float, float]:
        sign, offset = self.rows[row]
        return (offset + sign * p[0], p[1]) if self.axis == 0 else (p[0], offset + sign * p[1])

    def pos(self, pos: str, row: int = 0) -> str:
        """A ``pos``/``lp`` attribute reflected."""
        return _moved(pos, lambda p: self.point(p, row))

    def box(self, bb: str, row: int = 0) -> str:
        return _moved_box(bb, lambda p: self.point(p, row))


def _mirrors(sc: Scene, nodes: Mapping[str, Mapping[str, str]], bb: tuple[float, ...], axis: int) -> list[_Mirror]:
    """The reflections a layout may take: the whole picture across its flow; for a layout folded into
    rows that no edge joins (copies feed each row), also each row reflected within its own band or
    not, the rows in their order or all in reverse order."""
    whole = bb[axis] + bb[axis + 2]
    count = len(sc.later) + 1
    out = [_Mirror(axis, ((-1, whole),) * count)]
    if not sc.folded or sc.turned or any(sc.rows.get(e.tail, 0) != sc.rows.get(e.head, 0) for e in sc.edges):
        return out
    bands = []
    for number in range(count):
        boxes = [node_box(pins) for nid, pins in nodes.items() if sc.rows.get(nid, 0) == number]
        if not boxes:
            return out
        bands.append(min(b[axis] for b in boxes) + max(b[axis + 2] for b in boxes))
    kept = [((1, 0.0), (-1, band)) for band in bands]  # a row where it is: as laid out, or reflected in place
    moved = [((-1, whole), (1, whole - band)) for band in bands]  # the rows in reverse order: reflected, or not
    return out + [_Mirror(axis, tuple(choice)) for choices in (kept, moved) for choice in itertools.product(*choices)]


def _forward(pos: str) -> str:
    """The spline of an edge laid out reversed (``dir=back``, ``s,x,y`` at its arrow) turned
    back into its own direction (the arrow at the end: ``e,x,y``)."""
    tokens = pos.split()
    start = [t for t in tokens if t.startswith("s,")]
    points = [t for t in tokens if not t.startswith(("s,", "e,"))]
    return " ".join(["e," + start[0][2:]] if start else []) + (" " if start else "") + " ".join(reversed(points))


def _points(pos: str) -> list[tuple[float, float]]:
    """The points of an edge's ``pos`` (``e,x,y x,y …``): control points lie near the curve."""
    out = []
    for token in pos.split():
        parts = token.split(",")
        if parts[0] in ("e", "s"):
            parts = parts[1:]
        out.append((float(parts[0]), float(parts[1])))
    return out


def pinned(sc: Scene, lay: Layout, cache: dict | None = None) -> "graphviz.Digraph":
    """The frame's scene with every position pinned, ready for the ``nop2`` engine
    (``cache``: see ``dot.digraph``)."""
    return digraph(sc, node_pins=lay.nodes, edge_pins=lay.edges, boxes=lay.boxes, cache=cache,
                   cluster_pins=lay.clusters, caption_pos=lay.caption_pos,
                   comment="positions are pinned: render with neato -n2 (or dot -Knop2)")


_LABEL_SIZES: dict[tuple, tuple[float, float]] = {}  # (backend, defaults, attributes, label) → inches
_LABEL_SIZES_LIMIT = 50_000  # entries; the whole table is dropped beyond it


@lru_cache(maxsize=4096)
def _size_attributes(attrs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The node attributes that decide a label's size (the last of each name)."""
    return tuple((k, v) for k, v in dict(attrs).items() if k in ("shape", "fontsize", "fontname", "margin",
                                                                  "peripheries"))


def _measure(scenes: Sequence[Scene], backend: "Backend", timeout: float) -> tuple[dict[str, tuple[float, float]],
                                                                     dict[str, tuple[int, int]]]:
    """Node sizes (inches) and label boxes (points): the maximum over all frames. A label's size
    depends only on its text, its attributes and the renderer, so sizes measured once are kept
    (``_LABEL_SIZES``): the look search's candidates share most labels."""
    import graphviz

    first = scenes[0]
    defaults = (backend, first.node_defaults)
    wanted: dict[tuple, set[tuple[str, str]]] = {}  # (size attributes, label) → {("node"|"box", id)}
    edge_font = tuple((k, v) for k, v in first.edge_defaults if k in ("fontname", "fontsize"))
    graph_font = tuple((k, v) for k, v in first.graph_attrs if k in ("fontname", "fontsize"))
    for sc in scenes:
        for node in sc.nodes:
            wanted.setdefault((_size_attributes(node.attrs), node.label), set()).add(("node", node.id))
        for edge in sc.edges:
            if edge.label is not None:
                wanted.setdefault(((("shape", "plain"),) + edge_font, edge.label), set()).add(("box", edge.id))
        if sc.caption is not None:
            wanted.setdefault(((("shape", "plain"),) + graph_font, sc.caption), set()).add(("box", CAPTION_KEY))
    unknown = [key for key in wanted if (defaults, *key) not in _LABEL_SIZES]
    if unknown:
        probe = graphviz.Digraph("measure")
        probe.attr("node", **dict(first.node_defaults), pos="0,0")
        for number, (attrs, label) in enumerate(unknown):
            probe.node(f"m{number}", label=f"<{label}>", **dict(attrs))
        data = json.loads(backend.run(probe.source, "nop", "json", timeout=timeout))
        if len(_LABEL_SIZES) + len(unknown) > _LABEL_SIZES_LIMIT:
            _LABEL_SIZES.clear()
        for obj in data.get("objects", []):
            name = str(obj.get("name", ""))
            if name.startswith("m") and name[1:].isdigit():
                _LABEL_SIZES[(defaults, *unknown[int(name[1:])])] = (float(obj["width"]), float(obj["height"]))
    node_size: dict[str, tuple[float, float]] = {}
    boxes: dict[str, tuple[int, int]] = {}
    for key, owners in wanted.items():
        w, h = _LABEL_SIZES[(defaults, *key)]
        for kind, owner in owners:
            if kind == "node":
                old = node_size.get(owner, (0.0, 0.0))
                node_size[owner] = (max(old[0], w), max(old[1], h))
            else:
                old_box = boxes.get(owner, (0, 0))
                box = (math.ceil(w * 72) + _SLACK, math.ceil(h * 72) + _SLACK)
                boxes[owner] = (max(old_box[0], box[0]), max(old_box[1], box[1]))
    return node_size, boxes
