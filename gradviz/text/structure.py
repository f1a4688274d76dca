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

__all__ = ["written", "typed", "definition", "right_side", "equation", "operand_piece", "Expansion", "lead_kind",
           "WRITTEN_LIMIT", "POWER_BEFORE_ARGS"]

POWER_BEFORE_ARGS = frozenset(key for key, spec in OPS.items() if spec.power_before_args)  # tanh²(z), not tanh(z)²
WRITTEN_LIMIT = 4000  # characters of a subexpression written out in the inputs (then "…")


def operand_piece(graph: "Graph", nid: str, target: Target = UNICODE, alone: bool = False) -> Piece:
    """A node as an operand: its name, or a constant's number (negative ones bind as unary minus); ``alone``: a
    constant as a label by itself (``1/2``, where an operand reads ``(1/2)``)."""
    node = graph.nodes[nid]
    if node.kind == "const" and node.value is not None:
        return target.constant(node.value, "/" in node.name, alone)
    return target.name(node.name), Level.ATOM


def _call_args(node: "Node", args: list[str], target: Target) -> list[str]:
    """The operands' texts followed by the parameters that differ from their defaults."""
    spec = OPS[node.op]
    defaults = tuple(p.default for p in spec.params)
    if node.params and node.params != defaults and not spec.variadic:
        args = args + [target.number(p) for p in node.params]
    return args


def apply(graph: "Graph", nid: str, pieces: list[Piece], target: Target, juxtaposed: bool,
          names_kept: bool = True) -> Piece:
    """Node ``nid``'s operation over its operands' pieces, as its spec's ``notation`` writes it;
    ``juxtaposed`` writes products as the slide does (``θ1θ2x``) instead of with an operator (``θ1·θ2``);
    ``names_kept``: the operands the user named are written by their names (else written out: ``a exp(x)``)."""
    node = graph.nodes[nid]
    return _NOTATION[OPS[node.op].notation](graph, node, pieces, target, juxtaposed, names_kept)


def _sum(graph: "Graph", node: "Node", pieces: list[Piece], target: Target, juxtaposed: bool,
         names_kept: bool) -> Piece:
    left, right = pieces
    symbol = target.function(OPS[node.op])
    return target.infix(target.wrap(left, Level.SUM), symbol, target.wrap(right, Level.QUOTIENT), True), Level.SUM


def _product(graph: "Graph", node: "Node", pieces: list[Piece], target: Target, juxtaposed: bool,
         names_kept: bool) -> Piece:
    left, right = pieces
    if not juxtaposed:
        return (target.infix(target.wrap(left, Level.QUOTIENT), target.times, target.wrap(right, Level.PRODUCT), False),
                Level.QUOTIENT)
    left_text = left[0] if left[1] in (Level.UNARY, Level.PRODUCT, Level.POWER, Level.ATOM) else target.paren(left[0])
    right_text = target.wrap(right, Level.PRODUCT)
    kinds = [(left_text, "other"), (right_text, lead_kind(graph, node.operands[1], names_kept)
                                    if right[1] >= Level.PRODUCT else "other")]
    if tail_kind(graph, node.operands[0], names_kept) == "word" and left_text == left[0]:
        kinds[0] = (left_text, "word")
    text = target.juxtapose(kinds)
    return text, (Level.UNARY if left[1] == Level.UNARY else Level.PRODUCT)


def _power(graph: "Graph", node: "Node", pieces: list[Piece], target: Target, juxtaposed: bool,
         names_kept: bool) -> Piece:
    """x² (the exponent a parameter) or x^y (the exponent the second operand)."""
    return target.power(pieces[0], node.params[0] if node.params else pieces[1])


def _call(graph: "Graph", node: "Node", pieces: list[Piece], target: Target, juxtaposed: bool,
         names_kept: bool) -> Piece:
    return target.call(target.function(OPS[node.op]), _call_args(node, [p[0] for p in pieces], target))


def _indexed(graph: "Graph", node: "Node", pieces: list[Piece], target: Target, juxtaposed: bool,
         names_kept: bool) -> Piece:
    """The k-th element, k from 1: softmax₂(z1, z2, z3)."""
    function = target.subscripted(target.function(OPS[node.op]), str(int(node.params[0]) + 1))
    return target.call(function, [p[0] for p in pieces])


_NOTATION = {
    "sum": _sum, "product": _product, "power": _power, "call": _call, "indexed": _indexed,
    "fraction": lambda graph, node, pieces, target, juxtaposed, names_kept: target.fraction(*pieces),
    "prefix": lambda graph, node, pieces, target, juxtaposed, names_kept: target.negate(pieces[0]),
    "identity": lambda graph, node, pieces, target, juxtaposed, names_kept: pieces[0],
    "root": lambda graph, node, pieces, target, juxtaposed, names_kept: target.root(pieces[0]),
    "bars": lambda graph, node, pieces, target, juxtaposed, names_kept: target.bars(pieces[0]),
}


_LEADS = frozenset({"product", "power", "fraction", "identity"})  # written starting with their first operand


def lead_kind(graph: "Graph", nid: str, names_kept: bool = True) -> str:
    """What a node's written form starts with, for juxtaposition: ``number``, ``call``, ``word``
    (a name of several letters) or ``other``; ``names_kept``: a node the user named is written by its name."""
    node = graph.nodes[nid]
    while node.kind == "op" and OPS[node.op].notation in _LEADS and not (names_kept and node.named_by_user):
        node = graph.nodes[node.operands[0]]
    return _kind(node, names_kept)


def tail_kind(graph: "Graph", nid: str, names_kept: bool = True) -> str:
    """What a node's written form ends with (the factor a following one is juxtaposed to)."""
    node = graph.nodes[nid]
    while node.kind == "op" and OPS[node.op].notation == "product" and not (names_kept and node.named_by_user):
        node = graph.nodes[node.operands[1]]
    return _kind(node, names_kept)


def _kind(node: "Node", names_kept: bool) -> str:
    if node.kind == "const":
        return "number" if node.value is not None else "other"
    if node.kind == "op" and not (names_kept and node.named_by_user):
        return "call" if spaced_op(node.op) else "other"
    letters = [ch for ch in node.name if ch.isalpha()]
    return "word" if len(letters) > 1 and "_" not in node.name else "other"


def spaced_op(op: str) -> bool:
    """Whether the op is a call of a function named by a word (``exp``, ``ReLU``; not ``σ``): a product sets it apart
    by a space (``a exp(x)``)."""
    return OPS[op].notation == "call" and len(OPS[op].text) > 1


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
    return _written_out(graph, nid, target, False)


def typed(graph: "Graph", nid: str, target: Target = UNICODE) -> Piece:
    """A node's subexpression as the user typed it: in the inputs and the names the program gave
    (``−y log(p) − (1 − y) log(1 − p)`` for ``p = σ(…); L = −y log(p) − …``), never in names
    gradviz made up."""
    return _written_out(graph, nid, target, True)


def _written_out(graph: "Graph", nid: str, target: Target, by_user_names: bool) -> Piece:
    """``written`` (``by_user_names``: ``typed``), each node written once, operands first."""
    memo: dict[str, Piece] = graph.memo(f"{'typed' if by_user_names else 'written'}/{target.name_of_target}", dict)

    def by_name(operand: str) -> bool:
        return by_user_names and graph.nodes[operand].named_by_user

    if nid in memo:
        return memo[nid]
    pending = [nid]
    order: list[str] = []
    seen = {nid}
    while pending:  # the ancestors not written yet, operands before their users
        current = pending.pop()
        order.append(current)
        for operand in graph.nodes[current].operands:
            if operand not in seen and operand not in memo and not by_name(operand):
                seen.add(operand)
                pending.append(operand)
    for current in sorted(order, key=_index(graph)):
        node = graph.nodes[current]
        if node.kind != "op":
            piece = operand_piece(graph, current, target)
        else:
            piece = apply(graph, current, [operand_piece(graph, o, target) if by_name(o) else memo[o]
                                           for o in node.operands], target, True, by_user_names)
        if len(piece[0]) > WRITTEN_LIMIT:
            cut = piece[0][:WRITTEN_LIMIT] + "…"
            same = [memo[o][0] for o in node.operands if o in memo and memo[o][0] == cut]
            piece = (same[0] if same else cut, Level.ATOM)  # one string for a chain's nodes: memory stays small
        memo[current] = piece
    return memo[nid]


def _index(graph: "Graph"):
    return graph.positions().__getitem__


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

    def spaced(self, name: str) -> bool:
        """Whether the intermediate called ``name`` is written out as a call of a function named by a word
        (``exp(ax)``: a product sets it apart, ``a exp(ax)``, as it does a call in the formula)."""
        nid = self._ops().get(name)
        return nid is not None and self.in_inputs and spaced_op(self.graph.nodes[nid].op)

    def power(self, name: str, exponent: Fraction) -> str | None:
        """``tanh²(z)`` for an intermediate ``h = tanh(z)`` raised to ``exponent``, as textbooks write
        powers of the trigonometric and hyperbolic functions; None for anything else."""
        nid = self._ops().get(name)
        node = self.graph.nodes[nid] if nid is not None and self.in_inputs else None
        if node is None or node.op not in POWER_BEFORE_ARGS:
            return None
        function = self.target.function(OPS[node.op])
        return self.target.power_of_call(function, exponent, written(self.graph, node.operands[0], self.target)[0])

    def _ops(self) -> dict[str, str]:
        return self.graph.memo("op names", lambda: {n.name: n.id for n in self.graph.nodes.values()
                                                     if n.kind == "op"})

    def __hash__(self) -> int:  # Graph is unhashable; expansions are compared by identity
        return id(self)

    def __eq__(self, other: Any) -> bool:
        return self is other
