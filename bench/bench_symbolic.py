"""Target 3, symbolic gradients: gradviz's adjoint program (every parameter's gradient, shared
intermediates) against ``sympy.diff`` taken once per parameter of the loss's expression, for a
2-8-8-1 tanh MLP's MSE loss over the XOR points; the results must agree at random points."""

from __future__ import annotations

import random
import time

import sympy
from sympy.core.cache import clear_cache

from gradviz.eval.symbolic import Symbolic, count_operations

from common import Row
from graphs import xor_mlp

__all__ = ["measure"]


def measure(repeat: int, layers: tuple[int, ...] = (2, 8, 8, 1), points: int = 3) -> list[Row]:
    graph = xor_mlp(layers).graph
    expr = graph.expression()
    ours = []
    for _ in range(repeat):  # each run from a cold sympy cache, as sympy.diff's
        clear_cache()
        start = time.process_time()
        program = Symbolic(graph).program
        ours.append(time.process_time() - start)
    clear_cache()
    start = time.process_time()
    diffs = [sympy.diff(expr, symbol) for symbol in program.inputs]
    peer = time.process_time() - start
    ours.sort()
    mine = ours[len(ours) // 2]
    error = _disagreement(program, diffs, points)
    ops = sum(1 for n in graph.nodes.values() if n.kind == "op")
    sizes = (f"{len(graph)} nodes ({ops} ops), {len(program.inputs)} parameters; results: program "
             f"{program.size():,} ops vs sympy.diff {sum(count_operations(d) for d in diffs):,} ops")
    detail = (f"{1000 * mine:.0f} ms vs {peer:.2f} s; max relative difference at {points} random points "
              f"{error:.1e}")
    return [Row(3, f"symbolic gradient of every parameter, {'-'.join(map(str, layers))} tanh MLP on XOR",
                "`sympy.diff` once per parameter", peer / mine, 50, sizes, detail, at_least=True)]


def _disagreement(program, diffs: list[sympy.Expr], points: int) -> float:
    """The largest relative difference between the program and sympy.diff at random points."""
    rng = random.Random(0)
    f = sympy.lambdify(program.inputs, diffs, modules="math", cse=True)
    worst = 0.0
    for _ in range(points):
        at = {s: rng.uniform(-1, 1) for s in program.inputs}
        _, ours = program.evaluate(at)
        theirs = f(*(at[s] for s in program.inputs))
        worst = max([worst, *(abs(a - b) / max(1.0, abs(b)) for a, b in zip(ours, theirs))])
    return worst
