"""A hostile corpus of real processes: each probe is a `gradviz` process given bad input (numbers out
of every range, files that are devices or not text, links out of the output folder) that must
end within its timeout with exit 0, 1 or 2, at most one `Error:` line and no traceback on
standard error, and nothing written outside its output folder (``o``; a refused probe writes nothing)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tools import in_the_foreground

ROOT = Path(__file__).resolve().parent.parent
HUGE = "1" * 1000  # a 1000-digit constant
FAN_AT = "x=0.5,y=0.1"


def fan(statements: int) -> str:
    """``a1 = x*y; a2 = a1*x + y; …``: two inputs feed every operation (2·statements + 1 nodes),
    the shape whose layout costs Graphviz minutes at a few hundred nodes."""
    return "; ".join(["a1 = x*y"] + [f"a{k} = a{k - 1}*x + y" for k in range(2, statements + 1)])


PROBES = {  # id: (exit code, arguments ({t} is the test's folder; bytes as they are), standard input)
    "float-1e400": (1, ["grad", "1e400*x", "--at", "x=1"], None),
    "1000-digits": (1, ["grad", f"{HUGE}*x", "--at", "x=1"], None),
    "1000-digits-exact": (0, ["grad", f"{HUGE}*x", "--at", "x=1", "--exact"], None),
    "1001-digits": (2, ["grad", f"{HUGE}1*x", "--at", "x=1"], None),
    "10**400": (1, ["grad", "10**400*x", "--at", "x=1"], None),
    "power-1e999": (1, ["grad", "x^1e999", "--at", "x=2"], None),
    "power-1e999-exact": (1, ["grad", "x^1e999", "--at", "x=2", "--exact"], None),
    "at-1e400": (1, ["grad", "x", "--at", "x=1e400"], None),
    "at-not-a-number": (1, ["grad", "x", "--at", "x=1e4a"], None),
    "softmax-huge-logits": (0, ["grad", "softmax_ce(z1, z2, y1, y2)", "--at", "z1=1e300,z2=-1e300,y1=1,y2=0"], None),
    "exact-power-tower": (1, ["grad", "x^1000000000", "--at", "x=2", "--exact"], None),
    "exact-2^2^2^2^2": (1, ["grad", "2^2^2^2^2*x", "--at", "x=2", "--exact"], None),
    "file-dev-zero": (1, ["grad", "@/dev/zero"], None),
    "file-dev-urandom": (1, ["grad", "@/dev/urandom"], None),
    "file-fifo": (1, ["grad", "@{t}/in/fifo"], None),
    "file-folder": (1, ["grad", "@{t}/in"], None),
    "file-missing": (1, ["grad", "@{t}/in/missing"], None),
    "file-not-utf8": (1, ["grad", "@{t}/in/latin1.txt"], None),
    "file-over-1mb": (1, ["grad", "@{t}/in/big.txt"], None),
    "file-escape-codes": (2, ["grad", "@{t}/in/escape.txt"], None),
    "text-escape-codes": (2, ["grad", "x + \x1b[2J\x07 y"], None),
    "text-bidi-override": (2, ["grad", "x + \u202e y"], None),
    "stdin-not-utf8": (1, ["grad", "-"], b"x * \xff"),
    "argv-not-utf8": (2, ["grad", b"x + \xff y"], None),  # Python reads the byte as a lone surrogate
    "stdin-over-1mb": (1, ["grad", "-"], b"x" * 1_000_001),
    "answer-key-link": (1, ["render", "x*y", "--at", "x=2,y=3", "-o", "{t}/out", "--blank", "values",
                            "--format", "dot"], None),
    "html-answer-key-link": (1, ["html", "x*y", "--at", "x=2,y=3", "-o", "{t}/out", "--blank", "grads"], None),
    "foreign-slides-tex": (1, ["slides", "x*y", "--at", "x=2,y=3", "-o", "{t}/deck"], None),
    "at-400-digit-int": (1, ["grad", "x", "--at", "x=1" + "0" * 400], None),
    "at-400-digit-int-exact": (0, ["grad", "x", "--at", "x=1" + "0" * 400, "--exact"], None),
    "exact-sqrt-at-0": (1, ["grad", "sqrt(x)", "--at", "x=0", "--exact"], None),
    "schedule-inverse-negative": (1, ["descend", "(θ - 3)^2", "--at", "θ=0", "--wrt", "θ", "--schedule", "inverse:-1"],
                                  None),
    "schedule-step-inf": (1, ["descend", "(θ - 3)^2", "--at", "θ=0", "--wrt", "θ", "--schedule", "step:inf"], None),
    "schedule-step-inf-every": (1, ["descend", "(θ - 3)^2", "--at", "θ=0", "--wrt", "θ", "--schedule", "step:inf:0.5"],
                                None),
    "schedule-exp-nan": (1, ["descend", "(θ - 3)^2", "--at", "θ=0", "--wrt", "θ", "--schedule", "exp:nan"], None),
    "schedule-rate-overflows": (0, ["descend", "sin(θ)", "--at", "θ=1", "--wrt", "θ", "--lr", "0.007", "--steps", "400",
                                    "--schedule", "exp:10"], None),
    "exact-x^y-at-0": (1, ["grad", "x^y", "--at", "x=0,y=0", "--exact"], None),
    "exact-tanh-400": (0, ["grad", "tanh(x)", "--at", "x=400", "--exact"], None),
    "exact-exp-1000": (0, ["grad", "exp(x)", "--at", "x=1000", "--exact"], None),
    "exact-beyond-10^1000": (1, ["grad", "exp(-exp(x))", "--at", "x=50", "--exact"], None),
    "accented-letters": (0, ["render", "(ŷ − θ̂ + ñ − ℓ)²", "--at", "ŷ=0.8,θ̂=1,ñ=2,ℓ=3", "-o", "{t}/o",
                             "--format", "dot", "--frames", "final"], None),
    "pdf-frame": (0, ["render", "x*y", "--at", "x=2,y=3", "-o", "{t}/o", "--format", "pdf", "--frames", "final"], None),
    # budgets: refused before any work, with advice
    "fan-299-nodes": (1, ["render", "@{t}/in/fan149.txt", "--at", FAN_AT, "-o", "{t}/o"], None),
    "fan-299-nodes-final": (1, ["render", "@{t}/in/fan149.txt", "--at", FAN_AT, "-o", "{t}/o", "--frames", "final"],
                            None),
    "fan-299-nodes-slides": (1, ["slides", "@{t}/in/fan149.txt", "--at", FAN_AT, "-o", "{t}/o"], None),
    "fan-299-nodes-html": (1, ["html", "@{t}/in/fan149.txt", "--at", FAN_AT, "-o", "{t}/o"], None),
    "fan-299-nodes-gif": (1, ["gif", "@{t}/in/fan149.txt", "--at", FAN_AT, "-o", "{t}/o.gif"], None),
    "fan-597-nodes-final": (1, ["render", "@{t}/in/fan298.txt", "--at", FAN_AT, "-o", "{t}/o", "--frames", "final"],
                            None),
    "png-at-2400-dpi": (1, ["render", "(θ1θ2x − y)²", "--at", "θ1=2,θ2=-1,x=3,y=1", "-o", "{t}/o", "--format", "png",
                            "--dpi", "2400", "--frames", "final"], None),
    "descend-10^6-steps": (1, ["descend", "x^2", "--at", "x=1", "--wrt", "x", "--steps", "1000000", "-o", "{t}/o"],
                           None),
    "train-20000-rows": (1, ["train", "2-4-1", "--data", "{t}/in/rows.csv", "-o", "{t}/o"], None),
    "train-wide-net": (1, ["train", "2-300-300-1", "--steps", "20", "-o", "{t}/o"], None),
    "x^x-chained-38-times": (0, ["grad", "; ".join(["a1 = x"] + [f"a{k} = a{k - 1}^a{k - 1}" for k in range(2, 39)])],
                             None),
}
ADVICE = {"schedule-inverse-negative": "inverse:K (K ≥ 0)", "fan-299-nodes": "gradviz grad", "fan-299-nodes-final": "too costly to lay out",
          "fan-299-nodes-slides": "fewer statements", "fan-299-nodes-html": "too costly",
          "fan-299-nodes-gif": "too costly", "fan-597-nodes-final": "too costly",
          "png-at-2400-dpi": "pixels in all): use --dpi",
          "descend-10^6-steps": "--steps 83333 or fewer", "train-20000-rows": "use fewer points (10000 at most)",
          "train-wide-net": "smaller layers"}
OUTPUT = {"x^x-chained-38-times": "∂a38/∂x = ",
          "schedule-rate-overflows": "passes float range at step 309"}  # what a probe that succeeds prints


def _arena(tmp: Path) -> None:
    """The files the probes read and the folders they must not write outside of."""
    (tmp / "in").mkdir()
    os.mkfifo(tmp / "in" / "fifo")
    (tmp / "in" / "latin1.txt").write_bytes("θ1 * x".encode("utf-8") + b" + caf\xe9")
    (tmp / "in" / "big.txt").write_bytes(b"x + " * 250_001)
    (tmp / "in" / "escape.txt").write_bytes(b"x + \x1b[31m y")
    (tmp / "in" / "fan149.txt").write_text(fan(149))
    (tmp / "in" / "fan298.txt").write_text(fan(298))
    (tmp / "in" / "rows.csv").write_text("".join(f"{k % 7 / 7},{k % 5 / 5},{k % 2}\n" for k in range(20_000)))
    for folder in ("elsewhere", "out", "deck", "cwd"):
        (tmp / folder).mkdir()
    (tmp / "out" / "answer-key").symlink_to(tmp / "elsewhere")
    (tmp / "deck" / "slides.tex").write_text("my own deck")


def _tree(tmp: Path) -> set[str]:
    return {str(p.relative_to(tmp)) for p in tmp.rglob("*")}


@pytest.mark.slow
@pytest.mark.parametrize("probe", list(PROBES))
def test_a_hostile_probe_ends_cleanly(tmp_path: Path, probe: str) -> None:
    code, args, stdin = PROBES[probe]
    _arena(tmp_path)
    before = _tree(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GRADVIZ_DEBUG", None)
    run = subprocess.run([sys.executable, "-c", "from gradviz.cli import main; main()",
                          *(a.replace("{t}", str(tmp_path)) if isinstance(a, str) else a for a in args)],
                         input=stdin if stdin is not None else b"", capture_output=True, cwd=tmp_path / "cwd",
                         env=env, timeout=60)
    err = run.stderr.decode("utf-8")
    assert run.returncode == code, err
    assert ADVICE.get(probe, "") in err and OUTPUT.get(probe, "") in run.stdout.decode("utf-8")
    assert "Traceback" not in err and "internal error" not in err
    assert err.count("Error:") == (code != 0) and (code == 0 or err.startswith("Error:")), err
    assert not any(ch in err for ch in "\x1b\x07\u202e"), err  # control characters are shown escaped
    after = _tree(tmp_path)
    assert before <= after and all(p == "o" or p.startswith("o/") for p in after - before), after - before
    assert code == 0 or after == before  # a refusal comes before anything is written


def _forks(pid: int) -> list[int]:
    """``pid``'s children that are forks of it (Graphviz's worker), not programs it runs (a library
    may run ``ldconfig`` while it is imported)."""
    def cmdline(of: int) -> bytes:
        try:
            return Path(f"/proc/{of}/cmdline").read_bytes()
        except OSError:  # gone meanwhile
            return b""
    own = cmdline(pid)
    return [child for child in _children(pid) if own and cmdline(child) == own]


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux)."""
    out = []
    for entry in os.listdir("/proc"):
        try:
            stat = (Path("/proc") / entry / "stat").read_text() if entry.isdigit() else ""
            if stat and stat.rsplit(")", 1)[1].split()[1] == str(pid):
                out.append(int(entry))
        except (OSError, IndexError):  # gone meanwhile
            pass
    return out


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("number, code, line", [(signal.SIGINT, 130, "Interrupted."),
                                                (signal.SIGTERM, 143, "Terminated.")])
def test_a_signal_stops_a_long_render_at_once_leaving_no_file_and_no_process(tmp_path: Path, number: int, code: int,
                                                                            line: str) -> None:
    """Ctrl-C (or SIGTERM) half a second into Graphviz's work on a render of seconds (73 nodes, within
    the budget, 74 PNG frames: about 7 s after the worker starts here; 51 nodes in SVG left under 2 s,
    too short a window on a loaded machine, where the render ended first): one line, exit 130 (143),
    Graphviz's worker gone, nothing in the output folder."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GRADVIZ_DEBUG", None)
    process = subprocess.Popen([sys.executable, "-c", "from gradviz.cli import main; main()", "render", fan(36),
                                "--at", FAN_AT, "-o", str(tmp_path / "o"), "--format", "png"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
                               preexec_fn=in_the_foreground)
    deadline = time.monotonic() + 60  # until Graphviz's worker runs: the CLI is past its imports, laying out
    while not _forks(process.pid) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    assert process.poll() is None, process.communicate()
    workers = _children(process.pid)
    process.send_signal(number)
    out, err = process.communicate(timeout=30)  # how soon: bench/hostile.py
    assert process.returncode == code and err == line + "\n" and out == "", (process.returncode, err, out)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())


@pytest.mark.slow
def test_an_expression_times_text_is_a_gradviz_error_naming_the_operand() -> None:
    """In a fresh Python process, as a notebook user types it."""
    code = ("import gradviz\nx = gradviz.var('x')\n"
            "for bad in (lambda: x * 'text', lambda: 'text' * x, lambda: x + None, lambda: x ** '2'):\n"
            "    try:\n        bad()\n    except gradviz.GradvizError as exc:\n        print(exc)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0 and run.stderr == "", run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 4
    assert "str 'text'" in lines[0] and "str 'text'" in lines[1] and "NoneType None" in lines[2]
    assert "str '2'" in lines[3]
