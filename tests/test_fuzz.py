"""Differential fuzzing, quick profile: random trees over every op in every syntax form agree
with sympy.diff and central finite differences (the long profile is bench/fuzz.py; fresh random
trees each run: GRADVIZ_FUZZ=1, docs/testing.md)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

import fuzzing


@pytest.mark.slow
@settings(suppress_health_check=list(HealthCheck))  # examples: the profile's (tests/conftest.py)
@given(fuzzing.cases(), fuzzing.points())
def test_random_trees_in_every_syntax_agree_with_the_oracles(case, point) -> None:
    text, tree, _ = case
    fuzzing.check(text, tree, point, symbolic=True)


def test_the_fuzzer_writes_every_op_the_syntax_has() -> None:
    from gradviz.ir.ops import OPS

    assert set(fuzzing.SYNTAX_OPS) == set(OPS) - {"softmax"}  # softmax: only the network builder


#: disagreements and crashes the fuzzers found, kept as regression tests (text, point)
REGRESSIONS = [
    # bce of a probability within 1e-13 of 1 loses digits in float: the fuzzer now keeps
    # probabilities inside σ(tanh(…)); this pins the well-conditioned form
    ("bce(σ(tanh(((3^2 + 0.5)^(1.5)))), σ(x))", {"x": 0.0}),
    ("(step((((x²) + 1)⁻¹)))", {"x": 0.0}),  # an op whose oracle simplifies away its input
]


@pytest.mark.parametrize("text, point", REGRESSIONS)
def test_regressions_found_by_fuzzing(text, point) -> None:
    import gradviz

    result = gradviz.parse(text).backward(point)
    assert set(result.grad) == set(point)
