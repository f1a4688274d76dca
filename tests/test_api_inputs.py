"""The public API given any Python object: a result, or a ``GradvizError`` — never a
``TypeError``, ``StopIteration`` or numpy's complaint from inside gradviz."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradviz
from gradviz.errors import GradvizError

GRAPH = gradviz.parse("(θ1θ2x − y)²")
AT = {"θ1": 2, "θ2": -1, "x": 3, "y": 1}
RESULT = GRAPH.backward(AT)

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**300, max_value=10**1200),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12), st.binary(max_size=4),
    st.sampled_from(["θ1", "theta_1", "x", "y", " x ", "\udcff", "1e400", "−1", "nan", "x=1", "__class__",
                     np.float64(2.5), np.float32(-0.5), np.int64(7), np.float64("nan"), np.array([1.0, 2.0]),
                     np.array(3.0), Fraction(1, 3), Decimal("0.1"), Decimal("1e999999"), Decimal("NaN"), object()]),
)
_objects = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.tuples(inner, inner),
    st.dictionaries(st.one_of(st.text(max_size=4), st.integers(), st.none()), inner, max_size=3)), max_leaves=6)



def _keyed(key: Any) -> dict:
    """The lecture's values with ``key`` for θ1 (a plain dict when ``key`` cannot be one's key)."""
    try:
        return {key: 1, "θ2": -1, "x": 3, "y": 1}
    except TypeError:
        return {"θ2": -1, "x": 3, "y": 1}


CALLS: dict[str, Callable[[Any], Any]] = {
    "parse": gradviz.parse,
    "backward(at)": GRAPH.backward,
    "backward(value)": lambda v: GRAPH.backward({**AT, "θ1": v}),
    "backward(key)": lambda v: GRAPH.backward(_keyed(v)),
    "backward(exact value)": lambda v: GRAPH.backward({**AT, "x": v}, exact=True),
    "gradient": GRAPH.gradient,
    "chain": GRAPH.chain,
    "show(step)": lambda v: RESULT.show(step=v),
    "derivation(wrt)": lambda v: RESULT.derivation(wrt=v).text,
    "var(name)": gradviz.var,
    "var(value)": lambda v: gradviz.var("x", v).backward(),
    # numbers only: Python itself answers ``Expr * "text"`` with a TypeError (the operator is not defined)
    "constant": lambda v: (gradviz.var("x", 1.0) * v).backward() if isinstance(v, (int, float, Fraction, Decimal,
                                                                                   np.number)) and not isinstance(v, bool) else None,
    "trace(fn)": gradviz.trace,
    "trace(params)": lambda v: gradviz.trace(lambda w, x: w * x, params=v),
    "trace(at)": lambda v: gradviz.trace(lambda w, x: w * x, at=v),
}


@pytest.mark.slow
@pytest.mark.parametrize("call", list(CALLS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_objects)
def test_any_object_gives_a_result_or_a_gradviz_error(call: str, value: Any) -> None:
    try:
        CALLS[call](value)
    except GradvizError:
        pass


def test_a_fractional_step_is_a_clean_error() -> None:
    with pytest.raises(GradvizError, match="whole number"):
        RESULT.show(step=1.5)
    assert RESULT.show(step=np.int64(-1)).title == RESULT.show(step=3).title
