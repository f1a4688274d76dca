"""How soon gradviz answers where the tests only check what it answers: refusals that come
before any work, and the big inputs that must stay linear. These limits were wall-time asserts
in tests (a busy machine failed them); here they are CPU seconds (``common.median_cpu``), so
they hold while other programs load the cores. Run alone: ``.venv/bin/python bench/refusals.py``;
prints one row a check and exits 1 when one misses its limit.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median_cpu  # noqa: E402

__all__ = ["CHECKS", "main"]


def _refused(call: Callable[[], object]) -> Callable[[], None]:
    from gradviz.errors import GradvizError

    def run() -> None:
        try:
            call()
        except GradvizError:
            return
        raise AssertionError("not refused")
    return run


def _size_checks() -> None:
    from gradviz.networks.network import check_size

    for args, kw in [(((784, 128, 10), 1, "tanh", "ce"), {"view": "neurons"}),
                     (((10000, 1000, 1000, 1000, 10), 1, "tanh", "mse"), {}),
                     (((30, 40, 1), 1, "tanh", "mse"), {"view": "neurons"}),
                     (((3, 30, 1), 1, "tanh", "mse"), {"view": "ops", "ops_limit": 100}),
                     (((2, 4, 1), 4, "tanh", "bce"), {"steps": 1_000_000})]:
        _refused(lambda: check_size(*args, **kw))()


def _playground_checks() -> None:
    from gradviz.networks.playground import check_playground

    for layers, frames in [((3, 4, 1), 10), ((2, 4, 2), 10), ((2, 9, 1), 10), ((2, 4, 4, 4, 4, 4, 1), 10),
                           ((2, 8, 8, 8, 8, 1), 60), ((2, 4, 1), 61)]:
        _refused(lambda: check_playground(layers, frames))()


def _layout_budget() -> None:
    import gradviz
    from gradviz.render.budget import check_layout_cost

    fan = gradviz.parse("; ".join(["a1 = x*y"] + [f"a{k} = a{k - 1}*x + y" for k in range(2, 150)]))
    _refused(lambda: check_layout_cost(fan))()


def _graphviz_past_its_time() -> None:
    from gradviz.render import backends

    costly = "digraph { " + " ".join(f"n{i} -> n{j};" for i in range(70) for j in range(i + 1, 70)) + " }"
    _refused(lambda: backends.get_backend("pygraphviz").run(costly, "dot", "svg", timeout=0.3))()


def _big_parse() -> None:
    import gradviz

    gradviz.parse(" + ".join(f"x{i % 100}" for i in range(100_000)))
    gradviz.parse("^".join(["x"] * 5_000))


def _big_print() -> None:
    import gradviz
    from gradviz.syntax.printer import to_text

    for text in ("-(" * 10_000 + "x" + ")" * 10_000, " + ".join(f"x{i % 100}" for i in range(100_000))):
        to_text(gradviz.parse(text))


#: name, the check, its limit in seconds (CPU; the Graphviz kill in wall seconds: its work is a child's)
CHECKS: list[tuple[str, Callable[[], None], float]] = [
    ("network size refusals (5)", _size_checks, 0.1),
    ("playground refusals (6)", _playground_checks, 1.0),
    ("layout budget refuses a 299-node fan", _layout_budget, 1.0),
    ("Graphviz past its 0.3 s limit is stopped", _graphviz_past_its_time, 2.0),
    ("parse a 100,000-term sum and a 5,000-deep tower", _big_parse, 30.0),
    ("print 10,000-deep and 100,000-term graphs", _big_print, 20.0),
]


def main() -> int:
    """Time every check; 0 when each is within its limit."""
    missed = 0
    print("| check | seconds | limit | result |\n|---|---|---|---|")
    for name, check, limit in CHECKS:
        if check is _graphviz_past_its_time:
            start = time.perf_counter()
            check()
            seconds = time.perf_counter() - start
        else:
            seconds = median_cpu(check, 3)
        missed += seconds > limit
        print(f"| {name} | {seconds:.3f} | {limit:g} | {'pass' if seconds <= limit else '**miss**'} |")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
