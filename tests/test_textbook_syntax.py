"""Textbook spellings from slides (issue 13), each checked against an independent sympy oracle."""

from __future__ import annotations

import math
import re

import pytest
import sympy as sp

from gradviz import parse
from gradviz.errors import ParseError


def check(text: str, oracle: sp.Expr, point: dict[str, float]) -> None:
    """gradviz's value and gradients of ``text`` equal sympy's of ``oracle`` at ``point`` (1e-9 relative)."""
    graph = parse(text)
    result = graph.backward(point)
    symbols = {name: sp.Symbol(name) for name in point}
    at = {symbols[name]: sp.Float(value, 30) for name, value in point.items()}
    assert set(graph.inputs) == {str(s) for s in oracle.free_symbols}, (graph.inputs, oracle)
    assert math.isclose(result.value, float(oracle.subs(at)), rel_tol=1e-9, abs_tol=1e-12), text
    for name in graph.inputs:
        want = float(sp.diff(oracle, symbols[name]).subs(at))
        assert math.isclose(result.grad[name], want, rel_tol=1e-9, abs_tol=1e-12), (text, name)


@pytest.mark.parametrize("text, name", [
    ("y_hat", "ŷ"), ("yhat", "ŷ"), ("y_hat1", "ŷ1"), ("ybar", "ȳ"), ("y_pred", "y_pred"), ("net_{h1}", "net_h1"),
    ("out_{o1}", "out_o1"), ("w_{ij}", "w_ij"), ("θᵢ", "θ_i"), ("xⱼ", "x_j"), ("theta_i", "θ_i"),
    ("\\theta_{ij}", "θ_ij"), ("\\ell", "ℓ"), ("net_h1", "net_h1"), ("\\hat{y}_{pred}", "ŷ_pred"),
])
def test_word_subscripts_and_accent_words_are_one_name(text: str, name: str) -> None:
    assert parse(text).inputs == (name,)


def test_an_underscore_joins_but_latex_chains_split() -> None:
    assert parse("x_iy_i").inputs == ("x_i", "y_i")
    assert parse("w_{ij}x_j").inputs == ("w_ij", "x_j")
    assert parse("θ1θ2x").inputs == ("θ1", "θ2", "x")
    assert parse("leaky_relu(x_in)").inputs == ("x_in",)


def test_named_outputs_and_program_names() -> None:
    y, p, w, x = sp.symbols("y y_pred w x")
    check("y_pred = w x; L = (y_pred - y)^2", (w * x - y) ** 2, {"w": 0.5, "x": 3.0, "y": 1.0})
    assert parse("\\text{net}_{h1} = w x").output == "net_h1"
    assert parse("\\mathrm{loss} = (y - t)^2").output == "loss"
    assert parse("\\ell = (y - t)^2").output == "ℓ"
    yhat = sp.Symbol("ŷ")
    check("-y log(y_hat) - (1 - y) log(1 - yhat)", -y * sp.log(yhat) - (1 - y) * sp.log(1 - yhat),
          {"y": 1.0, "ŷ": 0.8})


def test_bad_subscripts_say_where() -> None:
    with pytest.raises(ParseError) as info:
        parse("x_{a+b}")
    assert info.value.column == 2 and "subscript" in info.value.message


X, Y, Z = sp.symbols("x y z")
AT = {"x": 0.7, "y": 1.3, "z": -0.4}


@pytest.mark.parametrize("text, oracle", [
    ("\\sin 2x", sp.sin(2 * X)), ("\\log 2x", sp.log(2 * X)), ("\\ln 3y", sp.log(3 * Y)),
    ("\\sin x \\cos y", sp.sin(X) * sp.cos(Y)), ("\\log 2x + y", sp.log(2 * X) + Y), ("\\log x / y", sp.log(X) / Y),
    ("\\sin x^2 y", sp.sin(X**2 * Y)), ("2 \\tanh x y", 2 * sp.tanh(X * Y)), ("\\exp -x y", sp.exp(-X * Y)),
    ("\\sigma^2(x)", (1 / (1 + sp.exp(-X))) ** 2), ("\\sin^2 x", sp.sin(X) ** 2), ("\\tanh^{2}(x)", sp.tanh(X) ** 2),
    ("sin² x y", sp.sin(X * Y) ** 2), ("σ^2(z) + \\cos^3 2x", (1 / (1 + sp.exp(-Z))) ** 2 + sp.cos(2 * X) ** 3),
    ("\\log^2 x \\sin y", sp.log(X) ** 2 * sp.sin(Y)),
])
def test_function_arguments_and_powers_follow_the_textbook(text: str, oracle: sp.Expr) -> None:
    check(text, oracle, {str(s): AT[str(s)] for s in oracle.free_symbols})


@pytest.mark.parametrize("text, fragment", [
    ("\\sin^{-1} x", "negative power"), ("\\tanh^{-1}(x)", "negative power"), ("\\sin^x y", "must be a number"),
    ("θ^T x", "transpose"), ("θ^{T} x", "transpose"), ("θ^\\top x", "transpose"), ("θ^⊤ x", "transpose"),
    ("θᵀx", "transpose"),
])
def test_inverse_functions_and_transposes_are_clear_errors(text: str, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    assert fragment in info.value.message and info.value.line == 1 and info.value.column > 1


@pytest.mark.parametrize("text, column, marked", [
    ("\\min_{w} (w - 1)^2", 1, "\\min_"), ("J = \\max_{\\theta} \\log(\\theta)", 5, "\\max_"),
    ("\\arg\\min_w (w - 1)^2", 1, "\\arg"), ("\\argmax_w w", 1, "\\argmax"),
    ("\\operatorname*{argmin}_{w} (w - 1)^2", 1, "\\operatorname*{argmin}"),
    ("\\operatorname{arg\\,min}_w w", 1, "\\operatorname{arg\\,min}"),
    ("\\operatorname*{max}_w w", 1, "\\operatorname*{max}"), ("min_w (w - 1)^2", 1, "min_"),
    ("L = argmax_θ log(θ)", 5, "argmax_"),
])
def test_an_objective_pasted_with_its_optimisation_asks_for_the_function(text: str, column: int, marked: str) -> None:
    """A lecture's objective (``\\min_{w}``, ``\\arg\\max_θ``) is refused naming the optimisation and where it
    is, not as a stray subscript: what to paste is what follows it."""
    with pytest.raises(ParseError) as info:
        parse(text)
    message = info.value.message
    assert "optimisation over a variable" in message and "paste the function it optimises" in message, message
    assert (info.value.line, info.value.column) == (1, column) and marked in message


@pytest.mark.parametrize("text, oracle", [
    ("\\min(x, y)", sp.Min(X, Y)), ("\\operatorname*{max}(x, y)", sp.Max(X, Y)),
    ("\\operatorname*{tanh}(x) + y", sp.tanh(X) + Y),
])
def test_min_and_max_of_values_stay_functions(text: str, oracle: sp.Expr) -> None:
    check(text, oracle, {str(s): AT[str(s)] for s in oracle.free_symbols})


def sigmoid(z: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-z))


THETA, A, B = sp.symbols("θ a b")


@pytest.mark.parametrize("text, output, oracle", [
    ("f(x) = x² + 2x", "f", X**2 + 2 * X), ("J(θ) = (θ − 3)²", "J", (THETA - 3) ** 2),
    ("σ(z) = \\frac{1}{1+e^{-z}}", "σ", sigmoid(Z)), ("\\sigma(z) = \\frac{1}{1+e^{-z}}", "σ", sigmoid(Z)),
    ("\\mathcal{L}(θ) = (θ − 1)^2", "L", (THETA - 1) ** 2), ("h(x, y) = x y + \\sin x", "h", X * Y + sp.sin(X)),
])
def test_a_definition_names_the_output(text: str, output: str, oracle: sp.Expr) -> None:
    assert parse(text).output == output
    check(text, oracle, {str(s): {"θ": 1.7, "a": 0.3, "b": -1.1, **AT}[str(s)] for s in oracle.free_symbols})


def test_defined_functions_are_inlined_where_applied() -> None:
    check("f(x) = x²; L = f(a) + f(b)", A**2 + B**2, {"a": 0.3, "b": -1.1})
    check("f(x, y) = x y^2; g(t) = f(t, t) + 1; L = g(a) f(b, a)", (A**3 + 1) * B * A**2, {"a": 0.3, "b": -1.1})
    check("σ(z) = 1/(1 + e^{-z}); L = σ(a b)", sigmoid(A * B), {"a": 0.3, "b": -1.1})
    assert [n.op for n in parse("f(x) = x²; L = f(a) + f(b)").nodes.values() if n.kind == "op"] == [
        "powc", "powc", "add"]


def test_a_bound_activation_is_that_function() -> None:
    x1, x2 = sp.symbols("x1 x2")
    v1, v2 = sigmoid(-0.5 + x1 - x2), sigmoid(-0.5 - x1 + x2)
    slide = "g = σ; v1 = g(−0.5 + x1 − x2); v2 = g(−0.5 − x1 + x2); y = g(−0.5 + v1 + v2)"
    check(slide, sigmoid(-0.5 + v1 + v2), {"x1": 1.0, "x2": 0.0})
    check("g = \\tanh\nL = g(x) + g y", sp.tanh(X) + sp.tanh(Y), {"x": 0.7, "y": 1.3})
    check("act = ReLU; L = act(x - y)", sp.Max(0, X - Y), {"x": 1.7, "y": 1.3})


@pytest.mark.parametrize("text, column, fragment", [
    ("v1 = g(−0.5 + x1 − x2)", 6, "g is used as a function; bind it, e.g. g = σ, or write g·(…) for a product"),
    ("f(x) + 1", 1, "f is used as a function"),
    ("f(x) = x; L = f(a, b)", 15, "'f' takes 1 argument (x), got 2"),
    ("f(x) = x; L = a", 1, "defined but never applied"),
    ("f(x) = f(x) + 1; L = f(a)", 8, "applied in its own definition"),
    ("f(x) = x; f(y) = y; L = f(a)", 11, "already defined"),
    ("f(x, x) = x", 3, "each parameter"),
])
def test_function_errors_say_what_to_write(text: str, column: int, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    assert fragment in info.value.message and info.value.column == column, info.value.message


def test_other_letters_before_parentheses_stay_products() -> None:
    check("p(1 − p)", sp.Symbol("p") * (1 - sp.Symbol("p")), {"p": 0.3})
    check("x = a + 1; L = x(1 - x)", (A + 1) * (1 - (A + 1)), {"a": 0.3})


@pytest.mark.parametrize("entry, g", [("xor", lambda z: sp.Integer(1) if z > 0 else sp.Integer(0)),
                                      ("xor-sigmoid", sigmoid)])
def test_the_xor_gallery_sources_are_the_slide(entry: str, g) -> None:
    from gradviz.outputs.gallery import ENTRIES, XOR_SLIDE

    source = next(e.source for e in ENTRIES if e.name == entry)
    assert source.endswith(XOR_SLIDE) and XOR_SLIDE.startswith("v1 = g(−0.5 + x1 − x2)")
    x1, x2 = sp.symbols("x1 x2")
    for point in [(0, 0), (1, 0), (0, 1), (1, 1)]:
        at = dict(zip((x1, x2), map(sp.Integer, point)))
        v1, v2 = g((-sp.Rational(1, 2) + x1 - x2).subs(at)), g((-sp.Rational(1, 2) - x1 + x2).subs(at))
        assert math.isclose(parse(source).backward(dict(zip(("x1", "x2"), map(float, point)))).value,
                            float(g(-sp.Rational(1, 2) + v1 + v2)), rel_tol=1e-12)
    if entry == "xor-sigmoid":
        y = sigmoid(-0.5 + sigmoid(-0.5 + x1 - x2) + sigmoid(-0.5 - x1 + x2))
        check(source, y, {"x1": 1.0, "x2": 0.0})


@pytest.mark.parametrize("text, oracle", [
    ("½ x^2", X**2 / 2), ("⅓x + ¼y + ¾ + ⅞z", X / 3 + Y / 4 + sp.Rational(3, 4) + sp.Rational(7, 8) * Z),
    ("√x", sp.sqrt(X)), ("√(x + y)", sp.sqrt(X + Y)), ("∛x", X ** sp.Rational(1, 3)), ("∜(x + y)", (X + Y) ** sp.Rational(1, 4)),
    ("\\frac12 x", X / 2), ("\\tfrac12 (x - y)^2", (X - Y) ** 2 / 2), ("\\dfrac 3 4 y", 3 * Y / 4),
    ("\\Big( x + y \\Big) z", (X + Y) * Z), ("\\bigl( x \\bigr) \\Bigl[ y \\Bigr]", X * Y),
    ("\\biggl( x \\biggr) + \\Biggl( y \\Biggr)", X + Y), ("\\max\\{0, z\\} + \\{x + y\\}", sp.Max(0, Z) + X + Y),
    ("x ∙ y ∗ z", X * Y * Z),
])
def test_symbols_from_slides(text: str, oracle: sp.Expr) -> None:
    check(text, oracle, {str(s): {"x": 0.7, "y": 1.3, "z": 0.4}[str(s)] for s in oracle.free_symbols})


def test_params_takes_an_image_size() -> None:
    from click.testing import CliRunner

    from gradviz.cli import cli

    for spec in ("100x100-1000-1000-1000-10", "100×100-1000-1000-1000-10", "10000-1000-1000-1000-10"):
        out = CliRunner().invoke(cli, ["params", spec]).output
        assert out.startswith(f"{10000 * 1000 + 1000 * 1000 * 2 + 1000 * 10 + 3010:,} parameters"), out


def _indexed(name: str, n: int) -> list[sp.Symbol]:
    return [sp.Symbol(f"{name}{k}") for k in range(1, n + 1)]


def test_sums_and_products_over_an_index_are_written_out() -> None:
    y, x, z, w = _indexed("y", 3), _indexed("x", 3), _indexed("z", 3), sp.Symbol("θ")
    yh = _indexed("ŷ", 2)
    at = {**{f"y{k}": 0.2 * k for k in (1, 2, 3)}, **{f"x{k}": 1.1 - 0.3 * k for k in (1, 2, 3)},
          **{f"z{k}": 0.5 * k - 0.7 for k in (1, 2, 3)}, "θ": 0.9, "ŷ1": 0.3, "ŷ2": 0.6, "b": 0.4}
    pick = lambda expr: {str(s): at[str(s)] for s in expr.free_symbols}  # noqa: E731
    cases = [
        ("\\sum_{i=1}^{3} (y_i − θx_i)^2", sum((y[k] - w * x[k]) ** 2 for k in range(3))),
        ("-\\sum_{i=1}^{2} y_i \\log(\\hat{y}_i)", -sum(y[k] * sp.log(yh[k]) for k in range(2))),
        ("\\frac{e^{z_1}}{\\sum_{j=1}^{3} e^{z_j}}", sp.exp(z[0]) / sum(sp.exp(v) for v in z)),
        ("Σ_{i=1}^{3} x_i + b", sum(x) + sp.Symbol("b")), ("∑_{i=1}^3 i x_i", x[0] + 2 * x[1] + 3 * x[2]),
        ("sum_{i=1}^{3} x_i y_i", sum(a * c for a, c in zip(x, y))), ("\\prod_{k=1}^{3} x_k", x[0] * x[1] * x[2]),
        ("∏_{k=2}^{3} (1 + z_k)", (1 + z[1]) * (1 + z[2])),
        ("\\sum_{i=1}^{2}\\sum_{j=1}^{3} y_i x_j", sum(y[:2]) * sum(x)),
    ]
    for text, oracle in cases:
        check(text, oracle, pick(oracle))


@pytest.mark.parametrize("text, fragment", [
    ("-\\sum_i y_i \\log(\\hat{y}_i)", "numbers as bounds"), ("\\sum_{i=1}^{n} x_i", "numbers as bounds"),
    ("\\sum_{i=3}^{1} x_i", "no terms"), ("\\sum_{i=1}^{3}", "expected what"), ("\\sum_ x", "expected an index"),
    ("\\sum x_i", "needs an index with numbers as bounds"), ("f_1(x) + 1", "f1 is used as a function"),
])
def test_sums_without_numeric_bounds_ask_for_them(text: str, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    assert fragment in info.value.message


def test_softmax_k_is_the_kth_element() -> None:
    z = _indexed("z", 3)
    total = sum(sp.exp(v) for v in z)
    at = {"z1": 1.0, "z2": 2.0, "z3": 0.5}
    check("-\\log(softmax_2(z1, z2, z3))", -sp.log(sp.exp(z[1]) / total), at)
    check("softmax_{1}(z1, z2, z3) + softmax_3(z1, z2, z3)", (sp.exp(z[0]) + sp.exp(z[2])) / total, at)
    check("softmax_ce(z1, z2, y1, y2)", -sp.Symbol("y1") * sp.log(sp.exp(z[0]) / (sp.exp(z[0]) + sp.exp(z[1])))
          - sp.Symbol("y2") * sp.log(sp.exp(z[1]) / (sp.exp(z[0]) + sp.exp(z[1]))), {"z1": 1.0, "z2": 2.0, "y1": 0.0, "y2": 1.0})
    for text, fragment in [("softmax(z1, z2)", "vector function"), ("softmax_4(z1, z2)", "counts from 1"),
                           ("softmax_1 z", "needs parentheses")]:
        with pytest.raises(ParseError) as info:
            parse(text)
        assert fragment in info.value.message


def test_a_binding_alone_is_no_output() -> None:
    with pytest.raises(ParseError) as info:
        parse("g = σ")
    assert "only names a function" in info.value.message


def _readme_rows() -> list[tuple[str, str]]:
    from pathlib import Path

    page = (Path(__file__).resolve().parents[1] / "docs" / "syntax.md").read_text(encoding="utf-8")
    table = page.split("## What a lecturer types", 1)[1].split("\n\n`θ^T x`", 1)[0]
    rows = []
    for line in table.splitlines():
        if line.startswith("| `"):
            typed, read = line.split(" | ")[:2]
            for spelling in typed.strip("| ").split("` ")[0].split("`, `"):
                rows.append((spelling.strip("`"), read.strip("`| ")))
    return rows


@pytest.mark.parametrize("typed, read", _readme_rows())
def test_the_syntax_page_table_reads_as_it_says(typed: str, read: str) -> None:
    mine, theirs = parse(typed), parse(read)
    assert set(mine.inputs) == set(theirs.inputs)
    point = {name: 0.3 + 0.1 * k for k, name in enumerate(sorted(mine.inputs))}
    a, b = mine.backward(point), theirs.backward(point)
    assert math.isclose(a.value, b.value, rel_tol=1e-12)
    for name in mine.inputs:
        assert math.isclose(a.grad[name], b.grad[name], rel_tol=1e-9, abs_tol=1e-15), name
    assert len(_readme_rows()) >= 40


def test_h_before_parentheses_multiplies() -> None:
    h = sp.Symbol("h")
    check("h(1 − h)", h * (1 - h), {"h": 0.3})


def test_a_sum_without_bounds_runs_over_the_indexed_values() -> None:
    y, yh = _indexed("y", 3), _indexed("ŷ", 3)
    oracle = -sum(a * sp.log(b) for a, b in zip(y, yh))
    at = {"y1": 1.0, "y2": 0.0, "y3": 0.0, "ŷ1": 0.7, "ŷ2": 0.2, "ŷ3": 0.1}
    graph = parse("-\\sum_i y_i \\log(\\hat{y}_i)", at=at)
    assert set(graph.inputs) == set(at)
    result = graph.backward(at)
    point = {sp.Symbol(k): v for k, v in at.items()}
    assert math.isclose(result.value, float(oracle.subs(point)), rel_tol=1e-12)
    for name in at:
        assert math.isclose(result.grad[name], float(sp.diff(oracle, sp.Symbol(name)).subs(point)), rel_tol=1e-9)
    assert parse("\\sum_{i=2}^{n} x_i", at={"x_1": 1, "x_2": 2, "x_3": 3}).inputs == ("x2", "x3")


@pytest.mark.slow
def test_a_sum_without_bounds_in_the_shell() -> None:
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", "from gradviz.cli import main; main()", "grad",
                           "-\\sum_j y_j \\log(p_j)", "--at", "y1=0;y2=1;p1=0.25;p2=0.75", "--json"],
                          capture_output=True, text=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert math.isclose(data["value"], -math.log(0.75), rel_tol=1e-12)
    assert math.isclose(data["grad"]["p2"], -1 / 0.75, rel_tol=1e-12) and data["grad"]["p1"] == 0


def test_softmax_k_prints_its_element_and_reads_back() -> None:
    from gradviz.syntax.printer import to_text

    graph = parse("softmax_2(z1, z2, z3) + softmax_{1}(z1, z2)")
    text = to_text(graph)
    assert "softmax_2(z1, z2, z3)" in text and "softmax_1(z1, z2)" in text
    at = {"z1": 1.0, "z2": 2.0, "z3": 0.0}
    assert parse(text).backward(at).value == graph.backward(at).value
    from gradviz.outputs.report import grad_table

    assert "a = softmax₂(z1, z2, z3) = " in grad_table(graph.backward(at))


def test_builtin_names_can_be_defined_and_vert_bars_group() -> None:
    check("ReLU(z) = \\max(0, z)", sp.Max(0, Z), {"z": 0.4})
    check("ReLU(z) = \\max(0, z); L = ReLU(x - 1) + ReLU(2 y)", sp.Max(0, X - 1) + sp.Max(0, 2 * Y), {"x": 0.7, "y": 1.3})
    check("\\sigma(z) = 1/(1 + e^{-z}); L = \\sigma(x) + σ(y)", sigmoid(X) + sigmoid(Y), {"x": 0.7, "y": 1.3})
    check("\\ell(\\hat y, y) = -y\\log\\hat y - (1-y)\\log(1-\\hat y)",
          -Y * sp.log(sp.Symbol("ŷ")) - (1 - Y) * sp.log(1 - sp.Symbol("ŷ")), {"y": 1.0, "ŷ": 0.8})
    check("\\lvert x \\rvert + \\vert y \\vert", -X + Y, {"x": -0.7, "y": 1.3})  # |x| = −x at x < 0
    assert parse("\\ell(\\hat y, y) = -y\\log\\hat y").output == "ℓ"


@pytest.mark.slow
def test_nested_sums_cannot_blow_up() -> None:
    with pytest.raises(ParseError) as info:
        parse("\\sum_{i=1}^{9999}\\sum_{j=1}^{9999}\\sum_{k=1}^{9999} x_{ijk}")
    assert "too long" in info.value.message


# -- issue 23: formulas pasted as the books print them ------------------------------------------------------

def S(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def agrees(text: str, oracle: sp.Expr, point: dict[str, float], output: str | None = None) -> None:
    """``text`` (parsed with ``point`` as the values to come) has ``oracle``'s inputs, value and gradients
    (sympy.diff), and its gradients match central differences of its own values."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a formula as printed is read without a "did you mean"
        graph = parse(text, at=point)
    assert set(graph.inputs) == {str(s) for s in oracle.free_symbols}, (text, graph.inputs, oracle)
    if output is not None:
        assert graph.output == output, (text, graph.output)
    at = {S(name): sp.Float(value, 30) for name, value in point.items() if name in graph.inputs}
    result = graph.backward({name: point[name] for name in graph.inputs})
    assert math.isclose(result.value, float(oracle.subs(at)), rel_tol=1e-9, abs_tol=1e-12), (text, result.value)
    for name in graph.inputs:
        want = float(sp.diff(oracle, S(name)).subs(at))
        assert math.isclose(result.grad[name], want, rel_tol=1e-8, abs_tol=1e-10), (text, name)
        h = 1e-6
        up = {n: point[n] + (h if n == name else 0) for n in graph.inputs}
        down = {n: point[n] - (h if n == name else 0) for n in graph.inputs}
        fd = (graph.backward(up, symbolic=False).value - graph.backward(down, symbolic=False).value) / (2 * h)
        assert math.isclose(result.grad[name], fd, rel_tol=1e-5, abs_tol=1e-6), (text, name, fd)


def sig(z: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-z))


W2, B2, H, X_, W1, B1 = (S(n) for n in ("W^(2)", "b^(2)", "H", "X", "W^(1)", "b^(1)"))
THETA0, THETA1 = S("θ0"), S("θ1")
ALPHA, BETA, GAMMA, EPS = S("α"), S("β"), S("γ"), S("ε")
P = {"H": 0.5, "W^(2)": 0.3, "b^(2)": 0.1, "X": 0.7, "W^(1)": -0.4, "b^(1)": 0.2, "x": 0.8, "y": 0.3, "β": 1.5,
     "α": 0.6, "z": -0.7, "a": 0.45, "θ": 0.9, "θ0": 0.2, "θ1": -0.6, "scale": 1.05, "var": 0.4, "eps": 0.01,
     "input": 0.9, "target": 0.2, "γ": 1.2, "ε": 1e-3, "t": 3.0, "k": 1.7, "L": 2.0, "x0": 0.3, "μ": 0.25,
     "σ": 0.8, "P": 2.0, "P0": 0.5, "w_n": 0.7, "x_n": 0.6, "y_n": 1.0}


def at(*names: str, **more: float) -> dict[str, float]:
    return {**{n: P[n] for n in names}, **more}


#: (source, formula exactly as printed, the meaning written by hand with sympy, values, output name)
SPELLINGS = [
    # superscript indices
    ("d2l 5.1 (MLP output layer)", r"\mathbf{O} = \mathbf{H}\mathbf{W}^{(2)} + \mathbf{b}^{(2)}", H * W2 + B2,
     at("H", "W^(2)", "b^(2)"), "O"),
    ("d2l 5.1 (MLP hidden layer)", r"\mathbf{H} = \sigma(\mathbf{X} \mathbf{W}^{(1)} + \mathbf{b}^{(1)})",
     sig(X_ * W1 + B1), at("X", "W^(1)", "b^(1)"), "H"),
    ("Ng, Deep Learning Specialization C1W3", r"Z^{[2]} = W^{[2]}A^{[1]} + b^{[2]}",
     S("W^[2]") * S("A^[1]") + S("b^[2]"), {"W^[2]": 0.3, "A^[1]": 0.5, "b^[2]": 0.1}, "Z^[2]"),
    ("Ng, Deep Learning Specialization C1W3", r"a^{[1]} = \tanh(z^{[1]})", sp.tanh(S("z^[1]")), {"z^[1]": 0.4},
     "a^[1]"),
    ("3Blue1Brown, Backpropagation calculus", "z^{(L)} = w^{(L)} a^{(L-1)} + b^{(L)}\na^{(L)} = \\sigma(z^{(L)})\n"
     "C_0 = (a^{(L)} - y)^2", (sig(S("w^(L)") * S("a^(L-1)") + S("b^(L)")) - S("y")) ** 2,
     {"w^(L)": 0.8, "a^(L-1)": 0.6, "b^(L)": -0.2, "y": 1.0}, "C0"),
    ("Goodfellow et al., Algorithm 6.3",
     r"\boldsymbol{a}^{(k)} = \boldsymbol{b}^{(k)} + \boldsymbol{W}^{(k)}\boldsymbol{h}^{(k-1)}",
     S("b^(k)") + S("W^(k)") * S("h^(k-1)"), {"b^(k)": 0.1, "W^(k)": -0.7, "h^(k-1)": 0.9}, "a^(k)"),
    ("d2l 3.1 (squared loss of example i)", r"l^{(i)}(\mathbf{w}, b) = \frac{1}{2} \left(\hat{y}^{(i)} - y^{(i)}\right)^2",
     (S("ŷ^(i)") - S("y^(i)")) ** 2 / 2, {"ŷ^(i)": 0.9, "y^(i)": 0.4}, "l^(i)"),
    ("CS229 notes, least squares (one feature)",
     "h_\\theta(x) = \\theta_0 + \\theta_1 x\nJ(\\theta) = \\frac{1}{2}\\sum_{i=1}^{n}\\left(h_\\theta(x^{(i)}) - y^{(i)}\\right)^2",
     sum((THETA0 + THETA1 * S(f"x^({i})") - S(f"y^({i})")) ** 2 for i in (1, 2)) / 2,
     at("θ0", "θ1", **{"x^(1)": 1.0, "x^(2)": 2.0, "y^(1)": 0.5, "y^(2)": 0.1}), "J"),
    ("3Blue1Brown captions, Unicode", "a⁽ᴸ⁾ = σ(z⁽ᴸ⁾)", sig(S("z^(L)")), {"z^(L)": 0.3}, "a^(L)"),
    ("Ng, vectorised over examples", r"\frac{1}{2}\sum_{i=1}^{2} (a^{[2](i)} - y^{(i)})^2",
     sum((S(f"a^[2]({i})") - S(f"y^({i})")) ** 2 for i in (1, 2)) / 2,
     {"a^[2](1)": 0.7, "a^[2](2)": 0.2, "y^(1)": 1.0, "y^(2)": 0.0}, None),
    # words in \text{…}, \mathrm{…}, \operatorname{…}
    ("PyTorch docs, Mish", r"\text{Mish}(x) = x * \text{Tanh}(\text{Softplus}(x))",
     S("x") * sp.tanh(sp.log(1 + sp.exp(S("x")))), at("x"), "Mish"),
    ("PyTorch docs, Softplus", r"\text{Softplus}(x) = \frac{1}{\beta} * \log(1 + \exp(\beta * x))",
     sp.log(1 + sp.exp(BETA * S("x"))) / BETA, at("x", "β"), "Softplus"),
    ("PyTorch docs, ELU", r"\text{ELU}(x) = \max(0,x) + \min(0, \alpha * (\exp(x) - 1))",
     sp.Max(0, S("x")) + sp.Min(0, ALPHA * (sp.exp(S("x")) - 1)), at("α", x=-0.8), "ELU"),
    ("PyTorch docs, CELU", r"\text{CELU}(x) = \max(0,x) + \min(0, \alpha * (\exp(x/\alpha) - 1))",
     sp.Max(0, S("x")) + sp.Min(0, ALPHA * (sp.exp(S("x") / ALPHA) - 1)), at("α", x=-0.8), "CELU"),
    ("PyTorch docs, SELU", r"\text{SELU}(x) = \text{scale} * (\max(0,x) + \min(0, \alpha * (\exp(x) - 1)))",
     S("scale") * (sp.Max(0, S("x")) + sp.Min(0, ALPHA * (sp.exp(S("x")) - 1))), at("scale", "α", x=-0.8), "SELU"),
    ("PyTorch docs, SiLU", r"\text{silu}(x) = x * \sigma(x)", S("x") * sig(S("x")), at("x"), "silu"),
    ("PyTorch docs, Tanhshrink", r"\text{Tanhshrink}(x) = x - \tanh(x)", S("x") - sp.tanh(S("x")), at("x"),
     "Tanhshrink"),
    ("PyTorch docs, LogSigmoid", r"\text{LogSigmoid}(x) = \log\left(\frac{ 1 }{ 1 + \exp(-x)}\right)",
     sp.log(1 / (1 + sp.exp(-S("x")))), at("x"), "LogSigmoid"),
    ("PyTorch docs, Softsign", r"\text{SoftSign}(x) = \frac{x}{ 1 + |x|}", S("x") / (1 + sp.Abs(S("x"))), at("x"),
     "SoftSign"),
    ("PyTorch docs, GELU (tanh approximation)",
     r"\text{GELU}(x) = 0.5 * x * (1 + \text{Tanh}(\sqrt{2 / \pi} * (x + 0.044715 * x^3)))",
     sp.Rational(1, 2) * S("x") * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (S("x") + sp.Rational(44715, 10**6) * S("x") ** 3))),
     at("x"), "GELU"),
    ("PyTorch docs, GaussianNLLLoss (without its constant)",
     r"\text{loss} = \frac{1}{2}\left(\log\left(\text{max}\left(\text{var}, \ \text{eps}\right)\right) + "
     r"\frac{\left(\text{input} - \text{target}\right)^2} {\text{max}\left(\text{var}, \ \text{eps}\right)}\right)",
     (sp.log(sp.Max(S("var"), S("eps"))) + (S("input") - S("target")) ** 2 / sp.Max(S("var"), S("eps"))) / 2,
     at("var", "eps", "input", "target"), "loss"),
    ("PyTorch docs, BCELoss", r"l_n = - w_n \left[ y_n \cdot \log x_n + (1 - y_n) \cdot \log (1 - x_n) \right]",
     -S("w_n") * (S("y_n") * sp.log(S("x_n")) + (1 - S("y_n")) * sp.log(1 - S("x_n"))), at("w_n", "x_n", "y_n"),
     "l_n"),
    ("course blog, MSE with a word subscript", r"\text{MSE} = \frac{1}{2}(y - y_{\text{pred}})^2",
     (S("y") - S("y_pred")) ** 2 / 2, at("y", y_pred=0.9), "MSE"),
    # definitions as printed
    ("Nielsen, NNDL ch. 1 eq. (3)", r"\sigma(z) \equiv \frac{1}{1+e^{-z}}", sig(S("z")), at("z"), "σ"),
    ("Nielsen, NNDL ch. 1 eq. (4)", r"\frac{1}{1+\exp(-\sum_j w_j x_j-b)}",
     1 / (1 + sp.exp(-(S("w1") * S("x1") + S("w2") * S("x2")) - S("b"))),
     {"w1": 0.4, "w2": -0.3, "x1": 1.0, "x2": 0.5, "b": 0.1}, None),
    ("papers' definitions", r"\sigma(x) \coloneqq \frac{1}{1 + e^{-x}}", sig(S("x")), at("x"), "σ"),
    ("Bishop PRML (1.1), (1.2)",
     "y(x, \\mathbf{w}) = \\sum_{j=0}^{M} w_j x^j\nE(\\mathbf{w}) = \\frac{1}{2}\\sum_{n=1}^{N} \\{y(x_n, \\mathbf{w}) - t_n\\}^2",
     sum((sum(S(f"w{j}") * S(f"x{n}") ** j for j in range(3)) - S(f"t{n}")) ** 2 for n in (1, 2)) / 2,
     {"w0": 0.1, "w1": -0.5, "w2": 0.3, "x1": 0.4, "x2": 1.2, "t1": 0.2, "t2": -0.1}, "E"),
    ("Bishop PRML (4.59)", r"\sigma(a) = \frac{1}{1 + \exp(-a)}", sig(S("a")), at("a"), "σ"),
    ("Bishop PRML (5.59)", r"\tanh(a) = \frac{e^a - e^{-a}}{e^a + e^{-a}}",
     (sp.exp(S("a")) - sp.exp(-S("a"))) / (sp.exp(S("a")) + sp.exp(-S("a"))), at("a"), "tanh"),
    ("Wikipedia, Logistic function", r"f(x) = \frac{L}{1 + e^{-k(x - x_0)}}",
     S("L") / (1 + sp.exp(-S("k") * (S("x") - S("x0")))), at("L", "k", "x", "x0"), "f"),
    ("CS231n notes, backprop (2-D neuron)", r"f(w,x) = \frac{1}{1+e^{-(w_0x_0 + w_1x_1 + w_2)}}",
     sig(S("w0") * S("x0") + S("w1") * S("x1") + S("w2")), {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0},
     "f"),
    ("CS231n notes, backprop in practice", r"f(x,y) = \frac{x + \sigma(y)}{\sigma(x) + (x+y)^2}",
     (S("x") + sig(S("y"))) / (sig(S("x")) + (S("x") + S("y")) ** 2), at("x", "y"), "f"),
    ("d2l 4.1 (softmax regression loss)", r"l(\mathbf{y}, \hat{\mathbf{y}}) = - \sum_{j=1}^q y_j \log \hat{y}_j",
     -sum(S(f"y{j}") * sp.log(S(f"ŷ{j}")) for j in (1, 2, 3)),
     {"y1": 0.0, "y2": 1.0, "y3": 0.0, "ŷ1": 0.2, "ŷ2": 0.7, "ŷ3": 0.1}, "l"),
    ("Kingma & Ba, Adam, Algorithm 1", r"m_t \leftarrow \beta_1 \cdot m_{t-1} + (1 - \beta_1) \cdot g_t",
     S("β1") * S("m_t-1") + (1 - S("β1")) * S("g_t"), {"β1": 0.9, "m_t-1": 0.2, "g_t": -0.5}, "m_t"),
    ("Kingma & Ba, Adam, Algorithm 1", r"\widehat{m}_t \leftarrow m_t / (1 - \beta_1^t)",
     S("m_t") / (1 - S("β1") ** S("t")), {"m_t": 0.2, "β1": 0.9, "t": 3.0}, "m̂_t"),
    ("Kingma & Ba, Adam, Algorithm 1",
     r"\theta_t \leftarrow \theta_{t-1} - \alpha \cdot \widehat{m}_t / (\sqrt{\widehat{v}_t} + \epsilon)",
     S("θ_t-1") - ALPHA * S("m̂_t") / (sp.sqrt(S("v̂_t")) + EPS),
     {"θ_t-1": 0.5, "α": 0.001, "m̂_t": 0.3, "v̂_t": 0.04, "ε": 1e-8}, "θ_t"),
    ("Ioffe & Szegedy, Batch Normalization, Algorithm 1",
     "\\widehat{x}_i \\leftarrow \\frac{x_i - \\mu_\\mathcal{B}}{\\sqrt{\\sigma_\\mathcal{B}^2 + \\epsilon}}\n"
     "y_i \\leftarrow \\gamma\\widehat{x}_i + \\beta",
     GAMMA * (S("x_i") - S("μ_B")) / sp.sqrt(S("σ_B") ** 2 + EPS) + BETA,
     {"x_i": 0.9, "μ_B": 0.3, "σ_B": 0.5, "ε": 1e-3, "γ": 1.2, "β": 0.1}, "y_i"),
    # logs with a base, brace brackets
    ("Cover & Thomas, entropy in bits (two outcomes)", r"H = -\sum_{i=1}^{2} p_i \log_2 p_i",
     -sum(S(f"p{i}") * sp.log(S(f"p{i}")) / sp.log(2) for i in (1, 2)), {"p1": 0.3, "p2": 0.7}, "H"),
    ("Wikipedia, Decibel", r"L_P = 10 \log_{10}\left(\frac{P}{P_0}\right)", 10 * sp.log(S("P") / S("P0")) / sp.log(10),
     at("P", "P0"), "L_P"),
    ("Bishop PRML (1.46), the Gaussian's right side",
     r"\frac{1}{(2\pi\sigma^2)^{1/2}} \exp\left\{-\frac{1}{2\sigma^2}(x-\mu)^2\right\}",
     sp.exp(-(S("x") - S("μ")) ** 2 / (2 * S("σ") ** 2)) / sp.sqrt(2 * sp.pi * S("σ") ** 2), at("σ", "x", "μ"), None),
    # code pasted from notebooks
    ("CS231n notes, Python sigmoid", "1.0 / (1 + math.exp(-z))", sig(S("z")), at("z"), None),
    ("NumPy", "np.log(1 + np.exp(x)) + np.maximum(0, x)", sp.log(1 + sp.exp(S("x"))) + sp.Max(0, S("x")), at("x"), None),
    ("PyTorch", "torch.sigmoid(w * x + b) + F.relu(x) * torch.tanh(b)",
     sig(S("w") * S("x") + S("b")) + sp.Max(0, S("x")) * sp.tanh(S("b")), at("x", w=0.5, b=-0.2), None),
    ("Python", "math.exp(2*x)", sp.exp(2 * S("x")), at("x"), None),
    # typography
    ("slides typed in Word", "σ’(z) = σ(z)(1 − σ(z))", sig(S("z")) * (1 - sig(S("z"))), at("z"), "σ′"),
    ("Wikipedia, Sigmoid function (plain text)", "σ(z) = 1/(1 + e⁻ᶻ)", sig(S("z")), at("z"), "σ"),
    ("plain-text polynomial", "f(x) = 3xⁿ", 3 * S("x") ** S("n"), at("x", n=2.5), "f"),
]


@pytest.mark.parametrize("source, text, oracle, point, output", SPELLINGS, ids=[f"{s[0]}: {s[1][:40]}" for s in SPELLINGS])
def test_formulas_as_printed_mean_what_the_book_means(source, text, oracle, point, output) -> None:
    agrees(text, oracle, point, output)


def test_enough_sources_and_spellings() -> None:
    assert len(SPELLINGS) >= 40 and len({s[0].split(",")[0] for s in SPELLINGS}) >= 12


def _kind_of(text: str) -> tuple:
    """What a one-term formula is: ('name', canonical) or (op, params)."""
    graph = parse(text)
    node = graph.nodes[graph.output_id]
    if node.op == "id":
        return ("name", graph.nodes[node.operands[0]].name)
    return (node.op, node.params, tuple(graph.nodes[o].name for o in node.operands))


@pytest.mark.parametrize("text, fragment, readings", [
    ("a^(L)", "reads two ways", {"a^{(L)}": ("name", "a^(L)"), "a^{L}": ("pow", (), ("a", "L"))}),
    ("W^[2]", "reads two ways", {"W^{[2]}": ("name", "W^[2]"), "W^{2}": ("powc", (2,), ("W",))}),
    ("x^(n-1)", "reads two ways", {"x^{(n-1)}": ("name", "x^(n-1)")}),
    ("a^l_j", "reads two ways", {"a^{(l)}_{j}": ("name", "a_j^(l)"), "(a_{j})^{l}": ("pow", (), ("a_j", "l"))}),
    ("x^2_j", "reads two ways", {"(x_{j})^{2}": ("powc", (2,), ("x_j",))}),
    ("a^{(L)}^2", "needs parentheses", {"(a^{(L)})^2": ("powc", (2,), ("a^(L)",))}),
    ("a⁽ᴸ⁾²", "needs parentheses", {"(a⁽ᴸ⁾)^2": ("powc", (2,), ("a^(L)",))}),
])
def test_an_ambiguous_superscript_is_refused_and_each_advice_means_what_it_says(text, fragment, readings) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    assert fragment in info.value.message and info.value.column >= 2, info.value.message
    for advice, reading in readings.items():
        assert advice in info.value.message, (advice, info.value.message)
        assert _kind_of(advice) == reading, advice


@pytest.mark.parametrize("text, fragment", [
    ("(x + 1)^{(2)}", "follows a name"), ("⁽²⁾", "follows a name"), ("e⁻ˣ²", "e^{-x^2}"),
    (r"y = \frac{x - \mathrm{E}[x]}{ \sqrt{\mathrm{Var}[x] + \epsilon}} * \gamma + \beta", "statistic"),
    (r"\boldsymbol{\theta} \leftarrow \boldsymbol{\theta} - \epsilon\hat{\boldsymbol{g}}", "updates θ from itself"),
    (r"x \text{Mish}(x)", "Mish is used as a function but not defined"),
    (r"\text{Tanh}(x) = \tanh(x) = \frac{\exp(x) - \exp(-x)} {\exp(x) + \exp(-x)}", "'=' can only follow a name"),
    ("np.dot(w, x)", "unknown function 'np.dot'"), (r"\log_{1} x", "base must be 2 or more"),
])
def test_what_cannot_be_read_one_way_is_refused_with_how_to_write_it(text: str, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    assert fragment in info.value.message, info.value.message


UNKNOWN_FUNCTIONS = ["huber", "var", "std", "rms", "gauss", "abc", "hinge", "swiglu", "kld", "dropout", "norm", "pool",
                     "conv", "cosine", "dist", "logloss", "entropy", "xyz", "huberloss", "sinc", "expit", "tanhshrink"]


@pytest.mark.parametrize("word", UNKNOWN_FUNCTIONS)
def test_a_word_before_a_parenthesis_is_never_silently_the_product_of_its_letters(word: str) -> None:
    """``huber(r)`` once read as h·u·b·e·r·r (e Euler's number), ``sinc(x)`` as sin(c·x): a run of three or more letters
    straight before ``(`` that names no function is refused at its column, with the definition and the split spelled
    out as the ways to write it; each of those then reads as written, and two letters (``xy(1 − x)``) stay a product."""
    text = f"L = a + {word}(x - y)"
    with pytest.raises(ParseError) as info:
        parse(text)
    message = info.value.message
    assert f"{word} is used as a function" in message and f"{word}(x) = …" in message, message
    split = re.search(r"or write (.*) \(…\) to mean", message).group(1)
    assert split.replace(" ", "") == word and info.value.column == text.index(word) + 1, message
    defined = parse(f"{word}(r) = r^2; L = a + {word}(x - y)")
    assert set(defined.inputs) == {"a", "x", "y"}
    spaced = parse(f"L = a + {split} (x - y)")  # what the letters spell apart: read as written, no refusal
    assert {"a", "x", "y"} <= set(spaced.inputs) <= {"a", "x", "y"} | set(word)
    assert set(parse("L = xy(1 - x)").inputs) == {"x", "y"} and set(parse("L = sinx + y").inputs) == {"x", "y"}
    assert set(parse("L = alphax(1 - x)").inputs) == {"α", "x"}


def test_an_update_named_as_advised_means_the_update() -> None:
    agrees(r"\boldsymbol{\theta}_{new} \leftarrow \boldsymbol{\theta} - \epsilon\hat{\boldsymbol{g}}",
           S("θ") - S("ε") * S("ĝ"), {"θ": 0.5, "ε": 0.1, "ĝ": 2.0}, "θ_new")


def test_a_sum_over_indexed_names_takes_its_range_from_the_values_as_advised() -> None:
    with pytest.raises(ParseError) as info:
        parse(r"\frac{1}{2}\sum_{i=1}^{m} (\hat{y}^{(i)} - y^{(i)})^2")
    assert "ŷ^(1), ŷ^(2)" in info.value.message and "y^(1), y^(2)" in info.value.message
    point = {"ŷ^(1)": 0.9, "ŷ^(2)": 0.1, "y^(1)": 1.0, "y^(2)": 0.0}
    agrees(r"\frac{1}{2}\sum_{i=1}^{m} (\hat{y}^{(i)} - y^{(i)})^2",
           sum((S(f"ŷ^({i})") - S(f"y^({i})")) ** 2 for i in (1, 2)) / 2, point)
    # the case: y⁽ⁱ⁾ stays an index inside the sum, never the power yⁱ
    assert parse(r"\sum_{i=1}^{2} y^{(i)}").inputs == ("y^(1)", "y^(2)")


@pytest.mark.parametrize("text, function", [
    ("sigmod(w1 x1 + b)", "sigmoid"), ("sigmoud(z)", "sigmoid"), ("tanhh(z)", "tanh"), ("Tanh(z)", "tanh"),
    ("softplis(z)", "softplus"), ("rellu(z)", "relu"), ("Exp(z)", "exp"),
])
def test_letters_that_spell_a_function_are_said(text: str, function: str) -> None:
    word = text.split("(")[0]
    letters = "·".join(word) if word != "tanhh" else "tanh·h"
    with pytest.warns(UserWarning, match=f"read as {letters} — did you mean {function}") as said:
        graph = parse(text)
    letters = set(word if word != "tanhh" else "h") - {"e"}  # e is Euler's number
    assert len(said) == 1 and letters <= set(graph.inputs)  # read as the product it says
    with pytest.raises(ParseError, match=f"did you mean {function}"):  # values for the other names only
        parse(text, at={name: 1 for name in graph.inputs if name not in letters})
    with pytest.warns(UserWarning, match=f"did you mean {function}"):  # every value given: a warning
        parse(text, at={name: 1 for name in graph.inputs})
    from gradviz.errors import EvaluationError

    with pytest.raises(EvaluationError, match=f"did you mean {function}"):
        with pytest.warns(UserWarning):
            parse(text).backward({name: 1 for name in graph.inputs if name not in letters})


@pytest.mark.parametrize("text", ["wxyz", "abcd + efgh", "x y z w", "sigmoid(x)", "net_h1", "ReLU(x)", "GELU(x)",
                                  "\\text{scale} x", "max(a, b)"])
def test_ordinary_products_and_functions_say_nothing(text: str) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parse(text)


@pytest.mark.parametrize("text, name", [
    (r"\hat{\mathbf{y}}", "ŷ"), (r"\hat{y_i}", "ŷ_i"), (r"\hat{y}_i", "ŷ_i"), (r"\widehat{m}_t", "m̂_t"),
    (r"\tilde{x}", "x̃"), (r"\bar{x}", "x̄"), (r"\dot{x}", "ẋ"), (r"\ddot{x}", "ẍ"), (r"\hat{\boldsymbol{\theta}}", "θ̂"),
    (r"\mathbf{w}", "w"), (r"\boldsymbol{\theta}", "θ"), (r"\mu_\mathcal{B}", "μ_B"), (r"\mathbf{x}_n", "x_n"),
    (r"y_{\text{pred}}", "y_pred"), (r"y_\text{pred}", "y_pred"), (r"\text{scale}", "scale"), (r"\mathrm{var}", "var"),
    (r"\mathit{eps}", "eps"), (r"\operatorname{loss}", "loss"), (r"h_\theta", "h_θ"), (r"x^{(i)}_j", "x_j^(i)"),
    (r"x_j^{(i)}", "x_j^(i)"), (r"\theta^{(l)}_{jk}", "θ_jk^(l)"), ("a⁽ᴸ⁻¹⁾", "a^(L-1)"), (r"W^{[l]}", "W^[l]"),
    (r"a^{[2](i)}", "a^[2](i)"), (r"m_{t-1}", "m_t-1"), ("x’", "x′"), ("x″", "x′′"), (r"x^{\prime}", "x′"),
    (r"a^{(L)}'", "a^(L)′"), (r"\theta_{t+1}", "θ_t+1"),
])
def test_decorated_bold_indexed_and_word_names_are_one_name(text: str, name: str) -> None:
    assert parse(text).inputs == (name,)
    assert parse(f"{text} = x + 1").output == name  # usable on the left of =


@pytest.mark.parametrize("text, key", [
    (r"\text{Tanh}(x)", "tanh"), (r"\text{Softplus}(x)", "softplus"), (r"\text{max}(x, 1)", "max"),
    (r"\operatorname{ReLU}(x)", "relu"), (r"\mathrm{SOFTPLUS}(x)", "softplus"), (r"\log_2 x", "log"), (r"\lg x", "log"),
    (r"\log_{10}(x)", "log"), ("log2(x)", "log"), ("np.exp(x)", "exp"), ("numpy.tanh(x)", "tanh"),
    ("torch.relu(x)", "relu"), ("F.softplus(x)", "softplus"), ("math.log(x)", "log"), ("np.maximum(0, x)", "max"),
    (r"\exp\left\{ x \right\}", "exp"), (r"\exp\{ x \}", "exp"),
])
def test_words_and_library_prefixes_name_functions(text: str, key: str) -> None:
    graph = parse(text)
    assert graph.inputs == ("x",) and key in [n.op for n in graph.nodes.values()]


@pytest.mark.parametrize("sign", [":=", "≔", "≡", "≜", "←", "⟵", r"\coloneqq", r"\triangleq", r"\equiv",
                                  r"\leftarrow", r"\gets", r"\defeq"])
def test_definition_signs_define_like_equals(sign: str) -> None:
    assert parse(f"y {sign} w x") == parse("y = w x")


def test_index_names_in_values_figures_and_latex() -> None:
    from gradviz.text.names import latex_name, markup_name

    graph = parse(r"\mathbf{O} = \mathbf{H}\mathbf{W}^{(2)} + \mathbf{b}^{[2]}")
    for key in ("W^(2)", "W^{(2)}", "W⁽²⁾", r"\mathbf{W}^{(2)}"):  # every spelling is an alias
        assert graph.backward({"H": 0.5, key: 0.3, "b^[2]": 0.1}).value == 0.25
    assert markup_name("W^(2)") == "W⁽²⁾" and markup_name("a^(L-1)") == "a⁽ᴸ⁻¹⁾"
    assert latex_name("W^(2)") == "W^{(2)}" and latex_name("x_j^(i)") == "x_{j}^{(i)}"
    assert latex_name("b^[2]") == "b^{[2]}" and "[2]" in markup_name("b^[2]")
    assert latex_name("θ_t-1") == r"\theta_{t-1}" and markup_name("θ_t-1") == "θₜ₋₁"


@pytest.mark.parametrize("text, inputs", [
    ("E = ½(target − out)²", ("target", "out")),  # Mazur's step-by-step example
    (r"E = \frac{1}{2}(target - out_{o1})^2", ("target", "out_o1")),
    ("L = (pred − label)² + λ weight²", ("pred", "label", "λ", "weight")),
    ("J = −Target log(Output)", ("Target", "Output")),
    ("wxyz + target", ("w", "x", "y", "z", "target")),
])
def test_a_lectures_word_for_a_quantity_is_one_name(text: str, inputs: tuple[str, ...]) -> None:
    """``target`` is one name, never t·a·r·g·e·t with e Euler's number; other runs of letters still split; the
    graph reads back from its printed text."""
    import warnings

    from gradviz.syntax.printer import to_text

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        graph = parse(text)
    assert graph.inputs == inputs
    assert parse(to_text(graph)) == graph
