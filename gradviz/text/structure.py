"""Nodes of the IR written out, for any target: a node's equation (``a = θ1·θ2``), its
definition over its operands' names as the slide writes it (``b = ax``), and its whole
subexpression in the inputs (``θ1θ2x − y``). Brackets follow from each operand's ``Level``;
names, numbers and function names come from the target and the op specs."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..ir.ops import OPS
from .targets import UNICODE, Level, Piece, Target

if TYPE_CHECKING:
    from ..ir.graph import Graph, Node

__all__ = ["written", "definition", "right_side", "equation", "operand_piece", "Expansion", "lead_kind",
           "WRITTEN_LIMIT", "POWER_BEFORE_ARGS"]

POWER_BEFORE_ARGS = frozenset("sin cos tan sinh cosh tanh".split())  # tanh²(z), not tanh(z)²
WRITTEN_LIMIT = 4000  # characters of a subexpression written out in the inputs (then "…")


def operand_piece(graph: "Graph", nid: str, target: Target = UNICODE) -> Piece:
    """A node as an operand: its name, or a constant's number (negative ones bind as unary minus)."""
    node = graph.nodes[nid]
    if node.kind == "const" and node.value is not None:
        text = target.number(node.value)
        return text, (Level.UNARY if node.value < 0 else Level.ATOM)
    return target.name(node.name), Level.ATOM


_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _call_args(node: "Node", args: list[str], target: Target) -> list[str]:
    """The operands' texts followed by the parameters that differ from their defaults."""
    spec = OPS[node.op]
    defaults = tuple(p.default for p in spec.params)
    if node.params and node.params != defaults and not spec.variadic:
        args = args + [target.number(p) for p in node.params]
    return args


def apply(graph: "Graph", nid: str, pieces: list[Piece], target: Target, juxtaposed: bool) -> Piece:
    """Node ``nid``'s operation over its operands' pieces; ``juxtaposed`` writes products as the
    slide does (``θ1θ2x``) instead of with an operator (``θ1·θ2``)."""
    node = graph.nodes[nid]
    spec = OPS[node.op]
    if node.op in ("add", "sub"):
        left, right = pieces
        symbol = target.plus if node.op == "add" else target.minus
        return target.infix(target.wrap(left, Level.SUM), symbol, target.wrap(right, Level.QUOTIENT), True), Level.SUM
    if node.op == "mul":
        left, right = pieces
        if not juxtaposed:
            return (target.infix(target.wrap(left, Level.QUOTIENT), target.times, target.wrap(right, Level.PRODUCT), False),
                    Level.QUOTIENT)
        left_text = left[0] if left[1] in (Level.UNARY, Level.PRODUCT, Level.POWER, Level.ATOM) else target.paren(left[0])
        right_text = target.wrap(right, Level.PRODUCT)
        kinds = [(left_text, "other"), (right_text, lead_kind(graph, node.operands[1]) if right[1] >= Level.PRODUCT
                                        else "other")]
        if tail_kind(graph, node.operands[0]) == "word" and left_text == left[0]:
            kinds[0] = (left_text, "word")
        text = target.juxtapose(kinds)
        return text, (Level.UNARY if left[1] == Level.UNARY else Level.PRODUCT)
    if node.op == "div":
        return target.fraction(*pieces)
    if node.op == "neg":
        return target.negate(pieces[0])
    if node.op == "powc":
        return target.power(pieces[0], node.params[0])
    if node.op == "pow":
        return target.power(pieces[0], pieces[1])
    if node.op == "id":
        return pieces[0]
    if spec.notation == "root":
        return target.root(pieces[0])
    if spec.notation == "bars":
        return target.bars(pieces[0])
    function = spec.latex if target.name_of_target == "latex" else spec.text
    if node.op == "softmax":  # the k-th element, k from 1: softmax₂(z1, z2, z3)
        k = str(int(node.params[0]) + 1)
        function += f"_{{{k}}}" if target.name_of_target == "latex" else k.translate(_SUBSCRIPT_DIGITS)
    return target.call(function, _call_args(node, [p[0] for p in pieces], target))


def lead_kind(graph: "Graph", nid: str) -> str:
    """What a node's written form starts with, for juxtaposition: ``number``, ``call``, ``word``
    (a name of several letters) or ``other``."""
    node = graph.nodes[nid]
    while node.kind == "op" and node.op in ("mul", "powc", "pow", "div", "id") and not _stops(graph, node):
        node = graph.nodes[node.operands[0]]
    return _kind(node)


def tail_kind(graph: "Graph", nid: str) -> str:
    """What a node's written form ends with (the factor a following one is juxtaposed to)."""
    node = graph.nodes[nid]
    while node.kind == "op" and node.op == "mul" and not _stops(graph, node):
        node = graph.nodes[node.operands[1]]
    return _kind(node)


def _stops(graph: "Graph", node: "Node") -> bool:
    return node.named_by_user  # a named node is written by its name


def _kind(node: "Node") -> str:
    if node.kind == "const":
        return "number" if node.value is not None else "other"
    if node.kind == "op" and not node.named_by_user:
        return "call" if OPS[node.op].notation == "call" and len(OPS[node.op].text) > 1 else "other"
    letters = [ch for ch in node.name if ch.isalpha()]
    return "word" if len(letters) > 1 and "_" not in node.name else "other"


def definition(graph: "Graph", nid: str, target: Target = UNICODE) -> Piece:
    """An op node over its operands' names, juxtaposed as on the slide: ``ax``, ``c²``, ``σ(z)``."""
    node = graph.nodes[nid]
    return apply(graph, nid, [operand_piece(graph, o, target) for o in node.operands], target, True)


def right_side(graph: "Graph", nid: str, target: Target = UNICODE) -> Piece:
    """An op node over its operands' names with explicit operators: ``θ1·θ2``, ``b − y``."""
    node = graph.nodes[nid]
    return apply(graph, nid, [operand_piece(graph, o, target) for o in node.operands], target, False)


def equation(graph: "Graph", nid: str, target: Target = UNICODE) -> str:
    """``name = operation`` for an op node, the name alone otherwise."""
    node = graph.nodes[nid]
    if node.kind != "op":
        return operand_piece(graph, nid, target)[0]
    return f"{target.name(node.name)} {target.equals} {right_side(graph, nid, target)[0]}"


def written(graph: "Graph", nid: str, target: Target = UNICODE) -> Piece:
    """A node's whole subexpression in the inputs, as a slide writes it: ``θ1θ2x − y``.

    Text longer than ``WRITTEN_LIMIT`` characters is cut there and ends in ``…`` (a sum of
    100,000 terms would otherwise cost quadratic time and memory to write out)."""
    memo: dict[str, Piece] = graph.memo(f"written/{target.name_of_target}", dict)
    if nid in memo:
        return memo[nid]
    pending = [nid]
    order: list[str] = []
    seen = {nid}
    while pending:  # the ancestors not written yet, operands before their users
        current = pending.pop()
        order.append(current)
        for operand in graph.nodes[current].operands:
            if operand not in seen and operand not in memo:
                seen.add(operand)
                pending.append(operand)
    for current in sorted(order, key=_index(graph)):
        node = graph.nodes[current]
        if node.kind != "op":
            piece = operand_piece(graph, current, target)
        else:
            piece = apply(graph, current, [memo[o] for o in node.operands], target, True)
        if len(piece[0]) > WRITTEN_LIMIT:
            cut = piece[0][:WRITTEN_LIMIT] + "…"
            same = [memo[o][0] for o in node.operands if memo[o][0] == cut]
            piece = (same[0] if same else cut, Level.ATOM)  # one string for a chain's nodes: memory stays small
        memo[current] = piece
    return memo[nid]


def _index(graph: "Graph"):
    positions = graph.memo("positions", lambda: {nid: k for k, nid in enumerate(graph.nodes)})
    return positions.__getitem__


@dataclass(frozen=True)
class Expansion:
    """How printers write intermediates: by their names, or (``in_inputs``) written out in the
    inputs, each as a placeholder that binds as tightly as its written form."""

    graph: "Graph"
    target: Target
    in_inputs: bool = True

    def piece(self, name: str) -> Piece | None:
        """The written form of the intermediate called ``name`` (None for inputs and other names)."""
        node = self._ops().get(name)
        if node is None or not self.in_inputs:
            return None
        return written(self.graph, node, self.target)

    def power(self, name: str, exponent: Fraction) -> str | None:
        """``tanh²(z)`` for an intermediate ``h = tanh(z)`` raised to ``exponent``, as textbooks write
        powers of the trigonometric and hyperbolic functions; None for anything else."""
        nid = self._ops().get(name)
        node = self.graph.nodes[nid] if nid is not None and self.in_inputs else None
        if node is None or node.op not in POWER_BEFORE_ARGS or node.named_by_user and node.op == "id":
            return None
        spec = OPS[node.op]
        function = spec.latex if self.target.name_of_target == "latex" else spec.text
        return self.target.power_of_call(function, exponent, written(self.graph, node.operands[0], self.target)[0])

    def _ops(self) -> dict[str, str]:
        return self.graph.memo("op names", lambda: {n.name: n.id for n in self.graph.nodes.values()
                                                     if n.kind == "op"})

    def __hash__(self) -> int:  # Graph is unhashable; expansions are compared by identity
        return id(self)

    def __eq__(self, other: Any) -> bool:
        return self is other
