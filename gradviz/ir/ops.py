"""The op specs: one ``OpSpec`` per primitive operation, the single source of everything gradviz
knows about it — how it is spelled (text, Unicode, LaTeX), its arity and parameters, its
precedence as an operator, how it is printed, its value and local derivatives (one textbook
formula for floats, exact numbers and sympy alike, plus a careful float form where the textbook
one overflows), the Python builder named after it, its JavaScript form for the interactive page, and where the
tests sample it.

Formulas take the number system first (``m``: ``mathforms.FLOAT`` or ``mathforms.symbolic()``),
then the operands, then the parameters; variadic ops take their operands as one tuple. Local
derivatives also take the node's own output ``out``, so textbook forms come out: ∂σ/∂z = σ(1 − σ)
is ``out * (1 - out)``. Kinks follow PyTorch: relu′(0) = 0, abs′(0) = 0, leaky_relu′(0) = slope,
max/min split ties evenly, ∂(x^y)/∂y = 0 where x = 0.

Adding an op is adding its spec here and its line in the README; the parser, printers,
renderers, Python builders and the every-op tests all read this table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum
from fractions import Fraction
from typing import Any, Callable

from .mathforms import FLOAT, HAND, Math, symbolic
from .numbers import EXACT_DIGITS, MAX_DIGITS, too_long
from .numbers import hand as hand_number

__all__ = ["OpSpec", "JsForm", "JS_HELPERS", "OVERFLOW", "LOCAL_INFINITE", "LOCAL_OUTSIDE", "Param", "Precedence",
           "OPS", "EvaluationDomainError", "spelled", "NOTATIONS",
           "SPELLED_AS_FUNCTIONS"]

#: How an op is written; every printer (text, figure, LaTeX, formula text, a gate's glyph) dispatches
#: on this, never on op keys: ``sum`` a + b, a − b; ``product`` a·b (juxtaposed on a slide: θ1θ2);
#: ``fraction`` a/b; ``prefix`` −a; ``power`` x², x^y (the exponent a parameter or the second
#: operand); ``identity`` a name given to its operand; ``call`` f(x); ``indexed`` softmaxᵢ(z₁, …);
#: ``root`` √x; ``bars`` |x|.
NOTATIONS = ("sum", "product", "fraction", "prefix", "power", "identity", "call", "indexed", "root", "bars")
#: The notations whose ops are also spelled as function words (``sqrt``, ``abs``, ``linear``).
SPELLED_AS_FUNCTIONS = ("call", "identity", "root", "bars")


#: What the float forms say where a value or local derivative is not a finite float (the page says the same).
OVERFLOW = "the result overflows a float"
LOCAL_INFINITE = "its local derivative is infinite here"
LOCAL_OUTSIDE = "its local derivative is outside the domain of a float here"


class EvaluationDomainError(ArithmeticError):
    """Raised by an op's numeric form outside its domain; the interpreters name the node."""


class Precedence(IntEnum):
    """How tightly an operation binds, for parsing and for every printer."""

    SUM = 1  # + −
    PRODUCT = 2  # · / and juxtaposition
    UNARY = 3  # prefix −
    APPLICATION = 4  # a function applied without parentheses: log p, \sin x
    POWER = 5  # ^ and superscripts (right-associative)
    ATOM = 9  # names, numbers, function calls


@dataclass(frozen=True)
class Param:
    """A numeric parameter written after the operands (``leaky_relu(x, 0.2)``)."""

    name: str
    default: Fraction | None  # None: required (only builders give it)
    example: Fraction  # what the every-op tests use


@dataclass(frozen=True)
class JsForm:
    """The op in JavaScript, for the interactive page: expressions over the operands ``a`` (an
    array), the parameters ``p`` (an array of numbers) and, in ``local``, the node's own value
    ``o``; helpers come from ``M`` (``JS_HELPERS``, shipped with the op table). ``value`` mirrors the
    float form, ``local`` gives the array of ∂out/∂operand, ``domain`` (empty: none) the same
    message as the Python ``domain`` or ``null``."""

    value: str
    local: str
    domain: str = ""


#: The helpers ``M`` the JavaScript forms call: each is the float form of the Python helper of the same
#: meaning in this module (``_softmax``, ``_power_domain``, ``_exponent_slope``, ``_normal_cdf``, …), with the
#: same domain messages; ``M.DomainError`` is ``EvaluationDomainError``. The page gets them with the op table.
JS_HELPERS = r"""
var M = {
  DomainError: function (message) { this.message = message; },
  show: function (x) { return String(x); },
  sign: function (x) { return (x > 0 ? 1 : 0) - (x < 0 ? 1 : 0); },
  step: function (x, atZero) { return x > 0 ? 1 : (x === 0 ? atZero : 0); },
  sigmoid: function (x) {
    if (x >= 0) { return 1 / (1 + Math.exp(-x)); }
    var z = Math.exp(x);
    return z / (1 + z);
  },
  softplus: function (x) { return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0); },
  pow: function (x, n) { return Math.pow(x, n); },
  powerDomain: function (base, exponent) {
    if (base === 0 && exponent < 0) { return "zero raised to a negative power"; }
    if (base < 0 && !Number.isInteger(exponent)) {
      return "negative base (" + M.show(base) + ") raised to a non-integer power (" + M.show(exponent) + ")";
    }
    return null;
  },
  exponentSlope: function (out, x) {
    if (x === 0) { return 0; }
    if (x < 0) { throw new M.DomainError("\u2202(x^y)/\u2202y needs a positive base x"); }
    return out * Math.log(x);
  },
  erf: function (x) {
    var ax = Math.abs(x), k;
    if (ax < 2) {  /* the Maclaurin series */
      var x2 = x * x, term = x, sum = x;
      for (k = 1; k < 100; k++) {
        term *= -x2 / k;
        var t = term / (2 * k + 1);
        sum += t;
        if (Math.abs(t) < 1e-17 * Math.abs(sum)) { break; }
      }
      return 2 / Math.sqrt(Math.PI) * sum;
    }
    if (ax > 6) { return x > 0 ? 1 : -1; }
    var f = ax;  /* erfc's continued fraction, evaluated from its tail */
    for (k = 120; k >= 1; k--) { f = ax + (k / 2) / f; }
    var erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
    return x > 0 ? 1 - erfc : erfc - 1;
  },
  normalCdf: function (x) { return (1 + M.erf(x / Math.sqrt(2))) / 2; },
  gaussian: function (x) { return Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI); },
  halves: function (a) { var n = a.length / 2; return [a.slice(0, n), a.slice(n)]; },
  softmax: function (a, i) {
    var top = Math.max.apply(null, a), total = 0;
    var w = a.map(function (z) { var e = Math.exp(z - top); total += e; return e; });
    return w[i] / total;
  },
  logTotal: function (z) {
    var top = Math.max.apply(null, z), s = 0;
    z.forEach(function (v) { s += Math.exp(v - top); });
    return top + Math.log(s);
  },
  crossEntropy: function (a) {
    var h = M.halves(a), s = 0;
    h[0].forEach(function (q, i) { s += h[1][i] * Math.log(q); });
    return -s;
  },
  crossEntropyLocal: function (a) {
    var h = M.halves(a);
    return h[0].map(function (q, i) { return -h[1][i] / q; }).concat(h[0].map(function (q) { return -Math.log(q); }));
  },
  crossEntropyDomain: function (a) {
    var q = M.halves(a)[0].filter(function (v) { return !(v > 0); });
    return q.length ? "cross-entropy needs positive probabilities (got " + M.show(q[0]) + ")" : null;
  },
  softmaxCE: function (a) {
    var h = M.halves(a), lt = M.logTotal(h[0]), s = 0;
    h[0].forEach(function (z, i) { s += h[1][i] * (z - lt); });
    return -s;
  },
  softmaxCELocal: function (a) {
    var h = M.halves(a), lt = M.logTotal(h[0]), total = 0;
    h[1].forEach(function (y) { total += y; });
    return h[1].map(function (y, j) { return M.softmax(h[0], j) * total - y; })
      .concat(h[0].map(function (z) { return lt - z; }));
  }
};
"""


@dataclass(frozen=True)
class OpSpec:
    """Everything about one primitive operation."""

    key: str
    doc: str  # one line: the README's table and the Python builder's docstring
    value: Callable[..., Any]  # (m, *operands, *params) → value; the textbook form
    local: Callable[..., tuple]  # (m, out, *operands, *params) → ∂out/∂operand, each operand
    arity: int | None = 1  # operands; None: any number (at least ``min_args``), passed as one tuple
    min_args: int = 2
    params: tuple[Param, ...] = ()
    names: tuple[str, ...] = ()  # function spellings in text: "tanh", "σ", "ReLU"
    latex_commands: tuple[str, ...] = ()  # LaTeX commands that spell it, without the backslash
    symbols: tuple[str, ...] = ()  # operator characters; the first is the canonical one
    text: str = ""  # Unicode: the function name a figure shows, or the operator
    latex: str = ""  # LaTeX: the command or operator
    notation: str = "call"  # how every printer writes it: one of ``NOTATIONS``
    power_before_args: bool = False  # a power of its value is written tanh²(z), not tanh(z)²
    activation: bool = False  # a neuron's activation: what it is applied to is a pre-activation (z)
    precedence: Precedence = Precedence.ATOM
    folds: bool = False  # f(a, b, c) is f(f(a, b), c)
    paired: bool = False  # n values, then their n labels
    float_value: Callable[..., Any] | None = None  # a careful float form (no overflow)
    float_local: Callable[..., tuple] | None = None
    domain: Callable[..., str | None] | None = None  # (*operands, *params) → what is wrong, or None
    builders: tuple[str, ...] = ()  # the gradviz.<name> Python functions that apply it
    samples: tuple[tuple[float, float], ...] = ()  # tests: where to sample each operand (else −3…3)
    kink: Callable[..., bool] | None = None  # tests: (*operands) → near a kink, derivatives not compared
    js: JsForm | None = None  # the interactive page's form (every op has one; a test checks)

    @property
    def variadic(self) -> bool:
        return self.arity is None

    def evaluate(self, args: tuple, params: tuple = (), exact: bool = False, hand: bool = False) -> Any:
        """The op's value on floats (hand numbers when ``hand``, exact sympy numbers when ``exact``);
        ``EvaluationDomainError`` outside its domain."""
        if self.domain is not None:
            problem = self._call(self.domain, None, args, params)
            if problem:
                raise EvaluationDomainError(problem)
        m = symbolic() if exact else HAND if hand else FLOAT
        form = self.value if exact or self.float_value is None else self.float_value
        try:
            return _bounded(self._call(form, m, args, params), hand)
        except OverflowError as exc:
            raise EvaluationDomainError(str(exc) if exact else OVERFLOW) from None
        except (ZeroDivisionError, ValueError) as exc:
            raise EvaluationDomainError(str(exc) or "outside its domain") from None

    def derivatives(self, args: tuple, out: Any, params: tuple = (), exact: bool = False, hand: bool = False) -> tuple:
        """∂out/∂operand for each operand, as numbers (of the kind ``evaluate`` gives)."""
        m = symbolic() if exact else HAND if hand else FLOAT
        form = self.local if exact or self.float_local is None else self.float_local
        try:
            return tuple(_bounded(d, hand) for d in self._call(form, m, args, params, out))
        except ZeroDivisionError:
            raise EvaluationDomainError(LOCAL_INFINITE) from None
        except OverflowError as exc:
            raise EvaluationDomainError(str(exc) if exact else "its local derivative overflows a float") from None
        except ValueError:
            raise EvaluationDomainError(LOCAL_OUTSIDE) from None

    def sympy(self, args: tuple, params: tuple = ()) -> Any:
        """The textbook form over sympy operands (symbols or numbers)."""
        return self._call(self.value, symbolic(), args, params)

    def sympy_local(self, args: tuple, out: Any, params: tuple = ()) -> tuple:
        """The textbook local derivatives over sympy operands and the node's own symbol ``out``."""
        return tuple(self._call(self.local, symbolic(), args, params, out))

    def float_forms(self) -> tuple[Callable[..., Any], Callable[..., tuple]]:
        """The float value and local forms, called as ``f(FLOAT, *operands, *params)`` and
        ``g(FLOAT, out, *operands, *params)`` (the compiled plan's inner loop)."""
        return self.float_value or self.value, self.float_local or self.local

    def _call(self, form: Callable, m: Math | None, args: tuple, params: tuple, *out: Any) -> Any:
        ps = tuple(m.number(p) for p in params) if m is not None else tuple(params)
        head = (m, *out) if m is not None else ()
        if self.variadic:
            return form(*head, tuple(args), *ps)
        return form(*head, *args, *ps)


def _bounded(value: Any, hand: bool = False) -> Any:
    """An exact ``value`` as float mode would take it: a ``ZeroDivisionError`` where it is not finite
    (``zoo``, ``nan``: float mode's domain error), an ``OverflowError`` where it has more than
    ``MAX_DIGITS`` digits or cannot be told apart from zero within them; a hand number as
    ``numbers.hand`` bounds it."""
    if hand:
        return hand_number(value)
    if not getattr(value, "is_number", False):
        return value  # a float, or a symbol
    if value.is_Rational:
        if too_long(value.p, value.q):
            raise OverflowError(f"the exact result has more than {MAX_DIGITS} digits")
        return value
    import sympy

    if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ZeroDivisionError("the value is not finite")
    try:
        approx = value.evalf(EXACT_DIGITS, strict=True, maxn=MAX_DIGITS)
    except sympy.core.evalf.PrecisionExhausted:
        raise OverflowError(f"the exact result cannot be told from zero within {MAX_DIGITS} digits") from None
    if approx != 0 and abs(sympy.log(abs(approx), 10)) > MAX_DIGITS:  # exp(−exp(50)): 10^(−2·10²¹)
        raise OverflowError(f"the exact result has more than {MAX_DIGITS} digits (it is beyond 10^±{MAX_DIGITS})")
    return value


# --- domains -------------------------------------------------------------------------------

def _show(v: Any) -> str:
    f = float(v)
    return str(int(f)) if f == int(f) and abs(f) < 1e15 else repr(f)


def _is_integer(v: Any) -> bool:
    f = float(v)
    return math.isfinite(f) and f == int(f)


def _power_domain(base: Any, exponent: Any) -> str | None:
    if base == 0 and exponent < 0:
        return "zero raised to a negative power"
    if base < 0 and not _is_integer(exponent):
        return f"negative base ({_show(base)}) raised to a non-integer power ({_show(exponent)})"
    return None


def _exponent_slope(m: Math, out: Any, x: Any) -> Any:
    """∂(x^y)/∂y = x^y·log x; 0 where x = 0 (PyTorch), an error for a negative base."""
    if getattr(x, "is_number", True):
        if x == 0:
            return m.number(0)
        if x < 0:
            raise EvaluationDomainError("∂(x^y)/∂y needs a positive base x")
    return out * m.log(x)


def _halves(args: tuple) -> tuple[tuple, tuple]:
    n = len(args) // 2
    return args[:n], args[n:]


def _softmax(m: Math, logits: tuple, i: int) -> Any:
    if not m.exact:  # shift by the largest logit so that exp cannot overflow
        top = max(logits)
        weights = [math.exp(z - top) for z in logits]
        return weights[i] / sum(weights)
    return m.exp(logits[i]) / sum(m.exp(z) for z in logits)


def _softmax_ce(m: Math, args: tuple) -> Any:
    logits, labels = _halves(args)
    return -sum(y * m.log(_softmax(m, logits, i)) for i, y in enumerate(labels))


def _softmax_ce_float(m: Math, args: tuple) -> float:
    logits, labels = _halves(args)
    top = max(logits)
    log_total = top + math.log(sum(math.exp(z - top) for z in logits))
    return -sum(y * (z - log_total) for z, y in zip(logits, labels))


def _softmax_ce_local(m: Math, out: Any, args: tuple) -> tuple:
    """∂/∂z_j = p_j·Σy − y_j (p − y for one-hot labels); ∂/∂y_j = −log p_j."""
    logits, labels = _halves(args)
    probs = [_softmax(m, logits, j) for j in range(len(logits))]
    total = sum(labels)
    return tuple(q * total - y for q, y in zip(probs, labels)) + tuple(-m.log(q) for q in probs)


def _softmax_ce_local_float(m: Math, out: Any, args: tuple) -> tuple:
    """The local derivatives with −log p_j as log Σ exp(z) − z_j, finite where p_j underflows to 0."""
    logits, labels = _halves(args)
    top = max(logits)
    log_total = top + math.log(sum(math.exp(z - top) for z in logits))
    total = sum(labels)
    return (tuple(_softmax(m, logits, j) * total - y for j, y in enumerate(labels))
            + tuple(log_total - z for z in logits))


def _gaussian(m: Math, x: Any) -> Any:
    """The standard normal density φ(x)."""
    return m.exp(-x * x / 2) / m.sqrt(2 * m.pi)


def _normal_cdf(m: Math, x: Any) -> Any:
    """Φ(x) = (1 + erf(x/√2))/2."""
    return (1 + m.erf(x / m.sqrt(m.number(2)))) / 2


_HALF = Fraction(1, 2)
_NEAR_ZERO = lambda x, *rest: abs(x) < 1e-3  # noqa: E731 - a kink at 0
_S = Precedence


# --- the table -----------------------------------------------------------------------------

_SPECS = (
    OpSpec("add", "a + b", lambda m, a, b: m.add(a, b), lambda m, o, a, b: (m.number(1), m.number(1)), arity=2,
           symbols=("+",), text="+", latex="+", notation="sum", precedence=_S.SUM,
           js=JsForm('a[0] + a[1]', '[1, 1]')),
    OpSpec("sub", "a − b", lambda m, a, b: m.sub(a, b), lambda m, o, a, b: (m.number(1), m.number(-1)), arity=2,
           symbols=("-", "−", "–"), text="−", latex="-", notation="sum", precedence=_S.SUM,
           js=JsForm('a[0] - a[1]', '[1, -1]')),
    OpSpec("mul", "a·b (also written by juxtaposition: 2x, θ1θ2)", lambda m, a, b: a * b,
           lambda m, o, a, b: (b, a), arity=2, symbols=("*", "·", "⋅", "×", "∗", "∙"),
           latex_commands=("cdot", "times", "ast"), text="·", latex=r"\cdot", notation="product",
           precedence=_S.PRODUCT,
           js=JsForm('a[0] * a[1]', '[a[1], a[0]]')),
    OpSpec("div", "a / b", lambda m, a, b: a / b, lambda m, o, a, b: (1 / b, -a / (b * b)), arity=2,
           symbols=("/", "÷"), latex_commands=("div",), text="/", latex="/", notation="fraction",
           precedence=_S.PRODUCT, domain=lambda a, b: "division by zero" if b == 0 else None,
           kink=lambda a, b: abs(b) < 0.1,
           js=JsForm('a[0] / a[1]', '[1 / a[1], -a[0] / (a[1] * a[1])]', 'a[1] === 0 ? "division by zero" : null')),
    OpSpec("neg", "−a", lambda m, a: -a, lambda m, o, a: (m.number(-1),), symbols=("-", "−", "–"), text="−",
           latex="-", notation="prefix", precedence=_S.UNARY,
           js=JsForm('-a[0]', '[-1]')),
    OpSpec("powc", "x to a constant power: x², x^-1, x^0.5", lambda m, x, n: m.pow(x, n),
           lambda m, o, x, n: (n * m.pow(x, n - 1),), params=(Param("exponent", None, Fraction(3)),),
           text="^", latex="^", notation="power", precedence=_S.POWER,
           domain=lambda x, n: _power_domain(x, n),
           js=JsForm('M.pow(a[0], p[0])', '[p[0] * M.pow(a[0], p[0] - 1)]', 'M.powerDomain(a[0], p[0])')),
    OpSpec("pow", "x^y with a variable exponent", lambda m, x, y: m.pow(x, y),
           lambda m, o, x, y: (y * m.pow(x, y - 1), _exponent_slope(m, o, x)), arity=2, symbols=("^", "**"),
           text="^", latex="^", notation="power", precedence=_S.POWER, domain=_power_domain,
           samples=((0.05, 3), (-3, 3)),
           js=JsForm('M.pow(a[0], a[1])',
                     '[a[1] * M.pow(a[0], a[1] - 1), M.exponentSlope(o, a[0])]',
                     'M.powerDomain(a[0], a[1])')),
    OpSpec("exp", "eˣ (also e^x, e^{x})", lambda m, x: m.exp(x), lambda m, o, x: (o,), names=("exp",),
           latex_commands=("exp",), text="exp", latex=r"\exp", builders=("exp",),
           js=JsForm('Math.exp(a[0])', '[o]')),
    OpSpec("log", "the natural logarithm (also ln)", lambda m, x: m.log(x), lambda m, o, x: (1 / x,),
           names=("log", "ln"), latex_commands=("log", "ln"), text="log", latex=r"\log", builders=("log",),
           domain=lambda x: f"log of a non-positive number ({_show(x)})" if x <= 0 else None, samples=((0.05, 3),),
           js=JsForm('Math.log(a[0])',
                     '[1 / a[0]]',
                     'a[0] <= 0 ? "log of a non-positive number (" + M.show(a[0]) + ")" : null')),
    OpSpec("sqrt", "√x", lambda m, x: m.sqrt(x), lambda m, o, x: (1 / (2 * o),), names=("sqrt",),
           latex_commands=("sqrt",), text="√", latex=r"\sqrt", notation="root", builders=("sqrt",),
           domain=lambda x: f"square root of a negative number ({_show(x)})" if x < 0 else None,
           samples=((0.05, 3),),
           js=JsForm('Math.sqrt(a[0])',
                     '[1 / (2 * o)]',
                     'a[0] < 0 ? "square root of a negative number (" + M.show(a[0]) + ")" : null')),
    OpSpec("abs", "|x|", lambda m, x: m.abs(x), lambda m, o, x: (m.sign(x),), names=("abs",), text="abs",
           latex=r"\operatorname{abs}", notation="bars", kink=_NEAR_ZERO,
           js=JsForm('Math.abs(a[0])', '[M.sign(a[0])]')),
    OpSpec("sigmoid", "σ(x) = 1/(1 + e⁻ˣ)", lambda m, x: m.sigmoid(x), lambda m, o, x: (o * (1 - o),),
           names=("sigmoid", "σ", "logistic"), text="σ", latex=r"\sigma", builders=("sigmoid",),
           activation=True,
           js=JsForm('M.sigmoid(a[0])', '[o * (1 - o)]')),
    OpSpec("tanh", "tanh x", lambda m, x: m.tanh(x), lambda m, o, x: (1 - o * o,), names=("tanh",),
           latex_commands=("tanh",), text="tanh", latex=r"\tanh", builders=("tanh",), power_before_args=True,
           activation=True,
           js=JsForm('Math.tanh(a[0])', '[1 - o * o]')),
    OpSpec("relu", "ReLU(x) = max(0, x)", lambda m, x: m.max(x, m.number(0)), lambda m, o, x: (m.step(x, 0),),
           names=("relu", "ReLU"), text="ReLU", latex=r"\operatorname{ReLU}", builders=("relu",), kink=_NEAR_ZERO,
           activation=True,
           js=JsForm('Math.max(a[0], 0)', '[M.step(a[0], 0)]')),
    OpSpec("leaky_relu", "x for x > 0, else slope·x (slope 0.01 unless given: leaky_relu(x, 0.2))",
           lambda m, x, slope: m.where(x > 0, x, slope * x),
           lambda m, o, x, slope: (slope + (1 - slope) * m.step(x, 0),),
           params=(Param("slope", Fraction(1, 100), Fraction(1, 5)),), names=("leaky_relu", "LeakyReLU"),
           text="LeakyReLU", latex=r"\operatorname{LeakyReLU}", builders=("leaky_relu",), kink=_NEAR_ZERO,
           activation=True,
           js=JsForm('a[0] > 0 ? a[0] : p[0] * a[0]', '[p[0] + (1 - p[0]) * M.step(a[0], 0)]')),
    OpSpec("softplus", "log(1 + eˣ)", lambda m, x: m.softplus(x), lambda m, o, x: (m.sigmoid(x),),
           names=("softplus",), text="softplus", latex=r"\operatorname{softplus}", builders=("softplus",),
           activation=True,
           js=JsForm('M.softplus(a[0])', '[M.sigmoid(a[0])]')),
    OpSpec("gelu", "x·Φ(x), Φ the standard normal CDF", lambda m, x: x * _normal_cdf(m, x),
           lambda m, o, x: (_normal_cdf(m, x) + x * _gaussian(m, x),), names=("gelu", "GELU"), text="GELU",
           latex=r"\operatorname{GELU}", builders=("gelu",),
           activation=True,
           js=JsForm('a[0] * M.normalCdf(a[0])', '[M.normalCdf(a[0]) + a[0] * M.gaussian(a[0])]')),
    OpSpec("elu", "x for x > 0, else α(eˣ − 1) (α = 1 unless given: elu(x, 0.5))",
           lambda m, x, alpha: m.where(x > 0, x, alpha * (m.exp(x) - 1)),
           lambda m, o, x, alpha: (m.step(x, 0) + (o + alpha) * (1 - m.step(x, 0)),),
           params=(Param("alpha", Fraction(1), Fraction(3, 2)),), names=("elu", "ELU"), text="ELU",
           latex=r"\operatorname{ELU}", builders=("elu",), kink=_NEAR_ZERO,
           float_value=lambda m, x, alpha: x if x > 0 else alpha * math.expm1(x),
           activation=True,
           js=JsForm('a[0] > 0 ? a[0] : p[0] * Math.expm1(a[0])',
                     '[M.step(a[0], 0) + (o + p[0]) * (1 - M.step(a[0], 0))]')),
    OpSpec("silu", "x·σ(x) (SiLU, also swish)", lambda m, x: x * m.sigmoid(x),
           lambda m, o, x: (m.sigmoid(x) * (1 + x * (1 - m.sigmoid(x))),), names=("silu", "SiLU", "swish"),
           text="SiLU", latex=r"\operatorname{SiLU}", builders=("silu", "swish"),
           activation=True,
           js=JsForm('a[0] * M.sigmoid(a[0])', '[M.sigmoid(a[0]) * (1 + a[0] * (1 - M.sigmoid(a[0])))]')),
    OpSpec("softsign", "x/(1 + |x|)", lambda m, x: x / (1 + m.abs(x)), lambda m, o, x: (1 / (1 + m.abs(x)) ** 2,),
           names=("softsign",), text="softsign", latex=r"\operatorname{softsign}", builders=("softsign",),
           activation=True,
           js=JsForm('a[0] / (1 + Math.abs(a[0]))', '[1 / Math.pow(1 + Math.abs(a[0]), 2)]')),
    OpSpec("sin", "sin x", lambda m, x: m.sin(x), lambda m, o, x: (m.cos(x),), names=("sin",),
           latex_commands=("sin",), text="sin", latex=r"\sin", builders=("sin",), power_before_args=True,
           js=JsForm('Math.sin(a[0])', '[Math.cos(a[0])]')),
    OpSpec("cos", "cos x", lambda m, x: m.cos(x), lambda m, o, x: (-m.sin(x),), names=("cos",),
           latex_commands=("cos",), text="cos", latex=r"\cos", builders=("cos",), power_before_args=True,
           js=JsForm('Math.cos(a[0])', '[-Math.sin(a[0])]')),
    OpSpec("tan", "tan x", lambda m, x: m.tan(x), lambda m, o, x: (1 + o * o,), names=("tan",),
           latex_commands=("tan",), text="tan", latex=r"\tan", builders=("tan",), power_before_args=True,
           samples=((-1.4, 1.4),),
           js=JsForm('Math.tan(a[0])', '[1 + o * o]')),
    OpSpec("sinh", "sinh x", lambda m, x: m.sinh(x), lambda m, o, x: (m.cosh(x),), names=("sinh",),
           latex_commands=("sinh",), text="sinh", latex=r"\sinh", builders=("sinh",), power_before_args=True,
           js=JsForm('Math.sinh(a[0])', '[Math.cosh(a[0])]')),
    OpSpec("cosh", "cosh x", lambda m, x: m.cosh(x), lambda m, o, x: (m.sinh(x),), names=("cosh",),
           latex_commands=("cosh",), text="cosh", latex=r"\cosh", builders=("cosh",), power_before_args=True,
           js=JsForm('Math.cosh(a[0])', '[Math.sinh(a[0])]')),
    OpSpec("erf", "the error function erf x", lambda m, x: m.erf(x),
           lambda m, o, x: (2 * m.exp(-x * x) / m.sqrt(m.pi),), names=("erf",), text="erf",
           latex=r"\operatorname{erf}", builders=("erf",),
           js=JsForm('M.erf(a[0])', '[2 * Math.exp(-a[0] * a[0]) / Math.sqrt(Math.PI)]')),
    OpSpec("max", "the larger of two (or more: max(a, b, c))", lambda m, a, b: m.max(a, b),
           lambda m, o, a, b: (m.step(a - b, _HALF), m.step(b - a, _HALF)), arity=2, names=("max",),
           latex_commands=("max",), text="max", latex=r"\max", folds=True,
           kink=lambda a, b: abs(a - b) < 1e-3,
           js=JsForm('Math.max(a[0], a[1])', '[M.step(a[0] - a[1], 0.5), M.step(a[1] - a[0], 0.5)]')),
    OpSpec("min", "the smaller of two (or more)", lambda m, a, b: m.min(a, b),
           lambda m, o, a, b: (m.step(b - a, _HALF), m.step(a - b, _HALF)), arity=2, names=("min",),
           latex_commands=("min",), text="min", latex=r"\min", folds=True,
           kink=lambda a, b: abs(a - b) < 1e-3,
           js=JsForm('Math.min(a[0], a[1])', '[M.step(a[1] - a[0], 0.5), M.step(a[0] - a[1], 0.5)]')),
    OpSpec("step", "1 for x > 0, else 0 (passes no gradient)", lambda m, x: m.step(x, 0),
           lambda m, o, x: (m.number(0),), names=("step",), text="step", latex=r"\operatorname{step}",
           kink=_NEAR_ZERO,
           activation=True,
           js=JsForm('M.step(a[0], 0)', '[0]')),
    OpSpec("id", "the identity (a name given to a node, or linear(x))", lambda m, a: a,
           lambda m, o, a: (m.number(1),), names=("id", "linear"), text="id", latex=r"\operatorname{id}",
           notation="identity",
           js=JsForm('a[0]', '[1]')),
    OpSpec("mse", "squared error (ŷ − y)²", lambda m, p, y: (p - y) ** 2,
           lambda m, o, p, y: (2 * (p - y), -2 * (p - y)), arity=2, names=("mse", "MSE"), text="MSE",
           latex=r"\operatorname{MSE}",
           js=JsForm('(a[0] - a[1]) * (a[0] - a[1])', '[2 * (a[0] - a[1]), -2 * (a[0] - a[1])]')),
    OpSpec("mae", "absolute error |ŷ − y|", lambda m, p, y: m.abs(p - y),
           lambda m, o, p, y: (m.sign(p - y), -m.sign(p - y)), arity=2, names=("mae", "MAE"), text="MAE",
           latex=r"\operatorname{MAE}", kink=lambda p, y: abs(p - y) < 1e-3,
           js=JsForm('Math.abs(a[0] - a[1])', '[M.sign(a[0] - a[1]), -M.sign(a[0] - a[1])]')),
    OpSpec("bce", "binary cross-entropy −y log p − (1 − y) log(1 − p)",
           lambda m, p, y: -y * m.log(p) - (1 - y) * m.log(1 - p),
           lambda m, o, p, y: ((p - y) / (p * (1 - p)), m.log(1 - p) - m.log(p)), arity=2, names=("bce", "BCE"),
           text="BCE", latex=r"\operatorname{BCE}", samples=((0.05, 0.95), (-3, 3)),
           domain=lambda p, y: None if 0 < p < 1 else f"binary cross-entropy needs 0 < p < 1 (p = {_show(p)})",
           js=JsForm('-a[1] * Math.log(a[0]) - (1 - a[1]) * Math.log(1 - a[0])',
                     '[(a[0] - a[1]) / (a[0] * (1 - a[0])), Math.log(1 - a[0]) - Math.log(a[0])]',
                     '0 < a[0] && a[0] < 1 ? null : '
                     '"binary cross-entropy needs 0 < p < 1 (p = " + M.show(a[0]) + ")"')),
    OpSpec("ce", "cross-entropy −Σ yᵢ log pᵢ of n probabilities and their n labels",
           lambda m, a: -sum(y * m.log(q) for q, y in zip(*_halves(a))),
           lambda m, o, a: tuple(-y / q for q, y in zip(*_halves(a))) + tuple(-m.log(q) for q in _halves(a)[0]),
           arity=None, names=("cross_entropy",), text="CE", latex=r"\operatorname{CE}", paired=True,
           samples=((0.05, 3),) * 3 + ((-3, 3),) * 3,
           domain=lambda a: next((f"cross-entropy needs positive probabilities (got {_show(q)})"
                                  for q in _halves(a)[0] if not q > 0), None),
           js=JsForm('M.crossEntropy(a)', 'M.crossEntropyLocal(a)', 'M.crossEntropyDomain(a)')),
    OpSpec("softmax", "the index-th softmax probability e^{zᵢ}/Σⱼ e^{zⱼ} of n logits",
           lambda m, a, i: _softmax(m, a, int(i)),
           lambda m, o, a, i: tuple(o * ((1 if j == int(i) else 0) - _softmax(m, a, j)) for j in range(len(a))),
           arity=None, params=(Param("index", None, Fraction(1)),), text="softmax", latex=r"\operatorname{softmax}",
           notation="indexed",
           min_args=1,
           js=JsForm('M.softmax(a, p[0])',
                     'a.map(function (z, j) { return o * ((j === p[0] ? 1 : 0) - M.softmax(a, j)); })')),
    OpSpec("softmax_ce", "softmax cross-entropy of n logits and their n labels (∂/∂zᵢ = pᵢ − yᵢ)",
           lambda m, a: _softmax_ce(m, a), _softmax_ce_local, arity=None, names=("softmax_ce",),
           text="softmax_ce", latex=r"\operatorname{softmax\_ce}", paired=True, float_value=_softmax_ce_float,
           float_local=_softmax_ce_local_float,
           js=JsForm('M.softmaxCE(a)', 'M.softmaxCELocal(a)')),
)

OPS: dict[str, OpSpec] = {spec.key: spec for spec in _SPECS}


def spelled(kind: str) -> dict[str, str]:
    """A spelling table derived from the specs: ``names`` (function words → key),
    ``latex`` (LaTeX commands → key) or ``builders`` (Python function names → key)."""
    field_of = {"names": "names", "latex": "latex_commands", "builders": "builders"}[kind]
    return {spelling: spec.key for spec in _SPECS if spec.notation in SPELLED_AS_FUNCTIONS or kind == "latex"
            for spelling in getattr(spec, field_of)}
