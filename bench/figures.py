"""The figure report: for each graph of the lecture ladder (``tests/ladder.py``), its final
frame fitted into a 1920×1080 slide, measured from the SVG gradviz writes.

    python bench/figures.py            # the table, in Markdown

Columns: operations; node text in pixels on the slide and the size it must reach (24 px up to
20 operations, 18 px up to 40); the picture's aspect ratio; edge labels nearer another edge
(or far from their own); texts cut with "…"; ``baseline-shift`` attributes; the look and
orientation chosen; edge crossings in the final frame against plain ``dot``'s drawing of the same
graph (``render.crossings``); seconds for the whole figure (every frame laid out and rendered as SVG).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from ladder import LADDER  # noqa: E402

from gradviz.render.crossings import plain_dot_crossings  # noqa: E402
from gradviz.render.figure import Figure  # noqa: E402
from gradviz.render.fitting import readable_px  # noqa: E402
from gradviz.render.measure import crossings, fit  # noqa: E402


def main() -> int:
    print("| graph | operations | node text at 1920×1080 | needed | aspect | labels off their edge | truncated "
          "| baseline-shifts | look | crossings (plain dot) | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    misses = 0
    for rung in LADDER:
        result = rung.make()
        started = time.perf_counter()
        figure = Figure(result)
        rendered = figure.render_all(figure.frames)
        seconds = time.perf_counter() - started
        measured = fit(rendered[-1].data)
        operations = sum(1 for n in result.graph.nodes.values() if n.kind == "op")
        needed = readable_px(operations)
        ok = (measured.node_text_px >= needed and not measured.misplaced_labels and not measured.truncated
              and not measured.baseline_shifts)
        misses += not ok
        print(f"| {rung.name} | {operations} | {measured.node_text_px:.1f} px{'' if ok else ' **miss**'} "
              f"| {needed:.0f} px | {measured.aspect:.2f} | {len(measured.misplaced_labels)} | {measured.truncated} "
              f"| {measured.baseline_shifts} | {figure.style.look} {figure.style.rankdir} "
              f"| {crossings(rendered[-1].data)} ({plain_dot_crossings(result.graph, figure.backend)}) | {seconds:.1f} |")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
