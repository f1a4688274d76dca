"""Exact numbers: any real a user gives (int, float, Fraction, Decimal, numpy scalar, decimal
text) as a ``Fraction``, and a ``Fraction`` back as the short decimal a slide writes.

Hand numbers (``hand``) are what a hand calculation from the given decimals gives: exact
fractions for the rational part of a graph (0.5 − 0.6 + 0.1 is 0), the correctly rounded float
of anything beyond it (kept as the float's exact fraction), and a float wherever an exact
fraction would grow past ``HAND_BITS`` bits (a tower of powers, a long chain of products)."""

from __future__ import annotations

import math
import numbers
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..errors import GradvizError

__all__ = ["exact", "format_number", "as_float", "too_long", "short_repr", "hand", "hand_bits", "hand_sum",
           "MAX_DIGITS", "EXACT_DIGITS", "HAND_BITS", "CANCELLED"]

MAX_DIGITS = 1000  # digits of an exact number (numerator or denominator) gradviz accepts
EXACT_DIGITS = 17  # significant digits an exact transcendental value (tanh(400)) is evaluated to
CANCELLED = 8  # machine epsilons: a sum this close to zero, relative to its terms' size, is zero (``hand_sum``)
HAND_BITS = 1200  # bits of a hand number's numerator or denominator (a float's fraction takes up to 1,075)
_FLOAT_BITS = 1024  # a fraction whose magnitude needs more bits is beyond the range of a float


def exact(value: Any, what: str = "a number") -> Fraction:
    """``value`` as an exact ``Fraction`` (``0.1`` means 1/10, not its binary approximation).

    Accepts ints of any size (up to ``MAX_DIGITS`` digits), floats, ``Fraction``, ``Decimal``,
    numpy scalars and decimal text; raises ``GradvizError`` naming ``what`` otherwise."""
    if isinstance(value, bool) or value is None:
        raise GradvizError(f"{what} is not a real number: {value!r}")
    if hasattr(value, "item") and not isinstance(value, numbers.Rational) and callable(value.item):
        try:
            value = value.item()  # a numpy scalar (or 0-d array) as the Python number it holds
        except (TypeError, ValueError):
            raise GradvizError(f"{what} must be a single real number, not {short_repr(value)}") from None
    if isinstance(value, str):
        text = value.strip().replace("−", "-").replace("_", "")
        try:
            if len(text) > 2 * MAX_DIGITS:
                value = None
            elif "/" in text:
                value = Fraction(text)
            else:
                value = Decimal(text)
        except (ArithmeticError, ValueError):
            value = None
        if value is None:
            raise GradvizError(f"{what} is not a number: {short_repr(text)}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise GradvizError(f"{what} is not finite: {value}")
        return Fraction(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise GradvizError(f"{what} is not finite: {value}")
        if abs(value.adjusted()) > MAX_DIGITS:
            raise GradvizError(f"{what} is too large or too small: {short_repr(str(value))} "
                               f"(gradviz works with at most {MAX_DIGITS} digits)")
        return Fraction(value)
    if isinstance(value, numbers.Rational):
        result = Fraction(value.numerator, value.denominator)
        _check_size(result, what)
        return result
    if isinstance(value, numbers.Real):
        return exact(float(value), what)
    raise GradvizError(f"{what} is not a real number: {short_repr(value)}")


def _check_size(value: Fraction, what: str) -> None:
    if too_long(value.numerator, value.denominator):
        raise GradvizError(f"{what} has more than {MAX_DIGITS} digits")


def too_long(numerator: int, denominator: int = 1) -> bool:
    """Whether a numerator or denominator has more than ``MAX_DIGITS`` digits."""
    limit = 10**MAX_DIGITS
    return abs(numerator) >= limit or abs(denominator) >= limit


def as_float(value: Any) -> float:
    """``float(value)``, with ±inf where a number is beyond the range of a float."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def short_repr(value: Any) -> str:
    """``repr(value)`` cut to 40 characters, for an error message."""
    text = repr(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "…'"


def format_number(value: Fraction) -> str:
    """A constant as a short decimal (exact when the fraction has one, else ``p/q``)."""
    if value.denominator == 1:
        return str(value.numerator)
    den, twos, fives = value.denominator, 0, 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    digits = max(twos, fives)
    scaled = abs(value.numerator) * 10**digits // value.denominator
    text = f"{scaled // 10**digits}.{scaled % 10**digits:0{digits}d}"
    return ("-" if value < 0 else "") + text


def hand_bits(value: Fraction) -> int:
    """The size of a hand number: its numerator's or denominator's bit length, whichever is longer."""
    return max(abs(value.numerator).bit_length(), value.denominator.bit_length())


def hand_sum(a: Fraction, b: Fraction) -> Fraction:
    """``a + b`` for hand numbers, zero where it is within ``CANCELLED`` machine epsilons of ``|a| + |b|``: what is
    left there is the rounding of the floats the two were computed from (p − q of two softmaxes that agree,
    computed from different logits, is 6.9e−18, not 0), which a hand calculation does not have. The explorer,
    computing in floats, applies the same rule (``text.numbers.number_policy``)."""
    total = a + b
    if total and abs(total) * 2**52 <= CANCELLED * (abs(a) + abs(b)):
        return Fraction(0)
    return total


def hand(value: Any) -> Fraction:
    """``value`` (a ``Fraction``, int or float an op computed) as a hand number: unchanged while it
    has at most ``HAND_BITS`` bits, else rounded to the nearest float; an ``OverflowError`` where it
    is beyond the range of a float (as float arithmetic would overflow there)."""
    if isinstance(value, float):
        return Fraction(value)  # OverflowError / ValueError for inf / nan, as float mode's domain error
    if not isinstance(value, Fraction):
        value = Fraction(value)
    num, den = abs(value.numerator).bit_length(), value.denominator.bit_length()
    if num - den > _FLOAT_BITS:
        raise OverflowError("the result overflows a float")
    if max(num, den) > HAND_BITS:
        return Fraction(float(value))
    return value
