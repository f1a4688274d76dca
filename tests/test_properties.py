"""Hypothesis: random expression trees, written as text and, independently, as sympy
expressions; gradviz's gradients must equal sympy.diff and central finite differences."""

from __future__ import annotations

import math

import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

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
        ("σ({})", "\\sigma({})", lambda a: 1 / (1 + sp.exp(-a))), ("sin({})", "sin({})", sp.sin),
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


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS, POINTS)
def test_random_trees_match_sympy_diff_and_finite_differences(expr, point) -> None:
    text, oracle = expr
    graph = gradviz.parse(text)
    at = {name: point[name] for name in graph.inputs}
    try:
        result = graph.backward(at)
    except EvaluationError:
        assume(False)
    subs = {SYMBOLS[n]: v for n, v in at.items()}
    assert math.isclose(result.value, float(oracle.subs(subs).evalf(30)), rel_tol=1e-9, abs_tol=1e-9)
    for name in graph.inputs:
        expected = float(sp.diff(oracle, SYMBOLS[name]).subs(subs).evalf(30))
        assert math.isclose(result.grad[name], expected, rel_tol=1e-7, abs_tol=1e-7), (text, name)
        h = 1e-6
        up, down = dict(at), dict(at)
        up[name] += h
        down[name] -= h
        fd = (graph.backward(up, symbolic=False).value - graph.backward(down, symbolic=False).value) / (2 * h)
        assert math.isclose(result.grad[name], fd, rel_tol=1e-4, abs_tol=1e-4), (text, name)


@settings(max_examples=25, deadline=None)
@given(EXPRESSIONS)
def test_symbolic_gradient_agrees_with_sympy_diff(expr) -> None:
    text, oracle = expr
    graph = gradviz.parse(text)
    for name in graph.inputs:
        difference = graph.gradient(name) - sp.diff(oracle, SYMBOLS[name])
        for probe in (0.3, -0.7):
            value = difference.subs({s: probe * (i + 1) for i, s in enumerate(SYMBOLS.values())}).evalf(30)
            assert abs(complex(value)) < 1e-9, (text, name)
