"""What every command shares: the group whose one error path turns every ``GradvizError`` into
a clean ``Error: …`` exit, reading formulas and ``--at`` values, and the shared options."""

from __future__ import annotations

import functools
import sys
from typing import Any, Callable

import click

from ..errors import GradvizError, ParseError
from ..render.choices import ASPECTS, BASE_FONT_SIZE, LOOKS, RANKDIRS, THEME_NAMES

__all__ = ["CleanError", "Group", "parse_at", "read_formula", "at_option", "expr_argument", "parse_formula",
           "force_option", "figure_options"]


class CleanError(click.ClickException):
    """A ``GradvizError`` shown as one ``Error: …`` message; parse errors exit 2, others 1."""

    def __init__(self, error: GradvizError):
        super().__init__(str(error))
        self.exit_code = 2 if isinstance(error, ParseError) else 1


class Group(click.Group):
    """The command group: any ``GradvizError`` a command raises ends as a ``CleanError``."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GradvizError as exc:
            raise CleanError(exc) from None


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


def figure_options(command: Callable) -> Callable:
    """The figure settings every figure-making command takes, passed on as one ``style``."""
    options = [
        click.option("--aspect", type=click.Choice(tuple(ASPECTS)), default="16:9", show_default=True,
                     help="The slide the figure is fitted into: look and orientation are chosen for the largest "
                          "text on it (none: natural size, no fitting)."),
        click.option("--look", type=click.Choice(LOOKS), default="auto", show_default=True,
                     help="boxes: equation, value and gradient in each node, local derivatives on the edges; "
                          "gates: operator, value and gradient, compact; paired: value │ gradient in one row; "
                          "auto: boxes when they fit, else the most readable."),
        click.option("--font-size", type=click.FloatRange(4, 72), default=BASE_FONT_SIZE, show_default=True,
                     help="Text size in points; the whole figure scales with it."),
        click.option("--rankdir", type=click.Choice(RANKDIRS), default="auto", show_default=True,
                     help="LR: inputs left, output right (the slides); TB: top to bottom; auto: what fits."),
        click.option("--theme", type=click.Choice(THEME_NAMES), default="light", show_default=True,
                     help="light, dark (for dark slides) or print (black and white)."),
    ]

    @functools.wraps(command)
    def run(*args: Any, aspect: str, look: str, font_size: float, rankdir: str, theme: str, **kwargs: Any) -> Any:
        from ..render.style import Style  # lazy: `gradviz --help` stays fast (it is light, but keeps the rule)

        style = Style(theme=theme, font_size=font_size, rankdir=rankdir, look=look, aspect=aspect)
        return command(*args, style=style, **kwargs)

    for option in reversed(options):
        run = option(run)
    return run


def parse_formula(expr: str) -> Any:
    """EXPR (text, @FILE or -) parsed into a graph."""
    from ..api import parse  # here, not at the top: `gradviz --help` must not load sympy

    return parse(read_formula(expr))
