"""Frames written to a folder: the frames in the asked format, ``manifest.json`` (the frames in
order: file, kind, node, title, equations; the derivation's pictures) and ``derivation.md`` /
``derivation.tex`` beside them, with the derivation as pictures for slides when the frames are
SVG or PNG (``mathimages``). Everything is rendered before anything is written, and every file is written whole or
not at all (``folder.OutputFolder``)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from ..derive.documents import derivation_latex, derivation_markdown, tangent_latex, tangent_markdown
from ..eval.backward import Backward
from ..eval.tangents import Tangents
from ..render.figure import Figure, render_frames
from ..render.fitting import Area
from ..render.frames import frames
from ..render.style import Style
from .folder import OutputFolder
from .mathimages import IMAGE_FORMATS, derivation_images

__all__ = ["Export", "export"]


@dataclass(frozen=True)
class Export:
    """What ``export`` wrote."""

    folder: Path
    files: tuple[Path, ...]  # the frames, in order
    manifest: Path
    derivation: tuple[Path, ...]  # Markdown, LaTeX (none for an exercise's questions)
    images: tuple[Path, ...] = ()  # the derivation as pictures: whole, in pages, each backward step
    data: Mapping[str, bytes] = field(default_factory=dict, repr=False, compare=False)  # each file's bytes by name

    @property
    def final(self) -> Path:
        """The final frame (every gradient)."""
        return self.files[-1]


def export(result: Backward, folder: str | os.PathLike | OutputFolder, *, format: str = "svg", dpi: int | None = None,
           which: str = "all", renderer: str = "auto", caption: bool = True, wrt: str | None = None,
           derivation: bool = True, images: bool | None = None, force: bool = False, style: Style | None = None,
           area: Area | None = None, tangents: Tangents | None = None, figure: Figure | None = None) -> Export:
    """Render and write the frames, ``manifest.json`` and (unless ``derivation`` is false, as
    for an exercise's questions) the derivation files into ``folder``, for SVG and PNG frames
    with the derivation's pictures (``images``; by default for PNG frames only: typesetting
    them takes seconds). ``wrt`` highlights the
    paths to one input and limits the derivation to its gradient; ``style`` and ``area`` say
    how the figures look and where they go. Files there that gradviz did not create are
    refused unless ``force``. With ``tangents`` the frames and the derivation are forward mode's
    from that input (no derivation pictures). ``figure``: the (reverse-mode) frames already laid out (a deck's,
    whose place on the slide depends on its layout), drawn as they are; ``renderer``, ``caption``,
    ``style`` and ``area`` are then the figure's."""
    out = OutputFolder.of(folder, force=force)
    if figure is not None:  # its frames were made with it: making them again costs their captions again
        rendered = figure.render_all(figure.frames if which == "all" else frames(result, which), format, dpi)
    else:
        rendered = render_frames(result, format=format, dpi=dpi, which=which, renderer=renderer, caption=caption,
                                 wrt=wrt, style=style, area=area, tangents=tangents)
    if tangents is not None:
        texts = {"derivation.md": tangent_markdown(tangents), "derivation.tex": tangent_latex(tangents)}
    else:
        texts = {"derivation.md": derivation_markdown(result, wrt), "derivation.tex": derivation_latex(result, wrt)}
    texts = texts if derivation else {}
    pictures = (derivation_images(result, [item.frame for item in rendered], format, wrt)
                if derivation and (format == "png" if images is None else images) and format in IMAGE_FORMATS
                and tangents is None else {})
    mode = {"mode": "reverse"} if tangents is None else {"mode": "forward", "wrt": tangents.wrt}
    manifest = {"formula": result.graph.source, "output": result.graph.output, "format": format, **mode,
                "values": result.values is not None,
                "frames": [item.frame.manifest_entry(result.graph, item.filename) for item in rendered],
                "derivation_images": list(pictures)}
    files = {item.filename: item.data for item in rendered}
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    files.update((name, text.encode("utf-8")) for name, text in texts.items())
    files.update(pictures)
    paths = out.write_all(files)
    count, documents = len(rendered), len(texts)
    return Export(out.folder, tuple(paths[:count]), paths[count], tuple(paths[count + 1:count + 1 + documents]),
                  tuple(paths[count + 1 + documents:]), files)
