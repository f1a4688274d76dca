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

import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from ..errors import GradvizError
from .scene import Scene, digraph

if TYPE_CHECKING:
    import graphviz

    from .backends import Backend

__all__ = ["Layout", "layout", "pinned"]

CAPTION_KEY = "caption"
_SLACK = 2  # points added to measured label boxes (Graphviz rounds sizes)


@dataclass(frozen=True)
class Layout:
    """Pinned attributes for nodes and edges, and the fixed label boxes (points)."""

    nodes: dict[str, dict[str, str]]
    edges: dict[str, dict[str, str]]
    boxes: dict[str, tuple[int, int]]
    clusters: dict[str, dict[str, str]] = field(default_factory=dict)  # name → {"bb": …}
    caption_pos: str | None = None  # where the caption (the graph's label) sits, "x,y" in points


def layout(scenes: Sequence[Scene], backend: "Backend") -> Layout:
    """Lay out the frames' common graph once, every node as large as its largest label."""
    node_size, boxes = _measure(scenes, backend)
    sized = {nid: {"width": f"{w:.4f}", "height": f"{h:.4f}", "fixedsize": "true"}
             for nid, (w, h) in node_size.items()}
    source = digraph(scenes[-1], node_pins=sized, boxes=boxes, placeholders=True).source
    data = json.loads(backend.run(source, "dot", "json"))
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
        pins = {"pos": edge["pos"]}
        if "lp" in edge:
            pins["lp"] = edge["lp"]
        edges[edge["id"]] = pins
    missing = set(sized) - set(nodes)
    if missing:  # pragma: no cover - Graphviz always places every node
        raise GradvizError(f"Graphviz did not place nodes {', '.join(sorted(missing))}")
    return Layout(nodes, edges, boxes, clusters, data.get("lp"))


def pinned(sc: Scene, lay: Layout, cache: dict | None = None) -> "graphviz.Digraph":
    """The frame's scene with every position pinned, ready for the ``nop2`` engine
    (``cache``: see ``scene.digraph``)."""
    return digraph(sc, node_pins=lay.nodes, edge_pins=lay.edges, boxes=lay.boxes, cache=cache,
                   cluster_pins=lay.clusters,
                   comment="positions are pinned: render with neato -n2 (or dot -Knop2)")


def _measure(scenes: Sequence[Scene], backend: "Backend") -> tuple[dict[str, tuple[float, float]],
                                                                     dict[str, tuple[int, int]]]:
    """Node sizes (inches) and label boxes (points): the maximum over all frames."""
    import graphviz

    first = scenes[0]
    probe = graphviz.Digraph("measure")
    probe.attr("node", **dict(first.node_defaults), pos="0,0")
    keys: dict[tuple, str] = {}  # (kind, size attributes, label) → probe node name
    owners: dict[str, set[tuple[str, str]]] = {}  # probe node → {("node"|"box", id)}

    def add(owner: tuple[str, str], label: str, attrs: tuple) -> None:
        key = (owner[0], attrs, label)
        if key not in keys:
            keys[key] = name = f"m{len(keys)}"
            probe.node(name, label=f"<{label}>", **dict(attrs))
        owners.setdefault(keys[key], set()).add(owner)

    edge_font = tuple((k, v) for k, v in first.edge_defaults if k in ("fontname", "fontsize"))
    graph_font = tuple((k, v) for k, v in first.graph_attrs if k in ("fontname", "fontsize"))
    for sc in scenes:
        for node in sc.nodes:
            attrs = tuple((k, v) for k, v in dict(node.attrs).items()
                          if k in ("shape", "fontsize", "fontname", "margin", "peripheries"))
            add(("node", node.id), node.label, attrs)
        for edge in sc.edges:
            if edge.label is not None:
                add(("box", edge.id), edge.label, (("shape", "plain"),) + edge_font)
        if sc.caption is not None:
            add(("box", CAPTION_KEY), sc.caption, (("shape", "plain"),) + graph_font)
    data = json.loads(backend.run(probe.source, "nop", "json"))
    node_size: dict[str, tuple[float, float]] = {}
    boxes: dict[str, tuple[int, int]] = {}
    for obj in data.get("objects", []):
        w, h = float(obj["width"]), float(obj["height"])
        for kind, owner in owners.get(obj.get("name"), ()):
            if kind == "node":
                old = node_size.get(owner, (0.0, 0.0))
                node_size[owner] = (max(old[0], w), max(old[1], h))
            else:
                old_box = boxes.get(owner, (0, 0))
                box = (math.ceil(w * 72) + _SLACK, math.ceil(h * 72) + _SLACK)
                boxes[owner] = (max(old_box[0], box[0]), max(old_box[1], box[1]))
    return node_size, boxes
