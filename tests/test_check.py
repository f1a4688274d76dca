"""``gradviz grad --check``: backprop, sympy.diff and a central difference per input, with a verdict."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp
from click.testing import CliRunner

from gradviz import parse
from gradviz.cli import cli
from gradviz.outputs import check as checking

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_check_json_carries_three_derivatives_that_match_an_oracle() -> None:
    done = subprocess.run([sys.executable, "-c", "from gradviz.cli import main; main()", "grad",
                           "-y log(ŷ) - (1 - y) log(1 - ŷ)", "--at", "y=1,ŷ=0.8", "--check", "--json"],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)["check"]
    y, p = sp.symbols("y p")
    oracle = -y * sp.log(p) - (1 - y) * sp.log(1 - p)
    for name, symbol in (("y", y), ("ŷ", p)):
        want = float(sp.diff(oracle, symbol).subs({y: 1, p: sp.Rational(4, 5)}))
        row = report[name]
        assert row["verdict"] == "ok" and row["step"] > 0
        assert math.isclose(row["backprop"], want, rel_tol=1e-12) and math.isclose(row["sympy"], want, rel_tol=1e-12)
        assert math.isclose(row["finite_difference"], want, rel_tol=1e-6)
        assert row["rel_sympy"] <= 1e-9 and row["rel_difference"] <= 1e-5


def test_check_table_and_its_verdicts() -> None:
    out = CliRunner().invoke(cli, ["grad", "(θ1θ2x − y)²", "--at", "θ1=2,θ2=-1,x=3,y=1", "--check"]).output
    assert "∂/∂θ1: backprop 42, sympy.diff 42" in out and "verdict: all gradients agree" in out
    kink = CliRunner().invoke(cli, ["grad", "relu(x - y)", "--at", "x=1,y=1", "--check"]).output
    assert "kink: L = relu(…)" in kink and "MISMATCH" not in kink and "not compared" in kink
    missing = CliRunner().invoke(cli, ["grad", "x^2", "--check"])
    assert missing.exit_code == 2 and "--check needs the point" in missing.output


def test_a_wrong_derivative_is_a_mismatch(monkeypatch) -> None:
    result = parse("x^3 + y").backward({"x": 2.0, "y": 1.0})
    right = checking.gradient_check(result)
    assert [r.verdict for r in right] == ["ok", "ok"]
    real = checking.forward
    monkeypatch.setattr(checking, "forward", lambda graph, point: {
        nid: v * (1 + point["x"]) for nid, v in real(graph, point).items()})  # another function
    assert "mismatch" in [r.verdict for r in checking.gradient_check(result)]
    assert "MISMATCH for" in checking.check_table(checking.gradient_check(result))
