"""Lecture graphs generated at several sizes, for the layout measures (``tests/test_reading.py``,
``python bench/figures.py --families``): recurrent nets of 2–4 steps, softmax layers of 2–5 terms over
linear layers, MLPs from 2-2-1 to 2-3-2-1, batch norm over 2–4 values (two ways of writing it) and
attention-like weighted sums, deep tanh chains and LSTM cells over one or two inputs, each written as a lecture
writes it. ``FAMILIES``
holds those of at most ``MOST`` operations (the ones the text thresholds cover)."""

from __future__ import annotations

from gradviz.eval.backward import Backward, backward
from gradviz.syntax import parse

__all__ = ["rnn", "softmax", "mlp", "batch_norm", "attention", "chain", "lstm", "FAMILIES", "MOST", "make"]

MOST = 40  # operations: the thresholds' range


def rnn(steps: int, inputs: int = 1, squared: bool = False) -> str:
    """A recurrent net over ``inputs`` inputs a step unrolled over ``steps`` time steps, then a sigmoid and BCE
    (or, ``squared``, a linear read-out and the squared error)."""
    drive = ["u x{t}"] if inputs == 1 else [f"u{k} x{{t}}{k}" for k in range(1, inputs + 1)]
    lines = [f"h{t} = tanh(w h{t - 1} + " + " + ".join(d.format(t=t) for d in drive) + " + b)"
             for t in range(1, steps + 1)]
    loss = f"L = (v h{steps} + c − y)²" if squared else f"p = σ(v h{steps} + c); L = −y log(p) − (1 − y) log(1 − p)"
    return "\n".join(lines + [loss])


def softmax(k: int, features: int) -> str:
    """Cross-entropy of a ``k``-term softmax over a linear layer of ``features`` inputs."""
    zs = [f"z{i} = " + " + ".join(f"w{i}{j} x{j}" for j in range(1, features + 1)) + f" + b{i}"
          for i in range(1, k + 1)]
    return "; ".join(zs) + "\nL = −log(exp(z1)/(" + " + ".join(f"exp(z{i})" for i in range(1, k + 1)) + "))"


def mlp(widths: tuple[int, ...]) -> str:
    """A ReLU MLP of layer ``widths`` (inputs first, one output), squared error, written out unit by unit."""
    names = [f"x{j}" for j in range(1, widths[0] + 1)]
    lines = []
    letters = "hgf"
    for layer, width in enumerate(widths[1:-1]):
        units = [f"{letters[layer]}{i}" for i in range(1, width + 1)]
        for i, unit in enumerate(units, start=1):
            weights = " + ".join(f"{'abc'[layer]}{i}{j} {name}" for j, name in enumerate(names, start=1))
            lines.append(f"{unit} = relu({weights} + {'cde'[layer]}{i})")
        names = units
    out = " + ".join(f"v{i} {name}" for i, name in enumerate(names, start=1))
    return "; ".join(lines) + f"\nŷ = {out} + d; L = (ŷ − y)²"


def batch_norm(n: int, shared: bool) -> str:
    """Batch norm over ``n`` values and a squared error against targets; ``shared`` names the
    deviations ``d1 … dn`` and the deviation ``s`` once (else each is written where it is used)."""
    xs = [f"x{i}" for i in range(1, n + 1)]
    mean = f"μ = ({' + '.join(xs)})/{n}"
    if shared:
        lines = [mean] + [f"d{i} = x{i} − μ" for i in range(1, n + 1)]
        lines += [f"v = ({' + '.join(f'd{i}²' for i in range(1, n + 1))})/{n}; s = √(v + ε)"]
        lines += [f"y{i} = γ d{i}/s + β" for i in range(1, n + 1)]
    else:
        lines = [mean, f"v = ({' + '.join(f'(x{i} − μ)²' for i in range(1, n + 1))})/{n}"]
        lines += [f"y{i} = γ(x{i} − μ)/√(v + ε) + β" for i in range(1, n + 1)]
    return "\n".join(lines + ["L = " + " + ".join(f"(y{i} − t{i})²" for i in range(1, n + 1))])


def attention(k: int) -> str:
    """A query's attention over ``k`` keys: scores, softmax weights, the weighted sum of values, squared error."""
    lines = [f"s{i} = q k{i}" for i in range(1, k + 1)] + ["Z = " + " + ".join(f"exp(s{i})" for i in range(1, k + 1))]
    lines += [f"a{i} = exp(s{i})/Z" for i in range(1, k + 1)]
    return "\n".join(lines + ["o = " + " + ".join(f"a{i} v{i}" for i in range(1, k + 1)) + "; L = (o − y)²"])


def chain(layers: int) -> str:
    """A deep chain of tanh layers, one weight and bias each, and a squared error (vanishing gradients)."""
    steps = [f"a{i} = tanh(w{i} a{i - 1} + b{i})" for i in range(1, layers + 1)]
    return "; ".join(steps) + f"; L = (a{layers} − y)²"


def lstm(inputs: int) -> str:
    """One step of an LSTM cell over ``inputs`` inputs (forget, input and output gates, the candidate, the cell and
    the hidden state), written gate by gate, and a squared error."""
    xs = [f"x{j}" for j in range(1, inputs + 1)] if inputs > 1 else ["x"]

    def gate(weight: str, recurrent: str, bias: str) -> str:
        names = [f"{weight}{j}" for j in range(1, inputs + 1)] if inputs > 1 else [weight]
        return " + ".join(f"{w} {x}" for w, x in zip(names, xs)) + f" + {recurrent} h + {bias}"
    return (f"f = σ({gate('a', 'b', 'c')}); i = σ({gate('d', 's', 'g')}); o = σ({gate('k', 'm', 'n')})\n"
            f"u = tanh({gate('p', 'q', 'r')}); C = f C0 + i u; H = o tanh(C); L = (H − y)²")


def _all() -> dict[str, str]:
    out = {f"RNN, {t} steps": rnn(t) for t in (2, 3, 4, 5)}
    out |= {f"RNN, {t} steps, 2 inputs a step": rnn(t, 2) for t in (3, 4)}
    out |= {f"softmax, {k} terms over {f} feature{'s' * (f > 1)}": softmax(k, f) for k in (2, 3, 4, 5) for f in (1, 2)}
    out |= {f"MLP {'-'.join(map(str, w))}": mlp(w) for w in ((2, 2, 1), (2, 3, 1), (2, 2, 2, 1), (2, 3, 2, 1))}
    out |= {f"batch norm, {n} values{', shared' * s}": batch_norm(n, s) for n in (2, 3, 4) for s in (False, True)}
    out |= {f"attention, {k} keys": attention(k) for k in (2, 3, 4, 5)}
    out |= {f"tanh chain, {n} layers": chain(n) for n in (6, 8, 10, 12)}
    out |= {f"LSTM cell, {n} input{'s' * (n > 1)}": lstm(n) for n in (1, 2)}
    return out


def operations(text: str) -> int:
    return sum(1 for node in parse(text).nodes.values() if node.kind == "op")


FAMILIES: dict[str, str] = {name: text for name, text in _all().items() if operations(text) <= MOST}


def make(text: str) -> Backward:
    """The backward pass of a generated formula at seeded values."""
    graph = parse(text)
    return backward(graph, {name: 0.3 + 0.17 * ((7 * i) % 5) - 0.2 * (i % 3) for i, name in enumerate(graph.inputs)})
