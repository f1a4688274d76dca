"""Text measured in a compiled PDF with poppler's ``pdftotext -bbox``: the word boxes of a page,
the words of an included figure found where the page placed it, and the figure's text size in
pixels on a 1080-pixel-high slide. The Beamer tests and ``bench/figures.py`` use it.

A figure's word is told from the slide's own text by matching: the figure's PDF (a frame gradviz
wrote) has the same words at one scale and offset, so the page's words that sit where that
placement puts the figure's words are the figure's (the slide's equations may print the same
names and numbers, elsewhere and in TeX's fonts). The text size is a word box's height over the
font's box height per em: poppler makes a word box as tall as the font's ascent plus descent,
1.163 em for DejaVu Sans, the figures' font (``test_beamer_fit`` checks it on a frame)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gradviz.eval.backward import Backward

__all__ = ["EM_BOX", "SLIDE_HEIGHT", "Word", "Page", "DeckPages", "pages", "placement", "figure_words", "node_text_px",
           "deck_pages", "deck_text_px", "deck_displacement_px", "compile_deck", "beamer_measure"]

EM_BOX = 1.163  # DejaVu Sans: a pdftotext word box is its ascent plus descent, 1.163 em (measured on a frame)
SLIDE_HEIGHT = 1080  # pixels: the slide the thresholds are judged on (``readable_px``)
_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_NEAR = 0.5  # points: how far a placed figure word may be from the page's word (pdftotext rounds to 1e-6)


@dataclass(frozen=True)
class Word:
    """One word of a page and its box (points, y down from the top)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class Page:
    """A page's size (points) and words."""

    width: float
    height: float
    words: tuple[Word, ...]


def pages(pdf: Path, first: int | None = None, last: int | None = None) -> list[Page]:
    """The pages ``first``..``last`` (1-based, all by default) of ``pdf`` with their words."""
    tool = shutil.which("pdftotext")
    if tool is None:
        raise RuntimeError("pdftotext is not installed (apt-get install poppler-utils)")
    span = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    xml = subprocess.run([tool, *span, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True,
                         timeout=60).stdout
    return [Page(float(w), float(h), tuple(Word(_unescape(m[4]), *map(float, m[:4])) for m in _WORD.findall(body)))
            for w, h, body in _PAGE.findall(xml)]


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def placement(page: Page, figure: Page) -> tuple[float, float, float] | None:
    """Where ``page`` placed ``figure`` (scale, x and y offset in points): the placement that the
    most pairs of words of the same text agree on (a word the figure writes once, paired with each
    word of that text on the page); None when no two pairs agree."""
    unique = {t for t, n in Counter(w.text for w in figure.words).items() if n == 1}
    mine = {w.text: w for w in figure.words if w.text in unique and w.height > 0}
    found = [(placed.height / own.height, placed.x0 - placed.height / own.height * own.x0,
              placed.y0 - placed.height / own.height * own.y0)
             for placed in page.words for own in [mine.get(placed.text)] if own is not None]

    def agree(p: tuple[float, float, float], q: tuple[float, float, float]) -> bool:
        return abs(p[0] - q[0]) < 1e-3 * p[0] and abs(p[1] - q[1]) < _NEAR and abs(p[2] - q[2]) < _NEAR

    support = [sum(agree(p, q) for q in found) for p in found]
    return found[support.index(max(support))] if max(support, default=0) >= 2 else None


def figure_words(page: Page, figure: Page) -> list[Word]:
    """The words of ``page`` that are ``figure``'s words where the page placed it (``placement``)."""
    where = placement(page, figure)
    if where is None:
        return []
    scale, dx, dy = where
    spots = [(w.text, dx + scale * w.x0, dy + scale * w.y0) for w in figure.words]
    return [w for w in page.words
            if any(t == w.text and abs(x - w.x0) < _NEAR and abs(y - w.y0) < _NEAR for t, x, y in spots)]


def node_text_px(page: Page, figure: Page, bare: Page) -> float:
    """The figure's node text on ``page`` in pixels on a ``SLIDE_HEIGHT``-pixel-high slide (0 when
    the figure is not found there): the smallest word of ``bare`` (the frame of the bare graph,
    whose every word is a node's: names and operators) in ems, scaled as the page placed ``figure``
    (a frame of the same drawing: edge labels may be smaller than node text, as ``render.measure``
    leaves them out too), against the page height."""
    where = placement(page, figure)
    if where is None:
        return 0.0
    return where[0] * min(w.height for w in bare.words) / EM_BOX / page.height * SLIDE_HEIGHT


@dataclass(frozen=True)
class DeckPages:
    """A compiled deck read once: its pages that show a frame (page k shows ``overlays[k - 1]``, the first
    the bare graph) and each frame's own page (its PDF beside the deck)."""

    shown: tuple[Page, ...]
    frames: dict[str, Page]
    overlays: tuple[str, ...]

    @property
    def placements(self) -> list[tuple[float, float, float] | None]:
        """Where each page placed its frame (``placement``)."""
        return [placement(page, self.frames[name]) for page, name in zip(self.shown, self.overlays)]


def deck_pages(pdf: Path, overlays: Sequence[str]) -> DeckPages:
    """The pages of a compiled deck that show a frame (``overlays``: the frame of each page, "" for a page of
    equations alone) and the frames' own pages, each read once."""
    shown = [(page, name) for page, name in zip(pages(pdf, 1, len(overlays)), overlays) if name]
    return DeckPages(tuple(page for page, _ in shown), {name: pages(pdf.parent / name)[0] for _, name in shown},
                     tuple(name for _, name in shown))


def deck_text_px(deck: DeckPages) -> list[float]:
    """The node text (``node_text_px``) on each page of a deck that shows a frame."""
    bare = deck.frames[deck.overlays[0]]
    return [node_text_px(page, deck.frames[name], bare) for page, name in zip(deck.shown, deck.overlays)]


def compile_deck(tex: Path) -> Path:
    """``tex`` compiled by pdflatex in its folder (its log on failure); the PDF."""
    tool = shutil.which("pdflatex")
    if tool is None:
        raise RuntimeError("pdflatex is not installed (apt-get install texlive-latex-recommended)")
    done = subprocess.run([tool, "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=tex.parent,
                          capture_output=True, text=True, timeout=300)
    if done.returncode:
        raise RuntimeError(tex.with_suffix(".log").read_text(encoding="latin-1")[-3000:])
    return tex.with_suffix(".pdf")


def deck_displacement_px(deck: DeckPages) -> float:
    """The largest move, in pixels on a ``SLIDE_HEIGHT``-pixel-high slide, of a node of the figure
    between two pages of a deck that show it: the pages' placements of their frames
    (``placement``) applied to the corners of the frame's page."""
    corners = []
    for name, where in zip(deck.overlays, deck.placements):
        if where is None:
            raise RuntimeError(f"the figure {name} was not found on its page")
        scale, dx, dy = where
        width, height = deck.frames[name].width, deck.frames[name].height
        corners.append([(dx + scale * x, dy + scale * y) for x in (0, width) for y in (0, height)])
    moved = max((abs(a[k][i] - b[k][i]) for a in corners for b in corners for k in range(4) for i in (0, 1)),
                default=0.0)
    return moved / deck.shown[0].height * SLIDE_HEIGHT if deck.shown else 0.0


def beamer_measure(result: "Backward") -> tuple[float, float]:
    """The smallest node text and the largest node displacement (``deck_displacement_px``), in
    pixels on a 1080-pixel-high slide, over every page of the Beamer deck of ``result`` that shows
    a figure: the deck written and compiled in a temporary folder (without the derivation slides,
    which draw no figure)."""
    from gradviz.outputs.slides import write_slides

    with tempfile.TemporaryDirectory(prefix="gradviz-beamer-") as folder:
        deck = write_slides(result, folder, derivation=False)
        read = deck_pages(compile_deck(deck.tex), deck.overlays)
        return min(deck_text_px(read)), deck_displacement_px(read)
