"""A PowerPoint deck (16:9, python-pptx) for lecturers who build their slides in PowerPoint,
Keynote or Impress: one slide per frame — the step's title, the frame's PNG, the step's
equations as pictures (``mathimages``) under it — then the derivation, one slide per page.

The figure is the Beamer deck's drawing (``slides.deck_style``: text three times the style's
against the same gaps) and has one box for the whole deck (``Plan``): every frame's picture sits at
the same place and scale, so a node stays put as the lecturer clicks through the steps. The figure is
laid out for the room the equations' band leaves; a wide graph's strip across that room is laid out
again for larger text when a taller layout gets there without more crossings (``fitting.filled``, the
Beamer deck's rule), so the slide is not left a third empty, and made as large as leaves the equations
room to continue on another slide for at most ``CONTINUED`` of the frames. The box is
as large as the node text needs to reach the projector's size (``fitting.readable_px`` on a
1920×1080 slide) and leaves the rest to the equations, set in columns of rows at the largest of
``EQUATION_SCALES`` of their typeset size that needs no more slides than the smallest: a band under the figure (up to ``BAND`` pixels, all the
height a wide figure leaves), or, when a tall figure leaves no band, a column beside it (up to
``SIDE`` pixels). Equations that do not fit continue on slides that repeat the figure in the same
place; only a figure that needs the whole slide has its equations follow on slides of their own.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Mapping, Sequence

from PIL import Image
from pptx import Presentation
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.util import Emu, Pt

from ..eval.backward import Backward
from ..render.budget import MIN_PNG_DPI, png_dpi
from ..render.figure import Figure
from ..render.fitting import Area, filled, readable_px, text_px
from ..render.frames import Frame
from ..render.looks import FONT
from ..render.measure import fit
from ..render.style import Style
from ..text.lines import Sentence, Words, write
from ..text.targets import RICHTEXT
from .export import Export, export
from .folder import OutputFolder
from .mathimages import (DPI, Row, draw, equation_rows, page_image_name, pages, picture_pixels, picture_points,
                         step_image_name)
from .slides import deck_style

__all__ = ["Box", "PowerPointDeck", "Plan", "plan", "deck_figure", "pptx_bytes", "write_pptx", "runs", "SLIDES_PPTX",
           "SLIDE_WIDTH", "SLIDE_HEIGHT", "SLIDE_PX", "EMU_PER_PX", "FIGURE_NAME"]

SLIDES_PPTX = "slides.pptx"
SLIDE_PX = (1920, 1080)  # the projector slide everything is sized for, in pixels
EMU_PER_PX = 6350  # PowerPoint's 16:9 slide, 12,192,000 × 6,858,000 EMU, is 1920 × 1080 of these
SLIDE_WIDTH, SLIDE_HEIGHT = Emu(SLIDE_PX[0] * EMU_PER_PX), Emu(SLIDE_PX[1] * EMU_PER_PX)
MARGIN = 24  # pixels left and right of the slide's content
TOP, BOTTOM = 8, 12  # pixels above the title and under the content
TITLE_HEIGHT = 60  # pixels: one line at TITLE_SIZE
TITLE_SIZE = Pt(24)  # 48 pixels
GAP = 12  # pixels between the title, the figure and the equations, and between columns of equations
BAND = 240  # pixels the equations may take under the figure: three rows with fractions
MIN_BAND = 90  # pixels: a band lower than this (one row) is no band
SIDE = 640  # pixels the equations may take beside a tall figure that leaves no band: a third of the slide
MIN_SIDE = 400  # pixels: a column narrower than this (a short chain-rule line) is no column, the equations get slides
# of their own
# of the equations' typeset size (20 pt, 40 px on the slide), largest first: 40-, 34- and 28-pixel text; a deck takes
# the largest at which its equations need no more slides than at the smallest
EQUATION_SCALES = (1.0, 0.85, 0.7)
CONTINUED = 0.1  # the share of a deck's frames whose equations may continue on another slide when a strip's figure is
# laid out taller (``deck_figure``): the taller figure is made smaller, ``BAND_STEP`` pixels at a time, until they do
BAND_STEP = 20
PX_PER_INCH = SLIDE_PX[0] / 13.3333  # 144: pixels of the slide per inch of a picture's typeset size
CONTENT_TOP = TOP + TITLE_HEIGHT + GAP  # pixels: where the figure (or a page) starts
ROOM = (SLIDE_PX[0] - 2 * MARGIN, SLIDE_PX[1] - CONTENT_TOP - BOTTOM)  # pixels under the title
FIGURE_NAME = "Figure"  # the name of every frame's picture shape (tests and the bench find it by it)
BASELINE = {"sub": -25000, "sup": 30000}  # a run's baseline shift in thousandths of a percent, as PowerPoint's
# subscript and superscript buttons set it


Box = tuple[int, int, int, int]  # left, top, width, height in slide pixels


@dataclass(frozen=True)
class Plan:
    """Where the figure and the equations go on every frame's slide, in slide pixels."""

    figure: Box  # the picture (its aspect kept)
    equations: Box  # their room under or beside it (no width: slides of their own)


@dataclass(frozen=True)
class PowerPointDeck:
    """What ``write_pptx`` wrote: ``slides.pptx``, the export it is made of (PNG frames), the plan of
    its frame slides and the node text's height in the frame PNGs' pixels."""

    export: Export
    pptx: Path
    plan: Plan
    node_text_bitmap_px: float


def plan(size: tuple[float, float], font_size: float, readable: float, band: int = BAND) -> Plan:
    """The deck's figure box for a picture of ``size`` (any unit) whose node text is ``font_size``
    at that size: as large as reaching ``readable`` pixels needs (or as large as the slide allows);
    the height left over, up to ``band`` (all of it under a wide figure), for the equations, or when that
    is less than ``MIN_BAND``, the width left over beside it, up to ``SIDE``."""
    width, height = ROOM
    largest = min(width / size[0], height / size[1])
    needed = min(largest, readable / font_size * 1.01)  # a hair over, for the rounding of placed pictures
    band = min(band, height - size[1] * needed - GAP)
    side = min(SIDE, width - size[0] * needed - GAP)
    if band >= MIN_BAND:
        scale = min(width / size[0], (height - band - GAP) / size[1])
        w, h = int(size[0] * scale), int(size[1] * scale)
        top = CONTENT_TOP + h + GAP
        return Plan(((SLIDE_PX[0] - w) // 2, CONTENT_TOP, w, h), (MARGIN, top, ROOM[0], SLIDE_PX[1] - BOTTOM - top))
    if side >= MIN_SIDE:
        scale = min((width - side - GAP) / size[0], height / size[1])
        w, h = int(size[0] * scale), int(size[1] * scale)
        return Plan((MARGIN, CONTENT_TOP + (height - h) // 2, w, h),
                    (MARGIN + w + GAP, CONTENT_TOP, ROOM[0] - w - GAP, height))
    scale = largest
    w, h = int(size[0] * scale), int(size[1] * scale)
    return Plan(((SLIDE_PX[0] - w) // 2, CONTENT_TOP + (height - h) // 2, w, h), (0, 0, 0, 0))


def _png_size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


def _typeset_px(png: bytes, scale: float) -> tuple[int, int]:
    """A ``mathimages`` picture's size in slide pixels at ``scale`` of its typeset size."""
    width, height = _png_size(png)
    return int(width / DPI * PX_PER_INCH * scale), int(height / DPI * PX_PER_INCH * scale)


def _rows(frame: Frame, scale: float, width: int) -> list[Row]:
    """The frame's equations in rows ``width`` pixels wide at ``scale`` of their typeset size."""
    return equation_rows(frame.equations, width / (PX_PER_INCH * scale)) if frame.equations else []


Placed = tuple[tuple[Row, ...], int, int]  # rows typeset as one picture, its width and height on the slide in pixels


def _columns(rows: Sequence[Row], box: tuple[int, int], scale: float) -> list[list[Placed]]:
    """``rows`` cut into columns as high as ``box`` (width, height in pixels) at ``scale`` of their typeset size and
    packed side by side into the box's width, a slide's worth at a time: each slide's columns with their sizes."""
    width, height = box
    chunks = pages(rows, height / (PX_PER_INCH * scale)) if rows else []
    slides: list[list[Placed]] = [[]]
    used = 0
    for chunk in chunks:
        w, h = (pixels / DPI * PX_PER_INCH * scale for pixels in picture_pixels(chunk))  # the PNG's aspect
        shrink = min(1.0, height / h, width / w)  # a row alone taller than the box (or wider than it)
        w, h = round(w * shrink), round(h * shrink)
        if slides[-1] and used + GAP + w > width:
            slides.append([])
            used = 0
        used += (GAP if slides[-1] else 0) + w
        slides[-1].append((tuple(chunk), w, h))
    return slides


def _equation_scale(rows: Sequence[Sequence[Row]], box: tuple[int, int]) -> float:
    """The largest of ``EQUATION_SCALES`` at which every row of ``rows`` (each frame's, wrapped at the smallest)
    fits ``box``'s width and the frames' equations take no more slides than at the smallest."""
    least = sum(len(_columns(frame, box, EQUATION_SCALES[-1])) for frame in rows)
    widest = max((picture_points([row])[0] for frame in rows for row in frame), default=0.0)
    return next(scale for scale in EQUATION_SCALES if scale == EQUATION_SCALES[-1] or (
        widest / 72 * PX_PER_INCH * scale <= box[0] and sum(len(_columns(frame, box, scale)) for frame in rows) <= least))


def _placed(frames: Sequence[Frame], layout: Plan) -> list[list[list[Placed]]]:
    """Each frame's equations placed for ``layout``: its slides' columns, in their room (at the scale
    ``_equation_scale`` picks for the deck) or, without one, on slides of their own at their typeset size."""
    room = layout.equations
    scale = EQUATION_SCALES[-1] if room[2] else 1.0  # slides of their own: the typeset size
    rows = [_rows(frame, scale, room[2] or ROOM[0]) for frame in frames]
    scale = _equation_scale(rows, room[2:]) if room[2] else scale
    return [_columns(frame_rows, room[2:] if room[2] else ROOM, scale) for frame_rows in rows]


def _continued(frames: Sequence[Frame], layout: Plan) -> int:
    """How many slides ``frames`` take for their equations with ``layout`` beyond one a frame."""
    return sum(len(groups) - (1 if layout.equations[2] and groups else 0) for groups in _placed(frames, layout))


class _Runs(HTMLParser):
    """Rich text (``text.targets.RICHTEXT``) read into runs: each text with the baseline of the
    ``<SUB>``/``<SUP>`` it is in (0 outside)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[tuple[str, int]] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]

    def handle_data(self, data: str) -> None:
        shift = next((BASELINE[tag] for tag in reversed(self._open) if tag in BASELINE), 0)
        if self.runs and self.runs[-1][1] == shift:
            self.runs[-1] = (self.runs[-1][0] + data, shift)
        else:
            self.runs.append((data, shift))


def runs(title: Sentence) -> list[tuple[str, int]]:
    """``title`` as a slide writes it: runs of text and their baseline shift (``BASELINE``), so a name's
    sub- and superscripts are set as such (``θ`` then ``1`` lowered) in whatever font shows them."""
    reader = _Runs()
    reader.feed(write(title, RICHTEXT))
    reader.close()
    return reader.runs


def _slide(deck: Deck, title: Sentence) -> Slide:
    """A blank slide with ``title`` on one line at its top, its names' scripts lowered and raised."""
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    box = slide.shapes.add_textbox(_emu(MARGIN), _emu(TOP), _emu(SLIDE_PX[0] - 2 * MARGIN), _emu(TITLE_HEIGHT))
    box.text_frame.word_wrap = True
    box.text_frame.margin_top = box.text_frame.margin_bottom = 0
    paragraph = box.text_frame.paragraphs[0]
    for text, shift in runs(title):
        run = paragraph.add_run()
        run.text = text
        run.font.size, run.font.bold, run.font.name = TITLE_SIZE, True, FONT  # the figures' family, not Calibri
        if shift:
            run.font._rPr.set("baseline", str(shift))  # python-pptx has no property for it
    return slide


def _titled(title: Sentence, words: str) -> Sentence:
    """``title`` with ``words`` after it (`` (continued, 2 of 3)``)."""
    return Sentence((*title.parts, Words(words)))


def _emu(px: float) -> Emu:
    return Emu(int(round(px * EMU_PER_PX)))


def _picture(slide: Slide, png: bytes, left: float, top: float, width: float, height: float,
             name: str | None = None) -> None:
    shape = slide.shapes.add_picture(io.BytesIO(png), _emu(left), _emu(top), _emu(width), _emu(height))
    if name:
        shape.name = name


def _row(slide: Slide, pictures: Sequence[tuple[bytes, int, int]], box: Box) -> None:
    """``pictures`` (each with its width and height) side by side from the top of ``box``, centred in it as a group."""
    left = box[0] + (box[2] - sum(w for _, w, _ in pictures) - GAP * (len(pictures) - 1)) // 2
    top = box[1]
    for png, w, h in pictures:
        _picture(slide, png, left, top, w, h)
        left += w + GAP


def _page(deck: Deck, title: Sentence, png: bytes) -> None:
    """A slide with one typeset page under its title, at its typeset size (made smaller only to fit)."""
    slide = _slide(deck, title)
    w, h = _typeset_px(png, 1.0)
    scale = min(1.0, ROOM[0] / w, ROOM[1] / h)
    _row(slide, [(png, int(w * scale), int(h * scale))], (MARGIN, CONTENT_TOP, *ROOM))


def pptx_bytes(shown: list[tuple[Frame, bytes]], pages_: list[bytes], layout: Plan,
               drawn: Mapping[tuple[Row, ...], bytes] | None = None) -> bytes:
    """The deck: for each frame (the frame and its PNG) a slide with the figure where ``layout``
    puts it and the frame's equations in their room (continued on slides with the figure in the same
    place when they need more), or on slides of their own after it when there is no room; then one
    slide per page of the derivation (``pages_``). ``drawn``: rows already typeset (the export's pictures)."""
    drawn = drawn or {}
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    deck._element.sldSz.attrib.pop("type", None)  # PowerPoint's widescreen (13.333 × 7.5 in) has no type name
    left, top, width, height = layout.figure
    room = layout.equations

    def pictures(placed: Sequence[Placed]) -> list[tuple[bytes, int, int]]:
        return [(drawn.get(chunk) or draw(chunk, "png"), w, h) for chunk, w, h in placed]

    for (frame, figure), groups in zip(shown, _placed([frame for frame, _ in shown], layout)):
        if room[2]:
            groups = groups or [[]]
            for k, group in enumerate(groups):
                slide = _slide(deck, _titled(frame.title, f" (continued, {k + 1} of {len(groups)})" if k else ""))
                _picture(slide, figure, left, top, width, height, FIGURE_NAME)
                _row(slide, pictures(group), room)
        else:
            slide = _slide(deck, frame.title)
            _picture(slide, figure, left, top, width, height, FIGURE_NAME)
            for k, group in enumerate(groups, start=1):
                slide = _slide(deck, _titled(frame.title, " (equations" + (f", {k} of {len(groups)})"
                                                                           if len(groups) > 1 else ")")))
                _row(slide, pictures(group), (MARGIN, CONTENT_TOP, *ROOM))
    for k, page in enumerate(pages_, start=1):
        _page(deck, Sentence((Words(f"Derivation, page {k} of {len(pages_)}" if len(pages_) > 1 else "Derivation"),)),
              page)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def deck_figure(result: Backward, *, renderer: str = "auto", wrt: str | None = None,
                style: Style | None = None) -> tuple[Figure, Plan]:
    """The deck's figure (frames without caption, drawn in ``slides.deck_style``) and its ``Plan``: laid out for
    the room under the title less the equations' band, or, when that cannot reach the readable size, for the whole
    room, the equations getting what is left; a strip across that room laid out again for larger text when that
    fills it without more crossings (``fitting.filled``, as the Beamer deck does), as large as leaves the equations
    room enough to continue on another slide for no more than ``CONTINUED`` of the frames (or the strip's own share),
    and taken when its text is then still larger than the strip's."""
    operations = sum(1 for n in result.graph.nodes.values() if n.kind == "op")
    readable = readable_px(operations)
    drawn = deck_style(style)

    def laid(where: Area) -> Figure:
        return Figure(result, renderer=renderer, caption=False, style=drawn, wrt=wrt, area=where)

    def planned(figure: Figure) -> Plan:
        return plan(figure.layout.size, figure.style.font_size, readable)

    area = Area(ROOM[0], ROOM[1] - BAND - GAP, readable)
    figure = laid(area)
    if text_px(figure.layout, figure.style, area) < readable:
        area = Area(*ROOM, readable)
        figure = laid(area)
    taller = filled(figure, area, laid, result.graph)
    if taller is not figure:  # as large as leaves the equations room enough, while its text is larger than the strip's
        allowed = max(_continued(figure.frames, planned(figure)), CONTINUED * len(figure.frames))
        for band in range(BAND, ROOM[1], BAND_STEP):
            placed = plan(taller.layout.size, taller.style.font_size, readable, band)
            if _node_px(taller, placed) <= _node_px(figure, planned(figure)):
                break
            if _continued(taller.frames, placed) <= allowed:
                return taller, placed
    return figure, planned(figure)


def _node_px(figure: Figure, placed: Plan) -> float:
    """``figure``'s node text in slide pixels in ``placed``'s box (its style's size, scaled)."""
    return figure.style.font_size * placed.figure[2] / figure.layout.size[0]


def write_pptx(result: Backward, folder: str | os.PathLike | OutputFolder, *, renderer: str = "auto",
               wrt: str | None = None, derivation: bool = True, force: bool = False,
               style: Style | None = None) -> PowerPointDeck:
    """Render the frames as PNG (without their caption: the slide has the title) into ``folder``
    with ``manifest.json``, the derivation files and pictures, and write ``slides.pptx`` beside them.

    The figure is ``deck_figure``'s. PNGs are drawn at the resolution of their place on a 1920-pixel
    slide (lowered to the pixel budget for large graphs, never refused)."""
    figure, layout = deck_figure(result, renderer=renderer, wrt=wrt, style=style)
    shown_frames = figure.frames
    sharp = round(72 * layout.figure[2] / figure.layout.size[0])  # one PNG pixel per slide pixel
    dpi = png_dpi(figure.layout.size, len(shown_frames), default=max(MIN_PNG_DPI, sharp))
    measured = fit(figure.render(shown_frames[-1], "svg").data)
    out = OutputFolder.of(folder, force=force)
    with out.batch():  # slides.pptx is checked with the frames, before anything is written
        done = export(result, out, format="png", dpi=dpi, wrt=wrt, derivation=derivation, figure=figure)
        shown = [(frame, done.data[path.name]) for frame, path in zip(shown_frames, done.files)]
        written = {p.name: done.data[p.name] for p in done.images}
        derivation_pages = []
        while page_image_name(len(derivation_pages) + 1, "png") in written:
            derivation_pages.append(written[page_image_name(len(derivation_pages) + 1, "png")])
        drawn = {tuple(equation_rows(frame.equations)): written[step_image_name(frame, "png")]  # when they agree
                 for frame in shown_frames if step_image_name(frame, "png") in written}
        bitmap_width = _png_size(shown[-1][1])[0]
        text = measured.node_text_px / measured.scale * bitmap_width / measured.width_pt
        deck = pptx_bytes(shown, derivation_pages, layout, drawn)
        return PowerPointDeck(done, out.write(SLIDES_PPTX, deck), layout, text)
