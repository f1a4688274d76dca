"""A graph back to formula text that parses to an equal graph; iterative, linear in the output.

Nodes the program named become statements ``name = …`` in order; every other op node has
one consumer and is written inline with the fewest parentheses the precedences allow.
Graphs are expected in parse order (operands created before their users, inputs at first
use), which is what ``parse`` and the builders that follow the text produce.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Union

from ..errors import GradvizError
from ..ir.graph import Graph, Node
from ..ir.numbers import format_number
from ..ir.ops import OPS, Precedence
from . import names

__all__ = ["to_text"]

_UNARY, _POWER, ATOM = Precedence.UNARY, Precedence.POWER, Precedence.ATOM
#: The notations written between their operands, with the spec's ASCII symbol so the text parses back.
_INFIX = frozenset({"sum", "product", "fraction"})
_Item = Union[str, tuple[str, bool]]  # text, or (node id, expand it)


def to_text(graph: Graph) -> str:
    """Formula text for ``graph``: named statements, then the output."""
    users = graph.consumers()
    output = graph.output_id
    inline = {nid for nid, node in graph.nodes.items()
              if node.kind == "op" and not node.named_by_user and nid != output and len(users[nid]) == 1}
    writer = _Writer(graph, inline)
    lines: list[str] = []
    last = ""
    for nid, node in graph.nodes.items():
        if node.kind == "op" and nid not in inline and (nid != output or node.named_by_user):
            lines.append(f"{writer.name(node)} = {writer.statement(nid, named=True)}")
            last = nid
    if not graph.nodes[output].named_by_user:
        lines.append(writer.statement(output, named=False))
    elif last != output:
        lines.append(writer.name(graph.nodes[output]))
    return "\n".join(lines)


class _Writer:
    def __init__(self, graph: Graph, inline: set[str]):
        self.nodes = graph.nodes
        self.inline = inline
        self.order = {nid: k for k, nid in enumerate(graph.nodes)}

    def statement(self, nid: str, named: bool) -> str:
        """The right-hand side for ``nid`` (or the bare output expression)."""
        node = self.nodes[nid]
        if OPS[node.op].notation == "identity":  # `a = x` and a bare `x` already mean id(x)
            operand = self.nodes[node.operands[0]]
            if operand.kind != "op" or (named and operand.id not in self.inline):
                return self._write((operand.id, False))
        return self._write((nid, True))

    def name(self, node: Node) -> str:
        """A statement's target, checked to read back as itself (``z^(L)`` is written ``z^{(L)}``)."""
        try:
            plain = names.assignable_name(node.name) == node.name and "^" not in node.name  # loss = …
        except names.SplitError:
            plain = False
        if not plain and not names.spells_input(node.name):
            raise GradvizError(f"cannot write {node.name!r} as a name in formula text")
        return node.name if plain else names.spelling(node.name)

    def _write(self, root: tuple[str, bool]) -> str:
        parts: list[str] = []
        stack: list[_Item] = [root]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                parts.append(item)
                continue
            nid, expand = item
            node = self.nodes[nid]
            if expand:
                stack.extend(reversed(self._pieces(node)))
            else:
                parts.append(self._reference(node))
        return "".join(parts)

    def _reference(self, node: Node) -> str:
        if node.kind == "const":
            if node.value is None:
                return node.name
            return f"({node.name})" if "/" in node.name else _number(node.value)  # (1/2) reads back as ½
        if node.kind == "input":
            if not names.spells_input(node.name):
                raise GradvizError(f"cannot write the input {node.name!r} in formula text")
            return names.spelling(node.name)
        return self.name(node)

    def _prec(self, nid: str) -> int:
        node = self.nodes[nid]
        if node.kind == "const":
            return _UNARY if node.value is not None and node.value < 0 else ATOM
        return OPS[node.op].precedence if nid in self.inline else ATOM

    def _child(self, nid: str, wrap: bool) -> list[_Item]:
        item = (nid, nid in self.inline)
        return ["(", item, ")"] if wrap else [item]

    def _pieces(self, node: Node) -> list[_Item]:
        """The node's text as its spec's notation writes it."""
        spec, args = OPS[node.op or ""], node.operands
        if spec.notation in _INFIX:
            symbol, prec = f" {spec.symbols[0]} ", spec.precedence
            left, right = self._prec(args[0]), self._prec(args[1])
            return [*self._child(args[0], left < prec), symbol,
                    *self._child(args[1], right <= prec or right == _UNARY)]
        if spec.notation == "prefix":
            self._not_a_number(args[0], "negate")
            return [spec.symbols[0], *self._child(args[0], self._prec(args[0]) <= _UNARY)]
        if spec.notation == "power":
            base = self.nodes[args[0]]
            pieces = [*self._child(args[0], self._prec(args[0]) < ATOM or base.name == "e" and base.kind == "const"
                                   or "^" in base.name), "^"]  # (a^{(L)})^2
            if node.params:  # a constant exponent
                exponent = _number(node.params[0], fraction=True)
                return pieces + [f"({exponent})" if node.params[0] < 0 and "/" not in exponent else exponent]
            self._not_a_number(args[1], "raise to")
            exponent = self._child(args[1], self._prec(args[1]) < _POWER)
            power = self.nodes[args[1]]
            if power.op is not None and OPS[power.op].notation == "sum" and args[1] in self.inline:
                exponent = ["{", *exponent[1:-1], "}"]  # x^{n - 1}: x^(n-1) reads two ways
            elif "_" in self._leftmost(args[1]).name:  # x^{y_n}, x^{y_n^z}: x^y_n reads two ways
                exponent = ["{", *exponent, "}"]
            return pieces + exponent
        if spec.notation == "indexed":  # the k-th element, as parse reads it: softmax_2(z1, z2, z3)
            return [f"{spec.text}_{int(node.params[0]) + 1}(", *self._arguments(args), ")"]
        if not spec.names:
            raise GradvizError(f"cannot write the op {spec.key!r} in formula text")
        if spec.folds:
            args = self._folded(node)
        pieces: list[_Item] = [spec.names[0], "(", *self._arguments(args)]
        defaults = tuple(p.default for p in spec.params)
        if node.params != defaults:
            pieces += [f", {_number(p)}" for p in node.params]
        return pieces + [")"]

    def _leftmost(self, nid: str) -> Node:
        """The node written first in a power chain written inline (``w_i`` in ``w_i^x``)."""
        while nid in self.inline and self.nodes[nid].op in ("pow", "powc"):
            nid = self.nodes[nid].operands[0]
        return self.nodes[nid]

    def _arguments(self, args: list[str]) -> list[_Item]:
        """A call's arguments separated by commas."""
        pieces: list[_Item] = []
        for k, arg in enumerate(args):
            pieces += [", "] * (k > 0) + self._child(arg, False)
        return pieces

    def _folded(self, node: Node) -> list[str]:
        """The arguments of ``max(a, b, c)``: it parses as max(max(a, b), c) with both maxes
        made one after the other, once every argument exists; ``max(max(a, b), c)`` does not."""
        args = [node.operands[1]]
        while True:
            left = node.operands[0]
            inner = self.nodes[left]
            if left in self.inline and inner.op == node.op and self.order[left] == self.order[node.id] - 1:
                args.append(inner.operands[1])
                node = inner
            else:
                args.append(left)
                return args[::-1]

    def _not_a_number(self, nid: str, verb: str) -> None:
        node = self.nodes[nid]
        if node.kind == "const" and node.value is not None:
            raise GradvizError(f"cannot {verb} the number {node.name} in formula text: "
                               "the parser reads such a literal as a single constant")


def _number(value: Fraction, fraction: bool = False) -> str:
    """A number as the parser reads it back; one without a decimal as ``(1/3)`` where ``fraction`` allows it."""
    text = format_number(value)
    if "/" in text:
        if fraction:
            return f"({text})"
        raise GradvizError(f"cannot write the constant {text} as a decimal number")
    return text
