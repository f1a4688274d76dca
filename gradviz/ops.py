"""The op table: per primitive its arity, display, float and sympy forms, and local derivatives.

Local derivatives are given per operand as functions of the operands and of the node's own
output (``out``), so that the textbook forms come out: ∂σ/∂z = σ(1−σ) is ``out*(1-out)``.
Conventions at kinks follow PyTorch: relu′(0) = 0, abs′(0) = 0, leaky_relu′(0) = slope,
max/min split the gradient evenly on ties, ∂(x^y)/∂y = 0 where x = 0 and y ≥ 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

import sympy

__all__ = ["Op", "OPS", "EvaluationDomainError", "op"]

Num = Any  # a float, or a sympy number in exact mode
_SQRT2 = math.sqrt(2.0)
_SQRT2PI = math.sqrt(2.0 * math.pi)


class EvaluationDomainError(ArithmeticError):
    """Raised by an op's numeric form outside its domain; the interpreters name the node."""


@dataclass(frozen=True)
class Op:
    """One primitive operation."""

    key: str
    arity: int  # 0: any number of operands (softmax, cross-entropy)
    symbol: str  # how a figure shows the operation: '+', '·', 'σ', 'log', …
    value: Callable[[tuple[float, ...], tuple], float]
    local: Callable[[tuple[float, ...], float, tuple], tuple[float, ...]]
    sym: Callable[[tuple, tuple], sympy.Expr]
    dsym: Callable[[tuple, sympy.Expr, tuple], tuple]
    infix: bool = False
    domain: Callable[[tuple, tuple], str | None] = lambda args, params: None

    def evaluate(self, args: tuple[Num, ...], params: tuple = (), exact: bool = False) -> Num:
        """The op's value; raises ``EvaluationDomainError`` outside its domain."""
        problem = self.domain(args, params)
        if problem:
            raise EvaluationDomainError(problem)
        if exact:
            return self.sym(args, params)
        try:
            return self.value(args, params)
        except OverflowError:
            raise EvaluationDomainError("the result overflows a float") from None
        except (ZeroDivisionError, ValueError) as exc:  # pragma: no cover - guarded by domain()
            raise EvaluationDomainError(str(exc)) from None

    def derivatives(self, args: tuple[Num, ...], out: Num, params: tuple = (), exact: bool = False) -> tuple:
        """The local derivative of the output with respect to each operand, as numbers."""
        try:
            if exact:
                return tuple(self.dsym(args, out, params))
            return self.local(args, out, params)
        except ZeroDivisionError:
            raise EvaluationDomainError("its local derivative is infinite here") from None
        except OverflowError:
            raise EvaluationDomainError("its local derivative overflows a float") from None


def _frac(p: Fraction, exact: bool) -> Num:
    return sympy.Rational(p.numerator, p.denominator) if exact else float(p)


def _is_integer(v: Any) -> bool:
    return bool(v == int(v)) if math.isfinite(float(v)) else False


# --- domains ---------------------------------------------------------------------------

def _div_domain(args, params):
    return "division by zero" if args[1] == 0 else None


def _log_domain(args, params):
    return f"log of a non-positive number ({_show(args[0])})" if args[0] <= 0 else None


def _sqrt_domain(args, params):
    return f"square root of a negative number ({_show(args[0])})" if args[0] < 0 else None


def _power_domain(base, exponent) -> str | None:
    if base == 0 and exponent < 0:
        return "zero raised to a negative power"
    if base < 0 and not _is_integer(exponent):
        return f"negative base ({_show(base)}) raised to a non-integer power ({_show(exponent)})"
    return None


def _show(v: Any) -> str:
    f = float(v)
    return str(int(f)) if f == int(f) and abs(f) < 1e15 else repr(f)


# --- float forms of the smooth activations -----------------------------------------------

def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _softplus(x: float) -> float:
    return math.log1p(math.exp(-abs(x))) + max(x, 0.0)


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / _SQRT2))


def _step(x: Any, at_zero: Any) -> Any:
    return 1 if x > 0 else (at_zero if x == 0 else 0)


def _pow_float(x: float, n: float) -> float:
    return x ** (int(n) if n == int(n) else n)


def _pow_exponent_local(x, out, exact: bool):
    if x == 0:
        return 0  # PyTorch's convention where the base is 0 (the domain excludes y < 0 there)
    if x < 0:
        raise EvaluationDomainError("∂(x^y)/∂y needs a positive base x")
    return out * (sympy.log(x) if exact else math.log(x))


# --- the table ---------------------------------------------------------------------------

def _ops() -> dict[str, Op]:
    H = sympy.Heaviside
    half = sympy.Rational(1, 2)
    table = [
        Op("add", 2, "+", lambda a, p: a[0] + a[1], lambda a, o, p: (1.0, 1.0),
           lambda a, p: a[0] + a[1], lambda a, o, p: (sympy.S.One, sympy.S.One), infix=True),
        Op("sub", 2, "−", lambda a, p: a[0] - a[1], lambda a, o, p: (1.0, -1.0),
           lambda a, p: a[0] - a[1], lambda a, o, p: (sympy.S.One, sympy.S.NegativeOne), infix=True),
        Op("mul", 2, "·", lambda a, p: a[0] * a[1], lambda a, o, p: (a[1], a[0]),
           lambda a, p: a[0] * a[1], lambda a, o, p: (a[1], a[0]), infix=True),
        Op("div", 2, "÷", lambda a, p: a[0] / a[1], lambda a, o, p: (1.0 / a[1], -a[0] / (a[1] * a[1])),
           lambda a, p: a[0] / a[1], lambda a, o, p: (1 / a[1], -a[0] / a[1] ** 2), infix=True,
           domain=_div_domain),
        Op("neg", 1, "−", lambda a, p: -a[0], lambda a, o, p: (-1.0,),
           lambda a, p: -a[0], lambda a, o, p: (sympy.S.NegativeOne,)),
        Op("id", 1, "id", lambda a, p: a[0], lambda a, o, p: (1.0,),
           lambda a, p: a[0], lambda a, o, p: (sympy.S.One,)),
        Op("powc", 1, "^", lambda a, p: _pow_float(a[0], float(p[0])),
           lambda a, o, p: (float(p[0]) * _pow_float(a[0], float(p[0] - 1)),),
           lambda a, p: a[0] ** _frac(p[0], True),
           lambda a, o, p: (_frac(p[0], True) * a[0] ** _frac(p[0] - 1, True),),
           domain=lambda a, p: _power_domain(a[0], p[0])),
        Op("pow", 2, "^", lambda a, p: _pow_float(a[0], a[1]),
           lambda a, o, p: (a[1] * _pow_float(a[0], a[1] - 1), _pow_exponent_local(a[0], o, False)),
           lambda a, p: a[0] ** a[1],
           lambda a, o, p: (a[1] * a[0] ** (a[1] - 1),
                            _pow_exponent_local(a[0], o, True) if a[0].is_number else o * sympy.log(a[0])),
           infix=True, domain=lambda a, p: _power_domain(a[0], a[1])),
        Op("exp", 1, "exp", lambda a, p: math.exp(a[0]), lambda a, o, p: (o,),
           lambda a, p: sympy.exp(a[0]), lambda a, o, p: (o,)),
        Op("log", 1, "log", lambda a, p: math.log(a[0]), lambda a, o, p: (1.0 / a[0],),
           lambda a, p: sympy.log(a[0]), lambda a, o, p: (1 / a[0],), domain=_log_domain),
        Op("sqrt", 1, "√", lambda a, p: math.sqrt(a[0]), lambda a, o, p: (0.5 / o,),
           lambda a, p: sympy.sqrt(a[0]), lambda a, o, p: (1 / (2 * o),), domain=_sqrt_domain),
        Op("abs", 1, "abs", lambda a, p: abs(a[0]), lambda a, o, p: (float(_step(a[0], 0) - _step(-a[0], 0)),),
           lambda a, p: sympy.Abs(a[0]), lambda a, o, p: (sympy.sign(a[0]),)),
        Op("sigmoid", 1, "σ", lambda a, p: _sigmoid(a[0]), lambda a, o, p: (o * (1.0 - o),),
           lambda a, p: 1 / (1 + sympy.exp(-a[0])), lambda a, o, p: (o * (1 - o),)),
        Op("tanh", 1, "tanh", lambda a, p: math.tanh(a[0]), lambda a, o, p: (1.0 - o * o,),
           lambda a, p: sympy.tanh(a[0]), lambda a, o, p: (1 - o ** 2,)),
        Op("relu", 1, "ReLU", lambda a, p: max(a[0], 0.0), lambda a, o, p: (float(_step(a[0], 0)),),
           lambda a, p: sympy.Max(0, a[0]), lambda a, o, p: (H(a[0], 0),)),
        Op("leaky_relu", 1, "LeakyReLU",
           lambda a, p: a[0] if a[0] > 0 else float(p[0]) * a[0],
           lambda a, o, p: (1.0 if a[0] > 0 else float(p[0]),),
           lambda a, p: sympy.Piecewise((a[0], a[0] > 0), (_frac(p[0], True) * a[0], True)),
           lambda a, o, p: (_frac(p[0], True) + (1 - _frac(p[0], True)) * H(a[0], 0),)),
        Op("softplus", 1, "softplus", lambda a, p: _softplus(a[0]), lambda a, o, p: (_sigmoid(a[0]),),
           lambda a, p: sympy.log(1 + sympy.exp(a[0])), lambda a, o, p: (1 / (1 + sympy.exp(-a[0])),)),
        Op("gelu", 1, "GELU", lambda a, p: a[0] * _phi(a[0]),
           lambda a, o, p: (_phi(a[0]) + a[0] * math.exp(-0.5 * a[0] * a[0]) / _SQRT2PI,),
           lambda a, p: a[0] * (1 + sympy.erf(a[0] / sympy.sqrt(2))) / 2,
           lambda a, o, p: ((1 + sympy.erf(a[0] / sympy.sqrt(2))) / 2
                            + a[0] * sympy.exp(-a[0] ** 2 / 2) / sympy.sqrt(2 * sympy.pi),)),
        Op("sin", 1, "sin", lambda a, p: math.sin(a[0]), lambda a, o, p: (math.cos(a[0]),),
           lambda a, p: sympy.sin(a[0]), lambda a, o, p: (sympy.cos(a[0]),)),
        Op("cos", 1, "cos", lambda a, p: math.cos(a[0]), lambda a, o, p: (-math.sin(a[0]),),
           lambda a, p: sympy.cos(a[0]), lambda a, o, p: (-sympy.sin(a[0]),)),
        Op("max", 2, "max", lambda a, p: max(a[0], a[1]),
           lambda a, o, p: (float(_step(a[0] - a[1], 0.5)), float(_step(a[1] - a[0], 0.5))),
           lambda a, p: sympy.Max(a[0], a[1]), lambda a, o, p: (H(a[0] - a[1], half), H(a[1] - a[0], half))),
        Op("min", 2, "min", lambda a, p: min(a[0], a[1]),
           lambda a, o, p: (float(_step(a[1] - a[0], 0.5)), float(_step(a[0] - a[1], 0.5))),
           lambda a, p: sympy.Min(a[0], a[1]), lambda a, o, p: (H(a[1] - a[0], half), H(a[0] - a[1], half))),
        Op("step", 1, "step", lambda a, p: float(_step(a[0], 0)), lambda a, o, p: (0.0,),
           lambda a, p: H(a[0], 0), lambda a, o, p: (sympy.S.Zero,)),
        Op("mse", 2, "MSE", lambda a, p: (a[0] - a[1]) ** 2, lambda a, o, p: (2 * (a[0] - a[1]), -2 * (a[0] - a[1])),
           lambda a, p: (a[0] - a[1]) ** 2, lambda a, o, p: (2 * (a[0] - a[1]), -2 * (a[0] - a[1]))),
        Op("mae", 2, "MAE", lambda a, p: abs(a[0] - a[1]),
           lambda a, o, p: (float(_sign(a[0] - a[1])), -float(_sign(a[0] - a[1]))),
           lambda a, p: sympy.Abs(a[0] - a[1]), lambda a, o, p: (sympy.sign(a[0] - a[1]), -sympy.sign(a[0] - a[1]))),
        Op("bce", 2, "BCE", lambda a, p: _bce(a[0], a[1], math.log),
           lambda a, o, p: ((a[0] - a[1]) / (a[0] * (1 - a[0])), math.log(1 - a[0]) - math.log(a[0])),
           lambda a, p: _bce(a[0], a[1], sympy.log),
           lambda a, o, p: ((a[0] - a[1]) / (a[0] * (1 - a[0])), sympy.log(1 - a[0]) - sympy.log(a[0])),
           domain=_probability_domain),
        Op("ce", 0, "CE", lambda a, p: _ce(a, math.log), _ce_local(math.log),
           lambda a, p: _ce(a, sympy.log), _ce_local(sympy.log), domain=_ce_domain),
        Op("softmax", 0, "softmax", lambda a, p: _softmax(a, p[0], math.exp),
           lambda a, o, p: tuple(o * ((j == p[0]) - _softmax(a, j, math.exp)) for j in range(len(a))),
           lambda a, p: _softmax(a, p[0], sympy.exp),
           lambda a, o, p: tuple(o * ((1 if j == p[0] else 0) - _softmax(a, j, sympy.exp)) for j in range(len(a)))),
        Op("softmax_ce", 0, "softmax CE", lambda a, p: _softmax_ce(a, False), lambda a, o, p: _softmax_ce_local(a, False),
           lambda a, p: _softmax_ce(a, True), lambda a, o, p: _softmax_ce_local(a, True)),
    ]
    return {o.key: o for o in table}


# --- losses and softmax (n logits, then n labels where the op takes both) -----------------

def _sign(v: Any) -> int:
    return (v > 0) - (v < 0)


def _bce(p: Any, y: Any, log: Callable) -> Any:
    return -y * log(p) - (1 - y) * log(1 - p)


def _probability_domain(args, params):
    return None if 0 < args[0] < 1 else f"binary cross-entropy needs 0 < p < 1 (p = {_show(args[0])})"


def _halves(args: tuple) -> tuple[tuple, tuple]:
    n = len(args) // 2
    return args[:n], args[n:]


def _ce(args: tuple, log: Callable) -> Any:
    probs, labels = _halves(args)
    return -sum(y * log(q) for q, y in zip(probs, labels))


def _ce_local(log: Callable) -> Callable:
    def local(args: tuple, out: Any, params: tuple) -> tuple:
        probs, labels = _halves(args)
        return tuple(-y / q for q, y in zip(probs, labels)) + tuple(-log(q) for q in probs)
    return local


def _ce_domain(args, params):
    probs, _ = _halves(args)
    bad = [q for q in probs if not q > 0]
    return f"cross-entropy needs positive probabilities (got {_show(bad[0])})" if bad else None


def _softmax(logits: tuple, i: int, exp: Callable) -> Any:
    if exp is math.exp:  # shift by the largest logit so that exp cannot overflow
        top = max(logits)
        weights = [exp(z - top) for z in logits]
        return weights[i] / sum(weights)
    return exp(logits[i]) / sum(exp(z) for z in logits)


def _softmax_ce(args: tuple, exact: bool) -> Any:
    logits, labels = _halves(args)
    if exact:
        return -sum(y * sympy.log(_softmax(logits, i, sympy.exp)) for i, y in enumerate(labels))
    top = max(logits)
    log_total = top + math.log(sum(math.exp(z - top) for z in logits))
    return -sum(y * (z - log_total) for z, y in zip(logits, labels))


def _softmax_ce_local(args: tuple, exact: bool) -> tuple:
    """∂/∂z_j = p_j·Σy − y_j (that is p − y for one-hot labels); ∂/∂y_j = −log p_j."""
    logits, labels = _halves(args)
    exp, log = (sympy.exp, sympy.log) if exact else (math.exp, math.log)
    probs = [_softmax(logits, j, exp) for j in range(len(logits))]
    total = sum(labels)
    return tuple(q * total - y for q, y in zip(probs, labels)) + tuple(-log(q) for q in probs)


OPS: dict[str, Op] = _ops()

def op(key: str) -> Op:
    """The op with this key."""
    return OPS[key]
