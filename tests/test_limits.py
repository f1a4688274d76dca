"""Documented limits: 10,000 levels of nesting and 100,000 terms go through every stage
iteratively and quickly; rendering refuses graphs over its node limit with advice; reports
of huge graphs stay short."""

from __future__ import annotations


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
