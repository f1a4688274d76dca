"""A hostile corpus of real processes: each probe is a `gradviz` process given bad input (numbers out
of every range, files that are devices or not text, links out of the output folder) that must
end within its timeout with exit 0, 1 or 2, at most one `Error:` line and no traceback on
standard error, and nothing written outside its output folder (``o``; a refused probe writes nothing)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HUGE = "1" * 1000  # a 1000-digit constant

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
    "exact-x^y-at-0": (1, ["grad", "x^y", "--at", "x=0,y=0", "--exact"], None),
    "exact-tanh-400": (0, ["grad", "tanh(x)", "--at", "x=400", "--exact"], None),
    "exact-exp-1000": (0, ["grad", "exp(x)", "--at", "x=1000", "--exact"], None),
    "exact-beyond-10^1000": (1, ["grad", "exp(-exp(x))", "--at", "x=50", "--exact"], None),
    "accented-letters": (0, ["render", "(ŷ − θ̂ + ñ − ℓ)²", "--at", "ŷ=0.8,θ̂=1,ñ=2,ℓ=3", "-o", "{t}/o",
                             "--format", "dot", "--frames", "final"], None),
    "pdf-frame": (0, ["render", "x*y", "--at", "x=2,y=3", "-o", "{t}/o", "--format", "pdf", "--frames", "final"], None),
}


def _arena(tmp: Path) -> None:
    """The files the probes read and the folders they must not write outside of."""
    (tmp / "in").mkdir()
    os.mkfifo(tmp / "in" / "fifo")
    (tmp / "in" / "latin1.txt").write_bytes("θ1 * x".encode("utf-8") + b" + caf\xe9")
    (tmp / "in" / "big.txt").write_bytes(b"x + " * 250_001)
    (tmp / "in" / "escape.txt").write_bytes(b"x + \x1b[31m y")
    for folder in ("elsewhere", "out", "deck", "cwd"):
        (tmp / folder).mkdir()
    (tmp / "out" / "answer-key").symlink_to(tmp / "elsewhere")
    (tmp / "deck" / "slides.tex").write_text("my own deck")


def _tree(tmp: Path) -> set[str]:
    return {str(p.relative_to(tmp)) for p in tmp.rglob("*")}


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
    assert "Traceback" not in err and "internal error" not in err
    assert err.count("Error:") == (code != 0) and (code == 0 or err.startswith("Error:")), err
    assert not any(ch in err for ch in "\x1b\x07\u202e"), err  # control characters are shown escaped
    after = _tree(tmp_path)
    assert before <= after and all(p == "o" or p.startswith("o/") for p in after - before), after - before
    assert code == 0 or after == before  # a refusal comes before anything is written
