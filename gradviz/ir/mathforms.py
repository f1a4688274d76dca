"""The two number systems the op specs compute in: floats (``FLOAT``) and sympy (``symbolic()``),
with the same names, so that one formula in a spec serves both: ``lambda m, x: m.tanh(x)``.

The float forms are the numerically careful ones (a sigmoid that never overflows); the sympy
forms are the textbook definitions, used for exact arithmetic, symbolic derivatives and as
the tests' reference. sympy is imported on first use, so parsing never loads it.
"""

from __future__ import annotations

import math
from fractions import Fraction
from types import SimpleNamespace
from typing import Any

from .numbers import MAX_DIGITS, as_float

__all__ = ["FLOAT", "symbolic", "Math"]

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
    pi=math.pi, e=math.e, exp=math.exp, log=math.log, sqrt=math.sqrt, sin=math.sin, cos=math.cos,
    tan=math.tan, sinh=math.sinh, cosh=math.cosh, tanh=math.tanh, erf=math.erf, abs=abs,
    sign=lambda x: float((x > 0) - (x < 0)), step=_step, max=max, min=min, pow=_pow,
    where=lambda condition, then, otherwise: then if condition else otherwise,
    sigmoid=_sigmoid, softplus=lambda x: math.log1p(math.exp(-abs(x))) + max(x, 0.0),
    number=as_float, exact=False,
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
            pi=sympy.pi, e=sympy.E, exp=sympy.exp, log=sympy.log, sqrt=sympy.sqrt, sin=sympy.sin,
            cos=sympy.cos, tan=sympy.tan, sinh=sympy.sinh, cosh=sympy.cosh, tanh=sympy.tanh, erf=sympy.erf,
            abs=sympy.Abs, sign=sympy.sign, step=lambda x, at_zero: sympy.Heaviside(x, number(at_zero)),
            max=ordered(max, sympy.Max), min=ordered(min, sympy.Min), pow=power, where=where,
            sigmoid=lambda x: 1 / (1 + sympy.exp(-x)), softplus=lambda x: sympy.log(1 + sympy.exp(x)),
            number=number, exact=True,
        )
    return _SYMBOLIC
