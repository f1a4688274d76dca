"""The IR at the bottom of gradviz: the graph as plain data and the op specs. Imports nothing above it."""

from .graph import CONSTANT_SYMBOLS, OUTPUT_NAME, Graph, GraphBuilder, Node
from .numbers import exact, format_number
from .ops import OPS, EvaluationDomainError, OpSpec, Param, Precedence

__all__ = ["Node", "Graph", "GraphBuilder", "OUTPUT_NAME", "CONSTANT_SYMBOLS", "OPS", "OpSpec", "Param",
           "Precedence", "EvaluationDomainError", "exact", "format_number"]
