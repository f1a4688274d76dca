"""Calibration of the layout budget (``gradviz/render/budget.py``): for generated graphs of
three shapes, the estimated work (``layout_work``) against the measured wall-clock time of
laying out and rendering the final frame, and of every frame, each in a child process stopped
after 60 s (Graphviz itself is stopped at 30 s: ``stopped``; a size limit refuses: ``refused``).
Run: ``python bench/layout_cost.py [max seconds]``; prints a Markdown table (``bench/LAYOUT.md``).

- ``fan``: ``a1 = x*y; a2 = a1*x + y; …`` — two inputs feed every operation (the costly shape);
- ``chain``: ``a1 = sin(x); a2 = sin(a1); …`` — no edge spans ranks;
- ``sum``: ``x1*y1 + x2*y2 + …`` left to right — each input pair feeds one term, deeper and deeper.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gradviz  # noqa: E402
from common import answer_within  # noqa: E402
from gradviz.errors import GradvizError  # noqa: E402
from gradviz.render.budget import layout_work  # noqa: E402
from gradviz.render.figure import render_frames  # noqa: E402


def program(shape: str, n: int) -> tuple[str, dict[str, float]]:
    """A formula of ``shape`` with about ``n`` statements or terms, and its inputs' values."""
    if shape == "fan":
        return "; ".join(["a1 = x*y"] + [f"a{k} = a{k - 1}*x + y" for k in range(2, n + 1)]), {"x": 0.5, "y": 0.1}
    if shape == "chain":
        return "; ".join(["a1 = sin(x)"] + [f"a{k} = sin(a{k - 1})" for k in range(2, n + 1)]), {"x": 0.5}
    return " + ".join(f"x{k}*y{k}" for k in range(1, n + 1)), {f"{v}{k}": 0.5 for k in range(1, n + 1) for v in "xy"}


def _timed(text: str, at: dict, which: str, answer) -> None:
    result = gradviz.parse(text).backward(at)
    start = time.perf_counter()
    try:
        render_frames(result, format="svg", which=which)
    except GradvizError as exc:  # Graphviz stopped at its time limit, or a refusal
        answer.put("stopped" if "ran past" in str(exc) else "refused")
    else:
        answer.put(f"{time.perf_counter() - start:.2f}")


def seconds(text: str, at: dict, which: str, limit: float) -> str:
    """Wall-clock seconds of rendering (``which`` frames, svg) in a child, ``stopped`` when
    Graphviz ran past its limit, ``refused`` (a size limit), or ``> limit``."""
    return answer_within(_timed, (text, at, which,), limit)


def main(limit: float = 60.0) -> None:
    print("| shape | size | nodes | work | final frame (s) | every frame (s) |")
    print("|---|---|---|---|---|---|")
    sizes = {"fan": (10, 25, 50, 75, 100, 150), "chain": (50, 150, 300), "sum": (10, 25, 50, 100)}
    for shape, ns in sizes.items():
        for n in ns:
            text, at = program(shape, n)
            graph = gradviz.parse(text)
            final, every = (seconds(text, at, which, limit) for which in ("final", "all"))
            print(f"| {shape} | {n} | {len(graph)} | {layout_work(graph):,} | {final} | {every} |", flush=True)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0)
