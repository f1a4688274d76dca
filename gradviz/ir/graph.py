"""The IR: a computational graph of primitive operations, as plain data.

Nodes are ids ``n0, n1, …`` in parse order (which is a topological order). Every node has
``kind`` (``input``, ``const`` or ``op``) and a display ``name``; op nodes have ``op`` (a key of
``ops.OPS``), ``params`` and ``operands`` (node ids in operand order). ``Graph.nx`` is the same
graph as a ``networkx.MultiDiGraph`` whose edges carry the operand position.

Views that other layers derive from a graph (the compiled plan, the sympy views) are memoised
with ``Graph.memo``, so the IR itself imports nothing above it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Collection,
    Mapping,
    Sequence,
    TypeVar,
)

from ..errors import GradvizError, name_list
from .naming import intermediate_names
from .numbers import format_number
from .ops import OPS

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Node", "Graph", "GraphBuilder", "CONSTANT_SYMBOLS", "OUTPUT_NAME"]

OUTPUT_NAME = "L"
CONSTANT_SYMBOLS = ("e", "π")  # named constants a const node may stand for
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Node:
    """One node of the graph, as plain data."""

    id: str
    kind: str  # "input" | "const" | "op"
    name: str  # input name, intermediate name, or the constant as written
    op: str | None = None
    params: tuple = ()
    operands: tuple[str, ...] = ()
    value: Fraction | None = None  # for constants (None for e and π)
    named_by_user: bool = field(default=False, compare=False)  # the program assigned its name


@dataclass(eq=False)
class Graph:
    """A parsed formula: nodes in topological order, its inputs and its output."""

    nodes: dict[str, Node]
    output_id: str
    source: str = ""
    groups: dict[str, str] = field(default_factory=dict)  # node id → layer label (networks)

    def __post_init__(self) -> None:
        self._by_name = {n.name: n.id for n in self.nodes.values() if n.kind != "const"}
        self._inputs = tuple(n.name for n in self.nodes.values() if n.kind == "input")
        self._memo: dict[str, Any] | None = None  # the views, found on first use (``memo``)

    @property
    def inputs(self) -> tuple[str, ...]:
        """Canonical input names in first-use order."""
        return self._inputs

    @property
    def output(self) -> str:
        """The output's name (``L`` unless the program named it)."""
        return self.nodes[self.output_id].name

    @property
    def order(self) -> list[str]:
        """Node ids in topological (parse) order."""
        return list(self.nodes)

    def positions(self) -> dict[str, int]:
        """Each node id's place in ``order``."""
        return self.memo("positions", lambda: {nid: k for k, nid in enumerate(self.nodes)})

    def node(self, name_or_id: str) -> Node:
        """The node with this id or display name."""
        if name_or_id in self.nodes:
            return self.nodes[name_or_id]
        if name_or_id in self._by_name:
            return self.nodes[self._by_name[name_or_id]]
        raise GradvizError(f"no node named {name_or_id!r}; nodes are: {name_list(self._by_name)}")

    def memo(self, key: str, make: Callable[[], T]) -> T:
        """A view derived from this graph by another layer, made once (``plan``, ``symbolic``, …) and
        shared by every graph of the same structure (a formula parsed again: ``shared_views``)."""
        if self._memo is None:
            self._memo = shared_views(self)
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    @property
    def nx(self) -> "nx.MultiDiGraph":
        """The graph as a ``networkx.MultiDiGraph`` (made on first use): node attributes ``kind``,
        ``name``, ``op``; one edge per operand position, keyed and attributed by ``pos``."""
        def make() -> "nx.MultiDiGraph":
            import networkx as nx

            g = nx.MultiDiGraph()
            g.add_nodes_from((n.id, {"kind": n.kind, "name": n.name, "op": n.op}) for n in self.nodes.values())
            g.add_edges_from((operand, n.id, pos, {"pos": pos})
                             for n in self.nodes.values() for pos, operand in enumerate(n.operands))
            return g
        return self.memo("nx", make)

    def consumers(self) -> dict[str, list[tuple[str, int]]]:
        """For each node, the (consumer id, operand position) pairs that use it, in order."""
        def make() -> dict[str, list[tuple[str, int]]]:
            users: dict[str, list[tuple[str, int]]] = {nid: [] for nid in self.nodes}
            for node in self.nodes.values():
                for pos, operand in enumerate(node.operands):
                    users[operand].append((node.id, pos))
            return users
        return self.memo("consumers", make)

    def depends_on_inputs(self) -> frozenset[str]:
        """Ids of the nodes whose value depends on some input (the rest are constant).

        One pass in topological order: on a 100,000-node sum this takes 30 ms, where building
        ``nx`` to ask ``networkx.descendants`` takes about 1 s."""
        def make() -> frozenset[str]:
            depends: set[str] = set()
            for node in self.nodes.values():
                if node.kind == "input" or any(o in depends for o in node.operands):
                    depends.add(node.id)
            return frozenset(depends)
        return self.memo("depends", make)

    def depth(self, skip: Collection[str] = ()) -> int:
        """The number of operations on the longest path to the output (ops in ``skip`` not counted)."""
        levels: dict[str, int] = {}
        for node in self.nodes.values():
            below = max((levels[o] for o in node.operands), default=0)
            levels[node.id] = below + (node.kind == "op" and node.op not in skip)
        return levels[self.output_id]

    def __len__(self) -> int:
        return len(self.nodes)

    def __repr__(self) -> str:
        return f"<gradviz.Graph {self.output} of {', '.join(self.inputs)}: {len(self.nodes)} nodes>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Graph) and self.nodes == other.nodes and self.output_id == other.output_id

    __hash__ = None  # type: ignore[assignment]


class GraphBuilder:
    """Builds a ``Graph`` node by node; names intermediates when finished.

    The parser calls ``input``, ``constant`` and ``apply`` in parse order, ``name`` for
    assignments, and ``finish`` with the output node.
    """

    def __init__(self, source: str = ""):
        self.source = source
        self._nodes: dict[str, dict] = {}
        self._inputs: dict[str, str] = {}

    def _add(self, **fields) -> str:
        nid = f"n{len(self._nodes)}"
        self._nodes[nid] = dict(id=nid, **fields)
        return nid

    def input(self, name: str) -> str:
        """The node of input ``name`` (one node per name)."""
        if name not in self._inputs:
            self._inputs[name] = self._add(kind="input", name=name)
        return self._inputs[name]

    def constant(self, value: Fraction | str, fraction: bool = False) -> str:
        """A constant node: a number, or one of ``CONSTANT_SYMBOLS``; a number written as a fraction
        (``½``, ``1/2``, ``\\frac{1}{2}``: ``fraction``) keeps that form as its name (``1/2``, not ``0.5``)."""
        if isinstance(value, str):
            return self._add(kind="const", name=value, value=None)
        value = Fraction(value)
        name = f"{value.numerator}/{value.denominator}" if fraction and value.denominator != 1 else format_number(value)
        return self._add(kind="const", name=name, value=value)

    def apply(self, op: str, operands: Sequence[str], params: tuple = ()) -> str:
        """An op node over existing nodes. Numbers the text has just written fold into one constant: a number
        under ``neg``, a number over a number (``1/2``, ``\\frac{1}{3}``: a fraction, unless a decimal was typed);
        a power by such a number is ``powc`` (``x^{1/2}``)."""
        spec = OPS.get(op)
        if spec is None:
            raise GradvizError(f"unknown op {op!r}; ops are: {name_list(OPS)}")
        if spec.arity is not None and len(operands) != spec.arity:
            raise GradvizError(f"{op} takes {spec.arity} operand{'s' * (spec.arity != 1)}, got {len(operands)}")
        if op == "neg" and self._literals(operands):
            value, name = self._take(operands[0])
            return self.constant(-value, "/" in name)
        if op == "div" and self._literals(operands) and self._nodes[operands[1]]["value"]:
            (top, above), (bottom, below) = self._take(operands[0]), self._take(operands[1])
            return self.constant(top / bottom, "." not in above + below)
        if op == "pow" and self._literals(operands[1:]):
            return self.apply("powc", operands[:1], (self._take(operands[1])[0],))
        return self._add(kind="op", name="", op=op, params=tuple(params), operands=tuple(operands))

    def _literals(self, nids: Sequence[str]) -> bool:
        """Whether ``nids`` are numbers and the last nodes added (the literals just read, used by nothing yet)."""
        last = {f"n{len(self._nodes) - 1 - k}" for k in range(len(nids))}
        return len(set(nids)) == len(nids) and set(nids) == last and all(
            self._nodes[nid]["kind"] == "const" and self._nodes[nid]["value"] is not None for nid in nids)

    def _take(self, nid: str) -> tuple[Fraction, str]:
        """Remove a literal (``_literals``), giving its value and name."""
        node = self._nodes.pop(nid)
        return node["value"], node["name"]

    def name(self, nid: str, name: str) -> str:
        """Give node ``nid`` the program's name; a non-op or already named node gets an ``id`` op."""
        node = self._nodes[nid]
        if node["kind"] != "op" or node.get("named_by_user"):
            nid = self.apply("id", [nid])
            node = self._nodes[nid]
        node["name"], node["named_by_user"] = name, True
        return nid

    def is_input(self, name: str) -> bool:
        return name in self._inputs

    def finish(self, output: str, groups: Mapping[str, str] | None = None) -> Graph:
        """Name the output ``L`` (unless named) and the unnamed intermediates by ``naming``'s rule."""
        if self._nodes[output]["kind"] != "op":
            output = self.apply("id", [output])
        used = {n["name"] for n in self._nodes.values() if n["kind"] != "const"}
        out = self._nodes[output]
        if not out["name"]:
            out["name"] = next(n for n in (OUTPUT_NAME, "ℒ", "loss", "out") if n not in used)
            used.add(out["name"])
        unnamed = [node for node in self._nodes.values() if node["kind"] == "op" and not node["name"]]
        users: dict[str, list[str]] = {nid: [] for nid in self._nodes}
        for node in self._nodes.values():
            for operand in node.get("operands", ()):
                users[operand].append(node["op"])
        roles = ["z" if OPS[node["op"]].notation in ("sum", "product") and users[node["id"]]
                 and all(OPS[op].activation for op in users[node["id"]]) else None for node in unnamed]
        for node, name in zip(unnamed, intermediate_names(used, roles)):
            node["name"] = name
        nodes = {nid: Node(**fields) for nid, fields in self._nodes.items()}
        return Graph(nodes, output, self.source, dict(groups or {}))


_SHARED: "OrderedDict[tuple, dict[str, Any]]" = OrderedDict()
SHARED_NODES = 50_000  # the views of recently used graphs are kept up to this many nodes in all


def shared_views(graph: Graph) -> dict[str, Any]:
    """The derived views of every graph with ``graph``'s structure (nodes, names, output, source,
    layer groups): parsing the same formula again (a notebook cell run twice, a lecture's deck
    after its frames) reuses its plan, symbolic forms and lecture forms instead of deriving them
    again. The least recently used are dropped beyond ``SHARED_NODES`` nodes."""
    key = (graph.output_id, graph.source, tuple(graph.groups.items()),
           tuple((n.id, n.kind, n.name, n.op, n.params, n.operands, n.value, n.named_by_user)
                 for n in graph.nodes.values()))
    try:
        views = _SHARED.pop(key)
    except TypeError:  # a parameter that cannot be hashed: this graph's views are its own
        return {}
    except KeyError:
        views = {}
    _SHARED[key] = views
    total = sum(len(k[3]) for k in _SHARED)
    while total > SHARED_NODES and len(_SHARED) > 1:
        old, _ = _SHARED.popitem(last=False)
        total -= len(old[3])
    return views
