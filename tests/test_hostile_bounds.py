"""Issue 26's kinds, one representative each: numbers refused alike wherever they enter, CSV files
that are not finite numbers in a regular UTF-8 file, and a grid search stopped by Ctrl-C or by a
worker's death — each one ``Error:`` line (or ``Interrupted.``), never an internal error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from gradviz.cli import cli
from gradviz.errors import GradvizError
from gradviz.networks.training import read_points
from tools import in_the_foreground

ROOT = Path(__file__).resolve().parent.parent
GOOD = "0,0,0\n0,1,1\n1,0,1\n1,1,0\n"


@pytest.mark.parametrize("option", ["--lr", "--l1", "--l2", "--val", "--noise", "--dropout", "--momentum",
                                    "--batch-size", "--patience"])
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400", "-5", "x"])
def test_a_training_number_out_of_its_range_is_one_error_naming_the_option(tmp_path, option: str, value: str) -> None:
    result = CliRunner().invoke(cli, ["train", "2-2-1", option, value, "-o", str(tmp_path / "o")])
    assert result.exit_code == 1 and result.output.startswith(f"Error: {option} must be "), result.output
    assert result.output.count("\n") == 1 and not (tmp_path / "o").exists()


@pytest.mark.parametrize("key, values", [("l2", "-5"), ("hidden", "inf"), ("hidden", "nan"), ("lr", "nan,0.1"),
                                         ("lr", "inf"), ("l1", "nan,0"), ("momentum", "1"), ("hidden", "2.5")])
def test_a_grid_value_is_refused_as_the_option_is(tmp_path, key: str, values: str) -> None:
    grid = CliRunner().invoke(cli, ["train", "2-2-1", "--grid", f"{key}={values}", "-o", str(tmp_path)])
    assert grid.exit_code == 1 and grid.output.startswith(f"Error: --grid {key} must be "), grid.output
    if key != "hidden":  # the option refuses the value for the same reason
        option = CliRunner().invoke(cli, ["train", "2-2-1", f"--{key}", values.split(",")[0], "-o", str(tmp_path)])
        assert option.output.split(" must be ")[1] == grid.output.split(" must be ")[1]


def test_descend_refuses_a_learning_rate_that_is_no_number(tmp_path) -> None:
    for value in ("nan", "inf", "0"):
        result = CliRunner().invoke(cli, ["descend", "x^2", "--at", "x=1", "--wrt", "x", "--lr", value])
        assert result.exit_code == 1 and result.output.startswith("Error: --lr must be a finite number > 0")


def test_a_validation_share_that_leaves_no_training_point_says_so(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["train", "2-2-1", "--val", "0.99", "-o", str(tmp_path)])
    assert result.exit_code == 1 and "holds out 4 of the 4 points" in result.output
    advised = result.output.split("use --val between ")[1].split(" and ")[0]
    ok = CliRunner().invoke(cli, ["train", "2-2-1", "--val", advised, "--steps", "5", "-o", str(tmp_path)])
    assert ok.exit_code == 0, ok.output  # the advice works


@pytest.mark.parametrize("content, where", [
    ("0,0,0\n0,inf,1\n", "line 2, column 2"), ("0,0,0\nnan,0,1\n", "line 2, column 1"),
    ("0,0,0\n1,0,1e400\n", "line 2, column 3"), ("0,0,0\n0,-Infinity,1\n", "line 2, column 2"),
    ("0,0,0\n1e308,1e308,1\n", "line 2, column 1"), ("0,0,0\n0,1\n", "line 2: 2 columns"),
    ("0,0,0\n0," + "1" * 200_000 + ",1\n", "line 2: not CSV"), ("0,0,0\n0,\x001,1\n", "line 2"),
])
def test_a_csv_value_that_cannot_be_trained_on_or_drawn_is_refused_naming_line_and_column(
        tmp_path, content: str, where: str) -> None:
    path = tmp_path / "data.csv"
    path.write_text(content)
    with pytest.raises(GradvizError, match=where):
        read_points(path)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"])
@pytest.mark.parametrize("header", ["", "x1,x2,y\n"])
def test_a_byte_order_mark_loses_no_row(tmp_path, encoding: str, header: str) -> None:
    path = tmp_path / "data.csv"
    path.write_text(header + GOOD, encoding=encoding)
    assert read_points(path) == [((0.0, 0.0), 0.0), ((0.0, 1.0), 1.0), ((1.0, 0.0), 1.0), ((1.0, 1.0), 0.0)]


def test_files_that_are_no_csv_text_are_refused(tmp_path) -> None:
    (tmp_path / "utf16.csv").write_text(GOOD, encoding="utf-16")
    with pytest.raises(GradvizError, match="not UTF-8 text .*UTF-16"):
        read_points(tmp_path / "utf16.csv")
    os.mkfifo(tmp_path / "fifo")  # opening it would wait for a writer forever
    for path in (tmp_path / "fifo", "/dev/zero", tmp_path):
        with pytest.raises(GradvizError, match="cannot read"):
            read_points(path)


def _start(args: list[str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GRADVIZ_DEBUG", None)
    return subprocess.Popen([sys.executable, "-c", "from gradviz.cli import main; main()", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=in_the_foreground)


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and (Path("/proc") / entry / "stat").read_text().rsplit(")", 1)[1].split()[1] == str(pid):
                out.append(int(entry))
        except (OSError, IndexError):
            pass
    return out


#: A grid whose two workers train for about 4 s here (within the budget): 2000 steps left them under half a second,
#: a window a loaded machine could close before the test's signal or kill reached them.
GRID = ["train", "2-4-1", "--grid", "lr=0.01,0.1,0.5,1", "--grid", "hidden=2,4", "--steps", "16000"]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("stop, code, line", [("ctrl-c", 130, "Interrupted."),
                                              ("kill a worker", 1, "Error: a process of the grid search ended")])
def test_a_grid_search_stopped_ends_at_once_with_one_line(tmp_path, stop: str, code: int, line: str) -> None:
    process = _start([*GRID, "-o", str(tmp_path / "o")])
    deadline = time.monotonic() + 30
    while len(_children(process.pid)) < 2 and time.monotonic() < deadline:  # the workers have started
        time.sleep(0.1)
    workers = _children(process.pid)
    assert workers and process.poll() is None
    if stop == "ctrl-c":
        process.send_signal(signal.SIGINT)
    else:
        os.kill(max(workers), signal.SIGKILL)
    _, err = process.communicate(timeout=30)
    assert process.returncode == code and err.startswith(line) and err.count("\n") == 1, err
    time.sleep(0.5)
    assert not any(Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
                   for pid in workers)  # no worker left running


@pytest.mark.slow
@pytest.mark.parametrize("args, first", [
    (["params", "; ".join(["f1(x) = x*x + x"] + [f"f{k}(x) = f{k - 1}(f{k - 1}(x))" for k in range(2, 22)]
                          + ["L = f21(x)"])], "Error: applying 'f21' here"),
    (["grad", "tanh(" * 150 + "x" + ")" * 150, "--at", "x=0.3", "--check"], ""),
    (["train", "2-2-1", "--data", "/dev/zero", "-o", "o"], "Error: cannot read /dev/zero"),
    (["train", "2-2-1", "--lr", "nan", "-o", "o"], "Error: --lr must be"),
])
def test_a_hostile_process_of_each_kind_ends_cleanly(tmp_path, args: list[str], first: str) -> None:
    process = _start(args)
    _, err = process.communicate(timeout=60)
    assert process.returncode == (1 if first else 0) or (first.startswith("Error: applying") and process.returncode == 2)
    assert err.startswith(first) and "internal error" not in err and "Traceback" not in err, err
