"""A scene written as DOT (a ``graphviz.Digraph``): its nodes, edges, caption, clusters and rank
sets; with placeholders, the layout pass's skeleton, which keeps the scene's ranks and rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Mapping

import networkx as nx

from .looks import CLUSTER_INK, SOFT_INK, Scene
from .ranks import turning_nodes

if TYPE_CHECKING:
    import graphviz

__all__ = ["digraph", "boxed", "edge_place", "CAPTION_KEY", "CAPTION_PLACE"]

CAPTION_KEY = "caption"  # the caption's node name and box key
CAPTION_PLACE = ' VALIGN="TOP" ALIGN="LEFT"'  # a caption starts at the top left of its box


def boxed(body: str | None, box: tuple[int, int] | None, place: str = "") -> str | None:
    """A label inside a fixed-size table, so that it takes the same room in every frame;
    ``place`` aligns it inside (``edge_place``: an edge label against its edge)."""
    if box is None:
        return body
    inner = body if body is not None else ""
    return (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0"><TR>'
            f'<TD FIXEDSIZE="TRUE" WIDTH="{box[0]}" HEIGHT="{box[1]}"{place}>{inner}</TD></TR></TABLE>')


def edge_place(sc: Scene) -> str:
    """Where an edge label sits in its box: Graphviz puts the box above its edge when the graph
    runs left to right and to the right of it when top to bottom, so the text hugs that side."""
    return ' VALIGN="BOTTOM"' if dict(sc.graph_attrs).get("rankdir", "LR") in ("LR", "RL") else ' ALIGN="LEFT"'


def digraph(sc: Scene, *, node_pins: Mapping[str, Mapping[str, str]] | None = None,
            edge_pins: Mapping[str, Mapping[str, str]] | None = None,
            boxes: Mapping[str, tuple[int, int]] | None = None, placeholders: bool = False,
            comment: str | None = None, cache: dict | None = None,
            cluster_pins: Mapping[str, Mapping[str, str]] | None = None,
            caption_pos: str | None = None) -> "graphviz.Digraph":
    """The scene as DOT. ``node_pins``/``edge_pins`` add attributes (positions, sizes);
    ``boxes`` gives edge labels (by edge id) and the caption a fixed size; ``placeholders``
    leaves every label empty, the caption out, and orders the inputs with invisible edges (the
    layout pass); ``caption_pos`` pins the caption's centre (else it is the graph's label).
    ``cache`` (a dict kept across the frames of one layout) reuses the quoted DOT statement
    of a node or edge that looks the same as in an earlier frame."""
    import graphviz

    node_pins, edge_pins, boxes, cluster_pins = node_pins or {}, edge_pins or {}, boxes or {}, cluster_pins or {}
    dot = graphviz.Digraph(sc.name, comment=comment)
    dot.attr("graph", **dict(sc.graph_attrs))
    dot.attr("node", **dict(sc.node_defaults))
    dot.attr("edge", **dict(sc.edge_defaults))
    caption = None if placeholders or sc.caption is None else boxed(sc.caption, boxes.get(CAPTION_KEY), CAPTION_PLACE)
    if caption is not None and caption_pos is not None:
        graph_font = {k: v for k, v in sc.graph_attrs if k in ("fontname", "fontsize", "fontcolor")}
        dot.node(CAPTION_KEY, label=f"<{caption}>", shape="plain", pos=caption_pos + "!", **graph_font)
    elif caption is not None:
        dot.attr("graph", label=f"<{caption}>")
    cache = {} if cache is None else cache
    flip = -1 if dict(sc.graph_attrs).get("rankdir", "LR") in ("LR", "RL") else 1  # dot's first is then lowest
    place = {nid: (k, nid in sc.folded, flip * i) for k, members in enumerate(sc.ranks)
             for i, nid in enumerate(members)} if placeholders else {}
    for node in sorted(sc.nodes, key=lambda n: place.get(n.id, (0, False, 0))):  # Graphviz starts from what it reads
        label = "" if placeholders else f"<{node.label}>"
        attrs = {"label": label, "id": node.id, **dict(node.attrs), **node_pins.get(node.id, {})}
        _statement(dot, cache, ("node", node.id, tuple(attrs.items())), lambda: dot.node(node.id, **attrs))
    if placeholders and sc.ranks:
        _ranked(dot, sc)
        return dot
    turned = False
    turns = turning_nodes(sc) if placeholders and sc.folded else set()
    for edge in sc.edges:
        body = boxed(None if placeholders else edge.label, boxes.get(edge.id), edge_place(sc))
        attrs = {"id": edge.id, **dict(edge.attrs), **({"label": f"<{body}>"} if body is not None else {}),
                 **edge_pins.get(edge.id, {})}
        if placeholders and edge.head in sc.folded:  # the second row runs right to left
            if edge.tail in sc.folded:
                dot.edge(edge.head, edge.tail, dir="back", **attrs)
            elif not turned and edge.tail in turns:  # the turn: from the first row's deepest node, straight down
                turned = True
                dot.edge(edge.tail, edge.head, **attrs)
                dot.body.append(f"{{rank=same; {_quoted(edge.tail)}; {_quoted(edge.head)}}}\n")
            else:
                dot.edge(edge.tail, edge.head, constraint="false", **attrs)
            continue
        _statement(dot, cache, ("edge", edge.tail, edge.head, tuple(attrs.items())),
                   lambda: dot.edge(edge.tail, edge.head, **attrs))
    for index, (label, members) in enumerate(sc.clusters):
        with dot.subgraph(name=f"cluster_{index}") as sub:
            sub.attr(label=label, style="rounded,dashed", color=CLUSTER_INK, fontcolor=SOFT_INK,
                     **cluster_pins.get(f"cluster_{index}", {}))
            for nid in members:
                sub.node(nid)
    beside = dict(sc.beside) if placeholders else {}
    last = [] if sc.output in sc.folded else [("max", (sc.output, *(c for c, h in beside.items() if h == sc.output)))]
    ranked = {n for members in (*sc.layers, *sc.inputs) for n in members} | {sc.output} | turns | {
        e.head for e in sc.edges if e.head in sc.folded and e.tail in turns}  # the turn's rank set
    for members in sc.layers if placeholders else ():
        dot.body.append("{rank=same; " + "; ".join(_quoted(n) for n in members) + "}\n")
    clustered = {nid for _, members in sc.clusters for nid in members}
    groups: dict[str, list[str]] = {}
    for constant, consumer in beside.items():  # the output's constants join its rank above
        if consumer != sc.output or sc.output in sc.folded:
            groups.setdefault(consumer, []).append(constant)
    for index, (consumer, constants) in enumerate(groups.items()):
        same = "{rank=same; " + "; ".join(_quoted(n) for n in (*constants, consumer)) + "}"
        if consumer in clustered:  # a network layer's cluster holds it: no rank set outside it
            continue
        if consumer in ranked:  # a node in a cluster is in no other rank set
            dot.body.append(same + "\n")
        else:  # an unmarked cluster keeps the constants next to their gate: nothing comes between
            dot.body.append(f"subgraph clusterbeside{index} {{ peripheries=0; margin=0; {same} }}\n")
    for rank, members in [("min" if k == 0 else "same", column) for k, column in enumerate(sc.inputs)] + last:
        with dot.subgraph() as sub:
            sub.attr(rank=rank)
            for nid in members:
                sub.node(nid)
            if placeholders and rank != "max":  # inputs top to bottom in order of first use
                for upper, lower in zip(members, members[1:]):
                    sub.edge(upper, lower, style="invis")
    return dot


def _ranked(dot: "graphviz.Digraph", sc: Scene) -> None:
    """The layout pass of a scene with ``ranks`` (one row: ``layout`` draws a folded scene's rows one
    by one): each rank one rank set, consecutive ranks one apart (an invisible edge between their
    first nodes). Top down, or where the scene asks (``Scene.straight``), the longest path is one
    Graphviz group, kept straight: a chain stands as a column (or lies as a row) with its inputs
    beside it instead of drifting sideways step by step. A ``Scene.pinned`` scene keeps each rank's
    order: an invisible edge within the rank from each node to the next (a flat edge: Graphviz puts its
    tail first, above its head left to right), so Graphviz's crossing reduction, which may do worse for these boxes than for plain
    ``dot``'s, cannot reorder them."""
    for edge in sc.edges:
        dot.edge(edge.tail, edge.head, **{"id": edge.id, **dict(edge.attrs)})
    if (sc.straight or dict(sc.graph_attrs).get("rankdir") == "TB") and sc.edges:
        for nid in nx.dag_longest_path(nx.DiGraph([(e.tail, e.head) for e in sc.edges])):
            dot.node(nid, group="spine")
    for members in sc.ranks:
        dot.body.append("{rank=same; " + "; ".join(_quoted(n) for n in members) + "}\n")
        for upper, lower in zip(members, members[1:]) if sc.pinned else ():
            dot.edge(upper, lower, style="invis")
    starts = [members[0] for members in sc.ranks]
    for here, there in zip(starts, starts[1:]):
        dot.edge(here, there, style="invis", weight="0")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '\\"') + '"'


def _statement(dot: "graphviz.Digraph", cache: dict, key: tuple, add: Callable[[], None]) -> None:
    """Add a statement through the graphviz package once; later frames reuse its text."""
    if key in cache:
        dot.body.append(cache[key])
    else:
        add()
        cache[key] = dot.body[-1]
