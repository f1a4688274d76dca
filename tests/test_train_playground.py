"""The train command at the TensorFlow Playground's scale: multi-class softmax cross-entropy, the
built-in data sets, grids over any option with every run's loss curve, history.csv, --schedule."""

from __future__ import annotations

import csv
import random

import pytest
from click.testing import CliRunner

from gradviz.cli.main import cli
from gradviz.networks.comparisons import parse_grid, setting_options
from gradviz.networks.training import fit
from gradviz.outputs.training import FIT_HISTORY_FIELDS


def _blobs(count: int = 90, seed: int = 3) -> list[tuple[tuple[float, float], float]]:
    """Three Gaussian blobs labelled 0, 1, 2."""
    rng = random.Random(seed)
    centres = [(0, 2), (-2, -1), (2, -1)]
    return [((centres[k % 3][0] + rng.gauss(0, 0.6), centres[k % 3][1] + rng.gauss(0, 0.6)), float(k % 3))
            for k in range(count)]


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_softmax_cross_entropy_learns_three_classes() -> None:
    points = _blobs()
    done = fit((2, 4, 3), points, loss="ce", steps=600, lr=0.5)
    found = done.arrays.outputs(done.weights, [x for x, _ in points]).argmax(axis=1)
    assert (found == [t for _, t in points]).mean() >= 0.95
    assert done.run.history[-1].loss < 0.25 * done.run.history[0].loss


@pytest.mark.slow
def test_train_takes_a_three_class_csv_with_loss_ce(tmp_path) -> None:
    data = tmp_path / "three.csv"
    data.write_text("x1,x2,label\n" + "".join(f"{x:.3f},{y:.3f},{int(t)}\n" for (x, y), t in _blobs()))
    refused = _run("train", "2-4-1", "--data", str(data), "-o", str(tmp_path / "a"))
    assert refused.exit_code == 1 and "--loss ce" in refused.output and "2-4-3" in refused.output
    result = _run("train", "2-4-3", "--data", str(data), "--loss", "ce", "--val", "0.2", "-o", str(tmp_path / "b"))
    assert result.exit_code == 0, result.output
    share = int(result.output.split("accuracy ")[1].split("%")[0])
    assert share >= 95 and "(3 classes)" in result.output
    assert (tmp_path / "b" / "boundary.png").read_bytes().startswith(b"\x89PNG")


def test_a_grid_takes_activations_optimizers_and_schedules() -> None:
    grid = parse_grid(["activation=sigmoid,relu", "optimizer=sgd,momentum,adam"])
    assert grid == {"activation": ("sigmoid", "relu"), "optimizer": ("sgd", "momentum", "adam")}
    assert setting_options({"optimizer": "adam"}, {"momentum": 0.0, "lr": 0.1}) == \
        {"momentum": 0.0, "lr": 0.1, "adam": True, "adagrad": False}
    assert setting_options({"optimizer": "momentum"}, {"momentum": 0.0})["momentum"] == 0.9
    assert parse_grid(["batch-size=1,2 schedule=constant,exp:0.99"])["batch-size"] == (1, 2)
    for bad, fragment in (("activation=sigmoid,softmax", "activation takes one of"), ("lr=0,1", "lr must be a finite number > 0"),
                          ("optimizer=sgd,rmsprop", "optimizer takes"), ("schedule=exp:-1", "unknown schedule")):
        with pytest.raises(ValueError, match=fragment):
            parse_grid([bad])


@pytest.mark.slow
def test_a_grid_over_activation_and_optimizer_draws_every_runs_loss(tmp_path) -> None:
    result = _run("train", "2-4-1", "--data", "xor", "--steps", "300", "--grid", "activation=sigmoid,relu",
                  "--grid", "optimizer=sgd,adam", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.output.count(":  final training loss") == 4 and "(by final training loss)" in result.output
    assert (tmp_path / "curves.png").read_bytes().startswith(b"\x89PNG")
    rows = list(csv.reader((tmp_path / "grid.csv").open()))
    assert rows[0] == ["activation", "optimizer", "score"] and len(rows) == 5


@pytest.mark.slow
def test_a_diverged_run_is_named_not_dropped_and_validation_scores_the_grid(tmp_path) -> None:
    result = _run("train", "2-4-1", "--data", "quadrants", "--val", "0.25", "--steps", "300",
                  "--grid", "lr=0.01,0.5,50", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "lr = 50:  diverged at step" in result.output and "(by best validation loss)" in result.output


@pytest.mark.slow
def test_history_csv_has_a_row_a_step_with_loss_as_data_loss_plus_penalty(tmp_path) -> None:
    result = _run("train", "2-3-1", "--data", "xor", "--steps", "40", "--l2", "0.01", "--schedule", "exp:0.95",
                  "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "data loss" in result.output and "penalty" in result.output
    rows = list(csv.DictReader((tmp_path / "history.csv").open()))
    header = list(rows[0])
    assert tuple(header[:len(FIT_HISTORY_FIELDS)]) == FIT_HISTORY_FIELDS and "w¹₁₁" in header and "b²₁" in header
    assert len(rows) == 41 and [int(r["step"]) for r in rows] == list(range(41))
    weights = [name for name in header if name.startswith("w")]
    for row in rows:
        penalty = 0.01 * sum(float(row[w]) ** 2 for w in weights)
        assert float(row["penalty"]) == pytest.approx(penalty, rel=1e-12)
        assert float(row["loss"]) == pytest.approx(float(row["data loss"]) + penalty, rel=1e-12)
        assert float(row["learning rate"]) == pytest.approx(0.5 * 0.95 ** int(row["step"]), rel=1e-12)


@pytest.mark.slow
def test_playground_data_sets_are_named_options(tmp_path) -> None:
    result = _run("train", "2-2-1", "--data", "circle", "--points", "40", "--data-noise", "0.1", "--steps", "20",
                  "-o", str(tmp_path / "a"))
    assert result.exit_code == 0 and "40 training points" in result.output, result.output
    wrong = _run("train", "2-2-1", "--data", "xor", "--points", "40", "-o", str(tmp_path / "b"))
    assert wrong.exit_code == 2 and "Playground data set" in wrong.output


def test_the_playground_picture_refuses_a_softmax_classifier_in_one_line() -> None:
    from gradviz.errors import GradvizError
    from gradviz.nn import playground

    done = fit((2, 3, 3), _blobs(12), loss="ce", steps=5)
    assert done.predictor is None and done.arrays.outputs(done.weights, [[0.0, 0.0]]).shape == (1, 3)
    with pytest.raises(GradvizError, match="--loss ce"):
        playground(done)
