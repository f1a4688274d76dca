"""Gradient descent on a graph: θ ← θ − α·∂L/∂θ, with momentum, a learning-rate schedule
or Adam, recorded iteration by iteration."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from ..errors import GradvizError
from ..eval.backward import backward
from ..eval.inputs import canonical_values, check_inputs
from ..eval.plan import plan_of
from ..ir.graph import Graph

__all__ = ["Iteration", "Descent", "descend", "parse_schedule"]


@dataclass(frozen=True)
class Iteration:
    """The state before update ``step``: parameter values, loss and gradients, and the rate used."""

    step: int
    values: dict[str, float]
    loss: float
    grad: dict[str, float]
    rate: float


@dataclass(frozen=True)
class Descent:
    """A whole run: every iteration, then the final values and loss."""

    graph: Graph
    wrt: tuple[str, ...]
    history: tuple[Iteration, ...]
    final: dict[str, float]
    final_loss: float

    def table(self) -> list[dict[str, float]]:
        """One row per iteration: step, loss, each parameter and its gradient."""
        rows = []
        for it in self.history:
            row: dict[str, float] = {"step": it.step, "loss": it.loss, "rate": it.rate}
            for name in self.wrt:
                row[name] = it.values[name]
                row[f"∂{self.graph.output}/∂{name}"] = it.grad[name]
            rows.append(row)
        return rows


def parse_schedule(text: str | None) -> Callable[[float, int], float]:
    """``constant``, ``exp:0.99`` (α·γᵗ), ``step:10:0.5`` (halve every 10) or ``inverse:0.1`` (α/(1+kt))."""
    kind, _, rest = (text or "constant").partition(":")
    try:
        args = [float(a) for a in rest.split(":")] if rest else []
        if kind == "constant" and not args:
            return lambda rate, t: rate
        if kind == "exp" and len(args) == 1:
            return lambda rate, t: rate * args[0] ** t
        if kind == "step" and len(args) == 2 and args[0] >= 1:
            return lambda rate, t: rate * args[1] ** (t // int(args[0]))
        if kind == "inverse" and len(args) == 1:
            return lambda rate, t: rate / (1 + args[0] * t)
    except ValueError:
        pass
    raise GradvizError(f"unknown schedule {text!r}; use constant, exp:GAMMA, step:EVERY:GAMMA or inverse:K")


def descend(graph: Graph, at: Mapping[str, Any], wrt: Sequence[str], *, lr: float = 0.1, steps: int = 50,
            momentum: float = 0.0, schedule: str | None = None, adam: bool = False,
            progress: Callable[[int], None] | None = None) -> Descent:
    """Run ``steps`` updates of the parameters ``wrt`` starting from ``at`` (all inputs' values)."""
    if steps < 0 or lr <= 0 or not 0 <= momentum < 1:
        raise GradvizError("need steps ≥ 0, a positive learning rate and 0 ≤ momentum < 1")
    values = {k: float(v) for k, v in check_inputs(graph, canonical_values(at, graph.inputs)).items()}
    names = tuple(canonical_values({w: 0 for w in wrt}, graph.inputs))
    if not names:
        raise GradvizError(f"say which parameters to train with --wrt (the inputs are {', '.join(graph.inputs)})")
    rate_at = parse_schedule(schedule)
    update = _adam(names) if adam else _momentum(names, momentum)
    history: list[Iteration] = []
    for t in range(steps + 1):
        loss, grad = _gradient(graph, values)
        rate = rate_at(lr, t)
        history.append(Iteration(t, dict(values), loss, {n: grad[n] for n in names}, rate))
        if t == steps:
            break
        for name, delta in update(grad, rate, t).items():
            values[name] -= delta
        if progress:
            progress(t + 1)
    return Descent(graph, names, tuple(history), dict(values), history[-1].loss)


def _gradient(graph: Graph, values: dict[str, float]) -> tuple[float, dict[str, float]]:
    """Loss and gradient through the compiled plan; numeric trouble goes to the interpreter's error."""
    ran = plan_of(graph).gradient([values[name] for name in graph.inputs])
    if ran is None:
        backward(graph, values, symbolic=False).steps  # raises the EvaluationError naming the node
        raise GradvizError("the loss is not finite here")  # pragma: no cover - the interpreter raises first
    loss, grads = ran
    return loss, dict(zip(graph.inputs, grads))


def _momentum(names: tuple[str, ...], beta: float) -> Callable:
    velocity = {n: 0.0 for n in names}

    def update(grad: dict[str, float], rate: float, t: int) -> dict[str, float]:
        for n in names:
            velocity[n] = beta * velocity[n] + grad[n]
        return {n: rate * velocity[n] for n in names}
    return update


def _adam(names: tuple[str, ...], beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> Callable:
    m = {n: 0.0 for n in names}
    v = {n: 0.0 for n in names}

    def update(grad: dict[str, float], rate: float, t: int) -> dict[str, float]:
        out = {}
        for n in names:
            m[n] = beta1 * m[n] + (1 - beta1) * grad[n]
            v[n] = beta2 * v[n] + (1 - beta2) * grad[n] ** 2
            m_hat, v_hat = m[n] / (1 - beta1 ** (t + 1)), v[n] / (1 - beta2 ** (t + 1))
            out[n] = rate * m_hat / (math.sqrt(v_hat) + eps)
        return out
    return update
