"""The interactive explorer's speed and size: build the page of a 300-node graph, move a slider in
headless Chromium and time the recompute with ``performance.now()`` (every value, local
derivative and gradient recomputed and every label rewritten, then a forced style and layout
pass); report the page size of a 100-node graph. Targets: under 16 ms (one animation frame at
60 Hz) and under 1 MB. With ``--ladder``: node text on the screen in the HTML player and the
explorer in a 1920×1080 window for each graph of the lecture ladder (``tests/ladder.py``), against
the slide thresholds (``tests/browserpages.py``'s ``ladder_text_px``).

    PYTHONPATH=. python bench/explorer.py [--repeat 60]
    PYTHONPATH=. python bench/explorer.py --ladder
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from browserpages import ladder_text_px  # noqa: E402
from graphs import wide  # noqa: E402
from tools import browser  # noqa: E402

from gradviz.outputs.explorer import write_explorer  # noqa: E402

RECOMPUTE_TARGET_MS = 16.0
SIZE_TARGET_BYTES = 1_000_000

_MOVE = """
const repeat = arguments[0], slider = document.getElementById(arguments[1]), times = [];
const lo = parseFloat(slider.min), hi = parseFloat(slider.max);
for (let k = 0; k < repeat; k++) {
  slider.value = lo + (hi - lo) * ((k * 0.37) % 1);
  const t0 = performance.now();
  slider.dispatchEvent(new Event('input'));
  document.body.getBoundingClientRect();  // the style and layout the new labels cause
  times.push(performance.now() - t0);
}
return {times: times, error: window.gradvizExplorer.state().error};
"""


def page(terms: int, folder: Path) -> tuple[Path, int, float]:
    """Write the explorer of ``wide(terms)``; (its path, node count, build seconds)."""
    graph, at = wide(terms)
    start = time.perf_counter()
    path = write_explorer(graph.backward(at), folder, force=True)
    return path, len(graph), time.perf_counter() - start


def ladder_table() -> int:
    """Print the ladder's node text in the player and the explorer at 1920×1080; 1 if any misses."""
    print("| graph | operations | player | explorer | needed | explorer: output in view, inputs shown |")
    print("|---|---|---|---|---|---|")
    misses = 0
    for row in ladder_text_px():
        ok = min(row["player_px"], row["explorer_px"]) >= row["needed_px"]
        misses += not ok
        print(f"| {row['graph']} | {row['operations']} | {row['player_px']:.1f} px | {row['explorer_px']:.1f} px "
              f"| {row['needed_px']:.0f} px{'' if ok else ' **miss**'} | {row['explorer_output_in_view']}, "
              f"{row['explorer_inputs_shown']} |", flush=True)
    return 1 if misses else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=60, help="slider moves to time")
    parser.add_argument("--ladder", action="store_true", help="node text per ladder graph at 1920×1080 instead")
    args = parser.parse_args()
    if args.ladder:
        raise SystemExit(ladder_table())
    with tempfile.TemporaryDirectory() as tmp:
        small, small_nodes, small_build = page(14, Path(tmp) / "small")
        size = small.stat().st_size
        print(f"page of a {small_nodes}-node graph: {size / 1e6:.3f} MB "
              f"({'under' if size < SIZE_TARGET_BYTES else 'OVER'} the 1 MB target), built in {small_build:.1f} s")
        big, big_nodes, big_build = page(43, Path(tmp) / "big")
        print(f"page of a {big_nodes}-node graph: {big.stat().st_size / 1e6:.3f} MB, built in {big_build:.1f} s")
        with browser(1500, 950) as driver:
            driver.get(big.as_uri())
            done = driver.execute_script(_MOVE, args.repeat, "sl-0")
        if done["error"]:
            raise SystemExit(f"the page reported an error: {done['error']}")
        times = sorted(done["times"])
        median, worst = statistics.median(times), times[-1]
        p95 = times[int(0.95 * (len(times) - 1))]
        verdict = "under" if p95 < RECOMPUTE_TARGET_MS else "OVER"
        print(f"recompute after a slider move at {big_nodes} nodes: median {median:.2f} ms, 95th percentile "
              f"{p95:.2f} ms, worst {worst:.2f} ms over {len(times)} moves ({verdict} the 16 ms target)")


if __name__ == "__main__":
    main()
