"""gradviz: backpropagation made visible — formulas to graphs, chain-rule steps and figures.

The names below come from ``gradviz.api`` (and ``gradviz.notebook``) on first use, so that
``gradviz --help`` starts without loading sympy or networkx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import EvaluationError, GradvizError, ParseError

__version__ = "0.1.0"
_FROM_NOTEBOOK = ("Derivation", "browser_setup")
_FROM_API = ("parse", "Graph", "Step", "BackwardResult", "TangentResult", "Style", "Expr", "var", "param", "trace",
             "digits")
__all__ = ["parse", "Graph", "Step", "BackwardResult", "TangentResult", "Style", "Expr", "var", "param", "trace",
           "digits",
           "Derivation", "browser_setup", "GradvizError", "ParseError", "EvaluationError", "__version__"]

if TYPE_CHECKING:
    from .api import BackwardResult, Expr, Graph, Step, Style, TangentResult, digits, param, parse, trace, var
    from .notebook import Derivation, browser_setup


def __getattr__(name: str) -> Any:
    """``parse``, ``Graph``, the builders (``gradviz.tanh``, …) and the rest, loaded when first used."""
    if name in _FROM_NOTEBOOK:
        from . import notebook  # lazy: `gradviz --help` must not load sympy

        return getattr(notebook, name)
    from .ir.ops import OPS  # lazy: only attribute look-ups need the builder names

    if name in _FROM_API or any(name in spec.builders for spec in OPS.values()):
        from . import api  # lazy: `gradviz --help` must not load sympy

        return getattr(api, name)
    raise AttributeError(f"module 'gradviz' has no attribute {name!r}")


def __dir__() -> list[str]:
    from . import api  # lazy: `gradviz --help` must not load sympy

    return sorted([*globals(), *_FROM_API, *_FROM_NOTEBOOK, *api.BUILDERS])
