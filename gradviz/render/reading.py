"""Reading order: repeated structure drawn in the order of its indices.

Names that differ only in their indices (``x1 x2 x3``, ``z¹₁ z¹₂``, ``h1 h2``) name repeated
structure: the terms of a softmax, the units of a layer, the steps of a recurrent net. Two such
nodes of which neither depends on the other should read in index order along the figure's flow:
the one met first going with the arrows (left to right, or top to bottom) has the lower index,
and two in the same rank are ordered across it (top to bottom when the figure runs left to right,
left to right when it runs top to bottom). Two-digit indices name a matrix's entries (``w21``: row 2,
column 1), which read in order row by row or column by column: each group of siblings is judged in
whichever of the two puts more of its pairs in order. A folded layout reads its first row before its second,
which runs the same way as the first or, turned, back.
``out_of_order`` counts the pairs that do not; the layout search mirrors a layout across its flow
when that puts more pairs in order, or as many and more of them the right way across the flow
(``across_inversions``); a mirror crosses no edge more. The states of an unrolled recurrence
(``h1 → h2 → h3``, each needing the one before: ``recurrence``) mark its steps, and a folded layout
reads a step in one row (``step_operations``, ``steps_split``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Collection, Mapping, Sequence

import networkx as nx

if TYPE_CHECKING:
    from ..ir.graph import Graph

__all__ = ["Siblings", "sibling_groups", "recurrence", "step_operations", "steps_split", "out_of_order",
           "across_inversions", "rows_reversed", "RANK_TOLERANCE"]

RANK_TOLERANCE = 4.0  # points: two node centres this close along the flow sit in one rank
_SUBSCRIPTS, _SUPERSCRIPTS = "₀₁₂₃₄₅₆₇₈₉", "⁰¹²³⁴⁵⁶⁷⁸⁹"
_DIGITS = str.maketrans(_SUBSCRIPTS + _SUPERSCRIPTS, "0123456789" * 2)
_INDEXED = re.compile(f"([^\\W\\d_]+?)([0-9{_SUBSCRIPTS}{_SUPERSCRIPTS}]+)")


@dataclass(frozen=True)
class Siblings:
    """Nodes named alike but for their indices, in one role (``sibling_groups``): their pairs (lower,
    higher) in index order, and those of them that swap when a matrix's entries read column by column."""

    pairs: tuple[tuple[str, str], ...]
    swapped: frozenset[tuple[str, str]] = frozenset()

    def read(self, transposed: bool) -> list[tuple[str, str]]:
        """The pairs (first, second) in the order rows (or, ``transposed``, columns) read."""
        return [(b, a) if transposed and (a, b) in self.swapped else (a, b) for a, b in self.pairs]


def _index(name: str) -> tuple[str, tuple[int, ...]] | None:
    """``(base and index shape, index numbers)`` of an indexed name (``w¹₂₁`` → ``w ¹₁₁``, (1, 2, 1)):
    superscript and subscript digits are separate indices (a layer, a unit), ASCII digits one number."""
    match = _INDEXED.fullmatch(name)
    if match is None:
        return None
    digits = match.group(2)
    if digits.isascii():
        numbers, shape = (int(digits),), "1"
    else:
        numbers = tuple(int(c.translate(_DIGITS)) for c in digits)
        shape = "".join("¹" if c in _SUPERSCRIPTS else "₁" for c in digits)
    return match.group(1) + " " + shape, numbers


def _transposed(name: str) -> tuple[int, ...]:
    """An indexed name's digits with the last two swapped (a matrix entry read column first)."""
    digits = [int(c.translate(_DIGITS)) for c in _INDEXED.fullmatch(name).group(2)]  # type: ignore[union-attr]
    return tuple(digits[:-2] + digits[-1:] + digits[-2:-1])


def sibling_groups(graph: "Graph") -> list[Siblings]:
    """Groups of nodes whose names differ only in their indices and that play one role (the same
    operation; inputs: fed into the same operations, so a bias ``w0`` is no sibling of the weight
    ``w1``), each with its pairs (lower, higher) of which neither depends on the other; the user's
    names only (not the numbered temporaries ``t₁ t₂``). Where every name of a group has an index
    of two or more digits, of one length, the pairs that a column-first reading swaps are marked."""
    groups: dict[tuple, list[tuple[tuple[int, ...], str]]] = {}
    consumers = graph.consumers()
    for nid, node in graph.nodes.items():
        index = _index(node.name) if node.kind == "input" or node.named_by_user else None
        if index is not None:  # one role: the same operation, or inputs fed into the same operations
            role = node.op if node.kind == "op" else tuple(sorted({graph.nodes[c].op or "" for c, _ in
                                                                   consumers.get(nid, ())}))
            groups.setdefault((index[0], role), []).append((index[1], nid))
    if not any(len(members) > 1 for members in groups.values()):
        return []
    reach = nx.transitive_closure_dag(nx.DiGraph(graph.nx))
    out = []
    for members in groups.values():
        members.sort()
        pairs = [(a, b) for k, (low, a) in enumerate(members) for high, b in members[k + 1:]
                 if low != high and not reach.has_edge(a, b) and not reach.has_edge(b, a)]
        lengths = {len(_INDEXED.fullmatch(graph.nodes[nid].name).group(2)) for _, nid in members}  # type: ignore
        column = {nid: _transposed(graph.nodes[nid].name) for _, nid in members} if min(lengths) > 1 and \
            len(lengths) == 1 else {}
        swapped = frozenset((a, b) for a, b in pairs if column and column[b] < column[a])
        if pairs:
            out.append(Siblings(tuple(pairs), swapped))
    return out


def recurrence(graph: "Graph") -> tuple[str, ...]:
    """The longest chain of the user's operations named alike but for their indices, one operation, each in
    index order depending on the one before (an unrolled network's states ``h1 → h2 → h3``): the steps a
    folded layout keeps whole, each row starting after one of them. Empty where there is none."""
    groups: dict[tuple, list[tuple[tuple[int, ...], str]]] = {}
    for nid, node in graph.nodes.items():
        index = _index(node.name) if node.kind == "op" and node.named_by_user else None
        if index is not None:
            groups.setdefault((index[0], node.op), []).append((index[1], nid))
    chains = [tuple(nid for _, nid in sorted(members)) for members in groups.values() if len(members) > 1]
    chains = [chain for chain in chains if all(nx.has_path(graph.nx, a, b) for a, b in zip(chain, chain[1:]))]
    return max(chains, key=len, default=())


def step_operations(graph: "Graph", states: Sequence[str]) -> list[frozenset[str]]:
    """The operations of each step of a recurrence (``recurrence``): those its state needs that the state
    before it does not."""
    done: set[str] = set()
    out = []
    for state in states:
        needed = nx.ancestors(graph.nx, state) | {state}
        out.append(frozenset(nid for nid in needed - done if graph.nodes[nid].kind == "op"))
        done |= needed
    return out


def steps_split(steps: Sequence[Collection[str]], rows: Mapping[str, int]) -> int:
    """How many of the steps (``step_operations``) a folded layout's rows (node → row, absent: the first) cut
    in two: a step a student reads in one piece."""
    return sum(len({rows.get(nid, 0) for nid in step}) > 1 for step in steps)


def out_of_order(siblings: Sequence[Siblings], centres: Mapping[str, tuple[float, float]], rankdir: str,
                 folded: Collection[str] | Mapping[str, int] = (), turned: bool = False) -> list[tuple[str, str]]:
    """The pairs whose second reads before the first, each group read by rows or by columns,
    whichever puts more of it in order; ``centres``: node centres in points with y growing upwards
    (Graphviz's layout); ``folded``: the nodes of a folded layout's second row, read after the first
    (``turned``: running back), or each node's row (0: the first)."""
    def wrong(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(a, b) for a, b in pairs if a in centres and b in centres and _key(
            centres[b], rankdir, _row(b, folded), turned) < _key(centres[a], rankdir, _row(a, folded), turned)]
    return [pair for group in siblings for pair in min(
        (wrong(group.read(transposed)) for transposed in (False, True)[:1 + bool(group.swapped)]), key=len)]


def across_inversions(siblings: Sequence[Siblings], centres: Mapping[str, tuple[float, float]],
                      rankdir: str) -> int:
    """How many pairs lie the wrong way across the flow, wherever they sit along it (a staircase
    of units, the first at the bottom), each group read by rows or by columns: what decides a mirror
    when reading order ties."""
    def wrong(pairs: list[tuple[str, str]]) -> int:
        return sum(a in centres and b in centres and _key(centres[b], rankdir, False, False)[2]
                   < _key(centres[a], rankdir, False, False)[2] for a, b in pairs)
    return sum(min(wrong(group.read(transposed)) for transposed in (False, True)[:1 + bool(group.swapped)])
               for group in siblings)


def rows_reversed(centres: Mapping[str, tuple[float, float]], rankdir: str,
                  folded: Collection[str] | Mapping[str, int]) -> int:
    """How many rows of a folded layout (``folded``: the second row's nodes, or each node's row) lie
    before the row they follow across the flow (above it when the figure runs left to right, left of
    it when top to bottom)."""
    rows: dict[int, list[float]] = {}
    for nid, c in centres.items():
        rows.setdefault(_row(nid, folded), []).append(_key(c, rankdir, 0, False)[2])
    means = [sum(v) / len(v) for _, v in sorted(rows.items())]
    return sum(later < earlier for earlier, later in zip(means, means[1:])) if len(rows) > 1 and 0 in rows else 0


def _row(nid: str, folded: Collection[str] | Mapping[str, int]) -> int:
    return folded.get(nid, 0) if isinstance(folded, Mapping) else int(nid in folded)


def _key(centre: tuple[float, float], rankdir: str, row: int, turned: bool) -> tuple[int, float, float]:
    """Where a node comes in reading order: its row, its place along the flow (in steps of
    ``RANK_TOLERANCE``), its place across the flow."""
    x, y = centre
    along, across = (x, -y) if rankdir in ("LR", "RL") else (-y, x)
    if rankdir in ("RL", "BT"):
        along = -along
    if row and turned:
        along = -along
    return (row, round(along / RANK_TOLERANCE), across)
