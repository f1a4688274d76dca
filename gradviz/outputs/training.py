"""The files of a gradient-descent run: ``history.csv``, ``loss.png``, ``update.png`` (the first
update) and, for two parameters of a run that did not diverge, ``contour.png``."""

from __future__ import annotations

import os
from pathlib import Path

from ..networks import plots
from ..networks.descent import Descent
from ..networks.training import history_csv
from .folder import OutputFolder

__all__ = ["write_descent"]


def write_descent(run: Descent, folder: str | os.PathLike | OutputFolder, *, force: bool = False) -> list[Path]:
    """Write the run's files into ``folder``; their paths. Files gradviz did not create there
    are refused unless ``force``."""
    out = OutputFolder.of(folder, force=force)
    files = {"history.csv": history_csv(run).encode("utf-8"), "loss.png": plots.loss_curve(run)}
    if run.history[0].update:
        files["update.png"] = plots.update_frame(run)
    if len(run.wrt) == 2 and run.diverged_at is None:  # a diverged path spans orders of magnitude
        files["contour.png"] = plots.contour(run)
    return out.write_all(files)
