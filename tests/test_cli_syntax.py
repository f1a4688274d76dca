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
    assert done.stdout.startswith("3 inputs (w, x, b)")  # the last: params


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


# -- formulas as the books print them (issue 23), through a real shell ---------------------------------------

def _sym(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def _agrees_in_the_shell(formula: str, at: dict[str, float], keys: dict[str, str], oracle: sp.Expr) -> None:
    """``gradviz grad FORMULA --at …`` (values keyed by ``keys``' spellings) gives sympy's value and gradients."""
    done = shell("grad", formula, "--at", ",".join(f"{keys.get(n, n)}={v}" for n, v in at.items()), "--json")
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr
    data = json.loads(done.stdout)
    point = {_sym(n): sp.Float(v, 30) for n, v in at.items()}
    assert set(data["grad"]) == {str(s) for s in oracle.free_symbols}
    assert math.isclose(data["value"], float(oracle.subs(point)), rel_tol=1e-12)
    for name, value in data["grad"].items():
        assert math.isclose(value, float(sp.diff(oracle, _sym(name)).subs(point)), rel_tol=1e-9, abs_tol=1e-12), name


def _sigmoid(z: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-z))


@pytest.mark.slow
@pytest.mark.parametrize("formula, at, keys, oracle", [
    (r"\mathbf{O} = \mathbf{H}\mathbf{W}^{(2)} + \mathbf{b}^{(2)}", {"H": 0.5, "W^(2)": 0.3, "b^(2)": 0.1},
     {"b^(2)": "b^{(2)}"}, _sym("H") * _sym("W^(2)") + _sym("b^(2)")),
    ("z^{(L)} = w^{(L)} a^{(L-1)} + b^{(L)}; a^{(L)} = \\sigma(z^{(L)}); C_0 = (a^{(L)} - y)^2",
     {"w^(L)": 0.8, "a^(L-1)": 0.6, "b^(L)": -0.2, "y": 1.0}, {"a^(L-1)": "a⁽ᴸ⁻¹⁾", "w^(L)": "w^{(L)}"},
     (_sigmoid(_sym("w^(L)") * _sym("a^(L-1)") + _sym("b^(L)")) - _sym("y")) ** 2),
    (r"\text{Mish}(x) = x * \text{Tanh}(\text{Softplus}(x))", {"x": 0.7}, {},
     _sym("x") * sp.tanh(sp.log(1 + sp.exp(_sym("x"))))),
    ("y(x, \\mathbf{w}) = \\sum_{j=0}^{M} w_j x^j; E(\\mathbf{w}) = \\frac{1}{2}\\sum_{n=1}^{N} \\{y(x_n, \\mathbf{w}) - t_n\\}^2",
     {"w0": 0.1, "w1": -0.5, "x1": 0.4, "x2": 1.2, "t1": 0.2, "t2": -0.1}, {"w0": "w_0", "x1": "x_{1}"},
     sum((_sym("w0") + _sym("w1") * _sym(f"x{n}") - _sym(f"t{n}")) ** 2 for n in (1, 2)) / 2),
    (r"\theta_t \leftarrow \theta_{t-1} - \alpha \cdot \widehat{m}_t / (\sqrt{\widehat{v}_t} + \epsilon)",
     {"θ_t-1": 0.5, "α": 0.01, "m̂_t": 0.3, "v̂_t": 0.04, "ε": 1e-8}, {"θ_t-1": "theta_{t-1}", "m̂_t": "\\hat{m}_t"},
     _sym("θ_t-1") - _sym("α") * _sym("m̂_t") / (sp.sqrt(_sym("v̂_t")) + _sym("ε"))),
    ("np.log(1 + np.exp(x)) + \\log_2 y", {"x": 0.3, "y": 4.0}, {},
     sp.log(1 + sp.exp(_sym("x"))) + sp.log(_sym("y")) / sp.log(2)),
])
def test_printed_formulas_in_the_shell(formula: str, at: dict, keys: dict, oracle: sp.Expr) -> None:
    _agrees_in_the_shell(formula, at, keys, oracle)


@pytest.mark.slow
def test_letters_that_spell_a_function_are_said_in_the_shell() -> None:
    refused = shell("grad", "sigmod(w1 x1 + b)", "--at", "w1=1,x1=2,b=0")
    assert refused.returncode == 2
    assert "'sigmod' is read as s·i·g·m·o·d — did you mean sigmoid(…)?" in refused.stderr
    assert "Traceback" not in refused.stderr
    said = shell("grad", "sigmod(w1 x1 + b)", "--at", "w1=1,x1=2,b=0,s=1,i=1,g=1,m=1,o=1,d=1", "--json")
    assert said.returncode == 0 and json.loads(said.stdout)["value"] == 2.0
    assert said.stderr.startswith("Warning: 'sigmod' is read as s·i·g·m·o·d — did you mean sigmoid(…)?")


def test_an_ambiguous_superscript_is_a_parse_error_with_both_spellings() -> None:
    from click.testing import CliRunner

    done = CliRunner().invoke(cli, ["grad", "a^(L) + x", "--at", "a=1,L=2,x=0"])
    assert done.exit_code == 2
    assert "write a^{(L)} for the indexed name" in done.output and "a^{L} for the power" in done.output
    done = CliRunner().invoke(cli, ["grad", "a^{(L)} + x", "--at", "a^(L)=1,x=0", "--json"])
    assert done.exit_code == 0 and json.loads(done.output)["grad"] == {"a^(L)": 1.0, "x": 1.0}
