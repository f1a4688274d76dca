"""The op table against independent oracles: sympy.diff of each op's sympy form, and
central finite differences of its float form; kink conventions as in PyTorch."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest
import sympy

from gradviz.ir.ops import OPS, EvaluationDomainError

SYMBOLS = sympy.symbols("x y z u v w", real=True)


def params_of(key: str) -> tuple:
    """Each parameter's example value from the spec (a slope of 0.2, an exponent of 3, …)."""
    return tuple(p.example for p in OPS[key].params)


def arity(key: str) -> int:
    """Variadic ops are tested with three logits (and three labels where they take them)."""
    spec = OPS[key]
    return spec.arity or (6 if spec.paired else 3)


def points(key: str, rng: random.Random) -> list[tuple[float, ...]]:
    """Random points inside the spec's sampling ranges and away from its kinks."""
    spec, out = OPS[key], []
    ranges = list(spec.samples) + [(-3.0, 3.0)] * (arity(key) - len(spec.samples))
    while len(out) < 25:
        args = tuple(rng.uniform(low, high) for low, high in ranges[: arity(key)])
        if spec.kink is not None and (spec.kink(*args) if not spec.variadic else spec.kink(args)):
            continue
        out.append(args)
    return out


@pytest.mark.parametrize("key", sorted(OPS))
def test_value_and_local_derivatives_match_oracles(key: str) -> None:
    op, params, rng = OPS[key], params_of(key), random.Random(key)
    syms = SYMBOLS[: arity(key)]
    form = op.sympy(syms, params)
    # away from kinks the derivative of a step (sympy's DiracDelta) is 0
    oracle = [sympy.lambdify(syms, sympy.diff(form, s).replace(sympy.DiracDelta, lambda *a: sympy.S.Zero), "mpmath")
              for s in syms]
    for args in points(key, rng):
        out = op.evaluate(args, params)
        assert out == pytest.approx(float(form.subs(dict(zip(syms, args)))), rel=1e-12, abs=1e-12)
        local = op.derivatives(args, out, params)
        for i, s in enumerate(syms):
            assert local[i] == pytest.approx(float(oracle[i](*args)), rel=1e-9, abs=1e-12), (key, i, args)
            h = 1e-6 * max(1.0, abs(args[i]))
            up = list(args); up[i] += h
            down = list(args); down[i] -= h
            fd = (op.evaluate(tuple(up), params) - op.evaluate(tuple(down), params)) / (2 * h)
            assert local[i] == pytest.approx(fd, rel=1e-5, abs=1e-6), (key, i, args)


@pytest.mark.parametrize("key", sorted(OPS))
def test_symbolic_local_derivative_is_sympy_diff(key: str) -> None:
    """The textbook local derivative (written with the node's own output, e.g. σ(1−σ)) equals
    sympy.diff of the op's sympy form."""
    op, params = OPS[key], params_of(key)
    syms = SYMBOLS[: arity(key)]
    form = op.sympy(syms, params)
    out = sympy.Symbol("out", real=True)
    for i, s in enumerate(syms):
        ours = op.sympy_local(syms, out, params)[i].subs(out, form)
        rng = random.Random(i)
        for args in points(key, rng)[:5]:
            at = dict(zip(syms, args))
            expected = sympy.diff(form, s).replace(sympy.DiracDelta, lambda *a: sympy.S.Zero).subs(at)
            assert float(ours.subs(at)) == pytest.approx(float(expected), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("key", sorted(OPS))
def test_exact_arithmetic_agrees_with_floats(key: str) -> None:
    op, params = OPS[key], params_of(key)
    for args in points(key, random.Random(key + "exact"))[:3]:
        exact_args = tuple(sympy.Rational(str(round(a, 6))) for a in args)
        floats = tuple(float(a) for a in exact_args)
        assert float(op.evaluate(exact_args, params, exact=True)) == pytest.approx(op.evaluate(floats, params),
                                                                                  rel=1e-9, abs=1e-12)


def test_exact_mode_gives_rationals() -> None:
    assert OPS["div"].evaluate((sympy.Integer(1), sympy.Integer(3)), (), exact=True) == sympy.Rational(1, 3)
    assert OPS["powc"].evaluate((sympy.Rational(1, 2),), (Fraction(2),), exact=True) == sympy.Rational(1, 4)


@pytest.mark.parametrize(
    "key, args, expected",
    [
        ("relu", (0.0,), (0.0,)),  # PyTorch: relu'(0) = 0
        ("abs", (0.0,), (0.0,)),  # PyTorch: sgn(0) = 0
        ("leaky_relu", (0.0,), (float(OPS["leaky_relu"].params[0].example),)),  # PyTorch: the negative slope at 0
        ("max", (1.0, 1.0), (0.5, 0.5)),  # PyTorch's maximum splits ties evenly
        ("min", (2.0, 2.0), (0.5, 0.5)),
        ("relu", (-1.0,), (0.0,)),
        ("step", (0.0,), (0.0,)),  # the step function passes no gradient anywhere
        ("mae", (1.0, 1.0), (0.0, -0.0)),
        ("elu", (0.0,), (1.5,)),  # PyTorch: the negative branch at 0, α·e⁰ (α = 1.5)
        ("max", (3.0, 1.0), (1.0, 0.0)),
        ("min", (3.0, 1.0), (0.0, 1.0)),
    ],
)
def test_kink_conventions(key: str, args: tuple, expected: tuple) -> None:
    params = params_of(key)
    out = OPS[key].evaluate(args, params)
    assert OPS[key].derivatives(args, out, params) == expected
    assert tuple(float(d) for d in OPS[key].derivatives(tuple(sympy.nsimplify(a) for a in args),
                                                        sympy.nsimplify(out), params, exact=True)) == expected


@pytest.mark.parametrize(
    "key, args",
    [("log", (0.0,)), ("log", (-1.0,)), ("sqrt", (-0.5,)), ("div", (1.0, 0.0)), ("pow", (-2.0, 0.5)),
     ("powc", (0.0,)), ("exp", (1000.0,)), ("bce", (1.0, 1.0)), ("bce", (0.0, 0.0)), ("ce", (0.0, 1.0))],
)
def test_domain_errors(key: str, args: tuple) -> None:
    params = (Fraction(-1),) if key == "powc" else ()
    with pytest.raises(EvaluationDomainError):
        OPS[key].evaluate(args, params)


def test_infinite_local_derivative_is_an_error() -> None:
    with pytest.raises(EvaluationDomainError, match="infinite"):
        OPS["sqrt"].derivatives((0.0,), 0.0, ())


def test_pow_exponent_derivative_at_zero_base_is_zero_like_pytorch() -> None:
    assert OPS["pow"].derivatives((0.0, 2.0), 0.0, ()) == (0.0, 0)
    with pytest.raises(EvaluationDomainError, match="positive base"):
        OPS["pow"].derivatives((-2.0, 2.0), 4.0, ())


def test_stable_sigmoid_and_softplus_far_out() -> None:
    assert OPS["sigmoid"].evaluate((-800.0,), ()) == pytest.approx(0.0)
    assert OPS["sigmoid"].evaluate((800.0,), ()) == 1.0
    assert OPS["softplus"].evaluate((800.0,), ()) == 800.0
    assert math.isfinite(OPS["softplus"].derivatives((-800.0,), 0.0, ())[0])


def test_softmax_cross_entropy_collapsed_gradient_is_p_minus_y() -> None:
    logits, labels = (1.0, 2.0, 0.5), (0.0, 1.0, 0.0)
    local = OPS["softmax_ce"].derivatives(logits + labels, None, ())
    probs = [OPS["softmax"].evaluate(logits, (i,)) for i in range(3)]
    assert local[:3] == pytest.approx([q - y for q, y in zip(probs, labels)])
    assert sum(probs) == pytest.approx(1.0)


def test_softmax_is_stable_for_huge_logits() -> None:
    assert OPS["softmax"].evaluate((1000.0, 0.0), (0,)) == pytest.approx(1.0)
    assert math.isfinite(OPS["softmax_ce"].evaluate((1000.0, 0.0, 0.0, 1.0), ()))
