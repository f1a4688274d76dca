"""Arguments checked where they enter: a number by its ``Rule`` (finite, whole where a count is
meant, in range), and the arguments of a public function or the fields of a public dataclass by
their type hints (``checked``, ``check_fields``). Every refusal is a ``GradvizError`` naming the
argument, so the command line, a grid spec, a CSV and the Python API say the same thing."""

from __future__ import annotations

import collections.abc as abc
import dataclasses
import functools
import inspect
import math
import numbers
import types
import typing
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from ..errors import GradvizError

__all__ = ["Rule", "checked", "checked_methods", "check_fields", "fits", "described"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Rule:
    """What one number must be: finite, a whole number if ``whole``, and within ``low``/``high``
    (``low_open``/``high_open``: the bound itself is excluded)."""

    whole: bool = False
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def describe(self) -> str:
        """``a whole number ≥ 1``, ``a number > 0``, ``a number ≥ 0 and < 1``."""
        parts = [f"{'>' if self.low_open else '≥'} {self.low:g}"] if self.low is not None else []
        parts += [f"{'<' if self.high_open else '≤'} {self.high:g}"] if self.high is not None else []
        return ("a whole number" if self.whole else "a finite number") + (" " + " and ".join(parts) if parts else "")

    def check(self, value: Any, name: str) -> Any:
        """``value`` as an ``int`` (``whole``) or ``float``; a ``GradvizError`` naming ``name`` if it breaks the rule."""
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise GradvizError(f"{name} must be {self.describe()}, not {_shown(value)}")
        number = float(value) if not isinstance(value, numbers.Integral) else int(value)
        if isinstance(number, float) and not math.isfinite(number):
            raise GradvizError(f"{name} must be {self.describe()}, not {number}")
        if self.whole:
            if number != int(number):
                raise GradvizError(f"{name} must be {self.describe()}, not {number:g}")
            number = int(number)
        low_bad = self.low is not None and (number <= self.low if self.low_open else number < self.low)
        high_bad = self.high is not None and (number >= self.high if self.high_open else number > self.high)
        if low_bad or high_bad:
            raise GradvizError(f"{name} must be {self.describe()}, not {number:g}")
        return number

    def parse(self, text: str, name: str) -> Any:
        """A number written as text (the command line, a grid spec), checked."""
        try:
            value = int(text) if self.whole and text.strip().lstrip("+-").isdigit() else float(text)
        except (ValueError, OverflowError):
            raise GradvizError(f"{name} must be {self.describe()}, not {text!r}") from None
        return self.check(value, name)


def _shown(value: Any) -> str:
    text = repr(value)
    return f"{text[:40]}…" if len(text) > 40 else text


def fits(value: Any, hint: Any) -> bool:
    """Whether ``value`` is of the type ``hint`` says, on the surface: a mapping for ``Mapping[…]``,
    a sequence (not text) for ``Sequence[…]``, a real number for ``float``, a whole one for ``int``."""
    origin = typing.get_origin(hint)
    if hint is Any or isinstance(hint, TypeVar):
        return True
    if hint is None or hint is type(None):
        return value is None
    if origin in (typing.Union, types.UnionType):
        return any(fits(value, arg) for arg in typing.get_args(hint))
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    kind = origin or hint
    if kind is float:
        return isinstance(value, numbers.Real) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if kind in (abc.Sequence, list, tuple):
        return isinstance(value, (abc.Sequence, abc.Iterator)) and not isinstance(value, (str, bytes)) or (
            type(value).__module__ == "numpy" and getattr(value, "ndim", 0) >= 1)
    if kind in (abc.Collection, abc.Iterable):
        return isinstance(value, abc.Iterable)
    if kind is abc.Callable:
        return callable(value)
    if isinstance(kind, type):
        return isinstance(value, kind)
    return True  # a hint this checker does not read: left to the function


def described(hint: Any) -> str:
    """A type hint in words: ``a whole number``, ``a mapping or None``."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(dict.fromkeys(described(arg) for arg in typing.get_args(hint)))
    if hint is None or hint is type(None):
        return "None"
    kind = origin or hint
    words = {float: "a number", int: "a whole number", str: "a str", bool: "True or False",
             abc.Mapping: "a mapping (dict)", dict: "a dict", abc.Sequence: "a sequence (list or tuple)",
             tuple: "a tuple", list: "a list", abc.Callable: "a function", abc.Collection: "a collection",
             abc.Iterable: "a collection"}
    return words.get(kind, f"a {getattr(kind, '__name__', str(kind))}")


def _hints(fn: Callable) -> dict[str, Any]:
    """``fn``'s resolved type hints; a hint naming what only type checkers import is left out."""
    try:
        return typing.get_type_hints(fn)
    except (NameError, TypeError):
        namespace, out = vars(inspect.getmodule(fn) or typing), {}
        for name, text in getattr(fn, "__annotations__", {}).items():
            def probe() -> None: ...
            probe.__annotations__ = {name: text}
            try:
                out[name] = typing.get_type_hints(probe, globalns=namespace)[name]
            except (NameError, TypeError, SyntaxError):
                pass  # a hint naming what only type checkers import is not checked
        return out


def checked(fn: F) -> F:
    """``fn`` whose arguments are checked against its type hints before it runs: a wrong number
    or type of argument is a ``GradvizError`` naming the function and the argument."""
    signature = inspect.signature(fn)
    title = getattr(fn, "__qualname__", getattr(fn, "__name__", "the function"))
    plans: dict[tuple, list[tuple[str, Any, bool, Any]]] = {}  # call shape → (name, where, many, hint)

    def plan(args: tuple, kwargs: dict) -> list[tuple[str, Any, bool, Any]]:
        """Which hint each argument of a call of this shape (count of positions, keywords) meets."""
        shape = (len(args), *kwargs)
        if shape not in plans:
            try:
                bound = signature.bind(*range(len(args)), **{k: k for k in kwargs})
            except TypeError as exc:
                raise GradvizError(f"{title}(): {exc}") from None
            hints = _hints(fn)
            steps = []
            for name, where in bound.arguments.items():
                kind = signature.parameters[name].kind
                hint = hints.get(name, Any)
                if hint is not Any:
                    steps.append((name, where, kind in (inspect.Parameter.VAR_POSITIONAL,
                                                        inspect.Parameter.VAR_KEYWORD), hint))
            plans[shape] = steps
        return plans[shape]

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        for name, where, many, hint in plan(args, kwargs):
            if many:
                values = [args[k] for k in where] if isinstance(where, tuple) else [kwargs[k] for k in where]
            else:
                values = [args[where] if isinstance(where, int) else kwargs[where]]
            for value in values:
                if not fits(value, hint):
                    raise GradvizError(f"{title}()'s {name} takes {described(hint)}, not {type(value).__name__}")
        return fn(*args, **kwargs)
    run.__checked__ = True  # type: ignore[attr-defined]
    return typing.cast(F, run)


def check_fields(instance: Any) -> None:
    """A dataclass instance's fields checked against their type hints (in ``__post_init__``)."""
    hints = _hints(type(instance))
    for field in dataclasses.fields(instance):
        value = getattr(instance, field.name)
        if field.name in hints and not fits(value, hints[field.name]):
            raise GradvizError(f"{type(instance).__name__}'s {field.name} takes {described(hints[field.name])}, "
                               f"not {type(value).__name__}")


def checked_methods(cls: type) -> type:
    """``cls`` with its constructor and every public method, its own and inherited, ``checked``
    (a class decorator; class methods too)."""
    for name in dir(cls):
        attr = inspect.getattr_static(cls, name)
        if name.startswith("_") and name != "__init__" or getattr(attr, "__checked__", False):
            continue
        if isinstance(attr, classmethod):
            setattr(cls, name, classmethod(checked(attr.__func__)))
        elif inspect.isfunction(attr) and attr is not object.__init__:
            setattr(cls, name, checked(attr))
    return cls
