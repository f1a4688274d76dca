"""How figures look: one frozen settings object, passed explicitly wherever a figure is drawn.

``Style(theme, font_size, rankdir, look, aspect)`` restyles the renderer's scenes: a theme maps
the slide palette to its own colours, ``font_size`` scales every text, ``rankdir`` turns the
graph, ``look`` draws nodes as boxes (equation, value, gradient) or as CS231n's gates (the
operator in a circle, values and gradients on the edges), and ``aspect`` is the slide the
figure is fitted into. ``auto`` (the default look and orientation) tries the choices and keeps
the one with the largest text on that slide (``render.fitting``). There is no global setting
to change; the default ``Style()`` is the slide look.

>>> Style()
Style(theme='light', font_size=14, rankdir='auto', look='auto', aspect='16:9')
>>> Style(theme="dark", rankdir="TB").font_size
14
>>> Style(theme="neon")
Traceback (most recent call last):
    ...
gradviz.errors.GradvizError: unknown theme 'neon'; choose one of light, dark, print
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

from ..errors import GradvizError
from ..ir.arguments import check_fields, checked_methods
from .choices import ASPECTS, BASE_FONT_SIZE, LOOKS, RANKDIRS

if TYPE_CHECKING:
    from .looks import EdgeLook, NodeLook, Scene

__all__ = ["Style", "THEMES", "RANKDIRS", "LOOKS", "ASPECTS", "BASE_FONT_SIZE"]

# Each theme maps the slide palette (render/looks.py: white paper, ink, soft ink, faint edges,
# op fill, active fill, Okabe–Ito blue for values and vermillion for gradients, node outlines,
# the active step's outline, the outline of the nodes it sends gradients to) to its colours. The active outline is the darkest line of the
# light and print themes, so the active step stands out in greyscale too; print is black and white.
_LIGHT = ("white", "#222222", "#666666", "#AAAAAA", "#F3F3F3", "#FBE3D2", "#0072B2", "#D55E00", "#7A7A7A",
          "#A34400", "#E07B39")
_PALETTE = re.compile("|".join(re.escape(c) for c in _LIGHT))
RESTYLED = 1 << 16  # restyled nodes and edges kept (``_restyled``): a deck's figure and its search have a few thousand
_FONT_SIZE = re.compile(r'fontsize="?([\d.]+)"?')
THEMES: dict[str, tuple[str, ...]] = {
    "light": _LIGHT,
    "dark": ("#1E1E1E", "#EEEEEE", "#AAAAAA", "#666666", "#333333", "#5C3317", "#56B4E9", "#E69F00", "#999999",
             "#FFC04D", "#C98A2E"),
    "print": ("white", "#000000", "#444444", "#999999", "#FFFFFF", "#E6E6E6", "#000000", "#000000", "#8C8C8C",
              "#000000", "#6E6E6E"),
}


@checked_methods
@dataclass(frozen=True)
class Style:
    """Figure settings: ``theme`` (light, dark, print), ``font_size`` in points, ``rankdir``
    (``LR`` inputs left and output right as on the slides, ``TB`` top to bottom, ``RL``, ``BT``,
    ``auto``), ``look`` (``boxes``, ``gates``, ``auto``) and ``aspect`` (``16:9``, ``4:3``, ``none``)."""

    theme: str = "light"
    font_size: float = BASE_FONT_SIZE
    rankdir: str = "auto"
    look: str = "auto"
    aspect: str = "16:9"

    def __post_init__(self) -> None:
        check_fields(self)
        if self.theme not in THEMES:
            raise GradvizError(f"unknown theme {self.theme!r}; choose one of {', '.join(THEMES)}")
        if self.rankdir not in RANKDIRS:
            raise GradvizError(f"unknown rankdir {self.rankdir!r}; choose one of {', '.join(RANKDIRS)}")
        if self.look not in LOOKS:
            raise GradvizError(f"unknown look {self.look!r}; choose one of {', '.join(LOOKS)}")
        if self.aspect not in ASPECTS:
            raise GradvizError(f"unknown aspect {self.aspect!r}; choose one of {', '.join(ASPECTS)}")
        if not 4 <= self.font_size <= 72:
            raise GradvizError(f"font_size must be between 4 and 72 points, not {self.font_size!r}")

    def _recolour(self, text: str) -> str:
        palette = dict(zip(_LIGHT, THEMES[self.theme]))
        return _PALETTE.sub(lambda m: palette[m.group(0)], text)

    def restyle(self, source: str) -> str:
        """DOT source drawn in this style's theme and font size (the neuron view, built as DOT)."""
        scale = self.font_size / BASE_FONT_SIZE
        source = self._recolour(re.sub(r"=white\b", '="white"', source))  # DOT writes a bare word unquoted
        return _FONT_SIZE.sub(lambda m: f"fontsize={float(m.group(1)) * scale:g}", source) if scale != 1 else source

    def apply(self, sc: "Scene") -> "Scene":
        """The scene drawn in this style (the default style returns it unchanged). The frames of one figure and
        the layouts the look search tries share most nodes and edges: each is restyled once (``_restyled``)."""
        if (self.theme, self.font_size) == ("light", BASE_FONT_SIZE):  # only the direction can change
            if self.rankdir in ("auto", "LR"):
                return sc
            return replace(sc, graph_attrs=tuple((key, self.rankdir if key == "rankdir" else value)
                                                 for key, value in dict(sc.graph_attrs, fontcolor=_LIGHT[1]).items()))
        return replace(
            sc,
            nodes=tuple(_restyled(self, n) for n in sc.nodes),
            edges=tuple(_restyled(self, e) for e in sc.edges),
            caption=None if sc.caption is None else self._recolour(sc.caption),
            graph_attrs=self._attrs(dict(sc.graph_attrs, fontcolor=_LIGHT[1]).items()),  # the caption's ink
            node_defaults=self._attrs(sc.node_defaults),
            edge_defaults=self._attrs(sc.edge_defaults))

    def _attrs(self, pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
        """DOT attributes in this style: font sizes scaled, colours of the theme, the direction set."""
        scale = self.font_size / BASE_FONT_SIZE
        out = []
        for key, value in pairs:
            if key == "fontsize":
                value = f"{float(value) * scale:g}"
            elif key == "rankdir" and self.rankdir != "auto":
                value = self.rankdir
            out.append((key, self._recolour(value)))
        return tuple(out)


@lru_cache(maxsize=RESTYLED)
def _restyled(style: Style, item: "NodeLook | EdgeLook") -> "NodeLook | EdgeLook":
    """A node or an edge of a scene in ``style`` (its label recoloured, its attributes restyled)."""
    label = None if item.label is None else style._recolour(item.label)
    return replace(item, label=label, attrs=style._attrs(item.attrs))
