"""The network and training commands, and the neuron-level view."""

from __future__ import annotations

import csv
import json

import pytest

from click.testing import CliRunner

from gradviz.cli import cli
from gradviz.errors import GradvizError
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
    result = run("net", "2-3-1", "--activation", "relu", "--loss", "bce", "--at", "x1=1,x2=0,y=1", "-o", str(tmp_path),
                 "--format", "svg")
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
    assert source.count("rank=same") == 3 and 'label="layer 1"' in source  # inputs, layer 1, output
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


@pytest.mark.slow
def test_train_reads_a_csv_and_reports_bad_rows(tmp_path) -> None:
    data = tmp_path / "and.csv"
    data.write_text("x1,x2,y\n0,0,0\n0,1,0\n1,0,0\n1,1,1\n", encoding="utf-8")
    good = run("train", "2-1", "--activation", "linear", "--data", str(data), "--steps", "800", "--lr", "1",
               "-o", str(tmp_path / "out"))
    assert good.exit_code == 0 and "accuracy 100%" in good.output, good.output
    data.write_text("x1,x2,y\n0,0,zero\n", encoding="utf-8")
    bad = run("train", "2-1", "--data", str(data), "-o", str(tmp_path / "out2"))
    assert bad.exit_code == 1 and "line 2" in bad.output


@pytest.mark.slow
def test_descend_writes_the_update_frame(tmp_path) -> None:
    run("descend", "(w − 3)²", "--at", "w=0", "--wrt", "w", "--steps", "3", "-o", str(tmp_path))
    assert (tmp_path / "update.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.slow
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


# -- the neuron view: order, labels, which data point ------------------------------------------------

def neuron_heights(net, result, point: int = 1) -> dict[int, list[float]]:
    """Each layer's title and neurons, in index order, as the laid-out figure places them (y grows upwards)."""
    from gradviz.render.backends import get_backend

    layout = json.loads(get_backend().run(neuron_digraph(net, result, point).source, "dot", "json"))
    pos = {o["name"]: float(o["pos"].split(",")[1]) for o in layout["objects"] if "pos" in o}
    layers: dict[int, list[float]] = {}
    for neuron in net.neurons:
        layers.setdefault(neuron.layer, [pos[f"layer{neuron.layer}"]]).append(pos[f"u{neuron.node}"])
    return layers


@pytest.mark.parametrize("sizes", [(2, 4, 1), (3, 5, 4, 2), (2, 3, 3, 1), (5, 5, 5), (3, 8, 8, 2), (6, 2, 6)])
def test_neurons_are_drawn_in_index_order_top_down(sizes) -> None:
    data = XOR_DATA if sizes == (2, 4, 1) else None
    net = mlp(sizes, "tanh", "bce" if sizes[-1] == 1 else "ce", data, seed=sum(sizes))
    for layer, heights in neuron_heights(net, net.graph.backward(net.values)).items():
        assert heights == sorted(heights, reverse=True), (layer, heights)  # the title on top, then 1, 2, …


def test_each_layer_says_what_it_sums() -> None:
    net = mlp((2, 3, 2, 1), "tanh", "mse", seed=2)
    source = neuron_digraph(net, net.graph.backward(net.values)).source
    assert "h¹₁ = tanh(b¹₁ + Σ w·x)" in source and "h²₁ = tanh(b²₁ + Σ w·h)" in source
    assert "ŷ₁ = b³₁ + Σ w·h" in source and "w·h)" not in source.split("h²₁")[0].split("h¹₁ =")[1]
    xor = xor_network("sigmoid")
    assert "y = σ(b²₁ + Σ w·v)" in neuron_digraph(xor, xor.graph.backward(xor.values)).source


def test_the_figure_says_which_data_point_its_values_are_for() -> None:
    net = mlp((2, 4, 1), "tanh", "bce", XOR_DATA, seed=3)
    result = net.graph.backward(net.values)
    first = neuron_digraph(net, result).source
    assert "data point 1 of 4: x = (0, 0), y = 0" in first and "mean over all 4 points" in first
    assert "L = mean BCE loss over 4 points" in first
    third = neuron_digraph(net, result, point=3).source
    assert "data point 3 of 4: x = (1, 0), y = 1" in third
    alone = mlp((2, 4, 1), "tanh", "bce", XOR_DATA[2:3], seed=3)  # the same weights, point 3 only
    alone_result = alone.graph.backward(alone.values)
    for many, one in zip(net.neurons, alone.neurons):
        assert result.values[many.nodes[2]] == pytest.approx(alone_result.values[one.node])
    assert "Values at the data point x = (1, 0), y = 1" in neuron_digraph(alone, alone_result).source
    symbolic = mlp((2, 2, 1), "tanh", "mse")
    assert "data point" not in neuron_digraph(symbolic, symbolic.graph.backward(symbolic.values)).source
    with pytest.raises(GradvizError, match="data point 5 does not exist: the network has 4 points"):
        neuron_digraph(net, result, point=5)


@pytest.mark.slow
def test_net_and_train_draw_the_same_kind_of_network_figure(tmp_path, monkeypatch) -> None:
    from gradviz.render import neurons

    drawn = run("net", "2-2-1", "--loss", "bce", "--data", "xor", "--point", "2", "-o", str(tmp_path / "net"),
                "--format", "dot")
    assert drawn.exit_code == 0, drawn.output
    dot = (tmp_path / "net" / "network.dot").read_text(encoding="utf-8")
    assert "data point 2 of 4: x = (0, 1), y = 1" in dot and "mean BCE loss over 4 points" in dot
    assert run("net", "2-2-1", "--point", "2", "-o", str(tmp_path / "one")).exit_code == 1  # one sample only
    figures = []
    monkeypatch.setattr(neurons, "render_neurons", lambda *args, **kw: figures.append((args, kw)) or b"png")
    trained = run("train", "2-2-1", "--data", "xor", "--steps", "5", "--point", "2", "-o", str(tmp_path / "train"))
    assert trained.exit_code == 0, trained.output
    (network, result, _), options = figures[0]
    source = neuron_digraph(network, result, options["point"]).source  # the whole data, as `net` draws it
    assert "data point 2 of 4: x = (0, 1), y = 1" in source and "mean BCE loss over 4 points" in source
    assert result.value == pytest.approx(float(trained.output.split("→ ")[1].split(",")[0]), rel=1e-3)
    bad = run("train", "2-2-1", "--data", "xor", "--steps", "20000", "--point", "5", "-o", str(tmp_path / "bad"))
    assert bad.exit_code == 1 and "data point 5 does not exist" in bad.output  # at once, not after the run
