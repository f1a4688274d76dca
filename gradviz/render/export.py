"""Frames to bytes and to a folder: the entry point of the CLI's ``render`` and of notebooks.

``render_frames`` returns the frames in memory; ``export`` writes them, ``manifest.json``
(the frames in order: file, kind, node, title, equation) and ``derivation.md`` /
``derivation.tex`` beside them. Everything is rendered before anything is written, and
each file is written to a temporary file in the same folder and then renamed, so a file
is there whole or not at all.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Collection, Sequence

from ..errors import GradvizError
from ..outdir import OutputFolder, write_atomic  # write_atomic: re-exported
from .backends import FORMATS, get_backend
from .frames import RENDER_NODE_LIMIT, Frame, check_drawable, frames

if TYPE_CHECKING:
    from ..backward import BackwardResult
    from ..style import Style

__all__ = ["RenderedFrame", "Export", "Slides", "render_frames", "export", "write_atomic", "DEFAULT_PNG_DPI"]

DEFAULT_PNG_DPI = 150  # sharp on a projector, small enough for slides


@dataclass(frozen=True)
class RenderedFrame:
    """One frame and its bytes in the requested format."""

    frame: Frame
    format: str
    data: bytes

    @property
    def filename(self) -> str:
        return f"{self.frame.slug}.{self.format}"


@dataclass(frozen=True)
class Export:
    """What ``export`` wrote."""

    folder: Path
    files: tuple[Path, ...]  # the frames, in order
    manifest: Path
    derivation: tuple[Path, ...]  # Markdown, LaTeX (none for an exercise's questions)

    @property
    def final(self) -> Path:
        """The final frame (every gradient)."""
        return self.files[-1]


class Slides:
    """The frames of one result laid out once: any frame renders in any format with the same
    node positions (the figure a notebook stepper turns through). Rendered bytes are kept.
    ``kinds`` lays out only the frames of those kinds (``("structure",)``: the bare graph)."""

    def __init__(self, result: "BackwardResult", *, renderer: str = "auto", caption: bool = True,
                 style: "Style | None" = None, wrt: str | None = None, kinds: Collection[str] | None = None):
        from .layout import layout
        from .scene import scenes as make_scenes

        self.backend = get_backend(renderer)
        self.frames = [f for f in frames(result, "all") if kinds is None or f.kind in kinds]
        check_drawable(result.graph, len(self.frames))
        looks = make_scenes(result, self.frames, caption=caption, wrt=wrt)
        looks = [style.apply(sc) for sc in looks] if style is not None else looks
        self._scenes = {f.index: sc for f, sc in zip(self.frames, looks)}
        self.layout = layout(looks, self.backend)
        self._statements: dict = {}
        self._rendered: dict[tuple[int, str, int | None], RenderedFrame] = {}

    def render(self, frame: Frame, format: str = "svg", dpi: int | None = None) -> RenderedFrame:
        """One frame as ``format`` (png at ``dpi``, by default ``DEFAULT_PNG_DPI``)."""
        return self.render_all([frame], format, dpi)[0]

    def render_all(self, chosen: Sequence[Frame], format: str = "svg", dpi: int | None = None
                   ) -> list[RenderedFrame]:
        """Several frames as ``format``; SVG frames come from one Graphviz call (``svgframes``)."""
        from .svgframes import svg_frames

        _check(format, dpi)
        missing = [f for f in chosen if (f.index, format, dpi) not in self._rendered]
        if format == "svg" and missing:
            looks = [self._scenes[f.index] for f in missing]
            for frame, data in zip(missing, svg_frames(looks, self.layout, self.backend)):
                self._rendered[(frame.index, format, dpi)] = RenderedFrame(frame, format, data)
        else:
            for frame in missing:
                self._render_one(frame, format, dpi)
        return [self._rendered[(f.index, format, dpi)] for f in chosen]

    def _render_one(self, frame: Frame, format: str, dpi: int | None) -> None:
        from .layout import pinned

        dot = pinned(self._scenes[frame.index], self.layout, self._statements)
        if format == "dot":
            data = dot.source.encode("utf-8")
        else:
            data = self.backend.run(dot.source, "nop2", format, dpi or (DEFAULT_PNG_DPI if format == "png" else None))
        self._rendered[(frame.index, format, dpi)] = RenderedFrame(frame, format, data)


def render_frames(result: "BackwardResult", *, format: str = "svg", dpi: int | None = None,
                  which: str = "all", renderer: str = "auto", caption: bool = True,
                  style: "Style | None" = None, wrt: str | None = None) -> list[RenderedFrame]:
    """Render the frames of ``result`` (``which``: ``all`` or ``final``) with one shared layout.

    The layout is computed over every frame even when only the final one is rendered, so the
    final frame is the same picture either way — except for graphs over ``RENDER_NODE_LIMIT``
    nodes, too big for every frame, whose final frame is laid out alone (laying out every
    frame would cost time quadratic in the graph). ``wrt`` highlights the paths to one input.
    """
    _check(format, dpi)  # before the layout, which is the expensive part
    alone = which == "final" and len(result.graph) > RENDER_NODE_LIMIT
    slides = Slides(result, renderer=renderer, caption=caption, style=style, wrt=wrt,
                    kinds=("gradients",) if alone else None)
    return slides.render_all(frames(result, which), format, dpi)


def _check(format: str, dpi: int | None) -> None:
    if format not in FORMATS:
        raise GradvizError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    if dpi is not None and format != "png":
        raise GradvizError("--dpi applies to png output only")


def export(result: "BackwardResult", folder: str | os.PathLike, *, format: str = "svg", dpi: int | None = None,
           which: str = "all", renderer: str = "auto", caption: bool = True, wrt: str | None = None,
           derivation: bool = True, force: bool = False) -> Export:
    """Render and write the frames, ``manifest.json`` and (unless ``derivation`` is false, as
    for an exercise's questions) the derivation files into ``folder``. ``wrt`` highlights the
    paths to one input and limits the derivation to its gradient. Files there that gradviz
    did not create are refused unless ``force`` (see ``outdir.OutputFolder``)."""
    from .document import derivation_latex, derivation_markdown

    rendered = render_frames(result, format=format, dpi=dpi, which=which, renderer=renderer, caption=caption,
                             wrt=wrt)
    texts = {"derivation.md": derivation_markdown(result, wrt), "derivation.tex": derivation_latex(result, wrt)}
    texts = texts if derivation else {}
    manifest = {"formula": result.graph.source, "output": result.graph.output, "format": format,
                "values": result.values is not None,
                "frames": [item.frame.manifest_entry(result.graph, item.filename) for item in rendered]}
    files = {item.filename: item.data for item in rendered}
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    files.update((name, text.encode("utf-8")) for name, text in texts.items())
    out = OutputFolder(folder, force=force)
    paths = out.write_all(files)
    count = len(rendered)
    return Export(out.folder, tuple(paths[:count]), paths[count], tuple(paths[count + 1 :]))

