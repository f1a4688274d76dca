"""Target 4, numeric backward: a forward+backward pass of gradviz's compiled plan (compiled
once, reused) against micrograd's ``Value`` on the same tanh MLP over a batch of points, at
about 10,000 and 20,000 nodes; and how the time grows when the graph doubles."""

from __future__ import annotations

import math
import statistics

from micrograd.engine import Value

from gradviz.eval.plan import Plan, plan_of
from gradviz.nn import Network, param_name

from common import Row, median_cpu
from graphs import batch_mlp

__all__ = ["measure", "micrograd_pass"]

def _tanh(v: Value) -> Value:
    """tanh for micrograd 0.1.0, which has none (as its author's lectures add it)."""
    t = math.tanh(v.data)
    out = Value(t, (v,), "tanh")

    def _backward() -> None:
        v.grad += (1 - t * t) * out.grad
    out._backward = _backward
    return out


def micrograd_pass(net: Network, data: list[tuple[tuple[float, float], float]]) -> dict[str, float]:
    """Build the network's loss in micrograd (its forward pass), run its backward, and return
    the parameters' gradients: the same sums, left to right, as ``gradviz.nn.mlp``."""
    params = {name: Value(net.values[name]) for name in net.parameters}
    total = None
    for point, target in data:
        h: list = list(point)
        for layer, width in enumerate(net.layers[1:], start=1):
            last = layer == len(net.layers) - 1
            units = []
            for j in range(1, width + 1):
                s = params[param_name("b", layer, j)]
                for i, x in enumerate(h, start=1):
                    s = s + params[param_name("w", layer, j, i)] * x
                units.append(s if last else _tanh(s))
            h = units
        loss = (h[0] - target) ** 2
        total = loss if total is None else total + loss
    total = total * (1.0 / len(data))
    total.backward()
    return {name: v.grad for name, v in params.items()}


def measure(repeat: int, samples: tuple[int, int] = (15, 30)) -> list[Row]:
    """Both sizes are timed in turn within each repeat, so a change of load hits all four."""
    cases = []
    for count in samples:
        net, data = batch_mlp(count)
        graph = net.graph
        compile_time = median_cpu(lambda: Plan(graph), 1)
        at = [net.values[name] for name in graph.inputs]
        _, grads = plan_of(graph).gradient(at)
        theirs = micrograd_pass(net, data)
        error = max(abs(g - theirs[name]) for name, g in zip(graph.inputs, grads))
        cases.append((net, data, at, compile_time, error, [], []))
    for _ in range(repeat):
        for net, data, at, _, _, ours, peers in cases:
            ours.append(median_cpu(lambda: plan_of(net.graph).gradient(at), 1))
            peers.append(median_cpu(lambda: micrograd_pass(net, data), 1))
    rows, timed = [], []
    for (net, data, at, compile_time, error, ours, peers), count in zip(cases, samples):
        mine, peer, size = statistics.median(ours), statistics.median(peers), len(net.graph)
        timed.append((size, mine))
        rows.append(Row(4, f"forward+backward, {'-'.join(map(str, net.layers))} tanh MLP over {count} points",
                        "micrograd `Value` (build + `backward()`)", mine / peer, 1.0,
                        f"{size:,} nodes, {len(net.graph.inputs)} parameters",
                        f"{1000 * mine:.1f} ms vs {1000 * peer:.1f} ms (plan compiled once in "
                        f"{1000 * compile_time:.0f} ms); gradients agree to {error:.0e}"))
    (n1, t1), (n2, t2) = timed
    rows.append(Row(4, "forward+backward when the graph doubles", f"the same at {n1:,} nodes", t2 / t1,
                    2.2, f"{n1:,} → {n2:,} nodes", f"{1000 * t1:.1f} ms → {1000 * t2:.1f} ms"))
    return rows
