"""The three number systems the op specs compute in: floats (``FLOAT``), hand numbers (``HAND``:
exact fractions where the result is rational, the correctly rounded float beyond, see
``numbers.hand``) and sympy (``symbolic()``), with the same names, so that one formula in a spec
serves all: ``lambda m, x: m.tanh(x)``.

The float forms are the numerically careful ones (a sigmoid that never overflows); the sympy
forms are the textbook definitions, used for exact arithmetic, symbolic derivatives and as
the tests' reference. sympy and mpmath are imported on first use, so parsing never loads them.
"""

from __future__ import annotations

import math
import operator
from fractions import Fraction
from types import SimpleNamespace
from typing import Any

from .numbers import HAND_BITS, MAX_DIGITS, as_float, hand, hand_bits, hand_sum

__all__ = ["FLOAT", "HAND", "symbolic", "Math"]

Math = SimpleNamespace  # a namespace of number functions: FLOAT or symbolic()


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _step(x: Any, at_zero: Any) -> float:
    return 1.0 if x > 0 else (float(at_zero) if x == 0 else 0.0)


def _pow(x: float, n: Any) -> float:
    n = as_float(n)
    return x ** (int(n) if math.isfinite(n) and n == int(n) else n)


FLOAT = Math(
    add=operator.add, sub=operator.sub,
    pi=math.pi, e=math.e, exp=math.exp, log=math.log, sqrt=math.sqrt, sin=math.sin, cos=math.cos,
    tan=math.tan, sinh=math.sinh, cosh=math.cosh, tanh=math.tanh, erf=math.erf, abs=abs,
    sign=lambda x: float((x > 0) - (x < 0)), step=_step, max=max, min=min, pow=_pow,
    where=lambda condition, then, otherwise: then if condition else otherwise,
    sigmoid=_sigmoid, softplus=lambda x: math.log1p(math.exp(-abs(x))) + max(x, 0.0),
    number=as_float, exact=False,
)

# --- hand numbers ---------------------------------------------------------------------------

_GUARD_BITS = 64  # beyond a float's 53: the one rounding to a float is then correct but in rare near-ties
_ZERO, _ONE, _HALF = Fraction(0), Fraction(1), Fraction(1, 2)


def _rounded(function: str, x: Fraction, at_zero: Fraction | None = None) -> Fraction:
    """A transcendental function of the exact ``x``, rounded once to a float (as its fraction).

    At a rational argument these functions are irrational except at their special points
    (Lindemann–Weierstrass: exp, sin, tanh, σ, … of a nonzero rational are transcendental), so
    ``at_zero`` (the exact value at 0) is the only exact case."""
    if x == 0 and at_zero is not None:
        return at_zero
    import mpmath

    with mpmath.workprec(53 + _GUARD_BITS):
        argument = mpmath.mpf(x.numerator) / x.denominator
        if function == "sigmoid":
            value = 1 / (1 + mpmath.exp(-argument))
        elif function == "softplus":
            value = mpmath.log1p(mpmath.exp(argument))
        else:
            value = getattr(mpmath, function)(argument)
    return hand(float(value))


def _root(value: Fraction, degree: int) -> Fraction | None:
    """The exact ``degree``-th root of a non-negative fraction, or None where it is irrational."""
    roots = []
    for part in (value.numerator, value.denominator):
        guess = _integer_root(part, degree)
        if guess is None:
            return None
        roots.append(guess)
    return Fraction(roots[0], roots[1])


def _integer_root(n: int, degree: int) -> int | None:
    if degree == 2:
        r = math.isqrt(n)
        return r if r * r == n else None
    r = round(n ** (1 / degree)) if n.bit_length() < 1000 else None
    if r is None:
        return None
    return next((c for c in (r - 1, r, r + 1) if c >= 0 and c**degree == n), None)


def _hand_log(x: Fraction) -> Fraction:
    return _ZERO if x == 1 else _rounded("log", x)


def _hand_sqrt(x: Fraction) -> Fraction:
    if x < 0:
        raise ValueError("math domain error")
    exact = _root(x, 2) if hand_bits(x) <= HAND_BITS else None
    return exact if exact is not None else _rounded("sqrt", x)


def _hand_pow(x: Fraction, n: Any) -> Fraction:
    """x^n: exact for an integer n while the result stays within ``HAND_BITS`` (estimated from the
    operands before it is computed), and for a rational n where x is a perfect power; else rounded."""
    x, n = Fraction(x), Fraction(n)
    if n.denominator == 1:
        if x in (0, 1, -1) or hand_bits(x) * abs(n.numerator) <= HAND_BITS:
            return x ** n.numerator
        return hand(float(x) ** n.numerator)
    if x >= 0 and n.denominator <= 64 and hand_bits(x) <= HAND_BITS:
        base = _root(x, n.denominator)
        if base is not None:
            return _hand_pow(base, n.numerator)
    if x == 0:
        return _ZERO
    if x < 0:
        raise ValueError("math domain error")
    import mpmath

    with mpmath.workprec(53 + _GUARD_BITS):
        value = mpmath.power(mpmath.mpf(x.numerator) / x.denominator, mpmath.mpf(n.numerator) / n.denominator)
    return hand(float(value))


HAND = Math(
    add=hand_sum, sub=lambda a, b: hand_sum(a, -b),
    pi=hand(math.pi), e=hand(math.e),
    exp=lambda x: _rounded("exp", x, _ONE), log=_hand_log, sqrt=_hand_sqrt,
    sin=lambda x: _rounded("sin", x, _ZERO), cos=lambda x: _rounded("cos", x, _ONE),
    tan=lambda x: _rounded("tan", x, _ZERO), sinh=lambda x: _rounded("sinh", x, _ZERO),
    cosh=lambda x: _rounded("cosh", x, _ONE), tanh=lambda x: _rounded("tanh", x, _ZERO),
    erf=lambda x: _rounded("erf", x, _ZERO), abs=abs,
    sign=lambda x: Fraction((x > 0) - (x < 0)), step=lambda x, at_zero: _ONE if x > 0 else (Fraction(at_zero) if x == 0 else _ZERO),
    max=max, min=min, pow=_hand_pow,
    where=lambda condition, then, otherwise: then if condition else otherwise,
    sigmoid=lambda x: _rounded("sigmoid", x, _HALF), softplus=lambda x: _rounded("softplus", x),
    number=lambda value: Fraction(value), exact=False,
)

_SYMBOLIC: Math | None = None


def symbolic() -> Math:
    """The sympy namespace (built on first use)."""
    global _SYMBOLIC
    if _SYMBOLIC is None:
        import sympy

        def number(value: Any) -> Any:
            if isinstance(value, Fraction):
                return sympy.Rational(value.numerator, value.denominator)
            return sympy.sympify(value) if isinstance(value, (int, float)) else value

        def power(x: Any, n: Any) -> Any:
            n = number(n)
            if getattr(x, "is_Rational", False) and getattr(n, "is_Rational", False) and abs(x) not in (0, 1):
                size = max(abs(x.p), x.q).bit_length() * abs(n)
                if size > 3.33 * MAX_DIGITS:  # bits; checked before sympy spends minutes on it
                    raise OverflowError(f"the exact result would have more than {MAX_DIGITS} digits")
            return x ** n

        def ordered(pick: Any, fallback: Any) -> Any:
            def choose(*xs: Any) -> Any:  # numbers (exact mode): ordered at 50 digits, where sympy's
                if all(getattr(x, "is_number", False) for x in xs):  # 2-digit check finds some "not comparable"
                    return pick(xs, key=lambda x: sympy.N(x, 50))
                return fallback(*xs)
            return choose

        def where(condition: Any, then: Any, otherwise: Any) -> Any:
            if condition in (True, False):  # numbers (exact mode): choose now
                return then if condition else otherwise
            return sympy.Piecewise((then, condition), (otherwise, True))

        _SYMBOLIC = Math(
            add=operator.add, sub=operator.sub,
            pi=sympy.pi, e=sympy.E, exp=sympy.exp, log=sympy.log, sqrt=sympy.sqrt, sin=sympy.sin,
            cos=sympy.cos, tan=sympy.tan, sinh=sympy.sinh, cosh=sympy.cosh, tanh=sympy.tanh, erf=sympy.erf,
            abs=sympy.Abs, sign=sympy.sign, step=lambda x, at_zero: sympy.Heaviside(x, number(at_zero)),
            max=ordered(max, sympy.Max), min=ordered(min, sympy.Min), pow=power, where=where,
            sigmoid=lambda x: 1 / (1 + sympy.exp(-x)), softplus=lambda x: sympy.log(1 + sympy.exp(x)),
            number=number, exact=True,
        )
    return _SYMBOLIC
