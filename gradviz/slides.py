"""A Beamer deck: one PDF per frame and ``slides.tex``, which steps through them as overlays of
one slide (``\\includegraphics<k>``) with the step's title and equations under the figure,
followed by the lecture's derivation (forward pass, backward pass, gradients), a slide each.
The ``.tex`` is ASCII and compiles with plain ``pdflatex`` (the beamer class, amsmath, graphicx).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from .backward import BackwardResult
    from .render.export import Export
    from .render.frames import Frame

__all__ = ["Deck", "beamer_tex", "write_slides", "SLIDES_TEX"]

SLIDES_TEX = "slides.tex"
_FIGURE = r"[width=\linewidth,height=0.6\textheight,keepaspectratio]"
_SECTIONS = ("Forward pass", "Backward pass", "Gradients")


@dataclass(frozen=True)
class Deck:
    """What ``write_slides`` wrote: the frames (PDF), ``slides.tex`` and the rest of the export."""

    export: "Export"
    tex: Path


def beamer_tex(result: "BackwardResult", frames: Sequence["Frame"], files: Sequence[str],
               wrt: str | None = None, derivation: bool = True) -> str:
    """``slides.tex`` for ``frames`` drawn in ``files`` (PDF names beside the ``.tex``): one
    slide whose overlays are the frames, then (``derivation``) the derivation slides."""
    from .derivation import lecture
    from .notation import written
    from .render.document import align, tex_line, tex_math

    graph = result.graph
    title = tex_math(f"{graph.output} = {written(graph, graph.output_id)}")
    out = [r"\documentclass[aspectratio=169]{beamer}", r"\usepackage{amsmath}", r"\usepackage{graphicx}",
           r"\setbeamertemplate{navigation symbols}{}", r"\begin{document}",
           rf"\begin{{frame}}[t]{{Backpropagation through ${title}$}}", r"\centering"]
    for k, (frame, file) in enumerate(zip(frames, files), start=1):
        out.append(rf"\includegraphics<{k}>{_FIGURE}{{{_tex_path(file)}}}%")
    out.append(r"\par\vspace{0.5em}\raggedright\footnotesize")
    for k, frame in enumerate(frames, start=1):
        lines = [rf"\textbf{{{_text(frame.title)}}}"]
        if frame.kind != "structure":
            lines += [f"${tex_line(line)}$" for line in frame.equation.split("; ") if line]
        out.append(rf"\only<{k}>{{" + r"\\".join(lines) + "}%")
    out.append(r"\end{frame}")
    if derivation:
        text = lecture(result, wrt)
        for name, body in zip(_SECTIONS, (text.forward, text.backward, text.gradients)):
            if body:
                out += [rf"\begin{{frame}}{{{name}}}", r"\small", align(body, per_row=3), r"\end{frame}"]
    out += [r"\end{document}", ""]
    return "\n".join(out)


def write_slides(result: "BackwardResult", folder: str | os.PathLike, *, renderer: str = "auto",
                 wrt: str | None = None, derivation: bool = True, force: bool = False) -> Deck:
    """Render the frames as PDF (without their caption: the slide prints it) into ``folder``
    with ``manifest.json`` and the derivation files, and write ``slides.tex`` beside them."""
    from .outdir import OutputFolder
    from .render.export import export
    from .render.frames import frames

    done = export(result, folder, format="pdf", renderer=renderer, caption=False, wrt=wrt, derivation=derivation,
                  force=force)
    chosen = frames(result, "all")
    tex = beamer_tex(result, chosen, [p.name for p in done.files], wrt, derivation)
    return Deck(done, OutputFolder(folder, force=force).write_all({SLIDES_TEX: tex.encode("ascii")})[0])


def _text(title: str) -> str:
    """A frame title in text mode: plain words as they are, anything else (names, the node's
    equation after ``:``) as math through ``tex_math``."""
    from .render.document import tex_math

    head, colon, equation = title.partition(": ")
    words = [w if w.isascii() and w.isalnum() else f"${tex_math(w)}$" for w in head.split(" ")]
    return " ".join(words) + (f": ${tex_math(equation)}$" if colon else "")


def _tex_path(name: str) -> str:
    """A frame's file name as \\includegraphics takes it (our slugs are ASCII letters, digits, -)."""
    if not all(ch.isascii() and (ch.isalnum() or ch in "-_.") for ch in name):
        raise ValueError(f"unexpected frame file name {name!r}")
    return name
