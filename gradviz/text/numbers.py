"""Numbers as slides write them: ``42``, ``0.25``, ``−84``, ``1.5e12``, superscript exponents."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from ..ir.numbers import EXACT_DIGITS, MAX_DIGITS, format_number

__all__ = ["MINUS", "format_value", "superscript", "SUPERSCRIPTS", "SUBSCRIPTS"]

MINUS = "−"
SUPERSCRIPTS = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def format_value(value: Any, digits: int = 6) -> str:
    """A number as a figure shows it: ``42``, ``0.25``, ``−84``, ``1.5e12`` (never ``41.99999999``),
    to ``digits`` significant digits (at most 4 in scientific notation).

    Anything that is not a number (an exercise's blank) prints as itself."""
    if getattr(value, "is_number", False):  # exact: 10³²⁰, tanh(400), exp(1000)
        value = Fraction(int(value.p), int(value.q)) if value.is_Rational else \
            Fraction(str(value.evalf(EXACT_DIGITS, maxn=MAX_DIGITS)))
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    except OverflowError:  # an exact number beyond float range
        return _huge(value)
    if f == 0:
        return "0" if value == 0 else _huge(value)  # an exact number too small for a float
    if not math.isfinite(f):
        return str(f).replace("-", MINUS)
    text = f"{f:.{digits}g}" if 1e-4 <= abs(f) < 10 ** max(digits, 4) else f"{f:.{min(digits, 4)}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", MINUS)


def _huge(value: Any) -> str:
    """An exact number too large or too small for a float, in scientific notation from its digits."""
    q = Fraction(str(value)) if not isinstance(value, Fraction) else value
    sign = MINUS if q < 0 else ""
    q = abs(q)
    exponent = len(str(q.numerator)) - len(str(q.denominator))
    mantissa = float(q / Fraction(10) ** exponent)
    while mantissa >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{sign}{mantissa:.4g}e{exponent}".replace("-", MINUS)


def superscript(exponent: Fraction) -> str:
    """An exponent as Unicode superscript when it is an integer (``²``, ``⁻¹``), else ``^0.5``."""
    if exponent.denominator == 1:
        return str(exponent.numerator).translate(SUPERSCRIPTS)
    return "^" + format_number(exponent).replace("-", MINUS)
