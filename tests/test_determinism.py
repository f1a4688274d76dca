"""The same input gives byte-identical DOT, SVG and derivation output across runs and
across PYTHONHASHSEED values."""

from __future__ import annotations

import pytest

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import hashlib, sys, tempfile
from gradviz import parse
from gradviz.outputs.export import export
r = parse("a = θ1 θ2; b = a x; c = b − y; L = c² + max(c, x) + σ(x y)").backward(
    {"θ1": 2, "θ2": -1, "x": 3, "y": 1})
for format in sys.argv[1:]:
    with tempfile.TemporaryDirectory() as d:
        done = export(r, d, format=format, which="all")
        for p in sorted(done.files) + [done.manifest, *done.derivation]:
            print(format, p.name, hashlib.sha256(p.read_bytes()).hexdigest())
"""
FORMATS = ("dot", "svg", "pdf")


def _digests(seed: str) -> dict[str, str]:
    """Each format's files and their digests, from one process under ``PYTHONHASHSEED=seed``."""
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run([sys.executable, "-c", SCRIPT, *FORMATS], capture_output=True, text=True, env=env,
                         cwd=Path(__file__).resolve().parents[1], check=True, timeout=120)
    lines = out.stdout.splitlines()
    return {f: "\n".join(line for line in lines if line.startswith(f + " ")) for f in FORMATS}


@pytest.fixture(scope="module")
def runs() -> list[dict[str, str]]:
    """Three processes under three hash seeds, the third more than a second after the second
    (cairo stamps the second it writes a PDF)."""
    import time

    out = [_digests("0"), _digests("1")]
    time.sleep(1.1)
    return out + [_digests("12345")]


@pytest.mark.slow
def test_dot_and_derivation_are_identical_across_hash_seeds(runs) -> None:
    assert len({run["dot"] for run in runs}) == 1 and "derivation.tex" in runs[0]["dot"]


@pytest.mark.slow
def test_svg_is_identical_across_hash_seeds(runs) -> None:
    assert len({run["svg"] for run in runs}) == 1 and ".svg " in runs[0]["svg"]


@pytest.mark.slow
def test_pdf_is_identical_across_runs_a_second_apart(runs) -> None:
    assert runs[2]["pdf"] == runs[1]["pdf"] == runs[0]["pdf"] and ".pdf " in runs[0]["pdf"]


def test_pdf_dates_are_source_date_epoch_or_1970(monkeypatch) -> None:
    from gradviz.render.backends import pdf_dated

    pdf = b"%PDF-1.5\n<< /CreationDate (D:20261201040105Z) /ModDate (D:20261201040105+01'00') >>\nxref 17"
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert pdf_dated(pdf) == pdf.replace(b"20261201040105", b"19700101000000").replace(b"+01'00'", b"+00'00'")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    dated = pdf_dated(pdf)
    assert b"(D:20231114221320Z)" in dated and len(dated) == len(pdf)
