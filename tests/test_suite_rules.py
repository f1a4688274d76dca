"""The suite's own rules (docs/testing.md): no test asserts how long something took — speed is
measured in bench/, where a busy machine cannot fail a test (a process start in a test not
marked slow is caught by conftest.py)."""

from __future__ import annotations

import ast
from pathlib import Path

CLOCKS = {"perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns", "process_time", "time", "time_ns"}


def _reads_clock(node: ast.AST, timed: set[str]) -> bool:
    """Whether ``node`` calls a clock of ``time`` or uses a name assigned from one."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr in CLOCKS \
                and isinstance(sub.func.value, ast.Name) and sub.func.value.id == "time":
            return True
        if isinstance(sub, ast.Name) and sub.id in timed:
            return True
    return False


def test_no_test_asserts_a_wall_time() -> None:
    here = Path(__file__)
    offenders = []
    for path in sorted(here.parent.glob("*.py")):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef):
                continue
            timed = {target.id for node in ast.walk(function) if isinstance(node, ast.Assign)
                     and _reads_clock(node.value, set()) for target in node.targets if isinstance(target, ast.Name)}
            offenders += [f"{path.name}:{node.lineno}" for node in ast.walk(function)
                          if isinstance(node, ast.Assert) and _reads_clock(node.test, timed)]
    assert not offenders, f"wall-time asserts belong in bench/ (bench/refusals.py): {offenders}"
