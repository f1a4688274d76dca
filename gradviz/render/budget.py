"""The costs of drawing, estimated before any work: the layout's and the png frames' pixels.

The layout's cost: Graphviz's ``dot`` gives an edge that spans
several ranks one virtual node per rank it crosses, and orders and places all of them, so a
graph whose inputs feed nodes far down (two inputs used by every one of 150 operations) costs
minutes while a chain of 300 nodes costs a second. ``layout_work`` counts nodes, edges and
virtual nodes (inputs sit in the first rank, every operation one rank past its deepest operand,
constants beside their use); ``bench/layout_cost.py`` measured the time against it.

The png frames of one call share ``PIXEL_LIMIT``: ``png_dpi`` lowers the default resolution until
they fit (a default is never refused), and refuses a resolution the user asked for beyond it,
naming the largest that fits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import GradvizError
from .ranks import depths

if TYPE_CHECKING:
    from ..ir.graph import Graph

__all__ = ["layout_work", "check_layout_cost", "png_dpi", "WORK_LIMIT", "PIXEL_LIMIT", "DEFAULT_PNG_DPI",
           "MIN_PNG_DPI"]

DEFAULT_PNG_DPI = 150  # sharp on a projector, small enough for slides
MIN_PNG_DPI = 10  # the least resolution drawn (and the least --dpi takes)
PIXEL_LIMIT = 100_000_000  # pixels of all the png frames of one call: about 10 s of drawing (100 ns a pixel)
WORK_LIMIT = 3_000  # nodes + edges + virtual nodes: about 10 s of ``dot`` (bench/layout_cost.py, LAYOUT.md)


def layout_work(graph: "Graph") -> int:
    """Nodes, plus each edge's span in ranks: the edge and the virtual nodes ``dot`` adds along it."""
    depth = depths(graph)
    work = len(graph)
    for nid, node in graph.nodes.items():
        for operand in node.operands:
            kind = graph.nodes[operand].kind  # inputs in the first rank, constants beside their use
            work += depth[nid] - depth[operand] if kind == "op" else 1 if kind == "const" else depth[nid]
    return work


def check_layout_cost(graph: "Graph") -> None:
    """Refuse, before any work and with advice, a graph whose layout would take ``dot`` longer
    than a few seconds (``WORK_LIMIT``), long before ``GRAPHVIZ_SECONDS`` would stop it."""
    work = layout_work(graph)
    if work <= WORK_LIMIT:
        return
    fan = max((len(c) for nid, c in graph.consumers().items() if graph.nodes[nid].kind == "input"), default=0)
    raise GradvizError(
        f"the graph is too costly to lay out: its {len(graph):,} nodes and their edges across the ranks make "
        f"{work:,} units of Graphviz work (the limit is {WORK_LIMIT:,}, about 10 s; an input feeds {fan:,} "
        "operations, far apart): draw a smaller formula (fewer statements, or each input used in fewer places), "
        f"print the numbers with gradviz grad, or use the neuron view for networks (gradviz net --view neurons)")


def png_dpi(size: tuple[float, float], count: int, dpi: int | None = None, *, default: int = DEFAULT_PNG_DPI) -> int:
    """The resolution of ``count`` png frames of ``size`` (points): ``dpi`` when it keeps them within
    ``PIXEL_LIMIT`` pixels in all, else a refusal naming what fits; without ``dpi``, ``default``
    lowered until they fit."""
    width, height = (max(side, 1.0) / 72 for side in size)  # inches
    most = int((PIXEL_LIMIT / (max(count, 1) * width * height)) ** 0.5)
    if dpi is None and most >= MIN_PNG_DPI:
        return min(default, most)
    if dpi is not None and dpi <= most:
        return dpi
    asked = dpi or MIN_PNG_DPI
    frames = f"{count} frames of" if count > 1 else "a frame of"
    one = int((PIXEL_LIMIT / (width * height)) ** 0.5)  # the most for one frame
    advice = ([f"--dpi {most} or less"] if most >= MIN_PNG_DPI else []) + \
        (["--frames final"] if count > 1 and one >= asked else []) + \
        [f"--format svg or pdf{' without --dpi' if dpi else ''}, which stay sharp at any size"]
    raise GradvizError(f"at {asked} dpi that is {frames} {width * asked:,.0f} × {height * asked:,.0f} pixels "
                       f"(the limit is {PIXEL_LIMIT // 1_000_000} million pixels in all): use " + ", or ".join(advice))
