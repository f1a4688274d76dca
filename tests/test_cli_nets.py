"""The network and training commands, and the neuron-level view."""

from __future__ import annotations

import pytest

import csv

from click.testing import CliRunner

from gradviz.cli import cli
from gradviz.nn import XOR_DATA, mlp, xor_network
from gradviz.render.neurons import neuron_digraph, render_neurons


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_params_counts_the_lecture_exercise() -> None:
    result = run("params", "10000-1000-1000-1000-10")
    assert result.exit_code == 0 and "12,013,010 parameters" in result.output
    formula = run("params", "(θ1θ2x − y)²")
    assert "4 inputs (θ1, θ2, x, y), 4 operations" in formula.output


@pytest.mark.slow
def test_descend_prints_the_table_and_writes_files(tmp_path) -> None:
    result = run("descend", "(θ1θ2x − y)²", "--at", "θ1=2,θ2=-1,x=3,y=1", "--wrt", "θ1,θ2", "--lr", "0.005",
                 "--steps", "40", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "θ1 ← θ1 − α·∂L/∂θ1 = 2 − 0.005 × 42 = 1.79" in result.output
    assert "θ2 ← θ2 − α·∂L/∂θ2 = −1 − 0.005 × (−84) = −0.58" in result.output
    rows = list(csv.DictReader((tmp_path / "history.csv").open(encoding="utf-8")))
    assert len(rows) == 41 and float(rows[0]["loss"]) == 49.0 and float(rows[-1]["loss"]) < 1e-6
    for name in ("loss.png", "contour.png"):
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")


def test_descend_errors_are_clean() -> None:
    result = run("descend", "x²", "--at", "x=1", "--wrt", "q")
    assert result.exit_code == 1 and "Error" in result.output and "Traceback" not in result.output
    bad = run("descend", "x²", "--at", "x=1", "--wrt", "x", "--schedule", "cosine")
    assert bad.exit_code == 1 and "unknown schedule" in bad.output


@pytest.mark.slow
def test_net_neuron_view_and_ops_view(tmp_path) -> None:
    result = run("net", "2-3-1", "--activation", "relu", "--loss", "bce", "-o", str(tmp_path), "--format", "svg")
    assert result.exit_code == 0, result.output
    assert "13 parameters" in result.output
    svg = (tmp_path / "network.svg").read_text(encoding="utf-8")
    assert "layer 1" in svg and "∂L/∂w¹₁₁" in svg
    ops = run("net", "2-2-1", "--data", "xor", "--view", "ops", "-o", str(tmp_path / "ops"), "--format", "dot")
    assert ops.exit_code == 0, ops.output and "final frame" in ops.output


def test_neuron_view_lists_each_neurons_gradients() -> None:
    net = mlp((2, 2, 1), "tanh", "mse", [((1.0, 0.5), 1.0)], seed=4)
    result = net.graph.backward(net.values)
    source = neuron_digraph(net, result).source
    assert source.count("cluster_") == 3  # inputs, layer 1, output
    for name in net.parameters:
        assert f"∂L/∂{name} = " in source
    assert "MSE loss" in source


def test_step_network_says_no_gradient_passes() -> None:
    net = xor_network()
    result = net.graph.backward({**net.values, "x1": 1.0, "x2": 0.0})
    assert "step′ = 0" in neuron_digraph(net, result).source
    assert render_neurons(net, result, "png").startswith(b"\x89PNG")


def test_xor_data_network_has_four_samples() -> None:
    net = mlp((2, 2, 1), "tanh", "bce", XOR_DATA)
    assert sum(node.op == "bce" for node in net.graph.nodes.values()) == 4


@pytest.mark.slow
def test_train_xor_reaches_full_accuracy(tmp_path) -> None:
    result = run("train", "2-4-1", "--activation", "tanh", "--loss", "bce", "--data", "xor", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "accuracy 100%" in result.output
    for name in ("loss.png", "boundary.png", "network.png"):
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")


def test_train_reads_a_csv_and_reports_bad_rows(tmp_path) -> None:
    data = tmp_path / "and.csv"
    data.write_text("x1,x2,y\n0,0,0\n0,1,0\n1,0,0\n1,1,1\n", encoding="utf-8")
    good = run("train", "2-1", "--activation", "linear", "--data", str(data), "--steps", "800", "--lr", "1",
               "-o", str(tmp_path / "out"))
    assert good.exit_code == 0 and "accuracy 100%" in good.output, good.output
    data.write_text("x1,x2,y\n0,0,zero\n", encoding="utf-8")
    bad = run("train", "2-1", "--data", str(data), "-o", str(tmp_path / "out2"))
    assert bad.exit_code == 1 and "line 2" in bad.output


def test_descend_writes_the_update_frame(tmp_path) -> None:
    run("descend", "(w − 3)²", "--at", "w=0", "--wrt", "w", "--steps", "3", "-o", str(tmp_path))
    assert (tmp_path / "update.png").read_bytes().startswith(b"\x89PNG")


def test_ops_view_in_boxes_groups_a_network_by_layer(tmp_path) -> None:
    from gradviz.render.figure import render_frames
    from gradviz.render.style import Style

    net = mlp((2, 2, 1), "tanh", "mse", [((1.0, 0.5), 1.0)], seed=4)
    boxes = Style(look="boxes")
    dot = render_frames(net.graph.backward(net.values), format="dot", which="final", style=boxes)[0].data.decode()
    assert 'subgraph cluster_0' in dot and "label=\"layer 1\"" in dot and "label=output" in dot
    assert dot.count("bb=") >= 2  # the clusters' boxes come from the one layout, pinned like the nodes
    svg = render_frames(net.graph.backward(net.values), format="svg", which="final", style=boxes)[0].data.decode()
    assert svg.count('class="cluster"') == 2
