"""gradviz: backpropagation made visible — formulas to graphs, chain-rule steps and figures.

Imports are lazy so that ``gradviz --help`` starts without loading sympy or networkx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import EvaluationError, GradvizError, ParseError

__version__ = "0.1.0"
_BUILD = ("Expr", "var", "param", "trace", "exp", "log", "sqrt", "sigmoid", "tanh", "relu", "leaky_relu",
          "softplus", "gelu", "sin", "cos")
__all__ = ["parse", "Graph", "Step", "BackwardResult", "Style", "Derivation", *_BUILD,
           "GradvizError", "ParseError", "EvaluationError", "__version__"]

if TYPE_CHECKING:
    from .backward import BackwardResult, Step
    from .build import Expr, cos, exp, gelu, leaky_relu, log, param, relu, sigmoid, sin, softplus, sqrt, tanh, trace, var
    from .graph import Graph
    from .notebook import Derivation
    from .style import Style


def parse(text: str) -> "Graph":
    """Parse a formula or program in textbook syntax into a computational graph."""
    from .syntax import parse as _parse

    if not isinstance(text, str):
        raise GradvizError(f"parse() takes the formula as a str, not {type(text).__name__}")
    return _parse(text)


_LAZY = {"Graph": "graph", "Step": "backward", "BackwardResult": "backward", "Style": "style",
         "Derivation": "notebook", **{name: "build" for name in _BUILD}}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'gradviz' has no attribute {name!r}")
