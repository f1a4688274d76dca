"""The scene: the graph and one frame's state → what to draw (``looks.Scene``; ``dot`` writes it as DOT).

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
from typing import TYPE_CHECKING, Callable, Sequence

from ..eval.paths import input_paths, on_path
from ..ir.ops import OPS
from ..text.lines import Math, Name, Relation, plain, shown_sides, write
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
from .looks import (ACTIVE_FILL, ACTIVE_INK, FADED, FADED_EDGE, FADED_FILL, FAINT, FONT, GRADIENT_COLOR, INK, OP_FILL,
                    OUTLINE, RECEIVING, SOFT_INK, VALUE_COLOR, EdgeLook, NodeLook, Scene, dashed, label_rows)
from .ranks import by_depth, continue_rows, input_columns, ordered, second_row, walked

if TYPE_CHECKING:
    from ..eval.backward import Backward
    from ..eval.tangents import Tangents
    from ..ir.graph import Graph

__all__ = ["Drawn", "scene", "scenes", "gate_symbol", "EDGE_LABEL_LIMIT", "COMPACT_LIMIT", "CAPTION_LINES"]

EDGE_LABEL_LIMIT = 40  # more nodes than this: edges carry no labels
ACTIVE_LABEL_GAP = 4  # points under the active edge's label, clear of its thick line (half its 3-point width)
COMPACT_LIMIT = 100  # more nodes than this: smaller fonts, tighter spacing
CAPTION_LINES = 6  # caption lines in one column; more go into two or three columns
CAPTION_WIDTH = 64  # characters in a caption line before it wraps at an "="
_BREAK = '<BR ALIGN="LEFT"/>'
_LEADING = '<FONT POINT-SIZE="4"> </FONT><BR ALIGN="LEFT"/>'  # a thin empty line: space between caption lines


def scene(result: "Backward", frame: Frame, *, caption: bool = True, wrt: str | None = None,
          look: str = "boxes", tangents: "Tangents | None" = None) -> Scene:
    """What ``frame`` of ``result`` draws (``look``: ``boxes`` or ``gates``)."""
    return scenes(result, [frame], caption=caption, wrt=wrt, look=look, tangents=tangents)[0]


def scenes(result: "Backward", frame_list: Sequence[Frame], *, caption: bool = True,
           wrt: str | None = None, look: str = "boxes", columns: int = 1, fold: bool = False,
           tangents: "Tangents | None" = None, copies: bool = False, layered: bool = False,
           order: Sequence[Sequence[str]] = (), wrap: Sequence[int] = (), shared: "Drawn | None" = None,
           inputs_copied: bool = False, straight: bool = False, pinned: bool = False,
           walk: bool = False) -> list[Scene]:
    """The scenes of several frames of one result, sharing the text work between them.

    ``wrt`` (an input's name) draws the nodes and edges on the paths from the output to that
    input in full colour and fades the rest. ``tangents`` (forward mode from one input) is
    what the forward-mode frames among ``frame_list`` show. ``copies`` draws a constant used by
    several operations beside each of them, each in its operation's rank (``Scene.beside``).
    ``layered`` puts the operations of one depth in one rank (``Scene.layers``). ``order``: the graph's
    ranks, each in order across the flow (plain ``dot``'s), that the layout keeps (``ranks.ordered``), folded
    into another row at each rank of ``wrap``; ``inputs_copied`` then draws an input
    used by several operations once before each (``Scene.copies``), and ``straight`` keeps each row's
    longest path straight (``Scene.straight``) and ``pinned`` keeps each rank's order (``Scene.pinned``): ``order``'s or, with
    ``walk``, the order a walk from the output meets the nodes (``ranks.walked``). ``shared``: what earlier calls for
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
        out = [continue_rows(sc, later, again) for sc in out]
        ranks = walked(ranks, out[-1].edges, out[-1].copies) if walk else ranks
        return [replace(sc, folded=folded, later=later, ranks=ranks, straight=straight, pinned=pinned) for sc in out]
    folded = second_row(graph) if fold else frozenset()
    if folded:  # a constant's copy goes into the row of the operation it is drawn beside
        folded |= {e.tail for e in out[0].edges if e.head in folded and e.tail not in graph.nodes}
    layers = by_depth(graph) if layered and not fold else ()
    return [replace(sc, folded=folded, turned=bool(folded), layers=layers) for sc in out]


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
            out.append(replace(look if kind == "const" else dashed(look), id=f"{look.id}.{copy}"))
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
        return NodeLook(nid, label_rows(_faded([(operand_piece(graph, nid, MARKUP, alone=True)[0], SOFT_INK)], fade)),
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
    sides = shown_sides(relation)
    joints = [relation.first] + ["="] * (len(sides) - 2)
    lines, current, width = [], write(sides[0], MARKUP), len(plain(sides[0]))
    for joint, side in zip(joints, sides[1:]):
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
