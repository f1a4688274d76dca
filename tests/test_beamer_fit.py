"""Beamer decks that fit: the gallery's formula examples compile with nothing running off a slide
(no overfull \\vbox, no overfull \\hbox over 1pt); on every graph of the ladder the figure's node text
reaches the projector's threshold on every page of the compiled deck (measured from the PDF's word
boxes, ``pdfpages``), the figure fills the frame's free area (its height, or its width when no taller
layout gives larger text) and stays in one place as the overlays step; long equation lists continue on
further overlays and long derivations on further frames."""

from __future__ import annotations

import re
import shutil

import pytest
from families import lstm, make
from ladder import CHECKED, Rung
from pdfpages import EM_BOX, DeckPages, deck_pages, deck_text_px, figure_words, pages
from tools import compile_latex, require

from gradviz.derive.documents import align_rows
from gradviz.derive.lecture import lecture
from gradviz.eval.backward import backward
from gradviz.outputs.gallery import LECTURE, MICROGRAD, PERCEPTRON, POINTS
from gradviz.outputs.slides import (_FIGURE_TEXT, Setting, beamer_tex, derivation_pages, equations_setting,
                                    figure_area, step_lines, step_pages, write_slides)
from gradviz.outputs.slides import _block_points
from gradviz.render.fitting import STRIP as STRIP_SHARE, readable_px
from gradviz.render.frames import frames
from gradviz.render.style import Style
from gradviz.syntax import parse

OVERFULL = re.compile(r"Overfull \\([hv])box \(([\d.]+)pt too (?:wide|high)\)")


def overflows(log: str) -> list[str]:
    """Every overfull \\vbox, and every overfull \\hbox wider than 1pt, as the log says it."""
    return [m.group(0) for m in OVERFULL.finditer(log) if m.group(1) == "v" or float(m.group(2)) > 1.0]


@pytest.mark.slow
def test_the_overflow_check_sees_an_overflow(tmp_path) -> None:
    tex = tmp_path / "over.tex"
    tex.write_text("\\documentclass{beamer}\\begin{document}\\begin{frame}{Too much}\\rule{1pt}{2\\textheight}"
                   "\\par\\rule{2\\linewidth}{1pt}\\end{frame}\\end{document}\n", encoding="ascii")
    found = overflows(compile_latex(tex, beamer=True))
    assert any("vbox" in f for f in found) and any("hbox" in f for f in found)


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    """A gallery formula's deck (with its derivation) and the log of compiling it: each made once for the module."""
    made: dict[str, tuple] = {}

    def deck(formula: str):
        if formula not in made:
            written = write_slides(backward(parse(formula), POINTS[formula]), tmp_path_factory.mktemp("deck"))
            made[formula] = written, compile_latex(written.tex, beamer=True)
        return made[formula]
    return deck


@pytest.mark.slow
@pytest.mark.parametrize("formula", list(POINTS), ids=["lecture", "linear", "perceptron", "softmax", "softmax-node",
                                                        "micrograd", "regression", "recurrent"])
def test_the_gallery_decks_fit_their_slides(formula, gallery) -> None:
    """Nothing overfull; the room the figure leaves (all but the tallest block of equations as TeX sets it, when that
    is less than the estimate) holds every overlay's equations at one size: none scaled down to fit."""
    deck, log = gallery(formula)
    assert overflows(log) == []
    tex = deck.tex.read_text(encoding="ascii")
    assert "0.6\\textheight" not in tex and "height=\\dimexpr\\textheight-38.0pt-\\gvreserve-" in tex
    _pdftotext()
    read = deck_pages(deck.tex.with_suffix(".pdf"), deck.overlays)
    heads = block_heads(read)
    assert max(heads) - min(heads) < 0.05, heads


def block_heads(read: DeckPages) -> list[float]:
    """The height of each overlay's block title (Backward, Forward, ...: ``\\gvfit`` scales a block that does not fit
    its room, title and all) under the figure, which sits at one place on every page; each block inside the page."""
    scale, _, top = read.placements[0]
    bottom = top + scale * next(iter(read.frames.values())).height
    heads = []
    for page in read.shown:
        under = [w for w in page.words if w.y0 > bottom]
        assert under and max(w.y1 for w in under) <= page.height  # the equations, inside the page
        words = [w for w in under if w.text.isalpha() and len(w.text) > 3]  # the block title's: Backward, Forward, ...
        heads.append(min(words, key=lambda w: (round(w.y0), w.x0)).height)
    return heads


def test_a_long_list_continues_on_further_overlays_of_the_same_figure_in_columns() -> None:
    result = backward(parse(PERCEPTRON), POINTS[PERCEPTRON])
    forward = next(f for f in frames(result, "all") if f.kind == "forward")
    pages = step_pages(forward, Setting(rows=1))
    assert len(pages) >= 3 and all(p.startswith("\\textbf{Forward pass (continued)}") for p in pages[1:])
    assert all("\\begin{tabular}" in p and p.count("\\\\[4pt]") == 1 for p in pages)  # one row of columns each
    shown = [m for p in pages for m in re.findall(r"\$[^$]*\$", p.split("\\begin{tabular}", 1)[1])]
    assert len(shown) == len(forward.equations)  # every line once
    assert len(step_pages(forward, Setting(rows=99))) == 1


def test_a_backward_step_sets_its_chain_rule_lines_one_under_another_and_continues_when_long() -> None:
    result = backward(parse(PERCEPTRON), POINTS[PERCEPTRON])
    two = next(f for f in frames(result, "all") if f.kind == "backward" and len(f.equations) == 2)
    whole, split = step_pages(two, Setting(rows=2)), step_pages(two, Setting(rows=1))
    assert len(whole) == 1 and whole[0].count("\\\\[4pt]$") == 2 and "tabular" not in whole[0]
    assert len(split) == 2 and "(continued)}" in split[1].split("\\\\[4pt]")[0]
    assert 1 <= step_lines(frames(result, "all")) <= 2  # the reserve: the tallest step's rows, two at most


def test_the_room_a_figure_leaves_goes_to_larger_equations_never_to_more_overlays() -> None:
    for formula in (PERCEPTRON, MICROGRAD, LECTURE):
        chosen = frames(backward(parse(formula), POINTS[formula]), "all")
        least = equations_setting(chosen, 0)  # no room: the least setting
        assert (least.size, least.rows) == (9.0, step_lines(chosen))
        clicks = sum(len(step_pages(frame, least)) for frame in chosen)
        sizes = []
        for room in range(20, 240, 10):
            setting = equations_setting(chosen, room)
            assert sum(len(step_pages(frame, setting)) for frame in chosen) <= clicks, (formula, room)
            assert setting == least or _block_points(setting, setting.rows) <= room
            sizes.append(setting.size)
        assert sizes == sorted(sizes) and sizes[0] == least.size < sizes[-1], (formula, sizes)


def _operations(result) -> int:
    return sum(1 for n in result.graph.nodes.values() if n.kind == "op")


def _pdftotext() -> None:
    require(shutil.which("pdftotext") is not None, "pdftotext (apt-get install poppler-utils)")


#: a query's attention over two keys: its first layout is a strip across the frame (442 x 122 pt of 444 x 149 on the
#: compiled page, 32.3 px node text, a short step's page 35 % empty); a taller layout gives larger text without
#: crossing more edges (442 x 143 pt, 36.1 px)
_ATTENTION = "s1 = q k1; s2 = q k2; Z = exp(s1) + exp(s2); a1 = exp(s1)/Z; a2 = exp(s2)/Z; o = a1 v1 + a2 v2; L = (o − y)²"
STRIP = Rung("attention over 2 keys", lambda: backward(parse(_ATTENTION), {"q": 0.3, "k1": 0.44, "k2": 0.58, "v1": 0.47,
                                                                           "v2": 0.61, "y": -0.1}))
DECKS = CHECKED + (STRIP,) * (STRIP not in CHECKED)


@pytest.mark.slow
@pytest.mark.parametrize("rung", DECKS, ids=[r.name for r in DECKS])
def test_the_ladder_decks_reach_the_text_threshold_and_nothing_moves(rung, tmp_path) -> None:
    """Every page that shows the figure: node text at least ``readable_px`` on a 1080-pixel slide,
    the figure filling the frame's free area (the slide's width less 0.2 cm a side, the height under the
    title less the least room for the equations: ``figure_area``) in one direction, in its height for the
    strip, at one scale and place on all of them (no node jumps as the lecturer clicks),
    the equations under it at one size (none scaled down to fit the room it leaves) and inside the
    page, nothing overfull. The deck's pages and frames are read once for all of it."""
    _pdftotext()
    result = rung.make()
    deck = write_slides(result, tmp_path, derivation=False)
    assert overflows(compile_latex(deck.tex, beamer=True)) == []
    read = deck_pages(deck.tex.with_suffix(".pdf"), deck.overlays)
    px = deck_text_px(read)
    assert len(px) == len(deck.overlays) and min(px) >= readable_px(_operations(result)), px
    assert len({(frame.width, frame.height) for frame in read.frames.values()}) == 1  # the frames pin the nodes
    where = read.placements
    scales, xs, ys = zip(*where)  # the scale, and the offset in points: the same on every page
    assert max(scales) - min(scales) < 1e-3 * min(scales) and max(xs) - min(xs) < 0.1 and max(ys) - min(ys) < 0.1, where
    area = figure_area(result, frames(result, "all"))  # points, as the page measures
    shown = next(iter(read.frames.values()))
    width, height = scales[0] * shown.width, scales[0] * shown.height
    fills_height = height >= (1 - STRIP_SHARE) * area.height
    assert fills_height or width >= 0.99 * area.width, (width, height, area)
    assert fills_height or rung is not STRIP, (height, area.height)
    heads = block_heads(read)
    assert max(heads) - min(heads) < 0.05, heads


@pytest.mark.slow
def test_a_figure_that_reads_only_alone_takes_the_frame_and_its_equations_follow_on_overlays_of_their_own(
        tmp_path) -> None:
    """An LSTM cell over two inputs (35 operations) does not reach the threshold in the room the equations leave
    under it: the figure takes the whole frame under the title, at one place and scale on every page that shows it,
    with node text at the threshold there, and each step's equations follow on pages of their own (none for the
    bare graph), inside the page, nothing overfull."""
    _pdftotext()
    result = make(lstm(2))
    deck = write_slides(result, tmp_path, derivation=False)
    assert deck.apart and overflows(compile_latex(deck.tex, beamer=True)) == []
    chosen = frames(result, "all")
    shown = [name for name in deck.overlays if name]
    assert len(shown) == len(chosen) and deck.overlays[1] == shown[1]  # the bare graph has no equations to follow
    read = deck_pages(deck.tex.with_suffix(".pdf"), deck.overlays)
    assert min(deck_text_px(read)) >= readable_px(_operations(result))
    scales, xs, ys = zip(*read.placements)
    assert max(scales) - min(scales) < 1e-3 * min(scales) and max(xs) - min(xs) < 0.1 and max(ys) - min(ys) < 0.1
    alone = [page for page, name in zip(pages(deck.tex.with_suffix(".pdf"), 1, len(deck.overlays)), deck.overlays)
             if not name]
    assert len(alone) == len(deck.overlays) - len(chosen)
    title = min(w.y1 for w in alone[0].words if w.text == "Backpropagation")
    for page in alone:  # a block title and its equations under the frame title, inside the page, no figure
        under = [w for w in page.words if w.y0 > title]
        assert under and max(w.y1 for w in under) <= page.height
        assert not figure_words(page, read.frames[shown[-1]])


@pytest.mark.slow
def test_the_measure_finds_the_figure_and_not_the_equations(gallery) -> None:
    """On the lecture deck's forward page the figure's words are found, all of them, where the figure
    is (above the equations, which print the same names and numbers); a word box of the figure's
    font is ``EM_BOX`` em tall (its text is drawn at ``_FIGURE_TEXT`` times the style's size)."""
    _pdftotext()
    deck, _ = gallery(LECTURE)
    bare = pages(deck.tex.parent / deck.overlays[0])[0]
    assert all(abs(w.height / (Style().font_size * _FIGURE_TEXT) - EM_BOX) < 0.002 for w in bare.words)
    frame = pages(deck.tex.parent / deck.overlays[1])[0]
    page = pages(deck.tex.with_suffix(".pdf"), 2, 2)[0]
    found = figure_words(page, frame)
    caption = next(w.y0 for w in page.words if w.text == "Forward")
    assert len(found) == len(frame.words) and all(w.y1 < caption for w in found)
    shared = {w.text for w in found} & {w.text for w in page.words if w.y0 > caption}
    assert shared  # the equations print some of the figure's words too, and they are not counted


def flat(rows) -> str:
    """Rows of an aligned block as one chain of equalities."""
    return " ".join(" ".join(rows).replace("&=", "=").split())


@pytest.mark.slow
def test_wide_derivation_rows_take_fewer_sides_and_the_title_is_the_formula_as_typed() -> None:
    result = backward(parse(MICROGRAD), POINTS[MICROGRAD])
    body = lecture(result).gradients
    rows = [row for page in derivation_pages(body) for row in page.splitlines()[1:-1]]
    assert len(rows) > len([row for line in align_rows(body, 3) for row in line])
    assert flat(r.removesuffix(" \\\\") for r in rows) == flat(row for line in align_rows(body, 99) for row in line)
    chosen = frames(result, "all")
    tex = beamer_tex(result, chosen, [f"{k}.pdf" for k in range(len(chosen))])
    # the program's last line in its own names; if that is too long, the output's name (never gradviz's names)
    assert r"{\gvtitle{Backpropagation through $g = \frac{f}{2} + \frac{10}{f}$}{Backpropagation through $g$}}" in tex


@pytest.mark.slow
def test_a_long_derivation_is_split_across_frames_marked_continued(gallery) -> None:
    result = backward(parse(PERCEPTRON), POINTS[PERCEPTRON])
    body = lecture(result).backward
    pages = derivation_pages(body)
    assert len(pages) >= 2 and all(p.startswith("\\begin{aligned}") for p in pages)
    rows = [row.removesuffix(" \\\\") for p in pages for row in p.splitlines()[1:-1]]
    assert flat(rows) == flat(row for line in align_rows(body, 99) for row in line)  # every side, once, in order
    tex = gallery(PERCEPTRON)[0].tex.read_text(encoding="ascii")
    assert tex.count("\\begin{frame}{Backward pass (continued)}") == len(pages) - 1
