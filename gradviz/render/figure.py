"""A result's frames laid out once and rendered to bytes: ``Figure`` (any frame, any format,
the same node positions) and ``render_frames`` (the frames a command asks for)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Collection, Sequence

from ..errors import GradvizError
from .backends import FORMATS, GRAPHVIZ_SECONDS, get_backend
from .budget import DEFAULT_PNG_DPI, check_layout_cost, png_dpi
from .frames import RENDER_NODE_LIMIT, Frame, check_drawable, frames, tangent_frames
from .fitting import Area, fitted
from .layout import pinned
from .style import Style
from .svgframes import svg_frames

if TYPE_CHECKING:
    from ..eval.backward import Backward
    from ..eval.tangents import Tangents
    from .looks import Scene

__all__ = ["RenderedFrame", "Figure", "render_frames", "DEFAULT_PNG_DPI"]



@dataclass(frozen=True)
class RenderedFrame:
    """One frame and its bytes in the requested format."""

    frame: Frame
    format: str
    data: bytes

    @property
    def filename(self) -> str:
        return f"{self.frame.slug}.{self.format}"


class Figure:
    """The frames of one result laid out once: any frame renders in any format with the same
    node positions (the figure a notebook stepper turns through). Rendered bytes are kept.
    ``kinds`` lays out only the frames of those kinds (``("structure",)``: the bare graph).

    With ``tangents`` (forward mode from one input) ``frames`` are forward mode's; the backward
    frames are laid out with them (``reverse_frames``), so both share every node position."""

    def __init__(self, result: "Backward", *, renderer: str = "auto", caption: bool = True,
                 style: "Style | None" = None, wrt: str | None = None, kinds: Collection[str] | None = None,
                 area: Area | None = None, tangents: "Tangents | None" = None):
        self.backend = get_backend(renderer)
        reverse = [f for f in frames(result, "all") if kinds is None or f.kind in kinds]
        self.frames = reverse if tangents is None else [f for f in tangent_frames(tangents)
                                                        if kinds is None or f.kind in kinds]
        self.reverse_frames = reverse
        laid = self.frames + [f for f in reverse if f.slug not in {g.slug for g in self.frames}]
        check_drawable(result.graph, len(self.frames))
        check_layout_cost(result.graph)
        chosen = fitted(result, laid, style or Style(), self.backend, caption=caption, wrt=wrt, area=area,
                        tangents=tangents)
        self.style = chosen.style  # look and orientation resolved
        self._scenes = {f.slug: sc for f, sc in zip(laid, chosen.scenes)}
        self.layout = chosen.layout
        self._statements: dict = {}
        self._rendered: dict[tuple[str, str, int | None], RenderedFrame] = {}

    def scene(self, frame: Frame) -> "Scene":
        """What ``frame`` draws, as laid out (its folded second row among it)."""
        return self._scenes[frame.slug]

    def render(self, frame: Frame, format: str = "svg", dpi: int | None = None) -> RenderedFrame:
        """One frame as ``format`` (png at ``dpi``, by default ``DEFAULT_PNG_DPI`` or what fits the pixel budget)."""
        return self.render_all([frame], format, dpi)[0]

    def render_all(self, chosen: Sequence[Frame], format: str = "svg", dpi: int | None = None
                   ) -> list[RenderedFrame]:
        """Several frames as ``format``; SVG frames come from one Graphviz call (``svgframes``). png
        frames are drawn at ``dpi``, by default ``DEFAULT_PNG_DPI`` lowered until the frames fit the
        pixel budget (``budget.png_dpi``)."""
        _check(format, dpi)
        if format == "png":
            dpi = png_dpi(self.layout.size, sum((f.slug, format, dpi) not in self._rendered for f in chosen), dpi)
        missing = [f for f in chosen if (f.slug, format, dpi) not in self._rendered]
        if format == "svg" and missing:
            looks = [self._scenes[f.slug] for f in missing]
            for frame, data in zip(missing, svg_frames(looks, self.layout, self.backend)):
                self._rendered[(frame.slug, format, dpi)] = RenderedFrame(frame, format, data)
        else:
            deadline = time.monotonic() + GRAPHVIZ_SECONDS  # the frames share Graphviz's time limit
            for frame in missing:
                self._render_one(frame, format, dpi, deadline - time.monotonic())
        return [self._rendered[(f.slug, format, dpi)] for f in chosen]

    def _render_one(self, frame: Frame, format: str, dpi: int | None, timeout: float) -> None:
        dot = pinned(self._scenes[frame.slug], self.layout, self._statements)
        if format == "dot":
            data = dot.source.encode("utf-8")
        else:
            data = self.backend.run(dot.source, "nop2", format, dpi, timeout)
        self._rendered[(frame.slug, format, dpi)] = RenderedFrame(frame, format, data)


def render_frames(result: "Backward", *, format: str = "svg", dpi: int | None = None,
                  which: str = "all", renderer: str = "auto", caption: bool = True,
                  style: "Style | None" = None, wrt: str | None = None, area: Area | None = None,
                  tangents: "Tangents | None" = None) -> list[RenderedFrame]:
    """Render the frames of ``result`` (``which``: ``all`` or ``final``) with one shared layout.

    The layout is computed over every frame even when only the final one is rendered, so the
    final frame is the same picture either way — except for graphs over ``RENDER_NODE_LIMIT``
    nodes, too big for every frame, whose final frame is laid out alone (laying out every
    frame would cost time quadratic in the graph). ``wrt`` highlights the paths to one input;
    ``tangents`` renders forward mode's frames instead (on the layout shared with the backward ones).
    """
    _check(format, dpi)  # before the layout, which is the expensive part
    alone = which == "final" and len(result.graph) > RENDER_NODE_LIMIT
    figure = Figure(result, renderer=renderer, caption=caption, style=style, wrt=wrt,
                    kinds=(("gradients", "tangents") if alone else None), area=area, tangents=tangents)
    return figure.render_all(frames(result, which) if tangents is None else tangent_frames(tangents, which),
                             format, dpi)


def _check(format: str, dpi: int | None) -> None:
    if format not in FORMATS:
        raise GradvizError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    if dpi is not None and format != "png":
        raise GradvizError("--dpi applies to png output only")
