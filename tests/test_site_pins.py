"""The site's vendored downloads are pinned: a file in the cache is used only when its SHA-256 is
the pin's, and a build with the cache filled runs no download (no npm, no pip)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from gradviz.errors import GradvizError
from gradviz.outputs import site
from gradviz.outputs.site import PINS, Pin


def test_every_pin_names_a_version_and_a_sha256() -> None:
    assert {"pyodide", "@viz-js/viz", "sympy", "mpmath", "networkx", "graphviz"} <= set(PINS)
    for pin in PINS.values():
        assert pin.index in ("npm", "pypi") and pin.version[0].isdigit()
        assert len(pin.sha256) == 64 and int(pin.sha256, 16) >= 0
    assert PINS["@viz-js/viz"].filename == "viz-js-viz-3.31.0.tgz"
    assert PINS["sympy"].filename == "sympy-1.14.0-py3-none-any.whl"


def test_a_cached_file_is_used_only_with_the_pinned_checksum(tmp_path: Path, monkeypatch) -> None:
    def no_download(command, what):  # the cache is filled: nothing may be fetched
        raise AssertionError(f"tried to {what}")

    monkeypatch.setattr(site, "run_command", no_download)
    data = b"a wheel's bytes"
    pin = Pin("pypi", "demo", "1.0", hashlib.sha256(data).hexdigest())
    (tmp_path / pin.filename).write_bytes(data)
    assert site.fetched(pin, tmp_path) == tmp_path / pin.filename
    (tmp_path / pin.filename).write_bytes(data + b" changed")
    with pytest.raises(GradvizError, match=r"not the pinned .* of demo 1.0: delete it and build again"):
        site.fetched(pin, tmp_path)


def test_the_cache_folder_follows_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GRADVIZ_CACHE", str(tmp_path / "here"))
    assert site.cache_folder() == tmp_path / "here"
    monkeypatch.delenv("GRADVIZ_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert site.cache_folder() == tmp_path / "xdg" / "gradviz"


@pytest.mark.slow
def test_browser_entry_points_answer_with_data_and_the_clis_errors() -> None:
    from gradviz.outputs.browser import derivation_page, frames_page

    at = {"θ1": "2", "θ2": "-1", "x": "3", "y": "1"}
    page = frames_page("(θ1θ2x − y)²", at)
    assert page["inputs"] == ["θ1", "θ2", "x", "y"] and len(page["frames"]) == 7
    assert page["frames"][0]["svg"].lstrip().startswith("<?xml")
    assert "## Gradients" in derivation_page("(θ1θ2x − y)²", at)["markdown"]
    bad = frames_page("(θ1θ2x − y", None)
    assert bad == {"error": "Error: '(' is never closed (line 1, column 1)\n  (θ1θ2x − y\n  ^", "status": 2}


def test_a_bug_becomes_the_clis_internal_error_line(monkeypatch) -> None:
    from gradviz.outputs import browser

    def broken(formula, values):
        raise KeyError("oops")

    monkeypatch.setattr(browser, "_result", broken)
    assert browser.frames_page("x", None) == {
        "error": "Error: internal error (KeyError: 'oops'); please report it with the formula", "status": 3}
