"""The notebook site's build time, size and cold start (``gradviz site DIR --notebooks``): served on
127.0.0.1, opened in headless Chromium (a fresh profile each run, every other host behind a refusing
proxy) at the REPL with the cells a student runs first; the time from navigation to each cell's
output: the kernel started (Pyodide, IPython and the kernel's wheels), ``%pip install gradviz``,
``import gradviz``, the lecture example's figure inline (Graphviz started on the way), and a new
formula's figure once warm.

    PYTHONPATH=. python bench/notebook_site.py [--cold 3]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from tools import browser  # noqa: E402

from gradviz.outputs.lite import build_notebook_site  # noqa: E402

CELLS = [  # (phase, the cell): each cell's output is timed as it appears
    ("kernel", "print('kernel')"),
    ("install", "%pip install gradviz\nprint('install')"),
    ("import", "import gradviz\nprint('import')"),
    ("figure", 'gradviz.parse("(θ1θ2x − y)²").backward({"θ1": 2, "θ2": -1, "x": 3, "y": 1})'),
    ("again", 'gradviz.parse("L = −(y log(σ(w x + b)) + (1 − y) log(1 − σ(w x + b)))")'
              '.backward({"w": 0.5, "x": 2, "b": -1, "y": 1})'),  # a new formula once warm
]
_FIGURES = ("figure", "again")  # the phases whose output is a figure, in order
_SHOWN = """
const outputs = [...document.querySelectorAll('.jp-OutputArea-output')];
return outputs.map(o => o.querySelector('svg g.node') ? 'a-figure' : o.innerText.trim()).join(' ');
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def cold_start(address: str) -> dict[str, float]:
    """Seconds from navigation to each phase's output."""
    query = urllib.parse.urlencode([("kernel", "python"), *(("code", cell) for _, cell in CELLS), ("execute", "1")],
                                   quote_via=urllib.parse.quote)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        with browser(1300, 1000, (f"--proxy-server=http://127.0.0.1:{closed.getsockname()[1]}",)) as driver:
            start = time.monotonic()
            driver.get(f"{address}/repl/index.html?{query}")
            seen: dict[str, float] = {}
            while len(seen) < len(CELLS) and time.monotonic() - start < 180:
                shown = driver.execute_script(_SHOWN).split()
                shown += list(_FIGURES[:shown.count("a-figure")])
                for phase, _ in CELLS:
                    if phase in shown and phase not in seen:
                        seen[phase] = time.monotonic() - start
                time.sleep(0.05)
    if len(seen) < len(CELLS):
        raise SystemExit(f"the kernel did not get through its cells: {seen}")
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", type=int, default=3, help="cold starts to time (a fresh browser each)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        built = build_notebook_site(Path(tmp) / "site")
        print(f"build: {time.perf_counter() - start:.1f} s (from the cache when it is filled)")
        groups: dict[str, int] = {}
        for name, size in built.sizes.items():
            group = "/".join(name.split("/")[:2]) if name.startswith(("static/", "build/")) else name.split("/")[0]
            groups[group] = groups.get(group, 0) + size
        for group, size in sorted(groups.items(), key=lambda item: -item[1])[:8]:
            print(f"  {group:34} {size / 1e6:7.3f} MB")
        print(f"site: {built.total / 1e6:.1f} MB in {len(built.sizes)} files")
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(built.folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            runs = []
            for _ in range(args.cold):
                runs.append(cold_start(f"http://127.0.0.1:{server.server_address[1]}"))
                print("cold start, s since navigation: " + ", ".join(f"{k} {v:.1f}" for k, v in runs[-1].items()))
        finally:
            server.shutdown()
            server.server_close()
    print("median, s since navigation: " + ", ".join(
        f"{phase} {statistics.median(run[phase] for run in runs):.1f}" for phase, _ in CELLS))


if __name__ == "__main__":
    main()
