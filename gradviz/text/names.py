"""Names as each target writes them, from their structure: a base (one letter with its accent,
or a word), a superscript (a network's layer, ``w¹₁₂``), a subscript (``θ1``, ``x₁``, ``w_i``,
``net_h1``) and primes. ``θ1`` is ``θ1`` in text, ``θ₁`` in a figure and ``\\theta_{1}`` in LaTeX;
anything that is not such a name (a hostile name from the Python API) is escaped character by
character, so no name can inject TeX, Markdown or markup."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["NameParts", "parts", "latex_name", "markup_name", "unicode_name", "latex_char", "latex_text", "file_name"]

_NAME = re.compile(r"(?P<base>(?:[^\W\d_][\u0300-\u036f]*)+?)(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]*)"
                   r"(?P<sub>[0-9]+|[₀₁₂₃₄₅₆₇₈₉,]+|_\{[^\W_]+\}|_[A-Za-z][+-][0-9]+|_[^\W_]+)?"
                   r"(?:\^(?P<index>(?:\([A-Za-z0-9+-]+\)|\[[A-Za-z0-9+-]+\])+))?(?P<primes>′*)")
_GREEK = dict(zip("αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩ",
                  r"\alpha \beta \gamma \delta \epsilon \zeta \eta \theta \iota \kappa \lambda \mu \nu \xi \pi "
                  r"\rho \sigma \tau \upsilon \phi \chi \psi \omega \Gamma \Delta \Theta \Lambda \Xi \Pi \Sigma "
                  r"\Upsilon \Phi \Psi \Omega".split()))
_GREEK_AS_LATIN = dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΧο", "ABEZHIKMNOPTXo"))  # Greek letters LaTeX writes as Latin ones
_SPECIAL = {"ℓ": r"\ell", "ℒ": r"\mathcal{L}", "ı": r"\imath", "ȷ": r"\jmath", "ϑ": r"\vartheta", "ϕ": r"\phi",
            "ϵ": r"\epsilon", "ϱ": r"\varrho", "ς": r"\varsigma", "µ": r"\mu"}
_CLUSTER = re.compile(r"[\u0300-\u036f\u20d0-\u20ff]+|.[\u0300-\u036f\u20d0-\u20ff]*", re.S)  # a letter and its marks
_ACCENTS = {"\u0302": r"\hat", "\u0303": r"\tilde", "\u0304": r"\bar", "\u0301": r"\acute", "\u0300": r"\grave",
            "\u0307": r"\dot", "\u0308": r"\ddot", "\u030c": r"\check", "\u0306": r"\breve", "\u20d7": r"\vec"}
_SYMBOLS = {"#": r"\#", "$": r"\$", "%": r"\%", "&": r"\&", "~": r"\sim ", "\\": r"\backslash ", "{": r"\{",
            "}": r"\}", "_": r"\_", "^": r"\hat{}", "′": "'", "<": r"\lt ", ">": r"\gt ", "*": r"\ast ",
            "∂": r"\partial ", "·": r"\cdot ", "×": r"\times ", "−": "-", "…": r"\dots ", "≥": r"\geq "}
_SUBSCRIPT_GLYPHS = str.maketrans("0123456789aehijklmnoprstuvx+-", "₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₊₋")
_MATHTEXT_AS_IS = "<>"  # LaTeX needs \lt and \gt (in a Markdown page); mathtext has no such commands
_TO_ASCII = str.maketrans("₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹", "01234567890123456789")
_SUPERSCRIPT_GLYPHS = str.maketrans("0123456789+-()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW",
                                    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ")


@dataclass(frozen=True)
class NameParts:
    """A name taken apart; ``None`` for a name that has no such structure."""

    base: str
    superscript: str  # ASCII digits
    subscript: str  # ASCII digits, letters, commas
    primes: int
    index: str = ""  # an index superscript as written in brackets: (L), [2], [l](i)


@lru_cache(maxsize=4096)
def parts(name: str) -> NameParts | None:
    """The structure of a name, or None when it is not letters with sub- and superscripts."""
    match = _NAME.fullmatch(unicodedata.normalize("NFC", name))
    if match is None:
        return None
    sub = (match.group("sub") or "").lstrip("_").strip("{}").translate(_TO_ASCII)
    return NameParts(match.group("base"), match.group("sup").translate(_TO_ASCII), sub, len(match.group("primes")),
                     match.group("index") or "")


def latex_char(ch: str, mathtext: bool = False) -> str:
    """One character (with the combining accents after it) as LaTeX math (ASCII output): Greek,
    accents (``θ̂`` → ``\\hat{\\theta}``), ℓ; any other character by its code. ``mathtext``: as
    matplotlib's mathtext takes it (``<`` and ``>`` as themselves, any other character as itself)."""
    if ch.isascii():
        return ch if mathtext and ch in _MATHTEXT_AS_IS else _SYMBOLS.get(ch, ch)
    if ch in _GREEK:
        return _GREEK[ch] + " "
    if ch in _GREEK_AS_LATIN:
        return rf"\mathrm{{{_GREEK_AS_LATIN[ch]}}}"
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    if ch in _SYMBOLS:
        return _SYMBOLS[ch]
    decomposed = unicodedata.normalize("NFD", ch)
    if len(decomposed) > 1 and all(mark in _ACCENTS for mark in decomposed[1:]):
        out = latex_char(decomposed[0], mathtext).strip()
        for mark in decomposed[1:]:
            out = f"{_ACCENTS[mark]}{{{out}}}"
        return out
    if mathtext:
        return ch
    return "".join(rf"\text{{\textit{{U+{ord(c):04X}}}}}" for c in ch)  # keeps the file ASCII and compilable


def _clusters(text: str) -> list[str]:
    """``text`` as letters with their combining marks (``θ̂`` is one)."""
    return _CLUSTER.findall(unicodedata.normalize("NFC", text))


def latex_text(text: str, mathtext: bool = False) -> str:
    """Any text as LaTeX math (``mathtext``: as matplotlib's mathtext takes it), letter by letter."""
    return "".join(latex_char(ch, mathtext) for ch in _clusters(text))


def _latex_word(word: str, mathtext: bool) -> str:
    """A base or subscript: one letter as math, a word upright (``\\mathrm{loss}``)."""
    letters = _clusters(word)
    if len(letters) <= 1 or word.isdigit() or re.fullmatch(r"[A-Za-z][+-][0-9]+", word):  # t-1
        return latex_text(word, mathtext).strip()
    if word.isascii():
        return rf"\mathrm{{{word}}}"
    return "".join(latex_text(ch, mathtext).strip() if not ch.isascii() else rf"\mathrm{{{ch}}}" for ch in letters)


@lru_cache(maxsize=4096)
def latex_name(name: str, mathtext: bool = False) -> str:
    """A name as LaTeX math: ``θ1`` → ``\\theta_{1}``, ``w¹₁₂`` → ``w^{1}_{12}``, ``ŷ`` → ``\\hat{y}``
    (``mathtext``: as matplotlib's mathtext takes it)."""
    p = parts(name)
    if p is None:
        return latex_text(name, mathtext)
    out = _latex_word(p.base, mathtext)
    if p.subscript:
        digits = p.subscript.replace(",", "").isdigit()
        out += f"_{{{p.subscript if digits else _latex_word(p.subscript, mathtext)}}}"
    if p.superscript or p.primes or p.index:
        marks = p.superscript + p.index + r"\prime" * p.primes
        out += f"^{{{marks}}}"
    return out


@lru_cache(maxsize=4096)
def unicode_name(name: str) -> str:
    """A name as plain Unicode text: an index superscript in superscript glyphs where each of its
    characters has one (``a^(L)`` → ``a⁽ᴸ⁾``), else as written (``W^[2]``: brackets have none)."""
    p = parts(name)
    if p is None or not p.index:
        return name
    glyphs = p.index.translate(_SUPERSCRIPT_GLYPHS)
    return name if any(c.isascii() for c in glyphs) else name.replace("^" + p.index, glyphs, 1)


@lru_cache(maxsize=4096)
def markup_name(name: str, glyphs: bool = True) -> str:
    """A name as figure markup (Graphviz's HTML-like labels): subscripts as Unicode subscript
    glyphs where the font has them (``θ₁``, ``wᵢ``), else ``<SUB>``; the rest escaped. Without
    ``glyphs``, every sub- and superscript in ``<SUB>`` and ``<SUP>`` (``θ<SUB>1</SUB>``): for rich
    text that lowers and raises them itself, in any font (a PowerPoint title)."""
    p = parts(name)
    if p is None:
        return html.escape(name, quote=False)
    out = html.escape(p.base, quote=False)
    if p.superscript:
        out += p.superscript.translate(_SUPERSCRIPT_GLYPHS) if glyphs else f"<SUP>{p.superscript}</SUP>"
    index = p.index.translate(_SUPERSCRIPT_GLYPHS)  # a⁽ᴸ⁾; brackets have no superscript glyphs: <SUP>[2]</SUP>
    index_out = index if glyphs and not any(c.isascii() for c in index) else \
        f"<SUP>{html.escape(p.index, quote=False)}</SUP>" if p.index else ""
    if p.subscript:
        glyphs_of = p.subscript.replace(",", "").translate(_SUBSCRIPT_GLYPHS)
        if glyphs and all(not ch.isascii() for ch in glyphs_of):
            out += glyphs_of if "," not in p.subscript else p.subscript.translate(_SUBSCRIPT_GLYPHS)
        else:
            out += f"<SUB>{html.escape(p.subscript, quote=False)}</SUB>"
    return out + index_out + "′" * p.primes


_MARK_WORDS = {"\u0302": "hat", "\u0303": "tilde", "\u0304": "bar", "\u0307": "dot", "\u20d7": "vec"}


def _ascii_word(text: str) -> str:
    """Letters and digits spelled in ASCII: Greek by name (``θ`` → ``theta``), accents as words
    (``ŷ`` → ``yhat``), anything else left out."""
    out = []
    for cluster in _clusters(text):
        letter, *marks = unicodedata.normalize("NFKD", cluster)
        if not letter.isascii():
            described = unicodedata.name(letter, "").split(" LETTER ")
            word = described[-1].lower() if len(described) == 2 and described[0].startswith("GREEK") else ""
            word = "lambda" if word == "lamda" else word  # Unicode's spelling
            letter = word.capitalize() if "CAPITAL" in described[0] else word
        out.append((letter if letter.isascii() and (letter.isalnum() or letter == "_") else "")
                   + "".join(_MARK_WORDS.get(mark, "") for mark in marks))
    return "".join(out)


@lru_cache(maxsize=4096)
def file_name(name: str) -> str:
    """A name as a file name the user can read and every tool takes (ASCII letters, digits,
    ``_``): ``L``, ``theta1``, ``w1_12`` for ``w¹₁₂``, ``yhat1`` for ``ŷ₁``, ``x_prime`` for ``x′``;
    ``node`` when nothing of it is left."""
    p = parts(name)
    if p is None:
        spelled = _ascii_word(name)
    else:
        apart = p.subscript and (p.superscript or not p.subscript.replace(",", "").isdigit())
        spelled = _ascii_word(p.base) + p.superscript + "_" * bool(apart)
        spelled += _ascii_word(p.subscript.replace(",", "_"))
        spelled += ("_" + re.sub(r"[^A-Za-z0-9]+", "", p.index)) * bool(p.index) + "_prime" * p.primes
    return spelled or "node"
