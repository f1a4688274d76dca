"""What a comparison of runs varies: the grid's keys (any training option), reading them from
``--grid KEY=V1,V2,…`` and turning one setting into ``fit``'s options and a label."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from ..errors import GradvizError
from ..text.numbers import format_value
from .descent import parse_schedule
from .network import ACTIVATIONS

__all__ = ["GRID_KEYS", "OPTIMIZERS", "parse_grid", "setting_options", "setting_label", "grid_sizes"]

OPTIMIZERS = ("sgd", "momentum", "adagrad", "adam")
MOMENTUM = 0.9  # optimizer=momentum's β unless --momentum gives one


def _number(low: float = 0.0, whole: bool = False, below: float | None = None) -> Callable[[str], float]:
    def read(text: str) -> float:
        value = float(text)
        if value != value or value < low or (below is not None and value >= below) or (whole and value != int(value)):
            raise ValueError
        return int(value) if whole else value
    return read


def _choice(choices: Sequence[str]) -> Callable[[str], str]:
    def read(text: str) -> str:
        if text not in choices:
            raise ValueError
        return text
    return read


def _schedule(text: str) -> str:
    parse_schedule(text)
    return text


#: each key with how its values are read and what they may be
GRID_KEYS: dict[str, tuple[Callable[[str], Any], str]] = {
    "lr": (_number(), "positive numbers"),
    "hidden": (_number(1, whole=True), "whole numbers ≥ 1 (every hidden layer's size)"),
    "l1": (_number(), "numbers ≥ 0"),
    "l2": (_number(), "numbers ≥ 0"),
    "momentum": (_number(below=1), "numbers from 0 up to 1"),
    "dropout": (_number(below=1), "numbers from 0 up to 1"),
    "noise": (_number(), "numbers ≥ 0"),
    "batch-size": (_number(1, whole=True), "whole numbers ≥ 1"),
    "steps": (_number(1, whole=True), "whole numbers ≥ 1"),
    "seed": (_number(-2**31, whole=True), "whole numbers"),
    "activation": (_choice(ACTIVATIONS), f"one of {', '.join(ACTIVATIONS)}"),
    "optimizer": (_choice(OPTIMIZERS), f"one of {', '.join(OPTIMIZERS)}"),
    "schedule": (_schedule, "schedules as --schedule takes them"),
}


def parse_grid(specs: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """``["lr=0.01,0.1,1", "activation=sigmoid,relu"]`` (or one string with both, space-separated)
    → the values of each key, read as the key's option reads them."""
    grid: dict[str, tuple[Any, ...]] = {}
    for spec in (part for text in specs for part in text.split()):
        key, _, values = spec.partition("=")
        key = key.replace("_", "-")
        if key not in GRID_KEYS or not values:
            raise GradvizError(f"a grid looks like lr=0.01,0.1,1 activation=sigmoid,relu "
                               f"(keys: {', '.join(GRID_KEYS)}), not {spec!r}")
        read, kinds = GRID_KEYS[key]
        try:
            grid[key] = tuple(read(v.strip()) for v in values.split(","))
        except (ValueError, GradvizError):
            raise GradvizError(f"the grid's {key} takes {kinds}, not {values}") from None
        if key == "lr" and 0 in grid[key]:
            raise GradvizError(f"the grid's lr takes positive numbers, not {values}")
    if not 1 <= len(grid) <= 2:
        raise GradvizError("a grid search varies one or two settings, e.g. lr=0.01,0.1,1 activation=sigmoid,relu")
    return grid


def grid_sizes(layers: Sequence[int], setting: dict[str, Any]) -> tuple[int, ...]:
    """The layer sizes at a setting: "hidden" sets every hidden layer's size."""
    return (layers[0], *[int(setting["hidden"])] * (len(layers) - 2), layers[-1]) if "hidden" in setting \
        else tuple(layers)


def setting_options(setting: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """``fit``'s options at one setting of a grid (``options`` with the setting's values in)."""
    out = dict(options)
    for key, value in setting.items():
        if key == "optimizer":
            out.update(adam=value == "adam", adagrad=value == "adagrad",
                       momentum=(options.get("momentum") or MOMENTUM) if value == "momentum" else 0.0)
        elif key != "hidden":
            out[key.replace("-", "_")] = value
    return out


def setting_label(setting: dict[str, Any]) -> str:
    """``lr = 0.5, activation = relu``."""
    return ", ".join(f"{k} = {format_value(v) if isinstance(v, (int, float)) else v}" for k, v in setting.items())
