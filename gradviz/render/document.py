"""``derivation.md`` and ``derivation.tex``: the lecture's derivation (forward definitions,
chain-rule lines, gradients; see ``derivation.lecture``) as Markdown with ``$…$`` math and as
a standalone LaTeX document. Everything goes through ``tex_math``, which writes ASCII LaTeX
and escapes whatever a name holds, so a name cannot inject TeX."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Sequence

from ..derivation import lecture
from ..notation import format_value, written

if TYPE_CHECKING:
    from ..backward import BackwardResult

__all__ = ["derivation_markdown", "derivation_latex", "tex_math", "tex_line", "align"]

_GREEK = dict(zip("αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΦΨΩ",
                  r"\alpha \beta \gamma \delta \epsilon \zeta \eta \theta \iota \kappa \lambda \mu \nu \xi \pi "
                  r"\rho \sigma \tau \upsilon \phi \chi \psi \omega \Gamma \Delta \Theta \Lambda \Xi \Pi \Sigma "
                  r"\Phi \Psi \Omega".split()))
_SYMBOLS = {"∂": r"\partial ", "·": r"\cdot ", "×": r"\times ", "−": "-", "…": r"\dots ", "≥": r"\geq ",
            "√": r"\sqrt ", "ℒ": r"\mathcal{L}", "′": "'", "#": r"\#", "$": r"\$", "%": r"\%", "&": r"\&",
            "~": r"\sim ", "\\": r"\backslash ", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\hat{}"}
_SUPER = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-"))
_FUNCTIONS = {"exp": r"\exp", "log": r"\log", "sin": r"\sin", "cos": r"\cos", "tanh": r"\tanh",
              "max": r"\max", "min": r"\min", "sgn": r"\operatorname{sgn}", "ReLU": r"\operatorname{ReLU}",
              "LeakyReLU": r"\operatorname{LeakyReLU}", "GELU": r"\operatorname{GELU}",
              "softplus": r"\operatorname{softplus}", "abs": r"\operatorname{abs}", "id": r"\operatorname{id}"}
ALIGN_PER_ROW = 4  # right-hand sides on one row of an align* before it continues
_PARTIAL = re.compile(r"∂([^\s·/∂]+)/∂([^\s·/∂=()]+)")  # ∂L/∂θ1, also inside ∂L/∂a·∂a/∂θ1
_TOKEN = re.compile(r"([A-Za-z]+)(?=\()|(\d+(?:\.\d+)?)e([−+-]?\d+)|([^\W\d_])(\d+)|([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)|(\+=)|(.)",
                    re.S)


def tex_math(text: str) -> str:
    """A line of gradviz text as LaTeX math (ASCII only): ``∂L/∂θ1 = 2c·x·θ2`` →
    ``\\partial L/\\partial \\theta _{1} = 2c\\cdot x\\cdot \\theta _{2}``."""
    out = []
    for m in _TOKEN.finditer(text):
        func, mant, exp_, letter, digits, sup, plus_eq, ch = m.groups()
        if func:
            out.append(_FUNCTIONS.get(func, rf"\operatorname{{{func}}}"))
        elif mant:
            out.append(rf"{mant}\times 10^{{{exp_.replace('−', '-')}}}")
        elif letter:
            out.append(f"{_char(letter)}_{{{digits}}}")
        elif sup:
            out.append("^{" + "".join(_SUPER[c] for c in sup) + "}")
        elif plus_eq:
            out.append(r"\mathrel{+}=")
        else:
            out.append(_char(ch))
    return "".join(out)


def _char(ch: str) -> str:
    if ch in _GREEK:
        return _GREEK[ch] + " "
    if ch in _SYMBOLS:
        return _SYMBOLS[ch]
    if ch.isascii():
        return ch
    return rf"\text{{\textit{{U+{ord(ch):04X}}}}}"  # keeps the file ASCII and compilable


def tex_line(text: str) -> str:
    """A derivation line as LaTeX math with ``∂L/∂a`` as ``\\frac{\\partial L}{\\partial a}``."""
    out, last = [], 0
    for m in _PARTIAL.finditer(text):
        out.append(tex_math(text[last:m.start()]))
        out.append(rf"\frac{{\partial {tex_math(m.group(1))}}}{{\partial {tex_math(m.group(2))}}}")
        last = m.end()
    out.append(tex_math(text[last:]))
    return "".join(out)


def _markdown_math(text: str) -> str:
    """``tex_line`` safe inside a Markdown cell (no raw HTML, no emphasis markers)."""
    return tex_line(text).replace("<", r"\lt ").replace(">", r"\gt ").replace("*", r"\ast ")


def _sections(result: "BackwardResult", wrt: str | None, math: Callable[[str], str]
              ) -> list[tuple[str, tuple[str, ...], bool]]:
    """(title, lines, displayed) per section: forward definitions as a list, the rest displayed;
    ``math`` writes a name in the title as math."""
    from ..paths import input_name

    text = lecture(result, wrt)
    last = "Gradients" if wrt is None else f"Gradient with respect to ${math(input_name(result.graph, wrt))}$"
    return [("Forward pass", text.forward, False), ("Backward pass", text.backward, True),
            (last, text.gradients, True)]


def _at(result: "BackwardResult") -> list[str]:
    if result.values is None:
        return []
    graph = result.graph
    return [f"{n.name} = {format_value(result.values[nid])}" for nid, n in graph.nodes.items() if n.kind == "input"]


def _title(result: "BackwardResult") -> str:
    graph = result.graph
    return f"{graph.output} = {written(graph, graph.output_id)}"


def derivation_markdown(result: "BackwardResult", wrt: str | None = None) -> str:
    """The derivation as Markdown for a Jupyter or GitHub cell: ``$…$`` inline math for the
    forward definitions, one ``$$…$$`` display per chain-rule line (``wrt``: one input only)."""
    lines = [f"# Backpropagation through ${_markdown_math(_title(result))}$", ""]
    at = _at(result)
    if at:
        lines += ["At " + ", ".join(f"${_markdown_math(a)}$" for a in at) + ".", ""]
    for title, body, displayed in _sections(result, wrt, _markdown_math):
        if not body:
            continue
        lines += [f"## {title}", ""]
        if displayed:
            for line in body:
                lines += [f"$${_markdown_math(line)}$$", ""]
        else:
            lines += [f"- ${_markdown_math(line)}$" for line in body] + [""]
    return "\n".join(lines)


def derivation_latex(result: "BackwardResult", wrt: str | None = None) -> str:
    """The derivation as a standalone LaTeX document (amsmath ``align*``; ASCII only, so plain
    pdflatex compiles it)."""
    out = [r"\documentclass{article}", r"\usepackage{amsmath}", r"\begin{document}",
           rf"\section*{{Backpropagation through ${tex_math(_title(result))}$}}"]
    at = _at(result)
    if at:
        out.append("At " + ", ".join(f"${tex_math(a)}$" for a in at) + ".")
    for title, body, _ in _sections(result, wrt, tex_math):
        if body:
            out += [rf"\subsection*{{{title}}}", align(body)]
    out += [r"\end{document}", ""]
    return "\n".join(out)


def align(lines: Sequence[str], per_row: int = ALIGN_PER_ROW) -> str:
    """Derivation lines as one ``align*`` block, aligned at the first ``=``; a chain of more than
    ``per_row`` equalities continues on further rows of about equal length."""
    rows = []
    for line in lines:
        head, *sides = tex_line(line).split(" = ")
        if not sides:
            rows.append(head)
            continue
        size = -(-len(sides) // -(-len(sides) // per_row))
        for k in range(0, len(sides), size):
            rows.append(f"{head if k == 0 else ''} &= {' = '.join(sides[k:k + size])}")
    return "\n".join([r"\begin{align*}", " \\\\\n".join(rows), r"\end{align*}"])
