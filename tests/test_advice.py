"""Advice that works: every kind of refusal that names an option, a value or a command is
triggered, the advice is read out of its message, followed, and the command must then succeed.

The budgets are lowered (monkeypatched) where following the advice would otherwise run a whole
budget's worth of work (about 20 s of training): the refusal and its advice are computed from the
same limits, so what is checked is that the advice passes the check that refused."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from gradviz.cli import cli

LECTURE = "(θ1θ2x − y)²"
AT = "θ1=2,θ2=-1,x=3,y=1"


def invoke(args: list[str]):
    return CliRunner().invoke(cli, args)


def refusal(args: list[str]) -> str:
    result = invoke(args)
    assert result.exit_code in (1, 2) and result.output.count("Error:") == 1, result.output
    assert "Traceback" not in result.output
    return result.output


def succeeds(args: list[str]) -> str:
    result = invoke(args)
    assert result.exit_code == 0, f"{shlex.join(args)}\n{result.output}"
    assert "Error:" not in result.output
    return result.output


def with_option(args: list[str], option: str, value: str | None = None, drop: tuple[str, ...] = ()) -> list[str]:
    """``args`` with ``option`` (and its value) set, replacing an earlier one; ``drop`` options removed."""
    out, skip = [], False
    for k, arg in enumerate(args):
        if skip:
            skip = False
            continue
        if arg == option or arg in drop:
            skip = arg in ("--dpi", "--steps", "--format", "--frames", "--view", "--loss", "--animate-frames",
                           "--lr", "--data") and k + 1 < len(args)
            continue
        out.append(arg)
    return out + [option] + ([value] if value is not None else [])


def number(message: str, option: str) -> str:
    found = re.search(re.escape(option) + r" ([0-9]+)\b", message)
    assert found, f"no {option} N in: {message}"
    return found.group(1)


def _lowered(monkeypatch, module: str, name: str, value: float) -> None:
    import importlib

    for where in (module, "gradviz.networks.training", "gradviz.render.figure", "gradviz.networks.descent",
                  "gradviz.networks.vectorised"):
        mod = importlib.import_module(where)
        if hasattr(mod, name):
            monkeypatch.setattr(mod, name, value)


# each kind: (setup(monkeypatch), the refused command, the commands its advice gives)
Follow = Callable[[str, list[str], Path], list[list[str]]]


def _dpi(message: str, args: list[str], out: Path) -> list[list[str]]:
    assert "--format svg or pdf without --dpi" in message
    return [with_option(args, "--dpi", number(message, "--dpi")),
            with_option(with_option(args, "--format", "svg", drop=("--dpi",)), "--frames", "final"),
            with_option(args, "--format", "pdf", drop=("--dpi",))] + \
        ([with_option(args, "--frames", "final")] if "--frames final" in message else [])


def _net_ops(message: str, args: list[str], out: Path) -> list[list[str]]:
    smaller = re.search(r"such as ([0-9-]+)", message).group(1)
    return [with_option(args, "--view", "neurons", drop=("--frames",)), [args[0], smaller, *args[2:]],
            ["params", re.search(r"`gradviz params ([0-9-]+)`", message).group(1)]]


def _net_build(message: str, args: list[str], out: Path) -> list[list[str]]:
    return [shlex.split(re.search(r"`gradviz (params [0-9-]+)`", message).group(1))]


def _steps(message: str, args: list[str], out: Path) -> list[list[str]]:
    same = re.search(r"(--steps ([0-9]+) at most|use --steps ([0-9]+))", message)
    follows = [with_option(args, "--steps", same.group(2) or same.group(3))] if same else []
    smaller = re.search(r"such as ([0-9-]+) with --steps ([0-9]+)", message)
    if smaller:
        follows.append(with_option([args[0], smaller.group(1), *args[2:]], "--steps", smaller.group(2)))
    return follows


def _force(message: str, args: list[str], out: Path) -> list[list[str]]:
    assert "use --force" in message
    return [args + ["--force"]]


def _frames_final(message: str, args: list[str], out: Path) -> list[list[str]]:
    assert "--frames final of gradviz render" in message and "gradviz grad" in message
    expr, at = args[1], args[args.index("--at") + 1]
    return [["render", expr, "--at", at, "-o", str(out / "final"), "--frames", "final"], ["grad", expr, "--at", at]]


def _grad_numbers(message: str, args: list[str], out: Path) -> list[list[str]]:
    assert "print the numbers with gradviz grad" in message
    return [["grad", args[1], "--at", args[args.index("--at") + 1]]]


def _layers_ending_in_one(message: str, args: list[str], out: Path) -> list[list[str]]:
    ends = re.search(r"end the layers in 1 \(([0-9-]+)\)", message).group(1)
    follows = [[args[0], ends, *args[2:]]]
    if "--autoencoder" in message:
        follows.append(args + ["--autoencoder"])
    return follows


def _loss_mse(message: str, args: list[str], out: Path) -> list[list[str]]:
    assert "use --loss mse" in message
    return [with_option(args, "--loss", "mse")]


def _add_autoencoder(message: str, args: list[str], out: Path) -> list[list[str]]:
    assert "add --autoencoder" in message
    return [args + ["--autoencoder"]]


def _one_optimizer(message: str, args: list[str], out: Path) -> list[list[str]]:
    assert "choose one of --momentum, --adagrad and --adam" in message
    return [with_option(args, "--adam", drop=("--adagrad",)), with_option(args, "--adagrad", drop=("--adam",))]


def _animate_frames(message: str, args: list[str], out: Path) -> list[list[str]]:
    return [with_option(args, "--animate-frames", number(message, "--animate-frames"))]


def _grid_steps(message: str, args: list[str], out: Path) -> list[list[str]]:
    assert "the grid's" in message and "fewer values in --grid" in message
    return [with_option(args, "--steps", number(message, "--steps"))]


def _smaller_layers(message: str, args: list[str], out: Path) -> list[list[str]]:
    return [[args[0], re.search(r"such as ([0-9-]+)", message).group(1), *args[2:]]]


def _rows(message: str, args: list[str], out: Path) -> list[list[str]]:
    most = int(re.search(r"fewer points \(([0-9]+) at most\)", message).group(1))
    rows = Path(args[args.index("--data") + 1]).read_text().splitlines()
    fewer = out / "fewer.csv"
    fewer.write_text("\n".join(rows[:most + 1]) + "\n")  # the header and the first rows
    return [with_option(args, "--data", str(fewer))]


def _csv(out: Path, rows: int) -> str:
    path = out / "rows.csv"
    path.write_text("x1,x2,y\n" + "".join(f"{k % 7 / 7},{k % 3 / 3},{k % 2}\n" for k in range(rows)))
    return str(path)


KINDS: list[tuple[str, Callable, Callable[[Path], list[str]], Follow]] = [
    # the advised dpi's frames drawn in 3 million pixels, not 100 (test_a_real_process_follows_the_pixel_advice
    # follows the real limit's advice)
    ("pixel budget: --dpi too high", lambda mp: _lowered(mp, "gradviz.render.budget", "PIXEL_LIMIT", 3_000_000),
     lambda out: ["render", LECTURE, "--at", AT, "-o", str(out / "o"), "--format", "png", "--dpi", "2400"], _dpi),
    ("net: too big to draw op by op", lambda mp: _lowered(mp, "gradviz.render.frames", "RENDER_NODE_LIMIT", 30),
     lambda out: ["net", "2-3-1", "--at", "x1=1,x2=0,y=1", "--view", "ops", "--frames", "all", "--format", "dot",
                  "-o", str(out / "o")], _net_ops),
    ("net: too big to build", lambda mp: None,
     lambda out: ["net", "10000-1000-1000-1000-10", "--loss", "ce", "-o", str(out / "o")], _net_build),
    ("train: too many steps", lambda mp: _lowered(mp, "gradviz.networks.vectorised", "ARRAY_WORK_LIMIT", 0.5),
     lambda out: ["train", "2-8-1", "--data", "xor", "--steps", "5000", "-o", str(out / "o")], _steps),
    ("train: too big to draw neuron by neuron", lambda mp: None,
     lambda out: ["train", "2-64-64-1", "--data", "xor", "--steps", "500", "-o", str(out / "o")], _smaller_layers),
    ("train: too many data points", lambda mp: _lowered(mp, "gradviz.networks.vectorised", "ARRAY_WORK_LIMIT", 0.2),
     lambda out: ["train", "2-4-1", "--data", _csv(out, 3000), "--steps", "300", "-o", str(out / "o")], _rows),
    ("descend: too many steps", lambda mp: _lowered(mp, "gradviz.networks.descent", "DESCENT_WORK_LIMIT", 20_000),
     lambda out: ["descend", "(w - 3)^2", "--at", "w=0", "--wrt", "w", "--steps", "100000"], _steps),
    ("train: a grid over the budget", lambda mp: _lowered(mp, "gradviz.networks.vectorised", "ARRAY_WORK_LIMIT", 0.3),
     lambda out: ["train", "2-4-1", "--data", "xor", "--steps", "400", "--grid", "lr=0.01,0.1,1", "--grid",
                  "hidden=2,4", "-o", str(out / "o")],
     _grid_steps),
    # the advised frames drawn under a fifth of the real limit: 4 frames of the network, not 26
    ("train --animate: too many frames", lambda mp: _lowered(mp, "gradviz.networks.playground", "WORK_LIMIT", 200),
     lambda out: ["train", "2-8-8-8-8-1", "--data", "xor", "--steps", "5", "--animate", "--animate-frames", "60",
                  "-o", str(out / "o")], _animate_frames),
    ("slides: too many nodes for every frame", lambda mp: _lowered(mp, "gradviz.render.frames", "RENDER_NODE_LIMIT", 5),
     lambda out: ["slides", LECTURE, "--at", AT, "-o", str(out / "o")], _frames_final),
    ("gif: too many nodes for every frame", lambda mp: _lowered(mp, "gradviz.render.frames", "RENDER_NODE_LIMIT", 5),
     lambda out: ["gif", LECTURE, "--at", AT, "-o", str(out / "o.gif")], _frames_final),
    ("render: too costly to lay out", lambda mp: _lowered(mp, "gradviz.render.budget", "WORK_LIMIT", 5),
     lambda out: ["render", LECTURE, "--at", AT, "-o", str(out / "o"), "--format", "dot"], _grad_numbers),
    ("train: more than one output", lambda mp: None,
     lambda out: ["train", "4-2-4", "--steps", "5", "-o", str(out / "o")], _layers_ending_in_one),
    ("train: bce on targets ±1", lambda mp: None,
     lambda out: ["train", "2-2-1", "--data", "xor-breakout", "--loss", "bce", "--steps", "5", "-o", str(out / "o")],
     _loss_mse),
    ("train: onehot without --autoencoder", lambda mp: None,
     lambda out: ["train", "4-2-4", "--data", "onehot", "--steps", "5", "-o", str(out / "o")], _add_autoencoder),
    ("descend: two optimizers", lambda mp: None,
     lambda out: ["descend", "(w - 3)^2", "--at", "w=0", "--wrt", "w", "--steps", "3", "--adam", "--adagrad"],
     _one_optimizer),
]


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS, ids=[k[0] for k in KINDS])
def test_the_advice_of_each_refusal_succeeds_when_followed(kind, tmp_path: Path, monkeypatch) -> None:
    _, setup, command, follow = kind
    setup(monkeypatch)
    args = command(tmp_path)
    message = refusal(args)
    follows = follow(message, args, tmp_path)
    assert follows
    for k, advised in enumerate(follows):
        advised = [str(tmp_path / f"followed-{k}") if a == str(tmp_path / "o") else a for a in advised]
        succeeds(advised)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["--force of a folder", "--force of a gif"])
def test_the_force_advice_of_a_foreign_file_succeeds(kind: str, tmp_path: Path) -> None:
    if "gif" in kind:
        (tmp_path / "a.gif").write_bytes(b"GIF89a mine")
        args = ["gif", "x*y", "--at", "x=1,y=2", "-o", str(tmp_path / "a.gif")]
    else:
        (tmp_path / "derivation.md").write_text("mine")
        args = ["render", "x*y", "--at", "x=1,y=2", "-o", str(tmp_path), "--format", "dot", "--frames", "final"]
    for advised in _force(refusal(args), args, tmp_path):
        succeeds(advised)


@pytest.mark.slow
def test_the_default_dpi_fits_the_pixel_budget_instead_of_refusing(tmp_path: Path, monkeypatch) -> None:
    """A default is never refused: with a budget too small for 150 dpi, png frames come at a lower dpi."""
    from PIL import Image

    import gradviz.render.budget as budget

    monkeypatch.setattr(budget, "PIXEL_LIMIT", 3_000_000)
    out = succeeds(["render", LECTURE, "--at", AT, "-o", str(tmp_path), "--format", "png"])
    assert "frames" in out
    pngs = sorted(p for p in tmp_path.glob("0*.png"))
    pixels = sum(Image.open(p).width * Image.open(p).height for p in pngs)
    assert len(pngs) == 7 and pixels <= 3_000_000
    refused = refusal(["render", LECTURE, "--at", AT, "-o", str(tmp_path / "b"), "--format", "png", "--dpi", "150"])
    assert "--dpi" in refused  # the default is lower than 150 here, and an explicit 150 is refused


@pytest.mark.slow
def test_a_real_process_follows_the_pixel_advice(tmp_path: Path) -> None:
    """One real process per cheap kind: the message a user sees in a terminal, followed."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    base = [sys.executable, "-c", "from gradviz.cli import main; main()"]
    args = ["render", LECTURE, "--at", AT, "-o", str(tmp_path / "o"), "--format", "png", "--dpi", "2400"]
    first = subprocess.run(base + args, capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 1 and first.stderr.count("Error:") == 1, first.stderr
    followed = subprocess.run(base + with_option(args, "--dpi", number(first.stderr, "--dpi")), capture_output=True,
                              text=True, env=env, timeout=120)
    assert followed.returncode == 0, followed.stderr


@pytest.mark.slow
@pytest.mark.parametrize("args", [["render", "x*2", "--at", "x=1e400", "--format", "dot"],
                                  ["render", "x*1e400", "--at", "x=1", "--format", "dot"],
                                  ["grad", "x*1e400", "--at", "x=1"]])
def test_a_number_beyond_float_range_is_advised_to_grad_exact(args: list[str], tmp_path: Path) -> None:
    if args[0] == "render":
        args = args + ["-o", str(tmp_path / "o")]
    message = refusal(args)
    assert "gradviz grad --exact" in message
    out = succeeds(["grad", args[1], "--at", args[args.index("--at") + 1], "--exact"])
    assert "∂L/∂x = " in out


@pytest.mark.slow
def test_the_learning_rate_a_diverged_descent_advises_converges(tmp_path: Path) -> None:
    args = ["descend", "(w - 3)^2", "--at", "w=0", "--wrt", "w", "--lr", "5", "--steps", "20"]
    first = succeeds(args)
    rate = re.search(r"try --lr ≤ ([0-9.e-]+)", first).group(1)
    followed = succeeds(with_option(args, "--lr", rate))
    assert "diverged" not in followed
