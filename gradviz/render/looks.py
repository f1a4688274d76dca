"""How a drawn graph looks, before layout: the slide palette and font, a node's, an edge's and a
frame's look (``NodeLook``, ``EdgeLook``, ``Scene``), and the HTML tables labels are written in."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

__all__ = ["NodeLook", "EdgeLook", "Scene", "label_rows", "dashed", "VALUE_COLOR", "GRADIENT_COLOR", "FONT"]

VALUE_COLOR = "#0072B2"  # Okabe–Ito blue: forward values
GRADIENT_COLOR = "#D55E00"  # Okabe–Ito vermillion: gradients
INK, SOFT_INK, FAINT, OP_FILL, ACTIVE_FILL = "#222222", "#666666", "#AAAAAA", "#F3F3F3", "#FBE3D2"
OUTLINE, ACTIVE_INK = "#7A7A7A", "#A34400"  # node outlines; the active step's outline, darker than all
RECEIVING = "#E07B39"  # the outline of the nodes the active step sends gradients to
CLUSTER_INK = "#BBBBBB"  # a network layer's dashed outline
FADED, FADED_EDGE, FADED_FILL = "#B8B8B8", "#DDDDDD", "#FAFAFA"  # off the highlighted paths (--wrt)
FONT = "DejaVu Sans"  # has Greek, ∂, ×, −, subscripts and superscripts


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
    ranks: tuple[tuple[str, ...], ...] = ()  # every node's rank, each in order across the flow (``ranks.ordered``)
    copies: tuple[tuple[str, str], ...] = ()  # (copy, node): an input or operation drawn again (not constants)
    straight: bool = False  # ordered: each row's longest path kept straight (always so top down)
    pinned: bool = False  # ordered: each rank's order across the flow kept as ``ranks`` gives it (plain dot's)

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


def dashed(look: NodeLook) -> NodeLook:
    """A node drawn again: its outline dashed, so it reads as the same node once more, not another."""
    attrs = dict(look.attrs)
    return replace(look, attrs=tuple({**attrs, "style": attrs.get("style", "rounded") + ",dashed"}.items()))
