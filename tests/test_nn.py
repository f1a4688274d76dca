"""The network builders against hand-written formulas, the XOR truth table, parameter counts."""

from __future__ import annotations

import math

import pytest

import gradviz
from gradviz.errors import GradvizError
from gradviz.nn import XOR_DATA, count_parameters, mlp, neuron, parse_layers, perceptron, xor_network


def sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v))


def test_xor_network_forward_is_the_truth_table() -> None:
    net = xor_network()
    assert net.graph.output == "y"
    for (x1, x2), target in XOR_DATA:
        assert net.graph.backward({**net.values, "x1": x1, "x2": x2}).value == target


def test_xor_network_step_passes_no_gradient_but_sigmoid_does() -> None:
    stepped = xor_network()
    grads = stepped.graph.backward({**stepped.values, "x1": 1.0, "x2": 0.0}).grad
    assert all(v == 0 for v in grads.values())
    smooth = xor_network("sigmoid")
    result = smooth.graph.backward({**smooth.values, "x1": 1.0, "x2": 0.0})
    v1, v2 = sigmoid(-0.5 + 1), sigmoid(-0.5 - 1)
    assert result.value == pytest.approx(sigmoid(-0.5 + v1 + v2))
    same = gradviz.parse("v1 = σ(b1 + w11 x1 + w12 x2); v2 = σ(b2 + w21 x1 + w22 x2); y = σ(c + u1 v1 + u2 v2)")
    hand = same.backward({"b1": -0.5, "w11": 1, "w12": -1, "b2": -0.5, "w21": -1, "w22": 1, "c": -0.5,
                          "u1": 1, "u2": 1, "x1": 1.0, "x2": 0.0})
    assert result.grad["w¹₁₁"] == pytest.approx(hand.grad["w11"])
    assert result.grad["b²₁"] == pytest.approx(hand.grad["c"])


def test_neuron_and_perceptron_equal_their_formulas() -> None:
    at = {"w0": 0.1, "w1": -0.4, "x1": 1.2, "w2": 0.8, "x2": -0.6, "y": 1.0}
    built = neuron(2, "sigmoid").graph.backward({k: v for k, v in at.items() if k != "y"})
    formula = gradviz.parse("σ(w0 + w1 x1 + w2 x2)").backward({k: v for k, v in at.items() if k != "y"})
    assert built.value == pytest.approx(formula.value) and built.grad == pytest.approx(formula.grad)
    loss = perceptron(2, "sigmoid", "bce").graph.backward(at)
    written = gradviz.parse("p = σ(w0 + w1 x1 + w2 x2); L = −y log(p) − (1 − y) log(1 − p)").backward(at)
    assert loss.value == pytest.approx(written.value)
    assert loss.grad == pytest.approx(written.grad)


@pytest.mark.parametrize("loss", ["mse", "mae", "bce"])
def test_collapsed_and_expanded_losses_agree(loss: str) -> None:
    data = [((0.5, -1.0), 1.0), ((1.5, 0.25), 0.0)]
    collapsed = mlp((2, 3, 1), "tanh", loss, data, seed=3)
    expanded = mlp((2, 3, 1), "tanh", loss, data, seed=3, expanded=True)
    assert len(expanded.graph) > len(collapsed.graph)
    a = collapsed.graph.backward(collapsed.values)
    b = expanded.graph.backward(expanded.values)
    assert a.value == pytest.approx(b.value)
    assert a.grad == pytest.approx(b.grad)


def test_softmax_cross_entropy_collapsed_equals_expanded() -> None:
    data = [((1.0, 2.0), 0), ((0.5, -1.0), 2), ((-1.0, 0.0), 1)]
    collapsed = mlp((2, 4, 3), "relu", "ce", data, seed=5)
    expanded = mlp((2, 4, 3), "relu", "ce", data, seed=5, expanded=True)
    ops = {n.op for n in collapsed.graph.nodes.values()}
    assert "softmax_ce" in ops and "softmax_ce" not in {n.op for n in expanded.graph.nodes.values()}
    a = collapsed.graph.backward(collapsed.values)
    b = expanded.graph.backward(expanded.values)
    assert a.value == pytest.approx(b.value) and a.grad == pytest.approx(b.grad)


def test_mlp_matches_a_hand_written_formula() -> None:
    net = mlp((1, 2, 1), "tanh", "mse", [((0.5,), 2.0)], seed=1)
    v = net.values
    names = dict(b1="b¹₁", w11="w¹₁₁", b2="b¹₂", w21="w¹₂₁", c="b²₁", u1="w²₁₁", u2="w²₁₂")
    formula = gradviz.parse("(c + u1 tanh(b1 + w11·0.5) + u2 tanh(b2 + w21·0.5) − 2)²")
    hand = formula.backward({k: v[n] for k, n in names.items()})
    built = net.graph.backward(v)
    assert built.value == pytest.approx(hand.value)
    for short, long in names.items():
        assert built.grad[long] == pytest.approx(hand.grad[short])
    assert set(net.graph.inputs) == set(net.parameters)
    assert set(net.graph.groups.values()) >= {"layer 1", "output", "loss"}


def test_parameter_counts() -> None:
    assert count_parameters((10000, 1000, 1000, 1000, 10)) == 12_013_010  # the lecture's exercise
    assert count_parameters((2, 2, 1)) == 9
    assert mlp((2, 2, 1), "relu", "mse", XOR_DATA).parameter_count == 9
    assert parse_layers("2-8-8-1") == (2, 8, 8, 1)
    with pytest.raises(GradvizError):
        parse_layers("2-x")


def test_bad_choices_are_clean_errors() -> None:
    with pytest.raises(GradvizError, match="activation"):
        mlp((2, 1), "swish")
    with pytest.raises(GradvizError, match="loss"):
        mlp((2, 1), "relu", "hinge")
    with pytest.raises(GradvizError, match="features"):
        mlp((2, 1), "relu", "mse", [((1.0,), 0.0)])
