"""The command line: ``gradviz grad``, ``gradviz render`` and the commands of the other modules.

Every module here imports only click at start-up, so ``gradviz --help`` stays fast.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

import click

from .. import __version__
from ..render.choices import FORMATS, FRAME_CHOICES
from .nets import descend, gallery, net, params, train
from .options import (Group, Terminated, at_option, digits_option, expr_argument, figure_options, force_option, parse_at,
                      parse_formula)
from .teach import (
    ANSWER_KEY,
    blank_option,
    explore,
    gif,
    html,
    mode_option,
    moded_result,
    moded_wrt_option,
    renderer_option,
    slides,
    with_answer_key,
)

__all__ = ["main", "cli"]


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gradviz")
def cli() -> None:
    """gradviz — backpropagation made visible.

    Write a formula as on a slide; gradviz builds its computational graph, computes the
    forward values, walks the chain rule backwards and shows every step.

    \b
    Examples:
      gradviz grad "(θ1θ2x − y)²" --at θ1=2,θ2=-1,x=3,y=1
      gradviz grad "a = θ1 θ2; b = a x; c = b − y; L = c²" --at theta1=2,theta2=-1,x=3,y=1 --json
      gradviz render "(θ1θ2x − y)²" --at θ1=2,θ2=-1,x=3,y=1 -o out --format png
      gradviz html "σ(w x + b0)" --at w=0.5,x=2,b0=-1 -o page/
      gradviz explore "(θ1θ2x − y)²" --at θ1=2,θ2=-1,x=3,y=1 -o out

    EXPR is a formula, @FILE to read one from a file, or - for standard input. A formula may
    start with a minus as typed ("-y log(p)"); -- before it works too, anywhere.
    """


@cli.command()
@expr_argument
@at_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--exact", is_flag=True, help="Compute with exact rationals instead of floats.")
@click.option("--all", "every_line", is_flag=True, help="Every line of a big report (by default at most "
              "40 lines per section).")
@click.option("--check", is_flag=True, help="Check every gradient against sympy.diff and a central difference "
              "(exit status 1 on a mismatch).")
@digits_option
def grad(expr: str, at: tuple[str, ...], as_json: bool, exact: bool, every_line: bool, check: bool,
         digits: int | None) -> None:
    """Gradients of EXPR with respect to every input, symbolic and (with --at) numeric.

    \b
    Example:
      gradviz grad "(θ1θ2x − y)²" --at θ1=2,θ2=-1 --at x=3 --at y=1
    """
    from ..text.numbers import digits as shown_to  # lazy: `gradviz --help` stays fast
    from ..text.numbers import shown_digits  # lazy: `gradviz --help` stays fast

    if check and not at:
        raise click.UsageError("--check needs the point: --at name=value,…")
    graph = parse_formula(expr)
    result = graph.backward(parse_at(at), exact=exact)
    from ..outputs.check import check_json, check_table, gradient_check  # here: a refused input is said
    from ..outputs.report import REPORT_ROWS, grad_json, grad_table  # before sympy loads

    rows = gradient_check(result) if check else None
    if as_json:
        import json

        data = grad_json(result) | ({"check": check_json(rows)} if rows is not None else {})
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        with shown_to(digits or shown_digits()):
            click.echo(grad_table(result, rows=None if every_line else REPORT_ROWS))
            if rows is not None:
                click.echo("\n" + check_table(rows))
    if rows is not None and any(r.verdict == "mismatch" for r in rows):
        raise SystemExit(1)


@cli.command()
@expr_argument
@at_option
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for the frames, manifest.json, derivation.md and derivation.tex.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="svg", show_default=True)
@click.option("--dpi", type=click.IntRange(10, 2400), help="Resolution of png frames (default 150, lowered when the frames "
              "would pass the budget of 100 million pixels in all).")
@click.option("--frames", "which", type=click.Choice(FRAME_CHOICES), default="all", show_default=True,
              help="Every step, or only the final frame with all gradients.")
@mode_option
@renderer_option
@blank_option
@moded_wrt_option
@click.option("--derivation-pictures", "pictures", is_flag=True,
              help="Also typeset the derivation as pictures when the frames are SVG (png frames always get them: "
                   "derivation*.png, to paste into PowerPoint or Keynote).")
@figure_options
@force_option
def render(expr: str, at: tuple[str, ...], out_dir: str, fmt: str, dpi: int | None, which: str, mode: str,
           renderer: str, blank: str | None, wrt: str | None, pictures: bool, force: bool, style: Any) -> None:
    """Draw every backward step of EXPR as a figure, one frame per step (--mode forward: every
    forward-mode step from the input --wrt names).

    Without --at the frames tell the symbolic story only.

    \b
    Example:
      gradviz render "(θ1θ2x − y)²" --at θ1=2,θ2=-1,x=3,y=1 -o out/ --format png
      gradviz render "(θ1θ2x − y)²" --at θ1=2,θ2=-1,x=3,y=1 --mode forward --wrt θ1 -o fwd/
    """
    from ..outputs.export import export  # lazy: `gradviz --help` stays fast
    from ..outputs.mathimages import PICTURE_NODE_LIMIT  # lazy: `gradviz --help` stays fast

    if mode == "forward" and (blank is not None or pictures):
        raise click.UsageError(f"{'--blank' if blank else '--derivation-pictures'} applies to --mode reverse only")
    result, wrt, tangents = moded_result(expr, at, wrt, mode, need_values=blank is not None)
    done = with_answer_key(result, blank, out_dir, force, lambda r, folder, derivation: export(
        r, folder, format=fmt, dpi=dpi, which=which, renderer=renderer, wrt=wrt, derivation=derivation,
        images=pictures or fmt == "png", style=style, tangents=tangents))
    count = len(done.files)
    files = "manifest.json" if blank else "manifest.json, derivation.md, derivation.tex"
    files += f", the derivation as {len(done.images)} pictures for slides (derivation*.{fmt})" if done.images else ""
    if (pictures or fmt == "png") and not done.images and mode == "reverse" and not blank:
        files += f"; no derivation pictures: the graph has over {PICTURE_NODE_LIMIT} nodes"
    key = f"; answer key in {done.folder / ANSWER_KEY}" if blank else ""
    click.echo(f"{count} frame{'s' if count != 1 else ''} in {done.folder} ({files}); final frame: {done.final}{key}")


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--notebooks", is_flag=True,
              help="Write a JupyterLite site instead: notebooks in the browser with gradviz ready and a sample "
                   "notebook (needs pip install 'gradviz[lite]'; serve it over http).")
@click.option("--contents", type=click.Path(exists=True), multiple=True, metavar="PATH",
              help="With --notebooks: notebooks and files to list in the site beside the sample notebook "
                   "(a folder's whole tree, or one file); repeatable.")
@force_option
def site(folder: str, notebooks: bool, contents: tuple[str, ...], force: bool) -> None:
    """Write a static web page into FOLDER that runs gradviz in the browser: formula box, frames,
    derivation and explorer, with nothing to install. It opens from file://, from any static
    host (a course page, GitHub Pages) and offline.

    The first build downloads pinned versions of the Python runtime compiled to WebAssembly
    (Pyodide), Graphviz compiled to WebAssembly and the pure-Python wheels, checks their SHA-256
    and keeps them in a cache folder (GRADVIZ_CACHE, else ~/.cache/gradviz); it needs npm, node
    and pip. Later builds use the cache.

    With --notebooks the folder is a JupyterLite site instead, whose notebooks run gradviz in the
    browser and show its figures inline (a course adds its own with --contents); it needs a web
    server (any static host), not file://.

    \b
    Examples:
      gradviz site public/  # prints "open public/index.html"
      gradviz site lite/ --notebooks  # prints "serve it over http"
    """
    if contents and not notebooks:
        raise click.UsageError("--contents lists files in the notebook site: add --notebooks")
    if notebooks:
        from ..outputs.lite import SAMPLE, build_notebook_site  # lazy: `gradviz --help` stays fast

        done = build_notebook_site(folder, contents=contents, force=force)
        click.echo(f"notebook site in {done.folder} ({len(done.sizes)} files, {done.total / 1e6:.1f} MB): serve it "
                   f"over http (python -m http.server -d {done.folder}) and open notebooks/index.html?path={SAMPLE}")
        return
    from ..outputs.site import build_site  # lazy: `gradviz --help` stays fast

    done = build_site(folder, force=force)
    click.echo(f"site in {done.folder} ({len(done.sizes)} files, {done.total / 1e6:.1f} MB): "
               f"open {done.folder / 'index.html'}")


def main(argv: list[str] | None = None) -> Any:
    """Console entry point; unexpected internal errors become one line (GRADVIZ_DEBUG=1 shows them),
    and SIGTERM stops a command as Ctrl-C does, cleaning up (exit 143)."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return cli.main(args=argv, prog_name="gradviz", standalone_mode=True)
    except Exception as exc:  # noqa: BLE001 - last line of defence against tracebacks
        if os.environ.get("GRADVIZ_DEBUG"):
            raise
        click.echo(f"Error: internal error ({type(exc).__name__}: {exc}); "
                   "please report it with the formula (GRADVIZ_DEBUG=1 shows the traceback)", err=True)
        sys.exit(3)


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated()


for _command in (net, params, descend, train, gallery, slides, gif, html, explore):
    cli.add_command(_command)
