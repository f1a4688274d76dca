"""What every command shares: the group whose one error path turns every ``GradvizError`` into
a clean ``Error: …`` exit, reading formulas and ``--at`` values, and the shared options."""

from __future__ import annotations

import os
import stat
import sys
from typing import Any

import click

from ..errors import GradvizError, ParseError

__all__ = ["CleanError", "Group", "parse_at", "read_formula", "at_option", "expr_argument", "parse_formula",
           "force_option"]


class CleanError(click.ClickException):
    """A ``GradvizError`` shown as one ``Error: …`` message; parse errors exit 2, others 1."""

    def __init__(self, error: GradvizError):
        super().__init__(str(error))
        self.exit_code = 2 if isinstance(error, ParseError) else 1


class Group(click.Group):
    """The command group: any ``GradvizError`` a command raises ends as a ``CleanError``, and so
    does an operating system's refusal (a full disk, a file-size limit) met by a library
    gradviz calls."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GradvizError as exc:
            raise CleanError(exc) from None
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            raise CleanError(GradvizError(f"the system refused: {exc.strerror or exc}{where}")) from None


def parse_at(pairs: tuple[str, ...]) -> dict[str, str] | None:
    """``("θ1=2,θ2=-1", "x=3")`` → ``{"θ1": "2", "θ2": "-1", "x": "3"}`` (values stay text)."""
    if not pairs:
        return None
    out: dict[str, str] = {}
    for pair in pairs:
        for item in pair.split(","):
            if not item.strip():
                continue
            name, eq, value = item.partition("=")
            if not eq or not name.strip() or not value.strip():
                raise click.BadParameter(f"expected name=value, got {item.strip()!r}", param_hint="--at")
            if name.strip() in out:
                raise click.BadParameter(f"{name.strip()} is given twice", param_hint="--at")
            out[name.strip()] = value.strip()
    return out


MAX_FORMULA_BYTES = 1_000_000  # the most a formula file or standard input may hold
FILE_WINDOW = 8  # characters shown each side of a parse error in a formula read from a file


def read_formula(expr: str) -> str:
    """The formula itself, or a file's content with ``@file``, or standard input with ``-``:
    at most ``MAX_FORMULA_BYTES`` of UTF-8 text from a regular file or a stream."""
    if expr == "-":
        return _text(sys.stdin.buffer.read(MAX_FORMULA_BYTES + 1), "standard input")
    if not expr.startswith("@"):
        return expr
    path = expr[1:]
    try:
        mode = os.stat(path).st_mode  # before opening: opening a FIFO would wait for a writer
        if stat.S_ISDIR(mode):
            raise GradvizError(f"cannot read {path}: it is a folder; give a formula file")
        if not stat.S_ISREG(mode):
            raise GradvizError(f"cannot read {path}: not a regular file (a device, FIFO or socket); "
                               "give a formula file, or - for standard input")
        with open(path, "rb") as fh:
            data = fh.read(MAX_FORMULA_BYTES + 1)
    except OSError as exc:
        raise GradvizError(f"cannot read {path}: {exc.strerror or exc}") from None
    return _text(data, path)


def _text(data: bytes, where: str) -> str:
    if len(data) > MAX_FORMULA_BYTES:
        raise GradvizError(f"{where} holds more than {MAX_FORMULA_BYTES // 1_000_000} MB; a formula may be at most "
                           f"{MAX_FORMULA_BYTES:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GradvizError(f"{where} is not UTF-8 text: byte 0x{data[exc.start]:02x} at byte offset {exc.start} "
                           "is not valid UTF-8") from None


at_option = click.option("--at", "at", multiple=True, metavar="NAME=VALUE[,…]",
                         help="Input values, e.g. --at θ1=2,θ2=-1 --at x=3 (aliases like theta1 work).")
expr_argument = click.argument("expr", metavar="EXPR")
force_option = click.option("--force", is_flag=True,
                            help="Overwrite files in the output folder that gradviz did not create.")


def parse_formula(expr: str) -> Any:
    """EXPR (text, @FILE or -) parsed into a graph; a parse error in a file quotes only the few
    characters around the problem."""
    from ..api import parse  # here, not at the top: `gradviz --help` must not load sympy

    text = read_formula(expr)
    try:
        return parse(text)
    except ParseError as exc:
        if text is expr:
            raise
        raise ParseError(exc.message, exc.source, exc.line, exc.column, exc.length, window=FILE_WINDOW) from None
