"""Differential fuzzing: random expression trees over every op with syntax, written in every
syntax form (Unicode, ASCII, LaTeX, mixed, programs), checked against ``sympy.diff`` and
central finite differences at random points inside each op's domain.

A tree is plain data (``Tree``); its sympy oracle is built here, independently of gradviz's
parser and op table. Ops with a restricted domain get operands that stay inside it
(``log(u² + c)``, ``bce(σ(u), σ(v))``); non-smooth ops record their kink arguments so a check
can skip points too close to a kink. ``check`` is shared by the quick profile in
``tests/test_fuzz.py`` and the long profile in ``bench/fuzz.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy as sp
from hypothesis import strategies as st
import oracles
from oracles import Sigmoid, compare, reference

import gradviz
from gradviz.errors import EvaluationError
from gradviz.ir.ops import OPS
from gradviz.syntax.lexer import _AMBIGUOUS

__all__ = ["Tree", "NAMES", "SYMBOLS", "STYLES", "trees", "points", "cases", "check", "Outcome",
           "SYNTAX_OPS", "ops_of", "variables", "near_kink"]

NAMES = ("x", "y", "w", "θ1")
SYMBOLS = {n: sp.Symbol(n, real=True) for n in NAMES}
STYLES = ("unicode", "ascii", "latex", "mixed", "program")
#: ops with a hand-written oracle and writer below
_WRITTEN_BY_HAND = ("add", "sub", "mul", "div", "neg", "id", "powc", "pow", "exp", "log", "sqrt", "abs", "sigmoid",
                    "tanh", "relu", "leaky_relu", "softplus", "gelu", "sin", "cos", "max", "min", "step", "mse",
                    "mae", "bce", "ce", "softmax_ce")
#: any other op the syntax can spell is fuzzed from its spec: its textbook sympy form is the value
#: oracle (sympy.diff of it the gradient's), its names the spellings, its sampling ranges the domain
_FROM_SPEC = tuple(k for k, spec in OPS.items() if k not in _WRITTEN_BY_HAND and spec.names and not spec.variadic)
#: every op the syntax can write (softmax alone has none: only the network builder makes it)
SYNTAX_OPS = _WRITTEN_BY_HAND + _FROM_SPEC
_ALIASES = {"unicode": {"θ1": ("θ1", "θ₁")}, "ascii": {"θ1": ("theta1", "theta_1")},
            "latex": {"θ1": ("\\theta_{1}", "\\theta_1", "θ_{1}")}}
_KINK = 1e-4  # points closer than this to a kink of relu, abs, max, … are not compared


@dataclass(frozen=True)
class Tree:
    """One node of a random expression: an op key (or ``var``/``num``) and its children."""

    op: str
    children: tuple["Tree", ...] = ()
    param: object = None  # variable name, number text, exponent, slope, domain shift


def _σ(v):
    return Sigmoid(v)


def _bce(a: sp.Expr, b: sp.Expr) -> sp.Expr:  # probability σ(tanh a): well inside (0, 1)
    p = _σ(sp.tanh(a))
    return -_σ(b) * sp.log(p) - (1 - _σ(b)) * sp.log(1 - p)


def _shifted(t: Tree) -> sp.Expr:  # u² + c: strictly positive
    return oracle(t.children[0]) ** 2 + sp.Rational(str(t.param))


def oracle(t: Tree) -> sp.Expr:
    """The tree as a sympy expression, written without gradviz."""
    k, c = t.op, [oracle(ch) for ch in t.children] if t.op not in ("log", "sqrt", "div", "pow") else None
    if k == "var":
        return SYMBOLS[t.param]
    if k == "num":
        return sp.pi if t.param == "π" else sp.Rational(str(t.param))
    table: dict[str, Callable] = {
        "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b, "neg": lambda a: -a,
        "id": lambda a: a, "exp": sp.exp, "sigmoid": _σ, "tanh": sp.tanh, "sin": sp.sin, "cos": sp.cos,
        "abs": sp.Abs, "relu": lambda a: sp.Max(0, a), "softplus": lambda a: sp.log(1 + sp.exp(a)),
        "gelu": lambda a: a * (1 + sp.erf(a / sp.sqrt(2))) / 2, "max": sp.Max, "min": sp.Min,
        "step": lambda a: sp.Heaviside(a, 0), "mse": lambda a, b: (a - b) ** 2, "mae": lambda a, b: sp.Abs(a - b),
        "leaky_relu": lambda a: sp.Piecewise((a, a > 0), (sp.Rational(str(t.param)) * a, True)),
        "powc": lambda a: a ** sp.Rational(str(t.param)),
        "bce": _bce, "ce": _bce,
        "softmax_ce": lambda a, b, y: -(y * sp.log(sp.exp(a) / (sp.exp(a) + sp.exp(b)))
                                        + (1 - y) * sp.log(sp.exp(b) / (sp.exp(a) + sp.exp(b)))),
    }
    if k == "log":
        return sp.log(_shifted(t))
    if k == "sqrt":
        return sp.sqrt(_shifted(t))
    if k == "div":
        return oracle(t.children[0]) / (oracle(t.children[1]) ** 2 + sp.Rational(str(t.param)))
    if k == "pow":
        return (oracle(t.children[0]) ** 2 + sp.Rational(str(t.param))) ** oracle(t.children[1])
    if k in _FROM_SPEC:
        return OPS[k].sympy(tuple(c), tuple(p.example for p in OPS[k].params))
    return table[k](*c)


def variables(t: Tree) -> set[str]:
    """The names of the variables the tree uses."""
    return {t.param} if t.op == "var" else {v for ch in t.children for v in variables(ch)}


def ops_of(t: Tree) -> set[str]:
    """The op keys of the tree's nodes (after writing: ``ce`` is ``cross_entropy``)."""
    own = set() if t.op in ("var", "num") else {t.op}
    return own.union(*(ops_of(ch) for ch in t.children))


def kinks(t: Tree) -> list[sp.Expr]:
    """Arguments whose zero is a kink of a non-smooth op in the tree."""
    out = [k for ch in t.children for k in kinks(ch)]
    args = [oracle(ch) for ch in t.children]
    if t.op in ("abs", "relu", "leaky_relu", "step"):
        out.append(args[0])
    elif t.op in ("max", "min", "mae"):
        out.append(args[0] - args[1])
    elif t.op == "powc" and sp.Rational(str(t.param)) < 1:
        out.append(args[0])
    elif t.op in _FROM_SPEC and OPS[t.op].kink is not None and len(args) == 1:
        out.append(args[0])  # a spec's kink of one operand is at zero (elu)
    return out


def near_kink(tree: Tree, subs: dict[sp.Symbol, float]) -> bool:
    """Whether the point ``subs`` lies within ``_KINK`` of a kink of the tree (no derivative to compare)."""
    return any(abs(_float(k, subs)) < _KINK for k in kinks(tree))


# -- writing a tree ---------------------------------------------------------------------

class _Writer:
    """Writes a tree in one style; ``pick`` chooses among equivalent spellings."""

    def __init__(self, style: str, pick: Callable[[tuple], object]):
        self.style, self.pick = style, pick
        self.statements: list[str] = []

    def _style(self) -> str:
        if self.style in ("mixed", "program"):
            return str(self.pick(("unicode", "ascii", "latex")))
        return self.style

    def write(self, t: Tree) -> str:
        s = self._style()
        if t.op == "var":
            return str(self.pick(_ALIASES.get(s, {}).get(t.param, (t.param,))))
        if t.op == "num":
            if t.param == "π":
                return str(self.pick({"unicode": ("π",), "ascii": ("pi",), "latex": ("\\pi",)}[s]))
            return str(t.param)
        args = [self.write(ch) for ch in t.children]
        text = self._op(t, s, args)
        if self.style == "program" and self.pick((False, True)):
            name = f"h{len(self.statements) + 1}"
            self.statements.append(f"{name} = {text}")
            return name
        return f"({text})" if s != "latex" or self.pick((False, True)) else f"\\left({text}\\right)"

    def _op(self, t: Tree, s: str, a: list[str]) -> str:
        latex, ascii_ = s == "latex", s == "ascii"
        k, p = t.op, t.param
        if k in ("add", "sub", "mul"):
            sym = {"add": ("+",), "sub": ("-",) if ascii_ else ("−", "-") if not latex else ("-",),
                   "mul": ("*",) if ascii_ else ("\\cdot", "\\times", " ") if latex else ("·", "×", "")}[k]
            op = str(self.pick(sym))
            if op.strip():
                return f"{a[0]} {op} {a[1]}"
            return f"{a[0]}{a[1]}" if a[1].startswith(("(", "\\left(")) else f"{a[0]} ({a[1]})"
        if k == "neg":
            return ("−" if s == "unicode" else "-") + a[0]
        if k == "id":
            return f"id({a[0]})" if self.pick((False, True)) else f"linear({a[0]})"
        if k == "powc":
            e = str(p)
            if s == "unicode" and e in ("2", "3", "-1"):
                return a[0] + {"2": "²", "3": "³", "-1": "⁻¹"}[e]
            if latex:
                return f"{a[0]}^{{{e}}}"
            return f"{a[0]}{self.pick(('^', '**'))}{e}" if not e.startswith("-") else f"{a[0]}^({e})"
        if k in ("log", "sqrt"):
            inner = f"{a[0]}^{{2}} + {p}" if latex else f"{a[0]}^2 + {p}"
            if latex:
                return f"\\{self.pick(('log', 'ln')) if k == 'log' else 'sqrt'}{{{inner}}}" if k == "sqrt" \
                    else f"\\{self.pick(('log', 'ln'))}({inner})"
            return f"{k if k == 'sqrt' else self.pick(('log', 'ln'))}({inner})"
        if k == "div":
            den = f"{a[1]}^2 + {p}"
            if latex:
                return f"\\frac{{{a[0]}}}{{{den}}}"
            return f"{a[0]} {self.pick(('/', '÷') if s == 'unicode' else ('/',))} ({den})"
        if k == "pow":
            base = f"{a[0]}^2 + {p}"
            return f"({base})^{{{a[1]}}}" if latex else f"({base})^({a[1]})"
        if k == "exp":
            bracketed = f"exp({a[0]})" if _AMBIGUOUS.match(f"^({a[0]})") else f"e^({a[0]})"  # e^(x): x an index?
            return str(self.pick((f"\\exp({a[0]})", f"e^{{{a[0]}}}") if latex else (f"exp({a[0]})", bracketed)))
        if k == "sigmoid":
            return str(self.pick((f"\\sigma({a[0]})",) if latex else (f"σ({a[0]})", f"sigmoid({a[0]})")
                                 if not ascii_ else (f"sigmoid({a[0]})", f"sigma({a[0]})")))
        if k == "relu":
            return f"\\operatorname{{ReLU}}({a[0]})" if latex else f"{self.pick(('relu', 'ReLU'))}({a[0]})"
        if k == "leaky_relu":
            return f"leaky_relu({a[0]})" if p == "0.01" and self.pick((False, True)) else f"leaky_relu({a[0]}, {p})"
        if k == "abs":
            return str(self.pick((f"abs({a[0]})", f"|{a[0]}|") if not latex else (f"\\left|{a[0]}\\right|",)))
        if k in ("tanh", "sin", "cos"):
            return f"\\{k}({a[0]})" if latex else f"{k}({a[0]})"
        if k == "gelu":
            return f"{self.pick(('gelu', 'GELU'))}({a[0]})"
        if k in ("max", "min"):
            return f"\\{k}({a[0]}, {a[1]})" if latex else f"{k}({a[0]}, {a[1]})"
        if k in ("bce", "ce"):
            σa, σb = ((f"σ(tanh({a[0]}))", f"σ({a[1]})") if s == "unicode"
                      else (f"sigmoid(tanh({a[0]}))", f"sigmoid({a[1]})"))
            if k == "bce":
                return f"bce({σa}, {σb})"
            return f"cross_entropy({σa}, 1 - {σa}, {σb}, 1 - {σb})"
        if k == "softmax_ce":
            return f"softmax_ce({a[0]}, {a[1]}, {a[2]}, 1 - {a[2]})"
        if k in _FROM_SPEC:
            spec = OPS[k]
            params = [str(float(p.example)) for p in spec.params]
            spellings = (tuple("\\" + c for c in spec.latex_commands) + ("\\operatorname{" + spec.names[0] + "}",)
                         if latex else spec.names)
            return f"{self.pick(spellings)}({', '.join(a + params)})"
        return f"{k}({', '.join(a)})"  # step, mse, mae, softplus


def write(t: Tree, style: str, pick: Callable[[tuple], object]) -> str:
    """The tree as formula text in ``style`` (a program: ``h1 = …`` statements, then the output)."""
    w = _Writer(style, pick)
    text = w.write(t)
    if style == "program":
        return "\n".join(w.statements + [f"L = {text}"]) if w.statements else text
    return text


# -- strategies -------------------------------------------------------------------------

_SHIFTS = ("0.5", "1", "2")
_UNARY = ("neg", "id", "exp", "log", "sqrt", "abs", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "gelu",
          "sin", "cos", "step", "powc")
_BINARY = ("add", "sub", "mul", "div", "pow", "max", "min", "mse", "mae", "bce", "ce")


def _leaves() -> st.SearchStrategy[Tree]:
    return st.one_of(st.sampled_from(NAMES).map(lambda n: Tree("var", (), n)),
                     st.sampled_from(("2", "0.5", "3", "π", "1.5")).map(lambda v: Tree("num", (), v)))


def _params(op: str) -> st.SearchStrategy:
    if op in ("log", "sqrt", "div", "pow"):
        return st.sampled_from(_SHIFTS)
    if op == "powc":
        return st.sampled_from(("2", "3", "-1", "0.5", "1.5"))
    if op == "leaky_relu":
        return st.sampled_from(("0.01", "0.2", "-0.3"))
    return st.none()


def _grow(children: st.SearchStrategy[Tree]) -> st.SearchStrategy[Tree]:
    def make(op: str, arity: int) -> st.SearchStrategy[Tree]:
        return st.builds(lambda kids, p: _domain_safe(Tree(op, tuple(kids), p)),
                         st.lists(children, min_size=arity, max_size=arity), _params(op))
    return st.one_of([make(op, 1) for op in _UNARY] + [make(op, 2) for op in _BINARY] + [make("softmax_ce", 3)]
                     + [make(op, OPS[op].arity) for op in _FROM_SPEC])


def _domain_safe(t: Tree) -> Tree:
    """``x^-1`` and ``x^0.5`` get a positive base, ``u² + c``, written with an explicit power."""
    if t.op == "powc" and t.param in ("-1", "0.5", "1.5"):
        base = Tree("add", (Tree("powc", t.children, "2"), Tree("num", (), "1")))
        return Tree("powc", (base,), t.param)
    if t.op in _FROM_SPEC and OPS[t.op].samples:  # each operand squeezed into its range: mid + half·tanh(u)
        kids = []
        for (low, high), child in zip(OPS[t.op].samples, t.children):
            mid, half = (low + high) / 2, (high - low) / 2
            kids.append(Tree("add", (Tree("num", (), f"{mid:g}"),
                                     Tree("mul", (Tree("num", (), f"{half:g}"), Tree("tanh", (child,)))))))
        return Tree(t.op, tuple(kids) + t.children[len(kids):], t.param)
    return t


def trees(max_leaves: int = 6) -> st.SearchStrategy[Tree]:
    """Random trees over every op the syntax can write."""
    return st.recursive(_leaves(), _grow, max_leaves=max_leaves)


def points() -> st.SearchStrategy[dict[str, float]]:
    """Random evaluation points (three decimals, so a failing example reads well)."""
    return st.fixed_dictionaries({n: st.floats(-2.0, 2.0).map(lambda v: round(v, 3)) for n in NAMES})


@st.composite
def cases(draw, max_leaves: int = 6) -> tuple[str, Tree, str]:
    """(formula text, tree, style): the tree written in a randomly drawn style."""
    tree, style = draw(trees(max_leaves)), draw(st.sampled_from(STYLES))
    return write(tree, style, lambda options: draw(st.sampled_from(options))), tree, style


# -- the check --------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """What one check did: ``compared`` (every comparison made; ``gradients`` against sympy.diff),
    or why some were not: a point near a kink, an overflow reported, or ``ill-posed`` (float
    rounding or finite-difference noise beyond the tolerance, tests/oracles.py's rule)."""

    status: str  # "compared" | "kink" | "overflow" | "ill-posed"
    gradients: int = 0


def _float(expr: sp.Expr, subs: dict) -> float:
    return float(sp.N(expr.subs(subs), 30))


def check(text: str, tree: Tree, point: dict[str, float], symbolic: bool = True) -> Outcome:
    """Compare gradviz with sympy.diff (numerically and, with ``symbolic``, as expressions)
    and with central finite differences; raise AssertionError on any disagreement."""
    graph = gradviz.parse(text)
    expr = oracle(tree)
    assert set(graph.inputs) == variables(tree), (text, graph.inputs)
    at = {name: point[name] for name in graph.inputs}
    subs = {SYMBOLS[n]: v for n, v in at.items()}
    if near_kink(tree, subs):
        return Outcome("kink")
    try:
        result = graph.backward(at, symbolic=False)
    except EvaluationError as exc:
        assert "at node" in str(exc) and exc.node, (text, str(exc))  # honest: names the node
        return Outcome("overflow")
    value = reference(expr, subs)
    made = [compare(result.value, value, 1e-9, (text, "value"))]
    gradients = 0

    def forward(p: dict[str, float]) -> float:
        return graph.backward(p, symbolic=False).value

    for name in graph.inputs:
        expected = sp.diff(expr, SYMBOLS[name])
        gradients += compare(result.grad[name], reference(expected, subs), 1e-7, (text, name))
        if symbolic:
            assert oracles.exact_agree(graph.gradient(name), expected, subs) is not False, (text, name)
        try:
            agreed = oracles.finite_difference_agrees(result.grad[name], forward, at, name, value)
        except EvaluationError:
            return Outcome("overflow")
        assert agreed is not False, (text, name, result.grad[name])
        made.append(agreed is not None)
    complete = all(made) and gradients == len(graph.inputs)
    return Outcome("compared" if complete else "ill-posed", gradients)
