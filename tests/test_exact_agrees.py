"""Exact mode agrees with float mode: the same numbers (to float precision, and exactly where
float underflows to 0 or overflows), or the same domain error — also where tanh and σ
saturate at large arguments."""

from __future__ import annotations

import math

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradviz
from gradviz.errors import EvaluationError
from gradviz.text.numbers import format_value

import fuzzing


def _run(graph, at: dict, exact: bool):
    try:
        return graph.backward(at, exact=exact, symbolic=False)
    except EvaluationError as exc:
        return exc


def _close(exact_value, float_value: float) -> bool:
    e = float(sp.N(exact_value, 30))
    return math.isclose(e, float_value, rel_tol=1e-6, abs_tol=1e-9 * max(1.0, abs(e)))


def _agree(text: str, at: dict) -> None:
    graph = gradviz.parse(text)
    at = {name: at[name] for name in graph.inputs}
    floats, exact = _run(graph, at, False), _run(graph, at, True)
    if isinstance(exact, EvaluationError):
        assert isinstance(floats, EvaluationError) or "digits" in str(exact), (text, at, str(exact))
        return
    if isinstance(floats, EvaluationError):
        return  # float overflowed (exp(1000)); exact mode has the number
    assert _close(exact.value, floats.value), (text, at, exact.value, floats.value)
    for name in graph.inputs:
        assert _close(exact.grad[name], floats.grad[name]), (text, at, name, exact.grad[name], floats.grad[name])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(case=fuzzing.cases(max_leaves=4), point=fuzzing.points(), scale=st.sampled_from([1, 1, 30, 400]))
def test_exact_and_float_agree_on_random_formulas(case, point, scale) -> None:
    text, _tree, _style = case
    _agree(text, {name: value * scale for name, value in point.items()})


@pytest.mark.parametrize("text", ["tanh(x)", "σ(x)", "σ(-x)", "tanh(x) y", "softplus(x)", "silu(x)", "tanh(σ(x) x)"])
@pytest.mark.parametrize("x", [400, -400, 800, -800, 5000])
def test_exact_and_float_agree_where_tanh_and_sigma_saturate(text: str, x: int) -> None:
    _agree(text, {"x": x, "y": 2})


@pytest.mark.parametrize("text, at, shown", [
    ("tanh(x)", {"x": 400}, "1.47e−347"),  # 1 − tanh²(400), not cancelled into noise
    ("exp(x)", {"x": 1000}, "1.97e434"),
    ("σ(x)", {"x": -800}, "3.67e−348"),
    ("log(x)", {"x": "1e-320"}, "1e320"),
])
def test_exact_gradients_beyond_float_range_print_right(text: str, at: dict, shown: str) -> None:
    result = gradviz.parse(text).backward(at, exact=True)
    assert format_value(result.grad["x"]) == shown


@pytest.mark.parametrize("text, at", [("sqrt(x)", {"x": 0}), ("x^y", {"x": 0, "y": 0}), ("log(x)", {"x": 0}),
                                      ("1/x", {"x": 0})])
def test_exact_mode_refuses_where_float_mode_does(text: str, at: dict) -> None:
    graph = gradviz.parse(text)
    floats, exact = _run(graph, at, False), _run(graph, at, True)
    assert isinstance(floats, EvaluationError) and isinstance(exact, EvaluationError)
    assert str(exact) == str(floats)
