"""Every letter the parser accepts prints in every target: LaTeX that pdflatex compiles (no
``U+…`` placeholder), and Unicode and figure markup that keep the letter itself."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

import gradviz
from gradviz.cli import cli
from gradviz.errors import ParseError
from gradviz.syntax.names import LETTERS
from gradviz.text.targets import LATEX, MARKUP, UNICODE

import tools

DECORATIONS = ("", "\u0302", "\u0303", "\u0304")  # the accents the lexer takes after a letter


def _names() -> list[str]:
    """The canonical name of every letter (plain and with each accent) the parser accepts, with a subscript."""
    found = []
    for letter in LETTERS:
        for mark in DECORATIONS:
            try:
                graph = gradviz.parse(f"{letter}{mark}1 * z")
            except ParseError:
                continue  # e.g. Â with a tilde composes to Ẫ, which is no letter of the parser's
            found += [name for name in graph.inputs if name != "z"]
    return found


NAMES = _names()


def test_the_alphabet_is_large() -> None:
    assert len(NAMES) > 400 and "ŷ1" in NAMES and "θ̂1" in NAMES


def test_no_letter_prints_as_a_placeholder() -> None:
    for name in NAMES:
        latex = LATEX.name(name)
        assert "U+" not in latex and latex.isascii(), (name, latex)
        for target in (UNICODE, MARKUP):
            shown = unicodedata.normalize("NFC", target.name(name))
            assert "U+" not in shown and "\ufffd" not in shown, (name, shown)
            assert unicodedata.normalize("NFC", name.rstrip("0123456789"))[:1] in shown, (name, shown)


@pytest.mark.slow
def test_every_letter_compiles_with_pdflatex(tmp_path: Path) -> None:
    tools.pdflatex()
    body = "\n".join(f"${LATEX.name(name)}$ " for name in NAMES)
    tex = tmp_path / "letters.tex"
    tex.write_text("\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n" + body
                   + "\n\\end{document}\n", encoding="ascii")
    log = tools.compile_latex(tex)
    assert "Missing character" not in log and "Undefined control sequence" not in log


def test_the_lecture_hat_prints_as_a_hat_in_the_derivation(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["render", "(ŷ − θ̂ − ℓ + ñ − Γ)²", "--at", "ŷ=0.8,θ̂=1,ℓ=2,ñ=3,Γ=4",
                                      "-o", str(tmp_path), "--format", "dot", "--frames", "final"])
    assert result.exit_code == 0, result.output
    tex = (tmp_path / "derivation.tex").read_text(encoding="utf-8")
    for written in (r"\hat{y}", r"\hat{\theta}", r"\ell", r"\tilde{n}", r"\Gamma"):
        assert written in tex, written
    assert "U+" not in tex
