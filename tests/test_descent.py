"""Gradient descent: convergence to known minima, schedules, momentum, Adam, XOR training, plots."""

from __future__ import annotations

import pytest

import gradviz
from gradviz.networks import plots
from gradviz.networks.descent import descend, parse_schedule
from gradviz.errors import GradvizError
from gradviz.nn import XOR_DATA, mlp


def test_convex_quadratic_converges_to_its_minimum() -> None:
    g = gradviz.parse("(θ1 − 3)² + 2(θ2 + 1)²")
    run = descend(g, {"θ1": 0, "θ2": 0}, ["θ1", "θ2"], lr=0.1, steps=200)
    assert run.final["θ1"] == pytest.approx(3, abs=1e-6) and run.final["θ2"] == pytest.approx(-1, abs=1e-6)
    assert run.history[0].loss == 11 and run.final_loss < 1e-10
    first = run.history[0]
    assert first.grad == {"θ1": -6.0, "θ2": 4.0}
    assert run.history[1].values["θ1"] == pytest.approx(0 - 0.1 * -6.0)  # θ ← θ − α·∂L/∂θ


@pytest.mark.parametrize("options", [dict(momentum=0.9, lr=0.02), dict(adam=True, lr=0.1),
                                     dict(schedule="exp:0.99"), dict(schedule="step:50:0.5"),
                                     dict(schedule="inverse:0.01")])
def test_variants_also_converge(options) -> None:
    g = gradviz.parse("(w − 1.5)² + (q + 0.5)²")
    run = descend(g, {"w": 4, "q": 2}, ["w", "q"], steps=600, **{"lr": 0.1, **options})
    assert run.final["w"] == pytest.approx(1.5, abs=1e-3) and run.final["q"] == pytest.approx(-0.5, abs=1e-3)


def test_schedules() -> None:
    assert parse_schedule("step:10:0.5")(1.0, 25) == 0.25
    assert parse_schedule(None)(0.3, 99) == 0.3
    with pytest.raises(GradvizError):
        parse_schedule("cosine")


def test_xor_mlp_trains_to_full_accuracy() -> None:
    net = mlp((2, 4, 1), "tanh", "bce", XOR_DATA, seed=1)
    run = descend(net.graph, net.values, net.parameters, lr=0.5, steps=1500)
    predictor = mlp((2, 4, 1), "tanh", None, seed=1, output_activation="sigmoid")
    correct = 0
    for (x1, x2), target in XOR_DATA:
        p = predictor.graph.backward({**run.final, "x₁": x1, "x₂": x2}, symbolic=False).value
        correct += (p > 0.5) == (target > 0.5)
    assert correct == 4 and run.final_loss < 0.05


def test_descent_errors_name_the_node() -> None:
    g = gradviz.parse("log(w)")
    with pytest.raises(gradviz.EvaluationError, match="log"):
        descend(g, {"w": 1.0}, ["w"], lr=10, steps=3)


def test_plots_are_pngs() -> None:
    g = gradviz.parse("(θ1θ2x − y)²")
    run = descend(g, {"θ1": 2, "θ2": -1, "x": 3, "y": 1}, ["θ1", "θ2"], lr=0.005, steps=20)
    for picture in (plots.loss_curve(run), plots.contour(run, resolution=60)):
        assert picture.startswith(b"\x89PNG") and len(picture) > 10_000


def test_grid_is_vectorised_and_agrees_with_the_scalar_path() -> None:
    import numpy as np

    g = gradviz.parse("σ(w x + q) + tanh(w) max(q, 0.5)")
    f = plots.grid_function(g, ["w", "q"], {"x": 0.7})
    W, Q = np.meshgrid(np.linspace(-2, 2, 7), np.linspace(-1, 1, 5))
    Z = f(W, Q)
    for index in [(0, 0), (2, 3), (4, 6)]:
        expected = g.backward({"w": W[index], "q": Q[index], "x": 0.7}, symbolic=False).value
        assert Z[index] == pytest.approx(expected)
