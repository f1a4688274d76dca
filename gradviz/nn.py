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

import inspect
from dataclasses import replace
from functools import wraps
from typing import Any, Callable, Sequence

from .api import Graph
from .ir.arguments import checked
from .networks import network as _network
from .networks.datasets import DATASETS
from .networks.datasets import dataset as _dataset
from .networks.descent import descend as _descend
from .networks.network import ACTIVATIONS, LOSSES, XOR_BREAKOUT_DATA, XOR_DATA, XOR_RELU_WEIGHTS, Network, Neuron, check_size
from .networks.options import check_layers
from .networks.playground import DEFAULT_FRAMES, Playground
from .networks.playground import playground as _playground
from .networks.training import Fit
from .networks.training import fit as _fit
from .networks.training import grid_search as _grid_search
from .outputs.playground import write_playground as _write_playground

__all__ = ["Network", "Neuron", "ACTIVATIONS", "LOSSES", "XOR_DATA", "neuron", "perceptron", "mlp", "xor_network",
           "count_parameters", "parse_layers", "param_name", "descend", "fit", "Fit", "grid_search", "quadrants",
           "XOR_RELU_WEIGHTS", "XOR_BREAKOUT_DATA", "one_hot_vectors", "playground", "Playground", "write_playground",
           "dataset", "DATASETS"]


def _with_verbs(build: Callable[..., Network]) -> Callable[..., Network]:
    """``build``, its arguments checked, whose network's graph is a ``gradviz.Graph``."""
    @wraps(build)
    def built(*args: Any, **kwargs: Any) -> Network:
        net = build(*args, **kwargs)
        return replace(net, graph=Graph.of(net.graph))
    return checked(built)


@wraps(_network.mlp)
def _sized_mlp(layers: Sequence[int], *args: Any, **kwargs: Any) -> Network:
    """``networks.mlp`` after the size check ``gradviz net`` makes: too big to build is refused at once."""
    bound = _MLP.bind(check_layers(layers), *args, **kwargs)
    bound.apply_defaults()
    given = bound.arguments
    check_size(given["layers"], len(given["data"] or ()) or 1, given["activation"], given["loss"],
               expanded=given["expanded"], autoencoder=given["autoencoder"], masks=given["masks"], noise=given["noise"])
    return _network.mlp(*bound.args, **bound.kwargs)


_MLP = inspect.signature(_network.mlp)
neuron = _with_verbs(_network.neuron)
perceptron = _with_verbs(_network.perceptron)
mlp = _with_verbs(_sized_mlp)
xor_network = _with_verbs(_network.xor_network)
count_parameters = checked(_network.count_parameters)
parse_layers = checked(_network.parse_layers)
param_name = checked(_network.param_name)
quadrants = checked(_network.quadrants)
one_hot_vectors = checked(_network.one_hot_vectors)
descend = checked(_descend)
fit = checked(_fit)
grid_search = checked(_grid_search)
dataset = checked(_dataset)


@checked
def playground(fitted: Fit, frames: int = DEFAULT_FRAMES, heading: str = "") -> Playground:
    return _playground(fitted, frames, heading)


playground.__doc__ = _playground.__doc__  # its hint of Fit, which networks.playground names only for type checkers
write_playground = checked(_write_playground)
