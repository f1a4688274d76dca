"""Target 2, frames: every frame of a graph against its final frame alone (one shared layout,
then each frame rendered with positions pinned), for the lecture example and ~200 nodes."""

from __future__ import annotations

from gradviz.render.figure import render_frames

from common import Row, median_cpu_pair
from graphs import LECTURE_AT, lecture, wide

__all__ = ["measure"]


def measure(repeat: int, terms: int = 29, fmt: str = "svg") -> list[Row]:
    big, big_at = wide(terms)
    rows = []
    for graph, at, runs in ((lecture(), LECTURE_AT, repeat), (big, big_at, max(3, repeat // 3))):
        result = graph.backward(at)
        count = len(render_frames(result, format=fmt))  # warm up: fonts, imports
        every, final = median_cpu_pair(lambda: render_frames(result, format=fmt, which="all"),
                                       lambda: render_frames(result, format=fmt, which="final"), runs)
        rows.append(Row(2, f"all frames ({fmt}) of {'the lecture example' if len(graph) < 20 else 'Σ σ(wᵢxᵢ)vᵢ'}",
                        "its final frame alone", every / final, 1.5, f"{len(graph)} nodes, {count} frames",
                        f"{1000 * every:.1f} ms vs {1000 * final:.1f} ms"))
    return rows
