"""Rendering cost: all frames vs the final frame alone, for the lecture example and a
~200-node graph (a sum of 50 terms σ(w_i·x_i)·v_i). Prints medians of repeated runs.

    /work/venv/bin/python bench/bench_frames.py [--repeat N] [--format svg]
"""

from __future__ import annotations

import argparse
import statistics
import time
from fractions import Fraction

from gradviz.graph import Graph, GraphBuilder
from gradviz.render.export import render_frames


def lecture() -> Graph:
    b = GraphBuilder("(θ1θ2x − y)²")
    t1, t2 = b.input("θ1"), b.input("θ2")
    a = b.apply("mul", [t1, t2])
    c = b.apply("sub", [b.apply("mul", [a, b.input("x")]), b.input("y")])
    return b.finish(b.apply("powc", [c], (Fraction(2),)))


def wide(terms: int = 29) -> tuple[Graph, dict[str, float]]:
    """Σ σ(w_i·x_i)·v_i over ``terms`` terms: 4 nodes a term, about 200 in all."""
    b = GraphBuilder("Σ σ(w_i x_i) v_i")
    total, at = None, {}
    for i in range(1, terms + 1):
        w, x, v = (b.input(f"{n}{i}") for n in "wxv")
        at.update({f"w{i}": 0.1 * i, f"x{i}": 1.0 - 0.02 * i, f"v{i}": (-1) ** i * 0.5})
        term = b.apply("mul", [b.apply("sigmoid", [b.apply("mul", [w, x])]), v])
        total = term if total is None else b.apply("add", [total, term])
    return b.finish(total), at


def median_ms(thunk, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        thunk()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--format", default="svg", choices=("svg", "png", "pdf", "dot"))
    args = parser.parse_args()
    big, big_at = wide()
    cases = [("lecture (θ1θ2x − y)²", lecture(), {"θ1": 2, "θ2": -1, "x": 3, "y": 1}, args.repeat),
             (f"sum of σ(w·x)·v, {len(big)} nodes", big, big_at, max(3, args.repeat // 5))]
    print(f"format {args.format}, median of repeats")
    for name, graph, at, repeat in cases:
        result = graph.backward(at)
        render_frames(result, format=args.format)  # warm up (fonts, imports)
        n = len(render_frames(result, format=args.format, which="all"))
        every = median_ms(lambda: render_frames(result, format=args.format, which="all"), repeat)
        final = median_ms(lambda: render_frames(result, format=args.format, which="final"), repeat)
        print(f"{name}: all {n} frames {every:.1f} ms, final frame alone {final:.1f} ms, "
              f"ratio {every / final:.2f}, per extra frame {(every - final) / (n - 1):.2f} ms")


if __name__ == "__main__":
    main()
