"""Canonical names: letters, Greek spellings, subscripts, primes, function names, word splitting.

A canonical name is one letter (Greek as the Unicode letter, ``ŷ`` with its hat) or a word
written in ``\\text{…}``, followed by ASCII digits, an optional subscript of letters and digits
kept as ``_i`` (or a shifted one, ``_t-1``), an optional index superscript kept as ``^(L)``,
``^[2]`` or ``^[2](i)``, and primes written ``′``: ``θ1``, ``w_i``, ``w_ij``, ``x_j^(i)``, ``x′``.
An index is a name's part, never a power; ``spelling`` says how a formula writes a canonical
name so that it reads back (``a^{(L)}``, ``\\text{scale}``). Words such as ``theta1theta2x`` are split left to right,
taking at each position the longest of: a function name, a spelled-out Greek name (``pi``
included), or a single letter; ties go to the function name. So ``exp`` is exp and ``xi`` is ξ.

An underscore joins: a subscript that starts with a letter (``net_{h1}``, ``w_{ij}``, ``θᵢ``,
``y_pred``) makes one name of the letters before it and the subscript (several Latin letters
only with a longer subscript: ``wx_i`` is w·x_i, ``θx_i`` θ·x_i), and a letter followed
by ``hat``, ``bar`` or ``tilde`` (``y_hat``, ``yhat``) is that letter with the accent (``ŷ``).
Without braces the subscript runs over the following letters and digits, or is one letter
when another ``_`` follows (``x_iy_i`` is x_i·y_i, as in LaTeX).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Collection, NamedTuple

from ..ir.ops import OPS, spelled

__all__ = [
    "FUNCTIONS", "ARITY", "PAIRED", "UNSUPPORTED", "OPTIMISATION", "OPTIMISERS", "WORDS", "GREEK", "LATEX_GREEK",
    "DECORATIONS", "LETTERS",
    "SplitError", "Piece", "is_letter", "canonical", "read_suffix", "read_index", "split_word", "word_name",
    "assignable_name", "spells_input", "spelling", "function_named", "near_function", "INDEX", "PRIME_COMMANDS", "SUPERSCRIPTS", "MARKS", "PRIMES",
    "STYLES", "STYLED_SUBSCRIPT", "GREEK_SUBSCRIPT", "Suffix",
]

#: Function names as written → op key, from the op specs.
FUNCTIONS: dict[str, str] = spelled("names")


def _arity(key: str) -> tuple[int, int | None]:
    """(fewest, most) arguments a call takes: operands, then the optional numeric parameters."""
    spec = OPS[key]
    if spec.variadic or spec.folds:
        return spec.min_args, None
    optional = sum(p.default is not None for p in spec.params)
    return spec.arity, spec.arity + optional


#: Op key → (fewest, most) arguments; ``None`` means no upper bound (max and min fold left).
ARITY: dict[str, tuple[int, int | None]] = {key: _arity(key) for key in dict.fromkeys(FUNCTIONS.values())}
#: Ops whose arguments come in two halves (n probabilities or logits, then n labels).
PAIRED = frozenset(key for key in ARITY if OPS[key].paired)

#: Words lecture notes write as a quantity's name (Mazur's ``target``, ``out``; ``loss``, ``pred``): one name, never
#: the product of their letters (``target`` as t·a·r·g·e·t, e Euler's number). Other runs of letters still split.
WORDS = frozenset("target targets output out net pred label loss cost error err score prob logit input hidden "
                  "bias weight reward".split())
#: An objective pasted with its optimisation (``\\min_{w}``, ``\\arg\\max_θ``, ``min_w``, ``\\operatorname*{argmin}_w``).
OPTIMISATION = ("'{}' is an optimisation over a variable (its best value), not a formula to differentiate: "
                "paste the function it optimises, what follows it")
#: Words that, with an index (``min_w``), are an optimisation rather than a function.
OPTIMISERS = frozenset({"min", "max", "argmin", "argmax"})
#: Functions a reader may expect but gradviz has no op for: a clear error instead of a split.
UNSUPPORTED = frozenset(
    "coth cot sec csc arcsin arccos arctan asin acos atan atan2 arsinh arcosh artanh asinh acosh atanh "
    "softmax logsumexp log10 log2 lg sign sgn floor ceil selu mish sum mean prod det".split())

_GREEK_NAMES = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi "
                "omicron pi rho sigma tau upsilon phi chi psi omega").split()
_LOWER, _UPPER = "αβγδεζηθικλμνξοπρστυφχψω", "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ"

#: Spelled-out Greek names (``theta``, ``Theta``) → the letter.
GREEK: dict[str, str] = {**dict(zip(_GREEK_NAMES, _LOWER)),
                         **{n.capitalize(): c for n, c in zip(_GREEK_NAMES, _UPPER)}}
#: LaTeX letter commands, Greek and ``\\ell`` (without the backslash) → the letter.
LATEX_GREEK: dict[str, str] = {**GREEK, "ell": "ℓ", "varepsilon": "ε", "vartheta": "θ", "varphi": "φ",
                               "varrho": "ρ", "varsigma": "σ", "varkappa": "κ"}
#: LaTeX accents → combining mark (``\hat{y}`` is ``ŷ``).
DECORATIONS: dict[str, str] = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0304",
                               "tilde": "\u0303", "widetilde": "\u0303", "dot": "\u0307", "ddot": "\u0308"}
_MARKS = MARKS = "\u0302\u0303\u0304\u0307\u0308"
_ALIASES = {"ϑ": "θ", "ϕ": "φ", "ϵ": "ε", "ϱ": "ρ", "ς": "σ", "µ": "μ"}
_PLAIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" + _LOWER + _UPPER + "ℓℒ"
_DECORATED = "".join(sorted({c for b in _PLAIN for m in _MARKS
                             if len(c := unicodedata.normalize("NFC", b + m)) == 1}))
#: Every character that starts a name (after NFC normalisation).
LETTERS = _PLAIN + "".join(_ALIASES) + _DECORATED
_LETTER_SET = frozenset(LETTERS)
_DIGITS = {**{str(d): str(d) for d in range(10)}, **{chr(0x2080 + d): str(d) for d in range(10)}}
#: Unicode subscript letters (``θᵢ``) → ASCII.
SUBSCRIPT_LETTERS = dict(zip("ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ", "aeoxhklmnpstijruv"))
_ACCENT_WORDS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303"}
_ACCENT_SUBSCRIPT = re.compile("(hat|bar|tilde)([0-9]*)")
_SUBSCRIPT_TO_ASCII = {0x2080 + d: str(d) for d in range(10)}
_PRIMES = {"'": 1, "’": 1, "′": 1, "″": 2, "‴": 3}
PRIMES = "".join(_PRIMES)
_SIMPLE = re.compile(f"[A-Za-z{_LOWER}{_UPPER}][0-9]*")
_SUBSCRIPT = re.compile(f"[{LETTERS}{_MARKS}0-9]+")
#: Letters joined to a subscript that starts with a letter (``net_{h1}``), or a letter and an accent word.
_JOINED = re.compile(f"([{LETTERS}{_MARKS}]{{1,32}})(?=_(?:\\{{[ ]*[{LETTERS}]|[{LETTERS}])|[{''.join(SUBSCRIPT_LETTERS)}])"
                     f"|([A-Za-z])_?(hat|bar|tilde)(?![A-Za-z])")
_IDENTIFIER = re.compile(f"[{LETTERS}][{LETTERS}{_MARKS}0-9_]*")
_RUN = re.compile(f"[{LETTERS}{_MARKS}]*")  # letters and accents: where ``_JOINED``'s first form can end
_SHORT_JOINED = 8  # the most ``_JOINED``'s second form (``y_hat``) reads

# candidates at a position: by first character, longest first, functions before Greek names
_CANDIDATES: dict[str, list[tuple[str, bool]]] = {}
for _name, _is_function in sorted([(f, True) for f in FUNCTIONS if len(f) > 1] + [(g, False) for g in GREEK],
                                  key=lambda item: (-len(item[0]), not item[1])):
    _CANDIDATES.setdefault(_name[0], []).append((_name, _is_function))


#: Unicode superscript characters → ASCII (``⁽ᴸ⁻¹⁾`` is ``(L-1)``, ``⁻ᶻ`` is ``-z``).
SUPERSCRIPTS: dict[str, str] = dict(zip(
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ",
    "0123456789+-()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW"))
_TO_SCRIPT_ASCII = str.maketrans(SUPERSCRIPTS)
_INDEX_TERM = r"[A-Za-z0-9]{1,3}(?:[ \t]*[+-][ \t]*[0-9]{1,3})?"
_INDEX_GROUP = rf"\([ \t]*{_INDEX_TERM}[ \t]*\)|\[[ \t]*{_INDEX_TERM}[ \t]*\]"
#: An index superscript as a formula writes it: ``^{(L)}``, ``^{[2]}``, ``^{[l](i)}``, ``^{(L-1)}``.
INDEX = re.compile(rf"\^[ \t]*\{{[ \t]*((?:(?:{_INDEX_GROUP})[ \t]*){{1,2}})((?:\\prime[ \t]*){{0,3}})\}}")
#: Primes as LaTeX writes them: ``^{\\prime}``, ``^\\prime``, ``^{\\prime\\prime}``.
PRIME_COMMANDS = re.compile(r"\^[ \t]*(?:\{[ \t]*((?:\\prime[ \t]*){1,3})\}|(\\prime))")
_SUPERSCRIPT_INDEX = re.compile("⁽[" + "".join(SUPERSCRIPTS) + "]{1,8}⁾")  # a⁽ᴸ⁾
_CANONICAL_INDEX = re.compile(rf"\^((?:{_INDEX_GROUP}){{1,2}})")  # a^(L), as canonical names hold it
_SPACES_IN_INDEX = re.compile(r"[ \t]+")
_SHIFTED = re.compile(r"[A-Za-z][ \t]*[+-][ \t]*[0-9]{1,3}")  # a subscript t-1, k+1
_INDEX_ONLY = re.compile(rf"(?:(?:{_INDEX_GROUP})[ \t]*){{1,2}}")


class SplitError(Exception):
    """A malformed word; ``start``/``end`` are offsets into the word."""

    def __init__(self, message: str, start: int, end: int):
        super().__init__(message)
        self.message, self.start, self.end = message, start, end


class Piece(NamedTuple):
    """One part of a split word: a ``name`` (canonical) or a ``func`` (as written)."""

    kind: str
    value: str
    start: int
    end: int


def is_letter(ch: str) -> bool:
    """Whether ``ch`` can start a name."""
    return ch in _LETTER_SET


def canonical(letter: str, digits: str = "", sub: str = "", primes: int = 0, index: str = "") -> str:
    """The canonical name of a letter with its subscript, index superscript and primes (``x_j^(i)``)."""
    letter = unicodedata.normalize("NFC", _ALIASES.get(letter[0], letter[0]) + letter[1:])
    return letter + digits + (f"_{sub}" if sub else "") + (f"^{index}" if index else "") + "′" * primes


def read_index(text: str, i: int, canonical_form: bool = False) -> tuple[str, int, int]:
    """An index superscript at ``i`` (``^{(L)}``, ``⁽ᴸ⁾``, ``^{(L)\\prime}``; with ``canonical_form`` also
    ``^(L)``): the index as canonical names hold it (``(L)``, ``[2](i)``), the primes written with it and
    where it ends; ``("", 0, i)`` if none."""
    match = INDEX.match(text, i) or _SUPERSCRIPT_INDEX.match(text, i) or (
        _CANONICAL_INDEX.match(text, i) if canonical_form else None)
    if match is None:
        return "", 0, i
    written = match.group(1) if match.re is not _SUPERSCRIPT_INDEX else match.group().translate(_TO_SCRIPT_ASCII)
    if not _INDEX_ONLY.fullmatch(written):
        return "", 0, i
    primes = match.group(2).count("\\prime") if match.re is INDEX else 0
    return _SPACES_IN_INDEX.sub("", written), primes, match.end()


def _letter_at(text: str, i: int) -> int:
    """Where the letter starting at ``i`` ends (one character plus an optional accent)."""
    return i + 2 if i + 1 < len(text) and text[i + 1] in _MARKS else i + 1


class Suffix(NamedTuple):
    """What follows a letter: digits or a subscript, an index superscript, primes; and where it ends."""

    digits: str
    sub: str
    index: str
    primes: int
    end: int


#: Styles a word may be written in (``\\text{pred}``); inside a subscript they only mark the word.
STYLES = ("operatorname", "mathrm", "mathit", "mathbf", "mathcal", "mathscr", "mathsf", "boldsymbol", "bm",
          "text", "textrm", "textit", "textbf")
#: A styled subscript: ``_{\\text{pred}}``, ``_\\mathcal{B}``.
STYLED_SUBSCRIPT = (r"_(?:\{[ \t]*\\(?:" + "|".join(STYLES) + r")[ \t]*\{[ \t]*([^{}\\\n\r]{1,32}?)[ \t]*\}[ \t]*\}"
                    r"|\\(?:" + "|".join(STYLES) + r")[ \t]*\{[ \t]*([^{}\\\n\r]{1,32}?)[ \t]*\})")
_STYLED_SUBSCRIPT = re.compile(STYLED_SUBSCRIPT)
#: A Greek letter as a subscript without braces: ``h_\\theta``.
GREEK_SUBSCRIPT = r"_\\(?:" + "|".join(sorted(LATEX_GREEK, key=len, reverse=True)) + r")(?![A-Za-z])"
_GREEK_SUBSCRIPT = re.compile(GREEK_SUBSCRIPT)


def read_suffix(text: str, i: int, canonical_form: bool = False) -> Suffix:
    """Digits (ASCII, ``₁``, ``_1``, ``_{12}``) or a subscript of letters and digits, an index superscript
    (``^{(L)}``, before or after the subscript: ``x^{(i)}_j`` is ``x_j^(i)``), then primes, from ``i``.
    ``canonical_form`` also takes an index as canonical names write it (``^(L)``)."""
    digits, sub, j = _read_subscript(text, i)
    index, primes, j = read_index(text, j, canonical_form)
    if index and not digits and not sub:
        digits, sub, j = _read_subscript(text, j)
    n = len(text)
    while j < n and (text[j] in _PRIMES or text[j] == "^"):
        if text[j] == "^":
            written = PRIME_COMMANDS.match(text, j)
            if written is None:
                break
            primes, j = primes + written.group().count("\\prime"), written.end()
        else:
            primes, j = primes + _PRIMES[text[j]], j + 1
    return Suffix(digits, sub, index, primes, j)


def _read_subscript(text: str, i: int) -> tuple[str, str, int]:
    """Digits or a subscript of letters and digits at ``i``: ``(digits, subscript, end)``."""
    n, j = len(text), i
    digits = sub = ""
    while j < n and text[j] in _DIGITS:
        digits, j = digits + _DIGITS[text[j]], j + 1
    if not digits and j < n and text[j] in SUBSCRIPT_LETTERS:
        while j < n and (text[j] in SUBSCRIPT_LETTERS or "\u2080" <= text[j] <= "\u2089"):
            sub, j = sub + SUBSCRIPT_LETTERS.get(text[j], _DIGITS.get(text[j], "")), j + 1
    elif not digits and j < n and text[j] == "_":
        styled = _STYLED_SUBSCRIPT.match(text, j)
        greek = _GREEK_SUBSCRIPT.match(text, j)
        if greek:
            return "", LATEX_GREEK[greek.group()[2:]], greek.end()
        if styled:
            content = styled.group(1) or styled.group(2)
            if not _SUBSCRIPT.fullmatch(content):
                raise SplitError("a subscript must be digits, or letters and digits", j, styled.end())
            if content.isdigit():
                return content, "", styled.end()
            return "", content, styled.end()
        if j + 1 < n and text[j + 1] == "{":
            close = text.find("}", j + 2, j + 70)
            content = text[j + 2 : close] if close >= 0 else ""
            content = content.strip()
            if content.startswith("\\") and content[1:] in LATEX_GREEK:  # _{\\theta}
                content = LATEX_GREEK[content[1:]]
            if content and all(c in _DIGITS for c in content):
                digits = "".join(_DIGITS[c] for c in content)
            elif content and is_letter(content[0]) and _SUBSCRIPT.fullmatch(content):
                sub = content
            elif _SHIFTED.fullmatch(content):  # θ_{t-1}
                sub = _SPACES_IN_INDEX.sub("", content)
            else:
                raise SplitError("a subscript must be digits, or letters and digits", j, max(close + 1, j + 2))
            j = close + 1
        elif j + 1 < n and text[j + 1] in _DIGITS:
            j += 1
            while j < n and text[j] in _DIGITS:
                digits, j = digits + _DIGITS[text[j]], j + 1
        elif j + 1 < n and is_letter(text[j + 1]):
            run = _SUBSCRIPT.match(text, j + 1).end()
            end = _letter_at(text, j + 1) if run < n and text[run] == "_" else run
            sub, j = text[j + 1 : end], end
        else:
            raise SplitError("expected a subscript after '_'", j, j + 1)
    return digits, sub, j


def _accented(letter: str, digits: str, sub: str) -> tuple[str, str, str]:
    """``y`` with the subscript ``hat`` or ``hat1`` is ``ŷ`` or ``ŷ1``: (letter, digits, subscript)."""
    accent = _ACCENT_SUBSCRIPT.fullmatch(sub)
    if accent and len(letter) == 1:
        return unicodedata.normalize("NFC", letter + _ACCENT_WORDS[accent.group(1)]), digits + accent.group(2), ""
    return letter, digits, sub


def split_word(word: str, assigned: Collection[str] = (), paren_follows: bool = False,
               most: int | None = None) -> list[Piece]:
    """Split a run of letters, digits, subscripts and primes into names and function names.

    The whole word is first matched against ``assigned`` (multi-letter program names).
    ``paren_follows`` says whether ``(`` comes next, which makes ``cosh(`` an error. With
    ``most``, the split stops after that many pieces and more (the caller's budget is spent).
    """
    if _SIMPLE.fullmatch(word):  # the common case, fast: one letter and ASCII digits
        return [Piece("name", word, 0, len(word))]
    whole = word_name(word)
    if whole is not None and (whole in assigned or whole.lower() in WORDS):
        return [Piece("name", whole, 0, len(word))]
    pieces: list[Piece] = []
    i, n, run_end = 0, len(word), 0
    while i < n and (most is None or len(pieces) <= most):
        rest = n - i
        if rest <= 10 and word[i:] in UNSUPPORTED and (i == 0 or paren_follows):
            raise SplitError(f"unknown function '{word[i:]}'; supported: {', '.join(FUNCTIONS)}", i, n)
        ch = word[i]
        if not is_letter(ch):
            before = f" after '{word[pieces[-1].start:pieces[-1].end]}'" if pieces else ""
            if ch == "_" and word[:i] in OPTIMISERS:  # min_w (w − 1)²
                raise SplitError(OPTIMISATION.format(word[:i + 1] + "…"), 0, i + 1)
            raise SplitError(f"unexpected '{ch}'{before}; subscripts and primes follow a letter", i, i + 1)
        letter_end = _letter_at(word, i)
        best, is_function = "", False
        for name, function in _CANDIDATES.get(ch, ()):
            if len(name) > letter_end - i and word.startswith(name, i):
                best, is_function = name, function
                break
        if i >= run_end:  # the run of letters i is in ends where it ended for i - 1, if i is still in it
            run_end = _RUN.match(word, i).end()
        subscripted = word[run_end:run_end + 1] == "_" or word[run_end:run_end + 1] in SUBSCRIPT_LETTERS
        # a run not followed by a subscript can only join an accent word: read a few characters, not the
        # whole run at every letter (a word of a million letters would take hours)
        joined = None if "_" in best else _JOINED.match(word, i, n if subscripted else min(n, i + _SHORT_JOINED))
        piece = joined and _joined_name(word, joined)
        if piece:
            pieces.append(piece)
            i = piece.end
            continue
        if is_function:
            pieces.append(Piece("func", best, i, i + len(best)))
            i += len(best)
            continue
        letter = GREEK[best] if best else word[i:letter_end]
        suffix = read_suffix(word, i + len(best or letter), canonical_form=True)
        pieces.append(Piece("name", canonical(letter, suffix.digits, suffix.sub, suffix.primes, suffix.index),
                            i, suffix.end))
        i = suffix.end
    return pieces


def _joined_name(word: str, joined: re.Match) -> Piece | None:
    """One name from letters joined to a letter subscript (``y_pred``, ``net_{h1}``) or an accent word
    (``yhat``); None when the letters are a product (``θx_i``, ``wx_i``: several letters, and a
    one-letter subscript or a Greek letter among them)."""
    if joined.group(2):
        digits, sub, index, primes, end = read_suffix(word, joined.end(), canonical_form=True)
        letter, digits, _ = _accented(joined.group(2), digits, joined.group(3))
        return Piece("name", canonical(letter, digits, sub, primes, index), joined.start(), end)
    base = joined.group(1)
    digits, sub, index, primes, end = read_suffix(word, joined.end(), canonical_form=True)
    if base in GREEK or _letter_at(base, 0) == len(base):
        letter, digits, sub = _accented(GREEK.get(base, base), digits, sub)
        return Piece("name", canonical(letter, digits, sub, primes, index), joined.start(), end)
    if len(sub) < 2 or not base.isascii():
        return None
    return Piece("name", unicodedata.normalize("NFC", base) + f"_{sub}" + (f"^{index}" if index else "") + "′" * primes,
                 joined.start(), end)


def word_name(word: str) -> str | None:
    """A multi-letter word as a program name (``loss``, ``h_1`` → ``h_1``), or None if it cannot be one."""
    if not _IDENTIFIER.fullmatch(word.replace("'", "′").replace("’", "′").translate(_SUBSCRIPT_TO_ASCII).rstrip("′″‴")):
        return None
    return unicodedata.normalize("NFC", word.translate(_SUBSCRIPT_TO_ASCII)).replace("'", "′").replace("’", "′")


def assignable_name(word: str) -> str:
    """The name ``word = …`` assigns: a canonical single name, else the word itself.

    Raises ``SplitError`` for function names and malformed words.
    """
    try:
        pieces = split_word(word)
    except SplitError:
        pieces = []
    if len(pieces) == 1 and pieces[0].end == len(word):
        if pieces[0].kind == "func":
            raise SplitError(f"cannot assign to the function name '{word}'", 0, len(word))
        return pieces[0].value
    name = word_name(word)
    if name is None:
        split_word(word)  # raises the precise error
        raise SplitError(f"'{word}' cannot be used as a name", 0, len(word))
    return name


def spells_input(name: str) -> bool:
    """Whether writing ``name`` in a formula (as ``spelling`` writes it) reads back as this one input name."""
    return name not in ("e", "π") and (_reads_as(spelling(name), name) or spelling(name).startswith("\\text{"))


_BY_LOWER: dict[str, set[str]] = {}
for _spelling, _key in FUNCTIONS.items():
    _BY_LOWER.setdefault(_spelling.lower(), set()).add(_key)


def function_named(word: str) -> str | None:
    """The spelling in ``FUNCTIONS`` that ``word`` names: itself, or any case of one when that names
    one function (``Tanh``, ``SOFTPLUS``); None otherwise."""
    if word in FUNCTIONS:
        return word
    keys = _BY_LOWER.get(word.lower(), set())
    if len(keys) != 1:
        return None
    key = next(iter(keys))
    return next(s for s in FUNCTIONS if FUNCTIONS[s] == key and s.lower() == word.lower())


def near_function(letters: str) -> str | None:
    """The function a run of single letters spells or nearly spells (one letter added, dropped or
    changed: ``sigmod``, ``tanhh``, ``softmx``), for runs of four letters or more; None otherwise."""
    if len(letters) < 4 or not letters.isascii() or not letters.isalpha():
        return None
    word = letters.lower()
    for name in sorted([*FUNCTIONS, "softmax"], key=len, reverse=True):
        candidate = name.lower()
        if len(candidate) >= 4 and candidate.isalpha() and _one_edit(word, candidate):
            return name
    return None


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are equal or one insertion, deletion or substitution apart."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:k] + long[k + 1:] == short for k in range(len(long)))


def spelling(name: str) -> str:
    """How a formula writes the canonical ``name`` so that it reads back as that name: the index
    in braces (``a^(L)`` → ``a^{(L)}``), a word that would split in ``\\text{…}`` (``\\text{scale}``)."""
    text = _INDEX_AT_END.sub(lambda m: "^{" + m.group(1) + "}" + m.group(2), name)
    text = re.sub(r"_([A-Za-z][+-][0-9]+)", r"_{\1}", text)  # θ_t-1 → θ_{t-1}
    if _reads_as(text, name):
        return text
    word = _WORD_HEAD.fullmatch(text)
    if word is None:
        return text
    sub = word.group(2)
    return f"\\text{{{word.group(1)}}}" + (f"_{{{sub[1:].strip('{}')}}}" if sub else "") + word.group(3)


_INDEX_AT_END = re.compile(rf"\^((?:{_INDEX_GROUP}){{1,2}})(′*)$")
_WORD_HEAD = re.compile(r"([A-Za-z][A-Za-z0-9]*)(_[A-Za-z0-9]+|_\{[A-Za-z][+-][0-9]+\})?(\^\{.*\}′*|′*)")


def _reads_as(text: str, name: str) -> bool:
    try:
        pieces = split_word(text)
    except SplitError:
        return False
    return len(pieces) == 1 and pieces[0] == Piece("name", name, 0, len(text))
