"""The suite's own rules (docs/testing.md): no test reads the clock — speed is measured in
bench/, where a busy machine cannot fail a test (a process start is caught by conftest.py)."""

from __future__ import annotations

import re
from pathlib import Path

CLOCK = re.compile(r"\b(?:perf_counter|monotonic|process_time|time_ns)\b|\btime\.time\(\)|\bdatetime\.now\(")


def test_no_test_reads_the_clock() -> None:
    here = Path(__file__)
    offenders = [f"{path.name}:{number}: {line.strip()}" for path in sorted(here.parent.glob("*.py")) if path != here
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if CLOCK.search(line)]
    assert not offenders, "wall-time checks belong in bench/ (bench/refusals.py):\n" + "\n".join(offenders)
