"""A PowerPoint deck as the audience sees it: ``slides.pptx`` converted to PDF by LibreOffice
Impress, its pictures' places read back from the pages (poppler's ``pdftohtml -xml``), in pixels of
a 1920×1080 slide. The PowerPoint tests and ``bench/figures.py`` measure with it:

    deck = write_pptx(result, folder)
    pages = measure(deck)              # converts once
    pages.node_text_px                 # the smallest node text on any figure page
    pages.displacement_px              # the largest move of a node between two figure pages

Node text on a page is the node text's height in the frame PNG (``PowerPointDeck.node_text_bitmap_px``,
measured from the same layout's SVG) times the scale at which the page shows that PNG. A node
sits at the same pixel of every frame PNG of one deck (one pinned layout, same size), so the
largest move of any node between two pages is the largest move of the picture's corners;
``node_displacement`` checks that premise too, mapping each node's centre in the frames' SVGs
through each slide's picture box. ``deck_boxes`` reads the boxes from the deck itself (EMU).
"""

from __future__ import annotations

import atexit
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from pptx import Presentation
from tools import soffice

from gradviz.outputs.powerpoint import EMU_PER_PX, FIGURE_NAME, SLIDE_PX, PowerPointDeck

__all__ = ["Box", "PageMeasure", "convert", "convert_all", "page_pictures", "figure_pages", "deck_boxes", "displacement",
           "node_centres", "node_displacement", "measure"]

Box = tuple[float, float, float, float]  # left, top, width, height in pixels of a 1920×1080 slide


@dataclass(frozen=True)
class PageMeasure:
    """A converted deck, measured: per figure page its picture's box and node text in pixels."""

    pdf: Path
    figure_boxes: dict[int, Box]  # page number (from 1) → the figure's box there
    node_text: dict[int, float]  # page number → node text height on that page, pixels

    @property
    def node_text_px(self) -> float:
        return min(self.node_text.values(), default=0.0)

    @property
    def displacement_px(self) -> float:
        return displacement(list(self.figure_boxes.values()))


def convert(pptx: Path, folder: Path | None = None) -> Path:
    """``pptx`` converted to PDF by LibreOffice Impress (a private profile, so runs never share one)."""
    return convert_all([pptx], folder)[0]


def convert_all(decks: Sequence[Path], folder: Path | None = None) -> list[Path]:
    """Each of ``decks`` converted to PDF by one run of LibreOffice Impress (its start costs seconds),
    as ``deck-1.pdf``, ``deck-2.pdf``, … in ``folder``."""
    office, _ = soffice()
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="gradviz-pptx-"))
        atexit.register(shutil.rmtree, folder, True)  # the PDFs are read until the run ends
    named = [folder / "decks" / f"deck-{k}.pptx" for k in range(1, len(decks) + 1)]  # decks are all slides.pptx
    named[0].parent.mkdir(parents=True, exist_ok=True)
    for deck, copy in zip(decks, named):
        shutil.copyfile(deck, copy)
    done = subprocess.run([office, "--headless", f"-env:UserInstallation=file://{folder / 'profile'}",
                           "--convert-to", "pdf", "--outdir", str(folder), *map(str, named)],
                          capture_output=True, text=True, timeout=300 * len(decks))
    pdfs = [folder / (copy.stem + ".pdf") for copy in named]
    assert done.returncode == 0 and all(pdf.exists() for pdf in pdfs), done.stdout + done.stderr
    return pdfs


def page_pictures(pdf: Path) -> list[list[Box]]:
    """Each page's pictures, in drawing order, in pixels of a 1920-pixel-wide page."""
    with tempfile.TemporaryDirectory(prefix="gradviz-pages-") as folder:
        return _pictures(pdf, Path(folder))


def _pictures(pdf: Path, folder: Path) -> list[list[Box]]:
    first = ET.fromstring(subprocess.run(["pdftohtml", "-xml", "-i", "-q", "-stdout", "-zoom", "1", "-f", "1", "-l",
                                          "1", str(pdf)], capture_output=True, text=True, check=True,
                                         timeout=120).stdout.encode()).find("page")
    zoom = SLIDE_PX[0] / float(first.get("width"))  # the page's width in points → 1920 pixels
    subprocess.run(["pdftohtml", "-xml", "-q", "-zoom", f"{zoom:g}", str(pdf), str(folder / "pages")], check=True,
                   timeout=300)
    root = ET.parse(folder / "pages.xml").getroot()
    return [[tuple(float(image.get(k)) for k in ("left", "top", "width", "height")) for image in page.iter("image")]
            for page in root.iter("page")]


def figure_pages(pptx: Path) -> list[int]:
    """The numbers (from 1) of the slides that show a frame's figure."""
    return [k for k, slide in enumerate(Presentation(str(pptx)).slides, start=1)
            if any(shape.name == FIGURE_NAME for shape in slide.shapes)]


def deck_boxes(pptx: Path) -> dict[int, Box]:
    """Slide number → the figure's box there, read from the deck (EMU) in slide pixels."""
    out = {}
    for k, slide in enumerate(Presentation(str(pptx)).slides, start=1):
        for shape in slide.shapes:
            if shape.name == FIGURE_NAME:
                out[k] = tuple(v / EMU_PER_PX for v in (shape.left, shape.top, shape.width, shape.height))
    return out


def displacement(boxes: list[Box]) -> float:
    """The largest distance, in pixels, a point of the picture moves between two of ``boxes`` (the
    same picture placed several times): the largest move of a corner, as placing is linear."""
    corners = [[(left + fx * width, top + fy * height) for fx in (0, 1) for fy in (0, 1)]
               for left, top, width, height in boxes]
    return max((((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 for one in corners for other in corners
                for a, b in zip(one, other)), default=0.0)


_SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def node_centres(svg: bytes) -> dict[str, tuple[float, float]]:
    """Each node's centre (the middle of its outline's box) as fractions of the picture's width and height."""
    root = ET.fromstring(svg)
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    graph = root.find(f"{_SVG}g")
    dx, dy = (float(v) for v in _NUMBER.findall(graph.get("transform").split("translate")[1]))
    out = {}
    for g in graph.iter(f"{_SVG}g"):
        if g.get("class") != "node":
            continue
        shape = next(e for e in g if e.tag in (f"{_SVG}path", f"{_SVG}polygon", f"{_SVG}ellipse"))
        if shape.tag == f"{_SVG}ellipse":
            x, y = float(shape.get("cx")), float(shape.get("cy"))
        else:
            numbers = [float(n) for n in _NUMBER.findall(shape.get("d") or shape.get("points"))]
            xs, ys = numbers[0::2], numbers[1::2]
            x, y = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        out[g.findtext(f"{_SVG}title")] = ((x + dx) / width, (y + dy) / height)
    return out


def node_displacement(svgs: Sequence[bytes], boxes: Sequence[Box]) -> float:
    """The largest distance, in slide pixels, a node moves between two slides: frame ``k``'s SVG
    shown in ``boxes[k]``."""
    placed: dict[str, list[tuple[float, float]]] = {}
    for svg, (left, top, width, height) in zip(svgs, boxes, strict=True):
        for node, (fx, fy) in node_centres(svg).items():
            placed.setdefault(node, []).append((left + fx * width, top + fy * height))
    return max((((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 for points in placed.values()
                for a in points for b in points), default=0.0)


def measure(deck: PowerPointDeck, pdf: Path | None = None) -> PageMeasure:
    """``deck`` converted (unless ``pdf`` is given) and measured on its figure pages: the figure is
    the largest picture of such a page."""
    pdf = pdf or convert(deck.pptx)
    pictures = page_pictures(pdf)
    bitmap_width = next(shape.image.size[0] for slide in Presentation(str(deck.pptx)).slides
                        for shape in slide.shapes if shape.name == FIGURE_NAME)
    boxes = {k: max(pictures[k - 1], key=lambda box: box[2] * box[3]) for k in figure_pages(deck.pptx)}
    text = {k: deck.node_text_bitmap_px * box[2] / bitmap_width for k, box in boxes.items()}
    return PageMeasure(pdf, boxes, text)
