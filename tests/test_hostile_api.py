"""Every public function and method of ``gradviz``, ``gradviz.nn`` and the objects they return,
found by introspection (a new one is covered without touching this file), called with a wrongly
typed argument in each place: a ``GradvizError`` or a result, never another exception. And the
numbers of training, wherever they enter, refused alike."""

from __future__ import annotations

import inspect
import math
from typing import Any, Callable, Iterator

import pytest

import gradviz
import gradviz.nn as nn
from gradviz.errors import GradvizError
from gradviz.networks.options import RULES

GRAPH = gradviz.parse("(θ1θ2x − y)²")
AT = {"θ1": 2, "θ2": -1, "x": 3, "y": 1}
RESULT = GRAPH.backward(AT)
#: a valid value for a required parameter, by its name, so that the wrong one is what is refused
SAMPLES: dict[str, Any] = {
    "text": "x*y", "at": AT, "graph": GRAPH, "result": RESULT, "layers": (2, 2, 1), "points": nn.XOR_DATA,
    "wrt": ["θ1"], "name": "θ1", "fn": lambda w, x: w * x, "grid": {"lr": [0.1]}, "steps": 2, "n_inputs": 2,
    "size": 2, "kind": "w", "layer": 1, "t": RESULT.tangents("x"),
}


class Wrong:
    """An object of no type gradviz takes."""

    def __repr__(self) -> str:
        return "<Wrong>"


def _public(obj: Any) -> Iterator[tuple[str, Callable]]:
    for name in dir(obj):
        if name.startswith("_"):
            continue
        try:
            attr = getattr(obj, name)
        except Exception:  # noqa: BLE001 - a property that needs what this object lacks
            continue
        if callable(attr) and not isinstance(attr, type(gradviz)):
            yield name, attr


def _targets() -> dict[str, Callable]:
    """Every public callable: the modules' functions and classes and the objects' methods."""
    objects = {"gradviz": gradviz, "gradviz.nn": nn, "Graph": GRAPH, "BackwardResult": RESULT,
               "TangentResult": RESULT.tangents("x"), "Expr": gradviz.var("x", 1) * gradviz.param("w", 2),
               "Derivation": RESULT.derivation(), "Explorer": RESULT.explore(), "FrameView": RESULT.show(),
               "Step": RESULT.steps[0], "Network": nn.mlp((2, 2, 1), "tanh", "bce", nn.XOR_DATA),
               "Style": gradviz.Style()}
    out = {}
    for owner, obj in objects.items():
        names = [n for n, _ in _public(obj)] if obj is not nn else list(obj.__all__)  # gradviz's dir has the builders
        for name in names:
            attr = getattr(obj, name)
            foreign = isinstance(attr, type) and (issubclass(attr, BaseException)
                                                  or not attr.__module__.startswith("gradviz"))
            if callable(attr) and not foreign:
                out[f"{owner}.{name}"] = attr
    return out


TARGETS = _targets()


def _calls(fn: Callable) -> Iterator[tuple[str, tuple, dict]]:
    """For each parameter: the call with ``Wrong()`` there and valid values (or defaults) elsewhere."""
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return
    plain = [p for p in parameters if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    for wrong in plain:
        args, kwargs = [], {}
        for p in plain:
            if p is not wrong and p.default is not p.empty:
                continue
            value = Wrong() if p is wrong else SAMPLES.get(p.name, Wrong())
            if p.kind is p.KEYWORD_ONLY or (p.default is not p.empty and p.kind is not p.POSITIONAL_ONLY):
                kwargs[p.name] = value
            else:
                args.append(value)
        yield wrong.name, tuple(args), kwargs


CASES = [(f"{target}({name}=Wrong)", fn, args, kwargs) for target, fn in TARGETS.items()
         for name, args, kwargs in _calls(fn)]


def test_the_introspection_finds_the_api() -> None:
    for expected in ("gradviz.parse", "gradviz.trace", "gradviz.tanh", "gradviz.nn.fit", "gradviz.nn.mlp",
                     "gradviz.nn.grid_search", "BackwardResult.show", "BackwardResult.frames", "Explorer.save",
                     "Graph.backward", "TangentResult.show", "Expr.backward", "gradviz.Style"):
        assert expected in TARGETS, expected
    assert len(CASES) > 150


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_a_wrongly_typed_argument_is_a_gradviz_error(case) -> None:
    _, fn, args, kwargs = case
    try:
        fn(*args, **kwargs)
    except GradvizError:
        pass


@pytest.mark.parametrize("call", [
    lambda: RESULT.show(style={"theme": "dark"}), lambda: RESULT.frames(style="dark"),
    lambda: gradviz.Style(font_size="x"), lambda: gradviz.Style(font_size=math.nan),
    lambda: gradviz.trace(lambda *, x: x), lambda: gradviz.trace(lambda x: math.sin(x)),
    lambda: RESULT.explore().save(None), lambda: nn.fit(None, nn.XOR_DATA), lambda: nn.fit((2, 2, 1), "xor"),
    lambda: nn.fit((2, 2, 1), [((0.0, math.inf), 1.0)]), lambda: nn.fit((2, 2, 1), nn.XOR_DATA, lr=math.nan),
    lambda: nn.fit((2, 2, 1), nn.XOR_DATA, steps=2.5), lambda: nn.grid_search((2, 2, 1), nn.XOR_DATA, {"lr": "abc"}),
    lambda: nn.mlp(None), lambda: nn.descend(None, {}, []), lambda: nn.mlp((1000, 1000, 1)),
    lambda: nn.mlp((2, "a", 1)), lambda: nn.descend(GRAPH, AT, ["θ1"], lr=math.inf),
])
def test_the_issues_api_calls_are_gradviz_errors(call) -> None:
    with pytest.raises(GradvizError):
        call()


@pytest.mark.parametrize("key", sorted(RULES))
@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e400", "abc", "-5", "2.5", "1"])
def test_one_rule_per_number_wherever_it_enters(key: str, text: str) -> None:
    """The rule that refuses ``--l2 -5`` refuses ``--grid l2=-5`` and ``fit(l2=-5)``: the same verdict
    and the same reason from the command line's parser, the grid spec's and the API's check."""
    from gradviz.networks.options import check_option, parse_option
    from gradviz.networks.training import GRID_KEYS, parse_grid

    def verdict(check: Callable[[], Any]) -> str:
        try:
            check()
        except GradvizError as exc:
            return str(exc).split(" must be ")[1].split(", not")[0]
        return "ok"
    by_text = verdict(lambda: parse_option(key, text))
    assert by_text == "ok" or text in ("nan", "inf", "-inf", "1e400", "abc") or not math.isnan(float(text))
    if key in GRID_KEYS:
        assert verdict(lambda: parse_grid([f"{key}={text}"])) == by_text
    try:
        number = float(text)
    except ValueError:
        return
    assert verdict(lambda: check_option(key, number)) == by_text or (  # 2.5 as text and as a float agree too
        by_text == "ok" and RULES[key].whole and number != int(number))
    assert (by_text == "ok") == (math.isfinite(number) and _in_range(key, number))


def _in_range(key: str, number: float) -> bool:
    rule = RULES[key]
    if rule.whole and number != int(number):
        return False
    low = rule.low is None or (number > rule.low if rule.low_open else number >= rule.low)
    high = rule.high is None or (number < rule.high if rule.high_open else number <= rule.high)
    return low and high
