"""What every command shares: the group whose one error path turns every ``GradvizError`` into
a clean ``Error: …`` exit, reading formulas and ``--at`` values, and the shared options."""

from __future__ import annotations

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


def read_formula(expr: str) -> str:
    """The formula itself, or a file's content with ``@file``, or standard input with ``-``."""
    if expr == "-":
        return sys.stdin.read()
    if expr.startswith("@"):
        try:
            with open(expr[1:], encoding="utf-8") as fh:
                return fh.read()
        except OSError as exc:
            raise click.ClickException(f"cannot read {expr[1:]}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise click.ClickException(f"{expr[1:]} is not UTF-8 text") from None
    return expr


at_option = click.option("--at", "at", multiple=True, metavar="NAME=VALUE[,…]",
                         help="Input values, e.g. --at θ1=2,θ2=-1 --at x=3 (aliases like theta1 work).")
expr_argument = click.argument("expr", metavar="EXPR")
force_option = click.option("--force", is_flag=True,
                            help="Overwrite files in the output folder that gradviz did not create.")


def parse_formula(expr: str) -> Any:
    """EXPR (text, @FILE or -) parsed into a graph."""
    from ..api import parse  # here, not at the top: `gradviz --help` must not load sympy

    return parse(read_formula(expr))
