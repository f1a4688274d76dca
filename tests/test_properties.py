"""Hypothesis: random expression trees, written as text and, independently, as sympy
expressions; gradviz's gradients must equal sympy.diff and central finite differences, within
tolerances relative to the magnitude and the conditioning of what is compared (tests/oracles.py)."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import assume, event, example, given
from hypothesis import strategies as st
from oracles import Sigmoid, compare, exact_agree, finite_difference_agrees, reference

import gradviz
from gradviz.errors import EvaluationError

NAMES = ["x", "y", "θ1", "w"]
SYMBOLS = {n: sp.Symbol(n, real=True) for n in NAMES}
ALIASES = {"θ1": ["θ1", "θ_1", "theta1", "\\theta_{1}", "θ₁"]}


def leaves():
    names = st.sampled_from(NAMES).flatmap(
        lambda n: st.sampled_from(ALIASES.get(n, [n])).map(lambda text: (text, SYMBOLS[n])))
    numbers = st.sampled_from([("2", sp.Integer(2)), ("0.5", sp.Rational(1, 2)), ("3", sp.Integer(3))])
    return st.one_of(names, names, numbers)


def grow(children):
    """One level up: every op, in several spellings, with domains kept safe."""
    pair = st.tuples(children, children)
    unary = [
        ("exp({})", "\\exp({})", sp.exp), ("tanh({})", "tanh({})", sp.tanh),
        ("σ({})", "\\sigma({})", Sigmoid), ("sin({})", "sin({})", sp.sin),
        ("cos({})", "cos({})", sp.cos), ("log(({})^2 + 1)", "\\ln(({})^{{2}} + 1)", lambda a: sp.log(a**2 + 1)),
        ("sqrt(({})² + 1)", "\\sqrt{{({})^2 + 1}}", lambda a: sp.sqrt(a**2 + 1)),
        ("softplus({})", "softplus({})", lambda a: sp.log(1 + sp.exp(a))), ("−({})", "-({})", lambda a: -a),
        ("gelu({})", "GELU({})", lambda a: a * (1 + sp.erf(a / sp.sqrt(2))) / 2), ("({})^3", "({})³", lambda a: a**3),
    ]
    binary = [
        ("({}) + ({})", lambda a, b: a + b), ("({}) − ({})", lambda a, b: a - b), ("({}) · ({})", lambda a, b: a * b),
        ("({})({})", lambda a, b: a * b), ("({}) * ({})", lambda a, b: a * b),
        ("({}) / (({})^2 + 1)", lambda a, b: a / (b**2 + 1)), ("\\frac{{{}}}{{({})^2 + 2}}", lambda a, b: a / (b**2 + 2)),
        ("(({})^2 + 1)^({})", lambda a, b: (a**2 + 1) ** b),
    ]
    unary_st = st.tuples(st.sampled_from(unary), st.booleans(), children).map(
        lambda t: ((t[0][1] if t[1] else t[0][0]).format(t[2][0]), t[0][2](t[2][1])))
    binary_st = st.tuples(st.sampled_from(binary), pair).map(
        lambda t: (t[0][0].format(t[1][0][0], t[1][1][0]), t[0][1](t[1][0][1], t[1][1][1])))
    return st.one_of(unary_st, binary_st)


EXPRESSIONS = st.recursive(leaves(), grow, max_leaves=6)
POINTS = st.fixed_dictionaries({n: st.floats(-1.5, 1.5).map(lambda v: round(v, 3)) for n in NAMES})


#: a huge value whose 30-digit difference was once held to an absolute 1e-9
HUGE = ("(((x) − (2))^2 + 1)^(((y)^2 + 1)^(2))",
        ((SYMBOLS["x"] - 2) ** 2 + 1) ** ((SYMBOLS["y"] ** 2 + 1) ** 2))


@pytest.mark.slow
@given(EXPRESSIONS, POINTS)
@example(HUGE, {"x": -1.4, "y": -1.4, "θ1": 0.0, "w": 0.0})
def test_random_trees_match_sympy_diff_and_finite_differences(expr, point) -> None:
    text, oracle = expr
    graph = gradviz.parse(text)
    at = {name: point[name] for name in graph.inputs}
    try:
        result = graph.backward(at)
    except EvaluationError:
        assume(False)
    subs = {SYMBOLS[n]: v for n, v in at.items()}
    value = reference(oracle, subs)
    if not compare(result.value, value, 1e-9, text):
        event("value not compared (float rounding exceeds the tolerance)")
    for name in graph.inputs:
        if not compare(result.grad[name], reference(sp.diff(oracle, SYMBOLS[name]), subs), 1e-7, (text, name)):
            event("gradient not compared (float rounding exceeds the tolerance)")
        agreed = finite_difference_agrees(result.grad[name], lambda p: graph.backward(p, symbolic=False).value, at,
                                          name, value)
        event("finite differences " + ("not compared (too noisy here)" if agreed is None else "compared"))
        assert agreed is not False, (text, name, result.grad[name])


@pytest.mark.slow
@given(EXPRESSIONS)
@example(HUGE)
def test_symbolic_gradient_agrees_with_sympy_diff(expr) -> None:
    text, oracle = expr
    graph = gradviz.parse(text)
    for name in graph.inputs:
        for probe in (0.3, -0.7):
            at = {s: probe * (i + 1) for i, s in enumerate(SYMBOLS.values())}
            same = exact_agree(graph.gradient(name), sp.diff(oracle, SYMBOLS[name]), at)
            event("symbolic " + ("not compared (100 digits cannot tell)" if same is None else "compared"))
            assert same is not False, (text, name, at)
