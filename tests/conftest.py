"""Shared test fixtures (golden files) and the Hypothesis profiles (docs/testing.md).

``gradviz`` (the default, and CI's): derandomized, no example database, bounded examples, no
shrinking and no wall-time checks, so a run gives the same verdict on every machine and load.
``fuzz`` (``GRADVIZ_FUZZ=1`` or ``--hypothesis-profile=fuzz``): fresh random examples each run
(``--hypothesis-seed=N`` repeats one), more of them, failures shrunk to a small example."""

from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Callable, Iterator

import pytest
from hypothesis import HealthCheck, Phase, settings

GOLDEN = Path(__file__).parent / "golden"


#: where the processes the tests start keep their bytecode: one folder for the run, made by the process
#: pytest was started as (its xdist workers inherit the name); see _bytecode_kept below
BYTECODE = "GRADVIZ_TESTS_BYTECODE"
#: where that folder goes when the system has a memory-backed one: its twenty thousand links (_link_installed_bytecode)
#: take 0.1 s there, and 1-10 s on a busy disk, on the run's critical path
RAM_FOLDER = "/dev/shm"
if os.environ.get("PYTHONDONTWRITEBYTECODE") and not os.environ.get("PYTHONPYCACHEPREFIX") and BYTECODE not in (
        os.environ):
    os.environ[BYTECODE] = tempfile.mkdtemp(prefix="gradviz-tests-bytecode-", dir=RAM_FOLDER if os.access(
        RAM_FOLDER, os.W_OK) else None)
    atexit.register(shutil.rmtree, os.environ[BYTECODE], True)  # removes the links below, not what they name


@pytest.fixture(autouse=True, scope="session")
def _bytecode_kept() -> Iterator[None]:
    """Where ``PYTHONDONTWRITEBYTECODE`` is set, each of the few hundred Python processes the tests
    start (the ``gradviz`` command, scripts) would compile gradviz's modules from source again (0.1-0.2 s
    of CPU each); they keep their bytecode instead in one temporary folder for the run
    (``PYTHONPYCACHEPREFIX``; removed at the end), so nothing is written into the clone. They run the
    same source; the test processes themselves keep reading the installed bytecode."""
    folder = os.environ.get(BYTECODE)
    if not folder:
        yield
        return
    saved = os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = folder
    yield
    del os.environ["PYTHONPYCACHEPREFIX"]
    if saved is not None:
        os.environ["PYTHONDONTWRITEBYTECODE"] = saved


def _link_installed_bytecode() -> None:
    """Link the installed bytecode of the standard library and the environment's packages into the
    run's bytecode folder, once per run (Python looks for all bytecode there: without the links the
    first process to import each module would compile it again). Done when the first slow test runs:
    the quick loop starts no process and skips it."""
    folder = os.environ.get(BYTECODE)
    if not folder or os.path.exists(os.path.join(folder, "linked")):
        return
    with open(os.path.join(folder, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other xdist worker waits, then finds them linked
        if os.path.exists(os.path.join(folder, "linked")):
            return
        tag = f".{sys.implementation.cache_tag}.pyc"
        for base in sorted({sysconfig.get_path(kind) for kind in ("stdlib", "purelib", "platlib")}):
            for top, subfolders, files in os.walk(base):
                if os.path.basename(top) != "__pycache__":
                    continue
                subfolders.clear()
                there = folder + os.path.dirname(top)  # the prefix's layout: the source folder's absolute path
                os.makedirs(there, exist_ok=True)
                for name in files:
                    if name.endswith(tag) and not os.path.lexists(os.path.join(there, name)):
                        os.symlink(os.path.join(top, name), os.path.join(there, name))
        open(os.path.join(folder, "linked"), "w").close()


settings.register_profile(
    "gradviz", derandomize=True, database=None, max_examples=50, phases=(Phase.explicit, Phase.generate),
    # a per-example deadline and the too-slow health check time the machine, not the code
    deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.register_profile(
    "fuzz", derandomize=False, database=None, max_examples=int(os.environ.get("GRADVIZ_FUZZ_EXAMPLES", "500")),
    deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.load_profile("fuzz" if os.environ.get("GRADVIZ_FUZZ") else "gradviz")


#: the files that take longest, longest first (seconds of one run, 2026-12-07: 62, 36, 29, 28, 24, 23, 23, 20, 18,
#: 18, 18, 17, 16, 16): run first, so that on two workers (``-n 2 --dist loadfile``, which keeps this order with
#: ``--no-loadscope-reorder``) the run does not end with one of them alone on a long file; the rest follow in order
LONGEST_FIRST = ("test_beamer_fit.py", "test_powerpoint.py", "test_help_examples.py", "test_hostile_processes.py",
                 "test_notebook_site.py", "test_training.py", "test_mathimages.py", "test_reading.py",
                 "test_browser_fit.py", "test_explorer.py", "test_readme_commands.py", "test_limits.py",
                 "test_advice.py", "test_site.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest files first (``LONGEST_FIRST``); a test's own ``@settings`` may bound its examples but not
    undo the profile's determinism."""
    items.sort(key=lambda item: LONGEST_FIRST.index(item.path.name) if item.path.name in LONGEST_FIRST
               else len(LONGEST_FIRST))
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
        _link_installed_bytecode()
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
