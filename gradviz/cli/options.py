"""What every command shares: the group whose one error path turns every ``GradvizError`` into
a clean ``Error: …`` exit, reading formulas and ``--at`` values, and the shared options."""

from __future__ import annotations

import functools
import os
import re
import stat
import sys
import warnings
from typing import Any, Callable

import click

from ..errors import GradvizError, ParseError
from ..render.choices import ASPECTS, BASE_FONT_SIZE, LOOKS, RANKDIRS, THEME_NAMES

__all__ = ["CleanError", "Group", "Terminated", "INTERRUPTED",
           "LAYERS", "MINUS_HELP", "positional_last", "parse_at", "read_formula", "at_option",
           "expr_argument", "parse_formula", "force_option", "figure_options", "Number"]


class CleanError(click.ClickException):
    """A ``GradvizError`` shown as one ``Error: …`` message; parse errors exit 2, others 1."""

    def __init__(self, error: GradvizError):
        super().__init__(str(error))
        self.exit_code = 2 if isinstance(error, ParseError) else 1


class Terminated(BaseException):
    """Raised by the SIGTERM handler ``main`` installs, so that a terminated command cleans up as
    an interrupted one does (temporary files removed, Graphviz's child process killed)."""


#: Exit status and message of a command stopped by Ctrl-C (SIGINT) or SIGTERM.
INTERRUPTED = {KeyboardInterrupt: (130, "Interrupted."), Terminated: (143, "Terminated.")}

#: What every command's help adds about formulas that start with a minus.
MINUS_HELP = ("A formula may start with - as typed (gradviz grad \"-y log(p)\" --at y=1,p=0.8); "
              "-- before it works too, anywhere on the line.")
#: A network's layer sizes as ``gradviz params`` reads them: 10000-1000-10, 100x100-1000-10, 100×100-10.
LAYERS = re.compile(r"[0-9]+(?:[x×][0-9]+)*(?:-[0-9]+(?:[x×][0-9]+)*)+")
_LONG_OPTION = re.compile(r"--[A-Za-z][A-Za-z0-9-]*(=.*)?", re.S)


class Group(click.Group):
    """The command group: any ``GradvizError`` a command raises ends as a ``CleanError``, and so
    does an operating system's refusal (a full disk, a file-size limit) met by a library gradviz
    calls; Ctrl-C and SIGTERM end it with one line (exit 130 and 143); a command's argument that
    starts with ``-`` but is no option of it is a formula."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GradvizError as exc:
            raise CleanError(exc) from None
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            raise CleanError(GradvizError(f"the system refused: {exc.strerror or exc}{where}")) from None
        except (KeyboardInterrupt, Terminated) as exc:  # one line, not click's "Aborted!" and exit 1
            status, message = INTERRUPTED[type(exc)]
            click.echo(message, err=True)
            raise click.exceptions.Exit(status) from None

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        """Add ``cmd``; one that takes arguments says in its help how a leading minus is read."""
        takes_formula = any(isinstance(p, click.Argument) and "EXPR" in (p.metavar or "") for p in cmd.params)
        if takes_formula and MINUS_HELP not in (cmd.epilog or ""):
            cmd.epilog = f"{cmd.epilog}\n\n{MINUS_HELP}" if cmd.epilog else MINUS_HELP
        super().add_command(cmd, name)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name, cmd, rest = super().resolve_command(ctx, args)
        return name, cmd, (positional_last(cmd, rest) if cmd is not None else rest)


def positional_last(cmd: click.Command, args: list[str]) -> list[str]:
    """``args`` with the command's options first and its arguments after ``--``.

    An argument is a known option (``--at``, ``-o``, ``--help``, ``--json=…``) with its value,
    a word like ``--jsn`` (left to click, which names the unknown option), ``--`` (the next
    argument is an argument, wherever it stands), or else an argument: ``-y log(p)`` is a formula.
    """
    takes_value = {"-h": False, "--help": False}
    for param in cmd.params:
        if isinstance(param, click.Option):
            for opt in (*param.opts, *param.secondary_opts):
                takes_value[opt] = not (param.is_flag or param.count)
    options: list[str] = []
    positional: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            positional.extend(args[i + 1 : i + 2])
            i += 2
            continue
        option = arg.split("=", 1)[0] if arg.startswith("--") else arg
        if option in takes_value or (arg.startswith("--") and _LONG_OPTION.fullmatch(arg)):
            options.append(arg)
            if takes_value.get(option) and "=" not in arg[len(option):len(option) + 1] and i + 1 < len(args):
                options.append(args[i + 1])
                i += 1
        else:
            positional.append(arg)
        i += 1
    return options + ["--", *positional] if positional else options


class Number(click.ParamType):
    """A training option's number (``--lr``, ``--l2``, …), read and checked by its rule in
    ``networks.options``: the rule ``--grid`` and the Python API use too. A refusal is a
    ``GradvizError``, which the group turns into one ``Error:`` line."""

    name = "number"

    def __init__(self, key: str):
        self.key = key

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from ..networks.options import parse_option  # lazy: `gradviz --help` stays fast

        if isinstance(value, (int, float)):  # a default
            return value
        name = param.opts[0] if param is not None and param.opts else self.key
        return parse_option(self.key, value, name)  # a GradvizError: one "Error: --lr must be …" line

    def get_metavar(self, param: click.Parameter, *args: Any, **kwargs: Any) -> str:  # click ≥ 8.2 passes ctx=
        return "INTEGER" if self.key in ("steps", "batch_size", "patience", "hidden", "seed") else "FLOAT"


def parse_at(pairs: tuple[str, ...]) -> dict[str, str] | None:
    """``("θ1=2,θ2=-1", "x=3")`` → ``{"θ1": "2", "θ2": "-1", "x": "3"}`` (values stay text)."""
    if not pairs:
        return None
    out: dict[str, str] = {}
    for pair in pairs:
        for item in re.split("[,;]", pair):
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
                         help="Input values, e.g. --at θ1=2,θ2=-1 --at x=3 (or ; between them; aliases like theta1 work).")
expr_argument = click.argument("expr", metavar="EXPR")
digits_option = click.option("--digits", type=click.IntRange(1, 15), default=None,
                             help="Significant digits of every number shown: nodes, edges, captions, derivations, "
                                  "reports, rounded half up from the exact value (default 3; a caption's factors get "
                                  "more where needed for their product to round to the shown result).")
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
        digits_option,
    ]

    @functools.wraps(command)
    def run(*args: Any, aspect: str, look: str, font_size: float, rankdir: str, theme: str, digits: int | None,
            **kwargs: Any) -> Any:
        from ..render.style import Style  # lazy: `gradviz --help` stays fast (it is light, but keeps the rule)
        from ..text.numbers import digits as shown_to  # lazy: as above

        style = Style(theme=theme, font_size=font_size, rankdir=rankdir, look=look, aspect=aspect)
        if digits is None:
            return command(*args, style=style, **kwargs)
        with shown_to(digits):
            return command(*args, style=style, **kwargs)

    for option in reversed(options):
        run = option(run)
    return run


def parse_formula(expr: str) -> Any:
    """EXPR (text, @FILE or -) parsed into a graph; the command's ``--at`` names give a sum
    without bounds (``\\sum_i y_i``) its range; a parse error in a file quotes only the few
    characters around the problem."""
    from ..api import parse  # here, not at the top: `gradviz --help` must not load sympy

    ctx = click.get_current_context(silent=True)
    text = read_formula(expr)
    try:
        with warnings.catch_warnings(record=True) as said:  # sigmod read as s·i·g·m·o·d: said on stderr
            warnings.simplefilter("always")
            graph = parse(text, parse_at(ctx.params.get("at") or ()) if ctx is not None else None)
        for warning in said:
            click.echo(f"Warning: {warning.message}", err=True)
        return graph
    except ParseError as exc:
        if text is expr:
            raise
        raise ParseError(exc.message, exc.source, exc.line, exc.column, exc.length, window=FILE_WINDOW) from None
