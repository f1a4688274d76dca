"""The command line through click's CliRunner, and once as a real process."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sympy as sp
from click.testing import CliRunner

from gradviz.cli import cli

LECTURE = "(θ1θ2x − y)²"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_grad_prints_values_gradients_and_the_slide_forms() -> None:
    result = run("grad", LECTURE, "--at", "θ1=2,θ2=-1", "--at", "x=3", "--at", "y=1")
    assert result.exit_code == 0, result.output
    out = result.output
    for line in ["L = c² = 49", "a = θ1·θ2 = −2", "∂L/∂θ1 = 2c·x·θ2 = 2(θ1θ2x − y)·x·θ2 = 42",
                 "∂L/∂θ2 = 2c·x·θ1 = 2(θ1θ2x − y)·x·θ1 = −84", "∂L/∂x = 2c·a = 2(θ1θ2x − y)·θ1θ2 = 28",
                 "∂L/∂y = −2c = −2(θ1θ2x − y) = 14"]:
        assert line in out, (line, out)


def test_grad_json_has_the_contract_shape() -> None:
    result = run("grad", LECTURE, "--at", "theta1=2,theta_2=-1,x=3,y=1", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["output"] == "L" and data["value"] == 49.0
    assert data["grad"] == {"θ1": 42.0, "θ2": -84.0, "x": 28.0, "y": 14.0}
    assert data["symbolic"]["θ1"] == "2*x*θ2*(x*θ1*θ2 - y)"
    t1, t2, x, y = sp.symbols("θ1 θ2 x y")
    for name, text in data["symbolic"].items():  # sympy-parsable, and equal to sympy.diff
        assert sp.simplify(sp.sympify(text) - sp.diff((t1 * t2 * x - y) ** 2, sp.Symbol(name))) == 0


def test_grad_json_symbolic_strings_read_back_when_names_are_not_identifiers() -> None:
    at = {"W^[1]": 0.5, "x": 1.0, "b^(1)": 0.1, "W^[2]": 2.0, "y": 1.0}
    result = run("grad", "h = tanh(W^{[1]} x + b^{(1)}); L = (W^{[2]} h − y)^2", "--at",
                 "W^{[1]}=0.5,x=1,b^{(1)}=0.1,W^{[2]}=2,y=1", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    symbols = data["symbols"]  # identifier → the input's name, for the names sympy cannot read
    assert sorted(symbols.values()) == sorted(n for n in data["inputs"] if not n.isidentifier()) == \
        ["W^[1]", "W^[2]", "b^(1)"]
    assert all(new.isidentifier() and new not in data["inputs"] for new in symbols)
    point = {sp.Symbol(new): at[old] for new, old in symbols.items()} | {sp.Symbol("x"): 1.0, sp.Symbol("y"): 1.0}
    for name, text in data["symbolic"].items():  # read back, each is the gradient the numbers give
        value = float(sp.sympify(text, locals={new: sp.Symbol(new) for new in symbols}).subs(point))
        assert value == pytest.approx(data["grad"][name], rel=1e-9), (name, text)


def test_grad_without_values_is_symbolic_only() -> None:
    result = run("grad", "σ(w x + b0)")
    assert result.exit_code == 0, result.output
    assert "∂L/∂w = " in result.output and "= " in result.output


def test_exact_values() -> None:
    result = run("grad", "x/3", "--at", "x=1/2", "--exact", "--json")
    assert json.loads(result.output)["grad"] == {"x": "1/3"}


def test_formula_from_file_and_stdin(tmp_path) -> None:
    path = tmp_path / "loss.txt"
    path.write_text("a = θ1 θ2; b = a x\nc = b − y; L = c²\n", encoding="utf-8")
    assert "= 42" in run("grad", f"@{path}", "--at", "θ1=2,θ2=-1,x=3,y=1").output
    assert "= 42" in run("grad", "-", "--at", "θ1=2,θ2=-1,x=3,y=1", input=LECTURE).output


@pytest.mark.parametrize(
    "args, code, fragment",
    [
        (["grad", "(x + "], 2, "column"),
        (["grad", "x + y)"], 2, "^"),
        (["grad", "log(x)", "--at", "x=-1"], 1, "log of a non-positive number"),
        (["grad", "1/(x-y)", "--at", "x=1,y=1"], 1, "division by zero"),
        (["grad", "x + y", "--at", "x=1"], 1, "missing value for y"),
        (["grad", "x + y", "--at", "x=1,y=two"], 1, "not a number"),
        (["grad", "x + y", "--at", "x"], 2, "expected name=value"),
        (["grad", "@/nonexistent/file"], 1, "cannot read"),
    ],
)
def test_errors_are_one_clean_message(args, code, fragment) -> None:
    result = run(*args)
    assert result.exit_code == code, result.output
    assert fragment in result.output and "Traceback" not in result.output
    assert result.output.count("Error") == 1


@pytest.mark.slow
def test_help_and_version_do_not_import_sympy_and_grad_loads_no_renderer() -> None:
    probe = ("import sys\nfrom click.testing import CliRunner\nfrom gradviz.cli import cli\n"
             "for args in (['--help'], ['--version'], ['grad', '--help']):\n"
             "    r = CliRunner().invoke(cli, args); assert r.exit_code == 0, r.output\n"
             "print(sorted(m for m in ('sympy', 'networkx', 'graphviz', 'pygraphviz') if m in sys.modules))")
    probe += ("\nfor args in (['grad', '((x)'], ['grad', 'x', '--at', 'x=1e4a'], ['descend', 'x^2', '--at', 'x=1', "
              "'--wrt', 'x', '--steps', '1000000']):\n"  # refused before any work: said before sympy loads
              "    r = CliRunner().invoke(cli, args); assert r.exit_code in (1, 2) and 'Error' in r.output, r.output\n"
              "print(sorted(m for m in ('sympy', 'matplotlib') if m in sys.modules))")
    drawn = ("networkx", "pygraphviz", "matplotlib", "gradviz.notebook", "gradviz.render.figure")
    probe += ("\nr = CliRunner().invoke(cli, ['grad', 'x*y', '--at', 'x=2,y=3']); assert r.exit_code == 0, r.output\n"
              f"print(sorted(m for m in {drawn!r} if m in sys.modules))")  # grad draws nothing: no renderer loaded
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]", "[]", "[]"], out.stdout + out.stderr


@pytest.mark.slow
def test_real_process_with_exit_codes() -> None:
    main = [sys.executable, "-c", "from gradviz.cli import main; main()"]
    ok = subprocess.run(main + ["grad", LECTURE, "--at", "θ1=2,θ2=-1,x=3,y=1"], capture_output=True, text=True)
    assert ok.returncode == 0 and "= 42" in ok.stdout and ok.stderr == ""
    bad = subprocess.run(main + ["grad", "((x)"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.startswith("Error: ") and "Traceback" not in bad.stderr
    version = subprocess.run(main + ["--version"], capture_output=True, text=True)
    assert version.returncode == 0 and "gradviz" in version.stdout
