"""The three targets text is written for, each one class with the same small vocabulary: plain
Unicode (reports, manifest, notebooks' text), figure markup (Graphviz's HTML-like labels and
the web pages: Unicode with escaped text and subscript glyphs), rich text (the same markup with
every sub- and superscript of a name in tags: PowerPoint's titles) and LaTeX (derivation.tex,
Markdown math, Beamer). The writers (``structure``, ``expressions``, ``lines``) say *what* to
write — a fraction, a power, a call, a product of factors — and the target says *how*.

Every piece of text is produced together with its ``Level`` (how tightly it binds), so that
brackets are decided from structure, never by looking at printed text.
"""

from __future__ import annotations

import html
from enum import IntEnum
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Sequence

from ..ir.numbers import format_number
from .names import latex_name, latex_text, markup_name, unicode_name
from .numbers import MINUS, format_value, superscript

if TYPE_CHECKING:
    from ..ir.ops import OpSpec

__all__ = ["Level", "Piece", "Target", "Latex", "UNICODE", "MARKUP", "RICHTEXT", "LATEX", "MATHTEXT", "TARGETS"]


class Level(IntEnum):
    """How tightly a piece of written math binds."""

    SUM = 10  # a + b, a − b
    UNARY = 15  # −a
    QUOTIENT = 20  # a/b, a·2 (an explicit operator between factors)
    PRODUCT = 25  # 2cx, θ1θ2 (juxtaposed factors)
    POWER = 30  # c², e^x
    ATOM = 40  # names, numbers, calls, anything in brackets


Piece = tuple[str, Level]
CONSTANT_DIGITS = 15  # significant digits a constant of the formula is written with at most (as many as --digits)
_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class Target:
    """Plain Unicode: ``∂L/∂θ1 = 2c·x·θ2 = 42``."""

    name_of_target = "unicode"
    minus, plus, times, cross, equals = MINUS, "+", "·", "×", "="
    spaced_times = " · "  # between upstream and local, as the lecture writes ∂L/∂b · ∂b/∂a

    def name(self, name: str) -> str:
        return unicode_name(name)

    def escape(self, text: str) -> str:
        """Literal text (words of a title, a relation sign)."""
        return text

    def number(self, value: Any, digits: int | None = None) -> str:
        return format_value(value, digits)

    def constant(self, value: Fraction, fraction: bool = False, alone: bool = False) -> Piece:
        """A constant of the formula as written, never rounded: its exact decimal (``0.044715``, ``1e−8``), or a
        fraction where it has none (``1/3``) or was written as one (``fraction``: ``½``); bracketed as an operand
        (``(1/3)·f``) unless it stands ``alone`` (a figure's label)."""
        magnitude = abs(value)
        exact = format_number(magnitude)
        if "/" not in exact and not (fraction and magnitude.denominator != 1):
            significant = len(exact.replace(".", "").strip("0")) or 1
            piece = self.number(magnitude, min(significant, CONSTANT_DIGITS)), Level.ATOM
            return self.negate(piece) if value < 0 else piece
        top, bottom = (str(magnitude.numerator), Level.ATOM), (str(magnitude.denominator), Level.ATOM)
        text, level = self.fraction(top, bottom)
        if level == Level.ATOM:  # \frac{1}{3}
            return self.negate((text, level)) if value < 0 else (text, level)
        text = (self.minus if value < 0 else "") + text
        return (text, Level.QUOTIENT) if alone else (self.paren(text), Level.ATOM)  # (1/3)·f, (−1/3)·a

    def function(self, spec: "OpSpec") -> str:
        """An op's function name or operator symbol (``σ``, ``tanh``, ``−``), unescaped."""
        return spec.text

    def subscripted(self, function: str, index: str) -> str:
        """A function with an index: ``softmax₂``."""
        return function + index.translate(_SUBSCRIPT_DIGITS)

    def partial(self, top: str, bottom: str) -> str:
        return f"∂{self.name(top)}/∂{self.name(bottom)}"

    def paren(self, text: str) -> str:
        return f"({text})"

    def wrap(self, piece: Piece, least: Level) -> str:
        """The piece's text, bracketed when it binds less tightly than ``least``."""
        return piece[0] if piece[1] >= least else self.paren(piece[0])

    def fraction(self, top: Piece, bottom: Piece) -> Piece:
        return f"{self.wrap(top, Level.QUOTIENT)}/{self.wrap(bottom, Level.POWER)}", Level.QUOTIENT

    def power(self, base: Piece, exponent: Fraction | Piece) -> Piece:
        if isinstance(exponent, Fraction):
            return self.wrap(base, Level.ATOM) + superscript(exponent), Level.POWER
        return f"{self.wrap(base, Level.ATOM)}^{self.wrap(exponent, Level.ATOM)}", Level.POWER

    def call(self, function: str, args: Sequence[str]) -> Piece:
        return f"{self.escape(function)}({', '.join(args)})", Level.ATOM

    def power_of_call(self, function: str, exponent: Fraction, arg: str) -> str:
        """A function's value raised to a power, written before its argument: ``tanh²(z)``."""
        return f"{self.escape(function)}{superscript(exponent)}({arg})"

    def root(self, arg: Piece) -> Piece:
        return f"√{self.wrap(arg, Level.ATOM)}", Level.ATOM

    def bars(self, arg: Piece) -> Piece:
        return f"|{arg[0]}|", Level.ATOM

    def iverson(self, left: str, relation: str, right: str) -> str:
        return f"[{left} {self.escape(relation)} {right}]"

    def relation(self, relation: str) -> str:
        """A relation sign between two sides: ``=``, ``+=``."""
        return self.escape(relation)

    def negate(self, piece: Piece) -> Piece:
        return f"{self.minus}{self.wrap(piece, Level.QUOTIENT)}", Level.UNARY

    def infix(self, left: str, symbol: str, right: str, spaced: bool) -> str:
        return f"{left} {symbol} {right}" if spaced else f"{left}{symbol}{right}"

    def juxtapose(self, factors: Sequence[tuple[str, str]]) -> str:
        """Factors of a product side by side, as the slide writes them: ``2cx``, ``y log(p)``;
        ``kind`` of each factor (``number``, ``word``, ``call``, ``other``) decides the joint:
        a ``·`` before a number or around a word name, a space before a function call."""
        out, previous = "", None
        for text, kind in factors:
            if previous is not None:
                if kind == "number" or "word" in (kind, previous):
                    out += self.times
                elif kind == "call":
                    out += " "
            out += text
            previous = kind
        return out or "1"

    def sum(self, terms: Sequence[Piece]) -> Piece:
        """Terms joined by + and −, a leading minus of a term folded into the sign."""
        out = ""
        for i, (text, level) in enumerate(terms):
            negative = text.startswith(self.minus)
            if i == 0:
                out = text
            elif negative:
                out += f" {self.minus} {text[len(self.minus):]}"
            else:
                out += f" {self.plus} {text}"
        return (out, Level.SUM) if len(terms) > 1 else (out or "0", terms[0][1] if terms else Level.ATOM)


class Markup(Target):
    """Figure labels and web pages: Unicode, escaped, names with subscript glyphs (``θ₁``)."""

    name_of_target = "markup"

    def name(self, name: str) -> str:
        return markup_name(name)

    def escape(self, text: str) -> str:
        return html.escape(text, quote=False)


class RichText(Markup):
    """Markup for rich text that sets sub- and superscripts itself (PowerPoint's runs): a name's
    scripts and a function's index in ``<SUB>``/``<SUP>`` (``θ<SUB>1</SUB>``), never glyphs a font
    may lack."""

    name_of_target = "richtext"

    def name(self, name: str) -> str:
        return markup_name(name, glyphs=False)

    def subscripted(self, function: str, index: str) -> str:
        return f"{function}<SUB>{html.escape(index, quote=False)}</SUB>"


class Latex(Target):
    """LaTeX math, ASCII only: ``\\frac{\\partial L}{\\partial \\theta_{1}} = 2c x \\theta_{2}``."""

    name_of_target = "latex"
    minus, plus, times, cross, equals = "-", "+", r"\cdot ", r"\times ", "="
    spaced_times = r" \cdot "
    frac = r"\frac"  # the fraction command

    def name(self, name: str) -> str:
        return latex_name(name)

    def escape(self, text: str) -> str:
        return latex_text(text)

    def function(self, spec: "OpSpec") -> str:
        return spec.latex

    def subscripted(self, function: str, index: str) -> str:
        return f"{function}_{{{index}}}"

    def number(self, value: Any, digits: int | None = None) -> str:
        text = format_value(value, digits).replace(MINUS, "-")
        if "e" in text and text[0] in "-0123456789":
            mantissa, exponent = text.split("e")
            return rf"{mantissa} \times 10^{{{exponent}}}"
        return text if text[:1] in "-0123456789.i" else latex_text(text)

    def partial(self, top: str, bottom: str) -> str:
        return rf"{self.frac}{{\partial {self.name(top)}}}{{\partial {self.name(bottom)}}}"

    def paren(self, text: str) -> str:
        return rf"\left({text}\right)"

    def relation(self, relation: str) -> str:
        return r"\mathrel{+}=" if relation == "+=" else relation

    def escape_words(self, text: str) -> str:
        """Words in LaTeX text mode (a title): special characters escaped, the rest as they are."""
        special = {"#": r"\#", "$": r"\$", "%": r"\%", "&": r"\&", "~": r"\textasciitilde{}", "_": r"\_",
                   "^": r"\textasciicircum{}", "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}"}
        return "".join(special.get(ch, ch) if ch.isascii() else f"${latex_text(ch)}$" for ch in text)

    def fraction(self, top: Piece, bottom: Piece) -> Piece:
        return rf"{self.frac}{{{top[0]}}}{{{bottom[0]}}}", Level.ATOM

    def power(self, base: Piece, exponent: Fraction | Piece) -> Piece:
        if isinstance(exponent, Fraction):
            exponent = (format_number(exponent), Level.ATOM)
        text = self.wrap(base, Level.ATOM)
        return f"{{{text}}}^{{{exponent[0]}}}" if "^" in text else f"{text}^{{{exponent[0]}}}", Level.POWER

    def call(self, function: str, args: Sequence[str]) -> Piece:
        return rf"{function}\left({', '.join(args)}\right)", Level.ATOM

    def power_of_call(self, function: str, exponent: Fraction, arg: str) -> str:
        return rf"{function}^{{{format_number(exponent)}}}\left({arg}\right)"

    def root(self, arg: Piece) -> Piece:
        return rf"\sqrt{{{arg[0]}}}", Level.ATOM

    def bars(self, arg: Piece) -> Piece:
        return rf"\left|{arg[0]}\right|", Level.ATOM

    def iverson(self, left: str, relation: str, right: str) -> str:
        return rf"\left[{left} {self.escape(relation).strip()} {right}\right]"

    def juxtapose(self, factors: Sequence[tuple[str, str]]) -> str:
        out, previous = "", None
        for text, kind in factors:
            if previous is not None:
                out += self.times if kind == "number" else " "
            out += text
            previous = kind
        return out or "1"


class Mathtext(Latex):
    """LaTeX as matplotlib's mathtext typesets it (the derivation's pictures for slides): the
    characters LaTeX writes by command or code point as themselves (``<``, ``☃``), fractions in
    display size as ``align*`` sets them, plain bars, ``+=`` spaced by hand."""

    name_of_target = "mathtext"
    frac = r"\dfrac"

    def name(self, name: str) -> str:
        return latex_name(name, mathtext=True)

    def escape(self, text: str) -> str:
        return latex_text(text, mathtext=True)

    def relation(self, relation: str) -> str:
        return r"\,{+}\!\!=\," if relation == "+=" else relation

    def bars(self, arg: Piece) -> Piece:
        return f"|{arg[0]}|", Level.ATOM  # mathtext draws \left| \right| too small


UNICODE, MARKUP, RICHTEXT, LATEX, MATHTEXT = Target(), Markup(), RichText(), Latex(), Mathtext()
TARGETS = {t.name_of_target: t for t in (UNICODE, MARKUP, RICHTEXT, LATEX, MATHTEXT)}
