"""The numbers of training and data, one rule each, checked where they enter: the command line
(``--lr``), a grid spec (``--grid lr=``), a CSV file and the Python API (``fit(lr=…)``) all
use this table, so each says the same about the same number."""

from __future__ import annotations

from typing import Any

from ..errors import GradvizError
from ..ir.arguments import Rule

__all__ = ["RULES", "DATA_RULE", "check_option", "check_options", "parse_option", "check_points", "check_split", "check_layers",
           "option_flag"]

_SHARE = Rule(low=0, high=1, high_open=True)  # a probability or a share: 0 ≤ p < 1
#: each training option's rule (``hidden``: every hidden layer's size, in a grid search)
RULES: dict[str, Rule] = {
    "lr": Rule(low=0, low_open=True),
    "steps": Rule(whole=True, low=0, high=1_000_000),
    "momentum": _SHARE,
    "l1": Rule(low=0),
    "l2": Rule(low=0),
    "val": _SHARE,
    "dropout": _SHARE,
    "noise": Rule(low=0),
    "hidden": Rule(whole=True, low=1),
    "batch_size": Rule(whole=True, low=1),
    "patience": Rule(whole=True, low=1),
    "seed": Rule(whole=True),
}
_UNITS = Rule(whole=True, low=1)
#: a feature or target: finite, and small enough that the losses square it and the plots span it
DATA_RULE = Rule(low=-1e9, high=1e9)


def option_flag(key: str) -> str:
    """The command line's name of an option: ``batch_size`` → ``--batch-size``."""
    return "--" + key.replace("_", "-")


def check_option(key: str, value: Any, name: str | None = None) -> Any:
    """``value`` of the option ``key`` checked by its rule (an ``int`` or ``float``); ``name`` is how the message calls it."""
    return RULES[key].check(value, name or key)


def parse_option(key: str, text: str, name: str | None = None) -> Any:
    """The option ``key`` written as text, checked."""
    return RULES[key].parse(text, name or key)


def check_options(options: dict[str, Any]) -> dict[str, Any]:
    """The options with a rule checked (``None`` stays: the option is off), the others as they are."""
    return {key: check_option(key, value) if key in RULES and value is not None else value
            for key, value in options.items()}


def check_points(points: Any, where: str = "the data", features_only: bool = False) -> list:
    """Data points (features, target) as floats: a sequence of pairs of a sequence of numbers and a
    number, each finite and within ``DATA_RULE``, every point with as many features (with
    ``features_only``, an autoencoder's: each point its features alone)."""
    if isinstance(points, (str, bytes)) or not hasattr(points, "__iter__"):
        raise GradvizError(f"{where} is a sequence of (features, target) pairs, not {type(points).__name__}")
    out = []
    for k, point in enumerate(points, start=1):
        try:
            features, target = (point, 0.0) if features_only else point
            features = tuple(features)
        except (TypeError, ValueError):
            raise GradvizError(f"{where}: point {k} is not a (features, target) pair: {repr(point)[:60]}") from None
        values = tuple(DATA_RULE.check(v, f"{where}: point {k}, feature {j}") for j, v in enumerate(features, 1))
        first = () if not out else out[0] if features_only else out[0][0]
        if out and len(values) != len(first):
            raise GradvizError(f"{where}: point {k} has {len(values)} features, point 1 has {len(first)}")
        out.append(values if features_only else (values, DATA_RULE.check(target, f"{where}: point {k}, target")))
    if not out:
        raise GradvizError(f"{where} holds no data points")
    return out


def check_layers(layers: Any) -> tuple[int, ...]:
    """A network's layer sizes: at least two, each a whole number ≥ 1."""
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
        raise GradvizError(f"layer sizes are a sequence of whole numbers such as (2, 2, 1), not {layers!r:.40}")
    sizes = tuple(_UNITS.check(n, f"layer {k}'s size") for k, n in enumerate(layers, start=1))
    if len(sizes) < 2:
        raise GradvizError(f"a network needs at least two layers (inputs and outputs), not {sizes}")
    return sizes


def check_split(count: int, val: float) -> int:
    """The number of training points when ``val`` of ``count`` are held out; refused unless both
    parts keep points."""
    held = round(count * check_option("val", val, "--val"))
    if val and held in (0, count):
        raise GradvizError(f"--val {val:g} holds out {held} of the {count} points: it must leave points for both "
                           f"training and validation (use --val between {1 / count:.2g} and "
                           f"{(count - 1) / count:.2g})" if count > 1 else
                           f"--val needs at least two points to split (there is {count})")
    return count - held
