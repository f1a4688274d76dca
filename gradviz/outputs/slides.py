"""A Beamer deck: one PDF per frame and ``slides.tex``, which steps through them as overlays of
one slide (``\\includegraphics<k>``) with the step's title and equations under the figure,
followed by the lecture's derivation (forward pass, backward pass, gradients), split across
as many slides as it needs. The ``.tex`` is ASCII and compiles with plain ``pdflatex`` (the
beamer class, amsmath, graphicx).

Fitting: the figure takes the slide's width (to 0.2 cm from its edges) and the height left by the
title and one reserve for the equations under it, the same on every overlay, so no node moves as
the lecturer clicks. The
reserve is the tallest backward step's equations (within ``_STEP_LINES``; TeX measures the
blocks); a longer step continues on further overlays of the same figure, and the forward pass and
the gradients are set in as many columns as fit, split into overlays of that height. The figure's
look and orientation are chosen for the area that is left (``figure_area``), its text drawn
``_FIGURE_TEXT`` times the style's size against the same gaps (a denser drawing, larger text).
The derivation is split by estimated height into frames "(continued)". Whatever is still too wide
or too tall (a long title, a long row) is scaled down by ``\\gvfit`` rather than running off the slide.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from ..derive.documents import PREAMBLE, align_block, align_rows, title_relation
from ..derive.lecture import lecture
from ..eval.backward import Backward
from ..render.fitting import Area, readable_px
from ..render.frames import Frame, frames
from ..render.style import Style
from ..text.lines import Name, Relation, write
from ..text.targets import LATEX
from .export import Export, export
from .folder import OutputFolder

__all__ = ["SLIDES_TEX", "Deck", "beamer_tex", "derivation_pages", "figure_area", "step_lines", "step_pages",
           "write_slides"]

SLIDES_TEX = "slides.tex"
_T = TypeVar("_T")
_SECTIONS = ("Forward pass", "Backward pass", "Gradients")
#: \gvfit{width}{height}{material}: the material scaled down (never up) to fit both;
#: \gvmeasure{material}: \gvreserve grows to the material's height; \gvblock: a step's equations.
_MACROS = (
    r"\usepackage{graphicx}", r"\setbeamertemplate{navigation symbols}{}",
    r"\setbeamersize{text margin left=0.4cm,text margin right=0.4cm}",
    r"\newsavebox\gvbox", r"\newlength\gvreserve", r"\newlength\gvline",
    r"\newcommand\gvfit[3]{\sbox\gvbox{#3}%",
    r"  \ifdim\wd\gvbox>#1\relax\sbox\gvbox{\resizebox{#1}{!}{\usebox\gvbox}}\fi",
    r"  \ifdim\dimexpr\ht\gvbox+\dp\gvbox\relax>#2\relax\sbox\gvbox{\resizebox*{!}{#2}{\usebox\gvbox}}\fi",
    r"  \usebox\gvbox}",
    r"\newcommand\gvmeasure[1]{\sbox\gvbox{#1}%",
    r"  \ifdim\dimexpr\ht\gvbox+\dp\gvbox\relax>\gvreserve\setlength\gvreserve{\dimexpr\ht\gvbox+\dp\gvbox}\fi}",
    r"\newcommand\gvblock[1]{\parbox[t]{\linewidth}{\raggedright\footnotesize #1}}",
    # \gvtaller{title}: \gvreserve grows by what the frame title is taller than one line of its font
    r"\newcommand\gvtaller[1]{\sbox\gvbox{\usebeamerfont{frametitle}\strut}\setlength\gvline{\dimexpr\ht\gvbox+\dp\gvbox}%",
    r"  \sbox\gvbox{\usebeamerfont{frametitle}#1}%",
    r"  \ifdim\dimexpr\ht\gvbox+\dp\gvbox\relax>\gvline\addtolength\gvreserve{\dimexpr\ht\gvbox+\dp\gvbox-\gvline}\fi}",
    # \gvtitle{long}{short}: the long title, scaled to one line, unless that would take more than a third off
    r"\newcommand\gvtitle[2]{\sbox\gvbox{#1}%",
    r"  \ifdim\wd\gvbox>1.5\textwidth\gvfit{\textwidth}{\maxdimen}{#2}\else\gvfit{\textwidth}{\maxdimen}{#1}\fi}",
)
_TITLE = 38.0  # points: a one-line frame title (measured: 29.6pt), the gaps under it and under the figure
_PAGE_HEIGHT = 256.07  # points: the height of a 16:9 beamer slide
_TEXT_HEIGHT = 252.0  # points: the text height of a 16:9 beamer slide
_FIGURE_WIDTH = r"\dimexpr\paperwidth-0.4cm\relax"  # the figure's: 0.2 cm from either edge of the slide
_FIGURE_POINTS = 443.9  # the same in points
_ROW_GAP = r"\\[4pt]"  # between equation rows under the figure: stacked fractions do not touch
_BLOCK_POINTS = (12.0, 20.0)  # under the figure, \footnotesize: the block's bold title, one equation row (fractions) with its gap
_STEP_LINES = (1, 2)  # equation rows under the figure on one overlay: at least, at most (a wrapped line counts each line)
_MAX_FONT = 72.0  # points: the largest font size a style takes
_FIGURE_TEXT = 3.0  # the figure's text against the style's size: the gaps stay, the drawing gets denser
_CHARS_PER_LINE = 105  # symbols on one \footnotesize line of the slide, for the estimate
_READABLE_MARGIN = 1.2  # the layout search aims this much above the threshold: the reserve is estimated
_COLUMN_GAP = 6  # symbols between two columns of a list under the figure
_MAX_COLUMNS = 4
_ROW_SYMBOLS = 56  # symbols on one row of the derivation (display style) before it is wider than the slide
_PAGE_POINTS = 205.0  # estimated height of the derivation rows on one slide
_ROW_POINTS = (14.0, 29.0)  # one row of the derivation without, with a fraction (display style)


@dataclass(frozen=True)
class Deck:
    """What ``write_slides`` wrote: the frames (PDF), ``slides.tex`` and the rest of the export;
    ``overlays``: the frame file each overlay of the first slide shows (page k of the PDF is overlay k)."""

    export: Export
    tex: Path
    overlays: tuple[str, ...] = ()


def _symbols(latex: str) -> int:
    """How many symbols ``latex`` prints, roughly (commands and braces do not count)."""
    return len(re.sub(r"\\[A-Za-z]+|[{}^_ &]", "", latex))


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


def _equations(frame: Frame) -> list[str]:
    """The frame's equations as inline math (none for the bare graph); one whose fraction is wider
    than the slide (TeX cannot break inside it) scaled to the width on one line."""
    lines = [write(line, LATEX) for line in frame.equations] if frame.kind != "structure" else []
    return [rf"\gvfit{{\linewidth}}{{\maxdimen}}{{${line}$}}" if _widest_fraction(line) > _CHARS_PER_LINE
            else f"${line}$" for line in lines]


def _widest_fraction(latex: str) -> int:
    """The widest numerator or denominator of the fractions in ``latex``, in symbols (``_width``)."""
    widest = 0
    for start in (m.end() for m in re.finditer(r"\\frac(?=\{)", latex)):
        for _ in range(2):  # the numerator, then the denominator: balanced braces
            depth, end = 0, start
            for end, ch in enumerate(latex[start:], start):
                depth += {"{": 1, "}": -1}.get(ch, 0)
                if depth == 0:
                    break
            widest = max(widest, _width(latex[start + 1:end]))
            start = end + 1
    return widest


def _width(latex: str) -> int:
    """How many symbols wide ``latex`` prints inline, roughly: a command that prints a symbol
    (``\\partial``, ``\\gamma``, ``\\cdots``) counts one, a fraction both its parts."""
    return _symbols(re.sub(r"\\(?!left\b|right\b|frac\b|text\b)[A-Za-z]+", "x", latex))


def _columns(frame: Frame, lines: Sequence[str]) -> int:
    """How many columns the frame's ``lines`` take under the figure: a list (the forward pass, the
    gradients) as many as fit side by side (estimated by symbols), a backward step's chain-rule
    lines one."""
    if frame.kind == "backward":
        return 1
    widest = max(map(_width, lines), default=0)
    return max(1, min(_MAX_COLUMNS, (_CHARS_PER_LINE + _COLUMN_GAP) // (widest + _COLUMN_GAP)))


def _rows(lines: Sequence[str], columns: int) -> tuple[list[str], list[float]]:
    """``lines`` set in ``columns`` columns: the rows (a ``tabular`` row, or one line wrapped to the
    width) and how many slide lines each takes (a wrapped line several)."""
    if columns == 1:
        return list(lines), [1.0 + _width(line) // _CHARS_PER_LINE for line in lines]
    groups = [lines[k:k + columns] for k in range(0, len(lines), columns)]
    return [" & ".join(group) for group in groups], [1.0] * len(groups)


def step_lines(chosen: Sequence[Frame]) -> int:
    """Equation rows under the figure on one overlay: the tallest backward step's, within ``_STEP_LINES``
    (a longer step continues on the next overlay; the lists of the other frames are split to match)."""
    tallest = max((sum(_rows(_equations(f), 1)[1]) for f in chosen if f.kind == "backward"), default=0)
    return int(min(max(tallest, _STEP_LINES[0]), _STEP_LINES[1]))


def step_pages(frame: Frame, lines_per_page: float = _STEP_LINES[1]) -> list[str]:
    """The blocks printed under ``frame``'s figure: its title and equations (a list in columns when
    they are short), continued on further overlays when they are more than ``lines_per_page`` rows."""
    title = write(frame.title, LATEX)
    lines = _equations(frame)
    columns = _columns(frame, lines)
    rows, heights = _rows(lines, columns)
    groups = _pack(rows, heights, lines_per_page) if rows else [[]]
    heads = [rf"\textbf{{{title}}}"] + [rf"\textbf{{{title} (continued)}}"] * (len(groups) - 1)
    if columns > 1:
        spec = "@{}" + r"l@{\hspace{2em}}" * (columns - 1) + "l@{}"
        groups = [[rf"\gvfit{{\linewidth}}{{\maxdimen}}{{\begin{{tabular}}[t]{{{spec}}}" + _ROW_GAP.join(group)
                   + r"\end{tabular}}"] if group else [] for group in groups]
    return [_ROW_GAP.join([head, *group]) for head, group in zip(heads, groups)]


def figure_area(result: Backward, chosen: Sequence[Frame]) -> Area:
    """Where the figure goes on the slide, in points: the slide's width less 0.2 cm a side, and the height left under the
    title by the reserve for ``step_lines`` rows of equations and their title; the text that reads
    there is the projector's threshold (``readable_px`` on a 1080-pixel-high slide) and a margin
    for the estimate."""
    height = _TEXT_HEIGHT - _TITLE - _BLOCK_POINTS[0] - step_lines(chosen) * _BLOCK_POINTS[1]
    operations = sum(1 for n in result.graph.nodes.values() if n.kind == "op")
    return Area(_FIGURE_POINTS, height, _READABLE_MARGIN * readable_px(operations) * _PAGE_HEIGHT / 1080)


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
               wrt: str | None = None, derivation: bool = True) -> str:
    """``slides.tex`` for ``frames`` drawn in ``files`` (PDF names beside the ``.tex``): one slide
    whose overlays are the frames, then (``derivation``) the derivation slides."""
    return "\n".join(_tex(result, frames, files, wrt, derivation)[0])


def _tex(result: Backward, frames: Sequence[Frame], files: Sequence[str], wrt: str | None,
         derivation: bool) -> tuple[list[str], tuple[str, ...]]:
    """The lines of ``slides.tex`` and the file each overlay of the first slide shows."""
    title = write(title_relation(result), LATEX)
    short = write(Name(result.graph.output), LATEX)  # never in names the user did not write
    rows = step_lines(frames)
    pages = [step_pages(frame, rows) for frame in frames]
    height = rf"\dimexpr\textheight-{_TITLE}pt-\gvreserve\relax"
    heading = rf"\gvtitle{{Backpropagation through ${title}$}}{{Backpropagation through ${short}$}}"
    out = [r"\documentclass[aspectratio=169]{beamer}", *PREAMBLE, *_MACROS, r"\begin{document}",
           rf"\begin{{frame}}[t]{{{heading}}}", r"\setlength\gvreserve{0pt}%"]
    out += [rf"\gvmeasure{{\gvblock{{{block}}}}}%" for blocks in pages for block in blocks]
    out.append(rf"\gvtaller{{{heading}}}%")
    out.append(r"\centering\makebox[\linewidth]{%")  # the figure reaches into the side margins
    first = 1
    for blocks, file in zip(pages, files):
        last = first + len(blocks) - 1
        span = f"{first}-{last}" if last > first else f"{first}"
        out.append(rf"\includegraphics<{span}>[width={_FIGURE_WIDTH},height={height},keepaspectratio]"
                   rf"{{{_tex_path(file)}}}%")
        first = last + 1
    out.append(r"}\par\nointerlineskip\vspace{6pt}")
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
    return out, tuple(file for blocks, file in zip(pages, files) for _ in blocks)


def write_slides(result: Backward, folder: str | os.PathLike | OutputFolder, *, renderer: str = "auto",
                 wrt: str | None = None, derivation: bool = True, force: bool = False,
                 style: Style | None = None) -> Deck:
    """Render the frames as PDF (without their caption: the slide prints it) into ``folder``
    with ``manifest.json`` and the derivation files, and write ``slides.tex`` beside them."""
    out = OutputFolder.of(folder, force=force)
    chosen = frames(result, "all")
    style = style or Style()
    drawn = replace(style, font_size=min(style.font_size * _FIGURE_TEXT, _MAX_FONT))
    with out.batch():  # slides.tex is checked with the frames, before anything is written
        done = export(result, out, format="pdf", renderer=renderer, caption=False, wrt=wrt, derivation=derivation,
                      style=drawn, area=figure_area(result, chosen))
        lines, overlays = _tex(result, chosen, [p.name for p in done.files], wrt, derivation)
        return Deck(done, out.write(SLIDES_TEX, "\n".join(lines).encode("ascii")), overlays)


def _tex_path(name: str) -> str:
    """A frame's file name as \\includegraphics takes it (our slugs are ASCII letters, digits, -)."""
    if not all(ch.isascii() and (ch.isalnum() or ch in "-_.") for ch in name):
        raise ValueError(f"unexpected frame file name {name!r}")
    return name
