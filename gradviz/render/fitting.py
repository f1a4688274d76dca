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

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Mapping, Sequence

from .backends import GRAPHVIZ_SECONDS
from .budget import layout_work
from .choices import ASPECTS
from .crossings import layout_crossings, plain_dot_crossings
from .layout import Layout, layout, node_box
from .measure import BORDER_LONG, SHARED_LONG, runs_along_borders, runs_together, spline_points, strays
from .reading import across_inversions, indexed_pairs, out_of_order
from .scene import Scene, scenes as make_scenes

if TYPE_CHECKING:
    from ..eval.backward import Backward
    from ..eval.tangents import Tangents
    from .backends import Backend
    from .frames import Frame
    from .style import Style

__all__ = ["Area", "Fitted", "fitted", "readable_px", "text_px"]

SMALL_GRAPH = 20  # operations: up to here node text must reach 24 px on the slide, beyond it 18 px
SEARCH_LIMIT = 100  # operations: beyond it one layout only; up to it ``SEARCH_WORK`` bounds the search
SEARCH_WORK = 6_000  # layout units (``budget.layout_work``) the whole search may spend: about 9 s of ``dot``


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


def fitted(result: "Backward", frames: Sequence["Frame"], style: "Style", backend: "Backend", *,
           caption: bool = True, wrt: str | None = None, area: Area | None = None,
           tangents: "Tangents | None" = None) -> Fitted:
    """Lay out ``frames`` in the style's look and orientation, trying each ``auto`` choice
    for the largest text in ``area`` (by default the style's slide); ``tangents``: what
    forward-mode frames among them show. A layout that reaches the readable size and crosses its
    edges no more often than plain ``dot`` does (``crossings``) ends the search; otherwise the
    readable layout with the fewest crossings wins, else the largest text. The search tries as
    many choices as ``SEARCH_WORK`` pays for (counted, not timed, so a busy machine draws the same
    figure); all layouts together get ``GRAPHVIZ_SECONDS``."""
    operations = sum(1 for n in result.graph.nodes.values() if n.kind == "op")
    needed = area.readable if area else readable_px(operations)
    box = (area.width, area.height) if area else ASPECTS[style.aspect] or ASPECTS["16:9"]
    candidates = _candidates(style, operations)
    candidates = candidates[:max(1, SEARCH_WORK // layout_work(result.graph))]
    reference = plain_dot_crossings(result.graph, backend) if len(candidates) > 1 else 0
    pairs = indexed_pairs(result.graph) if len(candidates) > 1 else []
    best: Fitted | None = None
    best_rank: tuple[bool, float, float, float, float] | None = None
    start = time.monotonic()
    shared: dict = {}  # the frames' nodes and edges per look, drawn once for all candidates
    tried: set[Scene] = set()  # the last frame of each layout made: a choice that draws the same is not laid out again
    for candidate, columns, fold, copies, layered in candidates:
        looks = [candidate.apply(sc) for sc in make_scenes(result, frames, caption=caption, wrt=wrt,
                                                             look=candidate.look, columns=columns, fold=fold,
                                                             tangents=tangents, copies=copies, layered=layered,
                                                             shared=shared)]
        if looks[-1] in tried:  # this choice draws what an earlier one drew (no constant to copy, say)
            continue
        tried.add(looks[-1])

        def disorder(centres: Mapping[str, tuple[float, float]]) -> tuple[int, int]:
            return (len(out_of_order(pairs, centres, candidate.rankdir, looks[-1].folded)),
                    across_inversions(pairs, centres, candidate.rankdir))
        lay = layout(looks, backend, box, timeout=GRAPHVIZ_SECONDS - (time.monotonic() - start),
                     disorder=disorder if pairs else None)
        px = text_px(lay, candidate, area)
        crossed = layout_crossings(lay) if len(candidates) > 1 else 0
        unordered = disorder({nid: _centre(pins) for nid, pins in lay.nodes.items()})[0] if pairs else 0
        astray = _astray(lay, looks[-1]) + _tangles(lay, looks[-1]) if len(candidates) > 1 else 0
        readable = px >= needed
        rank = (readable, -max(crossed - reference, 0) if readable else 0.0, -unordered if readable else 0.0,
                -astray if readable else 0.0, px)
        if best_rank is None or rank > best_rank:
            best, best_rank = Fitted(candidate, looks, lay), rank
        if readable and crossed <= reference and not unordered and not astray:
            break
    assert best is not None
    return best


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


def _candidates(style: "Style", operations: int) -> list[tuple["Style", int, bool, bool, bool]]:
    """The styles to try, most preferred first (boxes before gates, left to right before top
    down; one only without an aspect or beyond ``SEARCH_LIMIT`` operations), each with the number
    of input columns (``scene.input_columns``: boxes keep the lectures' one column; gates put each
    input beside its first use — the fewest crossings, measured — and try one, three and two
    columns last), whether the layout is folded, whether constants are copied, and whether the
    operations of one depth share a rank (``scene.by_depth``)."""
    if style.aspect == "none" or operations > SEARCH_LIMIT:  # one layout: boxes for small graphs, else gates
        look = style.look if style.look != "auto" else "boxes" if operations <= SMALL_GRAPH else "gates"
        return [(replace(style, look=look, rankdir="LR" if style.rankdir == "auto" else style.rankdir), 1, False,
                 False, False)]
    looks = ("boxes", "gates", "paired") if style.look == "auto" else (style.look,)
    rankdirs = ("LR", "TB") if style.rankdir == "auto" else (style.rankdir,)
    boxes = [(replace(style, look="boxes", rankdir=rankdir), 1, False, False, False) for rankdir in rankdirs
             if "boxes" in looks]
    gates = [look for look in looks if look != "boxes"]
    beside = [(replace(style, look=look, rankdir=rankdir), 0, fold, copies, layered)
              for fold, layered in ((False, False), (True, False), (False, True))
              for look in gates for rankdir in rankdirs for copies in (False, True)]
    stacked = [(replace(style, look=look, rankdir=rankdir), columns, False, False, False) for look in gates
               for rankdir in rankdirs for columns in (1, 3, 2)]
    return boxes + beside + stacked
