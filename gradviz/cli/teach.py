"""Teaching material from the command line: ``gradviz slides`` (a Beamer or PowerPoint deck), ``gradviz gif``
(an animation), ``gradviz html`` (a self-contained step player), and the options they share
with ``gradviz render``: ``--blank`` (an exercise and its answer key) and ``--wrt`` (the paths
to one input highlighted, the derivation of its gradient alone).

Imports only click at start-up; everything heavy is imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

from ..outputs.exercise import BLANK_CHOICES
from ..render.choices import MODES, RENDERERS
from .options import at_option, expr_argument, figure_options, force_option, parse_at, parse_formula

__all__ = ["slides", "gif", "html", "blank_option", "wrt_option", "renderer_option", "teaching_result", "with_answer_key",
           "ANSWER_KEY", "mode_option", "moded_result", "moded_wrt_option"]

ANSWER_KEY = "answer-key"  # the sub-folder with the full frames and derivation of an exercise

blank_option = click.option(
    "--blank", type=click.Choice(BLANK_CHOICES),
    help=f"Exercise: replace forward values, gradients or both by blanks to fill in; the answer key "
         f"(full frames and derivation) goes to OUTPUT/{ANSWER_KEY}/.")
_WRT_HELP = "Highlight the paths from the output to INPUT (others faded) and derive its gradient alone."
wrt_option = click.option("--wrt", metavar="INPUT", help=_WRT_HELP)
moded_wrt_option = click.option("--wrt", metavar="INPUT",
                                help=_WRT_HELP + " With --mode forward: the input the tangents start from.")
mode_option = click.option(
    "--mode", type=click.Choice(MODES), default="reverse", show_default=True,
    help="reverse: the backward steps from the output; forward: the tangents ∂·/∂INPUT pushed from the input "
         "--wrt names, one frame per node, ending with the cost of each mode.")
renderer_option = click.option("--renderer", type=click.Choice(RENDERERS), default="auto",
                               show_default=True, help="Graphviz in-process (pygraphviz) or the system dot program.")


def teaching_result(expr: str, at: tuple[str, ...], wrt: str | None, *, need_values: bool = False
                    ) -> tuple[Any, str | None]:
    """EXPR parsed and run at ``--at``, and ``--wrt`` as the canonical input name (clean exits)."""
    from ..eval.inputs import input_name  # lazy: `gradviz --help` stays fast

    graph = parse_formula(expr)
    values = parse_at(at)
    if need_values and values is None:
        raise click.UsageError("an exercise (--blank) needs the inputs' values: give them with --at")
    result = graph.backward(values)
    return result, (input_name(graph, wrt) if wrt is not None else None)


def moded_result(expr: str, at: tuple[str, ...], wrt: str | None, mode: str, *, need_values: bool = False
                 ) -> tuple[Any, str | None, Any]:
    """``teaching_result`` and, with ``--mode forward``, forward mode from the input ``--wrt`` names
    (then the returned ``wrt``, which would fade the figure, is None)."""
    if mode == "forward" and wrt is None:
        raise click.UsageError("--mode forward needs the input to differentiate by: --wrt INPUT")
    result, wrt = teaching_result(expr, at, wrt, need_values=need_values)
    if mode != "forward":
        return result, wrt, None
    from ..eval.tangents import tangents  # lazy: `gradviz --help` stays fast

    return result, None, tangents(result, wrt)


def with_answer_key(result: Any, blank: str | None, out_dir: str, force: bool,
                    build: Callable[[Any, Any, bool], Any]) -> Any:
    """``build(result, folder, derivation)`` into ``out_dir``; with ``blank`` the questions (blanked,
    without derivation) go there and the full version into ``out_dir/answer-key``. Every file of
    both is checked before the first is written."""
    from ..outputs.folder import OutputFolder  # lazy: `gradviz --help` stays fast

    out = OutputFolder(out_dir, force=force)
    with out.batch():
        if blank is None:
            return build(result, out, True)
        from ..outputs.exercise import blanked  # lazy: `gradviz --help` stays fast

        done = build(blanked(result, blank), out, False)
        build(result, out.sub(ANSWER_KEY), True)
        return done


def _key_note(blank: str | None, out_dir: str) -> str:
    return f"; answer key in {Path(out_dir) / ANSWER_KEY}" if blank else ""


@click.command()
@expr_argument
@at_option
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for slides.tex (or slides.pptx), one PDF (PNG) per frame, manifest.json and the "
                   "derivation.")
@click.option("--format", "fmt", type=click.Choice(["beamer", "pptx"]), default="beamer", show_default=True,
              help="beamer: slides.tex for pdflatex; pptx: slides.pptx for PowerPoint, Keynote or Impress.")
@blank_option
@wrt_option
@renderer_option
@figure_options
@force_option
def slides(expr: str, at: tuple[str, ...], out_dir: str, fmt: str, blank: str | None, wrt: str | None,
           renderer: str, force: bool, style: Any) -> None:
    """A deck for EXPR: the frames one after the other, the step's equations under the figure,
    then the derivation. Beamer (slides.tex, compile with pdflatex) or PowerPoint (slides.pptx).

    \b
    Example:
      gradviz slides "(θ1θ2x − y)²" --at θ1=2,θ2=-1,x=3,y=1 -o deck/ && cd deck && pdflatex slides.tex
      gradviz slides "(θ1θ2x − y)²" --at θ1=2,θ2=-1,x=3,y=1 -o deck/ --format pptx
    """
    result, wrt = teaching_result(expr, at, wrt, need_values=blank is not None)
    if fmt == "pptx":
        from ..outputs.powerpoint import write_pptx  # lazy: `gradviz --help` stays fast

        deck = with_answer_key(result, blank, out_dir, force, lambda r, folder, derivation: write_pptx(
            r, folder, renderer=renderer, wrt=wrt, derivation=derivation, style=style))
        click.echo(f"{deck.pptx} with {len(deck.export.files)} frames{_key_note(blank, out_dir)}")
        return
    from ..outputs.slides import write_slides  # lazy: `gradviz --help` stays fast

    deck = with_answer_key(result, blank, out_dir, force, lambda r, folder, derivation: write_slides(
        r, folder, renderer=renderer, wrt=wrt, derivation=derivation, style=style))
    click.echo(f"{deck.tex} with {len(deck.export.files)} frames (compile with: cd {deck.tex.parent} && "
               f"pdflatex slides.tex){_key_note(blank, out_dir)}")


@click.command()
@expr_argument
@at_option
@click.option("-o", "--output", "out_file", required=True, type=click.Path(dir_okay=False),
              help="The GIF file to write (name ending in .gif).")
@moded_wrt_option
@mode_option
@renderer_option
@figure_options
@force_option
def gif(expr: str, at: tuple[str, ...], out_file: str, wrt: str | None, mode: str, renderer: str, force: bool,
        style: Any) -> None:
    """An animated GIF of EXPR's frames, looping, a readable 1200 pixels wide.

    \b
    Example:
      gradviz gif "(θ1θ2x − y)²" --at θ1=2,θ2=-1,x=3,y=1 -o backprop.gif
      gradviz gif "(θ1θ2x − y)²" --at θ1=2,θ2=-1,x=3,y=1 --mode forward --wrt θ1 -o forward.gif
    """
    from ..outputs.gif import write_gif  # lazy: `gradviz --help` stays fast

    result, wrt, tangents = moded_result(expr, at, wrt, mode)
    path = write_gif(result, out_file, renderer=renderer, wrt=wrt, force=force, style=style, tangents=tangents)
    click.echo(f"animation in {path}")


@click.command()
@expr_argument
@at_option
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for index.html.")
@blank_option
@wrt_option
@renderer_option
@figure_options
@force_option
def html(expr: str, at: tuple[str, ...], out_dir: str, blank: str | None, wrt: str | None, renderer: str,
         force: bool, style: Any) -> None:
    """A self-contained web page that steps through EXPR's frames (buttons or arrow keys),
    every figure inline: no network, no external files.

    \b
    Example:
      gradviz html "(θ1θ2x − y)²" --at θ1=2,θ2=-1,x=3,y=1 -o site/
    """
    from ..outputs.player import write_player  # lazy: `gradviz --help` stays fast

    result, wrt = teaching_result(expr, at, wrt, need_values=blank is not None)
    page = with_answer_key(result, blank, out_dir, force, lambda r, folder, derivation: write_player(
        r, folder, renderer=renderer, wrt=wrt, style=style))
    click.echo(f"step player in {page}{_key_note(blank, out_dir)}")
