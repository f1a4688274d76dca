"""Formula text → tokens, with NFC normalisation mapped back to the original lines and columns."""

from __future__ import annotations

import bisect
import re
import unicodedata
from fractions import Fraction
from typing import NamedTuple

from ..errors import ParseError
from ..ir.ops import OPS, spelled
from . import names

__all__ = ["MAX_LENGTH", "Token", "Source", "tokenize", "log_base", "written_as_fraction"]

MAX_LENGTH = 1_000_000  # characters of formula text
_MAX_DIGITS = 1000  # digits of one number literal, and the largest decimal exponent

_NEWLINES = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits on
_NEWLINE = re.compile(f"\r\n|[{_NEWLINES}]")
_COMMENT = re.compile(f"[^{_NEWLINES}]*")
_SPACES = frozenset(" \t\xa0\ufeff\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B))))
_SPACE_RUN = re.compile(f"[{''.join(sorted(_SPACES))}]+")
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?[0-9]+))?")
_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT = re.compile(f"[⁺⁻]?[{_SUPERSCRIPT_DIGITS}]*")
_TO_ASCII = str.maketrans(_SUPERSCRIPT_DIGITS + "⁺⁻", "0123456789+-")
_SUPERSCRIPT_RUN = re.compile(f"[{''.join(names.SUPERSCRIPTS)}]+")
_SCRIPT_TO_ASCII = str.maketrans(names.SUPERSCRIPTS)
_LETTER = f"[{re.escape(names.LETTERS)}][{names.MARKS}]?"
_WORD = re.compile(f"{_LETTER}(?:{_LETTER}|[0-9\u2080-\u2089{names.PRIMES}{''.join(names.SUBSCRIPT_LETTERS)}]"
                   f"|{names.STYLED_SUBSCRIPT}|{names.GREEK_SUBSCRIPT}|{names.INDEX.pattern}|{names.PRIME_COMMANDS.pattern}|⁽[{''.join(names.SUPERSCRIPTS)}]{{1,8}}⁾"
                   f"|_\\{{[^{{}}{_NEWLINES}]{{0,64}}\\}}|_(?=[0-9\u2080-\u2089{re.escape(names.LETTERS)}]))*")
#: ``a^(L)``, ``W^[2]``: an index or a power? Refused, with both spellings.
_AMBIGUOUS = re.compile(r"\^[ \t]*(\(|\[)[ \t]*([A-Za-z0-9]{1,3}(?:[ \t]*[+-][ \t]*[0-9]{1,3})?)[ \t]*[)\]]")
_INDEXED = re.compile(f"(?:{names.INDEX.pattern}|⁽[^⁾]{{0,8}}⁾)" + r"[^\^]*$")
#: ``a^l_j`` (Nielsen's layer superscript), ``x^2_j``: a superscript before a subscript.
_SUPERSCRIPT_THEN_SUBSCRIPT = re.compile(r"\^[ \t]*(\{[^{}\n]{1,16}\}|[A-Za-z0-9])[ \t]*_[ \t]*(\{[^{}\n]{1,16}\}|[A-Za-z0-9])")
#: Definition signs, read as ``=``: ``:=``, ``≡``, ``←`` and their LaTeX commands.
_DEFINES = ("≔", "≡", "≜", "←", "⟵", "≝")  # and ":="
_DEFINE_COMMANDS = frozenset("coloneqq coloneq equiv triangleq leftarrow gets longleftarrow eqqcolon defeq".split())
#: Code pasted from a notebook: ``math.exp``, ``np.tanh``, ``torch.sigmoid``, ``F.relu``.
_PREFIX = re.compile(r"(?<![A-Za-z0-9_.])(?:math|numpy|np|torch|F|tf|scipy\.special|special|torch\.nn\.functional"
                     r"|nn\.functional|tf\.math|tf\.nn|jnp|jax\.nn|jax\.numpy)\.([A-Za-z_][A-Za-z0-9_]*)")
_LIBRARY_NAMES = {"maximum": "max", "minimum": "min", "fabs": "abs", "expit": "sigmoid", "logistic": "sigmoid"}
#: Logarithms with a base: ``\log_2``, ``\log_{10}``, ``log2``, ``\lg`` (base 2, as in information theory).
_LOG_BASE = re.compile(r"(?:\\log|log)(?:_\{[ \t]*([0-9]+)[ \t]*\}|_([0-9]+)|(2|10)(?![0-9]))|\\lg(?![A-Za-z])")
_COMMAND = re.compile(r"\\([A-Za-z]+|.)", re.S)
_STYLED_K = re.compile(r"_(?:\{[ \t]*([0-9]+)[ \t]*\}|([0-9]))")
_BRACED = re.compile(r"[ \t]*\{[ \t]*([^{}\n\r]{0,64}?)[ \t]*\}")
_ACCENTED = re.compile(f"[ \t]*(?:(\\{{)[ \t]*(?:\\\\(?:mathbf|boldsymbol|bm|mathit|mathrm)[ \t]*\\{{[ \t]*({_LETTER}|\\\\[A-Za-z]+)[ \t]*\\}}"
                       f"|({_LETTER}|\\\\[A-Za-z]+))|({_LETTER}|\\\\[A-Za-z]+))")

TRANSPOSE = ("a transpose (^T): gradviz works with scalars, so write the product out, "
             "e.g. θ^T x as θ1 x1 + θ2 x2")
_TRANSPOSES = frozenset({"⊤", "ᵀ", "top", "intercal"})
_BRACKETS = {
    "(": ("open", ")"), "[": ("open", "]"), "{": ("open", "}"),
    ")": ("close", ")"), "]": ("close", "]"), "}": ("close", "}"),
    "|": ("bar", None), ",": ("comma", None), ";": ("sep", None), "=": ("eq", None),
}
#: One character → (token kind, value): operators from the op specs (the value is the spec's
#: canonical symbol), brackets and punctuation.
_SINGLE = {**{s: ("op", spec.symbols[0]) for spec in OPS.values() for s in spec.symbols if len(s) == 1},
           **_BRACKETS}
_SKIPPED = frozenset({",", ";", ":", ">", "!", " ", "\t", "quad", "qquad", "displaystyle", "textstyle",
                      *(size + side for size in ("big", "Big", "bigg", "Bigg") for side in ("", "l", "r", "m"))})
#: Vulgar fractions (``½``, ``⅓``, ``⅞``) → their value.
_VULGAR = {c: Fraction(unicodedata.numeric(c)).limit_denominator(10)
           for c in map(chr, [*range(0xBC, 0xBF), *range(0x2150, 0x215F)]) if unicodedata.numeric(c, 0) > 0}


def written_as_fraction(text: str) -> bool:
    """Whether a number token's text is a fraction (``½``, ``\\frac12``), not digits."""
    return text in _VULGAR or text.startswith("\\")


#: Root signs: ``√`` from the op specs (a function), ``∛``/``∜`` as powers.
_ROOT_FUNCTIONS = {spec.text: key for key, spec in OPS.items() if spec.notation == "root" and len(spec.text) == 1}
_ROOT_POWERS = {"∛": Fraction(1, 3), "∜": Fraction(1, 4)}
#: ``\\sum_{i=1}^{3}``, ``Σ_i``, ``sum_{i=1}^3``, ``\\prod_{k=1}^{n}``: which, then the index, lower and upper bound.
_SUM = re.compile(r"(\\sum|\\prod|sum|prod|Σ|∑|∏)(?=_)")
_SUM_HEADER = re.compile(r"_(?:\{[ \t]*([A-Za-z])[ \t]*(?:=[ \t]*(-?[0-9]+)[ \t]*)?\}|([A-Za-z]))"
                         r"(?:[ \t]*\^[ \t]*(?:\{[ \t]*([0-9]+|[A-Za-z])[ \t]*\}|([0-9]+|[A-Za-z])))?")
#: ``softmax_k(z1, …, zn)``: the k-th element of the softmax (k counts from 1).
_SOFTMAX = re.compile(r"softmax(_\{[ \t]*[0-9]+[ \t]*\}|_[0-9]+)?(?![A-Za-z_])")
_FRAC_DIGITS = re.compile(r"[ \t]*([0-9])[ \t]*([0-9])")  # \frac12
_LATEX = spelled("latex")  # LaTeX command → op key
_LATEX_OPS = {command: OPS[key].symbols[0] for command, key in _LATEX.items() if OPS[key].symbols}
_LATEX_FUNCTIONS = {command: key for command, key in _LATEX.items() if not OPS[key].symbols}
_LATEX_UNSUPPORTED = frozenset("coth tan cot sec csc arcsin arccos arctan det arg sgn".split()) - set(_LATEX)
_STYLES = frozenset(names.STYLES)
_MOMENTS = frozenset({"E", "Var", "Cov", "Pr"})
_VERTS = {"lvert": "open", "rvert": "close", "vert": None, "|": None}
_LEFT = {"(": ("open", ")"), "[": ("open", "]"), "|": ("bar", "open")}
_RIGHT = {")": ("close", ")"), "]": ("close", "]"), "|": ("bar", "close")}


class Token(NamedTuple):
    """One token; ``start``/``end`` are offsets into the normalised text."""

    kind: str  # num word name func root sum softmax frac sup op open close bar comma eq sep
    text: str
    start: int
    end: int
    value: object = None  # number, canonical name, op key, operator or closing bracket


class Source:
    """The text being parsed: the original, its NFC form, and offsets → (line, column)."""

    def __init__(self, original: str):
        self.original = original
        self.text, self._map = _normalize(original)
        self._lines = [0] + [m.end() for m in _NEWLINE.finditer(original)]

    def _offset(self, offset: int) -> int:
        offset = min(max(offset, 0), len(self.text))
        return self._map[offset] if self._map is not None else offset

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based (line, column) in the original text of a normalised offset."""
        original = self._offset(offset)
        line = bisect.bisect_right(self._lines, original)
        return line, original - self._lines[line - 1] + 1

    def error(self, message: str, start: int, end: int | None = None) -> ParseError:
        """A ``ParseError`` at normalised offsets ``start`` to ``end`` (one character by default)."""
        line, column = self.position(start)
        length = self._offset(start + 1 if end is None else end) - self._offset(start)
        return ParseError(message, self.original, line, column, max(1, length))


def _normalize(original: str) -> tuple[str, list[int] | None]:
    """NFC text and, when it differs, each normalised offset's original offset.

    Normalisation never reaches across a starter below U+0900 (none of them composes with
    what precedes it), so the text is normalised chunk by chunk between such characters.
    In a chunk that changed, the first character maps to the chunk's start and the rest
    align from its end (``y`` + hat + acute → ``ŷ`` + acute: the acute keeps its column).
    """
    if unicodedata.is_normalized("NFC", original):
        return original, None
    parts: list[str] = []
    mapping: list[int] = []
    start = 0
    for k in range(1, len(original) + 1):
        if k == len(original) or original[k] < "\u0300" or (
                original[k] < "\u0900" and not unicodedata.combining(original[k])):
            chunk = original[start:k]
            normal = unicodedata.normalize("NFC", chunk)
            if normal == chunk:
                mapping.extend(range(start, k))
            else:
                shift = len(chunk) - len(normal)
                mapping.extend(start if m == 0 else min(max(start, start + m + shift), k - 1)
                               for m in range(len(normal)))
            parts.append(normal)
            start = k
    mapping.append(len(original))
    return "".join(parts), mapping


def tokenize(source: Source) -> list[Token]:
    """All tokens of the text; newlines inside open brackets are whitespace."""
    text, tokens, depth, i = source.text, [], 0, 0
    while i < len(text):
        c = text[i]
        token: Token | None
        after = -1  # where lexing goes on when it is not the token's end
        if c in _SPACES:
            i = _SPACE_RUN.match(text, i).end()
            continue
        if c in _NEWLINES:
            end = i + 2 if text.startswith("\r\n", i) else i + 1
            if depth == 0:
                tokens.append(Token("sep", c, i, end))
            i = end
            continue
        if c == "#":
            i = _COMMENT.match(text, i).end()
            continue
        if (c in "\\l") and (log := _LOG_BASE.match(text, i)) and (c == "\\" or not _after_letter(text, i)):
            if log_base(log.group()) < 2:
                raise source.error(f"a logarithm's base must be 2 or more, not {log_base(log.group())}", i, log.end())
            token = Token("func", log.group(), i, log.end(), "log")
        elif text.startswith(":=", i) or c in _DEFINES:
            token = Token("eq", text[i : i + 1 + (c == ":")], i, i + 1 + (c == ":"))
        elif (prefix := _PREFIX.match(text, i)) and names.is_letter(c):
            token = _library_function(source, i, prefix)
        elif (c in "\\sΣ∑pP∏") and (total := _SUM.match(text, i)):
            token = _sum(source, i, total)
        elif c == "s" and (softmax := _SOFTMAX.match(text, i)):
            if not softmax.group(1):
                raise source.error("softmax is a vector function; write softmax_k(z1, …, zn) for its k-th element, "
                                   "as in softmax_1(z1, z2, z3)", i, softmax.end())
            token = Token("softmax", softmax.group(), i, softmax.end(), int(softmax.group(1).strip("_{} \t")))
        elif "0" <= c <= "9" or (c == "." and text[i + 1 : i + 2].isascii() and text[i + 1 : i + 2].isdigit()):
            token = _number(source, i)
        elif names.is_letter(c):
            token = Token("word", (m := _WORD.match(text, i)).group(), i, m.end())
        elif c in names.SUPERSCRIPTS and not text.startswith("ᵀ", i):
            if c == "⁽":
                raise source.error("an index superscript ⁽…⁾ follows a name, as in a⁽ᴸ⁾; for a power write ^(…)", i)
            if _SUPERSCRIPT.fullmatch(run := _SUPERSCRIPT_RUN.match(text, i).group()):
                token = _superscript(source, i)
            elif glued := re.search("[ᵃ-ᶻⁱⁿʰʲʳʷʸˡˢˣᴬ-ᵂⱽ][⁰¹²³⁴⁵⁶⁷⁸⁹]", run):
                raise source.error(f"'{run[:20]}' reads two ways ({glued.group()} as a name or a power inside a power): "
                                   "write it with ^{…}, as in e^{-x^2}", i, i + len(run))
            else:  # e⁻ᶻ, xⁿ: a superscript with letters is the power ^{…}
                inner = [u._replace(start=u.start + i, end=u.end + i)
                         for u in tokenize(Source(run.translate(_SCRIPT_TO_ASCII)))]
                tokens += [Token("op", "^", i, i, "^"), Token("open", "{", i, i, "}"), *inner,
                           Token("close", "}", i + len(run), i + len(run), "}")]
                i += len(run)
                continue
        elif c == "^" and names.INDEX.match(text, i):
            raise source.error("an index superscript ^{(…)} follows a name, as in a^{(L)}; "
                               "for a power of this write ^{…} without the parentheses", i,
                               names.INDEX.match(text, i).end())
        elif c == "\\":
            token, after = _command(source, i)
            if token is None:
                i = after
                continue
        elif c == "*" and text.startswith("**", i):
            token = Token("op", "**", i, i + 2, "^")
        elif c in _SINGLE:
            kind, value = _SINGLE[c]
            token = Token(kind, c, i, i + 1, value)
        elif c == "_":
            if tokens and tokens[-1].end == i and tokens[-1].kind == "func" and tokens[-1].value in names.OPTIMISERS:
                raise source.error(names.OPTIMISATION.format(text[tokens[-1].start:i + 1] + "…"), tokens[-1].start,
                                   i + 1)
            after_name = bool(tokens) and tokens[-1].end == i and tokens[-1].kind in ("word", "name")
            raise source.error("expected a subscript after '_'" if after_name
                               else "unexpected '_': a subscript must follow a letter", i)
        elif "\u2080" <= c <= "\u2089":
            raise source.error(f"unexpected subscript '{c}': subscripts must follow a letter", i)
        elif c in _VULGAR:
            token = Token("num", c, i, i + 1, _VULGAR[c])
        elif c in _ROOT_FUNCTIONS:
            token = Token("func", c, i, i + 1, _ROOT_FUNCTIONS[c])
        elif c in _ROOT_POWERS:
            token = Token("root", c, i, i + 1, _ROOT_POWERS[c])
        elif c in _TRANSPOSES:
            raise source.error(TRANSPOSE, i)
        else:
            raise source.error(f"unexpected character {c!r}", i)
        if token.kind in ("word", "name"):
            _check_after_name(source, token)
        if token.kind == "open":
            depth += 1
        elif token.kind == "close":
            depth = max(0, depth - 1)
        tokens.append(token)
        i = max(token.end, after)
    return tokens


def _sum(source: Source, i: int, total: re.Match) -> Token:
    """A sum or product over an index: value ``(op key, index, first, last)``; a bound not written as a
    number is None (the parser takes it from the values given)."""
    header = _SUM_HEADER.match(source.text, total.end())
    if header is None:
        raise source.error(f"expected an index after '{total.group()}_', as in \\sum_{{i=1}}^{{3}}", i, total.end() + 1)
    index, first, last = header.group(1) or header.group(3), header.group(2), header.group(4) or header.group(5)
    key = "add" if total.group(1).endswith(("sum", "Σ", "∑")) else "mul"
    bounds = (int(first) if first else None, int(last) if last and last.isdigit() else None)
    return Token("sum", source.text[i : header.end()], i, header.end(), (key, index, *bounds))


def _number(source: Source, i: int) -> Token:
    m = _NUMBER.match(source.text, i)
    literal, exponent = m.group(), m.group(1)
    mantissa = literal[: m.start(1) - 1 - i] if exponent else literal
    if len(mantissa) > _MAX_DIGITS:
        raise source.error(f"number literal too long (more than {_MAX_DIGITS} digits)", i, m.end())
    if exponent and (len(exponent) > 6 or abs(int(exponent)) > _MAX_DIGITS):
        raise source.error(f"number exponent too large (the limit is {_MAX_DIGITS})", i, m.end())
    return Token("num", literal, i, m.end(), Fraction(literal))


def _superscript(source: Source, i: int) -> Token:
    m = _SUPERSCRIPT.match(source.text, i)
    literal = m.group()
    digits = literal.lstrip("⁺⁻")
    if not digits:
        raise source.error(f"expected superscript digits after '{literal}'", i)
    if len(digits) > _MAX_DIGITS:
        raise source.error(f"superscript too long (more than {_MAX_DIGITS} digits)", i, m.end())
    return Token("sup", literal, i, m.end(), Fraction(literal.translate(_TO_ASCII)))


def _command(source: Source, i: int) -> tuple[Token | None, int]:
    """A LaTeX command at ``i``: a token, or None for spacing; and where lexing goes on."""
    text = source.text
    m = _COMMAND.match(text, i)
    if m is None:
        raise source.error("unexpected '\\' at the end of the text", i)
    name, end, written = m.group(1), m.end(), m.group()
    if name in _SKIPPED:
        return None, end
    if name in _TRANSPOSES:
        raise source.error(TRANSPOSE, i, end)
    if name == "arg" or name in names.OPTIMISERS and name.startswith("arg"):  # \arg\min, \argmax
        raise source.error(names.OPTIMISATION.format(written + ("…" if name == "arg" else "")), i, end)
    if name in ("sum", "prod"):
        raise source.error(f"'{written}' needs an index with numbers as bounds, as in {written}_{{i=1}}^{{3}} x_i", i, end)
    if name in _LATEX_OPS:
        return Token("op", written, i, end, _LATEX_OPS[name]), end
    if name in ("frac", "dfrac", "tfrac"):
        digits = _FRAC_DIGITS.match(text, end)
        if digits:  # \frac12 is ½
            value = Fraction(int(digits.group(1)), int(digits.group(2)) or 1)
            if digits.group(2) == "0":
                raise source.error("division by zero in this fraction", i, digits.end())
            return Token("num", text[i : digits.end()], i, digits.end(), value), digits.end()
        return Token("frac", written, i, end), end
    if name in _VERTS:  # \lvert x \rvert is |x|
        return Token("bar", written, i, end, _VERTS[name]), end
    if name in _DEFINE_COMMANDS:  # \coloneqq, \equiv, \leftarrow define like =
        return Token("eq", written, i, end), end
    if name in ("{", "}"):  # \{ … \} group like braces
        return Token("open" if name == "{" else "close", written, i, end, "}"), end
    if name in ("left", "right"):
        j = end
        while j < len(text) and text[j] in " \t":
            j += 1
        table = _LEFT if name == "left" else _RIGHT
        if text.startswith(("\\{", "\\}"), j):  # \left\{ … \right\}
            return Token("open" if name == "left" else "close", text[i : j + 2], i, j + 2, "}"), j + 2
        if j >= len(text) or text[j] not in table:
            raise source.error(f"expected one of {' '.join(table)} \\{{ after '{written}'", i, end)
        kind, value = table[text[j]]
        return Token(kind, text[i : j + 1], i, j + 1, value), j + 1
    if name in _LATEX_FUNCTIONS:
        return Token("func", written, i, end, _LATEX_FUNCTIONS[name]), end
    if name in _LATEX_UNSUPPORTED:
        raise source.error(f"unknown function '{written}'; supported: {', '.join(names.FUNCTIONS)}", i, end)
    if name in _STYLES:
        return _styled(source, i, m)
    if name in names.DECORATIONS:
        return _accented(source, i, m)
    if name in names.LATEX_GREEK:
        return _name(source, i, end, names.LATEX_GREEK[name])
    raise source.error(f"unknown LaTeX command '{written[:40]}'", i, end)


def _styled(source: Source, i: int, m: re.Match) -> tuple[Token, int]:
    """``\\operatorname{ReLU}``, ``\\text{Tanh}``, ``\\mathrm{loss}``, ``\\mathbf{w}``, ``\\boldsymbol{\\theta}``:
    a function (by any case of its name, when that names one function) or one name, never a product."""
    starred = m.group() == "\\operatorname" and source.text.startswith("*", m.end())  # limits placed under it
    braced = _BRACED.match(source.text, m.end() + starred)
    bare = re.sub(r"\\[,;:! ]| ", "", braced.group(1)) if braced is not None else ""  # arg\,min is argmin
    if bare in names.OPTIMISERS and (bare.startswith("arg") or source.text.startswith("_", braced.end())):
        raise source.error(names.OPTIMISATION.format(source.text[i:braced.end()]), i, braced.end())
    if braced is None:
        raise source.error(f"expected '{{…}}' after '{m.group()}'", i, m.end())
    content, start, end = braced.group(1), braced.start(1), braced.end(1)
    if content.startswith("\\") and content[1:] in names.LATEX_GREEK:  # \boldsymbol{\theta}
        return _name(source, i, braced.end(), names.LATEX_GREEK[content[1:]])
    if content == "softmax" and (k := _STYLED_K.match(source.text, braced.end())):  # \operatorname{softmax}_{2}
        return Token("softmax", source.text[i : k.end()], i, k.end(), int(k.group(1) or k.group(2))), k.end()
    if content in _MOMENTS and re.match(r"[ \t]*[\[(]", source.text[braced.end():]):
        raise source.error(f"'{m.group()}{{{content}}}[…]' is a statistic over many values; gradviz computes with "
                           "scalars: give it a name (\\mu, \\sigma_B^2) or write the sum out", i, braced.end())
    key = names.function_named(content)
    if key is not None:
        return Token("func", source.text[i : braced.end()], i, braced.end(), names.FUNCTIONS[key]), braced.end()
    word = _WORD.fullmatch(content)
    if word is None:
        raise source.error(f"expected a name or a function name inside '{m.group()}{{…}}'", start, max(end, start + 1))
    try:
        pieces = names.split_word(content)
    except names.SplitError:
        pieces = []
    one = pieces[0].value if len(pieces) == 1 and pieces[0].kind == "name" else None
    if one is not None and names.read_suffix(source.text, braced.end()).end == braced.end():
        return Token("name", source.text[i : braced.end()], i, braced.end(), one), braced.end()
    if one is not None and names.is_letter(one[0]) and len(one) == 1 + (one[1:2] in tuple(names.MARKS)):
        return _name(source, i, braced.end(), one)  # \mathbf{W}^{(2)}, \mathbf{x}_n, \text{theta}_1
    if not content.isascii() or not content.isalpha():
        raise source.error(f"a word inside '{m.group()}{{…}}' is letters, as in \\text{{loss}}, with its subscript "
                           f"after the braces", start, max(end, start + 1))
    return _name(source, i, braced.end(), content)  # \text{scale}, \text{net}_{h1}: one name


def _name(source: Source, i: int, j: int, letter: str) -> tuple[Token, int]:
    """A name token for a letter written as a command, with the subscript and primes after ``j``."""
    try:
        digits, sub, index, primes, end = names.read_suffix(source.text, j)
    except names.SplitError as exc:
        raise source.error(exc.message, exc.start, exc.end) from None
    return Token("name", source.text[i:end], i, end, names.canonical(letter, digits, sub, primes, index)), end


def _after_letter(text: str, i: int) -> bool:
    """Whether ``i`` continues a word (``blog2`` is not ``log2``)."""
    return i > 0 and (names.is_letter(text[i - 1]) or text[i - 1] in "_")


def _check_after_name(source: Source, token: Token) -> None:
    """Refuse what would be read two ways after a name: ``a^(L)`` (an index or a power?) and a power
    written on an indexed name (``a^{(L)}^2``)."""
    text, end = source.text, token.end
    ambiguous = _AMBIGUOUS.match(text, end)
    if ambiguous:
        opener, index = ambiguous.group(1), ambiguous.group(2)
        closer = ")" if opener == "(" else "]"
        raise source.error(f"'{token.text}{ambiguous.group()}' reads two ways: write {token.text}^{{{opener}{index}{closer}}} "
                           f"for the indexed name (layer or example {index}), or {token.text}^{{{index}}} for the power",
                           end, ambiguous.end())
    nielsen = _SUPERSCRIPT_THEN_SUBSCRIPT.match(text, end)
    if nielsen and not _INDEXED.search(token.text):
        sup, sub = nielsen.group(1).strip("{} \t"), nielsen.group(2).strip("{} \t")
        raise source.error(f"'{token.text}{nielsen.group()}' reads two ways: write {token.text}^{{({sup})}}_{{{sub}}} for the "
                           f"indexed name (layer {sup}), or ({token.text}_{{{sub}}})^{{{sup}}} for the power",
                           end, nielsen.end())
    if _INDEXED.search(token.text) and end < len(text) and (text[end] == "^" or text[end] in _SUPERSCRIPT_DIGITS
                                                          or text.startswith("**", end)):
        raise source.error(f"a power of the indexed name '{token.text}' needs parentheses: "
                           f"({token.text})^2, not {token.text}^2", end)


def _library_function(source: Source, i: int, prefix: re.Match) -> Token:
    """``np.tanh``, ``math.exp``, ``torch.sigmoid``: the function, without the library's name."""
    name = prefix.group(1)
    if name in names.FUNCTIONS:
        return Token("func", prefix.group(), i, prefix.end(), names.FUNCTIONS[name])
    if name in _LIBRARY_NAMES:
        return Token("func", prefix.group(), i, prefix.end(), names.FUNCTIONS[_LIBRARY_NAMES[name]])
    if name in ("pi", "e"):
        return Token("word", name, prefix.start(1), prefix.end())
    raise source.error(f"unknown function '{prefix.group()}'; supported: {', '.join(names.FUNCTIONS)}", i, prefix.end())


def _accented(source: Source, i: int, m: re.Match) -> tuple[Token, int]:
    """``\\hat{y}``, ``\\hat y``, ``\\hat{\\mathbf{y}}``, ``\\hat{y_i}``, ``\\widehat{m}_t``: the letter with its accent,
    and the subscript, index and primes inside or after the braces."""
    text, written = source.text, m.group()
    accent = _ACCENTED.match(text, m.end())
    letter = accent and (accent.group(2) or accent.group(3) or accent.group(4))
    if letter and letter.startswith("\\"):
        letter = names.LATEX_GREEK.get(letter[1:])
    if not letter:
        raise source.error(f"expected one letter after '{written}', as in {written}{{y}}", i, m.end())
    letter += names.DECORATIONS[m.group(1)]
    if not accent.group(1):
        return _name(source, i, accent.end(), letter)
    try:
        inner = names.read_suffix(text, accent.end())
    except names.SplitError as exc:
        raise source.error(exc.message, exc.start, exc.end) from None
    close = re.compile(r"[ \t]*\}").match(text, inner.end)
    if close is None:
        raise source.error(f"expected one letter inside '{written}{{…}}', as in {written}{{y}} or {written}{{y_i}}",
                           i, inner.end + 1)
    token, end = _name(source, i, close.end(), letter)
    if not any(inner[:4]):
        return token, end
    if token.text != text[i : close.end()]:
        raise source.error(f"a subscript inside and after '{written}{{…}}'; write it once", close.end(), end)
    return token._replace(value=names.canonical(letter, *inner[:2], inner.primes, inner.index)), end


def log_base(written: str) -> int | None:
    """The base of a logarithm as written (``\\log_2`` → 2, ``log10`` → 10, ``\\lg`` → 2); None for ``log``."""
    match = _LOG_BASE.fullmatch(written)
    return None if match is None else int(match.group(1) or match.group(2) or match.group(3) or 2)
