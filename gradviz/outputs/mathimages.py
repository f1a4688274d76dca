"""Derivations as pictures for slides: the lecture's derivation (forward pass, backward pass,
gradients) and each backward step's equations, typeset by matplotlib's mathtext (no LaTeX
installation needed) at a size that reads on a projector: ``FONT_SIZE`` points at ``DPI``.

Lines are never shrunk: a chain that is wider than ``WIDTH`` continues on further rows at its
first ``=`` (``align*``'s way), a side wider than that breaks between the terms of its sum, and
a derivation taller than a slide is cut into pages between lines. The math is what
``text.lines`` writes for the ``MATHTEXT`` target (LaTeX as matplotlib's mathtext takes it).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Sequence

from ..derive.documents import sections
from ..render.looks import FONT
from ..text.lines import Relation, piece, shown_sides
from ..text.targets import MATHTEXT

if TYPE_CHECKING:  # matplotlib is imported where it is used: a render without pictures never pays for it
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    from ..eval.backward import Backward
    from ..render.frames import Frame

__all__ = ["Row", "FONT_SIZE", "DPI", "WIDTH", "PAGE_HEIGHT", "IMAGE_FORMATS", "PICTURE_NODE_LIMIT", "relation_rows",
           "equation_rows", "derivation_rows", "pages", "picture_points", "picture_pixels", "draw", "derivation_images",
           "step_image_name", "page_image_name"]

FONT_SIZE = 20  # points: a capital letter about 30 pixels tall at DPI
DPI = 150  # pixels per inch of a PNG
WIDTH = 12.0  # inches: the widest row (1,800 pixels at DPI, inside a 1,920-pixel slide)
PAGE_HEIGHT = 6.4  # inches: one page of the derivation (960 pixels, a 1,080-pixel slide less a title)
MARGIN = 0.15  # inches around the rows
MATH_FONTS = "dejavusans"  # mathtext's DejaVu Sans: the figures' family (``looks.FONT``), no serif math beside sans figures
IMAGE_FORMATS = ("svg", "png")
PICTURE_NODE_LIMIT = 40  # nodes beyond which the derivation gets no pictures (about half a second a picture: 2-3-2-1 with its 58 nodes took 54 s)
_PARSES = 4096  # mathtext parses kept (``_Parses``): a 40-node deck's rows at two widths
_GAP = {"row": 0.35, "line": 0.8, "heading": 1.2}  # space above a row, in ems: continuation, new line, heading


@dataclass(frozen=True)
class Row:
    """One row of typeset text: matplotlib text (math between ``$``), its indent and size in points."""

    text: str
    indent: float
    width: float
    ascent: float
    descent: float
    gap: float  # space above the row, points
    heading: bool = False


def _font(heading: bool) -> "FontProperties":
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=FONT, size=FONT_SIZE, weight="bold" if heading else "normal",
                          math_fontfamily=MATH_FONTS)


class _Parses:
    """The Agg renderer's mathtext parser behind one cache for the run: matplotlib keeps its last 50 parses, a deck
    typesets hundreds of rows (a parse costs tens of milliseconds), so each row is parsed once, when it is measured,
    and drawn from that parse."""

    def __init__(self, parser: Any) -> None:
        self._parse = lru_cache(maxsize=_PARSES)(parser.parse)

    def parse(self, s: str, dpi: float = 72, prop: "FontProperties | None" = None, *,
              antialiased: bool | None = None) -> Any:
        from matplotlib import rcParams

        if antialiased in (None, rcParams["text.antialiased"]):  # the measure's and the drawing's: one parse
            return self._parse(s, dpi, prop)
        return self._parse(s, dpi, prop, antialiased=antialiased)


@lru_cache(maxsize=1)
def _parses() -> _Parses:
    from matplotlib.backends.backend_agg import RendererAgg

    return _Parses(RendererAgg(1, 1, DPI).mathtext_parser)


def _renderer(width: int, height: int) -> "RendererAgg":
    """An Agg canvas of ``width`` × ``height`` pixels at ``DPI`` whose mathtext comes from ``_parses``."""
    from matplotlib.backends.backend_agg import RendererAgg

    renderer = RendererAgg(width, height, DPI)
    renderer.mathtext_parser = _parses()
    return renderer


def _shown(text: str) -> tuple[str, bool]:
    """``text`` as matplotlib's ``Text`` hands it to the renderer: math between ``$`` (mathtext), else plain text with
    ``\\$`` written ``$``."""
    from matplotlib.cbook import is_math_text

    return (text, True) if is_math_text(text) else (text.replace(r"\$", "$"), False)


@lru_cache(maxsize=8192)
def _measure(text: str, heading: bool = False) -> tuple[float, float, float]:
    """(width, ascent, descent) of ``text`` in points as ``draw`` sets it at ``DPI``; mathtext raises on anything it
    cannot typeset."""
    shown, math = _shown(text)
    width, height, depth = _renderer(1, 1).get_text_width_height_descent(shown, _font(heading), ismath=math)
    return width * 72 / DPI, (height - depth) * 72 / DPI, depth * 72 / DPI


def _row(text: str, indent: float, gap: str, heading: bool = False) -> Row:
    width, ascent, descent = _measure(text, heading)
    return Row(text, indent, width, ascent, descent, _GAP[gap] * FONT_SIZE, heading)


def _terms(tex: str) -> list[str]:
    """``tex`` cut before each ``+`` and ``-`` between the terms of its top-level sum (outside
    braces and ``\\left … \\right``), the places a long side may continue on the next row."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(tex):
        for command, step in ((r"\left", 1), (r"\right", -1)):
            if tex.startswith(command, i) and not tex[i + len(command):i + len(command) + 1].isalpha():
                depth += step
                i += len(command)
                break
        else:
            ch = tex[i]
            if ch == "\\":
                i += 1  # an escaped character (\{, \}) or a command's first letter
            elif ch in "{}":
                depth += 1 if ch == "{" else -1
            elif depth == 0 and i > start and tex.startswith((" + ", " - "), i):
                out.append(tex[start:i])
                start = i + 1
            i += 1
    return out + [tex[start:]]


def relation_rows(relation: Relation, gap: str = "line", width: float = WIDTH) -> list[Row]:
    """``relation`` on as many rows as it needs to stay within ``width`` inches: the first row
    starts with its head, the others continue at the first ``=`` (or a fixed indent when the
    head is wide), a side that alone is too wide breaks between its terms."""
    room = width * 72 - 2 * MARGIN * 72
    head, *sides = [piece(side, MATHTEXT)[0] for side in shown_sides(relation)]
    signs = [MATHTEXT.relation(relation.first if k == 0 else "=") for k in range(len(sides))]
    tokens = [head] + [f"{sign} {side}" for sign, side in zip(signs, sides)]
    if _measure(_joined(tokens))[0] <= room:  # most lines: one row, one measurement
        return [_row(_joined(tokens), 0.0, gap)]
    tokens = tokens[:1] + [part for sign, side, whole in zip(signs, sides, tokens[1:])
                           for part in ([whole] if _measure(f"${whole}$")[0] <= room / 2 else
                                        [f"{sign} {term}" if i == 0 else "{}" + term
                                         for i, term in enumerate(_terms(side))])]
    indent = _measure(f"${tokens[0]}\\ $")[0]
    indent = indent if indent <= 0.3 * room else 2 * FONT_SIZE
    rows: list[Row] = []
    while tokens:
        at = indent if rows else 0.0
        count = _fitting([_measure(f"${t}$")[0] for t in tokens], room - at)
        while count > 1 and _measure(_joined(tokens[:count]))[0] > room - at:  # the estimate was short
            count -= 1
        rows.append(_row(_joined(tokens[:count]), at, "row" if rows else gap))
        tokens = tokens[count:]
    return rows


def _fitting(widths: Sequence[float], room: float) -> int:
    """How many tokens of ``widths`` fit in ``room`` points, one at least (a thick space between)."""
    total, count = 0.0, 0
    for width in widths:
        total += width + (FONT_SIZE * 5 / 18 if count else 0)
        if count and total > room:
            break
        count += 1
    return count


def _joined(tokens: Sequence[str]) -> str:
    return "$" + " ".join(tokens) + "$"


def equation_rows(relations: Sequence[Relation], width: float = WIDTH) -> list[Row]:
    """Rows of several lines, one after the other (a backward step's equations)."""
    return [row for k, relation in enumerate(relations) for row in relation_rows(relation, "line" if k else "row",
                                                                                  width)]


def derivation_rows(result: Backward, wrt: str | None = None, width: float = WIDTH) -> list[Row]:
    """The lecture's derivation: each section's title (``derive.documents.sections``), then its lines."""
    rows: list[Row] = []
    for title, lines in sections(result, wrt):
        if lines:
            rows.append(_row(title.replace("$", r"\$"), 0.0, "heading" if rows else "row", heading=True))
            rows += equation_rows(lines, width)
    return rows


def pages(rows: Sequence[Row], height: float = PAGE_HEIGHT) -> list[list[Row]]:
    """``rows`` cut into pages of at most ``height`` inches, between lines where possible
    (a line's continuation rows stay with it, a heading with the line after it)."""
    room = height * 72 - 2 * MARGIN * 72
    units: list[list[Row]] = []
    for row in rows:
        if units and (row.gap == _GAP["row"] * FONT_SIZE or units[-1][-1].heading):
            units[-1].append(row)
        else:
            units.append([row])
    out: list[list[Row]] = [[]]
    for unit in units:
        for group in [[row] for row in unit] if _height(unit) > room else [unit]:
            if out[-1] and _height(out[-1] + group) > room:
                out.append([])
            out[-1] += group
    return out


def _height(rows: Sequence[Row]) -> float:
    return sum(r.gap + r.ascent + r.descent for r in rows[1:]) + (rows[0].ascent + rows[0].descent if rows else 0)


def picture_points(rows: Sequence[Row]) -> tuple[float, float]:
    """The width and height of ``draw``'s picture of ``rows``, in points at their typeset size."""
    margin = MARGIN * 72
    return max(r.indent + r.width for r in rows) + 2 * margin, _height(rows) + 2 * margin


def picture_pixels(rows: Sequence[Row]) -> tuple[int, int]:
    """The width and height of ``draw``'s PNG of ``rows`` in pixels (its figure's size at ``DPI``, truncated)."""
    width, height = picture_points(rows)
    return int(width / 72 * DPI), int(height / 72 * DPI)


def draw(rows: Sequence[Row], format: str = "png") -> bytes:
    """``rows`` typeset as one picture (``svg`` or ``png`` at ``DPI``), black on white: a PNG drawn on an Agg canvas
    from the parses that measured the rows (what ``Figure.text`` and ``savefig`` draw, pixel for pixel, without
    parsing again), an SVG through a matplotlib figure."""
    return _png(rows) if format == "png" else _svg(rows)


def _baselines(rows: Sequence[Row]) -> list[tuple[float, float]]:
    """Where each of ``rows`` starts in its picture: points from the left and from the top to its baseline."""
    out, y = [], MARGIN * 72
    for k, row in enumerate(rows):
        y += (row.gap if k else 0) + row.ascent
        out.append((MARGIN * 72 + row.indent, y))
        y += row.descent
    return out


def _png(rows: Sequence[Row]) -> bytes:
    import numpy as np
    from matplotlib.image import imsave

    width, height = picture_points(rows)
    w, h = width / 72 * DPI, height / 72 * DPI  # the figure's size in pixels; its canvas is that, truncated
    renderer = _renderer(*picture_pixels(rows))
    np.asarray(renderer.buffer_rgba())[:] = 255  # white
    gc = renderer.new_gc()
    gc.set_foreground((0.0, 0.0, 0.0, 1.0), isRGBA=True)
    gc.set_antialiased(True)
    for row, (x, y) in zip(rows, _baselines(rows)):  # figure fractions to pixels, as matplotlib's Text places them
        text, math = _shown(row.text)
        renderer.draw_text(gc, x / width * w, int(h) - (1 - y / height) * h, text, _font(row.heading), 0, ismath=math)
    gc.restore()
    buffer = io.BytesIO()
    imsave(buffer, renderer.buffer_rgba(), format="png", origin="upper", dpi=DPI)
    return buffer.getvalue()


def _svg(rows: Sequence[Row]) -> bytes:
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    width, height = picture_points(rows)
    figure = Figure(figsize=(width / 72, height / 72), dpi=DPI, facecolor="white")
    for row, (x, y) in zip(rows, _baselines(rows)):
        figure.text(x / width, 1 - y / height, row.text, fontproperties=_font(row.heading), va="baseline", ha="left",
                    color="black")
    buffer = io.BytesIO()
    with rc_context({"svg.hashsalt": "gradviz"}):  # the same SVG every run
        figure.savefig(buffer, format="svg", dpi=DPI, facecolor="white", metadata={"Date": None})
    return buffer.getvalue()


def step_image_name(frame: Frame, format: str) -> str:
    """The file of a backward frame's equations: ``derivation-02-backward-L.png``."""
    return f"derivation-{frame.slug}.{format}"


def page_image_name(number: int, format: str) -> str:
    """The file of the derivation's page ``number`` (from 1): ``derivation-page-1.png``."""
    return f"derivation-page-{number}.{format}"


def derivation_images(result: Backward, chosen: Sequence[Frame], format: str,
                      wrt: str | None = None) -> dict[str, bytes]:
    """File name → picture: ``derivation.FORMAT`` (the whole derivation), ``derivation-page-K.FORMAT``
    (it cut into slide-high pages) and each backward frame's equations among ``chosen``; none for
    a graph over ``PICTURE_NODE_LIMIT`` nodes."""
    if len(result.graph) > PICTURE_NODE_LIMIT:
        return {}
    drawn: dict[tuple[Row, ...], bytes] = {}  # the same rows drawn once (a derivation of one page is that page)

    def picture(rows: Sequence[Row]) -> bytes:
        if tuple(rows) not in drawn:
            drawn[tuple(rows)] = draw(rows, format)
        return drawn[tuple(rows)]

    rows = derivation_rows(result, wrt)
    files = {f"derivation.{format}": picture(rows)}
    for k, page in enumerate(pages(rows), start=1):
        files[page_image_name(k, format)] = picture(page)
    for frame in chosen:
        if frame.kind == "backward":
            files[step_image_name(frame, format)] = picture(equation_rows(frame.equations))
    return files
