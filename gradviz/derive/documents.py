"""``derivation.md`` and ``derivation.tex``: the lecture's derivation (``lecture.lecture``) as
Markdown with ``$…$`` math and as a standalone LaTeX document. Everything is written by the
LaTeX target, which produces ASCII and escapes whatever a name holds, so a name cannot inject
TeX or Markdown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..eval.backward import Backward
from ..eval.inputs import input_name
from ..eval.tangents import Tangents
from ..text.lines import Name, NodeText, Number, Relation, Sentence, piece, shown_sides, write
from ..text.targets import LATEX
from .lecture import cost_lines, lecture, tangent_lines

__all__ = ["ALIGN_PER_ROW", "PREAMBLE", "align", "align_block", "align_rows", "derivation_latex", "derivation_markdown", "sections",
           "tangent_latex", "tangent_markdown", "tangent_sections",
           "title_relation"]

#: What every LaTeX document gradviz writes needs: amsmath, and MathJax's \lt and \gt (names are
#: written with them, so that the same math is safe in a Markdown cell).
PREAMBLE = (r"\usepackage{amsmath}", r"\providecommand{\lt}{<}", r"\providecommand{\gt}{>}")

ALIGN_PER_ROW = 4  # right-hand sides on one row of an align* before it continues


def title_relation(result: Backward) -> Relation:
    """``L = (θ1θ2x − y)²``: the output as the user typed it (in the inputs and the user's names)."""
    graph = result.graph
    return Relation((Name(graph.output), NodeText(graph, graph.output_id, "typed")))


def sections(result: Backward, wrt: str | None = None) -> list[tuple[str, tuple[Relation, ...]]]:
    """(title, lines) for the forward pass, the backward pass and the gradients (``wrt``: one input)."""
    text = lecture(result, wrt)
    last = "Gradients" if wrt is None else f"Gradient with respect to {input_name(result.graph, wrt)}"
    return [("Forward pass", text.forward), ("Backward pass", text.backward), (last, text.gradients)]


def _title(title: str, result: Backward, wrt: str | None) -> str:
    """A section title with the input's name as math."""
    if wrt is None or not title.startswith("Gradient with"):
        return title
    return f"Gradient with respect to ${write(Name(input_name(result.graph, wrt)), LATEX)}$"


def _at(result: Backward) -> list[Relation]:
    if result.values is None:
        return []
    graph = result.graph
    return [Relation((Name(n.name), Number(result.values[nid]))) for nid, n in graph.nodes.items() if n.kind == "input"]


def derivation_markdown(result: Backward, wrt: str | None = None) -> str:
    """The derivation as Markdown for a Jupyter or GitHub cell: ``$…$`` inline math for the
    forward definitions, one ``$$…$$`` display per chain-rule line (``wrt``: one input only)."""
    return _markdown(f"Backpropagation through ${write(title_relation(result), LATEX)}$", result,
                     [(_title(title, result, wrt), body) for title, body in sections(result, wrt)])


def derivation_latex(result: Backward, wrt: str | None = None) -> str:
    """The derivation as a standalone LaTeX document (amsmath ``align*``; ASCII only, so plain
    pdflatex compiles it)."""
    return _latex(f"Backpropagation through ${write(title_relation(result), LATEX)}$", result,
                  [(_title(title, result, wrt), body) for title, body in sections(result, wrt)])


def tangent_sections(t: Tangents) -> list[tuple[str, tuple[Any, ...]]]:
    """(title, lines) of forward mode: the forward pass, the tangents, the cost comparison."""
    return [("Forward pass", lecture(t.result).forward),
            ("Tangents", tuple(tangent_lines(t))),
            ("Forward against reverse mode", tuple(cost_lines(t)))]


def _tangent_heading(t: Tangents) -> str:
    return (f"Forward-mode differentiation of ${write(title_relation(t.result), LATEX)}$ with respect to "
            f"${write(Name(t.wrt), LATEX)}$")


def tangent_markdown(t: Tangents) -> str:
    """Forward mode's derivation as Markdown, laid out as ``derivation_markdown``."""
    return _markdown(_tangent_heading(t), t.result, tangent_sections(t))


def tangent_latex(t: Tangents) -> str:
    """Forward mode's derivation as a standalone LaTeX document, as ``derivation_latex``."""
    return _latex(_tangent_heading(t), t.result, tangent_sections(t))


def _markdown(heading: str, result: Backward, parts: Sequence[tuple[str, Sequence[Any]]]) -> str:
    """``# heading``, the point, then each part: the first as a list, relations as displays,
    sentences as one paragraph."""
    lines = [f"# {heading}", ""]
    at = _at(result)
    if at:
        lines += ["At " + ", ".join(f"${write(a, LATEX)}$" for a in at) + ".", ""]
    for k, (title, body) in enumerate(parts):
        if not body:
            continue
        lines += [f"## {title}", ""]
        if k:
            if isinstance(body[0], Sentence):
                lines += [" ".join(write(line, LATEX) for line in body), ""]
            for line in body if not isinstance(body[0], Sentence) else ():
                lines += [f"$${write(line, LATEX)}$$", ""]
        else:
            lines += [f"- ${write(line, LATEX)}$" for line in body] + [""]
    return "\n".join(lines)


def _latex(heading: str, result: Backward, parts: Sequence[tuple[str, Sequence[Any]]]) -> str:
    """A standalone document: ``heading``, the point, each part as an ``align*`` (sentences as one paragraph)."""
    out = [r"\documentclass{article}", *PREAMBLE, r"\begin{document}", rf"\section*{{{heading}}}"]
    at = _at(result)
    if at:
        out.append("At " + ", ".join(f"${write(a, LATEX)}$" for a in at) + ".")
    for title, body in parts:
        if body:
            out.append(rf"\subsection*{{{title}}}")
            out.append(" ".join(write(line, LATEX) for line in body) if isinstance(body[0], Sentence) else align(body))
    out += [r"\end{document}", ""]
    return "\n".join(out)


def align_rows(lines: Sequence[Relation], per_row: int = ALIGN_PER_ROW) -> list[list[str]]:
    """Each derivation line's rows of an ``align*``/``aligned``, aligned at the first ``=``: a
    chain of more than ``per_row`` equalities continues on further rows of about equal length."""
    out = []
    for line in lines:
        head, *sides = [piece(side, LATEX)[0] for side in shown_sides(line)]
        if not sides:
            out.append([head])
            continue
        size = -(-len(sides) // -(-len(sides) // per_row))
        out.append([f"{head if k == 0 else ''} &= {' = '.join(sides[k:k + size])}" for k in range(0, len(sides), size)])
    return out


def align(lines: Sequence[Relation], per_row: int = ALIGN_PER_ROW) -> str:
    """Derivation lines as one ``align*`` block, see ``align_rows``."""
    return align_block([row for rows in align_rows(lines, per_row) for row in rows])


def align_block(rows: Sequence[str], env: str = "align*") -> str:
    """Rows of ``align_rows`` as one ``env`` block (``align*``, or ``aligned`` inside math)."""
    return "\n".join([rf"\begin{{{env}}}", " \\\\\n".join(rows), rf"\end{{{env}}}"])
