"""The vectorised training path against the scalar graph it is generated from: every step of a run
(loss and every parameter) agrees to 1e-12 across activations, losses, optimizers, mini-batches,
penalties, dropout, input noise, validation and schedules; and its budget accepts the TensorFlow
Playground's sizes."""

from __future__ import annotations

import pytest

from gradviz.errors import GradvizError
from gradviz.networks.datasets import dataset
from gradviz.networks.network import XOR_DATA, one_hot_vectors, quadrants
from gradviz.networks.training import fit
from gradviz.networks.vectorised import check_training_work

THREE = tuple(((round(k / 3, 3), (k * 7 % 5) / 5), float(k % 3)) for k in range(12))
RUNS = [  # layers, points, options: every activation, loss and optimizer at least once
    ((2, 3, 1), XOR_DATA, dict(steps=60)),
    ((2, 3, 1), XOR_DATA, dict(steps=60, adam=True, lr=0.05, l2=0.01, activation="sigmoid")),
    ((2, 3, 1), XOR_DATA, dict(steps=60, momentum=0.9, lr=0.1, l1=0.01, activation="relu")),
    ((2, 3, 1), XOR_DATA, dict(steps=60, adagrad=True, activation="leaky_relu", loss="mse", batch_size=2)),
    ((2, 3, 1), quadrants(), dict(steps=40, val=0.25, activation="gelu", patience=10)),
    ((2, 3, 1), quadrants(), dict(steps=40, dropout=0.3, noise=0.1, activation="softplus")),
    ((2, 3, 2, 1), quadrants(), dict(steps=40, activation="linear", loss="mae", schedule="exp:0.99", batch_size=5)),
    ((2, 4, 3), THREE, dict(steps=60, loss="ce", adam=True, lr=0.05, l2=0.001)),
    ((4, 2, 4), one_hot_vectors(4), dict(steps=60, autoencoder=True, noise=0.1)),
    ((2, 3, 1), XOR_DATA, dict(steps=60, lr=50)),  # diverges: both stop at the same step
]


def _agree(layers, points, options) -> tuple:
    arrays = fit(layers, points, engine="arrays", **options).run
    graph = fit(layers, points, engine="graph", **options).run
    assert len(arrays.history) == len(graph.history) and arrays.diverged_at == graph.diverged_at
    assert arrays.best_step == graph.best_step
    for a, g in zip(arrays.history, graph.history):
        assert a.loss == pytest.approx(g.loss, rel=1e-12, abs=1e-12), a.step
        for name in arrays.wrt:
            assert a.values[name] == pytest.approx(g.values[name], rel=1e-12, abs=1e-12), (a.step, name)
            assert a.grad[name] == pytest.approx(g.grad[name], rel=1e-9, abs=1e-12), (a.step, name)
        assert (a.val_loss is None) == (g.val_loss is None)
        if a.val_loss is not None:
            assert a.val_loss == pytest.approx(g.val_loss, rel=1e-12, abs=1e-12)
    return arrays, graph


@pytest.mark.slow
@pytest.mark.parametrize("layers, points, options", RUNS)
def test_the_vectorised_path_agrees_with_the_scalar_graph_on_every_step(layers, points, options) -> None:
    arrays, graph = _agree(layers, points, options)
    assert arrays.history[0].update.keys() == graph.history[0].update.keys()  # the first update, spelled out
    assert [eq.text() for eq in arrays.history[0].update[arrays.wrt[0]]] == \
        [eq.text() for eq in graph.history[0].update[graph.wrt[0]]]


def test_a_short_run_agrees_with_the_scalar_graph() -> None:
    _agree((2, 2, 1), XOR_DATA, dict(steps=20, adam=True, lr=0.1, l2=0.01))


@pytest.mark.parametrize("hidden", range(1, 7))
def test_the_playgrounds_sizes_are_accepted(hidden) -> None:
    check_training_work((2, *[8] * hidden, 1), 500, 5000)


def test_a_run_beyond_the_budget_is_refused_with_the_steps_that_fit() -> None:
    with pytest.raises(GradvizError, match=r"try --steps [0-9]+ at most"):
        check_training_work((2, 8, 8, 8, 8, 8, 8, 1), 500, 1_000_000)


@pytest.mark.slow
def test_the_playgrounds_spiral_trains_to_high_accuracy() -> None:
    from gradviz.networks.training import share_right

    points = dataset("spiral", 200, 0.0, seed=0)
    done = fit((2, 8, 8, 1), points, steps=1000, adam=True, lr=0.03)
    out = done.arrays.outputs(done.weights, [x for x, _ in points])[:, 0]
    assert share_right(out, [t for _, t in points]) >= 0.95
    assert len(done.network.points) == 1  # the figure graph: the drawn point alone, not 200 points' nodes
