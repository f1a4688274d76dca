"""Display text as a slide writes it: node equations (``a = θ1·θ2``), clean numbers, and
sympy expressions in textbook form (``2cx``, ``σ(1 − σ)``, ``2(θ1θ2x − y)``)."""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from .graph import Graph

__all__ = ["equation", "right_side", "written", "format_value", "superscript", "expression_text", "MINUS", "WRITTEN_LIMIT"]

MINUS = "−"
WRITTEN_LIMIT = 2000  # characters of a subexpression written out in the inputs (then "…")
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_INFIX = {"add": "+", "sub": "−", "mul": "·", "div": "/"}
_FUNCTION_TEXT = {"sigmoid": "σ", "relu": "ReLU", "leaky_relu": "LeakyReLU", "gelu": "GELU",
                  "sqrt": "√", "abs": "abs", "id": "id"}


def format_value(value: Any) -> str:
    """A number as a figure shows it: ``42``, ``0.25``, ``−84``, ``1.5e+12`` (never ``41.99999999``)."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    if f == 0:
        return "0"
    if not math.isfinite(f):
        return str(f)
    text = f"{f:.6g}" if 1e-4 <= abs(f) < 1e6 else f"{f:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", MINUS)


def superscript(exponent: Fraction) -> str:
    """An exponent as Unicode superscript when it is an integer (``²``, ``⁻¹``), else ``^0.5``."""
    from .graph import format_number

    if exponent.denominator == 1:
        return str(exponent.numerator).translate(_SUPERSCRIPTS)
    return "^" + format_number(exponent)


def _operand_text(graph: "Graph", nid: str) -> str:
    node = graph.nodes[nid]
    if node.kind == "const" and node.value is not None and node.value < 0:
        return f"({node.name.replace('-', MINUS)})"
    return node.name


def right_side(graph: "Graph", nid: str) -> str:
    """The operation of an op node over its operands' names: ``θ1·θ2``, ``c²``, ``σ(z)``."""
    node = graph.nodes[nid]
    args = [_operand_text(graph, o) for o in node.operands]
    if node.op in _INFIX:
        return f"{args[0]} {_INFIX[node.op]} {args[1]}" if node.op in ("add", "sub") else f"{args[0]}{_INFIX[node.op]}{args[1]}"
    if node.op == "neg":
        return MINUS + args[0]
    if node.op == "powc":
        return args[0] + superscript(node.params[0])
    if node.op == "pow":
        return f"{args[0]}^{args[1]}"
    return right_side_of(node, args)


def equation(graph: "Graph", nid: str) -> str:
    """``name = operation`` for an op node, the name alone otherwise."""
    node = graph.nodes[nid]
    return f"{node.name} = {right_side(graph, nid)}" if node.kind == "op" else node.name


def expression_text(expr: Any, symbol_text: Callable[[Any], str] | None = None) -> str:
    """A sympy expression in textbook form; ``symbol_text`` may replace how symbols print."""
    return _textbook_printer()(symbol_text).doprint(expr)


def _textbook_printer():
    """The printer class, built on first use so that importing this module stays sympy-free."""
    global _PRINTER
    if _PRINTER is None:
        _PRINTER = _make_printer()
    return _PRINTER


_PRINTER = None


def _make_printer():
    import sympy
    from sympy.printing.precedence import PRECEDENCE
    from sympy.printing.str import StrPrinter

    class TextbookPrinter(StrPrinter):
        """Juxtaposed products, superscript powers, Unicode minus, Iverson brackets for steps."""

        def __init__(self, symbol_text=None):
            super().__init__({"order": "none"})
            self._symbol_text = symbol_text

        def _print_Symbol(self, expr):
            return self._symbol_text(expr) if self._symbol_text else expr.name

        def _print_Integer(self, expr):
            return str(expr.p).replace("-", MINUS)

        def _print_Rational(self, expr):
            return f"{expr.p}/{expr.q}".replace("-", MINUS)

        def _print_Float(self, expr):
            return format_value(expr)

        def _print_Add(self, expr, order=None):
            terms = list(expr.args) if self._symbol_text else expr.as_ordered_terms()
            out = ""
            for i, term in enumerate(terms):
                text = self._print_term(term)
                if i == 0:
                    out = text
                elif text.startswith(MINUS):
                    out += f" {MINUS} {text[1:]}"
                else:
                    out += f" + {text}"
            return out

        def _print_term(self, term):
            return self.parenthesize(term, PRECEDENCE["Add"]) if term.is_Add else self._print(term)

        def _print_Mul(self, expr):
            coeff, factors = expr.as_coeff_mul()
            sign = ""
            if coeff.is_negative:
                sign, coeff = MINUS, -coeff
            numer = [f for f in factors if not (f.is_Pow and f.exp.is_negative)]
            denom = [1 / f for f in factors if f.is_Pow and f.exp.is_negative]
            if coeff.is_Rational and coeff.q != 1:
                denom.insert(0, sympy.Integer(coeff.q))
                coeff = sympy.Integer(coeff.p)
            parts = [] if coeff == 1 and numer else [self._print(coeff)]
            parts += [self._factor(f) for f in numer]
            text = juxtapose(parts)
            if denom:
                bottom = juxtapose([self._factor(f) for f in denom])
                bottom = f"({bottom})" if len(denom) > 1 else bottom
                text = f"{text}/{bottom}"
            return sign + text

        def _factor(self, f):
            if f.is_Add or (f.is_Mul) or (f.is_Number and f.is_negative):
                return f"({self._print(f)})"
            return self._print(f)

        def _print_Pow(self, expr):
            base, exp = expr.args
            if exp == sympy.Rational(1, 2):
                return f"√{self._factor(base)}" if base.is_Atom else f"√({self._print(base)})"
            if exp.is_negative:
                return f"1/{self._factor(1 / expr)}"
            b = self._print(base)
            if not (base.is_Symbol or base.is_Integer and base >= 0 or base.is_Function):
                b = f"({b})"
            if exp.is_Integer:
                return b + superscript(Fraction(int(exp)))
            return f"{b}^{self.parenthesize(exp, PRECEDENCE['Pow'] + 1)}"

        def _print_exp(self, expr):
            return f"exp({self._print(expr.args[0])})"

        def _print_Heaviside(self, expr):
            at_zero = expr.args[1] if len(expr.args) > 1 else sympy.Rational(1, 2)
            x = self._print(expr.args[0])
            if at_zero == 0:
                return f"[{x} > 0]"
            if at_zero == 1:
                return f"[{x} ≥ 0]"
            return f"H({x})"

        def _print_sign(self, expr):
            return f"sgn({self._print(expr.args[0])})"

        def _print_Abs(self, expr):
            return f"|{self._print(expr.args[0])}|"

        def _print_Max(self, expr):
            return f"max({', '.join(self._print(a) for a in expr.args)})"

        def _print_Min(self, expr):
            return f"min({', '.join(self._print(a) for a in expr.args)})"

    return TextbookPrinter


_FUNCTION_CALL = re.compile(r"[^\W\d_]{2,}\(")


def juxtapose(parts: list[str]) -> str:
    """Join factors by juxtaposition: a ``·`` before a number, a space before a named
    function (``y log(p)``, never ``ylog(p)``)."""
    out = parts[0] if parts else "1"
    for part in parts[1:]:
        if part[0].isdigit() or part[0] == ".":
            out += "·"
        elif _FUNCTION_CALL.match(part) and out[-1] not in "( ":
            out += " "
        out += part
    return out


_PRECEDENCE = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4, "powc": 4}
ATOM = 9


def written(graph: "Graph", nid: str) -> str:
    """A node's whole subexpression in the inputs, as a slide writes it: ``θ1θ2x − y``.

    Text longer than ``WRITTEN_LIMIT`` characters is cut there and ends in ``…`` (a sum of
    100,000 terms would otherwise cost quadratic time and memory to write out)."""
    texts: dict[str, tuple[str, int]] = {}
    wanted = _ancestors(graph, nid)
    for current in graph.order:
        if current in wanted:
            text, prec = written_node(graph, current, texts)
            texts[current] = (text[:WRITTEN_LIMIT] + "…", prec) if len(text) > WRITTEN_LIMIT else (text, prec)
    return texts[nid][0]


def _ancestors(graph: "Graph", nid: str) -> set[str]:
    seen, stack = {nid}, [nid]
    while stack:
        for operand in graph.nodes[stack.pop()].operands:
            if operand not in seen:
                seen.add(operand)
                stack.append(operand)
    return seen


def written_node(graph: "Graph", nid: str, texts: dict[str, tuple[str, int]]) -> tuple[str, int]:
    node = graph.nodes[nid]
    if node.kind != "op":
        negative = node.kind == "const" and node.value is not None and node.value < 0
        return node.name.replace("-", MINUS), (3 if negative else ATOM)
    prec = _PRECEDENCE.get(node.op, ATOM)
    args = [texts[o] for o in node.operands]

    def wrap(arg: tuple[str, int], least: int) -> str:
        return arg[0] if arg[1] >= least else f"({arg[0]})"

    if node.op in ("add", "sub"):
        return f"{wrap(args[0], 1)} {_INFIX[node.op]} {wrap(args[1], 2)}", prec
    if node.op == "mul":
        return juxtapose([wrap(args[0], 2), wrap(args[1], 3)]), prec
    if node.op == "div":
        return f"{wrap(args[0], 2)}/{wrap(args[1], 3)}", prec
    if node.op == "neg":
        return MINUS + wrap(args[0], 3), prec
    if node.op == "powc":
        return wrap(args[0], 5) + superscript(node.params[0]), prec
    if node.op == "pow":
        return f"{wrap(args[0], 5)}^{wrap(args[1], 5)}", prec
    if node.op == "id":
        return args[0]
    return right_side_of(node, [a[0] for a in args]), ATOM


def right_side_of(node, args: list[str]) -> str:
    """A function node applied to operand texts: ``σ(z)``, ``max(a, b)``."""
    args = list(args)
    if node.op == "leaky_relu" and node.params[0] != Fraction(1, 100):
        from .graph import format_number

        args.append(format_number(node.params[0]))
    return f"{_FUNCTION_TEXT.get(node.op, node.op)}({', '.join(args)})"
