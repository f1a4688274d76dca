"""The static site's speed and size (``gradviz site``), in headless Chromium from file:// with the
network off: cold start to the first figure (a fresh browser profile each run, so nothing is
cached), a new formula of at most 20 operations to its first frame once warm, stepping per frame
(the frame swapped in and laid out), the site's size and the page's own size besides the vendored
runtime. Targets: cold ≤ 6 s, warm ≤ 500 ms, step ≤ 16 ms, site ≤ 25 MB, page ≤ 1 MB.

    PYTHONPATH=. python bench/browser_site.py [--cold 3] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from tools import browser  # noqa: E402

from gradviz.outputs.gallery import LECTURE, MICROGRAD, SOFTMAX_EXPANDED  # noqa: E402
from gradviz.outputs.browser import frames_page  # noqa: E402
from gradviz.outputs.site import build_site  # noqa: E402
from gradviz.syntax import parse  # noqa: E402

TARGETS = {"cold": 6.0, "warm": 0.5, "step": 0.016, "site": 25e6, "page": 1e6}
WARM = [  # new formulas typed once the page is warm: (formula, values as the page's box takes them)
    ("p = σ(w0 + w1x1 + w2x2); L = −y log(p) − (1 − y) log(1 − p)", "w0=0.1, w1=-0.4, x1=1.2, w2=0.8, x2=-0.6, y=1"),
    ("L = (tanh(w1x1 + w2x2 + b) − y)²", "w1=0.5, x1=1, w2=-0.3, x2=2, b=0.1, y=0.5"),
    (SOFTMAX_EXPANDED.replace("\n", "; "), "z1=2, z2=1, z3=0.1, y1=1, y2=0, y3=0"),
    (MICROGRAD.replace("\n", "; "), "a=-4, b=2"),
]
_DRAW = """
const [formula, values] = arguments;
document.getElementById('formula').value = formula;
document.getElementById('values').value = values;
const t0 = performance.now();
document.getElementById('entry').requestSubmit();
document.body.getBoundingClientRect();
return {ms: performance.now() - t0, error: document.getElementById('error').textContent,
        frames: state.frames.length};
"""
_STEP = """
const times = [];
for (let round = 0; round < arguments[0]; round++)
  for (let k = 0; k < state.frames.length; k++) {
    const t0 = performance.now();
    show(k);
    document.body.getBoundingClientRect();
    times.push(performance.now() - t0);
  }
return times;
"""
_PHASES = ("scripts", "python", "unpacked", "ready", "firstFigure")


def opened(driver, index: Path) -> dict:
    """Open the page offline; its timings (milliseconds since navigation) once the first figure is up."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    driver.get(index.as_uri())
    deadline = time.monotonic() + 120
    while not driver.execute_script("return document.body.dataset.ready") and time.monotonic() < deadline:
        time.sleep(0.05)
    if driver.execute_script("return document.body.dataset.ready") != "1":
        raise SystemExit("the page did not start: " + driver.execute_script(
            "return document.getElementById('status').textContent"))
    return driver.execute_script("return gradvizTiming")


def verdict(value: float, target: float) -> str:
    return "pass" if value <= target else "MISS"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", type=int, default=3, help="cold starts to time (a fresh browser each)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of stepping through every frame")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        built = build_site(Path(tmp) / "site")
        print(f"build: {time.perf_counter() - start:.1f} s (from the cache when it is filled)")
        runtime = sum(size for name, size in built.sizes.items() if name.startswith("runtime/"))
        page = built.total - runtime
        for name, size in sorted(built.sizes.items(), key=lambda item: -item[1]):
            print(f"  {name:34} {size / 1e6:7.3f} MB")
        print(f"site: {built.total / 1e6:.1f} MB ({verdict(built.total, TARGETS['site'])}, ≤ 25 MB); "
              f"page besides the runtime: {page / 1e3:.0f} kB ({verdict(page, TARGETS['page'])}, ≤ 1 MB)")
        index = built.folder.resolve() / "index.html"
        colds = []
        for _ in range(args.cold):
            with browser(1920, 1080) as driver:
                timing = opened(driver, index)
            colds.append(timing)
            print("cold start, ms since navigation: " + ", ".join(f"{k} {timing[k]:.0f}" for k in _PHASES))
        cold = statistics.median(t["firstFigure"] for t in colds) / 1000
        print(f"cold start to the first figure: median {cold:.2f} s of {args.cold} ({verdict(cold, TARGETS['cold'])}, "
              "≤ 6 s)")
        frames_page(LECTURE, {"θ1": "2", "θ2": "-1", "x": "3", "y": "1"})  # the native reference, warmed up too
        with browser(1920, 1080) as driver:
            opened(driver, index)
            warm = []
            for formula, values in WARM:
                ops = sum(1 for n in parse(formula).nodes.values() if n.kind == "op")
                done = driver.execute_script(_DRAW, formula, values)
                if done["error"] and not done["error"].startswith("Warning"):
                    raise SystemExit(f"{formula}: {done['error']}")
                began = time.perf_counter()  # the same work in this Python, pygraphviz laying out: the reference
                frames_page(formula, dict(item.strip().split("=", 1) for item in values.split(",")))
                native = (time.perf_counter() - began) * 1000
                if ops <= 20:  # the target's formulas; larger ones are shown for scale
                    warm.append(done["ms"] / 1000)
                print(f"  warm, {ops:2} ops, {done['frames']:2} frames: {done['ms']:6.0f} ms in the page, "
                      f"{native:6.0f} ms natively  {formula[:50]}")
            again = driver.execute_script(_DRAW, LECTURE, "θ1=2, θ2=-1, x=3, y=1")
            print(f"  the lecture example again (its modules and caches warm): {again['ms']:.0f} ms")
            steps = driver.execute_script(_STEP, args.repeat)
        worst_warm = max(warm)
        print(f"warm formula to its frames: median {statistics.median(warm) * 1000:.0f} ms, worst "
              f"{worst_warm * 1000:.0f} ms ({verdict(worst_warm, TARGETS['warm'])}, ≤ 500 ms)")
        step = statistics.median(steps) / 1000
        print(f"stepping: median {step * 1000:.1f} ms, worst {max(steps):.1f} ms per frame over {len(steps)} steps "
              f"({verdict(step, TARGETS['step'])}, ≤ 16 ms)")


if __name__ == "__main__":
    main()
