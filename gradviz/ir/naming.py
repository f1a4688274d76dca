"""The one naming rule for intermediates the user did not name.

A name's *base letter* is its first letter without accents, in lower case (``b1``, ``B``,
``b¹₁`` and ``b̂`` all have ``b``; ``net_h1`` has ``n``). Intermediates get single letters
``a, b, c, …`` in topological order, skipping ``e`` (Euler's number), ``l`` (it reads as 1)
and every base letter of a name the user wrote, so no intermediate can be read as one of the
user's quantities (with ``C`` in the formula none is called ``c``; with ``x₁`` none is ``x``).
An intermediate with a role has the role's letter when it is free: a pre-activation (a sum or a
product that only activations use, as in ``σ(w1 x1 + w2 x2 + b)``) is ``z`` (``z1, z2, …`` when
there are several). When there are more intermediates than free letters, the rest are numbered temporaries
``t1, t2, …`` (shown ``t₁, t₂``) of the first free letter from ``t`` on, a letter then
kept out of the single-letter names. (A formula that uses every one of those letters gets
``t1, t2, …`` skipping its own names.)
"""

from __future__ import annotations

import string
import unicodedata
from typing import Iterable, Sequence

__all__ = ["base_letter", "intermediate_names"]

_LETTERS = [c for c in string.ascii_lowercase if c not in "el"]  # e is Euler's, l looks like 1
_TEMPORARY = "tuvsrqpkmnjhgfdcbaxyzwoi" + "τκμνρφψω"  # the temporaries' letter: the first free one


def base_letter(name: str) -> str:
    """The first letter of ``name`` without its accents, lower case ('' when it has none)."""
    for ch in unicodedata.normalize("NFD", name):
        if ch.isalpha():
            return ch.casefold()
    return ""


def intermediate_names(user_names: Iterable[str], roles: Sequence[str | None]) -> list[str]:
    """Names for unnamed intermediates, in order, none sharing a base letter with ``user_names``;
    ``roles`` gives each one's role letter (``z``) or None."""
    user_names = set(user_names)
    taken = {base_letter(name) for name in user_names}
    by_role = {role: [k for k, r in enumerate(roles) if r == role] for role in set(roles) - {None} - taken}
    names: list[str | None] = [None] * len(roles)
    for role, places in by_role.items():
        for k, place in enumerate(places, start=1):
            names[place] = role if len(places) == 1 else f"{role}{k}"
    rest = [k for k, name in enumerate(names) if name is None]
    for place, name in zip(rest, _letters(user_names, taken | set(by_role), len(rest))):
        names[place] = name
    return names  # type: ignore[return-value]


def _letters(user_names: set[str], taken: set[str], count: int) -> list[str]:
    """``count`` single letters not in ``taken``, then numbered temporaries."""
    free = [c for c in _LETTERS if c not in taken]
    if count <= len(free):
        return free[:count]
    letter = next((c for c in _TEMPORARY if c not in taken), "t")
    singles = [c for c in free if c != letter]
    numbered = (f"{letter}{k}" for k in range(1, count + len(user_names) + 1))
    return singles + [name for name in numbered if name not in user_names][:count - len(singles)]
