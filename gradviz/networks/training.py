"""Reading and reporting runs: the iteration table, the update rule with its numbers,
``history.csv``, data points from a CSV file, a classifier's accuracy."""

from __future__ import annotations

import csv
import io
import os
from typing import TYPE_CHECKING

from ..errors import GradvizError
from ..eval.backward import backward
from ..text.numbers import format_value
from .descent import Descent

if TYPE_CHECKING:
    from ..ir.graph import Graph

__all__ = ["update_lines", "descent_report", "history_csv", "read_points", "accuracy"]

TABLE_ROWS = 12  # the printed table shows this many iterations, evenly spread, and the last


def update_lines(run: Descent, step: int = 0) -> list[str]:
    """The optimizer's update at iteration ``step``, each equation with its numbers:
    ``θ1 ← θ1 − α·∂L/∂θ1 = 2 − 0.005 × 42 = 1.79`` (Adam: its m, v, m̂, v̂ first)."""
    return [eq.text() for name in run.wrt for eq in run.history[step].update.get(name, ())]


def descent_report(run: Descent) -> str:
    """The table of iterations, the first update spelled out, and the end (or the divergence)."""
    out = run.graph.output
    header = ["step", out] + [name for name in run.wrt] + [f"∂{out}/∂{name}" for name in run.wrt]
    count = len(run.history)
    shown = sorted({round(k * (count - 1) / (TABLE_ROWS - 1)) for k in range(TABLE_ROWS)} if count > TABLE_ROWS
                   else range(count))
    rows = [[str(it.step), format_value(it.loss)] + [format_value(it.values[n]) for n in run.wrt]
            + [format_value(it.grad[n]) for n in run.wrt] for it in (run.history[k] for k in shown)]
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in [header] + rows]
    first = update_lines(run)
    at = ", ".join(f"{n} = {format_value(run.final[n])}" for n in run.wrt)
    ending = ([f"last {out} = {format_value(run.final_loss)} at step {run.history[-1].step} ({at})", run.verdict]
              if run.diverged_at is not None else [f"final {out} = {format_value(run.final_loss)} at {at}"])
    return "\n".join([f"{run.optimizer.title(run.history[0].rate)}:  {run.optimizer.rule}"] + lines
                      + (["", "first update:"] + [f"  {line}" for line in first] if first else []) + [""] + ending)


def history_csv(run: Descent) -> str:
    """Every iteration as CSV (full precision)."""
    buffer = io.StringIO()
    rows = run.table()
    fields = list(dict.fromkeys(key for row in rows for key in row))
    writer = csv.DictWriter(buffer, fieldnames=fields, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def read_points(path: str | os.PathLike) -> list[tuple[tuple[float, ...], float]]:
    """Data points from a CSV file: features in the first columns, the target last (a header row is skipped)."""
    points = []
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            for number, row in enumerate(csv.reader(fh), start=1):
                if not row or all(not cell.strip() for cell in row):
                    continue
                try:
                    values = [float(cell) for cell in row]
                except ValueError:
                    if number == 1 and not points:
                        continue  # a header
                    raise GradvizError(f"{path}, line {number}: not numbers: {','.join(row)}") from None
                if len(values) < 2:
                    raise GradvizError(f"{path}, line {number}: need features and a target")
                points.append((tuple(values[:-1]), values[-1]))
    except OSError as exc:
        raise GradvizError(f"cannot read {path}: {exc.strerror}") from None
    if not points:
        raise GradvizError(f"{path} holds no data points")
    return points


def accuracy(predict: "Graph", params: dict[str, float], points, features: list[str]) -> float:
    """The share of points whose prediction (> 0.5) matches the target (> 0.5)."""
    hits = 0
    for point, target in points:
        value = backward(predict, {**params, **dict(zip(features, point))}, symbolic=False).value
        hits += (value > 0.5) == (target > 0.5)
    return hits / len(points)
