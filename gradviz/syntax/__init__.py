"""Textbook formula syntax: ``parse`` text into a ``Graph`` and ``to_text`` a graph back."""

from .parser import parse
from .printer import to_text

__all__ = ["parse", "to_text"]
