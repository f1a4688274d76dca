"""Graphs from Python: an expression tree built with operators, turned into the IR.

``Expr.variable`` makes an input in textbook spelling, ``Expr.apply`` any op of ``ops.OPS``;
``+ - * / **``, unary minus and ``abs`` build the tree; ``named`` names an intermediate;
``to_graph`` turns the tree into the same ``Graph`` the parser builds from text (node ids in
the order the formula is written). Plain numbers (ints, floats, ``Fraction``, ``Decimal``,
numpy scalars) become constants. An expression object used twice is one node with two
consumers. The facade (``gradviz.api``) adds the verbs: ``backward``, ``show``, ``network``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from ..errors import GradvizError
from ..ir.graph import Graph, GraphBuilder
from ..ir.numbers import exact, short_repr
from ..ir.ops import OPS
from .names import SplitError, assignable_name
from .parser import parse

__all__ = ["Expr"]

E = TypeVar("E", bound="Expr")


@dataclass(frozen=True, eq=False)  # identity semantics: an object used twice is one node
class Expr:
    """A node of an expression tree: an input, a constant, or an op (a key of ``ops.OPS``)."""

    op: str  # "input" | "const" | op key
    operands: tuple["Expr", ...] = ()
    params: tuple = ()
    name: str | None = None  # input name, or the name given with ``named``
    value: Any = None  # an input's value (optional), a constant's Fraction
    parameter: bool = False  # an input to train

    # -- making ---------------------------------------------------------------------------
    @classmethod
    def variable(cls: type[E], name: str, value: Any = None, *, param: bool = False) -> E:
        """An input in textbook spelling (``θ1``, ``theta_1``, ``x``), optionally with its value."""
        if not isinstance(name, str):
            raise GradvizError(f"a variable's name is a str, not {type(name).__name__}")
        try:
            spelled = parse(name.strip())
        except GradvizError:
            spelled = None
        if spelled is None or len(spelled.inputs) != 1 or len(spelled) != 2:  # the input and its output node
            raise GradvizError(f"{name!r} is not a variable name: use one letter with digits, "
                               "like x, θ1, theta_1, w2")
        if value is not None:
            exact(value, f"the value of {name}")  # checked now, kept as given
        return cls("input", name=spelled.inputs[0], value=value, parameter=param)

    @classmethod
    def apply(cls: type[E], op: str, *args: Any, **params: Any) -> E:
        """The op ``op`` over ``args`` (expressions or numbers), parameters by name or default."""
        spec = OPS[op]
        if spec.arity is not None and len(args) != spec.arity:
            raise GradvizError(f"{op} takes {spec.arity} argument{'s' * (spec.arity != 1)}, got {len(args)}")
        unknown = set(params) - {p.name for p in spec.params}
        if unknown:
            raise GradvizError(f"{op} has no parameter {', '.join(sorted(unknown))}")
        values = []
        for p in spec.params:
            given = params.get(p.name, p.default)
            if given is None:
                raise GradvizError(f"{op} needs its {p.name}")
            values.append(exact(given, f"the {p.name} of {op}"))
        return cls(op, tuple(cls._operand(a) for a in args), tuple(values))

    @classmethod
    def _operand(cls: type[E], x: Any) -> E:
        if isinstance(x, Expr):
            return x
        if not _is_number(x):
            raise GradvizError(f"cannot use {type(x).__name__} in an expression; use numbers, var() or param()")
        return cls("const", value=exact(x, "a constant"))

    def _binary(self, op: str, left: Any, right: Any) -> Any:
        for x in (left, right):
            if not (isinstance(x, Expr) or _is_number(x)):
                if hasattr(type(x), "__array_ufunc__"):  # a numpy array: element by element, numpy's way
                    return NotImplemented
                raise GradvizError(f"cannot use {type(x).__name__} {short_repr(x)} in an expression "
                                   f"({'expression' if x is right else short_repr(x)} {OPS[op].text} "
                                   f"{'expression' if x is left else short_repr(x)}); use numbers, var() or param()")
        return type(self).apply(op, left, right)

    # -- operators ------------------------------------------------------------------------
    def __add__(self, other: Any) -> Any:
        return self._binary("add", self, other)

    def __radd__(self, other: Any) -> Any:
        return self._binary("add", other, self)

    def __sub__(self, other: Any) -> Any:
        return self._binary("sub", self, other)

    def __rsub__(self, other: Any) -> Any:
        return self._binary("sub", other, self)

    def __mul__(self, other: Any) -> Any:
        return self._binary("mul", self, other)

    def __rmul__(self, other: Any) -> Any:
        return self._binary("mul", other, self)

    def __truediv__(self, other: Any) -> Any:
        return self._binary("div", self, other)

    def __rtruediv__(self, other: Any) -> Any:
        return self._binary("div", other, self)

    def __pow__(self, other: Any) -> Any:
        if not _is_number(other):
            return self._binary("pow", self, other)
        return type(self).apply("powc", self, exponent=other)

    def __rpow__(self, other: Any) -> Any:
        return self._binary("pow", other, self)

    def __neg__(self: E) -> E:
        return type(self).apply("neg", self)

    def __pos__(self: E) -> E:
        return self

    def __abs__(self: E) -> E:
        return type(self).apply("abs", self)

    def __bool__(self) -> bool:
        raise GradvizError("an expression has no truth value: use gradviz.relu, max or min instead of if/and/or")

    # -- naming and building --------------------------------------------------------------
    def named(self: E, name: str) -> E:
        """This expression with a name for its node (``a``, ``z1``, ``loss``); use the returned object."""
        if self.op in ("input", "const"):
            raise GradvizError("only an operation can be named; inputs are named by var() and param()")
        if not isinstance(name, str):
            raise GradvizError(f"a name is a str, not {type(name).__name__}")
        try:
            return replace(self, name=assignable_name(name))
        except SplitError as exc:
            raise GradvizError(f"{name!r} cannot name a node: {exc}") from None

    @property
    def values(self) -> dict[str, Any]:
        """The values given to the inputs, by input name."""
        return {leaf.name: leaf.value for leaf in _leaves(self) if leaf.value is not None}

    @property
    def parameters(self) -> tuple[str, ...]:
        """The inputs marked as parameters, in first-use order."""
        return tuple(dict.fromkeys(leaf.name for leaf in _leaves(self) if leaf.parameter))

    def to_graph(self) -> Graph:
        """The computational graph, nodes in the order the formula is written."""
        inputs = {leaf.name for leaf in _leaves(self)}
        builder = GraphBuilder()
        ids: dict[Expr, str] = {}
        named: dict[str, Expr] = {}
        for node in _postorder(self):
            if node.op == "input":
                ids[node] = builder.input(node.name)
            elif node.op == "const":
                ids[node] = builder.constant(node.value)
            else:
                nid = builder.apply(node.op, [ids[o] for o in node.operands], node.params)
                if node.name is not None:
                    clash = named.setdefault(node.name, node)
                    if clash is not node or node.name in inputs:
                        raise GradvizError(f"the name {node.name} is given to two different nodes")
                    nid = builder.name(nid, node.name)
                ids[node] = nid
        return builder.finish(ids[self])


def _is_number(x: Any) -> bool:
    """A real number (numpy scalars included), not a bool."""
    if isinstance(x, bool):
        return False
    if isinstance(x, (numbers.Real, Decimal, Fraction)):
        return True
    return type(x).__module__ == "numpy" and getattr(x, "shape", None) == ()


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
