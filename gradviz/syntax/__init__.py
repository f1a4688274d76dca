"""The front ends: textbook text → IR (``parse``), Python expressions → IR (``python.Expr``),
and a graph back to text that parses to it (``to_text``). Nothing here evaluates user text."""

from .parser import parse
from .printer import to_text

__all__ = ["parse", "to_text"]
