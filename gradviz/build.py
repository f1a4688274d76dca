"""Graphs from Python: variables with operators, functions, names for intermediates, tracing.

``var`` and ``param`` make inputs (``param`` marks a trainable parameter); ``+ - * / **``,
unary minus, ``abs`` and the functions below build an expression tree; ``.named("a")``
names an intermediate; ``.graph()`` turns the tree into the same ``Graph`` the parser
builds from text (node ids in the order the formula is written). Plain numbers become
constants. An expression object used twice is one node with two consumers.

>>> import gradviz
>>> θ1, θ2 = gradviz.param("θ1", 2), gradviz.param("theta2", -1)
>>> x, y = gradviz.var("x", 3), gradviz.var("y", 1)
>>> L = (θ1 * θ2 * x - y) ** 2
>>> L
<gradviz.Expr (θ1θ2x − y)²>
>>> L.graph() == gradviz.parse("(θ1θ2x − y)²")
True
>>> L.backward().grad
{'θ1': 42.0, 'θ2': -84.0, 'x': 28.0, 'y': 14.0}
>>> L.network().parameters
('θ1', 'θ2')
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Callable, Collection, Mapping

from .errors import GradvizError

if TYPE_CHECKING:
    from .backward import BackwardResult
    from .graph import Graph
    from .nn import Network

__all__ = ["Expr", "var", "param", "trace", "exp", "log", "sqrt", "sigmoid", "tanh", "relu", "leaky_relu",
           "softplus", "gelu", "sin", "cos"]


@dataclass(frozen=True, eq=False)  # identity semantics: an object used twice is one node
class Expr:
    """A node of an expression tree: an input, a constant, or an op (a key of ``ops.OPS``)."""

    op: str  # "input" | "const" | op key
    operands: tuple["Expr", ...] = ()
    params: tuple = ()
    name: str | None = None  # input name, or the name given with ``named``
    value: Any = None  # an input's value (optional), a constant's Fraction
    parameter: bool = False  # an input to train

    # -- operators --------------------------------------------------------------------------
    def __add__(self, other: Any) -> "Expr":
        return _binary("add", self, other)

    def __radd__(self, other: Any) -> "Expr":
        return _binary("add", other, self)

    def __sub__(self, other: Any) -> "Expr":
        return _binary("sub", self, other)

    def __rsub__(self, other: Any) -> "Expr":
        return _binary("sub", other, self)

    def __mul__(self, other: Any) -> "Expr":
        return _binary("mul", self, other)

    def __rmul__(self, other: Any) -> "Expr":
        return _binary("mul", other, self)

    def __truediv__(self, other: Any) -> "Expr":
        return _binary("div", self, other)

    def __rtruediv__(self, other: Any) -> "Expr":
        return _binary("div", other, self)

    def __pow__(self, other: Any) -> "Expr":
        if isinstance(other, Expr):
            return _binary("pow", self, other)
        exponent = _fraction(other)
        return NotImplemented if exponent is None else Expr("powc", (self,), (exponent,))

    def __rpow__(self, other: Any) -> "Expr":
        return _binary("pow", other, self)

    def __neg__(self) -> "Expr":
        return Expr("neg", (self,))

    def __pos__(self) -> "Expr":
        return self

    def __abs__(self) -> "Expr":
        return Expr("abs", (self,))

    # -- naming and building ------------------------------------------------------------------
    def named(self, name: str) -> "Expr":
        """This expression with a name for its node (``a``, ``z1``, ``loss``); use the returned object."""
        from .syntax.names import SplitError, assignable_name

        if self.op in ("input", "const"):
            raise GradvizError("only an operation can be named; inputs are named by var() and param()")
        try:
            return replace(self, name=assignable_name(name))
        except SplitError as exc:
            raise GradvizError(f"{name!r} cannot name a node: {exc}") from None

    def graph(self) -> "Graph":
        """The computational graph, nodes in the order the formula is written."""
        return _build(self)

    @property
    def values(self) -> dict[str, Any]:
        """The values given to ``var``/``param``, by input name."""
        return {leaf.name: leaf.value for leaf in _leaves(self) if leaf.value is not None}

    @property
    def parameters(self) -> tuple[str, ...]:
        """The inputs made with ``param``, in first-use order."""
        return tuple(dict.fromkeys(leaf.name for leaf in _leaves(self) if leaf.parameter))

    def network(self) -> "Network":
        """Graph, parameters and given values together (what ``descent.descend`` takes)."""
        from .nn import Network

        return Network(self.graph(), self.parameters, self.values)

    def backward(self, at: Mapping[str, Any] | None = None, **options: Any) -> "BackwardResult":
        """``graph().backward`` at the given values, updated by ``at``."""
        return self.graph().backward({**self.values, **(at or {})}, **options)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        return self.graph()._repr_mimebundle_(include, exclude)

    def __repr__(self) -> str:
        from .notation import written

        graph = self.graph()
        return f"<gradviz.Expr {written(graph, graph.output_id)}>"

    def __bool__(self) -> bool:
        raise GradvizError("an expression has no truth value: use gradviz.relu, max or min instead of if/and/or")


def var(name: str, value: Any = None, *, param: bool = False) -> Expr:
    """An input in textbook spelling (``θ1``, ``theta_1``, ``x``), optionally with its value."""
    from .syntax import parse

    if not isinstance(name, str):
        raise GradvizError(f"a variable's name is a str, not {type(name).__name__}")
    try:
        spelled = parse(name.strip())
    except GradvizError:
        spelled = None
    if spelled is None or len(spelled.inputs) != 1 or len(spelled) != 2:  # the input and its output node
        raise GradvizError(f"{name!r} is not a variable name: use one letter with digits, "
                           "like x, θ1, theta_1, w2") from None
    return Expr("input", name=spelled.inputs[0], value=value, parameter=param)


def param(name: str, value: Any = None) -> Expr:
    """A parameter: an input that training changes (``Expr.parameters`` lists them)."""
    return var(name, value, param=True)


def trace(fn: Callable[..., Any], params: Collection[str] = (), at: Mapping[str, Any] | None = None) -> Expr:
    """The expression a Python function of scalars computes: each argument becomes an input
    named after it (``params`` names the parameters, ``at`` gives values).

    >>> trace(lambda w, x, y: (sigmoid(w * x) - y) ** 2, params=["w"])
    <gradviz.Expr (σ(wx) − y)²>
    """
    at = at or {}
    names = list(inspect.signature(fn).parameters)
    args = [var(n, at.get(n), param=n in params) for n in names]
    unknown = (set(params) | set(at)) - set(names)
    if unknown:
        raise GradvizError(f"{', '.join(sorted(unknown))} is not an argument of {fn.__name__}")
    out = fn(*args)
    if not isinstance(out, Expr):
        raise GradvizError(f"{fn.__name__} returned {type(out).__name__}, not an expression of its arguments")
    return out


# -- functions ---------------------------------------------------------------------------------

def exp(x: Any) -> Expr:
    """eˣ"""
    return _unary("exp", x)


def log(x: Any) -> Expr:
    """The natural logarithm."""
    return _unary("log", x)


def sqrt(x: Any) -> Expr:
    """√x"""
    return _unary("sqrt", x)


def sigmoid(x: Any) -> Expr:
    """σ(x) = 1 / (1 + e⁻ˣ)"""
    return _unary("sigmoid", x)


def tanh(x: Any) -> Expr:
    """tanh x"""
    return _unary("tanh", x)


def relu(x: Any) -> Expr:
    """max(0, x)"""
    return _unary("relu", x)


def leaky_relu(x: Any, slope: float = 0.01) -> Expr:
    """x for x > 0, else slope·x"""
    return Expr("leaky_relu", (_expr(x),), (_fraction(slope),))


def softplus(x: Any) -> Expr:
    """log(1 + eˣ)"""
    return _unary("softplus", x)


def gelu(x: Any) -> Expr:
    """x·Φ(x)"""
    return _unary("gelu", x)


def sin(x: Any) -> Expr:
    """sin x"""
    return _unary("sin", x)


def cos(x: Any) -> Expr:
    """cos x"""
    return _unary("cos", x)


# -- helpers ------------------------------------------------------------------------------------

def _fraction(x: Any) -> Fraction | None:
    """A Python number as an exact Fraction (``0.1`` → 1/10), None for anything else."""
    if isinstance(x, bool) or not isinstance(x, (int, float, Fraction)):
        return None
    if isinstance(x, float):
        if not math.isfinite(x):
            raise GradvizError(f"a constant must be finite, not {x}")
        return Fraction(repr(x))
    return Fraction(x)


def _expr(x: Any) -> Expr:
    if isinstance(x, Expr):
        return x
    value = _fraction(x)
    if value is None:
        raise GradvizError(f"cannot use {type(x).__name__} in an expression; use numbers, var() or param()")
    return Expr("const", value=value)


def _binary(op: str, left: Any, right: Any) -> Expr:
    if not all(isinstance(x, Expr) or _fraction(x) is not None for x in (left, right)):
        return NotImplemented
    return Expr(op, (_expr(left), _expr(right)))


def _unary(op: str, x: Any) -> Expr:
    return Expr(op, (_expr(x),))


def _postorder(root: Expr) -> list[Expr]:
    """Every distinct node once, operands before their user, left to right (no recursion)."""
    seen: set[Expr] = set()
    order: list[Expr] = []
    stack: list[tuple[Expr, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if node in seen:
            continue
        if expanded:
            seen.add(node)
            order.append(node)
        else:
            stack.append((node, True))
            stack.extend((o, False) for o in reversed(node.operands) if o not in seen)
    return order


def _leaves(root: Expr) -> list[Expr]:
    """The input nodes; one name given two different values or roles is an error."""
    leaves = [e for e in _postorder(root) if e.op == "input"]
    first: dict[str, Expr] = {}
    for leaf in leaves:
        other = first.setdefault(leaf.name, leaf)
        if leaf.value is not None and other.value is not None and leaf.value != other.value:
            raise GradvizError(f"{leaf.name} is given two values: {other.value} and {leaf.value}")
        if leaf.parameter != other.parameter:
            raise GradvizError(f"{leaf.name} is made both with param() and with var()")
    return leaves


def _build(root: Expr) -> "Graph":
    from .graph import GraphBuilder

    inputs = {leaf.name for leaf in _leaves(root)}
    builder = GraphBuilder()
    ids: dict[Expr, str] = {}
    named: dict[str, Expr] = {}
    for node in _postorder(root):
        if node.op == "input":
            ids[node] = builder.input(node.name)
            continue
        if node.op == "const":
            ids[node] = builder.constant(node.value)
            continue
        nid = builder.apply(node.op, [ids[o] for o in node.operands], node.params)
        if node.name is not None:
            clash = named.setdefault(node.name, node)
            if clash is not node or node.name in inputs:
                raise GradvizError(f"the name {node.name} is given to two different nodes")
            nid = builder.name(nid, node.name)
        ids[node] = nid
    return builder.finish(ids[root])
