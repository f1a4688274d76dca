"""A Beamer deck: one PDF per frame and ``slides.tex``, which steps through them as overlays of
one slide (``\\includegraphics<k>``) with the step's title and equations under the figure,
followed by the lecture's derivation (forward pass, backward pass, gradients), split across
as many slides as it needs. The ``.tex`` is ASCII and compiles with plain ``pdflatex`` (the
beamer class, amsmath, graphicx).

Fitting: the figure's look and orientation are chosen for the area the slide leaves under the title
and the least room the equations need (``figure_area``: the tallest backward step's rows, within
``_STEP_LINES``, at the smallest size), its text drawn ``_FIGURE_TEXT`` times the style's size against
the same gaps (a denser drawing, larger text). It takes the slide's width (to 0.2 cm from its edges)
or that area's height, the same on every overlay, so no node moves as the lecturer clicks. TeX
measures the tallest block of equations (``\\gvmeasure``) and, when it is shorter than the estimate,
gives the figure the difference: the figure fills what the equations leave. A strip
across the width that leaves more than ``fitting.STRIP`` of that height unused is laid out again for
``fitting.LARGER`` times its text (``fitting.filled``), taken when it gets there crossing no more edges. Whatever
height the figure leaves goes to the equations (``equations_setting``): the largest size, with as many
rows an overlay as fit at it, that takes no more overlays than the least room (larger text, never more
clicks), so a wide figure's slide is not left half empty; rows are estimated by what they print (a
fraction's scripts make a row taller). A longer step continues on further overlays of the same figure;
the forward pass and the gradients are set in as many columns as fit, split into overlays of that
height. A figure that cannot reach the projector's threshold in the room the equations leave, and reaches larger
text alone (``beamer_figure``), takes the whole frame under the title, and each step's equations follow it on
overlays of their own, set in that whole room. The derivation is split by estimated height into frames
"(continued)". Whatever is still too
wide or too tall (a long title, a long row, an estimate that was short) is scaled down by ``\\gvfit``
rather than running off the slide or moving the figure.
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
from ..render.figure import Figure
from ..render.fitting import Area, filled, readable_px, text_px
from ..render.frames import Frame, frames
from ..render.style import Style
from ..text.lines import Name, Relation, write
from ..text.targets import LATEX
from .export import Export, export
from .folder import OutputFolder

__all__ = ["SLIDES_TEX", "Deck", "Setting", "beamer_figure", "beamer_tex", "deck_style",
           "derivation_pages",
           "equations_setting", "figure_area", "step_lines", "step_pages", "write_slides"]

SLIDES_TEX = "slides.tex"
_T = TypeVar("_T")
_SECTIONS = ("Forward pass", "Backward pass", "Gradients")
#: \gvfit{width}{height}{material}: the material scaled down (never up) to fit both; \gvblock: a step's
#: equations at \gvsize (the deck's size for them), fitted into the \gvroom the figure leaves under it.
_MACROS = (
    r"\usepackage{graphicx}", r"\setbeamertemplate{navigation symbols}{}",
    r"\setbeamersize{text margin left=0.4cm,text margin right=0.4cm}",
    r"\newsavebox\gvbox", r"\newlength\gvreserve", r"\newlength\gvline", r"\newlength\gvroom",
    r"\newcommand\gvfit[3]{\sbox\gvbox{#3}%",
    r"  \ifdim\wd\gvbox>#1\relax\sbox\gvbox{\resizebox{#1}{!}{\usebox\gvbox}}\fi",
    r"  \ifdim\dimexpr\ht\gvbox+\dp\gvbox\relax>#2\relax\sbox\gvbox{\resizebox*{!}{#2}{\usebox\gvbox}}\fi",
    r"  \usebox\gvbox}",
    r"\newlength\gvleast", r"\newlength\gvtallest",
    # \gvmeasure{block}: \gvtallest grows to the block's height as \gvblock sets it (before any scaling)
    r"\newcommand\gvmeasure[1]{\sbox\gvbox{\parbox[t]{\linewidth}{\raggedright\gvsize #1}}%",
    r"  \ifdim\dimexpr\ht\gvbox+\dp\gvbox\relax>\gvtallest\setlength\gvtallest{\dimexpr\ht\gvbox+\dp\gvbox}\fi}",
    r"\newcommand\gvsize{\footnotesize}",
    r"\newcommand\gvblock[1]{\gvfit{\linewidth}{\gvroom}{\parbox[t]{\linewidth}{\raggedright\gvsize #1}}}",
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
_TALL_TITLE = 8.0  # points a frame title with a fraction is taller than one line (measured: 7.9pt)
_ROW_GAP = r"\\[4pt]"  # between equation rows under the figure: stacked fractions do not touch
# the equations' sizes under the figure (beamer's at 11 pt), largest first
_SIZES = ((r"\Large", 14.4), (r"\large", 12.0), (r"\normalsize", 11.0), (r"\small", 10.0), (r"\footnotesize", 9.0))
_TITLE_EMS = 1.1  # a block under the figure: its bold title, in ems (measured: 0.99)
_GAP_POINTS = 4.0  # points between its rows (``_ROW_GAP``)
# one equation row under the figure in ems: without a fraction, with one, with a sub- or superscript in a
# fraction's part, with both in one, with a fraction in one (measured at 9-10 pt: 1.15, 1.31, 1.71, 1.99, about 2.5)
_ROW_EMS = (1.2, 1.4, 1.7, 2.0, 2.6)
_STEP_LINES = (1, 2)  # rows of the tallest step the least room under the figure holds: at least, at most (a wrapped
# line counts each line)
_MAX_FONT = 72.0  # points: the largest font size a style takes
_FIGURE_TEXT = 3.0  # the figure's text against the style's size: the gaps stay, the drawing gets denser
_CHARS_PER_LINE = 105  # symbols on one \footnotesize (9 pt) line of the slide, for the estimate
_READABLE_MARGIN = 1.2  # the layout search aims this much above the threshold: the reserve is estimated
_COLUMN_GAP = 6  # symbols between two columns of a list under the figure
_MAX_COLUMNS = 4
_ROW_SYMBOLS = 56  # symbols on one row of the derivation (display style) before it is wider than the slide
_PAGE_POINTS = 205.0  # estimated height of the derivation rows on one slide
_ROW_POINTS = (14.0, 29.0)  # one row of the derivation without, with a fraction (display style)


@dataclass(frozen=True)
class Setting:
    """How a deck sets the equations under its figure: at ``size`` points (the LaTeX ``command``),
    ``rows`` rows an overlay at most, each estimated ``row_ems`` high."""

    command: str = r"\footnotesize"
    size: float = 9.0
    rows: int = _STEP_LINES[1]
    row_ems: float = _ROW_EMS[1]  # the tallest row of the deck's equations (``_row_ems``)

    @property
    def chars(self) -> int:
        """Symbols on one line of the slide at this size, for the estimate."""
        return int(_CHARS_PER_LINE * 9.0 / self.size)


@dataclass(frozen=True)
class Deck:
    """What ``write_slides`` wrote: the frames (PDF), ``slides.tex`` and the rest of the export;
    ``overlays``: the frame file each overlay of the first slide shows (page k of the PDF is overlay k);
    ``setting``: how the equations are set under the figure; ``apart``: the equations on overlays of their own after
    each figure ("" in ``overlays``), the figure taking the whole frame (``beamer_figure``)."""

    export: Export
    tex: Path
    overlays: tuple[str, ...] = ()
    setting: Setting = Setting()
    apart: bool = False


def deck_style(style: Style | None = None) -> Style:
    """The style a deck draws its figure in: ``style``'s text ``_FIGURE_TEXT`` times larger against the same gaps
    (a denser drawing whose text is larger at the same size on the slide)."""
    style = style or Style()
    return replace(style, font_size=min(style.font_size * _FIGURE_TEXT, _MAX_FONT))


def _block_points(setting: Setting, rows: float) -> float:
    """The estimated height of a block under the figure: its title and ``rows`` rows at ``setting``'s size."""
    return (_TITLE_EMS + rows * setting.row_ems) * setting.size + rows * _GAP_POINTS


def _rows_within(setting: Setting, room: float) -> int:
    """How many rows at ``setting``'s size a block under the figure holds in ``room`` points (``_block_points``)."""
    return int((room - _TITLE_EMS * setting.size) // (setting.row_ems * setting.size + _GAP_POINTS))


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


def _equations(frame: Frame, setting: Setting) -> list[str]:
    """The frame's equations as inline math (none for the bare graph); one whose fraction is wider
    than the slide (TeX cannot break inside it) scaled to the width on one line."""
    lines = [write(line, LATEX) for line in frame.equations] if frame.kind != "structure" else []
    return [rf"\gvfit{{\linewidth}}{{\maxdimen}}{{${line}$}}" if _widest_fraction(line) > setting.chars
            else f"${line}$" for line in lines]


def _fraction_parts(latex: str) -> list[str]:
    """The numerators and denominators of the fractions in ``latex`` (balanced braces)."""
    parts = []
    for start in (m.end() for m in re.finditer(r"\\frac(?=\{)", latex)):
        for _ in range(2):  # the numerator, then the denominator
            depth, end = 0, start
            for end, ch in enumerate(latex[start:], start):
                depth += {"{": 1, "}": -1}.get(ch, 0)
                if depth == 0:
                    break
            parts.append(latex[start + 1:end])
            start = end + 1
    return parts


def _widest_fraction(latex: str) -> int:
    """The widest numerator or denominator of the fractions in ``latex``, in symbols (``_width``)."""
    return max(map(_width, _fraction_parts(latex)), default=0)


def _row_ems(latex: str) -> float:
    """How high a row of ``latex`` prints inline, in ems (``_ROW_EMS``): a fraction's scripts make it taller."""
    parts = _fraction_parts(latex)
    tallest = max((3 if r"\frac" in part else ("^" in part) + ("_" in part) for part in parts), default=0)
    return _ROW_EMS[1 + tallest] if parts else _ROW_EMS[0]


def _deck_row_ems(chosen: Sequence[Frame]) -> float:
    """The tallest row among the equations of ``chosen`` under the figure, in ems (``_row_ems``)."""
    return max((_row_ems(write(line, LATEX)) for f in chosen if f.kind != "structure" for line in f.equations),
               default=_ROW_EMS[0])


def _width(latex: str) -> int:
    """How many symbols wide ``latex`` prints inline, roughly: a command that prints a symbol
    (``\\partial``, ``\\gamma``, ``\\cdots``) counts one, a fraction both its parts."""
    return _symbols(re.sub(r"\\(?!left\b|right\b|frac\b|text\b)[A-Za-z]+", "x", latex))


def _columns(frame: Frame, lines: Sequence[str], setting: Setting) -> int:
    """How many columns the frame's ``lines`` take under the figure: a list (the forward pass, the
    gradients) as many as fit side by side (estimated by symbols), a backward step's chain-rule
    lines one."""
    if frame.kind == "backward":
        return 1
    widest = max(map(_width, lines), default=0)
    return max(1, min(_MAX_COLUMNS, (setting.chars + _COLUMN_GAP) // (widest + _COLUMN_GAP)))


def _rows(lines: Sequence[str], columns: int, setting: Setting) -> tuple[list[str], list[float]]:
    """``lines`` set in ``columns`` columns: the rows (a ``tabular`` row, or one line wrapped to the
    width) and how many slide lines each takes (a wrapped line several)."""
    if columns == 1:
        return list(lines), [1.0 + _width(line) // setting.chars for line in lines]
    groups = [lines[k:k + columns] for k in range(0, len(lines), columns)]
    return [" & ".join(group) for group in groups], [1.0] * len(groups)


def _tallest_step(chosen: Sequence[Frame], setting: Setting) -> float:
    """The rows of the tallest backward step's equations at ``setting``'s size (a wrapped line counts each line)."""
    return max((sum(_rows(_equations(f, setting), 1, setting)[1]) for f in chosen if f.kind == "backward"), default=0)


def step_lines(chosen: Sequence[Frame]) -> int:
    """Equation rows the least room under the figure holds: the tallest backward step's at the smallest
    size, within ``_STEP_LINES`` (a longer step continues on the next overlay)."""
    return int(min(max(_tallest_step(chosen, Setting()), _STEP_LINES[0]), _STEP_LINES[1]))


def _least(chosen: Sequence[Frame]) -> Setting:
    """The equations in the least room: ``step_lines`` rows at the smallest size, rows as tall as the deck's tallest."""
    return Setting(rows=step_lines(chosen), row_ems=_deck_row_ems(chosen))


def equations_setting(chosen: Sequence[Frame], room: float) -> Setting:
    """How the equations are set in ``room`` points under the figure: the largest of ``_SIZES`` whose overlays,
    with as many rows as fit, are no more than the least room takes (``step_lines`` rows at the smallest size):
    larger text, never more clicks; that least setting when nothing larger fits (``\\gvfit`` then scales)."""
    least = _least(chosen)
    settings = [replace(least, command=command, size=size) for command, size in _SIZES]
    settings = [replace(s, rows=_rows_within(s, room)) for s in settings]
    clicks = sum(len(step_pages(frame, least)) for frame in chosen)
    return next((s for s in settings if s.rows >= least.rows
                 and sum(len(step_pages(frame, s)) for frame in chosen) <= clicks), least)


def step_pages(frame: Frame, setting: Setting = Setting()) -> list[str]:
    """The blocks printed under ``frame``'s figure: its title and equations at ``setting``'s size (a list in
    columns when they are short), continued on further overlays when they are more than ``setting.rows`` rows."""
    title = write(frame.title, LATEX)
    lines = _equations(frame, setting)
    columns = _columns(frame, lines, setting)
    rows, heights = _rows(lines, columns, setting)
    groups = _pack(rows, heights, setting.rows) if rows else [[]]
    heads = [rf"\textbf{{{title}}}"] + [rf"\textbf{{{title} (continued)}}"] * (len(groups) - 1)
    if columns > 1:
        spec = "@{}" + r"l@{\hspace{2em}}" * (columns - 1) + "l@{}"
        groups = [[rf"\gvfit{{\linewidth}}{{\maxdimen}}{{\begin{{tabular}}[t]{{{spec}}}" + _ROW_GAP.join(group)
                   + r"\end{tabular}}"] if group else [] for group in groups]
    return [_ROW_GAP.join([head, *group]) for head, group in zip(heads, groups)]


def _least_reserve(chosen: Sequence[Frame]) -> float:
    """The points the figure leaves under it at least: the tallest step's ``step_lines`` at the smallest size."""
    return _block_points(_least(chosen), step_lines(chosen))


def figure_area(result: Backward, chosen: Sequence[Frame], apart: bool = False) -> Area:
    """Where the figure goes on the slide, in points: the slide's width less 0.2 cm a side, and the height left under the
    title by the least room for the equations (``step_lines`` rows and their title at the smallest size; none when the
    equations are ``apart``, on overlays of their own); the text that reads there is the projector's threshold
    (``readable_px`` on a 1080-pixel-high slide) and a margin for the estimate."""
    height = _TEXT_HEIGHT - _TITLE - (0.0 if apart else _least_reserve(chosen))
    operations = sum(1 for n in result.graph.nodes.values() if n.kind == "op")
    return Area(_FIGURE_POINTS, height, _READABLE_MARGIN * readable_px(operations) * _PAGE_HEIGHT / 1080)


def beamer_figure(result: Backward, chosen: Sequence[Frame], *, renderer: str = "auto", wrt: str | None = None,
                  style: Style | None = None) -> tuple[Figure, bool]:
    """The deck's figure and whether the equations go apart. Laid out for ``figure_area`` and ``fitting.filled`` (a
    strip across the slide laid out again for larger text when that fills the frame without more crossings; the room
    it takes from the equations is room a short step leaves empty); when that cannot reach the projector's
    threshold, laid out for the whole frame under the title, the equations on overlays of their own after each
    figure, if that gives larger text."""
    area = figure_area(result, chosen)

    def laid(where: Area) -> Figure:
        return Figure(result, renderer=renderer, caption=False, style=deck_style(style), wrt=wrt, area=where)

    under = laid(area)
    text = text_px(under.layout, under.style, area)
    if text < area.readable / _READABLE_MARGIN:
        whole = figure_area(result, chosen, apart=True)
        alone = laid(whole)
        if text_px(alone.layout, alone.style, whole) > text:
            return filled(alone, whole, laid, result.graph), True
    return filled(under, area, laid, result.graph), False


def _room(chosen: Sequence[Frame], title: str, size: tuple[float, float] | None, apart: bool = False) -> float:
    """The points the figure (a layout of ``size``, fitted as TeX fits it) leaves under it for the equations, below a
    frame ``title`` (taller with a fraction); the least room when the size is not known; all of the frame under the
    title when the equations are ``apart``."""
    taller = _TALL_TITLE if r"\frac" in title else 0.0
    if apart:
        return _TEXT_HEIGHT - _TITLE - taller
    area = _TEXT_HEIGHT - _TITLE - taller - _least_reserve(chosen)
    height = min(area, _FIGURE_POINTS * size[1] / size[0]) if size and size[0] else area
    return _TEXT_HEIGHT - _TITLE - taller - height


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
               wrt: str | None = None, derivation: bool = True, size: tuple[float, float] | None = None,
               apart: bool = False) -> str:
    """``slides.tex`` for ``frames`` drawn in ``files`` (PDF names beside the ``.tex``, pictures of ``size``): one
    slide whose overlays are the frames (``apart``: each followed by its equations on overlays of their own), then
    (``derivation``) the derivation slides."""
    return "\n".join(_tex(result, frames, files, wrt, derivation, size, apart)[0])


def _tex(result: Backward, frames: Sequence[Frame], files: Sequence[str], wrt: str | None, derivation: bool,
         size: tuple[float, float] | None, apart: bool = False) -> tuple[list[str], tuple[str, ...], Setting]:
    """The lines of ``slides.tex``, the file each overlay of the first slide shows ("" for an overlay of equations
    apart) and how the equations are set."""
    title = write(title_relation(result), LATEX)
    short = write(Name(result.graph.output), LATEX)  # never in names the user did not write
    setting = equations_setting(frames, _room(frames, title, size, apart))
    pages = [[] if apart and not _equations(frame, setting) else step_pages(frame, setting) for frame in frames]
    least, figure = ("", "") if apart else (r"-\gvleast", r"-\ht\gvbox-\dp\gvbox")  # apart: the figure is alone
    graphic = (rf"[width={_FIGURE_WIDTH},height=\dimexpr\textheight-{_TITLE}pt-\gvreserve{least}\relax,"
               r"keepaspectratio]")
    heading = rf"\gvtitle{{Backpropagation through ${title}$}}{{Backpropagation through ${short}$}}"
    # the least room for the equations: as estimated, or as tall as TeX sets the tallest block when that is less (the
    # figure grows into what the estimate left over; a figure as wide as the slide stays as it is)
    measured = [rf"\gvmeasure{{{block}}}%" for blocks in pages for block in blocks]
    out = [r"\documentclass[aspectratio=169]{beamer}", *PREAMBLE, *_MACROS, r"\begin{document}",
           rf"\begin{{frame}}[t]{{{heading}}}", rf"\renewcommand\gvsize{{{setting.command}}}%",
           r"\setlength\gvreserve{0pt}%", rf"\gvtaller{{{heading}}}%",
           rf"\setlength\gvleast{{{_least_reserve(frames):.1f}pt}}%", r"\setlength\gvtallest{0pt}%", *measured,
           r"\ifdim\gvtallest>0pt\ifdim\gvtallest<\gvleast\setlength\gvleast{\gvtallest}\fi\fi%",
           # the room the figure leaves: the equations are fitted into it, so they never move the figure
           rf"\sbox\gvbox{{\includegraphics{graphic}{{{_tex_path(files[0])}}}}}%",
           rf"\setlength\gvroom{{\dimexpr\textheight-{_TITLE}pt-\gvreserve{figure}\relax}}%",
           r"\centering\makebox[\linewidth]{%"]  # the figure reaches into the side margins
    first = 1
    for blocks, file in zip(pages, files):  # apart: the figure alone, then its equations
        last = first if apart else first + len(blocks) - 1
        span = f"{first}-{last}" if last > first else f"{first}"
        out.append(rf"\includegraphics<{span}>{graphic}{{{_tex_path(file)}}}%")
        first = last + 1 + (len(blocks) if apart else 0)
    out.append(r"}\par\nointerlineskip\vspace{6pt}")
    overlay = 0
    for blocks in pages:
        overlay += apart
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
    if apart:
        return out, tuple(shown for blocks, file in zip(pages, files) for shown in (file, *[""] * len(blocks))), setting
    return out, tuple(file for blocks, file in zip(pages, files) for _ in blocks), setting


def write_slides(result: Backward, folder: str | os.PathLike | OutputFolder, *, renderer: str = "auto",
                 wrt: str | None = None, derivation: bool = True, force: bool = False,
                 style: Style | None = None) -> Deck:
    """Render the frames as PDF (without their caption: the slide prints it) into ``folder``
    with ``manifest.json`` and the derivation files, and write ``slides.tex`` beside them."""
    out = OutputFolder.of(folder, force=force)
    chosen = frames(result, "all")
    figure, apart = beamer_figure(result, chosen, renderer=renderer, wrt=wrt, style=style)
    with out.batch():  # slides.tex is checked with the frames, before anything is written
        done = export(result, out, format="pdf", wrt=wrt, derivation=derivation, figure=figure)
        lines, overlays, setting = _tex(result, chosen, [p.name for p in done.files], wrt, derivation,
                                        figure.layout.size, apart)
        return Deck(done, out.write(SLIDES_TEX, "\n".join(lines).encode("ascii")), overlays, setting, apart)


def _tex_path(name: str) -> str:
    """A frame's file name as \\includegraphics takes it (our slugs are ASCII letters, digits, -)."""
    if not all(ch.isascii() and (ch.isalnum() or ch in "-_.") for ch in name):
        raise ValueError(f"unexpected frame file name {name!r}")
    return name
