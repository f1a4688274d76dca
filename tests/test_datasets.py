"""The TensorFlow Playground's data sets: deterministic by seed, the size and balance asked for,
each set shaped as the Playground defines it (checked by a property of its geometry)."""

from __future__ import annotations

import math

import pytest

from gradviz.errors import GradvizError
from gradviz.networks.datasets import DATASETS, dataset


@pytest.mark.parametrize("name", DATASETS)
def test_a_data_set_is_the_same_for_the_same_seed_and_differs_for_another(name) -> None:
    first = dataset(name, 100, 0.2, seed=7)
    assert first == dataset(name, 100, 0.2, seed=7)
    assert first != dataset(name, 100, 0.2, seed=8)
    assert len(first) == 100 and all(len(x) == 2 and t in (0.0, 1.0) for x, t in first)
    if name != "xor-points":  # drawn half a class each (xor-points: labelled by where they fall)
        assert sum(t for _, t in dataset(name, 100, 0.0, seed=7)) == 50


def test_each_set_has_the_playgrounds_shape_without_noise() -> None:
    circle = dataset("circle", 200, 0.0, seed=1)
    assert all((math.hypot(*x) < 2.5) == (t == 1.0) for x, t in circle)
    assert all(math.hypot(*x) <= 5.0 + 1e-9 for x, _ in circle)
    xor = dataset("xor-points", 200, 0.0, seed=1)
    assert all((x[0] * x[1] >= 0) == (t == 1.0) and min(abs(x[0]), abs(x[1])) >= 0.3 for x, t in xor)
    gauss = dataset("gauss", 200, 0.0, seed=1)
    assert all((x[0] + x[1] > 0) == (t == 1.0) for x, t in gauss[:10] + gauss[-10:])
    spiral = dataset("spiral", 200, 0.0, seed=1)
    ones = [x for x, t in spiral if t == 1.0]
    zeros = [x for x, t in spiral if t == 0.0]
    assert all(a == pytest.approx((-b[0], -b[1]), abs=2e-3) for a, b in zip(ones, zeros))  # the second turned by π
    moons = dataset("moons", 200, 0.0, seed=1)
    assert {t for _, t in moons} == {0.0, 1.0}


def test_any_whole_seed_draws_a_set() -> None:
    assert dataset("gauss", 10, 0.1, seed=-3) == dataset("gauss", 10, 0.1, seed=-3) != dataset("gauss", 10, 0.1, seed=3)


@pytest.mark.parametrize("args, fragment", [(("ring", 10), "unknown data set"), (("circle", 7), "even number"),
                                            (("circle", 10, 0.9), "noise of circle")])
def test_bad_requests_are_refused_in_one_line(args, fragment) -> None:
    with pytest.raises(GradvizError, match=fragment):
        dataset(*args)
