"""Formulas with hand-written sympy oracles (written independently of gradviz's parser and op
table), evaluation points inside each op's domain, micrograd as a second engine, and the one
rule by which a float result is compared with an oracle (``reference``)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Callable

import sympy as sp

R = {name: sp.Symbol(name, real=True) for name in
     "x y z w q p a b c θ1 θ2 w0 w1 w2 x1 x2 z1 z2 z3 y1 y2 y3 α β".split()}
x, y, z, w, q, p = (R[n] for n in "x y z w q p".split())
t1, t2, w0, w1, w2, x1, x2 = (R[n] for n in "θ1 θ2 w0 w1 w2 x1 x2".split())
z1, z2, z3, y1, y2, y3 = (R[n] for n in "z1 z2 z3 y1 y2 y3".split())


def σ(v):
    return 1 / (1 + sp.exp(-v))


class Sigmoid(sp.Function):
    """σ whose derivative sympy writes as the textbook's σ(1 − σ), the form backpropagation
    evaluates: its rounding bound (``reference``) is then that of the taught algorithm, whose
    σ'(400) is 1 − 1.0 = 0, not that of e⁻ˣ/(1 + e⁻ˣ)²."""

    @classmethod
    def eval(cls, v):
        return 1 / (1 + sp.exp(-v)) if v.is_Number else None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return self * (1 - self)

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return (1 / (1 + sp.exp(-self.args[0])))._eval_evalf(prec)


def gelu(v):
    return v * (1 + sp.erf(v / sp.sqrt(2))) / 2


def leaky(v, slope=sp.Rational(1, 100)):
    return sp.Piecewise((v, v > 0), (slope * v, True))


P = dict(x=0.7, y=-1.3, z=2.1, w=0.4, q=1.9, p=0.3)
SOFTMAX_CE = -(y1 * sp.log(sp.exp(z1) / (sp.exp(z1) + sp.exp(z2) + sp.exp(z3)))
               + y2 * sp.log(sp.exp(z2) / (sp.exp(z1) + sp.exp(z2) + sp.exp(z3)))
               + y3 * sp.log(sp.exp(z3) / (sp.exp(z1) + sp.exp(z2) + sp.exp(z3))))

#: (formula text, independent sympy oracle, point)
CASES: list[tuple[str, sp.Expr, dict[str, float]]] = [
    ("(θ1θ2x − y)²", (t1 * t2 * x - y) ** 2, {"θ1": 2, "θ2": -1, "x": 3, "y": 1}),
    ("a = θ1 θ2; b = a x; c = b − y; L = c²", (t1 * t2 * x - y) ** 2, {"θ1": 0.5, "θ2": 1.5, "x": -2, "y": 0.25}),
    ("wx + q", w * x + q, P),
    ("σ(w0 + w1x1 + w2x2)", σ(w0 + w1 * x1 + w2 * x2), {"w0": 0.1, "w1": -0.4, "x1": 1.2, "w2": 0.8, "x2": -0.6}),
    ("-y log(p) - (1 - y) log(1 - p)", -y * sp.log(p) - (1 - y) * sp.log(1 - p), {"y": 1, "p": 0.3}),
    ("−y log(σ(z)) − (1 − y) log(1 − σ(z))", -y * sp.log(σ(z)) - (1 - y) * sp.log(1 - σ(z)), {"y": 0.0, "z": 0.8}),
    ("-(y1 log(exp(z1)/(exp(z1)+exp(z2)+exp(z3))) + y2 log(exp(z2)/(exp(z1)+exp(z2)+exp(z3)))"
     " + y3 log(exp(z3)/(exp(z1)+exp(z2)+exp(z3))))", SOFTMAX_CE,
     {"y1": 0, "z1": 1.0, "z2": -0.5, "z3": 2.0, "y2": 1, "y3": 0}),
    ("x + y", x + y, P), ("x - y", x - y, P), ("x*y", x * y, P), ("x/y", x / y, P), ("-x", -x, P),
    ("x^2", x**2, P), ("x^-1", 1 / x, P), ("x^0.5", sp.sqrt(x), P), ("x^y", x**y, P), ("2^x", 2**x, P),
    ("exp(x)", sp.exp(x), P), ("log(z)", sp.log(z), P), ("sqrt(z)", sp.sqrt(z), P), ("abs(y)", sp.Abs(y), P),
    ("sigmoid(y)", σ(y), P), ("tanh(x)", sp.tanh(x), P), ("relu(x)", sp.Max(0, x), P), ("relu(y)", sp.Max(0, y), P),
    ("leaky_relu(y)", leaky(y), P), ("leaky_relu(y, 0.2)", leaky(y, sp.Rational(1, 5)), P),
    ("softplus(y)", sp.log(1 + sp.exp(y)), P), ("gelu(x)", gelu(x), P), ("sin(x)", sp.sin(x), P),
    ("cos(x)", sp.cos(x), P), ("max(x, y)", sp.Max(x, y), P), ("min(x, y)", sp.Min(x, y), P),
    ("x*x", x**2, P), ("x·y + x/y", x * y + x / y, P), ("(x + y)(x − y)", (x + y) * (x - y), P),
    ("x - y - z", x - y - z, P), ("x / y / z", x / y / z, P), ("x^2^0.5", x ** sp.sqrt(2), P),
    ("-x^2", -(x**2), P), ("e^{-z}", sp.exp(-z), P), ("\\frac{1}{1 + e^{-z}}", σ(z), P),
    ("\\sigma(w x + q)", σ(w * x + q), P), ("\\sqrt{x^2 + y^2}", sp.sqrt(x**2 + y**2), P),
    ("tanh(tanh(tanh(x)))", sp.tanh(sp.tanh(sp.tanh(x))), P), ("x·exp(−x²/2)", x * sp.exp(-x**2 / 2), P),
    ("log(1 + exp(w x))", sp.log(1 + sp.exp(w * x)), P), ("(x − q)² + (y − q)²", (x - q) ** 2 + (y - q) ** 2, P),
    ("σ(x)(1 − σ(x))", σ(x) * (1 - σ(x)), P), ("sin(x)^2 + cos(x)^2 + x", sp.sin(x) ** 2 + sp.cos(x) ** 2 + x, P),
    ("relu(w x + q)·z − y", sp.Max(0, w * x + q) * z - y, P), ("abs(x − y) + abs(z)", sp.Abs(x - y) + sp.Abs(z), P),
    ("max(x, 0.5) min(z, 3) + q", sp.Max(x, sp.Rational(1, 2)) * sp.Min(z, 3) + q, P),
    ("2x + 3y − 0.5z", 2 * x + 3 * y - sp.Rational(1, 2) * z, P), ("θ_1 θ_2 + theta1", t1 * t2 + t1, {"θ1": 0.3, "θ2": -2}),
    ("h = tanh(w x + q); L = (h − y)²", (sp.tanh(w * x + q) - y) ** 2, P),
    ("x^3 − 3x y + y^3", x**3 - 3 * x * y + y**3, P), ("(x/y)^2 · z", (x / y) ** 2 * z, P),
    ("exp(x) / (exp(x) + exp(y))", sp.exp(x) / (sp.exp(x) + sp.exp(y)), P),
    ("gelu(w x) + softplus(z − q)", gelu(w * x) + sp.log(1 + sp.exp(z - q)), P),
    ("z^x", z**x, P), ("π x² + e", sp.pi * x**2 + sp.E, P),
    ("mse(w x + q, y)", (w * x + q - y) ** 2, P), ("mae(w x, y) + x", sp.Abs(w * x - y) + x, P),
    ("bce(σ(w x + q), p)", -p * sp.log(σ(w * x + q)) - (1 - p) * sp.log(1 - σ(w * x + q)), P),
    ("softmax_ce(z1, z2, z3, y1, y2, y3)", SOFTMAX_CE, {"z1": 0.3, "z2": -1.2, "z3": 0.8, "y1": 0, "y2": 0, "y3": 1}),
    ("cross_entropy(σ(x), 1 − σ(x), y, 1 − y)", -y * sp.log(σ(x)) - (1 - y) * sp.log(1 - σ(x)), {"x": 0.4, "y": 0.7}),
    ("step(x) + linear(y) x", sp.Heaviside(x, 0) + y * x, P),
]

#: micrograd's README example, rewritten as a program (micrograd re-assigns; programs name anew)
MICROGRAD_PROGRAM = """
c = a + b
d = a b + b³
c1 = c + c + 1
c2 = c1 + 1 + c1 + (−a)
d1 = d + d·2 + relu(b + a)
d2 = d1 + 3 d1 + relu(b − a)
e = c2 − d2
f = e²
g = f / 2 + 10 / f
"""


def micrograd_ops() -> dict[str, Callable]:
    """gradviz op key → the same operation on micrograd ``Value``s (only the ops micrograd has)."""
    return {
        "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
        "div": lambda a, b: a / b, "neg": lambda a: -a, "id": lambda a: a + 0,
        "relu": lambda a: a.relu(),
    }


def finite_difference(f: Callable[[dict[str, float]], float], point: dict[str, float], name: str) -> float:
    h = 1e-6 * max(1.0, abs(point[name]))
    up, down = dict(point), dict(point)
    up[name] += h
    down[name] -= h
    return (f(up) - f(down)) / (2 * h)


def is_close(a: float, b: float, rel: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=rel)


# -- well-posed comparisons -------------------------------------------------------------
#
# The rule, once for every oracle comparison: a float result is compared with the oracle's value
# ``v`` (40 digits) within ``rel·|v| + bound``, where ``bound`` is the running error bound of the
# oracle's expression tree in float64: one rounding of relative size u = 2⁻⁵³ (plus the absolute
# 2⁻¹⁰⁷⁴ of an underflow) at every operation and every inexact constant, carried to the result
# through each operation's exact local change (inputs arrive exactly). Where ``bound`` exceeds
# ``rel·|v|`` no float answer is meaningful at that tolerance (sin of 10⁴⁰, 1 − tanh² at 20,
# a result cancelled below its last bit) and the comparison is not made.

FLOAT_UNIT, FLOAT_TINY, NORMAL = sp.Float(2)**-53, sp.Float(2)**-1074, sp.Float(2)**-1022
DIGITS = 40  # working precision of the references


@dataclass(frozen=True)
class Reference:
    """An oracle's value at a point and the bound on the rounding error of computing it in float64."""

    value: sp.Float
    bound: sp.Float

    def well_posed(self, rel: float) -> bool:
        """True when a float answer can be held to ``rel``: the rounding bound is within ``rel·|value|``."""
        return bool(self.bound <= rel * abs(self.value))

    def agrees(self, actual: float, rel: float) -> bool:
        """``|actual − value| ≤ rel·|value| + bound`` (compare only where ``well_posed``)."""
        if not math.isfinite(actual):
            return False
        return bool(abs(sp.Float(actual, DIGITS) - self.value) <= rel * abs(self.value) + self.bound)


def reference(expr: sp.Expr, point: Mapping[sp.Symbol, float], unit: sp.Float = FLOAT_UNIT,
              tiny: sp.Float = FLOAT_TINY, digits: int = DIGITS) -> Reference:
    """``expr`` at ``point`` with its float rounding bound (running error analysis, see above);
    ``unit``/``tiny`` of another precision bound that precision's evaluation instead."""
    memo: dict[sp.Basic, tuple[sp.Float, sp.Float]] = {}
    exact = {s: sp.Float(v, digits) for s, v in point.items()}

    def num(e: sp.Basic) -> sp.Float:
        v = sp.N(e, digits)
        if not v.is_real or not v.is_number:
            raise ValueError(f"the oracle is not a real number here: {e} = {v}")
        return sp.Float(v, digits)

    def rounding(v: sp.Float) -> sp.Float:  # an underflow (a result below 2⁻¹⁰²² but not 0) adds ``tiny``
        return unit * abs(v) + (tiny if 0 < abs(v) < NORMAL else 0)

    def walk(e: sp.Basic) -> tuple[sp.Float, sp.Float]:
        if e in memo:
            return memo[e]
        if e.is_Symbol:
            out = (exact[e], sp.Float(0, digits))
        elif e.is_Number or e.is_NumberSymbol:
            v = num(e)
            dyadic = e.is_Rational and e.q & (e.q - 1) == 0 and abs(e.p) < 2**53
            out = (v, sp.Float(0, digits) if dyadic else rounding(v))
        elif isinstance(e, sp.Piecewise):  # the branch the point is in (points at a kink are not compared)
            branch = next(b for b, cond in e.args if cond == sp.true or bool(cond.subs(exact)))
            out = walk(branch)
        else:
            parts = [walk(a) for a in e.args]
            values = [p[0] for p in parts]
            v = num(e.func(*values))
            change = sp.Float(0, digits)
            for i, (value, error) in enumerate(parts):
                if error == 0:
                    continue
                if e.is_Add:
                    change += error
                else:
                    moved = values[:i] + [value + error] + values[i + 1:]
                    change += abs(num(e.func(*moved)) - v)
            out = (v, rounding(v) + change)
        memo[e] = out
        return out

    expr = sp.sympify(expr)
    walked, bound = walk(expr)
    rational = {s: sp.Rational(v) for s, v in point.items()}  # evalf then keeps ``digits`` through cancellation
    try:
        return Reference(num(expr.xreplace(rational)), bound)
    except ValueError:  # an exact Max/Min argument sympy cannot order: the value at working precision
        return Reference(walked, bound)


def compare(actual: float, ref: Reference, rel: float, context: object) -> bool:
    """Assert that ``actual`` agrees with ``ref`` where the comparison is well posed; return
    whether it was made (``context`` names the case in a failure). A reference that lies with
    its whole rounding bound below float's normal range (2⁻¹⁰²²) is float's underflow: the
    answer must lie there too."""
    if ref.well_posed(rel):
        assert ref.agrees(actual, rel), (context, actual, ref)
        return True
    if abs(ref.value) + ref.bound < NORMAL:
        assert abs(actual) < NORMAL, (context, actual, ref)
        return True
    return False


def exact_agree(a: sp.Expr, b: sp.Expr, point: Mapping[sp.Symbol, float], rel: float = 1e-25) -> bool | None:
    """Two exact expressions that should be equal, at ``point``: True or False, None where even
    100 digits cannot tell (the same rule, with the working precision's rounding in place of float's)."""
    for digits in (DIGITS, 100):
        unit = sp.Float(10, digits) ** (2 - digits)
        ra, rb = (reference(e, point, unit=unit, tiny=sp.Float(0), digits=digits) for e in (a, b))
        if ra.well_posed(rel) and rb.well_posed(rel):
            return bool(abs(ra.value - rb.value) <= rel * abs(rb.value) + ra.bound + rb.bound)
        if ra.bound == rb.bound == 0 == ra.value == rb.value:
            return True
    return None


def finite_difference_agrees(grad: float, f: Callable[[dict[str, float]], float], point: dict[str, float],
                             name: str, value: Reference, rel: float = 1e-5) -> bool | None:
    """``grad`` against central differences of ``f`` (a float program for ``value``'s expression):
    True or False, or None where the differences cannot resolve ``rel`` — their rounding
    (``value.bound / h``) and their truncation (estimated by the change from step ``2h`` to ``h``)
    together exceed ``rel·|grad|``."""
    def central(h: float) -> float:
        up, down = dict(point), dict(point)
        up[name] += h
        down[name] -= h
        return (f(up) - f(down)) / (2 * h)

    h = 1e-5 * max(1.0, abs(point[name]))
    fd, coarse = central(h), central(2 * h)
    noise = 2 * float(value.bound) / h + abs(fd - coarse)
    if not math.isfinite(fd) or noise > rel * abs(grad):
        return None
    return abs(grad - fd) <= rel * abs(grad) + noise
