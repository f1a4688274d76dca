"""Choosing the look and orientation that fit the slide: with ``look`` or ``rankdir`` set to
``auto``, the figure is laid out in each choice and the one whose text is largest once the
picture is fitted into the aspect's slide wins — among the layouts whose edges cross no more
often than plain ``dot``'s drawing of the same graph, when one of them is readable, and then
among those that read repeated structure in index order (``reading``) and draw no constant
astray, no edge along a node's outline and no fan-out as one bundle (``measure``). Boxes laid
out left to right (the lectures' look) are kept whenever they already reach the readable size
and are untangled, so small graphs never pay for the search.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Mapping, Protocol, Sequence, TypeVar

from .backends import GRAPHVIZ_SECONDS, GraphvizTooSlow
from .budget import layout_work
from .choices import ASPECTS
from .crossings import layout_crossings, plain_dot_crossings, plain_dot_ranks
from .dot import CAPTION_KEY
from .layout import Layout, layout, least_length, node_box, padding
from .measure import (BORDER_LONG, SHARED_LONG, count_crossings, runs_along_borders, runs_together,
                      spline_points, strays)
from .looks import Scene
from .ranks import continued, late, ordered
from .reading import (Siblings, across_inversions, out_of_order, recurrence, rows_reversed, sibling_groups,
                      step_operations, steps_split)
from .scene import Drawn, scenes as make_scenes

if TYPE_CHECKING:
    from ..eval.backward import Backward
    from ..eval.tangents import Tangents
    from ..ir.graph import Graph
    from .backends import Backend
    from .frames import Frame
    from .style import Style

__all__ = ["Area", "Fitted", "Laid", "fitted", "filled", "readable_px", "text_px"]

SMALL_GRAPH = 20  # operations: up to here node text must reach 24 px on the slide, beyond it 18 px
LECTURE_GRAPH = 40  # operations: up to here the search may spend twice its work while no layout reads, crossing its
# edges no more often than plain dot and in index order
SEARCH_LIMIT = 100  # operations: beyond it one layout only; up to it ``SEARCH_WORK`` bounds the search
SEARCH_WORK = 6_000  # layout units (``budget.layout_work``) the whole search may spend (twice that while no layout of
# a lecture graph reads untangled and in order): a few seconds; the units price plain ``dot``'s long edges, the candidates' ranks keep edges
# short (20–40 ms a layout at 20–40 operations, measured)
UNREADABLE_CROSSING_PX = 0.05  # px of text a crossing beyond plain dot's costs when no layout is readable
UNREADABLE_DISORDER_SHARE = 0.1  # … and the share of its text each sibling out of order or step cut by a fold costs
STRIP = 0.1  # a figure across its area's width that leaves more than this share of the height unused is a strip
LARGER = 1.05  # a strip is laid out again for this much larger text (``filled``)
TEXT_DECIMALS = 1  # readable layouts whose text is this close are alike: the smaller picture wins (Graphviz builds
# measure labels a little differently, and a tie decided by a hundredth of a pixel would differ between them)


@dataclass(frozen=True)
class Area:
    """Where a figure goes: a box (any unit) and the text size, in that unit, that reads there
    (a Beamer frame's figure area in points and 7 pt, say). Without one, the style's slide."""

    width: float
    height: float
    readable: float


@dataclass(frozen=True)
class Fitted:
    """The chosen style (look and orientation resolved), its scenes and their layout."""

    style: "Style"
    scenes: list[Scene]
    layout: Layout


def readable_px(operations: int) -> float:
    """The node text size a figure of this many operations must reach on a 1920×1080 slide."""
    return 24.0 if operations <= SMALL_GRAPH else 18.0


def text_px(lay: Layout, style: "Style", area: Area | None = None) -> float:
    """The node text size once the laid-out picture is fitted into ``area`` (pixels on the
    style's slide by default, a 16:9 one when the aspect is ``none``)."""
    width, height = (area.width, area.height) if area else ASPECTS[style.aspect] or ASPECTS["16:9"]
    if not lay.size[0] or not lay.size[1]:
        return 0.0
    return style.font_size * min(width / lay.size[0], height / lay.size[1])


class Laid(Protocol):
    """A figure laid out once (``render.figure.Figure``): what ``filled`` reads of it."""

    layout: Layout
    style: "Style"
    backend: "Backend"


_L = TypeVar("_L", bound=Laid)


def filled(figure: _L, area: Area, lay: Callable[[Area], _L], graph: "Graph") -> _L:
    """``figure`` (laid out for ``area`` by ``lay``), or, when it is a strip — the area's width but less than
    ``1 - STRIP`` of its height, the rest of the area left empty — the layout ``lay`` makes for ``LARGER`` times its
    text, when that one gets there crossing its edges no more often than the strip or plain ``dot`` does: a deck's
    figure fills its area where a taller layout gives larger text (a fold, another orientation)."""
    width, height = figure.layout.size
    if not width or height * min(area.width / width, area.height / height) >= (1 - STRIP) * area.height:
        return figure
    text = text_px(figure.layout, figure.style, area)
    taller = lay(replace(area, readable=LARGER * text))
    crossings = max(layout_crossings(figure.layout), plain_dot_crossings(graph, figure.backend))
    if text_px(taller.layout, taller.style, area) >= LARGER * text and layout_crossings(taller.layout) <= crossings:
        return taller
    return figure


@dataclass(frozen=True)
class _Candidate:
    """One way to lay the figure out (``_candidates``): a style with its look and orientation, the
    input columns (``ranks.input_columns``), whether constants are copied beside each use, whether
    the operations of one depth share a rank (``ranks.by_depth``), whether the ranks are plain ``dot``'s
    (``ranks.ordered``), whether the layout is folded into a second row (0: not), whether an input
    used by several operations is drawn before each (ordered layouts), and whether the rows of an
    ordered fold lie straight, and whether each rank keeps plain ``dot``'s order or its mirror image (``Scene.pinned``)."""

    style: "Style"
    columns: int = 0
    copies: bool = False
    layered: bool = False
    ordered: bool = False
    fold: int = 0  # ordered: rows read the same way, the fold-th cuts ``_wraps`` offers (3: into four; 4: the best
    # into three of every cut whose rows could fit, not offered as 1 or 2; 5: the best after the steps of a
    # recurrence, ``reading.recurrence``); else a U-turn
    inputs_copied: bool = False  # ordered: an input used by several operations drawn before each
    straight: bool = False  # ordered and folded: each row's longest path kept straight (``Scene.straight``)
    pinned: int = 0  # ordered: each rank kept in plain dot's order across the flow (1), in its mirror image (2) or in
    # the order a walk from the output meets its nodes (3: ``ranks.walked``)
    late: bool = False  # ordered: each node moved on to the rank before its first use (``ranks.late``)


def fitted(result: "Backward", frames: Sequence["Frame"], style: "Style", backend: "Backend", *,
           caption: bool = True, wrt: str | None = None, area: Area | None = None,
           tangents: "Tangents | None" = None) -> Fitted:
    """Lay out ``frames`` in the style's look and orientation, trying each ``auto`` choice
    for the largest text in ``area`` (by default the style's slide); ``tangents``: what
    forward-mode frames among them show. A layout that reaches the readable size and crosses its
    edges no more often than plain ``dot`` does (``crossings``) ends the search; otherwise the
    readable layout with the fewest crossings wins (then the largest text to ``TEXT_DECIMALS``, then the
    smallest picture), else the largest text, less ``UNREADABLE_DISORDER_SHARE`` of it for each sibling out of order
    or step of a recurrence cut by a fold (a figure in order within a tenth of the largest text wins) and
    ``UNREADABLE_CROSSING_PX`` for each crossing beyond plain ``dot``'s. The search tries as
    many choices as ``SEARCH_WORK`` pays for, twice as many while none is readable, crossing no more often than plain
    ``dot`` and in index order, for a graph of up to
    ``LECTURE_GRAPH`` operations (counted, not timed, so a busy machine draws the same figure); all layouts together get ``GRAPHVIZ_SECONDS``: on a machine so slow that the search runs past them,
    the best layout made so far is taken (only the first layout's running past them is an error)."""
    operations = sum(1 for n in result.graph.nodes.values() if n.kind == "op")
    needed = area.readable if area else readable_px(operations)
    box = (area.width, area.height) if area else ASPECTS[style.aspect] or ASPECTS["16:9"]
    candidates = _candidates(style, operations)
    affordable = max(1, SEARCH_WORK // layout_work(result.graph))  # layouts the search pays for
    unsettled = 2 * affordable if operations <= LECTURE_GRAPH else affordable  # … while none reads untangled, in order
    searching = len(candidates) > 1 and affordable > 1
    reference = plain_dot_crossings(result.graph, backend) if searching else 0
    siblings = sibling_groups(result.graph) if searching else []
    order = _reading(plain_dot_ranks(result.graph, backend), siblings) if searching else ()
    mirrored = tuple(tuple(reversed(members)) for members in order)  # as untangled (a mirror image), read the other way
    moved = late(result.graph, order) if searching else ()  # each node at the rank before its first use
    steps = recurrence(result.graph) if searching else ()
    parts = step_operations(result.graph, steps)
    best: Fitted | None = None
    best_rank: tuple | None = None
    unfolded: dict[tuple, tuple[Layout, Scene]] = {}  # (look, rankdir, inputs copied, pinned, late) → its ordered layout
    # in one row
    wraps: dict[tuple, list[tuple[int, ...]]] = {}  # (that key, four, straight, every, at the steps) → where to fold
    # it, best first
    start = time.monotonic()
    shared = Drawn()  # the frames' texts, nodes and edges per look, drawn once for all candidates
    tried: set[Scene] = set()  # the last frame of each layout made: a choice that draws the same is not laid out again
    laid = 0
    for candidate in candidates:
        if laid >= (affordable if best_rank is not None and best_rank[:3] == (True, 0, 0) else unsettled):
            break
        chosen = candidate.style
        wrap: tuple[int, ...] = ()
        if candidate.late and not steps:  # nodes moved on to their uses: for the steps of a recurrence
            continue
        row = (chosen.look, chosen.rankdir, candidate.inputs_copied, candidate.pinned, candidate.late)
        ranks = moved if candidate.late else mirrored if candidate.pinned == 2 else order
        if candidate.fold and candidate.ordered:
            if row not in unfolded:
                continue
            four, every = candidate.fold == 3, candidate.fold == 4  # the best fold into four; the best of every
            # fold into three not offered before; the best at the steps; else the fold-th best into two or three
            stepped = steps if candidate.fold == 5 else ()
            key = (row, four, candidate.straight, every, bool(stepped))
            if key not in wraps:
                wraps[key] = _wraps(*unfolded[row], result.graph, ranks, chosen, needed, box, area, reference,
                                    four=four, straight=candidate.straight, every=every, steps=stepped)
            near = wraps.get((row, False, candidate.straight, False, False), [])[:2]
            cuts = [cut for cut in wraps[key] if cut not in near] if every else wraps[key]
            index = 0 if four or every or stepped else candidate.fold - 1
            if len(cuts) <= index:
                continue
            wrap = cuts[index]
        drawn = make_scenes(
            result, frames, caption=caption, wrt=wrt, look=chosen.look, columns=candidate.columns,
            fold=bool(candidate.fold) and not candidate.ordered, tangents=tangents, copies=candidate.copies,
            layered=candidate.layered, order=ranks if candidate.ordered else (),
            wrap=wrap, shared=shared, inputs_copied=candidate.inputs_copied, straight=candidate.straight,
            pinned=bool(candidate.pinned), walk=candidate.pinned == 3)
        last = chosen.apply(drawn[-1])
        if last in tried:  # this choice draws what an earlier one drew (no constant to copy, say)
            continue
        tried.add(last)
        looks = [*(chosen.apply(sc) for sc in drawn[:-1]), last]

        def disorder(centres: Mapping[str, tuple[float, float]]) -> tuple[int, int, int]:
            return (rows_reversed(centres, chosen.rankdir, looks[-1].rows),
                    len(out_of_order(siblings, centres, chosen.rankdir, looks[-1].rows, looks[-1].turned))
                    + steps_split(parts, looks[-1].rows),
                    across_inversions(siblings, centres, chosen.rankdir))
        left = GRAPHVIZ_SECONDS - (time.monotonic() - start)
        try:
            if best is not None and not candidate.fold and not candidate.ordered and \
                    _reach(looks, chosen, backend, box, left) < needed:  # too long to read, whatever dot does
                continue
            lay = layout(looks, backend, box, timeout=left,
                         disorder=disorder if siblings or parts or looks[-1].folded else None)
        except GraphvizTooSlow:  # a machine far slower than the counted work expects: the best layout so far
            if best is None:
                raise
            break
        laid += not candidate.late  # a recurrence's steps' layouts (four at most) come on top of the budget
        if candidate.ordered and not candidate.fold:
            unfolded[row] = (lay, looks[-1])
        px = text_px(lay, chosen, area)
        crossed = layout_crossings(lay) if searching else 0
        unordered = sum(disorder({nid: _centre(pins) for nid, pins in lay.nodes.items()})[:2])
        readable = px >= needed
        excess = max(crossed - reference, 0)
        ahead = (readable, -excess if readable else 0.0, -unordered if readable else 0.0)
        measured = searching and readable and (best_rank is None or ahead >= best_rank[:3])  # else defects cannot
        # decide: an unreadable layout ranks by its text, one behind the best already loses
        astray = _astray(lay, looks[-1]) + _tangles(lay, looks[-1]) if measured else 0
        rank = (*ahead, -astray if readable else 0.0,
                not candidate.inputs_copied or not readable,
                round(px, TEXT_DECIMALS) if readable
                else px * (1 - UNREADABLE_DISORDER_SHARE * unordered) - UNREADABLE_CROSSING_PX * excess,
                -lay.size[0] * lay.size[1] if readable else 0.0)
        if best_rank is None or rank > best_rank:
            best, best_rank = Fitted(chosen, looks, lay), rank
        if readable and crossed <= reference and not unordered and not astray:
            break
    assert best is not None
    return best


def _reach(looks: Sequence[Scene], style: "Style", backend: "Backend", box: tuple[float, float],
           timeout: float = GRAPHVIZ_SECONDS) -> float:
    """The largest text (``text_px``) a layout of ``looks`` in one piece could have in ``box``: its
    longest path (``layout.least_length``, within ``timeout`` seconds) fitted into the box's side along the flow."""
    along = 0 if style.rankdir in ("LR", "RL") else 1
    pad = padding(looks[-1])
    return style.font_size * box[along] / (least_length(looks, backend, timeout) + pad)


def _reading(order: Sequence[Sequence[str]], siblings: Sequence[Siblings]) -> tuple[tuple[str, ...], ...]:
    """Plain ``dot``'s ranks, each from top to bottom, or each reversed when that reads more indexed
    siblings in order (a mirror image crosses its edges as often)."""
    def disorder(ranks: Sequence[Sequence[str]]) -> tuple[int, int]:
        centres = {nid: (100.0 * k, -100.0 * i) for k, members in enumerate(ranks) for i, nid in enumerate(members)}
        return len(out_of_order(siblings, centres, "LR")), across_inversions(siblings, centres, "LR")
    mirrored = [tuple(reversed(members)) for members in order]
    return tuple(map(tuple, mirrored if disorder(mirrored) < disorder(order) else order))


def _wraps(lay: Layout, sc: Scene, graph: "Graph", order: Sequence[Sequence[str]], style: "Style", needed: float,
           box: tuple[float, float], area: Area | None, reference: int, four: bool = False,
           straight: bool = False, every: bool = False, steps: Sequence[str] = ()) -> list[tuple[int, ...]]:
    """Where to fold an ordered layout (``sc.ranks``, from ``order``) into rows that read the same way
    (``ranks.ordered``; ``layout`` draws each row in its own ranks): the cuts, best first — every cut
    into two rows, and into three the cuts within two ranks of the thirds of the row's length (with ``every``,
    also every other cut into three whose rows, as long as their ranks in the one row, would each fit the box at
    the readable size; with ``four``: into four, within a rank of the quarters, only; with ``steps``: into up to
    four, each row starting after one of these nodes, only). Each
    fold's size is estimated from the layout in one row: its rows as ``ordered`` makes them (nodes
    moved to a later row or drawn again there), each rank as long as its longest node and as wide as
    its nodes together, plus the room Graphviz gave the one row (along the flow only when the rows lie
    ``straight`` and the one row did not: across the flow that row drifts step by step); the caption goes into the corner the
    shortest row leaves when it fits there, else above. The folds that reach the readable size come
    first, those whose rows' own edges cross in the one row (each row keeps its order there; a node
    drawn again feeds its row from beside its use) least beyond ``reference`` (plain ``dot``'s
    crossings) first, then the largest text; then the others, largest text first. None when the row
    already reads."""
    if text_px(lay, style, area) >= needed or len(sc.ranks) < 2:
        return []
    along = 0 if style.rankdir in ("LR", "RL") else 1  # the axis the ranks follow one another on
    sizes = {}
    for nid, pins in lay.nodes.items():
        b = node_box(pins)
        sizes[nid] = (b[along + 2] - b[along], b[3 - along] - b[1 - along])  # along the flow, across it
    gap = 72 * float(dict(sc.graph_attrs).get("ranksep", "0.5"))
    sep = 72 * float(dict(sc.graph_attrs).get("nodesep", "0.25"))
    pad = padding(sc)

    def extent(ranks: Sequence[Sequence[str]], later: Sequence[frozenset[str]], again: Sequence[Sequence[str]]
               ) -> tuple[float, float, float, float]:
        """Length along the flow and width across it of the rows (each in its own ranks), the room the
        shortest row leaves at its end, and that row's width."""
        copies = {continued(nid, row): nid for row, drawn in enumerate(again, start=1) for nid in drawn}
        size = {nid: sizes[copies.get(nid, nid)] for members in ranks for nid in members}
        row_of = {nid: k for k, members in enumerate(later, start=1) for nid in members}
        lengths, widths = [], []
        for row in range(len(later) + 1):
            held = [m for m in ([n for n in members if row_of.get(n, 0) == row] for members in ranks) if m]
            lengths.append(sum(max(size[n][0] for n in m) for m in held) + gap * max(len(held) - 1, 0))
            widths.append(max((sum(size[n][1] + sep for n in m) for m in held), default=0.0))
        short = lengths.index(min(lengths))
        return max(lengths), sum(widths) + gap * (sum(1 for w in widths if w) - 1), max(lengths) - lengths[short], \
            widths[short]
    nodes = [node_box(pins) for pins in lay.nodes.values()]
    drawn = (max(b[along + 2] for b in nodes) - min(b[along] for b in nodes),
             max(b[3 - along] for b in nodes) - min(b[1 - along] for b in nodes))
    flat = extent(sc.ranks, (), ())
    extra = (drawn[0] - flat[0] + pad, pad if straight else drawn[1] - flat[1] + pad)  # margins and bends Graphviz adds
    caption = lay.boxes.get(CAPTION_KEY, (0, 0))
    caption = caption if along == 0 else caption[::-1]  # (along, across)
    paths = {eid: points for eid, pins in lay.edges.items() if len(points := spline_points(pins["pos"])) > 1}
    starts = [0.0]  # where each rank starts along the one row
    for members in sc.ranks:
        starts.append(starts[-1] + max(sizes[n][0] for n in members) + gap)
    count = len(sc.ranks)
    third = [min(range(count), key=lambda k: abs(starts[k] - starts[-1] * share)) for share in (1 / 3, 2 / 3)]
    longest = box[along] * style.font_size / needed - extra[0]  # the most a row may run along the flow and read

    def fits(first: int, end: int) -> bool:  # ranks first to end - 1 as one row (it may grow at its start)
        return starts[end] - starts[first] - gap <= longest
    folds = [(cut,) for cut in range(1, count)]
    folds += [(a, b) for a in range(third[0] - 2, third[0] + 3) for b in range(third[1] - 2, third[1] + 3)
              if 0 < a < b < count]
    if every:
        folds += [(a, b) for a in range(1, count) if fits(0, a) for b in range(a + 1, count)
                  if fits(a, b) and fits(b, count) and (a, b) not in folds]
    if steps:  # rows that each hold whole steps
        after = sorted({k + 1 for k, members in enumerate(sc.ranks) for nid in members if nid in steps}
                       & set(range(1, count)))
        folds = [cuts for size in (1, 2, 3) for cuts in itertools.combinations(after, size)]
    elif four:  # four rows instead: the cuts within a rank of the quarters
        near = [min(range(count), key=lambda k: abs(starts[k] - starts[-1] * share / 4)) for share in (1, 2, 3)]
        folds = [cuts for cuts in itertools.product(*(range(k - 1, k + 2) for k in near))
                 if 0 < cuts[0] < cuts[1] < cuts[2] < count]
    keys = []
    for cuts in folds:
        ranks, later, again = ordered(graph, order, sc.edges, cuts)
        if not all(later) or sum(map(len, later)) == sum(map(len, ranks)):  # a row left empty: not this fold
            continue
        length, across, free, beside = extent(ranks, later, again)
        size = [length + extra[0], across + extra[1]]
        if caption[0] and not (free >= caption[0] + gap and beside >= caption[1]):  # no free corner: above,
            above = 1 - along  # which grows the picture across the flow (left to right) or along it (top down)
            size[above] += caption[above] + gap
        width, height = size if along == 0 else size[::-1]
        px = style.font_size * min(box[0] / width, box[1] / height)
        row_of = {nid: k for k, members in enumerate(later, start=1) for nid in members}
        crossing = count_crossings([paths[e.id] for e in sc.edges if e.id in paths
                                    and row_of.get(e.tail, 0) == row_of.get(e.head, 0)]) if px >= needed else 0
        keys.append((px >= needed, -max(crossing - reference, 0) if px >= needed else 0, px, -folds.index(cuts)))
    return [folds[-key[-1]] for key in sorted(keys, reverse=True)]


def _astray(lay: Layout, sc: Scene) -> int:
    """Constants (drawn as plain text) laid out over another node or farther than ``measure.BESIDE``
    from every operation they feed (``measure.strays``)."""
    constants = {node.id for node in sc.nodes if ("shape", "plaintext") in node.attrs}
    return len(strays({nid: node_box(pins) for nid, pins in lay.nodes.items()}, constants,
                      [(e.tail, e.head) for e in sc.edges]))


def _tangles(lay: Layout, sc: Scene) -> int:
    """Edges that run along a node's outline longer than ``measure.BORDER_LONG``, and fan-outs
    whose edges run together longer than ``measure.SHARED_LONG``."""
    boxes = {nid: node_box(pins) for nid, pins in lay.nodes.items()}
    paths = {eid: spline_points(pins["pos"]) for eid, pins in lay.edges.items()}
    ends = {e.id: (e.tail, e.head) for e in sc.edges}
    return (sum(run > BORDER_LONG for run in runs_along_borders(boxes, paths).values())
            + sum(run > SHARED_LONG for run in runs_together(boxes, paths, ends).values()))


def _centre(pins: Mapping[str, str]) -> tuple[float, float]:
    x, y = pins["pos"].rstrip("!").split(",")
    return float(x), float(y)


def _candidates(style: "Style", operations: int) -> list[_Candidate]:
    """The layouts to try, most preferred first: boxes left to right then top down (the lectures'
    look; one only without an aspect or beyond ``SEARCH_LIMIT`` operations); gates with each input
    beside its first use, constants copied or not; gates (or the look asked for) in plain ``dot``'s
    ranks (the fewest crossings) in the first orientation, in one row and folded into two rows that read
    the same way (at the two best cuts, tried only when the row does not reach the text size), then the same
    with each input used several times drawn before each use; paired gates top down, in one row and folded
    into two, three or four columns; gates left to right folded into two, three or four rows that lie
    straight, then into three rows at the best of every cut whose rows could fit; gates folded with the second row
    coming back; the operations of one depth in one rank; input columns
    (one, three, two); last, the ordered layouts again with each rank pinned: the three left to right in the order a
    walk from the output meets the nodes (``ranks.walked``: a layer's units as written); for a recurrence only
    (``reading.recurrence``; on top of the budget), in the walk's order with each node moved on to the rank before its
    first use (``ranks.late``), with each input used several times drawn before each use and without, in one row and
    folded after the states, so that each row holds whole steps; paired gates left to right in
    plain ``dot``'s ranks, in one row and folded into two rows (wide, low nodes: the explorer's wide box fits an LSTM
    cell over two inputs so, and layer norm's rows read in index order); then all in plain ``dot``'s
    order and in its mirror image (Graphviz's crossing reduction, run on these boxes, can end up crossing more often
    than plain ``dot`` did; the edges' routes differ between an order and its mirror image), then the others in the
    walk's order."""
    if style.aspect == "none" or operations > SEARCH_LIMIT:  # one layout: boxes for small graphs, else gates
        look = style.look if style.look != "auto" else "boxes" if operations <= SMALL_GRAPH else "gates"
        return [_Candidate(replace(style, look=look, rankdir="LR" if style.rankdir == "auto" else style.rankdir), 1)]
    looks = ("boxes", "gates", "paired") if style.look == "auto" else (style.look,)
    rankdirs = ("LR", "TB") if style.rankdir == "auto" else (style.rankdir,)
    boxes = [_Candidate(replace(style, look="boxes", rankdir=rankdir), 1) for rankdir in rankdirs if "boxes" in looks]
    gates = [look for look in looks if look != "boxes"]

    def beside(fold: bool, layered: bool) -> list[_Candidate]:
        return [_Candidate(replace(style, look=look, rankdir=rankdir), copies=copies, layered=layered, fold=int(fold))
                for look in gates for rankdir in rankdirs for copies in (False, True)]
    ordered = [_Candidate(replace(style, look=look, rankdir=rankdirs[0]), copies=True, ordered=True, fold=fold,
                          inputs_copied=copied) for copied in (False, True) for look in gates[:1] for fold in (0, 1, 2)]
    ordered += [_Candidate(replace(style, look=look, rankdir=rankdir), copies=True, ordered=True, fold=fold)
                for rankdir in rankdirs[1:] for look in gates[-1:] for fold in (0, 1, 2, 3)]
    ordered += [_Candidate(replace(style, look=look, rankdir=rankdirs[0]), copies=True, ordered=True, fold=fold,
                           straight=True) for look in gates[:1] for fold in (1, 2, 3)]
    ordered += [_Candidate(replace(style, look=look, rankdir=rankdirs[0]), copies=True, ordered=True, fold=4)
                for look in gates[:1]]
    stacked = [_Candidate(replace(style, look=look, rankdir=rankdir), columns) for look in gates
               for rankdir in rankdirs for columns in (1, 3, 2)]
    walked = [replace(candidate, pinned=3) for candidate in ordered[:3]]
    later = [_Candidate(replace(style, look=look, rankdir=rankdirs[0]), copies=True, ordered=True, fold=fold,
                        inputs_copied=copied, straight=bool(fold), pinned=3, late=True)
             for look in gates[:1] for copied in (True, False) for fold in (0, 5)]
    paired = [_Candidate(replace(style, look=look, rankdir=rankdirs[0]), copies=True, ordered=True, fold=fold)
              for look in gates[1:] for fold in (0, 1, 2)]
    pinned = [replace(candidate, pinned=way) for way in (1, 2) for candidate in ordered]
    pinned += [replace(candidate, pinned=3) for candidate in ordered[3:]]
    return (boxes + beside(False, False) + ordered + beside(True, False) + beside(False, True) + stacked + walked + later
            + paired + pinned)
