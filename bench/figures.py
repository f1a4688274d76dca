"""The figure report: for each graph of the lecture ladder (``tests/ladder.py``), its final
frame fitted into a 1920×1080 slide, measured from the SVG gradviz writes.

    python bench/figures.py            # the table, in Markdown
    python bench/figures.py --families # the same over generated graphs (tests/families.py)
    python bench/figures.py --lectures # the same over lecture graphs of other kinds (bench/lectures.py)
    python bench/figures.py --outputs  # node text in every output kind (minutes: LaTeX, LibreOffice, Chromium)
    python bench/figures.py --outputs --lectures  # the same over bench/lectures.py
    python bench/figures.py --explorer --lectures # the explorer's figure as laid out for its page (seconds, no browser)

Columns: operations; node text in pixels on the slide and the size it must reach (24 px up to
20 operations, 18 px up to 40); the picture's aspect ratio; edge labels nearer another edge
(or far from their own); texts cut with "…"; ``baseline-shift`` attributes; the look and
orientation chosen; edge crossings in the final frame against plain ``dot``'s drawing of the same
graph (``render.crossings``); indexed names out of reading order (``render.reading``: pairs like z₂
before z₁ that neither depends on the other; and a folded layout's second row drawn before its first); the
longest stretch, in points, over which two edges
leaving one node run within 4 points of each other (a fan-out that cannot be traced), with its node;
constants that overlap another node or sit nearer another node than their own; the longest stretch
an edge runs within 3 points of a node's outline, with the edge and node; seconds for the whole
figure (every frame laid out and rendered as SVG).

With ``--outputs``: for each rung, the node text at 1920×1080 where each output kind shows it — the
SVG frame fitted to the slide, the compiled Beamer deck (pdftotext word boxes, the smallest over its
figure pages), the PowerPoint deck converted by LibreOffice, the HTML player and the explorer in
headless Chromium — the largest move of a node between two slides of the Beamer and of the
PowerPoint deck, and the explorer's edge crossings against plain ``dot``'s (its figure is laid out for its own
box: the window less its bands, the captions below the figure or beside it).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from gradviz.eval.backward import Backward

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from families import FAMILIES, make  # noqa: E402
from ladder import LADDER  # noqa: E402
from lectures import LECTURES  # noqa: E402

from gradviz.render.crossings import plain_dot_crossings  # noqa: E402
from gradviz.render.figure import Figure  # noqa: E402
from gradviz.render.fitting import SMALL_GRAPH, readable_px  # noqa: E402
from gradviz.render.measure import border_runs, constants_astray, crossings, fit, node_boxes, shared_runs  # noqa: E402
from gradviz.render.reading import sibling_groups, out_of_order, rows_reversed  # noqa: E402


def main(rungs: list[tuple[str, Callable[[], "Backward"]]]) -> int:
    print("| graph | operations | node text at 1920×1080 | needed | aspect | labels off their edge | truncated "
          "| baseline-shifts | look | crossings (plain dot) | out of order | fan-out run | constants astray "
          "| border run | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    misses = 0
    for name, make in rungs:
        result = make()
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
        svg = rendered[-1].data
        final = figure.scene(figure.frames[-1])
        unordered = out_of_order(sibling_groups(result.graph), centres(svg), figure.style.rankdir, final.rows,
                                 final.turned)
        unordered += [("second row", "first row")] * rows_reversed(centres(svg), figure.style.rankdir, final.rows)
        fan = max(shared_runs(svg).items(), key=lambda kv: kv[1], default=("", 0.0))
        border = max(border_runs(svg).items(), key=lambda kv: kv[1], default=(("", ""), 0.0))
        names = {nid: node.name for nid, node in result.graph.nodes.items()} | {"first row": "first row",
                                                                                "second row": "second row"}
        print(f"| {name} | {operations} | {measured.node_text_px:.1f} px{'' if ok else ' **miss**'} "
              f"| {needed:.0f} px | {measured.aspect:.2f} | {len(measured.misplaced_labels)} | {measured.truncated} "
              f"| {measured.baseline_shifts} | {figure.style.look} {figure.style.rankdir} "
              f"| {crossings(svg)} ({plain_dot_crossings(result.graph, figure.backend)}) "
              f"| {len(unordered)}{''.join(f' {names[b]}<{names[a]}' for a, b in unordered[:3])} "
              f"| {fan[1]:.0f} pt {names.get(fan[0], fan[0])} | {len(constants_astray(svg))} "
              f"| {border[1]:.0f} pt {border[0][0]} by {names.get(border[0][1], border[0][1])} | {seconds:.1f} |",
              flush=True)
    return 1 if misses else 0


def outputs(rungs: list[tuple[str, Callable[[], "Backward"]]]) -> int:
    """The second table (``--outputs``)."""
    import tempfile

    from browserpages import explorer_fit, player_fit, window
    from pdfpages import beamer_measure
    from pptxpages import measure

    from gradviz.outputs.powerpoint import write_pptx

    print("| graph | operations | needed | SVG frame | Beamer | PowerPoint | player | explorer "
          "| Beamer moves | PowerPoint moves | explorer crossings (plain dot) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    misses = 0
    with window() as driver, tempfile.TemporaryDirectory() as tmp:
        for k, (name, make) in enumerate(rungs):
            result = make()
            operations = sum(1 for n in result.graph.nodes.values() if n.kind == "op")
            needed = readable_px(operations)
            figure = Figure(result)
            svg = fit(figure.render(figure.frames[-1]).data).node_text_px
            beamer, beamer_moves = beamer_measure(result)
            pptx = measure(write_pptx(result, Path(tmp) / f"pptx{k}"))
            player = player_fit(driver, result, Path(tmp) / f"player{k}").node_px
            explorer = explorer_fit(driver, result, Path(tmp) / f"explorer{k}").node_px
            page_svg = driver.execute_script(  # as XML: the page's HTML serialisation writes &nbsp;
                "return new XMLSerializer().serializeToString(document.querySelector('#figure svg'))")
            crossed, reference = crossings(page_svg.encode("utf-8")), plain_dot_crossings(result.graph, figure.backend)
            sizes = [svg, beamer, pptx.node_text_px, player, explorer]
            tangled = crossed > reference and operations >= SMALL_GRAPH
            misses += min(sizes) < needed or tangled
            shown = " | ".join(f"{px:.1f}{'' if px >= needed else ' **miss**'}" for px in sizes)
            print(f"| {name} | {operations} | {needed:.0f} | {shown} | {beamer_moves:.1f} "
                  f"| {pptx.displacement_px:.1f} | {crossed} ({reference}){' **miss**' if tangled else ''} |",
                  flush=True)
    return 1 if misses else 0


def explorer(rungs: list[tuple[str, Callable[[], "Backward"]]]) -> int:
    """The third table (``--explorer``): the explorer's figure as laid out for its page, measured without a browser:
    node text in its box at 1920×1080, crossings against plain ``dot``'s, where the captions stand."""
    from gradviz.outputs.explorer import explorer_area, explorer_figure, graph_export
    from gradviz.render.fitting import text_px

    print("| graph | operations | needed | node text | crossings (plain dot) | look | captions | seconds |")
    print("|---|---|---|---|---|---|---|---|")
    misses = 0
    for name, make in rungs:
        result = make()
        operations = sum(1 for n in result.graph.nodes.values() if n.kind == "op")
        needed = readable_px(operations)
        inputs = len(graph_export(result)["inputs"])
        started = time.perf_counter()
        figure, beside = explorer_figure(result, inputs)
        svg = figure.render(figure.frames[0], "svg").data
        seconds = time.perf_counter() - started
        px = text_px(figure.layout, figure.style, explorer_area(inputs, beside))
        crossed, reference = crossings(svg), plain_dot_crossings(result.graph, figure.backend)
        tangled = crossed > reference and operations >= SMALL_GRAPH
        misses += px < needed or tangled
        print(f"| {name} | {operations} | {needed:.0f} | {px:.1f}{'' if px >= needed else ' **miss**'} "
              f"| {crossed} ({reference}){' **miss**' if tangled else ''} | {figure.style.look} {figure.style.rankdir} "
              f"| {'beside' if beside else 'below'} | {seconds:.1f} |", flush=True)
    return 1 if misses else 0


def centres(svg: bytes) -> dict[str, tuple[float, float]]:
    """Node centres from the SVG, y growing upwards as in Graphviz's layout."""
    return {nid: ((x0 + x1) / 2, -(y0 + y1) / 2) for nid, (x0, y0, x1, y1) in node_boxes(svg).items()}


if __name__ == "__main__":
    chosen = FAMILIES if "--families" in sys.argv[1:] else LECTURES if "--lectures" in sys.argv[1:] else None
    graphs = [(rung.name, rung.make) for rung in LADDER] if chosen is None else \
        [(name, lambda text=text: make(text)) for name, text in chosen.items()]
    sys.exit(outputs(graphs) if "--outputs" in sys.argv[1:] else explorer(graphs) if "--explorer" in sys.argv[1:]
             else main(graphs))
