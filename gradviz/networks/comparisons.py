"""What a comparison of runs varies: the grid's keys (any training option), reading them from
``--grid KEY=V1,V2,…`` and turning one setting into ``fit``'s options and a label."""

from __future__ import annotations

from typing import Any, Sequence

from ..errors import GradvizError
from ..text.numbers import format_value
from .descent import parse_schedule
from .network import ACTIVATIONS
from .options import check_option, parse_option

__all__ = ["GRID_KEYS", "OPTIMIZERS", "check_grid", "parse_grid", "setting_options", "setting_label", "grid_sizes"]

OPTIMIZERS = ("sgd", "momentum", "adagrad", "adam")
MOMENTUM = 0.9  # optimizer=momentum's β unless --momentum gives one


class _Choice:
    """A key whose values are names (``activation=sigmoid,relu``)."""

    def __init__(self, choices: Sequence[str]):
        self.choices = tuple(choices)

    def read(self, value: Any, name: str) -> str:
        if value not in self.choices:
            raise GradvizError(f"{name} takes one of {', '.join(self.choices)}, not {value!r}")
        return value


class _Schedule:
    """The ``schedule`` key: schedules as ``--schedule`` takes them."""

    def read(self, value: Any, name: str) -> str:
        if not isinstance(value, str):
            raise GradvizError(f"{name} takes schedules as --schedule takes them, not {value!r}")
        parse_schedule(value)
        return value


class _Option:
    """A numeric key, read and checked by its training option's rule (``networks.options``)."""

    def __init__(self, key: str):
        self.key = key

    def read(self, value: Any, name: str) -> Any:
        return parse_option(self.key, value, name) if isinstance(value, str) else check_option(self.key, value, name)


#: each key with how its values are read and checked — the rules of the options themselves
GRID_KEYS: dict[str, Any] = {
    **{key: _Option(key.replace("-", "_")) for key in ("lr", "hidden", "l1", "l2", "momentum", "dropout", "noise",
                                                         "batch-size", "steps", "seed")},
    "activation": _Choice(ACTIVATIONS),
    "optimizer": _Choice(OPTIMIZERS),
    "schedule": _Schedule(),
}


def check_grid(grid: Any) -> dict[str, tuple[Any, ...]]:
    """A grid given in Python (``{"lr": [0.01, 0.1], "activation": ["relu"]}``), each value checked
    by its key's rule."""
    if not isinstance(grid, dict) or not 1 <= len(grid) <= 2 or any(k not in GRID_KEYS for k in grid):
        raise GradvizError(f"a grid maps one or two of {', '.join(GRID_KEYS)} to their values, not {grid!r:.60}")
    return {key: tuple(GRID_KEYS[key].read(v, f"the grid's {key}")
                       for v in (values if isinstance(values, (list, tuple)) else (values,)))
            for key, values in grid.items()}


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
        grid[key] = tuple(GRID_KEYS[key].read(v.strip(), f"--grid {key}") for v in values.split(","))
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
