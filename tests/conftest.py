"""Shared test fixtures (golden files) and the Hypothesis profiles (docs/testing.md).

``gradviz`` (the default, and CI's): derandomized, no example database, bounded examples, no
shrinking and no wall-time checks, so a run gives the same verdict on every machine and load.
``fuzz`` (``GRADVIZ_FUZZ=1`` or ``--hypothesis-profile=fuzz``): fresh random examples each run
(``--hypothesis-seed=N`` repeats one), more of them, failures shrunk to a small example."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, Phase, settings

GOLDEN = Path(__file__).parent / "golden"

settings.register_profile(
    "gradviz", derandomize=True, database=None, max_examples=50, phases=(Phase.explicit, Phase.generate),
    # a per-example deadline and the too-slow health check time the machine, not the code
    deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.register_profile(
    "fuzz", derandomize=False, database=None, max_examples=int(os.environ.get("GRADVIZ_FUZZ_EXAMPLES", "500")),
    deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.load_profile("fuzz" if os.environ.get("GRADVIZ_FUZZ") else "gradviz")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test's own ``@settings`` may bound its examples but not undo the profile's determinism."""
    profile = settings.default
    for item in items:
        own = getattr(getattr(item, "obj", None), "_hypothesis_internal_use_settings", None)
        if own is not None and (own.derandomize, own.database, own.phases) != (
                profile.derandomize, profile.database, profile.phases):
            raise pytest.UsageError(f"{item.nodeid}: its @settings change derandomize, database or phases "
                                    "of the loaded Hypothesis profile (tests/conftest.py)")


#: programs (and any python) whose start makes a test slow; others, such as matplotlib's one-off
#: fc-list, are let be
SLOW_PROGRAMS = {"gradviz", "bash", "dot", "neato", "pdflatex", "kpsewhich", "chromium", "chromedriver",
                 "chromium-browser", "soffice", "libreoffice", "pdftoppm"}


@pytest.fixture(autouse=True)
def _a_process_makes_a_test_slow(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test not marked ``slow`` fails when it starts one of SLOW_PROGRAMS (the quick loop stays quick)."""
    if request.node.get_closest_marker("slow"):
        return
    start = subprocess.Popen._execute_child

    def execute(self, args, executable, *rest):
        program = os.fsdecode(executable or (args if isinstance(args, (str, bytes, os.PathLike)) else args[0]))
        name = Path(program.split()[0] if isinstance(args, str) else program).name
        if name in SLOW_PROGRAMS or name.startswith("python") or program == sys.executable:
            pytest.fail(f"{request.node.nodeid} starts {name}: mark it @pytest.mark.slow", pytrace=False)
        return start(self, args, executable, *rest)

    monkeypatch.setattr(subprocess.Popen, "_execute_child", execute)


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """``golden(name, text)`` asserts that ``text`` equals ``tests/golden/name``; with
    ``GRADVIZ_REGEN_GOLDEN=1`` it rewrites the file instead (review the diff by eye)."""
    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if os.environ.get("GRADVIZ_REGEN_GOLDEN"):
            path.write_text(text, encoding="utf-8")
        assert text == path.read_text(encoding="utf-8"), f"{name} differs (GRADVIZ_REGEN_GOLDEN=1 rewrites it)"
    return check
