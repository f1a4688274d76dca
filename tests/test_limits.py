"""Documented limits: 10,000 levels of nesting and 100,000 terms go through every stage
iteratively and quickly; rendering refuses graphs over its node limit with advice; reports
of huge graphs stay short."""

from __future__ import annotations

import math

import pytest
from click.testing import CliRunner

import gradviz
from gradviz.cli import cli
from gradviz.derive.lecture import forward_lines, gradient_lines
from gradviz.errors import GradvizError
from gradviz.text.lines import plain
from gradviz.text.structure import WRITTEN_LIMIT, written
from gradviz.render.frames import RENDER_NODE_LIMIT, SINGLE_FRAME_NODE_LIMIT, check_drawable
from gradviz.outputs.report import grad_table

SUM = " + ".join(f"x{i % 100}" for i in range(100_000))


@pytest.mark.slow
def test_a_sum_of_100000_terms_through_every_numeric_stage() -> None:
    graph = gradviz.parse(SUM)
    result = graph.backward({f"x{i}": 1.0 for i in range(100)})
    assert result.value == 100_000 and set(result.grad.values()) == {1000.0}
    table = grad_table(result)
    assert len(table) < 20_000 and "more operations" in table  # bounded, not a 2 MB table
    assert len(written(graph, graph.output_id)[0]) <= WRITTEN_LIMIT + 1


@pytest.mark.slow
def test_10000_deep_nesting_through_backward_and_the_derivation() -> None:
    graph = gradviz.parse("tanh(" * 10_000 + "x" + ")" * 10_000)
    result = graph.backward({"x": 0.1})
    assert len(result.steps) == 10_000 and len(forward_lines(result)) == 10_000
    assert plain(gradient_lines(result)[0]).startswith("∂L/∂x = ")
    assert written(graph, graph.output_id)[0].endswith("…")


def test_rendering_refuses_graphs_over_the_node_limit_with_advice(tmp_path) -> None:
    graph = gradviz.parse(" + ".join(f"x{i}" for i in range(RENDER_NODE_LIMIT)))
    with pytest.raises(GradvizError, match="--frames final"):
        check_drawable(graph, frame_count=len(graph))
    check_drawable(graph, frame_count=1)  # one frame of it is fine
    huge = gradviz.parse(" + ".join(f"x{i}" for i in range(SINGLE_FRAME_NODE_LIMIT)))
    with pytest.raises(GradvizError, match="--view neurons"):
        check_drawable(huge, frame_count=1)
    cli_result = CliRunner().invoke(cli, ["render", "+".join(f"x{i}" for i in range(300)), "-o", str(tmp_path)])
    assert cli_result.exit_code == 1 and "--frames final" in cli_result.output
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_a_few_hundred_nodes_render_their_final_frame(tmp_path) -> None:
    text = "+".join(f"σ(w{i} x{i})" for i in range(1, 61))  # 299 nodes
    result = CliRunner().invoke(cli, ["render", text, "--frames", "final", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "manifest.json").exists()


def test_grad_all_shows_every_line() -> None:
    text = " + ".join(f"x{i}" for i in range(100))
    short = CliRunner().invoke(cli, ["grad", text])
    full = CliRunner().invoke(cli, ["grad", text, "--all"])
    assert "--all shows every line" in short.output and full.output.count("∂L/∂x") == 100


# -- issue 26: costs estimated before the work ----------------------------------------------------

def _nested(levels: int, calls: int = 2, body: str = "x*x + x") -> str:
    """``f1(x) = body; f2(x) = f1(f1(x)); …``: each definition applies the one before ``calls`` times."""
    defs = [f"f1(x) = {body}"] + [f"f{k}(x) = " + f"f{k - 1}(" * calls + "x" + ")" * calls for k in range(2, levels + 1)]
    return "; ".join(defs + [f"L = f{levels}(x)"])


@pytest.mark.parametrize("levels, calls", [(21, 2), (14, 3), (9, 5), (40, 2)])
def test_nested_definitions_beyond_the_budget_are_refused_before_expansion(levels: int, calls: int) -> None:
    with pytest.raises(gradviz.ParseError, match=r"applying 'f\d+' here comes to .*\(a = f\(x\); b = f\(a\)\)") as error:
        gradviz.parse(_nested(levels, calls))
    assert f"'f{levels}'" in str(error.value)  # refused at the outermost application: nothing was written out


@pytest.mark.parametrize("levels, calls", [(8, 2), (5, 3)])
def test_nested_definitions_within_the_budget_make_every_application(levels: int, calls: int) -> None:
    graph = gradviz.parse(_nested(levels, calls, body="x + 1"))
    assert graph.backward({"x": 0.5}).value == 0.5 + calls ** (levels - 1)  # one add per application


def test_following_the_advice_names_the_intermediates() -> None:
    """The refusal's advice, a = f(x); b = f(a), gives a graph that grows linearly with the nesting."""
    with pytest.raises(gradviz.ParseError):
        gradviz.parse(_nested(30))
    chained = "; ".join(["f(x) = x*x + x", "a1 = f(x)"] + [f"a{k} = f(a{k - 1})" for k in range(2, 31)])
    assert len(gradviz.parse(chained)) < 200


@pytest.mark.slow
@pytest.mark.parametrize("word", ["x" * 400_000, "xy" * 200_000, "θ" * 350_000])
def test_a_formula_of_one_huge_word_is_refused_with_advice(word: str) -> None:
    with pytest.raises(gradviz.ParseError, match="split it into smaller formulas"):
        gradviz.parse(word)


def test_a_long_word_splits_in_linear_time() -> None:
    """A word of 20,000 letters is 20,000 factors (it took 8 s when each letter rescanned the word)."""
    graph = gradviz.parse("x" * 20_000)
    assert sum(n.kind == "op" for n in graph.nodes.values()) == 19_999


@pytest.mark.parametrize("text, at", [
    ("tanh(" * 150 + "x" + ")" * 150, {"x": 0.3}),
    ("softmax_1(" + ", ".join(f"z{k}" for k in range(1, 501)) + ")", {f"z{k}": k % 7 / 7 for k in range(1, 501)}),
])
def test_the_gradient_check_of_a_graph_too_big_for_sympy_uses_the_central_difference(text: str, at: dict) -> None:
    from gradviz.outputs.check import check_table, gradient_check
    from gradviz.outputs.report import grad_table

    result = gradviz.parse(text).backward(at)
    rows = gradient_check(result)
    assert all(math.isnan(r.sympy) and r.verdict == "ok" for r in rows)
    assert "sympy.diff skipped" in check_table(rows) and "all gradients agree" in check_table(rows)
    assert grad_table(result)  # the report too: no RecursionError


def test_a_dirac_delta_at_a_steps_kink_is_no_number_not_a_crash() -> None:
    from gradviz.outputs.check import gradient_check

    rows = gradient_check(gradviz.parse("step(x)*y").backward({"x": 0, "y": 1}))
    assert all(r.verdict.startswith("kink") for r in rows)


@pytest.mark.parametrize("layers", [(1000, 1000, 1), (2, 400, 400, 1), (30000, 2)])
def test_the_api_refuses_the_networks_the_command_line_refuses(layers) -> None:
    from gradviz import nn
    from gradviz.networks.network import check_size

    with pytest.raises(GradvizError) as cli_refusal:
        check_size(layers, 1, "tanh", "mse")
    with pytest.raises(GradvizError) as api_refusal:
        nn.mlp(layers)
    assert str(api_refusal.value) == str(cli_refusal.value)


@pytest.mark.parametrize("fails_at", [1, 3])
def test_a_layout_search_that_runs_out_of_graphviz_time_keeps_its_best_layout(monkeypatch, fails_at) -> None:
    """On a machine so slow that Graphviz's time runs out in the middle of the look search, the figure is the best
    layout made before (the search is counted, so a normal machine never gets here); only the first layout's running
    out is an error, the one ``gradviz render`` reports with its advice."""
    import gradviz.render.fitting as fitting
    from gradviz.render.backends import TOO_SLOW, GraphvizTooSlow
    from gradviz.render.figure import Figure

    made = []

    def slow(*args, **kwargs):
        if len(made) + 1 == fails_at:
            raise GraphvizTooSlow(TOO_SLOW)
        made.append(real(*args, **kwargs))
        return made[-1]
    real = fitting.layout
    monkeypatch.setattr(fitting, "layout", slow)
    result = gradviz.parse("h1 = tanh(w h0 + u x1 + b); h2 = tanh(w h1 + u x2 + b); L = (v h2 − y)²").backward(
        {name: 0.5 for name in ("w", "h0", "u", "x1", "b", "x2", "v", "y")})
    if fails_at == 1:
        with pytest.raises(GradvizError, match="ran past its limit"):
            Figure(result)
        return
    figure = Figure(result)
    assert len(made) == fails_at - 1 and figure.layout in made
