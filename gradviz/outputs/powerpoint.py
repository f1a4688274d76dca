"""A PowerPoint deck (16:9, python-pptx) for lecturers who build their slides in PowerPoint,
Keynote or Impress: one slide per frame — the step's title, the frame's PNG fitted into the
upper part keeping its aspect ratio, the step's equations as a picture (``mathimages``) under
it — then the derivation, one slide per page of its picture."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from pptx import Presentation
from pptx.util import Emu, Inches, Pt

from ..eval.backward import Backward
from ..render.frames import Frame, frames
from ..render.style import Style
from .export import Export, export
from .folder import OutputFolder
from .mathimages import DPI, draw, equation_rows, page_image_name, step_image_name

__all__ = ["PowerPointDeck", "pptx_bytes", "write_pptx", "SLIDES_PPTX", "SLIDE_WIDTH", "SLIDE_HEIGHT"]

SLIDES_PPTX = "slides.pptx"
SLIDE_WIDTH, SLIDE_HEIGHT = Inches(40 / 3), Inches(7.5)  # PowerPoint's 16:9
MARGIN = Inches(0.3)
TITLE_HEIGHT = Inches(0.8)
TITLE_SIZE = Pt(28)
EQUATIONS_SHARE = 0.45  # of the room under the title, at most, for a frame's equations


@dataclass(frozen=True)
class PowerPointDeck:
    """What ``write_pptx`` wrote: ``slides.pptx`` and the export it is made of (PNG frames)."""

    export: Export
    pptx: Path


def _size(png: bytes) -> tuple[int, int]:
    """A picture's natural size in EMU at ``DPI`` (the size its text was typeset for)."""
    width, height = Image.open(io.BytesIO(png)).size
    return Emu(int(width * 914400 / DPI)), Emu(int(height * 914400 / DPI))


def _fit(png: bytes, width: int, height: int, natural: bool) -> tuple[int, int]:
    """The picture's size inside ``width`` × ``height``, aspect ratio kept; ``natural`` pictures
    (typeset text) are only ever made smaller, figures are made as large as the box."""
    w, h = _size(png)
    scale = min(width / w, height / h)
    scale = min(scale, 1.0) if natural else scale
    return int(w * scale), int(h * scale)


def _slide(deck: Presentation, title: str, pictures: list[tuple[bytes, int, bool]]) -> None:
    """A slide with ``title`` and ``pictures`` stacked under it, each (png, the height it may
    take, natural size), centred."""
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    box = slide.shapes.add_textbox(MARGIN, MARGIN // 2, SLIDE_WIDTH - 2 * MARGIN, TITLE_HEIGHT)
    box.text_frame.word_wrap = True
    box.text_frame.text = title
    box.text_frame.paragraphs[0].runs[0].font.size = TITLE_SIZE
    box.text_frame.paragraphs[0].runs[0].font.bold = True
    top = MARGIN // 2 + TITLE_HEIGHT
    for png, height, natural in pictures:
        w, h = _fit(png, SLIDE_WIDTH - 2 * MARGIN, height, natural)
        slide.shapes.add_picture(io.BytesIO(png), (SLIDE_WIDTH - w) // 2, top, w, h)
        top += h


def pptx_bytes(shown: list[tuple[Frame, bytes, bytes | None]], pages: list[bytes]) -> bytes:
    """The deck: a slide for each frame (the frame, its PNG, its equations as a PNG or None),
    then one slide per page of the derivation."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    room = SLIDE_HEIGHT - TITLE_HEIGHT - MARGIN
    for frame, figure, equations in shown:
        below = 0 if equations is None else _fit(equations, SLIDE_WIDTH - 2 * MARGIN, int(room * EQUATIONS_SHARE),
                                                 True)[1]
        pictures = [(figure, room - below, False)] + ([(equations, below, True)] if equations is not None else [])
        _slide(deck, frame.title_text, pictures)
    for k, page in enumerate(pages, start=1):
        _slide(deck, f"Derivation, page {k} of {len(pages)}" if len(pages) > 1 else "Derivation", [(page, room, True)])
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def write_pptx(result: Backward, folder: str | os.PathLike | OutputFolder, *, renderer: str = "auto",
               wrt: str | None = None, derivation: bool = True, force: bool = False,
               style: Style | None = None) -> PowerPointDeck:
    """Render the frames as PNG (without their caption: the slide has the title) into ``folder``
    with ``manifest.json``, the derivation files and pictures, and write ``slides.pptx`` beside them."""
    out = OutputFolder.of(folder, force=force)
    with out.batch():  # slides.pptx is checked with the frames, before anything is written
        done = export(result, out, format="png", renderer=renderer, caption=False, wrt=wrt, derivation=derivation,
                      style=style)
        written = {p.name: done.data[p.name] for p in done.images}
        shown: list[tuple[Frame, bytes, bytes | None]] = []
        for frame, path in zip(frames(result, "all"), done.files):
            step = written.get(step_image_name(frame, "png"))
            equations = step if step is not None else \
                draw(equation_rows(frame.equations), "png") if frame.equations else None
            shown.append((frame, done.data[path.name], equations))
        pages = []
        while page_image_name(len(pages) + 1, "png") in written:
            pages.append(written[page_image_name(len(pages) + 1, "png")])
        return PowerPointDeck(done, out.write(SLIDES_PPTX, pptx_bytes(shown, pages)))
