"""Printing from structure: the typesetting faults of printing by regular expressions are gone
(products typeset as products, signs folded, no temporaries, typed decimals, one ReLU form,
the lecture's simplifications, brackets from precedence)."""

from __future__ import annotations

import html
import re

import pytest

import gradviz
from gradviz.derive.documents import derivation_latex, title_relation
from gradviz.derive.lecture import gradient_lines, lecture
from gradviz.ir.ops import OPS
from gradviz.outputs.gallery import MICROGRAD, SOFTMAX_EXPANDED
from gradviz.render.frames import frames
from gradviz.text.lines import plain, write
from gradviz.text.targets import LATEX
from gradviz.text.structure import written

PERCEPTRON = "p = σ(w0 + w1x1 + w2x2); L = −y log(p) − (1 − y) log(1 − p)"
PERCEPTRON_AT = {"w0": 0.1, "w1": -0.4, "x1": 1.2, "w2": 0.8, "x2": -0.6, "y": 1}
EXAMPLES = [
    (PERCEPTRON, PERCEPTRON_AT),
    (MICROGRAD, {"a": -4.0, "b": 2.0}),
    (SOFTMAX_EXPANDED, {"z1": 2.0, "z2": 1.0, "z3": 0.1, "y1": 1, "y2": 0, "y3": 0}),
    ("v1 = σ(−0.5 + x1 − x2); v2 = σ(−0.5 − x1 + x2); y = σ(−0.5 + v1 + v2)", {"x1": 1.0, "x2": 0.0}),
    ("x·y + x/y − (x − y)/(x + y)", {"x": 2, "y": 4}),
]


def every_line(formula: str, at: dict) -> list[str]:
    r = gradviz.parse(formula).backward(at)
    text = lecture(r).text()
    lines = [line for section in text for line in section] + [plain(g) for g in gradient_lines(r)]
    return lines + [line for f in frames(r) for line in f.lines()]


def every_latex(result) -> str:
    """The derivation's LaTeX and every frame's equations in LaTeX (what the Beamer deck sets)."""
    return derivation_latex(result) + "\n".join(write(line, LATEX) for frame in frames(result) for line in frame.equations)


@pytest.mark.parametrize("formula, at", EXAMPLES, ids=["perceptron", "micrograd", "softmax", "xor", "fractions"])
def test_signs_are_folded_into_the_sum(formula, at) -> None:
    for line in every_line(formula, at):
        assert "+ −" not in line and "·−" not in line and "− −" not in line, line


@pytest.mark.parametrize("formula, at", EXAMPLES, ids=["perceptron", "micrograd", "softmax", "xor", "fractions"])
def test_latex_writes_names_as_math_and_only_functions_upright(formula, at) -> None:
    tex = derivation_latex(gradviz.parse(formula).backward(at))
    functions = {OPS[k].latex for k in OPS} | {r"\operatorname{sgn}"}
    upright = set(re.findall(r"\\operatorname\{[^}]*\}", tex))
    assert upright <= functions, upright - functions  # p(1 − p) is p·(1 − p), never \operatorname{p}


def test_juxtaposed_products_typeset_as_products() -> None:
    tex = derivation_latex(gradviz.parse(PERCEPTRON).backward(PERCEPTRON_AT))
    assert r"p \left(1 - p\right)" in tex


def test_final_formulas_hold_no_temporaries() -> None:
    r = gradviz.parse("hh = w x + q; rr = relu(hh); L = rr·z − y").backward({"w": 0.5, "x": 2, "q": 1, "z": 3, "y": 1})
    inputs_side = {plain(line).split(" = ")[0]: plain(line).split(" = ")[-2] for line in gradient_lines(r)}
    assert inputs_side["∂L/∂w"] == "z·[wx + q > 0]·x"
    for side in inputs_side.values():
        assert "hh" not in side and "rr" not in side, side


def test_typed_decimals_stay_decimals() -> None:
    gelu_tanh = "0.5x(1 + tanh(0.7978845608(x + 0.044715x³)))"
    text = "\n".join(every_line(gelu_tanh, {"x": 0.3}))
    assert "0.044715" in text and "8943/200000" not in text


@pytest.mark.parametrize("formula", ["relu(x)", "max(0, x)", "max(x, 0)", "ReLU(x)", "\\max\\left(0, x\\right)"])
def test_a_relu_has_one_derivative_form_however_it_is_spelled(formula) -> None:
    text = "\n".join(every_line(formula, {"x": 1.5}))
    assert "∂L/∂x = [x > 0] = 1" in text and "H(" not in text


def test_the_lectures_simplifications() -> None:
    lines = every_line(PERCEPTRON, PERCEPTRON_AT)
    assert any(line.startswith("∂L/∂z = ") and "= p − y = " in line for line in lines)  # at the logit, z
    assert any(line.startswith("∂L/∂w1 = ") and "= (p − y)x1 = (σ(w0 + w1x1 + w2x2) − y)x1 = " in line
               for line in lines)
    assert any(" · p(1 − p) = p − y = " in line for line in lines)  # σ′ = σ(1 − σ), by the node's name
    assert not any("(p − y)x1" in line and "(1 − p)" in line for line in lines)  # p − y is what is carried
    assert any("1 · (1 − h²) = 1 − h² = 1 − tanh²(z)" in line for line in every_line("h = tanh(z); L = h", {"z": 0.5}))


def test_brackets_come_from_precedence() -> None:
    g = gradviz.parse("a = (x + y)^2; L = a^2")
    assert written(g, g.output_id)[0] == "((x + y)²)²"
    g = gradviz.parse("(x − y)/(x·y) − −x")
    assert written(g, g.output_id)[0] == "(x − y)/(xy) − (−x)"


@pytest.mark.parametrize("formula, written_out", [
    (r"\mathcal{L} = (\sigma(w_1 x_1 + w_2 x_2 + w_0) - y)^2", "σ(w1x1 + w2x2 + w0)(1 − σ(w1x1 + w2x2 + w0))"),
    ("(σ(w x + b) − y)²", "σ(wx + b)(1 − σ(wx + b))"),
    ("(tanh(w x + b) − y)²", "(1 − tanh²(wx + b))"),
    ("σ(u σ(v x))", "σ(vx)(1 − σ(vx))"),
])
def test_written_out_in_the_inputs_a_product_keeps_the_chains_order(formula, written_out) -> None:
    """σ's local derivative a(1 − a) reads σ(z)(1 − σ(z)) once written out in the inputs, the order the chain's
    side shows it in, never (1 − σ(z))σ(z)."""
    graph = gradviz.parse(formula)
    result = graph.backward({name: 0.5 for name in graph.inputs})
    lines = [plain(line) for line in gradient_lines(result)]
    assert any(written_out in line for line in lines), lines
    assert not any(re.search(r"\(1 − (σ|tanh)[^·]*\)(σ|tanh)\(", line) for line in lines), lines


WORD_CALLS = tuple(sorted({spec.text for spec in OPS.values() if spec.notation == "call" and len(spec.text) > 1
                           and spec.text.isalpha()}, key=len, reverse=True))


@pytest.mark.parametrize("formula", [
    "e = exp(a x); L = e/(1 + e)", "h = tanh(w x); L = w h", "q = log(u); L = v q + u", "s = sin(t); L = k s²",
    "e = exp(w x + b); L = (x e − y)²", "r = relu(w x); L = a r",
    "h1 = tanh(w h0 + u x1); h2 = tanh(w h1 + u x2); L = (h2 − y)²",
])
def test_a_letter_before_a_call_written_out_is_set_apart(formula) -> None:
    """A factor named by a letter beside an intermediate written out as a call of a word (``e = exp(ax)``) reads
    ``a exp(ax)``, as the formula writes ``y log(p)``, never ``aexp(ax)``, which reads as a function ``aexp``."""
    graph = gradviz.parse(formula)
    result = graph.backward({name: 0.4 + 0.1 * k for k, name in enumerate(graph.inputs)})
    for line in [*gradient_lines(result), *gradient_lines(result, expanded=False, joint="juxtaposed"),
                 *lecture(result).gradients]:
        text = plain(line)
        glued = [m.group(0) for m in re.finditer(rf"(?<![A-Za-z])[A-Za-z]+({'|'.join(WORD_CALLS)})\(", text)
                 if m.group(0)[:-1] not in WORD_CALLS]
        assert not glued, (text, glued)


@pytest.mark.parametrize("typed, written", [
    ("0.12345", "0.12345"), ("1.23456789", "1.23456789"), ("0.044715", "0.044715"), ("2.5", "2.5"), ("250", "250"),
    ("0.001", "0.001"), ("1e-8", "1e−8"), ("⅓", "(1/3)"), ("-⅔", "(−2/3)"), ("\\frac12", "(1/2)"),
    ("½", "(1/2)"), ("1/2", "(1/2)"), ("\\frac{1}{2}", "(1/2)"), ("0.5", "0.5"), ("−1/4", "(−1/4)"),
])
def test_a_constant_of_the_formula_is_written_as_typed_never_rounded(typed, written) -> None:
    """The title and the forward lines write a constant exactly (a fraction where it has no decimal), as the
    derivation's lines do, whatever the digits the computed numbers are shown with: 0.12345x, not 0.123x."""
    result = gradviz.parse(f"{typed} x + y").backward({"x": 0.5, "y": 2})
    title = plain(title_relation(result))
    forward = [plain(line) for line in lecture(result).forward]
    assert title.startswith(f"L = {written}x + y") or title.startswith(f"L = {written}·x + y"), title
    assert any(written in line for line in forward), forward


@pytest.mark.parametrize("formula, at, written", [
    (r"h = \tanh(W x + b); L = (h - y)^2", {"W": 0.5, "x": 1, "b": 0, "y": 1}, "−2(tanh(Wx + b) − y)"),
    ("p = σ(w x); L = 3(p − y)²", {"w": 0.5, "x": 1, "y": 1}, "6(σ(wx) − y)"),
    ("a = u v; L = 4(a + c)²", {"u": 1, "v": 2, "c": 3}, "8(uv + c)"),
])
@pytest.mark.parametrize("joint", ["dot", "juxtaposed"])
def test_written_out_in_the_inputs_a_number_times_a_sum_stays_a_product(formula, at, written, joint) -> None:
    """``grad``'s lines (factors joined by ·) and the derivation's (juxtaposed) write 2(h − y) in the inputs as
    2(tanh(Wx + b) − y), never (2tanh(Wx + b) − 2y): substituting the intermediate does not multiply the number in."""
    result = gradviz.parse(formula).backward(at)
    lines = [plain(line) for line in gradient_lines(result, joint=joint)]
    assert any(written in line for line in lines), lines


@pytest.mark.parametrize("formula, label, latex", [
    ("E = ½(t − o)²", "1/2", r"\frac{1}{2}"), (r"E = \frac{1}{2}(t - o)^2", "1/2", r"\frac{1}{2}"),
    ("E = 1/2 (t − o)² + ⅓ t", "1/3", r"\frac{1}{3}"), ("E = 0.5 (t − o)²", "0.5", "0.5"),
    ("E = −1/2 (t − o)²", "−1/2", r"-\frac{1}{2}"),
])
def test_a_fraction_written_in_the_formula_is_one_constant_in_the_figure_and_the_derivation(formula, label, latex
                                                                                            ) -> None:
    """``½``, ``1/2`` and ``\\frac{1}{2}`` are drawn as one constant labelled as written (``1/2``, no division node
    of two numbers), and the derivation's LaTeX writes the fraction (``\\frac{1}{2}``, not 0.5)."""
    from gradviz.render.figure import Figure

    result = gradviz.parse(formula).backward({"t": 1.0, "o": 0.25})
    assert not any(n.op == "div" for n in result.graph.nodes.values())
    figure = Figure(result)
    svg = figure.render(figure.frames[-1]).data.decode()
    labels = [html.unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]
    assert label in labels, labels
    title = write(title_relation(result), LATEX)
    assert latex in title and (latex == "0.5") == ("0.5" in title), title


@pytest.mark.parametrize("formula, at", [
    ("P = exp(a) + exp(b); o = log(P); L = −n o", {"a": 1, "b": 2, "n": 0.5}),
    ("L = −log(exp(z1)/(exp(z1) + exp(z2)))", {"z1": 1, "z2": 2}),
    ("s = √(v + ε); L = (x − m)/s", {"v": 1, "ε": 0.1, "x": 2, "m": 1}),
    *EXAMPLES,
])
def test_a_fraction_as_a_factor_in_latex_needs_no_brackets(formula, at) -> None:
    """LaTeX sets a fraction apart by itself: a chain reads ``-n \\cdot \\frac{1}{P}``, never
    ``\\left(\\frac{1}{P}\\right)`` (brackets the Unicode text ``(−n)·(1/P)`` needs)."""
    result = gradviz.parse(formula).backward(at)
    tex = every_latex(result)
    assert r"\frac" in tex
    assert not re.search(r"\\left\(\\frac\{[^{}]*\}\{[^{}]*\}\\right\)", tex), tex


@pytest.mark.parametrize("formula, at", [
    ("P = exp(a) + exp(b); o = log(P); L = −n o", {"a": 1, "b": 2, "n": 0.5}),
    ("L = −log(exp(z1)/(exp(z1) + exp(z2)))", {"z1": 1, "z2": 2}),
    (r"L = -\log\frac{e^{z_1}}{e^{z_1} + e^{z_2} + e^{z_3}}", {"z_1": 1, "z_2": 2, "z_3": 0.5}),
    ("s = σ(w x); L = (s − y)² + exp(−w)", {"w": 0.5, "x": 1, "y": 1}),
])
def test_latex_writes_exp_one_way(formula, at) -> None:
    """The graph's exp nodes are written \\exp(…); what sympy derives is written the same way, never e^{…} beside
    them in one derivation (a student would read two functions)."""
    result = gradviz.parse(formula).backward(at)
    tex = every_latex(result)
    assert r"\exp" in tex and "e^{" not in tex, tex


@pytest.mark.parametrize("formula", [
    "h1 = tanh(a h0 + b g0 + u x1); g1 = tanh(c h0 + d g0 + v x1)\n"
    "h2 = tanh(a h1 + b g1 + u x2); g2 = tanh(c h1 + d g1 + v x2); L = (p h2 + q g2 − y)²",
    "h = σ(w x + b); L = 3(v h + c − y)²",
    "z = w1 x1 + w2 x2; L = (z − y)² + 2(w1² + w2²)",
])
def test_a_number_shared_by_a_sums_terms_stays_outside_it(formula) -> None:
    """A factor 2c whose c is written out reads 2(ph₂ + qg₂ − y), never 2ph₂ + 2qg₂ − 2y (sympy multiplies a number
    into a sum): in every caption, derivation line and gradient line."""
    graph = gradviz.parse(formula)
    spread = re.compile(r"(?<![\w.])(\d+)[^\W\d][^\s()+−=·]*( [+−] \1[^\W\d][^\s()+−=·]*)+(?![\w(])")
    for line in every_line(formula, {name: 0.3 + 0.1 * k for k, name in enumerate(graph.inputs)}):
        assert not spread.search(line), line
