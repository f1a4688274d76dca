"""Target 6, scaling: parsing, building the IR, compiling the plan, forward and backward from
about 1,000 to 100,000 nodes; each stage's growth exponent (log-log fit) and peak memory."""

from __future__ import annotations

import gc
import tracemalloc
from contextlib import contextmanager
from typing import Iterator

import gradviz
from gradviz.ir.graph import Graph, GraphBuilder
from gradviz.eval.plan import Plan

from common import Row, fit_exponent, median_cpu
from graphs import long_sum_text

__all__ = ["measure", "long_sum_graph"]

LIMIT = 1.15  # a fitted exponent up to this counts as linear


def long_sum_graph(nodes: int) -> Graph:
    """``w1*x1 + w2*x2 + …`` built with the ``GraphBuilder`` directly (the IR without the parser)."""
    b = GraphBuilder("Σ wᵢxᵢ")
    total = None
    for i in range(1, nodes // 4 + 1):
        term = b.apply("mul", [b.input(f"w{i}"), b.input(f"x{i}")])
        total = term if total is None else b.apply("add", [total, term])
    return b.finish(total)


def measure(repeat: int, sizes: tuple[int, ...] = (1_000, 3_000, 10_000, 30_000, 100_000)) -> list[Row]:
    """Each stage is timed with Python's cyclic garbage collector on (the figure that counts)
    and off (to show how much of any superlinear growth is the collector's)."""
    stages: dict[str, list[float]] = {"parse (text → graph)": [], "build the IR (GraphBuilder → Graph)": [],
                                      "compile the plan": [], "forward (plan)": [], "backward (plan)": []}
    quiet: dict[str, list[float]] = {stage: [] for stage in stages}
    counts = []
    for size in sizes:
        text = long_sum_text(size)
        graph = gradviz.parse(text)
        plan = Plan(graph)
        at = [0.5] * len(graph.inputs)
        values = plan.forward(at)
        counts.append(len(graph))
        for stage, thunk in zip(stages, (lambda: gradviz.parse(text), lambda: long_sum_graph(size),
                                         lambda: Plan(graph), lambda: plan.forward(at), lambda: plan.backward(values))):
            stages[stage].append(median_cpu(thunk, repeat))
            with _collector_off():
                quiet[stage].append(median_cpu(thunk, repeat))
    baseline = [median_cpu(lambda: _allocate(count), repeat) for count in counts]
    peak = _peak_bytes(long_sum_text(sizes[-1]))
    span = f"{counts[0]:,} → {counts[-1]:,} nodes (long sum Σ wᵢxᵢ)"
    rows = [Row(6, f"{stage}: growth exponent", "linear growth", fit_exponent(counts, times), LIMIT, span,
                ", ".join(f"{1000 * t:.1f}" for t in times) + " ms; exponent with the cyclic GC off "
                f"{fit_exponent(counts, quiet[stage]):.2f}")
            for stage, times in stages.items()]
    rows.append(Row(6, "baseline: allocating one small tuple a node (the machine, not gradviz)",
                    "— (reported)", fit_exponent(counts, baseline), None, span,
                    ", ".join(f"{1000 * t:.1f}" for t in baseline) + " ms: the growth exponent of memory "
                    "traffic alone on this machine"))
    rows.append(Row(6, "peak memory per node (parse, plan, forward, backward)", "— (reported)",
                    peak / counts[-1], None, f"{counts[-1]:,} nodes",
                    f"{peak / 2**20:.0f} MiB peak (tracemalloc)", unit="B/node"))
    return rows


def _allocate(count: int) -> list[tuple[int, tuple[int, int]]]:
    """As many fresh small tuples as nodes: what memory alone costs at each size."""
    return [(i, (i, i + 1)) for i in range(count)]


@contextmanager
def _collector_off() -> Iterator[None]:
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _peak_bytes(text: str) -> int:
    """Peak traced memory while parsing ``text``, compiling it and running both passes."""
    tracemalloc.start()
    try:
        graph = gradviz.parse(text)
        plan = Plan(graph)
        plan.run([0.5] * len(graph.inputs))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
