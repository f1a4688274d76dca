"""A Beamer deck: one PDF per frame and ``slides.tex``, which steps through them as overlays of
one slide (``\\includegraphics<k>``) with the step's title and equations under the figure,
followed by the lecture's derivation (forward pass, backward pass, gradients), split across
as many slides as it needs. The ``.tex`` is ASCII and compiles with plain ``pdflatex`` (the
beamer class, amsmath, graphicx).

Fitting: the figure is as large as the slide allows — the full width, or the height left by a
one-line title and the tallest equation block under it (TeX measures the blocks, so the figure
keeps one size through the overlays). A step with many equations continues on further overlays
of the same figure; the derivation is split by estimated height into frames "(continued)".
Whatever is still too wide or too tall (a long title, a long row) is scaled down by ``\\gvfit``
rather than running off the slide.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ..derive.documents import PREAMBLE, align_block, align_rows, title_relation
from ..derive.lecture import lecture
from ..eval.backward import Backward
from ..render.fitting import Area
from ..render.frames import Frame, frames
from ..render.style import Style
from ..text.lines import Name, Relation, write
from ..text.targets import LATEX
from .export import Export, export
from .folder import OutputFolder

__all__ = ["SLIDES_TEX", "Deck", "beamer_tex", "derivation_pages", "step_lines", "step_pages", "write_slides"]

SLIDES_TEX = "slides.tex"
_T = TypeVar("_T")
_SECTIONS = ("Forward pass", "Backward pass", "Gradients")
#: \gvfit{width}{height}{material}: the material scaled down (never up) to fit both;
#: \gvmeasure{material}: \gvreserve grows to the material's height; \gvblock: a step's equations.
_MACROS = (
    r"\usepackage{graphicx}", r"\setbeamertemplate{navigation symbols}{}",
    r"\newsavebox\gvbox", r"\newlength\gvreserve",
    r"\newcommand\gvfit[3]{\sbox\gvbox{#3}%",
    r"  \ifdim\wd\gvbox>#1\relax\sbox\gvbox{\resizebox{#1}{!}{\usebox\gvbox}}\fi",
    r"  \ifdim\dimexpr\ht\gvbox+\dp\gvbox\relax>#2\relax\sbox\gvbox{\resizebox*{!}{#2}{\usebox\gvbox}}\fi",
    r"  \usebox\gvbox}",
    r"\newcommand\gvmeasure[1]{\sbox\gvbox{#1}%",
    r"  \ifdim\dimexpr\ht\gvbox+\dp\gvbox\relax>\gvreserve\setlength\gvreserve{\dimexpr\ht\gvbox+\dp\gvbox}\fi}",
    r"\newcommand\gvblock[1]{\parbox[t]{\linewidth}{\raggedright\small #1}}",
    # \gvtitle{long}{short}: the long title, scaled to one line, unless that would take more than a third off
    r"\newcommand\gvtitle[2]{\sbox\gvbox{#1}%",
    r"  \ifdim\wd\gvbox>1.5\textwidth\gvfit{\textwidth}{\maxdimen}{#2}\else\gvfit{\textwidth}{\maxdimen}{#1}\fi}",
)
_TITLE = 38.0  # points: a one-line frame title (measured: 29.6pt), the gaps under it and under the figure
_TEXT = (398.3, 252.0)  # points: the text width and height of a 16:9 beamer slide
_ROW_GAP = r"\\[4pt]"  # between equation lines under the figure: stacked fractions do not touch
_LINE_POINTS = 14.0  # one \small equation line under the figure with its gap (a line with a fraction: 1.5 lines)
_STEP_LINES = (6.0, 12.0)  # equation lines under the figure on one overlay: at least, at most
# The figure area the look is chosen for: the text width, and the height left under the title by
# the step's title and the fewest equation lines an overlay holds (a quarter taller: fractions);
# 7 pt is the smallest figure text that reads beside the slide's 11 pt.
FIGURE_AREA = Area(_TEXT[0], _TEXT[1] - _TITLE - 1.25 * (1 + _STEP_LINES[0]) * _LINE_POINTS, 7.0)
_CHARS_PER_LINE = 90  # symbols on one \small line of the slide, for the estimate
_ROW_SYMBOLS = 56  # symbols on one row of the derivation (display style) before it is wider than the slide
_PAGE_POINTS = 205.0  # estimated height of the derivation rows on one slide
_ROW_POINTS = (14.0, 29.0)  # one row of the derivation without, with a fraction (display style)


@dataclass(frozen=True)
class Deck:
    """What ``write_slides`` wrote: the frames (PDF), ``slides.tex`` and the rest of the export."""

    export: Export
    tex: Path


def _symbols(latex: str) -> int:
    """How many symbols ``latex`` prints, roughly (commands and braces do not count)."""
    return len(re.sub(r"\\[A-Za-z]+|[{}^_ &]", "", latex))


def _units(latex: str) -> float:
    """Estimated height of one inline equation line under the figure, in lines."""
    return (1 + _symbols(latex) // _CHARS_PER_LINE) * (1.5 if r"\frac" in latex else 1.0)


def _pack(items: Sequence[_T], size: Sequence[float], budget: float) -> list[list[_T]]:
    """``items`` in order, in groups whose estimated ``size`` stays within ``budget`` (at least one each)."""
    groups: list[list[_T]] = [[]]
    used = 0.0
    for item, height in zip(items, size):
        if groups[-1] and used + height > budget:
            groups.append([])
            used = 0.0
        groups[-1].append(item)
        used += height
    return groups


def step_lines(aspect: float | None) -> float:
    """Equation lines that fit under a figure of ``aspect`` (height / width) drawn the slide's
    full width: a flat figure leaves room for more, a tall one gets at least the least."""
    if aspect is None:
        return _STEP_LINES[0]
    room = (_TEXT[1] - _TITLE - _TEXT[0] * aspect) / _LINE_POINTS - 1  # less the step's title
    return min(max(room, _STEP_LINES[0]), _STEP_LINES[1])


def step_pages(frame: Frame, lines_per_page: float = _STEP_LINES[0]) -> list[str]:
    """The blocks printed under ``frame``'s figure: its title and equations, continued on further
    overlays when they are more than ``lines_per_page`` lines."""
    title = write(frame.title, LATEX)
    lines = [f"${write(line, LATEX)}$" for line in frame.equations] if frame.kind != "structure" else []
    groups = _pack(lines, [_units(line) for line in lines], lines_per_page) if lines else [[]]
    heads = [rf"\textbf{{{title}}}"] + [rf"\textbf{{{title} (continued)}}"] * (len(groups) - 1)
    return [_ROW_GAP.join([head, *group]) for head, group in zip(heads, groups)]


def _line_rows(line: Relation) -> list[str]:
    """One derivation line's rows: up to three sides of its chain of equalities a row, fewer
    when the rows would be wider than the slide."""
    for per_row in (3, 2):
        rows = align_rows([line], per_row)[0]
        if max(map(_symbols, rows)) <= _ROW_SYMBOLS:
            return rows
    return align_rows([line], 1)[0]


def derivation_pages(body: Sequence[Relation]) -> list[str]:
    """``body`` as ``aligned`` blocks, one per slide, split between lines by estimated height."""
    lines = [_line_rows(line) for line in body]
    heights = [sum(_ROW_POINTS[r"\frac" in row] for row in rows) for rows in lines]
    return [align_block([row for rows in group for row in rows], "aligned")
            for group in _pack(lines, heights, _PAGE_POINTS)]


def beamer_tex(result: Backward, frames: Sequence[Frame], files: Sequence[str],
               wrt: str | None = None, derivation: bool = True, aspect: float | None = None) -> str:
    """``slides.tex`` for ``frames`` drawn in ``files`` (PDF names beside the ``.tex``, their
    height / width ``aspect`` when known): one slide whose overlays are the frames, then
    (``derivation``) the derivation slides."""
    title = write(title_relation(result), LATEX)
    short = write(Name(result.graph.output), LATEX)  # never in names the user did not write
    pages = [step_pages(frame, step_lines(aspect)) for frame in frames]
    height = rf"\dimexpr\textheight-{_TITLE}pt-\gvreserve\relax"
    out = [r"\documentclass[aspectratio=169]{beamer}", *PREAMBLE, *_MACROS, r"\begin{document}",
           rf"\begin{{frame}}[t]{{\gvtitle{{Backpropagation through ${title}$}}{{Backpropagation through ${short}$}}}}",
           r"\setlength\gvreserve{0pt}%"]
    out += [rf"\gvmeasure{{\gvblock{{{block}}}}}%" for blocks in pages for block in blocks]
    out.append(r"\centering")
    first = 1
    for blocks, file in zip(pages, files):
        last = first + len(blocks) - 1
        span = f"{first}-{last}" if last > first else f"{first}"
        out.append(rf"\includegraphics<{span}>[width=\linewidth,height={height},keepaspectratio]"
                   rf"{{{_tex_path(file)}}}%")
        first = last + 1
    out.append(r"\par\nointerlineskip\vspace{6pt}")
    overlay = 0
    for blocks in pages:
        for block in blocks:
            overlay += 1
            out.append(rf"\only<{overlay}>{{\gvblock{{{block}}}}}%")
    out.append(r"\end{frame}")
    if derivation:
        text = lecture(result, wrt)
        for name, body in zip(_SECTIONS, (text.forward, text.backward, text.gradients)):
            for k, block in enumerate(derivation_pages(body) if body else []):
                out += [rf"\begin{{frame}}{{{name}{' (continued)' if k else ''}}}", r"\centering\small",
                        rf"\gvfit{{\linewidth}}{{\dimexpr\textheight-{_TITLE}pt\relax}}{{$\displaystyle", block, "$}",
                        r"\end{frame}"]
    out += [r"\end{document}", ""]
    return "\n".join(out)


def write_slides(result: Backward, folder: str | os.PathLike | OutputFolder, *, renderer: str = "auto",
                 wrt: str | None = None, derivation: bool = True, force: bool = False,
                 style: Style | None = None) -> Deck:
    """Render the frames as PDF (without their caption: the slide prints it) into ``folder``
    with ``manifest.json`` and the derivation files, and write ``slides.tex`` beside them."""
    out = OutputFolder.of(folder, force=force)
    with out.batch():  # slides.tex is checked with the frames, before anything is written
        done = export(result, out, format="pdf", renderer=renderer, caption=False, wrt=wrt, derivation=derivation,
                      style=style, area=FIGURE_AREA)
        chosen = frames(result, "all")
        tex = beamer_tex(result, chosen, [p.name for p in done.files], wrt, derivation,
                         _aspect(done.data[done.files[0].name]))
        return Deck(done, out.write(SLIDES_TEX, tex.encode("ascii")))


def _aspect(pdf: bytes) -> float | None:
    """Height / width of a PDF's first page (its ``/MediaBox``), or None when it cannot be read."""
    box = re.search(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", pdf)
    if box is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in box.groups())
    return (y1 - y0) / (x1 - x0) if x1 > x0 else None


def _tex_path(name: str) -> str:
    """A frame's file name as \\includegraphics takes it (our slugs are ASCII letters, digits, -)."""
    if not all(ch.isascii() and (ch.isalnum() or ch in "-_.") for ch in name):
        raise ValueError(f"unexpected frame file name {name!r}")
    return name
