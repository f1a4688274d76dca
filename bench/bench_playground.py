"""Training at the TensorFlow Playground's sizes: gradviz's vectorised path (``fit``) against a
hand-written numpy loop of the same network, data, initial weights and Adam (the peer, below,
shares no code with gradviz beyond the weights it starts from), and the whole ``gradviz train``
command. Rows: seconds (best of ``REPEATS``) and the ratio to the peer.

    .venv/bin/python bench/bench_playground.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from gradviz.networks.datasets import dataset
from gradviz.networks.training import fit

REPEATS = 3
CASES = [  # layers, data set, points, steps, lr
    ((2, 8, 8, 1), "spiral", 200, 1000, 0.03),
    ((2, 4, 1), "circle", 120, 1500, 0.03),
    ((2, 2, 1), "xor-points", 200, 1500, 0.03),
    ((2, 8, 8, 8, 8, 8, 8, 1), "spiral", 500, 5000, 0.01),
]


# --- the peer: a hand-written numpy loop (tanh hidden layers, sigmoid output, mean BCE, Adam) -------------

def numpy_peer(weights: list[np.ndarray], X: np.ndarray, y: np.ndarray, steps: int, lr: float) -> float:
    """Full-batch Adam on ``weights`` (one (outputs × (1 + inputs)) array a layer, biases first)."""
    m = [np.zeros_like(w) for w in weights]
    v = [np.zeros_like(w) for w in weights]
    b1, b2, eps = 0.9, 0.999, 1e-8
    n = len(X)
    for t in range(steps + 1):
        acts = [X]
        for k, w in enumerate(weights):
            z = acts[-1] @ w[:, 1:].T + w[:, 0]
            acts.append(np.tanh(z) if k < len(weights) - 1 else 1 / (1 + np.exp(-z)))
        p = acts[-1][:, 0]
        loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        if t == steps:
            return float(loss)
        g = ((p - y) / n)[:, None]
        for k in range(len(weights) - 1, -1, -1):
            grad = np.empty_like(weights[k])
            grad[:, 0] = g.sum(axis=0)
            grad[:, 1:] = g.T @ acts[k]
            g = (g @ weights[k][:, 1:]) * (1 - acts[k] ** 2) if k else g
            m[k] = b1 * m[k] + (1 - b1) * grad
            v[k] = b2 * v[k] + (1 - b2) * grad * grad
            weights[k] = weights[k] - lr * (m[k] / (1 - b1 ** (t + 1))) / (np.sqrt(v[k] / (1 - b2 ** (t + 1))) + eps)
    return float(loss)


def best_of(run) -> tuple[float, object]:
    times, out = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    print(f"{'run':<44} {'gradviz fit':>12} {'numpy peer':>11} {'ratio':>6}  final loss (gradviz, peer)")
    for layers, name, count, steps, lr in CASES:
        points = dataset(name, count, 0.0, seed=0)
        seconds, done = best_of(lambda: fit(layers, points, activation="tanh", loss="bce", lr=lr, steps=steps,
                                            adam=True))
        start = done.network.values
        weights = [np.array([[start[u.bias], *(start[w] for w in u.weights)]
                             for u in done.network.neurons if u.layer == k]) for k in range(1, len(layers))]
        X = np.array([p for p, _ in points])
        y = np.array([t for _, t in points])
        peer_seconds, peer_loss = best_of(lambda: numpy_peer([w.copy() for w in weights], X, y, steps, lr))
        label = f"{'-'.join(map(str, layers))} {name} {count} points {steps} steps"
        print(f"{label:<44} {seconds:>11.3f}s {peer_seconds:>10.3f}s {seconds / peer_seconds:>6.2f}  "
              f"{done.run.history[-1].loss:.6g}, {peer_loss:.6g}")
    with tempfile.TemporaryDirectory() as out:
        command = ["gradviz", "train", "2-8-8-1", "--data", "spiral", "--steps", "1000", "--adam", "--lr", "0.03",
                   "-o", str(Path(out) / "spiral")]
        start = time.perf_counter()
        subprocess.run([str(Path(sys.executable).parent / command[0]), *command[1:]], check=True, capture_output=True)
        print(f"{' '.join(command[:-2]):<80} {time.perf_counter() - start:.2f}s (the whole command: training, "
              "loss.png, boundary.png, gradients.png, network.png, history.csv)")


if __name__ == "__main__":
    main()
