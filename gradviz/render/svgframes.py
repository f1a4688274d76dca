"""Every SVG frame of one layout from a single Graphviz call.

Frames differ only in the looks of their nodes, edges and caption, never in positions. So
each distinct look is drawn once, at its pinned position, in one combined graph (captions
as plain nodes where the graph's label goes); each frame's SVG is then assembled from the
fragments of its looks. The cost is one render of the distinct looks instead of one render
per frame (the frames of a backward pass share most of their looks).
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Sequence

from .dot import CAPTION_KEY, CAPTION_PLACE, boxed, edge_place

if TYPE_CHECKING:
    from .backends import Backend
    from .layout import Layout
    from .looks import Scene

__all__ = ["svg_frames"]

_GROUP = re.compile(r'<g id="(k\d+)" class="(?:node|edge|cluster)">.*?</g>\n', re.S)
#: the background polygon ends the header (Graphviz before 3.0, Debian's 2.43 among them, strokes it "transparent")
_HEADER_END = re.compile(r'<polygon fill="[^"]*" stroke="(?:none|transparent)" points="[^"]*"/>\n')


def _svg_id(text: str) -> str:
    """An id or title as Graphviz writes it into SVG."""
    return html.escape(text, quote=True).replace("-", "&#45;")


def svg_frames(scenes: Sequence["Scene"], lay: "Layout", backend: "Backend") -> list[bytes]:
    """The SVG of every scene (one layout), drawn with one Graphviz call."""
    import graphviz

    first = scenes[0]
    dot = graphviz.Digraph("frames")
    dot.attr("graph", **dict(first.graph_attrs))
    dot.attr("node", **dict(first.node_defaults))
    dot.attr("edge", **dict(first.edge_defaults))
    looks: dict[tuple, str] = {}
    graph_attrs = dict(first.graph_attrs)
    caption_font = {"fontname": graph_attrs.get("fontname", "Times-Roman"),
                    "fontsize": graph_attrs.get("fontsize", "14"), "fontcolor": graph_attrs.get("fontcolor", "black")}

    def look(key: tuple) -> tuple[str, bool]:
        new = key not in looks
        if new:
            looks[key] = f"k{len(looks)}"
        return looks[key], new

    anchors = {node.id for sc in scenes for node in sc.nodes}
    for nid in sorted(anchors):  # edges need endpoints; their paths are pinned, so these stay invisible
        dot.node(f"a_{nid}", label="", style="invis", shape="point", width="0", **{"pos": lay.nodes[nid]["pos"]})
    for index, (label, members) in enumerate(first.clusters):
        with dot.subgraph(name=f"cluster_{index}") as sub:
            name, _ = look(("cluster", index))
            sub.attr(label=label, id=name, style="rounded,dashed", color="#BBBBBB", fontcolor="#666666",
                     **lay.clusters.get(f"cluster_{index}", {}))
            for nid in members:
                sub.node(f"a_{nid}")
    plans: list[list[tuple[str, str, str]]] = []  # per frame: (look, svg id, svg title; none for the caption)
    for sc in scenes:
        plan = [(looks[("cluster", i)], f"cluster_{i}", f"cluster_{i}") for i in range(len(sc.clusters))]
        for edge in sc.edges:
            body = boxed(edge.label, lay.boxes.get(edge.id), edge_place(sc))
            name, new = look(("edge", edge.id, body, edge.attrs))
            if new:
                label = {"label": f"<{body}>"} if body is not None else {}
                dot.edge(f"a_{edge.tail}", f"a_{edge.head}", id=name, **dict(edge.attrs), **label,
                         **lay.edges.get(edge.id, {}))
            plan.append((name, edge.id, f"{edge.tail}->{edge.head}"))
        for node in sc.nodes:
            name, new = look(("node", node.id, node.label, node.attrs))
            if new:
                dot.node(name, label=f"<{node.label}>", id=name, **dict(node.attrs), **lay.nodes[node.id])
            plan.append((name, node.id, node.id))
        if sc.caption is not None and lay.caption_pos is not None:
            name, new = look(("caption", sc.caption))
            if new:
                dot.node(name, label=f"<{boxed(sc.caption, lay.boxes.get(CAPTION_KEY), CAPTION_PLACE)}>", id=name,
                         shape="plain", pos=lay.caption_pos + "!", **caption_font)
            plan.append((name, "caption", ""))
        plans.append(plan)
    svg = backend.run(dot.source, "nop2", "svg").decode("utf-8")
    fragments = {m.group(1): m.group(0) for m in _GROUP.finditer(svg)}
    header_end = _HEADER_END.search(svg)
    header = svg[: header_end.end()]
    placed: dict[tuple[str, str, str], str] = {}  # a look's fragment under its element's id, made once
    out = []
    for plan, sc in zip(plans, scenes):
        parts = [header.replace("<title>frames</title>", f"<title>{_svg_id(sc.name)}</title>", 1)
                 .replace("<!-- Title: frames ", f"<!-- Title: {_svg_id(sc.name)} ", 1)]
        for item in plan:
            if item not in placed:
                placed[item] = _place(fragments[item[0]], *item)
            parts.append(placed[item])
        parts.append("</g>\n</svg>\n")
        out.append("".join(parts).encode("utf-8"))
    return out


def _place(fragment: str, name: str, svg_id: str, svg_title: str) -> str:
    """A look's fragment as the element ``svg_id`` titled ``svg_title`` (no title: the caption)."""
    fragment = fragment.replace(f'<g id="{name}"', f'<g id="{_svg_id(svg_id)}"', 1)
    if not svg_title:  # the caption: a label of the picture, not a node of the graph
        fragment = fragment.replace('class="node"', 'class="caption"', 1)
    return re.sub(r"<title>.*?</title>\n", f"<title>{_svg_id(svg_title)}</title>\n" if svg_title else "",
                  fragment, count=1)
