"""Numbers as slides write them: ``42``, ``0.25``, ``−84``, ``1.5e12``, superscript exponents; one
significant-digit policy (``DIGITS``, or ``digits(n)`` for a block) for every number shown."""

from __future__ import annotations

import functools
import math
from contextlib import contextmanager
from contextvars import ContextVar
from fractions import Fraction
from typing import Any, Iterator, Sequence

from ..errors import GradvizError
from ..ir.numbers import CANCELLED, EXACT_DIGITS, MAX_DIGITS, format_number

__all__ = ["MINUS", "format_value", "superscript", "SUPERSCRIPTS", "SUBSCRIPTS", "DIGITS", "MAX_SHOWN_DIGITS",
           "digits", "shown_digits", "MESSAGE_DIGITS", "checking_digits", "number_policy"]

MINUS = "−"
SUPERSCRIPTS = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


DIGITS = 3  # significant digits of every number a figure, caption, derivation or report shows (a caption's
# factors get up to 3 more where the shown factors' product would not round to the shown result)
MESSAGE_DIGITS = 6  # significant digits of a number an error message quotes (to find the trouble by)
MAX_SHOWN_DIGITS = 15  # a float holds about this many
SCIENTIFIC_BELOW = -4  # a number whose first digit is at 10^e is written in scientific notation when e < this
SCIENTIFIC_FROM = 4  # … or e >= max(digits, this)
SCIENTIFIC_DIGITS = 4  # at most this many significant digits in scientific notation
_DIGITS: ContextVar[int] = ContextVar("gradviz_digits", default=DIGITS)


def shown_digits() -> int:
    """The significant digits numbers are shown to here (``DIGITS`` unless ``digits`` says)."""
    return _DIGITS.get()


@contextmanager
def digits(count: int) -> Iterator[int]:
    """Show numbers to ``count`` significant digits inside the block (as ``decimal.localcontext``
    sets a precision for a block): one policy for nodes, edges, captions, derivations, reports."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_SHOWN_DIGITS:
        raise GradvizError(f"digits must be a whole number from 1 to {MAX_SHOWN_DIGITS}, not {count!r}")
    token = _DIGITS.set(count)
    try:
        yield count
    finally:
        _DIGITS.reset(token)


def checking_digits(products: Sequence[Sequence[Any]], total: Any, extra: int = 3) -> int | None:
    """The significant digits (from ``shown_digits()`` to ``extra`` more) at which the factors of
    ``A × B + C × D = total`` are shown so that the shown factors' products, added up and rounded
    as ``total`` is shown, give the shown ``total``: a hand calculation from the shown numbers
    reproduces the shown result. None where a value is no number (an exercise's blank)."""
    base = shown_digits()
    try:
        wanted = _shown(total, base)
        for count in range(base, min(base + extra, MAX_SHOWN_DIGITS) + 1):
            computed = sum((math.prod(_shown(v, count) for v in factors) for factors in products), Fraction(0))
            if _as_shown(computed, wanted, base) == wanted or count == base + extra:
                return count
    except ValueError:
        return None
    return base


def _as_shown(q: Fraction, shown: Fraction, base: int) -> Fraction:
    """``q`` rounded half up as ``shown`` is: to ``base`` significant digits, or to all of its own
    where it is shown whole with more (0 stays 0)."""
    if shown == 0 or q == 0:
        return q
    digits, _ = _rounded(abs(shown), MAX_SHOWN_DIGITS + 2)
    mantissa, exponent = _rounded(abs(q), max(len(digits.rstrip("0")), base))
    value = Fraction(int(mantissa)) * Fraction(10) ** (exponent - len(mantissa) + 1)
    return value if q > 0 else -value


def _shown(value: Any, count: int) -> Fraction:
    """The number a reader sees: ``value`` as shown to ``count`` digits (ValueError if none)."""
    return Fraction(format_value(value, count).replace(MINUS, "-"))


def number_policy() -> dict[str, Any]:
    """The number format as data, for a page that formats numbers itself (the explorer): significant
    digits (shown and in messages), where scientific notation starts and its digits, the minus sign, and the
    machine epsilons within which a sum of its terms' size is zero (``ir.numbers.hand_sum``)."""
    return {"digits": shown_digits(), "message": MESSAGE_DIGITS, "below": SCIENTIFIC_BELOW, "from": SCIENTIFIC_FROM,
            "scientific": SCIENTIFIC_DIGITS, "minus": MINUS, "cancelled": CANCELLED}


def format_value(value: Any, digits: int | None = None) -> str:
    """A number as a figure shows it: ``42``, ``0.25``, ``−84``, ``1.5e12`` (never ``41.99999999``),
    rounded half up to ``digits`` significant digits (``shown_digits()`` unless given; at most 4
    in scientific notation) from its exact value: a float is the decimal it prints as, an exact
    number its own digits (``0.1245`` is ``0.125`` to 2 digits). A decimal with just one digit
    more than ``digits`` is shown whole (``1.875`` at 3 digits, as a hand calculation gives it).

    Anything that is not a number (an exercise's blank) prints as itself."""
    count = digits or shown_digits()
    if isinstance(value, float):
        return _float_text(float(value), count)  # a numpy float64 too
    exact = _fraction(value)
    if exact is None:
        return str(value)
    return _text(exact, count)


@functools.lru_cache(maxsize=4096)
def _float_text(value: float, count: int) -> str:
    """A float as shown (a figure writes the same few numbers thousands of times while it is fitted)."""
    if not math.isfinite(value):
        return str(value).replace("-", MINUS)
    return _text(Fraction(repr(value)), count)


@functools.lru_cache(maxsize=4096)
def _text(exact: Fraction, count: int) -> str:
    if exact == 0:
        return "0"
    mantissa, exponent = _rounded(abs(exact), count)
    if not SCIENTIFIC_BELOW <= exponent < max(count, SCIENTIFIC_FROM):
        count = min(count, SCIENTIFIC_DIGITS)
        mantissa, exponent = _rounded(abs(exact), count)
        whole = _rounded(abs(exact), count + 1)
        if _is_exact(abs(exact), whole):
            mantissa, exponent = whole
        text = _point(mantissa, 0) + f"e{exponent}"
    else:
        whole = _rounded(abs(exact), count + 1)
        text = _point(*(whole if _is_exact(abs(exact), whole) else (mantissa, exponent)))
    return (MINUS if exact < 0 else "") + text.replace("-", MINUS)


def _is_exact(q: Fraction, shown: tuple[str, int]) -> bool:
    """Whether ``shown`` (digits, exponent) is ``q`` exactly: a decimal a hand calculation gives
    (0.5 × 3.75 = 1.875) is shown whole when it has one digit more than the policy's."""
    digits, exponent = shown
    return Fraction(int(digits)) * Fraction(10) ** (exponent - len(digits) + 1) == q


def _fraction(value: Any) -> Fraction | None:
    """An exact number (int, ``Fraction``, sympy number) as a ``Fraction``; None for anything else."""
    if getattr(value, "is_number", False):  # exact: 10³²⁰, tanh(400), exp(1000)
        if value.is_Rational:
            return Fraction(int(value.p), int(value.q))
        try:
            return Fraction(str(value.evalf(EXACT_DIGITS, maxn=MAX_DIGITS)))
        except (ValueError, TypeError):
            return None
    if isinstance(value, (int, Fraction)) and not isinstance(value, bool):
        return Fraction(value)
    try:
        return Fraction(repr(float(value)))  # numpy scalars and other reals
    except (TypeError, ValueError, OverflowError):
        return None


def _rounded(q: Fraction, count: int) -> tuple[str, int]:
    """A positive ``q`` rounded half up to ``count`` significant digits: (the digits, the decimal
    exponent of the first), e.g. (``"1235"``, −1) for 0.12346 to 4."""
    n, d = q.numerator, q.denominator
    exponent = len(str(n)) - len(str(d))  # the first digit's exponent, or one more
    if (n * 10 ** -exponent if exponent < 0 else n) < (d * 10**exponent if exponent >= 0 else d):
        exponent -= 1
    shift = count - 1 - exponent
    num, den = (n * 10**shift, d) if shift >= 0 else (n, d * 10**-shift)
    whole, rest = divmod(num, den)
    if 2 * rest >= den:
        whole += 1
    if whole == 10**count:
        whole, exponent = 10 ** (count - 1), exponent + 1
    return str(whole), exponent


def _point(digits: str, exponent: int) -> str:
    """Significant ``digits`` with the decimal point placed for ``exponent``, trailing zeros dropped."""
    if exponent < 0:
        text = "0." + "0" * (-exponent - 1) + digits
    elif exponent + 1 >= len(digits):
        return digits + "0" * (exponent + 1 - len(digits))
    else:
        text = digits[: exponent + 1] + "." + digits[exponent + 1 :]
    return text.rstrip("0").rstrip(".")


def superscript(exponent: Fraction) -> str:
    """An exponent as Unicode superscript when it is an integer (``²``, ``⁻¹``), else ``^0.5``, ``^(1/3)``."""
    if exponent.denominator == 1:
        return str(exponent.numerator).translate(SUPERSCRIPTS)
    text = format_number(exponent).replace("-", MINUS)
    return f"^({text})" if "/" in text else "^" + text
