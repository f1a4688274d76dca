"""The scene: the graph and one frame's state → what to draw, then a ``graphviz.Digraph``.

The look of a lecture slide: left to right, inputs in the leftmost column and the output
on the right; op nodes read ``a = θ₁·θ₂``; forward values in Okabe–Ito blue (``= −2``) and
gradients in vermillion (``∂L/∂a = −42``), so colour-blind and greyscale readers still tell
them apart by the text; edges whose step has been taken carry their local derivative,
symbolic and numeric (``∂a/∂θ₁ = θ₂ = −1``); the active step's node and edges are drawn
thick in vermillion and its edges add ``upstream × local = contribution``. Forward-mode frames
draw tangents where gradients go (``∂a/∂θ₁ = −1``, vermillion too: both are derivatives) and the
active step's edges add ``local × operand's tangent = contribution``.

Big graphs stay readable: with more than ``EDGE_LABEL_LIMIT`` nodes edges carry no labels
(contributions still show in the nodes' gradient rows); with more than ``COMPACT_LIMIT``
nodes fonts shrink and spacing tightens; the caption keeps at most ``CAPTION_LINES`` lines.
Every text is written by the figure-markup target (``text.targets.MARKUP``) from its math.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

import networkx as nx

from ..eval.paths import input_paths, on_path
from ..ir.ops import OPS
from ..text.lines import Math, Name, Relation, plain, write
from ..text.numbers import superscript
from ..text.structure import equation, operand_piece
from ..text.targets import MARKUP
from ..derive.captions import (
    fan_in,
    gate_gradient,
    gate_tangent,
    gate_value,
    gradient_line,
    local_line,
    product_line,
    tangent_product_line,
    tangent_row,
    value_line,
)
from .frames import FORWARD_KINDS, Frame, FrameState, frame_state, tangent_state

if TYPE_CHECKING:
    import graphviz

    from ..eval.backward import Backward
    from ..eval.tangents import Tangents
    from ..ir.graph import Graph

__all__ = ["Scene", "Drawn", "NodeLook", "EdgeLook", "scene", "scenes", "digraph", "label_rows", "boxed",
           "VALUE_COLOR", "GRADIENT_COLOR", "FONT", "EDGE_LABEL_LIMIT", "COMPACT_LIMIT", "CAPTION_LINES", "depths"]

VALUE_COLOR = "#0072B2"  # Okabe–Ito blue: forward values
GRADIENT_COLOR = "#D55E00"  # Okabe–Ito vermillion: gradients
INK, SOFT_INK, FAINT, OP_FILL, ACTIVE_FILL = "#222222", "#666666", "#AAAAAA", "#F3F3F3", "#FBE3D2"
OUTLINE, ACTIVE_INK = "#7A7A7A", "#A34400"  # node outlines; the active step's outline, darker than all
RECEIVING = "#E07B39"  # the outline of the nodes the active step sends gradients to
_CLUSTER_INK = "#BBBBBB"
FADED, FADED_EDGE, FADED_FILL = "#B8B8B8", "#DDDDDD", "#FAFAFA"  # off the highlighted paths (--wrt)
FONT = "DejaVu Sans"  # has Greek, ∂, ×, −, subscripts and superscripts
EDGE_LABEL_LIMIT = 40  # more nodes than this: edges carry no labels
ACTIVE_LABEL_GAP = 4  # points under the active edge's label, clear of its thick line (half its 3-point width)
COMPACT_LIMIT = 100  # more nodes than this: smaller fonts, tighter spacing
CAPTION_LINES = 6  # caption lines in one column; more go into two or three columns
CAPTION_WIDTH = 64  # characters in a caption line before it wraps at an "="
CAPTION_KEY = "caption"
_BREAK = '<BR ALIGN="LEFT"/>'
_LEADING = '<FONT POINT-SIZE="4"> </FONT><BR ALIGN="LEFT"/>'  # a thin empty line: space between caption lines
CAPTION_PLACE = ' VALIGN="TOP" ALIGN="LEFT"'  # a caption starts at the top left of its box


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
    inputs: tuple[tuple[str, ...], ...]  # columns of inputs, each top to bottom (none: each beside its use)
    output: str
    graph_attrs: tuple[tuple[str, str], ...]
    node_defaults: tuple[tuple[str, str], ...]
    edge_defaults: tuple[tuple[str, str], ...]
    clusters: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (label, node ids): a network's layers
    folded: frozenset[str] = frozenset()  # nodes of the second row of a folded layout (of all rows after the first)
    later: tuple[frozenset[str], ...] = ()  # a layout folded into rows that read the same way: each row after the first
    turned: bool = False  # the second row comes back (a U-turn), else it reads the same way as the first
    beside: tuple[tuple[str, str], ...] = ()  # (constant, its one consumer): laid out in one rank, side by side
    layers: tuple[tuple[str, ...], ...] = ()  # operations laid out in one rank each (a layer's units side by side)
    ranks: tuple[tuple[str, ...], ...] = ()  # every node's rank, each in order across the flow (``ordered``)
    copies: tuple[tuple[str, str], ...] = ()  # (copy, node): an input or operation drawn again (not constants)
    straight: bool = False  # ordered: each row's longest path kept straight (always so top down)

    @property
    def rows(self) -> dict[str, int]:
        """Each node's row in a folded layout (0: the first, absent), from ``later`` or ``folded``."""
        if self.later:
            return {nid: k for k, members in enumerate(self.later, start=1) for nid in members}
        return dict.fromkeys(self.folded, 1)


@lru_cache(maxsize=4096)
def label_rows(rows: tuple[tuple[str, str | None], ...], padding: int = 1, gap: int = 0) -> str:
    """An HTML table of one cell per row; each row is (markup, colour or None); ``gap`` points of
    empty room under the rows (the active edge's label: its bottom row, a product whose blanks
    ``____`` reach below the baseline, must clear the thick edge it sits on)."""
    cells = []
    spacer = f'<TR><TD HEIGHT="{gap}" FIXEDSIZE="TRUE" WIDTH="1"></TD></TR>' if gap else ""
    for body, color in rows:
        if color:
            body = f'<FONT COLOR="{color}">{body}</FONT>'
        cells.append(f"<TR><TD>{body}</TD></TR>")
    cells.append(spacer)
    return (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{padding}">'
            + "".join(cells) + "</TABLE>")


def scene(result: "Backward", frame: Frame, *, caption: bool = True, wrt: str | None = None,
          look: str = "boxes", tangents: "Tangents | None" = None) -> Scene:
    """What ``frame`` of ``result`` draws (``look``: ``boxes`` or ``gates``)."""
    return scenes(result, [frame], caption=caption, wrt=wrt, look=look, tangents=tangents)[0]


def scenes(result: "Backward", frame_list: Sequence[Frame], *, caption: bool = True,
           wrt: str | None = None, look: str = "boxes", columns: int = 1, fold: bool = False,
           tangents: "Tangents | None" = None, copies: bool = False, layered: bool = False,
           order: Sequence[Sequence[str]] = (), wrap: Sequence[int] = (), shared: "Drawn | None" = None,
           inputs_copied: bool = False, straight: bool = False) -> list[Scene]:
    """The scenes of several frames of one result, sharing the text work between them.

    ``wrt`` (an input's name) draws the nodes and edges on the paths from the output to that
    input in full colour and fades the rest. ``tangents`` (forward mode from one input) is
    what the forward-mode frames among ``frame_list`` show. ``copies`` draws a constant used by
    several operations beside each of them, each in its operation's rank (``Scene.beside``).
    ``layered`` puts the operations of one depth in one rank (``Scene.layers``). ``order``: the graph's
    ranks, each in order across the flow (plain ``dot``'s), that the layout keeps (``ordered``), folded
    into another row at each rank of ``wrap``; ``inputs_copied`` then draws an input
    used by several operations once before each (``Scene.copies``), and ``straight`` keeps each row's
    longest path straight (``Scene.straight``). ``shared``: what earlier calls for
    the same result, frames, caption, ``wrt`` and ``tangents`` drew (the look search's candidates)."""
    graph = result.graph
    shared = Drawn() if shared is None else shared
    if shared.texts is None:
        shared.texts = _Texts(result, tangents)
        shared.keep = input_paths(graph, wrt) if wrt is not None else None
    stacks = input_columns(graph, columns)
    out = []
    for index, frame in enumerate(frame_list):
        key = (index, look, bool(stacks))
        if key not in shared.bases:
            shared.bases[key] = _scene(result, frame, shared.texts, caption, shared.keep, look, bool(stacks))
        sc = shared.bases[key]
        nodes, edges, _ = _copied(graph, sc.nodes, sc.edges, "const") if copies else (sc.nodes, sc.edges, ())
        made: tuple[tuple[str, str], ...] = ()
        if order and inputs_copied:
            nodes, edges, made = _copied(graph, nodes, edges, "input")
        out.append(replace(sc, nodes=nodes, edges=edges, inputs=stacks, beside=_beside(graph, edges), copies=made))
    if order:
        ranks, later, again = ordered(graph, order, out[0].edges, wrap, dict(out[0].copies))
        folded = frozenset().union(*later)
        return [replace(_continued(sc, later, again), folded=folded, later=later, ranks=ranks, straight=straight)
                for sc in out]
    folded = second_row(graph) if fold else frozenset()
    if folded:  # a constant's copy goes into the row of the operation it is drawn beside
        folded |= {e.tail for e in out[0].edges if e.head in folded and e.tail not in graph.nodes}
    layers = by_depth(graph) if layered and not fold else ()
    return [replace(sc, folded=folded, turned=bool(folded), layers=layers) for sc in out]


def ordered(graph: "Graph", order: Sequence[Sequence[str]], edges: Sequence[EdgeLook], wraps: Sequence[int] = (),
            copies: Mapping[str, str] | None = None
            ) -> tuple[tuple[tuple[str, ...], ...], tuple[frozenset[str], ...], tuple[tuple[str, ...], ...]]:
    """The scene's ranks from the graph's ``order`` (ranks of node ids, each across the flow): each
    constant (or each copy of one) moves into its operation's rank, just before it, and each copy of
    an input (``copies``: copy → input) into the rank before its operation's. At each rank of
    ``wraps`` a new row starts (``_rows``), read the same way as the first: rank ``k`` of every row
    shares rank ``k`` of the first. Returns the ranks, the nodes of each row after the first (copies
    and constants among them) and, per such row, the nodes drawn again at its start (``continued``)."""
    copies = copies or {}
    drawn = {e.tail for e in edges} | {e.head for e in edges}
    kept = [[nid for nid in members if graph.nodes[nid].kind != "const" and nid in drawn] for members in order]
    rank = {nid: k for k, members in enumerate(kept) for nid in members}
    for edge in edges:  # an input's copy: a rank before its one use (an operation on inputs sits past rank 0)
        if edge.tail in copies:
            kept[max(rank[edge.head] - 1, 0)].append(edge.tail)
    kept = [members for members in kept if members]
    rows: list[list[list[str]]] = []
    again: list[tuple[str, ...]] = []
    cuts = sorted({cut for cut in wraps if 0 < cut < len(kept)})
    for number, cut in reversed(list(enumerate(cuts, start=1))):  # the last row first; what is left keeps its ranks
        kept, row, made = _rows(graph, kept, cut, edges, copies, number)
        rows.insert(0, row)
        again.insert(0, made)
    before: dict[str, list[str]] = {}
    for edge in edges:
        if edge.tail not in copies and (edge.tail not in graph.nodes or graph.nodes[edge.tail].kind == "const"):
            before.setdefault(edge.head, []).append(edge.tail)

    def with_constants(ranks: list[list[str]]) -> list[list[str]]:
        return [[m for nid in members for m in (*before.get(nid, ()), nid)] for members in ranks]
    parts = [with_constants(part) for part in (kept, *rows)]
    merged = [[nid for part in parts if k < len(part) for nid in part[k]] for k in range(max(map(len, parts)))]
    return (tuple(tuple(members) for members in merged if members),
            tuple(frozenset(nid for members in part for nid in members) for part in parts[1:]), tuple(again))


def _rows(graph: "Graph", ranks: list[list[str]], wrap: int, edges: Sequence[EdgeLook], copies: Mapping[str, str],
          number: int = 1) -> tuple[list[list[str]], list[list[str]], tuple[str, ...]]:
    """``ranks`` (constants left out) folded at ``wrap`` into two rows: the first row's ranks and the
    second's, both from 0. An input (or a copy of one), or an operation on inputs alone, that only the
    second row uses moves there, a rank before its first use; any other node of the first row that the
    second uses is drawn again there (``continued``), a rank before its first use there, so no edge
    runs from one row into the other. The second row (row ``number`` of the figure, 0 the first) grows
    at its start as far as these need. Also returns the nodes drawn again."""
    rank = {nid: k for k, members in enumerate(ranks) for nid in members}
    consumers: dict[str, list[str]] = {}
    operands: dict[str, list[str]] = {}
    for edge in edges:
        if edge.tail in rank and edge.head in rank:
            consumers.setdefault(edge.tail, []).append(edge.head)
            operands.setdefault(edge.head, []).append(edge.tail)
    leaves = {nid for nid in rank if graph.nodes[copies.get(nid, nid)].kind != "op"}
    kept = [nid for members in ranks for nid in members]  # in their order: each rank's siblings keep theirs
    index = {nid: k for k, nid in enumerate(graph.nodes)}
    in_order = sorted(kept, key=lambda nid: (index[copies.get(nid, nid)], nid))  # the graph's: operands first
    moved = {nid for nid, k in rank.items() if k >= wrap}  # the second row's nodes
    if not moved:  # nothing from ``wrap`` on: no second row
        return ranks, [], ()
    for nid in reversed(in_order):
        uses = consumers.get(nid, [])
        free = nid in leaves or all(o in leaves for o in operands.get(nid, []))
        if free and nid not in moved and uses and all(c in moved for c in uses):
            rank[nid] = min(rank[c] for c in uses) - 1  # may fall before the second row's start
            moved.add(nid)
    again = tuple(nid for nid in in_order if nid not in moved and any(c in moved for c in consumers.get(nid, [])))
    at = {nid: rank[nid] - wrap for nid in moved}
    at |= {continued(nid, number): min(rank[c] for c in consumers[nid] if c in moved) - wrap - 1 for nid in again}
    start = min(at.values())
    second: list[list[str]] = [[] for _ in range(max(at.values()) - start + 1)]
    for nid in [*(n for n in kept if n in moved), *(continued(n, number) for n in again)]:
        second[at[nid] - start].append(nid)
    first: list[list[str]] = [[] for _ in range(wrap)]
    for nid in kept:
        if nid not in moved:
            first[rank[nid]].append(nid)
    return first, second, again


def continued(nid: str, row: int) -> str:
    """The id of a node drawn again at the start of row ``row`` (1: the second, as in ``Scene.rows``) of a
    folded layout."""
    return f"{nid}.row{row}"


def _continued(sc: Scene, later: Sequence[frozenset[str]], again: Sequence[Sequence[str]]) -> Scene:
    """``sc`` with each node of ``again[k]`` drawn again, dashed, at the start of row ``k + 1`` (the
    first is 0; ``continued``): the edges from it into that row (``later[k]``) start at that copy."""
    if not any(again):
        return sc
    looks = {look.id: look for look in sc.nodes}
    nodes, edges, made = list(sc.nodes), list(sc.edges), []
    for row, (members, drawn) in enumerate(zip(later, again), start=1):
        for nid in drawn:
            nodes.append(_dashed(replace(looks[nid], id=continued(nid, row))))
            made.append((continued(nid, row), nid))
        edges = [replace(e, tail=continued(e.tail, row)) if e.tail in drawn and e.head in members else e for e in edges]
    return replace(sc, nodes=tuple(nodes), edges=tuple(edges), copies=sc.copies + tuple(made))


def by_depth(graph: "Graph") -> tuple[tuple[str, ...], ...]:
    """The operations of each depth (the output left out: it ends the picture), where more than
    one: the units of a layer, the terms of a sum, the steps' parallel parts."""
    depth = depths(graph)
    groups: dict[int, list[str]] = {}
    for nid, node in graph.nodes.items():
        if node.kind == "op" and nid != graph.output_id:
            groups.setdefault(depth[nid], []).append(nid)
    return tuple(tuple(members) for _, members in sorted(groups.items()) if len(members) > 1)


@dataclass
class Drawn:
    """Work ``scenes`` shares between its calls for one result and list of frames: every text,
    the nodes kept for ``wrt``, and each frame's nodes and edges per (frame, look, stacked inputs)."""

    texts: "_Texts | None" = None
    keep: frozenset[str] | None = None
    bases: dict[tuple[int, str, bool], Scene] = field(default_factory=dict)


class _Texts:
    """Every text of a result computed once, however many frames show it."""

    def __init__(self, result: "Backward", tangents: "Tangents | None" = None):
        self.result, self.tangents = result, tangents
        self.expected = fan_in(result)
        self.hits = {(s.node, c.position): (s, c) for s in result.steps for c in s.contributions}
        self.tangent_hits = {(s.node, c.position): (s, c) for s in (tangents.steps if tangents else ())
                             for c in s.contributions}
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
           keep: frozenset[str] | None, look: str, stacked: bool) -> Scene:
    """The frame's nodes and edges in ``look`` (``stacked``: the inputs stand in columns), before
    constants are copied and inputs placed (``scenes``)."""
    graph = result.graph
    forward = frame.kind in FORWARD_KINDS and texts.tangents is not None
    state = tangent_state(texts.tangents, frame) if forward else frame_state(result, frame)
    gates = look != "boxes"
    nodes = tuple(_node(result, frame, texts, state, nid, keep, look, stacked) for nid in graph.nodes)
    edges = tuple(_edge(result, texts, state, nid, pos, operand, keep, look)
                  for nid, node in graph.nodes.items() for pos, operand in enumerate(node.operands))
    compact = len(graph) > COMPACT_LIMIT
    seed = texts.tangents.wrt if forward else None
    return Scene(frame.slug, nodes, edges, _caption(frame, look, graph.output, seed) if caption else None,
                 (), graph.output_id, *_defaults(compact, gates), clusters=() if gates else _clusters(graph))


def _dashed(look: NodeLook) -> NodeLook:
    """A node drawn again: its outline dashed, so it reads as the same node once more, not another."""
    attrs = dict(look.attrs)
    return replace(look, attrs=tuple({**attrs, "style": attrs.get("style", "rounded") + ",dashed"}.items()))


def _beside(graph: "Graph", edges: Sequence[EdgeLook]) -> tuple[tuple[str, str], ...]:
    """Each constant drawn once for one operation, with that operation: a number sits beside
    the gate it feeds, in its rank, instead of a rank away where it could sit by another node."""
    uses: dict[str, list[str]] = {}
    for edge in edges:
        if graph.nodes[_drawn(edge.tail)].kind == "const":
            uses.setdefault(edge.tail, []).append(edge.head)
    return tuple((tail, heads[0]) for tail, heads in uses.items() if len(heads) == 1)


def _drawn(look_id: str) -> str:
    """The graph node a node look draws (a copy's id is its node's with ``.k`` or ``.rowK``)."""
    return look_id.split(".", 1)[0]


def _copied(graph: "Graph", nodes: Sequence[NodeLook], edges: Sequence[EdgeLook], kind: str
            ) -> tuple[tuple[NodeLook, ...], tuple[EdgeLook, ...], tuple[tuple[str, str], ...]]:
    """A node of ``kind`` (a constant, an input) used by several operations is drawn once beside each
    of them (``n3.1``, ``n3.2``, …): a number written where it is used, as on a slide, a weight before
    each step it feeds, instead of one node whose edges cross the figure to every use. Also returns
    (copy, node) for each copy."""
    uses: dict[str, list[int]] = {}
    for index, edge in enumerate(edges):
        if edge.tail in graph.nodes and graph.nodes[edge.tail].kind == kind:
            uses.setdefault(edge.tail, []).append(index)
    shared = {nid: where for nid, where in uses.items() if len(where) > 1}
    if not shared:
        return tuple(nodes), tuple(edges), ()
    edges = list(edges)
    out: list[NodeLook] = []
    made: list[tuple[str, str]] = []
    for look in nodes:
        if look.id not in shared:
            out.append(look)
            continue
        for copy, index in enumerate(shared[look.id], start=1):
            out.append(replace(look if kind == "const" else _dashed(look), id=f"{look.id}.{copy}"))
            edges[index] = replace(edges[index], tail=f"{look.id}.{copy}")
            made.append((f"{look.id}.{copy}", look.id))
    return tuple(out), tuple(edges), tuple(made)


def _node(result: "Backward", frame: Frame, texts: _Texts, state: FrameState, nid: str,
          keep: frozenset[str] | None, look: str, stacked: bool = True) -> NodeLook:
    """A node as a box (equation, value, gradient) or as a gate (operator and name, value,
    gradient; ``paired`` gates put value and gradient side by side in one row)."""
    graph = result.graph
    node = graph.nodes[nid]
    active = state.active
    fade = keep is not None and nid not in keep
    compact = len(graph) > COMPACT_LIMIT
    if node.kind == "const":
        return NodeLook(nid, label_rows(_faded([(operand_piece(graph, nid, MARKUP)[0], SOFT_INK)], fade)),
                        (("shape", "plaintext"),))
    gates = look != "boxes"
    got = state.received.get(nid, ())
    value = gradient = None
    if frame.kind != "structure" and (result.values is not None or not compact):
        value = texts.get(("value", nid, gates), lambda: gate_value(result, nid) if gates else value_line(result, nid))
    if state.forward:
        tangents = texts.tangents
        if nid in state.known:
            gradient = texts.get(("tangent", nid, gates), lambda: gate_tangent(tangents, nid) if gates else
                                 tangent_row(tangents, nid))
    elif nid == graph.output_id and state.done or got:
        gradient = texts.get(("grad", nid, len(got), gates), lambda: gate_gradient(result, nid, got, texts.expected.get(nid, 0)) if gates else
                             gradient_line(result, nid, got, texts.expected.get(nid, 0)))
    if gates:
        head = texts.get(("name", nid), lambda: Name(node.name))
        rows = [(f"{gate_symbol(graph, nid)} {head}" if node.kind == "op" else head, None)]
    else:
        rows = [(texts.get(("eq", nid), lambda: equation(graph, nid, MARKUP)), None)]
    if gates and node.kind == "input" or look == "paired" and (value or gradient):
        pair = [f'<FONT COLOR="{color}">{text}</FONT>' for text, color in ((value, VALUE_COLOR),
                                                                          (gradient, GRADIENT_COLOR)) if text]
        if node.kind == "input" and stacked:  # one row: inputs stack in a column, which must not grow tall
            rows = [("  ".join([rows[0][0], " │ ".join(pair)]) if pair else rows[0][0], None)]
        else:
            rows.append((" │ ".join(pair), None))
    else:
        rows += [(text, color) for text, color in ((value, VALUE_COLOR), (gradient, GRADIENT_COLOR)) if text]
    attrs = [("shape", "box"), ("style", "rounded" if node.kind == "input" else "rounded,filled")]
    if node.kind == "op":
        attrs.append(("fillcolor", OP_FILL))
    if nid == graph.output_id:
        attrs.append(("peripheries", "2"))
    if active and nid == active.node:
        attrs += [("color", ACTIVE_INK), ("penwidth", "3.5"), ("fillcolor", ACTIVE_FILL),
                  ("style", "rounded,filled")]
    elif active and nid in {c.operand for c in active.contributions}:
        attrs += [("color", RECEIVING), ("penwidth", "2")]
    if fade:
        attrs += [("color", FADED), ("fontcolor", FADED), ("fillcolor", FADED_FILL), ("penwidth", "1")]
    return NodeLook(nid, label_rows(_faded(rows, fade)), tuple(attrs))


def _edge(result: "Backward", texts: _Texts, state: FrameState, nid: str, pos: int, operand: str,
          keep: frozenset[str] | None, look: str) -> EdgeLook:
    """The edge operand → nid: boxes show the local derivative on it once its step is taken (and
    upstream × local = contribution on the active step); gates leave it bare."""
    graph = result.graph
    active = state.active
    label, attrs = None, [("color", SOFT_INK if operand in graph.depends_on_inputs() else FAINT)]
    hit = (texts.tangent_hits if state.forward else texts.hits).get((nid, pos))
    is_active = bool(hit and active and active.node == nid)
    fade = keep is not None and not on_path(keep, operand, nid)
    if look == "boxes" and hit and nid in state.done and len(graph) <= EDGE_LABEL_LIMIT:
        step, c = hit
        rows = [(texts.get(("local", nid, pos), lambda: local_line(result, step, c)), None)]
        if is_active and state.forward:
            brought = texts.get(("tangent product", nid, pos), lambda: tangent_product_line(texts.tangents, step, c))
            rows.append((brought, GRADIENT_COLOR))
        elif is_active:
            rows.append((texts.get(("product", nid, pos), lambda: product_line(result, step, c)), GRADIENT_COLOR))
        label = label_rows(_faded(rows, fade), 0, ACTIVE_LABEL_GAP if is_active else 0)
    if is_active:
        attrs = [("color", ACTIVE_INK), ("penwidth", "3")]
    elif keep is not None and not fade:
        attrs = [("color", INK), ("penwidth", "2.2")]
    if fade:
        attrs = [("color", FADED_EDGE), ("fontcolor", FADED)]
    return EdgeLook(f"{operand}-{nid}-{pos}", operand, nid, label, tuple(attrs))


def input_columns(graph: "Graph", count: int) -> tuple[tuple[str, ...], ...]:
    """The inputs in ``count`` columns (0: none, each input goes beside its first use): ordered
    by how deep their first use lies, then by first use, and cut into columns of equal length,
    so a long column of parameters wraps into several, each just before where it is used."""
    inputs = [nid for nid, n in graph.nodes.items() if n.kind == "input"]
    if count <= 0 or not inputs:
        return ()
    depth = depths(graph)
    first_use: dict[str, tuple[int, int]] = {}  # input → (depth of its first consumer, that consumer's place)
    for index, (nid, node) in enumerate(graph.nodes.items()):
        for operand in node.operands:
            first_use.setdefault(operand, (depth[nid], index))
    order = sorted(inputs, key=lambda nid: first_use.get(nid, (0, 0)))
    size = -(-len(order) // count)
    return tuple(tuple(order[k:k + size]) for k in range(0, len(order), size))


def second_row(graph: "Graph") -> frozenset[str]:
    """The nodes a folded layout draws in its second row, coming back right to left under the
    first: the operations of the deeper half and every node only they use that is an input, a
    constant or an operation on those alone (``u·x₃``), so none floats far from its use."""
    depth = depths(graph)
    cut = (max(depth.values()) + 1) // 2
    folded = {nid for nid, node in graph.nodes.items() if node.kind == "op" and depth[nid] >= cut}
    consumers = graph.consumers()
    leaves = {nid for nid, node in graph.nodes.items() if node.kind != "op"}
    free = leaves | {nid for nid, node in graph.nodes.items() if all(o in leaves for o in node.operands)}
    for nid in reversed(graph.nodes):  # consumers come after their operands
        if nid in free and consumers.get(nid) and all(c in folded for c, _ in consumers[nid]):
            folded.add(nid)
    return frozenset(folded)


def depths(graph: "Graph") -> dict[str, int]:
    """Each node's depth: 0 for inputs and constants, one more than its deepest operand for an op."""
    depth: dict[str, int] = {}
    for nid, node in graph.nodes.items():  # operands come before their consumers
        depth[nid] = 1 + max((depth[o] for o in node.operands), default=-1)
    return depth


def gate_symbol(graph: "Graph", nid: str) -> str:
    """What a gate shows, from its spec's notation and never a letter a reader could take for a
    variable: its operator (``+``, ``×``), a blank for the operand (``( )²``, ``| |``, ``√``) or its
    function name (``σ``, ``exp``)."""
    node = graph.nodes[nid]
    spec = OPS[node.op]
    glyph = {"product": MARKUP.cross, "root": "√", "bars": "| |",
             "power": "( )" + (superscript(node.params[0]) if node.params else "^( )"),
             "indexed": MARKUP.subscripted(spec.text, str(int(node.params[0]) + 1)) if node.params else spec.text,
             }.get(spec.notation, spec.text)
    return MARKUP.escape(glyph)


def _clusters(graph: "Graph") -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The graph's groups (a network's layers) in order of first appearance, output left out."""
    members: dict[str, list[str]] = {}
    for nid, group in graph.groups.items():
        if nid != graph.output_id:
            members.setdefault(group, []).append(nid)
    return tuple((label, tuple(ids)) for label, ids in members.items())


def _caption(frame: Frame, look: str, output: str, seed: str | None = None) -> str:
    """The frame's title and equations; long equations wrap at their ``=`` signs and many of
    them go into columns, so the caption neither cuts anything nor widens the figure much
    (``seed``: the input a forward-mode frame differentiates by)."""
    shown = frame.kind in ("backward", *FORWARD_KINDS) or frame.kind != "forward" and look == "boxes"
    blocks = [wrapped(e) for e in frame.equations] if shown else []  # gates hold the numbers
    if look != "boxes" and frame.kind in ("forward", "gradients", "seed", "tangents"):
        joint = " │ " if look == "paired" else ", "
        what, partial = ("tangent", f"∂node/∂{write(Name(seed), MARKUP)}") if seed is not None \
            else ("gradient", f"∂{write(Name(output), MARKUP)}/∂node")
        blocks.append([f"In each node: operation and name, value{joint}{what} {partial} "
                       f"(inputs: name  value │ {what})"])
    height = sum(len(b) for b in blocks)
    columns = 1 if height <= CAPTION_LINES else 2 if height <= 3 * CAPTION_LINES else 3
    per_column = -(-len(blocks) // columns) if blocks else 0
    parts = [blocks[k * per_column:(k + 1) * per_column] for k in range(columns)]
    parts = [part for part in parts if part] or [[]]
    # One row only: Graphviz spreads a fixed-size caption's spare height over its rows, so the
    # title is the first line of the first column and the other columns start one line down.
    title = f"<B>{write(frame.title, MARKUP)}</B>"
    cells = []
    for k, part in enumerate(parts):
        lines = [title if k == 0 else " "] + [line for block in part for line in block]
        body = (_BREAK + _LEADING).join(lines)
        cells.append(f'<TD ALIGN="LEFT" BALIGN="LEFT" VALIGN="TOP">{body}{_BREAK}</TD>')
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2"><TR>{"".join(cells)}</TR></TABLE>'


def wrapped(relation: "Relation | Math") -> list[str]:
    """A relation as lines of at most ``CAPTION_WIDTH`` characters, broken before an ``=``
    (continuation lines start with ``=``, indented); a single side longer than that is broken
    before a ``+`` or ``−`` as well (``_folded``)."""
    if not isinstance(relation, Relation) or len(relation.sides) < 2:
        return _folded(write(relation, MARKUP))
    joints = [relation.first] + ["="] * (len(relation.sides) - 2)
    lines, current, width = [], write(relation.sides[0], MARKUP), len(plain(relation.sides[0]))
    for joint, side in zip(joints, relation.sides[1:]):
        text, size = write(side, MARKUP), len(plain(side)) + len(joint) + 2
        if width + size > CAPTION_WIDTH and width > 4:
            lines.append(current)
            current, width = f"    {joint} {text}", size + 4
        else:
            current, width = f"{current} {joint} {text}", width + size
    return [piece for line in lines + [current] for piece in _folded(line)]


def _folded(line: str) -> list[str]:
    """A caption line longer than ``CAPTION_WIDTH`` visible characters broken, as a typesetter
    breaks a long formula, at the spaces before a ``+`` or ``−`` (never inside markup tags);
    continuation lines are indented. A line with no such space stays whole."""
    cuts = [k for k in range(1, len(line) - 1) if line[k] == " " and line[k + 1] in "+−"
            and line[k + 2:k + 3] == " " and line.rfind("<", 0, k) <= line.rfind(">", 0, k)]
    if _visible(line) <= CAPTION_WIDTH or not cuts:
        return [line]
    out, start = [], 0
    for k, cut in enumerate(cuts):
        end = cuts[k + 1] if k + 1 < len(cuts) else len(line)
        if _visible(line[start:end]) > CAPTION_WIDTH - 8 and cut > start:
            out.append(line[start:cut])
            start = cut + 1
    out.append(line[start:])
    return [out[0]] + [" " * 8 + piece for piece in out[1:]]


def _visible(markup: str) -> int:
    """How many characters a markup text shows (tags left out, an entity one character)."""
    return len(html.unescape(re.sub(r"<[^>]*>", "", markup)))


def _defaults(compact: bool, gates: bool = False) -> tuple[tuple, tuple, tuple]:
    size = 10 if compact else 14
    graph_attrs = (("rankdir", "LR"), ("bgcolor", "white"), ("pad", "0.1"), ("fontname", FONT),
                   ("fontsize", str(size)), ("labelloc", "t"), ("labeljust", "l"),
                   ("nodesep", "0.1" if gates else "0.15" if compact else "0.3"),
                   ("ranksep", "0.25" if gates else "0.3" if compact else "0.5"),
                   ("outputorder", "edgesfirst"))
    node_defaults = (("fontname", FONT), ("fontsize", str(size)), ("color", OUTLINE), ("fontcolor", INK),
                     ("penwidth", "1.2"), ("margin", "0.06,0.02" if gates else "0.08,0.04"))
    edge_defaults = (("fontname", FONT), ("fontsize", str(size - 2)), ("fontcolor", INK),
                     ("arrowsize", "0.7"), ("penwidth", "1.2"))
    return graph_attrs, node_defaults, edge_defaults


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
    turns = _turns(sc) if placeholders and sc.folded else set()
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
            sub.attr(label=label, style="rounded,dashed", color=_CLUSTER_INK, fontcolor=SOFT_INK,
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
    beside it instead of drifting sideways step by step."""
    for edge in sc.edges:
        dot.edge(edge.tail, edge.head, **{"id": edge.id, **dict(edge.attrs)})
    if (sc.straight or dict(sc.graph_attrs).get("rankdir") == "TB") and sc.edges:
        for nid in nx.dag_longest_path(nx.DiGraph([(e.tail, e.head) for e in sc.edges])):
            dot.node(nid, group="spine")
    for members in sc.ranks:
        dot.body.append("{rank=same; " + "; ".join(_quoted(n) for n in members) + "}\n")
    starts = [members[0] for members in sc.ranks]
    for here, there in zip(starts, starts[1:]):
        dot.edge(here, there, style="invis", weight="0")


def _turns(sc: Scene) -> set[str]:
    """The nodes of the first row of a folded scene that lie deepest (most edges from the first
    row's sources): where the second row starts, under them."""
    depth: dict[str, int] = {}
    pending = [e for e in sc.edges if e.head not in sc.folded]
    for _ in range(len(sc.nodes)):  # longest paths over the first row's edges (edges are in graph order)
        changed = False
        for e in pending:
            if depth.get(e.tail, 0) + 1 > depth.get(e.head, 0):
                depth[e.head], changed = depth.get(e.tail, 0) + 1, True
        if not changed:
            break
    into = {e.tail for e in sc.edges if e.head in sc.folded and e.tail not in sc.folded}
    deepest = max((depth.get(t, 0) for t in into), default=0)
    return {t for t in into if depth.get(t, 0) == deepest}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '\\"') + '"'


def _statement(dot: "graphviz.Digraph", cache: dict, key: tuple, add: Callable[[], None]) -> None:
    """Add a statement through the graphviz package once; later frames reuse its text."""
    if key in cache:
        dot.body.append(cache[key])
    else:
        add()
        cache[key] = dot.body[-1]
