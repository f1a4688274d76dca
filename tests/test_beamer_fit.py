"""Beamer decks that fit: the gallery's formula examples compile with nothing running off a slide
(no overfull \\vbox, no overfull \\hbox over 1pt), the figure as large as the slide allows, long
equation lists continued on further overlays and long derivations on further frames."""

from __future__ import annotations

import re

import pytest
from tools import compile_latex

from gradviz.derive.documents import align_rows
from gradviz.derive.lecture import lecture
from gradviz.eval.backward import backward
from gradviz.outputs.gallery import MICROGRAD, PERCEPTRON, POINTS
from gradviz.outputs.slides import beamer_tex, derivation_pages, step_lines, step_pages, write_slides
from gradviz.render.frames import frames
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


@pytest.mark.slow
@pytest.mark.parametrize("formula", list(POINTS), ids=["lecture", "linear", "perceptron", "softmax", "softmax-node",
                                                        "micrograd", "regression", "recurrent"])
def test_the_gallery_decks_fit_their_slides(formula, tmp_path) -> None:
    deck = write_slides(backward(parse(formula), POINTS[formula]), tmp_path)
    log = compile_latex(deck.tex, beamer=True)
    assert overflows(log) == []
    tex = deck.tex.read_text(encoding="ascii")
    assert "0.6\\textheight" not in tex and "[width=\\linewidth,height=\\dimexpr\\textheight" in tex


def test_a_long_step_continues_on_another_overlay_of_the_same_figure() -> None:
    result = backward(parse(PERCEPTRON), POINTS[PERCEPTRON])
    forward = next(f for f in frames(result, "all") if f.kind == "forward")
    pages = step_pages(forward, 6)
    assert len(pages) == 3 and pages[1].startswith("\\textbf{Forward pass (continued)}")
    assert "".join(pages).count("\\\\[4pt]$") == len(forward.equations)  # every line, spaced so fractions clear
    assert len(step_pages(forward, 12)) == 2


def test_a_flat_figure_leaves_room_for_more_lines() -> None:
    assert step_lines(None) == step_lines(1.0) == 6  # unknown or tall: the least
    assert step_lines(0.02) == 12  # very flat: the most
    assert 6 < step_lines(0.25) < 12


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
    tex = beamer_tex(result, frames(result, "all"), [f"{k}.pdf" for k in range(len(frames(result, "all")))])
    # the program's last line in its own names; if that is too long, the output's name (never gradviz's names)
    assert r"{\gvtitle{Backpropagation through $g = \frac{f}{2} + \frac{10}{f}$}{Backpropagation through $g$}}" in tex


@pytest.mark.slow
def test_a_long_derivation_is_split_across_frames_marked_continued(tmp_path) -> None:
    result = backward(parse(PERCEPTRON), POINTS[PERCEPTRON])
    body = lecture(result).backward
    pages = derivation_pages(body)
    assert len(pages) >= 2 and all(p.startswith("\\begin{aligned}") for p in pages)
    rows = [row.removesuffix(" \\\\") for p in pages for row in p.splitlines()[1:-1]]
    assert flat(rows) == flat(row for line in align_rows(body, 99) for row in line)  # every side, once, in order
    tex = write_slides(result, tmp_path).tex.read_text(encoding="ascii")
    assert tex.count("\\begin{frame}{Backward pass (continued)}") == len(pages) - 1
