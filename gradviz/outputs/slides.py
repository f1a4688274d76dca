"""A Beamer deck: one PDF per frame and ``slides.tex``, which steps through them as overlays of
one slide (``\\includegraphics<k>``) with the step's title and equations under the figure,
followed by the lecture's derivation (forward pass, backward pass, gradients), a slide each.
The ``.tex`` is ASCII and compiles with plain ``pdflatex`` (the beamer class, amsmath, graphicx).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..derive.documents import PREAMBLE, align, title_relation
from ..derive.lecture import lecture
from ..eval.backward import Backward
from ..render.frames import Frame, frames
from ..text.lines import write
from ..text.targets import LATEX
from .export import Export, export
from .folder import OutputFolder

__all__ = ["Deck", "beamer_tex", "write_slides", "SLIDES_TEX"]

SLIDES_TEX = "slides.tex"
_FIGURE = r"[width=\linewidth,height=0.6\textheight,keepaspectratio]"
_SECTIONS = ("Forward pass", "Backward pass", "Gradients")


@dataclass(frozen=True)
class Deck:
    """What ``write_slides`` wrote: the frames (PDF), ``slides.tex`` and the rest of the export."""

    export: Export
    tex: Path


def beamer_tex(result: Backward, frames: Sequence[Frame], files: Sequence[str],
               wrt: str | None = None, derivation: bool = True) -> str:
    """``slides.tex`` for ``frames`` drawn in ``files`` (PDF names beside the ``.tex``): one
    slide whose overlays are the frames, then (``derivation``) the derivation slides."""
    title = write(title_relation(result), LATEX)
    out = [r"\documentclass[aspectratio=169]{beamer}", *PREAMBLE, r"\usepackage{graphicx}",
           r"\setbeamertemplate{navigation symbols}{}", r"\begin{document}",
           rf"\begin{{frame}}[t]{{Backpropagation through ${title}$}}", r"\centering"]
    for k, (frame, file) in enumerate(zip(frames, files), start=1):
        out.append(rf"\includegraphics<{k}>{_FIGURE}{{{_tex_path(file)}}}%")
    out.append(r"\par\vspace{0.5em}\raggedright\footnotesize")
    for k, frame in enumerate(frames, start=1):
        lines = [rf"\textbf{{{write(frame.title, LATEX)}}}"]
        if frame.kind != "structure":
            lines += [f"${write(line, LATEX)}$" for line in frame.equations]
        out.append(rf"\only<{k}>{{" + r"\\".join(lines) + "}%")
    out.append(r"\end{frame}")
    if derivation:
        text = lecture(result, wrt)
        for name, body in zip(_SECTIONS, (text.forward, text.backward, text.gradients)):
            if body:
                out += [rf"\begin{{frame}}{{{name}}}", r"\small", align(body, per_row=3), r"\end{frame}"]
    out += [r"\end{document}", ""]
    return "\n".join(out)


def write_slides(result: Backward, folder: str | os.PathLike, *, renderer: str = "auto",
                 wrt: str | None = None, derivation: bool = True, force: bool = False) -> Deck:
    """Render the frames as PDF (without their caption: the slide prints it) into ``folder``
    with ``manifest.json`` and the derivation files, and write ``slides.tex`` beside them."""
    done = export(result, folder, format="pdf", renderer=renderer, caption=False, wrt=wrt, derivation=derivation,
                  force=force)
    chosen = frames(result, "all")
    tex = beamer_tex(result, chosen, [p.name for p in done.files], wrt, derivation)
    return Deck(done, OutputFolder(folder, force=force).write_all({SLIDES_TEX: tex.encode("ascii")})[0])


def _tex_path(name: str) -> str:
    """A frame's file name as \\includegraphics takes it (our slugs are ASCII letters, digits, -)."""
    if not all(ch.isascii() and (ch.isalnum() or ch in "-_.") for ch in name):
        raise ValueError(f"unexpected frame file name {name!r}")
    return name
