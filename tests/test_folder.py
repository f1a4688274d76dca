"""One run, one folder's worth of truth: a run replaces every file gradviz wrote into the folder
before (it knows them from its record), never a file it did not write; a single-file output leaves
nothing beside it; the record survives commands writing into one folder at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gradviz.cli import cli
from gradviz.errors import GradvizError
from gradviz.outputs.folder import MAX_RECORD_BYTES, RECORD, OutputFolder

LECTURE = "(θ1θ2x − y)²"
AT = "θ1=2,θ2=-1,x=3,y=1"


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def _record(folder: Path) -> set[str]:
    return set((folder / RECORD).read_text(encoding="utf-8").split())


def test_a_new_run_replaces_every_file_an_earlier_run_wrote(tmp_path: Path) -> None:
    first = OutputFolder(tmp_path)
    first.write_all({"a.svg": b"1", "b.svg": b"1"})
    first.sub("key").write("c.svg", b"1")  # the same run: added, nothing removed
    assert _files(tmp_path) == {RECORD, "a.svg", "b.svg", "key/c.svg"}
    assert _record(tmp_path) == {"a.svg", "b.svg", "key/c.svg"}
    (tmp_path / "notes.md").write_text("mine")
    OutputFolder(tmp_path).write("a.svg", b"2")
    assert _files(tmp_path) == {RECORD, "a.svg", "notes.md"}  # b.svg and key/ gone, the user's notes kept
    assert _record(tmp_path) == {"a.svg"} and (tmp_path / "a.svg").read_bytes() == b"2"
    assert not (tmp_path / "key").exists()


def test_removal_never_leaves_the_folder_nor_follows_a_link(tmp_path: Path) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (outside / "victim.txt").write_text("keep")
    (out / "link").symlink_to(outside)
    (out / "mine").mkdir()
    (out / RECORD).write_text("../outside/victim.txt\nlink/victim.txt\n/etc/hostname\nmine\n", encoding="utf-8")
    OutputFolder(out).write("a.svg", b"1")
    assert (outside / "victim.txt").read_text() == "keep" and (out / "mine").is_dir()
    assert _record(out) == {"a.svg"}


def test_an_earlier_sub_folder_record_is_taken_over(tmp_path: Path) -> None:
    """An earlier gradviz kept a record in each sub-folder (answer-key/.gradviz): its files are known."""
    key = tmp_path / "answer-key"
    key.mkdir()
    (key / "old.svg").write_text("old")
    (key / "index.html").write_text("old")
    (key / RECORD).write_text("old.svg\nindex.html\n")
    folder = OutputFolder(tmp_path)
    with folder.batch():
        folder.write("index.html", b"q")
        folder.sub("answer-key").write("index.html", b"a")
    assert _files(tmp_path) == {RECORD, "index.html", "answer-key/index.html"}
    assert _record(tmp_path) == {"index.html", "answer-key/index.html"}


def test_a_record_of_absurd_size_is_refused_unread(tmp_path: Path) -> None:
    with open(tmp_path / RECORD, "wb") as fh:  # sparse: 1.2 GB on paper, nothing on disk
        fh.truncate(1_200_000_000)
    with pytest.raises(GradvizError, match="1,200,000,000 bytes"):
        OutputFolder(tmp_path).write("a.svg", b"1")
    assert _files(tmp_path) == {RECORD}
    (tmp_path / RECORD).write_bytes(b"x\n" * (MAX_RECORD_BYTES // 2))  # the largest accepted
    OutputFolder(tmp_path).write("a.svg", b"1")
    assert _record(tmp_path) == {"a.svg"}


@pytest.mark.parametrize("name", ["", "loop"])
def test_an_empty_or_looping_folder_name_is_a_clean_error(tmp_path: Path, name: str) -> None:
    if name == "loop":
        (tmp_path / "loop").symlink_to(tmp_path / "loop")
    result = CliRunner().invoke(cli, ["render", "x*y", "-o", str(tmp_path / name) if name else "", "--format", "dot"])
    assert result.exit_code == 1 and result.output.count("Error:") == 1, result.output
    assert _files(tmp_path) == set()


@pytest.mark.slow
def test_render_then_net_leaves_only_the_second_runs_files(tmp_path: Path) -> None:
    """The issue's case: a png render of the lecture, then a network's frames, into one folder."""
    out = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(cli, ["render", LECTURE, "--at", AT, "-o", str(out), "--format", "png"])
    assert first.exit_code == 0, first.output
    assert any(name.startswith("derivation-page") for name in _files(out))
    second = runner.invoke(cli, ["net", "2-2-1", "--at", "x1=1,x2=0,y=1", "--view", "ops", "--frames", "all",
                                 "-o", str(out)])
    assert second.exit_code == 0, second.output
    import json

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    expected = {frame["file"] for frame in manifest["frames"]} | {"manifest.json", "derivation.md", "derivation.tex"}
    assert _files(out) == expected | {RECORD} and _record(out) == expected
    assert not [name for name in _files(out) if name.endswith(".png")]


@pytest.mark.slow
def test_gif_leaves_nothing_beside_it_and_rewrites_only_its_own_file(tmp_path: Path) -> None:
    from gradviz.outputs.gif import GIF_MARK

    runner = CliRunner()
    args = ["gif", "x*y", "--at", "x=1,y=2", "-o", str(tmp_path / "anim.gif")]
    assert runner.invoke(cli, args).exit_code == 0
    assert _files(tmp_path) == {"anim.gif"} and GIF_MARK in (tmp_path / "anim.gif").read_bytes()[:4096]
    again = runner.invoke(cli, args)  # its own file, known by its mark
    assert again.exit_code == 0, again.output
    (tmp_path / "other.gif").write_bytes((tmp_path / "anim.gif").read_bytes().replace(GIF_MARK, b"made by others!"))
    refused = runner.invoke(cli, args[:-1] + [str(tmp_path / "other.gif")])
    assert refused.exit_code == 1 and "--force" in refused.output
    os.mkfifo(tmp_path / "pipe.gif")
    fifo = runner.invoke(cli, args[:-1] + [str(tmp_path / "pipe.gif")])
    assert fifo.exit_code == 1 and "not a regular file" in fifo.output, fifo.output
    assert _files(tmp_path) == {"anim.gif", "other.gif"}


def _gradviz(*args: str, cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    return subprocess.Popen([sys.executable, "-c", "from gradviz.cli import main; main()", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _consistent(out: Path) -> None:
    """Every file in the folder is in the record, and every recorded file is there."""
    files = {name for name in _files(out) if name != RECORD}
    assert files == _record(out), (files ^ _record(out))


@pytest.mark.slow
def test_two_commands_into_one_folder_at_once_keep_one_true_record(tmp_path: Path) -> None:
    """render & train into one folder: they take turns under the folder's lock, so the folder holds one
    run's files, all recorded (none left unrecorded), and the next render is not refused."""
    out = tmp_path / "out"
    for _ in range(2):
        runs = [_gradviz("render", LECTURE, "--at", AT, "-o", str(out), "--format", "svg", cwd=tmp_path),
                _gradviz("train", "2-2-1", "--data", "xor", "--steps", "20", "-o", str(out), cwd=tmp_path)]
        for run in runs:
            _, err = run.communicate(timeout=300)
            assert run.returncode == 0, err
        _consistent(out)
    again = _gradviz("render", LECTURE, "--at", AT, "-o", str(out), "--format", "svg", cwd=tmp_path)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0 and "did not create" not in err, err
    _consistent(out)


@pytest.mark.slow
def test_two_identical_renders_at_once_both_succeed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runs = [_gradviz("render", LECTURE, "--at", AT, "-o", str(out), "--format", "dot", cwd=tmp_path) for _ in range(3)]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0 and "did not create" not in err, err
    _consistent(out)


def _writer(args: tuple[str, int]) -> str:
    folder, k = args
    names = {f"run{k}-{i}.txt": str(k).encode() for i in range(20)} | {"shared.txt": str(k).encode()}
    try:
        OutputFolder(folder).write_all(names)
    except GradvizError as exc:
        return str(exc)
    return ""


@pytest.mark.slow
def test_many_writers_at_once_leave_exactly_one_runs_files(tmp_path: Path) -> None:
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(6) as pool:
        errors = pool.map(_writer, [(str(tmp_path), k) for k in range(24)])
    assert errors == [""] * 24
    _consistent(tmp_path)
    last = (tmp_path / "shared.txt").read_text()
    assert _files(tmp_path) == {RECORD, "shared.txt"} | {f"run{last}-{i}.txt" for i in range(20)}


@pytest.mark.slow
def test_a_command_refuses_a_3_gb_record_in_bounded_memory(tmp_path: Path) -> None:
    """A real process: the record is refused from its size, never read (peak memory of the child)."""
    import resource

    out = tmp_path / "out"
    out.mkdir()
    with open(out / RECORD, "wb") as fh:
        fh.truncate(3_000_000_000)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    run = _gradviz("render", "x*y", "--at", "x=1,y=2", "-o", str(out), "--format", "dot", cwd=tmp_path)
    _, err = run.communicate(timeout=300)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert run.returncode == 1 and err.count("Error:") == 1 and "3,000,000,000 bytes" in err, err
    assert max(peak_kb, before) < 1_000_000  # kB: far below the record's size
    assert _files(out) == {RECORD}


def test_a_single_file_is_replaced_only_when_it_is_proven_gradviz_s(tmp_path: Path) -> None:
    from gradviz.outputs.folder import write_file

    target = tmp_path / "anim.gif"
    target.write_bytes(b"someone's")
    with pytest.raises(GradvizError, match="--force"):
        write_file(target, b"new", ours=lambda head: head.startswith(b"MARK"))
    target.write_bytes(b"MARK and more")
    write_file(target, b"MARK new", ours=lambda head: head.startswith(b"MARK"))  # its mark: ours
    target.write_bytes(b"old gradviz")
    (tmp_path / RECORD).write_text("anim.gif\n")  # an earlier gradviz recorded it beside it
    write_file(target, b"MARK newer", ours=lambda head: False)
    assert target.read_bytes() == b"MARK newer" and _files(tmp_path) == {"anim.gif", RECORD}
    (tmp_path / "link.gif").symlink_to(target)
    with pytest.raises(GradvizError, match="symbolic link"):
        write_file(tmp_path / "link.gif", b"x", ours=lambda head: True, force=True)
