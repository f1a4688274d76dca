"""The lectures' networks for Python users: ``neuron``, ``perceptron``, ``mlp`` and
``xor_network`` (from ``networks.network``) hand back networks whose graph has the verbs
(``net.graph.backward(...)``, ``net.graph.show()``), ``descend`` runs gradient descent and
``fit`` trains a network (mini-batches, penalties, early stopping, dropout, autoencoders, input
noise; on the vectorised path, at the TensorFlow Playground's sizes; ``dataset`` draws the
Playground's data sets) and ``playground`` draws its training as TensorFlow Playground does, frame by frame
(``write_playground``: a GIF and a page).

>>> from gradviz.nn import XOR_DATA, mlp
>>> net = mlp((2, 2, 1), "tanh", "bce", XOR_DATA)
>>> net.parameter_count, round(net.graph.backward(net.values).value, 4)
(9, 0.701)
"""

from __future__ import annotations

from dataclasses import replace
from functools import wraps
from typing import Any, Callable

from .api import Graph
from .networks import network as _network
from .networks.datasets import DATASETS, dataset
from .networks.descent import descend
from .networks.playground import Playground, playground
from .networks.training import Fit, fit, grid_search
from .outputs.playground import write_playground
from .networks.network import (
    ACTIVATIONS,
    LOSSES,
    XOR_BREAKOUT_DATA,
    XOR_DATA,
    XOR_RELU_WEIGHTS,
    Network,
    Neuron,
    count_parameters,
    one_hot_vectors,
    param_name,
    parse_layers,
    quadrants,
)

__all__ = ["Network", "Neuron", "ACTIVATIONS", "LOSSES", "XOR_DATA", "neuron", "perceptron", "mlp", "xor_network",
           "count_parameters", "parse_layers", "param_name", "descend", "fit", "Fit", "grid_search", "quadrants",
           "XOR_RELU_WEIGHTS", "XOR_BREAKOUT_DATA", "one_hot_vectors", "playground", "Playground", "write_playground",
           "dataset", "DATASETS"]


def _with_verbs(build: Callable[..., Network]) -> Callable[..., Network]:
    """``build`` whose network's graph is a ``gradviz.Graph``."""
    @wraps(build)
    def built(*args: Any, **kwargs: Any) -> Network:
        net = build(*args, **kwargs)
        return replace(net, graph=Graph.of(net.graph))
    return built


neuron = _with_verbs(_network.neuron)
perceptron = _with_verbs(_network.perceptron)
mlp = _with_verbs(_network.mlp)
xor_network = _with_verbs(_network.xor_network)
