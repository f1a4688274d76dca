"""The textbook syntax: names, numbers, operators, functions, LaTeX, programs, errors, robustness."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradviz.errors import ParseError
from gradviz.syntax import parse
from gradviz.syntax import names

SYNTAX_DIR = pathlib.Path(__file__).resolve().parents[1] / "gradviz" / "syntax"
LECTURE = "(θ1θ2x − y)²"


def shape(text: str) -> list[tuple]:
    """Each node as (kind, name of inputs/constants, op, params, operands), in id order."""
    return [(n.kind, n.name if n.kind != "op" else "", n.op, n.params, n.operands) for n in parse(text).nodes.values()]


def ops(text: str) -> list[str]:
    return [n.op for n in parse(text).nodes.values() if n.kind == "op"]


def same(a: str, b: str) -> bool:
    return parse(a) == parse(b)


# -- the lecture example -----------------------------------------------------------------

def test_lecture_example_node_by_node() -> None:
    g = parse(LECTURE)
    assert g.inputs == ("θ1", "θ2", "x", "y") and g.output == "L"
    rows = [(n.id, n.kind, n.name, n.op, n.params, n.operands) for n in g.nodes.values()]
    assert rows == [
        ("n0", "input", "θ1", None, (), ()),
        ("n1", "input", "θ2", None, (), ()),
        ("n2", "op", "a", "mul", (), ("n0", "n1")),
        ("n3", "input", "x", None, (), ()),
        ("n4", "op", "b", "mul", (), ("n2", "n3")),
        ("n5", "input", "y", None, (), ()),
        ("n6", "op", "c", "sub", (), ("n4", "n5")),
        ("n7", "op", "L", "powc", (Fraction(2),), ("n6",)),
    ]


def test_program_equals_expression_names_included() -> None:
    program = parse("a = θ1 θ2; b = a x; c = b − y; L = c²")
    assert program == parse(LECTURE)
    assert [n.name for n in program.nodes.values()] == [n.name for n in parse(LECTURE).nodes.values()]
    assert [n.named_by_user for n in program.nodes.values() if n.kind == "op"] == [True] * 4
    assert parse("a = θ1 θ2\n\n# comment\nb = a x   # more\nc = b − y\nL = c²") == program


def test_x_times_x_is_one_node_with_two_edges() -> None:
    g = parse("x*x")
    assert [n.kind for n in g.nodes.values()] == ["input", "op"]
    assert g.nx.number_of_edges("n0", "n1") == 2
    assert sorted(d["pos"] for _, _, d in g.nx.in_edges("n1", data=True)) == [0, 1]


# -- names -------------------------------------------------------------------------------

THETA1 = ["θ1", "θ₁", "θ_1", "θ_{1}", "theta1", "theta_1", "\\theta_1", "\\theta_{1}", "\\theta1",
          "θ_₁", "theta_{1}", "\\vartheta_1", "ϑ1"]


@pytest.mark.parametrize("alias", THETA1)
def test_every_alias_of_theta1(alias: str) -> None:
    assert parse(alias).inputs == ("θ1",)
    assert parse(f"{alias} x") == parse("θ1 x")


@pytest.mark.parametrize("text, name", [
    ("alpha", "α"), ("\\alpha", "α"), ("α", "α"), ("Theta", "Θ"), ("\\Theta", "Θ"), ("Θ", "Θ"),
    ("\\varepsilon", "ε"), ("epsilon", "ε"), ("ϵ", "ε"), ("\\phi", "φ"), ("ϕ", "φ"), ("µ", "μ"), ("mu", "μ"),
    ("xi", "ξ"), ("lambda_2", "λ2"), ("ŷ", "ŷ"), ("y\u0302", "ŷ"), ("\\hat{y}", "ŷ"), ("\\hat y", "ŷ"),
    ("\\hat{y}_1", "ŷ1"), ("\\hat{\\theta}", "θ\u0302"), ("x'", "x′"), ("x′", "x′"), ("x''", "x′′"), ("x″", "x′′"),
    ("θ1'", "θ1′"), ("w_i", "w_i"), ("w_{i}", "w_i"), ("w_i'", "w_i′"), ("x_{12}", "x12"), ("x₁₂", "x12"),
    ("x_12", "x12"), ("x_{ 3 }", "x3"), ("ℓ", "ℓ"), ("\\mathcal{L}", "L"), ("\\mathrm{x}", "x"),
])
def test_canonical_names(text: str, name: str) -> None:
    assert parse(text).inputs == (name,)


@pytest.mark.parametrize("text, inputs, expected_ops", [
    ("θ1θ2x", ("θ1", "θ2", "x"), ["mul", "mul"]),
    ("wx", ("w", "x"), ["mul"]),
    ("theta1theta2x", ("θ1", "θ2", "x"), ["mul", "mul"]),
    ("w0x0", ("w0", "x0"), ["mul"]),
    ("alphabeta", ("α", "β"), ["mul"]),
    ("xy'z", ("x", "y′", "z"), ["mul", "mul"]),
    ("y log(p)", ("y", "p"), ["log", "mul"]),
    ("ylog(p)", ("y", "p"), ["log", "mul"]),
    ("exp", None, None),
    ("sigmoid(x)", ("x",), ["sigmoid"]),
    ("xlogy", ("x", "y"), ["log", "mul"]),
    ("sinx", ("x",), ["sin"]),
    ("pix", ("x",), ["mul"]),
    ("taux", ("τ", "x"), ["mul"]),
])
def test_splitting(text: str, inputs, expected_ops) -> None:
    if inputs is None:
        with pytest.raises(ParseError, match="expected an argument after 'exp'"):
            parse(text)
        return
    assert parse(text).inputs == inputs
    assert ops(text) == expected_ops


def test_assigned_multi_letter_names_match_whole_words() -> None:
    g = parse("loss = (y − p)²\nout = 2 loss")
    assert g.output == "out" and g.inputs == ("y", "p")
    assert [n.name for n in g.nodes.values() if n.named_by_user] == ["loss", "out"]
    assert parse("h1 = tanh(x); h2 = tanh(h1); h1h2") == parse("h1 = tanh(x); h2 = tanh(h1); h1 h2")
    assert parse("lo = x; lo + 1").inputs == ("x",)
    assert parse("lo + 1").inputs == ("l", "o")  # not assigned: split


def test_e_and_pi_are_constants_unless_assigned() -> None:
    assert shape("e") == [("const", "e", None, (), ()), ("op", "", "id", (), ("n0",))]
    assert shape("π + pi + \\pi")[:2] == [("const", "π", None, (), ()), ("const", "π", None, (), ())]
    assert shape("2e")[1] == ("const", "e", None, (), ())
    assert parse("2ex").inputs == ("x",) and ops("2ex") == ["mul", "mul"]
    assert parse("pi = 3; 2 pi").nodes["n1"].name == "π"
    assert ops("e = x + 1; e^2") == ["add", "powc"]
    assert parse("e_1 + e'").inputs == ("e1", "e′")


def test_sigma_is_the_sigmoid_only_before_a_parenthesis() -> None:
    assert ops("σ(z)") == ops("\\sigma(z)") == ops("sigma(z)") == ops("\\sigma\\left(z\\right)") == ["sigmoid"]
    assert parse("σ z").inputs == ("σ", "z") and ops("σ z") == ["mul"]
    assert parse("σ = 2 x; σ(z)").inputs == ("x", "z")  # assigned: an ordinary name
    assert ops("σ(z)²") == ["sigmoid", "powc"]


# -- numbers -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("2", Fraction(2)), ("0.5", Fraction(1, 2)), (".5", Fraction(1, 2)), ("1e-3", Fraction(1, 1000)),
    ("2E+5", Fraction(200000)), ("2.", Fraction(2)), ("1.25e2", Fraction(125)), ("007", Fraction(7)),
])
def test_numbers_are_exact(text: str, value: Fraction) -> None:
    node = parse(text).nodes["n0"]
    assert node.kind == "const" and node.value == value


def test_unary_minus_on_a_literal_is_one_negative_constant() -> None:
    assert shape("-2 x")[:1] == [("const", "-2", None, (), ())]
    assert shape("x - -0.5")[1] == ("const", "-0.5", None, (), ())


# -- operators and precedence ------------------------------------------------------------

@pytest.mark.parametrize("symbol", ["*", "·", "⋅", "×", "∗", "\\cdot", "\\times", " "])
def test_multiplication_spellings(symbol: str) -> None:
    assert same(f"x {symbol} y", "x*y")


@pytest.mark.parametrize("text, other", [
    ("x − y", "x - y"), ("x – y", "x - y"), ("x ÷ y", "x / y"), ("x \\div y", "x / y"), ("x ** y", "x ^ y"),
    ("x² + y³", "x^2 + y^3"), ("x⁻¹", "x^-1"), ("x^{-1}", "x^(-1)"), ("x^(0.5)", "x^0.5"), ("x**2", "x^2"),
    ("x⁺²", "x^2"), ("x^+2", "x^2"), ("x^{2}", "{x}^{2}"), ("+x", "x"),
    ("1/2x", "(1/2)*x"), ("θ1θ2x", "(θ1*θ2)*x"), ("-x*y", "(-x)*y"), ("-x^2", "-(x^2)"), ("x^-2", "x^(-2)"),
    ("a - b - c", "(a - b) - c"), ("a / b / c", "(a / b) / c"), ("x^y^z", "x^(y^z)"), ("2^-x", "2^(-x)"),
    ("a + b c", "a + (b*c)"), ("2x²", "2*(x^2)"), ("x^2y", "(x^2)*y"), ("-x²", "-(x^2)"),
    ("x^y²", "x^(y^2)"), ("(a)(b)", "a*b"), ("2(x+1)", "2*(x+1)"), ("x(y+1)", "x*(y+1)"),
    ("(1 − y) log(1 − p)", "(1 - y)*log(1 - p)"), ("- - x", "-(-x)"),
])
def test_operators_and_precedence(text: str, other: str) -> None:
    assert same(text, other)


@pytest.mark.parametrize("text, param", [
    ("x^2", 2), ("x²", 2), ("x⁻¹", -1), ("x^{-1}", -1), ("x^(0.5)", Fraction(1, 2)), ("x**2", 2),
    ("x^-2", -2), ("x^{(-3)}", -3), ("x^-(2)", -2), ("x^(-(1.5))", Fraction(-3, 2)), ("x^12", 12),
    ("x^(1/2)", Fraction(1, 2)), ("x^{1/3}", Fraction(1, 3)), ("x^{-1/2}", Fraction(-1, 2)), ("x^(-2/3)", Fraction(-2, 3)),
    ("x^{\\frac{1}{2}}", Fraction(1, 2)), ("∛x", Fraction(1, 3)),
])
def test_number_exponents_are_powc_without_a_constant_node(text: str, param) -> None:
    assert shape(text) == [("input", "x", None, (), ()), ("op", "", "powc", (Fraction(param),), ("n0",))]


def test_other_exponents_are_binary_pow() -> None:
    assert ops("x^y") == ["pow"]
    assert ops("x^(1/y)") == ["div", "pow"]
    assert ops("2^x") == ["pow"] and shape("2^x")[0] == ("const", "2", None, (), ())
    assert ops("x^2^0.5") == ["powc", "pow"]
    assert ops("x^(2 + y)") == ["add", "pow"]


@pytest.mark.parametrize("text, name, value", [
    ("½x", "1/2", Fraction(1, 2)), ("1/2 x", "1/2", Fraction(1, 2)), ("\\frac{1}{2} x", "1/2", Fraction(1, 2)),
    ("\\frac12 x", "1/2", Fraction(1, 2)), ("\\tfrac{1}{3}x", "1/3", Fraction(1, 3)), ("(1/3) x", "1/3", Fraction(1, 3)),
    ("-1/2 x", "-1/2", Fraction(-1, 2)), ("−⅔x", "-2/3", Fraction(-2, 3)), ("2/4 x", "1/2", Fraction(1, 2)),
    ("0.5 x", "0.5", Fraction(1, 2)), ("0.5/2 x", "0.25", Fraction(1, 4)), ("1/0.5 x", "2", Fraction(2)),
    ("6/3 x", "2", Fraction(2)), ("x/2", None, None),
])
def test_a_number_over_a_number_is_one_constant_written_as_typed(text: str, name: str | None, value) -> None:
    """``½``, ``1/2`` and ``\\frac{1}{2}`` are one constant named as the fraction it was written as (a decimal
    when a decimal was typed), never a division node of two numbers; a number under a name stays a division."""
    graph = parse(text)
    constants = [(n.name, n.value) for n in graph.nodes.values() if n.kind == "const"]
    if name is None:
        assert ops(text) == ["div"] and constants == [("2", 2)]
    else:
        assert ops(text) == ["mul"] and constants == [(name, value)]


def test_e_to_the_power_is_exp() -> None:
    assert same("e^{-z}", "exp(-z)")
    assert same("e^x", "exp(x)") and same("e**x", "exp(x)")
    assert same("2e^x", "2 exp(x)")
    assert ops("(e)^x") == ["pow"]
    assert same("\\frac{1}{1 + e^{-z}}", "1/(1 + exp(-z))")


# -- functions ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, key", list(names.FUNCTIONS.items()))
def test_every_function_name(name: str, key: str) -> None:
    fewest = names.ARITY[key][0]
    text = f"{name}({', '.join(['x', 'y', 'z', 'w'][:max(fewest, 1)])})"
    assert ops(text)[-1] == key


def test_function_table_matches_the_op_table() -> None:
    from gradviz.ir.ops import OPS

    assert set(names.ARITY) == set(names.FUNCTIONS.values())
    for key, (fewest, most) in names.ARITY.items():
        spec = OPS[key]
        if spec.variadic or spec.folds:  # n values (and labels), or max/min folding pairs
            assert most is None and fewest == spec.min_args
        else:  # the operands, then the parameters that have a default (leaky_relu's slope)
            assert fewest == spec.arity and most == spec.arity + sum(p.default is not None for p in spec.params)


@pytest.mark.parametrize("text, other", [
    ("log p", "log(p)"), ("\\log x", "log(x)"), ("\\sin x^2", "sin(x^2)"), ("log p q", "log(p q)"), ("log p · q", "log(p)*q"),
    ("\\exp(x)", "exp(x)"), ("\\ln x", "log(x)"), ("\\tanh{x}", "tanh(x)"), ("\\cos x", "cos(x)"),
    ("\\max(a, b)", "max(a, b)"), ("\\min(a, b)", "min(a, b)"), ("\\sqrt{x}", "sqrt(x)"), ("\\sqrt x", "sqrt(x)"),
    ("\\frac{a}{b}", "a/b"), ("\\frac{\\frac{a}{b}}{c}", "(a/b)/c"), ("\\operatorname{ReLU}(x)", "relu(x)"),
    ("\\mathrm{ReLU}(x)", "relu(x)"), ("\\operatorname{leaky_relu}(x, 0.2)", "leaky_relu(x, 0.2)"),
    ("x \\, y \\; z \\! w \\quad v \\ u", "x y z w v u"), ("log log x", "log(log(x))"), ("-log p", "-(log p)"),
    ("sin -x", "sin(-x)"), ("ReLU(x)", "relu(x)"), ("GELU(x)", "gelu(x)"), ("ln(x)", "log(x)"),
    ("\\left( a + b \\right) c", "(a + b) c"), ("\\left[ a \\right]", "a"), ("[a + b]", "(a + b)"),
    ("{a + b} c", "(a + b) c"), ("|x − y|", "abs(x - y)"), ("\\left| x \\right|", "abs(x)"),
    ("||x| - |y||", "abs(abs(x) - abs(y))"), ("2|x|", "2 abs(x)"), ("|a||b|", "abs(a) abs(b)"),
    ("|a|b|c|", "abs(a) b abs(c)"), ("\\mathcal{L} = x + 1", "L = x + 1"),
])
def test_function_and_latex_forms(text: str, other: str) -> None:
    assert same(text, other)


def test_leaky_relu_slope_and_max_min_folding() -> None:
    assert parse("leaky_relu(x)").nodes["n1"].params == (Fraction(1, 100),)
    assert parse("leaky_relu(x, 0.2)").nodes["n1"].params == (Fraction(1, 5),)
    assert parse("leaky_relu(x, -0.2)").nodes["n1"].params == (Fraction(-1, 5),)
    assert len(parse("leaky_relu(x, 0.2)")) == 2  # the slope is no node
    assert shape("max(a, b, c)")[3:] == [("op", "", "max", (), ("n0", "n1")), ("op", "", "max", (), ("n3", "n2"))]
    assert ops("min(a, b, c, d)") == ["min", "min", "min"]


# -- programs ----------------------------------------------------------------------------

def test_program_forms() -> None:
    assert parse("h = tanh(x)\nL = (h − y)²").output == "L"
    assert parse("a = x + 1; a").output == "a"  # a bare last statement naming an assigned node
    assert parse("h = x + 1; out = h²").output == "out"
    assert parse("a = (x +\n y)\nb = a²") == parse("a = x + y; b = a²")  # newlines inside brackets
    assert parse("x²;;\n  ;") == parse("x²")
    assert parse("a = x\r\nb = a + 1\r\n") == parse("a = x; b = a + 1")
    g = parse("a = x; b = a")
    assert [(n.op, n.name) for n in g.nodes.values() if n.kind == "op"] == [("id", "a"), ("id", "b")]


# -- errors ------------------------------------------------------------------------------

ERRORS = [
    ("", 1, 1, "empty formula"),
    ("   \n  # only a comment", 1, 1, "empty formula"),
    ("x +", 1, 3, "expected an operand after '+'"),
    ("* x", 1, 1, "expected an operand before '*'"),
    ("x + * y", 1, 5, "expected an operand after '+', found '*'"),
    ("(x + y", 1, 1, "'(' is never closed"),
    ("a (b (c)", 1, 3, "'(' is never closed"),
    ("x + y)", 1, 6, "unmatched ')'"),
    ("(x]", 1, 3, "']' closes while the '(' opened at column 1 is open"),
    ("()", 1, 1, "empty parentheses"),
    ("x + []", 1, 5, "empty brackets"),
    ("exp()", 1, 1, "missing argument: 'exp'"),
    ("x @ y", 1, 3, "unexpected character '@'"),
    ("x\x00", 1, 2, "unexpected character '\\x00'"),
    ("arcsin(x)", 1, 1, "unknown function 'arcsin'; supported: exp"),
    ("2 xatan(y)", 1, 4, "unknown function 'atan'"),
    ("\\cot x", 1, 1, "unknown function '\\cot'"),
    ("\\foo x", 1, 1, "unknown LaTeX command '\\foo'"),
    ("exp(a, b)", 1, 1, "'exp' takes 1 argument, got 2"),
    ("max(a)", 1, 1, "'max' takes at least 2 arguments, got 1"),
    ("leaky_relu(a, 1, 2)", 1, 1, "'leaky_relu' takes 1 or 2 arguments, got 3"),
    ("leaky_relu(x, y)", 1, 1, "the slope of 'leaky_relu' must be a number"),
    ("max x", 1, 1, "'max' needs parentheses"),
    ("log", 1, 1, "expected an argument after 'log'"),
    ("a = 1\na = 2", 2, 1, "'a' is already assigned (line 1, column 1)"),
    ("b = a x\na = 2\nb + a", 2, 1, "'a' is used before this assignment"),
    ("a = a + 1", 1, 1, "'a' is used before this assignment"),
    ("exp = 3", 1, 1, "cannot assign to the function name 'exp'"),
    ("\\log = 3", 1, 1, "cannot assign to the function name '\\log'"),
    ("x + y\nz", 1, 1, "only the last statement can be a bare expression"),
    ("h = x\nL = y", 1, 1, "'h' is assigned but never used"),
    ("a = x\n  b = ", 2, 5, "expected an expression after '='"),
    ("x = y = 2", 1, 7, "'=' can only follow a name"),
    ("2 = x", 1, 1, "expected a name before '='"),
    ("2 3", 1, 3, "missing operator before the number '3'"),
    ("x_", 1, 2, "expected a subscript after '_'"),
    ("x_{a+b}", 1, 2, "a subscript must be digits, or letters and digits"),
    ("x ₁", 1, 3, "subscripts must follow a letter"),
    ("\\frac{a}", 1, 8, "expected '{' with the denominator"),
    ("\\frac a b", 1, 7, "expected '{' after '\\frac'"),
    ("\\frac{}{b}", 1, 6, "empty numerator"),
    ("a, b", 1, 2, "',' outside a function call"),
    ("|x", 1, 1, "'|' is never closed"),
    ("(|x)|", 1, 4, "')' closes while the '|' opened at column 2 is open; | … | is an absolute value"),
    ("\\sqrt[3]{x}", 1, 6, "n-th root"),
    ("\\left< x \\right>", 1, 1, "after '\\left'"),
    ("a = e\ne = 2\na + e", 2, 1, "already used as Euler's number"),
    ("x⁻", 1, 2, "expected superscript digits"),
    ("1e99999", 1, 1, "exponent too large"),
    ("x + \\", 1, 5, "unexpected '\\' at the end"),
    ("a = 1\nb = (a +\n  2", 2, 5, "'(' is never closed"),
    ("θ₁ + y\u0302 + @", 1, 11, "unexpected character '@'"),  # columns count the original characters
    ("y\u0302\u0301", 1, 3, "unexpected character"),
]


@pytest.mark.parametrize("text, line, column, fragment", ERRORS, ids=[repr(e[0])[:30] for e in ERRORS])
def test_malformed_inputs(text: str, line: int, column: int, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    err = info.value
    assert fragment in err.message
    assert (err.line, err.column) == (line, column), err.message
    assert err.source == text


def test_error_text_shows_a_caret_under_the_token() -> None:
    with pytest.raises(ParseError) as info:
        parse("x + acos(y)")
    assert str(info.value).endswith("  x + acos(y)\n      ^^^^")


def test_too_long_text_is_rejected() -> None:
    with pytest.raises(ParseError, match="limit is 1,000,000"):
        parse("x+" * 500_001)


# -- robustness --------------------------------------------------------------------------

def _check_error_position(text: str, err: ParseError) -> None:
    lines = text.splitlines() or [""]
    assert 1 <= err.line <= len(lines) + 1
    line_text = lines[err.line - 1] if err.line <= len(lines) else ""
    assert 1 <= err.column <= len(line_text) + 1
    str(err)


def _graph_or_parse_error(text: str) -> None:
    try:
        parse(text)
    except ParseError as err:
        _check_error_position(text, err)


VALID = [LECTURE, "a = θ1 θ2; b = a x; c = b − y; L = c²", "\\frac{1}{1 + e^{-z}}", "−y log(σ(z)) − (1 − y) log(1 − σ(z))",
         "leaky_relu(x, -0.2) + max(a, b, c)", "|x − y| + \\left| z \\right|", "\\sqrt{x^2 + y^2} \\cdot \\hat{y}_1",
         "h = tanh(w x + b)\nL = (h − y)²", "x^{-1} + x⁻¹ + e^x + 2e + pi", "\\operatorname{ReLU}(x_{12}) + θ_1'"]
ALPHABET = list("()[]{}|,;=+-*/^_.'#\\ \n\t0123456789eExyθσπ²⁻₁") + [
    "\\frac", "\\left(", "\\right)", "\\left|", "\\sqrt", "\\theta", "log", "exp", "max", "leaky_relu", "\x00", "😀",
    "\ud800", "\u0302", "\u2028", "\r\n", "1e", "theta", "\\hat{", "_{", "cosh"]


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ALPHABET), max_size=30).map("".join))
def test_random_token_soup_gives_a_graph_or_a_clean_error(text: str) -> None:
    _graph_or_parse_error(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_random_unicode_text_gives_a_graph_or_a_clean_error(text: str) -> None:
    _graph_or_parse_error(text)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(VALID), st.data())
def test_mutated_and_truncated_formulas_give_a_graph_or_a_clean_error(text: str, data) -> None:
    cut = data.draw(st.integers(0, len(text)))
    text = text[:cut] if data.draw(st.booleans()) else text
    for _ in range(data.draw(st.integers(0, 3))):
        at = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = data.draw(st.sampled_from(ALPHABET))
        if action == "insert":
            text = text[:at] + piece + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + piece + text[at + 1 :]
    _graph_or_parse_error(text)


@pytest.mark.parametrize("text", VALID)
def test_valid_examples_parse(text: str) -> None:
    assert len(parse(text)) > 1


BIG = {
    "10,000 nested parentheses": "(" * 10_000 + "x" + ")" * 10_000,
    "\\frac nested 2,000 deep": "\\frac{" * 2_000 + "x" + "}{2}" * 2_000,
    "-(-(...x)) 10,000 deep": "-(" * 10_000 + "x" + ")" * 10_000,
    "x^x^...^x 5,000 deep": "^".join(["x"] * 5_000),
    "sum of 100,000 terms": " + ".join(f"x{i % 100}" for i in range(100_000)),
    "10,000 unclosed parentheses": "(" * 10_000 + "x",
    "|...| 5,000 deep": "|" * 5_000 + "x" + "|" * 5_000,
}


@pytest.mark.slow
@pytest.mark.parametrize("label", list(BIG))
def test_big_inputs_parse_iteratively(label: str) -> None:
    text = BIG[label]
    try:
        g = parse(text)
    except ParseError as err:
        assert "never closed" in err.message and (err.line, err.column) == (1, 10_000)
    else:
        assert g.inputs[0] in ("x", "x0")


def test_deep_structures_have_the_right_shape() -> None:
    assert ops("-(" * 1000 + "x" + ")" * 1000) == ["neg"] * 1000
    g = parse("^".join(["x"] * 50))
    assert [n.op for n in g.nodes.values() if n.kind == "op"] == ["pow"] * 49
    assert g.nodes[g.output_id].operands == ("n0", g.order[-2])  # right-associative: x^(x^(...))


# -- hygiene -----------------------------------------------------------------------------

@pytest.mark.slow
def test_the_syntax_package_does_not_import_sympy() -> None:
    code = "import sys, gradviz.syntax as s; s.parse('x^2'); print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_eval_on_user_text() -> None:
    forbidden = re.compile(r"(?<![.\w])(eval|exec|compile|sympify|parse_expr)\s*\(|import sympy|from sympy")
    for path in SYNTAX_DIR.glob("*.py"):
        assert not forbidden.search(path.read_text(encoding="utf-8")), path.name


# -- round trips of the textbook constructs (issue 23): parse → print (text and LaTeX) → parse ----------------

def tree(graph) -> object:
    """The graph's expression as nested tuples over input names and constants (ids and intermediate names
    left out: LaTeX writes every intermediate out in the inputs)."""
    memo: dict[str, object] = {}
    for nid, node in graph.nodes.items():
        if node.kind == "input":
            memo[nid] = node.name
        elif node.kind == "const":
            memo[nid] = ("const", node.name if node.value is None else node.value)
        elif node.op == "id":
            memo[nid] = memo[node.operands[0]]
        else:
            args = tuple(memo[o] for o in node.operands)
            if node.op in ("mul", "add"):  # LaTeX writes a b c and a + b + c without the grouping
                args = tuple(x for a in args for x in (a[2] if isinstance(a, tuple) and a[0] == node.op else (a,)))
            if node.op in ("mul", "div") and isinstance(args[0], tuple) and args[0][0] == "neg":
                # −(ab) is printed −ab, which reads (−a)b: the same product, the sign written first
                memo[nid] = ("neg", (), ((node.op, node.params, (args[0][2][0], *args[1:])),))
            else:
                memo[nid] = (node.op, node.params, args)
    return memo[graph.output_id]


def latex_of(graph) -> str:
    from gradviz.text.structure import written
    from gradviz.text.targets import LATEX

    return written(graph, graph.output_id, LATEX)[0]


#: Every kind of name the lexer accepts, as printed in books.
TEXTBOOK_LEAVES = [
    r"a^{(L)}", r"\mathbf{W}^{(2)}", r"W^{[l]}", r"a^{[2](i)}", r"x^{(i)}_j", r"a^{(L-1)}", "a⁽ᴸ⁾", r"\text{scale}",
    r"y_{\text{pred}}", r"\mathrm{var}", r"\hat{\mathbf{y}}", r"\hat{y_i}", r"\widehat{m}_t", r"\tilde{x}", r"\dot{x}",
    r"\mu_\mathcal{B}", r"\boldsymbol{\theta}", r"\theta_{t-1}", r"h_\theta", "x’", r"x^{\prime}", r"\mathbf{x}_n",
    "θ1", "w_{ij}", "net_{h1}", "2", "0.5", r"\text{eps}",
]
TEXTBOOK_UNARY = [
    r"\log_2 ({})", r"\log_{{10}}({})", r"\lg ({})", r"\text{{Tanh}}({})", r"\text{{Softplus}}({})", "np.exp({})",
    "torch.sigmoid({})", r"\exp\left\{{ {} \right\}}", r"\operatorname{{ReLU}}({})", "({})^2", "-({})", r"\sqrt{{{}}}",
    r"e^{{-({})}}", "math.tanh({})",
]
TEXTBOOK_BINARY = ["{} + {}", "{} - {}", r"{} \cdot {}", r"\frac{{{}}}{{{}}}", r"\max\left({}, {}\right)",
                   "({})^{{{}}}", "({}) ({})"]


def textbook_formulas(max_leaves: int = 6):
    def grow(children):
        return st.one_of(
            st.tuples(st.sampled_from(TEXTBOOK_UNARY), children).map(lambda t: t[0].format(t[1])),
            st.tuples(st.sampled_from(TEXTBOOK_BINARY), children, children).map(lambda t: t[0].format(t[1], t[2])))
    return st.recursive(st.sampled_from(TEXTBOOK_LEAVES), grow, max_leaves=max_leaves)


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(textbook_formulas())
def test_textbook_constructs_round_trip_through_text_and_latex(text: str) -> None:
    from gradviz.syntax import to_text

    graph = parse(text)
    assert parse(to_text(graph)) == graph, (text, to_text(graph))
    latex = latex_of(graph)
    assert tree(parse(latex)) == tree(graph), (text, latex)


@pytest.mark.parametrize("text", TEXTBOOK_LEAVES + [
    r"\mathbf{O} = \mathbf{H}\mathbf{W}^{(2)} + \mathbf{b}^{(2)}", "z^{(L)} = w^{(L)} a^{(L-1)} + b^{(L)}",
    r"(a^{(L)})^2", r"\text{MSE} = (y - t)^2", r"y := w x", r"y \leftarrow w x", r"\sum_{i=1}^{2} y^{(i)}",
    r"\log_2 p", r"\log_{10} p", "e⁻ᶻ", "xⁿ", r"\text{Mish}(x) = x \tanh(\text{Softplus}(x))", "softmax_2(z1, z2)",
    r"\operatorname{softmax}_{2}(z_1, z_2)", "σ’(z) = σ(z)(1 − σ(z))", r"x^{(i)}'", "w^{(L)}_{jk}",
])
def test_each_accepted_construct_round_trips(text: str) -> None:
    from gradviz.syntax import to_text

    graph = parse(text)
    assert parse(to_text(graph)) == graph, to_text(graph)
    assert tree(parse(latex_of(graph))) == tree(graph), latex_of(graph)
