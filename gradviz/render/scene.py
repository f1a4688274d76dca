"""The scene: the graph and one frame's state → what to draw, then a ``graphviz.Digraph``.

The look of a lecture slide: left to right, inputs in the leftmost column and the output
on the right; op nodes read ``a = θ₁·θ₂``; forward values in Okabe–Ito blue (``= −2``) and
gradients in vermillion (``∂L/∂a = −42``), so colour-blind and greyscale readers still tell
them apart by the text; edges whose step has been taken carry their local derivative,
symbolic and numeric (``∂a/∂θ₁ = θ₂ = −1``); the active step's node and edges are drawn
thick in vermillion and its edges add ``upstream × local = contribution``.

Big graphs stay readable: with more than ``EDGE_LABEL_LIMIT`` nodes edges carry no labels
(contributions still show in the nodes' gradient rows); with more than ``COMPACT_LIMIT``
nodes fonts shrink and spacing tightens; the caption keeps at most ``CAPTION_LINES`` lines.
Every text is written by the figure-markup target (``text.targets.MARKUP``) from its math.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from ..eval.paths import input_paths, on_path
from ..text.lines import Math, write
from ..text.structure import equation, operand_piece
from ..text.targets import MARKUP
from .frames import (
    Frame,
    fan_in,
    frame_state,
    gradient_line,
    local_line,
    product_line,
    value_line,
)

if TYPE_CHECKING:
    import graphviz

    from ..eval.backward import Backward
    from ..ir.graph import Graph

__all__ = ["Scene", "NodeLook", "EdgeLook", "scene", "scenes", "digraph", "label_rows", "boxed",
           "VALUE_COLOR", "GRADIENT_COLOR", "FONT", "EDGE_LABEL_LIMIT", "COMPACT_LIMIT", "CAPTION_LINES"]

VALUE_COLOR = "#0072B2"  # Okabe–Ito blue: forward values
GRADIENT_COLOR = "#D55E00"  # Okabe–Ito vermillion: gradients
INK, SOFT_INK, OP_FILL, ACTIVE_FILL = "#222222", "#666666", "#F3F3F3", "#FBE3D2"
_CLUSTER_INK = "#BBBBBB"
FADED, FADED_EDGE, FADED_FILL = "#B8B8B8", "#DDDDDD", "#FAFAFA"  # off the highlighted paths (--wrt)
FONT = "DejaVu Sans"  # has Greek, ∂, ×, −, subscripts and superscripts
EDGE_LABEL_LIMIT = 40  # more nodes than this: edges carry no labels
COMPACT_LIMIT = 100  # more nodes than this: smaller fonts, tighter spacing
CAPTION_LINES = 6  # equation lines under a frame's title
CAPTION_KEY = "caption"


@dataclass(frozen=True)
class NodeLook:
    """A node as drawn: its HTML label body and Graphviz attributes."""

    id: str
    label: str
    attrs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class EdgeLook:
    """An edge (operand → consumer, one per operand position) and its optional label."""

    id: str
    tail: str
    head: str
    label: str | None
    attrs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Scene:
    """Everything one frame draws, before layout."""

    name: str
    nodes: tuple[NodeLook, ...]
    edges: tuple[EdgeLook, ...]
    caption: str | None
    inputs: tuple[str, ...]
    output: str
    graph_attrs: tuple[tuple[str, str], ...]
    node_defaults: tuple[tuple[str, str], ...]
    edge_defaults: tuple[tuple[str, str], ...]
    clusters: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (label, node ids): a network's layers


@lru_cache(maxsize=4096)
def label_rows(rows: tuple[tuple[str, str | None], ...], padding: int = 1) -> str:
    """An HTML table of one cell per row; each row is (markup, colour or None)."""
    cells = []
    for body, color in rows:
        if color:
            body = f'<FONT COLOR="{color}">{body}</FONT>'
        cells.append(f"<TR><TD>{body}</TD></TR>")
    return (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{padding}">'
            + "".join(cells) + "</TABLE>")


def scene(result: "Backward", frame: Frame, *, caption: bool = True, wrt: str | None = None) -> Scene:
    """What ``frame`` of ``result`` draws."""
    return scenes(result, [frame], caption=caption, wrt=wrt)[0]


def scenes(result: "Backward", frame_list: Sequence[Frame], *, caption: bool = True,
           wrt: str | None = None) -> list[Scene]:
    """The scenes of several frames of one result, sharing the text work between them.

    ``wrt`` (an input's name) draws the nodes and edges on the paths from the output to that
    input in full colour and fades the rest."""
    texts = _Texts(result)
    keep = input_paths(result.graph, wrt) if wrt is not None else None
    return [_scene(result, frame, texts, caption, keep) for frame in frame_list]


class _Texts:
    """Every text of a result computed once, however many frames show it."""

    def __init__(self, result: "Backward"):
        self.result = result
        self.expected = fan_in(result)
        self.hits = {(s.node, c.position): (s, c) for s in result.steps for c in s.contributions}
        self._memo: dict[tuple, str | None] = {}

    def get(self, key: tuple, make: Callable[[], "Math | str | None"]) -> str | None:
        """The markup of the math ``make`` gives, made once per ``key``."""
        if key not in self._memo:
            math = make()
            self._memo[key] = math if math is None or isinstance(math, str) else write(math, MARKUP)
        return self._memo[key]


def _faded(rows: list[tuple[str, str | None]], fade: bool) -> tuple[tuple[str, str | None], ...]:
    return tuple((text, FADED) for text, _ in rows) if fade else tuple(rows)


def _scene(result: "Backward", frame: Frame, texts: _Texts, caption: bool,
           keep: frozenset[str] | None = None) -> Scene:
    graph = result.graph
    state = frame_state(result, frame)
    active = state.active
    receiving = {c.operand for c in active.contributions} if active else set()
    compact = len(graph) > COMPACT_LIMIT
    depends = graph.depends_on_inputs()
    nodes = []
    for nid, node in graph.nodes.items():
        fade = keep is not None and nid not in keep
        if node.kind == "const":
            nodes.append(NodeLook(nid, label_rows(_faded([(operand_piece(graph, nid, MARKUP)[0], SOFT_INK)], fade)),
                                  (("shape", "plaintext"), ("fontsize", "10" if compact else "11"))))
            continue
        rows: list[tuple[str, str | None]] = [(texts.get(("eq", nid), lambda: equation(graph, nid, MARKUP)), None)]
        value = texts.get(("value", nid), lambda: value_line(result, nid)) if frame.kind != "structure" else None
        if value and (result.values is not None or not compact):
            rows.append((value, VALUE_COLOR))
        got = state.received.get(nid, ())
        if nid == graph.output_id and state.done or got:
            rows.append((texts.get(("grad", nid, len(got)), lambda: gradient_line(
                result, nid, got, texts.expected.get(nid, 0))), GRADIENT_COLOR))
        attrs = [("shape", "box"), ("style", "rounded" if node.kind == "input" else "rounded,filled")]
        if node.kind == "op":
            attrs.append(("fillcolor", OP_FILL))
        if nid == graph.output_id:
            attrs.append(("peripheries", "2"))
        if active and nid == active.node:
            attrs += [("color", GRADIENT_COLOR), ("penwidth", "3"), ("fillcolor", ACTIVE_FILL),
                      ("style", "rounded,filled")]
        elif nid in receiving:
            attrs += [("color", GRADIENT_COLOR), ("penwidth", "2")]
        if fade:
            attrs += [("color", FADED), ("fontcolor", FADED), ("fillcolor", FADED_FILL), ("penwidth", "1")]
        nodes.append(NodeLook(nid, label_rows(_faded(rows, fade)), tuple(attrs)))
    edges = []
    labelled = len(graph) <= EDGE_LABEL_LIMIT
    for nid, node in graph.nodes.items():
        for pos, operand in enumerate(node.operands):
            label, attrs = None, [("color", SOFT_INK if operand in depends else "#AAAAAA")]
            hit = texts.hits.get((nid, pos))
            is_active = bool(hit and active and active.node == nid)
            fade = keep is not None and not on_path(keep, operand, nid)
            if hit and nid in state.done and labelled:
                step, c = hit
                rows = [(texts.get(("local", nid, pos), lambda: local_line(result, step, c)), None)]
                if is_active:
                    rows.append((texts.get(("product", nid, pos), lambda: product_line(result, step, c)),
                                 GRADIENT_COLOR))
                label = label_rows(_faded(rows, fade), 0)
            if is_active:
                attrs = [("color", GRADIENT_COLOR), ("penwidth", "2.5")]
            elif keep is not None and not fade:
                attrs = [("color", INK), ("penwidth", "2.2")]
            if fade:
                attrs = [("color", FADED_EDGE), ("fontcolor", FADED)]
            edges.append(EdgeLook(f"{operand}-{nid}-{pos}", operand, nid, label, tuple(attrs)))
    return Scene(frame.slug, tuple(nodes), tuple(edges), _caption(frame) if caption else None,
                 tuple(n.id for n in graph.nodes.values() if n.kind == "input"), graph.output_id,
                 *_defaults(compact), clusters=_clusters(graph))


def _clusters(graph: "Graph") -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The graph's groups (a network's layers) in order of first appearance, output left out."""
    members: dict[str, list[str]] = {}
    for nid, group in graph.groups.items():
        if nid != graph.output_id:
            members.setdefault(group, []).append(nid)
    return tuple((label, tuple(ids)) for label, ids in members.items())


def _caption(frame: Frame) -> str:
    lines = [write(e, MARKUP) for e in frame.equations] if frame.kind != "forward" else []
    if len(lines) > CAPTION_LINES:
        lines = lines[: CAPTION_LINES - 1] + [f"… and {len(lines) - CAPTION_LINES + 1} more"]
    body = "".join(f'<TR><TD ALIGN="LEFT">{line}</TD></TR>' for line in lines)
    return (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
            f'<TR><TD ALIGN="LEFT"><B>{write(frame.title, MARKUP)}</B></TD></TR>{body}</TABLE>')


def _defaults(compact: bool) -> tuple[tuple, tuple, tuple]:
    size = 10 if compact else 14
    graph_attrs = (("rankdir", "LR"), ("bgcolor", "white"), ("pad", "0.2"), ("fontname", FONT),
                   ("fontsize", str(size)), ("labelloc", "t"), ("labeljust", "l"),
                   ("nodesep", "0.15" if compact else "0.3"), ("ranksep", "0.3" if compact else "0.5"),
                   ("outputorder", "edgesfirst"))
    node_defaults = (("fontname", FONT), ("fontsize", str(size)), ("color", INK), ("fontcolor", INK),
                     ("penwidth", "1.2"), ("margin", "0.08,0.04"))
    edge_defaults = (("fontname", FONT), ("fontsize", str(size - 2)), ("fontcolor", INK),
                     ("arrowsize", "0.7"), ("penwidth", "1.2"))
    return graph_attrs, node_defaults, edge_defaults


def boxed(body: str | None, box: tuple[int, int] | None) -> str | None:
    """A label inside a fixed-size table, so that it takes the same room in every frame."""
    if box is None:
        return body
    inner = body if body is not None else ""
    return (f'<TABLE FIXEDSIZE="TRUE" WIDTH="{box[0]}" HEIGHT="{box[1]}" BORDER="0" CELLBORDER="0" '
            f'CELLSPACING="0" CELLPADDING="0"><TR><TD>{inner}</TD></TR></TABLE>')


def digraph(sc: Scene, *, node_pins: Mapping[str, Mapping[str, str]] | None = None,
            edge_pins: Mapping[str, Mapping[str, str]] | None = None,
            boxes: Mapping[str, tuple[int, int]] | None = None, placeholders: bool = False,
            comment: str | None = None, cache: dict | None = None,
            cluster_pins: Mapping[str, Mapping[str, str]] | None = None) -> "graphviz.Digraph":
    """The scene as DOT. ``node_pins``/``edge_pins`` add attributes (positions, sizes);
    ``boxes`` gives edge labels (by edge id) and the caption a fixed size; ``placeholders``
    leaves every label empty and orders the inputs with invisible edges (the layout pass).
    ``cache`` (a dict kept across the frames of one layout) reuses the quoted DOT statement
    of a node or edge that looks the same as in an earlier frame."""
    import graphviz

    node_pins, edge_pins, boxes, cluster_pins = node_pins or {}, edge_pins or {}, boxes or {}, cluster_pins or {}
    dot = graphviz.Digraph(sc.name, comment=comment)
    dot.attr("graph", **dict(sc.graph_attrs))
    dot.attr("node", **dict(sc.node_defaults))
    dot.attr("edge", **dict(sc.edge_defaults))
    caption = boxed(None if placeholders else sc.caption, boxes.get(CAPTION_KEY))
    if caption is not None:
        dot.attr("graph", label=f"<{caption}>")
    cache = {} if cache is None else cache
    for node in sc.nodes:
        label = "" if placeholders else f"<{node.label}>"
        attrs = {"label": label, "id": node.id, **dict(node.attrs), **node_pins.get(node.id, {})}
        _statement(dot, cache, ("node", node.id, tuple(attrs.items())), lambda: dot.node(node.id, **attrs))
    for edge in sc.edges:
        body = boxed(None if placeholders else edge.label, boxes.get(edge.id))
        attrs = {"id": edge.id, **dict(edge.attrs), **({"label": f"<{body}>"} if body is not None else {}),
                 **edge_pins.get(edge.id, {})}
        _statement(dot, cache, ("edge", edge.tail, edge.head, tuple(attrs.items())),
                   lambda: dot.edge(edge.tail, edge.head, **attrs))
    for index, (label, members) in enumerate(sc.clusters):
        with dot.subgraph(name=f"cluster_{index}") as sub:
            sub.attr(label=label, style="rounded,dashed", color=_CLUSTER_INK, fontcolor=SOFT_INK,
                     **cluster_pins.get(f"cluster_{index}", {}))
            for nid in members:
                sub.node(nid)
    for rank, members in (("min", sc.inputs), ("max", (sc.output,))):
        with dot.subgraph() as sub:
            sub.attr(rank=rank)
            for nid in members:
                sub.node(nid)
            if placeholders and rank == "min":  # inputs top to bottom in order of first use
                for upper, lower in zip(members, members[1:]):
                    sub.edge(upper, lower, style="invis")
    return dot


def _statement(dot: "graphviz.Digraph", cache: dict, key: tuple, add: Callable[[], None]) -> None:
    """Add a statement through the graphviz package once; later frames reuse its text."""
    if key in cache:
        dot.body.append(cache[key])
    else:
        add()
        cache[key] = dot.body[-1]
