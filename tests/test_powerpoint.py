"""``gradviz slides --format pptx``: a 16:9 PowerPoint deck that python-pptx reads back, whose
pictures stay on the slide, whose figure keeps one place on every frame's slide, whose node text
reaches the projector's size on the ladder (``tests/ladder.py``), whose titles write names as the
figures do (sub- and superscripts lowered and raised), and that LibreOffice Impress turns into pages
where it measures the same (``pptxpages``)."""

from __future__ import annotations

import io
import random
import re
import subprocess
import unicodedata
import zipfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from ladder import CHECKED, LADDER, WIDE
from pdfpages import pages as pdf_pages
from pptxpages import convert_all, deck_boxes, displacement, figure_pages, measure, node_centres, node_displacement
from tools import soffice

import gradviz
from gradviz.outputs.mathimages import DPI, MATH_FONTS, _font
from gradviz.outputs.powerpoint import (BAND, BOTTOM, CONTENT_TOP, CONTINUED, EQUATION_SCALES, FIGURE_NAME, GAP, MARGIN,
                                        MIN_BAND, MIN_SIDE, ROOM, SIDE, SLIDE_HEIGHT, SLIDE_PX, SLIDE_WIDTH,
                                        Plan, _slide, deck_figure, plan, pptx_bytes, write_pptx)
from gradviz.render.fitting import STRIP, readable_px
from gradviz.render.frames import frames
from gradviz.render.measure import fit
from gradviz.render.looks import FONT
from gradviz.syntax import parse
from gradviz.text.lines import Name, NodeText, Sentence, Words, plain, write
from gradviz.text.targets import MARKUP

LECTURE = "(θ1θ2x − y)²"
AT = {"θ1": 2, "θ2": -1, "x": 3, "y": 1}


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    return write_pptx(gradviz.parse(LECTURE).backward(AT), tmp_path_factory.mktemp("deck"))


@pytest.mark.slow
def test_one_slide_per_frame_then_the_derivation_pages(deck) -> None:
    pages = [p for p in deck.export.images if "page" in p.name]
    shown = Presentation(str(deck.pptx))
    assert (shown.slide_width, shown.slide_height) == (SLIDE_WIDTH, SLIDE_HEIGHT)
    assert SLIDE_WIDTH * 9 == SLIDE_HEIGHT * 16
    assert len(shown.slides) == len(deck.export.files) + len(pages) == 7 + 2
    titles = [next(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in shown.slides]
    fonts = {run.font.name for slide in shown.slides for s in slide.shapes if s.has_text_frame
             for p in s.text_frame.paragraphs for run in p.runs}
    assert fonts == {FONT}  # titles in the figures' family
    assert titles[0] == "Computational graph of L" and titles[5] == "Backward step 4 of 4: a = θ1·θ2"
    shown_titles = slide_titles(deck.pptx.read_bytes())[:7]  # θ₁ as the figure writes it, not θ1
    assert shown_titles == [figure_reading(f.title) for f in frames(gradviz.parse(LECTURE).backward(AT))]
    assert titles[-2:] == ["Derivation, page 1 of 2", "Derivation, page 2 of 2"]
    for slide in list(shown.slides)[:7]:  # the figure, and its equations in one or more columns
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert [s.name for s in pictures].count(FIGURE_NAME) == 1 and len(pictures) >= 2


@pytest.mark.slow
def test_pictures_fit_inside_the_slide_keeping_their_aspect(deck) -> None:
    for slide in Presentation(str(deck.pptx)).slides:
        for shape in slide.shapes:
            assert 0 <= shape.left and shape.left + shape.width <= SLIDE_WIDTH
            assert 0 <= shape.top and shape.top + shape.height <= SLIDE_HEIGHT
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                w, h = shape.image.size
                assert shape.width / shape.height == pytest.approx(w / h, rel=0.01)
    scales = set()
    for slide in list(Presentation(str(deck.pptx)).slides)[:7]:
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        figure = next(s for s in pictures if s.name == FIGURE_NAME)
        for equations in (s for s in pictures if s.name != FIGURE_NAME):
            assert figure.top + figure.height <= equations.top  # the equations under the figure
            typeset = equations.image.size[0] / DPI * SLIDE_WIDTH / (SLIDE_PX[0] / 144)  # EMU at its typeset size
            scales.add(round(equations.width / typeset, 2))
    assert len(scales) == 1 and scales <= set(EQUATION_SCALES), scales  # one of the scales, the same on every slide


@pytest.mark.slow
def test_impress_converts_the_deck_to_pages_that_are_not_blank(deck, pdfs, tmp_path) -> None:
    _, pdftoppm = soffice()
    pdf = pdfs[deck.pptx]
    subprocess.run([pdftoppm, "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 9
    for page in pages:
        gray = np.asarray(Image.open(page).convert("L"))
        assert gray.shape[1] * 9 == pytest.approx(gray.shape[0] * 16, rel=0.02)
        assert (gray < 128).mean() > 0.003, page.name  # ink: text and pictures, not an empty slide
    measured = measure(deck, pdf)
    assert sorted(measured.figure_boxes) == list(range(1, 8)) and measured.displacement_px <= 1.0
    assert measured.node_text_px >= readable_px(4)


def _operations(result) -> int:
    return sum(1 for n in result.graph.nodes.values() if n.kind == "op")


@pytest.mark.parametrize("readable", [18.0, 24.0])
def test_the_plan_gives_the_figure_the_room_its_text_needs_and_the_rest_to_the_equations(readable) -> None:
    sides = 0
    for width in (80, 300, 700, 1000, 1400, 2500, 6000):
        for height in (40, 150, 300, 450, 700, 1200, 3000):
            for font in (8.0, 14.0, 20.0):
                placed = plan((width, height), font, readable)
                left, top, w, h = placed.figure
                assert 0 <= left and left + w <= SLIDE_PX[0] and CONTENT_TOP <= top and top + h <= SLIDE_PX[1]
                assert w / h == pytest.approx(width / height, rel=1 / w + 1 / h)  # aspect kept, to a pixel
                text, best = font * w / width, font * min(ROOM[0] / width, ROOM[1] / height)
                if best >= readable * 1.01:
                    assert text >= readable, (width, height, font)
                else:
                    assert best - font / width <= text <= best  # the largest there is, to a pixel
                needed = readable * 1.01 / font  # the least scale that reads: what the equations may have beside it
                room_left, room_top, room_width, room_height = placed.equations
                if room_top > top:  # a band under the figure, all the height it leaves (at least up to BAND)
                    assert room_height >= MIN_BAND and room_top >= top + h + GAP
                    assert room_top + room_height == SLIDE_PX[1] - BOTTOM and room_width == ROOM[0]
                    assert room_height >= min(BAND, ROOM[1] - h - GAP)
                elif room_width:  # no band: a column beside it, as wide as the figure leaves (up to SIDE)
                    sides += 1
                    assert ROOM[1] - height * min(needed, best / font) - GAP < MIN_BAND
                    assert room_left >= left + w + GAP and room_left + room_width == SLIDE_PX[0] - MARGIN
                    assert room_width >= MIN_SIDE and room_width >= min(SIDE, ROOM[0] - w - GAP)
                    assert room_top == CONTENT_TOP and room_height == ROOM[1]
                else:  # neither: the figure needs the whole slide
                    scale = min(needed, best / font)
                    assert ROOM[1] - height * scale - GAP < MIN_BAND and ROOM[0] - width * scale - GAP < MIN_SIDE
    assert sides  # the sizes above include tall figures that leave a column


@pytest.mark.slow
def test_equations_beside_a_tall_figure_stay_in_their_column_and_the_figure_in_its_place(tmp_path) -> None:
    figure, _ = deck_figure(gradviz.parse(LECTURE).backward(AT))
    pictures = figure.render_all(figure.frames, "png", 40)
    column = Plan((MARGIN, CONTENT_TOP, 1200, 988), (MARGIN + 1200 + GAP, CONTENT_TOP, ROOM[0] - 1200 - GAP, 988))
    path = tmp_path / "beside.pptx"
    path.write_bytes(pptx_bytes([(item.frame, item.data) for item in pictures], [], column))
    boxes = deck_boxes(path)
    assert len(boxes) >= len(pictures) and displacement(list(boxes.values())) <= 1.0
    left = column.equations[0] * 6350
    for slide in Presentation(str(path)).slides:
        equations = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE and s.name != FIGURE_NAME]
        assert all(left <= s.left and s.left + s.width <= SLIDE_WIDTH - MARGIN * 6350 for s in equations)


def test_equations_are_set_in_the_figures_font_family() -> None:
    from matplotlib.font_manager import FontProperties, findfont

    figure_font = findfont(FontProperties(family=FONT), fallback_to_default=False)
    assert Path(figure_font).name == "DejaVuSans.ttf"
    assert findfont(_font(False), fallback_to_default=False) == figure_font
    assert MATH_FONTS == "dejavusans" and _font(False).get_math_fontfamily() == "dejavusans"


@pytest.mark.slow
def test_a_node_stays_at_the_same_slide_pixel_through_the_frames(deck) -> None:
    figure, _ = deck_figure(gradviz.parse(LECTURE).backward(AT))
    svgs = [item.data for item in figure.render_all(figure.frames, "svg")]
    boxes = deck_boxes(deck.pptx)
    assert len(boxes) == len(svgs) == 7 and len(node_centres(svgs[0])) == 8
    assert node_displacement(svgs, list(boxes.values())) <= 1.0
    moved = [(left + 40, top, width, height) if k == 3 else (left, top, width, height)
             for k, (left, top, width, height) in enumerate(boxes.values())]
    assert node_displacement(svgs, moved) == pytest.approx(40)  # the measure sees a slide that moves


@pytest.mark.slow
def test_the_presentation_declares_its_16_9_size(deck) -> None:
    with zipfile.ZipFile(deck.pptx) as package:
        root = ET.fromstring(package.read("ppt/presentation.xml"))
    size = root.find("{http://schemas.openxmlformats.org/presentationml/2006/main}sldSz")
    assert (size.get("cx"), size.get("cy")) == ("12192000", "6858000")  # 13.333 × 7.5 in, PowerPoint's widescreen
    assert size.get("type", "custom") == "custom"  # as PowerPoint writes it: screen16x9 names 10 × 5.625 in


#: laid out for the room above the equations, the batch norm (38 ops, the ladder's largest) was a strip across 48 % of
#: the slide (18.2 px node text) with the lower 40 % left to the equations (the 2-step RNN too: 43 %, 19.4 px)
STRIPS = (WIDE[-1],)
DECKS = STRIPS  # their decks are written, converted with the lecture's by one run of Impress and measured on pages
GEOMETRIC = [r for r in CHECKED[1:] if r not in DECKS]  # the rest: the decks built here are measured on pages


@pytest.mark.slow
@pytest.mark.parametrize("rung", GEOMETRIC, ids=[r.name for r in GEOMETRIC])
def test_the_deck_figure_reaches_the_readable_size_on_the_slide(rung) -> None:
    result = rung.make()
    figure, placed = deck_figure(result)
    measured = fit(figure.render(figure.frames[-1], "svg").data)
    node_text = measured.node_text_px / measured.scale * placed.figure[2] / measured.width_pt  # pixels on the slide
    assert node_text >= readable_px(_operations(result)), (rung.name, node_text, placed)


@pytest.fixture(scope="module")
def ladder_decks(tmp_path_factory):
    """Each of ``DECKS``: its result and its deck written."""
    return {rung.name: (result := rung.make(), write_pptx(result, tmp_path_factory.mktemp("ladder"))) for rung in DECKS}


@pytest.fixture(scope="module")
def pdfs(deck, ladder_decks, tmp_path_factory) -> dict[Path, Path]:
    """The lecture's deck and the ladder's converted by Impress in one run: each deck's file → its PDF."""
    decks = [deck.pptx, *(made.pptx for _, made in ladder_decks.values())]
    return dict(zip(decks, convert_all(decks, tmp_path_factory.mktemp("pdf"))))


@pytest.fixture(scope="module")
def measured(ladder_decks, pdfs):
    """Each of ``DECKS``'s name → its converted pages measured."""
    return {name: measure(made, pdfs[made.pptx]) for name, (_, made) in ladder_decks.items()}


@pytest.fixture(scope="module", params=DECKS, ids=[r.name for r in DECKS])
def converted(request, ladder_decks, measured):
    result, made = ladder_decks[request.param.name]
    return result, made, measured[request.param.name]


@pytest.mark.slow
@pytest.mark.parametrize("rung", STRIPS, ids=[r.name for r in STRIPS])
def test_a_wide_graphs_figure_fills_the_room_above_the_equations(rung, ladder_decks, measured) -> None:
    """On the converted pages of a graph that used to be a strip across the slide: the figure is as high as
    the room the equations' band leaves (within ``STRIP``), covers half the slide or more, its node text reads,
    and the equations continue on another slide for at most ``CONTINUED`` of the frames."""
    result, made = ladder_decks[rung.name]
    pages = measured[rung.name]
    room = ROOM[1] - BAND - GAP
    for left, top, width, height in pages.figure_boxes.values():
        assert height >= (1 - STRIP) * room and width * height >= 0.5 * SLIDE_PX[0] * SLIDE_PX[1], (width, height)
    assert pages.node_text_px >= readable_px(_operations(result)) and pages.displacement_px <= 1.0
    titles = [next(s.text_frame.text for s in slide.shapes if s.has_text_frame)
              for slide in Presentation(str(made.pptx)).slides]
    assert sum("(continued" in title for title in titles) <= CONTINUED * len(made.export.files)


@pytest.mark.slow
def test_every_frame_slide_shows_the_figure_in_one_place(converted) -> None:
    result, made, _ = converted
    boxes = deck_boxes(made.pptx)
    shown = Presentation(str(made.pptx))
    assert len(boxes) >= len(made.export.files)  # each frame's slide, and its continuations
    titles = [next(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in shown.slides]
    assert not any("(equations" in title for title in titles)  # every frame's equations beside or under its figure
    assert sum("(continued" in title for title in titles) <= len(made.export.files) // 10  # and rarely continued
    assert displacement(list(boxes.values())) <= 1.0
    sizes = {shape.image.size for slide in shown.slides for shape in slide.shapes if shape.name == FIGURE_NAME}
    assert len(sizes) == 1  # one layout, so a node is at the same pixel of every frame's picture
    for slide in shown.slides:
        for shape in slide.shapes:
            assert 0 <= shape.left and shape.left + shape.width <= SLIDE_WIDTH
            assert 0 <= shape.top and shape.top + shape.height <= SLIDE_HEIGHT


@pytest.mark.slow
def test_converted_pages_keep_the_figure_in_place_at_the_readable_size(converted) -> None:
    result, made, pages = converted
    assert sorted(pages.figure_boxes) == figure_pages(made.pptx)
    assert pages.displacement_px <= 1.0
    assert pages.node_text_px >= readable_px(_operations(result)), pages.node_text
    placed = deck_boxes(made.pptx)
    for page, box in pages.figure_boxes.items():  # Impress put the picture where the deck says
        assert box == pytest.approx(placed[page], abs=1.0)


@pytest.mark.slow
def test_a_pixel_budget_that_render_meets_by_lowering_the_resolution_never_refuses_the_deck(tmp_path,
                                                                                          monkeypatch) -> None:
    from gradviz.render import budget

    monkeypatch.setattr(budget, "PIXEL_LIMIT", 3_000_000)  # 7 frames of the lecture's figure: far under 150 dpi
    result = gradviz.parse(LECTURE).backward(AT)
    made = write_pptx(result, tmp_path / "deck")
    sizes = [Image.open(path).size for path in made.export.files]
    assert sum(w * h for w, h in sizes) <= 3_000_000 and len(set(sizes)) == 1
    assert displacement(list(deck_boxes(made.pptx).values())) <= 1.0


# Titles read as the figures write names. A reader sees each character on the line, lowered or raised;
# a Unicode sub- or superscript glyph (the figures' ₁, ², ᴸ) is its letter lowered or raised, read from
# Unicode's own decomposition, and a run's baseline (``a:rPr/@baseline``) lowers or raises all of it.
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
Reading = list[tuple[str, int]]  # each character and its level: -1 lowered, 0 on the line, 1 raised


def _read(runs: list[tuple[str, int]]) -> Reading:
    out = []
    for text, level in runs:
        for ch in unicodedata.normalize("NFC", text):
            kind, _, code = unicodedata.decomposition(ch).partition(" ")
            glyph = {"<sub>": -1, "<super>": 1}.get(kind)
            out.append((chr(int(code, 16)), glyph) if glyph else (ch, level))
    return out


class _Markup(HTMLParser):
    """The figures' markup (Graphviz's HTML-like labels) as a browser or Graphviz sets it: text in
    ``<SUB>`` lowered, in ``<SUP>`` raised."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.level, self.runs = 0, []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs) -> None:
        self.level += {"sub": -1, "sup": 1}.get(tag, 0)

    def handle_endtag(self, tag) -> None:
        self.level -= {"sub": -1, "sup": 1}.get(tag, 0)

    def handle_data(self, data) -> None:
        self.runs.append((data, self.level))


def figure_reading(title: Sentence) -> Reading:
    """How a figure's caption (and the player's) shows ``title``."""
    return _read(_Markup(write(title, MARKUP)).runs)


def slide_titles(pptx: bytes) -> list[Reading]:
    """Each slide's title (its first text box) as the slide shows it, read from the deck's XML."""
    out = []
    with zipfile.ZipFile(io.BytesIO(pptx)) as package:
        names = sorted((n for n in package.namelist() if n.startswith("ppt/slides/slide") and n.endswith(".xml")),
                       key=lambda n: int(n.removeprefix("ppt/slides/slide").removesuffix(".xml")))
        for name in names:
            box = next(ET.fromstring(package.read(name)).iter(f"{_P}sp"))
            runs = [(r.findtext(f"{_A}t") or "", int(r.find(f"{_A}rPr").get("baseline", "0"))
                     if r.find(f"{_A}rPr") is not None else 0) for r in box.iter(f"{_A}r")]
            out.append(_read([(text, (shift > 0) - (shift < 0)) for text, shift in runs]))
    return out


def plain_subscripts(reading: Reading) -> list[str]:
    """Where a digit sits on the line right after a letter (``h3`` for h₃): a name's subscript written as text."""
    return ["".join(ch for ch, _ in reading[max(0, k - 3):k + 2]) for k in range(1, len(reading))
            if reading[k][1] == 0 and reading[k][0].isdigit() and reading[k][0].isascii()
            and reading[k - 1][1] == 0 and reading[k - 1][0].isalpha()]


#: names as lecturers and textbooks write them: digit and letter subscripts, Greek, hats and bars, words,
#: \text{} words, index superscripts, primes
_NAMES = ("x1", "x_2", "h3", "θ1", "θ_b", "w_{12}", "x_i", "W_f", "h_t", "σ_1", "ŷ", r"\hat{y}_2", r"\bar{x}", "λ",
          "net_{h1}", "net_{out}", r"\text{loss}", "a^{(L)}", "W^{[2]}", "x′", "y12", "z_{10}", "β", "E")
_SHAPES = ("{} + {}", "{}·{}", "({} − {})²", "σ({}) − {}", "{}/{}", "log({}){}", "tanh({} + {})", "exp({}){}")


def _programs(count: int) -> list[str]:
    """Random programs over ``_NAMES``, each statement using the one before (seeded)."""
    rng = random.Random(24)
    out = []
    for _ in range(count):
        pool, statements, previous = rng.sample(_NAMES, 6), [], None
        for name in ("h_1", "z2", "p", "L"):
            operands = [previous or pool.pop(), pool.pop()]  # both used: every shape is binary
            rng.shuffle(operands)
            statements.append(f"{name} = " + rng.choice(_SHAPES).format(*operands))
            previous = name
        out.append("; ".join(statements))
    return out


def _titles(graph) -> list[Sentence]:
    """The titles a deck of ``graph`` has, as ``render.frames`` makes them: the graph, each node's step, the gradients."""
    ops = [nid for nid, node in graph.nodes.items() if node.kind == "op"]
    return [Sentence((Words("Computational graph of "), Name(graph.output))),
            *(Sentence((Words(f"Backward step {k} of {len(ops)}: "), NodeText(graph, nid, "equation")))
              for k, nid in enumerate(reversed(ops), start=1)),
            Sentence((Words("Gradients of "), Name(graph.output)))]


def test_slide_titles_write_names_as_the_figures_do() -> None:
    """Over random programs of lecturers' names and the networks' layered names (w¹₁₂): every title,
    read back from the deck's XML, shows each character on the line, lowered or raised as the figure's
    caption shows it, and no name's digits stand on the line after its letter."""
    graphs = [parse(program) for program in _programs(12)]
    graphs += [rung.make().graph for rung in LADDER if "network" in rung.name][:2]
    titles = [title for graph in graphs for title in _titles(graph)]
    deck = Presentation()
    for title in titles:
        _slide(deck, title)
    out = io.BytesIO()
    deck.save(out)
    shown = slide_titles(out.getvalue())
    assert len(shown) == len(titles)
    for title, reading in zip(titles, shown):
        assert reading == figure_reading(title), plain(title)
        assert plain_subscripts(reading) == [], plain(title)
    levels = {level for reading in shown for _, level in reading}
    assert levels == {-1, 0, 1}  # the names above are lowered and raised
    plain_text = next(title for title in titles if "h3" in plain(title))
    assert plain_subscripts(_read([(plain(plain_text), 0)]))  # the check sees a title written as plain text
    assert _read([(plain(plain_text), 0)]) != figure_reading(plain_text)


@pytest.mark.slow
def test_impress_sets_the_titles_scripts_apart(pdfs) -> None:
    """On the pages Impress made of the lecture's and the ladder's decks (pictures and one title each), no
    word runs a name's letter into digits (``x1``, ``θ1``): a lowered script is set smaller and lower, so poppler
    reads it as a word of its own, and there are such words."""
    scripts = 0
    for pdf in pdfs.values():
        for page in pdf_pages(pdf):
            assert page.words and not [w.text for w in page.words if re.search(r"[^\W\d_][0-9]", w.text)]
            tallest = max(w.height for w in page.words)
            scripts += sum(w.text.isdigit() and w.height < 0.8 * tallest for w in page.words)
    assert scripts
