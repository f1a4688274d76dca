"""External programs some tests need (pdflatex with beamer, Chromium with its driver, Graphviz's dot).

On a user's machine a missing program skips the test with the reason; under CI
(``CI`` set, where ``.ci/run`` installs them) it fails, so CI really runs these tests."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

__all__ = ["require", "pdflatex", "compile_latex", "chromium", "browser", "soffice", "system_dot"]


def require(ok: bool, what: str) -> None:
    """Skip (fail under CI) when ``ok`` is false; ``what`` says what is missing and how to get it."""
    if ok:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing under CI (.ci/run installs it)")
    pytest.skip(f"{what} is not installed")


def pdflatex(beamer: bool = False) -> str:
    """The pdflatex program (and the beamer class when asked), or skip/fail."""
    path = shutil.which("pdflatex")
    require(path is not None, "pdflatex (apt-get install texlive-latex-base texlive-latex-recommended)")
    if beamer:
        found = subprocess.run(["kpsewhich", "beamer.cls", "pgfcore.sty"], capture_output=True, text=True)
        require(len(found.stdout.split()) == 2, "the beamer class (apt-get install texlive-latex-recommended "
                                                "texlive-pictures)")
    return path


def compile_latex(tex: Path, beamer: bool = False) -> str:
    """Compile ``tex`` in its folder with pdflatex; return the log (the test fails on an error)."""
    done = subprocess.run([pdflatex(beamer), "-interaction=nonstopmode", "-halt-on-error", tex.name],
                          cwd=tex.parent, capture_output=True, text=True, timeout=120)
    log = tex.with_suffix(".log").read_text(encoding="latin-1")
    assert done.returncode == 0, log[-3000:]
    return log


def chromium() -> tuple[str, str]:
    """(browser, chromedriver) paths, or skip/fail."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    require(browser is not None and driver is not None, "Chromium and its driver (apt-get install chromium "
                                                        "chromium-driver)")
    require(importlib.util.find_spec("selenium") is not None, "selenium (pip install -e '.[test]')")
    return browser, driver


@contextmanager
def browser(width: int = 1300, height: int = 1000, arguments: tuple[str, ...] = ()) -> Iterator[Any]:
    """Headless Chromium through selenium, its window ``width`` × ``height`` CSS pixels, started with
    the command-line ``arguments`` besides (or skip/fail)."""
    binary, driver_path = chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # selenium-manager must never download anything
    profile = tempfile.mkdtemp(prefix="gradviz-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
                f"--window-size={width},{height}", *arguments):
        options.add_argument(arg)
    try:
        driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
        try:
            yield driver
        finally:
            driver.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)  # the profile (tens of MB) is the run's alone


def soffice() -> tuple[str, str]:
    """(LibreOffice, pdftoppm) paths, or skip/fail."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    require(office is not None, "LibreOffice Impress (apt-get install libreoffice-impress)")
    pdftoppm = shutil.which("pdftoppm")
    require(pdftoppm is not None, "pdftoppm (apt-get install poppler-utils)")
    return office, pdftoppm


def system_dot() -> str:
    """The system Graphviz ``dot`` program (the ``--renderer dot`` path), or skip/fail."""
    path = shutil.which("dot")
    require(path is not None, "Graphviz's dot (apt-get install graphviz)")
    return path


def in_the_foreground() -> None:
    """For ``Popen(preexec_fn=…)``: the child takes Ctrl-C as a program started at a terminal does.
    A shell starts background jobs with SIGINT ignored, and a program inherits that (Python then
    never raises KeyboardInterrupt): a suite run in the background would test nothing otherwise."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
