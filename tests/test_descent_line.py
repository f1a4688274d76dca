"""descend with one parameter draws L(θ) with its steps (curve.png), diverged runs too."""

from __future__ import annotations

import pytest

from gradviz.api import parse
from gradviz.networks.descent import descend
from gradviz.outputs.training import write_descent


@pytest.mark.parametrize("lr, diverged", [(0.02, False), (0.95, False), (0.3, True)])
def test_one_parameter_runs_write_the_loss_line(tmp_path, lr, diverged) -> None:
    graph = parse("(θ^2 - 1)^2 + 0.3θ" if lr != 0.95 else "θ^2")
    run = descend(graph, {"θ": 2 if lr != 0.95 else 1}, ["θ"], lr=lr, steps=30)
    assert (run.diverged_at is not None) == diverged
    written = {path.name for path in write_descent(run, tmp_path)}
    assert "curve.png" in written and "contour.png" not in written
    assert (tmp_path / "curve.png").read_bytes().startswith(b"\x89PNG")
