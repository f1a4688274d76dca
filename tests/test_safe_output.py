"""Safe output: names are escaped in every format, files are written atomically inside the
folder the user named, and files gradviz did not create are not overwritten without --force."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from gradviz.cli import cli
from gradviz.errors import GradvizError
from gradviz.ir.graph import GraphBuilder
from gradviz.api import Graph
from gradviz.outputs.folder import RECORD, OutputFolder, write_atomic
import gradviz.outputs.export as export_module
from gradviz.render.figure import render_frames

HOSTILE = ["<b>", "\\input{/etc/passwd}", "</TD></TR></TABLE>>", "a&b", "$x$", "*y*", '"q"', "`z`", "]]>"]


def _hostile_graph():
    b = GraphBuilder("hostile")
    ids = [b.input(name) for name in HOSTILE]
    total = ids[0]
    for nid in ids[1:]:
        total = b.apply("mul", [total, nid])
    return Graph.of(b.finish(total))


def test_hostile_names_are_escaped_in_dot_svg_latex_and_markdown(tmp_path: Path) -> None:
    from gradviz.derive.documents import derivation_latex, derivation_markdown

    result = _hostile_graph().backward({name: 1.5 for name in HOSTILE})
    done = export_module.export(result, tmp_path, format="dot", which="final")
    dot = done.final.read_text(encoding="utf-8")
    assert "<b>" not in dot and "&lt;b&gt;" in dot
    assert "&lt;/TD&gt;&lt;/TR&gt;&lt;/TABLE&gt;&gt;" in dot  # a name cannot close the HTML label
    tex = derivation_latex(result)
    assert "\\input" not in tex.replace("\\textbackslash{}input", "")
    assert "\\input{" not in tex
    md = derivation_markdown(result)
    assert "\\input{/etc" not in md or "`" in md  # Markdown keeps names inside math or code
    svg = render_frames(result, format="svg", which="final")[0].data.decode("utf-8")
    assert "<b>" not in svg and "&lt;b&gt;" in svg


def test_write_atomic_leaves_no_temporary_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "folder-not-file"
    target.mkdir()
    with pytest.raises(GradvizError, match="cannot write"):
        write_atomic(target, b"x")  # replacing a folder fails
    assert list(tmp_path.iterdir()) == [target] and list(target.iterdir()) == []


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/passwd", "a/../../b", "", ".", RECORD, "sub/../../x",
                                  "..\\windows.txt", "nul\x00byte"])
def test_names_that_leave_the_folder_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(GradvizError, match="refusing"):
        OutputFolder(tmp_path / "out").write(name, b"x")
    assert list(tmp_path.rglob("*")) == []  # not even the folder


def test_symbolic_links_out_of_the_folder_are_refused(tmp_path: Path) -> None:
    outside, out = tmp_path / "outside", tmp_path / "out"
    outside.mkdir()
    out.mkdir()
    (out / "link").symlink_to(outside)
    (out / "file.svg").symlink_to(outside / "victim.svg")
    folder = OutputFolder(out, force=True)
    for name in ("link/x.svg", "file.svg"):
        with pytest.raises(GradvizError, match="symbolic link"):
            folder.write(name, b"x")
    assert list(outside.iterdir()) == []


def test_files_gradviz_did_not_create_are_kept_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("mine")
    with pytest.raises(GradvizError, match="--force"):
        OutputFolder(tmp_path).write_all({"a.svg": b"1", "notes.md": b"2"})
    assert (tmp_path / "notes.md").read_text() == "mine" and not (tmp_path / "a.svg").exists()  # nothing written
    folder = OutputFolder(tmp_path)
    folder.write("a.svg", b"1")
    OutputFolder(tmp_path).write("a.svg", b"again")  # its own file: rewritten freely
    assert (tmp_path / "a.svg").read_bytes() == b"again"
    OutputFolder(tmp_path, force=True).write("notes.md", b"forced")  # a new run: a.svg is not one of its files
    assert (tmp_path / "notes.md").read_text() == "forced" and not (tmp_path / "a.svg").exists()
    assert set((tmp_path / RECORD).read_text().split()) == {"notes.md"}


def test_an_output_folder_that_is_a_file_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(GradvizError, match="is a file"):
        OutputFolder(tmp_path / "f")


def test_render_refuses_to_overwrite_then_force_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "derivation.md").write_text("my lecture notes")
    runner = CliRunner()
    args = ["render", "x*y", "--at", "x=2,y=3", "-o", str(out), "--format", "dot", "--frames", "final"]
    refused = runner.invoke(cli, args)
    assert refused.exit_code == 1 and "--force" in refused.output and "Traceback" not in refused.output
    assert (out / "derivation.md").read_text() == "my lecture notes"
    assert runner.invoke(cli, args + ["--force"]).exit_code == 0
    assert (out / "derivation.md").read_text() != "my lecture notes"
    again = runner.invoke(cli, args)  # files gradviz wrote may be rewritten
    assert again.exit_code == 0, again.output
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_descend_refuses_to_overwrite_foreign_files(tmp_path: Path) -> None:
    (tmp_path / "history.csv").write_text("precious")
    args = ["descend", "(w - 3)^2", "--at", "w=0", "--wrt", "w", "--steps", "3", "-o", str(tmp_path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1 and "--force" in result.output
    assert (tmp_path / "history.csv").read_text() == "precious"
    assert CliRunner().invoke(cli, args + ["--force"]).exit_code == 0


def test_net_neuron_view_writes_inside_the_folder_only(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["net", "2-2-1", "-o", str(tmp_path / "n"), "--format", "dot"])
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(tmp_path / "n")) == [RECORD, "network.dot"]


def test_written_files_get_ordinary_permissions(tmp_path) -> None:
    import os
    import stat

    from gradviz.outputs.folder import write_atomic

    mask = os.umask(0o022)
    try:
        path = write_atomic(tmp_path / "a.txt", b"x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_html_and_slides_refuse_foreign_files_unless_forced(tmp_path) -> None:
    from click.testing import CliRunner

    from gradviz.cli import cli

    (tmp_path / "index.html").write_text("mine", encoding="utf-8")
    refused = CliRunner().invoke(cli, ["html", "x*y", "--at", "x=1,y=2", "-o", str(tmp_path)])
    assert refused.exit_code == 1 and (tmp_path / "index.html").read_text(encoding="utf-8") == "mine"
    forced = CliRunner().invoke(cli, ["html", "x*y", "--at", "x=1,y=2", "-o", str(tmp_path), "--force"])
    assert forced.exit_code == 0 and "<svg" in (tmp_path / "index.html").read_text(encoding="utf-8")
    again = CliRunner().invoke(cli, ["html", "x*y", "--at", "x=1,y=3", "-o", str(tmp_path)])
    assert again.exit_code == 0  # now it is gradviz's own file


def test_gif_refuses_to_overwrite_a_foreign_file_unless_forced(tmp_path) -> None:
    from click.testing import CliRunner

    from gradviz.cli import cli

    target = tmp_path / "anim.gif"
    target.write_bytes(b"not ours")
    refused = CliRunner().invoke(cli, ["gif", "x*y", "--at", "x=1,y=2", "-o", str(target)])
    assert refused.exit_code == 1 and target.read_bytes() == b"not ours"
    forced = CliRunner().invoke(cli, ["gif", "x*y", "--at", "x=1,y=2", "-o", str(target), "--force"])
    assert forced.exit_code == 0 and target.read_bytes().startswith(b"GIF8")


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("command", [["render", "--format", "dot"], ["html"]])
def test_an_answer_key_that_is_a_symbolic_link_is_refused_before_anything_is_written(tmp_path: Path,
                                                                                     command: list[str]) -> None:
    elsewhere, out = tmp_path / "elsewhere", tmp_path / "out"
    elsewhere.mkdir()
    out.mkdir()
    (out / "answer-key").symlink_to(elsewhere)
    result = CliRunner().invoke(cli, [command[0], "x*y", "--at", "x=2,y=3", "-o", str(out), "--blank", "values",
                                      *command[1:]])
    assert result.exit_code == 1 and result.output.count("Error:") == 1, result.output
    assert "answer-key is a symbolic link" in result.output
    assert _files(elsewhere) == [] and _files(out) == ["answer-key"]


def test_a_foreign_file_in_the_answer_key_leaves_the_questions_unwritten(tmp_path: Path) -> None:
    (tmp_path / "answer-key").mkdir()
    (tmp_path / "answer-key" / "index.html").write_text("mine")
    result = CliRunner().invoke(cli, ["html", "x*y", "--at", "x=2,y=3", "-o", str(tmp_path), "--blank", "grads"])
    assert result.exit_code == 1 and "--force" in result.output
    assert _files(tmp_path) == ["answer-key", "answer-key/index.html"]


def test_slides_refuse_a_foreign_slides_tex_before_writing_frames(tmp_path: Path) -> None:
    (tmp_path / "slides.tex").write_text("my deck")
    result = CliRunner().invoke(cli, ["slides", "x*y", "--at", "x=2,y=3", "-o", str(tmp_path)])
    assert result.exit_code == 1 and "slides.tex" in result.output and "--force" in result.output
    assert _files(tmp_path) == ["slides.tex"]


def test_the_named_folder_may_be_a_symbolic_link_and_is_followed(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    result = CliRunner().invoke(cli, ["render", "x*y", "--at", "x=2,y=3", "-o", str(tmp_path / "link"),
                                      "--format", "dot", "--frames", "final"])
    assert result.exit_code == 0, result.output
    assert "manifest.json" in _files(real)


def test_gallery_refuses_a_symbolic_link_inside_its_folder(tmp_path: Path) -> None:
    from gradviz.outputs.gallery import ENTRIES

    elsewhere, gallery = tmp_path / "elsewhere", tmp_path / "g"
    elsewhere.mkdir()
    gallery.mkdir()
    (gallery / ENTRIES[0].name).symlink_to(elsewhere)
    result = CliRunner().invoke(cli, ["gallery", str(gallery), "--dot-only"])
    assert result.exit_code == 1 and "symbolic link" in result.output, result.output
    assert _files(elsewhere) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_folder_that_cannot_be_written_is_a_clean_error_without_temporary_files(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(GradvizError, match="cannot (write|create)"):
            OutputFolder(tmp_path).write("a.svg", b"x")
    finally:
        tmp_path.chmod(0o700)
    assert _files(tmp_path) == []


@pytest.mark.slow
def test_a_file_too_big_for_the_limit_is_a_clean_error_without_temporary_files(tmp_path: Path) -> None:
    import resource
    import signal
    import subprocess
    import sys

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    # under the limit a module's bytecode would be written cut short (and read back so by every later process)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "PYTHONDONTWRITEBYTECODE": "1"}
    run = subprocess.run([sys.executable, "-c", "from gradviz.cli import main; main()", "render",
                          "(θ1θ2x − y)²", "--at", "θ1=2,θ2=-1,x=3,y=1", "-o", str(tmp_path / "out"), "--format", "svg"],
                         capture_output=True, text=True, env=env, preexec_fn=limit, timeout=120)
    assert run.returncode == 1, run.stderr
    assert run.stderr.count("Error:") == 1 and "Traceback" not in run.stderr and "File too large" in run.stderr
    direct = subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from gradviz.outputs.folder "
                             "import OutputFolder; OutputFolder(sys.argv[1]).write('big.svg', b'x' * 5000)",
                             str(tmp_path / "direct")], capture_output=True, text=True, env=env, preexec_fn=limit,
                            timeout=60)
    assert "GradvizError: cannot write" in direct.stderr and "File too large" in direct.stderr
    assert sorted(p.name for p in (tmp_path / "direct").iterdir()) == [RECORD]  # no temporary file
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_a_batch_writes_nothing_when_any_of_its_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "key").mkdir()
    (tmp_path / "key" / "b.svg").write_text("mine")
    folder = OutputFolder(tmp_path)
    with pytest.raises(GradvizError, match="--force"):
        with folder.batch():
            folder.write("a.svg", b"1")
            folder.sub("key").write("b.svg", b"2")
    assert _files(tmp_path) == ["key", "key/b.svg"]
    with folder.batch():
        folder.write("a.svg", b"1")
        folder.sub("key").write("c.svg", b"3")
        assert _files(tmp_path) == ["key", "key/b.svg"]  # written when the batch ends
    assert (tmp_path / "a.svg").read_bytes() == b"1" and (tmp_path / "key" / "c.svg").read_bytes() == b"3"
