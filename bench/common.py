"""What every benchmark shares: a result row, median CPU timings, and the graphs measured.

Times are CPU seconds (``time.process_time`` in-process, the children's user+system time for
commands), so the ratios hold up while other programs load the machine's cores.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import statistics
import subprocess
import time
from dataclasses import dataclass
from typing import Callable, Sequence

__all__ = ["Row", "median_cpu", "median_cpu_pair", "command_cpu", "fit_exponent"]


@dataclass(frozen=True)
class Row:
    """One measurement against one peer: ``ratio`` is ours / the peer's (or a growth exponent)."""

    target_no: int
    measurement: str
    peer: str
    ratio: float
    limit: float | None  # pass when ratio ≤ limit, or ≥ limit when ``at_least``; None: only reported
    sizes: str
    detail: str
    at_least: bool = False
    unit: str = ""  # for a reported figure that is not a ratio (bytes a node)

    @property
    def verdict(self) -> str:
        if self.limit is None:
            return "—"
        passed = self.ratio >= self.limit if self.at_least else self.ratio <= self.limit
        return "pass" if passed else "**miss**"

    @property
    def target(self) -> str:
        return "reported" if self.limit is None else f"{'≥' if self.at_least else '≤'} {self.limit:g}"

    @property
    def figure(self) -> str:
        return f"{self.ratio:,.0f} {self.unit}" if self.unit else f"{self.ratio:.3g}"


def median_cpu(thunk: Callable[[], object], repeat: int) -> float:
    """The median CPU time of ``repeat`` calls, in seconds; garbage left by earlier calls
    (micrograd's reference cycles) is collected before each, so no call pays for another's."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        thunk()
        times.append(time.process_time() - start)
    return statistics.median(times)


def median_cpu_pair(ours: Callable[[], object], peer: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median CPU times of two thunks run alternately (so a change of load hits both)."""
    a, b = [], []
    for _ in range(repeat):
        a.append(median_cpu(ours, 1))
        b.append(median_cpu(peer, 1))
    return statistics.median(a), statistics.median(b)


def command_cpu(args: Sequence[str], env: dict[str, str] | None = None) -> float:
    """The user+system CPU seconds of one run of a command (which must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, **(env or {})})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def fit_exponent(sizes: Sequence[float], times: Sequence[float]) -> float:
    """The slope of log(time) against log(size): 1 for linear growth."""
    import math

    xs, ys = [math.log(s) for s in sizes], [math.log(max(t, 1e-9)) for t in times]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def answer_within(target: Callable[..., None], args: tuple, limit: float) -> str:
    """What ``target(*args, queue)`` puts on its queue, run in a child process that is killed
    after ``limit`` seconds (then ``"> limit"``)."""
    answer: multiprocessing.Queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=target, args=(*args, answer))
    child.start()
    child.join(limit)
    if child.is_alive():
        child.kill()
        child.join()
        return f"> {limit:.0f}"
    return answer.get()
