"""What the static site's page asks the engine (in Pyodide): a formula and its values, as
data, in; the frames as SVG, the derivation as Markdown and LaTeX, the explorer page and
errors as the CLI writes them, out. The formula is parsed, never executed."""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import Any, Mapping

from ..derive.documents import derivation_latex, derivation_markdown
from ..errors import GradvizError, ParseError
from ..eval.backward import Backward, backward
from ..render.figure import render_frames
from ..syntax.parser import parse
from .explorer import explorer_html

__all__ = ["frames_page", "derivation_page", "explorer_page"]


def frames_page(formula: str, values: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``{"frames": [{"name", "title", "svg"}], "inputs", "output", "warnings"}`` for ``formula`` at
    ``values`` (name → number as typed, as ``--at`` takes them), or ``{"error": "Error: …",
    "status": 2}`` with the CLI's message and exit status."""
    try:
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            result = _result(formula, _key(values))
            rendered = render_frames(result, format="svg")
        return {"inputs": list(result.graph.inputs), "output": result.graph.output,
                "frames": [{"name": item.filename, "title": item.frame.title_text, "svg": item.data.decode("utf-8")}
                           for item in rendered],
                "warnings": [f"Warning: {w.message}" for w in said]}
    except Exception as exc:  # noqa: BLE001 - the page shows one line, as the CLI does
        return _error(exc)


def derivation_page(formula: str, values: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``{"markdown", "latex"}``: the derivation ``gradviz render`` writes, or an error (the page
    asks once the first frame is up)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # frames_page has said them already
            result = _result(formula, _key(values))
        return {"markdown": derivation_markdown(result), "latex": derivation_latex(result)}
    except Exception as exc:  # noqa: BLE001 - the page shows one line, as the CLI does
        return _error(exc)


def explorer_page(formula: str, values: Mapping[str, str] | None = None, quiz: str | None = None) -> dict[str, Any]:
    """``{"html": …}``: the explorer page of ``formula`` at ``values`` (``gradviz explore``'s), with
    ``quiz`` (``values``, ``grads`` or ``both``) the exercise whose blanks the page checks; or an error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # frames_page has said them already
            result = _result(formula, _key(values))
        return {"html": explorer_html(result, quiz=quiz)}
    except Exception as exc:  # noqa: BLE001 - the page shows one line, as the CLI does
        return _error(exc)


def _key(values: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(name), str(value)) for name, value in (values or {}).items())


@lru_cache(maxsize=4)  # the page asks for the frames, then the derivation, the explorer, the exercise
def _result(formula: str, values: tuple[tuple[str, str], ...]) -> Backward:
    """What ``gradviz render FORMULA --at …`` computes: the graph parsed with the values' names
    (a sum without bounds takes its range from them), then its backward pass."""
    at = dict(values) or None
    return backward(parse(formula, tuple(at or ())), at)


def _error(exc: Exception) -> dict[str, Any]:
    """The CLI's one line for ``exc`` and its exit status (2: parse error, 1: other errors, 3: a bug)."""
    if not isinstance(exc, GradvizError):
        return {"error": f"Error: internal error ({type(exc).__name__}: {exc}); please report it with the formula",
                "status": 3}
    return {"error": f"Error: {exc}", "status": 2 if isinstance(exc, ParseError) else 1}
