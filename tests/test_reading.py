"""Layouts a student can follow, measured from the SVG gradviz writes: edge crossings against plain
``dot``'s drawing of the same graph, repeated structure in index order, fan-outs whose edges part,
node text at the slide thresholds. Over lecture graphs generated at several sizes (``families``: recurrent
nets, softmax layers, MLPs, batch norm, attention-like weighted sums), not one golden picture."""

from __future__ import annotations

import random

import pytest
from dataclasses import replace

from families import FAMILIES, chain, lstm, make, rnn, softmax
from ladder import LADDER, WIDE

from gradviz.eval.backward import backward
from gradviz.render.crossings import plain_dot_crossings
from gradviz.render.figure import Figure
from gradviz.render.fitting import readable_px
from gradviz.render.layout import layout, least_length, node_box
from gradviz.render.measure import (BORDER_LONG, SHARED_LONG, border_runs, constants_astray, crossings, fit,
                                    node_boxes, shared_runs)
from gradviz.render.frames import frames
from gradviz.render.reading import (Siblings, out_of_order, recurrence, rows_reversed, sibling_groups,
                                    step_operations)
from gradviz.render.backends import get_backend
from gradviz.render.crossings import plain_dot_ranks
from gradviz.render.ranks import continued, depths, late, ordered, walked
from gradviz.render.scene import scenes
from gradviz.render.style import Style
from gradviz.syntax import parse


GENERATED = {name: FAMILIES[name] for name in (  # the ladder has a 3-term softmax over 2 features, a 2-step RNN
    "RNN, 3 steps", "RNN, 4 steps", "RNN, 5 steps", "RNN, 3 steps, 2 inputs a step", "RNN, 4 steps, 2 inputs a step",
    "softmax, 4 terms over 1 feature", "MLP 2-3-1", "MLP 2-3-2-1",
    "batch norm, 2 values", "batch norm, 3 values",
    "batch norm, 3 values, shared", "attention, 3 keys", "attention, 4 keys", "tanh chain, 12 layers")}
GENERATED["RNN, 4 steps, 2 inputs a step, squared error"] = rnn(4, 2, squared=True)  # 32 ops: 18.0 px, 6 crossings
# before its steps were laid out one after another (``ranks.late``)
GENERATED["RNN, 3 steps, 3 inputs a step"] = rnn(3, 3)  # 38 ops, no layout reads: its largest text (17.0 px) cut two
# steps across rows before a layout in order within a tenth of it won (``UNREADABLE_DISORDER_SHARE``)
# what the layouts do not yet reach (bench/LAYOUT.md): strict, so a fix shows up as a pass to turn into a test
MISSES: dict[tuple[str, str], str] = {
    ("crossings", "RNN, 4 steps, 2 inputs a step"): "17.0 px of 18: every fold the search tries is too high or too wide",
    ("crossings", "RNN, 3 steps, 3 inputs a step"): "15.6 px of 18: three inputs' products make each step's row tall",
    ("fan-out", "batch norm, 3 values"): "μ's edges to the three differences run together for 54 pt (82 before its rows "
                                         "read in index order)",
    **{("steps", name): "no layout the search tries keeps every step in one row, reads at the threshold and crosses no "
                        "more often than plain dot" for name in ("RNN, 5 steps", "RNN, 3 steps, 2 inputs a step",
                                                                 "RNN, 4 steps, 2 inputs a step", "tanh chain, 12 layers")},
}


def _centres(svg: bytes) -> dict[str, tuple[float, float]]:
    """Node centres from the SVG, y upwards as in Graphviz's layout."""
    return {nid: ((x0 + x1) / 2, -(y0 + y1) / 2) for nid, (x0, y0, x1, y1) in node_boxes(svg).items()}


def _judge(measure: str, name: str, ok: bool, detail: object) -> None:
    """Pass when ``ok``; a known miss must still miss (then it is reported as an expected failure)."""
    if (measure, name) in MISSES:
        assert not ok, f"{name} now meets {measure}: take it out of MISSES"
        pytest.xfail(MISSES[(measure, name)])
    assert ok, detail


NETWORKS = [rung for rung in LADDER if rung.name in ("2-4-1 tanh network, one point", "2-3-2-1 ReLU network + BCE")]


@pytest.fixture(scope="module", params=[*GENERATED, *(rung.name for rung in [*NETWORKS, *WIDE])])
def drawn(request):
    """A graph's name, the graph, its figure and the final frame's SVG."""
    if request.param in GENERATED:
        result = make(GENERATED[request.param])
    else:
        result = next(rung for rung in [*NETWORKS, *WIDE] if rung.name == request.param).make()
    figure = Figure(result)
    return request.param, result.graph, figure, figure.render(figure.frames[-1]).data


@pytest.mark.slow
def test_edges_cross_no_more_often_than_in_plain_dot_and_the_text_stays_readable(drawn) -> None:
    name, graph, figure, svg = drawn
    operations = sum(1 for n in graph.nodes.values() if n.kind == "op")
    crossed, reference, px = crossings(svg), plain_dot_crossings(graph, figure.backend), fit(svg).node_text_px
    _judge("crossings", name, crossed <= reference and px >= readable_px(operations), (crossed, reference, px))


@pytest.mark.slow
def test_repeated_structure_reads_in_index_order(drawn) -> None:
    name, graph, figure, svg = drawn
    final = figure.scene(figure.frames[-1])
    wrong = out_of_order(sibling_groups(graph), _centres(svg), figure.style.rankdir, final.rows, final.turned)
    wrong += [("later row", "earlier row")] * rows_reversed(_centres(svg), figure.style.rankdir, final.rows)
    _judge("order", name, not wrong, [(graph.nodes[a].name if a in graph.nodes else a,
                                       graph.nodes[b].name if b in graph.nodes else b) for a, b in wrong])


@pytest.mark.slow
def test_a_fold_keeps_each_step_of_a_recurrence_in_one_row(drawn) -> None:
    """An unrolled recurrence (``h1 → h2 → …``, a chain of layers ``a1 → a2 → …``) folded into rows: each step's
    operations (what its state needs that the state before does not) lie in one row."""
    name, graph, figure, _ = drawn
    rows = figure.scene(figure.frames[-1]).rows
    split = [graph.nodes[state].name for state, step in zip(recurrence(graph), step_operations(graph, recurrence(graph)))
             if len({rows.get(nid, 0) for nid in step}) > 1]
    _judge("steps", name, not split, split)


@pytest.mark.slow
def test_the_edges_of_an_input_used_many_times_part_soon_after_leaving_it(drawn) -> None:
    name, graph, _, svg = drawn
    runs = {graph.nodes[nid].name: round(run) for nid, run in shared_runs(svg).items()
            if nid in graph.nodes and run > SHARED_LONG}  # a gate's height: beyond it two edges read as one
    _judge("fan-out", name, runs == {}, runs)


@pytest.mark.slow
def test_constants_sit_beside_their_use(drawn) -> None:
    name, _, _, svg = drawn
    astray = constants_astray(svg)
    _judge("constants", name, astray == [], astray)


@pytest.mark.slow
def test_no_edge_runs_along_a_node(drawn) -> None:
    name, _, _, svg = drawn
    along = {pair: round(run) for pair, run in border_runs(svg).items() if run > BORDER_LONG}
    _judge("border", name, along == {}, along)


@pytest.mark.slow
def test_a_node_drawn_again_reads_as_itself_and_no_edge_joins_the_rows(drawn) -> None:
    """Where a layout draws an input before each use, or a fold draws a first-row node again to feed
    the second row, each copy shows exactly the node's texts (name, value, gradient) in every frame,
    dashed; and every edge of a fold stays in its row."""
    name, graph, figure, _ = drawn
    for frame in figure.frames:
        sc = figure.scene(frame)
        looks = {node.id: node for node in sc.nodes}
        labels: dict[str, set[str]] = {}
        for copy, nid in sc.copies:  # every copy of a node shows the node's texts, dashed
            assert "dashed" in dict(looks[copy].attrs)["style"]
            labels.setdefault(nid, {looks[nid].label} if nid in looks else set()).add(looks[copy].label)
            row = sc.rows.get(copy, 0)
            if graph.nodes[nid].kind == "input" and copy != continued(nid, row):  # an input before its one use
                assert sum(e.tail == copy for e in sc.edges) == 1 and nid not in looks
            elif nid in looks:  # drawn again at the start of a later row
                assert row > sc.rows.get(nid, 0)
        assert all(len(texts) == 1 for texts in labels.values()), name
        if sc.later:
            assert all(sc.rows.get(e.tail, 0) == sc.rows.get(e.head, 0) for e in sc.edges), name
    final = figure.scene(figure.frames[-1])
    if final.later:  # the rows are drawn apart: no node of one lies within another's band across the flow
        axis = 1 if figure.style.rankdir in ("LR", "RL") else 0
        rows = final.rows
        spans = sorted((min(b[axis] for b in boxes), max(b[axis + 2] for b in boxes)) for boxes in (
            [node_box(pins) for nid, pins in figure.layout.nodes.items() if rows.get(nid, 0) == number]
            for number in range(len(final.later) + 1)))
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:])), (name, spans)


def _sibling_names(graph) -> set[tuple[str, str]]:
    return {(graph.nodes[a].name, graph.nodes[b].name) for group in sibling_groups(graph) for a, b in group.pairs}


def test_siblings_are_names_differing_in_their_indices_in_one_role_neither_depending_on_the_other() -> None:
    graph = parse(rnn(2))
    names = _sibling_names(graph)
    assert ("x1", "x2") in names
    assert ("h1", "h2") not in names  # h2 depends on h1: the arrows order them
    graph = parse("p = σ(w0 + w1x1 + w2x2)")
    names = _sibling_names(graph)
    assert ("w1", "w2") in names and ("x1", "x2") in names
    assert not any("w0" in pair for pair in names)  # the bias feeds a sum, the weights products
    graph = parse(softmax(3, 2))
    names = _sibling_names(graph)
    assert {("z1", "z2"), ("z1", "z3"), ("z2", "z3"), ("w11", "w21"), ("w12", "w32")} <= names


def test_a_matrix_of_siblings_reads_in_order_row_by_row_or_column_by_column() -> None:
    """``w11 w12 w21 w22`` drawn row by row or column by column reads in order; neither way, it does not."""
    graph = parse("y = relu(w11 x1 + w12 x2) + relu(w21 x1 + w22 x2)")
    ids = {graph.nodes[nid].name: nid for nid in graph.nodes}
    groups = [g for g in sibling_groups(graph) if ids["w11"] in {n for pair in g.pairs for n in pair}]
    assert len(groups) == 1 and {(ids["w12"], ids["w21"])} == set(groups[0].swapped)

    def reading(*names: str) -> dict[str, tuple[float, float]]:  # one rank, top to bottom
        return {ids[name]: (0.0, -30.0 * k) for k, name in enumerate(names)}
    assert out_of_order(groups, reading("w11", "w12", "w21", "w22"), "LR") == []
    assert out_of_order(groups, reading("w11", "w21", "w12", "w22"), "LR") == []
    assert len(out_of_order(groups, reading("w12", "w11", "w22", "w21"), "LR")) == 2  # each row backwards
    assert out_of_order(sibling_groups(parse("y = w1 x1 + w2 x2")), {}, "LR") == []  # one index: one way
    one = [g for g in sibling_groups(parse("y = w1 x1 + w12 x2")) if g.pairs]
    assert all(not g.swapped for g in one)  # indices of unlike length are numbers, not matrix entries


def test_reading_order_runs_along_the_flow_then_across_it() -> None:
    pairs = [Siblings((("a", "b"),))]
    same_rank = {"a": (10.0, 50.0), "b": (10.0, 20.0)}  # y upwards: a above b
    assert out_of_order(pairs, same_rank, "LR") == []
    assert out_of_order(pairs, {"a": same_rank["b"], "b": same_rank["a"]}, "LR") == [("a", "b")]
    assert out_of_order(pairs, {"a": (10.0, 20.0), "b": (80.0, 90.0)}, "LR") == []  # b a rank further right
    assert out_of_order(pairs, {"a": (50.0, 90.0), "b": (10.0, 20.0)}, "TB") == []  # b a rank further down
    assert out_of_order(pairs, {"a": (50.0, 20.0), "b": (10.0, 20.0)}, "TB") == [("a", "b")]  # one rank: left first
    assert out_of_order(pairs, {"a": (50.0, 20.0), "b": (10.0, 20.0)}, "LR", folded={"b"}) == []  # b's row is second


def test_a_layout_is_mirrored_when_that_reads_in_order() -> None:
    result = backward(parse(softmax(3, 1)), None)
    figure = Figure(result)
    centres = {nid: tuple(float(v) for v in pins["pos"].rstrip("!").split(",")) for nid, pins in
               figure.layout.nodes.items()}
    pairs = sibling_groups(result.graph)
    assert pairs and out_of_order(pairs, centres, figure.style.rankdir, figure.scene(figure.frames[-1]).rows) == []


def test_ordered_ranks_keep_the_given_order_put_constants_beside_their_use_and_wrap_the_same_way() -> None:
    graph = parse(rnn(3))
    result = backward(graph, None)
    depth = depths(graph)
    order = [tuple(nid for nid in graph.nodes if depth[nid] == d) for d in range(max(depth.values()) + 1)]
    edges = scenes(result, frames(result, "final"), look="gates", copies=True)[-1].edges
    ranks, later, again = ordered(graph, order, edges)
    placed = [nid for members in ranks for nid in members]
    assert sorted(placed) == sorted({e.tail for e in edges} | {e.head for e in edges})  # each node once
    rank_of = {nid: k for k, members in enumerate(ranks) for nid in members}
    for edge in edges:  # a constant (or its copy) sits in its operation's rank, just before it
        if edge.tail not in graph.nodes or graph.nodes[edge.tail].kind == "const":
            members = ranks[rank_of[edge.head]]
            assert edge.tail in members and members.index(edge.tail) < members.index(edge.head)
        else:
            assert rank_of[edge.tail] < rank_of[edge.head]
    assert later == () and again == ()
    uses = {}
    for edge in edges:
        uses.setdefault(edge.tail, set()).add(edge.head)
    for wraps in ((4,), (3, 7)):
        wrapped, later, again = ordered(graph, order, edges, wraps)
        assert len(later) == len(again) == len(wraps)
        row = {nid: k for k, members in enumerate(later, start=1) for nid in members}
        copies = {continued(nid, k) for k, drawn in enumerate(again, start=1) for nid in drawn}
        assert sorted(n for members in wrapped for n in members) == sorted(placed + list(copies))
        rank_of = {nid: k for k, members in enumerate(wrapped) for nid in members}
        for k, (members, drawn) in enumerate(zip(later, again), start=1):
            fed = {e.tail for e in edges if e.head in members and row.get(e.tail, 0) != k}
            assert drawn and set(drawn) == fed  # each node a row uses from another is drawn again there
            for nid in drawn:  # a rank before its first use in that row
                assert continued(nid, k) in members
                assert rank_of[continued(nid, k)] == min(rank_of[h] for h in uses[nid] if h in members) - 1
        moved = set().union(*later) - copies - {nid for members in ranks[wraps[0]:] for nid in members}
        for nid in moved:  # joined a later row that uses it (any other row has it drawn again): an input or an
            # operation on inputs
            assert all(row.get(h, 0) == row[nid] or continued(nid, row.get(h, 0)) in copies for h in uses[nid])
            assert graph.nodes[nid].kind != "op" or all(graph.nodes[o].kind != "op" for o in graph.nodes[nid].operands)
        for members in wrapped:  # one rank: the first row's nodes, then the second row's, then the third's
            rows = [row.get(nid, 0) for nid in members]
            assert rows == sorted(rows)


def test_a_recurrence_is_its_chain_of_states_and_each_step_what_its_state_adds() -> None:
    graph = parse(rnn(3, 2))
    names = {nid: node.name for nid, node in graph.nodes.items()}
    states = recurrence(graph)
    assert [names[nid] for nid in states] == ["h1", "h2", "h3"]
    steps = step_operations(graph, states)
    assert all(len(step) == 7 for step in steps)  # three products, three sums, the tanh
    assert not set().union(*steps) & {nid for nid, node in graph.nodes.items() if node.kind != "op"}
    assert recurrence(parse(softmax(3, 2))) == ()  # z1 z2 z3 do not feed one another
    assert recurrence(parse("a1 = tanh(w1 x); b2 = tanh(w2 a1); L = b2²")) == ()  # one name, one index: a chain of two


@pytest.mark.parametrize("text", [rnn(4, 2), rnn(3), softmax(3, 2), chain(6), lstm(2)])
def test_late_ranks_put_each_node_just_before_its_first_use(text: str) -> None:
    """``ranks.late`` over plain ``dot``'s ranks: every node but the output sits in the rank just before its
    first consumer, so a step's own inputs and products are drawn at that step."""
    graph = parse(text)
    moved = late(graph, plain_dot_ranks(graph, get_backend("auto")))
    rank = {nid: k for k, members in enumerate(moved) for nid in members}
    assert sorted(rank) == sorted(graph.nodes)
    for nid, users in graph.consumers().items():
        if users:
            assert rank[nid] == min(rank[consumer] for consumer, _ in users) - 1, graph.nodes[nid].name


def test_a_walk_from_the_output_orders_each_rank_as_the_formula_is_written() -> None:
    """``walked``: the units of a layer and the terms of a sum in each rank in the order the formula
    writes them, whatever order the ranks came in; a node drawn again leads on to the node it copies."""
    graph = parse("h1 = σ(w11 x1 + w12 x2); h2 = σ(w21 x1 + w22 x2); h3 = σ(w31 x1 + w32 x2)\n"
                  "L = (v1 h1 + v2 h2 + v3 h3 − y)²")
    result = backward(graph, None)
    edges = scenes(result, frames(result, "final"), look="gates", copies=True)[-1].edges
    depth = depths(graph)
    shuffler = random.Random(3)
    order = [tuple(shuffler.sample(members, len(members))) for members in
             ([nid for nid in graph.nodes if depth[nid] == d] for d in range(max(depth.values()) + 1))]
    names = {nid: node.name for nid, node in graph.nodes.items()}
    ranks = [[names[nid] for nid in members] for members in walked(order, edges)]
    assert [name for name in ranks[0] if name[0] in "wx"] == ["w11", "x1", "w12", "x2", "w21", "w22", "w31", "w32"]
    assert [name for members in ranks for name in members if name in ("h1", "h2", "h3")] == ["h1", "h2", "h3"]
    assert [name for members in ranks for name in members if name in ("v1", "v2", "v3")] == ["v1", "v2", "v3"]
    copy = [("h1.copy", [e.tail for e in edges if names.get(e.head) == "h1"][0])]  # h1 drawn again: meets h1's operand
    assert walked([["h1.copy", *order[-1]]], [], copy) == (("h1.copy", *order[-1]),)


def test_a_second_row_reads_the_same_way_as_the_first_unless_it_turns_back() -> None:
    pairs = [Siblings((("a", "b"),))]
    centres = {"a": (50.0, 90.0), "b": (10.0, 20.0)}  # b under a and further left
    assert out_of_order(pairs, centres, "LR", folded={"b"}) == []
    assert out_of_order(pairs, {"a": (10.0, 20.0), "b": (50.0, 20.0)}, "LR", folded={"a", "b"}) == []
    assert out_of_order(pairs, {"a": (10.0, 20.0), "b": (50.0, 20.0)}, "LR", folded={"a", "b"}, turned=True) == [("a", "b")]
    assert rows_reversed({"a": (10.0, 90.0), "b": (10.0, 20.0)}, "LR", folded={"b"}) == 0  # the second row under
    assert rows_reversed({"a": (10.0, 20.0), "b": (10.0, 90.0)}, "LR", folded={"b"}) == 1
    assert rows_reversed({"a": (10.0, 20.0), "b": (90.0, 20.0)}, "TB", folded={"b"}) == 0  # top down: to the right
    assert rows_reversed({"a": (10.0, 20.0), "b": (10.0, 90.0)}, "LR", folded=set()) == 0


@pytest.mark.slow
@pytest.mark.parametrize("name", ["RNN, 3 steps", "MLP 2-3-1"])
def test_no_layout_is_shorter_along_its_flow_than_its_longest_path(name) -> None:
    """``least_length``, which lets the look search skip layouts too long to read, never claims more
    than ``dot`` then draws: in each look and orientation, with constants beside their use or not."""
    result = make(FAMILIES[name])
    shown = frames(result, "all")
    figure = Figure(result)
    for look, rankdir, copies in (("boxes", "LR", False), ("gates", "TB", False), ("paired", "LR", True),
                                  ("gates", "LR", True)):
        style = replace(Style(), look=look, rankdir=rankdir)
        looks = [style.apply(sc) for sc in scenes(result, shown, look=look, copies=copies)]
        drawn = layout(looks, figure.backend).size[0 if rankdir == "LR" else 1]
        assert least_length(looks, figure.backend) <= drawn, (look, rankdir, copies)


@pytest.mark.slow
def test_rows_that_lie_straight_keep_each_rows_longest_path_on_one_line() -> None:
    """A chain folded into rows that lie straight (``Scene.straight``) is a straight line of operations
    per row, its inputs beside it, instead of a staircase drifting down the slide."""
    result = make(chain(8))
    figure = Figure(result)
    order = plain_dot_ranks(result.graph, figure.backend)
    style = replace(Style(), look="gates", rankdir="LR")
    wraps = (len(order) // 3, 2 * len(order) // 3)
    looks = [style.apply(sc) for sc in scenes(result, frames(result, "final"), look="gates", copies=True,
                                              order=order, wrap=wraps, straight=True)]
    sc, lay = looks[-1], layout(looks, figure.backend)
    rows = sc.rows
    assert len(sc.later) == 2
    for number in range(3):
        ops = [nid for nid in lay.nodes if rows.get(nid, 0) == number and nid in result.graph.nodes
               and result.graph.nodes[nid].kind == "op"]
        heights = {round(float(lay.nodes[nid]["pos"].rstrip("!").split(",")[1])) for nid in ops}
        assert len(ops) >= 6 and len(heights) == 1, (number, heights)


@pytest.mark.slow
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_pinned_ranks_keep_the_order_they_are_given_across_the_flow(rankdir) -> None:
    """A scene whose ranks are pinned (``Scene.pinned``: the fallback when Graphviz's own crossing
    reduction on the gradviz boxes crosses more than plain ``dot``) is drawn with each rank in the
    order given, even a shuffled one that Graphviz would reorder, in either orientation."""
    result = make(lstm(2))
    figure = Figure(result)
    shuffler = random.Random(7)
    order = [tuple(shuffler.sample(members, len(members))) for members in plain_dot_ranks(result.graph, figure.backend)]
    style = replace(Style(), look="gates", rankdir=rankdir)
    looks = [style.apply(sc) for sc in scenes(result, frames(result, "final"), look="gates", copies=True,
                                              order=order, pinned=True)]
    sc, lay = looks[-1], layout(looks, figure.backend)
    across = 1 if rankdir == "LR" else 0
    sign = -1 if rankdir == "LR" else 1  # down the slide (y grows upwards) or to the right
    for members in sc.ranks:
        places = [sign * float(lay.nodes[nid]["pos"].rstrip("!").split(",")[across]) for nid in members]
        assert places == sorted(places) and len(set(places)) == len(places), members
