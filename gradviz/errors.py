"""The errors gradviz raises: every one is a ``ValueError`` with a readable message."""

from __future__ import annotations

__all__ = ["GradvizError", "ParseError", "EvaluationError", "name_list"]

_WINDOW = 72  # characters of a source line shown around an error
_LISTED = 12  # names an error message lists before "… and N more"


def name_list(names) -> str:
    """Names for an error message, at most a dozen: ``x0, x1, …, x11 and 1,988 more``."""
    names = list(names)
    if len(names) <= _LISTED:
        return ", ".join(names)
    return f"{', '.join(names[:_LISTED])} and {len(names) - _LISTED:,} more"


class GradvizError(ValueError):
    """Base class of every error gradviz raises on bad input."""


class ParseError(GradvizError):
    """Malformed formula text; knows where (1-based line and column) and shows a caret."""

    def __init__(self, message: str, source: str, line: int, column: int, length: int = 1):
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.length = max(1, length)
        super().__init__(self._render())

    @property
    def line_text(self) -> str:
        """The source line the error points into."""
        lines = self.source.splitlines() or [""]
        return lines[self.line - 1] if 0 < self.line <= len(lines) else ""

    def _render(self) -> str:
        text, start = self.line_text, 0
        if len(text) > _WINDOW:  # show a window of a long line around the column
            start = max(0, min(self.column - 1 - _WINDOW // 2, len(text) - _WINDOW))
            text = text[start : start + _WINDOW]
        offset = self.column - 1 - start
        width = min(self.length, max(1, len(text) - offset))
        caret = " " * offset + "^" * width
        return f"{self.message} (line {self.line}, column {self.column})\n  {text}\n  {caret}"


class EvaluationError(GradvizError):
    """A numeric problem at one node of the graph (domain error, overflow, missing input)."""

    def __init__(self, message: str, node: str | None = None):
        self.message = message
        self.node = node
        super().__init__(message)
