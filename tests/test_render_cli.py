"""``gradviz render`` through click's CliRunner and once as a real process.

Until the parser (gradviz.syntax) exists, ``gradviz.parse`` is stood in for by the
hand-built lecture graph."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import gradviz
from gradviz.cli import cli

import tools

LECTURE = "(θ1θ2x − y)²"
HAVE_PARSER = importlib.util.find_spec("gradviz.syntax") is not None and (
    Path(gradviz.__file__).parent / "syntax" / "__init__.py").exists()
STAND_IN = ("import gradviz, sys; sys.path.insert(0, %r); from test_render import lecture; "
            "gradviz.parse = lambda text: lecture(); ")


@pytest.fixture(autouse=True)
def parser(monkeypatch):
    if not HAVE_PARSER:
        from test_render import lecture

        monkeypatch.setattr(gradviz, "parse", lambda text: lecture())


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_render_writes_frames_and_says_where(tmp_path) -> None:
    out = tmp_path / "out"
    result = run("render", LECTURE, "--at", "θ1=2,θ2=-1", "--at", "x=3,y=1", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"7 frames in {out}" in result.output and str(out / "06-gradients.svg") in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [f["kind"] for f in manifest["frames"]] == ["structure", "forward"] + ["backward"] * 4 + ["gradients"]
    assert (out / "derivation.md").exists() and (out / "derivation.tex").exists()


@pytest.mark.slow
def test_render_final_png_with_dpi(tmp_path) -> None:
    result = run("render", LECTURE, "--at", "θ1=2,θ2=-1,x=3,y=1", "-o", str(tmp_path), "--format", "png",
                 "--dpi", "72", "--frames", "final")
    assert result.exit_code == 0, result.output
    assert "1 frame in" in result.output
    assert (tmp_path / "06-gradients.png").read_bytes()[:4] == b"\x89PNG"


def test_render_without_values_is_symbolic(tmp_path) -> None:
    result = run("render", LECTURE, "-o", str(tmp_path), "--frames", "final")
    assert result.exit_code == 0, result.output
    svg = (tmp_path / "06-gradients.svg").read_text(encoding="utf-8")
    assert "2cx" in svg and "= 49" not in svg


def test_render_errors_are_clean(tmp_path) -> None:
    result = run("render", LECTURE, "-o", str(tmp_path), "--format", "svg", "--dpi", "300")
    assert result.exit_code == 1 and "Error: --dpi applies to png output only" in result.output
    result = run("render", LECTURE, "-o", str(tmp_path), "--format", "gif")
    assert result.exit_code == 2 and "gif" in result.output
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_render_with_system_dot(tmp_path) -> None:
    tools.system_dot()
    result = run("render", LECTURE, "--at", "θ1=2,θ2=-1,x=3,y=1", "-o", str(tmp_path), "--renderer", "dot")
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_render_as_a_real_process_without_dot_on_path(tmp_path) -> None:
    args = ["render", LECTURE, "--at", "θ1=2,θ2=-1,x=3,y=1", "-o", str(tmp_path), "--format", "png"]
    env = {**os.environ, "PATH": str(tmp_path / "nothing"), "PYTHONIOENCODING": "utf-8"}
    if HAVE_PARSER:
        command = [str(Path(sys.executable).with_name("gradviz"))] + args
    else:
        code = STAND_IN % str(Path(__file__).parent) + f"from gradviz.cli import main; main({args!r})"
        command = [sys.executable, "-c", code]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "7 frames in" in done.stdout
    assert len(list(tmp_path.glob("[0-9]*.png"))) == 7
    assert (tmp_path / "derivation.png").is_file()
