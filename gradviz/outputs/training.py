"""The files of a gradient-descent run: ``history.csv``, ``loss.png``, ``update.png`` (the first
update), for two parameters of a run that did not diverge ``contour.png``, for one parameter
``curve.png`` (L(θ) with the steps on it); and a trained
network's ``history.csv`` (``fit_history_csv``)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..networks import plots
from ..networks.descent import Descent
from ..networks.training import history_csv
from ..networks.vectorised import history_array
from .folder import OutputFolder

if TYPE_CHECKING:
    from ..networks.training import Fit

__all__ = ["write_descent", "fit_history_csv", "FIT_HISTORY_FIELDS"]

#: the columns of a trained network's history.csv before its parameters
FIT_HISTORY_FIELDS = ("step", "loss", "data loss", "penalty", "learning rate")


def write_descent(run: Descent, folder: str | os.PathLike | OutputFolder, *, force: bool = False) -> list[Path]:
    """Write the run's files into ``folder``; their paths. Files gradviz did not create there
    are refused unless ``force``."""
    out = OutputFolder.of(folder, force=force)
    files = {"history.csv": history_csv(run).encode("utf-8"), "loss.png": plots.loss_curve(run)}
    if run.history[0].update:
        files["update.png"] = plots.update_frame(run)
    if len(run.wrt) == 2 and run.diverged_at is None:  # a diverged path spans orders of magnitude
        files["contour.png"] = plots.contour(run)
    if len(run.wrt) == 1:  # a diverged run shows its first steps
        files["curve.png"] = plots.loss_line(run)
    return out.write_all(files)


def fit_history_csv(done: "Fit") -> str:
    """A row per step of a training run (full precision): the step, the loss (the batch's for
    mini-batches) as data loss + penalty, the learning rate, then every parameter (and the
    validation loss, when the run watched one)."""
    import numpy as np

    run = done.run
    names = list(run.wrt)
    thetas = history_array(run, names)
    penalties = done.arrays.network.penalty(thetas) if done.arrays is not None else np.zeros(len(thetas))
    watched = run.history[0].val_loss is not None
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*FIT_HISTORY_FIELDS, *(["validation loss"] if watched else []), *names])
    for it, theta, penalty in zip(run.history, thetas, penalties):
        writer.writerow([it.step, repr(it.loss), repr(it.loss - float(penalty)), repr(float(penalty)), repr(it.rate),
                         *([repr(it.val_loss)] if watched else []), *map(repr, theta.tolist())])
    return buffer.getvalue()
