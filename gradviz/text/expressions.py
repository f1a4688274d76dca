"""sympy expressions in textbook form, one printer per target: ``TextbookPrinter`` (a sympy
``StrPrinter``) for Unicode and figure markup, ``TextbookLatexPrinter`` (a sympy
``LatexPrinter``) for LaTeX. Both write juxtaposed products (``2cx``), superscript powers,
steps as Iverson brackets (``[x > 0]``), typed decimals as decimals, and intermediates either
by name or (with an ``Expansion``) written out in the inputs: each intermediate becomes a
placeholder symbol whose precedence is that of its written form, so sympy's own bracketing
does the rest (``((θ1θ2x − y)²)²``, never ``(…)²²``)."""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from typing import Any

import sympy
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

from ..ir.numbers import format_number
from ..ir.ops import OPS
from .numbers import MINUS, format_value, superscript
from .structure import POWER_BEFORE_ARGS, Expansion
from .targets import LATEX, Latex, Level, Piece, Target

__all__ = ["print_expr", "print_unicode", "print_latex", "level_of", "is_decimal", "iverson_parts", "spaced_call",
           "calls_first"]

_SYMPY_PRECEDENCE = {Level.SUM: PRECEDENCE["Add"], Level.UNARY: PRECEDENCE["Add"], Level.QUOTIENT: PRECEDENCE["Mul"],
                     Level.PRODUCT: PRECEDENCE["Mul"], Level.POWER: PRECEDENCE["Pow"], Level.ATOM: PRECEDENCE["Atom"]}
TERM_ORDER = "grlex"  # a sum's terms by degree, as formulas are written: wx + b, θ1θ2x − y
_DECIMAL_FROM = 1000  # a terminating fraction with a larger denominator prints as a decimal anyway


@lru_cache(maxsize=None)
def _placeholder_class(level: Level) -> type:
    """A ``sympy.Symbol`` subclass standing for a written-out intermediate that binds like ``level``."""
    return type(f"Written{level.name.title()}", (sympy.Symbol,),
                {"precedence": _SYMPY_PRECEDENCE[level], "level": level})


def _with_placeholders(expr: Any, expand: Expansion | None) -> tuple[Any, dict[str, str]]:
    """``expr`` with every intermediate it mentions replaced by a placeholder, and their texts."""
    if expand is None or not hasattr(expr, "free_symbols"):
        return expr, {}
    swap, texts = {}, {}
    for symbol in expr.free_symbols:
        piece = expand.piece(symbol.name)
        if piece is not None:
            placeholder = _placeholder_class(piece[1])(f"⟪{symbol.name}⟫", real=True)
            swap[symbol], texts[placeholder.name] = placeholder, piece[0]
    if not swap:
        return expr, texts
    with sympy.evaluate(False):  # as written: 2(h − y) stays a product, never 2⟪h⟫ − 2y
        return expr.xreplace(swap), texts


def is_decimal(q: Any, decimals: bool) -> bool:
    """Whether the rational ``q`` prints as a decimal: its denominator has only the factors 2
    and 5, and decimals were typed in the formula (or the denominator is large)."""
    den = int(q.q)
    if den == 1:
        return False
    while den % 2 == 0:
        den //= 2
    while den % 5 == 0:
        den //= 5
    return den == 1 and (decimals or q.q > _DECIMAL_FROM)


def level_of(expr: Any, decimals: bool = False) -> Level:
    """How tightly ``expr`` binds as the printers write it."""
    level = getattr(expr, "level", None)
    if level is not None:
        return level
    if expr.is_Add:
        return Level.SUM
    if expr.is_Mul:
        coeff, factors = expr.as_coeff_mul()
        if coeff.is_negative:
            return Level.UNARY
        if any(f.is_Pow and f.exp.is_negative for f in factors) or (
                coeff.is_Rational and coeff.q != 1 and not is_decimal(coeff, decimals)):
            return Level.QUOTIENT
        return Level.PRODUCT
    if expr.is_Pow:
        if expr.exp.is_negative:
            return Level.QUOTIENT
        return Level.ATOM if expr.exp == sympy.S.Half else Level.POWER
    if expr.is_Number:
        if expr.is_negative:
            return Level.UNARY
        if expr.is_Rational and expr.q != 1 and not is_decimal(expr, decimals):
            return Level.QUOTIENT
    return Level.ATOM


def iverson_parts(expr: Any) -> tuple[Any, str, Any]:
    """A step ``H(a − b)`` as the comparison ``a > b`` (``≥`` where the step is 1 at zero)."""
    arg = expr.args[0]
    at_zero = expr.args[1] if len(expr.args) > 1 else sympy.S.Half
    relation = "≥" if at_zero == 1 else ">"
    if arg.is_Add:
        positive = [t for t in arg.args if not t.could_extract_minus_sign()]
        negative = [-t for t in arg.args if t.could_extract_minus_sign()]
        if positive and negative:
            return sympy.Add(*positive), relation, sympy.Add(*negative)
    if arg.could_extract_minus_sign() and not arg.is_Number:
        return sympy.S.Zero, relation, -arg
    return arg, relation, sympy.S.Zero


def spaced_call(factor: Any, expand: Expansion | None = None) -> bool:
    """Whether a product sets the factor apart by a space, as a call of a function named by a word: ``y log(p)``,
    but ``2σ(x)``, ``2|x|``, ``2[x > 0]``; with ``expand``, also an intermediate written out as such a call
    (``a exp(ax)`` for ``e = exp(ax)``)."""
    if factor.is_Function:
        return factor.func.__name__ not in ("Abs", "Heaviside", "sigmoid")
    return expand is not None and factor.is_Symbol and expand.spaced(factor.name.strip("⟪⟫"))


def calls_first(factors: list[Any]) -> list[Any]:
    """A product's factors with each sum that holds a call after the factors that are that call: ``σ(z)(1 − σ(z))``,
    as lectures write σ's derivative (sympy sorts the sum first); the order kept otherwise."""
    calls = {f for f in factors if f.is_Function}
    return sorted(factors, key=lambda f: f.is_Add and bool(calls & f.atoms(sympy.Function)))


def positive_first(terms: list[Any]) -> list[Any]:
    """A sum's terms with a positive one in front, as a slide writes ``σ(z) − y``, not ``−y + σ(z)``."""
    for k, term in enumerate(terms):
        if not term.could_extract_minus_sign():
            return [term] + terms[:k] + terms[k + 1:]
    return terms


class TextbookPrinter(StrPrinter):
    """Unicode (or figure markup, by the target's names and escaping) in textbook form."""

    def __init__(self, target: Target, texts: dict[str, str], decimals: bool, ordered: bool,
                 expand: Expansion | None = None):
        super().__init__({"order": "none"})
        self.target, self.texts, self.decimals, self.ordered, self.expand = target, texts, decimals, ordered, expand

    def piece(self, expr: Any) -> Piece:
        return self._print(expr), level_of(expr, self.decimals)

    def wrap(self, expr: Any, least: Level) -> str:
        return self.target.wrap(self.piece(expr), least)

    def _print_Symbol(self, expr: Any) -> str:
        if expr.name in self.texts:
            return self.texts[expr.name]
        return self.target.name(expr.name)

    def _print_Integer(self, expr: Any) -> str:
        return str(expr.p).replace("-", MINUS)

    def _print_Rational(self, expr: Any) -> str:
        if is_decimal(expr, self.decimals):
            return format_number(Fraction(int(expr.p), int(expr.q))).replace("-", MINUS)
        return f"{expr.p}/{expr.q}".replace("-", MINUS)

    def _print_Float(self, expr: Any) -> str:
        return format_value(expr)

    def _print_Pi(self, expr: Any) -> str:
        return "π"

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _print_Add(self, expr: Any, order: Any = None) -> str:
        terms = positive_first(expr.as_ordered_terms(order=TERM_ORDER) if self.ordered else list(expr.args))
        return self.target.sum([self.piece(t) for t in terms])[0]

    def _kind(self, factor: Any) -> str:
        if factor.is_Number:
            return "number"
        if spaced_call(factor, self.expand):
            return "call"
        if factor.is_Symbol and factor.name not in self.texts:
            return "word" if sum(ch.isalpha() for ch in factor.name) > 1 and "_" not in factor.name else "other"
        return "other"

    def _factors(self, factors: list[Any]) -> str:
        return self.target.juxtapose([(self.wrap(f, Level.PRODUCT), self._kind(f) if level_of(f) >= Level.PRODUCT
                                       else "other") for f in factors])

    def _print_Mul(self, expr: Any) -> str:
        coeff, factors = expr.as_coeff_mul()
        sign = ""
        if coeff.is_negative:
            sign, coeff = self.target.minus, -coeff
        numer = [f for f in factors if not (f.is_Pow and f.exp.is_negative)]
        denom = [1 / f for f in factors if f.is_Pow and f.exp.is_negative]
        numer = calls_first(numer)
        if coeff.is_Rational and coeff.q != 1 and not is_decimal(coeff, self.decimals):
            denom.insert(0, sympy.Integer(coeff.q))
            coeff = sympy.Integer(coeff.p)
        parts = [] if coeff == 1 and numer else [coeff]
        if sign and not parts and len(numer) == 1 and not denom:  # −a/b: a quotient needs no brackets after a minus
            return sign + self.wrap(numer[0], Level.QUOTIENT)
        text = self._factors(parts + numer)
        if denom:
            bottom = self.wrap(denom[0], Level.POWER) if len(denom) == 1 else self.target.paren(self._factors(denom))
            text = f"{text}/{bottom}"
        return sign + text

    def _print_Pow(self, expr: Any) -> str:
        base, exponent = expr.args
        if exponent == sympy.S.Half:
            return self.target.root(self.piece(base))[0]
        if exponent.is_negative:
            return f"1/{self.wrap(1 / expr, Level.POWER)}"
        if exponent.is_Integer and self.expand is not None and hasattr(base, "level"):
            written = self.expand.power(base.name.strip("⟪⟫"), Fraction(int(exponent)))
            if written is not None:
                return written
        if exponent.is_Integer and base.is_Function and len(base.args) == 1 and base.func.__name__ in POWER_BEFORE_ARGS:
            return f"{base.func.__name__}{superscript(Fraction(int(exponent)))}({self._print(base.args[0])})"  # tanh²(z)
        if exponent.is_Integer:
            return self.wrap(base, Level.ATOM) + superscript(Fraction(int(exponent)))
        return f"{self.wrap(base, Level.ATOM)}^{self.wrap(exponent, Level.ATOM)}"

    def _print_exp(self, expr: Any) -> str:
        return f"exp({self._print(expr.args[0])})"

    def _print_Heaviside(self, expr: Any) -> str:
        left, relation, right = iverson_parts(expr)
        return self.target.iverson(self._print(left), relation, self._print(right))

    def _print_sign(self, expr: Any) -> str:
        return f"sgn({self._print(expr.args[0])})"

    def _print_Abs(self, expr: Any) -> str:
        return self.target.bars(self.piece(expr.args[0]))[0]

    def _print_Max(self, expr: Any) -> str:
        return f"max({', '.join(self._print(a) for a in expr.args)})"

    def _print_Min(self, expr: Any) -> str:
        return f"min({', '.join(self._print(a) for a in expr.args)})"

    def _print_sigmoid(self, expr: Any) -> str:
        """A sigmoid kept whole in a lecture form (``derive.forms.sigmoid``), written as the graph writes its node."""
        return self.target.call(self.target.function(OPS["sigmoid"]), [self._print(expr.args[0])])[0]

    def _print_Function(self, expr: Any) -> str:
        return f"{self.target.escape(expr.func.__name__)}({', '.join(self._print(a) for a in expr.args)})"


class TextbookLatexPrinter(LatexPrinter):
    """LaTeX in the same textbook form for a LaTeX ``target`` (``LATEX`` or ``MATHTEXT``): names,
    numbers, Iverson brackets, bars and fractions as the target writes them, typed decimals as
    decimals."""

    def __init__(self, texts: dict[str, str], decimals: bool, expand: Expansion | None = None,
                 target: Latex = LATEX):
        super().__init__({"mul_symbol": None, "fold_short_frac": False, "order": TERM_ORDER})
        self.texts, self.decimals, self.expand, self.target = texts, decimals, expand, target

    def _fractions(self, tex: str) -> str:
        """sympy's fractions (its ``\\frac``, written inside ``_print_Mul`` and ``_print_Pow``) as the target's."""
        return tex if self.target.frac == r"\frac" else tex.replace("\\frac{", self.target.frac + "{")

    def _print_Mul(self, expr: Any) -> str:
        coeff, factors = expr.as_coeff_mul()
        if calls_first(list(factors)) == list(factors) or any(f.is_Pow and f.exp.is_negative for f in factors):
            return self._fractions(super()._print_Mul(expr))
        sign = "- " if coeff.is_negative else ""  # σ(z)(1 − σ(z)): sympy would put the sum first
        parts = [] if abs(coeff) == 1 else [self._print(abs(coeff))]
        parts += [rf"\left({self._print(f)}\right)" if f.is_Add else self._print(f) for f in calls_first(list(factors))]
        return sign + " ".join(parts)

    def _print_Abs(self, expr: Any, exp: Any = None) -> str:
        tex = self.target.bars((self._print(expr.args[0]), Level.ATOM))[0]
        return rf"{tex}^{{{exp}}}" if exp else tex

    def _print_Pow(self, expr: Any) -> str:
        base, exponent = expr.args
        if exponent.is_Integer and exponent > 0 and self.expand is not None and hasattr(base, "level"):
            written = self.expand.power(base.name.strip("⟪⟫"), Fraction(int(exponent)))
            if written is not None:
                return written
        return self._fractions(super()._print_Pow(expr))

    def _print_Symbol(self, expr: Any, style: str = "plain") -> str:
        if expr.name in self.texts:
            return self.texts[expr.name]
        return self.target.name(expr.name)

    def _print_Rational(self, expr: Any) -> str:
        if is_decimal(expr, self.decimals):
            return format_number(Fraction(int(expr.p), int(expr.q)))
        return self._fractions(super()._print_Rational(expr))

    def _as_ordered_terms(self, expr: Any, order: Any = None) -> list[Any]:
        return positive_first(super()._as_ordered_terms(expr, order))

    def _print_Float(self, expr: Any) -> str:
        return self.target.number(expr)

    def _print_Heaviside(self, expr: Any, exp: Any = None) -> str:
        left, relation, right = iverson_parts(expr)
        tex = self.target.iverson(self._print(left), relation, self._print(right))
        return rf"{tex}^{{{exp}}}" if exp else tex

    def _print_sign(self, expr: Any, exp: Any = None) -> str:
        tex = rf"\operatorname{{sgn}}\left({self._print(expr.args[0])}\right)"
        return rf"{tex}^{{{exp}}}" if exp else tex

    def _print_Function(self, expr: Any, exp: Any = None) -> str:
        r"""sympy's functions of one argument (``\tanh``, ``\sin``) written as the graph's own
        operations are (``target.call``), not in sympy's ``\tanh{\left(x \right)}``."""
        name = expr.func.__name__
        if isinstance(expr, AppliedUndef) or len(expr.args) != 1 or hasattr(self, f"_print_{name}"):
            return super()._print_Function(expr, exp)
        return self._call(self._hprint_Function(name), expr.args[0], exp, name in POWER_BEFORE_ARGS)

    def _print_log(self, expr: Any, exp: Any = None) -> str:
        return self._call(r"\log", expr.args[0], exp)

    def _print_exp(self, expr: Any, exp: Any = None) -> str:
        r"""``\exp(a)``, as the graph's exp nodes are written (sympy's ``e^{a}`` beside them read as another function)."""
        return self._call(r"\exp", expr.args[0], exp)

    def _print_sigmoid(self, expr: Any, exp: Any = None) -> str:
        return self._call(self.target.function(OPS["sigmoid"]), expr.args[0], exp)

    def _call(self, command: str, arg: Any, exp: Any, power_first: bool = False) -> str:
        r"""``command(arg)``, raised to ``exp`` (LaTeX) where given: ``\tanh^{2}(z)``, ``\log(p)^{2}``."""
        if exp and power_first:
            return self.target.call(rf"{command}^{{{exp}}}", [self._print(arg)])[0]
        tex = self.target.call(command, [self._print(arg)])[0]
        return rf"{tex}^{{{exp}}}" if exp else tex


def print_unicode(expr: Any, target: Target, expand: Expansion | None = None, decimals: bool = False) -> Piece:
    """``expr`` as Unicode text for ``target`` (plain or markup), with its level."""
    expr = sympy.sympify(expr)
    expr, texts = _with_placeholders(expr, expand)
    printer = TextbookPrinter(target, texts, decimals, ordered=not texts, expand=expand)
    return printer.piece(expr)


def print_latex(expr: Any, expand: Expansion | None = None, decimals: bool = False, target: Latex = LATEX) -> Piece:
    """``expr`` as LaTeX (for ``target``: ``LATEX`` or ``MATHTEXT``), with its level."""
    expr = sympy.sympify(expr)
    expr, texts = _with_placeholders(expr, expand)
    tex, level = TextbookLatexPrinter(texts, decimals, expand, target).doprint(expr), level_of(expr, decimals)
    return tex, Level.ATOM if level == Level.QUOTIENT and _one_fraction(tex, target.frac) else level


def _one_fraction(tex: str, frac: str) -> bool:
    """Whether ``tex`` is one ``\\frac{…}{…}`` (which needs no brackets as a factor: ``−n \\cdot \\frac{1}{P}``)."""
    rest = tex[len(frac):] if tex.startswith(frac + "{") else ""
    for _ in ("numerator", "denominator"):
        if not rest.startswith("{"):
            return False
        depth = 0
        for k, char in enumerate(rest):
            depth += (char == "{") - (char == "}")
            if depth == 0:
                break
        else:
            return False
        rest = rest[k + 1:]
    return not rest


def print_expr(expr: Any, target: Target, expand: Expansion | None = None, decimals: bool = False) -> Piece:
    """``expr`` written for ``target`` by that target's printer, with its level."""
    if isinstance(target, Latex):
        return print_latex(expr, expand, decimals, target)
    return print_unicode(expr, target, expand, decimals)
