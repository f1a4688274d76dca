"""Networks and training: the lectures' networks as scalar graphs (``network``), gradient
descent (``descent``), reports and data of runs (``training``), pictures of runs (``plots``).
Python users take the networks from ``gradviz.nn``, whose graphs have the verbs."""

from .network import (
                      ACTIVATIONS,
                      LOSSES,
                      XOR_DATA,
                      XOR_RELU_WEIGHTS,
                      Network,
                      Neuron,
                      count_parameters,
                      mlp,
                      neuron,
                      param_name,
                      parse_layers,
                      perceptron,
                      quadrants,
                      xor_network,
)

__all__ = ["Network", "Neuron", "ACTIVATIONS", "LOSSES", "XOR_DATA", "neuron", "perceptron", "mlp", "xor_network",
           "count_parameters", "parse_layers", "param_name", "quadrants", "XOR_RELU_WEIGHTS"]
