"""Formulas with hand-written sympy oracles (written independently of gradviz's parser and op
table), evaluation points inside each op's domain, and micrograd as a second engine."""

from __future__ import annotations

import math
from typing import Callable

import sympy as sp

R = {name: sp.Symbol(name, real=True) for name in
     "x y z w q p a b c θ1 θ2 w0 w1 w2 x1 x2 z1 z2 z3 y1 y2 y3 α β".split()}
x, y, z, w, q, p = (R[n] for n in "x y z w q p".split())
t1, t2, w0, w1, w2, x1, x2 = (R[n] for n in "θ1 θ2 w0 w1 w2 x1 x2".split())
z1, z2, z3, y1, y2, y3 = (R[n] for n in "z1 z2 z3 y1 y2 y3".split())


def σ(v):
    return 1 / (1 + sp.exp(-v))


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
