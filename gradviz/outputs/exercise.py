"""Exercise mode: the same backward pass with chosen numbers replaced by blanks to fill in.

``blanked`` returns a ``BackwardResult`` whose forward values (``values``), gradient numbers
(``grads``) or both are a ``Blank``; frames, captions and manifest built from it show
``____`` where the number was, in the same frames. The inputs' values stay: they are
the data of the question. Numeric local derivatives are blanked in every mode (they reveal
forward values and are part of the gradient work), except where the derivative is a
constant (∂c/∂b = 1).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import GradvizError

if TYPE_CHECKING:
    from ..eval.backward import Backward

__all__ = ["Blank", "BLANK", "BLANK_CHOICES", "blanked"]

BLANK_CHOICES = ("values", "grads", "both")


class Blank:
    """A number to fill in; prints as a gap (``____`` unless another ``text`` is given)."""

    def __init__(self, text: str = "____"):
        self.text = text

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


BLANK = Blank()


def blanked(result: "Backward", blank: str, gap: Blank = BLANK) -> "Backward":
    """``result`` with its forward values (``values``), gradients (``grads``) or ``both`` blank
    (each written as ``gap``)."""
    if blank not in BLANK_CHOICES:
        raise GradvizError(f"unknown blank choice {blank!r}; choose one of {', '.join(BLANK_CHOICES)}")
    if result.values is None:
        raise GradvizError("an exercise needs numbers to blank: give the inputs' values with --at")
    graph = result.graph
    values, adjoints = dict(result.values), dict(result.adjoints)
    if blank in ("values", "both"):
        values.update({nid: gap for nid, node in graph.nodes.items() if node.kind == "op"})
    grads = blank in ("grads", "both")
    if grads:
        adjoints = {nid: gap for nid in adjoints}
    steps = []
    for step in result.steps:
        contributions = tuple(replace(c, local=c.local if _constant(c.local_expr) else gap,
                                      **({"value": gap, "total": gap} if grads else {}))
                              for c in step.contributions)
        steps.append(replace(step, contributions=contributions,
                             **({"upstream": gap} if grads and step.node != graph.output_id else {})))
    return type(result)(graph, values, adjoints, tuple(steps), symbolic=True)


def _constant(expr) -> bool:
    return expr is not None and bool(expr.is_Number)
