"""Each node's place along the flow: its depth, the ranks a layout keeps (the operations of one depth
side by side, the inputs' columns, plain ``dot``'s ranks: ``ordered``) and the rows of a folded
layout — a second row coming back under the first (``second_row``) or rows read the same way, each
starting with the earlier rows' nodes it uses drawn again (``continued``)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Mapping, Sequence

from .looks import EdgeLook, Scene, dashed

if TYPE_CHECKING:
    from ..ir.graph import Graph

__all__ = ["depths", "by_depth", "input_columns", "second_row", "turning_nodes", "ordered", "late", "walked",
           "continued", "continue_rows"]


def depths(graph: "Graph") -> dict[str, int]:
    """Each node's depth: 0 for inputs and constants, one more than its deepest operand for an op."""
    depth: dict[str, int] = {}
    for nid, node in graph.nodes.items():  # operands come before their consumers
        depth[nid] = 1 + max((depth[o] for o in node.operands), default=-1)
    return depth


def by_depth(graph: "Graph") -> tuple[tuple[str, ...], ...]:
    """The operations of each depth (the output left out: it ends the picture), where more than
    one: the units of a layer, the terms of a sum, the steps' parallel parts."""
    depth = depths(graph)
    groups: dict[int, list[str]] = {}
    for nid, node in graph.nodes.items():
        if node.kind == "op" and nid != graph.output_id:
            groups.setdefault(depth[nid], []).append(nid)
    return tuple(tuple(members) for _, members in sorted(groups.items()) if len(members) > 1)


def input_columns(graph: "Graph", count: int) -> tuple[tuple[str, ...], ...]:
    """The inputs in ``count`` columns (0: none, each input goes beside its first use): ordered
    by how deep their first use lies, then by first use, and cut into columns of equal length,
    so a long column of parameters wraps into several, each just before where it is used."""
    inputs = [nid for nid, n in graph.nodes.items() if n.kind == "input"]
    if count <= 0 or not inputs:
        return ()
    depth = depths(graph)
    first_use: dict[str, tuple[int, int]] = {}  # input → (depth of its first consumer, that consumer's place)
    for index, (nid, node) in enumerate(graph.nodes.items()):
        for operand in node.operands:
            first_use.setdefault(operand, (depth[nid], index))
    order = sorted(inputs, key=lambda nid: first_use.get(nid, (0, 0)))
    size = -(-len(order) // count)
    return tuple(tuple(order[k:k + size]) for k in range(0, len(order), size))


def second_row(graph: "Graph") -> frozenset[str]:
    """The nodes a folded layout draws in its second row, coming back right to left under the
    first: the operations of the deeper half and every node only they use that is an input, a
    constant or an operation on those alone (``u·x₃``), so none floats far from its use."""
    depth = depths(graph)
    cut = (max(depth.values()) + 1) // 2
    folded = {nid for nid, node in graph.nodes.items() if node.kind == "op" and depth[nid] >= cut}
    consumers = graph.consumers()
    leaves = {nid for nid, node in graph.nodes.items() if node.kind != "op"}
    free = leaves | {nid for nid, node in graph.nodes.items() if all(o in leaves for o in node.operands)}
    for nid in reversed(graph.nodes):  # consumers come after their operands
        if nid in free and consumers.get(nid) and all(c in folded for c, _ in consumers[nid]):
            folded.add(nid)
    return frozenset(folded)


def turning_nodes(sc: Scene) -> set[str]:
    """The nodes of the first row of a folded scene that lie deepest (most edges from the first
    row's sources): where the second row starts, under them."""
    depth: dict[str, int] = {}
    pending = [e for e in sc.edges if e.head not in sc.folded]
    for _ in range(len(sc.nodes)):  # longest paths over the first row's edges (edges are in graph order)
        changed = False
        for e in pending:
            if depth.get(e.tail, 0) + 1 > depth.get(e.head, 0):
                depth[e.head], changed = depth.get(e.tail, 0) + 1, True
        if not changed:
            break
    into = {e.tail for e in sc.edges if e.head in sc.folded and e.tail not in sc.folded}
    deepest = max((depth.get(t, 0) for t in into), default=0)
    return {t for t in into if depth.get(t, 0) == deepest}


def ordered(graph: "Graph", order: Sequence[Sequence[str]], edges: Sequence[EdgeLook], wraps: Sequence[int] = (),
            copies: Mapping[str, str] | None = None
            ) -> tuple[tuple[tuple[str, ...], ...], tuple[frozenset[str], ...], tuple[tuple[str, ...], ...]]:
    """The scene's ranks from the graph's ``order`` (ranks of node ids, each across the flow): each
    constant (or each copy of one) moves into its operation's rank, just before it, and each copy of
    an input (``copies``: copy → input) into the rank before its operation's. At each rank of
    ``wraps`` a new row starts (``_rows``), read the same way as the first: rank ``k`` of every row
    shares rank ``k`` of the first. Returns the ranks, the nodes of each row after the first (copies
    and constants among them) and, per such row, the nodes drawn again at its start (``continued``)."""
    copies = copies or {}
    drawn = {e.tail for e in edges} | {e.head for e in edges}
    kept = [[nid for nid in members if graph.nodes[nid].kind != "const" and nid in drawn] for members in order]
    rank = {nid: k for k, members in enumerate(kept) for nid in members}
    for edge in edges:  # an input's copy: a rank before its one use (an operation on inputs sits past rank 0)
        if edge.tail in copies:
            kept[max(rank[edge.head] - 1, 0)].append(edge.tail)
    kept = [members for members in kept if members]
    rows: list[list[list[str]]] = []
    again: list[tuple[str, ...]] = []
    cuts = sorted({cut for cut in wraps if 0 < cut < len(kept)})
    for number, cut in reversed(list(enumerate(cuts, start=1))):  # the last row first; what is left keeps its ranks
        kept, row, made = _rows(graph, kept, cut, edges, copies, number)
        rows.insert(0, row)
        again.insert(0, made)
    before: dict[str, list[str]] = {}
    for edge in edges:
        if edge.tail not in copies and (edge.tail not in graph.nodes or graph.nodes[edge.tail].kind == "const"):
            before.setdefault(edge.head, []).append(edge.tail)

    def with_constants(ranks: list[list[str]]) -> list[list[str]]:
        return [[m for nid in members for m in (*before.get(nid, ()), nid)] for members in ranks]
    parts = [with_constants(part) for part in (kept, *rows)]
    merged = [[nid for part in parts if k < len(part) for nid in part[k]] for k in range(max(map(len, parts)))]
    return (tuple(tuple(members) for members in merged if members),
            tuple(frozenset(nid for members in part for nid in members) for part in parts[1:]), tuple(again))


def late(graph: "Graph", order: Sequence[Sequence[str]]) -> tuple[tuple[str, ...], ...]:
    """``order``'s ranks with each node moved on along the flow as far as its uses allow (to the rank before its
    first use): a time step's own inputs and their products drawn at that step, not anywhere between the shared
    weights and the step as plain ``dot`` may leave them, so an unrolled network's steps follow one another."""
    rank = {nid: k for k, members in enumerate(order) for nid in members}
    users = graph.consumers()
    for nid in reversed(graph.nodes):  # each node's consumers are placed before it is
        uses = [rank[consumer] for consumer, _ in users[nid] if consumer in rank]
        if nid in rank and uses:
            rank[nid] = max(rank[nid], min(uses) - 1)
    ranks: list[list[str]] = [[] for _ in range(max(rank.values(), default=-1) + 1)]
    for members in order:
        for nid in members:
            ranks[rank[nid]].append(nid)
    return tuple(tuple(members) for members in ranks if members)


def walked(ranks: Sequence[Sequence[str]], edges: Sequence[EdgeLook], copies: Sequence[tuple[str, str]] = ()
           ) -> tuple[tuple[str, ...], ...]:
    """``ranks``, each in the order a depth-first walk from the output back along ``edges`` meets its nodes,
    each node's operands in their order (a term of a sum before the next, the first factor before the second),
    a node drawn again (``copies``: copy, node) leading on to the node: a tree drawn so never crosses its edges,
    and the units of a layer, the terms of a sum, read as written."""
    operands: dict[str, list[str]] = {}
    for edge in edges:
        operands.setdefault(edge.head, []).append(edge.tail)
    for copy, nid in copies:
        operands.setdefault(copy, []).append(nid)
    used = {edge.tail for edge in edges} | {nid for _, nid in copies}
    met: dict[str, int] = {}
    pending = [nid for members in reversed(ranks) for nid in reversed(members) if nid not in used]
    while pending:
        nid = pending.pop()
        if nid not in met:
            met[nid] = len(met)
            pending.extend(reversed(operands.get(nid, [])))
    return tuple(tuple(sorted(members, key=lambda nid: met.get(nid, len(met)))) for members in ranks)


def _rows(graph: "Graph", ranks: list[list[str]], wrap: int, edges: Sequence[EdgeLook], copies: Mapping[str, str],
          number: int = 1) -> tuple[list[list[str]], list[list[str]], tuple[str, ...]]:
    """``ranks`` (constants left out) folded at ``wrap`` into two rows: the first row's ranks and the
    second's, both from 0. An input (or a copy of one), or an operation on inputs alone, that only the
    second row uses moves there, a rank before its first use; any other node of the first row that the
    second uses is drawn again there (``continued``), a rank before its first use there, so no edge
    runs from one row into the other. The second row (row ``number`` of the figure, 0 the first) grows
    at its start as far as these need. Also returns the nodes drawn again."""
    rank = {nid: k for k, members in enumerate(ranks) for nid in members}
    consumers: dict[str, list[str]] = {}
    operands: dict[str, list[str]] = {}
    for edge in edges:
        if edge.tail in rank and edge.head in rank:
            consumers.setdefault(edge.tail, []).append(edge.head)
            operands.setdefault(edge.head, []).append(edge.tail)
    leaves = {nid for nid in rank if graph.nodes[copies.get(nid, nid)].kind != "op"}
    kept = [nid for members in ranks for nid in members]  # in their order: each rank's siblings keep theirs
    index = {nid: k for k, nid in enumerate(graph.nodes)}
    in_order = sorted(kept, key=lambda nid: (index[copies.get(nid, nid)], nid))  # the graph's: operands first
    moved = {nid for nid, k in rank.items() if k >= wrap}  # the second row's nodes
    if not moved:  # nothing from ``wrap`` on: no second row
        return ranks, [], ()
    for nid in reversed(in_order):
        uses = consumers.get(nid, [])
        free = nid in leaves or all(o in leaves for o in operands.get(nid, []))
        if free and nid not in moved and uses and all(c in moved for c in uses):
            rank[nid] = min(rank[c] for c in uses) - 1  # may fall before the second row's start
            moved.add(nid)
    again = tuple(nid for nid in in_order if nid not in moved and any(c in moved for c in consumers.get(nid, [])))
    at = {nid: rank[nid] - wrap for nid in moved}
    at |= {continued(nid, number): min(rank[c] for c in consumers[nid] if c in moved) - wrap - 1 for nid in again}
    start = min(at.values())
    second: list[list[str]] = [[] for _ in range(max(at.values()) - start + 1)]
    for nid in [*(n for n in kept if n in moved), *(continued(n, number) for n in again)]:
        second[at[nid] - start].append(nid)
    first: list[list[str]] = [[] for _ in range(wrap)]
    for nid in kept:
        if nid not in moved:
            first[rank[nid]].append(nid)
    return first, second, again


def continued(nid: str, row: int) -> str:
    """The id of a node drawn again at the start of row ``row`` (1: the second, as in ``Scene.rows``) of a
    folded layout."""
    return f"{nid}.row{row}"


def continue_rows(sc: Scene, later: Sequence[frozenset[str]], again: Sequence[Sequence[str]]) -> Scene:
    """``sc`` with each node of ``again[k]`` drawn again, dashed, at the start of row ``k + 1`` (the
    first is 0; ``continued``): the edges from it into that row (``later[k]``) start at that copy."""
    if not any(again):
        return sc
    looks = {look.id: look for look in sc.nodes}
    nodes, edges, made = list(sc.nodes), list(sc.edges), []
    for row, (members, drawn) in enumerate(zip(later, again), start=1):
        for nid in drawn:
            nodes.append(dashed(replace(looks[nid], id=continued(nid, row))))
            made.append((continued(nid, row), nid))
        edges = [replace(e, tail=continued(e.tail, row)) if e.tail in drawn and e.head in members else e for e in edges]
    return replace(sc, nodes=tuple(nodes), edges=tuple(edges), copies=sc.copies + tuple(made))
