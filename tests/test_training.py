"""Training that tells the truth: size checks before work, `net --at`, and the README's training
commands run as real processes, as a reader would type them."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from gradviz.errors import GradvizError
from gradviz.nn import XOR_DATA, mlp
from gradviz.networks.network import check_size, node_estimate
from gradviz.outputs.gallery import ENTRIES

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def gradviz(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", "from gradviz.cli import main; main()", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def readme_commands() -> list[str]:
    """Every ``gradviz …`` line of the README's training section's bash blocks."""
    section = README.read_text(encoding="utf-8").split("## Training", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    return [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()
            if line.startswith("gradviz ")]


ONE_HOT = [(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)]


@pytest.mark.parametrize("sizes, data, loss, activation, expanded, shape", [
    ((2, 4, 1), XOR_DATA, "bce", "tanh", False, {}), ((3, 5, 1), None, "mse", "linear", False, {}),
    ((4, 6, 3), None, "ce", "relu", False, {}), ((4, 6, 3), [((1, 2, 3, 4), 1)], "ce", "relu", True, {}),
    ((2, 2, 1), XOR_DATA, "bce", "relu", True, {}), ((2, 2, 1), XOR_DATA, "mse", "relu", True, {}),
    ((2, 8, 1), XOR_DATA, "bce", "tanh", False, {"masks": True, "noise": True}),
    ((3, 2, 3), ONE_HOT, "mse", "tanh", False, {"autoencoder": True}),
    ((3, 2, 3), ONE_HOT, "mse", "tanh", True, {"autoencoder": True, "masks": True, "noise": True})])
def test_node_estimate_bounds_the_built_graph(sizes, data, loss, activation, expanded, shape) -> None:
    built = len(mlp(sizes, activation, loss, data, expanded=expanded, **shape).graph)
    assert built <= node_estimate(sizes, len(data) if data else 1, activation, loss, expanded, **shape) <= 1.2 * built


def test_size_checks_refuse_at_once_with_advice() -> None:
    with pytest.raises(GradvizError, match=r"784-128-10 network has 101,770 parameters.*gradviz params 784-128-10"):
        check_size((784, 128, 10), 1, "tanh", "ce", view="neurons")
    with pytest.raises(GradvizError, match="the mse loss takes one output but the network has 10"):
        check_size((10000, 1000, 1000, 1000, 10), 1, "tanh", "mse")
    with pytest.raises(GradvizError, match="weights neuron by neuron"):
        check_size((30, 40, 1), 1, "tanh", "mse", view="neurons")
    with pytest.raises(GradvizError, match="op by op"):
        check_size((3, 30, 1), 1, "tanh", "mse", view="ops", ops_limit=100)
    with pytest.raises(GradvizError, match="fewer --steps"):
        check_size((2, 4, 1), 4, "tanh", "bce", steps=1_000_000)
    assert check_size((2, 4, 1), 4, "tanh", "bce", steps=1500, view="neurons") == 155


@pytest.mark.slow
@pytest.mark.parametrize("args, fragment", [
    (("net", "10000-1000-1000-1000-10", "-o", "out"), "the mse loss takes one output"),
    (("net", "10000-1000-1000-1000-10", "--loss", "ce", "-o", "out"), "gradviz params 10000-1000-1000-1000-10"),
    (("net", "784-128-10", "--loss", "ce", "-o", "out"), "smaller layers such as 784-1-10"),
    (("train", "2-4-1", "--steps", "1000000", "-o", "out"), "try --steps")])
def test_the_new_users_big_networks_are_refused_within_seconds(tmp_path, args, fragment) -> None:
    result = gradviz(*args, cwd=tmp_path)
    assert result.returncode == 1 and fragment in result.stderr + result.stdout and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_net_draws_values_only_when_given(tmp_path) -> None:
    from gradviz.cli import cli
    from click.testing import CliRunner

    bare = CliRunner().invoke(cli, ["net", "2-2-1", "-o", str(tmp_path / "a"), "--format", "dot"])
    assert bare.exit_code == 0 and "structure alone" in bare.output
    assert "= 0" not in (tmp_path / "a" / "network.dot").read_text(encoding="utf-8")
    given = CliRunner().invoke(cli, ["net", "2-2-1", "--at", "x1=1,x2=0,y=1", "-o", str(tmp_path / "b"),
                                     "--format", "dot"])
    assert given.exit_code == 0, given.output
    net = mlp((2, 2, 1), "tanh", "mse")
    expected = net.graph.backward({**{p: net.values[p] for p in net.parameters}, "x₁": 1, "x₂": 0, "y": 1})
    assert f"{expected.value:.4g}"[:4] in (tmp_path / "b" / "network.dot").read_text(encoding="utf-8")
    both = CliRunner().invoke(cli, ["net", "2-2-1", "--data", "xor", "--at", "x1=1", "-o", str(tmp_path / "c")])
    assert both.exit_code == 2 and "--point" in both.output


@pytest.mark.slow
def test_the_readme_training_commands_run_as_shown(tmp_path) -> None:
    """Each command as a real process (two at a time: the machine's cores; each writes its own
    folder); the --help and gallery examples that are the same command into another folder
    (``test_help_examples.run_elsewhere``) have what they claim checked on its run."""
    from PIL import Image
    from test_help_examples import claims_of_the_same_run, output_path, unmet_claims

    commands = readme_commands()
    assert any("--lr 0.1 --steps 50" in c and "--adam" not in c for c in commands)
    assert sum("--animate-frames" in c for c in commands) == 1
    assert len({output_path(c, tmp_path) for c in commands}) == len(commands)  # no two write the same folder
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda command: gradviz(*shlex.split(command)[1:], cwd=tmp_path), commands))
    for command, result in zip(commands, results):
        out = result.stdout + result.stderr
        for example in claims_of_the_same_run(command):
            assert not unmet_claims(example, result.stdout, output_path(command, tmp_path)), (example, command, out)
        if "10000-1000" in command:
            assert result.returncode == 1 and "gradviz params" in out, command
        else:
            assert result.returncode == 0, (command, out)
            assert "Traceback" not in out and "Error" not in out, command
        if "descend" in command and "--lr 0.1 --steps 50" in command and "--adam" not in command:
            assert "diverged at step 2" in out and "try --lr ≤ 0.007" in out
            folder = tmp_path / shlex.split(command)[-1]
            assert (folder / "loss.png").exists() and (folder / "history.csv").exists()
        elif "descend" in command:
            assert "diverged" not in out and "final L" in out, command
        if "--grid" in command:
            assert "best: lr = 1, hidden = 8" in out and (tmp_path / "grid" / "grid.png").exists()
        if "--val" in command:
            assert "early stopping: validation loss lowest at step 874" in out
        if "train" in command and "--val" not in command and "--autoencoder" not in command:
            assert "accuracy 100%" in out, (command, out)
        if "--dropout" in command:
            assert re.search(r"dropout in the step network.png draws: .* dropped", out)
        if "--autoencoder" in command:
            folder = tmp_path / shlex.split(command)[-1]
            assert "reconstruction loss" in out and (folder / "codes.png").exists()
            start, end = map(float, re.search(r"loss[a-z ]* ([\d.e−-]+) → ([\d.e−-]+)", out).groups())
            assert end < start / 10
        if "xor-breakout" in command:
            assert "breakout: y(0, 0) = −1, y(0, 1) = 1, y(1, 0) = 1, y(1, 1) = −1: answered" in out
        if "--animate" in command:  # the playground (test_playground): one picture per frame asked for
            args = shlex.split(command)
            folder, frames = tmp_path / args[args.index("-o") + 1], int(args[args.index("--animate-frames") + 1])
            assert Image.open(folder / "training.gif").n_frames == frames
            assert (folder / "training.html").read_text(encoding="utf-8").count("data:image/png;base64,") == frames
            assert "training.gif" in result.stdout and "accuracy 100%" in result.stdout
            assert (folder / "training.html").stat().st_size < 5_000_000


def test_the_recurrent_gallery_example_sums_the_shared_weights_gradient_over_time() -> None:
    import numpy as np

    import gradviz
    from gradviz.outputs.gallery import POINTS, RECURRENT

    at = POINTS[RECURRENT]
    grad = gradviz.parse(RECURRENT).backward(at, symbolic=False).grad
    w, u, h0, x1, x2, y = (at[k] for k in ("w", "u", "h0", "x1", "x2", "y"))
    h1 = np.tanh(w * h0 + u * x1)
    h2 = np.tanh(w * h1 + u * x2)
    step2 = 2 * (h2 - y) * (1 - h2 ** 2)  # ∂L/∂(w h1 + u x2)
    step1 = step2 * w * (1 - h1 ** 2)  # ∂L/∂(w h0 + u x1)
    assert grad["w"] == pytest.approx(step2 * h1 + step1 * h0) and grad["u"] == pytest.approx(step2 * x2 + step1 * x1)
    assert f"{step2 * h1:.6f}" in next(e.caption for e in ENTRIES if e.name == "recurrent").replace("−", "-")


def _xor_loss(values: dict, points, l1: float = 0.0, l2: float = 0.0) -> float:
    """The mean BCE of a 2-H-1 tanh/sigmoid network in numpy, plus the penalties over the weights."""
    import numpy as np

    units = range(1, sum(name.startswith("b¹") for name in values) + 1)
    W1 = np.array([[values[f"w¹{j}{i}".translate(SUBS)] for i in (1, 2)] for j in units])
    b1 = np.array([values[f"b¹{j}".translate(SUBS)] for j in units])
    W2 = np.array([values[f"w²1{j}".translate(SUBS)] for j in units])
    b2 = values["b²₁"]
    total = 0.0
    for x, y in points:
        p = 1 / (1 + np.exp(-(b2 + W2 @ np.tanh(b1 + W1 @ np.array(x)))))
        total += -(y * np.log(p) + (1 - y) * np.log(1 - p))
    weights = np.concatenate([W1.ravel(), W2])
    return total / len(points) + l1 * np.abs(weights).sum() + l2 * (weights ** 2).sum()


SUBS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _fd_gradient(f, values: dict, names, h: float = 1e-6) -> dict:
    return {n: (f({**values, n: values[n] + h}) - f({**values, n: values[n] - h})) / (2 * h) for n in names}


def test_penalties_are_terms_of_the_loss_graph() -> None:
    net = mlp((2, 4, 1), "tanh", "bce", XOR_DATA, l1=0.05, l2=0.02)
    result = net.graph.backward(net.values, symbolic=False)
    assert result.value == pytest.approx(_xor_loss(net.values, XOR_DATA, 0.05, 0.02), rel=1e-12)
    expected = _fd_gradient(lambda v: _xor_loss(v, XOR_DATA, 0.05, 0.02), net.values, net.parameters)
    assert {n: result.grad[n] for n in net.parameters} == pytest.approx(expected, abs=1e-7)


def test_mini_batches_shuffle_each_epoch_and_step_on_their_mean_gradient() -> None:
    from gradviz.networks.training import batch_order, fit

    batch = batch_order(10, 3, seed=7)
    for epoch in range(3):
        seen = [k for t in range(4 * epoch, 4 * epoch + 4) for k in batch(4 * epoch + (t - 4 * epoch))]
        assert sorted(seen) == list(range(10)) and [len(batch(t)) for t in range(4)] == [3, 3, 3, 1]
    assert batch(0) != batch(4) and batch(0) == batch_order(10, 3, seed=7)(0)
    done = fit((2, 4, 1), XOR_DATA, lr=0.5, steps=6, batch_size=2, seed=3)
    order = batch_order(4, 2, seed=3)
    for t in range(6):
        it, after = done.run.history[t], done.run.history[t + 1]
        points = [done.train[k] for k in order(t)]
        grad = _fd_gradient(lambda v: _xor_loss(v, points), it.values, done.network.parameters)
        assert it.loss == pytest.approx(_xor_loss(it.values, points), rel=1e-12)
        assert after.values == pytest.approx({n: it.values[n] - 0.5 * grad[n] for n in it.values}, abs=1e-7)


@pytest.mark.slow
def test_early_stopping_keeps_the_weights_of_the_best_validation_loss(tmp_path) -> None:
    from gradviz.networks import plots
    from gradviz.networks.training import fit

    from gradviz.nn import quadrants

    points = quadrants()  # XOR by quadrant, 15 % of the labels flipped
    done = fit((2, 6, 1), points, lr=0.5, steps=1500, val=0.25, patience=100, seed=1)
    assert len(done.validation) == 6 and len(done.train) == 18
    assert sorted(done.train + done.validation) == sorted(points)
    losses = [_xor_loss(it.values, done.validation) for it in done.run.history]  # numpy, not gradviz
    assert [it.val_loss for it in done.run.history] == pytest.approx(losses, rel=1e-9)
    best = min(range(len(losses)), key=losses.__getitem__)
    assert done.run.best_step == best and done.run.final == done.run.history[best].values
    assert 100 < best < 1400 and len(done.run.history) - 1 == best + 100  # it stopped, patience steps on
    (tmp_path / "loss.png").write_bytes(plots.loss_curve(done.run))


def test_the_xor_breakout_answer_with_relu() -> None:
    import numpy as np

    from gradviz.nn import XOR_RELU_WEIGHTS, xor_network

    net = xor_network("relu", XOR_RELU_WEIGHTS, "linear")
    lecture = xor_network("relu")
    relu = lambda z: np.maximum(z, 0)  # noqa: E731
    w = XOR_RELU_WEIGHTS
    for (x1, x2), target in XOR_DATA:
        y = net.graph.backward({**net.values, "x1": x1, "x2": x2}, symbolic=False).value
        v1 = relu(w["b¹₁"] + w["w¹₁₁"] * x1 + w["w¹₁₂"] * x2)
        v2 = relu(w["b¹₂"] + w["w¹₂₁"] * x1 + w["w¹₂₂"] * x2)
        assert y == pytest.approx(w["b²₁"] + w["w²₁₁"] * v1 + w["w²₁₂"] * v2)
        assert (y > 0.7) if target else (y < -0.7)
        assert lecture.graph.backward({**lecture.values, "x1": x1, "x2": x2}, symbolic=False).value >= 0
    assert lecture.graph.backward({**lecture.values, "x1": 1, "x2": 0}, symbolic=False).value == 0


@pytest.mark.slow
def test_grid_search_scores_every_setting_as_its_own_run_and_names_the_best() -> None:
    from gradviz.networks import plots
    from gradviz.networks.training import fit, grid_csv, grid_search, parse_grid

    grid = parse_grid(["lr=0.1,1 hidden=2,3"])
    assert grid == {"lr": (0.1, 1.0), "hidden": (2.0, 3.0)} == parse_grid(["lr=0.1,1", "hidden=2,3"])
    ticks = []
    search = grid_search((2, 4, 1), XOR_DATA, grid, steps=200, workers=2, progress=lambda: ticks.append(1))
    results = search.scores
    assert len(results) == 4 == len(ticks) and [r[1] for r in results] == sorted(r[1] for r in results)
    for setting, score in results:
        alone = fit((2, int(setting["hidden"]), 1), XOR_DATA, lr=setting["lr"], steps=200)
        assert score == alone.run.final_loss == pytest.approx(_xor_loss(alone.run.final, XOR_DATA), rel=1e-9)
    best, _ = results[0]
    assert search.best.run.final == fit((2, int(best["hidden"]), 1), XOR_DATA, lr=best["lr"], steps=200).run.final
    assert grid_csv(results).splitlines()[0] == "lr,hidden,score"
    assert plots.grid_heatmap(results, "final training loss").startswith(b"\x89PNG")
    with pytest.raises(GradvizError, match="keys: lr"):
        parse_grid(["depth=1,2"])
    with pytest.raises(GradvizError, match="the grid's 24 runs come to about .* use fewer values"):
        grid_search((2, 4, 1), XOR_DATA, parse_grid(["lr=0.01,0.1,1,10,0.5,0.2 hidden=2,4,8,16"]), steps=200_000,
                    workers=2)


def _dies(*args: object) -> None:
    os._exit(1)


@pytest.mark.slow
def test_a_grid_search_whose_worker_dies_stops_its_executor_before_it_returns(monkeypatch) -> None:
    """A worker that dies breaks the pool: the search says so in one error and has let the executor's manager thread
    finish (it closes a pipe Python's exit writes to: left running, the process ended with a traceback, sometimes)."""
    import threading

    from gradviz.networks import training

    monkeypatch.setattr(training, "_grid_score", _dies)  # the forked worker dies at its first run
    with pytest.raises(GradvizError, match="a process of the grid search ended before its run did"):
        training.grid_search((2, 2, 1), XOR_DATA, {"lr": (0.1, 1.0)}, steps=10, workers=2)
    assert not [t for t in threading.enumerate() if type(t).__name__ == "_ExecutorManagerThread" and t.is_alive()]


def _masked_xor_run(values: dict, points, mask) -> tuple[float, dict]:
    """The mean BCE of a 2-H-1 tanh/sigmoid network whose hidden outputs are multiplied by ``mask``,
    and its gradient, by a numpy forward and backward pass written out here."""
    import numpy as np

    units = range(1, len(mask) + 1)
    W1 = np.array([[values[f"w¹{j}{i}".translate(SUBS)] for i in (1, 2)] for j in units])
    b1 = np.array([values[f"b¹{j}".translate(SUBS)] for j in units])
    W2 = np.array([values[f"w²1{j}".translate(SUBS)] for j in units])
    b2 = values["b²₁"]
    m = np.array(mask, dtype=float)
    loss, gW1, gb1, gW2, gb2 = 0.0, np.zeros_like(W1), np.zeros_like(b1), np.zeros_like(W2), 0.0
    for x, y in points:
        x = np.array(x)
        h = np.tanh(W1 @ x + b1)
        kept = h * m
        p = 1 / (1 + np.exp(-(W2 @ kept + b2)))
        loss += -(y * np.log(p) + (1 - y) * np.log(1 - p)) / len(points)
        dz2 = (p - y) / len(points)
        gW2 += dz2 * kept
        gb2 += dz2
        dz1 = dz2 * W2 * m * (1 - h ** 2)
        gW1 += np.outer(dz1, x)
        gb1 += dz1
    grads = {"b²₁": gb2}
    for j in units:
        grads[f"b¹{j}".translate(SUBS)] = gb1[j - 1]
        grads[f"w²1{j}".translate(SUBS)] = gW2[j - 1]
        for i in (1, 2):
            grads[f"w¹{j}{i}".translate(SUBS)] = gW1[j - 1, i - 1]
    return loss, grads


def test_dropout_masks_are_inverted_bernoulli_draws_per_step() -> None:
    from gradviz.networks.training import dropout_masks

    draw = dropout_masks(["a", "b", "c", "d"], 0.25, seed=5)
    values = [v for t in range(2000) for v in draw(t).values()]
    assert set(values) == {0.0, 1 / 0.75}
    assert values.count(0.0) / len(values) == pytest.approx(0.25, abs=0.02)
    other = dropout_masks(["a", "b", "c", "d"], 0.25, seed=6)
    assert draw(7) == dropout_masks(["a", "b", "c", "d"], 0.25, seed=5)(7)
    assert [draw(t) for t in range(10)] != [other(t) for t in range(10)]
    assert len({tuple(draw(t).values()) for t in range(10)}) > 1  # a fresh mask each step


def test_dropped_units_carry_no_gradient_and_the_rest_match_numpy() -> None:
    import numpy as np

    from gradviz.eval.backward import backward
    from gradviz.networks.training import fit

    done = fit((2, 4, 1), XOR_DATA, lr=0.5, steps=12, dropout=0.5, seed=3)
    dropped_somewhere = kept_somewhere = False
    for t in range(12):
        it, after = done.run.history[t], done.run.history[t + 1]
        drawn = done.step_inputs(t)
        mask = [drawn[f"m¹{j}".translate(SUBS)] for j in range(1, 5)]
        assert set(mask) <= {0.0, 2.0}  # inverted dropout: kept units ×1/(1 − 0.5)
        loss, grads = _masked_xor_run(it.values, XOR_DATA, mask)
        assert it.loss == pytest.approx(loss, rel=1e-12)
        assert it.grad == pytest.approx(grads, rel=1e-9, abs=1e-12)
        for j, m in enumerate(mask, start=1):
            unit = [f"b¹{j}", f"w¹{j}1", f"w¹{j}2", f"w²1{j}"]
            if m == 0:
                dropped_somewhere = True
                assert all(it.grad[name.translate(SUBS)] == 0 for name in unit), (t, j)
            else:
                kept_somewhere = True
                assert all(it.grad[name.translate(SUBS)] != 0 for name in unit), (t, j)
        assert after.values == pytest.approx({n: it.values[n] - 0.5 * grads.get(n, 0.0) for n in it.values})
    assert dropped_somewhere and kept_somewhere
    # evaluation and prediction: no mask, no scaling
    trained = backward(done.network.graph, done.run.final, symbolic=False).value
    assert trained == pytest.approx(_masked_xor_run(done.run.final, XOR_DATA, [1, 1, 1, 1])[0], rel=1e-12)
    assert not any(name.startswith("m") for name in done.predictor.graph.inputs)
    assert np.isfinite(trained)


def test_the_network_figure_shows_the_drawn_steps_dropped_units() -> None:
    from gradviz.eval.backward import backward
    from gradviz.networks.training import fit
    from gradviz.render.neurons import render_neurons

    done = fit((2, 4, 1), XOR_DATA, lr=0.5, steps=5, dropout=0.5, seed=3)
    seen = set()
    for t in range(6):
        drawn = done.step_inputs(t)
        result = backward(done.network.graph, {**done.run.history[t].values, **drawn})
        dot = render_neurons(done.network, result, "dot").decode("utf-8")
        for unit in done.network.neurons:
            if unit.mask is None:
                continue
            line = next(line for line in dot.splitlines() if f"u{unit.node} [label=" in line)
            dropped = drawn[unit.mask] == 0
            seen.add(dropped)
            assert ("dashed" in line) == dropped and ("✗ dropped: passes 0" in line) == dropped, (t, unit.name)
            assert (f"∂L/∂{unit.bias} = 0<" in line) == dropped  # its numbers agree with its look
            edges = [line for line in dot.splitlines() if "invis" not in line
                     and (f"u{unit.node} ->" in line or f"-> u{unit.node}" in line)]
            assert len(edges) == 3 and all(("dashed" in e) == dropped for e in edges)
        assert ("Dropout in the step drawn" in dot) == (0.0 in drawn.values())
    assert seen == {True, False}


def _autoencoder_loss(values: dict, points, noise=None) -> float:
    """The mean over points and outputs of (σ(W² tanh(W¹x̃ + b¹) + b²) − x)², x̃ = x + noise, in numpy."""
    import numpy as np

    n = len(points[0])
    hidden = sum(name.startswith("b¹") for name in values)
    W1 = np.array([[values[f"w¹{j}{i}".translate(SUBS)] for i in range(1, n + 1)] for j in range(1, hidden + 1)])
    b1 = np.array([values[f"b¹{j}".translate(SUBS)] for j in range(1, hidden + 1)])
    W2 = np.array([[values[f"w²{k}{j}".translate(SUBS)] for j in range(1, hidden + 1)] for k in range(1, n + 1)])
    b2 = np.array([values[f"b²{k}".translate(SUBS)] for k in range(1, n + 1)])
    total = 0.0
    for k, x in enumerate(points):
        x = np.array(x)
        noisy = x + (np.array(noise[k]) if noise is not None else 0)
        out = 1 / (1 + np.exp(-(W2 @ np.tanh(W1 @ noisy + b1) + b2)))
        total += np.mean((out - x) ** 2)
    return total / len(points)


@pytest.mark.slow
def test_an_autoencoder_learns_to_reconstruct_its_inputs() -> None:
    import numpy as np

    from gradviz.eval.backward import backward
    from gradviz.networks.network import one_hot_vectors
    from gradviz.networks.training import codes, fit

    points = one_hot_vectors(4)
    done = fit((4, 2, 4), points, autoencoder=True, lr=0.5, steps=1500)
    losses = [it.loss for it in done.run.history]
    assert losses[-1] < 0.05 * losses[0] and done.predictor is None
    final = done.run.final
    assert backward(done.network.graph, final, symbolic=False).value == pytest.approx(
        _autoencoder_loss(final, points), rel=1e-12) == done.run.final_loss
    assert losses[0] == pytest.approx(_autoencoder_loss(done.network.values, points), rel=1e-12)
    names, found = codes(done.network, final)
    W1 = np.array([[final[f"w¹{j}{i}".translate(SUBS)] for i in range(1, 5)] for j in (1, 2)])
    b1 = np.array([final[f"b¹{j}".translate(SUBS)] for j in (1, 2)])
    assert names == ("h¹₁", "h¹₂") and np.allclose(found, [np.tanh(W1 @ np.array(x) + b1) for x in points])
    assert len({(round(a, 1), round(b, 1)) for a, b in found}) == 4  # four distinct codes


def test_the_denoising_autoencoders_noise_goes_to_the_inputs_only() -> None:
    import numpy as np

    from gradviz.networks.network import one_hot_vectors
    from gradviz.networks.training import fit, input_noise

    points = one_hot_vectors(3)
    done = fit((3, 2, 3), points, autoencoder=True, noise=0.3, lr=0.5, steps=6, seed=4)
    draws = input_noise(3, 3, 0.3, seed=4)
    for t in range(6):
        it, after = done.run.history[t], done.run.history[t + 1]
        drawn = done.step_inputs(t)
        noise = [[drawn[f"ε{k}{i}".translate(SUBS)] for i in (1, 2, 3)] for k in (1, 2, 3)]
        assert noise == draws(t) and noise != draws(t + 1)
        assert it.loss == pytest.approx(_autoencoder_loss(it.values, points, noise), rel=1e-12)
        assert it.loss != pytest.approx(_autoencoder_loss(it.values, points), rel=1e-6)
        grad = _fd_gradient(lambda v: _autoencoder_loss(v, points, noise), it.values, done.network.parameters)
        assert after.values == pytest.approx({n: it.values[n] - 0.5 * grad.get(n, 0.0) for n in it.values}, abs=1e-7)
    assert np.std([v for t in range(300) for row in draws(t) for v in row]) == pytest.approx(0.3, rel=0.05)


def test_the_xor_breakout_trained_with_relu() -> None:
    import numpy as np

    from gradviz.networks.network import XOR_BREAKOUT_DATA
    from gradviz.networks.training import fit

    done = fit((2, 2, 1), XOR_BREAKOUT_DATA, activation="relu", loss="mse", lr=0.1, steps=1000, seed=10)
    w = done.run.final
    for (x1, x2), target in XOR_BREAKOUT_DATA:
        v = [max(0.0, w[f"b¹{j}".translate(SUBS)] + w[f"w¹{j}1".translate(SUBS)] * x1
                 + w[f"w¹{j}2".translate(SUBS)] * x2) for j in (1, 2)]
        y = w["b²₁"] + w["w²₁₁"] * v[0] + w["w²₁₂"] * v[1]
        assert (y > 0.7) if target > 0 else (y < -0.7)
    dead = fit((2, 2, 1), XOR_BREAKOUT_DATA, activation="relu", loss="mse", lr=0.1, steps=1000, seed=1)
    assert dead.run.final_loss == pytest.approx(1.0) and np.isfinite(dead.run.final_loss)  # both ReLUs died


def test_training_option_mistakes_are_refused() -> None:
    from gradviz.networks.network import XOR_BREAKOUT_DATA, one_hot_vectors
    from gradviz.networks.training import fit

    with pytest.raises(GradvizError, match="use --loss mse"):
        fit((2, 2, 1), XOR_BREAKOUT_DATA)
    with pytest.raises(GradvizError, match="as many units as it starts with"):
        fit((4, 2, 3), one_hot_vectors(4), autoencoder=True)
    with pytest.raises(GradvizError, match="dropout"):
        fit((2, 1), XOR_DATA, dropout=0.5)
    with pytest.raises(GradvizError, match="dropout must be .* and < 1"):
        fit((2, 2, 1), XOR_DATA, dropout=1.0)


def test_dropout_with_mini_batches_masks_each_batch_alike() -> None:
    from gradviz.networks.training import batch_order, fit

    done = fit((2, 3, 1), XOR_DATA, lr=0.5, steps=6, batch_size=2, dropout=0.5, seed=2)
    order = batch_order(4, 2, seed=2)
    for t in range(6):
        it = done.run.history[t]
        drawn = done.step_inputs(t)
        loss, grads = _masked_xor_run(it.values, [done.train[k] for k in order(t)],
                                      [drawn[f"m¹{j}".translate(SUBS)] for j in (1, 2, 3)])
        assert it.loss == pytest.approx(loss, rel=1e-12) and it.grad == pytest.approx(grads, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("args, fragment", [
    (["train", "2-4-1", "--data", "onehot"], "add --autoencoder"),
    (["train", "4-2-3", "--autoencoder"], "as many units as it starts with"),
    (["train", "2-2-1", "--data", "xor-breakout"], "use --loss mse"),
    (["train", "2-4-1", "--dropout", "1"], "--dropout"),
    (["train", "4-2-4", "--autoencoder", "--animate"], "an autoencoder draws codes.png")])
def test_train_refuses_mistaken_new_options_in_one_line(tmp_path, args, fragment) -> None:
    from click.testing import CliRunner

    from gradviz.cli import cli

    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "out")])
    assert result.exit_code in (1, 2) and fragment in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
