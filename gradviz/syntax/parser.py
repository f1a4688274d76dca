"""Tokens → ``GraphBuilder`` calls: operator-precedence parsing with explicit stacks, no recursion.

Precedence, low to high: ``+ −`` < ``* / ÷ ×`` and juxtaposition < unary ``−`` < a function
applied without parentheses (``log p``, ``\\sin x^2``) < ``^`` (right-associative) <
postfix superscripts (``x²``) < atoms. Number literals wait before becoming nodes while
they may still be an exponent (``x^-2`` is ``powc``) or a slope (``leaky_relu(x, 0.2)``),
and ``e`` waits while it may be the base of ``e^z`` (which is ``exp``).
"""

from __future__ import annotations

import re
import warnings
from collections import ChainMap
from dataclasses import dataclass
from fractions import Fraction
from typing import Collection

from ..errors import ParseError
from ..ir.graph import Graph, GraphBuilder
from ..ir.ops import OPS, Precedence
from . import names
from .lexer import MAX_LENGTH, TRANSPOSE, Source, Token, log_base, tokenize, written_as_fraction

__all__ = ["parse", "ReadingWarning", "soup_hints"]

_MUL, _UNARY, _FUNCTION = Precedence.PRODUCT, Precedence.UNARY, Precedence.APPLICATION
#: An operator's canonical symbol → (op key, precedence), from the op specs.
_BINARY = {spec.symbols[0]: (spec.key, spec.precedence) for spec in OPS.values() if spec.arity == 2 and spec.symbols}
_MEANINGS = {"e": "Euler's number e", "π": "the constant π", "σ": "the sigmoid function σ(…)"}
_FUNCTION_LETTER = re.compile("[fg][0-9]*(_[^_]+)?′*")  # f(x), g(…), g₁(…) are functions, not products
_EMPTY = {")": "empty parentheses", "]": "empty brackets", "}": "empty braces", "|": "empty '| |'"}


def parse(text: str, given: Collection[str] = ()) -> Graph:
    """Parse a formula or a program (``name = expr`` statements; the last is the output).

    ``given`` are the names values will be given for: a sum without numeric bounds (``\\sum_i y_i``)
    runs over the indexed inputs among them (``y1``, ``y2``, ``y3``)."""
    if len(text) > MAX_LENGTH:
        raise ParseError(f"formula too long: {len(text):,} characters (the limit is {MAX_LENGTH:,})", text, 1, 1)
    source = Source(text)
    return _Program(source, _canonical_names(given)).run(tokenize(source))


def _canonical_names(given: Collection[str]) -> frozenset[str]:
    """The canonical spelling of each given name that reads as one name (``y_1`` → ``y1``)."""
    out = set()
    for name in given:
        try:
            pieces = names.split_word(str(name).strip())
        except names.SplitError:
            continue
        out.update(p.value for p in pieces if len(pieces) == 1 and p.kind == "name")
    return frozenset(out)


def _after_power(tokens: list[Token], k: int) -> Token | None:
    """The token at ``k``, or after the power there (``²``, ``^2``, ``^{-1}``): what a name is applied to."""
    if k < len(tokens) and (tokens[k].kind == "sup" or (tokens[k].kind == "op" and tokens[k].value == "^")):
        k += 1
        if tokens[k - 1].kind == "op" and k < len(tokens):
            if tokens[k].kind == "open" and tokens[k].value == "}":  # a power on a name is short: look 8 ahead
                end = min(len(tokens), k + 8)
                while k < end and tokens[k].kind != "close":
                    k += 1
            k += 1
    return tokens[k] if k < len(tokens) else None


class ReadingWarning(UserWarning):
    """A formula read in a way its writer may not have meant (``sigmod`` as s·i·g·m·o·d)."""


_STYLED_WORD = re.compile(r"\\(?:" + "|".join(names.STYLES) + r")[ \t]*\{[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]*\}|([A-Za-z]+)")


def soup(word: str, pieces: list[names.Piece]) -> str | None:
    """The function a word split into single letters spells or nearly spells (``sigmod``), or a function
    with its last letter doubled (``tanhh``); None otherwise."""
    if len(pieces) == 2 and pieces[0].kind == "func" and word == pieces[0].value + pieces[0].value[-1]:
        return pieces[0].value
    if len(pieces) < 3 or any(p.kind != "name" or p.end - p.start != 1 for p in pieces):
        return None
    return names.function_named(word) if len(word) == 3 else names.near_function(word)


def _unknown_function(word: str, pieces: list[names.Piece]) -> bool:
    """A word of three or more ASCII letters written straight before ``(`` that a split would make into single letters
    (and functions), ending with a letter: a function gradviz does not know (``huber(r)``, ``var(x)``, ``sinc(x)``,
    ``expit(z)``), not the product h·u·b·e·r·r or sin(c·x) the split would silently make (two letters, ``xy(1 − x)``,
    and a spelled Greek letter, ``alphax(1 − x)``, stay a product; ``sinx`` without a parenthesis stays sin(x))."""
    return len(word) >= 3 and word.isascii() and word.isalpha() and len(pieces) > 1 and \
        pieces[-1].kind == "name" and all(p.kind == "func" or p.end - p.start == 1 for p in pieces)


def _undefined(name: str, otherwise: str) -> str:
    """The refusal of ``name(…)`` where ``name`` is neither a function gradviz has nor one the program defines."""
    return f"{name} is used as a function but not defined; define it first ({name}(x) = …), or write {otherwise}"


def soup_message(word: str, letters: list[str], function: str) -> str:
    multiply = f" (to multiply the letters, write {' '.join(letters)})" if len(letters) == len(word) else ""
    return f"'{word}' is read as {'·'.join(letters)} — did you mean {function}(…)?{multiply}"


def soup_hints(text: str) -> list[str]:
    """What ``soup_message`` says about each such word of ``text`` (for an error about missing values)."""
    hints = []
    try:
        words = [t for t in tokenize(Source(text)) if t.kind == "word"]
    except ParseError:
        return []
    for token in words:
        try:
            pieces = names.split_word(token.text)
        except names.SplitError:
            continue
        function = soup(token.text, pieces)
        if function is not None and token.text not in " ".join(hints):
            hints.append(soup_message(token.text, [p.value for p in pieces], function))
    return hints


_MAX_TERMS = 10_000  # terms of one expanded sum or product
#: tokens a program may come to with its words split and its sums and definitions written out: about
#: 10 s of ``grad`` (a sum of 100,000 terms has 200,000; a 1 MB ``x + x + …`` 500,000, 14 s on a quiet
#: machine, 40 s on a busy one; a word of a million letters a million)
_MAX_TOKENS = 300_000
_INDEXED = re.compile(r"(?P<base>[^_^]+?)(?:_(?P<sub>[A-Za-z0-9]{1,3}))?(?:\^(?P<index>[^′]+))?(?P<primes>′*)")
_INDEX_TERM = re.compile(r"([(\[])([A-Za-z0-9]+)(?:([+-])([0-9]+))?([)\]])")


def _expand_sums(program: _Program, tokens: list[Token]) -> list[Token]:
    """Sums and products over an index written out: ``\\sum_{i=1}^{3} x_i y_i`` → ``((x1 y1) + (x2 y2) + (x3 y3))``.

    The body runs to the next ``+``/``−``, comma or unmatched closing bracket; ``y_i`` becomes ``y1``
    and a bare ``i`` the number. Inner sums are written out after outer ones (a loop, no recursion).
    """
    k = 0
    while k < len(tokens):
        t = tokens[k]
        if t.kind != "sum":
            k += 1
            continue
        key, index, first, last = t.value
        end = _body_end(tokens, k)
        if first is None or last is None:
            first, last = _range_from_values(program, t, tokens[k + 1 : end], first, last)
        if last < first:
            raise program.error(f"'{t.text}' has no terms ({first} > {last})", t)
        if last - first >= _MAX_TERMS:
            raise program.error(f"'{t.text}' has too many terms (the limit is {_MAX_TERMS:,})", t)
        body = tokens[k + 1 : end]
        if not body:
            raise program.error(f"expected what '{t.text}' sums after it", t)
        if len(tokens) + (last - first + 1) * (len(body) + 3) > _MAX_TOKENS:
            raise program.error(f"the sums written out are too long (more than {_MAX_TOKENS:,} tokens)", t)
        joiner = Token("op", "+" if key == "add" else "·", t.start, t.end, "+" if key == "add" else "*")
        out = [Token("open", "(", t.start, t.end, ")")]
        for n in range(first, last + 1):
            out += [joiner] if n > first else []
            out += [Token("open", "(", t.start, t.end, ")"), *(_substitute(u, index, n) for u in body),
                    Token("close", ")", t.start, t.end, ")")]
        tokens = tokens[:k] + out + [Token("close", ")", t.start, t.end, ")")] + tokens[end:]
    return tokens


def _body_end(tokens: list[Token], k: int) -> int:
    """Where the body of the sum at ``k`` ends: the next ``+``/``−``, comma or unmatched closing bracket."""
    end, depth = k + 1, 0
    while end < len(tokens):
        u = tokens[end]
        if depth == 0 and (u.kind in ("comma", "eq") or u.kind == "close"
                           or (u.kind == "op" and u.value in "+-" and end > k + 1)):
            break
        depth += (u.kind == "open") - (u.kind == "close")
        end += 1
    return end


def _range_from_values(program: _Program, t: Token, body: list[Token], first: int | None,
                       last: int | None) -> tuple[int, int]:
    """The bounds of ``\\sum_i y_i`` from the indexed inputs the values name (``y1 … y3`` → 1, 3)."""
    index = t.value[1]
    patterns = {re.compile(re.escape(written).replace("0", "(-?[0-9]+)")): written.replace("0", "{}")
                for u in body if u.kind == "name" and "0" not in str(u.value)
                and (written := _substituted(str(u.value), index, "0")) is not None}
    numbers = {int(m.group(1)) for pattern in patterns for name in program.given if (m := pattern.fullmatch(name))}
    if not numbers:
        wanted = ", ".join(f"{form.format(1)}, {form.format(2)}" for form in sorted(patterns.values())) or "the indexed inputs"
        raise program.error(f"give '{t.text}' numbers as bounds, as in \\sum_{{{index}=1}}^{{3}}, "
                            f"or values for {wanted}, …", t)
    return (min(numbers) if first is None else first), (max(numbers) if last is None else last)


def _substitute(token: Token, index: str, n: int) -> Token:
    """``y_i`` → ``y1``, ``w_ij`` → ``w_1j``, ``y^(i)`` → ``y^(1)``, ``a^(i-1)`` → ``a^(0)`` and ``i`` → 1 for
    index ``i`` = ``n``."""
    if token.kind != "name":
        return token
    if token.value == index:
        return Token("num", token.text, token.start, token.end, Fraction(n))
    name = _substituted(str(token.value), index, str(n))
    return token if name is None else token._replace(value=name)


def _substituted(name: str, index: str, n: str) -> str | None:
    """``name`` with the sum's ``index`` replaced by ``n`` in its subscript and index superscript, or None
    when it holds no such index."""
    match = _INDEXED.fullmatch(name)
    sub, superscript = (match["sub"] or "", match["index"] or "") if match else ("", "")
    if not (index in sub or index in superscript):
        return None

    def term(m: re.Match) -> str:
        if m.group(2) != index:
            return m.group()
        value = int(n) + (0 if not m.group(3) else int(m.group(4)) * (1 if m.group(3) == "+" else -1))
        return f"{m.group(1)}{value}{m.group(5)}"

    sub = sub.replace(index, n)
    name = match["base"] + (sub if sub.isdigit() else f"_{sub}" if sub else "")
    return name + (f"^{_INDEX_TERM.sub(term, superscript)}" if superscript else "") + match["primes"]


def _unused_arguments(program: _Program, tokens: list[Token]) -> list[Token]:
    """A name given for a parameter the body does not use (``y(x_n, \\mathbf{w})`` with ``y(x, \\mathbf{w}) =
    \\sum_j w_j x^j``) documents, like the definition's head: it becomes no input."""
    out = list(tokens)
    for k, t in enumerate(tokens):
        unused = program.unused.get(str(t.value), ()) if t.kind == "ufunc" else ()
        if not unused or k + 1 >= len(tokens) or tokens[k + 1].kind != "open":
            continue
        depth, position, start = 0, 0, k + 2
        for j in range(k + 1, len(tokens)):
            u = tokens[j]
            depth += (u.kind == "open") - (u.kind == "close")
            if (depth == 1 and u.kind == "comma") or depth == 0:
                if position in unused and j - start == 1 and tokens[start].kind == "name":
                    out[start] = tokens[start]._replace(kind="unused")
                position, start = position + 1, j + 1
            if depth == 0:
                break
    return out


@dataclass(slots=True)
class _Operand:
    """A parsed operand: a node id, or a number literal / ``e`` not made a node yet."""

    nid: str | None
    value: Fraction | None = None
    euler: bool = False
    unused: bool = False  # an argument for a parameter the function's body does not use
    fraction: bool = False  # the literal was written as a fraction (½, \\frac12): its constant keeps that form


@dataclass(slots=True)
class _Frame:
    """An entry of the operator stack: a binary or prefix operator, or an open group."""

    kind: str  # "binary" | "prefix" | "group"
    op: str  # op key; for groups: paren call abs frac1 frac2
    prec: int
    token: Token  # the operator, function name, \frac, or opening bracket
    opener: Token | None = None  # a group's opening bracket
    close: str = ""  # the bracket that closes a group
    base: int = 0  # operand-stack height when a group opened
    fn: str = ""  # a call's op key
    args: int = 0  # commas seen in a call
    literal: bool = False  # a number right above may still be an exponent or a slope
    power: Fraction | None = None  # a function's power written on its name: \sin^2 x
    log_base: int | None = None  # a logarithm's base: \log_2 x


class _Program:
    """Statements, names and the builder shared by the expressions of one program."""

    def __init__(self, source: Source, given: frozenset[str] = frozenset()):
        self.src = source
        self.given = given  # names values will be given for: the ranges of sums without bounds
        self.b = GraphBuilder(source.original)
        self.assigned: dict[str, str] = {}  # name → node id
        self.targets: dict[str, Token] = {}  # name → where it was assigned
        self.used: set[str] = set()
        self.meanings: set[str] = set()  # e, π, σ used with their built-in meaning
        self.bound: dict[str, str] = {}  # g = σ: name → op key
        self.functions: dict[str, tuple[tuple[str, ...], list[Token], Token]] = {}  # f(x) = …: params, body, name
        self.applied: set[str] = set()  # defined functions applied somewhere
        self.inlining: set[str] = set()  # defined functions whose body is being parsed
        self.expansion: dict[str, int] = {}  # defined function → tokens one application writes out (estimated)
        self.spent = 0  # tokens parsed so far, written out
        self.unused: dict[str, frozenset[int]] = {}  # y(x, w) = Σ w_j x^j: w's position, which documents
        self.soups: dict[str, tuple[Token, str, list[str]]] = {}  # sigmod: where, the function meant, the letters

    def spend(self, count: int, token: Token, what: str = "") -> None:
        """Count ``count`` more tokens to parse at ``token``; refuse, before the work, past ``_MAX_TOKENS``."""
        if self.spent + count > _MAX_TOKENS:
            raise self.error(f"{what or 'the formula'} comes to {self.spent + count:,} symbols or more with words "
                             "split into names and sums and definitions written out (the limit is "
                             f"{_MAX_TOKENS:,}, about 10 s of work): split it into "
                             "smaller formulas, or name intermediate results instead of nesting definitions "
                             "(a = f(x); b = f(a))", token)
        self.spent += count

    def error(self, message: str, token: Token) -> ParseError:
        return self.src.error(message, token.start, token.end)

    def run(self, tokens: list[Token]) -> Graph:
        statements: list[list[Token]] = [[]]
        for token in tokens:
            if token.kind == "sep":
                statements.append([])
            else:
                statements[-1].append(token)
        statements = [s for s in statements if s]
        if not statements:
            raise self.src.error("empty formula: expected an expression", 0)
        targets = sum(2 for s in statements if len(s) > 1 and s[1].kind == "eq")  # a = …: the name and '='
        self.spend(sum(map(len, statements)) - targets, statements[-1][-1])  # at least this many, written out
        self.spent = 0  # each expression counts its own when it is written out
        output = ""
        for k, statement in enumerate(statements):
            header = self._definition(statement)
            if header is not None and k < len(statements) - 1:
                self._define(*header)
            elif header is not None:  # the output: f(x) = x² is named f, with x an input
                name, params, body = header
                used = self._names_used(body[1:])
                for param in params:  # the head's arguments document; what the body uses is an input
                    if param in used:
                        self.resolve(param)
                output = self._assignment([Token("name", name.text, name.start, name.end, self._defined_name(name)),
                                           *body])
            elif len(statement) == 3 and statement[1].kind == "eq" and self._bind(statement):
                if k == len(statements) - 1:
                    raise self.error(f"'{statement[0].text} = {statement[2].text}' only names a function; "
                                     "the last statement must compute the output", statement[0])
            elif len(statement) > 1 and statement[1].kind == "eq":
                output = self._assignment(statement, last=k == len(statements) - 1)
            elif k < len(statements) - 1:
                raise self.error("only the last statement can be a bare expression; "
                                 "name this one (a = …)", statement[0])
            else:
                output = _Expression(self, statement, None).run()
        for name, target in self.targets.items():
            if name not in self.used and self.assigned[name] != output:
                raise self.error(f"'{name}' is assigned but never used", target)
        for name, (_, _, target) in self.functions.items():
            if name not in self.applied:
                raise self.error(f"the function '{name}' is defined but never applied", target)
        self._say_soups()
        return self.b.finish(output)

    def _say_soups(self) -> None:
        """A run of letters that spells a function (``sigmod``) is said: an error when its letters have
        no values among those given, a ``ReadingWarning`` otherwise."""
        for word, (token, function, letters) in self.soups.items():
            message = soup_message(word, letters, function)
            if self.given and not set(letters) - set(names.FUNCTIONS) - {"e", "π"} <= self.given:
                raise self.error(message, token)
            warnings.warn(message, ReadingWarning, stacklevel=5)

    def _assignment(self, statement: list[Token], last: bool = False) -> str:
        target, eq = statement[0], statement[1]
        name = self._target(target, output=last)
        if len(statement) == 2:
            raise self.error("expected an expression after '='", eq)
        nid = _Expression(self, statement[2:], eq).run()
        if name in self.assigned:
            line, column = self.src.position(self.targets[name].start)
            raise self.error(f"'{name}' is already assigned (line {line}, column {column}); "
                             "each name is assigned once", target)
        if self.b.is_input(name) and eq.text != "=":  # θ ← θ − η g
            raise self.error(f"'{target.text} {eq.text} …' updates {name} from itself; name the new value, as in "
                             f"{target.text}_{{new}} {eq.text} …", target)
        if self.b.is_input(name):
            raise self.error(f"'{name}' is used before this assignment; assign a name before using it", target)
        if name in self.meanings:
            raise self.error(f"'{name}' was already used as {_MEANINGS[name]}; it cannot be assigned after that",
                             target)
        nid = self.b.name(nid, name)
        self.assigned[name], self.targets[name] = nid, target
        return nid

    def _definition(self, statement: list[Token]) -> tuple[Token, tuple[str, ...], list[Token]] | None:
        """``NAME(args) = body``: the name token, the parameters and ``[=, body…]``, or None."""
        if len(statement) < 4 or statement[0].kind not in ("word", "name", "func") or statement[1].kind != "open" \
                or statement[1].value != ")":
            return None
        close = next((k for k, t in enumerate(statement) if t.kind == "close"), None)
        if close is None or close + 1 >= len(statement) or statement[close + 1].kind != "eq":
            return None
        inside = statement[2:close]
        if not inside or any(t.kind != ("comma" if k % 2 else t.kind if t.kind in ("word", "name") else "")
                             for k, t in enumerate(inside)) or len(inside) % 2 == 0:
            return None
        if close + 2 >= len(statement):
            raise self.error("expected an expression after '='", statement[close + 1])
        params = tuple(self._target(t) for t in inside[::2])
        if len(set(params)) < len(params):
            raise self.error("each parameter of a function is named once", statement[2])
        return statement[0], params, statement[close + 1 :]

    def _defined_name(self, target: Token) -> str:
        """The name ``NAME(args) = …`` defines; a function's own name may be defined (``ReLU(z) = …``)."""
        spelled = target.text.lstrip("\\")
        if target.kind == "func" and (word := _STYLED_WORD.fullmatch(target.text)) and word.group(1):
            return word.group(1)  # \text{Softplus}(x) = … defines Softplus
        if target.kind == "func" or spelled in names.FUNCTIONS:
            return names.LATEX_GREEK.get(spelled, spelled)
        return self._target(target)

    def _define(self, target: Token, params: tuple[str, ...], body: list[Token]) -> None:
        """Keep ``f(x) = …`` to be inlined where it is applied."""
        name = self._defined_name(target)
        if name in self.functions or name in self.assigned or name in self.bound:
            raise self.error(f"'{name}' is already defined; each name is defined once", target)
        self.functions[name] = (params, body[1:], target)
        # each application writes the body out, and within it every defined function it applies:
        # estimated here, before any is written out (nesting multiplies it: g(x) = f(f(x)))
        self.expansion[name] = len(body) + sum(self.expansion.get(str(t.value) if t.kind == "name" else t.text, 0)
                                               for t in body[1:])
        used = self._names_used(body[1:])
        self.unused[name] = frozenset(k for k, param in enumerate(params) if param not in used)

    def _names_used(self, body: list[Token]) -> set[str]:
        """The names a definition's body uses (not those only given to a function that ignores them)."""
        return {str(t.value) for t in _unused_arguments(self, self.expand(body)) if t.kind == "name"}

    def _bind(self, statement: list[Token]) -> bool:
        """``g = σ``: the name applies that function from now on. Whether the statement is one."""
        value = statement[2]
        if value.kind == "func":
            key = str(value.value)
        elif value.kind in ("word", "name") and (value.text in names.FUNCTIONS or value.value == "σ" or value.text == "σ"):
            key = names.FUNCTIONS.get(value.text, "sigmoid")
        else:
            return False
        name = self._target(statement[0])
        if name in self.bound or name in self.assigned or name in self.functions:
            raise self.error(f"'{name}' is already defined; each name is defined once", statement[0])
        if self.b.is_input(name):
            raise self.error(f"'{name}' is used before this binding; bind a function before applying it",
                             statement[0])
        self.bound[name] = key
        return True

    def _target(self, target: Token, output: bool = False) -> str:
        """The name a statement assigns; the output may be named by a function's name (``\\text{MSE} = …``)."""
        if target.kind == "name":
            return str(target.value)
        if target.kind == "func" and target.text.startswith("\\") and target.text[1:] in names.LATEX_GREEK:
            return names.LATEX_GREEK[target.text[1:]]  # \sigma(z) = … defines σ
        if target.kind == "func" and output and (word := _STYLED_WORD.fullmatch(target.text)):
            return word.group(1) or word.group(2)
        if target.kind == "func":
            raise self.error(f"cannot assign to the function name '{target.text}'", target)
        if target.kind != "word":
            raise self.error(f"expected a name before '=', found '{target.text}'", target)
        try:
            return names.assignable_name(target.text)
        except names.SplitError as exc:
            raise self.src.error(exc.message, target.start + exc.start, target.start + exc.end) from None

    def expand(self, tokens: list[Token]) -> list[Token]:
        """Split words into names, constants and function names (``θ1θ2x`` → θ1 θ2 x)."""
        out: list[Token] = []
        splits: dict[tuple[str, bool], list[names.Piece]] = {}  # words repeat in long formulas
        known = ChainMap(self.assigned, self.bound, self.functions)  # program names: act, loss
        for k, token in enumerate(tokens):
            after = _after_power(tokens, k + 1)
            paren = after is not None and after.kind == "open" and after.value == ")"
            if token.kind == "name":
                out.append(self._name(token.text, token.start, token.end, str(token.value), paren))
            elif token.kind == "func" and self._defined_name(token) in self.functions:  # \tanh(x) = … redefined
                out.append(token._replace(kind="ufunc", value=self._defined_name(token)))
            elif token.kind != "word":
                out.append(token)
            else:
                pieces = splits.get((token.text, paren))
                if pieces is None:
                    room = _MAX_TOKENS - self.spent - len(out)  # a word of a million letters stops early
                    try:
                        pieces = splits[token.text, paren] = names.split_word(token.text, known, paren, most=room)
                    except names.SplitError as exc:
                        raise self.src.error(exc.message, token.start + exc.start, token.start + exc.end) from None
                    if len(pieces) > room:
                        self.spend(len(out) + len(pieces), token)
                    function = soup(token.text, pieces)
                    if function is not None:
                        self.soups.setdefault(token.text, (token, function, [p.value for p in pieces]))
                    elif paren and _unknown_function(token.text, pieces):
                        split = " ".join(token.text[p.start:p.end] for p in pieces)
                        raise self.src.error(_undefined(token.text, f"{split} (…) to mean what its letters spell apart"),
                                             token.start, token.end)
                for j, piece in enumerate(pieces):
                    text, start, end = token.text[piece.start : piece.end], token.start + piece.start, token.start + piece.end
                    if piece.kind == "func" and piece.value in self.functions:  # ReLU(z) = … redefined
                        out.append(Token("ufunc", text, start, end, piece.value))
                    elif piece.kind == "func":
                        out.append(Token("func", text, start, end, names.FUNCTIONS[piece.value]))
                    else:
                        out.append(self._name(text, start, end, piece.value, paren and j == len(pieces) - 1))
        return out

    def _name(self, text: str, start: int, end: int, name: str, paren: bool) -> Token:
        """A name token; unassigned ``e``/``π`` are constants and ``σ(`` is the sigmoid function;
        a bound name (``g = σ``) or a defined function (``f(x) = …``) is a function."""
        if name in self.bound:
            return Token("func", text, start, end, self.bound[name])
        if name in self.functions:
            return Token("ufunc", text, start, end, name)
        if paren and name not in self.assigned and _FUNCTION_LETTER.fullmatch(name):
            raise self.src.error(f"{name} is used as a function; bind it, e.g. {name} = σ, "
                                 f"or write {name}·(…) for a product", start, end)
        if paren and name not in self.assigned and len(name) > 1 and name.isascii() and name.isalpha():  # \text{Mish}(x)
            raise self.src.error(_undefined(name, f"{name}·(…) for a product"), start, end)
        if name not in self.assigned and (name in ("e", "π") or (name == "σ" and paren)):
            self.meanings.add(name)
            if name == "σ":
                return Token("func", text, start, end, "sigmoid")
            return Token("const", text, start, end, name)
        return Token("name", text, start, end, name)

    def resolve(self, name: str) -> str:
        """The node a name stands for: an assigned node, or an input."""
        if name in self.assigned:
            self.used.add(name)
            return self.assigned[name]
        return self.b.input(name)


class _Expression:
    """One expression: a shunting-yard loop over tokens with an operator and an operand stack."""

    def __init__(self, program: _Program, tokens: list[Token], after: Token | None,
                 scope: dict[str, str] | None = None):
        self.p, self.b = program, program.b
        self.scope = scope or {}  # a defined function's parameters → the nodes it is applied to
        self.tokens = _unused_arguments(program, _expand_sums(program, program.expand(tokens)))
        if self.tokens:
            program.spend(len(self.tokens), self.tokens[0])
        self.after = after  # the '=' before an assigned expression
        self.ops: list[_Frame] = []
        self.vals: list[_Operand] = []
        self.groups: list[_Frame] = []  # the open groups, innermost last
        self.bars = 0  # open |…| groups

    def run(self) -> str:
        """Parse all tokens; the node id of the value."""
        i, expect = 0, True
        while i < len(self.tokens):
            i, expect = self._operand(i) if expect else self._operator(i)
        if expect:
            raise self._missing(len(self.tokens))
        self._reduce(0)
        if self.groups:
            opener = self.groups[-1].opener
            raise self.p.error(f"'{opener.text}' is never closed", opener)
        return self._node(self.vals.pop())

    # -- operands ------------------------------------------------------------------------
    def _operand(self, i: int) -> tuple[int, bool]:
        """Handle token ``i`` where an operand is expected; the next index and state."""
        t = self.tokens[i]
        after = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
        if t.kind == "num":
            self._flush()
            operand = _Operand(None, t.value, fraction=written_as_fraction(t.text))
            if not self._literal_context():
                operand.nid = self._node(operand)
            self.vals.append(operand)
        elif t.kind == "name":
            self._flush()
            self.vals.append(_Operand(self.scope.get(str(t.value)) or self.p.resolve(str(t.value))))
        elif t.kind == "unused":
            self.vals.append(_Operand(None, unused=True))
        elif t.kind == "const":
            self._flush()
            base_of_power = after is not None and (after.kind == "sup" or after.value == "^" and after.kind == "op")
            if t.value == "e" and base_of_power:
                self.vals.append(_Operand(None, euler=True))
            else:
                self.vals.append(_Operand(self.b.constant(str(t.value))))
        elif t.kind in ("func", "ufunc"):
            return self._function(i, after)
        elif t.kind == "softmax":
            if after is None or after.kind != "open":
                raise self.p.error(f"'{t.text}' needs parentheses, as in {t.text}(z1, z2, z3)", t)
            self._push(_Frame("group", "call", 0, t, opener=after, close=str(after.value), fn="softmax"))
            return i + 2, True
        elif t.kind == "root":  # ∛x is x^(1/3)
            self._push(_Frame("prefix", "powc", _FUNCTION, t, power=Fraction(t.value)))
            return i + 1, True
        elif t.kind == "frac":
            if after is None or after.kind != "open" or after.value != "}":
                raise self.p.error(f"expected '{{' after '{t.text}', as in \\frac{{a}}{{b}}", after or t)
            self._push(_Frame("group", "frac1", 0, t, opener=after, close="}"))
            return i + 2, True
        elif t.kind == "open":
            self._push(_Frame("group", "paren", 0, t, opener=t, close=str(t.value)))
            return i + 1, True
        elif t.kind == "bar" and t.value != "close":
            self._push(_Frame("group", "abs", 0, t, opener=t, close="|"))
            self.bars += 1
            return i + 1, True
        elif t.kind == "op" and t.value in "+-":
            self._push(_Frame("prefix", "neg" if t.value == "-" else "pos", _UNARY, t))
            return i + 1, True
        else:
            raise self._missing(i)
        return i + 1, False

    def _function(self, i: int, after: Token | None) -> tuple[int, bool]:
        t, key = self.tokens[i], str(self.tokens[i].value)
        power, i = self._function_power(i)  # \sin^2 x, \sigma^{2}(z)
        after = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
        base = log_base(t.text) if t.kind == "func" and t.value == "log" else None
        if after is not None and after.kind == "open":
            if t.text == "\\sqrt" and after.value == "]":
                raise self.p.error("\\sqrt[n]{…} (an n-th root) is not supported; write x^(1/n)", after)
            self._push(_Frame("group", "call", 0, t, opener=after, close=str(after.value), fn=key, power=power,
                              log_base=base))
            return i + 2, True
        if t.kind == "ufunc" or names.ARITY[key][0] > 1:  # max, min, the losses, f(x): parentheses
            raise self.p.error(f"'{t.text}' needs parentheses, as in {t.text}(a, b)", t)
        self._push(_Frame("prefix", key, _FUNCTION, t, power=power, log_base=base))
        return i + 1, True

    def _function_power(self, i: int) -> tuple[Fraction | None, int]:
        """A power written on a function name (``\\sin^2``, ``\\tanh^{2}``, ``σ²``) and the index of its last token."""
        tokens, t = self.tokens, self.tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is None or not (nxt.kind == "sup" or (nxt.kind == "op" and nxt.value == "^")):
            return None, i
        if nxt.kind == "sup":
            power, last = nxt.value, i + 1
        else:
            braced = i + 2 < len(tokens) and tokens[i + 2].kind == "open" and tokens[i + 2].value == "}"
            j = i + 3 if braced else i + 2
            sign = -1 if j < len(tokens) and tokens[j].kind == "op" and tokens[j].value == "-" else 1
            j += sign < 0
            if j >= len(tokens) or tokens[j].kind != "num" or (
                    braced and (j + 1 >= len(tokens) or tokens[j + 1].kind != "close")):
                raise self.p.error(f"a power of '{t.text}' must be a number, as in {t.text}^2(x)", nxt)
            power, last = sign * tokens[j].value, j + braced
        if power < 0:
            raise self.p.error(f"'{t.text}' with a negative power (the inverse function?) is not supported; "
                               f"write 1/{t.text}(x) for the reciprocal", nxt)
        return power, last

    def _missing(self, i: int) -> ParseError:
        """The error for a missing operand before token ``i`` (or at the end)."""
        t = self.tokens[i] if i < len(self.tokens) else None
        before = self.tokens[i - 1] if i > 0 else self.after
        top = self.ops[-1] if self.ops else None
        what = "an operand"
        if top is not None and top.kind == "prefix" and top.op not in ("neg", "pos"):
            what = "an argument"
        if t is None:
            return self.p.error(f"expected {what} after '{before.text}'", before)
        closing = t.kind in ("close", "bar", "comma")
        if closing and top is not None and top.kind == "group" and before is top.opener:
            if top.op == "call":
                return self.p.error(f"missing argument: '{top.token.text}' needs an argument", top.token)
            if top.op.startswith("frac"):
                part = "numerator" if top.op == "frac1" else "denominator"
                return self.p.error(f"empty {part} in '{top.token.text}'", top.opener)
            if t.kind != "comma":
                return self.p.src.error(_EMPTY[top.close], top.opener.start, t.end)
        if t.kind == "close" and not self.groups:
            return self.p.error(f"unmatched '{t.text}'", t)
        if before is None:
            return self.p.error(f"expected an operand before '{t.text}'", t)
        return self.p.error(f"expected {what} after '{before.text}', found '{t.text}'", t)

    # -- operators -----------------------------------------------------------------------
    def _operator(self, i: int) -> tuple[int, bool]:
        """Handle token ``i`` after a complete operand; the next index and state."""
        t = self.tokens[i]
        if t.kind == "op":
            key, prec = _BINARY[str(t.value)]
            exponent = [token.text for token in self.tokens[i + 1 : i + 4]]
            if key == "pow" and (exponent[:1] == ["T"] or exponent == ["{", "T", "}"]):  # θ^T x
                raise self.p.src.error(TRANSPOSE, t.start, self.tokens[i + 1].end)
            self._reduce(prec, right=key == "pow")
            self._push(_Frame("binary", key, prec, t))
            return i + 1, True
        if t.kind == "sup":
            operand = self.vals.pop()
            if operand.euler:
                nid = self.b.apply("exp", [self.b.constant(t.value)])
            else:
                nid = self.b.apply("powc", [self._node(operand)], (t.value,))
            self.vals.append(_Operand(nid))
            return i + 1, False
        if t.kind == "close" or (t.kind == "bar" and t.value == "close"):
            return self._close(i)
        if t.kind == "bar" and t.value is None:
            if self.groups and self.groups[-1].op == "abs":
                return self._close(i)
            if self.bars:
                opener = self.groups[-1].opener
                raise self.p.error(f"'{opener.text}' is not closed before this '|'", opener)
        if t.kind == "comma":
            self._reduce(0)
            if not self.groups or self.groups[-1].op != "call":
                raise self.p.error("',' outside a function call; commas separate arguments, as in max(a, b)", t)
            self.groups[-1].args += 1
            return i + 1, True
        if t.kind == "eq":
            raise self.p.error(f"'{t.text}' can only follow a name at the start of a statement", t)
        if t.kind == "num":
            raise self.p.error(f"missing operator before the number '{t.text}'", t)
        # juxtaposition: implicit multiplication, then t as an operand; it stays in the argument of a
        # function applied without parentheses (\sin 2x is sin(2x)) unless t is a function itself
        self._reduce(_MUL, into_argument=t.kind != "func")
        self._push(_Frame("binary", "mul", _MUL, t))
        return i, True

    def _close(self, i: int) -> tuple[int, bool]:
        t = self.tokens[i]
        closer = "|" if t.kind == "bar" else str(t.value)
        self._reduce(0)
        if not self.groups:
            raise self.p.error(f"unmatched '{t.text}'", t)
        group = self.groups[-1]
        if group.close != closer:
            line, column = self.p.src.position(group.opener.start)
            where = f"column {column}" if line == self.p.src.position(t.start)[0] else f"line {line}, column {column}"
            hint = ("; | … | is an absolute value: for a conditional probability P(c|x), name the left side "
                    "plainly (p = …)" if group.opener.text == "|" else "")
            raise self.p.error(f"'{t.text}' closes while the '{group.opener.text}' opened at {where} is open{hint}", t)
        self.ops.pop()
        self.groups.pop()
        if group.op == "abs":
            self.bars -= 1
            self.vals.append(_Operand(self.b.apply("abs", [self._node(self.vals.pop())])))
        elif group.op == "call":
            self._call(group)
        elif group.op == "frac1":
            after = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
            if after is None or after.kind != "open" or after.value != "}":
                raise self.p.error(f"expected '{{' with the denominator of '{group.token.text}'", after or t)
            self._push(_Frame("group", "frac2", 0, group.token, opener=after, close="}"))
            return i + 2, True
        elif group.op == "frac2":
            denominator, numerator = self.vals.pop(), self.vals.pop()
            self.vals.append(_Operand(self.b.apply("div", [self._node(numerator), self._node(denominator)])))
        return i + 1, False

    def _call(self, group: _Frame) -> None:
        args = self.vals[group.base :]
        del self.vals[group.base :]
        key, name = group.fn, group.token.text
        if group.token.kind == "ufunc":
            self.vals.append(_Operand(self._powered(self._inline(key, args, group.token), group)))
            return
        if group.token.kind == "softmax":
            k = int(group.token.value)
            if not 1 <= k <= len(args):
                raise self.p.error(f"'{name}' is element {k} of {len(args)}: k counts from 1 to the number of "
                                   "arguments", group.token)
            self.vals.append(_Operand(self.b.apply(key, [self._node(arg) for arg in args], (Fraction(k - 1),))))
            return
        fewest, most = names.ARITY[key]
        if len(args) < fewest or (most is not None and len(args) > most):
            need = (f"at least {fewest}" if most is None else str(fewest) if fewest == most
                    else f"{fewest} or {most}")
            raise self.p.error(f"'{name}' takes {need} argument{'s' if most != 1 else ''}, got {len(args)}",
                               group.token)
        if key in names.PAIRED and len(args) % 2:
            raise self.p.error(f"'{name}' takes n values and then their n labels (an even count), "
                               f"got {len(args)}", group.token)
        if OPS[key].folds:
            nid = self._node(args[0])
            for arg in args[1:]:
                nid = self.b.apply(key, [nid, self._node(arg)])
        elif OPS[key].params and not OPS[key].variadic:
            nid = self.b.apply(key, [self._node(a) for a in args[:OPS[key].arity]], self._params(key, name, args, group))
        else:
            nid = self.b.apply(key, [self._node(arg) for arg in args])
        self.vals.append(_Operand(self._powered(nid, group)))

    def _inline(self, name: str, args: list[_Operand], token: Token) -> str:
        """A defined function applied: its body parsed again with the parameters bound to ``args``."""
        params, body, _ = self.p.functions[name]
        if len(args) != len(params):
            raise self.p.error(f"'{name}' takes {len(params)} argument{'s' * (len(params) != 1)} "
                               f"({', '.join(params)}), got {len(args)}", token)
        if name in self.p.inlining:
            raise self.p.error(f"'{name}' is applied in its own definition", token)
        if self.p.spent + self.p.expansion[name] > _MAX_TOKENS:  # the estimate, before writing it out
            self.p.spend(self.p.expansion[name], token, f"applying '{name}' here")
        self.p.applied.add(name)
        self.p.inlining.add(name)
        scope = {param: self._node(arg) for param, arg in zip(params, args) if not arg.unused}
        nid = _Expression(self.p, body, None, scope).run()
        self.p.inlining.discard(name)
        return nid

    def _params(self, key: str, name: str, args: list[_Operand], group: _Frame) -> tuple:
        """The numeric parameters after the operands (``leaky_relu(x, 0.2)``), defaults for the rest."""
        spec = OPS[key]
        given = args[spec.arity:]
        for arg, param in zip(given, spec.params):
            if arg.nid is not None or arg.value is None:
                raise self.p.error(f"the {param.name} of '{name}' must be a number, as in {key}(x, 0.2)", group.token)
        return tuple(arg.value for arg in given) + tuple(p.default for p in spec.params[len(given):])

    # -- stacks --------------------------------------------------------------------------
    def _push(self, frame: _Frame) -> None:
        if frame.kind == "group":
            frame.base = len(self.vals)
            self.groups.append(frame)
        if frame.op in ("neg", "pos", "paren"):
            frame.literal = self._literal_context()
        self.ops.append(frame)

    def _literal_context(self) -> bool:
        """Whether a number literal pushed now may be an exponent or a leaky_relu slope."""
        if not self.ops:
            return False
        top = self.ops[-1]
        if top.kind == "binary":
            return top.op == "pow"
        if top.op == "call":
            if top.token.kind in ("ufunc", "softmax"):
                return False
            spec = OPS[top.fn]
            return bool(spec.params) and not spec.variadic and top.args >= spec.arity
        return top.literal

    def _reduce(self, prec: int, right: bool = False, into_argument: bool = False) -> None:
        """Apply stacked operators that bind at least as tightly as ``prec`` (more, if right-assoc);
        ``into_argument`` stops at a function applied without parentheses."""
        ops = self.ops
        while ops and ops[-1].kind != "group" and (ops[-1].prec > prec or (ops[-1].prec == prec and not right)):
            if into_argument and ops[-1].kind == "prefix" and ops[-1].prec == _FUNCTION:
                return
            self._apply(ops.pop())

    def _apply(self, frame: _Frame) -> None:
        if frame.kind == "binary":
            right, left = self.vals.pop(), self.vals.pop()
            if frame.op == "pow" and left.euler:
                nid = self.b.apply("exp", [self._node(right)])
            elif frame.op == "pow" and right.nid is None and right.value is not None:
                nid = self.b.apply("powc", [self._node(left)], (right.value,))
            else:
                nid = self.b.apply(frame.op, [self._node(left), self._node(right)])
        elif frame.op == "pos":
            return
        else:
            operand = self.vals.pop()
            if frame.op == "neg" and operand.nid is None and operand.value is not None:
                self.vals.append(_Operand(None, -operand.value, fraction=operand.fraction))  # still a literal: x^-2 is powc
                return
            if frame.token.kind == "root":
                self.vals.append(_Operand(self.b.apply("powc", [self._node(operand)], (frame.power,))))
                return
            params = tuple(p.default for p in OPS[frame.op].params)
            nid = self._powered(self.b.apply(frame.op, [self._node(operand)], params), frame)
        self.vals.append(_Operand(nid))

    def _powered(self, nid: str, frame: _Frame) -> str:
        """A function's value over the log of its base (``\\log_2 x`` = log x / log 2), raised to the
        power written on its name, if any."""
        if frame.log_base is not None:
            nid = self.b.apply("div", [nid, self.b.apply("log", [self.b.constant(Fraction(frame.log_base))])])
        return nid if frame.power is None else self.b.apply("powc", [nid], (frame.power,))

    def _flush(self) -> None:
        """Make a waiting literal a node before a later operand (node ids follow the text)."""
        if self.vals and self.vals[-1].nid is None and not self.vals[-1].euler and not self.vals[-1].unused:
            self._node(self.vals[-1])

    def _node(self, operand: _Operand) -> str:
        if operand.nid is None:
            operand.nid = self.b.constant("e") if operand.euler else self.b.constant(operand.value, operand.fraction)
        return operand.nid
