"""Gradient descent on a graph: plain (θ ← θ − α·∂L/∂θ), with momentum, Adagrad or Adam and a
learning-rate schedule, recorded iteration by iteration with each update's equations and its
numbers. A run whose loss stops being finite or grows by orders of magnitude stops there and
says so, with a learning rate to try."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from ..errors import EvaluationError, GradvizError
from ..eval.backward import backward
from ..eval.inputs import canonical_values, check_inputs
from ..eval.plan import plan_of
from ..ir.graph import Graph
from .options import check_option, option_flag
from ..text.numbers import format_value

__all__ = ["Equation", "Iteration", "Descent", "Optimizer", "descend", "optimizer", "parse_schedule",
           "run_updates", "suggest_rate", "Watch", "GROWTH_LIMIT", "DESCENT_WORK_LIMIT"]

GROWTH_LIMIT = 1e6  # a loss this many times its start (or 1, if larger) counts as diverged
DESCENT_WORK_LIMIT = 500_000  # steps × (nodes + 4): about 5–10 s and 150 MB of history (60–120 µs, 1.5 kB a step)
Gradient = Callable[[dict[str, float], int], tuple[float, dict[str, float]]]


@dataclass(frozen=True)
class Equation:
    """One line of an update with its numbers: ``v_θ1 ← β·v_θ1 + ∂L/∂θ1 = 0.9 × 0 + 42 = 42``.
    ``numbers`` is a template whose ``{}`` are filled with ``values`` (negatives in brackets)."""

    target: str
    rule: str
    numbers: str
    values: tuple[float, ...]
    result: float
    assign: str = "←"

    def text(self) -> str:
        """The equation as one line of text."""
        shown = [format_value(v) for v in self.values]
        filled = self.numbers.format(*(f"({s})" if s.startswith("−") and (k or not self.numbers.startswith("{}"))
                                       else s for k, s in enumerate(shown)))
        return f"{self.target} {self.assign} {self.rule} = {filled} = {format_value(self.result)}"


@dataclass(frozen=True)
class Iteration:
    """The state before update ``step``: parameter values, loss and gradients, the rate used, and
    the update made from them (each parameter's equations; none after the last iteration)."""

    step: int
    values: dict[str, float]
    loss: float
    grad: dict[str, float]
    rate: float
    update: dict[str, tuple[Equation, ...]] = field(default_factory=dict)
    val_loss: float | None = None  # the validation loss, when the run watches one


def _sqrt(x: Any) -> Any:
    """√x of a number, or of each entry of a numpy array (the vectorised path updates all
    parameters as one array); both are IEEE square roots, so the results agree bit for bit."""
    if isinstance(x, (int, float)):
        return math.sqrt(x)
    import numpy

    return numpy.sqrt(x)


class Optimizer:
    """Plain gradient descent; subclasses keep state per parameter and show it in their equations.
    Each also updates a whole numpy array of parameters as one (the vectorised path's)."""

    name = "gradient descent"
    rule = "θ ← θ − α·∂L/∂θ"

    def settings(self) -> str:
        """The optimizer's constants, e.g. ``β = 0.9``."""
        return ""

    def title(self, rate: float) -> str:
        """``Adam, α = 0.1, β₁ = 0.9, …``."""
        return ", ".join(part for part in (self.name, f"α = {format_value(rate)}", self.settings()) if part)

    def step(self, name: str, theta: float, grad: float, rate: float, t: int, out: str) -> tuple[Equation, ...]:
        """Update parameter ``name`` at iteration ``t``; the equations, the last one giving the new value."""
        g = f"∂{out}/∂{name}"
        return (Equation(name, f"{name} − α·{g}", "{} − {} × {}", (theta, rate, grad), theta - rate * grad),)


class Momentum(Optimizer):
    """v ← β·v + ∂L/∂θ; θ ← θ − α·v."""

    name = "momentum"
    rule = "v ← β·v + ∂L/∂θ,  θ ← θ − α·v"

    def __init__(self, beta: float):
        self.beta, self.velocity = beta, {}

    def settings(self) -> str:
        return f"β = {format_value(self.beta)}"

    def step(self, name, theta, grad, rate, t, out):
        v, before = f"v_{name}", self.velocity.get(name, 0.0)
        after = self.beta * before + grad
        self.velocity[name] = after
        return (Equation(v, f"β·{v} + ∂{out}/∂{name}", "{} × {} + {}", (self.beta, before, grad), after),
                Equation(name, f"{name} − α·{v}", "{} − {} × {}", (theta, rate, after), theta - rate * after))


class Adagrad(Optimizer):
    """G ← G + (∂L/∂θ)²; θ ← θ − α·∂L/∂θ / (√G + ε)."""

    name = "Adagrad"
    rule = "G ← G + (∂L/∂θ)²,  θ ← θ − α·(∂L/∂θ)/(√G + ε)"

    def __init__(self, eps: float = 1e-8):
        self.eps, self.total = eps, {}

    def settings(self) -> str:
        return f"ε = {format_value(self.eps)}"

    def step(self, name, theta, grad, rate, t, out):
        G, before = f"G_{name}", self.total.get(name, 0.0)
        after = before + grad * grad
        self.total[name] = after
        g = f"∂{out}/∂{name}"
        new = theta - rate * grad / (_sqrt(after) + self.eps)
        return (Equation(G, f"{G} + ({g})²", "{} + {}²", (before, grad), after),
                Equation(name, f"{name} − α·({g})/(√{G} + ε)", "{} − {} × {} / (√{} + {})",
                         (theta, rate, grad, after, self.eps), new))


class Adam(Optimizer):
    """m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; m̂ = m/(1 − β₁ᵗ); v̂ = v/(1 − β₂ᵗ); θ ← θ − α·m̂/(√v̂ + ε)."""

    name = "Adam"
    rule = "m ← β₁m + (1 − β₁)·∂L/∂θ,  v ← β₂v + (1 − β₂)·(∂L/∂θ)²,  θ ← θ − α·m̂/(√v̂ + ε)"

    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m: dict[str, float] = {}
        self.v: dict[str, float] = {}

    def settings(self) -> str:
        return f"β₁ = {format_value(self.beta1)}, β₂ = {format_value(self.beta2)}, ε = {format_value(self.eps)}"

    def step(self, name, theta, grad, rate, t, out):
        b1, b2 = self.beta1, self.beta2
        m, v, g = f"m_{name}", f"v_{name}", f"∂{out}/∂{name}"
        m0, v0 = self.m.get(name, 0.0), self.v.get(name, 0.0)
        m1, v1 = b1 * m0 + (1 - b1) * grad, b2 * v0 + (1 - b2) * grad * grad
        self.m[name], self.v[name] = m1, v1
        c1, c2 = 1 - b1 ** (t + 1), 1 - b2 ** (t + 1)
        m_hat, v_hat = m1 / c1, v1 / c2
        power = str(t + 1).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
        return (Equation(m, f"β₁·{m} + (1 − β₁)·{g}", "{} × {} + {} × {}", (b1, m0, 1 - b1, grad), m1),
                Equation(v, f"β₂·{v} + (1 − β₂)·({g})²", "{} × {} + {} × {}²", (b2, v0, 1 - b2, grad), v1),
                Equation(f"m̂_{name}", f"{m}/(1 − β₁{power})", "{} / {}", (m1, c1), m_hat, "="),
                Equation(f"v̂_{name}", f"{v}/(1 − β₂{power})", "{} / {}", (v1, c2), v_hat, "="),
                Equation(name, f"{name} − α·m̂_{name}/(√v̂_{name} + ε)", "{} − {} × {} / (√{} + {})",
                         (theta, rate, m_hat, v_hat, self.eps), theta - rate * m_hat / (_sqrt(v_hat) + self.eps)))


def optimizer(momentum: float = 0.0, adam: bool = False, adagrad: bool = False) -> Optimizer:
    """The optimizer these options ask for."""
    if adam + adagrad + (momentum > 0) > 1:
        raise GradvizError("choose one of --momentum, --adagrad and --adam")
    if not 0 <= momentum < 1:
        raise GradvizError("need 0 ≤ momentum < 1")
    return Adam() if adam else Adagrad() if adagrad else Momentum(momentum) if momentum else Optimizer()


@dataclass(frozen=True)
class Descent:
    """A whole run: every iteration, then the final values and loss. A diverged run stops at
    step ``diverged_at`` (its loss not finite or grown by ``GROWTH_LIMIT``), says ``why`` and
    suggests a learning rate."""

    graph: Graph
    wrt: tuple[str, ...]
    history: tuple[Iteration, ...]
    final: dict[str, float]
    final_loss: float
    optimizer: Optimizer = field(default_factory=Optimizer)
    diverged_at: int | None = None
    why: str = ""
    suggested_rate: float | None = None
    best_step: int | None = None  # early stopping: the step whose values are kept

    @property
    def verdict(self) -> str:
        """``diverged at step k (…): try --lr ≤ …`` for a diverged run, else empty."""
        if self.diverged_at is None:
            return ""
        hint = f": try --lr ≤ {format_value(self.suggested_rate)}" if self.suggested_rate else ""
        return f"diverged at step {self.diverged_at} ({self.why}){hint}"

    def table(self) -> list[dict[str, float | str]]:
        """One row per iteration: step, loss, rate, each parameter, its gradient and the optimizer's state."""
        rows = []
        for it in self.history:
            row: dict[str, float | str] = {"step": it.step, "loss": it.loss, "rate": it.rate}
            if it.val_loss is not None:
                row["validation loss"] = it.val_loss
            for name in self.wrt:
                row[name] = it.values[name]
                row[f"∂{self.graph.output}/∂{name}"] = it.grad[name]
                row.update({eq.target: eq.result for eq in it.update.get(name, ())[:-1]})
            rows.append(row)
        return rows


def parse_schedule(text: str | None) -> Callable[[float, int], float]:
    """``constant``, ``exp:0.99`` (α·γᵗ), ``step:10:0.5`` (halve every 10) or ``inverse:0.1`` (α/(1+kt))."""
    kind, _, rest = (text or "constant").partition(":")
    try:
        args = [float(a) for a in rest.split(":")] if rest else []
    except ValueError:
        args = [math.nan]
    if all(math.isfinite(a) for a in args):
        if kind == "constant" and not args:
            return lambda rate, t: rate
        if kind == "exp" and len(args) == 1 and args[0] > 0:
            return lambda rate, t: rate * args[0] ** t
        if kind == "step" and len(args) == 2 and args[0] >= 1 and args[1] > 0:
            return lambda rate, t: rate * args[1] ** (t // int(args[0]))
        if kind == "inverse" and len(args) == 1 and args[0] >= 0:
            return lambda rate, t: rate / (1 + args[0] * t)
    raise GradvizError(f"unknown schedule {text!r}; use constant, exp:GAMMA (GAMMA > 0), step:EVERY:GAMMA "
                       "(EVERY ≥ 1 steps, GAMMA > 0) or inverse:K (K ≥ 0), with finite numbers")


def descend(graph: Graph, at: Mapping[str, Any], wrt: Sequence[str], *, lr: float = 0.1, steps: int = 50,
            momentum: float = 0.0, schedule: str | None = None, adam: bool = False, adagrad: bool = False,
            progress: Callable[[int], None] | None = None) -> Descent:
    """Run ``steps`` updates of the parameters ``wrt`` starting from ``at`` (all inputs' values)."""
    lr, steps, momentum = (check_option(key, value, option_flag(key))
                           for key, value in (("lr", lr), ("steps", steps), ("momentum", momentum)))
    values = {k: float(v) for k, v in check_inputs(graph, canonical_values(at, graph.inputs)).items()}
    names = tuple(canonical_values({w: 0 for w in wrt}, graph.inputs))
    if not names:
        raise GradvizError(f"say which parameters to train with --wrt (the inputs are {', '.join(graph.inputs)})")
    most = DESCENT_WORK_LIMIT // (len(graph) + 4)  # every step keeps its values: time and memory grow alike
    if steps > most:
        raise GradvizError(f"{steps:,} steps on a graph of {len(graph):,} nodes is more than gradviz runs and "
                           f"keeps (the limit is {DESCENT_WORK_LIMIT:,} steps × (nodes + 4), about 10 s): use --steps "
                           f"{most} or fewer, or a larger --lr or --adam to get there in fewer steps")
    return run_updates(graph, lambda vals, t: gradient(graph, vals), values, names, lr=lr, steps=steps,
                       optimizer=optimizer(momentum, adam, adagrad), schedule=schedule, progress=progress)


class Watch:
    """What every descent loop checks at step ``t``, whatever holds its parameters: a loss no longer
    finite or grown by ``GROWTH_LIMIT`` (``diverged``), the schedule's rate leaving float range
    (``rate``), the last step or early stopping on the validation loss (``stop``). ``why`` says why
    a run ended early; ``best`` is the step of the best validation loss so far."""

    def __init__(self, output: str, lr: float, steps: int, schedule: str | None,
                 validate: Callable[[Any], float] | None, patience: int):
        if steps < 0 or lr <= 0:
            raise GradvizError("need steps ≥ 0 and a positive learning rate")
        self.output, self.lr, self.steps, self.schedule = output, lr, steps, schedule
        self.validate, self.patience = validate, patience
        self.rate_at = parse_schedule(schedule)
        self.why = ""
        self.best: int | None = None
        self.val: float | None = None

    def diverged(self, t: int, loss: float, history: Sequence[Iteration], finite: bool = True) -> bool:
        """Whether step ``t``'s loss (and, said by ``finite``, its gradient) ends the run."""
        finite = finite and math.isfinite(loss)
        if t and (not finite or abs(loss) > GROWTH_LIMIT * max(abs(history[0].loss), 1.0)):
            self.why = f"{self.output} = {format_value(loss)}"
            if not finite:
                self.why += ": the loss or its gradient is no longer a finite number"
            return True
        return False

    def rate(self, t: int) -> float | None:
        """Step ``t``'s learning rate, or None (and ``why``) once the schedule leaves float range."""
        try:
            rate = self.rate_at(self.lr, t)
        except OverflowError:  # exp:GAMMA with GAMMA > 1 grows past float range
            rate = math.inf
        if math.isfinite(rate):
            return rate
        self.why = f"the learning rate of --schedule {self.schedule} passes float range at step {t}"
        return None

    def stop(self, t: int, params: Any, history: Sequence[Iteration]) -> bool:
        """Whether step ``t`` is the last: the run's end, or ``patience`` steps without a better
        validation loss (``val`` is this step's)."""
        self.val = self.validate(params) if self.validate else None
        if self.val is not None and (self.best is None or self.val < history[self.best].val_loss):
            self.best = t
        return t == self.steps or (self.best is not None and t - self.best >= self.patience)


def run_updates(graph: Graph, loss_and_grad: Gradient, values: dict[str, float], names: tuple[str, ...], *,
                lr: float, steps: int, optimizer: Optimizer, schedule: str | None = None,
                progress: Callable[[int], None] | None = None,
                validate: Callable[[dict[str, float]], float] | None = None, patience: int = 100) -> Descent:
    """The descent loop over any loss: ``loss_and_grad(values, t)`` gives step ``t``'s loss and gradient
    (a mini-batch's, say); ``graph`` is the loss the run is reported under. With ``validate``
    (early stopping) the run stops once the validation loss has not improved for ``patience``
    steps and keeps the values of its best step."""
    watch = Watch(str(graph.output), lr, steps, schedule, validate, patience)
    history: list[Iteration] = []
    for t in range(steps + 1):
        try:
            loss, grad = loss_and_grad(values, t)
        except EvaluationError as exc:
            if t == 0:
                raise
            watch.why = str(exc).split("\n")[0]
            break
        if watch.diverged(t, loss, history) or (rate := watch.rate(t)) is None:
            break
        stop = watch.stop(t, values, history)
        update = {} if stop else {n: optimizer.step(n, values[n], grad[n], rate, t, graph.output) for n in names}
        history.append(Iteration(t, dict(values), loss, {n: grad[n] for n in names}, rate, update, watch.val))
        if stop:
            break
        values.update({n: eqs[-1].result for n, eqs in update.items()})
        if progress:
            progress(t + 1)
    best = watch.best
    if watch.why:  # the last update made is what diverged: it has no iteration after it
        last = history[-1]
        return Descent(graph, names, tuple(history), dict(last.values), last.loss, optimizer, len(history), watch.why,
                       suggest_rate(loss_and_grad, history[0], names, lr, optimizer), best)
    kept = history[-1 if best is None else best]
    return Descent(graph, names, tuple(history), dict(kept.values), kept.loss, optimizer, best_step=best)


def gradient(graph: Graph, values: dict[str, float]) -> tuple[float, dict[str, float]]:
    """Loss and gradient through the compiled plan; numeric trouble goes to the interpreter's error."""
    ran = plan_of(graph).gradient([values[name] for name in graph.inputs])
    if ran is None:
        backward(graph, values, symbolic=False).steps  # raises the EvaluationError naming the node
        raise GradvizError("the loss is not finite here")  # pragma: no cover - the interpreter raises first
    loss, grads = ran
    return loss, dict(zip(graph.inputs, grads))


def suggest_rate(loss_and_grad: Gradient, start: Iteration, names: tuple[str, ...], lr: float,
                 optimizer: Optimizer, iterations: int = 30) -> float:
    """A learning rate to try after a divergence: for gradient descent and momentum 1/λ, λ the largest
    curvature at the start (power iteration on finite-difference Hessian-vector products), one
    significant digit down; for the adaptive optimizers, whose steps do not scale with curvature, α/10."""
    if isinstance(optimizer, (Adam, Adagrad)):
        return _round_down(lr / 10)
    base, g0 = start.values, start.grad
    vector = {n: g0[n] or 1.0 for n in names}
    curvature = 0.0
    for _ in range(iterations):
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        unit = {n: v / norm for n, v in vector.items()}
        h = 1e-5 * max(1.0, math.sqrt(sum(base[n] ** 2 for n in names)))
        try:
            _, g1 = loss_and_grad({**base, **{n: base[n] + h * unit[n] for n in names}}, 0)
        except EvaluationError:
            break
        vector = {n: (g1[n] - g0[n]) / h for n in names}
        curvature = sum(vector[n] * unit[n] for n in names)
    return _round_down(1 / curvature if curvature > 0 and 1 / curvature < lr else lr / 10)


def _round_down(rate: float) -> float:
    """``0.00784`` → ``0.007``: one significant digit, never up."""
    scale = 10 ** math.floor(math.log10(rate))
    return math.floor(rate / scale + 1e-9) * scale
