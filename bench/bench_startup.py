"""Target 1, start-up: ``gradviz --help`` against ``import sympy``; ``gradviz render`` of the
lecture example (every frame as SVG) against importing sympy, networkx and pygraphviz."""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from common import Row, command_cpu
from graphs import LECTURE, LECTURE_AT

__all__ = ["measure"]


def _gradviz() -> list[str]:
    """The console script beside this Python, or the same entry point through ``-c``."""
    script = Path(sys.executable).parent / "gradviz"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from gradviz.cli import main; main()"]


def measure(repeat: int, warm_up: bool = True) -> list[Row]:
    gradviz, python = _gradviz(), sys.executable
    at = ",".join(f"{k}={v:g}" for k, v in LECTURE_AT.items())
    out = Path(tempfile.mkdtemp(prefix="gradviz-bench-"))
    runs = {
        "help": [*gradviz, "--help"],
        "sympy": [python, "-c", "import sympy"],
        "render": [*gradviz, "render", LECTURE, "--at", at, "-o", str(out), "--format", "svg"],
        "imports": [python, "-c", "import sympy, networkx, pygraphviz"],
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    try:
        for name, args in runs.items() if warm_up else ():  # warm the file cache once
            command_cpu(args)
        for _ in range(repeat):
            for name, args in runs.items():
                times[name].append(command_cpu(args))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    t = {name: statistics.median(values) for name, values in times.items()}
    return [
        Row(1, "`gradviz --help`", "`python -c \"import sympy\"`", t["help"] / t["sympy"], 0.35, "—",
            f"{1000 * t['help']:.0f} ms vs {1000 * t['sympy']:.0f} ms"),
        Row(1, "`gradviz render` lecture example, all frames as SVG", "`import sympy, networkx, pygraphviz`",
            t["render"] / t["imports"], 1.5, "8 nodes, 7 frames",
            f"{1000 * t['render']:.0f} ms vs {1000 * t['imports']:.0f} ms"),
    ]
