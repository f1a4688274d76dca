"""The lecture's derivation: exact lines, golden Markdown/LaTeX files, escaping, and pdflatex.

Regenerate the golden files with ``GRADVIZ_REGEN_GOLDEN=1 pytest tests/test_derivation.py``
and review them by eye."""

from __future__ import annotations


import pytest

import gradviz
from gradviz.api import Graph
from gradviz.derive.documents import derivation_latex, derivation_markdown
from gradviz.derive.lecture import lecture as relations
from gradviz.ir.graph import GraphBuilder
from gradviz.text.lines import Chain, Partial, Product, Relation, plain, write
from gradviz.text.targets import LATEX

from tools import compile_latex

EXAMPLES = {  # golden stem → (formula, values)
    "lecture": ("(θ1θ2x − y)²", {"θ1": 2, "θ2": -1, "x": 3, "y": 1}),
    "linear": ("y = wx + q", {"w": 2, "x": 3, "q": 1}),
    "fan-out": ("x·y + x/y", {"x": 2, "y": 4}),
}


def lecture(result, wrt=None):
    """The derivation's lines as Unicode text, section by section."""
    forward, backward, gradients = relations(result, wrt).text()
    return type("Text", (), {"forward": forward, "backward": backward, "gradients": gradients})


def product_text(factors: tuple) -> str:
    return plain(Chain((tuple(factors),)))


def result(stem: str, values: bool = True):
    formula, at = EXAMPLES[stem]
    return gradviz.parse(formula).backward(at if values else None)


def test_lecture_lines_match_the_slide() -> None:
    text = lecture(result("lecture"))
    assert text.forward == ("a = θ1θ2 = −2", "b = ax = θ1θ2x = −6", "c = b − y = θ1θ2x − y = −7",
                            "L = c² = (θ1θ2x − y)² = 49")
    assert text.backward == ("∂L/∂c = 2c = −14", "∂L/∂b = ∂L/∂c · ∂c/∂b = 2c · 1 = 2c = −14",
                             "∂L/∂a = ∂L/∂b · ∂b/∂a = 2c · x = 2cx = −42")
    assert text.gradients == (
        "∂L/∂θ1 = ∂L/∂a · ∂a/∂θ1 = 2cx · θ2 = 2cxθ2 = 2(θ1θ2x − y)xθ2 = 42",
        "∂L/∂θ2 = ∂L/∂a · ∂a/∂θ2 = 2cx · θ1 = 2cxθ1 = 2(θ1θ2x − y)xθ1 = −84",
        "∂L/∂x = ∂L/∂b · ∂b/∂x = 2c · a = 2ca = 2(θ1θ2x − y)θ1θ2 = 28",  # chain order: 2c then a
        "∂L/∂y = ∂L/∂c · ∂c/∂y = 2c · (−1) = −2c = −2(θ1θ2x − y) = 14")


def test_without_values_the_lines_stay_symbolic() -> None:
    text = lecture(result("lecture", values=False))
    assert text.forward[1] == "b = ax = θ1θ2x"
    assert text.gradients[0] == "∂L/∂θ1 = ∂L/∂a · ∂a/∂θ1 = 2cx · θ2 = 2cxθ2 = 2(θ1θ2x − y)xθ2"


def test_a_fan_out_sums_over_its_consumers_term_by_term() -> None:
    text = lecture(result("fan-out"))
    assert text.gradients == (
        "∂L/∂x = ∂L/∂a · ∂a/∂x + ∂L/∂b · ∂b/∂x = 1 · y + 1 · 1/y = y + 1/y = 4.25",
        "∂L/∂y = ∂L/∂a · ∂a/∂y + ∂L/∂b · ∂b/∂y = 1 · x + 1 · (−x/y²) = x − x/y² = 1.875")


def test_wrt_keeps_only_the_paths_to_one_input() -> None:
    text = lecture(result("lecture"), wrt="θ1")
    assert [line.split(" = ")[0] for line in text.backward + text.gradients] == ["∂L/∂c", "∂L/∂b", "∂L/∂a", "∂L/∂θ1"]
    assert len(text.forward) == 4
    assert lecture(result("linear"), wrt="q").gradients == ("∂y/∂q = 1",)


def test_products_keep_chain_order_where_sympy_would_sort() -> None:
    import sympy

    a, c, x, y = sympy.symbols("a c x y", real=True)
    assert product_text((2 * c, a)) == "2ca"  # sympy prints 2*a*c
    assert product_text((x, 2 * c)) == "2xc"  # numbers move to the front, symbols keep their order
    assert product_text((2 * c, sympy.Integer(-1))) == "−2c"
    assert product_text((1 / y, sympy.Rational(1, 2))) == "1/(2y)"
    assert product_text(()) == "1"


def test_products_written_in_the_inputs_bracket_what_a_power_or_fraction_bar_needs() -> None:
    r = gradviz.parse("(x + 1)/(2y)").backward()
    assert lecture(r).gradients[0].endswith("= 1/(2y)")
    assert lecture(r).gradients[1].endswith("= −(x + 1)/(2y²)")  # the carried −a/b² simplified


@pytest.mark.parametrize("stem", sorted(EXAMPLES))
@pytest.mark.parametrize("kind", ["md", "tex"])
def test_golden_derivations(stem: str, kind: str, golden) -> None:
    make = derivation_markdown if kind == "md" else derivation_latex
    text = make(result(stem))
    golden(f"derivation-{stem}.{kind}", text)


def test_markdown_is_jupyter_math() -> None:
    md = derivation_markdown(result("lecture"))
    assert "- $a = \\theta_{1} \\theta_{2} = -2$" in md
    assert "$$\\frac{\\partial L}{\\partial a} = \\frac{\\partial L}{\\partial b} \\cdot " in md
    for line in md.splitlines():  # every math span is closed on its line
        assert line.count("$") % 2 == 0, line
    assert "θ" not in md.split("\n", 1)[1] and "∂" not in md  # all math is LaTeX, not Unicode


def test_partials_are_fractions_in_latex() -> None:
    line = Relation((Partial("L", "θ1"), Product((Partial("L", "a"), Partial("a", "θ1")), "dot")))
    assert write(line, LATEX) == (r"\frac{\partial L}{\partial \theta_{1}} = \frac{\partial L}"
                                  r"{\partial a}\cdot \frac{\partial a}{\partial \theta_{1}}")


def hostile():
    """A graph whose input names try to inject TeX and Markdown."""
    b = GraphBuilder("hostile")
    evil, hash_, html = b.input(r"\input{/etc/passwd}"), b.input("#"), b.input("<b>*x*</b>")
    return Graph.of(b.finish(b.apply("add", [b.apply("mul", [evil, hash_]), html])))


FUNCTION_FORMULAS = [  # each function in forms that sympy simplifies (its own printer) and in node equations (ours)
    ("p = σ(w x + b); L = −y log(p) − (1 − y) log(1 − p)", {"w": 0.5, "x": 2, "b": -1, "y": 1}),
    ("L = (tanh(w x + b) − y)²", {"w": 0.5, "x": 1, "b": 0.1, "y": 0.5}),
    ("L = log(x)² + sin(x) cos(x) + tanh(x y)² + sinh(y)", {"x": 0.7, "y": 1.3}),
    ("L = −log(exp(z1)/(exp(z1) + exp(z2)))", {"z1": 1, "z2": 0.5}),
    ("L = sqrt(x² + y²) + cosh(x) − tan(y)", {"x": 0.3, "y": 0.4}),
]


@pytest.mark.parametrize("formula, at", FUNCTION_FORMULAS, ids=[f for f, _ in FUNCTION_FORMULAS])
def test_each_function_is_written_one_way_in_the_derivation(formula: str, at: dict) -> None:
    """A function's argument in ``\\left(…\\right)`` right after its name, in the node equations and
    in the simplified forms alike (sympy's own printer writes ``\\log{\\left(p \\right)}``)."""
    import re

    for text in (derivation_latex(gradviz.parse(formula).backward(at)),
                 derivation_markdown(gradviz.parse(formula).backward(at))):
        assert "{\\left(" not in text and " \\right)" not in text, text
        for name in re.findall(r"\\(log|tanh|sin|cos|tan|sinh|cosh)\b(?!\\left|\^\{\d\}\\left)(.{0,12})", text):
            assert False, f"\\{name[0]} without \\left( after it: {name[1]!r}"


def test_names_cannot_inject_tex_or_markdown() -> None:
    r = hostile().backward({r"\input{/etc/passwd}": 1, "#": 2, "<b>*x*</b>": 3})
    tex = derivation_latex(r)
    assert r"\input" not in tex and r"\backslash input\{/etc/passwd\}" in tex and r"\#" in tex
    md = derivation_markdown(r)
    assert "<b>" not in md and "*x*" not in md and r"\lt b\gt \ast x\ast \lt /b\gt" in md


@pytest.mark.slow
@pytest.mark.parametrize("stem", sorted(EXAMPLES))
def test_latex_compiles(tmp_path, stem: str) -> None:
    tex = tmp_path / "derivation.tex"
    tex.write_text(derivation_latex(result(stem)), encoding="ascii")
    log = compile_latex(tex)
    assert "Output written on derivation.pdf (1 page" in log


@pytest.mark.slow
def test_hostile_names_compile_and_wrt_compiles(tmp_path) -> None:
    r = hostile().backward({r"\input{/etc/passwd}": 1, "#": 2, "<b>*x*</b>": 3})
    (tmp_path / "hostile.tex").write_text(derivation_latex(r), encoding="ascii")
    compile_latex(tmp_path / "hostile.tex")
    (tmp_path / "wrt.tex").write_text(derivation_latex(result("lecture"), wrt="theta1"), encoding="ascii")
    assert "Output written" in compile_latex(tmp_path / "wrt.tex")
