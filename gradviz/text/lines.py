"""The math of a derivation as plain data, written by one function for every target.

A derivation line (``∂L/∂a = ∂L/∂b · ∂b/∂a = 2c · x = 2cx = −42``) is a ``Relation`` whose
sides are small math objects: a ``Partial``, a ``Product`` of partials, a ``Chain`` (products
of local derivatives in chain order), a ``Formula`` (one sympy expression), a node written out
(``NodeText``), a ``Number``. Frames, captions, slides, pages and documents keep these objects
and ``write`` them for their target, so nothing is ever printed twice or parsed back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Union

import sympy

from .expressions import calls_first, is_decimal, print_expr, spaced_call
from .numbers import checking_digits, shown_digits
from .structure import Expansion, definition, equation, right_side, typed, written
from .targets import UNICODE, Latex, Level, Piece, Target

if TYPE_CHECKING:
    from ..ir.graph import Graph

__all__ = ["Name", "Number", "Partial", "Formula", "NodeText", "Product", "Terms", "Chain", "More", "Words", "Relation",
           "Sentence", "Math", "write", "piece", "plain", "shown_sides"]


@dataclass(frozen=True)
class Name:
    """A variable's or node's name."""

    name: str


@dataclass(frozen=True)
class Number:
    """A number (float, exact, or an exercise's blank), shown to ``digits`` significant digits
    (``text.numbers.shown_digits()`` unless given: one policy for every number shown)."""

    value: Any
    digits: int | None = None


@dataclass(frozen=True)
class Partial:
    """∂top/∂bottom."""

    top: str
    bottom: str


@dataclass(frozen=True, eq=False)
class Formula:
    """A sympy expression over intermediates and inputs; ``graph`` with ``in_inputs`` writes
    the intermediates out in the inputs; ``decimals``: typed decimals stay decimals."""

    expr: Any
    graph: "Graph | None" = None
    in_inputs: bool = False
    decimals: bool = False


@dataclass(frozen=True, eq=False)
class NodeText:
    """A node of the graph written as ``equation`` (a = θ1·θ2), ``right_side`` (θ1·θ2),
    ``definition`` (ax), ``written`` (θ1θ2x, in the inputs) or ``typed`` (in the inputs and the
    names the user gave: the formula as typed)."""

    graph: "Graph"
    nid: str
    form: str


@dataclass(frozen=True)
class Product:
    """Factors joined by ``joint``: ``times`` (`` · ``), ``cross`` (`` × ``) or ``dot`` (``·``)."""

    factors: tuple["Math", ...]
    joint: str = "times"


@dataclass(frozen=True)
class Terms:
    """A sum; a term's leading minus becomes the sign (``a − b``); ``open`` (a running sum whose
    other terms are still to come) adds ``(so far)``."""

    terms: tuple["Math", ...]
    open: bool = False


@dataclass(frozen=True, eq=False)
class Chain:
    """A sum of products of sympy factors kept in chain order: ``2c·x·θ2`` (``joint="dot"``,
    each factor as it is) or ``2cxθ2`` (``joint="juxtaposed"``: numbers in front, the rest
    side by side, denominators gathered: ``−2(x + 1)/(2y)²``)."""

    terms: tuple[tuple[Any, ...], ...]
    graph: "Graph | None" = None
    in_inputs: bool = False
    joint: str = "juxtaposed"
    decimals: bool = False


@dataclass(frozen=True)
class More:
    """The terms of a sum still to come: ``⋯`` (``\\cdots`` in LaTeX); never ``…``, which marks a cut."""


@dataclass(frozen=True)
class Words:
    """Plain words in a title or a caption."""

    text: str


@dataclass(frozen=True)
class Relation:
    """Sides joined by ``=`` (the first joint may be another relation, such as ``+=``)."""

    sides: tuple["Math", ...]
    first: str = "="


@dataclass(frozen=True)
class Sentence:
    """Words and math in a row: ``Backward step 3 of 4: b = a·x``."""

    parts: tuple[Union["Math", Words], ...]


Math = Union[Name, Number, Partial, Formula, NodeText, Product, Terms, Chain, Relation, Sentence, Words, More]


def write(math: "Math", target: Target = UNICODE) -> str:
    """The text of ``math`` for ``target`` (a Sentence in LaTeX: words in text mode, math in ``$…$``)."""
    if isinstance(math, Sentence):
        if isinstance(target, Latex):
            return "".join(target.escape_words(p.text) if isinstance(p, Words) else f"${piece(p, target)[0]}$"
                           for p in math.parts)
        return "".join(target.escape(p.text) if isinstance(p, Words) else piece(p, target)[0] for p in math.parts)
    return piece(math, target)[0]


def plain(math: "Math") -> str:
    """The Unicode text of ``math``."""
    return write(math, UNICODE)


def piece(math: "Math", target: Target) -> Piece:
    """``math`` written for ``target``, with how tightly it binds (remembered for the last few
    thousand objects: a caption writes its sides more than once)."""
    try:
        return _remembered(math, target, shown_digits())
    except TypeError:  # something unhashable inside: written afresh
        return _piece(math, target)


@lru_cache(maxsize=4096)
def _remembered(math: "Math", target: Target, digits: int) -> Piece:
    """A piece written once for each digit setting (``gradviz.digits`` changes how numbers read)."""
    return _piece(math, target)


def _piece(math: "Math", target: Target) -> Piece:
    if isinstance(math, Name):
        return target.name(math.name), Level.ATOM
    if isinstance(math, Number):
        text = target.number(math.value, math.digits)
        return text, (Level.UNARY if text.startswith(target.minus) else Level.ATOM)
    if isinstance(math, Words):
        return target.escape(math.text), Level.ATOM
    if isinstance(math, More):
        return (r"\cdots" if isinstance(target, Latex) else "⋯"), Level.ATOM
    if isinstance(math, Partial):
        return target.partial(math.top, math.bottom), Level.ATOM
    if isinstance(math, Formula):
        expand = Expansion(math.graph, target) if math.graph is not None and math.in_inputs else None
        return print_expr(math.expr, target, expand, math.decimals)
    if isinstance(math, NodeText):
        if math.form == "equation":
            return equation(math.graph, math.nid, target), Level.SUM
        return {"definition": definition, "right_side": right_side, "written": written, "typed": typed}[math.form](
            math.graph, math.nid, target)
    if isinstance(math, Product):
        joint = {"times": target.spaced_times, "cross": f" {target.cross.strip()} ", "dot": target.times}[math.joint]
        parts = [piece(f, target) for f in math.factors]
        least = Level.PRODUCT if math.joint == "dot" else Level.QUOTIENT
        bare_sign = math.joint == "cross"  # −42 × (−1): a leading sign needs no brackets between numbers
        texts = [p[0] if k == 0 and bare_sign and p[1] == Level.UNARY else target.wrap(p, least)
                 for k, p in enumerate(parts)]
        return joint.join(texts), (Level.UNARY if bare_sign and parts[0][1] == Level.UNARY else Level.QUOTIENT)
    if isinstance(math, Terms):
        text, level = target.sum([piece(t, target) for t in math.terms])
        if not math.open:
            return text, level
        return (rf"{text}\ \text{{(so far)}}" if isinstance(target, Latex) else f"{text} (so far)"), Level.SUM
    if isinstance(math, Chain):
        return _chain(math, target)
    if isinstance(math, Relation):
        texts = [piece(side, target)[0] for side in shown_sides(math)]
        out = texts[0]
        for k, text in enumerate(texts[1:]):
            relation = math.first if k == 0 else "="
            out += f" {target.relation(relation)} {text}"
        return out, Level.SUM
    if isinstance(math, Sentence):
        return write(math, target), Level.ATOM
    raise TypeError(f"not a math object: {math!r}")


def shown_sides(relation: Relation) -> tuple["Math", ...]:
    """A relation's sides as every output writes them: a numeric tail ``A × B + C × D = E`` with its factors shown
    to the digits at which a hand calculation from them gives the shown E (``numbers.checking_digits``); other sides
    as they are."""
    sides = relation.sides
    if len(sides) < 2 or not isinstance(sides[-1], Number) or sides[-1].digits is not None:
        return sides
    head = sides[-2]
    terms = head.terms if isinstance(head, Terms) else (head,)
    factors = [t.factors if isinstance(t, Product) and t.joint == "cross" else (t,) for t in terms]
    if not any(isinstance(t, Product) for t in terms) or not all(
            isinstance(f, Number) and f.digits is None for group in factors for f in group):
        return sides
    count = checking_digits([[f.value for f in group] for group in factors], sides[-1].value)
    if count is None or count == shown_digits():
        return sides
    shown = [Product(tuple(Number(f.value, count) for f in t.factors), t.joint) if isinstance(t, Product)
             else Number(t.value, count) for t in terms]
    return (*sides[:-2], replace(head, terms=tuple(shown)) if isinstance(head, Terms) else shown[0], sides[-1])


def _chain(chain: Chain, target: Target) -> Piece:
    expand = Expansion(chain.graph, target) if chain.graph is not None and chain.in_inputs else None
    if not chain.terms:
        return "0", Level.ATOM
    terms = [(_dotted if chain.joint == "dot" else _juxtaposed)(term, target, expand, chain.decimals)
             for term in chain.terms]
    return target.sum(terms)


def _dotted(term: tuple, target: Target, expand: Expansion | None, decimals: bool) -> Piece:
    """Each factor as it is, joined by ``·``; factors of −1 become the sign."""
    negative = sum(f == -1 for f in term) % 2 == 1
    factors = [print_expr(f, target, expand, decimals) for f in term if f != -1]
    if len(factors) == 1:
        text = factors[0][0]
    else:
        text = target.times.join(p[0] if p[1] > Level.UNARY or (p[1] == Level.UNARY and k == 0)
                                 else target.paren(p[0]) for k, p in enumerate(factors)) if factors else "1"
    level = Level.QUOTIENT if len(factors) > 1 else (factors[0][1] if factors else Level.ATOM)
    if negative:
        if text.startswith(target.minus):
            return text[len(target.minus):], level
        return target.minus + text, Level.UNARY
    return text, level


def _juxtaposed(term: tuple, target: Target, expand: Expansion | None, decimals: bool) -> Piece:
    """Numbers in front, the other factors side by side in chain order, denominators gathered."""
    coeff, numer, denom = sympy.S.One, [], []
    for factor in term:
        c, rest = sympy.sympify(factor).as_coeff_Mul()
        coeff *= c
        for part in (calls_first(list(rest.args)) if rest.is_Mul else (rest,)):  # a sum stays one factor
            if part.is_Pow and part.exp.is_negative:
                denom.append(1 / part)
            elif part != 1:
                numer.append(part)
    negative = coeff < 0
    coeff = abs(coeff)
    if coeff.is_Rational and coeff.q != 1 and not is_decimal(coeff, decimals):
        denom.insert(0, sympy.Integer(coeff.q))
        coeff = sympy.Integer(coeff.p)
    parts = [] if coeff == 1 and numer else [(print_expr(coeff, target, None, decimals)[0], "number")]
    pieces = [print_expr(factor, target, expand, decimals) for factor in numer]
    if len(pieces) == 1 and not parts:  # one factor: as it is, bracketed only where it must be (a fraction's
        top, level = pieces[0]           # target brackets its numerator itself)
    else:
        for factor, p in zip(numer, pieces):
            parts.append((target.wrap(p, Level.PRODUCT), "call" if spaced_call(factor, expand) and p[1] >= Level.PRODUCT
                          else "other"))
        top, level = target.juxtapose(parts), Level.PRODUCT
    if denom:
        below = [print_expr(f, target, expand, decimals) for f in denom]
        if len(below) == 1:
            bottom = below[0]
        else:
            bottom = (target.juxtapose([(target.wrap(p, Level.PRODUCT), "other") for p in below]), Level.PRODUCT)
        top, level = target.fraction((top, level), bottom)
    return target.negate((top, level)) if negative else (top, level)
