"""The derivation as pictures for slides (``outputs.mathimages``): every line of varied formulas
typesets through matplotlib's mathtext, text is slide-sized and whole, long lines wrap instead
of shrinking, and ``export`` writes the pictures beside the frames."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import sympy
from PIL import Image

import gradviz
from gradviz.derive.lecture import lecture
from gradviz.eval.backward import backward
from gradviz.networks import xor_network
from gradviz.outputs.export import export
from gradviz.outputs.gallery import LECTURE, LINEAR_REGRESSION, MICROGRAD, SOFTMAX_EXPANDED
from gradviz.outputs.mathimages import (
    DPI,
    FONT_SIZE,
    MARGIN,
    PAGE_HEIGHT,
    WIDTH,
    derivation_rows,
    draw,
    equation_rows,
    pages,
    relation_rows,
)
from gradviz.render.frames import frames
from gradviz.text.lines import Formula, Name, Number, Partial, Relation, piece, write
from gradviz.text.targets import LATEX, MATHTEXT

AT = {"θ1": 2, "θ2": -1, "x": 3, "y": 1}
PERCEPTRON = "p = σ(w0 + w1x1 + w2x2); L = −y log(p) − (1 − y) log(1 − p)"
PERCEPTRON_AT = {"w0": 0.1, "w1": -0.4, "x1": 1.2, "w2": 0.8, "x2": -0.6, "y": 1}
#: formula → values: the gallery's formulas and one of each kind of op and name
FORMULAS = {
    LECTURE: AT,
    "wx + q": {"w": 2, "x": 3, "q": 1},
    "softmax_ce(z1, z2, z3, y1, y2, y3)": {"z1": 2.0, "z2": 1.0, "z3": 0.1, "y1": 1, "y2": 0, "y3": 0},
    "a = x x; b = a + x; L = b / a": {"x": 3},  # a fan-out: += lines
    "step(x − 1) + |x|": {"x": 2},  # [x > 1]: LaTeX's \\gt
}
SLOW_FORMULAS = {
    PERCEPTRON: PERCEPTRON_AT,
    "tanh(w_1 x + b)² + exp(−x) / sqrt(x² + 1)": {"w_1": 0.5, "x": 2, "b": -1},
    "(ŷ − y)² + log(1 + ŷ) − relu(ŷ) + leaky_relu(ŷ − 1, 0.2)": {"ŷ": 0.3, "y": 1},
    "|x − y| / (x y) + x^y + step(x − y) + max(x, y)": {"x": 2, "y": 0.5},
    SOFTMAX_EXPANDED: {"z1": 2.0, "z2": 1.0, "z3": 0.1, "y1": 1, "y2": 0, "y3": 0},
    MICROGRAD: {"a": -4.0, "b": 2.0},
    LINEAR_REGRESSION: {"w": 0.0, "q": 0.0},
}
MISSING_IN_MATHTEXT = (r"\lt", r"\gt", r"\mathrel", r"\textit", r"\left|")


def every_relation(result) -> list[Relation]:
    """The lecture's lines and every frame's equations."""
    text = lecture(result)
    return [*text.forward, *text.backward, *text.gradients, *(e for f in frames(result) for e in f.equations)]


def check_typesets(result) -> None:
    for relation in every_relation(result):
        for row in relation_rows(relation):  # measuring is mathtext's parse: it raises on what it cannot typeset
            assert not any(command in row.text for command in MISSING_IN_MATHTEXT), row.text
            assert "…" not in row.text and r"\dots" not in row.text, row.text


@pytest.mark.slow
@pytest.mark.parametrize("formula", list(FORMULAS))
def test_every_line_of_varied_formulas_typesets_in_mathtext(formula) -> None:
    check_typesets(gradviz.parse(formula).backward(FORMULAS[formula]))
    check_typesets(gradviz.parse(formula).backward())  # symbolic only


@pytest.mark.slow
@pytest.mark.parametrize("formula", list(SLOW_FORMULAS))
def test_every_line_of_more_formulas_typesets_in_mathtext(formula) -> None:
    check_typesets(gradviz.parse(formula).backward(SLOW_FORMULAS[formula]))


@pytest.mark.slow
def test_every_line_of_the_xor_network_typesets() -> None:
    net = xor_network("sigmoid")
    check_typesets(backward(net.graph, {**net.values, "x1": 1.0, "x2": 0.0}))


def test_the_mathtext_target_writes_what_mathtext_takes() -> None:
    x, y = sympy.symbols("x y", real=True)
    step = sympy.Heaviside(x - y, 0)
    for math, latex, mathtext in [
        (Partial("L", "x"), r"\frac{\partial L}{\partial x}", r"\dfrac{\partial L}{\partial x}"),
        (Formula(sympy.Abs(x) / y), r"\frac{\left|x\right|}{y}", r"\dfrac{|x|}{y}"),
        (Formula(step), r"\left[x \gt y\right]", r"\left[x > y\right]"),
        (Formula(sympy.Symbol("x€", real=True)), r"x\text{\textit{U+20AC}}", "x€"),
    ]:
        assert (piece(math, LATEX)[0], piece(math, MATHTEXT)[0]) == (latex, mathtext)
        assert relation_rows(Relation((Name("a"), math)))[0].text == f"$a = {mathtext}$"  # mathtext parses it
    assert (LATEX.relation("+="), MATHTEXT.relation("+=")) == (r"\mathrel{+}=", r"\,{+}\!\!=\,")


def ink_height(png: bytes) -> int:
    """Height in pixels of the dark pixels of a picture."""
    gray = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    rows = np.flatnonzero((gray < 128).any(axis=1))
    return int(rows[-1] - rows[0] + 1)


def test_text_is_slide_sized() -> None:
    png = draw(equation_rows([Relation((Name("L"), Name("L")))]))  # "L = L": capital letters only
    assert ink_height(png) >= 28  # a capital letter 28 pixels or more at 150 dpi: reads on a 1080p slide
    assert Image.open(io.BytesIO(png)).info["dpi"][0] == pytest.approx(DPI, abs=1)
    with_fraction = equation_rows([Relation((Name("L"), Number(1)))])
    assert with_fraction[0].ascent >= 0.6 * FONT_SIZE


@pytest.mark.slow
def test_long_lines_wrap_at_the_same_size_and_keep_every_side() -> None:
    result = gradviz.parse(PERCEPTRON).backward(PERCEPTRON_AT)
    last = lecture(result).gradients[-1]  # ∂L/∂y = … = −log(σ(w0 + w1x1 + w2x2)) + log(1 − σ(…)) = 0.86
    rows = relation_rows(last)
    assert len(rows) > 1 and all(r.indent + r.width <= (WIDTH - 2 * MARGIN) * 72 for r in rows)
    assert rows[1].indent > 0 and rows[1].text.startswith("$")
    assert {round(r.ascent + r.descent) > 0 for r in rows} == {True}
    text = " ".join(r.text for r in rows)
    assert text.count(r"\log") == write(last, LATEX).count(r"\log") >= 2 and "0.86" in text and r"\sigma" in text
    narrow = relation_rows(last, width=4)
    assert len(narrow) > len(rows)


@pytest.mark.slow
def test_a_long_derivation_is_cut_into_slide_high_pages() -> None:
    rows = derivation_rows(gradviz.parse(PERCEPTRON).backward(PERCEPTRON_AT))
    cut = pages(rows)
    assert len(cut) > 2 and [r for page in cut for r in page] == rows
    room = (PAGE_HEIGHT - 2 * MARGIN) * 72
    for page in cut:
        assert sum(r.ascent + r.descent + r.gap for r in page[1:]) + page[0].ascent + page[0].descent <= room
        assert not page[-1].heading  # a heading stays with the line after it


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_export_writes_the_derivation_pictures(tmp_path, fmt) -> None:
    done = export(gradviz.parse(LECTURE).backward(AT), tmp_path, format=fmt, images=True)
    names = [p.name for p in done.images]
    steps = [f"derivation-{f.slug}.{fmt}" for f in frames(gradviz.parse(LECTURE).backward(AT)) if f.kind == "backward"]
    assert names[0] == f"derivation.{fmt}" and names[-4:] == steps and f"derivation-page-1.{fmt}" in names
    assert json.loads(done.manifest.read_text(encoding="utf-8"))["derivation_images"] == names
    assert [p.name for p in done.derivation] == ["derivation.md", "derivation.tex"]
    for path in done.images:
        if fmt == "png":
            image = Image.open(path)
            image.verify()
            assert Image.open(path).size[0] <= WIDTH * DPI
        else:
            assert ET.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    if fmt == "png":
        pages_ = [p for p in done.images if "page" in p.name]
        assert all(Image.open(p).size[1] <= PAGE_HEIGHT * DPI for p in pages_)


@pytest.mark.slow
def test_no_pictures_for_other_formats_or_an_exercise(tmp_path) -> None:
    result = gradviz.parse(LECTURE).backward(AT)
    assert export(result, tmp_path / "dot", format="dot").images == ()
    assert export(result, tmp_path / "q", format="png", which="final", derivation=False).images == ()


@pytest.mark.slow
def test_pictures_by_default_for_png_only_and_none_for_a_big_graph(tmp_path) -> None:
    """Typesetting costs about half a second a picture: SVG exports leave them out unless asked,
    and a graph over PICTURE_NODE_LIMIT nodes gets none (the command says so)."""
    from gradviz.outputs.mathimages import PICTURE_NODE_LIMIT

    lecture = gradviz.parse(LECTURE).backward(AT)
    assert export(lecture, tmp_path / "svg", format="svg", which="final").images == ()
    chain = "; ".join(["a1 = x*y"] + [f"a{k} = a{k - 1}*x + y" for k in range(2, 22)])
    big = gradviz.parse(chain).backward({"x": 0.5, "y": 0.1})
    assert len(big.graph) > PICTURE_NODE_LIMIT
    assert export(big, tmp_path / "png", format="png", which="final").images == ()


def _figure_png(rows) -> bytes:
    """``rows`` as matplotlib's own figure text draws them: each at its baseline in a figure of the picture's size
    (the oracle for ``draw``'s canvas, which skips the figure and its second parse of every row)."""
    from matplotlib.figure import Figure

    from gradviz.outputs.mathimages import _font, picture_points

    width, height = picture_points(rows)
    figure = Figure(figsize=(width / 72, height / 72), dpi=DPI, facecolor="white")
    y = MARGIN * 72
    for k, row in enumerate(rows):
        y += (row.gap if k else 0) + row.ascent
        figure.text((MARGIN * 72 + row.indent) / width, 1 - y / height, row.text, fontproperties=_font(row.heading),
                    va="baseline", ha="left", color="black")
        y += row.descent
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


@pytest.mark.slow
def test_pictures_are_what_matplotlibs_figure_text_draws_and_ink_stays_in_each_rows_box() -> None:
    """A derivation page (headings in bold text, lines in math) and a long line wrapped onto indented rows: the
    PNG is pixel for pixel what ``Figure.text`` at each row's baseline draws, and each row's ink lies within the
    box its measurement gives it (so rows neither overlap nor get cut)."""
    lecture_rows = pages(derivation_rows(gradviz.parse(LECTURE).backward(AT)))[0]
    wrapped = relation_rows(lecture(gradviz.parse(PERCEPTRON).backward(PERCEPTRON_AT)).gradients[-1])
    assert any(row.heading for row in lecture_rows) and len(wrapped) > 1 and wrapped[1].indent > 0
    for rows in (lecture_rows, wrapped):
        drawn = _pixels(draw(rows))
        assert np.array_equal(drawn, _pixels(_figure_png(rows)))
        ink = (drawn[..., :3] < 200).any(axis=2)
        scale, y = DPI / 72, MARGIN * 72
        for k, row in enumerate(rows):
            y += (row.gap if k else 0) + row.ascent
            top, bottom = y - row.ascent, y + row.descent
            band = ink[int(top * scale) - 1:int(bottom * scale) + 2]
            columns = np.flatnonzero(band.any(axis=0))
            left = (MARGIN * 72 + row.indent) * scale
            assert columns.size and columns[0] >= left - 2 and columns[-1] <= left + row.width * scale + 2, row.text
            y += row.descent


def test_each_row_is_parsed_once_for_its_measure_and_its_picture(monkeypatch) -> None:
    """Measuring a step's rows and drawing them parses each distinct text once: the picture is drawn from the
    parse that measured it (mathtext's parse is what typesetting costs)."""
    from matplotlib.mathtext import MathTextParser

    from gradviz.outputs import mathimages

    mathimages._parses.cache_clear()
    mathimages._measure.cache_clear()
    parsed: list[str] = []
    original = MathTextParser._parse_cached

    def counting(self, s, *args):
        parsed.append(s)
        return original(self, s, *args)

    monkeypatch.setattr(MathTextParser, "_parse_cached", counting)
    result = gradviz.parse(LECTURE).backward(AT)
    rows = [row for f in frames(result) if f.kind == "backward" for row in equation_rows(f.equations)]
    measured = len(parsed)
    draw(rows)
    assert len(parsed) == measured == len(set(parsed))  # nothing parsed twice, nothing again to draw
    assert {row.text for row in rows} <= set(parsed)
