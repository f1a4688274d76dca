"""The command line: ``gradviz grad`` and friends. Turns ``GradvizError`` into a clean exit."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from . import __version__
from .errors import GradvizError, ParseError

__all__ = ["main", "cli"]

LECTURE_EXAMPLE = "(θ1θ2x − y)²"


class CleanError(click.ClickException):
    """A ``GradvizError`` shown as one ``Error: …`` message; parse errors exit 2, others 1."""

    def __init__(self, error: GradvizError):
        super().__init__(str(error))
        self.exit_code = 2 if isinstance(error, ParseError) else 1


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


def _read_formula(expr: str) -> str:
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gradviz")
def cli() -> None:
    """gradviz — backpropagation made visible.

    Write a formula as on a slide; gradviz builds its computational graph, computes the
    forward values, walks the chain rule backwards and shows every step.

    \b
    Examples:
      gradviz grad "(θ1θ2x − y)²" --at θ1=2,θ2=-1,x=3,y=1
      gradviz grad "a = θ1 θ2; b = a x; c = b − y; L = c²" --at theta1=2,theta2=-1,x=3,y=1 --json

    EXPR is a formula, @FILE to read one from a file, or - for standard input.
    """


@cli.command()
@expr_argument
@at_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--exact", is_flag=True, help="Compute with exact rationals instead of floats.")
def grad(expr: str, at: tuple[str, ...], as_json: bool, exact: bool) -> None:
    """Gradients of EXPR with respect to every input, symbolic and (with --at) numeric.

    \b
    Example:
      gradviz grad "(θ1θ2x − y)²" --at θ1=2,θ2=-1 --at x=3 --at y=1
    """
    from .report import grad_json, grad_table

    graph = _parse(_read_formula(expr))
    result = _run(lambda: graph.backward(parse_at(at), exact=exact))
    if as_json:
        import json

        click.echo(json.dumps(grad_json(result), ensure_ascii=False, indent=2))
    else:
        click.echo(grad_table(result))


def _parse(text: str):
    from . import parse

    return _run(lambda: parse(text))


def _run(thunk):
    try:
        return thunk()
    except GradvizError as exc:
        raise CleanError(exc) from None


def main(argv: list[str] | None = None) -> Any:
    """Console entry point; unexpected internal errors become one line (GRADVIZ_DEBUG=1 shows them)."""
    try:
        return cli.main(args=argv, prog_name="gradviz", standalone_mode=True)
    except Exception as exc:  # noqa: BLE001 - last line of defence against tracebacks
        if os.environ.get("GRADVIZ_DEBUG"):
            raise
        click.echo(f"Error: internal error ({type(exc).__name__}: {exc}); "
                   "please report it with the formula (GRADVIZ_DEBUG=1 shows the traceback)", err=True)
        sys.exit(3)

