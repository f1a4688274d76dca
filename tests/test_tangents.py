"""Forward mode (``eval.tangents`` and what shows it): tangents against sympy.diff of each node's
formula and central differences of each node's value, ∂L/∂θ against the reverse sweep and
sympy.diff, the derivation's arithmetic recomputed from its printed numbers, the frames (count,
order, the layout shared with the backward frames, fitted on a slide) and the command line."""

from __future__ import annotations

import json
import math
import re
import shlex
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import networkx as nx
import pytest
import sympy as sp
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzzing
import gradviz
from gradviz.cli import cli
from gradviz.errors import EvaluationError, GradvizError
from gradviz.eval.tangents import tangents
from gradviz.text.numbers import shown_digits
from gradviz.render.figure import Figure
from gradviz.render.fitting import readable_px
from gradviz.render.frames import frames as frames_of
from gradviz.render.measure import fit
from ladder import CHECKED
from test_derivation import hostile
from tools import compile_latex

LECTURE = "(θ1θ2x − y)²"
AT = {"θ1": 2, "θ2": -1, "x": 3, "y": 1}
SVG = "{http://www.w3.org/2000/svg}"
T1, T2, X, Y = sp.symbols("θ1 θ2 x y", real=True)
HOSTILE_AT = {r"\input{/etc/passwd}": 1, "#": 2, "<b>*x*</b>": 3}


def _node_values(graph, at: dict[str, float]) -> dict[str, float]:
    """Every node's value by name, from the forward pass alone (no derivative involved)."""
    result = graph.backward(at, symbolic=False)
    return {graph.nodes[nid].name: v for nid, v in result.values.items()}


# -- the numbers ------------------------------------------------------------------------

def test_the_lecture_example_step_by_step() -> None:
    t = gradviz.parse(LECTURE).forward_mode(AT, wrt="theta_1")
    assert [(s.name, s.tangent) for s in t.steps] == [("a", -1.0), ("b", -3.0), ("c", -3.0), ("L", 42.0)]
    assert t.by_name["θ1"] == 1.0 and t.by_name["x"] == 0.0
    expr = (T1 * T2 * X - Y) ** 2
    point = {T1: 2, T2: -1, X: 3, Y: 1}
    r = gradviz.parse(LECTURE).backward(AT)
    for name, symbol in zip(("θ1", "θ2", "x", "y"), (T1, T2, X, Y)):
        value = r.tangents(name).value
        assert value == r.grad[name] == float(sp.diff(expr, symbol).subs(point))


def test_every_input_of_a_gallery_formula_agrees_with_reverse_mode_and_sympy() -> None:
    text = "p = σ(w0 + w1x1 + w2x2); L = −y log(p) − (1 − y) log(1 − p)"
    at = {"w0": 0.1, "w1": -0.4, "x1": 1.2, "w2": 0.8, "x2": -0.6, "y": 1}
    w0, w1, x1, w2, x2, y = sp.symbols("w0 w1 x1 w2 x2 y", real=True)
    p = 1 / (1 + sp.exp(-(w0 + w1 * x1 + w2 * x2)))
    expr = -y * sp.log(p) - (1 - y) * sp.log(1 - p)
    subs = {sp.Symbol(k, real=True): v for k, v in at.items()}
    graph = gradviz.parse(text)
    result = graph.backward(at)
    for name in graph.inputs:
        t = result.tangents(name)
        assert math.isclose(t.value, result.grad[name], rel_tol=1e-12, abs_tol=1e-15)
        assert math.isclose(t.value, float(sp.diff(expr, sp.Symbol(name, real=True)).subs(subs)), rel_tol=1e-9)


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(fuzzing.cases(max_leaves=5), fuzzing.points(), st.data())
def test_random_formulas_every_node_against_sympy_and_central_differences(case, point, data) -> None:
    text, tree, _ = case
    graph = gradviz.parse(text)
    at = {name: point[name] for name in graph.inputs}
    subs = {fuzzing.SYMBOLS[n]: v for n, v in at.items()}
    if not at or any(abs(float(sp.N(k.subs(subs), 30))) < 1e-3 for k in fuzzing.kinks(tree)):
        return
    try:
        result = graph.backward(at)
        seed = data.draw(st.sampled_from(graph.inputs))
        t = result.tangents(seed)
    except EvaluationError:
        return
    h = 1e-6 * max(1.0, abs(at[seed]))
    try:
        up = _node_values(graph, {**at, seed: at[seed] + h})
        down = _node_values(graph, {**at, seed: at[seed] - h})
    except EvaluationError:
        up = down = None
    expansions = graph.symbolic.expansions  # each node's formula in the inputs
    symbol = sp.Symbol(seed, real=True)
    for nid, tangent in t.tangents.items():
        node = graph.nodes[nid]
        expected = float(sp.N(sp.diff(expansions[nid], symbol).subs(subs), 30))
        assert math.isclose(tangent, expected, rel_tol=1e-6, abs_tol=1e-6), (text, seed, node.name, tangent, expected)
        if up is not None and abs(expected) < 1e5:
            fd = (up[node.name] - down[node.name]) / (2 * h)
            scale = max(1.0, abs(result.values[nid]), abs(tangent))
            assert math.isclose(tangent, fd, rel_tol=1e-4, abs_tol=1e-4 * scale), (text, seed, node.name, fd)
    oracle = float(sp.N(sp.diff(fuzzing.oracle(tree), symbol).subs(subs), 30))  # the tree's own formula
    assert math.isclose(t.value, oracle, rel_tol=1e-6, abs_tol=1e-6), (text, seed)
    assert math.isclose(t.value, result.grad[seed], rel_tol=1e-9, abs_tol=1e-12), (text, seed)


def test_exact_mode_gives_exact_tangents() -> None:
    t = gradviz.parse("x/3 + x y").forward_mode({"x": "1/2", "y": 2}, wrt="x", exact=True)
    assert t.value == sp.Rational(7, 3)


def test_without_values_the_tangents_are_expressions_in_the_intermediates() -> None:
    t = gradviz.parse(LECTURE).forward_mode(wrt="x")
    assert t.tangents is None and t.value is None
    assert [sp.simplify(s.tangent_expr - e) for s, e in zip(t.steps, (sp.Symbol("a", real=True),) * 2)] == [0, 0]


def test_forward_mode_names_its_input_and_its_trouble() -> None:
    graph = gradviz.parse(LECTURE)
    with pytest.raises(GradvizError, match="wrt="):
        graph.forward_mode(AT)
    with pytest.raises(GradvizError, match="not an input"):
        graph.forward_mode(AT, wrt="q")


# -- the derivation -----------------------------------------------------------------------

_FACTOR = r"\(?(−?[\d.]+(?:e[−-]?\d+)?)\)?"
_TERM = re.compile(rf"([+−]?)\s*{_FACTOR} × {_FACTOR}")


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace("−", "-"))


def _check_arithmetic(line: str) -> bool:
    """Recompute ``… = A × B + C × D = E`` from the printed numbers; False if the line has none."""
    sides = line.split(" = ")
    products, total = sides[-2], sides[-1]
    if "×" not in products:
        return False
    terms = _TERM.findall(products)
    assert len(terms) == products.count("×"), line
    computed = sum((-1 if sign == "−" else 1) * _decimal(a) * _decimal(b) for sign, a, b in terms)
    shown = _decimal(total)
    digits = max(shown_digits(), len(re.sub(r"e.*$", "", total).replace("−", "").replace(".", "").strip("0")))
    assert computed == 0 == shown or computed.quantize(Decimal(1).scaleb(computed.adjusted() - digits + 1),
                                                       rounding=ROUND_HALF_UP) == shown, (line, computed)
    return True


@pytest.mark.parametrize("text, at, wrt", [
    (LECTURE, AT, "θ1"), (LECTURE, AT, "y"),
    ("p = σ(w0 + w1x1 + w2x2); L = −y log(p) − (1 − y) log(1 − p)",
     {"w0": 0.1, "w1": -0.4, "x1": 1.2, "w2": 0.8, "x2": -0.6, "y": 1}, "w1"),
    ("h1 = tanh(w h0 + u x1); h2 = tanh(w h1 + u x2); L = (h2 − y)²",
     {"w": 0.5, "h0": 0.1, "u": -0.3, "x1": 1, "x2": 2, "y": 0.5}, "w"),
    ("x x + sin(x y)", {"x": 2, "y": 3}, "x"),
])
def test_each_derivation_line_adds_up_from_its_printed_numbers(text, at, wrt) -> None:
    t = gradviz.parse(text).forward_mode(at, wrt=wrt)
    sections = dict(t.derivation().sections())
    lines = sections["Tangents"]
    assert lines[0] == f"∂{wrt}/∂{wrt} = 1"
    assert sum(_check_arithmetic(line) for line in lines[1:]) == len(t.steps)
    assert lines[-1].startswith(f"∂{t.graph.output}/∂{wrt} = ")


def test_the_lecture_derivation_reads_as_the_slide() -> None:
    t = gradviz.parse(LECTURE).forward_mode(AT, wrt="θ1")
    text = t.derivation().text
    for line in ("∂a/∂θ1 = ∂a/∂θ1 · 1 = θ2 = −1 × 1 = −1",
                 "∂b/∂θ1 = ∂b/∂a · ∂a/∂θ1 = x · θ2 = xθ2 = 3 × (−1) = −3",
                 "∂L/∂θ1 = ∂L/∂c · ∂c/∂θ1 = 2c · xθ2 = 2cxθ2 = −14 × (−3) = 42",
                 "4 inputs need 4 sweeps of 4 operations, 16 node steps.",
                 "This sweep: ∂L/∂θ1 = 42; the reverse sweep: ∂L/∂θ1 = 42."):
        assert line in text, line
    markdown = t.derivation().markdown
    assert "\\frac{\\partial b}{\\partial a} \\cdot \\frac{\\partial a}{\\partial \\theta_{1}}" in markdown


@pytest.mark.slow
def test_the_forward_derivation_compiles_even_with_hostile_names(tmp_path: Path) -> None:
    from gradviz.derive.documents import tangent_latex, tangent_markdown

    results = {"lecture": gradviz.parse(LECTURE).forward_mode(AT, wrt="θ1"),
               "symbolic": gradviz.parse(LECTURE).forward_mode(wrt="x"),
               "hostile": tangents(hostile().backward(HOSTILE_AT), "#")}
    for name, t in results.items():
        tex = tmp_path / f"{name}.tex"
        tex.write_text(tangent_latex(t), encoding="ascii")
        assert "Output written" in compile_latex(tex), name
    evil = results["hostile"]
    assert r"\input" not in tangent_latex(evil) and r"\input" not in tangent_markdown(evil)


# -- the frames ---------------------------------------------------------------------------

def _depending(graph, seed: str) -> list[str]:
    """Op nodes on a path from ``seed`` to the output, in topological order (networkx's answer)."""
    g = graph.nx
    seed_id = graph.node(seed).id
    reach = nx.descendants(g, seed_id) & (nx.ancestors(g, graph.output_id) | {graph.output_id})
    return [nid for nid in graph.order if nid in reach and graph.nodes[nid].kind == "op"]


def _shapes(svg: bytes) -> dict[str, str]:
    """Each node's outline (its path or polygon), by node id."""
    root = ET.fromstring(svg)
    out = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "node":
            shape = next((e for e in g if e.tag in (f"{SVG}path", f"{SVG}polygon")), None)
            if shape is not None:
                out[g.get("id")] = shape.get("d") or shape.get("points")
    return out


@pytest.mark.parametrize("text, at, wrt", [
    (LECTURE, AT, "θ1"), (LECTURE, AT, "x"),
    ("h1 = tanh(w h0 + u x1); h2 = tanh(w h1 + u x2); L = (h2 − y)²",
     {"w": 0.5, "h0": 0.1, "u": -0.3, "x1": 1, "x2": 2, "y": 0.5}, "u"),
])
def test_one_frame_per_node_in_topological_order_on_the_backward_frames_layout(text, at, wrt) -> None:
    t = gradviz.parse(text).forward_mode(at, wrt=wrt)
    views = t.frames()
    kinds = [v.frame.kind for v in views]
    order = _depending(t.graph, wrt)
    assert kinds == ["structure", "seed"] + ["tangent"] * len(order) + ["tangents"]
    assert [v.frame.node for v in views if v.frame.kind == "tangent"] == order
    backward = t.backward_frames()
    assert [v.frame.kind for v in backward] == [f.kind for f in frames_of(t.result)]
    positions = _shapes(backward[0].svg.encode("utf-8"))
    assert len(positions) == len(t.graph.nodes)
    assert all(_shapes(v.svg.encode("utf-8")) == positions for v in backward + views)


def test_the_active_step_shows_local_times_tangent_on_its_edge() -> None:
    t = gradviz.parse(LECTURE).forward_mode(AT, wrt="θ1")
    svg = t.show(step=1).svg  # b = a·x
    root = ET.fromstring(svg)
    edge = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "edge" and g.get("id") == "n2-n4-0")
    text = " ".join("".join(e.itertext()) for e in edge.iter(f"{SVG}text"))
    assert "3 × (−1) = −3" in text
    nodes = {g.get("id"): " ".join("".join(e.itertext()) for e in g.iter(f"{SVG}text"))
             for g in root.iter(f"{SVG}g") if g.get("class") == "node"}
    assert "∂b/∂θ₁ = −3" in nodes["n4"] and "∂" not in nodes["n6"]  # c's tangent is still to come


@pytest.mark.slow
@pytest.mark.parametrize("rung", CHECKED, ids=[rung.name for rung in CHECKED])
def test_forward_frames_fit_the_slide(rung) -> None:
    result = rung.make()
    seed = result.graph.inputs[0]
    figure = Figure(result, tangents=tangents(result, seed))
    operations = sum(1 for n in result.graph.nodes.values() if n.kind == "op")
    for item in figure.render_all([figure.frames[2], figure.frames[-1]]):
        measured = fit(item.data)
        assert measured.node_text_px >= readable_px(operations), (item.frame.slug, measured)
        assert measured.truncated == 0 and measured.baseline_shifts == 0
        assert measured.misplaced_labels == (), item.frame.slug


# -- the command line -----------------------------------------------------------------------

def test_render_forward_needs_its_input_and_refuses_what_does_not_apply(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["render", LECTURE, "--at", "θ1=2,θ2=-1,x=3,y=1", "-o", str(tmp_path / "o"), "--mode", "forward"]
    done = runner.invoke(cli, base)
    assert done.exit_code == 2 and "--wrt" in done.output
    done = runner.invoke(cli, base + ["--wrt", "θ1", "--blank", "grads"])
    assert done.exit_code == 2 and "--mode reverse only" in done.output
    done = runner.invoke(cli, base + ["--wrt", "q"])
    assert done.exit_code == 1 and done.output.startswith("Error: ") and "not an input" in done.output
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_gif_takes_the_mode_too(tmp_path: Path) -> None:
    from PIL import Image

    done = CliRunner().invoke(cli, ["gif", LECTURE, "--at", "θ1=2,θ2=-1,x=3,y=1", "--mode", "forward", "--wrt", "x",
                                    "-o", str(tmp_path / "f.gif")])
    assert done.exit_code == 0, done.output
    with Image.open(tmp_path / "f.gif") as image:
        assert image.n_frames == 2 + 3 + 1  # structure, seed, b c L, tangents


def readme_forward_example() -> str:
    """The README's forward-mode example (its section's one bash line)."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Forward mode", 1)[1].split("\n#", 1)[0]
    (command,) = re.findall(r"```bash\n(.*?)\n```", section, re.S)
    return command


def test_the_readme_example_is_run_as_typed_by_the_readme_tests() -> None:
    """``test_readme_commands`` runs it in a shell and checks its run with ``check_the_readme_example``."""
    from test_readme_commands import readme_examples

    command = readme_forward_example()
    assert shlex.split(command)[:2] == ["gradviz", "render"] and command in readme_examples()


def check_the_readme_example(stdout: str, folder: Path) -> None:
    """What the README's forward-mode example, run in ``folder``, printed and wrote."""
    assert stdout.startswith("7 frames in fwd")
    manifest = json.loads((folder / "fwd" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["mode"] == "forward" and manifest["wrt"] == "θ1"
    assert [f["kind"] for f in manifest["frames"]] == ["structure", "seed"] + ["tangent"] * 4 + ["tangents"]
    assert all((folder / "fwd" / f["file"]).read_bytes().startswith(b"\x89PNG") for f in manifest["frames"])
    assert "16 node steps" in " ".join(manifest["frames"][-1]["equations"])
    markdown = (folder / "fwd" / "derivation.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Forward-mode differentiation of") and "= 42$$" in markdown
