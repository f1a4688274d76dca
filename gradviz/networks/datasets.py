"""The TensorFlow Playground's data sets, drawn from a seeded numpy ``Generator``: two features on
the Playground's plane (−6…6), class 1 and class 0 in equal numbers (class 1 first), ``noise``
as the Playground's slider (0 to 0.5) except for ``moons``, whose noise is a standard deviation.

- ``circle``: a disc of class 1 (radius < 2.5) inside a ring of class 0 (radius 3.5 to 5); the
  label is the side of radius 2.5 the noisy point falls on.
- ``xor-points``: points of the square, pushed 0.3 off the axes, class 1 where x₁x₂ ≥ 0 (the
  Playground's "exclusive or"; ``xor`` stays the lecture's four points).
- ``gauss``: two Gaussian blobs around (2, 2) (class 1) and (−2, −2) (class 0), their
  standard deviation growing from 0.5 to 4 with the noise.
- ``spiral``: two interleaved spirals, 1.75 turns out to radius 5, the second turned by π.
- ``moons``: two interleaved half circles (scikit-learn's ``make_moons``), scaled by 3 to the plane.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import GradvizError

__all__ = ["DATASETS", "dataset", "MAX_POINTS", "DEFAULT_POINTS"]

DATASETS = ("circle", "xor-points", "gauss", "spiral", "moons")
DEFAULT_POINTS = 200
MAX_POINTS = 10_000
RADIUS = 5.0  # the Playground's plane is −6…6; its data lie within this radius


def _circle(rng: np.random.Generator, half: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    parts, labels = [], []
    for low, high in ((0.0, RADIUS * 0.5), (RADIUS * 0.7, RADIUS)):
        r = rng.uniform(low, high, half)
        angle = rng.uniform(0, 2 * math.pi, half)
        xy = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
        shaken = xy + rng.uniform(-RADIUS, RADIUS, (half, 2)) * noise
        parts.append(xy)
        labels.append((np.hypot(*shaken.T) < RADIUS * 0.5).astype(float))
    return np.concatenate(parts), np.concatenate(labels)


def _xor(rng: np.random.Generator, half: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    xy = rng.uniform(-5, 5, (2 * half, 2))
    xy += np.where(xy > 0, 0.3, -0.3)
    shaken = xy + rng.uniform(-5, 5, xy.shape) * noise
    labels = (shaken[:, 0] * shaken[:, 1] >= 0).astype(float)
    order = np.argsort(-labels, kind="stable")  # class 1 first, as the others
    return xy[order], labels[order]


def _gauss(rng: np.random.Generator, half: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    spread = 0.5 + 3.5 * noise / 0.5
    xy = np.concatenate([rng.normal(centre, spread, (half, 2)) for centre in (2.0, -2.0)])
    return xy, np.repeat([1.0, 0.0], half)


def _spiral(rng: np.random.Generator, half: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    i = np.arange(half)
    parts = []
    for turn in (0.0, math.pi):
        r = i / half * RADIUS
        t = 1.75 * i / half * 2 * math.pi + turn
        parts.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + rng.uniform(-1, 1, (half, 2)) * noise)
    return np.concatenate(parts), np.repeat([1.0, 0.0], half)


def _moons(rng: np.random.Generator, half: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    t = np.linspace(0, math.pi, half)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    xy = np.concatenate([upper, lower]) + rng.normal(0.0, noise, (2 * half, 2))
    return 3 * (xy - [0.5, 0.25]), np.repeat([1.0, 0.0], half)


_MAKERS = {"circle": _circle, "xor-points": _xor, "gauss": _gauss, "spiral": _spiral, "moons": _moons}


def dataset(name: str, points: int = DEFAULT_POINTS, noise: float = 0.0,
            seed: int = 0) -> tuple[tuple[tuple[float, float], float], ...]:
    """The data set ``name`` with ``points`` points (an even number: half each class), drawn
    with ``numpy.random.default_rng(seed mod 2⁶⁴)``: ((x₁, x₂), class) each, coordinates to 3 decimals."""
    if name not in _MAKERS:
        raise GradvizError(f"unknown data set {name!r}; choose one of {', '.join(DATASETS)}")
    if not 2 <= points <= MAX_POINTS or points % 2:
        raise GradvizError(f"--points is an even number from 2 to {MAX_POINTS:,} (half of them each class), "
                           f"not {points}")
    if not 0 <= noise <= (1.0 if name == "moons" else 0.5):
        raise GradvizError(f"the noise of {name} is from 0 to {1.0 if name == 'moons' else 0.5}, not {noise}")
    xy, labels = _MAKERS[name](np.random.default_rng(seed % 2**64), points // 2, noise)  # any int, negatives too
    return tuple(((round(float(x), 3), round(float(y), 3)), float(label)) for (x, y), label in zip(xy, labels))
