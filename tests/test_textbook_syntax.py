"""Textbook spellings from slides (issue 13), each checked against an independent sympy oracle."""

from __future__ import annotations

import math

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

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme.split("### What a lecturer types", 1)[1].split("\n\n`θ^T x`", 1)[0]
    rows = []
    for line in table.splitlines():
        if line.startswith("| `"):
            typed, read = line.split(" | ")[:2]
            for spelling in typed.strip("| ").split("` ")[0].split("`, `"):
                rows.append((spelling.strip("`"), read.strip("`| ")))
    return rows


@pytest.mark.parametrize("typed, read", _readme_rows())
def test_the_readme_table_reads_as_it_says(typed: str, read: str) -> None:
    mine, theirs = parse(typed), parse(read)
    assert set(mine.inputs) == set(theirs.inputs)
    point = {name: 0.3 + 0.1 * k for k, name in enumerate(sorted(mine.inputs))}
    a, b = mine.backward(point), theirs.backward(point)
    assert math.isclose(a.value, b.value, rel_tol=1e-12)
    for name in mine.inputs:
        assert math.isclose(a.grad[name], b.grad[name], rel_tol=1e-9, abs_tol=1e-15), name
    assert len(_readme_rows()) >= 24


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
