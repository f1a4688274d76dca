"""The errors gradviz raises: every one is a ``ValueError`` with a readable message."""

from __future__ import annotations

import unicodedata

__all__ = ["GradvizError", "ParseError", "EvaluationError", "name_list", "visible"]

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

    def __init__(self, message: str, source: str, line: int, column: int, length: int = 1,
                 window: int = _WINDOW // 2):
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.length = max(1, length)
        self.window = window
        super().__init__(self._render())

    @property
    def line_text(self) -> str:
        """The source line the error points into."""
        lines = self.source.splitlines() or [""]
        return lines[self.line - 1] if 0 < self.line <= len(lines) else ""

    def _render(self) -> str:
        text, start, size = self.line_text, 0, 2 * self.window
        if len(text) > size:  # show a window of a long line around the column
            start = max(0, min(self.column - 1 - self.window, len(text) - size))
            text = text[start : start + size]
        offset = self.column - 1 - start
        width = min(self.length, max(1, len(text) - offset))
        shown = [visible(ch) for ch in text]
        caret = " " * sum(map(len, shown[:offset])) + "^" * max(1, sum(map(len, shown[offset:offset + width])))
        return f"{visible(self.message)} (line {self.line}, column {self.column})\n  {''.join(shown)}\n  {caret}"


def visible(text: str) -> str:
    """``text`` with control, format and lone surrogate characters written as escapes (``\\x1b``),
    so that an error message prints, and prints only what it says."""
    return "".join(ch if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
                   else ascii(ch)[1:-1] for ch in text)


class EvaluationError(GradvizError):
    """A numeric problem at one node of the graph (domain error, overflow, missing input)."""

    def __init__(self, message: str, node: str | None = None):
        self.message = message
        self.node = node
        super().__init__(message)
