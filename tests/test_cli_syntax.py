"""Formulas as typed in a shell: a leading minus, ``--`` anywhere, ``;`` in ``--at`` (real processes)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from gradviz.cli import cli
from gradviz.cli.options import MINUS_HELP, positional_last

ROOT = Path(__file__).resolve().parents[1]
MAIN = [sys.executable, "-c", "from gradviz.cli import main; main()"]
BCE = "-y log(ŷ) - (1 - y) log(1 - ŷ)"


def shell(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(MAIN + list(args), capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


@pytest.mark.slow
def test_grad_reads_the_lectures_bce_as_typed() -> None:
    y, p = sp.symbols("y p")
    oracle = -y * sp.log(p) - (1 - y) * sp.log(1 - p)
    point = {y: 1, p: sp.Rational(4, 5)}
    for args in (["grad", BCE, "--at", "y=1,ŷ=0.8", "--json"], ["grad", "--json", "--", BCE, "--at", "y=1,ŷ=0.8"],
                 ["grad", "--at", "y=1;ŷ=0.8", "--json", "--", BCE], ["grad", "--at=y=1,ŷ=0.8", BCE, "--json"]):
        done = shell(*args)
        assert done.returncode == 0, (args, done.stderr)
        data = json.loads(done.stdout)
        assert math.isclose(data["value"], float(oracle.subs(point)), rel_tol=1e-12)
        assert math.isclose(data["grad"]["ŷ"], float(sp.diff(oracle, p).subs(point)), rel_tol=1e-12)
        assert math.isclose(data["grad"]["y"], float(sp.diff(oracle, y).subs(point)), rel_tol=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("formula, at, value", [("-0.5 + x1 - x2", "x1=1,x2=2", -1.5),
                                                ("-(1 − p)^2 log(p)", "p=0.5", -0.25 * math.log(0.5)),
                                                ("-x1", "x1=1", -1.0)])
def test_leading_minus_formulas(formula: str, at: str, value: float) -> None:
    done = shell("grad", formula, "--at", at, "--json")
    assert done.returncode == 0, done.stderr
    assert math.isclose(json.loads(done.stdout)["value"], value, rel_tol=1e-12)


@pytest.mark.slow
def test_every_formula_command_takes_a_leading_minus(tmp_path: Path) -> None:
    at = ["--at", "w=2,x=3,b=1"]
    for args, made in [(["render", "-w x + b", *at, "-o", "r", "--format", "dot"], "r/manifest.json"),
                       (["html", "-w x + b", *at, "-o", "h"], "h/index.html"),
                       (["gif", "-w x + b", *at, "-o", "g.gif"], "g.gif"),
                       (["slides", "-o", "s", "--format", "pptx", *at, "-w x + b"], "s/slides.pptx"),
                       (["descend", "-(1 − w)^2 log(w)", "--at", "w=0.5", "--wrt", "w", "--steps", "2"], None),
                       (["params", "-w x + b"], None)]:
        done = shell(*args, cwd=tmp_path)
        assert done.returncode == 0, (args, done.stderr)
        assert made is None or (tmp_path / made).is_file(), args
    assert shell("params", "-w x + b", cwd=tmp_path).stdout.startswith("3 inputs (w, x, b)")


@pytest.mark.slow
def test_unknown_options_still_name_themselves_and_help_explains() -> None:
    done = shell("grad", "x", "--jsn")
    assert done.returncode == 2 and "No such option '--jsn'" in done.stderr
    assert "-- before it works too" in shell("grad", "--help").stdout.replace("\n ", " ").replace("  ", " ")
    for name in ("grad", "render", "slides", "gif", "html", "descend", "params"):
        assert MINUS_HELP in (cli.commands[name].epilog or ""), name


def test_options_and_their_values_keep_their_place() -> None:
    cmd = cli.commands["render"]
    assert positional_last(cmd, ["-x", "-o", "-d", "--at", "x=-1", "--format=png"]) == [
        "-o", "-d", "--at", "x=-1", "--format=png", "--", "-x"]
    assert positional_last(cmd, ["--", "--x", "-o", "out"]) == ["-o", "out", "--", "--x"]
    assert positional_last(cmd, ["-h"]) == ["-h"]


@pytest.mark.slow
def test_at_semicolons_are_separators() -> None:
    done = shell("grad", "(θ1θ2x − y)²", "--at", "θ1=2;θ2=-1; x=3;y=1", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["value"] == 49.0
