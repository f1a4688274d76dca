"""Gradient descent: convergence to known minima, schedules, momentum, Adam, XOR training, plots."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import gradviz
from gradviz.networks import plots
from gradviz.networks.descent import descend, parse_schedule
from gradviz.networks.training import descent_report, update_lines
from gradviz.errors import GradvizError
from gradviz.text.numbers import shown_digits
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


@pytest.mark.slow
def test_xor_mlp_trains_to_full_accuracy() -> None:
    net = mlp((2, 4, 1), "tanh", "bce", XOR_DATA, seed=1)
    run = descend(net.graph, net.values, net.parameters, lr=0.5, steps=1500)
    predictor = mlp((2, 4, 1), "tanh", None, seed=1, output_activation="sigmoid")
    correct = 0
    for (x1, x2), target in XOR_DATA:
        p = predictor.graph.backward({**run.final, "x₁": x1, "x₂": x2}, symbolic=False).value
        correct += (p > 0.5) == (target > 0.5)
    assert correct == 4 and run.final_loss < 0.05


def test_a_step_out_of_the_domain_is_a_divergence_naming_the_node() -> None:
    run = descend(gradviz.parse("log(w)"), {"w": 1.0}, ["w"], lr=10, steps=3)
    assert run.diverged_at == 1 and "log" in run.why and len(run.history) == 1
    with pytest.raises(gradviz.EvaluationError, match="log"):  # a bad start is still an error
        descend(gradviz.parse("log(w)"), {"w": -1.0}, ["w"], lr=0.1, steps=3)


def _evaluate(numbers: str) -> float:
    """The printed arithmetic as Python: × − √ ² written out (test-side, on gradviz's own output)."""
    text = numbers.replace("×", "*").replace("−", "-").replace("²", "**2")
    return eval(re.sub(r"√([0-9.e+-]+)", r"math.sqrt(\1)", text), {"math": math})  # noqa: S307


OPTIMIZERS = [dict(), dict(momentum=0.9), dict(adagrad=True), dict(adam=True)]


@pytest.mark.parametrize("options", OPTIMIZERS)
def test_every_displayed_equation_recomputes_from_its_printed_numbers(options) -> None:
    g = gradviz.parse("(θ1θ2x − y)²")
    run = descend(g, {"θ1": 2, "θ2": -1, "x": 3, "y": 1}, ["θ1", "θ2"], lr=0.003, steps=6, **options)
    report = descent_report(run)
    assert report.startswith(run.optimizer.name) and ("gradient descent" in report) == (not options)
    shown = 10.0 ** (1 - shown_digits())  # each printed number is within half a unit of its last digit
    for step in range(6):
        lines = update_lines(run, step)
        assert len(lines) == 2 * len(run.history[step].update["θ1"]) and lines[-1].startswith("θ2 ←")
        for line in lines:
            *_, numbers, result = line.split(" = ")
            assert _evaluate(numbers) == pytest.approx(_evaluate(result), rel=2 * shown, abs=1e-9), line
        after = run.history[step + 1].values
        assert [float(l.rsplit(" = ", 1)[1].replace("−", "-")) for l in lines if l.startswith("θ")] == \
            pytest.approx([after["θ1"], after["θ2"]], rel=shown)


def _reference(options: dict, grad, theta: np.ndarray, lr: float, steps: int) -> np.ndarray:
    """Textbook SGD, momentum, Adagrad and Adam in numpy, written independently of gradviz."""
    m, v, G = np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)
    for t in range(1, steps + 1):
        g = grad(theta)
        if options.get("adam"):
            m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
            theta = theta - lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
        elif options.get("adagrad"):
            G = G + g * g
            theta = theta - lr * g / (np.sqrt(G) + 1e-8)
        else:
            m = options.get("momentum", 0.0) * m + g
            theta = theta - lr * m
    return theta


@pytest.mark.parametrize("options", OPTIMIZERS)
def test_optimizers_follow_an_independent_numpy_run(options) -> None:
    g = gradviz.parse("(θ1θ2x − y)²")
    run = descend(g, {"θ1": 2, "θ2": -1, "x": 3, "y": 1}, ["θ1", "θ2"], lr=0.003, steps=40, **options)

    def grad(p: np.ndarray) -> np.ndarray:
        r = p[0] * p[1] * 3 - 1
        return np.array([2 * r * 3 * p[1], 2 * r * 3 * p[0]])
    expected = _reference(options, grad, np.array([2.0, -1.0]), 0.003, 40)
    assert [run.final["θ1"], run.final["θ2"]] == pytest.approx(list(expected), rel=1e-9)


def test_divergence_is_a_result_with_a_rate_that_works() -> None:
    g = gradviz.parse("(θ1θ2x − y)²")
    at = {"θ1": 2, "θ2": -1, "x": 3, "y": 1}
    run = descend(g, at, ["θ1", "θ2"], lr=0.1, steps=50)
    assert run.diverged_at == 2 and len(run.history) == 2 and all(np.isfinite(it.loss) for it in run.history)
    # the Hessian at the start is [[18, −78], [−78, 72]]: λ_max = 45 + √6813 ≈ 127.5, 1/λ ≈ 0.0078
    assert run.suggested_rate == pytest.approx(0.007)
    assert "diverged at step 2" in run.verdict and "try --lr ≤ 0.007" in run.verdict
    again = descend(g, at, ["θ1", "θ2"], lr=run.suggested_rate, steps=200)
    assert again.diverged_at is None and again.final_loss < 1e-6
    assert plots.loss_curve(run).startswith(b"\x89PNG")


@pytest.mark.slow
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
